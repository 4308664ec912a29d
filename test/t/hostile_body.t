# Hostile request bodies (issue 5, item 3): truncated bodies (a
# Content-Length larger than what is sent, then a close, or a stall),
# Content-Lengths httpd must refuse, oversized bodies, bodies sent slowly,
# malformed escapes, NUL bytes (%00 and raw), huge keys and values up to the
# cap, and 10,000 keys.  Every answer must be a protocol error or the right
# result: no crash, no hang, no HTTP 500; and a request the server could not
# read in full must change nothing.  Afterwards the database holds exactly
# what it should.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use IO::Select ();
use IO::Socket::INET ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Body pw 1';
my $CAP = 65536;
my $INVALID = qr/^\QClient error: Invalid argument(s)\E/;
my $TOO_LARGE = qr/^Client error: Request body too large/;

# The start of a sessionexpire request of $u with clear authentication.
sub auth_of { return clear_auth($_[0], $PW, $_[1]) }

# A user with sessions 1..3.
sub victim { return victim_of('hbody', $PW) }

# $u's sessions are all still there, and nothing else happened to them.
sub untouched {
    my($name, $u) = @_;
    sessions_as_expected("$name: nothing was expired", $u);
}

sub expired_all {
    my($name, $u) = @_;
    expect_sessions($u);
    sessions_as_expected("$name: every session expired", $u);
}

# The module's own refusal of a body it could not read, or the connection
# simply closed: either is fine, as long as it came at once.
sub refused_or_closed {
    my($name, $r, $limit) = @_;
    $limit //= 10;
    ok !$r->{timed_out} && $r->{elapsed} < $limit,
        "$name: the server answered or closed within $limit s"
        . sprintf(' (%.1f s)', $r->{elapsed} // -1);
    if (defined $r->{status}) {
        ok +($r->{status} == 400 || $r->{status} == 408)
            && $r->{status} < 500,
            "$name: HTTP 400 (or 408), got $r->{status}"
            or diag $r->{raw};
    }
    else {
        ok $r->{eof}, "$name: no answer, the connection was closed";
    }
}

############################################################################
# Truncated bodies.

case 'Content-Length 1000, 60 bytes sent, then half-closed' => sub {
    my $u = victim();
    my $part = auth_of($u) . '&expireall=1&pad=';
    my $r = converse(bytes => http_request(body => $part,
                                           content_length => length($part) + 1000),
                     half_close => 1, timeout => 12);
    refused_or_closed('truncated, half-closed', $r);
    if (defined $r->{status}) {
        answer_ok('truncated, half-closed: a flat refusal', $r, status => 400,
                  success => 'FAIL',
                  errmsg => 'Client error: Unreadable request body');
    }
    untouched('truncated, half-closed', $u);
    ok server_alive(), 'the server answers the next request';
};

case 'Content-Length 1000, part sent, connection closed at once' => sub {
    my $u = victim();
    my $part = auth_of($u) . '&expireall=1&pad=';
    my $r = converse(bytes => http_request(body => $part,
                                           content_length => length($part) + 1000),
                     no_read => 1);
    ok !$r->{error}, 'sent' or diag $r->{error};
    ok server_alive(), 'the server answers the next request';
    select undef, undef, undef, 0.3;
    untouched('truncated, closed', $u);
};

case 'Content-Length 1000, part sent, stalled: other clients are served' => sub {
    my $u = victim();
    my $part = auth_of($u) . '&expireall=1&pad=';
    my $sock = IO::Socket::INET->new(PeerAddr => server_hostport(),
                                     Proto => 'tcp', Timeout => 5)
        or die "connect: $!";
    syswrite $sock, http_request(body => $part,
                                 content_length => length($part) + 1000);
    my $sel = IO::Select->new($sock);
    ok !$sel->can_read(2), 'stalled: no answer while the body is incomplete';
    ok server_alive(), 'stalled: another client is answered meanwhile';
    my $r = send_body(auth_of($u, 'sessiongenerate'));
    answer_ok('stalled: a sessiongenerate meanwhile works', $r,
              success => 'OK', ljsession_of => $u);
    my($id) = ($r->{pairs}{ljsession} // '') =~ /:(\d+):/;
    expect_sessions($u, expected_sessions($u), $id) if defined $id;
    close $sock;
    ok server_alive(), 'stalled connection closed: the server answers';
    select undef, undef, undef, 0.3;
    untouched('stalled', $u);
};

case 'chunked: a chunk of 0x400 announced, 50 bytes sent, half-closed' => sub {
    my $u = victim();
    my $part = auth_of($u) . '&expireall=1&pad=xx';
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . "400\r\n" . $part, half_close => 1,
                     timeout => 12);
    refused_or_closed('truncated chunk', $r);
    untouched('truncated chunk', $u);
    ok server_alive(), 'the server answers the next request';
};

case 'chunked: no last chunk, half-closed' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1';
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . sprintf("%x\r\n%s\r\n", length $body, $body),
                     half_close => 1, timeout => 12);
    refused_or_closed('no last chunk', $r);
    untouched('no last chunk', $u);
};

