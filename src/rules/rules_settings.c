/* rules_settings - the sheet's "setting" rows (cut-offs, tiers, grades,
 * decay, missing values, date formats) and the whole-sheet checks once every
 * row is read (format: docs/rules.md). */
#include "leadscore/rules.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "rules_internal.h"
#include "util.h"

enum setting {
    S_MAX,
    S_MIN,
    S_ALLOW_NEG,
    S_DECAY,
    S_QUALIFIED,
    S_HOT,
    S_WARM,
    S_GRADE_A,
    S_GRADE_B,
    S_GRADE_C,
    S_GRADE_1,
    S_GRADE_2,
    S_GRADE_3,
    S_MISSING,
    S_DATE_FORMAT
};

struct name_setting {
    const char *name;
    enum setting s;
};

static const struct name_setting setting_names[] = {
    {"max", S_MAX},
    {"cap", S_MAX},
    {"min", S_MIN},
    {"floor", S_MIN},
    {"allow negative", S_ALLOW_NEG},
    {"decay", S_DECAY},
    {"qualified", S_QUALIFIED},
    {"mql", S_QUALIFIED},
    {"hot", S_HOT},
    {"warm", S_WARM},
    {"grade a", S_GRADE_A},
    {"grade b", S_GRADE_B},
    {"grade c", S_GRADE_C},
    {"grade 1", S_GRADE_1},
    {"grade 2", S_GRADE_2},
    {"grade 3", S_GRADE_3},
    {"missing values", S_MISSING},
    {"date format", S_DATE_FORMAT},
};

#define KNOWN_SETTINGS                                                                             \
    "max, min, allow negative, decay, qualified, hot, warm, grade A, grade B, grade C, grade 1, "  \
    "grade 2, grade 3, missing values, date format"

/* "25% per 30 days" (a leading '-' allowed) -> keep 0.75, period 30. */
static int parse_decay(const char *s, size_t len, double *keep, long *period)
{
    size_t pct = 0;
    while (pct < len && s[pct] != '%')
        pct++;
    const char *num = s, *rest = s + pct + 1;
    size_t nlen = pct, rlen = pct < len ? len - pct - 1 : 0;
    lsc_trim_span(&num, &nlen);
    if (nlen > 0 && num[0] == '-') {
        num++;
        nlen--;
    }
    double rate = 0.0;
    int ok = pct < len && lsc_parse_number(num, nlen, &rate) && rate > 0.0 && rate <= 100.0;
    lsc_trim_span(&rest, &rlen);
    ok = ok && rlen > 4 && lsc_span_ieq(rest, 3, "per") && (rest[3] == ' ' || rest[3] == '\t');
    if (ok) {
        rest += 4;
        rlen -= 4;
        lsc_trim_span(&rest, &rlen);
        ok = lsc_rules_parse_days(rest, rlen, period) && *period >= 1;
    }
    if (ok)
        *keep = 1.0 - rate / 100.0;
    return ok;
}

static int parse_yes_no(const char *s, size_t len, int *out)
{
    int ok = 1;
    if (lsc_span_ieq(s, len, "yes") || lsc_span_ieq(s, len, "true") || lsc_span_ieq(s, len, "1"))
        *out = 1;
    else if (lsc_span_ieq(s, len, "no") || lsc_span_ieq(s, len, "false") ||
             lsc_span_ieq(s, len, "0"))
        *out = 0;
    else
        ok = 0;
    return ok;
}

/* Records a cut-off, refusing a second one. */
static enum lsc_status set_cut(struct loader *L, struct cut *c, const char *what, double v)
{
    enum lsc_status st = LSC_OK;
    if (c->set)
        st = lsc_rules_sheet_err(L, L->rec->line, C_OP,
                                 "setting \"%s\" is already given on line %zu", what, c->line);
    c->set = 1;
    c->c = to_cents(v);
    c->line = L->rec->line;
    return st;
}

