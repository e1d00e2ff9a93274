/* emit_sql - a model as one SQL SELECT that scores a table in the database.
 *
 * The statement is a chain of CTEs, one step of src/scorer.c's row_eta()
 * each, so the database computes the same numbers:
 *
 *   t0  the id columns, each model column as text trimmed of spaces and tabs
 *   t1  na_j: SQL NULL, an empty cell, a built-in or the model's NA token
 *       (case-sensitive, as lsc_is_na_token()); for numerics in SQLite also the
 *       sign's length s_j and the position p_j of e/E, for the number check
 *   t2  x_j: the number (NULL when missing or not a number)
 *   t2b (binned models) lv_j: a binned column's bin (lsc_binned_level());
 *       gK_S: the group of side S of interaction K (its column's bin or
 *       level mapped by the pair's table)
 *   t3  eta = intercept + sum of parts in column order, then of the
 *       interactions (NULL when bad), error
 *   t4  probability (the scorer's overflow-free logistic)
 *   t5  score = clamp(floor(100 p + 0.5), 1, 100)
 *   and the final SELECT adds the tier.
 *
 * Coefficients and encoder constants are written so that they read back
 * as the same doubles (put_num()). Three dialects: PostgreSQL, SQLite and
 * DuckDB; struct dialect holds the spellings that differ, and docs/sql.md
 * the whole table (trimming, regular expressions, integer division, ...).
 */
#include "leadscore/emit.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "derive.h"
#include "leadscore/parse.h"
#include "leadscore/rules.h"
#include "model_def.h"
#include "sql_text.h"
#include "status_internal.h"
#include "util.h"

/* What the dialects spell differently (docs/sql.md has the whole table). */
struct dialect {
    const char *title;  /* in the statement's first comment */
    const char *real;   /* the IEEE double type (SQLite's REAL is one, DuckDB's is not) */
    const char *trim;   /* trim(text, characters) */
    const char *chr;    /* the character of a code */
    const char *strpos; /* the position of a substring */
    const char *idiv;   /* the quotient of two integers, truncated */
};

static const struct dialect dialects[] = {
    [LSC_SQL_POSTGRES] = {"PostgreSQL", "DOUBLE PRECISION", "btrim", "chr", "strpos", "/"},
    [LSC_SQL_SQLITE] = {"SQLite", "REAL", "trim", "char", "instr", "/"},
    [LSC_SQL_DUCKDB] = {"DuckDB", "DOUBLE", "trim", "chr", "strpos", "//"},
};

int lsc_sql_dialect_parse(const char *name, enum lsc_sql_dialect *out)
{
    static const struct {
        const char *name;
        enum lsc_sql_dialect d;
    } names[] = {{"postgres", LSC_SQL_POSTGRES},
                 {"postgresql", LSC_SQL_POSTGRES},
                 {"sqlite", LSC_SQL_SQLITE},
                 {"sqlite3", LSC_SQL_SQLITE},
                 {"duckdb", LSC_SQL_DUCKDB}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        size_t k = 0;
        while (name[k] != '\0' && tolower((unsigned char)name[k]) == names[i].name[k])
            k++;
        if (name[k] == '\0' && names[i].name[k] == '\0') {
            *out = names[i].d;
            return 1;
        }
    }
    return 0;
}

void lsc_emit_sql_options_defaults(struct lsc_emit_sql_options *o)
{
    memset(o, 0, sizeof *o);
    o->dialect = LSC_SQL_POSTGRES;
    o->output = "-";
    o->tier_hot = 70.0;
    o->tier_warm = 40.0;
}

/* "name" with embedded double quotes doubled (SQL-92 delimited identifier). */
static void put_ident_n(FILE *fp, const char *s, size_t len)
{
    putc('"', fp);
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            putc('"', fp);
        putc(s[i], fp);
    }
    putc('"', fp);
}

static void put_ident(FILE *fp, const char *s)
{
    put_ident_n(fp, s, strlen(s));
}

/* A string literal that means the same under every setting: quotes
 * doubled; in PostgreSQL a value holding a backslash is written as an
 * escape string E'...' with the backslash doubled, since a plain '...' reads
 * backslashes as escapes when standard_conforming_strings is off (a level
 * ending in \' would end the literal early). SQLite has no escapes. With
 * fold, ASCII letters are lowercased. */
static int needs_escape(enum lsc_sql_dialect d, const char *s, size_t len)
{
    return d == LSC_SQL_POSTGRES && memchr(s, '\\', len) != NULL;
}

static void put_lit_body(FILE *fp, int esc, const char *s, size_t len, int fold)
{
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (fold && c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (c == '\'' || (esc && c == '\\'))
            putc(c, fp);
        putc(c, fp);
    }
}

static void put_lit(FILE *fp, enum lsc_sql_dialect d, const char *s, size_t len, int fold)
{
    int esc = needs_escape(d, s, len);
    fputs(esc ? "E'" : "'", fp);
    put_lit_body(fp, esc, s, len, fold);
    putc('\'', fp);
}

static void put_string(FILE *fp, enum lsc_sql_dialect d, const char *s)
{
    put_lit(fp, d, s, strlen(s), 0);
}

/* The literal 'column "NAME' followed by tail (no backslash in it), as one
 * literal, so NAME is escaped like any value. */
static void put_message(FILE *fp, enum lsc_sql_dialect d, const char *name, const char *tail)
{
    int esc = needs_escape(d, name, strlen(name));
    fputs(esc ? "E'column \"" : "'column \"", fp);
    put_lit_body(fp, esc, name, strlen(name), 0);
    put_lit_body(fp, esc, tail, strlen(tail), 0);
    putc('\'', fp);
}

/* A double literal that reads back as x. PostgreSQL: 17 significant
 * digits, typed DOUBLE PRECISION (a decimal literal is NUMERIC otherwise).
 * SQLite: 17 digits in exponent form. DuckDB: the fewest digits that read
 * back as x (10e0 rather than 1e+01), always with an exponent, which makes
 * the literal a DOUBLE (a literal without one is a DECIMAL, and DuckDB's
 * DECIMAL to DOUBLE cast can round twice). */
static void put_num(FILE *fp, enum lsc_sql_dialect d, double x)
{
    char buf[40];
    if (d == LSC_SQL_POSTGRES) {
        fprintf(fp, "CAST(%.17g AS DOUBLE PRECISION)", x);
        return;
    }
    if (d == LSC_SQL_SQLITE) {
        fprintf(fp, "%.17e", x);
        return;
    }
    int digits = 1;
    for (; digits < 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x)
            break;
    }
    const char *e = strchr(buf, 'e');
    long e10 = e != NULL ? strtol(e + 1, NULL, 10) : -1;
    snprintf(buf, sizeof buf, "%.*g", e10 >= digits && e10 < 6 ? (int)e10 + 1 : digits, x);
    fputs(buf, fp);
    if (strchr(buf, 'e') == NULL)
        fputs("e0", fp);
}

/* "v_j matches the regular expression re" (re holds no quote): PostgreSQL's
 * ~ and DuckDB's regexp_matches() both find re anywhere in v_j unless it is
 * anchored (DuckDB's ~ is a full match). Not for SQLite. */
static void match_text(char *buf, size_t size, enum lsc_sql_dialect d, size_t j, const char *re)
{
    if (d == LSC_SQL_DUCKDB)
        snprintf(buf, size, "regexp_matches(v_%zu, '%s')", j, re);
    else
        snprintf(buf, size, "v_%zu ~ '%s'", j, re);
}

static void put_table(FILE *fp, const char *table)
{
    const char *dot = strchr(table, '.');
    if (dot != NULL && dot != table && dot[1] != '\0') {
        put_ident_n(fp, table, (size_t)(dot - table));
        putc('.', fp);
        put_ident(fp, dot + 1);
    } else {
        put_ident(fp, table);
    }
}

/* The id columns as selected from a CTE: id_1, id_2, ... */
static void put_ids(FILE *fp, size_t n_ids)
{
    for (size_t k = 0; k < n_ids; k++)
        fprintf(fp, "id_%zu, ", k + 1);
}

/* lsc_is_na_token(): NULL, empty, a built-in token or one of extra[n_extra]. */
static void put_na_test_list(FILE *fp, enum lsc_sql_dialect d, size_t j,
                             const char *const *extra, size_t n_extra)
{
    static const char *const builtin[] = {"NA", "N/A", "NaN", "NULL", "null"};
    fprintf(fp, "(v_%zu IS NULL OR v_%zu IN (''", j, j);
    for (size_t i = 0; i < sizeof builtin / sizeof builtin[0]; i++) {
        fputs(", ", fp);
        put_string(fp, d, builtin[i]);
    }
    for (size_t i = 0; i < n_extra; i++) {
        fputs(", ", fp);
        put_string(fp, d, extra[i]);
    }
    fputs("))", fp);
}

/* The number syntax lsc_parse_number() accepts: [+-] digits [. digits] or
 * [+-] . digits, then an optional exponent, fewer than 64 characters.
 * PostgreSQL and DuckDB: a regular expression. SQLite (no REGEXP by
 * default): the mantissa (after the sign, before e/E) holds digits, at most
 * one point and at least one digit; the exponent, if any, an optional sign
 * and digits. */
static void put_number_test(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    char re[160];
    if (d != LSC_SQL_SQLITE) {
        match_text(re, sizeof re, d, j, "^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]+)?$");
        fprintf(fp, "(length(v_%zu) < 64 AND %s)", j, re);
        return;
    }
    /* mantissa: after the sign, before the first e/E */
    const char *mant = "substr(v_%zu, 1 + s_%zu, (CASE WHEN p_%zu > 0 THEN p_%zu - 1 "
                       "ELSE length(v_%zu) END) - s_%zu)";
    /* exponent digits: after e/E and one optional sign */
    const char *expd = "substr(v_%zu, p_%zu + 1 + (substr(v_%zu, p_%zu + 1, 1) IN ('+', '-')))";
    fprintf(fp, "(length(v_%zu) < 64 AND ", j);
    fprintf(fp, mant, j, j, j, j, j, j);
    fputs(" GLOB '*[0-9]*' AND ", fp);
    fprintf(fp, mant, j, j, j, j, j, j);
    fputs(" NOT GLOB '*[^0-9.]*' AND ", fp);
    fprintf(fp, mant, j, j, j, j, j, j);
    fprintf(fp, " NOT GLOB '*.*.*' AND (p_%zu = 0 OR (", j);
    fprintf(fp, expd, j, j, j, j);
    fputs(" GLOB '[0-9]*' AND ", fp);
    fprintf(fp, expd, j, j, j, j);
    fputs(" NOT GLOB '*[^0-9]*')))", fp);
}

/* t2 for a numeric column: x_j, the number in v_j (lsc_parse_number()'s
 * syntax), NULL when missing or not a number. DuckDB's cast rounds as
 * strtod() does, to 0 below the subnormals and to Inf beyond DBL_MAX (which
 * t3 rejects, as the scorer does). */
static void put_number_value(FILE *fp, enum lsc_sql_dialect d, size_t j, const char *real)
{
    fprintf(fp, ",\n    CASE WHEN na_%zu THEN NULL ", j);
    if (d == LSC_SQL_SQLITE)
        fprintf(fp, "WHEN typeof(v_%zu) IN ('integer', 'real') THEN CAST(v_%zu AS REAL) ", j,
                j);
    fputs("WHEN NOT ", fp);
    put_number_test(fp, d, j);
    fputs(" THEN NULL", fp);
    if (d == LSC_SQL_POSTGRES) {
        /* PostgreSQL refuses what strtod() turns into 0 or Inf: an
         * exponent of 10000 or more decides alone (0 for a zero mantissa
         * or a negative exponent, else out of range); then NUMERIC, which
         * is exact, tells a value beyond DBL_MAX or below half the
         * smallest subnormal */
        fprintf(fp,
                "\n      WHEN v_%zu ~ '[eE][+-]?0*[0-9]{5,}$' THEN CASE WHEN v_%zu ~ "
                "'^[+-]?[0.]*[eE]' OR v_%zu ~ '[eE]-' THEN CAST(0 AS %s) END"
                "\n      WHEN abs(CAST(v_%zu AS NUMERIC)) > 1.7976931348623157e308 THEN NULL"
                "\n      WHEN abs(CAST(v_%zu AS NUMERIC)) <= 2.4703282292062328e-324 THEN "
                "CAST(0 AS %s)",
                j, j, j, real, j, j, real);
    }
    fprintf(fp, "\n      ELSE CAST(v_%zu AS %s) END AS x_%zu", j, real, j);
}

/* 1 when a bad value of the column rejects the row (numbers and dates,
 * binned or not; an account count is never bad). */
static int can_reject(const struct lsc_column_enc *c)
{
    return lsc_col_is_numeric(c) && c->derived != DERIVE_ACCOUNT && c->derived != DERIVE_EVENT;
}

/* "column j is missing": its text is missing, or (an activity-log feature)
 * its value is NULL (a day feature of a lead without such an event). */
