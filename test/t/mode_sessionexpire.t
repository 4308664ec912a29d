# PROTOCOL.md 2, sessionexpire: expire_id_<N> and expireall, the truth rule
# (present, not empty, not 0), ids that do not exist, other users' sessions,
# invalid ids, wrong passwords.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 154;

my $pw = 'Expire pw';
use constant OK => { success => 'OK' };

# A new user with sessions 1 .. $n.
sub user_with {
    my $n = shift;
    my $user = new_user('exp', $pw);
    generate_ok($user, $pw) for 1 .. $n;
    return $user;
}

# A sessionexpire with these pairs (a raw body string or a hash of pairs);
# expects $want and then exactly @left sessions.
sub expire_case {
    my($name, $user, $what, $want, @left) = @_;
    my($res, $p) = ref $what
        ? expire($user, $pw, %$what)
        : flat_post("mode=sessionexpire&user=$user&auth_method=clear"
                    . '&password=' . form_escape($pw) . "&$what");
    is $res->code, 200, "$name: HTTP 200";
    if (ref $want eq 'Regexp') {
        is $p && $p->{success}, 'FAIL', "$name: success FAIL";
        like $p && $p->{errmsg} // '', $want, "$name: errmsg";
        is_deeply [sort keys %{ $p || {} }], [qw(errmsg success)],
            "$name: only errmsg and success";
    }
    else {
        is_deeply $p, $want, "$name: answer" or diag $res->content;
    }
    is_deeply [session_ids($user)], \@left, "$name: sessions left: @left";
}

# expire_id_N: one id, several ids.
{
    my $u = user_with(5);
    expire_case('expire_id_2=1', $u, { expire_id_2 => 1 }, OK, 1, 3, 4, 5);
    expire_case('expire_id_1 and expire_id_4', $u,
                { expire_id_1 => 1, expire_id_4 => 1 }, OK, 3, 5);
    expire_case('expire_id_2 again (already gone)', $u,
                { expire_id_2 => 1 }, OK, 3, 5);
}

# The truth rule for expire_id_N: "0" and "" do nothing; anything else
# (as in Perl) is true.
{
    my $u = user_with(4);
    expire_case('expire_id_1=0', $u, { expire_id_1 => '0' }, OK, 1, 2, 3, 4);
    expire_case('expire_id_1= (empty)', $u, 'expire_id_1=', OK, 1, 2, 3, 4);
    expire_case('expire_id_1 without =', $u, 'expire_id_1', OK, 1, 2, 3, 4);
    expire_case('expire_id_1=yes', $u, { expire_id_1 => 'yes' }, OK, 2, 3, 4);
    expire_case('expire_id_2=00 (not "0": true)', $u, { expire_id_2 => '00' },
                OK, 3, 4);
    expire_case('expire_id_3=false (true: not empty, not 0)', $u,
                { expire_id_3 => 'false' }, OK, 4);
}

# expireall.
{
    my $u = user_with(3);
    expire_case('expireall=0', $u, { expireall => '0' }, OK, 1, 2, 3);
    expire_case('expireall= (empty)', $u, 'expireall=', OK, 1, 2, 3);
    expire_case('expireall=0 with expire_id_2=1', $u,
                { expireall => '0', expire_id_2 => 1 }, OK, 1, 3);
    expire_case('expireall= with expire_id_3=1', $u,
                'expireall=&expire_id_3=1', OK, 1);
    generate_ok($u, $pw) for 1 .. 2;                    # 4, 5
    expire_case('expireall=1', $u, { expireall => 1 }, OK);
    expire_case('expireall=1 with nothing left', $u, { expireall => 1 }, OK);
}
{
    my $u = user_with(3);
    expire_case('expireall=yes', $u, { expireall => 'yes' }, OK);
}

# Ids that do not exist are ignored; neither key does nothing.
{
    my $u = user_with(3);
    expire_case('ids that do not exist', $u,
                { expire_id_4 => 1, expire_id_1000 => 1,
                  expire_id_2147483647 => 1, expire_id_0 => 1 },
                OK, 1, 2, 3);
    expire_case('one id that exists among ids that do not', $u,
                { expire_id_77 => 1, expire_id_2 => 1 }, OK, 1, 3);
    expire_case('neither expireall nor expire_id', $u, {}, OK, 1, 3);
    expire_case('other keys only', $u,
                { expire => 1, expire_id => 1, expireid_1 => 1,
                  EXPIRE_ID_1 => 1, Expireall => 1, expire_id_1x => 0 },
                OK, 1, 3);
}