static enum lsc_status add_missing_values(struct loader *L, const char *s, size_t len)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    size_t start = 0;
    if (len == 0) {
        st = lsc_rules_sheet_err(L, L->rec->line, C_VALUE,
                                 "setting \"missing values\" needs values separated by ';'");
        goto cleanup;
    }
    for (size_t i = 0; i <= len; i++) {
        if (i < len && s[i] != ';')
            continue;
        const char *p = s + start;
        size_t n = i - start;
        start = i + 1;
        lsc_trim_span(&p, &n);
        if (n == 0)
            continue;
        char **items = lsc_reallocarray(r->na_items, r->n_na + 1, sizeof *items);
        if (items == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->na_items = items;
        r->na_items[r->n_na] = lsc_strndup(p, n);
        if (r->na_items[r->n_na] == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->n_na++;
    }
    r->na.items = (const char *const *)r->na_items;
    r->na.count = r->n_na;
cleanup:
    return st;
}

static enum lsc_status add_date_format(struct loader *L, const char *col, size_t col_len,
                                       const char *s, size_t len)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    char *fmt = lsc_strndup(s, len);
    char *column = col_len ? lsc_strndup(col, col_len) : NULL;
    if (fmt == NULL || (col_len && column == NULL)) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    if (len == 0 || strlen(fmt) != len || !lsc_date_check_format(fmt)) {
        st = lsc_rules_sheet_err(L, L->rec->line, C_VALUE,
                                 "date format \"%.*s\" must contain %%Y, %%m and %%d once each "
                                 "(like %%d-%%m-%%Y or %%m/%%d/%%Y)",
                                 SHOWN(len), s);
        goto cleanup;
    }
    for (size_t k = 0; k < r->n_fmts; k++)
        if ((column == NULL && r->fmts[k].column == NULL) ||
            (column != NULL && r->fmts[k].column != NULL &&
             lsc_rules_text_eq(column, col_len, r->fmts[k].column, strlen(r->fmts[k].column), 1))) {
            st = lsc_rules_sheet_err(L, L->rec->line, C_OP,
                                     "a date format for %s%s%s is already given on line %zu",
                                     column ? "\"" : "", column ? column : "every column",
                                     column ? "\"" : "", r->fmts[k].line);
            goto cleanup;
        }
    struct date_fmt *f = lsc_reallocarray(r->fmts, r->n_fmts + 1, sizeof *f);
    if (f == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    r->fmts = f;
    r->fmts[r->n_fmts].column = column;
    r->fmts[r->n_fmts].fmt = fmt;
    r->fmts[r->n_fmts].line = L->rec->line;
    r->n_fmts++;
    column = NULL;
    fmt = NULL;
cleanup:
    lsc_free(fmt);
    lsc_free(column);
    return st;
}

/* dim: the row's dimension (NO_COL for blank, SIZE_MAX - 1 for "total"). */
#define DIM_TOTAL (SIZE_MAX - 1)

/* The setting named in the operator column (normalised into w). */
static enum lsc_status setting_which(struct loader *L, char *w, enum setting *which)
{
    const char *s;
    size_t len;
    lsc_rules_get_field(L, C_OP, &s, &len);
    if (lsc_rules_normalize_word(s, len, w))
        for (size_t k = 0; k < sizeof setting_names / sizeof setting_names[0]; k++)
            if (strcmp(w, setting_names[k].name) == 0) {
                *which = setting_names[k].s;
                return LSC_OK;
            }
    return lsc_rules_sheet_err(L, L->rec->line, C_OP, "unknown setting \"%.*s\" (known: %s)",
                               SHOWN(len), s, KNOWN_SETTINGS);
}

/* The setting's dimension (NO_COL blank, DIM_TOTAL "total"; grade cut-offs
 * default to fit or engagement), checked against where the setting may
 * apply. */
static enum lsc_status setting_dim(struct loader *L, enum setting which, const char *w, size_t *dim)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    size_t line = L->rec->line, len;
    const char *s;
    lsc_rules_get_field(L, C_DIM, &s, &len);
    *dim = NO_COL;
    if (lsc_span_ieq(s, len, "total")) {
        *dim = DIM_TOTAL;
    } else if (len > 0) {
        if ((st = lsc_rules_find_dim(L, s, len, dim)) != LSC_OK)
            return st;
        if (r->dims[*dim].setting_line == 0)
            r->dims[*dim].setting_line = line;
    }
    int dim_ok = 1;
    switch (which) {
    case S_MAX:
    case S_MIN:
        dim_ok = *dim != NO_COL;
        break;
    case S_DECAY:
        dim_ok = *dim != NO_COL && *dim != DIM_TOTAL;
        break;
    case S_ALLOW_NEG:
    case S_QUALIFIED:
    case S_HOT:
    case S_WARM:
        dim_ok = *dim == NO_COL || *dim == DIM_TOTAL;
        break;
    case S_GRADE_A:
    case S_GRADE_B:
    case S_GRADE_C:
    case S_GRADE_1:
    case S_GRADE_2:
    case S_GRADE_3:
        dim_ok = *dim != DIM_TOTAL;
        if (*dim == NO_COL)
            *dim = which <= S_GRADE_C ? 0 : 1;
        break;
    case S_MISSING:
    case S_DATE_FORMAT:
        break;
    }
    if (!dim_ok)
        st = lsc_rules_sheet_err(L, line, C_DIM, "setting \"%s\" %s", w,
                                 which == S_DECAY ? "needs a dimension (e.g. engagement)"
                                 : which <= S_MIN ? "needs a dimension or total"
                                 : which <= S_WARM
                                     ? "applies to the total (leave the dimension empty)"
                                     : "needs a dimension, not total");
    return st;
}

