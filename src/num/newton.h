/* newton - one Newton's method for the penalised fits, over an objective
 * given by callbacks (liblinear's newton.h shape: the optimiser knows no
 * loss, the loss knows no optimiser). Used by the model's L2 fit
 * (fit/logreg.c) and the comparison's per-rule regression
 * (compare/compare.c). */
#ifndef LSC_SRC_NEWTON_H
#define LSC_SRC_NEWTON_H

#include <stddef.h>

#include "leadscore/status.h"

/* A smooth, strictly convex objective of p coefficients. */
struct newton_objective {
    size_t p;
    void *ctx;
    /* *f = the objective at beta (not finite: the point is refused). It may
     * keep per-point state (a linear predictor) for the next grad_hess. */
    enum lsc_status (*fun)(void *ctx, const double *beta, double *f, struct lsc_error *err);
    /* The gradient g (p) and the Hessian H (p x p, row-major, as
     * lsc_la_cholesky_solve reads it) at beta, the point of the last fun
     * call. */
    enum lsc_status (*grad_hess)(void *ctx, const double *beta, double *g, double *H,
                                 struct lsc_error *err);
};

struct newton_opts {
    size_t max_iter;
    double tol;      /* converged when max |g_j| / scale <= tol */
    double scale;    /* > 0: the number of rows (or their weight) */
    double *hessian; /* optional p x p: on convergence, H at the estimate */
};

struct newton_result {
    size_t iterations;
    int converged;
    double objective;  /* at the estimate */
    double grad_norm;  /* max |g_j| / scale at the estimate */
    int hessian_valid; /* opts->hessian holds H at the estimate */
};

/* Minimises the objective from beta (p entries: in, the start; out, the
 * estimate). Each iteration solves H d = g by Cholesky and takes
 * beta - t d with t = 1, halved (up to 60 times) until the objective does
 * not exceed f + 1e-12 |f| (rounding dominates next to the optimum); when
 * no step is accepted, beta is kept. A step that gains less than 1e-15 |f|
 * within 1e3 tol of the criterion counts as converged (stalled at rounding
 * level). LSC_ERR_NOMEM, LSC_ERR_NUMERIC (H not positive definite) and the
 * callbacks' errors. */
enum lsc_status lsc_newton_minimize(const struct newton_objective *obj,
                                    const struct newton_opts *opts, double *beta,
                                    struct newton_result *res, struct lsc_error *err);

#endif
