/* leadscore/rules.h - manual rule scores: a marketing team's point system.
 *
 * A rules sheet is a CSV file with one rule per row (see docs/rules.md):
 *
 *     id,dimension,column,operator,value,points,cap,description
 *     F1,fit,Seniority,in,C-Level;VP,+20,,Senior decision makers
 *     E1,engagement,Pages Viewed,per unit,1,+1,10,1 point per page (at most 10)
 *     setting,total,,max,100,,,The score runs from 0 to 100
 *
 * Use:
 *     lsc_rules_load()                  parse and check the sheet
 *     lsc_rules_set_account_column()    optional (--account-column)
 *     lsc_rules_set_accounts()          optional: a reference the input's leads add to
 *     lsc_rules_bind()                  resolve column names against the input header
 *     lsc_rules_count_account()         once per input row, in a first pass,
 *                                       only when lsc_rules_needs_accounts()
 *                                       (lsc_rules_clear_accounts() before another)
 *     lsc_rules_load_priority()         when lsc_rules_needs_priority()
 *     lsc_rules_set_as_of()             the date that recency is measured from
 *     lsc_rule_result_init()            once
 *     lsc_rules_eval()                  once per row; never allocates except to
 *                                       grow a scratch buffer for account names
 *     lsc_rule_result_fini(), lsc_rules_free()
 *
 * Points are kept exactly in hundredths: every rule's contribution, the decay,
 * each dimension and the total are rounded to 2 decimals (half away from zero)
 * where they are computed, so the fired rules listed by lsc_rules_explain()
 * always add up to the score.
 */
#ifndef LEADSCORE_RULES_H
#define LEADSCORE_RULES_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_rules;

/* Parses and checks the sheet at path. On failure *out is NULL and err holds
 * the sheet's name, the line (and the sheet's field number when known) and
 * the reason: LSC_ERR_DATA for an unknown operator or setting, an
 * unparsable number, date or date format, a duplicate id or setting,
 * contradictory cut-offs; LSC_ERR_PARSE for malformed CSV; LSC_ERR_IO;
 * LSC_ERR_NOMEM. The caller frees *out with lsc_rules_free(). */
enum lsc_status lsc_rules_load(const char *path, struct lsc_rules **out, struct lsc_error *err);

/* How a sheet and the input it scores are read (zeroed: lsc_rules_load). */
struct lsc_rules_load_options {
    int decimal_comma;       /* --decimal-comma: the sheet's numbers (values,
                                points, caps, settings) and the input's values
                                compared with numbers read "16,2" */
    const char *date_format; /* --date-format: the format of date columns
                                without one declared in the sheet ("date
                                format" setting), before ISO 8601; copied */
};

/* lsc_rules_load with options (lo may be NULL). */
enum lsc_status lsc_rules_load_ex(const char *path, const struct lsc_rules_load_options *lo,
                                  struct lsc_rules **out, struct lsc_error *err);

/* Accepts NULL. */
void lsc_rules_free(struct lsc_rules *r);

/* Makes every account rule use this input column instead of the one named in
 * the sheet (the name is copied). Call before lsc_rules_bind(); a later call
 * undoes the binding. LSC_ERR_USAGE for an empty name, LSC_ERR_NOMEM. */
enum lsc_status lsc_rules_set_account_column(struct lsc_rules *r, const char *name,
                                             struct lsc_error *err);

/* Resolves the sheet's column names against the input's header (names are
 * trimmed; an exact match wins over a case-insensitive one). An unknown
 * column is LSC_ERR_DATA with the sheet's name and line and a message
 * listing the header; an account rule with no column is LSC_ERR_USAGE, and
 * so is an event rule without an activity log (lsc_rules_add_events()). With
 * a log, the input's lead id column must be found (LSC_ERR_DATA listing the
 * header). May be called again for another input. */
enum lsc_status lsc_rules_bind(struct lsc_rules *r, size_t nfields, const char *const *header,
                               const size_t *header_lens, struct lsc_error *err);

