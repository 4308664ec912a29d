/*
 * fuzz_form.c - se_form_parse (the flat request body decoder) on arbitrary
 * bytes, against an independent model of PROTOCOL.md section 1:
 *
 *   - segments split on '&'; key up to the first '=', no '=' is the empty
 *     value; '+' is a space, %XX (either case) that byte, any other '%'
 *     stays; keys decoded like values; empty decoded keys are skipped;
 *   - the first segment (in order) whose decoded key or value holds a NUL
 *     is SE_FORM_NUL, the first repeated key SE_FORM_DUPLICATE, with
 *     *bad_key that key (up to its first NUL);
 *   - otherwise SE_FORM_OK with exactly the model's pairs, every key and
 *     value NUL-free.
 *
 * Then the pairs are put in a response and rendered: the plain format must
 * be exactly the pairs sorted by key, CR and LF removed, as key\nvalue\n
 * (so no CR/LF inside a key or value and exactly two newlines per pair);
 * the urlenc format must decode back, through se_form_parse, to the same
 * CR/LF-stripped pairs.
 *
 * The body is the fuzzer's buffer itself: exactly `size` bytes, no NUL
 * after it, so a read past the end is an ASan report.
 */
#include <sys/uio.h>

#include "fuzz_common.h"

#include "apr_hash.h"
#include "apr_strings.h"

#include "form.h"
#include "response.h"

typedef struct {
    const char *key;            /* decoded, NUL-free */
    apr_size_t klen;
    const char *value;
    apr_size_t vlen;
} mpair_t;

