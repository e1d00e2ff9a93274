/* retrain - the --like options record and the baseline accessor. */
#include "leadscore/retrain.h"

#include <jansson.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
#include "baseline.h"
#include "model_def.h"
#include "status_internal.h"

enum {
    L_ID, L_EXCLUDE, L_INCLUDE, L_NUMERIC, L_CATEGORICAL, L_NA, L_POSITIVE, L_DAYS, L_KEEP,
    L_NEGATIVE, L_COUNT
};
static const char *const list_key[L_COUNT] = {"id",          "exclude",   "include",
                                              "numeric",     "categorical", "na_values",
                                              "positive",    "days_since", "keep_features",
                                              "negative"};

struct lsc_like {
    struct lsc_train_options o;
    const char **lists[L_COUNT];
    const char **ev_lists[2]; /* events, event_types */
    long windows[8];          /* event_windows */
};

void lsc_like_free(struct lsc_like *l)
{
    if (l == NULL)
        return;
    for (int k = 0; k < L_COUNT; k++)
        lsc_free((void *)l->lists[k]);
    for (int k = 0; k < 2; k++)
        lsc_free((void *)l->ev_lists[k]);
    lsc_free(l);
}

static enum lsc_status bad(const struct lsc_model *m, const char *key, const char *what,
                           struct lsc_error *err)
{
    (void)m;
    return lsc_error_set(err, LSC_ERR_MODEL, NULL, 0, 0, "--like: options.%s: %s", key, what);
}

static enum lsc_status num(const struct lsc_model *m, const char *key, double *out,
                           struct lsc_error *err)
{
    const json_t *v = json_object_get(m->options, key);
    if (!json_is_number(v))
        return bad(m, key, "expected a number", err);
    *out = json_number_value(v);
    return LSC_OK;
}

static enum lsc_status count(const struct lsc_model *m, const char *key, size_t *out,
                             struct lsc_error *err)
{
    const json_t *v = json_object_get(m->options, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return bad(m, key, "expected a non-negative integer", err);
    *out = (size_t)json_integer_value(v);
    return LSC_OK;
}

/* The string lists (--id, --exclude, ...): lent by the model's options. */
static enum lsc_status read_lists(const struct lsc_model *m, struct lsc_like *l,
                                  struct lsc_error *err)
{
    struct lsc_strings *dst[L_COUNT] = {&l->o.ids,      &l->o.exclude,     &l->o.include,
                                        &l->o.numeric,  &l->o.categorical, &l->o.na_values,
                                        &l->o.positive, &l->o.days_since,
                                        &l->o.keep_features, &l->o.negative};
    for (int k = 0; k < L_COUNT; k++) {
        const json_t *v = json_object_get(m->options, list_key[k]);
        if (k >= L_DAYS && v == NULL)
            continue; /* recorded only when given, or a model from before them */
        if (!json_is_array(v))
            return bad(m, list_key[k], "expected an array of strings", err);
        size_t n = json_array_size(v);
        l->lists[k] = lsc_calloc(n ? n : 1, sizeof *l->lists[k]);
        if (l->lists[k] == NULL)
            return lsc_error_nomem(err);
        for (size_t i = 0; i < n; i++) {
            const json_t *s = json_array_get(v, i);
            if (!json_is_string(s))
                return bad(m, list_key[k], "expected an array of strings", err);
            l->lists[k][i] = json_string_value(s);
        }
        dst[k]->items = l->lists[k];
        dst[k]->count = n;
    }
    return LSC_OK;
}

/* The target, the delimiter, the account column, and the weight and date
 * columns (present only when they were used). */
static enum lsc_status read_texts(const struct lsc_model *m, struct lsc_like *l,
                                  struct lsc_error *err)
{
    const json_t *v = json_object_get(m->options, "target");
    if (!json_is_string(v))
        return bad(m, "target", "expected a string", err);
    l->o.target = json_string_value(v);
    v = json_object_get(m->options, "delimiter");
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_string(v) || strlen(json_string_value(v)) != 1)
            return bad(m, "delimiter", "expected one character or null", err);
        l->o.delimiter = json_string_value(v)[0];
    }
    v = json_object_get(m->options, "account_column");
    if (v != NULL && !json_is_null(v)) {
        if (!json_is_string(v))
            return bad(m, "account_column", "expected a column name or null", err);
        l->o.account_column = json_string_value(v);
    }
    v = json_object_get(m->options, "account_reference");
    if (v != NULL) {
        static const char *const modes[] = {"ids", "counts", "none"};
        int mode = -1;
        for (int k = 0; k < 3 && json_is_string(v); k++)
            if (strcmp(json_string_value(v), modes[k]) == 0)
                mode = k;
        if (mode < 0)
            return bad(m, "account_reference", "expected \"ids\", \"counts\" or \"none\"", err);
        /* "ids" is what a run on a file keeps by default: the default
         * again, so --like inside PostgreSQL keeps the counts there */
        l->o.account_reference = mode == 0 ? LSC_ACCOUNT_REF_DEFAULT : LSC_ACCOUNT_REF_IDS + mode;
    }
    static const char *const text_key[] = {"weight", "split_date", "cutoff", "date_format"};
    const char **text_dst[] = {&l->o.weight, &l->o.split_date, &l->o.cutoff, &l->o.date_format};
    for (size_t k = 0; k < sizeof text_key / sizeof *text_key; k++) {
        v = json_object_get(m->options, text_key[k]);
        if (v == NULL)
            continue;
        if (!json_is_string(v))
            return bad(m, text_key[k], "expected a string", err);
        *text_dst[k] = json_string_value(v);
    }
    return LSC_OK;
}

