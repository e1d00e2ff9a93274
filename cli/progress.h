/* cli/progress - the programs' progress bar on stderr.
 *
 * Drawn only when stderr is a terminal and the user did not ask for quiet;
 * not before half a second has passed (short runs show nothing), then at
 * most ten times a second; erased when a pass finishes and before anything
 * else is printed (cli_progress_clear). One line:
 *
 *   reading [##########..........]  48%  1.2M rows  610k rows/s  ETA 0:02
 *
 * Without a known size (a pipe) the bar, percentage and ETA are left out.
 * Not part of the library, which only reports through a callback.
 */
#ifndef LSC_CLI_PROGRESS_H
#define LSC_CLI_PROGRESS_H

#include <stddef.h>
#include <time.h>

#include "leadscore/status.h"

struct cli_progress {
    int enabled;
    const char *label;
    struct timespec start; /* of the current pass */
    struct timespec last;  /* of the last drawing */
    size_t width;          /* characters on screen; 0: nothing drawn */
};

/* Enabled when !quiet and stderr is a terminal, unless output is "-" and
 * stdout a terminal too (the bar would garble the output on the screen).
 * label: "reading", ... */
void cli_progress_init(struct cli_progress *p, const char *label, int quiet, const char *output);

/* An lsc_progress_fn; userdata is the struct cli_progress. */
void cli_progress_update(void *userdata, const struct lsc_progress *progress);

/* Erases the bar if one is shown. */
void cli_progress_clear(struct cli_progress *p);

#endif
