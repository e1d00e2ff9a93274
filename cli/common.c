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
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leadscore/tempfile.h"

static const char *program_name = "leadscore";

/* The temporary files of the run (leadscore/tempfile.h), for the signal
 * handler: fixed storage, a slot marked in use only after its path is
 * complete and freed before the file is renamed, so the handler reads only
 * complete paths and calls only unlink and _exit (async-signal-safe). */
#define TEMP_SLOTS 32
static struct {
    char path[PATH_MAX];
    volatile sig_atomic_t used;
} temps[TEMP_SLOTS];

static void temp_created(void *userdata, const char *path)
{
    (void)userdata;
    size_t n = strlen(path);
    if (n >= PATH_MAX)
        return;
    for (size_t k = 0; k < TEMP_SLOTS; k++)
        if (!temps[k].used) {
            memcpy(temps[k].path, path, n + 1);
            temps[k].used = 1;
            return;
        }
}

static void temp_removed(void *userdata, const char *path)
{
    (void)userdata;
    for (size_t k = 0; k < TEMP_SLOTS; k++)
        if (temps[k].used && strcmp(temps[k].path, path) == 0) {
            temps[k].used = 0;
            return;
        }
}

/* SIGINT, SIGTERM, SIGHUP: remove the run's temporary files (the old
 * outputs were never touched) and exit 128 + the signal number. */
static void on_signal(int sig)
{
    for (size_t k = 0; k < TEMP_SLOTS; k++)
        if (temps[k].used)
            (void)unlink(temps[k].path);
    _exit(128 + sig);
}

static void install_cleanup(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct lsc_tempfile_hooks hooks = {temp_created, temp_removed, NULL};
    struct sigaction sa;
    lsc_set_tempfile_hooks(&hooks);
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++) {
        struct sigaction old;
        /* a signal ignored by the parent (nohup) stays ignored */
        if (sigaction(sigs[k], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
            continue;
        sigaddset(&sa.sa_mask, sigs[k]);
    }
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        if (sigismember(&sa.sa_mask, sigs[k]))
            (void)sigaction(sigs[k], &sa, NULL);
}

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
    if (setenv("OPENBLAS_NUM_THREADS", "1", 1) != 0)
        return;
    execv("/proc/self/exe", argv);
}

void cli_init(const char *program, char **argv)
{
    single_blas_thread(argv);
    program_name = program;
    gsl_set_error_handler_off();
    install_cleanup();
}

const char *cli_program(void)
{
    return program_name;
}

void cli_log(void *userdata, enum lsc_log_level level, const char *message)
{
    int verbosity = *(const int *)userdata;
    if ((level == LSC_LOG_INFO && verbosity < 1) || (level == LSC_LOG_NOTE && verbosity < 0))
        return;
    fprintf(stderr, "%s: %s\n", level == LSC_LOG_WARN ? "warning" : "note", message);
}

int cli_usage_error(const char *msg)
{
    fprintf(stderr, "%s: %s\nTry '%s --help'.\n", program_name, msg, program_name);
    return CLI_EXIT_USAGE;
}

int cli_fail(const struct lsc_error *err)
{
    char buf[LSC_ERROR_FILE_MAX + LSC_ERROR_MSG_MAX + 64];
    lsc_error_format(err, buf, sizeof buf);
    fprintf(stderr, "%s: %s\n", program_name, buf);
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

void cli_list_free(struct cli_list *l)
{
    free((void *)l->items);
    l->items = NULL;
    l->count = 0;
}

static int given(const struct cli_file *f)
{
    return f->path != NULL && f->path[0] != '\0' && strcmp(f->path, "-") != 0;
}

int cli_refuse_input_as_output(const struct cli_file *inputs, size_t n_inputs,
                               const struct cli_file *outputs, size_t n_outputs)
{
    for (size_t i = 0; i < n_outputs; i++) {
        struct stat out;
        if (!given(&outputs[i]) || stat(outputs[i].path, &out) != 0)
            continue; /* does not exist (yet): no input */
        for (size_t k = 0; k < n_inputs; k++) {
            struct stat in;
            if (!given(&inputs[k]) || stat(inputs[k].path, &in) != 0)
                continue;
            if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
                fprintf(stderr, "%s: %s %s is the same file as %s %s; refusing to overwrite "
                                "an input (choose another output)\n",
                        program_name, outputs[i].role, outputs[i].path, inputs[k].role,
                        inputs[k].path);
                fprintf(stderr, "Try '%s --help'.\n", program_name);
                return CLI_EXIT_USAGE;
            }
        }
    }
    return CLI_EXIT_OK;
}

#define MIB ((rlim_t)1 << 20)
#define BLAS_BUFFER (128 * MIB) /* OpenBLAS's buffer per calling thread */

int cli_check_blas_memory(void)
{
    struct rlimit rl;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    rlim_t threads = cpus < 1 ? 1 : cpus > 8 ? 8 : (rlim_t)cpus;
    if (getrlimit(RLIMIT_AS, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY)
        return CLI_EXIT_OK;
    if (rl.rlim_cur < 2 * BLAS_BUFFER)
        return cli_error("the address-space limit (ulimit -v) of %lu MiB is below the %lu MiB "
                         "a fit needs (OpenBLAS reserves %lu MiB per thread and waits forever "
                         "when it cannot); raise the limit",
                         (unsigned long)(rl.rlim_cur / MIB),
                         (unsigned long)(2 * BLAS_BUFFER / MIB),
                         (unsigned long)(BLAS_BUFFER / MIB));
    if (rl.rlim_cur < (threads + 1) * BLAS_BUFFER && getenv("LEADSCORE_THREADS") == NULL)
        (void)setenv("LEADSCORE_THREADS", "1", 1); /* one buffer instead of one per thread */
    return CLI_EXIT_OK;
}

enum lsc_status cli_parse_bytes(const char *text, const char *option, size_t *out,
                                struct lsc_error *err)
{
    char *end = NULL;
    unsigned long long v;
    int shift = 0;
    errno = 0;
    v = strtoull(text, &end, 10);
    if (end != text && (*end == 'K' || *end == 'k'))
        shift = 10;
    else if (end != text && (*end == 'M' || *end == 'm'))
        shift = 20;
    else if (end != text && (*end == 'G' || *end == 'g'))
        shift = 30;
    if (shift)
        end++;
    if (end == text || *end != '\0' || text[0] == '-' || errno != 0 || v == 0 ||
        v > (SIZE_MAX >> shift)) {
        err->status = LSC_ERR_USAGE;
        snprintf(err->message, sizeof err->message,
                 "%s: expected a positive byte count such as 16M, got \"%s\"", option, text);
        return LSC_ERR_USAGE;
    }
    *out = (size_t)(v << shift);
    return LSC_OK;
}
