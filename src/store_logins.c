/*
 * store_logins.c - what authentication keeps in the database: used
 * challenges, failed logins and bans; and the periodic clean-up of every
 * table.
 */
#include "apr_atomic.h"

#include "store_db.h"

se_store_rc se_store_use_challenge(se_store_t *st, const char *challenge,
                                   apr_int64_t expires, int *first_use)
{
    const char *args[2] = { challenge, se_db_int_arg(st, expires) };
    int nrows = 0;
    se_store_rc rc;

    se_db_write_begin(st);
    rc = se_db_run_query(st, SE_SQL_CHALLENGE_USE, args, &nrows);
    se_db_write_end(st);
    *first_use = rc == SE_STORE_OK && nrows == 1;
    return rc;
}

se_store_rc se_store_ban_active(se_store_t *st, const char *user,
                                const char *ip, apr_int64_t now,
                                int *banned)
{
    const char *args[3] = { user, ip, se_db_int_arg(st, now) };
    const char *cols[1] = { NULL };
    se_store_rc rc = se_db_select_row(st, SE_SQL_BAN_CHECK, args, cols, 1);

    *banned = rc == SE_STORE_OK;
    return rc == SE_STORE_NOTFOUND ? SE_STORE_OK : rc;
}

/* Bans (user, ip) until `until`, replacing an earlier ban. */
static se_store_rc add_ban(se_store_t *st, const char *user, const char *ip,
                           apr_int64_t until)
{
    const char *args[3] = { user, ip, se_db_int_arg(st, until) };
    int nrows;

    return se_db_run_query(st, SE_SQL_BAN_ADD, args, &nrows);
}

se_store_rc se_store_record_failure(se_store_t *st, const char *user,
                                    const char *ip, apr_int64_t now,
                                    int allowed, apr_int64_t window,
                                    apr_int64_t ban, int *banned)
{
    const char *add[3] = { user, ip, se_db_int_arg(st, now) };
    const char *count[3] = { user, ip, se_db_int_arg(st, now - window) };
    const char *cols[1] = { NULL };
    apr_int64_t failures = 0;
    int nrows;
    se_store_rc rc = se_db_txn_begin(st);

    *banned = 0;
    if (rc != SE_STORE_OK) {
        return rc;
    }
    rc = se_db_run_query(st, SE_SQL_FAILURE_ADD, add, &nrows);
    if (rc == SE_STORE_OK) {
        rc = se_db_select_row(st, SE_SQL_FAILURE_COUNT, count, cols, 1);
    }
    if (rc == SE_STORE_OK) {
        rc = se_db_int_column(st, SE_SQL_FAILURE_COUNT, cols[0], &failures);
    }
    if (rc == SE_STORE_OK && failures > allowed) {
        rc = add_ban(st, user, ip, now + ban);
        *banned = rc == SE_STORE_OK;
    }
    return se_db_txn_end(st, rc);
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
    rc = se_db_txn_begin(st);
    if (rc == SE_STORE_OK) {
        for (i = 0; rc == SE_STORE_OK && i < 4; i++) {
            args[0] = se_db_int_arg(st, purges[i] == SE_SQL_FAILURE_PURGE
                                        ? now - failure_window : now);
            rc = se_db_run_query(st, purges[i], args, &nrows);
        }
        rc = se_db_txn_end(st, rc);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SELOGNO(0207)
                  "housekeeping %s", rc == SE_STORE_OK ? "done" : "failed");
}
