#include "row_writer.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"
#include "util.h"

enum failure { W_OK = 0, W_NOMEM, W_WRITE, W_SHAPE };

struct lsc_row_writer {
    FILE *dest;
    enum lsc_row_format format;
    char *dest_name;
    int header_done;
    size_t cell;       /* index of the next cell in the row */
    char **keys;       /* JSONL: "\"name\":" per column, escaped */
    size_t n_keys, keys_cap;
    enum failure failure;
    int saved_errno;
};

/* Writes s as a JSON string (with its quotes). Returns nonzero on failure. */
static int put_json_string(FILE *out, const char *s, size_t len)
{
    int bad = putc('"', out) == EOF;
    size_t i = 0;
    while (i < len && !bad) {
        unsigned char c = (unsigned char)s[i];
        if (c < 0x80) {
            if (c == '"' || c == '\\')
                bad = putc('\\', out) == EOF || putc(c, out) == EOF;
            else if (c == '\n')
                bad = fputs("\\n", out) == EOF;
            else if (c == '\r')
                bad = fputs("\\r", out) == EOF;
            else if (c == '\t')
                bad = fputs("\\t", out) == EOF;
            else if (c < 0x20)
                bad = fprintf(out, "\\u%04x", c) < 0;
            else
                bad = putc(c, out) == EOF;
            i++;
            continue;
        }
        size_t n = c >= 0xC2 && c <= 0xDF ? 2 : c >= 0xE0 && c <= 0xEF ? 3
                 : c >= 0xF0 && c <= 0xF4 ? 4 : 0;
        if (n > 0 && i + n <= len && lsc_utf8_valid(s + i, n, NULL)) {
            bad = fwrite(s + i, 1, n, out) != n;
            i += n;
        } else {
            bad = fputs("\\ufffd", out) == EOF;
            i++;
        }
    }
    return bad || putc('"', out) == EOF;
}

/* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
static int is_json_number(const char *s, size_t len)
{
    size_t i = 0;
    if (i < len && s[i] == '-')
        i++;
    if (i < len && s[i] == '0')
        i++;
    else if (i < len && s[i] >= '1' && s[i] <= '9')
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
    else
        return 0;
    if (i < len && s[i] == '.') {
        size_t d = ++i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        if (i < len && (s[i] == '+' || s[i] == '-'))
            i++;
        size_t d = i;
        while (i < len && s[i] >= '0' && s[i] <= '9')
            i++;
        if (i == d)
            return 0;
    }
    return i == len;
}

static void fail_write(struct lsc_row_writer *w)
{
    if (w->failure == W_OK) {
        w->saved_errno = errno;
        w->failure = W_WRITE;
    }
}

static int add_key(struct lsc_row_writer *w, const char *name, size_t len)
{
    if (w->n_keys == w->keys_cap) {
        size_t cap = w->keys_cap ? w->keys_cap * 2 : 16;
        char **k = lsc_reallocarray(w->keys, cap, sizeof *k);
        if (k == NULL)
            return 0;
        w->keys = k;
        w->keys_cap = cap;
    }
    char *mem = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&mem, &size);
    if (m == NULL)
        return 0;
    int bad = put_json_string(m, name, len) || putc(':', m) == EOF;
    bad |= fclose(m) != 0;
    if (!bad)
        w->keys[w->n_keys] = lsc_strndup(mem, size);
    free(mem);
    if (bad || w->keys[w->n_keys] == NULL)
        return 0;
    w->n_keys++;
    return 1;
}

/* Starts a data cell: the separator (CSV) or the key (JSONL). Returns 0 when
 * the writer has failed or the row has more cells than the header. */
static int begin_cell(struct lsc_row_writer *w)
{
    if (w->failure != W_OK)
        return 0;
    if (!w->header_done || w->cell >= w->n_keys) {
        w->failure = W_SHAPE;
        return 0;
    }
    int bad;
    if (w->format == LSC_ROWS_CSV)
        bad = w->cell > 0 && putc(',', w->dest) == EOF;
    else
        bad = fputs(w->cell == 0 ? "{" : ",", w->dest) == EOF ||
              fputs(w->keys[w->cell], w->dest) == EOF;
    w->cell++;
    if (bad) {
        fail_write(w);
        return 0;
    }
    return 1;
}

static void done(struct lsc_row_writer *w, int bad)
{
    if (bad)
        fail_write(w);
}

