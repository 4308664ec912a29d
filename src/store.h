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
    SE_STORE_ERROR              /* database unreachable or a query failed */
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

/*
 * Registers our statements with mod_dbd for every server (post_config,
 * before mod_dbd's own post_config).  Returns an error message when mod_dbd
 * is not loaded.
 */
const char *se_store_register(apr_pool_t *p, server_rec *s);

/* Per-process set-up (child_init). */
void se_store_child_init(apr_pool_t *p);

/* A database connection for this request (released with the request). */
se_store_rc se_store_open(request_rec *r, se_store_t **store);

se_store_rc se_store_find_account(se_store_t *st, const char *user,
                                  se_account_t *acct);

/* Allocates the user's next session id (ids only grow), removes the
 * user's expired sessions and inserts the new one, in one transaction. */
se_store_rc se_store_create_session(se_store_t *st, const se_new_session_t *s,
                                    apr_int64_t *sessid);

se_store_rc se_store_expire_all(se_store_t *st, apr_int64_t userid,
                                int *count);

/* Deletes the user's sessions whose ids are in `ids` (apr_int64_t), in one
 * transaction; ids that do not exist are ignored. */
se_store_rc se_store_expire_ids(se_store_t *st, apr_int64_t userid,
                                const apr_array_header_t *ids, int *count);

#endif
