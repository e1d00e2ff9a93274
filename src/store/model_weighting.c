#include "model_weighting.h"

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "alloc.h"
#include "date_split.h"
#include "status_internal.h"

#define WKEY "weighting"
#define SKEY "validation_split"

void lsc_model_weighting_free(struct lsc_model *m)
{
    lsc_free(m->weighting.column);
    m->weighting.column = NULL;
    lsc_free(m->date_split.column);
    lsc_free(m->date_split.cutoff);
    m->date_split.column = m->date_split.cutoff = NULL;
}

static int put(json_t *o, const char *key, json_t *v) { return json_object_set_new(o, key, v) != 0; }

static json_t *jsize(size_t v)
{
    const uintmax_t max = ((uintmax_t)1 << (sizeof(json_int_t) * 8 - 1)) - 1;
    return (uintmax_t)v <= max ? json_integer((json_int_t)v) : NULL;
}

int lsc_model_weighting_build(json_t *root, const struct lsc_model *m)
{
    int bad = 0;
    if (m->weighting.present) {
        const struct lsc_weighting *w = &m->weighting;
        json_t *o = json_object();
        bad |= put(root, WKEY, o);
        if (!bad) {
            bad |= put(o, "column", w->column ? json_string(w->column) : json_null());
            bad |= put(o, "class_weight", w->balanced ? json_string("balanced") : json_null());
            bad |= put(o, "negative_class_weight", json_real(w->class_weight[0]));
            bad |= put(o, "positive_class_weight", json_real(w->class_weight[1]));
            bad |= put(o, "weight_total", json_real(w->weight_total));
            bad |= put(o, "sample_positive_rate", json_real(w->sample_rate));
            bad |= put(o, "fitted_positive_rate", json_real(w->fitted_rate));
            bad |= put(o, "population_rate",
                       isnan(w->population_rate) ? json_null() : json_real(w->population_rate));
            bad |= put(o, "intercept_correction", json_real(w->intercept_correction));
        }
    }
    if (m->date_split.present && !bad) {
        const struct lsc_date_split *s = &m->date_split;
        json_t *o = json_object();
        bad |= put(root, SKEY, o);
        if (!bad) {
            bad |= put(o, "method", json_string("date"));
            bad |= put(o, "column", json_string(s->column));
            bad |= put(o, "cutoff", json_string(s->cutoff));
            bad |= put(o, "train_rows", jsize(s->train_rows));
            bad |= put(o, "validation_rows", jsize(s->validation_rows));
            bad |= put(o, "missing_date_rows", jsize(s->missing_rows));
        }
    }
    return bad ? -1 : 0;
}

static enum lsc_status field_error(const char *file, const char *obj, const char *key,
                                   const char *what, struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s.%s: %s", obj, key, what);
}

/* A finite number; null gives NaN when nullable. */
static enum lsc_status get_num(const json_t *o, const char *obj, const char *key, int nullable,
                               double *out, const char *file, struct lsc_error *err)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL)
        return field_error(file, obj, key, "missing", err);
    if (nullable && json_is_null(v)) {
        *out = NAN;
        return LSC_OK;
    }
    if (!json_is_number(v) || !isfinite(json_number_value(v)))
        return field_error(file, obj, key,
                           nullable ? "expected a number or null" : "expected a number", err);
    *out = json_number_value(v);
    return LSC_OK;
}

/* A string (copied); null gives NULL when nullable. */
static enum lsc_status get_str(const json_t *o, const char *obj, const char *key, int nullable,
                               char **out, const char *file, struct lsc_error *err)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL)
        return field_error(file, obj, key, "missing", err);
    if (nullable && json_is_null(v))
        return LSC_OK;
    if (!json_is_string(v))
        return field_error(file, obj, key,
                           nullable ? "expected a string or null" : "expected a string", err);
    lsc_free(*out);
    *out = lsc_strdup(json_string_value(v));
    return *out != NULL ? LSC_OK : lsc_error_nomem(err);
}

static enum lsc_status get_count(const json_t *o, const char *obj, const char *key, size_t *out,
                                 const char *file, struct lsc_error *err)
{
    json_t *v = json_object_get(o, key);
    if (v == NULL)
        return field_error(file, obj, key, "missing", err);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return field_error(file, obj, key, "expected a non-negative integer", err);
    *out = (size_t)json_integer_value(v);
    return LSC_OK;
}

