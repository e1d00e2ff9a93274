/* leadscore/parse.h - parsing of option values shared by the programs. */
#ifndef LEADSCORE_PARSE_H
#define LEADSCORE_PARSE_H

#include <stddef.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

/* "hot=70,warm=40" (either order, both required) -> cut-offs with
 * 0 < warm < hot <= 100. LSC_ERR_USAGE with a message otherwise. */
enum lsc_status lsc_parse_tiers(const char *text, double *hot, double *warm,
                                struct lsc_error *err);

/* "," ";" "|" "tab" or a literal TAB -> the character. */
enum lsc_status lsc_parse_delimiter(const char *text, char *out, struct lsc_error *err);

/* The text encoding of an input file (--encoding). The reader decodes
 * Latin-1 (ISO-8859-1) and Windows-1252 to UTF-8 as it reads. */
enum lsc_encoding { LSC_ENCODING_UTF8 = 0, LSC_ENCODING_LATIN1, LSC_ENCODING_CP1252 };

/* "utf-8" (or "utf8"), "latin1" ("latin-1", "iso-8859-1"), "cp1252"
 * ("windows-1252"), ignoring case -> the encoding; LSC_ERR_USAGE otherwise. */
enum lsc_status lsc_parse_encoding(const char *text, enum lsc_encoding *out,
                                   struct lsc_error *err);
/* "utf-8", "latin1" or "cp1252". */
const char *lsc_encoding_name(enum lsc_encoding enc);

/* A whole string as a finite double / as a size_t; LSC_ERR_USAGE naming
 * the option otherwise. */
enum lsc_status lsc_parse_double(const char *text, const char *option, double *out,
                                 struct lsc_error *err);
enum lsc_status lsc_parse_size(const char *text, const char *option, size_t *out,
                               struct lsc_error *err);

/* A size in bytes: a whole number, optionally followed by K, M or G
 * (binary: 1K = 1024), at least 1. LSC_ERR_USAGE naming the option. */
enum lsc_status lsc_parse_bytes(const char *text, const char *option, size_t *out,
                                struct lsc_error *err);

/* Parses an ISO 8601 calendar date "YYYY-MM-DD" (a following time of day,
 * after 'T' or a space, is ignored) of len bytes. Returns 1 and sets the
 * parts, or 0. (Before issue 17: lsc_rules_parse_iso_date in rules.h.) */
int lsc_parse_iso_date(const char *s, size_t len, int *year, int *month, int *day);

/* A date given as fmt (NULL: none; a --date-format, e.g. "%d/%m/%Y") or
 * as ISO YYYY-MM-DD, as --cutoff and --as-of take it: 1 and the parts, or
 * 0. */
int lsc_parse_date(const char *s, const char *fmt, int *year, int *month, int *day);

/* Splits text in place at any byte of separators (e.g. ",;": the
 * separators of --na-values), each piece trimmed of spaces and tabs, empty
 * pieces left out; appended to *items as with lsc_split_list. */
enum lsc_status lsc_split_tokens(char *text, const char *separators, const char ***items,
                                 size_t *count, struct lsc_error *err);

/* Splits a comma-separated list in place (text is modified) appending the
 * pieces to *items (grown with realloc semantics of the library allocator;
 * free the array with lsc_strings_free, the pieces point into text). */
enum lsc_status lsc_split_list(char *text, const char ***items, size_t *count,
                               struct lsc_error *err);
void lsc_strings_free(const char **items);

/* Refuses (LSC_ERR_USAGE, naming both options and the file) an output that
 * is the same file as an input: the same device and inode, so symlinks, hard
 * links and relative paths are seen through. An output that does not exist
 * yet, or is not a regular file (a device, a FIFO, "-"), is no input; NULL
 * entries are skipped. For the checks before any work: `-f -o data.csv
 * data.csv` must not replace the data with the model. */
enum lsc_status lsc_check_outputs_not_inputs(const char *const *outputs,
                                             const char *const *output_options, size_t n_outputs,
                                             const char *const *inputs,
                                             const char *const *input_options, size_t n_inputs,
                                             struct lsc_error *err);

/* Refuses (LSC_ERR_USAGE, naming the options) inputs that cannot all be
 * read: two of them on stdin ("-"), and one file given twice to the same
 * option (a repeatable one, such as --events, whose files add up: the same
 * device and inode, so its rows would count twice). NULL entries are
 * skipped. For the checks before any work. */
enum lsc_status lsc_check_inputs_readable(const char *const *inputs,
                                          const char *const *input_options, size_t n_inputs,
                                          struct lsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
