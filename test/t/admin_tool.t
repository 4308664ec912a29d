# sessionexpire-admin against the test database: useradd (and duplicates),
# passwd, status, sessions, purge; exit codes and what the module then sees.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 55;

my $pw = 'Admin pw';

# useradd, then the same name again (also spelled differently).
{
    my $name = "adm_add_$$";
    my($out, $rc, $err) = admin_with_input("$pw\n", 'useradd', $name);
    is $rc, 0, 'useradd: exit 0' or diag "$out$err";
    my($id) = generate_ok($name, $pw);
    is $id, 1, 'useradd: the new account authenticates';

    ($out, $rc, $err) = admin_with_input("other\n", 'useradd', $name);
    isnt $rc, 0, 'duplicate useradd: non-zero exit';
    like $err, qr/\S/, 'duplicate useradd: says why on stderr';
    (my $variant = uc $name) =~ tr/_/-/;
    ($out, $rc, $err) = admin_with_input("other\n", 'useradd', " $variant ");
    isnt $rc, 0, "duplicate useradd as ' $variant ': non-zero exit";

    my($res, $p) = generate($name, $pw);
    is $p && $p->{success}, 'OK',
        'after the duplicates the original password still works'
        or diag $res->content;
    ($res, $p) = generate($name, 'other');
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        "the duplicates' password does not" or diag $res->content;

    ($out, $rc, $err) = admin_with_input("$pw\n", 'useradd', 'a.b');
    isnt $rc, 0, 'useradd of an invalid name: non-zero exit';
    ($out, $rc, $err) = admin_with_input("$pw\n", 'useradd', 'x' x 26);
    isnt $rc, 0, 'useradd of a 26-character name: non-zero exit';
}

# passwd changes what authenticates.
{
    my $user = new_user('admpw', $pw);
    my($out, $rc, $err) = admin_with_input("New pw 2\n", 'passwd', $user);
    is $rc, 0, 'passwd: exit 0' or diag "$out$err";
    my($res, $p) = generate($user, $pw);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'passwd: the old password is now Invalid password' or diag $res->content;
    ($res, $p) = generate($user, 'New pw 2');
    is $p && $p->{success}, 'OK', 'passwd: the new password works'
        or diag $res->content;
    ($res, $p) = expire($user, 'New pw 2', expireall => 1);
    is_deeply $p, { success => 'OK' }, 'passwd: the new password works for sessionexpire';

    (my $variant = uc $user) =~ tr/_/-/;
    ($out, $rc, $err) = admin_with_input("Third pw\n", 'passwd', $variant);
    is $rc, 0, "passwd for '$variant' (canonicalised)" or diag "$out$err";
    ($res, $p) = generate($user, 'Third pw');
    is $p && $p->{success}, 'OK', 'passwd: the third password works';

    ($out, $rc, $err) = admin_with_input("x\n", 'passwd', "nosuch_$$");
    isnt $rc, 0, 'passwd of an unknown user: non-zero exit';
}

# status: the letters, bad letters, unknown users.
{
    my $user = new_user('admst', $pw);
    for my $bad ('Q', 'v', 's', 'VV', '', 'V S') {
        my($out, $rc, $err) = admin('status', $user, $bad);
        isnt $rc, 0, "status '$bad': non-zero exit";
    }
    my($res, $p) = generate($user, $pw);
    is $p && $p->{success}, 'OK', 'after the bad status letters the account is still active'
        or diag $res->content;

    my($out, $rc, $err) = admin('status', $user, 'L');
    is $rc, 0, 'status L: exit 0' or diag "$out$err";
    ($res, $p) = generate($user, $pw);
    is_deeply $p, { success => 'FAIL',
                    errmsg => 'Client error: Account is locked and cannot be used.' },
        'status L: the module sees a locked account';
    ($out, $rc, $err) = admin('status', $user, 'V');
    is $rc, 0, 'status V: exit 0';
    ($res, $p) = generate($user, $pw);
    is $p && $p->{success}, 'OK', 'status V: active again';

    ($out, $rc, $err) = admin('status', "nosuch_$$", 'S');
    isnt $rc, 0, 'status of an unknown user: non-zero exit';
}

