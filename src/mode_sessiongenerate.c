/*
 * mode_sessiongenerate.c - creates a login session for the user.
 */
#include <string.h>

#include "apr_strings.h"

#include "args.h"
#include "auth.h"
#include "crypto.h"
#include "errors.h"
#include "modes.h"
#include "store.h"

#define SE_AUTH_CODE_LEN 10

/* Locked and suspended accounts may log out but not log in. */
static int account_may_log_in(se_req_t *req, const se_account_t *acct)
{
    if (acct->status == 'L') {
        se_resp_fail(req->resp, SE_ERR_LOCKED);
        return 0;
    }
    if (acct->status == 'S') {
        se_resp_fail(req->resp, SE_ERR_SUSPENDED);
        return 0;
    }
    return 1;
}

/* The new session's settings from the request; NULL auth on RNG failure. */
static void describe_session(se_req_t *req, const se_account_t *acct,
                             se_new_session_t *s)
{
    const char *expiration = se_arg(req, "expiration");
    int is_long = expiration != NULL && strcmp(expiration, "long") == 0;

    s->userid = acct->userid;
    s->auth = se_random_alnum(req->r->pool, SE_AUTH_CODE_LEN);
    s->exptype = is_long ? "long" : "short";
    s->created = req->now;
    s->expires = req->now + (is_long ? req->cfg->long_lifetime
                                     : req->cfg->short_lifetime);
    /* The reference documented ipfixed but read bindtoip: honour both. */
    s->bound_ip = (se_arg_true(se_arg(req, "ipfixed"))
                   || se_arg_true(se_arg(req, "bindtoip")))
                  ? req->r->useragent_ip : "";
}

void se_mode_sessiongenerate(se_req_t *req)
{
    se_store_t *store;
    se_account_t acct;
    se_new_session_t s;
    apr_int64_t sessid;

    if (se_store_open(req->r, &store) != SE_STORE_OK) {
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return;
    }
    if (!se_auth_request(req, store, &acct)
        || !account_may_log_in(req, &acct)) {
        return;
    }
    describe_session(req, &acct, &s);
    if (s.auth == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, SELOGNO(0401)
                      "the random number generator failed");
        se_resp_fail(req->resp, SE_ERR_INTERNAL);
        return;
    }
    switch (se_store_create_session(store, &s, &sessid)) {
    case SE_STORE_OK:
        break;
    case SE_STORE_EXHAUSTED:
        se_resp_fail(req->resp, SE_ERR_INTERNAL);
        return;
    default:
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0402)
                  "sessiongenerate: user %s, session %" APR_INT64_T_FMT
                  " (%s%s), client %s", req->user, sessid, s.exptype,
                  *s.bound_ip ? ", bound to IP" : "", req->r->useragent_ip);
    se_resp_set(req->resp, "ljsession",
                apr_psprintf(req->r->pool, "ws:%s:%" APR_INT64_T_FMT ":%s",
                             req->user, sessid, s.auth));
    se_resp_ok(req->resp);
}
