# CR and LF in every field (issue 5, item 3): mode, user, ver, auth_method,
# password, hpassword, auth_challenge, auth_response, expiration, ipfixed,
# expireall, expire_id keys and values, responseenc, unknown keys, keys
# the errmsg names, raw CR/LF in the body, in the URL and in headers.  The
# response must never be split: exactly key\nvalue\n pairs (or key=value&
# with responseenc=urlenc), no CR, only the keys the answer has, an exact
# Content-Length, no injected header.  PROTOCOL.md 1: CR and LF are removed
# from keys and values before writing.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Crlf pw 4';
my $INJ = '%0D%0Asuccess%0D%0AOK%0D%0Aljsession%0D%0Aws:x:1:AAAAAAAAAA%0D%0A';
my $INJ_FLAT = 'successOKljsessionws:x:1:AAAAAAAAAA';     # CR/LF removed
# The same attack in the secret fields (password, auth_response), with pieces
# of its own: the test helpers record those fields as secrets, and
# zz_secrets_not_logged.t must not find them in the echo of a non-secret
# field (the mode, say) that carried $INJ.
my $INJ_SECRET = '%0D%0Asuccess%0D%0AOK%0D%0Aljsession_pw%0D%0Aws:y:2:Zq8Rm3Tt9W%0D%0A';
my $INVALID = qr/^\QClient error: Invalid argument(s)\E/;

sub auth_of { return clear_auth($_[0], $PW, $_[1]) }

sub victim { return victim_of('hcrlf', $PW) }

