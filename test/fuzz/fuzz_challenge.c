/*
 * fuzz_challenge.c - c0 challenges (src/challenge.c).
 *
 * The input is "<challenge>\n<password md5>\n<response>\n<params>":
 *
 *   - se_challenge_parse(<challenge>) against a model of the shape
 *     c0:<1-12 digits>:<1-12 digits>:<1-12 digits>:<20 [A-Za-z0-9]>:<32 [0-9a-f]>
 *     with stime a multiple of 3600, and the fields it returns;
 *   - se_challenge_signed with a fixed secret against HMAC-SHA256 (under
 *     se_challenge_period_key) computed here with OpenSSL; the same
 *     challenge with the right signature put in must verify, with one
 *     signature character changed or another secret it must not;
 *   - se_challenge_expired around its edges: expired exactly when
 *     now - (stime + s_age) >= goodfor, monotonic in now;
 *   - se_challenge_response_ok(<challenge>, <password md5>, <response>)
 *     against md5_hex(challenge . password_md5), either hex case;
 *   - a round trip: se_challenge_make at a time, lifetime and random part
 *     taken from <params> (binary), then parse, verify, expiry and
 *     response as above.
 */
#include "fuzz_common.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "apr_strings.h"

#include "challenge.h"
#include "crypto.h"

static const unsigned char secret[] = "fuzz site secret: 0123456789abcdef";
static const unsigned char other_secret[] = "another site secret";
#define SECRET_LEN (sizeof(secret) - 1)
#define OTHER_LEN (sizeof(other_secret) - 1)

static const char alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static const char *model_number(const char *s, apr_int64_t *out)
{
    apr_int64_t v = 0;
    int n = 0;

    while (s[n] >= '0' && s[n] <= '9') {
        if (n == 12) {
            return NULL;
        }
        v = v * 10 + (s[n] - '0');
        n++;
    }
    if (n == 0 || s[n] != ':') {
        return NULL;
    }
    *out = v;
    return s + n + 1;
}

static int model_parse(const char *s, se_challenge_t *out)
{
    const char *p;
    size_t i;

    if (strncmp(s, "c0:", 3) != 0) {
        return 0;
    }
    p = model_number(s + 3, &out->stime);
    p = p ? model_number(p, &out->s_age) : NULL;
    p = p ? model_number(p, &out->goodfor) : NULL;
    if (p == NULL) {
        return 0;
    }
    for (i = 0; i < SE_CHAL_RAND_LEN; i++) {
        if (p[i] == '\0' || strchr(alnum, p[i]) == NULL) {
            return 0;
        }
    }
    if (p[SE_CHAL_RAND_LEN] != ':') {
        return 0;
    }
    p += SE_CHAL_RAND_LEN + 1;
    out->signed_len = (apr_size_t)(p - 1 - s);
    out->sig = p;
    if (strlen(p) != SE_CHAL_SIG_LEN
        || strspn(p, "0123456789abcdef") != SE_CHAL_SIG_LEN) {
        return 0;
    }
    return out->stime % SE_CHAL_PERIOD == 0;
}

/* The signature the challenge text `s` (first `len` bytes) should have. */
static void model_sig(const unsigned char *sec, size_t seclen,
                      apr_int64_t stime, const char *s, size_t len,
                      char out[SE_CHAL_SIG_LEN + 1])
{
    unsigned char key[SE_HMAC_LEN], mac[EVP_MAX_MD_SIZE];
    unsigned int maclen = 0;
    int i;

    FUZZ_CHECK(se_challenge_period_key(sec, seclen, stime, key),
               "se_challenge_period_key failed");
    FUZZ_CHECK(HMAC(EVP_sha256(), key, sizeof(key), (const unsigned char *)s,
                    len, mac, &maclen) != NULL && maclen == 32,
               "HMAC failed");
    for (i = 0; i < SE_CHAL_SIG_LEN / 2; i++) {
        sprintf(out + 2 * i, "%02x", mac[i]);
    }
}

static void md5_hex(const char *a, const char *b, char out[33])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0, i;

    FUZZ_CHECK(ctx && EVP_DigestInit_ex(ctx, EVP_md5(), NULL)
               && EVP_DigestUpdate(ctx, a, strlen(a))
               && EVP_DigestUpdate(ctx, b, strlen(b))
               && EVP_DigestFinal_ex(ctx, md, &n) && n == 16, "MD5 failed");
    EVP_MD_CTX_free(ctx);
    for (i = 0; i < 16; i++) {
        sprintf(out + 2 * i, "%02x", md[i]);
    }
}

