# PROTOCOL.md 2, sessiongenerate: the ljsession string, short and long
# sessions, binding to the client's IP, session ids (growing per user, never
# reused), the purge of the user's expired sessions, the auth code.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 109;

use constant SHORT => 86400;
use constant LONG  => 2592000;
use constant SLACK => 2;        # seconds of tolerance around a request

my $pw = 'Gen-Pass 1';
my %auth_seen;                  # every auth code handed out in this file

# One sessiongenerate that must succeed with exactly ljsession and success;
# returns (id, auth, time before, time after).
sub gen_checked {
    my($user, $name, %more) = @_;
    my $t0 = time;
    my($res, $p) = generate($user, $pw, %more);
    my $t1 = time;
    is $res->code, 200, "$name: HTTP 200";
    my @keys = sort keys %{ $p || {} };
    is_deeply \@keys, [qw(ljsession success)],
        "$name: exactly ljsession and success" or diag $res->content;
    is $p && $p->{success}, 'OK', "$name: success OK";
    my($id, $auth) = ($p && $p->{ljsession} // '')
        =~ /^ws:\Q$user\E:(\d+):([A-Za-z0-9]{10})\z/;
    ok defined $id, "$name: ljsession is ws:$user:<id>:<10 alnum>"
        or diag $res->content;
    $auth_seen{$auth}++ if defined $auth;
    return ($id // -1, $auth // '', $t0, $t1);
}

sub session_by_id {
    my($user, $id) = @_;
    my($s) = grep { $_->{id} eq $id } sessions_of($user);
    return $s;
}

# The listed session $id: its type, IP and expiry (now + $lifetime).
sub check_session {
    my($user, $id, $t0, $t1, $type, $lifetime, $ip, $name) = @_;
    my $s = session_by_id($user, $id);
    ok $s, "$name: session $id is listed" or return;
    is $s->{type}, $type, "$name: type $type";
    is $s->{ip}, $ip, "$name: ip $ip";
    ok $s->{expiry} >= $t0 + $lifetime - SLACK
       && $s->{expiry} <= $t1 + $lifetime + SLACK,
       "$name: expires at now + $lifetime"
        or diag "expiry $s->{expiry}, requested between $t0 and $t1";
}

# A first session: id 1, short, not bound, listed.
{
    my $user = new_user('gen', $pw);
    my($id, $auth, $t0, $t1) = gen_checked($user, 'first session');
    is $id, 1, 'first session: id 1';
    my @s = sessions_of($user);
    is scalar @s, 1, 'first session: the user has one session';
    check_session($user, $id, $t0, $t1, 'short', SHORT, '-', 'first session');

    # The row holds the auth code handed out, and the creation time.
    my $uid = userid_of($user);
    my $row = sql("SELECT auth, exptype, timecreate FROM se_sessions"
                  . " WHERE userid = $uid AND sessid = $id");
    chomp $row;
    my($db_auth, $db_type, $created) = split /\|/, $row;
    is $db_auth, $auth, 'first session: the stored auth code is the one sent';
    ok $created >= $t0 - SLACK && $created <= $t1 + SLACK,
        'first session: created now' or diag "created $created";
}

# expiration=long: a long session; every other value: short.
{
    my $user = new_user('genlong', $pw);
    my($id, undef, $t0, $t1) = gen_checked($user, 'expiration=long',
                                           expiration => 'long');
    check_session($user, $id, $t0, $t1, 'long', LONG, '-', 'expiration=long');

    for my $value ('', 'short', 'Long', 'LONG', 'long ', ' long', 'never',
                   '1', 'longer') {
        my $name = "expiration='$value'";
        my($sid, undef, $s0, $s1) = gen_checked($user, $name,
                                                expiration => $value);
        my $s = session_by_id($user, $sid);
        is $s && $s->{type}, 'short', "$name: short session";
        ok $s && $s->{expiry} >= $s0 + SHORT - SLACK
              && $s->{expiry} <= $s1 + SHORT + SLACK,
            "$name: expires at now + " . SHORT;
    }
}

# ipfixed / bindtoip: either one true binds to the client's IP.
{
    my $user = new_user('genip', $pw);
    my @cases = (
        [ 'ipfixed=1',           '127.0.0.1', ipfixed => '1' ],
        [ 'bindtoip=1',          '127.0.0.1', bindtoip => '1' ],
        [ 'ipfixed=yes',         '127.0.0.1', ipfixed => 'yes' ],
        [ 'ipfixed=0 bindtoip=1', '127.0.0.1', ipfixed => '0', bindtoip => '1' ],
        [ 'ipfixed=1 expiration=long', '127.0.0.1', ipfixed => '1',
          expiration => 'long' ],
        [ 'ipfixed=0',           '-', ipfixed => '0' ],
        [ 'ipfixed=',            '-', ipfixed => '' ],
        [ 'bindtoip=0',          '-', bindtoip => '0' ],
        [ 'neither',             '-' ],
    );
    for my $case (@cases) {
        my($name, $ip, @more) = @$case;
        my($res, $p) = generate($user, $pw, @more);
        my($id) = ($p && $p->{ljsession} // '') =~ /^ws:\Q$user\E:(\d+):/;
        ok defined $id, "$name: session created" or diag $res->content;
        my $s = defined $id ? session_by_id($user, $id) : undef;
        is $s && $s->{ip}, $ip, "$name: ip $ip";
    }
}

# Ids grow per user and are never reused, even after every session was
# expired; another user's ids start at 1.
{
    my $user = new_user('genid', $pw);
    my @ids = map { (generate_ok($user, $pw))[0] } 1 .. 3;
    is_deeply \@ids, [1, 2, 3], 'ids 1, 2, 3';

    my($res, $p) = expire($user, $pw, expireall => 1);
    is_deeply $p, { success => 'OK' }, 'expireall' or diag $res->content;
    is_deeply [session_ids($user)], [], 'no session left';

    my($id) = generate_ok($user, $pw);
    is $id, 4, 'after expireall the next id is 4, not 1';

    ($res, $p) = expire($user, $pw, expire_id_4 => 1);
    is_deeply $p, { success => 'OK' }, 'expire_id_4';
    ($id) = generate_ok($user, $pw);
    is $id, 5, 'after expiring the newest session its id is not reused';

    my $other = new_user('genid', $pw);
    my @other_ids = map { (generate_ok($other, $pw))[0] } 1 .. 2;
    is_deeply \@other_ids, [1, 2], 'a second user starts at 1';
    ($id) = generate_ok($user, $pw);
    is $id, 6, 'the first user goes on at 6';
    is_deeply [session_ids($user)], [5, 6], 'first user: sessions 5 and 6';
    is_deeply [session_ids($other)], [1, 2], 'second user: sessions 1 and 2';
}

# The brief's case exactly: generate 2, expireall, generate -> 3.
{
    my $user = new_user('genid', $pw);
    generate_ok($user, $pw) for 1 .. 2;
    my($res, $p) = expire($user, $pw, expireall => 1);
    is_deeply $p, { success => 'OK' }, 'expireall after two sessions';
    my($id) = generate_ok($user, $pw);
    is $id, 3, 'the session after them is 3';
}

# A new session removes the user's expired sessions, and only the user's.
{
    my $user  = new_user('genpurge', $pw);
    my $other = new_user('genpurge', $pw);
    my($first) = generate_ok($user, $pw);
    my $now = time;
    plant_session($user,  900001, $now - 100);     # expired
    plant_session($user,  900002, $now - 1);       # expired
    plant_session($user,  900003, $now + 3600);    # still valid
    plant_session($other, 900001, $now - 100);     # expired, other user
    is_deeply [session_ids($user)], [$first, 900001, 900002, 900003],
        'planted sessions are listed';

    my($id) = generate_ok($user, $pw);
    is_deeply [session_ids($user)], [$first, $id, 900003],
        "the user's expired sessions are gone, the valid ones stay";
    is_deeply [session_ids($other)], [900001],
        "another user's expired session is not touched";
}

# Auth codes are random: every one handed out here differs.
{
    my $user = new_user('genauth', $pw);
    my @auth = map { (generate_ok($user, $pw))[1] } 1 .. 5;
    $auth_seen{$_}++ for @auth;
    isnt $auth[0], $auth[1], 'two auth codes differ';
    my @dups = grep { $auth_seen{$_} > 1 } keys %auth_seen;
    is_deeply \@dups, [], 'no auth code was handed out twice in this file'
        or diag "repeated: @dups";
}
