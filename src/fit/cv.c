/* Penalty choice by K-fold cross-validation (glmnet's cv.glmnet recipe).
 *
 * The path is n_lambda values log-spaced from lambda_max (the smallest
 * penalty that zeroes every coefficient, lsc_enet_lambda_max) down to
 * lambda_max * min_ratio. Every fold fits the path from the top, warm-
 * starting each fit from the previous one, and scores its held-out rows
 * (mean log-loss, or AUC). The objective sums the log-losses, so a fold
 * fitted on n_k of the n rows uses lambda * n_k / n: the same penalty per
 * row as lambda on all n rows, which is where the chosen lambda is used.
 * Per lambda the K fold values give a mean and a
 * standard error sd / sqrt(K); the best lambda has the best mean, the
 * one-standard-error rule takes the largest lambda whose mean is within one
 * standard error of it (Hastie, Tibshirani & Friedman, ESL 2nd ed. 7.10).
 */
#include "cv.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "enet.h"
#include "logreg.h"
#include "mathfn.h"
#include "metrics.h"
#include "split.h"
#include "status_internal.h"

void lsc_cv_path_free(struct cv_path *path)
{
    if (path == NULL)
        return;
    lsc_free(path->lambda);
    lsc_free(path->mean);
    lsc_free(path->se);
    lsc_free(path->nonzero);
    memset(path, 0, sizeof *path);
}

/* 1 when a is better than b by more than rounding. */
static int better(double a, double b, enum cv_metric m)
{
    double slack = 1e-10 * (fabs(a) > fabs(b) ? fabs(a) : fabs(b));
    if (isnan(b))
        return !isnan(a);
    return m == CV_AUC ? a > b + slack : a < b - slack;
}

/* Stratified folds: each class shuffled (split.h) and dealt round-robin. */
static enum lsc_status assign_folds(const struct design *d, size_t K, unsigned long seed,
                                    size_t *fold, struct lsc_error *err)
{
    struct split_strata s;
    enum lsc_status st = lsc_split_strata_init(&s, d->y, d->rows, d->n, seed, err);
    for (int k = 0; k < 2 && st == LSC_OK; k++) {
        if (s.cnt[k] < K) {
            st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                               "--cv %zu: the training rows have only %zu %s; use fewer folds", K,
                               s.cnt[k], k ? "conversions" : "non-conversions");
            break;
        }
        for (size_t i = 0; i < s.cnt[k]; i++)
            fold[s.cls[k][i]] = i % K;
    }
    lsc_split_strata_fini(&s);
    return st;
}

/* Fold k: fits the whole path on the other folds (warm-started from the
 * largest lambda) and puts the held-out metric of each fit in vals[l]. */
static enum lsc_status run_fold(const struct cv_problem *pb, const struct cv_opts *o, size_t k,
                                struct cv_path *path, double *beta, double *vals,
                                struct lsc_error *err)
{
    size_t nt = 0;
    enum lsc_status st = pb->select(pb->ctx, k, &nt, err);
    memset(beta, 0, pb->p * sizeof *beta);
    for (size_t l = 0; st == LSC_OK && l < path->n; l++) {
        int conv = 0;
        /* the same penalty per row as lambda on all n rows */
        double lam = path->lambda[l] * (double)nt / (double)pb->n;
        if ((st = pb->fit(pb->ctx, o, lam, beta, &conv, err)) != LSC_OK)
            return st;
        path->not_converged += !conv;
        st = pb->metric(pb->ctx, beta, o->metric, &vals[l], err);
    }
    return st;
}

