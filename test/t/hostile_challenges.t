# Malformed challenges of every shape (issue 5, item 3): empty fields,
# missing or extra fields and colons, 1000-character challenges, unicode
# digits, negative and signed numbers, changed signatures, other schemes,
# blanks around, replays, expired ones, and hostile responses.  PROTOCOL.md
# 2: a challenge whose shape or MAC is wrong, or that was used before, is
# "Invalid password" and is not counted as a failed login; an expired one
# is "Challenge expired" (not counted); a wrong response to a good
# challenge is "Invalid password" and is counted.  The response to each
# malformed challenge is computed correctly over the text sent, with the
# right password, so only the challenge is at fault.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Chal pw 6';
my $BAD = 'Invalid password';

sub victim { return victim_of('hch', $PW) }

# A sessionexpire of session 3 by challenge.  $chal undef: no
# auth_challenge key; $resp undef: no auth_response key.
sub chal_expire {
    my($u, $chal, $resp, %o) = @_;
    my $body = "mode=sessionexpire&user=$u&auth_method=challenge&expire_id_3=1";
    $body .= '&auth_challenge=' . form_escape($chal) if defined $chal;
    $body .= '&auth_response=' . form_escape($resp) if defined $resp;
    return send_body($body, %o);
}

# The fields of a real challenge.
sub fields { return split /:/, shift, -1 }

