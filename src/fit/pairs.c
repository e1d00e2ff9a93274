#include "pairs.h"

#include <gsl/gsl_cdf.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "mathfn.h"
#include "parallel.h"
#include "status_internal.h"
#include "util.h"

void lsc_pair_picks_free(struct lsc_pair_pick *picks, size_t n)
{
    for (size_t i = 0; picks != NULL && i < n; i++) {
        for (int s = 0; s < 2; s++) {
            lsc_free(picks[i].name[s]);
            for (size_t k = 0; picks[i].levels[s] != NULL && k < LSC_PAIR_GROUPS; k++)
                lsc_free(picks[i].levels[s][k]);
            lsc_free(picks[i].levels[s]);
        }
    }
    lsc_free(picks);
}

/* Binned: the non-missing bins in up to LSC_PAIR_RANGES ranges of about
 * equal training counts, then the missing bin (when the column has one). */
static void binned_groups(const struct lsc_column_enc *c, struct lsc_pair_side *sd)
{
    size_t total = 0, cum = 0, g_prev = SIZE_MAX, g = 0;
    for (size_t b = 0; b <= c->n_cuts; b++)
        total += c->bin_count[b];
    for (size_t b = 0; b <= c->n_cuts; b++) {
        double mid = ((double)cum + 0.5 * (double)c->bin_count[b]) / (double)(total ? total : 1);
        size_t want = (size_t)(mid * LSC_PAIR_RANGES);
        if (want >= LSC_PAIR_RANGES)
            want = LSC_PAIR_RANGES - 1;
        if (g_prev != SIZE_MAX && want != g_prev)
            g++; /* consecutive labels, whatever the gaps */
        g_prev = want;
        sd->group[b] = g;
        cum += c->bin_count[b];
    }
    sd->n_ordered = g + 1;
    sd->n_groups = sd->n_ordered;
    if (c->missing_feature != LSC_NO_FEATURE)
        sd->group[c->n_cuts + 1] = sd->n_groups++;
    else
        sd->group[c->n_cuts + 1] = sd->group[lsc_bin_of(c->cuts, c->n_cuts, c->median)];
}

/* Categorical: its LSC_PAIR_FINE - 1 most frequent levels (the reference
 * among them, "(other)" not) are codes 1.., all other levels code 0. A
 * pair picks its groups among these codes (choose_levels). */
static void categorical_codes(const struct lsc_column_enc *c, struct lsc_pair_side *sd)
{
    sd->n_ordered = 0;
    sd->n_groups = 1;
    while (sd->n_groups < LSC_PAIR_FINE) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < c->n_levels; k++)
            if (k != c->other && sd->group[k] == 0 &&
                (best == SIZE_MAX || c->level_count[k] > c->level_count[best]))
                best = k;
        if (best == SIZE_MAX)
            break;
        sd->group[best] = sd->n_groups++;
    }
    sd->reference = sd->group[c->reference];
}

/* Fills sd for column c; 0 when c cannot take part in a pair. */
static int side_of(const struct lsc_column_enc *c, struct lsc_pair_side *sd, enum lsc_status *st,
                   struct lsc_error *err)
{
    memset(sd, 0, sizeof *sd);
    *st = LSC_OK;
    if (c->type == LSC_COL_NUMERIC)
        return 0;
    sd->n_levels = lsc_column_n_levels(c);
    sd->group = lsc_calloc(sd->n_levels ? sd->n_levels : 1, sizeof *sd->group);
    if (sd->group == NULL) {
        *st = lsc_error_nomem(err);
        return 0;
    }
    if (c->type == LSC_COL_BINNED)
        binned_groups(c, sd);
    else
        categorical_codes(c, sd);
    if (sd->n_groups >= 2)
        return 1;
    lsc_free(sd->group);
    sd->group = NULL;
    return 0;
}

/* A pair's groups: code -> group on each side (group 0 the rest). */
struct groups {
    size_t map[2][LSC_PAIR_FINE];
    size_t n[2];
};

