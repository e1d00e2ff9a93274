/* rules_eval - a loaded sheet bound to an input, its accounts, the
 * evaluation of a lead and its output columns (format: docs/rules.md).
 *
 * Evaluation of one lead, all in integer hundredths of a point ("cents"), so
 * sums and cut-off comparisons are exact:
 *   1. every rule whose condition holds adds its points to its dimension; a
 *      per-unit rule adds points x whole units (truncated toward zero),
 *      capped in magnitude by its cap; each contribution is rounded to cents;
 *   2. a dimension with a decay keeps (1 - rate)^n of its positive points,
 *      n = floor(days / period) the whole periods elapsed from the decay's
 *      date column to the as-of date (compound per whole period; a missing
 *      date, or one after the as-of date, means n = 0); negative points
 *      (penalties) never decay;
 *   3. each dimension is clamped to its min and max (a max in percent is
 *      that share of the total's max);
 *   4. the total is the sum of the dimensions, clamped to the total's min
 *      (0 unless negative totals are allowed) and max;
 *   5. qualified, tier and grade hold when a value is >= its cut-off.
 * Calendar dates become day numbers with lsc_date_day_number() (date.c) from H. Hinnant,
 * "chrono-Compatible Low-Level Date Algorithms"
 * (http://howardhinnant.github.io/date_algorithms.html).
 */
#define _GNU_SOURCE /* memmem */
#include "leadscore/rules.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "alloc.h"
#include "date.h"
#include "header_match.h"
#include "rules_internal.h"
#include "util.h"

/* ---- binding ------------------------------------------------------------------ */

/* A sheet names columns by hand: exactly, else the one column equal to the
 * name ignoring case (header_match.h; NO_COL is SIZE_MAX, its "none"). */
static size_t header_find(size_t nfields, const char *const *header, const size_t *lens,
                          const char *name)
{
    enum header_how how;
    return lsc_header_match(nfields, header, lens, name, &how);
}

/* The error for a column header_find did not find: the nearest name and the
 * header, as for a column named on the command line. */
static enum lsc_status unknown_column(const char *file, size_t line, size_t column,
                                      const char *what, const char *name, size_t nfields,
                                      const char *const *header, const size_t *lens,
                                      struct lsc_error *err)
{
    enum header_how how;
    lsc_header_match(nfields, header, lens, name, &how);
    return lsc_header_unknown(err, LSC_ERR_DATA, file, line, column, what, name, how, nfields,
                              header, lens);
}

enum lsc_status lsc_rules_unknown_column(const char *file, size_t line, size_t column,
                                         const char *what, const char *name, size_t nfields,
                                         const char *const *header, const size_t *lens,
                                         struct lsc_error *err)
{
    return unknown_column(file, line, column, what, name, nfields, header, lens, err);
}

enum lsc_status lsc_rules_set_account_column(struct lsc_rules *r, const char *name,
                                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char *copy = NULL;
    if (name == NULL || name[0] == '\0') {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "the account column name is empty");
        goto cleanup;
    }
    copy = lsc_strdup(name);
    if (copy == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    lsc_free(r->account_override);
    r->account_override = copy;
    r->bound = 0;
cleanup:
    return st;
}

const char *lsc_rules_account_name(const struct lsc_rules *r)
{
    return r->account_override != NULL ? r->account_override : r->sheet_account;
}

const char *lsc_rules_account_column(const struct lsc_rules *r)
{
    return lsc_rules_account_name(r);
}

void lsc_rules_set_accounts(struct lsc_rules *r, const struct lsc_accounts *ref)
{
    r->ref = ref;
    r->bound = 0;
}

void lsc_rules_clear_accounts(struct lsc_rules *r)
{
    lsc_dict_free(r->accounts);
    r->accounts = NULL;
    if (r->counts != NULL)
        memset(r->counts, 0, r->counts_cap * sizeof *r->counts);
    r->recognised = 0;
}

size_t lsc_rules_n_recognised(const struct lsc_rules *r)
{
    return r->recognised;
}

