# No secret reaches a log (issue 5, item 4; PROTOCOL.md 2: passwords,
# hpasswords, auth codes and challenge responses are never written to any
# log by this module at any of its LogLevels).
#
# The suite runs the module at its most verbose (extra.conf.in: "LogLevel
# warn sessionexpire:trace8"; httpd's core stays at warn: at trace4 and
# above core itself dumps request headers, Cookie included).  Every test
# records the secrets it sends or receives (SETest::record_secret and the
# hooks in raw_request, new_user and challenge_response) in
# t/logs/se-secrets.txt.  This file runs last (files run in sorted order):
# it first sends its own traffic through every path that might log (clear,
# hpassword, challenge and cookie authentication, wrong passwords, a ban,
# locked and unknown accounts, restricted methods, bodies too large, NUL
# bytes, virtual hosts without a database), then looks for every recorded
# secret, as written and as httpd would escape it, in every log under
# t/logs, and reports each one it finds with the file and line.  A
# self-check first proves the scanner finds a planted secret.
#
# What is not looked for: strings too short or common to mean anything
# (SETest::trivial_secret), and query strings of request lines in
# access_log (a client that puts a password in a URL has it logged by
# httpd, not by this module; the protocol never reads the query string).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 ();
use File::Find ();
use File::Temp ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 17;

my $logs = Apache::Test::vars('t_logs');
my $conf = Apache::Test::vars('t_conf');

############################################################################
# The configuration: our module at trace8, core not above warn.

{
    my $extra = SETest::slurp("$conf/extra.conf");
    like $extra, qr/^\s*LogLevel\s+warn\s+sessionexpire:trace8\s*$/m,
        'extra.conf: LogLevel warn sessionexpire:trace8';
    my @traced;
    for my $file (glob "$conf/*.conf") {
        for my $level (SETest::slurp($file) =~ /^\s*LogLevel\s+(.*)$/mg) {
            push @traced, "$file: LogLevel $level"
                if grep { (!/:/ || /^core:/) && /trace/ } split ' ', $level;
        }
    }
    is_deeply \@traced, [],
        "core's own LogLevel is not trace (it would log Cookie headers)";
}

############################################################################
# Traffic of our own through every path, with distinctive secrets.

my $pw = 'Zz-Leak"Check\\Pass 1';      # a quote and a backslash: escaped in logs
my $user = new_user('zzsec', $pw);
my @mine;                               # secrets this file knows it sent

sub cookie_post {
    my($u, $cookie, %pairs) = @_;
    return flat_post({ mode => 'sessionexpire', user => $u,
                       auth_method => 'cookie', %pairs },
                     headers => [ 'X-LJ-Auth' => 'cookie',
                                  Cookie => "ljsession=$cookie" ]);
}

