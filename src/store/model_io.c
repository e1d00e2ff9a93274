/* model_io - the in-memory model, its checks, and its JSON file
 * (specified in models/README.md). */
#include "model_def.h"
#include "model_pairs.h"
#include "model_weighting.h"
#include "model_events.h"
#include "event_features.h"

#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "alloc.h"
#include "baseline.h"
#include "derive.h"
#include "drift.h"
#include "model_accounts.h"
#include "sha256.h"
#include "status_internal.h"
#include "tempreg.h"
#include "date.h"
#include "util.h"

#ifndef LEADSCORE_VERSION
#define LEADSCORE_VERSION "0.1.0"
#endif

#define INTERCEPT_NAME "(intercept)"
#define PROBABILITY_RULE "1/(1+exp(-(coefficients . features)))"
#define SCORE_RULE "clamp(round(100*probability), 1, 100)"
#define STDIN_NAME "<stdin>"
#define STDOUT_NAME "<stdout>"
#define READ_CHUNK 65536
#define PATH_MAX_LEN 128 /* JSON paths in messages, e.g. columns[2].levels[0] */
#define CHECKSUM_KEY "checksum"
#define MAX_SLOPE 1e150 /* |coefficient / sd| of a numeric column */
#define CHECKSUM_PREFIX "sha256:"
#define CHECKSUM_LEN (sizeof CHECKSUM_PREFIX - 1 + 64) /* "sha256:" and 64 hex digits */
#define CHECKSUM_MISMATCH "model file was modified or truncated (checksum mismatch)"

#ifdef JSON_PRESERVE_ORDER
#define DUMP_ORDER JSON_PRESERVE_ORDER
#else
#define DUMP_ORDER 0
#endif
#define DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17) | DUMP_ORDER)

/* ---- allocation ------------------------------------------------------------ */

/* Set when an allocation for jansson fails. jansson does not report every
 * such failure: its lexer drops characters it cannot store, so under memory
 * pressure json_loadb() can return a document with silently shortened
 * strings (or fail with a syntax error). The loader resets and checks this
 * flag around jansson calls and reports LSC_ERR_NOMEM instead. Thread-local
 * because jansson allocates on the calling thread; it is the one piece of
 * state the hook interface (no user data) forces on us. */
static _Thread_local int json_alloc_failed;

static void *json_malloc_hook(size_t size)
{
    void *p = lsc_malloc(size);
    if (p == NULL)
        json_alloc_failed = 1;
    return p;
}
static void json_free_hook(void *ptr)
{
    lsc_free(ptr);
}

/* Routes jansson's allocations through ours. Idempotent; called by every
 * entry point that creates or frees jansson values, so a json_t is always
 * allocated and freed by the same hook. */
static void use_lsc_allocator(void)
{
    json_set_alloc_funcs(json_malloc_hook, json_free_hook);
}

/* ---- the in-memory model ------------------------------------------------- */

static void free_strings(char **v, size_t n)
{
    if (v == NULL)
        return;
    for (size_t i = 0; i < n; i++)
        lsc_free(v[i]);
    lsc_free(v);
}

static void free_column(struct lsc_column_enc *c)
{
    lsc_free(c->name);
    free_strings(c->levels, c->n_levels);
    lsc_free(c->level_feature);
    lsc_free(c->level_count);
    lsc_dict_free(c->lookup);
    lsc_free(c->source);
    lsc_free(c->event_type);
    lsc_free(c->cuts);
    lsc_free(c->bin_feature);
    lsc_free(c->bin_count);
}

struct lsc_model *lsc_model_new(void)
{
    use_lsc_allocator();
    return lsc_calloc(1, sizeof(struct lsc_model));
}

void lsc_model_free(struct lsc_model *m)
{
    if (m == NULL)
        return;
    use_lsc_allocator();
    lsc_free(m->created);
    lsc_free(m->tool_version);
    lsc_free(m->training_file);
    lsc_free(m->training_sha256);
    json_decref(m->options);
    lsc_free(m->target);
    free_strings(m->positive_values, m->n_positive_values);
    free_strings(m->ids, m->n_ids);
    free_strings(m->na_values, m->n_na_values);
    if (m->columns != NULL)
        for (size_t j = 0; j < m->n_columns; j++)
            free_column(&m->columns[j]);
    lsc_free(m->columns);
    lsc_pairs_free(m);
    free_strings(m->feature_names, m->n_features);
    lsc_free(m->coef);
    lsc_free(m->coef_stats);
    for (size_t i = 0; m->warnings != NULL && i < m->n_warnings; i++) {
        lsc_free(m->warnings[i].code);
        lsc_free(m->warnings[i].message);
    }
    lsc_free(m->warnings);
    lsc_model_weighting_free(m);
    lsc_model_events_free(m->events);
    lsc_drift_ref_free(m->drift);
    lsc_accounts_free(m->accounts);
    lsc_baseline_stat_free(m->baseline);
    lsc_model_cv_free(m->cv);
    lsc_free(m);
}

size_t lsc_model_n_features(const struct lsc_model *m)
{
    return m->n_features;
}

const char *lsc_model_feature_name(const struct lsc_model *m, size_t i)
{
    return i < m->n_features ? m->feature_names[i] : NULL;
}

double lsc_model_coefficient(const struct lsc_model *m, size_t i)
{
    return i < m->n_features ? m->coef[i] : NAN;
}

const char *lsc_model_target(const struct lsc_model *m)
{
    return m->target;
}

const char *lsc_model_id_column(const struct lsc_model *m, size_t k)
{
    return k < m->n_ids ? m->ids[k] : NULL;
}

/* ---- validation ------------------------------------------------------------ */

static int is_hex64(const char *s)
{
    size_t n = 0;
    while ((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f') ||
           (s[n] >= 'A' && s[n] <= 'F'))
        n++;
    return n == 64 && s[n] == '\0';
}

/* Sets *dup when s was already in seen. */
static enum lsc_status note_name(struct dict *seen, const char *s, int *dup, struct lsc_error *err)
{
    int added = 0;
    enum lsc_status st = LSC_OK;
    if (lsc_dict_intern(seen, s, strlen(s), &added) == DICT_NONE)
        st = lsc_error_nomem(err);
    *dup = !added;
    return st;
}

/* Claims feature f for the column field at path; used[] catches double use. */
static enum lsc_status claim_feature(const struct lsc_model *m, unsigned char *used, size_t f,
                                     const char *path, const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (f == 0 || f >= m->n_features)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "%s: feature index %zu out of range (1..%zu: the model has %zu "
                           "features including the intercept)",
                           path, f, m->n_features - 1, m->n_features);
    else if (used[f])
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "%s: feature index %zu is used by more than one column field", path, f);
    else
        used[f] = 1;
    return st;
}

/* other/missing: SIZE_MAX or the index of a level of that name. */
static enum lsc_status check_special_level(const struct lsc_column_enc *c, size_t j,
                                           const char *field, size_t k, const char *name,
                                           const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (k != SIZE_MAX && k >= c->n_levels)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "columns[%zu].%s: level index %zu out of range (%zu levels)", j, field,
                           k, c->n_levels);
    else if (k != SIZE_MAX && strcmp(c->levels[k], name) != 0)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "columns[%zu].%s: level %zu is \"%s\", not \"%s\"", j, field, k,
                           c->levels[k], name);
    return st;
}

static enum lsc_status validate_numeric(const struct lsc_model *m, size_t j, unsigned char *used,
                                        const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_column_enc *c = &m->columns[j];
    char path[PATH_MAX_LEN];
    if (!isfinite(c->median) || !isfinite(c->mean)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu].%s: not a finite number",
                           j, isfinite(c->median) ? "mean" : "median");
        goto cleanup;
    }
    /* a denormal sd (5e-324) turns an ordinary value into an infinite score */
    if (!isfinite(c->sd) || !(c->sd >= DBL_MIN)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "columns[%zu].sd: must be a finite number >= %g, got %g", j, DBL_MIN,
                           c->sd);
        goto cleanup;
    }
    snprintf(path, sizeof path, "columns[%zu].feature", j);
    st = claim_feature(m, used, c->feature, path, file, err);
    if (st != LSC_OK)
        goto cleanup;
    /* points per unit of the column: bounded, so any value within 1e150 of
     * the mean (every training value, by far) gives a finite score */
    if (!(fabs(m->coef[c->feature]) / c->sd <= MAX_SLOPE)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "columns[%zu].sd: %g with coefficient %g gives %g log-odds per unit "
                           "(beyond 1e150: an ordinary value could make the score non-finite)",
                           j, c->sd, m->coef[c->feature], fabs(m->coef[c->feature]) / c->sd);
        goto cleanup;
    }
    if (c->missing_feature == LSC_NO_FEATURE)
        goto cleanup;
    snprintf(path, sizeof path, "columns[%zu].missing_feature", j);
    st = claim_feature(m, used, c->missing_feature, path, file, err);
cleanup:
    return st;
}

/* Cuts finite and strictly ascending, a step feature each. */
static enum lsc_status validate_binned(const struct lsc_model *m, size_t j, unsigned char *used,
                                       const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_column_enc *c = &m->columns[j];
    char path[PATH_MAX_LEN];
    if (c->n_cuts == 0 || c->cuts == NULL || c->bin_feature == NULL || c->bin_count == NULL)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu].cuts: no cuts", j);
    if (!isfinite(c->median))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "columns[%zu].median: not a finite number", j);
    for (size_t k = 0; k < c->n_cuts && st == LSC_OK; k++) {
        if (!isfinite(c->cuts[k]) || (k > 0 && !(c->cuts[k] > c->cuts[k - 1])))
            return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                                 "columns[%zu].cuts[%zu]: %g is not a finite number above the "
                                 "cut before it",
                                 j, k, c->cuts[k]);
        snprintf(path, sizeof path, "columns[%zu].bin_features[%zu]", j, k);
        st = claim_feature(m, used, c->bin_feature[k], path, file, err);
    }
    if (st == LSC_OK && c->missing_feature != LSC_NO_FEATURE) {
        snprintf(path, sizeof path, "columns[%zu].missing_feature", j);
        st = claim_feature(m, used, c->missing_feature, path, file, err);
    }
    return st;
}

