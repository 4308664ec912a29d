/*
 * sql.h - every SQL statement mod_sessionexpire and sessionexpire-admin run.
 *
 * One table so that the module and the admin tool cannot drift apart, and so
 * that a site with its own schema can replace any statement the module runs
 * (SessionExpireSQL) while keeping the number of parameters each one takes.
 * Placeholders use apr_dbd's driver-neutral syntax (%s, %d, %lld).
 */
#ifndef SE_SQL_H
#define SE_SQL_H

/* The statements the module prepares through mod_dbd. */
typedef enum {
    SE_SQL_USER_LOOKUP,      /* user -> userid, password_md5, status */
    SE_SQL_SESSID_BUMP,      /* userid: advance the per-user session counter */
    SE_SQL_SESSID_READ,      /* userid -> the counter just advanced */
    SE_SQL_USER_LOCK,        /* userid: lock the account's row, change nothing */
    SE_SQL_SESSION_ANY,      /* userid -> a row when the user has a session */
    SE_SQL_SESSION_INSERT,   /* userid, sessid, auth, exptype, created, expires, ip */
    SE_SQL_SESSION_PURGE,    /* userid, now: delete that user's expired sessions */
    SE_SQL_SESSION_DELETE_ALL, /* userid */
    SE_SQL_SESSION_DELETE,   /* userid, sessid */
    SE_SQL_SESSION_LOOKUP,   /* userid, sessid -> auth, timeexpire, ipfixed */
    SE_SQL_SESSION_PURGE_ALL, /* now: every user's expired sessions */
    SE_SQL_CHALLENGE_USE,    /* challenge, expires: 1 row if first use */
    SE_SQL_CHALLENGE_PURGE,  /* cut-off: delete those expired by then */
    SE_SQL_BAN_CHECK,        /* user, ip, now -> a row while banned */
    SE_SQL_FAILURE_ADD,      /* user, ip, now */
    SE_SQL_FAILURE_COUNT,    /* user, ip, since -> count */
    SE_SQL_FAILURE_PURGE,    /* before */
    SE_SQL_BAN_ADD,          /* user, ip, until: sets or replaces the ban */
    SE_SQL_BAN_PURGE,        /* now */
    SE_SQL_CHALLENGE_OLDEST, /* -> the earliest expiry of a used challenge */
    SE_SQL_SESSION_EXPIRED_USERS, /* now -> up to SE_SQL_USERS_BATCH userids
                                   * with expired sessions, ascending */
    SE_SQL_COUNT
} se_sql_id;

/* How many users SessionExpiredUsers gives at most (a literal in it). */
#define SE_SQL_USERS_BATCH 100

/* Every label of ours starts with this. */
#define SE_SQL_LABEL_PREFIX "sessionexpire_"

typedef struct {
    const char *name;        /* the name SessionExpireSQL uses */
    const char *label;       /* the mod_dbd label; unique to this module */
    int nparams;             /* placeholders the statement must have */
    const char *sql;         /* the default statement */
    const char *mysql_sql;   /* MySQL's spelling of it, where that differs */
} se_sql_stmt;

/* The default statement table, indexed by se_sql_id. */
extern const se_sql_stmt se_sql_module[SE_SQL_COUNT];

/* Statements only the admin tool runs. */
typedef enum {
    SE_ADMIN_USER_ADD,       /* user, password_md5 */
    SE_ADMIN_USER_PASSWD,    /* password_md5, user */
    SE_ADMIN_USER_STATUS,    /* status, user */
    SE_ADMIN_SESSIONS_LIST,  /* user -> sessid, exptype, timeexpire, ipfixed */
    SE_ADMIN_PURGE,          /* now: delete every expired session */
    SE_ADMIN_COUNT
} se_admin_sql_id;

extern const se_sql_stmt se_sql_admin[SE_ADMIN_COUNT];

/*
 * The schema, as a NULL-terminated list of statements for one apr_dbd
 * driver name ("sqlite3", ...).  Every statement is idempotent.  Returns
 * NULL for a driver we have no schema for.
 */
const char *const *se_sql_schema(const char *driver);

/* The default text of `stmt` for the apr_dbd driver called `driver`. */
const char *se_sql_text(const se_sql_stmt *stmt, const char *driver);

/* Index of the module statement called `name` (case-insensitive), or -1. */
int se_sql_find(const char *name);

/*
 * Number of apr_dbd placeholders in `sql`: a '%' followed by an optional
 * length modifier and a conversion letter; "%%" is a literal percent.
 */
int se_sql_count_params(const char *sql);

#endif
