/* Binned columns (--bins): bin lookup, cut choice, and the step coding of
 * the design (gradient and Hessian against finite differences of the
 * objective, so the bin-space to step-space conversion is checked). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "dataset.h"
#include "design.h"
#include "encoder.h"
#include "logreg.h"
#include "model_def.h"
#include "pairs.h"
#include "test_helpers.h"
#include "util.h"
#include "design_fixture.h"

static void bin_of(void **state)
{
    (void)state;
    const double cuts[] = {1.0, 3.0, 8.0};
    assert_int_equal(lsc_bin_of(cuts, 3, -5.0), 0);
    assert_int_equal(lsc_bin_of(cuts, 3, 0.999), 0);
    assert_int_equal(lsc_bin_of(cuts, 3, 1.0), 1);
    assert_int_equal(lsc_bin_of(cuts, 3, 2.5), 1);
    assert_int_equal(lsc_bin_of(cuts, 3, 3.0), 2);
    assert_int_equal(lsc_bin_of(cuts, 3, 8.0), 3);
    assert_int_equal(lsc_bin_of(cuts, 3, 1e300), 3);
    assert_int_equal(lsc_bin_of(cuts, 3, NAN), 0);
    assert_int_equal(lsc_bin_of(cuts, 0, 2.0), 0);
}

static void shortest(void **state)
{
    (void)state;
    char b[32];
    lsc_format_shortest(0.1, b, sizeof b);
    assert_string_equal(b, "0.1");
    lsc_format_shortest(1200.0, b, sizeof b);
    assert_string_equal(b, "1200");
    lsc_format_shortest(1.0 / 3.0, b, sizeof b);
    assert_true(strtod(b, NULL) == 1.0 / 3.0);
}

/* The fixture's data, re-encoded with bins. */
static int setup_binned(void **state)
{
    assert_int_equal(setup(state), 0);
    struct fixture *f = *state;
    struct encoder_stats es;
    struct lsc_bin_opts bo = {5, 0.05};
    lsc_design_free(&f->d);
    free(f->col_src);
    assert_int_equal(lsc_encoder_fit_binned(f->ds, NULL, f->ds->n_rows, 1, &bo, NULL, f->m,
                                            &f->col_src, &es, NULL),
                     LSC_OK);
    assert_int_equal(lsc_design_build(&f->d, f->ds, f->m, f->col_src, NULL, f->ds->n_rows, NULL),
                     LSC_OK);
    return 0;
}

/* The same, with interactions: numeric x numeric (2-D step chains) and
 * numeric x categorical. */
static int setup_pairs(void **state)
{
    assert_int_equal(setup_binned(state), 0);
    struct fixture *f = *state;
    char a[] = "visits", b[] = "minutes", c[] = "source", web[] = "Web", ads[] = "Ads";
    char *lv[] = {web, ads, NULL};
    struct lsc_pair_pick picks[2] = {{{a, b}, {NULL, NULL}, {0, 0}, 1.0, 0},
                                     {{a, c}, {NULL, lv}, {0, 2}, 1.0, 1}};
    lsc_design_free(&f->d);
    assert_int_equal(lsc_pairs_add(f->m, picks, 2, NULL), LSC_OK);
    assert_int_equal(f->m->n_pairs, 2);
    assert_true(f->m->pairs[0].n_ordered[0] >= 3 && f->m->pairs[0].n_ordered[1] >= 3);
    /* the categorical side: the named levels, in order, groups 1 and 2 */
    const struct lsc_column_enc *src = &f->m->columns[f->m->pairs[1].col[1]];
    assert_int_equal(f->m->pairs[1].n_groups[1], 3);
    for (size_t v = 0; v < src->n_levels; v++)
        assert_int_equal(f->m->pairs[1].group[1][v], strcmp(src->levels[v], "Web") == 0   ? 1
                                                     : strcmp(src->levels[v], "Ads") == 0 ? 2
                                                                                          : 0);
    assert_int_equal(lsc_design_build(&f->d, f->ds, f->m, f->col_src, NULL, f->ds->n_rows, NULL),
                     LSC_OK);
    return 0;
}

/* The view's linear predictor equals the scorer's arithmetic: bin effects
 * plus lsc_pair_effect of the row's groups. */