static enum lsc_status validate_categorical(const struct lsc_model *m, size_t j,
                                            unsigned char *used, const char *file,
                                            struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_column_enc *c = &m->columns[j];
    char path[PATH_MAX_LEN];
    if (c->n_levels == 0 || c->levels == NULL || c->level_feature == NULL ||
        c->level_count == NULL) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu].levels: no levels", j);
        goto cleanup;
    }
    if (c->reference >= c->n_levels) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "columns[%zu].reference: reference index %zu out of range (%zu "
                           "levels)",
                           j, c->reference, c->n_levels);
        goto cleanup;
    }
    for (size_t k = 0; k < c->n_levels; k++) {
        snprintf(path, sizeof path, "columns[%zu].levels[%zu]", j, k);
        if (c->levels[k] == NULL) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s.name: missing", path);
            goto cleanup;
        }
        if (k == c->reference && c->level_feature[k] != LSC_NO_FEATURE) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               "%s.feature: the reference level must have no feature (null)", path);
            goto cleanup;
        }
        if (k == c->reference)
            continue;
        if (c->level_feature[k] == LSC_NO_FEATURE) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               "%s.feature: only the reference level (%zu) may have no feature",
                               path, c->reference);
            goto cleanup;
        }
        snprintf(path, sizeof path, "columns[%zu].levels[%zu].feature", j, k);
        st = claim_feature(m, used, c->level_feature[k], path, file, err);
        if (st != LSC_OK)
            goto cleanup;
    }
    st = check_special_level(c, j, "other", c->other, LSC_LEVEL_OTHER, file, err);
    if (st == LSC_OK)
        st = check_special_level(c, j, "missing", c->missing, LSC_LEVEL_MISSING, file, err);
cleanup:
    return st;
}

/* Names present and unique, coefficients finite, intercept first. */
static enum lsc_status validate_features(const struct lsc_model *m, const char *file,
                                         struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct dict *seen = NULL;
    int dup = 0;
    if (m->n_features < 1 || m->feature_names == NULL || m->coef == NULL) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "features: need at least the intercept");
        goto cleanup;
    }
    seen = lsc_dict_new();
    if (seen == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < m->n_features; i++) {
        if (m->feature_names[i] == NULL) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "features[%zu].name: missing", i);
            goto cleanup;
        }
        st = note_name(seen, m->feature_names[i], &dup, err);
        if (st != LSC_OK)
            goto cleanup;
        if (dup) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               "features[%zu].name: duplicate feature name \"%s\"", i,
                               m->feature_names[i]);
            goto cleanup;
        }
        if (!isfinite(m->coef[i])) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               "features[%zu].estimate: not a finite number", i);
            goto cleanup;
        }
    }
    if (strcmp(m->feature_names[0], INTERCEPT_NAME) != 0)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "features[0].name: expected \"" INTERCEPT_NAME "\", got \"%s\"",
                           m->feature_names[0]);
cleanup:
    lsc_dict_free(seen);
    return st;
}

static enum lsc_status check_string_list(char *const *v, size_t n, const char *path,
                                         const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (n > 0 && v == NULL)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s: missing", path);
    for (size_t i = 0; i < n && st == LSC_OK; i++)
        if (v[i] == NULL)
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s[%zu]: missing", path, i);
    return st;
}

/* training, options and roles */
static enum lsc_status validate_provenance(const struct lsc_model *m, const char *file,
                                           struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (m->training_file == NULL)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "training.file: missing");
    else if (m->training_sha256 == NULL || !is_hex64(m->training_sha256))
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "training.sha256: expected 64 hexadecimal digits");
    else if (m->options != NULL && !json_is_object(m->options))
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "options: expected an object");
    else if (m->options != NULL && json_object_get(m->options, "date_format") != NULL &&
             (lsc_model_date_format(m) == NULL || !lsc_date_check_format(lsc_model_date_format(m))))
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "options.date_format: expected a date format with %%Y, %%d and %%m "
                           "(or %%b) once each");
    else if (m->target == NULL)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "roles.target: missing");
    if (st == LSC_OK)
        st = check_string_list(m->positive_values, m->n_positive_values, "roles.positive_values",
                               file, err);
    if (st == LSC_OK)
        st = check_string_list(m->ids, m->n_ids, "roles.ids", file, err);
    if (st == LSC_OK)
        st = check_string_list(m->na_values, m->n_na_values, "roles.na_values", file, err);
    return st;
}

/* Column names unique; every feature 1..n_features-1 used exactly once. */
static enum lsc_status validate_columns(const struct lsc_model *m, const char *file,
                                        struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    unsigned char *used = NULL;
    struct dict *seen = NULL;
    int dup = 0;
    if (m->n_columns > 0 && m->columns == NULL) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns: missing");
        goto cleanup;
    }
    used = lsc_calloc(m->n_features, 1);
    seen = lsc_dict_new();
    if (used == NULL || seen == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        if (c->name == NULL) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu].name: missing", j);
            goto cleanup;
        }
        st = note_name(seen, c->name, &dup, err);
        if (st != LSC_OK)
            goto cleanup;
        if (dup) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               "columns[%zu].name: duplicate column name \"%s\"", j, c->name);
            goto cleanup;
        }
        if (c->type == LSC_COL_NUMERIC)
            st = validate_numeric(m, j, used, file, err);
        else if (c->type == LSC_COL_CATEGORICAL)
            st = validate_categorical(m, j, used, file, err);
        else if (c->type == LSC_COL_BINNED)
            st = validate_binned(m, j, used, file, err);
        else
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "columns[%zu].type: unknown", j);
        if (st != LSC_OK)
            goto cleanup;
    }
    if ((st = lsc_model_pairs_validate(m, used, file, err)) != LSC_OK)
        goto cleanup;
    for (size_t i = 1; i < m->n_features; i++) {
        if (!used[i]) {
            st =
                lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                              "features[%zu]: \"%s\" belongs to no column", i, m->feature_names[i]);
            goto cleanup;
        }
    }
cleanup:
    lsc_dict_free(seen);
    lsc_free(used);
    return st;
}

enum lsc_status lsc_model_validate(const struct lsc_model *m, const char *file, struct lsc_error *err)
{
    enum lsc_status st = validate_features(m, file, err);
    if (st == LSC_OK)
        st = validate_provenance(m, file, err);
    if (st == LSC_OK)
        st = validate_columns(m, file, err);
    if (st == LSC_OK)
        st = lsc_model_weighting_validate(m, file, err);
    if (st == LSC_OK)
        st = lsc_model_penalty_validate(m, file, err);
    if (st == LSC_OK)
        st = lsc_model_events_validate(m, file, err);
    if (st != LSC_OK)
        goto cleanup;
    if (!isfinite(m->l2) || m->l2 < 0.0)
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "fit.l2: must be a finite number >= 0, got %g", m->l2);
    else if (!isfinite(m->objective))
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "fit.objective: not a finite number");
    else if (!(m->tier_warm > 0.0 && m->tier_warm < m->tier_hot && m->tier_hot <= 100.0))
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "score.tiers: need 0 < warm < hot <= 100, got warm %g and hot %g",
                           m->tier_warm, m->tier_hot);
cleanup:
    return st;
}

/* ---- saving ---------------------------------------------------------------- */

/* JSON text is UTF-8, and jansson refuses any other string. The data's own
 * names are checked when the CSV is read (dataset.c, encoder.c, with line and
 * column); this catches the rest, e.g. option values. */
static enum lsc_status check_utf8(const char *s, const char *path, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t bad = 0;
    char shown[256];
    if (s != NULL && !lsc_utf8_valid(s, strlen(s), &bad)) {
        lsc_escape_bytes(s, strlen(s), shown, sizeof shown);
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "cannot save the model: %s \"%s\" is not valid UTF-8 (byte 0x%02X at "
                           "offset %zu), and a model file is JSON, which must be UTF-8; "
                           LSC_ENCODING_HINT,
                           path, shown, (unsigned)(unsigned char)s[bad], bad);
    }
    return st;
}

static enum lsc_status check_utf8_list(char *const *v, size_t n, const char *path,
                                       struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char p[PATH_MAX_LEN];
    for (size_t i = 0; i < n && st == LSC_OK; i++) {
        snprintf(p, sizeof p, "%s[%zu]", path, i);
        st = check_utf8(v[i], p, err);
    }
    return st;
}

/* JSON strings must be UTF-8; names from a CSV in another encoding are not. */
static enum lsc_status check_model_utf8(const struct lsc_model *m, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char p[PATH_MAX_LEN];
    st = check_utf8(m->created, "created", err);
    if (st == LSC_OK)
        st = check_utf8(m->tool_version, "tool_version", err);
    if (st == LSC_OK)
        st = check_utf8(m->training_file, "training.file", err);
    if (st == LSC_OK)
        st = check_utf8(m->target, "roles.target", err);
    if (st == LSC_OK)
        st =
            check_utf8_list(m->positive_values, m->n_positive_values, "roles.positive_values", err);
    if (st == LSC_OK)
        st = check_utf8_list(m->ids, m->n_ids, "roles.ids", err);
    if (st == LSC_OK)
        st = check_utf8_list(m->na_values, m->n_na_values, "roles.na_values", err);
    for (size_t j = 0; j < m->n_columns && st == LSC_OK; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        snprintf(p, sizeof p, "columns[%zu].name", j);
        st = check_utf8(c->name, p, err);
        for (size_t k = 0; c->type == LSC_COL_CATEGORICAL && k < c->n_levels && st == LSC_OK; k++) {
            snprintf(p, sizeof p, "columns[%zu].levels[%zu].name", j, k);
            st = check_utf8(c->levels[k], p, err);
        }
    }
    for (size_t i = 0; i < m->n_features && st == LSC_OK; i++) {
        snprintf(p, sizeof p, "features[%zu].name", i);
        st = check_utf8(m->feature_names[i], p, err);
    }
    return st;
}

