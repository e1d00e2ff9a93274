/* rules_internal - what the files of src/rules share and nothing else sees:
 * the sheet's model (struct lsc_rules and its parts), the loader's state and
 * the helpers more than one file uses.
 *
 *   rules_parse.c     the loader: header, rule rows, lsc_rules_load/free
 *   rules_settings.c  setting rows and the whole-sheet checks
 *   rules_eval.c      binding to an input, accounts, evaluation, output
 *   rules.c           shared helpers and the read access (lsc_rules_rule...)
 *   sheet_rewrite.c   a revised copy of a sheet
 */
#ifndef LSC_SRC_RULES_INTERNAL_H
#define LSC_SRC_RULES_INTERNAL_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

#include "csv_reader.h"
#include "dict.h"
#include "leadscore/rules.h"
#include "leadscore/train.h"
#include "status_internal.h"

#define WORD_MAX 64 /* a normalized operator, setting or header name */

/* Lowercases, maps '_' to ' ', trims and collapses blanks into out (how the
 * sheet's header, operators and settings are matched); 0 when the word does
 * not fit. */
int lsc_rules_normalize_word(const char *s, size_t len, char out[WORD_MAX]);

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
    OP_PRIORITY,
    OP_ACCOUNT_TIER,   /* the account's tier (--accounts FILE) is one of the list */
    OP_ACCOUNT_ENGAGED, /* the account has at least a engaged contacts (--accounts FILE) */
    /* only while a row is read: rules_events.c turns them into a number
     * test (OP_GT..OP_PER_UNIT) of a derived value */
    OP_EVENTS,
    OP_EVENT_WITHIN
};

/* The sheet's columns. */
enum {
    C_ID,
    C_DIM,
    C_COLUMN,
    C_OP,
    C_VALUE,
    C_POINTS,
    C_CAP,
    C_DESC,
    C_AND_COLUMN,
    C_AND_OP,
    C_AND_VALUE,
    N_SHEET_COLS
};

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
    struct derived *dv; /* the number tested is derived (an event count, days between two
                           dates), not the cell: rules_events.c; NULL for a plain rule */
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
    size_t n_account_data_rules; /* tier and engaged contacts rules */

    int bound;
    int has_as_of;
    long as_of;

    struct dict *accounts; /* the batch's accounts (lsc_rules_count_account) */
    size_t *counts;
    size_t counts_cap;
    const struct lsc_accounts *ref; /* lent: counts the batch adds to, tiers */
    size_t ref_id_col;              /* the field of ref's lead ids, NO_COL: none */
    size_t recognised;              /* rows ref already counts (not added) */
    char *lead;                     /* scratch for a lead's key in ref */
    size_t lead_cap;
    struct dict *priority;
    char *scratch;
    size_t scratch_cap;

    size_t max_hits;
    size_t value_max;

    struct rule_log *evlog; /* the activity log and its join (rules_events.c); NULL: none */
    size_t n_event_rules;   /* rules that need the log whatever the input's header */
    size_t n_derived_rules; /* rules with dv */
    int decimal_comma; /* the sheet's and the input's numbers (load options) */
    char *default_fmt; /* the load options' date format, or NULL */
};

/* ---- the loader's state ---------------------------------------------------- */

struct loader {
    struct lsc_rules *r;
    const struct csv_record *rec;
    size_t idx[N_SHEET_COLS]; /* field index of each sheet column, NO_COL: absent */
    struct lsc_error *err;
};

/* Shows at most 40 bytes of a value in a message. */
#define SHOWN(len) ((int)((len) > 40 ? 40 : (len)))

/* LSC_ERR_DATA at line (and the field of sheet_col, or none when < 0). */
enum lsc_status lsc_rules_sheet_err(const struct loader *L, size_t line, int sheet_col,
                                    const char *fmt, ...) LSC_PRINTF(4, 5);
/* Field c of the sheet's current row, trimmed ("" when absent). */
void lsc_rules_get_field(const struct loader *L, int c, const char **s, size_t *len);
/* The index of dimension name (created when new), or an error. */
enum lsc_status lsc_rules_find_dim(struct loader *L, const char *s, size_t len, size_t *out);
/* A number of points (|v| <= MAX_POINTS); 1 or 0. */
int lsc_rules_parse_amount(const struct lsc_rules *r, const char *s, size_t len, double *out);
/* A number of the sheet or the input, with the load options' decimal comma. */
int lsc_rules_parse_num(const struct lsc_rules *r, const char *s, size_t len, double *out);
/* "90", "90 days", "1 day" -> 90, 1; 1 or 0. */
int lsc_rules_parse_days(const char *s, size_t len, long *out);
/* rules_settings.c: a "setting" row, and the whole-sheet checks once every
 * row is read. */
enum lsc_status lsc_rules_add_setting(struct loader *L);
enum lsc_status lsc_rules_finish_sheet(struct loader *L);

/* ---- small helpers (rules.c) ------------------------------------------------- */

static inline char lower(char c)
{
    return (c >= 'A' && c <= 'Z') ? (char)(c - 'A' + 'a') : c;
}

static inline int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

static inline long long to_cents(double v)
{
    return llround(v * 100.0);
}

static inline double from_cents(long long c)
{
    return (double)c / 100.0;
}

