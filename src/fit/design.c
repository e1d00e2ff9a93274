#include "design.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "linalg.h"
#include "mathfn.h"
#include "parallel.h"
#include "status_internal.h"
#include "util.h"

void lsc_design_free(struct design *d)
{
    if (d == NULL)
        return;
    for (size_t j = 0; j < d->q; j++)
        lsc_free(d->dense[j].table);
    lsc_free(d->dense);
    for (size_t c = 0; c < d->nc; c++) {
        lsc_free(d->cats[c].map);
        lsc_free(d->cats[c].own);
    }
    lsc_free(d->cats);
    for (size_t k = 0; k < d->ns; k++)
        lsc_free(d->steps[k].own);
    lsc_free(d->steps);
    memset(d, 0, sizeof *d);
}

static double encode_dense(const struct design_dense *f, double v)
{
    if (f->indicator)
        return isnan(v) ? 1.0 : 0.0;
    return ((isnan(v) ? f->median : v) - f->mean) / f->sd;
}

/* The level of a categorical column for dictionary code k of its source:
 * unseen or pooled values go to "(other)" when it exists, else to the
 * reference. */
static size_t level_of_code(const struct lsc_column_enc *c, const struct ds_column *src, size_t k)
{
    size_t level = c->other != SIZE_MAX ? c->other : c->reference;
    if (k == 0)
        return c->missing != SIZE_MAX ? c->missing : level;
    uint32_t id = lsc_dict_find(c->lookup, lsc_dict_str(src->dict, (uint32_t)(k - 1)),
                                lsc_dict_len(src->dict, (uint32_t)(k - 1)));
    /* a literal "(other)"/"(missing)" text value is not the pooled level */
    if (id != DICT_NONE && id != c->other && id != c->missing)
        level = id;
    return level;
}

enum lsc_status lsc_design_levels(const struct dataset *ds, const struct lsc_column_enc *c,
                                  const struct ds_column *src, const size_t *rows, size_t n,
                                  uint32_t *out, struct lsc_error *err)
{
    if (src->raw != NULL) {
        for (size_t i = 0; i < n; i++)
            out[i] = (uint32_t)lsc_binned_level(c, src->raw[rows ? rows[i] : i]);
        return LSC_OK;
    }
    size_t ncodes = lsc_dict_size(src->dict) + 1;
    uint32_t *map = lsc_malloc(ncodes * sizeof *map);
    if (map == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < ncodes; k++)
        map[k] = (uint32_t)(c->type == LSC_COL_BINNED
                                ? lsc_binned_level(c, k ? src->values[k - 1] : NAN)
                                : level_of_code(c, src, k));
    for (size_t i = 0; i < n; i++)
        out[i] = map[src->codes[rows ? rows[i] : i]];
    lsc_free(map);
    (void)ds;
    return LSC_OK;
}

/* The bin-space feature of bin b (0..n_cuts) or of a missing value (b =
 * SIZE_MAX): -1 for the reference (lowest) bin. */
static int32_t bin_feature(const struct lsc_column_enc *c, size_t b)
{
    if (b == SIZE_MAX) {
        if (c->missing_feature != LSC_NO_FEATURE)
            return (int32_t)c->missing_feature;
        b = lsc_bin_of(c->cuts, c->n_cuts, c->median);
    }
    return b == 0 ? -1 : (int32_t)c->bin_feature[b - 1];
}

/* A binned column's block: dictionary columns map their codes; raw columns
 * get codes of their own (0 missing, 1 + bin), one per dataset row. */
