/* leadscore-train: CSV export of historical leads -> model file. */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common.h"
#include "leadscore.h"
#include "progress.h"
#include "signals.h"

/* -o when not given: models/model.json */
#define LSC_DEFAULT_MODEL_DIR "models"

/* --interactions when --bins is given without it */
#define LSC_DEFAULT_INTERACTIONS 10

#ifndef LEADSCORE_VERSION
#define LEADSCORE_VERSION "0.0.0"
#endif

static const char usage_text[] =
    "Usage: leadscore-train --target COLUMN [OPTIONS] INPUT.csv\n"
    "       leadscore-train --target COLUMN --postgres CONNINFO --table NAME [OPTIONS]\n"
    "\n"
    "Fits a penalised logistic regression (L2 by default; L1 or elastic net with\n"
    "--l1-ratio) of converted vs not converted on a CSV export of historical\n"
    "leads (\"-\" reads stdin) and writes a model.\n"
    "\n"
    "Columns:\n"
    "  -t, --target COL          outcome column (required); 1/0, true/false, yes/no,\n"
    "                            y/n are recognised, otherwise use --positive\n"
    "      --positive VALUE      a target value meaning converted (repeatable;\n"
    "                            exactly, else ignoring case); every other value\n"
    "                            means not converted, unless --negative is given\n"
    "      --negative VALUE      a target value meaning not converted (repeatable;\n"
    "                            with --positive): rows whose target is neither\n"
    "                            (e.g. Open) are skipped and counted by value\n"
    "      --id COL              id column: copied to scoring output, never a feature\n"
    "                            (repeatable)\n"
    "  -x, --exclude COL         not a feature (repeatable)\n"
    "      --include COL         use only these columns as features (repeatable)\n"
    "      --numeric COL         force numeric (repeatable)\n"
    "      --categorical COL     force categorical (repeatable)\n"
    "      --keep-feature COL    a feature even if it looks like an id (whole\n"
    "                            numbers all distinct or in row order, or text\n"
    "                            mostly distinct: id_like, excluded) (repeatable)\n"
    "      --na-values LIST      extra missing-value tokens, separated by , or ;\n"
    "                            (built in: empty, NA, N/A, NULL, null, NaN)\n"
    "  -d, --delimiter C         , ; | or tab (default: detected)\n"
    "      --encoding E          the input's text encoding: utf-8 (default), latin1\n"
    "                            (ISO-8859-1) or cp1252 (Windows-1252, Excel's\n"
    "                            \"CSV\" on Windows); decoded to UTF-8 as it is read\n"
    "      --decimal-comma       numbers have a decimal comma (16,2; a value with\n"
    "                            '.' is then no number) (stored in the model)\n"
    "      --max-field-size N    longest field in bytes, K/M/G allowed (default 16M;\n"
    "                            a line may hold 4 times as much, at least 64M)\n"
    "\n"
    "Model:\n"
    "      --l2 LAMBDA           L2 penalty; optimum equals scikit-learn's\n"
    "                            LogisticRegression(C=1/LAMBDA) (default 1.0)\n"
    "      --min-level-count N   pool rarer levels into (other) (default 10)\n"
    "      --holdout FRACTION    stratified holdout for validation (default 0.2;\n"
    "                            0 disables)\n"
    "      --seed N              random seed of the split (default 42)\n"
    "      --split-by-id         hold out the rows whose first --id's hash (with the\n"
    "                            seed) falls in the holdout share, not a stratified\n"
    "                            draw: reproducible in SQL, and the split of\n"
    "                            --postgres (docs/warehouse.md); the --cv folds\n"
    "                            by the id's hash too\n"
    "      --no-refit            keep the training-split model instead of refitting\n"
    "                            on all rows\n"
    "      --max-iter N          Newton iterations (default 100)\n"
    "      --tol T               convergence: max |gradient| / rows <= T (default 1e-10)\n"
    "      --tiers hot=N,warm=N  score cut-offs stored in the model (default 70, 40)\n"
    "\n";
static const char usage_text1b[] =
    "Output:\n"
    "  -o, --output FILE         model file (default models/model.json)\n"
    "  -f, --force               replace existing output files\n"
    "      --export-design FILE  the encoded matrix of the saved model's fit, as CSV\n"
    "      --predictions FILE    row,line,probability of every used row\n"
    "      --summary             print the coefficient table (estimate, standard\n"
    "                            error, z, p-value, 95% CI, odds ratio), fit\n"
    "                            statistics (log-likelihood, pseudo-R2, AIC, BIC) and\n"
    "                            the holdout's calibration (Hosmer-Lemeshow), lift,\n"
    "                            gains and KS tables\n"
    "  -q, --quiet               no summary or notes on stderr (warnings remain)\n"
    "  -v, --verbose             also detail, e.g. which rare levels were pooled\n"
    "  -h, --help                this help\n"
    "      --version             version\n"
    "      --report FILE.html    a self-contained HTML report (charts of the holdout\n"
    "                            validation, odds ratios, warnings; docs/reports.md)\n"
    "\n";
static const char usage_text2[] =
    "Weights and validation by date:\n"
    "      --weight COL          row weights (numbers >= 0; never a feature); the fit\n"
    "                            equals scikit-learn's with sample_weight\n"
    "      --class-weight balanced  weight each class n / (2 n_class)\n"
    "                            (scikit-learn's class_weight='balanced')\n"
    "      --population-rate P   conversion rate of the population (0 < P < 1) when\n"
    "                            the file was down-sampled or re-weighted: the\n"
    "                            intercept is corrected by logit(P) - logit(r), r the\n"
    "                            (weighted) rate the model was fitted to\n"
    "      --split-date COL      validate by time: rows dated before --cutoff train,\n"
    "                            the others validate (instead of --holdout)\n"
    "      --cutoff DATE         YYYY-MM-DD, with --split-date\n"
    "\n"
    "Penalty (docs/statistics.md):\n"
    "      --lambda LAMBDA       penalty strength (the same as --l2): the fit minimises\n"
    "                            sum of log-losses + LAMBDA * (A |b|_1 + (1-A)/2 |b|^2)\n"
    "      --l1-ratio A          L1 share A in [0, 1] (default 0: L2, Newton). A > 0:\n"
    "                            elastic net (1: lasso) by coordinate descent; the\n"
    "                            optimum of scikit-learn's LogisticRegression(\n"
    "                            penalty='elasticnet', l1_ratio=A, C=1/LAMBDA);\n"
    "                            features it zeroes are reported as dropped\n"
    "      --cv K                choose LAMBDA by stratified K-fold cross-validation\n"
    "                            on the training rows over 40 values from the\n"
    "                            smallest that zeroes every coefficient down to\n"
    "                            1e-4 of it (folds drawn with --seed; with\n"
    "                            --split-by-id dealt by a hash of the id)\n"
    "      --cv-metric M         logloss (default) or auc\n"
    "      --cv-1se              the largest LAMBDA within one standard error of the\n"
    "                            best (default: the best)\n"
    "\n";