/* The value of a cut-off setting (max, min, qualified, hot, warm, grades):
 * a number of points, or for a dimension's max a percentage (*pct). */
static enum lsc_status setting_cut_value(struct loader *L, enum setting which, const char *w,
                                         size_t dim, double *num, int *pct)
{
    const char *v, *p;
    size_t vlen, n;
    lsc_rules_get_field(L, C_VALUE, &v, &vlen);
    p = v;
    n = vlen;
    *pct = 0;
    if (which == S_MAX && n > 0 && p[n - 1] == '%') {
        *pct = 1;
        n--;
        lsc_trim_span(&p, &n);
    }
    if (!lsc_rules_parse_amount(L->r, p, n, num) || (*pct && !(*num > 0.0 && *num <= 100.0)))
        return lsc_rules_sheet_err(L, L->rec->line, C_VALUE,
                                   *pct ? "setting \"%s\": \"%.*s\" is not a percentage in (0, 100]"
                                        : "setting \"%s\": value \"%.*s\" is not a number",
                                   w, SHOWN(vlen), v);
    if (*pct && dim == DIM_TOTAL)
        return lsc_rules_sheet_err(
            L, L->rec->line, C_VALUE,
            "setting \"max\": the total's max is in points, not a percentage");
    return LSC_OK;
}

/* A grade cut-off: all letter (or digit) grades on one dimension. */
static enum lsc_status set_grade(struct loader *L, enum setting which, const char *w, size_t dim,
                                 double num)
{
    struct lsc_rules *r = L->r;
    int letter = which <= S_GRADE_C;
    size_t *gd = letter ? &r->letter_dim : &r->digit_dim;
    size_t *gl = letter ? &r->letter_dim_line : &r->digit_dim_line;
    if (*gl != 0 && *gd != dim)
        return lsc_rules_sheet_err(
            L, L->rec->line, C_DIM,
            "grade %s cut-offs must all use one dimension (line %zu uses %s)",
            letter ? "letter" : "digit", *gl, r->dims[*gd].name);
    *gd = dim;
    *gl = L->rec->line;
    return set_cut(L, letter ? &r->letter[which - S_GRADE_A] : &r->digit[which - S_GRADE_1], w,
                   num);
}

