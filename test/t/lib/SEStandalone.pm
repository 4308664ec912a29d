# SEStandalone.pm - httpd processes of a test's own, beside the suite's:
# a scratch directory httpd's children can reach, the minimal configuration
# around a test's directives, and `httpd -t` on it.
package SEStandalone;

use strict;
use warnings FATAL => 'all';

use Exporter 'import';
use File::Temp ();
use IO::Socket::INET ();
use Apache::Test ();

our @EXPORT = qw(scratch_dir standalone_conf httpd_binary httpd_syntax
                 free_port wait_for_port wait_gone);

sub httpd_binary {
    return Apache::Test::vars('httpd') || die "no httpd";
}

sub libexecdir {
    return Apache::Test::vars('se_libexecdir') || '/usr/lib/apache2/modules';
}

# A directory removed at exit, which httpd's children can traverse.
sub scratch_dir {
    my $dir = File::Temp::tempdir('se-standalone-XXXXXX', TMPDIR => 1,
                                  CLEANUP => 1);
    chmod 0755, $dir;
    return $dir;
}

# The lines a stand-alone httpd needs around `$body`, written to
# $dir/httpd.conf; returns its path.  With `module => 1`, mod_dbd and the
# module under test are loaded first.
sub standalone_conf {
    my($dir, $body, %opt) = @_;
    my $libexec = libexecdir();
    my $port = $opt{port} // free_port();
    my $user  = $ENV{SE_RUN_USER}  || 'nobody';
    my $group = $ENV{SE_RUN_GROUP} || 'nogroup';
    my $modules = $opt{module} ? <<"LOAD" : '';
LoadModule dbd_module "$libexec/mod_dbd.so"
LoadModule sessionexpire_module "$ENV{SE_MODULE}"
LOAD
    my $conf = "$dir/httpd.conf";

    open my $fh, '>', $conf or die "$conf: $!";
    print $fh <<"HEAD", $modules, $body;
ServerRoot "$dir"
ServerName 127.0.0.1
PidFile "$dir/httpd.pid"
DefaultRuntimeDir "$dir"
ErrorLog "$dir/error_log"
Listen 127.0.0.1:$port
User $user
Group $group
LoadModule mpm_event_module "$libexec/mod_mpm_event.so"
LoadModule authz_core_module "$libexec/mod_authz_core.so"
HEAD
    close $fh or die "$conf: $!";
    return $conf;
}

# (exit code, output) of `httpd -t` on $conf, with extra -D defines.
sub httpd_syntax {
    my($conf, @defines) = @_;
    my $httpd = httpd_binary();
    my $d = join ' ', map { "-D $_" } @defines;
    my $out = `"$httpd" $d -t -f "$conf" 2>&1`;
    return ($? >> 8, $out);
}

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
    my $file = shift;
    for (1 .. 100) {
        return 1 unless -e $file;
        select undef, undef, undef, 0.1;
    }
    return 0;
}

1;