{
    my($id, $auth) = generate_ok($user, $pw);
    push @mine, $pw, $auth;
    my($res, $p) = flat_post({ mode => 'sessiongenerate', user => $user,
                               hpassword => Digest::MD5::md5_hex($pw),
                               responseenc => 'urlenc', expiration => 'long',
                               ipfixed => 1 });
    my($auth2) = $res->content =~ /%3A([A-Za-z0-9]{10})(?:&|$)/;
    push @mine, Digest::MD5::md5_hex($pw), $auth2 // ();
    cookie_post($user, "ws:$user:$id:$auth", expire_id_99 => 1);
    cookie_post($user, "ws:$user:$id:ZzWrongAuthCode7");
    my $c = get_challenge();
    my $resp = challenge_response($c, $pw);
    flat_post({ mode => 'sessiongenerate', user => $user,
                auth_method => 'challenge', auth_challenge => $c,
                auth_response => $resp });
    push @mine, $resp;
    $c = get_challenge();
    flat_post({ mode => 'sessiongenerate', user => $user,
                auth_method => 'challenge', auth_challenge => $c,
                auth_response => challenge_response($c, 'Zz-Wrong-Chal-Pw 2') });
    # The replay of a used challenge, with the right response.
    flat_post({ mode => 'sessiongenerate', user => $user,
                auth_method => 'challenge', auth_challenge => $c,
                auth_response => challenge_response($c, $pw) });
    flat_post({ mode => 'sessionexpire', user => $user, password => $pw,
                expireall => 1 });

    # Wrong passwords up to a ban, then the right one while banned.
    my $victim = new_user('zzsec', 'Zz-Ban-Victim-Pass 4');
    for my $i (1 .. 4) {
        flat_post(ok_auth($victim, "Zz-Wrong-Pass-$i x"));
    }
    flat_post(ok_auth($victim, 'Zz-Ban-Victim-Pass 4'));
    flat_post({ mode => 'sessiongenerate', user => $victim,
                hpassword => Digest::MD5::md5_hex('Zz-Ban-Victim-Pass 4') });

    # Accounts that cannot log in, unknown ones, restricted methods.
    for my $status (qw(L S D X)) {
        my $u = new_user('zzsec', "Zz-Status-$status-Pass 5", $status);
        flat_post({ mode => 'sessiongenerate', user => $u,
                    password => "Zz-Status-$status-Pass 5" });
        flat_post(ok_auth($u, "Zz-Status-$status-Pass 5", expireall => 1));
    }
    flat_post(ok_auth('zz_nobody_here', 'Zz-NoUser-Pass 6'));
    flat_post(ok_auth($user, $pw), path => '/interface/flat-noclear');
    flat_post(ok_auth($user, 'Zz-NoLimit-Wrong 7'), path => '/interface/flat-nolimit');

    # Refused bodies.
    flat_post(ok_auth($user, $pw, pad => 'x' x 2000), path => '/interface/flat-small');
    flat_post('mode=sessionexpire&user=' . $user . '&password='
              . form_escape($pw) . '%00');
    flat_post('mode=sessionexpire&user=' . $user . '&password='
              . form_escape($pw) . '&password=Zz-Dup-Pass-8x');
    flat_post(ok_auth($user, $pw, ver => 'Zz-Ver-Not-A-Number'));

    # Virtual hosts with no database, a broken one, another secret, their
    # own SQL.
    for my $host (qw(se-nodb.invalid se-notadb.invalid se-readonly.invalid
                     se-sql.invalid se-othersecret.invalid)) {
        host_post($host, { mode => 'sessiongenerate', user => $user,
                           password => $pw });
        host_post($host, { mode => 'sessiongenerate', user => $user,
                           auth_method => 'challenge',
                           auth_challenge => get_challenge(),
                           auth_response => challenge_response('x', 'Zz-Vhost-Pw 9') });
    }
}

############################################################################
# The scanner.

sub recorded_secrets {
    my $file = SETest::secrets_file();
    open my $fh, '<:raw', $file or return ();
    my %s;
    while (my $line = <$fh>) {
        chomp $line;
        $s{$line} = 1 unless SETest::trivial_secret($line);
    }
    return sort keys %s;
}