/* An integer, or NULL when it does not fit json_int_t. */
static json_t *jint(size_t v)
{
    const uintmax_t max = ((uintmax_t)1 << (sizeof(json_int_t) * 8 - 1)) - 1;
    return (uintmax_t)v <= max ? json_integer((json_int_t)v) : NULL;
}

/* A feature or level index, null for none. */
static json_t *jindex(size_t v)
{
    return v == SIZE_MAX ? json_null() : jint(v);
}

/* A metric, null when NaN (or infinite). */
static json_t *jmetric(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

static json_t *jstrings(char *const *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; i < n && a != NULL; i++) {
        if (json_array_append_new(a, json_string(v[i])) != 0) {
            json_decref(a);
            a = NULL;
        }
    }
    return a;
}

/* json_object_set_new() steals the value even on failure (and fails on a
 * NULL value), so a chain of calls needs only their results or-ed. */
static int set(json_t *obj, const char *key, json_t *value)
{
    return json_object_set_new(obj, key, value) != 0;
}

static json_t *jsizes(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, jint(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

/* A binned column's members (models/README.md "binned columns"). */
static int build_binned(json_t *o, const struct lsc_column_enc *c)
{
    int bad = 0;
    json_t *cuts = json_array();
    for (size_t k = 0; cuts != NULL && k < c->n_cuts; k++)
        bad |= json_array_append_new(cuts, json_real(c->cuts[k])) != 0;
    bad |= set(o, "type", json_string("binned"));
    bad |= set(o, "median", json_real(c->median));
    bad |= set(o, "mean", json_real(c->mean));
    bad |= set(o, "sd", json_real(c->sd));
    bad |= set(o, "cuts", cuts);
    bad |= set(o, "bin_features", jsizes(c->bin_feature, c->n_cuts));
    bad |= set(o, "bin_counts", jsizes(c->bin_count, c->n_cuts + 1));
    bad |= set(o, "missing_feature", jindex(c->missing_feature));
    bad |= set(o, "missing_count", jint(c->missing_count));
    if (c->derived)
        bad |= set(o, "derived", lsc_derive_to_json(c));
    return bad;
}

static json_t *build_column(const struct lsc_column_enc *c)
{
    int bad = 0;
    json_t *o = json_object();
    json_t *levels = NULL;
    if (o == NULL)
        goto cleanup;
    bad |= set(o, "name", json_string(c->name));
    if (c->type == LSC_COL_NUMERIC) {
        bad |= set(o, "type", json_string("numeric"));
        bad |= set(o, "median", json_real(c->median));
        bad |= set(o, "mean", json_real(c->mean));
        bad |= set(o, "sd", json_real(c->sd));
        bad |= set(o, "feature", jint(c->feature));
        bad |= set(o, "missing_feature", jindex(c->missing_feature));
        if (c->derived)
            bad |= set(o, "derived", lsc_derive_to_json(c));
    } else if (c->type == LSC_COL_BINNED) {
        bad |= build_binned(o, c);
    } else {
        bad |= set(o, "type", json_string("categorical"));
        levels = json_array();
        bad |= set(o, "levels", levels);
        for (size_t k = 0; k < c->n_levels && !bad; k++) {
            json_t *lv = json_object();
            bad |= json_array_append_new(levels, lv) != 0;
            if (bad)
                break;
            bad |= set(lv, "name", json_string(c->levels[k]));
            bad |= set(lv, "count", jint(c->level_count[k]));
            bad |= set(lv, "feature", jindex(c->level_feature[k]));
        }
        bad |= set(o, "reference", jint(c->reference));
        bad |= set(o, "other", jindex(c->other));
        bad |= set(o, "missing", jindex(c->missing));
    }
    if (bad) {
        json_decref(o);
        o = NULL;
    }
cleanup:
    return o;
}

static void format_now(char *buf, size_t size)
{
    time_t t = time(NULL);
    struct tm tm;
    if (t == (time_t)-1 || gmtime_r(&t, &tm) == NULL ||
        strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
        snprintf(buf, size, "1970-01-01T00:00:00Z");
}

/* The holdout's validation tables (models/README.md): KS, Hosmer-Lemeshow,
 * calibration by decile of risk (lowest first) and gains by decile (highest
 * first). Non-zero when out of memory. */
static int build_holdout_tables(json_t *o, const struct lsc_holdout_metrics *h)
{
    int bad = 0;
    json_t *hl = json_object(), *cal = json_array(), *gains = json_array();
    bad |= set(o, "ks", jmetric(h->ks));
    bad |= set(o, "ks_threshold", jmetric(h->ks_threshold));
    bad |= set(o, "hosmer_lemeshow", hl);
    bad |= set(o, "calibration", cal);
    bad |= set(o, "gains", gains);
    if (bad)
        return bad;
    bad |= set(hl, "statistic", jmetric(h->hl.statistic));
    bad |= set(hl, "df", jint(h->hl.df));
    bad |= set(hl, "p_value", jmetric(h->hl.p_value));
    bad |= set(hl, "groups", jint(h->hl.groups));
    for (size_t g = 1; g <= CURVES_DECILES && !bad; g++) {
        const struct curves_decile *d = &h->deciles[CURVES_DECILES - g];
        json_t *e = json_object();
        bad |= json_array_append_new(cal, e) != 0;
        if (bad)
            break;
        bad |= set(e, "group", jint(g));
        bad |= set(e, "rows", jint(d->rows));
        bad |= set(e, "weight", json_real(d->weight));
        bad |= set(e, "positives", json_real(d->positives));
        bad |= set(e, "mean_predicted", jmetric(d->mean_predicted));
        bad |= set(e, "observed_rate", jmetric(d->conversion_rate));
    }
    for (size_t k = 0; k < CURVES_DECILES && !bad; k++) {
        const struct curves_decile *d = &h->deciles[k];
        json_t *e = json_object();
        bad |= json_array_append_new(gains, e) != 0;
        if (bad)
            break;
        bad |= set(e, "decile", jint(d->decile));
        bad |= set(e, "rows", jint(d->rows));
        bad |= set(e, "positives", json_real(d->positives));
        bad |= set(e, "conversion_rate", jmetric(d->conversion_rate));
        bad |= set(e, "score_min", jmetric(d->score_min));
        bad |= set(e, "score_max", jmetric(d->score_max));
        bad |= set(e, "lift", jmetric(d->lift));
        bad |= set(e, "cumulative_capture", jmetric(d->cumulative_capture));
        bad |= set(e, "cumulative_lift", jmetric(d->cumulative_lift));
    }
    return bad;
}

/* The JSON tree of a validated model; NULL when out of memory. */
/* The features array: name, estimate and (when computed) inference. */
static json_t *build_features(const struct lsc_model *m)
{
    int bad = 0;
    json_t *a = json_array();
    for (size_t i = 0; i < m->n_features && a != NULL && !bad; i++) {
        json_t *o = json_object();
        bad |= json_array_append_new(a, o) != 0;
        if (bad)
            break;
        bad |= set(o, "name", json_string(m->feature_names[i]));
        bad |= set(o, "estimate", json_real(m->coef[i]));
        if (m->coef_stats != NULL) {
            const struct lsc_coef_stat *cs = &m->coef_stats[i];
            bad |= set(o, "std_error", jmetric(cs->std_error));
            bad |= set(o, "z", jmetric(cs->z));
            bad |= set(o, "p_value", jmetric(cs->p_value));
            bad |= set(o, "ci_low", jmetric(cs->ci_low));
            bad |= set(o, "ci_high", jmetric(cs->ci_high));
            bad |= set(o, "odds_ratio", jmetric(exp(m->coef[i])));
        }
    }
    if (bad) {
        json_decref(a);
        return NULL;
    }
    return a;
}

static json_t *build_model(const struct lsc_model *m)
{
    int bad = 0;
    char now[32];
    json_t *root = json_object(), *o = NULL, *a = NULL;
    if (root == NULL)
        goto cleanup;
    if (m->created == NULL)
        format_now(now, sizeof now);
    bad |= set(root, "format", json_string(LSC_MODEL_FORMAT));
    bad |= set(root, "format_version", json_integer(LSC_MODEL_FORMAT_VERSION));
    bad |= set(root, "created", json_string(m->created != NULL ? m->created : now));
    bad |= set(root, "tool_version",
               json_string(m->tool_version != NULL ? m->tool_version : LEADSCORE_VERSION));

    o = json_object();
    bad |= set(root, "training", o);
    if (!bad) {
        bad |= set(o, "file", json_string(m->training_file));
        bad |= set(o, "sha256", json_string(m->training_sha256));
        bad |= set(o, "rows_read", jint(m->rows_read));
        bad |= set(o, "rows_used", jint(m->rows_used));
        bad |= set(o, "rows_skipped", jint(m->rows_skipped));
        bad |= set(o, "positives", jint(m->positives));
    }

    bad |= set(root, "options", m->options != NULL ? json_incref(m->options) : json_object());

    o = json_object();
    bad |= set(root, "roles", o);
    if (!bad) {
        bad |= set(o, "target", json_string(m->target));
        bad |= set(o, "positive_values", jstrings(m->positive_values, m->n_positive_values));
        bad |= set(o, "ids", jstrings(m->ids, m->n_ids));
        bad |= set(o, "na_values", jstrings(m->na_values, m->n_na_values));
    }

    a = json_array();
    bad |= set(root, "columns", a);
    for (size_t j = 0; j < m->n_columns && a != NULL && !bad; j++)
        bad |= json_array_append_new(a, build_column(&m->columns[j])) != 0;
    bad |= lsc_model_pairs_to_json(m, root);

    bad |= set(root, "features", build_features(m));

    o = json_object();
    bad |= set(root, "fit", o);
    if (!bad) {
        bad |= set(o, "l2", json_real(m->l2));
        bad |= set(o, "iterations", jint(m->iterations));
        bad |= set(o, "converged", json_boolean(m->converged));
        bad |= set(o, "objective", json_real(m->objective));
        bad |= set(o, "refit", json_boolean(m->refit));
        if (!m->fit_stats.present) {
            bad |= set(o, "statistics", json_null());
        } else {
            const struct lsc_fit_stat *f = &m->fit_stats;
            json_t *fs = json_object();
            bad |= set(o, "statistics", fs);
            if (!bad) {
                bad |= set(fs, "penalised", json_boolean(f->penalised));
                bad |= set(fs, "log_likelihood", jmetric(f->log_likelihood));
                bad |= set(fs, "null_log_likelihood", jmetric(f->null_log_likelihood));
                bad |= set(fs, "deviance", jmetric(f->deviance));
                bad |= set(fs, "null_deviance", jmetric(f->null_deviance));
                bad |= set(fs, "mcfadden_r2", jmetric(f->mcfadden_r2));
                bad |= set(fs, "aic", jmetric(f->aic));
                bad |= set(fs, "bic", jmetric(f->bic));
                bad |= set(fs, "lr_statistic", jmetric(f->lr_statistic));
                bad |= set(fs, "lr_df", jmetric(f->lr_df));
                bad |= set(fs, "lr_p_value", jmetric(f->lr_p_value));
            }
        }
        bad |= lsc_model_penalty_to_json(m, o);
    }

    if (!m->holdout.present) {
        bad |= set(root, "holdout", json_null());
    } else {
        const struct lsc_holdout_metrics *h = &m->holdout;
        o = json_object();
        bad |= set(root, "holdout", o);
        if (!bad) {
            bad |= set(o, "rows", jint(h->rows));
            bad |= set(o, "positives", jint(h->positives));
            bad |= set(o, "auc", jmetric(h->auc));
            bad |= set(o, "log_loss", jmetric(h->log_loss));
            bad |= set(o, "brier", jmetric(h->brier));
            bad |= set(o, "base_rate", jmetric(h->base_rate));
            bad |= set(o, "precision_at_50", jmetric(h->precision_at_50));
            bad |= set(o, "recall_at_50", jmetric(h->recall_at_50));
            bad |= set(o, "accuracy_at_50", jmetric(h->accuracy_at_50));
            if (h->tables_present)
                bad |= build_holdout_tables(o, h);
        }
    }

    if (!bad)
        bad |= lsc_model_weighting_build(root, m) != 0;
    if (!bad)
        bad |= lsc_model_events_build(root, m) != 0;

    a = json_array();
    bad |= set(root, "warnings", a);
    for (size_t i = 0; i < m->n_warnings && a != NULL && !bad; i++) {
        o = json_object();
        bad |= json_array_append_new(a, o) != 0;
        if (bad)
            break;
        bad |= set(o, "code", json_string(m->warnings[i].code));
        bad |= set(o, "message", json_string(m->warnings[i].message));
    }

    o = json_object();
    bad |= set(root, "score", o);
    if (!bad) {
        json_t *tiers = json_object();
        bad |= set(o, "probability", json_string(PROBABILITY_RULE));
        bad |= set(o, "score", json_string(SCORE_RULE));
        bad |= set(o, "tiers", tiers);
        if (!bad) {
            bad |= set(tiers, "hot", json_real(m->tier_hot));
            bad |= set(tiers, "warm", json_real(m->tier_warm));
        }
    }
    if (m->drift != NULL)
        bad |= set(root, "drift", lsc_drift_ref_to_json(m));
    if (m->accounts != NULL)
        bad |= set(root, "accounts", lsc_model_accounts_to_json(m->accounts));
    if (m->baseline != NULL)
        bad |= set(root, "baseline", lsc_baseline_to_json(m->baseline));
cleanup:
    if (bad) {
        json_decref(root);
        root = NULL;
    }
    return root;
}

/* Serialises root with DUMP_FLAGS into *out (lsc_malloc'd): *len bytes of
 * JSON followed by room for extra more bytes. */
static enum lsc_status dump_json(const json_t *root, size_t extra, char **out, size_t *len,
                                 struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char *buf = NULL;
    size_t n = json_dumpb(root, NULL, 0, DUMP_FLAGS);
    *out = NULL;
    *len = 0;
    if (n == 0 || n > SIZE_MAX - extra) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    buf = lsc_malloc(n + extra);
    if (buf == NULL || json_dumpb(root, buf, n, DUMP_FLAGS) != n) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    *out = buf;
    *len = n;
    buf = NULL;
cleanup:
    lsc_free(buf);
    return st;
}

/* The model checksum: "sha256:" and the SHA-256 (lowercase hex) of root
 * serialised exactly as the file is written (DUMP_FLAGS, no final newline),
 * without a "checksum" member. Since jansson keeps member order and leadscore
 * writes reals with 17 digits, a file leadscore wrote re-serialises to the
 * same bytes after loading, so the loader can recompute it. */
static enum lsc_status compute_checksum(const json_t *root, char out[CHECKSUM_LEN + 1],
                                        struct lsc_error *err)
{
    char *text = NULL;
    size_t len = 0;
    unsigned char digest[32];
    struct sha256_ctx ctx;
    enum lsc_status st = dump_json(root, 0, &text, &len, err);
    if (st != LSC_OK)
        goto cleanup;
    lsc_sha256_init(&ctx);
    lsc_sha256_update(&ctx, text, len);
    lsc_sha256_final(&ctx, digest);
    memcpy(out, CHECKSUM_PREFIX, sizeof CHECKSUM_PREFIX - 1);
    lsc_sha256_hex(digest, out + sizeof CHECKSUM_PREFIX - 1);
cleanup:
    lsc_free(text);
    return st;
}

/* Validates and serialises m: *text (lsc_malloc'd, NUL-terminated) holds
 * *len bytes of JSON ending in a newline, with the checksum as the last
 * top-level member. */
static enum lsc_status serialise(const struct lsc_model *m, char **text, size_t *len,
                                 struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    json_t *root = NULL;
    char *buf = NULL;
    char sum[CHECKSUM_LEN + 1];
    size_t n = 0;

    *text = NULL;
    *len = 0;
    use_lsc_allocator();
    st = lsc_model_validate(m, NULL, err);
    if (st == LSC_OK)
        st = check_model_utf8(m, err);
    if (st != LSC_OK)
        goto cleanup;
    root = build_model(m);
    if (root == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = compute_checksum(root, sum, err);
    if (st != LSC_OK)
        goto cleanup;
    if (set(root, CHECKSUM_KEY, json_string(sum))) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = dump_json(root, 2, &buf, &n, err);
    if (st != LSC_OK)
        goto cleanup;
    buf[n] = '\n';
    buf[n + 1] = '\0';
    *text = buf;
    *len = n + 1;
    buf = NULL;
cleanup:
    lsc_free(buf);
    json_decref(root);
    return st;
}

char *lsc_model_to_json(const struct lsc_model *m)
{
    char *text = NULL, *out = NULL;
    size_t len = 0;
    if (serialise(m, &text, &len, NULL) != LSC_OK)
        goto cleanup;
    /* The public contract is "free with free()", so the copy handed out
     * comes from the C library rather than the allocation hook. */
    out = malloc(len + 1);
    if (out != NULL)
        memcpy(out, text, len + 1);
cleanup:
    lsc_free(text);
    return out;
}

enum save_kind { SAVE_STDOUT, SAVE_DIRECT, SAVE_ATOMIC };

/* Decides how to write path. Only an existing regular file is protected by
 * force; a device or FIFO that exists (/dev/stdout, /dev/null) is written in
 * place, never renamed over. */
static enum lsc_status check_target(const char *path, int force, enum save_kind *kind,
                                    struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct stat sb;
    *kind = SAVE_ATOMIC;
    if (strcmp(path, "-") == 0)
        *kind = SAVE_STDOUT;
    else if (stat(path, &sb) != 0)
        *kind = SAVE_ATOMIC; /* absent (or unreachable: creating the temporary file will say) */
    else if (S_ISDIR(sb.st_mode))
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "is a directory");
    else if (!S_ISREG(sb.st_mode))
        *kind = SAVE_DIRECT;
    else if (!force)
        st = lsc_error_set(err, LSC_ERR_EXISTS, path, 0, 0, "exists; use --force to replace it");
    return st;
}

/* Writes and flushes; returns 0 or an errno value. Does not close fp. */
static int write_flush(FILE *fp, const char *text, size_t len, int sync)
{
    int e = 0;
    errno = 0;
    if (fwrite(text, 1, len, fp) != len || fflush(fp) != 0)
        e = errno ? errno : EIO;
    else if (sync && fsync(fileno(fp)) != 0)
        e = errno;
    return e;
}

static enum lsc_status save_direct(const char *path, const char *text, size_t len,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    FILE *fp = fopen(path, "w");
    if (fp == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    int e = write_flush(fp, text, len, 0);
    if (fclose(fp) != 0 && e == 0)
        e = errno;
    if (e != 0)
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "write failed: %s", strerror(e));
cleanup:
    return st;
}

static enum lsc_status save_atomic(const char *path, int force, const char *text, size_t len,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    static const char suffix[] = ".tmpXXXXXX";
    size_t n = strlen(path);
    char *tmp = NULL;
    int fd = -1, e = 0, slot = -1;
    FILE *fp = NULL;
    struct stat sb;

    tmp = lsc_malloc(n + sizeof suffix);
    if (tmp == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    memcpy(tmp, path, n);
    memcpy(tmp + n, suffix, sizeof suffix);
    fd = lsc_tempreg_create(tmp, &slot);
    if (fd < 0) {
        st = lsc_outfile_temp_error(path, errno, err);
        lsc_free(tmp);
        tmp = NULL;
        goto cleanup;
    }
    /* the temporary file is created 0600; a model is an ordinary readable file */
    if (fchmod(fd, 0644) != 0 || (fp = fdopen(fd, "w")) == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot write: %s", strerror(errno));
        close(fd);
        goto cleanup;
    }
    e = write_flush(fp, text, len, 1);
    if (fclose(fp) != 0 && e == 0)
        e = errno;
    if (e != 0) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "write failed: %s", strerror(e));
        goto cleanup;
    }
    /* checked again: the file may have appeared while we wrote */
    if (!force && stat(path, &sb) == 0) {
        st = lsc_error_set(err, LSC_ERR_EXISTS, path, 0, 0, "exists; use --force to replace it");
        goto cleanup;
    }
    if (rename(tmp, path) != 0) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot rename into place: %s",
                           strerror(errno));
        goto cleanup;
    }
    lsc_free(tmp);
    tmp = NULL;
cleanup:
    if (tmp != NULL) {
        (void)unlink(tmp);
        lsc_free(tmp);
    }
    lsc_tempreg_drop(slot);
    return st;
}