/* After lsc_rules_bind(): 1 when some rule, and-condition, decay or the
 * account column reads input field `field` (0-based), else 0. */
int lsc_rules_reads_field(const struct lsc_rules *r, size_t field);

/* 1 when the sheet has "account has at least" rules: every input row must
 * then go through lsc_rules_count_account() before the first evaluation. */
int lsc_rules_needs_accounts(const struct lsc_rules *r);
/* 1 when the sheet has "on priority list" rules. */
int lsc_rules_needs_priority(const struct lsc_rules *r);
/* 1 when the sheet has event rules ("events", "event within"): an activity
 * log is then required (lsc_rules_add_events). A span of days may also read
 * the log ("within 7 days of first Page Visit"): lsc_rules_bind says so. */
int lsc_rules_needs_events(const struct lsc_rules *r);
/* An activity log for the sheet's event rules (docs/rules.md, "Activity
 * logs and spans of days"). Zero-initialise, then set what is needed. */
struct lsc_rules_events_options {
    const char *id_column;   /* the log's columns (exactly, else ignoring case); */
    const char *type_column; /* NULL: the first header with a usual name (lead id, */
    const char *time_column; /* activity type, timestamp, ...) */
    const char *date_format; /* of the log's times; NULL: YYYY-MM-DD (a time of day
                                after 'T' or a space is ignored) */
    const char *lead_column; /* the input's column holding the lead id; NULL: the
                                input's column named like the log's id column */
    const struct lsc_log *log; /* a note on what was read; at lsc_rules_bind() a
                                  warning per rule whose type the log lacks. Lent:
                                  it must outlive the bindings (NULL: silent) */
};

/* Reads the activity log at path (CSV or gzip; "-" is stdin) once and keeps,
 * per lead and type, what the rules read: counts (in their windows) and first
 * days. An event after the as-of date is not counted, so
 * lsc_rules_set_as_of() comes first (LSC_ERR_USAGE otherwise); call before
 * lsc_rules_bind(), and again for more logs (they add up; the options of
 * the first call stay). Memory grows with leads x types, not events. A time
 * that is not a date skips its row (the note says how many). Errors: a
 * column the log lacks (LSC_ERR_USAGE naming the file, the closest header
 * name and the header), LSC_ERR_DATA for a sheet with more than 8 different
 * windows ("in last N days") or a log without a header, the reader's
 * errors (file:line:column), LSC_ERR_NOMEM. */
enum lsc_status lsc_rules_add_events(struct lsc_rules *r, const char *path,
                                     const struct lsc_rules_events_options *o,
                                     struct lsc_error *err);

/* Binds the sheet's spans of days without an input, for a translation
 * (--emit-sql): an end written "first <type>" or "first event" is the
 * lead's first event when events is 1 (the translation reads an events
 * table), else a column like any other name; "days between A and B" must
 * hold " and " once ("days from A to B": " to "). LSC_ERR_USAGE naming the
 * rule otherwise, or for an event rule without events; LSC_ERR_NOMEM. The
 * rules are then not bound to an input (lsc_rules_bind again to score). */
enum lsc_status lsc_rules_bind_names(struct lsc_rules *r, int events, struct lsc_error *err);

/* 1 when the sheet has "account tier is" or "account has engaged contacts"
 * rules, which read an account file (lsc_rules_set_accounts()). */
int lsc_rules_needs_account_data(const struct lsc_rules *r);
/* 1 when the sheet has date rules or a decay: lsc_rules_set_as_of() is then
 * required before lsc_rules_eval(). */
int lsc_rules_needs_as_of(const struct lsc_rules *r);

/* Counts one input row toward its account: the account column's value as
 * an account key (trimmed, inner whitespace collapsed, ASCII letters
 * lowercased: the trainer's "leads per account" reads names the same way;
 * docs/rules.md); a missing value is not counted. Memory grows with the
 * number of accounts, not rows. Requires lsc_rules_bind(): LSC_ERR_USAGE
 * otherwise; LSC_ERR_NOMEM. */
