/* Scoring: one streaming pass, one output row per input row (scorer.h).
 *
 * For each row the linear predictor is accumulated column by column from the
 * model's encoders (the same arithmetic the trainer's design applies), then
 * p = 1 / (1 + exp(-eta)), score = clamp(round(100 p), 1, 100) and the tier
 * from the cut-offs. Memory is the model plus one record.
 */
#include "scorer.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "alloc.h"
#include "header_match.h"
#include "mathfn.h"
#include "progress.h"
#include "status_internal.h"
#include "util.h"

static const char *tier_of(int score, double hot, double warm)
{
    if ((double)score >= hot)
        return "hot";
    if ((double)score >= warm)
        return "warm";
    return "cold";
}

/* The largest magnitude of an existing rule score (--rule-score-column). */
#define LSC_RULE_SCORE_MAX 1e9

/* Per-row scratch of one pass. */
struct pass {
    size_t lead;      /* the row's lead in the activity log (SIZE_MAX: none) */
    int lead_found;   /* lead is the current row's */
    size_t agg_type;  /* the type agg holds (for the row's lead), SIZE_MAX: none */
    struct lsc_event_agg agg;
    long lead_first;
    int has_first;
    int non_ascii;       /* the reader has read a byte >= 0x80 (check_text) */
    unsigned char *seen; /* per lead of the activity log: an input row had it */
    double *contrib;  /* per model column, when reasons are wanted */
    double *values;   /* per model column: the drift value */
    size_t *level;    /* per model column: its level, for interactions */
    struct lsc_rule_result res;
    char reason[512];
    char shown[176]; /* a value as an error message shows it (40 bytes escaped) */
    char *key;       /* an account key */
    size_t key_cap;
};

/* ---- encode ---------------------------------------------------------------- */

/* A numeric column's value x (the median when missing); 0 with the reason
 * when the text is not a number or date. */
static int numeric_value(const struct lsc_scorer *s, struct pass *p,
                         const struct lsc_column_enc *c, const char *v, size_t len,
                         int *missing, double *x)
{
    *x = c->median;
    if (c->derived == DERIVE_EVENT) {
        size_t j = (size_t)(c - s->m->columns);
        if (!p->lead_found) {
            p->lead = *missing ? SIZE_MAX : lsc_events_lead_find(s->events, v, len);
            p->lead_found = 1;
            p->agg_type = SIZE_MAX;
            p->has_first = lsc_events_lead_first_day(s->events, p->lead, &p->lead_first);
            if (p->lead != SIZE_MAX)
                p->seen[p->lead] = 1;
        }
        if (p->agg_type != s->ev_type[j] || p->agg_type == SIZE_MAX) {
            /* a type's columns follow each other: one look-up per type */
            lsc_events_agg(s->events, p->lead, s->ev_type[j], &p->agg);
            p->agg_type = s->ev_type[j];
        }
        *x = lsc_event_stat_value(&p->agg, c->event_stat, s->ev_window[j], s->as_of,
                                  p->has_first ? &p->lead_first : NULL);
        *missing = isnan(*x);
        if (*missing)
            *x = c->median;
    } else if (c->derived == DERIVE_ACCOUNT) {
        size_t k = 1, klen = 0;
        if (!*missing && !lsc_account_key_buf(&p->key, &p->key_cap, v, len, &klen)) {
            snprintf(p->reason, sizeof p->reason, "out of memory");
            return 0;
        }
        if (!*missing)
            k = lsc_accounts_count(s->ref, p->key, klen) +
                lsc_derive_counts_get(&s->accounts, p->key, klen);
        *x = (double)(k ? k : 1);
        *missing = 0;
    } else if (c->derived == DERIVE_DAYS_SINCE) {
        if (!*missing && !lsc_derive_days_since_fmt(v, len, s->date_format, s->as_of, x)) {
            lsc_escape_bytes(v, len > 40 ? 40 : len, p->shown, sizeof p->shown);
            snprintf(p->reason, sizeof p->reason, "column \"%s\": not a date (%s%s): \"%s\"%s",
                     c->source, s->date_format ? s->date_format : "YYYY-MM-DD",
                     s->date_format ? " or YYYY-MM-DD" : "", p->shown,
                     s->date_format ? "" : " (another format: --date-format, e.g. %d/%m/%Y)");
            return 0;
        }
    } else if (!*missing && !lsc_parse_number_dc(v, len, s->o->decimal_comma, x)) {
        /* escaped: a NUL byte no longer cuts the message, an ESC reaches no
         * terminal */
        lsc_escape_bytes(v, len > 40 ? 40 : len, p->shown, sizeof p->shown);
        snprintf(p->reason, sizeof p->reason, "column \"%s\": not a number: \"%s\"%s", c->name,
                 p->shown,
                 !s->o->decimal_comma && lsc_looks_decimal_comma(v, len)
                     ? " (a decimal comma: score with --decimal-comma)"
                 : s->o->decimal_comma && memchr(v, '.', len) != NULL
                     ? " (with --decimal-comma a number has no '.')"
                     : "");
        return 0;
    }
    return 1;
}

