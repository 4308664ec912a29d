/*
 * form.c - decoding of application/x-www-form-urlencoded bodies, as liberal
 * as the clients written for the reference servers need.
 */
#include <string.h>

#include "form.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

char *se_form_unescape(apr_pool_t *p, const char *in, apr_size_t len,
                       apr_size_t *outlen)
{
    char *out = apr_palloc(p, len + 1);
    apr_size_t i = 0, o = 0;

    while (i < len) {
        char c = in[i];

        if (c == '+') {
            out[o++] = ' ';
            i++;
        }
        else if (c == '%' && i + 2 < len
                 && hex_value(in[i + 1]) >= 0 && hex_value(in[i + 2]) >= 0) {
            out[o++] = (char)(hex_value(in[i + 1]) * 16 + hex_value(in[i + 2]));
            i += 3;
        }
        else {
            out[o++] = c;
            i++;
        }
    }
    out[o] = '\0';
    *outlen = o;
    return out;
}

/* Decodes one `key[=value]` segment and adds it; see se_form_parse. */
static se_form_rc add_segment(apr_pool_t *p, apr_hash_t *args,
                              const char *seg, apr_size_t len,
                              const char **bad_key)
{
    const char *eq = memchr(seg, '=', len);
    apr_size_t klen_raw = eq ? (apr_size_t)(eq - seg) : len;
    apr_size_t klen, vlen;
    char *key;
    const char *value;

    key = se_form_unescape(p, seg, klen_raw, &klen);
    if (klen == 0) {
        return SE_FORM_OK;
    }
    if (eq) {
        value = se_form_unescape(p, eq + 1, len - klen_raw - 1, &vlen);
    }
    else {
        value = "";
        vlen = 0;
    }
    *bad_key = key;
    if (strlen(key) != klen || strlen(value) != vlen) {
        return SE_FORM_NUL;
    }
    if (apr_hash_get(args, key, (apr_ssize_t)klen) != NULL) {
        return SE_FORM_DUPLICATE;
    }
    apr_hash_set(args, key, (apr_ssize_t)klen, value);
    return SE_FORM_OK;
}

se_form_rc se_form_parse(apr_pool_t *p, const char *body, apr_size_t len,
                         apr_hash_t **args, const char **bad_key)
{
    apr_hash_t *h = apr_hash_make(p);
    const char *end = body + len;

    *args = h;
    while (body < end) {
        const char *amp = memchr(body, '&', (apr_size_t)(end - body));
        const char *seg_end = amp ? amp : end;
        se_form_rc rc = add_segment(p, h, body, (apr_size_t)(seg_end - body),
                                    bad_key);

        if (rc != SE_FORM_OK) {
            return rc;
        }
        body = amp ? amp + 1 : end;
    }
    return SE_FORM_OK;
}
