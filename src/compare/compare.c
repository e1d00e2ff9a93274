/* compare - manual rule scores against the model on labelled history.
 *
 * lsc_compare_add() copies each labelled row's scores; lsc_compare_finish() runs the
 * analysis once and keeps it as a jansson tree in the documented key order
 * (docs/compare.md). The JSON writer dumps that tree and the text report
 * reads its numbers from it, so the two can never disagree.
 *
 * Methods (each stated where it is computed): AUC and DeLong covariance
 * (rankstats.c, DeLong 1988 by Sun and Xu 2014); KS; deciles, lift and gains
 * with tie groups shared out evenly (rank_gains); Spearman and Kendall tau-b;
 * the per-rule logistic regression (lsc_compare_fit_rules) and its scorecard
 * scaling (lsc_compare_scale_points).
 */
#include "compare.h"

#include <gsl/gsl_cdf.h>
#include <jansson.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "label_map.h"
#include "csv_reader.h"
#include "leadscore/score.h"
#include "linalg.h"
#include "mathfn.h"
#include "metrics.h"
#include "rankstats.h"
#include "status_internal.h"
#include "util.h"

#ifdef JSON_PRESERVE_ORDER
#define DUMP_ORDER JSON_PRESERVE_ORDER
#else
#define DUMP_ORDER 0
#endif
#define DUMP_FLAGS (JSON_INDENT(2) | JSON_REAL_PRECISION(17) | DUMP_ORDER)

#define CI_LEVEL 0.95
#define ALPHA 0.05 /* "not significant" when p >= ALPHA */
#define FIT_MAX_ITER 100
#define FIT_TOL 1e-10    /* max |gradient| / n, as the trainer's */
#define FIT_BLOCK 256    /* rows per dsyrk call */
#define MIN_BAND_ROWS 30 /* calibration bands compared in the advice */
#define N_TIERS 3

enum { TIER_HOT, TIER_WARM, TIER_COLD, TIER_NONE };
static const char *const tier_names[N_TIERS] = {"hot", "warm", "cold"};

struct lsc_compare {
    struct compare_config cfg; /* pointers lent until lsc_compare_finish() */
    size_t n_rules;            /* rules with indicators (sheet listed) */
    size_t n, cap;
    unsigned char *y;
    double *p;         /* model probability */
    int *ms;           /* model score */
    unsigned char *mt; /* model tier */
    double *r;         /* rule score */
    unsigned char *rt; /* rule tier */
    double *dims;      /* n x n_dims */
    double *units;     /* n x n_rules */
    size_t *row, *line;
    size_t *id_off; /* n x n_ids offsets into ids */
    char *ids;
    size_t ids_used, ids_cap;
    size_t skipped_label, skipped_score;
    size_t skipped_value; /* a label neither --positive nor --negative */
    int in_sample;
    char *account_counts; /* where the account counts came from, or NULL */
    json_t *json; /* the analysis, after lsc_compare_finish() */
};

/* ---- jansson --------------------------------------------------------------- */

static void *json_malloc_hook(size_t size)
{
    return lsc_malloc(size);
}
static void json_free_hook(void *ptr)
{
    lsc_free(ptr);
}
/* The same routing model_io.c installs (both end in lsc_malloc/lsc_free),
 * so a tree is freed by the allocator that made it whoever set the hooks. */
static void use_lsc_allocator(void)
{
    json_set_alloc_funcs(json_malloc_hook, json_free_hook);
}

/* A builder that remembers any failed allocation instead of checking each
 * call: the tree is discarded at the end when one failed. */
struct jb {
    int failed;
};

static json_t *jreal(double x)
{
    return isfinite(x) ? json_real(x) : json_null();
}
static json_t *jsize(size_t n)
{
    return json_integer((json_int_t)n);
}
/* A string from the user's data (names, ids): jansson refuses text that is
 * not UTF-8, so such bytes are shown escaped (\xHH) instead. */
static json_t *jstr(const char *s)
{
    char buf[4096];
    if (s == NULL)
        return json_null();
    if (lsc_utf8_valid(s, strlen(s), NULL))
        return json_string(s);
    lsc_escape_bytes(s, strlen(s), buf, sizeof buf);
    return json_string(buf);
}
static json_t *jbool(int v)
{
    return v < 0 ? json_null() : json_boolean(v);
}
static json_t *jset(struct jb *b, json_t *obj, const char *key, json_t *v)
{
    if (v == NULL || obj == NULL || json_object_set_new(obj, key, v) != 0) {
        b->failed = 1;
        return NULL;
    }
    return v;
}
static json_t *jpush(struct jb *b, json_t *arr, json_t *v)
{
    if (v == NULL || arr == NULL || json_array_append_new(arr, v) != 0) {
        b->failed = 1;
        return NULL;
    }
    return v;
}
static double jnum(const json_t *obj, const char *key)
{
    const json_t *v = json_object_get(obj, key);
    return json_is_number(v) ? json_number_value(v) : NAN;
}
static const char *jtext(const json_t *obj, const char *key)
{
    const char *s = json_string_value(json_object_get(obj, key));
    return s != NULL ? s : "";
}

/* ---- the sheet's rules ------------------------------------------------------ */

enum lsc_status lsc_compare_sheet_from_rules(const struct lsc_rules *r, struct compare_sheet *sh,
                                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules_total_info t;
    size_t n = lsc_rules_n_rules(r);
    memset(sh, 0, sizeof *sh);
    lsc_rules_total(r, &t);
    sh->has_qualified = t.has_qualified;
    sh->qualified = (double)t.qualified_cents / 100.0;
    sh->has_tiers = t.has_tiers;
    sh->hot = (double)t.hot_cents / 100.0;
    sh->warm = (double)t.warm_cents / 100.0;
    sh->rules = lsc_calloc(n ? n : 1, sizeof *sh->rules);
    if (sh->rules == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        struct lsc_rule_info info;
        struct compare_rule *ru = &sh->rules[i];
        lsc_rules_rule(r, i, &info);
        sh->n_rules++;
        ru->id = lsc_strdup(info.id);
        ru->dimension = lsc_strdup(lsc_rules_dimension_name(r, info.dimension));
        if (ru->id == NULL || ru->dimension == NULL) {
            st = lsc_error_nomem(err);
            break;
        }
        ru->points = (double)info.points_cents / 100.0;
        ru->per_unit = info.op == LSC_RULE_PER_UNIT;
    }
    return st;
}

void lsc_compare_sheet_fini(struct compare_sheet *sh)
{
    for (size_t k = 0; k < sh->n_rules; k++) {
        lsc_free(sh->rules[k].id);
        lsc_free(sh->rules[k].dimension);
    }
    lsc_free(sh->rules);
    memset(sh, 0, sizeof *sh);
}

/* ---- labels --------------------------------------------------------------- */

int lsc_compare_parse_label(const char *s, size_t len, const char *const *positive,
                            size_t n_positive)
{
    struct lsc_strings pos = {positive, n_positive};
    lsc_trim_span(&s, &len);
    if (lsc_is_na_token(s, len, NULL))
        return LSC_LABEL_MISSING;
    return lsc_label_classify(&pos, NULL, s, len, NULL);
}

/* ---- collecting rows -------------------------------------------------------- */

void lsc_compare_config_defaults(struct compare_config *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->model_tier_hot = 70.0;
    cfg->model_tier_warm = 40.0;
    cfg->model_threshold = 50.0;
    cfg->rule_tier_hot = NAN;
    cfg->rule_tier_warm = NAN;
    cfg->disagreements = 20;
    cfg->l2 = 1.0;
    cfg->model_holdout_auc = NAN;
}

void lsc_compare_set_in_sample(struct lsc_compare *c, int in_sample)
{
    c->in_sample = in_sample;
}

enum lsc_status lsc_compare_set_account_counts(struct lsc_compare *c, const char *text,
                                               struct lsc_error *err)
{
    char *copy = text != NULL ? lsc_strdup(text) : NULL;
    if (text != NULL && copy == NULL)
        return lsc_error_nomem(err);
    lsc_free(c->account_counts);
    c->account_counts = copy;
    return LSC_OK;
}

enum lsc_status lsc_compare_new(struct lsc_compare **out, const struct compare_config *cfg,
                            struct lsc_error *err)
{
    struct lsc_compare *c = lsc_calloc(1, sizeof *c);
    *out = NULL;
    if (c == NULL)
        return lsc_error_nomem(err);
    c->cfg = *cfg;
    if (cfg->rules_kind == COMPARE_RULES_SHEET && cfg->sheet != NULL)
        c->n_rules = cfg->sheet->n_rules;
    if (cfg->rules_kind != COMPARE_RULES_SHEET)
        c->cfg.n_dims = 0;
    *out = c;
    return LSC_OK;
}

void lsc_compare_free(struct lsc_compare *c)
{
    if (c == NULL)
        return;
    lsc_free(c->account_counts);
    lsc_free(c->y);
    lsc_free(c->p);
    lsc_free(c->ms);
    lsc_free(c->mt);
    lsc_free(c->r);
    lsc_free(c->rt);
    lsc_free(c->dims);
    lsc_free(c->units);
    lsc_free(c->row);
    lsc_free(c->line);
    lsc_free(c->id_off);
    lsc_free(c->ids);
    if (c->json != NULL) {
        use_lsc_allocator();
        json_decref(c->json);
    }
    lsc_free(c);
}

void lsc_compare_skip(struct lsc_compare *c, enum lsc_compare_skip why)
{
    if (why == COMPARE_SKIP_LABEL)
        c->skipped_label++;
    else if (why == COMPARE_SKIP_VALUE)
        c->skipped_value++;
    else
        c->skipped_score++;
}

static int grow(void **p, size_t count, size_t size)
{
    if (size == 0 || count == 0)
        return 1;
    void *g = lsc_reallocarray(*p, count, size);
    if (g == NULL)
        return 0;
    *p = g;
    return 1;
}

static unsigned char tier_code(const char *t)
{
    if (t == NULL)
        return TIER_NONE;
    for (unsigned char k = 0; k < N_TIERS; k++)
        if (strcmp(t, tier_names[k]) == 0)
            return k;
    return TIER_NONE;
}

