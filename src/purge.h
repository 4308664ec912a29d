/*
 * purge.h - the cut-offs of a purge done in slices.
 *
 * Expired challenges pile up at the rate challenges are used (thousands a
 * second under load); deleting a minute of them in one statement held
 * SQLite's write lock for a third of a second, and every writer waited.
 * So the purge deletes "timeexpire <= cutoff" for increasing cut-offs from
 * the oldest row, and adapts the width of each slice (in seconds) to the
 * rows the last one deleted, aiming at SE_PURGE_SLICE_ROWS a statement.
 * A slice that deletes nothing makes the caller look up the oldest row
 * again, so a gap in time is jumped over rather than crossed by ever wider
 * slices.  Plain comparisons on one column: the same SQL on every
 * database, and an index on the column keeps each slice from reading the
 * whole table.  Pure: the caller runs the statements and reports what they
 * deleted.
 *
 * The bound is on time, not rows: a slice is at most SE_PURGE_MAX_WIDTH
 * seconds and at least one, so a sudden jump in density (or more rows in
 * one second than the aim) still makes a bigger slice.
 */
#ifndef SE_PURGE_H
#define SE_PURGE_H

#include "apr.h"

#define SE_PURGE_SLICE_ROWS 1000    /* aim of each statement */
#define SE_PURGE_MAX_WIDTH  300     /* widest slice, in seconds */
#define SE_PURGE_MAX_SLICES 300     /* per purge; the rest waits for the
                                     * next one (expired rows do no harm) */

typedef struct {
    apr_int64_t cutoff;     /* rows up to here are gone */
    apr_int64_t end;        /* the purge's cut-off: rows up to it go */
    apr_int64_t width;      /* seconds the next slice spans */
    int slices;             /* cut-offs handed out so far */
} se_purge_t;

/* A purge of the rows with timeexpire <= end, the oldest at `oldest`. */
void se_purge_start(se_purge_t *pg, apr_int64_t oldest, apr_int64_t end);

/* The next cut-off into *cutoff; 0 when the purge is done (end reached,
 * or SE_PURGE_MAX_SLICES handed out). */
int se_purge_next(se_purge_t *pg, apr_int64_t *cutoff);

/*
 * The last slice deleted `rows`: sets the width of the next one.  Returns
 * 1 when it deleted nothing: the caller then looks up the oldest row left
 * and calls se_purge_seek, or stops when there is none.
 */
int se_purge_deleted(se_purge_t *pg, apr_int64_t rows);

/* Goes on from the oldest row left (never backwards). */
void se_purge_seek(se_purge_t *pg, apr_int64_t oldest);

#endif
