/* diagnostics - checks that speak up when the data cannot support a model.
 *
 * Each finding is a named warning (code + message) logged as LSC_LOG_WARN and
 * kept in the model (m->warnings):
 *   thin_data      fewer than 1,000 leads or 120 conversions (fewer than 50
 *                  conversions refuses to train unless forced)
 *   id_like        a categorical column with more than half its values unique,
 *                  or a numeric one of whole numbers all distinct (or monotone
 *                  with the row order and mostly distinct): a record number;
 *                  excluded before encoding unless kept (--keep-feature)
 *   near_constant  one value in at least 99% of the rows
 *   leakage        a column whose univariate holdout AUC is >= 0.90: probably
 *                  filled in after the outcome
 *   separation     a level (or a numeric threshold) that separates converted
 *                  from not converted: without a penalty its coefficient
 *                  diverges
 *   collinearity   a feature that is a linear combination of others (rank
 *                  deficiency) or has a variance inflation factor above 10
 */
#ifndef LSC_SRC_DIAGNOSTICS_H
#define LSC_SRC_DIAGNOSTICS_H

#include <stddef.h>

#include "dataset.h"
#include "design.h"
#include "model_def.h"

#define DIAG_MIN_ROWS 1000
#define DIAG_MIN_POSITIVES 120
#define DIAG_REFUSE_POSITIVES 50
#define DIAG_LEAKAGE_AUC 0.90
#define DIAG_VIF 10.0
#define DIAG_ID_MIN_ROWS 20 /* id_like looks at columns with this many values */
#define DIAG_SAMPLE_ROWS 50000

/* Appends a warning to the model and logs it. */
enum lsc_status lsc_diag_add(struct lsc_model *m, const struct lsc_log *log, const char *code,
                         const char *fmt, ...) LSC_PRINTF(4, 5);

/* Thin data: warns, or refuses (LSC_ERR_DATA) below DIAG_REFUSE_POSITIVES
 * conversions unless force; from the counts, or the dataset's. */
enum lsc_status lsc_diag_thin_counts(struct lsc_model *m, const char *file, size_t rows,
                                     size_t positives, int force, const struct lsc_log *log,
                                     struct lsc_error *err);
enum lsc_status lsc_diag_thin_data(struct lsc_model *m, const struct dataset *ds, int force,
                               const struct lsc_log *log, struct lsc_error *err);

/* Marks id-like columns (categorical or numeric; not those with keep_feature)
 * DS_EXCLUDED and notes near-constant ones. */
enum lsc_status lsc_diag_columns(struct lsc_model *m, struct dataset *ds, const struct lsc_log *log,
                             struct lsc_error *err);

/* Univariate AUC of each model column on eval rows, each column scored by
 * itself (numerics by value, categoricals by their conversion rate on the
 * fit rows). Categoricals are exact, from counts; numerics use at most
 * DIAG_SAMPLE_ROWS evenly spaced eval rows. */
enum lsc_status lsc_diag_leakage(struct lsc_model *m, const struct dataset *ds, const size_t *col_src,
                             const size_t *fit_rows, size_t n_fit, const size_t *eval_rows,
                             size_t n_eval, const struct lsc_log *log, struct lsc_error *err);

/* A level of a categorical column for the leakage check: its conversion
 * rate on the fit rows (the score), and its converted and not converted
 * evaluation rows. */
struct lsc_level_rate {
    double rate;
    double pos, neg;
};

/* The Mann-Whitney AUC of levels scored by their rates (equal rates tie,
 * one half); sorts lv. NaN without both classes. */
double lsc_diag_levels_auc(struct lsc_level_rate *lv, size_t n);

/* The leakage warning for a column whose univariate AUC (either way) is at
 * least DIAG_LEAKAGE_AUC on the holdout (holdout 1) or the training rows. */
enum lsc_status lsc_diag_leakage_report(struct lsc_model *m, const char *column, double auc,
                                        int holdout, const struct lsc_log *log,
                                        struct lsc_error *err);

/* Separation from counts: cnt[f] rows and pos[f] converted ones of each
 * level feature f < p (0: not a level), and per dense value j < q (the
 * feature dense[j], SIZE_MAX to skip) lo[4j..4j+3], the min and max among
 * the not converted, then among the converted. */
enum lsc_status lsc_diag_separation_report(struct lsc_model *m, const size_t *cnt,
                                           const size_t *pos, size_t p, const double *lo,
                                           const size_t *dense, size_t q,
                                           const struct lsc_log *log, struct lsc_error *err);

/* Separation by single levels or numeric thresholds, on the design's rows. */
enum lsc_status lsc_diag_separation(struct lsc_model *m, const struct design *d,
                                const struct lsc_log *log, struct lsc_error *err);

/* Rank deficiency and variance inflation factors from the Gram matrix
 * G = X'X / n (p x p, the intercept first, so G[j] is feature j's mean). */
enum lsc_status lsc_diag_collinearity_gram(struct lsc_model *m, const double *G, size_t p,
                                           const struct lsc_log *log, struct lsc_error *err);

/* Rank deficiency and variance inflation factors on the design (a sample of
 * at most DIAG_SAMPLE_ROWS evenly spaced rows). */
enum lsc_status lsc_diag_collinearity(struct lsc_model *m, const struct design *d,
                                  const struct lsc_log *log, struct lsc_error *err);

#endif
