/* suggest - the team's own rules sheet with the comparison's suggested
 * points applied (leadscore-score --write-suggested-sheet FILE).
 *
 *   plan      from the per-rule regression of the comparison: a rule without
 *             a significant effect (or that never fires) is dropped; the
 *             others get their suggested points (whole points; per-unit
 *             rules to 0.1 per unit, their caps keeping their units)
 *   rescore   a second pass over the input with the revised points
 *             (lsc_rules_set_points on the caller's sheet, restored after):
 *             the revised rule score of every compared row, caps, floors,
 *             decay and account rules included, as the sheet will score
 *   cut-offs  the qualification threshold passing as many leads as the
 *             sheet's (or, with same precision, the lowest threshold whose
 *             precision is at least the sheet's), hot and warm keeping each
 *             tier's size; the revised sheet's AUC against the sheet's on
 *             the same rows with DeLong's paired test
 *   write     the sheet rewritten (src/rules/sheet_rewrite.c) into the run's
 *             output set; the result under "suggested_sheet" in the
 *             comparison, and a note in the log
 *
 * Overlaps are named too: a rule whose matched leads all match another
 * rule (bit sets of the compared rows, so k^2 n / 64 word operations).
 */
#include "suggest.h"

#include <gsl/gsl_cdf.h>
#include <jansson.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "compare.h"
#include "rankstats.h"
#include "status_internal.h"

#define NOTE_MAX 160

struct plan {
    size_t k;
    struct lsc_sheet_edit *edits;
    char (*notes)[NOTE_MAX];
    double *old_points, *new_points; /* new: 0 for a dropped rule */
    size_t reweighted, kept, dropped;
};

static void plan_fini(struct plan *p)
{
    lsc_free(p->edits);
    lsc_free(p->notes);
    lsc_free(p->old_points);
    lsc_free(p->new_points);
}

static int has_flag(const json_t *e, const char *flag)
{
    size_t i;
    const json_t *f;
    json_array_foreach(json_object_get(e, "flags"), i, f) if (strcmp(json_string_value(f), flag) == 0)
        return 1;
    return 0;
}

