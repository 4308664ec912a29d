# PROTOCOL.md 2: database unreachable -> "Server error: Database temporarily
# unavailable", as a protocol answer (HTTP 200), and httpd goes on serving.
#
# The name-based virtual hosts of t/conf/extra.last.conf.in, on the
# server's own address and port: se-nodb.invalid has its database file in a
# directory that does not exist, se-notadb.invalid one that is a text file;
# se-pgdown.invalid and se-mydown.invalid name PostgreSQL and MariaDB
# servers that do not run.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 124;

my $NODB   = 'se-nodb.invalid';
my $NOTADB = 'se-notadb.invalid';
my @DOWN   = ('se-pgdown.invalid', 'se-mydown.invalid');
my $pw = 'Nodb pw';
my $unavailable = { success => 'FAIL',
                    errmsg => 'Server error: Database temporarily unavailable' };

# The account exists in the real database (so a request to the main server
# with the same pairs works).
my $user = new_user('nodb', $pw);

# Sanity: host_post() with the server's own name reaches the main server.
{
    my($res, $p) = host_post(server_hostport(),
                             { mode => 'sessiongenerate', user => $user,
                               password => $pw });
    is $p && $p->{success}, 'OK', 'the main server, by Host header, works'
        or diag $res->content;
}

my @requests = (
    [ 'sessiongenerate', { mode => 'sessiongenerate', user => $user,
                           password => $pw } ],
    [ 'sessiongenerate long, bound', { mode => 'sessiongenerate',
                                       user => $user, password => $pw,
                                       expiration => 'long', ipfixed => 1 } ],
    [ 'sessionexpire expireall', { mode => 'sessionexpire', user => $user,
                                   password => $pw, expireall => 1 } ],
    [ 'sessionexpire expire_id_1', { mode => 'sessionexpire', user => $user,
                                     password => $pw, expire_id_1 => 1 } ],
    [ 'unknown user', { mode => 'sessiongenerate', user => "nosuch_$$",
                        password => $pw } ],
    [ 'wrong password', { mode => 'sessionexpire', user => $user,
                          password => 'wrong' } ],
);

for my $host ($NODB, $NOTADB, @DOWN) {
    for my $round (1, 2) {
        for my $r (@requests) {
            my($name, $pairs) = @$r;
            my($res, $p) = host_post($host, $pairs);
            is $res->code, 200, "$host, round $round: $name: HTTP 200";
            is_deeply $p, $unavailable,
                "$host, round $round: $name: Database temporarily unavailable"
                or diag $res->content;
        }
    }
}
{
    my($res, $p) = host_post($NODB, { mode => 'sessiongenerate', user => $user,
                                      password => $pw });
    is $res->header('Content-Type'), 'text/plain; charset=UTF-8',
        'failure: text/plain; charset=UTF-8';
    is $res->header('Cache-Control'), 'no-store', 'failure: no-store';
}

# What needs no database still answers as usual there.
{
    my($res, $p) = host_post($NODB, { user => $user });
    is_deeply $p, { success => 'FAIL', errmsg => 'Client error: No mode specified.' },
        'no mode: No mode specified.' or diag $res->content;
    ($res, $p) = host_post($NODB, { mode => 'sessiongenerate', user => 'a b' });
    is_deeply $p, { success => 'FAIL', errmsg => 'Client error: No username sent.' },
        'invalid user name: No username sent.' or diag $res->content;
    ($res, $p) = host_post($NODB, { mode => 'nosuchmode', user => $user });
    is_deeply $p, { success => 'FAIL', errmsg => 'Client error: Unknown mode (nosuchmode)' },
        'unknown mode: Unknown mode (nosuchmode)' or diag $res->content;
}