static void put_missing(FILE *fp, const struct lsc_column_enc *c, size_t j)
{
    if (c->derived == DERIVE_EVENT)
        fprintf(fp, "x_%zu IS NULL", j);
    else
        fprintf(fp, "na_%zu", j);
}

/* t1 for a "days since" column: dy_j, dm_j, dd_j, the year, month and day
 * when v_j has the shape lsc_parse_iso_date() accepts (4-2-2 digits,
 * then the end, T or a space), else NULL. */
static void put_date_parts(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    static const struct {
        const char *name;
        int from, len;
    } part[] = {{"dy", 1, 4}, {"dm", 6, 2}, {"dd", 9, 2}};
    char re[128];
    match_text(re, sizeof re, d, j, "^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]|$)");
    for (size_t k = 0; k < 3; k++) {
        if (d != LSC_SQL_SQLITE)
            fprintf(fp, ",\n    CASE WHEN %s ", re);
        else
            fprintf(fp,
                    ",\n    CASE WHEN v_%zu GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' "
                    "AND (length(v_%zu) = 10 OR substr(v_%zu, 11, 1) IN ('T', ' ')) ",
                    j, j, j);
        fprintf(fp, "THEN CAST(substr(v_%zu, %d, %d) AS INTEGER) END AS %s_%zu", j, part[k].from,
                part[k].len, part[k].name, j);
    }
}

/* The day number of the date in dy_j, dm_j, dd_j (an integer), NULL when
 * they are NULL or not a valid date (year 1 to 9999, month 1 to 12, the
 * day within the month): lsc_derive_day_number(), Hinnant's days_from_civil,
 * on the year shifted by 400 (one Gregorian cycle), so every division is
 * of positive integers and truncation is floor in every dialect (DuckDB
 * divides integers with //; its / gives a double). */
static void put_day_number(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    const char *q = dialects[d].idiv;
    char y[96];
    /* y - (m <= 2) + 400 */
    snprintf(y, sizeof y, "(dy_%zu + 400 - CASE WHEN dm_%zu <= 2 THEN 1 ELSE 0 END)", j, j);
    fprintf(fp,
            "(CASE WHEN dy_%zu IS NULL OR dy_%zu < 1 OR dm_%zu < 1 OR dm_%zu > 12 "
            "OR dd_%zu < 1 OR dd_%zu > CASE WHEN dm_%zu IN (4, 6, 9, 11) THEN 30 "
            "WHEN dm_%zu <> 2 THEN 31 WHEN dy_%zu %% 4 = 0 AND (dy_%zu %% 100 <> 0 OR "
            "dy_%zu %% 400 = 0) THEN 29 ELSE 28 END THEN NULL",
            j, j, j, j, j, j, j, j, j, j, j);
    /* era * 146097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719468 - 146097 */
    fprintf(fp, "\n      ELSE %s %s 400 * 146097 + (%s %% 400) * 365 + (%s %% 400) %s 4 "
                "- (%s %% 400) %s 100 + (153 * (dm_%zu + CASE WHEN dm_%zu > 2 THEN -3 ELSE 9 END) "
                "+ 2) %s 5 + dd_%zu - 1 - 719468 - 146097 END)",
            y, q, y, y, q, y, q, j, j, q, j);
}

/* r1 for a rules date column: dy_j, dm_j, dd_j as the rules engine reads a
 * date without a declared format (parse_date_with("%Y-%m-%d")): four digits,
 * '-', one or two digits (greedy), '-', one or two digits, then the end, T
 * or a space; NULL otherwise. */
static void put_rules_date_parts(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    char ml[96], dl[256], ok[2048];
    if (d != LSC_SQL_SQLITE) {
        match_text(ok, sizeof ok, d, j, "^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([T ]|$)");
        fprintf(fp, ",\n    CASE WHEN %s THEN CAST(substr(v_%zu, 1, 4) AS INTEGER) END AS dy_%zu", ok,
                j, j);
        fprintf(fp, ",\n    CASE WHEN %s THEN CAST(split_part(v_%zu, '-', 2) AS INTEGER) END AS dm_%zu",
                ok, j, j);
        /* the day: the regular expression's group */
        if (d == LSC_SQL_DUCKDB)
            fprintf(fp, ",\n    CASE WHEN %s THEN CAST(regexp_extract(v_%zu, "
                        "'^[0-9]{4}-[0-9]{1,2}-([0-9]{1,2})', 1) AS INTEGER) END AS dd_%zu",
                    ok, j, j);
        else
            fprintf(fp,
                    ",\n    CASE WHEN %s THEN CAST(substring(v_%zu from "
                    "'^[0-9]{4}-[0-9]{1,2}-([0-9]{1,2})') AS INTEGER) END AS dd_%zu",
                    ok, j, j);
        return;
    }
    snprintf(ml, sizeof ml, "(CASE WHEN substr(v_%zu, 7, 1) GLOB '[0-9]' THEN 2 ELSE 1 END)", j);
    snprintf(dl, sizeof dl, "(CASE WHEN substr(v_%zu, 8 + %s, 1) GLOB '[0-9]' THEN 2 ELSE 1 END)",
             j, ml);
    snprintf(ok, sizeof ok,
             "substr(v_%zu, 1, 6) GLOB '[0-9][0-9][0-9][0-9]-[0-9]' AND substr(v_%zu, 6 + %s, 1) = "
             "'-' AND substr(v_%zu, 7 + %s, 1) GLOB '[0-9]' AND (length(v_%zu) = 6 + %s + %s OR "
             "substr(v_%zu, 7 + %s + %s, 1) IN ('T', ' '))",
             j, j, ml, j, ml, j, ml, dl, j, ml, dl);
    fprintf(fp, ",\n    CASE WHEN %s THEN CAST(substr(v_%zu, 1, 4) AS INTEGER) END AS dy_%zu", ok, j,
            j);
    fprintf(fp, ",\n    CASE WHEN %s THEN CAST(substr(v_%zu, 6, %s) AS INTEGER) END AS dm_%zu", ok, j,
            ml, j);
    fprintf(fp, ",\n    CASE WHEN %s THEN CAST(substr(v_%zu, 7 + %s, %s) AS INTEGER) END AS dd_%zu",
            ok, j, ml, dl, j);
}

/* The account key of v_j (src/base/account.h) as SQL: tab, LF, VT, FF and
 * CR become spaces; each run of spaces one space (every space becomes a
 * tab and a LF, a LF followed by a tab is removed, the tab and LF left
 * make a space again: exact, since neither is in the text any longer);
 * then the ends trimmed and the ASCII letters lowercased (SQLite's core
 * lower() is ASCII only; PostgreSQL's follows the locale and DuckDB's all
 * of Unicode, so those translate A-Z). */
static void put_account_key(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    const char *chr = dialects[d].chr;
    if (d == LSC_SQL_SQLITE)
        fputs("lower(", fp);
    else
        fputs("translate(", fp);
    fprintf(fp, "%s(replace(replace(replace(", dialects[d].trim);
    for (int k = 9; k <= 13; k++)
        fputs("replace(", fp);
    fprintf(fp, "v_%zu", j);
    for (int k = 9; k <= 13; k++)
        fprintf(fp, ", %s(%d), ' ')", chr, k);
    fprintf(fp, ", ' ', %s(9) || %s(10)), %s(10) || %s(9), ''), %s(9) || %s(10), ' '), ' ')", chr,
            chr, chr, chr, chr, chr);
    if (d != LSC_SQL_SQLITE)
        fputs(", 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'", fp);
    fputs(")", fp);
}

/* t2 for a derived column: x_j. Days since: as_of minus the date's day
 * number (lsc_derive_day_number(), Hinnant's days_from_civil, on the year
 * shifted by 400, one Gregorian cycle, so every division is of positive
 * integers and truncation is floor in every dialect), NULL when missing or
 * not a valid date (year 1 to 9999, month 1 to 12, day within the month).
 * Account: the rows of the table with the same account key, missing ones
 * left out; 1 when missing. With the model's reference (ref): its count
 * (rn_j, NULL when it has none) plus the rows of the table it does not
 * already count (nw_j; see model_ta). */
static void put_derived_value(FILE *fp, enum lsc_sql_dialect d, int kind, size_t j,
                              const char *real, long as_of, int ref)
{
    if (kind == DERIVE_ACCOUNT && ref) {
        fprintf(fp,
                ",\n    CAST(CASE WHEN na_%zu THEN 1 ELSE COALESCE(rn_%zu, 0) + SUM(nw_%zu) OVER "
                "(PARTITION BY ak_%zu) END AS %s) AS x_%zu",
                j, j, j, j, real, j);
        return;
    }
    if (kind == DERIVE_ACCOUNT) {
        fprintf(fp,
                ",\n    CAST(CASE WHEN na_%zu THEN 1 ELSE COUNT(*) OVER (PARTITION BY CASE WHEN "
                "na_%zu THEN NULL ELSE ",
                j, j);
        put_account_key(fp, d, j);
        fprintf(fp, " END) END AS %s) AS x_%zu", real, j);
        return;
    }
    fprintf(fp, ",\n    CASE WHEN na_%zu THEN NULL ELSE CAST(%ld - ", j, as_of);
    put_day_number(fp, d, j);
    fprintf(fp, " AS %s) END AS x_%zu", real, j);
}

/* What every step of a statement needs. */
struct ctx {
    FILE *fp;
    enum lsc_sql_dialect d;
    const char *real;          /* the dialect's double type */
    long as_of;                /* the as-of date's day number */
    const struct lsc_rules *r; /* the sheet (rules statements) */
    const struct lsc_emit_sql_options *o;
    size_t lead_col;           /* the first activity-log column, SIZE_MAX: none */
    const struct lsc_model_events *ev; /* the model's, with lead_col */
    const char *ev_id, *ev_type, *ev_time; /* the events table's columns */
    const char *numbers;       /* the step with every rule's x_i: r2, or r2x
                                  with derived numbers (event counts, spans) */
    /* the reference of the account counts: --accounts FILE, else the
     * model's; NULL: none (the table alone) */
    const struct lsc_accounts *ref;
};

/* Whether v_j is missing: one of the model's tokens, or the caller's
 * (lsc_emit_sql_options.na_values). */
static void put_na_test(FILE *fp, const struct ctx *c, size_t j, const struct lsc_model *m)
{
    const struct lsc_strings *na = c->o != NULL ? c->o->na_values : NULL;
    if (na != NULL)
        put_na_test_list(fp, c->d, j, na->items, na->count);
    else
        put_na_test_list(fp, c->d, j, (const char *const *)m->na_values, m->n_na_values);
}

static void ctx_init(struct ctx *c, FILE *fp, enum lsc_sql_dialect d, long as_of)
{
    c->fp = fp;
    c->d = d;
    c->real = dialects[d].real;
    c->as_of = as_of;
    c->r = NULL;
    c->o = NULL;
    c->lead_col = SIZE_MAX;
    c->ev = NULL;
    c->ev_id = c->ev_type = c->ev_time = NULL;
    c->ref = NULL;
}

/* DuckDB's read_csv guesses column types, and a guessed type changes the
 * text the statement compares (Yes/No become true/false): a note. */
static void put_load_note(const struct ctx *c)
{
    if (c->d == LSC_SQL_DUCKDB)
        fputs("-- load CSV files with read_csv(..., all_varchar = true): guessed types change "
              "the text (Yes becomes true)\n",
              c->fp);
}

/* 1 when the reference (the model's) keeps the ids of its leads. */
static int has_lead_ids(const struct lsc_accounts *a)
{
    return a != NULL && a->leads != NULL && a->id_column != NULL;
}

/* The statement's comment line on the reference (no names: a file name or
 * a column may hold a line break). */
static void put_reference_note(const struct ctx *c)
{
    const struct lsc_accounts *a = c->ref;
    if (lsc_accounts_file(a) != NULL)
        fprintf(c->fp,
                "-- account counts: the --accounts file (%zu accounts, %zu contacts) + the "
                "table's rows\n",
                lsc_accounts_size(a), a->total);
    else
        fprintf(c->fp,
                "-- account counts: model reference (%zu accounts, %zu leads%s) + the table's "
                "rows it does not count\n",
                lsc_accounts_size(a), a->total, has_lead_ids(a) ? ", their ids" : "");
}

/* The comment lines that open the model's statement. */
static void model_header(const struct ctx *c, const struct lsc_model *m, const char *table,
                         const char *as_of_text)
{
    fprintf(c->fp, "-- leadscore %s: model scores for table ", LEADSCORE_VERSION);
    put_table(c->fp, table);
    fprintf(c->fp, " (%s dialect; see docs/sql.md)\n", dialects[c->d].title);
    put_load_note(c);
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived == DERIVE_DAYS_SINCE) {
            fprintf(c->fp, "-- \"days since\" features as of %s (day %ld since 1970-01-01)\n",
                    as_of_text, c->as_of);
            break;
        }
    if (c->lead_col != SIZE_MAX) {
        fputs("-- activity-log features from table ", c->fp);
        put_table(c->fp, c->o->events_table);
        fprintf(c->fp, " as of %s (day %ld since 1970-01-01; docs/events.md)\n", as_of_text,
                c->as_of);
    }
    if (c->ref != NULL)
        put_reference_note(c);
}

