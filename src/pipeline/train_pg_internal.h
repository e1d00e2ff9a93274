/* train_pg_internal - what the run inside PostgreSQL (train_pg.c: the
 * table, the encoding pass, the fits) shares with its cross-validation
 * (train_pg_cv.c) and the queries after a fit (train_pg_checks.c): the
 * run's state, the SQL text buffers, the iteration query. */
#ifndef LSC_SRC_TRAIN_PG_INTERNAL_H
#define LSC_SRC_TRAIN_PG_INTERNAL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadscore/train.h"
#include "alloc.h"
#include "baseline.h"
#include "cv.h"
#include "design.h"
#include "encoder.h"
#include "newton.h"
#include "pairs.h"
#include "pg_query.h"
#include "sql_text.h"
#include "sha256.h"
#include "status_internal.h"
#include "weights.h"

#define PG LSC_SQL_POSTGRES

/* A candidate feature column of the table and what the encoding pass
 * learned of it. */
struct pg_col {
    const char *name;
    int force; /* 0 infer, 1 --numeric, 2 --categorical */
    int keep;  /* --keep-feature */
    int numeric, excluded;
    size_t missing_all, missing, text, distinct, distinct_x, dated; /* missing: fit rows */
    int whole;
    double lo, hi, median, s1, s2;
    double range[4]; /* numeric: min and max (median-imputed) of the not
                        converted, then of the converted fit rows */
    size_t n_values;
    char **values;
    size_t *counts, *positives; /* per value, on the fit rows */
    size_t missing_positives;
    char *date_example; /* the least ISO date, when there is one */
    /* --days-since, --account-column: "days since SOURCE", "leads per
     * account (SOURCE)", from the table's column src */
    int derived; /* derive.h's kind: DERIVE_DAYS_SINCE or DERIVE_ACCOUNT */
    size_t src;
    char *own_name;
    /* --events-table (train_pg_events.c): an activity-log feature
     * (derived DERIVE_EVENT, src the lead id): its type (lent by the
     * run's events), statistic and window; no_indicator: its missing
     * values take the median only (as event_features.c) */
    const char *event_type;
    int event_stat;
    long event_window;
    int no_indicator;
    /* --bins (train_pg_bins.c): the rounds of a numeric column's cuts on
     * the fitting rows, the cuts, and the values below each cut */
    struct lsc_cut_rounds rounds;
    size_t n_cuts;
    double *cuts;
    size_t *below, *bin_count;
};

/* A slot of the sparse design row: the feature it sets (an SQL integer
 * expression, NULL for none) and its value. */
struct pg_slot {
    char *idx, *val;
    size_t feature; /* a dense slot's fixed feature (the intercept, a
                       numeric value); SIZE_MAX when idx varies by row */
};