# A database that can be read but not written: every write fails, and a
# failed write leaves nothing held (a later request on the same process,
# main server included, is not blocked).
my $ro_dir  = Apache::Test::vars('t_logs') . '/se-readonly';
my $ro_db   = "$ro_dir/sessionexpire.db";
my $ro_user = 'readonly_user';
# Made once per server (a second run against the same httpd finds it).
unless (-e $ro_db) {
    mkdir $ro_dir, 0755 or die "mkdir $ro_dir: $!";
    system($ENV{SE_ADMIN}, '-d', 'sqlite3', '-p', $ro_db, 'init') == 0
        or die "sessionexpire-admin init $ro_db failed";
    open my $fh, '|-', $ENV{SE_ADMIN}, '-d', 'sqlite3', '-p', $ro_db,
        'useradd', $ro_user or die "useradd: $!";
    print $fh "$pw\n";
    close $fh or die "useradd $ro_user in $ro_db failed";
    # Back from WAL (a read-only WAL database needs its -shm file), and a
    # session to try to expire.
    system('sqlite3', $ro_db, '.output /dev/null', 'PRAGMA journal_mode=DELETE;'
           . ' INSERT INTO se_sessions (userid, sessid, auth, exptype,'
           . ' timecreate, timeexpire, ipfixed) SELECT userid, 1,'
           . " 'AAAAAAAAAA', 'short', 0, 4000000000, '' FROM se_users;"
           . ' UPDATE se_users SET next_sessid = 1;') == 0
        or die "sqlite3 $ro_db failed";
}
chmod 0444, $ro_db or die "chmod $ro_db: $!";
chmod 0555, $ro_dir or die "chmod $ro_dir: $!";
my $RO = 'se-readonly.invalid';
for my $round (1 .. 4) {
    my($res, $p) = host_post($RO, { mode => 'sessiongenerate', user => $ro_user,
                                    password => $pw });
    is $res->code, 200, "read-only ($round): sessiongenerate: HTTP 200";
    is_deeply $p, $unavailable,
        "read-only ($round): sessiongenerate: Database temporarily unavailable"
        or diag $res->content;
    ($res, $p) = host_post($RO, { mode => 'sessionexpire', user => $ro_user,
                                  password => $pw, expire_id_1 => 1 });
    is_deeply $p, $unavailable,
        "read-only ($round): expire_id_1: Database temporarily unavailable"
        or diag $res->content;
    ($res, $p) = host_post($RO, { mode => 'sessionexpire', user => $ro_user,
                                  password => $pw, expireall => 1 });
    is_deeply $p, $unavailable,
        "read-only ($round): expireall: Database temporarily unavailable"
        or diag $res->content;
}
{
    my($res, $p) = host_post($RO, { mode => 'sessiongenerate',
                                    user => "nosuch_$$", password => $pw });
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid username' },
        'read-only: reading works (unknown user: Invalid username)'
        or diag $res->content;
    my $rows = `sqlite3 '$ro_db' 'SELECT sessid FROM se_sessions'`;
    is $rows, "1\n", 'read-only: the session row is still there';
}
# Writable again, so that whoever cleans up can remove it.
chmod 0755, $ro_dir;
chmod 0644, $ro_db;

# Nothing of the above reached the real database.
is_deeply [session_ids($user)], [1], 'only the main-server session exists';

# The normal endpoint still works, many times over (so every httpd process
# that answered the failures above answers some of these).
{
    my @bad;
    for my $i (1 .. 30) {
        my($res, $p) = generate($user, $pw);
        push @bad, "$i: " . $res->code . ' ' . $res->content
            unless $res->code == 200 && $p && ($p->{success} // '') eq 'OK'
                && ($p->{ljsession} // '') =~ /^ws:\Q$user\E:\d+:[A-Za-z0-9]{10}\z/;
    }
    is_deeply \@bad, [], 'main server afterwards: 30 sessiongenerate all OK';
}
{
    my($res, $p) = expire($user, $pw, expireall => 1);
    is_deeply $p, { success => 'OK' }, 'main server afterwards: expireall'
        or diag $res->content;
    is_deeply [session_ids($user)], [], 'main server afterwards: all expired';
}
