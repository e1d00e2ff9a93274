#include "rankstats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"

struct keyed {
    double v;
    size_t i;
};

/* A total order on doubles: NaN after everything, all NaNs equal (the
 * comparison operators alone are no order once a NaN is present, and a sort
 * or tie loop built on them can misbehave). */
static int cmp_total(double a, double b)
{
    if (isnan(a) || isnan(b))
        return (isnan(a) != 0) - (isnan(b) != 0);
    return (a > b) - (a < b);
}

static int by_value(const void *a, const void *b)
{
    const struct keyed *x = a, *z = b;
    int c = cmp_total(x->v, z->v);
    if (c != 0)
        return c;
    return (x->i > z->i) - (x->i < z->i);
}

/* Midranks of the n values x[idx[0..n)] (idx NULL: x[0..n)) into r[0..n),
 * using the scratch k. */
static void midranks_into(const double *x, const size_t *idx, size_t n, double *r, struct keyed *k)
{
    for (size_t i = 0; i < n; i++) {
        k[i].v = x[idx != NULL ? idx[i] : i];
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, by_value);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && cmp_total(k[j].v, k[i].v) == 0)
            j++;
        /* ranks i+1 .. j share their mean */
        double mid = 0.5 * ((double)(i + 1) + (double)j);
        for (size_t t = i; t < j; t++)
            r[k[t].i] = mid;
        i = j;
    }
}

enum lsc_status lsc_rank_midranks(const double *x, size_t n, double *r)
{
    struct keyed *k = lsc_reallocarray(NULL, n ? n : 1, sizeof *k);
    if (k == NULL)
        return LSC_ERR_NOMEM;
    midranks_into(x, NULL, n, r, k);
    lsc_free(k);
    return LSC_OK;
}

/* DeLong's covariance of correlated AUCs, by the algorithm of Sun and Xu:
 *
 *   E. R. DeLong, D. M. DeLong, D. L. Clarke-Pearson, "Comparing the areas
 *   under two or more correlated receiver operating characteristic curves:
 *   a nonparametric approach", Biometrics 44 (1988) 837-845.
 *   X. Sun, W. Xu, "Fast implementation of DeLong's algorithm for comparing
 *   the areas under correlated receiver operating characteristic curves",
 *   IEEE Signal Processing Letters 21 (2014) 1389-1393.
 *
 * With m positives and n negatives, and for each score: Tz the midranks of
 * all m + n values, Tx the midranks of the positives among themselves and Ty
 * those of the negatives among themselves,
 *   AUC      = (sum_{positives} Tz - m (m + 1) / 2) / (m n)
 *   V10_i    = (Tz_i - Tx_i) / n          for each positive i: the share of
 *              negatives it outscores (ties one half)
 *   V01_j    = 1 - (Tz_j - Ty_j) / m      for each negative j: the share of
 *              positives that outscore it
 *   S10, S01 = the sample covariance matrices (divisor m - 1, n - 1) of the
 *              V10 and V01 vectors across the k scores
 *   Cov(AUC) = S10 / m + S01 / n.
 * Midranks by sorting make it O(k (m + n) log(m + n)) instead of DeLong's
 * O(k m n) pairwise sums. */