/* The part of a categorical column; counts a value not seen in training. */
static double categorical_part(const struct lsc_model *m, const struct lsc_column_enc *c,
                               const char *v, size_t len, int missing, size_t *unseen,
                               double *value, size_t *level_out)
{
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
    /* drift: a value unseen in training is its own bin unless the column
     * pools into (other) */
    *value = fresh && c->other == SIZE_MAX ? -1.0 : (double)level;
    *level_out = level;
    return c->level_feature[level] != LSC_NO_FEATURE ? m->coef[c->level_feature[level]] : 0.0;
}

/* Returns 1 and sets *eta, or 0 with p->reason filled. A predictor that is
 * not finite (1e308 in a numeric column, say) is a reject naming the column
 * where the sum stopped being finite: no NaN or infinity reaches a consumer. */
static int row_eta(const struct lsc_scorer *s, struct pass *p, const struct csv_record *rec,
                   double *eta, size_t *unseen)
{
    const struct lsc_model *m = s->m;
    double e = m->coef[0];
    p->lead_found = 0;
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const char *v = rec->fields[s->col_of[j]];
        size_t len = rec->lens[s->col_of[j]];
        lsc_trim_span(&v, &len);
        int missing = lsc_is_na_token(v, len, &s->na);
        double part;
        if (c->type == LSC_COL_NUMERIC) {
            double x;
            if (!numeric_value(s, p, c, v, len, &missing, &x))
                return 0;
            p->values[j] = missing ? NAN : x;
            part = m->coef[c->feature] * ((x - c->mean) / c->sd);
            if (c->missing_feature != LSC_NO_FEATURE && missing)
                part += m->coef[c->missing_feature];
        } else if (c->type == LSC_COL_BINNED) {
            double x;
            if (!numeric_value(s, p, c, v, len, &missing, &x))
                return 0;
            p->values[j] = missing ? NAN : x;
            p->level[j] = lsc_binned_level(c, missing ? NAN : x);
            part = p->level[j] > c->n_cuts ? m->coef[c->missing_feature]
                                           : lsc_bin_effect(m, c, p->level[j]);
        } else {
            part = categorical_part(m, c, v, len, missing, unseen, &p->values[j], &p->level[j]);
        }
        e += part;
        if (p->contrib != NULL)
            p->contrib[j] = part;
        if (!isfinite(e)) {
            char shown[64];
            lsc_escape_bytes(v, len > 40 ? 40 : len, shown, sizeof shown);
            snprintf(p->reason, sizeof p->reason,
                     "%s:%zu:%zu: column \"%s\": the value \"%s\" makes the score "
                     "non-finite (the linear predictor is %s); not scored",
                     s->file, rec->line, s->col_of[j] + 1, c->name, shown,
                     isnan(e) ? "NaN" : e > 0 ? "+inf" : "-inf");
            return 0;
        }
    }
    for (size_t k = 0; k < m->n_pairs; k++) {
        const struct lsc_pair *pr = &m->pairs[k];
        double part = lsc_pair_effect(m, pr, pr->group[0][p->level[pr->col[0]]],
                                      pr->group[1][p->level[pr->col[1]]]);
        e += part;
        if (p->contrib != NULL)
            p->contrib[m->n_columns + k] = part;
    }
    if (!isfinite(e)) {
        snprintf(p->reason, sizeof p->reason, "%s:%zu: the interactions make the score non-finite",
                 s->file, rec->line);
        return 0;
    }
    *eta = e;
    return 1;
}

/* The first rule condition that could not be evaluated, for the warning:
 * which rule, column and value, and what was expected. */
static void note_unevaluable(const struct lsc_scorer *s, const struct lsc_rule_result *res,
                             const struct csv_record *rec, struct lsc_score_summary *sum)
{
    size_t f = res->unevaluable_field;
    const char *v = f < rec->nfields ? rec->fields[f] : "";
    size_t len = f < rec->nfields ? rec->lens[f] : 0;
    char shown[176], want[160];
    lsc_trim_span(&v, &len);
    lsc_escape_bytes(v, len > 40 ? 40 : len, shown, sizeof shown);
    if (res->unevaluable_date)
        snprintf(want, sizeof want, "not a date in the format %s%s",
                 res->unevaluable_format ? res->unevaluable_format : "YYYY-MM-DD",
                 res->unevaluable_format
                     ? " or YYYY-MM-DD"
                     : "; declare the sheet's (a \"date format\" setting) or give --date-format, "
                       "e.g. %d/%m/%Y");
    else
        snprintf(want, sizeof want, "not a number%s",
                 !s->o->decimal_comma && lsc_looks_decimal_comma(v, len)
                     ? " (a decimal comma: score with --decimal-comma)"
                     : "");
    snprintf(sum->rule_unevaluable_example, sizeof sum->rule_unevaluable_example,
             "rule %s, column \"%s\", %s:%zu:%zu: \"%s\" is %s", res->unevaluable_id,
             f < s->nfields && s->field_names != NULL ? s->field_names[f] : "?", s->file,
             rec->line, f + 1, shown, want);
}

