/*
 * auth.h - authenticating a flat request (PROTOCOL.md section 2).
 */
#ifndef SE_AUTH_H
#define SE_AUTH_H

#include "se.h"
#include "store.h"

/*
 * Authenticates req->user by the request's auth_method and loads the
 * account into *acct.  On failure the protocol error is already in
 * req->resp and 0 is returned.
 */
int se_auth_request(se_req_t *req, se_store_t *store, se_account_t *acct);

/*
 * 1 when `password` (plain) or `hpassword` (MD5 hex, either case) matches
 * the stored MD5 hex `password_md5`; either may be NULL.  Constant time in
 * the secrets' contents.
 */
int se_auth_clear_matches(apr_pool_t *p, const char *password_md5,
                          const char *password, const char *hpassword);

#endif
