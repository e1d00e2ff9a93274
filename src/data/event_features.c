/* event_features - features from activity logs; see event_features.h. */
#include "event_features.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "dict.h"
#include "status_internal.h"
#include "util.h"

_Static_assert(LSC_MODEL_EVENT_WINDOWS == LSC_EVENTS_MAX_WINDOWS, "one window limit");

static const char *const STAT_KEY[LSC_EV_N_STATS] = {
    "count", "window", "days_since_first", "days_since_last", "weighted", "days_from_first_event"};
static const char *const STAT_LABEL[LSC_EV_N_STATS] = {
    "count", "", "days since first", "days since last", "weighted", "days from first event"};

void lsc_event_feature_name(const char *type, int stat, long window, char *buf, size_t size)
{
    if (stat == LSC_EV_WINDOW)
        snprintf(buf, size, EVENT_FEATURE_PREFIX "%s (last %ld days)", type, window);
    else if (stat >= 0 && stat < LSC_EV_N_STATS)
        snprintf(buf, size, EVENT_FEATURE_PREFIX "%s (%s)", type, STAT_LABEL[stat]);
    else
        snprintf(buf, size, EVENT_FEATURE_PREFIX "%s (?)", type);
}

int lsc_event_no_missing_indicator(int stat)
{
    /* the days are missing exactly when there is no event of the type: one
     * indicator (on "days since first") says so */
    return stat == LSC_EV_SINCE_LAST || stat == LSC_EV_FROM_FIRST;
}

const char *lsc_event_stat_key(int stat)
{
    return stat >= 0 && stat < LSC_EV_N_STATS ? STAT_KEY[stat] : "";
}

int lsc_event_stat_from_key(const char *key)
{
    for (int k = 0; k < LSC_EV_N_STATS; k++)
        if (strcmp(key, STAT_KEY[k]) == 0)
            return k;
    return -1;
}

double lsc_event_stat_value(const struct lsc_event_agg *g, int stat, size_t window_ix, long ref,
                            const long *lead_first)
{
    size_t n = g->count;
    switch (stat) {
    case LSC_EV_COUNT:
        return (double)n;
    case LSC_EV_WINDOW:
        return n > 0 && window_ix < LSC_EVENTS_MAX_WINDOWS ? (double)g->in_window[window_ix] : 0.0;
    case LSC_EV_WEIGHTED:
        return n > 0 ? g->weighted : 0.0;
    case LSC_EV_SINCE_FIRST:
        return n > 0 ? (double)(ref - g->first_day) : NAN;
    case LSC_EV_SINCE_LAST:
        return n > 0 ? (double)(ref - g->last_day) : NAN;
    case LSC_EV_FROM_FIRST:
        return n > 0 && lead_first != NULL ? (double)(g->first_day - *lead_first) : NAN;
    default:
        return NAN;
    }
}

double lsc_event_value(const struct lsc_events *ev, size_t lead, size_t type, int stat,
                       size_t window_ix, long ref)
{
    struct lsc_event_agg g;
    long first = 0;
    if (type == SIZE_MAX)
        memset(&g, 0, sizeof g);
    else
        lsc_events_agg(ev, lead, type, &g);
    int has_first = g.count > 0 && lsc_events_lead_first_day(ev, lead, &first);
    return lsc_event_stat_value(&g, stat, window_ix, ref, has_first ? &first : NULL);
}

void lsc_event_spec_from_options(const struct lsc_train_options *o, struct lsc_events_spec *sp)
{
    lsc_events_spec_defaults(sp);
    if (o->event_windows != NULL) {
        sp->n_windows = o->n_event_windows;
        for (size_t k = 0; k < o->n_event_windows && k < LSC_EVENTS_MAX_WINDOWS; k++)
            sp->windows[k] = o->event_windows[k];
    }
    if (o->event_half_life != 0.0)
        sp->half_life = o->event_half_life;
    sp->date_format = o->event_date_format ? o->event_date_format : o->date_format;
    sp->id_column = o->event_id;
    sp->type_column = o->event_type;
    sp->time_column = o->event_time;
    sp->encoding = o->encoding;
}