case 'chunked: chunk size "zz"' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1';
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . "zz\r\n$body\r\n0\r\n\r\n", timeout => 12);
    refused_or_closed('chunk size zz', $r);
    untouched('chunk size zz', $u);
};

case 'Content-Length shorter than the body: only that much is read' => sub {
    my $u = victim();
    my $auth = auth_of($u);
    my $r = converse(bytes => http_request(body => "$auth&expireall=1",
                                           content_length => length $auth));
    answer_ok('short Content-Length: the authenticated part is answered', $r,
              success => 'OK');
    untouched('short Content-Length', $u);
};

case 'Content-Length 0 with a body after it' => sub {
    my $u = victim();
    my $r = converse(bytes => http_request(body => auth_of($u) . '&expireall=1',
                                           content_length => 0));
    answer_ok('Content-Length 0: no mode', $r, success => 'FAIL',
              errmsg => 'Client error: No mode specified.');
    untouched('Content-Length 0', $u);
};

for my $cl ('12abc', '-5', '+12', '0x10', '1 2', '99999999999999999999999') {
    case "Content-Length '$cl'" => sub {
        my $u = victim();
        my $body = auth_of($u) . '&expireall=1';
        my $r = converse(bytes => http_request(body => $body,
                                               content_length => $cl),
                         timeout => 12);
        answer_ok("Content-Length '$cl': refused by httpd", $r,
                  httpd_error => 1, status => [400, 413]);
        untouched("Content-Length '$cl'", $u);
    };
}

case 'two different Content-Length headers' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1';
    my $r = converse(bytes => http_request(body => $body,
                     headers => [ 'Content-Length' => length($body) - 12 ]),
                     timeout => 12);
    answer_ok('two Content-Lengths: refused by httpd', $r, httpd_error => 1,
              status => 400);
    untouched('two Content-Lengths', $u);
};

case 'Transfer-Encoding chunked and a Content-Length' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1';
    my $req = http_request(body => $body, chunked => [7],
                           headers => [ 'Content-Length' => 3 ]);
    my $r = converse(bytes => $req);
    # httpd reads the chunked body and drops the Content-Length, or refuses
    # the request: either way the answer matches what happened.
    if (($r->{status} // 0) == 400) {
        answer_ok('chunked + Content-Length: refused', $r, httpd_error => 1);
        untouched('chunked + Content-Length, refused', $u);
    }
    else {
        answer_ok('chunked + Content-Length: the chunked body counts', $r,
                  success => 'OK');
        expired_all('chunked + Content-Length', $u);
    }
};

case 'Transfer-Encoding gzip, chunked' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1';
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'gzip, chunked' ]);
    my $r = converse(bytes => $req . SETest::chunk_body($body, [50]),
                     timeout => 12);
    answer_ok('Transfer-Encoding gzip, chunked: refused by httpd', $r,
              httpd_error => 1, status => [400, 501]);
    untouched('Transfer-Encoding gzip', $u);
};

