/* Accessors for the inference stored in a model. */
#include <math.h>
#include <string.h>

#include "leadscore/model.h"
#include "model_def.h"

int lsc_model_coef_info(const struct lsc_model *m, size_t i, struct lsc_coef_info *out)
{
    if (m == NULL || m->coef_stats == NULL || i >= m->n_features)
        return 0;
    const struct lsc_coef_stat *s = &m->coef_stats[i];
    out->name = m->feature_names[i];
    out->estimate = m->coef[i];
    out->std_error = s->std_error;
    out->z = s->z;
    out->p_value = s->p_value;
    out->ci_low = s->ci_low;
    out->ci_high = s->ci_high;
    out->odds_ratio = exp(m->coef[i]);
    out->or_ci_low = exp(s->ci_low);
    out->or_ci_high = exp(s->ci_high);
    return 1;
}

int lsc_model_fit_info(const struct lsc_model *m, struct lsc_fit_info *out)
{
    if (m == NULL || !m->fit_stats.present)
        return 0;
    const struct lsc_fit_stat *f = &m->fit_stats;
    out->rows = m->rows_used;
    out->coefficients = m->n_features;
    out->l2 = m->l2;
    out->iterations = m->iterations;
    out->converged = m->converged;
    out->log_likelihood = f->log_likelihood;
    out->null_log_likelihood = f->null_log_likelihood;
    out->deviance = f->deviance;
    out->null_deviance = f->null_deviance;
    out->mcfadden_r2 = f->mcfadden_r2;
    out->aic = f->aic;
    out->bic = f->bic;
    out->lr_statistic = f->lr_statistic;
    out->lr_df = f->lr_df;
    out->lr_p_value = f->lr_p_value;
    return 1;
}
