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

/* The fits' state along the path: each fit's coefficients at the last
 * penalty done (fit k < K leaves fold k out, fit K has every row) and the
 * folds' metrics (vals[k * cap + l]), so a lengthened path goes on from
 * where it stopped. */
struct cv_run {
    const struct cv_problem *pb;
    const struct cv_opts *o;
    struct cv_path *path;
    double *beta, *vals;
    size_t cap;
};

/* Fit k (k = K: every row) along penalties [l0, l1), warm-started from
 * where it stopped; the folds' held-out metrics, the all-rows fit's
 * non-zero counts. */
static enum lsc_status run_fit(struct cv_run *c, size_t k, size_t l0, size_t l1,
                               struct lsc_error *err)
{
    const struct cv_problem *pb = c->pb;
    size_t K = c->o->folds, nt = 0;
    double *beta = c->beta + k * pb->p;
    enum lsc_status st = pb->select(pb->ctx, k < K ? k : CV_NO_FOLD, &nt, err);
    for (size_t l = l0; st == LSC_OK && l < l1; l++) {
        int conv = 0;
        /* the same penalty per row as lambda on all n rows */
        double lam = c->path->lambda[l] * (k < K ? (double)nt / (double)pb->n : 1.0);
        if ((st = pb->fit(pb->ctx, c->o, lam, beta, &conv, err)) != LSC_OK)
            return st;
        c->path->not_converged += !conv;
        if (k < K)
            st = pb->metric(pb->ctx, beta, c->o->metric, &c->vals[k * c->cap + l], err);
        for (size_t j = 1; k == K && j < pb->p; j++)
            c->path->nonzero[l] += beta[j] != 0.0;
    }
    return st;
}

/* The K fold fits and the all-rows fit side by side (pb->fit_all), one
 * penalty at a time: the same fits, warm starts and metrics as run_fit, in
 * another order. */
static enum lsc_status run_side_by_side(struct cv_run *c, size_t l0, size_t l1,
                                        struct lsc_error *err)
{
    const struct cv_problem *pb = c->pb;
    size_t K = c->o->folds, P = pb->p;
    double *lam = lsc_malloc((K + 1) * sizeof *lam), *v = lsc_malloc(K * sizeof *v);
    int *conv = lsc_malloc((K + 1) * sizeof *conv);
    enum lsc_status st = lam != NULL && v != NULL && conv != NULL ? LSC_OK : lsc_error_nomem(err);
    for (size_t l = l0; st == LSC_OK && l < l1; l++) {
        for (size_t k = 0; k < K; k++)
            lam[k] = c->path->lambda[l] * (double)pb->fold_rows[k] / (double)pb->n;
        lam[K] = c->path->lambda[l];
        if ((st = pb->fit_all(pb->ctx, c->o, lam, c->beta, conv, err)) != LSC_OK)
            break;
        for (size_t k = 0; k <= K; k++)
            c->path->not_converged += !conv[k];
        for (size_t j = 1; j < P; j++)
            c->path->nonzero[l] += c->beta[K * P + j] != 0.0;
        if ((st = pb->metric_all(pb->ctx, c->beta, c->o->metric, v, err)) != LSC_OK)
            break;
        for (size_t k = 0; k < K; k++)
            c->vals[k * c->cap + l] = v[k];
    }
    lsc_free(lam);
    lsc_free(v);
    lsc_free(conv);
    return st;
}

static enum lsc_status run_range(struct cv_run *c, size_t l0, size_t l1, struct lsc_error *err)
{
    if (c->pb->fit_all != NULL)
        return run_side_by_side(c, l0, l1, err);
    enum lsc_status st = LSC_OK;
    for (size_t k = 0; k <= c->o->folds && st == LSC_OK; k++)
        st = run_fit(c, k, l0, l1, err);
    return st;
}

/* Mean and standard error over the K folds (vals: K rows of stride cap),
 * the best lambda and the chosen one. */