# How httpd's logs may show a string: as it is, or escaped (ap_escape_logitem:
# \" \\ and \xhh for control characters and bytes over 0x7e).
sub variants {
    my $s = shift;
    my $esc = $s;
    $esc =~ s/(["\\])/\\$1/g;
    $esc =~ s/([^\x20-\x7e])/sprintf '\\x%02x', ord $1/ge;
    return $esc eq $s ? ($s) : ($s, $esc);
}

sub log_files {
    my $dir = shift;
    my @files;
    File::Find::find({ no_chdir => 1, wanted => sub {
        my $name = (split m{/}, $File::Find::name)[-1];
        push @files, $File::Find::name
            if -f $File::Find::name && $name =~ /log/i && $name ne 'se-secrets.txt';
    } }, $dir);
    return sort @files;
}

# Every (file, line number, secret, line) where a secret shows.
sub scan {
    my($dir, @secrets) = @_;
    my %of;             # variant => the secret
    for my $s (@secrets) {
        $of{$_} //= $s for variants($s);
    }
    return () unless %of;
    my $alt = join '|', map { quotemeta } sort { length $b <=> length $a } keys %of;
    my $re = qr/($alt)/;
    my @found;
    for my $file (log_files($dir)) {
        open my $fh, '<:raw', $file or next;
        my $access = $file =~ m{(?:^|/)access_log$};
        while (my $line = <$fh>) {
            # A URL's query string is the client's, logged by httpd.
            $line =~ s{("[A-Z]+ [^ "?]*)\?[^ "]*}{$1}g if $access;
            while ($line =~ /$re/g) {
                my $secret = $of{$1};
                (my $rel = $file) =~ s{^\Q$dir\E/?}{};
                push @found, { file => $rel, line => $., secret => $secret,
                               text => $line };
            }
        }
    }
    return @found;
}

sub show {
    my @found = @_;
    my @out;
    for my $f (@found[0 .. ($#found < 29 ? $#found : 29)]) {
        (my $text = $f->{text}) =~ s/\s+\z//;
        $text = substr($text, 0, 300) . '...' if length $text > 300;
        push @out, "$f->{file}:$f->{line}: secret '$f->{secret}' in: $text";
    }
    push @out, '... and ' . (@found - 30) . ' more' if @found > 30;
    return join "\n", @out;
}

############################################################################
# Self-check: the scanner finds what is planted, escaped or not, and does
# not look for trivial strings.

my @secrets = recorded_secrets();
{
    my %have = map { $_ => 1 } @secrets;
    cmp_ok scalar @secrets, '>=', 10, scalar(@secrets) . ' secrets recorded';
    my @missing = grep { !$have{$_} } @mine;
    is_deeply \@missing, [], 'this file\'s password, hpassword, auth codes and'
        . ' challenge response were all recorded';
    ok !$have{secret}, 'trivial strings are not looked for ("secret")';

    my $tmp = File::Temp->newdir;
    for my $f (log_files($logs)) {
        (my $rel = $f) =~ s{^\Q$logs\E/?}{};
        next if $rel =~ m{/};
        open my $in, '<:raw', $f or die "$f: $!";
        open my $out, '>:raw', "$tmp/$rel" or die "$tmp/$rel: $!";
        print $out $_ while <$in>;
        close $out;
    }
    my @before = scan("$tmp", @secrets);

    # A plain copy, a planted line, an escaped one, one in access_log
    # outside the URL, and one inside its query string (not looked at).
    open my $el, '>>:raw', "$tmp/error_log" or die $!;
    print $el "[Sun Jan 01 00:00:00 2026] [sessionexpire:trace8] [pid 1] planted: password=$pw\n";
    my($escaped) = grep { $_ ne $pw } variants($pw);
    print $el "[Sun Jan 01 00:00:00 2026] [sessionexpire:trace8] [pid 1] planted escaped: $escaped\n";
    close $el;
    open my $al, '>>:raw', "$tmp/access_log" or die $!;
    print $al qq{127.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "POST /interface/flat HTTP/1.1" 200 11 "-" "agent $mine[1]"\n};
    print $al qq{127.0.0.1 - - [01/Jan/2026:00:00:00 +0000] "GET /interface/flat?password=$mine[2] HTTP/1.1" 200 11\n};
    close $al;
    my @after = scan("$tmp", @secrets);
    # What the planting added (compared as sets of lines).
    my %old = map { ("$_->{file}\0$_->{text}" => 1) } @before;
    my @new = grep { !$old{"$_->{file}\0$_->{text}"} } @after;
    is scalar @new, 3, 'self-check: the scanner finds the 3 planted lines'
        or diag show(@new);
    ok +(grep { $_->{file} eq 'error_log' && $_->{text} =~ /planted: / && $_->{secret} eq $pw } @new),
        'self-check: the password, as written';
    ok +(grep { $_->{file} eq 'error_log' && $_->{text} =~ /planted escaped/ && $_->{secret} eq $pw } @new),
        'self-check: the password, as httpd escapes it';
    ok +(grep { $_->{file} eq 'access_log' && $_->{secret} eq $mine[1] } @new),
        'self-check: an auth code in access_log';
}

############################################################################
# The real logs.

{
    my @files = log_files($logs);
    ok +(grep { m{/error_log$} } @files), 'there is an error_log';
    my $error_log = SETest::slurp("$logs/error_log");
    like $error_log, qr/\[sessionexpire:(?:info|debug|trace\d)\]/,
        'the error_log has lines of our module (it does log)';
    my @found = scan($logs, @secrets);
    my @in_error = grep { $_->{file} eq 'error_log' } @found;
    my @in_other = grep { $_->{file} ne 'error_log' } @found;
    is scalar @in_error, 0, 'no recorded secret in error_log ('
        . scalar(@secrets) . ' secrets looked for)'
        or diag show(@in_error);
    is scalar @in_other, 0, 'no recorded secret in any other log ('
        . join(', ', map { s{^\Q$logs\E/?}{}r } @files) . ')'
        or diag show(@in_other);

    # And this file's own, one by one (they must be absent whatever the
    # recording did).
    my @own = grep { my $s = $_; grep { $_->{secret} eq $s } @found } @mine;
    is_deeply \@own, [], "none of this file's own secrets in any log";
    unlike $error_log, qr/\QZz-Wrong-Pass-\E/, 'no wrong password in error_log';
    unlike $error_log, qr/\QZz-Ban-Victim-Pass\E/, 'no banned user\'s password in error_log';
    unlike $error_log, qr/ZzWrongAuthCode7/, 'no wrong auth code in error_log';
}
