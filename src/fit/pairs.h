/* pairs - pairwise interactions chosen from the data (--interactions K).
 *
 * As EBM's FAST does: after the additive (main effects) fit, each pair of
 * binned or categorical columns is scored by the gain of a small 2-D table
 * fitted to the residuals (one Newton step per cell, ridge lambda, less
 * the gain of its two margins), two ways: fixed coarse groups with a score
 * test, and groups chosen on one half of the rows with their gain measured
 * on the other (docs/points.md); the K most significant are added to the
 * model as lsc_pair tables.
 */
#ifndef LSC_SRC_PAIRS_H
#define LSC_SRC_PAIRS_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "design.h"
#include "model_def.h"

/* A binned side: its bins in up to this many ordered ranges of about
 * equal counts, plus missing. */
#define LSC_PAIR_RANGES 4
/* A categorical side: the pair's groups are chosen among the column's
 * LSC_PAIR_FINE - 1 most frequent levels (the reference among them); at
 * most LSC_PAIR_GROUPS - 1 of them, each its own group, the rest group 0. */
#ifndef LSC_PAIR_GROUPS
#define LSC_PAIR_GROUPS 8
#endif
#define LSC_PAIR_FINE 16
#define LSC_PAIR_COARSE 4

/* A chosen pair by names (so a refit on other rows finds it): its columns
 * and, on a categorical side, the levels of its groups 1.. in order. */
struct lsc_pair_pick {
    char *name[2];
    char **levels[2]; /* NULL on a binned side; else LSC_PAIR_GROUPS - 1 slots */
    size_t n_named[2];
    double gain;      /* fine: held out; coarse: in sample (docs/points.md) */
    int fine;         /* groups chosen by the data (else the fixed coarse ones) */
};

void lsc_pair_picks_free(struct lsc_pair_pick *picks, size_t n);

/* Tests the pairs of m's binned and categorical columns on the view d
 * (eta: its linear predictor under m; half: each view row's half, 0 or 1,
 * or NULL for a fixed hash of its position) and returns the k most
 * significant of those that pass (5 % after a Bonferroni correction), most
 * significant first (*out allocated, *n_out of them). */
enum lsc_status lsc_pairs_choose(const struct design *d, const struct dataset *ds,
                                 const struct lsc_model *m, const size_t *col_src,
                                 const double *eta, const uint8_t *half, double lambda, size_t k,
                                 struct lsc_pair_pick **out, size_t *n_out, struct lsc_error *err);

/* The same from tables a caller sums itself (inside PostgreSQL, one query
 * over the table). A column as one side of a pair: m's column, and the
 * code (0 .. n_groups - 1) of each of its levels (lsc_column_n_levels:
 * binned, bins 0..n_cuts then missing, in ranges of bins; categorical, its
 * most frequent levels 1.., the rest 0). */
struct lsc_pair_side {
    size_t column;
    size_t n_levels, n_groups, n_ordered;
    size_t *group;    /* level -> code */
    size_t reference; /* categorical: the reference level's code */
};

/* The sides of m's columns that can take part in a pair, in column order
 * (*out allocated, *n of them; a candidate pair is two of them, a < b). */
enum lsc_status lsc_pair_sides(const struct lsc_model *m, struct lsc_pair_side **out, size_t *n,
                               struct lsc_error *err);
void lsc_pair_sides_free(struct lsc_pair_side *sides, size_t n);

/* A candidate's table: per half of the rows and per cell (code of side a
 * times nb plus code of side b), the sums of the additive fit's weighted
 * residual s (y - p) (G) and IRLS weight s p (1 - p) (H). */
#define LSC_PAIR_CELLS (LSC_PAIR_FINE * LSC_PAIR_FINE)
struct lsc_pair_table {
    size_t na, nb;
    double G[2][LSC_PAIR_CELLS], H[2][LSC_PAIR_CELLS];
};

/* Fills t's G and H (na, nb set) for the candidate of sides a < b; called
 * from `threads` threads at once. */
typedef void lsc_pair_fill_fn(const void *ctx, size_t a, size_t b, struct lsc_pair_table *t);

enum lsc_status lsc_pairs_choose_tables(const struct lsc_model *m,
                                        const struct lsc_pair_side *sides, size_t ne,
                                        lsc_pair_fill_fn *fill, const void *ctx, size_t threads,
                                        double lambda, size_t k, struct lsc_pair_pick **out,
                                        size_t *n_out, struct lsc_error *err);

/* Adds the picked pairs whose columns m has to m (groups from m's training
 * counts; features appended with coefficient 0). */
enum lsc_status lsc_pairs_add(struct lsc_model *m, const struct lsc_pair_pick *picks, size_t n,
                              struct lsc_error *err);

#endif
