/* parallel - run a few independent tasks on threads (POSIX threads).
 *
 * Passes over rows split into one contiguous range per thread; each task
 * writes only its own output, and the caller combines them in a fixed
 * order, so results do not depend on scheduling. */
#ifndef LSC_SRC_PARALLEL_H
#define LSC_SRC_PARALLEL_H

#include <stddef.h>

/* Threads to use for a pass over n rows: 1 below 50,000 rows, else the
 * online processors (at most 8), or LEADSCORE_THREADS when set (1..64). */
size_t lsc_parallel_threads(size_t n);

/* Runs fn(ctx, k) for k = 0 .. ntasks-1, task 0 on the calling thread.
 * Falls back to running everything on the caller if a thread cannot be
 * started, so it cannot fail. */
void lsc_parallel_run(size_t ntasks, void (*fn)(void *ctx, size_t task), void *ctx);

/* Row range [*a, *b) of task k out of ntasks over n rows. */
void lsc_parallel_range(size_t n, size_t ntasks, size_t k, size_t *a, size_t *b);

#endif
