# A database server that goes away while httpd runs, and comes back (the
# suite's PostgreSQL or MariaDB server, stopped and resumed with
# test/db-server; SQLite is embedded and has no server to stop).
#
# While it is away: every request that needs it gets the protocol answer
# "Server error: Database temporarily unavailable" (HTTP 200), at once, and
# what needs no database (getchallenge) goes on working.  Once it is back:
# requests work again, although every pooled connection of every httpd
# child is now dead (mod_dbd finds that out only when it hands one out).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

my $ROUNDS = 40;
plan tests => 3 * $ROUNDS + 7;

my $driver = $ENV{SE_DBD_DRIVER} || 'sqlite3';

SKIP: {
    skip "the suite runs on $driver: no database server to stop",
        3 * $ROUNDS + 7 if $driver eq 'sqlite3';

    my($server, $dir) = @ENV{qw(SE_DB_SERVER SE_DB_SERVER_DIR)};
    die "SE_DB_SERVER / SE_DB_SERVER_DIR are not set\n"
        unless $server && $dir;
    my $pw = 'Outage pw';
    my $user = new_user('outage', $pw);

    # Every httpd thread that serves the rounds below holds a pooled
    # connection from before the outage.
    my @ok = grep { $_ } map { (generate($user, $pw))[1]->{success} eq 'OK' }
        1 .. $ROUNDS;
    is scalar @ok, $ROUNDS, "before the outage: $ROUNDS sessiongenerate OK";

    system($server, 'stop', $driver, $dir) == 0
        or die "$server stop $driver failed";

    my $unavailable = { success => 'FAIL',
                        errmsg => 'Server error: Database temporarily unavailable' };
    for my $round (1 .. $ROUNDS) {
        my($res, $p) = generate($user, $pw);
        is $res->code, 200, "server down, round $round: HTTP 200";
        is_deeply $p, $unavailable,
            "server down, round $round: Database temporarily unavailable"
            or diag $res->content;
        ($res, $p) = flat_post({ mode => 'getchallenge' });
        like $p && $p->{challenge} // '', qr/\Ac0:/,
            "server down, round $round: getchallenge still works";
    }
    my($res, $p) = expire($user, $pw, expireall => 1);
    is_deeply $p, $unavailable, 'server down: sessionexpire too';

    system($server, 'resume', $driver, $dir) == 0
        or die "$server resume $driver failed";

    # Back: the first request that meets a dead pooled connection must not
    # fail either.
    all_ok('server back');

    # A restart between two requests (the usual maintenance): every pooled
    # connection is dead and none of them knows it yet.
    my $log = Apache::Test::vars('t_logs') . '/error_log';
    my $mark = -s $log;
    system($server, 'stop', $driver, $dir) == 0
        or die "$server stop $driver failed";
    system($server, 'resume', $driver, $dir) == 0
        or die "$server resume $driver failed";
    all_ok('after a quick restart');
    like substr(SETest::slurp($log), $mark), qr/SE0202: statement \w+ failed on a pooled connection/,
        'after a quick restart: a dead pooled connection was met and revived';

    ($res, $p) = expire($user, $pw, expireall => 1);
    is $p && $p->{success}, 'OK', 'server back: expireall OK'
        or diag $res->content;
    is scalar(session_ids($user)), 0, 'and no session is left';

    # $ROUNDS requests in a row, of both kinds, each answered OK.
    sub all_ok {
        my $when = shift;
        my @answers = map { ($_ % 2 ? generate($user, $pw)
                                    : expire($user, $pw, expire_id_1 => 1))[1] }
            1 .. $ROUNDS;
        my @bad = grep { ($_->{success} // '') ne 'OK' } @answers;
        is scalar @bad, 0, "$when: $ROUNDS requests in a row all OK"
            or diag join "\n", map { $_->{errmsg} // '(no errmsg)' }
                                 grep { defined } @bad[0 .. 4];
    }
}