/* The rules' stage: the sheet's evaluation, or the rule score column. */
static enum lsc_status rule_stage(const struct lsc_scorer *s, struct pass *p,
                                  struct lsc_scored_row *row, struct lsc_score_summary *sum,
                                  double *rule_sum, struct lsc_error *err)
{
    const struct csv_record *rec = row->rec;
    if (s->rules != NULL && !row->ragged) {
        enum lsc_status st =
            lsc_rules_eval(s->rules, rec->nfields, rec->fields, rec->lens, &p->res, err);
        if (st != LSC_OK)
            return st;
        row->rule = &p->res;
        if (p->res.error != NULL) {
            sum->rule_errors++;
            return LSC_OK;
        }
        sum->rule_scored++;
        if (p->res.n_unevaluable > 0 && sum->rule_unevaluable_example[0] == '\0')
            note_unevaluable(s, &p->res, rec, sum);
        sum->rule_unevaluable += p->res.n_unevaluable;
        sum->rule_qualified += p->res.qualified == 1;
        *rule_sum += p->res.score;
        row->has_rule_score = isfinite(p->res.score);
        row->rule_score = p->res.score;
        row->rule_tier = p->res.tier;
    } else if (s->o->rule_score_column != NULL && !row->ragged) {
        double v = NAN;
        const char *t = rec->fields[s->rule_col];
        size_t len = rec->lens[s->rule_col];
        lsc_trim_span(&t, &len);
        /* finite by contract; beyond +-1e9 points (the rules engine's own
         * bound) a sum or a mean of such scores could overflow */
        if (lsc_parse_number_dc(t, len, s->o->decimal_comma, &v) &&
            fabs(v) <= LSC_RULE_SCORE_MAX) {
            row->has_rule_score = 1;
            row->rule_score = v;
            row->rule_tier = v >= s->o->rule_tier_hot ? "hot"
                             : (v >= s->o->rule_tier_warm ? "warm" : "cold");
            row->rule_text = t;
            row->rule_text_len = len;
            sum->rule_scored++;
            *rule_sum += v;
        } else {
            sum->rule_unevaluable++;
        }
    }
    return LSC_OK;
}

/* A value the scorer compares as text must be UTF-8, as training requires
 * (dataset.c): a Latin-1 "Espa\xF1a" would otherwise silently match no
 * level and no rule. 0 with p->reason filled for the first that is not. */
static int check_text(const struct lsc_scorer *s, struct pass *p, const struct csv_record *rec)
{
    if (!p->non_ascii) /* the reader has read ASCII only so far */
        return 1;
    for (size_t k = 0; k < s->n_text; k++) {
        const char *v = rec->fields[s->text_of[k]];
        size_t len = rec->lens[s->text_of[k]], bad = 0;
        if (lsc_utf8_valid(v, len, &bad))
            continue;
        lsc_escape_bytes(v, len > 40 ? 40 : len, p->shown, sizeof p->shown);
        snprintf(p->reason, sizeof p->reason,
                 "%s:%zu:%zu: value \"%s\" of column \"%s\" is not valid UTF-8 (byte 0x%02X): "
                 "the file is not UTF-8 text; " LSC_ENCODING_HINT,
                 s->file, rec->line, s->text_of[k] + 1, p->shown, s->text_names[k],
                 (unsigned)(unsigned char)v[bad]);
        return 0;
    }
    return 1;
}

/* Encode and predict one record into row. */
static enum lsc_status score_record(const struct lsc_scorer *s, struct pass *p,
                                    const struct csv_record *rec, struct lsc_scored_row *row,
                                    struct lsc_score_summary *sum, double *score_sum,
                                    double *rule_sum, struct lsc_error *err)
{
    memset(row, 0, sizeof *row);
    row->row = ++sum->rows;
    row->rec = rec;
    row->ok = 1;
    row->ragged = rec->nfields != s->nfields;
    row->reason = p->reason;
    p->reason[0] = '\0';
    double eta = 0.0;
    if (!row->ragged && !check_text(s, p, rec)) {
        /* neither the model nor the rules can read the row */
        row->ok = 0;
        sum->rejected++;
        sum->rejected_not_utf8++;
        return LSC_OK;
    }
    if (row->ragged) {
        row->ok = 0;
        snprintf(p->reason, sizeof p->reason, "line %zu: expected %zu fields, found %zu",
                 rec->line, s->nfields, rec->nfields);
    } else if (s->m != NULL) {
        row->ok = row_eta(s, p, rec, &eta, &sum->unseen_levels);
    }
    if (s->m != NULL && row->ok) {
        row->probability = lsc_mathfn_sigmoid(eta);
        row->score = lsc_score_from_probability(row->probability);
        row->tier = tier_of(row->score, s->hot, s->warm);
        row->contrib = p->contrib;
        row->values = p->values;
        sum->scored++;
        *score_sum += row->score;
        sum->hot += row->tier[0] == 'h';
        sum->warm += row->tier[0] == 'w';
        sum->cold += row->tier[0] == 'c';
    }
    sum->rejected += !row->ok;
    return rule_stage(s, p, row, sum, rule_sum, err);
}

