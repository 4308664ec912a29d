/*
 * fuzz_response.c - src/response.c: building a flat response and rendering
 * it in both wire formats (PROTOCOL.md section 1, Response).
 *
 * The input is a flags byte, then NUL-separated fields taken as
 * key, value, key, value, ... (a missing last value is "").  Flags:
 *   1  se_resp_fail(<first value>) before the pairs are set
 *   2  se_resp_ok() after the pairs
 *   4  se_resp_fail(<last value>) after the pairs
 * A model (ordered pairs, a later set of a key replacing its value, fail
 * dropping everything else) says what the response holds; then
 *   - plain: exactly the pairs sorted by key (bytewise), CR and LF removed,
 *     as key\nvalue\n each;
 *   - urlenc: key=value& per pair, in the same order, only [A-Za-z0-9],
 *     "_,-./\:", '+' and %XX (upper-case hex) inside keys and values, and
 *     each side decodes back through se_form_unescape to the CR/LF-stripped
 *     key or value.
 */
#include "fuzz_common.h"

#include "apr_strings.h"
#include "apr_tables.h"

#include "form.h"
#include "response.h"

typedef struct {
    const char *key;
    const char *value;
} mpair_t;

static void model_set(apr_array_header_t *m, const char *key,
                      const char *value)
{
    int i;

    for (i = 0; i < m->nelts; i++) {
        if (strcmp(APR_ARRAY_IDX(m, i, mpair_t).key, key) == 0) {
            APR_ARRAY_IDX(m, i, mpair_t).value = value;
            return;
        }
    }
    APR_ARRAY_PUSH(m, mpair_t).key = key;
    APR_ARRAY_IDX(m, m->nelts - 1, mpair_t).value = value;
}

static void both_fail(se_resp_t *r, apr_array_header_t *m, const char *msg)
{
    se_resp_fail(r, msg);
    apr_array_clear(m);
    model_set(m, "success", "FAIL");
    model_set(m, "errmsg", msg);
}

static char *strip(apr_pool_t *p, const char *s)
{
    char *out = apr_palloc(p, strlen(s) + 1), *o = out;

    for (; *s; s++) {
        if (*s != '\r' && *s != '\n') {
            *o++ = *s;
        }
    }
    *o = '\0';
    return out;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(((const mpair_t *)a)->key, ((const mpair_t *)b)->key);
}

