/* Newton's method (IRLS) for L2-regularised logistic regression.
 *
 * Minimises f(b) = sum_i [log(1 + exp(eta_i)) - y_i eta_i] + (lambda/2) sum_{j>0} b_j^2
 * with eta = X b and X's first column the intercept. With p_i = sigma(eta_i)
 * and w_i = p_i (1 - p_i):
 *   gradient  g = X'(p - y) + lambda b  (no penalty on b_0)
 *   Hessian   H = X' W X + lambda I    (no penalty on b_0)
 * Each iteration solves H d = g by Cholesky (LAPACK dpotrf/dpotrs) and takes
 * b <- b - t d with t = 1, halved while f does not decrease (a guard that
 * plain Newton lacks far from the optimum). The fit has converged when
 * max_j |g_j| / n <= tol: the mean gradient, so the criterion means the same
 * for any number of rows. Because Newton converges quadratically, one more
 * step past a 1e-10 criterion lands at machine precision; the objective is
 * strictly convex for lambda > 0, so that optimum is the one scikit-learn's
 * LogisticRegression(C = 1/lambda) finds on the same design.
 *
 * X'WX is formed from the design's structure (design.h): dsyrk on the dense
 * block, and counts w_i for categorical blocks, whose one-hot columns need
 * no multiplication.
 */
#include "logreg.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "linalg.h"
#include "status_internal.h"

double logreg_log1pexp(double x) { return x > 0 ? x + log1p(exp(-x)) : log1p(exp(x)); }

double logreg_sigmoid(double x)
{
    if (x >= 0)
        return 1.0 / (1.0 + exp(-x));
    double e = exp(x);
    return e / (1.0 + e);
}

double logreg_objective(const struct design *d, const double *beta, const double *eta, double l2)
{
    double f = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        double y = d->y[design_row(d, i)];
        f += logreg_log1pexp(eta[i]) - y * eta[i];
    }
    double pen = 0.0;
    for (size_t j = 1; j < d->p; j++)
        pen += beta[j] * beta[j];
    return f + 0.5 * l2 * pen;
}

