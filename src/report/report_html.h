/* report_html - the HTML reports for people (docs/reports.md): one
 * self-contained page each, charts as inline SVG written by hand, no script
 * and nothing fetched, readable in print.
 *
 * Every string that comes from the data or the user (column names, levels,
 * file names, warnings, rule ids) is escaped for HTML/XML; the page is
 * well-formed XML apart from its doctype, so the tests can parse every SVG.
 */
#ifndef LSC_SRC_REPORT_HTML_H
#define LSC_SRC_REPORT_HTML_H

#include <stddef.h>

#include "leadscore/status.h"
#include "leadscore/train.h"
#include "model_def.h"

/* A log that forwards every message to inner (may be NULL) and keeps a
 * copy of each warning for the report. lsc_report_warnings_init() cannot fail;
 * a copy that cannot be allocated sets failed (reported as LSC_ERR_NOMEM
 * by lsc_report_train_html()). Free with lsc_report_warnings_fini(). */
struct report_warnings {
    struct lsc_log log; /* hand &log to the library */
    const struct lsc_log *inner;
    char **items;
    size_t n;
    int failed;
};

void lsc_report_warnings_init(struct report_warnings *w, const struct lsc_log *inner);
void lsc_report_warnings_fini(struct report_warnings *w);

/* Writes the training report to path (atomically; LSC_ERR_EXISTS when it
 * exists and force is 0): m is the finished model, sum the training
 * summary, y and p the n validation rows (outcome 1/0 and predicted
 * probability; n = 0 without a holdout) with their weights w (NULL: one
 * each; a weight is how many rows share that outcome and probability),
 * warns the warnings collected while training (may be NULL). LSC_ERR_IO,
 * LSC_ERR_NOMEM. */
enum lsc_status lsc_report_train_html(const struct lsc_model *m, const struct lsc_train_summary *sum,
                                  const double *y, const double *p, const double *w, size_t n,
                                  const struct report_warnings *warns, const char *path,
                                  int force, struct lsc_error *err);

/* 1 when path ends in .html or .htm (any case): the comparison report is
 * then written as HTML instead of text. */
int lsc_report_is_html(const char *path);

/* The binned model's shapes (report_shapes.c): a bar chart of points per
 * bin for each binned column, a heat map per interaction; nothing for a
 * model without bins. */
void lsc_report_shapes(FILE *fp, const struct lsc_model *m);

#endif
