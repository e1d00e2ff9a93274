/* model_events - the "events" member of the model file; see model_events.h. */
#include "model_events.h"

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "derive.h"
#include "event_features.h"
#include "status_internal.h"

#define KEY "events"

static int put(json_t *o, const char *key, json_t *v)
{
    return json_object_set_new(o, key, v) != 0;
}

static json_t *jstr(const char *s)
{
    return s != NULL ? json_string(s) : json_null();
}

int lsc_model_events_build(json_t *root, const struct lsc_model *m)
{
    const struct lsc_model_events *e = m->events;
    if (e == NULL)
        return 0;
    json_t *o = json_object(), *types = json_array(), *windows = json_array();
    json_t *cols = json_object();
    int bad = put(root, KEY, o) | put(o, "types", types) | put(o, "windows", windows) |
              put(o, "log_columns", cols);
    for (size_t k = 0; !bad && k < e->n_types; k++)
        bad |= json_array_append_new(types, json_string(e->types[k])) != 0;
    for (size_t k = 0; !bad && k < e->n_windows; k++)
        bad |= json_array_append_new(windows, json_integer((json_int_t)e->windows[k])) != 0;
    if (bad)
        return -1;
    bad |= put(o, "half_life", json_real(e->half_life));
    bad |= put(o, "lead_id", json_string(e->lead_id));
    bad |= put(cols, "id", json_string(e->id_column));
    bad |= put(cols, "type", json_string(e->type_column));
    bad |= put(cols, "time", json_string(e->time_column));
    bad |= put(o, "date_format", json_string(e->date_format));
    bad |= put(o, "outcome_date", jstr(e->outcome_date));
    bad |= put(o, "as_of", json_string(e->as_of));
    bad |= put(o, "reference_at_scoring", json_string("as_of"));
    bad |= put(o, "min_leads", json_integer((json_int_t)e->min_leads));
    return bad ? -1 : 0;
}

static enum lsc_status field_error(const char *file, const char *key, const char *what,
                                   struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, KEY ".%s: %s", key, what);
}

/* A non-empty string (NULL allowed for a null when nullable). */
static enum lsc_status get_str(const json_t *o, const char *key, const char *path, int nullable,
                               char **out, const char *file, struct lsc_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (nullable && json_is_null(v))
        return LSC_OK;
    if (!json_is_string(v) || json_string_length(v) == 0)
        return field_error(file, path, nullable ? "expected a name or null" : "expected a name",
                           err);
    *out = lsc_strdup(json_string_value(v));
    return *out != NULL ? LSC_OK : lsc_error_nomem(err);
}

static enum lsc_status parse_lists(const json_t *o, struct lsc_model_events *e, const char *file,
                                   struct lsc_error *err)
{
    const json_t *types = json_object_get(o, "types"), *windows = json_object_get(o, "windows");
    if (!json_is_array(types) || json_array_size(types) == 0)
        return field_error(file, "types", "expected a non-empty array of activity types", err);
    if (!json_is_array(windows) || json_array_size(windows) > LSC_MODEL_EVENT_WINDOWS)
        return field_error(file, "windows", "expected an array of at most 8 numbers of days", err);
    size_t n = json_array_size(types);
    if ((e->types = lsc_calloc(n, sizeof *e->types)) == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < n; k++, e->n_types++) {
        char path[32];
        snprintf(path, sizeof path, "types[%zu]", k);
        const json_t *t = json_array_get(types, k);
        if (!json_is_string(t) || json_string_length(t) == 0)
            return field_error(file, path, "expected an activity type", err);
        if ((e->types[k] = lsc_strdup(json_string_value(t))) == NULL)
            return lsc_error_nomem(err);
    }
    for (size_t k = 0; k < json_array_size(windows); k++) {
        const json_t *w = json_array_get(windows, k);
        if (!json_is_integer(w) || json_integer_value(w) < 1 || json_integer_value(w) > 3660000)
            return field_error(file, "windows", "expected whole numbers of days >= 1", err);
        e->windows[e->n_windows++] = (long)json_integer_value(w);
    }
    return LSC_OK;
}

