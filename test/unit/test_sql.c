/*
 * test_sql.c - the statement tables, se_sql_find, se_sql_count_params and
 * se_sql_schema.
 */
#include <string.h>
#include <strings.h>

#include "apr_general.h"
#include "apr_pools.h"
#include "apr_strings.h"

#include "sql.h"
#include "fixture.h"
#include "suites.h"

static void check_stmt(const se_sql_stmt *st)
{
    ck_assert_ptr_nonnull(st->name);
    ck_assert_ptr_nonnull(st->label);
    ck_assert_ptr_nonnull(st->sql);
    ck_assert_msg(st->name[0] != '\0' && st->label[0] != '\0'
                  && st->sql[0] != '\0', "empty field in %s", st->name);
    ck_assert_msg(se_sql_count_params(st->sql) == st->nparams,
                  "%s: %d placeholders in \"%s\", nparams %d", st->name,
                  se_sql_count_params(st->sql), st->sql, st->nparams);
    if (st->mysql_sql != NULL) {
        ck_assert_msg(se_sql_count_params(st->mysql_sql) == st->nparams,
                      "%s: %d placeholders in MySQL's \"%s\", nparams %d",
                      st->name, se_sql_count_params(st->mysql_sql),
                      st->mysql_sql, st->nparams);
    }
}

START_TEST(test_module_stmt_params)
{
    check_stmt(&se_sql_module[_i]);
}
END_TEST

START_TEST(test_admin_stmt_params)
{
    check_stmt(&se_sql_admin[_i]);
}
END_TEST

/* Expected parameter counts, as the statement table documents them. */
START_TEST(test_documented_params)
{
    ck_assert_int_eq(se_sql_module[SE_SQL_USER_LOOKUP].nparams, 1);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSID_BUMP].nparams, 1);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSID_READ].nparams, 1);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSION_INSERT].nparams, 7);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSION_PURGE].nparams, 2);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSION_DELETE_ALL].nparams, 1);
    ck_assert_int_eq(se_sql_module[SE_SQL_SESSION_DELETE].nparams, 2);
    ck_assert_int_eq(se_sql_admin[SE_ADMIN_USER_ADD].nparams, 2);
    ck_assert_int_eq(se_sql_admin[SE_ADMIN_USER_PASSWD].nparams, 2);
    ck_assert_int_eq(se_sql_admin[SE_ADMIN_USER_STATUS].nparams, 2);
    ck_assert_int_eq(se_sql_admin[SE_ADMIN_SESSIONS_LIST].nparams, 1);
    ck_assert_int_eq(se_sql_admin[SE_ADMIN_PURGE].nparams, 1);
}
END_TEST

START_TEST(test_names_labels_unique)
{
    int i, j;

    for (i = 0; i < SE_SQL_COUNT; i++) {
        for (j = i + 1; j < SE_SQL_COUNT; j++) {
            ck_assert_msg(strcasecmp(se_sql_module[i].name,
                                     se_sql_module[j].name) != 0,
                          "two statements called %s", se_sql_module[i].name);
            ck_assert_str_ne(se_sql_module[i].label, se_sql_module[j].label);
        }
        /* Labels share a connection's statement table with other
         * modules': ours carry the module's name (and forget_statements()
         * in store.c finds them by it). */
        ck_assert_str_eq(SE_SQL_LABEL_PREFIX, "sessionexpire_");
        ck_assert_msg(strncmp(se_sql_module[i].label, SE_SQL_LABEL_PREFIX,
                              strlen(SE_SQL_LABEL_PREFIX)) == 0,
                      "label %s", se_sql_module[i].label);
    }
    for (i = 0; i < SE_ADMIN_COUNT; i++) {
        for (j = i + 1; j < SE_ADMIN_COUNT; j++) {
            ck_assert_str_ne(se_sql_admin[i].name, se_sql_admin[j].name);
            ck_assert_str_ne(se_sql_admin[i].label, se_sql_admin[j].label);
        }
    }
}
END_TEST

