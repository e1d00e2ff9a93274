/* transcode - single-byte text encodings read as UTF-8 (--encoding).
 *
 * Exports from Excel and older CRMs are often Latin-1 (ISO-8859-1) or
 * Windows-1252 rather than UTF-8. An input stream in one of those is read
 * through a stdio stream of its UTF-8 bytes (glibc's fopencookie, as
 * gzstream.h does for gzip), so every consumer of csv_reader - the trainer,
 * the scorer, the rules, the drift - sees UTF-8. Line feeds, delimiters and
 * quotes are ASCII in both encodings, so line and field numbers in messages
 * are those of the file.
 */
#ifndef LSC_SRC_TRANSCODE_H
#define LSC_SRC_TRANSCODE_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/parse.h"
#include "leadscore/status.h"

struct transcode;

/* For LSC_ENCODING_UTF8 does nothing (*tc NULL). Otherwise replaces *fp with
 * a new stream of the decoded bytes and sets *tc to its state (lent: it lives
 * until that new stream is closed with fclose, which frees it but does not
 * close the original stream). The byte table comes from glibc's iconv
 * ("ISO-8859-1", "WINDOWS-1252"); the five bytes Windows-1252 leaves
 * undefined (81 8D 8F 90 9D) become the C1 controls of the same number, as
 * Windows and the WHATWG decoder do, so decoding never fails.
 * Errors: LSC_ERR_IO when iconv lacks the encoding; LSC_ERR_NOMEM. */
enum lsc_status lsc_transcode_wrap(FILE **fp, struct transcode **tc, enum lsc_encoding enc,
                                   const char *name, struct lsc_error *err);

/* 1 after a read of the original stream failed; lsc_transcode_error() says
 * why, naming the input. */
int lsc_transcode_failed(const struct transcode *tc);
enum lsc_status lsc_transcode_error(const struct transcode *tc, struct lsc_error *err);

/* Bytes of the original stream decoded so far (for progress). */
size_t lsc_transcode_consumed(const struct transcode *tc);

/* 1 when everything decoded so far was also valid UTF-8 with at least one
 * multi-byte character: "España" saved as UTF-8 but read as latin1 gives
 * "EspaÃ±a". The caller warns (the encoding option is probably wrong). */
int lsc_transcode_looks_utf8(const struct transcode *tc);

#endif
