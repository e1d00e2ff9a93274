/* Tests of the comparison of rule scores and model (compare.c) and its rank
 * statistics (rankstats.c). Expected values come from
 * scripts/delong_check.py's DeLong (placement values by binary search, an
 * algorithm independent of the midranks used here), scipy.stats and a
 * numpy Newton fit; each case says which. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "compare.h"
#include "rankstats.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* The hand example: 12 leads, 6 converted, two scores with ties. */
static const unsigned char hy[] = {1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1};
static const double ha[] = {0.9, 0.2, 0.7, 0.4, 0.4, 0.1, 0.8, 0.6, 0.3, 0.5, 0.5, 0.65};
static const double hb[] = {30, 10, 30, 20, 20, 0, 50, 40, 10, 20, 30, 10};

static void test_delong_hand(void **state)
{
    (void)state;
    const double *scores[2] = {ha, hb};
    double auc[2], cov[4], lo, hi, z, se;
    struct lsc_error err;
    assert_int_equal(lsc_rank_delong(scores, 2, hy, 12, auc, cov, &err), LSC_OK);
    /* sklearn.metrics.roc_auc_score */
    assert_double_equal(auc[0], 0.8888888888888888, 1e-15);
    assert_double_equal(auc[1], 0.6666666666666667, 1e-15);
    /* delong_check.py: the covariance matrix */
    assert_double_equal(cov[0], 0.008950617283950617, 1e-15);
    assert_double_equal(cov[1], 0.010185185185185184, 1e-15);
    assert_double_equal(cov[2], 0.010185185185185184, 1e-15);
    assert_double_equal(cov[3], 0.028240740740740747, 1e-15);
    lsc_rank_auc_ci(auc[0], cov[0], 0.95, &lo, &hi);
    assert_double_equal(lo, 0.7034612002442602, 1e-12);
    assert_double_equal(hi, 1.0, 0.0); /* clipped */
    lsc_rank_auc_ci(auc[1], cov[3], 0.95, &lo, &hi);
    assert_double_equal(lo, 0.33729507921344615, 1e-12);
    assert_double_equal(hi, 0.9960382541198871, 1e-12);
    double p = lsc_rank_paired_p(auc[0], auc[1], cov[0], cov[3], cov[1], &z, &se);
    assert_double_equal(z, 1.7134117475124775, 1e-12);
    assert_double_equal(p, 0.08663681660312042, 1e-12);
    /* identical scores: no difference to test */
    p = lsc_rank_paired_p(auc[0], auc[0], cov[0], cov[0], cov[0], &z, &se);
    assert_double_equal(p, 1.0, 0.0);
    assert_true(isnan(z));
}

static void test_delong_one_class(void **state)
{
    (void)state;
    static const unsigned char y1[] = {1, 1, 1};
    static const double s[] = {0.1, 0.2, 0.3};
    const double *scores[1] = {s};
    double auc, cov;
    struct lsc_error err;
    assert_int_equal(lsc_rank_delong(scores, 1, y1, 3, &auc, &cov, &err), LSC_ERR_DATA);
}

static void test_midranks(void **state)
{
    (void)state;
    static const double x[] = {3, 1, 3, 2, 3};
    double r[5];
    assert_int_equal(lsc_rank_midranks(x, 5, r), LSC_OK);
    assert_double_equal(r[0], 4.0, 0.0);
    assert_double_equal(r[1], 1.0, 0.0);
    assert_double_equal(r[2], 4.0, 0.0);
    assert_double_equal(r[3], 2.0, 0.0);
    assert_double_equal(r[4], 4.0, 0.0);
}

struct corr_case {
    const char *name;
    const double *x, *y;
    size_t n;
    double kendall, spearman; /* scipy.stats.kendalltau (tau-b), spearmanr */
};

