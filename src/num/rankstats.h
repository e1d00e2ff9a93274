/* rankstats - rank-based statistics of scores against a binary outcome.
 *
 * Used by the comparison of model and rule scores (compare.h): midranks,
 * the DeLong covariance of correlated AUCs, the two-sample
 * Kolmogorov-Smirnov statistic, Kendall's tau-b, Spearman's rho and
 * cumulative gains with ties shared out evenly.
 *
 * y[i] is 1 (converted) or 0. Scores must not be NaN.
 */
#ifndef LSC_SRC_RANKSTATS_H
#define LSC_SRC_RANKSTATS_H

#include <stddef.h>

#include "leadscore/status.h"

/* Midranks of x[0..n) into r: 1-based ascending ranks, tied values sharing
 * the average of their ranks. O(n log n). LSC_ERR_NOMEM. */
enum lsc_status lsc_rank_midranks(const double *x, size_t n, double *r);

/* DeLong, DeLong and Clarke-Pearson (1988) for k scores of the same n rows,
 * computed by the algorithm of Sun and Xu (2014). scores[j] points to n
 * values. On return auc[j] is the Mann-Whitney AUC of score j (ties count
 * one half) and cov (k x k, row-major) the DeLong covariance matrix of the
 * AUC estimates. Both classes are needed (LSC_ERR_DATA otherwise); with
 * fewer than two rows in a class cov is NaN. LSC_ERR_NOMEM. */
enum lsc_status lsc_rank_delong(const double *const *scores, size_t k, const unsigned char *y, size_t n,
                            double *auc, double *cov, struct lsc_error *err);

/* The normal-theory confidence interval auc -/+ z sd at the given level
 * (0.95), clipped to [0, 1]. NaN bounds when var is NaN or negative. */
void lsc_rank_auc_ci(double auc, double var, double level, double *lo, double *hi);

/* The paired DeLong test of AUC a1 = a2 from the covariance entries:
 * z = (a1 - a2) / sqrt(v11 + v22 - 2 v12), two-sided p = 2 Q(|z|). When
 * the variance of the difference is 0 (identical rankings) z is NaN and p
 * is 1 if a1 == a2, else 0. *se gets the standard error of the difference. */
double lsc_rank_paired_p(double a1, double a2, double v11, double v22, double v12, double *z,
                     double *se);

/* The two-sample Kolmogorov-Smirnov statistic of the scores of the
 * positives against those of the negatives: max over thresholds t of
 * |F_neg(t) - F_pos(t)| (scipy's ks_2samp). *at (may be NULL) gets the
 * score where the maximum is first reached. NaN when a class is absent.
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_rank_ks(const double *score, const unsigned char *y, size_t n, double *ks,
                        double *at);

/* Kendall's tau-b of x and y (n pairs) by Knight's O(n log n) algorithm.
 * NaN when either is constant or n < 2. LSC_ERR_NOMEM. */
enum lsc_status lsc_rank_kendall_tau_b(const double *x, const double *y, size_t n, double *tau);

/* Spearman's rho (Pearson correlation of midranks; GSL). NaN when either is
 * constant or n < 2. LSC_ERR_NOMEM. */
enum lsc_status lsc_rank_spearman(const double *x, const double *y, size_t n, double *rho);

/* Scores sorted from highest to lowest, grouped by equal value, to answer
 * "how many positives are among the k highest scores" with a tie group
 * that straddles rank k shared out in proportion (the expectation over
 * random orders of the tied rows), so the answer does not depend on input
 * order. */
struct rank_gains {
    size_t n, positives;
    size_t n_groups;
    double *value;       /* [n_groups], descending */
    size_t *rows_before; /* [n_groups + 1]: rows in higher groups */
    size_t *pos_before;  /* [n_groups + 1]: positives in higher groups */
};

/* LSC_ERR_NOMEM; LSC_ERR_DATA when a score is not finite (NaN, +-inf): the
 * callers reject such rows before. Free with lsc_rank_gains_fini() (also
 * after a failure). */
enum lsc_status lsc_rank_gains_init(struct rank_gains *g, const double *score, const unsigned char *y,
                                size_t n);
void lsc_rank_gains_fini(struct rank_gains *g);
/* Expected positives among the top k rows (0 <= k <= n). */
double lsc_rank_gains_positives(const struct rank_gains *g, size_t k);
/* The score of the row at 1-based rank k from the top (1 <= k <= n). */
double lsc_rank_gains_score_at(const struct rank_gains *g, size_t k);
/* Rows scoring >= t, and the positives among them. */
void lsc_rank_gains_at_least(const struct rank_gains *g, double t, size_t *rows, size_t *positives);

#endif
