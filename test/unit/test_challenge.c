/*
 * test_challenge.c - c0 challenges: making, parsing, signatures, expiry and
 * responses (src/challenge.c; PROTOCOL.md section 2, getchallenge and
 * auth_method=challenge).
 */
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include "challenge.h"
#include "crypto.h"
#include "fixture.h"
#include "suites.h"

#define SECRET "0123456789abcdef0123456789abcdef"
#define SECRET_LEN (sizeof(SECRET) - 1)
/* The same length, one byte different. */
#define SECRET2 "0123456789abcdef0123456789abcdeF"
#define RAND "ABCDEFGHIJklmnopqr01"
#define NOW ((apr_int64_t)1700000123)
#define STIME ((apr_int64_t)1699999200)    /* NOW rounded down to the hour */

/*
 * A known answer, computed outside this code (Python's hmac module):
 *   key = HMAC-SHA256(SECRET, "mod_sessionexpire c0 period 1699999200")
 *   sig = hex(HMAC-SHA256(key, "c0:1699999200:923:60:" RAND))[0:32]
 */
#define VALID "c0:1699999200:923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11"
/* md5_hex(VALID . md5_hex("secret")) */
#define VALID_PW_MD5 "5ebe2294ecd0e0f08eab7690d2a6ee69"
#define VALID_RESPONSE "2e1b260dd92839547a5bc2833f3f7a06"

static const unsigned char *secret = (const unsigned char *)SECRET;

/* ---- making ------------------------------------------------------------ */

START_TEST(test_make_known_answer)
{
    char *c = se_challenge_make(pool, secret, SECRET_LEN, NOW, 60, RAND);

    ck_assert_ptr_nonnull(c);
    ck_assert_str_eq(c, VALID);
}
END_TEST

static const struct {
    apr_int64_t now;
    apr_int64_t goodfor;
    apr_int64_t stime;          /* expected */
    apr_int64_t s_age;          /* expected */
} make_cases[] = {
    { NOW, 60, STIME, 923 },
    { STIME, 60, STIME, 0 },                    /* on the hour */
    { STIME + 3599, 60, STIME, 3599 },          /* last second of it */
    { STIME + 3600, 60, STIME + 3600, 0 },      /* the next hour */
    { STIME - 1, 60, STIME - 3600, 3599 },
    { 1, 1, 0, 1 },
    { 3599, 3600, 0, 3599 },
    { NOW, 1, STIME, 923 },
    { NOW, 86400, STIME, 923 },
    { (apr_int64_t)99999999 * 3600 + 17, 300, (apr_int64_t)99999999 * 3600, 17 },
};

