/* derive - features computed from other columns, the same way at training
 * and at scoring.
 *
 *   --days-since COL      "days since COL": as_of - date, in days (a date
 *                         YYYY-MM-DD, optionally followed by T or a space
 *                         and a time, which is ignored). Empty or a
 *                         missing-value token: missing (median-imputed with
 *                         a missing indicator like any numeric). Anything
 *                         else is an error at training and a rejected row
 *                         at scoring.
 *   --account-column COL  "leads per account (COL)": the number of rows of
 *                         the file (or scored batch) with the same account
 *                         key of COL (account.h: trimmed, inner whitespace
 *                         collapsed, ASCII letters lowercased), rows with a
 *                         missing target included; a missing account
 *                         counts 1.
 * Both then go through the numeric encoder. The source columns are not
 * features themselves.
 */
#ifndef LSC_SRC_DERIVE_H
#define LSC_SRC_DERIVE_H

#include <jansson.h>
#include <stddef.h>

#include "account.h"
#include "dict.h"
#include "ds_column.h"
#include "event_features.h"
#include "leadscore/train.h"
#include "model_def.h"

/* DERIVE_EVENT: an activity-log feature (event_features.h) */
enum derive_kind { DERIVE_NONE = 0, DERIVE_DAYS_SINCE = 1, DERIVE_ACCOUNT = 2, DERIVE_EVENT = EVENT_DERIVED_KIND };

#define DERIVE_DAYS_PREFIX "days since "
#define DERIVE_ACCOUNT_FORMAT "leads per account (%s)"

/* Days since 1970-01-01 of a proleptic Gregorian date (Hinnant). */
long lsc_derive_day_number(int year, int month, int day);

/* Today (UTC) as a day number and as "YYYY-MM-DD" (buf of 11+ bytes). */
long lsc_derive_today(char *buf, size_t size);

/* as_of - the date in s (in the format fmt, or ISO 8601; fmt may be NULL),
 * in days, into *out: 1, or 0 when s is not a date. */
int lsc_derive_days_since_fmt(const char *s, size_t len, const char *fmt, long as_of, double *out);
/* The same for ISO 8601 dates only (fmt NULL). */
int lsc_derive_days_since(const char *s, size_t len, long as_of, double *out);

/* Counts per value (accounts: the callers count account keys). */
struct derive_counts {
    struct dict *keys;
    size_t *n;
    size_t cap;
};
enum lsc_status lsc_derive_counts_add(struct derive_counts *c, const char *s, size_t len, uint32_t *id,
                                  struct lsc_error *err);
size_t lsc_derive_counts_get(const struct derive_counts *c, const char *s, size_t len);
void lsc_derive_counts_fini(struct derive_counts *c);

/* Training: the loader's hooks (dataset.c), on the header's columns (cols,
 * n_cols; file names the input in messages and must outlive the state).
 * lsc_derive_setup after the header (checks the names, excludes the source
 * columns; *out stays NULL when no feature is derived, and is set before
 * any failure, so the caller frees it either way), lsc_derive_row for every
 * data row (row: the stored row index, SIZE_MAX for a skipped row; cap: the
 * caller's row capacity), lsc_derive_finish after the last (appends the
 * derived columns to *cols as raw numeric features, n_rows rows). */
struct derive_state;
enum lsc_status lsc_derive_setup(struct derive_state **out, struct ds_column *cols, size_t n_cols,
                                 const char *file, const struct lsc_train_options *o,
                                 const struct lsc_log *log, struct lsc_error *err);
enum lsc_status lsc_derive_row(struct derive_state *s, size_t cap, const char *const *fields,
                               const size_t *lens, size_t nfields, size_t line, size_t row,
                               const struct lsc_strings *na, struct lsc_error *err);
enum lsc_status lsc_derive_finish(struct derive_state *s, struct ds_column **cols, size_t *n_cols,
                                  size_t n_rows, const struct lsc_log *log, struct lsc_error *err);
void lsc_derive_state_free(struct derive_state *s);

/* What the model keeps of the accounts (o->account_reference, with
 * LSC_ACCOUNT_REF_DEFAULT resolved: IDS on a file, COUNTS inside
 * PostgreSQL). */
int lsc_derive_account_mode(const struct lsc_train_options *o);

/* The training file's accounts (account.h: the leads per account key of
 * the account column, with the ids of the first id column when
 * o->account_reference is LSC_ACCOUNT_REF_IDS), handed to the caller (who
 * frees it); NULL without --account-column. */
struct lsc_accounts *lsc_derive_take_accounts(struct derive_state *s);

/* The date the derived features are measured from (YYYY-MM-DD: --as-of or
 * today, UTC) when a feature uses it (--days-since, an activity log), else
 * NULL. */
const char *lsc_derive_as_of(const struct derive_state *s, const struct lsc_train_options *o);

/* The day of --as-of (as fmt, NULL: none, or YYYY-MM-DD; NULL: today, UTC)
 * as a day number, its ISO text into buf (11+ bytes); LONG_MIN when as_of
 * is no such date. */
long lsc_derive_resolve_as_of(const char *as_of, const char *fmt, char *buf, size_t size);

/* Adds "days_since", "account_column" and "as_of" (the resolved date, null
 * without --days-since) to the options record; s is the loader's state (NULL
 * when nothing was derived). 0 on allocation failure. */
int lsc_derive_record_options(json_t *options, const struct lsc_train_options *o,
                              const struct derive_state *s);
/* The same with the resolved date as_of (NULL without one). */
int lsc_derive_record_options_at(json_t *options, const struct lsc_train_options *o,
                                 const char *as_of);

/* The "derived" member of a numeric column of the model file, and its
 * reader (checks kind, source and that the column's name is the derived
 * name). path is the column's JSON path. */
json_t *lsc_derive_to_json(const struct lsc_column_enc *c);
enum lsc_status lsc_derive_from_json(struct lsc_column_enc *c, const json_t *obj, const char *path,
                                 const char *file, struct lsc_error *err);

/* Copies each derived dataset column's kind and source (cols: the dataset's
 * columns) to the model's columns (col_src from the encoder). LSC_ERR_NOMEM. */
enum lsc_status lsc_derive_attach(struct lsc_model *m, const struct ds_column *cols,
                                  const size_t *col_src, struct lsc_error *err);

/* The model's "events" section (event_features.h) from the loader's state
 * (s may be NULL). LSC_ERR_NOMEM. */
enum lsc_status lsc_derive_attach_events(struct lsc_model *m, const struct derive_state *s,
                                         struct lsc_error *err);

/* 1 when a model column is the account count. */
int lsc_derive_model_needs_accounts(const struct lsc_model *m, size_t *column);

#endif
