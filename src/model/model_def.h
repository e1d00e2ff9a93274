/* model - the in-memory form of a fitted leadscore model (private layout).
 *
 * Feature layout: feature 0 is the intercept; then, column by column in
 * schema order, a numeric column's value feature (and its missing indicator),
 * or a categorical column's non-reference levels. Feature names are
 * "Column" for numeric values, "Column=(missing)" for missing indicators and
 * "Column=Level" for levels.
 */
#ifndef LSC_SRC_MODEL_H
#define LSC_SRC_MODEL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "account.h"
#include "curves.h"
#include "dict.h"
#include "status_internal.h"
#include "leadscore/model.h"

#define LSC_MODEL_FORMAT "leadscore-model"
#define LSC_MODEL_FORMAT_VERSION 1
#define LSC_NO_FEATURE SIZE_MAX

#define LSC_LEVEL_OTHER "(other)"
#define LSC_LEVEL_MISSING "(missing)"

/* LSC_COL_BINNED: a numeric column cut into bins (--bins). Its features are
 * steps: feature bin_feature[k] is 1 when x >= cuts[k], so the effect of bin
 * b (values in [cuts[b-1], cuts[b])) is the sum of the first b steps, and
 * the ridge penalty on the steps is a fused penalty on neighbouring bins. */
enum lsc_col_type { LSC_COL_NUMERIC = 0, LSC_COL_CATEGORICAL = 1, LSC_COL_BINNED = 2 };

/* What an activity-log feature measures (docs/events.md). */
enum lsc_event_stat {
    LSC_EV_COUNT = 0,   /* events of the type */
    LSC_EV_WINDOW,      /* of them with ref - day < window */
    LSC_EV_SINCE_FIRST, /* ref - the first one's day (missing without one) */
    LSC_EV_SINCE_LAST,  /* ref - the last one's day (missing without one) */
    LSC_EV_WEIGHTED,    /* sum of 0.5^((ref - day) / half-life) */
    LSC_EV_FROM_FIRST,  /* the first one's day - the lead's first event's day */
    LSC_EV_N_STATS
};

struct lsc_column_enc {
    char *name;
    enum lsc_col_type type;
    /* numeric: x -> ((isnan(x) ? median : x) - mean) / sd */
    double median, mean, sd;
    size_t feature;         /* numeric value feature */
    size_t missing_feature; /* indicator feature, LSC_NO_FEATURE if none */
    /* categorical: levels[k] with feature level_feature[k]
     * (LSC_NO_FEATURE for the reference level). The pooled level is named
     * "(other)" and the missing level "(missing)". */
    size_t n_levels;
    char **levels;
    size_t *level_feature;
    size_t reference;       /* index into levels */
    size_t other;           /* index of "(other)", SIZE_MAX if none */
    size_t missing;         /* index of "(missing)", SIZE_MAX if none */
    size_t training_count_total;
    size_t *level_count;    /* training rows per level */
    struct dict *lookup;    /* level name -> level index; built on load/train */
    /* numeric columns computed from another column (src/derive.h):
     * derived is an enum derive_kind (0: a column of the file), source the
     * column it is computed from */
    int derived;
    char *source;
    /* an activity-log feature (derived == DERIVE_EVENT, src/data/event_features.h;
     * source is then the lead id column): its activity type, statistic (enum
     * lsc_event_stat) and window in days (LSC_EV_WINDOW) */
    char *event_type;
    int event_stat;
    long event_window;
    /* binned: n_cuts ascending cuts, a step feature per cut, rows per bin
     * (n_cuts + 1 bins) in training; missing values have missing_feature
     * (LSC_NO_FEATURE: they fall in the median's bin) and missing_count */
    size_t n_cuts;
    double *cuts;
    size_t *bin_feature;
    size_t *bin_count;
    size_t missing_count;
};


/* Numeric value semantics (numeric or binned). */
static inline int lsc_col_is_numeric(const struct lsc_column_enc *c)
{
    return c->type != LSC_COL_CATEGORICAL;
}

struct lsc_holdout_metrics {
    int present;
    size_t rows, positives;
    double auc, log_loss, brier, base_rate;
    double precision_at_50, recall_at_50, accuracy_at_50;
    /* the validation tables (models/README.md "holdout"): absent (0) in
     * files written before them */
    int tables_present;
    double ks, ks_threshold;
    struct curves_hl hl;
    struct curves_decile deciles[CURVES_DECILES]; /* decile 1: highest scores */
};

/* Inference for each coefficient (see src/stats.h for its meaning under a
 * penalty). */