static void pairs_linear_matches_effects(void **state)
{
    struct fixture *f = *state;
    struct lsc_model *m = f->m;
    size_t n = f->d.n;
    double *eta = calloc(n, sizeof *eta);
    uint32_t *lev = calloc(n * m->n_columns, sizeof *lev);
    for (size_t j = 0; j < m->n_features; j++)
        m->coef[j] = 0.05 * cos(3.0 * (double)j + 1.0);
    assert_int_equal(lsc_design_linear(&f->d, m->coef, eta, NULL), LSC_OK);
    for (size_t j = 0; j < m->n_columns; j++)
        assert_int_equal(lsc_design_levels(f->ds, &m->columns[j], &f->ds->cols[f->col_src[j]],
                                           NULL, n, lev + j * n, NULL),
                         LSC_OK);
    for (size_t i = 0; i < n; i++) {
        double e = m->coef[0];
        for (size_t j = 0; j < m->n_columns; j++) {
            const struct lsc_column_enc *c = &m->columns[j];
            size_t v = lev[j * n + i];
            if (c->type == LSC_COL_BINNED)
                e += v > c->n_cuts ? m->coef[c->missing_feature] : lsc_bin_effect(m, c, v);
            else if (c->level_feature[v] != LSC_NO_FEATURE)
                e += m->coef[c->level_feature[v]];
        }
        for (size_t k = 0; k < m->n_pairs; k++) {
            const struct lsc_pair *pr = &m->pairs[k];
            e += lsc_pair_effect(m, pr, pr->group[0][lev[pr->col[0] * n + i]],
                                 pr->group[1][lev[pr->col[1] * n + i]]);
        }
        assert_true(fabs(e - eta[i]) < 1e-12);
    }
    free(eta);
    free(lev);
}

static void cuts_are_quantiles(void **state)
{
    struct fixture *f = *state;
    size_t binned = 0;
    for (size_t j = 0; j < f->m->n_columns; j++) {
        const struct lsc_column_enc *c = &f->m->columns[j];
        if (c->type != LSC_COL_BINNED)
            continue;
        binned++;
        assert_true(c->n_cuts >= 2 && c->n_cuts <= 4);
        size_t total = c->missing_count;
        for (size_t b = 0; b <= c->n_cuts; b++) {
            total += c->bin_count[b];
            /* no bin below 5% of the 400 rows' non-missing values */
            assert_true(c->bin_count[b] >= 18);
        }
        assert_int_equal(total, 400);
        for (size_t b = 1; b < c->n_cuts; b++)
            assert_true(c->cuts[b] > c->cuts[b - 1]);
        /* steps are named by their cut */
        char name[64];
        char num[32];
        lsc_format_shortest(c->cuts[0], num, sizeof num);
        snprintf(name, sizeof name, "%s>=%s", c->name, num);
        assert_string_equal(f->m->feature_names[c->bin_feature[0]], name);
    }
    assert_int_equal(binned, 2);
}

/* A warehouse's summaries with the cuts and counts (train_pg.c) give the
 * binned columns lsc_encoder_fit_binned gave on the rows: the same cuts,
 * counts, missing bin and step features; a column without cuts stays
 * linear. And a rows-less view of the steps (lsc_design_steps_only)
 * converts as the design does. */