enum lsc_status lsc_rules_count_account(struct lsc_rules *r, size_t nfields,
                                        const char *const *fields, const size_t *lens,
                                        struct lsc_error *err);
/* Distinct accounts counted so far. */
size_t lsc_rules_n_accounts(const struct lsc_rules *r);

/* The account column (--account-column, else the sheet's), NULL when the
 * sheet names none; lent. */
const char *lsc_rules_account_column(const struct lsc_rules *r);

struct lsc_accounts;
/* Account rules count leads from a reference (lent; it must outlive r's
 * use, NULL for none): "account has at least" then holds on the reference's
 * count plus the leads of the input that lsc_rules_count_account() counted.
 * A reference that keeps lead ids (a model's) names their column: an input
 * row of that column whose lead it already counts is not counted again
 * (lsc_rules_n_recognised). Call before lsc_rules_bind(); a later call
 * undoes the binding. */
void lsc_rules_set_accounts(struct lsc_rules *r, const struct lsc_accounts *ref);
/* Forgets the rows counted (before counting another input). */
void lsc_rules_clear_accounts(struct lsc_rules *r);
/* Rows lsc_rules_count_account() left to the reference (their lead is in
 * it), since the last lsc_rules_clear_accounts(). */
size_t lsc_rules_n_recognised(const struct lsc_rules *r);

/* Loads the priority accounts from path: either one account per line (blank
 * lines and lines starting with '#' skipped; surrounding double quotes
 * removed), or a CSV file whose header row contains the account column's
 * name or one of "account", "account name", "company", "company name" (that
 * column is used). Names are matched by their account key (trimmed, inner
 * whitespace collapsed, ASCII letters lowercased). May be called more than
 * once (lists add up). LSC_ERR_IO, LSC_ERR_PARSE, LSC_ERR_NOMEM. */
enum lsc_status lsc_rules_load_priority(struct lsc_rules *r, const char *path,
                                        struct lsc_error *err);
/* Distinct priority accounts loaded. */
size_t lsc_rules_n_priority(const struct lsc_rules *r);

/* Sets the date "days since" is measured from (--as-of; the caller supplies
 * today by default). LSC_ERR_USAGE for an invalid date. */
enum lsc_status lsc_rules_set_as_of(struct lsc_rules *r, int year, int month, int day,
                                    struct lsc_error *err);

/* Dimensions: "fit" is 0 and "engagement" is 1, always; the sheet's other
 * dimensions follow in order of first appearance. Names are lent for the
 * lifetime of r. */
size_t lsc_rules_n_dimensions(const struct lsc_rules *r);
const char *lsc_rules_dimension_name(const struct lsc_rules *r, size_t k);

/* One fired rule, or one adjustment ("engagement.decay", "fit.max",
 * "fit.min", "total.max", "total.min"), with its signed points. */
struct lsc_rule_hit {
    const char *id; /* lent from the rules */
    double points;
    double value;   /* a rule on a derived number (an event count, a span of
                       days): the number it tested; NaN otherwise */
};

/* The outcome for one lead. Fill with lsc_rules_eval(); the storage is set
 * up once by lsc_rule_result_init() and reused for every row. */
struct lsc_rule_result {
    double score;              /* the total after floors and caps */
    double *dim_points;        /* [lsc_rules_n_dimensions()], after decay, floors, caps */
    const char *tier;          /* "hot", "warm", "cold"; "" when the sheet sets no tiers */
    int qualified;             /* 1 or 0; -1 when the sheet sets no threshold */
    char grade[3];             /* "A1".."D4"; "" when the sheet sets no grade cut-offs */
    struct lsc_rule_hit *hits; /* fired rules in sheet order, then adjustments */
    size_t n_hits;
    size_t n_unevaluable; /* rule evaluations in this row whose value could not be
                             read (text where a number or date is compared) */
    /* With n_unevaluable > 0, the first of them: the rule's id (or the
     * decay's, "engagement.decay"; lent from the rules), the input field it
     * read and what it expected (1 a date in the format unevaluable_format,
     * NULL: ISO; 0 a number). */
    const char *unevaluable_id;
    size_t unevaluable_field;
    int unevaluable_date;
    const char *unevaluable_format;
    const char *error;    /* NULL, or why this lead has no rule score (score NaN,
                             no tier, grade or hits): a rule, a dimension or the
                             total beyond +-1e9 points, e.g. a per-unit rule on
                             1e308; lent until the next evaluation */

