#include "metrics.h"

#include <math.h>
#include <stdlib.h>

#include "alloc.h"

#define CLIP_EPS 1e-15

struct scored {
    double score;
    int positive;
};

static int positive(double y)
{
    return y > 0.5;
}

static int by_score(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->score, z = ((const struct scored *)b)->score;
    return (x > z) - (x < z);
}

/* AUC as the Mann-Whitney U statistic (Mann and Whitney 1947; Hanley and
 * McNeil 1982): AUC = U / (P N), where P and N count the positives and
 * negatives and U counts, over all (positive, negative) pairs, 1 when the
 * positive scores higher and 1/2 when the two tie.
 *
 * Computed in O(n log n): sort the (score, label) pairs by score once, then
 * walk the groups of equal scores in ascending order keeping the number of
 * negatives seen in earlier (lower) groups. A group with p positives and q
 * negatives adds p * (negatives below + q / 2) to U. NaN scores have no
 * order, so any NaN makes the AUC NaN, as does an absent class. */
enum lsc_status lsc_metrics_auc(const double *score, const double *y, size_t n, double *auc)
{
    enum lsc_status st = LSC_OK;
    struct scored *v = NULL;
    size_t npos = 0;

    *auc = NAN;
    for (size_t i = 0; i < n; i++) {
        if (isnan(score[i]))
            goto cleanup;
        npos += (size_t)positive(y[i]);
    }
    if (npos == 0 || npos == n)
        goto cleanup;
    v = lsc_reallocarray(NULL, n, sizeof *v);
    if (v == NULL) {
        st = LSC_ERR_NOMEM;
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++) {
        v[i].score = score[i];
        v[i].positive = positive(y[i]);
    }
    qsort(v, n, sizeof *v, by_score);
    double u = 0.0, neg_below = 0.0;
    for (size_t i = 0; i < n;) {
        double p = 0.0, q = 0.0;
        size_t j = i;
        for (; j < n && v[j].score == v[i].score; j++) {
            if (v[j].positive)
                p += 1.0;
            else
                q += 1.0;
        }
        u += p * (neg_below + 0.5 * q);
        neg_below += q;
        i = j;
    }
    *auc = u / ((double)npos * (double)(n - npos));
cleanup:
    lsc_free(v);
    return st;
}

double lsc_metrics_log_loss(const double *p, const double *y, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double q = p[i];
        if (q < CLIP_EPS)
            q = CLIP_EPS;
        else if (q > 1.0 - CLIP_EPS)
            q = 1.0 - CLIP_EPS;
        sum -= y[i] * log(q) + (1.0 - y[i]) * log1p(-q);
    }
    return n > 0 ? sum / (double)n : NAN;
}

double lsc_metrics_brier(const double *p, const double *y, size_t n)
{
    double sum = 0.0;
    for (size_t i = 0; i < n; i++) {
        double d = p[i] - y[i];
        sum += d * d;
    }
    return n > 0 ? sum / (double)n : NAN;
}

void lsc_metrics_at_threshold(const double *p, const double *y, size_t n, double threshold,
                          struct metrics_threshold *out)
{
    size_t tp = 0, fp = 0, tn = 0, fn = 0;
    for (size_t i = 0; i < n; i++) {
        int predicted = p[i] >= threshold; /* NaN: negative */
        if (positive(y[i])) {
            if (predicted)
                tp++;
            else
                fn++;
        } else {
            if (predicted)
                fp++;
            else
                tn++;
        }
    }
    out->threshold = threshold;
    out->tp = tp;
    out->fp = fp;
    out->tn = tn;
    out->fn = fn;
    out->precision = tp + fp > 0 ? (double)tp / (double)(tp + fp) : NAN;
    out->recall = tp + fn > 0 ? (double)tp / (double)(tp + fn) : NAN;
    out->accuracy = n > 0 ? (double)(tp + tn) / (double)n : NAN;
}
