/*
 * test_purge.c - the cut-offs of a purge in slices (src/purge.c): every
 * expired row goes, no slice runs past the end, slices stay near
 * SE_PURGE_SLICE_ROWS rows on tables of any steady density, gaps are
 * jumped over, and a purge always stops.
 */
#include "purge.h"
#include "fixture.h"
#include "suites.h"

#define END ((apr_int64_t)1700000000)

/* A simulated table: `per_second` rows at every second of [first, last],
 * plus one lone row at `lone` (when not 0). */
typedef struct {
    apr_int64_t first, last, per_second, lone;
} table_t;

static apr_int64_t rows_between(const table_t *t, apr_int64_t after,
                                apr_int64_t upto)
{
    apr_int64_t from = after + 1 > t->first ? after + 1 : t->first;
    apr_int64_t to = upto < t->last ? upto : t->last;
    apr_int64_t n = to >= from ? (to - from + 1) * t->per_second : 0;

    return n + (t->lone && t->lone > after && t->lone <= upto ? 1 : 0);
}

/* The oldest row after `after`, or 0 when none: what ChallengeOldest
 * answers once every row up to `after` is gone. */
static apr_int64_t oldest_after(const table_t *t, apr_int64_t after)
{
    apr_int64_t dense = after + 1 > t->first ? after + 1 : t->first;

    if (t->lone && t->lone > after && (dense > t->last || t->lone < dense)) {
        return t->lone;
    }
    return dense <= t->last ? dense : 0;
}

/* Runs a purge to END over `t` as the module does; returns the slices and
 * sets *max_rows (the largest slice) and *left (expired rows not
 * deleted).  Cut-offs must increase and stay <= END. */
static int simulate(const table_t *t, apr_int64_t *max_rows,
                    apr_int64_t *left)
{
    se_purge_t pg;
    apr_int64_t cutoff, done = APR_INT64_MIN + 1, rows, oldest;
    int n = 0;

    *max_rows = 0;
    oldest = oldest_after(t, done);
    if (oldest != 0) {
        se_purge_start(&pg, oldest, END);
        while (se_purge_next(&pg, &cutoff)) {
            ck_assert_int_gt(cutoff, done);
            ck_assert_int_le(cutoff, END);
            rows = rows_between(t, done, cutoff);
            *max_rows = rows > *max_rows ? rows : *max_rows;
            done = cutoff;
            n++;
            if (se_purge_deleted(&pg, rows)) {
                oldest = oldest_after(t, done);
                if (oldest == 0) {
                    break;
                }
                se_purge_seek(&pg, oldest);
            }
        }
    }
    *left = rows_between(t, done, END);
    return n;
}

static const struct {
    table_t t;
    int max_slices;             /* expected at most */
    apr_int64_t max_rows;       /* expected at most */
} tables[] = {
    /* the soak's rate, a minute of it: about one second a slice */
    { { END - 60, END + 60, 1400, 0 }, 62, 1400 },
    /* denser than the aim in one second: one second a slice */
    { { END - 60, END + 60, 10000, 0 }, 62, 10000 },
    /* sparse: slices widen */
    { { END - 60, END + 60, 100, 0 }, 10, 2 * SE_PURGE_SLICE_ROWS },
    { { END - 3600, END, 1, 0 }, 25, SE_PURGE_MAX_WIDTH },
    { { END - 1, END, 1, 0 }, 2, 1 },
    /* one old row, a day's gap, then a dense minute: the gap is jumped */
    { { END - 60, END + 60, 1000, END - 86400 }, 62, 2000 },
    /* nothing expired yet */
    { { END + 1, END + 60, 1000, 0 }, 0, 0 },
    /* a lone row, long ago */
    { { END + 1, END + 60, 1000, 5 }, 2, 1 },
};

START_TEST(test_slices_bounded)
{
    apr_int64_t max_rows, left;
    int n = simulate(&tables[_i].t, &max_rows, &left);

    ck_assert_int_eq(left, 0);
    ck_assert_int_le(n, tables[_i].max_slices);
    ck_assert_int_le(max_rows, tables[_i].max_rows);
}
END_TEST

START_TEST(test_exactly_at_end)
{
    se_purge_t pg;
    apr_int64_t cutoff = 0;

    se_purge_start(&pg, END, END);
    ck_assert(se_purge_next(&pg, &cutoff));
    ck_assert_int_eq(cutoff, END);
    ck_assert(!se_purge_deleted(&pg, 3));
    ck_assert(!se_purge_next(&pg, &cutoff));
}
END_TEST

START_TEST(test_seek_never_backwards)
{
    se_purge_t pg;
    apr_int64_t cutoff;

    se_purge_start(&pg, END - 100, END);
    ck_assert(se_purge_next(&pg, &cutoff));
    ck_assert_int_eq(cutoff, END - 100);
    se_purge_seek(&pg, END - 500);
    ck_assert(se_purge_next(&pg, &cutoff));
    ck_assert_int_gt(cutoff, END - 100);
    /* An oldest row past the end: done. */
    se_purge_seek(&pg, END + 1);
    ck_assert(!se_purge_next(&pg, &cutoff));
}
END_TEST

START_TEST(test_stops_after_max_slices)
{
    se_purge_t pg;
    apr_int64_t cutoff = 0;
    int n = 0;

    /* Every second holds far more than a slice: widths stay at one. */
    se_purge_start(&pg, END - 100000, END);
    while (se_purge_next(&pg, &cutoff)) {
        ck_assert(!se_purge_deleted(&pg, 100 * SE_PURGE_SLICE_ROWS));
        n++;
    }
    ck_assert_int_eq(n, SE_PURGE_MAX_SLICES);
    ck_assert_int_eq(cutoff, END - 100000 + SE_PURGE_MAX_SLICES - 1);
}
END_TEST

START_TEST(test_odd_oldest)
{
    se_purge_t pg;
    apr_int64_t cutoff = -1;

    /* A nonsense negative time: the arithmetic stays in range and the
     * first cut-off, at 0, takes every row below it too. */
    se_purge_start(&pg, APR_INT64_MIN, END);
    ck_assert(se_purge_next(&pg, &cutoff));
    ck_assert_int_eq(cutoff, 0);
}
END_TEST

START_TEST(test_width_limits)
{
    se_purge_t pg;
    int i;

    se_purge_start(&pg, 0, END);
    for (i = 0; i < 100; i++) {
        ck_assert(!se_purge_deleted(&pg, 1));
    }
    ck_assert_int_eq(pg.width, SE_PURGE_MAX_WIDTH);
    ck_assert(!se_purge_deleted(&pg, (apr_int64_t)1 << 40));
    ck_assert_int_eq(pg.width, 1);
    ck_assert(se_purge_deleted(&pg, 0));
    ck_assert_int_eq(pg.width, 1);
}
END_TEST

Suite *purge_suite(void)
{
    Suite *s = suite_create("purge");
    TCase *tc = tcase_create("slices");

    tcase_add_loop_test(tc, test_slices_bounded, 0, N_ELEMS(tables));
    tcase_add_test(tc, test_exactly_at_end);
    tcase_add_test(tc, test_seek_never_backwards);
    tcase_add_test(tc, test_stops_after_max_slices);
    tcase_add_test(tc, test_odd_oldest);
    tcase_add_test(tc, test_width_limits);
    suite_add_tcase(s, tc);
    return s;
}