START_TEST(test_make_parse_round_trip)
{
    apr_int64_t now = make_cases[_i].now, goodfor = make_cases[_i].goodfor;
    char *rand = se_random_alnum(pool, SE_CHAL_RAND_LEN);
    char *c, *text, *expect;
    se_challenge_t parsed;

    ck_assert_ptr_nonnull(rand);
    c = se_challenge_make(pool, secret, SECRET_LEN, now, goodfor, rand);
    ck_assert_ptr_nonnull(c);
    ck_assert_msg(strlen(c) <= SE_CHAL_MAX_LEN, "'%s' is too long", c);

    text = apr_psprintf(pool, "c0:%" APR_INT64_T_FMT ":%" APR_INT64_T_FMT
                        ":%" APR_INT64_T_FMT ":%s:", make_cases[_i].stime,
                        make_cases[_i].s_age, goodfor, rand);
    ck_assert_msg(strncmp(c, text, strlen(text)) == 0,
                  "'%s' does not start with '%s'", c, text);

    memset(&parsed, 0, sizeof(parsed));
    ck_assert_msg(se_challenge_parse(c, &parsed), "'%s' does not parse", c);
    ck_assert_int_eq(parsed.stime, make_cases[_i].stime);
    ck_assert_int_eq(parsed.s_age, make_cases[_i].s_age);
    ck_assert_int_eq(parsed.goodfor, goodfor);
    ck_assert_uint_eq(parsed.signed_len, strlen(text) - 1);
    ck_assert_ptr_eq(parsed.sig, c + strlen(text));
    ck_assert_uint_eq(strlen(parsed.sig), SE_CHAL_SIG_LEN);
    ck_assert_int_eq(parsed.stime % SE_CHAL_PERIOD, 0);

    ck_assert_msg(se_challenge_signed(c, &parsed, secret, SECRET_LEN),
                  "'%s' is not signed by its own secret", c);
    ck_assert(!se_challenge_expired(&parsed, now));
    ck_assert(!se_challenge_expired(&parsed, now + goodfor - 1));
    ck_assert(se_challenge_expired(&parsed, now + goodfor));

    /* And the signature is the one computed independently here. */
    {
        unsigned char key[SE_HMAC_LEN], mac[SE_HMAC_LEN];
        char *label = apr_psprintf(pool, "mod_sessionexpire c0 period %"
                                   APR_INT64_T_FMT, make_cases[_i].stime);

        ck_assert(se_hmac_sha256(secret, SECRET_LEN, label, strlen(label),
                                 key));
        ck_assert(se_hmac_sha256(key, sizeof(key), c, parsed.signed_len,
                                 mac));
        expect = se_hex(pool, mac, SE_CHAL_SIG_LEN / 2);
        ck_assert_str_eq(parsed.sig, expect);
    }
}
END_TEST

START_TEST(test_make_differs)
{
    /* Another random part, secret or time gives another signature. */
    char *a = se_challenge_make(pool, secret, SECRET_LEN, NOW, 60, RAND);
    char *b = se_challenge_make(pool, secret, SECRET_LEN, NOW, 60,
                                "ABCDEFGHIJklmnopqr02");
    char *c = se_challenge_make(pool, (const unsigned char *)SECRET2,
                                SECRET_LEN, NOW, 60, RAND);
    char *d = se_challenge_make(pool, secret, SECRET_LEN, NOW + 3600, 60,
                                RAND);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_ne(strrchr(a, ':'), strrchr(b, ':'));
    ck_assert_str_ne(a, c);
    ck_assert_str_ne(strrchr(a, ':'), strrchr(d, ':'));
}
END_TEST

START_TEST(test_period_key)
{
    unsigned char k1[SE_HMAC_LEN], k2[SE_HMAC_LEN], k3[SE_HMAC_LEN],
                  k4[SE_HMAC_LEN];

    ck_assert(se_challenge_period_key(secret, SECRET_LEN, STIME, k1));
    ck_assert(se_challenge_period_key(secret, SECRET_LEN, STIME, k2));
    ck_assert(se_challenge_period_key(secret, SECRET_LEN, STIME + 3600, k3));
    ck_assert(se_challenge_period_key((const unsigned char *)SECRET2,
                                      SECRET_LEN, STIME, k4));
    ck_assert(memcmp(k1, k2, SE_HMAC_LEN) == 0);
    ck_assert(memcmp(k1, k3, SE_HMAC_LEN) != 0);
    ck_assert(memcmp(k1, k4, SE_HMAC_LEN) != 0);
}
END_TEST

/* ---- parsing ----------------------------------------------------------- */

#define R20 "abcdefghij0123456789"
#define S32 "0123456789abcdef0123456789abcdef"