/* The path on all rows, for the non-zero counts. */
static enum lsc_status count_nonzero(const struct cv_problem *pb, const struct cv_opts *o,
                                     struct cv_path *path, double *beta, struct lsc_error *err)
{
    size_t nt = 0;
    enum lsc_status st = pb->select(pb->ctx, CV_NO_FOLD, &nt, err);
    memset(beta, 0, pb->p * sizeof *beta);
    for (size_t l = 0; st == LSC_OK && l < path->n; l++) {
        int conv = 0;
        if ((st = pb->fit(pb->ctx, o, path->lambda[l], beta, &conv, err)) != LSC_OK)
            return st;
        path->not_converged += !conv;
        for (size_t j = 1; j < pb->p; j++)
            path->nonzero[l] += beta[j] != 0.0;
    }
    return st;
}

/* The K fold fits and the all-rows fit side by side (pb->fit_all), one
 * penalty at a time: the same fits, warm starts and metrics as run_fold and
 * count_nonzero, in another order. */
static enum lsc_status run_side_by_side(const struct cv_problem *pb, const struct cv_opts *o,
                                        struct cv_path *path, double *vals,
                                        struct lsc_error *err)
{
    size_t K = o->folds, L = path->n, P = pb->p;
    double *beta = lsc_calloc((K + 1) * P + 1, sizeof *beta);
    double *lam = lsc_malloc((K + 1) * sizeof *lam), *v = lsc_malloc(K * sizeof *v);
    int *conv = lsc_malloc((K + 1) * sizeof *conv);
    enum lsc_status st = LSC_OK;
    if (beta == NULL || lam == NULL || v == NULL || conv == NULL)
        st = lsc_error_nomem(err);
    for (size_t l = 0; st == LSC_OK && l < L; l++) {
        for (size_t k = 0; k < K; k++)
            lam[k] = path->lambda[l] * (double)pb->fold_rows[k] / (double)pb->n;
        lam[K] = path->lambda[l];
        if ((st = pb->fit_all(pb->ctx, o, lam, beta, conv, err)) != LSC_OK)
            break;
        for (size_t k = 0; k <= K; k++)
            path->not_converged += !conv[k];
        for (size_t j = 1; j < P; j++)
            path->nonzero[l] += beta[K * P + j] != 0.0;
        if ((st = pb->metric_all(pb->ctx, beta, o->metric, v, err)) != LSC_OK)
            break;
        for (size_t k = 0; k < K; k++)
            vals[k * L + l] = v[k];
    }
    lsc_free(beta);
    lsc_free(lam);
    lsc_free(v);
    lsc_free(conv);
    return st;
}

/* Mean and standard error over the K folds (vals: K x L), the best lambda
 * and the chosen one. */
static void choose(const struct cv_opts *o, const double *vals, struct cv_path *path)
{
    size_t K = o->folds, L = path->n;
    for (size_t l = 0; l < L; l++) {
        double s = 0.0, ss = 0.0;
        for (size_t k = 0; k < K; k++)
            s += vals[k * L + l];
        double mean = s / (double)K;
        for (size_t k = 0; k < K; k++)
            ss += (vals[k * L + l] - mean) * (vals[k * L + l] - mean);
        path->mean[l] = mean;
        path->se[l] = sqrt(ss / (double)(K - 1)) / sqrt((double)K);
    }
    path->best = 0;
    for (size_t l = 1; l < L; l++)
        if (better(path->mean[l], path->mean[path->best], o->metric))
            path->best = l;
    path->chosen = path->best;
    if (o->one_se) {
        double m = path->mean[path->best], se = path->se[path->best];
        for (size_t l = 0; l < path->best; l++) {
            int within = o->metric == CV_AUC ? path->mean[l] >= m - se : path->mean[l] <= m + se;
            if (within) {
                path->chosen = l;
                break;
            }
        }
    }
}

