/* realpath (XSI) */
#define _XOPEN_SOURCE 700
#include "output_set.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "status_internal.h"

void lsc_output_set_init(struct lsc_output_set *s)
{
    memset(s, 0, sizeof *s);
}

/* The canonical name of an output that may not exist yet: its folder
 * resolved, then its own name. 0 when there is none to compare. */
static int canonical(const char *path, char *out, size_t size)
{
    char dir[PATH_MAX], real[PATH_MAX];
    struct stat sb;
    if (strcmp(path, "-") == 0 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)))
        return 0;
    if (realpath(path, real) != NULL) {
        snprintf(out, size, "%s", real);
        return 1;
    }
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (realpath(dir, real) == NULL)
        snprintf(out, size, "%s", path);
    else
        snprintf(out, size, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    return 1;
}

enum lsc_status lsc_output_paths_distinct(const char *const *paths, const char *const *options,
                                          size_t n, struct lsc_error *err)
{
    char a[PATH_MAX + 256], b[PATH_MAX + 256];
    for (size_t i = 0; i < n; i++) {
        if (paths[i] == NULL || !canonical(paths[i], a, sizeof a))
            continue;
        for (size_t j = i + 1; j < n; j++)
            if (paths[j] != NULL && canonical(paths[j], b, sizeof b) && strcmp(a, b) == 0)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "%s and %s name the same file (%s): give each output its "
                                     "own",
                                     options[i], options[j], paths[j]);
    }
    return LSC_OK;
}

static enum lsc_status reserve(struct lsc_output_set *s, struct lsc_error *err)
{
    if (s->n == LSC_OUTPUT_SET_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "too many outputs in one run");
    return LSC_OK;
}

/* A temporary file must not take descriptor 0, 1 or 2 when one of them is
 * closed: the input read as "-" would then be this output. Moves it above. */
static enum lsc_status off_std_fds(struct outfile *f, struct lsc_error *err)
{
    if (f->fp == NULL || f->fp == stdout || fileno(f->fp) > 2)
        return LSC_OK;
    int fd = fcntl(fileno(f->fp), F_DUPFD, 3);
    FILE *fp = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (fp == NULL) {
        int e = errno;
        if (fd >= 0)
            close(fd);
        return lsc_error_set(err, LSC_ERR_IO, f->path, 0, 0, "%s", strerror(e));
    }
    fclose(f->fp); /* closes the low descriptor again */
    f->fp = fp;
    return LSC_OK;
}

/* The member just opened counts; a renamed one remembers its destination
 * (for taking it back). */
static enum lsc_status keep_final(struct lsc_output_set *s, const char *path,
                                  struct lsc_error *err)
{
    size_t k = s->n++;
    s->final[k] = NULL;
    enum lsc_status st = off_std_fds(&s->files[k], err);
    if (st != LSC_OK)
        return st;
    if (s->files[k].tmp != NULL && (s->final[k] = lsc_strdup(path)) == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

enum lsc_status lsc_output_set_open(struct lsc_output_set *s, const char *path, int force,
                                    FILE **fp, struct lsc_error *err)
{
    enum lsc_status st = reserve(s, err);
    if (st == LSC_OK)
        st = lsc_outfile_open(&s->files[s->n], path, force, err);
    if (st != LSC_OK)
        return st;
    size_t k = s->n;
    s->stage[k] = s->files[k].tmp != NULL ? s->files[k].tmp : path;
    if ((st = keep_final(s, path, err)) != LSC_OK)
        return st;
    *fp = s->files[k].fp;
    return LSC_OK;
}

enum lsc_status lsc_output_set_stage(struct lsc_output_set *s, const char *path, int force,
                                     const char **stage, struct lsc_error *err)
{
    struct stat sb;
    enum lsc_status st = reserve(s, err);
    if (st != LSC_OK)
        return st;
    if (strcmp(path, "-") == 0 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode))) {
        /* written in place by the writer itself: nothing to rename */
        if ((st = lsc_outfile_check(path, force, err)) != LSC_OK)
            return st;
        memset(&s->files[s->n], 0, sizeof s->files[s->n]);
        s->final[s->n] = NULL;
        *stage = s->stage[s->n++] = path;
        return LSC_OK;
    }
    /* the temporary file lsc_outfile_open makes is the staged file; the
     * writer replaces it (by rename), and the commit renames that path */
    if ((st = lsc_outfile_open(&s->files[s->n], path, force, err)) != LSC_OK)
        return st;
    *stage = s->stage[s->n] = s->files[s->n].tmp;
    return keep_final(s, path, err);
}

void lsc_output_set_rename_error(const struct lsc_output_set *s, struct lsc_error *err)
{
    if (err == NULL)
        return;
    for (size_t k = 0; k < s->n; k++)
        if (s->files[k].tmp != NULL && strcmp(err->file, s->files[k].tmp) == 0) {
            snprintf(err->file, sizeof err->file, "%s", s->files[k].path);
            return;
        }
}

/* Flushes and syncs the streams the caller wrote: a write error (a full
 * disk) is found before any output is renamed. */
static enum lsc_status flush_all(struct lsc_output_set *s, struct lsc_error *err)
{
    for (size_t k = 0; k < s->n; k++) {
        struct outfile *f = &s->files[k];
        if (f->fp == NULL)
            continue;
        int failed = fflush(f->fp) != 0 || ferror(f->fp) ||
                     (f->tmp != NULL && fsync(fileno(f->fp)) != 0);
        if (failed)
            return lsc_error_set(err, LSC_ERR_IO, f->fp == stdout ? "<stdout>" : f->path, 0, 0,
                                 "write failed: %s", strerror(errno));
    }
    return LSC_OK;
}

enum lsc_status lsc_output_set_commit(struct lsc_output_set *s, struct lsc_error *err)
{
    enum lsc_status st = flush_all(s, err);
    size_t done = 0;
    for (; st == LSC_OK && done < s->n; done++) {
        if (s->files[done].fp != NULL &&
            (st = lsc_outfile_commit(&s->files[done], err)) != LSC_OK)
            break;
    }
    if (st != LSC_OK) {
        /* take back what was already renamed: none of the run's outputs */
        for (size_t k = 0; k < done; k++)
            if (s->final[k] != NULL)
                (void)unlink(s->final[k]);
    }
    lsc_output_set_abort(s);
    return st;
}

void lsc_output_set_abort(struct lsc_output_set *s)
{
    for (size_t k = 0; k < s->n; k++) {
        lsc_outfile_abort(&s->files[k]);
        lsc_free(s->final[k]);
    }
    lsc_output_set_init(s);
}