static enum lsc_status grow_rows(struct lsc_compare *c, struct lsc_error *err)
{
    const struct compare_config *g = &c->cfg;
    size_t nc = c->cap ? 2 * c->cap : 1024;
    int ok = grow((void **)&c->y, nc, 1) && grow((void **)&c->row, nc, sizeof *c->row) &&
             grow((void **)&c->line, nc, sizeof *c->line);
    if (ok && g->has_model)
        ok = grow((void **)&c->p, nc, sizeof *c->p) && grow((void **)&c->ms, nc, sizeof *c->ms) &&
             grow((void **)&c->mt, nc, 1);
    if (ok && g->rules_kind != COMPARE_RULES_NONE)
        ok = grow((void **)&c->r, nc, sizeof *c->r) && grow((void **)&c->rt, nc, 1);
    if (ok && g->n_dims > 0)
        ok = nc <= SIZE_MAX / g->n_dims && grow((void **)&c->dims, nc * g->n_dims, sizeof *c->dims);
    if (ok && c->n_rules > 0)
        ok = nc <= SIZE_MAX / c->n_rules &&
             grow((void **)&c->units, nc * c->n_rules, sizeof *c->units);
    if (ok && g->n_ids > 0)
        ok = nc <= SIZE_MAX / g->n_ids &&
             grow((void **)&c->id_off, nc * g->n_ids, sizeof *c->id_off);
    if (!ok)
        return lsc_error_nomem(err);
    c->cap = nc;
    return LSC_OK;
}

enum lsc_status lsc_compare_add(struct lsc_compare *c, const struct compare_row *row,
                            struct lsc_error *err)
{
    enum lsc_status st;
    const struct compare_config *g = &c->cfg;
    if (c->n == c->cap && (st = grow_rows(c, err)) != LSC_OK)
        return st;
    size_t i = c->n;
    c->y[i] = row->y != 0;
    c->row[i] = row->row;
    c->line[i] = row->line;
    if (g->has_model) {
        c->p[i] = row->probability;
        c->ms[i] = row->model_score;
        c->mt[i] = tier_code(row->model_tier);
    }
    if (g->rules_kind != COMPARE_RULES_NONE) {
        c->r[i] = row->rule_score;
        c->rt[i] = tier_code(row->rule_tier);
    }
    for (size_t k = 0; k < g->n_dims; k++)
        c->dims[i * g->n_dims + k] = row->dim_points[k];
    if (c->n_rules > 0) {
        /* Hits list the fired rules in sheet order, then the adjustments
         * (decay, caps): walk both lists together; the first hit that names
         * no later rule starts the adjustments. A rule's units are 1 for a
         * flat rule, points / points per unit for a per-unit one. */
        const struct compare_rule *rules = g->sheet->rules;
        double *u = &c->units[i * c->n_rules];
        size_t j = 0;
        memset(u, 0, c->n_rules * sizeof *u);
        for (size_t h = 0; h < row->n_hits; h++) {
            size_t t = j;
            while (t < c->n_rules && strcmp(rules[t].id, row->hits[h].id) != 0)
                t++;
            if (t == c->n_rules)
                break;
            u[t] = rules[t].per_unit && rules[t].points != 0.0
                       ? row->hits[h].points / rules[t].points
                       : 1.0;
            j = t + 1;
        }
    }
    for (size_t k = 0; k < g->n_ids; k++) {
        size_t len = row->id_lens[k];
        if (c->ids_used + len + 1 > c->ids_cap) {
            size_t nc = c->ids_cap ? 2 * c->ids_cap : 4096;
            while (nc < c->ids_used + len + 1)
                nc *= 2;
            if (!grow((void **)&c->ids, nc, 1))
                return lsc_error_nomem(err);
            c->ids_cap = nc;
        }
        memcpy(c->ids + c->ids_used, row->ids[k], len);
        c->ids[c->ids_used + len] = '\0';
        c->id_off[i * g->n_ids + k] = c->ids_used;
        c->ids_used += len + 1;
    }
    c->n++;
    return LSC_OK;
}

/* ---- the per-rule regression ------------------------------------------------- */

static double fit_objective(const double *eta, const unsigned char *y, size_t n, const double *beta,
                            size_t p, double l2)
{
    double f = 0.0, pen = 0.0;
    for (size_t i = 0; i < n; i++)
        f += lsc_mathfn_log1pexp(eta[i]) - (y[i] ? eta[i] : 0.0);
    for (size_t j = 1; j < p; j++)
        pen += beta[j] * beta[j];
    return f + 0.5 * l2 * pen;
}

static void fit_eta(const double *u, size_t n, size_t k, const double *beta, double *eta)
{
    for (size_t i = 0; i < n; i++) {
        double e = beta[0];
        for (size_t j = 0; j < k; j++)
            e += beta[j + 1] * u[i * k + j];
        eta[i] = e;
    }
}

/* Gradient g = X'(p - y) + l2 b and Hessian H = X'WX + l2 I (no penalty on
 * the intercept; upper triangle, row-major) with X = [1, u]. X'WX is summed
 * by dsyrk over blocks of rows scaled by sqrt(w). */
static void fit_derivatives(const double *u, const unsigned char *y, size_t n, size_t k,
                            const double *beta, const double *eta, double l2, double *g, double *H,
                            double *blk)
{
    size_t p = k + 1;
    memset(g, 0, p * sizeof *g);
    memset(H, 0, p * p * sizeof *H);
    for (size_t a = 0; a < n; a += FIT_BLOCK) {
        size_t m = n - a < FIT_BLOCK ? n - a : FIT_BLOCK;
        for (size_t i = 0; i < m; i++) {
            double pr = lsc_mathfn_sigmoid(eta[a + i]);
            double r = pr - (y[a + i] ? 1.0 : 0.0), s = sqrt(pr * (1.0 - pr));
            const double *ui = &u[(a + i) * k];
            g[0] += r;
            blk[i * p] = s;
            for (size_t j = 0; j < k; j++) {
                g[j + 1] += r * ui[j];
                blk[i * p + j + 1] = s * ui[j];
            }
        }
        lsc_la_syrk_acc(blk, m, p, H);
    }
    for (size_t j = 1; j < p; j++) {
        g[j] += l2 * beta[j];
        H[j * p + j] += l2;
    }
}

/* Logistic regression of the outcome on the rules' units:
 *
 *   logit P(converted) = b0 + sum_k b_k u_k,
 *
 * u_k = 1 when flat rule k fires (0 otherwise), or the whole units a
 * per-unit rule counted. Minimises sum_i [log(1 + e^eta_i) - y_i eta_i] +
 * (l2 / 2) sum_{k>=1} b_k^2 by Newton's method: g = X'(p - y) + l2 b,
 * H = X'WX + l2 I (w_i = p_i (1 - p_i), intercept unpenalised), d solved
 * from H d = g by Cholesky (lsc_la_cholesky_solve), b <- b - t d with t halved
 * while the objective does not decrease. Start: b0 = the base-rate log-odds,
 * the rest 0. Converged when max |g| / n <= 1e-10 (at most 100 iterations).
 * The penalty keeps H positive definite when a rule never fires (its column
 * is zero and its b stays 0) or always fires, and keeps b finite when a rule
 * separates the outcome. Standard errors: sqrt(diag(H^-1)) at the estimate
 * (lsc_la_spd_inverse), the Wald statistics of the penalised fit (the Laplace
 * approximation stats.h describes; with l2 = 1 and hundreds of matched rows
 * they equal the classical ones to a few digits). */
enum lsc_status lsc_compare_fit_rules(const double *u, const unsigned char *y, size_t n, size_t k,
                                  double l2, double *beta, double *se, struct compare_fit *fit,
                                  struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t p = k + 1, npos = 0;
    double *eta = NULL, *eta2 = NULL, *g = NULL, *H = NULL, *d = NULL, *b2 = NULL, *blk = NULL;
    memset(fit, 0, sizeof *fit);
    eta = lsc_calloc(n ? n : 1, sizeof *eta);
    eta2 = lsc_calloc(n ? n : 1, sizeof *eta2);
    g = lsc_calloc(p, sizeof *g);
    d = lsc_calloc(p, sizeof *d);
    b2 = lsc_calloc(p, sizeof *b2);
    H = lsc_calloc(p * p, sizeof *H);
    blk = lsc_calloc(FIT_BLOCK * p, sizeof *blk);
    if (eta == NULL || eta2 == NULL || g == NULL || d == NULL || b2 == NULL || H == NULL ||
        blk == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        npos += y[i] != 0;
    if (npos == 0 || npos == n) {
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0, "the regression needs both outcomes");
        goto cleanup;
    }
    memset(beta, 0, p * sizeof *beta);
    beta[0] = log((double)npos / (double)(n - npos));
    fit_eta(u, n, k, beta, eta);
    double f = fit_objective(eta, y, n, beta, p, l2);
    for (;;) {
        fit_derivatives(u, y, n, k, beta, eta, l2, g, H, blk);
        double gmax = 0.0;
        for (size_t j = 0; j < p; j++)
            gmax = fmax(gmax, fabs(g[j]));
        if (gmax / (double)n <= FIT_TOL) {
            fit->converged = 1;
            break;
        }
        if (fit->iterations == FIT_MAX_ITER)
            break;
        fit->iterations++;
        memcpy(d, g, p * sizeof *d);
        if ((st = lsc_la_cholesky_solve(H, p, d, err)) != LSC_OK)
            goto cleanup;
        double t = 1.0, f2 = INFINITY;
        for (int halvings = 0; halvings < 50; halvings++, t *= 0.5) {
            for (size_t j = 0; j < p; j++)
                b2[j] = beta[j] - t * d[j];
            fit_eta(u, n, k, b2, eta2);
            f2 = fit_objective(eta2, y, n, b2, p, l2);
            if (f2 <= f)
                break;
        }
        if (!(f2 <= f))
            break; /* no decrease at machine precision: as good as it gets */
        memcpy(beta, b2, p * sizeof *beta);
        memcpy(eta, eta2, n * sizeof *eta);
        f = f2;
    }
    fit_derivatives(u, y, n, k, beta, eta, l2, g, H, blk);
    if ((st = lsc_la_spd_inverse(H, p, err)) != LSC_OK)
        goto cleanup;
    for (size_t j = 0; j < p; j++)
        se[j] = sqrt(H[j * p + j]);
cleanup:
    lsc_free(eta);
    lsc_free(eta2);
    lsc_free(g);
    lsc_free(d);
    lsc_free(b2);
    lsc_free(H);
    lsc_free(blk);
    return st;
}

