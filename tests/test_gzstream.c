/* gzstream: gzip input read through csv_reader gives the same records and
 * SHA-256 as the plain file; corrupt, truncated and trailing data are
 * errors naming the file; allocation failures are clean. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "csv_reader.h"
#include "gzstream.h"
#include "leadscore/alloc.h"

struct fixture {
    char dir[64];
    char plain[128];
    char gz[128];
};

static const char CSV[] = "\xEF\xBB\xBFid;name;note\r\n"
                          "1;\"a; b\";x\r\n"
                          "2;b;\"multi\nline\"\r\n"
                          "3;c;\"\"\"q\"\"\"\r\n"
                          "4;d;last line without a newline";

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/lsc_gz_XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->plain, sizeof fx->plain, "%s/in.csv", fx->dir);
    snprintf(fx->gz, sizeof fx->gz, "%s/in.csv.gz", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    unlink(fx->plain);
    unlink(fx->gz);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* gzip of data split into `members` gzip members, appended to path. */
static void write_gz(const char *path, const char *data, size_t len, size_t members,
                     const char *mode)
{
    size_t at = 0;
    for (size_t k = 0; k < members; k++) {
        size_t end = k + 1 == members ? len : len * (k + 1) / members;
        gzFile g = gzopen(path, k == 0 ? mode : "ab");
        assert_non_null(g);
        if (end > at)
            assert_int_equal(gzwrite(g, data + at, (unsigned)(end - at)), (int)(end - at));
        assert_int_equal(gzclose(g), Z_OK);
        at = end;
    }
}

static unsigned char *read_all(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    unsigned char *buf = malloc(1 << 16);
    assert_non_null(buf);
    *len = fread(buf, 1, 1 << 16, fp);
    fclose(fp);
    return buf;
}

/* Reads every record; returns the status, fills a digest of fields. */
static enum lsc_status read_file(const char *path, char *fields, size_t size, char sha[65],
                                 struct lsc_error *err, size_t *done, size_t *total)
{
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    size_t used = 0;
    enum lsc_status st = lsc_csv_reader_open(&r, path, NULL, err);
    if (st != LSC_OK)
        return st;
    fields[0] = '\0';
    while ((st = lsc_csv_reader_next(r, &rec, err)) == LSC_OK && rec != NULL)
        for (size_t i = 0; i < rec->nfields; i++) {
            int k = snprintf(fields + used, size - used, "%s|", rec->fields[i]);
            assert_true(k > 0 && (size_t)k < size - used);
            used += (size_t)k;
        }
    if (sha != NULL)
        lsc_csv_reader_sha256_hex(r, sha);
    if (done != NULL)
        lsc_csv_reader_progress(r, done, total);
    lsc_csv_reader_free(r);
    return st;
}

static void test_same_as_plain(void **state)
{
    struct fixture *fx = *state;
    char a[1024], b[1024], sha_a[65], sha_b[65];
    struct lsc_error err;
    size_t done = 0, total = 0;
    write_file(fx->plain, CSV, sizeof CSV - 1);
    assert_int_equal(read_file(fx->plain, a, sizeof a, sha_a, &err, &done, &total), LSC_OK);
    assert_int_equal(total, sizeof CSV - 1);
    assert_int_equal(done, total);
    for (size_t members = 1; members <= 3; members++) {
        unlink(fx->gz);
        write_gz(fx->gz, CSV, sizeof CSV - 1, members, "wb9");
        struct stat sb;
        assert_int_equal(stat(fx->gz, &sb), 0);
        assert_int_equal(read_file(fx->gz, b, sizeof b, sha_b, &err, &done, &total), LSC_OK);
        assert_string_equal(a, b);
        assert_string_equal(sha_a, sha_b); /* of the decompressed bytes */
        /* progress counts compressed bytes, against the file's size */
        assert_int_equal(total, (size_t)sb.st_size);
        assert_int_equal(done, total);
    }
    assert_string_equal(a, "id|name|note|1|a; b|x|2|b|multi\nline|3|c|\"q\"|4|d|last line "
                           "without a newline|");
}

/* The magic number decides, not the name: a gzip file named .csv, and a
 * text file named .gz. */
