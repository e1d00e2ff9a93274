/* pairs - pairwise interactions chosen from the data (--interactions K).
 *
 * As EBM's FAST does: after the additive (main effects) fit, each pair of
 * binned or categorical columns is scored by the gain of a small 2-D table
 * of coarse groups fitted to the residuals (one Newton step per cell,
 * ridge lambda, less the gain of its two margins); the best K with a
 * positive gain are added to the model as lsc_pair tables.
 */
#ifndef LSC_SRC_PAIRS_H
#define LSC_SRC_PAIRS_H

#include <stddef.h>

#include "dataset.h"
#include "design.h"
#include "model_def.h"

/* At most this many groups per side (a binned side: up to this many
 * ordered ranges, plus missing; a categorical side: the most frequent
 * non-reference levels, the rest pooled with the reference). */
#define LSC_PAIR_GROUPS 4

/* A chosen pair by column names (so a refit on other rows finds it). */
struct lsc_pair_pick {
    char *name[2];
    double gain;
};

void lsc_pair_picks_free(struct lsc_pair_pick *picks, size_t n);

/* Ranks the pairs of m's binned and categorical columns on the view d
 * (eta: its linear predictor under m) and returns the best k with a
 * positive gain, best first (*out allocated, *n_out of them). */
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
