# SessionExpireSQL is a per-server directive (PROTOCOL.md 4: sites point
# the module at their own schema with SQL in directives): a statement set in
# one virtual host applies there and nowhere else.
#
# se-sql.invalid and se-sql-dbd.invalid (t/conf/extra.last.conf.in) use the
# main server's database with a UserLookup of their own, which reports every
# account named sqlvh_* as suspended.  se-sql.invalid inherits mod_dbd's
# settings from the main server (no DBD directive inside it);
# se-sql-dbd.invalid repeats DBDParams.
use strict;
use warnings FATAL => 'all';

use FindBin ();
use lib "$FindBin::Bin/lib";

use Apache::Test qw(-withtestmore);
use SETest;
use SEModes;

plan tests => 20;

my $pw = 'Vhost sql';
my $suspended = { success => 'FAIL',
                  errmsg => 'Client error: Action forbidden; account is suspended.' };

for my $vh ('se-sql.invalid', 'se-sql-dbd.invalid') {
    my $marked = new_user('sqlvh', $pw);     # sqlvh_<pid>_<n>
    my $plain  = new_user('plainvh', $pw);

    # The virtual host uses its own statement.
    my($res, $p) = host_post($vh, { mode => 'sessiongenerate', user => $marked,
                                    password => $pw });
    is $res->code, 200, "$vh: HTTP 200";
    is_deeply $p, $suspended,
        "$vh: its own UserLookup makes $marked suspended" or diag $res->content;
    is_deeply [session_ids($marked)], [], "$vh: no session for $marked";
    ($res, $p) = host_post($vh, { mode => 'sessiongenerate', user => $plain,
                                  password => $pw });
    is $p && $p->{success}, 'OK', "$vh: $plain is not affected"
        or diag $res->content;
    ($res, $p) = host_post($vh, { mode => 'sessionexpire', user => $marked,
                                  password => $pw });
    is_deeply $p, { success => 'OK' },
        "$vh: a suspended account may still use sessionexpire" or diag $res->content;

    # The main server uses the module's own statement.
    ($res, $p) = generate($marked, $pw);
    is $res->code, 200, "main server (after $vh): HTTP 200";
    is $p && $p->{success}, 'OK',
        "main server (after $vh): $marked is active there" or diag $res->content;
    like $p && $p->{ljsession} // '', qr/^ws:\Q$marked\E:\d+:[A-Za-z0-9]{10}\z/,
        "main server (after $vh): ljsession";
    ($res, $p) = generate($plain, $pw);
    is $p && $p->{success}, 'OK', "main server (after $vh): $plain works"
        or diag $res->content;
    ($res, $p) = host_post(server_hostport(),
                           { mode => 'sessiongenerate', user => $marked,
                             password => $pw });
    is $p && $p->{success}, 'OK',
        "main server by its own Host name (after $vh): $marked is active"
        or diag $res->content;
}
