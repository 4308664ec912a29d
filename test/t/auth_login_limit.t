# PROTOCOL.md 2, failed-login limiting (defaults: 3 failures allowed per
# 300 s, ban 300 s): wrong passwords, wrong hpasswords, clear requests with
# neither field and wrong challenge responses count per (user, client IP);
# unknown users, invalid/expired/replayed challenges and failed cookies do
# not.  The 4th failure within 300 s still answers "Invalid password" and
# bans the pair for 300 s; while banned every attempt by any method, even
# with the right password, gets the 402 message.  getchallenge still works.
# Another IP is another pair (the client binds to 127.0.0.2).  With
# "SessionExpireLoginLimit off" (/interface/flat-nolimit) nothing is counted.
#
# Every block uses accounts of its own.  The test clock is moved only at the
# end of the file, and put back (SETest).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 qw(md5_hex);

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 86;

use constant OK           => { success => 'OK' };
use constant BAD_PASSWORD => { success => 'FAIL', errmsg => 'Invalid password' };
use constant BAD_USERNAME => { success => 'FAIL', errmsg => 'Invalid username' };
use constant EXPIRED      => { success => 'FAIL', errmsg => 'Challenge expired' };
use constant BANNED       => { success => 'FAIL', errmsg => 'Client error: Your'
    . ' IP address is temporarily banned for exceeding the login failure rate.' };

my $pw = 'Limit Pass 1';

# sessionexpire with clear authentication; %more: more pairs (undef leaves
# a key out), path and local_addr for flat_post.
sub clear_post {
    my($user, %more) = @_;
    my %opts;
    for my $o (qw(path local_addr)) {
        $opts{$o} = delete $more{$o} if exists $more{$o};
    }
    my %pairs = (mode => 'sessionexpire', user => $user,
                 auth_method => 'clear', %more);
    delete $pairs{$_} for grep { !defined $pairs{$_} } keys %pairs;
    my(undef, $p) = flat_post(\%pairs, %opts);
    return $p;
}

sub right { my $user = shift; return clear_post($user, password => $pw, @_) }
sub wrong { my $user = shift; return clear_post($user, password => "x$pw", @_) }

sub chal_post {
    my($user, $chal, $resp, %opts) = @_;
    my(undef, $p) = flat_post({ mode => 'sessionexpire', user => $user,
                                auth_method => 'challenge',
                                auth_challenge => $chal,
                                auth_response => $resp }, %opts);
    return $p;
}

sub cookie_post {
    my($user, $cookie, %opts) = @_;
    my(undef, $p) = flat_post({ mode => 'sessionexpire', user => $user,
                                auth_method => 'cookie' }, %opts,
                              headers => [ 'X-LJ-Auth' => 'cookie',
                                           Cookie => $cookie ]);
    return $p;
}