static enum lsc_status parse_weighting(const json_t *o, const char *file, struct lsc_model *m,
                                       struct lsc_error *err)
{
    struct lsc_weighting *w = &m->weighting;
    enum lsc_status st = LSC_OK;
    char *cw = NULL;
    if (!json_is_object(o))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, WKEY ": expected an object");
    w->present = 1;
    if ((st = get_str(o, WKEY, "column", 1, &w->column, file, err)) != LSC_OK ||
        (st = get_str(o, WKEY, "class_weight", 1, &cw, file, err)) != LSC_OK)
        goto cleanup;
    if (cw != NULL && strcmp(cw, "balanced") != 0) {
        st = field_error(file, WKEY, "class_weight", "expected \"balanced\" or null", err);
        goto cleanup;
    }
    w->balanced = cw != NULL;
    if ((st = get_num(o, WKEY, "negative_class_weight", 0, &w->class_weight[0], file, err)) !=
            LSC_OK ||
        (st = get_num(o, WKEY, "positive_class_weight", 0, &w->class_weight[1], file, err)) !=
            LSC_OK ||
        (st = get_num(o, WKEY, "weight_total", 0, &w->weight_total, file, err)) != LSC_OK ||
        (st = get_num(o, WKEY, "sample_positive_rate", 0, &w->sample_rate, file, err)) !=
            LSC_OK ||
        (st = get_num(o, WKEY, "fitted_positive_rate", 0, &w->fitted_rate, file, err)) !=
            LSC_OK ||
        (st = get_num(o, WKEY, "population_rate", 1, &w->population_rate, file, err)) !=
            LSC_OK ||
        (st = get_num(o, WKEY, "intercept_correction", 0, &w->intercept_correction, file,
                      err)) != LSC_OK)
        goto cleanup;
cleanup:
    lsc_free(cw);
    return st;
}

static enum lsc_status parse_split(const json_t *o, const char *file, struct lsc_model *m,
                                   struct lsc_error *err)
{
    struct lsc_date_split *s = &m->date_split;
    enum lsc_status st = LSC_OK;
    json_t *method = json_object_get(o, "method");
    if (!json_is_object(o))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, SKEY ": expected an object");
    if (!json_is_string(method) || strcmp(json_string_value(method), "date") != 0)
        return field_error(file, SKEY, "method", "expected \"date\"", err);
    s->present = 1;
    if ((st = get_str(o, SKEY, "column", 0, &s->column, file, err)) != LSC_OK ||
        (st = get_str(o, SKEY, "cutoff", 0, &s->cutoff, file, err)) != LSC_OK ||
        (st = get_count(o, SKEY, "train_rows", &s->train_rows, file, err)) != LSC_OK ||
        (st = get_count(o, SKEY, "validation_rows", &s->validation_rows, file, err)) != LSC_OK ||
        (st = get_count(o, SKEY, "missing_date_rows", &s->missing_rows, file, err)) != LSC_OK)
        return st;
    return LSC_OK;
}

enum lsc_status lsc_model_weighting_parse(const json_t *root, const char *file, struct lsc_model *m,
                                      struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const json_t *o = json_object_get(root, WKEY);
    if (o != NULL && (st = parse_weighting(o, file, m, err)) != LSC_OK)
        return st;
    o = json_object_get(root, SKEY);
    if (o != NULL && (st = parse_split(o, file, m, err)) != LSC_OK)
        return st;
    return lsc_model_weighting_validate(m, file, err);
}

static int is_rate(double v) { return v > 0.0 && v < 1.0; }

enum lsc_status lsc_model_weighting_validate(const struct lsc_model *m, const char *file,
                                         struct lsc_error *err)
{
    const struct lsc_weighting *w = &m->weighting;
    if (w->present) {
        if (!(w->class_weight[0] > 0.0 && isfinite(w->class_weight[0])) ||
            !(w->class_weight[1] > 0.0 && isfinite(w->class_weight[1])))
            return field_error(file, WKEY, "negative_class_weight",
                               "class weights must be finite and > 0", err);
        if (!(w->weight_total > 0.0 && isfinite(w->weight_total)))
            return field_error(file, WKEY, "weight_total", "must be finite and > 0", err);
        if (!is_rate(w->sample_rate))
            return field_error(file, WKEY, "sample_positive_rate", "must be in (0, 1)", err);
        if (!is_rate(w->fitted_rate))
            return field_error(file, WKEY, "fitted_positive_rate", "must be in (0, 1)", err);
        if (!isnan(w->population_rate) && !is_rate(w->population_rate))
            return field_error(file, WKEY, "population_rate", "must be in (0, 1) or null", err);
        if (!isfinite(w->intercept_correction) ||
            (isnan(w->population_rate) && w->intercept_correction != 0.0))
            return field_error(file, WKEY, "intercept_correction",
                               "must be finite, and 0 when population_rate is null", err);
    }
    const struct lsc_date_split *s = &m->date_split;
    if (s->present) {
        long days;
        if (s->column == NULL || s->column[0] == '\0')
            return field_error(file, SKEY, "column", "must be a column name", err);
        if (s->cutoff == NULL || !lsc_date_split_parse(s->cutoff, strlen(s->cutoff), NULL, &days))
            return field_error(file, SKEY, "cutoff", "expected an ISO date YYYY-MM-DD", err);
        if (s->train_rows == 0 || s->validation_rows == 0)
            return field_error(file, SKEY, "train_rows", "both sides must have rows", err);
    }
    return LSC_OK;
}