    /* Internal storage: owned by the result, do not touch. */
    const struct lsc_rules *owner_;
    long long *cents_;
    char *scratch_;
    size_t scratch_cap_;
    char error_[256];
};

/* Allocates the storage for results of r (which must outlive it).
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_rule_result_init(struct lsc_rule_result *res, const struct lsc_rules *r);
/* Accepts a zeroed or finalized result. */
void lsc_rule_result_fini(struct lsc_rule_result *res);

/* Scores one input row (nfields fields, lens[i] bytes each; fields beyond
 * nfields count as missing). A value that cannot be evaluated counts as not
 * matched and in res->n_unevaluable. LSC_ERR_USAGE when r is not bound,
 * res was set up for other rules, or an as-of date is needed and not set;
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_rules_eval(const struct lsc_rules *r, size_t nfields, const char *const *fields,
                               const size_t *lens, struct lsc_rule_result *res,
                               struct lsc_error *err);

/* Writes the fired rules as "R3:+15;R7:-20;engagement.decay:-3.75" into buf
 * (always NUL-terminated when size > 0). Returns the length the full text
 * needs, excluding the NUL, like snprintf. */
size_t lsc_rules_explain(const struct lsc_rule_result *res, char *buf, size_t size);

/* Formats points as the outputs do: at most 2 decimals, no trailing zeros
 * ("15", "11.25", "-3.5"); with plus_sign, positive values and 0 get '+'.
 * Returns the length like snprintf. */
size_t lsc_rules_format_points(double points, int plus_sign, char *buf, size_t size);

/* The output columns: rule_score, rule_tier, rule_qualified, then
 * <dimension>_points per dimension, grade, and with explain rule_reasons and,
 * when the sheet has rules on derived numbers (event counts, spans of days),
 * rule_values: what each such fired rule measured, e.g.
 * "S1=3 Page Visit;V1=6 days from first Page Visit to first Demo Request". */
size_t lsc_rules_n_columns(const struct lsc_rules *r, int explain);
const char *lsc_rules_column_name(const struct lsc_rules *r, size_t k);
/* Writes output column k's value for res into buf (rule_qualified is "1",
 * "0" or ""); returns the length like snprintf. */
size_t lsc_rules_column_value(const struct lsc_rules *r, const struct lsc_rule_result *res,
                              size_t k, char *buf, size_t size);
/* A buffer this large (including the NUL) holds any column value. */
size_t lsc_rules_value_max(const struct lsc_rules *r);

/* ---- read access to a parsed sheet (for translators such as --emit-sql) ---- */

/* A rule's operator, in the sheet's vocabulary (docs/rules.md). */
enum lsc_rule_op {
    LSC_RULE_EQ,
    LSC_RULE_NE,
    LSC_RULE_IN,
    LSC_RULE_NOT_IN,
    LSC_RULE_CONTAINS,
    LSC_RULE_NOT_CONTAINS,
    LSC_RULE_MISSING,
    LSC_RULE_PRESENT,
    LSC_RULE_GT,
    LSC_RULE_GE,
    LSC_RULE_LT,
    LSC_RULE_LE,
    LSC_RULE_BETWEEN,
    LSC_RULE_PER_UNIT,
    LSC_RULE_OLDER,
    LSC_RULE_WITHIN,
    LSC_RULE_BEFORE,
    LSC_RULE_AFTER,
    LSC_RULE_ACCOUNT_MIN,
    LSC_RULE_PRIORITY,
    LSC_RULE_ACCOUNT_TIER,   /* items: the tiers (ignore_case) */
    LSC_RULE_ACCOUNT_ENGAGED /* a: the engaged contacts */
};