static void choose(const struct cv_opts *o, const double *vals, size_t cap, struct cv_path *path)
{
    size_t K = o->folds, L = path->n;
    for (size_t l = 0; l < L; l++) {
        double s = 0.0, ss = 0.0;
        for (size_t k = 0; k < K; k++)
            s += vals[k * cap + l];
        double mean = s / (double)K;
        for (size_t k = 0; k < K; k++)
            ss += (vals[k * cap + l] - mean) * (vals[k * cap + l] - mean);
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

/* The path's length after every lengthening (the arrays' capacity). */
static size_t max_length(size_t L)
{
    for (size_t e = 0; e < CV_MAX_EXTEND; e++)
        L += (L + 1) / 2;
    return L;
}

static enum lsc_status cv_alloc(struct cv_run *c, size_t L, struct lsc_error *err)
{
    struct cv_path *path = c->path;
    size_t K = c->o->folds, P = c->pb->p ? c->pb->p : 1;
    c->cap = max_length(L);
    path->lambda = lsc_malloc(c->cap * sizeof *path->lambda);
    path->mean = lsc_malloc(c->cap * sizeof *path->mean);
    path->se = lsc_malloc(c->cap * sizeof *path->se);
    path->nonzero = lsc_calloc(c->cap, sizeof *path->nonzero);
    c->vals = lsc_malloc(K * c->cap * sizeof *c->vals);
    c->beta = lsc_calloc((K + 1) * P, sizeof *c->beta);
    if (path->lambda == NULL || path->mean == NULL || path->se == NULL ||
        path->nonzero == NULL || c->vals == NULL || c->beta == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

/* The best penalty at the path's small end: the best may lie below it, so
 * the path goes on at the same log step, up to CV_MAX_EXTEND times, each
 * fit from where it stopped. */
static enum lsc_status lengthen(struct cv_run *c, double lmax, double *ratio,
                                struct lsc_error *err)
{
    struct cv_path *path = c->path;
    size_t n = path->n, more = (n + 1) / 2;
    double step = pow(*ratio, 1.0 / (double)(n - 1)), next = *ratio * pow(step, (double)more);
    if (!(next > 1e-12))
        return LSC_OK;
    for (size_t l = n; l < n + more; l++)
        path->lambda[l] = lmax * pow(next, (double)l / (double)(n + more - 1));
    enum lsc_status st = run_range(c, n, n + more, err);
    *ratio = next;
    path->n = n + more;
    path->extended++;
    if (st == LSC_OK)
        choose(c->o, c->vals, c->cap, path);
    return st;
}

enum lsc_status lsc_cv_run_problem(const struct cv_problem *pb, const struct cv_opts *o,
                                   struct cv_path *path, struct lsc_error *err)
{
    size_t K = o->folds, L = o->n_lambda;
    memset(path, 0, sizeof *path);
    if (K < 2 || L < 2 || !(o->min_ratio > 0.0 && o->min_ratio < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "cross-validation needs at least 2 folds and 2 penalties");
    struct cv_run c = {pb, o, path, NULL, NULL, 0};
    double lmax = 1.0, ratio = o->min_ratio;
    enum lsc_status st = cv_alloc(&c, L, err);
    if (st == LSC_OK)
        st = pb->lambda_max(pb->ctx, o->l1_ratio, &lmax, err);
    for (size_t l = 0; st == LSC_OK && l < L; l++)
        path->lambda[l] = lmax * pow(ratio, (double)l / (double)(L - 1));
    if (st == LSC_OK && (st = run_range(&c, 0, L, err)) == LSC_OK) {
        path->n = L;
        choose(o, c.vals, c.cap, path);
    }
    for (size_t e = 0; st == LSC_OK && e < CV_MAX_EXTEND && path->best + 1 == path->n; e++) {
        size_t before = path->n;
        st = lengthen(&c, lmax, &ratio, err);
        if (path->n == before)
            break;
    }
    if (st != LSC_OK)
        lsc_cv_path_free(path);
    lsc_free(c.vals);
    lsc_free(c.beta);
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

enum lsc_status lsc_cv_check_fold(size_t K, size_t k, double rows, double positives,
                                  struct lsc_error *err)
{
    if (positives > 0.0 && positives < rows)
        return LSC_OK;
    return lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                         "--cv %zu: fold %zu (folds by a hash of the id) has no %s; use fewer "
                         "folds",
                         K, k + 1, positives > 0.0 ? "non-conversions" : "conversions");
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
        st = lsc_cv_check_fold(K, k, (double)(cnt[2 * k] + cnt[2 * k + 1]), (double)cnt[2 * k + 1],
                               err);
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