enum lsc_status lsc_rules_bind(struct lsc_rules *r, size_t nfields, const char *const *header,
                               const size_t *header_lens, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char what[128];
    r->bound = 0;
    r->account_col = NO_COL;
    /* the reference's lead ids, when the input has their column */
    r->ref_id_col = NO_COL;
    if (r->ref != NULL && r->ref->leads != NULL && r->ref->id_column != NULL)
        r->ref_id_col = header_find(nfields, header, header_lens, r->ref->id_column);
    if (r->n_account_rules + r->n_priority_rules + r->n_account_data_rules > 0) {
        const char *name = lsc_rules_account_name(r);
        size_t line = 0;
        for (size_t k = 0; k < r->n_rules && line == 0; k++)
            if (is_account_op(r->rules[k].op))
                line = r->rules[k].line;
        if (name == NULL) {
            st = lsc_error_set(err, LSC_ERR_USAGE, r->file, line, r->fieldno[C_COLUMN],
                               "account rules need an account column: name it in the rule's "
                               "column field or give one (--account-column)");
            goto cleanup;
        }
        r->account_col = header_find(nfields, header, header_lens, name);
        if (r->account_col == NO_COL) {
            if (r->account_override != NULL)
                st = unknown_column(NULL, 0, 0, "the account column", name, nfields, header,
                                    header_lens, err);
            else
                st = unknown_column(r->file, r->sheet_account_line, r->fieldno[C_COLUMN],
                                    "the account column", name, nfields, header, header_lens, err);
            goto cleanup;
        }
    }
    for (size_t k = 0; k < r->n_rules; k++) {
        struct rule *ru = &r->rules[k];
        if (is_account_op(ru->op)) {
            ru->col = r->account_col;
        } else if (ru->dv != NULL) {
            if ((st = lsc_rules_bind_derived(r, ru, nfields, header, header_lens, err)) != LSC_OK)
                goto cleanup;
        } else if ((ru->col = header_find(nfields, header, header_lens, ru->column)) == NO_COL) {
            snprintf(what, sizeof what, "rule %s", ru->id);
            st = unknown_column(r->file, ru->line, r->fieldno[C_COLUMN], what, ru->column, nfields,
                                header, header_lens, err);
            goto cleanup;
        }
        if (ru->also == NULL)
            continue;
        ru->also->col = header_find(nfields, header, header_lens, ru->also->column);
        if (ru->also->col == NO_COL) {
            snprintf(what, sizeof what, "rule %s (and column)", ru->id);
            st = unknown_column(r->file, ru->line, r->fieldno[C_AND_COLUMN], what, ru->also->column,
                                nfields, header, header_lens, err);
            goto cleanup;
        }
    }
    if ((st = lsc_rules_bind_log(r, nfields, header, header_lens, err)) != LSC_OK)
        goto cleanup;
    for (size_t k = 0; k < r->n_dims; k++) {
        struct decay *d = &r->dims[k].decay;
        if (!d->set)
            continue;
        d->col = header_find(nfields, header, header_lens, d->column);
        if (d->col == NO_COL) {
            snprintf(what, sizeof what, "the decay of %s", r->dims[k].name);
            st = unknown_column(r->file, d->line, r->fieldno[C_COLUMN], what, d->column, nfields,
                                header, header_lens, err);
            goto cleanup;
        }
    }
    r->bound = 1;
cleanup:
    return st;
}

int lsc_rules_reads_field(const struct lsc_rules *r, size_t field)
{
    int reads = r->bound && r->account_col == field;
    for (size_t k = 0; r->bound && !reads && k < r->n_rules; k++)
        reads = r->rules[k].col == field ||
                (r->rules[k].also != NULL && r->rules[k].also->col == field);
    for (size_t k = 0; r->bound && !reads && k < r->n_dims; k++)
        reads = r->dims[k].decay.set && r->dims[k].decay.col == field;
    return reads;
}

int lsc_rules_needs_accounts(const struct lsc_rules *r)
{
    return r->n_account_rules > 0;
}

int lsc_rules_needs_priority(const struct lsc_rules *r)
{
    return r->n_priority_rules > 0;
}

int lsc_rules_needs_account_data(const struct lsc_rules *r)
{
    return r->n_account_data_rules > 0;
}

int lsc_rules_needs_as_of(const struct lsc_rules *r)
{
    int decay = 0;
    for (size_t k = 0; k < r->n_dims; k++)
        decay |= r->dims[k].decay.set;
    return r->n_date_rules > 0 || decay || r->n_event_rules > 0;
}

enum lsc_status lsc_rules_set_as_of(struct lsc_rules *r, int year, int month, int day,
                                    struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (!lsc_date_valid(year, month, day)) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "as-of date %04d-%02d-%02d is not a "
                           "valid date",
                           year, month, day);
    } else {
        r->as_of = lsc_date_day_number(year, month, day);
        r->has_as_of = 1;
    }
    return st;
}

