/*
 * test_cookie.c - ljsession cookies: collecting them from a Cookie header
 * and parsing their values (src/cookie.c; PROTOCOL.md section 2,
 * auth_method=cookie).
 */
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"
#include "apr_tables.h"

#include "args.h"
#include "cookie.h"
#include "fixture.h"
#include "suites.h"

/* ---- se_cookie_collect ------------------------------------------------- */

#define MAXV 8                  /* values a case may expect */

static const struct {
    const char *header;
    const char *values[MAXV];   /* expected, NULL-terminated */
} collect_cases[] = {
    { "ljsession=a", { "a" } },
    { "ljsession=ws:bob:1:abc", { "ws:bob:1:abc" } },
    { "ljsession=ws:bob:1:abc:opt:x", { "ws:bob:1:abc:opt:x" } },
    /* among other cookies, in order */
    { "foo=1; ljsession=a; bar=2", { "a" } },
    { "ljsession=a; ljsession=b", { "a", "b" } },
    { "ljsession=a;ljsession=b;ljsession=c", { "a", "b", "c" } },
    { "x=1; ljsession=a; y=2; ljsession=b; z=3", { "a", "b" } },
    /* blanks around names, '=' and values */
    { "  ljsession=a  ;  ljsession=b  ", { "a", "b" } },
    { "\tljsession=a\t;\tljsession=b", { "a", "b" } },
    { "ljsession = a", { "a" } },
    { "ljsession =a", { "a" } },
    { "ljsession\t=\ta", { "a" } },
    { "foo=1;ljsession =b", { "b" } },
    /* double quotes around a value */
    { "ljsession=\"a\"", { "a" } },
    { "ljsession= \"ws:bob:1:abc\" ", { "ws:bob:1:abc" } },
    { "ljsession=\"\"", { "" } },
    { "ljsession=\"", { "\"" } },
    { "ljsession=\"a", { "\"a" } },
    /* empty values, '=' inside values */
    { "ljsession=", { "" } },
    { "ljsession=;ljsession=a", { "", "a" } },
    { "ljsession=a=b", { "a=b" } },
    /* other names */
    { "ljsessionx=a", { NULL } },
    { "ljsessionx=a; ljsession=b", { "b" } },
    /* Quotes belong to values, never to a name (a fuzzer's find). */
    { "ljsession\"\"=ws:a:1:b", { NULL } },
    { "\"ljsession\"=a", { NULL } },
    { "xljsession=a", { NULL } },
    { "foo=ljsession=a", { NULL } },
    { "lj session=a", { NULL } },
    { "ljsessio=a", { NULL } },
    { "LJSESSION=a", { NULL } },
    { "ljsession_x=a; ljsession2=b", { NULL } },
    { "ljsession x=a", { NULL } },
    /* no '=' at all */
    { "ljsession", { NULL } },
    { "ljsession; foo=1", { NULL } },
    /* nothing */
    { "", { NULL } },
    { ";", { NULL } },
    { ";;;", { NULL } },
    { "   ", { NULL } },
    { "foo=1; bar=2", { NULL } },
    { "; ljsession=a ;", { "a" } },
};

static void expect_values(const apr_array_header_t *got,
                          const char *const *want, const char *what)
{
    int n = 0, i;

    while (n < MAXV && want[n]) {
        n++;
    }
    ck_assert_msg(got->nelts == n, "%s: %d value(s), expected %d", what,
                  got->nelts, n);
    for (i = 0; i < n; i++) {
        const char *v = APR_ARRAY_IDX(got, i, const char *);

        ck_assert_msg(strcmp(v, want[i]) == 0, "%s: value %d is '%s',"
                      " expected '%s'", what, i, v, want[i]);
    }
}

START_TEST(test_collect)
{
    apr_array_header_t *v = apr_array_make(pool, 1, sizeof(const char *));

    se_cookie_collect(pool, collect_cases[_i].header, "ljsession", v,
                      SE_COOKIE_MAX_TRIED);
    expect_values(v, collect_cases[_i].values, collect_cases[_i].header);
}
END_TEST

