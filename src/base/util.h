/* util - small shared helpers: value parsing and atomic output files. */
#ifndef LSC_SRC_UTIL_H
#define LSC_SRC_UTIL_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"
#include "leadscore/train.h"

/* Trims ASCII spaces and tabs from both ends of [*s, *s + *len). */
void lsc_trim_span(const char **s, size_t *len);

/* Parses a whole (already trimmed) field as a finite decimal number.
 * Accepts what strtod accepts except hexadecimal, infinities and NaN.
 * Returns 1 and sets *out, or 0. */
int lsc_parse_number(const char *s, size_t len, double *out);

/* lsc_parse_number, or with decimal_comma (--decimal-comma) the European
 * form: ',' is the decimal separator ("16,2", "-0,5", "1,5e3") and a value
 * holding '.' is no number (neither a decimal point nor a thousands
 * separator: "1.234" would be ambiguous), so nothing is misread silently. */
int lsc_parse_number_dc(const char *s, size_t len, int decimal_comma, double *out);

/* 1 when s is no number as it is but one with a decimal comma ("16,2"):
 * for the hint to --decimal-comma. */
int lsc_looks_decimal_comma(const char *s, size_t len);

/* 1 when the (trimmed) value is a missing-value token: empty, NA, N/A, NULL,
 * null, NaN, or one of extra. */
int lsc_is_na_token(const char *s, size_t len, const struct lsc_strings *extra);

/* 1 when [s, s + len) is UTF-8 as RFC 3629 defines it (no overlong forms,
 * surrogates or code points past U+10FFFF: the rule jansson applies to every
 * JSON string). Otherwise 0, and *bad (when not NULL) is the offset of the
 * first byte of the first invalid sequence. */
int lsc_utf8_valid(const char *s, size_t len, size_t *bad);

/* What messages about text that is not UTF-8 suggest (both tools). */
#define LSC_ENCODING_HINT                                                                        \
    "give the file's encoding with --encoding cp1252 (or latin1), or re-encode it as UTF-8 "   \
    "(e.g. iconv -f WINDOWS-1252 -t UTF-8)"
/* The warning when a file decoded with --encoding reads as UTF-8 (printf
 * arguments: the file, the encoding's name). */
#define LSC_LOOKS_UTF8_WARNING                                                                   \
    "%s was decoded as %s (--encoding), but it is valid UTF-8 text: accented letters now "     \
    "read as two characters each (\"EspaÃ±a\" for \"España\"); if the file is UTF-8, "      \
    "leave out --encoding"

/* Writes [s, s + len) into out (always NUL-terminated) for an error message:
 * printable ASCII and valid UTF-8 as they are, any other byte (including
 * NUL and control characters) as \xHH; cut with "..." when it does not fit. */
void lsc_escape_bytes(const char *s, size_t len, char *out, size_t size);

/* Case-insensitive ASCII equality of a span and a C string. */
int lsc_span_ieq(const char *s, size_t len, const char *lit);

/* 1 when the input at path can be read twice: a regular file, or none at
 * all (the reader reports a missing file); 0 for "-" (stdin), a FIFO,
 * /dev/stdin, <(...). */
int lsc_input_rereadable(const char *path);

/* An output written to a temporary file beside its destination and renamed
 * into place by lsc_outfile_commit(); "-" writes to stdout directly. */
struct outfile {
    FILE *fp;
    char *path;
    char *tmp;   /* NULL for stdout */
    int force;
    int slot;    /* tempreg.h, once tmp exists; -1 untracked */
};

/* Fails with LSC_ERR_EXISTS when path exists and force is 0; LSC_ERR_IO
 * when path is a directory. "-" always passes. */
enum lsc_status lsc_outfile_check(const char *path, int force, struct lsc_error *err);
/* lsc_outfile_check, and that a file can be created beside path (made and
 * removed at once), so an output that cannot be written is refused before
 * the work, with lsc_outfile_temp_error's message. */
enum lsc_status lsc_outfile_probe(const char *path, int force, struct lsc_error *err);
/* The error for a temporary file beside path that could not be made (errno
 * e): a folder that does not exist or is not a folder is named as such,
 * else the folder and the system's reason. Returns LSC_ERR_IO. */
enum lsc_status lsc_outfile_temp_error(const char *path, int e, struct lsc_error *err);
enum lsc_status lsc_outfile_open(struct outfile *o, const char *path, int force,
                             struct lsc_error *err);
/* Flushes, syncs, closes and renames; on any failure the temporary file is
 * removed and LSC_ERR_IO returned. */
enum lsc_status lsc_outfile_commit(struct outfile *o, struct lsc_error *err);
/* Discards an open output (removes the temporary file). Accepts a zeroed o. */
void lsc_outfile_abort(struct outfile *o);

/* Writes s as one CSV field (quoted when it contains a delimiter, quote,
 * CR or LF). Returns 0 or EOF. */
int lsc_csv_put_field(FILE *fp, const char *s, size_t len);
/* The same for a file whose fields are separated by delim. */
int lsc_csv_put_field_delim(FILE *fp, const char *s, size_t len, char delim);

/* x in the fewest significant digits that read back as x ("0.1", not
 * "0.10000000000000001"); returns the length written. */
int lsc_format_shortest(double x, char *buf, size_t size);

#endif