enum lsc_status lsc_rank_delong(const double *const *scores, size_t k, const unsigned char *y, size_t n,
                            double *auc, double *cov, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t m = 0;
    size_t *pos = NULL, *neg = NULL;
    double *tz = NULL, *tx = NULL, *ty = NULL, *v10 = NULL, *v01 = NULL;
    struct keyed *key = NULL;

    for (size_t i = 0; i < n; i++)
        m += y[i] != 0;
    size_t nn = n - m;
    if (m == 0 || nn == 0) {
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "the AUC needs converted and not converted rows");
        goto cleanup;
    }
    pos = lsc_reallocarray(NULL, m, sizeof *pos);
    neg = lsc_reallocarray(NULL, nn, sizeof *neg);
    tz = lsc_reallocarray(NULL, n, sizeof *tz);
    tx = lsc_reallocarray(NULL, m, sizeof *tx);
    ty = lsc_reallocarray(NULL, nn, sizeof *ty);
    key = lsc_reallocarray(NULL, n, sizeof *key);
    v10 = lsc_calloc(k * m, sizeof *v10);
    v01 = lsc_calloc(k * nn, sizeof *v01);
    if (pos == NULL || neg == NULL || tz == NULL || tx == NULL || ty == NULL || key == NULL ||
        v10 == NULL || v01 == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0, a = 0, b = 0; i < n; i++) {
        if (y[i])
            pos[a++] = i;
        else
            neg[b++] = i;
    }
    double dm = (double)m, dn = (double)nn;
    for (size_t j = 0; j < k; j++) {
        midranks_into(scores[j], NULL, n, tz, key);
        midranks_into(scores[j], pos, m, tx, key);
        midranks_into(scores[j], neg, nn, ty, key);
        double sum = 0.0;
        for (size_t a = 0; a < m; a++) {
            sum += tz[pos[a]];
            v10[j * m + a] = (tz[pos[a]] - tx[a]) / dn;
        }
        for (size_t b = 0; b < nn; b++)
            v01[j * nn + b] = 1.0 - (tz[neg[b]] - ty[b]) / dm;
        auc[j] = (sum - dm * (dm + 1.0) / 2.0) / (dm * dn);
    }
    for (size_t r = 0; r < k; r++) {
        for (size_t c = r; c < k; c++) {
            double s10 = NAN, s01 = NAN;
            if (m >= 2) {
                double mr = 0.0, mc = 0.0, acc = 0.0;
                for (size_t a = 0; a < m; a++) {
                    mr += v10[r * m + a];
                    mc += v10[c * m + a];
                }
                mr /= dm;
                mc /= dm;
                for (size_t a = 0; a < m; a++)
                    acc += (v10[r * m + a] - mr) * (v10[c * m + a] - mc);
                s10 = acc / (dm - 1.0);
            }
            if (nn >= 2) {
                double mr = 0.0, mc = 0.0, acc = 0.0;
                for (size_t b = 0; b < nn; b++) {
                    mr += v01[r * nn + b];
                    mc += v01[c * nn + b];
                }
                mr /= dn;
                mc /= dn;
                for (size_t b = 0; b < nn; b++)
                    acc += (v01[r * nn + b] - mr) * (v01[c * nn + b] - mc);
                s01 = acc / (dn - 1.0);
            }
            cov[r * k + c] = cov[c * k + r] = s10 / dm + s01 / dn;
        }
    }
cleanup:
    lsc_free(pos);
    lsc_free(neg);
    lsc_free(tz);
    lsc_free(tx);
    lsc_free(ty);
    lsc_free(key);
    lsc_free(v10);
    lsc_free(v01);
    return st;
}

void lsc_rank_auc_ci(double auc, double var, double level, double *lo, double *hi)
{
    if (!(var >= 0.0)) {
        *lo = *hi = NAN;
        return;
    }
    double z = gsl_cdf_ugaussian_Pinv(0.5 + level / 2.0);
    double sd = sqrt(var);
    *lo = fmax(0.0, auc - z * sd);
    *hi = fmin(1.0, auc + z * sd);
}

double lsc_rank_paired_p(double a1, double a2, double v11, double v22, double v12, double *z,
                     double *se)
{
    double var = v11 + v22 - 2.0 * v12;
    *se = var >= 0.0 ? sqrt(var) : NAN;
    if (!(var > 0.0)) {
        *z = NAN;
        if (var == 0.0)
            return a1 == a2 ? 1.0 : 0.0;
        return NAN;
    }
    *z = (a1 - a2) / *se;
    return 2.0 * gsl_cdf_ugaussian_Q(fabs(*z));
}

