/* date_split - validation by time: leads dated before a cutoff train, the
 * others validate (--split-date COL --cutoff DATE). */
#ifndef LSC_SRC_DATE_SPLIT_H
#define LSC_SRC_DATE_SPLIT_H

#include <stddef.h>

#include "dataset.h"
#include "leadscore/status.h"

/* Parses an ISO date "YYYY-MM-DD" (a time of day after 'T' or a space is
 * ignored; see lsc_parse_iso_date) into days since 1970-01-01.
 * Returns 1, or 0 when it is not a valid date. */
int lsc_date_split_parse(const char *s, size_t len, const char *fmt, long *days);

/* Writes the date of s (which lsc_date_split_parse accepts) as "YYYY-MM-DD"
 * into out; "" when it does not parse. */
void lsc_date_split_normalise(const char *s, const char *fmt, char out[16]);

/* Splits ds's rows by its DS_DATE column: date < cutoff (days) to *train,
 * date >= cutoff to *valid, both in file order (caller frees with
 * lsc_free); rows with a missing date go to neither and are counted in
 * *missing. A date that does not parse is LSC_ERR_DATA naming file, line
 * and column (*rejected is then set to 1); an empty side, or one without
 * both classes, is LSC_ERR_DATA too. */
enum lsc_status lsc_date_split_rows(const struct dataset *ds, long cutoff, size_t **train,
                                size_t *ntrain, size_t **valid, size_t *nvalid, size_t *missing,
                                int *rejected, struct lsc_error *err);

#endif
