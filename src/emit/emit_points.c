/* A binned model as a points sheet (leadscore/emit.h, docs/points.md).
 *
 * Points are round(factor x log-odds) with factor = pdo / ln 2. A binned
 * column's bins are rounded as a whole and written as steps ("Total Visits
 * >= 5: +12" on top of the bins below), so a lead's points for the column
 * are its bin's rounded points exactly; an interaction's cells likewise,
 * as rules with an and-condition. The intercept is not a rule: it stays in
 * the mapping from total points to predicted conversion (the summary).
 */
#include "leadscore/emit.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "model_def.h"
#include "status_internal.h"
#include "util.h"

#define DIMENSION "learned"

void lsc_points_options_defaults(struct lsc_points_options *o)
{
    memset(o, 0, sizeof *o);
    o->pdo = 20.0;
    o->qualify = 0.5;
}

double lsc_points_probability(const struct lsc_points_summary *sum, double s)
{
    double e = sum->intercept + s / sum->factor;
    return e >= 0 ? 1.0 / (1.0 + exp(-e)) : exp(e) / (1.0 + exp(e));
}

struct sheet {
    FILE *fp;
    const struct lsc_model *m;
    double factor;
    int pairs;     /* the and-columns are written */
    size_t rules;
};

/* A side of an interaction rule, or the only condition of a main rule. */
struct cond {
    const char *column, *op;
    char value[64];
    const char *text; /* the value when it is a level (else value) */
};

static long points_of(const struct sheet *sh, double logodds)
{
    return lround(sh->factor * logodds);
}

static void field(FILE *fp, const char *s, int last)
{
    lsc_csv_put_field(fp, s, strlen(s));
    fputc(last ? '\n' : ',', fp);
}

static void put_rule(struct sheet *sh, const char *id, const struct cond *a, const struct cond *b,
                     long points, const char *desc)
{
    char num[32];
    if (points == 0)
        return;
    snprintf(num, sizeof num, "%+ld", points);
    field(sh->fp, id, 0);
    field(sh->fp, DIMENSION, 0);
    field(sh->fp, a->column, 0);
    field(sh->fp, a->op, 0);
    field(sh->fp, a->text ? a->text : a->value, 0);
    field(sh->fp, num, 0);
    field(sh->fp, "", 0);
    field(sh->fp, desc, !sh->pairs);
    if (sh->pairs) {
        field(sh->fp, b ? b->column : "", 0);
        field(sh->fp, b ? b->op : "", 0);
        field(sh->fp, b ? (b->text ? b->text : b->value) : "", 1);
    }
    sh->rules++;
}

static void step_cond(const struct lsc_column_enc *c, size_t bin, struct cond *out)
{
    out->column = c->name;
    out->op = ">=";
    out->text = NULL;
    lsc_format_shortest(c->cuts[bin - 1], out->value, sizeof out->value);
}

static void missing_cond(const struct lsc_column_enc *c, struct cond *out)
{
    out->column = c->name;
    out->op = "is missing";
    out->text = NULL;
    out->value[0] = '\0';
}

/* Bin b's points are round(factor x its log-odds); step b adds the
 * difference to bin b - 1's. */
static void binned_rules(struct sheet *sh, size_t j)
{
    const struct lsc_column_enc *c = &sh->m->columns[j];
    struct cond a;
    char id[48], desc[160];
    long prev = 0;
    for (size_t b = 1; b <= c->n_cuts; b++) {
        long p = points_of(sh, lsc_bin_effect(sh->m, c, b));
        step_cond(c, b, &a);
        snprintf(id, sizeof id, "C%zu.%zu", j + 1, b);
        snprintf(desc, sizeof desc, "%s from %s: %ld points in all", c->name, a.value, p);
        put_rule(sh, id, &a, NULL, p - prev, desc);
        prev = p;
    }
    /* missing: its own bin, or (without one in training) the median's */
    size_t lv = lsc_binned_level(c, NAN);
    long p = lv > c->n_cuts ? points_of(sh, sh->m->coef[c->missing_feature])
                            : points_of(sh, lsc_bin_effect(sh->m, c, lv));
    missing_cond(c, &a);
    snprintf(id, sizeof id, "C%zu.missing", j + 1);
    snprintf(desc, sizeof desc, "%s missing", c->name);
    put_rule(sh, id, &a, NULL, p, desc);
}