static const char usage_text3[] =
    "Binned model and points sheet (docs/points.md):\n"
    "      --bins N              cut each numeric column into about N quantile bins\n"
    "                            (missing values their own bin) instead of one\n"
    "                            linear term: shapes such as \"the 3rd visit matters,\n"
    "                            the 30th does not\"; the penalty ties neighbouring\n"
    "                            bins together (10 is a good start; with --cv)\n"
    "      --min-bin-share S     no bin with fewer than S of the rows (default 0.5/N)\n"
    "      --emit-rules FILE     also write the model as a points sheet (docs/rules.md\n"
    "                            format): a threshold rule per bin step, a rule per\n"
    "                            level and per interaction cell, the qualification\n"
    "                            and tier thresholds in points; score it with\n"
    "                            leadscore-score --rules FILE (needs --bins)\n"
    "      --points-pdo N        points that double the odds (default 20)\n"
    "      --interactions K      with --bins: add up to K pairs of columns (default\n"
    "                            10; 0 with --postgres and no --id; 0: none) whose\n"
    "                            2-D table of points (up to 8 x 8 groups) best fits\n"
    "                            what the additive model misses (EBM's FAST\n"
    "                            ranking), if significant on held-out halves (by\n"
    "                            the id's hash under --split-by-id) or by a score\n"
    "                            test (docs/points.md)\n"
    "\n"
    "Derived features (docs/retraining.md):\n"
    "      --days-since COL      a feature \"days since COL\": --as-of minus the date\n"
    "                            in COL (YYYY-MM-DD; empty: missing) (repeatable)\n"
    "      --account-column COL  a feature \"leads per account (COL)\": rows of the\n"
    "                            file with the same account in COL (trimmed, inner\n"
    "                            whitespace collapsed, A-Z lowercased; missing: 1)\n"
    "      --account-reference ids|counts|none  what the model keeps of the file's\n"
    "                            accounts, for the scorer to count a batch against:\n"
    "                            the leads per account and the leads' ids (first\n"
    "                            --id; default), the counts only (the default with\n"
    "                            --postgres), or nothing (each batch counted on its\n"
    "                            own; models/README.md)\n"
    "      --date-format FMT     dates of --days-since, --split-date, --cutoff and\n"
    "                            --events as FMT, e.g. %d/%m/%Y, %m/%d/%Y, %d.%m.%Y,\n"
    "                            %d-%b-%Y (%b: Jun, June); ISO YYYY-MM-DD is read too;\n"
    "                            stored in the model for scoring\n"
    "      --as-of DATE          reference date of --days-since and --events\n"
    "                            (YYYY-MM-DD, or as --date-format; default today,\n"
    "                            UTC); stored in the model, but scoring measures\n"
    "                            from the scoring day (leadscore-score --as-of)\n"
    "\n";
static const char usage_text4[] =
    "Activity logs (docs/events.md):\n"
    "      --events FILE         an activity log, one row per event (lead id, activity\n"
    "                            type, timestamp; CSV or gzip), joined to the input\n"
    "                            by the lead id (the first --id, else a column named\n"
    "                            like Prospect ID or Lead Id); per activity type: the\n"
    "                            count, counts in the last N days, days since the\n"
    "                            first and the last, a recency-weighted count, and the\n"
    "                            days from the lead's first event (repeatable)\n"
    "      --event-id COL        the log's lead id column (default: a usual name)\n"
    "      --event-type COL      the log's activity type column (likewise)\n"
    "      --event-time COL      the log's time column, YYYY-MM-DD with an optional\n"
    "                            time of day (likewise)\n"
    "      --event-types LIST    the activity types made features (comma-separated,\n"
    "                            repeatable; default: every type at least\n"
    "                            --event-min-leads leads have)\n"
    "      --event-min-leads N   default 10\n"
    "      --event-windows LIST  days of the \"last N days\" counts (default 7,30,90;\n"
    "                            none: no window counts)\n"
    "      --event-half-life D   days after which an event weighs half (default 30)\n"
    "      --outcome-date COL    each lead's reference day (its conversion or close\n"
    "                            date): later events are not counted, so training\n"
    "                            does not see past the outcome; without a date, and\n"
    "                            without the option, --as-of is the reference\n"
    "\n"
    "Retraining (docs/retraining.md):\n"
    "      --like OLD_MODEL      reuse every training option of an earlier model\n"
    "                            (target, roles, encodings, penalty, split, tiers);\n"
    "                            options given here override them, a list option\n"
    "                            (--exclude, --id, ...) replaces the old list\n"
    "      --baseline OLD_MODEL  score the holdout rows with the old model too and\n"
    "                            report both AUCs (paired DeLong test), the score\n"
    "                            shift and tier changes, with a recommendation\n"
    "\n"
    "Training inside PostgreSQL (docs/warehouse.md; no INPUT file):\n"
    "      --postgres CONNINFO   fit on a table of that database (libpq: host=H\n"
    "                            dbname=D user=U, or postgresql://U@H/D; passwords\n"
    "                            from PGPASSWORD or ~/.pgpass): the encoding pass and\n"
    "                            each Newton iteration run as aggregate queries,\n"
    "                            only sums come back; the holdout is chosen by\n"
    "                            the --id column's hash (--split-by-id) or by\n"
    "                            --split-date; --cv folds and the halves\n"
    "                            --interactions tests its pairs on by the id's\n"
    "                            hash too (--bins without --id: no pairs)\n"
    "      --table NAME          the table (or schema.table) of historical leads\n"
    "      --events-table NAME   the activity log as a table of the same database\n"
    "                            (one row per event; --event-id, --event-type and\n"
    "                            --event-time name its columns): the --events\n"
    "                            features, computed there\n"
    "\n"
    "Gzip-compressed input (e.g. leads.csv.gz, or gzip on stdin) is read directly.\n"
    "\n"
    "Exit status: 0 success, 1 data or I/O error, 2 usage error, 3 a --weight or\n"
    "--split-date value was rejected (the message names file, line and column).\n";

