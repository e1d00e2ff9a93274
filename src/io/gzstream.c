/* fopencookie is a GNU extension. */
#define _GNU_SOURCE
#include "gzstream.h"

#include <errno.h>
#include <limits.h>
#include <string.h>
#include <sys/types.h>
#include <zlib.h>

#include "alloc.h"
#include "status_internal.h"

/* How it reads.
 *
 * The cookie's read function fills the caller's buffer with zlib's inflate
 * (windowBits 15 + 16: gzip wrapper only, header and CRC-32/ISIZE trailer
 * checked), refilling a 64 KiB buffer of compressed bytes from the original
 * stream with fread. At the end of a member (Z_STREAM_END), further input
 * starts another member (inflateReset); end of input inside a member is a
 * truncation. Anything wrong sets a sticky failure and makes this and every
 * later read return -1 (errno EIO or ENOMEM), which stdio reports as
 * ferror() on the wrapped stream; the reader then asks lsc_gzstream_error() for
 * the text. zlib allocates through the leadscore allocator, so an
 * allocation failure is LSC_ERR_NOMEM like any other.
 */

#define GZ_IN_SIZE ((size_t)1 << 16)

enum gz_failure { GZ_OK = 0, GZ_CORRUPT, GZ_TRUNCATED, GZ_TRAILING, GZ_READ, GZ_NOMEM };

struct gzstream {
    FILE *src;          /* the compressed stream; not ours to close */
    z_stream zs;
    int zs_ready;       /* inflateInit2 succeeded */
    unsigned char *in;
    int in_member;      /* inside a gzip member */
    int src_eof;
    int done;           /* every member read */
    size_t consumed;    /* compressed bytes given to inflate and used */
    enum gz_failure failure;
    int saved_errno;    /* GZ_READ */
    char detail[128];   /* zlib's message for GZ_CORRUPT */
    char *name;
};

static voidpf gz_alloc(voidpf opaque, uInt items, uInt size)
{
    (void)opaque;
    return lsc_calloc(items, size);
}

static void gz_free_fn(voidpf opaque, voidpf ptr)
{
    (void)opaque;
    lsc_free(ptr);
}

static void gz_destroy(struct gzstream *gz)
{
    if (gz == NULL)
        return;
    if (gz->zs_ready)
        inflateEnd(&gz->zs);
    lsc_free(gz->in);
    lsc_free(gz->name);
    lsc_free(gz);
}

static ssize_t gz_fail(struct gzstream *gz, enum gz_failure f)
{
    gz->failure = f;
    errno = f == GZ_NOMEM ? ENOMEM : EIO;
    return -1;
}

static ssize_t gz_read(void *cookie, char *buf, size_t size)
{
    struct gzstream *gz = cookie;
    if (gz->failure != GZ_OK)
        return gz_fail(gz, gz->failure);
    if (size > UINT_MAX)
        size = UINT_MAX;
    gz->zs.next_out = (Bytef *)buf;
    gz->zs.avail_out = (uInt)size;
    while (gz->zs.avail_out > 0 && !gz->done) {
        if (gz->zs.avail_in == 0 && !gz->src_eof) {
            size_t n = fread(gz->in, 1, GZ_IN_SIZE, gz->src);
            if (n < GZ_IN_SIZE) {
                if (ferror(gz->src)) {
                    gz->saved_errno = errno;
                    return gz_fail(gz, GZ_READ);
                }
                gz->src_eof = 1;
            }
            gz->zs.next_in = gz->in;
            gz->zs.avail_in = (uInt)n;
        }
        if (gz->zs.avail_in == 0) { /* and the source is at its end */
            if (gz->in_member)
                return gz_fail(gz, GZ_TRUNCATED);
            gz->done = 1;
            break;
        }
        if (!gz->in_member) {
            /* another member follows only if it starts like one */
            if (gz->zs.next_in[0] != 0x1f)
                return gz_fail(gz, GZ_TRAILING);
            if (inflateReset(&gz->zs) != Z_OK)
                return gz_fail(gz, GZ_CORRUPT);
            gz->in_member = 1;
        }
        uInt before = gz->zs.avail_in;
        int rc = inflate(&gz->zs, Z_NO_FLUSH);
        gz->consumed += before - gz->zs.avail_in;
        if (rc == Z_STREAM_END) {
            gz->in_member = 0;
        } else if (rc == Z_MEM_ERROR) {
            return gz_fail(gz, GZ_NOMEM);
        } else if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT || rc == Z_STREAM_ERROR) {
            snprintf(gz->detail, sizeof gz->detail, "%s",
                     gz->zs.msg != NULL ? gz->zs.msg : "invalid data");
            return gz_fail(gz, GZ_CORRUPT);
        }
        /* Z_OK, or Z_BUF_ERROR (no progress: more input is needed) */
    }
    return (ssize_t)(size - gz->zs.avail_out);
}