/* "v_j": the column's text trimmed of spaces and tabs. */
static void put_trimmed(const struct ctx *c, const char *column, size_t j)
{
    const struct dialect *di = &dialects[c->d];
    fprintf(c->fp, "%s(CAST(", di->trim);
    put_ident(c->fp, column);
    fprintf(c->fp, " AS TEXT), ' ' || %s(9)) AS v_%zu", di->chr, j);
}

/* v_j: column j as text trimmed of spaces and tabs (in SQLite a number
 * stored as such is used as it is; text is parsed). */
static void model_value(const struct ctx *c, const struct lsc_column_enc *col, size_t j)
{
    FILE *fp = c->fp;
    if (c->d == LSC_SQL_SQLITE && lsc_col_is_numeric(col) && !col->derived) {
        fputs("CASE WHEN typeof(", fp);
        put_ident(fp, col->name);
        fputs(") IN ('integer', 'real') THEN ", fp);
        put_ident(fp, col->name);
        fputs(" ELSE trim(CAST(", fp);
        put_ident(fp, col->name);
        fprintf(fp, " AS TEXT), ' ' || char(9)) END AS v_%zu", j);
    } else {
        put_trimmed(c, col->derived ? col->source : col->name, j);
    }
}

/* The reference as CTEs opening the statement: acct_ref(k, n), each
 * account key and its leads (contacts); for a rules statement (attrs)
 * acct_ref(k, n, e, t) with its engaged contacts and tier (NULL when
 * unknown); for a model's acct_lead(k, i), each lead id it keeps of an
 * account (none without ids). */
static void put_account_reference(const struct ctx *c, const struct lsc_accounts *a, int attrs)
{
    FILE *fp = c->fp;
    size_t n = lsc_accounts_size(a), n_leads = a->leads != NULL ? lsc_dict_size(a->leads) : 0;
    fputs(attrs ? "acct_ref(k, n, e, t) AS (" : "acct_ref(k, n) AS (", fp);
    if (n == 0)
        fputs(attrs ? "SELECT CAST(NULL AS TEXT), 0, CAST(NULL AS BIGINT), CAST(NULL AS TEXT) "
                      "WHERE 1 = 0"
                    : "SELECT CAST(NULL AS TEXT), 0 WHERE 1 = 0",
              fp);
    for (size_t k = 0; k < n; k++) {
        size_t tlen = 0;
        const char *tier = lsc_accounts_tier(a, (uint32_t)k, &tlen);
        fputs(k ? ",\n    (" : "VALUES\n    (", fp);
        put_lit(fp, c->d, lsc_dict_str(a->keys, (uint32_t)k), lsc_dict_len(a->keys, (uint32_t)k),
                0);
        fprintf(fp, ", %zu", a->count[k]);
        if (attrs && a->engaged[k] >= 0)
            fprintf(fp, ", CAST(%lld AS BIGINT)", a->engaged[k]);
        else if (attrs)
            fputs(", CAST(NULL AS BIGINT)", fp);
        if (attrs && tier != NULL) {
            fputs(", ", fp);
            put_lit(fp, c->d, tier, tlen, 0);
        } else if (attrs) {
            fputs(", CAST(NULL AS TEXT)", fp);
        }
        fputs(")", fp);
    }
    fputs("\n),\n", fp);
    if (attrs)
        return;
    fputs("acct_lead(k, i) AS (", fp);
    if (n_leads == 0)
        fputs("SELECT CAST(NULL AS TEXT), CAST(NULL AS TEXT) WHERE 1 = 0", fp);
    for (size_t i = 0; i < n_leads; i++) {
        const char *id = NULL;
        size_t len = 0;
        uint32_t k = lsc_accounts_lead(a, i, &id, &len);
        fputs(i ? ",\n    (" : "VALUES\n    (", fp);
        put_lit(fp, c->d, lsc_dict_str(a->keys, k), lsc_dict_len(a->keys, k), 0);
        fputs(", ", fp);
        put_lit(fp, c->d, id, len, 0);
        fputs(")", fp);
    }
    fputs("\n),\n", fp);
}

/* ta: per row, the reference's count of its account (rn_j) and 1 when the
 * reference does not already count the row's lead (nw_j: no pair of its
 * account key and lead id in acct_lead), as the scorer's account pass. */
static void model_ta(const struct ctx *c, const struct lsc_model *m)
{
    FILE *fp = c->fp;
    size_t j = 0;
    (void)lsc_derive_model_needs_accounts(m, &j);
    fprintf(
        fp,
        "ta AS MATERIALIZED (\n  SELECT t1.*, acct_ref.n AS rn_%zu, CASE WHEN acct_lead.k IS "
        "NULL THEN 1 ELSE 0 END AS nw_%zu\n  FROM t1 LEFT JOIN acct_ref ON acct_ref.k = "
        "t1.ak_%zu\n    LEFT JOIN acct_lead ON acct_lead.k = t1.ak_%zu AND acct_lead.i = %s\n),\n",
        j, j, j, j, has_lead_ids(c->ref) ? "t1.lead_id" : "NULL");
}

/* ---- activity-log features (docs/events.md) ------------------------------------
 *
 * Before t0, the events table grouped by lead, as the scorer's activity log
 * (src/io/events.h) counts it as of the as-of date:
 *   e0  the log's id, type and time, trimmed (v_0, v_1, v_2)
 *   e1  rows with an id and a type and a time (missing-value tokens as in
 *       the scorer: the built-in ones), the time's date parts (YYYY-MM-DD,
 *       month and day of one or two digits, then the end, T or a space)
 *   e2  the day number (NULL: not a valid date, the event is skipped)
 *   e3  the events on or before the as-of date
 *   ef  per lead: the day of its first event (any type)
 *   ea  per lead and type of the model: count (c_k), window counts (w_k_i),
 *       first and last day (f_k, l_k), weighted count (s_k, the sum of
 *       0.5^((as_of - day) / half_life))
 * t2 joins them to the leads by the trimmed lead id. */

static void put_event_type_test(const struct ctx *c, size_t k)
{
    fputs("etype = ", c->fp);
    put_string(c->fp, c->d, c->ev->types[k]);
}

static void events_e0_e3(const struct ctx *c)
{
    FILE *fp = c->fp;
    const char *col[3] = {c->ev_id, c->ev_type, c->ev_time};
    fputs("e0 AS MATERIALIZED (\n  SELECT ", fp);
    for (size_t k = 0; k < 3; k++) {
        fputs(k ? ",\n    " : "", fp);
        put_trimmed(c, col[k], k);
    }
    fputs("\n  FROM ", fp);
    put_table(fp, c->o->events_table);
    fputs("\n),\ne1 AS MATERIALIZED (\n  SELECT v_0 AS eid, v_1 AS etype, v_2", fp);
    put_rules_date_parts(fp, c->d, 2);
    fputs("\n  FROM e0\n  WHERE NOT ", fp);
    put_na_test_list(fp, c->d, 0, NULL, 0);
    fputs(" AND v_1 IS NOT NULL AND v_1 <> '' AND NOT ", fp);
    put_na_test_list(fp, c->d, 2, NULL, 0);
    fputs("\n),\ne2 AS MATERIALIZED (\n  SELECT eid, etype, ", fp);
    put_day_number(fp, c->d, 2);
    fputs(" AS day\n  FROM e1\n),\n", fp);
    fprintf(fp,
            "e3 AS MATERIALIZED (\n  SELECT eid, etype, day FROM e2 WHERE day IS NOT NULL AND "
            "day <= %ld\n),\nef AS MATERIALIZED (\n  SELECT eid, MIN(day) AS first_any FROM e3 "
            "GROUP BY eid\n),\n",
            c->as_of);
}

static void events_ctes(const struct ctx *c, const struct lsc_model *m)
{
    FILE *fp = c->fp;
    const struct lsc_model_events *e = m->events;
    events_e0_e3(c);
    fputs("ea AS MATERIALIZED (\n  SELECT eid", fp);
    for (size_t k = 0; k < e->n_types; k++) {
        fputs(",\n    SUM(CASE WHEN ", fp);
        put_event_type_test(c, k);
        fprintf(fp, " THEN 1 ELSE 0 END) AS c_%zu", k);
        for (size_t w = 0; w < e->n_windows; w++) {
            fputs(",\n    SUM(CASE WHEN ", fp);
            put_event_type_test(c, k);
            fprintf(fp, " AND %ld - day < %ld THEN 1 ELSE 0 END) AS w_%zu_%zu", c->as_of,
                    e->windows[w], k, w);
        }
        fputs(",\n    MIN(CASE WHEN ", fp);
        put_event_type_test(c, k);
        fprintf(fp, " THEN day END) AS f_%zu,\n    MAX(CASE WHEN ", k);
        put_event_type_test(c, k);
        fprintf(fp, " THEN day END) AS l_%zu,\n    SUM(CASE WHEN ", k);
        put_event_type_test(c, k);
        fprintf(fp, " THEN power(0.5, CAST(%ld - day AS %s) / ", c->as_of, c->real);
        put_num(fp, c->d, e->half_life);
        fputs(") ELSE ", fp);
        put_num(fp, c->d, 0.0);
        fprintf(fp, " END) AS s_%zu", k);
    }
    fputs("\n  FROM e3\n  GROUP BY eid\n),\n", fp);
}

/* t2 for an activity-log feature: x_j from the lead's aggregates (NULL: a
 * day feature without such an event). */
static void put_event_value(const struct ctx *c, const struct lsc_model *m, size_t j)
{
    FILE *fp = c->fp;
    const struct lsc_column_enc *col = &m->columns[j];
    const struct lsc_model_events *e = m->events;
    size_t k = 0, w = 0;
    while (k < e->n_types && strcmp(e->types[k], col->event_type) != 0)
        k++;
    while (w < e->n_windows && e->windows[w] != col->event_window)
        w++;
    fputs(",\n    CAST(", fp);
    switch (col->event_stat) {
    case LSC_EV_COUNT: fprintf(fp, "COALESCE(ea.c_%zu, 0)", k); break;
    case LSC_EV_WINDOW: fprintf(fp, "COALESCE(ea.w_%zu_%zu, 0)", k, w); break;
    case LSC_EV_WEIGHTED: fprintf(fp, "COALESCE(ea.s_%zu, 0)", k); break;
    case LSC_EV_SINCE_FIRST: fprintf(fp, "%ld - ea.f_%zu", c->as_of, k); break;
    case LSC_EV_SINCE_LAST: fprintf(fp, "%ld - ea.l_%zu", c->as_of, k); break;
    default: fprintf(fp, "ea.f_%zu - ef.first_any", k); break; /* LSC_EV_FROM_FIRST */
    }
    fprintf(fp, " AS %s) AS x_%zu", c->real, j);
}

/* t0: the ids and the trimmed text. SQLite and PostgreSQL inline a CTE used
 * once, substituting each column's expression wherever it is used: the
 * number checks would be copied into every use (minutes instead of
 * milliseconds), so every step is MATERIALIZED (SQLite 3.35, PostgreSQL 12
 * and later). */
static void model_t0(const struct ctx *c, const struct lsc_model *m, const char *const *ids,
                     size_t n_ids, const char *table)
{
    FILE *fp = c->fp;
    fputs("WITH ", fp);
    if (c->lead_col != SIZE_MAX)
        events_ctes(c, m);
    if (c->ref != NULL)
        put_account_reference(c, c->ref, 0);
    fputs("t0 AS MATERIALIZED (\n  SELECT ", fp);
    for (size_t k = 0; k < n_ids; k++) {
        put_ident(fp, ids[k]);
        fprintf(fp, " AS id_%zu, ", k + 1);
    }
    for (size_t j = 0; j < m->n_columns; j++) {
        if (j)
            fputs(",\n    ", fp);
        model_value(c, &m->columns[j], j);
    }
    if (m->n_columns == 0)
        fputs("0 AS v_none", fp);
    if (has_lead_ids(c->ref)) {
        fputs(",\n    ", fp);
        put_trimmed(c, c->ref->id_column, m->n_columns);
    }
    fputs("\n  FROM ", fp);
    put_table(fp, table);
}

