/* logreg: objective, gradient and Hessian against finite differences; the
 * fit reaches a stationary point. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>

#include "dataset.h"
#include "design.h"
#include "encoder.h"
#include "logreg.h"
#include "model_def.h"
#include "test_helpers.h"

#include "design_fixture.h"

static void test_layout(void **state)
{
    struct fixture *f = *state;
    /* intercept + visits + minutes + minutes=(missing) + 3 sources + 2 stages */
    assert_int_equal(f->d.p, 9);
    assert_int_equal(f->d.q, 3);
    assert_int_equal(f->d.nc, 2);
}

static double objective_at(const struct design *d, const double *beta, double l2)
{
    double *eta = malloc(d->n * sizeof *eta);
    lsc_design_linear(d, beta, eta, NULL);
    double f = lsc_logreg_objective(d, beta, eta, l2);
    free(eta);
    return f;
}

static void gradient_at(const struct design *d, const double *beta, double l2, double *g,
                        double *H)
{
    double *eta = malloc(d->n * sizeof *eta);
    double obj;
    lsc_design_linear(d, beta, eta, NULL);
    assert_int_equal(lsc_logreg_derivatives(d, beta, eta, l2, &obj, g, H, NULL), LSC_OK);
    assert_double_equal(obj, lsc_logreg_objective(d, beta, eta, l2), 1e-9 * fabs(obj));
    free(eta);
}

static void test_gradient_and_hessian_match_finite_differences(void **state)
{
    struct fixture *f = *state;
    const struct design *d = &f->d;
    size_t p = d->p;
    double l2 = 0.7;
    double beta[16] = {0}, g[16], H[256], gp[16], gm[16], work[16];
    for (size_t j = 0; j < p; j++)
        beta[j] = 0.1 * (double)j - 0.3;
    gradient_at(d, beta, l2, g, H);
    double h = 1e-5;
    for (size_t j = 0; j < p; j++) {
        memcpy(work, beta, sizeof beta);
        work[j] = beta[j] + h;
        double fp = objective_at(d, work, l2);
        gradient_at(d, work, l2, gp, NULL);
        work[j] = beta[j] - h;
        double fm = objective_at(d, work, l2);
        gradient_at(d, work, l2, gm, NULL);
        double fd = (fp - fm) / (2 * h);
        assert_double_equal(g[j], fd, 1e-6 * (1.0 + fabs(fd)));
        for (size_t k = 0; k < p; k++) {
            double hd = (gp[k] - gm[k]) / (2 * h);
            assert_double_equal(H[j * p + k], hd, 1e-6 * (1.0 + fabs(hd)));
            assert_double_equal(H[j * p + k], H[k * p + j], 0.0);
        }
    }
}

static void test_fit_reaches_stationary_point(void **state)
{
    struct fixture *f = *state;
    double beta[16] = {0}, g[16];
    struct logreg_opts o = {1.0, 100, 1e-10, NULL};
    struct logreg_result r;
    assert_int_equal(lsc_logreg_fit(&f->d, &o, beta, &r, NULL), LSC_OK);
    assert_true(r.converged);
    assert_true(r.iterations >= 3 && r.iterations < 20);
    gradient_at(&f->d, beta, 1.0, g, NULL);
    for (size_t j = 0; j < f->d.p; j++)
        assert_true(fabs(g[j]) / (double)f->d.n < 1e-10);
    /* visits raise conversion in the generating model */
    assert_true(beta[1] > 0.0);
    /* a second fit from the optimum changes nothing */
    double again[16];
    memcpy(again, beta, sizeof beta);
    assert_int_equal(lsc_logreg_fit(&f->d, &o, again, &r, NULL), LSC_OK);
    for (size_t j = 0; j < f->d.p; j++)
        assert_double_equal(again[j], beta[j], 1e-12);
}

static void test_unpenalised_fit(void **state)
{
    struct fixture *f = *state;
    double beta[16] = {0}, g[16];
    struct logreg_opts o = {0.0, 100, 1e-10, NULL};
    struct logreg_result r;
    assert_int_equal(lsc_logreg_fit(&f->d, &o, beta, &r, NULL), LSC_OK);
    assert_true(r.converged);
    gradient_at(&f->d, beta, 0.0, g, NULL);
    /* without a penalty the mean residual is exactly zero: sum p = sum y */
    assert_true(fabs(g[0]) < 1e-8);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_gradient_and_hessian_match_finite_differences, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_fit_reaches_stationary_point, setup, teardown),
        cmocka_unit_test_setup_teardown(test_unpenalised_fit, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
