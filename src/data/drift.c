/* drift - reference distributions and the population stability index.
 * See drift.h for the definitions. */
#include "drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"

/* Edges come from at most this many values (a systematic sample), so
 * building them stays cheap on large files; the shares are then counted
 * exactly on every row. */
#define EDGE_SAMPLE 100000u

#ifdef JSON_PRESERVE_ORDER
#define REPORT_ORDER JSON_PRESERVE_ORDER
#else
#define REPORT_ORDER 0
#endif

static void dist_fini(struct drift_dist *d)
{
    lsc_free(d->edges);
    lsc_free(d->shares);
    memset(d, 0, sizeof *d);
}

void lsc_drift_ref_free(struct lsc_drift_ref *ref)
{
    if (ref == NULL)
        return;
    dist_fini(&ref->score);
    for (size_t j = 0; ref->columns != NULL && j < ref->n_columns; j++)
        dist_fini(&ref->columns[j]);
    lsc_free(ref->columns);
    lsc_free(ref);
}

double lsc_drift_psi(const double *e, const double *a, size_t n)
{
    double psi = 0.0;
    for (size_t i = 0; i < n; i++) {
        double x = a[i] > DRIFT_PSI_FLOOR ? a[i] : DRIFT_PSI_FLOOR;
        double y = e[i] > DRIFT_PSI_FLOOR ? e[i] : DRIFT_PSI_FLOOR;
        psi += (x - y) * log(x / y);
    }
    return psi;
}

