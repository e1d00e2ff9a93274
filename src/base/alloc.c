#include "alloc.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "leadscore/alloc.h"

static void *std_malloc(size_t size, void *ud) { (void)ud; return malloc(size); }
static void *std_realloc(void *p, size_t size, void *ud) { (void)ud; return realloc(p, size); }
static void std_free(void *p, void *ud) { (void)ud; free(p); }

/* The hook is the library's one piece of process-wide state (see alloc.h). */
static struct lsc_allocator hook = {std_malloc, std_realloc, std_free, NULL};

void lsc_set_allocator(const struct lsc_allocator *allocator)
{
    if (allocator == NULL) {
        hook.malloc_fn = std_malloc;
        hook.realloc_fn = std_realloc;
        hook.free_fn = std_free;
        hook.userdata = NULL;
    } else {
        hook = *allocator;
    }
}

void *lsc_malloc(size_t size) { return hook.malloc_fn(size ? size : 1, hook.userdata); }

void *lsc_calloc(size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    size_t bytes = count * size;
    void *p = lsc_malloc(bytes);
    if (p != NULL)
        memset(p, 0, bytes > 0 ? bytes : 1);
    return p;
}

void *lsc_realloc(void *ptr, size_t size)
{
    if (ptr == NULL)
        return lsc_malloc(size);
    return hook.realloc_fn(ptr, size ? size : 1, hook.userdata);
}

void *lsc_reallocarray(void *ptr, size_t count, size_t size)
{
    if (size != 0 && count > SIZE_MAX / size)
        return NULL;
    return lsc_realloc(ptr, count * size);
}

void lsc_free(void *ptr)
{
    if (ptr != NULL)
        hook.free_fn(ptr, hook.userdata);
}

char *lsc_strndup(const char *s, size_t n)
{
    char *d = lsc_malloc(n + 1);
    if (d != NULL) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

char *lsc_strdup(const char *s) { return lsc_strndup(s, strlen(s)); }
