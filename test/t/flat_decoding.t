# PROTOCOL.md 1, request decoding: "+" is a space, %XX (either hex case) is
# that byte, a malformed escape (%, %4, %zz) stays as written, keys are
# decoded like values, keys are case-sensitive.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 19;

# Escapes the first byte of $s as %XX with the given case of hex digits.
sub esc_first {
    my($s, $lower) = @_;
    my $hex = sprintf $lower ? '%%%02x' : '%%%02X', ord $s;
    return $hex . substr($s, 1);
}

sub expect_ok {
    my($body, $name) = @_;
    my($res, $p) = flat_post($body);
    is $res->code, 200, "$name: HTTP 200";
    is_deeply $p, { success => 'OK' }, "$name: success OK"
        or diag "body: " . $res->content;
}

my $pw = 'Pass1';
my $user = new_user('dec', $pw);

# Baseline, nothing escaped.
expect_ok("mode=sessionexpire&user=$user&auth_method=clear&password=$pw",
          'plain body');

# %64emo is "demo": values are decoded, either hex case.
expect_ok('mode=sessionexpire&user=' . esc_first($user, 1)
          . "&auth_method=clear&password=$pw", 'user with %xx (lowercase)');
expect_ok('mode=sessionexpire&user=' . esc_first($user, 0)
          . "&auth_method=clear&password=$pw", 'user with %XX (uppercase)');

# Keys are decoded exactly like values: %75ser is "user", auth%5fmethod is
# "auth_method", %6Dode is "mode".
expect_ok("%6Dode=sessionexpire&%75ser=$user&auth%5fmethod=clear"
          . "&pass%77ord=$pw", 'escaped keys');

# "+" is a space and %2B / %2b a plus sign; % followed by other than two hex
# digits stays as it is; an escape closing the body is decoded.
{
    my $pw2 = 'a b+c+d%zz%4%G1%';
    my $u2 = new_user('dec', $pw2);
    my($res, $p) = flat_post("mode=sessionexpire&user=$u2&auth_method=clear"
                             . '&password=a+b%2Bc%2bd%zz%4%G1%');
    is_deeply $p, { success => 'OK' },
        '"+" is a space, %2B/%2b a plus, malformed escapes kept'
        or diag $res->content;

    ($res, $p) = flat_post("mode=sessionexpire&user=$u2&auth_method=clear"
                           . '&password=a+b+c+d%zz%4%G1%');
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'a "+" that should have been %2B is a space: wrong password';

    # The same password, fully escaped.
    ($res, $p) = flat_post(ok_auth($u2, $pw2));
    is_deeply $p, { success => 'OK' }, 'the same password, all escaped';

    my $pw3 = 'xyA';
    my $u3 = new_user('dec', $pw3);
    ($res, $p) = flat_post("mode=sessionexpire&user=$u3&auth_method=clear"
                           . '&password=xy%41');
    is_deeply $p, { success => 'OK' }, 'an escape at the very end of the body';

    # Malformed escapes at the very end of the body stay too.
    for my $pw4 ('q%4', 'r%') {
        my $u4 = new_user('dec', $pw4);
        ($res, $p) = flat_post("mode=sessionexpire&user=$u4&auth_method=clear"
                               . "&password=$pw4");
        is_deeply $p, { success => 'OK' },
            "'$pw4' at the very end of the body stays as it is";
    }
}

# Surrounding "+" decode to spaces, which the user name rule trims.
{
    my($res, $p) = flat_post("mode=sessionexpire&user=++$user+"
                             . "&auth_method=clear&password=$pw");
    is_deeply $p, { success => 'OK' }, 'user "  name " (from +) is trimmed';
}

# Keys are case-sensitive.
{
    my($res, $p) = flat_post("mode=sessionexpire&User=$user"
                             . "&auth_method=clear&password=$pw");
    is_deeply $p, { success => 'FAIL',
                    errmsg => 'Client error: No username sent.' },
        '"User" is not "user"';

    ($res, $p) = flat_post("MODE=sessionexpire&user=$user"
                           . "&auth_method=clear&password=$pw");
    is_deeply $p, { success => 'FAIL',
                    errmsg => 'Client error: No mode specified.' },
        '"MODE" is not "mode"';

    ($res, $p) = flat_post("mode=sessionexpire&user=$user"
                           . "&auth_method=clear&Password=$pw");
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        '"Password" is not "password"';
}

# Empty segments are ignored.
{
    my($res, $p) = flat_post("&&mode=sessionexpire&&user=$user&"
                             . "auth_method=clear&password=$pw&&");
    is_deeply $p, { success => 'OK' }, 'empty segments between "&" ignored'
        or diag $res->content;
}
