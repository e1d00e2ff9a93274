#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "status_internal.h"
#include "tempreg.h"

void lsc_trim_span(const char **s, size_t *len)
{
    const char *p = *s;
    size_t n = *len;
    while (n > 0 && (p[0] == ' ' || p[0] == '\t')) {
        p++;
        n--;
    }
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t'))
        n--;
    *s = p;
    *len = n;
}

/* Exact powers of ten representable in a double (10^0 .. 10^22). */
static const double pow10_exact[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                     1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                     1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

int lsc_parse_number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return 0;
    /* Fast path (Clinger): [-+]digits[.digits] with at most 15 significant
     * digits is an exact integer divided by an exact power of ten, and one
     * IEEE division rounds correctly, so the result equals strtod's. */
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    uint64_t mant = 0;
    size_t digits = 0, frac = 0;
    int seen_point = 0, simple = i < len;
    for (; i < len; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9') {
            if (mant != 0 || c != '0')
                digits++;
            mant = mant * 10 + (uint64_t)(c - '0');
            frac += (size_t)seen_point;
        } else if (c == '.' && !seen_point) {
            seen_point = 1;
        } else {
            simple = 0;
            break;
        }
    }
    size_t sign = (s[0] == '-' || s[0] == '+') ? 1u : 0u;
    if (simple && digits <= 15 && frac <= 22 && !(seen_point && len == 1 + sign)) {
        double v = (double)mant / pow10_exact[frac];
        *out = neg ? -v : v;
        return 1;
    }
    /* Only plain decimal syntax: digits, sign, point, exponent. */
    for (size_t k = 0; k < len; k++) {
        char c = s[k];
        if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return 0;
    }
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    errno = 0;
    double v = strtod(buf, &end);
    if (end != buf + len || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

/* Length of the valid UTF-8 sequence at s[0..len), or 0. */
static size_t utf8_seq(const unsigned char *s, size_t len)
{
    unsigned c = s[0], cp = 0;
    size_t n = 0;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1Fu;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0Fu;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07u;
    } else {
        return 0;
    }
    if (n > len)
        return 0;
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0u) != 0x80u)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3Fu);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    return n;
}

int lsc_utf8_valid(const char *s, size_t len, size_t *bad)
{
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < len) {
        uint64_t w; /* ASCII, 8 bytes at a time: the common case of every field */
        if (i + 8 <= len && (memcpy(&w, u + i, 8), (w & UINT64_C(0x8080808080808080)) == 0)) {
            i += 8;
            continue;
        }
        size_t n = u[i] < 0x80 ? 1 : utf8_seq(u + i, len - i);
        if (n == 0) {
            if (bad != NULL)
                *bad = i;
            return 0;
        }
        i += n;
    }
    return 1;
}

void lsc_escape_bytes(const char *s, size_t len, char *out, size_t size)
{
    static const char hex[] = "0123456789ABCDEF";
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, i = 0;
    if (size == 0)
        return;
    while (i < len) {
        size_t n = u[i] >= 0x80 ? utf8_seq(u + i, len - i) : (u[i] >= 0x20 && u[i] < 0x7F);
        size_t need = n > 0 ? n : 4;
        if (o + need + 4 > size) { /* keep room for "..." and the NUL */
            if (o + 4 <= size) {
                memcpy(out + o, "...", 3);
                o += 3;
            }
            break;
        }
        if (n > 0) {
            memcpy(out + o, u + i, n);
            o += n;
            i += n;
        } else {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[u[i] >> 4];
            out[o++] = hex[u[i] & 0x0F];
            i++;
        }
    }
    out[o] = '\0';
}

int lsc_span_ieq(const char *s, size_t len, const char *lit)
{
    size_t n = strlen(lit);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++) {
        char a = s[i], b = lit[i];
        if (a >= 'A' && a <= 'Z')
            a = (char)(a - 'A' + 'a');
        if (b >= 'A' && b <= 'Z')
            b = (char)(b - 'A' + 'a');
        if (a != b)
            return 0;
    }
    return 1;
}

static int span_eq(const char *s, size_t len, const char *lit)
{
    return strlen(lit) == len && memcmp(s, lit, len) == 0;
}

int lsc_parse_number_dc(const char *s, size_t len, int decimal_comma, double *out)
{
    char buf[64];
    if (!decimal_comma)
        return lsc_parse_number(s, len, out);
    if (len == 0 || len >= sizeof buf || memchr(s, '.', len) != NULL)
        return 0;
    memcpy(buf, s, len);
    char *comma = memchr(buf, ',', len);
    if (comma != NULL) {
        *comma = '.';
        if (memchr(comma + 1, ',', len - (size_t)(comma + 1 - buf)) != NULL)
            return 0;
    }
    return lsc_parse_number(buf, len, out);
}

