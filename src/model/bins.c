/* bins - lookups of binned columns (model_def.h). */
#include "model_def.h"

#include <stdio.h>

#include "alloc.h"
#include "util.h"

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

size_t lsc_binned_level(const struct lsc_column_enc *c, double x)
{
    if (x != x) /* NaN: missing */
        return c->missing_feature != LSC_NO_FEATURE ? c->n_cuts + 1
                                                    : lsc_bin_of(c->cuts, c->n_cuts, c->median);
    return lsc_bin_of(c->cuts, c->n_cuts, x);
}

size_t lsc_column_n_levels(const struct lsc_column_enc *c)
{
    return c->type == LSC_COL_BINNED ? c->n_cuts + 2 : c->n_levels;
}

/* Is condition k of side s on for group g? */
static int cond_on(const struct lsc_pair *pr, int s, size_t k, size_t g)
{
    if (lsc_pair_step(pr, s, k))
        return g >= k && g < pr->n_ordered[s];
    return g == k;
}

double lsc_pair_effect(const struct lsc_model *m, const struct lsc_pair *pr, size_t ga, size_t gb)
{
    double e = 0.0;
    size_t nb = pr->n_groups[1] - 1;
    for (size_t k = 1; k < pr->n_groups[0]; k++) {
        if (!cond_on(pr, 0, k, ga))
            continue;
        for (size_t l = 1; l < pr->n_groups[1]; l++)
            if (cond_on(pr, 1, l, gb))
                e += m->coef[pr->feature[(k - 1) * nb + (l - 1)]];
    }
    return e;
}

void lsc_pairs_free(struct lsc_model *m)
{
    for (size_t i = 0; i < m->n_pairs; i++) {
        lsc_free(m->pairs[i].group[0]);
        lsc_free(m->pairs[i].group[1]);
        lsc_free(m->pairs[i].feature);
    }
    lsc_free(m->pairs);
    m->pairs = NULL;
    m->n_pairs = 0;
}

size_t lsc_pair_first_level(const struct lsc_pair *pr, int s, size_t k)
{
    for (size_t v = 0; v < pr->n_levels[s]; v++)
        if (pr->group[s][v] == k)
            return v;
    return SIZE_MAX;
}

/* "<1", "1-3", ">=8" or "missing" for level v of binned column c. */
void lsc_bin_label(const struct lsc_column_enc *c, size_t v, char *buf, size_t size)
{
    char a[32], b[32];
    if (v > c->n_cuts) {
        snprintf(buf, size, "missing");
        return;
    }
    if (v > 0)
        lsc_format_shortest(c->cuts[v - 1], a, sizeof a);
    if (v < c->n_cuts)
        lsc_format_shortest(c->cuts[v], b, sizeof b);
    if (v == 0)
        snprintf(buf, size, "<%s", b);
    else if (v == c->n_cuts)
        snprintf(buf, size, ">=%s", a);
    else
        snprintf(buf, size, "%s-%s", a, b);
}
