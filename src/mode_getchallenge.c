/*
 * mode_getchallenge.c - hands out a c0 challenge.  Needs no user and no
 * database: whether it was used is recorded only when it is.
 */
#include "apr_strings.h"

#include "challenge.h"
#include "crypto.h"
#include "errors.h"
#include "modes.h"

void se_mode_getchallenge(se_req_t *req)
{
    const se_srv_cfg *srv = ap_get_module_config(req->r->server->module_config,
                                                 &sessionexpire_module);
    apr_int64_t lifetime = req->cfg->challenge_lifetime;
    const char *rand, *chal = NULL;

    if (!(req->cfg->auth_methods & SE_AUTH_CHALLENGE)) {
        se_resp_fail(req->resp, SE_ERR_RESTRICTED);
        return;
    }
    rand = se_random_alnum(req->r->pool, SE_CHAL_RAND_LEN);
    if (rand != NULL) {
        chal = se_challenge_make(req->r->pool, srv->secret, srv->secret_len,
                                 req->now, lifetime, rand);
    }
    if (chal == NULL) {
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, SELOGNO(0403)
                      "cannot make a challenge: OpenSSL failed");
        se_resp_fail(req->resp, SE_ERR_INTERNAL);
        return;
    }
    se_resp_set(req->resp, "auth_scheme", "c0");
    se_resp_set(req->resp, "challenge", chal);
    se_resp_set(req->resp, "server_time",
                apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT, req->now));
    se_resp_set(req->resp, "expire_time",
                apr_psprintf(req->r->pool, "%" APR_INT64_T_FMT,
                             req->now + lifetime));
    se_resp_ok(req->resp);
}
