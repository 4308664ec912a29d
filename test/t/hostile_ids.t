# Hostile expire_id_<N> keys (issue 5, item 3): as many expire_id keys as
# fit in the default 64 KiB body (10,000 cannot: "expire_id_N=1&" is 14
# bytes at least), in random order, true and false, existing or not, must
# expire exactly the right sessions; 10,000 of them (over the cap) change
# nothing; ids that overflow 32 or 64 bits, or are not plain decimal digits,
# are "Invalid argument(s)" and change nothing, not even the valid ids of
# the same request; other users' sessions are never touched.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use List::Util ();

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;
use SEHostile;

my $PW = 'Hostile-Ids pw 2';
my $CAP = 65536;
my $INVALID = qr/^\QClient error: Invalid argument(s)\E/;

sub auth_of { return clear_auth($_[0], $PW) }

sub victim { return victim_of('hids', $PW) }

# A deterministic shuffle (the order of keys must not matter).
sub shuffled {
    my @a = @_;
    my $seed = 12345;
    for (my $i = $#a; $i > 0; $i--) {
        $seed = ($seed * 1103515245 + 12345) % 2147483648;
        my $j = $seed % ($i + 1);
        @a[$i, $j] = @a[$j, $i];
    }
    return @a;
}

############################################################################
# As many expire_id keys as fit.

case 'as many expire_id keys as fit in 64 KiB' => sub {
    my $a = my_user('hids', $PW);
    my $b = my_user('hids', $PW);
    plant_sessions($a, 1, 5000);
    plant_sessions($b, 1, 300);

    # Odd N: deleted unless N is a multiple of 3 (then the value is 0, or
    # empty, or absent "=": false, kept).  Even N: no key.  Ids past 5000
    # do not exist.
    my(@keys, %deleted);
    my $len = length(auth_of($a));
    my $n = 1;
    while (1) {
        my $key;
        if ($n % 2) {
            $key = $n % 3 ? "expire_id_$n=" . ($n % 7 ? 1 : 'yes')
                 : $n % 9 ? "expire_id_$n=0" : $n % 5 ? "expire_id_$n=" : "expire_id_$n";
        }
        if (defined $key) {
            last if $len + 1 + length $key > $CAP;
            $len += 1 + length $key;
            push @keys, $key;
            $deleted{$n} = 1 if $n % 3 && $n <= 5000;
        }
        $n++;
    }
    my $body = join '&', auth_of($a), shuffled(@keys);
    note sprintf '%d expire_id keys (ids up to %d), %d bytes, %d sessions to expire',
        scalar @keys, $n - 1, length $body, scalar keys %deleted;
    cmp_ok scalar @keys, '>', 3500, 'more than 3,500 keys fit';
    cmp_ok length $body, '<=', $CAP, 'within the cap';

    my $r = send_body($body, timeout => 30);
    answer_ok('all those keys: OK', $r, success => 'OK');
    expect_sessions($a, grep { !$deleted{$_} } 1 .. 5000);
    sessions_as_expected('exactly the true, existing ids were expired', $a);
    sessions_as_expected("the other user's sessions are untouched", $b);
};

case '10,000 expire_id keys (over the cap): 413, nothing expired' => sub {
    my $a = my_user('hids', $PW);
    plant_sessions($a, 1, 10000);
    my $body = join '&', auth_of($a), map { "expire_id_$_=1" } 1 .. 10000;
    note length($body) . ' bytes';
    my $r = send_body($body, timeout => 30);
    answer_ok('10,000 expire_id keys: 413', $r, status => 413,
              success => 'FAIL', errmsg => qr/too large/);
    sessions_as_expected('10,000 expire_id keys: nothing expired', $a);
};

case '3,000 valid expire_id keys and one invalid one: nothing expired' => sub {
    my $a = my_user('hids', $PW);
    plant_sessions($a, 1, 3000);
    my $body = join '&', auth_of($a),
        shuffled((map { "expire_id_$_=1" } 1 .. 3000), 'expire_id_3x=1');
    my $r = send_body($body, timeout => 30);
    answer_ok('one invalid id among 3,000: Invalid argument(s)', $r,
              success => 'FAIL', errmsg => $INVALID);
    sessions_as_expected('one invalid id among 3,000: nothing expired', $a);
};