static enum lsc_status cv_run_once(const struct cv_problem *pb, const struct cv_opts *o,
                                   struct cv_path *path, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t K = o->folds, L = o->n_lambda;
    memset(path, 0, sizeof *path);
    if (K < 2 || L < 2 || !(o->min_ratio > 0.0 && o->min_ratio < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "cross-validation needs at least 2 folds and 2 penalties");
    path->lambda = lsc_malloc(L * sizeof *path->lambda);
    path->mean = lsc_malloc(L * sizeof *path->mean);
    path->se = lsc_malloc(L * sizeof *path->se);
    path->nonzero = lsc_calloc(L, sizeof *path->nonzero);
    double *vals = lsc_malloc(K * L * sizeof *vals);
    double *beta = lsc_malloc((pb->p ? pb->p : 1) * sizeof *beta);
    if (path->lambda == NULL || path->mean == NULL || path->se == NULL || path->nonzero == NULL ||
        vals == NULL || beta == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    path->n = L;
    double lmax = 1.0;
    if ((st = pb->lambda_max(pb->ctx, o->l1_ratio, &lmax, err)) != LSC_OK)
        goto cleanup;
    for (size_t l = 0; l < L; l++)
        path->lambda[l] = lmax * pow(o->min_ratio, (double)l / (double)(L - 1));
    if (pb->fit_all != NULL)
        st = run_side_by_side(pb, o, path, vals, err);
    for (size_t k = 0; pb->fit_all == NULL && k < K && st == LSC_OK; k++)
        st = run_fold(pb, o, k, path, beta, vals + k * L, err);
    if (pb->fit_all == NULL && st == LSC_OK)
        st = count_nonzero(pb, o, path, beta, err);
    if (st == LSC_OK)
        choose(o, vals, path);
cleanup:
    if (st != LSC_OK)
        lsc_cv_path_free(path);
    lsc_free(vals);
    lsc_free(beta);
    return st;
}

enum lsc_status lsc_cv_run_problem(const struct cv_problem *pb, const struct cv_opts *o,
                                   struct cv_path *path, struct lsc_error *err)
{
    struct cv_opts co = *o;
    enum lsc_status st = cv_run_once(pb, &co, path, err);
    /* the best penalty at the path's small end: the best may lie below it,
     * so the path goes on at the same log step, up to CV_MAX_EXTEND times */
    for (size_t e = 0; st == LSC_OK && e < CV_MAX_EXTEND && path->best + 1 == path->n; e++) {
        size_t more = (co.n_lambda + 1) / 2;
        double step = pow(co.min_ratio, 1.0 / (double)(co.n_lambda - 1));
        co.min_ratio *= pow(step, (double)more);
        co.n_lambda += more;
        if (!(co.min_ratio > 1e-12))
            break;
        lsc_cv_path_free(path);
        st = cv_run_once(pb, &co, path, err);
        path->extended = e + 1;
    }
    return st;
}

/* ---- the design's problem (lsc_cv_run) --------------------------------- */

/* The rows of d, their folds, and the current fold's fitting and
 * validation rows. */
struct cv_design {
    const struct design *d;
    size_t *fold, *trows, *vrows;
    struct design tr, va;
    double *eta, *yv;
};

static enum lsc_status design_lambda_max(void *ctx, double l1_ratio, double *lmax,
                                         struct lsc_error *err)
{
    const struct cv_design *c = ctx;
    return lsc_enet_lambda_max(c->d, l1_ratio, lmax, err);
}

static enum lsc_status design_select(void *ctx, size_t k, size_t *nt, struct lsc_error *err)
{
    (void)err;
    struct cv_design *c = ctx;
    size_t *trows = c->trows, *vrows = c->vrows;
    c->tr.n = c->va.n = 0;
    for (size_t i = 0; i < c->d->n; i++) {
        if (k != CV_NO_FOLD && c->fold[i] == k)
            vrows[c->va.n++] = design_row(c->d, i);
        else
            trows[c->tr.n++] = design_row(c->d, i);
    }
    for (size_t i = 0; i < c->va.n; i++)
        c->yv[i] = c->d->y[vrows[i]];
    *nt = c->tr.n;
    return LSC_OK;
}

static enum lsc_status design_fit(void *ctx, const struct cv_opts *o, double lambda, double *beta,
                                  int *converged, struct lsc_error *err)
{
    const struct cv_design *c = ctx;
    enum lsc_status st;
    if (o->l1_ratio == 0.0) {
        struct logreg_opts lo = {lambda, o->max_iter, o->tol, NULL};
        struct logreg_result r;
        st = lsc_logreg_fit(&c->tr, &lo, beta, &r, err);
        *converged = r.converged;
    } else {
        struct enet_opts eo = {lambda, o->l1_ratio, o->max_iter, o->tol};
        struct enet_result r;
        st = lsc_enet_fit(&c->tr, &eo, beta, &r, err);
        *converged = r.converged;
    }
    return st;
}

static enum lsc_status design_metric(void *ctx, const double *beta, enum cv_metric m, double *v,
                                     struct lsc_error *err)
{
    const struct cv_design *c = ctx;
    size_t nv = c->va.n;
    enum lsc_status st = lsc_design_linear(&c->va, beta, c->eta, err);
    if (st != LSC_OK)
        return st;
    for (size_t i = 0; i < nv; i++)
        c->eta[i] = lsc_mathfn_sigmoid(c->eta[i]);
    if (m == CV_LOGLOSS) {
        *v = lsc_metrics_log_loss(c->eta, c->yv, nv);
        return LSC_OK;
    }
    return lsc_metrics_auc(c->eta, c->yv, nv, v) == LSC_OK ? LSC_OK : lsc_error_nomem(err);
}

/* Given folds: every fold has rows of both classes. */
static enum lsc_status check_folds(const struct design *d, size_t K, const size_t *fold,
                                   struct lsc_error *err)
{
    size_t *cnt = lsc_calloc(2 * K, sizeof *cnt);
    if (cnt == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < d->n; i++)
        if (fold[i] < K)
            cnt[2 * fold[i] + (d->y[design_row(d, i)] > 0.5)]++;
    enum lsc_status st = LSC_OK;
    for (size_t k = 0; k < K && st == LSC_OK; k++)
        if (cnt[2 * k] == 0 || cnt[2 * k + 1] == 0)
            st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                               "--cv %zu: fold %zu (folds by a hash of the id) has no %s; use "
                               "fewer folds",
                               K, k + 1, cnt[2 * k] ? "conversions" : "non-conversions");
    lsc_free(cnt);
    return st;
}

enum lsc_status lsc_cv_run(const struct design *d, const struct cv_opts *o, struct cv_path *path,
                           struct lsc_error *err)
{
    size_t n = d->n ? d->n : 1;
    struct cv_design c = {d, lsc_malloc(n * sizeof(size_t)), lsc_malloc(n * sizeof(size_t)),
                          lsc_malloc(n * sizeof(size_t)), *d, *d, NULL, NULL};
    c.tr.rows = c.trows;
    c.va.rows = c.vrows;
    c.eta = lsc_malloc(n * sizeof *c.eta);
    c.yv = lsc_malloc(n * sizeof *c.yv);
    struct cv_problem pb = {d->p,          d->n,       &c,            design_lambda_max,
                            design_select, design_fit, design_metric, NULL,
                            NULL,          NULL};
    enum lsc_status st = LSC_OK;
    memset(path, 0, sizeof *path);
    if (c.fold == NULL || c.trows == NULL || c.vrows == NULL || c.eta == NULL || c.yv == NULL)
        st = lsc_error_nomem(err);
    else if (o->fold != NULL) {
        memcpy(c.fold, o->fold, d->n * sizeof *c.fold);
        st = o->folds >= 2 ? check_folds(d, o->folds, c.fold, err) : LSC_OK;
    } else if (o->folds >= 2)
        st = assign_folds(d, o->folds, o->seed, c.fold, err);
    if (st == LSC_OK)
        st = lsc_cv_run_problem(&pb, o, path, err);
    lsc_free(c.fold);
    lsc_free(c.trows);
    lsc_free(c.vrows);
    lsc_free(c.eta);
    lsc_free(c.yv);
    return st;
}
