/* fopencookie is a GNU extension. */
#define _GNU_SOURCE
#include "jsonl.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "alloc.h"
#include "status_internal.h"
#include "util.h"

/* The cookie's write function runs a four-state RFC 4180 parser over the
 * bytes it is given (they arrive in arbitrary pieces); a complete field is
 * written out at once, so memory holds one field, not a record. */

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED };
enum failure { J_OK = 0, J_NOMEM, J_WRITE, J_SHAPE };

struct jsonl {
    FILE *dest;
    FILE *fp; /* the cookie stream; NULL once closed */
    char *dest_name;
    size_t n_ids;
    enum state state;
    int header_done;
    size_t field;          /* index of the field in progress */
    char *buf;             /* its bytes */
    size_t len, cap;
    char **keys;           /* "\"name\":" per column, escaped */
    unsigned char *numeric;
    size_t n_cols, cols_cap;
    enum failure failure;
    int saved_errno;
    int discard;           /* lsc_jsonl_free: drop what is flushed */
};

static int reserve(char **p, size_t *cap, size_t need)
{
    if (need <= *cap)
        return 1;
    size_t n = *cap < 64 ? 64 : *cap;
    while (n < need)
        n *= 2;
    char *q = lsc_realloc(*p, n);
    if (q == NULL)
        return 0;
    *p = q;
    *cap = n;
    return 1;
}

/* Appends s as a JSON string (with quotes) to *out. */
static int put_string(FILE *out, const char *s, size_t len)
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

static int put_number(FILE *out, const char *s, size_t len)
{
    if (is_json_number(s, len))
        return fwrite(s, 1, len, out) != len;
    double v = 0.0;
    if (lsc_parse_number(s, len, &v) && isfinite(v))
        return fprintf(out, "%.17g", v) < 0;
    return put_string(out, s, len); /* not a number after all: keep the text */
}

static int is_numeric_column(const char *name, size_t len)
{
    static const char *const names[] = {"probability", "score", "rule_score", "rule_qualified"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++)
        if (strlen(names[k]) == len && memcmp(names[k], name, len) == 0)
            return 1;
    return len > 7 && memcmp(name + len - 7, "_points", 7) == 0;
}

/* The header's field: a key. */
static int add_key(struct jsonl *j)
{
    if (j->n_cols == j->cols_cap) {
        size_t cap = j->cols_cap ? j->cols_cap * 2 : 16;
        char **k = lsc_reallocarray(j->keys, cap, sizeof *k);
        if (k == NULL)
            return 0;
        j->keys = k;
        unsigned char *num = lsc_realloc(j->numeric, cap);
        if (num == NULL)
            return 0;
        j->numeric = num;
        j->cols_cap = cap;
    }
    char *mem = NULL;
    size_t size = 0;
    FILE *m = open_memstream(&mem, &size);
    if (m == NULL)
        return 0;
    int bad = put_string(m, j->buf, j->len) || putc(':', m) == EOF;
    bad |= fclose(m) != 0;
    if (bad) {
        free(mem);
        return 0;
    }
    j->keys[j->n_cols] = lsc_strndup(mem, size);
    free(mem);
    if (j->keys[j->n_cols] == NULL)
        return 0;
    j->numeric[j->n_cols] = j->n_cols >= j->n_ids && is_numeric_column(j->buf, j->len);
    j->n_cols++;
    return 1;
}

/* The field in progress is complete; end_record: it was the record's last. */
static int end_field(struct jsonl *j, int end_record)
{
    if (!j->header_done) {
        if (!add_key(j)) {
            j->failure = J_NOMEM;
            return 0;
        }
    } else if (j->field >= j->n_cols || (end_record && j->field + 1 != j->n_cols)) {
        j->failure = J_SHAPE;
        return 0;
    } else if (!j->discard) {
        FILE *out = j->dest;
        size_t k = j->field;
        int bad = fputs(k == 0 ? "{" : ",", out) == EOF || fputs(j->keys[k], out) == EOF;
        if (k < j->n_ids)
            bad |= put_string(out, j->buf, j->len);
        else if (j->len == 0)
            bad |= fputs("null", out) == EOF;
        else if (j->numeric[k])
            bad |= put_number(out, j->buf, j->len);
        else
            bad |= put_string(out, j->buf, j->len);
        if (end_record)
            bad |= fputs("}\n", out) == EOF;
        if (bad || ferror(out)) {
            j->saved_errno = errno;
            j->failure = J_WRITE;
            return 0;
        }
    }
    j->len = 0;
    j->state = FIELD_START;
    if (end_record) {
        j->header_done = 1;
        j->field = 0;
    } else {
        j->field++;
    }
    return 1;
}