struct lsc_coef_stat {
    double std_error, z, p_value, ci_low, ci_high;
};

struct lsc_fit_stat {
    int present;
    double log_likelihood, null_log_likelihood, deviance, null_deviance;
    double mcfadden_r2, aic, bic, lr_statistic, lr_df, lr_p_value;
    int penalised;
};

/* Row/class weights and the prior correction of the saved fit. present = 0
 * when none was used (the model file then has no "weighting" member). */
struct lsc_weighting {
    int present;
    char *column;               /* --weight column, NULL for none */
    int balanced;               /* --class-weight balanced */
    double class_weight[2];     /* factors for not converted / converted */
    double weight_total;        /* sum of the saved fit's effective weights */
    double sample_rate;         /* unweighted positive rate of its rows */
    double fitted_rate;         /* weighted positive rate r it was fitted to */
    double population_rate;     /* P of --population-rate; NaN when not given */
    double intercept_correction; /* logit(P) - logit(r), already in coef[0]; 0 without P */
};

/* Validation by date (--split-date, --cutoff); present = 0 otherwise. */
struct lsc_date_split {
    int present;
    char *column;
    char *cutoff;               /* YYYY-MM-DD */
    size_t train_rows, validation_rows, missing_rows;
};

struct lsc_warning {
    char *code;    /* e.g. "leakage" (see src/diagnostics.h) */
    char *message;
};

/* A pairwise interaction (--interactions): a 2-D table over coarse groups
 * of two binned or categorical columns. Side s maps each level of its
 * column (binned: bins 0..n_cuts, then missing; categorical: levels) to a
 * group; group 0 is the reference. On a binned side groups
 * 0..n_ordered[s]-1 are ordered ranges of bins and the missing group (if
 * any) follows; a categorical side has n_ordered 0. Feature
 * feature[(k-1)*(n_groups[1]-1)+(l-1)] is the product of the sides'
 * conditions k and l: on an ordered side "group >= k", else "group == k",
 * so neighbouring cells share steps as binned columns do. */
#define LSC_PAIR_MAX_GROUPS 16
#define LSC_PAIR_MAX_CONDS (LSC_PAIR_MAX_GROUPS + 1)

struct lsc_pair {
    size_t col[2];
    size_t n_levels[2];
    size_t *group[2];
    size_t n_groups[2];
    size_t n_ordered[2];
    size_t *feature;
};

struct lsc_drift_ref;
struct lsc_baseline_stat;

/* How the activity-log features were made (models/README.md "events"),
 * so the scorer and the SQL make them the same way. */
#define LSC_MODEL_EVENT_WINDOWS 8
struct lsc_model_events {
    size_t n_types;
    char **types;          /* the activity types made features */
    size_t n_windows;
    long windows[LSC_MODEL_EVENT_WINDOWS]; /* days */
    double half_life;      /* days */
    char *lead_id;         /* the lead file's id column */
    char *id_column, *type_column, *time_column; /* the log's, as found in training */
    char *date_format;     /* of the log's times */
    char *outcome_date;    /* training's reference column; NULL: the as-of date */
    char *as_of;           /* training's as-of date, YYYY-MM-DD */
    size_t min_leads;      /* the threshold types were chosen by (0: listed) */
};

struct lsc_model {
    char *created;        /* ISO 8601 UTC */
    char *tool_version;
    /* training data */
    char *training_file;
    char *training_sha256;
    size_t rows_read, rows_used, rows_skipped, positives;
    /* every option, as given (a JSON object, owned) */
    json_t *options;
    /* roles */
    char *target;
    size_t n_positive_values;
    char **positive_values; /* empty: the built-in 1/true/yes/y set */
    size_t n_ids;
    char **ids;
    size_t n_na_values;
    char **na_values;       /* missing-value tokens beyond the built-in ones */
    /* schema and encoders */
    size_t n_columns;
    struct lsc_column_enc *columns;
    /* coefficients */
    size_t n_features;      /* including the intercept */
    char **feature_names;
    double *coef;
    /* fit */
    double l2;
    size_t iterations;
    int converged;
    double objective;
    int refit;              /* 1: coefficients refit on all rows */
    struct lsc_holdout_metrics holdout;
    /* inference on the saved fit: coef_stats is NULL when not computed */
    struct lsc_coef_stat *coef_stats;
    struct lsc_fit_stat fit_stats;
    /* diagnostics */
    size_t n_warnings;
    struct lsc_warning *warnings;
    /* score mapping */
    double tier_hot, tier_warm; /* score >= hot: hot; >= warm: warm; else cold */
    /* weights and prior correction; validation by date (model_weighting.h) */
    struct lsc_weighting weighting;
    struct lsc_date_split date_split;
    /* drift reference (src/drift.h); NULL in files without one */
    struct lsc_drift_ref *drift;
    /* comparison with the model this one retrains (src/baseline.h) */
    struct lsc_baseline_stat *baseline;
    /* penalty (l2 above is lambda, its strength) and its tuning */
    double l1_ratio;        /* 0: L2 (ridge); 1: L1 (lasso); between: elastic net */
    struct lsc_cv *cv;      /* NULL: lambda given, not cross-validated */
    /* the training file's accounts (account.h; "accounts" in the file):
     * NULL when the model keeps none */
    struct lsc_accounts *accounts;
    /* pairwise interactions (--interactions); their features follow the
     * columns' */
    size_t n_pairs;
    struct lsc_pair *pairs;
    /* activity-log features (docs/events.md); NULL in models without */
    struct lsc_model_events *events;
};

