/*
 * crypto.c - MD5 hex digests, HMAC-SHA256, random codes and constant-time
 * comparison.
 */
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include "crypto.h"

/*
 * OpenSSL 3 looks an algorithm up by name (locks, a hash table) every time
 * it is handed a legacy EVP_md5() or asked for a one-shot HMAC().  Fetched
 * once per process by se_crypto_init; NULL means "fetch per call", which is
 * how the admin tool, the unit tests and the fuzz targets run.  Written
 * only before threads start and after they end, so read without locks.
 */
static EVP_MD *md5_alg;
static EVP_MAC *hmac_alg;

static apr_status_t free_algorithms(void *unused)
{
    EVP_MD_free(md5_alg);
    EVP_MAC_free(hmac_alg);
    md5_alg = NULL;
    hmac_alg = NULL;
    return APR_SUCCESS;
}

int se_crypto_init(apr_pool_t *p)
{
    if (md5_alg == NULL) {
        md5_alg = EVP_MD_fetch(NULL, "MD5", NULL);
    }
    if (hmac_alg == NULL) {
        hmac_alg = EVP_MAC_fetch(NULL, "HMAC", NULL);
    }
    apr_pool_cleanup_register(p, NULL, free_algorithms,
                              apr_pool_cleanup_null);
    return md5_alg != NULL && hmac_alg != NULL;
}

char *se_hex(apr_pool_t *p, const unsigned char *bytes, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    char *out = apr_palloc(p, len * 2 + 1);
    apr_size_t i;

    for (i = 0; i < len; i++) {
        out[2 * i] = hex[bytes[i] >> 4];
        out[2 * i + 1] = hex[bytes[i] & 0x0f];
    }
    out[2 * len] = '\0';
    return out;
}

char *se_md5_hex(apr_pool_t *p, const void *data, apr_size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;

    if (!EVP_Digest(data, len, md, &mdlen, md5_alg ? md5_alg : EVP_md5(),
                    NULL)) {
        return NULL;
    }
    return se_hex(p, md, mdlen);
}

/* The OpenSSL context of an HMAC-SHA256 key (see se_hmac_key_new). */
struct se_hmac_key {
    EVP_MAC_CTX *ctx;
};

se_hmac_key_t *se_hmac_key_new(const void *key, apr_size_t keylen)
{
    OSSL_PARAM params[2];
    EVP_MAC *alg = hmac_alg ? hmac_alg : EVP_MAC_fetch(NULL, "HMAC", NULL);
    se_hmac_key_t *k = calloc(1, sizeof(*k));

    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
                                                 (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (k != NULL && alg != NULL) {
        k->ctx = EVP_MAC_CTX_new(alg);
    }
    if (k == NULL || k->ctx == NULL
        || !EVP_MAC_init(k->ctx, key, keylen, params)) {
        se_hmac_key_free(k);
        k = NULL;
    }
    if (alg != hmac_alg) {
        EVP_MAC_free(alg);      /* the context holds its own reference */
    }
    return k;
}

int se_hmac_key_sign(se_hmac_key_t *k, const void *data, apr_size_t len,
                     unsigned char out[SE_HMAC_LEN])
{
    size_t outlen = 0;

    /* A NULL key restarts the MAC with the key already set: no fetch, no
     * key schedule, no allocation per message. */
    return EVP_MAC_init(k->ctx, NULL, 0, NULL)
           && EVP_MAC_update(k->ctx, data, len)
           && EVP_MAC_final(k->ctx, out, &outlen, SE_HMAC_LEN)
           && outlen == SE_HMAC_LEN;
}

void se_hmac_key_free(se_hmac_key_t *k)
{
    if (k != NULL) {
        EVP_MAC_CTX_free(k->ctx);       /* OpenSSL wipes the key state */
        free(k);
    }
}

int se_hmac_sha256(const void *key, apr_size_t keylen, const void *data,
                   apr_size_t len, unsigned char out[SE_HMAC_LEN])
{
    se_hmac_key_t *k = se_hmac_key_new(key, keylen);
    int ok = k != NULL && se_hmac_key_sign(k, data, len, out);

    se_hmac_key_free(k);
    return ok;
}

int se_random_bytes(unsigned char *out, apr_size_t len)
{
    return RAND_bytes(out, (int)len) == 1;
}

/*
 * Random bytes to draw for `n` more characters, at most `max`.  Each byte
 * is kept with probability 248/256; n/4 + 2 spare bytes make a second draw
 * rare (about 1 in 50 000 for 20 characters) without drawing 64 bytes
 * every time.  When bytes run short the loop simply draws again.
 */
static apr_size_t random_bytes_for(apr_size_t n, apr_size_t max)
{
    apr_size_t want = n + n / 4 + 2;

    return want < max ? want : max;
}

char *se_random_alnum(apr_pool_t *p, apr_size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *out = apr_palloc(p, n + 1);
    apr_size_t filled = 0;

    while (filled < n) {
        unsigned char buf[64];
        apr_size_t i, want = random_bytes_for(n - filled, sizeof(buf));

        if (RAND_bytes(buf, (int)want) != 1) {
            return NULL;
        }
        /* Rejection sampling: 248 = 4 * 62 keeps every character equally
         * likely; bytes 248..255 are thrown away. */
        for (i = 0; i < want && filled < n; i++) {
            if (buf[i] < 248) {
                out[filled++] = alphabet[buf[i] % 62];
            }
        }
    }
    out[n] = '\0';
    return out;
}

int se_secret_equal(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);

    if (la != lb) {
        return 0;
    }
    return CRYPTO_memcmp(a, b, la) == 0;
}

int se_mem_equal(const void *a, const void *b, apr_size_t len)
{
    return CRYPTO_memcmp(a, b, len) == 0;
}

void se_wipe(void *p, apr_size_t len)
{
    OPENSSL_cleanse(p, len);
}

int se_hex_equal(const char *lower, const char *given)
{
    size_t n = strlen(lower), i;
    unsigned char diff = 0;

    if (strlen(given) != n) {
        return 0;
    }
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)given[i];

        /* Branch-free lowercasing: set bit 5 only for 'A'..'Z'. */
        c |= (unsigned char)(((unsigned)(c - 'A') < 26u) << 5);
        diff |= (unsigned char)(c ^ (unsigned char)lower[i]);
    }
    return diff == 0;
}
