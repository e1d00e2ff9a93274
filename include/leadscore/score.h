/* leadscore/score.h - batch scoring of new leads with a saved model.
 *
 * A single streaming pass: memory does not grow with the input.
 */
#ifndef LEADSCORE_SCORE_H
#define LEADSCORE_SCORE_H

#include <stddef.h>

#include "leadscore/accounts.h"
#include "leadscore/compare.h"
#include "leadscore/model.h"
#include "leadscore/rules.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Output formats of lsc_score (opts->format). */
enum lsc_output_format {
    LSC_FORMAT_CSV = 0, /* a header row, then one CSV record per lead */
    LSC_FORMAT_JSONL    /* one JSON object per lead and line (JSON Lines):
                           the same columns as keys; ids as strings, numbers
                           as numbers, empty values null */
};

struct lsc_score_options {
    const char *input;      /* CSV path, "-" for stdin */
    const char *output;     /* path or "-" (stdout, the default) */
    char delimiter;         /* input delimiter, 0: detect */
    size_t max_field_size;        /* longest field in bytes (a line: 4 times as much);
                                     0: 16 MiB. Beyond: a data error naming the line */
    enum lsc_encoding encoding;   /* of the input (--encoding); default UTF-8:
                                     a row with a value the scorer compares as
                                     text (a categorical column, a rule's, the
                                     label) that is not UTF-8 is then rejected
                                     with the reason, as training refuses it */
    const char *date_format; /* --date-format: dates of the model's "days
                               since" features (NULL: the model's own, else
                               ISO 8601; ISO is always read too); the rules
                               take it from their load options */
    int decimal_comma;      /* --decimal-comma: the input's numbers read "16,2"
                               (the model's columns, the rule score column;
                               the rules take it from their load options).
                               Without it such a value is a reject whose
                               reason suggests the option */
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
     * input (an input that is not a regular file - stdin, a FIFO,
     * /dev/stdin - is spooled to a temporary file). */
    struct lsc_rules *rules;
    int explain_rules;      /* add rule_reasons */
    /* or an existing manual score from the export, tiered by these; a
     * value that is not a number, or beyond +-1e9, is no score (counted in
     * summary->rule_unevaluable) */
    const char *rule_score_column;
    double rule_tier_hot, rule_tier_warm; /* default 70, 40 */
    /* Validation against the outcome on labelled history
     * (leadscore/compare.h, docs/compare.md): with a label column, the
     * scores are compared with it and summary->compare holds the result. */
    const char *label;               /* outcome column; NULL: no comparison */
    struct lsc_strings label_positive; /* values meaning converted (empty:
                                        1/0, true/false, yes/no, y/n);
                                        exactly, else ignoring ASCII case */
    struct lsc_strings label_negative; /* values meaning not converted (needs
                                        label_positive); rows whose label is
                                        neither are skipped and counted */
    const char *rules_sheet;         /* the path rules was loaded from: re-read
                                        for its list of rules (per-rule
                                        validation); NULL or "-": skipped */
    const char *compare_json;        /* optional JSON file ("-": stdout) */
    const char *compare_report;      /* optional report file: HTML when it ends in .html/.htm, else text */
    size_t disagreements;            /* leads listed (default 20) */
    /* The sheet with the comparison's suggested points applied (needs a
     * label, rules_sheet and an input that is a regular file: the compared
     * rows are scored again with the new points): rules without a
     * significant effect dropped, the qualification threshold passing as
     * many leads as the sheet's (or, with suggested_same_precision, the
     * lowest threshold as precise as the sheet's), hot and warm keeping each
     * tier's size. Written with the run's other files; the result is in the
     * comparison under "suggested_sheet" (docs/compare.md). */
    const char *suggested_sheet;
    int suggested_same_precision;
    double model_threshold;          /* model score cut-off for the like-for-like
                                        comparison (default 50) */
    lsc_progress_fn progress;        /* optional, per pass over the input
                                        (leadscore/status.h); default NULL */
    void *progress_userdata;
    enum lsc_output_format format;   /* of the scores (default CSV); rejects
                                        and comparisons keep theirs */
    /* Drift (docs/retraining.md): with a model that stores a reference
     * distribution, the population stability index of the batch's scores
     * and of each feature is logged (a warning above 0.25). Optional JSON
     * report of every bin ("-": stdout, needs -o FILE). */
    const char *drift_json;
    /* The date "days since" features are measured from (--as-of): scoring
     * measures recency from the scoring day. 0/0/0: today (UTC). */
    int as_of_year, as_of_month, as_of_day;
    /* Activity logs (docs/events.md), for a model with activity-log
     * features: read once before the pass (CSV or gzip), each lead's events
     * counted up to the as-of date, joined by the model's lead id column.
     * The log's columns are the model's (as found in training) unless given
     * here. A model with such features and no log is LSC_ERR_USAGE. */
    struct lsc_strings events;
    const char *event_id, *event_type, *event_time;
    /* A CRM account export (--accounts FILE, leadscore/accounts.h; lent):
     * the reference of the model's "leads per account" and of the rules'
     * account counts instead of the model's own (its contacts plus the
     * batch's leads), and the tiers and engaged contacts of the rules'
     * account rules. NULL: the model's reference, else the batch alone. */
    const struct lsc_accounts *accounts;
};

