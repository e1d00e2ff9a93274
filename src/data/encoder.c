#include "encoder.h"

#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"
#include "util.h"

void lsc_encoder_clear(struct lsc_model *m)
{
    lsc_pairs_free(m);
    for (size_t j = 0; j < m->n_columns; j++) {
        struct lsc_column_enc *c = &m->columns[j];
        lsc_free(c->name);
        for (size_t k = 0; k < c->n_levels; k++)
            lsc_free(c->levels[k]);
        lsc_free(c->levels);
        lsc_free(c->level_feature);
        lsc_free(c->level_count);
        lsc_dict_free(c->lookup);
        lsc_free(c->source);
        lsc_free(c->event_type);
        lsc_free(c->cuts);
        lsc_free(c->bin_feature);
        lsc_free(c->bin_count);
    }
    lsc_free(m->columns);
    m->columns = NULL;
    m->n_columns = 0;
    for (size_t i = 0; i < m->n_features; i++)
        lsc_free(m->feature_names[i]);
    lsc_free(m->feature_names);
    m->feature_names = NULL;
    lsc_free(m->coef);
    m->coef = NULL;
    m->n_features = 0;
}

/* Features (intercept included) the dense Newton solver is asked to handle:
 * 10,000 makes an 800 MB Hessian. */
#define MAX_FEATURES 10000u

static size_t row_at(const size_t *rows, size_t i) { return rows ? rows[i] : i; }

/* Frees a column's levels before the column is counted in m->n_columns
 * (after that, lsc_encoder_clear owns them). */
static void drop_levels(struct lsc_column_enc *c)
{
    for (size_t k = 0; c->levels != NULL && k < c->n_levels; k++)
        lsc_free(c->levels[k]);
    lsc_free(c->levels);
    lsc_free(c->level_count);
    lsc_free(c->level_feature);
    lsc_free(c->cuts);
    lsc_free(c->bin_feature);
    lsc_free(c->bin_count);
    memset(c, 0, sizeof *c);
}

static char *feature_name(const char *col, const char *sep, const char *level)
{
    size_t a = strlen(col), b = level ? strlen(level) : 0, c = level ? strlen(sep) : 0;
    char *s = lsc_malloc(a + b + c + 1);
    if (s == NULL)
        return NULL;
    memcpy(s, col, a);
    if (level != NULL) {
        memcpy(s + a, sep, c);
        memcpy(s + a + c, level, b);
    }
    s[a + b + c] = '\0';
    return s;
}

/* Appends a feature name (taking it); its index or LSC_NO_FEATURE. */
static size_t add_name(struct lsc_model *m, size_t *cap, char *name)
{
    if (name != NULL && m->n_features == *cap) {
        size_t ncap = *cap ? *cap * 2 : 64;
        char **f = lsc_reallocarray(m->feature_names, ncap, sizeof *f);
        if (f == NULL) {
            lsc_free(name);
            return LSC_NO_FEATURE;
        }
        m->feature_names = f;
        *cap = ncap;
    }
    if (name == NULL)
        return LSC_NO_FEATURE;
    m->feature_names[m->n_features] = name;
    return m->n_features++;
}

/* "Column" or "Column=Level". */
static size_t add_feature(struct lsc_model *m, size_t *cap, const char *col, const char *level)
{
    return add_name(m, cap, feature_name(col, "=", level));
}

/* A bin step: "Column>=5". */
static size_t add_step_feature(struct lsc_model *m, size_t *cap, const char *col,
                               const char *label)
{
    return add_name(m, cap, feature_name(col, "", label));
}

struct value_count {
    double value;
    size_t count;
};

static int by_value(const void *a, const void *b)
{
    const struct value_count *x = a, *y = b;
    return (x->value > y->value) - (x->value < y->value);
}

/* Median, mean and population sd of the median-imputed column over rows.
 * Dictionary columns work on (distinct value, count) pairs, so the cost is
 * one pass over the rows plus a sort of the distinct values; raw columns use
 * GSL's selection-based median on a copy. *kept is 0 (with a note) for an
 * empty or constant column. */
