/* alloc_fail: every allocation along a train -> save -> load -> score run
 * can fail cleanly.
 *
 * An allocator installed with lsc_set_allocator() fails the Nth allocation
 * (malloc or realloc, jansson's and libcsv's included); for N = 1, 2, ...
 * the whole run is repeated until one completes. Each run that hits the
 * failure must return LSC_ERR_NOMEM from the step that hit it, must not
 * crash, must leave every allocation
 * freed (the allocator counts live blocks, so this holds in any build; the ASan build's
 * LeakSanitizer also sees allocations outside the hook), and must leave no
 * temporary or partial file behind. A run in which the failure was injected
 * but every step still returned LSC_OK would mean a lost error: that fails
 * the test too.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <gsl/gsl_errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "leadscore.h"
#include "test_helpers.h"

#if defined(__GNUC__)
#define LSC_TEST_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LSC_TEST_PRINTF(a, b)
#endif

/* ---- the failing allocator ------------------------------------------------- */

struct fail_nth {
    size_t calls;   /* allocations so far (malloc and realloc) */
    size_t fail_at; /* 1-based; 0: never */
    int failed;     /* the injected failure happened */
    long live;      /* blocks allocated and not yet freed */
    int step;       /* the step running (enum step) */
    int failed_in;  /* the step running when the failure was injected */
};

static int should_fail(struct fail_nth *f)
{
    f->calls++;
    if (f->fail_at != 0 && f->calls == f->fail_at) {
        f->failed = 1;
        f->failed_in = f->step;
        return 1;
    }
    return 0;
}

static void *fail_malloc(size_t size, void *ud)
{
    struct fail_nth *f = ud;
    if (should_fail(f))
        return NULL;
    void *p = malloc(size);
    if (p != NULL)
        f->live++;
    return p;
}

static void *fail_realloc(void *ptr, size_t size, void *ud)
{
    struct fail_nth *f = ud;
    if (should_fail(f))
        return NULL;
    return realloc(ptr, size); /* the hook never sees ptr == NULL */
}

static void fail_free(void *ptr, void *ud)
{
    struct fail_nth *f = ud;
    f->live--;
    free(ptr);
}

/* ---- fixture ------------------------------------------------------------------- */

struct paths {
    char dir[64];
    char csv[128];
    char model[128];
    char scores[128];
};

/* ~30 rows: a numeric column with a few missing values, a categorical
 * column with three common levels and a rare one, a 0/1 target. */
static void write_csv(const char *path)
{
    static const char *const level[] = {"web", "email", "phone"};
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("id,visits,source,converted\n", fp);
    for (int i = 0; i < 30; i++) {
        int y = (i * 7 + 3) % 5 < 2;
        if (i % 9 == 4)
            fprintf(fp, "L%d,,%s,%d\n", i, level[i % 3], y);
        else if (i == 17)
            fprintf(fp, "L%d,%d,fax,%d\n", i, 2 + i % 11, y);
        else
            fprintf(fp, "L%d,%d,%s,%d\n", i, (i * 13) % 17 + 3 * y, level[i % 3], y);
    }
    assert_int_equal(fclose(fp), 0);
}

static int setup(void **state)
{
    struct paths *p = calloc(1, sizeof *p);
    if (p == NULL)
        return -1;
    snprintf(p->dir, sizeof p->dir, "/tmp/lsc_allocfail_XXXXXX");
    if (mkdtemp(p->dir) == NULL) {
        free(p);
        return -1;
    }
    snprintf(p->csv, sizeof p->csv, "%s/leads.csv", p->dir);
    snprintf(p->model, sizeof p->model, "%s/model.json", p->dir);
    snprintf(p->scores, sizeof p->scores, "%s/scores.csv", p->dir);
    write_csv(p->csv);
    *state = p;
    return 0;
}

