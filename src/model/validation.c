/* validation - the holdout's tables: computed by curves.c, printed here. */
#include "validation.h"

#include <math.h>
#include <stdio.h>

#include "curves.h"
#include "leadscore/report.h"

enum lsc_status lsc_validation_tables(struct lsc_holdout_metrics *h, const double *y,
                                  const double *p, const double *w, size_t n,
                                  struct lsc_error *err)
{
    struct curves_ops c;
    if (lsc_curves_ops_init(&c, y, p, w, n) != LSC_OK)
        return lsc_error_nomem(err);
    h->ks = lsc_curves_ks(&c, &h->ks_threshold);
    lsc_curves_deciles(&c, h->deciles);
    lsc_curves_hosmer_lemeshow(h->deciles, &h->hl);
    h->tables_present = 1;
    lsc_curves_ops_fini(&c);
    return LSC_OK;
}

/* A number for the table, "-" when it does not apply. */
static const char *num(char *buf, size_t size, const char *fmt, double x)
{
    if (isfinite(x))
        snprintf(buf, size, fmt, x);
    else
        snprintf(buf, size, "-");
    return buf;
}

enum lsc_status lsc_model_write_validation(const struct lsc_model *m, FILE *fp,
                                           struct lsc_error *err)
{
    const struct lsc_holdout_metrics *h = &m->holdout;
    char a[32], b[32], c[32], d[32], e[32], f[32];
    if (!h->present || !h->tables_present) {
        fprintf(fp, "no holdout validation tables in this model (%s)\n",
                h->present ? "written before they existed" : "trained with --holdout 0");
    } else {
        fprintf(fp, "\nHoldout validation: %zu rows, %zu converted (base rate %s)\n", h->rows,
                h->positives, num(a, sizeof a, "%.4f", h->base_rate));
        fprintf(fp, "KS %s at probability >= %s\n", num(a, sizeof a, "%.4f", h->ks),
                num(b, sizeof b, "%.4f", h->ks_threshold));
        fprintf(fp, "\nCalibration by decile of predicted probability (lowest first)\n");
        fprintf(fp, "Hosmer-Lemeshow chi2(%zu) = %s, p = %s (%zu groups)\n", h->hl.df,
                num(a, sizeof a, "%.4f", h->hl.statistic), num(b, sizeof b, "%.4g", h->hl.p_value),
                h->hl.groups);
        fprintf(fp, "%6s %8s %10s %10s %10s %10s\n", "group", "rows", "converted", "expected",
                "mean.pred", "observed");
        for (size_t g = 1; g <= CURVES_DECILES; g++) {
            const struct curves_decile *x = &h->deciles[CURVES_DECILES - g];
            fprintf(fp, "%6zu %8zu %10s %10s %10s %10s\n", g, x->rows,
                    num(a, sizeof a, "%.2f", x->positives),
                    num(b, sizeof b, "%.2f", x->mean_predicted * x->weight),
                    num(c, sizeof c, "%.4f", x->mean_predicted),
                    num(d, sizeof d, "%.4f", x->conversion_rate));
        }
        fprintf(fp, "\nLift and cumulative gains by decile (1 = highest scores)\n");
        fprintf(fp, "%6s %8s %10s %8s %7s %9s %9s %21s\n", "decile", "rows", "converted", "rate",
                "lift", "cum.gain", "cum.lift", "probability range");
        for (size_t k = 0; k < CURVES_DECILES; k++) {
            const struct curves_decile *x = &h->deciles[k];
            char range[72];
            snprintf(range, sizeof range, "%s-%s", num(e, sizeof e, "%.4f", x->score_min),
                     num(f, sizeof f, "%.4f", x->score_max));
            fprintf(fp, "%6zu %8zu %10s %8s %7s %9s %9s %21s\n", x->decile, x->rows,
                    num(a, sizeof a, "%.2f", x->positives),
                    num(b, sizeof b, "%.4f", x->conversion_rate),
                    num(c, sizeof c, "%.2f", x->lift),
                    num(d, sizeof d, "%.4f", x->cumulative_capture),
                    num(e, sizeof e, "%.2f", x->cumulative_lift), range);
        }
    }
    if (ferror(fp))
        return lsc_error_write(err, NULL);
    return LSC_OK;
}
