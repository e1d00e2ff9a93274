/* leadscore/report.h - validation tables and HTML reports for people
 * (docs/reports.md).
 *
 * The training report is written by lsc_train() when its options name one
 * (struct lsc_train_options.report); the comparison report by lsc_score()
 * when its compare_report file ends in .html or .htm, or by
 * lsc_compare_write_html() below.
 */
#ifndef LEADSCORE_REPORT_H
#define LEADSCORE_REPORT_H

#include <stdio.h>

#include "leadscore/compare.h"
#include "leadscore/model.h"
#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Writes the holdout's validation tables (KS, calibration by decile with
 * the Hosmer-Lemeshow test, lift and cumulative gains) as text, or a line
 * saying the model has none. LSC_ERR_IO when writing fails. */
enum lsc_status lsc_model_write_validation(const struct lsc_model *model, FILE *fp,
                                           struct lsc_error *err);

/* Writes the comparison as one self-contained HTML page (inline SVG charts,
 * no script, no network). LSC_ERR_IO when writing fails, LSC_ERR_NOMEM. */
enum lsc_status lsc_compare_write_html(const struct lsc_compare *c, FILE *fp,
                                       struct lsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
