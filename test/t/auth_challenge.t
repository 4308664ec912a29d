# PROTOCOL.md 2, getchallenge and auth_method=challenge: the fields of
# getchallenge; auth_response = md5_hex(challenge . md5_hex(password)) in
# either hex case; a challenge authenticates once, is used up even by a
# wrong response (which counts as a failed login), expires after goodfor
# seconds ("Challenge expired"); any change to it, or a challenge made
# under another site secret, is "Invalid password"; nodes sharing the
# secret verify each other's challenges.
#
# Failed logins are limited per (user, client IP): every block here uses
# accounts of its own and stays below the limit unless it tests it.  The
# test clock is moved only at the end of the file, and put back (SETest).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 qw(md5_hex);
use Time::HiRes ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 106;

use constant BAD_PASSWORD => { success => 'FAIL', errmsg => 'Invalid password' };
use constant BAD_USERNAME => { success => 'FAIL', errmsg => 'Invalid username' };
use constant EXPIRED      => { success => 'FAIL', errmsg => 'Challenge expired' };
use constant BANNED       => { success => 'FAIL', errmsg => 'Client error: Your'
    . ' IP address is temporarily banned for exceeding the login failure rate.' };

my $pw = 'Chal Pass&1';

# A request authenticated by a challenge.  %more: more pairs (a value of
# undef leaves the key out), and path / host for flat_post.
sub chal_post {
    my($mode, $user, $chal, $resp, %more) = @_;
    my %opts;
    for my $o (qw(path host local_addr)) {
        $opts{$o} = delete $more{$o} if exists $more{$o};
    }
    my %pairs = (mode => $mode, user => $user, auth_method => 'challenge',
                 auth_challenge => $chal, auth_response => $resp, %more);
    delete $pairs{$_} for grep { !defined $pairs{$_} } keys %pairs;
    return flat_post(\%pairs, %opts);
}

sub challenge_row_exists {
    return count_rows('se_challenges WHERE challenge = ' . sql_quote(shift));
}

# ---- getchallenge --------------------------------------------------------

my $CHAL_RE = qr/\Ac0:(\d+):(\d+):(\d+):([A-Za-z0-9]{20}):([0-9a-f]{32})\z/;

{
    my $before = time;
    my($res, $p) = flat_post({ mode => 'getchallenge' });
    my $after = time;

    is $res->code, 200, 'getchallenge: HTTP 200';
    is_deeply [sort keys %{ $p || {} }],
        [qw(auth_scheme challenge expire_time server_time success)],
        'getchallenge: exactly auth_scheme, challenge, expire_time,'
        . ' server_time, success' or diag $res->content;
    is $p->{success}, 'OK', 'getchallenge: success OK';
    is $p->{auth_scheme}, 'c0', 'getchallenge: auth_scheme c0';
    like $p->{challenge}, $CHAL_RE, 'getchallenge: challenge has the c0 shape';
    my($stime, $s_age, $goodfor) = $p->{challenge} =~ $CHAL_RE;
    like $p->{server_time}, qr/\A\d+\z/, 'getchallenge: server_time is a number';
    ok $p->{server_time} >= $before && $p->{server_time} <= $after,
        "getchallenge: server_time is now ($before <= $p->{server_time}"
        . " <= $after)";
    is $p->{expire_time}, $p->{server_time} + 60,
        'getchallenge: expire_time = server_time + 60';
    is $goodfor, 60, 'getchallenge: goodfor 60';
    is $stime % 3600, 0, 'getchallenge: stime is hour-aligned';
    is $stime + $s_age, $p->{server_time}, 'getchallenge: stime + s_age = server_time';
    ok $s_age < 3600, 'getchallenge: s_age < 3600';
    like $res->header('Cache-Control') // '', qr/no-store/,
        'getchallenge: Cache-Control: no-store';
}