enum lsc_status lsc_event_train_check(const struct lsc_train_options *o, struct lsc_error *err)
{
    struct lsc_events_spec sp;
    const char *needs = o->event_id            ? "--event-id"
                        : o->event_type        ? "--event-type"
                        : o->event_time        ? "--event-time"
                        : o->event_types.count ? "--event-types"
                        : o->event_windows     ? "--event-windows"
                        : o->outcome_date      ? "--outcome-date"
                        : o->event_date_format ? "--event-date-format"
                                               : NULL;
    if (o->events.count == 0 && o->events_table == NULL)
        return needs == NULL ? LSC_OK
                             : lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                             "%s needs an activity log: --events FILE (or "
                                             "--events-table NAME with --postgres)",
                                             needs);
    if (o->event_windows != NULL && o->n_event_windows > LSC_EVENTS_MAX_WINDOWS)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--event-windows: at most %d windows",
                             LSC_EVENTS_MAX_WINDOWS);
    lsc_event_spec_from_options(o, &sp);
    for (size_t a = 0; a < sp.n_windows; a++)
        for (size_t b = a + 1; b < sp.n_windows; b++)
            if (sp.windows[a] == sp.windows[b])
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "--event-windows: %ld days given twice", sp.windows[a]);
    if (o->event_min_leads == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--event-min-leads must be at least 1");
    return lsc_events_spec_check(&sp, err);
}

/* ---- training ------------------------------------------------------------------ */

struct event_train {
    const struct lsc_train_options *o;
    const char *file;
    size_t id_field, outcome_field;     /* SIZE_MAX: none */
    const char *id_name, *outcome_name; /* lent by the dataset's columns */
    long as_of;
    char as_of_text[16];
    struct lsc_events_spec spec;
    struct lsc_events *ev; /* the input's leads registered, then the logs */
    uint32_t *row_lead;    /* per stored row: its lead in ev; NO_ROW_LEAD: no id */
    size_t cap;
    size_t missing_ids, repeated_ids;
    struct lsc_events_file found; /* the first log's columns */
    char **types;
    size_t n_types;
};

#define NO_ROW_LEAD UINT32_MAX

void lsc_event_train_free(struct event_train *et)
{
    if (et == NULL)
        return;
    lsc_events_free(et->ev);
    lsc_free(et->row_lead);
    for (size_t k = 0; et->types != NULL && k < et->n_types; k++)
        lsc_free(et->types[k]);
    lsc_free(et->types);
    lsc_free(et);
}

/* The input's lead id column: the first --id, else the usual name that
 * ranks first. */
static enum lsc_status find_lead_id(struct event_train *et, struct ds_column *cols, size_t n_cols,
                                    const struct lsc_log *log, struct lsc_error *err)
{
    const struct lsc_train_options *o = et->o;
    size_t j = SIZE_MAX;
    if (o->ids.count > 0) {
        j = lsc_ds_find(cols, n_cols, o->ids.items[0]);
    } else {
        int best = -1;
        for (size_t k = 0; k < n_cols; k++) {
            int r = cols[k].role == DS_IGNORED || cols[k].role == DS_TARGET
                        ? -1
                        : lsc_events_usual_rank(0, cols[k].name, strlen(cols[k].name));
            if (r >= 0 && (best < 0 || r < best)) {
                best = r;
                j = k;
            }
        }
    }
    if (j == SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, et->file, 0, 0,
                             "--events: no column of the input has a usual name for the lead id "
                             "(such as \"Prospect ID\" or \"Lead Id\"): name it with --id COL");
    et->id_field = cols[j].file_index;
    et->id_name = cols[j].name;
    if (cols[j].role == DS_FEATURE) {
        cols[j].role = DS_EXCLUDED;
        lsc_logf(log, LSC_LOG_NOTE,
                 "column \"%s\" is the lead id joining the activity log (found by its name; "
                 "choose another with --id), not a feature",
                 cols[j].name);
    }
    return LSC_OK;
}

