/*
 * check_main.c - runs every unit-test suite; exits non-zero on any failure.
 */
#include <stdlib.h>

#include "apr_general.h"

#include "suites.h"

int main(void)
{
    SRunner *sr;
    int failed;

    if (apr_initialize() != APR_SUCCESS) {
        return EXIT_FAILURE;
    }
    sr = srunner_create(args_suite());
    srunner_add_suite(sr, challenge_suite());
    srunner_add_suite(sr, cookie_suite());
    srunner_add_suite(sr, crypto_suite());
    srunner_add_suite(sr, form_suite());
    srunner_add_suite(sr, keycache_suite());
    srunner_add_suite(sr, purge_suite());
    srunner_add_suite(sr, response_suite());
    srunner_add_suite(sr, sql_suite());
    srunner_add_suite(sr, username_suite());

    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    apr_terminate();
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
