/*
 * store.c - the storage interface over mod_dbd.
 *
 * Statements are handed to mod_dbd at config time (it prepares them on
 * every pooled connection); here they are looked up by label and run with
 * every value passed as text, which every apr_dbd driver accepts.  Every
 * result set is read to its end, as sequential apr_dbd results require.
 */
#include <string.h>

#include "apr_dbd.h"
#include "mod_dbd.h"
#include "apr_optional.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"
#include "apr_atomic.h"

#include "args.h"
#include "crypto.h"
#include "se.h"
#include "sql.h"
#include "store.h"

struct se_store {
    request_rec *r;
    const se_srv_cfg *cfg;      /* the statements' labels */
    ap_dbd_t *dbd;
    apr_dbd_transaction_t *txn;
    int serialize_writes;       /* see writer_mutex */
};

static APR_OPTIONAL_FN_TYPE(ap_dbd_acquire) *dbd_acquire;

/*
 * apr_dbd's sqlite3 driver holds one process-wide mutex around every call,
 * and SQLite's busy handler waits inside such a call.  So a thread waiting
 * for the write lock would block, for the whole busy timeout, the very
 * thread of the same process that holds the lock between two statements of
 * its transaction.  Writers of one process therefore take turns here;
 * writers of other processes are sorted out by the busy timeout.
 */
#if APR_HAS_THREADS
static apr_thread_mutex_t *writer_mutex;
#endif

void se_store_child_init(apr_pool_t *p)
{
#if APR_HAS_THREADS
    if (apr_thread_mutex_create(&writer_mutex, APR_THREAD_MUTEX_DEFAULT, p)
        != APR_SUCCESS) {
        writer_mutex = NULL;
    }
#endif
}

static void write_begin(se_store_t *st)
{
#if APR_HAS_THREADS
    if (st->serialize_writes) {
        apr_thread_mutex_lock(writer_mutex);
    }
#endif
}

static void write_end(se_store_t *st)
{
#if APR_HAS_THREADS
    if (st->serialize_writes) {
        apr_thread_mutex_unlock(writer_mutex);
    }
#endif
}

/*
 * The mod_dbd label of a statement: ours for the default SQL; for a
 * SessionExpireSQL one, ours plus a digest of the SQL.  Virtual hosts
 * without mod_dbd directives share the main server's statement table, so
 * one label must always mean one statement text.
 */
static const char *statement_label(apr_pool_t *p, se_sql_id id,
                                   const char *sql)
{
    if (sql == se_sql_module[id].sql) {
        return se_sql_module[id].label;
    }
    return apr_pstrcat(p, se_sql_module[id].label, "_",
                       se_md5_hex(p, sql, strlen(sql)), NULL);
}

const char *se_store_register(apr_pool_t *p, apr_pool_t *ptemp,
                              server_rec *s)
{
    APR_OPTIONAL_FN_TYPE(ap_dbd_prepare) *dbd_prepare =
        APR_RETRIEVE_OPTIONAL_FN(ap_dbd_prepare);
    module *dbd_module = ap_find_linked_module("mod_dbd.c");
    apr_hash_t *registered = apr_hash_make(ptemp);
    int i;

    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (dbd_prepare == NULL || dbd_acquire == NULL || dbd_module == NULL) {
        return "mod_sessionexpire needs mod_dbd: add LoadModule dbd_module"
               " before LoadModule sessionexpire_module";
    }
    for (; s; s = s->next) {
        se_srv_cfg *cfg = ap_get_module_config(s->module_config,
                                               &sessionexpire_module);
        /* Only compared, never looked into: which statement table this
         * server shares with others. */
        void *table = ap_get_module_config(s->module_config, dbd_module);

        for (i = 0; i < SE_SQL_COUNT; i++) {
            const char *sql = se_srv_sql(cfg, (se_sql_id)i);
            const char *key;

            cfg->label[i] = statement_label(p, (se_sql_id)i, sql);
            key = apr_psprintf(ptemp, "%pp %s", table, cfg->label[i]);
            if (apr_hash_get(registered, key, APR_HASH_KEY_STRING) == NULL) {
                apr_hash_set(registered, key, APR_HASH_KEY_STRING, key);
                dbd_prepare(s, sql, cfg->label[i]);
            }
        }
    }
    return NULL;
}

/* Logs a database failure; the client only ever hears "temporarily
 * unavailable". */