enum lsc_status lsc_row_writer_new(struct lsc_row_writer **out, FILE *dest,
                                   enum lsc_row_format format, const char *dest_name,
                                   struct lsc_error *err)
{
    struct lsc_row_writer *w = lsc_calloc(1, sizeof *w);
    *out = NULL;
    if (w == NULL || (w->dest_name = lsc_strdup(dest_name)) == NULL) {
        lsc_row_writer_free(w);
        return lsc_error_nomem(err);
    }
    w->dest = dest;
    w->format = format;
    *out = w;
    return LSC_OK;
}

void lsc_row_writer_key(struct lsc_row_writer *w, const char *name, size_t len)
{
    if (w->failure != W_OK)
        return;
    if (w->header_done) {
        w->failure = W_SHAPE;
        return;
    }
    if (w->format == LSC_ROWS_CSV) {
        done(w, (w->n_keys > 0 && putc(',', w->dest) == EOF) ||
                    lsc_csv_put_field(w->dest, name, len) != 0);
        w->n_keys++;
    } else if (!add_key(w, name, len)) {
        w->failure = W_NOMEM;
    }
}

void lsc_row_writer_string(struct lsc_row_writer *w, const char *s, size_t len)
{
    if (!begin_cell(w))
        return;
    if (w->format == LSC_ROWS_CSV)
        done(w, lsc_csv_put_field(w->dest, s, len) != 0);
    else
        done(w, put_json_string(w->dest, s, len));
}

void lsc_row_writer_null(struct lsc_row_writer *w)
{
    if (begin_cell(w) && w->format == LSC_ROWS_JSONL)
        done(w, fputs("null", w->dest) == EOF);
}

void lsc_row_writer_text(struct lsc_row_writer *w, const char *s, size_t len)
{
    if (len == 0)
        lsc_row_writer_null(w);
    else
        lsc_row_writer_string(w, s, len);
}

void lsc_row_writer_number(struct lsc_row_writer *w, const char *text, size_t len)
{
    double v = 0.0;
    if (len == 0) {
        lsc_row_writer_null(w);
    } else if (w->format == LSC_ROWS_CSV) {
        if (begin_cell(w))
            done(w, lsc_csv_put_field(w->dest, text, len) != 0);
    } else if (is_json_number(text, len)) {
        if (begin_cell(w))
            done(w, fwrite(text, 1, len, w->dest) != len);
    } else if (lsc_parse_number(text, len, &v) && isfinite(v)) {
        if (begin_cell(w))
            done(w, fprintf(w->dest, "%.17g", v) < 0);
    } else {
        lsc_row_writer_string(w, text, len); /* not a number after all: keep the text */
    }
}

void lsc_row_writer_integer(struct lsc_row_writer *w, long long v)
{
    /* without printf: a score is written once per lead */
    char buf[24];
    size_t n = sizeof buf;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do {
        buf[--n] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    if (v < 0)
        buf[--n] = '-';
    if (begin_cell(w))
        done(w, fwrite(buf + n, 1, sizeof buf - n, w->dest) != sizeof buf - n);
}

void lsc_row_writer_end(struct lsc_row_writer *w)
{
    if (w->failure != W_OK)
        return;
    if (!w->header_done) {
        w->header_done = 1;
        if (w->format == LSC_ROWS_CSV)
            done(w, putc('\n', w->dest) == EOF);
        return;
    }
    if (w->cell != w->n_keys) {
        w->failure = W_SHAPE;
        return;
    }
    w->cell = 0;
    done(w, fputs(w->format == LSC_ROWS_CSV ? "\n" : "}\n", w->dest) == EOF);
}

int lsc_row_writer_failed(const struct lsc_row_writer *w)
{
    return w->failure != W_OK;
}

enum lsc_status lsc_row_writer_finish(struct lsc_row_writer *w, struct lsc_error *err)
{
    if (w->failure == W_OK && w->cell != 0)
        w->failure = W_SHAPE;
    if (w->failure == W_OK && ferror(w->dest))
        fail_write(w);
    const char *name = strcmp(w->dest_name, "-") == 0 ? "<stdout>" : w->dest_name;
    switch (w->failure) {
    case W_OK:
        return LSC_OK;
    case W_NOMEM:
        return lsc_error_nomem(err);
    case W_WRITE:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "write failed: %s",
                             w->saved_errno != 0 ? strerror(w->saved_errno) : "unknown error");
    case W_SHAPE:
    default:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "internal error: a row's cells do not match the header");
    }
}

void lsc_row_writer_free(struct lsc_row_writer *w)
{
    if (w == NULL)
        return;
    for (size_t k = 0; k < w->n_keys && w->keys != NULL; k++)
        lsc_free(w->keys[k]);
    lsc_free(w->keys);
    lsc_free(w->dest_name);
    lsc_free(w);
}
