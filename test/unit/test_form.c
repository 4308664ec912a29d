/*
 * test_form.c - the flat protocol's request body decoder.
 *
 * Every body is copied into a malloc'd buffer of exactly its length, with no
 * terminating NUL, so a read past the end is caught by valgrind/ASan.
 */
#include <stdlib.h>
#include <string.h>

#include "apr_general.h"
#include "apr_hash.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include "form.h"
#include "fixture.h"
#include "suites.h"

/* A string literal and its length (which may include NUL bytes). */
#define B(s) s, sizeof(s) - 1

#define MAX_PAIRS 6

static apr_status_t free_cleanup(void *data)
{
    free(data);
    return APR_SUCCESS;
}

/* `len` bytes of `data` in a heap block of exactly that size (at least 1),
 * freed with the test's pool. */
static const char *exact_copy(const char *data, apr_size_t len)
{
    char *buf = malloc(len ? len : 1);

    ck_assert_ptr_nonnull(buf);
    if (len) {
        memcpy(buf, data, len);
    }
    apr_pool_cleanup_register(pool, buf, free_cleanup,
                              apr_pool_cleanup_null);
    return buf;
}

typedef struct {
    const char *key, *value;
} kv_t;

typedef struct {
    const char *body;
    apr_size_t len;
    se_form_rc rc;
    const char *bad_key;        /* for rc != SE_FORM_OK */
    kv_t pairs[MAX_PAIRS];      /* for SE_FORM_OK, terminated by {NULL} */
} form_case_t;