static enum lsc_status find_outcome(struct event_train *et, struct ds_column *cols, size_t n_cols,
                                    const struct lsc_log *log, struct lsc_error *err)
{
    const char *name = et->o->outcome_date;
    if (name == NULL)
        return LSC_OK;
    size_t j = lsc_ds_find(cols, n_cols, name);
    if (j == SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, et->file, 0, 0,
                             "--outcome-date: no column \"%s\" in the header", name);
    if (cols[j].role == DS_TARGET || cols[j].file_index == et->id_field)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--outcome-date: \"%s\" is the %s",
                             name, cols[j].role == DS_TARGET ? "target" : "lead id");
    et->outcome_field = cols[j].file_index;
    et->outcome_name = cols[j].name;
    if (cols[j].role == DS_FEATURE) {
        cols[j].role = DS_EXCLUDED;
        lsc_logf(log, LSC_LOG_INFO,
                 "column \"%s\" is each lead's reference day for its events, not a feature", name);
    }
    return LSC_OK;
}

/* The logs' leads are the input's, registered row by row. */
static int only_registered(void *ud, const char *id, size_t len, long *ref)
{
    (void)ud;
    (void)id;
    (void)len;
    (void)ref;
    return 0;
}

enum lsc_status lsc_event_train_setup(struct event_train **out, struct ds_column *cols,
                                      size_t n_cols, const char *file,
                                      const struct lsc_train_options *o, long as_of,
                                      const char *as_of_text, const struct lsc_log *log,
                                      struct lsc_error *err)
{
    *out = NULL;
    if (o->events.count == 0)
        return LSC_OK;
    struct event_train *et = lsc_calloc(1, sizeof *et);
    if (et == NULL)
        return lsc_error_nomem(err);
    *out = et;
    et->o = o;
    et->file = file;
    et->as_of = as_of;
    et->outcome_field = SIZE_MAX;
    snprintf(et->as_of_text, sizeof et->as_of_text, "%s", as_of_text);
    lsc_event_spec_from_options(o, &et->spec);
    et->spec.strict_time = 1;
    et->spec.ref = only_registered;
    et->spec.as_of = as_of;
    enum lsc_status st = lsc_events_new(&et->ev, &et->spec, err);
    if (st == LSC_OK)
        st = find_lead_id(et, cols, n_cols, log, err);
    return st == LSC_OK ? find_outcome(et, cols, n_cols, log, err) : st;
}

static int grow_rows(struct event_train *et, size_t cap, size_t row)
{
    if (row < et->cap)
        return 1;
    size_t n = cap > row ? cap : row + 1;
    uint32_t *l = lsc_reallocarray(et->row_lead, n, sizeof *l);
    if (l == NULL)
        return 0;
    et->row_lead = l;
    et->cap = n;
    return 1;
}

/* The row's reference day: its outcome date, else the as-of date. */
static enum lsc_status row_ref(const struct event_train *et, const char *const *fields,
                               const size_t *lens, size_t nfields, size_t line,
                               const struct lsc_strings *na, long *ref, struct lsc_error *err)
{
    *ref = et->as_of;
    if (et->outcome_field == SIZE_MAX || et->outcome_field >= nfields)
        return LSC_OK;
    const char *v = fields[et->outcome_field];
    size_t len = lens[et->outcome_field];
    lsc_trim_span(&v, &len);
    if (lsc_is_na_token(v, len, na) || lsc_date_parse_format(v, len, "%Y-%m-%d", ref))
        return LSC_OK;
    char shown[64];
    lsc_escape_bytes(v, len > 40 ? 40 : len, shown, sizeof shown);
    return lsc_error_set(err, LSC_ERR_DATA, et->file, line, et->outcome_field + 1,
                         "--outcome-date \"%s\": \"%s\" is not a date (YYYY-MM-DD)",
                         et->outcome_name, shown);
}