void lsc_score_options_defaults(struct lsc_score_options *opts);
enum lsc_status lsc_score_options_check(const struct lsc_score_options *opts,
                                        struct lsc_error *err);

/* Reads the activity log at path for the sheet's event rules
 * (lsc_rules_add_events with the options eo). With a model that has
 * activity-log features too, the sheet's collection also counts what the
 * model's features read, so that lsc_score (with opts->rules = rules) uses
 * it and reads no log again: each log is read once. */
enum lsc_status lsc_score_add_rule_events(const struct lsc_model *model, struct lsc_rules *rules,
                                          const struct lsc_score_options *opts, const char *path,
                                          const struct lsc_rules_events_options *eo,
                                          struct lsc_error *err);

/* A model with activity-log features and a sheet with event rules (rules,
 * may be NULL) whose windows do not fit one reading (more than 8 "last N
 * days" windows together) each read every log of opts->events:
 * LSC_ERR_USAGE when one cannot be read twice (stdin, a pipe). Call before
 * reading the logs; lsc_score checks it too. */
enum lsc_status lsc_score_events_check(const struct lsc_model *model, const struct lsc_rules *rules,
                                       const struct lsc_score_options *opts, struct lsc_error *err);

struct lsc_score_summary {
    size_t rows;            /* data rows read */
    size_t scored;
    size_t rejected;        /* rows with an empty score and an error */
    size_t rejected_not_utf8; /* of those, rows whose text the scorer compares
                               is not UTF-8 (no model nor rule score) */
    size_t unseen_levels;   /* categorical values not seen in training */
    double mean_score;      /* over scored rows */
    size_t hot, warm, cold;
    size_t rule_scored;     /* rows with a rule score */
    size_t rule_qualified;  /* rows at or above the sheet's threshold */
    size_t rule_unevaluable;/* rule conditions that could not be evaluated */
    char rule_unevaluable_example[512]; /* the first of them: rule, column, line,
                                           value and what was expected ("" if none) */
    size_t rule_errors;     /* leads without a rule score: points beyond +-1e9
                               (the reason in the error column; exit status 3) */
    double mean_rule_score;
    /* With opts->label: the comparison (the caller's; lsc_compare_free() or
     * lsc_score_summary_fini()). NULL otherwise. */
    struct lsc_compare *compare;
    /* drift: present when the model has a reference and rows were scored */
    int drift;
    double drift_score_psi;
    double drift_max_feature_psi;   /* NaN without features */
    const char *drift_max_feature;  /* lent by the model */
    /* Where the account counts (the model's "leads per account", the
     * rules' "account has at least") came from, e.g. "model reference (901
     * accounts) + this batch", "--accounts crm.csv (250 accounts) + this
     * batch", "this batch only"; with " for the model; ... for the rules"
     * when they differ. Empty when nothing counted accounts. */
    char account_counts[512];
    /* the date recency was measured from (--as-of, or today, UTC), and 1
     * when something used it: the model's "days since" or activity-log
     * features, or the sheet's date rules or decay */
    char as_of[16];
    int as_of_used;
};

/* Frees what the summary owns (accepts a zeroed summary). */
void lsc_score_summary_fini(struct lsc_score_summary *summary);

/* Scores opts->input into opts->output. model may be NULL when opts has
 * rules or a rule score column (rules only). Columns: the id column(s),
 * then for a model probability (6
 * decimals), score = clamp(round(100 p), 1, 100), tier, error. Every input
 * row yields exactly one output row in input order; a row that cannot be
 * scored gets empty probability/score/tier and a reason in `error`, and is
 * counted in summary->rejected (the call still returns LSC_OK); so is a row
 * whose linear predictor is not finite (the reason names file:line:column),
 * so no NaN or infinity reaches an output, the comparison or the drift. A
 * column the scorer reads that appears twice in the header is LSC_ERR_DATA
 * naming both positions.
 * With opts->label, every row with a label and every score (the model's,
 * the rules') is compared (docs/compare.md); rows with a missing label or a
 * missing score are counted and left out. An unrecognised label value, or a
 * single class among the compared rows, is LSC_ERR_DATA; a label column
 * missing from the input LSC_ERR_USAGE. The file outputs (scores, rejects,
 * comparison JSON and report, drift JSON) are written to temporary files
 * and renamed together, only on success; none is left after a failure. */
enum lsc_status lsc_score(const struct lsc_model *model, const struct lsc_score_options *opts,
                          const struct lsc_log *log, struct lsc_score_summary *summary,
                          struct lsc_error *err);

/* Score for a probability: clamp(round(100 p), 1, 100). */
int lsc_score_from_probability(double p);

#ifdef __cplusplus
}
#endif
#endif
