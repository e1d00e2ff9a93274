/* train_pg_cv - --cv inside PostgreSQL (docs/warehouse.md): the K + 1
 * fits of each penalty side by side (lockstep.h), every Newton or
 * elastic-net evaluation of all of them one query, and the folds' metrics
 * one query per penalty; cv.h walks the path. */
#include <math.h>
#include <string.h>

#include "enet.h"
#include "lockstep.h"
#include "newton.h"
#include "train_internal.h"
#include "train_pg_internal.h"

/* Per fold (and for the rows without an id, fold -1): rows, positives,
 * weight and weighted positives of the fit's rows, into r->cv_stat
 * ((K + 1) x 4, the rows without an id first). */
static enum lsc_status fold_counts(struct pg_run *r, struct lsc_error *err)
{
    size_t K = r->o->cv_folds;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    if ((r->cv_stat = lsc_calloc(4 * (K + 1), sizeof *r->cv_stat)) == NULL)
        return lsc_error_nomem(err);
    enum lsc_status st =
        lsc_pgtrain_open_query(r, &q, COLS_NONE, 0, 0, BASE_NUMBERS | BASE_WEIGHT, err);
    if (st != LSC_OK)
        return st;
    fputs("SELECT fold, count(*), sum(y), ", q.fp);
    if (weighted(r)) {
        fputs("sum(", q.fp);
        lsc_pgtrain_put_weight(q.fp, r);
        fputs("), sum(y * ", q.fp);
        lsc_pgtrain_put_weight(q.fp, r);
        fputs(")", q.fp);
    } else {
        fputs("count(*), sum(y)", q.fp);
    }
    fprintf(q.fp, "\nFROM t2 WHERE %s GROUP BY fold", fit_filter(r));
    if ((st = sql_close(&q, err)) == LSC_OK &&
        (st = lsc_pg_query(r->pg, q.s, "the --cv folds' counts", &rows, err)) == LSC_OK) {
        r->cv_queries++;
        for (size_t i = 0; i < lsc_pg_rows_count(rows); i++) {
            long long f = strtoll(lsc_pg_rows_value(rows, i, 0), NULL, 10);
            for (size_t c = 0; f >= -1 && f < (long long)K && c < 4; c++)
                r->cv_stat[4 * (size_t)(f + 1) + c] = num_or(lsc_pg_rows_value(rows, i, 1 + c), 0);
        }
    }
    for (size_t k = 0; st == LSC_OK && k < K; k++)
        st = lsc_cv_check_fold(K, k, r->cv_stat[4 * (k + 1)], r->cv_stat[4 * (k + 1) + 1], err);
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* The sums c (0: rows, 1: positives, 2: weight, 3: weighted positives)
 * over the rows outside fold k (all rows for CV_NO_FOLD). */
static double fold_sum(const struct pg_run *r, size_t k, size_t c)
{
    double s = 0.0;
    for (size_t f = 0; f <= r->o->cv_folds; f++)
        if (k == CV_NO_FOLD || f != k + 1)
            s += r->cv_stat[4 * f + c];
    return s;
}

/* --cv's K + 1 fits side by side (lockstep.h): fit k < K leaves fold k
 * out, fit K has every row; each Newton or elastic-net evaluation of every
 * fit is one query (the rows joined to the K + 1 coefficient vectors,
 * summed per fit), so a penalty costs as many queries as one fit. */
struct pg_cv;

struct pg_cv_fit {
    struct pg_cv *cv;
    size_t k;
    struct lockstep *ls;
};

struct pg_cv {
    struct pg_run *r;
    const struct cv_opts *o;
    const double *lambda; /* fit k's penalty */
    double *beta;         /* fit k's coefficients at beta + k P */
    int *converged;
    double *g, *H, *loss; /* fit k's sums at its last point: P, P x P, 1 */
    size_t *fold_rows;    /* the rows outside fold k */
    struct pg_cv_fit *fit;
};

/* The objective of fit k (newton.h, enet.h): its sums from the batch. */
static enum lsc_status cvt_loss(void *ctx, const double *beta, double *f, struct lsc_error *err)
{
    const struct pg_cv_fit *t = ctx;
    enum lsc_status st = lsc_lockstep_eval(t->ls, t->k, beta, err);
    *f = t->cv->loss[t->k];
    return st;
}

/* Fit k's gradient and Hessian at its last point, with the ridge of
 * lambda k (l2 0: the elastic net's, which takes its penalty itself). */
static void cvt_slice(const struct pg_cv_fit *t, double l2, const double *beta, double *g,
                      double *H)
{
    size_t P = t->cv->r->m->n_features;
    lsc_pgtrain_derivatives(t->cv->g + t->k * P, t->cv->H + t->k * P * P, P, l2, beta, g, H);
}

static enum lsc_status cvt_derivatives(void *ctx, const double *beta, double *g, double *H,
                                       struct lsc_error *err)
{
    (void)err;
    cvt_slice(ctx, 0.0, beta, g, H);
    return LSC_OK;
}

/* With the L2 penalty, as pg_fun and pg_grad_hess. */
static enum lsc_status cvt_fun(void *ctx, const double *beta, double *f, struct lsc_error *err)
{
    const struct pg_cv_fit *t = ctx;
    enum lsc_status st = cvt_loss(ctx, beta, f, err);
    *f += lsc_pgtrain_ridge(beta, t->cv->r->m->n_features, t->cv->lambda[t->k]);
    return st;
}

static enum lsc_status cvt_grad_hess(void *ctx, const double *beta, double *g, double *H,
                                     struct lsc_error *err)
{
    (void)err;
    const struct pg_cv_fit *t = ctx;
    cvt_slice(t, t->cv->lambda[t->k], beta, g, H);
    return LSC_OK;
}

/* Fit k, as cv.c's design_fit on the CSV path: the Newton L2 fit (from
 * the weighted log-odds when at zero), or the elastic net. */
static enum lsc_status cv_task(void *ctx, size_t k, struct lockstep *ls, struct lsc_error *err)
{
    struct pg_cv *cv = ctx;
    const struct cv_opts *o = cv->o;
    size_t P = cv->r->m->n_features, f = k < o->folds ? k : CV_NO_FOLD;
    double *beta = cv->beta + k * P;
    struct pg_cv_fit *t = &cv->fit[k];
    enum lsc_status st;
    *t = (struct pg_cv_fit){cv, k, ls};
    if (o->l1_ratio == 0.0) {
        double n = fold_sum(cv->r, f, 2), pos = fold_sum(cv->r, f, 3);
        int from_zero = 1;
        for (size_t j = 0; j < P; j++)
            from_zero &= beta[j] == 0.0;
        if (from_zero && pos > 0.0 && pos < n)
            beta[0] = log(pos / (n - pos));
        struct newton_objective obj = {P, t, cvt_fun, cvt_grad_hess};
        struct newton_opts no = {o->max_iter, o->tol, n > 0.0 ? n : 1.0, NULL};
        struct newton_result nr;
        st = lsc_newton_minimize(&obj, &no, beta, &nr, err);
        cv->converged[k] = nr.converged;
    } else {
        struct enet_objective obj = {P, t, cvt_loss, cvt_derivatives};
        struct enet_opts eo = {cv->lambda[k], o->l1_ratio, o->max_iter, o->tol};
        struct enet_result er;
        st = lsc_enet_minimize(&obj, (size_t)fold_sum(cv->r, f, 0), fold_sum(cv->r, f, 1), &eo,
                               beta, &er, err);
        cv->converged[k] = er.converged;
    }
    return st;
}

/* One query: the iteration sums of each waiting fit at its point. */
static enum lsc_status cv_batch(void *ctx, size_t n, const size_t *which, const double *const *x,
                                struct lsc_error *err)
{
    struct pg_cv *cv = ctx;
    struct pg_run *r = cv->r;
    size_t P = r->m->n_features;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    lsc_pgtrain_put_iteration_query(q.fp, r, n, which, x);
    if ((st = sql_close(&q, err)) == LSC_OK &&
        (st = lsc_pg_query(r->pg, q.s,
                           "the --cv fits' Newton iterations (sums of X'WX and "
                           "X'(y - p) per fit)",
                           &rows, err)) == LSC_OK) {
        r->cv_queries++;
        for (size_t i = 0; i < n; i++) {
            memset(cv->g + which[i] * P, 0, P * sizeof *cv->g);
            memset(cv->H + which[i] * P * P, 0, P * P * sizeof *cv->H);
            cv->loss[which[i]] = 0.0;
        }
        for (size_t i = 0; i < lsc_pg_rows_count(rows); i++) {
            size_t k = (size_t)strtoull(lsc_pg_rows_value(rows, i, 0), NULL, 10);
            if (k > cv->o->folds)
                continue;
            struct pg_sums sums = {cv->g + k * P, cv->H + k * P * P, &cv->loss[k]};
            lsc_pgtrain_take_sums(r, &sums, rows, i, 1);
        }
        for (size_t i = 0; i < n; i++) /* --bins: from bin space */
            lsc_design_to_steps(&r->steps, cv->g + which[i] * P, cv->H + which[i] * P * P);
    }
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* lsc_enet_lambda_max's value on every fitting row. */
static enum lsc_status cv_lambda_max(void *ctx, double l1_ratio, double *lmax,
                                     struct lsc_error *err)
{
    struct pg_cv *cv = ctx;
    struct pg_run *r = cv->r;
    size_t P = r->m->n_features;
    double *b = lsc_calloc(P, sizeof *b), n = fold_sum(r, CV_NO_FOLD, 0);
    double pos = fold_sum(r, CV_NO_FOLD, 1);
    if (b == NULL)
        return lsc_error_nomem(err);
    if (pos > 0.0 && pos < n)
        b[0] = log(pos / (n - pos));
    enum lsc_status st = lsc_pgtrain_iterate(r, b, err);
    r->queries--; /* the cross-validation's */
    r->cv_queries++;
    if (st == LSC_OK)
        *lmax = lsc_enet_lambda_max_of(r->g, P, l1_ratio);
    lsc_free(b);
    return st;
}

static enum lsc_status cv_fit_all(void *ctx, const struct cv_opts *o, const double *lambda,
                                  double *beta, int *converged, struct lsc_error *err)
{
    struct pg_cv *cv = ctx;
    cv->o = o;
    cv->lambda = lambda;
    cv->beta = beta;
    cv->converged = converged;
    return lsc_lockstep_run(o->folds + 1, cv_task, cv_batch, cv, err);
}

/* The metric query: per fold k, its rows scored by beta + k P. */
static void put_metric_sql(FILE *fp, const struct pg_run *r, enum cv_metric m, size_t K,
                           const size_t *which, const double *const *x)
{
    fputs(r->iter_base, fp);
    if (m == CV_LOGLOSS)
        fputs("SELECT cvk, sum(-(y * ln(q) + (1 - y) * ln(1 - q))), count(*), 0 FROM (\n"
              "  SELECT bb.cvk, y, LEAST(GREATEST(p, 1e-15), 1 - 1e-15) AS q\n",
              fp);
    else
        fputs("SELECT cvk, sum(CASE WHEN y = 1 THEN rk END), count(*), sum(y) FROM (\n"
              "  SELECT bb.cvk, y, rank() OVER (PARTITION BY bb.cvk ORDER BY p) + (count(*) "
              "OVER (PARTITION BY bb.cvk, p) - 1) / 2.0 AS rk\n",
              fp);
    lsc_pgtrain_put_from_each(fp, r, K, which, x);
    fprintf(fp, P_LATERAL "  WHERE %s AND fold = bb.cvk\n) AS v\nGROUP BY cvk", fit_filter(r));
}

/* Fold k's metric of beta + k P: the mean log-loss (metrics.h,
 * probabilities clipped to [1e-15, 1 - 1e-15]) or the AUC from the
 * positives' mid-ranks (the Mann-Whitney count, exact in NUMERIC). */
static enum lsc_status cv_metric_all(void *ctx, const double *beta, enum cv_metric m, double *v,
                                     struct lsc_error *err)
{
    struct pg_cv *cv = ctx;
    struct pg_run *r = cv->r;
    size_t K = r->o->cv_folds, P = r->m->n_features;
    size_t *which = lsc_malloc(K * sizeof *which);
    const double **x = lsc_malloc(K * sizeof *x);
    struct lsc_pg_rows *rows = NULL;
    struct sql q = {0};
    enum lsc_status st = which != NULL && x != NULL ? sql_open(&q, err) : lsc_error_nomem(err);
    for (size_t k = 0; st == LSC_OK && k < K; k++) {
        which[k] = k;
        x[k] = beta + k * P;
        v[k] = NAN;
    }
    if (st == LSC_OK) {
        put_metric_sql(q.fp, r, m, K, which, x);
        st = sql_close(&q, err);
    }
    if (st == LSC_OK &&
        (st = lsc_pg_query(r->pg, q.s, "the --cv folds' metrics", &rows, err)) == LSC_OK)
        r->cv_queries++;
    for (size_t i = 0; st == LSC_OK && i < lsc_pg_rows_count(rows); i++) {
        size_t k = (size_t)strtoull(lsc_pg_rows_value(rows, i, 0), NULL, 10);
        double s = num_or(lsc_pg_rows_value(rows, i, 1), NAN);
        double n = num_or(lsc_pg_rows_value(rows, i, 2), 0),
               np = num_or(lsc_pg_rows_value(rows, i, 3), 0);
        if (k >= K)
            continue;
        if (m == CV_LOGLOSS)
            v[k] = n > 0.0 ? s / n : NAN;
        else
            v[k] = np > 0.0 && np < n ? (s - np * (np + 1.0) / 2.0) / (np * (n - np)) : NAN;
    }
    lsc_pg_rows_free(rows);
    free(q.s);
    lsc_free(which);
    lsc_free(x);
    return st;
}

static void cv_free(struct pg_cv *cv)
{
    lsc_free(cv->g);
    lsc_free(cv->H);
    lsc_free(cv->loss);
    lsc_free(cv->fold_rows);
    lsc_free(cv->fit);
}

static enum lsc_status cv_init(struct pg_cv *cv, struct pg_run *r, struct lsc_error *err)
{
    size_t K = r->o->cv_folds, P = r->m->n_features;
    memset(cv, 0, sizeof *cv);
    cv->r = r;
    cv->g = lsc_malloc((K + 1) * P * sizeof *cv->g);
    cv->H = lsc_malloc((K + 1) * P * P * sizeof *cv->H);
    cv->loss = lsc_calloc(K + 1, sizeof *cv->loss);
    cv->fold_rows = lsc_malloc(K * sizeof *cv->fold_rows);
    cv->fit = lsc_calloc(K + 1, sizeof *cv->fit);
    if (cv->g == NULL || cv->H == NULL || cv->loss == NULL || cv->fold_rows == NULL ||
        cv->fit == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < K; k++)
        cv->fold_rows[k] = (size_t)fold_sum(r, k, 0);
    return LSC_OK;
}

enum lsc_status lsc_pgtrain_cross_validate(struct pg_run *r, struct lsc_error *err)
{
    const struct lsc_train_options *o = r->o;
    struct cv_opts co = {o->cv_folds,  o->cv_metric ? CV_AUC : CV_LOGLOSS,
                         o->cv_one_se, o->seed,
                         o->l1_ratio,  40,
                         1e-4,         o->max_iter,
                         o->tol,       NULL};
    struct pg_cv cv = {0};
    lsc_logf(r->log, LSC_LOG_NOTE, "choosing lambda by %zu-fold cross-validation over %zu values",
             co.folds, co.n_lambda);
    enum lsc_status st = fold_counts(r, err);
    if (st == LSC_OK)
        st = cv_init(&cv, r, err);
    struct cv_problem pb = {
        r->m->n_features, fit_rows(r), &cv,          cv_lambda_max, NULL, NULL, NULL,
        cv.fold_rows,     cv_fit_all,  cv_metric_all};
    if (st == LSC_OK)
        st = lsc_cv_run_problem(&pb, &co, &r->cv, err);
    cv_free(&cv);
    if (st != LSC_OK)
        return st;
    lsc_train_cv_notes(o, &r->cv, r->log);
    r->m->l2 = r->cv.lambda[r->cv.chosen];
    return LSC_OK;
}
