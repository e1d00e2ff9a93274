/* enet: soft-thresholding; coordinate descent solves a small known
 * problem; alpha = 0 reproduces the Newton L2 fit; KKT holds at L1 and
 * elastic-net solutions; lambda_max zeroes every coefficient. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "cv.h"
#include "dataset.h"
#include "leadscore/alloc.h"
#include "design.h"
#include "encoder.h"
#include "enet.h"
#include "logreg.h"
#include "model_def.h"
#include "split.h"
#include "test_helpers.h"

#include "design_fixture.h"

static void test_soft_threshold(void **state)
{
    (void)state;
    assert_double_equal(lsc_enet_soft_threshold(3.0, 1.0), 2.0, 0.0);
    assert_double_equal(lsc_enet_soft_threshold(-3.0, 1.0), -2.0, 0.0);
    assert_double_equal(lsc_enet_soft_threshold(0.5, 1.0), 0.0, 0.0);
    assert_double_equal(lsc_enet_soft_threshold(-1.0, 1.0), 0.0, 0.0);
}

/* A quadratic with a known lasso solution: H = diag(2, 4, 1) plus a coupling,
 * checked against the subgradient conditions, and an orthogonal case
 * checked in closed form. */
static void test_cd_known_problem(void **state)
{
    (void)state;
    /* orthogonal: minimiser of g'b + b'Hb/2 + lam |b_1..| is
     * S(-g_j, lam) / H_jj per coordinate, the intercept -g_0 / H_00 */
    double H[9] = {2, 0, 0, 0, 4, 0, 0, 0, 1};
    double g[3] = {1.0, -6.0, 0.5};
    double b0[3] = {0, 0, 0}, b[3], r[3];
    lsc_enet_cd_solve(H, g, b0, 3, 1.0, 1.0, b, r);
    assert_double_equal(b[0], -0.5, 1e-14);
    assert_double_equal(b[1], 5.0 / 4.0, 1e-14);
    assert_double_equal(b[2], 0.0, 0.0);
    /* elastic net alpha = 0.5, lambda = 2: a = 1, ridge 1 */
    lsc_enet_cd_solve(H, g, b0, 3, 2.0, 0.5, b, r);
    assert_double_equal(b[1], 5.0 / 5.0, 1e-14);
    assert_double_equal(b[2], 0.0, 0.0);
    /* coupled: check the subgradient conditions of the quadratic problem */
    double Hc[9] = {3, 1, 0.5, 1, 4, 1.5, 0.5, 1.5, 2};
    double gc[3] = {0.3, -5.0, 2.2};
    lsc_enet_cd_solve(Hc, gc, b0, 3, 1.0, 1.0, b, r);
    for (size_t j = 0; j < 3; j++) {
        double gj = gc[j];
        for (size_t k = 0; k < 3; k++)
            gj += Hc[j * 3 + k] * b[k];
        if (j == 0)
            assert_double_equal(gj, 0.0, 1e-12);
        else if (b[j] != 0.0)
            assert_double_equal(gj, b[j] > 0 ? -1.0 : 1.0, 1e-12);
        else
            assert_true(fabs(gj) <= 1.0 + 1e-12);
    }
}

static void test_alpha_zero_equals_newton(void **state)
{
    struct fixture *f = *state;
    size_t p = f->d.p;
    double *a = calloc(p, sizeof *a), *b = calloc(p, sizeof *b);
    struct logreg_result lr;
    struct enet_result er;
    struct logreg_opts lo = {2.5, 100, 1e-12, NULL};
    assert_int_equal(lsc_logreg_fit(&f->d, &lo, a, &lr, NULL), LSC_OK);
    assert_true(lr.converged);
    struct enet_opts eo = {2.5, 0.0, 100, 1e-12};
    assert_int_equal(lsc_enet_fit(&f->d, &eo, b, &er, NULL), LSC_OK);
    assert_true(er.converged);
    for (size_t j = 0; j < p; j++)
        assert_double_equal(b[j], a[j], 1e-9);
    assert_double_equal(er.objective, lr.objective, 1e-9 * fabs(lr.objective));
    free(a);
    free(b);
}

