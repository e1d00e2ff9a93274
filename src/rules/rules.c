/* rules - manual rule scores from a rules sheet (format: docs/rules.md).
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

#include "alloc.h"
#include "csv_reader.h"
#include "date.h"
#include "dict.h"
#include "rules_internal.h"
#include "status_internal.h"
#include "util.h"

#define NO_COL SIZE_MAX
#define MAX_POINTS 1e9    /* |points|, |cap|, |cut-off| in the sheet */
#define MAX_CONTRIB 1e11  /* |cents| a rule, a dimension or the total may reach (1e9 points) */
#define MAX_RULES 100000  /* keeps every sum of cents far from overflow */
#define MAX_DAYS 1000000L /* "older than" / "within" / decay period */
#define NUM_MAX 32        /* a formatted points value with its NUL */
#define ERR_LIST_MAX 600  /* bytes of header names listed in an error */

/* ---- the sheet's model ---------------------------------------------------- */

enum op {
    OP_EQ,
    OP_NE,
    OP_IN,
    OP_NOT_IN,
    OP_CONTAINS,
    OP_NOT_CONTAINS,
    OP_MISSING,
    OP_PRESENT,
    OP_GT,
    OP_GE,
    OP_LT,
    OP_LE,
    OP_BETWEEN,
    OP_PER_UNIT,
    OP_OLDER,
    OP_WITHIN,
    OP_BEFORE,
    OP_AFTER,
    OP_ACCOUNT_MIN,
    OP_PRIORITY
};

struct name_op {
    const char *name;
    enum op op;
};

/* Normalized spellings (lowercase, single spaces); the first of each
 * operator is its canonical name. */
static const struct name_op op_names[] = {
    {"equals", OP_EQ},
    {"=", OP_EQ},
    {"==", OP_EQ},
    {"not equals", OP_NE},
    {"!=", OP_NE},
    {"<>", OP_NE},
    {"in", OP_IN},
    {"one of", OP_IN},
    {"in list", OP_IN},
    {"not in", OP_NOT_IN},
    {"not one of", OP_NOT_IN},
    {"not in list", OP_NOT_IN},
    {"contains", OP_CONTAINS},
    {"not contains", OP_NOT_CONTAINS},
    {"does not contain", OP_NOT_CONTAINS},
    {"is missing", OP_MISSING},
    {"is empty", OP_MISSING},
    {"is present", OP_PRESENT},
    {"is not missing", OP_PRESENT},
    {"is not empty", OP_PRESENT},
    {">", OP_GT},
    {"more than", OP_GT},
    {">=", OP_GE},
    {"at least", OP_GE},
    {"<", OP_LT},
    {"less than", OP_LT},
    {"<=", OP_LE},
    {"at most", OP_LE},
    {"between", OP_BETWEEN},
    {"per unit", OP_PER_UNIT},
    {"per", OP_PER_UNIT},
    {"older than", OP_OLDER},
    {"within", OP_WITHIN},
    {"before", OP_BEFORE},
    {"after", OP_AFTER},
    {"account has at least", OP_ACCOUNT_MIN},
    {"on priority list", OP_PRIORITY},
};

#define KNOWN_OPS                                                                                  \
    "equals, not equals, in, not in, contains, not contains (each also with \"ignore case\"), "    \
    "is missing, is present, >, >=, <, <=, between, per unit, older than, within, before, after, " \
    "account has at least, on priority list"

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

/* The sheet's columns. */
enum {
    C_ID, C_DIM, C_COLUMN, C_OP, C_VALUE, C_POINTS, C_CAP, C_DESC,
    C_AND_COLUMN, C_AND_OP, C_AND_VALUE, N_SHEET_COLS
};

static const char *const sheet_col_names[N_SHEET_COLS] = {
    "id", "dimension", "column", "operator", "value", "points", "cap", "description",
    "and column", "and operator", "and value"};

struct span {
    size_t off, len;
};

/* A cut-off, floor or cap, in cents. */
struct cut {
    int set;
    long long c;
    size_t line;
};

struct rule {
    char *id;
    size_t line;
    size_t dim;
    char *column; /* as written; NULL for an account rule without one */
    size_t col;   /* bound input field */
    enum op op;
    int icase;
    char *text; /* the value as written (trimmed) */
    size_t text_len;
    struct span *items; /* in / not in: the list items within text */
    size_t n_items;
    double a, b;     /* bounds; the unit; days; the minimum leads */
    long day;        /* before / after: the day number */
    const char *fmt; /* the column's declared date format, or NULL */
    double points;   /* per unit for per-unit rules */
    long long points_c;
    int has_cap;
    long long cap_c;
    struct rule *also; /* a second condition that must hold too ("and column"), or NULL */
};

struct decay {
    int set;
    size_t line;
    double keep; /* 1 - rate */
    long period; /* days */
    char *column;
    size_t col;
    const char *fmt;
};

struct dim {
    char *name;
    char *points_col; /* "<name>_points" */
    char *decay_id, *min_id, *max_id;
    int has_rules;
    size_t setting_line; /* first setting naming it */
    struct cut min, max;
    double max_pct; /* > 0: max is this percent of the total's max */
    struct decay decay;
};

struct date_fmt {
    char *column; /* NULL: every date column without its own */
    char *fmt;
    size_t line;
};

struct lsc_rules {
    char *file;
    size_t fieldno[N_SHEET_COLS]; /* 1-based field numbers in the sheet, 0: absent */

    struct rule *rules;
    size_t n_rules, cap_rules;
    struct dict *ids; /* id -> rule index */

    struct dim *dims;
    size_t n_dims, cap_dims;

    struct cut tmin, tmax, qualified, hot, warm, letter[3], digit[3];
    int allow_neg;
    size_t allow_neg_line;
    size_t letter_dim, digit_dim;
    size_t letter_dim_line, digit_dim_line;

    char **na_items;
    size_t n_na;
    struct lsc_strings na;

    struct date_fmt *fmts;
    size_t n_fmts;

    char *sheet_account; /* the account column named in the sheet */
    size_t sheet_account_line;
    char *account_override;
    size_t account_col;
    size_t n_account_rules, n_priority_rules, n_date_rules;

    int bound;
    int has_as_of;
    long as_of;

    struct dict *accounts;
    size_t *counts;
    size_t counts_cap;
    struct dict *priority;
    char *scratch;
    size_t scratch_cap;

    size_t max_hits;
    size_t value_max;
};

/* ---- small helpers ---------------------------------------------------------- */

static char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static int text_eq(const char *a, size_t alen, const char *b, size_t blen, int icase)
{
    int eq = alen == blen;
    for (size_t i = 0; eq && i < alen; i++)
        eq = icase ? lower(a[i]) == lower(b[i]) : a[i] == b[i];
    return eq;
}


