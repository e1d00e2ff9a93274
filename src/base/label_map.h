/* label_map - which outcome values mean converted: one rule for the
 * trainer's --target and the scorer's --label, with --positive and
 * --negative values.
 *
 * Without positive values, 1/0, true/false, yes/no, y/n (any case) and the
 * numbers 1 and 0 are recognised and any other value is LABEL_UNKNOWN. With
 * positive values, a value is classified exactly first, then ignoring ASCII
 * case: equal to a positive value, it is converted; else equal to a negative
 * value, not converted; else equal to a positive value ignoring case,
 * converted; else equal to a negative value ignoring case, not converted
 * (the map remembers which matched ignoring case, to say so). Any other
 * value is not converted, or, when negative values are given, LABEL_SKIPPED:
 * the row is neither and is left out (counted by value).
 *
 * Each distinct value is classified once; its rows are counted for the
 * notes (lsc_label_map_notes). Missing values are the caller's to handle
 * (each tool has its own missing tokens) and never reach the map.
 */
#ifndef LSC_SRC_LABEL_MAP_H
#define LSC_SRC_LABEL_MAP_H

#include <stddef.h>

#include "dict.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

/* The first four equal leadscore/compare.h's LSC_LABEL_* where they exist. */
#define LABEL_POSITIVE 1
#define LABEL_NEGATIVE 0
#define LABEL_MISSING (-1)
#define LABEL_UNKNOWN (-2)
#define LABEL_SKIPPED (-3) /* neither a positive nor a negative value */
#define LABEL_NOMEM (-4)   /* out of memory (the value was not counted) */

struct label_map {
    struct lsc_strings positive, negative; /* lent for the map's life */
    struct dict *values;                   /* distinct values seen */
    signed char *cls;                      /* per value: LABEL_* */
    unsigned char *icase;                  /* per value: matched ignoring case */
    size_t *rows;                          /* per value: rows counted */
    size_t cap;
};

/* The class of one value by the rule above, without a map: LABEL_POSITIVE,
 * LABEL_NEGATIVE, LABEL_UNKNOWN or LABEL_SKIPPED; *icase (when not NULL) is
 * 1 when it matched ignoring case. negative may be NULL. */
int lsc_label_classify(const struct lsc_strings *positive, const struct lsc_strings *negative,
                       const char *s, size_t len, int *icase);

/* LSC_ERR_USAGE when negative values are given without positive ones, or a
 * value is both (ignoring case); either list may be NULL. */
enum lsc_status lsc_label_options_check(const struct lsc_strings *positive,
                                        const struct lsc_strings *negative,
                                        struct lsc_error *err);

/* Sets up an empty map; the checks of lsc_label_options_check. */
enum lsc_status lsc_label_map_init(struct label_map *m, const struct lsc_strings *positive,
                                   const struct lsc_strings *negative, struct lsc_error *err);

void lsc_label_map_fini(struct label_map *m);

/* The class of value [s, s + len) (trimmed, not missing), adding rows to its
 * count: LABEL_POSITIVE, LABEL_NEGATIVE, LABEL_UNKNOWN, LABEL_SKIPPED, or
 * LABEL_NOMEM. */
int lsc_label_map_add(struct label_map *m, const char *s, size_t len, size_t rows);

/* Rows counted as LABEL_SKIPPED. */
size_t lsc_label_map_skipped(const struct label_map *m);

/* What the map did, through log: notes for values matched ignoring case, the
 * rows skipped by value (with negative values) or the values counted as not
 * converted (without, when there are few); a warning for a positive or
 * negative value that matched nothing. what is "target" or "label", column
 * its column's name. */
void lsc_label_map_notes(const struct label_map *m, const char *what, const char *column,
                         const struct lsc_log *log);

#endif
