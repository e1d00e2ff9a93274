/* rules_internal - what the files of src/rules share and nothing else sees. */
#ifndef LSC_SRC_RULES_INTERNAL_H
#define LSC_SRC_RULES_INTERNAL_H

#include <stddef.h>

#define WORD_MAX 64 /* a normalized operator, setting or header name */

/* Lowercases, maps '_' to ' ', trims and collapses blanks into out (how the
 * sheet's header, operators and settings are matched); 0 when the word does
 * not fit. */
int lsc_rules_normalize_word(const char *s, size_t len, char out[WORD_MAX]);

#endif