/* ---- se_sql_count_params --------------------------------------------- */

static const struct {
    const char *sql;
    int n;
} count_cases[] = {
    { "", 0 },
    { "SELECT 1", 0 },
    { "SELECT %s", 1 },
    { "%s", 1 },
    { "%s%s", 2 },
    { "a = %s AND b = %d", 2 },
    { "%d %i %u %f %s %pDt", 6 },
    { "t <= %lld", 1 },
    { "%lld", 1 },
    { "%ld %hd %hhd %llu", 4 },
    { "%lld, %lld, %lld", 3 },
    { "%%", 0 },
    { "LIKE 'a%%'", 0 },
    { "%%s", 0 },
    { "%%d = %d", 1 },
    { "%%%s", 1 },
    { "%%%%", 0 },
    { "100%", 0 },
    { "%", 0 },
    { "% d", 0 },
    { "%)", 0 },
    { "%pDi", 1 },
    { "%pDt %pDz", 2 },
};

START_TEST(test_count_params)
{
    ck_assert_msg(se_sql_count_params(count_cases[_i].sql) == count_cases[_i].n,
                  "se_sql_count_params(\"%s\") = %d, expected %d",
                  count_cases[_i].sql, se_sql_count_params(count_cases[_i].sql),
                  count_cases[_i].n);
}
END_TEST

/* ---- se_sql_find ----------------------------------------------------- */

START_TEST(test_find_every_name)
{
    int i;

    for (i = 0; i < SE_SQL_COUNT; i++) {
        ck_assert_int_eq(se_sql_find(se_sql_module[i].name), i);
    }
}
END_TEST

static const struct {
    const char *name;
    int id;
} find_cases[] = {
    { "UserLookup", SE_SQL_USER_LOOKUP },
    { "userlookup", SE_SQL_USER_LOOKUP },
    { "USERLOOKUP", SE_SQL_USER_LOOKUP },
    { "uSeRlOoKuP", SE_SQL_USER_LOOKUP },
    { "SessionIdBump", SE_SQL_SESSID_BUMP },
    { "sessionidread", SE_SQL_SESSID_READ },
    { "SESSIONINSERT", SE_SQL_SESSION_INSERT },
    { "SessionPurgeExpired", SE_SQL_SESSION_PURGE },
    { "sessiondeleteall", SE_SQL_SESSION_DELETE_ALL },
    { "SessionDelete", SE_SQL_SESSION_DELETE },
    { "sessiondelete", SE_SQL_SESSION_DELETE },
    /* unknown */
    { "", -1 },
    { "User", -1 },
    { "UserLookupX", -1 },
    { "UserLookup ", -1 },
    { " UserLookup", -1 },
    { "User_Lookup", -1 },
    { "SessionDeleteAl", -1 },
    { "SessionDeleteAlll", -1 },
    { "UserAdd", -1 },               /* an admin statement, not the module's */
    { "sessionexpire_user_lookup", -1 },   /* a label is not a name */
    { "nosuchstatement", -1 },
};

START_TEST(test_find)
{
    ck_assert_msg(se_sql_find(find_cases[_i].name) == find_cases[_i].id,
                  "se_sql_find(\"%s\") = %d, expected %d", find_cases[_i].name,
                  se_sql_find(find_cases[_i].name), find_cases[_i].id);
}
END_TEST

/* ---- se_sql_schema --------------------------------------------------- */

static const char *const schema_drivers[] = { "sqlite3", "pgsql", "mysql" };

