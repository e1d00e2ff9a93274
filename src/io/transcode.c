/* fopencookie is a GNU extension. */
#define _GNU_SOURCE
#include "transcode.h"

#include <errno.h>
#include <iconv.h>
#include <string.h>
#include <sys/types.h>

#include "alloc.h"
#include "status_internal.h"

/* How it decodes.
 *
 * Both encodings map each byte to one code point, ASCII to itself. At open,
 * iconv converts each byte 0x80..0xFF once into a table of its UTF-8 form
 * (2 or 3 bytes); reading then is a table lookup per byte, with no state
 * across reads. The cookie's read function fills the caller's buffer from a
 * 64 KiB buffer of input bytes, refilled with fread; a character cut by
 * the end of the caller's buffer is finished on the next read. A read error of the original stream is
 * sticky: this and every later read return -1 (errno EIO), which stdio
 * reports as ferror() on the wrapped stream.
 *
 * On the side it follows the input's UTF-8 structure (lead and continuation
 * bytes) for lsc_transcode_looks_utf8(), and refuses input starting with the
 * UTF-8 byte-order mark: such a file says it is UTF-8.
 */

#define TC_IN_SIZE ((size_t)1 << 16)

enum tc_failure { TC_OK = 0, TC_READ, TC_BOM };

struct transcode {
    FILE *src; /* not ours to close */
    enum lsc_encoding enc;
    unsigned char utf8[128][4]; /* byte 0x80 + i: [0] = length, then the bytes */
    unsigned char *in;
    size_t in_len, in_pos;
    int src_eof;
    int started;       /* the first bytes were checked for a BOM */
    size_t consumed;
    enum tc_failure failure;
    int saved_errno;
    int u8_need;       /* continuation bytes still expected */
    int u8_bad;        /* a byte that UTF-8 cannot have there */
    int u8_multi;      /* a complete multi-byte character was seen */
    unsigned char pend[4]; /* the rest of a character cut by the caller's size */
    size_t pend_len, pend_pos;
    char *name;
};

static const char *iconv_name(enum lsc_encoding enc)
{
    return enc == LSC_ENCODING_CP1252 ? "WINDOWS-1252" : "ISO-8859-1";
}

static void tc_destroy(struct transcode *tc)
{
    if (tc == NULL)
        return;
    lsc_free(tc->in);
    lsc_free(tc->name);
    lsc_free(tc);
}

/* The UTF-8 of every byte 0x80..0xFF, from iconv; 0 when iconv lacks the
 * encoding. */
static int build_table(struct transcode *tc)
{
    iconv_t cd = iconv_open("UTF-8", iconv_name(tc->enc));
    if (cd == (iconv_t)-1)
        return 0;
    for (int i = 0; i < 128; i++) {
        char in = (char)(0x80 + i), out[4];
        char *ip = &in, *op = out;
        size_t il = 1, ol = sizeof out;
        (void)iconv(cd, NULL, NULL, NULL, NULL);
        if (iconv(cd, &ip, &il, &op, &ol) == (size_t)-1 || ol == sizeof out) {
            /* undefined in Windows-1252: the C1 control U+0080 + i */
            out[0] = (char)0xC2;
            out[1] = (char)(0x80 + i);
            ol = sizeof out - 2;
        }
        tc->utf8[i][0] = (unsigned char)(sizeof out - ol);
        memcpy(&tc->utf8[i][1], out, sizeof out - ol);
    }
    iconv_close(cd);
    return 1;
}

/* Follows the UTF-8 structure of one input byte. */
static void follow_utf8(struct transcode *tc, unsigned char b)
{
    if (tc->u8_need > 0) {
        if ((b & 0xC0) != 0x80) {
            tc->u8_bad = 1;
        } else if (--tc->u8_need == 0) {
            tc->u8_multi = 1;
        }
    } else if (b >= 0xC2 && b <= 0xF4) {
        tc->u8_need = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : 1;
    } else if (b >= 0x80) {
        tc->u8_bad = 1;
    }
}

static ssize_t tc_fail(struct transcode *tc, enum tc_failure f)
{
    tc->failure = f;
    errno = EIO;
    return -1;
}

