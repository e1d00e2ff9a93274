/* gzstream - transparent gzip decompression of input streams.
 *
 * An input whose first bytes are gzip's magic number (1f 8b), whatever its
 * name, is read through a stdio stream of its decompressed bytes (glibc's
 * fopencookie over zlib's inflate), so every reader of FILE * - csv_reader
 * in particular - reads .csv.gz files, and gzip on stdin, as plain CSV.
 * Concatenated gzip members (`cat a.gz b.gz`) are read one after the other,
 * as gzip -d does. Corrupt or truncated compressed data is a read error on
 * the stream, never a silent short read: lsc_gzstream_error() then says why.
 */
#ifndef LSC_SRC_GZSTREAM_H
#define LSC_SRC_GZSTREAM_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/status.h"

struct gzstream;

/* Peeks at the next bytes of *fp. When they are 1f 8b, replaces *fp with a
 * new stream of the decompressed bytes and sets *gz to its state (lent: it
 * lives until that new stream is closed with fclose, which frees it but
 * does not close the original stream; the caller still owns that).
 * Otherwise *fp is left as it was, positioned where it was (the one byte
 * peeked at is pushed back with ungetc), and *gz is NULL.
 * name names the input in errors. Errors: LSC_ERR_NOMEM; LSC_ERR_IO for a
 * stream that starts with 1f but not 1f 8b and cannot be rewound. */
enum lsc_status lsc_gzstream_wrap(FILE **fp, struct gzstream **gz, const char *name,
                              struct lsc_error *err);

/* 1 after the decompressor failed (the wrapped stream's read then returned
 * an error): corrupt or truncated data, a read error underneath, or an
 * allocation failure. */
int lsc_gzstream_failed(const struct gzstream *gz);

/* Describes that failure in err, naming the input (no line: the offset in
 * the compressed file is in the message). Returns LSC_ERR_NOMEM for an
 * allocation failure, else LSC_ERR_IO. */
enum lsc_status lsc_gzstream_error(const struct gzstream *gz, struct lsc_error *err);

/* Compressed bytes consumed so far, the magic number included (for
 * progress against the size of the file on disk). */
size_t lsc_gzstream_consumed(const struct gzstream *gz);

#endif
