/* leadscore/model.h - a fitted lead-scoring model and its JSON file.
 *
 * The file format is specified in models/README.md.
 */
#ifndef LEADSCORE_MODEL_H
#define LEADSCORE_MODEL_H

#include <stddef.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_model;

/* Loads and validates a model file ("-" is stdin). On success *out is the
 * caller's, to free with lsc_model_free. Errors: LSC_ERR_IO, LSC_ERR_MODEL
 * (not JSON, wrong format or version, a missing, mistyped or inconsistent
 * field: the message names it), LSC_ERR_NOMEM. */
enum lsc_status lsc_model_load(const char *path, struct lsc_model **out, struct lsc_error *err);

/* Writes the model as JSON, atomically (a temporary file in the same folder,
 * then rename). Refuses to replace an existing file unless force is
 * non-zero (LSC_ERR_EXISTS). "-" writes to stdout. */
enum lsc_status lsc_model_save(const struct lsc_model *model, const char *path, int force,
                               struct lsc_error *err);

/* Serialises to a string the caller frees with free(). NULL on failure. */
char *lsc_model_to_json(const struct lsc_model *model);

void lsc_model_free(struct lsc_model *model);

/* Read-only accessors. Strings are lent for the model's lifetime. */
size_t lsc_model_n_features(const struct lsc_model *model); /* incl. intercept */
const char *lsc_model_feature_name(const struct lsc_model *model, size_t i);
double lsc_model_coefficient(const struct lsc_model *model, size_t i);
const char *lsc_model_target(const struct lsc_model *model);
/* The model's id column k (the scores' default ids), NULL past the last. */
const char *lsc_model_id_column(const struct lsc_model *model, size_t k);
/* The date format the model was trained with (--date-format; its "days
 * since" features read dates so, and ISO 8601), or NULL: ISO only. */
const char *lsc_model_date_format(const struct lsc_model *model);

/* Inference for coefficient i: 1 and *out filled when the model has it,
 * 0 otherwise. Under a penalty (l2 > 0) the standard errors are those of
 * the Laplace approximation to the posterior (see docs/statistics.md). */
struct lsc_coef_info {
    const char *name;
    double estimate, std_error, z, p_value, ci_low, ci_high;
    double odds_ratio, or_ci_low, or_ci_high;
};
int lsc_model_coef_info(const struct lsc_model *model, size_t i, struct lsc_coef_info *out);

struct lsc_fit_info {
    size_t rows, coefficients;
    double l2;
    size_t iterations;
    int converged;
    double log_likelihood, null_log_likelihood, deviance, null_deviance;
    double mcfadden_r2, aic, bic, lr_statistic, lr_df, lr_p_value;
};
/* 1 and *out filled when the model has fit statistics, 0 otherwise. */
int lsc_model_fit_info(const struct lsc_model *model, struct lsc_fit_info *out);

/* The penalty lambda * (l1_ratio |b|_1 + (1 - l1_ratio)/2 |b|^2) of the fit
 * and, when lambda was chosen by cross-validation, how. */
struct lsc_penalty_info {
    double lambda, l1_ratio;
    size_t nonzero;            /* non-zero coefficients besides the intercept */
    size_t cv_folds;           /* 0: lambda was given, not cross-validated */
    const char *cv_metric;     /* "logloss" or "auc" */
    int cv_one_se;             /* chosen by the one-standard-error rule */
    unsigned long cv_seed;
    size_t cv_points, cv_best, cv_chosen; /* path length and indices */
};
void lsc_model_penalty_info(const struct lsc_model *model, struct lsc_penalty_info *out);

/* Point k of the cross-validation path (largest lambda first): the mean and
 * standard error of the metric over the folds and the non-zero coefficients
 * of the fit on all training rows. 1 and *out filled, 0 when out of range. */
struct lsc_cv_point {
    double lambda, mean, se;
    size_t nonzero;
};
int lsc_model_cv_point(const struct lsc_model *model, size_t k, struct lsc_cv_point *out);

#ifdef __cplusplus
}
#endif
#endif
