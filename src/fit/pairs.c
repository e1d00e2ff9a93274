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

/* A column's coarse groups as one side of a pair. */
struct side {
    size_t n_levels, n_groups, n_ordered;
    size_t *group; /* level -> group */
};

void lsc_pair_picks_free(struct lsc_pair_pick *picks, size_t n)
{
    for (size_t i = 0; picks != NULL && i < n; i++) {
        lsc_free(picks[i].name[0]);
        lsc_free(picks[i].name[1]);
    }
    lsc_free(picks);
}

/* Binned: the non-missing bins in up to LSC_PAIR_GROUPS ranges of about
 * equal training counts, then the missing bin (when the column has one). */
static void binned_groups(const struct lsc_column_enc *c, struct side *sd)
{
    size_t total = 0, cum = 0, g_prev = SIZE_MAX, g = 0;
    for (size_t b = 0; b <= c->n_cuts; b++)
        total += c->bin_count[b];
    for (size_t b = 0; b <= c->n_cuts; b++) {
        double mid = ((double)cum + 0.5 * (double)c->bin_count[b]) / (double)(total ? total : 1);
        size_t want = (size_t)(mid * LSC_PAIR_GROUPS);
        if (want >= LSC_PAIR_GROUPS)
            want = LSC_PAIR_GROUPS - 1;
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

/* Categorical: the most frequent non-reference levels their own groups,
 * the rest (the reference and "(other)" among them) group 0, so that each
 * group is one level a rules sheet can name. */
static void categorical_groups(const struct lsc_column_enc *c, struct side *sd)
{
    sd->n_ordered = 0;
    sd->n_groups = 1;
    while (sd->n_groups < LSC_PAIR_GROUPS) {
        size_t best = SIZE_MAX;
        for (size_t k = 0; k < c->n_levels; k++)
            if (k != c->reference && k != c->other && sd->group[k] == 0 &&
                (best == SIZE_MAX || c->level_count[k] > c->level_count[best]))
                best = k;
        if (best == SIZE_MAX)
            break;
        sd->group[best] = sd->n_groups++;
    }
}

/* Fills sd for column c; 0 when c cannot take part in a pair. */
static int side_of(const struct lsc_column_enc *c, struct side *sd, enum lsc_status *st,
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
        categorical_groups(c, sd);
    if (sd->n_groups >= 2)
        return 1;
    lsc_free(sd->group);
    sd->group = NULL;
    return 0;
}

struct cand {
    size_t a, b; /* indices into the eligible columns */
    double gain;
    double df;   /* cells beyond the margins: (groups a - 1)(groups b - 1) */
};

static int by_gain(const void *x, const void *y)
{
    const struct cand *p = x, *q = y;
    if (p->gain != q->gain)
        return p->gain < q->gain ? 1 : -1;
    return p->a != q->a ? (p->a < q->a ? -1 : 1) : (p->b > q->b) - (p->b < q->b);
}

/* sum over k of g_k^2 / (h_k + lambda) */
static double newton_gain(const double *g, const double *h, size_t n, double lambda)
{
    double s = 0.0;
    for (size_t k = 0; k < n; k++)
        s += g[k] * g[k] / (h[k] + lambda);
    return s;
}

/* The gain of the 2-D table of eligible columns a and b over the margins. */
static double pair_gain(const struct design *d, const uint8_t *grp, size_t ne, size_t a, size_t b,
                        const struct side *sa, const struct side *sb, const double *r,
                        const double *h, double lambda)
{
    double G[LSC_PAIR_GROUPS * LSC_PAIR_GROUPS * 4] = {0};
    double H[LSC_PAIR_GROUPS * LSC_PAIR_GROUPS * 4] = {0};
    double ga[2 * LSC_PAIR_GROUPS] = {0}, ha[2 * LSC_PAIR_GROUPS] = {0};
    double gb[2 * LSC_PAIR_GROUPS] = {0}, hb[2 * LSC_PAIR_GROUPS] = {0};
    size_t nb = sb->n_groups;
    for (size_t i = 0; i < d->n; i++) {
        size_t x = grp[i * ne + a], y = grp[i * ne + b];
        G[x * nb + y] += r[i];
        H[x * nb + y] += h[i];
        ga[x] += r[i];
        ha[x] += h[i];
        gb[y] += r[i];
        hb[y] += h[i];
    }
    return newton_gain(G, H, sa->n_groups * nb, lambda) -
           newton_gain(ga, ha, sa->n_groups, lambda) - newton_gain(gb, hb, nb, lambda);
}

/* The group of every view row for each eligible column (n x ne bytes). */
static enum lsc_status row_groups(const struct design *d, const struct dataset *ds,
                                  const struct lsc_model *m, const size_t *col_src,
                                  const size_t *elig, const struct side *sides, size_t ne,
                                  uint8_t *grp, struct lsc_error *err)
{
    uint32_t *lev = lsc_malloc((d->n ? d->n : 1) * sizeof *lev);
    enum lsc_status st = LSC_OK;
    if (lev == NULL)
        return lsc_error_nomem(err);
    for (size_t e = 0; e < ne && st == LSC_OK; e++) {
        size_t j = elig[e];
        st = lsc_design_levels(ds, &m->columns[j], &ds->cols[col_src[j]], d->rows, d->n, lev, err);
        for (size_t i = 0; i < d->n && st == LSC_OK; i++)
            grp[i * ne + e] = (uint8_t)sides[e].group[lev[i]];
    }
    lsc_free(lev);
    return st;
}

struct gain_task {
    const struct design *d;
    const uint8_t *grp;
    size_t ne;
    const struct side *sides;
    const double *r, *h;
    double lambda;
    struct cand *cands;
    size_t nc, ntasks;
};

static void gain_task(void *ctx, size_t k)
{
    const struct gain_task *t = ctx;
    for (size_t i = k; i < t->nc; i += t->ntasks) {
        struct cand *c = &t->cands[i];
        c->gain = pair_gain(t->d, t->grp, t->ne, c->a, c->b, &t->sides[c->a], &t->sides[c->b],
                            t->r, t->h, t->lambda);
    }
}

static enum lsc_status rank_pairs(const struct design *d, const uint8_t *grp, size_t ne,
                                  const struct side *sides, const double *eta, double lambda,
                                  struct cand **out, size_t *n_out, struct lsc_error *err)
{
    double *r = lsc_malloc((d->n ? d->n : 1) * sizeof *r);
    double *h = lsc_malloc((d->n ? d->n : 1) * sizeof *h);
    struct cand *cands = lsc_calloc(ne * ne / 2 + 1, sizeof *cands);
    size_t nc = 0;
    if (r == NULL || h == NULL || cands == NULL) {
        lsc_free(r);
        lsc_free(h);
        lsc_free(cands);
        return lsc_error_nomem(err);
    }
    for (size_t i = 0; i < d->n; i++) {
        double p = lsc_mathfn_sigmoid(eta[i]), w = design_weight(d, i);
        r[i] = w * (d->y[design_row(d, i)] - p);
        h[i] = w * p * (1.0 - p);
    }
    for (size_t a = 0; a < ne; a++)
        for (size_t b = a + 1; b < ne; b++) {
            cands[nc].a = a;
            cands[nc].b = b;
            cands[nc++].df = (double)((sides[a].n_groups - 1) * (sides[b].n_groups - 1));
        }
    /* the pairs' passes over the rows, spread over the threads (each task
     * writes its own candidates' gains: the result does not depend on them) */
    struct gain_task t = {d, grp, ne, sides, r, h, lambda, cands, nc,
                          nc > 1 ? lsc_parallel_threads(d->n) : 1};
    lsc_parallel_run(t.ntasks, gain_task, &t);
    qsort(cands, nc, sizeof *cands, by_gain);
    lsc_free(r);
    lsc_free(h);
    *out = cands;
    *n_out = nc;
    return LSC_OK;
}

static enum lsc_status picks_from(const struct lsc_model *m, const size_t *elig,
                                  const struct cand *cands, size_t nc, size_t k,
                                  struct lsc_pair_pick **out, size_t *n_out,
                                  struct lsc_error *err)
{
    /* the gain is a score statistic, about chi-squared with df degrees of
     * freedom when the pair adds nothing: keep pairs significant at 5 %
     * after a Bonferroni correction for the nc pairs tried, so small files
     * get fewer pairs instead of noise */
    struct cand *kept = lsc_calloc(nc ? nc : 1, sizeof *kept);
    size_t n = 0;
    if (kept == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < nc && n < k; i++)
        if (cands[i].gain > 0.0 && gsl_cdf_chisq_Q(cands[i].gain, cands[i].df) * (double)nc < 0.05)
            kept[n++] = cands[i];
    cands = kept;
    struct lsc_pair_pick *p = lsc_calloc(n ? n : 1, sizeof *p);
    if (p == NULL) {
        lsc_free(kept);
        return lsc_error_nomem(err);
    }
    for (size_t i = 0; i < n; i++) {
        p[i].name[0] = lsc_strdup(m->columns[elig[cands[i].a]].name);
        p[i].name[1] = lsc_strdup(m->columns[elig[cands[i].b]].name);
        p[i].gain = cands[i].gain;
        if (p[i].name[0] == NULL || p[i].name[1] == NULL) {
            lsc_pair_picks_free(p, n);
            lsc_free(kept);
            return lsc_error_nomem(err);
        }
    }
    lsc_free(kept);
    *out = p;
    *n_out = n;
    return LSC_OK;
}

enum lsc_status lsc_pairs_choose(const struct design *d, const struct dataset *ds,
                                 const struct lsc_model *m, const size_t *col_src,
                                 const double *eta, double lambda, size_t k,
                                 struct lsc_pair_pick **out, size_t *n_out,
                                 struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t ne = 0, nc = 0;
    size_t *elig = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *elig);
    struct side *sides = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *sides);
    uint8_t *grp = NULL;
    struct cand *cands = NULL;
    *out = NULL;
    *n_out = 0;
    if (elig == NULL || sides == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < m->n_columns && st == LSC_OK; j++)
        if (side_of(&m->columns[j], &sides[ne], &st, err))
            elig[ne++] = j;
    if (st != LSC_OK || ne < 2)
        goto cleanup;
    grp = lsc_malloc((d->n ? d->n : 1) * ne);
    if (grp == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = row_groups(d, ds, m, col_src, elig, sides, ne, grp, err)) != LSC_OK ||
        (st = rank_pairs(d, grp, ne, sides, eta, lambda, &cands, &nc, err)) != LSC_OK)
        goto cleanup;
    st = picks_from(m, elig, cands, nc, k, out, n_out, err);
cleanup:
    for (size_t e = 0; sides != NULL && e < ne; e++)
        lsc_free(sides[e].group);
    lsc_free(sides);
    lsc_free(elig);
    lsc_free(grp);
    lsc_free(cands);
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

enum lsc_status lsc_pairs_add(struct lsc_model *m, const struct lsc_pair_pick *picks, size_t n,
                              struct lsc_error *err)
{
    struct lsc_pair *pairs = lsc_reallocarray(m->pairs, m->n_pairs + n + 1, sizeof *pairs);
    if (pairs == NULL)
        return lsc_error_nomem(err);
    m->pairs = pairs;
    for (size_t i = 0; i < n; i++) {
        size_t ja = find_column(m, picks[i].name[0]), jb = find_column(m, picks[i].name[1]);
        struct side sa, sb;
        enum lsc_status st = LSC_OK;
        if (ja == SIZE_MAX || jb == SIZE_MAX)
            continue;
        int ok = side_of(&m->columns[ja], &sa, &st, err);
        if (st == LSC_OK && ok && !side_of(&m->columns[jb], &sb, &st, err)) {
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
        const struct side *sd[2] = {&sa, &sb};
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
