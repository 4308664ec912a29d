/*
 * test_keycache.c - period keys cached per thread (src/keycache.c), and
 * the reusable HMAC keys under them (src/crypto.c): a cached key signs
 * exactly what a freshly derived one does, whatever the order of secrets
 * and periods, and a secret changed in place is never signed with the
 * key of its old bytes.
 */
#include <string.h>

#include "apr_strings.h"

#include "challenge.h"
#include "crypto.h"
#include "fixture.h"
#include "keycache.h"
#include "suites.h"

#define SECRET "0123456789abcdef0123456789abcdef"
#define SECRET_LEN (sizeof(SECRET) - 1)
#define SECRET2 "0123456789abcdef0123456789abcdeF"
#define STIME ((apr_int64_t)1699999200)
#define TEXT "c0:1699999200:923:60:ABCDEFGHIJklmnopqr01"
/* se_challenge_make's answer for SECRET at 1699999200 + 923, see
 * test_challenge.c */
#define VALID TEXT ":b78c6d8f5fd35f8c609e46f8ad65da11"

static se_keycache_t cache;

static void cache_setup(void)
{
    pool_setup();
    memset(&cache, 0, sizeof(cache));
}

static void cache_teardown(void)
{
    se_keycache_clear(&cache);
    pool_teardown();
}

/* The MAC of TEXT under the period key, derived without any cache. */
static void reference_mac(const unsigned char *secret, apr_size_t len,
                          apr_int64_t stime, unsigned char mac[SE_HMAC_LEN])
{
    unsigned char key[SE_HMAC_LEN];

    ck_assert(se_challenge_period_key(secret, len, stime, key));
    ck_assert(se_hmac_sha256(key, sizeof(key), TEXT, strlen(TEXT), mac));
}

/* The cached key for (secret, stime) signs TEXT like the reference. */
static se_hmac_key_t *check_get(const unsigned char *secret, apr_size_t len,
                                apr_int64_t stime)
{
    unsigned char want[SE_HMAC_LEN], got[SE_HMAC_LEN];
    se_hmac_key_t *k = se_keycache_get(&cache, secret, len, stime);

    ck_assert_ptr_nonnull(k);
    reference_mac(secret, len, stime, want);
    ck_assert(se_hmac_key_sign(k, TEXT, strlen(TEXT), got));
    ck_assert(memcmp(want, got, sizeof(want)) == 0);
    return k;
}

/* ---- se_hmac_key: RFC 4231 test case 2 -------------------------------- */

START_TEST(test_hmac_key_known_answer)
{
    static const unsigned char want[SE_HMAC_LEN] = {
        0x5b, 0xdc, 0xc1, 0x46, 0xbf, 0x60, 0x75, 0x4e, 0x6a, 0x04, 0x24,
        0x26, 0x08, 0x95, 0x75, 0xc7, 0x5a, 0x00, 0x3f, 0x08, 0x9d, 0x27,
        0x39, 0x83, 0x9d, 0xec, 0x58, 0xb9, 0x64, 0xec, 0x38, 0x43
    };
    const char *data = "what do ya want for nothing?";
    unsigned char out[SE_HMAC_LEN];
    se_hmac_key_t *k = se_hmac_key_new("Jefe", 4);
    int round;

    ck_assert_ptr_nonnull(k);
    /* The same key signs again and again, each message from scratch. */
    for (round = 0; round < 3; round++) {
        memset(out, 0, sizeof(out));
        ck_assert(se_hmac_key_sign(k, data, strlen(data), out));
        ck_assert(memcmp(out, want, sizeof(want)) == 0);
    }
    se_hmac_key_free(k);
    ck_assert(se_hmac_sha256("Jefe", 4, data, strlen(data), out));
    ck_assert(memcmp(out, want, sizeof(want)) == 0);
}
END_TEST

