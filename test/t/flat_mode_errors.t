# PROTOCOL.md 2, dispatch order: missing or empty mode -> "Client error: No
# mode specified."; every mode but getchallenge needs a valid user name
# (else "Client error: No username sent."); an unknown mode -> "Client
# error: Unknown mode (<mode>)".
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 17;

my $pw = 'Mode6';
my $user = new_user('mode', $pw);

my %no_mode = (success => 'FAIL', errmsg => 'Client error: No mode specified.');
my %no_user = (success => 'FAIL', errmsg => 'Client error: No username sent.');
sub unknown { +{ success => 'FAIL', errmsg => "Client error: Unknown mode ($_[0])" } }

sub expect {
    my($body, $want, $name) = @_;
    my($res, $p) = flat_post($body);
    is_deeply $p, $want, $name or diag $res->content;
}

# No mode.
expect('', \%no_mode, 'empty body');
expect("user=$user&auth_method=clear&password=$pw", \%no_mode,
       'no mode key, valid user and password');
expect("mode=&user=$user&auth_method=clear&password=$pw", \%no_mode,
       'empty mode');
expect('mode', \%no_mode, '"mode" without "="');
expect('mode=', \%no_mode, 'empty mode, nothing else');

# A mode but no valid user name.
expect('mode=sessionexpire', \%no_user, 'sessionexpire without user');
expect('mode=sessionexpire&user=', \%no_user, 'sessionexpire, empty user');
expect('mode=sessionexpire&user=a.b&password=x', \%no_user,
       'user name with a "."');
expect('mode=sessionexpire&user=' . ('a' x 26), \%no_user,
       'user name of 26 characters');
expect('mode=bogus', \%no_user, 'unknown mode without user');
expect('mode=bogus&user=bad%20name', \%no_user,
       'unknown mode with an invalid user name');

# Unknown modes with a valid user name.
expect("mode=bogus&user=$user&auth_method=clear&password=$pw", unknown('bogus'),
       'unknown mode, valid user and password');
expect("mode=bogus&user=$user", unknown('bogus'),
       'unknown mode, valid user, no password');
expect("mode=bogus&user=nosuchuser9", unknown('bogus'),
       'unknown mode, a well-formed user name that does not exist');
expect("mode=SessionExpire&user=$user&password=$pw",
       unknown('SessionExpire'), 'modes are case-sensitive');
expect("mode=a%28b%29+c&user=$user", unknown('a(b) c'),
       'the unknown mode is repeated decoded');

# A user name that canonicalises (case, "-" to "_") is a valid one.
{
    (my $variant = uc $user) =~ s/_/-/g;
    expect("mode=sessionexpire&user=$variant&auth_method=clear&password=$pw",
           { success => 'OK' }, 'user name in upper case with "-" for "_"');
}
