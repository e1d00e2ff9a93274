/* signals - temporary files removed on SIGINT, SIGTERM, SIGHUP (signals.c). */
#ifndef LSC_CLI_SIGNALS_H
#define LSC_CLI_SIGNALS_H

/* Installs the handlers; call first thing in main(). */
void cli_signals_install(void);

#endif
