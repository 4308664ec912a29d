/*
 * keycache.h - the period keys of c0 challenges, derived once per period
 * and thread instead of twice per request (once to make a challenge, once
 * to check it).
 *
 * A period key (se_challenge_period_key) changes once an hour, but
 * deriving it and setting up an HMAC context from it cost more than the
 * rest of getchallenge's own work.  Each thread keeps a few ready HMAC
 * contexts, each for one (site secret, period start): no locks, since no
 * thread sees another's.  A slot is found by the secret's bytes, not its
 * address, so a secret replaced in place is never signed with a stale key.
 * Keys are wiped when their slot is reused and when the thread ends.
 */
#ifndef SE_KEYCACHE_H
#define SE_KEYCACHE_H

#include "apr_pools.h"

#include "crypto.h"

#define SE_KEYCACHE_SLOTS 2         /* this period and the last, or two
                                     * virtual hosts' secrets */
#define SE_KEYCACHE_SECRET_MAX 256  /* longer secrets are not cached */

typedef struct {
    apr_size_t secret_len;          /* 0: the slot is empty */
    unsigned char secret[SE_KEYCACHE_SECRET_MAX];
    apr_int64_t stime;
    se_hmac_key_t *key;             /* the period key, ready to sign */
} se_keycache_slot_t;

typedef struct {
    se_keycache_slot_t slot[SE_KEYCACHE_SLOTS];
    int last_used;                  /* index of the slot used last */
} se_keycache_t;

/* The slot holding the key of (secret, stime), or -1. */
int se_keycache_find(const se_keycache_t *c, const unsigned char *secret,
                     apr_size_t len, apr_int64_t stime);

/* The slot to fill next: an empty one, else the least recently used. */
int se_keycache_victim(const se_keycache_t *c);

/*
 * The period key of (secret, stime) from `c`, derived into a slot (whose
 * old key is wiped) when it is not there.  NULL when the secret is longer
 * than SE_KEYCACHE_SECRET_MAX or OpenSSL fails: the caller then derives
 * the key itself.  The key belongs to `c`; it stays valid until the next
 * call on `c`.
 */
se_hmac_key_t *se_keycache_get(se_keycache_t *c, const unsigned char *secret,
                               apr_size_t len, apr_int64_t stime);

/* Wipes and frees every key in `c`, leaving it empty. */
void se_keycache_clear(se_keycache_t *c);

/*
 * Once per process, before threads start (httpd: child_init): gives each
 * thread its own cache, wiped when the thread ends or `p` is cleared.
 * Without it se_keycache_thread_get always answers NULL.
 */
apr_status_t se_keycache_init(apr_pool_t *p);

/* se_keycache_get on the calling thread's cache; NULL without one. */
se_hmac_key_t *se_keycache_thread_get(const unsigned char *secret,
                                      apr_size_t len, apr_int64_t stime);

#endif
