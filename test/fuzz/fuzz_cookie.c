/*
 * fuzz_cookie.c - se_cookie_collect on the input as a Cookie header value,
 * and se_ljsession_parse on each ljsession value found (and on the whole
 * input), each against an independent model:
 *
 *   se_cookie_collect: the header is split on ';' and ',' (httpd joins
 *   repeated Cookie headers with ", "); a segment is a cookie
 *   called `name` when the part before its first '=' is `name` once
 *   surrounding blanks (space, tab) are removed; its value is the part
 *   after the '=' without surrounding blanks, then without one pair of
 *   surrounding double quotes.  Values are appended in order until the
 *   array holds `max`.
 *
 *   se_ljsession_parse: `ws:<user>:<sessid>:<auth>[:<options>]`, user not
 *   empty, sessid 1+ decimal digits <= SE_SESSID_MAX, auth 1 to
 *   SE_COOKIE_AUTH_MAX characters of [A-Za-z0-9].
 */
#include "fuzz_common.h"

#include "apr_strings.h"
#include "apr_tables.h"

#include "args.h"
#include "cookie.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* [s, e) without surrounding blanks. */
static void trim_blanks(const char **s, const char **e)
{
    while (*s < *e && is_blank(**s)) {
        (*s)++;
    }
    while (*e > *s && is_blank((*e)[-1])) {
        (*e)--;
    }
}

static void model_collect(apr_pool_t *p, const char *header, const char *name,
                          apr_array_header_t *values, int max)
{
    const char *s = header;

    while (values->nelts < max) {
        const char *semi = strpbrk(s, ";,");
        const char *end = semi ? semi : s + strlen(s);
        const char *eq = memchr(s, '=', (size_t)(end - s));

        if (eq) {
            const char *ns = s, *ne = eq, *vs = eq + 1, *ve = end;

            trim_blanks(&ns, &ne);
            if ((size_t)(ne - ns) == strlen(name)
                && memcmp(ns, name, strlen(name)) == 0) {
                trim_blanks(&vs, &ve);
                if (ve - vs >= 2 && *vs == '"' && ve[-1] == '"') {
                    vs++;
                    ve--;
                }
                APR_ARRAY_PUSH(values, const char *) =
                    apr_pstrmemdup(p, vs, (apr_size_t)(ve - vs));
            }
        }
        if (!semi) {
            break;
        }
        s = semi + 1;
    }
}

static int model_ljsession(apr_pool_t *p, const char *value,
                           se_ljsession_t *out)
{
    char **f = apr_palloc(p, 5 * sizeof(*f));
    const char *s = value;
    int n = 0, i;
    size_t len, digits;
    apr_int64_t sessid = 0;

    /* The first four ':'-separated fields; the rest is options. */
    while (n < 4) {
        const char *colon = strchr(s, ':');

        if (colon == NULL) {
            f[n++] = apr_pstrdup(p, s);
            break;
        }
        f[n++] = apr_pstrmemdup(p, s, (apr_size_t)(colon - s));
        s = colon + 1;
    }
    if (n < 4 || strcmp(f[0], "ws") != 0 || f[1][0] == '\0') {
        return 0;
    }
    len = strlen(f[2]);
    if (len == 0 || strspn(f[2], "0123456789") != len) {
        return 0;
    }
    /* Leading zeros do not count; 2147483647 has 10 digits. */
    digits = len - strspn(f[2], "0");
    if (digits > 10) {
        return 0;
    }
    for (i = 0; f[2][i]; i++) {
        sessid = sessid * 10 + (f[2][i] - '0');
    }
    if (sessid > SE_SESSID_MAX) {
        return 0;
    }
    len = strlen(f[3]);
    if (len == 0 || len > SE_COOKIE_AUTH_MAX) {
        return 0;
    }
    for (i = 0; f[3][i]; i++) {
        char c = f[3][i];

        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9'))) {
            return 0;
        }
    }
    out->user = f[1];
    out->sessid = sessid;
    out->auth = f[3];
    return 1;
}

static void check_ljsession(apr_pool_t *p, const char *value)
{
    se_ljsession_t got, want;
    int rc, mrc;

    memset(&got, 0, sizeof(got));
    memset(&want, 0, sizeof(want));
    rc = se_ljsession_parse(p, value, &got);
    mrc = model_ljsession(p, value, &want);
    FUZZ_CHECK(rc == mrc, "se_ljsession_parse(\"%s\") = %d, model %d", value,
               rc, mrc);
    if (rc) {
        FUZZ_CHECK(strcmp(got.user, want.user) == 0
                   && got.sessid == want.sessid
                   && strcmp(got.auth, want.auth) == 0,
                   "se_ljsession_parse(\"%s\"): user '%s' sessid %lld auth "
                   "'%s', expected '%s' %lld '%s'", value, got.user,
                   (long long)got.sessid, got.auth, want.user,
                   (long long)want.sessid, want.auth);
    }
}

static void check_collect(apr_pool_t *p, const char *header, const char *name,
                          int prefill, int max)
{
    apr_array_header_t *got = apr_array_make(p, 4, sizeof(const char *));
    apr_array_header_t *want = apr_array_make(p, 4, sizeof(const char *));
    int i;

    for (i = 0; i < prefill; i++) {
        APR_ARRAY_PUSH(got, const char *) = "prefilled";
        APR_ARRAY_PUSH(want, const char *) = "prefilled";
    }
    se_cookie_collect(p, header, name, got, max);
    model_collect(p, header, name, want, max);
    FUZZ_CHECK(got->nelts <= (max > prefill ? max : prefill),
               "%d values collected, max %d", got->nelts, max);
    FUZZ_CHECK(got->nelts == want->nelts,
               "name '%s', max %d: %d values collected, model %d", name, max,
               got->nelts, want->nelts);
    for (i = 0; i < got->nelts; i++) {
        const char *g = APR_ARRAY_IDX(got, i, const char *);
        const char *w = APR_ARRAY_IDX(want, i, const char *);

        FUZZ_CHECK(strcmp(g, w) == 0, "value %d is '%s', model '%s'", i, g,
                   w);
        FUZZ_CHECK(strpbrk(g, ";,") == NULL, "value %d has a ';' or ','", i);
    }
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *header = fuzz_cstr(p, data, size);
    apr_array_header_t *values = apr_array_make(p, 4, sizeof(const char *));
    int i;

    check_collect(p, header, "ljsession", 0, SE_COOKIE_MAX_TRIED);
    check_collect(p, header, "ljsession", 1, 3);
    check_collect(p, header, "ljloggedin", 0, 2);

    se_cookie_collect(p, header, "ljsession", values, SE_COOKIE_MAX_TRIED);
    for (i = 0; i < values->nelts; i++) {
        check_ljsession(p, APR_ARRAY_IDX(values, i, const char *));
    }
    check_ljsession(p, header);
    {
        se_ljsession_t out;

        FUZZ_CHECK(se_ljsession_parse(p, NULL, &out) == 0,
                   "NULL parsed as a session");
    }
}
