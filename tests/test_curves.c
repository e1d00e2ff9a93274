/* curves: ROC/PR points, AUC, KS, deciles (tie groups shared out),
 * Hosmer-Lemeshow. Expected values from scikit-learn (roc_auc_score,
 * roc_curve), scipy (chi2.sf) and an independent numpy version of the
 * tie-sharing deciles: top-k sums take a straddling tie group's sums times
 * (k - rows above) / (group rows). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "curves.h"
#include "test_helpers.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* 57 rows, probabilities with many ties (one decimal), random weights */
static const double P[] = {0.6, 0.9, 0.7, 0.2, 0.3, 0.8, 0,   0.8, 0.8, 0.5, 0.3, 0.3, 0.3, 0.4, 0.5,
                           0.5, 0.9, 0.8, 0.6, 0.9, 0.2, 0.2, 0.6, 0.1, 0.1, 0.5, 0.5, 0.9, 0.6, 0.5,
                           0.5, 0.3, 0,   0.2, 0.7, 0.2, 0.4, 0,   0.8, 0.2, 0.3, 0.8, 0.5, 0.8, 0.6,
                           0.7, 0.1, 0.5, 0.5, 0.8, 0.4, 0.6, 0.1, 0.4, 0.3, 0.2, 0.8};
static const double Y[] = {1, 0, 1, 0, 0, 1, 0, 1, 1, 1, 1, 0, 1, 0, 1, 0, 1, 1, 0, 0,
                           0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1, 1,
                           0, 1, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0};
static const double W[] = {0.51, 1.63, 1.72, 0.71, 1.13, 1.72, 0.52, 1.44, 1.69, 1.27, 1.59, 0.84,
                           0.8,  1.04, 0.77, 1.02, 1.92, 1.36, 1.01, 0.91, 1.93, 1.17, 1.97, 1.27,
                           1.28, 1.84, 1.61, 1.37, 1.14, 1.82, 1.12, 1.88, 0.6,  1.14, 1.28, 1.93,
                           0.88, 1.71, 1.51, 1.58, 1.44, 1.96, 1,    1.1,  0.8,  0.58, 0.82, 1.87,
                           1.76, 0.67, 1.41, 1.22, 1.39, 1.49, 0.96, 1.94, 1.2};

struct expect {
    double auc, ks, ks_at, hl, hl_p;
    size_t hl_groups;
    /* deciles 1, 5, 10: weight, positives, mean predicted, lift, capture, cum. lift */
    double d[3][6];
};

static const struct expect unit = {
    0.7281249999999999, 0.42500000000000004, 0.5, 6.648378234881027, 0.5750005515371938, 10,
    {{6.0, 3.5555555555555554, 0.8666666666666667, 1.3511111111111112, 0.14222222222222222,
      1.3511111111111112},
     {6.0, 3.5999999999999996, 0.5, 1.368, 0.728, 1.4308965517241379},
     {6.0, 0.0, 0.05, 0.0, 1.0, 1.0}}};

static const struct expect weighted = {
    0.7297500431549275, 0.40367528100356603, 0.5, 7.66560373366874, 0.46679733539993784, 10,
    {{8.64111111111111, 5.59, 0.8674681753889676, 1.40346044289659, 0.16335476329631796,
      1.40346044289659},
     {8.448, 4.518000000000001, 0.5, 1.1602465331278893, 0.7279661016949153, 1.401343239896036},
     {6.400000000000006, 0.0, 0.05578125, 0.0, 1.0, 1.0}}};

static void check(const double *w, const struct expect *e)
{
    struct curves_ops c;
    struct curves_decile d[CURVES_DECILES];
    struct curves_hl hl;
    double at = 0.0;
    assert_int_equal(lsc_curves_ops_init(&c, Y, P, w, N_OF(P)), LSC_OK);
    assert_int_equal(c.n_groups, 10); /* 0, 0.1, ..., 0.9 */
    assert_double_equal(lsc_curves_auc(&c), e->auc, 1e-12);
    assert_double_equal(lsc_curves_ks(&c, &at), e->ks, 1e-12);
    assert_double_equal(at, e->ks_at, 0.0);
    /* the ROC runs from (0, 0) to (1, 1), monotone */
    assert_double_equal(lsc_curves_fpr(&c, 0), 0.0, 0.0);
    assert_double_equal(lsc_curves_tpr(&c, c.n_groups), 1.0, 1e-15);
    for (size_t g = 1; g <= c.n_groups; g++) {
        assert_true(lsc_curves_fpr(&c, g) >= lsc_curves_fpr(&c, g - 1));
        assert_true(lsc_curves_tpr(&c, g) >= lsc_curves_tpr(&c, g - 1));
    }
    assert_true(isnan(lsc_curves_precision(&c, 0)));
    /* the four rows at 0.9: rows 2 and 17 (1.92 + 1.37) of 4 (5.83) converted */
    assert_double_equal(lsc_curves_precision(&c, 1), w == NULL ? 0.5 : 3.29 / 5.83, 1e-12);
    lsc_curves_deciles(&c, d);
    size_t rows = 0;
    for (size_t k = 0; k < CURVES_DECILES; k++) {
        assert_int_equal(d[k].decile, k + 1);
        rows += d[k].rows;
        assert_true(d[k].score_min <= d[k].score_max);
    }
    assert_int_equal(rows, N_OF(P));
    static const size_t at_k[3] = {0, 4, 9};
    for (size_t i = 0; i < 3; i++) {
        const struct curves_decile *x = &d[at_k[i]];
        assert_int_equal(x->rows, 6);
        assert_double_equal(x->weight, e->d[i][0], 1e-12);
        assert_double_equal(x->positives, e->d[i][1], 1e-12);
        assert_double_equal(x->mean_predicted, e->d[i][2], 1e-12);
        assert_double_equal(x->lift, e->d[i][3], 1e-12);
        assert_double_equal(x->cumulative_capture, e->d[i][4], 1e-12);
        assert_double_equal(x->cumulative_lift, e->d[i][5], 1e-12);
    }
    assert_double_equal(d[0].score_max, 0.9, 0.0);
    assert_double_equal(d[9].score_min, 0.0, 0.0);
    lsc_curves_hosmer_lemeshow(d, &hl);
    assert_int_equal(hl.groups, e->hl_groups);
    assert_int_equal(hl.df, e->hl_groups - 2);
    assert_double_equal(hl.statistic, e->hl, 1e-9);
    assert_double_equal(hl.p_value, e->hl_p, 1e-9);
    lsc_curves_ops_fini(&c);
}