/* A cross-validated choice of lambda (src/cv.h), largest lambda first. */
struct lsc_cv {
    size_t folds;
    int metric;             /* 0 log-loss, 1 AUC */
    int one_se;             /* the one-standard-error rule */
    unsigned long seed;
    size_t n;
    double *lambda, *mean, *se;
    size_t *nonzero;
    size_t best, chosen;
};

/* model_penalty.c: the fit.l1_ratio, fit.dropped and fit.cv members. */
void lsc_model_cv_free(struct lsc_cv *cv);
/* Adds them to the fit object; non-zero when out of memory. */
int lsc_model_penalty_to_json(const struct lsc_model *m, json_t *fit);
/* Reads them from the fit object (all optional: models written before they
 * existed load as L2 fits without cross-validation). */
enum lsc_status lsc_model_penalty_from_json(const json_t *fit, struct lsc_model *m, const char *file,
                                        struct lsc_error *err);
/* l1_ratio in [0, 1]; the cross-validation path well formed, its chosen
 * lambda equal to fit.l2. */
enum lsc_status lsc_model_penalty_validate(const struct lsc_model *m, const char *file,
                                       struct lsc_error *err);

/* Allocates an empty model (all pointers NULL). */
struct lsc_model *lsc_model_new(void);

/* Builds each categorical column's lookup dict. */
enum lsc_status lsc_model_build_lookups(struct lsc_model *m, struct lsc_error *err);

/* Checks internal consistency (feature indices in range and unique, names,
 * finite coefficients, tier order). LSC_ERR_MODEL with a message. */
enum lsc_status lsc_model_validate(const struct lsc_model *m, const char *file, struct lsc_error *err);

/* The bin of x among n ascending cuts: 0 below cuts[0], n at or above
 * cuts[n-1]. */
size_t lsc_bin_of(const double *cuts, size_t n, double x);

/* Log-odds of bin b of a binned column (the sum of its first b steps). */
double lsc_bin_effect(const struct lsc_model *m, const struct lsc_column_enc *c, size_t b);

/* The first binned column, SIZE_MAX when none. */
size_t lsc_model_first_binned(const struct lsc_model *m);

/* The level of a binned column's value (NaN: missing): its bin, or n_cuts
 * + 1 for a missing value when the column has a missing bin (else the
 * median's bin). */
size_t lsc_binned_level(const struct lsc_column_enc *c, double x);

/* The number of levels of a column as interactions see them. */
size_t lsc_column_n_levels(const struct lsc_column_enc *c);

/* Log-odds of cell (group a, group b) of pair pr. */
double lsc_pair_effect(const struct lsc_model *m, const struct lsc_pair *pr, size_t ga, size_t gb);

/* Is condition k of side s a step (group >= k) rather than group == k? */
static inline int lsc_pair_step(const struct lsc_pair *pr, int s, size_t k)
{
    return k < pr->n_ordered[s];
}

/* The first level of group k of side s (binned: the group's lowest bin,
 * or n_cuts + 1 for missing; categorical: its level); SIZE_MAX if none. */
size_t lsc_pair_first_level(const struct lsc_pair *pr, int s, size_t k);

/* "<1", "1-3" (from 1 up to 3), ">=8" or "missing": level v of binned
 * column c as people read it. */
void lsc_bin_label(const struct lsc_column_enc *c, size_t v, char *buf, size_t size);

void lsc_pairs_free(struct lsc_model *m);

#endif
