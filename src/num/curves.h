/* curves - validation curves and tables of predicted probabilities against
 * a binary outcome: ROC and precision-recall points, deciles (calibration
 * with the Hosmer-Lemeshow test, lift and cumulative gains) and the KS
 * statistic.
 *
 * Inputs: y[i] 1 (converted) or 0, p[i] a score (a probability for the
 * calibration), w[i] an optional non-negative weight (NULL: every row 1).
 * Scores must not be NaN.
 *
 * Everything is computed from one sort of the scores, highest first,
 * grouped by equal score (curves_ops). A decile boundary that falls inside a
 * group of tied scores shares that group out in proportion to the rows on
 * each side (the expectation over random orders of the tied rows, as the
 * comparison's rank_gains does), so no result depends on the input order;
 * weighted sums (positives, predicted) may then be fractional.
 */
#ifndef LSC_SRC_CURVES_H
#define LSC_SRC_CURVES_H

#include <stddef.h>

#include "leadscore/status.h"

#define CURVES_DECILES 10

/* Cumulative sums over the distinct scores, highest first. Entry g of the
 * cumulative arrays ([n_groups + 1]) sums the rows scoring above
 * threshold[g] (entry 0 is all zeros, entry n_groups the totals). */
struct curves_ops {
    size_t n, n_groups;
    double *threshold; /* [n_groups], descending */
    size_t *rows;      /* cumulative rows */
    double *weight;    /* cumulative weight */
    double *pos;       /* cumulative weighted positives */
    double *pred;      /* cumulative weighted sum of p */
};

/* LSC_ERR_NOMEM. Free with lsc_curves_ops_fini() (also after a failure). */
enum lsc_status lsc_curves_ops_init(struct curves_ops *c, const double *y, const double *p,
                                const double *w, size_t n);
void lsc_curves_ops_fini(struct curves_ops *c);

/* The ROC curve at every distinct threshold: point g (0..n_groups) holds
 * fpr[g], tpr[g] of classifying "score >= threshold[g-1]" positive (point 0
 * is (0, 0), the last (1, 1)). Needs both classes (else NaN). */
double lsc_curves_tpr(const struct curves_ops *c, size_t g);
double lsc_curves_fpr(const struct curves_ops *c, size_t g);
/* Precision at point g >= 1 (NaN at 0). */
double lsc_curves_precision(const struct curves_ops *c, size_t g);

/* The trapezoidal area under the ROC points: the Mann-Whitney AUC with
 * ties counting one half (weighted when w was given). */
double lsc_curves_auc(const struct curves_ops *c);

/* KS = max over thresholds of tpr - fpr (the largest gap between the score
 * distributions of the converted and the other rows, in the direction of
 * a useful score); *threshold gets the score t where it is first reached
 * (classify "p >= t" positive). NaN when a class is absent. */
double lsc_curves_ks(const struct curves_ops *c, double *threshold);

/* One tenth of the rows by rank, decile 1 holding the highest scores: ranks
 * round((d - 1) n / 10) + 1 .. round(d n / 10). */
struct curves_decile {
    size_t decile; /* 1..10 */
    size_t rows;
    double weight, positives;
    double conversion_rate;     /* positives / weight (NaN when empty) */
    double mean_predicted;      /* weighted mean of p (NaN when empty) */
    double score_min, score_max; /* NaN when empty */
    double lift;                /* conversion_rate / overall rate */
    double cumulative_capture;  /* share of all positives in deciles 1..d */
    double cumulative_lift;     /* cumulative rate / overall rate */
};

void lsc_curves_deciles(const struct curves_ops *c, struct curves_decile out[CURVES_DECILES]);

/* The Hosmer-Lemeshow goodness-of-fit test over the deciles of risk (Hosmer
 * and Lemeshow, Applied Logistic Regression, 2nd ed. 2000, sec. 5.2.2):
 *   C = sum_g (O_g - E_g)^2 / (E_g (1 - E_g / n_g))
 * with n_g the group's weight, O_g its positives and E_g its summed
 * predicted probability, over the non-empty groups whose E_g is strictly
 * between 0 and n_g; chi-square with (groups - 2) degrees of freedom (GSL).
 * NaN statistic and p-value when fewer than 3 groups count. */
struct curves_hl {
    double statistic, p_value;
    size_t groups, df;
};

void lsc_curves_hosmer_lemeshow(const struct curves_decile d[CURVES_DECILES], struct curves_hl *out);

#endif
