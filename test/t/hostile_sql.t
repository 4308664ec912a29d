# SQL metacharacters in every field (issue 5, item 3): user, password,
# hpassword, auth_method, auth_challenge, auth_response, cookies (user,
# session id and auth code), expire_id keys and values, expireall, mode,
# ver, expiration, ipfixed, unknown keys; and accounts whose passwords are
# SQL.  Every answer is the protocol error the field's content calls for
# (or the right result), and afterwards the tables are all there, the
# users are exactly those expected, and every session is exactly where it
# should be (a bystander's included).
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Digest::MD5 ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Sql pw 7';
my $BAD = 'Invalid password';
my $NO_USER = 'Client error: No username sent.';
my $INVALID = qr/^\QClient error: Invalid argument(s)\E/;

my @PAYLOADS = (
    q{' OR '1'='1},
    q{' OR 1=1 --},
    q{'; DROP TABLE se_users; --},
    q{"; DROP TABLE se_users; --},
    q{'); DELETE FROM se_sessions; --},
    q{1; DELETE FROM se_sessions},
    q{' UNION SELECT 1, '5f4dcc3b5aa765d61d8327deb882cf99', 'V' --},
    q{%27},
    q{\\},
    q{\\'},
    q{' || (SELECT password_md5 FROM se_users LIMIT 1) || '},
    q{'; ATTACH DATABASE '/tmp/se-pwned.db' AS p; --},
    q{%_*?$1:a@b`},
    q{/* */ -- #},
);

# A payload as shown in a case's name.
sub short { my $p = shift; $p =~ s/[^\x20-\x7e]/?/g; length $p > 28 ? substr($p, 0, 28) . '...' : $p }

my $bystander;
sub bystander {
    $bystander //= do {
        my $u = my_user('hsqlby', $PW);
        give_sessions($u, $PW, 3);
        $u;
    };
    return $bystander;
}

sub victim {
    bystander();
    return victim_of('hsql', $PW);
}

# What the user field makes of $raw (PROTOCOL.md 2).
sub canonical {
    my $s = shift;
    $s =~ s/\A[ \t\n\r\f\x0b]+//;
    $s =~ s/[ \t\n\r\f\x0b]+\z//;
    return undef unless $s =~ /\A[A-Za-z0-9_-]{1,25}\z/;
    return lc($s) =~ tr/-/_/r;
}

# After every case: the schema is there and the users are all there.
sub db_still_fine {
    my $name = shift;
    ok tables_ok(), "$name: every table still there";
}

sub body_of {
    my($u, %pairs) = @_;
    my %all = (mode => 'sessionexpire', user => $u, auth_method => 'clear',
               password => $PW, %pairs);
    delete $all{$_} for grep { !defined $all{$_} } keys %all;
    return form_encode(\%all);
}

my $i = 0;
for my $p (@PAYLOADS) {
    $i++;
    my $tag = " sql$i";               # passwords differ from everything else
    my $sp = short($p);

    case "user = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($p, expireall => 1));
        my $c = canonical($p);
        answer_ok("user $sp", $r, success => 'FAIL',
                  errmsg => defined $c ? 'Invalid username' : $NO_USER);
        sessions_as_expected("user $sp", $u);
        db_still_fine("user $sp");
    };

    case "user = name followed by $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of("$u$p", expireall => 1));
        answer_ok("user name.$sp", $r, success => 'FAIL',
                  errmsg => defined canonical("$u$p") ? 'Invalid username' : $NO_USER);
        sessions_as_expected("user name.$sp", $u);
    };

    case "password = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, password => "$p$tag", expireall => 1));
        answer_ok("password $sp", $r, success => 'FAIL', errmsg => $BAD);
        $r = send_body(body_of($u, password => "$PW$p", expireall => 1));
        answer_ok("the password followed by $sp", $r, success => 'FAIL', errmsg => $BAD);
        sessions_as_expected("password $sp", $u);
        db_still_fine("password $sp");
    };

    case "hpassword = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, password => undef,
                                  hpassword => "$p$tag", expireall => 1));
        answer_ok("hpassword $sp", $r, success => 'FAIL', errmsg => $BAD);
        $r = send_body(body_of($u, password => undef,
                               hpassword => Digest::MD5::md5_hex($PW) . $p,
                               expireall => 1));
        answer_ok("the right hpassword followed by $sp", $r, success => 'FAIL',
                  errmsg => $BAD);
        sessions_as_expected("hpassword $sp", $u);
    };

    case "auth_method = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, auth_method => $p, expireall => 1));
        answer_ok("auth_method $sp", $r, success => 'FAIL', errmsg => $BAD);
        sessions_as_expected("auth_method $sp", $u);
    };

    case "auth_challenge = $sp, and a real one followed by it" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, auth_method => 'challenge', password => undef,
                                  auth_challenge => $p,
                                  auth_response => challenge_response($p, $PW),
                                  expireall => 1));
        answer_ok("auth_challenge $sp", $r, success => 'FAIL', errmsg => $BAD);
        my $c = get_challenge() . $p;
        $r = send_body(body_of($u, auth_method => 'challenge', password => undef,
                               auth_challenge => $c,
                               auth_response => challenge_response($c, $PW),
                               expireall => 1));
        answer_ok("a real challenge followed by $sp", $r, success => 'FAIL',
                  errmsg => $BAD);
        sessions_as_expected("auth_challenge $sp", $u);
        # Searched here, not in SQL: no substring function is the same
        # on every database.
        ok index(sql('SELECT challenge FROM se_challenges'), $p) < 0,
           "auth_challenge $sp: never stored as a used challenge";
    };

    case "auth_response = $sp" => sub {
        my $u = victim();
        my $c = get_challenge();
        my $r = send_body(body_of($u, auth_method => 'challenge', password => undef,
                                  auth_challenge => $c, auth_response => "$p$tag",
                                  expireall => 1));
        answer_ok("auth_response $sp", $r, success => 'FAIL', errmsg => $BAD);
        sessions_as_expected("auth_response $sp", $u);
    };

    case "cookie fields = $sp" => sub {
        my $u = victim();
        my($id, $auth) = generate_ok($u, $PW);
        expect_sessions($u, 1 .. 4);
        (my $cp = $p) =~ s/;/,/g;        # a ";" would end the cookie
        for my $cookie ("ws:$u$cp:$id:$auth", "ws:$u:$id$cp:$auth",
                        "ws:$u:$id:$auth$cp", "ws:$cp:$id:$auth",
                        "ws:$u:$cp:$auth", "ws:$u:$id:$cp") {
            my $r = send_body(body_of($u, auth_method => 'cookie', password => undef,
                                      expireall => 1),
                              headers => [ 'X-LJ-Auth' => 'cookie',
                                           Cookie => "ljsession=$cookie" ]);
            if (($r->{status} // 0) == 400) {
                answer_ok("cookie $cookie: httpd's 400", $r, httpd_error => 1);
            }
            else {
                answer_ok("cookie " . short($cookie), $r, success => 'FAIL',
                          errmsg => $BAD);
            }
        }
        sessions_as_expected("cookie fields $sp", $u);
        db_still_fine("cookie fields $sp");
    };

    case "expire_id key = expire_id_1 followed by $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, "expire_id_1$p" => 1, expire_id_2 => 1));
        answer_ok("expire_id_1$sp", $r, success => 'FAIL', errmsg => $INVALID);
        $r = send_body(body_of($u, "expire_id_$p" => 1));
        answer_ok("expire_id_$sp", $r, success => 'FAIL', errmsg => $INVALID);
        sessions_as_expected("expire_id key $sp", $u);
        db_still_fine("expire_id key $sp");
    };

    case "expire_id_2 value = $sp (true: expires session 2 only)" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, expire_id_2 => $p));
        answer_ok("expire_id_2=$sp", $r, success => 'OK');
        expect_sessions($u, 1, 3);
        sessions_as_expected("expire_id_2=$sp", $u);
    };

    case "expireall value = $sp (true: only this user's sessions)" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, expireall => $p));
        answer_ok("expireall=$sp", $r, success => 'OK');
        expect_sessions($u);
        sessions_as_expected("expireall=$sp", $u);
        sessions_as_expected("expireall=$sp: the bystander", bystander());
    };

    case "mode = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, mode => $p, expireall => 1));
        (my $shown = $p) =~ s/[\r\n]//g;
        answer_ok("mode $sp", $r, success => 'FAIL',
                  errmsg => "Client error: Unknown mode ($shown)");
        sessions_as_expected("mode $sp", $u);
    };

    case "ver = $sp" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, ver => $p, expireall => 1));
        answer_ok("ver $sp", $r, success => 'FAIL', errmsg => qr/$INVALID.*ver/);
        sessions_as_expected("ver $sp", $u);
    };

    case "expiration and ipfixed = $sp, other keys and values" => sub {
        my $u = victim();
        my $r = send_body(body_of($u, mode => 'sessiongenerate', expiration => $p,
                                  ipfixed => $p, $p => $p, "x$p" => 1));
        answer_ok("sessiongenerate with $sp", $r, success => 'OK',
                  ljsession_of => $u);
        expect_sessions($u, 1 .. 4);
        my @s = sessions_of($u);
        is $s[-1]{type}, 'short', "expiration $sp: a short session";
        is $s[-1]{ip}, '127.0.0.1', "ipfixed $sp (true): bound to the IP";
        sessions_as_expected("sessiongenerate with $sp", $u);
    };
}

# Accounts whose passwords are SQL: they work, and only they do.
$i = 0;
for my $p (@PAYLOADS[0 .. 6]) {
    $i++;
    my $sp = short($p);
    my $pw = "$p pwd$i";
    case "an account whose password is $sp" => sub {
        my $u = my_user('hsqlpw', $pw);
        my $r = send_body(body_of($u, mode => 'sessiongenerate', password => $pw));
        answer_ok("clear: OK", $r, success => 'OK', ljsession_of => $u);
        $r = send_body(body_of($u, mode => 'sessiongenerate', password => undef,
                               hpassword => Digest::MD5::md5_hex($pw)));
        answer_ok("hpassword: OK", $r, success => 'OK', ljsession_of => $u);
        my $c = get_challenge();
        $r = send_body(body_of($u, mode => 'sessiongenerate', password => undef,
                               auth_method => 'challenge', auth_challenge => $c,
                               auth_response => challenge_response($c, $pw)));
        answer_ok("challenge: OK", $r, success => 'OK', ljsession_of => $u);
        expect_sessions($u, 1, 2, 3);
        $r = send_body(body_of($u, password => substr($pw, 0, -1), expireall => 1));
        answer_ok("the password less its last character: Invalid password", $r,
                  success => 'FAIL', errmsg => $BAD);
        $r = send_body(body_of($u, password => $PAYLOADS[0] =~ s/1/2/gr, expireall => 1));
        answer_ok("another SQL string: Invalid password", $r,
                  success => 'FAIL', errmsg => $BAD);
        sessions_as_expected("password $sp", $u);
        db_still_fine("password $sp");
    };
}

run_file(more_tests => 1, after => sub {
    ok !-e '/tmp/se-pwned.db', 'no database was attached anywhere';
});