enum lsc_status logreg_derivatives(const struct design *d, const double *beta, const double *eta,
                                   double l2, double *obj, double *g, double *H,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p, q = d->q;
    size_t qq = q ? q : 1;
    double *xb = lsc_malloc(DESIGN_BLOCK * qq * sizeof *xb);
    double *xs = lsc_malloc(DESIGN_BLOCK * qq * sizeof *xs);
    double *r = lsc_malloc(DESIGN_BLOCK * sizeof *r);
    double *w = lsc_malloc(DESIGN_BLOCK * sizeof *w);
    double *gd = lsc_calloc(qq, sizeof *gd);
    double *hd = lsc_calloc(qq * qq, sizeof *hd);  /* dense x dense */
    double *h0d = lsc_calloc(qq, sizeof *h0d);     /* intercept x dense */
    int32_t *fr = lsc_malloc((d->nc ? d->nc : 1) * sizeof *fr);
    if (xb == NULL || xs == NULL || r == NULL || w == NULL || gd == NULL || hd == NULL ||
        h0d == NULL || fr == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    memset(g, 0, p * sizeof *g);
    if (H != NULL)
        memset(H, 0, p * p * sizeof *H);
    double f = 0.0;
    for (size_t i0 = 0; i0 < d->n; i0 += DESIGN_BLOCK) {
        size_t m = d->n - i0 < DESIGN_BLOCK ? d->n - i0 : DESIGN_BLOCK;
        design_fill_dense(d, i0, m, xb);
        for (size_t i = 0; i < m; i++) {
            size_t row = design_row(d, i0 + i);
            double e = eta[i0 + i], y = d->y[row];
            double pr = logreg_sigmoid(e);
            f += logreg_log1pexp(e) - y * e;
            r[i] = pr - y;
            w[i] = pr * (1.0 - pr);
            g[0] += r[i];
            for (size_t c = 0; c < d->nc; c++) {
                fr[c] = d->cats[c].map[d->cats[c].codes[row]];
                if (fr[c] >= 0)
                    g[fr[c]] += r[i];
            }
            if (H == NULL)
                continue;
            const double *xi = xb + i * q;
            double wi = w[i];
            H[0] += wi;
            for (size_t c = 0; c < d->nc; c++) {
                int32_t a = fr[c];
                if (a < 0)
                    continue;
                double *Ha = H + (size_t)a * p;
                H[(size_t)a] += wi; /* intercept x level */
                Ha[a] += wi;
                for (size_t c2 = c + 1; c2 < d->nc; c2++)
                    if (fr[c2] >= 0)
                        Ha[fr[c2]] += wi;
                for (size_t j = 0; j < q; j++)
                    Ha[d->dense[j].feature] += wi * xi[j];
            }
        }
        la_gemv_t_acc(xb, m, q, r, gd);
        if (H != NULL && q > 0) {
            la_gemv_t_acc(xb, m, q, w, h0d);
            for (size_t i = 0; i < m; i++) {
                double s = sqrt(w[i]);
                for (size_t j = 0; j < q; j++)
                    xs[i * q + j] = s * xb[i * q + j];
            }
            la_syrk_acc(xs, m, q, hd);
        }
    }
    for (size_t j = 0; j < q; j++)
        g[d->dense[j].feature] += gd[j];
    double pen = 0.0;
    for (size_t j = 1; j < p; j++) {
        g[j] += l2 * beta[j];
        pen += beta[j] * beta[j];
    }
    *obj = f + 0.5 * l2 * pen;
    if (H != NULL) {
        for (size_t a = 0; a < q; a++) {
            size_t fa = d->dense[a].feature;
            H[fa] += h0d[a];
            for (size_t b = a; b < q; b++) {
                size_t fb = d->dense[b].feature;
                H[fa * p + fb] += hd[a * q + b];
            }
        }
        /* every off-diagonal pair was accumulated in one orientation only */
        for (size_t a = 0; a < p; a++)
            for (size_t b = a + 1; b < p; b++) {
                double s = H[a * p + b] + H[b * p + a];
                H[a * p + b] = s;
                H[b * p + a] = s;
            }
        for (size_t j = 1; j < p; j++)
            H[j * p + j] += l2;
    }
cleanup:
    lsc_free(xb);
    lsc_free(xs);
    lsc_free(r);
    lsc_free(w);
    lsc_free(gd);
    lsc_free(hd);
    lsc_free(h0d);
    lsc_free(fr);
    return st;
}

static double max_abs(const double *v, size_t n)
{
    double m = 0.0;
    for (size_t i = 0; i < n; i++)
        if (fabs(v[i]) > m)
            m = fabs(v[i]);
    return m;
}

enum lsc_status logreg_fit(const struct design *d, const struct logreg_opts *opts, double *beta,
                           struct logreg_result *res, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p;
    double nn = d->n > 0 ? (double)d->n : 1.0;
    double *eta = lsc_malloc((d->n ? d->n : 1) * sizeof *eta);
    double *g = lsc_malloc(p * sizeof *g);
    double *H = lsc_malloc(p * p * sizeof *H);
    double *step = lsc_malloc(p * sizeof *step);
    double *trial = lsc_malloc(p * sizeof *trial);
    memset(res, 0, sizeof *res);
    if (eta == NULL || g == NULL || H == NULL || step == NULL || trial == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = design_linear(d, beta, eta, err)) != LSC_OK)
        goto cleanup;
    double f = 0.0;
    for (size_t it = 0;; it++) {
        if ((st = logreg_derivatives(d, beta, eta, opts->l2, &f, g, H, err)) != LSC_OK)
            goto cleanup;
        res->objective = f;
        res->grad_norm = max_abs(g, p) / nn;
        if (res->grad_norm <= opts->tol) {
            res->converged = 1;
            break;
        }
        if (it >= opts->max_iter)
            break;
        memcpy(step, g, p * sizeof *g);
        if ((st = la_cholesky_solve(H, p, step, err)) != LSC_OK)
            goto cleanup;
        res->iterations = it + 1;
        /* step halving: accept the first t whose objective does not exceed
         * f (up to rounding, which dominates next to the optimum) */
        double t = 1.0, fnew = f;
        int accepted = 0;
        for (int halvings = 0; halvings < 60; halvings++, t *= 0.5) {
            for (size_t j = 0; j < p; j++)
                trial[j] = beta[j] - t * step[j];
            if ((st = design_linear(d, trial, eta, err)) != LSC_OK)
                goto cleanup;
            fnew = logreg_objective(d, trial, eta, opts->l2);
            if (isfinite(fnew) && fnew <= f + 1e-12 * fabs(f)) {
                accepted = 1;
                break;
            }
        }
        if (!accepted) {
            /* no decrease possible at working precision: keep beta */
            if ((st = design_linear(d, beta, eta, err)) != LSC_OK)
                goto cleanup;
            break;
        }
        memcpy(beta, trial, p * sizeof *beta);
        if (f - fnew <= 1e-15 * fabs(f) && res->grad_norm <= 1e3 * opts->tol) {
            /* stalled at rounding level right next to the criterion */
            res->converged = 1;
            if ((st = logreg_derivatives(d, beta, eta, opts->l2, &f, g, NULL, err)) != LSC_OK)
                goto cleanup;
            res->objective = f;
            res->grad_norm = max_abs(g, p) / nn;
            break;
        }
    }
cleanup:
    lsc_free(eta);
    lsc_free(g);
    lsc_free(H);
    lsc_free(step);
    lsc_free(trial);
    return st;
}
