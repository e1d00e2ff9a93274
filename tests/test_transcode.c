/* transcode: Latin-1 and Windows-1252 read as UTF-8 (every byte, the euro
 * sign, the five bytes Windows-1252 leaves undefined), a character cut by a
 * small read, the UTF-8 byte-order mark refused, UTF-8 read as Latin-1
 * noticed; through csv_reader, fields and line numbers as in the file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "leadscore/parse.h"
#include "transcode.h"

/* A stream over len bytes of s (fmemopen keeps them). */
static FILE *mem(const char *s, size_t len)
{
    FILE *fp = fmemopen((void *)(uintptr_t)s, len, "rb");
    assert_non_null(fp);
    return fp;
}

/* Decodes s with enc into out (NUL-terminated); returns the length, or
 * (size_t)-1 after a read error. step > 0 reads that many bytes at a time. */
static size_t decode(const char *s, size_t len, enum lsc_encoding enc, size_t step, char *out,
                     size_t cap, int *looks_utf8)
{
    FILE *src = mem(s, len), *fp = src;
    struct transcode *tc = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_transcode_wrap(&fp, &tc, enc, "t.csv", &err), LSC_OK);
    assert_non_null(tc);
    if (step > 0)
        setvbuf(fp, NULL, _IONBF, 0);
    size_t n = 0, got;
    do {
        got = fread(out + n, 1, step > 0 ? step : cap - 1 - n, fp);
        n += got;
    } while (got > 0 && n < cap - 1);
    int failed = ferror(fp);
    if (looks_utf8 != NULL)
        *looks_utf8 = lsc_transcode_looks_utf8(tc);
    out[n] = '\0';
    fclose(fp);
    fclose(src);
    return failed ? (size_t)-1 : n;
}

static void test_latin1_every_byte(void **state)
{
    (void)state;
    char in[256], out[1024], want[1024];
    size_t w = 0;
    for (int b = 1; b < 256; b++) {
        in[b - 1] = (char)b;
        if (b < 0x80) {
            want[w++] = (char)b;
        } else { /* U+0080..U+00FF */
            want[w++] = (char)(0xC0 | (b >> 6));
            want[w++] = (char)(0x80 | (b & 0x3F));
        }
    }
    assert_int_equal(decode(in, 255, LSC_ENCODING_LATIN1, 0, out, sizeof out, NULL), w);
    assert_memory_equal(out, want, w);
}

static void test_cp1252(void **state)
{
    (void)state;
    char out[64];
    /* the euro sign, a curly quote, an undefined byte, é */
    static const char in[] = "\x80 \x93x\x94 \x81 \xE9";
    static const char want[] = "\xE2\x82\xAC \xE2\x80\x9Cx\xE2\x80\x9D \xC2\x81 \xC3\xA9";
    assert_int_equal(decode(in, sizeof in - 1, LSC_ENCODING_CP1252, 0, out, sizeof out, NULL),
                     sizeof want - 1);
    assert_string_equal(out, want);
    /* one byte at a time: the euro's three bytes come over three reads */
    assert_int_equal(decode(in, sizeof in - 1, LSC_ENCODING_CP1252, 1, out, sizeof out, NULL),
                     sizeof want - 1);
    assert_string_equal(out, want);
}

static void test_bom_refused(void **state)
{
    (void)state;
    char out[64];
    FILE *src = mem("\xEF\xBB\xBFid\n", 6), *fp = src;
    struct transcode *tc = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_transcode_wrap(&fp, &tc, LSC_ENCODING_LATIN1, "t.csv", &err), LSC_OK);
    assert_int_equal(fread(out, 1, sizeof out, fp), 0);
    assert_true(ferror(fp));
    assert_true(lsc_transcode_failed(tc));
    assert_int_equal(lsc_transcode_error(tc, &err), LSC_ERR_DATA);
    assert_string_equal(err.file, "t.csv");
    assert_int_equal(err.line, 1);
    assert_non_null(strstr(err.message, "UTF-8 byte-order mark"));
    fclose(fp);
    fclose(src);
}

static void test_looks_utf8(void **state)
{
    (void)state;
    char out[64];
    int looks = 0;
    decode("Espa\xC3\xB1" "a\n", 8, LSC_ENCODING_LATIN1, 0, out, sizeof out, &looks);
    assert_string_equal(out, "Espa\xC3\x83\xC2\xB1" "a\n");
    assert_true(looks);
    decode("Espa\xF1" "a\n", 7, LSC_ENCODING_LATIN1, 0, out, sizeof out, &looks);
    assert_false(looks); /* real Latin-1 */
    decode("plain\n", 6, LSC_ENCODING_LATIN1, 0, out, sizeof out, &looks);
    assert_false(looks); /* ASCII only: either reading is right */
}

static void test_utf8_is_no_wrap(void **state)
{
    (void)state;
    FILE *src = mem("x", 1), *fp = src;
    struct transcode *tc = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_transcode_wrap(&fp, &tc, LSC_ENCODING_UTF8, "t.csv", &err), LSC_OK);
    assert_null(tc);
    assert_ptr_equal(fp, src);
    fclose(src);
}

/* Through the reader: decoded fields, the file's line numbers, and a
 * record that continues over a quoted line break. */
static void test_reader(void **state)
{
    (void)state;
    static const char in[] = "id;Country;Note\n1;Espa\xF1" "a;\"M\xFCller\nzwei\"\n2;\x80;x\n";
    FILE *fp = mem(in, sizeof in - 1);
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    struct csv_reader_opts opts = {0, 0, 0};
    assert_int_equal(lsc_csv_reader_open_stream(&r, fp, "t.csv", &opts, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_set_encoding(r, LSC_ENCODING_CP1252, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_delimiter(r), ';');
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_string_equal(rec->fields[1], "Espa\xC3\xB1" "a");
    assert_string_equal(rec->fields[2], "M\xC3\xBCller\nzwei");
    assert_int_equal(rec->line, 2);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_string_equal(rec->fields[1], "\xE2\x82\xAC");
    assert_int_equal(rec->line, 4);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_null(rec);
    assert_false(lsc_csv_reader_looks_utf8(r));
    /* too late once reading began */
    assert_int_equal(lsc_csv_reader_set_encoding(r, LSC_ENCODING_LATIN1, &err), LSC_ERR_USAGE);
    lsc_csv_reader_free(r);
    fclose(fp);
}

static void test_parse_encoding(void **state)
{
    (void)state;
    enum lsc_encoding e = LSC_ENCODING_UTF8;
    struct lsc_error err;
    assert_int_equal(lsc_parse_encoding("Windows-1252", &e, &err), LSC_OK);
    assert_int_equal(e, LSC_ENCODING_CP1252);
    assert_int_equal(lsc_parse_encoding("ISO-8859-1", &e, &err), LSC_OK);
    assert_int_equal(e, LSC_ENCODING_LATIN1);
    assert_int_equal(lsc_parse_encoding("UTF8", &e, &err), LSC_OK);
    assert_int_equal(e, LSC_ENCODING_UTF8);
    assert_int_equal(lsc_parse_encoding("latin9", &e, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "latin9"));
    assert_string_equal(lsc_encoding_name(LSC_ENCODING_CP1252), "cp1252");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_latin1_every_byte), cmocka_unit_test(test_cp1252),
        cmocka_unit_test(test_bom_refused),       cmocka_unit_test(test_looks_utf8),
        cmocka_unit_test(test_utf8_is_no_wrap),   cmocka_unit_test(test_reader),
        cmocka_unit_test(test_parse_encoding),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
