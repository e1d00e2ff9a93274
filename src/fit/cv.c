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

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "enet.h"
#include "logreg.h"
#include "mathfn.h"
#include "metrics.h"
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

enum lsc_status lsc_cv_run(const struct design *d, const struct cv_opts *o, struct cv_path *path,
                       struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = d->n, p = d->p, K = o->folds, L = o->n_lambda;
    size_t *cls[2] = {NULL, NULL}, cnt[2] = {0, 0};
    size_t *fold = NULL, *trows = NULL, *vrows = NULL;
    double *vals = NULL, *beta = NULL, *eta = NULL, *yv = NULL;
    gsl_rng *rng = NULL;
    memset(path, 0, sizeof *path);
    if (K < 2 || L < 2 || !(o->min_ratio > 0.0 && o->min_ratio < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "cross-validation needs at least 2 folds and 2 penalties");
    path->lambda = lsc_malloc(L * sizeof *path->lambda);
    path->mean = lsc_malloc(L * sizeof *path->mean);
    path->se = lsc_malloc(L * sizeof *path->se);
    path->nonzero = lsc_calloc(L, sizeof *path->nonzero);
    cls[0] = lsc_malloc((n ? n : 1) * sizeof *cls[0]);
    cls[1] = lsc_malloc((n ? n : 1) * sizeof *cls[1]);
    fold = lsc_malloc((n ? n : 1) * sizeof *fold);
    trows = lsc_malloc((n ? n : 1) * sizeof *trows);
    vrows = lsc_malloc((n ? n : 1) * sizeof *vrows);
    eta = lsc_malloc((n ? n : 1) * sizeof *eta);
    yv = lsc_malloc((n ? n : 1) * sizeof *yv);
    vals = lsc_malloc(K * L * sizeof *vals);
    beta = lsc_malloc(p * sizeof *beta);
    rng = gsl_rng_alloc(gsl_rng_mt19937);
    if (path->lambda == NULL || path->mean == NULL || path->se == NULL ||
        path->nonzero == NULL || cls[0] == NULL || cls[1] == NULL || fold == NULL ||
        trows == NULL || vrows == NULL || eta == NULL || yv == NULL || vals == NULL ||
        beta == NULL || rng == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    path->n = L;

    /* stratified folds */
    gsl_rng_set(rng, o->seed);
    for (size_t i = 0; i < n; i++) {
        int k = d->y[design_row(d, i)] > 0.5;
        cls[k][cnt[k]++] = i;
    }
    for (int k = 0; k < 2; k++) {
        if (cnt[k] < K) {
            st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                               "--cv %zu: the training rows have only %zu %s; use fewer folds", K,
                               cnt[k], k ? "conversions" : "non-conversions");
            goto cleanup;
        }
        gsl_ran_shuffle(rng, cls[k], cnt[k], sizeof(size_t));
        for (size_t i = 0; i < cnt[k]; i++)
            fold[cls[k][i]] = i % K;
    }

    double lmax = 1.0;
    if ((st = lsc_enet_lambda_max(d, o->l1_ratio, &lmax, err)) != LSC_OK)
        goto cleanup;
    for (size_t l = 0; l < L; l++)
        path->lambda[l] = lmax * pow(o->min_ratio, (double)l / (double)(L - 1));

    for (size_t k = 0; k < K; k++) {
        struct design tr = *d, va = *d;
        size_t nt = 0, nv = 0;
        for (size_t i = 0; i < n; i++) {
            if (fold[i] == k)
                vrows[nv++] = design_row(d, i);
            else
                trows[nt++] = design_row(d, i);
        }
        tr.rows = trows;
        tr.n = nt;
        va.rows = vrows;
        va.n = nv;
        for (size_t i = 0; i < nv; i++)
            yv[i] = d->y[vrows[i]];
        memset(beta, 0, p * sizeof *beta);
        for (size_t l = 0; l < L; l++) {
            int conv = 0;
            /* the same penalty per row as lambda on all n rows */
            double lam = path->lambda[l] * (double)nt / (double)n;
            if ((st = fit_at(&tr, o, lam, beta, &conv, err)) != LSC_OK)
                goto cleanup;
            path->not_converged += !conv;
            if ((st = lsc_design_linear(&va, beta, eta, err)) != LSC_OK)
                goto cleanup;
            for (size_t i = 0; i < nv; i++)
                eta[i] = lsc_mathfn_sigmoid(eta[i]);
            double v = 0.0;
            if (o->metric == CV_AUC) {
                if (lsc_metrics_auc(eta, yv, nv, &v) != LSC_OK) {
                    st = lsc_error_nomem(err);
                    goto cleanup;
                }
            } else {
                v = lsc_metrics_log_loss(eta, yv, nv);
            }
            vals[k * L + l] = v;
        }
    }

    /* the path on all rows, for the non-zero counts */
    memset(beta, 0, p * sizeof *beta);
    for (size_t l = 0; l < L; l++) {
        int conv = 0;
        if ((st = fit_at(d, o, path->lambda[l], beta, &conv, err)) != LSC_OK)
            goto cleanup;
        path->not_converged += !conv;
        for (size_t j = 1; j < p; j++)
            path->nonzero[l] += beta[j] != 0.0;
    }

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
cleanup:
    if (st != LSC_OK)
        lsc_cv_path_free(path);
    lsc_free(cls[0]);
    lsc_free(cls[1]);
    lsc_free(fold);
    lsc_free(trows);
    lsc_free(vrows);
    lsc_free(eta);
    lsc_free(yv);
    lsc_free(vals);
    lsc_free(beta);
    gsl_rng_free(rng);
    return st;
}
