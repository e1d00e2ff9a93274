/* drift, baseline and --like: PSI on known values, bins, the reference a
 * trained model stores (round trip byte-identical, validated on load), a
 * batch of the training rows reproducing it, the baseline comparison of a
 * model with itself and the options record of --like. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "drift.h"
#include "leadscore.h"
#include "model_def.h"
#include "test_helpers.h"

#ifndef LSC_SOURCE_DIR
#define LSC_SOURCE_DIR "."
#endif

static const char *const excluded[] = {"Email", "Company", "Last Activity Date", "Created Date"};
static const char *const ids[] = {"Lead ID"};
static const char *const na[] = {"Select"};

static void sample_options(struct lsc_train_options *o)
{
    lsc_train_options_defaults(o);
    o->input = LSC_SOURCE_DIR "/datasets/sample_leads.csv";
    o->target = "Converted";
    o->exclude.items = excluded;
    o->exclude.count = 4;
    o->ids.items = ids;
    o->ids.count = 1;
    o->na_values.items = na;
    o->na_values.count = 1;
}

static struct lsc_model *train(const struct lsc_train_options *o)
{
    struct lsc_train_summary sum;
    struct lsc_model *m = NULL;
    struct lsc_error err;
    enum lsc_status st = lsc_train(o, NULL, &m, &sum, &err);
    if (st != LSC_OK)
        print_error("%s\n", err.message);
    assert_int_equal(st, LSC_OK);
    return m;
}

static void test_psi_known_values(void **state)
{
    (void)state;
    const double e2[] = {0.5, 0.5}, a2[] = {0.25, 0.75}, a2empty[] = {1.0, 0.0};
    const double e10[] = {.1, .1, .1, .1, .1, .1, .1, .1, .1, .1};
    const double e3[] = {0.2, 0.3, 0.5}, a3[] = {0.3, 0.3, 0.4};
    /* values from the formula in Python */
    assert_double_equal(lsc_drift_psi(e2, a2, 2), 0.2746530721670274, 1e-15);
    assert_double_equal(lsc_drift_psi(e2, a2empty, 2), 4.60431846666895, 1e-13); /* floor 1e-4 */
    assert_double_equal(lsc_drift_psi(e10, e10, 10), 0.0, 0.0);
    assert_double_equal(lsc_drift_psi(e3, a3, 3), 0.06286086594223739, 1e-15);
    /* symmetric in its arguments */
    assert_double_equal(lsc_drift_psi(a3, e3, 3), lsc_drift_psi(e3, a3, 3), 1e-15);
}

static void test_bins(void **state)
{
    (void)state;
    const double edges[] = {1.0, 2.0, 5.0};
    assert_int_equal(lsc_drift_bin(edges, 3, -10.0), 0);
    assert_int_equal(lsc_drift_bin(edges, 3, 1.0), 0);
    assert_int_equal(lsc_drift_bin(edges, 3, 1.5), 1);
    assert_int_equal(lsc_drift_bin(edges, 3, 2.0), 1);
    assert_int_equal(lsc_drift_bin(edges, 3, 5.0), 2);
    assert_int_equal(lsc_drift_bin(edges, 3, 5.1), 3);
    assert_int_equal(lsc_drift_bin(edges, 0, 3.0), 0);
}

/* The stored reference: equal-frequency score bins, shares adding up to 1,
 * a numeric 0/1-like column with its ties merged. */
static void test_reference(void **state)
{
    (void)state;
    struct lsc_train_options o;
    sample_options(&o);
    struct lsc_model *m = train(&o);
    assert_non_null(m->drift);
    const struct lsc_drift_ref *r = m->drift;
    assert_int_equal(r->score.n_edges, 9);
    double total = 0.0;
    for (size_t i = 0; i < r->score.n_shares; i++) {
        assert_true(r->score.shares[i] > 0.09 && r->score.shares[i] < 0.11);
        total += r->score.shares[i];
    }
    assert_double_equal(total, 1.0, 1e-12);
    assert_int_equal(r->n_columns, m->n_columns);
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct drift_dist *d = &r->columns[j];
        total = d->missing;
        for (size_t i = 0; i < d->n_shares; i++)
            total += d->shares[i];
        assert_double_equal(total, 1.0, 1e-12);
        if (m->columns[j].type == LSC_COL_NUMERIC) {
            assert_int_equal(d->n_shares, d->n_edges + 1);
            for (size_t i = 1; i < d->n_edges; i++)
                assert_true(d->edges[i] > d->edges[i - 1]);
        } else {
            assert_int_equal(d->n_shares, m->columns[j].n_levels);
        }
    }
    lsc_model_free(m);
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    buf[n] = '\0';
    fclose(fp);
    return buf;
}

