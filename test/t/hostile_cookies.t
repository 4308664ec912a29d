# Hostile cookies (issue 5, item 3): malformed ljsession values of every
# shape, other users' sessions, ids that overflow or wrap, auth codes that
# are prefixes, case variants or 1000 characters, hundreds of cookies,
# Cookie headers near httpd's LimitRequestFieldSize (8190 bytes: fine) and
# one over it (httpd's own 400: fine), many Cookie headers.  The answer is
# "OK" exactly when one of the first 20 ljsession cookies names a live
# session of this very user with its auth code (PROTOCOL.md 2), otherwise
# "Invalid password"; failed cookies are not counted as failed logins.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Cookies pw 5';
my $LIMIT = 8190;               # httpd's LimitRequestFieldSize (default)

# A user with sessions 1..3; returns the user and the auth codes by id.
sub victim {
    my $u = my_user('hck', $PW);
    my %auth;
    for (1 .. 3) {
        my($id, $auth) = generate_ok($u, $PW);
        $auth{$id} = $auth;
    }
    expect_sessions($u, 1, 2, 3);
    return($u, \%auth);
}

# sessionexpire of session 3, authenticated by cookies.  $cookies: a
# Cookie header value or an array ref of them; %o: xlj (the X-LJ-Auth
# value, undef: none), headers (more), user (the request's user).
sub cookie_expire {
    my($u, $cookies, %o) = @_;
    my $xlj = exists $o{xlj} ? $o{xlj} : 'cookie';
    my @h;
    push @h, 'X-LJ-Auth' => $xlj if defined $xlj;
    push @h, map { (Cookie => $_) } ref $cookies ? @$cookies : ($cookies);
    push @h, @{ $o{headers} || [] };
    my $user = $o{user} // $u;
    return send_body("mode=sessionexpire&user=$user&auth_method=cookie&expire_id_3=1",
                     headers => \@h);
}

sub authenticated {
    my($name, $u, $r) = @_;
    answer_ok("$name: OK", $r, success => 'OK');
    expect_sessions($u, 1, 2);
    sessions_as_expected("$name: session 3 expired", $u);
}

sub refused {
    my($name, $u, $r) = @_;
    answer_ok("$name: Invalid password", $r, success => 'FAIL',
              errmsg => 'Invalid password');
    sessions_as_expected("$name: nothing expired", $u);
}

