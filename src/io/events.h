/* events - activity logs (one row per event: lead id, activity type,
 * timestamp), read once and aggregated per (lead, activity type).
 *
 * Whole days: an event's day is the day number (date.h) of its timestamp's
 * date, read with the spec's date format ("%Y-%m-%d" by default; a time of
 * day after 'T' or a space is ignored), or else as ISO 8601
 * (lsc_date_parse_with). Every lead has a reference day (the
 * as-of date, or at training the lead's outcome date) given by the caller;
 * an event after its lead's reference day is never counted (stats.after_ref).
 * For each (lead, type) the module keeps
 *   count          events on or before the reference day,
 *   first_day, last_day   the day numbers of the first and last of them,
 *   in_window[k]   events with ref - day < windows[k],
 *   weighted       the sum of 0.5^((ref - day) / half_life),
 * and for each lead the day of its first counted event of any type (for
 * velocity: first day of a type - the lead's first day). Memory grows with
 * leads x types seen, not with events: the log is streamed.
 *
 * Lead ids and types are trimmed of ASCII spaces and tabs and compared
 * exactly. Rows are skipped and counted (never an error) when the id is
 * empty, the lead unknown (the reference callback says so), the type or the
 * time empty or a missing-value token (util.h). A time that is not a date in
 * the format is an LSC_ERR_DATA naming file:line:column with spec.strict_time
 * (training), else skipped and counted with the first one's place (scoring).
 */
#ifndef LSC_SRC_EVENTS_H
#define LSC_SRC_EVENTS_H

#include <stddef.h>

#include "leadscore/parse.h"
#include "leadscore/status.h"

#define LSC_EVENTS_MAX_WINDOWS 8
#define LSC_EVENTS_DEFAULT_HALF_LIFE 30.0
#define LSC_EVENTS_DEFAULT_FORMAT "%Y-%m-%d"
#define LSC_EVENTS_COLUMN_MAX 256

/* The reference day of the lead with this id (trimmed; lent for the call)
 * into *ref_day: 1, or 0 when the lead is unknown (its events are skipped
 * and counted in stats.unknown_id). Called once per distinct id. */
typedef int (*lsc_events_ref_fn)(void *userdata, const char *id, size_t len, long *ref_day);

struct lsc_events_spec {
    /* Column names (trimmed, exact, else ignoring ASCII case); NULL: the
     * first header matching a usual name (lsc_events_add_file). */
    const char *id_column, *type_column, *time_column;
    long windows[LSC_EVENTS_MAX_WINDOWS]; /* days, each >= 1 */
    size_t n_windows;                     /* 0 to LSC_EVENTS_MAX_WINDOWS */
    double half_life;                     /* days, > 0 and finite */
    const char *date_format;              /* NULL: LSC_EVENTS_DEFAULT_FORMAT */
    int strict_time;                      /* 1: a bad time is an error */
    lsc_events_ref_fn ref;                /* NULL: every lead known, ref = as_of */
    void *ref_userdata;
    long as_of;               /* day number, used when ref is NULL */
    lsc_progress_fn progress; /* may be NULL; one pass per file */
    void *progress_userdata;
    enum lsc_encoding encoding; /* of the logs (--encoding; csv_reader.h) */
};

/* Windows 7, 30, 90; half-life 30 days; the default format; not strict;
 * no callback, as_of 0; auto-detected columns. */
void lsc_events_spec_defaults(struct lsc_events_spec *spec);

/* LSC_ERR_USAGE naming the bad field (windows, half-life, date format). */
enum lsc_status lsc_events_spec_check(const struct lsc_events_spec *spec, struct lsc_error *err);

/* Counts over everything read so far (or one file: lsc_events_file). */
struct lsc_events_stats {
    size_t rows;        /* data rows read */
    size_t used;        /* counted events */
    size_t after_ref;   /* later than their lead's reference day */
    size_t unknown_id;  /* rows whose lead the callback did not know */
    size_t unknown_ids; /* distinct such ids */
    size_t no_id;       /* empty id or a missing-value token */
    size_t no_type;     /* empty type */
    size_t no_time;     /* empty time or a missing-value token */
    size_t bad_time;    /* a time not in the format (when not strict) */
    /* The first bad time, when bad_time > 0: where, and the value (escaped,
     * cut). */
    char bad_file[LSC_ERROR_FILE_MAX];
    size_t bad_line, bad_column;
    char bad_value[64];
};

/* What one lsc_events_add_file read: the columns used (as in the header)
 * and its own counts. */
