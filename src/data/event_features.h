/* event_features - features from activity logs (docs/events.md), the same
 * way at training, at scoring and in the SQL.
 *
 * For each chosen activity type T the trainer adds numeric features
 *   "events: T (count)"                  events of T
 *   "events: T (last N days)"            of them with ref - day < N, per window
 *   "events: T (days since first)"       ref - the first one's day
 *   "events: T (days since last)"        ref - the last one's day
 *   "events: T (weighted)"               sum of 0.5^((ref - day) / half-life)
 *   "events: T (days from first event)"  the first T's day - the lead's first
 *                                        event's day (any type): velocity
 * where ref is the lead's reference day: at training its --outcome-date
 * (when given and not missing), else the as-of date; at scoring the as-of
 * date. Counts are 0 for a lead without events of T; the day features are
 * then missing (median-imputed with a missing indicator, as every numeric).
 * They go through the numeric encoder like any column (--bins too).
 */
#ifndef LSC_SRC_EVENT_FEATURES_H
#define LSC_SRC_EVENT_FEATURES_H

#include <jansson.h>
#include <stddef.h>

#include "ds_column.h"
#include "events.h"
#include "leadscore/train.h"
#include "model_def.h"

#define EVENT_FEATURE_PREFIX "events: "
/* The derived kind of these columns (derive.h's DERIVE_EVENT). */
#define EVENT_DERIVED_KIND 3
#define EVENT_DEFAULT_MIN_LEADS 10

/* "events: T (last 30 days)" into buf (cut to size). */
void lsc_event_feature_name(const char *type, int stat, long window, char *buf, size_t size);

/* 1 for a statistic whose missing values take the median without an
 * indicator of their own (the days since the last event, from the first:
 * missing exactly when "days since first" is, which has one). */
int lsc_event_no_missing_indicator(int stat);

/* The statistic's key in the model file ("count", "window",
 * "days_since_first", "days_since_last", "weighted", "days_from_first_event")
 * and back (-1: none). */
const char *lsc_event_stat_key(int stat);
int lsc_event_stat_from_key(const char *key);

/* The statistic's value from a (lead, type) aggregate (count 0: no events)
 * with reference day ref; lead_first: the lead's first event's day (NULL:
 * none). NaN when missing. */
double lsc_event_stat_value(const struct lsc_event_agg *g, int stat, size_t window_ix, long ref,
                            const long *lead_first);

/* The feature's value for a lead (lsc_events_lead_find; SIZE_MAX: no
 * events) and a type (SIZE_MAX: not in the log) with reference day ref;
 * window_ix indexes the collection's windows (LSC_EV_WINDOW). NaN when
 * missing. */
double lsc_event_value(const struct lsc_events *ev, size_t lead, size_t type, int stat,
                       size_t window_ix, long ref);

/* The options' lsc_events spec (windows, half-life, format, columns). */
void lsc_event_spec_from_options(const struct lsc_train_options *o, struct lsc_events_spec *sp);

/* An activity type with its counted events and the leads they are of. */
struct lsc_event_type_count {
    const char *name;
    size_t events, leads;
};

/* The types made features, for the file's path and the database's: those
 * of --event-types in their order (each with counted events, else
 * LSC_ERR_USAGE listing the types), else every type with events of at
 * least --event-min-leads leads in the given order (the others named in a
 * note; none left: LSC_ERR_DATA). chosen (room for n + the listed) gets
 * their indexes into types, *n_chosen their count; an info line per type.
 * source names the log in the messages. */
enum lsc_status lsc_event_choose_types(const struct lsc_event_type_count *types, size_t n,
                                       const struct lsc_train_options *o, const char *source,
                                       size_t *chosen, size_t *n_chosen, const struct lsc_log *log,
                                       struct lsc_error *err);

/* The options' consistency without data (LSC_ERR_USAGE): event options
 * need --events, windows and half-life in range. */
enum lsc_status lsc_event_train_check(const struct lsc_train_options *o, struct lsc_error *err);

/* ---- training: the loader's hooks (through derive.h) ---- */
struct event_train;

/* After the header: finds the lead id and outcome date columns among cols
 * (ids.items[0], else a usual name; the outcome date column and a detected
 * id column stop being features). *out is set (NULL without --events)
 * before any failure. as_of: the day number of the as-of date. */
enum lsc_status lsc_event_train_setup(struct event_train **out, struct ds_column *cols,
                                      size_t n_cols, const char *file,
                                      const struct lsc_train_options *o, long as_of,
                                      const char *as_of_text, const struct lsc_log *log,
                                      struct lsc_error *err);
/* Every data row (row: the stored row, SIZE_MAX for a skipped one): its
 * lead id and reference day. A bad outcome date is LSC_ERR_DATA naming
 * file:line:column. */
enum lsc_status lsc_event_train_row(struct event_train *et, size_t cap, const char *const *fields,
                                    const size_t *lens, size_t nfields, size_t line, size_t row,
                                    const struct lsc_strings *na, struct lsc_error *err);
/* After the last row: reads the logs (strict about times), chooses the
 * types, appends the features to *cols (n_rows rows) and says what it did
 * through log. LSC_ERR_DATA when no event could be counted or no type
 * qualifies; LSC_ERR_USAGE for a listed type the logs lack; the logs'
 * errors (events.h). */
enum lsc_status lsc_event_train_finish(struct event_train *et, struct ds_column **cols,
                                       size_t *n_cols, size_t n_rows, const struct lsc_log *log,
                                       struct lsc_error *err);
void lsc_event_train_free(struct event_train *et);

/* The model's "events" section from what training used (m->events stays
 * NULL when et is NULL). LSC_ERR_NOMEM. */
enum lsc_status lsc_event_train_model(struct lsc_model *m, const struct event_train *et,
                                      struct lsc_error *err);
/* What a model's "events" section records (the strings lent). */
struct lsc_event_section {
    char *const *types;
    size_t n_types;
    const struct lsc_events_spec *spec; /* windows, half-life, date format */
    const char *lead_id;                /* the leads' id column */
    const char *log_columns[3];         /* the log's id, type and time */
    const char *outcome_date;           /* NULL: none */
    const char *as_of;
};
/* m->events from s and the options (the file's path and the database's).
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_event_model_section(struct lsc_model *m, const struct lsc_event_section *s,
                                        const struct lsc_train_options *o, struct lsc_error *err);
/* Adds the event options to the options record; 0 when out of memory. */
int lsc_event_record_options(json_t *options, const struct lsc_train_options *o);

/* ---- the model ---- */
void lsc_model_events_free(struct lsc_model_events *e);
/* 1 when a column of m is an activity-log feature. */
int lsc_event_model_needs_log(const struct lsc_model *m);
/* The spec to read a log with for scoring m as of as_of (day number):
 * the model's windows, half-life, format and log columns, except those
 * given (non-NULL) here. The strings are lent by m and the arguments. */
void lsc_event_score_spec(const struct lsc_model *m, const char *id_column, const char *type_column,
                          const char *time_column, long as_of, struct lsc_events_spec *spec);

/* The strings as a JSON array of strings (new reference), NULL on no memory. */
json_t *lsc_strings_json(const struct lsc_strings *s);

#endif
