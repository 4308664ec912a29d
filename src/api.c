/*
 * api.c - the optional functions of include/mod_sessionexpire.h.
 */
#include "mod_sessionexpire.h"

#include "api.h"
#include "se.h"
#include "store.h"
#include "username.h"

static apr_status_t sessionexpire_expire_user(request_rec *r,
                                              const char *user, int *count)
{
    const char *canonical = se_username_canonical(r->pool, user);
    se_store_t *store;
    se_account_t acct;

    *count = 0;
    if (canonical == NULL) {
        return APR_NOTFOUND;
    }
    if (se_store_open(r, &store) != SE_STORE_OK) {
        return APR_EGENERAL;
    }
    switch (se_store_find_account(store, canonical, &acct)) {
    case SE_STORE_OK:
        break;
    case SE_STORE_NOTFOUND:
        return APR_NOTFOUND;
    default:
        return APR_EGENERAL;
    }
    if (se_store_expire_all(store, acct.userid, count) != SE_STORE_OK) {
        return APR_EGENERAL;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, SELOGNO(0601)
                  "expired %d session(s) of user %s for another module",
                  *count, canonical);
    return APR_SUCCESS;
}

void se_api_register(void)
{
    APR_REGISTER_OPTIONAL_FN(sessionexpire_expire_user);
}