/* Shapes that parse, with what they parse to. */
static const struct {
    const char *s;
    apr_int64_t stime, s_age, goodfor;
} shape_ok[] = {
    { VALID, STIME, 923, 60 },
    { "c0:0:0:0:" R20 ":" S32, 0, 0, 0 },
    { "c0:3600:1:1:" R20 ":" S32, 3600, 1, 1 },
    { "c0:1699999200:3599:60:" R20 ":" S32, STIME, 3599, 60 },
    /* 12 digits is the most a number may have, leading zeros included */
    { "c0:360000000000:923:60:" R20 ":" S32, 360000000000LL, 923, 60 },
    { "c0:1699999200:000000000923:60:" R20 ":" S32, STIME, 923, 60 },
    { "c0:1699999200:923:000000000060:" R20 ":" S32, STIME, 923, 60 },
    { "c0:1699999200:999999999999:999999999999:" R20 ":" S32, STIME,
      999999999999LL, 999999999999LL },
    /* s_age beyond the period is a shape, not a signature, question */
    { "c0:1699999200:7200:60:" R20 ":" S32, STIME, 7200, 60 },
    { "c0:1699999200:923:60:ABCDEFGHIJKLMNOPQRST:" S32, STIME, 923, 60 },
    { "c0:1699999200:923:60:00000000000000000000:" S32, STIME, 923, 60 },
    { "c0:1699999200:923:60:" R20 ":00000000000000000000000000000000",
      STIME, 923, 60 },
    { "c0:1699999200:923:60:" R20 ":ffffffffffffffffffffffffffffffff",
      STIME, 923, 60 },
};

START_TEST(test_parse_ok)
{
    se_challenge_t c;
    const char *s = shape_ok[_i].s;

    memset(&c, 0, sizeof(c));
    ck_assert_msg(se_challenge_parse(s, &c), "'%s' was rejected", s);
    ck_assert_int_eq(c.stime, shape_ok[_i].stime);
    ck_assert_int_eq(c.s_age, shape_ok[_i].s_age);
    ck_assert_int_eq(c.goodfor, shape_ok[_i].goodfor);
    ck_assert_uint_eq(c.signed_len, strlen(s) - SE_CHAL_SIG_LEN - 1);
    ck_assert_ptr_eq(c.sig, s + strlen(s) - SE_CHAL_SIG_LEN);
}
END_TEST

