/*
 * crypto.h - every use of OpenSSL in mod_sessionexpire, behind a small API.
 */
#ifndef SE_CRYPTO_H
#define SE_CRYPTO_H

#include "apr_pools.h"

#define SE_MD5_HEX_LEN 32

/*
 * Once per process, before threads start (httpd: child_init): fetches the
 * algorithms once instead of on every call, until `p` is cleared.  1 on
 * success; without it (or when it fails) every function here still works,
 * only slower.
 */
int se_crypto_init(apr_pool_t *p);

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

/*
 * An HMAC-SHA256 key made ready once, for signing many messages with it:
 * a key derived once per period signs every challenge of the period.
 * Allocated outside any pool (OpenSSL owns its context); used by one thread
 * at a time; se_hmac_key_free wipes and frees it.  NULL if OpenSSL fails.
 */
typedef struct se_hmac_key se_hmac_key_t;
se_hmac_key_t *se_hmac_key_new(const void *key, apr_size_t keylen);
int se_hmac_key_sign(se_hmac_key_t *k, const void *data, apr_size_t len,
                     unsigned char out[SE_HMAC_LEN]);
void se_hmac_key_free(se_hmac_key_t *k);

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

/* 1 if the `len` bytes at `a` and `b` are equal, in time that depends
 * only on `len`. */
int se_mem_equal(const void *a, const void *b, apr_size_t len);

/* Overwrites `len` bytes at `p` with zeros in a way the compiler keeps:
 * for keys and secrets that are done with. */
void se_wipe(void *p, apr_size_t len);

/*
 * 1 if `given` equals `lower` ignoring ASCII case in `given`, in time that
 * depends only on the lengths: for MD5 hex digests clients send in either
 * case.
 */
int se_hex_equal(const char *lower, const char *given);

#endif