# name, body from the victim's name, what must come back, sessions left
# (undef: 1, 2, 3; a code ref: called with the user and the answer).
my @cases = (
    [ 'mode: sessionexpire then CRLF and an injected answer',
      sub { auth_of($_[0], "sessionexpire$INJ") . '&expireall=1' },
      { success => 'FAIL', errmsg => "Client error: Unknown mode (sessionexpire$INJ_FLAT)" } ],
    [ 'mode: CRLF first', sub { auth_of($_[0], '%0D%0Asessionexpire') . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode (sessionexpire)' } ],
    [ 'mode: lone LF inside', sub { auth_of($_[0], 'session%0Aexpire') . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode (sessionexpire)' } ],
    [ 'mode: lone CR inside', sub { auth_of($_[0], 'session%0Dexpire') . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode (sessionexpire)' } ],
    [ 'mode: getchallenge then CRLF, no user',
      sub { 'mode=getchallenge%0D%0A' },
      { success => 'FAIL', errmsg => 'Client error: No username sent.' } ],
    [ 'mode: getchallenge then CRLF, a user',
      sub { auth_of($_[0], 'getchallenge%0D%0A') },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode (getchallenge)' } ],
    [ 'mode: only CRLF', sub { auth_of($_[0], '%0D%0A') },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode ()' } ],
    [ 'mode: 1000 CRLFs', sub { auth_of($_[0], '%0D%0A' x 1000) },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode ()' } ],
    [ 'user: CRLF and an injected answer after the name',
      sub { auth_of("$_[0]$INJ") . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: No username sent.' } ],
    [ 'user: CRLF around the name (trimmed)', sub { auth_of("%0D%0A$_[0]%0D%0A") . '&expire_id_1=1' },
      { success => 'OK' }, [2, 3] ],
    [ 'user: LF inside', sub { auth_of(substr($_[0], 0, 2) . '%0A' . substr($_[0], 2)) . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: No username sent.' } ],
    [ 'ver: 1 then CRLF', sub { auth_of($_[0]) . '&expireall=1&ver=1%0D%0A' },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*ver/ } ],
    [ 'ver: CRLF then 1', sub { auth_of($_[0]) . '&expireall=1&ver=%0D%0A1' },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*ver/ } ],
    [ 'ver: injected answer', sub { auth_of($_[0]) . "&expireall=1&ver=$INJ" },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*ver/ } ],
    [ 'auth_method: clear then CRLF',
      sub { auth_of($_[0]) =~ s/=clear/=clear%0D%0A/r . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'auth_method: injected answer',
      sub { auth_of($_[0]) =~ s/=clear/=clear$INJ/r . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'password: then CRLF', sub { auth_of($_[0]) . '%0D%0A&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'password: a raw CRLF after it, at the end of the body',
      sub { "mode=sessionexpire&user=$_[0]&expireall=1&password=" . form_escape($PW) . "\r\n" },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'password: injected answer', sub { auth_of($_[0]) . "$INJ_SECRET&expireall=1" },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'hpassword: right md5 then CRLF',
      sub { "mode=sessionexpire&user=$_[0]&hpassword="
            . Digest::MD5::md5_hex($PW) . '%0D%0A&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'auth_response: CRLF',
      sub { "mode=sessionexpire&user=$_[0]&auth_method=challenge&auth_challenge="
            . form_escape(get_challenge()) . "&auth_response=$INJ_SECRET&expireall=1" },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'auth_challenge: a real one then CRLF',
      sub { my $c = get_challenge();
            "mode=sessionexpire&user=$_[0]&auth_method=challenge&auth_challenge="
            . form_escape($c) . '%0D%0A&auth_response='
            . challenge_response($c, $PW) . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'auth_challenge: CRLF then a real one',
      sub { my $c = get_challenge();
            "mode=sessionexpire&user=$_[0]&auth_method=challenge&auth_challenge=%0D%0A"
            . form_escape($c) . '&auth_response='
            . challenge_response($c, $PW) . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'auth_challenge: a real one with a CRLF inside',
      sub { my $c = get_challenge();
            my $w = form_escape($c) =~ s/%3A/%0D%0A%3A/r;
            "mode=sessionexpire&user=$_[0]&auth_method=challenge&auth_challenge=$w"
            . '&auth_response=' . challenge_response($c, $PW) . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Invalid password' } ],
    [ 'expireall: 1 then CRLF (true)', sub { auth_of($_[0]) . '&expireall=1%0D%0A' },
      { success => 'OK' }, [] ],
    [ 'expireall: CRLF alone (not empty, not 0: true)', sub { auth_of($_[0]) . '&expireall=%0D%0A' },
      { success => 'OK' }, [] ],
    [ 'expire_id_1: value CRLF (true)', sub { auth_of($_[0]) . '&expire_id_1=%0D%0A' },
      { success => 'OK' }, [2, 3] ],
    [ 'expire_id_1: value 0 then CRLF (true)', sub { auth_of($_[0]) . '&expire_id_2=0%0D%0A' },
      { success => 'OK' }, [1, 3] ],
    [ 'expire_id key: 1 then CRLF', sub { auth_of($_[0]) . '&expire_id_1%0D%0A=1' },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*expire_id_1(?!\d)/ } ],
    [ 'expire_id key: injected answer', sub { auth_of($_[0]) . "&expire_id_2$INJ=1" },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*expire_id_2/ } ],
    [ 'duplicate key with CRLF (named in errmsg)', sub { auth_of($_[0]) . "&a${INJ}b=1&a${INJ}b=2&expireall=1" },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*a\Q$INJ_FLAT\E/ } ],
    [ 'NUL key with CRLF (named in errmsg)', sub { auth_of($_[0]) . "&x${INJ}y=%00&expireall=1" },
      { success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*x\Q$INJ_FLAT\E/ } ],
    [ 'unknown keys success, errmsg, ljsession in the request',
      sub { auth_of($_[0]) . '&success=FAIL&errmsg=x%0D%0Ay&ljsession=ws:x:1:AAAAAAAAAA&%0D%0Asuccess=FAIL' },
      { success => 'OK' } ],
    [ 'expiration: long then CRLF (short)',
      sub { auth_of($_[0], 'sessiongenerate') . '&expiration=long%0D%0A' },
      { success => 'OK', ljsession_of => 1 },
      sub { my($u) = @_; my @s = sessions_of($u);
            expect_sessions($u, 1 .. 4);
            is $s[-1]{type}, 'short', 'expiration "long\r\n" makes a short session' } ],
    [ 'ipfixed: 1 then CRLF (true)',
      sub { auth_of($_[0], 'sessiongenerate') . '&ipfixed=1%0D%0A' },
      { success => 'OK', ljsession_of => 1 },
      sub { my($u) = @_; my @s = sessions_of($u);
            expect_sessions($u, 1 .. 4);
            is $s[-1]{ip}, '127.0.0.1', 'ipfixed "1\r\n" binds the session' } ],
    [ 'responseenc: urlenc then CRLF (flat)',
      sub { auth_of($_[0]) . '&responseenc=urlenc%0D%0A' },
      { success => 'OK' } ],
    [ 'responseenc=urlenc, mode with CRLF',
      sub { auth_of($_[0], "x$INJ") . '&responseenc=urlenc' },
      { urlenc => 1, success => 'FAIL', errmsg => "Client error: Unknown mode (x$INJ_FLAT)" } ],
    [ 'raw CRLF at the end of the mode',
      sub { "mode=sessionexpire\r\n&user=$_[0]&password=" . form_escape($PW) . '&expireall=1' },
      { success => 'FAIL', errmsg => 'Client error: Unknown mode (sessionexpire)' } ],
    [ 'raw CRLF instead of "&"',
      sub { "mode=sessionexpire\r\nuser=$_[0]\r\npassword=" . form_escape($PW) . "\r\nexpireall=1" },
      { success => 'FAIL', errmsg => 'Client error: No username sent.' } ],
    [ 'raw LF around the user (trimmed)',
      sub { "mode=sessionexpire&user=\n$_[0]\n&password=" . form_escape($PW) . '&expire_id_3=1' },
      { success => 'OK' }, [1, 2] ],
    [ 'raw CRLF at the end of the body (in an unknown key)',
      sub { auth_of($_[0]) . "&expireall=1&password_end=1\r\n" },
      { success => 'OK' }, [] ],
);

for my $c (@cases) {
    my($name, $make, $want, $after) = @$c;
    case "CR/LF: $name" => sub {
        my $u = victim();
        my %want = %$want;
        $want{ljsession_of} = $u if $want{ljsession_of};
        my $r = send_body($make->($u));
        answer_ok($name, $r, %want);
        unlike $r->{body} // '', qr/%0[DA]/i, "$name: no encoded CR/LF either";
        if (ref $after eq 'CODE') {
            $after->($u, $r);
        }
        elsif (ref $after eq 'ARRAY') {
            expect_sessions($u, @$after);
        }
        sessions_as_expected($name, $u);
    };
}

case 'CR/LF: URL with an encoded CRLF and a header after it' => sub {
    my $u = victim();
    my $r = send_body(auth_of($u) . '&expireall=1',
                      path => '/interface/flat%0D%0AX-Injected:%20yes');
    ok defined $r->{status}, 'encoded CRLF in the URL: an answer';
    ok !exists $r->{headers}{'x-injected'}, 'no injected header';
    ok +($r->{status} // 500) < 500, 'not a 5xx';
    if (($r->{status} // 0) == 200) {
        answer_ok('encoded CRLF in the URL: a flat answer', $r, success => 'OK');
        expect_sessions($u);
    }
    sessions_as_expected('encoded CRLF in the URL', $u);
};

case 'CR/LF: X-LJ-Auth folded over two lines' => sub {
    my $u = victim();
    my($id, $auth) = generate_ok($u, $PW);
    expect_sessions($u, 1 .. 4);
    my $r = send_body("mode=sessionexpire&user=$u&auth_method=cookie&expireall=1",
                      headers => [ 'X-LJ-Auth' => "coo\r\n kie",
                                   Cookie => "ljsession=ws:$u:$id:$auth" ]);
    if (($r->{status} // 0) == 400) {
        answer_ok('folded header: refused by httpd', $r, httpd_error => 1);
    }
    else {
        answer_ok('folded header: not "cookie"', $r, success => 'FAIL',
                  errmsg => 'Invalid password');
    }
    sessions_as_expected('folded header', $u);
};

case 'CR/LF: a lone CR inside the Cookie header value' => sub {
    my $u = victim();
    my($id, $auth) = generate_ok($u, $PW);
    expect_sessions($u, 1 .. 4);
    my $r = send_body("mode=sessionexpire&user=$u&auth_method=cookie&expireall=1",
                      headers => [ 'X-LJ-Auth' => 'cookie',
                                   Cookie => "ljsession=ws:$u:$id:\r$auth" ]);
    if (($r->{status} // 0) == 400) {
        answer_ok('lone CR in a header: refused by httpd', $r, httpd_error => 1);
    }
    else {
        answer_ok('lone CR in a header: not the auth code', $r, success => 'FAIL',
                  errmsg => 'Invalid password');
    }
    sessions_as_expected('lone CR in a header', $u);
};

run_file();
