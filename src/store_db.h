/*
 * store_db.h - what the store_*.c files share: the connection of a request
 * and the steps every storage operation is made of.  Private to the
 * storage layer; nothing above store.h sees it.
 */
#ifndef SE_STORE_DB_H
#define SE_STORE_DB_H

#include "apr_dbd.h"
#include "mod_dbd.h"

#include "se.h"
#include "sql.h"
#include "store.h"

struct se_store {
    request_rec *r;
    const se_srv_cfg *cfg;      /* the statements' labels */
    ap_dbd_t *dbd;
    apr_dbd_transaction_t *txn;
    int serialize_writes;       /* see writer_mutex */
    int statements_run;         /* on this connection, by this request */
};

/* Whether the database locks rows (every driver but sqlite3, which locks
 * the whole database for each write). */
int se_db_locks_rows(const se_store_t *st);

/* Every write holds this process's writer turn (see store.c). */
void se_db_write_begin(se_store_t *st);
void se_db_write_end(se_store_t *st);

/* Runs a statement that returns no rows; *nrows is the rows changed. */
se_store_rc se_db_run_query(se_store_t *st, se_sql_id id, const char **args,
                            int *nrows);

/*
 * Runs a select and points `cols` at the columns of its first row (NULL
 * for SQL NULL), which live as long as the request pool; any further rows
 * are ignored.  SE_STORE_NOTFOUND when there is no row.
 */
se_store_rc se_db_select_row(se_store_t *st, se_sql_id id, const char **args,
                             const char **cols, int ncols);

/* `v` as a statement argument (every argument is passed as text). */
/* Every user's expired sessions (housekeeping; store_sessions.c). */
se_store_rc se_store_purge_expired_sessions(se_store_t *st, apr_int64_t now);

/* Runs a select and gives back the first column, an integer, of each of
 * its first `max` rows, in order. */
se_store_rc se_db_select_ints(se_store_t *st, se_sql_id id,
                              const char **args, int max,
                              apr_array_header_t **values);

const char *se_db_int_arg(se_store_t *st, apr_int64_t v);

/* Parses a numeric column; a malformed one is a schema error. */
se_store_rc se_db_int_column(se_store_t *st, se_sql_id id, const char *v,
                             apr_int64_t *out);

/* A write transaction: it holds the writer turn until se_db_txn_end, which
 * commits, or rolls back when `rc` says a step failed. */
se_store_rc se_db_txn_begin(se_store_t *st);
se_store_rc se_db_txn_end(se_store_t *st, se_store_rc rc);

#endif