/* Class weights, prior correction, and the penalty's type and tuning
 * (present only when used). */
static enum lsc_status read_penalty(const struct lsc_model *m, struct lsc_like *l,
                                    struct lsc_error *err)
{
    enum lsc_status st;
    const json_t *v = json_object_get(m->options, "class_weight");
    if (v != NULL) {
        if (!json_is_string(v) || strcmp(json_string_value(v), "balanced") != 0)
            return bad(m, "class_weight", "expected \"balanced\"", err);
        l->o.class_weight_balanced = 1;
    }
    v = json_object_get(m->options, "decimal_comma");
    if (v != NULL) {
        if (!json_is_boolean(v))
            return bad(m, "decimal_comma", "expected true or false", err);
        l->o.decimal_comma = json_is_true(v);
    }
    if (json_object_get(m->options, "population_rate") != NULL &&
        (st = num(m, "population_rate", &l->o.population_rate, err)) != LSC_OK)
        return st;
    if (json_object_get(m->options, "l1_ratio") != NULL &&
        (st = num(m, "l1_ratio", &l->o.l1_ratio, err)) != LSC_OK)
        return st;
    if (json_object_get(m->options, "interactions") != NULL &&
        (st = count(m, "interactions", &l->o.interactions, err)) != LSC_OK)
        return st;
    if (json_object_get(m->options, "bins") != NULL &&
        ((st = count(m, "bins", &l->o.bins, err)) != LSC_OK ||
         (st = num(m, "min_bin_share", &l->o.min_bin_share, err)) != LSC_OK))
        return st;
    if (json_object_get(m->options, "cv_folds") == NULL)
        return LSC_OK;
    if ((st = count(m, "cv_folds", &l->o.cv_folds, err)) != LSC_OK)
        return st;
    v = json_object_get(m->options, "cv_metric");
    if (!json_is_string(v) || (strcmp(json_string_value(v), "auc") != 0 &&
                               strcmp(json_string_value(v), "logloss") != 0))
        return bad(m, "cv_metric", "expected \"logloss\" or \"auc\"", err);
    l->o.cv_metric = strcmp(json_string_value(v), "auc") == 0;
    v = json_object_get(m->options, "cv_1se");
    if (!json_is_boolean(v))
        return bad(m, "cv_1se", "expected true or false", err);
    l->o.cv_one_se = json_is_true(v);
    return LSC_OK;
}

/* The fit's numbers. */
static enum lsc_status read_numbers(const struct lsc_model *m, struct lsc_like *l,
                                    struct lsc_error *err)
{
    enum lsc_status st;
    size_t seed = 0;
    const json_t *v = json_object_get(m->options, "refit");
    if (!json_is_boolean(v))
        return bad(m, "refit", "expected true or false", err);
    l->o.refit = json_is_true(v);
    if ((st = count(m, "min_level_count", &l->o.min_level_count, err)) != LSC_OK ||
        (st = num(m, "l2", &l->o.l2, err)) != LSC_OK ||
        (st = num(m, "holdout", &l->o.holdout, err)) != LSC_OK ||
        (st = count(m, "seed", &seed, err)) != LSC_OK ||
        (st = count(m, "max_iter", &l->o.max_iter, err)) != LSC_OK ||
        (st = num(m, "tol", &l->o.tol, err)) != LSC_OK ||
        (st = num(m, "tier_hot", &l->o.tier_hot, err)) != LSC_OK ||
        (st = num(m, "tier_warm", &l->o.tier_warm, err)) != LSC_OK)
        return st;
    l->o.seed = (unsigned long)seed;
    return LSC_OK;
}

/* An array of strings of the options (lent by the model) into *dst. */
static enum lsc_status string_list(const struct lsc_model *m, const char *key, const char ***arr,
                                   struct lsc_strings *dst, struct lsc_error *err)
{
    const json_t *v = json_object_get(m->options, key);
    if (!json_is_array(v))
        return bad(m, key, "expected an array of strings", err);
    size_t n = json_array_size(v);
    if ((*arr = lsc_calloc(n ? n : 1, sizeof **arr)) == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        if (!json_is_string(json_array_get(v, i)))
            return bad(m, key, "expected an array of strings", err);
        (*arr)[i] = json_string_value(json_array_get(v, i));
    }
    dst->items = *arr;
    dst->count = n;
    return LSC_OK;
}

