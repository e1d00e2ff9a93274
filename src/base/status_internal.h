/* Private helpers for filling struct lsc_error and logging. */
#ifndef LSC_SRC_STATUS_INTERNAL_H
#define LSC_SRC_STATUS_INTERNAL_H

#include "leadscore/status.h"

#if defined(__GNUC__)
#define LSC_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define LSC_PRINTF(a, b)
#endif

/* Fills err (if non-NULL) and returns status, so callers write
 * `st = lsc_error_set(err, ...); goto cleanup;`. */
enum lsc_status lsc_error_set(struct lsc_error *err, enum lsc_status status, const char *file,
                              size_t line, size_t column, const char *fmt, ...) LSC_PRINTF(6, 7);
enum lsc_status lsc_error_nomem(struct lsc_error *err);
/* LSC_ERR_IO "write failed: <the errno text>" naming file (NULL: none yet;
 * see lsc_error_name_file), for a stream whose ferror() is set. */
enum lsc_status lsc_error_write(struct lsc_error *err, const char *file);
/* Names file in err when the error names none yet (a writer that only had a
 * FILE *); returns err's status. */
enum lsc_status lsc_error_name_file(struct lsc_error *err, const char *file);

void lsc_logf(const struct lsc_log *log, enum lsc_log_level level, const char *fmt, ...)
    LSC_PRINTF(3, 4);

#endif