static int is_special(const struct lsc_column_enc *c, size_t k)
{
    return k == c->other || k == c->missing;
}

static double level_logodds(const struct lsc_model *m, const struct lsc_column_enc *c, size_t k)
{
    return c->level_feature[k] == LSC_NO_FEATURE ? 0.0 : m->coef[c->level_feature[k]];
}

/* "A;B;C": every named level, for the "(other)" rule. */
static char *known_levels(const struct lsc_column_enc *c)
{
    size_t n = 1;
    for (size_t k = 0; k < c->n_levels; k++)
        n += strlen(c->levels[k]) + 1;
    char *s = lsc_malloc(n), *p = s;
    if (s == NULL)
        return NULL;
    for (size_t k = 0; k < c->n_levels; k++) {
        if (is_special(c, k))
            continue;
        size_t len = strlen(c->levels[k]);
        if (p != s)
            *p++ = ';';
        memcpy(p, c->levels[k], len);
        p += len;
    }
    *p = '\0';
    return s;
}

static enum lsc_status categorical_rules(struct sheet *sh, size_t j, struct lsc_error *err)
{
    const struct lsc_column_enc *c = &sh->m->columns[j];
    struct cond a = {c->name, "equals", "", NULL};
    char id[48], desc[160];
    for (size_t k = 0; k < c->n_levels; k++) {
        if (is_special(c, k))
            continue;
        a.text = c->levels[k];
        snprintf(id, sizeof id, "C%zu.%zu", j + 1, k + 1);
        snprintf(desc, sizeof desc, "%s: %s", c->name, c->levels[k]);
        put_rule(sh, id, &a, NULL, points_of(sh, level_logodds(sh->m, c, k)), desc);
    }
    long other = 0;
    if (c->other != SIZE_MAX) {
        char *list = known_levels(c);
        if (list == NULL)
            return lsc_error_nomem(err);
        other = points_of(sh, level_logodds(sh->m, c, c->other));
        a.op = "not in"; /* a missing cell counts as "not in": corrected below */
        a.text = list;
        snprintf(id, sizeof id, "C%zu.other", j + 1);
        snprintf(desc, sizeof desc, "%s: any other value", c->name);
        put_rule(sh, id, &a, NULL, other, desc);
        lsc_free(list);
    }
    if (c->missing != SIZE_MAX || other != 0) {
        long miss = c->missing != SIZE_MAX ? points_of(sh, level_logodds(sh->m, c, c->missing))
                                           : other;
        missing_cond(c, &a);
        snprintf(id, sizeof id, "C%zu.missing", j + 1);
        snprintf(desc, sizeof desc, "%s missing", c->name);
        put_rule(sh, id, &a, NULL, miss - other, desc);
    }
    return LSC_OK;
}

/* The conditions of side s of a pair: one per non-reference group (a step
 * on an ordered side), and on a binned side without a missing group whose
 * missing values fall in a group above the reference, "is missing" too.
 * group[] is the group each condition stands for, prev[] the condition
 * below it on its chain (SIZE_MAX: none). Returns their number. */
