/* Elastic-net logistic regression: proximal Newton with coordinate descent.
 *
 * Minimises F(b) = sum_i [log(1 + exp(eta_i)) - y_i eta_i]
 *                  + lambda * sum_{j>0} (alpha |b_j| + (1 - alpha)/2 b_j^2)
 * with eta = X b, X's first column the intercept (never penalised). With
 * lambda = 1/C this is scikit-learn's LogisticRegression(penalty='elasticnet',
 * l1_ratio=alpha, C) objective divided by C, so both have one minimiser.
 *
 * The algorithm is glmnet's (Friedman, Hastie & Tibshirani 2010, "Regular-
 * ization paths for generalized linear models via coordinate descent", J.
 * Stat. Softw. 33(1)), in its "covariance" form:
 *   1. at the current b, one pass over the rows (lsc_logreg_derivatives) gives
 *      the loss gradient g and Hessian H = X'WX;
 *   2. cyclic coordinate descent minimises the quadratic model
 *      g'(c - b) + (c - b)'H(c - b)/2 + penalty(c): each coordinate's exact
 *      minimiser is a soft-thresholding, S(H_jj c_j - r_j, lambda alpha) /
 *      (H_jj + lambda (1 - alpha)), where r = g + H(c - b) is kept up to date
 *      (O(p) per update, no pass over the rows). Sweeps cycle over the active
 *      set (intercept and non-zero coefficients) until it settles, then one
 *      full sweep confirms nothing outside it moves;
 *   3. the step d = c - b is taken with backtracking (Armijo on the true F,
 *      with the decrease g'd + penalty(b + d) - penalty(b)), which makes the
 *      IRLS outer loop a convergent proximal Newton method (Lee, Sun &
 *      Saunders 2014).
 * The fit has converged when the largest violation of the optimality
 * (KKT/subgradient) conditions, divided by the number of rows, is at most
 * tol: the same scale as the L2 Newton criterion (max |gradient| / n).
 */
#include "enet.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "logreg.h"
#include "status_internal.h"

double lsc_enet_soft_threshold(double z, double t)
{
    if (z > t)
        return z - t;
    if (z < -t)
        return z + t;
    return 0.0;
}

double lsc_enet_penalty(const double *beta, size_t p, double lambda, double l1_ratio)
{
    double l1 = 0.0, l2 = 0.0;
    for (size_t j = 1; j < p; j++) {
        l1 += fabs(beta[j]);
        l2 += beta[j] * beta[j];
    }
    return lambda * (l1_ratio * l1 + 0.5 * (1.0 - l1_ratio) * l2);
}

double lsc_enet_kkt(const double *g, const double *beta, size_t p, size_t n, double lambda,
                double l1_ratio)
{
    double nn = n > 0 ? (double)n : 1.0;
    double worst = p > 0 ? fabs(g[0]) : 0.0;
    double a = lambda * l1_ratio, b = lambda * (1.0 - l1_ratio);
    for (size_t j = 1; j < p; j++) {
        double gj = g[j] + b * beta[j], v;
        if (beta[j] > 0.0)
            v = fabs(gj + a);
        else if (beta[j] < 0.0)
            v = fabs(gj - a);
        else
            v = fabs(gj) > a ? fabs(gj) - a : 0.0;
        if (v > worst)
            worst = v;
    }
    return worst / nn;
}

/* One coordinate's update; returns the change. */
static double cd_update(const double *H, size_t p, size_t j, double a, double b, double *c,
                        double *r)
{
    double hjj = H[j * p + j];
    double denom = j == 0 ? hjj : hjj + b;
    if (!(denom > 0.0))
        return 0.0;
    double u = hjj * c[j] - r[j];
    double next = j == 0 ? u / hjj : lsc_enet_soft_threshold(u, a) / denom;
    double delta = next - c[j];
    if (delta == 0.0)
        return 0.0;
    c[j] = next;
    const double *Hj = H + j * p; /* symmetric: row j is column j */
    for (size_t k = 0; k < p; k++)
        r[k] += Hj[k] * delta;
    return delta;
}