enum {
    OPT_POSITIVE = 256, OPT_ID, OPT_INCLUDE, OPT_NUMERIC, OPT_CATEGORICAL, OPT_NA, OPT_L2,
    OPT_MINLEVEL, OPT_HOLDOUT, OPT_SEED, OPT_NOREFIT, OPT_MAXITER, OPT_TOL, OPT_TIERS,
    OPT_EXPORT, OPT_PRED, OPT_SUMMARY, OPT_VERSION, OPT_REPORT, OPT_WEIGHT, OPT_CLASSWEIGHT,
    OPT_POPRATE, OPT_SPLITDATE, OPT_CUTOFF,
    OPT_LIKE, OPT_BASELINE, OPT_DAYS, OPT_ACCOUNT, OPT_ASOF, OPT_ACCOUNTREF,
    OPT_LAMBDA, OPT_L1RATIO, OPT_CV, OPT_CVMETRIC, OPT_CV1SE, OPT_MAXFIELD, OPT_BINS,
    OPT_MINBINSHARE, OPT_INTERACTIONS, OPT_EMITRULES, OPT_PDO,
    OPT_KEEPFEATURE, OPT_NEGATIVE,
    OPT_EVENTS, OPT_EVENT_ID, OPT_EVENT_TYPE, OPT_EVENT_TIME, OPT_EVENT_TYPES,
    OPT_EVENT_MINLEADS, OPT_EVENT_WINDOWS, OPT_EVENT_HALFLIFE, OPT_OUTCOME_DATE, OPT_EVENTS_TABLE, OPT_ENCODING, OPT_DECIMALCOMMA, OPT_DATEFORMAT,
    OPT_POSTGRES, OPT_TABLE, OPT_SPLITBYID
};

static const struct option long_opts[] = {
    {"target", required_argument, NULL, 't'},
    {"positive", required_argument, NULL, OPT_POSITIVE},
    {"id", required_argument, NULL, OPT_ID},
    {"exclude", required_argument, NULL, 'x'},
    {"include", required_argument, NULL, OPT_INCLUDE},
    {"numeric", required_argument, NULL, OPT_NUMERIC},
    {"categorical", required_argument, NULL, OPT_CATEGORICAL},
    {"na-values", required_argument, NULL, OPT_NA},
    {"delimiter", required_argument, NULL, 'd'},
    {"l2", required_argument, NULL, OPT_L2},
    {"min-level-count", required_argument, NULL, OPT_MINLEVEL},
    {"holdout", required_argument, NULL, OPT_HOLDOUT},
    {"seed", required_argument, NULL, OPT_SEED},
    {"no-refit", no_argument, NULL, OPT_NOREFIT},
    {"max-iter", required_argument, NULL, OPT_MAXITER},
    {"tol", required_argument, NULL, OPT_TOL},
    {"tiers", required_argument, NULL, OPT_TIERS},
    {"output", required_argument, NULL, 'o'},
    {"force", no_argument, NULL, 'f'},
    {"export-design", required_argument, NULL, OPT_EXPORT},
    {"predictions", required_argument, NULL, OPT_PRED},
    {"summary", no_argument, NULL, OPT_SUMMARY},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"report", required_argument, NULL, OPT_REPORT},
    {"weight", required_argument, NULL, OPT_WEIGHT},
    {"class-weight", required_argument, NULL, OPT_CLASSWEIGHT},
    {"population-rate", required_argument, NULL, OPT_POPRATE},
    {"split-date", required_argument, NULL, OPT_SPLITDATE},
    {"cutoff", required_argument, NULL, OPT_CUTOFF},
    {"like", required_argument, NULL, OPT_LIKE},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"days-since", required_argument, NULL, OPT_DAYS},
    {"account-column", required_argument, NULL, OPT_ACCOUNT},
    {"account-reference", required_argument, NULL, OPT_ACCOUNTREF},
    {"as-of", required_argument, NULL, OPT_ASOF},
    {"lambda", required_argument, NULL, OPT_LAMBDA},
    {"l1-ratio", required_argument, NULL, OPT_L1RATIO},
    {"cv", required_argument, NULL, OPT_CV},
    {"cv-metric", required_argument, NULL, OPT_CVMETRIC},
    {"cv-1se", no_argument, NULL, OPT_CV1SE},
    {"max-field-size", required_argument, NULL, OPT_MAXFIELD},
    {"encoding", required_argument, NULL, OPT_ENCODING},
    {"decimal-comma", no_argument, NULL, OPT_DECIMALCOMMA},
    {"date-format", required_argument, NULL, OPT_DATEFORMAT},
    {"bins", required_argument, NULL, OPT_BINS},
    {"min-bin-share", required_argument, NULL, OPT_MINBINSHARE},
    {"interactions", required_argument, NULL, OPT_INTERACTIONS},
    {"emit-rules", required_argument, NULL, OPT_EMITRULES},
    {"points-pdo", required_argument, NULL, OPT_PDO},
    {"keep-feature", required_argument, NULL, OPT_KEEPFEATURE},
    {"negative", required_argument, NULL, OPT_NEGATIVE},
    {"events", required_argument, NULL, OPT_EVENTS},
    {"event-id", required_argument, NULL, OPT_EVENT_ID},
    {"event-type", required_argument, NULL, OPT_EVENT_TYPE},
    {"event-time", required_argument, NULL, OPT_EVENT_TIME},
    {"event-types", required_argument, NULL, OPT_EVENT_TYPES},
    {"event-min-leads", required_argument, NULL, OPT_EVENT_MINLEADS},
    {"event-windows", required_argument, NULL, OPT_EVENT_WINDOWS},
    {"event-half-life", required_argument, NULL, OPT_EVENT_HALFLIFE},
    {"outcome-date", required_argument, NULL, OPT_OUTCOME_DATE},
    {"events-table", required_argument, NULL, OPT_EVENTS_TABLE},
    {"postgres", required_argument, NULL, OPT_POSTGRES},
    {"table", required_argument, NULL, OPT_TABLE},
    {"split-by-id", no_argument, NULL, OPT_SPLITBYID},
    {NULL, 0, NULL, 0},
};