/* Lowercases, maps '_' to ' ', trims and collapses blanks into out; 0 when
 * the word does not fit. */
int lsc_rules_normalize_word(const char *s, size_t len, char out[WORD_MAX])
{
    size_t n = 0;
    int ok = 1, space = 0;
    lsc_trim_span(&s, &len);
    for (size_t i = 0; ok && i < len; i++) {
        char c = lower(s[i]);
        if (c == '_' || c == ' ' || c == '\t') {
            space = 1;
            continue;
        }
        if (space && n > 0) {
            if (n + 1 >= WORD_MAX)
                ok = 0;
            else
                out[n++] = ' ';
        }
        space = 0;
        if (n + 1 >= WORD_MAX)
            ok = 0;
        else
            out[n++] = c;
    }
    out[ok ? n : 0] = '\0';
    return ok;
}

static long long to_cents(double v)
{
    return llround(v * 100.0);
}

static double from_cents(long long c)
{
    return (double)c / 100.0;
}

/* Appends a formatted string at *pos of buf[size], snprintf-like: *pos counts
 * what the whole text needs even past size. */
static void append(char *buf, size_t size, size_t *pos, const char *s, size_t len)
{
    if (*pos < size) {
        size_t room = size - *pos - 1;
        size_t n = len < room ? len : room;
        memcpy(buf + *pos, s, n);
        buf[*pos + n] = '\0';
    }
    *pos += len;
}

