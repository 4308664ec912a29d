/*
 * store_sessions.c - accounts and sessions in the database.
 */
#include "apr_strings.h"

#include "args.h"
#include "store_db.h"

se_store_rc se_store_find_account(se_store_t *st, const char *user,
                                  se_account_t *acct)
{
    const char *args[1] = { user };
    const char *cols[3] = { NULL, NULL, NULL };
    se_store_rc rc = se_db_select_row(st, SE_SQL_USER_LOOKUP, args, cols, 3);

    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = se_db_int_column(st, SE_SQL_USER_LOOKUP, cols[0], &acct->userid);
    acct->password_md5 = cols[1] ? apr_pstrdup(st->r->pool, cols[1]) : "";
    ap_str_tolower((char *)acct->password_md5);
    acct->status = (cols[2] && cols[2][0]) ? cols[2][0] : 'V';
    return rc;
}

static se_store_rc next_sessid(se_store_t *st, apr_int64_t userid,
                               apr_int64_t *sessid)
{
    const char *args[1] = { se_db_int_arg(st, userid) };
    const char *cols[1] = { NULL };
    int nrows = 0;
    se_store_rc rc = se_db_run_query(st, SE_SQL_SESSID_BUMP, args, &nrows);

    if (rc == SE_STORE_OK && nrows != 1) {
        rc = SE_STORE_NOTFOUND;
    }
    if (rc == SE_STORE_OK) {
        rc = se_db_select_row(st, SE_SQL_SESSID_READ, args, cols, 1);
    }
    if (rc == SE_STORE_OK) {
        rc = se_db_int_column(st, SE_SQL_SESSID_READ, cols[0], sessid);
    }
    return rc;
}

/* The counter is bumped first, so under SQLite the transaction holds the
 * write lock from its first statement and two requests cannot both read
 * the same counter value; on other databases the row lock does the same. */
se_store_rc se_store_create_session(se_store_t *st, const se_new_session_t *s,
                                    apr_int64_t *sessid)
{
    const char *purge[2], *insert[7];
    int nrows;
    se_store_rc rc = se_db_txn_begin(st);

    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = next_sessid(st, s->userid, sessid);
    if (rc == SE_STORE_OK && (*sessid < 1 || *sessid > SE_SESSID_MAX)) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0208)
                      "user id %" APR_INT64_T_FMT " has used up its session"
                      " ids (next would be %" APR_INT64_T_FMT ")", s->userid,
                      *sessid);
        rc = SE_STORE_EXHAUSTED;
    }
    if (rc == SE_STORE_OK) {
        purge[0] = se_db_int_arg(st, s->userid);
        purge[1] = se_db_int_arg(st, s->created);
        rc = se_db_run_query(st, SE_SQL_SESSION_PURGE, purge, &nrows);
    }
    if (rc == SE_STORE_OK) {
        insert[0] = purge[0];
        insert[1] = se_db_int_arg(st, *sessid);
        insert[2] = s->auth;
        insert[3] = s->exptype;
        insert[4] = purge[1];
        insert[5] = se_db_int_arg(st, s->expires);
        insert[6] = s->bound_ip;
        rc = se_db_run_query(st, SE_SQL_SESSION_INSERT, insert, &nrows);
    }
    return se_db_txn_end(st, rc);
}

/* Locks a user's account row (UserLock) in the transaction under way;
 * args[0] is the userid. */
static se_store_rc lock_user(se_store_t *st, const char **args)
{
    const char *cols[1] = { NULL };
    se_store_rc rc = se_db_select_row(st, SE_SQL_USER_LOCK, args, cols, 1);

    /* No row: the account went away meanwhile; nothing of it to lock. */
    return rc == SE_STORE_NOTFOUND ? SE_STORE_OK : rc;
}

/*
 * Begins a transaction that changes several of a user's sessions.  Where
 * the database locks rows, it first locks the account (UserLock): two such
 * transactions (or a sessiongenerate, which bumps the account's counter
 * first) then queue on one row, instead of each locking sessions the other
 * wants, in another order, and one of them dying in a deadlock.  SQLite's
 * write transactions already take turns on the whole database.
 */
static se_store_rc begin_user_txn(se_store_t *st, const char *userid_arg)
{
    const char *args[1] = { userid_arg };
    se_store_rc rc = se_db_txn_begin(st);

    if (rc == SE_STORE_OK && se_db_locks_rows(st)) {
        rc = lock_user(st, args);
        if (rc != SE_STORE_OK) {
            return se_db_txn_end(st, rc);
        }
    }
    return rc;
}

se_store_rc se_store_expire_all(se_store_t *st, apr_int64_t userid,
                                int *count)
{
    const char *args[1] = { se_db_int_arg(st, userid) };
    const char *cols[1] = { NULL };
    se_store_rc rc;

    *count = 0;
    /* On SQLite one DELETE is atomic and alone: no transaction needed. */
    if (!se_db_locks_rows(st)) {
        se_db_write_begin(st);
        rc = se_db_run_query(st, SE_SQL_SESSION_DELETE_ALL, args, count);
        se_db_write_end(st);
        return rc;
    }
    /* Nothing to log out (the repeated "log out everywhere"): no lock, no
     * transaction, nothing for the database to make durable.  A session
     * made after this look is one made after the logout. */
    rc = se_db_select_row(st, SE_SQL_SESSION_ANY, args, cols, 1);
    if (rc != SE_STORE_OK) {
        return rc == SE_STORE_NOTFOUND ? SE_STORE_OK : rc;
    }
    rc = begin_user_txn(st, args[0]);
    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = se_db_run_query(st, SE_SQL_SESSION_DELETE_ALL, args, count);
    return se_db_txn_end(st, rc);
}

