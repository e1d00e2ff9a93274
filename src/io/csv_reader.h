/* csv_reader - the one libcsv adapter.
 *
 * A pull reader: lsc_csv_reader_next() returns one record at a time. It strips a
 * UTF-8 byte-order mark, detects the delimiter among ',' ';' and TAB from the
 * first record (unless given), accepts LF and CRLF, quoted fields with
 * embedded delimiters, quotes and newlines (RFC 4180, libcsv strict mode), and
 * tracks physical line numbers for error messages. It also computes the
 * SHA-256 of every byte it read, so callers can fingerprint the input without
 * a second pass.
 */
#ifndef LSC_SRC_CSV_READER_H
#define LSC_SRC_CSV_READER_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/parse.h"
#include "leadscore/status.h"
#include "sha256.h"

struct csv_reader_opts {
    char delimiter;    /* 0: detect among ',' ';' '\t' from the first record */
    int allow_ragged;  /* 0: a record whose field count differs from the first
                          record's is LSC_ERR_PARSE naming line and column;
                          1: such records are returned as they are */
    size_t max_field;  /* the longest field in bytes, 0: LSC_CSV_MAX_FIELD; a
                          record (line) may hold at most 4 times as much (at
                          least LSC_CSV_MAX_RECORD): beyond, LSC_ERR_DATA
                          naming line and column, before memory runs out
                          (/dev/zero, a gzip bomb) */
};

#define LSC_CSV_MAX_FIELD ((size_t)16 << 20)
#define LSC_CSV_MAX_RECORD ((size_t)64 << 20)

/* One record. Everything it points to is lent until the next call to
 * lsc_csv_reader_next() or lsc_csv_reader_free(). Each field is NUL-terminated
 * (fields[i][lens[i]] == '\0') but may contain NUL bytes itself: use lens. */
struct csv_record {
    size_t nfields;
    const char *const *fields;
    const size_t *lens;
    size_t line;   /* physical line (1-based) on which the record starts */
    size_t index;  /* 0 for the first record (the header), 1 for the next... */
};

struct csv_reader;

/* Opens path ("-" is stdin, which is not closed by lsc_csv_reader_free).
 * Input that starts with gzip's magic bytes (1f 8b), whatever its name, is
 * decompressed on the fly (gzstream.h), here and in lsc_csv_reader_open_stream;
 * the SHA-256 is then of the decompressed bytes, and corrupt or truncated
 * compressed data is an LSC_ERR_IO naming the file.
 * display_name names the input in errors (NULL: path, or "<stdin>" for "-").
 * On failure *out is NULL and err says why (LSC_ERR_IO, LSC_ERR_NOMEM). */
enum lsc_status lsc_csv_reader_open(struct csv_reader **out, const char *path,
                                const struct csv_reader_opts *opts, struct lsc_error *err);

/* Reads from an open stream, which the reader does not close. */
enum lsc_status lsc_csv_reader_open_stream(struct csv_reader **out, FILE *fp, const char *display_name,
                                       const struct csv_reader_opts *opts, struct lsc_error *err);

/* Returns LSC_OK and the next record in *rec, or LSC_OK with *rec == NULL at
 * the end of input. Errors: LSC_ERR_PARSE (unterminated quote, stray quote,
 * ragged record) with file, line and column; LSC_ERR_IO; LSC_ERR_NOMEM.
 * Completely empty lines are skipped. */
enum lsc_status lsc_csv_reader_next(struct csv_reader *r, const struct csv_record **rec,
                                struct lsc_error *err);

/* The input's text encoding, before the first lsc_csv_reader_next():
 * Latin-1 and Windows-1252 are decoded to UTF-8 while reading
 * (transcode.h), so records, the SHA-256 and the delimiter detection see
 * UTF-8. The default, LSC_ENCODING_UTF8, reads the bytes as they are.
 * Errors: LSC_ERR_USAGE after reading began or on a memory reader,
 * LSC_ERR_IO when iconv lacks the encoding, LSC_ERR_NOMEM. */
enum lsc_status lsc_csv_reader_set_encoding(struct csv_reader *r, enum lsc_encoding enc,
                                            struct lsc_error *err);

