/*
 * crypto.h - every use of OpenSSL in mod_sessionexpire, behind a small API.
 */
#ifndef SE_CRYPTO_H
#define SE_CRYPTO_H

#include "apr_pools.h"

#define SE_MD5_HEX_LEN 32

/* Lowercase hex MD5 of `len` bytes, allocated from `p`. */
char *se_md5_hex(apr_pool_t *p, const void *data, apr_size_t len);

/*
 * `n` characters of [A-Za-z0-9] from OpenSSL's CSPRNG, NUL-terminated, from
 * `p`.  Returns NULL only if the RNG fails (it never falls back to a weaker
 * source).
 */
char *se_random_alnum(apr_pool_t *p, apr_size_t n);

/*
 * 1 if the two strings are equal, compared in time that depends only on
 * their lengths (the length of a secret is not secret here: auth codes and
 * MD5 hex digests have fixed lengths).
 */
int se_secret_equal(const char *a, const char *b);

#endif
