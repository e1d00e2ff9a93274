/* leadscore/score.h - batch scoring of new leads with a saved model.
 *
 * A single streaming pass: memory does not grow with the input.
 */
#ifndef LEADSCORE_SCORE_H
#define LEADSCORE_SCORE_H

#include <stddef.h>

#include "leadscore/model.h"
#include "leadscore/rules.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_score_options {
    const char *input;      /* CSV path, "-" for stdin */
    const char *output;     /* path or "-" (stdout, the default) */
    char delimiter;         /* input delimiter, 0: detect */
    int force;              /* replace an existing output file */
    struct lsc_strings ids; /* empty: the model's id columns */
    int tiers_set;          /* 1: use tier_hot/tier_warm below */
    double tier_hot, tier_warm;
    int precision;          /* decimals of probability, 0..17 (default 6) */
    size_t reasons;         /* > 0: add the N strongest positive and negative
                               contributions per lead (reasons_positive,
                               reasons_negative) */
    const char *rejects;    /* optional CSV of rejected rows: row,line,error */
    /* manual rule scores (leadscore/rules.h): loaded, configured (account
     * column, priority list, as-of date) by the caller; bound, counted and
     * evaluated here. Sheets with account rules take two passes over the
     * input (stdin is spooled to a temporary file). */
    struct lsc_rules *rules;
    int explain_rules;      /* add rule_reasons */
    /* or an existing manual score from the export, tiered by these */
    const char *rule_score_column;
    double rule_tier_hot, rule_tier_warm; /* default 70, 40 */
};

void lsc_score_options_defaults(struct lsc_score_options *opts);
enum lsc_status lsc_score_options_check(const struct lsc_score_options *opts,
                                        struct lsc_error *err);

struct lsc_score_summary {
    size_t rows;            /* data rows read */
    size_t scored;
    size_t rejected;        /* rows with an empty score and an error */
    size_t unseen_levels;   /* categorical values not seen in training */
    double mean_score;      /* over scored rows */
    size_t hot, warm, cold;
    size_t rule_scored;     /* rows with a rule score */
    size_t rule_qualified;  /* rows at or above the sheet's threshold */
    size_t rule_unevaluable;/* rule conditions that could not be evaluated */
    double mean_rule_score;
};

/* Scores opts->input into opts->output. model may be NULL when opts has
 * rules or a rule score column (rules only). Columns: the id column(s),
 * then for a model probability (6
 * decimals), score = clamp(round(100 p), 1, 100), tier, error. Every input
 * row yields exactly one output row in input order; a row that cannot be
 * scored gets empty probability/score/tier and a reason in `error`, and is
 * counted in summary->rejected (the call still returns LSC_OK). A file
 * output is written to a temporary file and renamed when complete. */
enum lsc_status lsc_score(const struct lsc_model *model, const struct lsc_score_options *opts,
                          const struct lsc_log *log, struct lsc_score_summary *summary,
                          struct lsc_error *err);

/* Score for a probability: clamp(round(100 p), 1, 100). */
int lsc_score_from_probability(double p);

#ifdef __cplusplus
}
#endif
#endif