static enum lsc_status set_allow_negative(struct loader *L, const char *v, size_t vlen)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    size_t line = L->rec->line;
    int yes = 0;
    if (r->allow_neg_line != 0)
        st = lsc_rules_sheet_err(L, line, C_OP,
                                 "setting \"allow negative\" is already given on "
                                 "line %zu",
                                 r->allow_neg_line);
    else if (!parse_yes_no(v, vlen, &yes))
        st = lsc_rules_sheet_err(L, line, C_VALUE,
                                 "setting \"allow negative\": value \"%.*s\" is not yes or no",
                                 SHOWN(vlen), v);
    r->allow_neg = yes;
    r->allow_neg_line = line;
    return st;
}

/* A dimension's decay: "25% per 30 days" of the date in column col. */
static enum lsc_status set_decay(struct loader *L, size_t dim, const char *v, size_t vlen,
                                 const char *col, size_t col_len)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    size_t line = L->rec->line;
    struct decay *d = &r->dims[dim].decay;
    if (d->set) {
        st = lsc_rules_sheet_err(L, line, C_OP, "dimension %s already has a decay on line %zu",
                                 r->dims[dim].name, d->line);
    } else if (col_len == 0) {
        st = lsc_rules_sheet_err(L, line, C_COLUMN,
                                 "the decay of %s needs a date column (e.g. Last Activity Date)",
                                 r->dims[dim].name);
    } else if (!parse_decay(v, vlen, &d->keep, &d->period)) {
        st = lsc_rules_sheet_err(L, line, C_VALUE,
                                 "decay \"%.*s\" must read like \"25%% per 30 days\" (a rate in "
                                 "(0, 100]%% per a whole number of days)",
                                 SHOWN(vlen), v);
    } else {
        d->set = 1;
        d->line = line;
        d->col = NO_COL;
        d->column = lsc_strndup(col, col_len);
        if (d->column == NULL)
            st = lsc_error_nomem(L->err);
    }
    return st;
}

/* A "setting" row: name, dimension, value, then the setting itself. */
enum lsc_status lsc_rules_add_setting(struct loader *L)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    const char *v, *col;
    size_t vlen, col_len;
    char w[WORD_MAX];
    enum setting which = S_MAX;
    size_t dim = NO_COL;
    double num = 0.0;
    int pct = 0;

    if ((st = setting_which(L, w, &which)) != LSC_OK)
        return st;
    lsc_rules_get_field(L, C_VALUE, &v, &vlen);
    lsc_rules_get_field(L, C_COLUMN, &col, &col_len);
    if ((st = setting_dim(L, which, w, &dim)) != LSC_OK)
        return st;
    int is_cut = which == S_MAX || which == S_MIN || which == S_QUALIFIED || which == S_HOT ||
                 which == S_WARM || (which >= S_GRADE_A && which <= S_GRADE_3);
    if (is_cut && (st = setting_cut_value(L, which, w, dim, &num, &pct)) != LSC_OK)
        return st;

    switch (which) {
    case S_MAX:
        st = set_cut(L, dim == DIM_TOTAL ? &r->tmax : &r->dims[dim].max, w, num);
        if (pct)
            r->dims[dim].max_pct = num;
        break;
    case S_MIN:
        st = set_cut(L, dim == DIM_TOTAL ? &r->tmin : &r->dims[dim].min, w, num);
        break;
    case S_QUALIFIED:
        st = set_cut(L, &r->qualified, w, num);
        break;
    case S_HOT:
        st = set_cut(L, &r->hot, w, num);
        break;
    case S_WARM:
        st = set_cut(L, &r->warm, w, num);
        break;
    case S_GRADE_A:
    case S_GRADE_B:
    case S_GRADE_C:
    case S_GRADE_1:
    case S_GRADE_2:
    case S_GRADE_3:
        st = set_grade(L, which, w, dim, num);
        break;
    case S_ALLOW_NEG:
        st = set_allow_negative(L, v, vlen);
        break;
    case S_DECAY:
        st = set_decay(L, dim, v, vlen, col, col_len);
        break;
    case S_MISSING:
        st = add_missing_values(L, v, vlen);
        break;
    case S_DATE_FORMAT:
        st = add_date_format(L, col, col_len, v, vlen);
        break;
    }
    return st;
}