struct pg_run {
    const struct lsc_train_options *o;
    const struct lsc_log *log;
    struct lsc_train_summary *sum;
    struct lsc_pg *pg;
    char *table;   /* quoted */
    char *display; /* "NAME (PostgreSQL)" */
    size_t n_names;
    char **names; /* the table's columns */
    size_t *lens;
    struct lsc_train_options opts; /* r->o, every column name as the table
                                      spells it (resolved[]) */
    const char **resolved;
    size_t target;
    char *y_case; /* over v_T: 1, 0 or NULL (skipped) */
    struct pg_col *cols;
    size_t n_cols;
    size_t rows_total, rows_used, positives, skipped_target, skipped_value;
    int all;                            /* fit on every usable row (else: not the holdout) */
    size_t id;                          /* the --id column (table index), when a holdout */
    size_t train_rows, train_positives; /* usable rows outside the holdout */
    size_t weight;                      /* the --weight column (table index) */
    size_t date;                        /* the --split-date column (table index) */
    size_t hold_rows, hold_positives;   /* usable rows in the holdout */
    size_t bad_dates;                   /* --split-date values that are no ISO date */
    long as_of;                         /* --days-since: the day measured from */
    char as_of_text[16];
    char *bad_date; /* the least of them */
    /* --report: the holdout's (outcome, probability to 4 decimals) groups
     * and their rows */
    double *rep_y, *rep_p, *rep_w;
    size_t rep_n;
    struct weights_info winfo; /* the current fit's weights (weighted runs) */
    int whole;                 /* the current fit's weights are whole numbers */
    struct lsc_model *m;
    struct pg_slot *slots;
    size_t n_slots;
    size_t *col_of; /* model column -> candidate */
    /* the iteration query around beta: base, FROM up to beta, after it
     * (through eta), mu and the weights, the tail (the sums) */
    char *iter_base, *iter_from, *iter_after, *iter_mu, *iter_tail;
    /* the last query's sums (newton callbacks) */
    double *g, *H, loss;
    /* --bins: the steps of the binned columns; the queries compute in bin
     * space (lsc_design_steps_to_bins, lsc_design_to_steps) */
    struct design steps;
    double *bin_beta; /* P: put_coefficients' bin-space beta */
    /* --cv: the path, and each fold's (and the rows without an id's) rows,
     * positives, weight and weighted positives (fold_counts) */
    struct cv_path cv;
    double *cv_stat;
    size_t queries, cv_queries; /* iterations; --cv's fits and metrics */
    /* --interactions: the pairs, chosen once (on the first fit's rows) and
     * kept by name for the refit (train_pg_pairs.c) */
    struct lsc_pair_pick *picks;
    size_t n_picks;
    int pairs_chosen;
    /* the model's training.sha256: of the encoding pass's results (the
     * rows never leave the database) */
    struct sha256_ctx digest;
    /* --baseline: the comparison on the holdout rows, completed (and
     * moved into the model) once the digest is known; its DeLong
     * (co)variances {new, old, between} */
    struct lsc_baseline_stat *base;
    double base_var[3];
    /* --events-table: the log, its columns and the chosen types */
    struct pg_events *events;
};

/* ---- SQL text --------------------------------------------------------- */

struct sql {
    FILE *fp;
    char *s;
    size_t len;
};

static inline enum lsc_status sql_open(struct sql *q, struct lsc_error *err)
{
    q->s = NULL;
    q->fp = open_memstream(&q->s, &q->len);
    return q->fp != NULL ? LSC_OK : lsc_error_nomem(err);
}

/* Closes the stream; the text is q->s (NULL when out of memory). */
static inline enum lsc_status sql_close(struct sql *q, struct lsc_error *err)
{
    int bad = ferror(q->fp);
    fclose(q->fp);
    if (bad || q->s == NULL) {
        free(q->s);
        q->s = NULL;
        return lsc_error_nomem(err);
    }
    return LSC_OK;
}

static inline double num_or(const char *s, double dflt)
{
    return s != NULL ? strtod(s, NULL) : dflt;
}

/* The holdout: the rows dated on or after --cutoff (--split-date), else
 * those whose id hashes into the --holdout share. */
static inline int by_date(const struct pg_run *r)
{
    return r->o->split_date != NULL;
}
static inline int by_id(const struct pg_run *r)
{
    return !by_date(r) && r->o->holdout > 0.0;
}
static inline int has_holdout(const struct pg_run *r)
{
    return by_date(r) || by_id(r);
}
/* --cv: folds by a hash of the id too */
static inline int cv_on(const struct pg_run *r)
{
    return r->o->cv_folds > 0;
}
/* --interactions: the pairs' halves by a hash of the id too */
static inline int reads_id(const struct pg_run *r)
{
    return by_id(r) || cv_on(r) || r->o->interactions > 0;
}
static inline int has_weight(const struct pg_run *r)
{
    return r->o->weight != NULL;
}
static inline int weighted(const struct pg_run *r)
{
    return has_weight(r) || r->o->class_weight_balanced;
}

/* The rows of the current fit, after WHERE. */
static inline const char *fit_filter(const struct pg_run *r)
{
    return r->all || !has_holdout(r) ? "y IS NOT NULL" : "y IS NOT NULL AND NOT hold";
}

static inline size_t fit_rows(const struct pg_run *r)
{
    return r->all || !has_holdout(r) ? r->rows_used : r->train_rows;
}