enum lsc_status lsc_model_save(const struct lsc_model *m, const char *path, int force,
                               struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    enum save_kind kind = SAVE_ATOMIC;
    char *text = NULL;
    size_t len = 0;

    /* refuse early, before the work */
    st = check_target(path, force, &kind, err);
    if (st == LSC_OK)
        st = serialise(m, &text, &len, err);
    if (st != LSC_OK)
        goto cleanup;
    switch (kind) {
    case SAVE_STDOUT: {
        int e = write_flush(stdout, text, len, 0);
        if (e != 0)
            st = lsc_error_set(err, LSC_ERR_IO, STDOUT_NAME, 0, 0, "write failed: %s", strerror(e));
        break;
    }
    case SAVE_DIRECT:
        st = save_direct(path, text, len, err);
        break;
    case SAVE_ATOMIC:
        st = save_atomic(path, force, text, len, err);
        break;
    }
cleanup:
    lsc_free(text);
    return st;
}

/* ---- loading --------------------------------------------------------------- */

static enum lsc_status read_all(const char *path, const char *name, char **out, size_t *outlen,
                                struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    int is_stdin = strcmp(path, "-") == 0;
    FILE *fp = is_stdin ? stdin : fopen(path, "rb");
    char *buf = NULL;
    size_t len = 0, cap = 0;

    if (fp == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    for (;;) {
        if (cap - len < READ_CHUNK) {
            size_t ncap = cap ? cap * 2 : READ_CHUNK;
            char *p = ncap > cap ? lsc_realloc(buf, ncap) : NULL;
            if (p == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            buf = p;
            cap = ncap;
        }
        size_t got = fread(buf + len, 1, cap - len, fp);
        len += got;
        if (got == 0)
            break;
    }
    if (ferror(fp)) {
        st = lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "read failed: %s", strerror(errno));
        goto cleanup;
    }
    *out = buf;
    *outlen = len;
    buf = NULL;
cleanup:
    if (fp != NULL && !is_stdin)
        fclose(fp);
    lsc_free(buf);
    return st;
}

/* Field readers. prefix is the JSON path of obj ("" at the top), key the
 * member; messages read "prefix.key: what". */
struct reader {
    const char *file;
    struct lsc_error *err;
};

static enum lsc_status field_error(const struct reader *r, const char *prefix, const char *key,
                                   const char *what)
{
    return lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s%s%s: %s", prefix,
                         prefix[0] != '\0' ? "." : "", key, what);
}

