/* baseline - the retrained model against the model it would replace.
 * See baseline.h. */
#include "baseline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "leadscore/score.h"
#include "mathfn.h"
#include "rankstats.h"
#include "status_internal.h"

void lsc_baseline_stat_free(struct lsc_baseline_stat *b)
{
    if (b == NULL)
        return;
    lsc_free(b->file);
    lsc_free(b->created);
    lsc_free(b->training_sha256);
    lsc_free(b->recommendation);
    lsc_free(b);
}

enum lsc_status lsc_baseline_map(const struct lsc_model *old, const struct dataset *ds,
                             const char *old_file, size_t **src, struct lsc_error *err)
{
    *src = lsc_calloc(old->n_columns ? old->n_columns : 1, sizeof **src);
    if (*src == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < old->n_columns; j++) {
        size_t k = 0, in_file = 0;
        for (; k < ds->n_cols; k++)
            if (strcmp(ds->cols[k].name, old->columns[j].name) == 0) {
                in_file = 1;
                if (ds->cols[k].role == DS_FEATURE)
                    break;
            }
        if (k == ds->n_cols) {
            lsc_free(*src);
            *src = NULL;
            return lsc_error_set(err, LSC_ERR_DATA, old_file, 0, 0,
                                 in_file ? "--baseline: the old model needs column \"%s\", which "
                                           "this run does not use as a feature (excluded, an id "
                                           "or left out by --include); the comparison needs it"
                                         : "--baseline: the old model needs column \"%s\", which "
                                           "%s lacks",
                                 old->columns[j].name, ds->file);
        }
        (*src)[j] = k;
    }
    return LSC_OK;
}

/* The level of a categorical column c for the row's value. */
static size_t categorical_level(const struct lsc_column_enc *c, const struct ds_column *d,
                                size_t row, int missing)
{
    size_t level = c->other != SIZE_MAX ? c->other : c->reference;
    if (missing)
        return c->missing != SIZE_MAX ? c->missing : level;
    char num[32];
    const char *v = num;
    size_t len;
    if (d->raw != NULL) {
        len = (size_t)snprintf(num, sizeof num, "%.17g", d->raw[row]);
    } else {
        v = lsc_dict_str(d->dict, d->codes[row] - 1);
        len = lsc_dict_len(d->dict, d->codes[row] - 1);
    }
    uint32_t id = lsc_dict_find(c->lookup, v, len);
    if (id != DICT_NONE && id != c->other && id != c->missing)
        level = id;
    return level;
}

/* Column c's part of the row's logit, and its level (interactions); 0
 * when a numeric cell holds text. */
static int column_part(const struct lsc_model *old, const struct lsc_column_enc *c,
                       const struct ds_column *d, size_t row, double *part, size_t *level)
{
    int missing = d->raw != NULL ? isnan(d->raw[row]) : d->codes[row] == 0;
    *level = 0;
    if (c->type == LSC_COL_CATEGORICAL) {
        *level = categorical_level(c, d, row, missing);
        *part = c->level_feature[*level] != LSC_NO_FEATURE ? old->coef[c->level_feature[*level]]
                                                          : 0.0;
        return 1;
    }
    double x = c->median;
    if (!missing) {
        x = lsc_ds_value(d, row);
        if (isnan(x))
            return 0; /* text */
    }
    if (c->type == LSC_COL_BINNED) {
        *level = lsc_binned_level(c, missing ? NAN : x);
        *part = *level > c->n_cuts ? old->coef[c->missing_feature] : lsc_bin_effect(old, c, *level);
        return 1;
    }
    *part = old->coef[c->feature] * ((x - c->mean) / c->sd);
    if (c->missing_feature != LSC_NO_FEATURE && missing)
        *part += old->coef[c->missing_feature];
    return 1;
}

