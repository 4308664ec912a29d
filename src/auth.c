/*
 * auth.c - authentication of flat requests.
 */
#include <string.h>

#include "apr_strings.h"

#include "auth.h"
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
        char *lower = apr_pstrdup(p, hpassword);

        ap_str_tolower(lower);
        ok |= se_secret_equal(lower, password_md5);
    }
    return ok;
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

static int auth_clear(se_req_t *req, const se_account_t *acct)
{
    if (se_auth_clear_matches(req->r->pool, acct->password_md5,
                              se_arg(req, "password"),
                              se_arg(req, "hpassword"))) {
        return 1;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0301)
                  "wrong password for user %s from %s", req->user,
                  req->r->useragent_ip);
    se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
    return 0;
}

int se_auth_request(se_req_t *req, se_store_t *store, se_account_t *acct)
{
    const char *method = se_arg(req, "auth_method");

    if (!load_account(req, store, acct)) {
        return 0;
    }
    /* Absent or empty means clear, as the reference read it. */
    if (method == NULL || *method == '\0' || strcmp(method, "clear") == 0) {
        return auth_clear(req, acct);
    }
    /* challenge and cookie are not implemented yet: like any method we do
     * not know, they cannot authenticate. */
    se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
    return 0;
}