/* A candidate pair, tested two ways (settle picks the test it goes by):
 * coarse: fixed groups (a binned side's ranges, a categorical side's
 *   LSC_PAIR_COARSE - 1 most frequent non-reference levels), its
 *   in-sample gain a score statistic, chi-squared with (groups - 1)^2 df;
 * fine: groups chosen by the data (choose_groups) on one half of the rows,
 *   their gain measured on the other (heldout_gain), both ways. */
struct cand {
    size_t a, b;   /* indices into the eligible columns */
    double gain;   /* fine: held out; coarse: in sample */
    double p, p_c; /* the fine and the coarse test's p-values */
    double gain_c;
    int coarse;    /* picked by the coarse test alone */
};

/* Most significant first; then the larger gain; then column order. */
static int by_p(const void *x, const void *y)
{
    const struct cand *p = x, *q = y;
    if (p->p != q->p)
        return p->p > q->p ? 1 : -1;
    if (p->gain != q->gain)
        return p->gain < q->gain ? 1 : -1;
    return p->a != q->a ? (p->a < q->a ? -1 : 1) : (p->b > q->b) - (p->b < q->b);
}

/* The cell (x, y) of t summed over the halves in mask (1, 2 or 3). */
static void cell(const struct lsc_pair_table *t, unsigned mask, size_t x, size_t y, double *g,
                 double *h)
{
    *g = *h = 0.0;
    for (unsigned s = 0; s < 2; s++)
        if (mask & (1u << s)) {
            *g += t->G[s][x * t->nb + y];
            *h += t->H[s][x * t->nb + y];
        }
}

/* t collapsed to gr's groups (G, H: n[0] x n[1]) over the halves in mask. */
static void collapse(const struct lsc_pair_table *t, const struct groups *gr, unsigned mask,
                     double *G, double *H)
{
    memset(G, 0, gr->n[0] * gr->n[1] * sizeof *G);
    memset(H, 0, gr->n[0] * gr->n[1] * sizeof *H);
    for (size_t x = 0; x < t->na; x++)
        for (size_t y = 0; y < t->nb; y++) {
            double g, h;
            cell(t, mask, x, y, &g, &h);
            size_t k = gr->map[0][x] * gr->n[1] + gr->map[1][y];
            G[k] += g;
            H[k] += h;
        }
}

/* When every code with rows has a group of its own, group 0 (the rest) is
 * empty and the cells would complete the table: their sums would be the
 * other side's groups, a design only the penalty identifies. The code
 * chosen last (the weakest) goes back to group 0; the rows are split as
 * before. */
static void keep_rest(struct groups *gr, int s, size_t nc, const double *weight)
{
    double rest = 0.0;
    size_t last = 0;
    for (size_t k = 0; k < nc; k++) {
        if (gr->map[s][k] == 0)
            rest += weight[k];
        else if (gr->map[s][k] == gr->n[s] - 1)
            last = k;
    }
    if (rest == 0.0 && gr->n[s] > 1) {
        gr->map[s][last] = 0;
        gr->n[s]--;
    }
}

/* Side s's groups when it is categorical: of its codes 1.., the up to
 * LSC_PAIR_GROUPS - 1 whose rows the other side's groups split most
 * (sum over the other side of g^2/(h+lambda) less the code's own). */
static void choose_levels(const struct lsc_pair_table *t, int s, unsigned mask, double lambda,
                          struct groups *gr)
{
    size_t nc = s ? t->nb : t->na, no = s ? t->na : t->nb;
    double score[LSC_PAIR_FINE], weight[LSC_PAIR_FINE];
    for (size_t k = 0; k < nc; k++) {
        double gs = 0.0, hs = 0.0, part[LSC_PAIR_FINE * 2] = {0};
        for (size_t o = 0; o < no; o++) {
            double g, h;
            cell(t, mask, s ? o : k, s ? k : o, &g, &h);
            part[2 * gr->map[!s][o]] += g;
            part[2 * gr->map[!s][o] + 1] += h;
            gs += g;
            hs += h;
        }
        score[k] = -gs * gs / (hs + lambda);
        weight[k] = hs;
        for (size_t o = 0; o < gr->n[!s]; o++)
            score[k] += part[2 * o] * part[2 * o] / (part[2 * o + 1] + lambda);
    }
    for (size_t k = 0; k < nc; k++)
        gr->map[s][k] = 0;
    gr->n[s] = 1;
    while (gr->n[s] < LSC_PAIR_GROUPS) {
        size_t best = 0;
        for (size_t k = 1; k < nc; k++)
            if (gr->map[s][k] == 0 && score[k] > 0.0 && (best == 0 || score[k] > score[best]))
                best = k;
        if (best == 0)
            break;
        gr->map[s][best] = gr->n[s]++;
    }
    keep_rest(gr, s, nc, weight);
}

