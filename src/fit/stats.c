/* Wald inference for logistic regression (see stats.h for what the standard
 * errors mean under a penalty). Cov = H^-1 with H = X'WX (+ lambda I off the
 * intercept), from a Cholesky factorisation (LAPACK dpotrf/dpotri);
 * z = b / se, two-sided p = 2 Q(|z|) with Q the standard normal upper tail
 * (GSL), 95% intervals b +- z_0.975 se, odds ratios exp(b). Fit statistics:
 * log-likelihood LL, the intercept-only LL0 = n (ybar log ybar + (1 - ybar)
 * log(1 - ybar)), deviance -2 LL, McFadden R^2 = 1 - LL / LL0,
 * AIC = -2 LL + 2k, BIC = -2 LL + k log n, and the likelihood-ratio test
 * 2 (LL - LL0) ~ chi^2 with k - 1 degrees of freedom.
 */
#include "stats.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "linalg.h"
#include "logreg.h"
#include "status_internal.h"

/* From the penalised Hessian H (inverted in place), the log-loss at beta,
 * the weight total n and positive weight pos of n_rows rows. */
static enum lsc_status stats_core(size_t p, const double *beta, double l2, double *H, double loss,
                                  double n, double pos, size_t n_rows, struct coef_stats *coef,
                                  struct fit_stats *fit, struct lsc_error *err)
{
    enum lsc_status st;
    if ((st = lsc_la_spd_inverse(H, p, err)) != LSC_OK) {
        st = lsc_error_set(err, LSC_ERR_NUMERIC, NULL, 0, 0,
                           "standard errors are undefined: the information matrix is singular "
                           "(collinear features?)");
        return st;
    }
    double zc = gsl_cdf_ugaussian_Pinv(0.975);
    for (size_t j = 0; j < p; j++) {
        struct coef_stats *c = &coef[j];
        c->estimate = beta[j];
        c->std_error = sqrt(H[j * p + j]);
        c->z = beta[j] / c->std_error;
        c->p_value = 2.0 * gsl_cdf_ugaussian_Q(fabs(c->z));
        c->ci_low = beta[j] - zc * c->std_error;
        c->ci_high = beta[j] + zc * c->std_error;
        c->odds_ratio = exp(beta[j]);
        c->or_ci_low = exp(c->ci_low);
        c->or_ci_high = exp(c->ci_high);
    }
    double ybar = pos / n;
    fit->n = n_rows;
    fit->k = p;
    fit->penalised = l2 > 0.0;
    fit->log_likelihood = -loss;
    fit->null_log_likelihood =
        (pos > 0.0 ? pos * log(ybar) : 0.0) + (n - pos > 0.0 ? (n - pos) * log1p(-ybar) : 0.0);
    fit->deviance = -2.0 * fit->log_likelihood;
    fit->null_deviance = -2.0 * fit->null_log_likelihood;
    fit->mcfadden_r2 = 1.0 - fit->log_likelihood / fit->null_log_likelihood;
    fit->aic = fit->deviance + 2.0 * (double)p;
    fit->bic = fit->deviance + (double)p * log(n);
    fit->lr_statistic = 2.0 * (fit->log_likelihood - fit->null_log_likelihood);
    fit->lr_df = (double)(p - 1);
    fit->lr_p_value = p > 1 ? gsl_cdf_chisq_Q(fit->lr_statistic, fit->lr_df) : NAN;
    return LSC_OK;
}

enum lsc_status lsc_stats_compute(const struct design *d, const double *beta, double l2,
                              const double *hessian, double objective, struct coef_stats *coef,
                              struct fit_stats *fit, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p;
    double *eta = lsc_malloc((d->n ? d->n : 1) * sizeof *eta);
    double *g = lsc_malloc(p * sizeof *g);
    double *H = lsc_malloc(p * p * sizeof *H);
    memset(fit, 0, sizeof *fit);
    if (eta == NULL || g == NULL || H == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    double loss = 0.0;
    if (hessian != NULL) {
        double pen = 0.0;
        for (size_t j = 1; j < p; j++)
            pen += beta[j] * beta[j];
        loss = objective - 0.5 * l2 * pen;
        memcpy(H, hessian, p * p * sizeof *H);
    } else {
        if ((st = lsc_design_linear_loss(d, beta, eta, &loss, err)) != LSC_OK)
            goto cleanup;
        if ((st = lsc_logreg_derivatives(d, beta, eta, l2, NULL, g, H, err)) != LSC_OK)
            goto cleanup;
    }
    /* with row weights: frequency weights (a row of weight 3 counts as three
     * rows), so n is the weight total, as statsmodels GLM freq_weights */
    double n = 0.0, pos = 0.0;
    for (size_t i = 0; i < d->n; i++) {
        n += design_weight(d, i);
        pos += design_weight(d, i) * d->y[design_row(d, i)];
    }
    st = stats_core(p, beta, l2, H, loss, n, pos, d->n, coef, fit, err);
cleanup:
    lsc_free(eta);
    lsc_free(g);
    lsc_free(H);
    return st;
}

enum lsc_status lsc_stats_from_hessian(size_t p, const double *beta, double l2,
                                       const double *hessian, double objective, double n,
                                       double pos, size_t n_rows, struct coef_stats *coef,
                                       struct fit_stats *fit, struct lsc_error *err)
{
    double *H = lsc_malloc(p * p * sizeof *H);
    memset(fit, 0, sizeof *fit);
    if (H == NULL)
        return lsc_error_nomem(err);
    double pen = 0.0;
    for (size_t j = 1; j < p; j++)
        pen += beta[j] * beta[j];
    memcpy(H, hessian, p * p * sizeof *H);
    enum lsc_status st =
        stats_core(p, beta, l2, H, objective - 0.5 * l2 * pen, n, pos, n_rows, coef, fit, err);
    lsc_free(H);
    return st;
}
