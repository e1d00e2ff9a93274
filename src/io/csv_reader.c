#include "csv_reader.h"

#include <csv.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "gzstream.h"
#include "sha256.h"
#include "status_internal.h"
#include "transcode.h"
#include "util.h"

/* How the reader drives libcsv.
 *
 * Input is read with fread into a 1 MiB buffer (every byte also goes into the
 * SHA-256) and consumed in pieces that end at each CR or LF, or at the end of
 * the buffer. A piece thus holds at most one record terminator, as its last
 * byte, so after each piece we know exactly whether a record is in progress
 * and on which physical line (LFs counted) the next record or field starts -
 * which is what error messages need.
 *
 * Pieces go to libcsv's incremental parser (strict mode, RFC 4180), except
 * that a whole line starting at a record boundary is first split at the
 * delimiter with memchr up to its first quote: bytes without quotes, CR or
 * LF parse trivially, and libcsv, which costs a callback per byte here, only
 * sees the quoted rest (usually nothing). Both give the same fields.
 *
 * libcsv lends its field buffer to the callback, so on_field copies each field
 * (plus a NUL) into one growing arena and notes offset and length; on_row
 * closes the record and queues it. lsc_csv_reader_next() hands out the oldest
 * queued record, pointing into the arena, and drops it on the next call.
 */

#define READ_BUF_SIZE ((size_t)1 << 20)
#define MIN_ARENA 4096
#define MIN_FIELDS 64
#define MIN_BLK 1024

static const char *const MALFORMED_QUOTE =
    "malformed quoted field (a quote must be doubled inside quotes, and a quoted field must end "
    "at a delimiter)";

struct pending {
    size_t end_field; /* one past the record's last field in the field table */
    size_t line;      /* physical line on which it starts */
};

struct csv_reader {
    FILE *fp;
    int owns_fp;
    int borrowed_in; /* in points into the caller's memory (lsc_csv_reader_open_mem) */
    char *name;
    struct csv_reader_opts opts;
    char delim; /* 0 until detected */

    struct csv_parser parser;
    size_t blk; /* libcsv's buffer increment, grown geometrically */
    struct sha256_ctx sha;

    unsigned char *in;
    size_t in_len, in_pos;
    size_t next_cr, next_quote; /* cached offsets in the buffer (in_len: none;
                                   SIZE_MAX: not yet searched) */
    int started;     /* first buffer read, BOM and delimiter handled */
    int eof;         /* fread hit end of input */
    int finished;    /* csv_fini called */
    int cb_failed;   /* an allocation failed inside a libcsv callback */
    size_t bytes;    /* consumed */
    size_t line;     /* physical line of the next byte to feed */
    int in_record;   /* a record has started and not ended */
    size_t rec_line; /* where the record in progress started */
    size_t field_line; /* where the field in progress started */
    size_t rec_first;  /* first field of the record in progress */

    /* Fields of the queued records and of the record in progress. */
    char *arena;
    size_t arena_len, arena_cap;
    size_t *foff, *flen;
    size_t nf, fcap;

    struct pending *queue;
    size_t qlen, qcap;

    const char **ptrs;
    size_t ptrs_cap;
    struct csv_record rec;
    int lent;          /* rec (queue[0]) is out with the caller */
    size_t expected;   /* field count of the header; 0 before it */
    int non_ascii;     /* a byte >= 0x80 has been read (into in) */
    size_t nreturned;

    enum lsc_status failed; /* sticky: once failed, every call repeats it */
    struct lsc_error last_err;

    struct gzstream *gz; /* gzip input: fp decompresses raw_fp (gzstream.h) */
    FILE *raw_fp;
    struct transcode *tc; /* --encoding: fp decodes gz_fp (transcode.h) */
    FILE *gz_fp;          /* what fp decodes: the decompressing stream or raw_fp */
    size_t size;         /* of the input file; 0 when unknown (a pipe) */
};

static void *csv_realloc_hook(void *ptr, size_t size) { return lsc_realloc(ptr, size); }
static void csv_free_hook(void *ptr) { lsc_free(ptr); }

/* Leading and trailing spaces are data: callers decide what to trim. */
static int never_space(unsigned char c)
{
    (void)c;
    return 0;
}

