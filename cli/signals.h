/* signals - temporary files removed on SIGINT, SIGTERM, SIGHUP (signals.c). */
#ifndef LSC_CLI_SIGNALS_H
#define LSC_CLI_SIGNALS_H

/* Installs the handlers; call first thing in main(). */
void cli_signals_install(void);

/* Flushes stdout (a failure turns status 0 into 1) and stderr and ends the
 * process with _exit(rc), skipping library destructors (see signals.c). */
_Noreturn void cli_finish(int rc);

#endif