{
    # No user needed; a user, even an invalid one, changes nothing.
    my(undef, $p1) = flat_post({ mode => 'getchallenge', user => '!!no user' });
    is $p1 && $p1->{success}, 'OK', 'getchallenge with an invalid user: OK';
    my(undef, $p2) = flat_post({ mode => 'getchallenge', user => 'nosuchuser_zz',
                                 auth_method => 'clear', password => 'x' });
    is $p2 && $p2->{success}, 'OK', 'getchallenge with an unknown user: OK';

    # Every challenge is a new one.
    my %seen;
    $seen{ get_challenge() }++ for 1 .. 10;
    is scalar(keys %seen), 10, 'ten getchallenges, ten different challenges';
    my %rand = map { (split /:/)[4] => 1 } keys %seen;
    is scalar(keys %rand), 10, '... with ten different random parts';
}

# ---- round trip ----------------------------------------------------------

{
    my $user = new_user('chrt', $pw);
    my $chal = get_challenge();
    my($res, $p) = chal_post('sessiongenerate', $user, $chal,
                             challenge_response($chal, $pw));
    is $p && $p->{success}, 'OK', 'sessiongenerate with a challenge: OK'
        or diag $res->content;
    my($id) = ($p && $p->{ljsession} // '') =~ /\Aws:\Q$user\E:(\d+):[A-Za-z0-9]{10}\z/;
    ok defined $id, 'sessiongenerate with a challenge: an ljsession'
        or diag $res->content;
    is_deeply [session_ids($user)], [$id // -1], '... and the session exists';
    ok challenge_row_exists($chal), '... the challenge is recorded as used';

    # Replay: the same challenge and response again.
    ($res, $p) = chal_post('sessionexpire', $user, $chal,
                           challenge_response($chal, $pw), expireall => 1);
    is_deeply $p, BAD_PASSWORD, 'replayed challenge: Invalid password'
        or diag $res->content;
    is_deeply [session_ids($user)], [$id // -1], '... and nothing was expired';

    my $chal2 = get_challenge();
    ($res, $p) = chal_post('sessionexpire', $user, $chal2,
                           challenge_response($chal2, $pw),
                           "expire_id_" . ($id // 0) => 1);
    is_deeply $p, { success => 'OK' }, 'sessionexpire with a challenge: OK'
        or diag $res->content;
    is_deeply [session_ids($user)], [], '... and the session is gone';

    ($res, $p) = chal_post('sessionexpire', $user, $chal2,
                           challenge_response($chal2, $pw), expireall => 1);
    is_deeply $p, BAD_PASSWORD, 'sessionexpire challenge replayed: Invalid password';
    is failures_of($user), 0, 'replays are not counted as failed logins';
}

{
    # Either hex case of the response.
    my $user = new_user('chuc', $pw);
    my $chal = get_challenge();
    my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                              uc challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, 'response in upper case: OK';

    $chal = get_challenge();
    my $mixed = challenge_response($chal, $pw);
    $mixed =~ s/([a-f])([a-f0-9]*)$/\u$1$2/;
    (undef, $p) = chal_post('sessionexpire', $user, $chal, $mixed);
    is_deeply $p, { success => 'OK' }, 'response in mixed case: OK';

    # The response is over md5_hex(password), not the password.
    $chal = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $chal, md5_hex($chal . $pw));
    is_deeply $p, BAD_PASSWORD, 'md5_hex(challenge . password): Invalid password';

    # Another user's password.
    my $other = new_user('chuo', 'another password');
    $chal = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, 'another password'));
    is_deeply $p, BAD_PASSWORD, "another account's password: Invalid password";
}

# ---- a wrong response uses the challenge up and counts -------------------

{
    my $user = new_user('chwr', $pw);
    my $chal = get_challenge();
    my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                              challenge_response($chal, "x$pw"));
    is_deeply $p, BAD_PASSWORD, 'wrong response: Invalid password';
    is failures_of($user), 1, '... counted as a failed login';
    ok challenge_row_exists($chal), '... and the challenge is used up';

    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, BAD_PASSWORD,
        'the right response with that challenge afterwards: Invalid password';
    is failures_of($user), 1, '... not counted again (it is a replay)';

    $chal = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, 'a new challenge with the right response: OK';
}

{
    # Four wrong responses ban the pair, as four wrong passwords do.
    my $user = new_user('chban', $pw);
    for my $n (1 .. 4) {
        my $chal = get_challenge();
        my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                                  challenge_response($chal, "wrong$n"));
        is_deeply $p, BAD_PASSWORD, "wrong response $n: Invalid password";
    }
    my $chal = get_challenge();
    my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                              challenge_response($chal, $pw));
    is_deeply $p, BANNED, 'after four wrong responses: banned, even with the'
        . ' right response';
    (undef, $p) = flat_post(ok_auth($user, $pw));
    is_deeply $p, BANNED, '... and with the right clear password';
}