int lsc_baseline_predict_row(const struct lsc_model *old, const struct dataset *ds, const size_t *src,
                         size_t row, double *p)
{
    double e = old->coef[0], part;
    size_t level;
    for (size_t j = 0; j < old->n_columns; j++)
        if (!column_part(old, &old->columns[j], &ds->cols[src[j]], row, &part, &level))
            return 0;
        else
            e += part;
    for (size_t k = 0; k < old->n_pairs; k++) {
        const struct lsc_pair *pr = &old->pairs[k];
        size_t g[2];
        for (int s = 0; s < 2; s++) {
            column_part(old, &old->columns[pr->col[s]], &ds->cols[src[pr->col[s]]], row, &part,
                        &level);
            g[s] = pr->group[s][level];
        }
        e += lsc_pair_effect(old, pr, g[0], g[1]);
    }
    *p = lsc_mathfn_sigmoid(e);
    return 1;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static int tier_code(int score, double hot, double warm)
{
    return (double)score >= hot ? 2 : ((double)score >= warm ? 1 : 0);
}

static char *recommend(const struct lsc_baseline_stat *b)
{
    char buf[640];
    size_t n;
    if (b->auc_new > b->auc_old && b->p_value < 0.05)
        snprintf(buf, sizeof buf,
                 "replace: the retrained model ranks the validation leads better "
                 "(AUC %.4f vs %.4f, DeLong p = %.3g)",
                 b->auc_new, b->auc_old, b->p_value);
    else if (b->auc_new < b->auc_old && b->p_value < 0.05)
        snprintf(buf, sizeof buf,
                 "keep the old model: it ranks the validation leads better "
                 "(AUC %.4f vs %.4f, DeLong p = %.3g); check the new export",
                 b->auc_old, b->auc_new, b->p_value);
    else
        snprintf(buf, sizeof buf,
                 "no significant difference in ranking (AUC %.4f vs %.4f, DeLong p = %.3g): "
                 "replacing is safe for ranking; %.1f%% of leads change tier (mean shift %.1f "
                 "points), tell the sales team before switching",
                 b->auc_new, b->auc_old, b->p_value, 100.0 * b->tier_change_share,
                 b->mean_abs_shift);
    n = strlen(buf);
    if (b->old_in_sample)
        snprintf(buf + n, sizeof buf - n,
                 " (caution: the old model was trained on these rows, so its AUC is "
                 "optimistic)");
    return lsc_strdup(buf);
}

enum lsc_status lsc_baseline_check_classes(const struct lsc_baseline_stat *b, const char *file,
                                           struct lsc_error *err)
{
    if (b->positives > 0 && b->positives < b->rows)
        return LSC_OK;
    return lsc_error_set(err, LSC_ERR_DATA, file, 0, 0,
                         "--baseline: the %zu validation rows the old model can score hold a "
                         "single class; no comparison is possible",
                         b->rows);
}

enum lsc_status lsc_baseline_attach(struct lsc_model *m, const struct lsc_model *old,
                                    const char *old_file, int same_data,
                                    struct lsc_baseline_stat *b, const double var[3],
                                    struct lsc_error *err)
{
    b->auc_difference = b->auc_new - b->auc_old;
    b->p_value = lsc_rank_paired_p(b->auc_new, b->auc_old, var[0], var[1], var[2], &b->z, &b->se);
    b->old_in_sample = same_data && (old->refit || !old->holdout.present);
    b->file = lsc_strdup(old_file);
    b->created = lsc_strdup(old->created != NULL ? old->created : "");
    b->training_sha256 = lsc_strdup(old->training_sha256 != NULL ? old->training_sha256 : "");
    b->recommendation = recommend(b);
    if (b->file == NULL || b->created == NULL || b->training_sha256 == NULL ||
        b->recommendation == NULL) {
        lsc_baseline_stat_free(b);
        return lsc_error_nomem(err);
    }
    lsc_baseline_stat_free(m->baseline);
    m->baseline = b;
    return LSC_OK;
}

enum lsc_status lsc_baseline_compare(struct lsc_model *m, const struct lsc_model *old,
                                 const char *old_file, const struct dataset *ds, const size_t *hold,
                                 size_t n, const double *prob_new, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t *src = NULL, k = 0;
    double *pn = NULL, *po = NULL, *shift = NULL;
    unsigned char *y = NULL;
    struct lsc_baseline_stat *b = NULL;
    size_t changed = 0;
    double shift_sum = 0.0;
    if ((st = lsc_baseline_map(old, ds, old_file, &src, err)) != LSC_OK)
        goto cleanup;
    pn = lsc_malloc((n ? n : 1) * sizeof *pn);
    po = lsc_malloc((n ? n : 1) * sizeof *po);
    shift = lsc_malloc((n ? n : 1) * sizeof *shift);
    y = lsc_malloc(n ? n : 1);
    b = lsc_calloc(1, sizeof *b);
    if (pn == NULL || po == NULL || shift == NULL || y == NULL || b == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        double p = 0.0;
        if (!lsc_baseline_predict_row(old, ds, src, hold[i], &p)) {
            b->rows_unscorable++;
            continue;
        }
        int sn = lsc_score_from_probability(prob_new[i]);
        int so = lsc_score_from_probability(p);
        pn[k] = prob_new[i];
        po[k] = p;
        y[k] = ds->y[hold[i]] > 0.5;
        b->positives += y[k];
        shift[k] = fabs((double)(sn - so));
        shift_sum += shift[k];
        changed += tier_code(sn, m->tier_hot, m->tier_warm) !=
                   tier_code(so, old->tier_hot, old->tier_warm);
        k++;
    }
    b->rows = k;
    if ((st = lsc_baseline_check_classes(b, ds->file, err)) != LSC_OK)
        goto cleanup;
    const double *scores[2] = {pn, po};
    double auc[2], cov[4];
    if ((st = lsc_rank_delong(scores, 2, y, k, auc, cov, err)) != LSC_OK)
        goto cleanup;
    b->auc_new = auc[0];
    b->auc_old = auc[1];
    b->mean_abs_shift = shift_sum / (double)k;
    qsort(shift, k, sizeof *shift, cmp_double);
    b->median_abs_shift = k % 2 ? shift[k / 2] : 0.5 * (shift[k / 2 - 1] + shift[k / 2]);
    b->tier_change_share = (double)changed / (double)k;
    const double var[3] = {cov[0], cov[3], cov[1]};
    int same = old->training_sha256 != NULL && strcmp(old->training_sha256, ds->sha256) == 0;
    st = lsc_baseline_attach(m, old, old_file, same, b, var, err);
    b = NULL;
cleanup:
    lsc_baseline_stat_free(b);
    lsc_free(src);
    lsc_free(pn);
    lsc_free(po);
    lsc_free(shift);
    lsc_free(y);
    return st;
}

static json_t *jnum(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *lsc_baseline_to_json(const struct lsc_baseline_stat *b)
{
    return json_pack("{s:s, s:s, s:s, s:I, s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, "
                     "s:o, s:s, s:b}",
                     "model", b->file, "created", b->created, "training_sha256", b->training_sha256,
                     "rows", (json_int_t)b->rows, "positives", (json_int_t)b->positives,
                     "rows_unscorable", (json_int_t)b->rows_unscorable, "auc_new", jnum(b->auc_new),
                     "auc_old", jnum(b->auc_old), "auc_difference", jnum(b->auc_difference), "se",
                     jnum(b->se), "z", jnum(b->z), "p_value", jnum(b->p_value),
                     "mean_abs_score_shift", jnum(b->mean_abs_shift), "median_abs_score_shift",
                     jnum(b->median_abs_shift), "tier_change_share", jnum(b->tier_change_share),
                     "recommendation", b->recommendation, "old_model_in_sample", b->old_in_sample);
}

static enum lsc_status str_field(const json_t *o, const char *key, char **out, const char *file,
                                 struct lsc_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_string(v))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "baseline.%s: expected a string", key);
    *out = lsc_strdup(json_string_value(v));
    return *out != NULL ? LSC_OK : lsc_error_nomem(err);
}

