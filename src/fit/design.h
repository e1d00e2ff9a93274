/* design - the encoded design matrix as a view, never materialised whole.
 *
 * Features split into a dense block (numeric values and missing indicators,
 * q columns) produced on demand, BLOCK rows at a time, and categorical blocks
 * kept as one feature index per row and column (-1 for the reference
 * level). This keeps 10M-row training within memory and lets X'WX be formed
 * from the one-hot structure: count accumulation for categorical blocks,
 * dsyrk for the dense block.
 */
#ifndef LSC_SRC_DESIGN_H
#define LSC_SRC_DESIGN_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "model_def.h"

#define DESIGN_BLOCK 1024

struct design_dense {
    const struct ds_column *src;
    double median, mean, sd;
    int indicator;      /* 1: the missing indicator, 0: the standardised value */
    double *table;      /* per code: the encoded value (dictionary columns) */
    size_t feature;     /* model feature index */
};

struct design_cat {
    const uint32_t *codes;
    int32_t *map;       /* code -> feature index, -1 for the reference level */
    uint32_t *own;      /* codes made by the view (binned raw columns), or NULL */
};

/* A binned column: its block above holds one indicator per bin (the lowest
 * bin the reference); the model's features are steps, feature[k] = 1 when
 * the bin is above k, so beta_bin[b] = sum of the first b steps. The view
 * computes in bin space and converts at its edges (lsc_design_linear takes
 * step coefficients; lsc_design_to_steps converts gradient and Hessian). */
struct design_steps {
    const size_t *feature;
    size_t n;
    size_t *own;        /* feature list made by the view (interactions), or NULL */
};

struct design {
    size_t n;           /* rows in the view */
    const size_t *rows; /* dataset rows (NULL: 0..n-1); lent */
    size_t p;           /* features including the intercept */
    size_t q;           /* dense features */
    struct design_dense *dense;
    size_t nc;
    struct design_cat *cats;
    const double *y;    /* dataset targets (indexed by dataset row); lent */
    /* Row weights indexed by dataset row (lent; NULL = unweighted, every row
     * counts once). lsc_design_build leaves it NULL; the caller sets it. They
     * multiply each row's log-loss, gradient and Hessian contribution. */
    const double *w;
    size_t ns;
    struct design_steps *steps;
};


/* Builds the view of rows (lent; NULL: all n) of ds under the model's
 * encoders; col_src maps model columns to dataset columns. Values the
 * encoder did not see in training rows map to "(other)" or the reference,
 * exactly as the scorer does. */
enum lsc_status lsc_design_build(struct design *d, const struct dataset *ds,
                             const struct lsc_model *m, const size_t *col_src, const size_t *rows,
                             size_t n, struct lsc_error *err);
void lsc_design_free(struct design *d);

/* Dataset row of view row i. */
static inline size_t design_row(const struct design *d, size_t i)
{
    return d->rows ? d->rows[i] : i;
}

/* Weight of view row i (1 when unweighted). */
static inline double design_weight(const struct design *d, size_t i)
{
    return d->w ? d->w[design_row(d, i)] : 1.0;
}

/* The level (lsc_column_n_levels) of a binned or categorical column c for
 * each of rows (NULL: all n) of its source column src. */
enum lsc_status lsc_design_levels(const struct dataset *ds, const struct lsc_column_enc *c,
                                  const struct ds_column *src, const size_t *rows, size_t n,
                                  uint32_t *out, struct lsc_error *err);

/* A view without rows, only p and the steps of the model's binned columns
 * and of its interactions' chains, for sums made in bin space elsewhere
 * (inside a database, train_pg.c) to convert with the two functions below. */
enum lsc_status lsc_design_steps_only(struct design *d, const struct lsc_model *m,
                                      struct lsc_error *err);

/* Bin-space coefficients from step coefficients (out may not alias beta). */
void lsc_design_steps_to_bins(const struct design *d, const double *beta, double *out);

/* Converts a gradient g (and, when non-NULL, a symmetric p x p Hessian H)
 * from bin space to step space, in place. */
void lsc_design_to_steps(const struct design *d, double *g, double *H);

/* Fills out (m x q, row-major) with view rows i0 .. i0+m-1. */
void lsc_design_fill_dense(const struct design *d, size_t i0, size_t m, double *out);

/* eta[i] = x_i . beta for every view row (eta has n entries). */
enum lsc_status lsc_design_linear(const struct design *d, const double *beta, double *eta,
                              struct lsc_error *err);

/* The same, and (when loss is non-NULL) the sum over rows of
 * w_i [log(1 + exp(eta_i)) - y_i eta_i], in the same pass. */
enum lsc_status lsc_design_linear_loss(const struct design *d, const double *beta, double *eta,
                                   double *loss, struct lsc_error *err);

/* Writes the view as CSV: feature names (without the intercept) and a
 * column __target__, last unless the view is weighted: then a column
 * __weight__ with d->w follows. */
enum lsc_status lsc_design_export_csv(const struct design *d, const struct lsc_model *m,
                                  const char *path, int force, struct lsc_error *err);

#endif