case '3,000 expire_id keys of another user\'s ids' => sub {
    my $a = my_user('hids', $PW);
    my $b = my_user('hids', $PW);
    plant_sessions($a, 1, 10);
    plant_sessions($b, 1, 3000);
    my $body = join '&', auth_of($a), map { "expire_id_$_=1" } 1 .. 3000;
    my $r = send_body($body, timeout => 30);
    answer_ok('A expires ids 1 to 3000: OK', $r, success => 'OK');
    expect_sessions($a);
    sessions_as_expected('A has no session left', $a);
    sessions_as_expected("B's 3,000 sessions are all there", $b);
};

case 'expireall with 3,000 invalid expire_id keys' => sub {
    my $a = my_user('hids', $PW);
    plant_sessions($a, 1, 50);
    # expireall wins: the ids are not even looked at.
    my $body = join '&', auth_of($a), 'expireall=1',
        map { "expire_id_x$_=1" } 1 .. 3000;
    my $r = send_body($body);
    answer_ok('expireall and invalid ids: OK', $r, success => 'OK');
    expect_sessions($a);
    sessions_as_expected('expireall and invalid ids: all expired', $a);
};

############################################################################
# Ids that overflow, or are not plain decimal digits.

my @invalid_ids = (
    '99999999999999999999999',
    '2147483648',                       # one past the largest session id
    '4294967296', '4294967297',         # 2^32, 2^32 + 1 (1 if it wrapped)
    '4294967298',
    '9223372036854775807', '9223372036854775808',
    '18446744073709551615', '18446744073709551616', '18446744073709551617',
    '-1', '-0', '+1', '%2B2', '1e0', '0x1', '0x3', '1.', '2.0', '1,2',
    '%201', '1%20', '%091', '1%09', '%D9%A1', '%EF%BC%91', '%C2%B9',
    '%C0%B1', '1%C0%80', 'I', 'one', '_1', '1_', '__1', '1_2', '',
    '1' . ('0' x 30),
    '0' x 20 . '2147483648',
);
for my $id (@invalid_ids) {
    case "invalid id: expire_id_$id=1" => sub {
        my $u = victim();
        my $r = send_body(auth_of($u) . "&expire_id_$id=1&expire_id_1=1");
        answer_ok("expire_id_$id: Invalid argument(s)", $r, success => 'FAIL',
                  errmsg => $INVALID);
        sessions_as_expected("expire_id_$id: nothing expired", $u);
    };
}

# Valid ids that name no session: ignored.  Leading zeros: the same id.
my @valid_ids = (
    [ '2147483647', [1, 2, 3] ],
    [ '0', [1, 2, 3] ],
    [ '00', [1, 2, 3] ],
    [ '4', [1, 2, 3] ],
    [ '0' x 40 . '3', [1, 2] ],
    [ '0' x 30 . '2147483647', [1, 2, 3] ],
    [ '%32', [1, 3] ],                          # "2", escaped
    [ '%30%30%31', [2, 3] ],                    # "001"
);
for my $c (@valid_ids) {
    my($id, $left) = @$c;
    case "valid id: expire_id_$id=1" => sub {
        my $u = victim();
        my $r = send_body(auth_of($u) . "&expire_id_$id=1");
        answer_ok("expire_id_$id: OK", $r, success => 'OK');
        expect_sessions($u, @$left);
        sessions_as_expected("expire_id_$id", $u);
    };
}

# A false value is never looked at, whatever the id.
for my $c ([ '99999999999999999999999', '0' ], [ 'abc', '' ],
           [ '-1', undef ], [ '4294967297', '0' ]) {
    my($id, $v) = @$c;
    my $pair = "expire_id_$id" . (defined $v ? "=$v" : '');
    case "false value: $pair" => sub {
        my $u = victim();
        my $r = send_body(auth_of($u) . "&$pair&expire_id_2=1");
        answer_ok("$pair: OK", $r, success => 'OK');
        expect_sessions($u, 1, 3);
        sessions_as_expected($pair, $u);
    };
}

# Keys that are not expire_id_<N> at all: ignored.
for my $key ('Expire_id_1', 'EXPIRE_ID_1', 'expire_id1', 'expireid_1',
             'expire_id__1', ' expire_id_1', 'xexpire_id_1', 'expire-id-1') {
    case "not an expire_id key: '$key'" => sub {
        my $u = victim();
        my $r = send_body(auth_of($u) . '&' . form_escape($key) . '=1');
        if ($key eq 'expire_id__1') {
            # "_1" after the prefix is not decimal digits: an invalid id.
            answer_ok("'$key': Invalid argument(s)", $r, success => 'FAIL',
                      errmsg => $INVALID);
        }
        else {
            answer_ok("'$key': OK, ignored", $r, success => 'OK');
        }
        sessions_as_expected("'$key': nothing expired", $u);
    };
}

run_file();
