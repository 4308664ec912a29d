# PROTOCOL.md 1, the response: HTTP 200; Content-Type text/plain;
# charset=UTF-8; Cache-Control no-store; an exact Content-Length; pairs
# "key\nvalue\n" sorted by key (bytewise), CR and LF removed, no other bytes;
# responseenc=urlenc gives "key=value&" pairs, percent-encoded; success is
# OK or FAIL and errmsg is present exactly when success is FAIL.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;

plan tests => 66;

my $pw = 'Fmt4';
my $user = new_user('fmt', $pw);

# The checks every flat response must pass (7 tests).
sub check_response {
    my($res, $name, %opts) = @_;
    my $body = $res->content;
    is $res->code, 200, "$name: HTTP 200";
    is $res->header('Content-Type'), 'text/plain; charset=UTF-8',
        "$name: Content-Type";
    is $res->header('Cache-Control'), 'no-store', "$name: Cache-Control";
    is $res->header('Content-Length'), length $body,
        "$name: Content-Length is the body's length";

    my $p = $opts{urlenc} ? parse_urlenc($body) : parse_flat($body);
    ok $p, "$name: well-formed body" or diag "$SETest::parse_error: $body";
    my @keys;
    if ($opts{urlenc}) {
        @keys = map { SETest::url_unescape((split /=/)[0]) } split /&/, $body;
    }
    else {
        my @lines = split /\n/, $body;
        @keys = @lines[grep { $_ % 2 == 0 } 0 .. $#lines];
    }
    $p ||= {};
    is_deeply \@keys, [ sort @keys ], "$name: keys in bytewise order";
    ok +($p->{success} // '') eq 'OK' && !exists $p->{errmsg}
        || ($p->{success} // '') eq 'FAIL' && length($p->{errmsg} // ''),
        "$name: success OK without errmsg, or FAIL with one";
    return $p;
}

# sessiongenerate: two pairs, ljsession before success.
{
    my($res) = flat_post({ mode => 'sessiongenerate', user => $user,
                           auth_method => 'clear', password => $pw });
    check_response($res, 'sessiongenerate');
    like $res->content,
        qr/\Aljsession\nws:\Q$user\E:\d+:[A-Za-z0-9]{10}\nsuccess\nOK\n\z/,
        'sessiongenerate: exactly ljsession, then success';
}

# sessionexpire: one pair.
{
    my($res) = flat_post(ok_auth($user, $pw));
    check_response($res, 'sessionexpire');
    is $res->content, "success\nOK\n", 'sessionexpire: exactly success OK';
}

# A failure: errmsg before success.
{
    my($res) = flat_post(ok_auth($user, "x$pw"));
    check_response($res, 'wrong password');
    is $res->content, "errmsg\nInvalid password\nsuccess\nFAIL\n",
        'wrong password: exactly errmsg, then success';
}

# CR and LF never split the response.
for my $mode ('foo%0D%0Abar', 'foo%0Abar', 'foo%0Dbar', '%0D%0Afoo%0A%0Dbar%0A') {
    my($res) = flat_post("mode=$mode&user=$user&auth_method=clear"
                         . "&password=$pw");
    is $res->content,
        "errmsg\nClient error: Unknown mode (foobar)\nsuccess\nFAIL\n",
        "mode=$mode: CR and LF removed from the errmsg";
}
{
    my($res) = flat_post("mode=%0D%0A&user=$user&auth_method=clear"
                         . "&password=$pw");
    check_response($res, 'mode of CR LF only');
    is $res->content, "errmsg\nClient error: Unknown mode ()\nsuccess\nFAIL\n",
        'mode=%0D%0A: Unknown mode ()';
}

# responseenc=urlenc.
{
    my($res) = flat_post({ mode => 'sessiongenerate', user => $user,
                           auth_method => 'clear', password => $pw,
                           responseenc => 'urlenc' });
    my $p = check_response($res, 'urlenc sessiongenerate', urlenc => 1);
    like $p->{ljsession} // '', qr/\Aws:\Q$user\E:\d+:[A-Za-z0-9]{10}\z/,
        'urlenc sessiongenerate: ljsession decodes to ws:user:id:auth';
    like $res->content, qr/\Aljsession=[^&]+&success=OK&\z/,
        'urlenc sessiongenerate: ljsession=...&success=OK&';

    ($res) = flat_post(ok_auth($user, "x$pw", responseenc => 'urlenc'));
    $p = check_response($res, 'urlenc failure', urlenc => 1);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'urlenc failure: decodes to errmsg and success';
    like $res->content, qr/\Aerrmsg=Invalid(?:\+|%20)password&success=FAIL&\z/,
        'urlenc failure: the space is encoded';

    ($res) = flat_post("mode=a%26b%3Dc%0D%0A%25&user=$user&responseenc=urlenc");
    $p = check_response($res, 'urlenc unknown mode with & = %', urlenc => 1);
    is $p->{errmsg}, 'Client error: Unknown mode (a&b=c%)',
        'urlenc: & = % in a value are encoded, CR LF removed';
    unlike $res->content, qr/[\s\0]/, 'urlenc: no raw whitespace in the body';

    ($res) = flat_post(ok_auth($user, $pw, responseenc => 'foo'));
    is $res->content, "success\nOK\n", 'responseenc=foo: the plain format';
}

# Exact Content-Length in practice: two requests on one kept-alive
# connection are both answered, each body exactly as long as announced.
{
    my $b1 = SETest::form_encode(ok_auth($user, $pw));
    my $b2 = SETest::form_encode(ok_auth($user, "x$pw"));
    my $hp = server_hostport();
    my(undef, undef, undef, $raw) = raw_request(
        "POST /interface/flat HTTP/1.1\r\nHost: $hp\r\n"
        . "Content-Length: " . length($b1) . "\r\n\r\n$b1"
        . "POST /interface/flat HTTP/1.1\r\nHost: $hp\r\nConnection: close\r\n"
        . "Content-Length: " . length($b2) . "\r\n\r\n$b2");
    my @bodies;
    while ($raw =~ s{\AHTTP/1\.1 (\d{3})[^\r\n]*\r\n((?:[^\r\n]+\r\n)*)\r\n}{}) {
        my($len) = $2 =~ /^Content-Length: (\d+)\r$/mi;
        last unless defined $len;
        push @bodies, substr $raw, 0, $len, '';
    }
    is_deeply \@bodies, [ "success\nOK\n", "errmsg\nInvalid password\nsuccess\nFAIL\n" ],
        'keep-alive: two responses, Content-Length exact';
    is $raw, '', 'keep-alive: nothing after them';
}
