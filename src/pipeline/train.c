#include "leadscore/train.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "alloc.h"
#include "baseline.h"
#include "dataset.h"
#include "date.h"
#include "date_split.h"
#include "derive.h"
#include "label_map.h"
#include "event_features.h"
#include "design.h"
#include "cv.h"
#include "diagnostics.h"
#include "drift.h"
#include "enet.h"
#include "encoder.h"
#include "linalg.h"
#include "logreg.h"
#include "mathfn.h"
#include "metrics.h"
#include "leadscore/model.h"
#include "model_def.h"
#include "leadscore/emit.h"
#include "output_set.h"
#include "pairs.h"
#include "stats.h"
#include "status_internal.h"
#include "report_html.h"
#include "split.h"
#include "util.h"
#include "validation.h"
#include "train_internal.h"
#include "weights.h"

#ifndef LEADSCORE_VERSION
#define LEADSCORE_VERSION "0.0.0"
#endif

void lsc_train_options_defaults(struct lsc_train_options *o)
{
    memset(o, 0, sizeof *o);
    o->min_level_count = 10;
    o->l2 = 1.0;
    o->holdout = 0.2;
    o->seed = 42;
    o->refit = 1;
    o->max_iter = 100;
    o->tol = 1e-10;
    o->tier_hot = 70.0;
    o->tier_warm = 40.0;
    o->event_min_leads = 10;
    o->event_half_life = 30.0;
}

/* A --cutoff or --as-of that is no date (as --date-format, or ISO). */
static enum lsc_status not_a_date(const char *option, const char *value, const char *fmt,
                                  struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "%s: \"%s\" is not %s (%s%s)", option,
                         value, fmt ? "a date" : "an ISO date", fmt ? fmt : "YYYY-MM-DD",
                         fmt ? " or YYYY-MM-DD" : "");
}