static enum lsc_status size_field(const json_t *o, const char *key, size_t *out, const char *file,
                                  struct lsc_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (!json_is_integer(v) || json_integer_value(v) < 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "baseline.%s: expected a non-negative integer", key);
    *out = (size_t)json_integer_value(v);
    return LSC_OK;
}

/* A real or null (NaN); lo..hi bound the real. */
static enum lsc_status num_field(const json_t *o, const char *key, double lo, double hi,
                                 double *out, const char *file, struct lsc_error *err)
{
    const json_t *v = json_object_get(o, key);
    if (json_is_null(v)) {
        *out = NAN;
        return LSC_OK;
    }
    if (!json_is_number(v) || !(json_number_value(v) >= lo && json_number_value(v) <= hi))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "baseline.%s: expected a number in [%g, %g] or null", key, lo, hi);
    *out = json_number_value(v);
    return LSC_OK;
}

enum lsc_status lsc_baseline_from_json(struct lsc_model *m, const json_t *o, const char *file,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_baseline_stat *b = NULL;
    if (!json_is_object(o)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "baseline: expected an object");
        goto cleanup;
    }
    b = lsc_calloc(1, sizeof *b);
    if (b == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = str_field(o, "model", &b->file, file, err)) != LSC_OK ||
        (st = str_field(o, "created", &b->created, file, err)) != LSC_OK ||
        (st = str_field(o, "training_sha256", &b->training_sha256, file, err)) != LSC_OK ||
        (st = size_field(o, "rows", &b->rows, file, err)) != LSC_OK ||
        (st = size_field(o, "positives", &b->positives, file, err)) != LSC_OK ||
        (st = size_field(o, "rows_unscorable", &b->rows_unscorable, file, err)) != LSC_OK ||
        (st = num_field(o, "auc_new", 0, 1, &b->auc_new, file, err)) != LSC_OK ||
        (st = num_field(o, "auc_old", 0, 1, &b->auc_old, file, err)) != LSC_OK ||
        (st = num_field(o, "auc_difference", -1, 1, &b->auc_difference, file, err)) != LSC_OK ||
        (st = num_field(o, "se", 0, HUGE_VAL, &b->se, file, err)) != LSC_OK ||
        (st = num_field(o, "z", -HUGE_VAL, HUGE_VAL, &b->z, file, err)) != LSC_OK ||
        (st = num_field(o, "p_value", 0, 1, &b->p_value, file, err)) != LSC_OK ||
        (st = num_field(o, "mean_abs_score_shift", 0, 99, &b->mean_abs_shift, file, err)) !=
            LSC_OK ||
        (st = num_field(o, "median_abs_score_shift", 0, 99, &b->median_abs_shift, file, err)) !=
            LSC_OK ||
        (st = num_field(o, "tier_change_share", 0, 1, &b->tier_change_share, file, err)) !=
            LSC_OK ||
        (st = str_field(o, "recommendation", &b->recommendation, file, err)) != LSC_OK)
        goto cleanup;
    const json_t *ins = json_object_get(o, "old_model_in_sample");
    if (!json_is_boolean(ins)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "baseline.old_model_in_sample: expected true or false");
        goto cleanup;
    }
    b->old_in_sample = json_is_true(ins);
    if (b->positives > b->rows) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                           "baseline.positives: more than baseline.rows");
        goto cleanup;
    }
    lsc_baseline_stat_free(m->baseline);
    m->baseline = b;
    b = NULL;
cleanup:
    lsc_baseline_stat_free(b);
    return st;
}