struct lsc_events_file {
    char id_column[LSC_EVENTS_COLUMN_MAX];
    char type_column[LSC_EVENTS_COLUMN_MAX];
    char time_column[LSC_EVENTS_COLUMN_MAX];
    int detected[3]; /* 1 where the column was auto-detected (id, type, time) */
    struct lsc_events_stats stats;
};

/* One lead's events of one type, relative to the lead's reference day. */
struct lsc_event_agg {
    size_t count;
    long first_day, last_day; /* valid when count > 0 */
    size_t in_window[LSC_EVENTS_MAX_WINDOWS];
    double weighted;
};

struct lsc_events;

/* Where name (trimmed, ASCII case ignored, '_' '-' '.' as spaces) stands
 * among the usual names of a log's lead id (which 0: "lead id", "prospect
 * id", ..., "email"), activity type (1) or time (2) column: 0 for the most
 * usual, -1 when it is none of them. Also for finding a lead file's id. */
int lsc_events_usual_rank(int which, const char *name, size_t len);

/* A new empty collection over a copy of spec (checked first: errors of
 * lsc_events_spec_check; LSC_ERR_NOMEM). */
enum lsc_status lsc_events_new(struct lsc_events **out, const struct lsc_events_spec *spec,
                               struct lsc_error *err);
void lsc_events_free(struct lsc_events *ev);

/* Reads the log at path (CSV or gzip; "-" is stdin) once and adds its
 * events; info (may be NULL) gets the columns and the file's counts. A
 * named column matches exactly, else ignoring case when one column does
 * (header_match.h). A file whose header has no such column: LSC_ERR_USAGE
 * naming the file, the column, the closest header name ("did you mean") and
 * the header (lsc_header_unknown); no
 * usual name for an auto-detected column: LSC_ERR_USAGE listing the header
 * and the option to use. A file without a header: LSC_ERR_DATA. Also the
 * errors of csv_reader.h and, with strict_time, LSC_ERR_DATA for a bad time
 * (file:line:column). After an error the collection holds the rows before
 * it. */
enum lsc_status lsc_events_add_file(struct lsc_events *ev, const char *path,
                                    struct lsc_events_file *info, struct lsc_error *err);

/* Registers a lead before the logs are read (training knows its leads; the
 * spec's callback then only answers for the others): the id, trimmed here,
 * with its reference day. *lead gets its index and *added 1, or 0 when it
 * was registered before (its first reference day stays). Leads registered
 * this way are numbered first, in this order. LSC_ERR_NOMEM. */
enum lsc_status lsc_events_add_lead(struct lsc_events *ev, const char *id, size_t len, long ref,
                                    size_t *lead, int *added, struct lsc_error *err);

/* The spec in use (copied at lsc_events_new; strings lent for ev's life). */
const struct lsc_events_spec *lsc_events_spec(const struct lsc_events *ev);
/* Counts over every file read. */
const struct lsc_events_stats *lsc_events_stats(const struct lsc_events *ev);

/* Activity types in the order first seen (with a counted event or not). */
size_t lsc_events_n_types(const struct lsc_events *ev);
const char *lsc_events_type_name(const struct lsc_events *ev, size_t type); /* lent */
/* The type named name (exactly), SIZE_MAX if none. */
size_t lsc_events_type_find(const struct lsc_events *ev, const char *name, size_t len);
/* Counted events of the type, and the number of leads with at least one. */
size_t lsc_events_type_count(const struct lsc_events *ev, size_t type);
size_t lsc_events_type_leads(const struct lsc_events *ev, size_t type);

/* Known leads: those registered, then those that appeared in a log (with a
 * counted event or not), in the order first seen. */
size_t lsc_events_n_leads(const struct lsc_events *ev);
/* The lead with this id (trimmed here), SIZE_MAX if it had no row. */
size_t lsc_events_lead_find(const struct lsc_events *ev, const char *id, size_t len);
/* Lent until the next lsc_events_add_file or lsc_events_free. */
const char *lsc_events_lead_id(const struct lsc_events *ev, size_t lead);
long lsc_events_lead_ref(const struct lsc_events *ev, size_t lead);
/* The day of the lead's first counted event of any type: 1, or 0 when none. */
int lsc_events_lead_first_day(const struct lsc_events *ev, size_t lead, long *day);

/* A hint that the lead's aggregates are read soon (a caller going through
 * many leads calls it a few leads ahead). */
void lsc_events_prefetch(const struct lsc_events *ev, size_t lead);

/* The lead's events of the type into *out (all zero when none; a lead of
 * SIZE_MAX is allowed and has none). Returns out->count. */
size_t lsc_events_agg(const struct lsc_events *ev, size_t lead, size_t type,
                      struct lsc_event_agg *out);

#endif
