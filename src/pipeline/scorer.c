/* Scoring: one streaming pass, one output row per input row.
 *
 * For each row the linear predictor is accumulated column by column from the
 * model's encoders (the same arithmetic the trainer's design applies), then
 * p = 1 / (1 + exp(-eta)), score = clamp(round(100 p), 1, 100) and the tier
 * from the cut-offs. Memory is the model plus one record.
 */
#include "leadscore/score.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compare.h"
#include "csv_reader.h"
#include "derive.h"
#include "drift.h"
#include "leadscore/rules.h"
#include "jsonl.h"
#include "logreg.h"
#include "model_def.h"
#include "progress.h"
#include "status_internal.h"
#include "leadscore/report.h"
#include "report_html.h"
#include "util.h"

void lsc_score_options_defaults(struct lsc_score_options *o)
{
    memset(o, 0, sizeof *o);
    o->output = "-";
    o->tier_hot = 70.0;
    o->tier_warm = 40.0;
    o->precision = 6;
    o->rule_tier_hot = 70.0;
    o->rule_tier_warm = 40.0;
    o->disagreements = 20;
    o->model_threshold = 50.0;
}

enum lsc_status lsc_score_options_check(const struct lsc_score_options *o, struct lsc_error *err)
{
    if (o->input == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "an input file is required");
    if (o->format != LSC_FORMAT_CSV && o->format != LSC_FORMAT_JSONL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "unknown output format");
    if (o->rule_score_column != NULL && o->rules != NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--rules and --rule-score-column exclude each other");
    if (o->rule_score_column != NULL &&
        !(o->rule_tier_warm < o->rule_tier_hot))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--rule-tiers: warm must be below hot");
    if (o->label == NULL && (o->compare_json != NULL || o->compare_report != NULL ||
                             o->label_positive.count > 0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--compare-json, --compare-report and --label-positive need "
                             "--label COL");
    if (o->compare_json != NULL && strcmp(o->compare_json, "-") == 0 &&
        strcmp(o->output, "-") == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--compare-json - needs the scores in a file (-o FILE)");
    if (o->drift_json != NULL && strcmp(o->drift_json, "-") == 0 && strcmp(o->output, "-") == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--drift-json - needs the scores in a file (-o FILE)");
    if (o->label != NULL && o->label[0] == '\0')
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--label: empty column name");
    if (!(o->model_threshold >= 0.0 && o->model_threshold <= 100.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--model-threshold must be a score in 0..100");
    if (o->precision < 0 || o->precision > 17)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--precision must be 0..17");
    if (o->tiers_set && !(o->tier_warm > 0.0 && o->tier_warm < o->tier_hot && o->tier_hot <= 100.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "tier cut-offs must satisfy 0 < warm < hot <= 100");
    return LSC_OK;
}

int lsc_score_from_probability(double p)
{
    double s = floor(100.0 * p + 0.5);
    if (!(s >= 1.0))
        return 1;
    if (s > 100.0)
        return 100;
    return (int)s;
}

/* Writes p (in [0, 1]) with `digits` decimals exactly as printf's "%.*f"
 * would: a fast integer path when p * 10^digits is not within 1e-9 of a
 * rounding tie (its floating-point error is below 1e-10), printf otherwise. */
static int put_probability(FILE *fp, double p, int digits)
{
    if (digits == 6 && p >= 0.0 && p <= 1.0) {
        double x = p * 1e6;
        double fl = floor(x);
        if (fabs(x - fl - 0.5) > 1e-9) {
            long r = (long)(x - fl > 0.5 ? fl + 1.0 : fl);
            char b[9];
            b[0] = (char)('0' + r / 1000000);
            b[1] = '.';
            for (int k = 7; k >= 2; k--) {
                b[k] = (char)('0' + r % 10);
                r /= 10;
            }
            return fwrite(b, 1, 8, fp) == 8 ? 0 : -1;
        }
    }
    return fprintf(fp, "%.*f", digits, p) < 0 ? -1 : 0;
}

static const char *tier_of(int score, double hot, double warm)
{
    if ((double)score >= hot)
        return "hot";
    if ((double)score >= warm)
        return "warm";
    return "cold";
}

struct scorer {
    const struct lsc_model *m; /* NULL: rules only */
    size_t rule_col;     /* --rule-score-column field, SIZE_MAX if none */
    size_t label_col;    /* --label field, SIZE_MAX if none */
    double *contrib;     /* per model column, when reasons are wanted */
    size_t *order;       /* scratch for ranking contributions */
    size_t *col_of;      /* model column -> input field */
    size_t *id_of;       /* id column -> input field */
    size_t n_ids;
    struct lsc_strings na;
    char reason[512];
    struct drift_batch *drift; /* NULL: no drift */
    long as_of;                /* day number for "days since" features */
    struct derive_counts accounts; /* leads per account value (first pass) */
};

/* Returns 1 and sets *eta, or 0 with s->reason filled. */
static int row_eta(struct scorer *s, const struct csv_record *rec, double *eta, size_t *unseen)
{
    const struct lsc_model *m = s->m;
    double e = m->coef[0];
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const char *v = rec->fields[s->col_of[j]];
        size_t len = rec->lens[s->col_of[j]];
        lsc_trim_span(&v, &len);
        int missing = lsc_is_na_token(v, len, &s->na);
        if (c->type == LSC_COL_NUMERIC) {
            double x = c->median;
            if (c->derived == DERIVE_ACCOUNT) {
                size_t k = missing ? 1 : lsc_derive_counts_get(&s->accounts, v, len);
                x = (double)(k ? k : 1);
                missing = 0;
            } else if (c->derived == DERIVE_DAYS_SINCE) {
                if (!missing && !lsc_derive_days_since(v, len, s->as_of, &x)) {
                    snprintf(s->reason, sizeof s->reason,
                             "column \"%s\": not a date (YYYY-MM-DD): \"%.*s\"", c->source,
                             (int)(len > 40 ? 40 : len), v);
                    return 0;
                }
            } else if (!missing && !lsc_parse_number(v, len, &x)) {
                snprintf(s->reason, sizeof s->reason, "column \"%s\": not a number: \"%.*s\"",
                         c->name, (int)(len > 40 ? 40 : len), v);
                return 0;
            }
            if (s->drift != NULL)
                drift_batch_set(s->drift, j, missing ? NAN : x);
            double part = m->coef[c->feature] * ((x - c->mean) / c->sd);
            if (c->missing_feature != LSC_NO_FEATURE && missing)
                part += m->coef[c->missing_feature];
            e += part;
            if (s->contrib != NULL)
                s->contrib[j] = part;
        } else {
            size_t fallback = c->other != SIZE_MAX ? c->other : c->reference;
            size_t level = fallback;
            int fresh = 0; /* a value not seen in training */
            if (missing) {
                if (c->missing != SIZE_MAX)
                    level = c->missing;
            } else {
                uint32_t id = lsc_dict_find(c->lookup, v, len);
                if (id != DICT_NONE && id != c->other && id != c->missing)
                    level = id;
                else
                    fresh = 1;
                *unseen += (size_t)fresh;
            }
            /* drift: a value unseen in training is its own bin unless the
             * column pools into (other) */
            if (s->drift != NULL)
                drift_batch_set(s->drift, j, fresh && c->other == SIZE_MAX ? -1.0 : (double)level);
            double part = 0.0;
            if (c->level_feature[level] != LSC_NO_FEATURE)
                part = m->coef[c->level_feature[level]];
            e += part;
            if (s->contrib != NULL)
                s->contrib[j] = part;
        }
    }
    *eta = e;
    return 1;
}

/* Writes the n strongest contributions of one sign as
 * "Column=value:+1.23;..." (a CSV field). Contributions are beta . (x - x0)
 * per column, x0 being the training mean for numerics (0 after
 * standardisation) and the reference level for categoricals, so they and the
 * intercept add up to the logit. */
static int put_reasons(FILE *fp, struct scorer *s, const struct csv_record *rec, size_t n,
                       int positive, int exact)
{
    const struct lsc_model *m = s->m;
    size_t k = 0;
    for (size_t j = 0; j < m->n_columns; j++)
        if (positive ? s->contrib[j] > 0.0 : s->contrib[j] < 0.0)
            s->order[k++] = j;
    /* partial selection sort: n is small */
    char buf[4096];
    size_t used = 0;
    for (size_t r = 0; r < n && r < k; r++) {
        size_t best = r;
        for (size_t i = r + 1; i < k; i++)
            if (fabs(s->contrib[s->order[i]]) > fabs(s->contrib[s->order[best]]))
                best = i;
        size_t t = s->order[r];
        s->order[r] = s->order[best];
        s->order[best] = t;
        size_t j = s->order[r];
        const char *v = rec->fields[s->col_of[j]];
        size_t len = rec->lens[s->col_of[j]];
        lsc_trim_span(&v, &len);
        if (lsc_is_na_token(v, len, &s->na)) {
            v = LSC_LEVEL_MISSING;
            len = strlen(v);
        }
        int w = snprintf(buf + used, sizeof buf - used, exact ? "%s%s=%.*s:%+.17g" : "%s%s=%.*s:%+.2f",
                         r ? ";" : "", m->columns[j].name, (int)(len > 60 ? 60 : len), v,
                         s->contrib[j]);
        if (w < 0 || (size_t)w >= sizeof buf - used)
            break;
        used += (size_t)w;
    }
    return lsc_csv_put_field(fp, buf, used);
}

static size_t header_find(const struct csv_record *h, const char *name)
{
    for (size_t k = 0; k < h->nfields; k++) {
        const char *s = h->fields[k];
        size_t len = h->lens[k];
        lsc_trim_span(&s, &len);
        if (strlen(name) == len && memcmp(s, name, len) == 0)
            return k;
    }
    return SIZE_MAX;
}

static enum lsc_status map_header(struct scorer *s, const struct csv_record *h,
                                  const struct lsc_score_options *o, const char *file,
                                  struct lsc_error *err)
{
    const struct lsc_model *m = s->m;
    size_t ncols = m ? m->n_columns : 0;
    s->col_of = lsc_calloc(ncols ? ncols : 1, sizeof *s->col_of);
    if (o->reasons > 0 && m != NULL) {
        s->contrib = lsc_calloc(ncols ? ncols : 1, sizeof *s->contrib);
        s->order = lsc_calloc(ncols ? ncols : 1, sizeof *s->order);
        if (s->contrib == NULL || s->order == NULL)
            return lsc_error_nomem(err);
    }
    s->n_ids = o->ids.count ? o->ids.count : (m ? m->n_ids : 0);
    s->id_of = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *s->id_of);
    if (s->col_of == NULL || s->id_of == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < ncols; j++) {
        const char *name = m->columns[j].derived ? m->columns[j].source : m->columns[j].name;
        s->col_of[j] = header_find(h, name);
        if (s->col_of[j] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                 "the model needs column \"%s\"%s%s%s, which the input lacks",
                                 name, m->columns[j].derived ? " (for \"" : "",
                                 m->columns[j].derived ? m->columns[j].name : "",
                                 m->columns[j].derived ? "\")" : "");
    }
    for (size_t k = 0; k < s->n_ids; k++) {
        const char *name = o->ids.count ? o->ids.items[k] : m->ids[k];
        s->id_of[k] = header_find(h, name);
        if (s->id_of[k] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                 "id column \"%s\" is not in the input%s", name,
                                 o->ids.count ? "" : " (choose others with --id)");
    }
    s->rule_col = SIZE_MAX;
    if (o->rule_score_column != NULL) {
        s->rule_col = header_find(h, o->rule_score_column);
        if (s->rule_col == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_USAGE, file, h->line, 0,
                                 "--rule-score-column \"%s\" is not in the input",
                                 o->rule_score_column);
    }
    s->label_col = SIZE_MAX;
    if (o->label != NULL) {
        s->label_col = header_find(h, o->label);
        if (s->label_col == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_USAGE, file, h->line, 0,
                                 "--label \"%s\" is not in the input", o->label);
    }
    if (o->rules != NULL)
        return lsc_rules_bind(o->rules, h->nfields, h->fields, h->lens, err);
    return LSC_OK;
}

void lsc_score_summary_fini(struct lsc_score_summary *sum)
{
    lsc_compare_free(sum->compare);
    sum->compare = NULL;
}

/* Sets up the comparison (opts->label): what is compared, the sheet's list
 * of rules, and the names of the id columns and dimensions. */
static enum lsc_status compare_setup(const struct lsc_model *m, const struct lsc_score_options *o,
                                     struct scorer *s, struct compare_sheet *sheet,
                                     const char ***dims, const char ***idn, double hot,
                                     double warm, struct lsc_compare **out, struct lsc_error *err)
{
    enum lsc_status st;
    struct compare_config cfg;
    lsc_compare_config_defaults(&cfg);
    cfg.label = o->label;
    cfg.has_model = m != NULL;
    cfg.model_tier_hot = hot;
    cfg.model_tier_warm = warm;
    cfg.model_threshold = o->model_threshold;
    if (m != NULL && m->holdout.present)
        cfg.model_holdout_auc = m->holdout.auc;
    cfg.disagreements = o->disagreements;
    if (o->rules != NULL) {
        size_t nd = lsc_rules_n_dimensions(o->rules);
        cfg.rules_kind = COMPARE_RULES_SHEET;
        cfg.rules_name = o->rules_sheet;
        if (o->rules_sheet != NULL && strcmp(o->rules_sheet, "-") != 0) {
            if ((st = lsc_compare_sheet_read(o->rules_sheet, sheet, err)) != LSC_OK)
                return st;
            cfg.sheet = sheet;
        }
        *dims = lsc_calloc(nd ? nd : 1, sizeof **dims);
        if (*dims == NULL)
            return lsc_error_nomem(err);
        for (size_t k = 0; k < nd; k++)
            (*dims)[k] = lsc_rules_dimension_name(o->rules, k);
        cfg.n_dims = nd;
        cfg.dims = *dims;
        cfg.rule_tiers = cfg.sheet == NULL || sheet->has_tiers;
        if (cfg.sheet != NULL && sheet->has_tiers) {
            cfg.rule_tier_hot = sheet->hot;
            cfg.rule_tier_warm = sheet->warm;
        }
    } else if (o->rule_score_column != NULL) {
        cfg.rules_kind = COMPARE_RULES_COLUMN;
        cfg.rules_name = o->rule_score_column;
        cfg.rule_tiers = 1;
        cfg.rule_tier_hot = o->rule_tier_hot;
        cfg.rule_tier_warm = o->rule_tier_warm;
    }
    *idn = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof **idn);
    if (*idn == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < s->n_ids; k++)
        (*idn)[k] = o->ids.count ? o->ids.items[k] : m->ids[k];
    cfg.n_ids = s->n_ids;
    cfg.id_names = *idn;
    return lsc_compare_new(out, &cfg, err);
}

/* The first pass: account sizes (the rules' and the model's "leads per
 * account" feature) need every row before the first score. Memory grows
 * with the number of accounts, not rows. rules may be NULL; model_col is
 * the model column of the account feature, SIZE_MAX if none. */
static enum lsc_status count_accounts(struct lsc_rules *rules, struct scorer *s,
                                      size_t model_col, struct csv_reader *r,
                                      const struct lsc_score_options *o, struct lsc_error *err)
{
    const struct csv_record *rec = NULL;
    size_t field = SIZE_MAX, rows = 0;
    enum lsc_status st = lsc_csv_reader_next(r, &rec, err);
    if (st != LSC_OK || rec == NULL)
        return st;
    if (rules != NULL &&
        (st = lsc_rules_bind(rules, rec->nfields, rec->fields, rec->lens, err)) != LSC_OK)
        return st;
    if (model_col != SIZE_MAX) {
        field = header_find(rec, s->m->columns[model_col].source);
        if (field == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, lsc_csv_reader_name(r), rec->line, 0,
                                 "the model needs column \"%s\" (for \"%s\"), which the input "
                                 "lacks",
                                 s->m->columns[model_col].source, s->m->columns[model_col].name);
    }
    for (;;) {
        if ((st = lsc_csv_reader_next(r, &rec, err)) != LSC_OK)
            return st;
        if (rec == NULL) {
            progress_report(o->progress, o->progress_userdata, r, rows, 1);
            return st;
        }
        progress_tick(o->progress, o->progress_userdata, r, ++rows);
        if (rules != NULL &&
            (st = lsc_rules_count_account(rules, rec->nfields, rec->fields, rec->lens, err)) !=
                LSC_OK)
            return st;
        if (field != SIZE_MAX && field < rec->nfields) {
            const char *v = rec->fields[field];
            size_t len = rec->lens[field];
            lsc_trim_span(&v, &len);
            if (!lsc_is_na_token(v, len, &s->na) &&
                (st = lsc_derive_counts_add(&s->accounts, v, len, NULL, err)) != LSC_OK)
                return st;
        }
    }
}

/* Copies stdin to an anonymous temporary file for a second pass. */
static enum lsc_status spool_stdin(FILE **out, struct lsc_error *err)
{
    char buf[1 << 16];
    size_t n;
    FILE *tmp = tmpfile();
    if (tmp == NULL)
        return lsc_error_set(err, LSC_ERR_IO, "<stdin>", 0, 0,
                             "cannot create a temporary file to spool stdin: %s", strerror(errno));
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0)
        if (fwrite(buf, 1, n, tmp) != n) {
            fclose(tmp);
            return lsc_error_set(err, LSC_ERR_IO, "<stdin>", 0, 0, "spooling stdin failed: %s",
                                 strerror(errno));
        }
    if (ferror(stdin) || fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
        fclose(tmp);
        return lsc_error_set(err, LSC_ERR_IO, "<stdin>", 0, 0, "reading stdin failed: %s",
                             strerror(errno));
    }
    *out = tmp;
    return LSC_OK;
}

static enum lsc_status open_input(const struct lsc_score_options *o, FILE *spool,
                                  struct csv_reader **r, struct lsc_error *err)
{
    struct csv_reader_opts ropts = {o->delimiter, 1};
    if (spool != NULL)
        return lsc_csv_reader_open_stream(r, spool, "<stdin>", &ropts, err);
    return lsc_csv_reader_open(r, o->input, &ropts, err);
}

static int put_rule_columns(FILE *fp, const struct lsc_rules *rules,
                            const struct lsc_rule_result *res, int explain, char *buf,
                            size_t size)
{
    int bad = 0;
    size_t nc = lsc_rules_n_columns(rules, explain);
    for (size_t k = 0; k < nc; k++) {
        size_t len = res != NULL ? lsc_rules_column_value(rules, res, k, buf, size) : 0;
        bad |= lsc_csv_put_field(fp, buf, len < size ? len : size - 1) != 0;
        bad |= putc(',', fp) == EOF;
    }
    return bad;
}

/* The drift summary: a note with the score PSI and the most shifted
 * features, a warning above DRIFT_WARN_PSI. */
static void report_drift(const struct lsc_model *m, const struct drift_result *r,
                         const struct lsc_log *log, struct lsc_score_summary *sum)
{
    char top[400];
    size_t used = 0;
    top[0] = '\0';
    for (size_t i = 0; i < r->n_columns && i < 3; i++) {
        int w = snprintf(top + used, sizeof top - used, "%s%s %.3f", i ? ", " : "",
                         m->columns[r->columns[i].column].name, r->columns[i].psi);
        if (w < 0 || (size_t)w >= sizeof top - used)
            break;
        used += (size_t)w;
    }
    sum->drift = 1;
    sum->drift_score_psi = r->score_psi;
    sum->drift_max_feature_psi = r->n_columns ? r->columns[0].psi : NAN;
    sum->drift_max_feature = r->n_columns ? m->columns[r->columns[0].column].name : NULL;
    lsc_logf(log, LSC_LOG_NOTE, "drift: score PSI %.4f over %zu leads%s%s%s", r->score_psi,
             r->rows, r->n_columns ? "; most shifted features (PSI): " : "", top,
             r->rows < DRIFT_MIN_ROWS ? " (too few leads for a reliable PSI: no warning below "
                                        "100)"
                                      : "");
    if (r->rows < DRIFT_MIN_ROWS)
        return;
    if (r->score_psi > DRIFT_WARN_PSI)
        lsc_logf(log, LSC_LOG_WARN,
                 "score PSI %.3f > %.2f: this batch no longer looks like the training data; "
                 "retrain",
                 r->score_psi, DRIFT_WARN_PSI);
    else {
        /* an account count depends on the batch's size by construction: it
         * is reported, but does not warn on its own */
        size_t k = 0;
        while (k < r->n_columns && m->columns[r->columns[k].column].derived == DERIVE_ACCOUNT)
            k++;
        if (k < r->n_columns && r->columns[k].psi > DRIFT_WARN_PSI)
            lsc_logf(log, LSC_LOG_WARN,
                     "feature \"%s\" has shifted (PSI %.3f > %.2f) although the scores have "
                     "not yet; watch it",
                     m->columns[r->columns[k].column].name, r->columns[k].psi, DRIFT_WARN_PSI);
    }
}

enum lsc_status lsc_score(const struct lsc_model *m, const struct lsc_score_options *o,
                          const struct lsc_log *log, struct lsc_score_summary *sum,
                          struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    struct outfile out, rej;
    struct scorer s;
    struct lsc_rule_result res;
    struct lsc_rules *rules = o->rules;
    FILE *spool = NULL;
    char *vbuf = NULL;
    struct lsc_compare *cmp = NULL;
    struct compare_sheet sheet;
    struct outfile cj, cr;
    struct jsonl *json = NULL;
    const char **dims = NULL, **idn = NULL;
    const char **idv = NULL;
    size_t *idl = NULL;
    struct drift_batch drift;
    struct drift_result dres;
    struct outfile dj;
    size_t vsize = 0;
    double hot = o->tiers_set || m == NULL ? o->tier_hot : m->tier_hot;
    double warm = o->tiers_set || m == NULL ? o->tier_warm : m->tier_warm;
    double score_sum = 0.0, rule_sum = 0.0;
    memset(&out, 0, sizeof out);
    memset(&rej, 0, sizeof rej);
    memset(&cj, 0, sizeof cj);
    memset(&cr, 0, sizeof cr);
    memset(&dj, 0, sizeof dj);
    memset(&drift, 0, sizeof drift);
    memset(&dres, 0, sizeof dres);
    memset(&sheet, 0, sizeof sheet);
    memset(&s, 0, sizeof s);
    memset(&res, 0, sizeof res);
    memset(sum, 0, sizeof *sum);
    s.m = m;
    if (m != NULL) {
        s.na.items = (const char *const *)m->na_values;
        s.na.count = m->n_na_values;
    }

    if ((st = lsc_score_options_check(o, err)) != LSC_OK)
        goto cleanup;
    if (m == NULL && rules == NULL && o->rule_score_column == NULL) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "nothing to score: give a model, a rules sheet or a rule score column");
        goto cleanup;
    }
    if ((st = lsc_outfile_check(o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    if (o->rejects != NULL && (st = lsc_outfile_check(o->rejects, o->force, err)) != LSC_OK)
        goto cleanup;
    if (o->compare_json != NULL && (st = lsc_outfile_check(o->compare_json, o->force, err)) != LSC_OK)
        goto cleanup;
    if (o->compare_report != NULL &&
        (st = lsc_outfile_check(o->compare_report, o->force, err)) != LSC_OK)
        goto cleanup;
    if (o->drift_json != NULL && (m == NULL || m->drift == NULL)) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "--drift-json: %s", m == NULL ? "drift needs a model"
                                                         : "this model has no drift reference "
                                                           "(trained by an older leadscore; "
                                                           "train it again)");
        goto cleanup;
    }
    if (o->drift_json != NULL && (st = lsc_outfile_check(o->drift_json, o->force, err)) != LSC_OK)
        goto cleanup;
    if (m != NULL && m->drift != NULL) {
        if ((st = lsc_drift_batch_init(&drift, m, err)) != LSC_OK)
            goto cleanup;
        s.drift = &drift;
    }
    if (o->as_of_year != 0) {
        s.as_of = lsc_derive_day_number(o->as_of_year, o->as_of_month, o->as_of_day);
    } else {
        char today[32];
        s.as_of = lsc_derive_today(today, sizeof today);
    }
    size_t account_col = SIZE_MAX;
    if (m != NULL)
        (void)lsc_derive_model_needs_accounts(m, &account_col);
    int rules_pass = rules != NULL && lsc_rules_needs_accounts(rules);
    if (rules_pass || account_col != SIZE_MAX) {
        if (strcmp(o->input, "-") == 0 && (st = spool_stdin(&spool, err)) != LSC_OK)
            goto cleanup;
        if ((st = open_input(o, spool, &r, err)) != LSC_OK ||
            (st = count_accounts(rules_pass ? rules : NULL, &s, account_col, r, o, err)) != LSC_OK)
            goto cleanup;
        lsc_csv_reader_free(r);
        r = NULL;
        if (spool != NULL && fseek(spool, 0, SEEK_SET) != 0) {
            st = lsc_error_set(err, LSC_ERR_IO, "<stdin>", 0, 0, "cannot rewind the spool");
            goto cleanup;
        }
    }
    if ((st = open_input(o, spool, &r, err)) != LSC_OK)
        goto cleanup;
    const char *file = lsc_csv_reader_name(r);
    if ((st = lsc_csv_reader_next(r, &rec, err)) != LSC_OK)
        goto cleanup;
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, file, 0, 0, "empty file: a header row is required");
        goto cleanup;
    }
    size_t nfields = rec->nfields;
    if ((st = map_header(&s, rec, o, file, err)) != LSC_OK)
        goto cleanup;
    if (o->label != NULL) {
        if ((st = compare_setup(m, o, &s, &sheet, &dims, &idn, hot, warm, &cmp, err)) != LSC_OK)
            goto cleanup;
        idv = lsc_calloc(s.n_ids ? s.n_ids : 1, sizeof *idv);
        idl = lsc_calloc(s.n_ids ? s.n_ids : 1, sizeof *idl);
        if (idv == NULL || idl == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
    }
    if (rules != NULL) {
        if ((st = lsc_rule_result_init(&res, rules)) != LSC_OK)
            goto cleanup;
        vsize = lsc_rules_value_max(rules) + 1;
        if (vsize < 64)
            vsize = 64;
        vbuf = lsc_malloc(vsize);
        if (vbuf == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
    }
    if ((st = lsc_outfile_open(&out, o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    FILE *fp = out.fp;
    int bad = 0;
    setvbuf(fp, NULL, _IOFBF, 1 << 16);
    if (o->format == LSC_FORMAT_JSONL) { /* the CSV below, transcoded (jsonl.h) */
        if ((st = lsc_jsonl_open(&json, out.fp, s.n_ids, o->output, err)) != LSC_OK)
            goto cleanup;
        fp = lsc_jsonl_stream(json);
    }
    for (size_t k = 0; k < s.n_ids; k++) {
        const char *name = o->ids.count ? o->ids.items[k] : m->ids[k];
        bad |= lsc_csv_put_field(fp, name, strlen(name)) != 0 || putc(',', fp) == EOF;
    }
    if (m != NULL)
        bad |= fputs(o->reasons > 0 ? "probability,score,tier,reasons_positive,reasons_negative,"
                                    : "probability,score,tier,",
                     fp) == EOF;
    if (rules != NULL)
        for (size_t k = 0; k < lsc_rules_n_columns(rules, o->explain_rules); k++) {
            const char *name = lsc_rules_column_name(rules, k);
            bad |= lsc_csv_put_field(fp, name, strlen(name)) != 0 || putc(',', fp) == EOF;
        }
    if (o->rule_score_column != NULL)
        bad |= fputs("rule_score,rule_tier,", fp) == EOF;
    bad |= fputs("error\n", fp) == EOF;
    if (o->rejects != NULL) {
        if ((st = lsc_outfile_open(&rej, o->rejects, o->force, err)) != LSC_OK)
            goto cleanup;
        bad |= fputs("row,line,error\n", rej.fp) == EOF;
    }
    for (;;) {
        if ((st = lsc_csv_reader_next(r, &rec, err)) != LSC_OK)
            goto cleanup;
        if (rec == NULL)
            progress_report(o->progress, o->progress_userdata, r, sum->rows, 1);
        if (rec == NULL || bad)
            break;
        sum->rows++;
        progress_tick(o->progress, o->progress_userdata, r, sum->rows);
        int ok = 1, ragged = rec->nfields != nfields;
        double eta = 0.0;
        struct compare_row crow;
        int have_rule = 0;
        memset(&crow, 0, sizeof crow);
        s.reason[0] = '\0';
        if (ragged) {
            ok = 0;
            snprintf(s.reason, sizeof s.reason, "line %zu: expected %zu fields, found %zu",
                     rec->line, nfields, rec->nfields);
        } else if (m != NULL) {
            ok = row_eta(&s, rec, &eta, &sum->unseen_levels);
        }
        for (size_t k = 0; k < s.n_ids; k++) {
            if (s.id_of[k] < rec->nfields)
                bad |= lsc_csv_put_field(fp, rec->fields[s.id_of[k]], rec->lens[s.id_of[k]]) != 0;
            bad |= putc(',', fp) == EOF;
        }
        if (m != NULL && ok) {
            double p = lsc_logreg_sigmoid(eta);
            int score = lsc_score_from_probability(p);
            const char *tier = tier_of(score, hot, warm);
            sum->scored++;
            score_sum += score;
            sum->hot += tier[0] == 'h';
            sum->warm += tier[0] == 'w';
            sum->cold += tier[0] == 'c';
            if (s.drift != NULL)
                lsc_drift_batch_commit(s.drift, p);
            crow.probability = p;
            crow.model_score = score;
            crow.model_tier = tier;
            bad |= put_probability(fp, p, o->precision) != 0;
            {
                /* ",score,tier," without printf: this runs once per lead */
                char cell[16];
                size_t n = 0;
                cell[n++] = ',';
                if (score >= 100)
                    cell[n++] = (char)('0' + score / 100);
                if (score >= 10)
                    cell[n++] = (char)('0' + score / 10 % 10);
                cell[n++] = (char)('0' + score % 10);
                cell[n++] = ',';
                bad |= fwrite(cell, 1, n, fp) != n || fputs(tier, fp) == EOF ||
                       putc(',', fp) == EOF;
            }
            if (o->reasons > 0) {
                int exact = o->precision > 6;
                bad |= put_reasons(fp, &s, rec, o->reasons, 1, exact) != 0 || putc(',', fp) == EOF;
                bad |= put_reasons(fp, &s, rec, o->reasons, 0, exact) != 0 || putc(',', fp) == EOF;
            }
        } else if (m != NULL) {
            bad |= fputs(o->reasons > 0 ? ",,,,," : ",,,", fp) == EOF;
        }
        if (rules != NULL) {
            int evaluated = 0;
            if (!ragged) {
                if ((st = lsc_rules_eval(rules, rec->nfields, rec->fields, rec->lens, &res,
                                         err)) != LSC_OK)
                    goto cleanup;
                evaluated = 1;
                sum->rule_scored++;
                sum->rule_unevaluable += res.n_unevaluable;
                sum->rule_qualified += res.qualified == 1;
                rule_sum += res.score;
                have_rule = 1;
                crow.rule_score = res.score;
                crow.dim_points = res.dim_points;
                crow.rule_tier = res.tier;
                crow.hits = res.hits;
                crow.n_hits = res.n_hits;
            }
            bad |= put_rule_columns(fp, rules, evaluated ? &res : NULL, o->explain_rules, vbuf,
                                    vsize);
        }
        if (o->rule_score_column != NULL) {
            double v = NAN;
            const char *t = ragged ? "" : rec->fields[s.rule_col];
            size_t len = ragged ? 0 : rec->lens[s.rule_col];
            lsc_trim_span(&t, &len);
            if (!ragged && lsc_parse_number(t, len, &v)) {
                const char *rt = v >= o->rule_tier_hot ? "hot"
                                 : (v >= o->rule_tier_warm ? "warm" : "cold");
                sum->rule_scored++;
                rule_sum += v;
                have_rule = 1;
                crow.rule_score = v;
                crow.rule_tier = rt;
                bad |= fprintf(fp, "%.*s,%s,", (int)len, t, rt) < 0;
            } else {
                if (!ragged)
                    sum->rule_unevaluable++;
                bad |= fputs(",,", fp) == EOF;
            }
        }
        if (!ok) {
            sum->rejected++;
            bad |= lsc_csv_put_field(fp, s.reason, strlen(s.reason)) != 0;
            if (rej.fp != NULL) {
                bad |= fprintf(rej.fp, "%zu,%zu,", sum->rows, rec->line) < 0;
                bad |= lsc_csv_put_field(rej.fp, s.reason, strlen(s.reason)) != 0;
                bad |= putc('\n', rej.fp) == EOF;
            }
        }
        bad |= putc('\n', fp) == EOF;
        if (cmp != NULL) {
            int y = LSC_LABEL_MISSING;
            if (s.label_col < rec->nfields)
                y = lsc_compare_parse_label(rec->fields[s.label_col], rec->lens[s.label_col],
                                            o->label_positive.items, o->label_positive.count);
            if (y == LSC_LABEL_UNKNOWN) {
                const char *v = rec->fields[s.label_col];
                size_t len = rec->lens[s.label_col];
                lsc_trim_span(&v, &len);
                st = lsc_error_set(err, LSC_ERR_DATA, file, rec->line, s.label_col + 1,
                                   "label \"%s\": \"%.*s\" is not 1/0, true/false, yes/no or "
                                   "y/n; say which values mean converted with --label-positive "
                                   "VALUE",
                                   o->label, (int)(len > 40 ? 40 : len), v);
                goto cleanup;
            }
            if (y == LSC_LABEL_MISSING) {
                lsc_compare_skip(cmp, COMPARE_SKIP_LABEL);
            } else if ((m != NULL && !(ok && !ragged)) ||
                       ((rules != NULL || o->rule_score_column != NULL) && !have_rule)) {
                lsc_compare_skip(cmp, COMPARE_SKIP_SCORE);
            } else {
                for (size_t k = 0; k < s.n_ids; k++) {
                    idv[k] = rec->fields[s.id_of[k]];
                    idl[k] = rec->lens[s.id_of[k]];
                }
                crow.row = sum->rows;
                crow.line = rec->line;
                crow.y = y;
                crow.ids = idv;
                crow.id_lens = idl;
                if ((st = lsc_compare_add(cmp, &crow, err)) != LSC_OK)
                    goto cleanup;
            }
        }
    }
    if (json != NULL && (st = lsc_jsonl_finish(json, err)) != LSC_OK)
        goto cleanup;
    if (bad) {
        st = lsc_error_set(err, LSC_ERR_IO, o->output, 0, 0, "write failed");
        goto cleanup;
    }
    sum->mean_score = sum->scored ? score_sum / (double)sum->scored : NAN;
    sum->mean_rule_score = sum->rule_scored ? rule_sum / (double)sum->rule_scored : NAN;
    if (sum->rejected > 0)
        lsc_logf(log, LSC_LOG_WARN, "%zu of %zu rows could not be scored (see the error column)",
                 sum->rejected, sum->rows);
    if (sum->rule_unevaluable > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu rule conditions could not be evaluated (e.g. text where a number is "
                 "compared) and counted as not matched",
                 sum->rule_unevaluable);
    if (cmp != NULL) {
        char hex[65];
        lsc_csv_reader_sha256_hex(r, hex);
        lsc_compare_set_in_sample(cmp, m != NULL && m->training_sha256 != NULL &&
                                       strcmp(hex, m->training_sha256) == 0);
        if ((st = lsc_compare_finish(cmp, err)) != LSC_OK)
            goto cleanup;
        if (o->compare_json != NULL &&
            ((st = lsc_outfile_open(&cj, o->compare_json, o->force, err)) != LSC_OK ||
             (st = lsc_compare_write_json(cmp, cj.fp, err)) != LSC_OK))
            goto cleanup;
        if (o->compare_report != NULL &&
            ((st = lsc_outfile_open(&cr, o->compare_report, o->force, err)) != LSC_OK ||
             (st = lsc_report_is_html(o->compare_report) ? lsc_compare_write_html(cmp, cr.fp, err)
                                                      : lsc_compare_write_report(cmp, cr.fp, err)) !=
                 LSC_OK))
            goto cleanup;
    }
    if (s.drift != NULL && drift.rows > 0) {
        if ((st = lsc_drift_batch_result(&drift, &dres, err)) != LSC_OK)
            goto cleanup;
        report_drift(m, &dres, log, sum);
        if (o->drift_json != NULL &&
            ((st = lsc_outfile_open(&dj, o->drift_json, o->force, err)) != LSC_OK ||
             (st = lsc_drift_write_json(&drift, &dres, dj.fp, o->drift_json, err)) != LSC_OK))
            goto cleanup;
    }
    /* the rejects first: if the scores then fail, take the rejects back so
     * no half result is left */
    if (rej.fp != NULL && (st = lsc_outfile_commit(&rej, err)) != LSC_OK)
        goto cleanup;
    st = lsc_outfile_commit(&out, err);
    if (st != LSC_OK && o->rejects != NULL && strcmp(o->rejects, "-") != 0)
        (void)remove(o->rejects);
    if (st == LSC_OK && cj.fp != NULL)
        st = lsc_outfile_commit(&cj, err);
    if (st == LSC_OK && cr.fp != NULL)
        st = lsc_outfile_commit(&cr, err);
    if (st == LSC_OK && dj.fp != NULL)
        st = lsc_outfile_commit(&dj, err);
    if (st == LSC_OK) {
        sum->compare = cmp;
        cmp = NULL;
    }
cleanup:
    lsc_jsonl_free(json); /* before the output it writes to is closed */
    lsc_outfile_abort(&dj);
    lsc_drift_result_fini(&dres);
    lsc_drift_batch_fini(&drift);
    lsc_outfile_abort(&cj);
    lsc_outfile_abort(&cr);
    lsc_compare_free(cmp);
    lsc_compare_sheet_fini(&sheet);
    lsc_free(dims);
    lsc_free(idn);
    lsc_free((void *)idv);
    lsc_free(idl);
    lsc_outfile_abort(&out);
    lsc_outfile_abort(&rej);
    lsc_rule_result_fini(&res);
    lsc_free(vbuf);
    lsc_free(s.contrib);
    lsc_free(s.order);
    lsc_csv_reader_free(r);
    if (spool != NULL)
        fclose(spool);
    lsc_free(s.col_of);
    lsc_free(s.id_of);
    lsc_derive_counts_fini(&s.accounts);
    return st;
}
