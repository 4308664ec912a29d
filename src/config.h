/*
 * config.h - mod_sessionexpire's configuration: per-directory settings of
 * the flat endpoint, and per-server SQL.
 */
#ifndef SE_CONFIG_H
#define SE_CONFIG_H

#include "httpd.h"
#include "http_config.h"

#include "sql.h"

#define SE_DEFAULT_MAX_BODY        65536
#define SE_MAX_BODY_LIMIT          (16 * 1024 * 1024)
#define SE_DEFAULT_SHORT_LIFETIME  86400            /* 24 hours */
#define SE_DEFAULT_LONG_LIFETIME   (30 * 86400)     /* 30 days */
#define SE_DEFAULT_CHAL_LIFETIME   60
#define SE_MAX_CHAL_LIFETIME       86400
#define SE_DEFAULT_LOGIN_FAILURES  3                /* allowed, then banned */
#define SE_DEFAULT_LOGIN_WINDOW    300
#define SE_DEFAULT_LOGIN_BAN       300
#define SE_MIN_SECRET_LEN          32

/* Authentication methods, as bits of se_dir_cfg.auth_methods. */
#define SE_AUTH_CLEAR      0x1
#define SE_AUTH_CHALLENGE  0x2
#define SE_AUTH_COOKIE     0x4
#define SE_AUTH_ALL        (SE_AUTH_CLEAR | SE_AUTH_CHALLENGE | SE_AUTH_COOKIE)

/* The -D define without which SessionExpireTestClockFile is refused. */
#define SE_TESTING_DEFINE  "SESSIONEXPIRE_TESTING"

/* Failed-login limiting: more than `failures` failures of one (user, IP)
 * within `window` seconds ban the pair for `ban` seconds.  failures == 0:
 * off. */
typedef struct {
    int failures;
    apr_int64_t window;
    apr_int64_t ban;
} se_login_limit_t;

/* Each value has a _set flag so a nested block can set it back to the
 * default: merging is `add_set ? add : base`, never a comparison. */
typedef struct {
    apr_off_t max_body;
    int max_body_set;
    apr_int64_t short_lifetime;         /* seconds */
    int short_lifetime_set;
    apr_int64_t long_lifetime;          /* seconds */
    int long_lifetime_set;
    int auth_methods;                   /* SE_AUTH_* bits allowed */
    int auth_methods_set;
    apr_int64_t challenge_lifetime;     /* seconds */
    int challenge_lifetime_set;
    se_login_limit_t login_limit;
    int login_limit_set;
} se_dir_cfg;

typedef struct {
    const char *sql[SE_SQL_COUNT];      /* NULL: inherited or the default */
    const char *label[SE_SQL_COUNT];    /* statement labels, set post_config */
    const unsigned char *secret;        /* challenge site secret */
    apr_size_t secret_len;
    const char *test_clock_file;        /* NULL: the real clock */
} se_srv_cfg;

void *se_create_dir_cfg(apr_pool_t *p, char *dir);
void *se_merge_dir_cfg(apr_pool_t *p, void *basev, void *addv);
void *se_create_srv_cfg(apr_pool_t *p, server_rec *s);
void *se_merge_srv_cfg(apr_pool_t *p, void *basev, void *addv);

/* The statement the server runs for `id`: its SessionExpireSQL, or ours. */
const char *se_srv_sql(const se_srv_cfg *cfg, se_sql_id id);

/* Directive setters (the table lives in mod_sessionexpire.c). */
const char *se_set_max_body(cmd_parms *cmd, void *dcfg, const char *arg);
const char *se_set_lifetime(cmd_parms *cmd, void *dcfg, const char *arg);
const char *se_set_sql(cmd_parms *cmd, void *dcfg, const char *name,
                       const char *sql);
const char *se_set_auth_methods(cmd_parms *cmd, void *dcfg,
                                const char *args);
const char *se_set_challenge_lifetime(cmd_parms *cmd, void *dcfg,
                                      const char *arg);
const char *se_set_secret_file(cmd_parms *cmd, void *dcfg, const char *path);
const char *se_set_login_limit(cmd_parms *cmd, void *dcfg, const char *a1,
                               const char *a2, const char *a3);
const char *se_set_test_clock(cmd_parms *cmd, void *dcfg, const char *path);

/*
 * Gives every server without SessionExpireChallengeSecretFile one random
 * secret (post_config, in the parent, so every child shares it).  Returns
 * 1 when it did, so the caller can say that challenges then verify only on
 * this server; 0 when every server has a secret; -1 if the RNG failed.
 */
int se_cfg_default_secrets(apr_pool_t *p, server_rec *s);

/* cmd->info of se_set_lifetime: which lifetime it sets. */
#define SE_LIFETIME_SHORT ((void *)0)
#define SE_LIFETIME_LONG  ((void *)1)

#endif
