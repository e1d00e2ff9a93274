/* leadscore/status.h - status codes and error details.
 *
 * Every library function that can fail returns an enum lsc_status and, when
 * given a non-NULL struct lsc_error, fills it with where and why. The library
 * never prints or exits.
 */
#ifndef LEADSCORE_STATUS_H
#define LEADSCORE_STATUS_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

enum lsc_status {
    LSC_OK = 0,
    LSC_ERR_NOMEM,   /* an allocation failed */
    LSC_ERR_IO,      /* a file could not be opened, read or written */
    LSC_ERR_PARSE,   /* malformed CSV structure (ragged row, bad quote) */
    LSC_ERR_DATA,    /* well-formed input with unusable content */
    LSC_ERR_USAGE,   /* an option value is invalid or names no column */
    LSC_ERR_MODEL,   /* a model file is invalid or inconsistent */
    LSC_ERR_NUMERIC, /* the fit failed numerically */
    LSC_ERR_EXISTS   /* the output exists and overwriting was not allowed */
};

/* Static, never NULL. */
const char *lsc_strerror(enum lsc_status status);

#define LSC_ERROR_FILE_MAX 512
#define LSC_ERROR_MSG_MAX 1024

/* Where and why an operation failed. line and column are 1-based; 0 means
 * "not applicable". file is empty when no file is involved. */
struct lsc_error {
    enum lsc_status status;
    char file[LSC_ERROR_FILE_MAX];
    size_t line;
    size_t column;
    char message[LSC_ERROR_MSG_MAX];
};

void lsc_error_clear(struct lsc_error *err);

/* Formats "file:line:col: message" (omitting absent parts) into buf. */
void lsc_error_format(const struct lsc_error *err, char *buf, size_t size);

/* Removes every temporary output file the library has open right now: the
 * outputs of a run are written to temporary files beside their destinations
 * and renamed into place only when the run succeeds. Async-signal-safe (it
 * only calls unlink), for a program's SIGINT/SIGTERM/SIGHUP handler, which
 * should call it and then _exit (the destinations keep their old contents). */
void lsc_remove_temporary_files(void);

/* Progress, notes and warnings travel through a caller-supplied callback. */
enum lsc_log_level { LSC_LOG_INFO = 0, LSC_LOG_NOTE, LSC_LOG_WARN };

typedef void (*lsc_log_fn)(void *userdata, enum lsc_log_level level, const char *message);

/* Progress through a pass over an input file (lsc_train reading its input,
 * lsc_score's pass or passes), for a progress bar: the options of
 * lsc_train() and lsc_score() take a callback (progress, progress_userdata),
 * called every few thousand rows and once more with finished = 1 when the
 * pass reaches the end of its input (not after an error: the caller learns
 * that from the return value). */
struct lsc_progress {
    size_t rows;  /* data rows read so far */
    size_t bytes; /* bytes of the input consumed, as stored on disk (for
                     gzip input, compressed bytes) */
    size_t size;  /* the input's size in bytes; 0 when unknown (a pipe) */
    int finished; /* 1 on the last call of a pass */
};

typedef void (*lsc_progress_fn)(void *userdata, const struct lsc_progress *progress);

struct lsc_log {
    lsc_log_fn fn; /* may be NULL: messages are dropped */
    void *userdata;
};

#ifdef __cplusplus
}
#endif
#endif
