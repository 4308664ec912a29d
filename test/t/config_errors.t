# A bad value in any of the module's directives stops httpd at start-up
# with a message naming the directive; good values are accepted.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest ();
use SEStandalone;

my $dir = scratch_dir();
my $short = "$dir/short.secret";
my $good  = "$dir/good.secret";
write_file($short, "too short\n");
write_file($good, ('ab' x 32) . "\n");

# [ directive line, defines, expected: undef = accepted, else a pattern ]
my @cases = (
    [ 'SessionExpireMaxBody 65536' ],
    [ 'SessionExpireMaxBody 0',         [], qr/SessionExpireMaxBody/ ],
    [ 'SessionExpireMaxBody 12abc',     [], qr/SessionExpireMaxBody/ ],
    [ 'SessionExpireMaxBody 99999999999', [], qr/SessionExpireMaxBody/ ],
    [ 'SessionExpireShortLifetime 12h' ],
    [ 'SessionExpireShortLifetime 0',   [], qr/SessionExpireShortLifetime/ ],
    [ 'SessionExpireLongLifetime soon', [], qr/SessionExpireLongLifetime/ ],
    [ 'SessionExpireChallengeLifetime 2mi' ],
    [ 'SessionExpireChallengeLifetime 48h', [], qr/SessionExpireChallengeLifetime/ ],
    [ 'SessionExpireAuthMethods challenge cookie' ],
    [ 'SessionExpireAuthMethods none' ],
    [ 'SessionExpireAuthMethods clear kerberos', [], qr/SessionExpireAuthMethods.*kerberos/ ],
    [ 'SessionExpireLoginLimit off' ],
    [ 'SessionExpireLoginLimit 5 10mi 1h' ],
    [ 'SessionExpireLoginLimit 0',      [], qr/SessionExpireLoginLimit/ ],
    [ 'SessionExpireLoginLimit 3 never', [], qr/SessionExpireLoginLimit/ ],
    [ "SessionExpireChallengeSecretFile $good" ],
    [ "SessionExpireChallengeSecretFile $short", [], qr/SessionExpireChallengeSecretFile.*at least 32/ ],
    [ "SessionExpireChallengeSecretFile $dir/missing", [], qr/SessionExpireChallengeSecretFile.*cannot read/ ],
    [ 'SessionExpireSQL UserLookup "SELECT userid, password_md5, status FROM se_users WHERE username = %s"' ],
    [ 'SessionExpireSQL NoSuchStatement "SELECT 1"', [], qr/SessionExpireSQL.*unknown statement/ ],
    [ 'SessionExpireSQL UserLookup "SELECT 1"', [], qr/exactly 1 parameter/ ],
    # The test clock needs both switches.
    [ "SessionExpireTestClockFile $dir/clock", [], qr/SESSIONEXPIRE_TESTING/ ],
    [ "SessionExpireTestClockFile $dir/clock", ['SESSIONEXPIRE_TESTING'] ],
);

plan tests => 2 * @cases + 2;

for my $case (@cases) {
    my($line, $defines, $error) = @$case;
    my $conf = standalone_conf($dir, "$line\n", module => 1);
    my($rc, $out) = httpd_syntax($conf, @{ $defines // [] });
    if (defined $error) {
        isnt $rc, 0, "refused: $line";
        like $out, $error, "  ... saying why" or diag $out;
    }
    else {
        is $rc, 0, "accepted: $line" or diag $out;
        like $out, qr/Syntax OK/, '  ... Syntax OK';
    }
}

# Without mod_dbd, httpd refuses to start and says what to load.
my $conf = standalone_conf($dir,
    qq{LoadModule sessionexpire_module "$ENV{SE_MODULE}"\n});
my $httpd = httpd_binary();
my $out = `"$httpd" -f "$conf" -k start 2>&1`;
my $started = wait_for_file("$dir/httpd.pid");
system($httpd, '-f', $conf, '-k', 'stop') if $started;
ok !$started, 'without mod_dbd httpd does not start';
like SETest::slurp("$dir/error_log") . $out, qr/needs mod_dbd/,
    'and logs that mod_sessionexpire needs mod_dbd';

sub write_file {
    my($file, $text) = @_;
    open my $fh, '>', $file or die "$file: $!";
    print $fh $text;
    close $fh or die;
}

# httpd writes its pid file once it runs; give it a second.
sub wait_for_file {
    my $file = shift;
    for (1 .. 10) {
        return 1 if -e $file;
        select undef, undef, undef, 0.1;
    }
    return 0;
}
