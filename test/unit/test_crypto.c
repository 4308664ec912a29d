/*
 * test_crypto.c - se_md5_hex, se_random_alnum and se_secret_equal.
 */
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"

#include "crypto.h"
#include "fixture.h"
#include "suites.h"

static const char alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

static int is_alnum_ascii(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9');
}

/* ---- se_md5_hex: RFC 1321 test suite plus binary input --------------- */

static const struct {
    const char *data;
    apr_size_t len;
    const char *hex;
} md5_cases[] = {
    { "", 0, "d41d8cd98f00b204e9800998ecf8427e" },
    { "a", 1, "0cc175b9c0f1b6a831c399e269772661" },
    { "abc", 3, "900150983cd24fb0d6963f7d28e17f72" },
    { "message digest", 14, "f96b697d7cb7938d525a2f31aaf161d0" },
    { "The quick brown fox jumps over the lazy dog", 43,
      "9e107d9d372bb6826bd81d3542a419d6" },
    { "1234567890123456789012345678901234567890"
      "1234567890123456789012345678901234567890", 80,
      "57edf4a22be3c955ac49da2e2107b67a" },
    /* the length is honoured: bytes after a NUL count */
    { "a\0b", 3, "70350f6027bce3713f6b76473084309b" },
    { "\xff\xff\xff", 3, "8597d4e7e65352a302b63e07bc01a7da" },
    /* a prefix only */
    { "abcdef", 3, "900150983cd24fb0d6963f7d28e17f72" },
};

START_TEST(test_md5_hex)
{
    char *hex = se_md5_hex(pool, md5_cases[_i].data, md5_cases[_i].len);

    ck_assert_ptr_nonnull(hex);
    ck_assert_uint_eq(strlen(hex), SE_MD5_HEX_LEN);
    ck_assert_str_eq(hex, md5_cases[_i].hex);
}
END_TEST

/* ---- se_random_alnum ------------------------------------------------- */

static const apr_size_t random_lengths[] = {
    0, 1, 10, 20, 32, 63, 64, 65, 247, 248, 1000, 4096
};

START_TEST(test_random_alnum_shape)
{
    apr_size_t n = random_lengths[_i], i;
    char *r = se_random_alnum(pool, n);

    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(strlen(r), n);
    for (i = 0; i < n; i++) {
        ck_assert_msg(is_alnum_ascii(r[i]),
                      "byte %u of a random code is 0x%02x, not [A-Za-z0-9]",
                      (unsigned)i, (unsigned char)r[i]);
    }
}
END_TEST

START_TEST(test_random_alnum_differs)
{
    /* 62^10 and 62^20 possibilities: a repeat means a broken RNG. */
    char *a = se_random_alnum(pool, 20), *b = se_random_alnum(pool, 20);
    char *c = se_random_alnum(pool, 10), *d = se_random_alnum(pool, 10);

    ck_assert_ptr_nonnull(a);
    ck_assert_ptr_nonnull(b);
    ck_assert_ptr_nonnull(c);
    ck_assert_ptr_nonnull(d);
    ck_assert_str_ne(a, b);
    ck_assert_str_ne(c, d);
}
END_TEST

START_TEST(test_random_alnum_uniform)
{
    /*
     * Every character of the alphabet shows up, none favoured.  With
     * 62 * 10000 draws each count is 10000 +- ~100 (one sigma); a plain
     * "byte % 62" without rejection would give the first 8 characters
     * ~11960 and the others ~9570, far outside 10000 +- 800.
     */
    enum { PER_CHAR = 10000, TOLERANCE = 800 };
    apr_size_t n = 62 * PER_CHAR, i;
    long counts[256] = { 0 };
    char *r = se_random_alnum(pool, n);

    ck_assert_ptr_nonnull(r);
    ck_assert_uint_eq(strlen(r), n);
    for (i = 0; i < n; i++) {
        counts[(unsigned char)r[i]]++;
    }
    for (i = 0; i < 256; i++) {
        if (i != 0 && strchr(alphabet, (int)i) != NULL) {
            ck_assert_msg(counts[i] > PER_CHAR - TOLERANCE
                          && counts[i] < PER_CHAR + TOLERANCE,
                          "'%c' drawn %ld times out of %u, expected about %d",
                          (int)i, counts[i], (unsigned)n, PER_CHAR);
        }
        else {
            ck_assert_msg(counts[i] == 0, "byte 0x%02x drawn %ld times",
                          (unsigned)i, counts[i]);
        }
    }
}
END_TEST

/* ---- se_secret_equal ------------------------------------------------- */

static const struct {
    const char *a, *b;
    int expected;
} secret_cases[] = {
    { "abc", "abc", 1 },
    { "", "", 1 },
    { "900150983cd24fb0d6963f7d28e17f72",
      "900150983cd24fb0d6963f7d28e17f72", 1 },
    { "abc", "abd", 0 },
    { "abc", "xbc", 0 },
    { "abc", "ABC", 0 },
    { "abc", "ab", 0 },
    { "ab", "abc", 0 },
    { "", "a", 0 },
    { "a", "", 0 },
    { "900150983cd24fb0d6963f7d28e17f72",
      "900150983cd24fb0d6963f7d28e17f73", 0 },
    { "900150983cd24fb0d6963f7d28e17f72",
      "900150983CD24FB0D6963F7D28E17F72", 0 },
    { "900150983cd24fb0d6963f7d28e17f72",
      "900150983cd24fb0d6963f7d28e17f72 ", 0 },
};

START_TEST(test_secret_equal)
{
    ck_assert_msg(se_secret_equal(secret_cases[_i].a, secret_cases[_i].b)
                  == secret_cases[_i].expected,
                  "se_secret_equal(\"%s\", \"%s\") should be %d",
                  secret_cases[_i].a, secret_cases[_i].b,
                  secret_cases[_i].expected);
}
END_TEST

Suite *crypto_suite(void)
{
    Suite *s = suite_create("crypto");
    TCase *tc;

    tc = tcase_create("md5_hex");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_md5_hex, 0, N_ELEMS(md5_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("random_alnum");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_set_timeout(tc, 60);
    tcase_add_loop_test(tc, test_random_alnum_shape, 0,
                        N_ELEMS(random_lengths));
    tcase_add_test(tc, test_random_alnum_differs);
    tcase_add_test(tc, test_random_alnum_uniform);
    suite_add_tcase(s, tc);

    tc = tcase_create("secret_equal");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_secret_equal, 0, N_ELEMS(secret_cases));
    suite_add_tcase(s, tc);

    return s;
}
