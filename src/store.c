/*
 * store.c - the storage layer over mod_dbd: registering the statements,
 * a request's connection, and the steps every operation is made of
 * (store_sessions.c and store_logins.c build the operations from them).
 *
 * Statements are handed to mod_dbd at config time (it prepares them on
 * every pooled connection); here they are looked up by label and run with
 * every value passed as text, which every apr_dbd driver accepts.  Every
 * result set is read to its end, as sequential apr_dbd results require.
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

/* Every transaction here writes, so it holds the writer turn throughout. */
se_store_rc se_db_txn_begin(se_store_t *st)
{
    int rv;

    se_db_write_begin(st);
    rv = apr_dbd_transaction_start(st->dbd->driver, st->r->pool,
                                   st->dbd->handle, &st->txn);
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
