/* bins - lookups of binned columns (model_def.h). */
#include "model_def.h"

size_t lsc_bin_of(const double *cuts, size_t n, double x)
{
    /* the number of cuts <= x (binary search; NaN is below every cut) */
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x >= cuts[mid])
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

double lsc_bin_effect(const struct lsc_model *m, const struct lsc_column_enc *c, size_t b)
{
    double e = 0.0;
    for (size_t k = 0; k < b && k < c->n_cuts; k++)
        e += m->coef[c->bin_feature[k]];
    return e;
}

size_t lsc_model_first_binned(const struct lsc_model *m)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].type == LSC_COL_BINNED)
            return j;
    return SIZE_MAX;
}
