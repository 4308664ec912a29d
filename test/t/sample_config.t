# httpd.conf.sample works: pointed at this build and a scratch database,
# httpd accepts it, starts, and serves the flat endpoint at both of its
# URLs.  A separate httpd from the suite's own, on a port of its own,
# stopped before the test ends.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use LWP::UserAgent ();
use SETest;
use SEStandalone;

my $src = $ENV{SE_SOURCE_DIR} or die "SE_SOURCE_DIR is not set";
my $admin = $ENV{SE_ADMIN} or die "SE_ADMIN is not set";
my $libexec = Apache::Test::vars('se_libexecdir') || '/usr/lib/apache2/modules';

plan tests => 8;

my $dir = scratch_dir();
my $db = "$dir/sessions.db";
system($admin, '-p', $db, 'init') == 0 or die "init failed";
open my $pipe, '|-', $admin, '-p', $db, 'useradd', 'sample' or die;
print $pipe "Sample-Pw9\n";
close $pipe or die "useradd failed";
my($uid, $gid) = (getpwnam($ENV{SE_RUN_USER} || 'nobody'))[2, 3];
chown $uid, $gid, $dir, glob "$dir/sessions.db*";

# What a site would change: where the module and the database are.
my $text = SETest::slurp("$src/httpd.conf.sample");
my $n = ($text =~ s{/usr/lib/apache2/modules/mod_sessionexpire\.so}{$ENV{SE_MODULE}}g)
      + ($text =~ s{/usr/lib/apache2/modules/mod_dbd\.so}{$libexec/mod_dbd.so}g)
      + ($text =~ s{/var/lib/sessionexpire/sessions\.db}{$db}g);
ok $n >= 3, "the sample names the module, mod_dbd and the database ($n places)";

my $port = free_port();
my $conf = standalone_conf($dir, $text, port => $port);
my($rc, $syntax) = httpd_syntax($conf);
is $rc, 0, 'httpd -t accepts the sample' or diag $syntax;
like $syntax, qr/Syntax OK/, 'Syntax OK';

my $httpd = httpd_binary();
system($httpd, '-f', $conf, '-k', 'start') == 0 or die "httpd did not start";
ok wait_for_port($port), "the sample's httpd listens on 127.0.0.1:$port";

my $ua = LWP::UserAgent->new(timeout => 10);
for my $path ('/interface/flat', '/cgi-bin/log.cgi') {
    my $res = $ua->post("http://127.0.0.1:$port$path",
        Content => 'mode=sessiongenerate&user=sample&password=Sample-Pw9');
    is parse_flat($res->content)->{success}, 'OK',
        "$path: sessiongenerate works"
        or diag $res->status_line, "\n", $res->content;
}
my $res = $ua->post("http://127.0.0.1:$port/interface/flat",
    Content => 'mode=getchallenge');
like parse_flat($res->content)->{challenge} // '', qr/^c0:/,
    'getchallenge works (random secret: none configured in the sample)';

system($httpd, '-f', $conf, '-k', 'stop');
ok wait_gone("$dir/httpd.pid"), "the sample's httpd stopped";
