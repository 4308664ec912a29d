# Hostile user names (issue 5, item 3): non-ASCII, overlong UTF-8 (%C0%AE),
# homoglyphs, control characters, whitespace of every kind, path and LIKE
# metacharacters, lengths around 25.  A user name is surrounding ASCII
# whitespace trimmed, then 1 to 25 of [A-Za-z0-9_-], lowercased, "-" -> "_"
# (PROTOCOL.md 2); anything else is "Client error: No username sent.", a
# well-formed name nobody has is "Invalid username".  None of them may
# reach another account, and respelling a name must not get around the
# failed-login ban.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Users pw 3';
my $NO_USER = 'Client error: No username sent.';
my $BAD_USER = 'Invalid username';

sub gen_body {
    my($raw_user, $password) = @_;
    return "mode=sessiongenerate&user=$raw_user&auth_method=clear&password="
         . form_escape($password // $PW);
}

# Each case: a name, how to write the user field from the victim's name
# (already as it goes on the wire), and what must come back: 'ok' (the
# victim authenticates), or an errmsg.
my @user_cases = (
    # Surrounding ASCII whitespace is trimmed.
    [ 'leading and trailing spaces', sub { "%20%20$_[0]%20" }, 'ok' ],
    [ '"+" (space) around', sub { "+$_[0]++" }, 'ok' ],
    [ 'tabs around', sub { "%09$_[0]%09%09" }, 'ok' ],
    [ 'CR LF around', sub { "%0D%0A$_[0]%0D%0A" }, 'ok' ],
    [ 'form feed and vertical tab around', sub { "%0C$_[0]%0B" }, 'ok' ],
    [ '1000 spaces and 1000 tabs around', sub { ('+' x 1000) . $_[0] . ('%09' x 1000) }, 'ok' ],
    [ 'upper case, "-" for "_"', sub { (uc $_[0]) =~ tr/_/-/r }, 'ok' ],
    [ 'escaped letters', sub { join '', map { sprintf '%%%02X', ord } split //, $_[0] }, 'ok' ],

    # Not ASCII whitespace: not trimmed, so no user name.
    [ 'NBSP (UTF-8) before', sub { "%C2%A0$_[0]" }, $NO_USER ],
    [ 'NBSP (Latin-1) after', sub { "$_[0]%A0" }, $NO_USER ],
    [ 'zero-width space before', sub { "%E2%80%8B$_[0]" }, $NO_USER ],
    [ 'zero-width joiner inside', sub { substr($_[0], 0, 2) . '%E2%80%8D' . substr($_[0], 2) }, $NO_USER ],
    [ 'ideographic space after', sub { "$_[0]%E3%80%80" }, $NO_USER ],
    [ 'NEL (U+0085) after', sub { "$_[0]%C2%85" }, $NO_USER ],
    [ 'space inside', sub { substr($_[0], 0, 3) . '+' . substr($_[0], 3) }, $NO_USER ],
    [ 'CR LF inside', sub { substr($_[0], 0, 3) . '%0D%0A' . substr($_[0], 3) }, $NO_USER ],

    # Overlong UTF-8, non-ASCII letters, homoglyphs.
    [ '%C0%AE alone', sub { '%C0%AE' }, $NO_USER ],
    [ '%C0%AE%C0%AE%C0%AF (overlong ../)', sub { '%C0%AE%C0%AE%C0%AF' }, $NO_USER ],
    [ 'name then %C0%AE', sub { "$_[0]%C0%AE" }, $NO_USER ],
    [ 'overlong "h" (%C1%A8)', sub { $_[0] =~ s/h/%C1%A8/r }, $NO_USER ],
    [ 'overlong 3-byte "h" (%E0%81%A8)', sub { $_[0] =~ s/h/%E0%81%A8/r }, $NO_USER ],
    [ 'Cyrillic shha (U+04BB) for h', sub { $_[0] =~ s/h/%D2%BB/r }, $NO_USER ],
    [ 'fullwidth H (U+FF28) for h', sub { $_[0] =~ s/h/%EF%BC%A8/r }, $NO_USER ],
    [ 'Latin-1 e-acute', sub { "$_[0]%E9" }, $NO_USER ],
    [ 'UTF-8 u-umlaut', sub { "%C3%BC$_[0]" }, $NO_USER ],
    [ 'Turkish dotless i', sub { "%C4%B1$_[0]" }, $NO_USER ],
    [ 'Kelvin sign (lowercases to k in Unicode)', sub { "%E2%84%AA$_[0]" }, $NO_USER ],
    [ 'emoji', sub { "$_[0]%F0%9F%98%80" }, $NO_USER ],
    [ 'right-to-left override', sub { "%E2%80%AE$_[0]" }, $NO_USER ],
    [ 'invalid UTF-8 %FF%FE', sub { '%FF%FE' . $_[0] }, $NO_USER ],
    [ 'lone continuation byte %80', sub { "$_[0]%80" }, $NO_USER ],
    [ 'UTF-16 surrogate %ED%A0%80', sub { "$_[0]%ED%A0%80" }, $NO_USER ],

    # Control characters.
    [ 'SOH inside', sub { substr($_[0], 0, 2) . '%01' . substr($_[0], 2) }, $NO_USER ],
    [ 'BEL after', sub { "$_[0]%07" }, $NO_USER ],
    [ 'ESC [31m (terminal colour)', sub { "%1B%5B31m$_[0]" }, $NO_USER ],
    [ 'DEL after', sub { "$_[0]%7F" }, $NO_USER ],
    [ 'backspace over a prefix', sub { "x%08$_[0]" }, $NO_USER ],
    [ 'every control character', sub { join('', map { sprintf '%%%02X', $_ } 1 .. 8, 14 .. 31, 127) . $_[0] }, $NO_USER ],

    # Path, shell and pattern characters.
    [ '"."', sub { '.' }, $NO_USER ],
    [ '".."', sub { '..' }, $NO_USER ],
    [ '"../" then the name', sub { "..%2F$_[0]" }, $NO_USER ],
    [ 'name then "/"', sub { "$_[0]%2F" }, $NO_USER ],
    [ 'name then a backslash', sub { "$_[0]%5C" }, $NO_USER ],
    [ '"*"', sub { '*' }, $NO_USER ],
    [ '"%" (LIKE any)', sub { '%25' }, $NO_USER ],
    [ 'name then "%"', sub { "$_[0]%25" }, $NO_USER ],
    [ '"$(id)"', sub { '%24%28id%29' }, $NO_USER ],
    [ 'name then ";"', sub { "$_[0]%3B" }, $NO_USER ],
    [ 'name then "@example.com"', sub { "$_[0]%40example.com" }, $NO_USER ],
    [ 'name then ".example"', sub { "$_[0].example" }, $NO_USER ],

    # Well-formed names nobody has: _ is not a wildcard.
    [ 'one character replaced by "_"', sub { '_' . substr($_[0], 1) }, $BAD_USER ],
    [ 'every character "_"', sub { '_' x length $_[0] }, $BAD_USER ],
    [ '"-" alone (canonical "_")', sub { '-' }, $BAD_USER ],
    [ 'the name with "_" appended', sub { "$_[0]_" }, $BAD_USER ],
    [ 'the name without its serial number', sub { $_[0] =~ s/\d+\z//r }, $BAD_USER ],
    [ '25 characters', sub { 'z' x 25 }, $BAD_USER ],
    [ '25 characters between spaces', sub { '+' . ('z' x 25) . '+' }, $BAD_USER ],

    # Lengths and empties.
    [ '26 characters', sub { 'z' x 26 }, $NO_USER ],
    [ 'the name padded to 26 with "_"', sub { $_[0] . ('_' x (26 - length $_[0])) }, $NO_USER ],
    [ '5000 characters', sub { 'z' x 5000 }, $NO_USER ],
    [ 'empty', sub { '' }, $NO_USER ],
    [ 'spaces only', sub { '+++%20%09' }, $NO_USER ],
    [ 'user key without "="', sub { undef }, $NO_USER ],
);

for my $c (@user_cases) {
    my($name, $make, $want) = @$c;
    case "user: $name" => sub {
        my $u = my_user('hu', $PW);
        my $raw = $make->($u);
        my $body = defined $raw ? gen_body($raw)
                 : 'mode=sessiongenerate&user&password=' . form_escape($PW);
        my $r = send_body($body);
        if ($want eq 'ok') {
            answer_ok("$name: authenticates as $u", $r, success => 'OK',
                      ljsession_of => $u);
            expect_sessions($u, 1);
        }
        else {
            answer_ok("$name: $want", $r, success => 'FAIL', errmsg => $want);
        }
        sessions_as_expected($name, $u);
    };
}

# The order of checks: getchallenge needs no user; any other mode first
# needs a user name, then a known mode.
case 'getchallenge ignores a hostile user' => sub {
    my $r = send_body('mode=getchallenge&user=%C0%AE%00x%FF');
    # A NUL is refused before anything else.
    answer_ok('getchallenge, user with NUL: Invalid argument(s)', $r,
              success => 'FAIL', errmsg => qr/^\QClient error: Invalid argument(s)\E.*user/);
    $r = send_body('mode=getchallenge&user=%C0%AE%FF%0D%0A');
    answer_ok('getchallenge, user %C0%AE%FF: a challenge', $r, success => 'OK',
              challenge => 1);
};

case 'unknown mode: a hostile user is "no username" first' => sub {
    my $r = send_body('mode=bogus&user=%C0%AE');
    answer_ok('unknown mode, hostile user', $r, success => 'FAIL',
              errmsg => $NO_USER);
};

case 'sessionexpire with a homoglyph of a user: nothing expired' => sub {
    my $u = my_user('hu', $PW);
    give_sessions($u, $PW, 2);
    my $raw = $u =~ s/h/%D2%BB/r;
    my $r = send_body("mode=sessionexpire&user=$raw&password="
                      . form_escape($PW) . '&expireall=1');
    answer_ok('homoglyph: No username sent.', $r, success => 'FAIL',
              errmsg => $NO_USER);
    sessions_as_expected('homoglyph', $u);
};

# The failed-login count is per canonical user: respelling does not help.
case 'the ban follows the canonical name, however it is spelled' => sub {
    my $u = my_user('hu', $PW);
    (my $upper = uc $u) =~ tr/_/-/;
    my @spellings = (" $u", "$upper", "\t$u\r\n", ucfirst $u);
    for my $i (0 .. 3) {
        my $r = send_body(gen_body(form_escape($spellings[$i]), "Wrong-$i-pw"));
        answer_ok("wrong password #" . ($i + 1) . " as '"
                  . ($spellings[$i] =~ s/\s/ /gr) . "'", $r,
                  success => 'FAIL', errmsg => 'Invalid password');
    }
    my $r = send_body(gen_body(form_escape(uc $u)));
    answer_ok('the right password, yet another spelling: banned', $r,
              success => 'FAIL', errmsg => qr/temporarily banned/);
    sessions_as_expected('banned: no session', $u);
};

run_file();
