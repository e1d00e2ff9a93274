/* lockstep - side-by-side computations with batched evaluations; see
 * lockstep.h. */
#include "lockstep.h"

#include <pthread.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"

struct lockstep {
    pthread_mutex_t mu;
    pthread_cond_t to_main, to_tasks;
    size_t live, waiting;    /* unfinished tasks; of them, blocked in eval */
    unsigned long batches;   /* batches done: a waiting task's release */
    const double **x;        /* per task: the point it waits on, or NULL */
    enum lsc_status batch_st;
    struct lsc_error batch_err;
    lockstep_task task;
    void *ctx;
};

struct worker {
    struct lockstep *ls;
    size_t k;
    pthread_t thread;
    enum lsc_status st;
    struct lsc_error err;
};

static void *worker_main(void *arg)
{
    struct worker *w = arg;
    struct lockstep *ls = w->ls;
    w->st = ls->task(ls->ctx, w->k, ls, &w->err);
    pthread_mutex_lock(&ls->mu);
    ls->live--;
    pthread_cond_signal(&ls->to_main);
    pthread_mutex_unlock(&ls->mu);
    return NULL;
}

enum lsc_status lsc_lockstep_eval(struct lockstep *ls, size_t k, const double *x,
                                  struct lsc_error *err)
{
    pthread_mutex_lock(&ls->mu);
    if (ls->batch_st == LSC_OK) {
        unsigned long mine = ls->batches;
        ls->x[k] = x;
        ls->waiting++;
        pthread_cond_signal(&ls->to_main);
        while (ls->batches == mine)
            pthread_cond_wait(&ls->to_tasks, &ls->mu);
    }
    enum lsc_status st = ls->batch_st;
    if (st != LSC_OK)
        *err = ls->batch_err;
    pthread_mutex_unlock(&ls->mu);
    return st;
}

/* While tasks live: waits until each is blocked or done, evaluates the
 * blocked ones' points (the lock released: no task runs), releases them. */
static void serve(struct lockstep *ls, size_t ntasks, lockstep_batch batch, size_t *which,
                  const double **pts)
{
    pthread_mutex_lock(&ls->mu);
    for (;;) {
        while (ls->waiting < ls->live)
            pthread_cond_wait(&ls->to_main, &ls->mu);
        if (ls->live == 0)
            break;
        size_t n = 0;
        for (size_t k = 0; k < ntasks; k++)
            if (ls->x[k] != NULL) {
                which[n] = k;
                pts[n++] = ls->x[k];
            }
        pthread_mutex_unlock(&ls->mu);
        struct lsc_error berr;
        lsc_error_clear(&berr);
        enum lsc_status st = batch(ls->ctx, n, which, pts, &berr);
        pthread_mutex_lock(&ls->mu);
        if (st != LSC_OK) {
            ls->batch_st = st;
            ls->batch_err = berr;
        }
        for (size_t k = 0; k < ntasks; k++)
            ls->x[k] = NULL;
        ls->waiting = 0;
        ls->batches++;
        pthread_cond_broadcast(&ls->to_tasks);
    }
    pthread_mutex_unlock(&ls->mu);
}

enum lsc_status lsc_lockstep_run(size_t ntasks, lockstep_task task, lockstep_batch batch,
                                 void *ctx, struct lsc_error *err)
{
    struct lockstep ls;
    memset(&ls, 0, sizeof ls);
    ls.task = task;
    ls.ctx = ctx;
    ls.x = lsc_calloc(ntasks ? ntasks : 1, sizeof *ls.x);
    size_t *which = lsc_malloc((ntasks ? ntasks : 1) * sizeof *which);
    const double **pts = lsc_malloc((ntasks ? ntasks : 1) * sizeof *pts);
    struct worker *w = lsc_calloc(ntasks ? ntasks : 1, sizeof *w);
    if (ls.x == NULL || which == NULL || pts == NULL || w == NULL) {
        lsc_free(ls.x);
        lsc_free(which);
        lsc_free(pts);
        lsc_free(w);
        return lsc_error_nomem(err);
    }
    pthread_mutex_init(&ls.mu, NULL);
    pthread_cond_init(&ls.to_main, NULL);
    pthread_cond_init(&ls.to_tasks, NULL);
    size_t started = 0;
    pthread_mutex_lock(&ls.mu);
    for (; started < ntasks; started++) {
        w[started].ls = &ls;
        w[started].k = started;
        if (pthread_create(&w[started].thread, NULL, worker_main, &w[started]) != 0) {
            ls.batch_st = lsc_error_set(&ls.batch_err, LSC_ERR_NOMEM, NULL, 0, 0,
                                        "cannot start a thread for a side-by-side fit");
            break;
        }
        ls.live++;
    }
    pthread_mutex_unlock(&ls.mu);
    serve(&ls, ntasks, batch, which, pts);
    enum lsc_status st = ls.batch_st;
    if (st != LSC_OK)
        *err = ls.batch_err;
    for (size_t k = 0; k < started; k++)
        pthread_join(w[k].thread, NULL);
    for (size_t k = 0; k < started && st == LSC_OK; k++)
        if (w[k].st != LSC_OK) {
            st = w[k].st;
            *err = w[k].err;
        }
    pthread_cond_destroy(&ls.to_main);
    pthread_cond_destroy(&ls.to_tasks);
    pthread_mutex_destroy(&ls.mu);
    lsc_free(ls.x);
    lsc_free(which);
    lsc_free(pts);
    lsc_free(w);
    return st;
}
