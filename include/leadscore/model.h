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

#ifdef __cplusplus
}
#endif
#endif