static int is_hex_upper(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* Checks one encoded side [s, s + n) and that it decodes to `want`. */
static void check_encoded(apr_pool_t *p, const char *s, size_t n,
                          const char *want)
{
    apr_size_t dlen;
    char *dec;
    size_t i;

    for (i = 0; i < n; i++) {
        char c = s[i];

        if (c == '%') {
            FUZZ_CHECK(i + 2 < n
                       && is_hex_upper(s[i + 1]) && is_hex_upper(s[i + 2]),
                       "bad escape at %lu of '%.*s'", (unsigned long)i,
                       (int)n, s);
            i += 2;
            continue;
        }
        FUZZ_CHECK((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                   || (c >= '0' && c <= '9') || c == '+'
                   || (c != '\0' && strchr("_,-./\\:", c)),
                   "byte 0x%02x left unencoded in '%.*s'", (unsigned char)c,
                   (int)n, s);
    }
    dec = se_form_unescape(p, s, n, &dlen);
    FUZZ_CHECK(dlen == strlen(want) && memcmp(dec, want, dlen) == 0,
               "'%.*s' decodes to '%s', expected '%s'", (int)n, s, dec, want);
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    se_resp_t *resp = se_resp_make(p);
    apr_array_header_t *m = apr_array_make(p, 8, sizeof(mpair_t));
    apr_array_header_t *fields = apr_array_make(p, 8, sizeof(char *));
    unsigned flags = size ? data[0] : 0;
    const uint8_t *d = size ? data + 1 : data;
    size_t n = size ? size - 1 : 0;
    char *plain, *urlenc, *expected = apr_pstrdup(p, ""), *u, *uend;
    apr_size_t plen, ulen;
    int i;

    while (n > 0) {
        APR_ARRAY_PUSH(fields, char *) = fuzz_field(p, &d, &n, '\0');
    }
    if (fields->nelts % 2) {
        APR_ARRAY_PUSH(fields, char *) = "";
    }
    if ((flags & 1) && fields->nelts) {
        both_fail(resp, m, APR_ARRAY_IDX(fields, 1, char *));
    }
    for (i = 0; i + 1 < fields->nelts; i += 2) {
        const char *k = APR_ARRAY_IDX(fields, i, char *);
        const char *v = APR_ARRAY_IDX(fields, i + 1, char *);

        se_resp_set(resp, k, v);
        model_set(m, k, v);
    }
    if (flags & 2) {
        se_resp_ok(resp);
        model_set(m, "success", "OK");
    }
    if ((flags & 4) && fields->nelts) {
        both_fail(resp, m, APR_ARRAY_IDX(fields, fields->nelts - 1, char *));
    }
    for (i = 0; i < m->nelts; i++) {
        const mpair_t *mp = &APR_ARRAY_IDX(m, i, mpair_t);
        const char *got = se_resp_get(resp, mp->key);

        FUZZ_CHECK(got && strcmp(got, mp->value) == 0,
                   "se_resp_get('%s') = '%s', expected '%s'", mp->key,
                   got ? got : "(null)", mp->value);
    }
    {
        /* A key longer than any set is absent. */
        char *absent = apr_pstrdup(p, "absent");

        for (i = 0; i < m->nelts; i++) {
            absent = apr_pstrcat(p, absent, APR_ARRAY_IDX(m, i, mpair_t).key,
                                 NULL);
        }
        FUZZ_CHECK(se_resp_get(resp, absent) == NULL,
                   "se_resp_get of a key never set is not NULL");
    }
    qsort(m->elts, (size_t)m->nelts, sizeof(mpair_t), by_key);

    /* Plain. */
    plain = se_resp_render(p, resp, 0, &plen);
    for (i = 0; i < m->nelts; i++) {
        const mpair_t *mp = &APR_ARRAY_IDX(m, i, mpair_t);

        expected = apr_pstrcat(p, expected, strip(p, mp->key), "\n",
                               strip(p, mp->value), "\n", NULL);
    }
    FUZZ_CHECK(plen == strlen(expected) && memcmp(plain, expected, plen) == 0,
               "plain response differs from the model (%lu vs %lu bytes)",
               (unsigned long)plen, (unsigned long)strlen(expected));
    FUZZ_CHECK(plain[plen] == '\0', "plain response not NUL-terminated");

    /* urlenc. */
    urlenc = se_resp_render(p, resp, 1, &ulen);
    FUZZ_CHECK(urlenc[ulen] == '\0' && strlen(urlenc) == ulen,
               "urlenc length mismatch");
    u = urlenc;
    uend = urlenc + ulen;
    for (i = 0; i < m->nelts; i++) {
        const mpair_t *mp = &APR_ARRAY_IDX(m, i, mpair_t);
        char *amp = memchr(u, '&', (size_t)(uend - u));
        char *eq;

        FUZZ_CHECK(amp != NULL, "pair %d of %d: no '&'", i, m->nelts);
        eq = memchr(u, '=', (size_t)(amp - u));
        FUZZ_CHECK(eq != NULL, "pair %d: no '='", i);
        FUZZ_CHECK(memchr(eq + 1, '=', (size_t)(amp - eq - 1)) == NULL,
                   "pair %d: two '='", i);
        check_encoded(p, u, (size_t)(eq - u), strip(p, mp->key));
        check_encoded(p, eq + 1, (size_t)(amp - eq - 1), strip(p, mp->value));
        u = amp + 1;
    }
    FUZZ_CHECK(u == uend, "%lu bytes after the last pair",
               (unsigned long)(uend - u));
}