# ---- missing or empty fields --------------------------------------------

{
    my $user = new_user('chms', $pw);
    my $chal = get_challenge();
    my $resp = challenge_response($chal, $pw);

    my(undef, $p) = chal_post('sessionexpire', $user, undef, $resp);
    is_deeply $p, BAD_PASSWORD, 'no auth_challenge: Invalid password';
    (undef, $p) = chal_post('sessionexpire', $user, '', $resp);
    is_deeply $p, BAD_PASSWORD, 'empty auth_challenge: Invalid password';
    (undef, $p) = chal_post('sessionexpire', $user, undef, undef);
    is_deeply $p, BAD_PASSWORD, 'neither auth_challenge nor auth_response:'
        . ' Invalid password';
    # A clear password does not help a challenge request.
    (undef, $p) = chal_post('sessionexpire', $user, undef, undef,
                            password => $pw, hpassword => md5_hex($pw));
    is_deeply $p, BAD_PASSWORD, 'auth_method=challenge with a clear password'
        . ' only: Invalid password';
    is failures_of($user), 0, 'requests without a challenge are not counted';

    (undef, $p) = chal_post('sessionexpire', $user, $chal, undef);
    is_deeply $p, BAD_PASSWORD, 'no auth_response: Invalid password';
    (undef, $p) = chal_post('sessionexpire', $user, $chal, $resp);
    is_deeply $p, BAD_PASSWORD, '... and that challenge is used up';

    $chal = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $chal, '');
    is_deeply $p, BAD_PASSWORD, 'empty auth_response: Invalid password';
}

# ---- unknown users -------------------------------------------------------

{
    my $chal = get_challenge();
    my(undef, $p) = chal_post('sessionexpire', 'nosuchuser_chal', $chal,
                              challenge_response($chal, $pw));
    is_deeply $p, BAD_USERNAME, 'unknown user with a valid challenge:'
        . ' Invalid username';

    my $gone = new_user('chx', $pw, 'X');
    $chal = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $gone, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, BAD_USERNAME, 'expunged user with a valid challenge:'
        . ' Invalid username';
}

# ---- tampered challenges -------------------------------------------------

