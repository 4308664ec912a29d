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
 * HMAC-SHA256 of `len` bytes of `data` under `key` (`keylen` bytes) into
 * `out` (32 bytes).  Returns 1, or 0 if OpenSSL fails.
 */
#define SE_HMAC_LEN 32
int se_hmac_sha256(const void *key, apr_size_t keylen, const void *data,
                   apr_size_t len, unsigned char out[SE_HMAC_LEN]);

/* Lowercase hex of `len` bytes, allocated from `p`. */
char *se_hex(apr_pool_t *p, const unsigned char *bytes, apr_size_t len);

/* Fills `out` with `len` bytes from OpenSSL's CSPRNG; 1 on success. */
int se_random_bytes(unsigned char *out, apr_size_t len);

/*
 * 1 if the two strings are equal, compared in time that depends only on
 * their lengths (the length of a secret is not secret here: auth codes and
 * MD5 hex digests have fixed lengths).
 */
int se_secret_equal(const char *a, const char *b);

/*
 * 1 if `given` equals `lower` ignoring ASCII case in `given`, in time that
 * depends only on the lengths: for MD5 hex digests clients send in either
 * case.
 */
int se_hex_equal(const char *lower, const char *given);

#endif
