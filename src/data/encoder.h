/* encoder - fits the column encoders of a model on a set of training rows.
 *
 * Numeric columns: median imputation, a missing indicator when the training
 * rows have missing values, standardisation (population standard deviation
 * of the imputed values). Categorical columns: levels seen fewer than
 * min_level_count times pooled into "(other)", missing its own level
 * "(missing)" (pooled like any other level when rare), the most frequent
 * level as reference (ties: the level seen first in the file). Constant
 * and empty columns are dropped with a note. */
#ifndef LSC_SRC_ENCODER_H
#define LSC_SRC_ENCODER_H

#include <stddef.h>

#include "dataset.h"
#include "model_def.h"

struct encoder_stats {
    size_t columns_used, columns_dropped;
};

/* Fills m->columns, m->n_columns, m->feature_names, m->n_features (freeing
 * what was there) and *col_src (allocated: the dataset column of each model
 * column). rows (NULL: all) lists the training rows. log may be NULL. */
enum lsc_status lsc_encoder_fit(const struct dataset *ds, const size_t *rows, size_t n,
                            size_t min_level_count, const struct lsc_log *log,
                            struct lsc_model *m, size_t **col_src, struct encoder_stats *stats,
                            struct lsc_error *err);

/* Binning of numeric columns (--bins): about `bins` quantile bins, none
 * holding fewer than min_share of the non-missing training values. */
struct lsc_bin_opts {
    size_t bins;
    double min_share;
};

/* The quantile cuts of --bins, one cut per round, for a caller that cannot
 * hold a column's sorted values (a warehouse, train_pg.c): each round asks
 * for the first distinct value whose count of values below it is at least
 * lsc_cut_rounds_threshold, and the distinct value before it. k non-missing
 * values; at most bins - 1 cuts, each bin at least ceil(min_share k)
 * values (at least 1). */
struct lsc_cut_rounds {
    size_t k, nbins, min_count;
    size_t last, next; /* values below the last cut; the next quantile */
};

void lsc_cut_rounds_begin(struct lsc_cut_rounds *cr, size_t k, const struct lsc_bin_opts *bo);

/* The least count of values below the next cut; SIZE_MAX when no cut is
 * left to find. */
size_t lsc_cut_rounds_threshold(const struct lsc_cut_rounds *cr);

/* The round's answer: found, the first distinct value v with below values
 * below it (below >= the threshold) and prev, the distinct value before v.
 * Adds a cut between prev and v (the roundest number in (prev, v]) at
 * cuts[*n_cuts] and returns 1; returns 0, and ends the rounds, when none
 * was found or too few values are above v. */
int lsc_cut_rounds_take(struct lsc_cut_rounds *cr, int found, size_t below, double prev, double v,
                        double *cuts, size_t *n_cuts);

/* The same, numeric columns cut into bins (model_def.h LSC_COL_BINNED)
 * when bins is non-NULL with bins->bins >= 2. */
enum lsc_status lsc_encoder_fit_binned(const struct dataset *ds, const size_t *rows, size_t n,
                                   size_t min_level_count, const struct lsc_bin_opts *bins,
                                   const struct lsc_log *log, struct lsc_model *m,
                                   size_t **col_src, struct encoder_stats *stats,
                                   struct lsc_error *err);

/* Frees the schema part of a model (columns and feature names). */
void lsc_encoder_clear(struct lsc_model *m);

/* A column as a warehouse summarises it (src/pipeline/train_pg.c): rows
 * (the fitting rows) and missing values; a numeric column's lo, hi,
 * median, and mean and population sd of the median-imputed values; a
 * categorical column's n_values distinct present values and their counts,
 * in the order that breaks ties between equal counts. */
struct lsc_col_summary {
    const char *name;
    int numeric;
    size_t rows, missing;
    double lo, hi, median, mean, sd;
    size_t n_values;
    const char *const *values;
    const size_t *counts;
    /* with --bins (numeric): the cuts the rounds chose (lsc_cut_rounds) on
     * the non-missing values, and the values per bin (n_cuts + 1) */
    size_t n_cuts;
    const double *cuts;
    const size_t *bin_count;
    int no_missing_indicator; /* as ds_column's */
};

/* lsc_encoder_fit_binned's encoders from summaries instead of rows: the
 * same levels, pooling, reference, imputation, standardisation and bins,
 * the same notes. source names the data in the size check's message. */
enum lsc_status lsc_encoder_fit_summaries(const struct lsc_col_summary *cols, size_t n_cols,
                                          size_t min_level_count, const struct lsc_bin_opts *bins,
                                          const char *source, const struct lsc_log *log,
                                          struct lsc_model *m, struct encoder_stats *stats,
                                          struct lsc_error *err);

#endif
