/* The scores writer: a consumer of the scorer (scorer.h) that writes one
 * row per input row, as CSV or JSON Lines (src/io/row_writer.h), with every
 * cell typed here, and the rejects file. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "row_writer.h"
#include "scorer.h"
#include "status_internal.h"
#include "util.h"

struct lsc_score_writer {
    struct lsc_row_writer *w;
    FILE *rejects;       /* NULL: none */
    const char *rejects_name;
    int rejects_bad;
    int rejects_errno;
    size_t *order;       /* scratch for ranking contributions */
    char *vbuf;          /* a rule column's value */
    size_t vsize;
};

/* Formats p (in [0, 1]) with `digits` decimals exactly as printf's "%.*f"
 * would: a fast integer path when p * 10^digits is not within 1e-9 of a
 * rounding tie (its floating-point error is below 1e-10), printf otherwise.
 * buf holds at least 24 bytes; returns the length. */
static size_t format_probability(char *buf, size_t size, double p, int digits)
{
    if (digits == 6 && p >= 0.0 && p <= 1.0) {
        double x = p * 1e6;
        double fl = floor(x);
        if (fabs(x - fl - 0.5) > 1e-9) {
            long r = (long)(x - fl > 0.5 ? fl + 1.0 : fl);
            buf[0] = (char)('0' + r / 1000000);
            buf[1] = '.';
            for (int k = 7; k >= 2; k--) {
                buf[k] = (char)('0' + r % 10);
                r /= 10;
            }
            return 8;
        }
    }
    int n = snprintf(buf, size, "%.*f", digits, p);
    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

/* Column j's trimmed value as a reason shows it (at most 60 bytes). */
static void shown_value(const struct lsc_scorer *s, const struct lsc_scored_row *row, size_t j,
                        const char **v, size_t *len, char *buf, size_t size)
{
    if (s->m->columns[j].derived == DERIVE_EVENT) {
        /* the count or days computed from the log, not the lead id */
        double x = row->values[j];
        if (isnan(x))
            snprintf(buf, size, "%s", LSC_LEVEL_MISSING);
        else
            lsc_format_shortest(x, buf, size);
        *v = buf;
        *len = strlen(buf);
        return;
    }
    *v = row->rec->fields[s->col_of[j]];
    *len = row->rec->lens[s->col_of[j]];
    lsc_trim_span(v, len);
    if (lsc_is_na_token(*v, *len, &s->na)) {
        *v = LSC_LEVEL_MISSING;
        *len = strlen(*v);
    }
    if (*len > 60)
        *len = 60;
}

/* " (5-8)": the bin of a binned column's value, after the value. */
static void binned_label(const struct lsc_column_enc *c, const char *v, size_t len, char *buf,
                         size_t size)
{
    double x = NAN;
    char label[64];
    if (strcmp(v, LSC_LEVEL_MISSING) != 0 && !lsc_parse_number(v, len, &x))
        return;
    lsc_bin_label(c, lsc_binned_level(c, x), label, sizeof label);
    snprintf(buf, size, " (%s)", label);
}

/* "Column=value", with its bin for a binned column, at out (size bytes
 * of room); snprintf's count. */
static int put_term(char *out, size_t size, const struct lsc_scorer *s,
                    const struct lsc_scored_row *row, size_t j)
{
    const char *v;
    size_t len;
    char bin[80] = "", num[40];
    shown_value(s, row, j, &v, &len, num, sizeof num);
    if (s->m->columns[j].type == LSC_COL_BINNED)
        binned_label(&s->m->columns[j], v, len, bin, sizeof bin);
    return snprintf(out, size, "%s=%.*s%s", s->m->columns[j].name, (int)len, v, bin);
}

/* A reason, "Column=value:+1.23" or "A=a & B=b:+0.30" for pair j - n_columns,
 * at out; 0 when it does not fit in size bytes. */
static size_t put_reason(char *out, size_t size, const struct lsc_scorer *s,
                         const struct lsc_scored_row *row, size_t j, double contrib)
{
    const struct lsc_model *m = s->m;
    size_t at = 0;
    int w;
#define ADD(expr)                                                                              \
    if ((w = (expr)) < 0 || (size_t)w >= size - at)                                            \
        return 0;                                                                              \
    at += (size_t)w;
    if (j < m->n_columns) {
        ADD(put_term(out, size, s, row, j));
    } else {
        const struct lsc_pair *pr = &m->pairs[j - m->n_columns];
        ADD(put_term(out, size, s, row, pr->col[0]));
        ADD(snprintf(out + at, size - at, " & "));
        ADD(put_term(out + at, size - at, s, row, pr->col[1]));
    }
    ADD(snprintf(out + at, size - at, s->o->precision > 6 ? ":%+.17g" : ":%+.2f", contrib));
#undef ADD
    return at;
}

/* The n strongest contributions of one sign as "Column=value:+1.23;..."
 * Contributions are beta . (x - x0) per column, x0 being the training mean
 * for numerics (0 after standardisation) and the reference level for
 * categoricals, so they and the intercept add up to the logit. */
static void put_reasons(struct lsc_score_writer *sw, const struct lsc_scorer *s,
                        const struct lsc_scored_row *row, int positive)
{
    const struct lsc_model *m = s->m;
    const double *contrib = row->contrib;
    size_t n = s->o->reasons, k = 0;
    for (size_t j = 0; j < m->n_columns + m->n_pairs; j++)
        if (positive ? contrib[j] > 0.0 : contrib[j] < 0.0)
            sw->order[k++] = j;
    /* partial selection sort: n is small */
    char buf[4096];
    size_t used = 0;
    for (size_t r = 0; r < n && r < k; r++) {
        size_t best = r;
        for (size_t i = r + 1; i < k; i++)
            if (fabs(contrib[sw->order[i]]) > fabs(contrib[sw->order[best]]))
                best = i;
        size_t t = sw->order[r];
        sw->order[r] = sw->order[best];
        sw->order[best] = t;
        size_t j = sw->order[r];
        size_t sep = r > 0 && used + 1 < sizeof buf;
        if (sep)
            buf[used++] = ';';
        size_t w = put_reason(buf + used, sizeof buf - used, s, row, j, contrib[j]);
        if (w == 0) {
            used -= sep;
            break;
        }
        used += w;
    }
    lsc_row_writer_text(sw->w, buf, used);
}

static void put_model(struct lsc_score_writer *sw, const struct lsc_scorer *s,
                      const struct lsc_scored_row *row)
{
    if (!row->ok) {
        for (size_t k = 0; k < (s->o->reasons > 0 ? 5u : 3u); k++)
            lsc_row_writer_null(sw->w);
        return;
    }
    char buf[64];
    lsc_row_writer_number(sw->w, buf,
                          format_probability(buf, sizeof buf, row->probability, s->o->precision));
    lsc_row_writer_integer(sw->w, row->score);
    lsc_row_writer_text(sw->w, row->tier, strlen(row->tier));
    if (s->o->reasons > 0) {
        put_reasons(sw, s, row, 1);
        put_reasons(sw, s, row, 0);
    }
}

/* The sheet's columns (leadscore/rules.h): rule_score, rule_tier,
 * rule_qualified, <dimension>_points..., grade[, rule_reasons]. */
static void put_rules(struct lsc_score_writer *sw, const struct lsc_scorer *s,
                      const struct lsc_scored_row *row)
{
    size_t nc = lsc_rules_n_columns(s->rules, s->o->explain_rules);
    size_t nd = lsc_rules_n_dimensions(s->rules);
    for (size_t k = 0; k < nc; k++) {
        size_t len = row->rule != NULL
                         ? lsc_rules_column_value(s->rules, row->rule, k, sw->vbuf, sw->vsize)
                         : 0;
        if (len >= sw->vsize)
            len = sw->vsize - 1;
        int number = k == 0 || k == 2 || (k >= 3 && k < 3 + nd);
        if (number)
            lsc_row_writer_number(sw->w, sw->vbuf, len);
        else
            lsc_row_writer_text(sw->w, sw->vbuf, len);
    }
}

static void put_rejects(struct lsc_score_writer *sw, const struct lsc_scored_row *row)
{
    FILE *fp = sw->rejects;
    sw->rejects_bad |= fprintf(fp, "%zu,%zu,", row->row, row->rec->line) < 0;
    sw->rejects_bad |= lsc_csv_put_field(fp, row->reason, strlen(row->reason)) != 0;
    sw->rejects_bad |= putc('\n', fp) == EOF;
    if (sw->rejects_bad && sw->rejects_errno == 0)
        sw->rejects_errno = errno;
}

static enum lsc_status write_row(void *ctx, const struct lsc_scorer *s,
                                 const struct lsc_scored_row *row, struct lsc_error *err)
{
    struct lsc_score_writer *sw = ctx;
    const struct csv_record *rec = row->rec;
    for (size_t k = 0; k < s->n_ids; k++) {
        size_t f = s->id_of[k];
        lsc_row_writer_string(sw->w, f < rec->nfields ? rec->fields[f] : "",
                              f < rec->nfields ? rec->lens[f] : 0);
    }
    if (s->m != NULL)
        put_model(sw, s, row);
    if (s->rules != NULL)
        put_rules(sw, s, row);
    if (s->o->rule_score_column != NULL) {
        if (row->has_rule_score) {
            lsc_row_writer_number(sw->w, row->rule_text, row->rule_text_len);
            lsc_row_writer_text(sw->w, row->rule_tier, strlen(row->rule_tier));
        } else {
            lsc_row_writer_null(sw->w);
            lsc_row_writer_null(sw->w);
        }
    }
    const char *why = !row->ok                                   ? row->reason
                      : row->rule != NULL && row->rule->error != NULL ? row->rule->error
                                                                      : "";
    lsc_row_writer_text(sw->w, why, strlen(why));
    lsc_row_writer_end(sw->w);
    if (!row->ok && sw->rejects != NULL)
        put_rejects(sw, row);
    if (lsc_row_writer_failed(sw->w) || sw->rejects_bad)
        return lsc_score_writer_finish(sw, err);
    return LSC_OK;
}

static void key(struct lsc_score_writer *sw, const char *name)
{
    lsc_row_writer_key(sw->w, name, strlen(name));
}

/* The header, and the buffers the header decides. */
static enum lsc_status begin(void *ctx, const struct lsc_scorer *s, struct lsc_error *err)
{
    struct lsc_score_writer *sw = ctx;
    const struct lsc_score_options *o = s->o;
    if (s->m != NULL && o->reasons > 0 &&
        (sw->order = lsc_calloc(s->m->n_columns + s->m->n_pairs + 1, sizeof *sw->order)) ==
            NULL)
        return lsc_error_nomem(err);
    if (s->rules != NULL) {
        sw->vsize = lsc_rules_value_max(s->rules) + 1;
        if (sw->vsize < 64)
            sw->vsize = 64;
        if ((sw->vbuf = lsc_malloc(sw->vsize)) == NULL)
            return lsc_error_nomem(err);
    }
    for (size_t k = 0; k < s->n_ids; k++)
        key(sw, s->id_names[k]);
    if (s->m != NULL) {
        key(sw, "probability");
        key(sw, "score");
        key(sw, "tier");
        if (o->reasons > 0) {
            key(sw, "reasons_positive");
            key(sw, "reasons_negative");
        }
    }
    for (size_t k = 0; s->rules != NULL && k < lsc_rules_n_columns(s->rules, o->explain_rules);
         k++)
        key(sw, lsc_rules_column_name(s->rules, k));
    if (o->rule_score_column != NULL) {
        key(sw, "rule_score");
        key(sw, "rule_tier");
    }
    key(sw, "error");
    lsc_row_writer_end(sw->w);
    if (sw->rejects != NULL)
        sw->rejects_bad |= fputs("row,line,error\n", sw->rejects) == EOF;
    if (lsc_row_writer_failed(sw->w) || sw->rejects_bad)
        return lsc_score_writer_finish(sw, err);
    return LSC_OK;
}

enum lsc_status lsc_score_writer_new(struct lsc_score_writer **out, FILE *scores, FILE *rejects,
                                     const struct lsc_score_options *o, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_score_writer *sw = lsc_calloc(1, sizeof *sw);
    *out = NULL;
    if (sw == NULL)
        return lsc_error_nomem(err);
    sw->rejects = rejects;
    sw->rejects_name = o->rejects;
    st = lsc_row_writer_new(&sw->w, scores,
                            o->format == LSC_FORMAT_JSONL ? LSC_ROWS_JSONL : LSC_ROWS_CSV,
                            o->output, err);
    if (st != LSC_OK) {
        lsc_score_writer_free(sw);
        return st;
    }
    *out = sw;
    return LSC_OK;
}

struct lsc_row_consumer lsc_score_writer_consumer(struct lsc_score_writer *w)
{
    struct lsc_row_consumer c = {w, begin, write_row};
    return c;
}

enum lsc_status lsc_score_writer_finish(struct lsc_score_writer *sw, struct lsc_error *err)
{
    enum lsc_status st = lsc_row_writer_finish(sw->w, err);
    if (st == LSC_OK && (sw->rejects_bad || (sw->rejects != NULL && ferror(sw->rejects))))
        st = lsc_error_set(err, LSC_ERR_IO,
                           strcmp(sw->rejects_name, "-") == 0 ? "<stdout>" : sw->rejects_name, 0,
                           0, "write failed: %s",
                           strerror(sw->rejects_errno ? sw->rejects_errno : EIO));
    return st;
}

void lsc_score_writer_free(struct lsc_score_writer *sw)
{
    if (sw == NULL)
        return;
    lsc_row_writer_free(sw->w);
    lsc_free(sw->order);
    lsc_free(sw->vbuf);
    lsc_free(sw);
}
