/* The penalty members of a model's "fit" object: l1_ratio, the features the
 * L1 part zeroed ("dropped") and the cross-validation path ("cv"), with
 * their accessors. Kept apart from model_io.c, which calls in here. */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "leadscore/model.h"
#include "model_def.h"

static const char *const metric_names[] = {"logloss", "auc"};

void lsc_model_cv_free(struct lsc_cv *cv)
{
    if (cv == NULL)
        return;
    lsc_free(cv->lambda);
    lsc_free(cv->mean);
    lsc_free(cv->se);
    lsc_free(cv->nonzero);
    lsc_free(cv);
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static int put(json_t *obj, const char *key, json_t *v)
{
    return v == NULL || json_object_set_new(obj, key, v) != 0;
}

static json_t *cv_json(const struct lsc_cv *cv)
{
    int bad = 0;
    json_t *o = json_object(), *a = json_array();
    if (o == NULL || a == NULL) {
        json_decref(o);
        json_decref(a);
        return NULL;
    }
    bad |= put(o, "folds", json_integer((json_int_t)cv->folds));
    bad |= put(o, "metric", json_string(metric_names[cv->metric ? 1 : 0]));
    bad |= put(o, "rule", json_string(cv->one_se ? "1se" : "min"));
    bad |= put(o, "seed", json_integer((json_int_t)cv->seed));
    bad |= put(o, "best", json_integer((json_int_t)cv->best));
    bad |= put(o, "chosen", json_integer((json_int_t)cv->chosen));
    bad |= put(o, "path", a);
    for (size_t k = 0; k < cv->n && !bad; k++) {
        json_t *pt = json_object();
        bad |= pt == NULL || json_array_append_new(a, pt) != 0;
        if (bad)
            break;
        bad |= put(pt, "lambda", json_real(cv->lambda[k]));
        bad |= put(pt, "mean", jnum(cv->mean[k]));
        bad |= put(pt, "se", jnum(cv->se[k]));
        bad |= put(pt, "nonzero", json_integer((json_int_t)cv->nonzero[k]));
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

int lsc_model_penalty_to_json(const struct lsc_model *m, json_t *fit)
{
    int bad = 0;
    json_t *dropped = json_array();
    bad |= put(fit, "l1_ratio", json_real(m->l1_ratio));
    bad |= put(fit, "dropped", dropped);
    for (size_t j = 1; !bad && m->l1_ratio > 0.0 && j < m->n_features; j++)
        if (m->coef[j] == 0.0)
            bad |= json_array_append_new(dropped, json_string(m->feature_names[j])) != 0;
    if (!bad)
        bad |= put(fit, "cv", m->cv != NULL ? cv_json(m->cv) : json_null());
    return bad;
}

static enum lsc_status bad_field(const char *file, struct lsc_error *err, const char *path,
                                 const char *what)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s: %s", path, what);
}

static int get_size(const json_t *o, const char *key, size_t *out)
{
    json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (uintmax_t)json_integer_value(v) >= (uintmax_t)SIZE_MAX)
        return -1;
    *out = (size_t)json_integer_value(v);
    return 0;
}

/* number, or null (NaN) when nullable */
static int get_num(const json_t *o, const char *key, int nullable, double *out)
{
    json_t *v = json_object_get(o, key);
    if (nullable && json_is_null(v)) {
        *out = NAN;
        return 0;
    }
    if (!json_is_number(v))
        return -1;
    *out = json_number_value(v);
    return 0;
}

static enum lsc_status parse_cv(const json_t *o, struct lsc_model *m, const char *file,
                                struct lsc_error *err)
{
    char path[96];
    struct lsc_cv *cv = lsc_calloc(1, sizeof *cv);
    if (cv == NULL)
        return lsc_error_nomem(err);
    m->cv = cv;
    if (!json_is_object(o))
        return bad_field(file, err, "fit.cv", "expected an object or null");
    size_t seed = 0;
    if (get_size(o, "folds", &cv->folds) != 0)
        return bad_field(file, err, "fit.cv.folds", "expected a non-negative integer");
    const char *metric = json_string_value(json_object_get(o, "metric"));
    if (metric == NULL || (strcmp(metric, "logloss") != 0 && strcmp(metric, "auc") != 0))
        return bad_field(file, err, "fit.cv.metric", "expected \"logloss\" or \"auc\"");
    cv->metric = strcmp(metric, "auc") == 0;
    const char *rule = json_string_value(json_object_get(o, "rule"));
    if (rule == NULL || (strcmp(rule, "min") != 0 && strcmp(rule, "1se") != 0))
        return bad_field(file, err, "fit.cv.rule", "expected \"min\" or \"1se\"");
    cv->one_se = strcmp(rule, "1se") == 0;
    if (get_size(o, "seed", &seed) != 0 || seed > ULONG_MAX)
        return bad_field(file, err, "fit.cv.seed", "expected a non-negative integer");
    cv->seed = (unsigned long)seed;
    if (get_size(o, "best", &cv->best) != 0)
        return bad_field(file, err, "fit.cv.best", "expected a non-negative integer");
    if (get_size(o, "chosen", &cv->chosen) != 0)
        return bad_field(file, err, "fit.cv.chosen", "expected a non-negative integer");
    json_t *a = json_object_get(o, "path");
    if (!json_is_array(a))
        return bad_field(file, err, "fit.cv.path", "expected an array");
    size_t n = json_array_size(a);
    cv->lambda = lsc_malloc((n ? n : 1) * sizeof *cv->lambda);
    cv->mean = lsc_malloc((n ? n : 1) * sizeof *cv->mean);
    cv->se = lsc_malloc((n ? n : 1) * sizeof *cv->se);
    cv->nonzero = lsc_malloc((n ? n : 1) * sizeof *cv->nonzero);
    if (cv->lambda == NULL || cv->mean == NULL || cv->se == NULL || cv->nonzero == NULL)
        return lsc_error_nomem(err);
    cv->n = n;
    for (size_t k = 0; k < n; k++) {
        json_t *pt = json_array_get(a, k);
        snprintf(path, sizeof path, "fit.cv.path[%zu]", k);
        if (!json_is_object(pt))
            return bad_field(file, err, path, "expected an object");
        if (get_num(pt, "lambda", 0, &cv->lambda[k]) != 0 ||
            get_num(pt, "mean", 1, &cv->mean[k]) != 0 || get_num(pt, "se", 1, &cv->se[k]) != 0 ||
            get_size(pt, "nonzero", &cv->nonzero[k]) != 0)
            return bad_field(file, err, path,
                             "needs lambda (a number), mean and se (numbers or null) and "
                             "nonzero (a non-negative integer)");
    }
    return LSC_OK;
}

enum lsc_status lsc_model_penalty_from_json(const json_t *fit, struct lsc_model *m, const char *file,
                                        struct lsc_error *err)
{
    json_t *l1 = json_object_get(fit, "l1_ratio");
    m->l1_ratio = 0.0;
    if (l1 == NULL) /* written before penalties other than L2 existed */
        return LSC_OK;
    if (!json_is_number(l1))
        return bad_field(file, err, "fit.l1_ratio", "expected a number");
    m->l1_ratio = json_number_value(l1);
    json_t *dropped = json_object_get(fit, "dropped");
    if (!json_is_array(dropped))
        return bad_field(file, err, "fit.dropped", "expected an array of feature names");
    /* dropped must list exactly the zeroed features, in order */
    size_t k = 0;
    for (size_t j = 1; j < m->n_features; j++) {
        if (!(m->l1_ratio > 0.0 && m->coef[j] == 0.0))
            continue;
        const char *name = json_string_value(json_array_get(dropped, k));
        if (name == NULL || strcmp(name, m->feature_names[j]) != 0)
            return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                                 "fit.dropped: must list the features whose estimate is 0 "
                                 "(under an L1 penalty), in order; \"%s\" is missing or out of "
                                 "place",
                                 m->feature_names[j]);
        k++;
    }
    if (k != json_array_size(dropped))
        return bad_field(file, err, "fit.dropped",
                         "lists a feature whose estimate is not 0 (or an L2 fit's)");
    json_t *cv = json_object_get(fit, "cv");
    if (cv == NULL)
        return bad_field(file, err, "fit.cv", "missing");
    if (json_is_null(cv))
        return LSC_OK;
    return parse_cv(cv, m, file, err);
}

