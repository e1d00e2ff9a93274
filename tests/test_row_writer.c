/* row_writer: typed cells out as CSV and as JSON Lines - the same rows the
 * scorer writes; types from the cell, never from a column's name; escaping;
 * rows that do not match the header, write and allocation failures are
 * errors, not garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "leadscore/alloc.h"
#include "row_writer.h"

/* A table of cells: one string per row, cells separated by '|', each
 * "<type>:<text>" with type k (key), s (string), t (text), n (number),
 * i (integer), 0 (null); a row of keys is the header. */
static enum lsc_status write_rows(const char *const *rows, size_t nrows,
                                  enum lsc_row_format format, char **out, struct lsc_error *err)
{
    size_t size = 0;
    *out = NULL;
    FILE *dest = open_memstream(out, &size);
    assert_non_null(dest);
    struct lsc_row_writer *w = NULL;
    enum lsc_status st = lsc_row_writer_new(&w, dest, format, "out.jsonl", err);
    for (size_t r = 0; st == LSC_OK && r < nrows; r++) {
        const char *p = rows[r];
        while (*p != '\0') {
            const char *end = strchr(p + 2, '|');
            size_t len = end ? (size_t)(end - p - 2) : strlen(p + 2);
            switch (p[0]) {
            case 'k': lsc_row_writer_key(w, p + 2, len); break;
            case 's': lsc_row_writer_string(w, p + 2, len); break;
            case 't': lsc_row_writer_text(w, p + 2, len); break;
            case 'n': lsc_row_writer_number(w, p + 2, len); break;
            case 'i': lsc_row_writer_integer(w, strtoll(p + 2, NULL, 10)); break;
            default: lsc_row_writer_null(w); break;
            }
            p += 2 + len + (end != NULL);
        }
        lsc_row_writer_end(w);
    }
    if (st == LSC_OK)
        st = lsc_row_writer_finish(w, err);
    lsc_row_writer_free(w);
    assert_int_equal(fclose(dest), 0);
    return st;
}

static const char *const ROWS[] = {
    "k:Lead ID|k:probability|k:score|k:tier|k:rule_score|k:rule_qualified|k:fit_points|k:grade|"
    "k:error",
    "s:a,b|n:0.500000|i:50|t:warm|n:+5|n:1|n:12.5|t:A1|t:",
    "s:|0:|0:|0:|n:|n:|n:|t:|t:column \"Visits\": not a number: \"x\ny\"",
    "s:score|n:1e-05|i:1|t:cold|n:.5|n:0|n:-3|t:D4|t:",
};

static const char JSON[] =
    "{\"Lead ID\":\"a,b\",\"probability\":0.500000,\"score\":50,\"tier\":\"warm\","
    "\"rule_score\":5,\"rule_qualified\":1,\"fit_points\":12.5,\"grade\":\"A1\",\"error\":null}\n"
    "{\"Lead ID\":\"\",\"probability\":null,\"score\":null,\"tier\":null,\"rule_score\":null,"
    "\"rule_qualified\":null,\"fit_points\":null,\"grade\":null,"
    "\"error\":\"column \\\"Visits\\\": not a number: \\\"x\\ny\\\"\"}\n"
    "{\"Lead ID\":\"score\",\"probability\":1e-05,\"score\":1,\"tier\":\"cold\","
    "\"rule_score\":0.5,\"rule_qualified\":0,\"fit_points\":-3,\"grade\":\"D4\",\"error\":null}\n";

static const char CSV[] =
    "Lead ID,probability,score,tier,rule_score,rule_qualified,fit_points,grade,error\n"
    "\"a,b\",0.500000,50,warm,+5,1,12.5,A1,\n"
    ",,,,,,,,\"column \"\"Visits\"\": not a number: \"\"x\ny\"\"\"\n"
    "score,1e-05,1,cold,.5,0,-3,D4,\n";

static void test_jsonl_and_csv(void **state)
{
    (void)state;
    char *out = NULL;
    struct lsc_error err;
    assert_int_equal(write_rows(ROWS, 4, LSC_ROWS_JSONL, &out, &err), LSC_OK);
    assert_string_equal(out, JSON);
    free(out);
    assert_int_equal(write_rows(ROWS, 4, LSC_ROWS_CSV, &out, &err), LSC_OK);
    assert_string_equal(out, CSV);
    free(out);
}