/* Weights, the prior correction and the split by date, for the summary. */
static void print_weighting(const struct lsc_train_summary *s, const struct lsc_train_options *o)
{
    if (o->weight != NULL)
        fprintf(stderr, "row weights: column \"%s\"\n", o->weight);
    if (o->class_weight_balanced)
        fprintf(stderr, "class weights (balanced): %.6g not converted, %.6g converted\n",
                s->class_weight[0], s->class_weight[1]);
    if (s->split_date)
        fprintf(stderr, "split by date: %zu rows before the cutoff, %zu on or after it "
                        "(validation), %zu without a date\n",
                s->train_rows, s->holdout_rows, s->date_missing_rows);
    if (s->weighted)
        fprintf(stderr, "weights: total %.6g; positive rate %.4f unweighted, %.4f weighted "
                        "(the rate the model is fitted to)\n",
                s->weight_total, s->sample_rate, s->fitted_rate);
    if (isfinite(s->population_rate) && s->population_rate > 0.0)
        fprintf(stderr, "prior correction: population rate %.4g, fitted rate %.4f: intercept "
                        "%+.6f\n",
                s->population_rate, s->fitted_rate, s->intercept_correction);
}

struct ranked {
    size_t index;
    double magnitude;
};

static int by_magnitude(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->magnitude != y->magnitude)
        return x->magnitude < y->magnitude ? 1 : -1;
    return x->index < y->index ? -1 : 1;
}

/* The penalty and, under an L1 part, the features it dropped. */
static void print_penalty(const struct lsc_model *m)
{
    struct lsc_penalty_info p;
    lsc_model_penalty_info(m, &p);
    if (p.cv_folds > 0)
        fprintf(stderr, "lambda %.6g chosen by %zu-fold cross-validation (%s, %s rule)\n",
                p.lambda, p.cv_folds, p.cv_metric, p.cv_one_se ? "one-SE" : "best");
    if (p.l1_ratio <= 0.0)
        return;
    size_t n = lsc_model_n_features(m);
    fprintf(stderr, "elastic net: l1_ratio %g, lambda %.6g; %zu of %zu features kept, %zu dropped"
                    " (coefficient 0)%s\n",
            p.l1_ratio, p.lambda, p.nonzero, n ? n - 1 : 0, n ? n - 1 - p.nonzero : 0,
            n - 1 > p.nonzero ? ":" : "");
    char name[512];
    for (size_t i = 1; i < n; i++)
        if (lsc_model_coefficient(m, i) == 0.0)
            fprintf(stderr, "  dropped: %s\n",
                    cli_shown(lsc_model_feature_name(m, i), name, sizeof name));
}

/* The cross-validation path, when lambda was chosen that way. */
static void print_cv_table(FILE *fp, const struct lsc_model *m)
{
    struct lsc_penalty_info p;
    struct lsc_cv_point pt;
    lsc_model_penalty_info(m, &p);
    if (p.cv_folds == 0)
        return;
    fprintf(fp, "Cross-validation: %zu folds (seed %lu), l1_ratio %g, metric %s, rule %s\n",
            p.cv_folds, p.cv_seed, p.l1_ratio, p.cv_metric, p.cv_one_se ? "one-SE" : "best");
    fprintf(fp, "%4s %14s %12s %12s %8s\n", "", "lambda", p.cv_metric, "std.err", "nonzero");
    for (size_t k = 0; lsc_model_cv_point(m, k, &pt); k++)
        fprintf(fp, "%4zu %14.6g %12.6f %12.6f %8zu%s\n", k + 1, pt.lambda, pt.mean, pt.se,
                pt.nonzero, k == p.cv_chosen ? "  <- chosen" : k == p.cv_best ? "  <- best" : "");
    fprintf(fp, "chosen lambda %.17g\n\n", p.lambda);
}

static void print_summary(const struct lsc_model *m, const struct lsc_train_summary *s,
                          const struct lsc_train_options *o, const char *output)
{
    fprintf(stderr, "rows: %zu read, %zu used, %zu skipped (missing target)", s->rows_read,
            s->rows_used, s->rows_skipped_target);
    if (s->rows_skipped_value > 0)
        fprintf(stderr, ", %zu skipped (target neither --positive nor --negative)",
                s->rows_skipped_value);
    fprintf(stderr, "; %zu converted (%.1f%%)\n", s->positives,
            s->rows_used ? 100.0 * (double)s->positives / (double)s->rows_used : 0.0);
    fprintf(stderr, "columns: %zu used, %zu dropped; %zu features (incl. intercept)\n",
            s->columns_used, s->columns_dropped, s->features);
    if (s->as_of[0] != '\0')
        fprintf(stderr, "as of %s (%s): dates and activity are measured from this day (stored "
                        "in the model)\n",
                s->as_of, o->as_of != NULL ? "--as-of" : "today, UTC; set another with --as-of");
    print_weighting(s, o);
    if (s->holdout_rows > 0) {
        if (!s->split_date)
            fprintf(stderr, "split: %zu training rows, %zu holdout rows (%s)\n", s->train_rows,
                    s->holdout_rows,
                    o->split_by_id || o->postgres != NULL ? "by a hash of the id" : "stratified");
        fprintf(stderr, "fit on training rows: %zu Newton iterations, %s\n", s->iterations,
                s->converged ? "converged" : "NOT converged");
        fprintf(stderr, "holdout: AUC %.4f  log-loss %.4f  Brier %.4f  base rate %.3f\n", s->auc,
                s->log_loss, s->brier, s->base_rate);
        if (isnan(s->precision_at_50)) /* no holdout lead reaches 50 */
            fprintf(stderr, "holdout at score >= 50: no lead  recall %.3f  accuracy %.3f\n",
                    s->recall_at_50, s->accuracy_at_50);
        else
            fprintf(stderr,
                    "holdout at score >= 50: precision %.3f  recall %.3f  accuracy %.3f\n",
                    s->precision_at_50, s->recall_at_50, s->accuracy_at_50);
        if (s->weighted || (isfinite(s->population_rate) && s->population_rate > 0.0))
            fprintf(stderr, "(holdout metrics count every row once, and precede the prior "
                            "correction)\n");
    }
    if (s->refit)
        fprintf(stderr, "refit on all %zu rows: %zu iterations, %s (the saved model)\n",
                s->rows_used, s->final_iterations, s->final_converged ? "converged" : "NOT converged");
    else if (s->holdout_rows > 0)
        fprintf(stderr, "saved model: the training-split fit (--no-refit)\n");
    else
        fprintf(stderr, "fit on all %zu rows: %zu iterations, %s\n", s->rows_used,
                s->final_iterations, s->final_converged ? "converged" : "NOT converged");
    size_t n = lsc_model_n_features(m);
    struct ranked *r = n > 1 ? calloc(n - 1, sizeof *r) : NULL;
    if (r != NULL) {
        for (size_t i = 1; i < n; i++) {
            r[i - 1].index = i;
            r[i - 1].magnitude = fabs(lsc_model_coefficient(m, i));
        }
        qsort(r, n - 1, sizeof *r, by_magnitude);
        fprintf(stderr, "largest coefficients (log-odds; numerics per standard deviation):\n");
        char name[512];
        for (size_t k = 0; k < n - 1 && k < 10; k++)
            fprintf(stderr, "  %+9.4f  %s\n", lsc_model_coefficient(m, r[k].index),
                    cli_shown(lsc_model_feature_name(m, r[k].index), name, sizeof name));
        free(r);
    }
    print_penalty(m);
    char cv[64] = "";
    if (s->pg_cv_queries > 0)
        snprintf(cv, sizeof cv, ", %zu more for the cross-validation", s->pg_cv_queries);
    if (s->postgres)
        fprintf(stderr, "PostgreSQL: %zu Newton iterations as aggregate queries%s; %llu bytes of "
                        "results came back in all, %llu during the fit (no row data)\n",
                s->pg_queries, cv, s->pg_bytes, s->pg_bytes_fit);
    fprintf(stderr, "model written to %s\n", output);
}