/* A capacity of at least need (and min), doubling from cap. */
static size_t grown_cap(size_t cap, size_t need, size_t min)
{
    size_t n = cap < min ? min : cap;
    while (n < need)
        n = n > SIZE_MAX / 2 ? need : n * 2;
    return n;
}

static int reserve_arena(struct csv_reader *r, size_t extra)
{
    if (extra > SIZE_MAX - r->arena_len)
        return 0;
    if (r->arena_len + extra <= r->arena_cap)
        return 1;
    size_t cap = grown_cap(r->arena_cap, r->arena_len + extra, MIN_ARENA);
    char *p = lsc_realloc(r->arena, cap);
    if (p == NULL)
        return 0;
    r->arena = p;
    r->arena_cap = cap;
    return 1;
}

static int reserve_fields(struct csv_reader *r, size_t need)
{
    if (need <= r->fcap)
        return 1;
    size_t cap = grown_cap(r->fcap, need, MIN_FIELDS);
    size_t *off = lsc_reallocarray(r->foff, cap, sizeof *off);
    if (off == NULL)
        return 0;
    r->foff = off;
    size_t *len = lsc_reallocarray(r->flen, cap, sizeof *len);
    if (len == NULL)
        return 0;
    r->flen = len;
    r->fcap = cap;
    return 1;
}

static void on_field(void *data, size_t len, void *ud)
{
    struct csv_reader *r = ud;
    if (r->cb_failed)
        return;
    if (len == SIZE_MAX || !reserve_arena(r, len + 1) || !reserve_fields(r, r->nf + 1)) {
        r->cb_failed = 1;
        return;
    }
    if (len > 0)
        memcpy(r->arena + r->arena_len, data, len);
    r->arena[r->arena_len + len] = '\0';
    r->foff[r->nf] = r->arena_len;
    r->flen[r->nf] = len;
    r->nf++;
    r->arena_len += len + 1;
    r->field_line = r->line;
}

/* Queues the record in progress as complete. */
static int push_record(struct csv_reader *r)
{
    if (r->qlen == r->qcap) {
        size_t cap = grown_cap(r->qcap, r->qlen + 1, 4);
        struct pending *q = lsc_reallocarray(r->queue, cap, sizeof *q);
        if (q == NULL)
            return 0;
        r->queue = q;
        r->qcap = cap;
    }
    r->queue[r->qlen].end_field = r->nf;
    r->queue[r->qlen].line = r->rec_line;
    r->qlen++;
    r->rec_first = r->nf;
    r->in_record = 0;
    return 1;
}

static void on_row(int c, void *ud)
{
    struct csv_reader *r = ud;
    (void)c;
    if (!r->cb_failed && !push_record(r))
        r->cb_failed = 1;
}

/* Appends the fields in s[0..len), split at the delimiter: all of them when
 * whole (the record ends at len), else only those followed by a delimiter.
 * s must hold no quote, CR or LF, so this is exactly what libcsv would do
 * (with never_space), at memchr speed. Returns where the unsplit rest
 * starts (len when whole), or SIZE_MAX when out of memory. */
static size_t split_plain(struct csv_reader *r, const unsigned char *s, size_t len, int whole)
{
    if (len == SIZE_MAX || !reserve_arena(r, len + 1))
        return SIZE_MAX;
    size_t base = r->arena_len;
    char *dst = r->arena + base;
    memcpy(dst, s, len);
    dst[len] = '\0';
    size_t pos = 0;
    for (;;) {
        char *d = memchr(dst + pos, r->delim, len - pos);
        if (d == NULL && !whole)
            break;
        size_t end = d != NULL ? (size_t)(d - dst) : len;
        if (!reserve_fields(r, r->nf + 1))
            return SIZE_MAX;
        r->foff[r->nf] = base + pos;
        r->flen[r->nf] = end - pos;
        r->nf++;
        if (d != NULL)
            *d = '\0';
        pos = end + 1;
        if (d == NULL)
            break;
    }
    r->arena_len += pos; /* each field and its NUL */
    return whole ? len : pos;
}