START_TEST(test_collect_null_header)
{
    apr_array_header_t *v = apr_array_make(pool, 1, sizeof(const char *));

    se_cookie_collect(pool, NULL, "ljsession", v, SE_COOKIE_MAX_TRIED);
    ck_assert_int_eq(v->nelts, 0);
}
END_TEST

START_TEST(test_collect_max)
{
    /* 25 ljsession cookies (and others between them): only the first
     * `max` are collected, in order. */
    char *header = "";
    apr_array_header_t *v;
    int i, max;

    for (i = 0; i < 25; i++) {
        header = apr_psprintf(pool, "%sother%d=x; ljsession=v%d; ", header,
                              i, i);
    }
    for (max = 0; max <= 26; max++) {
        int want = max < 25 ? max : 25;

        v = apr_array_make(pool, 1, sizeof(const char *));
        se_cookie_collect(pool, header, "ljsession", v, max);
        ck_assert_msg(v->nelts == want, "max %d: %d values", max, v->nelts);
        for (i = 0; i < want; i++) {
            ck_assert_str_eq(APR_ARRAY_IDX(v, i, const char *),
                             apr_psprintf(pool, "v%d", i));
        }
    }
    /* The module's own limit. */
    v = apr_array_make(pool, 1, sizeof(const char *));
    se_cookie_collect(pool, header, "ljsession", v, SE_COOKIE_MAX_TRIED);
    ck_assert_int_eq(v->nelts, SE_COOKIE_MAX_TRIED);
    ck_assert_int_eq(SE_COOKIE_MAX_TRIED, 20);
}
END_TEST

START_TEST(test_collect_appends)
{
    /* Two headers, one array: the second header's values come after the
     * first's, and the limit counts both. */
    apr_array_header_t *v = apr_array_make(pool, 1, sizeof(const char *));
    const char *want[] = { "a", "b", "c", NULL };
    char *many = "";
    int i;

    se_cookie_collect(pool, "ljsession=a; x=1", "ljsession", v, 20);
    se_cookie_collect(pool, "ljsession=b; ljsession=c", "ljsession", v, 20);
    expect_values(v, want, "two headers");

    for (i = 0; i < 30; i++) {
        many = apr_psprintf(pool, "%sljsession=m%d;", many, i);
    }
    se_cookie_collect(pool, many, "ljsession", v, 20);
    ck_assert_int_eq(v->nelts, 20);
    ck_assert_str_eq(APR_ARRAY_IDX(v, 3, const char *), "m0");
    ck_assert_str_eq(APR_ARRAY_IDX(v, 19, const char *), "m16");

    /* Already full: nothing more. */
    se_cookie_collect(pool, "ljsession=z", "ljsession", v, 20);
    ck_assert_int_eq(v->nelts, 20);
}
END_TEST

START_TEST(test_collect_other_name)
{
    apr_array_header_t *v = apr_array_make(pool, 1, sizeof(const char *));
    const char *want[] = { "1", "3", NULL };

    se_cookie_collect(pool, "a=1; ab=2; a =3; ljsession=4", "a", v, 20);
    expect_values(v, want, "name a");
}
END_TEST

START_TEST(test_collect_does_not_modify_header)
{
    char header[] = "ljsession=\"a\"; ljsession = b ";
    apr_array_header_t *v = apr_array_make(pool, 1, sizeof(const char *));

    se_cookie_collect(pool, header, "ljsession", v, 20);
    ck_assert_str_eq(header, "ljsession=\"a\"; ljsession = b ");
    ck_assert_int_eq(v->nelts, 2);
}
END_TEST

/* ---- se_ljsession_parse ------------------------------------------------ */

#define AUTH64 "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789AB"