static int teardown(void **state)
{
    struct paths *p = *state;
    char path[512];
    DIR *d = opendir(p->dir);
    if (d != NULL) {
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(path, sizeof path, "%s/%s", p->dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(p->dir);
    free(p);
    return 0;
}

/* Names in dir other than the input CSV and the outputs a step completed. */
static size_t stray_files(const struct paths *p, char *first, size_t size)
{
    size_t n = 0;
    DIR *d = opendir(p->dir);
    assert_non_null(d);
    first[0] = '\0';
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0 ||
            strcmp(e->d_name, "leads.csv") == 0 || strcmp(e->d_name, "model.json") == 0 ||
            strcmp(e->d_name, "scores.csv") == 0 || strcmp(e->d_name, "clean.json") == 0 ||
            strcmp(e->d_name, "report.html") == 0)
            continue;
        if (n++ == 0)
            snprintf(first, size, "%s", e->d_name);
    }
    closedir(d);
    return n;
}

/* ---- one run ------------------------------------------------------------------- */

enum step { STEP_TRAIN, STEP_SAVE, STEP_LOAD, STEP_SCORE, STEP_DONE };
static const char *const step_name[] = {"lsc_train", "lsc_model_save", "lsc_model_load",
                                        "lsc_score", "done"};

struct outcome {
    enum step step; /* the step that failed, STEP_DONE when none did */
    enum lsc_status status;
    struct lsc_error err;
    struct lsc_score_summary score;
    int dangling; /* a failed step still handed out a model */
};

static const char *const features[] = {"source"};

static void run_once(const struct paths *p, struct fail_nth *f, struct outcome *out)
{
    struct lsc_train_options to;
    struct lsc_train_summary tsum;
    struct lsc_score_options so;
    struct lsc_model *trained = NULL, *loaded = NULL;

    char report[160];
    memset(out, 0, sizeof *out);
    lsc_error_clear(&out->err);
    unlink(p->model);
    unlink(p->scores);
    snprintf(report, sizeof report, "%s/report.html", p->dir);
    unlink(report);

    lsc_train_options_defaults(&to);
    to.input = p->csv;
    to.target = "converted";
    to.ids.items = (const char *const[]){"id"};
    to.ids.count = 1;
    to.categorical.items = features;
    to.categorical.count = 1;
    to.min_level_count = 3;
    to.holdout = 0.2;
    to.force = 1; /* ~30 rows are too few to train without it */
    to.report = report; /* the HTML report's allocations fail too */
    f->step = out->step = STEP_TRAIN;
    out->status = lsc_train(&to, NULL, &trained, &tsum, &out->err);
    if (out->status != LSC_OK)
        goto cleanup;

    f->step = out->step = STEP_SAVE;
    out->status = lsc_model_save(trained, p->model, 0, &out->err);
    if (out->status != LSC_OK)
        goto cleanup;

    f->step = out->step = STEP_LOAD;
    out->status = lsc_model_load(p->model, &loaded, &out->err);
    if (out->status != LSC_OK)
        goto cleanup;

    lsc_score_options_defaults(&so);
    so.input = p->csv;
    so.output = p->scores;
    f->step = out->step = STEP_SCORE;
    out->status = lsc_score(loaded, &so, NULL, &out->score, &out->err);
    if (out->status != LSC_OK)
        goto cleanup;
    out->step = STEP_DONE;
cleanup:
    /* a failed _train/_load leaves its out-pointer NULL */
    out->dangling = (out->step == STEP_TRAIN && out->status != LSC_OK && trained != NULL) ||
                    (out->step == STEP_LOAD && out->status != LSC_OK && loaded != NULL);
    lsc_model_free(trained);
    lsc_model_free(loaded);
}

/* ---- the test ------------------------------------------------------------------ */

/* Reports a problem and carries on, so one run lists them all (at most 50). */
static void problem(size_t *count, const char *fmt, ...) LSC_TEST_PRINTF(2, 3);
static void problem(size_t *count, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    if (++*count > 50)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    print_error("%s", msg);
}