/* Removes queue[0] and its fields, moving what follows to the front. */
static void drop_head(struct csv_reader *r)
{
    size_t cut = r->queue[0].end_field;
    size_t cut_byte = cut < r->nf ? r->foff[cut] : r->arena_len;
    size_t keep = r->nf - cut;
    if (keep > 0) {
        memmove(r->arena, r->arena + cut_byte, r->arena_len - cut_byte);
        for (size_t i = 0; i < keep; i++) {
            r->foff[i] = r->foff[cut + i] - cut_byte;
            r->flen[i] = r->flen[cut + i];
        }
    }
    r->arena_len -= cut_byte;
    r->nf = keep;
    r->rec_first -= cut;
    for (size_t q = 1; q < r->qlen; q++) {
        r->queue[q - 1] = r->queue[q];
        r->queue[q - 1].end_field -= cut;
    }
    r->qlen--;
}

/* The most frequent of ',' ';' TAB outside quotes in the first record found
 * in s (leading blank lines skipped); ',' on ties and when none occurs. */
static char detect_delimiter(const unsigned char *s, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0, i = 0;
    int quoted = 0;
    while (i < n && (s[i] == '\r' || s[i] == '\n'))
        i++;
    for (; i < n; i++) {
        unsigned char c = s[i];
        if (c == '"')
            quoted = !quoted;
        else if (quoted)
            continue;
        else if (c == '\n')
            break;
        else if (c == ',')
            comma++;
        else if (c == ';')
            semi++;
        else if (c == '\t')
            tab++;
    }
    if (semi > comma && semi > tab)
        return ';';
    if (tab > comma && tab > semi)
        return '\t';
    return ',';
}

/* 1 when [s, s + n) holds a byte >= 0x80; 8 bytes at a time. */
static int has_non_ascii(const unsigned char *s, size_t n)
{
    uint64_t acc = 0, w;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        memcpy(&w, s + i, 8);
        acc |= w;
    }
    for (; i < n; i++)
        acc |= s[i];
    return (acc & UINT64_C(0x8080808080808080)) != 0;
}

static enum lsc_status refill(struct csv_reader *r)
{
    enum lsc_status st = LSC_OK;
    r->in_pos = 0;
    r->in_len = 0;
    r->next_cr = SIZE_MAX;
    r->next_quote = SIZE_MAX;
    if (r->eof)
        goto cleanup;
    errno = 0;
    r->in_len = fread(r->in, 1, READ_BUF_SIZE, r->fp);
    if (r->in_len < READ_BUF_SIZE) {
        if (ferror(r->fp)) {
            int e = errno;
            if (r->gz != NULL && lsc_gzstream_failed(r->gz)) {
                st = lsc_gzstream_error(r->gz, &r->last_err);
                goto cleanup;
            }
            if (r->tc != NULL && lsc_transcode_failed(r->tc)) {
                st = lsc_transcode_error(r->tc, &r->last_err);
                goto cleanup;
            }
            st = lsc_error_set(&r->last_err, LSC_ERR_IO, r->name, r->line, 0, "read error: %s",
                               e != 0 ? strerror(e) : "unknown error");
            goto cleanup;
        }
        r->eof = 1;
    }
    lsc_sha256_update(&r->sha, r->in, r->in_len);
    r->non_ascii = r->non_ascii || has_non_ascii(r->in, r->in_len);
cleanup:
    return st;
}

static enum lsc_status start(struct csv_reader *r)
{
    enum lsc_status st = refill(r);
    if (st != LSC_OK)
        goto cleanup;
    if (r->in_len >= 3 && r->in[0] == 0xEF && r->in[1] == 0xBB && r->in[2] == 0xBF) {
        r->in_pos = 3;
        r->bytes = 3;
    }
    if (r->delim == 0)
        r->delim = detect_delimiter(r->in + r->in_pos, r->in_len - r->in_pos);
    csv_set_delim(&r->parser, (unsigned char)r->delim);
    r->started = 1;
cleanup:
    return st;
}

static enum lsc_status finish(struct csv_reader *r)
{
    enum lsc_status st = LSC_OK;
    r->finished = 1;
    /* Always: without it a last record lacking a newline would be lost. */
    int rc = csv_fini(&r->parser, on_field, on_row, r);
    if (r->cb_failed) {
        st = lsc_error_nomem(&r->last_err);
        goto cleanup;
    }
    if (rc != 0) {
        st = lsc_error_set(&r->last_err, LSC_ERR_PARSE, r->name, r->field_line,
                           r->nf - r->rec_first + 1, "unterminated quoted field (opened on line %zu)",
                           r->field_line);
        goto cleanup;
    }
cleanup:
    return st;
}