/* Shapes that must not parse. */
static const char *const shape_bad[] = {
    /* wrong or missing prefix */
    "",
    "c0",
    "c0:",
    "c1:1699999200:923:60:" R20 ":" S32,
    "C0:1699999200:923:60:" R20 ":" S32,
    "c:1699999200:923:60:" R20 ":" S32,
    "c00:1699999200:923:60:" R20 ":" S32,
    " c0:1699999200:923:60:" R20 ":" S32,
    "1699999200:923:60:" R20 ":" S32,
    "c0;1699999200:923:60:" R20 ":" S32,
    /* missing fields */
    "c0:1699999200:923:60:" R20,
    "c0:1699999200:923:60:" R20 ":",
    "c0:1699999200:923:60:" S32,
    "c0:1699999200:923:" R20 ":" S32,
    "c0:1699999200:" R20 ":" S32,
    "c0:923:60:" R20 ":" S32,
    "c0:1699999200:923:60",
    /* extra fields or bytes */
    "c0:1699999200:923:60:" R20 ":" S32 ":",
    "c0:1699999200:923:60:" R20 ":" S32 ":x",
    "c0:1699999200:923:60:" R20 ":" S32 ":" S32,
    "c0:1699999200:923:60:60:" R20 ":" S32,
    "c0:1699999200:923:60:" R20 ":" R20 ":" S32,
    "c0:1699999200:923:60:" R20 ":" S32 " ",
    "c0:1699999200:923:60:" R20 ":" S32 "\n",
    "c0::1699999200:923:60:" R20 ":" S32,
    /* empty numbers */
    "c0::923:60:" R20 ":" S32,
    "c0:1699999200::60:" R20 ":" S32,
    "c0:1699999200:923::" R20 ":" S32,
    /* numbers that are not plain digits */
    "c0:16999992OO:923:60:" R20 ":" S32,
    "c0:+1699999200:923:60:" R20 ":" S32,
    "c0:-1699999200:923:60:" R20 ":" S32,
    "c0: 1699999200:923:60:" R20 ":" S32,
    "c0:1699999200 :923:60:" R20 ":" S32,
    "c0:1699999200:9a3:60:" R20 ":" S32,
    "c0:1699999200:-1:60:" R20 ":" S32,
    "c0:1699999200:0x10:60:" R20 ":" S32,
    "c0:1699999200:923:6e1:" R20 ":" S32,
    "c0:1699999200:923:60.0:" R20 ":" S32,
    "c0:1699999200:923:-60:" R20 ":" S32,
    "c0:1699999200:923:\xd9\xa0:" R20 ":" S32,     /* Arabic-Indic zero */
    /* 13 digits */
    "c0:3600000000000:923:60:" R20 ":" S32,
    "c0:0001699999200:923:60:" R20 ":" S32,
    "c0:1699999200:0000000000923:60:" R20 ":" S32,
    "c0:1699999200:1000000000000:60:" R20 ":" S32,
    "c0:1699999200:923:0000000000060:" R20 ":" S32,
    "c0:1699999200:923:9999999999999:" R20 ":" S32,
    "c0:1699999200:923:99999999999999999999999999:" R20 ":" S32,
    /* stime not at the start of an hour */
    "c0:1699999201:923:60:" R20 ":" S32,
    "c0:1699999199:923:60:" R20 ":" S32,
    "c0:1700001000:923:60:" R20 ":" S32,
    "c0:1:923:60:" R20 ":" S32,
    "c0:60:923:60:" R20 ":" S32,
    "c0:1800:923:60:" R20 ":" S32,
    /* rand of another length or alphabet */
    "c0:1699999200:923:60::" S32,
    "c0:1699999200:923:60:abcdefghij012345678:" S32,
    "c0:1699999200:923:60:abcdefghij01234567890:" S32,
    "c0:1699999200:923:60:abcdefghij-123456789:" S32,
    "c0:1699999200:923:60:abcdefghij_123456789:" S32,
    "c0:1699999200:923:60:abcdefghij 123456789:" S32,
    "c0:1699999200:923:60:abcdefghij+123456789:" S32,
    "c0:1699999200:923:60:abcdefghij/123456789:" S32,
    "c0:1699999200:923:60:abcdefghij\xc3\xa9" "23456789:" S32,
    "c0:1699999200:923:60:abcdefghij\x01" "123456789:" S32,
    /* sig of another length or alphabet */
    "c0:1699999200:923:60:" R20 ":0123456789abcdef0123456789abcde",
    "c0:1699999200:923:60:" R20 ":0123456789abcdef0123456789abcdef0",
    "c0:1699999200:923:60:" R20 ":0123456789ABCDEF0123456789ABCDEF",
    "c0:1699999200:923:60:" R20 ":0123456789abcdef0123456789abcdeF",
    "c0:1699999200:923:60:" R20 ":B78C6D8F5FD35F8C609E46F8AD65DA11",
    "c0:1699999200:923:60:" R20 ":0123456789abcdef0123456789abcdeg",
    "c0:1699999200:923:60:" R20 ":0123456789abcdef 123456789abcdef",
    "c0:1699999200:923:60:" R20 ":0123456789abcdef0123456789abcde:",
    "c0:1699999200:923:60:" R20 ":zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
};

START_TEST(test_parse_bad)
{
    se_challenge_t c;

    memset(&c, 0, sizeof(c));
    ck_assert_msg(!se_challenge_parse(shape_bad[_i], &c),
                  "'%s' was accepted", shape_bad[_i]);
}
END_TEST

START_TEST(test_parse_null)
{
    se_challenge_t c;

    ck_assert(!se_challenge_parse(NULL, &c));
}
END_TEST

START_TEST(test_parse_truncations)
{
    /* No proper prefix of a valid challenge parses. */
    const char *v = VALID;
    apr_size_t n;
    se_challenge_t c;

    for (n = 0; n < strlen(v); n++) {
        char *t = apr_pstrndup(pool, v, n);

        ck_assert_msg(!se_challenge_parse(t, &c), "'%s' was accepted", t);
    }
    ck_assert(se_challenge_parse(v, &c));
}
END_TEST