enum lsc_status lsc_rank_ks(const double *score, const unsigned char *y, size_t n, double *ks,
                        double *at)
{
    size_t npos = 0;
    *ks = NAN;
    if (at != NULL)
        *at = NAN;
    for (size_t i = 0; i < n; i++)
        npos += y[i] != 0;
    if (npos == 0 || npos == n)
        return LSC_OK;
    struct keyed *k = lsc_reallocarray(NULL, n, sizeof *k);
    if (k == NULL)
        return LSC_ERR_NOMEM;
    for (size_t i = 0; i < n; i++) {
        k[i].v = score[i];
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, by_value);
    /* both empirical CDFs step at the end of each group of equal scores */
    size_t cp = 0, cn = 0;
    double best = 0.0, best_at = k[0].v;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        for (; j < n && k[j].v == k[i].v; j++) {
            if (y[k[j].i])
                cp++;
            else
                cn++;
        }
        double d = fabs((double)cn / (double)(n - npos) - (double)cp / (double)npos);
        if (d > best) {
            best = d;
            best_at = k[i].v;
        }
        i = j;
    }
    *ks = best;
    if (at != NULL)
        *at = best_at;
    lsc_free(k);
    return LSC_OK;
}

struct pair {
    double x, y;
};

static int by_xy(const void *a, const void *b)
{
    const struct pair *p = a, *q = b;
    int c = cmp_total(p->x, q->x);
    return c != 0 ? c : cmp_total(p->y, q->y);
}

/* Sorts v[0..n) ascending by merge sort and returns the number of
 * exchanges a bubble sort would make (pairs i < j with v[i] > v[j]). */
static uint64_t merge_count(double *v, double *tmp, size_t n)
{
    uint64_t swaps = 0;
    for (size_t width = 1; width < n; width *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * width) {
            size_t mid = lo + width < n ? lo + width : n;
            size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
            size_t a = lo, b = mid, o = lo;
            while (a < mid && b < hi) {
                if (v[b] < v[a]) {
                    swaps += mid - a;
                    tmp[o++] = v[b++];
                } else {
                    tmp[o++] = v[a++];
                }
            }
            while (a < mid)
                tmp[o++] = v[a++];
            while (b < hi)
                tmp[o++] = v[b++];
        }
        memcpy(v, tmp, n * sizeof *v);
    }
    return swaps;
}

/* Kendall's tau-b by Knight's algorithm (W. R. Knight, "A computer method
 * for calculating Kendall's tau with ungrouped data", JASA 61 (1966)
 * 436-439): sort the pairs by x then y; count the pairs tied in x (n1) and
 * in both (n3) from the runs; merge-sort the y values in that order counting
 * exchanges (the discordant pairs, S); count the pairs tied in y (n2) from
 * the sorted y. With n0 = n (n - 1) / 2,
 *   tau_b = (n0 - n1 - n2 + n3 - 2 S) / sqrt((n0 - n1) (n0 - n2)),
 * the statistic scipy.stats.kendalltau computes. */
enum lsc_status lsc_rank_kendall_tau_b(const double *x, const double *y, size_t n, double *tau)
{
    *tau = NAN;
    if (n < 2)
        return LSC_OK;
    struct pair *p = lsc_reallocarray(NULL, n, sizeof *p);
    double *v = lsc_reallocarray(NULL, n, sizeof *v);
    double *tmp = lsc_reallocarray(NULL, n, sizeof *tmp);
    if (p == NULL || v == NULL || tmp == NULL) {
        lsc_free(p);
        lsc_free(v);
        lsc_free(tmp);
        return LSC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        p[i].x = x[i];
        p[i].y = y[i];
    }
    qsort(p, n, sizeof *p, by_xy);
    uint64_t n1 = 0, n2 = 0, n3 = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && p[j].x == p[i].x)
            j++;
        uint64_t t = j - i;
        n1 += t * (t - 1) / 2;
        for (size_t a = i; a < j;) {
            size_t b = a + 1;
            while (b < j && p[b].y == p[a].y)
                b++;
            uint64_t u = b - a;
            n3 += u * (u - 1) / 2;
            a = b;
        }
        i = j;
    }
    for (size_t i = 0; i < n; i++)
        v[i] = p[i].y;
    uint64_t swaps = merge_count(v, tmp, n);
    for (size_t i = 0; i < n;) {
        size_t j = i + 1;
        while (j < n && v[j] == v[i])
            j++;
        uint64_t t = j - i;
        n2 += t * (t - 1) / 2;
        i = j;
    }
    uint64_t n0 = (uint64_t)n * (uint64_t)(n - 1) / 2;
    if (n1 < n0 && n2 < n0) {
        double num = (double)n0 - (double)n1 - (double)n2 + (double)n3 - 2.0 * (double)swaps;
        *tau = num / sqrt(((double)n0 - (double)n1) * ((double)n0 - (double)n2));
    }
    lsc_free(p);
    lsc_free(v);
    lsc_free(tmp);
    return LSC_OK;
}

