# PROTOCOL.md 2, Authentication with auth_method=clear: password or
# hpassword (MD5 hex, either case), either one matching is enough; unknown
# users; unknown methods; user name canonicalisation and invalid names.
#
# Failed logins are limited per (user, client IP) (4th failure bans): no
# account here gets more than two failures, so this file does not depend on
# the limiter either way.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 qw(md5_hex);

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 112;

my $pw    = 'Clear Pass&1=%';      # form-escaped on the wire
my $md5   = md5_hex($pw);
my $wrong = 'not the password';

use constant BAD_PASSWORD => { success => 'FAIL', errmsg => 'Invalid password' };
use constant BAD_USERNAME => { success => 'FAIL', errmsg => 'Invalid username' };
use constant NO_USERNAME  => { success => 'FAIL',
                               errmsg => 'Client error: No username sent.' };

# A sessiongenerate with exactly these pairs (besides mode).
sub gen_raw {
    my %pairs = @_;
    delete $pairs{$_} for grep { !defined $pairs{$_} } keys %pairs;
    return flat_post({ mode => 'sessiongenerate', %pairs });
}

# Expects success and an ljsession naming $canonical.
sub gen_is_ok {
    my($name, $canonical, %pairs) = @_;
    my($res, $p) = gen_raw(%pairs);
    is $res->code, 200, "$name: HTTP 200";
    is $p && $p->{success}, 'OK', "$name: success OK" or diag $res->content;
    like $p && $p->{ljsession} // '', qr/^ws:\Q$canonical\E:\d+:[A-Za-z0-9]{10}\z/,
        "$name: ljsession names $canonical";
}

# Expects exactly the failure $want, and no new session for $user.
sub gen_fails {
    my($name, $want, $user, %pairs) = @_;
    my @before = defined $user ? session_ids($user) : ();
    my($res, $p) = gen_raw(%pairs);
    is $res->code, 200, "$name: HTTP 200";
    is_deeply $p, $want, "$name: $want->{errmsg}" or diag $res->content;
    if (defined $user) {
        is_deeply [session_ids($user)], \@before, "$name: no session created";
    }
}

# Right and wrong passwords.
{
    my $user = new_user('clr', $pw);
    gen_is_ok('right password', $user, user => $user, password => $pw);
    gen_fails('wrong password', BAD_PASSWORD, $user,
              user => $user, password => $wrong);
    gen_fails('password with a different case', BAD_PASSWORD, $user,
              user => $user, password => uc $pw);
    gen_is_ok('right password after two failures', $user,
              user => $user, password => $pw);
}

# hpassword: the MD5 hex of the password, either case; either field
# matching is enough.
{
    my $user = new_user('clrh', $pw);
    gen_is_ok('hpassword lower case', $user, user => $user, hpassword => $md5);
    gen_is_ok('hpassword upper case', $user, user => $user,
              hpassword => uc $md5);
    gen_is_ok('right password, wrong hpassword', $user, user => $user,
              password => $pw, hpassword => md5_hex($wrong));
    gen_is_ok('wrong password, right hpassword', $user, user => $user,
              password => $wrong, hpassword => $md5);
    gen_is_ok('auth_method=clear explicitly', $user, user => $user,
              auth_method => 'clear', password => $pw);
    gen_fails('both wrong', BAD_PASSWORD, $user, user => $user,
              password => $wrong, hpassword => md5_hex($wrong));
    gen_fails('hpassword is the plain password', BAD_PASSWORD, $user,
              user => $user, hpassword => $pw);
}
{
    my $user = new_user('clrh', $pw);
    gen_fails('hpassword of a wrong password', BAD_PASSWORD, $user,
              user => $user, hpassword => md5_hex($wrong));
    gen_fails('password is the MD5 hex', BAD_PASSWORD, $user,
              user => $user, password => $md5);
}

# Missing and empty password fields.
{
    my $user = new_user('clre', $pw);
    gen_fails('neither password nor hpassword', BAD_PASSWORD, $user,
              user => $user);
    gen_fails('empty password', BAD_PASSWORD, $user,
              user => $user, password => '');
}
{
    my $user = new_user('clre', $pw);
    gen_fails('empty hpassword', BAD_PASSWORD, $user,
              user => $user, hpassword => '');
    gen_fails('empty password and hpassword', BAD_PASSWORD, $user,
              user => $user, password => '', hpassword => '');
}

# Methods other than clear.
{
    my $user = new_user('clrm', $pw);
    gen_fails('auth_method=plain', BAD_PASSWORD, $user,
              user => $user, auth_method => 'plain', password => $pw);
    gen_fails('auth_method=CLEAR (values are case-sensitive)', BAD_PASSWORD,
              $user, user => $user, auth_method => 'CLEAR', password => $pw);
}

# Unknown users.
{
    my $ghost = "nobody_$$";
    gen_fails('unknown user', BAD_USERNAME, undef,
              user => $ghost, password => $pw);
    gen_fails('unknown user, no password', BAD_USERNAME, undef,
              user => $ghost);
    my($res, $p) = flat_post(ok_auth($ghost, $pw));
    is_deeply $p, BAD_USERNAME, 'unknown user, sessionexpire: Invalid username'
        or diag $res->content;
}

# User names: surrounding ASCII white space trimmed, case folded, - for _.
{
    my $user = new_user('clr_name', $pw);       # clr_name_<pid>_<n>
    (my $dashed = uc $user) =~ tr/_/-/;
    for my $case ([ 'upper case',              uc $user ],
                  [ "- for _",                 do { (my $u = $user) =~ tr/_/-/; $u } ],
                  [ 'upper case and -',        $dashed ],
                  [ 'spaces around',           "  $user " ],
                  [ 'tabs around',             "\t$user\t" ],
                  [ 'newline, CR around',      "\r\n$user\n" ],
                  [ 'spaces, capitals and -',  " $dashed  " ]) {
        my($name, $raw) = @$case;
        gen_is_ok("user name: $name", $user, user => $raw, password => $pw);
    }
    my($res, $p) = flat_post(ok_auth(" $dashed\t", $pw, expireall => 1));
    is_deeply $p, { success => 'OK' },
        'user name variants work for sessionexpire too' or diag $res->content;
    is_deeply [session_ids($user)], [], '... and expire the canonical user';
}

# The 25-character limit, and names that are no user name at all.
{
    my $name25 = "l25_$$";
    $name25 .= 'x' x (25 - length $name25);
    my($out, $rc, $err) = admin_with_input("$pw\n", 'useradd', $name25);
    is $rc, 0, 'a 25-character account can be created' or diag "$out$err";
    gen_is_ok('25-character user name', $name25,
              user => $name25, password => $pw);
    gen_is_ok('25-character user name with spaces around', $name25,
              user => "  \U$name25\E \t", password => $pw);

    my @invalid = (
        [ '26 characters',     $name25 . 'x' ],
        [ 'a dot',             'a.b' ],
        [ 'a space inside',    'a b' ],
        [ 'empty',             '' ],
        [ 'only spaces',       "  \t " ],
        [ 'an @',              'a@b' ],
        [ 'non-ASCII',         "caf\xc3\xa9" ],
        [ 'a NBSP around',     "\xc2\xa0$name25" ],
        [ 'a vertical bar',    "$name25|" ],
    );
    for my $case (@invalid) {
        my($name, $raw) = @$case;
        gen_fails("invalid user name: $name", NO_USERNAME, undef,
                  user => $raw, password => $pw);
    }
    gen_fails('no user key at all', NO_USERNAME, undef, password => $pw);
}
