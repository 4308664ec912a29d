/*
 * store_logins.c - what authentication keeps in the database: used
 * challenges, failed logins and bans; and the periodic clean-up of every
 * table.
 */
#include "apr_atomic.h"
#include "apr_time.h"

#include "purge.h"
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

/* Used challenges pile up at the rate of challenge logins (thousands a
 * second under load): purged this often, each purge finds a few seconds
 * of them, a few short slices, instead of a minute's worth at once. */
#define SE_CHALLENGE_PURGE_INTERVAL 5

/* Between two slices of the challenge purge the write lock stays free this
 * long, so that writers of other processes, whose SQLite busy handler
 * polls for it, get their turn. */
#define SE_PURGE_PAUSE apr_time_from_msec(5)

/* Unix times of this process's last purges (32 bits: good to 2106). */
static volatile apr_uint32_t last_housekeeping, last_challenge_purge;

/* 1 when this request wins this process's turn at a task last run at
 * *last and due every `interval` seconds: one request per process and
 * interval wins the compare-and-swap. */
static int my_turn(volatile apr_uint32_t *last, apr_int64_t now,
                   apr_int64_t interval)
{
    apr_uint32_t seen = apr_atomic_read32(last);

    return now >= (apr_int64_t)seen + interval
           && apr_atomic_cas32(last, (apr_uint32_t)now, seen) == seen;
}

/* The earliest expiry among the used challenges; NOTFOUND when none. */
static se_store_rc oldest_challenge(se_store_t *st, apr_int64_t *oldest)
{
    const char *cols[1] = { NULL };
    se_store_rc rc = se_db_select_row(st, SE_SQL_CHALLENGE_OLDEST, NULL,
                                      cols, 1);

    /* MIN() of an empty table: NULL, which the pgsql driver gives as an
     * empty string. */
    if (rc == SE_STORE_OK && (cols[0] == NULL || *cols[0] == '\0')) {
        return SE_STORE_NOTFOUND;
    }
    return rc == SE_STORE_OK
           ? se_db_int_column(st, SE_SQL_CHALLENGE_OLDEST, cols[0], oldest)
           : rc;
}

/* One slice: a statement of its own, atomic by itself, so no lock is held
 * from one slice to the next. */
static se_store_rc purge_challenges_upto(se_store_t *st, apr_int64_t cutoff,
                                         int *nrows)
{
    const char *args[1] = { se_db_int_arg(st, cutoff) };
    se_store_rc rc;

    se_db_write_begin(st);
    rc = se_db_run_query(st, SE_SQL_CHALLENGE_PURGE, args, nrows);
    se_db_write_end(st);
    return rc;
}

/* What a purge did, for the debug log. */
typedef struct {
    apr_int64_t purged;         /* rows deleted */
    int slices;
    apr_interval_time_t longest;        /* the longest slice */
} purge_stats_t;

/* Deletes the used challenges that expired by `now`, in slices of about
 * SE_PURGE_SLICE_ROWS rows (see purge.h). */
static se_store_rc purge_challenges(se_store_t *st, apr_int64_t now,
                                    purge_stats_t *stats)
{
    se_purge_t pg;
    apr_int64_t oldest, cutoff;
    apr_interval_time_t started;
    int nrows = 0;
    se_store_rc rc = oldest_challenge(st, &oldest);

    if (rc == SE_STORE_OK) {
        se_purge_start(&pg, oldest, now);
    }
    while (rc == SE_STORE_OK && se_purge_next(&pg, &cutoff)) {
        if (nrows > 0) {
            apr_sleep(SE_PURGE_PAUSE);
        }
        nrows = 0;
        started = apr_time_now();
        rc = purge_challenges_upto(st, cutoff, &nrows);
        started = apr_time_now() - started;
        stats->longest = started > stats->longest ? started : stats->longest;
        stats->purged += nrows;
        stats->slices = pg.slices;
        if (rc == SE_STORE_OK && se_purge_deleted(&pg, nrows)) {
            rc = oldest_challenge(st, &oldest);
            if (rc == SE_STORE_OK) {
                se_purge_seek(&pg, oldest);
            }
        }
    }
    /* No challenge left at all is the normal way to finish. */
    return rc == SE_STORE_NOTFOUND ? SE_STORE_OK : rc;
}

/* Expired sessions (store_sessions.c), then, in one transaction, old
 * failures and lifted bans. */
static se_store_rc purge_others(se_store_t *st, apr_int64_t now,
                                apr_int64_t failure_window)
{
    const char *args[1];
    int nrows;
    se_store_rc rc = se_store_purge_expired_sessions(st, now);

    if (rc == SE_STORE_OK) {
        rc = se_db_txn_begin(st);
    }
    if (rc != SE_STORE_OK) {
        return rc;
    }
    args[0] = se_db_int_arg(st, now);
    rc = se_db_run_query(st, SE_SQL_BAN_PURGE, args, &nrows);
    if (rc == SE_STORE_OK) {
        args[0] = se_db_int_arg(st, now - failure_window);
        rc = se_db_run_query(st, SE_SQL_FAILURE_PURGE, args, &nrows);
    }
    return se_db_txn_end(st, rc);
}

void se_store_housekeeping(request_rec *r, apr_int64_t now,
                           apr_int64_t failure_window)
{
    int others = my_turn(&last_housekeeping, now, SE_HOUSEKEEPING_INTERVAL);
    int challenges = my_turn(&last_challenge_purge, now,
                             SE_CHALLENGE_PURGE_INTERVAL);
    purge_stats_t stats = { 0, 0, 0 };
    apr_time_t started = apr_time_now();
    se_store_t *st;
    se_store_rc rc = SE_STORE_OK;

    if ((!others && !challenges) || se_store_open(r, &st) != SE_STORE_OK) {
        return;
    }
    if (others) {
        rc = purge_others(st, now, failure_window);
    }
    if (challenges && rc == SE_STORE_OK) {
        rc = purge_challenges(st, now, &stats);
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, SELOGNO(0207)
                  "housekeeping%s %s in %" APR_TIME_T_FMT " ms; %"
                  APR_INT64_T_FMT " used challenges purged in %d slice(s),"
                  " the longest %" APR_TIME_T_FMT " ms",
                  others ? "" : " (challenges only)",
                  rc == SE_STORE_OK ? "done" : "failed",
                  apr_time_as_msec(apr_time_now() - started), stats.purged,
                  stats.slices, apr_time_as_msec(stats.longest));
}
