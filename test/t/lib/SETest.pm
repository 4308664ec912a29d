package SETest;
#
# Helpers for the .t files of mod_sessionexpire's integration suite.
#
#   my ($res, $pairs) = flat_post({ mode => 'sessionexpire', ... }, %opts);
#   my ($res, $pairs) = flat_post('mode=sessionexpire&user=...', %opts);
#       POSTs a flat request (a hash ref is sorted by key and form-encoded,
#       an array ref keeps its order and may repeat keys, a string is the
#       body as is).  %opts: path (default /interface/flat), method (POST),
#       headers (array ref of name => value), content_type (default
#       application/x-www-form-urlencoded; undef sends none), chunked (1, or
#       an array ref of chunk sizes).  $res is an HTTP::Response; $pairs the
#       body parsed by parse_flat(), undef if it is not a valid flat body
#       (the reason is in $SETest::parse_error).
#   my ($status, $headers, $body, $raw) = raw_request($bytes);
#       sends exactly $bytes to 127.0.0.1:<port>, reads the answer to EOF
#       (so send "Connection: close").  $headers: lowercased name => value
#       (repeated headers joined by ", "); $body dechunked; $raw all bytes.
#       $SETest::IO_TIMEOUT (30 s) bounds every read and write.
#   parse_flat($body), parse_urlenc($body): the two response formats.
#   my ($out, $rc, $err) = admin(@args);
#   my ($out, $rc, $err) = admin_with_input($stdin, @args);
#       run sessionexpire-admin on the test database (as the user httpd's
#       children run as, so that SQLite's WAL files stay writable by them).
#   my $user = new_user($prefix, $password, $status);  a fresh account.
#   my @s = sessions_of($user);  ({ id, type, expiry, ip }, ...)
#   form_escape($string): %XX for every byte but [A-Za-z0-9_.~-].
#   ok_auth($user, $password, %more): the pairs of a sessionexpire request
#       with clear authentication.
#   server_hostport(): "127.0.0.1:<port>" of the server under test.
#
# flat_post also takes host => NAME (the Host header, for a name-based
# virtual host on the server's own port) and local_addr => ADDR (the
# client's source address, e.g. 127.0.0.2: httpd then sees that client IP);
# raw_request connects from $SETest::LOCAL_ADDR when it is set.
#
# The test clock and challenges:
#   set_clock($offset): writes $offset (signed seconds) to the test clock
#       file ($ENV{SE_CLOCK}); the module adds it to its clock from the next
#       request on.  A test file that sets it gets it put back to 0 when it
#       ends (an END block here), however it ends.
#   clock_offset(): the offset last set by this process (0 at first).
#   my $chal = get_challenge(%opts);
#       a getchallenge request (%opts go to flat_post: path, host,
#       local_addr, ...); dies unless it succeeds with a challenge.  Returns
#       just the challenge, in any context (so it can be an argument).
#   my($chal, $pairs, $res) = get_challenge_full(%opts);
#       the same, with the whole answer.
#   challenge_response($challenge, $password):
#       md5_hex($challenge . md5_hex($password)), lower case.
#
# Secrets (zz_secrets_not_logged.t checks that none reaches a log):
#   record_secret(@strings): appends each string (a password, hpassword,
#       auth code or challenge response the tests send or receive) to
#       secrets_file(), one per line, once per process.  Strings too short
#       or too common to mean anything (trivial_secret) are left out, runs
#       of control characters split a string in pieces, and a string longer
#       than 200 bytes is recorded by its first 64.
#   record_request_secrets($bytes), record_response_secrets($bytes): record
#       the secrets in a raw request (the password, hpassword and
#       auth_response of its body, the auth codes of its ljsession cookies)
#       or a raw response (the auth code of an ljsession).  raw_request
#       calls both, so flat_post, get_challenge and everything built on them
#       record automatically; new_user records the password, and
#       challenge_response the response it computes.
#   secrets_file(): t/logs/se-secrets.txt (append-only).
#   trivial_secret($s): true for what is not worth looking for in a log:
#       under 6 bytes, under 4 distinct characters, all digits, or a lower
#       case word of at most 8 letters.
#   $SETest::RECORD_SECRETS: 0 turns recording off (local to a block).
use strict;
use warnings;