enum lsc_status lsc_model_penalty_validate(const struct lsc_model *m, const char *file,
                                       struct lsc_error *err)
{
    if (!(m->l1_ratio >= 0.0 && m->l1_ratio <= 1.0))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "fit.l1_ratio: must be in [0, 1], got %g", m->l1_ratio);
    const struct lsc_cv *cv = m->cv;
    if (cv == NULL)
        return LSC_OK;
    if (cv->folds < 2)
        return bad_field(file, err, "fit.cv.folds", "must be at least 2");
    if (cv->n < 2)
        return bad_field(file, err, "fit.cv.path", "needs at least 2 points");
    if (cv->best >= cv->n || cv->chosen >= cv->n)
        return bad_field(file, err, "fit.cv", "best and chosen must index the path");
    for (size_t k = 0; k < cv->n; k++) {
        if (!(cv->lambda[k] > 0.0) || !isfinite(cv->lambda[k]) ||
            (k > 0 && !(cv->lambda[k] < cv->lambda[k - 1])))
            return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                                 "fit.cv.path[%zu].lambda: must be positive and decreasing", k);
    }
    if (cv->lambda[cv->chosen] != m->l2)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "fit.l2: %.17g is not the chosen point of fit.cv.path (%.17g)",
                             m->l2, cv->lambda[cv->chosen]);
    return LSC_OK;
}

void lsc_model_penalty_info(const struct lsc_model *m, struct lsc_penalty_info *out)
{
    memset(out, 0, sizeof *out);
    out->lambda = m->l2;
    out->l1_ratio = m->l1_ratio;
    for (size_t j = 1; j < m->n_features; j++)
        out->nonzero += m->coef[j] != 0.0;
    if (m->cv == NULL)
        return;
    out->cv_folds = m->cv->folds;
    out->cv_metric = metric_names[m->cv->metric ? 1 : 0];
    out->cv_one_se = m->cv->one_se;
    out->cv_seed = m->cv->seed;
    out->cv_points = m->cv->n;
    out->cv_best = m->cv->best;
    out->cv_chosen = m->cv->chosen;
}

int lsc_model_cv_point(const struct lsc_model *m, size_t k, struct lsc_cv_point *out)
{
    if (m->cv == NULL || k >= m->cv->n)
        return 0;
    out->lambda = m->cv->lambda[k];
    out->mean = m->cv->mean[k];
    out->se = m->cv->se[k];
    out->nonzero = m->cv->nonzero[k];
    return 1;
}
