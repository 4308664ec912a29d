/*
 * challenge.h - c0 challenges (PROTOCOL.md section 2, getchallenge): making,
 * parsing and checking them.  Pure: the caller supplies the time, the
 * random part and the key, so all of it is unit-tested and fuzzed.
 *
 *   c0:<stime>:<s_age>:<goodfor>:<rand>:<sig>
 *
 * stime is the start of the hour the challenge was made in, s_age the
 * seconds since then, goodfor its lifetime.  sig is HMAC-SHA256, truncated
 * to 128 bits, of everything before it, under a key derived from the site
 * secret and stime: every node that shares the site secret verifies every
 * other node's challenges.
 */
#ifndef SE_CHALLENGE_H
#define SE_CHALLENGE_H

#include "apr_pools.h"

#include "crypto.h"

#define SE_CHAL_PERIOD    3600   /* seconds per secret period */
#define SE_CHAL_RAND_LEN  20
#define SE_CHAL_SIG_LEN   32     /* hex characters */
#define SE_CHAL_MAX_LEN   100    /* longer than any valid challenge */

typedef struct {
    apr_int64_t stime;
    apr_int64_t s_age;
    apr_int64_t goodfor;
    apr_size_t signed_len;       /* bytes covered by sig */
    const char *sig;             /* points into the parsed string */
} se_challenge_t;

/* The key of the secret period starting at `stime`. */
int se_challenge_period_key(const unsigned char *secret, apr_size_t len,
                            apr_int64_t stime,
                            unsigned char key[SE_HMAC_LEN]);

/* A new challenge made at `now`, good for `goodfor` seconds, with the
 * 20-character random part `rand`; NULL if OpenSSL fails. */
char *se_challenge_make(apr_pool_t *p, const unsigned char *secret,
                        apr_size_t secret_len, apr_int64_t now,
                        apr_int64_t goodfor, const char *rand);

/* 1 when `s` has the shape of a challenge (fields, lengths, alphabets). */
int se_challenge_parse(const char *s, se_challenge_t *out);

/* 1 when the signature of the parsed challenge `s` is ours. */
int se_challenge_signed(const char *s, const se_challenge_t *c,
                        const unsigned char *secret, apr_size_t secret_len);

/* 1 when the challenge is no longer valid at `now`. */
int se_challenge_expired(const se_challenge_t *c, apr_int64_t now);

/* 1 when `response` (hex, either case) is md5_hex(challenge .
 * password_md5), compared in constant time. */
int se_challenge_response_ok(apr_pool_t *p, const char *challenge,
                             const char *password_md5, const char *response);

#endif