size_t lsc_rules_n_dimensions(const struct lsc_rules *r)
{
    return r->n_dims;
}

const char *lsc_rules_dimension_name(const struct lsc_rules *r, size_t k)
{
    return k < r->n_dims ? r->dims[k].name : NULL;
}

/* ---- accounts ------------------------------------------------------------------ */

/* The trimmed value of field col, or NULL when it is absent or missing. */
static const char *cell(const struct lsc_rules *r, size_t col, size_t nfields,
                        const char *const *fields, const size_t *lens, size_t *len, int *missing)
{
    const char *s = "";
    *len = 0;
    if (col < nfields) {
        s = fields[col];
        *len = lens[col];
        lsc_trim_span(&s, len);
    }
    *missing = lsc_is_na_token(s, *len, &r->na);
    return s;
}

enum lsc_status lsc_rules_count_account(struct lsc_rules *r, size_t nfields,
                                        const char *const *fields, const size_t *lens,
                                        struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t len = 0, klen = 0;
    int missing = 0;
    if (!r->bound || r->account_col == NO_COL) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "counting accounts needs bound rules with an account column");
        goto cleanup;
    }
    const char *s = cell(r, r->account_col, nfields, fields, lens, &len, &missing);
    if (missing)
        goto cleanup;
    if (r->accounts == NULL && (r->accounts = lsc_dict_new()) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (!lsc_account_key_buf(&r->scratch, &r->scratch_cap, s, len, &klen)) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (r->ref_id_col != NO_COL) {
        /* a lead the reference counts already is not added again */
        size_t idlen = 0;
        int no_id = 0;
        const char *lead = cell(r, r->ref_id_col, nfields, fields, lens, &idlen, &no_id);
        uint32_t k = lsc_accounts_find(r->ref, r->scratch, klen);
        int known =
            no_id ? 0 : lsc_accounts_has_lead(r->ref, k, lead, idlen, &r->lead, &r->lead_cap);
        if (known < 0) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        if (known) {
            r->recognised++;
            goto cleanup;
        }
    }
    uint32_t id = lsc_dict_intern(r->accounts, r->scratch, klen, NULL);
    if (id == DICT_NONE) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (id >= r->counts_cap) {
        size_t cap = r->counts_cap ? r->counts_cap * 2 : 64;
        size_t *c = lsc_reallocarray(r->counts, cap, sizeof *c);
        if (c == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        memset(c + r->counts_cap, 0, (cap - r->counts_cap) * sizeof *c);
        r->counts = c;
        r->counts_cap = cap;
    }
    r->counts[id]++;
cleanup:
    return st;
}

size_t lsc_rules_n_accounts(const struct lsc_rules *r)
{
    return r->accounts ? lsc_dict_size(r->accounts) : 0;
}

size_t lsc_rules_n_priority(const struct lsc_rules *r)
{
    return r->priority ? lsc_dict_size(r->priority) : 0;
}

static enum lsc_status add_priority(struct lsc_rules *r, const char *s, size_t len,
                                    struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t klen = 0;
    lsc_trim_span(&s, &len);
    if (len == 0)
        goto cleanup;
    if (!lsc_account_key_buf(&r->scratch, &r->scratch_cap, s, len, &klen) ||
        lsc_dict_intern(r->priority, r->scratch, klen, NULL) == DICT_NONE)
        st = lsc_error_nomem(err);
cleanup:
    return st;
}

/* The column of a priority CSV's header that holds the account, or NO_COL. */
static size_t priority_header_column(const struct lsc_rules *r, const struct csv_record *rec)
{
    static const char *const words[] = {"account", "account name", "company", "company name"};
    const char *name = lsc_rules_account_name(r);
    size_t col = NO_COL;
    if (name != NULL)
        col = header_find(rec->nfields, rec->fields, rec->lens, name);
    for (size_t w = 0; col == NO_COL && w < sizeof words / sizeof words[0]; w++)
        col = header_find(rec->nfields, rec->fields, rec->lens, words[w]);
    return col;
}

/* One account per line: blank and '#' lines skipped, a quoted name unquoted. */
static enum lsc_status priority_lines(struct lsc_rules *r, const char *path, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    FILE *fp = fopen(path, "rb");
    char *line = NULL;
    size_t cap = 0, n = 0, lineno = 0;
    int c = 0;
    if (fp == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    while (c != EOF) {
        c = getc(fp);
        if (c != '\n' && c != EOF) {
            if (!lsc_rules_reserve_bytes(&line, &cap, n + 2)) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            line[n++] = (char)c;
            continue;
        }
        lineno++;
        const char *s = line ? line : "";
        size_t len = n;
        n = 0;
        if (lineno == 1 && len >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) {
            s += 3;
            len -= 3;
        }
        if (len > 0 && s[len - 1] == '\r')
            len--;
        lsc_trim_span(&s, &len);
        if (len == 0 || s[0] == '#')
            continue;
        if (len >= 2 && s[0] == '"' && s[len - 1] == '"') {
            /* "Smith, Jones & Partners" -> unquoted, "" -> " (in place) */
            char *w = line + (s - line);
            size_t out = 0;
            for (size_t i = 1; i + 1 < len; i++) {
                w[out++] = s[i];
                if (s[i] == '"' && i + 2 < len && s[i + 1] == '"')
                    i++;
            }
            len = out;
        }
        if ((st = add_priority(r, s, len, err)) != LSC_OK)
            goto cleanup;
    }
    if (ferror(fp))
        st = lsc_error_set(err, LSC_ERR_IO, path, lineno, 0, "read error");
cleanup:
    if (fp != NULL)
        fclose(fp);
    lsc_free(line);
    return st;
}

enum lsc_status lsc_rules_load_priority(struct lsc_rules *r, const char *path,
                                        struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *cr = NULL;
    const struct csv_record *rec = NULL;
    struct csv_reader_opts opts = {0, 1, 0};
    struct lsc_error probe;
    size_t col = NO_COL;
    if (strcmp(path, "-") == 0) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "the priority account list must be a file, not stdin");
        goto cleanup;
    }
    if (r->priority == NULL && (r->priority = lsc_dict_new()) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_csv_reader_open(&cr, path, &opts, err)) != LSC_OK)
        goto cleanup;
    lsc_error_clear(&probe);
    st = lsc_csv_reader_next(cr, &rec, &probe);
    if (st == LSC_ERR_PARSE)
        st = LSC_OK; /* not CSV: read it as a plain list below */
    else if (st != LSC_OK) {
        *err = probe;
        goto cleanup;
    } else if (rec != NULL) {
        col = priority_header_column(r, rec);
    }
    if (col == NO_COL) {
        lsc_csv_reader_free(cr);
        cr = NULL;
        st = priority_lines(r, path, err);
        goto cleanup;
    }
    for (;;) {
        if ((st = lsc_csv_reader_next(cr, &rec, err)) != LSC_OK)
            goto cleanup;
        if (rec == NULL)
            break;
        if (col < rec->nfields &&
            (st = add_priority(r, rec->fields[col], rec->lens[col], err)) != LSC_OK)
            goto cleanup;
    }