int lsc_looks_decimal_comma(const char *s, size_t len)
{
    double x;
    return memchr(s, ',', len) != NULL && !lsc_parse_number(s, len, &x) &&
           lsc_parse_number_dc(s, len, 1, &x);
}

int lsc_is_na_token(const char *s, size_t len, const struct lsc_strings *extra)
{
    if (len == 0)
        return 1;
    switch (len) {
    case 2:
        if (s[0] == 'N' && s[1] == 'A')
            return 1;
        break;
    case 3:
        if (memcmp(s, "N/A", 3) == 0 || memcmp(s, "NaN", 3) == 0)
            return 1;
        break;
    case 4:
        if (memcmp(s, "NULL", 4) == 0 || memcmp(s, "null", 4) == 0)
            return 1;
        break;
    default:
        break;
    }
    if (extra != NULL)
        for (size_t i = 0; i < extra->count; i++)
            if (span_eq(s, len, extra->items[i]))
                return 1;
    return 0;
}

enum lsc_status lsc_outfile_check(const char *path, int force, struct lsc_error *err)
{
    struct stat st;
    if (strcmp(path, "-") == 0)
        return LSC_OK;
    if (stat(path, &st) == 0) {
        if (S_ISDIR(st.st_mode))
            return lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "is a directory");
        if (!force && S_ISREG(st.st_mode))
            return lsc_error_set(err, LSC_ERR_EXISTS, path, 0, 0,
                                 "exists; use --force to replace it");
    }
    return LSC_OK;
}

enum lsc_status lsc_outfile_temp_error(const char *path, int e, struct lsc_error *err)
{
    char dir[LSC_ERROR_FILE_MAX];
    struct stat sb;
    const char *slash = strrchr(path, '/');
    if (slash == NULL)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    if (stat(dir, &sb) != 0 && errno == ENOENT)
        return lsc_error_set(err, LSC_ERR_IO, path, 0, 0,
                             "the folder \"%s\" does not exist: create it first (mkdir -p %s) or "
                             "write elsewhere",
                             dir, dir);
    if (stat(dir, &sb) == 0 && !S_ISDIR(sb.st_mode))
        return lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "\"%s\" is not a folder", dir);
    if (stat(dir, &sb) == 0)
        return lsc_error_set(err, LSC_ERR_IO, path, 0, 0,
                             "cannot create a file in the folder \"%s\" (a temporary file beside "
                             "the output): %s",
                             dir, strerror(e));
    return lsc_error_set(err, LSC_ERR_IO, path, 0, 0,
                         "cannot create a temporary file beside it: %s", strerror(e));
}

int lsc_input_rereadable(const char *path)
{
    struct stat sb;
    return strcmp(path, "-") != 0 && (stat(path, &sb) != 0 || S_ISREG(sb.st_mode));
}

enum lsc_status lsc_outfile_probe(const char *path, int force, struct lsc_error *err)
{
    enum lsc_status st = lsc_outfile_check(path, force, err);
    struct stat sb;
    if (st != LSC_OK || strcmp(path, "-") == 0 || (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)))
        return st;
    size_t n = strlen(path);
    char *tmp = lsc_malloc(n + 16);
    if (tmp == NULL)
        return lsc_error_nomem(err);
    memcpy(tmp, path, n);
    memcpy(tmp + n, ".tmpXXXXXX", 11);
    int slot;
    int fd = lsc_tempreg_create(tmp, &slot);
    if (fd < 0) {
        st = lsc_outfile_temp_error(path, errno, err);
    } else {
        close(fd);
        (void)unlink(tmp);
        lsc_tempreg_drop(slot);
    }
    lsc_free(tmp);
    return st;
}