/* The offset of the next c at or after in_pos (in_len if none), cached in
 * *at so that each byte of the buffer is searched once per character. */
static size_t next_of(const struct csv_reader *r, size_t *at, int c)
{
    if (*at == SIZE_MAX || *at < r->in_pos) {
        const unsigned char *p = memchr(r->in + r->in_pos, c, r->in_len - r->in_pos);
        *at = p != NULL ? (size_t)(p - r->in) : r->in_len;
    }
    return *at;
}

/* Runs libcsv over s[0..n), which holds at most one CR or LF outside quotes,
 * as its last byte. */
static enum lsc_status parse_piece(struct csv_reader *r, const unsigned char *s, size_t n)
{
    enum lsc_status st = LSC_OK;
    size_t done = csv_parse(&r->parser, s, n, on_field, on_row, r);
    if (r->cb_failed) {
        st = lsc_error_nomem(&r->last_err);
        goto cleanup;
    }
    if (done < n) {
        int e = csv_error(&r->parser);
        size_t column = r->nf - r->rec_first + 1;
        if (e == CSV_EPARSE)
            st = lsc_error_set(&r->last_err, LSC_ERR_PARSE, r->name, r->line, column, "%s",
                               MALFORMED_QUOTE);
        else if (e == CSV_ETOOBIG)
            st = lsc_error_set(&r->last_err, LSC_ERR_NOMEM, r->name, r->line, column,
                               "field too large");
        else
            st = lsc_error_nomem(&r->last_err);
        goto cleanup;
    }
    /* libcsv grows its field buffer by a fixed block; keep that geometric. */
    size_t have = csv_get_buffer_size(&r->parser);
    if (have > r->blk) {
        r->blk = have;
        csv_set_blk_size(&r->parser, r->blk);
    }
cleanup:
    return st;
}

/* The field and the record in progress against opts.max_field (see
 * csv_reader.h): checked after every piece, so memory stays bounded. */
static enum lsc_status check_sizes(struct csv_reader *r)
{
    size_t max_field = r->opts.max_field ? r->opts.max_field : LSC_CSV_MAX_FIELD;
    size_t max_record = max_field > LSC_CSV_MAX_RECORD / 4 ? max_field * 4 : LSC_CSV_MAX_RECORD;
    if (max_field > SIZE_MAX / 4)
        max_record = SIZE_MAX;
    size_t field = r->parser.entry_pos, column = r->nf - r->rec_first + 1;
    size_t record = field + (r->nf > r->rec_first ? r->arena_len - r->foff[r->rec_first] : 0);
    if (r->nf > r->rec_first && r->flen[r->nf - 1] > field) {
        field = r->flen[r->nf - 1];
        column--;
    }
    if (field > max_field)
        return lsc_error_set(&r->last_err, LSC_ERR_DATA, r->name, r->field_line, column,
                             "a field longer than %zu bytes: not a CSV export? (a larger limit: "
                             "--max-field-size)",
                             max_field);
    if (record > max_record)
        return lsc_error_set(&r->last_err, LSC_ERR_DATA, r->name, r->rec_line, column,
                             "a line longer than %zu bytes: not a CSV export? (a larger limit: "
                             "--max-field-size, 4 times as much per line)",
                             max_record);
    return LSC_OK;
}

/* Consumes the next piece of input: up to and including the next CR or LF,
 * or to the end of the buffer. Refills the buffer, or finishes, first when
 * it is empty. */
