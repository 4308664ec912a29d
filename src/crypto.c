/*
 * crypto.c - MD5 hex digests, random codes and constant-time comparison.
 */
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include "crypto.h"

char *se_md5_hex(apr_pool_t *p, const void *data, apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;
    char *out;

    if (!EVP_Digest(data, len, md, &mdlen, EVP_md5(), NULL)) {
        return NULL;
    }
    out = apr_palloc(p, mdlen * 2 + 1);
    for (i = 0; i < mdlen; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 0x0f];
    }
    out[2 * mdlen] = '\0';
    return out;
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
