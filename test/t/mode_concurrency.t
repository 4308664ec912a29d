# Concurrency: parallel sessiongenerate for one user all succeed with
# distinct ids (no "database is locked"); expireall racing sessiongenerate
# leaves a consistent state.  Each request runs in a process of its own, on
# a connection of its own; all of them start together.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Time::HiRes ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile qw(run_parallel);

plan tests => 35;

my $pw = 'Conc pw';

# One request, as a record for run_parallel (SEHostile.pm).
sub timed {
    my($kind, $code) = @_;
    my $t0 = Time::HiRes::time();
    my($res, $p) = $code->();
    my $t1 = Time::HiRes::time();
    return { kind => $kind, t0 => $t0, t1 => $t1, code => $res->code,
             success => $p && $p->{success} // '',
             errmsg => $p && $p->{errmsg} // '',
             ljsession => $p && $p->{ljsession} // '',
             body => $res->content };
}

sub gen_job {
    my($user, $n) = @_;
    return sub { map { timed('gen', sub { generate($user, $pw) }) } 1 .. ($n || 1) };
}

sub expireall_job {
    my($user, $n) = @_;
    return sub {
        map { timed('expireall', sub { expire($user, $pw, expireall => 1) }) }
            1 .. ($n || 1);
    };
}

sub id_of {
    my($user, $r) = @_;
    my($id, $auth) = ($r->{ljsession} // '') =~ /^ws:\Q$user\E:(\d+):([A-Za-z0-9]{10})\z/;
    return wantarray ? ($id, $auth) : $id;
}

# Checks that every request was answered 200 OK with no errmsg.
sub all_ok {
    my($name, @results) = @_;
    my @bad = grep { ($_->{code} // '') ne '200' || ($_->{success} // '') ne 'OK'
                     || ($_->{errmsg} // '') ne '' || $_->{error} } @results;
    is scalar @bad, 0, "$name: every request answered 200 success OK"
        or diag join "\n", map { "job $_->{job}: " . ($_->{error} // $_->{body} // '?') } @bad;
    my @locked = grep { ($_->{body} // '') =~ /locked|busy/i } @results;
    is scalar @locked, 0, "$name: no 'database is locked'";
}

# 20 parallel sessiongenerate for one user.
{
    my $user = new_user('conc', $pw);
    my @r = run_parallel(map { gen_job($user) } 1 .. 20);
    is scalar @r, 20, '20 parallel sessiongenerate: 20 answers';
    all_ok('20 parallel sessiongenerate', @r);
    my @ids  = sort { $a <=> $b } grep { defined } map { scalar id_of($user, $_) } @r;
    my %auth = map { ((id_of($user, $_))[1] // '') => 1 } @r;
    is_deeply \@ids, [1 .. 20], '20 parallel sessiongenerate: ids 1 to 20, each once';
    is scalar(grep { $_ ne '' } keys %auth), 20, '20 distinct auth codes';
    is_deeply [session_ids($user)], [1 .. 20], 'all 20 sessions are listed';

    # And again: the counter went on correctly.
    @r = run_parallel(map { gen_job($user) } 1 .. 20);
    all_ok('20 more', @r);
    @ids = sort { $a <=> $b } grep { defined } map { scalar id_of($user, $_) } @r;
    is_deeply \@ids, [21 .. 40], '20 more: ids 21 to 40';
    is_deeply [session_ids($user)], [1 .. 40], 'all 40 sessions are listed';
}

# 24 parallel requests over 4 users, 3 each in a row: ids per user 1 to 18.
{
    my @users = map { new_user('conc', $pw) } 1 .. 4;
    my @r = run_parallel(map { my $u = $_; map { gen_job($u, 3) } 1 .. 6 } @users);
    is scalar @r, 72, '4 users x 6 processes x 3 requests: 72 answers';
    all_ok('4 users in parallel', @r);
    for my $u (@users) {
        my @ids = sort { $a <=> $b } grep { defined }
                  map { scalar id_of($u, $_) } grep { $_->{ljsession} =~ /^ws:\Q$u\E:/ } @r;
        is_deeply \@ids, [1 .. 18], "$u: ids 1 to 18";
    }
}

# expireall racing sessiongenerate.
for my $round (1, 2) {
    my $user = new_user('race', $pw);
    generate_ok($user, $pw) for 1 .. 3;         # something to expire
    my @jobs;
    for my $i (1 .. 24) {
        push @jobs, $i % 3 ? gen_job($user, 3) : expireall_job($user, 3);
    }
    my @r = run_parallel(@jobs);
    is scalar @r, 72, "race $round: 72 answers";
    all_ok("race $round", @r);

    my @gen = grep { $_->{kind} eq 'gen' } @r;
    my @all = grep { $_->{kind} eq 'expireall' } @r;
    my %gen_by_id;
    for my $g (@gen) {
        my $id = id_of($user, $g);
        $gen_by_id{$id} = $g if defined $id;
    }
    is scalar(keys %gen_by_id), scalar @gen,
        "race $round: every sessiongenerate got an id of its own";
    is_deeply [sort { $a <=> $b } keys %gen_by_id], [4 .. 3 + @gen],
        "race $round: ids 4 to " . (3 + @gen);

    my %listed = map { $_ => 1 } session_ids($user);
    # No session appears that nobody was given.
    my @phantom = grep { !$gen_by_id{$_} } keys %listed;
    is_deeply \@phantom, [], "race $round: only sessions handed out in the race are listed";
    # A missing session was removed by an expireall that ended after the
    # sessiongenerate began; a listed one by none that began after it ended.
    my(@lost, @survived);
    for my $id (sort { $a <=> $b } keys %gen_by_id) {
        my $g = $gen_by_id{$id};
        if ($listed{$id}) {
            push @survived, $id if grep { $_->{t0} > $g->{t1} } @all;
        }
        else {
            push @lost, $id unless grep { $_->{t1} > $g->{t0} } @all;
        }
    }
    note sprintf "race %d: %d sessions generated, %d still listed",
        $round, scalar @gen, scalar keys %listed;
    is_deeply \@lost, [], "race $round: every missing session was removed by an expireall";
    is_deeply \@survived, [], "race $round: no listed session outlived an expireall begun after it";

    # Afterwards: the counter goes on, expireall clears everything.
    my($id) = generate_ok($user, $pw);
    is $id, 4 + @gen, "race $round: the next session is " . (4 + @gen);
}
