/*
 * store.c - the storage layer over mod_dbd: registering the statements,
 * a request's connection, and the steps every operation is made of
 * (store_sessions.c and store_logins.c build the operations from them).
 *
 * Statements are handed to mod_dbd at config time (it prepares them on
 * every pooled connection); here they are looked up by label and run with
 * every value passed as text, which every apr_dbd driver accepts.
 */
#include <string.h>

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

/*
 * Whether statement `id` of this server is one whose default text differs
 * between databases (se_sql_stmt.mysql_sql).  mod_dbd prepares what it is
 * given on every connection and gives up the connection when one statement
 * fails to prepare, and it does not tell us the driver at config time: such
 * a statement is therefore not handed to mod_dbd but prepared on each
 * connection at first use, in that connection's dialect (prepare_here()).
 * A SessionExpireSQL replacement is the site's own text for its own
 * database, and goes to mod_dbd like every other.
 */
static int spelled_per_driver(const se_srv_cfg *cfg, se_sql_id id)
{
    return se_sql_module[id].mysql_sql != NULL
           && se_srv_sql(cfg, id) == se_sql_module[id].sql;
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
            if (spelled_per_driver(cfg, (se_sql_id)i)) {
                continue;
            }
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

/*
 * Prepares a spelled_per_driver() statement on this request's connection and
 * keeps it in the connection's own table, where mod_dbd keeps the others: a
 * connection serves one request at a time, and its pool lives as long as
 * it does.
 */
static apr_dbd_prepared_t *prepare_here(se_store_t *st, se_sql_id id)
{
    const char *sql = se_sql_text(&se_sql_module[id],
                                  apr_dbd_name(st->dbd->driver));
    apr_dbd_prepared_t *stmt = NULL;
    int rv = apr_dbd_prepare(st->dbd->driver, st->dbd->pool, st->dbd->handle,
                             sql, st->cfg->label[id], &stmt);

    if (rv != 0) {
        db_error(st, id, rv);
        return NULL;
    }
    apr_hash_set(st->dbd->prepared, st->cfg->label[id], APR_HASH_KEY_STRING,
                 stmt);
    return stmt;
}

static apr_dbd_prepared_t *statement(se_store_t *st, se_sql_id id)
{
    apr_dbd_prepared_t *stmt = apr_hash_get(st->dbd->prepared,
                                            st->cfg->label[id],
                                            APR_HASH_KEY_STRING);

    if (stmt == NULL && spelled_per_driver(st->cfg, id)) {
        return prepare_here(st, id);
    }
    if (stmt == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, st->r, SELOGNO(0202)
                      "statement %s was not prepared on this connection",
                      se_sql_module[id].name);
    }
    return stmt;
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
    return rv ? db_error(st, id, rv) : SE_STORE_OK;
}

/*
 * Runs a select and copies the columns of its first row into `cols` (NULL
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
    if (rv) {
        return db_error(st, id, rv);
    }
    if (apr_dbd_get_row(st->dbd->driver, st->r->pool, res, &row, 1) != 0) {
        return SE_STORE_NOTFOUND;
    }
    for (i = 0; i < ncols; i++) {
        const char *v = apr_dbd_get_entry(st->dbd->driver, row, i);

        cols[i] = v ? apr_pstrdup(st->r->pool, v) : NULL;
    }
    return SE_STORE_OK;
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
