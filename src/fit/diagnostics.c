#include "diagnostics.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "linalg.h"
#include "logreg.h"
#include "metrics.h"
#include "status_internal.h"

enum lsc_status lsc_diag_add(struct lsc_model *m, const struct lsc_log *log, const char *code,
                         const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lsc_logf(log, LSC_LOG_WARN, "%s: %s", code, msg);
    struct lsc_warning *w = lsc_reallocarray(m->warnings, m->n_warnings + 1, sizeof *w);
    if (w == NULL)
        return LSC_ERR_NOMEM;
    m->warnings = w;
    w[m->n_warnings].code = lsc_strdup(code);
    w[m->n_warnings].message = lsc_strdup(msg);
    if (w[m->n_warnings].code == NULL || w[m->n_warnings].message == NULL) {
        lsc_free(w[m->n_warnings].code);
        lsc_free(w[m->n_warnings].message);
        return LSC_ERR_NOMEM;
    }
    m->n_warnings++;
    return LSC_OK;
}

static enum lsc_status added(enum lsc_status st, struct lsc_error *err)
{
    return st == LSC_ERR_NOMEM ? lsc_error_nomem(err) : st;
}

enum lsc_status lsc_diag_thin_counts(struct lsc_model *m, const char *file, size_t rows,
                                     size_t positives, int force, const struct lsc_log *log,
                                     struct lsc_error *err)
{
    if (positives < DIAG_REFUSE_POSITIVES && !force)
        return lsc_error_set(err, LSC_ERR_DATA, file, 0, 0,
                             "only %zu conversions in %zu leads: at least %d are needed for a "
                             "model worth trusting (use --force to train anyway)",
                             positives, rows, DIAG_REFUSE_POSITIVES);
    if (rows < DIAG_MIN_ROWS || positives < DIAG_MIN_POSITIVES)
        return added(lsc_diag_add(m, log, "thin_data",
                              "%zu leads with %zu conversions; at least %d leads and %d "
                              "conversions are recommended, so treat this model with caution",
                              rows, positives, DIAG_MIN_ROWS, DIAG_MIN_POSITIVES),
                     err);
    return LSC_OK;
}

enum lsc_status lsc_diag_thin_data(struct lsc_model *m, const struct dataset *ds, int force,
                               const struct lsc_log *log, struct lsc_error *err)
{
    return lsc_diag_thin_counts(m, ds->file, ds->n_rows, ds->positives, force, log, err);
}