static inline int is_text_op(enum op op)
{
    return op <= OP_NOT_CONTAINS;
}

static inline int is_date_op(enum op op)
{
    return op >= OP_OLDER && op <= OP_AFTER;
}

static inline int is_account_op(enum op op)
{
    return op == OP_ACCOUNT_MIN || op == OP_PRIORITY || op == OP_ACCOUNT_TIER ||
           op == OP_ACCOUNT_ENGAGED;
}

int lsc_rules_text_eq(const char *a, size_t alen, const char *b, size_t blen, int icase);
/* Appends s at *pos of buf[size], snprintf-like: *pos counts what the whole
 * text needs even past size. */
void lsc_rules_append(char *buf, size_t size, size_t *pos, const char *s, size_t len);
/* Cents as points ("12", "12.5", "-0.25"), with a '+' when plus_sign. */
size_t lsc_rules_format_cents(long long c, int plus_sign, char *buf, size_t size);
/* a then b, newly allocated; NULL when out of memory. */
char *lsc_rules_join(const char *a, const char *b);
/* Grows *buf to hold need bytes; 0 on allocation failure. */
int lsc_rules_reserve_bytes(char **buf, size_t *cap, size_t need);
/* A value of a date column: the declared format first, then ISO 8601. */
int lsc_rules_parse_cell_date(const char *s, size_t len, const char *fmt, long *day);
/* The account column: --account-column, else the sheet's (rules_eval.c). */
const char *lsc_rules_account_name(const struct lsc_rules *r);


/* ---- derived values: event counts, days between dates (rules_events.c) ------- */

/* One end of a span of days: a date column of the lead, the lead's first
 * event of a type, or its first event of any type. END_NAME is a name not
 * yet resolved: a column of the input if there is one, else "first <type>"
 * or "first event" in the log. */
enum end_kind { END_NAME, END_COLUMN, END_FIRST_TYPE, END_FIRST_ANY };

struct dv_end {
    enum end_kind want; /* as read: END_NAME, END_COLUMN or END_FIRST_TYPE */
    enum end_kind kind; /* as bound */
    char *name;         /* as written: a column, a type, or "first <type>" */
    size_t type_off;    /* the type is name + type_off (after "first ") */
    size_t col;         /* END_COLUMN: the bound field */
    const char *fmt;    /* END_COLUMN: the column's declared date format, or NULL */
    size_t type;        /* END_FIRST_TYPE: the type's index in the log, NO_COL: not there */
};

enum dv_kind {
    DV_EVENT_COUNT,  /* events of type `to` (in the last `window` days) */
    DV_DAYS_FROM,    /* to - from, in days */
    DV_DAYS_BETWEEN  /* |to - from| */
};

struct derived {
    enum dv_kind kind;
    char *expr; /* DV_DAYS_*: "A and B" or "A to B" of a "days between/from" column,
                   split into from and to when bound; NULL otherwise */
    struct dv_end from, to;
    long window; /* DV_EVENT_COUNT: only the last window days; 0: every event */
    size_t window_ix; /* its index among the log's windows */
    int plain;        /* bound to a column of the input named like the expression */
    int bound;        /* the ends are resolved */
};

/* Called by add_rule once the operator and column are read: a rule that tests
 * a derived value gets ru->dv and a number test (ru->op, a, b). *value_done
 * is 1 when the value field was read here (events, event within, within ...
 * of), 0 when parse_value must still read it (days between/from). */
enum lsc_status lsc_rules_parse_derived(struct loader *L, struct rule *ru, int *value_done);
/* Resolves a derived rule's names against the input's header and the log. */
enum lsc_status lsc_rules_bind_derived(struct lsc_rules *r, struct rule *ru, size_t nfields,
                                       const char *const *header, const size_t *lens,
                                       struct lsc_error *err);
/* The derived value of rule ru for a row: 1 with *x set, 0 missing (no date,
 * no event), -1 when a date cell is not a date (counted as unevaluable). */
int lsc_rules_derived_value(const struct lsc_rules *r, const struct rule *ru, size_t nfields,
                            const char *const *fields, const size_t *lens, double *x);
/* The input's lead id column for the log, and the log's warnings (once). */
enum lsc_status lsc_rules_bind_log(struct lsc_rules *r, size_t nfields, const char *const *header,
                                   const size_t *lens, struct lsc_error *err);
void lsc_rules_free_derived(struct derived *dv);
/* The rule_values column of a result, snprintf-like; its longest text. */
size_t lsc_rules_explain_values(const struct lsc_rules *r, const struct lsc_rule_result *res,
                                char *buf, size_t size);
size_t lsc_rules_values_max(const struct lsc_rules *r);
/* lsc_rules_rule()'s part for a derived rule. */
void lsc_rules_derived_info(const struct rule *ru, struct lsc_rule_info *out);
void lsc_rules_free_log(struct rule_log *lg);
/* The declared date format of a column of the sheet (rules_settings.c). */
const char *lsc_rules_format_for(const struct lsc_rules *r, const char *column);
/* The unknown-column error of lsc_rules_bind (rules_eval.c). */
enum lsc_status lsc_rules_unknown_column(const char *file, size_t line, size_t column,
                                         const char *what, const char *name, size_t nfields,
                                         const char *const *header, const size_t *lens,
                                         struct lsc_error *err);

#endif
