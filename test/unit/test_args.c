/*
 * test_args.c - the truth rule, se_parse_uint and se_parse_ver.
 */
#include <stddef.h>

#include "apr_general.h"
#include "apr_pools.h"

#include "args.h"
#include "fixture.h"
#include "suites.h"

/* ---- se_arg_true: Perl truthiness of a string: only "" and "0" are false */

static const struct {
    const char *value;
    int expected;
} truth_cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "0", 0 },
    { "1", 1 },
    { "00", 1 },
    { " 0", 1 },
    { "0 ", 1 },
    { "0\n", 1 },
    { "-0", 1 },
    { "0.0", 1 },
    { "0E0", 1 },
    { " ", 1 },
    { "false", 1 },
    { "no", 1 },
    { "yes", 1 },
    { "on", 1 },
    { "2", 1 },
};

START_TEST(test_arg_true)
{
    const char *v = truth_cases[_i].value;

    ck_assert_msg(se_arg_true(v) == truth_cases[_i].expected,
                  "se_arg_true(%s%s%s) should be %d",
                  v ? "\"" : "", v ? v : "NULL", v ? "\"" : "",
                  truth_cases[_i].expected);
}
END_TEST

/* ---- se_parse_uint --------------------------------------------------- */

static const struct {
    const char *s;
    apr_int64_t max;
    int ok;
    apr_int64_t value;          /* when ok */
} uint_cases[] = {
    /* plain digits */
    { "0", SE_SESSID_MAX, 1, 0 },
    { "1", SE_SESSID_MAX, 1, 1 },
    { "42", SE_SESSID_MAX, 1, 42 },
    { "1234567890", SE_SESSID_MAX, 1, 1234567890 },
    /* leading zeros */
    { "00", SE_SESSID_MAX, 1, 0 },
    { "007", SE_SESSID_MAX, 1, 7 },
    { "0000000000000000000000000000000000000001", SE_SESSID_MAX, 1, 1 },
    { "0000000000000000000000000000002147483647", SE_SESSID_MAX, 1,
      2147483647 },
    /* the session id boundary */
    { "2147483646", SE_SESSID_MAX, 1, 2147483646 },
    { "2147483647", SE_SESSID_MAX, 1, 2147483647 },
    { "2147483648", SE_SESSID_MAX, 0, 0 },
    { "2147483650", SE_SESSID_MAX, 0, 0 },
    { "4294967295", SE_SESSID_MAX, 0, 0 },
    { "4294967296", SE_SESSID_MAX, 0, 0 },
    { "4294967297", SE_SESSID_MAX, 0, 0 },  /* 2^32+1: wraps to 1 in 32 bits */
    { "9999999999", SE_SESSID_MAX, 0, 0 },
    { "21474836470", SE_SESSID_MAX, 0, 0 },
    /* the 64-bit boundary */
    { "9223372036854775807", APR_INT64_MAX, 1, APR_INT64_MAX },
    { "9223372036854775806", APR_INT64_MAX, 1, APR_INT64_MAX - 1 },
    { "9223372036854775808", APR_INT64_MAX, 0, 0 },
    { "9223372036854775810", APR_INT64_MAX, 0, 0 },
    { "18446744073709551615", APR_INT64_MAX, 0, 0 },
    { "18446744073709551616", APR_INT64_MAX, 0, 0 },
    { "18446744073709551617", APR_INT64_MAX, 0, 0 }, /* 2^64+1 wraps to 1 */
    { "92233720368547758070", APR_INT64_MAX, 0, 0 },
    /* huge */
    { "99999999999999999999999999999999999999999999999999", SE_SESSID_MAX,
      0, 0 },
    { "99999999999999999999999999999999999999999999999999", APR_INT64_MAX,
      0, 0 },
    { "1000000000000000000000000000000000000000", APR_INT64_MAX, 0, 0 },
    /* signs, spaces and other characters */
    { "-1", SE_SESSID_MAX, 0, 0 },
    { "-0", SE_SESSID_MAX, 0, 0 },
    { "+1", SE_SESSID_MAX, 0, 0 },
    { "+0", SE_SESSID_MAX, 0, 0 },
    { " 1", SE_SESSID_MAX, 0, 0 },
    { "1 ", SE_SESSID_MAX, 0, 0 },
    { "1 2", SE_SESSID_MAX, 0, 0 },
    { "\t1", SE_SESSID_MAX, 0, 0 },
    { "1\n", SE_SESSID_MAX, 0, 0 },
    { " ", SE_SESSID_MAX, 0, 0 },
    { "1a", SE_SESSID_MAX, 0, 0 },
    { "a1", SE_SESSID_MAX, 0, 0 },
    { "abc", SE_SESSID_MAX, 0, 0 },
    { "0x10", SE_SESSID_MAX, 0, 0 },
    { "1.0", SE_SESSID_MAX, 0, 0 },
    { "1e3", SE_SESSID_MAX, 0, 0 },
    { "1,000", SE_SESSID_MAX, 0, 0 },
    { "\xd9\xa3", SE_SESSID_MAX, 0, 0 },    /* ARABIC-INDIC DIGIT THREE */
    /* empty */
    { "", SE_SESSID_MAX, 0, 0 },
    { "", APR_INT64_MAX, 0, 0 },
};

