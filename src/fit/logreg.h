/* logreg - L2-regularised logistic regression by Newton/IRLS. */
#ifndef LSC_SRC_LOGREG_H
#define LSC_SRC_LOGREG_H

#include <stddef.h>

#include "design.h"
#include "leadscore/status.h"

struct logreg_opts {
    double l2;         /* lambda >= 0; the intercept is not penalised */
    size_t max_iter;
    double tol;        /* on max |gradient| / n */
    double *hessian;   /* optional p x p: on convergence, the Hessian at the
                          estimate (so inference needs no further pass) */
};

struct logreg_result {
    size_t iterations;
    int converged;
    double objective;  /* sum of log-losses + lambda/2 |beta_1..|^2 */
    double grad_norm;  /* max |gradient| / n at the end */
    int hessian_valid; /* opts->hessian holds the Hessian at the estimate */
};

/* Objective, gradient and (when H is non-NULL) Hessian at beta, with
 * eta[i] = x_i . beta given. g has p entries; H is p x p row-major, filled
 * completely. */
enum lsc_status lsc_logreg_derivatives(const struct design *d, const double *beta, const double *eta,
                                   double l2, double *obj, double *g, double *H,
                                   struct lsc_error *err);

/* Penalised objective from eta and beta. */
double lsc_logreg_objective(const struct design *d, const double *beta, const double *eta, double l2);

/* Fits beta (p entries: in, the starting point; out, the estimate). */
enum lsc_status lsc_logreg_fit(const struct design *d, const struct logreg_opts *opts, double *beta,
                           struct logreg_result *res, struct lsc_error *err);

#endif