static const char *format_for(const struct lsc_rules *r, const char *column)
{
    const char *fmt = NULL;
    for (size_t k = 0; k < r->n_fmts; k++)
        if (r->fmts[k].column == NULL && fmt == NULL)
            fmt = r->fmts[k].fmt;
    if (fmt == NULL) /* the sheet declares none: --date-format */
        fmt = r->default_fmt;
    for (size_t k = 0; k < r->n_fmts; k++)
        if (r->fmts[k].column != NULL &&
            lsc_rules_text_eq(r->fmts[k].column, strlen(r->fmts[k].column), column, strlen(column),
                              1))
            fmt = r->fmts[k].fmt;
    return fmt;
}

const char *lsc_rules_format_for(const struct lsc_rules *r, const char *column)
{
    return format_for(r, column);
}

/* Checks one ordered list of cut-offs: all or none, strictly decreasing. */
static enum lsc_status check_cut_list(struct loader *L, const struct cut *c,
                                      const char *const *names, const char *what)
{
    enum lsc_status st = LSC_OK;
    int n = c[0].set + c[1].set + c[2].set;
    for (int k = 0; k < 3 && st == LSC_OK && n > 0 && n < 3; k++)
        if (!c[k].set)
            for (int j = 0; j < 3 && st == LSC_OK; j++)
                if (c[j].set)
                    st = lsc_rules_sheet_err(L, c[j].line, C_OP,
                                             "%s cut-offs are incomplete: \"%s\" is missing", what,
                                             names[k]);
    for (int k = 1; k < 3 && st == LSC_OK && n == 3; k++)
        if (c[k].c >= c[k - 1].c) {
            size_t line = c[k].line > c[k - 1].line ? c[k].line : c[k - 1].line;
            char a[NUM_MAX], b[NUM_MAX];
            lsc_rules_format_cents(c[k - 1].c, 0, a, sizeof a);
            lsc_rules_format_cents(c[k].c, 0, b, sizeof b);
            st = lsc_rules_sheet_err(L, line, C_VALUE,
                                     "contradictory cut-offs: %s (%s) must be above %s (%s)",
                                     names[k - 1], a, names[k], b);
        }
    return st;
}

/* A cut-off above the reachable maximum can never be met. */
static enum lsc_status check_reachable(struct loader *L, const struct cut *c, const char *what,
                                       const struct cut *max, const char *max_what)
{
    enum lsc_status st = LSC_OK;
    if (c->set && max->set && c->c > max->c) {
        char a[NUM_MAX], b[NUM_MAX];
        lsc_rules_format_cents(c->c, 0, a, sizeof a);
        lsc_rules_format_cents(max->c, 0, b, sizeof b);
        st = lsc_rules_sheet_err(
            L, c->line, C_VALUE,
            "contradictory cut-offs: %s (%s) is above %s (%s, line %zu) and can "
            "never be reached",
            what, a, max_what, b, max->line);
    }
    return st;
}

static enum lsc_status check_min_max(struct loader *L, const struct cut *min, const struct cut *max,
                                     const char *name)
{
    enum lsc_status st = LSC_OK;
    if (min->set && max->set && min->c > max->c) {
        char a[NUM_MAX], b[NUM_MAX];
        lsc_rules_format_cents(min->c, 0, a, sizeof a);
        lsc_rules_format_cents(max->c, 0, b, sizeof b);
        st = lsc_rules_sheet_err(L, min->line > max->line ? min->line : max->line, C_VALUE,
                                 "contradictory cut-offs: the min of %s (%s) is above its max (%s)",
                                 name, a, b);
    }
    return st;
}

