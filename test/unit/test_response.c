/*
 * test_response.c - building flat responses and their two wire formats.
 */
#include <string.h>

#include "apr_general.h"
#include "apr_hash.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include "form.h"
#include "response.h"
#include "fixture.h"
#include "suites.h"

/* Renders `resp` and checks it is exactly `expected`, bytes and length. */
static void assert_render(const se_resp_t *resp, int urlenc,
                          const char *expected)
{
    apr_size_t len = 12345;
    char *out = se_resp_render(pool, resp, urlenc, &len);

    ck_assert_ptr_nonnull(out);
    ck_assert_msg(len == strlen(expected) && memcmp(out, expected, len) == 0,
                  "%s render: got %u bytes \"%.*s\", expected %u bytes \"%s\"",
                  urlenc ? "urlenc" : "plain", (unsigned)len, (int)len, out,
                  (unsigned)strlen(expected), expected);
}

/* ---- table: pairs set in order -> both renderings -------------------- */

#define MAX_PAIRS 8

typedef struct {
    const char *key, *value;
} kv_t;

static const struct {
    kv_t set[MAX_PAIRS];        /* se_resp_set in this order; {NULL} ends */
    const char *plain;
    const char *urlenc;
} render_cases[] = {
    /* nothing at all */
    { { { NULL, NULL } }, "", "" },
    /* one pair */
    { { { "success", "OK" }, { NULL, NULL } },
      "success\nOK\n", "success=OK&" },
    /* sorted by key, bytewise: upper case before '_' before lower case */
    { { { "b", "2" }, { "a", "1" }, { "B", "3" }, { "_", "4" }, { "A", "5" },
        { NULL, NULL } },
      "A\n5\nB\n3\n_\n4\na\n1\nb\n2\n",
      "A=5&B=3&_=4&a=1&b=2&" },
    { { { "success", "OK" }, { "Success", "x" }, { "SUCCESS", "y" },
        { NULL, NULL } },
      "SUCCESS\ny\nSuccess\nx\nsuccess\nOK\n",
      "SUCCESS=y&Success=x&success=OK&" },
    /* a prefix sorts first; digits before letters */
    { { { "ab", "2" }, { "b", "3" }, { "a", "1" }, { "a1", "0" },
        { NULL, NULL } },
      "a\n1\na1\n0\nab\n2\nb\n3\n", "a=1&a1=0&ab=2&b=3&" },
    /* bytes above 0x7f sort after ASCII (unsigned comparison) */
    { { { "\xc3\xa9", "e" }, { "z", "z" }, { "A", "a" }, { NULL, NULL } },
      "A\na\nz\nz\n\xc3\xa9\ne\n", "A=a&z=z&%C3%A9=e&" },
    /* a sessiongenerate answer */
    { { { "success", "OK" }, { "ljsession", "ws:bob:12:AbC123xyZ9" },
        { NULL, NULL } },
      "ljsession\nws:bob:12:AbC123xyZ9\nsuccess\nOK\n",
      "ljsession=ws:bob:12:AbC123xyZ9&success=OK&" },
    /* empty values and keys are still written */
    { { { "k", "" }, { NULL, NULL } }, "k\n\n", "k=&" },
    { { { "", "v" }, { NULL, NULL } }, "\nv\n", "=v&" },
    /* CR and LF are removed from keys and values */
    { { { "a\r\nb", "x\ry\nz\r\n" }, { NULL, NULL } },
      "ab\nxyz\n", "ab=xyz&" },
    { { { "k", "\r\n\r\n" }, { NULL, NULL } }, "k\n\n", "k=&" },
    { { { "errmsg", "line one\nline two" }, { "success", "FAIL" },
        { NULL, NULL } },
      "errmsg\nline oneline two\nsuccess\nFAIL\n",
      "errmsg=line+oneline+two&success=FAIL&" },
    /* other control bytes pass through the plain format */
    { { { "k", "a\tb\x01" }, { NULL, NULL } }, "k\na\tb\x01\n",
      "k=a%09b%01&" },
    /* urlenc: space is '+'; the reference's safe set is left alone;
     * everything else is %XX (upper case, as the reference wrote it) */
    { { { "errmsg", "Client error: Invalid argument(s)" },
        { "success", "FAIL" }, { NULL, NULL } },
      "errmsg\nClient error: Invalid argument(s)\nsuccess\nFAIL\n",
      "errmsg=Client+error:+Invalid+argument%28s%29&success=FAIL&" },
    { { { "a b", "c d" }, { NULL, NULL } }, "a b\nc d\n", "a+b=c+d&" },
    { { { "k=v&x", "1+1=2&3" }, { NULL, NULL } }, "k=v&x\n1+1=2&3\n",
      "k%3Dv%26x=1%2B1%3D2%263&" },
    { { { "pct", "100%" }, { NULL, NULL } }, "pct\n100%\n", "pct=100%25&" },
    { { { "safe", "AZaz09_,-./\\:" }, { NULL, NULL } },
      "safe\nAZaz09_,-./\\:\n", "safe=AZaz09_,-./\\:&" },
    { { { "unsafe", "~!\"#$'()*;<>?@[]^`{|}" }, { NULL, NULL } },
      "unsafe\n~!\"#$'()*;<>?@[]^`{|}\n",
      "unsafe=%7E%21%22%23%24%27%28%29%2A%3B%3C%3E%3F%40%5B%5D%5E%60%7B%7C%7D&" },
    { { { "utf8", "caf\xc3\xa9 \xff" }, { NULL, NULL } },
      "utf8\ncaf\xc3\xa9 \xff\n", "utf8=caf%C3%A9+%FF&" },
};

