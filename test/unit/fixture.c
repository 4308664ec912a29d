/*
 * fixture.c - the per-test APR pool.
 */
#include <check.h>

#include "fixture.h"

apr_pool_t *pool;

void pool_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&pool, NULL), APR_SUCCESS);
}

void pool_teardown(void)
{
    apr_pool_destroy(pool);
    pool = NULL;
}