static void check_kkt(const struct design *d, double lambda, double alpha, size_t *nonzero)
{
    size_t p = d->p;
    double *b = calloc(p, sizeof *b), *g = calloc(p, sizeof *g), *eta = calloc(d->n, sizeof *eta);
    struct enet_result er;
    struct enet_opts eo = {lambda, alpha, 100, 1e-10};
    assert_int_equal(lsc_enet_fit(d, &eo, b, &er, NULL), LSC_OK);
    assert_true(er.converged);
    lsc_design_linear(d, b, eta, NULL);
    assert_int_equal(lsc_logreg_derivatives(d, b, eta, 0.0, NULL, g, NULL, NULL), LSC_OK);
    assert_true(lsc_enet_kkt(g, b, p, d->n, lambda, alpha) <= 1e-10);
    /* explicitly: zero coefficients inside the band, others on its edge */
    double a = lambda * alpha, r = lambda * (1.0 - alpha);
    for (size_t j = 1; j < p; j++) {
        double gj = g[j] + r * b[j];
        if (b[j] == 0.0)
            assert_true(fabs(gj) <= a + 1e-10 * (double)d->n);
        else
            assert_double_equal(gj, b[j] > 0 ? -a : a, 1e-10 * (double)d->n);
    }
    /* and no coordinate step lowers the objective */
    double f0 = 0.0, f1 = 0.0;
    lsc_design_linear_loss(d, b, eta, &f0, NULL);
    f0 += lsc_enet_penalty(b, p, lambda, alpha);
    for (size_t j = 0; j < p; j++)
        for (int s = -1; s <= 1; s += 2) {
            double keep = b[j];
            b[j] += s * 1e-4;
            lsc_design_linear_loss(d, b, eta, &f1, NULL);
            f1 += lsc_enet_penalty(b, p, lambda, alpha);
            assert_true(f1 >= f0 - 1e-9);
            b[j] = keep;
        }
    *nonzero = er.nonzero;
    free(b);
    free(g);
    free(eta);
}

static void test_kkt_lasso_and_enet(void **state)
{
    struct fixture *f = *state;
    size_t nz1 = 0, nz2 = 0, nz3 = 0;
    check_kkt(&f->d, 20.0, 1.0, &nz1);
    check_kkt(&f->d, 20.0, 0.5, &nz2);
    check_kkt(&f->d, 0.5, 1.0, &nz3);
    /* a strong lasso drops some features, a weak one keeps more */
    assert_true(nz1 < f->d.p - 1);
    assert_true(nz3 >= nz1);
}

static void test_lambda_max_zeroes_all(void **state)
{
    struct fixture *f = *state;
    size_t p = f->d.p;
    double lmax = 0.0;
    assert_int_equal(lsc_enet_lambda_max(&f->d, 1.0, &lmax, NULL), LSC_OK);
    assert_true(lmax > 0.0);
    double *b = calloc(p, sizeof *b);
    struct enet_result er;
    struct enet_opts eo = {lmax * 1.0001, 1.0, 100, 1e-10};
    assert_int_equal(lsc_enet_fit(&f->d, &eo, b, &er, NULL), LSC_OK);
    assert_int_equal(er.nonzero, 0);
    memset(b, 0, p * sizeof *b);
    eo.lambda = lmax * 0.9;
    assert_int_equal(lsc_enet_fit(&f->d, &eo, b, &er, NULL), LSC_OK);
    assert_true(er.nonzero >= 1);
    eo.l1_ratio = 1.5;
    assert_int_equal(lsc_enet_fit(&f->d, &eo, b, &er, NULL), LSC_ERR_USAGE);
    free(b);
}

static void test_cv_path(void **state)
{
    struct fixture *f = *state;
    struct cv_opts o = {4, CV_LOGLOSS, 0, 7, 0.5, 12, 1e-3, 100, 1e-10, NULL};
    struct cv_path a, b;
    assert_int_equal(lsc_cv_run(&f->d, &o, &a, NULL), LSC_OK);
    assert_int_equal(a.n, 12);
    assert_int_equal(a.nonzero[0], 0); /* lambda_max zeroes everything */
    for (size_t l = 1; l < a.n; l++) {
        assert_true(a.lambda[l] < a.lambda[l - 1]);
        assert_true(a.se[l] >= 0.0);
    }
    for (size_t l = 0; l < a.n; l++)
        assert_true(a.mean[a.best] <= a.mean[l] * (1 + 1e-10));
    assert_int_equal(a.chosen, a.best);
    /* reproducible; the one-SE rule picks a larger lambda within one SE */
    o.one_se = 1;
    assert_int_equal(lsc_cv_run(&f->d, &o, &b, NULL), LSC_OK);
    for (size_t l = 0; l < a.n; l++)
        assert_true(a.mean[l] == b.mean[l] && a.lambda[l] == b.lambda[l]);
    assert_true(b.chosen <= b.best);
    assert_true(b.mean[b.chosen] <= b.mean[b.best] + b.se[b.best]);
    lsc_cv_path_free(&a);
    lsc_cv_path_free(&b);
    /* more folds than a class has rows */
    o.folds = 1000;
    assert_int_equal(lsc_cv_run(&f->d, &o, &a, NULL), LSC_ERR_DATA);
    assert_null(a.lambda);
}

