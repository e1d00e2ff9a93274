/* weights - row weights (--weight COL), balanced class weights
 * (--class-weight balanced) and the prior-shift intercept correction
 * (--population-rate P).
 *
 * Weights travel as an array indexed by dataset row, NULL meaning
 * "unweighted" (every row counts once), and enter the fit through
 * struct design's w (design.h).
 */
#ifndef LSC_SRC_WEIGHTS_H
#define LSC_SRC_WEIGHTS_H

#include <stddef.h>

#include "dataset.h"
#include "leadscore/status.h"

/* What a fit was weighted with. */
struct weights_info {
    double class_factor[2]; /* balanced factors for y = 0 and y = 1 (1, 1 when not balanced) */
    double total;           /* sum of the effective weights */
    double sample_rate;     /* unweighted positive rate of the rows */
    double fitted_rate;     /* weighted positive rate: what the intercept is fitted to */
};

/* Reads ds's DS_WEIGHT column into *out (ds->n_rows values, caller frees
 * with lsc_free); *out is NULL when ds has no weight column. A missing,
 * non-numeric, negative or non-finite value is LSC_ERR_DATA naming the
 * file, line and column. */
enum lsc_status lsc_weights_load(const struct dataset *ds, double **out, struct lsc_error *err);

/* Effective weights of a fit on rows (NULL: 0 .. n-1) into w (indexed by
 * dataset row; only those rows are written): base[row] (1 when base is
 * NULL) times, when balanced, n / (2 n_class) with n_class the unweighted
 * count of the row's class among rows (scikit-learn's
 * class_weight='balanced'). Fills info. LSC_ERR_DATA when the weights of
 * either class sum to zero. */
enum lsc_status lsc_weights_for_fit(const struct dataset *ds, const double *base, int balanced,
                                const size_t *rows, size_t n, double *w,
                                struct weights_info *info, struct lsc_error *err);

/* The prior-shift (case-control) correction of the intercept:
 * logit(population_rate) - logit(fitted_rate). */
double lsc_weights_prior_correction(double population_rate, double fitted_rate);


struct lsc_model;

/* 1 when every w[row] of rows (NULL: 0 .. n-1) is a whole number, so the
 * weights can be read as frequency weights. */
int lsc_weights_all_integer(const double *w, const size_t *rows, size_t n);

/* Adds c to the intercept, and moves its stored statistics with it (the
 * standard error is unchanged: the correction is a constant). */
void lsc_weights_shift_intercept(struct lsc_model *m, double c);

#endif