/* The comparison with the replaced model (--baseline). */
/* What the points sheet's totals mean (--emit-rules). */
static void print_points(const struct lsc_train_summary *s, const struct lsc_train_options *o)
{
    static const double rates[] = {0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95};
    struct lsc_points_summary ps = {s->points_factor, s->points_intercept, 0, 0, 0, 0};
    fprintf(stderr,
            "points sheet: %zu rules in %s; qualified from %ld points, hot from %ld, warm from "
            "%ld\n",
            s->points_rules, o->points_output, s->points_qualified, s->points_hot,
            s->points_warm);
    fputs("points -> predicted conversion:", stderr);
    for (size_t k = 0; k < sizeof rates / sizeof rates[0]; k++) {
        double pts = ceil(s->points_factor * (log(rates[k] / (1 - rates[k])) - s->points_intercept));
        fprintf(stderr, " %.0f %.0f%%%s", pts, 100.0 * lsc_points_probability(&ps, pts),
                k + 1 < sizeof rates / sizeof rates[0] ? "," : "\n");
    }
}

static void print_baseline(const struct lsc_model *m)
{
    struct lsc_baseline_info b;
    if (!lsc_model_baseline(m, &b))
        return;
    fprintf(stderr, "baseline %s (trained %s) on the %zu holdout rows:\n", b.model, b.created,
            b.rows);
    if (b.rows_unscorable > 0)
        fprintf(stderr, "  %zu holdout rows left out: the old model cannot score them\n",
                b.rows_unscorable);
    fprintf(stderr, "  AUC new %.4f  old %.4f  difference %+.4f (SE %.4f, DeLong z %.2f, p %.3g)\n",
            b.auc_new, b.auc_old, b.auc_difference, b.se, b.z, b.p_value);
    fprintf(stderr, "  score shift |new - old|: mean %.1f, median %.1f points; %.1f%% of leads "
                    "change tier\n",
            b.mean_abs_shift, b.median_abs_shift, 100.0 * b.tier_change_share);
    if (b.old_in_sample)
        fprintf(stderr, "  warning: the old model was trained on this same file (or table) and refit "
                        "on all rows: these holdout rows are in its training data, so its AUC is "
                        "optimistic\n");
    fprintf(stderr, "  recommendation: %s\n", b.recommendation);
}

/* The statsmodels/R glm-style coefficient table. */
static void print_table(FILE *fp, const struct lsc_model *m)
{
    struct lsc_fit_info f;
    struct lsc_coef_info c;
    if (!lsc_model_fit_info(m, &f)) {
        fprintf(fp, "no coefficient statistics in this model (singular information matrix)\n");
        return;
    }
    struct lsc_penalty_info pen;
    lsc_model_penalty_info(m, &pen);
    fprintf(fp, "Logistic regression of %s: %zu rows, %zu coefficients, %s lambda %g\n",
            lsc_model_target(m), f.rows, f.coefficients,
            pen.l1_ratio <= 0.0 ? "L2" : pen.l1_ratio >= 1.0 ? "L1" : "elastic-net", f.l2);
    if (pen.l1_ratio > 0.0)
        fprintf(fp, "(elastic net, l1_ratio %g: Wald statistics are not meaningful under an L1 "
                    "penalty and are not reported; see docs/statistics.md)\n",
                pen.l1_ratio);
    else if (f.l2 > 0.0)
        fprintf(fp, "(penalised fit: standard errors from the penalised Hessian; "
                    "see docs/statistics.md)\n");
    fprintf(fp, "Log-likelihood %.6g   LL-null %.6g   LR chi2(%g) %.6g   p %.4g\n",
            f.log_likelihood, f.null_log_likelihood, f.lr_df, f.lr_statistic, f.lr_p_value);
    fprintf(fp, "Deviance %.6g   McFadden pseudo-R2 %.4f   AIC %.6g   BIC %.6g\n", f.deviance,
            f.mcfadden_r2, f.aic, f.bic);
    fprintf(fp, "Newton iterations %zu, %s\n\n", f.iterations,
            f.converged ? "converged" : "NOT converged");
    if (pen.l1_ratio > 0.0) {
        /* estimates only: Wald columns would be meaningless */
        fprintf(fp, "%-40s %10s %10s\n", "", "estimate", "odds.ratio");
        for (size_t i = 0; i < lsc_model_n_features(m); i++)
            fprintf(fp, "%-40.40s %10.4f %10.4g%s\n", lsc_model_feature_name(m, i),
                    lsc_model_coefficient(m, i), exp(lsc_model_coefficient(m, i)),
                    i > 0 && lsc_model_coefficient(m, i) == 0.0 ? "  (dropped)" : "");
        return;
    }
    fprintf(fp, "%-40s %10s %10s %8s %9s %10s %10s %10s\n", "", "estimate", "std.err", "z",
            "P>|z|", "[0.025", "0.975]", "odds.ratio");
    for (size_t i = 0; i < lsc_model_n_features(m); i++) {
        if (!lsc_model_coef_info(m, i, &c))
            continue;
        fprintf(fp, "%-40.40s %10.4f %10.4f %8.3f %9.3g %10.4f %10.4f %10.4g\n", c.name,
                c.estimate, c.std_error, c.z, c.p_value, c.ci_low, c.ci_high, c.odds_ratio);
    }
}