/* 1 once a byte >= 0x80 has been read (the reader reads ahead of the
 * records it hands out): while 0, every record so far is ASCII, so valid
 * UTF-8 without a check. After decoding (set_encoding), of the UTF-8. */
int lsc_csv_reader_non_ascii(const struct csv_reader *r);

/* 1 when the input was decoded with lsc_csv_reader_set_encoding() although it reads as
 * valid UTF-8 with non-ASCII characters (the option is then probably wrong:
 * "España" became "EspaÃ±a"); complete at the end of input. */
int lsc_csv_reader_looks_utf8(const struct csv_reader *r);

/* The delimiter in use (after detection, which happens on the first call to
 * lsc_csv_reader_next). */
char lsc_csv_reader_delimiter(const struct csv_reader *r);

/* The name used in error messages. Lent for the reader's lifetime. */
const char *lsc_csv_reader_name(const struct csv_reader *r);

/* The SHA-256 of all bytes read so far, as 64 lowercase hex digits plus NUL.
 * Complete once lsc_csv_reader_next() has returned end of input. */
void lsc_csv_reader_sha256_hex(const struct csv_reader *r, char out[65]);

/* Bytes consumed so far (for progress reporting). */
size_t lsc_csv_reader_bytes(const struct csv_reader *r);

/* A reader over len bytes of memory (lent for the reader's lifetime) that
 * continue a file after its header: opts->delimiter must be set, every record
 * is data (none is taken as a header) and must have expected_fields fields
 * unless opts->allow_ragged. Lines count from 1 at data[0]; no hash is kept.
 * Used to parse chunks of a file on several threads. */
enum lsc_status lsc_csv_reader_open_mem(struct csv_reader **out, const void *data, size_t len,
                                    const char *display_name, const struct csv_reader_opts *opts,
                                    size_t expected_fields, struct lsc_error *err);

/* Where a reader stands after a record, for a caller that reads the rest of
 * the input itself (the parallel loader). */
struct csv_tail {
    FILE *fp;                       /* read on from here (still the reader's) */
    const unsigned char *buffered;  /* read but not yet parsed, starts a record */
    size_t n_buffered;
    size_t line;                    /* physical line of buffered[0] */
    size_t offset;                  /* input offset of buffered[0] */
    size_t expected;                /* field count of the header */
    char delimiter;
    int eof;                        /* nothing left to read from fp */
    struct sha256_ctx sha;          /* over every byte read so far */
};

/* Hands the rest of the input over after the last record returned: 1 and *t
 * filled when the reader stands exactly between records with nothing queued,
 * else 0 (the reader is unchanged and can be used on). After 1 the reader
 * only lends t->fp and t->buffered until lsc_csv_reader_free(). */
int lsc_csv_reader_tail(struct csv_reader *r, struct csv_tail *t);

/* After lsc_csv_reader_tail(): the caller parsed n more bytes (for
 * lsc_csv_reader_progress()). */
void lsc_csv_reader_tail_advance(struct csv_reader *r, size_t n);

/* The physical line of the next byte to parse (1 + line feeds so far). */
size_t lsc_csv_reader_line(const struct csv_reader *r);
/* Progress through the input as stored: *done bytes of *size (0 when the
 * size is unknown: a pipe). For gzip input both count compressed bytes. */
void lsc_csv_reader_progress(const struct csv_reader *r, size_t *done, size_t *size);

void lsc_csv_reader_free(struct csv_reader *r);

/* The header lookup of every tool: the field of fields[0..n) named name,
 * each field trimmed of ASCII spaces and tabs and compared exactly; with
 * icase (a hand-written rules sheet), when no field matches exactly, ignoring
 * ASCII case. Returns the first field that matches (SIZE_MAX: none) and, in
 * *again when non-NULL, the next one that matches the same way (SIZE_MAX:
 * none), for callers that refuse a name given twice. */
size_t lsc_csv_header_find(size_t n, const char *const *fields, const size_t *lens,
                           const char *name, int icase, size_t *again);

/* The field of header record h named name (exactly, as above) into *out,
 * SIZE_MAX if none; a name given twice is LSC_ERR_DATA naming both positions
 * (as training says it), file naming the input. */
enum lsc_status lsc_csv_header_column(const struct csv_record *h, const char *name,
                                      const char *file, size_t *out, struct lsc_error *err);

#endif