static enum lsc_status build_binned(struct design *d, const struct dataset *ds,
                                    const struct lsc_column_enc *c, const struct ds_column *src,
                                    struct lsc_error *err)
{
    struct design_cat *cb = &d->cats[d->nc];
    size_t ncodes = src->raw == NULL ? lsc_dict_size(src->dict) + 1 : c->n_cuts + 2;
    cb->map = lsc_calloc(ncodes, sizeof *cb->map);
    if (src->raw != NULL)
        cb->own = lsc_calloc(ds->n_rows ? ds->n_rows : 1, sizeof *cb->own);
    if (cb->map == NULL || (src->raw != NULL && cb->own == NULL)) {
        lsc_free(cb->map);
        lsc_free(cb->own);
        cb->map = NULL;
        cb->own = NULL;
        return lsc_error_nomem(err);
    }
    d->nc++;
    cb->map[0] = bin_feature(c, SIZE_MAX);
    if (src->raw == NULL) {
        cb->codes = src->codes;
        for (size_t k = 1; k < ncodes; k++)
            cb->map[k] = bin_feature(c, lsc_bin_of(c->cuts, c->n_cuts, src->values[k - 1]));
    } else {
        for (size_t b = 0; b <= c->n_cuts; b++)
            cb->map[b + 1] = bin_feature(c, b);
        for (size_t i = 0; i < ds->n_rows; i++)
            cb->own[i] = isnan(src->raw[i])
                             ? 0u
                             : (uint32_t)(1 + lsc_bin_of(c->cuts, c->n_cuts, src->raw[i]));
        cb->codes = cb->own;
    }
    d->steps[d->ns].feature = c->bin_feature;
    d->steps[d->ns++].n = c->n_cuts;
    return LSC_OK;
}

/* The chains of an interaction: along an ordered side, for each condition
 * of the other side, the cells of its steps. */
static enum lsc_status pair_chains(struct design *d, const struct lsc_pair *pr,
                                   struct lsc_error *err)
{
    size_t nb = pr->n_groups[1] - 1;
    for (int s = 0; s < 2; s++) {
        if (pr->n_ordered[s] < 3) /* fewer than two steps: nothing to sum */
            continue;
        size_t len = pr->n_ordered[s] - 1, other = pr->n_groups[1 - s] - 1;
        for (size_t o = 0; o < other; o++) {
            size_t *f = lsc_malloc(len * sizeof *f);
            if (f == NULL)
                return lsc_error_nomem(err);
            for (size_t k = 0; k < len; k++)
                f[k] = s == 0 ? pr->feature[k * nb + o] : pr->feature[o * nb + k];
            d->steps[d->ns].feature = f;
            d->steps[d->ns].own = f;
            d->steps[d->ns++].n = len;
        }
    }
    return LSC_OK;
}

/* An interaction's block: a code per dataset row for its cell, the cells
 * with a reference group on either side without a feature. */
static enum lsc_status build_pair(struct design *d, const struct dataset *ds,
                                  const struct lsc_model *m, const size_t *col_src,
                                  const struct lsc_pair *pr, struct lsc_error *err)
{
    struct design_cat *cb = &d->cats[d->nc];
    size_t ga = pr->n_groups[0], gb = pr->n_groups[1], n = ds->n_rows;
    uint32_t *lev = lsc_malloc((n ? n : 1) * sizeof *lev);
    cb->own = lsc_calloc(n ? n : 1, sizeof *cb->own);
    cb->map = lsc_calloc(ga * gb, sizeof *cb->map);
    enum lsc_status st = LSC_OK;
    if (lev == NULL || cb->own == NULL || cb->map == NULL) {
        lsc_free(lev);
        lsc_free(cb->own);
        lsc_free(cb->map);
        cb->own = NULL;
        cb->map = NULL;
        return lsc_error_nomem(err);
    }
    cb->codes = cb->own;
    d->nc++;
    for (int s = 0; s < 2 && st == LSC_OK; s++) {
        const struct lsc_column_enc *c = &m->columns[pr->col[s]];
        st = lsc_design_levels(ds, c, &ds->cols[col_src[pr->col[s]]], NULL, n, lev, err);
        for (size_t i = 0; i < n && st == LSC_OK; i++)
            cb->own[i] = s == 0 ? (uint32_t)(pr->group[0][lev[i]] * gb)
                                : cb->own[i] + (uint32_t)pr->group[1][lev[i]];
    }
    lsc_free(lev);
    for (size_t a = 0; a < ga; a++)
        for (size_t b = 0; b < gb; b++)
            cb->map[a * gb + b] =
                a == 0 || b == 0 ? -1 : (int32_t)pr->feature[(a - 1) * (gb - 1) + (b - 1)];
    return st == LSC_OK ? pair_chains(d, pr, err) : st;
}

