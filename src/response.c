/*
 * response.c - building and serialising flat responses.
 */
#include <stdlib.h>
#include <string.h>

#include "apr_strings.h"

#include "response.h"

typedef struct {
    const char *key;
    const char *value;
} pair_t;

struct se_resp {
    apr_pool_t *pool;
    apr_array_header_t *pairs;      /* of pair_t, unsorted, keys unique */
};

se_resp_t *se_resp_make(apr_pool_t *p)
{
    se_resp_t *resp = apr_palloc(p, sizeof(*resp));

    resp->pool = p;
    resp->pairs = apr_array_make(p, 8, sizeof(pair_t));
    return resp;
}

static pair_t *find_pair(const se_resp_t *resp, const char *key)
{
    int i;

    for (i = 0; i < resp->pairs->nelts; i++) {
        pair_t *pair = &APR_ARRAY_IDX(resp->pairs, i, pair_t);

        if (strcmp(pair->key, key) == 0) {
            return pair;
        }
    }
    return NULL;
}

void se_resp_set(se_resp_t *resp, const char *key, const char *value)
{
    pair_t *pair = find_pair(resp, key);

    if (pair == NULL) {
        pair = apr_array_push(resp->pairs);
        pair->key = apr_pstrdup(resp->pool, key);
    }
    pair->value = apr_pstrdup(resp->pool, value);
}

const char *se_resp_get(const se_resp_t *resp, const char *key)
{
    const pair_t *pair = find_pair(resp, key);

    return pair ? pair->value : NULL;
}

void se_resp_ok(se_resp_t *resp)
{
    se_resp_set(resp, "success", "OK");
}

void se_resp_fail(se_resp_t *resp, const char *errmsg)
{
    apr_array_clear(resp->pairs);
    se_resp_set(resp, "success", "FAIL");
    se_resp_set(resp, "errmsg", errmsg);
}

static int compare_pairs(const void *a, const void *b)
{
    /* strcmp compares as unsigned char: a bytewise order. */
    return strcmp(((const pair_t *)a)->key, ((const pair_t *)b)->key);
}

/* Appends `s` without CR and LF; returns the new end. */
static char *put_plain(char *out, const char *s)
{
    for (; *s; s++) {
        if (*s != '\r' && *s != '\n') {
            *out++ = *s;
        }
    }
    return out;
}

/* The characters the reference's URL encoder left alone. */
static int is_url_safe(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || strchr("_,-./\\:", c) != NULL;
}

/* Appends `s` URL-encoded, without CR and LF; returns the new end. */
static char *put_urlenc(char *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";

    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;

        if (c == '\r' || c == '\n') {
            continue;
        }
        if (c == ' ') {
            *out++ = '+';
        }
        else if (is_url_safe(c)) {
            *out++ = (char)c;
        }
        else {
            *out++ = '%';
            *out++ = hex[c >> 4];
            *out++ = hex[c & 0x0f];
        }
    }
    return out;
}

char *se_resp_render(apr_pool_t *p, const se_resp_t *resp, int urlenc,
                     apr_size_t *len)
{
    apr_array_header_t *sorted = apr_array_copy(p, resp->pairs);
    apr_size_t cap = 1;
    char *buf, *out;
    int i;

    qsort(sorted->elts, (size_t)sorted->nelts, sizeof(pair_t), compare_pairs);
    /* Worst case: every byte percent-encoded (3x) plus two separators. */
    for (i = 0; i < sorted->nelts; i++) {
        const pair_t *pair = &APR_ARRAY_IDX(sorted, i, pair_t);

        cap += 3 * (strlen(pair->key) + strlen(pair->value)) + 2;
    }
    buf = out = apr_palloc(p, cap);
    for (i = 0; i < sorted->nelts; i++) {
        const pair_t *pair = &APR_ARRAY_IDX(sorted, i, pair_t);

        if (urlenc) {
            out = put_urlenc(out, pair->key);
            *out++ = '=';
            out = put_urlenc(out, pair->value);
            *out++ = '&';
        }
        else {
            out = put_plain(out, pair->key);
            *out++ = '\n';
            out = put_plain(out, pair->value);
            *out++ = '\n';
        }
    }
    *out = '\0';
    *len = (apr_size_t)(out - buf);
    return buf;
}
