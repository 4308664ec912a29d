/*
 * store.c - the storage layer over mod_dbd: the statements' labels, a
 * request's connection, and the steps every operation is made of
 * (store_sessions.c and store_logins.c build the operations from them).
 *
 * Statements are prepared on each pooled connection at first use (see
 * se_store_register for why not by mod_dbd), kept in the connection's own
 * table by label, and run with every value passed as text, which every
 * apr_dbd driver accepts.
 */
#include <string.h>

#include "apr_atomic.h"
#include "apr_hash.h"
#include "apr_optional.h"
#include "apr_strings.h"
#include "apr_thread_mutex.h"

#include "crypto.h"
#include "store_db.h"

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

int se_db_locks_rows(const se_store_t *st)
{
    return strcmp(apr_dbd_name(st->dbd->driver), "sqlite3") != 0;
}

void se_db_write_begin(se_store_t *st)
{
#if APR_HAS_THREADS
    if (st->serialize_writes) {
        apr_thread_mutex_lock(writer_mutex);
    }
#endif
}

void se_db_write_end(se_store_t *st)
{
#if APR_HAS_THREADS
    if (st->serialize_writes) {
        apr_thread_mutex_unlock(writer_mutex);
    }
#endif
}

/*
 * The label of a statement: ours for the default SQL; for a SessionExpireSQL
 * one, ours plus a digest of the SQL.  Virtual hosts without mod_dbd
 * directives share the main server's connections, so one label must always
 * mean one statement text.
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

/*
 * Statements are not handed to mod_dbd (ap_dbd_prepare) but prepared on
 * each connection at first use (statement()), for three reasons:
 *  - mod_dbd does not tell a module the driver at config time, and two
 *    statements are spelled differently on MySQL (se_sql_text());
 *  - mod_dbd gives up a whole connection when one statement fails to
 *    prepare, where we can say which statement failed;
 *  - after a PostgreSQL or MariaDB restart, the drivers revive a dead
 *    connection in place (pgsql: PQreset in its connection check; mysql:
 *    mysql_ping's reconnection) without the server-side prepared
 *    statements made on it, and every later use of mod_dbd's would fail
 *    until the connection expires.  Ours are prepared again when that
 *    happens (revived(), forget_statements()).
 */
const char *se_store_register(apr_pool_t *p, server_rec *s)
{
    int i;

    dbd_acquire = APR_RETRIEVE_OPTIONAL_FN(ap_dbd_acquire);
    if (dbd_acquire == NULL) {
        return "mod_sessionexpire needs mod_dbd: add LoadModule dbd_module"
               " before LoadModule sessionexpire_module";
    }
    for (; s; s = s->next) {
        se_srv_cfg *cfg = ap_get_module_config(s->module_config,
                                               &sessionexpire_module);

        for (i = 0; i < SE_SQL_COUNT; i++) {
            cfg->label[i] = statement_label(p, (se_sql_id)i,
                                            se_srv_sql(cfg, (se_sql_id)i));
        }
    }
    return NULL;
}

/*
 * The driver's message for `rv`, its first line only: PostgreSQL puts the
 * values of a failing row in a DETAIL line after it, and SessionInsert's
 * row holds the new session's auth code.  Copied: reconnecting clears the
 * driver's message.
 */
static const char *driver_message(se_store_t *st, int rv)
{
    const char *err = apr_dbd_error(st->dbd->driver, st->dbd->handle, rv);

    if (err == NULL || *err == '\0') {
        return "no detail";
    }
    return apr_pstrmemdup(st->r->pool, err, strcspn(err, "\r\n"));
}

/* Logs a database failure; the client only ever hears "temporarily
 * unavailable". */
static se_store_rc db_error(se_store_t *st, se_sql_id id, int rv)
{
    const char *err = driver_message(st, rv);

    /* The code too: the mysql driver has no message for a statement's
     * own errors. */
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0201)
                  "statement %s failed (driver code %d): %s",
                  se_sql_module[id].name, rv, err);
    return SE_STORE_ERROR;
}

/* Prepared statements made in this process (server_name()). */
static volatile apr_uint32_t prepare_count;

/*
 * The name a statement gets on the database server (PostgreSQL names its
 * prepared statements, per connection; the other drivers ignore the name):
 * the label and a count of this process's, whose connections are its own,
 * so a name is never used twice on one connection.  A statement prepared again on a
 * connection whose old one still exists on the server (forget_statements()
 * after a failure that was not a reconnection) must not collide with it.
 * Named, not unnamed (which apr_dbd's pgsql driver would send with its
 * text on every use): PostgreSQL then parses and plans each statement once
 * per connection, 40% more requests a second in bench/compare --pgsql.
 */
static const char *server_name(se_store_t *st, const char *label)
{
    return apr_psprintf(st->dbd->pool, "%s_%u", label,
                        apr_atomic_inc32(&prepare_count));
}

/*
 * Prepares statement `id` on this request's connection, in the driver's
 * spelling unless SessionExpireSQL replaced it, and keeps it in the
 * connection's own table (where mod_dbd keeps the statements of other
 * modules): a connection serves one request at a time, and its pool lives
 * as long as it does.
 */