START_TEST(test_hmac_key_after_crypto_init)
{
    unsigned char before[SE_HMAC_LEN], after[SE_HMAC_LEN];

    ck_assert(se_hmac_sha256("k", 1, "m", 1, before));
    ck_assert(se_crypto_init(pool));
    ck_assert(se_hmac_sha256("k", 1, "m", 1, after));
    ck_assert(memcmp(before, after, sizeof(before)) == 0);
    ck_assert_str_eq(se_md5_hex(pool, "abc", 3),
                     "900150983cd24fb0d6963f7d28e17f72");
}
END_TEST

/* ---- slots ------------------------------------------------------------- */

START_TEST(test_empty_cache)
{
    ck_assert_int_eq(se_keycache_find(&cache, (const unsigned char *)SECRET,
                                      SECRET_LEN, STIME), -1);
    ck_assert_int_eq(se_keycache_victim(&cache), 0);
}
END_TEST

START_TEST(test_hit_returns_same_key)
{
    const unsigned char *s = (const unsigned char *)SECRET;
    se_hmac_key_t *a = check_get(s, SECRET_LEN, STIME);
    se_hmac_key_t *b = check_get(s, SECRET_LEN, STIME);

    ck_assert_ptr_eq(a, b);
    ck_assert_int_ge(se_keycache_find(&cache, s, SECRET_LEN, STIME), 0);
}
END_TEST

START_TEST(test_secret_changed_in_place)
{
    unsigned char s[SECRET_LEN];

    memcpy(s, SECRET, SECRET_LEN);
    check_get(s, SECRET_LEN, STIME);
    /* The same address now holds other bytes: a miss, a new key. */
    memcpy(s, SECRET2, SECRET_LEN);
    ck_assert_int_eq(se_keycache_find(&cache, s, SECRET_LEN, STIME), -1);
    check_get(s, SECRET_LEN, STIME);
    /* A shorter secret at the same address is another secret too. */
    ck_assert_int_eq(se_keycache_find(&cache, s, SECRET_LEN - 1, STIME), -1);
    check_get(s, SECRET_LEN - 1, STIME);
}
END_TEST

START_TEST(test_two_periods_stay)
{
    const unsigned char *s = (const unsigned char *)SECRET;
    se_hmac_key_t *now = check_get(s, SECRET_LEN, STIME);
    se_hmac_key_t *prev = check_get(s, SECRET_LEN, STIME - SE_CHAL_PERIOD);
    int round;

    /* The hour's boundary: new challenges and the last hour's checks
     * alternate without evicting each other. */
    for (round = 0; round < 3; round++) {
        ck_assert_ptr_eq(check_get(s, SECRET_LEN, STIME), now);
        ck_assert_ptr_eq(check_get(s, SECRET_LEN, STIME - SE_CHAL_PERIOD),
                         prev);
    }
}
END_TEST

START_TEST(test_least_recently_used_goes)
{
    const unsigned char *s = (const unsigned char *)SECRET;
    int a, b;

    check_get(s, SECRET_LEN, STIME);
    check_get(s, SECRET_LEN, STIME + SE_CHAL_PERIOD);
    check_get(s, SECRET_LEN, STIME);                    /* used last */
    check_get(s, SECRET_LEN, STIME + 2 * SE_CHAL_PERIOD);
    a = se_keycache_find(&cache, s, SECRET_LEN, STIME);
    b = se_keycache_find(&cache, s, SECRET_LEN, STIME + SE_CHAL_PERIOD);
    ck_assert_int_ge(a, 0);
    ck_assert_int_eq(b, -1);
    ck_assert_int_ge(se_keycache_find(&cache, s, SECRET_LEN,
                                      STIME + 2 * SE_CHAL_PERIOD), 0);
}
END_TEST

START_TEST(test_uncacheable_secrets)
{
    unsigned char big[SE_KEYCACHE_SECRET_MAX + 1];

    memset(big, 'x', sizeof(big));
    ck_assert_ptr_null(se_keycache_get(&cache, big, sizeof(big), STIME));
    ck_assert_ptr_null(se_keycache_get(&cache, big, 0, STIME));
    /* The largest cacheable one is cached. */
    check_get(big, SE_KEYCACHE_SECRET_MAX, STIME);
}
END_TEST