static size_t format_cents(long long c, int plus_sign, char *buf, size_t size)
{
    char tmp[NUM_MAX];
    const char *sign = c < 0 ? "-" : (plus_sign ? "+" : "");
    unsigned long long a = c < 0 ? 0ULL - (unsigned long long)c : (unsigned long long)c;
    unsigned long long whole = a / 100, frac = a % 100;
    int n;
    if (frac == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu", sign, whole);
    else if (frac % 10 == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu.%llu", sign, whole, frac / 10);
    else
        n = snprintf(tmp, sizeof tmp, "%s%llu.%02llu", sign, whole, frac);
    size_t pos = 0;
    if (size > 0)
        buf[0] = '\0';
    append(buf, size, &pos, tmp, n > 0 ? (size_t)n : 0);
    return pos;
}

static char *join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = lsc_malloc(la + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

/* Grows *buf to hold need bytes; 0 on allocation failure. */
static int reserve_bytes(char **buf, size_t *cap, size_t need)
{
    int ok = 1;
    if (need > *cap) {
        size_t n = *cap ? *cap : 64;
        while (n < need)
            n = n > SIZE_MAX / 2 ? need : n * 2;
        char *p = lsc_realloc(*buf, n);
        if (p == NULL) {
            ok = 0;
        } else {
            *buf = p;
            *cap = n;
        }
    }
    return ok;
}

/* The account key: trimmed and ASCII-lowercased into *buf. */
static int fold_key(char **buf, size_t *cap, const char *s, size_t len, size_t *out_len)
{
    int ok = reserve_bytes(buf, cap, len + 1);
    if (ok) {
        for (size_t i = 0; i < len; i++)
            (*buf)[i] = lower(s[i]);
        (*buf)[len] = '\0';
        *out_len = len;
    }
    return ok;
}

/* ---- dates ---------------------------------------------------------------- */

/* A value of a date column: the declared format first, then ISO 8601
 * (date.h). */
static int parse_cell_date(const char *s, size_t len, const char *fmt, long *day)
{
    return (fmt != NULL && lsc_date_parse_format(s, len, fmt, day)) ||
           lsc_date_parse_format(s, len, "%Y-%m-%d", day);
}

/* ---- the loader --------------------------------------------------------------- */

struct loader {
    struct lsc_rules *r;
    const struct csv_record *rec;
    size_t idx[N_SHEET_COLS]; /* field index of each sheet column, NO_COL: absent */
    struct lsc_error *err;
};

static enum lsc_status sheet_err(const struct loader *L, size_t line, int sheet_col,
                                 const char *fmt, ...) LSC_PRINTF(4, 5);

/* LSC_ERR_DATA at line (and the field of sheet_col, or none when < 0). */
static enum lsc_status sheet_err(const struct loader *L, size_t line, int sheet_col,
                                 const char *fmt, ...)
{
    char msg[LSC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t col = sheet_col >= 0 ? L->r->fieldno[sheet_col] : 0;
    return lsc_error_set(L->err, LSC_ERR_DATA, L->r->file, line, col, "%s", msg);
}

static void get_field(const struct loader *L, int c, const char **s, size_t *len)
{
    size_t i = L->idx[c];
    if (i == NO_COL || i >= L->rec->nfields) {
        *s = "";
        *len = 0;
    } else {
        *s = L->rec->fields[i];
        *len = L->rec->lens[i];
        lsc_trim_span(s, len);
    }
}

/* Shows at most 40 bytes of a value in a message. */
#define SHOWN(len) ((int)((len) > 40 ? 40 : (len)))

static enum lsc_status map_sheet_header(struct loader *L)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    for (int c = 0; c < N_SHEET_COLS; c++)
        L->idx[c] = NO_COL;
    for (size_t k = 0; k < L->rec->nfields && st == LSC_OK; k++) {
        char w[WORD_MAX];
        int c = -1;
        if (!lsc_rules_normalize_word(L->rec->fields[k], L->rec->lens[k], w))
            continue;
        for (int j = 0; j < N_SHEET_COLS; j++)
            if (strcmp(w, sheet_col_names[j]) == 0)
                c = j;
        if (strcmp(w, "rule") == 0 || strcmp(w, "rule id") == 0)
            c = C_ID;
        else if (strcmp(w, "per unit cap") == 0)
            c = C_CAP;
        else if (strcmp(w, "notes") == 0)
            c = C_DESC;
        if (c < 0)
            continue; /* other columns (owner, comments...) are the team's business */
        if (L->idx[c] != NO_COL) {
            st = lsc_error_set(L->err, LSC_ERR_DATA, r->file, L->rec->line, k + 1,
                               "the sheet has two \"%s\" columns", sheet_col_names[c]);
            break;
        }
        L->idx[c] = k;
        r->fieldno[c] = k + 1;
    }
    for (int c = 0; c <= C_POINTS && st == LSC_OK; c++)
        if (L->idx[c] == NO_COL)
            st = lsc_error_set(L->err, LSC_ERR_DATA, r->file, L->rec->line, 0,
                               "the sheet has no \"%s\" column (required: id, dimension, "
                               "column, operator, value, points; optional: cap, description)",
                               sheet_col_names[c]);
    return st;
}

/* The index of dimension name (created when new), or an error. */
static enum lsc_status find_dim(struct loader *L, const char *s, size_t len, size_t *out)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    char name[WORD_MAX];
    size_t n = 0;
    int ok =
        len > 0 && len < WORD_MAX && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
    for (size_t i = 0; ok && i < len; i++) {
        char c = lower(s[i]);
        ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
        name[n++] = c;
    }
    if (!ok) {
        st = sheet_err(L, L->rec->line, C_DIM,
                       "dimension \"%.*s\" is not a name (letters, digits, '_' or '-', "
                       "starting with a letter)",
                       SHOWN(len), s);
        goto cleanup;
    }
    name[n] = '\0';
    for (size_t k = 0; k < r->n_dims; k++)
        if (strcmp(r->dims[k].name, name) == 0) {
            *out = k;
            goto cleanup;
        }
    if (r->n_dims == r->cap_dims) {
        size_t cap = r->cap_dims ? r->cap_dims * 2 : 4;
        struct dim *d = lsc_reallocarray(r->dims, cap, sizeof *d);
        if (d == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->dims = d;
        r->cap_dims = cap;
    }
    struct dim *d = &r->dims[r->n_dims];
    memset(d, 0, sizeof *d);
    r->n_dims++;
    d->name = lsc_strdup(name);
    d->points_col = join(name, "_points");
    d->decay_id = join(name, ".decay");
    d->min_id = join(name, ".min");
    d->max_id = join(name, ".max");
    if (d->name == NULL || d->points_col == NULL || d->decay_id == NULL || d->min_id == NULL ||
        d->max_id == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    *out = r->n_dims - 1;
cleanup:
    return st;
}

static int parse_amount(const char *s, size_t len, double *out)
{
    return lsc_parse_number(s, len, out) && fabs(*out) <= MAX_POINTS;
}

/* "90", "90 days", "1 day" -> 90, 1. */
static int parse_days(const char *s, size_t len, long *out)
{
    size_t i = 0;
    long v = 0;
    while (i < len && is_digit(s[i]) && v <= MAX_DAYS) {
        v = v * 10 + (s[i] - '0');
        i++;
    }
    int ok = i > 0 && v <= MAX_DAYS;
    const char *rest = s + i;
    size_t rlen = len - i;
    lsc_trim_span(&rest, &rlen);
    ok = ok && (rlen == 0 || lsc_span_ieq(rest, rlen, "day") || lsc_span_ieq(rest, rlen, "days"));
    if (ok)
        *out = v;
    return ok;
}

/* "10 and 20", "10 to 20", "10;20" -> the two spans. */
static int split_between(const char *s, size_t len, struct span *a, struct span *b)
{
    static const char *const seps[] = {";", " and ", " to "};
    int found = 0;
    for (size_t k = 0; !found && k < sizeof seps / sizeof seps[0]; k++) {
        size_t sl = strlen(seps[k]);
        for (size_t i = 0; !found && sl <= len && i <= len - sl; i++)
            if (text_eq(s + i, sl, seps[k], sl, 1)) {
                found = 1;
                a->off = 0;
                a->len = i;
                b->off = i + sl;
                b->len = len - i - sl;
            }
    }
    return found;
}

static int parse_span_number(const char *s, const struct span *sp, double *out)
{
    const char *p = s + sp->off;
    size_t n = sp->len;
    lsc_trim_span(&p, &n);
    return lsc_parse_number(p, n, out);
}

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
        ok = parse_days(rest, rlen, period) && *period >= 1;
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
    else if (lsc_span_ieq(s, len, "no") || lsc_span_ieq(s, len, "false") || lsc_span_ieq(s, len, "0"))
        *out = 0;
    else
        ok = 0;
    return ok;
}

/* Splits rule->text at ';' into trimmed, non-empty items. */
static enum lsc_status split_items(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    size_t n = 1;
    for (size_t i = 0; i < ru->text_len; i++)
        n += ru->text[i] == ';';
    ru->items = lsc_reallocarray(NULL, n, sizeof *ru->items);
    if (ru->items == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    size_t start = 0;
    for (size_t i = 0; i <= ru->text_len; i++) {
        if (i < ru->text_len && ru->text[i] != ';')
            continue;
        const char *p = ru->text + start;
        size_t len = i - start;
        lsc_trim_span(&p, &len);
        if (len == 0) {
            st = sheet_err(L, ru->line, C_VALUE, "rule %s: the list \"%.*s\" has an empty item",
                           ru->id, SHOWN(ru->text_len), ru->text);
            goto cleanup;
        }
        ru->items[ru->n_items].off = (size_t)(p - ru->text);
        ru->items[ru->n_items].len = len;
        ru->n_items++;
        start = i + 1;
    }
cleanup:
    return st;
}

static int is_text_op(enum op op)
{
    return op <= OP_NOT_CONTAINS;
}

static int is_date_op(enum op op)
{
    return op >= OP_OLDER && op <= OP_AFTER;
}

static int is_account_op(enum op op)
{
    return op == OP_ACCOUNT_MIN || op == OP_PRIORITY;
}

/* The rule's operator and its "ignore case" suffix. */
static enum lsc_status parse_operator(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    const char *s;
    size_t len;
    char w[WORD_MAX];
    int found = 0;
    get_field(L, C_OP, &s, &len);
    if (len == 0) {
        st = sheet_err(L, ru->line, C_OP, "rule %s has no operator (known: %s)", ru->id, KNOWN_OPS);
        goto cleanup;
    }
    if (lsc_rules_normalize_word(s, len, w)) {
        size_t n = strlen(w);
        const char *suffix = " ignore case";
        size_t sl = strlen(suffix);
        if (n > sl && strcmp(w + n - sl, suffix) == 0) {
            w[n - sl] = '\0';
            ru->icase = 1;
        }
        for (size_t k = 0; !found && k < sizeof op_names / sizeof op_names[0]; k++)
            if (strcmp(w, op_names[k].name) == 0) {
                found = 1;
                ru->op = op_names[k].op;
            }
    }
    if (!found) {
        st = sheet_err(L, ru->line, C_OP, "rule %s: unknown operator \"%.*s\" (known: %s)", ru->id,
                       SHOWN(len), s, KNOWN_OPS);
    } else if (ru->icase && !is_text_op(ru->op)) {
        st = sheet_err(L, ru->line, C_OP,
                       "rule %s: \"ignore case\" applies only to equals, not equals, in, "
                       "not in, contains and not contains",
                       ru->id);
    }
cleanup:
    return st;
}

/* The value column, read as the operator needs it. */
static enum lsc_status parse_value(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    const char *s = ru->text;
    size_t len = ru->text_len;
    struct span a, b;
    long days = 0;
    switch (ru->op) {
    case OP_EQ:
    case OP_NE:
    case OP_CONTAINS:
    case OP_NOT_CONTAINS:
        if (len == 0)
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s needs a value to compare with (for empty cells use "
                           "\"is missing\")",
                           ru->id);
        break;
    case OP_IN:
    case OP_NOT_IN:
        if (len == 0)
            st = sheet_err(L, ru->line, C_VALUE, "rule %s needs a list of values separated by ';'",
                           ru->id);
        else
            st = split_items(L, ru);
        break;
    case OP_MISSING:
    case OP_PRESENT:
    case OP_PRIORITY:
        if (len > 0)
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: this operator takes no value, "
                           "found \"%.*s\"",
                           ru->id, SHOWN(len), s);
        break;
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE:
        if (!lsc_parse_number(s, len, &ru->a))
            st = sheet_err(L, ru->line, C_VALUE, "rule %s: value \"%.*s\" is not a number", ru->id,
                           SHOWN(len), s);
        break;
    case OP_BETWEEN:
        if (!split_between(s, len, &a, &b) || !parse_span_number(s, &a, &ru->a) ||
            !parse_span_number(s, &b, &ru->b))
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: value \"%.*s\" is not two numbers like \"10 and 20\"", ru->id,
                           SHOWN(len), s);
        else if (ru->a > ru->b)
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: between %g and %g can never hold (the first number must "
                           "not exceed the second)",
                           ru->id, ru->a, ru->b);
        break;
    case OP_PER_UNIT:
        ru->a = 1.0;
        if (len > 0 && (!lsc_parse_number(s, len, &ru->a) || !(ru->a > 0.0)))
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: the unit \"%.*s\" is not a positive number", ru->id,
                           SHOWN(len), s);
        break;
    case OP_OLDER:
    case OP_WITHIN:
        if (!parse_days(s, len, &days))
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: value \"%.*s\" is not a number of days like \"90 days\"",
                           ru->id, SHOWN(len), s);
        ru->a = (double)days;
        break;
    case OP_BEFORE:
    case OP_AFTER:
        if (len == 0)
            st = sheet_err(L, ru->line, C_VALUE, "rule %s needs a date", ru->id);
        break; /* read once the sheet's date formats are known */
    case OP_ACCOUNT_MIN:
        if (!parse_days(s, len, &days) || len != strspn(s, "0123456789") || days < 1)
            st = sheet_err(L, ru->line, C_VALUE,
                           "rule %s: value \"%.*s\" is not a number of leads (1 or more)", ru->id,
                           SHOWN(len), s);
        ru->a = (double)days;
        break;
    }
    return st;
}