static enum lsc_status parse_fields(const json_t *o, struct lsc_model_events *e, const char *file,
                                    struct lsc_error *err)
{
    const json_t *hl = json_object_get(o, "half_life"), *mins = json_object_get(o, "min_leads");
    const json_t *cols = json_object_get(o, "log_columns");
    enum lsc_status st = LSC_OK;
    if (!json_is_number(hl) || !(json_number_value(hl) > 0.0) || !isfinite(json_number_value(hl)))
        return field_error(file, "half_life", "expected a number of days > 0", err);
    e->half_life = json_number_value(hl);
    if (!json_is_integer(mins) || json_integer_value(mins) < 0)
        return field_error(file, "min_leads", "expected a whole number >= 0", err);
    e->min_leads = (size_t)json_integer_value(mins);
    if (!json_is_object(cols))
        return field_error(file, "log_columns", "expected an object", err);
    if ((st = get_str(o, "lead_id", "lead_id", 0, &e->lead_id, file, err)) != LSC_OK ||
        (st = get_str(cols, "id", "log_columns.id", 0, &e->id_column, file, err)) != LSC_OK ||
        (st = get_str(cols, "type", "log_columns.type", 0, &e->type_column, file, err)) != LSC_OK ||
        (st = get_str(cols, "time", "log_columns.time", 0, &e->time_column, file, err)) != LSC_OK ||
        (st = get_str(o, "date_format", "date_format", 0, &e->date_format, file, err)) != LSC_OK ||
        (st = get_str(o, "outcome_date", "outcome_date", 1, &e->outcome_date, file, err)) !=
            LSC_OK ||
        (st = get_str(o, "as_of", "as_of", 0, &e->as_of, file, err)) != LSC_OK)
        return st;
    if (!lsc_date_check_format(e->date_format))
        return field_error(file, "date_format", "expected each of %Y, %m and %d once", err);
    const json_t *r = json_object_get(o, "reference_at_scoring");
    if (!json_is_string(r) || strcmp(json_string_value(r), "as_of") != 0)
        return field_error(file, "reference_at_scoring", "expected \"as_of\"", err);
    return LSC_OK;
}

enum lsc_status lsc_model_events_parse(const json_t *root, const char *file, struct lsc_model *m,
                                       struct lsc_error *err)
{
    const json_t *o = json_object_get(root, KEY);
    if (o == NULL)
        return LSC_OK;
    if (!json_is_object(o))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, KEY ": expected an object");
    if ((m->events = lsc_calloc(1, sizeof *m->events)) == NULL)
        return lsc_error_nomem(err);
    enum lsc_status st = parse_lists(o, m->events, file, err);
    return st == LSC_OK ? parse_fields(o, m->events, file, err) : st;
}

static int has_type(const struct lsc_model_events *e, const char *type)
{
    for (size_t k = 0; k < e->n_types; k++)
        if (strcmp(e->types[k], type) == 0)
            return 1;
    return 0;
}

static int has_window(const struct lsc_model_events *e, long w)
{
    for (size_t k = 0; k < e->n_windows; k++)
        if (e->windows[k] == w)
            return 1;
    return 0;
}

enum lsc_status lsc_model_events_validate(const struct lsc_model *m, const char *file,
                                          struct lsc_error *err)
{
    const struct lsc_model_events *e = m->events;
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        if (c->derived != DERIVE_EVENT)
            continue;
        const char *why = e == NULL ? "an activity-log feature, but the model has no \"events\""
                          : strcmp(c->source, e->lead_id) != 0
                              ? "derived.source: not the events' lead_id column"
                          : !has_type(e, c->event_type) ? "derived.type: not one of events.types"
                          : c->event_stat == LSC_EV_WINDOW && !has_window(e, c->event_window)
                              ? "derived.days: not one of events.windows"
                              : NULL;
        if (why != NULL)
            return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu]: %s", j, why);
    }
    for (size_t a = 0; e != NULL && a < e->n_windows; a++)
        for (size_t b = a + 1; b < e->n_windows; b++)
            if (e->windows[a] == e->windows[b])
                return field_error(file, "windows", "a window given twice", err);
    return LSC_OK;
}