enum lsc_status lsc_event_train_row(struct event_train *et, size_t cap, const char *const *fields,
                                    const size_t *lens, size_t nfields, size_t line, size_t row,
                                    const struct lsc_strings *na, struct lsc_error *err)
{
    long ref = 0;
    size_t lead = SIZE_MAX;
    if (et == NULL)
        return LSC_OK;
    enum lsc_status st = row_ref(et, fields, lens, nfields, line, na, &ref, err);
    if (st != LSC_OK)
        return st;
    const char *v = et->id_field < nfields ? fields[et->id_field] : "";
    size_t len = et->id_field < nfields ? lens[et->id_field] : 0;
    lsc_trim_span(&v, &len);
    if (!lsc_is_na_token(v, len, na)) {
        int added = 0;
        if ((st = lsc_events_add_lead(et->ev, v, len, ref, &lead, &added, err)) != LSC_OK)
            return st;
        et->repeated_ids += !added && row != SIZE_MAX;
    } else if (row != SIZE_MAX) {
        et->missing_ids++;
    }
    if (row == SIZE_MAX)
        return LSC_OK;
    if (!grow_rows(et, cap, row))
        return lsc_error_nomem(err);
    et->row_lead[row] = lead == SIZE_MAX ? NO_ROW_LEAD : (uint32_t)lead;
    return LSC_OK;
}

static void note_file(const struct lsc_events_file *f, const char *path, const struct lsc_log *log)
{
    lsc_logf(log, LSC_LOG_NOTE,
             "activity log %s: %zu rows, %zu events counted (lead id \"%s\", type \"%s\", time "
             "\"%s\"%s)",
             path, f->stats.rows, f->stats.used, f->id_column, f->type_column, f->time_column,
             f->detected[0] || f->detected[1] || f->detected[2]
                 ? "; columns found by their names, choose others with --event-id, "
                   "--event-type, --event-time"
                 : "");
}