static enum lsc_status member(const struct reader *r, const json_t *obj, const char *prefix,
                              const char *key, json_t **out)
{
    *out = json_object_get(obj, key);
    return *out != NULL ? LSC_OK : field_error(r, prefix, key, "missing");
}

static enum lsc_status get_object(const struct reader *r, const json_t *obj, const char *prefix,
                                  const char *key, json_t **out)
{
    enum lsc_status st = member(r, obj, prefix, key, out);
    if (st == LSC_OK && !json_is_object(*out))
        st = field_error(r, prefix, key, "expected an object");
    return st;
}

static enum lsc_status get_array(const struct reader *r, const json_t *obj, const char *prefix,
                                 const char *key, json_t **out)
{
    enum lsc_status st = member(r, obj, prefix, key, out);
    if (st == LSC_OK && !json_is_array(*out))
        st = field_error(r, prefix, key, "expected an array");
    return st;
}

static enum lsc_status get_string(const struct reader *r, const json_t *obj, const char *prefix,
                                  const char *key, char **out)
{
    json_t *v = NULL;
    enum lsc_status st = member(r, obj, prefix, key, &v);
    if (st == LSC_OK && !json_is_string(v))
        st = field_error(r, prefix, key, "expected a string");
    if (st == LSC_OK) {
        lsc_free(*out);
        *out = lsc_strdup(json_string_value(v));
        if (*out == NULL)
            st = lsc_error_nomem(r->err);
    }
    return st;
}

/* A number (integer or real); null gives NaN when nullable. */
static enum lsc_status get_number(const struct reader *r, const json_t *obj, const char *prefix,
                                  const char *key, int nullable, double *out)
{
    json_t *v = NULL;
    enum lsc_status st = member(r, obj, prefix, key, &v);
    if (st != LSC_OK)
        goto cleanup;
    if (nullable && json_is_null(v))
        *out = NAN;
    else if (json_is_number(v))
        *out = json_number_value(v);
    else
        st = field_error(r, prefix, key,
                         nullable ? "expected a number or null" : "expected a number");
cleanup:
    return st;
}

/* A non-negative integer; null gives SIZE_MAX when nullable. */
static enum lsc_status get_size(const struct reader *r, const json_t *obj, const char *prefix,
                                const char *key, int nullable, size_t *out)
{
    json_t *v = NULL;
    enum lsc_status st = member(r, obj, prefix, key, &v);
    if (st != LSC_OK)
        goto cleanup;
    if (nullable && json_is_null(v))
        *out = SIZE_MAX;
    else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
             (uintmax_t)json_integer_value(v) < (uintmax_t)SIZE_MAX)
        *out = (size_t)json_integer_value(v);
    else
        st = field_error(r, prefix, key,
                         nullable ? "expected a non-negative integer or null"
                                  : "expected a non-negative integer");
cleanup:
    return st;
}

static enum lsc_status get_bool(const struct reader *r, const json_t *obj, const char *prefix,
                                const char *key, int *out)
{
    json_t *v = NULL;
    enum lsc_status st = member(r, obj, prefix, key, &v);
    if (st == LSC_OK && !json_is_boolean(v))
        st = field_error(r, prefix, key, "expected true or false");
    if (st == LSC_OK)
        *out = json_is_true(v);
    return st;
}

static enum lsc_status get_strings(const struct reader *r, const json_t *obj, const char *prefix,
                                   const char *key, char ***out, size_t *n)
{
    json_t *a = NULL;
    char elem[PATH_MAX_LEN];
    enum lsc_status st = get_array(r, obj, prefix, key, &a);
    if (st != LSC_OK)
        goto cleanup;
    size_t count = json_array_size(a);
    *out = lsc_calloc(count ? count : 1, sizeof **out);
    if (*out == NULL) {
        st = lsc_error_nomem(r->err);
        goto cleanup;
    }
    *n = count;
    for (size_t i = 0; i < count; i++) {
        json_t *v = json_array_get(a, i);
        if (!json_is_string(v)) {
            snprintf(elem, sizeof elem, "%s[%zu]", key, i);
            st = field_error(r, prefix, elem, "expected a string");
            goto cleanup;
        }
        (*out)[i] = lsc_strdup(json_string_value(v));
        if ((*out)[i] == NULL) {
            st = lsc_error_nomem(r->err);
            goto cleanup;
        }
    }
cleanup:
    return st;
}

/* A string member that must have one exact value. */
static enum lsc_status expect_string(const struct reader *r, const json_t *obj, const char *prefix,
                                     const char *key, const char *value)
{
    json_t *v = NULL;
    char what[256];
    enum lsc_status st = member(r, obj, prefix, key, &v);
    if (st == LSC_OK && (!json_is_string(v) || strcmp(json_string_value(v), value) != 0)) {
        snprintf(what, sizeof what, "expected \"%s\"", value);
        st = field_error(r, prefix, key, what);
    }
    return st;
}

static enum lsc_status parse_header(const struct reader *r, const json_t *root)
{
    enum lsc_status st = LSC_OK;
    json_t *v = json_object_get(root, "format");
    if (!json_is_string(v) || strcmp(json_string_value(v), LSC_MODEL_FORMAT) != 0) {
        st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0,
                           "not a leadscore model: \"format\" is not \"" LSC_MODEL_FORMAT "\"");
        goto cleanup;
    }
    v = json_object_get(root, "format_version");
    if (!json_is_integer(v) || json_integer_value(v) < 1) {
        st = field_error(r, "", "format_version", "expected a positive integer");
        goto cleanup;
    }
    if (json_integer_value(v) > LSC_MODEL_FORMAT_VERSION)
        st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0,
                           "model format version %" JSON_INTEGER_FORMAT
                           " is newer than this leadscore understands (%d)",
                           json_integer_value(v), LSC_MODEL_FORMAT_VERSION);
cleanup:
    return st;
}