static int hexval(unsigned char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    c |= 0x20;
    return (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
}

/* The model's percent-decoder. */
static char *model_unescape(apr_pool_t *p, const uint8_t *s, size_t n,
                            size_t *outlen)
{
    char *out = apr_palloc(p, n + 1);
    size_t i, o = 0;

    for (i = 0; i < n; i++) {
        if (s[i] == '+') {
            out[o++] = ' ';
        }
        else if (s[i] == '%' && n - i >= 3 && hexval(s[i + 1]) >= 0
                 && hexval(s[i + 2]) >= 0) {
            out[o++] = (char)(hexval(s[i + 1]) << 4 | hexval(s[i + 2]));
            i += 2;
        }
        else {
            out[o++] = (char)s[i];
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* Runs the model over the body: the expected return code, *bad the
 * expected bad key, and the expected pairs in input order. */
static se_form_rc model_parse(apr_pool_t *p, const uint8_t *data, size_t size,
                              apr_array_header_t *pairs, const char **bad)
{
    apr_hash_t *seen = apr_hash_make(p);
    size_t start = 0;

    while (start < size) {
        const uint8_t *amp = memchr(data + start, '&', size - start);
        size_t end = amp ? (size_t)(amp - data) : size;
        const uint8_t *seg = data + start;
        size_t seglen = end - start;
        const uint8_t *eq = memchr(seg, '=', seglen);
        size_t kraw = eq ? (size_t)(eq - seg) : seglen;
        mpair_t m;

        start = end + 1;
        m.key = model_unescape(p, seg, kraw, &m.klen);
        if (m.klen == 0) {
            continue;
        }
        if (eq) {
            m.value = model_unescape(p, eq + 1, seglen - kraw - 1, &m.vlen);
        }
        else {
            m.value = "";
            m.vlen = 0;
        }
        if (memchr(m.key, '\0', m.klen) || memchr(m.value, '\0', m.vlen)) {
            *bad = m.key;
            return SE_FORM_NUL;
        }
        if (apr_hash_get(seen, m.key, (apr_ssize_t)m.klen)) {
            *bad = m.key;
            return SE_FORM_DUPLICATE;
        }
        apr_hash_set(seen, m.key, (apr_ssize_t)m.klen, m.value);
        APR_ARRAY_PUSH(pairs, mpair_t) = m;
    }
    return SE_FORM_OK;
}

static char *strip_crlf(apr_pool_t *p, const char *s)
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

static void check_render(apr_pool_t *p, apr_array_header_t *pairs)
{
    se_resp_t *resp = se_resp_make(p);
    apr_array_header_t *sorted = apr_array_copy(p, pairs);
    apr_hash_t *stripped = apr_hash_make(p);
    apr_hash_t *back;
    struct iovec *vec;
    char *plain, *urlenc, *expected;
    const char *bad = NULL;
    apr_size_t plen, ulen, elen;
    int i, newlines = 0, dup = 0;
    se_form_rc rc;

    for (i = 0; i < pairs->nelts; i++) {
        const mpair_t *m = &APR_ARRAY_IDX(pairs, i, mpair_t);

        se_resp_set(resp, m->key, m->value);
    }
    for (i = 0; i < pairs->nelts; i++) {
        const mpair_t *m = &APR_ARRAY_IDX(pairs, i, mpair_t);
        const char *got = se_resp_get(resp, m->key);

        FUZZ_CHECK(got && strcmp(got, m->value) == 0,
                   "se_resp_get(%s) lost the value", m->key);
    }

    /* Plain: exactly the sorted, stripped pairs. */
    plain = se_resp_render(p, resp, 0, &plen);
    qsort(sorted->elts, (size_t)sorted->nelts, sizeof(mpair_t), by_key);
    vec = apr_palloc(p, sizeof(*vec) * (size_t)(4 * sorted->nelts + 1));
    for (i = 0; i < sorted->nelts; i++) {
        const mpair_t *m = &APR_ARRAY_IDX(sorted, i, mpair_t);
        char *k = strip_crlf(p, m->key), *v = strip_crlf(p, m->value);

        vec[4 * i].iov_base = k;
        vec[4 * i].iov_len = strlen(k);
        vec[4 * i + 1].iov_base = (char *)"\n";
        vec[4 * i + 1].iov_len = 1;
        vec[4 * i + 2].iov_base = v;
        vec[4 * i + 2].iov_len = strlen(v);
        vec[4 * i + 3].iov_base = (char *)"\n";
        vec[4 * i + 3].iov_len = 1;
    }
    expected = apr_pstrcatv(p, vec, (apr_size_t)(4 * sorted->nelts), &elen);
    for (i = 0; i < (int)plen; i++) {
        newlines += plain[i] == '\n';
        FUZZ_CHECK(plain[i] != '\r', "CR at offset %d of the plain response",
                   i);
    }
    FUZZ_CHECK(newlines == 2 * pairs->nelts,
               "%d newlines in the response for %d pairs", newlines,
               pairs->nelts);
    FUZZ_CHECK(plen == elen && memcmp(plain, expected, plen) == 0,
               "plain response (%lu bytes) is not the sorted stripped pairs "
               "(%lu bytes)", (unsigned long)plen, (unsigned long)elen);
    FUZZ_CHECK(strlen(plain) == plen, "length mismatch");

    /* urlenc: decodes back to the stripped pairs (an empty stripped key is
     * skipped by the decoder; two keys equal once stripped collide). */
    urlenc = se_resp_render(p, resp, 1, &ulen);
    FUZZ_CHECK(strlen(urlenc) == ulen, "urlenc length mismatch");
    FUZZ_CHECK(memchr(urlenc, '\r', ulen) == NULL
               && memchr(urlenc, '\n', ulen) == NULL
               && memchr(urlenc, ' ', ulen) == NULL,
               "raw CR, LF or space in the urlenc response");
    for (i = 0; i < pairs->nelts; i++) {
        const mpair_t *m = &APR_ARRAY_IDX(pairs, i, mpair_t);
        char *k = strip_crlf(p, m->key);

        if (*k == '\0') {
            continue;
        }
        if (apr_hash_get(stripped, k, APR_HASH_KEY_STRING)) {
            dup = 1;
        }
        apr_hash_set(stripped, k, APR_HASH_KEY_STRING,
                     strip_crlf(p, m->value));
    }
    rc = se_form_parse(p, urlenc, ulen, &back, &bad);
    if (dup) {
        FUZZ_CHECK(rc == SE_FORM_DUPLICATE,
                   "urlenc response with colliding keys decoded with rc %d",
                   rc);
        return;
    }
    FUZZ_CHECK(rc == SE_FORM_OK, "urlenc response does not decode (rc %d, "
               "key %s)", rc, bad ? bad : "(null)");
    FUZZ_CHECK(apr_hash_count(back) == apr_hash_count(stripped),
               "urlenc response decodes to %u pairs, expected %u",
               apr_hash_count(back), apr_hash_count(stripped));
    {
        apr_hash_index_t *hi;

        for (hi = apr_hash_first(p, stripped); hi; hi = apr_hash_next(hi)) {
            const void *k;
            void *v;
            const char *got;

            apr_hash_this(hi, &k, NULL, &v);
            got = apr_hash_get(back, k, APR_HASH_KEY_STRING);
            FUZZ_CHECK(got && strcmp(got, v) == 0,
                       "urlenc round trip changed the value of %s",
                       (const char *)k);
        }
    }
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    apr_hash_t *args = NULL;
    const char *bad = NULL, *mbad = NULL;
    apr_array_header_t *pairs = apr_array_make(p, 16, sizeof(mpair_t));
    se_form_rc rc, mrc;
    apr_hash_index_t *hi;
    int i;

    rc = se_form_parse(p, (const char *)data, size, &args, &bad);
    mrc = model_parse(p, data, size, pairs, &mbad);

    FUZZ_CHECK(rc == mrc, "se_form_parse returned %d, the model %d", rc, mrc);
    if (rc != SE_FORM_OK) {
        FUZZ_CHECK(bad != NULL && strcmp(bad, mbad) == 0,
                   "bad key '%s', expected '%s'", bad ? bad : "(null)", mbad);
        return;
    }
    FUZZ_CHECK(args != NULL, "no hash");
    FUZZ_CHECK((int)apr_hash_count(args) == pairs->nelts,
               "%u pairs decoded, the model has %d", apr_hash_count(args),
               pairs->nelts);
    for (i = 0; i < pairs->nelts; i++) {
        const mpair_t *m = &APR_ARRAY_IDX(pairs, i, mpair_t);
        const char *v = apr_hash_get(args, m->key, (apr_ssize_t)m->klen);

        FUZZ_CHECK(v != NULL, "key '%s' missing", m->key);
        FUZZ_CHECK(strlen(v) == m->vlen && memcmp(v, m->value, m->vlen) == 0,
                   "key '%s': value '%s', expected '%s'", m->key, v,
                   m->value);
    }
    for (hi = apr_hash_first(p, args); hi; hi = apr_hash_next(hi)) {
        const void *k;
        apr_ssize_t klen;
        void *v;

        apr_hash_this(hi, &k, &klen, &v);
        FUZZ_CHECK(klen > 0 && strlen(k) == (size_t)klen,
                   "key with a NUL or empty (klen %ld)", (long)klen);
        FUZZ_CHECK(v != NULL, "NULL value");
    }
    check_render(p, pairs);
}
