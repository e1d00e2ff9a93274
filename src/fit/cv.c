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

/* One fit at lambda from beta (warm start); *converged set. */
static enum lsc_status fit_at(const struct design *d, const struct cv_opts *o, double lambda,
                              double *beta, int *converged, struct lsc_error *err)
{
    enum lsc_status st;
    if (o->l1_ratio == 0.0) {
        struct logreg_opts lo = {lambda, o->max_iter, o->tol, NULL};
        struct logreg_result r;
        st = lsc_logreg_fit(d, &lo, beta, &r, err);
        *converged = r.converged;
    } else {
        struct enet_opts eo = {lambda, o->l1_ratio, o->max_iter, o->tol};
        struct enet_result r;
        st = lsc_enet_fit(d, &eo, beta, &r, err);
        *converged = r.converged;
    }
    return st;
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

/* Scratch of the fold fits: row lists, the validation linear predictor and
 * labels, the coefficients. */
struct cv_work {
    size_t *trows, *vrows;
    double *eta, *yv, *beta;
};

/* Fold k: fits the whole path on the other folds (warm-started from the
 * largest lambda) and puts the held-out metric of each fit in vals[l]. */
static enum lsc_status run_fold(const struct design *d, const struct cv_opts *o, const size_t *fold,
                                size_t k, struct cv_path *path, struct cv_work *w, double *vals,
                                struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = d->n, L = path->n;
    struct design tr = *d, va = *d;
    size_t nt = 0, nv = 0;
    for (size_t i = 0; i < n; i++) {
        if (fold[i] == k)
            w->vrows[nv++] = design_row(d, i);
        else
            w->trows[nt++] = design_row(d, i);
    }
    tr.rows = w->trows;
    tr.n = nt;
    va.rows = w->vrows;
    va.n = nv;
    for (size_t i = 0; i < nv; i++)
        w->yv[i] = d->y[w->vrows[i]];
    memset(w->beta, 0, d->p * sizeof *w->beta);
    for (size_t l = 0; l < L; l++) {
        int conv = 0;
        /* the same penalty per row as lambda on all n rows */
        double lam = path->lambda[l] * (double)nt / (double)n;
        if ((st = fit_at(&tr, o, lam, w->beta, &conv, err)) != LSC_OK)
            return st;
        path->not_converged += !conv;
        if ((st = lsc_design_linear(&va, w->beta, w->eta, err)) != LSC_OK)
            return st;
        for (size_t i = 0; i < nv; i++)
            w->eta[i] = lsc_mathfn_sigmoid(w->eta[i]);
        double v = 0.0;
        if (o->metric == CV_AUC) {
            if (lsc_metrics_auc(w->eta, w->yv, nv, &v) != LSC_OK)
                return lsc_error_nomem(err);
        } else {
            v = lsc_metrics_log_loss(w->eta, w->yv, nv);
        }
        vals[l] = v;
    }
    return st;
}

/* The path on all rows, for the non-zero counts. */
static enum lsc_status count_nonzero(const struct design *d, const struct cv_opts *o,
                                     struct cv_path *path, double *beta, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    memset(beta, 0, d->p * sizeof *beta);
    for (size_t l = 0; l < path->n; l++) {
        int conv = 0;
        if ((st = fit_at(d, o, path->lambda[l], beta, &conv, err)) != LSC_OK)
            return st;
        path->not_converged += !conv;
        for (size_t j = 1; j < d->p; j++)
            path->nonzero[l] += beta[j] != 0.0;
    }
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

static enum lsc_status cv_run_once(const struct design *d, const struct cv_opts *o,
                                   struct cv_path *path, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = d->n, K = o->folds, L = o->n_lambda;
    size_t *fold = NULL;
    double *vals = NULL;
    struct cv_work w = {NULL, NULL, NULL, NULL, NULL};
    memset(path, 0, sizeof *path);
    if (K < 2 || L < 2 || !(o->min_ratio > 0.0 && o->min_ratio < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "cross-validation needs at least 2 folds and 2 penalties");
    path->lambda = lsc_malloc(L * sizeof *path->lambda);
    path->mean = lsc_malloc(L * sizeof *path->mean);
    path->se = lsc_malloc(L * sizeof *path->se);
    path->nonzero = lsc_calloc(L, sizeof *path->nonzero);
    fold = lsc_malloc((n ? n : 1) * sizeof *fold);
    w.trows = lsc_malloc((n ? n : 1) * sizeof *w.trows);
    w.vrows = lsc_malloc((n ? n : 1) * sizeof *w.vrows);
    w.eta = lsc_malloc((n ? n : 1) * sizeof *w.eta);
    w.yv = lsc_malloc((n ? n : 1) * sizeof *w.yv);
    vals = lsc_malloc(K * L * sizeof *vals);
    w.beta = lsc_malloc(d->p * sizeof *w.beta);
    if (path->lambda == NULL || path->mean == NULL || path->se == NULL || path->nonzero == NULL ||
        fold == NULL || w.trows == NULL || w.vrows == NULL || w.eta == NULL || w.yv == NULL ||
        vals == NULL || w.beta == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    path->n = L;
    if ((st = assign_folds(d, K, o->seed, fold, err)) != LSC_OK)
        goto cleanup;
    double lmax = 1.0;
    if ((st = lsc_enet_lambda_max(d, o->l1_ratio, &lmax, err)) != LSC_OK)
        goto cleanup;
    for (size_t l = 0; l < L; l++)
        path->lambda[l] = lmax * pow(o->min_ratio, (double)l / (double)(L - 1));
    for (size_t k = 0; k < K && st == LSC_OK; k++)
        st = run_fold(d, o, fold, k, path, &w, vals + k * L, err);
    if (st == LSC_OK)
        st = count_nonzero(d, o, path, w.beta, err);
    if (st == LSC_OK)
        choose(o, vals, path);
cleanup:
    if (st != LSC_OK)
        lsc_cv_path_free(path);
    lsc_free(fold);
    lsc_free(w.trows);
    lsc_free(w.vrows);
    lsc_free(w.eta);
    lsc_free(w.yv);
    lsc_free(vals);
    lsc_free(w.beta);
    return st;
}

enum lsc_status lsc_cv_run(const struct design *d, const struct cv_opts *o, struct cv_path *path,
                           struct lsc_error *err)
{
    struct cv_opts co = *o;
    enum lsc_status st = cv_run_once(d, &co, path, err);
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
        st = cv_run_once(d, &co, path, err);
        path->extended = e + 1;
    }
    return st;
}
