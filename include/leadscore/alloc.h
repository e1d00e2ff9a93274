/* leadscore/alloc.h - the allocation hook.
 *
 * Every allocation the library makes (and jansson's and libcsv's, which it
 * routes here) goes through these functions, so a test can fail the Nth
 * allocation. This is the one piece of process-wide state: set it before
 * any other call, from one thread. The functions must be thread-safe: large
 * inputs are loaded and fitted on several threads at once.
 */
#ifndef LEADSCORE_ALLOC_H
#define LEADSCORE_ALLOC_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_allocator {
    void *(*malloc_fn)(size_t size, void *userdata);
    void *(*realloc_fn)(void *ptr, size_t size, void *userdata);
    void (*free_fn)(void *ptr, void *userdata);
    void *userdata;
};

/* Installs a (copied) allocator; NULL restores the C library's. */
void lsc_set_allocator(const struct lsc_allocator *allocator);

#ifdef __cplusplus
}
#endif
#endif
