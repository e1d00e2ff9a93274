/* leadscore/retrain.h - retraining the way the business does it.
 *
 * --like: an earlier model's training options (roles, encodings' settings,
 * penalty, split, tiers) reused on a new export; options given explicitly
 * override them. --baseline: the model being replaced, compared with the
 * new one on the new holdout rows (lsc_train_options.baseline). See
 * docs/retraining.md.
 */
#ifndef LEADSCORE_RETRAIN_H
#define LEADSCORE_RETRAIN_H

#include <stddef.h>

#include "leadscore/model.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#ifdef __cplusplus
extern "C" {
#endif

/* The training options stored in a model, ready to copy. Opaque. */
struct lsc_like;

/* Reads old's "options" record. Errors: LSC_ERR_MODEL (a missing or
 * mistyped option, naming it), LSC_ERR_NOMEM. *out is the caller's, to free
 * with lsc_like_free(); it borrows strings from old, which must outlive it. */
enum lsc_status lsc_like_new(const struct lsc_model *old, struct lsc_like **out,
                             struct lsc_error *err);

/* Copies every stored option into *opts: target, positive, id, exclude,
 * include, numeric, categorical, na_values, delimiter, min_level_count,
 * l2, holdout, seed, refit, max_iter, tol and the tiers. Leaves input and
 * the output options (export_design, predictions, force, baseline) alone.
 * The lists stay valid while like does. */
void lsc_like_apply(const struct lsc_like *like, struct lsc_train_options *opts);

void lsc_like_free(struct lsc_like *like);

/* The comparison with the replaced model stored in a model (--baseline). */
struct lsc_baseline_info {
    const char *model;                       /* the old model file as given */
    const char *created;                     /* when the old model was trained */
    size_t rows, positives;                  /* holdout rows compared */
    size_t rows_unscorable;                  /* holdout rows the old model could not score */
    double auc_new, auc_old;                 /* Mann-Whitney AUCs */
    double auc_difference, se, z, p_value;   /* paired DeLong test */
    double mean_abs_shift, median_abs_shift; /* |new score - old score| */
    double tier_change_share;                /* leads whose tier changes */
    const char *recommendation;
    int old_in_sample; /* the old model was fitted on these rows */
};

/* 1 and *out filled (strings lent by m) when m has a baseline, else 0. */
int lsc_model_baseline(const struct lsc_model *m, struct lsc_baseline_info *out);

#ifdef __cplusplus
}
#endif
#endif
