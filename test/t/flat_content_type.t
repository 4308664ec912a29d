# PROTOCOL.md 1: the body is parsed whatever Content-Type says, including
# none at all or a misspelled one (real clients send odd types).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

my @types = (
    [ 'no Content-Type at all'           => undef ],
    [ 'empty Content-Type'               => '' ],
    [ 'application/x-www-form-urlencoded' => 'application/x-www-form-urlencoded' ],
    [ 'with "; charset=UTF-8"'           => 'application/x-www-form-urlencoded; charset=UTF-8' ],
    [ 'upper case'                       => 'APPLICATION/X-WWW-FORM-URLENCODED' ],
    [ 'misspelled'                       => 'application/x-www-form-urlencode' ],
    [ 'misspelled, another way'          => 'application/www-form-urlencoded' ],
    [ 'text/plain'                       => 'text/plain' ],
    [ 'multipart/form-data'              => 'multipart/form-data; boundary=xyz' ],
    [ 'application/json'                 => 'application/json' ],
    [ 'garbage'                          => ';;; =' ],
);

plan tests => 3 * @types;

my $pw = 'Type5';

for (@types) {
    my($name, $type) = @$_;
    # A user per case: more than 3 wrong passwords for one user and IP
    # would (rightly) ban the pair.
    my $user = new_user('ctype', $pw);
    my $body = "mode=sessionexpire&user=$user&auth_method=clear&password=$pw";
    my $bad  = "mode=sessionexpire&user=$user&auth_method=clear&password=x$pw";

    my($res, $p) = flat_post($body, content_type => $type);
    is $res->code, 200, "$name: HTTP 200";
    is_deeply $p, { success => 'OK' }, "$name: body parsed, request OK"
        or diag $res->content;

    # And the password really was read from the body.
    ($res, $p) = flat_post($bad, content_type => $type);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        "$name: a wrong password in the body is seen";
}