# sessions: the listing, unknown users.
{
    my $user = new_user('admls', $pw);
    my($out, $rc, $err) = admin('sessions', $user);
    is $rc, 0, 'sessions of a user without any: exit 0' or diag $err;
    is $out, '', 'sessions of a user without any: no output';

    my $t0 = time;
    generate_ok($user, $pw);
    generate_ok($user, $pw, expiration => 'long', ipfixed => 1);
    my $t1 = time;
    ($out, $rc, $err) = admin('sessions', $user);
    is $rc, 0, 'sessions: exit 0';
    my @lines = split /\n/, $out, -1;
    is scalar @lines, 3, 'sessions: two lines, each ending in a newline';
    is $lines[2], '', 'sessions: nothing after the last newline';
    my($id1, $type1, $exp1, $ip1) = split /\t/, $lines[0] // '', -1;
    my($id2, $type2, $exp2, $ip2) = split /\t/, $lines[1] // '', -1;
    is_deeply [$id1, $type1, $ip1], [1, 'short', '-'], 'sessions: line 1';
    is_deeply [$id2, $type2, $ip2], [2, 'long', '127.0.0.1'], 'sessions: line 2';
    ok $exp1 =~ /^\d+\z/ && $exp1 >= $t0 + 86400 - 2 && $exp1 <= $t1 + 86400 + 2,
        'sessions: line 1 expiry' or diag $lines[0];
    ok $exp2 =~ /^\d+\z/ && $exp2 >= $t0 + 2592000 - 2 && $exp2 <= $t1 + 2592000 + 2,
        'sessions: line 2 expiry' or diag $lines[1];

    (my $variant = " \U$user\E ") =~ tr/_/-/;
    my($out2) = admin('sessions', $variant);
    is $out2, $out, "sessions '$variant' lists the same";

    ($out, $rc, $err) = admin('sessions', "nosuch_$$");
    isnt $rc, 0, 'sessions of an unknown user: non-zero exit';
    is $out, '', 'sessions of an unknown user: nothing on stdout';
    like $err, qr/\S/, 'sessions of an unknown user: says why on stderr';
}

# purge: only expired rows go, the count is printed.
{
    # Start from nothing expired (earlier files may have left some).
    my($out, $rc, $err) = admin('purge');
    is $rc, 0, 'first purge: exit 0' or diag "$out$err";

    my $a = new_user('admpg', $pw);
    my $b = new_user('admpg', $pw);
    generate_ok($a, $pw);                               # 1, valid
    generate_ok($b, $pw);                               # 1, valid
    my $now = time;
    plant_session($a, 500, $now - 3600);                # expired
    plant_session($a, 501, $now - 5);                   # expired
    plant_session($a, 502, $now + 3600);                # valid
    plant_session($b, 500, $now - 86400 * 40, exptype => 'long');   # expired
    plant_session($b, 501, $now + 600, ipfixed => '127.0.0.1');     # valid

    ($out, $rc, $err) = admin('purge');
    is $rc, 0, 'purge: exit 0' or diag "$out$err";
    like $out, qr/(?<!\d)3(?!\d)/, 'purge: prints the count, 3' or diag $out;
    unlike $out, qr/(?<!\d)(?!3)\d+(?!\d)/, 'purge: no other number' or diag $out;
    is_deeply [session_ids($a)], [1, 502], "purge: A's expired rows gone, valid ones kept";
    is_deeply [session_ids($b)], [1, 501], "purge: B's expired row gone, valid ones kept";

    ($out, $rc, $err) = admin('purge');
    is $rc, 0, 'purge again: exit 0';
    like $out, qr/(?<!\d)0(?!\d)/, 'purge again: prints 0' or diag $out;
    is_deeply [session_ids($a)], [1, 502], 'purge again: nothing else removed';

    # The valid sessions still work with the module.
    my($res, $p) = expire($a, $pw, expire_id_502 => 1);
    is_deeply $p, { success => 'OK' }, 'after purge: sessionexpire works';
    is_deeply [session_ids($a)], [1], 'after purge: session 502 expired';
}

# Usage errors.
{
    my($out, $rc, $err) = admin('nosuchcommand');
    is $rc, 2, 'unknown command: exit 2';
    ($out, $rc, $err) = admin('sessions');
    is $rc, 2, 'sessions without a user: exit 2';
    ($out, $rc, $err) = admin('status', 'someone');
    is $rc, 2, 'status without a letter: exit 2';
}