/* Every driver's schema creates every table the statements use. */
START_TEST(test_schema)
{
    const char *const *schema = se_sql_schema(schema_drivers[_i]);
    const char *const tables[] = { "se_users", "se_sessions", "se_challenges",
                                   "se_login_failures", "se_login_bans" };
    int i, t, found[N_ELEMS(tables)] = { 0 };

    ck_assert_ptr_nonnull(schema);
    ck_assert_ptr_nonnull(schema[0]);
    for (i = 0; schema[i]; i++) {
        ck_assert_msg(schema[i][0] != '\0', "empty schema statement %d", i);
        for (t = 0; t < (int)N_ELEMS(tables); t++) {
            const char *create = apr_pstrcat(pool, "CREATE TABLE IF NOT EXISTS ",
                                             tables[t], " (", NULL);

            if (strncmp(schema[i], create, strlen(create)) == 0) {
                found[t]++;
            }
        }
        ck_assert_int_lt(i, 100);
    }
    for (t = 0; t < (int)N_ELEMS(tables); t++) {
        ck_assert_msg(found[t] == 1, "%s: %d CREATE TABLE %s",
                      schema_drivers[_i], found[t], tables[t]);
    }
}
END_TEST

START_TEST(test_schema_unknown)
{
    ck_assert_ptr_null(se_sql_schema("nosuchdriver"));
    ck_assert_ptr_null(se_sql_schema(""));
    ck_assert_ptr_null(se_sql_schema("sqlite"));
    ck_assert_ptr_null(se_sql_schema("sqlite3x"));
    ck_assert_ptr_null(se_sql_schema(NULL));
}
END_TEST

/* The per-driver spelling is MySQL's only; others get the default. */
START_TEST(test_sql_text)
{
    const se_sql_stmt *use = &se_sql_module[SE_SQL_CHALLENGE_USE];
    const se_sql_stmt *lookup = &se_sql_module[SE_SQL_USER_LOOKUP];

    ck_assert_ptr_nonnull(use->mysql_sql);
    ck_assert_ptr_eq(se_sql_text(use, "mysql"), use->mysql_sql);
    ck_assert_ptr_eq(se_sql_text(use, "pgsql"), use->sql);
    ck_assert_ptr_eq(se_sql_text(use, "sqlite3"), use->sql);
    ck_assert_ptr_eq(se_sql_text(use, NULL), use->sql);
    ck_assert_ptr_nonnull(strstr(use->mysql_sql, "INSERT IGNORE"));
    ck_assert_ptr_null(lookup->mysql_sql);
    ck_assert_ptr_eq(se_sql_text(lookup, "mysql"), lookup->sql);
}
END_TEST

/* The batch size the code reads is the one the SQL asks for. */
START_TEST(test_users_batch_limit)
{
    const char *sql = se_sql_module[SE_SQL_SESSION_EXPIRED_USERS].sql;
    const char *limit = apr_psprintf(pool, " LIMIT %d", SE_SQL_USERS_BATCH);

    ck_assert_ptr_nonnull(strstr(sql, limit));
    ck_assert_str_eq(strstr(sql, limit), limit);
}
END_TEST

Suite *sql_suite(void)
{
    Suite *s = suite_create("sql");
    TCase *tc;

    tc = tcase_create("statements");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_module_stmt_params, 0, SE_SQL_COUNT);
    tcase_add_loop_test(tc, test_admin_stmt_params, 0, SE_ADMIN_COUNT);
    tcase_add_test(tc, test_documented_params);
    tcase_add_test(tc, test_names_labels_unique);
    tcase_add_test(tc, test_users_batch_limit);
    suite_add_tcase(s, tc);

    tc = tcase_create("count_params");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_count_params, 0, N_ELEMS(count_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("find");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_test(tc, test_find_every_name);
    tcase_add_loop_test(tc, test_find, 0, N_ELEMS(find_cases));
    suite_add_tcase(s, tc);

    tc = tcase_create("schema");
    tcase_add_checked_fixture(tc, pool_setup, pool_teardown);
    tcase_add_loop_test(tc, test_schema, 0, N_ELEMS(schema_drivers));
    tcase_add_test(tc, test_schema_unknown);
    tcase_add_test(tc, test_sql_text);
    suite_add_tcase(s, tc);

    return s;
}