/* The pair's groups, chosen on the halves in mask. */
static void choose_groups(const struct lsc_pair_table *t, const struct lsc_pair_side *sa,
                          const struct lsc_pair_side *sb, unsigned mask, double lambda,
                          struct groups *gr)
{
    const struct lsc_pair_side *sd[2] = {sa, sb};
    for (int s = 0; s < 2; s++) {
        gr->n[s] = s ? t->nb : t->na;
        for (size_t k = 0; k < gr->n[s]; k++)
            gr->map[s][k] = k;
    }
    for (int s = 0; s < 2; s++)
        if (sd[s]->n_ordered == 0)
            choose_levels(t, s, mask, lambda, gr);
}

/* The row sums (row[na]) and column sums (col[nb]) of the na x nb table T. */
static void margins(const double *T, size_t na, size_t nb, double *row, double *col)
{
    memset(row, 0, na * sizeof *row);
    memset(col, 0, nb * sizeof *col);
    for (size_t x = 0; x < na; x++)
        for (size_t y = 0; y < nb; y++) {
            row[x] += T[x * nb + y];
            col[y] += T[x * nb + y];
        }
}

/* sum over k of dk (ge_k - he_k dk / 2), dk = gf_k / (hf_k + lambda): the
 * second-order gain on (ge, he) of the Newton step fitted on (gf, hf). */
static double step_gain(const double *gf, const double *hf, const double *ge, const double *he,
                        size_t n, double lambda)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++) {
        double dk = gf[k] / (hf[k] + lambda);
        s += dk * (ge[k] - 0.5 * he[k] * dk);
    }
    return s;
}

/* The gain of the table over its margins, fitted on (Gf, Hf), on (Ge, He);
 * *var: its variance were the pair no interaction (the sum over the cells
 * of the step beyond the margins' squared times he). */
static double table_gain(const struct groups *gr, const double *Gf, const double *Hf,
                         const double *Ge, const double *He, double lambda, double *var)
{
    double m[4][LSC_PAIR_FINE], mb[4][LSC_PAIR_FINE];
    size_t na = gr->n[0], nb = gr->n[1];
    const double *src[4] = {Gf, Hf, Ge, He};
    for (int q = 0; q < 4; q++)
        margins(src[q], na, nb, m[q], mb[q]);
    *var = 0.0;
    for (size_t x = 0; x < na; x++)
        for (size_t y = 0; y < nb; y++) {
            size_t k = x * nb + y;
            double e = Gf[k] / (Hf[k] + lambda) - m[0][x] / (m[1][x] + lambda) -
                       mb[0][y] / (mb[1][y] + lambda);
            *var += e * e * He[k];
        }
    return step_gain(Gf, Hf, Ge, He, na * nb, lambda) -
           step_gain(m[0], m[1], m[2], m[3], na, lambda) -
           step_gain(mb[0], mb[1], mb[2], mb[3], nb, lambda);
}

/* The fixed coarse groups of the pair's sides (see struct cand). */
static void coarse_groups(const struct lsc_pair_table *t, const struct lsc_pair_side *sa,
                          const struct lsc_pair_side *sb, struct groups *gr)
{
    const struct lsc_pair_side *sd[2] = {sa, sb};
    for (int s = 0; s < 2; s++) {
        size_t n = s ? t->nb : t->na;
        gr->n[s] = sd[s]->n_ordered ? n : 1;
        for (size_t k = 0; k < n; k++)
            gr->map[s][k] = sd[s]->n_ordered ? k : 0;
        for (size_t k = 1; k < n && !sd[s]->n_ordered && gr->n[s] < LSC_PAIR_COARSE; k++)
            if (k != sd[s]->reference)
                gr->map[s][k] = gr->n[s]++;
    }
}