/* ---- the header ------------------------------------------------------------- */

/* A column named on the command line: exactly (a name given twice is an
 * error), else the one column equal to it ignoring case (noted for the
 * summary), else the usage error naming the nearest column and the header. */
static enum lsc_status find_named(struct lsc_scorer *s, const struct csv_record *h,
                                  const char *name, const char *option, size_t *out,
                                  struct lsc_error *err)
{
    enum header_how how;
    enum lsc_status st = lsc_csv_header_column(h, name, s->file, out, err);
    if (st != LSC_OK || *out != SIZE_MAX)
        return st;
    *out = lsc_header_match(h->nfields, h->fields, h->lens, name, &how);
    if (*out == SIZE_MAX)
        return lsc_header_unknown(err, LSC_ERR_USAGE, s->file, h->line, 0, option, name, how,
                                  h->nfields, h->fields, h->lens);
    const char *f = h->fields[*out];
    size_t len = h->lens[*out], used = strlen(s->icase_notes);
    lsc_trim_span(&f, &len);
    snprintf(s->icase_notes + used, sizeof s->icase_notes - used, "%s%s \"%s\" is column \"%.*s\"",
             used ? "; " : "", option, name, (int)len, f);
    return LSC_OK;
}

/* An id column found ignoring case keeps the input's spelling in the
 * output (its name is then the scorer's copy). */
static enum lsc_status id_as_spelled(struct lsc_scorer *s, const struct csv_record *h, size_t k,
                                     struct lsc_error *err)
{
    const char *f = h->fields[s->id_of[k]];
    size_t len = h->lens[s->id_of[k]];
    lsc_trim_span(&f, &len);
    if (strlen(s->id_names[k]) == len && memcmp(s->id_names[k], f, len) == 0)
        return LSC_OK;
    if (s->id_owned == NULL && (s->id_owned = lsc_calloc(s->n_ids, sizeof *s->id_owned)) == NULL)
        return lsc_error_nomem(err);
    if ((s->id_owned[k] = lsc_strndup(f, len)) == NULL)
        return lsc_error_nomem(err);
    s->id_names[k] = s->id_owned[k];
    return LSC_OK;
}

static enum lsc_status map_model(struct lsc_scorer *s, const struct csv_record *h,
                                 struct lsc_error *err)
{
    const struct lsc_model *m = s->m;
    for (size_t j = 0; m != NULL && j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        const char *name = c->derived ? c->source : c->name;
        enum lsc_status st = lsc_csv_header_column(h, name, s->file, &s->col_of[j], err);
        if (st != LSC_OK)
            return st;
        if (s->col_of[j] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, s->file, h->line, 0,
                                 "the model needs column \"%s\"%s%s%s, which the input lacks",
                                 name, c->derived ? " (for \"" : "", c->derived ? c->name : "",
                                 c->derived ? "\")" : "");
    }
    for (size_t k = 0; k < s->n_ids; k++) {
        enum lsc_status st = s->o->ids.count
                                 ? find_named(s, h, s->id_names[k], "--id", &s->id_of[k], err)
                                 : lsc_csv_header_column(h, s->id_names[k], s->file, &s->id_of[k],
                                                         err);
        if (st != LSC_OK)
            return st;
        if (s->id_of[k] != SIZE_MAX && (st = id_as_spelled(s, h, k, err)) != LSC_OK)
            return st;
        if (s->id_of[k] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, s->file, h->line, 0,
                                 "id column \"%s\" is not in the input%s", s->id_names[k],
                                 s->o->ids.count ? "" : " (choose others with --id)");
    }
    return LSC_OK;
}

/* Each activity-log feature's type and window in the log (SIZE_MAX: the
 * log has no events of the type), and the leads' marks. */
static enum lsc_status map_events(struct lsc_scorer *s, struct pass *p, struct lsc_error *err)
{
    const struct lsc_model *m = s->m;
    if (s->events == NULL || m == NULL)
        return LSC_OK;
    const struct lsc_events_spec *sp = lsc_events_spec(s->events);
    size_t n = m->n_columns ? m->n_columns : 1, leads = lsc_events_n_leads(s->events);
    s->ev_type = lsc_calloc(n, sizeof *s->ev_type);
    s->ev_window = lsc_calloc(n, sizeof *s->ev_window);
    p->seen = lsc_calloc(leads ? leads : 1, 1);
    if (s->ev_type == NULL || s->ev_window == NULL || p->seen == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct lsc_column_enc *c = &m->columns[j];
        if (c->derived != DERIVE_EVENT)
            continue;
        s->ev_type[j] = lsc_events_type_find(s->events, c->event_type, strlen(c->event_type));
        s->ev_window[j] = SIZE_MAX;
        for (size_t k = 0; k < sp->n_windows; k++)
            if (sp->windows[k] == c->event_window)
                s->ev_window[j] = k;
    }
    return LSC_OK;
}

