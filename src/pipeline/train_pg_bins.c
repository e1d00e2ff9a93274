/* train_pg_bins - --bins inside PostgreSQL (docs/warehouse.md): the cuts
 * of the numeric columns chosen in rounds (encoder.h's lsc_cut_rounds),
 * each round one query over the table that returns, per column, the first
 * distinct value with enough values below it and the value before it, so
 * no value list crosses the connection; a binned column's bin in the
 * iteration query; its bins' (and the pairs' cells') counts for the
 * separation check. */
#include <stdint.h>
#include <string.h>

#include "model_def.h"
#include "train_internal.h"
#include "train_pg_internal.h"

void lsc_pgtrain_cuts_free(struct pg_col *c)
{
    lsc_free(c->cuts);
    lsc_free(c->below);
    lsc_free(c->bin_count);
    c->cuts = NULL;
    c->below = c->bin_count = NULL;
    c->n_cuts = 0;
}

/* A candidate the encoder may bin: numeric, kept, not constant. */
static int binnable(const struct pg_col *c)
{
    return !c->excluded && c->numeric && c->lo < c->hi;
}

static enum lsc_status start_rounds(struct pg_run *r, const struct lsc_bin_opts *bo, size_t *active,
                                    struct lsc_error *err)
{
    *active = 0;
    for (size_t j = 0; j < r->n_cols; j++) {
        struct pg_col *c = &r->cols[j];
        lsc_pgtrain_cuts_free(c);
        if (!binnable(c))
            continue;
        c->cuts = lsc_calloc(bo->bins, sizeof *c->cuts);
        c->below = lsc_calloc(bo->bins, sizeof *c->below);
        c->bin_count = lsc_calloc(bo->bins + 1, sizeof *c->bin_count);
        if (c->cuts == NULL || c->below == NULL || c->bin_count == NULL)
            return lsc_error_nomem(err);
        lsc_cut_rounds_begin(&c->rounds, fit_rows(r) - c->missing, bo);
        *active += (size_t)cutting(c);
    }
    return LSC_OK;
}

/* One round: per cutting column j and its threshold t, the least count
 * below (cb) at or above t, the value there, and the greatest value below
 * it, over the distinct values of x_j on the fit's rows. */
static void put_round(FILE *fp, const struct pg_run *r)
{
    const char *sep = "";
    fputs(",\nd AS (\n  SELECT u.j, u.x, count(*) AS n FROM t2 CROSS JOIN LATERAL (VALUES ", fp);
    for (size_t j = 0; j < r->n_cols; j++)
        if (cutting(&r->cols[j])) {
            fprintf(fp, "%s(%zu, x_%zu)", sep, j, j);
            sep = ", ";
        }
    fprintf(fp, ") AS u(j, x)\n  WHERE %s AND u.x IS NOT NULL GROUP BY u.j, u.x\n),\n",
            fit_filter(r));
    fputs("c AS (\n  SELECT j, x, sum(n) OVER (PARTITION BY j ORDER BY x) - n AS cb FROM d\n)\n"
          "SELECT c.j, min(c.cb) FILTER (WHERE c.cb >= t.t), min(c.x) FILTER (WHERE c.cb >= t.t),"
          "\n  max(c.x) FILTER (WHERE c.cb < t.t)\nFROM c JOIN (VALUES ",
          fp);
    sep = "";
    for (size_t j = 0; j < r->n_cols; j++)
        if (cutting(&r->cols[j])) {
            fprintf(fp, "%s(%zu, %zu)", sep, j, lsc_cut_rounds_threshold(&r->cols[j].rounds));
            sep = ", ";
        }
    fputs(") AS t(j, t) ON c.j = t.j\nGROUP BY c.j ORDER BY c.j", fp);
}

/* The row of the round's answers for column j (SIZE_MAX: none, when the
 * fitting rows hold none of its values). */
static size_t answer_of(const struct lsc_pg_rows *rows, size_t j)
{
    for (size_t i = 0; i < lsc_pg_rows_count(rows); i++)
        if (count_of(lsc_pg_rows_value(rows, i, 0)) == j)
            return i;
    return SIZE_MAX;
}

/* The round's answers into the columns' rounds (a column without one ends
 * its rounds); *active: those going on. */
static void take_round(struct pg_run *r, const struct lsc_pg_rows *rows, size_t *active)
{
    *active = 0;
    for (size_t j = 0; j < r->n_cols; j++) {
        struct pg_col *c = &r->cols[j];
        if (!cutting(c))
            continue;
        size_t i = answer_of(rows, j), at = c->n_cuts;
        const char *below = i != SIZE_MAX ? lsc_pg_rows_value(rows, i, 1) : NULL;
        if (below == NULL) { /* no value reaches the threshold: ends its rounds */
            lsc_cut_rounds_take(&c->rounds, 0, 0, 0.0, 0.0, c->cuts, &c->n_cuts);
        } else {
            double prev = num_or(lsc_pg_rows_value(rows, i, 3), 0.0);
            double v = num_or(lsc_pg_rows_value(rows, i, 2), 0.0);
            if (lsc_cut_rounds_take(&c->rounds, 1, count_of(below), prev, v, c->cuts, &c->n_cuts))
                c->below[at] = count_of(below);
        }
        *active += (size_t)cutting(c);
    }
}

