/* model_events - the model file's "events" member (models/README.md): how
 * the activity-log features were made. Written only when the model has
 * them, so other models are unchanged; optional on load. */
#ifndef LSC_SRC_MODEL_EVENTS_H
#define LSC_SRC_MODEL_EVENTS_H

#include <jansson.h>

#include "model_def.h"

/* Adds "events" to root when m->events is set. 0, or -1 when out of
 * memory. */
int lsc_model_events_build(json_t *root, const struct lsc_model *m);

/* Reads "events" when root has it; every field is checked (LSC_ERR_MODEL
 * naming it). */
enum lsc_status lsc_model_events_parse(const json_t *root, const char *file, struct lsc_model *m,
                                       struct lsc_error *err);

/* The section agrees with the columns: present exactly when a column is an
 * activity-log feature, which reads the section's lead id column, one of
 * its types and (a count in a window) one of its windows (LSC_ERR_MODEL). */
enum lsc_status lsc_model_events_validate(const struct lsc_model *m, const char *file,
                                          struct lsc_error *err);

#endif
