/* leadscore/tempfile.h - telling the program which temporary files exist.
 *
 * Outputs are written to temporary files beside their destinations and
 * renamed at the end (all outputs of a run, or none). A program that wants
 * to remove them when it is interrupted (SIGINT, SIGTERM) installs these
 * hooks: the library calls created() right after it creates a temporary
 * file and removed() right before it renames or unlinks one. The library
 * itself never installs signal handlers and never exits; the program does,
 * and a handler may unlink the paths it was told about (the hooks copy them
 * into storage the handler can read with async-signal-safe calls only; see
 * cli/cleanup.c of leadscore-train and leadscore-score).
 *
 * Like the allocator (leadscore/alloc.h), process-wide: set it before any
 * other call, from one thread. The hooks are called from the thread that
 * writes the output (the main thread in this library).
 */
#ifndef LEADSCORE_TEMPFILE_H
#define LEADSCORE_TEMPFILE_H

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_tempfile_hooks {
    void (*created)(void *userdata, const char *path); /* may be NULL */
    void (*removed)(void *userdata, const char *path); /* may be NULL */
    void *userdata;
};

/* Installs (a copy of) the hooks; NULL removes them. */
void lsc_set_tempfile_hooks(const struct lsc_tempfile_hooks *hooks);

#ifdef __cplusplus
}
#endif
#endif
