/*
 * crypto.c - MD5 hex digests, random codes and constant-time comparison.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include "crypto.h"

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

    if (!EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL)) {
        return NULL;
    }
    return se_hex(p, md, mdlen);
}

int se_hmac_sha256(const void *key, apr_size_t keylen, const void *data,
                   apr_size_t len, unsigned char out[SE_HMAC_LEN])
{
    unsigned int outlen = 0;

    return HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &outlen)
           != NULL && outlen == SE_HMAC_LEN;
}

int se_random_bytes(unsigned char *out, apr_size_t len)
{
    return RAND_bytes(out, (int)len) == 1;
}

char *se_random_alnum(apr_pool_t *p, apr_size_t n)
{
    static const char alphabet[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    char *out = apr_palloc(p, n + 1);
    apr_size_t filled = 0;

    while (filled < n) {
        unsigned char buf[64];
        apr_size_t i;

        if (RAND_bytes(buf, sizeof(buf)) != 1) {
            return NULL;
        }
        /* Rejection sampling: 248 = 4 * 62 keeps every character equally
         * likely; bytes 248..255 are thrown away. */
        for (i = 0; i < sizeof(buf) && filled < n; i++) {
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