{
    my $user = new_user('chtm', $pw);
    my $chal = get_challenge();
    my($stime, $s_age, $goodfor, $rand, $sig) = $chal =~ $CHAL_RE;
    my $other_rand = $rand =~ /^a/ ? "b" . substr($rand, 1) : "a" . substr($rand, 1);
    (my $other_sig = $sig) =~ s/^(.)/$1 eq '0' ? '1' : '0'/e;
    (my $last_sig = $sig) =~ s/(.)$/$1 eq 'f' ? 'e' : 'f'/e;
    my $text = "c0:$stime:$s_age:$goodfor:$rand";

    my @tampered = (
        [ 'c0 -> c1',          "c1:$stime:$s_age:$goodfor:$rand:$sig" ],
        [ 'C0',                "C0:$stime:$s_age:$goodfor:$rand:$sig" ],
        [ 'stime + 3600',      'c0:' . ($stime + 3600) . ":$s_age:$goodfor:$rand:$sig" ],
        [ 'stime - 3600',      'c0:' . ($stime - 3600) . ":$s_age:$goodfor:$rand:$sig" ],
        [ 'stime + 1',         'c0:' . ($stime + 1) . ":$s_age:$goodfor:$rand:$sig" ],
        [ 's_age + 1',         "c0:$stime:" . ($s_age + 1) . ":$goodfor:$rand:$sig" ],
        [ 's_age - 1',         "c0:$stime:" . ($s_age ? $s_age - 1 : 2) . ":$goodfor:$rand:$sig" ],
        [ 's_age with a leading 0', "c0:$stime:0$s_age:$goodfor:$rand:$sig" ],
        [ 'goodfor 61',        "c0:$stime:$s_age:61:$rand:$sig" ],
        [ 'goodfor 3600',      "c0:$stime:$s_age:3600:$rand:$sig" ],
        [ 'goodfor 999999999', "c0:$stime:$s_age:999999999:$rand:$sig" ],
        [ 'goodfor 059',       "c0:$stime:$s_age:059:$rand:$sig" ],
        [ 'rand changed',      "$text:$sig" =~ s/\Q$rand\E/$other_rand/r ],
        [ 'rand upper-cased',  "c0:$stime:$s_age:$goodfor:" . uc($rand) . ":$sig" ],
        [ 'sig changed (first)', "$text:$other_sig" ],
        [ 'sig changed (last)',  "$text:$last_sig" ],
        [ 'sig upper-cased',   "$text:" . uc $sig ],
        [ 'sig truncated',     "$text:" . substr($sig, 0, 31) ],
        [ 'sig zeros',         "$text:" . ('0' x 32) ],
        [ 'truncated',         substr($chal, 0, length($chal) - 1) ],
        [ 'truncated to the signed text', $text ],
        [ 'extra field',       "$chal:x" ],
        [ 'extra colon',       "$chal:" ],
        [ 'trailing space',    "$chal " ],
        [ 'leading space',     " $chal" ],
        [ 'doubled',           "$chal$chal" ],
        [ 'empty',             '' ],
        [ 'just c0',           'c0' ],
        [ 'garbage',           'not a challenge at all' ],
    );
    for my $t (@tampered) {
        my($name, $bad) = @$t;
        # The response is right for the text sent: only the challenge itself
        # can be wrong.
        my(undef, $p) = chal_post('sessionexpire', $user, $bad,
                                  challenge_response($bad, $pw));
        is_deeply $p, BAD_PASSWORD, "tampered challenge ($name): Invalid password";
    }
    is failures_of($user), 0, 'tampered challenges are not counted as failed logins';

    # None of that used the real challenge up.
    my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                              challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, 'the untampered challenge still works';
}

# ---- nodes: another secret, the same secret ----------------------------

{
    my $user = new_user('chnd', $pw);
    my $other = 'se-othersecret.invalid';
    my $same  = 'se-samesecret.invalid';

    my $c_other = get_challenge(host => $other);
    like $c_other, $CHAL_RE, 'the other-secret node makes challenges';
    my(undef, $p) = chal_post('sessionexpire', $user, $c_other,
                              challenge_response($c_other, $pw));
    is_deeply $p, BAD_PASSWORD, "the other-secret node's challenge on the"
        . ' main server: Invalid password';
    (undef, $p) = chal_post('sessionexpire', $user, $c_other,
                            challenge_response($c_other, $pw), host => $other);
    is_deeply $p, { success => 'OK' }, '... on its own node: OK';

    my $c_main = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $c_main,
                            challenge_response($c_main, $pw), host => $other);
    is_deeply $p, BAD_PASSWORD, "the main server's challenge on the"
        . ' other-secret node: Invalid password';

    my $c_same = get_challenge(host => $same);
    like $c_same, $CHAL_RE, 'the same-secret node makes challenges';
    (undef, $p) = chal_post('sessionexpire', $user, $c_same,
                            challenge_response($c_same, $pw));
    is_deeply $p, { success => 'OK' }, "the same-secret node's challenge on"
        . ' the main server: OK';
    (undef, $p) = chal_post('sessionexpire', $user, $c_same,
                            challenge_response($c_same, $pw), host => $same);
    is_deeply $p, BAD_PASSWORD, '... then on its own node: used up (one'
        . ' database)';

    $c_main = get_challenge();
    (undef, $p) = chal_post('sessionexpire', $user, $c_main,
                            challenge_response($c_main, $pw), host => $same);
    is_deeply $p, { success => 'OK' }, "the main server's challenge on the"
        . ' same-secret node: OK';
    (undef, $p) = chal_post('sessionexpire', $user, $c_main,
                            challenge_response($c_main, $pw));
    is_deeply $p, BAD_PASSWORD, '... then on the main server: used up';

    is failures_of($user), 0, "foreign challenges are not counted as failed logins";
}