/* sum over k of g_k^2 / (h_k + lambda) */
static double newton_gain(const double *g, const double *h, size_t n, double lambda)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += g[k] * g[k] / (h[k] + lambda);
    return s;
}

/* The p-value of the coarse table's in-sample gain over its margins. */
static double coarse_p(const struct lsc_pair_table *t, const struct lsc_pair_side *sa,
                       const struct lsc_pair_side *sb, double lambda, double *gain)
{
    double G[LSC_PAIR_CELLS], H[LSC_PAIR_CELLS], ga[LSC_PAIR_FINE], ha[LSC_PAIR_FINE];
    double gb[LSC_PAIR_FINE], hb[LSC_PAIR_FINE];
    struct groups gr;
    coarse_groups(t, sa, sb, &gr);
    *gain = 0.0;
    if (gr.n[0] < 2 || gr.n[1] < 2)
        return 1.0;
    collapse(t, &gr, 3u, G, H);
    margins(G, gr.n[0], gr.n[1], ga, gb);
    margins(H, gr.n[0], gr.n[1], ha, hb);
    *gain = newton_gain(G, H, gr.n[0] * gr.n[1], lambda) - newton_gain(ga, ha, gr.n[0], lambda) -
            newton_gain(gb, hb, gr.n[1], lambda);
    return *gain > 0.0 ? gsl_cdf_chisq_Q(*gain, (double)((gr.n[0] - 1) * (gr.n[1] - 1))) : 1.0;
}

/* The pair's held-out gain: groups and steps fitted on one half, their
 * gain measured on the other, both ways; *z: the gain over its standard
 * deviation were the pair no interaction (about normal, mean below 0). */
static double heldout_gain(const struct lsc_pair_table *t, const struct lsc_pair_side *sa,
                           const struct lsc_pair_side *sb, double lambda, double *z)
{
    double Gf[LSC_PAIR_CELLS], Hf[LSC_PAIR_CELLS], Ge[LSC_PAIR_CELLS], He[LSC_PAIR_CELLS];
    double total = 0.0, var = 0.0;
    for (unsigned s = 0; s < 2; s++) {
        struct groups gr;
        double v;
        choose_groups(t, sa, sb, 1u << s, lambda, &gr);
        if (gr.n[0] < 2 || gr.n[1] < 2)
            continue;
        collapse(t, &gr, 1u << s, Gf, Hf);
        collapse(t, &gr, 2u >> s, Ge, He);
        total += table_gain(&gr, Gf, Hf, Ge, He, lambda, &v);
        var += v;
    }
    *z = var > 0.0 ? total / sqrt(var) : 0.0;
    return total;
}

struct gain_task {
    const struct lsc_pair_side *sides;
    lsc_pair_fill_fn *fill;
    const void *ctx;
    double lambda;
    struct cand *cands;
    size_t nc, ntasks;
};

static void gain_task(void *ctx, size_t k)
{
    const struct gain_task *t = ctx;
    struct lsc_pair_table *tab = lsc_malloc(sizeof *tab);
    for (size_t i = k; i < t->nc; i += t->ntasks) {
        struct cand *c = &t->cands[i];
        const struct lsc_pair_side *sa = &t->sides[c->a], *sb = &t->sides[c->b];
        double z, gain_c;
        c->gain = -HUGE_VAL;
        if (tab == NULL)
            continue;
        tab->na = sa->n_groups;
        tab->nb = sb->n_groups;
        t->fill(t->ctx, c->a, c->b, tab);
        c->gain = heldout_gain(tab, sa, sb, t->lambda, &z);
        c->p = c->gain > 0.0 ? gsl_cdf_ugaussian_Q(z) : 1.0;
        c->p_c = coarse_p(tab, sa, sb, t->lambda, &gain_c);
        c->gain_c = gain_c;
    }
    lsc_free(tab);
}