/* t1: the missing flags (and the helpers of the number and date checks). */
static void model_t1(const struct ctx *c, const struct lsc_model *m)
{
    FILE *fp = c->fp;
    fputs("\n),\nt1 AS MATERIALIZED (\n  SELECT t0.*", fp);
    for (size_t j = 0; j < m->n_columns; j++) {
        fputs(",\n    ", fp);
        put_na_test(fp, c, j, m);
        fprintf(fp, " AS na_%zu", j);
        if (m->columns[j].derived == DERIVE_DAYS_SINCE)
            put_date_parts(fp, c->d, j);
        if (c->d == LSC_SQL_SQLITE && lsc_col_is_numeric(&m->columns[j]) &&
            !m->columns[j].derived)
            fprintf(fp,
                    ",\n    (substr(v_%zu, 1, 1) IN ('+', '-')) AS s_%zu, "
                    "instr(lower(v_%zu), 'e') AS p_%zu",
                    j, j, j, j);
        if (m->columns[j].derived == DERIVE_ACCOUNT && c->ref != NULL) {
            fputs(",\n    CASE WHEN ", fp);
            put_na_test(fp, c, j, m);
            fputs(" THEN NULL ELSE ", fp);
            put_account_key(fp, c->d, j);
            fprintf(fp, " END AS ak_%zu", j);
        }
    }
    if (has_lead_ids(c->ref)) {
        fputs(",\n    CASE WHEN ", fp);
        put_na_test(fp, c, m->n_columns, m);
        fprintf(fp, " THEN NULL ELSE v_%zu END AS lead_id", m->n_columns);
    }
    fputs("\n  FROM t0\n),\n", fp);
    if (c->ref != NULL)
        model_ta(c, m);
}

/* t2: the numbers (from ta when the model keeps account counts). */
static void model_t2(const struct ctx *c, const struct lsc_model *m)
{
    const char *from = c->ref != NULL ? "ta" : "t1";
    fprintf(c->fp, "t2 AS MATERIALIZED (\n  SELECT %s.*", from);
    for (size_t j = 0; j < m->n_columns; j++) {
        if (!lsc_col_is_numeric(&m->columns[j]))
            continue;
        if (m->columns[j].derived == DERIVE_EVENT)
            put_event_value(c, m, j);
        else if (m->columns[j].derived)
            put_derived_value(c->fp, c->d, m->columns[j].derived, j, c->real, c->as_of,
                              c->ref != NULL);
        else
            put_number_value(c->fp, c->d, j, c->real);
    }
    fprintf(c->fp, "\n  FROM %s", from);
    if (c->lead_col != SIZE_MAX)
        fprintf(c->fp,
                "\n  LEFT JOIN ea ON NOT %s.na_%zu AND ea.eid = %s.v_%zu"
                "\n  LEFT JOIN ef ON NOT %s.na_%zu AND ef.eid = %s.v_%zu",
                from, c->lead_col, from, c->lead_col, from, c->lead_col, from, c->lead_col);
    fputs("\n),\n", c->fp);
}

/* The coefficient of level k of a categorical column (0 for the reference
 * level). */
static double level_coef(const struct lsc_model *m, const struct lsc_column_enc *col, size_t k)
{
    return col->level_feature[k] != LSC_NO_FEATURE ? m->coef[col->level_feature[k]] : 0.0;
}

/* Column j's part of eta: a numeric column's standardised value (the
 * median when missing) times its coefficient, plus the missing indicator's. */
static void part_numeric(const struct ctx *c, const struct lsc_model *m, size_t j)
{
    FILE *fp = c->fp;
    const struct lsc_column_enc *col = &m->columns[j];
    put_num(fp, c->d, m->coef[col->feature]);
    if (col->derived == DERIVE_ACCOUNT) {
        /* never missing: a missing account counts 1 */
        fprintf(fp, " * ((x_%zu - ", j);
    } else {
        fputs(" * ((CASE WHEN ", fp);
        put_missing(fp, col, j);
        fputs(" THEN ", fp);
        put_num(fp, c->d, col->median);
        fprintf(fp, " ELSE x_%zu END - ", j);
    }
    put_num(fp, c->d, col->mean);
    fputs(") / ", fp);
    put_num(fp, c->d, col->sd);
    fputs(")", fp);
    if (col->derived != DERIVE_ACCOUNT && col->missing_feature != LSC_NO_FEATURE) {
        fputs(" + CASE WHEN ", fp);
        put_missing(fp, col, j);
        fputs(" THEN ", fp);
        put_num(fp, c->d, m->coef[col->missing_feature]);
        fputs(" ELSE ", fp);
        put_num(fp, c->d, 0.0);
        fputs(" END", fp);
    }
}

/* Column j's part of eta for a categorical column: the coefficient of its
 * level ("(missing)" when missing, "(other)" or the reference when unseen). */
static void part_levels(const struct ctx *c, const struct lsc_model *m, size_t j)
{
    FILE *fp = c->fp;
    const struct lsc_column_enc *col = &m->columns[j];
    size_t fallback = col->other != SIZE_MAX ? col->other : col->reference;
    size_t on_missing = col->missing != SIZE_MAX ? col->missing : fallback;
    fprintf(fp, "CASE WHEN na_%zu THEN ", j);
    put_num(fp, c->d, level_coef(m, col, on_missing));
    for (size_t k = 0; k < col->n_levels; k++) {
        if (k == col->other || k == col->missing)
            continue;
        fprintf(fp, "\n          WHEN v_%zu = ", j);
        put_string(fp, c->d, col->levels[k]);
        fputs(" THEN ", fp);
        put_num(fp, c->d, level_coef(m, col, k));
    }
    fputs("\n          ELSE ", fp);
    put_num(fp, c->d, level_coef(m, col, fallback));
    fputs(" END", fp);
}

/* 1 when the statement has the step t2b (binned columns, interactions). */
static int has_levels(const struct lsc_model *m)
{
    return lsc_model_first_binned(m) != SIZE_MAX || m->n_pairs > 0;
}

/* Level v through map (none: v itself). */
static size_t mapped(const size_t *map, size_t v)
{
    return map != NULL ? map[v] : v;
}

/* ", CASE ... END AS name": column j's level as the scorer finds it (a
 * binned column: lsc_binned_level() of x_j, an account count never
 * missing; a categorical one: the level of v_j, "(missing)" or the
 * fallback as in part_levels()), mapped through map[level] when map is not
 * NULL (an interaction's groups). */
static void put_level(const struct ctx *c, const struct lsc_model *m, size_t j, const size_t *map,
                      const char *name)
{
    FILE *fp = c->fp;
    const struct lsc_column_enc *col = &m->columns[j];
    fputs(",\n    CASE", fp);
    if (col->type == LSC_COL_BINNED) {
        if (col->derived != DERIVE_ACCOUNT) {
            fputs(" WHEN ", fp);
            put_missing(fp, col, j);
            fprintf(fp, " THEN %zu", mapped(map, lsc_binned_level(col, NAN)));
        }
        for (size_t b = col->n_cuts; b > 0; b--) {
            fprintf(fp, "\n      WHEN x_%zu >= ", j);
            put_num(fp, c->d, col->cuts[b - 1]);
            fprintf(fp, " THEN %zu", mapped(map, b));
        }
        fprintf(fp, " ELSE %zu END AS %s", mapped(map, 0), name);
    } else {
        size_t fallback = col->other != SIZE_MAX ? col->other : col->reference;
        size_t on_missing = col->missing != SIZE_MAX ? col->missing : fallback;
        fprintf(fp, " WHEN na_%zu THEN %zu", j, mapped(map, on_missing));
        for (size_t k = 0; k < col->n_levels; k++) {
            if (k == col->other || k == col->missing)
                continue;
            fprintf(fp, "\n      WHEN v_%zu = ", j);
            put_string(fp, c->d, col->levels[k]);
            fprintf(fp, " THEN %zu", mapped(map, k));
        }
        fprintf(fp, " ELSE %zu END AS %s", mapped(map, fallback), name);
    }
}

/* t2b: lv_j per binned column; gK_S, side S's group of interaction K. */
static void model_t2b(const struct ctx *c, const struct lsc_model *m)
{
    char name[48];
    if (!has_levels(m))
        return;
    fputs("t2b AS MATERIALIZED (\n  SELECT t2.*", c->fp);
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].type == LSC_COL_BINNED) {
            snprintf(name, sizeof name, "lv_%zu", j);
            put_level(c, m, j, NULL, name);
        }
    for (size_t k = 0; k < m->n_pairs; k++)
        for (int s = 0; s < 2; s++) {
            snprintf(name, sizeof name, "g%zu_%d", k, s);
            put_level(c, m, m->pairs[k].col[s], m->pairs[k].group[s], name);
        }
    fputs("\n  FROM t2\n),\n", c->fp);
}

/* Column j's part of eta for a binned column: its bin's effect (the sum of
 * its steps, lsc_bin_effect()) or the missing bin's coefficient. */
static void part_binned(const struct ctx *c, const struct lsc_model *m, size_t j)
{
    FILE *fp = c->fp;
    const struct lsc_column_enc *col = &m->columns[j];
    fprintf(fp, "CASE lv_%zu", j);
    for (size_t b = 0; b <= col->n_cuts; b++) {
        fprintf(fp, " WHEN %zu THEN ", b);
        put_num(fp, c->d, lsc_bin_effect(m, col, b));
    }
    if (col->missing_feature != LSC_NO_FEATURE) {
        fprintf(fp, " WHEN %zu THEN ", col->n_cuts + 1);
        put_num(fp, c->d, m->coef[col->missing_feature]);
    }
    fputs(" END", fp);
}

/* Interaction k's part of eta: the effect of its cell (lsc_pair_effect()). */
static void part_pair(const struct ctx *c, const struct lsc_model *m, size_t k)
{
    FILE *fp = c->fp;
    const struct lsc_pair *pr = &m->pairs[k];
    fprintf(fp, "CASE g%zu_0", k);
    for (size_t a = 0; a < pr->n_groups[0]; a++) {
        fprintf(fp, "\n          WHEN %zu THEN CASE g%zu_1", a, k);
        for (size_t b = 0; b < pr->n_groups[1]; b++) {
            fprintf(fp, " WHEN %zu THEN ", b);
            put_num(fp, c->d, lsc_pair_effect(m, pr, a, b));
        }
        fputs(" END", fp);
    }
    fputs(" END", fp);
}

/* The rejection test of column j: present but not a number (or a date). */
static void put_rejected(FILE *fp, size_t j)
{
    fprintf(fp, "NOT na_%zu AND (x_%zu IS NULL OR abs(x_%zu) > 1.7976931348623157e308)", j, j, j);
}

/* error: the scorer's message for the first rejecting column, e.g.
 * column "Visits": not a number: "many". */
static void model_errors(const struct ctx *c, const struct lsc_model *m)
{
    FILE *fp = c->fp;
    for (size_t j = 0; j < m->n_columns; j++) {
        if (!can_reject(&m->columns[j]))
            continue;
        fputs("\n      WHEN ", fp);
        put_rejected(fp, j);
        fputs(" THEN ", fp);
        int date = m->columns[j].derived == DERIVE_DAYS_SINCE;
        put_message(fp, c->d, date ? m->columns[j].source : m->columns[j].name,
                    date ? "\": not a date (YYYY-MM-DD): \"" : "\": not a number: \"");
        fprintf(fp, " || substr(CAST(v_%zu AS TEXT), 1, 40) || '\"'", j);
    }
}

/* t3: eta = intercept + the parts in column order (NULL when a column
 * rejects the row; a number out of the double range is not a number either:
 * SQLite reads it as Inf, the scorer rejects it), and the error. A model
 * without numeric columns rejects nothing: no CASE (a CASE without WHEN is
 * not SQL). */
