/*
 * fixture.h - what every unit test suite shares: a fresh APR pool per test.
 */
#ifndef SE_TEST_FIXTURE_H
#define SE_TEST_FIXTURE_H

#include "apr_pools.h"

#define N_ELEMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The current test's pool, made by pool_setup and destroyed by
 * pool_teardown (tcase_add_checked_fixture(tc, pool_setup,
 * pool_teardown)). */
extern apr_pool_t *pool;

void pool_setup(void);
void pool_teardown(void);

#endif
