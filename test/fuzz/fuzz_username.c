/*
 * fuzz_username.c - se_username_canonical (PROTOCOL.md section 2,
 * Authentication) against a model: surrounding ASCII whitespace trimmed,
 * then 1 to 25 characters of [A-Za-z0-9_-], lowercased, '-' as '_';
 * anything else is no user name (NULL).  Every result must match
 * [a-z0-9_]{1,25} and be its own canonical form (idempotence).
 */
#include "fuzz_common.h"

#include "username.h"

static int is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'
        || c == '\v';
}

/* The canonical form into `out` (26 bytes), or 0. */
static int model(const char *raw, char *out)
{
    size_t start = 0, end = strlen(raw), i;

    while (start < end && is_space(raw[start])) {
        start++;
    }
    while (end > start && is_space(raw[end - 1])) {
        end--;
    }
    if (end == start || end - start > 25) {
        return 0;
    }
    for (i = start; i < end; i++) {
        char c = raw[i];

        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        else if (c == '-') {
            c = '_';
        }
        else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                   || c == '_')) {
            return 0;
        }
        out[i - start] = c;
    }
    out[end - start] = '\0';
    return 1;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *raw = fuzz_cstr(p, data, size);
    char want[SE_USERNAME_MAX + 1];
    char *got = se_username_canonical(p, raw), *again;
    size_t len;
    int ok = model(raw, want);

    FUZZ_CHECK((got != NULL) == ok, "se_username_canonical('%s') = %s%s%s, "
               "model %s", raw, got ? "'" : "", got ? got : "NULL",
               got ? "'" : "", ok ? want : "NULL");
    FUZZ_CHECK(se_username_canonical(p, NULL) == NULL, "NULL canonicalised");
    if (got == NULL) {
        return;
    }
    FUZZ_CHECK(strcmp(got, want) == 0, "'%s' canonicalised to '%s', model "
               "'%s'", raw, got, want);
    len = strlen(got);
    FUZZ_CHECK(len >= 1 && len <= SE_USERNAME_MAX
               && strspn(got, "abcdefghijklmnopqrstuvwxyz0123456789_") == len,
               "'%s' is not [a-z0-9_]{1,25}", got);
    again = se_username_canonical(p, got);
    FUZZ_CHECK(again != NULL && strcmp(again, got) == 0,
               "not idempotent: '%s' -> '%s'", got, again ? again : "NULL");
}