static void model_t3(const struct ctx *c, const struct lsc_model *m, size_t n_ids)
{
    FILE *fp = c->fp;
    size_t n_num = 0;
    for (size_t j = 0; j < m->n_columns; j++)
        n_num += (size_t)can_reject(&m->columns[j]);
    fputs("t3 AS MATERIALIZED (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    fputs(n_num ? "\n    CASE" : "\n    (", fp);
    for (size_t j = 0; j < m->n_columns; j++)
        if (can_reject(&m->columns[j])) {
            fputs(" WHEN ", fp);
            put_rejected(fp, j);
            fputs(" THEN NULL", fp);
        }
    if (n_num)
        fputs("\n      ELSE ", fp);
    put_num(fp, c->d, m->coef[0]);
    for (size_t j = 0; j < m->n_columns; j++) {
        fputs("\n        + (", fp);
        if (m->columns[j].type == LSC_COL_NUMERIC)
            part_numeric(c, m, j);
        else if (m->columns[j].type == LSC_COL_BINNED)
            part_binned(c, m, j);
        else
            part_levels(c, m, j);
        fputs(")", fp);
    }
    for (size_t k = 0; k < m->n_pairs; k++) {
        fputs("\n        + (", fp);
        part_pair(c, m, k);
        fputs(")", fp);
    }
    fputs(n_num ? " END AS eta,\n    CASE" : ") AS eta,\n    CAST(NULL AS TEXT)", fp);
    model_errors(c, m);
    fprintf(fp, "%s AS error\n  FROM %s\n),\n", n_num ? " END" : "", has_levels(m) ? "t2b" : "t2");
}

/* t4: p = 1 / (1 + exp(-eta)), overflow-free as lsc_mathfn_sigmoid(); above
 * 700 the probability is exactly 1, as in C; below -700 it is under 1e-304
 * and written as 0 (exp would underflow, which PostgreSQL reports as an
 * error). t5: score = clamp(floor(100 p + 0.5), 1, 100). */
static void model_t4_t5(const struct ctx *c, size_t n_ids)
{
    FILE *fp = c->fp;
    fputs("t4 AS (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    fputs("\n    CASE WHEN eta IS NULL THEN NULL\n      WHEN eta > 700 THEN ", fp);
    put_num(fp, c->d, 1.0);
    fputs("\n      WHEN eta >= 0 THEN ", fp);
    put_num(fp, c->d, 1.0);
    fputs(" / (", fp);
    put_num(fp, c->d, 1.0);
    fputs(" + exp(-eta))\n      WHEN eta < -700 THEN ", fp);
    put_num(fp, c->d, 0.0);
    fputs("\n      ELSE exp(eta) / (", fp);
    put_num(fp, c->d, 1.0);
    fputs(" + exp(eta)) END AS probability,\n    error\n  FROM t3\n),\n", fp);
    fputs("t5 AS (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    fputs("probability,\n    CASE WHEN probability IS NULL THEN NULL\n"
          "      WHEN floor(100 * probability + 0.5) < 1 THEN 1\n"
          "      WHEN floor(100 * probability + 0.5) > 100 THEN 100\n"
          "      ELSE CAST(floor(100 * probability + 0.5) AS INTEGER) END AS score,\n"
          "    error\n  FROM t4\n)\n",
          fp);
}

/* The final SELECT: the ids under their names, and the tier. */
static void model_final(const struct ctx *c, const char *const *ids, size_t n_ids, double hot,
                        double warm)
{
    FILE *fp = c->fp;
    fputs("SELECT ", fp);
    for (size_t k = 0; k < n_ids; k++) {
        fprintf(fp, "id_%zu AS ", k + 1);
        put_ident(fp, ids[k]);
        fputs(", ", fp);
    }
    fputs("probability, score,\n  CASE WHEN score IS NULL THEN NULL WHEN score >= ", fp);
    fprintf(fp, "%.17g THEN 'hot' WHEN score >= %.17g THEN 'warm' ELSE 'cold' END AS tier,\n", hot,
            warm);
    fputs("  error\nFROM t5;\n", fp);
}

static void emit(FILE *fp, const struct lsc_model *m, const struct lsc_emit_sql_options *o,
                 const char *const *ids, size_t n_ids, long as_of, const char *as_of_text)
{
    struct ctx c;
    size_t acct = 0;
    ctx_init(&c, fp, o->dialect, as_of);
    c.o = o;
    for (size_t j = 0; j < m->n_columns && c.lead_col == SIZE_MAX; j++)
        if (m->columns[j].derived == DERIVE_EVENT)
            c.lead_col = j;
    if (c.lead_col != SIZE_MAX) {
        c.ev = m->events;
        c.ev_id = o->event_id ? o->event_id : m->events->id_column;
        c.ev_type = o->event_type ? o->event_type : m->events->type_column;
        c.ev_time = o->event_time ? o->event_time : m->events->time_column;
    }
    if (lsc_derive_model_needs_accounts(m, &acct))
        c.ref = o->accounts != NULL ? o->accounts : m->accounts;
    model_header(&c, m, o->table, as_of_text);
    model_t0(&c, m, ids, n_ids, o->table);
    model_t1(&c, m);
    model_t2(&c, m);
    model_t2b(&c, m);
    model_t3(&c, m, n_ids);
    model_t4_t5(&c, n_ids);
    model_final(&c, ids, n_ids, o->tiers_set ? o->tier_hot : m->tier_hot,
                o->tiers_set ? o->tier_warm : m->tier_warm);
}

/* One part of --table: not empty, no control character (a newline once
 * ended the statement's header comment); it is written as a quoted
 * identifier, embedded double quotes doubled. */
static int table_part_ok(const char *s, size_t len)
{
    int ok = len > 0;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
    return ok;
}

/* --table (NAME or SCHEMA.NAME) and the as-of date, for both statements. */
static enum lsc_status check_options(const struct lsc_emit_sql_options *o, long *as_of,
                                     char as_of_text[16], struct lsc_error *err)
{
    const char *t = o->table, *dot = t != NULL ? strchr(t, '.') : NULL;
    if (t == NULL || t[0] == '\0')
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--table: a table name is required");
    size_t len = strlen(t), head = dot != NULL ? (size_t)(dot - t) : len;
    if (!table_part_ok(t, head) ||
        (dot != NULL && (strchr(dot + 1, '.') != NULL || !table_part_ok(dot + 1, len - head - 1)))) {
        char shown[80];
        lsc_escape_bytes(t, len, shown, sizeof shown);
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--table: \"%s\" is not a table name: give NAME or SCHEMA.NAME "
                             "(no control characters or further dots)",
                             shown);
    }
    if (o->as_of == NULL) {
        *as_of = lsc_derive_today(as_of_text, 16);
        return LSC_OK;
    }
    int y = 0, mo = 0, dd = 0;
    if (strlen(o->as_of) != 10 || !lsc_parse_iso_date(o->as_of, 10, &y, &mo, &dd))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--as-of: expected a date YYYY-MM-DD");
    *as_of = lsc_derive_day_number(y, mo, dd);
    snprintf(as_of_text, 16, "%s", o->as_of);
    return LSC_OK;
}

/* A model with activity-log features needs the events table, whose times
 * the statement reads as YYYY-MM-DD only. */
static enum lsc_status check_events(const struct lsc_model *m,
                                    const struct lsc_emit_sql_options *o, struct lsc_error *err)
{
    int needs = 0;
    for (size_t j = 0; j < m->n_columns; j++)
        needs |= m->columns[j].derived == DERIVE_EVENT;
    if (!needs && (o->events_table != NULL || o->event_id != NULL || o->event_type != NULL ||
                   o->event_time != NULL))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--events-table: this model has no activity-log features");
    if (!needs)
        return LSC_OK;
    if (o->events_table == NULL || !table_part_ok(o->events_table, strlen(o->events_table)))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "the model has activity-log features: name the table of events "
                             "with --events-table NAME (columns \"%s\", \"%s\", \"%s\", or "
                             "others with --event-id, --event-type, --event-time)",
                             m->events->id_column, m->events->type_column,
                             m->events->time_column);
    if (strcmp(m->events->date_format, "%Y-%m-%d") != 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--emit-sql: the model's event times are read with the format "
                             "\"%s\", which the statement cannot reproduce (only %%Y-%%m-%%d)",
                             m->events->date_format);
    return LSC_OK;
}

enum lsc_status lsc_emit_sql(const struct lsc_model *m, const struct lsc_emit_sql_options *o,
                             struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct outfile out;
    memset(&out, 0, sizeof out);
    if (o->tiers_set && !(o->tier_warm > 0.0 && o->tier_warm < o->tier_hot && o->tier_hot <= 100.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "tier cut-offs must satisfy 0 < warm < hot <= 100");
    char as_of_text[16];
    long as_of = 0;
    if ((st = check_options(o, &as_of, as_of_text, err)) != LSC_OK)
        return st;
    if ((st = check_events(m, o, err)) != LSC_OK)
        return st;
    for (size_t j = 0; j < m->n_columns && lsc_model_date_format(m) != NULL; j++)
        if (m->columns[j].derived == DERIVE_DAYS_SINCE)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "the model cannot be translated to SQL: \"%s\" reads dates in "
                                 "the format \"%s\" (--date-format), and only ISO dates "
                                 "YYYY-MM-DD are translated",
                                 m->columns[j].name, lsc_model_date_format(m));
    const char *const *ids = o->ids.count ? o->ids.items : (const char *const *)m->ids;
    size_t n_ids = o->ids.count ? o->ids.count : m->n_ids;
    if (o->stream != NULL) {
        emit(o->stream, m, o, ids, n_ids, as_of, as_of_text);
        return ferror(o->stream) ? lsc_error_write(err, "the statement") : LSC_OK;
    }
    if ((st = lsc_outfile_check(o->output, o->force, err)) != LSC_OK ||
        (st = lsc_outfile_open(&out, o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    emit(out.fp, m, o, ids, n_ids, as_of, as_of_text);
    if (ferror(out.fp)) {
        st = lsc_error_write(err, o->output);
        goto cleanup;
    }
    st = lsc_outfile_commit(&out, err);
cleanup:
    lsc_outfile_abort(&out);
    return st;
}

/* ---- rules sheets -------------------------------------------------------------
 *
 * The statement follows lsc_rules_eval() step by step, in integer cents:
 *
 *   r0  the id columns; v_i the trimmed text of rule i's column (and of
 *       each decay's date column after the rules)
 *   r1  na_i (the sheet's missing values too), the number helpers, the
 *       date parts
 *   r2  x_i the number, day_i the day number, ac_i the account's rows
 *   r3  pu_i a per-unit rule's points x 100 (a double, clamped to 1e12)
 *   r4  lr_i llround(pu_i) (trunc plus the rounding of the remainder, which
 *       is exact)
 *   r5  c_i rule i's cents when it holds (else 0), capped
 *   r6  pos_k, neg_k per dimension; dday_k the decay's date
 *   r7  kp_k the decayed positive points (pos x keep^periods, a double)
 *   r8  the dimension after decay; r9 after its min and max
 *   r10 the total after its min (0 unless negative totals are allowed) and
 *       max; the final SELECT adds qualified, tier and grade.
 */

static int rule_is_number(enum lsc_rule_op op)
{
    return op >= LSC_RULE_GT && op <= LSC_RULE_PER_UNIT;
}

static int rule_is_date(enum lsc_rule_op op)
{
    return op >= LSC_RULE_OLDER && op <= LSC_RULE_AFTER;
}

/* v_j, ASCII-lowercased when fold (PostgreSQL's lower() follows the
 * database's locale, DuckDB's lowers all of Unicode; SQLite's core lower()
 * is ASCII only). */
static void put_value(FILE *fp, enum lsc_sql_dialect d, size_t j, int fold)
{
    if (!fold)
        fprintf(fp, "v_%zu", j);
    else if (d != LSC_SQL_SQLITE)
        fprintf(fp, "translate(v_%zu, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                    "'abcdefghijklmnopqrstuvwxyz')",
                j);
    else
        fprintf(fp, "lower(v_%zu)", j);
}

/* llround(e) for a double e of magnitude below 2^53, exactly: the integer
 * part plus one when the remainder (exact) is at least a half. */
static void put_llround(FILE *fp, const char *e)
{
    fprintf(fp,
            "(CAST(trunc(%s) AS BIGINT) + CASE WHEN %s - trunc(%s) >= 0.5 THEN 1 "
            "WHEN %s - trunc(%s) <= -0.5 THEN -1 ELSE 0 END)",
            e, e, e, e, e);
}

/* The condition ru (a SQL boolean) on column i of the statement: rule
 * k's own (not per unit), or with also its and-condition (whose in-list
 * items lsc_rules_rule_and_item() gives). */
static void put_rule_condition(const struct ctx *c, size_t i, const struct lsc_rule_info *ru,
                               size_t k_rule, int also)
{
    FILE *fp = c->fp;
    enum lsc_sql_dialect d = c->d;
    const struct lsc_rules *r = c->r;
    long as_of = c->as_of;
    int f = ru->ignore_case;
    switch (ru->op) {
    case LSC_RULE_EQ:
    case LSC_RULE_NE:
        fprintf(fp, ru->op == LSC_RULE_EQ ? "(NOT na_%zu AND " : "(na_%zu OR NOT ", i);
        put_value(fp, d, i, f);
        fputs(" = ", fp);
        put_lit(fp, d, ru->text, ru->text_len, f);
        fputs(")", fp);
        break;
    case LSC_RULE_IN:
    case LSC_RULE_NOT_IN:
        fprintf(fp, ru->op == LSC_RULE_IN ? "(NOT na_%zu AND " : "(na_%zu OR NOT ", i);
        put_value(fp, d, i, f);
        fputs(" IN (", fp);
        for (size_t k = 0; k < ru->n_items; k++) {
            size_t len = 0;
            const char *item = also ? lsc_rules_rule_and_item(r, k_rule, k, &len)
                                    : lsc_rules_rule_item(r, k_rule, k, &len);
            if (k)
                fputs(", ", fp);
            put_lit(fp, d, item, len, f);
        }
        fputs("))", fp);
        break;
    case LSC_RULE_CONTAINS:
    case LSC_RULE_NOT_CONTAINS:
        fprintf(fp, ru->op == LSC_RULE_CONTAINS ? "(NOT na_%zu AND " : "(na_%zu OR NOT ", i);
        fprintf(fp, "%s(", dialects[d].strpos);
        put_value(fp, d, i, f);
        fputs(", ", fp);
        put_lit(fp, d, ru->text, ru->text_len, f);
        fputs(") > 0)", fp);
        break;
    case LSC_RULE_MISSING:
        fprintf(fp, "na_%zu", i);
        break;
    case LSC_RULE_PRESENT:
        fprintf(fp, "NOT na_%zu", i);
        break;
    case LSC_RULE_GT:
    case LSC_RULE_GE:
    case LSC_RULE_LT:
    case LSC_RULE_LE:
    case LSC_RULE_BETWEEN: {
        static const char *const cmp[] = {">", ">=", "<", "<=", ">="};
        fprintf(fp, "(x_%zu IS NOT NULL AND abs(x_%zu) <= 1.7976931348623157e308 AND x_%zu %s ",
                i, i, i, cmp[ru->op - LSC_RULE_GT]);
        put_num(fp, d, ru->a);
        if (ru->op == LSC_RULE_BETWEEN) {
            fprintf(fp, " AND x_%zu <= ", i);
            put_num(fp, d, ru->b);
        }
        fputs(")", fp);
        break;
    }
    case LSC_RULE_OLDER:
    case LSC_RULE_WITHIN:
        fprintf(fp, "(day_%zu IS NOT NULL AND CASE WHEN day_%zu < %ld THEN %ld - day_%zu ELSE 0 END %s ",
                i, i, as_of, as_of, i, ru->op == LSC_RULE_OLDER ? ">" : "<=");
        put_num(fp, d, ru->a);
        fputs(")", fp);
        break;
    case LSC_RULE_BEFORE:
    case LSC_RULE_AFTER:
        fprintf(fp, "(day_%zu IS NOT NULL AND day_%zu %s %ld)", i, i,
                ru->op == LSC_RULE_BEFORE ? "<" : ">", ru->day);
        break;
    case LSC_RULE_ACCOUNT_MIN:
        fprintf(fp, "(NOT na_%zu AND ac_%zu >= ", i, i);
        put_num(fp, d, ru->a);
        fputs(")", fp);
        break;
    case LSC_RULE_PRIORITY: {
        size_t n = lsc_rules_n_priority(r);
        if (n == 0) {
            fputs("(1 = 0)", fp);
            break;
        }
        fprintf(fp, "(NOT na_%zu AND ", i);
        put_account_key(fp, d, i);
        fputs(" IN (", fp);
        for (size_t k = 0; k < n; k++) {
            size_t len = 0;
            const char *name = lsc_rules_priority_account(r, k, &len);
            if (k)
                fputs(", ", fp);
            put_lit(fp, d, name, len, 0);
        }
        fputs("))", fp);
        break;
    }
    case LSC_RULE_ACCOUNT_TIER:
        if (c->ref == NULL || !lsc_accounts_has_tier(c->ref)) {
            fputs("(1 = 0)", fp);
            break;
        }
        fprintf(fp, "(NOT na_%zu AND ref_t IS NOT NULL AND ", i);
        fputs(d == LSC_SQL_SQLITE ? "lower(ref_t)"
                                  : "translate(ref_t, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', "
                                    "'abcdefghijklmnopqrstuvwxyz')",
              fp);
        fputs(" IN (", fp);
        for (size_t k = 0; k < ru->n_items; k++) {
            size_t len = 0;
            const char *item = lsc_rules_rule_item(r, k_rule, k, &len);
            if (k)
                fputs(", ", fp);
            put_lit(fp, d, item, len, 1);
        }
        fputs("))", fp);
        break;
    case LSC_RULE_ACCOUNT_ENGAGED:
        if (c->ref == NULL || !lsc_accounts_has_engaged(c->ref)) {
            fputs("(1 = 0)", fp);
            break;
        }
        fprintf(fp, "(NOT na_%zu AND ref_e IS NOT NULL AND ref_e >= %.0f)", i, ru->a);
        break;
    case LSC_RULE_PER_UNIT:
        break;
    }
}

static void put_clamp(FILE *fp, const char *v, int has_min, long long min, int has_max,
                      long long max)
{
    if (!has_min && !has_max) {
        fputs(v, fp);
        return;
    }
    fputs("CASE", fp);
    if (has_min)
        fprintf(fp, " WHEN %s < %lld THEN %lld", v, min, min);
    if (has_max)
        fprintf(fp, " WHEN %s > %lld THEN %lld", v, max, max);
    fprintf(fp, " ELSE %s END", v);
}

/* Column j of the rules statement: rule j's column (j < n_rules), then
 * the date column of dimension j - n_rules's decay, then the column of rule
 * j - n_rules - n_dimensions's and-condition; NULL when that decay or
 * and-condition is absent. *is_num and *is_date say how the column is read. */
static const char *rules_column(const struct lsc_rules *r, size_t j, int *is_num, int *is_date)
{
    size_t nr = lsc_rules_n_rules(r), nd = lsc_rules_n_dimensions(r);
    struct lsc_rule_info ru;
    *is_num = *is_date = 0;
    if (j >= 2 * nr + nd) { /* the date columns that are ends of spans */
        lsc_rules_rule(r, (j - 2 * nr - nd) / 2, &ru);
        const struct lsc_rule_end *e = (j - 2 * nr - nd) % 2 ? &ru.to : &ru.from;
        if (ru.source == LSC_RULE_CELL || ru.source == LSC_RULE_EVENT_COUNT ||
            e->kind != LSC_RULE_END_COLUMN)
            return NULL;
        *is_date = 1;
        return e->name;
    }
    if (j < nr) {
        lsc_rules_rule(r, j, &ru);
        if (ru.source != LSC_RULE_CELL)
            return NULL; /* a derived number: r2x */
        *is_num = rule_is_number(ru.op);
        *is_date = rule_is_date(ru.op);
        return ru.column;
    }
    if (j >= nr + nd) {
        if (!lsc_rules_rule_and(r, j - nr - nd, &ru))
            return NULL;
        *is_num = rule_is_number(ru.op);
        return ru.column;
    }
    struct lsc_rules_dim_info di;
    lsc_rules_dimension(r, j - nr, &di);
    *is_num = 0;
    *is_date = 1;
    return di.has_decay ? di.decay_column : NULL;
}

/* The number of columns of the rules statement (rules, decays,
 * and-conditions, then two ends of a span per rule). */
static size_t rules_n_columns(const struct lsc_rules *r)
{
    return 4 * lsc_rules_n_rules(r) + lsc_rules_n_dimensions(r);
}

/* " AND (rule i's and-condition)", when it has one. */
static void put_and_condition(const struct ctx *c, size_t i)
{
    struct lsc_rule_info ra;
    if (!lsc_rules_rule_and(c->r, i, &ra))
        return;
    fputs(" AND ", c->fp);
    put_rule_condition(c, lsc_rules_n_rules(c->r) + lsc_rules_n_dimensions(c->r) + i, &ra, i, 1);
}

/* The comment lines and r0: the ids and the trimmed text of each column. */
static void rules_r0(const struct ctx *c, const struct lsc_emit_sql_options *o,
                     const char *as_of_text)
{
    FILE *fp = c->fp;
    fprintf(fp, "-- leadscore %s: rules sheet scores for table ", LEADSCORE_VERSION);
    put_table(fp, o->table);
    fprintf(fp, " (%s dialect; see docs/sql.md)\n-- dates as of %s (day %ld since 1970-01-01)\n",
            dialects[c->d].title, as_of_text, c->as_of);
    if (c->ref != NULL)
        put_reference_note(c);
    put_load_note(c);
    fputs("WITH ", fp);
    if (c->ref != NULL)
        put_account_reference(c, c->ref, 1);
    fputs("r0 AS MATERIALIZED (\n  SELECT ", fp);
    for (size_t k = 0; k < o->ids.count; k++) {
        put_ident(fp, o->ids.items[k]);
        fprintf(fp, " AS id_%zu, ", k + 1);
    }
    int first = 1;
    for (size_t j = 0; j < rules_n_columns(c->r); j++) {
        int is_num = 0, is_date = 0;
        const char *col = rules_column(c->r, j, &is_num, &is_date);
        if (col == NULL)
            continue;
        if (!first)
            fputs(",\n    ", fp);
        first = 0;
        put_trimmed(c, col, j);
    }
    if (first)
        fputs("0 AS v_none", fp); /* every rule reads the log */
    fputs("\n  FROM ", fp);
    put_table(fp, o->table);
}

/* v_j is missing: NULL, empty, a built-in or the sheet's missing value. */
static void put_rules_na(const struct ctx *c, size_t j)
{
    static const char *const builtin[] = {"NA", "N/A", "NaN", "NULL", "null"};
    size_t n_na = lsc_rules_n_missing_values(c->r);
    fprintf(c->fp, "(v_%zu IS NULL OR v_%zu IN (''", j, j);
    for (size_t k = 0; k < sizeof builtin / sizeof builtin[0]; k++) {
        fputs(", ", c->fp);
        put_string(c->fp, c->d, builtin[k]);
    }
    for (size_t k = 0; k < n_na; k++) {
        fputs(", ", c->fp);
        put_string(c->fp, c->d, lsc_rules_missing_value(c->r, k));
    }
    fputs("))", c->fp);
}

/* The first rule that reads the account reference (account has at least,
 * account tier is, account has engaged contacts), SIZE_MAX if none. */
static size_t first_reference_rule(const struct lsc_rules *r)
{
    struct lsc_rule_info ru;
    for (size_t i = 0; i < lsc_rules_n_rules(r); i++) {
        lsc_rules_rule(r, i, &ru);
        if (ru.op == LSC_RULE_ACCOUNT_MIN || ru.op == LSC_RULE_ACCOUNT_TIER ||
            ru.op == LSC_RULE_ACCOUNT_ENGAGED)
            return i;
    }
    return SIZE_MAX;
}

/* r1: the missing flags (the sheet's missing values too), the helpers of
 * the number check, the date parts; with a reference, ak the account key
 * (NULL when missing), and ra: its row of acct_ref (ref_n, ref_e, ref_t). */
static void rules_r1(const struct ctx *c)
{
    FILE *fp = c->fp;
    fputs("\n),\nr1 AS MATERIALIZED (\n  SELECT r0.*", fp);
    for (size_t j = 0; j < rules_n_columns(c->r); j++) {
        int is_num = 0, is_date = 0;
        if (rules_column(c->r, j, &is_num, &is_date) == NULL)
            continue;
        fputs(",\n    ", fp);
        put_rules_na(c, j);
        fprintf(fp, " AS na_%zu", j);
        if (is_num && c->d == LSC_SQL_SQLITE)
            fprintf(fp,
                    ",\n    (substr(v_%zu, 1, 1) IN ('+', '-')) AS s_%zu, "
                    "instr(lower(v_%zu), 'e') AS p_%zu",
                    j, j, j, j);
        if (is_date)
            put_rules_date_parts(fp, c->d, j);
    }
    size_t ja = c->ref != NULL ? first_reference_rule(c->r) : SIZE_MAX;
    if (ja != SIZE_MAX) {
        fputs(",\n    CASE WHEN ", fp);
        put_rules_na(c, ja);
        fputs(" THEN NULL ELSE ", fp);
        put_account_key(fp, c->d, ja);
        fputs(" END AS ak", fp);
    }
    fputs("\n  FROM r0\n),\n", fp);
    if (ja != SIZE_MAX)
        fputs("ra AS MATERIALIZED (\n  SELECT r1.*, acct_ref.n AS ref_n, acct_ref.e AS ref_e, "
              "acct_ref.t AS ref_t\n  FROM r1 LEFT JOIN acct_ref ON acct_ref.k = r1.ak\n),\n",
              fp);
}

/* r2: x_i the number, day_i the day number, ac_i the account's rows. */
static void rules_r2(const struct ctx *c)
{
    FILE *fp = c->fp;
    size_t nr = lsc_rules_n_rules(c->r);
    const char *from = c->ref != NULL && first_reference_rule(c->r) != SIZE_MAX ? "ra" : "r1";
    fprintf(fp, "r2 AS MATERIALIZED (\n  SELECT %s.*", from);
    for (size_t j = 0; j < rules_n_columns(c->r); j++) {
        int is_num = 0, is_date = 0;
        if (rules_column(c->r, j, &is_num, &is_date) == NULL)
            continue;
        struct lsc_rule_info ru;
        memset(&ru, 0, sizeof ru);
        if (j < nr)
            lsc_rules_rule(c->r, j, &ru);
        if (is_num) {
            put_number_value(fp, c->d, j, c->real);
        } else if (is_date) {
            fprintf(fp, ",\n    CASE WHEN na_%zu THEN NULL ELSE ", j);
            put_day_number(fp, c->d, j);
            fprintf(fp, " END AS day_%zu", j);
        } else if (j < nr && ru.op == LSC_RULE_ACCOUNT_MIN) {
            /* the reference's count (none: 0) plus the table's rows */
            fprintf(fp, ",\n    %sCOUNT(*) OVER (PARTITION BY CASE WHEN na_%zu THEN NULL ELSE ",
                    strcmp(from, "ra") == 0 ? "COALESCE(ref_n, 0) + " : "", j);
            put_account_key(fp, c->d, j);
            fprintf(fp, " END) AS ac_%zu", j);
        }
    }
    fprintf(fp, "\n  FROM %s\n),\n", from);
}

/* floor(|x| / unit + 1e-9) with x's sign (the rules engine's whole units). */
static void put_units(const struct ctx *c, size_t i, double unit)
{
    fprintf(c->fp, "CASE WHEN x_%zu < 0 THEN -floor(abs(x_%zu) / ", i, i);
    put_num(c->fp, c->d, unit);
    fputs(" + ", c->fp);
    put_num(c->fp, c->d, 1e-9);
    fprintf(c->fp, ") ELSE floor(abs(x_%zu) / ", i);
    put_num(c->fp, c->d, unit);
    fputs(" + ", c->fp);
    put_num(c->fp, c->d, 1e-9);
    fputs(") END", c->fp);
}

/* r3: pu_i a per-unit rule's points x 100 (a double); r3b: pc_i clamped to
 * 1e12; r4: lr_i = llround(pc_i). */
static void rules_per_unit(const struct ctx *c)
{
    FILE *fp = c->fp;
    size_t nr = lsc_rules_n_rules(c->r);
    struct lsc_rule_info ru;
    char name[64];
    fprintf(fp, "r3 AS MATERIALIZED (\n  SELECT %s.*", c->numbers);
    for (size_t i = 0; i < nr; i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (ru.op != LSC_RULE_PER_UNIT)
            continue;
        fprintf(fp,
                ",\n    CASE WHEN x_%zu IS NULL OR abs(x_%zu) > 1.7976931348623157e308 THEN NULL "
                "ELSE (",
                i, i);
        put_units(c, i, ru.a);
        fputs(" * ", fp);
        put_num(fp, c->d, ru.points);
        fputs(" * ", fp);
        put_num(fp, c->d, 100.0);
        fprintf(fp, ") END AS pu_%zu", i);
    }
    fprintf(fp, "\n  FROM %s\n),\nr3b AS MATERIALIZED (\n  SELECT r3.*", c->numbers);
    for (size_t i = 0; i < nr; i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (ru.op != LSC_RULE_PER_UNIT)
            continue;
        fprintf(fp, ",\n    CASE WHEN pu_%zu > 1e12 THEN ", i);
        put_num(fp, c->d, 1e12);
        fprintf(fp, " WHEN pu_%zu < -1e12 THEN ", i);
        put_num(fp, c->d, -1e12);
        fprintf(fp, " ELSE pu_%zu END AS pc_%zu", i, i);
    }
    fputs("\n  FROM r3\n),\nr4 AS MATERIALIZED (\n  SELECT r3b.*", fp);
    for (size_t i = 0; i < nr; i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (ru.op != LSC_RULE_PER_UNIT)
            continue;
        snprintf(name, sizeof name, "pc_%zu", i);
        fputs(",\n    ", fp);
        put_llround(fp, name);
        fprintf(fp, " AS lr_%zu", i);
    }
    fputs("\n  FROM r3b\n),\n", fp);
}

/* r5: c_i rule i's cents when it holds (and its and-condition, if any;
 * else 0), capped; dday_k the date of dimension k's decay. */
static void rules_r5(const struct ctx *c, size_t n_ids)
{
    FILE *fp = c->fp;
    size_t nr = lsc_rules_n_rules(c->r);
    struct lsc_rule_info ru;
    struct lsc_rules_dim_info di;
    char name[64];
    fputs("r5 AS MATERIALIZED (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    for (size_t i = 0; i < nr; i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (i)
            fputs(",\n    ", fp);
        if (ru.op == LSC_RULE_PER_UNIT) {
            snprintf(name, sizeof name, "lr_%zu", i);
            fprintf(fp, "CASE WHEN lr_%zu IS NOT NULL", i);
            put_and_condition(c, i);
            fputs(" THEN ", fp);
            put_clamp(fp, name, ru.has_cap, -ru.cap_cents, ru.has_cap, ru.cap_cents);
            fprintf(fp, " ELSE 0 END AS c_%zu", i);
        } else {
            fputs("CASE WHEN ", fp);
            put_rule_condition(c, i, &ru, i, 0);
            put_and_condition(c, i);
            fprintf(fp, " THEN %lld ELSE 0 END AS c_%zu", ru.points_cents, i);
        }
    }
    for (size_t k = 0; k < lsc_rules_n_dimensions(c->r); k++) {
        lsc_rules_dimension(c->r, k, &di);
        if (di.has_decay)
            fprintf(fp, ",\n    day_%zu AS dday_%zu", nr + k, k);
    }
    fputs("\n  FROM r4\n),\n", fp);
}

/* r6: pos_k and neg_k, the positive and negative cents of dimension k.
 * PostgreSQL and DuckDB sum in BIGINT from the start: a sum of INTEGER
 * columns stays INTEGER there and fails beyond 2^31 cents (21 million
 * points); SQLite's integers are 64-bit anyway. */
static void rules_r6(const struct ctx *c, size_t n_ids)
{
    static const char *const sign[] = {"pos", "neg"};
    const char *zero = c->d != LSC_SQL_SQLITE ? "CAST(0 AS BIGINT)" : "0";
    FILE *fp = c->fp;
    struct lsc_rule_info ru;
    struct lsc_rules_dim_info di;
    fputs("r6 AS MATERIALIZED (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    for (size_t k = 0; k < lsc_rules_n_dimensions(c->r); k++) {
        for (int s = 0; s < 2; s++) {
            fprintf(fp, "%s%s", k || s ? ",\n    " : "", zero);
            for (size_t i = 0; i < lsc_rules_n_rules(c->r); i++) {
                lsc_rules_rule(c->r, i, &ru);
                if (ru.dimension == k)
                    fprintf(fp, " + CASE WHEN c_%zu %s 0 THEN c_%zu ELSE 0 END", i, s ? "<" : ">",
                            i);
            }
            fprintf(fp, " AS %s_%zu", sign[s], k);
        }
        lsc_rules_dimension(c->r, k, &di);
        if (di.has_decay)
            fprintf(fp, ", dday_%zu", k);
    }
    fputs("\n  FROM r5\n),\n", fp);
}

/* r7: kp_k the decayed positive points, pos x keep^periods (a double).
 * keep^n below e^-700 leaves less than half a cent of any sum of points
 * (C: llround gives 0), and PostgreSQL's power() raises an error on
 * underflow: 0 then. */
static void rules_r7(const struct ctx *c)
{
    FILE *fp = c->fp;
    struct lsc_rules_dim_info di;
    long as_of = c->as_of;
    fputs("r7 AS MATERIALIZED (\n  SELECT r6.*", fp);
    for (size_t k = 0; k < lsc_rules_n_dimensions(c->r); k++) {
        lsc_rules_dimension(c->r, k, &di);
        if (!di.has_decay)
            continue;
        fprintf(fp,
                ",\n    CASE WHEN pos_%zu > 0 AND dday_%zu IS NOT NULL AND dday_%zu < %ld THEN ", k,
                k, k, as_of);
        int guard = di.keep > 0.0 && di.keep < 1.0;
        const char *q = dialects[c->d].idiv;
        if (guard)
            fprintf(fp, "CASE WHEN (%ld - dday_%zu) %s %ld > %.0f THEN CAST(0 AS %s) ELSE ", as_of,
                    k, q, di.period, floor(700.0 / -log(di.keep)), c->real);
        fprintf(fp, "CAST(pos_%zu AS %s) * power(", k, c->real);
        put_num(fp, c->d, di.keep);
        fprintf(fp, ", CAST((%ld - dday_%zu) %s %ld AS %s))", as_of, k, q, di.period, c->real);
        if (guard)
            fputs(" END", fp);
        fprintf(fp, " END AS kp_%zu", k);
    }
    fputs("\n  FROM r6\n),\n", fp);
}

/* r8: dv_k dimension k after its decay; r9: f_k after its min and max;
 * r10: tv the total; r11: the total after its min (0 unless negative
 * totals are allowed) and max. */
static void rules_r8_r11(const struct ctx *c, size_t n_ids)
{
    FILE *fp = c->fp;
    size_t nd = lsc_rules_n_dimensions(c->r);
    struct lsc_rules_dim_info di;
    struct lsc_rules_total_info ti;
    char name[64];
    fputs("r8 AS MATERIALIZED (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    for (size_t k = 0; k < nd; k++) {
        lsc_rules_dimension(c->r, k, &di);
        fprintf(fp, "%spos_%zu + neg_%zu", k ? ",\n    " : "", k, k);
        if (di.has_decay) {
            snprintf(name, sizeof name, "kp_%zu", k);
            fprintf(fp, " + CASE WHEN kp_%zu IS NULL THEN 0 ELSE ", k);
            put_llround(fp, name);
            fprintf(fp, " - pos_%zu END", k);
        }
        fprintf(fp, " AS dv_%zu", k);
    }
    fputs("\n  FROM r7\n),\nr9 AS MATERIALIZED (\n  SELECT ", fp);
    put_ids(fp, n_ids);
    for (size_t k = 0; k < nd; k++) {
        lsc_rules_dimension(c->r, k, &di);
        snprintf(name, sizeof name, "dv_%zu", k);
        fputs(k ? ",\n    " : "", fp);
        put_clamp(fp, name, di.has_min, di.min_cents, di.has_max, di.max_cents);
        fprintf(fp, " AS f_%zu", k);
    }
    fputs("\n  FROM r8\n),\nr10 AS MATERIALIZED (\n  SELECT r9.*, ", fp);
    for (size_t k = 0; k < nd; k++)
        fprintf(fp, "%sf_%zu", k ? " + " : "", k);
    fputs(" AS tv\n  FROM r9\n),\nr11 AS MATERIALIZED (\n  SELECT r10.*, ", fp);
    lsc_rules_total(c->r, &ti);
    put_clamp(fp, "tv", ti.has_min || !ti.allow_negative, ti.has_min ? ti.min_cents : 0, ti.has_max,
              ti.max_cents);
    fputs(" AS total\n  FROM r10\n)\n", fp);
}

/* The final SELECT: the ids under their names, the score, tier, qualified,
 * each dimension's points and the grade. */
static void rules_final(const struct ctx *c, const struct lsc_emit_sql_options *o)
{
    FILE *fp = c->fp;
    struct lsc_rules_total_info ti;
    char name[64];
    lsc_rules_total(c->r, &ti);
    fputs("SELECT ", fp);
    for (size_t k = 0; k < o->ids.count; k++) {
        fprintf(fp, "id_%zu AS ", k + 1);
        put_ident(fp, o->ids.items[k]);
        fputs(", ", fp);
    }
    fprintf(fp, "\n  CAST(total AS %s) / 100 AS rule_score,\n  ", c->real);
    if (ti.has_tiers)
        fprintf(fp,
                "CASE WHEN total >= %lld THEN 'hot' WHEN total >= %lld THEN 'warm' ELSE "
                "'cold' END",
                ti.hot_cents, ti.warm_cents);
    else
        fputs("CAST(NULL AS TEXT)", fp);
    fputs(" AS rule_tier,\n  ", fp);
    if (ti.has_qualified)
        fprintf(fp, "CASE WHEN total >= %lld THEN 1 ELSE 0 END", ti.qualified_cents);
    else
        fputs("CAST(NULL AS INTEGER)", fp);
    fputs(" AS rule_qualified", fp);
    for (size_t k = 0; k < lsc_rules_n_dimensions(c->r); k++) {
        fprintf(fp, ",\n  CAST(f_%zu AS %s) / 100 AS ", k, c->real);
        snprintf(name, sizeof name, "%s_points", lsc_rules_dimension_name(c->r, k));
        put_ident(fp, name);
    }
    fputs(",\n  ", fp);
    if (ti.has_grade)
        fprintf(fp,
                "CASE WHEN f_%zu >= %lld THEN 'A' WHEN f_%zu >= %lld THEN 'B' WHEN f_%zu >= %lld "
                "THEN 'C' ELSE 'D' END || CASE WHEN f_%zu >= %lld THEN '1' WHEN f_%zu >= %lld "
                "THEN '2' WHEN f_%zu >= %lld THEN '3' ELSE '4' END",
                ti.letter_dim, ti.letter_cents[0], ti.letter_dim, ti.letter_cents[1], ti.letter_dim,
                ti.letter_cents[2], ti.digit_dim, ti.digit_cents[0], ti.digit_dim,
                ti.digit_cents[1], ti.digit_dim, ti.digit_cents[2]);
    else
        fputs("CAST(NULL AS TEXT)", fp);
    fputs(" AS grade\nFROM r11;\n", fp);
}

/* ---- rules on derived numbers: event counts and spans of days ------------------
 *
 * The activity log is a table with one row per event (o->events_table),
 * read as io/events.c reads a log file, then grouped by lead:
 *   ev0  e_id, e_type, v_0 the id, type and time, trimmed
 *   ev1  the rows with an id, a type and a time (not missing-value tokens),
 *        with the date parts of the time
 *   ev2  e_day, the time's day number (NULL: not a date, skipped)
 *   ev   per lead id, over the events on or before the as-of date: en_i
 *        rule i's count (in its window: as_of - day < window), ef_i / et_i
 *        the first day of the type at the from / to end of rule i's span,
 *        efa the first day of any type
 * r2x adds x_i for every derived rule: the count (0 without events), or
 * the span's to - from in days (its size for "days between"; NULL when an
 * end is missing), the ends being r2's day_j of a date column or ev's
 * first days; the leads join ev by their first id column, trimmed.
 */

static int rules_derived(const struct lsc_rules *r, int *reads_events)
{
    struct lsc_rule_info ru;
    int any = 0;
    *reads_events = 0;
    for (size_t i = 0; i < lsc_rules_n_rules(r); i++) {
        lsc_rules_rule(r, i, &ru);
        any |= ru.source != LSC_RULE_CELL;
        *reads_events |= ru.source == LSC_RULE_EVENT_COUNT ||
                         (ru.source != LSC_RULE_CELL && (ru.from.kind >= LSC_RULE_END_FIRST_TYPE ||
                                                         ru.to.kind >= LSC_RULE_END_FIRST_TYPE));
    }
    return any;
}

/* "MIN(CASE WHEN e_type = 'T' THEN e_day END) AS name" for a first-event end. */
static void put_first_day(const struct ctx *c, const struct lsc_rule_end *e, const char *name)
{
    if (e->kind != LSC_RULE_END_FIRST_TYPE)
        return;
    fputs(",\n    MIN(CASE WHEN e_type = ", c->fp);
    put_string(c->fp, c->d, e->name);
    fprintf(c->fp, " THEN e_day END) AS %s", name);
}

/* ev0 .. ev: the events table grouped by lead. */
static void rules_events(const struct ctx *c, const struct lsc_emit_sql_options *o)
{
    FILE *fp = c->fp;
    const struct dialect *di = &dialects[c->d];
    const char *const cols[3] = {o->event_id, o->event_type, o->event_time};
    const char *const names[3] = {"e_id", "e_type", "v_0"};
    struct lsc_rule_info ru;
    char name[64];
    fputs("ev0 AS MATERIALIZED (\n  SELECT ", fp);
    for (int k = 0; k < 3; k++) {
        fprintf(fp, "%s%s(CAST(", k ? ", " : "", di->trim);
        put_ident(fp, cols[k]);
        fprintf(fp, " AS TEXT), ' ' || %s(9)) AS %s", di->chr, names[k]);
    }
    fputs("\n  FROM ", fp);
    put_table(fp, o->events_table);
    fputs("\n),\nev1 AS MATERIALIZED (\n  SELECT e_id, e_type, v_0", fp);
    put_rules_date_parts(fp, c->d, 0);
    fputs("\n  FROM ev0\n  WHERE e_type IS NOT NULL AND e_type <> '' AND NOT ", fp);
    put_na_test_list(fp, c->d, 0, NULL, 0);
    fputs(" AND e_id IS NOT NULL AND e_id NOT IN ('', 'NA', 'N/A', 'NaN', 'NULL', 'null')\n),\n",
          fp);
    fputs("ev2 AS MATERIALIZED (\n  SELECT e_id, e_type, ", fp);
    put_day_number(fp, c->d, 0);
    fprintf(fp, " AS e_day\n  FROM ev1\n),\nev AS MATERIALIZED (\n  SELECT e_id, MIN(e_day) AS efa");
    for (size_t i = 0; i < lsc_rules_n_rules(c->r); i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (ru.source == LSC_RULE_EVENT_COUNT) {
            fputs(",\n    SUM(CASE WHEN e_type = ", fp);
            put_string(fp, c->d, ru.event_type);
            if (ru.window_days > 0)
                fprintf(fp, " AND e_day > %ld", c->as_of - ru.window_days);
            fprintf(fp, " THEN 1 ELSE 0 END) AS en_%zu", i);
        } else if (ru.source != LSC_RULE_CELL) {
            snprintf(name, sizeof name, "ef_%zu", i);
            put_first_day(c, &ru.from, name);
            snprintf(name, sizeof name, "et_%zu", i);
            put_first_day(c, &ru.to, name);
        }
    }
    fprintf(fp, "\n  FROM ev2\n  WHERE e_day IS NOT NULL AND e_day <= %ld\n  GROUP BY e_id\n),\n",
            c->as_of);
}

/* The day of an end of rule i's span as r2x sees it. */
static void put_end_day(const struct ctx *c, const struct lsc_rule_end *e, size_t i, int to)
{
    size_t j = 2 * lsc_rules_n_rules(c->r) + lsc_rules_n_dimensions(c->r) + 2 * i + (to ? 1 : 0);
    if (e->kind == LSC_RULE_END_COLUMN)
        fprintf(c->fp, "day_%zu", j);
    else if (e->kind == LSC_RULE_END_FIRST_EVENT)
        fputs("ev.efa", c->fp);
    else
        fprintf(c->fp, "ev.e%c_%zu", to ? 't' : 'f', i);
}

/* The events CTEs (when read) and r2x: x_i of every derived rule. */
static void rules_r2x(struct ctx *c, const struct lsc_emit_sql_options *o)
{
    FILE *fp = c->fp;
    struct lsc_rule_info ru;
    int events = 0;
    c->numbers = "r2";
    if (!rules_derived(c->r, &events))
        return;
    c->numbers = "r2x";
    if (events)
        rules_events(c, o);
    fputs("r2x AS MATERIALIZED (\n  SELECT r2.*", fp);
    for (size_t i = 0; i < lsc_rules_n_rules(c->r); i++) {
        lsc_rules_rule(c->r, i, &ru);
        if (ru.source == LSC_RULE_EVENT_COUNT) {
            fprintf(fp, ",\n    COALESCE(ev.en_%zu, 0) AS x_%zu", i, i);
        } else if (ru.source != LSC_RULE_CELL) {
            fputs(",\n    CASE WHEN ", fp);
            put_end_day(c, &ru.from, i, 0);
            fputs(" IS NULL OR ", fp);
            put_end_day(c, &ru.to, i, 1);
            fputs(" IS NULL THEN NULL ELSE ", fp);
            fputs(ru.source == LSC_RULE_DAYS_BETWEEN ? "abs(" : "(", fp);
            put_end_day(c, &ru.to, i, 1);
            fputs(" - ", fp);
            put_end_day(c, &ru.from, i, 0);
            fprintf(fp, ") END AS x_%zu", i);
        }
    }
    fputs("\n  FROM r2", fp);
    if (events)
        fprintf(fp, "\n  LEFT JOIN ev ON ev.e_id = %s(CAST(r2.id_1 AS TEXT), ' ' || %s(9))",
                dialects[c->d].trim, dialects[c->d].chr);
    fputs("\n),\n", fp);
}

static void emit_rules(FILE *fp, const struct lsc_rules *r, const struct lsc_emit_sql_options *o,
                       long as_of, const char *as_of_text)
{
    struct ctx c;
    ctx_init(&c, fp, o->dialect, as_of);
    c.r = r;
    if (first_reference_rule(r) != SIZE_MAX)
        c.ref = o->accounts;
    rules_r0(&c, o, as_of_text);
    rules_r1(&c);
    rules_r2(&c);
    rules_r2x(&c, o);
    rules_per_unit(&c);
    rules_r5(&c, o->ids.count);
    rules_r6(&c, o->ids.count);
    rules_r7(&c);
    rules_r8_r11(&c, o->ids.count);
    rules_final(&c, o);
}

/* A rule on a derived number the statement cannot reproduce: an unbound
 * span, an end with a declared date format, events without their table. */
static enum lsc_status derived_translatable(const struct lsc_rule_info *ru,
                                            const struct lsc_emit_sql_options *o,
                                            struct lsc_error *err)
{
    const struct lsc_rule_end *ends[2] = {&ru->from, &ru->to};
    int events = ru->source == LSC_RULE_EVENT_COUNT;
    for (int k = 0; k < 2 && ru->source != LSC_RULE_EVENT_COUNT; k++) {
        if (ends[k]->kind == LSC_RULE_END_NAME)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "rule %s: its span of days is not bound (lsc_rules_bind_names)",
                                 ru->id);
        if (ends[k]->date_format != NULL)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "rule %s cannot be translated to SQL: its column's declared date "
                                 "format \"%s\" is not translated (only ISO dates YYYY-MM-DD are)",
                                 ru->id, ends[k]->date_format);
        events |= ends[k]->kind != LSC_RULE_END_COLUMN;
    }
    if (events && (o->events_table == NULL || o->event_id == NULL || o->event_type == NULL ||
                   o->event_time == NULL))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "rule %s reads the activity log: give its table and columns with "
                             "--events-table NAME --event-id COL --event-type COL --event-time COL",
                             ru->id);
    if (events && o->ids.count == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "rule %s reads the activity log: name the leads' id column with --id "
                             "COL (the log is joined by it)",
                             ru->id);
    return LSC_OK;
}

