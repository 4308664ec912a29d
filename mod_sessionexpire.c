/*
 * mod_sessionexpire - the LiveJournal-compatible "flat" protocol modes that
 * let a user expire login sessions (sessionexpire), with the modes around
 * it, as an httpd content handler over mod_dbd.
 *
 * This file is the front door: the module record, the hooks, the directive
 * table and the dispatch from a mode name to its handler.  Everything else
 * is in src/, one concern per file.
 */
#include <string.h>

#include "apr_strings.h"
#include "http_protocol.h"

#include "api.h"
#include "args.h"
#include "crypto.h"
#include "errors.h"
#include "flat.h"
#include "keycache.h"
#include "modes.h"
#include "se.h"
#include "store.h"
#include "username.h"

typedef struct {
    const char *name;
    se_dispatch_fn *handler;
} se_mode_t;

/* Every mode here needs a user name (getchallenge, which does not, is
 * checked before the user name). */
static const se_mode_t modes[] = {
    { "sessionexpire",   se_mode_sessionexpire },
    { "sessiongenerate", se_mode_sessiongenerate },
};

static se_dispatch_fn *find_mode(const char *name)
{
    apr_size_t i;

    for (i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        if (strcmp(modes[i].name, name) == 0) {
            return modes[i].handler;
        }
    }
    return NULL;
}

/* The reference's order: mode present, getchallenge (which needs nothing
 * else), user name, mode known. */
static void dispatch(se_req_t *req)
{
    const char *mode = se_arg(req, "mode");
    se_dispatch_fn *handler;

    if (mode == NULL || *mode == '\0') {
        se_resp_fail(req->resp, SE_ERR_NO_MODE);
        return;
    }
    if (se_parse_ver(se_arg(req, "ver")) < 0) {
        se_resp_fail(req->resp, apr_pstrcat(req->r->pool, SE_ERR_INVALID_ARGS,
                                            ": ver", NULL));
        return;
    }
    if (strcmp(mode, "getchallenge") == 0) {
        se_mode_getchallenge(req);
        return;
    }
    req->user = se_username_canonical(req->r->pool, se_arg(req, "user"));
    if (req->user == NULL) {
        se_resp_fail(req->resp, SE_ERR_NO_USER);
        return;
    }
    handler = find_mode(mode);
    if (handler == NULL) {
        se_resp_fail(req->resp, apr_psprintf(req->r->pool,
                     SE_ERR_UNKNOWN_MODE_FMT, mode));
        return;
    }
    handler(req);
    se_store_housekeeping(req->r, req->now, req->cfg->login_limit.window);
}

static int sessionexpire_handler(request_rec *r)
{
    if (r->handler == NULL || strcmp(r->handler, SE_HANDLER) != 0) {
        return DECLINED;
    }
    return se_flat_serve(r, dispatch);
}

static int sessionexpire_post_config(apr_pool_t *pconf, apr_pool_t *plog,
                                     apr_pool_t *ptemp, server_rec *s)
{
    const char *err = se_store_register(pconf, s);

    if (err != NULL) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SELOGNO(0101) "%s", err);
        return HTTP_INTERNAL_SERVER_ERROR;
    }
    switch (se_cfg_default_secrets(pconf, s)) {
    case -1:
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, SELOGNO(0102)
                     "cannot make a challenge secret: OpenSSL's RNG failed");
        return HTTP_INTERNAL_SERVER_ERROR;
    case 1:
        ap_log_error(APLOG_MARK, APLOG_NOTICE, 0, s, SELOGNO(0103)
                     "no SessionExpireChallengeSecretFile: using a random"
                     " secret, so challenges verify only on this server and"
                     " only until it restarts");
        break;
    }
    return OK;
}

static void sessionexpire_child_init(apr_pool_t *p, server_rec *s)
{
    se_store_child_init(p);
    /* Algorithms fetched once and challenge keys derived once per hour
     * and thread; without them every request does both, slower. */
    if (!se_crypto_init(p) || se_keycache_init(p) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s, SELOGNO(0104)
                     "cannot set up cached crypto state; challenges will"
                     " be slower");
    }
}

static void sessionexpire_register_hooks(apr_pool_t *p)
{
    ap_hook_post_config(sessionexpire_post_config, NULL, NULL,
                        APR_HOOK_MIDDLE);
    ap_hook_child_init(sessionexpire_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(sessionexpire_handler, NULL, NULL, APR_HOOK_MIDDLE);
    se_api_register();
}

static const command_rec sessionexpire_cmds[] = {
    AP_INIT_TAKE1("SessionExpireMaxBody", se_set_max_body, NULL,
                  RSRC_CONF | ACCESS_CONF,
                  "Largest request body accepted, in bytes (default 65536)"),
    AP_INIT_TAKE1("SessionExpireShortLifetime", se_set_lifetime,
                  SE_LIFETIME_SHORT, RSRC_CONF | ACCESS_CONF,
                  "Lifetime of a short session (default 86400 seconds)"),
    AP_INIT_TAKE1("SessionExpireLongLifetime", se_set_lifetime,
                  SE_LIFETIME_LONG, RSRC_CONF | ACCESS_CONF,
                  "Lifetime of a long session (default 2592000 seconds)"),
    AP_INIT_TAKE2("SessionExpireSQL", se_set_sql, NULL, RSRC_CONF,
                  "Statement name and SQL replacing one of the module's"
                  " statements (default: the module's own schema)"),
    AP_INIT_RAW_ARGS("SessionExpireAuthMethods", se_set_auth_methods, NULL,
                     RSRC_CONF | ACCESS_CONF,
                     "Authentication methods allowed: any of clear,"
                     " challenge, cookie, or none (default: all three)"),
    AP_INIT_TAKE1("SessionExpireChallengeLifetime", se_set_challenge_lifetime,
                  NULL, RSRC_CONF | ACCESS_CONF,
                  "How long a challenge is valid (default 60 seconds)"),
    AP_INIT_TAKE1("SessionExpireChallengeSecretFile", se_set_secret_file,
                  NULL, RSRC_CONF,
                  "File holding the site secret challenges are signed with"
                  " (default: a random secret per start)"),
    AP_INIT_TAKE123("SessionExpireLoginLimit", se_set_login_limit, NULL,
                    RSRC_CONF | ACCESS_CONF,
                    "off, or failures allowed [window [ban]] per user and IP"
                    " (default: 3 300 300)"),
    AP_INIT_TAKE1("SessionExpireTestClockFile", se_set_test_clock, NULL,
                  RSRC_CONF,
                  "Test suites only (needs -D SESSIONEXPIRE_TESTING): file"
                  " holding seconds to add to the clock"),
    { NULL }
};

/* Declared plainly, not with AP_DECLARE_MODULE: se.h already gives every
 * file (this one included) the per-module LogLevel index. */
module AP_MODULE_DECLARE_DATA sessionexpire_module = {
    STANDARD20_MODULE_STUFF,
    se_create_dir_cfg,
    se_merge_dir_cfg,
    se_create_srv_cfg,
    se_merge_srv_cfg,
    sessionexpire_cmds,
    sessionexpire_register_hooks,
    AP_MODULE_FLAG_NONE
};