/* The cell's type decides, not the column's name: a string named like a
 * number stays a string, text in a number cell stays text; control
 * characters and bad UTF-8 escaped. */
static void test_types_and_escapes(void **state)
{
    (void)state;
    char *out = NULL;
    struct lsc_error err;
    const char *const rows[] = {"k:score|k:probability|k:score", "s:007|n:\t\x01\\|n:n/a"};
    assert_int_equal(write_rows(rows, 2, LSC_ROWS_JSONL, &out, &err), LSC_OK);
    assert_string_equal(out, "{\"score\":\"007\",\"probability\":\"\\t\\u0001\\\\\","
                             "\"score\":\"n/a\"}\n");
    free(out);
    const char *const utf[] = {"k:id|k:tier", "s:1|t:\xc3\xa9\xff"};
    assert_int_equal(write_rows(utf, 2, LSC_ROWS_JSONL, &out, &err), LSC_OK);
    assert_string_equal(out, "{\"id\":\"1\",\"tier\":\"\xc3\xa9\\ufffd\"}\n");
    free(out);
    /* a header only: nothing in JSON, the header in CSV */
    const char *const hdr[] = {"k:id|k:score"};
    assert_int_equal(write_rows(hdr, 1, LSC_ROWS_JSONL, &out, &err), LSC_OK);
    assert_string_equal(out, "");
    free(out);
    assert_int_equal(write_rows(hdr, 1, LSC_ROWS_CSV, &out, &err), LSC_OK);
    assert_string_equal(out, "id,score\n");
    free(out);
    /* a number that is not JSON syntax but parses: 17 digits; negative integers */
    const char *const num[] = {"k:a|k:b", "n:+0.25|i:-42"};
    assert_int_equal(write_rows(num, 2, LSC_ROWS_JSONL, &out, &err), LSC_OK);
    assert_string_equal(out, "{\"a\":0.25,\"b\":-42}\n");
    free(out);
}

static void test_shape(void **state)
{
    (void)state;
    const char *const too_many[] = {"k:id|k:score", "s:1|i:2|i:3"};
    const char *const too_few[] = {"k:id|k:score", "s:1"};
    const char *const *bad[] = {too_many, too_few};
    for (size_t f = 0; f < 2; f++)
        for (size_t k = 0; k < 2; k++) {
            char *out = NULL;
            struct lsc_error err;
            lsc_error_clear(&err);
            assert_int_equal(write_rows(bad[k], 2, f ? LSC_ROWS_CSV : LSC_ROWS_JSONL, &out, &err),
                             LSC_ERR_IO);
            assert_string_equal(err.file, "out.jsonl");
            free(out);
        }
}

static void test_write_failure(void **state)
{
    (void)state;
    FILE *full = fopen("/dev/full", "w");
    if (full == NULL)
        skip();
    setvbuf(full, NULL, _IONBF, 0);
    struct lsc_row_writer *w = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_row_writer_new(&w, full, LSC_ROWS_JSONL, "full.jsonl", &err), LSC_OK);
    lsc_row_writer_key(w, "id", 2);
    lsc_row_writer_end(w);
    lsc_row_writer_string(w, "x", 1);
    lsc_row_writer_end(w);
    assert_true(lsc_row_writer_failed(w));
    assert_int_equal(lsc_row_writer_finish(w, &err), LSC_ERR_IO);
    assert_string_equal(err.file, "full.jsonl");
    assert_non_null(strstr(err.message, "No space left on device"));
    lsc_row_writer_free(w);
    fclose(full);
}

static void test_allocation_failures(void **state)
{
    (void)state;
    int succeeded = 0;
    for (size_t budget_n = 0; budget_n < 100 && !succeeded; budget_n++) {
        char *out = NULL;
        struct lsc_error err;
        struct th_budget b = {budget_n};
        struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&a);
        enum lsc_status st = write_rows(ROWS, 4, LSC_ROWS_JSONL, &out, &err);
        lsc_set_allocator(NULL);
        if (st == LSC_OK) {
            assert_string_equal(out, JSON);
            succeeded = 1;
        } else {
            assert_int_equal(st, LSC_ERR_NOMEM);
        }
        free(out);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_jsonl_and_csv),
        cmocka_unit_test(test_types_and_escapes),
        cmocka_unit_test(test_shape),
        cmocka_unit_test(test_write_failure),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
