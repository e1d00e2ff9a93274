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
 * misses a file that still exists. lsc_tempreg_create raises the flag
 * before the file is created (mkstemp would create it first, and a signal
 * between the two, in any thread, left the file behind). Outputs are opened
 * and committed by one thread. A path too long for a slot, or more than
 * LSC_TEMP_SLOTS at once, is simply not tracked. */
#include "tempreg.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>
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

/* Six name characters from the system's entropy (a clock-and-pid mix when
 * that is unavailable): the same alphabet as mkstemp's. */
static void fill_name(char *x)
{
    static const char abc[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    static uint64_t counter;
    unsigned char b[6];
    if (getentropy(b, sizeof b) != 0) {
        struct timespec ts;
        (void)clock_gettime(CLOCK_REALTIME, &ts);
        uint64_t v = (uint64_t)ts.tv_nsec ^ ((uint64_t)getpid() << 32) ^ (++counter * 0x9e3779b97f4a7c15u);
        for (int k = 0; k < 6; k++, v >>= 8)
            b[k] = (unsigned char)v;
    }
    for (int k = 0; k < 6; k++)
        x[k] = abc[b[k] % (sizeof abc - 1)];
}

int lsc_tempreg_create(char *tmpl, int *slot)
{
    size_t n = strlen(tmpl);
    *slot = -1;
    if (n < 6 || strcmp(tmpl + n - 6, "XXXXXX") != 0) {
        errno = EINVAL;
        return -1;
    }
    for (int attempt = 0; attempt < 100; attempt++) {
        fill_name(tmpl + n - 6);
        *slot = lsc_tempreg_add(tmpl);
        int fd = open(tmpl, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
        if (fd >= 0)
            return fd;
        int e = errno;
        lsc_tempreg_drop(*slot);
        *slot = -1;
        errno = e;
        if (e != EEXIST)
            return -1;
    }
    return -1; /* errno is EEXIST */
}

void lsc_remove_temporary_files(void)
{
    for (int k = 0; k < LSC_TEMP_SLOTS; k++)
        if (slot_live[k])
            (void)unlink(slot_path[k]);
}
