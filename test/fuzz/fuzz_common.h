/*
 * fuzz_common.h - what every libFuzzer target of test/fuzz shares: APR set
 * up once (LLVMFuzzerInitialize), one pool cleared after each input, and
 * FUZZ_CHECK, which aborts (so libFuzzer keeps the input as a crash) with a
 * message when an invariant does not hold.
 *
 * Each target defines fuzz_one(pool, data, size); this header defines the
 * libFuzzer entry points around it.  Build and replay: test/run-sanitizers;
 * fuzz: scripts/fuzz.
 */
#ifndef SE_FUZZ_COMMON_H
#define SE_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apr_general.h"
#include "apr_pools.h"

#define FUZZ_CHECK(cond, ...)                                              \
    do {                                                                   \
        if (!(cond)) {                                                     \
            fprintf(stderr, "\n%s:%d: invariant failed: %s\n  ", __FILE__, \
                    __LINE__, #cond);                                      \
            fprintf(stderr, __VA_ARGS__);                                  \
            fputc('\n', stderr);                                           \
            abort();                                                       \
        }                                                                  \
    } while (0)

/* `len` bytes of `data` as a NUL-terminated string in a heap block of
 * exactly len + 1 bytes (a read past its end is an ASan report), freed with
 * `p`.  Bytes after an embedded NUL are simply not seen by string code. */
static char *fuzz_cstr(apr_pool_t *p, const uint8_t *data, size_t len)
{
    char *s = apr_palloc(p, len + 1);

    memcpy(s, data, len);
    s[len] = '\0';
    return s;
}

/* The next field of `*data`/`*size` up to (not including) the byte `sep`,
 * as a NUL-terminated string; the input is consumed past the separator. */
static char *fuzz_field(apr_pool_t *p, const uint8_t **data, size_t *size,
                        uint8_t sep)
{
    const uint8_t *end = memchr(*data, sep, *size);
    size_t n = end ? (size_t)(end - *data) : *size;
    char *s = fuzz_cstr(p, *data, n);

    *data += n;
    *size -= n;
    if (end) {
        (*data)++;
        (*size)--;
    }
    return s;
}

/* Up to 8 bytes of input as an unsigned integer (little-endian), consumed. */
static uint64_t fuzz_u64(const uint8_t **data, size_t *size, size_t nbytes)
{
    uint64_t v = 0;
    size_t i;

    for (i = 0; i < nbytes && *size > 0; i++) {
        v |= (uint64_t)(*data)[0] << (8 * i);
        (*data)++;
        (*size)--;
    }
    return v;
}

static void fuzz_one(apr_pool_t *p, const uint8_t *data, size_t size);

static apr_pool_t *fuzz_pool;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (apr_initialize() != APR_SUCCESS
        || apr_pool_create(&fuzz_pool, NULL) != APR_SUCCESS) {
        fprintf(stderr, "fuzz: APR initialisation failed\n");
        abort();
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_one(fuzz_pool, data, size);
    apr_pool_clear(fuzz_pool);
    return 0;
}

#endif