cleanup:
    lsc_csv_reader_free(cr);
    return st;
}

/* ---- evaluation --------------------------------------------------------------- */

enum lsc_status lsc_rule_result_init(struct lsc_rule_result *res, const struct lsc_rules *r)
{
    enum lsc_status st = LSC_OK;
    memset(res, 0, sizeof *res);
    res->dim_points = lsc_calloc(r->n_dims, sizeof *res->dim_points);
    res->hits = lsc_calloc(r->max_hits, sizeof *res->hits);
    res->cents_ = lsc_calloc(3 * r->n_dims, sizeof *res->cents_);
    if (res->dim_points == NULL || res->hits == NULL || res->cents_ == NULL) {
        lsc_rule_result_fini(res);
        st = LSC_ERR_NOMEM;
    } else {
        res->owner_ = r;
        res->tier = "";
        res->qualified = -1;
    }
    return st;
}

void lsc_rule_result_fini(struct lsc_rule_result *res)
{
    if (res == NULL)
        return;
    lsc_free(res->dim_points);
    lsc_free(res->hits);
    lsc_free(res->cents_);
    lsc_free(res->scratch_);
    memset(res, 0, sizeof *res);
}

enum match { NO_MATCH = 0, MATCH = 1, UNEVALUABLE = 2, OUT_OF_MEMORY = 3, OUT_OF_RANGE = 4 };

static int in_list(const struct rule *ru, const char *s, size_t len)
{
    int found = 0;
    for (size_t k = 0; !found && k < ru->n_items; k++)
        found = lsc_rules_text_eq(s, len, ru->text + ru->items[k].off, ru->items[k].len, ru->icase);
    return found;
}

