# PROTOCOL.md 2, auth_method=cookie: only with the header "X-LJ-Auth:
# cookie"; every ljsession cookie (ws:<user>:<sessid>:<auth>[:<options>]) is
# tried in order, across Cookie headers (at most 20); one authenticates when
# its user, canonicalised, is the request's user, the session exists, the
# auth code matches, it has not expired, its bound IP (if any) is the
# client's and the account is not locked or expunged.  Otherwise "Invalid
# password".  Failed cookies are not counted as failed logins.
#
# The test clock is moved only at the end of the file (expired sessions),
# and put back (SETest).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 94;

use constant OK           => { success => 'OK' };
use constant BAD_PASSWORD => { success => 'FAIL', errmsg => 'Invalid password' };
use constant BAD_USERNAME => { success => 'FAIL', errmsg => 'Invalid username' };

my $pw = 'Cookie Pass 1';

# A request authenticated by cookies.  $cookies: one Cookie header value,
# or an array ref of them (one header each).  %more: more pairs (undef
# leaves a key out); xlj => the X-LJ-Auth value (undef: no header); path,
# local_addr for flat_post.
sub cookie_post {
    my($mode, $user, $cookies, %more) = @_;
    my $xlj = exists $more{xlj} ? delete $more{xlj} : 'cookie';
    my %opts;
    for my $o (qw(path host local_addr)) {
        $opts{$o} = delete $more{$o} if exists $more{$o};
    }
    my @headers;
    push @headers, 'X-LJ-Auth' => $xlj if defined $xlj;
    push @headers, map { (Cookie => $_) } ref $cookies ? @$cookies : ($cookies);
    my %pairs = (mode => $mode, user => $user, auth_method => 'cookie', %more);
    delete $pairs{$_} for grep { !defined $pairs{$_} } keys %pairs;
    return flat_post(\%pairs, %opts, headers => \@headers);
}

# An ljsession cookie (the header's value) for a new session of $user.
sub new_cookie {
    my($user, %more) = @_;
    my($id, $auth) = generate_ok($user, $pw, %more);
    return ("ljsession=ws:$user:$id:$auth", $id, $auth);
}

# ---- round trip: log out with the session's own cookie -------------------