/* An optional column named by an option (--rule-score-column, --label). */
static enum lsc_status map_option(struct lsc_scorer *s, const struct csv_record *h,
                                  const char *name, const char *option, size_t *out,
                                  struct lsc_error *err)
{
    *out = SIZE_MAX;
    return name != NULL ? find_named(s, h, name, option, out, err) : LSC_OK;
}

/* The fields to check with check_text(): the model's categorical columns,
 * the rules' columns, the label; none when the reader decodes the input. */
static enum lsc_status map_text(struct lsc_scorer *s, const struct csv_record *h,
                                struct lsc_error *err)
{
    const struct lsc_model *m = s->m;
    if (s->o->encoding != LSC_ENCODING_UTF8)
        return LSC_OK;
    s->text_of = lsc_calloc(h->nfields ? h->nfields : 1, sizeof *s->text_of);
    s->text_names = lsc_calloc(h->nfields ? h->nfields : 1, sizeof *s->text_names);
    if (s->text_of == NULL || s->text_names == NULL)
        return lsc_error_nomem(err);
    for (size_t f = 0; f < h->nfields; f++) {
        int reads = f == s->label_col || (s->rules != NULL && lsc_rules_reads_field(s->rules, f));
        for (size_t j = 0; m != NULL && !reads && j < m->n_columns; j++)
            reads = s->col_of[j] == f && m->columns[j].type == LSC_COL_CATEGORICAL;
        if (!reads)
            continue;
        const char *name = h->fields[f];
        size_t len = h->lens[f];
        lsc_trim_span(&name, &len);
        if ((s->text_names[s->n_text] = lsc_strndup(name, len)) == NULL)
            return lsc_error_nomem(err);
        s->text_of[s->n_text++] = f;
    }
    return LSC_OK;
}

/* Every header name, trimmed, for messages. */
static enum lsc_status keep_names(struct lsc_scorer *s, const struct csv_record *h,
                                  struct lsc_error *err)
{
    s->field_names = lsc_calloc(h->nfields ? h->nfields : 1, sizeof *s->field_names);
    if (s->field_names == NULL)
        return lsc_error_nomem(err);
    for (size_t f = 0; f < h->nfields; f++) {
        const char *name = h->fields[f];
        size_t len = h->lens[f];
        lsc_trim_span(&name, &len);
        if ((s->field_names[f] = lsc_strndup(name, len)) == NULL)
            return lsc_error_nomem(err);
    }
    return LSC_OK;
}

static enum lsc_status map_header(struct lsc_scorer *s, struct pass *p,
                                  const struct csv_record *h, struct lsc_error *err)
{
    const struct lsc_model *m = s->m;
    const struct lsc_score_options *o = s->o;
    size_t ncols = m ? m->n_columns : 0;
    enum lsc_status st;
    s->nfields = h->nfields;
    s->col_of = lsc_calloc(ncols ? ncols : 1, sizeof *s->col_of);
    p->values = lsc_calloc(ncols ? ncols : 1, sizeof *p->values);
    p->level = lsc_calloc(ncols ? ncols : 1, sizeof *p->level);
    /* reasons: a contribution per column, then per interaction */
    size_t nparts = ncols + (m ? m->n_pairs : 0);
    if (p->level == NULL || (o->reasons > 0 && m != NULL &&
                             (p->contrib = lsc_calloc(nparts ? nparts : 1, sizeof *p->contrib)) == NULL))
        return lsc_error_nomem(err);
    s->n_ids = o->ids.count ? o->ids.count : (m ? m->n_ids : 0);
    s->id_of = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *s->id_of);
    s->id_names = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *s->id_names);
    if (s->col_of == NULL || p->values == NULL || s->id_of == NULL || s->id_names == NULL)
        return lsc_error_nomem(err);
    for (size_t k = 0; k < s->n_ids; k++)
        s->id_names[k] = o->ids.count ? o->ids.items[k] : m->ids[k];
    if ((st = map_model(s, h, err)) != LSC_OK || (st = map_events(s, p, err)) != LSC_OK ||
        (st = map_option(s, h, o->rule_score_column, "--rule-score-column", &s->rule_col,
                         err)) != LSC_OK ||
        (st = map_option(s, h, o->label, "--label", &s->label_col, err)) != LSC_OK)
        return st;
    if (s->rules != NULL) {
        if ((st = lsc_rules_bind(s->rules, h->nfields, h->fields, h->lens, err)) != LSC_OK ||
            (st = lsc_rule_result_init(&p->res, s->rules)) != LSC_OK)
            return st;
    }
    if ((st = keep_names(s, h, err)) != LSC_OK)
        return st;
    return map_text(s, h, err);
}

/* ---- read ------------------------------------------------------------------- */

/* One row's lead toward the model's account count: its account key
 * counted in s->accounts, unless the reference counts this lead already
 * (its id among the reference's leads of that account). */
