/* score_events - the activity log a model's event features are scored
 * with (docs/events.md); see scorer.h. */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "event_features.h"
#include "events.h"
#include "scorer.h"
#include "status_internal.h"

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

/* A log that can be read twice: a regular file (a missing one is left to
 * the reader's error). */
static int rereadable(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") != 0 && (stat(path, &sb) != 0 || S_ISREG(sb.st_mode));
}

enum lsc_status lsc_score_events_check(const struct lsc_model *m, const struct lsc_rules *rules,
                                       const struct lsc_score_options *o, struct lsc_error *err)
{
    if (m == NULL || !lsc_event_model_needs_log(m) || rules == NULL ||
        !lsc_rules_needs_events(rules))
        return LSC_OK;
    for (size_t k = 0; k < o->events.count; k++)
        if (!rereadable(o->events.items[k]))
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--events %s: the model's activity-log features and the sheet's "
                                 "event rules each read the log, so it must be a file that can be "
                                 "read twice (not stdin or a pipe)",
                                 o->events.items[k]);
    return LSC_OK;
}

enum lsc_status lsc_score_events_load(const struct lsc_model *m, const struct lsc_score_options *o,
                                      long as_of, const struct lsc_log *log,
                                      struct lsc_events **out, struct lsc_error *err)
{
    struct lsc_events_spec spec;
    *out = NULL;
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
    lsc_event_score_spec(m, o->event_id, o->event_type, o->event_time, as_of, &spec);
    spec.encoding = o->encoding;
    enum lsc_status st = lsc_events_new(out, &spec, err);
    for (size_t k = 0; st == LSC_OK && k < o->events.count; k++)
        st = lsc_events_add_file(*out, o->events.items[k], NULL, err);
    if (st == LSC_OK)
        note_log(m, *out, log);
    return st;
}
