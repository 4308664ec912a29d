/*
 * test_username.c - the canonical form of a user name.
 */
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"

#include "username.h"
#include "fixture.h"
#include "suites.h"

static const struct {
    const char *raw;
    const char *canonical;      /* NULL: not a user name */
} user_cases[] = {
    /* plain */
    { "bob", "bob" },
    { "a", "a" },
    { "0", "0" },
    { "_", "_" },
    { "-", "_" },
    { "user_1", "user_1" },
    /* lowercased; '-' becomes '_' */
    { "Bob", "bob" },
    { "BOB", "bob" },
    { "Foo-Bar_Baz", "foo_bar_baz" },
    { "--__--", "______" },
    { "ABCDEFGHIJKLMNOPQRSTUVWXY", "abcdefghijklmnopqrstuvwxy" },
    { "Z0-9z", "z0_9z" },
    /* surrounding ASCII whitespace is trimmed */
    { " bob", "bob" },
    { "bob ", "bob" },
    { "  bob  ", "bob" },
    { "\tbob\t", "bob" },
    { "\nbob\n", "bob" },
    { "\r\nBob\r\n", "bob" },
    { "\f\vbob\v\f", "bob" },
    { " \t\r\n\f\vX-y\v\f\n\r\t ", "x_y" },
    /* 25 characters are fine, 26 are not */
    { "abcdefghijklmnopqrstuvwxy", "abcdefghijklmnopqrstuvwxy" },
    { "1234567890123456789012345", "1234567890123456789012345" },
    { "   1234567890123456789012345   ", "1234567890123456789012345" },
    { "\t1234567890123456789012345\n", "1234567890123456789012345" },
    { "abcdefghijklmnopqrstuvwxyz", NULL },
    { "12345678901234567890123456", NULL },
    { "  12345678901234567890123456  ", NULL },
    { "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", NULL },
    /* empty or only whitespace */
    { "", NULL },
    { " ", NULL },
    { "   ", NULL },
    { "\t", NULL },
    { "\n", NULL },
    { " \t\r\n\f\v", NULL },
    /* internal whitespace */
    { "bob smith", NULL },
    { "bob\tsmith", NULL },
    { "bob\nsmith", NULL },
    { " bo b ", NULL },
    /* other characters */
    { "bob.smith", NULL },
    { "bob@example", NULL },
    { "bob!", NULL },
    { "b+b", NULL },
    { "b%20b", NULL },
    { "bob'", NULL },
    { "bob;--", NULL },
    { "../bob", NULL },
    { "bob:x", NULL },
    /* non-ASCII bytes, and non-ASCII whitespace is not trimmed */
    { "b\xc3\xb6" "b", NULL },
    { "\xc3\xa9", NULL },
    { "bob\xff", NULL },
    { "\x80" "bob", NULL },
    { "\xc2\xa0" "bob", NULL },             /* U+00A0 NO-BREAK SPACE */
    { "bob\xe3\x80\x80", NULL },            /* U+3000 IDEOGRAPHIC SPACE */
    { "\x85" "bob", NULL },                 /* NEL as a Latin-1 byte */
    /* control bytes that are not whitespace */
    { "bob\x01", NULL },
    { "\x1b" "bob", NULL },
    { "bo\x7f" "b", NULL },
};

START_TEST(test_username)
{
    const char *raw = user_cases[_i].raw;
    char *got = se_username_canonical(pool, raw);

    if (user_cases[_i].canonical == NULL) {
        ck_assert_msg(got == NULL, "\"%s\" gave \"%s\", expected no user name",
                      raw, got ? got : "");
    }
    else {
        ck_assert_msg(got != NULL, "\"%s\" was rejected, expected \"%s\"",
                      raw, user_cases[_i].canonical);
        ck_assert_str_eq(got, user_cases[_i].canonical);
    }
}
END_TEST

START_TEST(test_username_null)
{
    ck_assert_ptr_null(se_username_canonical(pool, NULL));
}
END_TEST

START_TEST(test_username_does_not_modify_input)
{
    char raw[] = "  Foo-Bar  ";
    char *got = se_username_canonical(pool, raw);

    ck_assert_ptr_nonnull(got);
    ck_assert_str_eq(got, "foo_bar");
    ck_assert_str_eq(raw, "  Foo-Bar  ");
    ck_assert_ptr_ne(got, raw);
}
END_TEST

START_TEST(test_username_idempotent)
{
    /* a canonical name is its own canonical form */
    int i;

    for (i = 0; i < N_ELEMS(user_cases); i++) {
        char *once = se_username_canonical(pool, user_cases[i].raw);

        if (once) {
            ck_assert_str_eq(se_username_canonical(pool, once), once);
        }
    }
}
END_TEST

Suite *username_suite(void)
{
    Suite *s = suite_create("username");
    TCase *tc;

    tc = tcase_create("canonical");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_username, 0, N_ELEMS(user_cases));
    tcase_add_test(tc, test_username_null);
    tcase_add_test(tc, test_username_does_not_modify_input);
    tcase_add_test(tc, test_username_idempotent);
    suite_add_tcase(s, tc);

    return s;
}
