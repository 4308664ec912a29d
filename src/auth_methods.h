/*
 * auth_methods.h - the authentication methods behind se_auth_request.
 * Each one writes its protocol error into req->resp when it fails.
 */
#ifndef SE_AUTH_METHODS_H
#define SE_AUTH_METHODS_H

#include "se.h"
#include "store.h"

typedef enum {
    SE_AUTHN_OK,
    SE_AUTHN_FAILED,            /* refused; not a guess at the password */
    SE_AUTHN_WRONG_PASSWORD,    /* refused; counts as a failed login */
    SE_AUTHN_DB_ERROR           /* refused; the database failed */
} se_authn_rc;

se_authn_rc se_auth_clear(se_req_t *req, const se_account_t *acct);
se_authn_rc se_auth_challenge(se_req_t *req, se_store_t *store,
                              const se_account_t *acct);
se_authn_rc se_auth_cookie(se_req_t *req, se_store_t *store,
                           const se_account_t *acct);

#endif
