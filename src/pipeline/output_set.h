/* output_set - every output of one run, committed together or not at all.
 *
 * Built on lsc_outfile_* (src/base/util.h): each output is written to a
 * temporary file beside its destination; lsc_output_set_commit() first
 * flushes and syncs every stream (so a full disk shows before anything is
 * renamed), then renames them into place one after another. If a rename
 * fails, the outputs already renamed are removed again, so a failed run
 * leaves none of its new outputs (an old file replaced with --force is
 * not brought back). lsc_output_set_abort() removes every temporary file.
 *
 * Two kinds of member:
 *   lsc_output_set_open()   a stream the caller writes to;
 *   lsc_output_set_stage()  a path for a writer that takes a path (the
 *                           model, the HTML report): it writes the staged
 *                           file, which is renamed with the others. Call it
 *                           with force = 1 (the staged file exists).
 * "-" (stdout) and devices are written directly and cannot be taken back.
 */
#ifndef LSC_SRC_OUTPUT_SET_H
#define LSC_SRC_OUTPUT_SET_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"
#include "util.h"

#define LSC_OUTPUT_SET_MAX 8

struct lsc_output_set {
    struct outfile files[LSC_OUTPUT_SET_MAX];
    const char *stage[LSC_OUTPUT_SET_MAX]; /* the path a writer writes */
    char *final[LSC_OUTPUT_SET_MAX];       /* renamed members: the destination */
    size_t n;
};

void lsc_output_set_init(struct lsc_output_set *s);

/* Refuses, before any work, two outputs of one run that are the same file
 * (after resolving symlinks and relative paths): LSC_ERR_USAGE naming both
 * options. paths[k] NULL: not given; "-" and devices are not compared.
 * options[k] names paths[k] in the message ("-o", "--report"). */
enum lsc_status lsc_output_paths_distinct(const char *const *paths, const char *const *options,
                                          size_t n, struct lsc_error *err);

/* Opens path for writing (lsc_outfile_open); *fp is lent until commit or
 * abort. Errors as lsc_outfile_open. */
enum lsc_status lsc_output_set_open(struct lsc_output_set *s, const char *path, int force,
                                    FILE **fp, struct lsc_error *err);

/* Reserves path: *stage (lent until commit or abort) is the file to write
 * instead, with force = 1; it is path itself for "-" and devices. */
enum lsc_status lsc_output_set_stage(struct lsc_output_set *s, const char *path, int force,
                                     const char **stage, struct lsc_error *err);

/* An error about a staged file names the real output. */
void lsc_output_set_rename_error(const struct lsc_output_set *s, struct lsc_error *err);

/* Commits every member (see above); the set is empty afterwards, either
 * way. Errors: LSC_ERR_IO (or LSC_ERR_EXISTS when a destination appeared
 * meanwhile), naming the file. */
enum lsc_status lsc_output_set_commit(struct lsc_output_set *s, struct lsc_error *err);

/* Removes every temporary file; accepts an empty or committed set. */
void lsc_output_set_abort(struct lsc_output_set *s);

#endif