static apr_dbd_prepared_t *prepare_here(se_store_t *st, se_sql_id id)
{
    const char *driver = apr_dbd_name(st->dbd->driver);
    const char *sql = se_srv_sql(st->cfg, id);
    const char *label = st->cfg->label[id];
    apr_dbd_prepared_t *stmt = NULL;
    int rv;

    if (sql == se_sql_module[id].sql) {
        sql = se_sql_text(&se_sql_module[id], driver);
    }
    rv = apr_dbd_prepare(st->dbd->driver, st->dbd->pool, st->dbd->handle,
                         sql, server_name(st, label), &stmt);
    if (rv != 0) {
        db_error(st, id, rv);
        return NULL;
    }
    apr_hash_set(st->dbd->prepared, label, APR_HASH_KEY_STRING, stmt);
    return stmt;
}

static apr_dbd_prepared_t *statement(se_store_t *st, se_sql_id id)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(st->dbd->prepared,
                                            st->cfg->label[id],
                                            APR_HASH_KEY_STRING);

    return stmt != NULL ? stmt : prepare_here(st, id);
}

se_store_rc se_db_run_query(se_store_t *st, se_sql_id id, const char **args,
                                   int *nrows)
{
    apr_dbd_prepared_t *stmt = statement(st, id);
    int rv;

    if (stmt == NULL) {
        return SE_STORE_ERROR;
    }
    rv = apr_dbd_pquery(st->dbd->driver, st->r->pool, st->dbd->handle, nrows,
                        stmt, se_sql_module[id].nparams, args);
    st->statements_run++;
    return rv ? db_error(st, id, rv) : SE_STORE_OK;
}

/*
 * Forgets every statement of ours prepared on this connection, so that
 * statement() prepares them again: after a reconnection the old ones name
 * server-side objects of the dead session (the mysql driver's MYSQL_STMT
 * handles).  The old ones are freed with the connection's pool.
 */
static void forget_statements(se_store_t *st)
{
    apr_array_header_t *ours = apr_array_make(st->r->pool, SE_SQL_COUNT,
                                              sizeof(const char *));
    apr_hash_index_t *hi;
    int i;

    for (hi = apr_hash_first(st->r->pool, st->dbd->prepared); hi;
         hi = apr_hash_next(hi)) {
        const char *label = apr_hash_this_key(hi);

        if (strncmp(label, SE_SQL_LABEL_PREFIX,
                    sizeof(SE_SQL_LABEL_PREFIX) - 1) == 0) {
            APR_ARRAY_PUSH(ours, const char *) = label;
        }
    }
    for (i = 0; i < ours->nelts; i++) {
        apr_hash_set(st->dbd->prepared, APR_ARRAY_IDX(ours, i, const char *),
                     APR_HASH_KEY_STRING, NULL);
    }
}

/*
 * Whether a select that failed as the first statement of the request may
 * run once more.  mod_dbd hands out a pooled connection without a round
 * trip to the server, so after a database server restart the first
 * statement on each pooled connection fails.  The drivers' connection
 * check (apr_dbd_check_conn) then reconnects it in place (pgsql: PQreset;
 * mysql: mysql_ping with reconnection), without the statements prepared
 * on the old session: ours are prepared again.  A select changes nothing,
 * so running it again on the revived connection is safe, and a restart of
 * the database costs no request.  Not for SQLite, which has no server to
 * lose.
 */
static int revived(se_store_t *st, se_sql_id id, int rv)
{
    const char *err;

    if (st->statements_run > 0 || st->txn != NULL || !se_db_locks_rows(st)) {
        return 0;
    }
    err = driver_message(st, rv);
    if (apr_dbd_check_conn(st->dbd->driver, st->r->pool, st->dbd->handle)
        != APR_SUCCESS) {
        return 0;
    }
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, st->r, SELOGNO(0202)
                  "statement %s failed on a pooled connection (driver code "
                  "%d: %s); the connection checks out again, running it once "
                  "more", se_sql_module[id].name, rv, err);
    forget_statements(st);
    return 1;
}

/*
 * Runs a select and points `cols` at the columns of its first row (NULL
 * for SQL NULL).  SE_STORE_NOTFOUND when there is no row.
 *
 * Random access (the whole result fetched at once) and row 1 asked for by
 * number, because that is the one way every driver answers promptly: in
 * sequential mode the pgsql driver sleeps 100 ms on an empty result (and
 * most of our selects are empty: the ban check on every request), and the
 * mysql driver in random mode refuses row -1 ("next").  Every select here
 * matches at most a handful of rows, so fetching them all costs nothing.
 */
