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
};

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

/* Runs the cross-validation on the rows of d (folds stratified by class,
 * each class shuffled by the seeded generator and dealt round-robin, so the
 * assignment depends on the seed only). Each fold fits the whole path from
 * the largest lambda down, each fit starting from the previous one; alpha = 0
 * uses the Newton L2 fit (logreg), otherwise the elastic net (enet). Metrics
 * are compared with a relative tolerance of 1e-10, so rounding differences
 * (e.g. from the thread count) cannot change the choice. When the best
 * penalty is the path's smallest, the path is lengthened by half its points
 * at the same log step and the whole run repeated (at most CV_MAX_EXTEND
 * times, never below 1e-12 lambda_max); path->n and path->extended say so.
 * LSC_ERR_DATA when a
 * class has fewer rows than folds. On failure *path is empty. */
enum lsc_status lsc_cv_run(const struct design *d, const struct cv_opts *opts, struct cv_path *path,
                       struct lsc_error *err);

#endif