static const form_case_t form_cases[] = {
    /* empty body */
    { B(""), SE_FORM_OK, NULL, { { NULL, NULL } } },

    /* plain pairs */
    { B("a=1"), SE_FORM_OK, NULL, { { "a", "1" }, { NULL, NULL } } },
    { B("a=1&b=2"), SE_FORM_OK, NULL,
      { { "a", "1" }, { "b", "2" }, { NULL, NULL } } },
    { B("mode=sessionexpire&user=bob&password=secret&expire_id_3=1"),
      SE_FORM_OK, NULL,
      { { "mode", "sessionexpire" }, { "user", "bob" },
        { "password", "secret" }, { "expire_id_3", "1" }, { NULL, NULL } } },

    /* '+' is a space; an encoded '+' is a plus */
    { B("a=hello+world"), SE_FORM_OK, NULL,
      { { "a", "hello world" }, { NULL, NULL } } },
    { B("a=++"), SE_FORM_OK, NULL, { { "a", "  " }, { NULL, NULL } } },
    { B("a=%2B"), SE_FORM_OK, NULL, { { "a", "+" }, { NULL, NULL } } },
    { B("a=%2b+%20"), SE_FORM_OK, NULL, { { "a", "+  " }, { NULL, NULL } } },

    /* %XX, either hex case */
    { B("a=%41%42%43"), SE_FORM_OK, NULL, { { "a", "ABC" }, { NULL, NULL } } },
    { B("a=%4a%4A"), SE_FORM_OK, NULL, { { "a", "JJ" }, { NULL, NULL } } },
    { B("a=%7e%7E"), SE_FORM_OK, NULL, { { "a", "~~" }, { NULL, NULL } } },
    { B("a=%c3%A9%Ff"), SE_FORM_OK, NULL,
      { { "a", "\xc3\xa9\xff" }, { NULL, NULL } } },
    { B("a=%0D%0a"), SE_FORM_OK, NULL, { { "a", "\r\n" }, { NULL, NULL } } },
    /* encoded separators do not separate */
    { B("a=%26b%3D1"), SE_FORM_OK, NULL,
      { { "a", "&b=1" }, { NULL, NULL } } },

    /* malformed escapes stay as written */
    { B("a=%"), SE_FORM_OK, NULL, { { "a", "%" }, { NULL, NULL } } },
    { B("a=%4"), SE_FORM_OK, NULL, { { "a", "%4" }, { NULL, NULL } } },
    { B("a=%zz"), SE_FORM_OK, NULL, { { "a", "%zz" }, { NULL, NULL } } },
    { B("a=%4g"), SE_FORM_OK, NULL, { { "a", "%4g" }, { NULL, NULL } } },
    { B("a=%g4"), SE_FORM_OK, NULL, { { "a", "%g4" }, { NULL, NULL } } },
    { B("a=%%"), SE_FORM_OK, NULL, { { "a", "%%" }, { NULL, NULL } } },
    { B("a=100%"), SE_FORM_OK, NULL, { { "a", "100%" }, { NULL, NULL } } },
    { B("a=% 41"), SE_FORM_OK, NULL, { { "a", "% 41" }, { NULL, NULL } } },
    /* the first '%' is malformed and stays; the "%41" after it is an
     * escape like any other (as Perl's s/%([0-9a-fA-F]{2})/.../eg) */
    { B("a=%%41"), SE_FORM_OK, NULL, { { "a", "%A" }, { NULL, NULL } } },
    { B("a=%%%41"), SE_FORM_OK, NULL, { { "a", "%%A" }, { NULL, NULL } } },
    /* a decoded '%' is not decoded again */
    { B("a=%2541"), SE_FORM_OK, NULL, { { "a", "%41" }, { NULL, NULL } } },
    /* an escape cut by the end of a segment */
    { B("a=%4&b=%"), SE_FORM_OK, NULL,
      { { "a", "%4" }, { "b", "%" }, { NULL, NULL } } },
    { B("a=%&b=1"), SE_FORM_OK, NULL,
      { { "a", "%" }, { "b", "1" }, { NULL, NULL } } },

    /* keys are decoded like values */
    { B("expire%5fid%5F1=1"), SE_FORM_OK, NULL,
      { { "expire_id_1", "1" }, { NULL, NULL } } },
    { B("%61=1"), SE_FORM_OK, NULL, { { "a", "1" }, { NULL, NULL } } },
    { B("a+b=1"), SE_FORM_OK, NULL, { { "a b", "1" }, { NULL, NULL } } },
    { B("%3D=1"), SE_FORM_OK, NULL, { { "=", "1" }, { NULL, NULL } } },
    { B("%=1"), SE_FORM_OK, NULL, { { "%", "1" }, { NULL, NULL } } },
    { B("%zz=1"), SE_FORM_OK, NULL, { { "%zz", "1" }, { NULL, NULL } } },

    /* keys are case-sensitive */
    { B("User=a&user=b"), SE_FORM_OK, NULL,
      { { "User", "a" }, { "user", "b" }, { NULL, NULL } } },
    { B("MODE=x&Mode=y&mode=z"), SE_FORM_OK, NULL,
      { { "MODE", "x" }, { "Mode", "y" }, { "mode", "z" }, { NULL, NULL } } },

    /* empty segments are skipped */
    { B("a=1&&b=2"), SE_FORM_OK, NULL,
      { { "a", "1" }, { "b", "2" }, { NULL, NULL } } },
    { B("&a=1"), SE_FORM_OK, NULL, { { "a", "1" }, { NULL, NULL } } },
    { B("a=1&"), SE_FORM_OK, NULL, { { "a", "1" }, { NULL, NULL } } },
    { B("&"), SE_FORM_OK, NULL, { { NULL, NULL } } },
    { B("&&&"), SE_FORM_OK, NULL, { { NULL, NULL } } },

    /* a segment without '=' has the empty value */
    { B("a"), SE_FORM_OK, NULL, { { "a", "" }, { NULL, NULL } } },
    { B("a&b=2"), SE_FORM_OK, NULL,
      { { "a", "" }, { "b", "2" }, { NULL, NULL } } },
    { B("b=2&expireall"), SE_FORM_OK, NULL,
      { { "b", "2" }, { "expireall", "" }, { NULL, NULL } } },
    { B("a="), SE_FORM_OK, NULL, { { "a", "" }, { NULL, NULL } } },
    /* only the first '=' separates */
    { B("a=b=c"), SE_FORM_OK, NULL, { { "a", "b=c" }, { NULL, NULL } } },
    { B("a=="), SE_FORM_OK, NULL, { { "a", "=" }, { NULL, NULL } } },

    /* an empty key is skipped, with its value */
    { B("=1"), SE_FORM_OK, NULL, { { NULL, NULL } } },
    { B("="), SE_FORM_OK, NULL, { { NULL, NULL } } },
    { B("=&="), SE_FORM_OK, NULL, { { NULL, NULL } } },
    { B("=1&a=2&=3"), SE_FORM_OK, NULL, { { "a", "2" }, { NULL, NULL } } },
    /* a space is not an empty key */
    { B("+=1"), SE_FORM_OK, NULL, { { " ", "1" }, { NULL, NULL } } },

    /* raw bytes other than NUL are kept */
    { B("a=\xff\xfe\x01"), SE_FORM_OK, NULL,
      { { "a", "\xff\xfe\x01" }, { NULL, NULL } } },
    { B("a=x\r\ny"), SE_FORM_OK, NULL, { { "a", "x\r\ny" }, { NULL, NULL } } },

    /* a duplicate key fails, naming the key */
    { B("a=1&a=2"), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("a=1&a=1"), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("a=&a="), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("a&a"), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("a&a=1"), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("x=0&user=bob&y=1&user=eve"), SE_FORM_DUPLICATE, "user",
      { { NULL, NULL } } },
    /* ... compared after decoding */
    { B("a=1&%61=2"), SE_FORM_DUPLICATE, "a", { { NULL, NULL } } },
    { B("expire_id_1=1&expire%5Fid%5f1=0"), SE_FORM_DUPLICATE,
      "expire_id_1", { { NULL, NULL } } },
    { B("a+b=1&a%20b=2"), SE_FORM_DUPLICATE, "a b", { { NULL, NULL } } },

    /* a decoded NUL in a value or a key fails, naming the key up to its
     * first NUL */
    { B("a=%00"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("a=x%00y"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("b=2&password=secret%00extra"), SE_FORM_NUL, "password",
      { { NULL, NULL } } },
    { B("a%00b=1"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("%00=1"), SE_FORM_NUL, "", { { NULL, NULL } } },
    { B("%00"), SE_FORM_NUL, "", { { NULL, NULL } } },
    { B("user%00admin"), SE_FORM_NUL, "user", { { NULL, NULL } } },
    /* a raw NUL byte in the body */
    { B("a=1\0"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("a=\0&b=2"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("b=2&a=x\0y"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("a\0b=1"), SE_FORM_NUL, "a", { { NULL, NULL } } },
    { B("\0a=1"), SE_FORM_NUL, "", { { NULL, NULL } } },
    { B("a\0"), SE_FORM_NUL, "a", { { NULL, NULL } } },
};

static void check_form_case(const form_case_t *c)
{
    const char *body = exact_copy(c->body, c->len);
    apr_hash_t *args = NULL;
    const char *bad_key = NULL;
    se_form_rc rc = se_form_parse(pool, body, c->len, &args, &bad_key);
    int n;

    ck_assert_msg(rc == c->rc, "body \"%s\" (%u bytes): rc %d, expected %d",
                  c->body, (unsigned)c->len, (int)rc, (int)c->rc);
    if (rc != SE_FORM_OK) {
        ck_assert_ptr_nonnull(bad_key);
        ck_assert_str_eq(bad_key, c->bad_key);
        return;
    }
    ck_assert_ptr_nonnull(args);
    for (n = 0; n < MAX_PAIRS && c->pairs[n].key; n++) {
        const char *v = apr_hash_get(args, c->pairs[n].key,
                                     APR_HASH_KEY_STRING);

        ck_assert_msg(v != NULL, "body \"%s\": key \"%s\" missing", c->body,
                      c->pairs[n].key);
        ck_assert_msg(strcmp(v, c->pairs[n].value) == 0,
                      "body \"%s\": key \"%s\" is \"%s\", expected \"%s\"",
                      c->body, c->pairs[n].key, v, c->pairs[n].value);
    }
    ck_assert_msg(apr_hash_count(args) == (unsigned)n,
                  "body \"%s\": %u keys, expected %d", c->body,
                  apr_hash_count(args), n);
}

START_TEST(test_form_parse)
{
    check_form_case(&form_cases[_i]);
}
END_TEST

START_TEST(test_form_parse_len_honoured)
{
    /* Only the first `len` bytes are the body, whatever follows them. */
    static const char data[] = "a=1&b=2&c=3";
    apr_hash_t *args = NULL;
    const char *bad_key = NULL;

    ck_assert_int_eq(se_form_parse(pool, exact_copy(data, 7), 7, &args,
                                   &bad_key), SE_FORM_OK);
    ck_assert_uint_eq(apr_hash_count(args), 2);
    ck_assert_str_eq(apr_hash_get(args, "a", APR_HASH_KEY_STRING), "1");
    ck_assert_str_eq(apr_hash_get(args, "b", APR_HASH_KEY_STRING), "2");
    ck_assert_ptr_null(apr_hash_get(args, "c", APR_HASH_KEY_STRING));

    /* the same bytes, longer buffer: the end of `len` cuts "a=1&b=2" */
    ck_assert_int_eq(se_form_parse(pool, data, 7, &args, &bad_key),
                     SE_FORM_OK);
    ck_assert_uint_eq(apr_hash_count(args), 2);
    ck_assert_str_eq(apr_hash_get(args, "b", APR_HASH_KEY_STRING), "2");

    /* an escape cut by the end of the body is malformed: "a=%4" */
    ck_assert_int_eq(se_form_parse(pool, exact_copy("a=%41", 4), 4, &args,
                                   &bad_key), SE_FORM_OK);
    ck_assert_str_eq(apr_hash_get(args, "a", APR_HASH_KEY_STRING), "%4");
    ck_assert_int_eq(se_form_parse(pool, exact_copy("a=%41", 3), 3, &args,
                                   &bad_key), SE_FORM_OK);
    ck_assert_str_eq(apr_hash_get(args, "a", APR_HASH_KEY_STRING), "%");

    /* zero bytes of a non-empty buffer */
    ck_assert_int_eq(se_form_parse(pool, data, 0, &args, &bad_key),
                     SE_FORM_OK);
    ck_assert_uint_eq(apr_hash_count(args), 0);
}
END_TEST

START_TEST(test_form_parse_many)
{
    /* 1000 distinct keys; then one duplicate at the very end */
    enum { N = 1000 };
    char *body = apr_palloc(pool, N * 24 + 32), *p = body;
    apr_hash_t *args = NULL;
    const char *bad_key = NULL;
    int i;

    for (i = 0; i < N; i++) {
        p += apr_snprintf(p, 24, "expire_id_%d=1&", i);
    }
    ck_assert_int_eq(se_form_parse(pool, body, (apr_size_t)(p - body),
                                   &args, &bad_key), SE_FORM_OK);
    ck_assert_uint_eq(apr_hash_count(args), N);
    ck_assert_str_eq(apr_hash_get(args, "expire_id_999",
                                  APR_HASH_KEY_STRING), "1");
    p += apr_snprintf(p, 32, "expire_id_%d=0", 500);
    ck_assert_int_eq(se_form_parse(pool, body, (apr_size_t)(p - body),
                                   &args, &bad_key), SE_FORM_DUPLICATE);
    ck_assert_str_eq(bad_key, "expire_id_500");
}
END_TEST

/* ---- se_form_unescape ------------------------------------------------ */

static const struct {
    const char *in;
    apr_size_t inlen;
    const char *out;
    apr_size_t outlen;
} unescape_cases[] = {
    { B(""), B("") },
    { B("abc"), B("abc") },
    { B("+"), B(" ") },
    { B("%41"), B("A") },
    { B("%4a%4A"), B("JJ") },
    { B("%"), B("%") },
    { B("%4"), B("%4") },
    { B("%zz"), B("%zz") },
    { B("%%41"), B("%A") },
    { B("a%00b"), B("a\0b") },
    { B("%00"), B("\0") },
    { B("\0"), B("\0") },
    { B("%ff%FF"), B("\xff\xff") },
    { B("=&"), B("=&") },
};

START_TEST(test_form_unescape)
{
    apr_size_t outlen = 9999;
    const char *in = exact_copy(unescape_cases[_i].in,
                                unescape_cases[_i].inlen);
    char *out = se_form_unescape(pool, in, unescape_cases[_i].inlen, &outlen);

    ck_assert_ptr_nonnull(out);
    ck_assert_uint_eq(outlen, unescape_cases[_i].outlen);
    ck_assert_msg(memcmp(out, unescape_cases[_i].out, outlen) == 0,
                  "se_form_unescape(\"%s\") gave the wrong bytes",
                  unescape_cases[_i].in);
    ck_assert_int_eq(out[outlen], '\0');
}
END_TEST

Suite *form_suite(void)
{
    Suite *s = suite_create("form");
    TCase *tc;

    tc = tcase_create("parse");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_form_parse, 0, N_ELEMS(form_cases));
    tcase_add_test(tc, test_form_parse_len_honoured);
    tcase_add_test(tc, test_form_parse_many);
    suite_add_tcase(s, tc);

    tc = tcase_create("unescape");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_form_unescape, 0, N_ELEMS(unescape_cases));
    suite_add_tcase(s, tc);

    return s;
}
