/*
 * username.c - user name canonicalisation (pure; unit-tested and fuzzed).
 */
#include <string.h>

#include "apr_lib.h"

#include "username.h"

/* The ASCII whitespace the reference servers trimmed (Perl's \s). */
static int is_ascii_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
        || c == '\v';
}

static int is_user_char(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

char *se_username_canonical(apr_pool_t *p, const char *raw)
{
    const char *start, *end;
    apr_size_t len, i;
    char *out;

    if (raw == NULL) {
        return NULL;
    }
    start = raw;
    end = raw + strlen(raw);
    while (start < end && is_ascii_space(*start)) {
        start++;
    }
    while (end > start && is_ascii_space(end[-1])) {
        end--;
    }
    len = (apr_size_t)(end - start);
    if (len == 0 || len > SE_USERNAME_MAX) {
        return NULL;
    }
    out = apr_palloc(p, len + 1);
    for (i = 0; i < len; i++) {
        char c = start[i];

        if (!is_user_char(c)) {
            return NULL;
        }
        out[i] = (c == '-') ? '_' : (char)apr_tolower(c);
    }
    out[len] = '\0';
    return out;
}
