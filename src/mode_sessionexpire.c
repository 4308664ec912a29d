/*
 * mode_sessionexpire.c - expires the user's sessions: all of them, or the
 * ones named by expire_id_<N> keys.
 */
#include <string.h>

#include "apr_strings.h"

#include "args.h"
#include "auth.h"
#include "errors.h"
#include "modes.h"
#include "store.h"

#define EXPIRE_ID_PREFIX "expire_id_"

/*
 * The session ids named by true expire_id_<N> keys, into *ids.  Keys whose
 * value is false do nothing and are not checked; a true one whose N is not
 * a valid id fails the request.
 */
static int collect_ids(se_req_t *req, apr_array_header_t **ids)
{
    const apr_size_t plen = sizeof(EXPIRE_ID_PREFIX) - 1;
    apr_hash_index_t *hi;

    *ids = apr_array_make(req->r->pool, 4, sizeof(apr_int64_t));
    for (hi = apr_hash_first(req->r->pool, req->args); hi;
         hi = apr_hash_next(hi)) {
        const char *key = apr_hash_this_key(hi);
        apr_int64_t id;

        if (strncmp(key, EXPIRE_ID_PREFIX, plen) != 0
            || !se_arg_true(apr_hash_this_val(hi))) {
            continue;
        }
        if (!se_parse_uint(key + plen, SE_SESSID_MAX, &id)) {
            se_resp_fail(req->resp, apr_psprintf(req->r->pool,
                         "%s: '%.64s' does not name a session id",
                         SE_ERR_INVALID_ARGS, key));
            return 0;
        }
        APR_ARRAY_PUSH(*ids, apr_int64_t) = id;
    }
    return 1;
}

void se_mode_sessionexpire(se_req_t *req)
{
    se_store_t *store;
    se_account_t acct;
    apr_array_header_t *ids = NULL;
    int all = se_arg_true(se_arg(req, "expireall")), count = 0;
    se_store_rc rc;

    if (se_store_open(req->r, &store) != SE_STORE_OK) {
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return;
    }
    /* Every account that can authenticate may log itself out, locked and
     * suspended ones included. */
    if (!se_auth_request(req, store, &acct)
        || (!all && !collect_ids(req, &ids))) {
        return;
    }
    rc = all ? se_store_expire_all(store, acct.userid, &count)
             : se_store_expire_ids(store, acct.userid, ids, &count);
    if (rc != SE_STORE_OK) {
        se_resp_fail(req->resp, SE_ERR_DB_UNAVAILABLE);
        return;
    }
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, SELOGNO(0501)
                  "sessionexpire: user %s expired %d session(s)%s, client %s",
                  req->user, count, all ? " (all)" : "",
                  req->r->useragent_ip);
    se_resp_ok(req->resp);
}