/* Each test's level: 5 % after a Bonferroni correction for the nc pairs. */
static double crit(size_t nc)
{
    return 0.05 / (double)(nc ? nc : 1);
}

/* c's test: the fine one when it passes, else the coarse one when it does;
 * c->p the p-value to rank by (the smaller when neither passes). */
static void settle(struct cand *c, size_t nc)
{
    c->coarse = !(c->p < crit(nc)) && (c->p_c < crit(nc) || c->p_c < c->p);
    if (c->coarse) {
        c->p = c->p_c;
        c->gain = c->gain_c;
    }
}

static enum lsc_status rank_pairs(const struct gain_task *proto, size_t ne, struct cand **out,
                                  size_t *n_out, struct lsc_error *err)
{
    struct cand *cands = lsc_calloc(ne * ne / 2 + 1, sizeof *cands);
    size_t nc = 0;
    if (cands == NULL)
        return lsc_error_nomem(err);
    for (size_t a = 0; a < ne; a++)
        for (size_t b = a + 1; b < ne; b++) {
            cands[nc].a = a;
            cands[nc++].b = b;
        }
    /* the pairs' tables, spread over the threads (each task writes its own
     * candidates' gains: the result does not depend on them) */
    struct gain_task t = *proto;
    t.cands = cands;
    t.nc = nc;
    t.ntasks = nc > 1 ? proto->ntasks : 1;
    lsc_parallel_run(t.ntasks, gain_task, &t);
    for (size_t i = 0; i < nc; i++)
        if (cands[i].gain == -HUGE_VAL) {
            lsc_free(cands);
            return lsc_error_nomem(err);
        }
    for (size_t i = 0; i < nc; i++)
        settle(&cands[i], nc);
    qsort(cands, nc, sizeof *cands, by_p);
    *out = cands;
    *n_out = nc;
    return LSC_OK;
}

/* Pick p's names: the columns, and on a categorical side the levels of
 * its groups 1.. (chosen on all rows), so a refit finds them by name. */
static enum lsc_status pick_of(const struct lsc_model *m, const struct lsc_pair_side *sides,
                               const struct cand *c, const struct lsc_pair_table *t, double lambda,
                               struct lsc_pair_pick *p, struct lsc_error *err)
{
    struct groups gr;
    const struct lsc_pair_side *sd[2] = {&sides[c->a], &sides[c->b]};
    if (c->coarse)
        coarse_groups(t, sd[0], sd[1], &gr);
    else
        choose_groups(t, sd[0], sd[1], 3u, lambda, &gr);
    p->gain = c->gain;
    p->fine = !c->coarse;
    for (int s = 0; s < 2; s++) {
        const struct lsc_column_enc *col = &m->columns[sd[s]->column];
        p->name[s] = lsc_strdup(col->name);
        if (p->name[s] == NULL)
            return lsc_error_nomem(err);
        if (sd[s]->n_ordered > 0 || col->type == LSC_COL_BINNED)
            continue;
        p->levels[s] = lsc_calloc(LSC_PAIR_GROUPS, sizeof *p->levels[s]);
        if (p->levels[s] == NULL)
            return lsc_error_nomem(err);
        for (size_t v = 0; v < sd[s]->n_levels; v++) {
            size_t code = sd[s]->group[v], g = gr.map[s][code];
            if (code == 0 || g == 0)
                continue;
            if ((p->levels[s][g - 1] = lsc_strdup(col->levels[v])) == NULL)
                return lsc_error_nomem(err);
            p->n_named[s]++;
        }
    }
    return LSC_OK;
}