static const struct {
    const char *value;
    const char *user;           /* NULL: must not parse */
    apr_int64_t sessid;
    const char *auth;
} parse_cases[] = {
    /* valid, with and without options */
    { "ws:bob:1:abcdefghij", "bob", 1, "abcdefghij" },
    { "ws:bob:1:abcdefghij:", "bob", 1, "abcdefghij" },
    { "ws:bob:1:abcdefghij:opt", "bob", 1, "abcdefghij" },
    { "ws:bob:1:abcdefghij:opt:more:x=y", "bob", 1, "abcdefghij" },
    { "ws:bob:1:abcdefghij::", "bob", 1, "abcdefghij" },
    { "ws:bob:1:abcdefghij:.:-:!", "bob", 1, "abcdefghij" },
    { "ws:Bob-X:42:A1b2C3d4E5", "Bob-X", 42, "A1b2C3d4E5" },
    /* the user is taken as written: canonicalising is the caller's job */
    { "ws:BOB:7:x", "BOB", 7, "x" },
    { "ws:b o b:7:x", "b o b", 7, "x" },
    /* ids: zero, leading zeros, the largest */
    { "ws:bob:0:x", "bob", 0, "x" },
    { "ws:bob:007:x", "bob", 7, "x" },
    { "ws:bob:2147483647:x", "bob", 2147483647LL, "x" },
    /* auth codes of 1 to 64 characters of [A-Za-z0-9] */
    { "ws:bob:1:Z", "bob", 1, "Z" },
    { "ws:bob:1:0", "bob", 1, "0" },
    { "ws:bob:1:" AUTH64, "bob", 1, AUTH64 },
    { "ws:bob:1:" AUTH64 ":opt", "bob", 1, AUTH64 },

    /* not ws */
    { "", NULL, 0, NULL },
    { "ws", NULL, 0, NULL },
    { "ws:", NULL, 0, NULL },
    { "WS:bob:1:abc", NULL, 0, NULL },
    { "Ws:bob:1:abc", NULL, 0, NULL },
    { "wx:bob:1:abc", NULL, 0, NULL },
    { "ls:bob:1:abc", NULL, 0, NULL },
    { "w:bob:1:abc", NULL, 0, NULL },
    { "wss:bob:1:abc", NULL, 0, NULL },
    { " ws:bob:1:abc", NULL, 0, NULL },
    { ":ws:bob:1:abc", NULL, 0, NULL },
    { "bob:1:abc", NULL, 0, NULL },
    /* missing fields */
    { "ws:bob", NULL, 0, NULL },
    { "ws:bob:", NULL, 0, NULL },
    { "ws:bob:1", NULL, 0, NULL },
    { "ws:bob:1:", NULL, 0, NULL },
    { "ws:bob:1::", NULL, 0, NULL },
    { "ws:bob:1::opt", NULL, 0, NULL },
    { "ws:bob:abc", NULL, 0, NULL },
    /* empty user */
    { "ws::1:abc", NULL, 0, NULL },
    { "ws:::", NULL, 0, NULL },
    /* ids that are not ids */
    { "ws:bob::abc", NULL, 0, NULL },
    { "ws:bob:x:abc", NULL, 0, NULL },
    { "ws:bob:1x:abc", NULL, 0, NULL },
    { "ws:bob:-1:abc", NULL, 0, NULL },
    { "ws:bob:+1:abc", NULL, 0, NULL },
    { "ws:bob: 1:abc", NULL, 0, NULL },
    { "ws:bob:1 :abc", NULL, 0, NULL },
    { "ws:bob:1.0:abc", NULL, 0, NULL },
    { "ws:bob:0x1:abc", NULL, 0, NULL },
    { "ws:bob:1e3:abc", NULL, 0, NULL },
    /* ids that overflow */
    { "ws:bob:2147483648:abc", NULL, 0, NULL },
    { "ws:bob:4294967296:abc", NULL, 0, NULL },
    { "ws:bob:9223372036854775807:abc", NULL, 0, NULL },
    { "ws:bob:9223372036854775808:abc", NULL, 0, NULL },
    { "ws:bob:99999999999999999999999999999:abc", NULL, 0, NULL },
    /* auth codes: too long, not [A-Za-z0-9] */
    { "ws:bob:1:" AUTH64 "C", NULL, 0, NULL },
    { "ws:bob:1:" AUTH64 AUTH64, NULL, 0, NULL },
    { "ws:bob:1:ab-c", NULL, 0, NULL },
    { "ws:bob:1:ab_c", NULL, 0, NULL },
    { "ws:bob:1:ab c", NULL, 0, NULL },
    { "ws:bob:1: abc", NULL, 0, NULL },
    { "ws:bob:1:abc ", NULL, 0, NULL },
    { "ws:bob:1:ab=c", NULL, 0, NULL },
    { "ws:bob:1:ab+c", NULL, 0, NULL },
    { "ws:bob:1:ab/c", NULL, 0, NULL },
    { "ws:bob:1:ab%41", NULL, 0, NULL },
    { "ws:bob:1:ab\"", NULL, 0, NULL },
    { "ws:bob:1:abc\xc3\xa9", NULL, 0, NULL },
    { "ws:bob:1:abc\x01", NULL, 0, NULL },
    { "ws:bob:1:\xff", NULL, 0, NULL },
};