/* save -> load -> save is byte-identical with drift and baseline; the
 * baseline of a training-split model against itself shows no difference. */
static void test_round_trip_and_self_baseline(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    sample_options(&o);
    o.refit = 0;
    struct lsc_model *old = train(&o);
    o.baseline = old;
    o.baseline_file = "old.json";
    struct lsc_model *m = train(&o), *back = NULL;
    struct lsc_baseline_info b;
    assert_int_equal(lsc_model_baseline(m, &b), 1);
    assert_int_equal(b.rows, 800);
    assert_int_equal(b.rows_unscorable, 0);
    /* the same options and seed give the same training-split fit: the old
     * model's own scoring of the holdout must agree exactly */
    assert_double_equal(b.auc_new, b.auc_old, 1e-12);
    assert_double_equal(b.p_value, 1.0, 0.0);
    assert_double_equal(b.mean_abs_shift, 0.0, 0.0);
    assert_double_equal(b.tier_change_share, 0.0, 0.0);
    assert_non_null(strstr(b.recommendation, "no significant difference"));
    assert_int_equal(b.old_in_sample, 0); /* --no-refit: the holdout was held out */
    assert_int_equal(lsc_model_baseline(old, &b), 0);

    char *p1 = th_write_temp("m.json", ""), *p2 = th_write_temp("again.json", "");
    assert_int_equal(lsc_model_save(m, p1, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(p1, &back, &err), LSC_OK);
    assert_non_null(back->drift);
    assert_int_equal(lsc_model_save(back, p2, 1, &err), LSC_OK);
    char *t1 = slurp(p1), *t2 = slurp(p2);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\"drift\": {"));
    assert_non_null(strstr(t1, "\"baseline\": {"));
    free(t1);
    free(t2);
    th_remove_temp(p1);
    th_remove_temp(p2);
    lsc_model_free(back);
    lsc_model_free(m);
    lsc_model_free(old);
}

/* A batch fed the training rows' own values reproduces the reference. */
static void test_batch(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    struct drift_batch b;
    struct drift_result r;
    sample_options(&o);
    struct lsc_model *m = train(&o);
    const struct lsc_drift_ref *ref = m->drift;
    assert_int_equal(lsc_drift_batch_init(&b, m, &err), LSC_OK);
    /* 1000 rows in the middle score bin, every numeric missing, every
     * categorical at level 0 */
    for (int i = 0; i < 1000; i++) {
        for (size_t j = 0; j < m->n_columns; j++)
            drift_batch_set(&b, j, m->columns[j].type == LSC_COL_NUMERIC ? NAN : 0.0);
        lsc_drift_batch_commit(&b, ref->score.edges[4]);
    }
    assert_int_equal(lsc_drift_batch_result(&b, &r, &err), LSC_OK);
    assert_int_equal(r.rows, 1000);
    /* all in one of 10 bins: sum over the 9 empty bins and the full one */
    double want = 0.0, e[10], a[10];
    for (size_t i = 0; i < ref->score.n_shares; i++) {
        e[i] = ref->score.shares[i];
        a[i] = i == 4 ? 1.0 : 0.0;
    }
    want = lsc_drift_psi(e, a, ref->score.n_shares);
    assert_double_equal(r.score_psi, want, 1e-12);
    assert_true(r.score_psi > DRIFT_WARN_PSI);
    for (size_t k = 1; k < r.n_columns; k++)
        assert_true(r.columns[k - 1].psi >= r.columns[k].psi);
    char *path = th_write_temp("drift.json", "");
    FILE *fp = fopen(path, "w");
    assert_int_equal(lsc_drift_write_json(&b, &r, fp, path, &err), LSC_OK);
    fclose(fp);
    char *t = slurp(path);
    assert_non_null(strstr(t, "\"warning\": true"));
    assert_non_null(strstr(t, "\"(missing)\""));
    free(t);
    th_remove_temp(path);
    lsc_drift_result_fini(&r);
    lsc_drift_batch_fini(&b);
    lsc_model_free(m);
}