/* The best k candidates with a positive held-out gain, as picks. */
static enum lsc_status picks_from(const struct lsc_model *m, const struct gain_task *t,
                                  const struct cand *cands, size_t nc, size_t k,
                                  struct lsc_pair_pick **out, size_t *n_out, struct lsc_error *err)
{
    size_t n = 0;
    struct lsc_pair_pick *p = lsc_calloc(k < nc ? k + 1 : nc + 1, sizeof *p);
    struct lsc_pair_table *tab = lsc_malloc(sizeof *tab);
    enum lsc_status st = LSC_OK;
    if (p == NULL || tab == NULL)
        st = lsc_error_nomem(err);
    for (size_t i = 0; i < nc && n < k && st == LSC_OK; i++) {
        if (!(cands[i].p < crit(nc)))
            continue;
        tab->na = t->sides[cands[i].a].n_groups;
        tab->nb = t->sides[cands[i].b].n_groups;
        t->fill(t->ctx, cands[i].a, cands[i].b, tab);
        st = pick_of(m, t->sides, &cands[i], tab, t->lambda, &p[n++], err);
    }
    lsc_free(tab);
    if (st != LSC_OK) {
        lsc_pair_picks_free(p, n);
        return st;
    }
    *out = p;
    *n_out = n;
    return LSC_OK;
}

void lsc_pair_sides_free(struct lsc_pair_side *sides, size_t n)
{
    for (size_t e = 0; sides != NULL && e < n; e++)
        lsc_free(sides[e].group);
    lsc_free(sides);
}

enum lsc_status lsc_pair_sides(const struct lsc_model *m, struct lsc_pair_side **out, size_t *n,
                               struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_pair_side *sides = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *sides);
    *out = NULL;
    *n = 0;
    if (sides == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_columns && st == LSC_OK; j++)
        if (side_of(&m->columns[j], &sides[*n], &st, err))
            sides[(*n)++].column = j;
    if (st != LSC_OK) {
        lsc_pair_sides_free(sides, *n);
        *n = 0;
        return st;
    }
    *out = sides;
    return LSC_OK;
}

enum lsc_status lsc_pairs_choose_tables(const struct lsc_model *m,
                                        const struct lsc_pair_side *sides, size_t ne,
                                        lsc_pair_fill_fn *fill, const void *ctx, size_t threads,
                                        double lambda, size_t k, struct lsc_pair_pick **out,
                                        size_t *n_out, struct lsc_error *err)
{
    struct gain_task t = {sides, fill, ctx, lambda, NULL, 0, threads ? threads : 1};
    struct cand *cands = NULL;
    size_t nc = 0;
    *out = NULL;
    *n_out = 0;
    if (ne < 2)
        return LSC_OK;
    enum lsc_status st = rank_pairs(&t, ne, &cands, &nc, err);
    if (st == LSC_OK)
        st = picks_from(m, &t, cands, nc, k, out, n_out, err);
    lsc_free(cands);
    return st;
}

/* ---- the tables from the rows of a view (the CSV path) ---------------- */

/* The half of the view's row i (a fixed hash: the same rows every run). */
static size_t half_of(size_t i)
{
    uint64_t x = (uint64_t)i * UINT64_C(0x9E3779B97F4A7C15);
    x ^= x >> 29;
    return (size_t)((x * UINT64_C(0xBF58476D1CE4E5B9)) >> 63);
}

/* The view's rows: each eligible column's group (n x ne bytes), the
 * residual r and weight h of the additive fit, the half (NULL: half_of). */
struct view_rows {
    size_t n, ne;
    const uint8_t *grp, *half;
    const double *r, *h;
};

static void fill_table(const void *ctx, size_t a, size_t b, struct lsc_pair_table *t)
{
    const struct view_rows *v = ctx;
    size_t ne = v->ne;
    memset(t->G, 0, sizeof t->G);
    memset(t->H, 0, sizeof t->H);
    for (size_t i = 0; i < v->n; i++) {
        size_t c = v->grp[i * ne + a] * t->nb + v->grp[i * ne + b];
        size_t s = v->half != NULL ? v->half[i] : half_of(i);
        t->G[s][c] += v->r[i];
        t->H[s][c] += v->h[i];
    }
}

