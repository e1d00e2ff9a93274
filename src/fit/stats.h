/* stats - inference for a fitted logistic regression.
 *
 * Standard errors come from the inverse of the Hessian of the objective at
 * the estimate. For the unpenalised fit (lambda = 0) that is the observed
 * Fisher information, and the numbers are the classical Wald statistics
 * (statsmodels' Logit, R's glm). For lambda > 0 the Hessian includes the
 * penalty, X'WX + lambda I: the standard errors are then those of the
 * Gaussian (Laplace) approximation to the posterior under a N(0, 1/lambda)
 * prior on each coefficient, and the p-values are approximate: they describe
 * the shrunken estimate, not a classical test.
 */
#ifndef LSC_SRC_STATS_H
#define LSC_SRC_STATS_H

#include <stddef.h>

#include "design.h"
#include "leadscore/status.h"

struct coef_stats {
    double estimate, std_error, z, p_value, ci_low, ci_high;
    double odds_ratio, or_ci_low, or_ci_high;
};

struct fit_stats {
    size_t n, k;            /* rows, coefficients including the intercept */
    double log_likelihood, null_log_likelihood, deviance, null_deviance;
    double mcfadden_r2, aic, bic;
    double lr_statistic, lr_df, lr_p_value;
    int penalised;
};

/* Fills coef[p] and fit for beta on design d with penalty l2. hessian
 * (optional, p x p, the penalised Hessian at beta, e.g. from the fit) and
 * objective (the penalised objective at beta, used when hessian is given)
 * spare a pass over the data. */
enum lsc_status lsc_stats_compute(const struct design *d, const double *beta, double l2,
                              const double *hessian, double objective, struct coef_stats *coef,
                              struct fit_stats *fit, struct lsc_error *err);

/* The same from the Hessian and objective alone (a fit whose rows are
 * elsewhere, e.g. in a database): n and pos are the weight total and the
 * positive weight of the n_rows fitting rows. */
enum lsc_status lsc_stats_from_hessian(size_t p, const double *beta, double l2,
                                       const double *hessian, double objective, double n,
                                       double pos, size_t n_rows, struct coef_stats *coef,
                                       struct fit_stats *fit, struct lsc_error *err);

#endif
