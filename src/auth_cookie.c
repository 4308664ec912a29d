/*
 * auth_cookie.c - auth_method=cookie: one of the request's ljsession
 * cookies names a live session of this very user.
 */
#include <string.h>

#include "auth_methods.h"
#include "cookie.h"
#include "crypto.h"
#include "errors.h"
#include "username.h"

typedef struct {
    apr_pool_t *pool;
    apr_array_header_t *values;
} collect_ctx;

static int collect_header(void *data, const char *key, const char *value)
{
    collect_ctx *ctx = data;

    se_cookie_collect(ctx->pool, value, "ljsession", ctx->values,
                      SE_COOKIE_MAX_TRIED);
    return ctx->values->nelts < SE_COOKIE_MAX_TRIED;
}

/* Every ljsession cookie of the request, in order, across Cookie headers. */
static apr_array_header_t *ljsession_cookies(request_rec *r)
{
    collect_ctx ctx = { r->pool, apr_array_make(r->pool, 2,
                                                sizeof(const char *)) };

    apr_table_do(collect_header, &ctx, r->headers_in, "Cookie", NULL);
    return ctx.values;
}

typedef enum { COOKIE_NO, COOKIE_YES, COOKIE_DB_ERROR } cookie_rc;

/* Whether the cookie `value` authenticates req->user. */
static cookie_rc cookie_authenticates(se_req_t *req, se_store_t *store,
                                      const se_account_t *acct,
                                      const char *value)
{
    se_ljsession_t c;
    se_session_t s;
    const char *user;

    if (!se_ljsession_parse(req->r->pool, value, &c)) {
        return COOKIE_NO;
    }
    user = se_username_canonical(req->r->pool, c.user);
    if (user == NULL || strcmp(user, req->user) != 0) {
        return COOKIE_NO;
    }
    switch (se_store_find_session(store, acct->userid, c.sessid, &s)) {
    case SE_STORE_OK:
        break;
    case SE_STORE_NOTFOUND:
        return COOKIE_NO;
    default:
        return COOKIE_DB_ERROR;
    }
    /* Every check runs whatever the others say: no early exit on the
     * auth code's comparison. */
    return (se_secret_equal(s.auth, c.auth) & (s.expires > req->now)
            & (s.bound_ip[0] == '\0'
               || strcmp(s.bound_ip, req->r->useragent_ip) == 0))
           ? COOKIE_YES : COOKIE_NO;
}

se_authn_rc se_auth_cookie(se_req_t *req, se_store_t *store,
                           const se_account_t *acct)
{
    const char *guard = apr_table_get(req->r->headers_in, "X-LJ-Auth");
    apr_array_header_t *cookies;
    int i;

    /* The header guards against forms posted from other sites, which carry
     * the cookie but cannot set headers.  Locked accounts cannot use their
     * sessions. */
    if (guard == NULL || strcmp(guard, "cookie") != 0 || acct->status == 'L') {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, SELOGNO(0321)
                      "user %s: cookie auth refused: %s", req->user,
                      acct->status == 'L' ? "account locked"
                                          : "no X-LJ-Auth: cookie header");
        se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
        return SE_AUTHN_FAILED;
    }
    cookies = ljsession_cookies(req->r);
    ap_log_rerror(APLOG_MARK, APLOG_TRACE2, 0, req->r,
                  "user %s: %d ljsession cookie(s) to try", req->user,
                  cookies->nelts);
    for (i = 0; i < cookies->nelts; i++) {
        switch (cookie_authenticates(req, store, acct,
                                     APR_ARRAY_IDX(cookies, i,
                                                   const char *))) {
        case COOKIE_YES:
            return SE_AUTHN_OK;
        case COOKIE_DB_ERROR:
            return SE_AUTHN_DB_ERROR;
        case COOKIE_NO:
            break;
        }
    }
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, SELOGNO(0322)
                  "user %s: no ljsession cookie names a live session",
                  req->user);
    se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
    return SE_AUTHN_FAILED;
}
