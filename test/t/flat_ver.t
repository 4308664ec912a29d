# PROTOCOL.md 1: ver is optional (default 0); any non-negative integer is
# accepted (above 1 answered as 1); anything else is
# "Client error: Invalid argument(s)".  No text differs between versions.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

# Raw (already form-encoded) values of ver; undef: no ver at all.
my @good = (undef, '0', '1', '2', '007', '999999999999999999999',
            '99999999999999999999999999999999999999999999999999');
my @bad  = ('-1', '1.5', 'abc', '%201', '1%20', '+1', '%2B1', '0x1', '1e3',
            '1%00', '%EF%BC%91', '-0');

plan tests => 2 * @good + 2 * @bad + 2;

my $pw = 'Ver8';
my $user = new_user('ver', $pw);
my $auth = "mode=sessionexpire&user=$user&auth_method=clear&password=$pw";

for my $ver (@good) {
    my $name = defined $ver ? "ver=$ver" : 'no ver';
    my($res, $p) = flat_post(defined $ver ? "$auth&ver=$ver" : $auth);
    is $res->code, 200, "$name: HTTP 200";
    is_deeply $p, { success => 'OK' }, "$name: accepted" or diag $res->content;
}

for my $ver (@bad) {
    my($res, $p) = flat_post("$auth&ver=$ver");
    is $p && $p->{success}, 'FAIL', "ver=$ver: success FAIL";
    like $p && $p->{errmsg} // '', qr/^\QClient error: Invalid argument(s)\E(?:: .*)?\z/,
        "ver=$ver: Client error: Invalid argument(s)";
}

# The same failure reads the same in every version.
{
    my @bodies = map { (flat_post("mode=sessionexpire&user=$user"
                                  . "&password=x$pw&ver=$_"))[0]->content }
                 0, 1, 2;
    is $bodies[1], $bodies[0], 'ver=1 answers like ver=0';
    is $bodies[2], $bodies[1], 'ver=2 answers like ver=1';
}