/* LSC_ERR_USAGE naming the first rule (or decay) the statement cannot
 * reproduce exactly. */
static enum lsc_status rules_translatable(const struct lsc_rules *r,
                                          const struct lsc_emit_sql_options *o,
                                          struct lsc_error *err)
{
    struct lsc_rule_info ru;
    struct lsc_rules_dim_info di;
    enum lsc_status st = LSC_OK;
    for (size_t i = 0; i < lsc_rules_n_rules(r); i++) {
        lsc_rules_rule(r, i, &ru);
        if (ru.source != LSC_RULE_CELL && (st = derived_translatable(&ru, o, err)) != LSC_OK)
            return st;
        if (ru.column == NULL)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "rule %s: account rules need an account column: name it in the "
                                 "sheet or give --account-column",
                                 ru.id);
        if (rule_is_date(ru.op) && ru.date_format != NULL)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "rule %s cannot be translated to SQL: its column's declared date "
                                 "format \"%s\" is not translated (only ISO dates YYYY-MM-DD are)",
                                 ru.id, ru.date_format);
    }
    for (size_t k = 0; k < lsc_rules_n_dimensions(r); k++) {
        lsc_rules_dimension(r, k, &di);
        if (di.has_decay && di.decay_format != NULL)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "%s cannot be translated to SQL: the declared date format \"%s\" "
                                 "is not translated (only ISO dates YYYY-MM-DD are)",
                                 di.decay_id, di.decay_format);
    }
    return LSC_OK;
}

