# PROTOCOL.md 2: account statuses.  sessiongenerate: S (suspended) and L
# (locked) are refused with their own errors, D (deleted) still works, X
# (expunged) is an unknown user.  sessionexpire: works for S, L and D
# (logging out is always safe), X is an unknown user.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 54;

my $pw = 'Status pw';

my %gen_error = (
    S => 'Client error: Action forbidden; account is suspended.',
    L => 'Client error: Account is locked and cannot be used.',
    X => 'Invalid username',
);

# A user with sessions 1, 2 and 3 made while active, then set to $status.
sub user_with_sessions {
    my $status = shift;
    my $user = new_user("st$status", $pw);
    generate_ok($user, $pw) for 1 .. 3;
    my($out, $rc, $err) = admin('status', $user, $status);
    die "status $user $status: $out$err" if $rc;
    return $user;
}

for my $status (qw(V S L D X)) {
    # sessiongenerate
    {
        my $user = user_with_sessions($status);
        my($res, $p) = generate($user, $pw);
        is $res->code, 200, "$status: sessiongenerate: HTTP 200";
        if (my $err = $gen_error{$status}) {
            is_deeply $p, { success => 'FAIL', errmsg => $err },
                "$status: sessiongenerate: $err" or diag $res->content;
            is_deeply [session_ids($user)], [1, 2, 3],
                "$status: sessiongenerate: no session created";
        }
        else {
            is $p && $p->{success}, 'OK', "$status: sessiongenerate works"
                or diag $res->content;
            like $p && $p->{ljsession} // '', qr/^ws:\Q$user\E:4:[A-Za-z0-9]{10}\z/,
                "$status: sessiongenerate: ljsession for session 4";
            is_deeply [session_ids($user)], [1, 2, 3, 4],
                "$status: sessiongenerate: session 4 listed";
        }
    }

    # sessionexpire, by id then all
    {
        my $user = user_with_sessions($status);
        my($res, $p) = expire($user, $pw, expire_id_2 => 1);
        is $res->code, 200, "$status: sessionexpire expire_id_2: HTTP 200";
        if ($status eq 'X') {
            is_deeply $p, { success => 'FAIL', errmsg => 'Invalid username' },
                "X: sessionexpire: Invalid username" or diag $res->content;
            is_deeply [session_ids($user)], [1, 2, 3],
                'X: sessionexpire expire_id_2: nothing deleted';
        }
        else {
            is_deeply $p, { success => 'OK' },
                "$status: sessionexpire expire_id_2: OK" or diag $res->content;
            is_deeply [session_ids($user)], [1, 3],
                "$status: sessionexpire expire_id_2: session 2 deleted";
        }

        ($res, $p) = expire($user, $pw, expireall => 1);
        if ($status eq 'X') {
            is_deeply $p, { success => 'FAIL', errmsg => 'Invalid username' },
                "X: sessionexpire expireall: Invalid username";
            is_deeply [session_ids($user)], [1, 2, 3],
                'X: sessionexpire expireall: nothing deleted';
        }
        else {
            is_deeply $p, { success => 'OK' },
                "$status: sessionexpire expireall: OK" or diag $res->content;
            is_deeply [session_ids($user)], [],
                "$status: sessionexpire expireall: every session deleted";
        }
    }
}

# Authentication comes before the status: a wrong password on a suspended
# or locked account is just a wrong password (the status is not given away),
# and deletes nothing.
for my $status (qw(S L D)) {
    my $user = user_with_sessions($status);
    my($res, $p) = generate($user, 'wrong');
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        "$status: sessiongenerate with a wrong password: Invalid password"
        or diag $res->content;
    ($res, $p) = expire($user, 'wrong', expireall => 1);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        "$status: sessionexpire with a wrong password: Invalid password"
        or diag $res->content;
    is_deeply [session_ids($user)], [1, 2, 3],
        "$status: wrong password: nothing deleted";
}

# An expunged account answers exactly like a user that does not exist.
{
    my $user = user_with_sessions('X');
    my($res_x)  = generate($user, $pw);
    my($res_no) = generate("nosuch_$$", $pw);
    is $res_x->content, $res_no->content,
        'X: the same answer as an unknown user';
}

# Back to V: everything works again, ids go on.
{
    my $user = user_with_sessions('L');
    my($out, $rc, $err) = admin('status', $user, 'V');
    is $rc, 0, 'status back to V' or diag "$out$err";
    my($id) = generate_ok($user, $pw);
    is $id, 4, 'an unlocked account gets session 4';
}