static se_store_rc db_error(se_store_t *st, se_sql_id id, int rv)
{
    const char *err = apr_dbd_error(st->dbd->driver, st->dbd->handle, rv);

    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0201)
                  "statement %s failed: %s", se_sql_module[id].name,
                  err ? err : "(no detail)");
    return SE_STORE_ERROR;
}

static apr_dbd_prepared_t *statement(se_store_t *st, se_sql_id id)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(st->dbd->prepared,
                                            st->cfg->label[id],
                                            APR_HASH_KEY_STRING);

    if (stmt == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0202)
                      "statement %s was not prepared on this connection",
                      se_sql_module[id].name);
    }
    return stmt;
}

static se_store_rc run_query(se_store_t *st, se_sql_id id, const char **args,
                             int *nrows)
{
    apr_dbd_prepared_t *stmt = statement(st, id);
    int rv;

    if (stmt == NULL) {
        return SE_STORE_ERROR;
    }
    rv = apr_dbd_pquery(st->dbd->driver, st->r->pool, st->dbd->handle, nrows,
                        stmt, se_sql_module[id].nparams, args);
    return rv ? db_error(st, id, rv) : SE_STORE_OK;
}

/*
 * Runs a select and copies the columns of its first row into `cols` (NULL
 * for SQL NULL); reads and discards any further rows.  SE_STORE_NOTFOUND
 * when there is no row.
 */
static se_store_rc select_row(se_store_t *st, se_sql_id id, const char **args,
                              const char **cols, int ncols)
{
    apr_dbd_prepared_t *stmt = statement(st, id);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv, found = 0, i;

    if (stmt == NULL) {
        return SE_STORE_ERROR;
    }
    rv = apr_dbd_pselect(st->dbd->driver, st->r->pool, st->dbd->handle, &res,
                         stmt, 0, se_sql_module[id].nparams, args);
    if (rv) {
        return db_error(st, id, rv);
    }
    while ((rv = apr_dbd_get_row(st->dbd->driver, st->r->pool, res, &row,
                                 -1)) == 0) {
        if (found++) {
            continue;
        }
        for (i = 0; i < ncols; i++) {
            const char *v = apr_dbd_get_entry(st->dbd->driver, row, i);

            cols[i] = v ? apr_pstrdup(st->r->pool, v) : NULL;
        }
    }
    if (rv != -1) {
        return db_error(st, id, rv);
    }
    return found ? SE_STORE_OK : SE_STORE_NOTFOUND;
}

static const char *int_arg(se_store_t *st, apr_int64_t v)
{
    return apr_psprintf(st->r->pool, "%" APR_INT64_T_FMT, v);
}

/* Parses a numeric column; a malformed one is a schema error. */
static se_store_rc int_column(se_store_t *st, se_sql_id id, const char *v,
                              apr_int64_t *out)
{
    char *end;

    if (v == NULL || *v == '\0') {
        return db_error(st, id, 0);
    }
    *out = apr_strtoi64(v, &end, 10);
    if (*end != '\0') {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0203)
                      "statement %s returned a non-numeric id",
                      se_sql_module[id].name);
        return SE_STORE_ERROR;
    }
    return SE_STORE_OK;
}

se_store_rc se_store_open(request_rec *r, se_store_t **store)
{
    se_store_t *st = apr_pcalloc(r->pool, sizeof(*st));

    st->r = r;
    st->cfg = ap_get_module_config(r->server->module_config,
                                   &sessionexpire_module);
    st->dbd = dbd_acquire ? dbd_acquire(r) : NULL;
    if (st->dbd == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, SELOGNO(0204)
                      "no database connection (see mod_dbd's messages)");
        return SE_STORE_ERROR;
    }
#if APR_HAS_THREADS
    st->serialize_writes = writer_mutex != NULL
        && strcmp(apr_dbd_name(st->dbd->driver), "sqlite3") == 0;
#endif
    *store = st;
    return SE_STORE_OK;
}

se_store_rc se_store_find_account(se_store_t *st, const char *user,
                                  se_account_t *acct)
{
    const char *args[1] = { user };
    const char *cols[3] = { NULL, NULL, NULL };
    se_store_rc rc = select_row(st, SE_SQL_USER_LOOKUP, args, cols, 3);

    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = int_column(st, SE_SQL_USER_LOOKUP, cols[0], &acct->userid);
    acct->password_md5 = cols[1] ? apr_pstrdup(st->r->pool, cols[1]) : "";
    ap_str_tolower((char *)acct->password_md5);
    acct->status = (cols[2] && cols[2][0]) ? cols[2][0] : 'V';
    return rc;
}

