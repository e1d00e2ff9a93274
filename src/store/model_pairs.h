/* model_pairs - the "interactions" member of a model file (models/README.md):
 * the pairwise tables of a binned model (--interactions). */
#ifndef LSC_SRC_MODEL_PAIRS_H
#define LSC_SRC_MODEL_PAIRS_H

#include <jansson.h>

#include "model_def.h"

/* Adds "interactions" to root when m has pairs; non-zero on failure. */
int lsc_model_pairs_to_json(const struct lsc_model *m, json_t *root);

/* Reads "interactions" (absent: none) after the columns. */
enum lsc_status lsc_model_pairs_from_json(const json_t *root, struct lsc_model *m,
                                          const char *file, struct lsc_error *err);

/* Checks each pair against its columns and marks its features in used[]
 * (LSC_ERR_MODEL when a feature is out of range or already used). */
enum lsc_status lsc_model_pairs_validate(const struct lsc_model *m, unsigned char *used,
                                         const char *file, struct lsc_error *err);

#endif
