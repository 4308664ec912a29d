/*
 * fuzz_args.c - src/args.c: se_parse_uint, se_parse_ver, se_arg_true.
 *
 *   se_parse_uint(s, max): for several maxima, succeeds exactly when s is
 *   1+ ASCII digits whose value (strtoll, no overflow) is <= max, and then
 *   gives that value; on failure *out is left alone.
 *   se_parse_ver: NULL or "" is 0; all digits: 0 when the value is 0, else
 *   1 (however long the number); anything else -1.
 *   se_arg_true: Perl truth of a form value: present, not "", not "0".
 *
 * The input is one string (up to a NUL byte).
 */
#include "fuzz_common.h"

#include <errno.h>

#include "args.h"

static const apr_int64_t maxima[] = {
    0, 1, 9, 10, 99, 100, 255, 65535, 999999999999LL, SE_SESSID_MAX,
    2147483648LL, APR_INT64_MAX / 10, APR_INT64_MAX - 7, APR_INT64_MAX
};

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size)
{
    char *s = fuzz_cstr(p, data, size);
    size_t len = strlen(s);
    int digits = len > 0 && strspn(s, "0123456789") == len;
    long long ref = 0;
    int overflow = 0, ver, want_ver;
    size_t i;

    if (digits) {
        errno = 0;
        ref = strtoll(s, NULL, 10);
        overflow = errno == ERANGE;
    }
    for (i = 0; i < sizeof(maxima) / sizeof(maxima[0]); i++) {
        apr_int64_t out = -12345;
        int ok = se_parse_uint(s, maxima[i], &out);
        int want = digits && !overflow && ref <= maxima[i];

        FUZZ_CHECK(ok == want, "se_parse_uint('%s', %lld) = %d, expected %d",
                   s, (long long)maxima[i], ok, want);
        if (ok) {
            FUZZ_CHECK(out == ref && out >= 0 && out <= maxima[i],
                       "se_parse_uint('%s', %lld) gave %lld, strtoll %lld",
                       s, (long long)maxima[i], (long long)out, ref);
        }
        else {
            FUZZ_CHECK(out == -12345, "se_parse_uint('%s') failed but wrote "
                       "%lld", s, (long long)out);
        }
    }
    {
        apr_int64_t out;

        FUZZ_CHECK(se_parse_uint(NULL, APR_INT64_MAX, &out) == 0,
                   "NULL parsed");
    }

    ver = se_parse_ver(s);
    if (len == 0) {
        want_ver = 0;
    }
    else if (!digits) {
        want_ver = -1;
    }
    else {
        want_ver = strspn(s, "0") == len ? 0 : 1;
    }
    FUZZ_CHECK(ver == want_ver, "se_parse_ver('%s') = %d, expected %d", s,
               ver, want_ver);
    FUZZ_CHECK(se_parse_ver(NULL) == 0, "se_parse_ver(NULL) != 0");

    FUZZ_CHECK(se_arg_true(s) == (len > 0 && strcmp(s, "0") != 0),
               "se_arg_true('%s') = %d", s, se_arg_true(s));
    FUZZ_CHECK(se_arg_true(NULL) == 0, "se_arg_true(NULL)");
}
