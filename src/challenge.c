/*
 * challenge.c - c0 challenges.
 */
#include <string.h>

#include "apr_lib.h"
#include "apr_strings.h"

#include "challenge.h"
#include "keycache.h"

/* Numbers in a challenge: at most 12 digits, which keeps every sum of
 * them far from overflowing and every challenge short. */
#define NUM_MAX_DIGITS 12

/* Separates the derived keys of this module from any other use of the
 * same secret. */
#define PERIOD_KEY_LABEL "mod_sessionexpire c0 period "

int se_challenge_period_key(const unsigned char *secret, apr_size_t len,
                            apr_int64_t stime, unsigned char key[SE_HMAC_LEN])
{
    char label[64];
    int n = apr_snprintf(label, sizeof(label), PERIOD_KEY_LABEL "%"
                         APR_INT64_T_FMT, stime);

    return se_hmac_sha256(secret, len, label, (apr_size_t)n, key);
}

/* The MAC of `len` bytes of `text` under the key of the period `stime`:
 * with this thread's cached key when there is one, else derived here. */
static int period_mac(unsigned char mac[SE_HMAC_LEN],
                      const unsigned char *secret, apr_size_t secret_len,
                      apr_int64_t stime, const char *text, apr_size_t len)
{
    se_hmac_key_t *cached = se_keycache_thread_get(secret, secret_len, stime);
    unsigned char key[SE_HMAC_LEN];
    int ok;

    if (cached != NULL) {
        return se_hmac_key_sign(cached, text, len, mac);
    }
    ok = se_challenge_period_key(secret, secret_len, stime, key)
         && se_hmac_sha256(key, sizeof(key), text, len, mac);
    se_wipe(key, sizeof(key));
    return ok;
}

/* Writes into `sig` the hex signature of `len` bytes of `text` for the
 * period `stime`; 0 if OpenSSL fails. */
static int sign(char sig[SE_CHAL_SIG_LEN + 1], const unsigned char *secret,
                apr_size_t secret_len, apr_int64_t stime, const char *text,
                apr_size_t len)
{
    static const char hex[] = "0123456789abcdef";
    unsigned char mac[SE_HMAC_LEN];
    int i;

    if (!period_mac(mac, secret, secret_len, stime, text, len)) {
        return 0;
    }
    for (i = 0; i < SE_CHAL_SIG_LEN / 2; i++) {
        sig[2 * i] = hex[mac[i] >> 4];
        sig[2 * i + 1] = hex[mac[i] & 0x0f];
    }
    sig[SE_CHAL_SIG_LEN] = '\0';
    return 1;
}

char *se_challenge_make(apr_pool_t *p, const unsigned char *secret,
                        apr_size_t secret_len, apr_int64_t now,
                        apr_int64_t goodfor, const char *rand)
{
    apr_int64_t stime = now - now % SE_CHAL_PERIOD;
    char *text = apr_psprintf(p, "c0:%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT
                              ":%" APR_INT64_T_FMT ":%s", stime, now - stime,
                              goodfor, rand);
    char sig[SE_CHAL_SIG_LEN + 1];

    if (!sign(sig, secret, secret_len, stime, text, strlen(text))) {
        return NULL;
    }
    return apr_pstrcat(p, text, ":", sig, NULL);
}

/* Reads 1..NUM_MAX_DIGITS digits ending at `end`; returns the position
 * after them, or NULL. */
static const char *read_number(const char *s, char end, apr_int64_t *out)
{
    apr_int64_t v = 0;
    int n = 0;

    while (apr_isdigit(*s) && n < NUM_MAX_DIGITS) {
        v = v * 10 + (*s++ - '0');
        n++;
    }
    if (n == 0 || *s != end) {
        return NULL;
    }
    *out = v;
    return s + 1;
}

/* Reads exactly `n` characters accepted by `ok` ending at `end`. */
static const char *read_chars(const char *s, apr_size_t n, char end,
                              int (*ok)(int))
{
    apr_size_t i;

    for (i = 0; i < n; i++) {
        if (!ok((unsigned char)s[i])) {
            return NULL;
        }
    }
    return s[n] == end ? s + n + 1 : NULL;
}

static int is_alnum(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9');
}

static int is_lower_hex(int c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

int se_challenge_parse(const char *s, se_challenge_t *out)
{
    const char *p;

    if (s == NULL || strncmp(s, "c0:", 3) != 0) {
        return 0;
    }
    p = read_number(s + 3, ':', &out->stime);
    p = p ? read_number(p, ':', &out->s_age) : NULL;
    p = p ? read_number(p, ':', &out->goodfor) : NULL;
    p = p ? read_chars(p, SE_CHAL_RAND_LEN, ':', is_alnum) : NULL;
    if (p == NULL || out->stime % SE_CHAL_PERIOD != 0) {
        return 0;
    }
    out->signed_len = (apr_size_t)(p - 1 - s);
    out->sig = p;
    return read_chars(p, SE_CHAL_SIG_LEN, '\0', is_lower_hex) != NULL;
}

int se_challenge_signed(const char *s, const se_challenge_t *c,
                        const unsigned char *secret, apr_size_t secret_len)
{
    char expected[SE_CHAL_SIG_LEN + 1];

    return sign(expected, secret, secret_len, c->stime, s, c->signed_len)
           && se_secret_equal(expected, c->sig);
}

int se_challenge_expired(const se_challenge_t *c, apr_int64_t now)
{
    return now - (c->stime + c->s_age) >= c->goodfor;
}

int se_challenge_response_ok(apr_pool_t *p, const char *challenge,
                             const char *password_md5, const char *response)
{
    char *expected;

    if (response == NULL) {
        return 0;
    }
    expected = se_md5_hex(p, apr_pstrcat(p, challenge, password_md5, NULL),
                          strlen(challenge) + strlen(password_md5));
    return expected != NULL && se_hex_equal(expected, response);
}
