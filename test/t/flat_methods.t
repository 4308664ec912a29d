# PROTOCOL.md 1: the query string is never read for parameters; a GET (and
# so a HEAD) is answered as a request with no mode; methods other than
# GET/HEAD/POST get 405.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 30;

my $pw = 'Meth3';
my $user = new_user('meth', $pw);
my $query = "mode=sessionexpire&user=$user&auth_method=clear&password=$pw";
my $no_mode = { success => 'FAIL', errmsg => 'Client error: No mode specified.' };

sub request {
    my($method, $target, $extra, $body) = @_;
    return raw_request("$method $target HTTP/1.1\r\n"
                       . "Host: " . server_hostport() . "\r\n"
                       . "Connection: close\r\n" . ($extra // '') . "\r\n"
                       . ($body // ''));
}

# GET, without and with a query string carrying a whole valid request.
my $get_len;
for my $target ('/interface/flat', "/interface/flat?$query") {
    my($status, $h, $body) = request('GET', $target);
    my $what = $target =~ /\?/ ? 'GET with a query string' : 'GET';
    is $status, 200, "$what: HTTP 200";
    is_deeply parse_flat($body), $no_mode, "$what: No mode specified."
        or diag $body;
    is $h->{'content-type'}, 'text/plain; charset=UTF-8',
        "$what: text/plain; charset=UTF-8";
    is $h->{'content-length'}, length $body, "$what: exact Content-Length";
    $get_len = length $body;
}

# HEAD: the same headers, no body.
for my $target ('/interface/flat', "/interface/flat?$query") {
    my($status, $h, $body) = request('HEAD', $target);
    my $what = $target =~ /\?/ ? 'HEAD with a query string' : 'HEAD';
    is $status, 200, "$what: HTTP 200";
    is $body, '', "$what: no body";
    is $h->{'content-type'}, 'text/plain; charset=UTF-8',
        "$what: text/plain; charset=UTF-8";
    ok !defined $h->{'content-length'} || $h->{'content-length'} == $get_len,
        "$what: Content-Length, if any, is the GET body's length";
}

# POST: the query string is ignored, the body counts.
{
    my($res, $p) = flat_post('', path => "/interface/flat?$query");
    is_deeply $p, $no_mode, 'POST with an empty body and a full query string:'
        . ' No mode specified.';

    ($res, $p) = flat_post("mode=sessionexpire",
                           path => "/interface/flat?user=$user&password=$pw");
    is_deeply $p, { success => 'FAIL',
                    errmsg => 'Client error: No username sent.' },
        'POST: user in the query string is not read';

    ($res, $p) = flat_post("mode=sessionexpire&user=$user&auth_method=clear",
                           path => "/interface/flat?password=$pw");
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'POST: password in the query string is not read';

    ($res, $p) = flat_post($query, path => '/interface/flat?mode=bogus');
    is_deeply $p, { success => 'OK' },
        'POST: the body wins over a query string saying otherwise';
}

# Other methods: 405.
for my $method (qw(PUT DELETE OPTIONS PATCH)) {
    my($status, $h, $body) = request($method, '/interface/flat',
        "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: " . length($query) . "\r\n", $query);
    is $status, 405, "$method: HTTP 405";
    # HTTP (RFC 9110 15.5.6) wants an Allow header with a 405.
    my %allow = map { $_ => 1 } split /\s*,\s*/, $h->{allow} // '';
    ok $allow{GET} && $allow{HEAD} && $allow{POST},
        "$method: Allow names GET, HEAD and POST (" . ($h->{allow} // "") . ")";
}
{
    my($res) = flat_post($query, method => 'PUT');
    is $res->code, 405, 'PUT with a valid flat body: HTTP 405';
    my($status, $h) = request('DELETE', "/interface/flat?$query");
    is $status, 405, 'DELETE with a query string: HTTP 405';
}