enum lsc_status lsc_rank_spearman(const double *x, const double *y, size_t n, double *rho)
{
    *rho = NAN;
    if (n < 2)
        return LSC_OK;
    int cx = 1, cy = 1;
    for (size_t i = 1; i < n; i++) {
        cx &= x[i] == x[0];
        cy &= y[i] == y[0];
    }
    if (cx || cy)
        return LSC_OK;
    double *work = lsc_calloc(2 * n, sizeof *work);
    if (work == NULL)
        return LSC_ERR_NOMEM;
    *rho = gsl_stats_spearman(x, 1, y, 1, n, work);
    lsc_free(work);
    return LSC_OK;
}

static int by_value_desc(const void *a, const void *b)
{
    return by_value(b, a);
}

enum lsc_status lsc_rank_gains_init(struct rank_gains *g, const double *score, const unsigned char *y,
                                size_t n)
{
    memset(g, 0, sizeof *g);
    g->n = n;
    struct keyed *k = lsc_reallocarray(NULL, n ? n : 1, sizeof *k);
    g->value = lsc_reallocarray(NULL, n ? n : 1, sizeof *g->value);
    g->rows_before = lsc_reallocarray(NULL, n + 1, sizeof *g->rows_before);
    g->pos_before = lsc_reallocarray(NULL, n + 1, sizeof *g->pos_before);
    if (k == NULL || g->value == NULL || g->rows_before == NULL || g->pos_before == NULL) {
        lsc_free(k);
        return LSC_ERR_NOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        if (!isfinite(score[i])) {
            lsc_rank_gains_fini(g);
            lsc_free(k);
            return LSC_ERR_DATA;
        }
        k[i].v = score[i];
        k[i].i = i;
    }
    qsort(k, n, sizeof *k, by_value_desc);
    size_t ng = 0, pos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        g->value[ng] = k[i].v;
        g->rows_before[ng] = i;
        g->pos_before[ng] = pos;
        do /* row i always belongs to its own group */
            pos += y[k[j].i] != 0;
        while (++j < n && cmp_total(k[j].v, k[i].v) == 0);
        ng++;
        i = j;
    }
    g->rows_before[ng] = n;
    g->pos_before[ng] = pos;
    g->n_groups = ng;
    g->positives = pos;
    lsc_free(k);
    return LSC_OK;
}

void lsc_rank_gains_fini(struct rank_gains *g)
{
    lsc_free(g->value);
    lsc_free(g->rows_before);
    lsc_free(g->pos_before);
    memset(g, 0, sizeof *g);
}

/* The group holding 1-based rank k (1 <= k <= n). */
static size_t group_of(const struct rank_gains *g, size_t k)
{
    size_t lo = 0, hi = g->n_groups; /* rows_before[lo] < k <= rows_before[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (g->rows_before[mid] < k)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

double lsc_rank_gains_positives(const struct rank_gains *g, size_t k)
{
    if (k == 0 || g->n_groups == 0)
        return 0.0;
    if (k >= g->n)
        return (double)g->positives;
    size_t t = group_of(g, k);
    double rows = (double)(g->rows_before[t + 1] - g->rows_before[t]);
    double pos = (double)(g->pos_before[t + 1] - g->pos_before[t]);
    return (double)g->pos_before[t] + (double)(k - g->rows_before[t]) * pos / rows;
}

double lsc_rank_gains_score_at(const struct rank_gains *g, size_t k)
{
    if (g->n_groups == 0)
        return NAN;
    if (k < 1)
        k = 1;
    if (k > g->n)
        k = g->n;
    return g->value[group_of(g, k)];
}

void lsc_rank_gains_at_least(const struct rank_gains *g, double t, size_t *rows, size_t *positives)
{
    size_t a = 0;
    while (a < g->n_groups && g->value[a] >= t)
        a++;
    *rows = g->rows_before[a];
    *positives = g->pos_before[a];
}