START_TEST(test_render)
{
    se_resp_t *resp = se_resp_make(pool);
    int i;

    ck_assert_ptr_nonnull(resp);
    for (i = 0; i < MAX_PAIRS && render_cases[_i].set[i].key; i++) {
        se_resp_set(resp, render_cases[_i].set[i].key,
                    render_cases[_i].set[i].value);
    }
    assert_render(resp, 0, render_cases[_i].plain);
    assert_render(resp, 1, render_cases[_i].urlenc);
    /* rendering twice gives the same bytes: it does not alter `resp` */
    assert_render(resp, 0, render_cases[_i].plain);
}
END_TEST

START_TEST(test_render_many_sorted)
{
    /* 200 keys set in reverse order come out sorted */
    se_resp_t *resp = se_resp_make(pool);
    char *expected = "";
    int i;

    for (i = 199; i >= 0; i--) {
        se_resp_set(resp, apr_psprintf(pool, "k%03d", i),
                    apr_psprintf(pool, "v%d", i));
    }
    for (i = 0; i < 200; i++) {
        expected = apr_psprintf(pool, "%sk%03d\nv%d\n", expected, i, i);
    }
    assert_render(resp, 0, expected);
}
END_TEST

START_TEST(test_render_worst_case_size)
{
    /* every byte 1..255 in a long key and value: the urlenc output must
     * fit (valgrind checks the buffer), and decode back to the input
     * without CR and LF */
    se_resp_t *resp = se_resp_make(pool);
    char raw[256 * 4 + 1], stripped[256 * 4 + 1];
    apr_size_t n = 0, m = 0, len;
    apr_hash_t *args;
    const char *bad_key, *v;
    char *out;
    int rep, c;

    for (rep = 0; rep < 4; rep++) {
        for (c = 1; c < 256; c++) {
            raw[n++] = (char)c;
            if (c != '\r' && c != '\n') {
                stripped[m++] = (char)c;
            }
        }
    }
    raw[n] = stripped[m] = '\0';
    se_resp_set(resp, raw, raw);
    se_resp_set(resp, "success", "OK");

    out = se_resp_render(pool, resp, 1, &len);
    ck_assert_ptr_nonnull(out);
    ck_assert_int_eq(out[len - 1], '&');
    ck_assert_ptr_null(memchr(out, '\r', len));
    ck_assert_ptr_null(memchr(out, '\n', len));
    ck_assert_int_eq(se_form_parse(pool, out, len, &args, &bad_key),
                     SE_FORM_OK);
    ck_assert_uint_eq(apr_hash_count(args), 2);
    v = apr_hash_get(args, stripped, APR_HASH_KEY_STRING);
    ck_assert_ptr_nonnull(v);
    ck_assert_str_eq(v, stripped);
    ck_assert_str_eq(apr_hash_get(args, "success", APR_HASH_KEY_STRING),
                     "OK");

    out = se_resp_render(pool, resp, 0, &len);
    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(len, m + 1 + m + 1 + strlen("success\nOK\n"));
    ck_assert_int_eq(memcmp(out, stripped, m), 0);
    ck_assert_int_eq(out[m], '\n');
    ck_assert_int_eq(memcmp(out + m + 1, stripped, m), 0);
    ck_assert_int_eq(out[2 * m + 1], '\n');
    ck_assert_int_eq(memcmp(out + 2 * m + 2, "success\nOK\n", 11), 0);
}
END_TEST