/* ---- signatures -------------------------------------------------------- */

START_TEST(test_signed_secrets)
{
    se_challenge_t c;

    ck_assert(se_challenge_parse(VALID, &c));
    ck_assert(se_challenge_signed(VALID, &c, secret, SECRET_LEN));
    /* one byte different */
    ck_assert(!se_challenge_signed(VALID, &c, (const unsigned char *)SECRET2,
                                   SECRET_LEN));
    /* a prefix of it, or longer */
    ck_assert(!se_challenge_signed(VALID, &c, secret, SECRET_LEN - 1));
    ck_assert(!se_challenge_signed(VALID, &c,
                                   (const unsigned char *)SECRET "x",
                                   SECRET_LEN + 1));
    /* something else entirely */
    ck_assert(!se_challenge_signed(VALID, &c,
                                   (const unsigned char *)"another secret of"
                                   " more than 32 bytes", 36));
}
END_TEST

START_TEST(test_signed_random_secrets)
{
    unsigned char a[32], b[32];
    char *rand = se_random_alnum(pool, SE_CHAL_RAND_LEN);
    char *chal;
    se_challenge_t c;

    ck_assert(se_random_bytes(a, sizeof(a)));
    ck_assert(se_random_bytes(b, sizeof(b)));
    ck_assert(memcmp(a, b, sizeof(a)) != 0);
    chal = se_challenge_make(pool, a, sizeof(a), NOW, 60, rand);
    ck_assert_ptr_nonnull(chal);
    ck_assert(se_challenge_parse(chal, &c));
    ck_assert(se_challenge_signed(chal, &c, a, sizeof(a)));
    ck_assert(!se_challenge_signed(chal, &c, b, sizeof(b)));
}
END_TEST

/* VALID with one field changed: still a shape, no longer ours. */
static const char *const tampered[] = {
    "c0:1699995600:923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1700002800:923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:924:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:922:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:0923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:61:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:3600:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:060:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:59:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:60:ABCDEFGHIJklmnopqr02:b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:60:aBCDEFGHIJklmnopqr01:b78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da10",
    "c0:1699999200:923:60:" RAND ":c78c6d8f5fd35f8c609e46f8ad65da11",
    "c0:1699999200:923:60:" RAND ":b78c6d8f5fd35f8c609e46f8ad65da12",
    "c0:1699999200:923:60:" RAND ":00000000000000000000000000000000",
    /* the signature of another period for the same text */
    "c0:1699999200:923:60:" RAND ":" S32,
};

START_TEST(test_signed_tampered)
{
    se_challenge_t c;

    ck_assert_msg(se_challenge_parse(tampered[_i], &c),
                  "'%s' should still parse", tampered[_i]);
    ck_assert_msg(!se_challenge_signed(tampered[_i], &c, secret, SECRET_LEN),
                  "'%s' passed as signed", tampered[_i]);
}
END_TEST

START_TEST(test_signed_by_other_period_key)
{
    /* The same text, signed as if its stime were the next hour's: the key
     * depends on the period, so it is refused. */
    unsigned char key[SE_HMAC_LEN], mac[SE_HMAC_LEN];
    const char *text = "c0:1699999200:923:60:" RAND;
    char *chal;
    se_challenge_t c;

    ck_assert(se_challenge_period_key(secret, SECRET_LEN, STIME + 3600, key));
    ck_assert(se_hmac_sha256(key, sizeof(key), text, strlen(text), mac));
    chal = apr_pstrcat(pool, text, ":", se_hex(pool, mac, 16), NULL);
    ck_assert(se_challenge_parse(chal, &c));
    ck_assert(!se_challenge_signed(chal, &c, secret, SECRET_LEN));

    /* while under its own period's key the very same text is good */
    ck_assert(se_challenge_period_key(secret, SECRET_LEN, STIME, key));
    ck_assert(se_hmac_sha256(key, sizeof(key), text, strlen(text), mac));
    chal = apr_pstrcat(pool, text, ":", se_hex(pool, mac, 16), NULL);
    ck_assert_str_eq(chal, VALID);
}
END_TEST

