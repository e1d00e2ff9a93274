/* rules_log - the activity log a rules sheet shares with a model's
 * activity-log features (src/pipeline/score_events.c), so that scoring with
 * both reads each log once: the sheet's collection is then made from the
 * model's spec (its columns, date format, half-life and windows, first),
 * with the sheet's windows after them, and the scorer borrows it.
 */
#ifndef LSC_SRC_RULES_LOG_H
#define LSC_SRC_RULES_LOG_H

#include <stddef.h>

#include "events.h"
#include "leadscore/rules.h"

/* The windows ("in last N days") the sheet's event rules count, in order of
 * first use, into windows (LSC_EVENTS_MAX_WINDOWS slots); their number, or
 * LSC_EVENTS_MAX_WINDOWS + 1 when there are more. */
size_t lsc_rules_event_windows(const struct lsc_rules *r, long *windows);

/* lsc_rules_add_events, the collection (made at the first file) from base
 * (lent for the call): its columns, date format, half-life and windows,
 * then the sheet's windows it lacks (at most LSC_EVENTS_MAX_WINDOWS in
 * all: LSC_ERR_USAGE otherwise), counted up to the sheet's as-of date. The
 * options' columns and date format are base's. */
enum lsc_status lsc_rules_add_events_from(struct lsc_rules *r, const char *path,
                                          const struct lsc_rules_events_options *o,
                                          const struct lsc_events_spec *base,
                                          struct lsc_error *err);

/* The sheet's collection (NULL before a log was added), lent for r's life. */
const struct lsc_events *lsc_rules_events(const struct lsc_rules *r);

#endif
