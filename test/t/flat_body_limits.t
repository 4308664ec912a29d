# PROTOCOL.md 1: the body is capped (default 64 KiB; SessionExpireMaxBody).
# Over the cap: HTTP 413 with a flat body, success FAIL and an errmsg that
# says why.  Exactly at the cap is fine.  Chunked bodies work too.
# /interface/flat has the default cap, /interface/flat-small 1024 bytes
# (t/conf/extra.conf.in).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 40;

my $DEFAULT_CAP = 65536;
my $SMALL_CAP   = 1024;
my $SMALL       = '/interface/flat-small';

my $pw = 'Limit7';
my $user = new_user('lim', $pw);
my $auth = "mode=sessionexpire&user=$user&auth_method=clear&password=$pw";

# A valid request padded to exactly $len bytes.
sub body_of {
    my $len = shift;
    my $pad = $len - length($auth) - length('&pad=');
    die "body_of($len): too short" if $pad < 0;
    return "$auth&pad=" . ('x' x $pad);
}

sub expect_ok {
    my($name, $len, %opts) = @_;
    my($res, $p) = flat_post(body_of($len), %opts);
    is $res->code, 200, "$name: HTTP 200";
    is_deeply $p, { success => 'OK' }, "$name: success OK"
        or diag substr $res->content, 0, 200;
}

sub expect_413 {
    my($name, $len, $cap, %opts) = @_;
    my($res, $p) = flat_post(body_of($len), %opts);
    is $res->code, 413, "$name: HTTP 413";
    is $res->header('Content-Type'), 'text/plain; charset=UTF-8',
        "$name: a flat (text/plain) body";
    is $p && $p->{success}, 'FAIL', "$name: success FAIL";
    like $p && $p->{errmsg} // '', qr/large|big|limit|exceed/i,
        "$name: the errmsg says the body is too large"
        or diag $res->content;
}

expect_ok('default cap, body of exactly 65536 bytes', $DEFAULT_CAP);
expect_413('default cap, body of 65537 bytes', $DEFAULT_CAP + 1, $DEFAULT_CAP);
expect_ok('1024-byte cap, body of exactly 1024 bytes', $SMALL_CAP,
          path => $SMALL);
expect_413('1024-byte cap, body of 1025 bytes', $SMALL_CAP + 1, $SMALL_CAP,
           path => $SMALL);

# The message gives the limit that applied.
{
    my($res, $p) = flat_post(body_of($SMALL_CAP + 1), path => $SMALL);
    like $p->{errmsg} // '', qr/\b1024\b/, 'the errmsg gives the limit (1024)';
}

# Chunked bodies.
expect_ok('chunked body (chunks of 7 bytes)', 300, chunked => [7]);
expect_ok('chunked body of exactly 1024 bytes, 1024-byte cap', $SMALL_CAP,
          path => $SMALL, chunked => [100]);
expect_413('chunked body of 1025 bytes, 1024-byte cap', $SMALL_CAP + 1,
           $SMALL_CAP, path => $SMALL, chunked => [100]);
expect_413('chunked body of 1025 bytes in one chunk, 1024-byte cap',
           $SMALL_CAP + 1, $SMALL_CAP, path => $SMALL,
           chunked => [$SMALL_CAP + 1]);
expect_ok('chunked body of exactly 65536 bytes, default cap', $DEFAULT_CAP,
          chunked => [4096]);
expect_413('chunked body of 65537 bytes, default cap', $DEFAULT_CAP + 1,
           $DEFAULT_CAP, chunked => [4096]);

# A Content-Length over the cap is refused at once, before any body byte
# is sent: one under httpd's own LimitRequestBody (1 GiB by default), one
# over it.
for my $cl ('100000000', '1000000000000') {
    local $SETest::IO_TIMEOUT = 10;
    my($status, $headers, $body) = raw_request(
        "POST $SMALL HTTP/1.1\r\nHost: " . server_hostport() . "\r\n"
        . "Connection: close\r\n"
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: $cl\r\n\r\n");
    is $status, 413, "Content-Length: $cl with no body sent: HTTP 413";
    my $p = parse_flat($body);
    like $p && $p->{errmsg} // '', qr/large|big|limit|exceed/i,
        "Content-Length: $cl: the errmsg says the body is too large"
        or diag $body;
}

# Expect: 100-continue (curl sends it for bodies over 1 KiB).
{
    my $body = body_of(2000);
    my($status, $h, $rbody) = raw_request(
        "POST /interface/flat HTTP/1.1\r\nHost: " . server_hostport() . "\r\n"
        . "Connection: close\r\nExpect: 100-continue\r\n"
        . "Content-Type: application/x-www-form-urlencoded\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n$body");
    is $status, 200, 'Expect: 100-continue: HTTP 200';
    is_deeply parse_flat($rbody), { success => 'OK' },
        'Expect: 100-continue: success OK';

    $body = body_of($SMALL_CAP + 1);
    ($status, $h, $rbody) = raw_request(
        "POST $SMALL HTTP/1.1\r\nHost: " . server_hostport() . "\r\n"
        . "Connection: close\r\nExpect: 100-continue\r\n"
        . "Content-Length: " . length($body) . "\r\n\r\n$body");
    is $status, 413, 'Expect: 100-continue, over the cap: HTTP 413';
}

# The server is still fine afterwards.
expect_ok('a normal request after all that', 200);
