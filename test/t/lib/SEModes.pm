package SEModes;
#
# Helpers for the mode_*.t and admin_*.t files (on top of SETest.pm).
#
#   my($res, $p) = generate($user, $password, %more);
#       a sessiongenerate request with clear authentication (%more: more
#       request pairs; path => ... goes to flat_post as its path).
#   my($res, $p) = expire($user, $password, %more);   the same, sessionexpire.
#   my($id, $auth) = generate_ok($user, $password, %more);
#       a sessiongenerate that must succeed: dies (failing the test file)
#       with the response otherwise.
#   my @ids = session_ids($user);  the ids "sessionexpire-admin sessions"
#       lists, in order.
#   my $out = sql($statement);
#       runs SQL on the test database with its own client (sqlite3, psql
#       or mariadb, as the user httpd's children run as, like
#       SETest::admin), returns its output (rows of |-separated columns);
#       dies on failure.  Keep the SQL portable: every test runs on every
#       database (test/run-httpd-tests --db).
#   my $uid = userid_of($user);
#   my $n = failures_of($user);   the failed logins recorded for $user.
#   my $n = count_rows("table WHERE ...");   SELECT COUNT(*) FROM that.
#   plant_session($user, $sessid, $timeexpire, %cols);
#       inserts a session row directly (exptype short, auth AAAAAAAAAA,
#       timecreate $timeexpire - 86400, no IP, unless %cols says otherwise).
#   my($res, $p) = host_post($host, \%pairs, %opts);
#       like flat_post but with Host: $host (a name-based virtual host on
#       the server's own port); %opts: path.
use strict;
use warnings;

use Exporter ();
use HTTP::Response ();

use SETest;

our @ISA    = ('Exporter');
our @EXPORT = qw(generate expire generate_ok session_ids sql userid_of
                 failures_of count_rows plant_session host_post sql_quote);

sub request_for {
    my($mode, $user, $password, %more) = @_;
    my $path = delete $more{path};
    my %pairs = (mode => $mode, user => $user, auth_method => 'clear',
                 password => $password, %more);
    # A value of undef leaves the key out.
    delete $pairs{$_} for grep { !defined $pairs{$_} } keys %pairs;
    return flat_post(\%pairs, defined $path ? (path => $path) : ());
}

sub generate { return request_for('sessiongenerate', @_) }
sub expire   { return request_for('sessionexpire', @_) }

sub generate_ok {
    my($user, $password, %more) = @_;
    my($res, $p) = generate($user, $password, %more);
    my $s = $p && $p->{ljsession} // '';
    if ($res->code != 200 || !$p || ($p->{success} // '') ne 'OK'
        || $s !~ /^ws:\Q$user\E:(\d+):([A-Za-z0-9]{10})\z/) {
        die "generate_ok($user): unexpected answer: " . $res->code . "\n"
          . $res->content . "\n";
    }
    return ($1, $2);
}

sub session_ids {
    return map { $_->{id} } sessions_of(shift);
}

sub sql_quote {
    my $s = shift;
    $s =~ s/'/''/g;
    # MySQL reads backslash escapes in string literals.
    $s =~ s/\\/\\\\/g if ($ENV{SE_DBD_DRIVER} || '') eq 'mysql';
    return "'$s'";
}

# The command line of the test database's own client, for one statement;
# its rows come out as |-separated columns, as the sqlite3 CLI prints them.
sub sql_command {
    my $statement = shift;
    my $driver = $ENV{SE_DBD_DRIVER} || 'sqlite3';
    if ($driver eq 'sqlite3') {
        my $db = $ENV{SE_DB} or die "SE_DB is not set";
        return ($ENV{SE_SQLITE3} || 'sqlite3', '-batch', '-bail',
                '-cmd', '.timeout 10000', $db, $statement);
    }
    my @at = map { $ENV{$_} // die "$_ is not set\n" }
        qw(SE_DB_HOST SE_DB_PORT SE_DB_USER SE_DB_NAME);
    if ($driver eq 'pgsql') {
        return ('psql', '-X', '-q', '-A', '-t', '-F', '|',
                '-v', 'ON_ERROR_STOP=1', '-h', $at[0], '-p', $at[1],
                '-U', $at[2], '-d', $at[3], '-c', $statement);
    }
    if ($driver eq 'mysql') {
        return ('mariadb', '--no-defaults', '-B', '-N', '-r',
                '-h', $at[0], '-P', $at[1], '-u', $at[2], '-D', $at[3],
                '-e', $statement);
    }
    die "sql(): no client known for the driver '$driver'\n";
}

sub sql {
    my $statement = shift;
    my @cmd = sql_command($statement);
    # As httpd's user, so that SQLite's WAL files stay theirs.
    my($out, $rc, $err) = run_as_httpd_user(@cmd);
    die "sql(): $cmd[0] failed ($rc) on: $statement\n$out$err"
        if $rc || $err ne '';
    $out =~ tr/\t/|/ if $cmd[0] eq 'mariadb';
    return $out;
}

sub userid_of {
    my $user = shift;
    my $out = sql('SELECT userid FROM se_users WHERE username = '
                  . sql_quote($user));
    chomp $out;
    die "userid_of($user): no such user\n" unless $out =~ /^\d+\z/;
    return $out;
}

sub count_rows {
    my $n = sql('SELECT COUNT(*) FROM ' . shift);
    chomp $n;
    return $n;
}

sub failures_of {
    return count_rows('se_login_failures WHERE username = ' . sql_quote(shift));
}

sub plant_session {
    my($user, $sessid, $timeexpire, %cols) = @_;
    my %row = (auth => 'AAAAAAAAAA', exptype => 'short',
               timecreate => $timeexpire - 86400, ipfixed => '', %cols);
    sql(sprintf 'INSERT INTO se_sessions (userid, sessid, auth, exptype,'
        . ' timecreate, timeexpire, ipfixed) VALUES (%d, %d, %s, %s, %d, %d, %s)',
        userid_of($user), $sessid, sql_quote($row{auth}),
        sql_quote($row{exptype}), $row{timecreate}, $timeexpire,
        sql_quote($row{ipfixed}));
}

sub host_post {
    my($host, $pairs, %opts) = @_;
    my $body = form_encode($pairs);
    my $path = $opts{path} // '/interface/flat';
    my $req = "POST $path HTTP/1.1\r\n"
            . "Host: $host\r\n"
            . "Connection: close\r\n"
            . "Content-Type: application/x-www-form-urlencoded\r\n"
            . "Content-Length: " . length($body) . "\r\n\r\n" . $body;
    my(undef, undef, $rbody, $raw) = raw_request($req);
    $raw =~ s{\A(?:HTTP/\d\.\d 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+}{};
    my $res = HTTP::Response->parse($raw);
    $res->content($rbody);
    return ($res, parse_flat($rbody));
}

1;