/* The parsed command line and what it loaded (--like, --baseline). */
struct train_cli {
    struct lsc_train_options o;
    struct cli_list ids, excl, incl, num, cat, pos, days, keep, neg;
    const char **na;
    size_t nna;
    struct cli_list events;
    int events_given_table; /* --events-table on this command line */
    const char **event_types;
    size_t n_event_types;
    long event_windows[8];
    const char *output;
    int quiet, verbose, want_table, holdout_given, lambda_given, interactions_given;
    int output_given;
    struct lsc_model *like_model, *baseline;
    struct lsc_like *like;
    const char *like_path, *baseline_path;
};

#define SHORT_OPTS "t:x:d:o:fqvh"
#define CLI_DONE (-1) /* --help, --version: exit 0 without work */

/* First pass: --like and --baseline, so that the options given explicitly
 * (second pass) override the old model's. */
static int load_old_models(struct train_cli *t, int argc, char **argv, struct lsc_error *err)
{
    int c;
    opterr = 0;
    while ((c = getopt_long(argc, argv, SHORT_OPTS, long_opts, NULL)) != -1) {
        if (c == OPT_LIKE)
            t->like_path = optarg;
        else if (c == OPT_BASELINE)
            t->baseline_path = optarg;
    }
    opterr = 1;
    optind = 0;
    if (t->like_path != NULL) {
        if (lsc_model_load(t->like_path, &t->like_model, err) != LSC_OK ||
            lsc_like_new(t->like_model, &t->like, err) != LSC_OK) {
            if (err->file[0] == '\0')
                snprintf(err->file, sizeof err->file, "%s", t->like_path);
            return cli_fail(err);
        }
        lsc_like_apply(t->like, &t->o);
    }
    if (t->baseline_path != NULL) {
        if (lsc_model_load(t->baseline_path, &t->baseline, err) != LSC_OK)
            return cli_fail(err);
        t->o.baseline = t->baseline;
        t->o.baseline_file = t->baseline_path;
    }
    return CLI_EXIT_OK;
}

/* Options whose value is a word from a fixed set; CLI_EXIT_OK or a usage
 * error. */
static int parse_word_option(struct train_cli *t, int c, const char *arg)
{
    struct lsc_train_options *o = &t->o;
    if (c == OPT_CLASSWEIGHT) {
        if (strcmp(arg, "balanced") != 0 && strcmp(arg, "none") != 0)
            return cli_usage_error("--class-weight must be balanced or none");
        o->class_weight_balanced = strcmp(arg, "balanced") == 0;
    } else { /* OPT_CVMETRIC */
        if (strcmp(arg, "logloss") != 0 && strcmp(arg, "auc") != 0)
            return cli_usage_error("--cv-metric must be logloss or auc");
        o->cv_metric = strcmp(arg, "auc") == 0;
    }
    return CLI_EXIT_OK;
}

/* --event-windows 7,30,90 (or "none"): whole numbers of days, at most 8. */
static int parse_windows(struct train_cli *t, const char *arg)
{
    const char *p = arg;
    size_t n = 0;
    if (strcmp(arg, "none") != 0)
        for (;;) {
            char *end = NULL;
            long v = strtol(p, &end, 10);
            if (end == p || v < 1 || v > 3660000 || (*end != ',' && *end != '\0') || n == 8)
                return cli_usage_error("--event-windows must be up to 8 whole numbers of days "
                                       ">= 1, comma-separated (or none)");
            t->event_windows[n++] = v;
            if (*end == '\0')
                break;
            p = end + 1;
        }
    t->o.event_windows = t->event_windows;
    t->o.n_event_windows = n;
    return CLI_EXIT_OK;
}

/* The activity-log options (docs/events.md). */
static int parse_event_option(struct train_cli *t, int c, char *arg, struct lsc_error *err)
{
    struct lsc_train_options *o = &t->o;
    enum lsc_status st = LSC_OK;
    int bad_alloc = 0;
    switch (c) {
    case OPT_EVENTS: bad_alloc = cli_list_push(&t->events, arg); break;
    case OPT_EVENTS_TABLE:
        o->events_table = arg;
        t->events_given_table = 1;
        break;
    case OPT_EVENT_ID: o->event_id = arg; break;
    case OPT_EVENT_TYPE: o->event_type = arg; break;
    case OPT_EVENT_TIME: o->event_time = arg; break;
    case OPT_EVENT_TYPES: st = lsc_split_list(arg, &t->event_types, &t->n_event_types, err); break;
    case OPT_EVENT_MINLEADS:
        st = lsc_parse_size(arg, "--event-min-leads", &o->event_min_leads, err);
        break;
    case OPT_EVENT_WINDOWS: return parse_windows(t, arg);
    case OPT_EVENT_HALFLIFE:
        st = lsc_parse_double(arg, "--event-half-life", &o->event_half_life, err);
        if (st == LSC_OK && !(o->event_half_life > 0.0))
            return cli_usage_error("--event-half-life must be a number of days above 0");
        break;
    default: o->outcome_date = arg; break; /* OPT_OUTCOME_DATE */
    }
    return cli_option_status(bad_alloc, st, err);
}

/* One option of the second pass: CLI_EXIT_OK to go on, CLI_DONE after
 * --help/--version, or an exit code. */
