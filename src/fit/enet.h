/* enet - elastic-net (L1 + L2) logistic regression by proximal Newton with
 * cyclic coordinate descent (glmnet's algorithm). */
#ifndef LSC_SRC_ENET_H
#define LSC_SRC_ENET_H

#include <stddef.h>

#include "design.h"
#include "leadscore/status.h"

struct enet_opts {
    double lambda;          /* penalty strength >= 0 */
    double l1_ratio;        /* alpha in [0, 1]: the L1 share of the penalty */
    size_t max_iter;        /* outer (Newton) iterations */
    double tol;             /* on the largest KKT violation / n */
};
/* Row weights are not an option here: the fit sees the rows only through
 * lsc_logreg_derivatives and lsc_design_linear_loss, so weights carried by the
 * design (the weighted Newton path's design.w) apply to it unchanged. */

struct enet_result {
    size_t iterations;
    int converged;
    double objective;       /* sum of log-losses + penalty (see lsc_enet_penalty) */
    double kkt;             /* largest KKT violation / n at the end */
    size_t nonzero;         /* non-zero coefficients besides the intercept */
};

/* lambda * (alpha |b|_1 + (1 - alpha)/2 |b|_2^2) over b_1..b_{p-1}: with
 * lambda = 1/C this is scikit-learn's elastic-net penalty divided by C. */
double lsc_enet_penalty(const double *beta, size_t p, double lambda, double l1_ratio);

/* Largest KKT violation / n of beta, given the gradient g of the
 * unpenalised loss at beta. */
double lsc_enet_kkt(const double *g, const double *beta, size_t p, size_t n, double lambda,
                double l1_ratio);

/* lsc_enet_lambda_max's value from g, the gradient of the loss at the
 * intercept-only fit (only |g_j| counts), for a caller that sums it
 * elsewhere (the database). */
double lsc_enet_lambda_max_of(const double *g, size_t p, double l1_ratio);

/* The smallest lambda at which every coefficient but the intercept is zero:
 * max_j |x_j'(y - ybar)| / max(alpha, 0.001) (glmnet's convention for
 * alpha = 0, where no finite lambda zeroes them). 1 when the data carry no
 * signal at all. Rounded to 10 significant digits, so it does not depend
 * on the thread count. */
enum lsc_status lsc_enet_lambda_max(const struct design *d, double l1_ratio, double *lambda_max,
                                struct lsc_error *err);

/* The rows of a fit as the proximal Newton iteration sees them (they stay
 * with the caller: a design, or a database's sums). */
struct enet_objective {
    size_t p;
    void *ctx;
    /* the loss (unpenalised, summed over the rows) at beta */
    enum lsc_status (*loss)(void *ctx, const double *beta, double *f, struct lsc_error *err);
    /* its gradient and Hessian (p x p, row-major) at beta, which is always
     * the beta of the last loss call */
    enum lsc_status (*derivatives)(void *ctx, const double *beta, double *g, double *H,
                                   struct lsc_error *err);
};

/* lsc_enet_fit on any rows: rows is their number (the KKT scale), positives
 * theirs (the intercept's start from zero, as the log-odds). */
enum lsc_status lsc_enet_minimize(const struct enet_objective *obj, size_t rows,
                                  double positives, const struct enet_opts *opts, double *beta,
                                  struct enet_result *res, struct lsc_error *err);

/* Fits beta (p entries: in, the starting point, so a path can warm-start;
 * out, the estimate). LSC_ERR_USAGE for bad options. */
enum lsc_status lsc_enet_fit(const struct design *d, const struct enet_opts *opts, double *beta,
                         struct enet_result *res, struct lsc_error *err);

/* The coordinate-descent solve of one quadratic model, exposed for tests:
 * minimises g'(b - b0) + (b - b0)'H(b - b0)/2 + penalty(b) over b (in: b0
 * as the start; out: the minimiser), H p x p row-major. r is p doubles of
 * scratch. Returns the number of sweeps. */
size_t lsc_enet_cd_solve(const double *H, const double *g, const double *b0, size_t p, double lambda,
                     double l1_ratio, double *b, double *r);

/* Soft-thresholding: sign(z) max(|z| - t, 0). */
double lsc_enet_soft_threshold(double z, double t);

#endif
