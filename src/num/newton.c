/* newton - Newton's method with step halving; see newton.h. */
#include "newton.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "linalg.h"
#include "status_internal.h"

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

/* beta - t step for t = 1, 1/2, ... until the objective does not exceed f
 * (up to rounding): 1 and *fnew, trial set (the objective's state at the
 * trial), or 0. */
static enum lsc_status line_search(const struct newton_objective *obj, const double *beta,
                                   const double *step, double f, double *trial, double *fnew,
                                   int *accepted, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    double t = 1.0;
    *accepted = 0;
    for (int halvings = 0; halvings < 60; halvings++, t *= 0.5) {
        for (size_t j = 0; j < obj->p; j++)
            trial[j] = beta[j] - t * step[j];
        if ((st = obj->fun(obj->ctx, trial, fnew, err)) != LSC_OK)
            return st;
        if (isfinite(*fnew) && *fnew <= f + 1e-12 * fabs(f)) {
            *accepted = 1;
            break;
        }
    }
    return st;
}

enum lsc_status lsc_newton_minimize(const struct newton_objective *obj,
                                    const struct newton_opts *opts, double *beta,
                                    struct newton_result *res, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = obj->p;
    double *g = lsc_malloc(p * sizeof *g);
    double *H = lsc_malloc(p * p * sizeof *H);
    double *step = lsc_malloc(p * sizeof *step);
    double *trial = lsc_malloc(p * sizeof *trial);
    memset(res, 0, sizeof *res);
    if (g == NULL || H == NULL || step == NULL || trial == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    double f = 0.0;
    if ((st = obj->fun(obj->ctx, beta, &f, err)) != LSC_OK)
        goto cleanup;
    for (size_t it = 0;; it++) {
        if ((st = obj->grad_hess(obj->ctx, beta, g, H, err)) != LSC_OK)
            goto cleanup;
        res->objective = f;
        res->grad_norm = max_abs(g, p) / opts->scale;
        if (res->grad_norm <= opts->tol) {
            res->converged = 1;
            if (opts->hessian != NULL) {
                memcpy(opts->hessian, H, p * p * sizeof *H);
                res->hessian_valid = 1;
            }
            break;
        }
        if (it >= opts->max_iter)
            break;
        memcpy(step, g, p * sizeof *g);
        if ((st = lsc_la_cholesky_solve(H, p, step, err)) != LSC_OK)
            goto cleanup;
        res->iterations = it + 1;
        double fnew = f;
        int accepted = 0;
        if ((st = line_search(obj, beta, step, f, trial, &fnew, &accepted, err)) != LSC_OK)
            goto cleanup;
        if (!accepted) {
            /* no decrease possible at working precision: keep beta (and the
             * objective's state at it) */
            st = obj->fun(obj->ctx, beta, &fnew, err);
            break;
        }
        memcpy(beta, trial, p * sizeof *beta);
        double before = f;
        f = fnew;
        res->objective = f;
        if (before - fnew <= 1e-15 * fabs(before) && res->grad_norm <= 1e3 * opts->tol) {
            /* stalled at rounding level right next to the criterion */
            res->converged = 1;
            if ((st = obj->grad_hess(obj->ctx, beta, g, opts->hessian, err)) != LSC_OK)
                goto cleanup;
            res->hessian_valid = opts->hessian != NULL;
            res->grad_norm = max_abs(g, p) / opts->scale;
            break;
        }
    }
cleanup:
    lsc_free(g);
    lsc_free(H);
    lsc_free(step);
    lsc_free(trial);
    return st;
}