static inline size_t count_of(const char *s)
{
    return s != NULL ? (size_t)strtoull(s, NULL, 10) : 0;
}

/* The candidate index the target's value is v_T of, and the id's (for
 * the holdout's hash). */
static inline size_t target_slot(const struct pg_run *r) { return r->n_cols; }
static inline size_t id_slot(const struct pg_run *r) { return r->n_cols + 1; }
static inline size_t weight_slot(const struct pg_run *r) { return r->n_cols + 2; }
static inline size_t date_slot(const struct pg_run *r) { return r->n_cols + 3; }

/* --bins: c's cuts are still being chosen. */
static inline int cutting(const struct pg_col *c)
{
    return c->cuts != NULL && lsc_cut_rounds_threshold(&c->rounds) != SIZE_MAX;
}

static inline size_t fit_positives(const struct pg_run *r)
{
    return r->all || !has_holdout(r) ? r->positives : r->train_positives;
}

/* Per-row values as a LATERAL unnest of one-element arrays, at most
 * LAT_ARGS to a call (a function takes at most 100 arguments): the planner
 * neither inlines them (a value used many times, v_j in a CASE of levels,
 * is computed once per row) nor stops the scan from running in parallel
 * workers, as a LATERAL (SELECT ... OFFSET 0) would. */
#define LAT_ARGS 90

struct lateral {
    FILE *fp;
    FILE *select; /* gets "alias.*, " per call (may be NULL) */
    const char *alias;
    size_t n, chunk;
    struct sql names; /* the current call's column names */
};

void lsc_pgtrain_lateral_begin(struct lateral *l, FILE *fp, FILE *select, const char *alias);
/* Starts the next value: the caller writes its expression to l->fp. */
void lsc_pgtrain_lateral_value(struct lateral *l, const char *name_fmt, size_t k);
void lsc_pgtrain_lateral_end(struct lateral *l);

/* put_base's flags: the candidates' numbers x_j; the --weight column's
 * v, na and x (weight_slot). */
enum { BASE_NUMBERS = 1, BASE_WEIGHT = 2 };

/* The candidates a query reads: those in [from, to), the kept ones (not
 * excluded), the model's columns, none, or those whose cuts are being
 * chosen (train_pg_bins.c). */
enum base_cols { COLS_RANGE, COLS_KEPT, COLS_MODEL, COLS_NONE, COLS_CUTTING };

/* Opens q and writes put_base's WITH t2 over the candidates cols names. */
enum lsc_status lsc_pgtrain_open_query(const struct pg_run *r, struct sql *q, enum base_cols cols,
                                       size_t from, size_t to, int flags, struct lsc_error *err);

/* s, a fitting row's weight (weights.h, lsc_weights_for_fit): the --weight
 * value times, when balanced, its class's factor. */
void lsc_pgtrain_put_weight(FILE *fp, const struct pg_run *r);

/* FROM the table through eta, for each of n coefficient vectors x[i]
 * beside its key which[i] (bb.cvk): each row once per vector. */
void lsc_pgtrain_put_from_each(FILE *fp, const struct pg_run *r, size_t n, const size_t *which,
                               const double *const *x);

/* p, the probability, from eta (after put_from). */
#define P_LATERAL                                                                                  \
    "  CROSS JOIN LATERAL unnest(ARRAY[CASE WHEN eta >= 0 THEN 1 / (1 + exp(GREATEST(-eta, "       \
    "-745))) ELSE exp(GREATEST(eta, -745)) / (1 + exp(GREATEST(eta, -745))) END]) AS pp(p)\n"

/* Where an iteration query's sums go: the gradient's (p), X'WX (p x p)
 * and the loss. */
struct pg_sums {
    double *g, *H, *loss;
};

/* One row of the iteration's result (the layout of put_unnest), its key
 * in column off, into s. */
void lsc_pgtrain_take_sums(const struct pg_run *r, const struct pg_sums *s,
                           const struct lsc_pg_rows *rows, size_t i, size_t off);

