/* score_events - the activity log a model's event features are scored
 * with (docs/events.md); see scorer.h. */
#include <stdio.h>
#include <string.h>

#include "event_features.h"
#include "events.h"
#include "rules_log.h"
#include "scorer.h"
#include "status_internal.h"
#include "util.h"

/* The first activity-log feature's name, for messages. */
static const char *first_event_column(const struct lsc_model *m)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived == DERIVE_EVENT)
            return m->columns[j].name;
    return "";
}

/* Rows of the log that were not used, and types the model reads that the
 * log lacks. */
static void note_log(const struct lsc_model *m, const struct lsc_events *ev,
                     const struct lsc_log *log)
{
    const struct lsc_events_stats *s = lsc_events_stats(ev);
    lsc_logf(log, LSC_LOG_NOTE, "activity log: %zu rows, %zu events up to the as-of date", s->rows,
             s->used);
    if (s->after_ref > 0)
        lsc_logf(log, LSC_LOG_NOTE, "%zu events after the as-of date were not counted",
                 s->after_ref);
    if (s->no_id + s->no_type + s->no_time > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "activity log rows skipped: %zu without a lead id, %zu without a type, %zu "
                 "without a time",
                 s->no_id, s->no_type, s->no_time);
    if (s->bad_time > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu events have a time that is not a date in the format \"%s\" and were not "
                 "counted (the first: %s:%zu:%zu: \"%s\")",
                 s->bad_time, lsc_events_spec(ev)->date_format, s->bad_file, s->bad_line,
                 s->bad_column, s->bad_value);
    for (size_t k = 0; m->events != NULL && k < m->events->n_types; k++) {
        const char *t = m->events->types[k];
        size_t ix = lsc_events_type_find(ev, t, strlen(t));
        if (ix == SIZE_MAX || lsc_events_type_count(ev, ix) == 0)
            lsc_logf(log, LSC_LOG_WARN,
                     "the activity log has no events of type \"%s\" up to the as-of date: every "
                     "lead counts 0 of them",
                     t);
    }
}

/* The spec m's features are scored with. */
static void model_spec(const struct lsc_model *m, const struct lsc_score_options *o, long as_of,
                       struct lsc_events_spec *spec)
{
    lsc_event_score_spec(m, o->event_id, o->event_type, o->event_time, as_of, spec);
    spec->encoding = o->encoding;
}

/* 1 when m's features and the sheet's event rules both read the log and
 * their windows fit one collection: one read serves both. */
static int shared(const struct lsc_model *m, const struct lsc_rules *rules)
{
    long w[LSC_EVENTS_MAX_WINDOWS];
    if (m == NULL || m->events == NULL || !lsc_event_model_needs_log(m) || rules == NULL ||
        !lsc_rules_needs_events(rules))
        return 0;
    const struct lsc_model_events *e = m->events;
    size_t n = lsc_rules_event_windows(rules, w), all = e->n_windows;
    for (size_t k = 0; k < n && n <= LSC_EVENTS_MAX_WINDOWS; k++) {
        size_t j = 0;
        while (j < e->n_windows && e->windows[j] != w[k])
            j++;
        all += j == e->n_windows;
    }
    return n <= LSC_EVENTS_MAX_WINDOWS && all <= LSC_EVENTS_MAX_WINDOWS;
}

static int same_text(const char *a, const char *b)
{
    return a == b || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

/* 1 when the collection ev counts what the spec ms asks for: the same
 * day, columns, format, half-life and ms's windows first. */
static int serves(const struct lsc_events *ev, const struct lsc_events_spec *ms)
{
    const struct lsc_events_spec *sp = lsc_events_spec(ev);
    return sp->as_of == ms->as_of && sp->half_life == ms->half_life &&
           sp->encoding == ms->encoding && sp->n_windows >= ms->n_windows &&
           memcmp(sp->windows, ms->windows, ms->n_windows * sizeof *ms->windows) == 0 &&
           same_text(sp->date_format, ms->date_format) && same_text(sp->id_column, ms->id_column) &&
           same_text(sp->type_column, ms->type_column) &&
           same_text(sp->time_column, ms->time_column);
}

enum lsc_status lsc_score_add_rule_events(const struct lsc_model *m, struct lsc_rules *rules,
                                          const struct lsc_score_options *o, const char *path,
                                          const struct lsc_rules_events_options *eo,
                                          struct lsc_error *err)
{
    struct lsc_events_spec base;
    if (!shared(m, rules))
        return lsc_rules_add_events(rules, path, eo, err);
    model_spec(m, o, lsc_scorer_as_of(o), &base);
    return lsc_rules_add_events_from(rules, path, eo, &base, err);
}

enum lsc_status lsc_score_events_check(const struct lsc_model *m, const struct lsc_rules *rules,
                                       const struct lsc_score_options *o, struct lsc_error *err)
{
    if (m == NULL || !lsc_event_model_needs_log(m) || rules == NULL ||
        !lsc_rules_needs_events(rules) || shared(m, rules))
        return LSC_OK;
    for (size_t k = 0; k < o->events.count; k++)
        if (!lsc_input_rereadable(o->events.items[k]))
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--events %s: the model's activity-log features and the sheet's "
                                 "event rules count more than %d windows together, so each reads "
                                 "the log: it must be a file that can be read twice (not stdin or "
                                 "a pipe)",
                                 o->events.items[k], LSC_EVENTS_MAX_WINDOWS);
    return LSC_OK;
}

enum lsc_status lsc_score_events_load(const struct lsc_model *m, const struct lsc_score_options *o,
                                      long as_of, const struct lsc_log *log,
                                      const struct lsc_events **use, struct lsc_events **owned,
                                      struct lsc_error *err)
{
    struct lsc_events_spec spec;
    *use = NULL;
    *owned = NULL;
    int needs = m != NULL && lsc_event_model_needs_log(m);
    if (!needs && o->events.count == 0)
        return LSC_OK;
    if (!needs && o->rules != NULL)
        return LSC_OK; /* the rules engine reads the log itself */
    if (!needs)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--events: %s",
                             m == NULL ? "an activity log needs a model with activity-log "
                                         "features"
                             : m->events != NULL
                                 ? "this model's activity-log features were all dropped in "
                                   "training (constant): it needs no log"
                                 : "this model has no activity-log features (train it with "
                                   "--events)");
    if (o->events.count == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "the model has activity-log features (such as \"%s\"): give the "
                             "activity log with --events FILE",
                             first_event_column(m));
    model_spec(m, o, as_of, &spec);
    const struct lsc_events *sheet = o->rules != NULL ? lsc_rules_events(o->rules) : NULL;
    if (sheet != NULL && serves(sheet, &spec)) {
        *use = sheet; /* read once, for both */
        note_log(m, sheet, log);
        return LSC_OK;
    }
    enum lsc_status st = lsc_events_new(owned, &spec, err);
    for (size_t k = 0; st == LSC_OK && k < o->events.count; k++)
        st = lsc_events_add_file(*owned, o->events.items[k], NULL, err);
    if (st == LSC_OK) {
        *use = *owned;
        note_log(m, *owned, log);
    }
    return st;
}