/* A per-unit rule's contribution in cents: points x whole units, capped.
 * 0 when it is beyond +-MAX_CONTRIB cents (1e9 points) or not a number:
 * checked in double before any integer sees it. */
static int per_unit_cents(const struct rule *ru, double x, long long *cents)
{
    /* the small allowance keeps 0.3 / 0.1 at 3 units */
    double units = floor(fabs(x) / ru->a + 1e-9);
    if (!isfinite(units))
        return 0; /* 1e308 / 0.5: no number of whole units */
    double c = (x < 0 ? -units : units) * ru->points * 100.0;
    if (ru->has_cap && c > (double)ru->cap_c)
        c = (double)ru->cap_c;
    if (ru->has_cap && c < -(double)ru->cap_c)
        c = -(double)ru->cap_c;
    if (!(fabs(c) <= MAX_CONTRIB))
        return 0;
    *cents = llround(c);
    return 1;
}

/* Substring search in linear time: glibc's memmem is the two-way algorithm
 * (Crochemore and Perrin, 1991). Ignoring case, the cell and the value are
 * folded once into the result's scratch buffer first. 1 found, 0 not, -1
 * without memory. */
static int text_contains(struct lsc_rule_result *res, const char *hay, size_t hlen,
                         const char *needle, size_t nlen, int icase)
{
    if (nlen == 0 || nlen > hlen)
        return nlen == 0;
    if (!icase)
        return memmem(hay, hlen, needle, nlen) != NULL;
    if (!lsc_rules_reserve_bytes(&res->scratch_, &res->scratch_cap_, hlen + nlen + 1))
        return -1;
    char *h = res->scratch_, *n = h + hlen;
    for (size_t i = 0; i < hlen; i++)
        h[i] = lower(hay[i]);
    for (size_t i = 0; i < nlen; i++)
        n[i] = lower(needle[i]);
    return memmem(h, hlen, n, nlen) != NULL;
}

static enum match eval_rule(const struct lsc_rules *r, const struct rule *ru, size_t nfields,
                            const char *const *fields, const size_t *lens,
                            struct lsc_rule_result *res, long long *cents)
{
    enum match m = NO_MATCH;
    int hit = 0; /* the condition holds */
    size_t len = 0, klen = 0;
    int missing = 0;
    double x = 0.0;
    long day = 0, since = 0;
    const char *s = cell(r, ru->col, nfields, fields, lens, &len, &missing);
    *cents = ru->points_c;
    switch (ru->op) {
    case OP_EQ:
        hit = !missing && lsc_rules_text_eq(s, len, ru->text, ru->text_len, ru->icase);
        break;
    case OP_NE:
        hit = missing || !lsc_rules_text_eq(s, len, ru->text, ru->text_len, ru->icase);
        break;
    case OP_IN:
        hit = !missing && in_list(ru, s, len);
        break;
    case OP_NOT_IN:
        hit = missing || !in_list(ru, s, len);
        break;
    case OP_CONTAINS:
    case OP_NOT_CONTAINS: {
        int c = missing ? 0 : text_contains(res, s, len, ru->text, ru->text_len, ru->icase);
        if (c < 0)
            m = OUT_OF_MEMORY;
        hit = ru->op == OP_CONTAINS ? c == 1 : c == 0;
        break;
    }
    case OP_MISSING:
        hit = missing;
        break;
    case OP_PRESENT:
        hit = !missing;
        break;
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE:
    case OP_BETWEEN:
    case OP_PER_UNIT:
        if (ru->dv != NULL) {
            int d = lsc_rules_derived_value(r, ru, nfields, fields, lens, &x);
            if (d < 0)
                m = UNEVALUABLE;
            if (d <= 0)
                break;
        } else if (missing) {
            break;
        } else if (!lsc_rules_parse_num(r, s, len, &x)) {
            m = UNEVALUABLE;
            break;
        }
        if (ru->op == OP_PER_UNIT) {
            m = per_unit_cents(ru, x, cents) ? MATCH : OUT_OF_RANGE;
        } else {
            hit = ru->op == OP_GT   ? x > ru->a
                  : ru->op == OP_GE ? x >= ru->a
                  : ru->op == OP_LT ? x < ru->a
                  : ru->op == OP_LE ? x <= ru->a
                                    : x >= ru->a && x <= ru->b;
        }
        break;
    case OP_OLDER:
    case OP_WITHIN:
    case OP_BEFORE:
    case OP_AFTER:
        if (missing)
            break;
        if (!lsc_rules_parse_cell_date(s, len, ru->fmt, &day)) {
            m = UNEVALUABLE;
            break;
        }
        since = r->as_of > day ? r->as_of - day : 0;
        hit = ru->op == OP_OLDER    ? (double)since > ru->a
              : ru->op == OP_WITHIN ? (double)since <= ru->a
              : ru->op == OP_BEFORE ? day < ru->day
                                    : day > ru->day;
        break;
    case OP_ACCOUNT_MIN:
    case OP_PRIORITY:
    case OP_ACCOUNT_TIER:
    case OP_ACCOUNT_ENGAGED: {
        if (missing || (ru->op == OP_PRIORITY && r->priority == NULL))
            break;
        if (!lsc_account_key_buf(&res->scratch_, &res->scratch_cap_, s, len, &klen)) {
            m = OUT_OF_MEMORY;
            break;
        }
        if (ru->op == OP_PRIORITY) {
            hit = lsc_dict_find(r->priority, res->scratch_, klen) != DICT_NONE;
            break;
        }
        if (ru->op == OP_ACCOUNT_TIER || ru->op == OP_ACCOUNT_ENGAGED) {
            /* the account file's tier or engaged contacts */
            uint32_t k = lsc_accounts_find(r->ref, res->scratch_, klen);
            size_t tlen = 0;
            const char *tier = lsc_accounts_tier(r->ref, k, &tlen);
            hit = ru->op == OP_ACCOUNT_TIER ? tier != NULL && in_list(ru, tier, tlen)
                                            : k != DICT_NONE && r->ref->engaged[k] >= 0 &&
                                                  (double)r->ref->engaged[k] >= ru->a;
            break;
        }
        /* the reference's leads, then the batch's it does not count */
        uint32_t id = r->accounts ? lsc_dict_find(r->accounts, res->scratch_, klen) : DICT_NONE;
        size_t n = lsc_accounts_count(r->ref, res->scratch_, klen);
        if (id != DICT_NONE && id < r->counts_cap)
            n += r->counts[id];
        hit = (double)n >= ru->a;
        break;
    }
    case OP_EVENTS:
    case OP_EVENT_WITHIN:
        break; /* read as number tests (rules_events.c) */
    }
    if (m == NO_MATCH && hit)
        m = MATCH;
    return m;
}

