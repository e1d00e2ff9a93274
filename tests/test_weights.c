/* weights: integer row weights fit exactly as duplicated rows; all-ones
 * weights change nothing; balanced factors; the prior correction; dates and
 * the split by date; the model's weighting and split members round-trip. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "dataset.h"
#include "date_split.h"
#include "design.h"
#include "encoder.h"
#include "leadscore/alloc.h"
#include "leadscore/model.h"
#include "leadscore/train.h"
#include "logreg.h"
#include "model_def.h"
#include "stats.h"
#include "test_helpers.h"
#include "weights.h"

#define NROWS 300

/* Two files from the same draws: "weighted" has a column w in 0..3 and
 * "duplicated" has each row repeated w times (and no w). */
static void make_files(char **weighted, char **duplicated)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 11);
    size_t cap = 256 * 1024, ua = 0, ub = 0;
    char *a = malloc(cap), *b = malloc(cap);
    static const char *const sources[] = {"Web", "Ads", "Referral"};
    ua += (size_t)snprintf(a + ua, cap - ua, "visits,minutes,source,won,w\n");
    ub += (size_t)snprintf(b + ub, cap - ub, "visits,minutes,source,won\n");
    for (int i = 0; i < NROWS; i++) {
        double v = floor(gsl_ran_exponential(rng, 3.0));
        double mins = gsl_ran_gaussian(rng, 5.0) + 10.0;
        size_t s = gsl_rng_uniform_int(rng, 3);
        double eta = -1.0 + 0.3 * v + 0.05 * mins - 0.8 * (double)(s == 1);
        int y = gsl_rng_uniform(rng) < 1.0 / (1.0 + exp(-eta));
        unsigned long w = gsl_rng_uniform_int(rng, 4);
        char row[128];
        if (i % 13 == 0)
            snprintf(row, sizeof row, "%g,,%s,%d", v, sources[s], y);
        else
            snprintf(row, sizeof row, "%g,%.3f,%s,%d", v, mins, sources[s], y);
        ua += (size_t)snprintf(a + ua, cap - ua, "%s,%lu\n", row, w);
        for (unsigned long k = 0; k < w; k++)
            ub += (size_t)snprintf(b + ub, cap - ub, "%s\n", row);
    }
    gsl_rng_free(rng);
    *weighted = th_write_temp("weighted.csv", a);
    *duplicated = th_write_temp("duplicated.csv", b);
    free(a);
    free(b);
}

struct pair {
    char *pa, *pb;
    struct dataset *a, *b;
    struct lsc_model *m;
    size_t *col_src;
    double *w;
    struct design da, db;
};

