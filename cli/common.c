#include "common.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <stdint.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "signals.h"

static const char *program_name = "leadscore";

/* OpenBLAS starts its thread pool in a library constructor, before main,
 * and its workers allocate their buffers there: with little address space
 * (ulimit -v 150000) a worker spins in blas_memory_alloc and exit() waits
 * for it forever, even after --version. The programs' own threads do the
 * parallel work (src/base/parallel.c); BLAS gets one thread unless the user
 * chose otherwise. As the pool exists before main can ask, the program
 * runs itself again once with OPENBLAS_NUM_THREADS=1 (a failed exec just
 * carries on). */
static void single_blas_thread(char **argv)
{
    if (getenv("OPENBLAS_NUM_THREADS") != NULL || getenv("GOTO_NUM_THREADS") != NULL ||
        getenv("OMP_NUM_THREADS") != NULL)
        return;
    /* the path, not /proc/self/exe itself: under valgrind the link reads as
     * the program but an exec of it would start valgrind's tool */
    char self[4096];
    ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
    if (n <= 0 || (size_t)n >= sizeof self - 1 || setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0)
        return;
    self[n] = '\0';
    execv(self, argv);
}

void cli_init(const char *program, char **argv)
{
    single_blas_thread(argv);
    program_name = program;
    gsl_set_error_handler_off();
    cli_signals_install();
}

const char *cli_program(void)
{
    return program_name;
}

/* A message on stderr with control characters from the data (ESC, BEL, ...;
 * not newline or tab) as \xHH, so a header or value cannot drive the
 * terminal; bytes that are not UTF-8 the library escapes already. */
static void put_escaped(const char *s)
{
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f)
            fprintf(stderr, "\\x%02X", ch);
        else
            fputc(ch, stderr);
    }
}

const char *cli_shown(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 5 < size; p++)
        n += (size_t)snprintf(buf + n, size - n, *p < 0x20 || *p == 0x7f ? "\\x%02X" : "%c", *p);
    buf[n] = '\0';
    return buf;
}

void cli_log(void *userdata, enum lsc_log_level level, const char *message)
{
    int verbosity = *(const int *)userdata;
    if ((level == LSC_LOG_INFO && verbosity < 1) || (level == LSC_LOG_NOTE && verbosity < 0))
        return;
    fprintf(stderr, "%s: ", level == LSC_LOG_WARN ? "warning" : "note");
    put_escaped(message);
    fputc('\n', stderr);
}

int cli_usage_error(const char *msg)
{
    fprintf(stderr, "%s: ", program_name);
    put_escaped(msg);
    fprintf(stderr, "\nTry '%s --help'.\n", program_name);
    return CLI_EXIT_USAGE;
}

int cli_fail(const struct lsc_error *err)
{
    char buf[LSC_ERROR_FILE_MAX + LSC_ERROR_MSG_MAX + 64];
    lsc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: ", program_name);
    put_escaped(buf);
    fputc('\n', stderr);
    return err->status == LSC_ERR_USAGE ? CLI_EXIT_USAGE : CLI_EXIT_ERROR;
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "%s: ", program_name);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    return CLI_EXIT_ERROR;
}

int cli_list_push(struct cli_list *l, const char *s)
{
    const char **g = realloc((void *)l->items, (l->count + 1) * sizeof *g);
    if (g == NULL)
        return -1;
    l->items = g;
    l->items[l->count++] = s;
    return 0;
}

struct lsc_strings cli_list_strings(const struct cli_list *l)
{
    struct lsc_strings s = {l->items, l->count};
    return s;
}

int cli_check_files(const char *const *outs, const char *const *out_opts, size_t n_out,
                    const char *const *ins, const char *const *opts, size_t n,
                    const struct cli_list *events)
{
    size_t all = n + events->count;
    const char **paths = malloc(all * sizeof *paths), **names = malloc(all * sizeof *names);
    struct lsc_error err;
    int rc = CLI_EXIT_OK;
    if (paths == NULL || names == NULL) {
        rc = cli_error("out of memory");
    } else {
        for (size_t k = 0; k < all; k++) {
            paths[k] = k < n ? ins[k] : events->items[k - n];
            names[k] = k < n ? opts[k] : "--events";
        }
        lsc_error_clear(&err);
        if (lsc_check_outputs_not_inputs(outs, out_opts, n_out, paths, names, all, &err) !=
                LSC_OK ||
            lsc_check_inputs_readable(paths, names, all, &err) != LSC_OK)
            rc = cli_usage_error(err.message);
    }
    free((void *)paths);
    free((void *)names);
    return rc;
}

void cli_list_free(struct cli_list *l)
{
    free((void *)l->items);
    l->items = NULL;
    l->count = 0;
}

int cli_option_status(int bad_alloc, enum lsc_status st, const struct lsc_error *err)
{
    if (bad_alloc)
        return cli_error("out of memory");
    if (st != LSC_OK)
        return cli_usage_error(err->message);
    return CLI_EXIT_OK;
}