/* The first unevaluable condition of the row (the rule's own, or its and-
 * condition's when the rule's held). */
static void note_unevaluable(const struct lsc_rules *r, struct lsc_rule_result *res,
                             const struct rule *ru, size_t nfields, const char *const *fields,
                             const size_t *lens)
{
    const struct rule *c = ru;
    double x;
    long day;
    size_t len = ru->col < nfields ? lens[ru->col] : 0;
    const char *s = ru->col < nfields ? fields[ru->col] : "";
    lsc_trim_span(&s, &len);
    if (ru->also != NULL &&
        (is_date_op(ru->op) ? lsc_rules_parse_cell_date(s, len, ru->fmt, &day)
                            : lsc_rules_parse_num(r, s, len, &x)))
        c = ru->also;
    res->unevaluable_id = ru->id;
    res->unevaluable_field = c->col;
    res->unevaluable_date = is_date_op(c->op);
    res->unevaluable_format = c->fmt;
}

static void add_hit(struct lsc_rule_result *res, const char *id, long long c)
{
    res->hits[res->n_hits].id = id;
    res->hits[res->n_hits].points = from_cents(c);
    res->hits[res->n_hits].value = NAN;
    res->n_hits++;
}

static long long clamp_cut(struct lsc_rule_result *res, long long v, const struct cut *min,
                           const char *min_id, const struct cut *max, const char *max_id)
{
    if (min->set && v < min->c) {
        add_hit(res, min_id, min->c - v);
        v = min->c;
    }
    if (max->set && v > max->c) {
        add_hit(res, max_id, max->c - v);
        v = max->c;
    }
    return v;
}

/* The lead gets no rule score: res->error says why (a rule, a dimension or
 * the total beyond +-1e9 points, where sums of cents could overflow and no
 * real sheet goes). Returns LSC_OK: the run goes on with the next lead. */
static enum lsc_status no_score_msg(struct lsc_rule_result *res)
{
    res->error = res->error_;
    res->score = NAN;
    res->tier = "";
    res->qualified = -1;
    res->grade[0] = '\0';
    res->n_hits = 0;
    return LSC_OK;
}