static int setup(void **state)
{
    struct pair *f = calloc(1, sizeof *f);
    struct lsc_train_options o;
    struct encoder_stats es;
    struct weights_info info;
    make_files(&f->pa, &f->pb);
    lsc_train_options_defaults(&o);
    o.target = "won";
    o.input = f->pa;
    o.weight = "w";
    assert_int_equal(lsc_dataset_load(&f->a, &o, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_dataset_map_target(f->a, &o, NULL, NULL), LSC_OK);
    o.input = f->pb;
    o.weight = NULL;
    assert_int_equal(lsc_dataset_load(&f->b, &o, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_dataset_map_target(f->b, &o, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_weights_load(f->a, &f->w, NULL), LSC_OK);
    assert_non_null(f->w);
    f->m = lsc_model_new();
    assert_non_null(f->m);
    /* one encoding for both (the encoder itself is unweighted) */
    assert_int_equal(lsc_encoder_fit(f->a, NULL, f->a->n_rows, 1, NULL, f->m, &f->col_src, &es, NULL),
                     LSC_OK);
    assert_int_equal(lsc_weights_for_fit(f->a, f->w, 0, NULL, f->a->n_rows, f->w, &info, NULL), LSC_OK);
    assert_int_equal(lsc_design_build(&f->da, f->a, f->m, f->col_src, NULL, f->a->n_rows, NULL),
                     LSC_OK);
    f->da.w = f->w;
    assert_int_equal(lsc_design_build(&f->db, f->b, f->m, f->col_src, NULL, f->b->n_rows, NULL),
                     LSC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct pair *f = *state;
    lsc_design_free(&f->da);
    lsc_design_free(&f->db);
    lsc_model_free(f->m);
    lsc_dataset_free(f->a);
    lsc_dataset_free(f->b);
    lsc_free(f->col_src);
    lsc_free(f->w);
    th_remove_temp(f->pa);
    th_remove_temp(f->pb);
    free(f);
    return 0;
}

static void test_weight_column_is_not_a_feature(void **state)
{
    struct pair *f = *state;
    for (size_t j = 0; j < f->m->n_columns; j++)
        assert_string_not_equal(f->m->columns[j].name, "w");
    assert_int_equal(f->a->n_rows, NROWS);
}

static double rel(double a) { return 1e-9 * (fabs(a) > 1.0 ? fabs(a) : 1.0); }

static void test_integer_weights_equal_duplicated_rows(void **state)
{
    struct pair *f = *state;
    size_t p = f->da.p;
    double l2 = 0.5;
    double *ba = calloc(p, sizeof *ba), *bb = calloc(p, sizeof *bb);
    double *ha = calloc(p * p, sizeof *ha), *hb = calloc(p * p, sizeof *hb);
    struct logreg_opts oa = {l2, 100, 1e-10, ha}, ob = {l2, 100, 1e-10, hb};
    struct logreg_result ra, rb;
    assert_int_equal(lsc_logreg_fit(&f->da, &oa, ba, &ra, NULL), LSC_OK);
    assert_int_equal(lsc_logreg_fit(&f->db, &ob, bb, &rb, NULL), LSC_OK);
    assert_true(ra.converged && rb.converged);
    for (size_t j = 0; j < p; j++)
        assert_double_equal(ba[j], bb[j], 1e-9);
    assert_double_equal(ra.objective, rb.objective, rel(rb.objective));
    for (size_t j = 0; j < p * p; j++)
        assert_double_equal(ha[j], hb[j], rel(hb[j]));

    /* statistics read the weights as frequencies: the same as duplicates */
    struct coef_stats *ca = calloc(p, sizeof *ca), *cb = calloc(p, sizeof *cb);
    struct fit_stats fa, fb;
    assert_int_equal(lsc_stats_compute(&f->da, ba, l2, NULL, 0.0, ca, &fa, NULL), LSC_OK);
    assert_int_equal(lsc_stats_compute(&f->db, bb, l2, NULL, 0.0, cb, &fb, NULL), LSC_OK);
    for (size_t j = 0; j < p; j++)
        assert_double_equal(ca[j].std_error, cb[j].std_error, rel(cb[j].std_error));
    assert_double_equal(fa.log_likelihood, fb.log_likelihood, rel(fb.log_likelihood));
    assert_double_equal(fa.null_log_likelihood, fb.null_log_likelihood,
                        rel(fb.null_log_likelihood));
    assert_double_equal(fa.bic, fb.bic, rel(fb.bic));
    free(ca);
    free(cb);
    free(ba);
    free(bb);
    free(ha);
    free(hb);
}

/* "NULL = unweighted" and weights of 1 give the same bits. */
static void test_unit_weights_change_nothing(void **state)
{
    struct pair *f = *state;
    struct design d = f->db;
    size_t p = d.p;
    double *ones = malloc(d.n * sizeof *ones);
    for (size_t i = 0; i < d.n; i++)
        ones[i] = 1.0;
    double *b0 = calloc(p, sizeof *b0), *b1 = calloc(p, sizeof *b1);
    struct logreg_opts lo = {1.0, 100, 1e-10, NULL};
    struct logreg_result r0, r1;
    d.w = NULL;
    assert_int_equal(lsc_logreg_fit(&d, &lo, b0, &r0, NULL), LSC_OK);
    d.w = ones;
    assert_int_equal(lsc_logreg_fit(&d, &lo, b1, &r1, NULL), LSC_OK);
    assert_memory_equal(b0, b1, p * sizeof *b0);
    assert_memory_equal(&r0.objective, &r1.objective, sizeof r0.objective);
    free(ones);
    free(b0);
    free(b1);
}

static void test_balanced_factors(void **state)
{
    struct pair *f = *state;
    struct weights_info info;
    double *w = malloc(f->a->n_rows * sizeof *w);
    assert_int_equal(lsc_weights_for_fit(f->a, NULL, 1, NULL, f->a->n_rows, w, &info, NULL), LSC_OK);
    double n = (double)f->a->n_rows, pos = (double)f->a->positives;
    assert_double_equal(info.class_factor[1], n / (2.0 * pos), 1e-15);
    assert_double_equal(info.class_factor[0], n / (2.0 * (n - pos)), 1e-15);
    assert_double_equal(info.fitted_rate, 0.5, 1e-12);
    assert_double_equal(info.total, n, 1e-9);
    assert_double_equal(info.sample_rate, pos / n, 1e-15);
    free(w);
}

static void test_prior_correction(void **state)
{
    (void)state;
    /* a 50% sample of a 10% population: the intercept moves by logit(0.1) */
    assert_double_equal(lsc_weights_prior_correction(0.1, 0.5), log(0.1 / 0.9), 1e-15);
    assert_double_equal(lsc_weights_prior_correction(0.3, 0.3), 0.0, 1e-15);
}

static void test_dates(void **state)
{
    (void)state;
    long d = -1;
    assert_true(lsc_date_split_parse("1970-01-01", 10, NULL, &d));
    assert_int_equal(d, 0);
    assert_true(lsc_date_split_parse("2024-03-01", 10, NULL, &d));
    assert_int_equal(d, 19783);
    assert_true(lsc_date_split_parse(" 2024-03-01T23:59:00 ", 21, NULL, &d));
    assert_int_equal(d, 19783);
    assert_true(lsc_date_split_parse("2024-02-29", 10, NULL, &d));
    assert_int_equal(d, 19782);
    assert_false(lsc_date_split_parse("2023-02-29", 10, NULL, &d));
    assert_false(lsc_date_split_parse("01/03/2024", 10, NULL, &d));
    assert_false(lsc_date_split_parse("", 0, NULL, &d));
    char out[16];
    lsc_date_split_normalise("2024-3-1", NULL, out);
    assert_string_equal(out, "");
    lsc_date_split_normalise("2024-03-01 10:00", NULL, out);
    assert_string_equal(out, "2024-03-01");
    /* --date-format (issue 14): the format, and ISO still */
    assert_true(lsc_date_split_parse("01/03/2024", 10, "%d/%m/%Y", &d));
    assert_int_equal(d, 19783);
    assert_true(lsc_date_split_parse("2024-03-01", 10, "%d/%m/%Y", &d));
    assert_int_equal(d, 19783);
    lsc_date_split_normalise("29/02/2024", "%d/%m/%Y", out);
    assert_string_equal(out, "2024-02-29");
    lsc_date_split_normalise("31/12/1969", "%d/%m/%Y", out);
    assert_string_equal(out, "1969-12-31");
}

/* A small file: dates across two years, a weight column, a few rows without
 * a date. */
static char *make_dated(int bad_date, int bad_weight)
{
    size_t cap = 64 * 1024, used = 0;
    char *buf = malloc(cap);
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 5);
    used += (size_t)snprintf(buf + used, cap - used, "created,visits,source,w,won\n");
    for (int i = 0; i < 200; i++) {
        double v = floor(gsl_ran_exponential(rng, 3.0));
        int s = (int)gsl_rng_uniform_int(rng, 2);
        int y = gsl_rng_uniform(rng) < 1.0 / (1.0 + exp(1.0 - 0.3 * v));
        char date[32] = "";
        if (i % 25 != 7)
            snprintf(date, sizeof date, "%d-%02d-15", 2023 + i / 100, 1 + (i % 100) / 9);
        if (bad_date && i == 150)
            snprintf(date, sizeof date, "15/03/2024");
        const char *w = bad_weight && i == 42 ? "-1" : (i % 3 ? "1" : "2.5");
        used += (size_t)snprintf(buf + used, cap - used, "%s,%g,%s,%s,%d\n", date, v,
                                 s ? "Web" : "Ads", w, y);
    }
    gsl_rng_free(rng);
    char *path = th_write_temp("dated.csv", buf);
    free(buf);
    return path;
}

static void dated_options(struct lsc_train_options *o, const char *path)
{
    lsc_train_options_defaults(o);
    o->input = path;
    o->target = "won";
    o->weight = "w";
    o->class_weight_balanced = 1;
    o->population_rate = 0.1;
    o->split_date = "created";
    o->cutoff = "2024-01-01";
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *s = malloc((size_t)n + 1);
    assert_int_equal(fread(s, 1, (size_t)n, fp), (size_t)n);
    s[n] = '\0';
    fclose(fp);
    return s;
}

static void test_split_weights_model_round_trip(void **state)
{
    (void)state;
    char *path = make_dated(0, 0);
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_model *m = NULL, *back = NULL;
    struct lsc_error err;
    dated_options(&o, path);
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_OK);
    /* 8 rows without a date (i % 25 == 7); 100 dated 2023 of which 4 missing */
    assert_int_equal(sum.date_missing_rows, 8);
    assert_int_equal(sum.train_rows, 96);
    assert_int_equal(sum.holdout_rows, 96);
    assert_true(m->date_split.present);
    assert_string_equal(m->date_split.cutoff, "2024-01-01");
    assert_true(m->weighting.present && m->weighting.balanced);
    assert_string_equal(m->weighting.column, "w");
    /* non-integer weights: no frequency-weight statistics */
    assert_null(m->coef_stats);
    assert_double_equal(m->weighting.intercept_correction,
                        log(0.1 / 0.9) - log(m->weighting.fitted_rate /
                                             (1.0 - m->weighting.fitted_rate)),
                        1e-12);

    char *dir = th_write_temp("m1.json", "");
    char p2[512];
    snprintf(p2, sizeof p2, "%s.2", dir);
    assert_int_equal(lsc_model_save(m, dir, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(dir, &back, &err), LSC_OK);
    assert_int_equal(back->date_split.train_rows, 96);
    assert_true(back->weighting.present);
    assert_double_equal(back->weighting.population_rate, 0.1, 0.0);
    assert_int_equal(lsc_model_save(back, p2, 1, &err), LSC_OK);
    char *t1 = slurp(dir), *t2 = slurp(p2);
    assert_string_equal(t1, t2);

    /* a damaged field is named */
    char *bad = strstr(strstr(t1, "\"weighting\""), "\"population_rate\": 0.1");
    assert_non_null(bad);
    memcpy(bad, "\"population_rate\": 1.5", 22);
    FILE *fp = fopen(p2, "wb");
    fputs(t1, fp);
    fclose(fp);
    struct lsc_model *worse = NULL;
    assert_int_equal(lsc_model_load(p2, &worse, &err), LSC_ERR_MODEL);
    assert_non_null(strstr(err.message, "weighting.population_rate"));
    free(t1);
    free(t2);
    unlink(p2);
    th_remove_temp(dir);
    lsc_model_free(m);
    lsc_model_free(back);
    th_remove_temp(path);
}

static void test_bad_values_name_the_place(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_model *m = NULL;
    struct lsc_error err;
    char *path = make_dated(1, 0);
    dated_options(&o, path);
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_ERR_DATA);
    assert_true(sum.input_rejected);
    assert_int_equal(err.line, 152);
    assert_int_equal(err.column, 1);
    assert_non_null(strstr(err.message, "15/03/2024"));
    th_remove_temp(path);

    path = make_dated(0, 1);
    dated_options(&o, path);
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_ERR_DATA);
    assert_true(sum.input_rejected);
    assert_int_equal(err.line, 44);
    assert_int_equal(err.column, 4);
    assert_non_null(strstr(err.message, "negative"));

    /* a cutoff after every date leaves no validation rows */
    dated_options(&o, path);
    o.weight = NULL;
    o.cutoff = "2030-01-01";
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_ERR_DATA);
    assert_false(sum.input_rejected);
    assert_non_null(strstr(err.message, "no rows are dated on or after the cutoff"));
    th_remove_temp(path);
    assert_null(m);
}