static int append(struct jsonl *j, char c)
{
    if (!reserve(&j->buf, &j->cap, j->len + 2)) {
        j->failure = J_NOMEM;
        return 0;
    }
    j->buf[j->len++] = c;
    j->buf[j->len] = '\0';
    return 1;
}

static ssize_t cookie_write(void *cookie, const char *data, size_t size)
{
    struct jsonl *j = cookie;
    for (size_t i = 0; i < size && j->failure == J_OK; i++) {
        char c = data[i];
        switch (j->state) {
        case FIELD_START:
        case UNQUOTED:
            if (c == '"' && j->state == FIELD_START)
                j->state = QUOTED;
            else if (c == ',')
                (void)end_field(j, 0);
            else if (c == '\n')
                (void)end_field(j, 1);
            else if (append(j, c))
                j->state = UNQUOTED;
            break;
        case QUOTED:
            if (c == '"')
                j->state = QUOTE_IN_QUOTED;
            else
                (void)append(j, c);
            break;
        case QUOTE_IN_QUOTED:
            if (c == '"') {
                if (append(j, c))
                    j->state = QUOTED;
            } else if (c == ',') {
                (void)end_field(j, 0);
            } else if (c == '\n') {
                (void)end_field(j, 1);
            } else {
                j->failure = J_SHAPE;
            }
            break;
        }
    }
    if (j->failure != J_OK) {
        errno = j->failure == J_NOMEM ? ENOMEM : j->failure == J_WRITE ? j->saved_errno : EINVAL;
        return -1;
    }
    return (ssize_t)size;
}

static int cookie_close(void *cookie)
{
    struct jsonl *j = cookie;
    j->fp = NULL;
    return 0;
}

enum lsc_status lsc_jsonl_open(struct jsonl **out, FILE *dest, size_t n_ids, const char *dest_name,
                           struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct jsonl *j = lsc_calloc(1, sizeof *j);
    *out = NULL;
    if (j == NULL || (j->dest_name = lsc_strdup(dest_name)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    j->dest = dest;
    j->n_ids = n_ids;
    cookie_io_functions_t io = {NULL, cookie_write, NULL, cookie_close};
    j->fp = fopencookie(j, "w", io);
    if (j->fp == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    *out = j;
    j = NULL;
cleanup:
    lsc_jsonl_free(j);
    return st;
}

FILE *lsc_jsonl_stream(struct jsonl *j) { return j->fp; }

enum lsc_status lsc_jsonl_finish(struct jsonl *j, struct lsc_error *err)
{
    if (j->fp != NULL)
        (void)fclose(j->fp); /* failures are in j->failure */
    j->fp = NULL;
    if (j->failure == J_OK && (j->state != FIELD_START || j->field != 0 || j->len != 0))
        j->failure = J_SHAPE;
    const char *name = strcmp(j->dest_name, "-") == 0 ? "<stdout>" : j->dest_name;
    switch (j->failure) {
    case J_OK:
        return LSC_OK;
    case J_NOMEM:
        return lsc_error_nomem(err);
    case J_WRITE:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "write failed: %s",
                             j->saved_errno != 0 ? strerror(j->saved_errno) : "unknown error");
    case J_SHAPE:
    default:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "internal error: the scores did not convert to JSON Lines");
    }
}

void lsc_jsonl_free(struct jsonl *j)
{
    if (j == NULL)
        return;
    if (j->fp != NULL) {
        j->discard = 1;
        (void)fclose(j->fp);
    }
    for (size_t k = 0; k < j->n_cols; k++)
        lsc_free(j->keys[k]);
    lsc_free(j->keys);
    lsc_free(j->numeric);
    lsc_free(j->buf);
    lsc_free(j->dest_name);
    lsc_free(j);
}
