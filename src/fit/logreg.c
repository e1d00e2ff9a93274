/* Newton's method (IRLS) for L2-regularised logistic regression.
 *
 * Minimises f(b) = sum_i s_i [log(1 + exp(eta_i)) - y_i eta_i] + (lambda/2) sum_{j>0} b_j^2
 * with eta = X b, X's first column the intercept and s_i the row weights
 * (design.h; all 1 when unweighted: scikit-learn's sample_weight). With
 * p_i = sigma(eta_i) and w_i = s_i p_i (1 - p_i):
 *   gradient  g = X' S (p - y) + lambda b  (no penalty on b_0)
 *   Hessian   H = X' W X + lambda I        (no penalty on b_0)
 * Each iteration (num/newton.c) solves H d = g by Cholesky (LAPACK dpotrf/dpotrs) and takes
 * b <- b - t d with t = 1, halved while f does not decrease (a guard that
 * plain Newton lacks far from the optimum). The fit has converged when
 * max_j |g_j| / n <= tol: the mean gradient, so the criterion means the same
 * for any number of rows (with weights, n is their sum). Because Newton converges quadratically,
 * one more step past a 1e-10 criterion lands at machine precision; the objective is strictly convex
 * for lambda > 0, so that optimum is the one scikit-learn's LogisticRegression(C = 1/lambda) finds
 * on the same design.
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
#include "mathfn.h"
#include "newton.h"
#include "parallel.h"
#include "status_internal.h"

double lsc_logreg_objective(const struct design *d, const double *beta, const double *eta, double l2)
{
    double f = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        double y = d->y[design_row(d, i)];
        f += design_weight(d, i) * (lsc_mathfn_log1pexp(eta[i]) - y * eta[i]);
    }
    double pen = 0.0;
    for (size_t j = 1; j < d->p; j++)
        pen += beta[j] * beta[j];
    return f + 0.5 * l2 * pen;
}

/* One task's share of the derivatives: rows [a, b). Categorical-level
 * cross products with the dense block go to a contiguous p x q accumulator
 * (vectorisable), scattered into H once at the end. */
struct deriv_part {
    const struct design *d;
    const double *eta;
    size_t a, b;
    int want_h, want_f;
    double f;
    double *g;     /* p */
    double *H;     /* p x p: intercept and categorical entries */
    double *cross; /* p x q: level x dense */
    double *hd;    /* q x q upper: dense x dense (dsyrk) */
    double *h0d;   /* q: intercept x dense */
    double *gd;    /* q: dense gradient */
    double *xb, *xs, *r, *w;
    int32_t *fr;
};

static void deriv_task(void *ctx, size_t k)
{
    struct deriv_part *t = (struct deriv_part *)ctx + k;
    const struct design *d = t->d;
    size_t p = d->p, q = d->q;
    double f = 0.0;
    for (size_t i0 = t->a; i0 < t->b; i0 += DESIGN_BLOCK) {
        size_t m = t->b - i0 < DESIGN_BLOCK ? t->b - i0 : DESIGN_BLOCK;
        lsc_design_fill_dense(d, i0, m, t->xb);
        for (size_t i = 0; i < m; i++) {
            size_t row = design_row(d, i0 + i);
            double e = t->eta[i0 + i], y = d->y[row];
            double pr = lsc_mathfn_sigmoid(e);
            /* x * 1.0 == x: the unweighted pass is unchanged bit for bit */
            double rw = d->w ? d->w[row] : 1.0;
            if (t->want_f)
                f += rw * (lsc_mathfn_log1pexp(e) - y * e);
            double ri = rw * (pr - y), wi = rw * (pr * (1.0 - pr));
            t->r[i] = ri;
            t->w[i] = wi;
            t->g[0] += ri;
            for (size_t c = 0; c < d->nc; c++) {
                t->fr[c] = d->cats[c].map[d->cats[c].codes[row]];
                if (t->fr[c] >= 0)
                    t->g[t->fr[c]] += ri;
            }
            if (!t->want_h)
                continue;
            const double *xi = t->xb + i * q;
            t->H[0] += wi;
            for (size_t c = 0; c < d->nc; c++) {
                int32_t a = t->fr[c];
                if (a < 0)
                    continue;
                double *Ha = t->H + (size_t)a * p;
                t->H[(size_t)a] += wi; /* intercept x level */
                Ha[a] += wi;
                for (size_t c2 = c + 1; c2 < d->nc; c2++)
                    if (t->fr[c2] >= 0)
                        Ha[t->fr[c2]] += wi;
                double *Ca = t->cross + (size_t)a * q;
                for (size_t j = 0; j < q; j++)
                    Ca[j] += wi * xi[j];
            }
        }
        lsc_la_gemv_t_acc(t->xb, m, q, t->r, t->gd);
        if (t->want_h && q > 0) {
            lsc_la_gemv_t_acc(t->xb, m, q, t->w, t->h0d);
            for (size_t i = 0; i < m; i++) {
                double sw = sqrt(t->w[i]);
                for (size_t j = 0; j < q; j++)
                    t->xs[i * q + j] = sw * t->xb[i * q + j];
            }
            lsc_la_syrk_acc(t->xs, m, q, t->hd);
        }
    }
    t->f = f;
}

