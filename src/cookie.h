/*
 * cookie.h - reading ljsession cookies (pure; unit-tested and fuzzed).
 */
#ifndef SE_COOKIE_H
#define SE_COOKIE_H

#include "apr_pools.h"
#include "apr_tables.h"

/* How many ljsession cookies of one request are tried at most. */
#define SE_COOKIE_MAX_TRIED 20
/* Longest auth code a cookie may carry (ours have 10 characters). */
#define SE_COOKIE_AUTH_MAX 64

/*
 * Appends to `values` (an array of const char *) the value of every cookie
 * called `name` in the Cookie header value `header`, in order, until the
 * array holds `max` values.  Cookies are separated by ';' or ','.
 * Surrounding blanks and double quotes are removed from values.
 */
void se_cookie_collect(apr_pool_t *p, const char *header, const char *name,
                       apr_array_header_t *values, int max);

typedef struct {
    const char *user;            /* as written: the caller canonicalises */
    apr_int64_t sessid;
    const char *auth;
} se_ljsession_t;

/* Parses `ws:<user>:<sessid>:<auth>[:<options>]`; 1 on success. */
int se_ljsession_parse(apr_pool_t *p, const char *value, se_ljsession_t *out);

#endif