use Exporter ();
use File::Temp ();
use HTTP::Response ();
use IO::Socket::INET ();
use IO::Select ();
use Digest::MD5 ();
use POSIX ();

use Apache::Test ();

our @ISA    = ('Exporter');
our @EXPORT = qw(flat_post raw_request parse_flat parse_urlenc admin
                 run_as_httpd_user run_as_httpd_user_with_input
                 admin_with_input new_user sessions_of form_escape
                 form_encode ok_auth server_hostport
                 set_clock clock_offset get_challenge get_challenge_full
                 challenge_response record_secret);

our $parse_error = '';

our $IO_TIMEOUT = 30;    # seconds, per read or write

our $LOCAL_ADDR;         # source address of raw_request's connections

sub server_hostport {
    return '127.0.0.1:' . Apache::Test::vars('port');
}

sub form_escape {
    my $s = shift;
    $s =~ s/([^A-Za-z0-9_.~-])/sprintf('%%%02X', ord $1)/ge;
    return $s;
}

# A body from a hash ref (sorted keys) or an array ref (in order).
sub form_encode {
    my $pairs = shift;
    my @list = ref $pairs eq 'HASH'
        ? map { ($_, $pairs->{$_}) } sort keys %$pairs
        : @$pairs;
    my @out;
    while (my($k, $v) = splice @list, 0, 2) {
        push @out, form_escape($k) . '=' . form_escape($v);
    }
    return join '&', @out;
}

sub ok_auth {
    my($user, $password, %more) = @_;
    return { mode => 'sessionexpire', user => $user,
             auth_method => 'clear', password => $password, %more };
}

# The flat response format: key\nvalue\n pairs, nothing else.  Returns a
# hash ref, or undef (reason in $parse_error) for a trailing partial pair, a
# repeated key or a CR in the body.
sub parse_flat {
    my $body = shift;
    my %pairs;

    $parse_error = '';
    if (!defined $body) {
        $parse_error = 'no body';
        return undef;
    }
    if ($body =~ /\r/) {
        $parse_error = 'CR in body';
        return undef;
    }
    if ($body ne '' && substr($body, -1) ne "\n") {
        $parse_error = 'body does not end with a newline';
        return undef;
    }
    my @lines = split /\n/, $body, -1;
    pop @lines;                 # the empty string after the last "\n"
    if (@lines % 2) {
        $parse_error = 'odd number of lines (a trailing partial pair)';
        return undef;
    }
    while (my($k, $v) = splice @lines, 0, 2) {
        if (exists $pairs{$k}) {
            $parse_error = "key '$k' appears twice";
            return undef;
        }
        $pairs{$k} = $v;
    }
    return \%pairs;
}

sub url_unescape {
    my $s = shift;
    $s =~ tr/+/ /;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}

# responseenc=urlenc: key=value& pairs.  Returns a hash ref or undef.
sub parse_urlenc {
    my $body = shift;
    my %pairs;

    $parse_error = '';
    if (!defined $body || $body !~ /\A(?:[^=&\s]*=[^=&\s]*&)*\z/) {
        $parse_error = 'not a sequence of key=value&';
        return undef;
    }
    for my $pair (split /&/, $body) {
        my($k, $v) = map { url_unescape($_) } split /=/, $pair, 2;
        if (exists $pairs{$k}) {
            $parse_error = "key '$k' appears twice";
            return undef;
        }
        $pairs{$k} = $v // '';
    }
    return \%pairs;
}