size_t lsc_enet_cd_solve(const double *H, const double *g, const double *b0, size_t p, double lambda,
                     double l1_ratio, double *c, double *r)
{
    const size_t max_sweeps = 100000;
    double a = lambda * l1_ratio, b = lambda * (1.0 - l1_ratio);
    /* converged when no coordinate moves the model by more than this:
     * (H_jj + penalty) delta^2 against the scale of the curvature */
    double thresh = 1e-26 * (1.0 + (p > 0 ? fabs(H[0]) : 0.0));
    size_t sweeps = 0;
    memcpy(c, b0, p * sizeof *c);
    memcpy(r, g, p * sizeof *r);
    /* r = g + H (c - b0) = g at the start since c = b0 */
    while (sweeps < max_sweeps) {
        /* full sweep */
        double moved = 0.0;
        sweeps++;
        for (size_t j = 0; j < p; j++) {
            double dl = cd_update(H, p, j, a, b, c, r);
            double s = (H[j * p + j] + (j ? b : 0.0)) * dl * dl;
            if (s > moved)
                moved = s;
        }
        if (moved <= thresh)
            break;
        /* the active set until it settles */
        while (sweeps < max_sweeps) {
            double am = 0.0;
            sweeps++;
            for (size_t j = 0; j < p; j++) {
                if (j != 0 && c[j] == 0.0)
                    continue;
                double dl = cd_update(H, p, j, a, b, c, r);
                double s = (H[j * p + j] + (j ? b : 0.0)) * dl * dl;
                if (s > am)
                    am = s;
            }
            if (am <= thresh)
                break;
        }
    }
    return sweeps;
}

double lsc_enet_lambda_max_of(const double *g, size_t p, double l1_ratio)
{
    double m = 0.0;
    for (size_t j = 1; j < p; j++)
        if (fabs(g[j]) > m)
            m = fabs(g[j]);
    m /= l1_ratio > 1e-3 ? l1_ratio : 1e-3;
    if (!(m > 0.0 && isfinite(m)))
        return 1.0;
    /* to 10 significant digits: the sum's last bits depend on how the rows
     * were split over threads (or the database's workers), and the path
     * must not */
    double scale = pow(10.0, floor(log10(m)) - 9.0);
    return round(m / scale) * scale;
}