static enum lsc_status count_model_account(struct lsc_scorer *s, const struct csv_record *rec,
                                           size_t field, struct lsc_error *err)
{
    size_t len = 0, klen = 0, idlen = 0;
    if (field >= rec->nfields)
        return LSC_OK;
    const char *v = rec->fields[field];
    len = rec->lens[field];
    lsc_trim_span(&v, &len);
    if (lsc_is_na_token(v, len, &s->na))
        return LSC_OK;
    if (!lsc_account_key_buf(&s->key, &s->key_cap, v, len, &klen))
        return lsc_error_nomem(err);
    if (s->ref_id_field < rec->nfields) {
        const char *id = rec->fields[s->ref_id_field];
        idlen = rec->lens[s->ref_id_field];
        lsc_trim_span(&id, &idlen);
        uint32_t k = lsc_accounts_find(s->ref, s->key, klen);
        int known = lsc_is_na_token(id, idlen, &s->na)
                        ? 0
                        : lsc_accounts_has_lead(s->ref, k, id, idlen, &s->lead, &s->lead_cap);
        if (known < 0)
            return lsc_error_nomem(err);
        if (known) {
            s->recognised++;
            return LSC_OK;
        }
    }
    return lsc_derive_counts_add(&s->accounts, s->key, klen, NULL, err);
}

/* The header of the account pass: the model's account field (*field,
 * SIZE_MAX if none) and its reference's id field; the rules count
 * against the model's reference when they read the same column. */
static enum lsc_status account_header(struct lsc_rules *rules, struct lsc_scorer *s,
                                      size_t model_col, const struct csv_record *h,
                                      const char *name, size_t *field, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    *field = SIZE_MAX;
    s->ref_id_field = SIZE_MAX;
    if (model_col != SIZE_MAX) {
        const struct lsc_column_enc *c = &s->m->columns[model_col];
        if ((st = lsc_csv_header_column(h, c->source, name, field, err)) != LSC_OK)
            return st;
        if (*field == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, name, h->line, 0,
                                 "the model needs column \"%s\" (for \"%s\"), which the input "
                                 "lacks",
                                 c->source, c->name);
        if (s->ref != NULL && s->ref->leads != NULL && s->ref->id_column != NULL &&
            (st = lsc_csv_header_column(h, s->ref->id_column, name, &s->ref_id_field, err)) !=
                LSC_OK)
            return st;
        s->ref_id_missing = s->ref != NULL && s->ref->leads != NULL && s->ref->id_column != NULL &&
                            s->ref_id_field == SIZE_MAX;
    }
    if (rules == NULL)
        return LSC_OK;
    const char *col = lsc_rules_account_column(rules);
    if (s->o->accounts == NULL && s->ref != NULL && *field != SIZE_MAX && col != NULL &&
        lsc_csv_header_find(h->nfields, h->fields, h->lens, col, 1, NULL) == *field) {
        lsc_rules_set_accounts(rules, s->ref);
        s->rules_ref = s->ref;
    }
    lsc_rules_clear_accounts(rules);
    return lsc_rules_bind(rules, h->nfields, h->fields, h->lens, err);
}

/* The first pass: account sizes (the rules' and the model's "leads per
 * account" feature) need every row before the first score. Memory grows
 * with the number of accounts, not rows. rules may be NULL; model_col is
 * the model column of the account feature, SIZE_MAX if none. */
static enum lsc_status count_accounts(struct lsc_rules *rules, struct lsc_scorer *s,
                                      size_t model_col, struct csv_reader *r,
                                      struct lsc_error *err)
{
    const struct lsc_score_options *o = s->o;
    const struct csv_record *rec = NULL;
    size_t field = SIZE_MAX, rows = 0;
    enum lsc_status st = lsc_csv_reader_next(r, &rec, err);
    if (st != LSC_OK || rec == NULL)
        return st;
    if ((st = account_header(rules, s, model_col, rec, lsc_csv_reader_name(r), &field, err)) !=
        LSC_OK)
        return st;
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
        if (field != SIZE_MAX && (st = count_model_account(s, rec, field, err)) != LSC_OK)
            return st;
    }
}

/* Copies src (stdin, a FIFO, a device) to an anonymous temporary file for
 * a second pass; name is src's in messages. */
static enum lsc_status spool(FILE *src, const char *name, FILE **out, struct lsc_error *err)
{
    char buf[1 << 16];
    size_t n;
    FILE *tmp = tmpfile();
    if (tmp == NULL)
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "cannot create a temporary file to spool the input: %s",
                             strerror(errno));
    while ((n = fread(buf, 1, sizeof buf, src)) > 0)
        if (fwrite(buf, 1, n, tmp) != n) {
            fclose(tmp);
            return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "spooling the input failed: %s",
                                 strerror(errno));
        }
    if (ferror(src) || fflush(tmp) != 0 || fseek(tmp, 0, SEEK_SET) != 0) {
        fclose(tmp);
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "reading the input failed: %s",
                             strerror(errno));
    }
    *out = tmp;
    return LSC_OK;
}

/* For two passes: a spool of any input that cannot be read twice (not a
 * regular file: "-", a FIFO, /dev/stdin, <(...)); *out stays NULL for a
 * regular file. */
