/*
 * purge.c - cut-offs of a purge in slices (see purge.h).
 */
#include "purge.h"

void se_purge_start(se_purge_t *pg, apr_int64_t oldest, apr_int64_t end)
{
    pg->cutoff = APR_INT64_MIN;
    pg->end = end;
    pg->width = 1;
    pg->slices = 0;
    se_purge_seek(pg, oldest);
}

void se_purge_seek(se_purge_t *pg, apr_int64_t oldest)
{
    /* Every slice deletes all rows up to its cut-off, so starting at 0
     * still takes nonsense times below it, and keeps the arithmetic in
     * range.  One before the oldest row: the next slice starts at it. */
    if (oldest < 0) {
        oldest = 0;
    }
    if (oldest > pg->end) {
        pg->cutoff = pg->end;           /* nothing expired is left */
    }
    else if (oldest - 1 > pg->cutoff) {
        pg->cutoff = oldest - 1;
    }
}

int se_purge_next(se_purge_t *pg, apr_int64_t *cutoff)
{
    if (pg->cutoff >= pg->end || pg->slices >= SE_PURGE_MAX_SLICES) {
        return 0;
    }
    /* The subtraction cannot overflow: 0 <= cutoff < end here. */
    pg->cutoff = pg->end - pg->cutoff <= pg->width ? pg->end
                                                   : pg->cutoff + pg->width;
    pg->slices++;
    *cutoff = pg->cutoff;
    return 1;
}

int se_purge_deleted(se_purge_t *pg, apr_int64_t rows)
{
    apr_int64_t grown = pg->width * 2, fit;

    if (rows <= 0) {
        return 1;                       /* a gap: the caller seeks */
    }
    /* Rows per second of the last slice predict the next one's; at most
     * doubling, so one sparse slice cannot open a slice wide enough to
     * swallow a dense stretch whole; never under one second, the finest
     * cut a whole-second column allows. */
    fit = pg->width * SE_PURGE_SLICE_ROWS / rows;
    pg->width = fit > grown ? grown : fit;
    if (pg->width > SE_PURGE_MAX_WIDTH) {
        pg->width = SE_PURGE_MAX_WIDTH;
    }
    if (pg->width < 1) {
        pg->width = 1;
    }
    return 0;
}