static const double cx2[] = {1, 1, 2, 2, 3, 3, 3, 4}, cy2[] = {1, 2, 1, 2, 3, 3, 1, 1};
static const double cx3[] = {1, 2, 3, 4}, cy3[] = {4, 3, 2, 1};
static const double cx4[] = {1, 1, 1}, cy4[] = {1, 2, 3};

static const struct corr_case corr_cases[] = {
    {"hand example", ha, hb, 12, 0.6622661785325219, 0.7563938757559954},
    {"ties in both", cx2, cy2, 8, 0.09325048082403138, 0.08006407690254357},
    {"reversed", cx3, cy3, 4, -1.0, -1.0},
    {"constant x", cx4, cy4, 3, NAN, NAN},
};

static void test_kendall_spearman(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(corr_cases); i++) {
        const struct corr_case *c = &corr_cases[i];
        double tau, rho;
        print_message("correlation: %s\n", c->name);
        assert_int_equal(lsc_rank_kendall_tau_b(c->x, c->y, c->n, &tau), LSC_OK);
        assert_int_equal(lsc_rank_spearman(c->x, c->y, c->n, &rho), LSC_OK);
        if (isnan(c->kendall)) {
            assert_true(isnan(tau));
            assert_true(isnan(rho));
        } else {
            assert_double_equal(tau, c->kendall, 1e-14);
            assert_double_equal(rho, c->spearman, 1e-14);
        }
    }
}

/* Kendall's O(n log n) count against the O(n^2) definition on a larger
 * input with many ties. */
static void test_kendall_brute(void **state)
{
    (void)state;
    enum { N = 300 };
    double x[N], y[N];
    unsigned s = 12345;
    for (size_t i = 0; i < N; i++) {
        s = s * 1103515245u + 12345u;
        x[i] = (double)((s >> 16) % 7);
        s = s * 1103515245u + 12345u;
        y[i] = (double)((s >> 16) % 5) + 0.5 * x[i];
    }
    double nc = 0, nd = 0, tx = 0, ty = 0;
    for (size_t i = 0; i < N; i++)
        for (size_t j = i + 1; j < N; j++) {
            double a = x[i] - x[j], b = y[i] - y[j];
            if (a == 0 && b == 0)
                continue;
            if (a == 0)
                tx++;
            else if (b == 0)
                ty++;
            else if ((a > 0) == (b > 0))
                nc++;
            else
                nd++;
        }
    double want = (nc - nd) / sqrt((nc + nd + tx) * (nc + nd + ty));
    double tau;
    assert_int_equal(lsc_rank_kendall_tau_b(x, y, N, &tau), LSC_OK);
    assert_double_equal(tau, want, 1e-14);
}

static void test_ks(void **state)
{
    (void)state;
    double ks, at;
    /* scipy.stats.ks_2samp(score[y == 1], score[y == 0]).statistic */
    assert_int_equal(lsc_rank_ks(ha, hy, 12, &ks, &at), LSC_OK);
    assert_double_equal(ks, 2.0 / 3.0, 1e-15);
    assert_int_equal(lsc_rank_ks(hb, hy, 12, &ks, &at), LSC_OK);
    assert_double_equal(ks, 1.0 / 3.0, 1e-15);
    static const unsigned char y1[] = {1, 1};
    assert_int_equal(lsc_rank_ks(ha, y1, 2, &ks, &at), LSC_OK);
    assert_true(isnan(ks));
}

