/* Row weights, balanced class weights and the prior-shift correction.
 *
 * A model fitted to a sample whose positive rate r differs from the
 * population's P only through the sampling of the classes (down-sampled
 * negatives, or class weights) has the right slopes and an intercept off by
 * logit(r) - logit(P) (Prentice and Pyke 1979; King and Zeng 2001,
 * "Logistic Regression in Rare Events Data", section 4.1). Adding
 * logit(P) - logit(r) to the intercept restores probabilities on the
 * population's scale.
 */
#include "weights.h"

#include <gsl/gsl_cdf.h>

#include <math.h>
#include <string.h>

#include "alloc.h"
#include "model_def.h"
#include "status_internal.h"
#include "util.h"

static const struct ds_column *weight_column(const struct dataset *ds)
{
    for (size_t j = 0; j < ds->n_cols; j++)
        if (ds->cols[j].role == DS_WEIGHT)
            return &ds->cols[j];
    return NULL;
}

enum lsc_status lsc_weights_load(const struct dataset *ds, double **out, struct lsc_error *err)
{
    const struct ds_column *c = weight_column(ds);
    *out = NULL;
    if (c == NULL)
        return LSC_OK;
    double *w = lsc_malloc((ds->n_rows ? ds->n_rows : 1) * sizeof *w);
    if (w == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < ds->n_rows; i++) {
        double v = lsc_ds_value(c, i);
        if (v >= 0.0 && isfinite(v)) {
            w[i] = v;
            continue;
        }
        char shown[160] = "";
        const char *what = "is missing";
        if (c->codes != NULL && c->codes[i] != 0) {
            uint32_t id = c->codes[i] - 1;
            lsc_escape_bytes(lsc_dict_str(c->dict, id), lsc_dict_len(c->dict, id), shown, sizeof shown);
            what = isnan(v) ? "is not a number" : "is negative";
        } else if (c->raw != NULL && isnan(v)) {
            /* raw doubles (many distinct values) keep no text */
            what = "is missing or not a number";
        } else if (c->raw != NULL && !isnan(v)) {
            what = "is negative";
        }
        lsc_free(w);
        return lsc_error_set(err, LSC_ERR_DATA, ds->file, ds->row_line[i], c->file_index + 1,
                             "weight%s%s%s in column \"%s\" %s; --weight needs a finite number "
                             ">= 0 in every row",
                             shown[0] ? " \"" : "", shown, shown[0] ? "\"" : "", c->name, what);
    }
    *out = w;
    return LSC_OK;
}

enum lsc_status lsc_weights_for_fit(const struct dataset *ds, const double *base, int balanced,
                                const size_t *rows, size_t n, double *w,
                                struct weights_info *info, struct lsc_error *err)
{
    double cnt[2] = {0.0, 0.0}, tot[2] = {0.0, 0.0};
    memset(info, 0, sizeof *info);
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        cnt[ds->y[r] > 0.5] += 1.0;
    }
    for (int k = 0; k < 2; k++)
        info->class_factor[k] =
            balanced && cnt[k] > 0.0 ? (double)n / (2.0 * cnt[k]) : 1.0;
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        int k = ds->y[r] > 0.5;
        w[r] = (base ? base[r] : 1.0) * info->class_factor[k];
        tot[k] += w[r];
    }
    info->total = tot[0] + tot[1];
    info->sample_rate = n ? cnt[1] / (double)n : NAN;
    if (!(tot[0] > 0.0) || !(tot[1] > 0.0))
        return lsc_error_set(err, LSC_ERR_DATA, ds->file, 0, 0,
                             "the weights of the %s rows sum to zero (%.0f converted, %.0f not "
                             "converted rows): a fit needs weight on both classes",
                             tot[1] > 0.0 ? "not converted" : "converted", cnt[1], cnt[0]);
    info->fitted_rate = tot[1] / info->total;
    return LSC_OK;
}

double lsc_weights_prior_correction(double population_rate, double fitted_rate)
{
    return log(population_rate / (1.0 - population_rate)) - log(fitted_rate / (1.0 - fitted_rate));
}

int lsc_weights_all_integer(const double *w, const size_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double v = w[rows ? rows[i] : i];
        if (v != floor(v))
            return 0;
    }
    return 1;
}

void lsc_weights_shift_intercept(struct lsc_model *m, double c)
{
    m->coef[0] += c;
    if (m->coef_stats == NULL)
        return;
    struct lsc_coef_stat *s = &m->coef_stats[0];
    s->ci_low += c;
    s->ci_high += c;
    s->z = m->coef[0] / s->std_error;
    s->p_value = 2.0 * gsl_cdf_ugaussian_Q(fabs(s->z));
}
