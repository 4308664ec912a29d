/*
 * response.h - the flat protocol's response: a set of key/value pairs and
 * its two wire formats (pure; unit-tested).
 */
#ifndef SE_RESPONSE_H
#define SE_RESPONSE_H

#include "apr_pools.h"
#include "apr_tables.h"

typedef struct se_resp se_resp_t;

se_resp_t *se_resp_make(apr_pool_t *p);

/* Sets `key` to `value`, replacing an earlier value of that key. */
void se_resp_set(se_resp_t *resp, const char *key, const char *value);

/* The value of `key`, or NULL. */
const char *se_resp_get(const se_resp_t *resp, const char *key);

/* success=OK, keeping the pairs already set. */
void se_resp_ok(se_resp_t *resp);

/* success=FAIL and errmsg, dropping every other pair: a failed request
 * returns nothing it may have prepared before failing. */
void se_resp_fail(se_resp_t *resp, const char *errmsg);

/*
 * The bytes to send: pairs sorted by key (bytewise), CR and LF removed from
 * keys and values, as `key\nvalue\n` each, or with `urlenc` as
 * `key=value&` each with both sides percent-encoded.  `*len` is the length.
 */
char *se_resp_render(apr_pool_t *p, const se_resp_t *resp, int urlenc,
                     apr_size_t *len);

#endif