static int parse_option(struct train_cli *t, int c, char *arg, struct lsc_error *err)
{
    struct lsc_train_options *o = &t->o;
    enum lsc_status st = LSC_OK;
    int bad_alloc = 0;
    switch (c) {
    case 't': o->target = arg; break;
    case OPT_POSITIVE: bad_alloc = cli_list_push(&t->pos, arg); break;
    case OPT_NEGATIVE: bad_alloc = cli_list_push(&t->neg, arg); break;
    case OPT_ID: bad_alloc = cli_list_push(&t->ids, arg); break;
    case 'x': bad_alloc = cli_list_push(&t->excl, arg); break;
    case OPT_INCLUDE: bad_alloc = cli_list_push(&t->incl, arg); break;
    case OPT_NUMERIC: bad_alloc = cli_list_push(&t->num, arg); break;
    case OPT_CATEGORICAL: bad_alloc = cli_list_push(&t->cat, arg); break;
    case OPT_KEEPFEATURE: bad_alloc = cli_list_push(&t->keep, arg); break;
    case OPT_NA: st = lsc_split_tokens(arg, ",;", &t->na, &t->nna, err); break;
    case 'd': st = lsc_parse_delimiter(arg, &o->delimiter, err); break;
    case OPT_ENCODING: st = lsc_parse_encoding(arg, &o->encoding, err); break;
    case OPT_DECIMALCOMMA: o->decimal_comma = 1; break;
    case OPT_DATEFORMAT: o->date_format = arg; break;
    case OPT_L2: case OPT_LAMBDA:
        st = lsc_parse_double(arg, c == OPT_L2 ? "--l2" : "--lambda", &o->l2, err);
        t->lambda_given = 1;
        break;
    case OPT_MINLEVEL: st = lsc_parse_size(arg, "--min-level-count", &o->min_level_count, err); break;
    case OPT_HOLDOUT:
        t->holdout_given = 1;
        st = lsc_parse_double(arg, "--holdout", &o->holdout, err);
        break;
    case OPT_SEED: {
        size_t seed = 0;
        st = lsc_parse_size(arg, "--seed", &seed, err);
        o->seed = (unsigned long)seed;
        break;
    }
    case OPT_NOREFIT: o->refit = 0; break;
    case OPT_MAXITER: st = lsc_parse_size(arg, "--max-iter", &o->max_iter, err); break;
    case OPT_TOL: st = lsc_parse_double(arg, "--tol", &o->tol, err); break;
    case OPT_TIERS: st = lsc_parse_tiers(arg, &o->tier_hot, &o->tier_warm, err); break;
    case 'o': t->output = arg; t->output_given = 1; break;
    case 'f': o->force = 1; break;
    case OPT_EXPORT: o->export_design = arg; break;
    case OPT_PRED: o->predictions = arg; break;
    case OPT_SUMMARY: t->want_table = 1; break;
    case 'q': t->quiet = 1; break;
    case 'v': t->verbose = 1; break;
    case 'h': fputs(usage_text, stdout); fputs(usage_text1b, stdout); fputs(usage_text2, stdout); fputs(usage_text3, stdout); fputs(usage_text4, stdout); return CLI_DONE;
    case OPT_VERSION: printf("leadscore-train %s\n", LEADSCORE_VERSION); return CLI_DONE;
    case OPT_REPORT: o->report = arg; break;
    case OPT_WEIGHT: o->weight = arg; break;
    case OPT_CLASSWEIGHT: case OPT_CVMETRIC: return parse_word_option(t, c, arg);
    case OPT_POPRATE:
        st = lsc_parse_double(arg, "--population-rate", &o->population_rate, err);
        if (st == LSC_OK && !(o->population_rate > 0.0 && o->population_rate < 1.0))
            return cli_usage_error("--population-rate must be a rate strictly between 0 and 1");
        break;
    case OPT_SPLITDATE: o->split_date = arg; break;
    case OPT_CUTOFF: o->cutoff = arg; break;
    case OPT_LIKE: case OPT_BASELINE: break; /* first pass */
    case OPT_DAYS: bad_alloc = cli_list_push(&t->days, arg); break;
    case OPT_ACCOUNT: o->account_column = arg; break;
    case OPT_ACCOUNTREF:
        if (strcmp(arg, "ids") != 0 && strcmp(arg, "counts") != 0 && strcmp(arg, "none") != 0)
            return cli_usage_error("--account-reference: expected ids, counts or none");
        o->account_reference = strcmp(arg, "ids") == 0      ? LSC_ACCOUNT_REF_IDS
                               : strcmp(arg, "counts") == 0 ? LSC_ACCOUNT_REF_COUNTS
                                                            : LSC_ACCOUNT_REF_NONE;
        break;
    case OPT_ASOF: o->as_of = arg; break;
    case OPT_L1RATIO: st = lsc_parse_double(arg, "--l1-ratio", &o->l1_ratio, err); break;
    case OPT_CV: st = lsc_parse_size(arg, "--cv", &o->cv_folds, err); break;
    case OPT_CV1SE: o->cv_one_se = 1; break;
    case OPT_BINS: st = lsc_parse_size(arg, "--bins", &o->bins, err); break;
    case OPT_EMITRULES: o->points_output = arg; break;
    case OPT_PDO:
        st = lsc_parse_double(arg, "--points-pdo", &o->points_pdo, err);
        if (st == LSC_OK && !(o->points_pdo > 0.0))
            return cli_usage_error("--points-pdo must be a number of points in (0, 1000]");
        break;
    case OPT_INTERACTIONS:
        t->interactions_given = 1;
        st = lsc_parse_size(arg, "--interactions", &o->interactions, err);
        break;
    case OPT_MINBINSHARE: st = lsc_parse_double(arg, "--min-bin-share", &o->min_bin_share, err); break;
    case OPT_MAXFIELD: st = lsc_parse_bytes(arg, "--max-field-size", &o->max_field_size, err); break;
    case OPT_POSTGRES: o->postgres = arg; break;
    case OPT_TABLE: o->table = arg; break;
    case OPT_SPLITBYID: o->split_by_id = 1; break;
    case OPT_EVENTS: case OPT_EVENT_ID: case OPT_EVENT_TYPE: case OPT_EVENT_TIME:
    case OPT_EVENT_TYPES: case OPT_EVENT_MINLEADS: case OPT_EVENT_WINDOWS:
    case OPT_EVENT_HALFLIFE: case OPT_OUTCOME_DATE: case OPT_EVENTS_TABLE:
        return parse_event_option(t, c, arg, err);
    default: return cli_usage_error("invalid option");
    }
    return cli_option_status(bad_alloc, st, err);
}

/* With --like, a list given here replaces the old model's. */
static void set_lists(struct train_cli *t)
{
    struct lsc_train_options *o = &t->o;
    int fresh = t->like == NULL;
    if (fresh || t->ids.count)
        o->ids = cli_list_strings(&t->ids);
    if (fresh || t->excl.count)
        o->exclude = cli_list_strings(&t->excl);
    if (fresh || t->incl.count)
        o->include = cli_list_strings(&t->incl);
    if (fresh || t->num.count)
        o->numeric = cli_list_strings(&t->num);
    if (fresh || t->cat.count)
        o->categorical = cli_list_strings(&t->cat);
    if (fresh || t->pos.count)
        o->positive = cli_list_strings(&t->pos);
    if (fresh || t->days.count)
        o->days_since = cli_list_strings(&t->days);
    if (fresh || t->keep.count)
        o->keep_features = cli_list_strings(&t->keep);
    if (fresh || t->neg.count)
        o->negative = cli_list_strings(&t->neg);
    if (fresh || t->events.count)
        o->events = cli_list_strings(&t->events);
    if (t->events.count) /* a file given here replaces an old model's table */
        o->events_table = t->events_given_table ? o->events_table : NULL;
    if (fresh || t->n_event_types) {
        o->event_types.items = t->event_types;
        o->event_types.count = t->n_event_types;
    }
    if (fresh || t->nna) {
        o->na_values.items = t->na;
        o->na_values.count = t->nna;
    }
}