/* ---- expiry ------------------------------------------------------------ */

static const struct {
    apr_int64_t s_age, goodfor, now;
    int expired;
} expiry_cases[] = {
    /* made at STIME + 923, good for 60 s */
    { 923, 60, STIME + 923, 0 },
    { 923, 60, STIME + 923 + 1, 0 },
    { 923, 60, STIME + 923 + 59, 0 },          /* age goodfor - 1 */
    { 923, 60, STIME + 923 + 60, 1 },          /* age goodfor */
    { 923, 60, STIME + 923 + 61, 1 },
    { 923, 60, STIME + 923 + 86400, 1 },
    { 923, 60, STIME, 0 },                     /* from the "future" */
    { 923, 60, 0, 0 },
    /* other lifetimes */
    { 0, 1, STIME, 0 },
    { 0, 1, STIME + 1, 1 },
    { 3599, 3600, STIME + 3599 + 3599, 0 },
    { 3599, 3600, STIME + 3599 + 3600, 1 },
    /* a lifetime of 0 (only a forged challenge has one) is always over */
    { 923, 0, STIME + 923, 1 },
    /* the largest numbers a challenge may carry do not overflow */
    { 999999999999LL, 999999999999LL, STIME + 999999999999LL * 2 - 1, 0 },
    { 999999999999LL, 999999999999LL, STIME + 999999999999LL * 2, 1 },
};

START_TEST(test_expired)
{
    se_challenge_t c;

    memset(&c, 0, sizeof(c));
    c.stime = STIME;
    c.s_age = expiry_cases[_i].s_age;
    c.goodfor = expiry_cases[_i].goodfor;
    ck_assert_msg(se_challenge_expired(&c, expiry_cases[_i].now)
                  == expiry_cases[_i].expired,
                  "case %d: s_age %" APR_INT64_T_FMT " goodfor %"
                  APR_INT64_T_FMT " now %" APR_INT64_T_FMT ": expected %s",
                  _i, c.s_age, c.goodfor, expiry_cases[_i].now,
                  expiry_cases[_i].expired ? "expired" : "valid");
}
END_TEST

START_TEST(test_expired_parsed)
{
    se_challenge_t c;

    ck_assert(se_challenge_parse(VALID, &c));
    ck_assert(!se_challenge_expired(&c, NOW));
    ck_assert(!se_challenge_expired(&c, NOW + 59));
    ck_assert(se_challenge_expired(&c, NOW + 60));
}
END_TEST

/* ---- responses --------------------------------------------------------- */

static const struct {
    const char *response;
    int ok;
} response_cases[] = {
    { VALID_RESPONSE, 1 },
    { "2E1B260DD92839547A5BC2833F3F7A06", 1 },
    { "2e1B260dD92839547a5BC2833f3F7a06", 1 },
    { "2e1b260dd92839547a5bc2833f3f7a07", 0 },
    { "3e1b260dd92839547a5bc2833f3f7a06", 0 },
    { "2e1b260dd92839547a5bc2833f3f7a0", 0 },
    { "2e1b260dd92839547a5bc2833f3f7a066", 0 },
    { "2e1b260dd92839547a5bc2833f3f7a06 ", 0 },
    { " 2e1b260dd92839547a5bc2833f3f7a06", 0 },
    { "2e1b260dd92839547a5bc2833f3f7a06\n", 0 },
    { "", 0 },
    { VALID_PW_MD5, 0 },                        /* the hpassword itself */
    { "00000000000000000000000000000000", 0 },
    { "x", 0 },
};

START_TEST(test_response)
{
    ck_assert_msg(se_challenge_response_ok(pool, VALID, VALID_PW_MD5,
                                           response_cases[_i].response)
                  == response_cases[_i].ok, "response '%s': expected %s",
                  response_cases[_i].response,
                  response_cases[_i].ok ? "accepted" : "refused");
}
END_TEST