static void test_every_allocation_can_fail(void **state)
{
    const struct paths *p = *state;
    struct fail_nth f = {0, 0, 0, 0, 0, 0};
    struct lsc_allocator a = {fail_malloc, fail_realloc, fail_free, &f};
    struct outcome o;
    char stray[256];
    size_t total = 0, problems = 0, by_step[STEP_DONE + 1] = {0};
    char clean[160];

    gsl_set_error_handler_off();
    snprintf(clean, sizeof clean, "%s/clean.json", p->dir);
    lsc_set_allocator(&a);

    /* a clean run first: it must succeed, and says how many allocations
     * there are to fail */
    run_once(p, &f, &o);
    if (o.step != STEP_DONE)
        fail_msg("clean run: %s failed: %s: %s", step_name[o.step], lsc_strerror(o.status),
                 o.err.message);
    assert_int_equal(f.live, 0);
    assert_int_equal(o.score.rows, 30);
    assert_int_equal(o.score.scored + o.score.rejected, 30);
    total = f.calls;
    assert_true(total > 10);
    assert_int_equal(rename(p->model, clean), 0);

    for (size_t n = 1;; n++) {
        f.calls = 0;
        f.fail_at = n;
        f.failed = 0;
        f.live = 0;
        run_once(p, &f, &o);
        if (f.live != 0)
            problem(&problems, "allocation %zu (in %s): %ld block(s) leaked\n", n,
                    step_name[f.failed_in], f.live);
        if (!f.failed) {
            /* fewer than n allocations: the run completed untouched */
            assert_int_equal(o.step, STEP_DONE);
            break;
        }
        by_step[f.failed_in]++;
        if (o.dangling)
            problem(&problems, "allocation %zu: %s failed but returned a model\n", n,
                    step_name[o.step]);
        if (o.step == STEP_DONE) {
            problem(&problems,
                    "allocation %zu (in %s) failed but every step returned LSC_OK (an error "
                    "was lost)\n",
                    n, step_name[f.failed_in]);
            continue;
        }
        if (o.step != (enum step)f.failed_in)
            problem(&problems, "allocation %zu failed in %s, but %s reported it\n", n,
                    step_name[f.failed_in], step_name[o.step]);
        if (o.status != LSC_ERR_NOMEM)
            problem(&problems, "allocation %zu: %s returned %s: %s\n", n, step_name[o.step],
                    lsc_strerror(o.status), o.err.message);
        if (o.status == LSC_ERR_NOMEM && o.err.status != LSC_ERR_NOMEM)
            problem(&problems, "allocation %zu: %s returned LSC_ERR_NOMEM but err says %s\n", n,
                    step_name[o.step], lsc_strerror(o.err.status));
        if (stray_files(p, stray, sizeof stray) != 0)
            problem(&problems, "allocation %zu: %s left \"%s\" behind\n", n, step_name[o.step],
                    stray);
        if (o.step <= STEP_SAVE && access(p->model, F_OK) == 0)
            problem(&problems, "allocation %zu: %s failed but the model file exists\n", n,
                    step_name[o.step]);
        if (access(p->scores, F_OK) == 0)
            problem(&problems, "allocation %zu: %s failed but the scores file exists\n", n,
                    step_name[o.step]);
    }
    print_message("%zu allocations per run; failures injected in lsc_train %zu, "
                  "lsc_model_save %zu, lsc_model_load %zu, lsc_score %zu\n",
                  total, by_step[STEP_TRAIN], by_step[STEP_SAVE], by_step[STEP_LOAD],
                  by_step[STEP_SCORE]);
    lsc_set_allocator(NULL);
    if (problems > 0)
        fail_msg("%zu problem(s), listed above", problems);
    assert_true(by_step[STEP_TRAIN] > 0 && by_step[STEP_SAVE] > 0 && by_step[STEP_LOAD] > 0 &&
                by_step[STEP_SCORE] > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_every_allocation_can_fail, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