START_TEST(test_parse)
{
    se_ljsession_t c;
    const char *v = parse_cases[_i].value;
    int ok;

    memset(&c, 0, sizeof(c));
    ok = se_ljsession_parse(pool, v, &c);
    if (parse_cases[_i].user == NULL) {
        ck_assert_msg(!ok, "'%s' was accepted", v);
        return;
    }
    ck_assert_msg(ok, "'%s' was rejected", v);
    ck_assert_ptr_nonnull(c.user);
    ck_assert_ptr_nonnull(c.auth);
    ck_assert_str_eq(c.user, parse_cases[_i].user);
    ck_assert_int_eq(c.sessid, parse_cases[_i].sessid);
    ck_assert_str_eq(c.auth, parse_cases[_i].auth);
}
END_TEST

START_TEST(test_parse_null)
{
    se_ljsession_t c;

    ck_assert(!se_ljsession_parse(pool, NULL, &c));
}
END_TEST

START_TEST(test_parse_does_not_modify_input)
{
    char value[] = "ws:bob:1:abc:opt";
    se_ljsession_t c;

    ck_assert(se_ljsession_parse(pool, value, &c));
    ck_assert_str_eq(value, "ws:bob:1:abc:opt");
    ck_assert_str_eq(c.user, "bob");
    ck_assert_str_eq(c.auth, "abc");
}
END_TEST

START_TEST(test_parse_limits)
{
    /* The limits the tables above rely on. */
    ck_assert_int_eq(SE_COOKIE_AUTH_MAX, 64);
    ck_assert_int_eq(strlen(AUTH64), SE_COOKIE_AUTH_MAX);
    ck_assert_int_eq(SE_SESSID_MAX, 2147483647L);
}
END_TEST

Suite *cookie_suite(void)
{
    Suite *s = suite_create("cookie");
    TCase *tc;

    tc = tcase_create("collect");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_collect, 0, N_ELEMS(collect_cases));
    tcase_add_test(tc, test_collect_null_header);
    tcase_add_test(tc, test_collect_max);
    tcase_add_test(tc, test_collect_appends);
    tcase_add_test(tc, test_collect_other_name);
    tcase_add_test(tc, test_collect_does_not_modify_header);
    suite_add_tcase(s, tc);

    tc = tcase_create("ljsession");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_parse, 0, N_ELEMS(parse_cases));
    tcase_add_test(tc, test_parse_null);
    tcase_add_test(tc, test_parse_does_not_modify_input);
    tcase_add_test(tc, test_parse_limits);
    suite_add_tcase(s, tc);

    return s;
}
