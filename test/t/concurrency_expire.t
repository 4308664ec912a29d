# Concurrency (issue 5, item 5): expireall racing sessiongenerate for one
# user from many connections (8 generators x 20 requests, 4 expirers x 20);
# expire_id racing sessiongenerate; many parallel sessionexpire of the same
# ids (and of another user's); sessiongenerate from many connections at
# once never handing out an id twice; parallel logouts by cookie.  Every
# request is a process of its own on a connection of its own, all released
# at once.  The results must be consistent: every session a sessiongenerate
# answered OK for is either still listed by "sessionexpire-admin sessions"
# or was removed by an expire that answered OK and ended after that
# sessiongenerate began; none is listed that an expire begun after it ended
# should have removed; no lost or phantom sessions; never "database is
# locked" (in answers or in the error_log).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Concurrency-Expire pw 8';

sub auth_of { return clear_auth($_[0], $PW, $_[1]) }

# A job of $n requests of one kind, one after the other.  The time limit
# of each is generous: the machine may be busy with other suites.
sub job {
    my($kind, $n, $body, %o) = @_;
    $o{timeout} //= 60;
    return sub { map { timed_request($kind, ref $body ? $body->($_) : $body, %o) } 1 .. $n };
}

sub id_of {
    my($u, $rec) = @_;
    my($id, $auth) = ($rec->{ljsession} // '') =~ /\Aws:\Q$u\E:(\d+):([A-Za-z0-9]{10})\z/;
    return wantarray ? ($id, $auth) : $id;
}

# Every request answered 200 success OK, and none said "locked" or "busy".
sub all_ok {
    my($name, @recs) = @_;
    my @bad = grep { $_->{error} || $_->{status} != 200 || $_->{success} ne 'OK'
                     || $_->{errmsg} ne '' } @recs;
    is scalar @bad, 0, "$name: all " . scalar(@recs) . ' answered 200 success OK'
        or diag join "\n", map { "job $_->{job} $_->{kind}: status $_->{status} "
                                 . ($_->{error} || $_->{body}) } @bad[0 .. ($#bad < 9 ? $#bad : 9)];
    my @locked = grep { "$_->{body} $_->{errmsg} $_->{error}" =~ /locked|busy/i } @recs;
    is scalar @locked, 0, "$name: no answer mentions a locked or busy database";
}

# The consistency rule for generate records @gen and expire records @exp
# (each expire covering the ids $covers->($rec) returns, or all): checks
# that the listed sessions of $u are exactly those the rule allows.
sub consistent {
    my($name, $u, $gen, $exp, $covers, @preexisting) = @_;
    my %gen_by_id;
    my @dup;
    for my $g (@$gen) {
        my $id = id_of($u, $g);
        next unless defined $id;
        push @dup, $id if $gen_by_id{$id};
        $gen_by_id{$id} = $g;
    }
    is_deeply \@dup, [], "$name: no id handed out twice";
    is scalar(keys %gen_by_id), scalar @$gen,
        "$name: every sessiongenerate got a session of $u";

    my %listed = map { $_ => 1 } session_ids($u);
    my %pre = map { $_ => 1 } @preexisting;
    my @phantom = grep { !$gen_by_id{$_} && !$pre{$_} } sort { $a <=> $b } keys %listed;
    is_deeply \@phantom, [], "$name: no phantom session (listed, never handed out)";

    my(@lost, @survived);
    for my $id (sort { $a <=> $b } keys %gen_by_id) {
        my $g = $gen_by_id{$id};
        my @cover = grep { $covers->($_, $id) } @$exp;
        if ($listed{$id}) {
            # An expire that began after the session was handed out removes it.
            my @after = grep { $_->{t0} > $g->{t1} } @cover;
            push @survived, "$id (expire of job $after[0]{job} began "
                . sprintf('%.3f', $after[0]{t0} - $g->{t1}) . ' s after)' if @after;
        }
        else {
            # Only an expire that ended after the generate began can have.
            push @lost, $id unless grep { $_->{t1} > $g->{t0} } @cover;
        }
    }
    is_deeply \@lost, [], "$name: no lost session (gone with no expire to explain it)";
    is_deeply \@survived, [], "$name: no session outlived an expire begun after it";
    return (\%gen_by_id, \%listed);
}

# 1. expireall racing sessiongenerate: 8 x 20 generators, 4 x 20 expirers.
case 'expireall racing sessiongenerate (8 x 20 and 4 x 20)' => sub {
    my $u = my_user('cexp', $PW);
    give_sessions($u, $PW, 5);
    my @r = run_parallel((map { job('gen', 20, auth_of($u, 'sessiongenerate')) } 1 .. 8),
                         (map { job('all', 20, auth_of($u) . '&expireall=1') } 1 .. 4));
    is scalar @r, 240, '240 answers';
    all_ok('expireall vs sessiongenerate', @r);
    my @gen = grep { $_->{kind} eq 'gen' } @r;
    my @all = grep { $_->{kind} eq 'all' } @r;
    my($by_id, $listed) = consistent('expireall vs sessiongenerate', $u, \@gen, \@all,
                                     sub { 1 });
    is_deeply [sort { $a <=> $b } keys %$by_id], [6 .. 165], 'ids 6 to 165, each once';
    ok !grep({ $_ <= 5 } keys %$listed), 'the sessions from before are gone';
    my %auth = map { ((id_of($u, $_))[1] // '') => 1 } @gen;
    is scalar(grep { length } keys %auth), 160, '160 distinct auth codes';
    note sprintf '%d sessions listed after the race', scalar keys %$listed;
    my($id) = generate_ok($u, $PW);
    is $id, 166, 'the counter goes on: next id 166';
    my($res, $p) = expire($u, $PW, expireall => 1);
    is_deeply $p, { success => 'OK' }, 'a last expireall';
    expect_sessions($u);
    sessions_as_expected('after the last expireall', $u);
};

# 2. expire_id racing sessiongenerate: expirers name every id there will be.
case 'expire_id racing sessiongenerate (8 x 10 and 8 x 5)' => sub {
    my $u = my_user('cexp', $PW);
    give_sessions($u, $PW, 10);
    my $all_ids = join '', map { "&expire_id_$_=1" } 1 .. 100;
    my $odd_ids = join '', map { "&expire_id_$_=1" } grep { $_ % 2 } 1 .. 100;
    my @r = run_parallel((map { job('gen', 10, auth_of($u, 'sessiongenerate')) } 1 .. 8),
                         (map { job('all', 5, auth_of($u) . $all_ids) } 1 .. 4),
                         (map { job('odd', 5, auth_of($u) . $odd_ids) } 1 .. 4));
    is scalar @r, 120, '120 answers';
    all_ok('expire_id vs sessiongenerate', @r);
    my @gen = grep { $_->{kind} eq 'gen' } @r;
    my @exp = grep { $_->{kind} ne 'gen' } @r;
    my($by_id, $listed) = consistent('expire_id vs sessiongenerate', $u, \@gen, \@exp,
        sub { my($rec, $id) = @_; $rec->{kind} eq 'all' || $id % 2 });
    is_deeply [sort { $a <=> $b } keys %$by_id], [11 .. 90], 'ids 11 to 90, each once';
    ok !grep({ $_ <= 10 } keys %$listed), 'the sessions from before are gone';
    expect_sessions($u, keys %$listed);
};

# 3. Many parallel sessionexpire of the same ids, and of another user's.
case '16 parallel sessionexpire of the same ids, 4 of another user' => sub {
    my $a = my_user('cexp', $PW);
    my $b = my_user('cexp', $PW);
    plant_sessions($a, 1, 40);
    plant_sessions($b, 1, 40);
    my $same = join '', map { "&expire_id_$_=1" } 1 .. 20;
    my @r = run_parallel(
        (map { my $k = $_; job('a', 3, auth_of($a) . $same . '&expire_id_' . (20 + $k) . '=1') } 1 .. 16),
        (map { job('b', 3, auth_of($b) . join '', map { "&expire_id_$_=1" } 1 .. 10) } 1 .. 4));
    is scalar @r, 60, '60 answers';
    all_ok('parallel sessionexpire', @r);
    expect_sessions($a, 37 .. 40);
    sessions_as_expected('A: exactly 37 to 40 left', $a);
    expect_sessions($b, 11 .. 40);
    sessions_as_expected('B: exactly 11 to 40 left', $b);
};

case '20 parallel expireall of one user, and 20 of another at once' => sub {
    my $a = my_user('cexp', $PW);
    my $b = my_user('cexp', $PW);
    my $c = my_user('cexp', $PW);
    plant_sessions($a, 1, 500);
    plant_sessions($b, 1, 500);
    plant_sessions($c, 1, 50);
    my @r = run_parallel((map { job('a', 2, auth_of($a) . '&expireall=1') } 1 .. 20),
                         (map { job('b', 2, auth_of($b) . '&expireall=1') } 1 .. 20));
    all_ok('parallel expireall', @r);
    expect_sessions($a);
    expect_sessions($b);
    sessions_as_expected('A: none left', $a);
    sessions_as_expected('B: none left', $b);
    sessions_as_expected('C (not named): untouched', $c);
};

# 4. sessiongenerate from many connections at once.
case '32 connections x 5 sessiongenerate for one user: never the same id twice' => sub {
    my $u = my_user('cexp', $PW);
    my @r = run_parallel(map { job('gen', 5, auth_of($u, 'sessiongenerate')) } 1 .. 32);
    is scalar @r, 160, '160 answers';
    all_ok('32 x 5 sessiongenerate', @r);
    my @ids = sort { $a <=> $b } grep { defined } map { scalar id_of($u, $_) } @r;
    is_deeply \@ids, [1 .. 160], 'ids 1 to 160, each exactly once';
    my %auth = map { ((id_of($u, $_))[1] // '') => 1 } @r;
    is scalar(grep { length } keys %auth), 160, '160 distinct auth codes';
    expect_sessions($u, 1 .. 160);
    sessions_as_expected('all 160 listed', $u);
};

case 'sessiongenerate for 4 users at once (12 connections x 5 each)' => sub {
    my @users = map { my_user('cexp', $PW) } 1 .. 4;
    my @r = run_parallel(map { my $u = $_; map { job("gen $u", 5, auth_of($u, 'sessiongenerate')) } 1 .. 12 } @users);
    is scalar @r, 240, '240 answers';
    all_ok('4 users at once', @r);
    for my $u (@users) {
        my @mine = grep { $_->{kind} eq "gen $u" } @r;
        my @ids = sort { $a <=> $b } grep { defined } map { scalar id_of($u, $_) } @mine;
        is_deeply \@ids, [1 .. 60], "$u: ids 1 to 60 (each answer names $u)";
        expect_sessions($u, 1 .. 60);
        sessions_as_expected($u, $u);
    }
};

# 5. Parallel logouts: each session expires itself, authenticated by its
# own cookie; then the same cookies, replayed at once, all fail.
case '20 sessions log themselves out at once by cookie' => sub {
    my $u = my_user('cexp', $PW);
    my %auth;
    for (1 .. 21) {
        my($id, $auth) = generate_ok($u, $PW);
        $auth{$id} = $auth;
    }
    my $logout = sub {
        my $id = shift;
        return sub {
            timed_request('out', "mode=sessionexpire&user=$u&auth_method=cookie&expire_id_$id=1", timeout => 60,
                          headers => [ 'X-LJ-Auth' => 'cookie',
                                       Cookie => "ljsession=ws:$u:$id:$auth{$id}" ]);
        };
    };
    my @r = run_parallel(map { $logout->($_) } 1 .. 20);
    all_ok('20 logouts', @r);
    expect_sessions($u, 21);
    sessions_as_expected('only session 21 is left', $u);

    @r = run_parallel(map { $logout->($_) } 1 .. 20);
    my @not_refused = grep { $_->{status} != 200 || $_->{errmsg} ne 'Invalid password' } @r;
    is scalar @not_refused, 0, 'the 20 cookies replayed at once: Invalid password each'
        or diag join "\n", map { $_->{body} } @not_refused;
    sessions_as_expected('still only session 21', $u);
};

run_file();
