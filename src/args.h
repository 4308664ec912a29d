/*
 * args.h - the protocol's rules for reading request values (pure).
 */
#ifndef SE_ARGS_H
#define SE_ARGS_H

#include "apr.h"

/* The largest session id a request may name (fits every SQL INTEGER). */
#define SE_SESSID_MAX 2147483647L

/*
 * The reference's truth rule (Perl truthiness of a form value): true when
 * present, not empty and not "0".
 */
int se_arg_true(const char *value);

/*
 * Parses a non-empty string of decimal digits no greater than `max` into
 * *out.  Returns 1 on success, 0 for anything else (signs, spaces, other
 * characters, overflow).  Leading zeros are allowed.
 */
int se_parse_uint(const char *s, apr_int64_t max, apr_int64_t *out);

/*
 * The protocol version in `ver` (NULL or "" means 0).  Versions above 1 are
 * answered as 1.  Returns -1 when `ver` is not a non-negative integer.
 */
int se_parse_ver(const char *ver);

#endif