static enum lsc_status parse_training(const struct reader *r, const json_t *root,
                                      struct lsc_model *m)
{
    json_t *o = NULL;
    const char *p = "training";
    enum lsc_status st = get_object(r, root, "", p, &o);
    if (st == LSC_OK)
        st = get_string(r, o, p, "file", &m->training_file);
    if (st == LSC_OK)
        st = get_string(r, o, p, "sha256", &m->training_sha256);
    if (st == LSC_OK && !is_hex64(m->training_sha256))
        st = field_error(r, p, "sha256", "expected 64 hexadecimal digits");
    if (st == LSC_OK)
        st = get_size(r, o, p, "rows_read", 0, &m->rows_read);
    if (st == LSC_OK)
        st = get_size(r, o, p, "rows_used", 0, &m->rows_used);
    if (st == LSC_OK)
        st = get_size(r, o, p, "rows_skipped", 0, &m->rows_skipped);
    if (st == LSC_OK)
        st = get_size(r, o, p, "positives", 0, &m->positives);
    return st;
}

static enum lsc_status parse_roles(const struct reader *r, const json_t *root, struct lsc_model *m)
{
    json_t *o = NULL;
    const char *p = "roles";
    enum lsc_status st = get_object(r, root, "", p, &o);
    if (st == LSC_OK)
        st = get_string(r, o, p, "target", &m->target);
    if (st == LSC_OK)
        st = get_strings(r, o, p, "positive_values", &m->positive_values, &m->n_positive_values);
    if (st == LSC_OK)
        st = get_strings(r, o, p, "ids", &m->ids, &m->n_ids);
    if (st == LSC_OK)
        st = get_strings(r, o, p, "na_values", &m->na_values, &m->n_na_values);
    return st;
}

static enum lsc_status parse_levels(const struct reader *r, const json_t *col, const char *p,
                                    struct lsc_column_enc *c)
{
    json_t *a = NULL;
    char lp[2 * PATH_MAX_LEN]; /* p plus ".levels[k]" */
    enum lsc_status st = get_array(r, col, p, "levels", &a);
    if (st != LSC_OK)
        goto cleanup;
    size_t n = json_array_size(a);
    c->levels = lsc_calloc(n ? n : 1, sizeof *c->levels);
    c->level_feature = lsc_calloc(n ? n : 1, sizeof *c->level_feature);
    c->level_count = lsc_calloc(n ? n : 1, sizeof *c->level_count);
    if (c->levels == NULL || c->level_feature == NULL || c->level_count == NULL) {
        st = lsc_error_nomem(r->err);
        goto cleanup;
    }
    c->n_levels = n;
    c->training_count_total = 0;
    for (size_t k = 0; k < n && st == LSC_OK; k++) {
        json_t *lv = json_array_get(a, k);
        snprintf(lp, sizeof lp, "%s.levels[%zu]", p, k);
        if (!json_is_object(lv)) {
            st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s: expected an object", lp);
            break;
        }
        st = get_string(r, lv, lp, "name", &c->levels[k]);
        if (st == LSC_OK)
            st = get_size(r, lv, lp, "count", 0, &c->level_count[k]);
        if (st == LSC_OK)
            st = get_size(r, lv, lp, "feature", 1, &c->level_feature[k]);
        if (st == LSC_OK) {
            if (c->level_count[k] > SIZE_MAX - c->training_count_total)
                st = field_error(r, lp, "count", "too large");
            else
                c->training_count_total += c->level_count[k];
        }
    }
cleanup:
    return st;
}

/* An array of n numbers (integers when sizes is non-NULL) at prefix.key. */
static enum lsc_status get_numbers(const struct reader *r, const json_t *obj, const char *prefix,
                                   const char *key, size_t n, double *reals, size_t *sizes)
{
    json_t *a = NULL;
    char ip[2 * PATH_MAX_LEN];
    enum lsc_status st = get_array(r, obj, prefix, key, &a);
    if (st == LSC_OK && json_array_size(a) != n)
        st = field_error(r, prefix, key, "wrong length (one per cut, bins one more)");
    for (size_t k = 0; k < n && st == LSC_OK; k++) {
        json_t *v = json_array_get(a, k);
        snprintf(ip, sizeof ip, "%s.%s[%zu]", prefix, key, k);
        if (sizes != NULL && json_is_integer(v) && json_integer_value(v) >= 0)
            sizes[k] = (size_t)json_integer_value(v);
        else if (sizes == NULL && json_is_number(v))
            reals[k] = json_number_value(v);
        else
            st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s: expected %s", ip,
                               sizes ? "a non-negative integer" : "a number");
    }
    return st;
}

static enum lsc_status parse_binned(const struct reader *r, const json_t *col, const char *p,
                                    struct lsc_column_enc *c)
{
    json_t *a = NULL;
    c->type = LSC_COL_BINNED;
    enum lsc_status st = get_number(r, col, p, "median", 0, &c->median);
    if (st == LSC_OK)
        st = get_number(r, col, p, "mean", 0, &c->mean);
    if (st == LSC_OK)
        st = get_number(r, col, p, "sd", 0, &c->sd);
    if (st == LSC_OK)
        st = get_array(r, col, p, "cuts", &a);
    if (st != LSC_OK)
        return st;
    size_t n = json_array_size(a);
    c->cuts = lsc_calloc(n ? n : 1, sizeof *c->cuts);
    c->bin_feature = lsc_calloc(n ? n : 1, sizeof *c->bin_feature);
    c->bin_count = lsc_calloc(n + 1, sizeof *c->bin_count);
    if (c->cuts == NULL || c->bin_feature == NULL || c->bin_count == NULL)
        return lsc_error_nomem(r->err);
    c->n_cuts = n;
    st = get_numbers(r, col, p, "cuts", n, c->cuts, NULL);
    if (st == LSC_OK)
        st = get_numbers(r, col, p, "bin_features", n, NULL, c->bin_feature);
    if (st == LSC_OK)
        st = get_numbers(r, col, p, "bin_counts", n + 1, NULL, c->bin_count);
    if (st == LSC_OK)
        st = get_size(r, col, p, "missing_feature", 1, &c->missing_feature);
    if (st == LSC_OK)
        st = get_size(r, col, p, "missing_count", 0, &c->missing_count);
    if (st == LSC_OK && json_object_get(col, "derived") != NULL)
        st = lsc_derive_from_json(c, json_object_get(col, "derived"), p, r->file, r->err);
    return st;
}

static enum lsc_status parse_column(const struct reader *r, const json_t *col, size_t j,
                                    struct lsc_column_enc *c)
{
    enum lsc_status st = LSC_OK;
    char p[PATH_MAX_LEN];
    json_t *type = NULL;
    snprintf(p, sizeof p, "columns[%zu]", j);
    c->feature = LSC_NO_FEATURE;
    c->missing_feature = LSC_NO_FEATURE;
    c->reference = SIZE_MAX;
    c->other = SIZE_MAX;
    c->missing = SIZE_MAX;
    if (!json_is_object(col)) {
        st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s: expected an object", p);
        goto cleanup;
    }
    st = get_string(r, col, p, "name", &c->name);
    if (st == LSC_OK)
        st = member(r, col, p, "type", &type);
    if (st != LSC_OK)
        goto cleanup;
    if (json_is_string(type) && strcmp(json_string_value(type), "numeric") == 0) {
        c->type = LSC_COL_NUMERIC;
        st = get_number(r, col, p, "median", 0, &c->median);
        if (st == LSC_OK)
            st = get_number(r, col, p, "mean", 0, &c->mean);
        if (st == LSC_OK)
            st = get_number(r, col, p, "sd", 0, &c->sd);
        if (st == LSC_OK)
            st = get_size(r, col, p, "feature", 0, &c->feature);
        if (st == LSC_OK)
            st = get_size(r, col, p, "missing_feature", 1, &c->missing_feature);
        if (st == LSC_OK && json_object_get(col, "derived") != NULL)
            st = lsc_derive_from_json(c, json_object_get(col, "derived"), p, r->file, r->err);
    } else if (json_is_string(type) && strcmp(json_string_value(type), "binned") == 0) {
        st = parse_binned(r, col, p, c);
    } else if (json_is_string(type) && strcmp(json_string_value(type), "categorical") == 0) {
        c->type = LSC_COL_CATEGORICAL;
        st = parse_levels(r, col, p, c);
        if (st == LSC_OK)
            st = get_size(r, col, p, "reference", 0, &c->reference);
        if (st == LSC_OK)
            st = get_size(r, col, p, "other", 1, &c->other);
        if (st == LSC_OK)
            st = get_size(r, col, p, "missing", 1, &c->missing);
    } else {
        st = field_error(r, p, "type", "expected \"numeric\", \"binned\" or \"categorical\"");
    }
cleanup:
    return st;
}

static enum lsc_status parse_columns(const struct reader *r, const json_t *root,
                                     struct lsc_model *m)
{
    json_t *a = NULL;
    enum lsc_status st = get_array(r, root, "", "columns", &a);
    if (st != LSC_OK)
        goto cleanup;
    size_t n = json_array_size(a);
    m->columns = lsc_calloc(n ? n : 1, sizeof *m->columns);
    if (m->columns == NULL) {
        st = lsc_error_nomem(r->err);
        goto cleanup;
    }
    m->n_columns = n; /* zeroed columns free cleanly */
    for (size_t j = 0; j < n && st == LSC_OK; j++)
        st = parse_column(r, json_array_get(a, j), j, &m->columns[j]);
cleanup:
    return st;
}

