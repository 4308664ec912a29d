# PROTOCOL.md 1: a key that appears twice, or a decoded value holding a NUL
# byte, fails the request with "Client error: Invalid argument(s)" naming
# the key (beyond the reference, which joined duplicates with NUL).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 33;

my $pw = 'Secret9';
my $user = new_user('dup', $pw);
my $auth = "mode=sessionexpire&user=$user&auth_method=clear&password=$pw";

# Expects the 203 error naming $key; the errmsg never repeats a value.
sub expect_invalid {
    my($body, $key, $name) = @_;
    my($res, $p) = flat_post($body);
    is $res->code, 200, "$name: HTTP 200";
    is $p && $p->{success}, 'FAIL', "$name: success FAIL";
    like $p && $p->{errmsg} // '',
        qr/^\QClient error: Invalid argument(s): \E.*\Q$key\E/,
        "$name: Invalid argument(s) naming '$key'";
    unlike $p && $p->{errmsg} // '', qr/\Q$pw\E/,
        "$name: the password is not repeated";
    is join(',', sort keys %{ $p || {} }), 'errmsg,success',
        "$name: nothing but errmsg and success";
}

expect_invalid("$auth&user=$user", 'user', 'user twice (same value)');
expect_invalid("$auth&%75ser=other", 'user',
               'user twice, once escaped (%75ser)');
expect_invalid("$auth&password=wrong", 'password', 'password twice');
expect_invalid("foo=1&$auth&foo=2", 'foo', 'an unknown key twice');
expect_invalid("$auth&expire_id_1=&expire_id_1=", 'expire_id_1',
               'an empty-valued key twice');

# A duplicated mode fails the same way, not as "No mode specified."
{
    my($res, $p) = flat_post("mode=sessionexpire&mode=sessiongenerate"
                             . "&user=$user&password=$pw");
    like $p->{errmsg} // '', qr/^\QClient error: Invalid argument(s): \E.*mode/,
        'mode twice: Invalid argument(s) naming mode';
}

# Keys are case-sensitive: "user" and "User" are two different keys.
{
    my($res, $p) = flat_post("$auth&User=$user");
    is_deeply $p, { success => 'OK' }, '"user" and "User" are not duplicates';
}

# NUL bytes.
{
    my($res, $p) = flat_post("mode=sessionexpire&user=$user"
                             . "&auth_method=clear&password=$pw%00");
    like $p->{errmsg} // '',
        qr/^\QClient error: Invalid argument(s): \E.*password/,
        '%00 in the password: Invalid argument(s) naming password';
    unlike $res->content, qr/\0/, 'no NUL byte in the response';

    ($res, $p) = flat_post("$auth&comment=a%00b");
    like $p->{errmsg} // '',
        qr/^\QClient error: Invalid argument(s): \E.*comment/,
        '%00 in an unknown key\'s value: Invalid argument(s) naming it';

    ($res, $p) = flat_post("mode=sessionexpire&user=%00$user"
                           . "&auth_method=clear&password=$pw");
    like $p->{errmsg} // '',
        qr/^\QClient error: Invalid argument(s): \E.*user/,
        '%00 before the user name: Invalid argument(s) naming user';

    # A raw NUL byte in the body is a NUL in the value too.
    ($res, $p) = flat_post("mode=sessionexpire&user=$user"
                           . "&auth_method=clear&password=$pw\0tail");
    like $p->{errmsg} // '',
        qr/^\QClient error: Invalid argument(s): \E.*password/,
        'a raw NUL byte in the password: Invalid argument(s) naming it';

    # A NUL in a key.
    ($res, $p) = flat_post("$auth&fo%00o=1");
    like $p->{errmsg} // '', qr/^\QClient error: Invalid argument(s)\E/,
        '%00 in a key: Invalid argument(s)';
}