/* Swaps the sheet columns of the main condition with the "and" ones. */
static void swap_and_columns(struct loader *L)
{
    static const int from[3] = {C_COLUMN, C_OP, C_VALUE}, to[3] = {C_AND_COLUMN, C_AND_OP,
                                                                   C_AND_VALUE};
    for (int k = 0; k < 3; k++) {
        size_t t = L->idx[from[k]];
        L->idx[from[k]] = L->idx[to[k]];
        L->idx[to[k]] = t;
        t = L->r->fieldno[from[k]];
        L->r->fieldno[from[k]] = L->r->fieldno[to[k]];
        L->r->fieldno[to[k]] = t;
    }
}

/* The rule's second condition, when its row fills "and column": a text,
 * presence or number test on another (or the same) column. */
static enum lsc_status parse_also(struct loader *L, struct rule *ru)
{
    const char *s, *op, *val;
    size_t len, oplen, vlen;
    get_field(L, C_AND_COLUMN, &s, &len);
    get_field(L, C_AND_OP, &op, &oplen);
    get_field(L, C_AND_VALUE, &val, &vlen);
    if (len == 0)
        return oplen + vlen == 0 ? LSC_OK
                                 : sheet_err(L, ru->line, C_AND_COLUMN,
                                             "rule %s has an and-operator or and-value but no "
                                             "and-column",
                                             ru->id);
    struct rule *a = lsc_calloc(1, sizeof *a);
    if (a == NULL)
        return lsc_error_nomem(L->err);
    ru->also = a;
    a->line = ru->line;
    a->dim = ru->dim;
    a->col = NO_COL;
    a->id = lsc_strdup(ru->id);
    a->column = lsc_strndup(s, len);
    a->text = lsc_strndup(val, vlen);
    a->text_len = vlen;
    if (a->id == NULL || a->column == NULL || a->text == NULL)
        return lsc_error_nomem(L->err);
    swap_and_columns(L);
    enum lsc_status st = parse_operator(L, a);
    if (st == LSC_OK && (is_date_op(a->op) || is_account_op(a->op) || a->op == OP_PER_UNIT))
        st = sheet_err(L, ru->line, C_OP,
                       "rule %s: the and-condition must be a text, presence or number test (not "
                       "a date, account or per-unit one)",
                       ru->id);
    if (st == LSC_OK)
        st = parse_value(L, a);
    swap_and_columns(L);
    return st;
}