static int gz_close(void *cookie)
{
    gz_destroy(cookie);
    return 0;
}

enum lsc_status lsc_gzstream_wrap(FILE **fp, struct gzstream **out, const char *name,
                              struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct gzstream *gz = NULL;
    FILE *src = *fp;
    *out = NULL;
    long pos = ftell(src);
    int c1 = getc(src);
    if (c1 == EOF)
        goto cleanup; /* empty, or a read error the reader will report */
    if (c1 != 0x1f) {
        (void)ungetc(c1, src);
        goto cleanup;
    }
    int c2 = getc(src);
    if (c2 != 0x8b) {
        /* 1f and something else: not gzip, put both bytes back */
        if (pos < 0 || fseek(src, pos, SEEK_SET) != 0)
            st = lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                               "starts with the byte 0x1f but is not gzip (1f 8b), and cannot "
                               "be rewound to be read as text");
        goto cleanup;
    }
    gz = lsc_calloc(1, sizeof *gz);
    if (gz == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    gz->src = src;
    gz->in = lsc_malloc(GZ_IN_SIZE);
    gz->name = lsc_strdup(name);
    if (gz->in == NULL || gz->name == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    gz->zs.zalloc = gz_alloc;
    gz->zs.zfree = gz_free_fn;
    gz->zs.opaque = Z_NULL;
    int rc = inflateInit2(&gz->zs, 15 + 16);
    if (rc != Z_OK) {
        st = rc == Z_MEM_ERROR
                 ? lsc_error_nomem(err)
                 : lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "cannot start zlib's inflate");
        goto cleanup;
    }
    gz->zs_ready = 1;
    /* the two magic bytes read above go first */
    gz->in[0] = 0x1f;
    gz->in[1] = 0x8b;
    gz->zs.next_in = gz->in;
    gz->zs.avail_in = 2;
    gz->in_member = 1;
    cookie_io_functions_t io = {gz_read, NULL, NULL, gz_close};
    FILE *wrapped = fopencookie(gz, "rb", io);
    if (wrapped == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    *fp = wrapped;
    *out = gz;
    gz = NULL;
cleanup:
    gz_destroy(gz);
    return st;
}

int lsc_gzstream_failed(const struct gzstream *gz) { return gz->failure != GZ_OK; }

enum lsc_status lsc_gzstream_error(const struct gzstream *gz, struct lsc_error *err)
{
    const char *name = gz->name;
    switch (gz->failure) {
    case GZ_NOMEM:
        return lsc_error_nomem(err);
    case GZ_READ:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "read error: %s",
                             gz->saved_errno != 0 ? strerror(gz->saved_errno) : "unknown error");
    case GZ_TRUNCATED:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "truncated gzip data: the file ends inside a compressed stream "
                             "(after %zu compressed bytes); was the download or copy complete?",
                             gz->consumed);
    case GZ_TRAILING:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "corrupt gzip data: bytes that are not gzip after the end of the "
                             "compressed stream (at compressed byte %zu)",
                             gz->consumed);
    case GZ_CORRUPT:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                             "corrupt gzip data: %s (near compressed byte %zu)", gz->detail,
                             gz->consumed);
    case GZ_OK:
    default:
        return lsc_error_set(err, LSC_ERR_IO, name, 0, 0, "read error");
    }
}

size_t lsc_gzstream_consumed(const struct gzstream *gz) { return gz->consumed; }