/* Every allocation of a weighted, date-split train + save + load can fail:
 * LSC_ERR_NOMEM comes back, nothing leaks (cmocka's checked allocator) and
 * no model is handed out. */
static void test_every_allocation_can_fail(void **state)
{
    (void)state;
    char *path = make_dated(0, 0);
    char *out = th_write_temp("m.json", "");
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_error err;
    struct th_budget b = {0};
    struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
    size_t failures = 0;
    dated_options(&o, path);
    lsc_set_allocator(&a);
    for (size_t n = 0;; n++) {
        struct lsc_model *m = NULL, *back = NULL;
        b.left = n;
        enum lsc_status st = lsc_train(&o, NULL, &m, &sum, &err);
        if (st == LSC_OK)
            st = lsc_model_save(m, out, 1, &err);
        if (st == LSC_OK)
            st = lsc_model_load(out, &back, &err);
        lsc_model_free(m);
        lsc_model_free(back);
        if (st == LSC_OK)
            break;
        if (st != LSC_ERR_NOMEM) {
            lsc_set_allocator(NULL);
            fail_msg("budget %zu: %s: %s", n, lsc_strerror(st), err.message);
        }
        failures++;
    }
    lsc_set_allocator(NULL);
    print_message("%zu allocation failures injected\n", failures);
    assert_true(failures > 100);
    th_remove_temp(out);
    th_remove_temp(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_weight_column_is_not_a_feature, setup, teardown),
        cmocka_unit_test_setup_teardown(test_integer_weights_equal_duplicated_rows, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_unit_weights_change_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(test_balanced_factors, setup, teardown),
        cmocka_unit_test(test_prior_correction),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_split_weights_model_round_trip),
        cmocka_unit_test(test_bad_values_name_the_place),
        cmocka_unit_test(test_every_allocation_can_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
