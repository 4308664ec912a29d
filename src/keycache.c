/*
 * keycache.c - period keys of c0 challenges, cached per thread.
 */
#include <stdlib.h>
#include <string.h>

#include "apr_thread_proc.h"

#include "challenge.h"
#include "keycache.h"

int se_keycache_find(const se_keycache_t *c, const unsigned char *secret,
                     apr_size_t len, apr_int64_t stime)
{
    int i;

    for (i = 0; i < SE_KEYCACHE_SLOTS; i++) {
        const se_keycache_slot_t *s = &c->slot[i];

        if (s->secret_len == len && len > 0 && s->stime == stime
            && se_mem_equal(s->secret, secret, len)) {
            return i;
        }
    }
    return -1;
}

int se_keycache_victim(const se_keycache_t *c)
{
    int i;

    for (i = 0; i < SE_KEYCACHE_SLOTS; i++) {
        if (c->slot[i].secret_len == 0) {
            return i;
        }
    }
    return (c->last_used + 1) % SE_KEYCACHE_SLOTS;
}

static void slot_clear(se_keycache_slot_t *s)
{
    se_hmac_key_free(s->key);
    se_wipe(s, sizeof(*s));
    s->key = NULL;
    s->secret_len = 0;
}

/* Derives the period key of (secret, stime) into `s`; 0 if OpenSSL
 * fails, leaving `s` empty. */
static int slot_fill(se_keycache_slot_t *s, const unsigned char *secret,
                     apr_size_t len, apr_int64_t stime)
{
    unsigned char key[SE_HMAC_LEN];

    slot_clear(s);
    if (!se_challenge_period_key(secret, len, stime, key)) {
        return 0;
    }
    s->key = se_hmac_key_new(key, sizeof(key));
    se_wipe(key, sizeof(key));
    if (s->key == NULL) {
        return 0;
    }
    memcpy(s->secret, secret, len);
    s->secret_len = len;
    s->stime = stime;
    return 1;
}

se_hmac_key_t *se_keycache_get(se_keycache_t *c, const unsigned char *secret,
                               apr_size_t len, apr_int64_t stime)
{
    int i;

    if (len == 0 || len > SE_KEYCACHE_SECRET_MAX) {
        return NULL;
    }
    i = se_keycache_find(c, secret, len, stime);
    if (i < 0) {
        i = se_keycache_victim(c);
        if (!slot_fill(&c->slot[i], secret, len, stime)) {
            return NULL;
        }
    }
    c->last_used = i;
    return c->slot[i].key;
}

void se_keycache_clear(se_keycache_t *c)
{
    int i;

    for (i = 0; i < SE_KEYCACHE_SLOTS; i++) {
        slot_clear(&c->slot[i]);
    }
    c->last_used = 0;
}

/* ---- one cache per thread ------------------------------------------- */

/* Created before threads start, deleted after they end. */
static apr_threadkey_t *thread_key;

/* Runs when a thread that had a cache ends. */
static void thread_cache_free(void *cache)
{
    se_keycache_clear(cache);
    free(cache);
}

/* The pool's clean-up: deleting the thread key runs no destructor, so the
 * calling thread's cache is freed here; other threads have ended. */
static apr_status_t forget_thread_key(void *unused)
{
    void *cache = NULL;

    if (thread_key != NULL
        && apr_threadkey_private_get(&cache, thread_key) == APR_SUCCESS
        && cache != NULL) {
        apr_threadkey_private_set(NULL, thread_key);
        thread_cache_free(cache);
    }
    thread_key = NULL;
    return APR_SUCCESS;
}

apr_status_t se_keycache_init(apr_pool_t *p)
{
    apr_status_t rv;

    if (thread_key != NULL) {
        return APR_SUCCESS;
    }
    rv = apr_threadkey_private_create(&thread_key, thread_cache_free, p);
    if (rv != APR_SUCCESS) {
        thread_key = NULL;
        return rv;
    }
    /* Registered after the key's own clean-up, so it runs before it. */
    apr_pool_cleanup_register(p, NULL, forget_thread_key,
                              apr_pool_cleanup_null);
    return APR_SUCCESS;
}

/* The calling thread's cache, made on its first use; NULL without one. */
static se_keycache_t *thread_cache(void)
{
    void *cache = NULL;

    if (thread_key == NULL
        || apr_threadkey_private_get(&cache, thread_key) != APR_SUCCESS) {
        return NULL;
    }
    if (cache == NULL) {
        cache = calloc(1, sizeof(se_keycache_t));
        if (cache != NULL
            && apr_threadkey_private_set(cache, thread_key) != APR_SUCCESS) {
            free(cache);
            cache = NULL;
        }
    }
    return cache;
}

se_hmac_key_t *se_keycache_thread_get(const unsigned char *secret,
                                      apr_size_t len, apr_int64_t stime)
{
    se_keycache_t *c = thread_cache();

    return c ? se_keycache_get(c, secret, len, stime) : NULL;
}