se_store_rc se_store_expire_ids(se_store_t *st, apr_int64_t userid,
                                const apr_array_header_t *ids, int *count)
{
    const char *args[2] = { se_db_int_arg(st, userid), NULL };
    se_store_rc rc;
    int i;

    *count = 0;
    if (ids->nelts == 0) {
        return SE_STORE_OK;
    }
    /* One DELETE of one row is atomic by itself and holds no lock while it
     * waits for one: no transaction around it (the usual logout names one
     * session, and BEGIN/COMMIT would cost two more statements). */
    if (ids->nelts == 1) {
        args[1] = se_db_int_arg(st, APR_ARRAY_IDX(ids, 0, apr_int64_t));
        se_db_write_begin(st);
        rc = se_db_run_query(st, SE_SQL_SESSION_DELETE, args, count);
        se_db_write_end(st);
        return rc;
    }
    rc = begin_user_txn(st, args[0]);
    if (rc != SE_STORE_OK) {
        return rc;
    }
    for (i = 0; rc == SE_STORE_OK && i < ids->nelts; i++) {
        int nrows = 0;

        args[1] = se_db_int_arg(st, APR_ARRAY_IDX(ids, i, apr_int64_t));
        rc = se_db_run_query(st, SE_SQL_SESSION_DELETE, args, &nrows);
        *count += nrows;
    }
    return se_db_txn_end(st, rc);
}

se_store_rc se_store_find_session(se_store_t *st, apr_int64_t userid,
                                  apr_int64_t sessid, se_session_t *sess)
{
    const char *args[2] = { se_db_int_arg(st, userid),
                            se_db_int_arg(st, sessid) };
    const char *cols[3] = { NULL, NULL, NULL };
    se_store_rc rc = se_db_select_row(st, SE_SQL_SESSION_LOOKUP, args, cols, 3);

    if (rc != SE_STORE_OK) {
        return rc;
    }
    sess->auth = cols[0] ? cols[0] : "";
    sess->bound_ip = cols[2] ? cols[2] : "";
    return se_db_int_column(st, SE_SQL_SESSION_LOOKUP, cols[1], &sess->expires);
}

/* Purges one batch of users' expired sessions: each user's account row
 * locked first, in ascending userid order, in one transaction.  *more: a
 * full batch, so there may be more. */
static se_store_rc purge_users_batch(se_store_t *st, const char *now_arg,
                                     int *more)
{
    const char *args[2] = { now_arg, now_arg };
    apr_array_header_t *users;
    int i, nrows;
    se_store_rc rc = se_db_select_ints(st, SE_SQL_SESSION_EXPIRED_USERS, args,
                                       SE_SQL_USERS_BATCH, &users);

    *more = rc == SE_STORE_OK && users->nelts == SE_SQL_USERS_BATCH;
    if (rc != SE_STORE_OK || users->nelts == 0) {
        return rc;
    }
    if ((rc = se_db_txn_begin(st)) != SE_STORE_OK) {
        return rc;
    }
    for (i = 0; rc == SE_STORE_OK && i < users->nelts; i++) {
        /* UserLock takes the userid; SessionPurgeExpired the userid, now. */
        args[0] = se_db_int_arg(st, APR_ARRAY_IDX(users, i, apr_int64_t));
        rc = lock_user(st, args);
        if (rc == SE_STORE_OK) {
            rc = se_db_run_query(st, SE_SQL_SESSION_PURGE, args, &nrows);
        }
    }
    return se_db_txn_end(st, rc);
}

/* At most this many batches per purge: the rest waits for the next one. */
#define SE_PURGE_USER_BATCHES 20

/*
 * Every user's expired sessions.  SQLite: one DELETE (its write lock is the
 * whole database's).  Where rows are locked, one DELETE across users would
 * lock sessions in its own order while a user's transaction (a login that
 * purges the user's expired sessions, a logout of several) holds some of
 * them and waits for others: a deadlock, whose victim may be the user's
 * request.  So user by user, in the order every other transaction follows:
 * the account row first.
 */
se_store_rc se_store_purge_expired_sessions(se_store_t *st, apr_int64_t now)
{
    const char *now_arg = se_db_int_arg(st, now);
    int nrows = 0, more = 1, batches;
    se_store_rc rc = SE_STORE_OK;

    if (!se_db_locks_rows(st)) {
        se_db_write_begin(st);
        rc = se_db_run_query(st, SE_SQL_SESSION_PURGE_ALL, &now_arg, &nrows);
        se_db_write_end(st);
        return rc;
    }
    for (batches = 0; rc == SE_STORE_OK && more
                      && batches < SE_PURGE_USER_BATCHES; batches++) {
        rc = purge_users_batch(st, now_arg, &more);
    }
    return rc;
}
