/* tempreg - temporary output files in flight, for signal-time cleanup
 * (tempreg.c). */
#ifndef LSC_SRC_TEMPREG_H
#define LSC_SRC_TEMPREG_H

/* Records path (a temporary file just created); returns the slot for
 * lsc_tempreg_drop, or -1 when it cannot be tracked. */
int lsc_tempreg_add(const char *path);
/* Creates a new file from tmpl, which ends in XXXXXX (replaced, as by
 * mkstemp), recording it before it exists so that no signal can leave it
 * behind; returns the open descriptor (mode 0600) and sets *slot, or -1 with
 * errno set and *slot -1. */
int lsc_tempreg_create(char *tmpl, int *slot);
/* Forgets a slot once its file was renamed into place or removed (-1: no-op). */
void lsc_tempreg_drop(int slot);

#endif