static enum lsc_status parse_features(const struct reader *r, const json_t *root,
                                      struct lsc_model *m)
{
    json_t *a = NULL;
    char p[PATH_MAX_LEN];
    enum lsc_status st = get_array(r, root, "", "features", &a);
    if (st != LSC_OK)
        goto cleanup;
    size_t n = json_array_size(a);
    m->feature_names = lsc_calloc(n ? n : 1, sizeof *m->feature_names);
    m->coef = lsc_calloc(n ? n : 1, sizeof *m->coef);
    if (m->feature_names == NULL || m->coef == NULL) {
        st = lsc_error_nomem(r->err);
        goto cleanup;
    }
    m->n_features = n;
    for (size_t i = 0; i < n && st == LSC_OK; i++) {
        json_t *f = json_array_get(a, i);
        snprintf(p, sizeof p, "features[%zu]", i);
        if (!json_is_object(f)) {
            st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s: expected an object", p);
            break;
        }
        st = get_string(r, f, p, "name", &m->feature_names[i]);
        if (st == LSC_OK)
            st = get_number(r, f, p, "estimate", 0, &m->coef[i]);
        if (st != LSC_OK)
            break;
        /* inference: all features have it, or none */
        int has = json_object_get(f, "std_error") != NULL;
        if (i == 0 && has) {
            m->coef_stats = lsc_calloc(n, sizeof *m->coef_stats);
            if (m->coef_stats == NULL) {
                st = lsc_error_nomem(r->err);
                break;
            }
        }
        if (has != (m->coef_stats != NULL)) {
            st = field_error(r, p, "std_error", has ? "present, but not in features[0]"
                                                    : "missing, but present in features[0]");
            break;
        }
        if (!has)
            continue;
        struct lsc_coef_stat *cs = &m->coef_stats[i];
        st = get_number(r, f, p, "std_error", 1, &cs->std_error);
        if (st == LSC_OK)
            st = get_number(r, f, p, "z", 1, &cs->z);
        if (st == LSC_OK)
            st = get_number(r, f, p, "p_value", 1, &cs->p_value);
        if (st == LSC_OK)
            st = get_number(r, f, p, "ci_low", 1, &cs->ci_low);
        if (st == LSC_OK)
            st = get_number(r, f, p, "ci_high", 1, &cs->ci_high);
        double odds = 0.0;
        if (st == LSC_OK)
            st = get_number(r, f, p, "odds_ratio", 1, &odds);
    }
cleanup:
    return st;
}

static enum lsc_status parse_fit(const struct reader *r, const json_t *root, struct lsc_model *m)
{
    json_t *o = NULL;
    const char *p = "fit";
    enum lsc_status st = get_object(r, root, "", p, &o);
    if (st == LSC_OK)
        st = get_number(r, o, p, "l2", 0, &m->l2);
    if (st == LSC_OK)
        st = get_size(r, o, p, "iterations", 0, &m->iterations);
    if (st == LSC_OK)
        st = get_bool(r, o, p, "converged", &m->converged);
    if (st == LSC_OK)
        st = get_number(r, o, p, "objective", 0, &m->objective);
    if (st == LSC_OK)
        st = get_bool(r, o, p, "refit", &m->refit);
    json_t *fs = NULL;
    if (st == LSC_OK)
        st = member(r, o, p, "statistics", &fs);
    if (st == LSC_OK)
        st = lsc_model_penalty_from_json(o, m, r->file, r->err);
    if (st != LSC_OK || json_is_null(fs))
        return st;
    if (!json_is_object(fs))
        return field_error(r, p, "statistics", "expected an object or null");
    const char *q = "fit.statistics";
    struct lsc_fit_stat *f = &m->fit_stats;
    f->present = 1;
    st = get_bool(r, fs, q, "penalised", &f->penalised);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "log_likelihood", 1, &f->log_likelihood);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "null_log_likelihood", 1, &f->null_log_likelihood);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "deviance", 1, &f->deviance);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "null_deviance", 1, &f->null_deviance);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "mcfadden_r2", 1, &f->mcfadden_r2);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "aic", 1, &f->aic);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "bic", 1, &f->bic);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "lr_statistic", 1, &f->lr_statistic);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "lr_df", 1, &f->lr_df);
    if (st == LSC_OK)
        st = get_number(r, fs, q, "lr_p_value", 1, &f->lr_p_value);
    return st;
}

static enum lsc_status parse_warnings(const struct reader *r, const json_t *root,
                                      struct lsc_model *m)
{
    json_t *a = NULL;
    char p[PATH_MAX_LEN];
    enum lsc_status st = get_array(r, root, "", "warnings", &a);
    if (st != LSC_OK)
        return st;
    size_t n = json_array_size(a);
    m->warnings = lsc_calloc(n ? n : 1, sizeof *m->warnings);
    if (m->warnings == NULL)
        return lsc_error_nomem(r->err);
    for (size_t i = 0; i < n && st == LSC_OK; i++) {
        json_t *w = json_array_get(a, i);
        snprintf(p, sizeof p, "warnings[%zu]", i);
        if (!json_is_object(w))
            return lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, "%s: expected an object", p);
        m->n_warnings = i + 1;
        st = get_string(r, w, p, "code", &m->warnings[i].code);
        if (st == LSC_OK)
            st = get_string(r, w, p, "message", &m->warnings[i].message);
    }
    return st;
}

/* A fraction in [0, 1], or null (NaN) when nullable. */
static enum lsc_status get_share(const struct reader *r, const json_t *obj, const char *prefix,
                                 const char *key, double *out)
{
    enum lsc_status st = get_number(r, obj, prefix, key, 1, out);
    if (st == LSC_OK && !isnan(*out) && !(*out >= 0.0 && *out <= 1.0))
        st = field_error(r, prefix, key, "expected a number in [0, 1] or null");
    return st;
}

/* A finite number >= 0. */
static enum lsc_status get_amount(const struct reader *r, const json_t *obj, const char *prefix,
                                  const char *key, double *out)
{
    enum lsc_status st = get_number(r, obj, prefix, key, 0, out);
    if (st == LSC_OK && !(isfinite(*out) && *out >= 0.0))
        st = field_error(r, prefix, key, "expected a finite number >= 0");
    return st;
}

/* The validation tables written by build_holdout_tables(): present as a
 * whole (from "ks" on) or not at all. The calibration groups are the gains
 * deciles in reverse order and must repeat their rows and rates. */
static enum lsc_status parse_holdout_tables(const struct reader *r, const json_t *o,
                                            struct lsc_holdout_metrics *h)
{
    char p[64];
    json_t *hl = NULL, *cal = NULL, *gains = NULL;
    size_t rows = 0, v = 0;
    double x = 0.0;
    enum lsc_status st = get_number(r, o, "holdout", "ks", 1, &h->ks);
    if (st == LSC_OK)
        st = get_number(r, o, "holdout", "ks_threshold", 1, &h->ks_threshold);
    if (st == LSC_OK && !isnan(h->ks) && !(h->ks >= 0.0 && h->ks <= 1.0))
        st = field_error(r, "holdout", "ks", "expected a number in [0, 1] or null");
    if (st == LSC_OK)
        st = get_object(r, o, "holdout", "hosmer_lemeshow", &hl);
    if (st == LSC_OK)
        st = get_number(r, hl, "holdout.hosmer_lemeshow", "statistic", 1, &h->hl.statistic);
    if (st == LSC_OK)
        st = get_size(r, hl, "holdout.hosmer_lemeshow", "df", 0, &h->hl.df);
    if (st == LSC_OK)
        st = get_share(r, hl, "holdout.hosmer_lemeshow", "p_value", &h->hl.p_value);
    if (st == LSC_OK)
        st = get_size(r, hl, "holdout.hosmer_lemeshow", "groups", 0, &h->hl.groups);
    if (st == LSC_OK && (h->hl.groups > CURVES_DECILES ||
                         h->hl.df != (h->hl.groups >= 3 ? h->hl.groups - 2 : 0)))
        st = field_error(r, "holdout", "hosmer_lemeshow",
                         "groups must be at most 10 and df = groups - 2 (0 below 3 groups)");
    if (st == LSC_OK)
        st = get_array(r, o, "holdout", "gains", &gains);
    if (st == LSC_OK)
        st = get_array(r, o, "holdout", "calibration", &cal);
    if (st == LSC_OK && (json_array_size(gains) != CURVES_DECILES ||
                         json_array_size(cal) != CURVES_DECILES))
        st = field_error(r, "holdout", json_array_size(gains) != CURVES_DECILES ? "gains"
                                                                                 : "calibration",
                         "expected 10 entries");
    for (size_t k = 0; k < CURVES_DECILES && st == LSC_OK; k++) {
        struct curves_decile *d = &h->deciles[k];
        json_t *e = json_array_get(gains, k);
        snprintf(p, sizeof p, "holdout.gains[%zu]", k);
        if (!json_is_object(e)) {
            st = field_error(r, "holdout", p + 8, "expected an object");
            break;
        }
        st = get_size(r, e, p, "decile", 0, &d->decile);
        if (st == LSC_OK && d->decile != k + 1)
            st = field_error(r, p, "decile", "expected the deciles 1 to 10 in order");
        if (st == LSC_OK)
            st = get_size(r, e, p, "rows", 0, &d->rows);
        if (st == LSC_OK)
            st = get_amount(r, e, p, "positives", &d->positives);
        if (st == LSC_OK)
            st = get_share(r, e, p, "conversion_rate", &d->conversion_rate);
        if (st == LSC_OK)
            st = get_number(r, e, p, "score_min", 1, &d->score_min);
        if (st == LSC_OK)
            st = get_number(r, e, p, "score_max", 1, &d->score_max);
        if (st == LSC_OK)
            st = get_number(r, e, p, "lift", 1, &d->lift);
        if (st == LSC_OK)
            st = get_share(r, e, p, "cumulative_capture", &d->cumulative_capture);
        if (st == LSC_OK)
            st = get_number(r, e, p, "cumulative_lift", 1, &d->cumulative_lift);
        if (st == LSC_OK && !(d->score_min <= d->score_max) &&
            !(isnan(d->score_min) && isnan(d->score_max) && d->rows == 0))
            st = field_error(r, p, "score_min", "must be <= score_max (null only when empty)");
        rows += d->rows;
    }
    for (size_t g = 1; g <= CURVES_DECILES && st == LSC_OK; g++) {
        struct curves_decile *d = &h->deciles[CURVES_DECILES - g];
        json_t *e = json_array_get(cal, g - 1);
        snprintf(p, sizeof p, "holdout.calibration[%zu]", g - 1);
        if (!json_is_object(e)) {
            st = field_error(r, "holdout", p + 8, "expected an object");
            break;
        }
        st = get_size(r, e, p, "group", 0, &v);
        if (st == LSC_OK && v != g)
            st = field_error(r, p, "group", "expected the groups 1 to 10 in order");
        if (st == LSC_OK)
            st = get_size(r, e, p, "rows", 0, &v);
        if (st == LSC_OK && v != d->rows)
            st = field_error(r, p, "rows", "differs from the matching gains decile");
        if (st == LSC_OK)
            st = get_amount(r, e, p, "weight", &d->weight);
        if (st == LSC_OK)
            st = get_amount(r, e, p, "positives", &x);
        if (st == LSC_OK && x != d->positives)
            st = field_error(r, p, "positives", "differs from the matching gains decile");
        if (st == LSC_OK)
            st = get_share(r, e, p, "mean_predicted", &d->mean_predicted);
        if (st == LSC_OK)
            st = get_share(r, e, p, "observed_rate", &x);
        if (st == LSC_OK && !(x == d->conversion_rate ||
                              (isnan(x) && isnan(d->conversion_rate))))
            st = field_error(r, p, "observed_rate", "differs from the matching gains decile");
    }
    if (st == LSC_OK && rows != h->rows)
        st = field_error(r, "holdout", "gains", "the deciles' rows do not add up to holdout.rows");
    if (st == LSC_OK)
        h->tables_present = 1;
    return st;
}