size_t lsc_drift_bin(const double *edges, size_t n, double x)
{
    if (n <= 32) {
        /* the edges are sorted, so the first i with x <= edges[i] is the
         * number of edges below x: a branch-free count for the usual ten
         * bins (it runs per scored row and column) */
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            k += x > edges[i];
        return k;
    }
    size_t lo = 0, hi = n; /* first i with x <= edges[i] */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (x <= edges[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Decile edges of v[0..n) (sorted in place), ties merged, none at the
 * maximum (its bin would be empty by construction). */
static enum lsc_status edges_of(double *v, size_t n, struct drift_dist *d, struct lsc_error *err)
{
    double dec[DRIFT_BINS - 1];
    qsort(v, n, sizeof *v, cmp_double);
    for (size_t k = 1; k < DRIFT_BINS && n > 0; k++)
        dec[k - 1] = v[(k * n) / DRIFT_BINS];
    return lsc_drift_dist_edges(d, dec, n > 0 ? DRIFT_BINS - 1 : 0, n > 0 ? v[n - 1] : 0.0, err);
}

enum lsc_status lsc_drift_dist_edges(struct drift_dist *d, const double *deciles, size_t n,
                                     double max, struct lsc_error *err)
{
    d->edges = lsc_calloc(DRIFT_BINS, sizeof *d->edges);
    if (d->edges == NULL)
        return lsc_error_nomem(err);
    d->n_edges = 0;
    for (size_t k = 0; k < n && k < DRIFT_BINS - 1; k++) {
        double e = deciles[k];
        if (e >= max)
            break;
        if (d->n_edges == 0 || e > d->edges[d->n_edges - 1])
            d->edges[d->n_edges++] = e;
    }
    d->n_shares = d->n_edges + 1;
    d->shares = lsc_calloc(d->n_shares, sizeof *d->shares);
    return d->shares != NULL ? LSC_OK : lsc_error_nomem(err);
}

static size_t row_at(const size_t *rows, size_t i)
{
    return rows != NULL ? rows[i] : i;
}

static enum lsc_status build_numeric(struct drift_dist *d, const struct ds_column *c,
                                     const size_t *rows, size_t n, double *buf,
                                     struct lsc_error *err)
{
    size_t step = n > EDGE_SAMPLE ? (n + EDGE_SAMPLE - 1) / EDGE_SAMPLE : 1, k = 0, missing = 0;
    for (size_t i = 0; i < n; i += step) {
        double x = lsc_ds_value(c, row_at(rows, i));
        if (!isnan(x))
            buf[k++] = x;
    }
    enum lsc_status st = edges_of(buf, k, d, err);
    if (st != LSC_OK)
        return st;
    for (size_t i = 0; i < n; i++) {
        double x = lsc_ds_value(c, row_at(rows, i));
        if (isnan(x))
            missing++;
        else
            d->shares[lsc_drift_bin(d->edges, d->n_edges, x)] += 1.0;
    }
    for (size_t b = 0; b < d->n_shares; b++)
        d->shares[b] /= (double)n;
    d->missing = (double)missing / (double)n;
    return LSC_OK;
}

enum lsc_status lsc_drift_ref_build(struct lsc_model *m, const struct dataset *ds,
                                const size_t *col_src, const size_t *rows, size_t n,
                                const double *prob, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t nbuf = n < EDGE_SAMPLE ? n : EDGE_SAMPLE;
    double *buf = lsc_malloc((nbuf ? nbuf : 1) * sizeof *buf);
    struct lsc_drift_ref *ref = lsc_calloc(1, sizeof *ref);
    if (buf == NULL || ref == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (n == 0)
        goto cleanup; /* nothing to describe: no reference */
    ref->columns = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *ref->columns);
    if (ref->columns == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    ref->n_columns = m->n_columns;
    size_t step = n > EDGE_SAMPLE ? (n + EDGE_SAMPLE - 1) / EDGE_SAMPLE : 1, k = 0;
    for (size_t i = 0; i < n; i += step)
        buf[k++] = prob[i];
    if ((st = edges_of(buf, k, &ref->score, err)) != LSC_OK)
        goto cleanup;
    for (size_t i = 0; i < n; i++)
        ref->score.shares[lsc_drift_bin(ref->score.edges, ref->score.n_edges, prob[i])] += 1.0;
    for (size_t b = 0; b < ref->score.n_shares; b++)
        ref->score.shares[b] /= (double)n;
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        struct drift_dist *d = &ref->columns[j];
        if (lsc_col_is_numeric(c)) {
            st = build_numeric(d, &ds->cols[col_src[j]], rows, n, buf, err);
            if (st != LSC_OK)
                goto cleanup;
            continue;
        }
        d->n_shares = c->n_levels;
        d->shares = lsc_calloc(c->n_levels ? c->n_levels : 1, sizeof *d->shares);
        if (d->shares == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        for (size_t l = 0; l < c->n_levels && c->training_count_total > 0; l++)
            d->shares[l] = (double)c->level_count[l] / (double)c->training_count_total;
    }
    lsc_drift_ref_free(m->drift);
    m->drift = ref;
    ref = NULL;
cleanup:
    lsc_drift_ref_free(ref);
    lsc_free(buf);
    return st;
}

/* ---- model file ---- */

static json_t *reals(const double *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, json_real(v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static int set(json_t *obj, const char *key, json_t *value)
{
    return value == NULL || json_object_set_new(obj, key, value) != 0;
}

static json_t *dist_json(const struct drift_dist *d, const char *name, int numeric)
{
    int bad = 0;
    json_t *o = json_object();
    if (o == NULL)
        return NULL;
    if (name != NULL)
        bad |= set(o, "name", json_string(name));
    if (numeric)
        bad |= set(o, "edges", reals(d->edges, d->n_edges));
    bad |= set(o, "shares", reals(d->shares, d->n_shares));
    if (numeric && name != NULL)
        bad |= set(o, "missing", json_real(d->missing));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

json_t *lsc_drift_ref_to_json(const struct lsc_model *m)
{
    const struct lsc_drift_ref *ref = m->drift;
    int bad = 0;
    json_t *o = json_object(), *a = json_array();
    if (o == NULL || a == NULL) {
        json_decref(o);
        json_decref(a);
        return NULL;
    }
    bad |= set(o, "psi_floor", json_real(DRIFT_PSI_FLOOR));
    bad |= set(o, "score", dist_json(&ref->score, NULL, 1));
    bad |= set(o, "columns", a);
    for (size_t j = 0; j < ref->n_columns && !bad; j++)
        bad |= json_array_append_new(a, dist_json(&ref->columns[j], m->columns[j].name,
                                                  lsc_col_is_numeric(&m->columns[j]))) != 0;
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static enum lsc_status bad_field(const char *file, const char *path, const char *what,
                                 struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "drift.%s: %s", path, what);
}

/* A share in [0, 1]. */
static int is_share(const json_t *v)
{
    return json_is_number(v) && json_number_value(v) >= 0.0 && json_number_value(v) <= 1.0;
}

static enum lsc_status read_reals(const json_t *o, const char *key, const char *path, int shares,
                                  double **out, size_t *n, const char *file, struct lsc_error *err)
{
    char p[300];
    const json_t *a = json_object_get(o, key);
    snprintf(p, sizeof p, "%s.%s", path, key);
    if (!json_is_array(a))
        return bad_field(file, p, "expected an array of numbers", err);
    size_t k = json_array_size(a);
    *out = lsc_calloc(k ? k : 1, sizeof **out);
    if (*out == NULL)
        return lsc_error_nomem(err);
    *n = k;
    for (size_t i = 0; i < k; i++) {
        const json_t *v = json_array_get(a, i);
        if (shares ? !is_share(v) : !(json_is_number(v) && isfinite(json_number_value(v))))
            return bad_field(file, p,
                             shares ? "expected shares in [0, 1]" : "expected finite numbers", err);
        (*out)[i] = json_number_value(v);
        if (!shares && i > 0 && !((*out)[i] > (*out)[i - 1]))
            return bad_field(file, p, "edges must increase strictly", err);
    }
    return LSC_OK;
}

static enum lsc_status read_dist(const json_t *o, const char *path, int numeric, int column,
                                 struct drift_dist *d, const char *file, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char p[300];
    if (!json_is_object(o))
        return bad_field(file, path, "expected an object", err);
    if (numeric &&
        (st = read_reals(o, "edges", path, 0, &d->edges, &d->n_edges, file, err)) != LSC_OK)
        return st;
    if ((st = read_reals(o, "shares", path, 1, &d->shares, &d->n_shares, file, err)) != LSC_OK)
        return st;
    if (numeric && d->n_shares != d->n_edges + 1) {
        snprintf(p, sizeof p, "%s.shares", path);
        return bad_field(file, p, "expected one more share than edges", err);
    }
    double total = 0.0;
    for (size_t i = 0; i < d->n_shares; i++)
        total += d->shares[i];
    if (numeric && column) {
        const json_t *v = json_object_get(o, "missing");
        snprintf(p, sizeof p, "%s.missing", path);
        if (!is_share(v))
            return bad_field(file, p, "expected a share in [0, 1]", err);
        d->missing = json_number_value(v);
        total += d->missing;
    }
    if (fabs(total - 1.0) > 1e-6 && !(total == 0.0 && column && !numeric)) {
        snprintf(p, sizeof p, "%s.shares", path);
        return bad_field(file, p, "the shares do not add up to 1", err);
    }
    return LSC_OK;
}

enum lsc_status lsc_drift_ref_from_json(struct lsc_model *m, const json_t *obj, const char *file,
                                    struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char p[64];
    struct lsc_drift_ref *ref = NULL;
    const json_t *cols = NULL, *floor = NULL;
    if (!json_is_object(obj)) {
        st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "drift: expected an object");
        goto cleanup;
    }
    floor = json_object_get(obj, "psi_floor");
    if (!json_is_real(floor) || json_real_value(floor) != DRIFT_PSI_FLOOR) {
        st = bad_field(file, "psi_floor", "expected 0.0001", err);
        goto cleanup;
    }
    ref = lsc_calloc(1, sizeof *ref);
    if (ref == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = read_dist(json_object_get(obj, "score"), "score", 1, 0, &ref->score, file, err)) !=
        LSC_OK)
        goto cleanup;
    for (size_t i = 0; i < ref->score.n_edges; i++)
        if (!(ref->score.edges[i] > 0.0 && ref->score.edges[i] < 1.0)) {
            st = bad_field(file, "score.edges", "expected probabilities in (0, 1)", err);
            goto cleanup;
        }
    cols = json_object_get(obj, "columns");
    if (!json_is_array(cols) || json_array_size(cols) != m->n_columns) {
        st = bad_field(file, "columns", "expected one entry per model column", err);
        goto cleanup;
    }
    ref->columns = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *ref->columns);
    if (ref->columns == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    ref->n_columns = m->n_columns;
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const json_t *o = json_array_get(cols, j);
        const json_t *name = json_object_get(o, "name");
        snprintf(p, sizeof p, "columns[%zu]", j);
        if (!json_is_string(name) || strcmp(json_string_value(name), c->name) != 0) {
            st = bad_field(file, p, "name: expected the model column of the same position", err);
            goto cleanup;
        }
        int numeric = lsc_col_is_numeric(c);
        if ((st = read_dist(o, p, numeric, 1, &ref->columns[j], file, err)) != LSC_OK)
            goto cleanup;
        if (!numeric && ref->columns[j].n_shares != c->n_levels) {
            st = bad_field(file, p, "shares: expected one per level", err);
            goto cleanup;
        }
    }
    lsc_drift_ref_free(m->drift);
    m->drift = ref;
    ref = NULL;
cleanup:
    lsc_drift_ref_free(ref);
    return st;
}

/* ---- batches ---- */

static size_t n_counts(const struct lsc_model *m, size_t j)
{
    const struct drift_dist *d = &m->drift->columns[j];
    return lsc_col_is_numeric(&m->columns[j]) ? d->n_shares + 1 : m->columns[j].n_levels + 1;
}

enum lsc_status lsc_drift_batch_init(struct drift_batch *b, const struct lsc_model *m,
                                 struct lsc_error *err)
{
    memset(b, 0, sizeof *b);
    b->m = m;
    size_t nc = m->n_columns;
    b->score_counts = lsc_calloc(m->drift->score.n_shares, sizeof *b->score_counts);
    b->counts = lsc_calloc(nc ? nc : 1, sizeof *b->counts);
    b->scratch = lsc_calloc(nc ? nc : 1, sizeof *b->scratch);
    if (b->score_counts == NULL || b->counts == NULL || b->scratch == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < nc; j++) {
        b->counts[j] = lsc_calloc(n_counts(m, j), sizeof **b->counts);
        if (b->counts[j] == NULL)
            return lsc_error_nomem(err);
    }
    return LSC_OK;
}

void lsc_drift_batch_fini(struct drift_batch *b)
{
    for (size_t j = 0; b->counts != NULL && j < b->m->n_columns; j++)
        lsc_free(b->counts[j]);
    lsc_free(b->counts);
    lsc_free(b->score_counts);
    lsc_free(b->scratch);
    memset(b, 0, sizeof *b);
}

void lsc_drift_batch_commit(struct drift_batch *b, double prob)
{
    const struct lsc_drift_ref *ref = b->m->drift;
    b->rows++;
    b->score_counts[lsc_drift_bin(ref->score.edges, ref->score.n_edges, prob)]++;
    for (size_t j = 0; j < b->m->n_columns; j++) {
        double v = b->scratch[j];
        size_t k;
        if (lsc_col_is_numeric(&b->m->columns[j])) {
            const struct drift_dist *d = &ref->columns[j];
            k = isnan(v) ? d->n_shares : lsc_drift_bin(d->edges, d->n_edges, v);
        } else {
            k = v < 0.0 ? b->m->columns[j].n_levels : (size_t)v;
        }
        b->counts[j][k]++;
    }
}

/* Expected and actual shares of column j (or the score when j is SIZE_MAX)
 * into e and a; returns their length. */
static size_t shares_of(const struct drift_batch *b, size_t j, double *e, double *a)
{
    const struct lsc_drift_ref *ref = b->m->drift;
    double n = b->rows > 0 ? (double)b->rows : 1.0;
    if (j == SIZE_MAX) {
        for (size_t i = 0; i < ref->score.n_shares; i++) {
            e[i] = ref->score.shares[i];
            a[i] = (double)b->score_counts[i] / n;
        }
        return ref->score.n_shares;
    }
    const struct drift_dist *d = &ref->columns[j];
    size_t k = n_counts(b->m, j);
    for (size_t i = 0; i < k; i++) {
        a[i] = (double)b->counts[j][i] / n;
        e[i] = i < d->n_shares ? d->shares[i]
                               : (lsc_col_is_numeric(&b->m->columns[j]) ? d->missing : 0.0);
    }
    return k;
}

static size_t max_bins(const struct lsc_model *m)
{
    size_t k = m->drift->score.n_shares;
    for (size_t j = 0; j < m->n_columns; j++)
        if (n_counts(m, j) > k)
            k = n_counts(m, j);
    return k;
}

static int by_psi(const void *x, const void *y)
{
    const struct drift_column_result *a = x, *b = y;
    if (a->psi != b->psi)
        return a->psi < b->psi ? 1 : -1;
    return (a->column > b->column) - (a->column < b->column);
}

enum lsc_status lsc_drift_batch_result(const struct drift_batch *b, struct drift_result *r,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t k = max_bins(b->m), nc = b->m->n_columns;
    double *e = lsc_malloc(k * sizeof *e), *a = lsc_malloc(k * sizeof *a);
    memset(r, 0, sizeof *r);
    r->columns = lsc_calloc(nc ? nc : 1, sizeof *r->columns);
    if (e == NULL || a == NULL || r->columns == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    r->rows = b->rows;
    r->n_columns = nc;
    size_t n = shares_of(b, SIZE_MAX, e, a);
    r->score_psi = lsc_drift_psi(e, a, n);
    for (size_t j = 0; j < nc; j++) {
        n = shares_of(b, j, e, a);
        r->columns[j].column = j;
        r->columns[j].psi = lsc_drift_psi(e, a, n);
    }
    qsort(r->columns, nc, sizeof *r->columns, by_psi);
cleanup:
    lsc_free(e);
    lsc_free(a);
    if (st != LSC_OK)
        lsc_drift_result_fini(r);
    return st;
}

void lsc_drift_result_fini(struct drift_result *r)
{
    lsc_free(r->columns);
    memset(r, 0, sizeof *r);
}

/* One bin of the report: its label, expected and actual share. */
static int bin_json(json_t *bins, const char *label, double e, double a)
{
    json_t *o = json_pack("{s:s, s:f, s:f}", "bin", label, "expected", e, "actual", a);
    return o == NULL || json_array_append_new(bins, o) != 0;
}

/* Bin labels: "<= e1", "(e1, e2]", ..., "> ek". */
static void edge_label(char *buf, size_t size, const double *edges, size_t n, size_t i)
{
    if (n == 0)
        snprintf(buf, size, "all");
    else if (i == 0)
        snprintf(buf, size, "<= %.6g", edges[0]);
    else if (i == n)
        snprintf(buf, size, "> %.6g", edges[n - 1]);
    else
        snprintf(buf, size, "(%.6g, %.6g]", edges[i - 1], edges[i]);
}

static json_t *dist_report(const struct drift_batch *b, size_t j, double psi, double *e, double *a)
{
    const struct lsc_model *m = b->m;
    const struct lsc_drift_ref *ref = m->drift;
    char label[128];
    int bad = 0;
    size_t n = shares_of(b, j, e, a);
    json_t *o = json_object(), *bins = json_array();
    if (o == NULL || bins == NULL) {
        json_decref(o);
        json_decref(bins);
        return NULL;
    }
    if (j != SIZE_MAX) {
        bad |= set(o, "name", json_string(m->columns[j].name));
        bad |= set(o, "type",
                   json_string(lsc_col_is_numeric(&m->columns[j]) ? "numeric" : "categorical"));
    }
    bad |= set(o, "psi", json_real(psi));
    bad |= set(o, "bins", bins);
    for (size_t i = 0; i < n && !bad; i++) {
        if (j == SIZE_MAX) {
            edge_label(label, sizeof label, ref->score.edges, ref->score.n_edges, i);
        } else if (lsc_col_is_numeric(&m->columns[j])) {
            const struct drift_dist *d = &ref->columns[j];
            if (i == d->n_shares)
                snprintf(label, sizeof label, LSC_LEVEL_MISSING);
            else
                edge_label(label, sizeof label, d->edges, d->n_edges, i);
        } else {
            snprintf(label, sizeof label, "%s",
                     i < m->columns[j].n_levels ? m->columns[j].levels[i] : "(unseen)");
        }
        bad |= bin_json(bins, label, e[i], a[i]);
    }
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

enum lsc_status lsc_drift_write_json(const struct drift_batch *b, const struct drift_result *r,
                                 FILE *fp, const char *path, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t k = max_bins(b->m);
    double *e = lsc_malloc(k * sizeof *e), *a = lsc_malloc(k * sizeof *a);
    json_t *root = json_object(), *cols = json_array();
    char *text = NULL;
    int bad = e == NULL || a == NULL || root == NULL || cols == NULL;
    if (!bad) {
        bad |= set(root, "rows", json_integer((json_int_t)r->rows));
        bad |= set(root, "psi_floor", json_real(DRIFT_PSI_FLOOR));
        bad |= set(root, "warn_above", json_real(DRIFT_WARN_PSI));
        bad |= set(root, "min_rows", json_integer(DRIFT_MIN_ROWS));
        bad |= set(root, "warning",
                   json_boolean(r->rows >= DRIFT_MIN_ROWS && r->score_psi > DRIFT_WARN_PSI));
        bad |= set(root, "score", dist_report(b, SIZE_MAX, r->score_psi, e, a));
        bad |= set(root, "features", cols);
        cols = NULL;
        json_t *arr = json_object_get(root, "features");
        for (size_t i = 0; i < r->n_columns && !bad; i++)
            bad |= json_array_append_new(
                       arr, dist_report(b, r->columns[i].column, r->columns[i].psi, e, a)) != 0;
    }
    if (bad) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    /* to memory first: a failure there is memory, not the file */
    text = json_dumps(root, JSON_INDENT(2) | JSON_REAL_PRECISION(17) | REPORT_ORDER);
    if (text == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (fputs(text, fp) == EOF || fputc('\n', fp) == EOF)
        st = lsc_error_write(err, path);
cleanup:
    lsc_free(text);
    json_decref(cols);
    json_decref(root);
    lsc_free(e);
    lsc_free(a);
    return st;
}