enum lsc_status lsc_design_steps_only(struct design *d, const struct lsc_model *m,
                                      struct lsc_error *err)
{
    memset(d, 0, sizeof *d);
    d->p = m->n_features;
    size_t ns = m->n_columns + 1;
    for (size_t k = 0; k < m->n_pairs; k++)
        ns += m->pairs[k].n_groups[0] + m->pairs[k].n_groups[1];
    d->steps = lsc_calloc(ns, sizeof *d->steps);
    if (d->steps == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].type == LSC_COL_BINNED) {
            d->steps[d->ns].feature = m->columns[j].bin_feature;
            d->steps[d->ns++].n = m->columns[j].n_cuts;
        }
    enum lsc_status st = LSC_OK;
    for (size_t k = 0; k < m->n_pairs && st == LSC_OK; k++)
        st = pair_chains(d, &m->pairs[k], err);
    return st;
}

void lsc_design_steps_to_bins(const struct design *d, const double *beta, double *out)
{
    memcpy(out, beta, d->p * sizeof *out);
    for (size_t s = 0; s < d->ns; s++) {
        double acc = 0.0;
        for (size_t k = 0; k < d->steps[s].n; k++) {
            acc += out[d->steps[s].feature[k]]; /* in place: 2-D chains compose */
            out[d->steps[s].feature[k]] = acc;
        }
    }
}

/* v[f_k] = sum of v[f_j] over j >= k within each step group (stride apart). */
static void suffix_sums(const struct design *d, double *v, size_t stride)
{
    for (size_t s = 0; s < d->ns; s++) {
        double acc = 0.0;
        for (size_t k = d->steps[s].n; k-- > 0;) {
            acc += v[d->steps[s].feature[k] * stride];
            v[d->steps[s].feature[k] * stride] = acc;
        }
    }
}

void lsc_design_to_steps(const struct design *d, double *g, double *H)
{
    size_t p = d->p;
    if (d->ns == 0)
        return;
    suffix_sums(d, g, 1);
    if (H == NULL)
        return;
    for (size_t j = 0; j < p; j++) /* rows of each column */
        suffix_sums(d, H + j, p);
    for (size_t i = 0; i < p; i++) /* columns of each row */
        suffix_sums(d, H + i * p, 1);
}

