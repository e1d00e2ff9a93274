/* dict - string interning: maps byte strings to dense ids 0,1,2,...
 *
 * Open addressing with linear probing over an FNV-1a hash; the strings live in
 * one growing arena. Used for categorical levels, target labels and the
 * scorer's level lookup.
 */
#ifndef LSC_SRC_DICT_H
#define LSC_SRC_DICT_H

#include <stddef.h>
#include <stdint.h>

#define DICT_NONE UINT32_MAX

struct dict;

struct dict *lsc_dict_new(void); /* NULL on allocation failure */
void lsc_dict_free(struct dict *d);

/* Returns the id of s (adding it when new), or DICT_NONE on allocation
 * failure. *added (if non-NULL) is set to 1 when s was new. */
uint32_t lsc_dict_intern(struct dict *d, const char *s, size_t len, int *added);

/* Returns the id of s or DICT_NONE when absent. */
uint32_t lsc_dict_find(const struct dict *d, const char *s, size_t len);

size_t lsc_dict_size(const struct dict *d);

/* The string with this id, NUL-terminated; lent until the next lsc_dict_intern. */
const char *lsc_dict_str(const struct dict *d, uint32_t id);
size_t lsc_dict_len(const struct dict *d, uint32_t id);

#endif