/* The iteration query: its sums at beta (which == NULL), or, per key
 * which[i] (bb.cvk, the fold left out), at x[i] for each of n points. */
void lsc_pgtrain_put_iteration_query(FILE *fp, const struct pg_run *r, size_t n,
                                     const size_t *which, const double *const *x);

/* The ridge of an L2 fit at beta: 0.5 l2 times the sum of squares of
 * every coefficient but the intercept (the CSV path's, newton.h). */
static inline double lsc_pgtrain_ridge(const double *beta, size_t P, double l2)
{
    double pen = 0.0;
    for (size_t j = 1; j < P; j++)
        pen += beta[j] * beta[j];
    return 0.5 * l2 * pen;
}

/* A fit's gradient and Hessian from an iteration query's sums sg (of
 * (y - mu) x, P) and sH (X'WX, P x P): g = -sg and H = sH, with the
 * ridge's l2 beta and l2 added off the intercept when l2 > 0 (0 for the
 * elastic net, which takes its penalty itself). H may be NULL: the
 * gradient alone (newton.c, at a stalled end). */
static inline void lsc_pgtrain_derivatives(const double *sg, const double *sH, size_t P, double l2,
                                           const double *beta, double *g, double *H)
{
    for (size_t j = 0; j < P; j++)
        g[j] = l2 > 0.0 && j > 0 ? -sg[j] + l2 * beta[j] : -sg[j];
    if (H == NULL)
        return;
    memcpy(H, sH, P * P * sizeof *H);
    if (l2 > 0.0)
        for (size_t j = 1; j < P; j++)
            H[j * P + j] += l2;
}

/* Runs the iteration query at beta: r->loss, r->g (sums of (y - mu) x)
 * and r->H (X'WX, both triangles). */
/* The slots, the iteration query and the room for its sums, for m's
 * features as they are now. */
enum lsc_status lsc_pgtrain_prepare(struct pg_run *r, struct lsc_error *err);

/* Newton's method on the prepared queries to tol, from the base rate's
 * log-odds when m's coefficients are all 0 (hessian: NULL or P x P). */
enum lsc_status lsc_pgtrain_newton(struct pg_run *r, double tol, double *hessian,
                                   struct newton_result *nr, struct lsc_error *err);

/* train_pg_pairs.c: --interactions. The first time, the additive fit and
 * one query of the pairs' tables on its residuals (pairs.h); then the
 * picks added to m (lsc_pairs_add). */
enum lsc_status lsc_pgtrain_pairs(struct pg_run *r, struct lsc_error *err);

/* A pair's cell feature for the row (NULL for a reference cell). */
char *lsc_pgtrain_pair_index(const struct pg_run *r, const struct lsc_pair *pr);

enum lsc_status lsc_pgtrain_iterate(struct pg_run *r, const double *beta, struct lsc_error *err);

/* FROM the table through eta, at beta. */
void lsc_pgtrain_put_from(FILE *fp, const struct pg_run *r, const double *beta);

/* The text of column name of the row alias, without the spaces and tabs
 * around it (as the CSV reader trims a field). */
void lsc_pgtrain_put_trimmed(FILE *fp, const char *alias, const char *name);

/* Feeds an encoding query's results to the digest. */
void lsc_pgtrain_digest_rows(struct pg_run *r, const struct lsc_pg_rows *rows);

/* SELECT key, count(*): per account key of column j's source (the
 * --account-column), its rows in the table, every row counted whatever
 * its target (derive.h), a missing account in none. */
void lsc_pgtrain_put_account_counts(FILE *fp, const struct pg_run *r, size_t j);

/* 1 when v (a trimmed text, an SQL expression) is a date
 * lsc_parse_iso_date() reads, as an SQL boolean. */
void lsc_pgtrain_put_iso_valid(FILE *fp, const char *v);

/* ---- --events-table (train_pg_events.c) ------------------------------- */

struct pg_events;
void lsc_pgtrain_events_free(struct pg_events *e);
/* Before the candidates: the leads' id column (the first --id, else a
 * usual name) and --outcome-date's, which are no features then (role[j]
 * 2, with choose_columns' notes); r->events. */