/* The values per bin, from those below each cut. */
static void count_bins(struct pg_run *r)
{
    for (size_t j = 0; j < r->n_cols; j++) {
        struct pg_col *c = &r->cols[j];
        size_t last = 0;
        if (c->bin_count == NULL)
            continue;
        for (size_t b = 0; b < c->n_cuts; b++) {
            c->bin_count[b] = c->below[b] - last;
            last = c->below[b];
        }
        c->bin_count[c->n_cuts] = fit_rows(r) - c->missing - last;
    }
}

enum lsc_status lsc_pgtrain_choose_cuts(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_bin_opts bo = lsc_train_bin_opts(r->o);
    size_t active = 0;
    enum lsc_status st = start_rounds(r, &bo, &active, err);
    while (st == LSC_OK && active > 0) {
        struct lsc_pg_rows *rows = NULL;
        struct sql q;
        if ((st = lsc_pgtrain_open_query(r, &q, COLS_CUTTING, 0, 0, BASE_NUMBERS, err)) != LSC_OK)
            break;
        put_round(q.fp, r);
        if ((st = sql_close(&q, err)) == LSC_OK &&
            (st = lsc_pg_query(r->pg, q.s, "choosing the bins' cuts", &rows, err)) == LSC_OK) {
            lsc_pgtrain_digest_rows(r, rows);
            take_round(r, rows, &active);
        }
        lsc_pg_rows_free(rows);
        free(q.s);
    }
    if (st == LSC_OK)
        count_bins(r);
    return st;
}

/* The bin-space feature of bin b (design.c's bin_feature): none (NULL)
 * for the lowest bin. */
static void put_bin_feature(FILE *fp, const struct lsc_column_enc *c, size_t b)
{
    if (b == 0)
        fputs("NULL", fp);
    else
        fprintf(fp, "%zu", c->bin_feature[b - 1]);
}

char *lsc_pgtrain_bin_index(const struct lsc_column_enc *c, size_t j)
{
    struct sql q;
    if (sql_open(&q, NULL) != LSC_OK)
        return NULL;
    fprintf(q.fp, "CAST(CASE WHEN x_%zu IS NULL THEN ", j);
    if (c->missing_feature != LSC_NO_FEATURE)
        fprintf(q.fp, "%zu", c->missing_feature);
    else
        put_bin_feature(q.fp, c, lsc_bin_of(c->cuts, c->n_cuts, c->median));
    for (size_t b = 0; b < c->n_cuts; b++) {
        fprintf(q.fp, " WHEN x_%zu < ", j);
        lsc_sql_put_num(q.fp, PG, c->cuts[b]);
        fputs(" THEN ", q.fp);
        put_bin_feature(q.fp, c, b);
    }
    fputs(" ELSE ", q.fp);
    put_bin_feature(q.fp, c, c->n_cuts);
    fputs(" END AS BIGINT)", q.fp);
    return sql_close(&q, NULL) == LSC_OK ? q.s : NULL;
}

/* "(idx)", after ", " but the first, idx freed; 0 when idx is NULL (out
 * of memory). */
static int put_index(FILE *fp, char *idx, int *any)
{
    if (idx == NULL)
        return 0;
    fprintf(fp, "%s(%s)", *any ? ", " : "", idx);
    free(idx);
    *any = 1;
    return 1;
}

enum lsc_status lsc_pgtrain_bin_counts(struct pg_run *r, size_t *cnt, size_t *pos,
                                       struct lsc_error *err)
{
    const struct lsc_model *m = r->m;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    int any = 0;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    fputs(r->iter_base, q.fp);
    fputs("SELECT u.f, count(*), count(*) FILTER (WHERE y = 1)\nFROM t2 CROSS JOIN LATERAL "
          "(VALUES ",
          q.fp);
    int ok = 1;
    for (size_t a = 0; a < m->n_columns && ok; a++)
        if (m->columns[a].type == LSC_COL_BINNED)
            ok = put_index(q.fp, lsc_pgtrain_bin_index(&m->columns[a], r->col_of[a]), &any);
    for (size_t k = 0; k < m->n_pairs && ok; k++) /* the pairs' cells */
        ok = put_index(q.fp, lsc_pgtrain_pair_index(r, &m->pairs[k]), &any);
    if (!ok)
        st = lsc_error_nomem(err);
    fprintf(q.fp, ") AS u(f)\nWHERE %s AND u.f IS NOT NULL GROUP BY u.f", fit_filter(r));
    enum lsc_status closed = sql_close(&q, st == LSC_OK ? err : NULL);
    if (st == LSC_OK)
        st = closed;
    if (st == LSC_OK && any &&
        (st = lsc_pg_query(r->pg, q.s, "counting the bins", &rows, err)) == LSC_OK)
        for (size_t i = 0; i < lsc_pg_rows_count(rows); i++) {
            size_t f = count_of(lsc_pg_rows_value(rows, i, 0));
            if (f < m->n_features) {
                cnt[f] = count_of(lsc_pg_rows_value(rows, i, 1));
                pos[f] = count_of(lsc_pg_rows_value(rows, i, 2));
            }
        }
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}
