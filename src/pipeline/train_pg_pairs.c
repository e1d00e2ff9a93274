/* train_pg_pairs - --interactions inside PostgreSQL (docs/warehouse.md):
 * the additive fit, then one query over the table that sums, per
 * candidate pair, per half of the rows (a hash of the id, split.h) and per
 * cell of the two sides' codes, the additive fit's residuals and IRLS
 * weights; pairs.h ranks those tables as it ranks the CSV path's. A
 * chosen pair's cell is a slot of the iteration query. */
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "model_def.h"
#include "train_internal.h"
#include "train_pg_internal.h"

/* group[level] for the row, the level of model column c (candidate j) as
 * lsc_design_levels finds it: a binned column's bin (missing: its own
 * level, or the median's bin), a categorical column's level (missing: its
 * own level; any other text: "(other)", else the reference). */
static void put_code(FILE *fp, const struct lsc_column_enc *c, size_t j, const size_t *group)
{
    if (c->type == LSC_COL_BINNED) {
        fprintf(fp, "CASE WHEN x_%zu IS NULL THEN %zu", j, group[lsc_binned_level(c, NAN)]);
        for (size_t b = 0; b < c->n_cuts; b++) {
            if (group[b] == group[b + 1]) /* the next WHEN gives the same */
                continue;
            fprintf(fp, " WHEN x_%zu < ", j);
            lsc_sql_put_num(fp, PG, c->cuts[b]);
            fprintf(fp, " THEN %zu", group[b]);
        }
        fprintf(fp, " ELSE %zu END", group[c->n_cuts]);
        return;
    }
    size_t dflt = c->other != SIZE_MAX ? c->other : c->reference;
    fprintf(fp, "CASE WHEN na_%zu THEN %zu", j, group[c->missing != SIZE_MAX ? c->missing : dflt]);
    for (size_t k = 0; k < c->n_levels; k++) {
        if (k == c->missing || k == c->other || group[k] == group[dflt])
            continue;
        fprintf(fp, " WHEN v_%zu = ", j);
        lsc_sql_put_string(fp, PG, c->levels[k]);
        fprintf(fp, " THEN %zu", group[k]);
    }
    fprintf(fp, " ELSE %zu END", group[dflt]);
}

char *lsc_pgtrain_pair_index(const struct pg_run *r, const struct lsc_pair *pr)
{
    const struct lsc_model *m = r->m;
    size_t ga = pr->n_groups[0], gb = pr->n_groups[1];
    struct sql q;
    if (sql_open(&q, NULL) != LSC_OK)
        return NULL;
    fputs("CAST((CAST('{", q.fp);
    for (size_t a = 0; a < ga; a++)
        for (size_t b = 0; b < gb; b++) {
            fputs(a + b > 0 ? "," : "", q.fp);
            if (a == 0 || b == 0)
                fputs("NULL", q.fp);
            else
                fprintf(q.fp, "%zu", pr->feature[(a - 1) * (gb - 1) + (b - 1)]);
        }
    fputs("}' AS BIGINT[]))[(", q.fp);
    put_code(q.fp, &m->columns[pr->col[0]], r->col_of[pr->col[0]], pr->group[0]);
    fprintf(q.fp, ") * %zu + (", gb);
    put_code(q.fp, &m->columns[pr->col[1]], r->col_of[pr->col[1]], pr->group[1]);
    fputs(") + 1] AS BIGINT)", q.fp);
    return sql_close(&q, NULL) == LSC_OK ? q.s : NULL;
}

/* The row's half (split.h, lsc_split_halves_by_id): the top bit of the id's
 * hash, 0 without an id. */
static void put_half(FILE *fp, const struct pg_run *r)
{
    size_t I = id_slot(r);
    fprintf(fp,
            "CASE WHEN na_%zu THEN 0 ELSE CAST(CAST('x' || substr(encode(sha256(convert_to("
            "'%lu:half:' || v_%zu, 'UTF8')), 'hex'), 1, 8) AS BIT(32)) AS BIGINT) >> 31 END",
            I, r->o->seed, I);
}

/* The tables' query at the additive fit's coefficients: per fitting row,
 * each side's code c_e and the half hf, then a key per candidate pair
 * ((2 candidate + hf) F + c_a) F + c_b (F = LSC_PAIR_FINE), and per key
 * the sums of the residual and of the weight. */
static enum lsc_status tables_query(const struct pg_run *r, const struct lsc_pair_side *sides,
                                    size_t ne, struct sql *q, struct lsc_error *err)
{
    enum lsc_status st = sql_open(q, err);
    if (st != LSC_OK)
        return st;
    struct lateral l;
    fputs(r->iter_base, q->fp);
    fputs("SELECT u.k, sum(res), sum(w)\n", q->fp);
    lsc_pgtrain_put_from(q->fp, r, r->m->coef);
    fputs(r->iter_mu, q->fp);
    lsc_pgtrain_lateral_begin(&l, q->fp, NULL, "pc");
    for (size_t e = 0; e < ne; e++) {
        lsc_pgtrain_lateral_value(&l, "c_%zu", e);
        fputs("ARRAY[", q->fp);
        put_code(q->fp, &r->m->columns[sides[e].column], r->col_of[sides[e].column],
                 sides[e].group);
        fputs("]", q->fp);
    }
    lsc_pgtrain_lateral_value(&l, "hf", 0);
    fputs("ARRAY[", q->fp);
    put_half(q->fp, r);
    fputs("]", q->fp);
    lsc_pgtrain_lateral_end(&l);
    fputs("  CROSS JOIN LATERAL unnest(ARRAY[CAST(NULL AS BIGINT)", q->fp);
    for (size_t a = 0, c = 0; a < ne; a++)
        for (size_t b = a + 1; b < ne; b++, c++)
            fprintf(q->fp, ", ((%zu + hf) * %d + c_%zu) * %d + c_%zu", 2 * c, LSC_PAIR_FINE, a,
                    LSC_PAIR_FINE, b);
    fprintf(q->fp, "]) AS u(k)\nWHERE %s AND u.k IS NOT NULL\nGROUP BY u.k", fit_filter(r));
    return sql_close(q, err);
}

