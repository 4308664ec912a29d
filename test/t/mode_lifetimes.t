# PROTOCOL.md 2, sessiongenerate: both lifetimes are directives.
# /interface/flat-lifetimes (t/conf/extra.last.conf.in) sets
# SessionExpireShortLifetime 60 and SessionExpireLongLifetime 2h; the
# default endpoint keeps 86400 / 2592000.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 20;

use constant SLACK => 2;
my $pw = 'Life pw';
my $path = '/interface/flat-lifetimes';

sub check {
    my($name, $user, $lifetime, $type, %more) = @_;
    my $t0 = time;
    my($res, $p) = generate($user, $pw, %more);
    my $t1 = time;
    is_deeply [sort keys %{ $p || {} }], [qw(ljsession success)],
        "$name: ljsession and success" or diag $res->content;
    my($id) = ($p && $p->{ljsession} // '') =~ /^ws:\Q$user\E:(\d+):[A-Za-z0-9]{10}\z/;
    ok defined $id, "$name: session created" or return;
    my($s) = grep { $_->{id} eq $id } sessions_of($user);
    is $s && $s->{type}, $type, "$name: type $type";
    ok $s && $s->{expiry} >= $t0 + $lifetime - SLACK
          && $s->{expiry} <= $t1 + $lifetime + SLACK,
        "$name: expires at now + $lifetime"
        or diag "expiry " . ($s ? $s->{expiry} : '?') . ", asked at $t0..$t1";
}

my $user = new_user('life', $pw);
check('short, 60 s', $user, 60, 'short', path => $path);
check('long, 2h', $user, 7200, 'long', path => $path, expiration => 'long');
check('other expiration value: short, 60 s', $user, 60, 'short',
      path => $path, expiration => 'forever');
check('default endpoint: short, 86400 s', $user, 86400, 'short');
check('default endpoint: long, 2592000 s', $user, 2592000, 'long',
      expiration => 'long');