START_TEST(test_parse_uint)
{
    apr_int64_t out = -12345;
    int ok = se_parse_uint(uint_cases[_i].s, uint_cases[_i].max, &out);

    ck_assert_msg(ok == uint_cases[_i].ok,
                  "se_parse_uint(\"%s\", %" APR_INT64_T_FMT ") returned %d,"
                  " expected %d", uint_cases[_i].s, uint_cases[_i].max, ok,
                  uint_cases[_i].ok);
    if (uint_cases[_i].ok) {
        ck_assert_msg(out == uint_cases[_i].value,
                      "se_parse_uint(\"%s\") gave %" APR_INT64_T_FMT
                      ", expected %" APR_INT64_T_FMT, uint_cases[_i].s, out,
                      uint_cases[_i].value);
    }
}
END_TEST

START_TEST(test_parse_uint_null)
{
    apr_int64_t out = -12345;

    ck_assert_int_eq(se_parse_uint(NULL, SE_SESSID_MAX, &out), 0);
    ck_assert_int_eq(se_parse_uint(NULL, APR_INT64_MAX, &out), 0);
}
END_TEST

/*
 * "no greater than max" must hold for every max, including ones below 10,
 * where the result is a single significant digit.
 */
static const struct {
    const char *s;
    apr_int64_t max;
    int ok;
    apr_int64_t value;
} uint_small_max_cases[] = {
    { "0", 0, 1, 0 },
    { "000", 0, 1, 0 },
    { "1", 0, 0, 0 },
    { "9", 0, 0, 0 },
    { "5", 5, 1, 5 },
    { "05", 5, 1, 5 },
    { "4", 5, 1, 4 },
    { "6", 5, 0, 0 },
    { "9", 5, 0, 0 },
    { "09", 5, 0, 0 },
    { "10", 5, 0, 0 },
    { "9", 9, 1, 9 },
    { "10", 9, 0, 0 },
    { "10", 10, 1, 10 },
    { "11", 10, 0, 0 },
    { "99", 99, 1, 99 },
    { "100", 99, 0, 0 },
};

START_TEST(test_parse_uint_small_max)
{
    apr_int64_t out = -12345;
    int ok = se_parse_uint(uint_small_max_cases[_i].s,
                           uint_small_max_cases[_i].max, &out);

    ck_assert_msg(ok == uint_small_max_cases[_i].ok,
                  "se_parse_uint(\"%s\", max %" APR_INT64_T_FMT ") returned"
                  " %d (value %" APR_INT64_T_FMT "), expected %d",
                  uint_small_max_cases[_i].s, uint_small_max_cases[_i].max,
                  ok, out, uint_small_max_cases[_i].ok);
    if (uint_small_max_cases[_i].ok) {
        ck_assert_msg(out == uint_small_max_cases[_i].value,
                      "se_parse_uint(\"%s\") gave %" APR_INT64_T_FMT,
                      uint_small_max_cases[_i].s, out);
    }
}
END_TEST

/* ---- se_parse_ver ---------------------------------------------------- */

static const struct {
    const char *ver;
    int expected;
} ver_cases[] = {
    { NULL, 0 },
    { "", 0 },
    { "0", 0 },
    { "00", 0 },
    { "0000000000000000000000000000000000000000000", 0 },
    { "1", 1 },
    { "01", 1 },
    { "2", 1 },
    { "9", 1 },
    { "10", 1 },
    { "2147483648", 1 },
    { "9223372036854775807", 1 },
    { "9223372036854775808", 1 },
    { "18446744073709551616", 1 },
    { "1234567890123456789012345678901234567890", 1 },   /* 40 digits */
    { "0000000000000000000000000000000000000001", 1 },
    { "-1", -1 },
    { "-0", -1 },
    { "+1", -1 },
    { "1.0", -1 },
    { "0.5", -1 },
    { " 1", -1 },
    { "1 ", -1 },
    { "1\n", -1 },
    { " ", -1 },
    { "abc", -1 },
    { "1a", -1 },
    { "v1", -1 },
    { "0x1", -1 },
    { "1e3", -1 },
    { "1234567890123456789012345678901234567890x", -1 },
    { "-1234567890123456789012345678901234567890", -1 },
};

START_TEST(test_parse_ver)
{
    const char *v = ver_cases[_i].ver;
    int got = se_parse_ver(v);

    ck_assert_msg(got == ver_cases[_i].expected,
                  "se_parse_ver(%s) = %d, expected %d", v ? v : "NULL", got,
                  ver_cases[_i].expected);
}
END_TEST

Suite *args_suite(void)
{
    Suite *s = suite_create("args");
    TCase *tc;

    tc = tcase_create("arg_true");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_arg_true, 0, N_ELEMS(truth_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("parse_uint");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_parse_uint, 0, N_ELEMS(uint_cases));
    tcase_add_test(tc, test_parse_uint_null);
    tcase_add_loop_test(tc, test_parse_uint_small_max, 0,
                        N_ELEMS(uint_small_max_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("parse_ver");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_parse_ver, 0, N_ELEMS(ver_cases));
    suite_add_tcase(s, tc);

    return s;
}
