/* row_writer - rows of typed cells, written as CSV or as JSON Lines.
 *
 * The scorer hands every output value with its type, the way zsv's
 * zsv_writer_cell() takes one cell at a time, so no output is ever parsed
 * back to learn what it was:
 *
 *   lsc_row_writer_key()   a column name (the first row: the header)
 *   lsc_row_writer_string() text, always a string ("" in JSON when empty:
 *                           ids)
 *   lsc_row_writer_text()   text; an empty value is null in JSON
 *   lsc_row_writer_number() a number given as its text ("0.123456", "-3.5");
 *                           empty is null; text that is not a JSON number is
 *                           written with 17 significant digits when it parses
 *                           as a finite number, else as a string
 *   lsc_row_writer_integer() an integer
 *   lsc_row_writer_null()   no value (CSV: an empty field)
 *   lsc_row_writer_end()    ends the header or a row
 *
 * CSV: fields separated by ',', quoted when they hold a delimiter, quote,
 * CR or LF (lsc_csv_put_field), one record per line. JSON Lines: one object
 * per row, the header's names as keys in order, strings escaped per RFC 8259,
 * bytes that are not UTF-8 written as U+FFFD; the header itself writes
 * nothing:
 *
 *   {"Lead ID":"L-000001","probability":0.123456,"score":12,"tier":"cold","error":null}
 *
 * The cell functions return nothing: a failure (a write error, no memory, a
 * row with more or fewer cells than the header) is kept and reported by
 * lsc_row_writer_finish(). A row writer never closes its destination.
 */
#ifndef LSC_SRC_ROW_WRITER_H
#define LSC_SRC_ROW_WRITER_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"

enum lsc_row_format { LSC_ROWS_CSV = 0, LSC_ROWS_JSONL };

struct lsc_row_writer;

/* Starts a writer on dest (lent: it must outlive the writer); dest_name
 * names it in errors ("-": <stdout>). Errors: LSC_ERR_NOMEM. */
enum lsc_status lsc_row_writer_new(struct lsc_row_writer **out, FILE *dest,
                                   enum lsc_row_format format, const char *dest_name,
                                   struct lsc_error *err);

void lsc_row_writer_key(struct lsc_row_writer *w, const char *name, size_t len);
void lsc_row_writer_string(struct lsc_row_writer *w, const char *s, size_t len);
void lsc_row_writer_text(struct lsc_row_writer *w, const char *s, size_t len);
void lsc_row_writer_number(struct lsc_row_writer *w, const char *text, size_t len);
void lsc_row_writer_integer(struct lsc_row_writer *w, long long v);
void lsc_row_writer_null(struct lsc_row_writer *w);
void lsc_row_writer_end(struct lsc_row_writer *w);

/* 1 once a cell or a row has failed (the run can stop early). */
int lsc_row_writer_failed(const struct lsc_row_writer *w);

/* Checks the rows are complete and reports the first failure: LSC_ERR_NOMEM,
 * LSC_ERR_IO ("write failed: <errno text>", or an internal error for a row
 * whose cells do not match the header). Does not flush dest. */
enum lsc_status lsc_row_writer_finish(struct lsc_row_writer *w, struct lsc_error *err);

/* Frees w (NULL accepted). */
void lsc_row_writer_free(struct lsc_row_writer *w);

#endif