static int by_value(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* A numeric column that looks like a record number: whole numbers, at least
 * DIAG_ID_MIN_ROWS of them, either all distinct or monotone with the row
 * order while mostly distinct (a sorted export of a count is monotone too,
 * but repeats its values). *order: 1 increasing, -1 decreasing, 0 neither
 * (for the message). -1 when out of memory. */
static int numeric_id_like(const struct ds_column *c, size_t n_rows, size_t *distinct,
                           int *order)
{
    size_t present = n_rows - c->n_missing, k = 0;
    int up = 1, down = 1;
    double prev = NAN;
    *distinct = 0;
    *order = 0;
    if (present < DIAG_ID_MIN_ROWS)
        return 0;
    double *v = lsc_malloc(present * sizeof *v);
    if (v == NULL)
        return -1;
    for (size_t i = 0; i < n_rows; i++) {
        double x = lsc_ds_value(c, i);
        if (isnan(x))
            continue;
        if (x != floor(x) || fabs(x) > 9007199254740992.0) {
            lsc_free(v);
            return 0;
        }
        if (k > 0) {
            up &= x >= prev;
            down &= x <= prev;
        }
        v[k++] = prev = x;
    }
    qsort(v, k, sizeof *v, by_value);
    for (size_t i = 0; i < k; i++)
        *distinct += i == 0 || v[i] != v[i - 1];
    lsc_free(v);
    *order = up ? 1 : down ? -1 : 0;
    return *distinct == k || (*order != 0 && *distinct * 2 > k);
}

/* id_like for a numeric column: excluded and said so. */
static enum lsc_status numeric_id_check(struct lsc_model *m, struct ds_column *c, size_t n_rows,
                                        const struct lsc_log *log, int *excluded,
                                        struct lsc_error *err)
{
    size_t distinct = 0, present = n_rows - c->n_missing;
    int order = 0;
    int like = numeric_id_like(c, n_rows, &distinct, &order);
    *excluded = 0;
    if (like < 0)
        return lsc_error_nomem(err);
    if (like == 0)
        return LSC_OK;
    c->role = DS_EXCLUDED;
    *excluded = 1;
    return added(lsc_diag_add(m, log, "id_like",
                              "column \"%s\" holds whole numbers, %zu distinct in %zu rows%s: "
                              "a record number, not a property of the lead; excluded (name it "
                              "with --id to keep it in the scores, or --keep-feature \"%s\" to "
                              "use it as a feature)",
                              c->name, distinct, present,
                              order > 0 ? ", increasing with the row order"
                              : order < 0 ? ", decreasing with the row order" : "",
                              c->name),
                 err);
}

/* Rows of c whose value is a date in fmt (with_iso: or ISO 8601), from the
 * rows per dictionary entry cnt[1..]; *example: the first such entry. */
static size_t rows_dated(const struct ds_column *c, const size_t *cnt, const char *fmt,
                         int with_iso, size_t *example)
{
    size_t n = lsc_dict_size(c->dict), rows = 0;
    *example = SIZE_MAX;
    for (size_t e = 0; e < n; e++) {
        long day;
        const char *s = lsc_dict_str(c->dict, (uint32_t)e);
        size_t len = lsc_dict_len(c->dict, (uint32_t)e);
        if (cnt[e + 1] == 0 || !(with_iso ? lsc_date_parse_with(s, len, fmt, &day)
                                          : lsc_date_parse_format(s, len, fmt, &day)))
            continue;
        rows += cnt[e + 1];
        if (*example == SIZE_MAX)
            *example = e;
    }
    return rows;
}

/* A categorical column whose values are mostly dates (at least
 * DIAG_DATE_SHARE of its present rows, in --date-format, ISO 8601 or a
 * common format): as levels they say little (each date a few leads) and
 * never match new leads' dates, so it is excluded and said so, with the
 * options that use it (--days-since) or keep it (--keep-feature). */
#define DIAG_DATE_SHARE 0.8
static enum lsc_status date_like_check(struct lsc_model *m, const struct dataset *ds,
                                       struct ds_column *c, const size_t *cnt,
                                       const struct lsc_log *log, int *excluded,
                                       struct lsc_error *err)
{
    size_t present = ds->n_rows - c->n_missing, best = 0, example = SIZE_MAX, ex = 0;
    const char *fmt = NULL, *tie = NULL;
    *excluded = 0;
    if (ds->date_format != NULL) {
        best = rows_dated(c, cnt, ds->date_format, 1, &example);
        fmt = ds->date_format;
    }
    for (size_t k = 0; ds->date_format == NULL && lsc_date_common_formats[k] != NULL; k++) {
        size_t rows = rows_dated(c, cnt, lsc_date_common_formats[k], 0, &ex);
        if (rows > best) {
            best = rows;
            fmt = lsc_date_common_formats[k];
            example = ex;
            tie = NULL;
        } else if (rows == best && rows > 0 && tie == NULL) {
            tie = lsc_date_common_formats[k];
        }
    }
    if (present == 0 || example == SIZE_MAX || (double)best < DIAG_DATE_SHARE * (double)present)
        return LSC_OK;
    c->role = DS_EXCLUDED;
    *excluded = 1;
    int plain = strcmp(fmt, "%Y-%m-%d") == 0 || fmt == ds->date_format; /* no option to add */
    if (plain)
        tie = NULL;
    return added(
        lsc_diag_add(m, log, "date_like",
                     "column \"%s\" holds dates (%zu of %zu rows, e.g. \"%s\"%s%s%s%s%s): as "
                     "categorical levels, %zu of them, they say little and never match a new "
                     "lead's date; excluded (--days-since \"%s\"%s%s for the days since it, or "
                     "--keep-feature \"%s\" to keep it as categorical)",
                     c->name, best, present, lsc_dict_str(c->dict, (uint32_t)example),
                     plain ? "" : " in the format ", plain ? "" : fmt,
                     tie != NULL ? " or " : "", tie != NULL ? tie : "",
                     tie != NULL ? ": the values do not tell which" : "",
                     lsc_dict_size(c->dict), c->name, plain ? "" : " --date-format ", plain ? "" : fmt,
                     c->name),
        err);
}

enum lsc_status lsc_diag_columns(struct lsc_model *m, struct dataset *ds, const struct lsc_log *log,
                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    for (size_t j = 0; j < ds->n_cols && st == LSC_OK; j++) {
        struct ds_column *c = &ds->cols[j];
        if (c->role != DS_FEATURE)
            continue;
        int categorical = c->force == DS_FORCE_CATEGORICAL ||
                          (c->force == DS_INFER && !lsc_ds_is_numeric(c));
        if (!categorical && !c->keep_feature && !c->derived) {
            int excluded = 0;
            if ((st = numeric_id_check(m, c, ds->n_rows, log, &excluded, err)) != LSC_OK)
                return st;
            if (excluded)
                continue;
        }
        if (c->codes == NULL)
            continue;
        size_t present = ds->n_rows - c->n_missing, distinct = lsc_dict_size(c->dict);
        size_t *cnt = lsc_calloc(distinct + 1, sizeof *cnt);
        if (cnt == NULL)
            return lsc_error_nomem(err);
        for (size_t i = 0; i < ds->n_rows; i++)
            cnt[c->codes[i]]++;
        int dated = 0;
        if (categorical && !c->keep_feature && c->force != DS_FORCE_CATEGORICAL &&
            (st = date_like_check(m, ds, c, cnt, log, &dated, err)) != LSC_OK) {
            lsc_free(cnt);
            return st;
        }
        if (dated) {
            lsc_free(cnt);
            continue;
        }
        if (categorical && !c->keep_feature && present >= DIAG_ID_MIN_ROWS &&
            distinct * 2 > present) {
            lsc_free(cnt);
            c->role = DS_EXCLUDED;
            st = added(lsc_diag_add(m, log, "id_like",
                                "column \"%s\" has %zu distinct values in %zu rows: an id or "
                                "free text, excluded (name it with --id to keep it in the "
                                "scores, or --keep-feature \"%s\" to use it as a feature)",
                                c->name, distinct, present, c->name),
                       err);
            continue;
        }
        size_t top = 0, nonzero = 0;
        for (size_t k = 0; k <= distinct; k++) {
            nonzero += cnt[k] > 0;
            if (cnt[k] > cnt[top])
                top = k;
        }
        if (nonzero > 1 && (double)cnt[top] >= 0.99 * (double)ds->n_rows)
            st = added(lsc_diag_add(m, log, "near_constant",
                                "column \"%s\" is \"%s\" in %.1f%% of rows: it can say little",
                                c->name, top ? lsc_dict_str(c->dict, (uint32_t)(top - 1)) : "(missing)",
                                100.0 * (double)cnt[top] / (double)ds->n_rows),
                       err);
        lsc_free(cnt);
    }
    return st;
}

static int by_rate(const void *a, const void *b)
{
    const struct lsc_level_rate *x = a, *y = b;
    return (x->rate > y->rate) - (x->rate < y->rate);
}

double lsc_diag_levels_auc(struct lsc_level_rate *lv, size_t n)
{
    qsort(lv, n, sizeof *lv, by_rate);
    double P = 0.0, N = 0.0, u = 0.0, neg_below = 0.0;
    for (size_t k = 0; k < n;) {
        size_t e = k;
        double gp = 0.0, gn = 0.0;
        while (e < n && lv[e].rate == lv[k].rate) {
            gp += lv[e].pos;
            gn += lv[e].neg;
            e++;
        }
        u += gp * neg_below + 0.5 * gp * gn;
        neg_below += gn;
        P += gp;
        N += gn;
        k = e;
    }
    return P > 0.0 && N > 0.0 ? u / (P * N) : NAN;
}

enum lsc_status lsc_diag_leakage_report(struct lsc_model *m, const char *column, double auc,
                                        int holdout, const struct lsc_log *log,
                                        struct lsc_error *err)
{
    if (auc < 0.5)
        auc = 1.0 - auc;
    if (!(auc >= DIAG_LEAKAGE_AUC))
        return LSC_OK;
    return added(lsc_diag_add(m, log, "leakage",
                              "column \"%s\" alone reaches a %s AUC of %.3f: probably filled in "
                              "after the outcome (e.g. by sales); check it and consider "
                              "--exclude \"%s\"",
                              column, holdout ? "holdout" : "training", auc, column),
                 err);
}

/* Exact AUC of a categorical column scored by its levels' rates, from
 * per-level counts: O(rows + levels log levels), no sort of the rows. Levels
 * with equal rates tie (counted one half), as in the Mann-Whitney AUC. */
static enum lsc_status level_auc(const struct ds_column *src, const double *rate,
                                 const size_t *rows, size_t n, const double *y, double *auc,
                                 struct lsc_error *err)
{
    size_t ncodes = lsc_dict_size(src->dict) + 1;
    struct lsc_level_rate *lv = lsc_calloc(ncodes, sizeof *lv);
    if (lv == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < ncodes; k++)
        lv[k].rate = rate[k];
    for (size_t i = 0; i < n; i++) {
        size_t r = rows ? rows[i] : i;
        if (y[r] > 0.5)
            lv[src->codes[r]].pos += 1.0;
        else
            lv[src->codes[r]].neg += 1.0;
    }
    *auc = lsc_diag_levels_auc(lv, ncodes);
    lsc_free(lv);
    return LSC_OK;
}

enum lsc_status lsc_diag_leakage(struct lsc_model *m, const struct dataset *ds, const size_t *col_src,
                             const size_t *fit_rows, size_t n_fit, const size_t *eval_rows,
                             size_t n_eval, const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    /* a screening statistic: an evenly spaced sample of at most
     * DIAG_SAMPLE_ROWS rows keeps it cheap at any size */
    size_t stride = n_eval > DIAG_SAMPLE_ROWS ? (n_eval + DIAG_SAMPLE_ROWS - 1) / DIAG_SAMPLE_ROWS : 1;
    size_t n_all = n_eval;
    n_eval = (n_all + stride - 1) / stride;
    double *score = lsc_malloc((n_eval ? n_eval : 1) * sizeof *score);
    double *y = lsc_malloc((n_eval ? n_eval : 1) * sizeof *y);
    double *rate = NULL;
    size_t *cnt = NULL;
    if (score == NULL || y == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
#define EVAL_ROW(i) (eval_rows ? eval_rows[(i) * stride] : (i) * stride)
    for (size_t i = 0; i < n_eval; i++)
        y[i] = ds->y[EVAL_ROW(i)];
    double overall = 0.0;
    for (size_t i = 0; i < n_fit; i++)
        overall += ds->y[fit_rows ? fit_rows[i] : i];
    overall /= n_fit ? (double)n_fit : 1.0;
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const struct ds_column *src = &ds->cols[col_src[j]];
        if (lsc_col_is_numeric(c)) {
            for (size_t i = 0; i < n_eval; i++) {
                double v = lsc_ds_value(src, EVAL_ROW(i));
                score[i] = isnan(v) ? c->median : v;
            }
        } else {
            size_t ncodes = lsc_dict_size(src->dict) + 1;
            lsc_free(rate);
            lsc_free(cnt);
            rate = lsc_calloc(ncodes, sizeof *rate);
            cnt = lsc_calloc(ncodes, sizeof *cnt);
            if (rate == NULL || cnt == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            for (size_t i = 0; i < n_fit; i++) {
                size_t r = fit_rows ? fit_rows[i] : i;
                cnt[src->codes[r]]++;
                rate[src->codes[r]] += ds->y[r];
            }
            for (size_t k = 0; k < ncodes; k++)
                rate[k] = cnt[k] ? rate[k] / (double)cnt[k] : overall;
        }
        double auc = NAN;
        if (lsc_col_is_numeric(c)) {
            if (lsc_metrics_auc(score, y, n_eval, &auc) != LSC_OK) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
        } else if ((st = level_auc(src, rate, eval_rows, n_all, ds->y, &auc, err)) != LSC_OK) {
            goto cleanup;
        }
        if ((st = lsc_diag_leakage_report(m, c->name, auc, eval_rows != NULL, log, err)) !=
            LSC_OK)
            goto cleanup;
    }
#undef EVAL_ROW
cleanup:
    lsc_free(score);
    lsc_free(y);
    lsc_free(rate);
    lsc_free(cnt);
    return st;
}

enum lsc_status lsc_diag_separation_report(struct lsc_model *m, const size_t *cnt,
                                           const size_t *pos, size_t p, const double *lo,
                                           const size_t *dense, size_t q,
                                           const struct lsc_log *log, struct lsc_error *err)
{
    char names[768];
    size_t used = 0, found = 0;
    names[0] = '\0';
    for (size_t f = 1; f < p; f++) {
        if (cnt[f] == 0 || (pos[f] != 0 && pos[f] != cnt[f]))
            continue;
        if (found++ < 6) {
            int w = snprintf(names + used, sizeof names - used, "%s%s (%zu leads, %s)",
                             used ? "; " : "", m->feature_names[f], cnt[f],
                             pos[f] ? "all converted" : "none converted");
            if (w > 0 && (size_t)w < sizeof names - used)
                used += (size_t)w;
        }
    }
    for (size_t j = 0; j < q; j++) {
        if (dense[j] == SIZE_MAX)
            continue;
        const double *b = lo + 4 * j;
        if (b[1] < b[2] || b[3] < b[0]) {
            if (found++ < 6) {
                int w = snprintf(names + used, sizeof names - used,
                                 "%s%s (a threshold separates the classes)", used ? "; " : "",
                                 m->feature_names[dense[j]]);
                if (w > 0 && (size_t)w < sizeof names - used)
                    used += (size_t)w;
            }
        }
    }
    if (found > 0)
        return added(lsc_diag_add(m, log, "separation",
                            "%zu feature%s separate converted from not converted: %s%s; %s",
                            found, found == 1 ? "" : "s", names, found > 6 ? "; ..." : "",
                            m->l2 > 0.0 ? "the penalty keeps the fit finite, but these "
                                          "coefficients mostly reflect the penalty"
                                        : "without a penalty their coefficients diverge: "
                                          "use --l2 > 0 or merge the levels"),
                   err);
    return LSC_OK;
}

enum lsc_status lsc_diag_separation(struct lsc_model *m, const struct design *d,
                                const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p, q = d->q;
    size_t *cnt = lsc_calloc(p, sizeof *cnt), *pos = lsc_calloc(p, sizeof *pos);
    double *lo = lsc_malloc((q ? q : 1) * 4 * sizeof *lo);
    double *xb = lsc_malloc(DESIGN_BLOCK * (q ? q : 1) * sizeof *xb);
    size_t *dense = NULL;
    if (cnt == NULL || pos == NULL || lo == NULL || xb == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    /* lo[4j..4j+3]: min/max of dense value j among negatives and positives */
    for (size_t j = 0; j < q; j++) {
        lo[4 * j] = lo[4 * j + 2] = INFINITY;
        lo[4 * j + 1] = lo[4 * j + 3] = -INFINITY;
    }
    for (size_t i0 = 0; i0 < d->n; i0 += DESIGN_BLOCK) {
        size_t mm = d->n - i0 < DESIGN_BLOCK ? d->n - i0 : DESIGN_BLOCK;
        lsc_design_fill_dense(d, i0, mm, xb);
        for (size_t i = 0; i < mm; i++) {
            size_t r = design_row(d, i0 + i);
            int yy = d->y[r] > 0.5;
            for (size_t c = 0; c < d->nc; c++) {
                int32_t f = d->cats[c].map[d->cats[c].codes[r]];
                if (f >= 0) {
                    cnt[f]++;
                    pos[f] += (size_t)yy;
                }
            }
            for (size_t j = 0; j < q; j++) {
                double v = xb[i * q + j];
                double *b = lo + 4 * j + 2 * yy;
                if (v < b[0])
                    b[0] = v;
                if (v > b[1])
                    b[1] = v;
            }
        }
    }
    dense = lsc_malloc((q ? q : 1) * sizeof *dense);
    if (dense == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < q; j++)
        dense[j] = d->dense[j].indicator ? SIZE_MAX : d->dense[j].feature;
    st = lsc_diag_separation_report(m, cnt, pos, p, lo, dense, q, log, err);
cleanup:
    lsc_free(cnt);
    lsc_free(pos);
    lsc_free(lo);
    lsc_free(xb);
    lsc_free(dense);
    return st;
}

enum lsc_status lsc_diag_collinearity_gram(struct lsc_model *m, const double *G, size_t p,
                                           const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t k = p - 1;
    double *R = lsc_malloc((k ? k * k : 1) * sizeof *R);
    size_t *keep = lsc_malloc((k ? k : 1) * sizeof *keep);
    char names[768];
    size_t used = 0, dependent = 0;
    names[0] = '\0';
    if (R == NULL || keep == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (k < 2)
        goto cleanup;
    size_t nk = 0;
    for (size_t a = 1; a < p; a++)
        keep[nk++] = a;
    /* Cholesky of the correlation matrix; a failing minor names a feature
     * that depends on the ones before it: drop it and try again */
    for (int round = 0; round < 50; round++) {
        for (size_t a = 0; a < nk; a++)
            for (size_t b = 0; b < nk; b++) {
                size_t fa = keep[a], fb = keep[b];
                double ca = G[fa * p + fa] - G[fa] * G[fa];
                double cb = G[fb * p + fb] - G[fb] * G[fb];
                double cab = G[fa * p + fb] - G[fa] * G[fb];
                R[a * nk + b] = (ca > 0 && cb > 0) ? cab / sqrt(ca * cb) : (a == b);
            }
        st = lsc_la_spd_inverse(R, nk, NULL);
        if (st == LSC_OK)
            break;
        /* find the first dependent feature with growing leading blocks */
        size_t bad = nk - 1;
        for (size_t t = 2; t <= nk; t++) {
            double *S = lsc_malloc(t * t * sizeof *S);
            if (S == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            for (size_t a = 0; a < t; a++)
                for (size_t b = 0; b < t; b++) {
                    size_t fa = keep[a], fb = keep[b];
                    double ca = G[fa * p + fa] - G[fa] * G[fa];
                    double cb = G[fb * p + fb] - G[fb] * G[fb];
                    S[a * t + b] = (ca > 0 && cb > 0)
                                       ? (G[fa * p + fb] - G[fa] * G[fb]) / sqrt(ca * cb)
                                       : (a == b);
                }
            /* a tiny pivot means feature t-1 is (nearly) a combination */
            enum lsc_status s2 = lsc_la_spd_inverse(S, t, NULL);
            int singular = s2 != LSC_OK || S[(t - 1) * t + (t - 1)] > 1e10;
            lsc_free(S);
            if (singular) {
                bad = t - 1;
                break;
            }
        }
        if (dependent++ < 6) {
            int w = snprintf(names + used, sizeof names - used, "%s%s", used ? ", " : "",
                             m->feature_names[keep[bad]]);
            if (w > 0 && (size_t)w < sizeof names - used)
                used += (size_t)w;
        }
        memmove(keep + bad, keep + bad + 1, (nk - bad - 1) * sizeof *keep);
        nk--;
        st = LSC_OK;
        if (nk < 2)
            break;
    }
    if (dependent > 0) {
        st = added(lsc_diag_add(m, log, "collinearity",
                            "rank deficient: %s %s a linear combination of other features "
                            "(duplicated or derived columns?); only the penalty identifies %s",
                            names, dependent == 1 ? "is" : "are", dependent == 1 ? "it" : "them"),
                   err);
        goto cleanup;
    }
    used = 0;
    names[0] = '\0';
    size_t high = 0;
    for (size_t a = 0; a < nk && st == LSC_OK; a++) {
        double vif = R[a * nk + a];
        if (vif > DIAG_VIF && high++ < 6) {
            int w = snprintf(names + used, sizeof names - used, "%s%s (VIF %.1f)", used ? ", " : "",
                             m->feature_names[keep[a]], vif);
            if (w > 0 && (size_t)w < sizeof names - used)
                used += (size_t)w;
        }
    }
    if (high > 0)
        st = added(lsc_diag_add(m, log, "collinearity",
                            "%zu feature%s with a variance inflation factor above %g: %s%s; their "
                            "coefficients are unstable and hard to read one by one",
                            high, high == 1 ? "" : "s", DIAG_VIF, names, high > 6 ? ", ..." : ""),
                   err);
cleanup:
    lsc_free(R);
    lsc_free(keep);
    return st;
}

enum lsc_status lsc_diag_collinearity(struct lsc_model *m, const struct design *d,
                                  const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = d->p;
    /* correlations are estimated well from an evenly spaced sample */
    struct design view = *d;
    size_t *sample = NULL;
    if (d->n > DIAG_SAMPLE_ROWS) {
        size_t stride = (d->n + DIAG_SAMPLE_ROWS - 1) / DIAG_SAMPLE_ROWS;
        view.n = (d->n + stride - 1) / stride;
        sample = lsc_malloc(view.n * sizeof *sample);
        if (sample == NULL)
            return lsc_error_nomem(err);
        for (size_t i = 0; i < view.n; i++)
            sample[i] = design_row(d, i * stride);
        view.rows = sample;
    }
    d = &view;
    double *eta = lsc_calloc(d->n ? d->n : 1, sizeof *eta);
    double *beta = lsc_calloc(p, sizeof *beta);
    double *g = lsc_malloc(p * sizeof *g);
    double *G = lsc_malloc(p * p * sizeof *G);
    if (eta == NULL || beta == NULL || g == NULL || G == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (p < 3 || d->n < 2)
        goto cleanup;
    /* at eta = 0 every IRLS weight is 1/4, so the Hessian is X'WX / 4 with
     * W the row weights: divided by their total, the Gram matrix of the
     * rows as the fit reads them (frequency weights; a row of weight 0 is
     * not there) */
    if ((st = lsc_logreg_derivatives(d, beta, eta, 0.0, NULL, g, G, err)) != LSC_OK)
        goto cleanup;
    double n = 0.0;
    for (size_t i = 0; i < d->n; i++)
        n += design_weight(d, i);
    if (!(n > 0.0))
        goto cleanup;
    for (size_t a = 0; a < p * p; a++)
        G[a] *= 4.0 / n;
    st = lsc_diag_collinearity_gram(m, G, p, log, err);
cleanup:
    lsc_free(sample);
    lsc_free(eta);
    lsc_free(beta);
    lsc_free(g);
    lsc_free(G);
    return st;
}
