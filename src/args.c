/*
 * args.c - truth rule, id and version parsing (pure; unit-tested).
 */
#include "args.h"

int se_arg_true(const char *value)
{
    return value != NULL && value[0] != '\0'
        && !(value[0] == '0' && value[1] == '\0');
}

int se_parse_uint(const char *s, apr_int64_t max, apr_int64_t *out)
{
    apr_int64_t v = 0;

    if (s == NULL || *s == '\0') {
        return 0;
    }
    for (; *s; s++) {
        if (*s < '0' || *s > '9') {
            return 0;
        }
        /* Checked before multiplying, so no input can overflow. */
        if (*s - '0' > max || v > (max - (*s - '0')) / 10) {
            return 0;
        }
        v = v * 10 + (*s - '0');
    }
    *out = v;
    return 1;
}

int se_parse_ver(const char *ver)
{
    apr_int64_t v;

    if (ver == NULL || *ver == '\0') {
        return 0;
    }
    /* Any size of integer is accepted, however long: only its digits
     * matter, and every version above 1 is answered as 1. */
    if (!se_parse_uint(ver, APR_INT64_MAX, &v)) {
        const char *p = ver;

        while (*p >= '0' && *p <= '9') {
            p++;
        }
        return *p == '\0' ? 1 : -1;
    }
    return v >= 1 ? 1 : 0;
}