/* Credit scorecards turn log-odds into points with a linear scale,
 * points = offset + factor ln(odds), factor = PDO / ln 2 where PDO is the
 * "points to double the odds" (N. Siddiqi, "Credit Risk Scorecards", Wiley
 * 2006, ch. 6). A rule's coefficient b_k (log-odds) then is worth
 * b_k factor points. The sheet fixes no PDO, so it is chosen to keep the
 * sheet's scale: the largest suggested magnitude equals the largest
 * current one. */
double lsc_compare_scale_points(const double *beta, const double *points, const int *use, size_t k,
                            double *suggested)
{
    double bmax = 0.0, pmax = 0.0;
    for (size_t j = 0; j < k; j++)
        if (use[j]) {
            bmax = fmax(bmax, fabs(beta[j]));
            pmax = fmax(pmax, fabs(points[j]));
        }
    if (!(bmax > 0.0) || !(pmax > 0.0))
        return NAN;
    double factor = pmax / bmax;
    for (size_t j = 0; j < k; j++)
        suggested[j] = beta[j] * factor;
    return factor;
}

/* ---- the analysis ------------------------------------------------------------ */

struct scoreset {
    const char *name; /* "model", "rules" or a dimension */
    const double *v;  /* n scores */
    double auc, var;
};

/* A working context: the rows, the tree being built and shared results. */
struct an {
    struct lsc_compare *c;
    struct jb b;
    json_t *root;
    size_t n, pos;
    double base;
    struct scoreset *sets; /* model, rules, dims, as present */
    size_t n_sets;
    double *cov;              /* n_sets x n_sets */
    struct rank_gains gm, gr; /* model probability, rule score */
    int has_m, has_r;
    double *dimcol; /* dims transposed: n_dims x n */
};

static json_t *discrimination(struct an *A, const struct scoreset *s, size_t j, json_t *obj,
                              struct lsc_error *err, enum lsc_status *st)
{
    double lo, hi, ks = NAN, at = NAN;
    lsc_rank_auc_ci(s->auc, A->cov[j * A->n_sets + j], CI_LEVEL, &lo, &hi);
    if (lsc_rank_ks(s->v, A->c->y, A->n, &ks, &at) != LSC_OK)
        *st = lsc_error_nomem(err);
    jset(&A->b, obj, "auc", jreal(s->auc));
    jset(&A->b, obj, "auc_ci_low", jreal(lo));
    jset(&A->b, obj, "auc_ci_high", jreal(hi));
    jset(&A->b, obj, "auc_std_error", jreal(sqrt(A->cov[j * A->n_sets + j])));
    jset(&A->b, obj, "ks", jreal(ks));
    jset(&A->b, obj, "ks_at", jreal(at));
    return obj;
}

static json_t *rate_obj(struct an *A, json_t *o, size_t count, double positives)
{
    jset(&A->b, o, "count", jsize(count));
    jset(&A->b, o, "positives", jreal(positives));
    jset(&A->b, o, "conversion_rate", jreal(count ? positives / (double)count : NAN));
    return o;
}

/* Deciles by rank: decile d holds ranks (round((d-1) n / 10), round(d n / 10)]
 * from the top; a tie group straddling a boundary is shared out evenly. */
static json_t *deciles(struct an *A, const struct rank_gains *g)
{
    json_t *arr = json_array();
    size_t prev = 0;
    for (size_t d = 1; d <= 10; d++) {
        size_t b = (d * A->n + 5) / 10;
        json_t *o = jpush(&A->b, arr, json_object());
        jset(&A->b, o, "decile", jsize(d));
        rate_obj(A, o, b - prev, lsc_rank_gains_positives(g, b) - lsc_rank_gains_positives(g, prev));
        jset(&A->b, o, "score_min", jreal(b > prev ? lsc_rank_gains_score_at(g, b) : NAN));
        jset(&A->b, o, "score_max", jreal(b > prev ? lsc_rank_gains_score_at(g, prev + 1) : NAN));
        prev = b;
    }
    return arr;
}

static json_t *tiers(struct an *A, const unsigned char *codes, double hot, double warm)
{
    size_t count[N_TIERS] = {0}, pos[N_TIERS] = {0};
    json_t *o = json_object();
    jset(&A->b, o, "hot", jreal(hot));
    jset(&A->b, o, "warm", jreal(warm));
    json_t *arr = jset(&A->b, o, "table", json_array());
    for (size_t i = 0; i < A->n; i++)
        if (codes[i] < N_TIERS) {
            count[codes[i]]++;
            pos[codes[i]] += A->c->y[i];
        }
    for (size_t t = 0; t < N_TIERS; t++) {
        json_t *e = jpush(&A->b, arr, json_object());
        jset(&A->b, e, "tier", json_string(tier_names[t]));
        rate_obj(A, e, count[t], (double)pos[t]);
    }
    return o;
}

static const size_t top_pct[] = {10, 20, 30};

static json_t *gains(struct an *A, const struct rank_gains *g)
{
    json_t *o = json_object();
    json_t *top = jset(&A->b, o, "top", json_array());
    for (size_t t = 0; t < sizeof top_pct / sizeof top_pct[0]; t++) {
        size_t k = (top_pct[t] * A->n + 50) / 100;
        double pos = lsc_rank_gains_positives(g, k);
        double rate = k ? pos / (double)k : NAN;
        json_t *e = jpush(&A->b, top, json_object());
        jset(&A->b, e, "share", jreal((double)top_pct[t] / 100.0));
        rate_obj(A, e, k, pos);
        jset(&A->b, e, "lift", jreal(rate / A->base));
        jset(&A->b, e, "capture", jreal(pos / (double)A->pos));
    }
    json_t *cum = jset(&A->b, o, "cumulative", json_array());
    for (size_t d = 1; d <= 10; d++) {
        size_t k = (d * A->n + 5) / 10;
        json_t *e = jpush(&A->b, cum, json_object());
        jset(&A->b, e, "share", jreal((double)d / 10.0));
        jset(&A->b, e, "capture", jreal(lsc_rank_gains_positives(g, k) / (double)A->pos));
    }
    return o;
}

/* Classification at "score >= cutoff". */
static json_t *passed(struct an *A, double cutoff, size_t rows, size_t positives)
{
    json_t *o = json_object();
    jset(&A->b, o, "cutoff", jreal(cutoff));
    jset(&A->b, o, "passed", jsize(rows));
    jset(&A->b, o, "share", jreal((double)rows / (double)A->n));
    jset(&A->b, o, "precision", jreal(rows ? (double)positives / (double)rows : NAN));
    jset(&A->b, o, "recall", jreal((double)positives / (double)A->pos));
    return o;
}

/* The other score's cut-off passing the same number k of leads: its k-th
 * highest value (with ties, every lead at that value passes). */
static json_t *same_volume(struct an *A, const struct rank_gains *g, size_t k, int model)
{
    if (k == 0)
        return json_null();
    double t = lsc_rank_gains_score_at(g, k);
    size_t rows, pos;
    lsc_rank_gains_at_least(g, t, &rows, &pos);
    json_t *o = passed(A, t, rows, pos);
    if (model)
        jset(&A->b, o, "score_cutoff", jsize((size_t)lsc_score_from_probability(t)));
    return o;
}

static json_t *threshold(struct an *A)
{
    const struct lsc_compare *c = A->c;
    const struct compare_sheet *sh = c->cfg.sheet;
    json_t *o = json_object();
    size_t k_rules = 0, k_model = 0;
    int has_q = A->has_r && sh != NULL && sh->has_qualified;
    if (has_q) {
        size_t rows, pos;
        lsc_rank_gains_at_least(&A->gr, sh->qualified, &rows, &pos);
        k_rules = rows;
        jset(&A->b, o, "rules", passed(A, sh->qualified, rows, pos));
    } else {
        jset(&A->b, o, "rules", json_null());
    }
    jset(&A->b, o, "model_same_volume",
         has_q && A->has_m ? same_volume(A, &A->gm, k_rules, 1) : json_null());
    if (A->has_m) {
        size_t rows = 0, pos = 0;
        for (size_t i = 0; i < A->n; i++)
            if ((double)c->ms[i] >= c->cfg.model_threshold) {
                rows++;
                pos += c->y[i];
            }
        k_model = rows;
        jset(&A->b, o, "model", passed(A, c->cfg.model_threshold, rows, pos));
    } else {
        jset(&A->b, o, "model", json_null());
    }
    jset(&A->b, o, "rules_same_volume",
         A->has_m && A->has_r ? same_volume(A, &A->gr, k_model, 0) : json_null());
    return o;
}

/* Observed conversion per rule-score band: [low, low + w), w = 10 points
 * (times a power of ten when the scores span more than 500 points), from
 * the band holding the lowest score; the last band also holds its upper
 * end, so a score at the sheet's maximum (100) joins 90-100. */
static json_t *calibration(struct an *A)
{
    const struct lsc_compare *c = A->c;
    double lo = INFINITY, hi = -INFINITY, w = 10.0;
    for (size_t i = 0; i < A->n; i++) {
        lo = fmin(lo, c->r[i]);
        hi = fmax(hi, c->r[i]);
    }
    while ((hi - lo) / w > 50.0)
        w *= 10.0;
    lo = floor(lo / w) * w;
    size_t nb = hi > lo ? (size_t)ceil((hi - lo) / w) : 1;
    size_t *count = lsc_calloc(nb, sizeof *count), *pos = lsc_calloc(nb, sizeof *pos);
    double *psum = lsc_calloc(nb, sizeof *psum);
    json_t *arr = NULL;
    if (count == NULL || pos == NULL || psum == NULL) {
        A->b.failed = 1;
        goto cleanup;
    }
    for (size_t i = 0; i < A->n; i++) {
        double f = floor((c->r[i] - lo) / w);
        size_t b = f < 0.0 ? 0 : (size_t)f;
        if (b >= nb)
            b = nb - 1;
        count[b]++;
        pos[b] += c->y[i];
        if (A->has_m)
            psum[b] += c->p[i];
    }
    arr = json_array();
    for (size_t b = 0; b < nb; b++) {
        json_t *e = jpush(&A->b, arr, json_object());
        jset(&A->b, e, "band_low", jreal(lo + (double)b * w));
        jset(&A->b, e, "band_high", jreal(lo + (double)(b + 1) * w));
        rate_obj(A, e, count[b], (double)pos[b]);
        jset(&A->b, e, "mean_model_probability",
             jreal(A->has_m && count[b] ? psum[b] / (double)count[b] : NAN));
    }
cleanup:
    lsc_free(count);
    lsc_free(pos);
    lsc_free(psum);
    return arr;
}