enum lsc_status lsc_pgtrain_events_roles(struct pg_run *r, int *role, struct lsc_error *err);
/* After the table's candidates: the log's columns, the checks of the
 * leads' ids and outcome dates and of the log's times (exit 3), the
 * notes, the types; their features appended to r->cols, which gets room
 * for room more. */
enum lsc_status lsc_pgtrain_event_columns(struct pg_run *r, size_t room, struct lsc_error *err);
/* "  LEFT JOIN (...) AS ea ON ...\n": each row's lead's aggregates. */
void lsc_pgtrain_events_join(FILE *fp, const struct pg_run *r);
/* The one-element arrays of event candidate j's na_j and x_j (over ea). */
void lsc_pgtrain_event_missing(FILE *fp, const struct pg_run *r, size_t j);
void lsc_pgtrain_event_value(FILE *fp, const struct pg_run *r, size_t j);
/* The model's "events" section (none without --events-table). */
enum lsc_status lsc_pgtrain_events_model(struct pg_run *r, struct lsc_error *err);

/* ---- --bins (train_pg_bins.c) ----------------------------------------- */

/* --bins: the cuts of each numeric candidate on the current fit's rows
 * (encoder.h's lsc_cut_rounds), one query per round for all columns. */
enum lsc_status lsc_pgtrain_choose_cuts(struct pg_run *r, struct lsc_error *err);

/* Frees a candidate's cuts. */
void lsc_pgtrain_cuts_free(struct pg_col *c);

/* The SQL of binned column c's bin-space feature (NULL in the lowest
 * bin), from x_j; malloc'd, NULL when out of memory. */
char *lsc_pgtrain_bin_index(const struct lsc_column_enc *c, size_t j);

/* Rows and converted rows per bin-space feature of the binned columns and
 * per cell of the pairs (separation, as the CSV path counts its bins and
 * cells) over the fit's rows, into cnt and pos (P each). */
enum lsc_status lsc_pgtrain_bin_counts(struct pg_run *r, size_t *cnt, size_t *pos,
                                       struct lsc_error *err);

/* ---- after the fit (train_pg_checks.c) ---------------------------------- */

/* The leakage check of the CSV path (diagnostics.h, lsc_diag_leakage)
 * after the first fit: each model column's univariate AUC on the holdout
 * (without one, on the fitting rows), a categorical scored by its values'
 * conversion rates on the fitting rows, a numeric by its value. */
enum lsc_status lsc_pgtrain_leakage(struct pg_run *r, struct lsc_error *err);

/* The holdout's metrics and validation tables, as the CSV path's, from
 * aggregates over the holdout's probabilities. */
enum lsc_status lsc_pgtrain_validate(struct pg_run *r, struct lsc_error *err);

/* --baseline: the old model scored inside the database on the holdout rows
 * of the fit just validated, compared as the CSV path compares. */
enum lsc_status lsc_pgtrain_compare_baseline(struct pg_run *r, struct lsc_error *err);

/* Separation and collinearity, as the CSV path finds them on its design:
 * from the level counts and per-class ranges of the encoding pass, and the
 * Gram matrix of one more aggregate query (at beta = 0 every weight is
 * 1/4, so it returns X'X / 4). */
enum lsc_status lsc_pgtrain_diagnose(struct pg_run *r, struct lsc_error *err);

/* --account-reference counts: the model's "accounts", the leads per
 * account key of the whole table (as the CSV path's of the whole file),
 * for the scorer to count a batch against. One row per account crosses
 * the connection. */
enum lsc_status lsc_pgtrain_account_reference(struct pg_run *r, struct lsc_error *err);

/* The drift reference of the saved fit's rows (drift.c's, without its
 * sample: every row). */
enum lsc_status lsc_pgtrain_drift_reference(struct pg_run *r, struct lsc_error *err);

/* --cv on the fit's rows, once (train_pg_cv.c): the chosen lambda into the
 * model, the path kept for it. */
enum lsc_status lsc_pgtrain_cross_validate(struct pg_run *r, struct lsc_error *err);

#endif
