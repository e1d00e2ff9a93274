/* leadscore/compare.h - manual rule scores against the model on labelled
 * history: the side-by-side validation report (docs/compare.md).
 *
 * A comparison is made by lsc_score() when its options name a label column
 * (leadscore/score.h); the result is handed to the caller in
 * struct lsc_score_summary. It holds the whole analysis, ready to be
 * written as JSON (the stable contract of docs/compare.md) or as a text
 * report for people.
 */
#ifndef LEADSCORE_COMPARE_H
#define LEADSCORE_COMPARE_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_compare;

/* Accepts NULL. */
void lsc_compare_free(struct lsc_compare *c);

/* Writes the comparison as JSON (keys in the documented order, reals with
 * 17 significant digits, a final newline) to fp. LSC_ERR_IO when writing
 * fails, LSC_ERR_NOMEM. */
enum lsc_status lsc_compare_write_json(const struct lsc_compare *c, FILE *fp,
                                       struct lsc_error *err);

/* Writes the readable report (tables and recommendations) to fp.
 * LSC_ERR_IO when writing fails. */
enum lsc_status lsc_compare_write_report(const struct lsc_compare *c, FILE *fp,
                                         struct lsc_error *err);

/* The headline numbers. Values that do not apply (no model, no rules) are
 * NaN. */
struct lsc_compare_headline {
    size_t rows; /* labelled rows with every score compared */
    size_t positives;
    size_t rows_skipped_label; /* rows with a missing label */
    size_t rows_skipped_score; /* labelled rows lacking a score */
    size_t rows_skipped_label_value; /* labels neither --positive nor --negative */
    double model_auc, model_auc_ci_low, model_auc_ci_high;
    double rules_auc, rules_auc_ci_low, rules_auc_ci_high;
    double auc_difference, auc_difference_p_value; /* model - rules */
};

void lsc_compare_headline(const struct lsc_compare *c, struct lsc_compare_headline *out);

/* Parses an outcome value as the trainer parses its target: with no
 * positive values listed, 1/0, true/false, yes/no, y/n (any case) and the
 * numbers 1 and 0; with a list, the listed values (exactly, else ignoring
 * ASCII case) are 1 and every other value 0. A missing value (empty, NA,
 * N/A, NULL, null, NaN, after trimming) is LSC_LABEL_MISSING either way; an
 * unrecognised one LSC_LABEL_UNKNOWN. (lsc_score with --negative values
 * also skips labels that are neither.) */
enum { LSC_LABEL_MISSING = -1, LSC_LABEL_UNKNOWN = -2 };
int lsc_compare_parse_label(const char *s, size_t len, const char *const *positive,
                            size_t n_positive);

#ifdef __cplusplus
}
#endif
#endif
