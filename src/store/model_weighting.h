/* model_weighting - the model file's "weighting" and "validation_split"
 * members (models/README.md): written only when used, so unweighted models
 * are unchanged; optional on load. */
#ifndef LSC_SRC_MODEL_WEIGHTING_H
#define LSC_SRC_MODEL_WEIGHTING_H

#include <jansson.h>

#include "model_def.h"

/* Adds the members that are present to root. Returns 0, or -1 when out of
 * memory. */
int lsc_model_weighting_build(json_t *root, const struct lsc_model *m);

/* Reads the members when root has them; every field is checked
 * (LSC_ERR_MODEL naming it). */
enum lsc_status lsc_model_weighting_parse(const json_t *root, const char *file, struct lsc_model *m,
                                      struct lsc_error *err);

/* Consistency of the in-memory fields (LSC_ERR_MODEL). */
enum lsc_status lsc_model_weighting_validate(const struct lsc_model *m, const char *file,
                                         struct lsc_error *err);

/* Frees the strings the members own. */
void lsc_model_weighting_free(struct lsc_model *m);

#endif
