# The module cleans up after itself (PROTOCOL.md section 4): at most once a
# minute per httpd process, a request removes every user's expired sessions,
# failed logins older than the window and lifted bans, and at most every 5
# seconds, in slices, used challenges past their expiry; it leaves
# everything still live alone.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 11;

# Far enough ahead that every process's last clean-up (other tests move the
# clock too) is more than a minute behind.
my $shift = 90 * 86400;
my $now = time + $shift;

my $pw = 'Housekeep-Pw7';
my $idle = new_user('hk_idle', $pw);     # never logs in again
my $active = new_user('hk_act', $pw);    # makes the requests

plant_session($idle, 1, $now - 10);      # expired
plant_session($idle, 2, $now + 86400);   # live
# More users with expired sessions than one batch of the user-by-user purge
# of PostgreSQL and MariaDB (SE_SQL_USERS_BATCH): each with session 1
# expired and session 2 live.
my $BATCH_USERS = 250;
sql('INSERT INTO se_users (username, password_md5, status, next_sessid) VALUES '
    . join(',', map { "('hkbatch$_', '" . ('0' x 32) . "', 'V', 2)" }
                    1 .. $BATCH_USERS));
for my $sessid (1, 2) {
    my $expires = $sessid == 1 ? $now - 10 : $now + 86400;
    sql('INSERT INTO se_sessions (userid, sessid, auth, exptype, timecreate,'
        . " timeexpire, ipfixed) SELECT userid, $sessid, 'AAAAAAAAAA',"
        . " 'short', @{[ $now - 86400 ]}, $expires, '' FROM se_users"
        . " WHERE username LIKE 'hkbatch%'");
}
sql("INSERT INTO se_challenges (challenge, timeexpire) VALUES"
    . " ('hk-old', @{[ $now - 10 ]}), ('hk-live', @{[ $now + 1000 ]})");
# Many used challenges, so the purge needs several slices (src/purge.h):
# 3000 expired in one second (more than a slice, which cannot be cut
# finer), 500 spread over the hour before, one a day before that (a gap
# to jump), and 100 not expired yet.
# Multi-row VALUES in slices: the bulk insert every database has.
sub insert_challenges {
    my($prefix, $n, $expiry_of) = @_;
    for (my $from = 1; $from <= $n; $from += 500) {
        my $to = $from + 499 < $n ? $from + 499 : $n;
        sql('INSERT INTO se_challenges (challenge, timeexpire) VALUES '
            . join(',', map { "('$prefix$_', " . $expiry_of->($_) . ')' }
                            $from .. $to));
    }
}
insert_challenges('hk-dense-', 3000, sub { $now - 20 });
insert_challenges('hk-spread-', 500, sub { $now - 3600 + $_[0] * 7 });
sql("INSERT INTO se_challenges (challenge, timeexpire) VALUES"
    . " ('hk-lone', @{[ $now - 90000 ]})");
insert_challenges('hk-soon-', 100, sub { $now + 1000 });
sql("INSERT INTO se_login_failures (username, ip, failtime) VALUES"
    . " ('$idle', '10.1.1.1', @{[ $now - 1000 ]}),"
    . " ('$idle', '10.1.1.2', @{[ $now - 10 ]})");
sql("INSERT INTO se_login_bans (username, ip, banned_until) VALUES"
    . " ('$idle', '10.1.1.3', @{[ $now - 10 ]}),"
    . " ('$idle', '10.1.1.4', @{[ $now + 1000 ]})");

set_clock($shift);
# Several requests, so that whichever process answers has cleaned up.
for (1 .. 8) {
    my(undef, $p) = flat_post({ mode => 'sessionexpire', user => $active,
                                password => $pw });
    die "request failed: " . ($p->{errmsg} // '?') unless $p->{success} eq 'OK';
}
set_clock(0);

is_deeply [ session_ids($idle) ], [ 2 ],
    "another user's expired session is gone, the live one stays";
my $batch_sessions = "se_sessions WHERE userid IN (SELECT userid FROM se_users"
                   . " WHERE username LIKE 'hkbatch%')";
is count("$batch_sessions AND timeexpire <= $now"), 0,
    "the expired sessions of $BATCH_USERS more users are gone";
is count("$batch_sessions AND timeexpire > $now"), $BATCH_USERS,
    'and each of them keeps its live one';
is count("se_challenges WHERE challenge = 'hk-old'"), 0,
    'a used challenge past its expiry is gone';
is count("se_challenges WHERE challenge = 'hk-live'"), 1,
    'a used challenge not yet expired stays (it must not be reusable)';
is count("se_challenges WHERE challenge LIKE 'hk-dense-%'"
         . " OR challenge LIKE 'hk-spread-%' OR challenge = 'hk-lone'"), 0,
    'every expired challenge is gone, however many, however spread';
is count("se_challenges WHERE challenge LIKE 'hk-soon-%'"), 100,
    'no challenge that has not expired is purged';
is count("se_login_failures WHERE ip = '10.1.1.1'"), 0,
    'a failed login older than the window is gone';
is count("se_login_failures WHERE ip = '10.1.1.2'"), 1,
    'a failed login within the window stays';
is count("se_login_bans WHERE ip = '10.1.1.3'"), 0, 'a lifted ban is gone';
is count("se_login_bans WHERE ip = '10.1.1.4'"), 1, 'an active ban stays';

sub count { return count_rows(shift) }