static enum lsc_status feed(struct csv_reader *r)
{
    enum lsc_status st = LSC_OK;
    if (r->in_pos == r->in_len) {
        st = refill(r);
        if (st == LSC_OK && r->in_len == 0)
            st = finish(r);
        goto cleanup;
    }
    const unsigned char *s = r->in + r->in_pos;
    size_t n = r->in_len - r->in_pos;
    const unsigned char *nl = memchr(s, '\n', n);
    if (nl != NULL)
        n = (size_t)(nl - s) + 1;
    size_t cr = next_of(r, &r->next_cr, '\r');
    if (cr < r->in_pos + n)
        n = cr - r->in_pos + 1;
    int ends_line = s[n - 1] == '\n';
    size_t content = (ends_line || s[n - 1] == '\r') ? n - 1 : n;
    size_t skip = 0;
    int whole = 0;
    /* At a row boundary libcsv skips CR and LF, and any other byte (spaces
     * included, as never_space says) starts a record. */
    if (!r->in_record && content > 0) {
        r->in_record = 1;
        r->rec_line = r->line;
        r->field_line = r->line;
        if (content < n) {
            /* A whole line: the fields before its first quote (all of
             * them, commonly) need no parser. libcsv then takes over at the
             * start of the quoted field, at its row boundary, which behaves
             * as its field boundary does for anything but CR and LF. */
            size_t quote = next_of(r, &r->next_quote, '"') - r->in_pos;
            whole = quote >= content;
            skip = split_plain(r, s, whole ? content : quote, whole);
            if (skip == SIZE_MAX || (whole && !push_record(r))) {
                st = lsc_error_nomem(&r->last_err);
                goto cleanup;
            }
        }
    }
    if (!whole) {
        st = parse_piece(r, s + skip, n - skip);
        if (st != LSC_OK)
            goto cleanup;
    }
    r->in_pos += n;
    r->bytes += n;
    st = check_sizes(r);
    if (ends_line)
        r->line++;
cleanup:
    return st;
}

/* Checks queue[0] and lends it as r->rec. Sets *skip for a lone empty field
 * (a line holding only "") when the header has several fields. */
static enum lsc_status lend_head(struct csv_reader *r, int *skip)
{
    enum lsc_status st = LSC_OK;
    size_t n = r->queue[0].end_field;
    size_t line = r->queue[0].line;
    *skip = 0;
    if (n == 1 && r->flen[0] == 0 && r->expected > 1) {
        *skip = 1;
        goto cleanup;
    }
    if (r->nreturned == 0) {
        r->expected = n;
    } else if (n != r->expected && !r->opts.allow_ragged) {
        st = lsc_error_set(&r->last_err, LSC_ERR_PARSE, r->name, line,
                           n < r->expected ? n + 1 : r->expected + 1,
                           "expected %zu fields, found %zu", r->expected, n);
        goto cleanup;
    }
    if (n > r->ptrs_cap) {
        size_t cap = grown_cap(r->ptrs_cap, n, MIN_FIELDS);
        const char **p = lsc_reallocarray(r->ptrs, cap, sizeof *p);
        if (p == NULL) {
            st = lsc_error_nomem(&r->last_err);
            goto cleanup;
        }
        r->ptrs = p;
        r->ptrs_cap = cap;
    }
    for (size_t i = 0; i < n; i++)
        r->ptrs[i] = r->arena + r->foff[i];
    r->rec.nfields = n;
    r->rec.fields = r->ptrs;
    r->rec.lens = r->flen;
    r->rec.line = line;
    r->rec.index = r->nreturned++;
    r->lent = 1;
cleanup:
    return st;
}

enum lsc_status lsc_csv_reader_next(struct csv_reader *r, const struct csv_record **rec,
                                struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    *rec = NULL;
    if (r->failed != LSC_OK) {
        st = r->failed;
        goto cleanup;
    }
    if (r->lent) {
        drop_head(r);
        r->lent = 0;
    }
    if (!r->started) {
        st = start(r);
        if (st != LSC_OK)
            goto cleanup;
    }
    for (;;) {
        if (r->qlen > 0) {
            int skip = 0;
            st = lend_head(r, &skip);
            if (st != LSC_OK)
                goto cleanup;
            if (!skip) {
                *rec = &r->rec;
                break;
            }
            drop_head(r);
            continue;
        }
        if (r->finished)
            break;
        st = feed(r);
        if (st != LSC_OK)
            goto cleanup;
    }
cleanup:
    if (st != LSC_OK) {
        r->failed = st;
        if (err != NULL)
            *err = r->last_err;
    }
    return st;
}