static enum lsc_status no_score(const struct lsc_rules *r, struct lsc_rule_result *res,
                                const struct rule *ru, size_t nfields, const char *const *fields,
                                const size_t *lens)
{
    size_t len = 0;
    int missing = 0;
    const char *s = cell(r, ru->col, nfields, fields, lens, &len, &missing);
    char shown[64];
    lsc_escape_bytes(s, len > 40 ? 40 : len, shown, sizeof shown);
    snprintf(res->error_, sizeof res->error_,
             "rule %s: column \"%s\" = \"%s\" gives points outside -1e9..1e9; the lead has no "
             "rule score",
             ru->id, ru->column != NULL ? ru->column : "", shown);
    return no_score_msg(res);
}

static enum lsc_status no_total(struct lsc_rule_result *res, const char *what, long long cents)
{
    snprintf(res->error_, sizeof res->error_,
             "%s points %.4g are outside -1e9..1e9; the lead has no rule score", what,
             (double)cents / 100.0);
    return no_score_msg(res);
}

enum lsc_status lsc_rules_eval(const struct lsc_rules *r, size_t nfields, const char *const *fields,
                               const size_t *lens, struct lsc_rule_result *res,
                               struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t nd = r->n_dims;
    if (!r->bound || res->owner_ != r) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           !r->bound ? "the rules are not bound to an input header"
                                     : "the result was set up for other rules");
        goto cleanup;
    }
    if (!r->has_as_of && lsc_rules_needs_as_of(r)) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "the rules use dates: set the as-of date first");
        goto cleanup;
    }
    long long *pos = res->cents_, *neg = pos + nd, *fin = neg + nd;
    memset(res->cents_, 0, 3 * nd * sizeof *res->cents_);
    res->n_hits = 0;
    res->n_unevaluable = 0;
    res->unevaluable_id = NULL;
    res->error = NULL;

    for (size_t k = 0; k < r->n_rules; k++) {
        const struct rule *ru = &r->rules[k];
        long long c = 0;
        enum match m = eval_rule(r, ru, nfields, fields, lens, res, &c);
        if (m == MATCH && ru->also != NULL) {
            long long unused = 0;
            enum match m2 = eval_rule(r, ru->also, nfields, fields, lens, res, &unused);
            m = m2 == MATCH ? MATCH : m2;
        }
        if (m == OUT_OF_MEMORY) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        res->n_unevaluable += m == UNEVALUABLE;
        if (m == UNEVALUABLE && res->unevaluable_id == NULL)
            note_unevaluable(r, res, ru, nfields, fields, lens);
        if (m == OUT_OF_RANGE)
            return no_score(r, res, ru, nfields, fields, lens);
        if (m != MATCH || c == 0)
            continue;
        if (c > 0)
            pos[ru->dim] += c;
        else
            neg[ru->dim] += c;
        add_hit(res, ru->id, c);
        double x = 0.0;
        if (ru->dv != NULL && !ru->dv->plain &&
            lsc_rules_derived_value(r, ru, nfields, fields, lens, &x) == 1)
            res->hits[res->n_hits - 1].value = x; /* for rule_values */
    }

    long long total = 0;
    for (size_t k = 0; k < nd; k++) {
        const struct dim *d = &r->dims[k];
        long long v = pos[k] + neg[k];
        if (d->decay.set && pos[k] > 0) {
            size_t len = 0;
            int missing = 0;
            long day = 0;
            const char *s = cell(r, d->decay.col, nfields, fields, lens, &len, &missing);
            if (!missing && !lsc_rules_parse_cell_date(s, len, d->decay.fmt, &day)) {
                res->n_unevaluable++;
                if (res->unevaluable_id == NULL) {
                    res->unevaluable_id = d->decay_id;
                    res->unevaluable_field = d->decay.col;
                    res->unevaluable_date = 1;
                    res->unevaluable_format = d->decay.fmt;
                }
            } else if (!missing && r->as_of > day) {
                long periods = (r->as_of - day) / d->decay.period;
                double keep = pow(d->decay.keep, (double)periods);
                long long loss = llround((double)pos[k] * keep) - pos[k];
                if (loss != 0) {
                    add_hit(res, d->decay_id, loss);
                    v += loss;
                }
            }
        }
        v = clamp_cut(res, v, &d->min, d->min_id, &d->max, d->max_id);
        if (!(fabs((double)v) <= MAX_CONTRIB))
            return no_total(res, d->name, v);
        fin[k] = v;
        res->dim_points[k] = from_cents(v);
        total += v;
    }
    struct cut floor0 = {!r->allow_neg, 0, 0};
    total =
        clamp_cut(res, total, r->tmin.set ? &r->tmin : &floor0, "total.min", &r->tmax, "total.max");
    if (!(fabs((double)total) <= MAX_CONTRIB))
        return no_total(res, "total", total);
    res->score = from_cents(total);
    res->qualified = r->qualified.set ? total >= r->qualified.c : -1;
    res->tier = !r->hot.set ? "" : total >= r->hot.c ? "hot" : total >= r->warm.c ? "warm" : "cold";
    res->grade[0] = '\0';
    if (r->letter[0].set) {
        long long lv = fin[r->letter_dim], dv = fin[r->digit_dim];
        int li = 3, di = 3;
        for (int k = 2; k >= 0; k--) {
            if (lv >= r->letter[k].c)
                li = k;
            if (dv >= r->digit[k].c)
                di = k;
        }
        res->grade[0] = (char)('A' + li);
        res->grade[1] = (char)('1' + di);
        res->grade[2] = '\0';
    }
