/*
 * form.h - the flat protocol's request body decoder (pure; fuzzed).
 */
#ifndef SE_FORM_H
#define SE_FORM_H

#include "apr_hash.h"
#include "apr_pools.h"

typedef enum {
    SE_FORM_OK = 0,
    SE_FORM_DUPLICATE,          /* a key appeared twice */
    SE_FORM_NUL                 /* a decoded key or value held a NUL byte */
} se_form_rc;

/*
 * Decodes `len` bytes of `key=value&...` into `*args`, a hash of
 * NUL-terminated decoded key -> decoded value (keys are case-sensitive).
 * '+' is a space, %XX (either case) is that byte, a malformed escape stays
 * as written; keys are decoded like values.  Empty segments and empty keys
 * are skipped; a segment without '=' has the empty value.
 *
 * On SE_FORM_DUPLICATE or SE_FORM_NUL, `*bad_key` is the offending key (up
 * to its first NUL) and `*args` must not be used.
 */
se_form_rc se_form_parse(apr_pool_t *p, const char *body, apr_size_t len,
                         apr_hash_t **args, const char **bad_key);

/*
 * Percent-decodes `len` bytes of `in` into a new NUL-terminated string;
 * `*outlen` is its length, which may include NUL bytes.
 */
char *se_form_unescape(apr_pool_t *p, const char *in, apr_size_t len,
                       apr_size_t *outlen);

#endif
