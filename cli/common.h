/* cli/common - what both programs share: the program name in messages,
 * exit codes, the log callback, usage errors and failures, string lists.
 *
 * Not part of the library (which never prints or exits): only
 * train/main.c and score/main.c use it. Messages go to stderr as
 * "PROGRAM: message"; a usage error adds "Try 'PROGRAM --help'.".
 */
#ifndef LSC_CLI_COMMON_H
#define LSC_CLI_COMMON_H

#include <stddef.h>

#include "leadscore/status.h"
#include "leadscore/train.h"

/* Exit status of both programs (README, man pages). */
#define CLI_EXIT_OK 0       /* success */
#define CLI_EXIT_ERROR 1    /* data or I/O error */
#define CLI_EXIT_USAGE 2    /* usage error */
#define CLI_EXIT_REJECTED 3 /* finished, but some rows were rejected */

/* Call first in main() (with main's argv): runs the program again with
 * OPENBLAS_NUM_THREADS=1 unless OPENBLAS_NUM_THREADS, GOTO_NUM_THREADS or
 * OMP_NUM_THREADS is set (OpenBLAS starts its threads before main), remembers the program name for messages, turns
 * GSL's aborting error handler off (the library reports GSL failures as
 * statuses), and installs the handlers for SIGINT, SIGTERM and SIGHUP that remove
 * the run's temporary files (cli/signals.h). */
void cli_init(const char *program, char **argv);

/* The program name given to cli_init. */
const char *cli_program(void);

/* An lsc_log_fn; userdata points to an int verbosity: -1 warnings only,
 * 0 notes and warnings, 1 everything. Prints "warning: ..." / "note: ...". */
void cli_log(void *userdata, enum lsc_log_level level, const char *message);

/* "PROGRAM: msg" and the --help hint on stderr; returns CLI_EXIT_USAGE. */
int cli_usage_error(const char *msg);

/* "PROGRAM: file:line:col: message" on stderr; returns CLI_EXIT_USAGE for
 * LSC_ERR_USAGE, otherwise CLI_EXIT_ERROR. */
int cli_fail(const struct lsc_error *err);

/* "PROGRAM: " and a printf-formatted message on stderr; returns
 * CLI_EXIT_ERROR. */
int cli_error(const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 1, 2)))
#endif
    ;

/* A growing list of borrowed strings (option arguments). */
/* s with control characters as \xHH, cut to fit buf (size > 5); returns buf:
 * for names from an export printed in a summary. */
const char *cli_shown(const char *s, char *buf, size_t size);

/* The end of one option's parse: "out of memory" (exit 1) after a failed
 * list allocation, the parse error as a usage error (exit 2), or CLI_EXIT_OK. */
int cli_option_status(int bad_alloc, enum lsc_status st, const struct lsc_error *err);

struct cli_list {
    const char **items;
    size_t count;
};

/* Appends s; 0, or -1 when out of memory (the list is unchanged). */
int cli_list_push(struct cli_list *l, const char *s);

/* The list as the library's string list (borrowed). */
struct lsc_strings cli_list_strings(const struct cli_list *l);

/* Frees the array (not the strings); the list becomes empty. */
void cli_list_free(struct cli_list *l);

/* Before any work: no output (outs, options out_opts; NULL entries
 * skipped) is one of the inputs ins (options opts) or the logs of events
 * (lsc_check_outputs_not_inputs), and the inputs can all be read: at most
 * one of them on stdin and no log given twice (lsc_check_inputs_readable).
 * CLI_EXIT_OK, else the usage error printed (CLI_EXIT_USAGE) or "out of
 * memory" (CLI_EXIT_ERROR). */
int cli_check_files(const char *const *outs, const char *const *out_opts, size_t n_out,
                    const char *const *ins, const char *const *opts, size_t n,
                    const struct cli_list *events);

#endif