enum lsc_status lsc_outfile_open(struct outfile *o, const char *path, int force, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    int fd = -1;
    memset(o, 0, sizeof *o);
    o->force = force;
    o->slot = -1;
    st = lsc_outfile_check(path, force, err);
    if (st != LSC_OK)
        goto cleanup;
    o->path = lsc_strdup(path);
    if (o->path == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        goto cleanup;
    }
    struct stat sb;
    if (stat(path, &sb) == 0 && !S_ISREG(sb.st_mode)) {
        /* a device or FIFO (/dev/null, /dev/full) is written in place: a
         * rename would replace it with a regular file */
        o->fp = fopen(path, "w");
        if (o->fp == NULL)
            st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "%s", strerror(errno));
        goto cleanup;
    }
    size_t n = strlen(path);
    o->tmp = lsc_malloc(n + 16);
    if (o->tmp == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    memcpy(o->tmp, path, n);
    memcpy(o->tmp + n, ".tmpXXXXXX", 11);
    fd = lsc_tempreg_create(o->tmp, &o->slot);
    if (fd < 0) {
        st = lsc_outfile_temp_error(path, errno, err);
        lsc_free(o->tmp);
        o->tmp = NULL;
        goto cleanup;
    }
    (void)fchmod(fd, 0644);
    o->fp = fdopen(fd, "w");
    if (o->fp == NULL) {
        st = lsc_error_set(err, LSC_ERR_IO, path, 0, 0, "%s", strerror(errno));
        close(fd);
        goto cleanup;
    }
    fd = -1;
cleanup:
    if (st != LSC_OK)
        lsc_outfile_abort(o);
    return st;
}

enum lsc_status lsc_outfile_commit(struct outfile *o, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (o->fp == NULL)
        return lsc_error_set(err, LSC_ERR_IO, o->path, 0, 0, "output is not open");
    if (o->tmp == NULL) { /* stdout or a device */
        int is_stdout = o->fp == stdout;
        int failed = fflush(o->fp) != 0 || ferror(o->fp);
        int saved = errno;
        if (!is_stdout && fclose(o->fp) != 0 && !failed) {
            failed = 1;
            saved = errno;
        }
        if (failed)
            st = lsc_error_set(err, LSC_ERR_IO, is_stdout ? "<stdout>" : o->path, 0, 0,
                               "write failed: %s", strerror(saved));
        o->fp = NULL;
        lsc_free(o->path);
        o->path = NULL;
        return st;
    }
    int failed = fflush(o->fp) != 0 || ferror(o->fp) || fsync(fileno(o->fp)) != 0;
    int saved = errno;
    if (fclose(o->fp) != 0 && !failed) {
        failed = 1;
        saved = errno;
    }
    o->fp = NULL;
    if (failed) {
        st = lsc_error_set(err, LSC_ERR_IO, o->path, 0, 0, "write failed: %s", strerror(saved));
        goto cleanup;
    }
    st = lsc_outfile_check(o->path, o->force, err);
    if (st != LSC_OK)
        goto cleanup;
    if (rename(o->tmp, o->path) != 0) {
        st = lsc_error_set(err, LSC_ERR_IO, o->path, 0, 0, "cannot rename into place: %s",
                           strerror(errno));
        goto cleanup;
    }
    lsc_tempreg_drop(o->slot);
    lsc_free(o->tmp);
    o->tmp = NULL;
cleanup:
    lsc_outfile_abort(o);
    return st;
}

void lsc_outfile_abort(struct outfile *o)
{
    if (o == NULL)
        return;
    if (o->fp != NULL && o->fp != stdout)
        fclose(o->fp);
    o->fp = NULL;
    if (o->tmp != NULL) {
        (void)unlink(o->tmp);
        lsc_tempreg_drop(o->slot);
        lsc_free(o->tmp);
        o->tmp = NULL;
    }
    lsc_free(o->path);
    o->path = NULL;
}

int lsc_csv_put_field(FILE *fp, const char *s, size_t len)
{
    return lsc_csv_put_field_delim(fp, s, len, ',');
}

int lsc_csv_put_field_delim(FILE *fp, const char *s, size_t len, char delim)
{
    int quote = 0;
    for (size_t i = 0; i < len; i++)
        if (s[i] == delim || s[i] == '"' || s[i] == '\r' || s[i] == '\n') {
            quote = 1;
            break;
        }
    if (!quote)
        return fwrite(s, 1, len, fp) == len ? 0 : EOF;
    if (putc('"', fp) == EOF)
        return EOF;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' && putc('"', fp) == EOF)
            return EOF;
        if (putc(s[i], fp) == EOF)
            return EOF;
    }
    return putc('"', fp) == EOF ? EOF : 0;
}

int lsc_format_shortest(double x, char *buf, size_t size)
{
    int n = 0;
    for (int d = 1; d <= 17; d++) {
        n = snprintf(buf, size, "%.*g", d, x);
        if (n < 0 || (size_t)n >= size || strtod(buf, NULL) == x)
            break;
    }
    /* 1200, not 1.2e+03: whole numbers in plain digits */
    if (n > 0 && strchr(buf, 'e') != NULL && fabs(x) >= 1.0 && fabs(x) < 1e15 && x == floor(x))
        n = snprintf(buf, size, "%.0f", x);
    return n;
}