se_store_rc se_db_select_row(se_store_t *st, se_sql_id id, const char **args,
                                    const char **cols, int ncols)
{
    apr_dbd_prepared_t *stmt = statement(st, id);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    int rv, i;

    if (stmt == NULL) {
        return SE_STORE_ERROR;
    }
    rv = apr_dbd_pselect(st->dbd->driver, st->r->pool, st->dbd->handle, &res,
                         stmt, 1, se_sql_module[id].nparams, args);
    if (rv && revived(st, id, rv)) {
        stmt = statement(st, id);
        rv = stmt == NULL ? -1
             : apr_dbd_pselect(st->dbd->driver, st->r->pool, st->dbd->handle,
                               &res, stmt, 1, se_sql_module[id].nparams, args);
    }
    st->statements_run++;
    if (rv) {
        return db_error(st, id, rv);
    }
    if (apr_dbd_get_row(st->dbd->driver, st->r->pool, res, &row, 1) != 0) {
        return SE_STORE_NOTFOUND;
    }
    /* Not copied: with the drivers the module supports the values already
     * live as long as the request pool the select ran in (sqlite3 copies
     * them into it; pgsql's result and mysql's row buffers are freed with
     * it), and only one row of a result is read, so nothing reuses them. */
    for (i = 0; i < ncols; i++) {
        cols[i] = apr_dbd_get_entry(st->dbd->driver, row, i);
    }
    return SE_STORE_OK;
}

se_store_rc se_db_select_ints(se_store_t *st, se_sql_id id,
                              const char **args, int max,
                              apr_array_header_t **values)
{
    apr_dbd_prepared_t *stmt = statement(st, id);
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    se_store_rc rc = SE_STORE_OK;
    int rv, n;

    *values = apr_array_make(st->r->pool, max, sizeof(apr_int64_t));
    if (stmt == NULL) {
        return SE_STORE_ERROR;
    }
    rv = apr_dbd_pselect(st->dbd->driver, st->r->pool, st->dbd->handle, &res,
                         stmt, 1, se_sql_module[id].nparams, args);
    st->statements_run++;
    if (rv) {
        return db_error(st, id, rv);
    }
    /* Rows by number: see se_db_select_row(). */
    for (n = 1; rc == SE_STORE_OK && n <= max
                && apr_dbd_get_row(st->dbd->driver, st->r->pool, res, &row,
                                   n) == 0; n++) {
        rc = se_db_int_column(st, id, apr_dbd_get_entry(st->dbd->driver, row,
                                                        0),
                              apr_array_push(*values));
    }
    return rc;
}

const char *se_db_int_arg(se_store_t *st, apr_int64_t v)
{
    return apr_psprintf(st->r->pool, "%" APR_INT64_T_FMT, v);
}

/* Parses a numeric column; a malformed one is a schema error. */
se_store_rc se_db_int_column(se_store_t *st, se_sql_id id, const char *v,
                                    apr_int64_t *out)
{
    char *end;

    if (v == NULL || *v == '\0') {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0203)
                      "statement %s returned no number where one was due",
                      se_sql_module[id].name);
        return SE_STORE_ERROR;
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
    st->serialize_writes = writer_mutex != NULL && !se_db_locks_rows(st);
#endif
    *store = st;
    return SE_STORE_OK;
}

/*
 * InnoDB's default isolation (REPEATABLE READ) locks the gaps between the
 * rows a DELETE scans, and a new session's INSERT into such a gap then
 * waits for another user's transaction: two logins of different users
 * could deadlock.  Under READ COMMITTED it locks rows only, and
 * transactions here only ever queue on one account row (UserLock, or the
 * counter bump).  Said per transaction, for the next one only: the
 * connection may serve other modules through mod_dbd, whose settings are
 * theirs.  Fixed text, no data: nothing to prepare.
 */
#define MYSQL_TXN_ISOLATION "SET TRANSACTION ISOLATION LEVEL READ COMMITTED"

static int set_txn_isolation(se_store_t *st)
{
    int nrows = 0;

    if (strcmp(apr_dbd_name(st->dbd->driver), "mysql") != 0) {
        return 0;
    }
    return apr_dbd_query(st->dbd->driver, st->dbd->handle, &nrows,
                         MYSQL_TXN_ISOLATION);
}

/* Every transaction here writes, so it holds the writer turn throughout. */
se_store_rc se_db_txn_begin(se_store_t *st)
{
    int rv;

    se_db_write_begin(st);
    rv = set_txn_isolation(st);
    if (rv == 0) {
        rv = apr_dbd_transaction_start(st->dbd->driver, st->r->pool,
                                       st->dbd->handle, &st->txn);
    }
    if (rv) {
        se_db_write_end(st);
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0205)
                      "cannot start a transaction: %s",
                      apr_dbd_error(st->dbd->driver, st->dbd->handle, rv));
        return SE_STORE_ERROR;
    }
    return SE_STORE_OK;
}

/* Commits, or rolls back when `rc` says a step failed. */
se_store_rc se_db_txn_end(se_store_t *st, se_store_rc rc)
{
    int rv;

    if (rc != SE_STORE_OK) {
        apr_dbd_transaction_mode_set(st->dbd->driver, st->txn,
                                     APR_DBD_TRANSACTION_ROLLBACK);
    }
    rv = apr_dbd_transaction_end(st->dbd->driver, st->r->pool, st->txn);
    st->txn = NULL;
    se_db_write_end(st);
    if (rv && rc == SE_STORE_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0206)
                      "cannot commit: %s",
                      apr_dbd_error(st->dbd->driver, st->dbd->handle, rv));
        return SE_STORE_ERROR;
    }
    return rc;
}
