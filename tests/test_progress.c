/* progress: lsc_train and lsc_score report progress through the options'
 * callback - rows and bytes growing, then one finished call per pass at the
 * file's size - and print nothing themselves. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "leadscore.h"

#define ROWS 40000

struct calls {
    size_t n, finished, last_rows, last_bytes, size;
    int monotonic;
};

static void on_progress(void *ud, const struct lsc_progress *p)
{
    struct calls *c = ud;
    if (c->n > 0 && c->finished == 0 && (p->rows < c->last_rows || p->bytes < c->last_bytes))
        c->monotonic = 0;
    c->n++;
    c->finished += p->finished != 0;
    c->last_rows = p->rows;
    c->last_bytes = p->bytes;
    c->size = p->size;
}

struct fixture {
    char dir[64];
    char csv[128], gz[128], model[128], out[128];
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/lsc_progress_XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->csv, sizeof fx->csv, "%s/leads.csv", fx->dir);
    snprintf(fx->gz, sizeof fx->gz, "%s/leads.csv.gz", fx->dir);
    snprintf(fx->model, sizeof fx->model, "%s/m.json", fx->dir);
    snprintf(fx->out, sizeof fx->out, "%s/scores.csv", fx->dir);
    FILE *fp = fopen(fx->csv, "w");
    gzFile g = gzopen(fx->gz, "wb1");
    if (fp == NULL || g == NULL)
        return -1;
    fputs("id,visits,converted\n", fp);
    gzputs(g, "id,visits,converted\n");
    for (unsigned i = 0; i < ROWS; i++) {
        unsigned v = (i * 2654435761u) % 97u;
        unsigned y = (v + i % 13u) % 3u == 0;
        fprintf(fp, "%u,%u,%u\n", i, v, y);
        gzprintf(g, "%u,%u,%u\n", i, v, y);
    }
    fclose(fp);
    gzclose(g);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    unlink(fx->csv);
    unlink(fx->gz);
    unlink(fx->model);
    unlink(fx->out);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static size_t file_size(const char *path)
{
    struct stat sb;
    assert_int_equal(stat(path, &sb), 0);
    return (size_t)sb.st_size;
}

static void check(const struct calls *c, size_t passes, const char *path)
{
    assert_true(c->monotonic);
    assert_int_equal(c->finished, passes);
    assert_true(c->n >= passes * (1 + ROWS / 16384)); /* a few on the way */
    assert_int_equal(c->last_rows, ROWS);
    assert_int_equal(c->size, file_size(path));
    assert_int_equal(c->last_bytes, c->size);
}

static void test_train_and_score(void **state)
{
    struct fixture *fx = *state;
    const char *const ids[] = {"id"};
    struct lsc_error err;
    struct lsc_model *model = NULL;
    struct lsc_train_summary sum;
    struct lsc_train_options o;
    for (int gz = 0; gz <= 1; gz++) {
        struct calls c = {0, 0, 0, 0, 0, 1};
        lsc_train_options_defaults(&o);
        o.input = gz ? fx->gz : fx->csv;
        o.target = "converted";
        o.ids.items = ids;
        o.ids.count = 1;
        o.progress = on_progress;
        o.progress_userdata = &c;
        assert_int_equal(lsc_train(&o, NULL, &model, &sum, &err), LSC_OK);
        check(&c, 1, o.input);
        if (gz) {
            assert_int_equal(lsc_model_save(model, fx->model, 1, &err), LSC_OK);
            lsc_model_free(model);
            model = NULL;
        } else {
            lsc_model_free(model);
            model = NULL;
        }
    }
    assert_int_equal(lsc_model_load(fx->model, &model, &err), LSC_OK);
    for (int gz = 0; gz <= 1; gz++) {
        struct calls c = {0, 0, 0, 0, 0, 1};
        struct lsc_score_options so;
        struct lsc_score_summary ss;
        lsc_score_options_defaults(&so);
        so.input = gz ? fx->gz : fx->csv;
        so.output = fx->out;
        so.force = 1;
        so.progress = on_progress;
        so.progress_userdata = &c;
        assert_int_equal(lsc_score(model, &so, NULL, &ss, &err), LSC_OK);
        assert_int_equal(ss.rows, ROWS);
        check(&c, 1, so.input);
        lsc_score_summary_fini(&ss);
    }
    lsc_model_free(model);
}

/* Without a callback nothing is called (and nothing breaks). */
static void test_no_callback(void **state)
{
    struct fixture *fx = *state;
    struct lsc_error err;
    struct lsc_model *model = NULL;
    struct lsc_train_summary sum;
    struct lsc_train_options o;
    lsc_train_options_defaults(&o);
    assert_null(o.progress);
    o.input = fx->csv;
    o.target = "converted";
    assert_int_equal(lsc_train(&o, NULL, &model, &sum, &err), LSC_OK);
    lsc_model_free(model);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_train_and_score),
        cmocka_unit_test(test_no_callback),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
