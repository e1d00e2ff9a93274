/* signals - how the programs end: on SIGINT, SIGTERM or SIGHUP they remove
 * the run's temporary output files (the library tracks them:
 * leadscore/status.h) and exit 128 + the signal's number (130, 143, 129),
 * the destinations keeping their old contents; otherwise cli_finish. */
#include "signals.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "leadscore/status.h"

static void on_signal(int sig)
{
    lsc_remove_temporary_files();
    _exit(128 + sig);
}

void cli_signals_install(void)
{
    static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
    struct sigaction sa;
    sa.sa_handler = on_signal;
    sa.sa_flags = 0;
    sigemptyset(&sa.sa_mask);
    for (size_t k = 0; k < sizeof sigs / sizeof sigs[0]; k++)
        (void)sigaction(sigs[k], &sa, NULL);
}

void cli_finish(int rc)
{
    /* _exit, not exit: OpenBLAS's destructor joins its worker threads, and
     * a worker that could not get its buffer (ulimit -v) spins forever;
     * everything the programs write is committed or flushed here first */
    if (fflush(stdout) != 0 && rc == 0) {
        perror("<stdout>");
        rc = 1;
    }
    (void)fflush(stderr);
#ifdef __SANITIZE_ADDRESS__
    exit(rc); /* LeakSanitizer checks at exit (sanitizer builds need no ulimit -v) */
#else
    _exit(rc);
#endif
}
