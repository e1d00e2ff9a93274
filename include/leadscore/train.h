/* leadscore/train.h - from a CSV export of historical leads to a model.
 *
 * lsc_train() reads the file, infers column types, encodes, splits off a
 * stratified holdout, fits an L2-regularised logistic regression by
 * Newton/IRLS, validates on the holdout and (by default) refits on all rows.
 */
#ifndef LEADSCORE_TRAIN_H
#define LEADSCORE_TRAIN_H

#include <stddef.h>

#include "leadscore/model.h"
#include "leadscore/parse.h"
#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* lsc_train_options.account_reference */
enum lsc_account_reference {
    LSC_ACCOUNT_REF_DEFAULT = 0, /* the path's own: IDS on a file, COUNTS inside PostgreSQL */
    LSC_ACCOUNT_REF_IDS = 1,
    LSC_ACCOUNT_REF_COUNTS = 2,
    LSC_ACCOUNT_REF_NONE = 3
};

/* A list of strings lent by the caller for the duration of the call. */
struct lsc_strings {
    const char *const *items;
    size_t count;
};

struct lsc_train_options {
    const char *input;            /* CSV path, "-" for stdin */
    char delimiter;               /* 0: detect */
    size_t max_field_size;        /* longest field in bytes (a line: 4 times as much);
                                     0: 16 MiB. Beyond: a data error naming the line */
    enum lsc_encoding encoding;   /* of the input (--encoding); default UTF-8 */
    const char *date_format;      /* --date-format: dates of --days-since,
                                     --split-date, --cutoff and the activity
                                     logs (unless event_date_format), e.g.
                                     "%d/%m/%Y"; ISO 8601 is always read too.
                                     NULL: ISO only. Stored in the model,
                                     so scoring reads the same dates */
    int decimal_comma;            /* --decimal-comma: numbers read "16,2"
                                     (util.h: lsc_parse_number_dc); stored in
                                     the model's options (for --like) */
    const char *target;           /* required */
    struct lsc_strings ids;       /* copied to scoring output; never features */
    struct lsc_strings exclude;
    struct lsc_strings include;   /* empty: every other column */
    struct lsc_strings numeric;   /* force numeric */
    struct lsc_strings categorical; /* force categorical */
    struct lsc_strings na_values; /* extra missing-value tokens, e.g. Select */
    struct lsc_strings positive;  /* target values counted as converted
                                     (exactly, else ignoring ASCII case) */
    struct lsc_strings negative;  /* target values counted as not converted
                                     (needs positive); when given, rows
                                     whose target is neither are skipped */
    size_t min_level_count;       /* default 10 */
    double l2;                    /* lambda, default 1.0 */
    double holdout;               /* fraction in [0, 1), default 0.2 */
    unsigned long seed;           /* default 42 */
    int split_by_id;              /* --split-by-id: the holdout chosen by a hash
                                     of the first id column, reproducible in
                                     SQL (split.h); always so with postgres */
    int refit;                    /* default 1 */
    size_t max_iter;              /* Newton iterations, default 100 */
    double tol;                   /* default 1e-10, see lsc_train() */
    double tier_hot, tier_warm;   /* score cut-offs, default 70 and 40 */
    const char *export_design;    /* optional CSV of the final design */
    const char *predictions;      /* optional CSV of row,probability */
    int force;                    /* overwrite export files */
    const char *report;           /* optional HTML report (docs/reports.md) */
    const char *model_output;     /* optional: lsc_train saves the model here
                                     ("-": stdout), committed together with
                                     the files above; NULL: the caller saves
                                     it (the files above are then committed
                                     when lsc_train returns) */
    /* row weights and prior correction (docs: README, models/README.md) */
    const char *weight;           /* --weight COL: row weights; never a feature */
    int class_weight_balanced;    /* --class-weight balanced: n / (2 n_class) */
    double population_rate;       /* --population-rate P in (0, 1); 0: none */
    /* validation by date: rows dated before cutoff train, the rest validate
     * (replaces the random holdout; holdout is then ignored) */
    const char *split_date;       /* --split-date COL; never a feature */
    const char *cutoff;           /* --cutoff YYYY-MM-DD */
    lsc_progress_fn progress;     /* optional, while the input is read
                                     (leadscore/status.h); default NULL */
    void *progress_userdata;
    /* Retraining (docs/retraining.md): the model this run would replace.
     * Its scores on this run's holdout rows are compared with the new
     * model's (paired DeLong test, score shift) and stored in the new model
     * under "baseline". NULL: no comparison. Lent for the call. */
    const struct lsc_model *baseline;
    const char *baseline_file;    /* its path, for the record */
    /* Derived features (docs/retraining.md): "days since COL" for each
     * column here, measured from as_of (YYYY-MM-DD; NULL: today, UTC), and
     * "leads per account (COL)" for account_column (NULL: none). */
    struct lsc_strings days_since;
    const char *account_column;
    const char *as_of;
    /* What the model keeps of the training file's accounts, for the scorer
     * to count a batch's leads against (--account-reference;
     * models/README.md, "accounts"): the leads per account and the ids
     * (the first id column) of those leads (LSC_ACCOUNT_REF_IDS; without
     * an id column the counts only), the counts only
     * (LSC_ACCOUNT_REF_COUNTS), or nothing (LSC_ACCOUNT_REF_NONE: the
     * scorer counts each batch on its own). LSC_ACCOUNT_REF_DEFAULT (0)
     * is IDS on a file and COUNTS inside PostgreSQL, where the ids are
     * row data that stays in the database. */
    int account_reference;
    /* penalty type and tuning: l2 above is lambda, the penalty strength, of
     * lambda * (l1_ratio |b|_1 + (1 - l1_ratio)/2 |b|^2) */
    double l1_ratio;              /* default 0: pure L2 (Newton); > 0: elastic
                                     net by coordinate descent; 1: lasso */
    size_t cv_folds;              /* 0 (default): lambda as given; K >= 2:
                                     chosen by stratified K-fold CV */
    int cv_metric;                /* 0: mean log-loss (default), 1: AUC */
    int cv_one_se;                /* the one-standard-error rule */
    /* binned (additive) model, docs/points.md: numeric columns cut into
     * about `bins` quantile bins (0: linear terms, the default), none with
     * fewer than min_bin_share of the rows (0: half a quantile bin); the
     * penalty then ties neighbouring bins together */
    size_t bins;
    double min_bin_share;
    /* pairwise interactions chosen from the data (needs bins): at most
     * this many 2-D tables of points (0: none) */
    size_t interactions;
    /* the model as a points sheet (docs/points.md; needs bins), written
     * with the model: points_pdo points double the odds (0: 20) */
    const char *points_output;
    double points_pdo;
    /* columns kept as features even when they look like an id (a record
     * number, or a categorical with mostly distinct values: id_like) */
    struct lsc_strings keep_features;
    /* activity logs (docs/events.md): features per lead and activity type
     * from logs joined to the input by the lead id column (ids.items[0],
     * else a column with a usual name such as "Prospect ID") */
    struct lsc_strings events;      /* --events FILE (repeatable; CSV or gzip) */
    const char *event_id, *event_type, *event_time; /* the logs' columns;
                                       NULL: a usual name (Lead Id, Activity
                                       Type, Timestamp, ...) */
    struct lsc_strings event_types; /* the types made features; empty: every
                                       type some event_min_leads leads have */
    size_t event_min_leads;         /* default 10 */
    const long *event_windows;      /* "in the last N days" counts; NULL: 7,
                                       30, 90 (n_event_windows then unused) */
    size_t n_event_windows;         /* at most 8 */
    double event_half_life;         /* days, of the weighted count (default 30) */
    const char *event_date_format;  /* of the logs' times; NULL: YYYY-MM-DD */
    const char *outcome_date;       /* --outcome-date COL: each lead's reference
                                       day (events after it are not counted);
                                       missing or without the option: as_of */
    const char *events_table;       /* --events-table NAME: with postgres, the
                                       activity log as a table of the same
                                       database (instead of events) */
    /* training inside PostgreSQL (docs/warehouse.md): with postgres (a
     * libpq connection string), the rows are those of the table (NAME or
     * SCHEMA.NAME) and input is not read */
    const char *postgres;
    const char *table;
};