/* Whole-sheet checks once every row is read. */
enum lsc_status lsc_rules_finish_sheet(struct loader *L)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    static const char *const letters[3] = {"grade A", "grade B", "grade C"};
    static const char *const digits[3] = {"grade 1", "grade 2", "grade 3"};

    if (r->n_rules == 0) {
        st = lsc_error_set(L->err, LSC_ERR_DATA, r->file, 0, 0, "the sheet defines no rules");
        goto cleanup;
    }
    for (size_t k = 0; k < r->n_rules; k++) {
        struct rule *ru = &r->rules[k];
        if (!is_date_op(ru->op))
            continue;
        ru->fmt = format_for(r, ru->column);
        if ((ru->op == OP_BEFORE || ru->op == OP_AFTER) &&
            !lsc_rules_parse_cell_date(ru->text, ru->text_len, ru->fmt, &ru->day)) {
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE, "rule %s: \"%.*s\" is not a date (%s%s)",
                                     ru->id, SHOWN(ru->text_len), ru->text,
                                     ru->fmt ? ru->fmt : "YYYY-MM-DD",
                                     ru->fmt ? " or YYYY-MM-DD" : "");
            goto cleanup;
        }
    }
    for (size_t k = 0; k < r->n_dims; k++) {
        struct dim *d = &r->dims[k];
        if (k >= 2 && !d->has_rules) {
            st = lsc_rules_sheet_err(L, d->setting_line, C_DIM,
                                     "dimension \"%s\" is named in a setting but no rule uses it",
                                     d->name);
            goto cleanup;
        }
        if (d->decay.set)
            d->decay.fmt = format_for(r, d->decay.column);
        if (d->max_pct > 0.0) {
            if (!r->tmax.set) {
                st = lsc_rules_sheet_err(
                    L, d->max.line, C_VALUE,
                    "the max of %s is a percentage of the total's max, which is not "
                    "set (add: setting,total,,max,100)",
                    d->name);
                goto cleanup;
            }
            d->max.c = llround((double)r->tmax.c * d->max_pct / 100.0);
        }
        if ((st = check_min_max(L, &d->min, &d->max, d->name)) != LSC_OK)
            goto cleanup;
    }
    if ((st = check_min_max(L, &r->tmin, &r->tmax, "total")) != LSC_OK)
        goto cleanup;
    if (r->hot.set != r->warm.set) {
        const struct cut *c = r->hot.set ? &r->hot : &r->warm;
        st = lsc_rules_sheet_err(L, c->line, C_OP,
                                 "tiers need both a \"hot\" and a \"warm\" cut-off");
        goto cleanup;
    }
    if (r->hot.set && r->hot.c <= r->warm.c) {
        char a[NUM_MAX], b[NUM_MAX];
        lsc_rules_format_cents(r->hot.c, 0, a, sizeof a);
        lsc_rules_format_cents(r->warm.c, 0, b, sizeof b);
        st =
            lsc_rules_sheet_err(L, r->hot.line > r->warm.line ? r->hot.line : r->warm.line, C_VALUE,
                                "contradictory cut-offs: hot (%s) must be above warm (%s)", a, b);
        goto cleanup;
    }
    if ((st = check_reachable(L, &r->qualified, "qualified", &r->tmax, "the total's max")) !=
            LSC_OK ||
        (st = check_reachable(L, &r->hot, "hot", &r->tmax, "the total's max")) != LSC_OK ||
        (st = check_reachable(L, &r->warm, "warm", &r->tmax, "the total's max")) != LSC_OK)
        goto cleanup;
    if ((st = check_cut_list(L, r->letter, letters, "grade letter")) != LSC_OK ||
        (st = check_cut_list(L, r->digit, digits, "grade digit")) != LSC_OK)
        goto cleanup;
    if (r->letter[0].set != r->digit[0].set) {
        const struct cut *c = r->letter[0].set ? &r->letter[0] : &r->digit[0];
        st = lsc_rules_sheet_err(
            L, c->line, C_OP,
            "a grade needs both letter (grade A..C) and digit (grade 1..3) cut-offs");
        goto cleanup;
    }
    for (int k = 0; k < 3 && r->letter[0].set; k++) {
        const struct dim *ld = &r->dims[r->letter_dim], *dd = &r->dims[r->digit_dim];
        if ((st = check_reachable(L, &r->letter[k], letters[k], &ld->max,
                                  "the letter "
                                  "dimension's max")) != LSC_OK ||
            (st = check_reachable(L, &r->digit[k], digits[k], &dd->max,
                                  "the digit "
                                  "dimension's max")) != LSC_OK)
            goto cleanup;
    }
cleanup:
    return st;
}