/* ---- set / get / replacement ---------------------------------------- */

START_TEST(test_set_get_replace)
{
    se_resp_t *resp = se_resp_make(pool);

    ck_assert_ptr_null(se_resp_get(resp, "a"));
    se_resp_set(resp, "a", "1");
    ck_assert_str_eq(se_resp_get(resp, "a"), "1");
    ck_assert_ptr_null(se_resp_get(resp, "A"));
    se_resp_set(resp, "b", "x");
    se_resp_set(resp, "a", "2");
    ck_assert_str_eq(se_resp_get(resp, "a"), "2");
    ck_assert_str_eq(se_resp_get(resp, "b"), "x");
    /* replacing does not add a second pair */
    assert_render(resp, 0, "a\n2\nb\nx\n");
    se_resp_set(resp, "a", "");
    assert_render(resp, 0, "a\n\nb\nx\n");
    assert_render(resp, 1, "a=&b=x&");
}
END_TEST

START_TEST(test_ok)
{
    se_resp_t *resp = se_resp_make(pool);

    se_resp_ok(resp);
    ck_assert_str_eq(se_resp_get(resp, "success"), "OK");
    ck_assert_ptr_null(se_resp_get(resp, "errmsg"));
    assert_render(resp, 0, "success\nOK\n");
    assert_render(resp, 1, "success=OK&");

    /* keeps the pairs already set */
    resp = se_resp_make(pool);
    se_resp_set(resp, "ljsession", "ws:bob:1:abcdefghij");
    se_resp_ok(resp);
    se_resp_ok(resp);
    ck_assert_str_eq(se_resp_get(resp, "ljsession"), "ws:bob:1:abcdefghij");
    assert_render(resp, 0, "ljsession\nws:bob:1:abcdefghij\nsuccess\nOK\n");
}
END_TEST

START_TEST(test_fail)
{
    se_resp_t *resp = se_resp_make(pool);

    /* a failure drops everything prepared before it */
    se_resp_set(resp, "ljsession", "ws:bob:1:abcdefghij");
    se_resp_set(resp, "zzz", "1");
    se_resp_ok(resp);
    se_resp_fail(resp, "Invalid password");
    ck_assert_str_eq(se_resp_get(resp, "success"), "FAIL");
    ck_assert_str_eq(se_resp_get(resp, "errmsg"), "Invalid password");
    ck_assert_ptr_null(se_resp_get(resp, "ljsession"));
    ck_assert_ptr_null(se_resp_get(resp, "zzz"));
    assert_render(resp, 0, "errmsg\nInvalid password\nsuccess\nFAIL\n");
    assert_render(resp, 1, "errmsg=Invalid+password&success=FAIL&");

    /* a second failure replaces the message */
    se_resp_fail(resp, "Client error: Unknown mode (x\r\ny)");
    assert_render(resp, 0,
                  "errmsg\nClient error: Unknown mode (xy)\nsuccess\nFAIL\n");

    /* on a fresh response */
    resp = se_resp_make(pool);
    se_resp_fail(resp, "Client error: No mode specified.");
    assert_render(resp, 0,
                  "errmsg\nClient error: No mode specified.\nsuccess\nFAIL\n");
}
END_TEST

START_TEST(test_independent_responses)
{
    se_resp_t *a = se_resp_make(pool), *b = se_resp_make(pool);

    se_resp_set(a, "k", "a");
    se_resp_set(b, "k", "b");
    se_resp_fail(b, "x");
    ck_assert_str_eq(se_resp_get(a, "k"), "a");
    ck_assert_ptr_null(se_resp_get(a, "success"));
    assert_render(a, 0, "k\na\n");
}
END_TEST

Suite *response_suite(void)
{
    Suite *s = suite_create("response");
    TCase *tc;

    tc = tcase_create("render");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_render, 0, N_ELEMS(render_cases));
    tcase_add_test(tc, test_render_many_sorted);
    tcase_add_test(tc, test_render_worst_case_size);
    suite_add_tcase(s, tc);

    tc = tcase_create("build");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_set_get_replace);
    tcase_add_test(tc, test_ok);
    tcase_add_test(tc, test_fail);
    tcase_add_test(tc, test_independent_responses);
    suite_add_tcase(s, tc);

    return s;
}