{
    my $user = new_user('ckrt', $pw);
    my($cookie, $id) = new_cookie($user);
    my($other_cookie, $other_id) = new_cookie($user);

    my($res, $p) = cookie_post('sessionexpire', $user, $cookie,
                               "expire_id_$id" => 1);
    is_deeply $p, OK, 'sessionexpire with the cookie of the session it'
        . ' expires: OK' or diag $res->content;
    is_deeply [session_ids($user)], [$other_id], '... that session is gone,'
        . ' the other one is left';

    ($res, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, BAD_PASSWORD, 'the expired session\'s cookie: Invalid password';
    ($res, $p) = cookie_post('sessiongenerate', $user, $cookie);
    is_deeply $p, BAD_PASSWORD, '... for sessiongenerate too';

    ($res, $p) = cookie_post('sessiongenerate', $user, $other_cookie);
    is $p && $p->{success}, 'OK', 'sessiongenerate with a cookie: OK'
        or diag $res->content;
    like $p && $p->{ljsession} // '', qr/\Aws:\Q$user\E:\d+:[A-Za-z0-9]{10}\z/,
        '... and a new ljsession';
}

# ---- the X-LJ-Auth guard -------------------------------------------------

{
    my $user = new_user('ckx', $pw);
    my($cookie) = new_cookie($user);

    for my $xlj (undef, 'Cookie', 'COOKIE', 'cookies', 'cooki', '', '1',
                 'cookie;', 'cookie cookie') {
        my $name = defined $xlj ? "X-LJ-Auth: '$xlj'" : 'no X-LJ-Auth';
        my(undef, $p) = cookie_post('sessionexpire', $user, $cookie, xlj => $xlj);
        is_deeply $p, BAD_PASSWORD, "valid cookie, $name: Invalid password";
    }
    my(undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, "valid cookie, X-LJ-Auth: 'cookie': OK";
    # The header alone, with a clear password: still cookie authentication.
    (undef, $p) = cookie_post('sessionexpire', $user, 'foo=bar',
                              password => $pw);
    is_deeply $p, BAD_PASSWORD, 'auth_method=cookie without an ljsession, with'
        . ' a password: Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $user, [],
                              password => $pw);
    is_deeply $p, BAD_PASSWORD, 'auth_method=cookie without any Cookie header:'
        . ' Invalid password';
}

# ---- whose cookie --------------------------------------------------------

{
    my $alice = new_user('cka', $pw);
    my $bob   = new_user('ckb', $pw);
    my($acookie, $aid, $aauth) = new_cookie($alice);
    my($bcookie, $bid) = new_cookie($bob);

    my(undef, $p) = cookie_post('sessionexpire', $bob, $acookie);
    is_deeply $p, BAD_PASSWORD, "another user's cookie: Invalid password";
    # Alice's session id and auth code under Bob's name: no such session
    # of Bob's (or not that auth code).
    (undef, $p) = cookie_post('sessionexpire', $bob, "ljsession=ws:$bob:$aid:$aauth");
    is_deeply $p, BAD_PASSWORD, "another user's session id and auth code under"
        . ' the right name: Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $bob, $acookie, expireall => 1);
    is_deeply $p, BAD_PASSWORD, "another user's cookie with expireall: Invalid"
        . ' password';
    is scalar(session_ids($alice)), 1, "... Alice's session is untouched";
    is scalar(session_ids($bob)), 1, "... so is Bob's";

    # Canonically equal names: case and '-' for '_'.
    (my $shout = uc $alice) =~ tr/_/-/;
    my $acookie_shout = "ljsession=ws:$shout:$aid:$aauth";
    (undef, $p) = cookie_post('sessionexpire', $alice, $acookie_shout);
    is_deeply $p, OK, "cookie naming '$shout' for user '$alice': OK";
    (undef, $p) = cookie_post('sessionexpire', $shout, $acookie);
    is_deeply $p, OK, "cookie naming '$alice' for user '$shout': OK";
    (undef, $p) = cookie_post('sessionexpire', " $shout ", $acookie_shout);
    is_deeply $p, OK, "cookie naming '$shout' for user ' $shout ': OK";
    # Not canonically equal.
    (undef, $p) = cookie_post('sessionexpire', $alice,
                              "ljsession=ws:${alice}x:$aid:$aauth");
    is_deeply $p, BAD_PASSWORD, 'cookie naming another (unknown) user:'
        . ' Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $alice,
                              "ljsession=ws:$alice.:$aid:$aauth");
    is_deeply $p, BAD_PASSWORD, 'cookie naming an invalid user name:'
        . ' Invalid password';
}

# ---- auth codes and malformed cookies -----------------------------------