/* Every transaction here writes, so it holds the writer turn throughout. */
static se_store_rc txn_begin(se_store_t *st)
{
    int rv;

    write_begin(st);
    rv = apr_dbd_transaction_start(st->dbd->driver, st->r->pool,
                                   st->dbd->handle, &st->txn);
    if (rv) {
        write_end(st);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0205)
                      "cannot start a transaction: %s",
                      apr_dbd_error(st->dbd->driver, st->dbd->handle, rv));
        return SE_STORE_ERROR;
    }
    return SE_STORE_OK;
}

/* Commits, or rolls back when `rc` says a step failed. */
static se_store_rc txn_end(se_store_t *st, se_store_rc rc)
{
    int rv;

    if (rc != SE_STORE_OK) {
        apr_dbd_transaction_mode_set(st->dbd->driver, st->txn,
                                     APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(st->dbd->driver, st->r->pool, st->txn);
    st->txn = NULL;
    write_end(st);
    if (rv && rc == SE_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0206)
                      "cannot commit: %s",
                      apr_dbd_error(st->dbd->driver, st->dbd->handle, rv));
        return SE_STORE_ERROR;
    }
    return rc;
}

static se_store_rc next_sessid(se_store_t *st, apr_int64_t userid,
                               apr_int64_t *sessid)
{
    const char *args[1] = { int_arg(st, userid) };
    const char *cols[1] = { NULL };
    int nrows = 0;
    se_store_rc rc = run_query(st, SE_SQL_SESSID_BUMP, args, &nrows);

    if (rc == SE_STORE_OK && nrows != 1) {
        rc = SE_STORE_NOTFOUND;
    }
    if (rc == SE_STORE_OK) {
        rc = select_row(st, SE_SQL_SESSID_READ, args, cols, 1);
    }
    if (rc == SE_STORE_OK) {
        rc = int_column(st, SE_SQL_SESSID_READ, cols[0], sessid);
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
    se_store_rc rc = txn_begin(st);

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
        purge[0] = int_arg(st, s->userid);
        purge[1] = int_arg(st, s->created);
        rc = run_query(st, SE_SQL_SESSION_PURGE, purge, &nrows);
    }
    if (rc == SE_STORE_OK) {
        insert[0] = purge[0];
        insert[1] = int_arg(st, *sessid);
        insert[2] = s->auth;
        insert[3] = s->exptype;
        insert[4] = purge[1];
        insert[5] = int_arg(st, s->expires);
        insert[6] = s->bound_ip;
        rc = run_query(st, SE_SQL_SESSION_INSERT, insert, &nrows);
    }
    return txn_end(st, rc);
}

se_store_rc se_store_expire_all(se_store_t *st, apr_int64_t userid,
                                int *count)
{
    const char *args[1] = { int_arg(st, userid) };

    se_store_rc rc;

    *count = 0;
    write_begin(st);
    rc = run_query(st, SE_SQL_SESSION_DELETE_ALL, args, count);
    write_end(st);
    return rc;
}

se_store_rc se_store_expire_ids(se_store_t *st, apr_int64_t userid,
                                const apr_array_header_t *ids, int *count)
{
    const char *args[2] = { int_arg(st, userid), NULL };
    se_store_rc rc;
    int i;

    *count = 0;
    if (ids->nelts == 0) {
        return SE_STORE_OK;
    }
    rc = txn_begin(st);
    if (rc != SE_STORE_OK) {
        return rc;
    }
    for (i = 0; rc == SE_STORE_OK && i < ids->nelts; i++) {
        int nrows = 0;

        args[1] = int_arg(st, APR_ARRAY_IDX(ids, i, apr_int64_t));
        rc = run_query(st, SE_SQL_SESSION_DELETE, args, &nrows);
        *count += nrows;
    }
    return txn_end(st, rc);
}

se_store_rc se_store_find_session(se_store_t *st, apr_int64_t userid,
                                  apr_int64_t sessid, se_session_t *sess)
{
    const char *args[2] = { int_arg(st, userid), int_arg(st, sessid) };
    const char *cols[3] = { NULL, NULL, NULL };
    se_store_rc rc = select_row(st, SE_SQL_SESSION_LOOKUP, args, cols, 3);

    if (rc != SE_STORE_OK) {
        return rc;
    }
    sess->auth = cols[0] ? cols[0] : "";
    sess->bound_ip = cols[2] ? cols[2] : "";
    return int_column(st, SE_SQL_SESSION_LOOKUP, cols[1], &sess->expires);
}