struct gap {
    double d;
    size_t i;
};

static int by_gap(const void *a, const void *b)
{
    const struct gap *x = a, *z = b;
    if (x->d != z->d)
        return (x->d < z->d) - (x->d > z->d);
    return (x->i > z->i) - (x->i < z->i);
}

/* Disagreement of lead i: |model percentile - rule percentile|, each the
 * lead's midrank (ascending, ties averaged) as (rank - 1/2) / n. */
static json_t *agreement(struct an *A, struct lsc_error *err, enum lsc_status *st)
{
    const struct lsc_compare *c = A->c;
    size_t n = A->n;
    double rho = NAN, tau = NAN;
    double *rm = lsc_calloc(n, sizeof *rm), *rr = lsc_calloc(n, sizeof *rr);
    struct gap *gaps = lsc_calloc(n, sizeof *gaps);
    json_t *o = json_object();
    if (rm == NULL || rr == NULL || gaps == NULL || lsc_rank_spearman(c->p, c->r, n, &rho) != LSC_OK ||
        lsc_rank_kendall_tau_b(c->p, c->r, n, &tau) != LSC_OK || lsc_rank_midranks(c->p, n, rm) != LSC_OK ||
        lsc_rank_midranks(c->r, n, rr) != LSC_OK) {
        *st = lsc_error_nomem(err);
        goto cleanup;
    }
    jset(&A->b, o, "spearman", jreal(rho));
    jset(&A->b, o, "kendall_tau_b", jreal(tau));
    if (c->cfg.rule_tiers) {
        size_t cnt[N_TIERS][N_TIERS] = {{0}}, pos[N_TIERS][N_TIERS] = {{0}};
        for (size_t i = 0; i < n; i++)
            if (c->rt[i] < N_TIERS && c->mt[i] < N_TIERS) {
                cnt[c->rt[i]][c->mt[i]]++;
                pos[c->rt[i]][c->mt[i]] += c->y[i];
            }
        json_t *arr = jset(&A->b, o, "cross_table", json_array());
        for (size_t a = 0; a < N_TIERS; a++)
            for (size_t b = 0; b < N_TIERS; b++) {
                json_t *e = jpush(&A->b, arr, json_object());
                jset(&A->b, e, "rule_tier", json_string(tier_names[a]));
                jset(&A->b, e, "model_tier", json_string(tier_names[b]));
                rate_obj(A, e, cnt[a][b], (double)pos[a][b]);
            }
    } else {
        jset(&A->b, o, "cross_table", json_null());
    }
    double dn = (double)n;
    for (size_t i = 0; i < n; i++) {
        gaps[i].d = fabs((rm[i] - 0.5) / dn - (rr[i] - 0.5) / dn);
        gaps[i].i = i;
    }
    qsort(gaps, n, sizeof *gaps, by_gap);
    json_t *idn = jset(&A->b, o, "id_columns", json_array());
    for (size_t k = 0; k < c->cfg.n_ids; k++)
        jpush(&A->b, idn, jstr(c->cfg.id_names[k]));
    json_t *arr = jset(&A->b, o, "disagreements", json_array());
    for (size_t t = 0; t < c->cfg.disagreements && t < n; t++) {
        size_t i = gaps[t].i;
        json_t *e = jpush(&A->b, arr, json_object());
        jset(&A->b, e, "row", jsize(c->row[i]));
        jset(&A->b, e, "line", jsize(c->line[i]));
        json_t *ids = jset(&A->b, e, "ids", json_array());
        for (size_t k = 0; k < c->cfg.n_ids; k++) {
            jpush(&A->b, ids, jstr(c->ids + c->id_off[i * c->cfg.n_ids + k]));
        }
        double pm = (rm[i] - 0.5) / dn, pr = (rr[i] - 0.5) / dn;
        jset(&A->b, e, "probability", jreal(c->p[i]));
        jset(&A->b, e, "model_score", jsize((size_t)c->ms[i]));
        jset(&A->b, e, "rule_score", jreal(c->r[i]));
        jset(&A->b, e, "model_percentile", jreal(pm));
        jset(&A->b, e, "rule_percentile", jreal(pr));
        jset(&A->b, e, "disagreement", jreal(gaps[t].d));
        jset(&A->b, e, "converted", jsize(c->y[i]));
        jset(&A->b, e, "higher", json_string(pm > pr ? "model" : "rules"));
    }
cleanup:
    lsc_free(rm);
    lsc_free(rr);
    lsc_free(gaps);
    return o;
}

