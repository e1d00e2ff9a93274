/* validation - the holdout's validation tables (calibration by decile with
 * the Hosmer-Lemeshow test, lift and cumulative gains, KS) kept in the model
 * (models/README.md, "holdout") and printed by leadscore-train --summary. */
#ifndef LSC_SRC_VALIDATION_H
#define LSC_SRC_VALIDATION_H

#include <stddef.h>

#include "model_def.h"

/* Fills h's tables (h->tables_present = 1) from the validation rows: y 1/0,
 * p the predicted probability, w optional weights (NULL: 1). LSC_ERR_NOMEM. */
enum lsc_status lsc_validation_tables(struct lsc_holdout_metrics *h, const double *y,
                                  const double *p, const double *w, size_t n,
                                  struct lsc_error *err);

#endif
