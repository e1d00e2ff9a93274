/* compare - the side-by-side validation of manual rule scores against the
 * model on labelled history (public part: leadscore/compare.h; the report's
 * contents and methods: docs/compare.md).
 *
 * Use: lsc_compare_new() with what is being compared, lsc_compare_add() for every
 * labelled row that has every score (lsc_compare_skip() for the others),
 * lsc_compare_finish() to run the analysis, then the public writers.
 * The comparison keeps the rows' scores in memory (ranks need them all):
 * about 40 bytes per row plus 8 per rule of the sheet and the ids.
 */
#ifndef LSC_SRC_COMPARE_H
#define LSC_SRC_COMPARE_H

#include <stddef.h>

#include "leadscore/compare.h"
#include "leadscore/rules.h"
#include "leadscore/status.h"

/* One rule of a sheet, as the sheet states it. */
struct compare_rule {
    char *id;
    char *dimension; /* lowercase */
    double points;   /* per unit for per-unit rules */
    int per_unit;
};

/* What the comparison needs from a rules sheet: its rules in sheet order
 * and its cut-offs, as the loaded sheet has them (lsc_rules_rule,
 * lsc_rules_total): the one sheet parser is the rules engine's. */
struct compare_sheet {
    struct compare_rule *rules;
    size_t n_rules;
    int has_qualified, has_tiers;
    double qualified, hot, warm;
};

/* From a loaded sheet (the rules' points and cut-offs to the cent, the
 * dimension's name). LSC_ERR_NOMEM. Free with lsc_compare_sheet_fini()
 * (also after a failure). */
enum lsc_status lsc_compare_sheet_from_rules(const struct lsc_rules *r, struct compare_sheet *sheet,
                                             struct lsc_error *err);
void lsc_compare_sheet_fini(struct compare_sheet *sheet);

enum compare_rules_kind { COMPARE_RULES_NONE = 0, COMPARE_RULES_SHEET, COMPARE_RULES_COLUMN };

/* What is compared. Every pointer is lent until lsc_compare_finish(). */
struct compare_config {
    const char *label; /* the outcome column's name */
    int has_model;
    double model_tier_hot, model_tier_warm; /* score cut-offs */
    double model_threshold;                 /* model score cut-off (default 50) */
    enum compare_rules_kind rules_kind;
    const char *rules_name;            /* the sheet's path or the score column */
    const struct compare_sheet *sheet; /* SHEET: its rules and cut-offs, or NULL
                                          (then no per-rule validation) */
    size_t n_dims;                     /* SHEET: dimensions, in the rules' order */
    const char *const *dims;
    int rule_tiers;                       /* 1: rows carry a rule tier */
    double rule_tier_hot, rule_tier_warm; /* NaN when unknown */
    size_t n_ids;                         /* id columns copied into the disagreements */
    const char *const *id_names;
    size_t disagreements;     /* how many to list (default 20) */
    double l2;                /* ridge of the per-rule regression (1) */
    double model_holdout_auc; /* from the model file, NaN if none */
    char as_of[16];           /* YYYY-MM-DD the scores were computed as of */
};

void lsc_compare_config_defaults(struct compare_config *cfg);

/* One labelled row with its scores. */
struct compare_row {
    size_t row;         /* 1-based data row of the input */
    size_t line;        /* its line */
    int y;              /* 1 converted, 0 not */
    double probability; /* model */
    int model_score;
    const char *model_tier;          /* "hot", "warm", "cold" */
    double rule_score;               /* rules */
    const double *dim_points;        /* SHEET: [n_dims] */
    const char *rule_tier;           /* "" or NULL when none */
    const struct lsc_rule_hit *hits; /* SHEET: the fired rules */
    size_t n_hits;
    const char *const *ids; /* [n_ids] and their lengths */
    const size_t *id_lens;
};

enum lsc_status lsc_compare_new(struct lsc_compare **out, const struct compare_config *cfg,
                            struct lsc_error *err);
/* Copies the row. LSC_ERR_NOMEM. */
enum lsc_status lsc_compare_add(struct lsc_compare *c, const struct compare_row *row,
                            struct lsc_error *err);
/* a missing label, a missing score, a label neither --positive nor
 * --negative (with --negative) */
enum lsc_compare_skip { COMPARE_SKIP_LABEL, COMPARE_SKIP_SCORE, COMPARE_SKIP_VALUE };
void lsc_compare_skip(struct lsc_compare *c, enum lsc_compare_skip why);
/* Marks the input as the model's own training file (same SHA-256): the
 * model's figures are then in-sample. */
void lsc_compare_set_in_sample(struct lsc_compare *c, int in_sample);
/* Where the run's account counts came from ("model reference (901
 * accounts) + this batch"; NULL: none counted), for "account_counts". */
enum lsc_status lsc_compare_set_account_counts(struct lsc_compare *c, const char *text,
                                               struct lsc_error *err);
/* Runs the analysis. LSC_ERR_DATA when the compared rows hold one class
 * only (or none); LSC_ERR_NUMERIC, LSC_ERR_NOMEM. */
enum lsc_status lsc_compare_finish(struct lsc_compare *c, struct lsc_error *err);

/* The finished analysis (the JSON tree of docs/compare.md, NULL before
 * lsc_compare_finish()) and the compared rows: *n outcomes y, model
 * probabilities p (NULL without a model), rule scores r (NULL without
 * rules). Lent for c's lifetime; for the HTML report (report_html.c). */
struct json_t;
const struct json_t *lsc_compare_data(const struct lsc_compare *c, size_t *n,
                                  const unsigned char **y, const double **p, const double **r);

/* Per compared row i (in the order of lsc_compare_data): its 1-based data
 * row of the input (*rows) and, with a sheet's list of rules, its units of
 * each of the *k rules (units[i * k + j]; non-zero when rule j fired).
 * Lent for c's lifetime. */
const double *lsc_compare_units(const struct lsc_compare *c, const size_t **rows, size_t *k);
/* Attaches obj (owned by c from now on) to the analysis under key, for the
 * JSON and the report; after lsc_compare_finish(). LSC_ERR_NOMEM. */
enum lsc_status lsc_compare_attach(struct lsc_compare *c, const char *key, struct json_t *obj,
                                   struct lsc_error *err);

/* ---- pieces, exposed for the tests ---------------------------------------- */

/* The rules' logistic regression: y on an intercept and the n x k matrix u
 * (row-major), penalty l2 on every coefficient but the intercept. beta and
 * se get k + 1 entries (intercept first). */
struct compare_fit {
    size_t iterations;
    int converged;
};
enum lsc_status lsc_compare_fit_rules(const double *u, const unsigned char *y, size_t n, size_t k,
                                  double l2, double *beta, double *se, struct compare_fit *fit,
                                  struct lsc_error *err);

/* Scorecard scaling: suggested[j] = beta[j] * factor, where factor =
 * PDO / ln 2 is chosen so that the largest |suggested| over the rules with
 * use[j] equals the largest |points| over them. Returns the factor, or NaN
 * (suggested untouched) when no used rule has a non-zero beta or points. */
double lsc_compare_scale_points(const double *beta, const double *points, const int *use, size_t k,
                            double *suggested);

#endif
