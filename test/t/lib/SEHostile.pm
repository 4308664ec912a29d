package SEHostile;
#
# Helpers for the hostile_*.t and concurrency_*.t files (on top of
# SETest.pm and SEModes.pm).
#
# Talking to the server:
#   my $r = converse(%o);
#       one connection: sends bytes, reads the answer.  %o:
#         bytes => $request           everything at once, or
#         pieces => [[$bytes, $delay_before_s], ...]   in pieces;
#         half_close => 1             shutdown(SHUT_WR) after the last piece;
#         no_read => 1                close at once after sending (no answer);
#         timeout => $s               how long to wait for the answer in all
#                                     (default 15);
#       returns { status, headers (lc name => value), body, raw, error,
#                 timed_out, elapsed, eof }.  status is undef when no
#       complete response header came.
#   my $req = http_request(%o);   the bytes of a request:
#         body, path (/interface/flat), method (POST), host, headers
#         (array ref of name => value), content_type (default form; undef
#         for none), chunked (1 or array ref of chunk sizes, as flat_post),
#         content_length (override; undef with no_cl => 1: none).
#   my $r = send_body($body, %o);   http_request + converse (%o go to both).
#
# Checking answers:
#   answer_ok($name, $r, %want);   one Test::More assertion: $r is a
#       well-formed answer of the module (status 200 unless status =>,
#       Content-Type text/plain; charset=UTF-8, Cache-Control no-store, an
#       exact Content-Length, exactly key\nvalue\n pairs sorted by key, no
#       CR or NUL, success OK|FAIL and errmsg exactly when FAIL) and says
#       what %want says: success => OK|FAIL, errmsg => string or qr//, keys
#       => [the exact sorted key set] (default: errmsg success for FAIL,
#       success for OK), urlenc => 1 (responseenc=urlenc), ljsession_of =>
#       $user (an ljsession of $user must be there).  httpd_error => 1: an
#       answer of httpd itself (only its status is checked, and that it is
#       not a 5xx).
#   problems_of($r, %want): the list of what is wrong (answer_ok's test).
#
# State:
#   my $u = my_user($prefix, $password);  new_user, remembered as this
#       file's, with no sessions expected yet.
#   expect_sessions($u, @ids); expected_sessions($u)
#   sessions_as_expected($name, $u);  one assertion: session_ids($u) is what
#       was last expected.
#   give_sessions($u, $password, $n): $n sessions by sessiongenerate (their
#       ids are added to the expected ones); returns the ids.
#   my $u = victim_of($prefix, $password): my_user with sessions 1..3 (by
#       sessiongenerate).
#   clear_auth($u, $password, $mode): the start of a request body:
#       mode ($mode, default sessionexpire), user, auth_method=clear and the
#       password, form-escaped.
#   plant_sessions($u, $from, $to): sessions $from..$to planted with SQL in
#       one statement (valid for a day), counter moved past them.
#   my $snap = db_snapshot();  before the file's cases.
#   db_final_ok($snap);  four assertions afterwards: the tables are all
#       there and intact, the users are exactly those before plus this
#       file's, every session of another user that was valid for more than
#       an hour is still there unchanged, and this file's users have exactly
#       the sessions expected.
#   tables_ok(): the schema's tables exist (and, on SQLite, PRAGMA
#       quick_check is ok).
#   user_count(), session_count()
#
# The server:
#   my $mark = error_log_mark();   the error_log's size now.
#   my @bad = error_log_problems($mark);  lines written since that show a
#       crash (exit signal, Segmentation fault, AH00052...) or a locked
#       database.
#   server_alive(): a getchallenge answered 200 OK (true/false).
#   server_ok_at_end($mark): two assertions: alive, and no crash lines.
#
# A whole case file, after its case() calls:
#   run_file(%o);  plans every case plus the six assertions of
#       db_final_ok and server_ok_at_end (plus $o{more_tests}), snapshots
#       the database, runs the cases, calls $o{after} (if given: its own
#       $o{more_tests} assertions), then db_final_ok and server_ok_at_end.
#
# Concurrency:
#   my @records = run_parallel(@jobs);
#       runs every job (a code ref) in a child process of its own, all
#       released at the same moment; a job returns a list of hash refs
#       (flat: no references inside), which come back in @records, each
#       with job => its index.  A job that dies gives one record with
#       error => the message.
#   my $rec = timed_request($kind, $body, %o);
#       send_body($body, %o) with its start and end times: { kind, t0, t1,
#       status, success, errmsg, ljsession, body }.
use strict;
use warnings;

