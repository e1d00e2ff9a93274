/* cv - choosing the penalty strength by stratified K-fold cross-validation
 * over a warm-started path of penalties. */
#ifndef LSC_SRC_CV_H
#define LSC_SRC_CV_H

#include <stddef.h>

#include "design.h"
#include "leadscore/status.h"

enum cv_metric { CV_LOGLOSS = 0, CV_AUC = 1 };

struct cv_opts {
    size_t folds;          /* K >= 2 */
    enum cv_metric metric;
    int one_se;            /* 1: the largest lambda within one SE of the best */
    unsigned long seed;    /* of the fold assignment (GSL mt19937) */
    double l1_ratio;       /* alpha in [0, 1] */
    size_t n_lambda;       /* path points, >= 2 */
    double min_ratio;      /* last lambda / lambda_max, in (0, 1) */
    size_t max_iter;       /* per fit */
    double tol;            /* per fit, as logreg/enet */
    const size_t *fold;    /* NULL: stratified folds (below); else the fold
                              of each design position, CV_NO_FOLD for a row
                              that is always fitted, never validated */
};

/* A row in no fold (fold ids by hash: a row without an id). */
#define CV_NO_FOLD ((size_t)-1)

/* The path, largest lambda first. Arrays of n entries, owned. */
struct cv_path {
    size_t n;
    double *lambda;
    double *mean, *se;     /* of the metric over the K folds */
    size_t *nonzero;       /* non-zero coefficients (intercept excluded) of
                              the fit on all the design's rows */
    size_t best;           /* index of the best mean (ties: larger lambda) */
    size_t chosen;         /* best, or the one-SE choice */
    size_t not_converged;  /* fits that hit max_iter */
    size_t extended;       /* times the path was lengthened (below) */
};

/* How often lsc_cv_run lengthens the path when the best penalty is its
 * smallest one. */
#define CV_MAX_EXTEND 2

void lsc_cv_path_free(struct cv_path *path);

/* The cross-validation's view of its rows, behind callbacks: the design
 * below (lsc_cv_run), or the database (train_pg_cv.c), so both run the same
 * path, warm starts and choice. n is the number of rows (a fold's penalty
 * is lambda * nt / n). */
struct cv_problem {
    size_t p, n;
    void *ctx;
    /* lsc_enet_lambda_max's value on all n rows */
    enum lsc_status (*lambda_max)(void *ctx, double l1_ratio, double *lmax,
                                  struct lsc_error *err);
    /* the fits that follow are on the rows outside fold k (every row when
     * k is CV_NO_FOLD); *nt their count */
    enum lsc_status (*select)(void *ctx, size_t k, size_t *nt, struct lsc_error *err);
    /* one fit at lambda from beta (warm start), as cv_opts says */
    enum lsc_status (*fit)(void *ctx, const struct cv_opts *o, double lambda, double *beta,
                           int *converged, struct lsc_error *err);
    /* the metric of beta on fold k's rows (after select(k)) */
    enum lsc_status (*metric)(void *ctx, const double *beta, enum cv_metric m, double *v,
                              struct lsc_error *err);
    /* Or, when fit_all is set (select, fit and metric unused), the K + 1
     * fits side by side, one penalty at a time (a database answers the K
     * fits' sums in one query): fold_rows[k] is the count of the rows outside
     * fold k; fit_all fits beta + k p (p each; k < K: fold k left out,
     * k = K: every row) at lambda[k], each from where it is (warm starts),
     * converged[k] saying how it ended; metric_all puts the metric of
     * beta + k p on fold k's rows in v[k] (k < K). */
    const size_t *fold_rows;
    enum lsc_status (*fit_all)(void *ctx, const struct cv_opts *o, const double *lambda,
                               double *beta, int *converged, struct lsc_error *err);
    enum lsc_status (*metric_all)(void *ctx, const double *beta, enum cv_metric m, double *v,
                                  struct lsc_error *err);
};

/* Folds dealt by a hash of the id (--split-by-id, inside PostgreSQL):
 * LSC_OK when fold k of K has both classes (rows, positives), else the
 * data error naming the class it lacks. */
enum lsc_status lsc_cv_check_fold(size_t K, size_t k, double rows, double positives,
                                  struct lsc_error *err);

/* The path, folds, warm starts and choice of lsc_cv_run on any problem. */
enum lsc_status lsc_cv_run_problem(const struct cv_problem *pb, const struct cv_opts *opts,
                                   struct cv_path *path, struct lsc_error *err);

/* Runs the cross-validation on the rows of d (folds stratified by class,
 * each class shuffled by the seeded generator and dealt round-robin, so the
 * assignment depends on the seed only; or opts->fold). Each fold fits the whole path from
 * the largest lambda down, each fit starting from the previous one; alpha = 0
 * uses the Newton L2 fit (logreg), otherwise the elastic net (enet). Metrics
 * are compared with a relative tolerance of 1e-10, so rounding differences
 * (e.g. from the thread count) cannot change the choice. When the best
 * penalty is the path's smallest, the path is lengthened by half its points
 * at the same log step, each fit going on from where it stopped (at most
 * CV_MAX_EXTEND times, never below 1e-12 lambda_max); path->n and
 * path->extended say so. LSC_ERR_DATA when a class has fewer rows than
 * folds (given folds: when a fold lacks a class). On failure *path is
 * empty. */
enum lsc_status lsc_cv_run(const struct design *d, const struct cv_opts *opts, struct cv_path *path,
                       struct lsc_error *err);

#endif