# name, the challenge to send made from a fresh real one.
my @malformed = (
    [ 'no auth_challenge', sub { undef } ],
    [ 'empty', sub { '' } ],
    [ '"c0"', sub { 'c0' } ],
    [ '"c0:"', sub { 'c0:' } ],
    [ '"c0:::::"', sub { 'c0:::::' } ],
    [ '"c0::::::"', sub { 'c0::::::' } ],
    [ 'only colons (1000)', sub { ':' x 1000 } ],
    [ 'a colon appended', sub { "$_[0]:" } ],
    [ 'an extra field appended', sub { "$_[0]:extra" } ],
    [ 'a colon prepended', sub { ":$_[0]" } ],
    [ 'a space prepended', sub { " $_[0]" } ],
    [ 'a space appended', sub { "$_[0] " } ],
    [ 'a tab appended', sub { "$_[0]\t" } ],
    [ 'the rand field removed', sub { my @f = fields($_[0]); splice @f, 4, 1; join ':', @f } ],
    [ 'the sig field removed', sub { my @f = fields($_[0]); pop @f; join ':', @f } ],
    [ 's_age empty', sub { my @f = fields($_[0]); $f[2] = ''; join ':', @f } ],
    [ 'stime empty', sub { my @f = fields($_[0]); $f[1] = ''; join ':', @f } ],
    [ 'goodfor empty', sub { my @f = fields($_[0]); $f[3] = ''; join ':', @f } ],
    [ 'rand empty', sub { my @f = fields($_[0]); $f[4] = ''; join ':', @f } ],
    [ 'sig empty', sub { my @f = fields($_[0]); $f[5] = ''; join ':', @f } ],
    [ 'a doubled colon inside', sub { $_[0] =~ s/:/::/r } ],
    [ 'goodfor raised to 999999999999', sub { my @f = fields($_[0]); $f[3] = '999999999999'; join ':', @f } ],
    [ 'goodfor raised to 20 digits', sub { my @f = fields($_[0]); $f[3] = '9' x 20; join ':', @f } ],
    [ 'goodfor negative', sub { my @f = fields($_[0]); $f[3] = '-60'; join ':', @f } ],
    [ 's_age negative', sub { my @f = fields($_[0]); $f[2] = "-$f[2]"; join ':', @f } ],
    [ 'stime negative', sub { my @f = fields($_[0]); $f[1] = "-$f[1]"; join ':', @f } ],
    [ 'stime with a + sign', sub { my @f = fields($_[0]); $f[1] = "+$f[1]"; join ':', @f } ],
    [ 'stime with a leading zero', sub { my @f = fields($_[0]); $f[1] = "0$f[1]"; join ':', @f } ],
    [ 'stime moved by an hour', sub { my @f = fields($_[0]); $f[1] += 3600; join ':', @f } ],
    [ 'stime not on the hour', sub { my @f = fields($_[0]); $f[1] += 1; $f[2] -= 1 if $f[2] > 0; join ':', @f } ],
    [ 'stime 0', sub { my @f = fields($_[0]); $f[1] = 0; join ':', @f } ],
    [ 'stime of 30 digits', sub { my @f = fields($_[0]); $f[1] = '36' . ('0' x 28); join ':', @f } ],
    [ 'digits in Arabic-Indic', sub { $_[0] =~ s/(\d)/"\xD9" . chr(0xA0 + $1)/ger } ],
    [ 'fullwidth "c0"', sub { $_[0] =~ s/^c0/\xEF\xBD\x83\xEF\xBC\x90/r } ],
    [ 'scheme "C0"', sub { $_[0] =~ s/^c0/C0/r } ],
    [ 'scheme "c1"', sub { $_[0] =~ s/^c0/c1/r } ],
    [ 'no scheme', sub { $_[0] =~ s/^c0://r } ],
    [ 'sig in upper case', sub { my @f = fields($_[0]); $f[5] = uc $f[5]; join ':', @f } ],
    [ 'sig one character short', sub { substr $_[0], 0, -1 } ],
    [ 'sig one character long', sub { "$_[0]0" } ],
    [ 'sig with its last character changed', sub { my $c = $_[0]; substr($c, -1, 1) = substr($c, -1) eq '0' ? '1' : '0'; $c } ],
    [ 'sig all zeros', sub { my @f = fields($_[0]); $f[5] = '0' x 32; join ':', @f } ],
    [ 'sig of 64 hex characters', sub { my @f = fields($_[0]); $f[5] .= $f[5]; join ':', @f } ],
    [ 'rand one character short', sub { my @f = fields($_[0]); chop $f[4]; join ':', @f } ],
    [ 'rand with a "-"', sub { my @f = fields($_[0]); substr($f[4], 5, 1) = '-'; join ':', @f } ],
    [ 'rand changed', sub { my @f = fields($_[0]); $f[4] = reverse $f[4]; join ':', @f } ],
    [ 'rand in unicode', sub { my @f = fields($_[0]); $f[4] = "\xC3\xA9" x 10; join ':', @f } ],
    [ '1000 characters: the challenge and padding', sub { $_[0] . ('x' x (1000 - length $_[0])) } ],
    [ '1000 characters of digits and colons', sub { join ':', 'c0', ('1234567890') x 90 } ],
    [ 'the challenge twice', sub { "$_[0]$_[0]" } ],
    [ 'a literal "%00" appended', sub { "$_[0]%00" } ],
    [ 'SQL after it', sub { "$_[0]' OR '1'='1" } ],
    [ 'a challenge of the other cluster', sub {
          my($c) = get_challenge(host => 'se-othersecret.invalid'); $c } ],
);

for my $c (@malformed) {
    my($name, $make) = @$c;
    case "challenge: $name" => sub {
        my $u = victim();
        my $real = get_challenge();
        my $chal = $make->($real);
        my $resp = challenge_response($chal // '', $PW);
        my $r = chal_expire($u, $chal, $resp);
        answer_ok("$name: Invalid password", $r, success => 'FAIL', errmsg => $BAD);
        sessions_as_expected("$name: nothing expired", $u);
        is failures_of($u), 0, "$name: not counted as a failed login";
        # The real challenge was not burnt by the malformed one.
        $r = chal_expire($u, $real, challenge_response($real, $PW));
        answer_ok("$name: the real challenge still works", $r, success => 'OK');
        expect_sessions($u, 1, 2);
        sessions_as_expected("$name: then session 3 expired", $u);
    };
}

# Good challenges, hostile responses: counted (at most 3 per user).
my @responses = (
    [ 'upper-case response (accepted)', sub { uc challenge_response($_[0], $PW) }, 'ok' ],
    [ 'mixed-case response (accepted)', sub { my $x = challenge_response($_[0], $PW); $x =~ s/([a-f])([a-f0-9])/\U$1\E$2/g; $x }, 'ok' ],
    [ 'no auth_response', sub { undef }, 'counted' ],
    [ 'empty response', sub { '' }, 'counted' ],
    [ 'response one character short', sub { substr challenge_response($_[0], $PW), 0, 31 }, 'counted' ],
    [ 'response and one more character', sub { challenge_response($_[0], $PW) . '0' }, 'counted' ],
    [ 'response of 1000 characters', sub { challenge_response($_[0], $PW) x 31 }, 'counted' ],
    [ 'response with blanks around', sub { ' ' . challenge_response($_[0], $PW) . ' ' }, 'counted' ],
    [ 'md5(challenge . password), no inner md5', sub { Digest::MD5::md5_hex($_[0] . $PW) }, 'counted' ],
    [ 'md5(password . challenge)', sub { Digest::MD5::md5_hex(Digest::MD5::md5_hex($PW) . $_[0]) }, 'counted' ],
    [ 'the hpassword itself', sub { Digest::MD5::md5_hex($PW) }, 'counted' ],
    [ 'a response with non-hex letters', sub { 'g' x 32 }, 'counted' ],
    [ 'SQL as the response', sub { "' OR '1'='1' -- resp" }, 'counted' ],
);

for my $c (@responses) {
    my($name, $make, $want) = @$c;
    case "response: $name" => sub {
        my $u = victim();
        my $chal = get_challenge();
        my $r = chal_expire($u, $chal, $make->($chal));
        if ($want eq 'ok') {
            answer_ok("$name: OK", $r, success => 'OK');
            expect_sessions($u, 1, 2);
            is failures_of($u), 0, "$name: no failure counted";
        }
        else {
            answer_ok("$name: Invalid password", $r, success => 'FAIL', errmsg => $BAD);
            is failures_of($u), 1, "$name: counted as one failed login";
            # The challenge was used up by the failed attempt.
            $r = chal_expire($u, $chal, challenge_response($chal, $PW));
            answer_ok("$name: the same challenge again, right response: used up",
                      $r, success => 'FAIL', errmsg => $BAD);
            is failures_of($u), 1, "$name: the replay was not counted";
        }
        sessions_as_expected($name, $u);
    };
}

case 'challenge: replayed 20 times, then a fresh one works' => sub {
    my $u = victim();
    my $chal = get_challenge();
    my $resp = challenge_response($chal, $PW);
    my $r = chal_expire($u, $chal, $resp);
    answer_ok('first use: OK', $r, success => 'OK');
    expect_sessions($u, 1, 2);
    my @bad;
    for my $i (1 .. 20) {
        $r = chal_expire($u, $chal, $resp);
        push @bad, $i if problems_of($r, success => 'FAIL', errmsg => $BAD);
    }
    is_deeply \@bad, [], 'replays 1-20: Invalid password each';
    is failures_of($u), 0, 'replays are not counted';
    $chal = get_challenge();
    $r = chal_expire($u, $chal, challenge_response($chal, $PW));
    answer_ok('a fresh challenge: OK (not banned)', $r, success => 'OK');
    sessions_as_expected('replays', $u);
};

case 'challenge: expired (issued two minutes ago)' => sub {
    my $u = victim();
    set_clock(-120);
    my $chal = get_challenge();
    set_clock(0);
    my $r = chal_expire($u, $chal, challenge_response($chal, $PW));
    answer_ok('expired: Challenge expired', $r, success => 'FAIL',
              errmsg => 'Challenge expired');
    is failures_of($u), 0, 'expired: not counted';
    my $tampered = join ':', map { $_ } fields($chal);
    $tampered =~ s/:(\d+):(\d+):/":$1:" . ($2 + 120) . ':'/e;     # s_age moved
    $r = chal_expire($u, $tampered, challenge_response($tampered, $PW));
    answer_ok('expired, s_age pushed forward: Invalid password (MAC)', $r,
              success => 'FAIL', errmsg => $BAD);
    sessions_as_expected('expired', $u);
};

case 'challenge: sent with auth_method=clear, no password' => sub {
    my $u = victim();
    my $chal = get_challenge();
    my $r = send_body("mode=sessionexpire&user=$u&auth_method=clear&expire_id_3=1"
                      . '&auth_challenge=' . form_escape($chal)
                      . '&auth_response=' . challenge_response($chal, $PW));
    answer_ok('challenge fields with clear: Invalid password', $r,
              success => 'FAIL', errmsg => $BAD);
    sessions_as_expected('challenge fields with clear', $u);
};

case 'challenge: auth_method=challenge with a clear password only' => sub {
    my $u = victim();
    my $r = send_body("mode=sessionexpire&user=$u&auth_method=challenge&expire_id_3=1"
                      . '&password=' . form_escape($PW));
    answer_ok('challenge without a challenge: Invalid password', $r,
              success => 'FAIL', errmsg => $BAD);
    is failures_of($u), 0, 'no challenge at all: not counted';
    sessions_as_expected('challenge without a challenge', $u);
};

case 'challenge: getchallenge with hostile extra fields' => sub {
    my $r = send_body('mode=getchallenge&auth_scheme=c1&challenge=x&ver=1'
                      . '&expire_time=0&' . join('', map { "junk$_=1&" } 1 .. 100)
                      . 'user=%C0%AE');
    answer_ok('getchallenge ignores extra fields', $r, success => 'OK',
              challenge => 1);
    like $r->{pairs}{challenge} // '',
        qr/\Ac0:\d+:\d+:\d+:[A-Za-z0-9]{20}:[0-9a-f]{32}\z/,
        'a well-formed c0 challenge';
};

run_file();