/* A tie group straddling rank k is shared out evenly. */
static void test_gains_ties(void **state)
{
    (void)state;
    static const double s[] = {5, 1, 5, 5, 1, 5};
    static const unsigned char y[] = {1, 1, 0, 0, 1, 0};
    struct rank_gains g;
    size_t rows, pos;
    assert_int_equal(lsc_rank_gains_init(&g, s, y, 6), LSC_OK);
    assert_int_equal(g.n_groups, 2);
    assert_double_equal(lsc_rank_gains_positives(&g, 0), 0.0, 0.0);
    assert_double_equal(lsc_rank_gains_positives(&g, 2), 0.5, 1e-15);
    assert_double_equal(lsc_rank_gains_positives(&g, 4), 1.0, 1e-15);
    assert_double_equal(lsc_rank_gains_positives(&g, 5), 2.0, 1e-15);
    assert_double_equal(lsc_rank_gains_positives(&g, 6), 3.0, 1e-15);
    assert_double_equal(lsc_rank_gains_score_at(&g, 4), 5.0, 0.0);
    assert_double_equal(lsc_rank_gains_score_at(&g, 5), 1.0, 0.0);
    lsc_rank_gains_at_least(&g, 5.0, &rows, &pos);
    assert_int_equal(rows, 4);
    assert_int_equal(pos, 1);
    lsc_rank_gains_at_least(&g, 0.0, &rows, &pos);
    assert_int_equal(rows, 6);
    assert_int_equal(pos, 3);
    lsc_rank_gains_fini(&g);
}

static void test_scale_points(void **state)
{
    (void)state;
    static const double beta[] = {0.5, -1.0, 0.25, 3.0};
    static const double points[] = {10, -20, 5, 7};
    static const int use[] = {1, 1, 1, 0};
    double sug[4];
    /* the largest |beta| among used rules (1.0) gets the largest |points| (20) */
    double f = lsc_compare_scale_points(beta, points, use, 4, sug);
    assert_double_equal(f, 20.0, 1e-15);
    assert_double_equal(sug[0], 10.0, 1e-14);
    assert_double_equal(sug[1], -20.0, 1e-14);
    assert_double_equal(sug[2], 5.0, 1e-14);
    assert_double_equal(f * log(2.0), 13.862943611198906, 1e-12); /* points to double the odds */
    static const double zero[] = {0, 0, 0, 0};
    assert_true(isnan(lsc_compare_scale_points(zero, points, use, 4, sug)));
}

/* Against a numpy Newton fit of the same penalised objective (l2 = 1). */
static void test_fit_rules(void **state)
{
    (void)state;
    static const double u[] = {1, 0, 2, 0, 1, 0, 1, 1, 1, 0, 0, 3, 1, 0, 0,
                               0, 1, 2, 1, 1, 0, 0, 0, 1, 1, 0, 3, 0, 1, 1};
    static const unsigned char y[] = {1, 0, 1, 1, 0, 0, 1, 0, 1, 1};
    static const double want_b[] = {-0.9011750839961495, 0.7200180007448718, 0.27027991220398,
                                    0.6689057946193155};
    static const double want_se[] = {1.186237013166232, 0.812944783926201, 0.8238320702809931,
                                     0.5620976781979016};
    double b[4], se[4];
    struct compare_fit fit;
    struct lsc_error err;
    assert_int_equal(lsc_compare_fit_rules(u, y, 10, 3, 1.0, b, se, &fit, &err), LSC_OK);
    assert_true(fit.converged);
    for (size_t j = 0; j < 4; j++) {
        assert_double_equal(b[j], want_b[j], 1e-10);
        assert_double_equal(se[j], want_se[j], 1e-10);
    }
    /* a rule that never fires: zero column, coefficient 0, fit still works */
    double u0[20];
    for (size_t i = 0; i < 10; i++) {
        u0[2 * i] = u[3 * i];
        u0[2 * i + 1] = 0.0;
    }
    assert_int_equal(lsc_compare_fit_rules(u0, y, 10, 2, 1.0, b, se, &fit, &err), LSC_OK);
    assert_double_equal(b[2], 0.0, 1e-15);
    assert_double_equal(se[2], 1.0, 1e-12); /* 1 / sqrt(lambda) */
}

