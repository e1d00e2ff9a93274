/* header_match - a column a person named (an option on the command line, a
 * rules sheet) found in a header the way both tools and the sheet agree on:
 * the name exactly; else the one column equal to it ignoring ASCII case;
 * else an error that suggests the nearest name ("did you mean") and lists
 * the header. Header fields are compared trimmed of ASCII spaces and tabs.
 */
#ifndef LSC_SRC_HEADER_MATCH_H
#define LSC_SRC_HEADER_MATCH_H

#include <stddef.h>

#include "leadscore/status.h"

enum header_how {
    HEADER_EXACT = 0, /* the name itself */
    HEADER_ICASE,     /* the one column equal to it ignoring case */
    HEADER_NONE,      /* no column */
    HEADER_AMBIGUOUS  /* several columns equal to it ignoring case, none exactly */
};

/* The field of fields[0..n) that name names, or SIZE_MAX (HEADER_NONE,
 * HEADER_AMBIGUOUS); *how says which way it matched. Fields of length 0
 * are never matched (nor is an empty name). */
size_t lsc_header_match(size_t n, const char *const *fields, const size_t *lens,
                        const char *name, enum header_how *how);

/* Fills err with status for a name lsc_header_match did not find:
 * `unknown column "NAME" in WHAT (did you mean "X"?); the header has: "a",
 * "b", ...` (the suggestion when a column is close: a few letters apart,
 * ignoring case), or, for HEADER_AMBIGUOUS, `column "NAME" in WHAT matches
 * "A" and "B" ignoring case: give the exact name`. file, line and column
 * as for lsc_error_set. Returns status. */
enum lsc_status lsc_header_unknown(struct lsc_error *err, enum lsc_status status,
                                   const char *file, size_t line, size_t column,
                                   const char *what, const char *name, enum header_how how,
                                   size_t n, const char *const *fields, const size_t *lens);

#endif