static enum lsc_status spool_if_needed(const char *input, FILE **out, struct lsc_error *err)
{
    *out = NULL;
    if (strcmp(input, "-") == 0)
        return spool(stdin, "<stdin>", out, err);
    if (lsc_input_rereadable(input))
        return LSC_OK; /* a regular file, or a missing one the reader reports */
    FILE *src = fopen(input, "rb");
    if (src == NULL)
        return lsc_error_set(err, LSC_ERR_IO, input, 0, 0, "%s", strerror(errno));
    enum lsc_status st = spool(src, input, out, err);
    fclose(src);
    return st;
}

static enum lsc_status open_input(const struct lsc_score_options *o, FILE *spooled,
                                  struct csv_reader **r, struct lsc_error *err)
{
    struct csv_reader_opts ropts = {o->delimiter, 1, o->max_field_size};
    enum lsc_status st =
        spooled != NULL
            ? lsc_csv_reader_open_stream(r, spooled,
                                         strcmp(o->input, "-") == 0 ? "<stdin>" : o->input, &ropts,
                                         err)
            : lsc_csv_reader_open(r, o->input, &ropts, err);
    return st == LSC_OK ? lsc_csv_reader_set_encoding(*r, o->encoding, err) : st;
}

/* The account pass, when the model or the rules need one. */
static enum lsc_status account_pass(struct lsc_scorer *s, FILE **spooled, struct lsc_error *err)
{
    struct csv_reader *r = NULL;
    size_t account_col = SIZE_MAX;
    if (s->m != NULL)
        (void)lsc_derive_model_needs_accounts(s->m, &account_col);
    int rules_pass = s->rules != NULL && lsc_rules_needs_accounts(s->rules);
    if (!rules_pass && account_col == SIZE_MAX)
        return LSC_OK;
    enum lsc_status st = spool_if_needed(s->o->input, spooled, err);
    if (st == LSC_OK && (st = open_input(s->o, *spooled, &r, err)) == LSC_OK)
        st = count_accounts(rules_pass ? s->rules : NULL, s, account_col, r, err);
    lsc_csv_reader_free(r);
    if (st == LSC_OK && *spooled != NULL && fseek(*spooled, 0, SEEK_SET) != 0)
        st = lsc_error_set(err, LSC_ERR_IO, s->o->input, 0, 0, "cannot rewind the spool: %s",
                           strerror(errno));
    return st;
}

/* ---- the pass ---------------------------------------------------------------- */

static enum lsc_status rows_loop(struct lsc_scorer *s, struct pass *p, struct csv_reader *r,
                                 const struct lsc_row_consumer *consumers, size_t n,
                                 struct lsc_score_summary *sum, struct lsc_error *err)
{
    const struct lsc_score_options *o = s->o;
    const struct csv_record *rec = NULL;
    double score_sum = 0.0, rule_sum = 0.0;
    enum lsc_status st = LSC_OK;
    for (;;) {
        if ((st = lsc_csv_reader_next(r, &rec, err)) != LSC_OK)
            return st;
        if (rec == NULL)
            break;
        struct lsc_scored_row row;
        p->non_ascii = lsc_csv_reader_non_ascii(r);
        if ((st = score_record(s, p, rec, &row, sum, &score_sum, &rule_sum, err)) != LSC_OK)
            return st;
        progress_tick(o->progress, o->progress_userdata, r, sum->rows);
        for (size_t k = 0; k < n; k++)
            if ((st = consumers[k].row(consumers[k].ctx, s, &row, err)) != LSC_OK)
                return st;
    }
    progress_report(o->progress, o->progress_userdata, r, sum->rows, 1);
    sum->mean_score = sum->scored ? score_sum / (double)sum->scored : NAN;
    sum->mean_rule_score = sum->rule_scored ? rule_sum / (double)sum->rule_scored : NAN;
    lsc_csv_reader_sha256_hex(r, s->input_sha256);
    s->looks_utf8 = lsc_csv_reader_looks_utf8(r);
    return LSC_OK;
}

enum lsc_status lsc_scorer_run(struct lsc_scorer *s, const struct lsc_model *m,
                               const struct lsc_score_options *o,
                               const struct lsc_row_consumer *consumers, size_t n,
                               struct lsc_score_summary *sum, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    FILE *spooled = NULL;
    struct pass p;
    const struct lsc_events *events = s->events;
    memset(&p, 0, sizeof p);
    memset(s, 0, sizeof *s);
    s->events = events;
    s->m = m;
    s->o = o;
    s->rules = o->rules;
    s->hot = o->tiers_set || m == NULL ? o->tier_hot : m->tier_hot;
    s->warm = o->tiers_set || m == NULL ? o->tier_warm : m->tier_warm;
    s->date_format = o->date_format != NULL ? o->date_format
                     : m != NULL               ? lsc_model_date_format(m)
                                               : NULL;
    if (m != NULL) {
        s->na.items = (const char *const *)m->na_values;
        s->na.count = m->n_na_values;
        s->ref = m->accounts;
    }
    if (o->accounts != NULL) {
        s->ref = o->accounts;
        if (s->rules != NULL) {
            lsc_rules_set_accounts(s->rules, o->accounts);
            s->rules_ref = o->accounts;
        }
    }
    s->as_of = lsc_scorer_as_of(o);
    if ((st = account_pass(s, &spooled, err)) != LSC_OK ||
        (st = open_input(o, spooled, &r, err)) != LSC_OK)
        goto cleanup;
    s->file = lsc_csv_reader_name(r);
    if ((st = lsc_csv_reader_next(r, &rec, err)) != LSC_OK)
        goto cleanup;
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, s->file, 0, 0, "empty file: a header row is required");
        goto cleanup;
    }
    if ((st = map_header(s, &p, rec, err)) != LSC_OK)
        goto cleanup;
    for (size_t k = 0; k < n; k++)
        if (consumers[k].begin != NULL &&
            (st = consumers[k].begin(consumers[k].ctx, s, err)) != LSC_OK)
            goto cleanup;
    st = rows_loop(s, &p, r, consumers, n, sum, err);
    for (size_t k = 0; st == LSC_OK && p.seen != NULL && k < lsc_events_n_leads(s->events); k++)
        s->events_unmatched += !p.seen[k];