enum lsc_status lsc_enet_lambda_max(const struct design *d, double l1_ratio, double *lambda_max,
                                struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p;
    double *beta = lsc_calloc(p, sizeof *beta);
    double *g = lsc_malloc(p * sizeof *g);
    double *eta = lsc_malloc((d->n ? d->n : 1) * sizeof *eta);
    *lambda_max = 1.0;
    if (beta == NULL || g == NULL || eta == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    double pos = 0.0, nn = (double)d->n;
    for (size_t i = 0; i < d->n; i++)
        pos += d->y[design_row(d, i)];
    if (pos > 0.0 && pos < nn)
        beta[0] = log(pos / (nn - pos));
    if ((st = lsc_design_linear(d, beta, eta, err)) != LSC_OK ||
        (st = lsc_logreg_derivatives(d, beta, eta, 0.0, NULL, g, NULL, err)) != LSC_OK)
        goto cleanup;
    *lambda_max = lsc_enet_lambda_max_of(g, p, l1_ratio);
cleanup:
    lsc_free(beta);
    lsc_free(g);
    lsc_free(eta);
    return st;
}

/* Armijo backtracking on F = loss + penalty from beta (objective *f,
 * penalty *pen) along c - beta; on success (*accepted) trial is the step
 * taken and *f, *pen its values. */
static enum lsc_status line_search(const struct enet_objective *obj, const struct enet_opts *o,
                                   const double *g, const double *beta, const double *c,
                                   double *trial, double *f, double *pen, int *accepted,
                                   struct lsc_error *err)
{
    size_t p = obj->p;
    double dec = lsc_enet_penalty(c, p, o->lambda, o->l1_ratio) - *pen, t = 1.0;
    for (size_t j = 0; j < p; j++)
        dec += g[j] * (c[j] - beta[j]);
    *accepted = 0;
    for (int halvings = 0; halvings < 60; halvings++, t *= 0.5) {
        double fnew, pnew;
        for (size_t j = 0; j < p; j++)
            trial[j] = t == 1.0 ? c[j] : beta[j] + t * (c[j] - beta[j]);
        enum lsc_status st = obj->loss(obj->ctx, trial, &fnew, err);
        if (st != LSC_OK)
            return st;
        pnew = lsc_enet_penalty(trial, p, o->lambda, o->l1_ratio);
        fnew += pnew;
        if (isfinite(fnew) &&
            (fnew <= *f + 1e-4 * t * (dec < 0.0 ? dec : 0.0) || fnew <= *f - 1e-12 * fabs(*f) ||
             (dec > -1e-12 * fabs(*f) && fnew <= *f + 1e-12 * fabs(*f)))) {
            *accepted = 1;
            *f = fnew;
            *pen = pnew;
            return LSC_OK;
        }
    }
    return LSC_OK;
}

enum lsc_status lsc_enet_minimize(const struct enet_objective *obj, size_t rows,
                                  double positives, const struct enet_opts *o, double *beta,
                                  struct enet_result *res, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = obj->p;
    double nn = rows > 0 ? (double)rows : 1.0;
    double lam = o->lambda, alpha = o->l1_ratio;
    double *g = NULL, *H = NULL, *c = NULL, *r = NULL, *trial = NULL;
    memset(res, 0, sizeof *res);
    if (!(lam >= 0.0) || !isfinite(lam) || !(alpha >= 0.0 && alpha <= 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "elastic net: lambda must be >= 0 and l1_ratio in [0, 1]");
    g = lsc_malloc(p * sizeof *g);
    H = lsc_malloc(p * p * sizeof *H);
    c = lsc_malloc(p * sizeof *c);
    r = lsc_malloc(p * sizeof *r);
    trial = lsc_malloc(p * sizeof *trial);
    if (g == NULL || H == NULL || c == NULL || r == NULL || trial == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    int from_zero = 1;
    for (size_t j = 0; j < p; j++)
        from_zero &= beta[j] == 0.0;
    if (from_zero && rows > 0 && positives > 0.0 && positives < nn)
        beta[0] = log(positives / (nn - positives));
    double f = 0.0;
    if ((st = obj->loss(obj->ctx, beta, &f, err)) != LSC_OK)
        goto cleanup;
    double pen = lsc_enet_penalty(beta, p, lam, alpha);
    f += pen;
    for (size_t it = 0;; it++) {
        if ((st = obj->derivatives(obj->ctx, beta, g, H, err)) != LSC_OK)
            goto cleanup;
        res->objective = f;
        res->kkt = lsc_enet_kkt(g, beta, p, rows, lam, alpha);
        if (res->kkt <= o->tol) {
            res->converged = 1;
            break;
        }
        if (it >= o->max_iter)
            break;
        res->iterations = it + 1;
        lsc_enet_cd_solve(H, g, beta, p, lam, alpha, c, r);
        int accepted = 0;
        if ((st = line_search(obj, o, g, beta, c, trial, &f, &pen, &accepted, err)) != LSC_OK)
            goto cleanup;
        if (!accepted) { /* no decrease at working precision: keep beta */
            res->converged = res->kkt <= 1e3 * o->tol;
            break;
        }
        memcpy(beta, trial, p * sizeof *beta);
    }
    res->objective = f;
    for (size_t j = 1; j < p; j++)
        res->nonzero += beta[j] != 0.0;
cleanup:
    lsc_free(g);
    lsc_free(H);
    lsc_free(c);
    lsc_free(r);
    lsc_free(trial);
    return st;
}

/* A design as an enet_objective: eta of the last loss call, which the
 * derivatives (always at that beta) reuse. */
struct design_objective {
    const struct design *d;
    double *eta;
};

static enum lsc_status design_loss(void *ctx, const double *beta, double *f,
                                   struct lsc_error *err)
{
    struct design_objective *o = ctx;
    return lsc_design_linear_loss(o->d, beta, o->eta, f, err);
}

static enum lsc_status design_derivatives(void *ctx, const double *beta, double *g, double *H,
                                          struct lsc_error *err)
{
    struct design_objective *o = ctx;
    return lsc_logreg_derivatives(o->d, beta, o->eta, 0.0, NULL, g, H, err);
}

enum lsc_status lsc_enet_fit(const struct design *d, const struct enet_opts *o, double *beta,
                             struct enet_result *res, struct lsc_error *err)
{
    struct design_objective dob = {d, lsc_malloc((d->n ? d->n : 1) * sizeof *dob.eta)};
    struct enet_objective obj = {d->p, &dob, design_loss, design_derivatives};
    double pos = 0.0;
    if (dob.eta == NULL) {
        memset(res, 0, sizeof *res);
        return lsc_error_nomem(err);
    }
    for (size_t i = 0; i < d->n; i++)
        pos += d->y[design_row(d, i)];
    enum lsc_status st = lsc_enet_minimize(&obj, d->n, pos, o, beta, res, err);
    lsc_free(dob.eta);
    return st;
}