# ---- expiry (moves the test clock) --------------------------------------

# The clock only works because httpd runs with -D SESSIONEXPIRE_TESTING on
# its command line (t/TEST); without it SessionExpireTestClockFile stops
# httpd at start-up.
{
    my $pidfile = Apache::Test::vars('t_pid_file');
    my $cmdline = '';
    if (open my $fh, '<', $pidfile) {
        chomp(my $pid = <$fh> // '');
        if ($pid =~ /\A\d+\z/ && open my $cf, '<', "/proc/$pid/cmdline") {
            local $/;
            $cmdline = <$cf> // '';
        }
    }
    like join(' ', split /\0/, $cmdline), qr/(?:^| )-D SESSIONEXPIRE_TESTING(?: |$)/,
        'httpd runs with -D SESSIONEXPIRE_TESTING';
}

# Waits until early in a second, so that the next few requests happen
# within the same second as time() says now.
sub early_in_second {
    my $frac = Time::HiRes::time() - int(Time::HiRes::time());
    Time::HiRes::sleep(1.02 - $frac) if $frac > 0.4;
}

{
    my $user = new_user('chex', $pw);

    # Made at server time T; valid while now - T < 60.
    my($chal, $g) = get_challenge_full();
    my $made = $g->{server_time};
    early_in_second();
    set_clock($made + 59 - time);
    my(undef, $p) = chal_post('sessionexpire', $user, $chal,
                              challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, 'challenge 59 s old: OK';
    set_clock(0);

    ($chal, $g) = get_challenge_full();
    $made = $g->{server_time};
    set_clock($made + 60 - time);
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, EXPIRED, 'challenge 60 s old: Challenge expired';
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, "x$pw"));
    is_deeply $p, EXPIRED, '... with a wrong response too (expiry is checked first)';
    set_clock($made + 3600 - time);
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, EXPIRED, 'challenge an hour old: Challenge expired';
    set_clock(0);
    is failures_of($user), 0, 'expired challenges are not counted';

    # A used challenge, once expired, is "expired" (expiry comes before
    # the used check).
    ($chal, $g) = get_challenge_full();
    $made = $g->{server_time};
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, 'a challenge used at once: OK';
    set_clock($made + 61 - time);
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, EXPIRED, '... replayed after it expired: Challenge expired';
    set_clock(0);

    # A challenge made on a node whose clock is ahead: the clock moves the
    # challenge's own times too.
    set_clock(7200);
    ($chal, $g) = get_challenge_full();
    my($stime, $s_age) = $chal =~ $CHAL_RE;
    ok abs($g->{server_time} - (time + 7200)) <= 2,
        'with the clock 2 h ahead, server_time is 2 h ahead';
    is $stime + $s_age, $g->{server_time}, '... and so is the challenge';
    (undef, $p) = chal_post('sessionexpire', $user, $chal,
                            challenge_response($chal, $pw));
    is_deeply $p, { success => 'OK' }, '... which works while the clock is there';
    set_clock(0);
}

is clock_offset(), 0, 'the test clock is back to 0';
