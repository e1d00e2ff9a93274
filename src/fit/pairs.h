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
 * (eta: its linear predictor under m) and returns the k most significant
 * of those that pass (5 % after a Bonferroni correction), most significant
 * first (*out allocated, *n_out of them). */
enum lsc_status lsc_pairs_choose(const struct design *d, const struct dataset *ds,
                                 const struct lsc_model *m, const size_t *col_src,
                                 const double *eta, double lambda, size_t k,
                                 struct lsc_pair_pick **out, size_t *n_out,
                                 struct lsc_error *err);

/* Adds the picked pairs whose columns m has to m (groups from m's training
 * counts; features appended with coefficient 0). */
enum lsc_status lsc_pairs_add(struct lsc_model *m, const struct lsc_pair_pick *picks, size_t n,
                              struct lsc_error *err);

#endif
