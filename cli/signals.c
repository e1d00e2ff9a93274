/* signals - on SIGINT, SIGTERM or SIGHUP the programs remove the run's
 * temporary output files (the library tracks them: leadscore/status.h) and
 * exit 128 + the signal's number (130, 143, 129); the destinations keep
 * their old contents. */
#include "signals.h"

#include <signal.h>
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
