/*
 * store.h - the storage interface: everything the modes need from the
 * database, over mod_dbd prepared statements.  Nothing above this file
 * knows which driver (SQLite, PostgreSQL, MySQL) is underneath.
 */
#ifndef SE_STORE_H
#define SE_STORE_H

#include "httpd.h"
#include "apr_tables.h"

typedef enum {
    SE_STORE_OK = 0,
    SE_STORE_NOTFOUND,
    SE_STORE_ERROR,             /* database unreachable or a query failed */
    SE_STORE_EXHAUSTED          /* the user's session ids are used up */
} se_store_rc;

typedef struct se_store se_store_t;

typedef struct {
    apr_int64_t userid;
    const char *password_md5;   /* lowercase hex */
    char status;                /* V S D L X */
} se_account_t;

typedef struct {
    apr_int64_t userid;
    const char *auth;           /* the session's auth code */
    const char *exptype;        /* "short" or "long" */
    apr_int64_t created;        /* Unix seconds */
    apr_int64_t expires;
    const char *bound_ip;       /* "" when not bound */
} se_new_session_t;

typedef struct {
    const char *auth;
    apr_int64_t expires;
    const char *bound_ip;       /* "" when not bound */
} se_session_t;

/*
 * Records in each server's config the labels of its statements, which are
 * prepared on each connection at first use (store.c).  post_config.
 * Returns an error message when mod_dbd is not loaded.
 */
const char *se_store_register(apr_pool_t *p, server_rec *s);

/* Per-process set-up (child_init). */
void se_store_child_init(apr_pool_t *p);

/* A database connection for this request (released with the request). */
se_store_rc se_store_open(request_rec *r, se_store_t **store);

se_store_rc se_store_find_account(se_store_t *st, const char *user,
                                  se_account_t *acct);

/* Allocates the user's next session id (ids only grow), removes the
 * user's expired sessions and inserts the new one, in one transaction.
 * SE_STORE_EXHAUSTED when the next id would pass SE_SESSID_MAX: an id the
 * protocol could not name in expire_id_<N> is never handed out. */
se_store_rc se_store_create_session(se_store_t *st, const se_new_session_t *s,
                                    apr_int64_t *sessid);

se_store_rc se_store_expire_all(se_store_t *st, apr_int64_t userid,
                                int *count);

/* Deletes the user's sessions whose ids are in `ids` (apr_int64_t), in one
 * transaction; ids that do not exist are ignored. */
se_store_rc se_store_expire_ids(se_store_t *st, apr_int64_t userid,
                                const apr_array_header_t *ids, int *count);

/* The session (userid, sessid), or SE_STORE_NOTFOUND. */
se_store_rc se_store_find_session(se_store_t *st, apr_int64_t userid,
                                  apr_int64_t sessid, se_session_t *sess);

/* Marks `challenge` used until `expires`; *first_use is 1 only for the one
 * request, across every process and node, that used it first. */
se_store_rc se_store_use_challenge(se_store_t *st, const char *challenge,
                                   apr_int64_t expires, int *first_use);

/* *banned is 1 while the (user, ip) pair is banned at `now`. */
se_store_rc se_store_ban_active(se_store_t *st, const char *user,
                                const char *ip, apr_int64_t now,
                                int *banned);

/*
 * Counts a failed login of (user, ip) at `now`; when that makes more than
 * `allowed` failures within `window` seconds, bans the pair until
 * now + `ban` and sets *banned.
 */
se_store_rc se_store_record_failure(se_store_t *st, const char *user,
                                    const char *ip, apr_int64_t now,
                                    int allowed, apr_int64_t window,
                                    apr_int64_t ban, int *banned);

/*
 * Removes expired sessions, old failures and lifted bans at most once a
 * minute per process, and used challenges past their expiry at most every
 * 5 seconds per process, in slices: the module cleans up after itself
 * without adding writes to most requests.
 */
void se_store_housekeeping(request_rec *r, apr_int64_t now,
                           apr_int64_t failure_window);

#endif