static void summaries_bin_as_rows(void **state)
{
    struct fixture *f = *state;
    struct lsc_col_summary cs[3];
    size_t n = 0;
    memset(cs, 0, sizeof cs);
    for (size_t j = 0; j < f->m->n_columns; j++) {
        const struct lsc_column_enc *c = &f->m->columns[j];
        if (c->type != LSC_COL_BINNED)
            continue;
        cs[n] = (struct lsc_col_summary){.name = c->name,
                                         .numeric = 1,
                                         .rows = 400,
                                         .missing = c->missing_count,
                                         .lo = c->cuts[0] - 1.0,
                                         .hi = c->cuts[c->n_cuts - 1] + 1.0,
                                         .median = c->median,
                                         .mean = c->mean,
                                         .sd = c->sd,
                                         .n_cuts = c->n_cuts,
                                         .cuts = c->cuts,
                                         .bin_count = c->bin_count};
        n++;
    }
    assert_int_equal(n, 2);
    cs[2] = cs[0];
    cs[2].name = "flat";
    cs[2].n_cuts = 0;
    struct lsc_bin_opts bo = {5, 0.05};
    struct encoder_stats es;
    struct lsc_model *m = lsc_model_new();
    assert_int_equal(lsc_encoder_fit_summaries(cs, 3, 1, &bo, "summaries", NULL, m, &es, NULL),
                     LSC_OK);
    assert_int_equal(m->n_columns, 3);
    for (size_t k = 0; k < 2; k++) {
        const struct lsc_column_enc *b = &m->columns[k], *a = NULL;
        for (size_t j = 0; j < f->m->n_columns; j++)
            if (strcmp(f->m->columns[j].name, b->name) == 0)
                a = &f->m->columns[j];
        assert_non_null(a);
        assert_int_equal(b->type, LSC_COL_BINNED);
        assert_int_equal(b->n_cuts, a->n_cuts);
        assert_memory_equal(b->cuts, a->cuts, a->n_cuts * sizeof *a->cuts);
        assert_memory_equal(b->bin_count, a->bin_count, (a->n_cuts + 1) * sizeof *a->bin_count);
        assert_int_equal(b->missing_count, a->missing_count);
        assert_int_equal(b->missing_feature == LSC_NO_FEATURE,
                         a->missing_feature == LSC_NO_FEATURE);
        for (size_t s = 0; s < a->n_cuts; s++)
            assert_string_equal(m->feature_names[b->bin_feature[s]],
                                f->m->feature_names[a->bin_feature[s]]);
    }
    assert_int_equal(m->columns[2].type, LSC_COL_NUMERIC);
    lsc_model_free(m);

    struct design st;
    double beta[64], want[64], got[64];
    assert_true(f->d.p <= 64);
    assert_int_equal(lsc_design_steps_only(&st, f->m, NULL), LSC_OK);
    assert_int_equal(st.ns, f->d.ns);
    for (size_t j = 0; j < f->d.p; j++)
        beta[j] = 0.25 * (double)j - 1.0;
    lsc_design_steps_to_bins(&f->d, beta, want);
    lsc_design_steps_to_bins(&st, beta, got);
    assert_memory_equal(got, want, f->d.p * sizeof *got);
    lsc_design_to_steps(&f->d, want, NULL);
    lsc_design_to_steps(&st, got, NULL);
    assert_memory_equal(got, want, f->d.p * sizeof *got);
    lsc_design_free(&st);
}

static double objective(const struct fixture *f, const double *beta, double l2)
{
    double *eta = calloc(f->d.n, sizeof *eta), loss = 0.0, pen = 0.0;
    assert_int_equal(lsc_design_linear_loss(&f->d, beta, eta, &loss, NULL), LSC_OK);
    free(eta);
    for (size_t j = 1; j < f->d.p; j++)
        pen += beta[j] * beta[j];
    return loss + 0.5 * l2 * pen;
}

/* The sweep the encoder made before the cuts came in rounds (2026-12-06):
 * the values below each cut, in order. */
static size_t sweep_cuts(const size_t *count, size_t nv, size_t k, size_t nbins, size_t min_count,
                         size_t *below_at)
{
    size_t ncut = 0, cum = 0, last = 0, next = 1;
    for (size_t i = 0; i < nv; i++) {
        double target = (double)k * (double)next / (double)nbins;
        if (i > 0 && next < nbins && (double)cum >= target && cum - last >= min_count &&
            k - cum >= min_count) {
            below_at[ncut++] = cum;
            last = cum;
            while (next < nbins && (double)cum >= (double)k * (double)next / (double)nbins)
                next++;
        }
        cum += count[i];
    }
    return ncut;
}

/* The rounds (lsc_cut_rounds, as a warehouse answers them: each round
 * from the first value again) cut where the sweep cut, between the same
 * two values, on skewed counts with many ties. */