/* What a number test (LSC_RULE_GT .. LSC_RULE_PER_UNIT) compares: the
 * column's cell, or a number derived from the row and the activity log
 * (docs/rules.md, "Activity logs and spans of days"). */
enum lsc_rule_source {
    LSC_RULE_CELL = 0,     /* the cell of column */
    LSC_RULE_EVENT_COUNT,  /* the lead's events of type event_type (in the last
                              window_days days before the as-of date; 0: all) */
    LSC_RULE_DAYS_FROM,    /* days from the day of `from` to the day of `to` */
    LSC_RULE_DAYS_BETWEEN  /* the same without its sign */
};

/* One end of a span of days. */
enum lsc_rule_end_kind {
    LSC_RULE_END_NAME = 0,    /* not bound yet: a column of the input if there is
                                 one, else "first <type>" / "first event" */
    LSC_RULE_END_COLUMN,      /* a date column of the lead */
    LSC_RULE_END_FIRST_TYPE,  /* the lead's first event of type name */
    LSC_RULE_END_FIRST_EVENT  /* the lead's first event of any type */
};

struct lsc_rule_end {
    enum lsc_rule_end_kind kind;
    const char *name;        /* the column or the type (LSC_RULE_END_NAME: as written) */
    const char *date_format; /* a column's declared date format; NULL: ISO only */
};

/* One rule as parsed. Strings are lent for the lifetime of the rules. */
struct lsc_rule_info {
    const char *id;
    size_t dimension;        /* index for lsc_rules_dimension_name() */
    const char *column;      /* the column named in the sheet; for account
                                rules the account column (--account-column
                                wins), NULL when none is known */
    enum lsc_rule_op op;
    int ignore_case;         /* text operators: ASCII case ignored */
    const char *text;        /* the value as written (trimmed) */
    size_t text_len;
    size_t n_items;          /* in / not in: see lsc_rules_rule_item() */
    double a, b;             /* the bound(s); the unit; days; leads */
    long day;                /* before / after: days since 1970-01-01 */
    const char *date_format; /* the declared date format; NULL: ISO only */
    double points;           /* per unit for per-unit rules */
    long long points_cents;  /* round(points * 100) */
    const char *and_column;  /* the column of a second condition that must hold
                                too (the sheet's "and column"), NULL: none */
    int has_cap;             /* per unit: |contribution| <= cap_cents */
    long long cap_cents;
    /* number tests: what is compared (LSC_RULE_CELL: the column's cell) */
    enum lsc_rule_source source;
    const char *event_type;  /* LSC_RULE_EVENT_COUNT */
    long window_days;        /* LSC_RULE_EVENT_COUNT: 0 for every event */
    struct lsc_rule_end from, to; /* LSC_RULE_DAYS_FROM / _BETWEEN; kinds as bound
                                     (lsc_rules_bind), else LSC_RULE_END_NAME for a
                                     name that may be either */
};

/* The number of rules, in sheet order; rule i's description. */
size_t lsc_rules_n_rules(const struct lsc_rules *r);
void lsc_rules_rule(const struct lsc_rules *r, size_t i, struct lsc_rule_info *out);
/* What-if scoring (e.g. the comparison's suggested points): rule i gives
 * points from now on (per unit for a per-unit rule, whose cap then keeps
 * its number of units: it is scaled by |points / old points|); 0 turns the
 * rule off. LSC_ERR_USAGE when |points| or the new cap is beyond 1e9 or
 * not finite (nothing changes then). */
enum lsc_status lsc_rules_set_points(struct lsc_rules *r, size_t i, double points,
                                     struct lsc_error *err);