void lsc_train_options_defaults(struct lsc_train_options *opts);

/* Validates values that need no data (ranges, required fields). */
enum lsc_status lsc_train_options_check(const struct lsc_train_options *opts,
                                        struct lsc_error *err);

/* What happened, for the human summary. Plain data owned by the caller after
 * lsc_train(); it owns no memory, so there is nothing to free. */
struct lsc_train_summary {
    size_t rows_read, rows_used, rows_skipped_target, positives;
    size_t rows_skipped_value;    /* target neither positive nor negative */
    size_t columns_used, columns_dropped, features;
    size_t train_rows, holdout_rows;
    size_t iterations;
    int converged;
    size_t final_iterations;      /* of the refit (when done) */
    int final_converged;
    int refit;
    double gradient_norm;         /* scaled gradient norm at the end */
    /* holdout (present when holdout_rows > 0) */
    double auc, log_loss, brier, base_rate;
    double precision_at_50, recall_at_50, accuracy_at_50;
    /* weights (weighted = 1 when --weight or --class-weight was given) */
    int weighted;
    double weight_total;          /* of the saved fit's rows */
    double sample_rate;           /* unweighted positive rate of those rows */
    double fitted_rate;           /* weighted positive rate the model fits */
    double population_rate;       /* NaN when not given */
    double intercept_correction;  /* logit(P) - logit(fitted_rate), or 0 */
    /* split by date (split_date = 1): holdout_rows are the validation rows */
    int split_date;
    size_t date_missing_rows;     /* in neither side */
    double class_weight[2];       /* factors for not converted / converted (1 unless balanced) */
    /* the points sheet (points_output): total points S predict conversion
     * 1 / (1 + exp(-(points_intercept + S / points_factor))) */
    size_t points_rules;
    double points_factor, points_intercept;
    long points_qualified, points_hot, points_warm;
    /* the date derived features are measured from (--as-of, or today,
     * UTC), "" when no feature uses it (no --days-since, no activity log) */
    char as_of[16];
    /* set on failure when a --weight or --split-date value was refused
     * (the CLI exits 3) */
    int input_rejected;
    /* training inside PostgreSQL: the Newton iterations' queries, those
     * of --cv (its fits side by side and its metrics), and the bytes of
     * all results, in all and after the encoding pass */
    int postgres;
    size_t pg_queries, pg_cv_queries;
    unsigned long long pg_bytes, pg_bytes_fit;
};

/* Trains a model. Convergence: Newton stops when the largest absolute
 * component of the gradient of the penalised objective, divided by the
 * number of rows, is at most tol (so the criterion does not depend on n).
 * Notes (dropped columns, skipped rows) and warnings (non-convergence) go
 * through log. On success *model and *summary are the caller's. */
enum lsc_status lsc_train(const struct lsc_train_options *opts, const struct lsc_log *log,
                          struct lsc_model **model, struct lsc_train_summary *summary,
                          struct lsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
