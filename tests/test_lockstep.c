/* lockstep: the tasks' evaluations gathered into one batch per round
 * (every unfinished task in each), the batch's values seen by the tasks,
 * a task's own error and a batch's error passed on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "lockstep.h"
#include "status_internal.h"
#include "test_helpers.h"

#define NT 5

struct run {
    size_t batches, sizes[16], members[16][NT];
    double value[NT];     /* the last batch's value for each task */
    double seen[NT][8];   /* what each task read after each evaluation */
    size_t fail_batch;    /* the batch that fails (0: none) */
    size_t fail_task;     /* the task that fails on its own (NT: none) */
};

/* Task k evaluates k + 1 points, x = 10 k + i, and keeps what it reads. */
static enum lsc_status task(void *ctx, size_t k, struct lockstep *ls, struct lsc_error *err)
{
    struct run *r = ctx;
    for (size_t i = 0; i <= k; i++) {
        if (k == r->fail_task && i == 1)
            return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0, "task %zu gave up", k);
        double x = (double)(10 * k + i);
        enum lsc_status st = lsc_lockstep_eval(ls, k, &x, err);
        if (st != LSC_OK)
            return st;
        r->seen[k][i] = r->value[k];
    }
    return LSC_OK;
}

/* Squares each point; records who was in the batch. */
static enum lsc_status batch(void *ctx, size_t n, const size_t *which, const double *const *x,
                             struct lsc_error *err)
{
    struct run *r = ctx;
    size_t b = r->batches++;
    if (b + 1 == r->fail_batch)
        return lsc_error_set(err, LSC_ERR_IO, NULL, 0, 0, "the server went away");
    r->sizes[b] = n;
    for (size_t i = 0; i < n; i++) {
        r->members[b][i] = which[i];
        r->value[which[i]] = *x[i] * *x[i];
    }
    return LSC_OK;
}

static void test_rounds(void **state)
{
    (void)state;
    struct run r;
    memset(&r, 0, sizeof r);
    r.fail_task = NT;
    struct lsc_error err;
    assert_int_equal(lsc_lockstep_run(NT, task, batch, &r, &err), LSC_OK);
    assert_int_equal(r.batches, NT); /* task NT-1 evaluates NT times */
    for (size_t b = 0; b < NT; b++) {
        assert_int_equal(r.sizes[b], NT - b); /* tasks b.. still run */
        for (size_t i = 0; i < NT - b; i++)
            assert_int_equal(r.members[b][i], b + i); /* ascending */
    }
    for (size_t k = 0; k < NT; k++)
        for (size_t i = 0; i <= k; i++)
            assert_true(r.seen[k][i] == (double)((10 * k + i) * (10 * k + i)));
}

static void test_batch_error(void **state)
{
    (void)state;
    struct run r;
    memset(&r, 0, sizeof r);
    r.fail_task = NT;
    r.fail_batch = 2;
    struct lsc_error err;
    assert_int_equal(lsc_lockstep_run(NT, task, batch, &r, &err), LSC_ERR_IO);
    assert_string_equal(err.message, "the server went away");
    assert_int_equal(r.batches, 2); /* no batch after the failed one */
}

static void test_task_error(void **state)
{
    (void)state;
    struct run r;
    memset(&r, 0, sizeof r);
    r.fail_task = 3;
    struct lsc_error err;
    assert_int_equal(lsc_lockstep_run(NT, task, batch, &r, &err), LSC_ERR_NUMERIC);
    assert_string_equal(err.message, "task 3 gave up");
    /* the others went on to their end: task 4's last point was 44 */
    assert_true(r.seen[4][4] == 44.0 * 44.0);
    assert_int_equal(r.sizes[1], 3); /* tasks 1, 2, 4: task 3 gave up */
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rounds),
        cmocka_unit_test(test_batch_error),
        cmocka_unit_test(test_task_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