static enum lsc_status parse_holdout(const struct reader *r, const json_t *root,
                                     struct lsc_model *m)
{
    json_t *o = NULL;
    const char *p = "holdout";
    struct lsc_holdout_metrics *h = &m->holdout;
    enum lsc_status st = member(r, root, "", p, &o);
    if (st != LSC_OK || json_is_null(o))
        goto cleanup;
    if (!json_is_object(o)) {
        st = field_error(r, "", p, "expected an object or null");
        goto cleanup;
    }
    h->present = 1;
    st = get_size(r, o, p, "rows", 0, &h->rows);
    if (st == LSC_OK)
        st = get_size(r, o, p, "positives", 0, &h->positives);
    if (st == LSC_OK)
        st = get_number(r, o, p, "auc", 1, &h->auc);
    if (st == LSC_OK)
        st = get_number(r, o, p, "log_loss", 1, &h->log_loss);
    if (st == LSC_OK)
        st = get_number(r, o, p, "brier", 1, &h->brier);
    if (st == LSC_OK)
        st = get_number(r, o, p, "base_rate", 1, &h->base_rate);
    if (st == LSC_OK)
        st = get_number(r, o, p, "precision_at_50", 1, &h->precision_at_50);
    if (st == LSC_OK)
        st = get_number(r, o, p, "recall_at_50", 1, &h->recall_at_50);
    if (st == LSC_OK)
        st = get_number(r, o, p, "accuracy_at_50", 1, &h->accuracy_at_50);
    if (st == LSC_OK && json_object_get(o, "ks") != NULL)
        st = parse_holdout_tables(r, o, h);
cleanup:
    return st;
}

static enum lsc_status parse_score(const struct reader *r, const json_t *root, struct lsc_model *m)
{
    json_t *o = NULL, *tiers = NULL;
    enum lsc_status st = get_object(r, root, "", "score", &o);
    if (st == LSC_OK)
        st = expect_string(r, o, "score", "probability", PROBABILITY_RULE);
    if (st == LSC_OK)
        st = expect_string(r, o, "score", "score", SCORE_RULE);
    if (st == LSC_OK)
        st = get_object(r, o, "score", "tiers", &tiers);
    if (st == LSC_OK)
        st = get_number(r, tiers, "score.tiers", "hot", 0, &m->tier_hot);
    if (st == LSC_OK)
        st = get_number(r, tiers, "score.tiers", "warm", 0, &m->tier_warm);
    return st;
}

static enum lsc_status parse_model(const struct reader *r, const json_t *root, struct lsc_model *m)
{
    json_t *options = NULL;
    enum lsc_status st = parse_header(r, root);
    if (st == LSC_OK)
        st = get_string(r, root, "", "created", &m->created);
    if (st == LSC_OK)
        st = get_string(r, root, "", "tool_version", &m->tool_version);
    if (st == LSC_OK)
        st = parse_training(r, root, m);
    if (st == LSC_OK)
        st = get_object(r, root, "", "options", &options);
    if (st == LSC_OK)
        m->options = json_incref(options);
    if (st == LSC_OK)
        st = parse_roles(r, root, m);
    if (st == LSC_OK)
        st = parse_columns(r, root, m);
    if (st == LSC_OK)
        st = parse_features(r, root, m);
    if (st == LSC_OK)
        st = lsc_model_pairs_from_json(root, m, r->file, r->err);
    if (st == LSC_OK)
        st = parse_fit(r, root, m);
    if (st == LSC_OK)
        st = parse_holdout(r, root, m);
    if (st == LSC_OK)
        st = lsc_model_weighting_parse(root, r->file, m, r->err);
    if (st == LSC_OK)
        st = lsc_model_events_parse(root, r->file, m, r->err);
    if (st == LSC_OK)
        st = parse_warnings(r, root, m);
    if (st == LSC_OK)
        st = parse_score(r, root, m);
    /* optional: absent in files written before drift and retraining */
    if (st == LSC_OK && json_object_get(root, "drift") != NULL)
        st = lsc_drift_ref_from_json(m, json_object_get(root, "drift"), r->file, r->err);
    if (st == LSC_OK && json_object_get(root, "baseline") != NULL)
        st = lsc_baseline_from_json(m, json_object_get(root, "baseline"), r->file, r->err);
    if (st == LSC_OK && json_object_get(root, "accounts") != NULL)
        st = lsc_model_accounts_from_json(m, json_object_get(root, "accounts"), r->file, r->err);
    return st;
}

/* Checks and removes the "checksum" member (see compute_checksum). Run after
 * the structural checks, so a damaged file is described by what is wrong
 * with it when that can be said, and as modified otherwise. */
static enum lsc_status verify_checksum(const struct reader *r, json_t *root)
{
    enum lsc_status st = LSC_OK;
    char want[CHECKSUM_LEN + 1], got[CHECKSUM_LEN + 1];
    json_t *v = json_object_get(root, CHECKSUM_KEY);
    const char *s = json_is_string(v) ? json_string_value(v) : NULL;
    if (v == NULL) {
        st = field_error(r, "", CHECKSUM_KEY,
                         "missing: the model file was modified or truncated, or written by a "
                         "leadscore without checksums (train it again)");
        goto cleanup;
    }
    if (s == NULL || strncmp(s, CHECKSUM_PREFIX, sizeof CHECKSUM_PREFIX - 1) != 0 ||
        !is_hex64(s + sizeof CHECKSUM_PREFIX - 1)) {
        st = field_error(r, "", CHECKSUM_KEY,
                         "expected \"" CHECKSUM_PREFIX "\" and 64 hexadecimal digits");
        goto cleanup;
    }
    memcpy(want, s, CHECKSUM_LEN + 1);
    if (json_object_del(root, CHECKSUM_KEY) != 0) {
        st = lsc_error_nomem(r->err);
        goto cleanup;
    }
    st = compute_checksum(root, got, r->err);
    if (st == LSC_OK && strcmp(want, got) != 0)
        st = lsc_error_set(r->err, LSC_ERR_MODEL, r->file, 0, 0, CHECKSUM_MISMATCH);
cleanup:
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
    /* Fuzzing builds only (tests/fuzz): a mutated file never carries the
     * right checksum; accepting it lets the fuzzer reach what follows. */
    if (st == LSC_ERR_MODEL)
        st = LSC_OK;
#endif
    return st;
}

enum lsc_status lsc_model_load(const char *path, struct lsc_model **out, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const char *name = strcmp(path, "-") == 0 ? STDIN_NAME : path;
    struct reader r = {name, err};
    char *text = NULL;
    size_t len = 0;
    json_t *root = NULL;
    json_error_t jerr;
    struct lsc_model *m = NULL;

    *out = NULL;
    use_lsc_allocator();
    st = read_all(path, name, &text, &len, err);
    if (st != LSC_OK)
        goto cleanup;
    json_alloc_failed = 0;
    root = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
    if (root != NULL && json_alloc_failed) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (root == NULL) {
        /* jansson leaves the text empty when its lexer cannot allocate */
        if (json_error_code(&jerr) == json_error_out_of_memory || jerr.text[0] == '\0' ||
            json_alloc_failed)
            st = lsc_error_nomem(err);
        else
            st = lsc_error_set(
                err, LSC_ERR_MODEL, name, jerr.line > 0 ? (size_t)jerr.line : 0,
                jerr.column > 0 ? (size_t)jerr.column : 0, "not a leadscore model: %s%s", jerr.text,
                len > 0 && json_error_code(&jerr) == json_error_premature_end_of_input
                    ? " (the file is truncated)"
                    : "");
        goto cleanup;
    }
    if (!json_is_object(root)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, name, 0, 0,
                           "not a leadscore model: expected a JSON object");
        goto cleanup;
    }
    m = lsc_model_new();
    if (m == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = parse_model(&r, root, m);
    if (st == LSC_OK)
        st = lsc_model_validate(m, name, err);
    if (st == LSC_OK) {
        st = lsc_model_build_lookups(m, err);
        if (st != LSC_OK && err != NULL)
            snprintf(err->file, sizeof err->file, "%s", name);
    }
    if (st == LSC_OK)
        st = verify_checksum(&r, root);
    if (st == LSC_OK) {
        *out = m;
        m = NULL;
    }
cleanup:
    lsc_model_free(m);
    json_decref(root);
    lsc_free(text);
    return st;
}