enum lsc_status lsc_csv_reader_open_stream(struct csv_reader **out, FILE *fp, const char *display_name,
                                       const struct csv_reader_opts *opts, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *r = NULL;
    const char *name = display_name != NULL ? display_name : "<stream>";
    *out = NULL;
    if (opts != NULL &&
        (opts->delimiter == '"' || opts->delimiter == '\r' || opts->delimiter == '\n')) {
        st = lsc_error_set(err, LSC_ERR_USAGE, name, 0, 0,
                           "the delimiter cannot be a quote, CR or LF");
        goto cleanup;
    }
    r = lsc_calloc(1, sizeof *r);
    if (r == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    r->fp = fp;
    if (opts != NULL)
        r->opts = *opts;
    r->delim = r->opts.delimiter;
    r->line = 1;
    r->blk = MIN_BLK;
    r->next_cr = SIZE_MAX;
    r->next_quote = SIZE_MAX;
    r->name = lsc_strdup(name);
    r->in = lsc_malloc(READ_BUF_SIZE);
    if (r->name == NULL || r->in == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL);
    csv_set_realloc_func(&r->parser, csv_realloc_hook);
    csv_set_free_func(&r->parser, csv_free_hook);
    csv_set_space_func(&r->parser, never_space);
    csv_set_blk_size(&r->parser, r->blk);
    lsc_sha256_init(&r->sha);
    if (fp != NULL) { /* the size for progress reports; gzip unwrapped */
        struct stat sb;
        if (fileno(fp) >= 0 && fstat(fileno(fp), &sb) == 0 && S_ISREG(sb.st_mode) &&
            sb.st_size > 0)
            r->size = (size_t)sb.st_size;
        r->raw_fp = fp;
        if ((st = lsc_gzstream_wrap(&r->fp, &r->gz, name, err)) != LSC_OK)
            goto cleanup;
        r->gz_fp = r->fp;
    }
    *out = r;
    r = NULL;
cleanup:
    lsc_csv_reader_free(r);
    return st;
}

enum lsc_status lsc_csv_reader_open(struct csv_reader **out, const char *path,
                                const struct csv_reader_opts *opts, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    FILE *fp = NULL;
    int is_stdin = strcmp(path, "-") == 0;
    *out = NULL;
    if (is_stdin) {
        st = lsc_csv_reader_open_stream(out, stdin, "<stdin>", opts, err);
        goto cleanup;
    }
    fp = fopen(path, "rb");
    if (fp == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot open: %s", strerror(errno));
        goto cleanup;
    }
    /* fopen accepts a directory on Linux; fread would then fail obscurely. */
    struct stat sb;
    if (fstat(fileno(fp), &sb) == 0 && S_ISDIR(sb.st_mode)) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "cannot read: %s", strerror(EISDIR));
        goto cleanup;
    }
    st = lsc_csv_reader_open_stream(out, fp, path, opts, err);
    if (st != LSC_OK)
        goto cleanup;
    (*out)->owns_fp = 1;
    fp = NULL;
cleanup:
    if (fp != NULL)
        fclose(fp);
    return st;
}

enum lsc_status lsc_csv_reader_open_mem(struct csv_reader **out, const void *data, size_t len,
                                    const char *display_name, const struct csv_reader_opts *opts,
                                    size_t expected_fields, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *r = NULL;
    *out = NULL;
    if (opts == NULL || opts->delimiter == 0 || expected_fields == 0) {
        st = lsc_error_set(err, LSC_ERR_USAGE, display_name, 0, 0,
                           "internal: a continued reader needs a delimiter and a field count");
        goto cleanup;
    }
    st = lsc_csv_reader_open_stream(&r, NULL, display_name, opts, err);
    if (st != LSC_OK)
        goto cleanup;
    lsc_free(r->in);
    r->in = (unsigned char *)(uintptr_t)data; /* read only: feed never writes it */
    r->borrowed_in = 1;
    r->in_len = len;
    r->non_ascii = has_non_ascii(r->in, len);
    r->eof = 1;
    r->started = 1;
    csv_set_delim(&r->parser, (unsigned char)r->delim);
    r->expected = expected_fields;
    r->nreturned = 1; /* the header was the caller's */
    *out = r;
    r = NULL;
cleanup:
    lsc_csv_reader_free(r);
    return st;
}

int lsc_csv_reader_tail(struct csv_reader *r, struct csv_tail *t)
{
    if (r->failed != LSC_OK || !r->started || r->finished)
        return 0;
    if (r->lent) {
        drop_head(r);
        r->lent = 0;
    }
    if (r->qlen != 0 || r->in_record || r->nf != 0 || r->fp == NULL)
        return 0;
    t->fp = r->fp;
    t->buffered = r->in + r->in_pos;
    t->n_buffered = r->in_len - r->in_pos;
    t->line = r->line;
    t->offset = r->bytes;
    t->expected = r->expected;
    t->delimiter = r->delim;
    t->eof = r->eof;
    t->sha = r->sha;
    r->failed = LSC_ERR_USAGE; /* the caller reads on; this reader is done */
    r->last_err.status = LSC_ERR_USAGE;
    snprintf(r->last_err.message, sizeof r->last_err.message,
             "internal: reader used after lsc_csv_reader_tail()");
    return 1;
}

