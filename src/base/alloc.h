/* Private allocation wrappers over the hook in leadscore/alloc.h. */
#ifndef LSC_SRC_ALLOC_H
#define LSC_SRC_ALLOC_H

#include <stddef.h>

void *lsc_malloc(size_t size);
void *lsc_calloc(size_t count, size_t size); /* checks count*size overflow */
void *lsc_realloc(void *ptr, size_t size);
/* Grows an array of count elements of size bytes; NULL on overflow/failure
 * (ptr then stays valid). */
void *lsc_reallocarray(void *ptr, size_t count, size_t size);
void lsc_free(void *ptr);
char *lsc_strdup(const char *s);
char *lsc_strndup(const char *s, size_t n);

#endif