/* A revised copy of a sheet (lsc_rules_sheet_rewrite): rule id's points
 * become points (a per-unit cap is scaled to keep its number of units, as
 * lsc_rules_set_points does), or with drop the rule is written as a comment
 * row ("#" before its id) that the loader skips; note (optional) is
 * appended to its description. */
struct lsc_sheet_edit {
    const char *id;
    int drop;
    double points;
    const char *note;
};
/* New total cut-offs: the sheet's `qualified`, `hot` and `warm` settings
 * get these values (settings rows are added where the sheet had none). */
struct lsc_sheet_cutoffs {
    int has_qualified, has_hot, has_warm;
    double qualified, hot, warm;
    int decimal_comma; /* the sheet's numbers have a decimal comma (it was read
                          with one): its points are read so, and the copy is
                          written with ';' between fields and "2,5" points */
};
/* Copies the sheet at path to out (out_name names it in errors) with the
 * edits and cut-offs applied; every other row and column as it was, comma
 * separated. Errors: those of the CSV reader, LSC_ERR_IO for a failed
 * write. */
enum lsc_status lsc_rules_sheet_rewrite(const char *path, const struct lsc_sheet_edit *edits,
                                        size_t n_edits, const struct lsc_sheet_cutoffs *cut,
                                        FILE *out, const char *out_name, struct lsc_error *err);

/* Item k of an in / not in rule (trimmed, not NUL-terminated). */
const char *lsc_rules_rule_item(const struct lsc_rules *r, size_t i, size_t k, size_t *len);

/* Rule i's and-condition (the sheet's "and column", "and operator", "and
 * value"), which must hold too for the rule to fire: 1 with *out filled as
 * lsc_rules_rule() fills it (column, op, ignore_case, text, n_items, a, b;
 * id and dimension those of rule i; no points; and_column NULL), 0 (*out
 * untouched) when the rule has none. The operator is a text, presence or
 * number test (LSC_RULE_EQ to LSC_RULE_BETWEEN). */
int lsc_rules_rule_and(const struct lsc_rules *r, size_t i, struct lsc_rule_info *out);
/* Item k of rule i's in / not in and-condition (trimmed, not
 * NUL-terminated); only when lsc_rules_rule_and() returns 1. */
const char *lsc_rules_rule_and_item(const struct lsc_rules *r, size_t i, size_t k, size_t *len);

/* A dimension's adjustments (cut-offs in cents). */
struct lsc_rules_dim_info {
    int has_min, has_max;
    long long min_cents, max_cents; /* a max in percent already resolved */
    int has_decay;
    double keep;              /* 1 - rate, per whole period */
    long period;              /* days */
    const char *decay_column; /* the date column, as in the sheet */
    const char *decay_format; /* NULL: ISO only */
    const char *decay_id, *min_id, *max_id;
};
void lsc_rules_dimension(const struct lsc_rules *r, size_t k, struct lsc_rules_dim_info *out);

/* The total's settings, tiers and grade (cut-offs in cents). */
struct lsc_rules_total_info {
    int has_min, has_max, allow_negative;
    long long min_cents, max_cents;
    int has_qualified, has_tiers, has_grade;
    long long qualified_cents, hot_cents, warm_cents;
    size_t letter_dim, digit_dim;
    long long letter_cents[3], digit_cents[3]; /* A, B, C; 1, 2, 3 */
};
void lsc_rules_total(const struct lsc_rules *r, struct lsc_rules_total_info *out);

/* The sheet's own missing-value tokens (beside the built-in ones). */
size_t lsc_rules_n_missing_values(const struct lsc_rules *r);
const char *lsc_rules_missing_value(const struct lsc_rules *r, size_t k);

/* Priority account k of lsc_rules_n_priority(), as its account key (trimmed,
 * inner whitespace collapsed, ASCII letters lowercased). */
const char *lsc_rules_priority_account(const struct lsc_rules *r, size_t k, size_t *len);

#ifdef __cplusplus
}
#endif
#endif
