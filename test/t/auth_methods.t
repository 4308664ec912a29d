# PROTOCOL.md 2, auth_method: clear (the default, also when empty),
# challenge, cookie; any other method is "Invalid password"; a method the
# admin switched off (SessionExpireAuthMethods) is "Client error: Access of
# restricted feature", and so is getchallenge where challenge is off.  The
# Locations are in t/conf/se_auth.last.conf.in:
#   /interface/flat              all three (the default)
#   /interface/flat-noclear      challenge cookie
#   /interface/flat-nochallenge  clear cookie
#   /interface/flat-nocookie     clear challenge
#   /interface/flat-nomethod     none
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 qw(md5_hex);

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 54;

use constant OK           => { success => 'OK' };
use constant BAD_PASSWORD => { success => 'FAIL', errmsg => 'Invalid password' };
use constant RESTRICTED   => { success => 'FAIL',
                               errmsg => 'Client error: Access of restricted feature' };

my $pw = 'Methods Pass 1';

# One account per Location and method keeps every account far below the
# failed-login limit.
my %path = (
    all         => '/interface/flat',
    noclear     => '/interface/flat-noclear',
    nochallenge => '/interface/flat-nochallenge',
    nocookie    => '/interface/flat-nocookie',
    nomethod    => '/interface/flat-nomethod',
);

# The answer to a sessionexpire by $method ('clear', 'hpassword',
# 'default' (no auth_method), 'empty' (auth_method=), 'challenge',
# 'cookie') with the right credentials, on $where.
sub attempt {
    my($where, $method, $user, %o) = @_;
    my $path = $path{$where};
    my $password = $o{wrong} ? "x$pw" : $pw;
    my %pairs = (mode => 'sessionexpire', user => $user);
    my @headers;

    if ($method eq 'clear') {
        %pairs = (%pairs, auth_method => 'clear', password => $password);
    }
    elsif ($method eq 'hpassword') {
        %pairs = (%pairs, auth_method => 'clear', hpassword => md5_hex($password));
    }
    elsif ($method eq 'default') {
        %pairs = (%pairs, password => $password);
    }
    elsif ($method eq 'empty') {
        %pairs = (%pairs, auth_method => '', password => $password);
    }
    elsif ($method eq 'challenge') {
        # The challenge comes from a Location that makes them (the
        # secret is the server's, not the Location's).
        my $chal = get_challenge();
        %pairs = (%pairs, auth_method => 'challenge', auth_challenge => $chal,
                  auth_response => challenge_response($chal, $password));
    }
    elsif ($method eq 'cookie') {
        my($id, $auth) = generate_ok($user, $pw);
        $auth = 'WrongWrong' if $o{wrong};
        %pairs = (%pairs, auth_method => 'cookie');
        @headers = ('X-LJ-Auth' => 'cookie',
                    Cookie => "ljsession=ws:$user:$id:$auth");
    }
    else {
        %pairs = (%pairs, auth_method => $method, password => $password);
    }
    my($res, $p) = flat_post(\%pairs, path => $path, headers => \@headers);
    return $p;
}

my %allowed = (
    all         => { clear => 1, challenge => 1, cookie => 1 },
    noclear     => { clear => 0, challenge => 1, cookie => 1 },
    nochallenge => { clear => 1, challenge => 0, cookie => 1 },
    nocookie    => { clear => 1, challenge => 1, cookie => 0 },
    nomethod    => { clear => 0, challenge => 0, cookie => 0 },
);
# hpassword, no auth_method and an empty one are all clear.
my %family = (clear => 'clear', hpassword => 'clear', default => 'clear',
              empty => 'clear', challenge => 'challenge', cookie => 'cookie');

for my $where (qw(all noclear nochallenge nocookie nomethod)) {
    for my $method (qw(clear hpassword default empty challenge cookie)) {
        my $user = new_user("am$method", $pw);
        my $on = $allowed{$where}{ $family{$method} };
        is_deeply attempt($where, $method, $user), $on ? OK : RESTRICTED,
            "$path{$where}, $method: " . ($on ? 'OK' : 'restricted');
    }
}

# Switched off is switched off, whatever the credentials.
{
    my $user = new_user('amwrong', $pw);
    is_deeply attempt('noclear', 'clear', $user, wrong => 1), RESTRICTED,
        'clear switched off, wrong password: restricted';
    is_deeply attempt('nochallenge', 'challenge', $user, wrong => 1), RESTRICTED,
        'challenge switched off, wrong response: restricted';
    is_deeply attempt('nocookie', 'cookie', $user, wrong => 1), RESTRICTED,
        'cookie switched off, wrong cookie: restricted';
    # ... and is not a failed login.
    my $n = sql('SELECT COUNT(*) FROM se_login_failures WHERE username = '
                . sql_quote($user));
    chomp $n;
    is $n, 0, 'restricted attempts are not counted as failed logins';
}

# getchallenge where challenge is off.
for my $where (qw(all noclear nochallenge nocookie nomethod)) {
    my(undef, $p) = flat_post({ mode => 'getchallenge' }, path => $path{$where});
    if ($allowed{$where}{challenge}) {
        is $p && $p->{success}, 'OK', "$path{$where}: getchallenge OK";
    }
    else {
        is_deeply $p, RESTRICTED, "$path{$where}: getchallenge restricted";
    }
}

# A challenge from a Location that makes them is good where challenge is on.
{
    my $user = new_user('amchal', $pw);
    my $chal = get_challenge(path => $path{noclear});
    my(undef, $p) = flat_post({ mode => 'sessionexpire', user => $user,
                                auth_method => 'challenge',
                                auth_challenge => $chal,
                                auth_response => challenge_response($chal, $pw) },
                              path => $path{nocookie});
    is_deeply $p, OK, 'a challenge from one Location used at another: OK';
}

# Unknown methods, on the default Location.
{
    my $user = new_user('amunk', $pw);
    for my $m ('foo', 'Clear', 'CLEAR', 'Challenge', 'COOKIE', 'clear ',
               ' clear', 'cookies', 'none', 'password', 'md5', '0') {
        is_deeply attempt('all', $m, $user), BAD_PASSWORD,
            "auth_method '$m' with the right password: Invalid password";
    }
    # No auth_method and an empty one are clear, with either field.
    my(undef, $p) = flat_post({ mode => 'sessionexpire', user => $user,
                                hpassword => md5_hex($pw) });
    is_deeply $p, OK, 'no auth_method, the right hpassword: OK';
    (undef, $p) = flat_post({ mode => 'sessionexpire', user => $user,
                              auth_method => '', hpassword => uc md5_hex($pw) });
    is_deeply $p, OK, 'empty auth_method, the right hpassword in upper case: OK';
}
