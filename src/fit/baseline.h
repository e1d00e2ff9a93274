/* baseline - compares a retrained model with the model it would replace on
 * the new training run's validation (holdout) rows.
 *
 * The old model scores the holdout rows with its own encoders (the same
 * arithmetic as the scorer: median imputation and standardisation for
 * numerics, its own levels, (other) or the reference for unseen values).
 * Reported: both AUCs with the paired DeLong test (rankstats), the absolute
 * shift of the 1..100 score per lead (mean, median), the share of leads
 * whose tier changes (each model with its own cut-offs) and a
 * recommendation. Rows the old model cannot score (text in one of its
 * numeric columns) are left out of the comparison and counted.
 */
#ifndef LSC_SRC_BASELINE_H
#define LSC_SRC_BASELINE_H

#include <jansson.h>

#include "dataset.h"
#include "model_def.h"

struct lsc_baseline_stat {
    char *file;            /* the old model file as given */
    char *created;         /* its "created" */
    char *training_sha256; /* its training file's digest */
    size_t rows, positives, rows_unscorable;
    double auc_new, auc_old, auc_difference, se, z, p_value;
    double mean_abs_shift, median_abs_shift; /* score points */
    double tier_change_share;
    char *recommendation;
    /* 1 when the old model was fitted on these very holdout rows (trained
     * on the same file and refit on all rows, or without a holdout): its
     * AUC here is in-sample, so optimistic */
    int old_in_sample;
};

void lsc_baseline_stat_free(struct lsc_baseline_stat *b);

/* The old model's probability for one dataset row: 1 and *p, or 0 when a
 * numeric column of the old model holds text in that row. src[j] is the
 * dataset column of the old model's column j. */
int lsc_baseline_predict_row(const struct lsc_model *old, const struct dataset *ds, const size_t *src,
                         size_t row, double *p);

/* Maps the old model's columns to dataset columns (*src allocated).
 * LSC_ERR_DATA naming a column the new run did not load; LSC_ERR_NOMEM. */
enum lsc_status lsc_baseline_map(const struct lsc_model *old, const struct dataset *ds,
                             const char *old_file, size_t **src, struct lsc_error *err);

/* Compares on the holdout rows hold[0..n): prob_new[i] the new model's
 * probability of row hold[i]. Sets m->baseline. LSC_ERR_DATA (a single class
 * among the compared rows), LSC_ERR_NOMEM. */
enum lsc_status lsc_baseline_compare(struct lsc_model *m, const struct lsc_model *old,
                                 const char *old_file, const struct dataset *ds, const size_t *hold,
                                 size_t n, const double *prob_new, struct lsc_error *err);

/* LSC_OK when b's rows hold both classes, else LSC_ERR_DATA naming file. */
enum lsc_status lsc_baseline_check_classes(const struct lsc_baseline_stat *b, const char *file,
                                           struct lsc_error *err);

/* Completes b, whose rows, positives, rows_unscorable, AUCs, shifts and tier
 * change share are set (by lsc_baseline_compare, or by SQL inside
 * PostgreSQL): the paired test from the DeLong (co)variances var = {new,
 * old, between}, the record of the old model and the recommendation (the
 * old model counts as fitted on these rows when same_data, it was trained
 * on the same file or table, and it was refit or had no holdout). Sets
 * m->baseline, taking b (freed on failure: LSC_ERR_NOMEM). */
enum lsc_status lsc_baseline_attach(struct lsc_model *m, const struct lsc_model *old,
                                    const char *old_file, int same_data,
                                    struct lsc_baseline_stat *b, const double var[3],
                                    struct lsc_error *err);

json_t *lsc_baseline_to_json(const struct lsc_baseline_stat *b);
enum lsc_status lsc_baseline_from_json(struct lsc_model *m, const json_t *obj, const char *file,
                                   struct lsc_error *err);

#endif
