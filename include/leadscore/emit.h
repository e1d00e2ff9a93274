/* leadscore/emit.h - a saved model as SQL (scoring inside the database) or
 * as PMML 4.4 (for JVM tools such as KNIME or JPMML).
 *
 * Both reproduce lsc_score()'s arithmetic: the same trimming, missing-value
 * tokens, number syntax, median imputation, missing indicators,
 * standardisation, levels ("(other)", "(missing)", the reference level),
 * p = 1 / (1 + exp(-eta)), score = clamp(round(100 p), 1, 100) and tiers.
 * docs/sql.md lists the dialects and the few differences.
 */
#ifndef LEADSCORE_EMIT_H
#define LEADSCORE_EMIT_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/model.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#ifdef __cplusplus
extern "C" {
#endif

enum lsc_sql_dialect { LSC_SQL_POSTGRES = 0, LSC_SQL_SQLITE = 1, LSC_SQL_DUCKDB = 2 };

/* "postgres" (also "postgresql"), "sqlite" (also "sqlite3") or "duckdb",
 * case ignored. Returns 1 and sets *out, or 0. */
int lsc_sql_dialect_parse(const char *name, enum lsc_sql_dialect *out);

struct lsc_emit_sql_options {
    enum lsc_sql_dialect dialect;
    const char *table;      /* the leads table; "schema.table" is split at
                               the first dot; each part is quoted */
    struct lsc_strings ids; /* passed through; empty: the model's id columns */
    int tiers_set;          /* 1: tier_hot/tier_warm instead of the model's */
    double tier_hot, tier_warm;
    const char *output; /* path or "-" (stdout) */
    FILE *stream;       /* when set, the statement is written to it instead
                           (output and force unused; not closed) */
    int force;          /* replace an existing output file */
    const char *as_of;  /* "YYYY-MM-DD" for "days since" features (written
                           into the statement as a constant); NULL: today
                           (UTC) */
    /* An activity log as a table (one row per event; "schema.table" as for
     * table), grouped by lead in the statement: for a model's activity-log
     * features (docs/events.md; columns NULL: the model's log columns) and
     * for a rules sheet's event rules (all three columns needed then,
     * joined to the leads by the first id column). */
    const char *events_table;
    const char *event_id, *event_type, *event_time;
    /* A CRM account export (leadscore/accounts.h; lent), written into the
     * statement: the reference of the account counts instead of the
     * model's own, and the rules' tiers and engaged contacts. NULL: none. */
    const struct lsc_accounts *accounts;
    /* The missing-value tokens besides the built-in ones (lent): NULL, the
     * model's own; set, these instead (as another run would read the
     * table). */
    const struct lsc_strings *na_values;
};

void lsc_emit_sql_options_defaults(struct lsc_emit_sql_options *o);

/* Writes one SELECT statement (with CTEs) computing, for every row of the
 * table, the id columns, probability, score, tier and error (NULL when the
 * row is scored; the scorer's message when a numeric column holds text).
 * Derived features: "days since COL" from COL's date and o->as_of, "leads
 * per account (COL)" as a window count over the table, activity-log
 * features from o->events_table grouped by lead as of o->as_of
 * (LSC_ERR_USAGE without it). Binned columns
 * (--bins) add their bin's effect, interactions their cell's.
 * model may not be NULL. LSC_ERR_USAGE for an empty table name or a bad
 * as_of, LSC_ERR_IO
 * (the output is written atomically), LSC_ERR_EXISTS, LSC_ERR_NOMEM. */
enum lsc_status lsc_emit_sql(const struct lsc_model *model, const struct lsc_emit_sql_options *o,
                             struct lsc_error *err);

struct lsc_rules;

/* Writes one SELECT computing a rules sheet's scores for every row of the
 * table: the id columns (o->ids only), rule_score, rule_tier,
 * rule_qualified, <dimension>_points, grade, equal to lsc_rules_eval()
 * (docs/sql.md). Load the priority lists and set the account column on the
 * rules first; the as-of date is o->as_of or today. Event rules count
 * o->events_table's rows with a GROUP BY; a sheet with event rules or
 * spans of days must be bound with lsc_rules_bind_names() first.
 * LSC_ERR_USAGE naming the rule when the sheet uses something the SQL
 * cannot reproduce exactly (a declared date format, an event rule without
 * an events table or id column, an unbound span), LSC_ERR_IO,
 * LSC_ERR_EXISTS, LSC_ERR_NOMEM. */
enum lsc_status lsc_emit_rules_sql(const struct lsc_rules *rules,
                                   const struct lsc_emit_sql_options *o, struct lsc_error *err);

/* Writes the model's logistic regression as a PMML 4.4 document
 * (RegressionModel, normalizationMethod="logit"; the encoders as derived
 * fields; a binned column as a Discretize field of its bins' log-odds, an
 * interaction as a MapValues table keyed by both sides' groups). output is
 * a path or "-"; force as above. LSC_ERR_USAGE for a
 * model with derived features (they need the scoring date or the whole
 * batch, which PMML cannot express portably), LSC_ERR_IO,
 * LSC_ERR_EXISTS, LSC_ERR_NOMEM. */
enum lsc_status lsc_emit_pmml(const struct lsc_model *model, const char *output, int force,
                              struct lsc_error *err);

/* ---- points sheet of a binned model (docs/points.md) ---- */

struct lsc_points_options {
    const char *output;     /* path or "-" (stdout) */
    int force;              /* replace an existing output file */
    double pdo;             /* points that double the odds; default 20 */
    double qualify;         /* the probability a lead qualifies at; default
                               0.5 (the model's default cut-off) */
};

void lsc_points_options_defaults(struct lsc_points_options *o);

/* What the sheet means: total points S map to the predicted conversion
 * 1 / (1 + exp(-(intercept + S / factor))); the thresholds in points. */
struct lsc_points_summary {
    double factor;           /* pdo / ln 2: points per unit of log-odds */
    double intercept;        /* log-odds of a lead with 0 points */
    long qualified, hot, warm;
    size_t rules;            /* rules written */
};

/* The predicted conversion at total points s under a summary. */
double lsc_points_probability(const struct lsc_points_summary *sum, double s);

/* Writes a binned model (leadscore-train --bins, with or without
 * --interactions) as a rules sheet in docs/rules.md's format: a threshold
 * rule per bin step ("Total Visits >= 5: +12"), a rule per level, "is
 * missing" rules, and per interaction cell a rule with an and-condition;
 * points are round(pdo / ln 2 x log-odds), bins and cells rounded as a
 * whole so each lead's points differ from the model's by less than half a
 * point per column and cell. Settings: negative totals allowed, the
 * qualification threshold at o->qualify, and hot/warm at the model's tier
 * cut-offs. LSC_ERR_USAGE when the model has a linear term or a derived
 * feature (no points form), or a level a sheet cannot name; LSC_ERR_IO,
 * LSC_ERR_EXISTS, LSC_ERR_NOMEM. */
enum lsc_status lsc_emit_points(const struct lsc_model *model, const struct lsc_points_options *o,
                                struct lsc_points_summary *sum, struct lsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
