# Concurrency of the other single-use and counting paths: one challenge
# sent by many connections at once authenticates exactly one of them (on
# one node, and across two nodes sharing the database and the secret);
# parallel getchallenge never repeats a challenge; parallel wrong passwords
# for one (user, IP) still end in a ban.  No "database is locked" anywhere.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Concurrency-Chal pw 9';

sub no_lock {
    my($name, @r) = @_;
    my @locked = grep { "$_->{body} $_->{errmsg} $_->{error}" =~ /locked|busy/i } @r;
    is scalar @locked, 0, "$name: no answer mentions a locked or busy database";
}

for my $round (1 .. 4) {
    my $two_nodes = $round > 2;
    my $what = $two_nodes ? 'on two nodes' : 'on one node';
    case "one challenge, 24 connections at once $what (round $round)" => sub {
        my $u = my_user('cchal', $PW);
        my $chal = get_challenge();
        my $body = "mode=sessiongenerate&user=$u&auth_method=challenge"
                 . '&auth_challenge=' . form_escape($chal)
                 . '&auth_response=' . challenge_response($chal, $PW);
        my @r = run_parallel(map {
            my $host = $two_nodes && $_ % 2 ? 'se-samesecret.invalid' : undef;
            sub { timed_request('use', $body, timeout => 60, $host ? (host => $host) : ()) }
        } 1 .. 24);
        is scalar @r, 24, '24 answers';
        my @ok  = grep { $_->{status} == 200 && $_->{success} eq 'OK' } @r;
        my @bad = grep { $_->{status} == 200 && $_->{errmsg} eq 'Invalid password' } @r;
        is scalar @ok, 1, 'exactly one request authenticated';
        is scalar @bad, 23, 'the 23 others: Invalid password'
            or diag join "\n", map { "$_->{status} $_->{body} $_->{error}" }
                                grep { $_->{errmsg} ne 'Invalid password' && $_->{success} ne 'OK' } @r;
        no_lock("round $round", @r);
        expect_sessions($u, 1);
        sessions_as_expected('exactly one session', $u);
        is failures_of($u), 0, 'the replays were not counted as failed logins';
    };
}

case '50 getchallenge at once: 50 different challenges' => sub {
    my @r = run_parallel(map { sub { timed_request('get', 'mode=getchallenge', timeout => 60) } } 1 .. 50);
    my %seen;
    for (@r) {
        my($c) = $_->{body} =~ /^challenge\n(c0:[^\n]+)\n/m;
        $seen{$c}++ if defined $c;
    }
    is scalar(keys %seen), 50, '50 distinct challenges';
    is scalar(grep { $_ > 1 } values %seen), 0, 'none twice';
    no_lock('getchallenge', @r);
};

case '12 wrong passwords at once for one user: the pair ends up banned' => sub {
    my $u = my_user('cchal', $PW);
    my @r = run_parallel(map { my $i = $_; sub {
        timed_request('wrong', "mode=sessiongenerate&user=$u&auth_method=clear"
                      . "&password=Wrong-conc-$i-pw", timeout => 60) } } 1 .. 12);
    my @odd = grep { $_->{status} != 200 || $_->{success} ne 'FAIL'
                     || $_->{errmsg} !~ /\AInvalid password\z|temporarily banned/ } @r;
    is scalar @odd, 0, 'each: Invalid password or banned'
        or diag join "\n", map { $_->{body} } @odd;
    no_lock('wrong passwords', @r);
    my($res, $p) = generate($u, $PW);
    like $p && $p->{errmsg} // '', qr/temporarily banned/,
        'the right password afterwards: banned';
    sessions_as_expected('no session', $u);
};

run_file();
