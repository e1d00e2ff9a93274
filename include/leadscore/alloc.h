/* leadscore/alloc.h - the allocation hook.
 *
 * Every allocation the library makes (and jansson's, libcsv's and the
 * state of GSL's random number generator, which it routes here) goes
 * through these functions, so a test can fail the Nth allocation; work
 * buffers inside OpenBLAS are OpenBLAS's own. This is the one piece of
 * process-wide state: set it before any other call, from one thread. The
 * functions must be thread-safe: large inputs are loaded and fitted on
 * several threads at once.
 *
 * GSL's error handler is process-wide too, and its default aborts the
 * process on any GSL error. The library passes GSL only arguments in range
 * and leaves the handler alone; leadscore-train and leadscore-score switch
 * it off (gsl_set_error_handler_off()), and a program embedding the library
 * should do the same.
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
