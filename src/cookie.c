/*
 * cookie.c - Cookie header and ljsession value parsing.
 */
#include <string.h>

#include "apr_strings.h"

#include "args.h"
#include "cookie.h"

static int is_blank(char c)
{
    return c == ' ' || c == '\t';
}

/* The bytes [start, end) without surrounding blanks and quotes. */
static char *trimmed(apr_pool_t *p, const char *start, const char *end)
{
    while (start < end && is_blank(*start)) {
        start++;
    }
    while (end > start && is_blank(end[-1])) {
        end--;
    }
    if (end - start >= 2 && *start == '"' && end[-1] == '"') {
        start++;
        end--;
    }
    return apr_pstrmemdup(p, start, (apr_size_t)(end - start));
}

/* 1 when [s, eq) is `name`, followed by nothing but blanks. */
static int names_cookie(const char *s, const char *eq, const char *name,
                        apr_size_t nlen)
{
    if ((apr_size_t)(eq - s) < nlen || strncmp(s, name, nlen) != 0) {
        return 0;
    }
    for (s += nlen; s < eq; s++) {
        if (!is_blank(*s)) {
            return 0;
        }
    }
    return 1;
}

/* Cookies are separated by ';'; also by ',', because httpd joins repeated
 * Cookie headers with ", " (a cookie value cannot hold a comma). */
void se_cookie_collect(apr_pool_t *p, const char *header, const char *name,
                       apr_array_header_t *values, int max)
{
    apr_size_t nlen = strlen(name);
    const char *s = header;

    while (s && *s && values->nelts < max) {
        const char *end = strpbrk(s, ";,");
        const char *stop = end ? end : s + strlen(s);
        const char *eq = memchr(s, '=', (apr_size_t)(stop - s));

        while (s < stop && is_blank(*s)) {
            s++;
        }
        if (eq && names_cookie(s, eq, name, nlen)) {
            APR_ARRAY_PUSH(values, const char *) = trimmed(p, eq + 1, stop);
        }
        s = end ? end + 1 : NULL;
    }
}

static int is_auth_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9');
}

/* The next ':'-separated field of *s, advancing *s past it; NULL at the
 * end of the string. */
static char *next_field(char **s)
{
    char *field = *s, *colon;

    if (field == NULL) {
        return NULL;
    }
    colon = strchr(field, ':');
    if (colon) {
        *colon = '\0';
        *s = colon + 1;
    }
    else {
        *s = NULL;
    }
    return field;
}

int se_ljsession_parse(apr_pool_t *p, const char *value, se_ljsession_t *out)
{
    char *rest = apr_pstrdup(p, value ? value : "");
    const char *kind = next_field(&rest), *user = next_field(&rest);
    const char *sessid = next_field(&rest), *auth = next_field(&rest);
    apr_size_t i, alen;

    /* Whatever follows the auth code is options, which we do not use. */
    if (kind == NULL || strcmp(kind, "ws") != 0 || user == NULL
        || *user == '\0' || auth == NULL
        || !se_parse_uint(sessid, SE_SESSID_MAX, &out->sessid)) {
        return 0;
    }
    alen = strlen(auth);
    if (alen == 0 || alen > SE_COOKIE_AUTH_MAX) {
        return 0;
    }
    for (i = 0; i < alen; i++) {
        if (!is_auth_char(auth[i])) {
            return 0;
        }
    }
    out->user = user;
    out->auth = auth;
    return 1;
}