static void cut_rounds_match_sweep(void **state)
{
    (void)state;
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    size_t count[60], want[20];
    double value[60], cuts[20];
    for (int trial = 0; trial < 2000; trial++) {
        size_t nv = 1 + gsl_rng_uniform_int(rng, 60), k = 0;
        for (size_t i = 0; i < nv; i++) {
            int heavy = gsl_rng_uniform(rng) < 0.1;
            count[i] = 1 + gsl_rng_uniform_int(rng, heavy ? 400 : 5);
            value[i] = (double)i * 1.5 - 10.0;
            k += count[i];
        }
        struct lsc_bin_opts bo = {2 + gsl_rng_uniform_int(rng, 11),
                                  gsl_rng_uniform(rng) < 0.3 ? 0.0 : gsl_rng_uniform(rng) * 0.2};
        size_t min_count = (size_t)ceil(bo.min_share * (double)k);
        size_t nwant = sweep_cuts(count, nv, k, bo.bins, min_count ? min_count : 1, want);
        struct lsc_cut_rounds cr;
        size_t ncut = 0, t;
        lsc_cut_rounds_begin(&cr, k, &bo);
        while ((t = lsc_cut_rounds_threshold(&cr)) != SIZE_MAX) {
            size_t i = 0, below = 0;
            while (i < nv && below < t)
                below += count[i++];
            int found = i < nv;
            size_t before = ncut;
            if (!lsc_cut_rounds_take(&cr, found, below, found ? value[i - 1] : 0.0,
                                     found ? value[i] : 0.0, cuts, &ncut))
                break;
            assert_true(ncut == before + 1 && ncut <= nwant);
            assert_int_equal(below, want[ncut - 1]);
            assert_true(cuts[ncut - 1] > value[i - 1] && cuts[ncut - 1] <= value[i]);
        }
        assert_int_equal(ncut, nwant);
    }
    gsl_rng_free(rng);
}

static void derivatives_match_differences(void **state)
{
    struct fixture *f = *state;
    size_t p = f->d.p;
    double *beta = calloc(p, sizeof *beta), *g = calloc(p, sizeof *g);
    double *H = calloc(p * p, sizeof *H), *eta = calloc(f->d.n, sizeof *eta);
    double *bp = calloc(p, sizeof *bp), *gp = calloc(p, sizeof *gp);
    for (size_t j = 0; j < p; j++)
        beta[j] = 0.1 * sin((double)j + 1.0);
    assert_int_equal(lsc_design_linear(&f->d, beta, eta, NULL), LSC_OK);
    assert_int_equal(lsc_logreg_derivatives(&f->d, beta, eta, 0.5, NULL, g, H, NULL), LSC_OK);
    const double h = 1e-6;
    for (size_t j = 0; j < p; j++) {
        memcpy(bp, beta, p * sizeof *bp);
        bp[j] += h;
        double fp = objective(f, bp, 0.5);
        bp[j] -= 2 * h;
        double fm = objective(f, bp, 0.5);
        assert_true(fabs((fp - fm) / (2 * h) - g[j]) < 1e-5 * (1.0 + fabs(g[j])));
        /* Hessian column j: the difference of gradients */
        bp[j] = beta[j] + h;
        assert_int_equal(lsc_design_linear(&f->d, bp, eta, NULL), LSC_OK);
        assert_int_equal(lsc_logreg_derivatives(&f->d, bp, eta, 0.5, NULL, gp, NULL, NULL), LSC_OK);
        for (size_t i = 0; i < p; i++)
            assert_true(fabs((gp[i] - g[i]) / h - H[i * p + j]) < 1e-3 * (1.0 + fabs(H[i * p + j])));
    }
    free(beta);
    free(g);
    free(H);
    free(eta);
    free(bp);
    free(gp);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bin_of),
        cmocka_unit_test(shortest),
        cmocka_unit_test(cut_rounds_match_sweep),
        cmocka_unit_test_setup_teardown(cuts_are_quantiles, setup_binned, teardown),
        cmocka_unit_test_setup_teardown(summaries_bin_as_rows, setup_binned, teardown),
        cmocka_unit_test_setup_teardown(derivatives_match_differences, setup_binned, teardown),
        cmocka_unit_test_setup_teardown(derivatives_match_differences, setup_pairs, teardown),
        cmocka_unit_test_setup_teardown(pairs_linear_matches_effects, setup_pairs, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