/* Refills the input buffer; 0, or -1 on a read error. */
static int refill(struct transcode *tc)
{
    size_t keep = tc->in_len - tc->in_pos;
    memmove(tc->in, tc->in + tc->in_pos, keep);
    tc->in_pos = 0;
    size_t n = fread(tc->in + keep, 1, TC_IN_SIZE - keep, tc->src);
    if (n < TC_IN_SIZE - keep) {
        if (ferror(tc->src)) {
            tc->saved_errno = errno;
            return -1;
        }
        tc->src_eof = 1;
    }
    tc->in_len = keep + n;
    return 0;
}

static ssize_t tc_read(void *cookie, char *buf, size_t size)
{
    struct transcode *tc = cookie;
    size_t out = 0;
    if (tc->failure != TC_OK)
        return tc_fail(tc, tc->failure);
    while (out < size && tc->pend_pos < tc->pend_len)
        buf[out++] = (char)tc->pend[tc->pend_pos++];
    while (out < size) {
        if (tc->in_pos == tc->in_len || (!tc->started && tc->in_len - tc->in_pos < 3)) {
            if (!tc->src_eof && refill(tc) != 0)
                return tc_fail(tc, TC_READ);
            if (tc->in_pos == tc->in_len)
                break;
        }
        if (!tc->started) {
            tc->started = 1;
            if (tc->in_len >= 3 && memcmp(tc->in, "\xEF\xBB\xBF", 3) == 0)
                return tc_fail(tc, TC_BOM);
        }
        unsigned char b = tc->in[tc->in_pos++];
        tc->consumed++;
        follow_utf8(tc, b);
        if (b < 0x80) {
            buf[out++] = (char)b;
            continue;
        }
        const unsigned char *u = tc->utf8[b - 0x80];
        size_t n = u[0], fit = size - out < n ? size - out : n;
        memcpy(buf + out, u + 1, fit);
        out += fit;
        if (fit < n) { /* the rest goes first next time */
            memcpy(tc->pend, u + 1 + fit, n - fit);
            tc->pend_len = n - fit;
            tc->pend_pos = 0;
        }
    }
    return (ssize_t)out;
}

static int tc_close(void *cookie)
{
    tc_destroy(cookie);
    return 0;
}

enum lsc_status lsc_transcode_wrap(FILE **fp, struct transcode **out, enum lsc_encoding enc,
                                   const char *name, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct transcode *tc = NULL;
    *out = NULL;
    if (enc == LSC_ENCODING_UTF8)
        goto cleanup;
    tc = lsc_calloc(1, sizeof *tc);
    if (tc == NULL || (tc->in = lsc_malloc(TC_IN_SIZE)) == NULL ||
        (tc->name = lsc_strdup(name)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    tc->src = *fp;
    tc->enc = enc;
    if (!build_table(tc)) {
        st = lsc_error_set(err, LSC_ERR_IO, name, 0, 0,
                           "cannot decode %s: iconv does not know the encoding %s on this "
                           "system (glibc's gconv modules missing?)",
                           lsc_encoding_name(enc), iconv_name(enc));
        goto cleanup;
    }
    cookie_io_functions_t io = {tc_read, NULL, NULL, tc_close};
    FILE *wrapped = fopencookie(tc, "rb", io);
    if (wrapped == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    *fp = wrapped;
    *out = tc;
    tc = NULL;
cleanup:
    tc_destroy(tc);
    return st;
}

int lsc_transcode_failed(const struct transcode *tc) { return tc->failure != TC_OK; }

enum lsc_status lsc_transcode_error(const struct transcode *tc, struct lsc_error *err)
{
    if (tc->failure == TC_BOM)
        return lsc_error_set(err, LSC_ERR_DATA, tc->name, 1, 1,
                             "the file starts with the UTF-8 byte-order mark (EF BB BF): it is "
                             "UTF-8 text, not %s; leave out --encoding",
                             lsc_encoding_name(tc->enc));
    return lsc_error_set(err, LSC_ERR_IO, tc->name, 0, 0, "read error: %s",
                         tc->saved_errno != 0 ? strerror(tc->saved_errno) : "unknown error");
}

size_t lsc_transcode_consumed(const struct transcode *tc) { return tc->consumed; }

int lsc_transcode_looks_utf8(const struct transcode *tc)
{
    return !tc->u8_bad && tc->u8_multi && tc->u8_need == 0;
}