static enum lsc_status add_rule(struct loader *L, const char *id, size_t id_len)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    const char *s;
    size_t len;
    int added = 0;

    if (r->n_rules >= MAX_RULES) {
        st = sheet_err(L, L->rec->line, -1, "more than %d rules", MAX_RULES);
        goto cleanup;
    }
    for (size_t i = 0; i < id_len; i++)
        if (id[i] == ';' || id[i] == ':' || (unsigned char)id[i] < 0x20) {
            st = sheet_err(L, L->rec->line, C_ID,
                           "rule id \"%.*s\" may not contain ';', ':' or control characters",
                           SHOWN(id_len), id);
            goto cleanup;
        }
    uint32_t prev = lsc_dict_find(r->ids, id, id_len);
    if (prev != DICT_NONE) {
        st = sheet_err(L, L->rec->line, C_ID, "rule id \"%.*s\" is already used on line %zu",
                       SHOWN(id_len), id, r->rules[prev].line);
        goto cleanup;
    }
    if (r->n_rules == r->cap_rules) {
        size_t cap = r->cap_rules ? r->cap_rules * 2 : 16;
        struct rule *p = lsc_reallocarray(r->rules, cap, sizeof *p);
        if (p == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->rules = p;
        r->cap_rules = cap;
    }
    if (lsc_dict_intern(r->ids, id, id_len, &added) == DICT_NONE) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    struct rule *ru = &r->rules[r->n_rules];
    memset(ru, 0, sizeof *ru);
    r->n_rules++;
    ru->line = L->rec->line;
    ru->col = NO_COL;
    ru->id = lsc_strndup(id, id_len);
    get_field(L, C_VALUE, &s, &len);
    ru->text = lsc_strndup(s, len);
    ru->text_len = len;
    if (ru->id == NULL || ru->text == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }

    get_field(L, C_DIM, &s, &len);
    if (len == 0) {
        st = sheet_err(L, ru->line, C_DIM, "rule %s has no dimension (e.g. fit or engagement)",
                       ru->id);
        goto cleanup;
    }
    if (lsc_span_ieq(s, len, "total")) {
        st = sheet_err(L, ru->line, C_DIM,
                       "rule %s: rules add to a dimension such as fit or engagement; "
                       "\"total\" is only for settings",
                       ru->id);
        goto cleanup;
    }
    if ((st = find_dim(L, s, len, &ru->dim)) != LSC_OK)
        goto cleanup;
    r->dims[ru->dim].has_rules = 1;

    if ((st = parse_operator(L, ru)) != LSC_OK)
        goto cleanup;

    get_field(L, C_COLUMN, &s, &len);
    if (len > 0) {
        ru->column = lsc_strndup(s, len);
        if (ru->column == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
    } else if (!is_account_op(ru->op)) {
        st = sheet_err(L, ru->line, C_COLUMN, "rule %s has no column", ru->id);
        goto cleanup;
    }
    if (is_account_op(ru->op)) {
        r->n_account_rules += ru->op == OP_ACCOUNT_MIN;
        r->n_priority_rules += ru->op == OP_PRIORITY;
        if (ru->column != NULL && r->sheet_account == NULL) {
            r->sheet_account = lsc_strdup(ru->column);
            r->sheet_account_line = ru->line;
            if (r->sheet_account == NULL) {
                st = lsc_error_nomem(L->err);
                goto cleanup;
            }
        } else if (ru->column != NULL && strcmp(ru->column, r->sheet_account) != 0) {
            st = sheet_err(L, ru->line, C_COLUMN,
                           "rule %s: account rules must all use one account column (line %zu "
                           "uses \"%s\")",
                           ru->id, r->sheet_account_line, r->sheet_account);
            goto cleanup;
        }
    }
    r->n_date_rules += is_date_op(ru->op) ? 1 : 0;

    if ((st = parse_value(L, ru)) != LSC_OK)
        goto cleanup;

    get_field(L, C_POINTS, &s, &len);
    if (!parse_amount(s, len, &ru->points)) {
        st = sheet_err(L, ru->line, C_POINTS,
                       len == 0 ? "rule %s has no points%.*s"
                                : "rule %s: points \"%.*s\" is not a number (like 10 or -5)",
                       ru->id, SHOWN(len), s);
        goto cleanup;
    }
    ru->points_c = to_cents(ru->points);

    get_field(L, C_CAP, &s, &len);
    if (len > 0) {
        double cap = 0.0;
        if (ru->op != OP_PER_UNIT) {
            st = sheet_err(L, ru->line, C_CAP, "rule %s: a cap applies only to per-unit rules",
                           ru->id);
            goto cleanup;
        }
        if (!parse_amount(s, len, &cap) || cap < 0.0) {
            st = sheet_err(L, ru->line, C_CAP, "rule %s: cap \"%.*s\" is not a number >= 0", ru->id,
                           SHOWN(len), s);
            goto cleanup;
        }
        ru->has_cap = 1;
        ru->cap_c = to_cents(cap);
    }
    st = parse_also(L, ru);
cleanup:
    return st;
}

/* Records a cut-off, refusing a second one. */
static enum lsc_status set_cut(struct loader *L, struct cut *c, const char *what, double v)
{
    enum lsc_status st = LSC_OK;
    if (c->set)
        st = sheet_err(L, L->rec->line, C_OP, "setting \"%s\" is already given on line %zu", what,
                       c->line);
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
        st = sheet_err(L, L->rec->line, C_VALUE,
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
        st = sheet_err(L, L->rec->line, C_VALUE,
                       "date format \"%.*s\" must contain %%Y, %%m and %%d once each "
                       "(like %%d-%%m-%%Y or %%m/%%d/%%Y)",
                       SHOWN(len), s);
        goto cleanup;
    }
    for (size_t k = 0; k < r->n_fmts; k++)
        if ((column == NULL && r->fmts[k].column == NULL) ||
            (column != NULL && r->fmts[k].column != NULL &&
             text_eq(column, col_len, r->fmts[k].column, strlen(r->fmts[k].column), 1))) {
            st = sheet_err(L, L->rec->line, C_OP,
                           "a date format for %s%s%s is already given on line %zu",
                           column ? "\"" : "", column ? column : "every column", column ? "\"" : "",
                           r->fmts[k].line);
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
    get_field(L, C_OP, &s, &len);
    if (lsc_rules_normalize_word(s, len, w))
        for (size_t k = 0; k < sizeof setting_names / sizeof setting_names[0]; k++)
            if (strcmp(w, setting_names[k].name) == 0) {
                *which = setting_names[k].s;
                return LSC_OK;
            }
    return sheet_err(L, L->rec->line, C_OP, "unknown setting \"%.*s\" (known: %s)", SHOWN(len), s,
                     KNOWN_SETTINGS);
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
    get_field(L, C_DIM, &s, &len);
    *dim = NO_COL;
    if (lsc_span_ieq(s, len, "total")) {
        *dim = DIM_TOTAL;
    } else if (len > 0) {
        if ((st = find_dim(L, s, len, dim)) != LSC_OK)
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
        st = sheet_err(L, line, C_DIM, "setting \"%s\" %s", w,
                       which == S_DECAY  ? "needs a dimension (e.g. engagement)"
                       : which <= S_MIN  ? "needs a dimension or total"
                       : which <= S_WARM ? "applies to the total (leave the dimension empty)"
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
    get_field(L, C_VALUE, &v, &vlen);
    p = v;
    n = vlen;
    *pct = 0;
    if (which == S_MAX && n > 0 && p[n - 1] == '%') {
        *pct = 1;
        n--;
        lsc_trim_span(&p, &n);
    }
    if (!parse_amount(p, n, num) || (*pct && !(*num > 0.0 && *num <= 100.0)))
        return sheet_err(L, L->rec->line, C_VALUE,
                         *pct ? "setting \"%s\": \"%.*s\" is not a percentage in (0, 100]"
                              : "setting \"%s\": value \"%.*s\" is not a number",
                         w, SHOWN(vlen), v);
    if (*pct && dim == DIM_TOTAL)
        return sheet_err(L, L->rec->line, C_VALUE,
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
        return sheet_err(L, L->rec->line, C_DIM,
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
        st = sheet_err(L, line, C_OP,
                       "setting \"allow negative\" is already given on "
                       "line %zu",
                       r->allow_neg_line);
    else if (!parse_yes_no(v, vlen, &yes))
        st = sheet_err(L, line, C_VALUE,
                       "setting \"allow negative\": value \"%.*s\" is not yes or no", SHOWN(vlen),
                       v);
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
        st = sheet_err(L, line, C_OP, "dimension %s already has a decay on line %zu",
                       r->dims[dim].name, d->line);
    } else if (col_len == 0) {
        st = sheet_err(L, line, C_COLUMN,
                       "the decay of %s needs a date column (e.g. Last Activity Date)",
                       r->dims[dim].name);
    } else if (!parse_decay(v, vlen, &d->keep, &d->period)) {
        st = sheet_err(L, line, C_VALUE,
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
static enum lsc_status add_setting(struct loader *L)
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
    get_field(L, C_VALUE, &v, &vlen);
    get_field(L, C_COLUMN, &col, &col_len);
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
    for (size_t k = 0; k < r->n_fmts; k++)
        if (r->fmts[k].column != NULL &&
            text_eq(r->fmts[k].column, strlen(r->fmts[k].column), column, strlen(column), 1))
            fmt = r->fmts[k].fmt;
    return fmt;
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
                    st = sheet_err(L, c[j].line, C_OP,
                                   "%s cut-offs are incomplete: \"%s\" is missing", what, names[k]);
    for (int k = 1; k < 3 && st == LSC_OK && n == 3; k++)
        if (c[k].c >= c[k - 1].c) {
            size_t line = c[k].line > c[k - 1].line ? c[k].line : c[k - 1].line;
            char a[NUM_MAX], b[NUM_MAX];
            format_cents(c[k - 1].c, 0, a, sizeof a);
            format_cents(c[k].c, 0, b, sizeof b);
            st =
                sheet_err(L, line, C_VALUE, "contradictory cut-offs: %s (%s) must be above %s (%s)",
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
        format_cents(c->c, 0, a, sizeof a);
        format_cents(max->c, 0, b, sizeof b);
        st = sheet_err(L, c->line, C_VALUE,
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
        format_cents(min->c, 0, a, sizeof a);
        format_cents(max->c, 0, b, sizeof b);
        st = sheet_err(L, min->line > max->line ? min->line : max->line, C_VALUE,
                       "contradictory cut-offs: the min of %s (%s) is above its max (%s)", name, a,
                       b);
    }
    return st;
}

/* Whole-sheet checks once every row is read. */
static enum lsc_status finish_sheet(struct loader *L)
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
            !parse_cell_date(ru->text, ru->text_len, ru->fmt, &ru->day)) {
            st = sheet_err(L, ru->line, C_VALUE, "rule %s: \"%.*s\" is not a date (%s%s)", ru->id,
                           SHOWN(ru->text_len), ru->text, ru->fmt ? ru->fmt : "YYYY-MM-DD",
                           ru->fmt ? " or YYYY-MM-DD" : "");
            goto cleanup;
        }
    }
    for (size_t k = 0; k < r->n_dims; k++) {
        struct dim *d = &r->dims[k];
        if (k >= 2 && !d->has_rules) {
            st = sheet_err(L, d->setting_line, C_DIM,
                           "dimension \"%s\" is named in a setting but no rule uses it", d->name);
            goto cleanup;
        }
        if (d->decay.set)
            d->decay.fmt = format_for(r, d->decay.column);
        if (d->max_pct > 0.0) {
            if (!r->tmax.set) {
                st = sheet_err(L, d->max.line, C_VALUE,
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
        st = sheet_err(L, c->line, C_OP, "tiers need both a \"hot\" and a \"warm\" cut-off");
        goto cleanup;
    }
    if (r->hot.set && r->hot.c <= r->warm.c) {
        char a[NUM_MAX], b[NUM_MAX];
        format_cents(r->hot.c, 0, a, sizeof a);
        format_cents(r->warm.c, 0, b, sizeof b);
        st = sheet_err(L, r->hot.line > r->warm.line ? r->hot.line : r->warm.line, C_VALUE,
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
        st = sheet_err(L, c->line, C_OP,
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

static void compute_sizes(struct lsc_rules *r)
{
    size_t len = 1;
    r->max_hits = r->n_rules + 3 * r->n_dims + 2;
    for (size_t k = 0; k < r->n_rules; k++)
        len += strlen(r->rules[k].id) + NUM_MAX + 2;
    for (size_t k = 0; k < r->n_dims; k++)
        len += 3 * (strlen(r->dims[k].decay_id) + NUM_MAX + 2);
    len += 2 * (strlen("total.max") + NUM_MAX + 2);
    r->value_max = len > NUM_MAX ? len : NUM_MAX;
}

enum lsc_status lsc_rules_load(const char *path, struct lsc_rules **out, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = NULL;
    struct csv_reader *cr = NULL;
    struct csv_reader_opts opts = {0, 1, 0};
    struct loader L;
    size_t ignored;
    memset(&L, 0, sizeof L);
    *out = NULL;

    r = lsc_calloc(1, sizeof *r);
    if (r == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    r->account_col = NO_COL;
    r->file = lsc_strdup(path);
    r->ids = lsc_dict_new();
    if (r->file == NULL || r->ids == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    L.r = r;
    L.err = err;
    if ((st = lsc_csv_reader_open(&cr, path, &opts, err)) != LSC_OK)
        goto cleanup;
    /* errors name the sheet the way the reader does ("<stdin>" for "-") */
    lsc_free(r->file);
    r->file = lsc_strdup(lsc_csv_reader_name(cr));
    if (r->file == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_csv_reader_next(cr, &L.rec, err)) != LSC_OK)
        goto cleanup;
    if (L.rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, r->file, 0, 0,
                           "empty sheet: a header row (id,dimension,column,operator,value,"
                           "points,...) is required");
        goto cleanup;
    }
    if ((st = map_sheet_header(&L)) != LSC_OK)
        goto cleanup;
    if ((st = find_dim(&L, "fit", 3, &ignored)) != LSC_OK ||
        (st = find_dim(&L, "engagement", 10, &ignored)) != LSC_OK)
        goto cleanup;
    r->letter_dim = 0;
    r->digit_dim = 1;
    for (;;) {
        if ((st = lsc_csv_reader_next(cr, &L.rec, err)) != LSC_OK)
            goto cleanup;
        if (L.rec == NULL)
            break;
        int blank = 1;
        for (size_t k = 0; blank && k < L.rec->nfields; k++) {
            const char *s = L.rec->fields[k];
            size_t len = L.rec->lens[k];
            lsc_trim_span(&s, &len);
            blank = len == 0;
        }
        const char *id;
        size_t id_len;
        get_field(&L, C_ID, &id, &id_len);
        if (blank || (id_len > 0 && id[0] == '#'))
            continue; /* spreadsheet filler and comment rows */
        if (id_len == 0)
            st = sheet_err(&L, L.rec->line, C_ID,
                           "the row has no id (a rule id like R1, or \"setting\")");
        else if (lsc_span_ieq(id, id_len, "setting"))
            st = add_setting(&L);
        else
            st = add_rule(&L, id, id_len);
        if (st != LSC_OK)
            goto cleanup;
    }
    if ((st = finish_sheet(&L)) != LSC_OK)
        goto cleanup;
    compute_sizes(r);
    *out = r;
    r = NULL;
cleanup:
    lsc_csv_reader_free(cr);
    lsc_rules_free(r);
    return st;
}

void lsc_rules_free(struct lsc_rules *r)
{
    if (r == NULL)
        return;
    for (size_t k = 0; k < r->n_rules; k++) {
        struct rule *a = r->rules[k].also;
        if (a != NULL) {
            lsc_free(a->id);
            lsc_free(a->column);
            lsc_free(a->text);
            lsc_free(a->items);
            lsc_free(a);
        }
        lsc_free(r->rules[k].id);
        lsc_free(r->rules[k].column);
        lsc_free(r->rules[k].text);
        lsc_free(r->rules[k].items);
    }
    lsc_free(r->rules);
    for (size_t k = 0; k < r->n_dims; k++) {
        struct dim *d = &r->dims[k];
        lsc_free(d->name);
        lsc_free(d->points_col);
        lsc_free(d->decay_id);
        lsc_free(d->min_id);
        lsc_free(d->max_id);
        lsc_free(d->decay.column);
    }
    lsc_free(r->dims);
    for (size_t k = 0; k < r->n_na; k++)
        lsc_free(r->na_items[k]);
    lsc_free(r->na_items);
    for (size_t k = 0; k < r->n_fmts; k++) {
        lsc_free(r->fmts[k].column);
        lsc_free(r->fmts[k].fmt);
    }
    lsc_free(r->fmts);
    lsc_dict_free(r->ids);
    lsc_dict_free(r->accounts);
    lsc_dict_free(r->priority);
    lsc_free(r->counts);
    lsc_free(r->scratch);
    lsc_free(r->sheet_account);
    lsc_free(r->account_override);
    lsc_free(r->file);
    lsc_free(r);
}

/* ---- binding ------------------------------------------------------------------ */

/* A sheet names columns by hand: exactly, else ignoring case (NO_COL is
 * SIZE_MAX, lsc_csv_header_find's "none"). */
static size_t header_find(size_t nfields, const char *const *header, const size_t *lens,
                          const char *name)
{
    return lsc_csv_header_find(nfields, header, lens, name, 1, NULL);
}

static enum lsc_status unknown_column(const char *file, size_t line, size_t column,
                                      const char *what, const char *name, size_t nfields,
                                      const char *const *header, const size_t *lens,
                                      struct lsc_error *err)
{
    char list[ERR_LIST_MAX + 8];
    size_t pos = 0;
    list[0] = '\0';
    for (size_t k = 0; k < nfields; k++) {
        const char *s = header[k];
        size_t len = lens[k];
        lsc_trim_span(&s, &len);
        if (pos + len + 4 > ERR_LIST_MAX) {
            append(list, sizeof list, &pos, ", ...", 5);
            break;
        }
        if (k > 0)
            append(list, sizeof list, &pos, ", ", 2);
        append(list, sizeof list, &pos, "\"", 1);
        append(list, sizeof list, &pos, s, len);
        append(list, sizeof list, &pos, "\"", 1);
    }
    return lsc_error_set(err, LSC_ERR_DATA, file, line, column,
                         "%s: column \"%s\" is not in the input (its columns: %s)", what, name,
                         list);
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

static const char *account_name(const struct lsc_rules *r)
{
    return r->account_override != NULL ? r->account_override : r->sheet_account;
}

enum lsc_status lsc_rules_bind(struct lsc_rules *r, size_t nfields, const char *const *header,
                               const size_t *header_lens, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char what[128];
    r->bound = 0;
    r->account_col = NO_COL;
    if (r->n_account_rules + r->n_priority_rules > 0) {
        const char *name = account_name(r);
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
            continue;
        }
        ru->col = header_find(nfields, header, header_lens, ru->column);
        if (ru->col == NO_COL) {
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
            st = unknown_column(r->file, ru->line, r->fieldno[C_AND_COLUMN], what,
                                ru->also->column, nfields, header, header_lens, err);
            goto cleanup;
        }
    }
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

int lsc_rules_needs_accounts(const struct lsc_rules *r)
{
    return r->n_account_rules > 0;
}

int lsc_rules_needs_priority(const struct lsc_rules *r)
{
    return r->n_priority_rules > 0;
}

int lsc_rules_needs_as_of(const struct lsc_rules *r)
{
    int decay = 0;
    for (size_t k = 0; k < r->n_dims; k++)
        decay |= r->dims[k].decay.set;
    return r->n_date_rules > 0 || decay;
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
    if (!fold_key(&r->scratch, &r->scratch_cap, s, len, &klen)) {
        st = lsc_error_nomem(err);
        goto cleanup;
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
    if (!fold_key(&r->scratch, &r->scratch_cap, s, len, &klen) ||
        lsc_dict_intern(r->priority, r->scratch, klen, NULL) == DICT_NONE)
        st = lsc_error_nomem(err);
cleanup:
    return st;
}

/* The column of a priority CSV's header that holds the account, or NO_COL. */
static size_t priority_header_column(const struct lsc_rules *r, const struct csv_record *rec)
{
    static const char *const words[] = {"account", "account name", "company", "company name"};
    const char *name = account_name(r);
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
            if (!reserve_bytes(&line, &cap, n + 2)) {
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
        found = text_eq(s, len, ru->text + ru->items[k].off, ru->items[k].len, ru->icase);
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
    if (!reserve_bytes(&res->scratch_, &res->scratch_cap_, hlen + nlen + 1))
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
        hit = !missing && text_eq(s, len, ru->text, ru->text_len, ru->icase);
        break;
    case OP_NE:
        hit = missing || !text_eq(s, len, ru->text, ru->text_len, ru->icase);
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
        if (missing)
            break;
        if (!lsc_parse_number(s, len, &x)) {
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
        if (!parse_cell_date(s, len, ru->fmt, &day)) {
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
    case OP_PRIORITY: {
        const struct dict *d = ru->op == OP_PRIORITY ? r->priority : r->accounts;
        if (missing || d == NULL)
            break;
        if (!fold_key(&res->scratch_, &res->scratch_cap_, s, len, &klen)) {
            m = OUT_OF_MEMORY;
            break;
        }
        uint32_t id = lsc_dict_find(d, res->scratch_, klen);
        hit = id != DICT_NONE &&
              (ru->op == OP_PRIORITY || (id < r->counts_cap && (double)r->counts[id] >= ru->a));
        break;
    }
    }
    if (m == NO_MATCH && hit)
        m = MATCH;
    return m;
}

static void add_hit(struct lsc_rule_result *res, const char *id, long long c)
{
    res->hits[res->n_hits].id = id;
    res->hits[res->n_hits].points = from_cents(c);
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
        if (m == OUT_OF_RANGE)
            return no_score(r, res, ru, nfields, fields, lens);
        if (m != MATCH || c == 0)
            continue;
        if (c > 0)
            pos[ru->dim] += c;
        else
            neg[ru->dim] += c;
        add_hit(res, ru->id, c);
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
            if (!missing && !parse_cell_date(s, len, d->decay.fmt, &day)) {
                res->n_unevaluable++;
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
    return format_cents(to_cents(points), plus_sign, buf, size);
}

size_t lsc_rules_explain(const struct lsc_rule_result *res, char *buf, size_t size)
{
    size_t pos = 0;
    char num[NUM_MAX];
    if (size > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < res->n_hits; k++) {
        if (k > 0)
            append(buf, size, &pos, ";", 1);
        append(buf, size, &pos, res->hits[k].id, strlen(res->hits[k].id));
        append(buf, size, &pos, ":", 1);
        size_t n = lsc_rules_format_points(res->hits[k].points, 1, num, sizeof num);
        append(buf, size, &pos, num, n);
    }
    return pos;
}

enum { OUT_SCORE, OUT_TIER, OUT_QUALIFIED, OUT_DIMS };

size_t lsc_rules_n_columns(const struct lsc_rules *r, int explain)
{
    return OUT_DIMS + r->n_dims + 1 + (explain ? 1 : 0);
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
    if (s[0] != '\0')
        append(buf, size, &pos, s, strlen(s));
    return pos;
}

size_t lsc_rules_value_max(const struct lsc_rules *r)
{
    return r->value_max;
}

/* ---- read access ------------------------------------------------------------------ */

size_t lsc_rules_n_rules(const struct lsc_rules *r)
{
    return r->n_rules;
}

void lsc_rules_rule(const struct lsc_rules *r, size_t i, struct lsc_rule_info *out)
{
    static const enum lsc_rule_op ops[] = {
        [OP_EQ] = LSC_RULE_EQ,           [OP_NE] = LSC_RULE_NE,
        [OP_IN] = LSC_RULE_IN,           [OP_NOT_IN] = LSC_RULE_NOT_IN,
        [OP_CONTAINS] = LSC_RULE_CONTAINS, [OP_NOT_CONTAINS] = LSC_RULE_NOT_CONTAINS,
        [OP_MISSING] = LSC_RULE_MISSING, [OP_PRESENT] = LSC_RULE_PRESENT,
        [OP_GT] = LSC_RULE_GT,           [OP_GE] = LSC_RULE_GE,
        [OP_LT] = LSC_RULE_LT,           [OP_LE] = LSC_RULE_LE,
        [OP_BETWEEN] = LSC_RULE_BETWEEN, [OP_PER_UNIT] = LSC_RULE_PER_UNIT,
        [OP_OLDER] = LSC_RULE_OLDER,     [OP_WITHIN] = LSC_RULE_WITHIN,
        [OP_BEFORE] = LSC_RULE_BEFORE,   [OP_AFTER] = LSC_RULE_AFTER,
        [OP_ACCOUNT_MIN] = LSC_RULE_ACCOUNT_MIN, [OP_PRIORITY] = LSC_RULE_PRIORITY};
    const struct rule *ru = &r->rules[i];
    memset(out, 0, sizeof *out);
    out->id = ru->id;
    out->dimension = ru->dim;
    out->column = is_account_op(ru->op) ? account_name(r) : ru->column;
    out->op = ops[ru->op];
    out->ignore_case = ru->icase;
    out->text = ru->text != NULL ? ru->text : "";
    out->text_len = ru->text != NULL ? ru->text_len : 0;
    out->n_items = ru->n_items;
    out->a = ru->a;
    out->b = ru->b;
    out->day = ru->day;
    out->date_format = ru->fmt;
    out->points = ru->points;
    out->points_cents = ru->points_c;
    out->and_column = ru->also != NULL ? ru->also->column : NULL;
    out->has_cap = ru->has_cap;
    out->cap_cents = ru->cap_c;
}

enum lsc_status lsc_rules_set_points(struct lsc_rules *r, size_t i, double points,
                                     struct lsc_error *err)
{
    struct rule *ru = &r->rules[i];
    double cap = ru->has_cap && ru->points != 0.0 ? from_cents(ru->cap_c) * fabs(points / ru->points)
                                                  : 0.0;
    if (!isfinite(points) || fabs(points) > MAX_POINTS || !(cap <= MAX_POINTS))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "rule %s: %g points (or its cap) is beyond +-1e9", ru->id, points);
    if (ru->has_cap)
        ru->cap_c = to_cents(cap);
    ru->points = points;
    ru->points_c = to_cents(points);
    return LSC_OK;
}

const char *lsc_rules_rule_item(const struct lsc_rules *r, size_t i, size_t k, size_t *len)
{
    const struct rule *ru = &r->rules[i];
    *len = ru->items[k].len;
    return ru->text + ru->items[k].off;
}

void lsc_rules_dimension(const struct lsc_rules *r, size_t k, struct lsc_rules_dim_info *out)
{
    const struct dim *d = &r->dims[k];
    memset(out, 0, sizeof *out);
    out->has_min = d->min.set;
    out->min_cents = d->min.c;
    out->has_max = d->max.set;
    out->max_cents = d->max.c;
    out->has_decay = d->decay.set;
    out->keep = d->decay.keep;
    out->period = d->decay.period;
    out->decay_column = d->decay.column;
    out->decay_format = d->decay.fmt;
    out->decay_id = d->decay_id;
    out->min_id = d->min_id;
    out->max_id = d->max_id;
}

void lsc_rules_total(const struct lsc_rules *r, struct lsc_rules_total_info *out)
{
    memset(out, 0, sizeof *out);
    out->has_min = r->tmin.set;
    out->min_cents = r->tmin.c;
    out->has_max = r->tmax.set;
    out->max_cents = r->tmax.c;
    out->allow_negative = r->allow_neg;
    out->has_qualified = r->qualified.set;
    out->qualified_cents = r->qualified.c;
    out->has_tiers = r->hot.set;
    out->hot_cents = r->hot.c;
    out->warm_cents = r->warm.c;
    out->has_grade = r->letter[0].set;
    out->letter_dim = r->letter_dim;
    out->digit_dim = r->digit_dim;
    for (int k = 0; k < 3; k++) {
        out->letter_cents[k] = r->letter[k].c;
        out->digit_cents[k] = r->digit[k].c;
    }
}

size_t lsc_rules_n_missing_values(const struct lsc_rules *r)
{
    return r->na.count;
}

const char *lsc_rules_missing_value(const struct lsc_rules *r, size_t k)
{
    return r->na.items[k];
}

const char *lsc_rules_priority_account(const struct lsc_rules *r, size_t k, size_t *len)
{
    *len = lsc_dict_len(r->priority, (uint32_t)k);
    return lsc_dict_str(r->priority, (uint32_t)k);
}
