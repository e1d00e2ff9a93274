/* Scoring: one streaming pass, one output row per input row.
 *
 * For each row the linear predictor is accumulated column by column from the
 * model's encoders (the same arithmetic the trainer's design applies), then
 * p = 1 / (1 + exp(-eta)), score = clamp(round(100 p), 1, 100) and the tier
 * from the cut-offs. Memory is the model plus one record.
 */
#include "leadscore/score.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "csv_reader.h"
#include "logreg.h"
#include "model.h"
#include "status_internal.h"
#include "util.h"

void lsc_score_options_defaults(struct lsc_score_options *o)
{
    memset(o, 0, sizeof *o);
    o->output = "-";
    o->tier_hot = 70.0;
    o->tier_warm = 40.0;
    o->precision = 6;
}

enum lsc_status lsc_score_options_check(const struct lsc_score_options *o, struct lsc_error *err)
{
    if (o->input == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "an input file is required");
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
    const struct lsc_model *m;
    double *contrib;     /* per model column, when reasons are wanted */
    size_t *order;       /* scratch for ranking contributions */
    size_t *col_of;      /* model column -> input field */
    size_t *id_of;       /* id column -> input field */
    size_t n_ids;
    struct lsc_strings na;
    char reason[512];
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
        trim_span(&v, &len);
        int missing = is_na_token(v, len, &s->na);
        if (c->type == LSC_COL_NUMERIC) {
            double x = c->median;
            if (!missing && !parse_number(v, len, &x)) {
                snprintf(s->reason, sizeof s->reason, "column \"%s\": not a number: \"%.*s\"",
                         c->name, (int)(len > 40 ? 40 : len), v);
                return 0;
            }
            double part = m->coef[c->feature] * ((x - c->mean) / c->sd);
            if (c->missing_feature != LSC_NO_FEATURE && missing)
                part += m->coef[c->missing_feature];
            e += part;
            if (s->contrib != NULL)
                s->contrib[j] = part;
        } else {
            size_t fallback = c->other != SIZE_MAX ? c->other : c->reference;
            size_t level = fallback;
            if (missing) {
                if (c->missing != SIZE_MAX)
                    level = c->missing;
            } else {
                uint32_t id = dict_find(c->lookup, v, len);
                if (id != DICT_NONE && id != c->other && id != c->missing)
                    level = id;
                else
                    (*unseen)++;
            }
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
        trim_span(&v, &len);
        if (is_na_token(v, len, &s->na)) {
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
    return csv_put_field(fp, buf, used);
}

static size_t header_find(const struct csv_record *h, const char *name)
{
    for (size_t k = 0; k < h->nfields; k++) {
        const char *s = h->fields[k];
        size_t len = h->lens[k];
        trim_span(&s, &len);
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
    s->col_of = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *s->col_of);
    if (o->reasons > 0) {
        s->contrib = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *s->contrib);
        s->order = lsc_calloc(m->n_columns ? m->n_columns : 1, sizeof *s->order);
        if (s->contrib == NULL || s->order == NULL)
            return lsc_error_nomem(err);
    }
    s->n_ids = o->ids.count ? o->ids.count : m->n_ids;
    s->id_of = lsc_calloc(s->n_ids ? s->n_ids : 1, sizeof *s->id_of);
    if (s->col_of == NULL || s->id_of == NULL)
        return lsc_error_nomem(err);
    for (size_t j = 0; j < m->n_columns; j++) {
        s->col_of[j] = header_find(h, m->columns[j].name);
        if (s->col_of[j] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                 "the model needs column \"%s\", which the input lacks",
                                 m->columns[j].name);
    }
    for (size_t k = 0; k < s->n_ids; k++) {
        const char *name = o->ids.count ? o->ids.items[k] : m->ids[k];
        s->id_of[k] = header_find(h, name);
        if (s->id_of[k] == SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                 "id column \"%s\" is not in the input%s", name,
                                 o->ids.count ? "" : " (choose others with --id)");
    }
    return LSC_OK;
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
    double hot = o->tiers_set ? o->tier_hot : m->tier_hot;
    double warm = o->tiers_set ? o->tier_warm : m->tier_warm;
    double score_sum = 0.0;
    struct csv_reader_opts ropts = {o->delimiter, 1};
    memset(&out, 0, sizeof out);
    memset(&rej, 0, sizeof rej);
    memset(&s, 0, sizeof s);
    memset(sum, 0, sizeof *sum);
    s.m = m;
    s.na.items = (const char *const *)m->na_values;
    s.na.count = m->n_na_values;

    if ((st = lsc_score_options_check(o, err)) != LSC_OK)
        goto cleanup;
    if ((st = outfile_check(o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    if (o->rejects != NULL && (st = outfile_check(o->rejects, o->force, err)) != LSC_OK)
        goto cleanup;
    if ((st = csv_reader_open(&r, o->input, &ropts, err)) != LSC_OK)
        goto cleanup;
    const char *file = csv_reader_name(r);
    if ((st = csv_reader_next(r, &rec, err)) != LSC_OK)
        goto cleanup;
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, file, 0, 0, "empty file: a header row is required");
        goto cleanup;
    }
    size_t nfields = rec->nfields;
    if ((st = map_header(&s, rec, o, file, err)) != LSC_OK)
        goto cleanup;
    if ((st = outfile_open(&out, o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    FILE *fp = out.fp;
    int bad = 0;
    setvbuf(fp, NULL, _IOFBF, 1 << 16);
    for (size_t k = 0; k < s.n_ids; k++) {
        const char *name = o->ids.count ? o->ids.items[k] : m->ids[k];
        bad |= csv_put_field(fp, name, strlen(name)) != 0 || putc(',', fp) == EOF;
    }
    bad |= fputs(o->reasons > 0 ? "probability,score,tier,reasons_positive,reasons_negative,error\n"
                                : "probability,score,tier,error\n",
                 fp) == EOF;
    if (o->rejects != NULL) {
        if ((st = outfile_open(&rej, o->rejects, o->force, err)) != LSC_OK)
            goto cleanup;
        bad |= fputs("row,line,error\n", rej.fp) == EOF;
    }
    for (;;) {
        if ((st = csv_reader_next(r, &rec, err)) != LSC_OK)
            goto cleanup;
        if (rec == NULL || bad)
            break;
        sum->rows++;
        int ok = 0;
        double eta = 0.0;
        if (rec->nfields != nfields) {
            snprintf(s.reason, sizeof s.reason, "line %zu: expected %zu fields, found %zu",
                     rec->line, nfields, rec->nfields);
        } else {
            ok = row_eta(&s, rec, &eta, &sum->unseen_levels);
        }
        for (size_t k = 0; k < s.n_ids; k++) {
            if (s.id_of[k] < rec->nfields)
                bad |= csv_put_field(fp, rec->fields[s.id_of[k]], rec->lens[s.id_of[k]]) != 0;
            bad |= putc(',', fp) == EOF;
        }
        if (ok) {
            double p = logreg_sigmoid(eta);
            int score = lsc_score_from_probability(p);
            const char *tier = tier_of(score, hot, warm);
            sum->scored++;
            score_sum += score;
            sum->hot += tier[0] == 'h';
            sum->warm += tier[0] == 'w';
            sum->cold += tier[0] == 'c';
            bad |= put_probability(fp, p, o->precision) != 0;
            bad |= fprintf(fp, ",%d,%s,", score, tier) < 0;
            if (o->reasons > 0) {
                bad |= put_reasons(fp, &s, rec, o->reasons, 1, o->precision > 6) != 0 || putc(',', fp) == EOF;
                bad |= put_reasons(fp, &s, rec, o->reasons, 0, o->precision > 6) != 0 || putc(',', fp) == EOF;
            }
            bad |= putc('\n', fp) == EOF;
        } else {
            sum->rejected++;
            bad |= fputs(o->reasons > 0 ? ",,,,," : ",,,", fp) == EOF;
            bad |= csv_put_field(fp, s.reason, strlen(s.reason)) != 0;
            bad |= putc('\n', fp) == EOF;
            if (rej.fp != NULL) {
                bad |= fprintf(rej.fp, "%zu,%zu,", sum->rows, rec->line) < 0;
                bad |= csv_put_field(rej.fp, s.reason, strlen(s.reason)) != 0;
                bad |= putc('\n', rej.fp) == EOF;
            }
        }
    }
    if (bad) {
        st = lsc_error_set(err, LSC_ERR_IO, o->output, 0, 0, "write failed");
        goto cleanup;
    }
    sum->mean_score = sum->scored ? score_sum / (double)sum->scored : NAN;
    if (sum->rejected > 0)
        lsc_logf(log, LSC_LOG_WARN, "%zu of %zu rows could not be scored (see the error column)",
                 sum->rejected, sum->rows);
    st = outfile_commit(&out, err);
    if (st == LSC_OK && rej.fp != NULL)
        st = outfile_commit(&rej, err);
cleanup:
    outfile_abort(&out);
    outfile_abort(&rej);
    lsc_free(s.contrib);
    lsc_free(s.order);
    csv_reader_free(r);
    lsc_free(s.col_of);
    lsc_free(s.id_of);
    return st;
}
