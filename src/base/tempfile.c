#include "tempfile.h"

#include <stddef.h>

static struct lsc_tempfile_hooks hooks; /* process-wide, like the allocator */

void lsc_set_tempfile_hooks(const struct lsc_tempfile_hooks *h)
{
    struct lsc_tempfile_hooks none = {NULL, NULL, NULL};
    hooks = h != NULL ? *h : none;
}

void lsc_tempfile_created(const char *path)
{
    if (hooks.created != NULL)
        hooks.created(hooks.userdata, path);
}

void lsc_tempfile_removed(const char *path)
{
    if (hooks.removed != NULL)
        hooks.removed(hooks.userdata, path);
}
