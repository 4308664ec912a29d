/*
 * auth_challenge.c - auth_method=challenge: a c0 challenge this site made,
 * not expired, never used before, and md5_hex(challenge . md5_hex(password))
 * as the response.
 */
#include <string.h>

#include "auth_methods.h"
#include "challenge.h"
#include "errors.h"

se_authn_rc se_auth_challenge(se_req_t *req, se_store_t *store,
                              const se_account_t *acct)
{
    const se_srv_cfg *srv = ap_get_module_config(req->r->server->module_config,
                                                 &sessionexpire_module);
    const char *chal = se_arg(req, "auth_challenge");
    se_challenge_t c;
    int first_use = 0;

    /* The checks run in the protocol's order; each failure but the last
     * is not a guess at the password, so it is not counted. */
    if (chal == NULL || strlen(chal) > SE_CHAL_MAX_LEN
        || !se_challenge_parse(chal, &c)
        || !se_challenge_signed(chal, &c, srv->secret, srv->secret_len)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, SELOGNO(0311)
                      "user %s: not a challenge of this site", req->user);
        se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
        return SE_AUTHN_FAILED;
    }
    if (se_challenge_expired(&c, req->now)) {
        ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, req->r, SELOGNO(0312)
                      "user %s: challenge expired", req->user);
        se_resp_fail(req->resp, SE_ERR_CHAL_EXPIRED);
        return SE_AUTHN_FAILED;
    }
    /* Used up before the response is checked: a wrong response burns it. */
    if (se_store_use_challenge(store, chal, c.stime + c.s_age + c.goodfor,
                               &first_use) != SE_STORE_OK) {
        return SE_AUTHN_DB_ERROR;
    }
    if (!first_use) {
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0313)
                      "user %s: challenge already used (replay?)", req->user);
        se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
        return SE_AUTHN_FAILED;
    }
    if (!se_challenge_response_ok(req->r->pool, chal, acct->password_md5,
                                  se_arg(req, "auth_response"))) {
        se_resp_fail(req->resp, SE_ERR_BAD_PASSWORD);
        return SE_AUTHN_WRONG_PASSWORD;
    }
    return SE_AUTHN_OK;
}