size_t lsc_csv_reader_line(const struct csv_reader *r) { return r->line; }

void lsc_csv_reader_tail_advance(struct csv_reader *r, size_t n) { r->bytes += n; }

char lsc_csv_reader_delimiter(const struct csv_reader *r) { return r->delim; }

enum lsc_status lsc_csv_reader_set_encoding(struct csv_reader *r, enum lsc_encoding enc,
                                            struct lsc_error *err)
{
    if (r->started || r->fp == NULL || r->tc != NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, r->name, 0, 0,
                             "internal: the encoding is set once, before reading");
    return lsc_transcode_wrap(&r->fp, &r->tc, enc, r->name, err);
}

int lsc_csv_reader_non_ascii(const struct csv_reader *r) { return r->non_ascii; }

int lsc_csv_reader_looks_utf8(const struct csv_reader *r)
{
    return r->tc != NULL && lsc_transcode_looks_utf8(r->tc);
}

const char *lsc_csv_reader_name(const struct csv_reader *r) { return r->name; }

void lsc_csv_reader_sha256_hex(const struct csv_reader *r, char out[65])
{
    struct sha256_ctx ctx = r->sha;
    unsigned char digest[32];
    lsc_sha256_final(&ctx, digest);
    lsc_sha256_hex(digest, out);
}

size_t lsc_csv_reader_bytes(const struct csv_reader *r) { return r->bytes; }

void lsc_csv_reader_progress(const struct csv_reader *r, size_t *done, size_t *size)
{
    *done = r->gz != NULL ? lsc_gzstream_consumed(r->gz)
            : r->tc != NULL ? lsc_transcode_consumed(r->tc)
                            : r->bytes;
    *size = r->size;
    if (*size > 0 && *done > *size)
        *done = *size;
}

void lsc_csv_reader_free(struct csv_reader *r)
{
    if (r == NULL)
        return;
    csv_free(&r->parser);
    if (r->tc != NULL) /* closes the decoding stream, not what it decodes */
        fclose(r->fp);
    if (r->gz != NULL) /* closes the decompressing stream, not the input */
        fclose(r->gz_fp);
    if (r->owns_fp && r->raw_fp != NULL)
        fclose(r->raw_fp);
    lsc_free(r->name);
    if (!r->borrowed_in)
        lsc_free(r->in);
    lsc_free(r->arena);
    lsc_free(r->foff);
    lsc_free(r->flen);
    lsc_free(r->queue);
    lsc_free(r->ptrs);
    lsc_free(r);
}

/* A header field, trimmed, equal to name (ignoring ASCII case when icase). */
static int header_eq(const char *s, size_t len, const char *name, size_t nlen, int icase)
{
    lsc_trim_span(&s, &len);
    return icase ? lsc_span_ieq(s, len, name) : len == nlen && memcmp(s, name, len) == 0;
}

size_t lsc_csv_header_find(size_t n, const char *const *fields, const size_t *lens,
                           const char *name, int icase, size_t *again)
{
    size_t nlen = strlen(name), found = SIZE_MAX;
    if (again != NULL)
        *again = SIZE_MAX;
    for (int pass = 0; pass < 1 + (icase != 0) && found == SIZE_MAX; pass++)
        for (size_t k = 0; k < n; k++) {
            if (!header_eq(fields[k], lens[k], name, nlen, pass))
                continue;
            if (found == SIZE_MAX) {
                found = k;
                if (again == NULL)
                    break;
            } else {
                *again = k;
                break;
            }
        }
    return found;
}

enum lsc_status lsc_csv_header_column(const struct csv_record *h, const char *name,
                                      const char *file, size_t *out, struct lsc_error *err)
{
    size_t again = SIZE_MAX;
    *out = lsc_csv_header_find(h->nfields, h->fields, h->lens, name, 0, &again);
    if (again != SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_DATA, file, h->line, again + 1,
                             "duplicate column name \"%s\" (also column %zu)", name, *out + 1);
    return LSC_OK;
}
