/* lsc_score: composes the scoring pass (scorer.h) with its consumers — the
 * writer of the scores and rejects (score_writer.c), the comparison with
 * the outcome (src/compare) and the drift accumulator (src/data/drift.h) —
 * and writes the reports at the end. All files of one run are committed
 * together (output_set.h), only on success. */
#include "leadscore/score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "compare.h"
#include "date.h"
#include "drift.h"
#include "label_map.h"
#include "leadscore/report.h"
#include "model_def.h"
#include "output_set.h"
#include "report_html.h"
#include "scorer.h"
#include "status_internal.h"
#include "suggest.h"
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
    if (o->date_format != NULL && !lsc_date_check_format(o->date_format))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, LSC_DATE_FORMAT_BAD, o->date_format);
    if (o->rule_score_column != NULL && o->rules != NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--rules and --rule-score-column exclude each other");
    if (o->rule_score_column != NULL &&
        !(o->rule_tier_warm < o->rule_tier_hot))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--rule-tiers: warm must be below hot");
    if (o->label == NULL && (o->compare_json != NULL || o->compare_report != NULL ||
                             o->label_positive.count > 0 || o->label_negative.count > 0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--compare-json, --compare-report, --positive and --negative need "
                             "--label COL");
    if (lsc_label_options_check(&o->label_positive, &o->label_negative, err) != LSC_OK)
        return LSC_ERR_USAGE;
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


void lsc_score_summary_fini(struct lsc_score_summary *sum)
{
    lsc_compare_free(sum->compare);
    sum->compare = NULL;
}

/* ---- the comparison: a consumer --------------------------------------------- */

struct compare_consumer {
    struct lsc_compare *cmp;
    struct label_map labels; /* the label's values: classes and counts */
    struct compare_sheet sheet;
    const char **dims;
    const char **idv;
    size_t *idl;
};

/* Sets up the comparison (opts->label): what is compared, the sheet's list
 * of rules, and the names of the id columns and dimensions. */
static enum lsc_status compare_setup(const struct lsc_model *m, const struct lsc_score_options *o,
                                     const struct lsc_scorer *s, struct compare_sheet *sheet,
                                     const char ***dims, double hot, double warm,
                                     struct lsc_compare **out, struct lsc_error *err)
{
    enum lsc_status st;
    struct compare_config cfg;
    lsc_compare_config_defaults(&cfg);
    cfg.label = o->label;
    lsc_scorer_as_of_text(o, cfg.as_of, sizeof cfg.as_of);
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
        if ((st = lsc_compare_sheet_from_rules(o->rules, sheet, err)) != LSC_OK)
            return st;
        cfg.sheet = sheet;
        *dims = lsc_calloc(nd ? nd : 1, sizeof **dims);
        if (*dims == NULL)
            return lsc_error_nomem(err);
        for (size_t k = 0; k < nd; k++)
            (*dims)[k] = lsc_rules_dimension_name(o->rules, k);
        cfg.n_dims = nd;
        cfg.dims = *dims;
        cfg.rule_tiers = sheet->has_tiers;
        if (sheet->has_tiers) {
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
    cfg.n_ids = s->n_ids;
    cfg.id_names = s->id_names;
    return lsc_compare_new(out, &cfg, err);
}


static enum lsc_status compare_begin(void *ctx, const struct lsc_scorer *s, struct lsc_error *err)
{
    struct compare_consumer *c = ctx;
    enum lsc_status st = compare_setup(s->m, s->o, s, &c->sheet, &c->dims, s->hot, s->warm,
                                       &c->cmp, err);
    if (st != LSC_OK ||
        (st = lsc_label_map_init(&c->labels, &s->o->label_positive, &s->o->label_negative,
                                 err)) != LSC_OK)
        return st;
    c->idv = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *c->idv);
    c->idl = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *c->idl);
    if (c->idv == NULL || c->idl == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

/* Every row with a label and every score is compared; the others are
 * counted. A row without a finite score never reaches the comparison. */
static enum lsc_status compare_row(void *ctx, const struct lsc_scorer *s,
                                   const struct lsc_scored_row *r, struct lsc_error *err)
{
    struct compare_consumer *c = ctx;
    const struct lsc_score_options *o = s->o;
    const struct csv_record *rec = r->rec;
    int y = LSC_LABEL_MISSING;
    if (s->label_col < rec->nfields) {
        const char *v = rec->fields[s->label_col];
        size_t len = rec->lens[s->label_col];
        lsc_trim_span(&v, &len);
        if (!lsc_is_na_token(v, len, NULL) &&
            (y = lsc_label_map_add(&c->labels, v, len, 1)) == LABEL_NOMEM)
            return lsc_error_nomem(err);
    }
    if (y == LABEL_SKIPPED) {
        lsc_compare_skip(c->cmp, COMPARE_SKIP_VALUE);
        return LSC_OK;
    }
    if (y == LSC_LABEL_UNKNOWN) {
        const char *v = rec->fields[s->label_col];
        size_t len = rec->lens[s->label_col];
        lsc_trim_span(&v, &len);
        return lsc_error_set(err, LSC_ERR_DATA, s->file, rec->line, s->label_col + 1,
                             "label \"%s\": \"%.*s\" is not 1/0, true/false, yes/no or "
                             "y/n; say which values mean converted with --positive VALUE",
                             o->label, (int)(len > 40 ? 40 : len), v);
    }
    if (y == LSC_LABEL_MISSING) {
        lsc_compare_skip(c->cmp, COMPARE_SKIP_LABEL);
        return LSC_OK;
    }
    int have_rule = r->has_rule_score && isfinite(r->rule_score);
    if ((s->m != NULL && !(r->ok && !r->ragged)) ||
        ((s->rules != NULL || o->rule_score_column != NULL) && !have_rule)) {
        lsc_compare_skip(c->cmp, COMPARE_SKIP_SCORE);
        return LSC_OK;
    }
    struct compare_row crow;
    memset(&crow, 0, sizeof crow);
    for (size_t k = 0; k < s->n_ids; k++) {
        c->idv[k] = rec->fields[s->id_of[k]];
        c->idl[k] = rec->lens[s->id_of[k]];
    }
    if (s->m != NULL) {
        crow.probability = r->probability;
        crow.model_score = r->score;
        crow.model_tier = r->tier;
    }
    if (r->rule != NULL) {
        crow.dim_points = r->rule->dim_points;
        crow.hits = r->rule->hits;
        crow.n_hits = r->rule->n_hits;
    }
    if (have_rule) {
        crow.rule_score = r->rule_score;
        crow.rule_tier = r->rule_tier;
    }
    crow.row = r->row;
    crow.line = rec->line;
    crow.y = y;
    crow.ids = c->idv;
    crow.id_lens = c->idl;
    return lsc_compare_add(c->cmp, &crow, err);
}

static void compare_consumer_fini(struct compare_consumer *c)
{
    lsc_label_map_fini(&c->labels);
    lsc_compare_free(c->cmp);
    lsc_compare_sheet_fini(&c->sheet);
    lsc_free(c->dims);
    lsc_free((void *)c->idv);
    lsc_free(c->idl);
}

/* ---- drift: a consumer ----------------------------------------------------- */

static enum lsc_status drift_row(void *ctx, const struct lsc_scorer *s,
                                 const struct lsc_scored_row *r, struct lsc_error *err)
{
    struct drift_batch *b = ctx;
    (void)err;
    if (!r->ok)
        return LSC_OK; /* a rejected row is not committed */
    for (size_t j = 0; j < s->m->n_columns; j++)
        drift_batch_set(b, j, r->values[j]);
    lsc_drift_batch_commit(b, r->probability);
    return LSC_OK;
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

/* ---- the run ------------------------------------------------------------------ */

/* --write-suggested-sheet reads the input twice and needs the sheet's rules. */
static enum lsc_status check_suggested(const struct lsc_score_options *o, struct lsc_error *err)
{
    const char *why = NULL;
    if (o->suggested_sheet == NULL)
        return LSC_OK;
    if (o->label == NULL || o->rules == NULL)
        why = "it needs --label and --rules";
    else if (o->rules_sheet == NULL || strcmp(o->rules_sheet, "-") == 0)
        why = "the rules sheet must be a file (not stdin)";
    else if (!lsc_input_rereadable(o->input))
        why = "the compared leads are scored again with the suggested points, so the input must "
              "be a file that can be read twice (not stdin or a pipe)";
    if (why == NULL)
        return LSC_OK;
    return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--write-suggested-sheet: %s", why);
}

/* Everything that can be refused before the input is read. */
static enum lsc_status check_run(const struct lsc_model *m, const struct lsc_score_options *o,
                                 struct lsc_error *err)
{
    enum lsc_status st;
    if ((st = lsc_score_options_check(o, err)) != LSC_OK ||
        (st = lsc_score_events_check(m, o->rules, o, err)) != LSC_OK)
        return st;
    if (m == NULL && o->rules == NULL && o->rule_score_column == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "nothing to score: give a model, a rules sheet or a rule score column");
    const char *const outputs[] = {o->output,       o->rejects,        o->compare_json,
                                   o->compare_report, o->suggested_sheet, o->drift_json};
    static const char *const options[] = {"-o", "--rejects", "--compare-json", "--compare-report",
                                          "--write-suggested-sheet", "--drift-json"};
    if ((st = lsc_output_paths_distinct(outputs, options, 6, err)) != LSC_OK)
        return st;
    if ((st = check_suggested(o, err)) != LSC_OK)
        return st;
    /* every output, also those written after the scoring pass (the
     * comparison's, the drift's), can be created: refused before the work */
    for (size_t k = 0; k < 5; k++)
        if (outputs[k] != NULL && (st = lsc_outfile_probe(outputs[k], o->force, err)) != LSC_OK)
            return st;
    if (o->drift_json != NULL && (m == NULL || m->drift == NULL))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--drift-json: %s",
                             m == NULL ? "drift needs a model"
                                       : "this model has no drift reference (trained by an "
                                         "older leadscore; train it again)");
    if (o->drift_json != NULL)
        return lsc_outfile_probe(o->drift_json, o->force, err);
    return LSC_OK;
}

/* The comparison's result and its files. */
static enum lsc_status finish_compare(const struct lsc_model *m, const struct lsc_scorer *s,
                                      struct lsc_compare *cmp, struct lsc_output_set *outs,
                                      const struct lsc_log *log, struct lsc_error *err)
{
    const struct lsc_score_options *o = s->o;
    enum lsc_status st;
    FILE *fp = NULL;
    lsc_compare_set_in_sample(cmp, m != NULL && m->training_sha256 != NULL &&
                                       strcmp(s->input_sha256, m->training_sha256) == 0);
    if ((st = lsc_compare_finish(cmp, err)) != LSC_OK ||
        (o->suggested_sheet != NULL && (st = lsc_suggest_sheet(s, cmp, outs, log, err)) != LSC_OK))
        return st;
    if (o->compare_json != NULL &&
        ((st = lsc_output_set_open(outs, o->compare_json, o->force, &fp, err)) != LSC_OK ||
         (st = lsc_compare_write_json(cmp, fp, err)) != LSC_OK))
        return lsc_error_name_file(err, o->compare_json);
    if (o->compare_report != NULL &&
        ((st = lsc_output_set_open(outs, o->compare_report, o->force, &fp, err)) != LSC_OK ||
         (st = lsc_report_is_html(o->compare_report) ? lsc_compare_write_html(cmp, fp, err)
                                                     : lsc_compare_write_report(cmp, fp, err)) !=
             LSC_OK))
        return lsc_error_name_file(err, o->compare_report);
    return LSC_OK;
}

static enum lsc_status finish_drift(const struct lsc_model *m, const struct lsc_score_options *o,
                                    struct drift_batch *drift, const struct lsc_log *log,
                                    struct lsc_score_summary *sum, struct lsc_output_set *outs,
                                    struct lsc_error *err)
{
    struct drift_result dres;
    FILE *fp = NULL;
    memset(&dres, 0, sizeof dres);
    enum lsc_status st = lsc_drift_batch_result(drift, &dres, err);
    if (st == LSC_OK) {
        report_drift(m, &dres, log, sum);
        if (o->drift_json != NULL &&
            (st = lsc_output_set_open(outs, o->drift_json, o->force, &fp, err)) == LSC_OK)
            st = lsc_drift_write_json(drift, &dres, fp, o->drift_json, err);
    }
    lsc_drift_result_fini(&dres);
    return st;
}

static void log_rejects(const struct lsc_score_options *o, const struct lsc_score_summary *sum,
                        const struct lsc_log *log)
{
    if (sum->rejected > 0)
        lsc_logf(log, LSC_LOG_WARN, "%zu of %zu rows could not be scored (see the error column)",
                 sum->rejected, sum->rows);
    if (sum->rejected_not_utf8 > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu rows have text that is not UTF-8 (see the error column): the file is not "
                 "UTF-8; " LSC_ENCODING_HINT,
                 sum->rejected_not_utf8);
    if (sum->rule_errors > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu %s no rule score: points beyond +-1e9 (see the error column)",
                 sum->rule_errors, sum->rule_errors == 1 ? "lead has" : "leads have");
    if (sum->rule_unevaluable > 0 && o->rule_score_column != NULL)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu values of --rule-score-column \"%s\" are not numbers within +-1e9 points: "
                 "those rows have no rule score",
                 sum->rule_unevaluable, o->rule_score_column);
    else if (sum->rule_unevaluable > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "%zu rule conditions could not be evaluated and counted as not matched; the "
                 "first: %s",
                 sum->rule_unevaluable, sum->rule_unevaluable_example);
}

/* The as-of date of the run, and whether anything measures from it. */
static void record_as_of(const struct lsc_model *m, const struct lsc_score_options *o,
                         struct lsc_score_summary *sum)
{
    lsc_scorer_as_of_text(o, sum->as_of, sizeof sum->as_of);
    sum->as_of_used = o->rules != NULL && lsc_rules_needs_as_of(o->rules);
    for (size_t j = 0; m != NULL && j < m->n_columns; j++)
        sum->as_of_used |= m->columns[j].derived == DERIVE_DAYS_SINCE ||
                           m->columns[j].derived == DERIVE_EVENT;
}

enum lsc_status lsc_score(const struct lsc_model *m, const struct lsc_score_options *o,
                          const struct lsc_log *log, struct lsc_score_summary *sum,
                          struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_output_set outs;
    struct lsc_scorer s;
    struct lsc_score_writer *writer = NULL;
    struct compare_consumer cmp;
    struct drift_batch drift;
    struct lsc_row_consumer consumers[3];
    struct lsc_events *events = NULL;
    const struct lsc_events *use = NULL;
    size_t n = 0;
    FILE *scores = NULL, *rejects = NULL;
    lsc_output_set_init(&outs);
    memset(&s, 0, sizeof s);
    memset(&cmp, 0, sizeof cmp);
    memset(&drift, 0, sizeof drift);
    memset(sum, 0, sizeof *sum);
    record_as_of(m, o, sum);

    if ((st = check_run(m, o, err)) != LSC_OK)
        goto cleanup;
    if (m != NULL && m->drift != NULL) {
        if ((st = lsc_drift_batch_init(&drift, m, err)) != LSC_OK)
            goto cleanup;
        consumers[n++] = (struct lsc_row_consumer){&drift, NULL, drift_row};
    }
    if ((st = lsc_output_set_open(&outs, o->output, o->force, &scores, err)) != LSC_OK ||
        (o->rejects != NULL &&
         (st = lsc_output_set_open(&outs, o->rejects, o->force, &rejects, err)) != LSC_OK) ||
        (st = lsc_score_writer_new(&writer, scores, rejects, o, err)) != LSC_OK)
        goto cleanup;
    setvbuf(scores, NULL, _IOFBF, 1 << 16);
    consumers[n++] = lsc_score_writer_consumer(writer);
    if (o->label != NULL)
        consumers[n++] = (struct lsc_row_consumer){&cmp, compare_begin, compare_row};
    if ((st = lsc_score_events_load(m, o, lsc_scorer_as_of(o), log, &use, &events, err)) != LSC_OK)
        goto cleanup;
    s.events = use;
    if ((st = lsc_scorer_run(&s, m, o, consumers, n, sum, err)) != LSC_OK ||
        (st = lsc_score_writer_finish(writer, err)) != LSC_OK)
        goto cleanup;
    lsc_scorer_account_note(&s, sum->account_counts, sizeof sum->account_counts);
    if (sum->account_counts[0] != '\0')
        lsc_logf(log, LSC_LOG_NOTE, "account counts: %s", sum->account_counts);
    if (cmp.cmp != NULL &&
        (st = lsc_compare_set_account_counts(
             cmp.cmp, sum->account_counts[0] ? sum->account_counts : NULL, err)) != LSC_OK)
        goto cleanup;
    if (s.icase_notes[0] != '\0')
        lsc_logf(log, LSC_LOG_NOTE, "%s (matched ignoring case)", s.icase_notes);
    log_rejects(o, sum, log);
    if (cmp.cmp != NULL)
        lsc_label_map_notes(&cmp.labels, "label", o->label, log);
    if (s.events_unmatched > 0)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%zu lead ids of the activity log are not in the scored input: their events "
                 "were not used",
                 s.events_unmatched);
    if (s.looks_utf8)
        lsc_logf(log, LSC_LOG_WARN, LSC_LOOKS_UTF8_WARNING, strcmp(o->input, "-") == 0 ? "<stdin>" : o->input,
                 lsc_encoding_name(o->encoding));
    if (cmp.cmp != NULL && (st = finish_compare(m, &s, cmp.cmp, &outs, log, err)) != LSC_OK)
        goto cleanup;
    if (m != NULL && m->drift != NULL && drift.rows > 0 &&
        (st = finish_drift(m, o, &drift, log, sum, &outs, err)) != LSC_OK)
        goto cleanup;
    if ((st = lsc_output_set_commit(&outs, err)) != LSC_OK)
        goto cleanup;
    sum->compare = cmp.cmp;
    cmp.cmp = NULL;
cleanup:
    lsc_output_set_abort(&outs);
    lsc_score_writer_free(writer);
    compare_consumer_fini(&cmp);
    lsc_drift_batch_fini(&drift);
    lsc_scorer_fini(&s);
    lsc_events_free(events);
    return st;
}