static void test_labels(void **state)
{
    (void)state;
    static const char *const pos[] = {"Won"};
    assert_int_equal(lsc_compare_parse_label("1", 1, NULL, 0), 1);
    assert_int_equal(lsc_compare_parse_label(" Yes ", 5, NULL, 0), 1);
    assert_int_equal(lsc_compare_parse_label("FALSE", 5, NULL, 0), 0);
    assert_int_equal(lsc_compare_parse_label("0.0", 3, NULL, 0), 0);
    assert_int_equal(lsc_compare_parse_label("n", 1, NULL, 0), 0);
    assert_int_equal(lsc_compare_parse_label("", 0, NULL, 0), LSC_LABEL_MISSING);
    assert_int_equal(lsc_compare_parse_label("NA", 2, NULL, 0), LSC_LABEL_MISSING);
    assert_int_equal(lsc_compare_parse_label("Won", 3, NULL, 0), LSC_LABEL_UNKNOWN);
    assert_int_equal(lsc_compare_parse_label("2", 1, NULL, 0), LSC_LABEL_UNKNOWN);
    assert_int_equal(lsc_compare_parse_label("Won", 3, pos, 1), 1);
    assert_int_equal(lsc_compare_parse_label("Lost", 4, pos, 1), 0);
    assert_int_equal(lsc_compare_parse_label("won", 3, pos, 1), 1); /* ignoring case */
    assert_int_equal(lsc_compare_parse_label("WON ", 4, pos, 1), 1);
    assert_int_equal(lsc_compare_parse_label("null", 4, pos, 1), LSC_LABEL_MISSING);
}

/* The comparison's view of a loaded sheet: rules in sheet order, their
 * dimension and points, the cut-offs. */
static void test_sheet_from_rules(void **state)
{
    (void)state;
    char *path = th_write_temp("sheet.csv", "Rule;Dimension;Column;Operator;Value;Points;Cap\n"
                                            "# fit;;;;;;\n"
                                            "R1;Fit;Seniority;in;VP;+20;\n"
                                            "setting;total;;qualified;50;;\n"
                                            "R2;engagement;Visits;Per_Unit;1;2.5;10\n"
                                            ";;;;;;\n"
                                            "setting;;;hot;70;;\n"
                                            "setting;;;warm;40;;\n"
                                            "R3;engagement;Bounced;equals;Yes;-10;\n");
    struct compare_sheet sh;
    struct lsc_error err;
    struct lsc_rules *r = NULL;
    assert_non_null(path);
    assert_int_equal(lsc_rules_load(path, &r, &err), LSC_OK);
    assert_int_equal(lsc_compare_sheet_from_rules(r, &sh, &err), LSC_OK);
    assert_int_equal(sh.n_rules, 3);
    assert_string_equal(sh.rules[0].id, "R1");
    assert_string_equal(sh.rules[0].dimension, "fit");
    assert_double_equal(sh.rules[0].points, 20.0, 0.0);
    assert_false(sh.rules[0].per_unit);
    assert_true(sh.rules[1].per_unit);
    assert_double_equal(sh.rules[1].points, 2.5, 0.0);
    assert_double_equal(sh.rules[2].points, -10.0, 0.0);
    assert_true(sh.has_qualified);
    assert_double_equal(sh.qualified, 50.0, 0.0);
    assert_true(sh.has_tiers);
    assert_double_equal(sh.hot, 70.0, 0.0);
    assert_double_equal(sh.warm, 40.0, 0.0);
    lsc_compare_sheet_fini(&sh);
    lsc_rules_free(r);
    th_remove_temp(path);
}

/* ---- whole comparisons ------------------------------------------------------ */

static json_t *finish_and_parse(struct lsc_compare *c)
{
    struct lsc_error err;
    assert_int_equal(lsc_compare_finish(c, &err), LSC_OK);
    FILE *fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(lsc_compare_write_json(c, fp, &err), LSC_OK);
    rewind(fp);
    json_error_t jerr;
    json_t *root = json_loadf(fp, 0, &jerr);
    fclose(fp);
    assert_non_null(root);
    /* the report is written from the same tree */
    fp = tmpfile();
    assert_non_null(fp);
    assert_int_equal(lsc_compare_write_report(c, fp, &err), LSC_OK);
    fclose(fp);
    return root;
}

