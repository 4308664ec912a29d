# httpd.conf.sample works: pointed at this build and a scratch database,
# httpd accepts it, starts, and serves the flat endpoint at both of its
# URLs.  A separate httpd from the suite's own, on a port of its own,
# stopped before the test ends.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use Apache::TestConfig ();
use File::Temp ();
use IO::Socket::INET ();
use LWP::UserAgent ();
use SETest;

my $src = $ENV{SE_SOURCE_DIR} or die "SE_SOURCE_DIR is not set";
my $sample = "$src/httpd.conf.sample";
my $httpd = Apache::Test::vars('httpd') or die "no httpd";
my $libexec = Apache::Test::vars('se_libexecdir') || '/usr/lib/apache2/modules';
my $run_user  = $ENV{SE_RUN_USER}  || 'nobody';
my $run_group = $ENV{SE_RUN_GROUP} || 'nogroup';

plan tests => 8;

# A scratch directory httpd's children can reach: database and logs.
my $dir = File::Temp::tempdir('se-sample-XXXXXX', TMPDIR => 1, CLEANUP => 1);
chmod 0755, $dir;
my $db = "$dir/sessions.db";
my $admin = $ENV{SE_ADMIN} or die "SE_ADMIN is not set";
system($admin, '-p', $db, 'init') == 0 or die "init failed";
open my $pipe, '|-', $admin, '-p', $db, 'useradd', 'sample' or die;
print $pipe "Sample-Pw9\n";
close $pipe or die "useradd failed";
my($uid, $gid) = (getpwnam $run_user)[2, 3];
chown $uid, $gid, $dir, glob "$dir/sessions.db*";

my $port = free_port();
my $conf = "$dir/httpd.conf";
my $text = SETest::slurp($sample);
# What a site would change: where the module and the database are.
my $n = ($text =~ s{/usr/lib/apache2/modules/mod_sessionexpire\.so}{$ENV{SE_MODULE}}g)
      + ($text =~ s{/usr/lib/apache2/modules/mod_dbd\.so}{$libexec/mod_dbd.so}g)
      + ($text =~ s{/var/lib/sessionexpire/sessions\.db}{$db}g);
ok $n >= 3, "the sample names the module, mod_dbd and the database ($n places)";

open my $fh, '>', $conf or die "$conf: $!";
print $fh <<"HEAD", $text;
# The minimum around the sample that a stand-alone httpd needs.
ServerRoot "$dir"
ServerName 127.0.0.1
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
ErrorLog "$dir/error_log"
Listen 127.0.0.1:$port
User $run_user
Group $run_group
LoadModule mpm_event_module "$libexec/mod_mpm_event.so"
LoadModule authz_core_module "$libexec/mod_authz_core.so"
HEAD
close $fh or die;

my $syntax = `"$httpd" -t -f "$conf" 2>&1`;
is $?, 0, 'httpd -t accepts the sample' or diag $syntax;
like $syntax, qr/Syntax OK/, 'Syntax OK';

system($httpd, '-f', $conf, '-k', 'start') == 0 or die "httpd did not start";
my $up = wait_for_port($port);
ok $up, "the sample's httpd listens on 127.0.0.1:$port";

my $ua = LWP::UserAgent->new(timeout => 10);
for my $path ('/interface/flat', '/cgi-bin/log.cgi') {
    my $res = $ua->post("http://127.0.0.1:$port$path",
        Content => 'mode=sessiongenerate&user=sample&password=Sample-Pw9');
    my $p = parse_flat($res->content);
    is $p->{success}, 'OK', "$path: sessiongenerate works"
        or diag $res->status_line, "\n", $res->content;
}
my $res = $ua->post("http://127.0.0.1:$port/interface/flat",
    Content => 'mode=getchallenge');
like parse_flat($res->content)->{challenge} // '', qr/^c0:/,
    'getchallenge works (random secret: none configured in the sample)';

system($httpd, '-f', $conf, '-k', 'stop');
ok wait_gone("$dir/httpd.pid"), "the sample's httpd stopped";

sub free_port {
    my $s = IO::Socket::INET->new(LocalAddr => '127.0.0.1', LocalPort => 0,
                                  Listen => 1) or die "no port: $!";
    my $p = $s->sockport;
    close $s;
    return $p;
}

sub wait_for_port {
    my $p = shift;
    for (1 .. 100) {
        return 1 if IO::Socket::INET->new(PeerAddr => "127.0.0.1:$p");
        select undef, undef, undef, 0.1;
    }
    return 0;
}

sub wait_gone {
    my $pidfile = shift;
    for (1 .. 100) {
        return 1 unless -e $pidfile;
        select undef, undef, undef, 0.1;
    }
    return 0;
}