static enum lsc_status fit_numeric(const struct ds_column *src, const size_t *rows, size_t n,
                                   struct lsc_column_enc *c, double *buf, int *kept,
                                   const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t *cnt = NULL;
    struct value_count *vc = NULL;
    size_t k = 0, missing = 0;
    double lo = 0.0, hi = 0.0, sum = 0.0;
    *kept = 0;
    if (src->raw == NULL) {
        size_t ncodes = lsc_dict_size(src->dict) + 1, nv = 0;
        cnt = lsc_calloc(ncodes, sizeof *cnt);
        vc = lsc_calloc(ncodes, sizeof *vc);
        if (cnt == NULL || vc == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        for (size_t i = 0; i < n; i++)
            cnt[src->codes[row_at(rows, i)]]++;
        missing = cnt[0];
        for (size_t code = 1; code < ncodes; code++)
            if (cnt[code] > 0) {
                vc[nv].value = src->values[code - 1];
                vc[nv++].count = cnt[code];
            }
        k = n - missing;
        if (k > 0) {
            qsort(vc, nv, sizeof *vc, by_value);
            /* the elements at 0-based sorted positions (k-1)/2 and k/2 */
            size_t want_lo = (k - 1) / 2, want_hi = k / 2, seen = 0;
            double m_lo = NAN, m_hi = NAN;
            for (size_t v = 0; v < nv; v++) {
                if (isnan(m_lo) && want_lo < seen + vc[v].count)
                    m_lo = vc[v].value;
                if (isnan(m_hi) && want_hi < seen + vc[v].count)
                    m_hi = vc[v].value;
                seen += vc[v].count;
                sum += (double)vc[v].count * vc[v].value;
            }
            c->median = 0.5 * (m_lo + m_hi);
            lo = vc[0].value;
            hi = vc[nv - 1].value;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            double v = src->raw[row_at(rows, i)];
            if (isnan(v))
                continue;
            if (k == 0 || v < lo)
                lo = v;
            if (k == 0 || v > hi)
                hi = v;
            sum += v;
            buf[k++] = v;
        }
        missing = n - k;
        if (k > 0)
            c->median = gsl_stats_median(buf, 1, k);
    }
    if (k == 0) {
        lsc_logf(log, LSC_LOG_NOTE, "dropped column \"%s\": no values", src->name);
        goto cleanup;
    }
    if (lo == hi) {
        lsc_logf(log, LSC_LOG_NOTE, "dropped column \"%s\": constant (%g)%s", src->name, lo,
                 missing ? " apart from missing values" : "");
        goto cleanup;
    }
    /* Values beyond 2^500 in size (1e200, 1e308) would overflow the sum of
     * squares, or the sum itself: the moments are then taken of the values
     * divided by a power of two, which is exact, so ordinary columns keep
     * their bits and such columns get a finite mean and sd. */
    double big = fmax(fabs(lo), fabs(hi));
    double f = big > 0x1p500 ? ldexp(1.0, -ilogb(big)) : 1.0;
    if (f != 1.0) {
        sum = 0.0;
        if (vc != NULL)
            for (size_t v = 0; v < lsc_dict_size(src->dict) + 1 && vc[v].count > 0; v++)
                sum += (double)vc[v].count * (vc[v].value * f);
        else
            for (size_t i = 0; i < k; i++)
                sum += buf[i] * f;
    }
    double med = c->median * f;
    double mean = (sum + (double)missing * med) / (double)n;
    double ss = (double)missing * (med - mean) * (med - mean);
    if (vc != NULL) {
        for (size_t v = 0; v < lsc_dict_size(src->dict) + 1 && vc[v].count > 0; v++)
            ss += (double)vc[v].count * (vc[v].value * f - mean) * (vc[v].value * f - mean);
    } else {
        for (size_t i = 0; i < k; i++)
            ss += (buf[i] * f - mean) * (buf[i] * f - mean);
    }
    c->mean = mean / f;
    c->sd = sqrt(ss / (double)n) / f;
    /* set for real by the caller */
    c->missing_feature = missing > 0 && !src->no_missing_indicator ? 0 : LSC_NO_FEATURE;
    *kept = c->sd > 0.0;
cleanup:
    lsc_free(cnt);
    lsc_free(vc);
    return st;
}

struct level_sort {
    size_t code, count;
    const char *name; /* NULL for missing (code 0) */
};

/* By count, most frequent first; ties: missing first, then the names in
 * byte order (so the reference level does not depend on the order of the
 * rows, and the database path, which reads the levels sorted, agrees). */
static int by_count_desc(const void *a, const void *b)
{
    const struct level_sort *x = a, *y = b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    if ((x->name == NULL) != (y->name == NULL))
        return x->name == NULL ? -1 : 1;
    int c = x->name != NULL ? strcmp(x->name, y->name) : 0;
    if (c != 0)
        return c;
    return x->code < y->code ? -1 : (x->code > y->code);
}

/* A level name becomes a JSON string in the model, so it must be UTF-8;
 * the error names the first row holding the value. */
static enum lsc_status check_level_utf8(const struct dataset *ds, const struct ds_column *src,
                                        uint32_t code, struct lsc_error *err)
{
    const char *s = lsc_dict_str(src->dict, code - 1);
    size_t len = lsc_dict_len(src->dict, code - 1), bad = 0, line = 0;
    char shown[160];
    if (lsc_utf8_valid(s, len, &bad))
        return LSC_OK;
    for (size_t i = 0; i < ds->n_rows && line == 0; i++)
        if (src->codes[i] == code)
            line = ds->row_line[i];
    lsc_escape_bytes(s, len, shown, sizeof shown);
    return lsc_error_set(err, LSC_ERR_DATA, ds->file, line, src->file_index + 1,
                         "value \"%s\" of column \"%s\" is not valid UTF-8 (byte 0x%02X); the "
                         "model file is JSON, which must be UTF-8: " LSC_ENCODING_HINT,
                         shown, src->name, (unsigned)(unsigned char)s[bad]);
}

/* A column of numbers with a few values that are not (1e400, 1,5, 1 000,
 * n/a...) is most likely a numeric column with bad cells: treating it as
 * categorical (or dropping it) silently would lose the predictor, so say so
 * loudly, with the place of the first such value. */
static void warn_mostly_numbers(const struct dataset *ds, const struct ds_column *src, int kept,
                                const struct lsc_log *log)
{
    char shown[96];
    uint32_t e = (uint32_t)src->first_text_entry;
    lsc_escape_bytes(lsc_dict_str(src->dict, e), lsc_dict_len(src->dict, e), shown, sizeof shown);
    lsc_logf(log, LSC_LOG_WARN,
             "%s:%zu:%zu: column \"%s\" holds numbers, but %zu distinct value%s not (the first "
             "is \"%s\"), so it was %s; if it is numeric, correct or blank those values "
             "(with --numeric \"%s\", training stops at the first)",
             ds->file, src->first_text_line, src->file_index + 1, src->name, src->n_text,
             src->n_text == 1 ? " is" : "s are", shown, kept ? "treated as categorical" : "dropped",
             src->name);
}

/* 1 when every value of the column that is not a number would be one with
 * the other decimal separator: "16,2" read without --decimal-comma (a
 * European export), or "16.2" read with it. */
static int decimal_comma_column(const struct dataset *ds, const struct ds_column *src)
{
    size_t n = lsc_dict_size(src->dict);
    int all = src->n_text > 0;
    for (size_t e = 0; all && e < n; e++) {
        const char *s = lsc_dict_str(src->dict, (uint32_t)e);
        size_t len = lsc_dict_len(src->dict, (uint32_t)e);
        double x;
        all = !isnan(src->values[e]) ||
              (ds->decimal_comma ? lsc_parse_number(s, len, &x) : lsc_looks_decimal_comma(s, len));
    }
    return all;
}

static void warn_decimal_comma(const struct dataset *ds, const struct ds_column *src, int kept,
                               const struct lsc_log *log)
{
    char shown[96];
    uint32_t e = (uint32_t)src->first_text_entry;
    lsc_escape_bytes(lsc_dict_str(src->dict, e), lsc_dict_len(src->dict, e), shown, sizeof shown);
    lsc_logf(log, LSC_LOG_WARN,
             "%s:%zu:%zu: column \"%s\" holds numbers, but %zu distinct value%s not (the first "
             "is \"%s\"): %s, so it was %s; %s",
             ds->file, src->first_text_line, src->file_index + 1, src->name, src->n_text,
             src->n_text == 1 ? " is" : "s are", shown,
             ds->decimal_comma ? "numbers with a decimal point, which --decimal-comma reads as text"
                               : "numbers with a decimal comma",
             kept ? "treated as categorical" : "dropped",
             ds->decimal_comma ? "leave out --decimal-comma if '.' is the decimal separator"
                               : "if ',' is the decimal separator, train and score with "
                                 "--decimal-comma");
}

/* The levels of a column from its counts lv[0..ncodes) (code 0: missing),
 * named by name(ctx, code) for a code > 0 and checked by check (may be
 * NULL): the kept levels by count (ties: missing, then by name), the rare ones
 * pooled into "(other)", the reference level. */
struct level_source {
    const char *(*name)(const void *ctx, size_t code);
    enum lsc_status (*check)(const void *ctx, size_t code, struct lsc_error *err);
    const void *ctx;
};

static enum lsc_status pool_levels(struct level_sort *lv, size_t ncodes, size_t n,
                                   size_t min_count, const char *colname,
                                   const struct level_source *ls, struct lsc_column_enc *c,
                                   int *kept, const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    /* missing (code 0) sorts by its count like any level */
    for (size_t k = 0; k < ncodes; k++)
        lv[k].name = lv[k].code != 0 && lv[k].count > 0 ? ls->name(ls->ctx, lv[k].code) : NULL;
    qsort(lv, ncodes, sizeof *lv, by_count_desc);
    size_t nkeep = 0, pooled = 0, npooled = 0;
    for (size_t k = 0; k < ncodes; k++) {
        if (lv[k].count == 0)
            continue;
        if (lv[k].count >= min_count)
            nkeep++;
        else {
            pooled += lv[k].count;
            npooled++;
        }
    }
    size_t total = nkeep + (pooled > 0);
    *kept = total >= 2;
    if (!*kept) {
        lsc_logf(log, LSC_LOG_NOTE, "dropped column \"%s\": constant%s", colname,
                 npooled ? " after pooling rare levels" : "");
        return LSC_OK;
    }
    c->levels = lsc_calloc(total, sizeof *c->levels);
    c->level_count = lsc_calloc(total, sizeof *c->level_count);
    c->level_feature = lsc_calloc(total, sizeof *c->level_feature);
    if (c->levels == NULL || c->level_count == NULL || c->level_feature == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    c->n_levels = total;
    c->other = SIZE_MAX;
    c->missing = SIZE_MAX;
    size_t at = 0;
    for (size_t k = 0; k < ncodes; k++) {
        if (lv[k].count < min_count || lv[k].count == 0)
            continue;
        if (lv[k].code != 0 && ls->check != NULL &&
            (st = ls->check(ls->ctx, lv[k].code, err)) != LSC_OK)
            goto cleanup;
        const char *name = lv[k].code == 0 ? LSC_LEVEL_MISSING : ls->name(ls->ctx, lv[k].code);
        if (lv[k].code == 0)
            c->missing = at;
        c->levels[at] = lsc_strdup(name);
        if (c->levels[at] == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        c->level_count[at++] = lv[k].count;
    }
    if (pooled > 0) {
        c->other = at;
        c->levels[at] = lsc_strdup(LSC_LEVEL_OTHER);
        if (c->levels[at] == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        c->level_count[at++] = pooled;
        lsc_logf(log, LSC_LOG_INFO, "column \"%s\": %zu rare levels (%zu rows) pooled into %s",
                 colname, npooled, pooled, LSC_LEVEL_OTHER);
    }
    /* the most frequent level is the reference; "(other)" can be it only
     * when it is strictly the most frequent */
    c->reference = 0;
    if (c->other != SIZE_MAX && c->level_count[c->other] > c->level_count[0])
        c->reference = c->other;
    c->training_count_total = n;
cleanup:
    if (st != LSC_OK)
        drop_levels(c);
    return st;
}

struct ds_level_ctx {
    const struct dataset *ds;
    const struct ds_column *src;
};

static const char *ds_level_name(const void *ctx, size_t code)
{
    const struct ds_level_ctx *x = ctx;
    return lsc_dict_str(x->src->dict, (uint32_t)(code - 1));
}

static enum lsc_status ds_level_check(const void *ctx, size_t code, struct lsc_error *err)
{
    const struct ds_level_ctx *x = ctx;
    return check_level_utf8(x->ds, x->src, (uint32_t)code, err);
}

static enum lsc_status fit_categorical(const struct dataset *ds, const struct ds_column *src,
                                       const size_t *rows, size_t n, size_t min_count,
                                       struct lsc_column_enc *c, int *kept,
                                       const struct lsc_log *log, struct lsc_error *err)
{
    size_t ncodes = lsc_dict_size(src->dict) + 1;
    struct level_sort *lv = lsc_calloc(ncodes, sizeof *lv);
    if (lv == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < ncodes; k++)
        lv[k].code = k;
    for (size_t i = 0; i < n; i++)
        lv[src->codes[row_at(rows, i)]].count++;
    struct ds_level_ctx x = {ds, src};
    struct level_source ls = {ds_level_name, ds_level_check, &x};
    enum lsc_status st = pool_levels(lv, ncodes, n, min_count, src->name, &ls, c, kept, log, err);
    lsc_free(lv);
    return st;
}

/* ---- bins (--bins) ---------------------------------------------------- */

static int by_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The column's non-missing values over rows as ascending (value, count)
 * pairs; *nv pairs, *k values in all. */
static enum lsc_status value_counts(const struct ds_column *src, const size_t *rows, size_t n,
                                    struct value_count **out, size_t *nv, size_t *k,
                                    struct lsc_error *err)
{
    size_t cap = src->raw == NULL ? lsc_dict_size(src->dict) + 1 : n + 1;
    struct value_count *vc = lsc_calloc(cap, sizeof *vc);
    double *v = src->raw != NULL ? lsc_malloc((n ? n : 1) * sizeof *v) : NULL;
    size_t m = 0;
    *out = NULL;
    *nv = *k = 0;
    if (vc == NULL || (src->raw != NULL && v == NULL)) {
        lsc_free(vc);
        lsc_free(v);
        return lsc_error_nomem(err);
    }
    if (src->raw == NULL) {
        for (size_t i = 0; i < n; i++) {
            uint32_t code = src->codes[row_at(rows, i)];
            if (code != 0)
                vc[code].count++;
        }
        for (size_t code = 1; code < cap; code++)
            if (vc[code].count > 0) {
                vc[m].value = src->values[code - 1];
                vc[m++].count = vc[code].count;
            }
        qsort(vc, m, sizeof *vc, by_value);
    } else {
        size_t nn = 0;
        for (size_t i = 0; i < n; i++)
            if (!isnan(src->raw[row_at(rows, i)]))
                v[nn++] = src->raw[row_at(rows, i)];
        qsort(v, nn, sizeof *v, by_double);
        for (size_t i = 0; i < nn; i++) {
            if (m == 0 || vc[m - 1].value != v[i])
                vc[m++].value = v[i];
            vc[m - 1].count++;
        }
        lsc_free(v);
    }
    for (size_t i = 0; i < m; i++)
        *k += vc[i].count;
    *out = vc;
    *nv = m;
    return LSC_OK;
}

/* The roundest number r with lo < r <= hi (fewest significant digits; 0
 * when it fits), so a cut reads "Total Visits >= 5", not ">= 4.999". */
static double round_cut(double lo, double hi)
{
    char buf[40];
    if (lo < 0.0 && hi >= 0.0)
        return 0.0;
    for (int d = 1; d <= 17; d++) {
        double scale = pow(10.0, floor(log10(fabs(hi))) - d + 1);
        double r = (floor(lo / scale) + 1.0) * scale;
        snprintf(buf, sizeof buf, "%.*e", d - 1, r);
        r = strtod(buf, NULL);
        if (r > lo && r <= hi)
            return r;
    }
    return hi;
}

void lsc_cut_rounds_begin(struct lsc_cut_rounds *cr, size_t k, const struct lsc_bin_opts *bo)
{
    size_t min_count = (size_t)ceil(bo->min_share * (double)k);
    cr->k = k;
    cr->nbins = bo->bins;
    cr->min_count = min_count ? min_count : 1;
    cr->last = 0;
    cr->next = 1;
}

/* A cut needs, of the values below it: the next quantile's share k next /
 * nbins, min_count more than below the last cut, and at least one (it is
 * above the first value); of those above it, min_count. */
size_t lsc_cut_rounds_threshold(const struct lsc_cut_rounds *cr)
{
    if (cr->next >= cr->nbins || cr->k < cr->min_count)
        return SIZE_MAX;
    double target = (double)cr->k * (double)cr->next / (double)cr->nbins;
    size_t t = (size_t)ceil(target), least = cr->last + cr->min_count;
    if (t < least)
        t = least;
    return t <= cr->k - cr->min_count ? t : SIZE_MAX;
}

int lsc_cut_rounds_take(struct lsc_cut_rounds *cr, int found, size_t below, double prev, double v,
                        double *cuts, size_t *n_cuts)
{
    if (!found || below > cr->k - cr->min_count) {
        cr->next = cr->nbins;
        return 0;
    }
    cuts[(*n_cuts)++] = round_cut(prev, v);
    cr->last = below;
    while (cr->next < cr->nbins &&
           (double)below >= (double)cr->k * (double)cr->next / (double)cr->nbins)
        cr->next++;
    return 1;
}

/* Quantile cuts: about nbins bins of equal counts, none below min_count
 * rows (ties keep a value in one bin), the rounds over the sorted values.
 * Returns the number of cuts. */
static size_t choose_cuts(const struct value_count *vc, size_t nv, size_t k,
                          const struct lsc_bin_opts *bo, double *cuts)
{
    struct lsc_cut_rounds cr;
    size_t ncut = 0, i = 0, below = 0, t;
    lsc_cut_rounds_begin(&cr, k, bo);
    while ((t = lsc_cut_rounds_threshold(&cr)) != SIZE_MAX) {
        while (i < nv && below < t)
            below += vc[i++].count;
        int found = i < nv && below >= t;
        if (!lsc_cut_rounds_take(&cr, found, below, found ? vc[i - 1].value : 0.0,
                                 found ? vc[i].value : 0.0, cuts, &ncut))
            break;
    }
    return ncut;
}

/* A numeric column --bins could not cut. */
static void note_linear(const struct lsc_log *log, const char *name, const struct lsc_bin_opts *bo)
{
    lsc_logf(log, LSC_LOG_NOTE, "column \"%s\": no bin of at least %g%% of the rows, kept linear",
             name, 100.0 * bo->min_share);
}

/* Cuts the numeric column c (already fitted by fit_numeric) into bins. */
static enum lsc_status fit_bins(const struct ds_column *src, const size_t *rows, size_t n,
                                const struct lsc_bin_opts *bo, struct lsc_column_enc *c,
                                struct lsc_error *err)
{
    struct value_count *vc = NULL;
    size_t nv = 0, k = 0;
    enum lsc_status st = value_counts(src, rows, n, &vc, &nv, &k, err);
    if (st != LSC_OK)
        return st;
    c->cuts = lsc_calloc(bo->bins, sizeof *c->cuts);
    c->bin_count = lsc_calloc(bo->bins + 1, sizeof *c->bin_count);
    if (c->cuts == NULL || c->bin_count == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    c->n_cuts = choose_cuts(vc, nv, k, bo, c->cuts);
    for (size_t i = 0; i < nv; i++)
        c->bin_count[lsc_bin_of(c->cuts, c->n_cuts, vc[i].value)] += vc[i].count;
    c->missing_count = n - k;
    c->type = LSC_COL_BINNED;
cleanup:
    lsc_free(vc);
    return st;
}

/* A binned column's features: a step per cut ("Col>=cut"), then the
 * missing indicator when training rows have missing values. */
static enum lsc_status add_bin_features(struct lsc_model *m, size_t *fcap,
                                        struct lsc_column_enc *c, int has_missing,
                                        struct lsc_error *err)
{
    char label[64];
    c->bin_feature = lsc_calloc(c->n_cuts ? c->n_cuts : 1, sizeof *c->bin_feature);
    if (c->bin_feature == NULL)
        return lsc_error_nomem(err);
    c->feature = LSC_NO_FEATURE;
    for (size_t b = 0; b < c->n_cuts; b++) {
        lsc_format_shortest(c->cuts[b], label + 2, sizeof label - 2);
        label[0] = '>';
        label[1] = '=';
        c->bin_feature[b] = add_step_feature(m, fcap, c->name, label);
        if (c->bin_feature[b] == LSC_NO_FEATURE)
            return lsc_error_nomem(err);
    }
    c->missing_feature = LSC_NO_FEATURE;
    if (has_missing) {
        c->missing_feature = add_feature(m, fcap, c->name, LSC_LEVEL_MISSING);
        if (c->missing_feature == LSC_NO_FEATURE)
            return lsc_error_nomem(err);
    }
    return LSC_OK;
}

/* The model features of column c: steps of a binned column, the value and
 * missing indicator of a numeric one, the non-reference levels of a
 * categorical one. */
static enum lsc_status add_column_features(struct lsc_model *m, size_t *fcap,
                                           struct lsc_column_enc *c, int numeric,
                                           struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (numeric && c->n_cuts > 0) {
        st = add_bin_features(m, fcap, c, c->missing_feature != LSC_NO_FEATURE, err);
    } else if (numeric) {
        c->type = LSC_COL_NUMERIC;
        int has_missing = c->missing_feature != LSC_NO_FEATURE;
        c->feature = add_feature(m, fcap, c->name, NULL);
        c->missing_feature = LSC_NO_FEATURE;
        if (c->feature == LSC_NO_FEATURE)
            return lsc_error_nomem(err);
        if (has_missing) {
            c->missing_feature = add_feature(m, fcap, c->name, LSC_LEVEL_MISSING);
            if (c->missing_feature == LSC_NO_FEATURE)
                return lsc_error_nomem(err);
        }
    } else {
        c->type = LSC_COL_CATEGORICAL;
        for (size_t k = 0; k < c->n_levels; k++) {
            c->level_feature[k] = LSC_NO_FEATURE;
            if (k == c->reference)
                continue;
            c->level_feature[k] = add_feature(m, fcap, c->name, c->levels[k]);
            if (c->level_feature[k] == LSC_NO_FEATURE)
                return lsc_error_nomem(err);
        }
    }
    return st;
}

/* After the columns: the size check, the coefficients, the lookups. */
static enum lsc_status encoder_finish(struct lsc_model *m, const char *file,
                                      const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (m->n_features > MAX_FEATURES) {
        /* the Newton step works on a dense p x p matrix (several, with
         * threads): refuse before allocating hundreds of gigabytes */
        double gb = (double)m->n_features * (double)m->n_features * 8.0 / 1e9;
        st = lsc_error_set(err, LSC_ERR_DATA, file, 0, 0,
                           "%zu features from %zu columns is more than leadscore can fit (at "
                           "most %u: the Newton step needs a %zu x %zu matrix, %.1f GB); "
                           "leave columns out (--exclude, --include) or pool more levels "
                           "(--min-level-count)",
                           m->n_features, m->n_columns, MAX_FEATURES, m->n_features, m->n_features,
                           gb);
        return st;
    }
    if (m->n_columns == 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%s: no usable feature column (all were excluded or dropped): the model only "
                 "has an intercept and gives every lead the same score",
                 file);
    m->coef = lsc_calloc(m->n_features, sizeof *m->coef);
    if (m->coef == NULL) {
        st = lsc_error_nomem(err);
        return st;
    }
    return lsc_model_build_lookups(m, err);
}

enum lsc_status lsc_encoder_fit(const struct dataset *ds, const size_t *rows, size_t n,
                            size_t min_level_count, const struct lsc_log *log,
                            struct lsc_model *m, size_t **col_src, struct encoder_stats *stats,
                            struct lsc_error *err)
{
    return lsc_encoder_fit_binned(ds, rows, n, min_level_count, NULL, log, m, col_src, stats, err);
}

enum lsc_status lsc_encoder_fit_binned(const struct dataset *ds, const size_t *rows, size_t n,
                                   size_t min_level_count, const struct lsc_bin_opts *bins,
                                   const struct lsc_log *log, struct lsc_model *m,
                                   size_t **col_src, struct encoder_stats *stats,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    double *buf = NULL;
    size_t fcap = 0;
    size_t *src_of = NULL;

    lsc_encoder_clear(m);
    *col_src = NULL;
    memset(stats, 0, sizeof *stats);
    m->columns = lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *m->columns);
    src_of = lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *src_of);
    buf = lsc_calloc(n ? n : 1, sizeof *buf);
    if (m->columns == NULL || src_of == NULL || buf == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (add_feature(m, &fcap, "(intercept)", NULL) == LSC_NO_FEATURE) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        const struct ds_column *src = &ds->cols[j];
        if (src->role != DS_FEATURE)
            continue;
        struct lsc_column_enc *c = &m->columns[m->n_columns];
        memset(c, 0, sizeof *c);
        int numeric = src->force == DS_FORCE_NUMERIC ||
                      (src->force == DS_INFER && lsc_ds_is_numeric(src));
        int categorical_ok = src->raw == NULL;
        if (src->force == DS_FORCE_NUMERIC && !lsc_ds_is_numeric(src)) {
            st = lsc_error_set(err, LSC_ERR_DATA, ds->file, src->first_text_line,
                               src->file_index + 1,
                               "column \"%s\" was declared --numeric but has text values",
                               src->name);
            goto cleanup;
        }
        int kept = 0;
        if (numeric) {
            st = fit_numeric(src, rows, n, c, buf, &kept, log, err);
            if (st == LSC_OK && kept && bins != NULL && bins->bins >= 2)
                st = fit_bins(src, rows, n, bins, c, err);
            if (st != LSC_OK)
                goto cleanup;
            if (kept && bins != NULL && bins->bins >= 2 && c->n_cuts == 0)
                note_linear(log, src->name, bins);
        } else if (!categorical_ok || src->overflow) {
            lsc_logf(log, LSC_LOG_NOTE,
                     "dropped column \"%s\": more than %u distinct values, not all numbers "
                     "(an id or free text?)",
                     src->name, DS_MAX_DICT);
        } else {
            st = fit_categorical(ds, src, rows, n, min_level_count, c, &kept, log, err);
            if (st != LSC_OK)
                goto cleanup;
            if (src->force == DS_INFER && decimal_comma_column(ds, src))
                warn_decimal_comma(ds, src, kept, log);
            else if (src->force == DS_INFER && src->n_text > 0 && 2 * src->n_text < lsc_dict_size(src->dict))
                warn_mostly_numbers(ds, src, kept, log);
            else if (kept && src->n_text > 0 && lsc_ds_is_numeric(src) == 0 && src->force == DS_INFER &&
                     src->n_text < lsc_dict_size(src->dict))
                lsc_logf(log, LSC_LOG_INFO,
                         "column \"%s\" is categorical: mostly numbers, but not all (line %zu)",
                         src->name, src->first_text_line);
        }
        if (!kept) {
            stats->columns_dropped++;
            drop_levels(c);
            continue;
        }
        c->name = lsc_strdup(src->name);
        if (c->name == NULL) {
            drop_levels(c);
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        m->n_columns++; /* owned by m from here, so cleanup frees it */
        src_of[m->n_columns - 1] = j;
        stats->columns_used++;
        st = add_column_features(m, &fcap, c, numeric, err);
        if (st != LSC_OK)
            goto cleanup;
    }
    st = encoder_finish(m, ds->file, log, err);
cleanup:
    lsc_free(buf);
    if (st != LSC_OK) {
        lsc_free(src_of);
        lsc_encoder_clear(m);
    } else {
        *col_src = src_of;
    }
    return st;
}

/* ---- from summaries (a warehouse's aggregates) ------------------------ */

static const char *summary_level_name(const void *ctx, size_t code)
{
    const struct lsc_col_summary *cs = ctx;
    return cs->values[code - 1];
}

/* A numeric column's encoder from its summary; *kept as fit_numeric. */
static void summary_numeric(const struct lsc_col_summary *cs, struct lsc_column_enc *c, int *kept,
                            const struct lsc_log *log)
{
    *kept = 0;
    if (cs->rows == cs->missing) {
        lsc_logf(log, LSC_LOG_NOTE, "dropped column \"%s\": no values", cs->name);
        return;
    }
    if (cs->lo == cs->hi) {
        lsc_logf(log, LSC_LOG_NOTE, "dropped column \"%s\": constant (%g)%s", cs->name, cs->lo,
                 cs->missing ? " apart from missing values" : "");
        return;
    }
    c->median = cs->median;
    c->mean = cs->mean;
    c->sd = cs->sd;
    c->missing_feature = cs->missing > 0 && !cs->no_missing_indicator ? 0 : LSC_NO_FEATURE;
    *kept = c->sd > 0.0;
}

/* A binned column's cuts and counts from its summary (fit_bins's). */
static enum lsc_status summary_bins(const struct lsc_col_summary *cs, const struct lsc_bin_opts *bo,
                                    struct lsc_column_enc *c, const struct lsc_log *log,
                                    struct lsc_error *err)
{
    if (cs->n_cuts == 0) {
        note_linear(log, cs->name, bo);
        return LSC_OK;
    }
    c->cuts = lsc_calloc(bo->bins, sizeof *c->cuts);
    c->bin_count = lsc_calloc(bo->bins + 1, sizeof *c->bin_count);
    if (c->cuts == NULL || c->bin_count == NULL)
        return lsc_error_nomem(err);
    memcpy(c->cuts, cs->cuts, cs->n_cuts * sizeof *c->cuts);
    memcpy(c->bin_count, cs->bin_count, (cs->n_cuts + 1) * sizeof *c->bin_count);
    c->n_cuts = cs->n_cuts;
    c->missing_count = cs->missing;
    c->type = LSC_COL_BINNED;
    return LSC_OK;
}

enum lsc_status lsc_encoder_fit_summaries(const struct lsc_col_summary *cols, size_t n_cols,
                                          size_t min_level_count, const struct lsc_bin_opts *bins,
                                          const char *source, const struct lsc_log *log,
                                          struct lsc_model *m, struct encoder_stats *stats,
                                          struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t fcap = 0;
    lsc_encoder_clear(m);
    memset(stats, 0, sizeof *stats);
    m->columns = lsc_calloc(n_cols ? n_cols : 1, sizeof *m->columns);
    if (m->columns == NULL || add_feature(m, &fcap, "(intercept)", NULL) == LSC_NO_FEATURE) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < n_cols; j++) {
        const struct lsc_col_summary *cs = &cols[j];
        struct lsc_column_enc *c = &m->columns[m->n_columns];
        memset(c, 0, sizeof *c);
        int kept = 0;
        if (cs->numeric) {
            summary_numeric(cs, c, &kept, log);
            if (kept && bins != NULL && bins->bins >= 2 &&
                (st = summary_bins(cs, bins, c, log, err)) != LSC_OK) {
                drop_levels(c);
                goto cleanup;
            }
        } else {
            struct level_sort *lv = lsc_calloc(cs->n_values + 1, sizeof *lv);
            if (lv == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            lv[0].count = cs->missing;
            for (size_t k = 0; k <= cs->n_values; k++) {
                lv[k].code = k;
                if (k > 0)
                    lv[k].count = cs->counts[k - 1];
            }
            struct level_source ls = {summary_level_name, NULL, cs};
            st = pool_levels(lv, cs->n_values + 1, cs->rows, min_level_count, cs->name, &ls, c,
                             &kept, log, err);
            lsc_free(lv);
            if (st != LSC_OK)
                goto cleanup;
        }
        if (!kept) {
            stats->columns_dropped++;
            drop_levels(c);
            continue;
        }
        if ((c->name = lsc_strdup(cs->name)) == NULL) {
            drop_levels(c);
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        m->n_columns++;
        stats->columns_used++;
        if ((st = add_column_features(m, &fcap, c, cs->numeric, err)) != LSC_OK)
            goto cleanup;
    }
    st = encoder_finish(m, source, log, err);
cleanup:
    if (st != LSC_OK)
        lsc_encoder_clear(m);
    return st;
}