# $n wrong passwords, each of which must answer "Invalid password".
sub fail_times {
    my($user, $n, $name, %opts) = @_;
    my $all = 1;
    for my $i (1 .. $n) {
        my $p = wrong($user, %opts);
        $all &&= $p && ($p->{errmsg} // '') eq 'Invalid password';
    }
    ok $all, "$name: $n wrong passwords, each 'Invalid password'";
}

# ---- below the limit ----------------------------------------------------

{
    my $user = new_user('ll3', $pw);
    fail_times($user, 3, 'three failures');
    is_deeply right($user), OK, 'three wrong passwords, then the right one: OK';
    is_deeply wrong($user), BAD_PASSWORD,
        'a fourth failure after a success: Invalid password';
    is_deeply right($user), BANNED,
        '... four failures within 300 s ban, successes in between or not';
}

# ---- the ban -------------------------------------------------------------

my $banned = new_user('llban', $pw);
my($cookie_id, $cookie_auth) = generate_ok($banned, $pw);
my $cookie = "ljsession=ws:$banned:$cookie_id:$cookie_auth";
{
    fail_times($banned, 3, 'ban');
    is_deeply wrong($banned), BAD_PASSWORD, 'the 4th wrong password: still'
        . ' Invalid password';
    is_deeply right($banned), BANNED, 'the 5th attempt, with the right'
        . ' password: banned';
    is_deeply wrong($banned), BANNED, 'a wrong password while banned: banned';

    # Every method, every mode.
    is_deeply clear_post($banned, hpassword => md5_hex($pw)), BANNED,
        'banned: the right hpassword too';
    is_deeply clear_post($banned, hpassword => uc md5_hex($pw)), BANNED,
        'banned: the right hpassword in upper case too';
    is_deeply clear_post($banned, auth_method => undef, password => $pw), BANNED,
        'banned: no auth_method (clear) too';
    my $chal = get_challenge();
    is_deeply chal_post($banned, $chal, challenge_response($chal, $pw)), BANNED,
        'banned: the right challenge response too';
    is_deeply cookie_post($banned, $cookie), BANNED, 'banned: a valid cookie too';
    my(undef, $p) = generate($banned, $pw);
    is_deeply $p, BANNED, 'banned: sessiongenerate too';
    (undef, $p) = flat_post(ok_auth(uc $banned, $pw));
    is_deeply $p, BANNED, 'banned: the user name in upper case too';
    (undef, $p) = flat_post(ok_auth($banned, $pw), path => '/interface/flat-noclear');
    is_deeply $p, { success => 'FAIL',
                    errmsg => 'Client error: Access of restricted feature' },
        'banned, on a Location without clear: restricted (the method is'
        . ' checked first)';

    # getchallenge needs no user and is not refused.
    (undef, $p) = flat_post({ mode => 'getchallenge' });
    is $p && $p->{success}, 'OK', 'getchallenge works while a pair is banned';
    (undef, $p) = flat_post({ mode => 'getchallenge', user => $banned });
    is $p && $p->{success}, 'OK', '... even naming the banned user';

    # The pair, not the user or the IP.
    is_deeply right($banned, local_addr => '127.0.0.2'), OK,
        'the banned user from 127.0.0.2: OK';
    is_deeply cookie_post($banned, $cookie, local_addr => '127.0.0.2'), OK,
        '... with the cookie too';
    my $other = new_user('llother', $pw);
    is_deeply right($other), OK, 'another user from the banned IP: OK';
}

{
    # From another IP, failures are counted for that pair only.
    my $user = new_user('llip', $pw);
    fail_times($user, 4, '127.0.0.2', local_addr => '127.0.0.2');
    is_deeply right($user, local_addr => '127.0.0.2'), BANNED,
        'four failures from 127.0.0.2: banned there';
    is_deeply right($user), OK, '... not from 127.0.0.1';
    my $rows = sql('SELECT ip, COUNT(*) FROM se_login_failures WHERE username = '
                   . sql_quote($user) . ' GROUP BY ip');
    is $rows, "127.0.0.2|4\n", 'the failures are recorded for 127.0.0.2';
}

# ---- what counts ---------------------------------------------------------

{
    my $user = new_user('llnofield', $pw);
    for my $n (1 .. 4) {
        is_deeply clear_post($user), BAD_PASSWORD,
            "clear request with neither password field ($n): Invalid password";
    }
    is_deeply right($user), BANNED, 'four requests with neither field: banned';
}

{
    my $user = new_user('llhpw', $pw);
    is_deeply clear_post($user, hpassword => md5_hex("x$pw")), BAD_PASSWORD,
        'wrong hpassword: Invalid password';
    is_deeply clear_post($user, password => '', hpassword => ''), BAD_PASSWORD,
        'empty password and hpassword: Invalid password';
    my $chal = get_challenge();
    is_deeply chal_post($user, $chal, challenge_response($chal, "x$pw")),
        BAD_PASSWORD, 'wrong challenge response: Invalid password';
    is failures_of($user), 3, 'wrong hpassword, empty fields, wrong response:'
        . ' three failures recorded';
    is_deeply right($user), OK, '... not banned yet';
    is_deeply wrong($user), BAD_PASSWORD, 'and a wrong password, the 4th';
    is_deeply right($user), BANNED, '... bans';
}

{
    # Unknown users: nothing to count.  Then the account appears.
    my $name = lc sprintf 'llunk_%x', $$;
    for my $n (1 .. 5) {
        is_deeply wrong($name), BAD_USERNAME, "unknown user, attempt $n:"
            . ' Invalid username';
    }
    is failures_of($name), 0, 'no failures recorded for an unknown user';
    my(undef, $rc, $err) = admin_with_input("$pw\n", 'useradd', $name);
    is $rc, 0, "the account $name created" or diag $err;
    is_deeply right($name), OK, '... and it logs in: not banned';
}

{
    # Invalid, replayed and expired challenges (the last with the clock at
    # the end of the file) are not counted.
    my $user = new_user('llchal', $pw);
    my $chal = get_challenge();
    is_deeply chal_post($user, $chal, challenge_response($chal, $pw)), OK,
        'a challenge: OK';
    for my $n (1 .. 3) {
        is_deeply chal_post($user, $chal, challenge_response($chal, $pw)),
            BAD_PASSWORD, "the challenge replayed ($n): Invalid password";
    }
    my $forged = $chal =~ s/:([0-9a-f])([0-9a-f]{31})\z/':' . ($1 eq '0' ? '1' : '0') . $2/er;
    for my $n (1 .. 3) {
        is_deeply chal_post($user, $forged, challenge_response($forged, $pw)),
            BAD_PASSWORD, "a forged challenge ($n): Invalid password";
    }
    is_deeply chal_post($user, get_challenge(host => 'se-othersecret.invalid'),
                        'x'), BAD_PASSWORD,
        "another cluster's challenge: Invalid password";
    is failures_of($user), 0, 'replayed and forged challenges: nothing recorded';
    is_deeply right($user), OK, '... not banned';
}

{
    # Failed cookies are not counted.
    my $user = new_user('llck', $pw);
    my($id, $auth) = generate_ok($user, $pw);
    for my $n (1 .. 5) {
        is_deeply cookie_post($user, "ljsession=ws:$user:$id:Wrong${n}Auth"),
            BAD_PASSWORD, "wrong cookie ($n): Invalid password";
    }
    is failures_of($user), 0, 'failed cookies: nothing recorded';
    is_deeply right($user), OK, 'five failed cookies, then the right password: OK';
}

{
    # Restricted methods and unknown methods are not guesses either.
    my $user = new_user('llrest', $pw);
    for my $n (1 .. 4) {
        clear_post($user, password => "x$pw", path => '/interface/flat-noclear');
        clear_post($user, password => "x$pw", auth_method => "bogus$n");
    }
    is failures_of($user), 0, 'restricted or unknown methods with a wrong'
        . ' password: nothing recorded';
    is_deeply right($user), OK, '... not banned';
}

# ---- no limit ------------------------------------------------------------

{
    my $user = new_user('lloff', $pw);
    my $all = 1;
    for my $n (1 .. 10) {
        my $p = wrong($user, path => '/interface/flat-nolimit');
        $all &&= $p && ($p->{errmsg} // '') eq 'Invalid password';
    }
    ok $all, 'SessionExpireLoginLimit off: ten wrong passwords, each Invalid password';
    is_deeply right($user, path => '/interface/flat-nolimit'), OK,
        '... then the right one: OK';
    is failures_of($user), 0, '... and nothing was recorded';
    is_deeply right($user), OK, '... so the limited Location lets it in too';
}

# ---- time (moves the test clock) -----------------------------------------

{
    # The ban lasts 300 s from the 4th failure.
    my $user = new_user('llwin', $pw);
    fail_times($user, 4, 'ban lifted');
    is_deeply right($user), BANNED, 'banned';
    set_clock(250);
    is_deeply right($user), BANNED, '250 s later: still banned';
    set_clock(301);
    is_deeply right($user), OK, '301 s later: the ban is lifted';
    # Still at +301: the four old failures are outside the window now.
    fail_times($user, 3, 'after the ban');
    is_deeply right($user), OK, '... three new failures: not banned';
    is_deeply wrong($user), BAD_PASSWORD, '... a 4th new one: Invalid password';
    is_deeply right($user), BANNED, '... bans again';
    set_clock(0);
}

{
    # Failures older than the window do not count.
    my $user = new_user('llold', $pw);
    fail_times($user, 3, 'old failures');
    set_clock(301);
    fail_times($user, 3, 'new failures');
    is_deeply right($user), OK, '3 failures, 301 s, 3 failures: not banned';
    set_clock(0);
}

{
    # Four failures spread over less than 300 s do count.
    my $user = new_user('llspread', $pw);
    fail_times($user, 2, 'spread');
    set_clock(200);
    fail_times($user, 2, 'spread, 200 s later');
    is_deeply right($user), BANNED, '2 failures, 200 s, 2 failures: banned';
    set_clock(0);
}

{
    # Expired challenges are not counted.
    my $user = new_user('llexp', $pw);
    my @chals = map { get_challenge() } 1 .. 4;
    set_clock(120);
    my @got;
    for my $chal (@chals) {
        my $p = chal_post($user, $chal, challenge_response($chal, "x$pw"));
        push @got, $p && $p->{errmsg} // '(no errmsg)';
    }
    is_deeply \@got, [ ('Challenge expired') x 4 ],
        'four expired challenges with wrong responses: Challenge expired';
    is failures_of($user), 0, '... nothing recorded';
    is_deeply right($user), OK, '... not banned';
    set_clock(0);
}

is clock_offset(), 0, 'the test clock is back to 0';
