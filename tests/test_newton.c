/* newton: a quadratic in one step with its Hessian handed back, a smooth
 * convex objective to a stationary point, and a callback's error passed
 * on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "mathfn.h"
#include "newton.h"
#include "status_internal.h"
#include "test_helpers.h"

/* f(b) = 1/2 b'Ab - c'b, A = [[4, 1], [1, 3]], c = (1, 2). */
static const double A[4] = {4, 1, 1, 3}, C[2] = {1, 2};

static enum lsc_status quad_fun(void *ctx, const double *b, double *f, struct lsc_error *err)
{
    (void)ctx;
    (void)err;
    *f = 0.5 * (A[0] * b[0] * b[0] + 2 * A[1] * b[0] * b[1] + A[3] * b[1] * b[1]) - C[0] * b[0] -
         C[1] * b[1];
    return LSC_OK;
}

static enum lsc_status quad_grad_hess(void *ctx, const double *b, double *g, double *H,
                                      struct lsc_error *err)
{
    (void)ctx;
    (void)err;
    g[0] = A[0] * b[0] + A[1] * b[1] - C[0];
    g[1] = A[2] * b[0] + A[3] * b[1] - C[1];
    if (H != NULL)
        memcpy(H, A, sizeof A);
    return LSC_OK;
}

static void test_quadratic(void **state)
{
    (void)state;
    struct newton_objective obj = {2, NULL, quad_fun, quad_grad_hess};
    double h[4] = {0}, b[2] = {0, 0};
    struct newton_opts o = {50, 1e-12, 1.0, h};
    struct newton_result r;
    assert_int_equal(lsc_newton_minimize(&obj, &o, b, &r, NULL), LSC_OK);
    assert_true(r.converged);
    assert_int_equal(r.iterations, 1);
    /* A^-1 c = (1/11) (3 - 2, -1 + 8) */
    assert_double_equal(b[0], 1.0 / 11.0, 1e-14);
    assert_double_equal(b[1], 7.0 / 11.0, 1e-14);
    assert_true(r.hessian_valid);
    for (int i = 0; i < 4; i++)
        assert_double_equal(h[i], A[i], 0.0);
}

/* f(b) = log(1 + e^b) - 0.9 b + 0.01 b^2 / 2: stationary where
 * sigmoid(b) + 0.01 b = 0.9. */
static enum lsc_status smooth_fun(void *ctx, const double *b, double *f, struct lsc_error *err)
{
    (void)ctx;
    (void)err;
    *f = lsc_mathfn_log1pexp(b[0]) - 0.9 * b[0] + 0.005 * b[0] * b[0];
    return LSC_OK;
}

static enum lsc_status smooth_grad_hess(void *ctx, const double *b, double *g, double *H,
                                        struct lsc_error *err)
{
    (void)ctx;
    (void)err;
    double s = lsc_mathfn_sigmoid(b[0]);
    g[0] = s - 0.9 + 0.01 * b[0];
    if (H != NULL)
        H[0] = s * (1 - s) + 0.01;
    return LSC_OK;
}

static void test_smooth(void **state)
{
    (void)state;
    struct newton_objective obj = {1, NULL, smooth_fun, smooth_grad_hess};
    double b[1] = {0};
    struct newton_opts o = {100, 1e-12, 1.0, NULL};
    struct newton_result r;
    assert_int_equal(lsc_newton_minimize(&obj, &o, b, &r, NULL), LSC_OK);
    assert_true(r.converged);
    assert_false(r.hessian_valid);
    assert_true(fabs(lsc_mathfn_sigmoid(b[0]) + 0.01 * b[0] - 0.9) <= 1e-12);
    /* one iteration allowed: not converged, the objective still went down */
    double b1[1] = {0}, f0 = 0.0;
    o.max_iter = 1;
    smooth_fun(NULL, b1, &f0, NULL);
    assert_int_equal(lsc_newton_minimize(&obj, &o, b1, &r, NULL), LSC_OK);
    assert_false(r.converged);
    assert_int_equal(r.iterations, 1);
    assert_true(r.objective < f0);
}

static enum lsc_status failing_fun(void *ctx, const double *b, double *f, struct lsc_error *err)
{
    (void)ctx;
    (void)b;
    (void)f;
    return lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0, "no value here");
}

static void test_error_passed_on(void **state)
{
    (void)state;
    struct newton_objective obj = {1, NULL, failing_fun, smooth_grad_hess};
    double b[1] = {0};
    struct newton_opts o = {10, 1e-12, 1.0, NULL};
    struct newton_result r;
    struct lsc_error err;
    assert_int_equal(lsc_newton_minimize(&obj, &o, b, &r, &err), LSC_ERR_NUMERIC);
    assert_string_equal(err.message, "no value here");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_quadratic),
        cmocka_unit_test(test_smooth),
        cmocka_unit_test(test_error_passed_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