# Sends $bytes, reads until the server closes the connection.
sub raw_request {
    my $bytes = shift;
    record_request_secrets($bytes);
    my $sock = IO::Socket::INET->new(PeerAddr => server_hostport(),
                                     Proto    => 'tcp',
                                     Timeout  => $IO_TIMEOUT,
                                     defined $LOCAL_ADDR
                                         ? (LocalAddr => $LOCAL_ADDR) : ())
        or die "connect to " . server_hostport()
             . (defined $LOCAL_ADDR ? " from $LOCAL_ADDR" : '') . ": $!";
    binmode $sock;
    # The server may answer (413, 405) and close before reading everything.
    local $SIG{PIPE} = 'IGNORE';

    my $sel = IO::Select->new($sock);
    my $off = 0;
    while ($off < length $bytes) {
        die "raw_request: write timed out" unless $sel->can_write($IO_TIMEOUT);
        my $n = syswrite $sock, $bytes, length($bytes) - $off, $off;
        last unless defined $n;
        $off += $n;
    }

    my $raw = '';
    while (1) {
        die "raw_request: read timed out" unless $sel->can_read($IO_TIMEOUT);
        my $n = sysread $sock, $raw, 65536, length $raw;
        last if !defined $n || $n == 0;    # EOF (or a reset after it)
    }
    close $sock;
    record_response_secrets($raw);

    # Interim responses (100 Continue) come before the real one.
    (my $final = $raw) =~ s{\A(?:HTTP/\d\.\d 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+}{};
    my($head, $body) = split /\r\n\r\n/, $final, 2;
    die "raw_request: no complete response header in:\n$raw\n"
        unless defined $body;
    my($status_line, @header_lines) = split /\r\n/, $head;
    my($status) = $status_line =~ m{^HTTP/\d\.\d (\d{3})}
        or die "raw_request: bad status line '$status_line'";
    my %headers;
    for (@header_lines) {
        my($name, $value) = /^([^:]+):[ \t]*(.*?)[ \t]*$/
            or die "raw_request: bad header line '$_'";
        $name = lc $name;
        $headers{$name} = exists $headers{$name}
            ? "$headers{$name}, $value" : $value;
    }
    if (($headers{'transfer-encoding'} // '') =~ /chunked/i) {
        $body = dechunk($body);
    }
    return ($status + 0, \%headers, $body, $raw);
}

sub dechunk {
    my $in = shift;
    my $out = '';
    while ($in =~ s/\A([0-9A-Fa-f]+)[^\r\n]*\r\n//) {
        my $size = hex $1;
        last if $size == 0;
        $out .= substr $in, 0, $size, '';
        $in =~ s/\A\r\n//;
    }
    return $out;
}

# Splits $body into chunks: $sizes is 1 (chunks of at most 100 bytes) or an
# array ref of sizes (the last one repeats).
sub chunk_body {
    my($body, $sizes) = @_;
    my @sizes = ref $sizes ? @$sizes : (100);
    my $out = '';
    while (length $body) {
        my $size = @sizes > 1 ? shift @sizes : $sizes[0];
        my $chunk = substr $body, 0, $size, '';
        $out .= sprintf("%x\r\n", length $chunk) . $chunk . "\r\n";
    }
    return $out . "0\r\n\r\n";
}

sub flat_post {
    my($what, %opts) = @_;
    my $body   = ref $what ? form_encode($what) : $what;
    my $path   = $opts{path}   // '/interface/flat';
    my $method = $opts{method} // 'POST';
    my $ctype  = exists $opts{content_type}
        ? $opts{content_type} : 'application/x-www-form-urlencoded';

    my $host   = $opts{host} // server_hostport();

    my $req = "$method $path HTTP/1.1\r\n"
            . "Host: $host\r\n"
            . "Connection: close\r\n";
    $req .= "Content-Type: $ctype\r\n" if defined $ctype;
    my @headers = @{ $opts{headers} || [] };
    while (my($name, $value) = splice @headers, 0, 2) {
        $req .= "$name: $value\r\n";
    }
    if ($opts{chunked}) {
        $req .= "Transfer-Encoding: chunked\r\n\r\n"
              . chunk_body($body, $opts{chunked});
    }
    else {
        $req .= "Content-Length: " . length($body) . "\r\n\r\n" . $body;
    }

    local $LOCAL_ADDR = $opts{local_addr} if defined $opts{local_addr};
    my(undef, undef, $rbody, $raw) = raw_request($req);
    $raw =~ s{\A(?:HTTP/\d\.\d 1\d\d[^\r\n]*\r\n(?:[^\r\n]+\r\n)*\r\n)+}{};
    my $res = HTTP::Response->parse($raw);
    $res->content($rbody);      # exactly the bytes received (dechunked)
    return ($res, parse_flat($rbody));
}

# The test clock.  $clock_owner: the process that last changed it, the one
# whose END block puts it back (not the children it forks).
my $clock_offset = 0;
my $clock_owner;

sub clock_offset {
    return $clock_offset;
}

sub set_clock {
    my $offset = shift;
    my $file = $ENV{SE_CLOCK};
    die "set_clock: SE_CLOCK is not set (run the suite through "
      . "test/run-httpd-tests)\n" unless length($file // '');
    die "set_clock: '$offset' is not an integer\n"
        unless defined $offset && $offset =~ /\A-?\d+\z/;

    # A new file renamed into place: httpd never reads a partial one.
    my $tmp = "$file.$$.tmp";
    open my $fh, '>', $tmp or die "set_clock: $tmp: $!\n";
    print $fh "$offset\n";
    close $fh or die "set_clock: $tmp: $!\n";
    chmod 0644, $tmp;
    rename $tmp, $file or die "set_clock: rename $tmp to $file: $!\n";
    $clock_offset = $offset + 0;
    $clock_owner  = $$;
    return $clock_offset;
}

END {
    if (defined $clock_owner && $clock_owner == $$ && $clock_offset != 0) {
        local($!, $@, $?);
        eval { set_clock(0) };
        warn "could not reset the test clock: $@" if $@;
    }
}

sub challenge_response {
    my($challenge, $password) = @_;
    my $response = Digest::MD5::md5_hex($challenge
                                        . Digest::MD5::md5_hex($password));
    record_secret($password, $response);
    return $response;
}

sub get_challenge {
    my($chal) = get_challenge_full(@_);
    return $chal;
}

sub get_challenge_full {
    my %opts = @_;
    my($res, $p) = flat_post({ mode => 'getchallenge' }, %opts);
    if (!$p || ($p->{success} // '') ne 'OK'
        || !length($p->{challenge} // '')) {
        die "get_challenge: unexpected answer: " . $res->code . "\n"
          . $res->content . "\n";
    }
    return ($p->{challenge}, $p, $res);
}

# Runs @cmd with $input on its standard input, as the user httpd's children
# run as when we are root (so files it creates beside the database stay
# writable by httpd).  Returns (stdout, exit code, stderr).
sub run_as_httpd_user_with_input {
    my($input, @cmd) = @_;
    my $in  = File::Temp->new;
    my $out = File::Temp->new;
    my $err = File::Temp->new;
    print $in $input // '';
    close $in;

    my $pid = fork // die "fork: $!";
    if ($pid == 0) {
        # The child must never return into the test script.
        eval {
            open STDIN,  '<', $in->filename  or die;
            open STDOUT, '>', $out->filename or die;
            open STDERR, '>', $err->filename or die;
            if ($> == 0) {
                my $user = $ENV{SE_RUN_USER} || 'nobody';
                my(undef, undef, $uid, $gid) = getpwnam $user or die;
                if (my $group = $ENV{SE_RUN_GROUP}) {
                    $gid = getgrnam($group) // $gid;
                }
                POSIX::setgid($gid) or die;
                $) = "$gid $gid";
                POSIX::setuid($uid) or die;
                die if $> == 0;
            }
            no warnings 'exec';
            exec { $cmd[0] } @cmd;
        };
        POSIX::_exit(127);
    }
    waitpid $pid, 0;
    my $rc = $? & 127 ? 128 + ($? & 127) : $? >> 8;
    return (slurp($out->filename), $rc, slurp($err->filename));
}

sub run_as_httpd_user {
    return run_as_httpd_user_with_input('', @_);
}

# sessionexpire-admin on the test database.  Returns (stdout, exit code,
# stderr).
sub admin_with_input {
    my($input, @args) = @_;
    my $admin = $ENV{SE_ADMIN} or die "SE_ADMIN is not set";
    my $db    = $ENV{SE_DB}    or die "SE_DB is not set";

    return run_as_httpd_user_with_input($input, $admin, '-d',
        $ENV{SE_DBD_DRIVER} || 'sqlite3', '-p', $db, @args);
}

sub admin {
    return admin_with_input('', @_);
}

sub slurp {
    my $file = shift;
    open my $fh, '<', $file or die "$file: $!";
    local $/;
    my $s = <$fh>;
    return $s // '';
}

# A new account named $prefix_<unique>; returns the name.  Dies on failure.
my $user_serial = 0;
sub new_user {
    my($prefix, $password, $status) = @_;
    $prefix   //= 'u';
    $password //= 'secret';
    record_secret($password, Digest::MD5::md5_hex($password));
    my $name = lc sprintf '%s_%x_%d', $prefix, $$, $user_serial++;
    die "new_user: '$name' is longer than 25 characters" if length $name > 25;

    my($out, $rc, $err) = admin_with_input("$password\n", 'useradd', $name);
    die "new_user: useradd $name failed ($rc): $out$err" if $rc;
    if (defined $status && $status ne 'V') {
        ($out, $rc, $err) = admin('status', $name, $status);
        die "new_user: status $name $status failed ($rc): $out$err" if $rc;
    }
    return $name;
}

sub sessions_of {
    my $user = shift;
    my($out, $rc, $err) = admin('sessions', $user);
    die "sessions_of: sessions $user failed ($rc): $out$err" if $rc;
    my @sessions;
    for my $line (split /\n/, $out) {
        my($id, $type, $expiry, $ip) = split /\t/, $line, -1;
        die "sessions_of: bad line '$line'" unless defined $ip;
        push @sessions, { id => $id, type => $type, expiry => $expiry,
                          ip => $ip };
    }
    return @sessions;
}

# Secrets the tests send or receive, for zz_secrets_not_logged.t.
our $RECORD_SECRETS = 1;
my %secret_seen;        # per process: each secret is written once

sub secrets_file {
    return Apache::Test::vars('t_logs') . '/se-secrets.txt';
}

sub trivial_secret {
    my $s = shift;
    return 1 if !defined $s || length $s < 6;
    my %chars = map { $_ => 1 } split //, $s;
    return 1 if keys %chars < 4;
    return 1 if $s =~ /\A\d+\z/;
    return 1 if $s =~ /\A[a-z]{1,8}\z/;
    return 0;
}

sub record_secret {
    return unless $RECORD_SECRETS;
    my @lines;
    for my $secret (@_) {
        next unless defined $secret;
        for my $piece (split /[\x00-\x1f\x7f]+/, $secret) {
            $piece = substr $piece, 0, 64 if length $piece > 200;
            next if trivial_secret($piece) || $secret_seen{$piece}++;
            push @lines, "$piece\n";
        }
    }
    return unless @lines;
    # Never let the bookkeeping break a test.
    eval {
        require Fcntl;
        my $file = secrets_file();
        sysopen my $fh, $file,
            Fcntl::O_WRONLY() | Fcntl::O_APPEND() | Fcntl::O_CREAT(), 0600
            or die "$file: $!";
        binmode $fh;
        syswrite $fh, join '', @lines;
        close $fh;
    };
    return;
}

sub form_unescape {
    my $s = shift;
    $s =~ tr/+/ /;
    $s =~ s/%([0-9A-Fa-f]{2})/chr hex $1/ge;
    return $s;
}

sub record_request_secrets {
    my $bytes = shift;
    return unless $RECORD_SECRETS && defined $bytes;
    eval {
        local $SIG{__WARN__} = sub { };     # hostile chunk sizes and such
        my($head, $body) = split /\r\n\r\n/, $bytes, 2;
        $body //= '';
        my @secrets;
        for my $line (split /\r\n/, $head) {
            next unless $line =~ /^Cookie:(.*)/i;
            for my $v ($1 =~ /ljsession\s*=\s*"?([^;,"]*)/gi) {
                my(undef, undef, undef, $auth) = split /:/, $v;
                push @secrets, $auth;
            }
        }
        if ($head =~ /^Transfer-Encoding:.*chunked/im) {
            $body = dechunk($body);
        }
        for my $seg (split /&/, $body) {
            my($k, $v) = split /=/, $seg, 2;
            next unless defined $v;
            $k = form_unescape($k);
            next unless $k eq 'password' || $k eq 'hpassword'
                     || $k eq 'auth_response';
            $v = form_unescape($v);
            push @secrets, $v;
            push @secrets, Digest::MD5::md5_hex($v) if $k eq 'password';
        }
        record_secret(@secrets);
    };
    return;
}

sub record_response_secrets {
    my $raw = shift;
    return unless $RECORD_SECRETS && defined $raw;
    eval {
        local $SIG{__WARN__} = sub { };
        my @auth;
        for my $text ($raw, form_unescape($raw)) {
            push @auth, $text =~ /ws:[^:\s&]+:\d+:([A-Za-z0-9]{10})/g;
        }
        record_secret(@auth);
    };
    return;
}

1;