static void test_unweighted(void **state)
{
    (void)state;
    check(NULL, &unit);
}

static void test_weighted(void **state)
{
    (void)state;
    check(W, &weighted);
}

/* The input order does not matter, ties included. */
static void test_order_free(void **state)
{
    double p2[N_OF(P)], y2[N_OF(P)];
    struct curves_ops a, b;
    struct curves_decile da[CURVES_DECILES], db[CURVES_DECILES];
    (void)state;
    for (size_t i = 0; i < N_OF(P); i++) {
        p2[i] = P[N_OF(P) - 1 - i];
        y2[i] = Y[N_OF(P) - 1 - i];
    }
    assert_int_equal(lsc_curves_ops_init(&a, Y, P, NULL, N_OF(P)), LSC_OK);
    assert_int_equal(lsc_curves_ops_init(&b, y2, p2, NULL, N_OF(P)), LSC_OK);
    lsc_curves_deciles(&a, da);
    lsc_curves_deciles(&b, db);
    for (size_t k = 0; k < CURVES_DECILES; k++) {
        assert_double_equal(da[k].positives, db[k].positives, 1e-12);
        assert_double_equal(da[k].mean_predicted, db[k].mean_predicted, 1e-12);
    }
    lsc_curves_ops_fini(&a);
    lsc_curves_ops_fini(&b);
}

/* One class, few rows, none. */
static void test_degenerate(void **state)
{
    static const double p[] = {0.2, 0.4, 0.6}, y1[] = {1, 1, 1}, y2[] = {0, 1, 0};
    struct curves_ops c;
    struct curves_decile d[CURVES_DECILES];
    struct curves_hl hl;
    double at = 0.0;
    (void)state;
    assert_int_equal(lsc_curves_ops_init(&c, y1, p, NULL, 3), LSC_OK);
    assert_true(isnan(lsc_curves_auc(&c)));
    assert_true(isnan(lsc_curves_ks(&c, &at)));
    assert_true(isnan(at));
    lsc_curves_ops_fini(&c);

    /* 3 rows: 7 deciles are empty, 3 groups leave 1 degree of freedom */
    assert_int_equal(lsc_curves_ops_init(&c, y2, p, NULL, 3), LSC_OK);
    lsc_curves_deciles(&c, d);
    size_t empty = 0;
    for (size_t k = 0; k < CURVES_DECILES; k++)
        if (d[k].rows == 0) {
            empty++;
            assert_true(isnan(d[k].mean_predicted));
            assert_true(isnan(d[k].score_min));
        }
    assert_int_equal(empty, 7);
    lsc_curves_hosmer_lemeshow(d, &hl);
    assert_int_equal(hl.groups, 3);
    assert_int_equal(hl.df, 1);
    /* one row per group: (0-.6)^2/(.6*.4) + (1-.4)^2/(.4*.6) + (0-.2)^2/(.2*.8) */
    assert_double_equal(hl.statistic, 0.36 / 0.24 + 0.36 / 0.24 + 0.04 / 0.16, 1e-12);
    lsc_curves_ops_fini(&c);

    assert_int_equal(lsc_curves_ops_init(&c, y2, p, NULL, 0), LSC_OK);
    assert_int_equal(c.n_groups, 0);
    lsc_curves_deciles(&c, d);
    lsc_curves_hosmer_lemeshow(d, &hl);
    assert_int_equal(hl.groups, 0);
    assert_true(isnan(hl.statistic) && isnan(hl.p_value));
    lsc_curves_ops_fini(&c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_unweighted),
        cmocka_unit_test(test_weighted),
        cmocka_unit_test(test_order_free),
        cmocka_unit_test(test_degenerate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