static double jn(const json_t *o, const char *k)
{
    const json_t *v = json_object_get(o, k);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* 20 leads, probability i/20, every second one from the top converted in
 * the upper half: deciles hold 2 leads each. */
static void test_deciles_and_thresholds(void **state)
{
    (void)state;
    struct compare_config cfg;
    struct lsc_compare *c = NULL;
    struct lsc_error err;
    lsc_compare_config_defaults(&cfg);
    cfg.label = "Converted";
    cfg.has_model = 1;
    cfg.rules_kind = COMPARE_RULES_COLUMN;
    cfg.rules_name = "score";
    cfg.rule_tiers = 1;
    cfg.rule_tier_hot = 70;
    cfg.rule_tier_warm = 40;
    assert_int_equal(lsc_compare_new(&c, &cfg, &err), LSC_OK);
    for (size_t i = 0; i < 20; i++) {
        struct compare_row row;
        memset(&row, 0, sizeof row);
        row.row = i + 1;
        row.line = i + 2;
        row.y = i >= 10 ? (int)(i % 2) : (i == 3);
        row.probability = (double)(i + 1) / 21.0;
        row.model_score = (int)lround(100.0 * row.probability);
        row.model_tier = row.model_score >= 70 ? "hot" : (row.model_score >= 40 ? "warm" : "cold");
        row.rule_score = (double)(i % 5) * 20.0; /* ties */
        row.rule_tier = row.rule_score >= 70 ? "hot" : (row.rule_score >= 40 ? "warm" : "cold");
        assert_int_equal(lsc_compare_add(c, &row, &err), LSC_OK);
    }
    lsc_compare_skip(c, COMPARE_SKIP_LABEL);
    json_t *root = finish_and_parse(c);
    assert_double_equal(jn(root, "rows"), 20, 0);
    assert_double_equal(jn(root, "positives"), 6, 0);
    assert_double_equal(jn(root, "rows_skipped_label"), 1, 0);
    assert_double_equal(jn(root, "rows_read"), 21, 0);
    const json_t *dm = json_object_get(json_object_get(root, "deciles"), "model");
    assert_int_equal(json_array_size(dm), 10);
    /* top decile: leads 20 and 19 (i = 19, 18): one converted */
    assert_double_equal(jn(json_array_get(dm, 0), "count"), 2, 0);
    assert_double_equal(jn(json_array_get(dm, 0), "conversion_rate"), 0.5, 1e-15);
    assert_double_equal(jn(json_array_get(dm, 0), "score_max"), 20.0 / 21.0, 1e-15);
    /* decile 9: i = 3, 2: one converted */
    assert_double_equal(jn(json_array_get(dm, 8), "conversion_rate"), 0.5, 1e-15);
    assert_double_equal(jn(json_array_get(dm, 9), "conversion_rate"), 0.0, 0.0);
    /* rule scores 80 (i = 4, 9, 14, 19: 1 converted) take the first two
     * deciles with their conversion rate shared out */
    const json_t *dr = json_object_get(json_object_get(root, "deciles"), "rules");
    assert_double_equal(jn(json_array_get(dr, 0), "conversion_rate"), 0.25, 1e-15);
    assert_double_equal(jn(json_array_get(dr, 1), "conversion_rate"), 0.25, 1e-15);
    assert_double_equal(jn(json_array_get(dr, 0), "score_min"), 80, 0);
    /* the model's cut-off at score >= 50: i >= 10 (probability 11/21) */
    const json_t *th = json_object_get(root, "threshold");
    assert_true(json_is_null(json_object_get(th, "rules"))); /* no sheet threshold */
    const json_t *tm = json_object_get(th, "model");
    assert_double_equal(jn(tm, "passed"), 10, 0);
    assert_double_equal(jn(tm, "precision"), 0.5, 1e-15);
    assert_double_equal(jn(tm, "recall"), 5.0 / 6.0, 1e-15);
    const json_t *rs = json_object_get(th, "rules_same_volume");
    assert_double_equal(jn(rs, "cutoff"), 40, 0); /* 10th highest rule score */
    assert_double_equal(jn(rs, "passed"), 12, 0);
    /* tiers and the cross table */
    const json_t *ct = json_object_get(json_object_get(root, "agreement"), "cross_table");
    assert_int_equal(json_array_size(ct), 9);
    double total = 0;
    for (size_t k = 0; k < 9; k++)
        total += jn(json_array_get(ct, k), "count");
    assert_double_equal(total, 20, 0);
    assert_int_equal(
        json_array_size(json_object_get(json_object_get(root, "agreement"), "disagreements")), 20);
    /* no sheet: no per-rule validation */
    assert_int_equal(json_array_size(json_object_get(root, "rules_validation")), 0);
    json_decref(root);
    lsc_compare_free(c);
}

static void test_one_class(void **state)
{
    (void)state;
    struct compare_config cfg;
    struct lsc_compare *c = NULL;
    struct lsc_error err;
    lsc_compare_config_defaults(&cfg);
    cfg.label = "Converted";
    cfg.has_model = 1;
    assert_int_equal(lsc_compare_new(&c, &cfg, &err), LSC_OK);
    for (size_t i = 0; i < 5; i++) {
        struct compare_row row;
        memset(&row, 0, sizeof row);
        row.y = 1;
        row.probability = 0.1 * (double)i;
        row.model_score = 1;
        row.model_tier = "cold";
        assert_int_equal(lsc_compare_add(c, &row, &err), LSC_OK);
    }
    assert_int_equal(lsc_compare_finish(c, &err), LSC_ERR_DATA);
    assert_non_null(strstr(err.message, "only one class"));
    lsc_compare_free(c);
    /* no rows at all */
    assert_int_equal(lsc_compare_new(&c, &cfg, &err), LSC_OK);
    assert_int_equal(lsc_compare_finish(c, &err), LSC_ERR_DATA);
    lsc_compare_free(c);
}

/* Rules only, from a sheet: hits become units (adjustments ignored), a rule
 * that never fires is flagged, and the regression's suggested points keep
 * the sheet's largest magnitude. */
static void test_rules_validation(void **state)
{
    (void)state;
    static struct compare_rule rules[] = {
        {"R1", "fit", 10.0, 0}, {"R2", "engagement", 2.0, 1}, {"R3", "fit", -5.0, 0}};
    struct compare_sheet sheet = {rules, 3, 1, 0, 12.0, 0, 0};
    static const char *const dims[] = {"fit", "engagement"};
    struct compare_config cfg;
    struct lsc_compare *c = NULL;
    struct lsc_error err;
    lsc_compare_config_defaults(&cfg);
    cfg.label = "y";
    cfg.rules_kind = COMPARE_RULES_SHEET;
    cfg.rules_name = "/some/where/sheet.csv";
    cfg.sheet = &sheet;
    cfg.n_dims = 2;
    cfg.dims = dims;
    assert_int_equal(lsc_compare_new(&c, &cfg, &err), LSC_OK);
    for (size_t i = 0; i < 40; i++) {
        struct lsc_rule_hit hits[3];
        size_t nh = 0;
        int r1 = i % 2 == 0, units = (int)(i % 4);
        if (r1)
            hits[nh++] = (struct lsc_rule_hit){"R1", 10.0, NAN};
        if (units > 0)
            hits[nh++] = (struct lsc_rule_hit){"R2", 2.0 * units, NAN};
        hits[nh++] = (struct lsc_rule_hit){"fit.max", -1.0, NAN};
        double dp[2] = {r1 ? 10.0 : 0.0, 2.0 * units};
        struct compare_row row;
        memset(&row, 0, sizeof row);
        row.row = i + 1;
        row.y = (i % 3 == 0) || (r1 && i % 5 != 0);
        row.rule_score = dp[0] + dp[1];
        row.dim_points = dp;
        row.rule_tier = "";
        row.hits = hits;
        row.n_hits = nh;
        assert_int_equal(lsc_compare_add(c, &row, &err), LSC_OK);
    }
    json_t *root = finish_and_parse(c);
    const json_t *rules_obj = json_object_get(root, "rules");
    assert_string_equal(json_string_value(json_object_get(rules_obj, "name")), "sheet.csv");
    assert_true(json_is_null(json_object_get(root, "model")));
    assert_true(json_is_null(json_object_get(root, "auc_difference")));
    assert_int_equal(json_array_size(json_object_get(rules_obj, "dimensions")), 2);
    const json_t *rv = json_object_get(root, "rules_validation");
    assert_int_equal(json_array_size(rv), 3);
    const json_t *e1 = json_array_get(rv, 0), *e2 = json_array_get(rv, 1),
                 *e3 = json_array_get(rv, 2);
    assert_double_equal(jn(e1, "support"), 20, 0);
    assert_double_equal(jn(e2, "support"), 30, 0);
    assert_double_equal(jn(e3, "support"), 0, 0);
    assert_true(isnan(jn(e3, "p_value")));
    assert_true(json_is_null(json_object_get(e3, "sign_agrees")));
    assert_string_equal(json_string_value(json_array_get(json_object_get(e3, "flags"), 0)),
                        "never fires");
    /* R1 fires for most converters: positive and the largest effect, so its
     * suggested points equal the sheet's largest magnitude */
    assert_true(json_is_true(json_object_get(e1, "sign_agrees")));
    double s1 = jn(e1, "suggested_points"), s2 = jn(e2, "suggested_points");
    assert_double_equal(fmax(fabs(s1), fabs(s2)), 10.0, 1e-9);
    /* conversion matched / unmatched by hand */
    size_t m = 0, mp = 0, up = 0;
    for (size_t i = 0; i < 40; i++) {
        int y = (i % 3 == 0) || (i % 2 == 0 && i % 5 != 0);
        if (i % 2 == 0) {
            m++;
            mp += (size_t)y;
        } else {
            up += (size_t)y;
        }
    }
    assert_double_equal(jn(e1, "conversion_rate_matched"), (double)mp / (double)m, 1e-15);
    assert_double_equal(jn(e1, "conversion_rate_unmatched"), (double)up / (double)(40 - m), 1e-15);
    /* the threshold at the sheet's 12 points */
    const json_t *tr = json_object_get(json_object_get(root, "threshold"), "rules");
    assert_double_equal(jn(tr, "cutoff"), 12, 0);
    /* calibration bands of 10 points cover 0..16 */
    const json_t *cal = json_object_get(root, "calibration");
    assert_int_equal(json_array_size(cal), 2);
    assert_double_equal(jn(json_array_get(cal, 1), "band_high"), 20, 0);
    json_decref(root);
    lsc_compare_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_delong_hand),   cmocka_unit_test(test_delong_one_class),
        cmocka_unit_test(test_midranks),      cmocka_unit_test(test_kendall_spearman),
        cmocka_unit_test(test_kendall_brute), cmocka_unit_test(test_ks),
        cmocka_unit_test(test_gains_ties),    cmocka_unit_test(test_scale_points),
        cmocka_unit_test(test_fit_rules),     cmocka_unit_test(test_labels),
        cmocka_unit_test(test_sheet_from_rules),    cmocka_unit_test(test_deciles_and_thresholds),
        cmocka_unit_test(test_one_class),     cmocka_unit_test(test_rules_validation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