static void free_parts(struct deriv_part *parts, size_t n)
{
    for (size_t k = 0; parts != NULL && k < n; k++) {
        lsc_free(parts[k].g);
        lsc_free(parts[k].H);
        lsc_free(parts[k].cross);
        lsc_free(parts[k].hd);
        lsc_free(parts[k].h0d);
        lsc_free(parts[k].gd);
        lsc_free(parts[k].xb);
        lsc_free(parts[k].xs);
        lsc_free(parts[k].r);
        lsc_free(parts[k].w);
        lsc_free(parts[k].fr);
    }
    lsc_free(parts);
}

enum lsc_status lsc_logreg_derivatives(const struct design *d, const double *beta, const double *eta,
                                   double l2, double *obj, double *g, double *H,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p, q = d->q;
    size_t qq = q ? q : 1;
    size_t nt = lsc_parallel_threads(d->n);
    int want_h = H != NULL;
    struct deriv_part *parts = lsc_calloc(nt, sizeof *parts);
    if (parts == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < nt; k++) {
        struct deriv_part *t = &parts[k];
        t->d = d;
        t->eta = eta;
        t->want_h = want_h;
        t->want_f = obj != NULL;
        lsc_parallel_range(d->n, nt, k, &t->a, &t->b);
        t->g = lsc_calloc(p, sizeof *t->g);
        t->H = want_h ? lsc_calloc(p * p, sizeof *t->H) : lsc_malloc(1);
        t->cross = want_h ? lsc_calloc(p * qq, sizeof *t->cross) : lsc_malloc(1);
        t->hd = lsc_calloc(qq * qq, sizeof *t->hd);
        t->h0d = lsc_calloc(qq, sizeof *t->h0d);
        t->gd = lsc_calloc(qq, sizeof *t->gd);
        t->xb = lsc_malloc(DESIGN_BLOCK * qq * sizeof *t->xb);
        t->xs = lsc_malloc(DESIGN_BLOCK * qq * sizeof *t->xs);
        t->r = lsc_malloc(DESIGN_BLOCK * sizeof *t->r);
        t->w = lsc_malloc(DESIGN_BLOCK * sizeof *t->w);
        t->fr = lsc_malloc((d->nc ? d->nc : 1) * sizeof *t->fr);
        if (t->g == NULL || t->H == NULL || t->cross == NULL || t->hd == NULL ||
            t->h0d == NULL || t->gd == NULL || t->xb == NULL || t->xs == NULL || t->r == NULL ||
            t->w == NULL || t->fr == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
    }
    lsc_parallel_run(nt, deriv_task, parts);
    /* combine in task order: deterministic whatever the scheduling */
    double f = 0.0;
    memset(g, 0, p * sizeof *g);
    if (want_h)
        memset(H, 0, p * p * sizeof *H);
    for (size_t k = 0; k < nt; k++) {
        const struct deriv_part *t = &parts[k];
        f += t->f;
        for (size_t j = 0; j < p; j++)
            g[j] += t->g[j];
        for (size_t j = 0; j < q; j++)
            g[d->dense[j].feature] += t->gd[j];
        if (!want_h)
            continue;
        for (size_t j = 0; j < p * p; j++)
            H[j] += t->H[j];
        for (size_t a = 0; a < q; a++) {
            size_t fa = d->dense[a].feature;
            H[fa] += t->h0d[a];
            for (size_t b = a; b < q; b++)
                H[fa * p + d->dense[b].feature] += t->hd[a * q + b];
        }
        for (size_t a = 1; a < p; a++) {
            const double *Ca = t->cross + a * q;
            for (size_t j = 0; j < q; j++)
                H[a * p + d->dense[j].feature] += Ca[j];
        }
    }
    if (want_h) {
        /* every off-diagonal pair was accumulated in one orientation only */
        for (size_t a = 0; a < p; a++)
            for (size_t b = a + 1; b < p; b++) {
                double s = H[a * p + b] + H[b * p + a];
                H[a * p + b] = s;
                H[b * p + a] = s;
            }
    }
    lsc_design_to_steps(d, g, want_h ? H : NULL); /* binned columns: bin space to steps */
    double pen = 0.0;
    for (size_t j = 1; j < p; j++) {
        g[j] += l2 * beta[j];
        pen += beta[j] * beta[j];
    }
    if (obj != NULL)
        *obj = f + 0.5 * l2 * pen;
    if (want_h)
        for (size_t j = 1; j < p; j++)
            H[j * p + j] += l2;
cleanup:
    free_parts(parts, nt);
    return st;
}

static double penalty(const double *beta, size_t p, double l2)
{
    double pen = 0.0;
    for (size_t j = 1; j < p; j++)
        pen += beta[j] * beta[j];
    return 0.5 * l2 * pen;
}

/* The penalised log-likelihood as newton.h's objective: fun keeps the
 * linear predictor of its point for grad_hess. */
struct logreg_objective {
    const struct design *d;
    double l2;
    double *eta;
};

static enum lsc_status objective_fun(void *ctx, const double *beta, double *f,
                                     struct lsc_error *err)
{
    const struct logreg_objective *o = ctx;
    enum lsc_status st = lsc_design_linear_loss(o->d, beta, o->eta, f, err);
    if (st == LSC_OK)
        *f += penalty(beta, o->d->p, o->l2);
    return st;
}

static enum lsc_status objective_grad_hess(void *ctx, const double *beta, double *g, double *H,
                                           struct lsc_error *err)
{
    const struct logreg_objective *o = ctx;
    return lsc_logreg_derivatives(o->d, beta, o->eta, o->l2, NULL, g, H, err);
}

enum lsc_status lsc_logreg_fit(const struct design *d, const struct logreg_opts *opts, double *beta,
                               struct logreg_result *res, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p;
    double nn = d->n > 0 ? (double)d->n : 1.0;
    if (d->w != NULL) {
        double sw = 0.0;
        for (size_t i = 0; i < d->n; i++)
            sw += design_weight(d, i);
        nn = sw > 0.0 ? sw : 1.0;
    }
    struct logreg_objective o = {d, opts->l2, NULL};
    struct newton_objective obj = {p, &o, objective_fun, objective_grad_hess};
    struct newton_opts no = {opts->max_iter, opts->tol, nn, opts->hessian};
    struct newton_result nr;
    memset(res, 0, sizeof *res);
    o.eta = lsc_malloc((d->n ? d->n : 1) * sizeof *o.eta);
    if (o.eta == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    /* from zero, start the intercept at the log-odds of the base rate */
    int from_zero = 1;
    for (size_t j = 0; j < p; j++)
        from_zero &= beta[j] == 0.0;
    if (from_zero && d->n > 0) {
        double pos = 0.0;
        for (size_t i = 0; i < d->n; i++)
            pos += design_weight(d, i) * d->y[design_row(d, i)];
        if (pos > 0.0 && pos < nn)
            beta[0] = log(pos / (nn - pos));
    }
    st = lsc_newton_minimize(&obj, &no, beta, &nr, err);
    res->iterations = nr.iterations;
    res->converged = nr.converged;
    res->objective = nr.objective;
    res->grad_norm = nr.grad_norm;
    res->hessian_valid = nr.hessian_valid;
cleanup:
    lsc_free(o.eta);
    return st;
}
