/* curves - ROC, precision-recall, deciles, Hosmer-Lemeshow and KS from one
 * sort of the scores (see curves.h for the definitions).
 *
 * Method: the rows are sorted by score, highest first, and grouped by equal
 * score; cumulative row counts, weights, weighted positives and weighted
 * predictions per group give every operating point (ROC and PR points, KS)
 * in one pass. "The k highest-scoring rows" for a k inside a tie group takes
 * the group's sums in proportion (k - rows above) / (rows of the group):
 * the expectation over random orders of the tied rows, so deciles do not
 * depend on the input order.
 */
#include "curves.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"

struct row {
    double p, y, w;
};

static int by_score_desc(const void *a, const void *b)
{
    double x = ((const struct row *)a)->p, z = ((const struct row *)b)->p;
    return (x < z) - (x > z);
}

void lsc_curves_ops_fini(struct curves_ops *c)
{
    if (c == NULL)
        return;
    lsc_free(c->threshold);
    lsc_free(c->rows);
    lsc_free(c->weight);
    lsc_free(c->pos);
    lsc_free(c->pred);
    memset(c, 0, sizeof *c);
}

enum lsc_status lsc_curves_ops_init(struct curves_ops *c, const double *y, const double *p,
                                const double *w, size_t n)
{
    enum lsc_status st = LSC_OK;
    struct row *r = NULL;
    size_t m = n ? n : 1;
    memset(c, 0, sizeof *c);
    r = lsc_malloc(m * sizeof *r);
    c->threshold = lsc_malloc(m * sizeof *c->threshold);
    c->rows = lsc_malloc((m + 1) * sizeof *c->rows);
    c->weight = lsc_malloc((m + 1) * sizeof *c->weight);
    c->pos = lsc_malloc((m + 1) * sizeof *c->pos);
    c->pred = lsc_malloc((m + 1) * sizeof *c->pred);
    if (r == NULL || c->threshold == NULL || c->rows == NULL || c->weight == NULL ||
        c->pos == NULL || c->pred == NULL) {
        st = LSC_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        r[i].p = p[i];
        r[i].y = y[i] > 0.5 ? 1.0 : 0.0;
        r[i].w = w != NULL ? w[i] : 1.0;
    }
    qsort(r, n, sizeof *r, by_score_desc);
    c->n = n;
    c->rows[0] = 0;
    c->weight[0] = c->pos[0] = c->pred[0] = 0.0;
    size_t g = 0;
    for (size_t i = 0; i < n; i++) {
        if (i == 0 || r[i].p != c->threshold[g - 1]) {
            c->threshold[g] = r[i].p;
            c->rows[g + 1] = c->rows[g];
            c->weight[g + 1] = c->weight[g];
            c->pos[g + 1] = c->pos[g];
            c->pred[g + 1] = c->pred[g];
            g++;
        }
        c->rows[g]++;
        c->weight[g] += r[i].w;
        c->pos[g] += r[i].w * r[i].y;
        c->pred[g] += r[i].w * r[i].p;
    }
    c->n_groups = g;
cleanup:
    lsc_free(r);
    if (st != LSC_OK)
        lsc_curves_ops_fini(c);
    return st;
}

static double total_pos(const struct curves_ops *c)
{
    return c->pos[c->n_groups];
}

static double total_neg(const struct curves_ops *c)
{
    return c->weight[c->n_groups] - c->pos[c->n_groups];
}

double lsc_curves_tpr(const struct curves_ops *c, size_t g)
{
    double P = total_pos(c);
    return P > 0.0 ? c->pos[g] / P : NAN;
}

double lsc_curves_fpr(const struct curves_ops *c, size_t g)
{
    double N = total_neg(c);
    return N > 0.0 ? (c->weight[g] - c->pos[g]) / N : NAN;
}

double lsc_curves_precision(const struct curves_ops *c, size_t g)
{
    return g > 0 && c->weight[g] > 0.0 ? c->pos[g] / c->weight[g] : NAN;
}

