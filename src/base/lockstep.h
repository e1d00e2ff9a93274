/* lockstep - run a few iterative computations side by side, gathering the
 * evaluations they ask for into batches (POSIX threads as coroutines).
 *
 * Each task runs on its own thread and calls lsc_lockstep_eval for every
 * point it needs evaluated; the call blocks. When every unfinished task is
 * blocked so, the calling thread evaluates all their points at once (one
 * database query for K cross-validation fits instead of K) and releases
 * them. Only the calling thread evaluates and only while every task waits,
 * so the tasks and the batch never run at the same time; the batches, and
 * so the results, do not depend on scheduling. */
#ifndef LSC_SRC_LOCKSTEP_H
#define LSC_SRC_LOCKSTEP_H

#include <stddef.h>

#include "leadscore/status.h"

struct lockstep;

/* Task k's whole computation: calls lsc_lockstep_eval(ls, k, ...). */
typedef enum lsc_status (*lockstep_task)(void *ctx, size_t k, struct lockstep *ls,
                                         struct lsc_error *err);

/* Evaluates the points x[i] of the tasks which[i] (i < n, which ascending),
 * where the tasks can read them after lsc_lockstep_eval returns. */
typedef enum lsc_status (*lockstep_batch)(void *ctx, size_t n, const size_t *which,
                                          const double *const *x, struct lsc_error *err);

/* Runs tasks 0 .. ntasks-1 to their end. The first failing task's error
 * (lowest k), or the batch's, is the result; after a failed batch every
 * evaluation fails with its error, so the tasks stop. LSC_ERR_NOMEM when a
 * thread cannot be started. */
enum lsc_status lsc_lockstep_run(size_t ntasks, lockstep_task task, lockstep_batch batch,
                                 void *ctx, struct lsc_error *err);

/* From task k: have x evaluated in the next batch (x must stay valid until
 * this returns). */
enum lsc_status lsc_lockstep_eval(struct lockstep *ls, size_t k, const double *x,
                                  struct lsc_error *err);

#endif