use Exporter ();
use File::Temp ();
use IO::Select ();
use POSIX ();
use IO::Socket::INET ();
use Socket qw(SHUT_WR);
use Time::HiRes ();
use Test::More ();

use Apache::Test ();
use SETest;
use SEModes;

our @ISA    = ('Exporter');
our @EXPORT = qw(converse http_request send_body answer_ok problems_of
                 my_user expect_sessions expected_sessions
                 sessions_as_expected give_sessions plant_sessions
                 victim_of clear_auth
                 db_snapshot db_final_ok tables_ok user_count session_count
                 error_log_mark error_log_problems error_log_file
                 server_alive server_ok_at_end case run_cases run_file
                 note_secret run_parallel timed_request);

our @TABLES = qw(se_users se_sessions se_challenges se_login_failures
                 se_login_bans);

# Hands a request or a response to SETest's secret recorder (when this
# SETest.pm has one), so that zz_secrets_not_logged.t sees what we sent.
sub note_request_secrets {
    my $bytes = shift;
    my $rec = SETest->can('record_request_secrets') or return;
    eval { $rec->($bytes) };
}

sub note_response_secrets {
    my $bytes = shift;
    my $rec = SETest->can('record_response_secrets') or return;
    eval { $rec->($bytes) };
}

sub note_secret {
    my $rec = SETest->can('record_secret') or return;
    eval { $rec->(@_) };
}

sub http_request {
    my %o = @_;
    my $body   = $o{body} // '';
    my $path   = $o{path} // '/interface/flat';
    my $method = $o{method} // 'POST';
    my $host   = $o{host} // server_hostport();
    my $ctype  = exists $o{content_type}
        ? $o{content_type} : 'application/x-www-form-urlencoded';

    my $req = "$method $path HTTP/1.1\r\nHost: $host\r\n";
    $req .= "Connection: close\r\n" unless $o{keepalive};
    $req .= "Content-Type: $ctype\r\n" if defined $ctype;
    my @h = @{ $o{headers} || [] };
    while (my($name, $value) = splice @h, 0, 2) {
        $req .= "$name: $value\r\n";
    }
    if ($o{chunked}) {
        $req .= "Transfer-Encoding: chunked\r\n\r\n"
              . SETest::chunk_body($body, $o{chunked});
    }
    else {
        my $cl = exists $o{content_length} ? $o{content_length} : length $body;
        $req .= "Content-Length: $cl\r\n" if defined $cl && !$o{no_cl};
        $req .= "\r\n" . $body;
    }
    return $req;
}