double lsc_curves_auc(const struct curves_ops *c)
{
    if (!(total_pos(c) > 0.0 && total_neg(c) > 0.0))
        return NAN;
    double a = 0.0;
    for (size_t g = 0; g < c->n_groups; g++)
        a += (lsc_curves_fpr(c, g + 1) - lsc_curves_fpr(c, g)) *
             (lsc_curves_tpr(c, g + 1) + lsc_curves_tpr(c, g)) / 2.0;
    return a;
}

double lsc_curves_ks(const struct curves_ops *c, double *threshold)
{
    double best = NAN, at = NAN;
    if (total_pos(c) > 0.0 && total_neg(c) > 0.0) {
        best = 0.0;
        at = c->n_groups > 0 ? c->threshold[0] : NAN;
        for (size_t g = 1; g <= c->n_groups; g++) {
            double d = lsc_curves_tpr(c, g) - lsc_curves_fpr(c, g);
            if (d > best) {
                best = d;
                at = c->threshold[g - 1];
            }
        }
    }
    if (threshold != NULL)
        *threshold = at;
    return best;
}

/* The sums over the k highest-scoring rows, a straddling tie group shared
 * out in proportion. */
struct top {
    double weight, pos, pred;
};

static size_t group_of_rank(const struct curves_ops *c, size_t k)
{
    /* the group g with rows[g] < k <= rows[g + 1], k >= 1 */
    size_t lo = 0, hi = c->n_groups - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (c->rows[mid + 1] < k)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static struct top top_k(const struct curves_ops *c, size_t k)
{
    struct top t = {0.0, 0.0, 0.0};
    if (k == 0 || c->n_groups == 0)
        return t;
    size_t g = group_of_rank(c, k);
    double f = (double)(k - c->rows[g]) / (double)(c->rows[g + 1] - c->rows[g]);
    t.weight = c->weight[g] + f * (c->weight[g + 1] - c->weight[g]);
    t.pos = c->pos[g] + f * (c->pos[g + 1] - c->pos[g]);
    t.pred = c->pred[g] + f * (c->pred[g + 1] - c->pred[g]);
    return t;
}

void lsc_curves_deciles(const struct curves_ops *c, struct curves_decile out[CURVES_DECILES])
{
    double W = c->weight[c->n_groups], P = total_pos(c);
    double rate = W > 0.0 ? P / W : NAN;
    size_t prev = 0;
    struct top before = top_k(c, 0);
    for (size_t d = 1; d <= CURVES_DECILES; d++) {
        struct curves_decile *o = &out[d - 1];
        size_t b = (d * c->n + CURVES_DECILES / 2) / CURVES_DECILES;
        struct top upto = top_k(c, b);
        o->decile = d;
        o->rows = b - prev;
        o->weight = upto.weight - before.weight;
        o->positives = upto.pos - before.pos;
        int has = o->rows > 0 && o->weight > 0.0;
        o->conversion_rate = has ? o->positives / o->weight : NAN;
        o->mean_predicted = has ? (upto.pred - before.pred) / o->weight : NAN;
        o->score_max = o->rows > 0 ? c->threshold[group_of_rank(c, prev + 1)] : NAN;
        o->score_min = o->rows > 0 ? c->threshold[group_of_rank(c, b)] : NAN;
        o->lift = o->conversion_rate / rate;
        o->cumulative_capture = P > 0.0 ? upto.pos / P : NAN;
        o->cumulative_lift = upto.weight > 0.0 ? (upto.pos / upto.weight) / rate : NAN;
        prev = b;
        before = upto;
    }
}

void lsc_curves_hosmer_lemeshow(const struct curves_decile d[CURVES_DECILES], struct curves_hl *out)
{
    double c = 0.0;
    size_t groups = 0;
    for (size_t g = 0; g < CURVES_DECILES; g++) {
        double n = d[g].weight, e = d[g].mean_predicted * n, o = d[g].positives;
        if (!(d[g].rows > 0 && n > 0.0 && e > 0.0 && e < n))
            continue;
        c += (o - e) * (o - e) / (e * (1.0 - e / n));
        groups++;
    }
    out->groups = groups;
    out->df = groups >= 3 ? groups - 2 : 0;
    out->statistic = groups >= 3 ? c : NAN;
    out->p_value = groups >= 3 ? gsl_cdf_chisq_Q(c, (double)out->df) : NAN;
}
