/* drift - reference distributions stored at training and the population
 * stability index (PSI) of a scored batch against them.
 *
 * At training (lsc_drift_ref_build) the model keeps, for the rows its saved
 * coefficients were fitted on:
 *   - the probability distribution in (up to) 10 equal-frequency bins:
 *     interior edges e_1 < ... < e_k (the deciles, ties merged) and the
 *     share of rows in each bin (-inf, e_1], (e_1, e_2], ..., (e_k, inf);
 *   - per numeric column the same deciles of its raw values plus the share
 *     of missing values;
 *   - per categorical column the share of each encoder level (incl.
 *     "(other)" and "(missing)"), from the encoder's training counts.
 * At scoring (struct drift_batch) the same bins are counted while streaming
 * (memory: the bins only). A categorical value never seen in training goes
 * to "(other)" when the column has it, else to an extra "(unseen)" bin with
 * a reference share of 0.
 *
 * PSI = sum over bins of (a_i - e_i) * ln(a_i / e_i), a_i the batch share,
 * e_i the reference share, both floored at DRIFT_PSI_FLOOR so an empty bin
 * counts as a small share instead of an infinite term (the usual practice;
 * e.g. Yurdakul 2018, "Statistical properties of population stability
 * index"). Rules of thumb: < 0.1 stable, 0.1-0.25 moderate shift, > 0.25 a
 * different population.
 */
#ifndef LSC_SRC_DRIFT_H
#define LSC_SRC_DRIFT_H

#include <jansson.h>
#include <stdio.h>

#include "dataset.h"
#include "model_def.h"

#define DRIFT_PSI_FLOOR 1e-4
#define DRIFT_WARN_PSI 0.25
#define DRIFT_BINS 10
/* Below this many scored rows the PSI is mostly sampling noise (a bin of
 * 10% expects fewer than 10 rows): reported, but never a warning. */
#define DRIFT_MIN_ROWS 100

/* One reference distribution. Numeric (and score): n_edges interior edges,
 * n_edges + 1 value shares, then (numeric columns only) the missing share.
 * Categorical: one share per encoder level. */
struct drift_dist {
    size_t n_edges;
    double *edges;
    size_t n_shares;
    double *shares;
    double missing; /* numeric columns; 0 for the score */
};

struct lsc_drift_ref {
    struct drift_dist score;
    size_t n_columns; /* = model columns, same order */
    struct drift_dist *columns;
};

void lsc_drift_ref_free(struct lsc_drift_ref *ref);

/* PSI of two share vectors of length n (see above). */
double lsc_drift_psi(const double *expected, const double *actual, size_t n);

/* Bin of x among edges (x <= edges[i] for the first such i, else n). */
size_t lsc_drift_bin(const double *edges, size_t n, double x);

/* A distribution's edges from its n (at most DRIFT_BINS - 1) deciles in
 * ascending order, ties merged and none at max or above (its bin would be
 * empty), and zeroed shares for them. LSC_ERR_NOMEM. */
enum lsc_status lsc_drift_dist_edges(struct drift_dist *d, const double *deciles, size_t n,
                                     double max, struct lsc_error *err);

/* Builds m->drift from the training rows (rows NULL: all n rows of ds):
 * prob[i] the model's probability of the i-th listed row, col_src the
 * dataset column of each model column. LSC_ERR_NOMEM. */
enum lsc_status lsc_drift_ref_build(struct lsc_model *m, const struct dataset *ds,
                                const size_t *col_src, const size_t *rows, size_t n,
                                const double *prob, struct lsc_error *err);

/* The "drift" member of the model file, NULL on allocation failure. */
json_t *lsc_drift_ref_to_json(const struct lsc_model *m);

/* Parses and validates the "drift" member (obj) against m's columns into
 * m->drift. LSC_ERR_MODEL naming the field, LSC_ERR_NOMEM. */
enum lsc_status lsc_drift_ref_from_json(struct lsc_model *m, const json_t *obj, const char *file,
                                    struct lsc_error *err);

/* Batch accumulation while scoring. */
struct drift_batch {
    const struct lsc_model *m;
    size_t rows;
    size_t *score_counts;
    size_t **counts; /* per column: numeric n_shares + 1 (missing);
                        categorical n_levels + 1 (unseen) */
    double *scratch; /* per column value of the current row */
};

/* LSC_ERR_NOMEM. m->drift must be set. lsc_drift_batch_fini after a failure. */
enum lsc_status lsc_drift_batch_init(struct drift_batch *b, const struct lsc_model *m,
                                 struct lsc_error *err);
void lsc_drift_batch_fini(struct drift_batch *b);

/* Per row: drift_batch_set() for each column (numeric: the raw value, NaN
 * when missing; categorical: the level index, or SIZE_MAX for an unseen
 * value), then lsc_drift_batch_commit() with the probability when the row was
 * scored (a rejected row is not committed). */
static inline void drift_batch_set(struct drift_batch *b, size_t j, double v)
{
    b->scratch[j] = v;
}
void lsc_drift_batch_commit(struct drift_batch *b, double prob);

/* The result of a batch. */
struct drift_column_result {
    size_t column;
    double psi;
};
struct drift_result {
    size_t rows;
    double score_psi;
    size_t n_columns;
    struct drift_column_result *columns; /* sorted by psi, largest first */
};

enum lsc_status lsc_drift_batch_result(const struct drift_batch *b, struct drift_result *out,
                                   struct lsc_error *err);
void lsc_drift_result_fini(struct drift_result *r);

/* Writes the batch's drift report as JSON. LSC_ERR_IO, LSC_ERR_NOMEM. */
enum lsc_status lsc_drift_write_json(const struct drift_batch *b, const struct drift_result *r,
                                 FILE *fp, const char *path, struct lsc_error *err);

#endif