{
    my $user = new_user('ckm', $pw);
    my($cookie, $id, $auth) = new_cookie($user);
    my(undef, $id2, $auth2) = new_cookie($user);
    (my $wrong = $auth) =~ s/^(.)/$1 eq 'A' ? 'B' : 'A'/e;

    my @bad = (
        [ 'wrong auth code',             "ljsession=ws:$user:$id:$wrong" ],
        [ 'auth code in another case',
          "ljsession=ws:$user:$id:" . ($auth =~ tr/a-zA-Z/A-Za-z/r) ],
        [ "another session's auth code", "ljsession=ws:$user:$id:$auth2" ],
        [ 'auth code with one more character', "ljsession=ws:$user:$id:${auth}x" ],
        [ 'auth code one character short', "ljsession=ws:$user:$id:" . substr($auth, 0, 9) ],
        [ 'no such session id',          "ljsession=ws:$user:" . ($id2 + 100) . ":$auth" ],
        [ 'no "ws"',                     "ljsession=$user:$id:$auth" ],
        [ '"wx" instead of "ws"',        "ljsession=wx:$user:$id:$auth" ],
        [ 'no auth code',                "ljsession=ws:$user:$id" ],
        [ 'empty auth code',             "ljsession=ws:$user:$id:" ],
        [ 'non-numeric id',              "ljsession=ws:$user:x$id:$auth" ],
        [ 'empty id',                    "ljsession=ws:${user}::$auth" ],
        [ 'negative id',                 "ljsession=ws:$user:-$id:$auth" ],
        [ 'overflowing id',              "ljsession=ws:$user:${id}99999999999999999999:$auth" ],
        [ 'empty user',                  "ljsession=ws::$id:$auth" ],
        [ 'empty cookie',                'ljsession=' ],
        [ 'just "ws"',                   'ljsession=ws' ],
        [ 'another cookie name',         "ljsessionx=ws:$user:$id:$auth" ],
        [ 'name in upper case',          "LJSESSION=ws:$user:$id:$auth" ],
        [ 'no cookie name',              "ws:$user:$id:$auth" ],
    );
    for my $t (@bad) {
        my($name, $c) = @$t;
        my(undef, $p) = cookie_post('sessionexpire', $user, $c);
        is_deeply $p, BAD_PASSWORD, "$name: Invalid password";
    }
    is failures_of($user), 0, 'failed cookies are not counted as failed logins';

    my(undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:$id:$auth:/");
    is_deeply $p, OK, 'cookie with options: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:$id:$auth:a:b:c");
    is_deeply $p, OK, 'cookie with options holding colons: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=\"ws:$user:$id:$auth\"");
    is_deeply $p, OK, 'cookie value in double quotes: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession = ws:$user:$id:$auth");
    is_deeply $p, OK, 'cookie with blanks around "=": OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:0$id:$auth");
    is_deeply $p, OK, 'session id with a leading zero: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, 'and the plain cookie: OK';

    # Five failed cookies, then the right password: not banned.
    my $u2 = new_user('ckm5', $pw);
    my(undef, $id5, $auth5) = new_cookie($u2);
    for my $n (1 .. 5) {
        (undef, $p) = cookie_post('sessionexpire', $u2,
                                  "ljsession=ws:$u2:$id5:WRONG${n}xxxx");
    }
    is_deeply $p, BAD_PASSWORD, 'the fifth wrong cookie: Invalid password (not banned)';
    (undef, $p) = flat_post(ok_auth($u2, $pw));
    is_deeply $p, OK, 'five failed cookies, then the right password: OK';
}

# ---- several cookies -----------------------------------------------------

{
    my $user = new_user('cks', $pw);
    my($good, $id, $auth) = new_cookie($user);
    my $bad1 = "ljsession=ws:$user:$id:WRONGWRONG";
    my $bad2 = "ljsession=ws:$user:" . ($id + 50) . ":$auth";
    my $bad3 = 'ljsession=garbage';
    my $ok_after = "ws:$user:$id:$auth";

    my(undef, $p) = cookie_post('sessionexpire', $user,
                                "$bad1; $bad2; foo=bar; $bad3; $good");
    is_deeply $p, OK, 'several ljsession cookies, only the last valid: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "$good; $bad1; $bad2");
    is_deeply $p, OK, 'several ljsession cookies, only the first valid: OK';

    (undef, $p) = cookie_post('sessionexpire', $user, [ "$bad1; $bad2", $good ]);
    is_deeply $p, OK, 'two Cookie headers, only the second valid: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, [ 'foo=bar', $good ]);
    is_deeply $p, OK, 'two Cookie headers, the ljsession in the second: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, [ $bad1, 'a=b', "$bad3; $good" ]);
    is_deeply $p, OK, 'three Cookie headers, only the last ljsession valid: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, [ $good, $bad1 ]);
    is_deeply $p, OK, 'two Cookie headers, only the first valid: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, [ $bad1, $bad2 ]);
    is_deeply $p, BAD_PASSWORD, 'two Cookie headers, none valid: Invalid password';

    # At most 20 are tried.
    my @nineteen = map { "ljsession=ws:$user:$id:WRONG${_}" } 1 .. 19;
    (undef, $p) = cookie_post('sessionexpire', $user, join '; ', @nineteen, $good);
    is_deeply $p, OK, '19 wrong ljsession cookies, then the valid one (20th): OK';
    (undef, $p) = cookie_post('sessionexpire', $user,
                              join '; ', @nineteen, 'ljsession=x', $good);
    is_deeply $p, BAD_PASSWORD, '20 wrong ljsession cookies, then the valid one'
        . ' (21st, not tried): Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $user,
                              join('; ', map({ "other$_=1" } 1 .. 40), $good));
    is_deeply $p, OK, '40 other cookies, then the valid ljsession: OK';
    is failures_of($user), 0, 'none of that counted as failed logins';
}

# ---- sessions bound to an IP ---------------------------------------------