static size_t side_conds(const struct lsc_model *m, const struct lsc_pair *pr, int s,
                         struct cond *cs, size_t *group, size_t *prev)
{
    const struct lsc_column_enc *c = &m->columns[pr->col[s]];
    size_t n = 0;
    for (size_t k = 1; k < pr->n_groups[s]; k++, n++) {
        size_t v = lsc_pair_first_level(pr, s, k);
        group[n] = k;
        prev[n] = lsc_pair_step(pr, s, k) && k >= 2 ? n - 1 : SIZE_MAX;
        if (c->type == LSC_COL_BINNED && lsc_pair_step(pr, s, k)) {
            step_cond(c, v, &cs[n]);
        } else if (c->type == LSC_COL_BINNED || v == c->missing) {
            missing_cond(c, &cs[n]);
        } else {
            cs[n] = (struct cond){c->name, "equals", "", c->levels[v]};
        }
    }
    size_t gm = pr->group[s][lsc_column_n_levels(c) - 1];
    if (c->type == LSC_COL_BINNED && c->missing_feature == LSC_NO_FEATURE && gm > 0) {
        missing_cond(c, &cs[n]);
        group[n] = gm;
        prev[n++] = SIZE_MAX;
    }
    return n;
}

static long cell_points(const struct sheet *sh, const struct lsc_pair *pr, size_t ga, size_t gb)
{
    return points_of(sh, lsc_pair_effect(sh->m, pr, ga, gb));
}

/* Cell (x, y) of the conditions' grid gets the rounded cell's points less
 * what the conditions below it on both chains already give. */
static void pair_rules(struct sheet *sh, size_t k)
{
    const struct lsc_pair *pr = &sh->m->pairs[k];
    struct cond ca[LSC_PAIR_MAX_CONDS], cb[LSC_PAIR_MAX_CONDS];
    size_t ga[LSC_PAIR_MAX_CONDS], gb[LSC_PAIR_MAX_CONDS];
    size_t pa[LSC_PAIR_MAX_CONDS], pb[LSC_PAIR_MAX_CONDS];
    size_t na = side_conds(sh->m, pr, 0, ca, ga, pa), nb = side_conds(sh->m, pr, 1, cb, gb, pb);
    char id[80], desc[96];
    snprintf(desc, sizeof desc, "interaction %s x %s", sh->m->columns[pr->col[0]].name,
             sh->m->columns[pr->col[1]].name);
    for (size_t x = 0; x < na; x++)
        for (size_t y = 0; y < nb; y++) {
            long p = cell_points(sh, pr, ga[x], gb[y]);
            if (pa[x] != SIZE_MAX)
                p -= cell_points(sh, pr, ga[pa[x]], gb[y]);
            if (pb[y] != SIZE_MAX)
                p -= cell_points(sh, pr, ga[x], gb[pb[y]]);
            if (pa[x] != SIZE_MAX && pb[y] != SIZE_MAX)
                p += cell_points(sh, pr, ga[pa[x]], gb[pb[y]]);
            snprintf(id, sizeof id, "I%zu.%zu.%zu", k + 1, x + 1, y + 1);
            put_rule(sh, id, &ca[x], &cb[y], p, desc);
        }
}

/* The least total points whose predicted conversion reaches p. */
static long threshold(const struct lsc_points_summary *sum, double p)
{
    return (long)ceil(sum->factor * (log(p / (1.0 - p)) - sum->intercept) - 1e-9);
}

static void put_setting(struct sheet *sh, const char *dim, const char *name, const char *value,
                        const char *desc)
{
    fprintf(sh->fp, "setting,%s,,", dim);
    field(sh->fp, name, 0);
    field(sh->fp, value, 0);
    fputs(",,", sh->fp);
    field(sh->fp, desc, !sh->pairs);
    if (sh->pairs)
        fputs(",,\n", sh->fp);
}

static void settings(struct sheet *sh, const struct lsc_points_summary *sum)
{
    char v[32];
    put_setting(sh, "total", "allow negative", "yes", "points are log-odds: they may add up below 0");
    snprintf(v, sizeof v, "%ld", sum->qualified);
    put_setting(sh, "total", "qualified", v, "the model's cut-off");
    snprintf(v, sizeof v, "%ld", sum->hot);
    put_setting(sh, "total", "hot", v, "the model's hot tier");
    snprintf(v, sizeof v, "%ld", sum->warm);
    put_setting(sh, "total", "warm", v, "the model's warm tier");
    for (size_t i = 0; i < sh->m->n_na_values; i++)
        put_setting(sh, "", "missing values", sh->m->na_values[i], "as in training");
}

