/*
 * mod_sessionexpire.h - what other httpd modules may call.
 *
 * A module that changes a password, or locks an account, can log the user
 * out everywhere through the same database mod_sessionexpire uses:
 *
 *     APR_OPTIONAL_FN_TYPE(sessionexpire_expire_user) *expire =
 *         APR_RETRIEVE_OPTIONAL_FN(sessionexpire_expire_user);
 *     if (expire) {
 *         int n;
 *         apr_status_t rv = expire(r, "frank", &n);
 *     }
 *
 * Retrieve it in an optional_fn_retrieve or post_config hook; it is NULL
 * when mod_sessionexpire is not loaded.
 */
#ifndef MOD_SESSIONEXPIRE_H
#define MOD_SESSIONEXPIRE_H

#include "httpd.h"
#include "apr_optional.h"

/*
 * Deletes every session of `user` (any spelling the protocol accepts: it is
 * canonicalised first) through the request's mod_dbd connection; *count is
 * the number of sessions deleted.  Returns APR_SUCCESS, APR_NOTFOUND for
 * an unknown or invalid user name, or APR_EGENERAL when the database
 * failed (the error is logged).
 */
APR_DECLARE_OPTIONAL_FN(apr_status_t, sessionexpire_expire_user,
                        (request_rec *r, const char *user, int *count));

#endif