se_store_rc se_store_use_challenge(se_store_t *st, const char *challenge,
                                   apr_int64_t expires, int *first_use)
{
    const char *args[2] = { challenge, int_arg(st, expires) };
    int nrows = 0;
    se_store_rc rc;

    write_begin(st);
    rc = run_query(st, SE_SQL_CHALLENGE_USE, args, &nrows);
    write_end(st);
    *first_use = rc == SE_STORE_OK && nrows == 1;
    return rc;
}

se_store_rc se_store_ban_active(se_store_t *st, const char *user,
                                const char *ip, apr_int64_t now,
                                int *banned)
{
    const char *args[3] = { user, ip, int_arg(st, now) };
    const char *cols[1] = { NULL };
    se_store_rc rc = select_row(st, SE_SQL_BAN_CHECK, args, cols, 1);

    *banned = rc == SE_STORE_OK;
    return rc == SE_STORE_NOTFOUND ? SE_STORE_OK : rc;
}

/* Bans (user, ip) until `until`, replacing an earlier ban. */
static se_store_rc add_ban(se_store_t *st, const char *user, const char *ip,
                           apr_int64_t until)
{
    const char *args[3] = { user, ip, int_arg(st, until) };
    int nrows;
    se_store_rc rc = run_query(st, SE_SQL_BAN_CLEAR, args, &nrows);

    return rc == SE_STORE_OK ? run_query(st, SE_SQL_BAN_ADD, args, &nrows)
                             : rc;
}

se_store_rc se_store_record_failure(se_store_t *st, const char *user,
                                    const char *ip, apr_int64_t now,
                                    int allowed, apr_int64_t window,
                                    apr_int64_t ban, int *banned)
{
    const char *add[3] = { user, ip, int_arg(st, now) };
    const char *count[3] = { user, ip, int_arg(st, now - window) };
    const char *cols[1] = { NULL };
    apr_int64_t failures = 0;
    int nrows;
    se_store_rc rc = txn_begin(st);

    *banned = 0;
    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = run_query(st, SE_SQL_FAILURE_ADD, add, &nrows);
    if (rc == SE_STORE_OK) {
        rc = select_row(st, SE_SQL_FAILURE_COUNT, count, cols, 1);
    }
    if (rc == SE_STORE_OK) {
        rc = int_column(st, SE_SQL_FAILURE_COUNT, cols[0], &failures);
    }
    if (rc == SE_STORE_OK && failures > allowed) {
        rc = add_ban(st, user, ip, now + ban);
        *banned = rc == SE_STORE_OK;
    }
    return txn_end(st, rc);
}

#define SE_HOUSEKEEPING_INTERVAL 60

/* Unix time of this process's last housekeeping (32 bits: good to 2106). */
static volatile apr_uint32_t last_housekeeping;

void se_store_housekeeping(request_rec *r, apr_int64_t now,
                           apr_int64_t failure_window)
{
    apr_uint32_t last = apr_atomic_read32(&last_housekeeping);
    se_store_t *st;
    const char *args[1];
    int nrows, i;
    se_store_rc rc;
    static const se_sql_id purges[] = {
        SE_SQL_SESSION_PURGE_ALL, SE_SQL_CHALLENGE_PURGE, SE_SQL_BAN_PURGE,
        SE_SQL_FAILURE_PURGE
    };

    /* One request per process and interval wins the compare-and-swap. */
    if (now < (apr_int64_t)last + SE_HOUSEKEEPING_INTERVAL
        || apr_atomic_cas32(&last_housekeeping, (apr_uint32_t)now, last)
           != last
        || se_store_open(r, &st) != SE_STORE_OK) {
        return;
    }
    rc = txn_begin(st);
    if (rc == SE_STORE_OK) {
        for (i = 0; rc == SE_STORE_OK && i < 4; i++) {
            args[0] = int_arg(st, purges[i] == SE_SQL_FAILURE_PURGE
                                  ? now - failure_window : now);
            rc = run_query(st, purges[i], args, &nrows);
        }
        rc = txn_end(st, rc);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SELOGNO(0207)
                  "housekeeping %s", rc == SE_STORE_OK ? "done" : "failed");
}
