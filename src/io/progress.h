/* progress - reports progress through an input to the caller's callback
 * (the progress member of the train and score options). The library never
 * draws anything itself. */
#ifndef LSC_SRC_PROGRESS_H
#define LSC_SRC_PROGRESS_H

#include <stddef.h>

#include "csv_reader.h"
#include "leadscore/status.h"

/* Rows between two reports: a cheap test per row, a few hundred calls on
 * ten million rows. */
#define PROGRESS_ROWS ((size_t)16384)

/* Reports rows read so far from r to fn (NULL: nothing); finished: the
 * pass reached the end of its input. */
static inline void progress_report(lsc_progress_fn fn, void *ud, const struct csv_reader *r,
                                   size_t rows, int finished)
{
    if (fn == NULL)
        return;
    struct lsc_progress p;
    p.rows = rows;
    lsc_csv_reader_progress(r, &p.bytes, &p.size);
    p.finished = finished;
    fn(ud, &p);
}

/* The same, every PROGRESS_ROWS rows. */
static inline void progress_tick(lsc_progress_fn fn, void *ud, const struct csv_reader *r,
                                 size_t rows)
{
    if (rows % PROGRESS_ROWS == 0)
        progress_report(fn, ud, r, rows, 0);
}

#endif