sub parse_answer {
    my $r = shift;
    (my $final = $r->{raw}) =~
        s{\A(?:HTTP/\d\.\d 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+}{};
    my($head, $body) = split /\r\n\r\n/, $final, 2;
    return unless defined $body;
    my($status_line, @lines) = split /\r\n/, $head;
    my($status) = ($status_line // '') =~ m{^HTTP/\d\.\d (\d{3})} or return;
    my %h;
    for (@lines) {
        my($name, $value) = /^([^:]+):[ \t]*(.*?)[ \t]*$/ or next;
        $name = lc $name;
        $h{$name} = exists $h{$name} ? "$h{$name}, $value" : $value;
    }
    if (($h{'transfer-encoding'} // '') =~ /chunked/i) {
        $body = SETest::dechunk($body);
    }
    $r->{status}  = $status + 0;
    $r->{headers} = \%h;
    $r->{body}    = $body;
}

sub converse {
    my %o = @_;
    my @pieces = $o{pieces} ? @{ $o{pieces} } : ([ $o{bytes} // '', 0 ]);
    my $timeout = $o{timeout} // 15;
    my $r = { raw => '', status => undef, headers => {}, body => undef,
              error => '', timed_out => 0, eof => 0 };
    my $t0 = Time::HiRes::time();

    note_request_secrets(join '', map { $_->[0] } @pieces);
    my $sock = IO::Socket::INET->new(PeerAddr => server_hostport(),
                                     Proto => 'tcp', Timeout => 10,
                                     $o{local_addr}
                                         ? (LocalAddr => $o{local_addr}) : ());
    unless ($sock) {
        $r->{error} = "connect: $!";
        return $r;
    }
    binmode $sock;
    local $SIG{PIPE} = 'IGNORE';
    my $sel = IO::Select->new($sock);

    # Whatever the server says while we are still sending is kept.
    my $read_some = sub {
        my $wait = shift;
        while ($sel->can_read($wait)) {
            my $n = sysread $sock, $r->{raw}, 65536, length $r->{raw};
            if (!$n) {
                $r->{eof} = 1;
                $r->{error} ||= "read: $!" unless defined $n;
                return 0;
            }
            $wait = 0;
        }
        return 1;
    };

    SEND: for my $piece (@pieces) {
        my($bytes, $delay) = @$piece;
        if ($delay) {
            Time::HiRes::sleep($delay);
        }
        my $off = 0;
        while ($off < length $bytes) {
            unless ($sel->can_write(10)) {
                $r->{error} = 'write timed out';
                last SEND;
            }
            my $n = syswrite $sock, $bytes, length($bytes) - $off, $off;
            unless (defined $n) {
                $r->{error} = "write: $!";
                last SEND;
            }
            $off += $n;
            last SEND unless $read_some->(0);
        }
    }
    if ($o{no_read}) {
        close $sock;
        $r->{elapsed} = Time::HiRes::time() - $t0;
        return $r;
    }
    shutdown $sock, SHUT_WR if $o{half_close};

    my $deadline = Time::HiRes::time() + $timeout;
    while (!$r->{eof}) {
        my $left = $deadline - Time::HiRes::time();
        if ($left <= 0) {
            $r->{timed_out} = 1;
            last;
        }
        $read_some->($left) or last;
    }
    close $sock;
    $r->{elapsed} = Time::HiRes::time() - $t0;
    note_response_secrets($r->{raw});
    parse_answer($r);
    return $r;
}

sub send_body {
    my($body, %o) = @_;
    my %conv;
    for my $k (qw(pieces half_close no_read timeout local_addr)) {
        $conv{$k} = delete $o{$k} if exists $o{$k};
    }
    return converse(bytes => http_request(%o, body => $body), %conv);
}

sub printable {
    my $s = shift // '(undef)';
    $s = substr($s, 0, 300) . '...(' . length($s) . ' bytes)'
        if length $s > 300;
    $s =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return $s;
}

sub problems_of {
    my($r, %want) = @_;
    my @bad;

    return ("no answer ($r->{error}" . ($r->{timed_out} ? ', timed out' : '')
            . "): raw '" . printable($r->{raw}) . "'")
        unless defined $r->{status};
    my $h = $r->{headers};
    my $body = $r->{body};
    if ($r->{status} >= 500) {
        push @bad, "HTTP $r->{status}";
    }
    if ($want{httpd_error}) {
        my @ok = ref $want{status} ? @{ $want{status} } : ($want{status} // 400);
        push @bad, "HTTP $r->{status}, expected one of @ok"
            unless grep { $_ == $r->{status} } @ok;
        return @bad;
    }
    my $status = $want{status} // 200;
    push @bad, "HTTP $r->{status}, expected $status" if $r->{status} != $status;
    push @bad, "Content-Type '" . ($h->{'content-type'} // '') . "'"
        unless ($h->{'content-type'} // '') eq 'text/plain; charset=UTF-8';
    push @bad, "Cache-Control '" . ($h->{'cache-control'} // '') . "'"
        unless ($h->{'cache-control'} // '') eq 'no-store';
    if (!defined $h->{'content-length'}) {
        push @bad, 'no Content-Length';
    }
    elsif ($h->{'content-length'} !~ /\A\d+\z/
           || $h->{'content-length'} != length $body) {
        push @bad, "Content-Length $h->{'content-length'} but "
                 . length($body) . ' body bytes';
    }
    push @bad, 'NUL byte in the body' if $body =~ /\0/;
    push @bad, 'CR in the body' if $body =~ /\r/;

    my(%p, @keys);
    if ($want{urlenc}) {
        my $pairs = parse_urlenc($body);
        return (@bad, "not urlenc: $SETest::parse_error: '"
                      . printable($body) . "'") unless $pairs;
        %p = %$pairs;
        @keys = map { SETest::url_unescape((split /=/, $_, 2)[0]) }
                split /&/, $body;
        push @bad, 'LF in a urlenc body' if $body =~ /\n/;
    }
    else {
        unless ($body =~ /\A(?:[^\n]*\n[^\n]*\n)*\z/) {
            return (@bad, "not key\\nvalue\\n pairs: '" . printable($body)
                          . "'");
        }
        my @lines = split /\n/, $body, -1;
        pop @lines;                         # after the last "\n"
        for (my $i = 0; $i < @lines; $i += 2) {
            push @bad, "key '" . printable($lines[$i]) . "' twice"
                if exists $p{ $lines[$i] };
            $p{ $lines[$i] } = $lines[$i + 1];
            push @keys, $lines[$i];
        }
    }
    my @sorted = sort @keys;
    push @bad, 'pairs not sorted by key: ' . join(',', map { printable($_) } @keys)
        unless "@sorted" eq "@keys";
    my $success = $p{success} // '';
    push @bad, "success '" . printable($success) . "'"
        unless $success eq 'OK' || $success eq 'FAIL';
    push @bad, ($success eq 'FAIL' ? 'FAIL without errmsg' : 'errmsg without FAIL')
        if ($success eq 'FAIL') != exists $p{errmsg};

    if (defined $want{success} && $success ne $want{success}) {
        push @bad, "success '$success', expected $want{success}"
                 . (exists $p{errmsg} ? " (errmsg '" . printable($p{errmsg}) . "')" : '');
    }
    if (defined $want{errmsg}) {
        my $e = $p{errmsg} // '';
        my $match = ref $want{errmsg} ? $e =~ $want{errmsg} : $e eq $want{errmsg};
        push @bad, "errmsg '" . printable($e) . "', expected "
                 . (ref $want{errmsg} ? "$want{errmsg}" : "'$want{errmsg}'")
            unless $match;
    }
    my $keys = $want{keys}
        // (!defined $want{success} ? undef
            : $want{success} eq 'FAIL' ? [qw(errmsg success)]
            : $want{ljsession_of} ? [qw(ljsession success)]
            : $want{challenge} ? [qw(auth_scheme challenge expire_time
                                     server_time success)]
            : [qw(success)]);
    if ($keys && join(',', @sorted) ne join(',', @$keys)) {
        push @bad, 'keys ' . join(',', map { printable($_) } @sorted)
                 . ', expected ' . join(',', @$keys);
    }
    if (my $u = $want{ljsession_of}) {
        push @bad, "ljsession '" . printable($p{ljsession}) . "' is not one of $u"
            unless ($p{ljsession} // '') =~ /\Aws:\Q$u\E:\d+:[A-Za-z0-9]{10}\z/;
    }
    $r->{pairs} = \%p;
    return @bad;
}

sub answer_ok {
    my($name, $r, %want) = @_;
    my @bad = problems_of($r, %want);
    my $tb = Test::More->builder;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    $tb->ok(!@bad, $name)
        or $tb->diag(join "\n", @bad, 'answer: '
                     . printable(defined $r->{raw} ? $r->{raw} : ''));
    return !@bad;
}

# This file's users and the sessions each should have.
my %expected;

sub my_user {
    my($prefix, $password) = @_;
    my $u = new_user($prefix, $password);
    $expected{$u} = [];
    note_secret($password);
    return $u;
}

sub expect_sessions {
    my($u, @ids) = @_;
    $expected{$u} = [ sort { $a <=> $b } @ids ];
}

sub expected_sessions {
    my $u = shift;
    return @{ $expected{$u} || [] };
}

sub sessions_as_expected {
    my($name, $u) = @_;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    my @ids = session_ids($u);
    return Test::More::is_deeply(\@ids, $expected{$u},
        "$name: sessions of $u: " . join(',', @{ $expected{$u} }))
        || Test::More::diag("listed: @ids");
}

sub give_sessions {
    my($u, $password, $n) = @_;
    my @ids;
    for (1 .. $n) {
        my($id) = generate_ok($u, $password);
        push @ids, $id;
    }
    expect_sessions($u, expected_sessions($u), @ids);
    return @ids;
}

sub victim_of {
    my($prefix, $password) = @_;
    my $u = my_user($prefix, $password);
    give_sessions($u, $password, 3);
    return $u;
}

sub clear_auth {
    my($u, $password, $mode) = @_;
    return 'mode=' . ($mode // 'sessionexpire') . "&user=$u&auth_method=clear"
         . '&password=' . form_escape($password);
}

sub plant_sessions {
    my($u, $from, $to) = @_;
    my $uid = userid_of($u);
    my $now = time;
    # Multi-row VALUES, in slices: the one bulk insert every database has.
    for (my $at = $from; $at <= $to; $at += 500) {
        my $end = $at + 499 < $to ? $at + 499 : $to;
        sql('INSERT INTO se_sessions (userid, sessid, auth, exptype,'
            . ' timecreate, timeexpire, ipfixed) VALUES '
            . join(',', map { "($uid, $_, 'AAAAAAAAAA', 'short',"
                              . ' ' . ($now - 100) . ', ' . ($now + 86400)
                              . ", '')" } $at .. $end));
    }
    sql("UPDATE se_users SET next_sessid = $to WHERE userid = $uid"
        . " AND next_sessid < $to");
    expect_sessions($u, expected_sessions($u), $from .. $to);
}

sub one_number {
    my $out = sql(shift);
    chomp $out;
    die "not a number: '$out'" unless $out =~ /\A\d+\z/;
    return $out;
}

sub user_count    { one_number('SELECT COUNT(*) FROM se_users') }
sub session_count { one_number('SELECT COUNT(*) FROM se_sessions') }

sub tables_ok {
    # Each table still answers a query (a dropped one would not).
    for my $table (@TABLES) {
        my $n = eval { one_number("SELECT COUNT(*) FROM $table") };
        return 0 unless defined $n;
    }
    return 1 unless ($ENV{SE_DBD_DRIVER} || 'sqlite3') eq 'sqlite3';
    my $check = sql('PRAGMA quick_check');
    chomp $check;
    return $check eq 'ok';
}

sub long_lived_sessions {
    my($since, @exclude) = @_;
    my $not = @exclude
        ? ' AND userid NOT IN (' . join(',', @exclude) . ')' : '';
    return sql('SELECT userid, sessid, auth, exptype, timeexpire, ipfixed'
               . " FROM se_sessions WHERE timeexpire > $since + 3600$not"
               . ' ORDER BY userid, sessid');
}

sub db_snapshot {
    my $t = time;
    return { t => $t, users => user_count(),
             sessions => long_lived_sessions($t) };
}

sub db_final_ok {
    my $snap = shift;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(tables_ok(), 'database: every table is there, quick_check ok');
    Test::More::is(user_count(), $snap->{users} + keys %expected,
                   'database: the users are those before plus this file\'s '
                   . scalar(keys %expected));
    my @mine = map { userid_of($_) } sort keys %expected;
    Test::More::is(long_lived_sessions($snap->{t}, @mine), $snap->{sessions},
                   'database: other users\' sessions are untouched');
    my @wrong;
    for my $u (sort keys %expected) {
        my @ids = session_ids($u);
        push @wrong, "$u: listed @ids, expected @{ $expected{$u} }"
            unless "@ids" eq "@{ $expected{$u} }";
    }
    Test::More::is_deeply(\@wrong, [],
        'database: this file\'s ' . scalar(keys %expected)
        . ' users have exactly the sessions expected');
}

sub error_log_file {
    return Apache::Test::vars('t_logs') . '/error_log';
}

sub error_log_mark {
    return -s error_log_file() || 0;
}

our $CRASH_RE = qr/exit signal|Segmentation fault|AH00052|AH00051|AH00060|
                   core\s+dump|double\s+free|stack\s+smashing|
                   database\s+is\s+locked|SQLITE_BUSY|database\s+table\s+is\s+locked/xi;

sub error_log_problems {
    my $mark = shift // 0;
    open my $fh, '<', error_log_file() or return ("cannot read error_log: $!");
    seek $fh, $mark, 0;
    my @bad;
    while (my $line = <$fh>) {
        push @bad, $line if $line =~ $CRASH_RE;
    }
    return @bad;
}

sub server_alive {
    my $r = send_body('mode=getchallenge', timeout => 10);
    return !problems_of($r, success => 'OK', challenge => 1);
}

sub server_ok_at_end {
    my $mark = shift;
    local $Test::Builder::Level = $Test::Builder::Level + 1;
    Test::More::ok(server_alive(), 'the server still answers');
    my @bad = error_log_problems($mark);
    Test::More::is(scalar @bad, 0,
        'error_log: no crash (exit signal, segfault) and no locked database')
        or Test::More::diag(join '', @bad[0 .. ($#bad < 19 ? $#bad : 19)]);
}

sub run_parallel {
    my @jobs = @_;
    my $dir = File::Temp->newdir;
    pipe my $gate_r, my $gate_w or die "pipe: $!";
    my @pids;
    for my $i (0 .. $#jobs) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            close $gate_w;
            my $buf;
            sysread $gate_r, $buf, 1;           # until the gate opens
            my @recs = eval { $jobs[$i]->() };
            @recs = ({ error => ($@ =~ s/\s+/ /gr) }) if $@;
            if (open my $fh, '>', "$dir/$i") {
                for my $rec (@recs) {
                    for my $k (sort keys %$rec) {
                        my $v = $rec->{$k} // '';
                        $v =~ s/([\\\n\t])/$1 eq "\n" ? '\\n' : $1 eq "\t" ? '\\t' : '\\\\'/ge;
                        print $fh "$k\t$v\n";
                    }
                    print $fh "--\n";
                }
                close $fh;
            }
            POSIX::_exit(0);                    # no END blocks, no Test::More
        }
        push @pids, $pid;
    }
    close $gate_r;
    close $gate_w;                              # everyone goes
    waitpid $_, 0 for @pids;

    my @records;
    for my $i (0 .. $#jobs) {
        open my $fh, '<', "$dir/$i" or do {
            push @records, { job => $i, error => 'no result file' };
            next;
        };
        my %r = (job => $i);
        while (my $line = <$fh>) {
            chomp $line;
            if ($line eq '--') {
                push @records, { %r };
                %r = (job => $i);
                next;
            }
            my($k, $v) = split /\t/, $line, 2;
            $v =~ s/\\(.)/$1 eq 'n' ? "\n" : $1 eq 't' ? "\t" : $1/ge;
            $r{$k} = $v;
        }
    }
    return @records;
}

sub timed_request {
    my($kind, $body, %o) = @_;
    my $t0 = Time::HiRes::time();
    my $r = send_body($body, %o);
    my $t1 = Time::HiRes::time();
    my %p;
    if (defined $r->{body} && $r->{body} =~ /\A(?:[^\n]*\n[^\n]*\n)*\z/) {
        my @l = split /\n/, $r->{body}, -1;
        pop @l;
        %p = @l;
    }
    return { kind => $kind, t0 => $t0, t1 => $t1,
             status => $r->{status} // 0, success => $p{success} // '',
             errmsg => $p{errmsg} // '', ljsession => $p{ljsession} // '',
             body => $r->{body} // '', error => $r->{error} // '' };
}

# Cases: each one a subtest (one test of the plan) run in an eval, so a
# case that dies fails alone.
my @cases;

sub case {
    my($name, $code) = @_;
    push @cases, [ $name, $code ];
}

sub run_cases {
    for my $c (@cases) {
        my($name, $code) = @$c;
        Test::More::subtest($name => sub {
            my $ok = eval { $code->(); 1 };
            Test::More::ok(0, "$name: died: $@") unless $ok;
            Test::More::done_testing();
        });
    }
    return scalar @cases;
}

sub case_count { scalar @cases }

sub run_file {
    my %o = @_;
    Test::More::plan(tests => case_count() + 6 + ($o{more_tests} // 0));
    my $mark = error_log_mark();
    my $snap = db_snapshot();
    run_cases();
    $o{after}->() if $o{after};
    db_final_ok($snap);
    server_ok_at_end($mark);
}

1;