static double num(const json_t *o, const char *key)
{
    const json_t *v = json_object_get(o, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* The regression's verdict on rule j (its entry e of rules_validation). */
static void plan_rule(struct plan *p, size_t j, const json_t *e)
{
    int per_unit = json_is_true(json_object_get(e, "per_unit"));
    double sug = num(e, "suggested_points"), pv = num(e, "p_value");
    double v = per_unit ? round(sug * 10.0) / 10.0 : round(sug);
    struct lsc_sheet_edit *ed = &p->edits[j];
    ed->note = p->notes[j];
    if (has_flag(e, "never fires") || has_flag(e, "not significant") || !(v != 0.0)) {
        ed->drop = 1;
        p->new_points[j] = 0.0;
        p->dropped++;
        if (has_flag(e, "never fires"))
            snprintf(p->notes[j], NOTE_MAX, "(dropped: never fires)");
        else
            snprintf(p->notes[j], NOTE_MAX, "(dropped: no significant effect, p = %.3f)", pv);
        return;
    }
    ed->points = p->new_points[j] = v;
    if (v == p->old_points[j]) {
        p->kept++;
        p->notes[j][0] = '\0';
        return;
    }
    p->reweighted++;
    char was[32];
    lsc_rules_format_points(p->old_points[j], 1, was, sizeof was);
    snprintf(p->notes[j], NOTE_MAX, "(was %s%s)", was, per_unit ? " per unit" : "");
}

static enum lsc_status plan_new(struct plan *p, const json_t *root, const struct lsc_rules *rules,
                                struct lsc_error *err)
{
    size_t i;
    const json_t *e;
    memset(p, 0, sizeof *p);
    p->k = lsc_rules_n_rules(rules);
    size_t k = p->k ? p->k : 1;
    p->edits = lsc_calloc(k, sizeof *p->edits);
    p->notes = lsc_calloc(k, sizeof *p->notes);
    p->old_points = lsc_calloc(k, sizeof *p->old_points);
    p->new_points = lsc_calloc(k, sizeof *p->new_points);
    if (p->edits == NULL || p->notes == NULL || p->old_points == NULL || p->new_points == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < p->k; j++) {
        struct lsc_rule_info info;
        lsc_rules_rule(rules, j, &info);
        p->edits[j].id = info.id;
        p->old_points[j] = p->new_points[j] = info.points;
        p->notes[j][0] = '\0';
    }
    json_array_foreach(json_object_get(root, "rules_validation"), i, e)
    {
        const char *id = json_string_value(json_object_get(e, "rule"));
        for (size_t j = 0; id != NULL && j < p->k; j++)
            if (strcmp(p->edits[j].id, id) == 0)
                plan_rule(p, j, e);
    }
    return LSC_OK;
}

/* Puts the plan's points (or, with restore, the sheet's own) into rules. */
static enum lsc_status apply(struct lsc_rules *rules, const struct plan *p, int restore,
                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    for (size_t j = 0; j < p->k && st == LSC_OK; j++)
        st = lsc_rules_set_points(rules, j, restore ? p->old_points[j] : p->new_points[j], err);
    return st;
}

/* ---- the second pass --------------------------------------------------------- */

struct collect {
    const size_t *rows; /* compared rows, ascending */
    size_t n, next;
    double *score; /* revised rule score per compared row */
};

static enum lsc_status collect_row(void *ctx, const struct lsc_scorer *s,
                                   const struct lsc_scored_row *r, struct lsc_error *err)
{
    struct collect *c = ctx;
    (void)s;
    (void)err;
    if (c->next < c->n && c->rows[c->next] == r->row)
        c->score[c->next++] = r->has_rule_score ? r->rule_score : NAN;
    return LSC_OK;
}

static enum lsc_status rescore(const struct lsc_scorer *s, struct collect *c,
                               struct lsc_error *err)
{
    struct lsc_score_options o2 = *s->o;
    struct lsc_scorer s2;
    struct lsc_score_summary sum2;
    struct lsc_row_consumer consumer = {c, NULL, collect_row};
    o2.label = NULL;
    o2.explain_rules = 0;
    o2.reasons = 0;
    memset(&s2, 0, sizeof s2);
    memset(&sum2, 0, sizeof sum2);
    enum lsc_status st = lsc_scorer_run(&s2, NULL, &o2, &consumer, 1, &sum2, err);
    lsc_scorer_fini(&s2);
    lsc_score_summary_fini(&sum2);
    if (st == LSC_OK && c->next != c->n)
        st = lsc_error_set(err, LSC_ERR_IO, s->o->input, 0, 0,
                           "the input changed between the two passes (%zu of %zu compared "
                           "rows found again)",
                           c->next, c->n);
    for (size_t i = 0; st == LSC_OK && i < c->n; i++)
        if (!isfinite(c->score[i]))
            st = lsc_error_set(err, LSC_ERR_DATA, s->o->input, 0, 0,
                               "data row %zu has no score under the suggested points", c->rows[i]);
    return st;
}

/* ---- cut-offs ------------------------------------------------------------------- */

static int by_desc(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x < y) - (x > y);
}

/* Rows with a score >= t. */
static size_t count_at_least(const double *desc, size_t n, double t)
{
    size_t lo = 0, hi = n; /* desc[0..lo) >= t, desc[hi..n) < t */
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (desc[mid] >= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The cut-off passing the number of rows closest to want (ties pass
 * together; on a draw the lower cut-off). */
static double cut_for_count(const double *desc, size_t n, size_t want)
{
    if (want == 0)
        return desc[0] + 1.0;
    if (want >= n)
        return desc[n - 1];
    double a = desc[want - 1];
    size_t above = 0;
    while (above < want && desc[above] > a)
        above++;
    size_t na = count_at_least(desc, n, a);
    if (above > 0 && want - above < na - want)
        return desc[above - 1];
    return a;
}

struct scored {
    double v;
    unsigned char y;
};

static int scored_desc(const void *a, const void *b)
{
    const struct scored *x = a, *z = b;
    return (x->v < z->v) - (x->v > z->v);
}

/* The lowest cut-off whose precision is at least target (NaN when none, or
 * without memory): one sweep down the sorted scores, tie groups whole. */
static double cut_for_precision(const double *score, const unsigned char *y, size_t n,
                                double target)
{
    double best = NAN;
    struct scored *v = lsc_calloc(n ? n : 1, sizeof *v);
    if (v == NULL)
        return NAN;
    for (size_t i = 0; i < n; i++)
        v[i] = (struct scored){score[i], y[i]};
    qsort(v, n, sizeof *v, scored_desc);
    size_t pos = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        do
            pos += v[j].y != 0;
        while (++j < n && v[j].v == v[i].v);
        if ((double)pos / (double)j >= target)
            best = v[i].v;
        i = j;
    }
    lsc_free(v);
    return best;
}

/* ---- overlaps ---------------------------------------------------------------------- */

/* Rules whose matched rows all match another rule, as {rule, within,
 * support} (identical sets once, the later rule within the earlier). */
static json_t *overlaps(const struct lsc_rules *rules, const double *units, size_t n, size_t k)
{
    size_t words = (n + 63) / 64;
    uint64_t *bits = lsc_calloc(k * words > 0 ? k * words : 1, sizeof *bits);
    size_t *support = lsc_calloc(k ? k : 1, sizeof *support);
    json_t *arr = json_array();
    for (size_t i = 0; bits != NULL && support != NULL && i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (units[i * k + j] != 0.0) {
                bits[j * words + i / 64] |= (uint64_t)1 << (i % 64);
                support[j]++;
            }
    for (size_t a = 0; bits != NULL && support != NULL && a < k; a++)
        for (size_t b = 0; support[a] > 0 && b < k; b++) {
            if (a == b || support[a] > support[b] || (support[a] == support[b] && a < b))
                continue;
            size_t w = 0;
            while (w < words && (bits[a * words + w] & ~bits[b * words + w]) == 0)
                w++;
            if (w < words)
                continue;
            struct lsc_rule_info ia, ib;
            lsc_rules_rule(rules, a, &ia);
            lsc_rules_rule(rules, b, &ib);
            json_array_append_new(arr, json_pack("{s:s, s:s, s:I}", "rule", ia.id, "within", ib.id,
                                                 "support", (json_int_t)support[a]));
        }
    lsc_free(bits);
    lsc_free(support);
    return arr;
}

/* ---- the result -------------------------------------------------------------------- */

struct outcome {
    size_t n;
    double auc[2], cov[4]; /* the sheet, the revision */
    double mean[2];
    int has_q, has_tiers;
    double q_cut, q_sheet_cut, hot, warm;
    size_t q_pass, q_sheet_pass;
    double q_prec, q_rec, q_sheet_prec, q_sheet_rec;
};

static json_t *rules_json(const struct lsc_rules *rules, const struct plan *p)
{
    json_t *arr = json_array();
    for (size_t j = 0; j < p->k; j++) {
        const struct lsc_sheet_edit *e = &p->edits[j];
        const char *action = e->drop ? "drop" : p->new_points[j] == p->old_points[j] ? "keep"
                                                                                 : "re-weight";
        json_t *np = e->drop ? json_null() : json_real(p->new_points[j]);
        (void)rules;
        json_array_append_new(arr, json_pack("{s:s, s:f, s:o, s:s, s:s}", "rule", e->id, "points",
                                             p->old_points[j], "new_points", np, "action", action,
                                             "note", p->notes[j]));
    }
    return arr;
}

static json_t *real_or_null(int has, double v)
{
    return has && isfinite(v) ? json_real(v) : json_null();
}

static json_t *result_json(const struct lsc_score_options *o, const struct lsc_rules *rules,
                           const struct plan *p, const struct outcome *r, json_t *over)
{
    double var = r->cov[0] + r->cov[3] - 2.0 * r->cov[1];
    double diff = r->auc[1] - r->auc[0];
    double pv = var > 0.0 ? 2.0 * gsl_cdf_ugaussian_Q(fabs(diff) / sqrt(var)) : NAN;
    json_t *q = json_null();
    if (r->has_q)
        q = json_pack("{s:f, s:I, s:f, s:f, s:f, s:I, s:f, s:f}", "cutoff", r->q_cut, "passed",
                      (json_int_t)r->q_pass, "precision", r->q_prec, "recall", r->q_rec,
                      "sheet_cutoff", r->q_sheet_cut, "sheet_passed", (json_int_t)r->q_sheet_pass,
                      "sheet_precision", r->q_sheet_prec, "sheet_recall", r->q_sheet_rec);
    return json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:o, s:o, s:f, s:f, s:f, s:o, s:o, s:o, "
                     "s:o, s:f, s:f}",
                     "file", o->suggested_sheet, "match",
                     o->suggested_same_precision ? "precision" : "volume", "rows",
                     (json_int_t)r->n, "reweighted", (json_int_t)p->reweighted, "kept",
                     (json_int_t)p->kept, "dropped", (json_int_t)p->dropped, "rules",
                     rules_json(rules, p), "overlaps", over, "auc", r->auc[1], "auc_sheet",
                     r->auc[0], "auc_difference", diff, "p_value", real_or_null(1, pv),
                     "qualified", q, "hot", real_or_null(r->has_tiers, r->hot), "warm",
                     real_or_null(r->has_tiers, r->warm), "mean_score", r->mean[1],
                     "sheet_mean_score", r->mean[0]);
}

/* ---- the steps ----------------------------------------------------------------------- */

static void pass_stats(const double *score, const unsigned char *y, size_t n, double cut,
                       size_t positives, size_t *pass, double *prec, double *rec)
{
    size_t k = 0, pos = 0;
    for (size_t i = 0; i < n; i++)
        if (score[i] >= cut) {
            k++;
            pos += y[i] != 0;
        }
    *pass = k;
    *prec = k ? (double)pos / (double)k : NAN;
    *rec = positives ? (double)pos / (double)positives : NAN;
}

/* The revised cut-offs (struct outcome) from the sheet's on the same rows. */
static enum lsc_status choose_cutoffs(const json_t *root, const struct lsc_score_options *o,
                                      const double *sheet, const double *rev,
                                      const unsigned char *y, size_t n, struct outcome *r,
                                      struct lsc_error *err)
{
    size_t positives = 0;
    double *desc = lsc_calloc(n ? n : 1, sizeof *desc);
    if (desc == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        desc[i] = rev[i];
        positives += y[i] != 0;
        r->mean[0] += sheet[i] / (double)n;
        r->mean[1] += rev[i] / (double)n;
    }
    qsort(desc, n, sizeof *desc, by_desc);
    const json_t *th = json_object_get(json_object_get(root, "threshold"), "rules");
    if ((r->has_q = json_is_object(th)) != 0) {
        r->q_sheet_cut = num(th, "cutoff");
        pass_stats(sheet, y, n, r->q_sheet_cut, positives, &r->q_sheet_pass, &r->q_sheet_prec,
                   &r->q_sheet_rec);
        r->q_cut = cut_for_count(desc, n, r->q_sheet_pass);
        if (o->suggested_same_precision) {
            double c = cut_for_precision(rev, y, n, r->q_sheet_prec);
            r->q_cut = isfinite(c) ? c : r->q_cut;
        }
        pass_stats(rev, y, n, r->q_cut, positives, &r->q_pass, &r->q_prec, &r->q_rec);
    }
    const json_t *tab = json_object_get(json_object_get(json_object_get(root, "tiers"), "rules"),
                                        "table");
    if ((r->has_tiers = json_array_size(tab) == 3) != 0) {
        size_t hot = (size_t)num(json_array_get(tab, 0), "count");
        size_t warm = (size_t)num(json_array_get(tab, 1), "count");
        r->hot = cut_for_count(desc, n, hot);
        r->warm = cut_for_count(desc, n, hot + warm);
    }
    lsc_free(desc);
    return LSC_OK;
}

/* The revised rule score of every compared row, and the two AUCs. */
static enum lsc_status revise(const struct lsc_scorer *s, struct lsc_compare *cmp,
                              const struct plan *p, struct collect *c, struct outcome *r,
                              struct lsc_error *err)
{
    size_t n, k;
    const unsigned char *y;
    const double *pm, *sheet;
    (void)lsc_compare_data(cmp, &n, &y, &pm, &sheet);
    (void)lsc_compare_units(cmp, &c->rows, &k);
    c->n = r->n = n;
    c->score = lsc_calloc(n ? n : 1, sizeof *c->score);
    if (c->score == NULL)
        return lsc_error_nomem(err);
    enum lsc_status st = apply(s->rules, p, 0, err);
    if (st == LSC_OK)
        st = rescore(s, c, err);
    enum lsc_status back = apply(s->rules, p, 1, err);
    if (st == LSC_OK)
        st = back;
    const double *scores[2] = {sheet, c->score};
    if (st == LSC_OK)
        st = lsc_rank_delong(scores, 2, y, n, r->auc, r->cov, err);
    return st;
}

static void log_result(const struct lsc_score_options *o, const struct plan *p,
                       const struct outcome *r, const struct lsc_log *log)
{
    char cut[32], sheet_cut[32];
    lsc_rules_format_points(r->q_cut, 0, cut, sizeof cut);
    lsc_rules_format_points(r->q_sheet_cut, 0, sheet_cut, sizeof sheet_cut);
    lsc_logf(log, LSC_LOG_NOTE,
             "suggested sheet written to %s: %zu rules re-weighted, %zu kept, %zu dropped; AUC "
             "%.3f against the sheet's %.3f on the same %zu leads",
             o->suggested_sheet, p->reweighted, p->kept, p->dropped, r->auc[1], r->auc[0], r->n);
    if (r->has_q)
        lsc_logf(log, LSC_LOG_NOTE,
                 "suggested sheet: qualified from %s points passes %zu leads at precision %.1f%% "
                 "(the sheet at %s: %zu at %.1f%%)",
                 cut, r->q_pass, 100.0 * r->q_prec, sheet_cut, r->q_sheet_pass,
                 100.0 * r->q_sheet_prec);
}

enum lsc_status lsc_suggest_sheet(const struct lsc_scorer *s, struct lsc_compare *cmp,
                                  struct lsc_output_set *outs, const struct lsc_log *log,
                                  struct lsc_error *err)
{
    const struct lsc_score_options *o = s->o;
    struct plan p;
    struct collect c = {0};
    struct outcome r;
    FILE *fp = NULL;
    size_t n, k;
    const unsigned char *y;
    const double *pm, *sheet, *units;
    memset(&r, 0, sizeof r);
    const json_t *root = lsc_compare_data(cmp, &n, &y, &pm, &sheet);
    enum lsc_status st = plan_new(&p, root, s->rules, err);
    if (st == LSC_OK)
        st = revise(s, cmp, &p, &c, &r, err);
    if (st == LSC_OK)
        st = choose_cutoffs(root, o, sheet, c.score, y, n, &r, err);
    struct lsc_sheet_cutoffs cut = {r.has_q,  r.has_tiers, r.has_tiers,         r.q_cut,
                                    r.hot,    r.warm,      s->o->decimal_comma};
    if (st == LSC_OK &&
        (st = lsc_output_set_open(outs, o->suggested_sheet, o->force, &fp, err)) == LSC_OK)
        st = lsc_rules_sheet_rewrite(o->rules_sheet, p.edits, p.k, &cut, fp, o->suggested_sheet,
                                     err);
    if (st == LSC_OK) {
        units = lsc_compare_units(cmp, &c.rows, &k);
        json_t *res = result_json(o, s->rules, &p, &r, overlaps(s->rules, units, n, k));
        st = res != NULL ? lsc_compare_attach(cmp, "suggested_sheet", res, err)
                         : lsc_error_nomem(err);
    }
    if (st == LSC_OK)
        log_result(o, &p, &r, log);
    lsc_free(c.score);
    plan_fini(&p);
    return st;
}