static int model_expired(const se_challenge_t *c, apr_int64_t now)
{
    return now - c->stime - c->s_age >= c->goodfor;
}

static void check_expiry(const se_challenge_t *c, apr_int64_t fuzz_now)
{
    apr_int64_t t0 = c->stime + c->s_age;
    apr_int64_t nows[] = { 0, t0 - 1, t0, t0 + c->goodfor - 1,
                           t0 + c->goodfor, t0 + c->goodfor + 1, fuzz_now };
    size_t i;

    for (i = 0; i < sizeof(nows) / sizeof(nows[0]); i++) {
        FUZZ_CHECK(se_challenge_expired(c, nows[i]) == model_expired(c, nows[i]),
                   "expired(now=%lld) for stime %lld s_age %lld goodfor %lld",
                   (long long)nows[i], (long long)c->stime,
                   (long long)c->s_age, (long long)c->goodfor);
    }
    FUZZ_CHECK(!se_challenge_expired(c, fuzz_now)
               || se_challenge_expired(c, fuzz_now + 1),
               "expiry not monotonic at %lld", (long long)fuzz_now);
}

static void check_response(apr_pool_t *p, const char *chal, const char *pw,
                           const char *resp)
{
    char want[33], *upper;
    size_t i;
    int ok;

    md5_hex(chal, pw, want);
    ok = strlen(resp) == 32;
    for (i = 0; ok && i < 32; i++) {
        char c = resp[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        ok = c == want[i];
    }
    FUZZ_CHECK(se_challenge_response_ok(p, chal, pw, resp) == ok,
               "response_ok('%s', '%s', '%s') should be %d", chal, pw, resp,
               ok);
    FUZZ_CHECK(se_challenge_response_ok(p, chal, pw, want) == 1,
               "the right response is refused");
    upper = apr_pstrdup(p, want);
    for (i = 0; upper[i]; i++) {
        if (upper[i] >= 'a' && upper[i] <= 'f') {
            upper[i] = (char)(upper[i] - 'a' + 'A');
        }
    }
    FUZZ_CHECK(se_challenge_response_ok(p, chal, pw, upper) == 1,
               "the right response in upper case is refused");
    FUZZ_CHECK(se_challenge_response_ok(p, chal, pw, NULL) == 0,
               "NULL response accepted");
}

/* Signature checks on a challenge that parsed. */
static void check_signed(apr_pool_t *p, const char *s, const se_challenge_t *c)
{
    char want[SE_CHAL_SIG_LEN + 1];
    char *forged;
    se_challenge_t fc;
    size_t i;

    model_sig(secret, SECRET_LEN, c->stime, s, c->signed_len, want);
    FUZZ_CHECK(se_challenge_signed(s, c, secret, SECRET_LEN)
               == (strcmp(c->sig, want) == 0),
               "se_challenge_signed('%s') disagrees with HMAC (%s)", s, want);

    /* The same text with the right signature. */
    forged = apr_pstrcat(p, apr_pstrmemdup(p, s, c->signed_len), ":", want,
                         NULL);
    FUZZ_CHECK(se_challenge_parse(forged, &fc), "'%s' does not parse", forged);
    FUZZ_CHECK(se_challenge_signed(forged, &fc, secret, SECRET_LEN),
               "'%s' has the right signature but does not verify", forged);
    FUZZ_CHECK(!se_challenge_signed(forged, &fc, other_secret, OTHER_LEN),
               "'%s' verifies under another secret", forged);
    /* Any one signature character changed: no longer ours. */
    i = (size_t)(c->stime / SE_CHAL_PERIOD + c->s_age) % SE_CHAL_SIG_LEN;
    forged[c->signed_len + 1 + i] = forged[c->signed_len + 1 + i] == '0'
                                    ? '1' : '0';
    FUZZ_CHECK(se_challenge_parse(forged, &fc), "'%s' does not parse", forged);
    FUZZ_CHECK(!se_challenge_signed(forged, &fc, secret, SECRET_LEN),
               "'%s' verifies with a changed signature", forged);
}

static void round_trip(apr_pool_t *p, const uint8_t *data, size_t size)
{
    /* Times up to ~35000 years after 1970 and lifetimes up to 2^32 s:
     * every field stays within the parser's 12 digits. */
    apr_int64_t now = (apr_int64_t)(fuzz_u64(&data, &size, 5) % 1000000000000ULL);
    apr_int64_t goodfor = (apr_int64_t)fuzz_u64(&data, &size, 4);
    char rnd[SE_CHAL_RAND_LEN + 1], pw[33];
    char *chal;
    se_challenge_t c;
    int i;

    for (i = 0; i < SE_CHAL_RAND_LEN; i++) {
        rnd[i] = alnum[(i < (int)size ? data[i] : i) % (sizeof(alnum) - 1)];
    }
    rnd[SE_CHAL_RAND_LEN] = '\0';

    chal = se_challenge_make(p, secret, SECRET_LEN, now, goodfor, rnd);
    FUZZ_CHECK(chal != NULL, "se_challenge_make failed");
    FUZZ_CHECK(strlen(chal) <= SE_CHAL_MAX_LEN, "'%s' longer than %d", chal,
               SE_CHAL_MAX_LEN);
    FUZZ_CHECK(se_challenge_parse(chal, &c), "made '%s', which does not parse",
               chal);
    FUZZ_CHECK(c.stime == now - now % SE_CHAL_PERIOD
               && c.s_age == now % SE_CHAL_PERIOD && c.goodfor == goodfor,
               "'%s' parsed as %lld/%lld/%lld (now %lld goodfor %lld)", chal,
               (long long)c.stime, (long long)c.s_age, (long long)c.goodfor,
               (long long)now, (long long)goodfor);
    FUZZ_CHECK(se_challenge_signed(chal, &c, secret, SECRET_LEN),
               "made '%s', which does not verify", chal);
    FUZZ_CHECK(!se_challenge_signed(chal, &c, other_secret, OTHER_LEN),
               "'%s' verifies under another secret", chal);
    FUZZ_CHECK(se_challenge_expired(&c, now) == (goodfor <= 0),
               "'%s' expired at its making", chal);
    FUZZ_CHECK(se_challenge_expired(&c, now + goodfor),
               "'%s' still valid after its lifetime", chal);
    FUZZ_CHECK(goodfor == 0 || !se_challenge_expired(&c, now + goodfor - 1),
               "'%s' expired before the end of its lifetime", chal);
    check_signed(p, chal, &c);

    md5_hex(rnd, "", pw);
    check_response(p, chal, pw, "");

    /* A random part of the wrong length, or alphabet, makes a challenge
     * that does not parse. */
    chal = se_challenge_make(p, secret, SECRET_LEN, now, goodfor,
                             apr_pstrmemdup(p, rnd, SE_CHAL_RAND_LEN - 1));
    FUZZ_CHECK(chal && !se_challenge_parse(chal, &c),
               "'%s' (19-character random part) parses", chal);
    rnd[size % SE_CHAL_RAND_LEN] = '-';
    chal = se_challenge_make(p, secret, SECRET_LEN, now, goodfor, rnd);
    FUZZ_CHECK(chal && !se_challenge_parse(chal, &c),
               "'%s' (a '-' in the random part) parses", chal);
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    const uint8_t *d = data;
    size_t n = size;
    char *chal = fuzz_field(p, &d, &n, '\n');
    char *pw = fuzz_field(p, &d, &n, '\n');
    char *resp = fuzz_field(p, &d, &n, '\n');
    se_challenge_t got, want;
    int rc, mrc;

    memset(&got, 0, sizeof(got));
    memset(&want, 0, sizeof(want));
    rc = se_challenge_parse(chal, &got);
    mrc = model_parse(chal, &want);
    FUZZ_CHECK(rc == mrc, "se_challenge_parse('%s') = %d, model %d", chal, rc,
               mrc);
    if (rc) {
        FUZZ_CHECK(got.stime == want.stime && got.s_age == want.s_age
                   && got.goodfor == want.goodfor
                   && got.signed_len == want.signed_len
                   && got.sig == want.sig,
                   "'%s' parsed into the wrong fields", chal);
        check_signed(p, chal, &got);
        check_expiry(&got, (apr_int64_t)(fuzz_u64(&d, &n, 5)));
    }
    FUZZ_CHECK(se_challenge_parse(NULL, &got) == 0, "NULL parses");
    check_response(p, chal, pw, resp);
    round_trip(p, d, n);
}