enum lsc_status lsc_emit_rules_sql(const struct lsc_rules *r, const struct lsc_emit_sql_options *o,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct outfile out;
    char as_of_text[16];
    long as_of = 0;
    memset(&out, 0, sizeof out);
    if ((st = check_options(o, &as_of, as_of_text, err)) != LSC_OK ||
        (st = rules_translatable(r, o, err)) != LSC_OK)
        return st;
    if (o->stream != NULL) {
        emit_rules(o->stream, r, o, as_of, as_of_text);
        return ferror(o->stream) ? lsc_error_write(err, "the statement") : LSC_OK;
    }
    if ((st = lsc_outfile_check(o->output, o->force, err)) != LSC_OK ||
        (st = lsc_outfile_open(&out, o->output, o->force, err)) != LSC_OK)
        goto cleanup;
    emit_rules(out.fp, r, o, as_of, as_of_text);
    if (ferror(out.fp)) {
        st = lsc_error_write(err, o->output);
        goto cleanup;
    }
    st = lsc_outfile_commit(&out, err);
cleanup:
    lsc_outfile_abort(&out);
    return st;
}

/* ---- pieces for the training queries (sql_text.h) --------------------- */

void lsc_sql_put_ident(FILE *fp, const char *s) { put_ident(fp, s); }

void lsc_sql_put_string(FILE *fp, enum lsc_sql_dialect d, const char *s) { put_string(fp, d, s); }

void lsc_sql_put_num(FILE *fp, enum lsc_sql_dialect d, double x) { put_num(fp, d, x); }

void lsc_sql_put_na_test(FILE *fp, enum lsc_sql_dialect d, size_t j, const char *const *extra,
                         size_t n_extra)
{
    put_na_test_list(fp, d, j, extra, n_extra);
}

void lsc_sql_put_number_value(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    put_number_value(fp, d, j, d == LSC_SQL_SQLITE ? "REAL" : "DOUBLE PRECISION");
}

void lsc_sql_put_date_parts(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    put_rules_date_parts(fp, d, j);
}

void lsc_sql_put_day_number(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    put_day_number(fp, d, j);
}

void lsc_sql_put_account_key(FILE *fp, enum lsc_sql_dialect d, size_t j)
{
    put_account_key(fp, d, j);
}