/* The group of every view row for each eligible column (n x ne bytes). */
static enum lsc_status row_groups(const struct design *d, const struct dataset *ds,
                                  const struct lsc_model *m, const size_t *col_src,
                                  const struct lsc_pair_side *sides, size_t ne, uint8_t *grp,
                                  struct lsc_error *err)
{
    uint32_t *lev = lsc_malloc((d->n ? d->n : 1) * sizeof *lev);
    enum lsc_status st = LSC_OK;
    if (lev == NULL)
        return lsc_error_nomem(err);
    for (size_t e = 0; e < ne && st == LSC_OK; e++) {
        size_t j = sides[e].column;
        st = lsc_design_levels(ds, &m->columns[j], &ds->cols[col_src[j]], d->rows, d->n, lev, err);
        for (size_t i = 0; i < d->n && st == LSC_OK; i++)
            grp[i * ne + e] = (uint8_t)sides[e].group[lev[i]];
    }
    lsc_free(lev);
    return st;
}

/* The residuals (r) and weights (h) of the additive fit's eta. */
static void residuals(const struct design *d, const double *eta, double *r, double *h)
{
    for (size_t i = 0; i < d->n; i++) {
        double p = lsc_mathfn_sigmoid(eta[i]), w = design_weight(d, i);
        r[i] = w * (d->y[design_row(d, i)] - p);
        h[i] = w * p * (1.0 - p);
    }
}