cleanup:
    return st;
}

/* ---- output ---------------------------------------------------------------------- */

size_t lsc_rules_format_points(double points, int plus_sign, char *buf, size_t size)
{
    return lsc_rules_format_cents(to_cents(points), plus_sign, buf, size);
}

size_t lsc_rules_explain(const struct lsc_rule_result *res, char *buf, size_t size)
{
    size_t pos = 0;
    char num[NUM_MAX];
    if (size > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < res->n_hits; k++) {
        if (k > 0)
            lsc_rules_append(buf, size, &pos, ";", 1);
        lsc_rules_append(buf, size, &pos, res->hits[k].id, strlen(res->hits[k].id));
        lsc_rules_append(buf, size, &pos, ":", 1);
        size_t n = lsc_rules_format_points(res->hits[k].points, 1, num, sizeof num);
        lsc_rules_append(buf, size, &pos, num, n);
    }
    return pos;
}

enum { OUT_SCORE, OUT_TIER, OUT_QUALIFIED, OUT_DIMS };

size_t lsc_rules_n_columns(const struct lsc_rules *r, int explain)
{
    return OUT_DIMS + r->n_dims + 1 + (explain ? 1 + (size_t)(r->n_derived_rules > 0) : 0);
}

const char *lsc_rules_column_name(const struct lsc_rules *r, size_t k)
{
    static const char *const fixed[] = {"rule_score", "rule_tier", "rule_qualified"};
    const char *name = NULL;
    if (k < OUT_DIMS)
        name = fixed[k];
    else if (k < OUT_DIMS + r->n_dims)
        name = r->dims[k - OUT_DIMS].points_col;
    else if (k == OUT_DIMS + r->n_dims)
        name = "grade";
    else if (k == OUT_DIMS + r->n_dims + 1)
        name = "rule_reasons";
    else if (k == OUT_DIMS + r->n_dims + 2 && r->n_derived_rules > 0)
        name = "rule_values";
    return name;
}

size_t lsc_rules_column_value(const struct lsc_rules *r, const struct lsc_rule_result *res,
                              size_t k, char *buf, size_t size)
{
    size_t pos = 0;
    const char *s = "";
    if (size > 0)
        buf[0] = '\0';
    if (res->error != NULL)
        return 0; /* no rule score: every column empty */
    if (k == OUT_SCORE)
        pos = lsc_rules_format_points(res->score, 0, buf, size);
    else if (k == OUT_TIER)
        s = res->tier;
    else if (k == OUT_QUALIFIED)
        s = res->qualified < 0 ? "" : res->qualified ? "1" : "0";
    else if (k < OUT_DIMS + r->n_dims)
        pos = lsc_rules_format_points(res->dim_points[k - OUT_DIMS], 0, buf, size);
    else if (k == OUT_DIMS + r->n_dims)
        s = res->grade;
    else if (k == OUT_DIMS + r->n_dims + 1)
        pos = lsc_rules_explain(res, buf, size);
    else if (k == OUT_DIMS + r->n_dims + 2)
        pos = lsc_rules_explain_values(r, res, buf, size);
    if (s[0] != '\0')
        lsc_rules_append(buf, size, &pos, s, strlen(s));
    return pos;
}

size_t lsc_rules_value_max(const struct lsc_rules *r)
{
    return r->value_max;
}