# Either answer, as long as the database agrees with it.
sub consistent {
    my($name, $u, $r) = @_;
    if (($r->{status} // 0) == 200 && $r->{body} =~ /\Asuccess\nOK\n\z/) {
        authenticated($name, $u, $r);
    }
    else {
        refused($name, $u, $r);
    }
}

sub refused_or_400 {
    my($name, $u, $r) = @_;
    return httpd_400($name, $u, $r) if ($r->{status} // 0) == 400;
    refused($name, $u, $r);
}

sub consistent_or_400 {
    my($name, $u, $r) = @_;
    return httpd_400($name, $u, $r) if ($r->{status} // 0) == 400;
    consistent($name, $u, $r);
}

sub httpd_400 {
    my($name, $u, $r) = @_;
    answer_ok("$name: httpd's 400", $r, httpd_error => 1, status => 400);
    sessions_as_expected("$name: nothing expired", $u);
}

# name, the Cookie header(s) from (user, auths), what must come back.
my @cases = (
    [ 'the plain valid cookie (control)', sub { "ljsession=ws:$_[0]:1:$_[1]{1}" }, \&authenticated ],
    [ 'with options after the auth code', sub { "ljsession=ws:$_[0]:1:$_[1]{1}:opt:more::" }, \&authenticated ],
    [ 'quoted', sub { qq{ljsession="ws:$_[0]:1:$_[1]{1}"} }, \&authenticated ],
    [ 'blanks around name and value', sub { "ljsession \t=  ws:$_[0]:1:$_[1]{1}\t ;" }, \&authenticated ],
    [ 'user upper case with "-"', sub { 'ljsession=ws:' . (uc($_[0]) =~ tr/_/-/r) . ":1:$_[1]{1}" }, \&authenticated ],
    [ 'session id with leading zeros', sub { "ljsession=ws:$_[0]:0001:$_[1]{1}" }, \&authenticated ],
    [ '500 other cookies, then the valid one',
      sub { join('; ', map { "c$_=v$_" } 1 .. 500) . "; ljsession=ws:$_[0]:2:$_[1]{2}" }, \&authenticated ],
    [ '19 bad ljsession cookies, the valid one 20th',
      sub { join('; ', (map { "ljsession=ws:$_[0]:1:BAD$_" } 1 .. 19), "ljsession=ws:$_[0]:1:$_[1]{1}") }, \&authenticated ],
    [ 'empty names and values first', sub { "=; ==; ;;; ljsession=; ljsession; x=; ljsession=ws:$_[0]:1:$_[1]{1}" }, \&authenticated ],
    [ 'name is a prefix of ljsession, or has it as a prefix',
      sub { "ljsessio=ws:$_[0]:1:$_[1]{1}; ljsessionx=ws:$_[0]:1:$_[1]{1}; LJSESSION=ws:$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'another user\'s valid cookie', sub { "ljsession=ws:$_[2]:1:$_[3]{1}" }, \&refused ],
    [ 'another user\'s auth code with this user\'s name', sub { "ljsession=ws:$_[0]:1:$_[3]{1}" }, \&refused ],
    [ 'this user\'s auth code with another user\'s name', sub { "ljsession=ws:$_[2]:1:$_[1]{1}" }, \&refused ],
    [ 'the auth code of session 2 with session id 1', sub { "ljsession=ws:$_[0]:1:$_[1]{2}" }, \&refused ],
    [ 'auth code lower-cased', sub { my $a = $_[1]{1}; lc($a) eq $a ? "ljsession=ws:$_[0]:1:x" : "ljsession=ws:$_[0]:1:" . lc $a }, \&refused ],
    [ 'auth code without its last character', sub { "ljsession=ws:$_[0]:1:" . substr($_[1]{1}, 0, 9) }, \&refused ],
    [ 'auth code and one more character', sub { "ljsession=ws:$_[0]:1:$_[1]{1}A" }, \&refused ],
    [ 'auth code repeated 100 times', sub { "ljsession=ws:$_[0]:1:" . ($_[1]{1} x 100) }, \&refused ],
    [ 'auth code of 1000 "A"', sub { "ljsession=ws:$_[0]:1:" . ('A' x 1000) }, \&refused ],
    [ 'empty auth code', sub { "ljsession=ws:$_[0]:1:" }, \&refused ],
    [ 'no auth code', sub { "ljsession=ws:$_[0]:1" }, \&refused ],
    [ '"ws" alone', sub { 'ljsession=ws' }, \&refused ],
    [ '"ws:"', sub { 'ljsession=ws:' }, \&refused ],
    [ '"ws::::"', sub { 'ljsession=ws::::' }, \&refused ],
    [ 'only colons', sub { 'ljsession=' . (':' x 1000) }, \&refused ],
    [ 'empty user', sub { "ljsession=ws::1:$_[1]{1}" }, \&refused ],
    [ 'kind WS', sub { "ljsession=WS:$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'kind xs', sub { "ljsession=xs:$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'fields shifted (an extra colon after ws)', sub { "ljsession=ws::$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'session id -1', sub { "ljsession=ws:$_[0]:-1:$_[1]{1}" }, \&refused ],
    [ 'session id +1', sub { "ljsession=ws:$_[0]:+1:$_[1]{1}" }, \&refused ],
    [ 'session id 1.0', sub { "ljsession=ws:$_[0]:1.0:$_[1]{1}" }, \&refused ],
    [ 'session id " 1"', sub { "ljsession=ws:$_[0]: 1:$_[1]{1}" }, \&refused ],
    [ 'session id 0x1', sub { "ljsession=ws:$_[0]:0x1:$_[1]{1}" }, \&refused ],
    [ 'session id 2^32 + 1 (1 if it wrapped)', sub { "ljsession=ws:$_[0]:4294967297:$_[1]{1}" }, \&refused ],
    [ 'session id 2^64 + 1 (1 if it wrapped)', sub { "ljsession=ws:$_[0]:18446744073709551617:$_[1]{1}" }, \&refused ],
    [ 'session id of 30 digits', sub { "ljsession=ws:$_[0]:" . ('9' x 30) . ":$_[1]{1}" }, \&refused ],
    [ 'user with an overlong "." (raw %C0%AE bytes)', sub { "ljsession=ws:$_[0]\xC0\xAE:1:$_[1]{1}" }, \&refused ],
    [ 'user with a control character', sub { "ljsession=ws:$_[0]\x01:1:$_[1]{1}" }, \&refused_or_400 ],
    [ 'user with DEL', sub { "ljsession=ws:$_[0]\x7f:1:$_[1]{1}" }, \&refused_or_400 ],
    [ 'raw NUL after the valid cookie', sub { "ljsession=ws:$_[0]:1:$_[1]{1}\0x" }, \&consistent_or_400 ],
    [ 'user with a space inside', sub { 'ljsession=ws:' . substr($_[0], 0, 2) . ' ' . substr($_[0], 2) . ":1:$_[1]{1}" }, \&refused ],
    [ 'user of 26 characters', sub { 'ljsession=ws:' . ('z' x 26) . ":1:$_[1]{1}" }, \&refused ],
    [ 'auth code with non-ASCII', sub { "ljsession=ws:$_[0]:1:" . substr($_[1]{1}, 0, 9) . "\xC3\xA9" }, \&refused ],
    [ 'percent-encoded colons', sub { "ljsession=ws%3A$_[0]%3A1%3A$_[1]{1}" }, \&consistent ],
    [ '200 bad ljsession cookies', sub { join '; ', map { "ljsession=ws:$_[0]:1:BAD$_" } 1 .. 200 }, \&refused ],
    [ '200 bad ljsession cookies, then the valid one (not tried: at most 20 are)',
      sub { join '; ', (map { "ljsession=ws:$_[0]:1:BAD$_" } 1 .. 200), "ljsession=ws:$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'ljsession with "=" in the value', sub { "ljsession==ws:$_[0]:1:$_[1]{1}" }, \&refused ],
    [ 'valid cookie after a comma (one cookie "a=b, ljsession=...")',
      sub { "a=b, ljsession=ws:$_[0]:1:$_[1]{1}" }, \&consistent ],
    [ 'the valid cookie in the first of two Cookie headers',
      sub { [ "ljsession=ws:$_[0]:1:$_[1]{1}", 'a=b' ] }, \&authenticated ],
    [ 'the valid cookie in the second of two Cookie headers',
      sub { [ 'a=b', "ljsession=ws:$_[0]:1:$_[1]{1}" ] }, \&authenticated ],
    [ '50 Cookie headers, the valid cookie alone in the last',
      sub { [ (map { "c$_=" . ('v' x 100) . ';' } 1 .. 49), "ljsession=ws:$_[0]:1:$_[1]{1}" ] }, \&consistent ],
    [ '101 Cookie headers (over LimitRequestFields)',
      sub { [ (map { "c$_=v" } 1 .. 100), "ljsession=ws:$_[0]:1:$_[1]{1}" ] }, \&httpd_400 ],
);

for my $c (@cases) {
    my($name, $make, $check) = @$c;
    case "cookie: $name" => sub {
        my($u, $auth) = victim();
        my($other, $oauth) = victim();
        my $r = cookie_expire($u, $make->($u, $auth, $other, $oauth));
        $check->($name, $u, $r);
        sessions_as_expected("$name: the other user's sessions", $other);
    };
}

# X-LJ-Auth must be exactly "cookie".
for my $c ([ 'no X-LJ-Auth', undef ], [ 'X-LJ-Auth: Cookie', 'Cookie' ],
           [ 'X-LJ-Auth: cookies', 'cookies' ], [ 'X-LJ-Auth: cookie;', 'cookie;' ],
           [ 'X-LJ-Auth: "cookie"', '"cookie"' ], [ 'X-LJ-Auth empty', '' ]) {
    my($name, $xlj) = @$c;
    case "cookie: $name" => sub {
        my($u, $auth) = victim();
        my $r = cookie_expire($u, "ljsession=ws:$u:1:$auth->{1}", xlj => $xlj);
        refused($name, $u, $r);
    };
}

case 'cookie: X-LJ-Auth twice' => sub {
    my($u, $auth) = victim();
    my $r = cookie_expire($u, "ljsession=ws:$u:1:$auth->{1}",
                          headers => [ 'X-LJ-Auth' => 'cookie' ]);
    consistent('X-LJ-Auth twice', $u, $r);
};

# Header size: the longest Cookie line httpd takes works; one byte more is
# httpd's 400.  httpd 2.4 takes a line of LimitRequestFieldSize + 1 bytes
# (8191 with the default 8190), not counting the CRLF: the limit is found
# by probing (it must be within a few bytes of 8190), then used.
sub padded_cookie_line {
    my($u, $auth, $line_len) = @_;
    my $tail = "; ljsession=ws:$u:1:$auth";
    my $pad = $line_len - length('Cookie: ') - length('p=') - length $tail;
    return ('p=' . ('x' x $pad) . $tail);
}

my $longest;
sub longest_cookie_line {
    return $longest if defined $longest;
    for my $len (reverse $LIMIT - 8 .. $LIMIT + 8) {
        my $r = send_body('mode=getchallenge',
                          headers => [ Cookie => 'p=' . ('x' x ($len - 10)) ]);
        if (($r->{status} // 0) == 200) {
            $longest = $len;
            last;
        }
    }
    return $longest // 0;
}

case 'cookie: a Cookie header line as long as httpd takes' => sub {
    my($u, $auth) = victim();
    my $len = longest_cookie_line();
    ok $len >= $LIMIT && $len <= $LIMIT + 2,
        "httpd takes Cookie lines of up to $len bytes (LimitRequestFieldSize $LIMIT)";
    my $value = padded_cookie_line($u, $auth->{1}, $len);
    is length("Cookie: $value"), $len, "the header line is $len bytes";
    authenticated("$len-byte Cookie line", $u, cookie_expire($u, $value));
};

case 'cookie: a Cookie header line one byte longer' => sub {
    my($u, $auth) = victim();
    my $len = longest_cookie_line() + 1;
    my $value = padded_cookie_line($u, $auth->{1}, $len);
    httpd_400("$len-byte Cookie line", $u, cookie_expire($u, $value));
};

case 'cookie: a Cookie header of 100,000 bytes' => sub {
    my($u, $auth) = victim();
    my $value = padded_cookie_line($u, $auth->{1}, 100_000);
    httpd_400('100,000-byte Cookie line', $u, cookie_expire($u, $value));
};

case 'cookie: 800 cookies in a header just under the limit' => sub {
    my($u, $auth) = victim();
    my $value = join('; ', map { sprintf 'k%03d=v', $_ } 1 .. 800)
              . "; ljsession=ws:$u:2:$auth->{2}";
    cmp_ok length("Cookie: $value"), '<=', $LIMIT, 'within the limit';
    authenticated('800 cookies', $u, cookie_expire($u, $value));
};

# httpd merges repeated headers and applies the size limit to the result.
case 'cookie: 50 Cookie headers of 8000 bytes, the valid one in the last' => sub {
    my($u, $auth) = victim();
    my @h = ((map { "f$_=" . ('w' x 7990) . ';' } 1 .. 50),
             "ljsession=ws:$u:1:$auth->{1}");
    httpd_400('50 big Cookie headers', $u, cookie_expire($u, \@h));
};

# Failed cookies are not failed logins: after many of them the password
# still works.
case 'cookie: 10 failed cookie logins do not ban' => sub {
    my($u, $auth) = victim();
    for my $i (1 .. 10) {
        my $r = cookie_expire($u, "ljsession=ws:$u:1:WRONGAUTH$i");
        answer_ok("failed cookie $i: Invalid password", $r, success => 'FAIL',
                  errmsg => 'Invalid password');
    }
    my($res, $p) = expire($u, $PW, expire_id_3 => 1);
    is_deeply $p, { success => 'OK' }, 'the password still works: not banned';
    expect_sessions($u, 1, 2);
    sessions_as_expected('after 10 failed cookies', $u);
};

# A cookie of an expired session (planted with an expiry in the past: the
# test clock is not moved, which would expire every session of the suite).
case 'cookie: an expired session' => sub {
    my($u, $auth) = victim();
    plant_session($u, 10, time - 5, auth => 'ExpiredAb1');
    my $r = cookie_expire($u, "ljsession=ws:$u:10:ExpiredAb1");
    answer_ok('expired session: Invalid password', $r, success => 'FAIL',
              errmsg => 'Invalid password');
    # The module may have purged the expired row by now.
    my @left = session_ids($u);
    ok "@left" eq '1 2 3' || "@left" eq '1 2 3 10',
        "sessions 1-3 left (and maybe the expired 10): @left";
    expect_sessions($u, @left);
};

run_file();
