# PROTOCOL.md 2, auth_method=challenge: "Under any concurrency ... one
# challenge authenticates at most one request."  One challenge with the
# right response, sent at the same moment on 20 connections of their own
# (forked clients, each connected first, then all released together by
# closing a pipe they wait on): exactly one success OK, 19 "Invalid
# password", exactly one new session.  The losers are replays, not wrong
# passwords: the account is not banned afterwards.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use IO::Handle ();
use IO::Select ();
use IO::Socket::INET ();
use POSIX ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

my $CLIENTS = 20;
my $ROUNDS  = 3;

plan tests => $ROUNDS * 5 + 2;

my $pw = 'Race Pass 1';

# Forks $CLIENTS clients that each connect, wait for the barrier, send
# $request and report "<n> <status> <success> <errmsg>" on one line.
# Returns those lines.
sub race {
    my $request = shift;

    pipe my $gate_r, my $gate_w or die "pipe: $!";
    pipe my $ready_r, my $ready_w or die "pipe: $!";
    pipe my $res_r, my $res_w or die "pipe: $!";
    $res_w->autoflush(1);
    $ready_w->autoflush(1);

    my @pids;
    for my $n (1 .. $CLIENTS) {
        my $pid = fork // die "fork: $!";
        if ($pid == 0) {
            my $line = "$n ERROR";
            eval {
                close $gate_w;
                close $ready_r;
                close $res_r;
                my $sock = IO::Socket::INET->new(
                    PeerAddr => server_hostport(), Proto => 'tcp',
                    Timeout => 30) or die "connect: $!";
                binmode $sock;
                syswrite $ready_w, "r";
                # Blocks until the parent closes the write end.
                my $buf;
                sysread $gate_r, $buf, 1;
                my $off = 0;
                while ($off < length $request) {
                    my $w = syswrite $sock, $request, length($request) - $off,
                                     $off;
                    die "write: $!" unless defined $w;
                    $off += $w;
                }
                my $raw = '';
                my $sel = IO::Select->new($sock);
                while (1) {
                    die "read timed out" unless $sel->can_read(60);
                    my $r = sysread $sock, $raw, 65536, length $raw;
                    last if !defined $r || $r == 0;
                }
                my($status) = $raw =~ m{\AHTTP/1\.\d (\d{3})};
                my(undef, $body) = split /\r\n\r\n/, $raw, 2;
                my $p = parse_flat($body) || {};
                $line = join ' ', $n, $status // 0, $p->{success} // '-',
                                  $p->{errmsg} // '';
            };
            $line = "$n ERROR $@" if $@;
            $line =~ s/\n/ /g;
            syswrite $res_w, "$line\n";
            # No END blocks, no Test::More summary in the child.
            POSIX::_exit(0);
        }
        push @pids, $pid;
    }
    close $gate_r;
    close $ready_w;
    close $res_w;

    # Every client connected: then open the gate for all of them at once.
    my $ready = 0;
    while ($ready < $CLIENTS) {
        my $buf;
        my $r = sysread $ready_r, $buf, $CLIENTS;
        last unless $r;
        $ready += $r;
    }
    close $gate_w;

    my @lines;
    while (my $line = <$res_r>) {
        chomp $line;
        push @lines, $line;
    }
    waitpid $_, 0 for @pids;
    return ($ready, @lines);
}

my $user = new_user('race', $pw);
my $sessions = 0;

for my $round (1 .. $ROUNDS) {
    my $chal = get_challenge();
    my $body = form_encode({ mode => 'sessiongenerate', user => $user,
                             auth_method => 'challenge',
                             auth_challenge => $chal,
                             auth_response => challenge_response($chal, $pw) });
    my $request = "POST /interface/flat HTTP/1.1\r\n"
                . "Host: " . server_hostport() . "\r\n"
                . "Connection: close\r\n"
                . "Content-Type: application/x-www-form-urlencoded\r\n"
                . "Content-Length: " . length($body) . "\r\n\r\n" . $body;

    my($ready, @lines) = race($request);
    is $ready, $CLIENTS, "round $round: $CLIENTS clients connected before the gate opened";
    is scalar(@lines), $CLIENTS, "round $round: $CLIENTS answers";
    my @ok   = grep { /\A\d+ 200 OK \z/ } @lines;
    my @fail = grep { /\A\d+ 200 FAIL Invalid password\z/ } @lines;
    is scalar(@ok), 1, "round $round: exactly one success OK"
        or diag join "\n", @lines;
    is scalar(@fail), $CLIENTS - 1,
        "round $round: " . ($CLIENTS - 1) . " Invalid password"
        or diag join "\n", @lines;
    $sessions++;
    is scalar(session_ids($user)), $sessions,
        "round $round: exactly one new session";
}

# The losers were not counted as failed logins.
my(undef, $p) = flat_post(ok_auth($user, $pw));
is_deeply $p, { success => 'OK' }, 'the account is not banned afterwards';
my $n = sql('SELECT COUNT(*) FROM se_login_failures WHERE username = '
            . sql_quote($user));
chomp $n;
is $n, 0, 'no failed logins recorded';
