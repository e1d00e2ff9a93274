/* jsonl - JSON Lines output for leadscore-score (--format jsonl).
 *
 * A stdio stream that takes the scores CSV exactly as the scorer writes it
 * (a header row, then one record per lead, fields quoted as lsc_csv_put_field
 * quotes them) and writes one JSON object per record to the destination:
 *
 *   {"Lead ID":"L-000001","probability":0.123456,"score":12,"tier":"cold","error":null}
 *
 * Keys are the CSV's column names, in the CSV's order. The first n_ids
 * columns (the ids) are always strings, "" when empty. Of the others,
 * probability, score, rule_score, rule_qualified and every *_points
 * column are numbers (their CSV text when it is a JSON number, else the
 * value printed with 17 significant digits), all other columns strings; an
 * empty value is null. Strings are escaped per RFC 8259; bytes that are not
 * UTF-8 become U+FFFD. So the scorer needs no second output path.
 */
#ifndef LSC_SRC_JSONL_H
#define LSC_SRC_JSONL_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"

struct jsonl;

/* Starts a transcoder writing to dest (not closed by it); dest_name names it
 * in errors. Errors: LSC_ERR_NOMEM. */
enum lsc_status lsc_jsonl_open(struct jsonl **out, FILE *dest, size_t n_ids, const char *dest_name,
                           struct lsc_error *err);

/* The stream to write the CSV to; lent until lsc_jsonl_finish or lsc_jsonl_free. */
FILE *lsc_jsonl_stream(struct jsonl *j);

/* Closes the stream, flushing every object to dest. Errors: LSC_ERR_NOMEM,
 * LSC_ERR_IO (dest failed; or the CSV ended inside a record). */
enum lsc_status lsc_jsonl_finish(struct jsonl *j, struct lsc_error *err);

/* Frees j (NULL accepted); an unfinished stream is closed and whatever it
 * still held is dropped. */
void lsc_jsonl_free(struct jsonl *j);

#endif
