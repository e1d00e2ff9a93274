/* metrics - discrimination and calibration measures for binary outcomes.
 *
 * y[i] is 0 or 1, p[i] a probability (or any score for the AUC).
 */
#ifndef LSC_SRC_METRICS_H
#define LSC_SRC_METRICS_H

#include <stddef.h>

#include "leadscore/status.h"

/* Exact AUC as the Mann-Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counted one half. Sorts a
 * copy (O(n log n)). Returns NaN when a class is absent; LSC_ERR_NOMEM. */
enum lsc_status lsc_metrics_auc(const double *score, const double *y, size_t n, double *auc);

/* Mean log-loss with p clipped to [1e-15, 1 - 1e-15] (scikit-learn's). */
double lsc_metrics_log_loss(const double *p, const double *y, size_t n);

/* Mean squared error of p against y. */
double lsc_metrics_brier(const double *p, const double *y, size_t n);

struct metrics_threshold {
    double threshold;   /* classify positive when p >= threshold */
    size_t tp, fp, tn, fn;
    double precision;   /* NaN when nothing is classified positive */
    double recall;      /* NaN when there are no positives */
    double accuracy;
};

void lsc_metrics_at_threshold(const double *p, const double *y, size_t n, double threshold,
                          struct metrics_threshold *out);

#endif