case 'chunked with chunk extensions and 2-byte chunks' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expireall=1&pad=' . ('p' x 2000);
    my $wire = '';
    for (my $i = 0; $i < length $body; $i += 2) {
        my $c = substr $body, $i, 2;
        $wire .= sprintf("%x;ext=\"v\";x\r\n%s\r\n", length $c, $c);
    }
    $wire .= "0\r\n\r\n";
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . $wire);
    answer_ok('1000+ chunks with extensions', $r, success => 'OK');
    expired_all('1000+ chunks with extensions', $u);
};

############################################################################
# Oversized bodies.

sub padded {
    my($u, $len, $more) = @_;
    my $head = auth_of($u) . ($more // '&expireall=1') . '&pad=';
    return $head . ('x' x ($len - length $head));
}

case 'a body one byte over the cap' => sub {
    my $u = victim();
    my $r = send_body(padded($u, $CAP + 1));
    answer_ok('65537 bytes: 413', $r, status => 413, success => 'FAIL',
              errmsg => $TOO_LARGE);
    untouched('65537 bytes', $u);
};

case 'a body of exactly the cap (control)' => sub {
    my $u = victim();
    my $r = send_body(padded($u, $CAP));
    answer_ok('65536 bytes: OK', $r, success => 'OK');
    expired_all('65536 bytes', $u);
};

case 'a body of 1 MiB, all sent' => sub {
    my $u = victim();
    my $r = send_body(padded($u, 1 << 20), timeout => 12);
    ok defined $r->{status} || $r->{eof}, '1 MiB: an answer or a close'
        or diag $r->{error};
    if (defined $r->{status}) {
        answer_ok('1 MiB: 413', $r, status => 413, success => 'FAIL',
                  errmsg => $TOO_LARGE);
    }
    untouched('1 MiB', $u);
    ok server_alive(), 'the server answers the next request';
};

for my $cl (2**31, 2**32 + 5, 2**40, '9223372036854775807',
            '9223372036854775808') {
    case "Content-Length $cl, nothing sent" => sub {
        my $r = converse(bytes => http_request(body => '', content_length => $cl),
                         timeout => 10);
        ok !$r->{timed_out}, "Content-Length $cl: answered at once";
        if (($r->{status} // 0) == 413) {
            answer_ok("Content-Length $cl: 413", $r, status => 413,
                      success => 'FAIL', errmsg => $TOO_LARGE);
        }
        else {
            answer_ok("Content-Length $cl: refused by httpd", $r,
                      httpd_error => 1, status => [400, 413]);
        }
    };
}

case 'chunked, 200 KiB' => sub {
    my $u = victim();
    my $r = send_body(padded($u, 200 * 1024), chunked => [8192], timeout => 12);
    ok defined $r->{status} || $r->{eof}, '200 KiB chunked: an answer or a close';
    if (defined $r->{status}) {
        answer_ok('200 KiB chunked: 413', $r, status => 413, success => 'FAIL',
                  errmsg => $TOO_LARGE);
    }
    untouched('200 KiB chunked', $u);
};

case 'chunked, one chunk of 0x7fffffffffffffff announced' => sub {
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . "7fffffffffffffff\r\nmode=getchallenge",
                     half_close => 1, timeout => 10);
    ok !$r->{timed_out}, 'huge chunk: answered at once';
    ok !defined $r->{status} || $r->{status} =~ /\A(?:400|413)\z/,
        'huge chunk: 400 or 413 (or closed)' or diag $r->{raw};
};

case 'chunked, chunk size of 40 hex digits' => sub {
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $r = converse(bytes => $req . ('f' x 40) . "\r\nmode=getchallenge\r\n0\r\n\r\n",
                     timeout => 10);
    ok !$r->{timed_out}, 'overflowing chunk size: answered at once';
    ok !defined $r->{status} || $r->{status} =~ /\A(?:400|413)\z/,
        'overflowing chunk size: 400 or 413 (or closed)' or diag $r->{raw};
};

case '/interface/flat-small: 1025 bytes' => sub {
    my $u = victim();
    my $r = send_body(padded($u, 1025), path => '/interface/flat-small');
    answer_ok('1025 bytes on the 1024 cap: 413', $r, status => 413,
              success => 'FAIL', errmsg => qr/\b1024\b/);
    untouched('1025 bytes on the 1024 cap', $u);
};

# A refused body must never be read as the next request of the same
# connection: the server answers once and closes.
sub smuggled_expireall {
    my $u = shift;
    my $body = auth_of($u) . '&expireall=1';
    return "POST /interface/flat HTTP/1.1\r\nHost: " . server_hostport()
         . "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
         . 'Content-Length: ' . length($body) . "\r\n\r\n$body";
}

sub one_answer_then_close {
    my($name, $r, $status) = @_;
    ok !$r->{timed_out}, "$name: the connection was closed";
    my $answers = () = $r->{raw} =~ m{^HTTP/1\.1 [2-5]\d\d }mg;
    is $answers, 1, "$name: exactly one answer";
    is $r->{status}, $status, "$name: HTTP $status";
}

case 'keep-alive: a request hidden in an oversized body is never run' => sub {
    my $u = victim();
    my $hidden = smuggled_expireall($u);
    my $body = 'mode=getchallenge&pad=' . ('x' x ($CAP - 100)) . $hidden;
    my $r = converse(bytes => http_request(body => $body, keepalive => 1),
                     timeout => 10);
    one_answer_then_close('oversized body', $r, 413);
    untouched('oversized body with a hidden request', $u);
};

case 'keep-alive: a request hidden after a Content-Length over the cap' => sub {
    my $u = victim();
    my $r = converse(bytes => http_request(body => smuggled_expireall($u),
                                           content_length => $CAP + 10,
                                           keepalive => 1),
                     timeout => 10);
    one_answer_then_close('Content-Length over the cap', $r, 413);
    untouched('Content-Length over the cap, hidden request', $u);
};

case 'keep-alive: a request hidden in an oversized chunked body' => sub {
    my $u = victim();
    my $req = http_request(body => '', no_cl => 1, keepalive => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my $pad = 'x' x 40000;
    my $wire = $req . sprintf("%x\r\n%s\r\n", length $pad, $pad) x 2
             . sprintf("%x\r\n%s\r\n", length smuggled_expireall($u), smuggled_expireall($u))
             . "0\r\n\r\n" . smuggled_expireall($u);
    my $r = converse(bytes => $wire, timeout => 10);
    one_answer_then_close('oversized chunked body', $r, 413);
    untouched('oversized chunked body, hidden requests', $u);
};

case 'keep-alive: Expect: 100-continue refused, the body sent anyway' => sub {
    my $u = victim();
    my $req = http_request(body => '', content_length => $CAP + 1, keepalive => 1,
                           headers => [ Expect => '100-continue' ]);
    my $r = converse(pieces => [ [ $req, 0 ],
                                 [ smuggled_expireall($u), 0.3 ] ],
                     timeout => 10);
    ok !$r->{timed_out}, '100-continue refused: the connection was closed';
    my $answers = () = $r->{raw} =~ m{^HTTP/1\.1 [2-5]\d\d }mg;
    is $answers, 1, '100-continue refused: exactly one final answer';
    is $r->{status}, 413, '100-continue refused: HTTP 413';
    untouched('100-continue refused, hidden request', $u);
};

case 'keep-alive: two good requests pipelined (control)' => sub {
    my $u = victim();
    my $first = http_request(body => auth_of($u) . '&expire_id_1=1', keepalive => 1);
    my $second = http_request(body => auth_of($u) . '&expire_id_2=1');
    my $r = converse(bytes => $first . $second, timeout => 10);
    my $answers = () = $r->{raw} =~ m{^HTTP/1\.1 200 }mg;
    is $answers, 2, 'two pipelined requests: two answers';
    expect_sessions($u, 3);
    sessions_as_expected('two pipelined requests: both ran', $u);
};

############################################################################
# Slow bodies (under the cap): a few bytes every 100 ms.

sub in_pieces {
    my($bytes, $size, $delay) = @_;
    my @p;
    while (length $bytes) {
        push @p, [ substr($bytes, 0, $size, ''), @p ? $delay : 0 ];
    }
    return \@p;
}

case 'sessiongenerate, body sent 8 bytes per 100 ms' => sub {
    my $u = victim();
    my $req = http_request(body => auth_of($u, 'sessiongenerate'));
    my($head, $body) = split /\r\n\r\n/, $req, 2;
    my $r = converse(pieces => [ [ "$head\r\n\r\n", 0 ],
                                 @{ in_pieces($body, 8, 0.1) } ],
                     timeout => 10);
    answer_ok('slow body: sessiongenerate OK', $r, success => 'OK',
              ljsession_of => $u);
    my($id) = ($r->{pairs}{ljsession} // '') =~ /:(\d+):/;
    is $id, 4, 'slow body: session 4';
    expect_sessions($u, 1 .. 4);
    cmp_ok $r->{elapsed}, '<', 8, 'slow body: answered once complete';
};

case 'sessionexpire, whole request (headers too) sent 12 bytes per 50 ms' => sub {
    my $u = victim();
    my $req = http_request(body => auth_of($u) . '&expire_id_2=1');
    my $r = converse(pieces => in_pieces($req, 12, 0.05), timeout => 20);
    answer_ok('slow request: sessionexpire OK', $r, success => 'OK');
    expect_sessions($u, 1, 3);
    sessions_as_expected('slow request: session 2 expired', $u);
};

case 'chunked body, one 8-byte chunk per 100 ms' => sub {
    my $u = victim();
    my $body = auth_of($u) . '&expire_id_3=1';
    my $req = http_request(body => '', no_cl => 1,
                           headers => [ 'Transfer-Encoding' => 'chunked' ]);
    my @pieces = ([ $req, 0 ]);
    my $b = $body;
    while (length $b) {
        my $c = substr $b, 0, 8, '';
        push @pieces, [ sprintf("%x\r\n%s\r\n", length $c, $c), 0.1 ];
    }
    push @pieces, [ "0\r\n\r\n", 0.1 ];
    my $r = converse(pieces => \@pieces, timeout => 20);
    answer_ok('slow chunked: OK', $r, success => 'OK');
    expect_sessions($u, 1, 2);
    sessions_as_expected('slow chunked: session 3 expired', $u);
};

############################################################################
# Malformed escapes.

{
    my $epw = 'Esc%zz%4%G1%';
    case 'malformed escapes in the password stay literal' => sub {
        my $u = my_user('hbesc', $epw);
        my $r = send_body("mode=sessionexpire&user=$u&password=$epw");
        answer_ok('password=Esc%zz%4%G1%: OK', $r, success => 'OK');
        $r = send_body("mode=sessionexpire&user=$u&password="
                       . form_escape($epw));
        answer_ok('the same, escaped: OK', $r, success => 'OK');
    };
}

case 'high bytes in the password (%FF%FE and UTF-8)' => sub {
    my $hpw = "Hi\xff\xfe\xc3\xa4\xc3\xb6-pw";
    my $u = my_user('hbhigh', $hpw);
    my $r = send_body("mode=sessionexpire&user=$u&password=Hi%FF%fe%C3%A4%c3%B6-pw");
    answer_ok('password with high bytes: OK', $r, success => 'OK');
};

my @escape_cases = (
    [ 'mode=session%67enerate (decoded)', sub { auth_of($_[0], 'session%67enerate') },
      success => 'OK', ljsession_of => 1 ],
    [ 'mode=session%zzgenerate (kept)', sub { auth_of($_[0], 'session%zzgenerate') },
      success => 'FAIL', errmsg => 'Client error: Unknown mode (session%zzgenerate)' ],
    [ 'mode=%2541 (decoded once only)', sub { auth_of($_[0], '%2541') },
      success => 'FAIL', errmsg => 'Client error: Unknown mode (%41)' ],
    [ 'mode=%u0041 (no %u escapes)', sub { auth_of($_[0], '%u0041') },
      success => 'FAIL', errmsg => 'Client error: Unknown mode (%u0041)' ],
    [ 'key pass%zzword ignored', sub { auth_of($_[0]) . '&pass%zzword=x' },
      success => 'OK' ],
    [ 'key "%" alone', sub { auth_of($_[0]) . '&%=1' }, success => 'OK' ],
    [ 'key and value "%%%"', sub { auth_of($_[0]) . '&%%%=%%%' }, success => 'OK' ],
    [ 'body ends with "%"', sub { auth_of($_[0]) . '&x=%' }, success => 'OK' ],
    [ 'body ends with "%4"', sub { auth_of($_[0]) . '&x=%4' }, success => 'OK' ],
    [ 'body is "%"', sub { '%' }, success => 'FAIL',
      errmsg => 'Client error: No mode specified.' ],
    [ 'user=%u0041bc', sub { auth_of('%u0041bc') }, success => 'FAIL',
      errmsg => 'Client error: No username sent.' ],
    [ 'escaped key %75%73%65%72', sub {
          my $u = shift;
          "mode=sessionexpire&%75%73%65%72=$u&password=" . form_escape($PW) },
      success => 'OK' ],
    [ '"+" in a key: expire+id_1', sub { auth_of($_[0]) . '&expire+id_1=1' },
      success => 'OK' ],
    [ 'a lone "&" and "=" everywhere', sub { '&&=&' . auth_of($_[0]) . '&=&&==&' },
      success => 'OK' ],
);
for my $c (@escape_cases) {
    my($name, $make, %want) = @$c;
    case "escape: $name" => sub {
        my $u = victim();
        my $want_user = delete $want{ljsession_of};
        my $r = send_body($make->($u));
        answer_ok($name, $r, %want, $want_user ? (ljsession_of => $u) : ());
        if ($want_user) {
            expect_sessions($u, 1 .. 4);
        }
        untouched($name, $u);
    };
}

############################################################################
# NUL bytes: a decoded NUL anywhere fails the request naming the key, and
# nothing happens.

my @nul_cases = (
    # name, how to build the body from the auth part, the key named
    [ 'mode', sub { auth_of($_[0], "sessionexpire%00") . '&expireall=1' }, 'mode' ],
    [ 'user', sub { my $a = auth_of($_[0]); $a =~ s/user=/user=%00/; "$a&expireall=1" }, 'user' ],
    [ 'password', sub { auth_of($_[0]) . '%00&expireall=1' }, 'password' ],
    [ 'hpassword', sub { auth_of($_[0]) . '&hpassword=ab%00cd&expireall=1' }, 'hpassword' ],
    [ 'auth_method', sub { my $a = auth_of($_[0]); $a =~ s/=clear/=clear%00/; "$a&expireall=1" }, 'auth_method' ],
    [ 'auth_challenge', sub { auth_of($_[0]) . '&auth_challenge=c0%00&expireall=1' }, 'auth_challenge' ],
    [ 'auth_response', sub { auth_of($_[0]) . '&auth_response=%00&expireall=1' }, 'auth_response' ],
    [ 'expireall value', sub { auth_of($_[0]) . '&expireall=1%00' }, 'expireall' ],
    [ 'expire_id_1 value', sub { auth_of($_[0]) . '&expireall=1&expire_id_1=%00' }, 'expire_id_1' ],
    [ 'expire_id key', sub { auth_of($_[0]) . '&expireall=1&expire_id_%001=1' }, 'expire_id_' ],
    [ 'ver', sub { auth_of($_[0]) . '&expireall=1&ver=1%00' }, 'ver' ],
    [ 'responseenc', sub { auth_of($_[0]) . '&expireall=1&responseenc=urlenc%00' }, 'responseenc' ],
    [ 'an unknown key\'s value', sub { auth_of($_[0]) . '&expireall=1&zzz=%00' }, 'zzz' ],
    [ 'an unknown key\'s name', sub { auth_of($_[0]) . '&expireall=1&zz%00z=1' }, 'zz' ],
    [ 'raw NUL in a value', sub { auth_of($_[0]) . "&expireall=1\0" }, 'expireall' ],
    [ 'raw NUL in a key', sub { auth_of($_[0]) . "&expireall=1&a\0b=1" }, 'a' ],
    [ 'raw NUL as the first byte', sub { "\0=1&" . auth_of($_[0]) . '&expireall=1' }, '' ],
    [ 'overlong NUL %C0%80 is not a NUL (user)',
      sub { my $a = auth_of($_[0]); $a =~ s/user=/user=%C0%80/; "$a&expireall=1" },
      undef, 'Client error: No username sent.' ],
    [ 'NUL after 60000 bytes', sub { auth_of($_[0]) . '&expireall=1&pad='
                                     . ('y' x 60000) . '%00' }, 'pad' ],
);
for my $c (@nul_cases) {
    my($name, $make, $key, $errmsg) = @$c;
    case "NUL: $name" => sub {
        my $u = victim();
        my $r = send_body($make->($u));
        answer_ok("NUL in $name: refused", $r, success => 'FAIL',
                  errmsg => $errmsg // ($key eq ''
                      ? $INVALID : qr/^\QClient error: Invalid argument(s): \E.*\Q$key\E/));
        unlike $r->{body} // '', qr/\Q$PW\E/, "NUL in $name: no password echoed";
        untouched("NUL in $name", $u);
    };
}

############################################################################
# Huge keys and values, up to the cap.

my $HUGE = 65000;
my @huge_cases = (
    [ 'a 65000-byte unknown key', sub { auth_of($_[0]) . '&' . ('k' x $HUGE) . '=1&expire_id_1=1' },
      [2, 3], success => 'OK' ],
    [ 'a 65000-byte unknown value', sub { auth_of($_[0]) . '&junk=' . ('v' x $HUGE) . '&expire_id_2=1' },
      [1, 3], success => 'OK' ],
    [ 'a 65000-byte user', sub { auth_of('u' x $HUGE) . '&expireall=1' },
      [1, 2, 3], success => 'FAIL', errmsg => 'Client error: No username sent.' ],
    [ 'a 65000-byte mode (echoed in errmsg)', sub { auth_of($_[0], 'm' x $HUGE) },
      [1, 2, 3], success => 'FAIL', errmsg => qr/^\QClient error: Unknown mode (\Em{$HUGE}\)\z/ ],
    [ 'a 65000-byte auth_method', sub { my $a = auth_of($_[0]); $a =~ s/=clear/'=' . ('c' x $HUGE)/e; "$a&expireall=1" },
      [1, 2, 3], success => 'FAIL', errmsg => 'Invalid password' ],
    [ 'a 65000-byte auth_challenge', sub { "mode=sessionexpire&user=$_[0]&auth_method=challenge"
                                          . '&auth_challenge=c0:' . ('9' x $HUGE) . '&auth_response=x&expireall=1' },
      [1, 2, 3], success => 'FAIL', errmsg => 'Invalid password' ],
    [ 'expire_id_ and 65000 digits', sub { auth_of($_[0]) . '&expire_id_' . ('7' x $HUGE) . '=1' },
      [1, 2, 3], success => 'FAIL', errmsg => $INVALID ],
    [ 'expire_id_ and 65000 zeros, then 1 (session 1)', sub { auth_of($_[0]) . '&expire_id_' . ('0' x $HUGE) . '1=1' },
      [2, 3], success => 'OK' ],
    [ 'a 65000-digit ver', sub { auth_of($_[0]) . '&ver=' . ('9' x $HUGE) . '&expire_id_3=1' },
      [1, 2], success => 'OK' ],
    [ 'a 65000-digit ver with an x at the end', sub { auth_of($_[0]) . '&ver=' . ('9' x $HUGE) . 'x&expireall=1' },
      [1, 2, 3], success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*ver/ ],
    [ 'a 65000-byte responseenc', sub { auth_of($_[0]) . '&responseenc=' . ('u' x $HUGE) . '&expire_id_1=1' },
      [2, 3], success => 'OK' ],
    [ 'a 65000-byte expiration', sub { auth_of($_[0], 'sessiongenerate') . '&expiration=' . ('l' x $HUGE) },
      [1, 2, 3, 4], success => 'OK', ljsession_of => 1 ],
    [ 'a 65000-byte expireall value', sub { auth_of($_[0]) . '&expireall=' . ('1' x $HUGE) },
      [], success => 'OK' ],
    [ 'a 60000-byte key escaped as %XX (20000 bytes decoded)', sub { auth_of($_[0]) . '&' . ('%41' x 20000) . '=1&expire_id_2=1' },
      [1, 3], success => 'OK' ],
);
for my $c (@huge_cases) {
    my($name, $make, $left, %want) = @$c;
    case "huge: $name" => sub {
        my $u = victim();
        my $want_user = delete $want{ljsession_of};
        my $body = $make->($u);
        cmp_ok length $body, '<=', $CAP, "$name: within the cap";
        my $r = send_body($body);
        answer_ok($name, $r, %want, $want_user ? (ljsession_of => $u) : ());
        expect_sessions($u, @$left);
        sessions_as_expected($name, $u);
    };
}

case 'huge: a 65000-byte hpassword, then a 65000-byte password' => sub {
    my $u = victim();
    my $r = send_body(auth_of($u) . '&expireall=1');
    answer_ok('the right password first: OK', $r, success => 'OK');
    $r = send_body("mode=sessionexpire&user=$u&hpassword=" . ('a' x $HUGE) . '&expireall=1');
    answer_ok('65000-byte hpassword: Invalid password', $r, success => 'FAIL',
              errmsg => 'Invalid password');
    $r = send_body("mode=sessionexpire&user=$u&password=" . ('p' x $HUGE) . '&expireall=1');
    answer_ok('65000-byte password: Invalid password', $r, success => 'FAIL',
              errmsg => 'Invalid password');
    expect_sessions($u);        # the first request (right password) expired all
    sessions_as_expected('huge passwords', $u);
};

############################################################################
# 10,000 keys.

# $n distinct short keys: base 62, no prefix (1 to 3 characters; none is a
# key of the protocol: the 3-character ones start with a digit).
sub many_keys {
    my($n, $value) = @_;
    my @digits = (0 .. 9, 'a' .. 'z', 'A' .. 'Z');
    my @k;
    for my $i (0 .. $n - 1) {
        my($s, $x) = ('', $i);
        do { $s = $digits[$x % 62] . $s; $x = int($x / 62) } while $x;
        push @k, $s . (defined $value ? "=$value" : '');
    }
    return @k;
}

case '10,000 distinct keys and a valid request' => sub {
    my $u = victim();
    my $body = join '&', many_keys(10000, 1), auth_of($u), 'expire_id_2=1';
    cmp_ok length $body, '<=', $CAP, '10,000 keys: within the cap ('
        . length($body) . ' bytes)';
    my $r = send_body($body);
    answer_ok('10,000 keys: OK', $r, success => 'OK');
    expect_sessions($u, 1, 3);
    sessions_as_expected('10,000 keys', $u);
};

case '10,000 keys, the last one a duplicate of the first' => sub {
    my $u = victim();
    my @k = many_keys(9999, 1);
    my $body = join '&', @k, auth_of($u), 'expireall=1', $k[0];
    my $r = send_body($body);
    answer_ok('10,000 keys with a duplicate: refused', $r, success => 'FAIL',
              errmsg => qr/^\QClient error: Invalid argument(s): \E.*'0'/);
    untouched('10,000 keys with a duplicate', $u);
};

case '10,000 keys without values' => sub {
    my $u = victim();
    my $body = join '&', many_keys(10000), auth_of($u), 'expire_id_1=1';
    my $r = send_body($body);
    answer_ok('10,000 keys without "=": OK', $r, success => 'OK');
    expect_sessions($u, 2, 3);
    sessions_as_expected('10,000 keys without values', $u);
};

case '20,000 empty segments and 10,000 "=" segments' => sub {
    my $u = victim();
    my $body = ('&' x 20000) . auth_of($u) . '&' . ('=&' x 10000) . 'expire_id_3=1';
    my $r = send_body($body);
    answer_ok('empty segments: OK', $r, success => 'OK');
    expect_sessions($u, 1, 2);
    sessions_as_expected('empty segments', $u);
};

run_file();
