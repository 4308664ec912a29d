/*
 * exact_palloc.c - makes APR pool allocations visible to AddressSanitizer.
 *
 * An APR pool hands out pieces of 8 KiB blocks: a write one byte past an
 * apr_palloc()'d buffer lands in the next piece, and ASan sees nothing.
 * Linked into a sanitizer build (the fuzz targets and the ASan build of the
 * unit tests, see test/run-sanitizers), this file replaces apr_palloc() and
 * apr_pcalloc() with one malloc() of exactly the size asked for, so that
 * every overflow of a pool buffer is a heap-buffer-overflow, and frees those
 * blocks when their pool (or an ancestor) is cleared or destroyed, so that a
 * use after apr_pool_clear() is a heap-use-after-free.
 *
 * How it takes effect: the executable is linked with -rdynamic, so these
 * definitions come first in symbol lookup, also for libapr's own calls
 * (apr_pstrdup, apr_array_push, apr_hash_set, cleanups...), which go
 * through its PLT.  apr_psprintf() and friends write into the pool's memory
 * directly and stay as they are.  apr_pool_clear() and apr_pool_destroy()
 * are wrapped (the real ones are found with dlsym(RTLD_NEXT)).
 *
 * Single-threaded users only (libFuzzer, Check with CK_FORK=no).
 * SE_EXACT_PALLOC=0 in the environment turns it off (plain pool memory).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apr_pools.h"

typedef struct {
    void *mem;
    apr_pool_t *owner;
} block_t;

static block_t *blocks;
static size_t nblocks, capblocks;
static int mode = -1;           /* -1 unknown, 0 off, 1 on */

typedef void (*pool_fn)(apr_pool_t *);
typedef void *(*palloc_fn)(apr_pool_t *, apr_size_t);

static void *real_sym(const char *name)
{
    void *sym = dlsym(RTLD_NEXT, name);

    if (sym == NULL) {
        fprintf(stderr, "exact_palloc: dlsym(%s): %s\n", name, dlerror());
        abort();
    }
    return sym;
}

static int enabled(void)
{
    if (mode < 0) {
        const char *env = getenv("SE_EXACT_PALLOC");

        mode = !(env && strcmp(env, "0") == 0);
    }
    return mode;
}

#undef apr_palloc
void *apr_palloc(apr_pool_t *p, apr_size_t size)
{
    static palloc_fn real;
    void *mem;

    if (!enabled()) {
        if (real == NULL) {
            real = (palloc_fn)real_sym("apr_palloc");
        }
        return real(p, size);
    }
    if (nblocks == capblocks) {
        size_t cap = capblocks ? 2 * capblocks : 1024;
        block_t *grown = realloc(blocks, cap * sizeof(*grown));

        if (grown == NULL) {
            abort();
        }
        blocks = grown;
        capblocks = cap;
    }
    /* malloc(0) is a unique pointer with no accessible byte. */
    mem = malloc(size);
    if (mem == NULL && size != 0) {
        abort();
    }
    blocks[nblocks].mem = mem;
    blocks[nblocks].owner = p;
    nblocks++;
    return mem;
}

#undef apr_pcalloc
void *apr_pcalloc(apr_pool_t *p, apr_size_t size)
{
    void *mem = apr_palloc(p, size);

    memset(mem, 0, size);
    return mem;
}

/* Moves the blocks of `p` and of its descendants out of the table (before
 * the pool goes: apr_pool_is_ancestor reads the pools). */
static block_t *take_blocks(apr_pool_t *p, size_t *n)
{
    block_t *taken = NULL;
    size_t i, kept = 0, ntaken = 0;

    for (i = 0; i < nblocks; i++) {
        if (blocks[i].owner == p || apr_pool_is_ancestor(p, blocks[i].owner)) {
            if (taken == NULL) {
                taken = malloc((nblocks - i) * sizeof(*taken));
                if (taken == NULL) {
                    abort();
                }
            }
            taken[ntaken++] = blocks[i];
        }
        else {
            blocks[kept++] = blocks[i];
        }
    }
    nblocks = kept;
    *n = ntaken;
    return taken;
}

/* Frees the taken blocks, and any block allocated from `p` while it was
 * being cleared (by a cleanup): owner compared by address only. */
static void free_blocks(apr_pool_t *p, block_t *taken, size_t n)
{
    size_t i, kept = 0;

    for (i = 0; i < n; i++) {
        free(taken[i].mem);
    }
    free(taken);
    for (i = 0; i < nblocks; i++) {
        if (blocks[i].owner == p) {
            free(blocks[i].mem);
        }
        else {
            blocks[kept++] = blocks[i];
        }
    }
    nblocks = kept;
}

void apr_pool_clear(apr_pool_t *p)
{
    static pool_fn real;
    block_t *taken = NULL;
    size_t n = 0;

    if (real == NULL) {
        real = (pool_fn)real_sym("apr_pool_clear");
    }
    if (enabled()) {
        taken = take_blocks(p, &n);
    }
    real(p);
    if (enabled()) {
        free_blocks(p, taken, n);
    }
}

void apr_pool_destroy(apr_pool_t *p)
{
    static pool_fn real;
    block_t *taken = NULL;
    size_t n = 0;

    if (real == NULL) {
        real = (pool_fn)real_sym("apr_pool_destroy");
    }
    if (enabled()) {
        taken = take_blocks(p, &n);
    }
    real(p);
    if (enabled()) {
        free_blocks(p, taken, n);
    }
}