/* The activity-log options (present only when the model used a log). */
static enum lsc_status read_events(const struct lsc_model *m, struct lsc_like *l,
                                   struct lsc_error *err)
{
    enum lsc_status st;
    if (json_object_get(m->options, "events") == NULL)
        return LSC_OK;
    const json_t *table = json_object_get(m->options, "events_table");
    l->o.events_table = json_is_string(table) ? json_string_value(table) : NULL;
    if ((st = string_list(m, "events", &l->ev_lists[0], &l->o.events, err)) != LSC_OK ||
        (st = string_list(m, "event_types", &l->ev_lists[1], &l->o.event_types, err)) != LSC_OK ||
        (st = num(m, "event_half_life", &l->o.event_half_life, err)) != LSC_OK ||
        (st = count(m, "event_min_leads", &l->o.event_min_leads, err)) != LSC_OK)
        return st;
    static const char *const key[] = {"event_id", "event_type", "event_time",
                                      "event_date_format", "outcome_date"};
    const char **dst[] = {&l->o.event_id, &l->o.event_type, &l->o.event_time,
                          &l->o.event_date_format, &l->o.outcome_date};
    for (size_t k = 0; k < 5; k++) {
        const json_t *v = json_object_get(m->options, key[k]);
        if (v != NULL && !json_is_null(v) && !json_is_string(v))
            return bad(m, key[k], "expected a string or null", err);
        *dst[k] = json_is_string(v) ? json_string_value(v) : NULL;
    }
    const json_t *w = json_object_get(m->options, "event_windows");
    if (w == NULL || json_is_null(w))
        return LSC_OK;
    if (!json_is_array(w) || json_array_size(w) > 8)
        return bad(m, "event_windows", "expected null or up to 8 numbers of days", err);
    for (size_t k = 0; k < json_array_size(w); k++) {
        const json_t *d = json_array_get(w, k);
        if (!json_is_integer(d))
            return bad(m, "event_windows", "expected null or up to 8 numbers of days", err);
        l->windows[k] = (long)json_integer_value(d);
    }
    l->o.event_windows = l->windows;
    l->o.n_event_windows = json_array_size(w);
    return LSC_OK;
}

enum lsc_status lsc_like_new(const struct lsc_model *m, struct lsc_like **out,
                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_like *l = NULL;
    *out = NULL;
    if (!json_is_object(m->options))
        return lsc_error_set(err, LSC_ERR_MODEL, NULL, 0, 0, "--like: the model has no options");
    if ((l = lsc_calloc(1, sizeof *l)) == NULL)
        return lsc_error_nomem(err);
    lsc_train_options_defaults(&l->o);
    if ((st = read_lists(m, l, err)) != LSC_OK || (st = read_texts(m, l, err)) != LSC_OK ||
        (st = read_penalty(m, l, err)) != LSC_OK || (st = read_numbers(m, l, err)) != LSC_OK ||
        (st = read_events(m, l, err)) != LSC_OK) {
        lsc_like_free(l);
        return st;
    }
    *out = l;
    return LSC_OK;
}

void lsc_like_apply(const struct lsc_like *l, struct lsc_train_options *o)
{
    const char *input = o->input, *export_design = o->export_design;
    const char *predictions = o->predictions, *baseline_file = o->baseline_file;
    const struct lsc_model *baseline = o->baseline;
    const char *report = o->report;
    lsc_progress_fn progress = o->progress;
    void *progress_userdata = o->progress_userdata;
    int force = o->force;
    *o = l->o;
    o->report = report;
    o->progress = progress;
    o->progress_userdata = progress_userdata;
    o->input = input;
    o->export_design = export_design;
    o->predictions = predictions;
    o->force = force;
    o->baseline = baseline;
    o->baseline_file = baseline_file;
}

int lsc_model_baseline(const struct lsc_model *m, struct lsc_baseline_info *out)
{
    const struct lsc_baseline_stat *b = m->baseline;
    if (b == NULL)
        return 0;
    out->model = b->file;
    out->created = b->created;
    out->rows = b->rows;
    out->positives = b->positives;
    out->rows_unscorable = b->rows_unscorable;
    out->auc_new = b->auc_new;
    out->auc_old = b->auc_old;
    out->auc_difference = b->auc_difference;
    out->se = b->se;
    out->z = b->z;
    out->p_value = b->p_value;
    out->mean_abs_shift = b->mean_abs_shift;
    out->median_abs_shift = b->median_abs_shift;
    out->tier_change_share = b->tier_change_share;
    out->recommendation = b->recommendation;
    out->old_in_sample = b->old_in_sample;
    return 1;
}