static json_t *rules_validation(struct an *A, json_t *rules_obj, struct lsc_error *err,
                                enum lsc_status *st)
{
    const struct lsc_compare *c = A->c;
    size_t n = A->n, k = c->n_rules;
    const struct compare_rule *ru = k ? c->cfg.sheet->rules : NULL;
    json_t *arr = json_array();
    size_t *sup = lsc_calloc(k ? k : 1, sizeof *sup), *spos = lsc_calloc(k ? k : 1, sizeof *spos);
    double *beta = lsc_calloc(k + 1, sizeof *beta), *se = lsc_calloc(k + 1, sizeof *se);
    double *pts = lsc_calloc(k ? k : 1, sizeof *pts), *sug = lsc_calloc(k ? k : 1, sizeof *sug);
    int *use = lsc_calloc(k ? k : 1, sizeof *use);
    struct compare_fit fit;
    if (sup == NULL || spos == NULL || beta == NULL || se == NULL || pts == NULL || sug == NULL ||
        use == NULL) {
        *st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (k == 0) {
        if (rules_obj != NULL)
            jset(&A->b, rules_obj, "regression", json_null());
        goto cleanup;
    }
    for (size_t i = 0; i < n; i++)
        for (size_t j = 0; j < k; j++)
            if (c->units[i * k + j] != 0.0) {
                sup[j]++;
                spos[j] += c->y[i];
            }
    if ((*st = lsc_compare_fit_rules(c->units, c->y, n, k, c->cfg.l2, beta, se, &fit, err)) != LSC_OK)
        goto cleanup;
    for (size_t j = 0; j < k; j++) {
        pts[j] = ru[j].points;
        use[j] = sup[j] > 0;
        sug[j] = NAN;
    }
    double factor = lsc_compare_scale_points(beta + 1, pts, use, k, sug);
    json_t *reg = jset(&A->b, rules_obj, "regression", json_object());
    jset(&A->b, reg, "l2", jreal(c->cfg.l2));
    jset(&A->b, reg, "intercept", jreal(beta[0]));
    jset(&A->b, reg, "iterations", jsize(fit.iterations));
    jset(&A->b, reg, "converged", json_boolean(fit.converged));
    jset(&A->b, reg, "points_per_log_odds", jreal(factor));
    jset(&A->b, reg, "points_to_double_odds", jreal(factor * log(2.0)));
    for (size_t j = 0; j < k; j++) {
        json_t *e = jpush(&A->b, arr, json_object());
        int fires = sup[j] > 0, always = sup[j] == n;
        double rm = fires ? (double)spos[j] / (double)sup[j] : NAN;
        double ru_rate = always ? NAN : (double)(A->pos - spos[j]) / (double)(n - sup[j]);
        double z = beta[j + 1] / se[j + 1];
        double pv = fires ? 2.0 * gsl_cdf_ugaussian_Q(fabs(z)) : NAN;
        int agrees = -1;
        if (fires && pts[j] != 0.0 && beta[j + 1] != 0.0)
            agrees = (beta[j + 1] > 0.0) == (pts[j] > 0.0);
        jset(&A->b, e, "rule", jstr(ru[j].id));
        jset(&A->b, e, "dimension", jstr(ru[j].dimension));
        jset(&A->b, e, "per_unit", json_boolean(ru[j].per_unit));
        jset(&A->b, e, "support", jsize(sup[j]));
        jset(&A->b, e, "support_share", jreal((double)sup[j] / (double)n));
        jset(&A->b, e, "conversion_rate_matched", jreal(rm));
        jset(&A->b, e, "conversion_rate_unmatched", jreal(ru_rate));
        jset(&A->b, e, "lift", jreal(rm / A->base));
        jset(&A->b, e, "points", jreal(pts[j]));
        jset(&A->b, e, "suggested_points", jreal(fires ? sug[j] : NAN));
        jset(&A->b, e, "coefficient", jreal(fires ? beta[j + 1] : NAN));
        jset(&A->b, e, "std_error", jreal(fires ? se[j + 1] : NAN));
        jset(&A->b, e, "p_value", jreal(pv));
        jset(&A->b, e, "sign_agrees", jbool(agrees));
        json_t *flags = jset(&A->b, e, "flags", json_array());
        if (!fires)
            jpush(&A->b, flags, json_string("never fires"));
        if (always)
            jpush(&A->b, flags, json_string("always fires"));
        if (agrees == 0)
            jpush(&A->b, flags, json_string("sign contradicted"));
        if (fires && !(pv < ALPHA))
            jpush(&A->b, flags, json_string("not significant"));
    }
cleanup:
    lsc_free(sup);
    lsc_free(spos);
    lsc_free(beta);
    lsc_free(se);
    lsc_free(pts);
    lsc_free(sug);
    lsc_free(use);
    return arr;
}

/* ---- recommendations ------------------------------------------------------- */

static void fmt_p(double p, char *buf, size_t size)
{
    if (!isfinite(p))
        snprintf(buf, size, "p not available");
    else if (p < 0.001)
        snprintf(buf, size, "p < 0.001");
    else
        snprintf(buf, size, "p = %.3f", p);
}

static void fmt_pct(double x, char *buf, size_t size)
{
    if (isfinite(x))
        snprintf(buf, size, "%.1f%%", 100.0 * x);
    else
        snprintf(buf, size, "-");
}

static void advise(struct an *A, json_t *arr, const char *topic, const char *fmt, ...)
    LSC_PRINTF(4, 5);

static void advise(struct an *A, json_t *arr, const char *topic, const char *fmt, ...)
{
    char text[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    json_t *e = jpush(&A->b, arr, json_object());
    jset(&A->b, e, "topic", json_string(topic));
    jset(&A->b, e, "text", jstr(text));
}

static void fmt_points(double v, char *buf, size_t size)
{
    lsc_rules_format_points(v, 1, buf, size);
}

/* The headline: model against rules, and the in-sample warning. */
static void recommend_headline(struct an *A, json_t *arr)
{
    const json_t *root = A->root;
    const json_t *m = json_object_get(root, "model"), *r = json_object_get(root, "rules");
    const json_t *diff = json_object_get(root, "auc_difference");
    char p1[32];
    if (json_is_object(diff)) {
        double est = jnum(diff, "estimate"), pv = jnum(diff, "p_value");
        fmt_p(pv, p1, sizeof p1);
        const char *lead = !(pv < ALPHA) ? "The model and the rules rank leads about equally well"
                           : est > 0.0   ? "The model ranks leads better than the rules"
                                         : "The rules rank leads better than the model";
        advise(A, arr, "model_vs_rules",
               "%s: AUC %.3f (95%% CI %.3f-%.3f) for the model against %.3f (%.3f-%.3f) for the "
               "rules; the difference of %+.3f is %ssignificant (paired DeLong test, %s).",
               lead, jnum(m, "auc"), jnum(m, "auc_ci_low"), jnum(m, "auc_ci_high"), jnum(r, "auc"),
               jnum(r, "auc_ci_low"), jnum(r, "auc_ci_high"), est, pv < ALPHA ? "" : "not ", p1);
    }

    if (json_is_true(json_object_get(m, "in_sample"))) {
        double h = jnum(m, "holdout_auc");
        char extra[96] = "";
        if (isfinite(h))
            snprintf(extra, sizeof extra, " (its AUC on the training holdout was %.3f)", h);
        advise(A, arr, "model_vs_rules",
               "This history is the file the model was trained on (same SHA-256), so the "
               "model's figures here are in-sample and optimistic%s. Confirm on leads the "
               "model has not seen (e.g. a newer export) before relying on the comparison.",
               extra);
    }
}

/* The sheet's qualification threshold against the model at the same volume,
 * both ways round. */
static void recommend_threshold(struct an *A, json_t *arr)
{
    char a[32], b2[32], c2[32], d2[32];
    const json_t *th = json_object_get(A->root, "threshold");
    const json_t *tr = json_object_get(th, "rules"), *tm = json_object_get(th, "model_same_volume");
    if (json_is_object(tr) && json_is_object(tm)) {
        double p0 = jnum(tr, "precision"), p1v = jnum(tm, "precision");
        fmt_pct(jnum(tr, "share"), a, sizeof a);
        fmt_pct(p0, b2, sizeof b2);
        fmt_pct(jnum(tr, "recall"), c2, sizeof c2);
        fmt_pct(p1v, d2, sizeof d2);
        char rec2[32];
        fmt_pct(jnum(tm, "recall"), rec2, sizeof rec2);
        advise(A, arr, "threshold",
               "At the sheet's qualification threshold of %g points, %.0f leads (%s) go to sales; "
               "%s of them convert (precision) and they hold %s of all conversions (recall). "
               "Passing the same number of leads by the model (probability >= %.4f, score >= "
               "%.0f, %.0f leads) would %s precision to %s and recall to %s.",
               jnum(tr, "cutoff"), jnum(tr, "passed"), a, b2, c2, jnum(tm, "cutoff"),
               jnum(tm, "score_cutoff"), jnum(tm, "passed"),
               p1v > p0 ? "raise" : (p1v < p0 ? "lower" : "keep"), d2, rec2);
    }
    const json_t *tmod = json_object_get(th, "model"),
                 *trs = json_object_get(th, "rules_same_volume");
    if (json_is_object(tmod) && json_is_object(trs)) {
        fmt_pct(jnum(tmod, "precision"), a, sizeof a);
        fmt_pct(jnum(trs, "precision"), b2, sizeof b2);
        advise(A, arr, "threshold",
               "The other way round: the model's cut-off (score >= %g) passes %.0f leads at "
               "precision %s; the rules' top %.0f leads (%g points or more) convert at %s.",
               jnum(tmod, "cutoff"), jnum(tmod, "passed"), a, jnum(trs, "passed"),
               jnum(trs, "cutoff"), b2);
    }
}

/* One rule of the validation: never fires, points against the data,
 * no effect, or far from the suggested points. */
static void recommend_rule(struct an *A, json_t *arr, const json_t *e)
{
    char p1[32], a[32], b2[32];
    const char *id = jtext(e, "rule");
    double pts = jnum(e, "points"), sug = jnum(e, "suggested_points"), pv = jnum(e, "p_value");
    char cur[32], sg[32];
    fmt_points(pts, cur, sizeof cur);
    fmt_points(isfinite(sug) ? round(sug) : 0.0, sg, sizeof sg);
    fmt_p(pv, p1, sizeof p1);
    fmt_pct(jnum(e, "conversion_rate_matched"), a, sizeof a);
    fmt_pct(jnum(e, "conversion_rate_unmatched"), b2, sizeof b2);
    const char *unit = json_is_true(json_object_get(e, "per_unit")) ? " per unit" : "";
    if (jnum(e, "support") == 0.0) {
        advise(A, arr, "rule",
               "Rule %s (%s points%s) never fires on these %zu leads: check its column and "
               "values, or drop it.",
               id, cur, unit, A->n);
    } else if (json_is_false(json_object_get(e, "sign_agrees")) && pv < ALPHA) {
        double rm = jnum(e, "conversion_rate_matched"), ru = jnum(e, "conversion_rate_unmatched");
        int marginal_agrees = !isfinite(ru) || (pts > 0.0 ? rm > ru : rm < ru);
        if (marginal_agrees)
            advise(A, arr, "rule",
                   "Rule %s (%s points%s) matches leads that convert at %s against %s for "
                   "the others, but with the other rules held fixed its effect is %s (%s): "
                   "they already account for what it measures, and its points overshoot. "
                   "Drop it or re-weight it (suggested %s).",
                   id, cur, unit, a, b2, jnum(e, "coefficient") > 0.0 ? "positive" : "negative", p1,
                   sg);
        else
            advise(A, arr, "rule",
                   "Rule %s gives %s points%s, but the data says the opposite: leads it "
                   "matches convert at %s against %s for the others, and with the other "
                   "rules held fixed its effect is %s as well (%s). Reverse it (suggested %s) "
                   "or drop it.",
                   id, cur, unit, a, b2, jnum(e, "coefficient") > 0.0 ? "positive" : "negative", p1,
                   sg);
    } else if (!(pv < ALPHA)) {
        advise(A, arr, "rule",
               "Rule %s (%s points%s) has no significant effect once the other rules are "
               "accounted for (%s; %s conversion when it fires, %s otherwise): consider "
               "dropping it.",
               id, cur, unit, p1, a, b2);
    } else if (isfinite(sug) && fabs(sug - pts) >= fmax(5.0, 0.5 * fabs(pts))) {
        advise(A, arr, "rule",
               "Re-weight rule %s from %s to %s points%s: leads it matches convert at %s "
               "against %s (lift %.2f, %s).",
               id, cur, sg, unit, a, b2, jnum(e, "lift"), p1);
    }
}

/* Calibration: higher bands should convert more; an inversion between
 * neighbouring bands (of MIN_BAND_ROWS leads or more) is reported when a
 * two-proportion z-test (pooled) finds it significant. Then what the
 * qualification threshold's band converts at. */
static void recommend_calibration(struct an *A, json_t *arr)
{
    char p1[32], a[32], b2[32];
    const json_t *cal = json_object_get(A->root, "calibration");
    const json_t *tr = json_object_get(json_object_get(A->root, "threshold"), "rules");
    const json_t *prev = NULL, *e;
    size_t j;
    json_array_foreach(cal, j, e)
    {
        if (jnum(e, "count") < MIN_BAND_ROWS)
            continue;
        if (prev != NULL && jnum(e, "conversion_rate") < jnum(prev, "conversion_rate")) {
            double n1 = jnum(prev, "count"), n2 = jnum(e, "count");
            double r1 = jnum(prev, "conversion_rate"), r2 = jnum(e, "conversion_rate");
            double pool = (r1 * n1 + r2 * n2) / (n1 + n2);
            double z = (r1 - r2) / sqrt(pool * (1.0 - pool) * (1.0 / n1 + 1.0 / n2));
            double pv = 2.0 * gsl_cdf_ugaussian_Q(fabs(z));
            if (pv < ALPHA) {
                fmt_pct(r1, a, sizeof a);
                fmt_pct(r2, b2, sizeof b2);
                fmt_p(pv, p1, sizeof p1);
                advise(A, arr, "calibration",
                       "More points do not always mean more conversions: leads with %g-%g "
                       "points convert at %s, those with %g-%g points at only %s "
                       "(two-proportion test, %s).",
                       jnum(prev, "band_low"), jnum(prev, "band_high"), a, jnum(e, "band_low"),
                       jnum(e, "band_high"), b2, p1);
            }
        }
        prev = e;
    }
    if (json_is_object(tr)) {
        double q = jnum(tr, "cutoff");
        json_array_foreach(cal, j, e)
        {
            if (q >= jnum(e, "band_low") && q < jnum(e, "band_high")) {
                fmt_pct(jnum(e, "conversion_rate"), a, sizeof a);
                advise(A, arr, "calibration",
                       "What the threshold means: leads in the band of the qualification "
                       "threshold (%g points), %g-%g points, convert at %s (%.0f leads).",
                       q, jnum(e, "band_low"), jnum(e, "band_high"), a, jnum(e, "count"));
                break;
            }
        }
    }
}

static void recommend(struct an *A, json_t *arr)
{
    const json_t *rv = json_object_get(A->root, "rules_validation"), *e;
    size_t j;
    recommend_headline(A, arr);
    recommend_threshold(A, arr);
    json_array_foreach(rv, j, e)
    {
        recommend_rule(A, arr, e);
    }
    recommend_calibration(A, arr);
}

/* ---- lsc_compare_finish ---------------------------------------------------------- */

/* The score sets (model, rules, dimensions, as present), their AUCs with
 * DeLong's covariance for all of them at once, and the gains of the model
 * and the rules. */
static enum lsc_status score_sets(struct an *A, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_compare *c = A->c;
    const struct compare_config *g = &c->cfg;
    const double **vals = NULL;
    double *aucs = NULL;
    A->n_sets = (size_t)A->has_m + (size_t)A->has_r + g->n_dims;
    A->sets = lsc_calloc(A->n_sets, sizeof *A->sets);
    A->cov = lsc_calloc(A->n_sets * A->n_sets, sizeof *A->cov);
    vals = lsc_calloc(A->n_sets, sizeof *vals);
    aucs = lsc_calloc(A->n_sets, sizeof *aucs);
    if (g->n_dims > 0)
        A->dimcol = lsc_calloc(g->n_dims * A->n, sizeof *A->dimcol);
    if (A->sets == NULL || A->cov == NULL || vals == NULL || aucs == NULL ||
        (g->n_dims > 0 && A->dimcol == NULL)) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    size_t s = 0;
    if (A->has_m) {
        A->sets[s].name = "model";
        A->sets[s++].v = c->p;
    }
    if (A->has_r) {
        A->sets[s].name = "rules";
        A->sets[s++].v = c->r;
    }
    for (size_t k = 0; k < g->n_dims; k++) {
        for (size_t i = 0; i < A->n; i++)
            A->dimcol[k * A->n + i] = c->dims[i * g->n_dims + k];
        A->sets[s].name = g->dims[k];
        A->sets[s++].v = &A->dimcol[k * A->n];
    }
    for (s = 0; s < A->n_sets; s++)
        vals[s] = A->sets[s].v;
    if ((st = lsc_rank_delong(vals, A->n_sets, c->y, A->n, aucs, A->cov, err)) != LSC_OK)
        goto cleanup;
    for (s = 0; s < A->n_sets; s++) {
        A->sets[s].auc = aucs[s];
        A->sets[s].var = A->cov[s * A->n_sets + s];
    }
    if ((A->has_m && lsc_rank_gains_init(&A->gm, c->p, c->y, A->n) != LSC_OK) ||
        (A->has_r && lsc_rank_gains_init(&A->gr, c->r, c->y, A->n) != LSC_OK))
        st = lsc_error_nomem(err);
cleanup:
    lsc_free(vals);
    lsc_free(aucs);
    return st;
}

/* The "model" member: discrimination (score set 0), log-loss, Brier score,
 * mean probability and the model's settings. */
static enum lsc_status model_json(struct an *A, json_t *m, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_compare *c = A->c;
    const struct compare_config *g = &c->cfg;
    discrimination(A, &A->sets[0], 0, m, err, &st);
    /* metrics_* take y as doubles */
    double *yd = lsc_calloc(A->n, sizeof *yd);
    if (yd == NULL)
        return lsc_error_nomem(err);
    double mean = 0.0;
    for (size_t i = 0; i < A->n; i++) {
        yd[i] = c->y[i];
        mean += c->p[i];
    }
    jset(&A->b, m, "log_loss", jreal(lsc_metrics_log_loss(c->p, yd, A->n)));
    jset(&A->b, m, "brier", jreal(lsc_metrics_brier(c->p, yd, A->n)));
    jset(&A->b, m, "mean_probability", jreal(mean / (double)A->n));
    lsc_free(yd);
    jset(&A->b, m, "in_sample", json_boolean(c->in_sample));
    jset(&A->b, m, "holdout_auc", jreal(g->model_holdout_auc));
    jset(&A->b, m, "tier_hot", jreal(g->model_tier_hot));
    jset(&A->b, m, "tier_warm", jreal(g->model_tier_warm));
    return st;
}

/* The "rules" member: source and name, discrimination of the total (score
 * set s) and of each dimension (the sets after it), mean score, settings. */
/* Does a rule of the sheet add to dimension name? (Yes when the sheet is
 * not known.) */
static int dim_has_rules(const struct compare_sheet *sh, const char *name)
{
    if (sh == NULL)
        return 1;
    for (size_t k = 0; k < sh->n_rules; k++)
        if (sh->rules[k].dimension != NULL && strcmp(sh->rules[k].dimension, name) == 0)
            return 1;
    return 0;
}

static enum lsc_status rules_json(struct an *A, json_t *rules, size_t s, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_compare *c = A->c;
    const struct compare_config *g = &c->cfg;
    jset(&A->b, rules, "source",
         json_string(g->rules_kind == COMPARE_RULES_SHEET ? "sheet" : "column"));
    /* the sheet's file name without folders: the JSON does not depend on
     * where the sheet is kept */
    const char *name = g->rules_name;
    if (name != NULL && g->rules_kind == COMPARE_RULES_SHEET && strrchr(name, '/') != NULL)
        name = strrchr(name, '/') + 1;
    jset(&A->b, rules, "name", jstr(name));
    discrimination(A, &A->sets[s], s, rules, err, &st);
    s++;
    double mean = 0.0;
    for (size_t i = 0; i < A->n; i++)
        mean += c->r[i];
    jset(&A->b, rules, "mean_score", jreal(mean / (double)A->n));
    jset(&A->b, rules, "qualified",
         jreal(g->sheet != NULL && g->sheet->has_qualified ? g->sheet->qualified : NAN));
    jset(&A->b, rules, "tier_hot", jreal(g->rule_tier_hot));
    jset(&A->b, rules, "tier_warm", jreal(g->rule_tier_warm));
    json_t *dims = jset(&A->b, rules, "dimensions", json_array());
    for (size_t k = 0; k < g->n_dims; k++, s++) {
        if (!dim_has_rules(g->sheet, g->dims[k]))
            continue; /* fit or engagement in a sheet that does not use it */
        json_t *d = jpush(&A->b, dims, json_object());
        jset(&A->b, d, "dimension", jstr(g->dims[k]));
        discrimination(A, &A->sets[s], s, d, err, &st);
    }
    return st;
}

/* The paired DeLong test of the model's AUC against the rules' (sets 0
 * and 1). */
static json_t *auc_difference(struct an *A)
{
    double z, se, lo, hi;
    double est = A->sets[0].auc - A->sets[1].auc;
    double pv = lsc_rank_paired_p(A->sets[0].auc, A->sets[1].auc, A->cov[0], A->cov[A->n_sets + 1],
                                  A->cov[1], &z, &se);
    double zc = gsl_cdf_ugaussian_Pinv(0.5 + CI_LEVEL / 2.0);
    lo = est - zc * se;
    hi = est + zc * se;
    json_t *d = json_object();
    jset(&A->b, d, "estimate", jreal(est));
    jset(&A->b, d, "ci_low", jreal(lo));
    jset(&A->b, d, "ci_high", jreal(hi));
    jset(&A->b, d, "std_error", jreal(se));
    jset(&A->b, d, "z", jreal(z));
    jset(&A->b, d, "p_value", jreal(pv));
    jset(&A->b, d, "correlation", jreal(A->cov[1] / sqrt(A->cov[0] * A->cov[A->n_sets + 1])));
    return d;
}

/* Deciles, tiers, gains, threshold, calibration and agreement. */
static enum lsc_status tables_json(struct an *A, json_t *root, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct lsc_compare *c = A->c;
    const struct compare_config *g = &c->cfg;
    json_t *dec = jset(&A->b, root, "deciles", json_object());
    jset(&A->b, dec, "model", A->has_m ? deciles(A, &A->gm) : json_null());
    jset(&A->b, dec, "rules", A->has_r ? deciles(A, &A->gr) : json_null());
    json_t *tie = jset(&A->b, root, "tiers", json_object());
    jset(&A->b, tie, "model",
         A->has_m ? tiers(A, c->mt, g->model_tier_hot, g->model_tier_warm) : json_null());
    jset(&A->b, tie, "rules",
         A->has_r && g->rule_tiers ? tiers(A, c->rt, g->rule_tier_hot, g->rule_tier_warm)
                                   : json_null());
    json_t *gn = jset(&A->b, root, "gains", json_object());
    jset(&A->b, gn, "model", A->has_m ? gains(A, &A->gm) : json_null());
    jset(&A->b, gn, "rules", A->has_r ? gains(A, &A->gr) : json_null());
    jset(&A->b, root, "threshold", threshold(A));
    jset(&A->b, root, "calibration", A->has_r ? calibration(A) : json_null());
    jset(&A->b, root, "agreement", A->has_m && A->has_r ? agreement(A, err, &st) : json_null());
    return st;
}

enum lsc_status lsc_compare_finish(struct lsc_compare *c, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct compare_config *g = &c->cfg;
    struct an A;
    memset(&A, 0, sizeof A);
    A.c = c;
    A.n = c->n;
    A.has_m = g->has_model;
    A.has_r = g->rules_kind != COMPARE_RULES_NONE;
    use_lsc_allocator();
    for (size_t i = 0; i < c->n; i++)
        A.pos += c->y[i];
    if (A.pos == 0 || A.pos == c->n) {
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "label \"%s\" has only one class in the %zu compared rows (%zu "
                           "converted); two are needed%s",
                           g->label, c->n, A.pos,
                           c->skipped_label + c->skipped_score + c->skipped_value > 0
                               ? " (rows without a label or a score are not compared)"
                               : "");
        goto cleanup;
    }
    A.base = (double)A.pos / (double)A.n;
    if ((st = score_sets(&A, err)) != LSC_OK)
        goto cleanup;

    json_t *root = A.root = json_object();
    jset(&A.b, root, "rows", jsize(A.n));
    jset(&A.b, root, "positives", jsize(A.pos));
    jset(&A.b, root, "base_rate", jreal(A.base));
    jset(&A.b, root, "rows_read",
         jsize(A.n + c->skipped_label + c->skipped_score + c->skipped_value));
    jset(&A.b, root, "rows_skipped_label", jsize(c->skipped_label));
    jset(&A.b, root, "rows_skipped_score", jsize(c->skipped_score));
    jset(&A.b, root, "rows_skipped_label_value", jsize(c->skipped_value));
    jset(&A.b, root, "label", jstr(g->label));
    jset(&A.b, root, "account_counts", jstr(c->account_counts));
    jset(&A.b, root, "as_of", g->as_of[0] ? jstr(g->as_of) : json_null());
    json_t *rules = NULL;
    if (A.has_m)
        st = model_json(&A, jset(&A.b, root, "model", json_object()), err);
    else
        jset(&A.b, root, "model", json_null());
    if (st != LSC_OK)
        goto cleanup;
    if (A.has_r)
        st = rules_json(&A, rules = jset(&A.b, root, "rules", json_object()), (size_t)A.has_m, err);
    else
        jset(&A.b, root, "rules", json_null());
    if (st != LSC_OK)
        goto cleanup;
    jset(&A.b, root, "auc_difference", A.has_m && A.has_r ? auc_difference(&A) : json_null());
    if ((st = tables_json(&A, root, err)) != LSC_OK)
        goto cleanup;
    jset(&A.b, root, "rules_validation", rules_validation(&A, rules, err, &st));
    if (st != LSC_OK)
        goto cleanup;
    json_t *rec = jset(&A.b, root, "recommendations", json_array());
    if (!A.b.failed)
        recommend(&A, rec);
    if (A.b.failed) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    c->json = root;
    A.root = NULL;
cleanup:
    json_decref(A.root);
    lsc_rank_gains_fini(&A.gm);
    lsc_rank_gains_fini(&A.gr);
    lsc_free(A.sets);
    lsc_free(A.cov);
    lsc_free(A.dimcol);
    return st;
}

/* ---- output ------------------------------------------------------------------ */

static int dump_cb(const char *buf, size_t size, void *data)
{
    return fwrite(buf, 1, size, (FILE *)data) == size ? 0 : -1;
}

enum lsc_status lsc_compare_write_json(const struct lsc_compare *c, FILE *fp, struct lsc_error *err)
{
    if (c == NULL || c->json == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "no comparison to write");
    use_lsc_allocator();
    if (json_dump_callback(c->json, dump_cb, fp, DUMP_FLAGS) != 0 || putc('\n', fp) == EOF)
        return lsc_error_write(err, NULL);
    return LSC_OK;
}

const json_t *lsc_compare_data(const struct lsc_compare *c, size_t *n, const unsigned char **y,
                           const double **p, const double **r)
{
    *n = c->n;
    *y = c->y;
    *p = c->cfg.has_model ? c->p : NULL;
    *r = c->cfg.rules_kind != COMPARE_RULES_NONE ? c->r : NULL;
    return c->json;
}

const double *lsc_compare_units(const struct lsc_compare *c, const size_t **rows, size_t *k)
{
    *rows = c->row;
    *k = c->n_rules;
    return c->units;
}

enum lsc_status lsc_compare_attach(struct lsc_compare *c, const char *key, json_t *obj,
                                   struct lsc_error *err)
{
    use_lsc_allocator();
    if (c->json == NULL || json_object_set_new(c->json, key, obj) != 0)
        return lsc_error_nomem(err);
    return LSC_OK;
}

void lsc_compare_headline(const struct lsc_compare *c, struct lsc_compare_headline *h)
{
    const json_t *m = json_object_get(c->json, "model"), *r = json_object_get(c->json, "rules");
    const json_t *d = json_object_get(c->json, "auc_difference");
    memset(h, 0, sizeof *h);
    h->rows = c->n;
    h->positives = (size_t)jnum(c->json, "positives");
    h->rows_skipped_label = c->skipped_label;
    h->rows_skipped_score = c->skipped_score;
    h->rows_skipped_label_value = c->skipped_value;
    h->model_auc = jnum(m, "auc");
    h->model_auc_ci_low = jnum(m, "auc_ci_low");
    h->model_auc_ci_high = jnum(m, "auc_ci_high");
    h->rules_auc = jnum(r, "auc");
    h->rules_auc_ci_low = jnum(r, "auc_ci_low");
    h->rules_auc_ci_high = jnum(r, "auc_ci_high");
    h->auc_difference = jnum(d, "estimate");
    h->auc_difference_p_value = jnum(d, "p_value");
}

/* The text report: the JSON's numbers, laid out for people. */

static void pct(char *buf, size_t size, double x)
{
    fmt_pct(x, buf, size);
}

static void num3(char *buf, size_t size, double x)
{
    if (isfinite(x))
        snprintf(buf, size, "%.3f", x);
    else
        snprintf(buf, size, "-");
}

/* A score as the report shows it: probabilities with 3 decimals, points as
 * the sheet writes them. */
static void score_text(char *buf, size_t size, double x, int model)
{
    if (!isfinite(x))
        snprintf(buf, size, "-");
    else if (model)
        snprintf(buf, size, "%.3f", x);
    else
        lsc_rules_format_points(x, 0, buf, size);
}

static void report_discrimination(FILE *fp, const char *name, const json_t *o)
{
    char a[32], lo[32], hi[32], ks[32];
    num3(a, sizeof a, jnum(o, "auc"));
    num3(lo, sizeof lo, jnum(o, "auc_ci_low"));
    num3(hi, sizeof hi, jnum(o, "auc_ci_high"));
    num3(ks, sizeof ks, jnum(o, "ks"));
    fprintf(fp, "  %-24.24s %7s  %6s-%-6s %7s\n", name, a, lo, hi, ks);
}

static void report_tables(FILE *fp, const json_t *root)
{
    const json_t *dm = json_object_get(json_object_get(root, "deciles"), "model");
    const json_t *dr = json_object_get(json_object_get(root, "deciles"), "rules");
    char a[32], b[32], c[32], d[32], e[32], f[32];
    fprintf(fp, "\nDeciles (1 = the highest scores; ties shared out evenly)\n");
    fprintf(fp, "  %-7s %7s   %-21s %7s   %-21s %7s\n", "decile", "leads", "model scores", "conv.",
            "rule scores", "conv.");
    for (size_t k = 0; k < 10; k++) {
        const json_t *x = json_array_get(dm, k), *y = json_array_get(dr, k);
        const json_t *any = x != NULL ? x : y;
        score_text(a, sizeof a, jnum(x, "score_min"), 1);
        score_text(b, sizeof b, jnum(x, "score_max"), 1);
        pct(c, sizeof c, jnum(x, "conversion_rate"));
        score_text(d, sizeof d, jnum(y, "score_min"), 0);
        score_text(e, sizeof e, jnum(y, "score_max"), 0);
        pct(f, sizeof f, jnum(y, "conversion_rate"));
        char rx[80], ry[80];
        snprintf(rx, sizeof rx, "%s-%s", a, b);
        snprintf(ry, sizeof ry, "%s-%s", d, e);
        fprintf(fp, "  %-7zu %7.0f   %-21s %7s   %-21s %7s\n", k + 1, jnum(any, "count"),
                x ? rx : "", x ? c : "", y ? ry : "", y ? f : "");
    }

    const json_t *tiers = json_object_get(root, "tiers");
    fprintf(fp, "\nTiers           leads   conv.\n");
    const char *who[2] = {"model", "rules"};
    for (int w = 0; w < 2; w++) {
        const json_t *t = json_object_get(tiers, who[w]);
        if (!json_is_object(t))
            continue;
        size_t i;
        const json_t *row;
        json_array_foreach(json_object_get(t, "table"), i, row)
        {
            pct(a, sizeof a, jnum(row, "conversion_rate"));
            fprintf(fp, "  %-5s %-6s %8.0f %7s\n", who[w], jtext(row, "tier"), jnum(row, "count"),
                    a);
        }
    }

    const json_t *gains = json_object_get(root, "gains");
    fprintf(fp, "\nTop of the list  %-26s %s\n", "model: conv.  lift  capture",
            "rules: conv.  lift  capture");
    for (size_t k = 0; k < 3; k++) {
        const json_t *x =
            json_array_get(json_object_get(json_object_get(gains, "model"), "top"), k);
        const json_t *y =
            json_array_get(json_object_get(json_object_get(gains, "rules"), "top"), k);
        const json_t *any = x != NULL ? x : y;
        pct(a, sizeof a, jnum(x, "conversion_rate"));
        pct(b, sizeof b, jnum(x, "capture"));
        pct(c, sizeof c, jnum(y, "conversion_rate"));
        pct(d, sizeof d, jnum(y, "capture"));
        fprintf(fp, "  top %3.0f%%       %12s %5.2f %8s   %12s %5.2f %8s\n",
                100.0 * jnum(any, "share"), x ? a : "-", jnum(x, "lift"), x ? b : "-", y ? c : "-",
                jnum(y, "lift"), y ? d : "-");
    }
    fprintf(fp, "\nCumulative gains (share of all conversions in the top x%% of leads)\n  %-6s",
            "top");
    for (size_t k = 1; k <= 10; k++)
        fprintf(fp, " %6zu%%", 10 * k);
    fputc('\n', fp);
    for (int w = 0; w < 2; w++) {
        const json_t *cum = json_object_get(json_object_get(gains, who[w]), "cumulative");
        if (!json_is_array(cum))
            continue;
        fprintf(fp, "  %-6s", who[w]);
        for (size_t k = 0; k < 10; k++) {
            pct(a, sizeof a, jnum(json_array_get(cum, k), "capture"));
            fprintf(fp, " %7s", a);
        }
        fputc('\n', fp);
    }
}

static void report_pass(FILE *fp, const char *what, const json_t *o)
{
    char a[32], b[32], c[32];
    if (!json_is_object(o))
        return;
    pct(a, sizeof a, jnum(o, "share"));
    pct(b, sizeof b, jnum(o, "precision"));
    pct(c, sizeof c, jnum(o, "recall"));
    fprintf(fp, "  %-44s %7.0f %7s %9s %7s\n", what, jnum(o, "passed"), a, b, c);
}

static void report_threshold(FILE *fp, const json_t *root)
{
    const json_t *th = json_object_get(root, "threshold");
    char what[128], s[32];
    fprintf(fp, "\nThresholds, like for like                        passed   share precision  "
                "recall\n");
    const json_t *o = json_object_get(th, "rules");
    if (json_is_object(o)) {
        lsc_rules_format_points(jnum(o, "cutoff"), 0, s, sizeof s);
        snprintf(what, sizeof what, "rules >= %s points (the sheet's threshold)", s);
        report_pass(fp, what, o);
    }
    o = json_object_get(th, "model_same_volume");
    if (json_is_object(o)) {
        snprintf(what, sizeof what, "model, same volume: p >= %.4f (score %.0f)", jnum(o, "cutoff"),
                 jnum(o, "score_cutoff"));
        report_pass(fp, what, o);
    }
    o = json_object_get(th, "model");
    if (json_is_object(o)) {
        snprintf(what, sizeof what, "model score >= %g", jnum(o, "cutoff"));
        report_pass(fp, what, o);
    }
    o = json_object_get(th, "rules_same_volume");
    if (json_is_object(o)) {
        lsc_rules_format_points(jnum(o, "cutoff"), 0, s, sizeof s);
        snprintf(what, sizeof what, "rules, same volume: >= %s points", s);
        report_pass(fp, what, o);
    }
}

static void report_agreement(FILE *fp, const json_t *root)
{
    const json_t *ag = json_object_get(root, "agreement");
    char a[32], b[32], c[32];
    if (!json_is_object(ag))
        return;
    num3(a, sizeof a, jnum(ag, "spearman"));
    num3(b, sizeof b, jnum(ag, "kendall_tau_b"));
    fprintf(fp, "\nAgreement: Spearman %s, Kendall tau-b %s\n", a, b);
    const json_t *ct = json_object_get(ag, "cross_table");
    if (json_is_array(ct)) {
        fprintf(fp, "  rule tier \\ model tier  %-18s %-18s %-18s\n", "hot", "warm", "cold");
        for (size_t r = 0; r < N_TIERS; r++) {
            fprintf(fp, "  %-22s", tier_names[r]);
            for (size_t m = 0; m < N_TIERS; m++) {
                const json_t *cell = json_array_get(ct, r * N_TIERS + m);
                char cellt[48];
                pct(c, sizeof c, jnum(cell, "conversion_rate"));
                snprintf(cellt, sizeof cellt, "%.0f (%s)", jnum(cell, "count"), c);
                fprintf(fp, " %-18s", cellt);
            }
            fputc('\n', fp);
        }
        fprintf(fp, "  (leads and their conversion rate per cell)\n");
    }
    const json_t *dis = json_object_get(ag, "disagreements");
    const json_t *idc = json_object_get(ag, "id_columns");
    if (json_array_size(dis) == 0)
        return;
    fprintf(fp, "\nThe leads the two disagree on most (percentile ranks, 0-100)\n");
    fprintf(fp, "  %-38s %11s %6s %10s %6s %6s %9s\n",
            json_array_size(idc) ? json_string_value(json_array_get(idc, 0)) : "row", "probability",
            "model", "rule score", "rules", "gap", "converted");
    size_t i;
    const json_t *e;
    json_array_foreach(dis, i, e)
    {
        char id[40];
        const json_t *ids = json_object_get(e, "ids");
        if (json_array_size(ids))
            snprintf(id, sizeof id, "%s", json_string_value(json_array_get(ids, 0)));
        else
            snprintf(id, sizeof id, "row %.0f", jnum(e, "row"));
        score_text(a, sizeof a, jnum(e, "rule_score"), 0);
        fprintf(fp, "  %-38s %11.4f %6.1f %10s %6.1f %6.1f %9s\n", id, jnum(e, "probability"),
                100.0 * jnum(e, "model_percentile"), a, 100.0 * jnum(e, "rule_percentile"),
                100.0 * jnum(e, "disagreement"), jnum(e, "converted") > 0.5 ? "yes" : "no");
    }
}

static void report_rules(FILE *fp, const json_t *root)
{
    const json_t *cal = json_object_get(root, "calibration");
    const json_t *reg = json_object_get(json_object_get(root, "rules"), "regression");
    char a[32], b[32], c[32], d[80], e2[32];
    size_t i;
    const json_t *e;
    if (json_array_size(cal) > 0) {
        fprintf(fp, "\nWhat the rule score means (observed conversion per band)\n");
        fprintf(fp, "  %-13s %7s %7s %12s\n", "points", "leads", "conv.", "model mean p");
        json_array_foreach(cal, i, e)
        {
            lsc_rules_format_points(jnum(e, "band_low"), 0, a, sizeof a);
            lsc_rules_format_points(jnum(e, "band_high"), 0, b, sizeof b);
            snprintf(d, sizeof d, "%s-%s", a, b);
            pct(c, sizeof c, jnum(e, "conversion_rate"));
            pct(e2, sizeof e2, jnum(e, "mean_model_probability"));
            fprintf(fp, "  %-13s %7.0f %7s %12s\n", d, jnum(e, "count"), c, e2);
        }
    }
    const json_t *rv = json_object_get(root, "rules_validation");
    if (json_array_size(rv) == 0)
        return;
    fprintf(fp,
            "\nPer rule (suggested points: logistic regression on the rules, %.2f points "
            "double the odds)\n",
            jnum(reg, "points_to_double_odds"));
    fprintf(fp, "  %-10s %-11s %8s %8s %9s %6s %7s %9s %9s  %s\n", "rule", "dimension", "support",
            "matched", "unmatched", "lift", "points", "suggested", "p", "flags");
    json_array_foreach(rv, i, e)
    {
        char flags[128] = "";
        size_t used = 0, k;
        const json_t *f;
        json_array_foreach(json_object_get(e, "flags"), k, f)
        {
            int w = snprintf(flags + used, sizeof flags - used, "%s%s", k ? ", " : "",
                             json_string_value(f));
            if (w < 0 || (size_t)w >= sizeof flags - used)
                break;
            used += (size_t)w;
        }
        pct(a, sizeof a, jnum(e, "conversion_rate_matched"));
        pct(b, sizeof b, jnum(e, "conversion_rate_unmatched"));
        lsc_rules_format_points(jnum(e, "points"), 1, c, sizeof c);
        double sg = jnum(e, "suggested_points");
        if (isfinite(sg))
            snprintf(d, sizeof d, "%+.1f", sg);
        else
            snprintf(d, sizeof d, "-");
        double pv = jnum(e, "p_value");
        if (!isfinite(pv))
            snprintf(e2, sizeof e2, "-");
        else if (pv < 0.001)
            snprintf(e2, sizeof e2, "<0.001");
        else
            snprintf(e2, sizeof e2, "%.3f", pv);
        char lift[32];
        if (isfinite(jnum(e, "lift")))
            snprintf(lift, sizeof lift, "%.2f", jnum(e, "lift"));
        else
            snprintf(lift, sizeof lift, "-");
        fprintf(fp, "  %-10.10s %-11.11s %8.0f %8s %9s %6s %7s%s %9s %9s  %s\n", jtext(e, "rule"),
                jtext(e, "dimension"), jnum(e, "support"), a, b, lift, c,
                json_is_true(json_object_get(e, "per_unit")) ? "/u" : "  ", d, e2, flags);
    }
}

/* The suggested sheet (pipeline/suggest.c), when one was written. */
static void report_suggested(FILE *fp, const json_t *root)
{
    const json_t *s = json_object_get(root, "suggested_sheet"), *q, *e;
    char a[32], b[32], p[32];
    size_t i;
    if (!json_is_object(s))
        return;
    fmt_p(jnum(s, "p_value"), p, sizeof p);
    fprintf(fp, "\nSuggested sheet (written to %s)\n", jtext(s, "file"));
    fprintf(fp, "  %.0f rules re-weighted, %.0f kept, %.0f dropped (no significant effect or never "
                "firing)\n",
            jnum(s, "reweighted"), jnum(s, "kept"), jnum(s, "dropped"));
    fprintf(fp, "  AUC %.3f against the sheet's %.3f on the same %.0f leads (%+.3f, paired DeLong "
                "test: %s)\n",
            jnum(s, "auc"), jnum(s, "auc_sheet"), jnum(s, "rows"), jnum(s, "auc_difference"), p);
    if (json_is_object(q = json_object_get(s, "qualified"))) {
        pct(a, sizeof a, jnum(q, "precision"));
        pct(b, sizeof b, jnum(q, "sheet_precision"));
        fprintf(fp, "  qualified from %g points: %.0f leads, precision %s (the sheet from %g: %.0f "
                    "leads, %s)\n",
                jnum(q, "cutoff"), jnum(q, "passed"), a, jnum(q, "sheet_cutoff"),
                jnum(q, "sheet_passed"), b);
    }
    if (json_is_number(json_object_get(s, "hot")))
        fprintf(fp, "  tiers: hot from %g, warm from %g points (as many leads per tier as the "
                    "sheet)\n",
                jnum(s, "hot"), jnum(s, "warm"));
    json_array_foreach(json_object_get(s, "overlaps"), i, e)
        fprintf(fp, "  overlap: every lead %s matches (%.0f) also matches %s\n", jtext(e, "rule"),
                jnum(e, "support"), jtext(e, "within"));
}

enum lsc_status lsc_compare_write_report(const struct lsc_compare *c, FILE *fp,
                                         struct lsc_error *err)
{
    if (c == NULL || c->json == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "no comparison to write");
    const json_t *root = c->json;
    const json_t *m = json_object_get(root, "model"), *r = json_object_get(root, "rules");
    char a[32], b[32], lo[32], hi[32];
    pct(a, sizeof a, jnum(root, "base_rate"));
    fprintf(fp, "Rules against the model on %.0f labelled leads (\"%s\"): %.0f converted (%s)\n",
            jnum(root, "rows"), jtext(root, "label"), jnum(root, "positives"), a);
    fprintf(fp, "  rows read %.0f; not compared: %.0f without a label, %.0f without a score",
            jnum(root, "rows_read"), jnum(root, "rows_skipped_label"),
            jnum(root, "rows_skipped_score"));
    if (jnum(root, "rows_skipped_label_value") > 0)
        fprintf(fp, ", %.0f with a label neither --positive nor --negative",
                jnum(root, "rows_skipped_label_value"));
    fputc('\n', fp);