/* --like: every option comes back; explicit values then override. */
static void test_like(void **state)
{
    (void)state;
    struct lsc_train_options o, back;
    struct lsc_error err;
    struct lsc_like *like = NULL;
    sample_options(&o);
    o.l2 = 2.5;
    o.seed = 7;
    o.min_level_count = 3;
    o.holdout = 0.3;
    o.tier_hot = 80;
    o.tier_warm = 30;
    o.delimiter = ',';
    struct lsc_model *m = train(&o);
    assert_int_equal(lsc_like_new(m, &like, &err), LSC_OK);
    lsc_train_options_defaults(&back);
    back.input = "new.csv";
    lsc_like_apply(like, &back);
    assert_string_equal(back.input, "new.csv");
    assert_string_equal(back.target, "Converted");
    assert_double_equal(back.l2, 2.5, 0.0);
    assert_int_equal(back.seed, 7);
    assert_int_equal(back.min_level_count, 3);
    assert_double_equal(back.holdout, 0.3, 0.0);
    assert_double_equal(back.tier_hot, 80, 0.0);
    assert_double_equal(back.tier_warm, 30, 0.0);
    assert_int_equal(back.delimiter, ',');
    assert_int_equal(back.refit, 1);
    assert_int_equal(back.exclude.count, 4);
    assert_string_equal(back.exclude.items[2], "Last Activity Date");
    assert_int_equal(back.ids.count, 1);
    assert_string_equal(back.na_values.items[0], "Select");
    assert_int_equal(back.include.count, 0);
    lsc_like_free(like);

    /* a damaged options record is named */
    json_object_set_new(m->options, "l2", json_string("x"));
    assert_int_equal(lsc_like_new(m, &like, &err), LSC_ERR_MODEL);
    assert_non_null(strstr(err.message, "options.l2"));
    assert_null(like);
    lsc_model_free(m);
}

/* A damaged drift reference is named on load (before the checksum). */
static void test_load_rejects_bad_drift(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    sample_options(&o);
    struct lsc_model *m = train(&o), *back = NULL;
    m->drift->score.shares[0] += 0.5;
    char *p = th_write_temp("m.json", "");
    assert_int_equal(lsc_model_save(m, p, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(p, &back, &err), LSC_ERR_MODEL);
    assert_non_null(strstr(err.message, "drift.score.shares: the shares do not add up to 1"));
    m->drift->score.shares[0] -= 0.5;
    m->drift->score.edges[1] = m->drift->score.edges[0];
    assert_int_equal(lsc_model_save(m, p, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(p, &back, &err), LSC_ERR_MODEL);
    assert_non_null(strstr(err.message, "drift.score.edges: edges must increase strictly"));
    th_remove_temp(p);
    lsc_model_free(m);
}

/* A model without a reference (a file from before drift) scores without
 * drift; asking for the report is a usage error. */
static void test_no_reference(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_score_options so;
    struct lsc_score_summary sum;
    struct lsc_error err;
    sample_options(&o);
    struct lsc_model *m = train(&o);
    lsc_drift_ref_free(m->drift);
    m->drift = NULL;
    char *out = th_write_temp("s.csv", ""), *dj = th_write_temp("d.json", "");
    lsc_score_options_defaults(&so);
    so.input = LSC_SOURCE_DIR "/datasets/sample_new_leads.csv";
    so.output = out;
    so.force = 1;
    assert_int_equal(lsc_score(m, &so, NULL, &sum, &err), LSC_OK);
    assert_int_equal(sum.scored, 500);
    assert_int_equal(sum.drift, 0);
    lsc_score_summary_fini(&sum);
    so.drift_json = dj;
    assert_int_equal(lsc_score(m, &so, NULL, &sum, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "no drift reference"));
    th_remove_temp(out);
    th_remove_temp(dj);
    lsc_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_psi_known_values),
        cmocka_unit_test(test_bins),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_round_trip_and_self_baseline),
        cmocka_unit_test(test_batch),
        cmocka_unit_test(test_like),
        cmocka_unit_test(test_load_rejects_bad_drift),
        cmocka_unit_test(test_no_reference),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