START_TEST(test_response_null)
{
    ck_assert(!se_challenge_response_ok(pool, VALID, VALID_PW_MD5, NULL));
}
END_TEST

START_TEST(test_response_other_challenge_or_password)
{
    /* The right response for another challenge or password is wrong. */
    char *other = se_md5_hex(pool, "c0:x" VALID_PW_MD5,
                             strlen("c0:x" VALID_PW_MD5));
    char *plain = apr_pstrcat(pool, VALID, "secret", NULL);

    ck_assert(!se_challenge_response_ok(pool, VALID, VALID_PW_MD5, other));
    ck_assert(!se_challenge_response_ok(pool, VALID, VALID_PW_MD5,
                                        se_md5_hex(pool, plain,
                                                   strlen(plain))));
    ck_assert(!se_challenge_response_ok(pool, VALID,
                                        "5ebe2294ecd0e0f08eab7690d2a6ee6a",
                                        VALID_RESPONSE));
    ck_assert(se_challenge_response_ok(pool, VALID, VALID_PW_MD5,
                                       VALID_RESPONSE));
}
END_TEST

START_TEST(test_response_made_challenge)
{
    /* A fresh challenge, answered the way a client does. */
    char *rand = se_random_alnum(pool, SE_CHAL_RAND_LEN);
    char *chal = se_challenge_make(pool, secret, SECRET_LEN, NOW, 60, rand);
    const char *pw_md5 = se_md5_hex(pool, "p4ss", 4);
    char *both = apr_pstrcat(pool, chal, pw_md5, NULL);
    char *resp = se_md5_hex(pool, both, strlen(both));

    ck_assert(se_challenge_response_ok(pool, chal, pw_md5, resp));
    ck_assert(se_challenge_response_ok(pool, chal, pw_md5,
                                       apr_pstrdup(pool, resp)));
    {
        char *up = apr_pstrdup(pool, resp), *q;

        for (q = up; *q; q++) {
            if (*q >= 'a' && *q <= 'f') {
                *q = (char)(*q - 'a' + 'A');
            }
        }
        ck_assert(se_challenge_response_ok(pool, chal, pw_md5, up));
    }
    ck_assert(!se_challenge_response_ok(pool, VALID, pw_md5, resp));
}
END_TEST

Suite *challenge_suite(void)
{
    Suite *s = suite_create("challenge");
    TCase *tc;

    tc = tcase_create("make");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_make_known_answer);
    tcase_add_loop_test(tc, test_make_parse_round_trip, 0,
                        N_ELEMS(make_cases));
    tcase_add_test(tc, test_make_differs);
    tcase_add_test(tc, test_period_key);
    suite_add_tcase(s, tc);

    tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_parse_ok, 0, N_ELEMS(shape_ok));
    tcase_add_loop_test(tc, test_parse_bad, 0, N_ELEMS(shape_bad));
    tcase_add_test(tc, test_parse_null);
    tcase_add_test(tc, test_parse_truncations);
    suite_add_tcase(s, tc);

    tc = tcase_create("signature");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_signed_secrets);
    tcase_add_test(tc, test_signed_random_secrets);
    tcase_add_loop_test(tc, test_signed_tampered, 0, N_ELEMS(tampered));
    tcase_add_test(tc, test_signed_by_other_period_key);
    suite_add_tcase(s, tc);

    tc = tcase_create("expiry");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_expired, 0, N_ELEMS(expiry_cases));
    tcase_add_test(tc, test_expired_parsed);
    suite_add_tcase(s, tc);

    tc = tcase_create("response");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_response, 0, N_ELEMS(response_cases));
    tcase_add_test(tc, test_response_null);
    tcase_add_test(tc, test_response_other_challenge_or_password);
    tcase_add_test(tc, test_response_made_challenge);
    suite_add_tcase(s, tc);

    return s;
}