# Keys are decoded like values; a leading zero is still the same id.
{
    my $u = user_with(3);
    expire_case('expire%5fid%5f2=1 (escaped key)', $u,
                'expire%5fid%5f2=1', OK, 1, 3);
    expire_case('expire_id_01=1', $u, 'expire_id_01=1', OK, 3);
    expire_case('expire_id_003=1', $u, 'expire_id_003=1', OK);
}

# Invalid ids with a true value: Invalid argument(s), and nothing deleted,
# not even the valid ids of the same request.
{
    my $u = user_with(3);
    my $invalid = qr/^\QClient error: Invalid argument(s)\E(?:: .*)?\z/;
    for my $raw ('expire_id_abc=1', 'expire_id_-1=1',
                 'expire_id_99999999999999999999=1', 'expire_id_=1',
                 'expire_id_1a=1', 'expire_id_+1=1', 'expire_id_%201=1',
                 'expire_id_1.0=1', 'expire_id_%EF%BC%91=1',
                 'expire_id_1=1&expire_id_abc=1',
                 'expire_id_abc=1&expire_id_1=1&expire_id_2=1') {
        expire_case($raw, $u, $raw, $invalid, 1, 2, 3);
    }
    # A false value is not checked at all.
    expire_case('expire_id_abc=0 with expire_id_1=1', $u,
                'expire_id_abc=0&expire_id_1=1', OK, 2, 3);
}

# Other users' sessions are never touched.
{
    my $a = user_with(3);
    my $b = user_with(5);
    expire_case("A expires 1, 2, 3 (ids B has too)", $a,
                { map { ("expire_id_$_" => 1) } 1 .. 3 }, OK);
    is_deeply [session_ids($b)], [1 .. 5], "B's sessions 1-5 are all there";
    generate_ok($a, $pw) for 1 .. 2;                    # A: 4, 5
    expire_case("A expires 5 to 9 (B has 5)", $a,
                { map { ("expire_id_$_" => 1) } 5 .. 9 }, OK, 4);
    is_deeply [session_ids($b)], [1 .. 5], "B's sessions are still all there";
    expire_case('A expireall', $a, { expireall => 1 }, OK);
    is_deeply [session_ids($b)], [1 .. 5], "A's expireall leaves B's sessions";
    expire_case('B expire_id_3', $b, { expire_id_3 => 1 }, OK, 1, 2, 4, 5);
}

# A wrong password never deletes anything (two failures only: see the
# failed-login limit).
{
    my $u = user_with(2);
    my($res, $p) = expire($u, 'wrong', expireall => 1);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'wrong password, expireall: Invalid password' or diag $res->content;
    ($res, $p) = expire($u, 'wrong', expire_id_1 => 1, expire_id_2 => 1);
    is_deeply $p, { success => 'FAIL', errmsg => 'Invalid password' },
        'wrong password, expire_id: Invalid password' or diag $res->content;
    is_deeply [session_ids($u)], [1, 2], 'wrong password: nothing deleted';
}

# hpassword authenticates sessionexpire too.
{
    my $u = user_with(2);
    require Digest::MD5;
    my($res, $p) = expire($u, undef, hpassword => Digest::MD5::md5_hex($pw),
                          expire_id_1 => 1);
    is_deeply $p, OK, 'hpassword: OK' or diag $res->content;
    is_deeply [session_ids($u)], [2], 'hpassword: session 1 deleted';
}

# Every id sessiongenerate hands out can be expired with expire_id_<N>:
# near the top of the id range too (the per-user counter is set directly).
{
    my $u = new_user('expbig', $pw);
    my $uid = userid_of($u);
    sql("UPDATE se_users SET next_sessid = 2147483646 WHERE userid = $uid");
    my($id) = generate_ok($u, $pw);
    is $id, 2147483647, 'counter at 2147483646: the next session is 2147483647';
    expire_case('expire_id_2147483647=1', $u, { expire_id_2147483647 => 1 }, OK);

    # The next id is past 2^31 - 1: sessiongenerate may refuse it, but an
    # id it hands out must be one expire_id_<N> accepts.
    my($res, $p) = generate($u, $pw);
    my($big) = ($p && $p->{ljsession} // '') =~ /^ws:\Q$u\E:(\d+):/;
    if (defined $big) {
        expire_case("expire_id_$big=1 (an id sessiongenerate handed out)", $u,
                    { "expire_id_$big" => 1 }, OK);
    }
    else {
        is $p && $p->{success}, 'FAIL', 'id range exhausted: sessiongenerate fails'
            or diag $res->content;
        like $p && $p->{errmsg} // '', qr/\S/, 'id range exhausted: with an errmsg';
        is_deeply [session_ids($u)], [], 'id range exhausted: no session created';
    }
}