/* What the logs held that was not counted. */
static void note_stats(const struct event_train *et, const struct lsc_events_stats *s,
                       const struct lsc_log *log)
{
    if (s->after_ref > 0 && et->outcome_field != SIZE_MAX)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%zu events after their lead's outcome date (\"%s\"; the as-of date %s "
                 "without one) were not counted",
                 s->after_ref, et->outcome_name, et->as_of_text);
    else if (s->after_ref > 0)
        lsc_logf(log, LSC_LOG_NOTE, "%zu events after the as-of date %s were not counted",
                 s->after_ref, et->as_of_text);
    if (s->unknown_id > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%zu events of %zu lead ids that are not in %s (column \"%s\") were not "
                 "counted",
                 s->unknown_id, s->unknown_ids, et->file, et->id_name);
    if (s->no_id + s->no_type + s->no_time > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "activity log rows skipped: %zu without a lead id, %zu without a type, %zu "
                 "without a time",
                 s->no_id, s->no_type, s->no_time);
    if (et->missing_ids > 0)
        lsc_logf(log, LSC_LOG_NOTE, "%zu rows of %s have no lead id (\"%s\"): no events",
                 et->missing_ids, et->file, et->id_name);
    if (et->repeated_ids > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu rows of %s repeat a lead id (\"%s\") of an earlier row: they get the "
                 "same events",
                 et->repeated_ids, et->file, et->id_name);
}

static enum lsc_status read_logs(struct event_train *et, const struct lsc_log *log,
                                 struct lsc_error *err)
{
    const struct lsc_train_options *o = et->o;
    enum lsc_status st = LSC_OK;
    for (size_t k = 0; st == LSC_OK && k < o->events.count; k++) {
        struct lsc_events_file f;
        st = lsc_events_add_file(et->ev, o->events.items[k], &f, err);
        if (st != LSC_OK)
            break;
        if (k == 0)
            et->found = f;
        note_file(&f, o->events.items[k], log);
        if (f.stats.rows == 0)
            lsc_logf(log, LSC_LOG_WARN, "activity log %s has a header only: no events",
                     o->events.items[k]);
    }
    if (st != LSC_OK)
        return st;
    const struct lsc_events_stats *s = lsc_events_stats(et->ev);
    note_stats(et, s, log);
    if (s->used == 0)
        return lsc_error_set(err, LSC_ERR_DATA, o->events.items[0], 0, 0,
                             "no event of the activity log%s could be counted (%zu rows: %zu of "
                             "ids not in %s, %zu after their lead's reference day, %zu without "
                             "an id, type or time)",
                             o->events.count > 1 ? "s" : "", s->rows, s->unknown_id, et->file,
                             s->after_ref, s->no_id + s->no_type + s->no_time);
    return LSC_OK;
}

/* The index of the type named name (exactly), SIZE_MAX if none. */
static size_t type_named(const struct lsc_event_type_count *t, size_t n, const char *name,
                         size_t len)
{
    for (size_t k = 0; k < n; k++)
        if (strlen(t[k].name) == len && memcmp(t[k].name, name, len) == 0)
            return k;
    return SIZE_MAX;
}

/* The types as listed (--event-types), each one with counted events. */
static enum lsc_status listed_types(const struct lsc_event_type_count *t, size_t n,
                                    const struct lsc_train_options *o, const char *source,
                                    size_t *chosen, size_t *n_chosen, struct lsc_error *err)
{
    const struct lsc_strings *l = &o->event_types;
    for (size_t i = 0; i < l->count; i++) {
        const char *name = l->items[i];
        size_t len = strlen(name);
        lsc_trim_span(&name, &len);
        size_t k = type_named(t, n, name, len);
        if (k == SIZE_MAX || t[k].events == 0) {
            char have[600] = "";
            size_t at = 0;
            for (size_t h = 0; h < n && at + 1 < sizeof have; h++) {
                int w = snprintf(have + at, sizeof have - at, "%s\"%s\"", h ? ", " : "", t[h].name);
                at += w > 0 ? (size_t)w : 0;
            }
            return lsc_error_set(err, LSC_ERR_USAGE, source, 0, 0,
                                 "--event-types: no counted events of type \"%.*s\"; the log's "
                                 "types: %s",
                                 (int)len, name, have);
        }
        chosen[(*n_chosen)++] = k;
    }
    return LSC_OK;
}

/* Every type with events of at least min_leads leads; the others said. */
static enum lsc_status frequent_types(const struct lsc_event_type_count *t, size_t n,
                                      const struct lsc_train_options *o, const char *source,
                                      size_t *chosen, size_t *n_chosen, const struct lsc_log *log,
                                      struct lsc_error *err)
{
    char dropped[800] = "";
    size_t at = 0, n_dropped = 0, min = o->event_min_leads;
    for (size_t k = 0; k < n; k++) {
        if (t[k].leads >= min) {
            chosen[(*n_chosen)++] = k;
            continue;
        }
        n_dropped++;
        if (at + 1 < sizeof dropped) {
            int w = snprintf(dropped + at, sizeof dropped - at, "%s\"%s\" (%zu)",
                             n_dropped > 1 ? ", " : "", t[k].name, t[k].leads);
            at += w > 0 ? (size_t)w : 0;
        }
    }
    if (n_dropped > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%zu activity types have events of fewer than %zu leads and are not features "
                 "(--event-min-leads, --event-types): %s",
                 n_dropped, min, dropped);
    if (*n_chosen == 0)
        return lsc_error_set(err, LSC_ERR_DATA, source, 0, 0,
                             "no activity type has events of at least %zu leads "
                             "(--event-min-leads): %s",
                             min, dropped);
    return LSC_OK;
}

enum lsc_status lsc_event_choose_types(const struct lsc_event_type_count *types, size_t n,
                                       const struct lsc_train_options *o, const char *source,
                                       size_t *chosen, size_t *n_chosen, const struct lsc_log *log,
                                       struct lsc_error *err)
{
    *n_chosen = 0;
    enum lsc_status st = o->event_types.count > 0
                             ? listed_types(types, n, o, source, chosen, n_chosen, err)
                             : frequent_types(types, n, o, source, chosen, n_chosen, log, err);
    for (size_t k = 0; st == LSC_OK && k < *n_chosen; k++)
        lsc_logf(log, LSC_LOG_INFO, "activity type \"%s\": %zu events of %zu leads",
                 types[chosen[k]].name, types[chosen[k]].events, types[chosen[k]].leads);
    return st;
}

static enum lsc_status choose_types(struct event_train *et, const struct lsc_events *ev,
                                    size_t **out, const struct lsc_log *log, struct lsc_error *err)
{
    size_t n = lsc_events_n_types(ev);
    size_t *chosen = lsc_calloc(n + et->o->event_types.count + 1, sizeof *chosen);
    struct lsc_event_type_count *t = lsc_calloc(n + 1, sizeof *t);
    enum lsc_status st = chosen != NULL && t != NULL ? LSC_OK : lsc_error_nomem(err);
    *out = chosen;
    for (size_t k = 0; st == LSC_OK && k < n; k++) {
        t[k].name = lsc_events_type_name(ev, k);
        t[k].events = lsc_events_type_count(ev, k);
        t[k].leads = lsc_events_type_leads(ev, k);
    }
    if (st == LSC_OK)
        st = lsc_event_choose_types(t, n, et->o, et->o->events.items[0], chosen, &et->n_types, log,
                                    err);
    lsc_free(t);
    if (st == LSC_OK && (et->types = lsc_calloc(et->n_types, sizeof *et->types)) == NULL)
        st = lsc_error_nomem(err);
    for (size_t k = 0; st == LSC_OK && k < et->n_types; k++)
        if ((et->types[k] = lsc_strdup(lsc_events_type_name(ev, chosen[k]))) == NULL)
            st = lsc_error_nomem(err);
    return st;
}

/* One feature column, its values still to fill. */
static enum lsc_status new_column(struct event_train *et, size_t n_rows, size_t k, int stat,
                                  size_t wix, struct ds_column *d, struct lsc_error *err)
{
    char name[512];
    long window = stat == LSC_EV_WINDOW ? et->spec.windows[wix] : 0;
    lsc_event_feature_name(et->types[k], stat, window, name, sizeof name);
    memset(d, 0, sizeof *d);
    d->name = lsc_strdup(name);
    d->raw = lsc_malloc((n_rows ? n_rows : 1) * sizeof *d->raw);
    if (d->name == NULL || d->raw == NULL) {
        lsc_free(d->name);
        lsc_free(d->raw);
        d->name = NULL;
        return lsc_error_nomem(err);
    }
    d->file_index = et->id_field;
    d->role = DS_FEATURE;
    d->force = DS_FORCE_NUMERIC;
    d->derived = EVENT_DERIVED_KIND;
    d->source = et->id_name;
    d->event_type = et->types[k];
    d->event_stat = stat;
    d->event_window = window;
    d->no_missing_indicator = lsc_event_no_missing_indicator(stat);
    return LSC_OK;
}

/* The values of every chosen type's columns (d: per columns a type, the
 * types one after the other), row by row: the rows' leads are registered
 * in row order, so the lead records are read in order. */
static void fill_columns(const struct event_train *et, const size_t *chosen, size_t n_rows,
                         struct ds_column *d, size_t per)
{
    for (size_t i = 0; i < n_rows; i++) {
        if (i + 16 < n_rows && et->row_lead[i + 16] != NO_ROW_LEAD)
            lsc_events_prefetch(et->ev, et->row_lead[i + 16]);
        size_t lead = et->row_lead[i] == NO_ROW_LEAD ? SIZE_MAX : et->row_lead[i];
        long first = 0, ref = lead != SIZE_MAX ? lsc_events_lead_ref(et->ev, lead) : et->as_of;
        int has_first = lsc_events_lead_first_day(et->ev, lead, &first);
        for (size_t k = 0; k < et->n_types; k++) {
            struct lsc_event_agg g;
            struct ds_column *c = d + k * per;
            lsc_events_agg(et->ev, lead, chosen[k], &g);
            for (size_t j = 0; j < per; j++) {
                size_t wix = c[j].event_stat == LSC_EV_WINDOW ? j - 1 : 0;
                double x =
                    lsc_event_stat_value(&g, c[j].event_stat, wix, ref, has_first ? &first : NULL);
                c[j].raw[i] = x;
                if (isnan(x))
                    c[j].n_missing++;
            }
        }
    }
}

/* Appends every chosen type's features (per type: count, windows, days
 * since first and last, weighted, days from the first event). */
static enum lsc_status add_columns(struct event_train *et, const size_t *chosen, size_t n_rows,
                                   struct ds_column **cols, size_t *n_cols, struct lsc_error *err)
{
    size_t per = LSC_EV_N_STATS - 1 + et->spec.n_windows, n = et->n_types * per;
    struct ds_column *grown = lsc_reallocarray(*cols, *n_cols + n, sizeof *grown);
    if (grown == NULL)
        return lsc_error_nomem(err);
    *cols = grown;
    size_t base = *n_cols;
    for (size_t k = 0; k < et->n_types; k++)
        for (int stat = 0; stat < LSC_EV_N_STATS; stat++)
            for (size_t w = 0; w < (stat == LSC_EV_WINDOW ? et->spec.n_windows : 1); w++) {
                struct ds_column *c = &grown[*n_cols];
                enum lsc_status st = new_column(et, n_rows, k, stat, w, c, err);
                if (st != LSC_OK)
                    return st;
                (*n_cols)++;
                if (lsc_ds_find(grown, *n_cols - 1, c->name) != SIZE_MAX)
                    return lsc_error_set(err, LSC_ERR_USAGE, et->file, 0, 0,
                                         "the activity-log feature \"%s\" has the name of a "
                                         "column of the input; rename that column",
                                         c->name);
            }
    fill_columns(et, chosen, n_rows, grown + base, per);
    return LSC_OK;
}

enum lsc_status lsc_event_train_finish(struct event_train *et, struct ds_column **cols,
                                       size_t *n_cols, size_t n_rows, const struct lsc_log *log,
                                       struct lsc_error *err)
{
    size_t *chosen = NULL;
    enum lsc_status st = LSC_OK;
    if (et == NULL || n_rows == 0)
        return LSC_OK;
    if ((st = read_logs(et, log, err)) == LSC_OK &&
        (st = choose_types(et, et->ev, &chosen, log, err)) == LSC_OK)
        st = add_columns(et, chosen, n_rows, cols, n_cols, err);
    lsc_free(chosen);
    /* the aggregates are in the columns now */
    lsc_events_free(et->ev);
    et->ev = NULL;
    return st;
}

/* ---- the model's section ----------------------------------------------------------- */

void lsc_model_events_free(struct lsc_model_events *e)
{
    if (e == NULL)
        return;
    for (size_t k = 0; e->types != NULL && k < e->n_types; k++)
        lsc_free(e->types[k]);
    lsc_free(e->types);
    lsc_free(e->lead_id);
    lsc_free(e->id_column);
    lsc_free(e->type_column);
    lsc_free(e->time_column);
    lsc_free(e->date_format);
    lsc_free(e->outcome_date);
    lsc_free(e->as_of);
    lsc_free(e);
}

static char *dup_opt(const char *s, int *bad)
{
    char *d = s != NULL ? lsc_strdup(s) : NULL;
    *bad |= s != NULL && d == NULL;
    return d;
}

enum lsc_status lsc_event_model_section(struct lsc_model *m, const struct lsc_event_section *s,
                                        const struct lsc_train_options *o, struct lsc_error *err)
{
    const struct lsc_events_spec *sp = s->spec;
    lsc_model_events_free(m->events);
    struct lsc_model_events *e = m->events = lsc_calloc(1, sizeof *e);
    if (e == NULL)
        return lsc_error_nomem(err);
    int bad = (e->types = lsc_calloc(s->n_types + 1, sizeof *e->types)) == NULL;
    for (size_t k = 0; !bad && k < s->n_types; k++, e->n_types++)
        e->types[k] = dup_opt(s->types[k], &bad);
    e->n_windows = sp->n_windows;
    memcpy(e->windows, sp->windows, sizeof e->windows);
    e->half_life = sp->half_life;
    e->lead_id = dup_opt(s->lead_id, &bad);
    e->id_column = dup_opt(s->log_columns[0], &bad);
    e->type_column = dup_opt(s->log_columns[1], &bad);
    e->time_column = dup_opt(s->log_columns[2], &bad);
    e->date_format = dup_opt(sp->date_format ? sp->date_format : LSC_EVENTS_DEFAULT_FORMAT, &bad);
    e->outcome_date = dup_opt(s->outcome_date, &bad);
    e->as_of = dup_opt(s->as_of, &bad);
    e->min_leads = o->event_types.count > 0 ? 0 : o->event_min_leads;
    return bad ? lsc_error_nomem(err) : LSC_OK;
}

enum lsc_status lsc_event_train_model(struct lsc_model *m, const struct event_train *et,
                                      struct lsc_error *err)
{
    lsc_model_events_free(m->events);
    m->events = NULL;
    if (et == NULL || et->types == NULL)
        return LSC_OK;
    struct lsc_event_section s = {
        et->types,
        et->n_types,
        &et->spec,
        et->id_name,
        {et->found.id_column, et->found.type_column, et->found.time_column},
        et->outcome_name,
        et->as_of_text,
    };
    return lsc_event_model_section(m, &s, et->o, err);
}

json_t *lsc_strings_json(const struct lsc_strings *s)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < s->count; i++)
        if (json_array_append_new(a, json_string(s->items[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

int lsc_event_record_options(json_t *options, const struct lsc_train_options *o)
{
    if (o->events.count == 0 && o->events_table == NULL)
        return 1;
    if (o->events_table != NULL &&
        json_object_set_new(options, "events_table", json_string(o->events_table)) != 0)
        return 0;
    json_t *w = json_array();
    int bad = w == NULL;
    for (size_t k = 0; !bad && o->event_windows != NULL && k < o->n_event_windows; k++)
        bad |= json_array_append_new(w, json_integer((json_int_t)o->event_windows[k])) != 0;
    bad |= json_object_set_new(options, "events", lsc_strings_json(&o->events)) != 0;
    bad |= json_object_set_new(options, "event_types", lsc_strings_json(&o->event_types)) != 0;
    bad |= json_object_set_new(options, "event_windows", o->event_windows ? w : json_null()) != 0;
    if (o->event_windows == NULL)
        json_decref(w);
    bad |= json_object_set_new(options, "event_half_life", json_real(o->event_half_life)) != 0;
    bad |= json_object_set_new(options, "event_min_leads",
                               json_integer((json_int_t)o->event_min_leads)) != 0;
    static const char *const key[] = {"event_id", "event_type", "event_time", "event_date_format",
                                      "outcome_date"};
    const char *val[] = {o->event_id, o->event_type, o->event_time, o->event_date_format,
                         o->outcome_date};
    for (size_t k = 0; k < 5; k++)
        bad |=
            json_object_set_new(options, key[k], val[k] ? json_string(val[k]) : json_null()) != 0;
    return !bad;
}

int lsc_event_model_needs_log(const struct lsc_model *m)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived == EVENT_DERIVED_KIND)
            return 1;
    return 0;
}

void lsc_event_score_spec(const struct lsc_model *m, const char *id_column, const char *type_column,
                          const char *time_column, long as_of, struct lsc_events_spec *spec)
{
    const struct lsc_model_events *e = m->events;
    lsc_events_spec_defaults(spec);
    spec->as_of = as_of;
    if (e == NULL)
        return;
    spec->n_windows = e->n_windows;
    memcpy(spec->windows, e->windows, sizeof spec->windows);
    spec->half_life = e->half_life;
    spec->date_format = e->date_format;
    spec->id_column = id_column ? id_column : e->id_column;
    spec->type_column = type_column ? type_column : e->type_column;
    spec->time_column = time_column ? time_column : e->time_column;
}