/* --population-rate, --split-date, --cutoff and --as-of. */
static enum lsc_status check_weight_split_options(const struct lsc_train_options *o,
                                                  struct lsc_error *err)
{
    int y, m, d;
    if (o->population_rate != 0.0 && !(o->population_rate > 0.0 && o->population_rate < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--population-rate must be a rate strictly between 0 and 1");
    if ((o->split_date == NULL) != (o->cutoff == NULL))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--split-date COL and --cutoff DATE go together");
    if (o->date_format != NULL && !lsc_date_check_format(o->date_format))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, LSC_DATE_FORMAT_BAD, o->date_format);
    if (o->cutoff != NULL && !lsc_parse_date(o->cutoff, o->date_format, &y, &m, &d))
        return not_a_date("--cutoff", o->cutoff, o->date_format, err);
    if (o->as_of != NULL && !lsc_parse_date(o->as_of, o->date_format, &y, &m, &d))
        return not_a_date("--as-of", o->as_of, o->date_format, err);
    if (o->weight != NULL && o->split_date != NULL && strcmp(o->weight, o->split_date) == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--weight and --split-date name the same column \"%s\"", o->weight);
    return LSC_OK;
}

enum lsc_status lsc_train_options_check(const struct lsc_train_options *o, struct lsc_error *err)
{
    if (o->input == NULL && o->postgres == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "an input file (or --postgres and --table) is required");
    if (o->target == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--target COLUMN is required");
    if (!(o->l2 >= 0.0) || !isfinite(o->l2))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--l2 must be a finite number >= 0");
    if (!(o->holdout >= 0.0 && o->holdout < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--holdout must be in [0, 1)");
    if (o->postgres != NULL && o->table == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--postgres needs --table NAME (the table of leads to train on)");
    if (o->events_table != NULL && o->postgres == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--events-table is the activity log inside PostgreSQL (with "
                             "--postgres); a file is given with --events FILE");
    if ((o->split_by_id || o->postgres != NULL) && o->holdout > 0.0 && o->split_date == NULL &&
        o->ids.count == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s chooses the holdout by a hash of the id column: name it with "
                             "--id COL (or give --holdout 0)",
                             o->postgres != NULL ? "training inside PostgreSQL" : "--split-by-id");
    if (o->max_iter == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--max-iter must be at least 1");
    if (!(o->tol > 0.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--tol must be > 0");
    if (!(o->tier_warm > 0.0 && o->tier_warm < o->tier_hot && o->tier_hot <= 100.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "tier cut-offs must satisfy 0 < warm < hot <= 100");
    if (!(o->l1_ratio >= 0.0 && o->l1_ratio <= 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--l1-ratio must be in [0, 1]");
    if (o->cv_folds == 1 || o->cv_folds > 100)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--cv must be between 2 and 100");
    if (o->cv_metric != 0 && o->cv_metric != 1)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--cv-metric must be logloss or auc");
    if (o->bins == 1 || o->bins > 100)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--bins must be between 2 and 100 (0: linear terms)");
    if (!(o->min_bin_share >= 0.0 && o->min_bin_share < 0.5))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--min-bin-share must be in [0, 0.5)");
    if (o->interactions > 100)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--interactions must be at most 100 (0: none)");
    if (o->points_output != NULL && o->bins == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--emit-rules needs --bins N: a linear term has no points form");
    if (o->points_output != NULL && (o->days_since.count > 0 || o->account_column != NULL))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--emit-rules: derived features (--days-since, --account-column) "
                             "have no points form yet");
    if (!(o->points_pdo >= 0.0 && o->points_pdo <= 1000.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--points-pdo must be a number of points in (0, 1000]");
    if (o->interactions > 0 && o->bins == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--interactions needs --bins N (pairs are tables of bins and levels)");
    if (o->min_bin_share > 0.0 && o->bins == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--min-bin-share needs --bins N");
    if ((o->split_by_id || o->postgres != NULL) && o->cv_folds > 0 && o->ids.count == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s deals the --cv folds by a hash of the id column: name it with "
                             "--id COL",
                             o->postgres != NULL ? "training inside PostgreSQL" : "--split-by-id");
    if (o->postgres != NULL && o->interactions > 0 && o->ids.count == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "training inside PostgreSQL tests the --interactions pairs on "
                             "halves of the rows dealt by a hash of the id column: name it with "
                             "--id COL (or give --interactions 0)");
    if (o->cv_one_se && o->cv_folds == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--cv-1se needs --cv K");
    if (lsc_label_options_check(&o->positive, &o->negative, err) != LSC_OK)
        return LSC_ERR_USAGE;
    if (o->account_reference < LSC_ACCOUNT_REF_DEFAULT ||
        o->account_reference > LSC_ACCOUNT_REF_NONE)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--account-reference: expected ids, counts or none");
    if (o->account_reference != LSC_ACCOUNT_REF_DEFAULT && o->account_column == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--account-reference needs --account-column COL");
    if (o->delimiter != 0 && o->delimiter != ',' && o->delimiter != ';' && o->delimiter != '\t' &&
        o->delimiter != '|')
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--delimiter must be one of , ; | or TAB");
    enum lsc_status st = lsc_event_train_check(o, err);
    return st != LSC_OK ? st : check_weight_split_options(o, err);
}

/* Option values end up in the JSON model, which must be UTF-8. */
static enum lsc_status check_utf8(const struct lsc_strings *s, const char *option,
                                  struct lsc_error *err)
{
    for (size_t i = 0; i < s->count; i++)
        if (!lsc_utf8_valid(s->items[i], strlen(s->items[i]), NULL))
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "%s: a value is not valid UTF-8; convert the file and the "
                                 "options to UTF-8 (e.g. with iconv)",
                                 option);
    return LSC_OK;
}

static enum lsc_status check_options_utf8(const struct lsc_train_options *o,
                                          struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_strings one = {&o->target, 1}, in = {&o->input, 1};
    struct lsc_strings acct = {&o->account_column, o->account_column != NULL};
    if ((st = check_utf8(&in, "the input file name", err)) != LSC_OK ||
        (st = check_utf8(&one, "--target", err)) != LSC_OK ||
        (st = check_utf8(&o->ids, "--id", err)) != LSC_OK ||
        (st = check_utf8(&o->exclude, "--exclude", err)) != LSC_OK ||
        (st = check_utf8(&o->include, "--include", err)) != LSC_OK ||
        (st = check_utf8(&o->numeric, "--numeric", err)) != LSC_OK ||
        (st = check_utf8(&o->categorical, "--categorical", err)) != LSC_OK ||
        (st = check_utf8(&o->na_values, "--na-values", err)) != LSC_OK ||
        (st = check_utf8(&o->positive, "--positive", err)) != LSC_OK ||
        (st = check_utf8(&o->keep_features, "--keep-feature", err)) != LSC_OK ||
        (st = check_utf8(&o->negative, "--negative", err)) != LSC_OK ||
        (st = check_utf8(&o->days_since, "--days-since", err)) != LSC_OK ||
        (st = check_utf8(&acct, "--account-column", err)) != LSC_OK)
        return st;
    struct lsc_strings wc = {&o->weight, o->weight != NULL},
                       dc = {&o->split_date, o->split_date != NULL},
                       cc = {&o->cutoff, o->cutoff != NULL};
    if ((st = check_utf8(&wc, "--weight", err)) != LSC_OK ||
        (st = check_utf8(&dc, "--split-date", err)) != LSC_OK ||
        (st = check_utf8(&cc, "--cutoff", err)) != LSC_OK)
        return st;
    return LSC_OK;
}

struct lsc_bin_opts lsc_train_bin_opts(const struct lsc_train_options *o)
{
    struct lsc_bin_opts bo = {o->bins, o->min_bin_share};
    if (bo.min_share <= 0.0)
        bo.min_share = 0.5 / (double)(o->bins ? o->bins : 1);
    return bo;
}

static json_t *options_json_base(const struct lsc_train_options *o)
{
    char delim[2] = {o->delimiter, '\0'};
    json_t *j = json_pack("{s:s, s:s?, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:I, s:f, s:f, s:I, "
                     "s:b, s:I, s:f, s:f, s:f}",
                     "input", o->input, "delimiter", o->delimiter ? delim : NULL, "target",
                     o->target, "id", lsc_strings_json(&o->ids), "exclude", lsc_strings_json(&o->exclude),
                     "include", lsc_strings_json(&o->include), "numeric", lsc_strings_json(&o->numeric),
                     "categorical", lsc_strings_json(&o->categorical), "na_values",
                     lsc_strings_json(&o->na_values), "positive", lsc_strings_json(&o->positive),
                     "min_level_count", (json_int_t)o->min_level_count, "l2", o->l2, "holdout",
                     o->holdout, "seed", (json_int_t)o->seed, "refit", o->refit, "max_iter",
                     (json_int_t)o->max_iter, "tol", o->tol, "tier_hot", o->tier_hot,
                     "tier_warm", o->tier_warm);
    if (j != NULL &&
        (json_object_set_new(j, "l1_ratio", json_real(o->l1_ratio)) != 0 ||
         json_object_set_new(j, "cv", json_integer((json_int_t)o->cv_folds)) != 0 ||
         json_object_set_new(j, "cv_metric", json_string(o->cv_metric ? "auc" : "logloss")) != 0 ||
         json_object_set_new(j, "cv_1se", json_boolean(o->cv_one_se)) != 0)) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

/* The options object; the weight and split options only when given, so
 * models trained without them are unchanged. */
json_t *lsc_train_options_json(const struct lsc_train_options *o)
{
    json_t *j = options_json_base(o);
    int bad = j == NULL;
    if (!bad && o->weight != NULL)
        bad |= json_object_set_new(j, "weight", json_string(o->weight)) != 0;
    if (!bad && o->negative.count > 0)
        bad |= json_object_set_new(j, "negative", lsc_strings_json(&o->negative)) != 0;
    if (!bad && o->keep_features.count > 0)
        bad |= json_object_set_new(j, "keep_features", lsc_strings_json(&o->keep_features)) != 0;
    if (!bad && o->class_weight_balanced)
        bad |= json_object_set_new(j, "class_weight", json_string("balanced")) != 0;
    if (!bad && o->decimal_comma)
        bad |= json_object_set_new(j, "decimal_comma", json_true()) != 0;
    if (!bad && o->date_format != NULL)
        bad |= json_object_set_new(j, "date_format", json_string(o->date_format)) != 0;
    if (!bad && o->population_rate > 0.0)
        bad |= json_object_set_new(j, "population_rate", json_real(o->population_rate)) != 0;
    if (!bad && o->split_date != NULL)
        bad |= json_object_set_new(j, "split_date", json_string(o->split_date)) != 0 ||
               json_object_set_new(j, "cutoff", json_string(o->cutoff)) != 0;
    if (!bad && o->l1_ratio > 0.0)
        bad |= json_object_set_new(j, "l1_ratio", json_real(o->l1_ratio)) != 0;
    if (!bad && o->interactions > 0)
        bad |= json_object_set_new(j, "interactions", json_integer((json_int_t)o->interactions)) != 0;
    if (!bad && o->bins > 0)
        bad |= json_object_set_new(j, "bins", json_integer((json_int_t)o->bins)) != 0 ||
               json_object_set_new(j, "min_bin_share",
                                   json_real(lsc_train_bin_opts(o).min_share)) != 0;
    /* the holdout, the folds or the pairs' halves dealt by the id's hash */
    if (!bad && (o->split_by_id || o->postgres != NULL) &&
        (o->holdout > 0.0 || o->cv_folds > 0 || (o->interactions > 0 && o->ids.count > 0)))
        bad |= json_object_set_new(j, "split_by_id", json_true()) != 0;
    if (!bad && o->postgres != NULL)
        bad |= json_object_set_new(j, "postgres_table", json_string(o->table)) != 0;
    if (!bad && o->cv_folds > 0)
        bad |= json_object_set_new(j, "cv_folds", json_integer((json_int_t)o->cv_folds)) != 0 ||
               json_object_set_new(j, "cv_metric",
                                   json_string(o->cv_metric ? "auc" : "logloss")) != 0 ||
               json_object_set_new(j, "cv_1se", json_boolean(o->cv_one_se)) != 0;
    if (bad) {
        json_decref(j);
        j = NULL;
    }
    return j;
}

static char **copy_strings(const struct lsc_strings *s, size_t *n)
{
    char **out = lsc_calloc(s->count ? s->count : 1, sizeof *out);
    *n = 0;
    if (out == NULL)
        return NULL;
    for (size_t i = 0; i < s->count; i++) {
        out[i] = lsc_strdup(s->items[i]);
        if (out[i] == NULL) {
            for (size_t k = 0; k < i; k++)
                lsc_free(out[k]);
            lsc_free(out);
            return NULL;
        }
    }
    *n = s->count;
    return out;
}

enum lsc_status lsc_train_fill_common(struct lsc_model *m, const struct lsc_train_options *o,
                                      const char *file, const char *sha256, json_t *options,
                                      struct lsc_error *err)
{
    char now[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(now, sizeof now, "%Y-%m-%dT%H:%M:%SZ", &tm);
    m->created = lsc_strdup(now);
    m->tool_version = lsc_strdup(LEADSCORE_VERSION);
    m->training_file = lsc_strdup(file);
    m->training_sha256 = lsc_strdup(sha256);
    m->target = lsc_strdup(o->target);
    m->options = options;
    m->positive_values = copy_strings(&o->positive, &m->n_positive_values);
    m->ids = copy_strings(&o->ids, &m->n_ids);
    m->na_values = copy_strings(&o->na_values, &m->n_na_values);
    if (m->created == NULL || m->tool_version == NULL || m->training_file == NULL ||
        m->training_sha256 == NULL || m->target == NULL || m->options == NULL ||
        m->positive_values == NULL || m->ids == NULL || m->na_values == NULL)
        return lsc_error_nomem(err);
    m->l2 = o->l2;
    m->tier_hot = o->tier_hot;
    m->tier_warm = o->tier_warm;
    return LSC_OK;
}

static enum lsc_status fill_metadata(struct lsc_model *m, const struct dataset *ds,
                                     const struct lsc_train_options *o, struct lsc_error *err)
{
    json_t *options = lsc_train_options_json(o);
    if (options != NULL && !lsc_derive_record_options(options, o, ds->derive)) {
        json_decref(options);
        options = NULL;
    }
    enum lsc_status st = lsc_train_fill_common(m, o, ds->file, ds->sha256, options, err);
    if (st == LSC_OK)
        st = lsc_derive_attach_events(m, ds->derive, err);
    if (st != LSC_OK)
        return st;
    if (lsc_derive_account_mode(o) != LSC_ACCOUNT_REF_NONE)
        m->accounts = lsc_derive_take_accounts(ds->derive);
    m->rows_read = ds->rows_read;
    m->rows_used = ds->n_rows;
    m->rows_skipped = ds->rows_skipped_target + ds->rows_skipped_value;
    m->positives = ds->positives;
    return LSC_OK;
}

/* A starting point for a refit: the previous fit's coefficients by name. */
struct warm_start {
    struct dict *names;
    double *coef;
};

static void warm_start_free(struct warm_start *w)
{
    lsc_dict_free(w->names);
    lsc_free(w->coef);
    w->names = NULL;
    w->coef = NULL;
}

static enum lsc_status warm_start_save(struct warm_start *w, const struct lsc_model *m,
                                       struct lsc_error *err)
{
    w->names = lsc_dict_new();
    w->coef = lsc_malloc(m->n_features * sizeof *w->coef);
    if (w->names == NULL || w->coef == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_features; j++) {
        uint32_t id = lsc_dict_intern(w->names, m->feature_names[j], strlen(m->feature_names[j]), NULL);
        if (id == DICT_NONE)
            return lsc_error_nomem(err);
        w->coef[id] = m->coef[j];
    }
    return LSC_OK;
}

/* The weights of a fit: w is NULL when unweighted; otherwise fit_on fills
 * it (and info) for the rows it fits, from base (the --weight values, may
 * be NULL) and balanced. */
struct fit_weights {
    const double *base;
    int balanced;
    double *w;
    struct weights_info *info;
};
/* Cross-validates the penalty on d's rows (see cv.h): folds stratified,
 * or by a hash of the first --id (--split-by-id, as inside PostgreSQL). */
static enum lsc_status choose_lambda(const struct dataset *ds, const struct design *d,
                                     const struct lsc_train_options *o, const struct lsc_log *log,
                                     struct cv_path *cv, struct lsc_error *err)
{
    struct cv_opts co = {o->cv_folds, o->cv_metric ? CV_AUC : CV_LOGLOSS, o->cv_one_se, o->seed,
                         o->l1_ratio, 40, 1e-4, o->max_iter, o->tol, NULL};
    size_t *fold = NULL;
    if (o->split_by_id) {
        size_t id = lsc_ds_find(ds->cols, ds->n_cols, o->ids.items[0]);
        if ((fold = lsc_malloc((d->n ? d->n : 1) * sizeof *fold)) == NULL)
            return lsc_error_nomem(err);
        lsc_split_folds_by_id(ds, id, d->rows, d->n, o->cv_folds, o->seed, fold);
        co.fold = fold;
    }
    lsc_logf(log, LSC_LOG_NOTE, "choosing lambda by %zu-fold cross-validation over %zu values",
             co.folds, co.n_lambda);
    enum lsc_status st = lsc_cv_run(d, &co, cv, err);
    lsc_free(fold);
    if (st == LSC_OK)
        lsc_train_cv_notes(o, cv, log);
    return st;
}

void lsc_train_cv_notes(const struct lsc_train_options *o, const struct cv_path *cv,
                        const struct lsc_log *log)
{
    if (cv->extended > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "cross-validation: the best penalty was the smallest tried, so the path was "
                 "lengthened to %zu values (down to lambda %.4g)",
                 cv->n, cv->lambda[cv->n - 1]);
    if (cv->best + 1 == cv->n)
        lsc_logf(log, LSC_LOG_WARN,
                 "cross-validation: the best penalty is still the smallest tried (lambda %.4g): "
                 "the data may want no penalty; compare with a fixed small --l2",
                 cv->lambda[cv->n - 1]);
    if (cv->not_converged > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "cross-validation: %zu fits did not converge in %zu iterations; raise --max-iter",
                 cv->not_converged, o->max_iter);
}

/* The interactions of a run (--interactions): chosen once, on the first
 * fit's rows, and kept by column names for the refit. */
struct pair_state {
    struct lsc_pair_pick *picks;
    size_t n;
    int chosen;
};

/* Under --split-by-id with an --id: the halves the pairs are tested on,
 * by a hash of the id as inside PostgreSQL (NULL when out of memory). */
static uint8_t *halves_by_id(const struct dataset *ds, const struct lsc_train_options *o,
                             const struct design *d)
{
    uint8_t *half = lsc_malloc(d->n ? d->n : 1);
    if (half != NULL)
        lsc_split_halves_by_id(ds, lsc_ds_find(ds->cols, ds->n_cols, o->ids.items[0]), d->rows,
                               d->n, o->seed, half);
    return half;
}

/* The additive fit on d, and the pairs ranked on its residuals. */
static enum lsc_status choose_pairs(const struct dataset *ds, const struct lsc_train_options *o,
                                    struct lsc_model *m, const size_t *col_src,
                                    const struct design *d, double lambda, struct pair_state *ps,
                                    struct lsc_error *err)
{
    struct logreg_opts lo = {lambda, o->max_iter, 1e-6, NULL};
    struct logreg_result r;
    int by_id = o->split_by_id && o->ids.count > 0;
    double *eta = lsc_malloc((d->n ? d->n : 1) * sizeof *eta);
    uint8_t *half = by_id ? halves_by_id(ds, o, d) : NULL;
    enum lsc_status st = eta != NULL && (half != NULL || !by_id) ? LSC_OK : lsc_error_nomem(err);
    if (st == LSC_OK && (st = lsc_logreg_fit(d, &lo, m->coef, &r, err)) == LSC_OK &&
        (st = lsc_design_linear(d, m->coef, eta, err)) == LSC_OK)
        st = lsc_pairs_choose(d, ds, m, col_src, eta, half, lambda, o->interactions, &ps->picks,
                              &ps->n, err);
    lsc_free(eta);
    lsc_free(half);
    return st;
}

void lsc_train_log_pairs(const struct lsc_log *log, const struct lsc_train_options *o,
                         const struct lsc_pair_pick *picks, size_t n)
{
    if (n < o->interactions)
        lsc_logf(log, LSC_LOG_NOTE,
                 "interactions: %zu of the %zu asked for are significant (5 %% after a "
                 "Bonferroni correction for the pairs tried, docs/points.md); the others "
                 "would fit noise",
                 n, o->interactions);
    for (size_t i = 0; i < n; i++)
        lsc_logf(log, LSC_LOG_INFO, "interaction %zu: %s x %s (%s, gain %.4g)", i + 1,
                 picks[i].name[0], picks[i].name[1],
                 picks[i].fine ? "groups chosen, held out" : "fixed groups", picks[i].gain);
}

/* With --interactions: the additive fit on d, the pairs ranked on its
 * residuals (the first time), added to m, and d rebuilt with them. */
static enum lsc_status add_interactions(const struct dataset *ds, const size_t *rows, size_t n,
                                        const struct lsc_train_options *o,
                                        const struct lsc_log *log, struct lsc_model *m,
                                        const size_t *col_src, struct design *d,
                                        double lambda, struct pair_state *ps,
                                        struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (!ps->chosen) {
        if ((st = choose_pairs(ds, o, m, col_src, d, lambda, ps, err)) != LSC_OK)
            return st;
        ps->chosen = 1;
        lsc_train_log_pairs(log, o, ps->picks, ps->n);
    }
    if ((st = lsc_pairs_add(m, ps->picks, ps->n, err)) != LSC_OK)
        return st;
    const double *w = d->w;
    lsc_design_free(d);
    st = lsc_design_build(d, ds, m, col_src, rows, n, err);
    d->w = w;
    return st;
}

/* Fits encoders and coefficients on rows; leaves col_src for design use.
 * warm (may be NULL) seeds coefficients whose feature names it knows. */
static enum lsc_status fit_on(const struct dataset *ds, const size_t *rows, size_t n,
                              const struct lsc_train_options *o, const struct lsc_log *log,
                              const struct warm_start *warm, struct lsc_model *m,
                              size_t **col_src, struct encoder_stats *es, double **hessian,
                              struct logreg_result *res, const struct fit_weights *fw,
                              struct cv_path *cv, double *lambda, struct pair_state *ps,
                              struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct design d;
    memset(&d, 0, sizeof d);
    if (fw->w != NULL &&
        (st = lsc_weights_for_fit(ds, fw->base, fw->balanced, rows, n, fw->w, fw->info, err)) !=
            LSC_OK)
        goto cleanup;
    struct lsc_bin_opts bo = lsc_train_bin_opts(o);
    st = lsc_encoder_fit_binned(ds, rows, n, o->min_level_count, o->bins > 0 ? &bo : NULL, log, m,
                                col_src, es, err);
    if (st == LSC_OK)
        st = lsc_derive_attach(m, ds->cols, *col_src, err);
    if (st != LSC_OK)
        goto cleanup;
    for (size_t j = 0; warm != NULL && j < m->n_features; j++) {
        uint32_t id = lsc_dict_find(warm->names, m->feature_names[j], strlen(m->feature_names[j]));
        if (id != DICT_NONE)
            m->coef[j] = warm->coef[id];
    }
    st = lsc_design_build(&d, ds, m, *col_src, rows, n, err);
    if (st != LSC_OK)
        goto cleanup;
    d.w = fw->w;
    if (o->interactions > 0 &&
        (st = add_interactions(ds, rows, n, o, log, m, *col_src, &d, *lambda, ps, err)) != LSC_OK)
        goto cleanup;
    double *h = lsc_reallocarray(*hessian, m->n_features * m->n_features, sizeof *h);
    if (h == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    *hessian = h;
    if (o->cv_folds > 0 && cv->n == 0) {
        /* once, on the first fit's rows (the training split) */
        if ((st = choose_lambda(ds, &d, o, log, cv, err)) != LSC_OK)
            goto cleanup;
        *lambda = cv->lambda[cv->chosen];
    }
    if (o->l1_ratio > 0.0) {
        struct enet_opts eo = {*lambda, o->l1_ratio, o->max_iter, o->tol};
        struct enet_result er;
        st = lsc_enet_fit(&d, &eo, m->coef, &er, err);
        memset(res, 0, sizeof *res);
        res->iterations = er.iterations;
        res->converged = er.converged;
        res->objective = er.objective;
        res->grad_norm = er.kkt;
    } else {
        struct logreg_opts lo = {*lambda, o->max_iter, o->tol, h};
        st = lsc_logreg_fit(&d, &lo, m->coef, res, err);
    }
    if (st != LSC_OK)
        goto cleanup;
    if (!res->converged)
        lsc_logf(log, LSC_LOG_WARN,
                 "the fit did not converge in %zu iterations (scaled gradient %.3g > %.3g); "
                 "raise --max-iter or --l2",
                 res->iterations, res->grad_norm, o->tol);
cleanup:
    lsc_design_free(&d);
    return st;
}

static enum lsc_status predict_rows(const struct dataset *ds, const struct lsc_model *m,
                                    const size_t *col_src, const size_t *rows, size_t n,
                                    double *prob, struct lsc_error *err)
{
    struct design d;
    enum lsc_status st = lsc_design_build(&d, ds, m, col_src, rows, n, err);
    if (st != LSC_OK)
        return st;
    st = lsc_design_linear(&d, m->coef, prob, err);
    if (st == LSC_OK)
        for (size_t i = 0; i < n; i++)
            prob[i] = lsc_mathfn_sigmoid(prob[i]);
    lsc_design_free(&d);
    return st;
}

static enum lsc_status write_predictions(const struct dataset *ds, const double *prob,
                                         const char *path, int force, struct lsc_error *err)
{
    struct outfile o;
    enum lsc_status st = lsc_outfile_open(&o, path, force, err);
    if (st != LSC_OK)
        return st;
    int bad = fputs("row,line,probability\n", o.fp) == EOF;
    for (size_t i = 0; i < ds->n_rows && !bad; i++)
        bad = fprintf(o.fp, "%zu,%zu,%.17g\n", ds->row_number[i], ds->row_line[i], prob[i]) < 0;
    if (bad) {
        lsc_outfile_abort(&o);
        return lsc_error_write(err, path);
    }
    return lsc_outfile_commit(&o, err);
}

enum lsc_status lsc_train_store_stats(struct lsc_model *m, const struct coef_stats *cs,
                                      const struct fit_stats *fs, struct lsc_error *err)
{
    m->coef_stats = lsc_calloc(m->n_features, sizeof *m->coef_stats);
    if (m->coef_stats == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_features; j++) {
        m->coef_stats[j].std_error = cs[j].std_error;
        m->coef_stats[j].z = cs[j].z;
        m->coef_stats[j].p_value = cs[j].p_value;
        m->coef_stats[j].ci_low = cs[j].ci_low;
        m->coef_stats[j].ci_high = cs[j].ci_high;
    }
    struct lsc_fit_stat *f = &m->fit_stats;
    f->present = 1;
    f->log_likelihood = fs->log_likelihood;
    f->null_log_likelihood = fs->null_log_likelihood;
    f->deviance = fs->deviance;
    f->null_deviance = fs->null_deviance;
    f->mcfadden_r2 = fs->mcfadden_r2;
    f->aic = fs->aic;
    f->bic = fs->bic;
    f->lr_statistic = fs->lr_statistic;
    f->lr_df = fs->lr_df;
    f->lr_p_value = fs->lr_p_value;
    f->penalised = fs->penalised;
    return LSC_OK;
}

/* Wald statistics of the saved fit. A singular information matrix (only
 * possible without a penalty) leaves them out with a warning. */
static enum lsc_status attach_stats(struct lsc_model *m, const struct design *d, double l2,
                                    const double *hessian, double objective,
                                    const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct coef_stats *cs = lsc_calloc(m->n_features, sizeof *cs);
    struct fit_stats fs;
    if (cs == NULL)
        return lsc_error_nomem(err);
    st = lsc_stats_compute(d, m->coef, l2, hessian, objective, cs, &fs, err);
    if (st == LSC_ERR_NUMERIC) {
        lsc_logf(log, LSC_LOG_WARN, "%s; coefficient statistics are left out", err ? err->message : "singular");
        lsc_error_clear(err);
        st = LSC_OK;
        goto cleanup;
    }
    if (st != LSC_OK)
        goto cleanup;
    st = lsc_train_store_stats(m, cs, &fs, err);
cleanup:
    lsc_free(cs);
    return st;
}

enum lsc_status lsc_train_record_weighting(struct lsc_model *m, const struct lsc_train_options *o,
                                          const struct weights_info *info, double rows,
                                          double positives, const struct lsc_log *log,
                                          struct lsc_train_summary *sum, struct lsc_error *err)
{
    struct lsc_weighting *w = &m->weighting;
    sum->population_rate = NAN;
    if (info == NULL && !(o->population_rate > 0.0))
        return LSC_OK;
    w->present = 1;
    w->balanced = o->class_weight_balanced;
    if (o->weight != NULL && (w->column = lsc_strdup(o->weight)) == NULL)
        return lsc_error_nomem(err);
    if (info != NULL) {
        w->class_weight[0] = info->class_factor[0];
        w->class_weight[1] = info->class_factor[1];
        w->weight_total = info->total;
        w->sample_rate = info->sample_rate;
        w->fitted_rate = info->fitted_rate;
    } else {
        w->class_weight[0] = w->class_weight[1] = 1.0;
        w->weight_total = rows;
        w->sample_rate = w->fitted_rate = positives / rows;
    }
    w->population_rate = NAN;
    if (o->population_rate > 0.0) {
        w->population_rate = o->population_rate;
        w->intercept_correction = lsc_weights_prior_correction(o->population_rate, w->fitted_rate);
        lsc_weights_shift_intercept(m, w->intercept_correction);
    } else if (fabs(lsc_weights_prior_correction(w->sample_rate, w->fitted_rate)) > 0.05) {
        /* the odds moved by more than about 5 %: probabilities are off scale */
        lsc_logf(log, LSC_LOG_WARN,
                 "the weights move the positive rate the model is fitted to from %.4f to %.4f: "
                 "its probabilities are on the weighted scale; give --population-rate P to "
                 "correct them",
                 w->sample_rate, w->fitted_rate);
    }
    sum->weighted = info != NULL;
    sum->class_weight[0] = w->class_weight[0];
    sum->class_weight[1] = w->class_weight[1];
    sum->weight_total = w->weight_total;
    sum->sample_rate = w->sample_rate;
    sum->fitted_rate = w->fitted_rate;
    sum->population_rate = w->population_rate;
    sum->intercept_correction = w->intercept_correction;
    return LSC_OK;
}

/* The weighting record of a fit on d (info NULL: unweighted). */
static enum lsc_status record_weighting(struct lsc_model *m, const struct lsc_train_options *o,
                                        const struct dataset *ds, const struct design *d,
                                        const struct weights_info *info, const struct lsc_log *log,
                                        struct lsc_train_summary *sum, struct lsc_error *err)
{
    double pos = 0.0;
    for (size_t i = 0; info == NULL && i < d->n; i++)
        pos += ds->y[design_row(d, i)];
    return lsc_train_record_weighting(m, o, info, (double)d->n, pos, log, sum, err);
}

/* The penalty in the model: lambda (fit.l2), l1_ratio and the
 * cross-validation path (moved from cv). */
enum lsc_status lsc_train_attach_penalty(struct lsc_model *m, const struct lsc_train_options *o,
                                         double lambda, struct cv_path *cv, struct lsc_error *err)
{
    m->l2 = lambda;
    m->l1_ratio = o->l1_ratio;
    if (cv->n == 0)
        return LSC_OK;
    struct lsc_cv *c = lsc_calloc(1, sizeof *c);
    if (c == NULL)
        return lsc_error_nomem(err);
    c->folds = o->cv_folds;
    c->metric = o->cv_metric;
    c->one_se = o->cv_one_se;
    c->seed = o->seed;
    c->n = cv->n;
    c->lambda = cv->lambda;
    c->mean = cv->mean;
    c->se = cv->se;
    c->nonzero = cv->nonzero;
    c->best = cv->best;
    c->chosen = cv->chosen;
    memset(cv, 0, sizeof *cv);
    m->cv = c;
    return LSC_OK;
}

/* Wald standard errors, z, p-values and intervals assume a smooth objective
 * at the estimate; under an L1 penalty they are not meaningful (zeroed
 * coefficients have no sampling distribution of that form), so an elastic-
 * net model stores null for them (see docs/statistics.md). */
void lsc_train_forget_wald(struct lsc_model *m)
{
    for (size_t j = 0; m->coef_stats != NULL && j < m->n_features; j++) {
        struct lsc_coef_stat *c = &m->coef_stats[j];
        c->std_error = c->z = c->p_value = c->ci_low = c->ci_high = NAN;
    }
}

/* One training run's state, shared by its steps. */
struct train_run {
    const struct lsc_train_options *o;
    const struct lsc_log *log;
    struct lsc_train_summary *sum;
    struct dataset *ds;
    struct lsc_model *m;
    size_t *train, *hold, *col_src;
    size_t ntrain, nhold;
    double *prob, *ybuf;
    struct encoder_stats es;
    struct logreg_result res;
    struct design d;
    struct warm_start warm;
    double *hess, *wbase, *wfit;
    double *hold_p; /* the holdout's probabilities, for the report */
    struct report_warnings warns;
    struct weights_info winfo;
    struct fit_weights fw;
    struct cv_path cv;
    double lambda;
    struct pair_state pairs;
    struct lsc_output_set outs; /* every file of the run, committed together */
    const char *stage_design, *stage_predictions, *stage_report, *stage_model, *stage_points;
};

/* Options, the files to write (staged now, so a bad path fails before the
 * work), the data, the target and the weights. */
static enum lsc_status train_load(struct train_run *t, struct lsc_error *err)
{
    const struct lsc_train_options *o = t->o;
    struct lsc_train_summary *sum = t->sum;
    enum lsc_status st;
    if ((st = lsc_train_options_check(o, err)) != LSC_OK ||
        (st = check_options_utf8(o, err)) != LSC_OK)
        return st;
    if (o->baseline != NULL && !(o->holdout > 0.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--baseline compares on the holdout rows: it needs --holdout > 0");
    if ((st = lsc_la_init(err)) != LSC_OK)
        return st;
    const char *const outputs[] = {o->model_output, o->report, o->predictions, o->export_design,
                                   o->points_output};
    static const char *const options[] = {"-o", "--report", "--predictions", "--export-design",
                                          "--emit-rules"};
    if ((st = lsc_output_paths_distinct(outputs, options, 5, err)) != LSC_OK)
        return st;
    if (o->points_output &&
        (st = lsc_output_set_stage(&t->outs, o->points_output, o->force, &t->stage_points, err)) !=
            LSC_OK)
        return st;
    if ((o->export_design && (st = lsc_output_set_stage(&t->outs, o->export_design, o->force,
                                                        &t->stage_design, err)) != LSC_OK) ||
        (o->predictions && (st = lsc_output_set_stage(&t->outs, o->predictions, o->force,
                                                      &t->stage_predictions, err)) != LSC_OK) ||
        (o->report && (st = lsc_output_set_stage(&t->outs, o->report, o->force, &t->stage_report,
                                                 err)) != LSC_OK) ||
        (o->model_output && (st = lsc_output_set_stage(&t->outs, o->model_output, o->force,
                                                       &t->stage_model, err)) != LSC_OK))
        return st;
    if ((st = lsc_dataset_load(&t->ds, o, t->log, err)) != LSC_OK)
        return st;
    /* from here on, the column names as the file spells them */
    t->o = o = &t->ds->opts;
    if ((st = lsc_dataset_map_target(t->ds, o, t->log, err)) != LSC_OK) {
        if (err != NULL && err->file[0] == '\0')
            snprintf(err->file, sizeof err->file, "%s", t->ds->file);
        return st;
    }
    sum->rows_read = t->ds->rows_read;
    sum->rows_used = t->ds->n_rows;
    sum->rows_skipped_target = t->ds->rows_skipped_target;
    sum->rows_skipped_value = t->ds->rows_skipped_value;
    if (lsc_derive_as_of(t->ds->derive, o) != NULL)
        snprintf(sum->as_of, sizeof sum->as_of, "%s", lsc_derive_as_of(t->ds->derive, o));
    sum->positives = t->ds->positives;
    if ((st = lsc_weights_load(t->ds, &t->wbase, err)) != LSC_OK) {
        sum->input_rejected = 1;
        return st;
    }
    t->fw.base = t->wbase;
    if (t->wbase != NULL || o->class_weight_balanced) {
        if ((t->wfit = lsc_malloc(t->ds->n_rows * sizeof *t->wfit)) == NULL)
            return lsc_error_nomem(err);
        t->fw.w = t->wfit;
    }
    return LSC_OK;
}

/* The split into fitting and validation rows (by date: before the
 * diagnostics, so a bad date stops the run first), and the checks of the
 * data. */
static enum lsc_status train_split(struct train_run *t, struct lsc_error *err)
{
    const struct lsc_train_options *o = t->o;
    struct lsc_train_summary *sum = t->sum;
    enum lsc_status st;
    if (o->split_date != NULL) {
        long cutoff = 0;
        lsc_date_split_parse(o->cutoff, strlen(o->cutoff), o->date_format,
                             &cutoff); /* checked above */
        st = lsc_date_split_rows(t->ds, cutoff, &t->train, &t->ntrain, &t->hold, &t->nhold,
                                 &sum->date_missing_rows, &sum->input_rejected, err);
        if (st != LSC_OK)
            return st;
        sum->split_date = 1;
        if (sum->date_missing_rows > 0)
            lsc_logf(t->log, LSC_LOG_NOTE,
                     "%zu rows have no \"%s\" date: they are in neither the pre-cutoff fit nor "
                     "the validation%s",
                     sum->date_missing_rows, o->split_date,
                     o->refit ? " (the refit on all rows includes them)" : "");
    }
    if ((t->m = lsc_model_new()) == NULL)
        return lsc_error_nomem(err);
    t->m->l2 = o->l2;
    if ((st = lsc_diag_thin_data(t->m, t->ds, o->force, t->log, err)) != LSC_OK ||
        (st = lsc_diag_columns(t->m, t->ds, t->log, err)) != LSC_OK)
        return st;
    if (o->split_date == NULL && o->split_by_id) {
        size_t id = lsc_ds_find(t->ds->cols, t->ds->n_cols, o->ids.items[0]);
        if ((st = lsc_split_by_id(t->ds, id, o->holdout, o->seed, &t->train, &t->ntrain,
                                  &t->hold, &t->nhold, err)) != LSC_OK)
            return st;
    } else if (o->split_date == NULL &&
               (st = lsc_split_holdout(t->ds, o->holdout, o->seed, &t->train, &t->ntrain,
                                       &t->hold, &t->nhold, err)) != LSC_OK) {
        return st;
    }
    sum->train_rows = t->ntrain;
    sum->holdout_rows = t->nhold;
    return LSC_OK;
}

/* The fit on the training rows, and the leakage check against it. */
static enum lsc_status train_fit(struct train_run *t, struct lsc_error *err)
{
    struct lsc_train_summary *sum = t->sum;
    struct dataset *ds = t->ds;
    enum lsc_status st = fit_on(ds, t->nhold ? t->train : NULL, t->ntrain, t->o, t->log, NULL, t->m,
                                &t->col_src, &t->es, &t->hess, &t->res, &t->fw, &t->cv,
                                &t->lambda, &t->pairs, err);
    if (st != LSC_OK)
        return st;
    sum->columns_used = t->es.columns_used;
    sum->columns_dropped = t->es.columns_dropped;
    sum->iterations = t->res.iterations;
    sum->converged = t->res.converged;
    st = t->nhold > 0 ? lsc_diag_leakage(t->m, ds, t->col_src, t->train, t->ntrain, t->hold,
                                         t->nhold, t->log, err)
                      : lsc_diag_leakage(t->m, ds, t->col_src, NULL, ds->n_rows, NULL,
                                         ds->n_rows, t->log, err);
    if (st != LSC_OK)
        return st;
    t->prob = lsc_malloc((ds->n_rows ? ds->n_rows : 1) * sizeof *t->prob);
    t->ybuf = lsc_malloc((ds->n_rows ? ds->n_rows : 1) * sizeof *t->ybuf);
    if (t->prob == NULL || t->ybuf == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

void lsc_train_summary_holdout(struct lsc_train_summary *sum,
                               const struct lsc_holdout_metrics *h)
{
    sum->auc = h->auc;
    sum->log_loss = h->log_loss;
    sum->brier = h->brier;
    sum->base_rate = h->base_rate;
    sum->precision_at_50 = h->precision_at_50;
    sum->recall_at_50 = h->recall_at_50;
    sum->accuracy_at_50 = h->accuracy_at_50;
}

/* The holdout metrics (and the baseline's on the same rows). */
static enum lsc_status train_validate(struct train_run *t, struct lsc_error *err)
{
    struct lsc_train_summary *sum = t->sum;
    const struct lsc_train_options *o = t->o;
    size_t nhold = t->nhold;
    double *prob = t->prob, *ybuf = t->ybuf;
    enum lsc_status st;
    if ((st = predict_rows(t->ds, t->m, t->col_src, t->hold, nhold, prob, err)) != LSC_OK)
        return st;
    struct lsc_holdout_metrics *h = &t->m->holdout;
    h->present = 1;
    h->rows = nhold;
    for (size_t i = 0; i < nhold; i++) {
        ybuf[i] = t->ds->y[t->hold[i]];
        h->positives += ybuf[i] > 0.5;
    }
    if (lsc_metrics_auc(prob, ybuf, nhold, &h->auc) != LSC_OK)
        return lsc_error_nomem(err);
    h->log_loss = lsc_metrics_log_loss(prob, ybuf, nhold);
    h->brier = lsc_metrics_brier(prob, ybuf, nhold);
    h->base_rate = (double)h->positives / (double)nhold;
    struct metrics_threshold mt;
    lsc_metrics_at_threshold(prob, ybuf, nhold, 0.5, &mt);
    h->precision_at_50 = mt.precision;
    h->recall_at_50 = mt.recall;
    h->accuracy_at_50 = mt.accuracy;
    if ((st = lsc_validation_tables(h, ybuf, prob, NULL, nhold, err)) != LSC_OK)
        return st;
    if (o->report != NULL) {
        if ((t->hold_p = lsc_malloc(nhold * sizeof *t->hold_p)) == NULL)
            return lsc_error_nomem(err);
        memcpy(t->hold_p, prob, nhold * sizeof *t->hold_p);
    }
    lsc_train_summary_holdout(sum, h);
    if (o->baseline == NULL)
        return LSC_OK;
    t->m->tier_hot = o->tier_hot;
    t->m->tier_warm = o->tier_warm;
    return lsc_baseline_compare(t->m, o->baseline, o->baseline_file ? o->baseline_file : "",
                                t->ds, t->hold, nhold, prob, err);
}

/* The refit on all rows (the saved model), and what the model records. */
static enum lsc_status train_refit(struct train_run *t, struct lsc_error *err)
{
    struct lsc_train_summary *sum = t->sum;
    struct lsc_model *m = t->m;
    enum lsc_status st;
    m->refit = 0;
    if (t->nhold > 0 && t->o->refit) {
        lsc_free(t->col_src);
        t->col_src = NULL;
        if ((st = warm_start_save(&t->warm, m, err)) != LSC_OK)
            return st;
        st = fit_on(t->ds, NULL, t->ds->n_rows, t->o, NULL, &t->warm, m, &t->col_src, &t->es,
                    &t->hess, &t->res, &t->fw, &t->cv, &t->lambda, &t->pairs, err);
        if (st != LSC_OK)
            return st;
        m->refit = 1;
        sum->columns_used = t->es.columns_used;
        sum->columns_dropped = t->es.columns_dropped;
    }
    sum->refit = m->refit;
    sum->final_iterations = t->res.iterations;
    sum->final_converged = t->res.converged;
    sum->gradient_norm = t->res.grad_norm;
    sum->features = m->n_features;
    m->iterations = t->res.iterations;
    m->converged = t->res.converged;
    m->objective = t->res.objective;
    if ((st = fill_metadata(m, t->ds, t->o, err)) != LSC_OK)
        return st;
    return lsc_train_attach_penalty(m, t->o, t->lambda, &t->cv, err);
}

enum lsc_status lsc_train_record_date_split(struct lsc_model *m, const struct lsc_train_options *o,
                                           size_t train_rows, size_t validation_rows,
                                           size_t missing_rows, struct lsc_error *err)
{
    struct lsc_date_split *sp = &m->date_split;
    char day[16];
    lsc_date_split_normalise(o->cutoff, o->date_format, day);
    sp->present = 1;
    sp->column = lsc_strdup(o->split_date);
    sp->cutoff = lsc_strdup(day);
    if (sp->column == NULL || sp->cutoff == NULL)
        return lsc_error_nomem(err);
    sp->train_rows = train_rows;
    sp->validation_rows = validation_rows;
    sp->missing_rows = missing_rows;
    return LSC_OK;
}

/* On the design the saved coefficients were fitted on: separation,
 * collinearity, coefficient statistics, weighting, and the drift reference
 * (the saved model's scores on its fitting rows). */
static enum lsc_status train_describe(struct train_run *t, struct lsc_error *err)
{
    struct lsc_model *m = t->m;
    struct dataset *ds = t->ds;
    int all = m->refit || t->nhold == 0;
    size_t n = all ? ds->n_rows : t->ntrain;
    enum lsc_status st =
        lsc_design_build(&t->d, ds, m, t->col_src, all ? NULL : t->train, n, err);
    if (st != LSC_OK)
        return st;
    t->d.w = t->wfit;
    if ((st = lsc_diag_separation(m, &t->d, t->log, err)) != LSC_OK ||
        (st = lsc_diag_collinearity(m, &t->d, t->log, err)) != LSC_OK)
        return st;
    if (t->wfit != NULL && !lsc_weights_all_integer(t->wfit, t->d.rows, t->d.n))
        lsc_logf(t->log, LSC_LOG_NOTE,
                 "the weights are not all whole numbers, so they cannot be read as frequency "
                 "weights: coefficient statistics (standard errors, p-values, AIC) are left out");
    else if ((st = attach_stats(m, &t->d, t->lambda, t->res.hessian_valid ? t->hess : NULL,
                                t->res.objective, t->log, err)) != LSC_OK)
        return st;
    if ((st = record_weighting(m, t->o, ds, &t->d, t->wfit ? &t->winfo : NULL, t->log, t->sum,
                               err)) != LSC_OK)
        return st;
    if (t->o->split_date != NULL &&
        (st = lsc_train_record_date_split(m, t->o, t->ntrain, t->nhold, t->sum->date_missing_rows,
                                          err)) != LSC_OK)
        return st;
    if ((st = lsc_design_linear(&t->d, m->coef, t->prob, err)) != LSC_OK)
        return st;
    for (size_t i = 0; i < n; i++)
        t->prob[i] = lsc_mathfn_sigmoid(t->prob[i]);
    if ((st = lsc_drift_ref_build(m, ds, t->col_src, all ? NULL : t->train, n, t->prob, err)) !=
        LSC_OK)
        return st;
    if (t->o->l1_ratio > 0.0)
        lsc_train_forget_wald(m);
    return lsc_model_validate(m, NULL, err);
}

/* Writes every staged file, then commits them all (or none). */
/* The points sheet (--emit-rules), staged with the other outputs. */
enum lsc_status lsc_train_write_points(const struct lsc_model *m, const struct lsc_train_options *o,
                                       const char *stage, struct lsc_train_summary *sum,
                                       struct lsc_error *err)
{
    struct lsc_points_options po;
    struct lsc_points_summary ps;
    lsc_points_options_defaults(&po);
    po.output = stage;
    po.force = 1;
    if (o->points_pdo > 0.0)
        po.pdo = o->points_pdo;
    enum lsc_status st = lsc_emit_points(m, &po, &ps, err);
    sum->points_rules = ps.rules;
    sum->points_factor = ps.factor;
    sum->points_intercept = ps.intercept;
    sum->points_qualified = ps.qualified;
    sum->points_hot = ps.hot;
    sum->points_warm = ps.warm;
    return st;
}

static enum lsc_status train_write(struct train_run *t, struct lsc_error *err)
{
    const struct lsc_train_options *o = t->o;
    enum lsc_status st = LSC_OK;
    if (o->export_design != NULL) {
        /* the --weight values; balanced class factors are in the model */
        struct design dx = t->d;
        dx.w = t->wbase;
        st = lsc_design_export_csv(&dx, t->m, t->stage_design, 1, err);
    }
    if (st == LSC_OK && o->predictions != NULL &&
        (st = predict_rows(t->ds, t->m, t->col_src, NULL, t->ds->n_rows, t->prob, err)) == LSC_OK)
        st = write_predictions(t->ds, t->prob, t->stage_predictions, 1, err);
    if (st == LSC_OK && o->report != NULL)
        st = lsc_report_train_html(t->m, t->sum, t->ybuf, t->hold_p, NULL,
                                   t->hold_p != NULL ? t->nhold : 0, &t->warns, t->stage_report,
                                   1, err);
    if (st == LSC_OK && o->points_output != NULL)
        st = lsc_train_write_points(t->m, o, t->stage_points, t->sum, err);
    if (st == LSC_OK && o->model_output != NULL)
        st = lsc_model_save(t->m, t->stage_model, 1, err);
    if (st != LSC_OK) {
        lsc_output_set_rename_error(&t->outs, err);
        return st;
    }
    return lsc_output_set_commit(&t->outs, err);
}

enum lsc_status lsc_train(const struct lsc_train_options *o, const struct lsc_log *log,
                          struct lsc_model **out, struct lsc_train_summary *sum,
                          struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct train_run t;
    memset(&t, 0, sizeof t);
    memset(sum, 0, sizeof *sum);
    *out = NULL;
    if (o->postgres != NULL)
        return lsc_train_pg(o, log, out, sum, err);
    t.o = o;
    t.log = log;
    t.sum = sum;
    t.fw.balanced = o->class_weight_balanced;
    t.fw.info = &t.winfo;
    t.lambda = o->l2;
    lsc_output_set_init(&t.outs);
    lsc_report_warnings_init(&t.warns, log);
    if (o->report != NULL)
        t.log = &t.warns.log; /* every warning goes into the report too */
    if ((st = train_load(&t, err)) != LSC_OK || (st = train_split(&t, err)) != LSC_OK ||
        (st = train_fit(&t, err)) != LSC_OK ||
        (t.nhold > 0 && (st = train_validate(&t, err)) != LSC_OK) ||
        (st = train_refit(&t, err)) != LSC_OK || (st = train_describe(&t, err)) != LSC_OK ||
        (st = train_write(&t, err)) != LSC_OK)
        goto cleanup;
    *out = t.m;
    t.m = NULL;
cleanup:
    lsc_output_set_abort(&t.outs);
    lsc_cv_path_free(&t.cv);
    lsc_free(t.hess);
    lsc_free(t.wbase);
    lsc_free(t.wfit);
    warm_start_free(&t.warm);
    lsc_pair_picks_free(t.pairs.picks, t.pairs.n);
    lsc_design_free(&t.d);
    lsc_dataset_free(t.ds);
    lsc_model_free(t.m);
    lsc_free(t.train);
    lsc_free(t.hold);
    lsc_free(t.col_src);
    lsc_free(t.prob);
    lsc_free(t.ybuf);
    lsc_free(t.hold_p);
    lsc_report_warnings_fini(&t.warns);
    return st;
}