/* Given folds (by id hash): a row in no fold is always fitted, never
 * validated; a fold without one of the classes is refused. */
static void test_cv_given_folds(void **state)
{
    struct fixture *f = *state;
    size_t n = f->d.n, *fold = malloc(n * sizeof *fold);
    struct cv_opts o = {3, CV_AUC, 0, 7, 0.0, 6, 1e-3, 100, 1e-10, fold};
    struct cv_path a, b;
    for (size_t i = 0; i < n; i++)
        fold[i] = i % 3;
    assert_int_equal(lsc_cv_run(&f->d, &o, &a, NULL), LSC_OK);
    assert_int_equal(a.n >= 6, 1);
    fold[0] = CV_NO_FOLD; /* one row out of the validation changes fold 0's AUC */
    assert_int_equal(lsc_cv_run(&f->d, &o, &b, NULL), LSC_OK);
    assert_true(a.lambda[0] == b.lambda[0]);
    assert_true(a.mean[1] != b.mean[1]);
    lsc_cv_path_free(&a);
    lsc_cv_path_free(&b);
    for (size_t i = 0; i < n; i++) /* fold 2: only non-conversions */
        fold[i] = f->d.y[design_row(&f->d, i)] > 0.5 ? i % 2 : i % 3;
    assert_int_equal(lsc_cv_run(&f->d, &o, &a, NULL), LSC_ERR_DATA);
    assert_null(a.lambda);
    /* the fold of an id: the hash's top bits, within 0..K-1 */
    assert_true(lsc_split_id_fold("lead-1", 6, 42, 5) < 5);
    assert_int_equal(lsc_split_id_fold("lead-1", 6, 42, 5), lsc_split_id_fold("lead-1", 6, 42, 5));
    free(fold);
}

/* Every allocation of the elastic-net fit and the CV run can fail, cleanly
 * (cmocka's allocator reports leaks). */
static void test_allocation_failures(void **state)
{
    struct fixture *f = *state;
    struct th_budget bud = {SIZE_MAX};
    struct lsc_allocator al = {th_budget_malloc, th_budget_realloc, th_budget_free, &bud};
    size_t p = f->d.p;
    double *b = calloc(p, sizeof *b);
    struct enet_result er;
    struct enet_opts eo = {5.0, 0.5, 100, 1e-10};
    struct cv_opts co = {2, CV_AUC, 1, 3, 1.0, 3, 1e-2, 20, 1e-8, NULL};
    struct cv_path cp;
    enum lsc_status st = LSC_ERR_NOMEM;
    lsc_set_allocator(&al);
    for (size_t n = 0; st != LSC_OK; n++) {
        memset(b, 0, p * sizeof *b);
        bud.left = n;
        st = lsc_enet_fit(&f->d, &eo, b, &er, NULL);
        bud.left = SIZE_MAX;
        assert_true(st == LSC_OK || st == LSC_ERR_NOMEM);
    }
    st = LSC_ERR_NOMEM;
    for (size_t n = 0; st != LSC_OK; n++) {
        bud.left = n;
        st = lsc_cv_run(&f->d, &co, &cp, NULL);
        bud.left = SIZE_MAX;
        assert_true(st == LSC_OK || st == LSC_ERR_NOMEM);
    }
    lsc_cv_path_free(&cp);
    lsc_set_allocator(NULL);
    free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_soft_threshold),
        cmocka_unit_test(test_cd_known_problem),
        cmocka_unit_test_setup_teardown(test_alpha_zero_equals_newton, setup, teardown),
        cmocka_unit_test_setup_teardown(test_kkt_lasso_and_enet, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lambda_max_zeroes_all, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cv_given_folds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_cv_path, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
