#include "parallel.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#define MAX_THREADS 64

size_t lsc_parallel_threads(size_t n)
{
    const char *env = getenv("LEADSCORE_THREADS");
    long t = 0;
    if (env != NULL) {
        char *end = NULL;
        t = strtol(env, &end, 10);
        if (end == env || *end != '\0' || t < 1 || t > MAX_THREADS)
            t = 0;
    }
    if (t == 0) {
        if (n < 50000)
            return 1;
        t = sysconf(_SC_NPROCESSORS_ONLN);
        if (t < 1)
            t = 1;
        if (t > 8)
            t = 8;
    }
    return (size_t)t;
}

void lsc_parallel_range(size_t n, size_t ntasks, size_t k, size_t *a, size_t *b)
{
    size_t base = n / ntasks, extra = n % ntasks;
    *a = k * base + (k < extra ? k : extra);
    *b = *a + base + (k < extra);
}

struct job {
    void (*fn)(void *, size_t);
    void *ctx;
    size_t task;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    j->fn(j->ctx, j->task);
    return NULL;
}

void lsc_parallel_run(size_t ntasks, void (*fn)(void *ctx, size_t task), void *ctx)
{
    pthread_t tid[MAX_THREADS];
    struct job jobs[MAX_THREADS];
    int started[MAX_THREADS] = {0};
    if (ntasks > MAX_THREADS)
        ntasks = MAX_THREADS;
    for (size_t k = 1; k < ntasks; k++) {
        jobs[k].fn = fn;
        jobs[k].ctx = ctx;
        jobs[k].task = k;
        started[k] = pthread_create(&tid[k], NULL, run_job, &jobs[k]) == 0;
    }
    if (ntasks > 0)
        fn(ctx, 0);
    for (size_t k = 1; k < ntasks; k++) {
        if (started[k])
            pthread_join(tid[k], NULL);
        else
            fn(ctx, k);
    }
}
