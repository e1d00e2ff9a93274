/* tempreg - the temporary output files that exist right now, so that a
 * program's SIGINT/SIGTERM handler can remove them
 * (lsc_remove_temporary_files, leadscore/status.h).
 *
 * This is the library's one piece of process-wide state, because a signal
 * handler is handed no context. Each slot holds a copy of a path; its flag
 * is raised only after the copy is complete (a signal fence keeps the
 * compiler from moving the copy past it) and lowered only after the file
 * was renamed into place or removed, so the handler, which does nothing but
 * unlink() (async-signal-safe), never reads a path being written and never
 * misses a file that still exists. Outputs are opened and committed by one
 * thread. A path too long for a slot, or more than LSC_TEMP_SLOTS at once,
 * is simply not tracked. */
#include "tempreg.h"

#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include "leadscore/status.h"

#define LSC_TEMP_SLOTS 64
#define LSC_TEMP_PATH 4096

static char slot_path[LSC_TEMP_SLOTS][LSC_TEMP_PATH];
static volatile sig_atomic_t slot_live[LSC_TEMP_SLOTS];

int lsc_tempreg_add(const char *path)
{
    size_t n = strlen(path);
    if (n >= LSC_TEMP_PATH)
        return -1;
    for (int k = 0; k < LSC_TEMP_SLOTS; k++)
        if (!slot_live[k]) {
            memcpy(slot_path[k], path, n + 1);
            atomic_signal_fence(memory_order_seq_cst);
            slot_live[k] = 1;
            return k;
        }
    return -1;
}

void lsc_tempreg_drop(int slot)
{
    if (slot >= 0 && slot < LSC_TEMP_SLOTS)
        slot_live[slot] = 0;
}

void lsc_remove_temporary_files(void)
{
    for (int k = 0; k < LSC_TEMP_SLOTS; k++)
        if (slot_live[k])
            (void)unlink(slot_path[k]);
}