/* A linear term or a derived feature has no points form; a level with a
 * ';' cannot be listed in a "not in" rule, nor a missing-value token. */
static enum lsc_status check_model(const struct lsc_model *m, struct lsc_error *err)
{
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        if (c->derived)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--emit-rules: the derived feature \"%s\" has no points form "
                                 "yet; retrain without it",
                                 c->name);
        if (c->type == LSC_COL_NUMERIC)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--emit-rules: column \"%s\" has a linear term, which no points "
                                 "sheet can give; train with --bins N (or lower "
                                 "--min-bin-share if it was kept linear)",
                                 c->name);
        for (size_t k = 0; c->type == LSC_COL_CATEGORICAL && c->other != SIZE_MAX &&
                           k < c->n_levels; k++)
            if (strchr(c->levels[k], ';') != NULL)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "--emit-rules: level \"%s\" of column \"%s\" holds a ';', "
                                     "which a rules sheet's \"not in\" list cannot hold",
                                     c->levels[k], c->name);
    }
    for (size_t i = 0; i < m->n_na_values; i++)
        if (strchr(m->na_values[i], ';') != NULL)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--emit-rules: the missing-value token \"%s\" holds a ';'",
                                 m->na_values[i]);
    return LSC_OK;
}

static void write_sheet(struct sheet *sh, const struct lsc_points_summary *sum,
                        enum lsc_status *st, struct lsc_error *err)
{
    fputs("id,dimension,column,operator,value,points,cap,description", sh->fp);
    fputs(sh->pairs ? ",and column,and operator,and value\n" : "\n", sh->fp);
    for (size_t j = 0; j < sh->m->n_columns && *st == LSC_OK; j++)
        if (sh->m->columns[j].type == LSC_COL_BINNED)
            binned_rules(sh, j);
        else
            *st = categorical_rules(sh, j, err);
    for (size_t k = 0; k < sh->m->n_pairs && *st == LSC_OK; k++)
        pair_rules(sh, k);
    settings(sh, sum);
}

enum lsc_status lsc_emit_points(const struct lsc_model *m, const struct lsc_points_options *o,
                                struct lsc_points_summary *sum, struct lsc_error *err)
{
    struct outfile out;
    memset(&out, 0, sizeof out);
    memset(sum, 0, sizeof *sum);
    if (!(o->pdo > 0.0 && o->pdo <= 1000.0) || !(o->qualify > 0.0 && o->qualify < 1.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--points-pdo must be in (0, 1000] and the qualifying probability "
                             "in (0, 1)");
    enum lsc_status st = check_model(m, err);
    if (st != LSC_OK)
        return st;
    sum->factor = o->pdo / log(2.0);
    sum->intercept = m->coef[0];
    sum->qualified = threshold(sum, o->qualify);
    sum->hot = threshold(sum, (m->tier_hot - 0.5) / 100.0);
    sum->warm = threshold(sum, (m->tier_warm - 0.5) / 100.0);
    if ((st = lsc_outfile_check(o->output, o->force, err)) != LSC_OK ||
        (st = lsc_outfile_open(&out, o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    struct sheet sh = {out.fp, m, sum->factor, m->n_pairs > 0, 0};
    write_sheet(&sh, sum, &st, err);
    sum->rules = sh.rules;
    if (st != LSC_OK)
        goto cleanup;
    if (ferror(out.fp)) {
        st = lsc_error_write(err, o->output);
        goto cleanup;
    }
    st = lsc_outfile_commit(&out, err);
cleanup:
    lsc_outfile_abort(&out);
    return st;
}