    fprintf(fp, "\nDiscrimination               AUC   95%% CI (DeLong)     KS\n");
    if (json_is_object(m))
        report_discrimination(fp, "model", m);
    if (json_is_object(r)) {
        report_discrimination(fp, "rules", r);
        size_t i;
        const json_t *d;
        json_array_foreach(json_object_get(r, "dimensions"), i, d)
        {
            char name[64];
            snprintf(name, sizeof name, "  %s points", jtext(d, "dimension"));
            report_discrimination(fp, name, d);
        }
    }
    const json_t *diff = json_object_get(root, "auc_difference");
    if (json_is_object(diff)) {
        fmt_p(jnum(diff, "p_value"), b, sizeof b);
        num3(lo, sizeof lo, jnum(diff, "ci_low"));
        num3(hi, sizeof hi, jnum(diff, "ci_high"));
        fprintf(fp, "  %-24s %+7.3f  %s to %s   paired DeLong test: %s\n", "model - rules",
                jnum(diff, "estimate"), lo, hi, b);
    }
    if (json_is_object(m))
        fprintf(fp, "  model log-loss %.4f, Brier score %.4f\n", jnum(m, "log_loss"),
                jnum(m, "brier"));

    report_tables(fp, root);
    report_threshold(fp, root);
    report_agreement(fp, root);
    report_rules(fp, root);

    const json_t *recs = json_object_get(root, "recommendations");
    if (json_array_size(recs) > 0) {
        fprintf(fp, "\nRecommendations\n");
        size_t i;
        const json_t *e;
        json_array_foreach(recs, i, e) fprintf(fp, "  - %s\n", jtext(e, "text"));
    }
    report_suggested(fp, root);
    if (ferror(fp))
        return lsc_error_write(err, NULL);
    return LSC_OK;
}