/* The candidates' tables as the query returns them: candidate c's (sides
 * a < b, na x nb cells) G of each half, then H of each half, at off[c]. */
struct tables {
    const struct lsc_pair_side *sides;
    size_t ne, *off;
    double *v;
};

/* The candidate of sides a < b, in pairs.h's order. */
static size_t candidate(size_t ne, size_t a, size_t b)
{
    return a * (2 * ne - a - 1) / 2 + (b - a - 1);
}

static void fill(const void *ctx, size_t a, size_t b, struct lsc_pair_table *t)
{
    const struct tables *tb = ctx;
    size_t cells = t->na * t->nb;
    const double *v = tb->v + tb->off[candidate(tb->ne, a, b)];
    for (int s = 0; s < 2; s++) {
        memcpy(t->G[s], v + (size_t)s * cells, cells * sizeof *v);
        memcpy(t->H[s], v + (size_t)(2 + s) * cells, cells * sizeof *v);
    }
}

static enum lsc_status tables_alloc(struct tables *tb, struct lsc_error *err)
{
    size_t nc = tb->ne * (tb->ne - 1) / 2, total = 0;
    if ((tb->off = lsc_calloc(nc + 1, sizeof *tb->off)) == NULL)
        return lsc_error_nomem(err);
    for (size_t a = 0; a < tb->ne; a++)
        for (size_t b = a + 1; b < tb->ne; b++) {
            tb->off[candidate(tb->ne, a, b)] = total;
            total += 4 * tb->sides[a].n_groups * tb->sides[b].n_groups;
        }
    tb->v = lsc_calloc(total ? total : 1, sizeof *tb->v);
    return tb->v != NULL ? LSC_OK : lsc_error_nomem(err);
}

/* Row i of the query's answer into tb. */
static void take_cell(struct tables *tb, const struct lsc_pg_rows *rows, size_t i)
{
    size_t F = LSC_PAIR_FINE, k = count_of(lsc_pg_rows_value(rows, i, 0));
    size_t y = k % F, x = k / F % F, s = k / (F * F) % 2, c = k / (2 * F * F), a = 0;
    if (c >= tb->ne * (tb->ne - 1) / 2)
        return;
    while (candidate(tb->ne, a, tb->ne - 1) < c) /* the candidate's sides */
        a++;
    size_t b = c - candidate(tb->ne, a, a + 1) + a + 1;
    size_t na = tb->sides[a].n_groups, nb = tb->sides[b].n_groups;
    if (x >= na || y >= nb)
        return;
    double *v = tb->v + tb->off[c];
    v[s * na * nb + x * nb + y] = num_or(lsc_pg_rows_value(rows, i, 1), 0.0);
    v[(2 + s) * na * nb + x * nb + y] = num_or(lsc_pg_rows_value(rows, i, 2), 0.0);
}

/* The additive fit (as the CSV path's: to 1e-6, ridge at --l2), its
 * tables, and the picks. */
static enum lsc_status choose(struct pg_run *r, struct lsc_error *err)
{
    struct newton_result nr;
    struct tables tb = {NULL, 0, NULL, NULL};
    struct lsc_pair_side *sides = NULL;
    struct lsc_pg_rows *rows = NULL;
    struct sql q = {NULL, NULL, 0};
    enum lsc_status st = lsc_pgtrain_prepare(r, err);
    if (st == LSC_OK)
        st = lsc_pgtrain_newton(r, 1e-6, NULL, &nr, err);
    if (st == LSC_OK)
        st = lsc_pair_sides(r->m, &sides, &tb.ne, err);
    if (st != LSC_OK || tb.ne < 2)
        goto cleanup;
    tb.sides = sides;
    if ((st = tables_alloc(&tb, err)) != LSC_OK ||
        (st = tables_query(r, sides, tb.ne, &q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "the pairs' tables (--interactions: residuals per cell)",
                           &rows, err)) != LSC_OK)
        goto cleanup;
    for (size_t i = 0; i < lsc_pg_rows_count(rows); i++)
        take_cell(&tb, rows, i);
    st = lsc_pairs_choose_tables(r->m, sides, tb.ne, fill, &tb, 1, r->m->l2, r->o->interactions,
                                 &r->picks, &r->n_picks, err);
cleanup:
    lsc_pg_rows_free(rows);
    free(q.s);
    lsc_free(tb.off);
    lsc_free(tb.v);
    lsc_pair_sides_free(sides, tb.ne);
    return st;
}

enum lsc_status lsc_pgtrain_pairs(struct pg_run *r, struct lsc_error *err)
{
    if (!r->pairs_chosen) {
        enum lsc_status st = choose(r, err);
        if (st != LSC_OK)
            return st;
        r->pairs_chosen = 1;
        lsc_train_log_pairs(r->log, r->o, r->picks, r->n_picks);
    }
    return lsc_pairs_add(r->m, r->picks, r->n_picks, err);
}
