/*
 * auth.c - authentication of flat requests: which method, whose account,
 * whether the (user, IP) pair is banned, and counting failed logins.
 */
#include <string.h>

#include "auth.h"
#include "auth_methods.h"
#include "crypto.h"
#include "errors.h"

int se_auth_clear_matches(apr_pool_t *p, const char *password_md5,
                          const char *password, const char *hpassword)
{
    int ok = 0;

    if (password != NULL) {
        const char *md5 = se_md5_hex(p, password, strlen(password));

        ok |= md5 != NULL && se_secret_equal(md5, password_md5);
    }
    if (hpassword != NULL) {
        ok |= se_hex_equal(password_md5, hpassword);
    }
    return ok;
}

se_authn_rc se_auth_clear(se_req_t *req, const se_account_t *acct)
{
    if (se_auth_clear_matches(req->r->pool, acct->password_md5,
                              se_arg(req, "password"),
                              se_arg(req, "hpassword"))) {
        return SE_AUTHN_OK;
    }
    se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
    return SE_AUTHN_WRONG_PASSWORD;
}

/* The SE_AUTH_* bit of the request's auth_method; 0 for a method we do
 * not know.  Absent or empty means clear, as the reference read it. */
static int requested_method(const se_req_t *req)
{
    const char *m = se_arg(req, "auth_method");

    if (m == NULL || *m == '\0' || strcmp(m, "clear") == 0) {
        return SE_AUTH_CLEAR;
    }
    if (strcmp(m, "challenge") == 0) {
        return SE_AUTH_CHALLENGE;
    }
    return strcmp(m, "cookie") == 0 ? SE_AUTH_COOKIE : 0;
}

/* The account of req->user; fails for unknown and expunged accounts. */
static int load_account(se_req_t *req, se_store_t *store, se_account_t *acct)
{
    switch (se_store_find_account(store, req->user, acct)) {
    case SE_STORE_OK:
        if (acct->status != 'X') {
            return 1;
        }
        /* An expunged account is as good as unknown. */
        /* fall through */
    case SE_STORE_NOTFOUND:
        se_resp_fail(req->resp, SE_ERR_BAD_USERNAME);
        return 0;
    default:
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return 0;
    }
}

/* 0 (with the protocol error set) while the (user, IP) pair is banned. */
static int pair_not_banned(se_req_t *req, se_store_t *store)
{
    int banned = 0;

    if (req->cfg->login_limit.failures == 0) {
        return 1;
    }
    if (se_store_ban_active(store, req->user, req->r->useragent_ip, req->now,
                            &banned) != SE_STORE_OK) {
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return 0;
    }
    if (banned) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0304)
                      "user %s from %s: refused, the pair is banned",
                      req->user, req->r->useragent_ip);
        se_resp_fail(req->resp, SE_ERR_BANNED);
    }
    return !banned;
}

/* Counts a wrong password; the answer stays "Invalid password" even when
 * this failure is the one that bans the pair. */
static void count_failure(se_req_t *req, se_store_t *store)
{
    const se_login_limit_t *limit = &req->cfg->login_limit;
    int banned = 0;

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0301)
                  "failed login for user %s from %s", req->user,
                  req->r->useragent_ip);
    if (limit->failures == 0) {
        return;
    }
    if (se_store_record_failure(store, req->user, req->r->useragent_ip,
                                req->now, limit->failures, limit->window,
                                limit->ban, &banned) != SE_STORE_OK) {
        return;     /* logged by the store; the login failed anyway */
    }
    if (banned) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, req->r, SELOGNO(0302)
                      "user %s from %s banned for %" APR_INT64_T_FMT " s"
                      " after %d failed logins", req->user,
                      req->r->useragent_ip, limit->ban, limit->failures + 1);
    }
}

static se_authn_rc run_method(se_req_t *req, se_store_t *store,
                              const se_account_t *acct, int method)
{
    switch (method) {
    case SE_AUTH_CLEAR:
        return se_auth_clear(req, acct);
    case SE_AUTH_CHALLENGE:
        return se_auth_challenge(req, store, acct);
    case SE_AUTH_COOKIE:
        return se_auth_cookie(req, store, acct);
    default:
        se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
        return SE_AUTHN_FAILED;
    }
}

int se_auth_request(se_req_t *req, se_store_t *store, se_account_t *acct)
{
    int method = requested_method(req);
    se_authn_rc rc;

    ap_log_rerror(APLOG_MARK, APLOG_TRACE1, 0, req->r,
                  "user %s: auth_method %s", req->user,
                  method == SE_AUTH_CLEAR ? "clear"
                  : method == SE_AUTH_CHALLENGE ? "challenge"
                  : method == SE_AUTH_COOKIE ? "cookie" : "(unknown)");
    if (method != 0 && !(req->cfg->auth_methods & method)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, SELOGNO(0303)
                      "user %s: auth method switched off here", req->user);
        se_resp_fail(req->resp, SE_ERR_RESTRICTED);
        return 0;
    }
    if (!load_account(req, store, acct) || !pair_not_banned(req, store)) {
        return 0;
    }
    rc = run_method(req, store, acct, method);
    if (rc == SE_AUTHN_WRONG_PASSWORD) {
        count_failure(req, store);
    }
    else if (rc == SE_AUTHN_DB_ERROR) {
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
    }
    return rc == SE_AUTHN_OK;
}