static void test_detected_by_content(void **state)
{
    struct fixture *fx = *state;
    char a[1024], b[1024];
    struct lsc_error err;
    write_gz(fx->plain, CSV, sizeof CSV - 1, 1, "wb");
    write_file(fx->gz, CSV, sizeof CSV - 1);
    assert_int_equal(read_file(fx->plain, a, sizeof a, NULL, &err, NULL, NULL), LSC_OK);
    assert_int_equal(read_file(fx->gz, b, sizeof b, NULL, &err, NULL, NULL), LSC_OK);
    assert_string_equal(a, b);
    /* 1f without 8b is text (the one byte is put back) */
    static const char odd[] = "\x1f" "a,b\n1,2\n";
    write_file(fx->plain, odd, sizeof odd - 1);
    assert_int_equal(read_file(fx->plain, a, sizeof a, NULL, &err, NULL, NULL), LSC_OK);
    assert_string_equal(a, "\x1f" "a|b|1|2|");
    /* an empty file stays an empty file */
    write_file(fx->plain, "", 0);
    assert_int_equal(read_file(fx->plain, a, sizeof a, NULL, &err, NULL, NULL), LSC_OK);
    assert_string_equal(a, "");
}

/* A stream (stdin, a spool) is unwrapped too, and the reader closes only
 * its own decompressing stream. */
static void test_stream(void **state)
{
    struct fixture *fx = *state;
    struct lsc_error err;
    write_gz(fx->gz, CSV, sizeof CSV - 1, 2, "wb");
    FILE *fp = fopen(fx->gz, "rb");
    assert_non_null(fp);
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    assert_int_equal(lsc_csv_reader_open_stream(&r, fp, "<stdin>", NULL, &err), LSC_OK);
    size_t n = 0;
    while (lsc_csv_reader_next(r, &rec, &err) == LSC_OK && rec != NULL)
        n++;
    assert_int_equal(n, 5);
    assert_int_equal(lsc_csv_reader_delimiter(r), ';');
    lsc_csv_reader_free(r);
    assert_int_equal(getc(fp), EOF); /* still open, at its end */
    fclose(fp);
}

static void expect_error(const char *path, const char *what)
{
    char buf[1024];
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(read_file(path, buf, sizeof buf, NULL, &err, NULL, NULL), LSC_ERR_IO);
    assert_string_equal(err.file, path);
    if (strstr(err.message, what) == NULL)
        fail_msg("\"%s\" not in \"%s\"", what, err.message);
}

static void test_damaged(void **state)
{
    struct fixture *fx = *state;
    /* enough text that the damage is in the middle of the deflate data */
    size_t n = 0;
    char *text = malloc(40000);
    assert_non_null(text);
    n += (size_t)snprintf(text, 40000, "id,value\n");
    for (unsigned i = 0; n < 39000; i++)
        n += (size_t)snprintf(text + n, 40000 - n, "%u,%u\n", i, (i * 2654435761u) % 1000u);
    write_gz(fx->gz, text, n, 1, "wb");
    size_t len = 0;
    unsigned char *gz = read_all(fx->gz, &len);
    assert_true(len > 200);

    write_file(fx->gz, gz, len / 2);
    expect_error(fx->gz, "truncated gzip data");
    write_file(fx->gz, gz, len - 4); /* ISIZE missing */
    expect_error(fx->gz, "truncated gzip data");

    unsigned char *bad = malloc(len + 8);
    assert_non_null(bad);
    memcpy(bad, gz, len);
    bad[len - 6] ^= 0x55; /* the CRC-32 */
    write_file(fx->gz, bad, len);
    expect_error(fx->gz, "corrupt gzip data: incorrect data check");
    memcpy(bad, gz, len);
    for (size_t i = 20; i < 60; i++)
        bad[i] = 0xff;
    write_file(fx->gz, bad, len);
    expect_error(fx->gz, "corrupt gzip data");
    memcpy(bad, gz, len);
    memcpy(bad + len, "garbage!", 8);
    write_file(fx->gz, bad, len + 8);
    expect_error(fx->gz, "not gzip after the end");
    free(bad);
    free(gz);
    free(text);
}

/* Every allocation on the gzip path can fail cleanly (cmocka's allocator
 * reports leaks), with LSC_ERR_NOMEM. */
static void test_allocation_failures(void **state)
{
    struct fixture *fx = *state;
    write_gz(fx->gz, CSV, sizeof CSV - 1, 2, "wb");
    int succeeded = 0;
    for (size_t budget_n = 0; budget_n < 200 && !succeeded; budget_n++) {
        char buf[1024];
        struct lsc_error err;
        struct th_budget b = {budget_n};
        struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&a);
        enum lsc_status st = read_file(fx->gz, buf, sizeof buf, NULL, &err, NULL, NULL);
        lsc_set_allocator(NULL);
        if (st == LSC_OK)
            succeeded = 1;
        else
            assert_int_equal(st, LSC_ERR_NOMEM);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_same_as_plain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_detected_by_content, setup, teardown),
        cmocka_unit_test_setup_teardown(test_stream, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