/* Checks that need every option; refuses before the work, not after it. */
static int check_options(struct train_cli *t, struct lsc_error *err)
{
    struct stat sb;
    /* a binned model looks for pairs unless told otherwise (the tests keep
     * only significant ones), except inside PostgreSQL without an --id,
     * whose hash deals the rows the pairs are tested on; --like keeps the
     * old model's choice */
    if (t->o.bins > 0 && !t->interactions_given && t->like == NULL)
        t->o.interactions =
            t->o.postgres != NULL && t->o.ids.count == 0 ? 0 : LSC_DEFAULT_INTERACTIONS;
    if (t->o.split_date != NULL && t->holdout_given)
        return cli_usage_error("--holdout and --split-date are alternatives: the date split "
                               "decides the validation rows");
    if (t->lambda_given && t->o.cv_folds > 0)
        return cli_usage_error("--cv chooses the penalty: drop --lambda/--l2, or drop --cv");
    if (lsc_train_options_check(&t->o, err) != LSC_OK)
        return cli_usage_error(err->message);
    {
        const char *outs[] = {t->output, t->o.report, t->o.predictions, t->o.export_design,
                              t->o.points_output};
        const char *out_opts[] = {"-o", "--report", "--predictions", "--export-design",
                                  "--emit-rules"};
        const char *ins[] = {t->o.input, t->like_path, t->baseline_path};
        const char *in_opts[] = {"the training data", "--like", "--baseline"};
        int rc = cli_check_files(outs, out_opts, 5, ins, in_opts, 3, &t->events);
        if (rc != CLI_EXIT_OK)
            return rc;
    }
    /* the default model file's folder: said before the work, with the way
     * out (the library refuses any output it cannot create, before reading) */
    if (!t->output_given && stat(LSC_DEFAULT_MODEL_DIR, &sb) != 0)
        return cli_error("%s: the folder \"" LSC_DEFAULT_MODEL_DIR "\" of the default model file "
                         "does not exist: create it (mkdir " LSC_DEFAULT_MODEL_DIR ") or name the "
                         "model file with -o FILE",
                         t->output);
    if (strcmp(t->output, "-") != 0 && stat(t->output, &sb) == 0) {
        if (S_ISDIR(sb.st_mode))
            return cli_error("%s: is a directory", t->output);
        if (S_ISREG(sb.st_mode) && !t->o.force)
            return cli_error("%s: exists; use --force to replace it", t->output);
    }
    return CLI_EXIT_OK;
}

/* Both passes over the command line and the checks. */
static int parse_args(struct train_cli *t, int argc, char **argv, struct lsc_error *err)
{
    int c, rc = load_old_models(t, argc, argv, err);
    if (rc != CLI_EXIT_OK)
        return rc;
    while ((c = getopt_long(argc, argv, SHORT_OPTS, long_opts, NULL)) != -1)
        if ((rc = parse_option(t, c, optarg, err)) != CLI_EXIT_OK)
            return rc;
    if (t->o.postgres != NULL && optind < argc)
        return cli_usage_error("--postgres trains on the --table: no input file");
    if (t->o.postgres == NULL && t->o.table != NULL)
        return cli_usage_error("--table names a table of --postgres CONNINFO");
    if (t->o.postgres == NULL && optind != argc - 1)
        return cli_usage_error(optind >= argc ? "an input file is required"
                                              : "only one input file");
    t->o.input = t->o.postgres != NULL ? NULL : argv[optind];
    set_lists(t);
    return check_options(t, err);
}

/* The fit and what is printed after it. */
static int run(struct train_cli *t, struct lsc_error *err)
{
    struct lsc_model *model = NULL;
    struct lsc_train_summary sum;
    int rc = CLI_EXIT_OK;
    int verbosity = t->quiet ? -1 : t->verbose;
    struct lsc_log log = {cli_log, &verbosity};
    struct cli_progress bar;
    cli_progress_init(&bar, "reading", t->quiet, t->output);
    t->o.progress = cli_progress_update;
    t->o.progress_userdata = &bar;
    t->o.model_output = t->output; /* saved with --report, --predictions, ... all or none */
    if (lsc_train(&t->o, &log, &model, &sum, err) != LSC_OK) {
        cli_progress_clear(&bar);
        rc = cli_fail(err);
        return sum.input_rejected ? CLI_EXIT_REJECTED : rc;
    }
    if (!t->quiet) {
        print_summary(model, &sum, &t->o, t->output);
        print_baseline(model);
        if (t->o.points_output != NULL)
            print_points(&sum, &t->o);
    }
    if (t->want_table) {
        FILE *tfp = strcmp(t->output, "-") == 0 ? stderr : stdout;
        print_cv_table(tfp, model);
        print_table(tfp, model);
        if (lsc_model_write_validation(model, tfp, err) != LSC_OK) {
            if (err->file[0] == '\0')
                snprintf(err->file, sizeof err->file, "%s", tfp == stdout ? "<stdout>" : "<stderr>");
            rc = cli_fail(err);
        }
    }
    if (t->o.report != NULL && !t->quiet)
        fprintf(stderr, "report written to %s\n", t->o.report);
    lsc_model_free(model);
    return rc;
}

int main(int argc, char **argv)
{
    struct train_cli t;
    struct lsc_error err;
    int rc;

    cli_init("leadscore-train", argv);
    memset(&t, 0, sizeof t);
    t.output = LSC_DEFAULT_MODEL_DIR "/model.json";
    lsc_train_options_defaults(&t.o);
    lsc_error_clear(&err);
    rc = parse_args(&t, argc, argv, &err);
    if (rc == CLI_DONE)
        rc = CLI_EXIT_OK;
    else if (rc == CLI_EXIT_OK)
        rc = run(&t, &err);
    lsc_like_free(t.like);
    lsc_model_free(t.like_model);
    lsc_model_free(t.baseline);
    cli_list_free(&t.ids);
    cli_list_free(&t.excl);
    cli_list_free(&t.incl);
    cli_list_free(&t.num);
    cli_list_free(&t.cat);
    cli_list_free(&t.pos);
    cli_list_free(&t.days);
    cli_list_free(&t.keep);
    cli_list_free(&t.neg);
    cli_list_free(&t.events);
    lsc_strings_free(t.event_types);
    lsc_strings_free(t.na);
    cli_finish(rc);
}
