/*
 * suites.h - the Check suites of the unit tests of libsecore's pure pieces.
 */
#ifndef SE_TEST_SUITES_H
#define SE_TEST_SUITES_H

#include <check.h>

Suite *args_suite(void);
Suite *challenge_suite(void);
Suite *cookie_suite(void);
Suite *crypto_suite(void);
Suite *form_suite(void);
Suite *keycache_suite(void);
Suite *purge_suite(void);
Suite *response_suite(void);
Suite *sql_suite(void);
Suite *username_suite(void);

#endif
