/* train_internal - what the CSV training run (train.c) shares with the one
 * inside PostgreSQL (train_pg.c). */
#ifndef LSC_SRC_TRAIN_INTERNAL_H
#define LSC_SRC_TRAIN_INTERNAL_H

#include <jansson.h>

#include "leadscore/train.h"
#include "cv.h"
#include "encoder.h"
#include "model_def.h"
#include "stats.h"
#include "weights.h"

/* --bins and --min-bin-share (defaulting to half a quantile bin). */
struct lsc_bin_opts lsc_train_bin_opts(const struct lsc_train_options *o);

/* --emit-rules: the model's points sheet into stage (emit_points.c), its
 * figures into sum. */
enum lsc_status lsc_train_write_points(const struct lsc_model *m, const struct lsc_train_options *o,
                                       const char *stage, struct lsc_train_summary *sum,
                                       struct lsc_error *err);

/* The model's "options" object for o (NULL when out of memory). */
json_t *lsc_train_options_json(const struct lsc_train_options *o);

/* The metadata every model records: created, version, training file and
 * its SHA-256, target, options (taken), positive values, ids, NA values,
 * penalty and tiers. */
enum lsc_status lsc_train_fill_common(struct lsc_model *m, const struct lsc_train_options *o,
                                      const char *file, const char *sha256, json_t *options,
                                      struct lsc_error *err);

/* Coefficient and fit statistics into the model. */
enum lsc_status lsc_train_store_stats(struct lsc_model *m, const struct coef_stats *cs,
                                      const struct fit_stats *fs, struct lsc_error *err);

/* The model's weighting record and the prior correction of the intercept
 * (--population-rate; after the statistics, which describe the fit as
 * made), with the summary's copy. info is NULL for an unweighted fit, whose
 * rows and positives (counts) are then used. */
enum lsc_status lsc_train_record_weighting(struct lsc_model *m, const struct lsc_train_options *o,
                                          const struct weights_info *info, double rows,
                                          double positives, const struct lsc_log *log,
                                          struct lsc_train_summary *sum, struct lsc_error *err);

/* The model's record of a --split-date split (the cutoff as YYYY-MM-DD). */
enum lsc_status lsc_train_record_date_split(struct lsc_model *m, const struct lsc_train_options *o,
                                           size_t train_rows, size_t validation_rows,
                                           size_t missing_rows, struct lsc_error *err);

/* Drops the Wald statistics (standard errors, z, p, intervals) of a fit
 * with an L1 penalty, where they do not hold; the fit statistics stay. */
void lsc_train_forget_wald(struct lsc_model *m);

/* The penalty into the model: lambda, l1_ratio, and the cross-validation
 * path (moved out of cv, which is left empty). */
enum lsc_status lsc_train_attach_penalty(struct lsc_model *m, const struct lsc_train_options *o,
                                         double lambda, struct cv_path *cv, struct lsc_error *err);

/* The notes and warnings of a cross-validation run: a lengthened path, a
 * best penalty at its end, fits that did not converge. */
void lsc_train_cv_notes(const struct lsc_train_options *o, const struct cv_path *cv,
                        const struct lsc_log *log);

/* The holdout's metrics into the summary. */
void lsc_train_summary_holdout(struct lsc_train_summary *sum,
                               const struct lsc_holdout_metrics *h);

/* lsc_train() for o->postgres: the fit inside the database. */
/* --interactions' note (fewer significant than asked) and one line per
 * pick, the same from both paths. */
struct lsc_pair_pick;
void lsc_train_log_pairs(const struct lsc_log *log, const struct lsc_train_options *o,
                         const struct lsc_pair_pick *picks, size_t n);

enum lsc_status lsc_train_pg(const struct lsc_train_options *o, const struct lsc_log *log,
                             struct lsc_model **out, struct lsc_train_summary *sum,
                             struct lsc_error *err);

#endif