enum lsc_status lsc_design_build(struct design *d, const struct dataset *ds,
                             const struct lsc_model *m, const size_t *col_src, const size_t *rows,
                             size_t n, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    memset(d, 0, sizeof *d);
    d->n = n;
    d->rows = rows;
    d->p = m->n_features;
    d->y = ds->y;
    size_t q = 0, nc = 0, ns = 0;
    for (size_t j = 0; j < m->n_columns; j++) {
        if (m->columns[j].type == LSC_COL_NUMERIC)
            q += m->columns[j].missing_feature != LSC_NO_FEATURE ? 2u : 1u;
        else
            nc++;
        ns += m->columns[j].type == LSC_COL_BINNED;
    }
    for (size_t k = 0; k < m->n_pairs; k++) {
        nc++;
        ns += m->pairs[k].n_groups[0] + m->pairs[k].n_groups[1];
    }
    d->dense = lsc_calloc(q ? q : 1, sizeof *d->dense);
    d->cats = lsc_calloc(nc ? nc : 1, sizeof *d->cats);
    d->steps = lsc_calloc(ns ? ns : 1, sizeof *d->steps);
    if (d->dense == NULL || d->cats == NULL || d->steps == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const struct ds_column *src = &ds->cols[col_src[j]];
        if (c->type == LSC_COL_NUMERIC) {
            for (int ind = 0; ind < 2; ind++) {
                if (ind && c->missing_feature == LSC_NO_FEATURE)
                    break;
                struct design_dense *f = &d->dense[d->q];
                f->src = src;
                f->median = c->median;
                f->mean = c->mean;
                f->sd = c->sd;
                f->indicator = ind;
                f->feature = ind ? c->missing_feature : c->feature;
                d->q++;
                if (src->raw == NULL) {
                    size_t ncodes = lsc_dict_size(src->dict) + 1;
                    f->table = lsc_calloc(ncodes, sizeof *f->table);
                    if (f->table == NULL) {
                        st = lsc_error_nomem(err);
                        goto cleanup;
                    }
                    f->table[0] = encode_dense(f, NAN);
                    for (size_t k = 1; k < ncodes; k++)
                        f->table[k] = encode_dense(f, src->values[k - 1]);
                }
            }
        } else if (c->type == LSC_COL_BINNED) {
            st = build_binned(d, ds, c, src, err);
            if (st != LSC_OK)
                goto cleanup;
        } else {
            struct design_cat *cb = &d->cats[d->nc];
            size_t ncodes = lsc_dict_size(src->dict) + 1;
            cb->codes = src->codes;
            cb->map = lsc_calloc(ncodes, sizeof *cb->map);
            if (cb->map == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            d->nc++;
            for (size_t k = 0; k < ncodes; k++) {
                size_t f = c->level_feature[level_of_code(c, src, k)];
                cb->map[k] = f == LSC_NO_FEATURE ? -1 : (int32_t)f;
            }
        }
    }
    for (size_t k = 0; k < m->n_pairs && st == LSC_OK; k++)
        st = build_pair(d, ds, m, col_src, &m->pairs[k], err);
cleanup:
    if (st != LSC_OK)
        lsc_design_free(d);
    return st;
}

void lsc_design_fill_dense(const struct design *d, size_t i0, size_t m, double *out)
{
    size_t q = d->q;
    for (size_t j = 0; j < q; j++) {
        const struct design_dense *f = &d->dense[j];
        const struct ds_column *src = f->src;
        if (f->table != NULL) {
            const uint32_t *codes = src->codes;
            for (size_t i = 0; i < m; i++)
                out[i * q + j] = f->table[codes[design_row(d, i0 + i)]];
        } else {
            for (size_t i = 0; i < m; i++)
                out[i * q + j] = encode_dense(f, src->raw[design_row(d, i0 + i)]);
        }
    }
}

struct linear_task {
    const struct design *d;
    const double *beta;
    const double *bd; /* dense coefficients */
    double *eta;
    double *xb;       /* per task: DESIGN_BLOCK x q */
    size_t ntasks;
    double *loss;     /* per task, or NULL: sum of log-losses */
};

static void linear_task(void *ctx, size_t k)
{
    const struct linear_task *t = ctx;
    const struct design *d = t->d;
    double *xb = t->xb + k * DESIGN_BLOCK * (d->q ? d->q : 1);
    size_t a, b;
    double loss = 0.0;
    lsc_parallel_range(d->n, t->ntasks, k, &a, &b);
    for (size_t i0 = a; i0 < b; i0 += DESIGN_BLOCK) {
        size_t m = b - i0 < DESIGN_BLOCK ? b - i0 : DESIGN_BLOCK;
        lsc_design_fill_dense(d, i0, m, xb);
        lsc_la_gemv(xb, m, d->q, t->bd, t->eta + i0);
        for (size_t i = 0; i < m; i++) {
            size_t r = design_row(d, i0 + i);
            double s = t->beta[0];
            for (size_t c = 0; c < d->nc; c++) {
                int32_t f = d->cats[c].map[d->cats[c].codes[r]];
                if (f >= 0)
                    s += t->beta[f];
            }
            t->eta[i0 + i] += s;
            if (t->loss != NULL) /* x * 1.0 == x: unweighted sums are unchanged */
                loss += (d->w ? d->w[r] : 1.0) *
                        (lsc_mathfn_log1pexp(t->eta[i0 + i]) - d->y[r] * t->eta[i0 + i]);
        }
    }
    if (t->loss != NULL)
        t->loss[k] = loss;
}

enum lsc_status lsc_design_linear_loss(const struct design *d, const double *beta, double *eta,
                                   double *loss, struct lsc_error *err)
{
    size_t nt = lsc_parallel_threads(d->n);
    size_t qq = d->q ? d->q : 1;
    double *xb = lsc_calloc(nt * DESIGN_BLOCK * qq, sizeof *xb);
    double *bd = lsc_malloc(qq * sizeof *bd);
    double *part = lsc_calloc(nt, sizeof *part);
    if (xb == NULL || bd == NULL || part == NULL) {
        lsc_free(xb);
        lsc_free(bd);
        lsc_free(part);
        return lsc_error_nomem(err);
    }
    double *bb = NULL;
    if (d->ns > 0) {
        if ((bb = lsc_malloc(d->p * sizeof *bb)) == NULL) {
            lsc_free(xb);
            lsc_free(bd);
            lsc_free(part);
            return lsc_error_nomem(err);
        }
        lsc_design_steps_to_bins(d, beta, bb);
        beta = bb;
    }
    for (size_t j = 0; j < d->q; j++)
        bd[j] = beta[d->dense[j].feature];
    struct linear_task t = {d, beta, bd, eta, xb, nt, loss ? part : NULL};
    lsc_parallel_run(nt, linear_task, &t);
    lsc_free(bb);
    if (loss != NULL) {
        *loss = 0.0;
        for (size_t k = 0; k < nt; k++) /* task order: deterministic */
            *loss += part[k];
    }
    lsc_free(xb);
    lsc_free(bd);
    lsc_free(part);
    return LSC_OK;
}

enum lsc_status lsc_design_linear(const struct design *d, const double *beta, double *eta,
                              struct lsc_error *err)
{
    return lsc_design_linear_loss(d, beta, eta, NULL, err);
}

enum lsc_status lsc_design_export_csv(const struct design *d, const struct lsc_model *m,
                                  const char *path, int force, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct outfile o;
    double *row = NULL, *xb = NULL;
    memset(&o, 0, sizeof o);
    row = lsc_calloc(d->p, sizeof *row);
    xb = lsc_malloc(DESIGN_BLOCK * (d->q ? d->q : 1) * sizeof *xb);
    if (row == NULL || xb == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = lsc_outfile_open(&o, path, force, err);
    if (st != LSC_OK)
        goto cleanup;
    int bad = 0;
    for (size_t f = 1; f < d->p; f++) {
        bad |= lsc_csv_put_field(o.fp, m->feature_names[f], strlen(m->feature_names[f])) != 0;
        bad |= putc(',', o.fp) == EOF;
    }
    bad |= fputs(d->w ? "__target__,__weight__\n" : "__target__\n", o.fp) == EOF;
    for (size_t i0 = 0; i0 < d->n && !bad; i0 += DESIGN_BLOCK) {
        size_t mm = d->n - i0 < DESIGN_BLOCK ? d->n - i0 : DESIGN_BLOCK;
        lsc_design_fill_dense(d, i0, mm, xb);
        for (size_t i = 0; i < mm && !bad; i++) {
            size_t r = design_row(d, i0 + i);
            memset(row, 0, d->p * sizeof *row);
            for (size_t j = 0; j < d->q; j++)
                row[d->dense[j].feature] = xb[i * d->q + j];
            for (size_t c = 0; c < d->nc; c++) {
                int32_t f = d->cats[c].map[d->cats[c].codes[r]];
                if (f >= 0)
                    row[f] = 1.0;
            }
            suffix_sums(d, row, 1); /* bin indicators to steps */
            for (size_t f = 1; f < d->p; f++) {
                if (row[f] == 0.0)
                    bad |= fputs("0,", o.fp) == EOF;
                else if (row[f] == 1.0)
                    bad |= fputs("1,", o.fp) == EOF;
                else
                    bad |= fprintf(o.fp, "%.17g,", row[f]) < 0;
            }
            if (d->w)
                bad |= fprintf(o.fp, "%d,%.17g\n", d->y[r] > 0.5, d->w[r]) < 0;
            else
                bad |= fprintf(o.fp, "%d\n", d->y[r] > 0.5) < 0;
        }
    }
    if (bad) {
        st = lsc_error_write(err, path);
        goto cleanup;
    }
    st = lsc_outfile_commit(&o, err);
cleanup:
    lsc_outfile_abort(&o);
    lsc_free(row);
    lsc_free(xb);
    return st;
}