enum lsc_status lsc_pairs_choose(const struct design *d, const struct dataset *ds,
                                 const struct lsc_model *m, const size_t *col_src,
                                 const double *eta, const uint8_t *half, double lambda, size_t k,
                                 struct lsc_pair_pick **out, size_t *n_out, struct lsc_error *err)
{
    size_t ne = 0;
    struct lsc_pair_side *sides = NULL;
    double *r = lsc_malloc((d->n ? d->n : 1) * sizeof *r);
    double *h = lsc_malloc((d->n ? d->n : 1) * sizeof *h);
    uint8_t *grp = NULL;
    *out = NULL;
    *n_out = 0;
    enum lsc_status st =
        r != NULL && h != NULL ? lsc_pair_sides(m, &sides, &ne, err) : lsc_error_nomem(err);
    if (st != LSC_OK || ne < 2)
        goto cleanup;
    if ((grp = lsc_malloc((d->n ? d->n : 1) * ne)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    residuals(d, eta, r, h);
    struct view_rows v = {d->n, ne, grp, half, r, h};
    if ((st = row_groups(d, ds, m, col_src, sides, ne, grp, err)) == LSC_OK)
        st = lsc_pairs_choose_tables(m, sides, ne, fill_table, &v, lsc_parallel_threads(d->n),
                                     lambda, k, out, n_out, err);
cleanup:
    lsc_pair_sides_free(sides, ne);
    lsc_free(grp);
    lsc_free(r);
    lsc_free(h);
    return st;
}

/* "Col>=5", "Col=(missing)" or "Col=Level": condition k of side s. */
static void condition_label(const struct lsc_model *m, const struct lsc_pair *pr, int s, size_t k,
                            char *buf, size_t size)
{
    const struct lsc_column_enc *c = &m->columns[pr->col[s]];
    size_t v = lsc_pair_first_level(pr, s, k);
    char num[40];
    if (c->type == LSC_COL_BINNED && lsc_pair_step(pr, s, k) && v >= 1 && v <= c->n_cuts) {
        lsc_format_shortest(c->cuts[v - 1], num, sizeof num);
        snprintf(buf, size, "%s>=%s", c->name, num);
    } else if (c->type == LSC_COL_BINNED) {
        snprintf(buf, size, "%s=%s", c->name, LSC_LEVEL_MISSING);
    } else {
        snprintf(buf, size, "%s=%s", c->name, v < c->n_levels ? c->levels[v] : "?");
    }
}

static size_t find_column(const struct lsc_model *m, const char *name)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (strcmp(m->columns[j].name, name) == 0)
            return j;
    return SIZE_MAX;
}

/* Appends pr's cell features (names and zero coefficients) to m. */
static enum lsc_status add_cells(struct lsc_model *m, struct lsc_pair *pr, struct lsc_error *err)
{
    size_t na = pr->n_groups[0] - 1, nb = pr->n_groups[1] - 1, p = m->n_features;
    char **names = lsc_reallocarray(m->feature_names, p + na * nb, sizeof *names);
    if (names != NULL)
        m->feature_names = names;
    double *coef = lsc_reallocarray(m->coef, p + na * nb, sizeof *coef);
    if (coef != NULL)
        m->coef = coef;
    size_t cells = na * nb;
    pr->feature = lsc_calloc(cells ? cells : 1, sizeof *pr->feature);
    if (names == NULL || coef == NULL || pr->feature == NULL)
        return lsc_error_nomem(err);
    char a[320], b[320];
    for (size_t k = 0; k < na; k++)
        for (size_t l = 0; l < nb; l++) {
            condition_label(m, pr, 0, k + 1, a, sizeof a);
            condition_label(m, pr, 1, l + 1, b, sizeof b);
            size_t len = strlen(a) + strlen(b) + 4;
            char *name = lsc_malloc(len);
            if (name == NULL)
                return lsc_error_nomem(err);
            snprintf(name, len, "%s & %s", a, b);
            m->feature_names[m->n_features] = name;
            m->coef[m->n_features] = 0.0;
            pr->feature[k * nb + l] = m->n_features++;
        }
    return LSC_OK;
}

/* Side s of pick p on m's column j: a binned column's ranges, or the
 * pick's levels (those m's column still has), each its own group. */
static int side_for(const struct lsc_model *m, size_t j, const struct lsc_pair_pick *p, int s,
                    struct lsc_pair_side *sd, enum lsc_status *st, struct lsc_error *err)
{
    const struct lsc_column_enc *c = &m->columns[j];
    if (!side_of(c, sd, st, err))
        return 0;
    if (c->type != LSC_COL_CATEGORICAL)
        return 1;
    memset(sd->group, 0, sd->n_levels * sizeof *sd->group);
    sd->n_groups = 1;
    for (size_t k = 0; k < p->n_named[s]; k++)
        for (size_t v = 0; v < c->n_levels; v++)
            if (v != c->other && sd->group[v] == 0 && strcmp(c->levels[v], p->levels[s][k]) == 0)
                sd->group[v] = sd->n_groups++;
    if (sd->n_groups >= 2)
        return 1;
    lsc_free(sd->group);
    sd->group = NULL;
    return 0;
}

enum lsc_status lsc_pairs_add(struct lsc_model *m, const struct lsc_pair_pick *picks, size_t n,
                              struct lsc_error *err)
{
    struct lsc_pair *pairs = lsc_reallocarray(m->pairs, m->n_pairs + n + 1, sizeof *pairs);
    if (pairs == NULL)
        return lsc_error_nomem(err);
    m->pairs = pairs;
    for (size_t i = 0; i < n; i++) {
        size_t ja = find_column(m, picks[i].name[0]), jb = find_column(m, picks[i].name[1]);
        struct lsc_pair_side sa, sb;
        enum lsc_status st = LSC_OK;
        if (ja == SIZE_MAX || jb == SIZE_MAX)
            continue;
        int ok = side_for(m, ja, &picks[i], 0, &sa, &st, err);
        if (st == LSC_OK && ok && !side_for(m, jb, &picks[i], 1, &sb, &st, err)) {
            lsc_free(sa.group);
            ok = 0;
        }
        if (st != LSC_OK || !ok) {
            if (st != LSC_OK)
                return st;
            continue;
        }
        struct lsc_pair *pr = &m->pairs[m->n_pairs++];
        memset(pr, 0, sizeof *pr);
        const struct lsc_pair_side *sd[2] = {&sa, &sb};
        for (int s = 0; s < 2; s++) {
            pr->col[s] = s ? jb : ja;
            pr->n_levels[s] = sd[s]->n_levels;
            pr->group[s] = sd[s]->group;
            pr->n_groups[s] = sd[s]->n_groups;
            pr->n_ordered[s] = sd[s]->n_ordered;
        }
        if ((st = add_cells(m, pr, err)) != LSC_OK)
            return st;
    }
    return LSC_OK;
}