{
    my $user = new_user('ckip', $pw);
    my($c1, $id1) = new_cookie($user, ipfixed => 1);
    my($c2, $id2) = new_cookie($user, bindtoip => 1);
    my %by_id = map { ($_->{id} => $_) } sessions_of($user);
    is $by_id{$id1} && $by_id{$id1}{ip}, '127.0.0.1', 'ipfixed: bound to 127.0.0.1';

    my(undef, $p) = cookie_post('sessionexpire', $user, $c1);
    is_deeply $p, OK, 'ipfixed session from 127.0.0.1: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, $c2);
    is_deeply $p, OK, 'bindtoip session from 127.0.0.1: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, $c1, local_addr => '127.0.0.2');
    is_deeply $p, BAD_PASSWORD, 'ipfixed session from 127.0.0.2: Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $user, $c2, local_addr => '127.0.0.2');
    is_deeply $p, BAD_PASSWORD, 'bindtoip session from 127.0.0.2: Invalid password';

    my($c3) = new_cookie($user);
    (undef, $p) = cookie_post('sessionexpire', $user, $c3, local_addr => '127.0.0.2');
    is_deeply $p, OK, 'unbound session from 127.0.0.2: OK';

    # Sessions planted in the database, bound elsewhere and unbound.
    my $exp = time + 3600;
    plant_session($user, 1000, $exp, auth => 'PlantedAAA', ipfixed => '10.9.9.9');
    plant_session($user, 1001, $exp, auth => 'PlantedBBB', ipfixed => '');
    plant_session($user, 1002, $exp, auth => 'PlantedCCC', ipfixed => '127.0.0.1');
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:1000:PlantedAAA");
    is_deeply $p, BAD_PASSWORD, 'session bound to 10.9.9.9: Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:1001:PlantedBBB");
    is_deeply $p, OK, 'the same planted without an IP: OK';
    (undef, $p) = cookie_post('sessionexpire', $user, "ljsession=ws:$user:1002:PlantedCCC");
    is_deeply $p, OK, 'planted, bound to 127.0.0.1: OK';
    is failures_of($user), 0, 'refused bound cookies are not counted';
}

# ---- account status ------------------------------------------------------

{
    my $user = new_user('ckst', $pw);
    my($cookie) = new_cookie($user);

    my(undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, 'active account (V), valid cookie: OK';

    admin('status', $user, 'L');
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, BAD_PASSWORD, 'locked account (L), valid cookie: Invalid password';
    (undef, $p) = cookie_post('sessiongenerate', $user, $cookie);
    is_deeply $p, BAD_PASSWORD, '... sessiongenerate too';

    admin('status', $user, 'V');
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, 'active again (V): OK';

    admin('status', $user, 'S');
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, 'suspended account (S), valid cookie, sessionexpire: OK';

    admin('status', $user, 'D');
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, OK, 'deleted account (D), valid cookie: OK';

    admin('status', $user, 'X');
    (undef, $p) = cookie_post('sessionexpire', $user, $cookie);
    is_deeply $p, BAD_USERNAME, 'expunged account (X), valid cookie: Invalid username';
    admin('status', $user, 'V');

    (undef, $p) = cookie_post('sessionexpire', 'nosuchuser_ck',
                              'ljsession=ws:nosuchuser_ck:1:abcdefghij');
    is_deeply $p, BAD_USERNAME, 'unknown user: Invalid username';
}

# ---- expiry (moves the test clock; last, see auth_challenge.t) ------------

{
    my $user = new_user('ckex', $pw);
    my($short) = new_cookie($user);
    my($long)  = new_cookie($user, expiration => 'long');

    set_clock(86400 - 60);
    my(undef, $p) = cookie_post('sessionexpire', $user, $short);
    is_deeply $p, OK, 'short session, a minute before 24 h: OK';
    set_clock(86400 + 5);
    (undef, $p) = cookie_post('sessionexpire', $user, $short);
    is_deeply $p, BAD_PASSWORD, 'short session after 24 h: Invalid password';
    (undef, $p) = cookie_post('sessionexpire', $user, $long);
    is_deeply $p, OK, 'long session after 24 h: OK';
    set_clock(30 * 86400 + 5);
    (undef, $p) = cookie_post('sessionexpire', $user, $long);
    is_deeply $p, BAD_PASSWORD, 'long session after 30 days: Invalid password';
    set_clock(0);
    is failures_of($user), 0, 'expired cookies are not counted';

    # A Location with a short lifetime of 60 s (extra.last.conf).
    my($c60) = new_cookie($user, path => '/interface/flat-lifetimes');
    (undef, $p) = cookie_post('sessionexpire', $user, $c60);
    is_deeply $p, OK, '60 s session at once: OK';
    set_clock(61);
    (undef, $p) = cookie_post('sessionexpire', $user, $c60);
    is_deeply $p, BAD_PASSWORD, '60 s session a minute later: Invalid password';
    set_clock(0);
}

is clock_offset(), 0, 'the test clock is back to 0';