cleanup:
    lsc_free(p.seen);
    s->file = NULL; /* lent by the reader */
    lsc_csv_reader_free(r);
    if (spooled != NULL)
        fclose(spooled);
    lsc_rule_result_fini(&p.res);
    lsc_free(p.contrib);
    lsc_free(p.level);
    lsc_free(p.values);
    lsc_free(p.key);
    return st;
}

long lsc_scorer_as_of(const struct lsc_score_options *o)
{
    char today[32];
    if (o->as_of_year != 0)
        return lsc_derive_day_number(o->as_of_year, o->as_of_month, o->as_of_day);
    return lsc_derive_today(today, sizeof today);
}

/* One reference in words: "model reference (901 accounts) + this batch
 * (...)", "--accounts FILE (...) + this batch", "this batch only". */
static void describe_reference(const struct lsc_scorer *s, const struct lsc_accounts *ref,
                               size_t recognised, char *buf, size_t size)
{
    size_t n = lsc_accounts_size(ref);
    const char *idc = ref != NULL ? ref->id_column : NULL;
    if (ref == NULL)
        snprintf(buf, size, "this batch only");
    else if (lsc_accounts_file(ref) != NULL)
        snprintf(buf, size, "--accounts %s (%zu accounts) + this batch", lsc_accounts_file(ref), n);
    else if (ref->leads == NULL || idc == NULL)
        snprintf(buf, size, "model reference (%zu accounts) + this batch", n);
    else if (s->ref_id_missing)
        snprintf(buf, size,
                 "model reference (%zu accounts) + this batch (it has no \"%s\" column to tell "
                 "the leads the reference already counts: all added)",
                 n, idc);
    else
        snprintf(buf, size,
                 "model reference (%zu accounts) + this batch (%zu of its leads already counted, "
                 "by \"%s\")",
                 n, recognised, idc);
}

void lsc_scorer_account_note(const struct lsc_scorer *s, char *buf, size_t size)
{
    char model[240], rules[240];
    size_t col = SIZE_MAX;
    int by_model = s->m != NULL && lsc_derive_model_needs_accounts(s->m, &col);
    int by_rules = s->rules != NULL && lsc_rules_needs_accounts(s->rules);
    buf[0] = '\0';
    if (by_model)
        describe_reference(s, s->ref, s->recognised, model, sizeof model);
    if (by_rules)
        describe_reference(s, s->rules_ref, lsc_rules_n_recognised(s->rules), rules, sizeof rules);
    if (by_model && by_rules && strcmp(model, rules) != 0)
        snprintf(buf, size, "%s for the model; %s for the rules", model, rules);
    else if (by_model || by_rules)
        snprintf(buf, size, "%s", by_model ? model : rules);
}

void lsc_scorer_as_of_text(const struct lsc_score_options *o, char *buf, size_t size)
{
    if (o->as_of_year != 0)
        snprintf(buf, size, "%04d-%02d-%02d", o->as_of_year, o->as_of_month, o->as_of_day);
    else
        (void)lsc_derive_today(buf, size);
}

void lsc_scorer_fini(struct lsc_scorer *s)
{
    lsc_free(s->ev_type);
    lsc_free(s->ev_window);
    lsc_free(s->col_of);
    lsc_free(s->id_of);
    lsc_free((void *)s->id_names);
    for (size_t k = 0; s->id_owned != NULL && k < s->n_ids; k++)
        lsc_free(s->id_owned[k]);
    lsc_free(s->id_owned);
    for (size_t k = 0; k < s->n_text; k++)
        lsc_free(s->text_names[k]);
    lsc_free(s->text_names);
    lsc_free(s->text_of);
    for (size_t k = 0; s->field_names != NULL && k < s->nfields; k++)
        lsc_free(s->field_names[k]);
    lsc_free(s->field_names);
    lsc_derive_counts_fini(&s->accounts);
    lsc_free(s->key);
    lsc_free(s->lead);
    memset(s, 0, sizeof *s);
}