START_TEST(test_clear_empties)
{
    const unsigned char *s = (const unsigned char *)SECRET;

    check_get(s, SECRET_LEN, STIME);
    se_keycache_clear(&cache);
    ck_assert_int_eq(se_keycache_find(&cache, s, SECRET_LEN, STIME), -1);
    ck_assert_int_eq(se_keycache_victim(&cache), 0);
}
END_TEST

/* ---- the thread's cache, and challenges made and checked with it ----- */

START_TEST(test_thread_cache_lifetime)
{
    const unsigned char *s = (const unsigned char *)SECRET;
    apr_pool_t *child;
    se_hmac_key_t *k;

    ck_assert_ptr_null(se_keycache_thread_get(s, SECRET_LEN, STIME));
    ck_assert_int_eq(apr_pool_create(&child, pool), APR_SUCCESS);
    ck_assert_int_eq(se_keycache_init(child), APR_SUCCESS);
    k = se_keycache_thread_get(s, SECRET_LEN, STIME);
    ck_assert_ptr_nonnull(k);
    ck_assert_ptr_eq(se_keycache_thread_get(s, SECRET_LEN, STIME), k);
    apr_pool_destroy(child);
    ck_assert_ptr_null(se_keycache_thread_get(s, SECRET_LEN, STIME));
}
END_TEST

START_TEST(test_challenges_with_thread_cache)
{
    unsigned char s[SECRET_LEN];
    se_challenge_t c;
    char *chal;
    int round;

    ck_assert_int_eq(se_keycache_init(pool), APR_SUCCESS);
    ck_assert(se_crypto_init(pool));
    memcpy(s, SECRET, SECRET_LEN);
    for (round = 0; round < 2; round++) {
        chal = se_challenge_make(pool, s, SECRET_LEN, STIME + 923, 60,
                                 "ABCDEFGHIJklmnopqr01");
        ck_assert_str_eq(chal, VALID);
        ck_assert(se_challenge_parse(chal, &c));
        ck_assert(se_challenge_signed(chal, &c, s, SECRET_LEN));
    }
    /* The secret changes in place: its old challenges no longer verify. */
    memcpy(s, SECRET2, SECRET_LEN);
    ck_assert(!se_challenge_signed(VALID, &c, s, SECRET_LEN));
    chal = se_challenge_make(pool, s, SECRET_LEN, STIME + 923, 60,
                             "ABCDEFGHIJklmnopqr01");
    ck_assert_str_ne(chal, VALID);
    ck_assert(se_challenge_parse(chal, &c));
    ck_assert(se_challenge_signed(chal, &c, s, SECRET_LEN));
    ck_assert(!se_challenge_signed(chal, &c, (const unsigned char *)SECRET,
                                   SECRET_LEN));
}
END_TEST

Suite *keycache_suite(void)
{
    Suite *s = suite_create("keycache");
    TCase *tc;

    tc = tcase_create("hmac key");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_hmac_key_known_answer);
    tcase_add_test(tc, test_hmac_key_after_crypto_init);
    suite_add_tcase(s, tc);

    tc = tcase_create("slots");
    tcase_add_checked_fixture(tc, cache_setup, cache_teardown);
    tcase_add_test(tc, test_empty_cache);
    tcase_add_test(tc, test_hit_returns_same_key);
    tcase_add_test(tc, test_secret_changed_in_place);
    tcase_add_test(tc, test_two_periods_stay);
    tcase_add_test(tc, test_least_recently_used_goes);
    tcase_add_test(tc, test_uncacheable_secrets);
    tcase_add_test(tc, test_clear_empties);
    suite_add_tcase(s, tc);

    tc = tcase_create("thread");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_thread_cache_lifetime);
    tcase_add_test(tc, test_challenges_with_thread_cache);
    suite_add_tcase(s, tc);

    return s;
}
