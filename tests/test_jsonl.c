/* jsonl: the scorer's CSV in, JSON Lines out - whatever the pieces the CSV
 * arrives in; types by column; escaping; malformed input and allocation
 * failures are errors, not garbage. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "leadscore/alloc.h"

/* Transcodes csv written in pieces of `piece` bytes (0: all at once);
 * returns the status and the JSON in *json (malloc'ed). */
static enum lsc_status transcode(const char *csv, size_t n_ids, size_t piece, char **json,
                                 struct lsc_error *err)
{
    size_t size = 0;
    *json = NULL;
    FILE *dest = open_memstream(json, &size);
    assert_non_null(dest);
    struct jsonl *j = NULL;
    enum lsc_status st = lsc_jsonl_open(&j, dest, n_ids, "out.jsonl", err);
    if (st == LSC_OK) {
        FILE *fp = lsc_jsonl_stream(j);
        size_t len = strlen(csv);
        for (size_t at = 0; at < len;) {
            size_t n = piece == 0 || len - at < piece ? len - at : piece;
            if (fwrite(csv + at, 1, n, fp) != n)
                break;
            at += n;
        }
        st = lsc_jsonl_finish(j, err);
    }
    lsc_jsonl_free(j);
    assert_int_equal(fclose(dest), 0);
    return st;
}

static const char CSV[] =
    "Lead ID,probability,score,tier,rule_score,rule_qualified,fit_points,grade,error\n"
    "\"a,b\",0.500000,50,warm,+5,1,12.5,A1,\n"
    ",,,,,,,,\"column \"\"Visits\"\": not a number: \"\"x\ny\"\"\"\n"
    "score,1e-05,1,cold,.5,0,-3,D4,\n";

static const char JSON[] =
    "{\"Lead ID\":\"a,b\",\"probability\":0.500000,\"score\":50,\"tier\":\"warm\","
    "\"rule_score\":5,\"rule_qualified\":1,\"fit_points\":12.5,\"grade\":\"A1\",\"error\":null}\n"
    "{\"Lead ID\":\"\",\"probability\":null,\"score\":null,\"tier\":null,\"rule_score\":null,"
    "\"rule_qualified\":null,\"fit_points\":null,\"grade\":null,"
    "\"error\":\"column \\\"Visits\\\": not a number: \\\"x\\ny\\\"\"}\n"
    "{\"Lead ID\":\"score\",\"probability\":1e-05,\"score\":1,\"tier\":\"cold\","
    "\"rule_score\":0.5,\"rule_qualified\":0,\"fit_points\":-3,\"grade\":\"D4\",\"error\":null}\n";

static void test_pieces(void **state)
{
    (void)state;
    static const size_t pieces[] = {0, 1, 2, 3, 7, 64};
    for (size_t k = 0; k < sizeof pieces / sizeof pieces[0]; k++) {
        char *json = NULL;
        struct lsc_error err;
        assert_int_equal(transcode(CSV, 1, pieces[k], &json, &err), LSC_OK);
        assert_string_equal(json, JSON);
        free(json);
    }
}

/* Two id columns stay strings even when named like numbers; text in a
 * numeric column stays text; control characters and bad UTF-8 escaped. */
static void test_types_and_escapes(void **state)
{
    (void)state;
    char *json = NULL;
    struct lsc_error err;
    assert_int_equal(transcode("score,probability,score\n"
                               "007,\"\t\x01\\\",n/a\n",
                               2, 0, &json, &err),
                     LSC_OK);
    assert_string_equal(json, "{\"score\":\"007\",\"probability\":\"\\t\\u0001\\\\\","
                              "\"score\":\"n/a\"}\n");
    free(json);
    /* the last field: é kept, 0xff replaced */
    assert_int_equal(transcode("id,tier\n1,\xc3\xa9\xff\n", 1, 0, &json, &err), LSC_OK);
    assert_string_equal(json, "{\"id\":\"1\",\"tier\":\"\xc3\xa9\\ufffd\"}\n");
    free(json);
    /* a header only: nothing */
    assert_int_equal(transcode("id,score\n", 1, 0, &json, &err), LSC_OK);
    assert_string_equal(json, "");
    free(json);
}

static void test_malformed(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "id,score\n1,2,3\n", /* too many fields */
        "id,score\n1\n",     /* too few */
        "id,score\n1,2",     /* no final newline */
        "id,score\n\"1\"x,2\n", /* text after a closing quote */
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char *json = NULL;
        struct lsc_error err;
        lsc_error_clear(&err);
        assert_int_equal(transcode(bad[k], 1, 0, &json, &err), LSC_ERR_IO);
        assert_string_equal(err.file, "out.jsonl");
        free(json);
    }
}

static void test_allocation_failures(void **state)
{
    (void)state;
    int succeeded = 0;
    for (size_t budget_n = 0; budget_n < 100 && !succeeded; budget_n++) {
        char *json = NULL;
        struct lsc_error err;
        struct th_budget b = {budget_n};
        struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&a);
        enum lsc_status st = transcode(CSV, 1, 5, &json, &err);
        lsc_set_allocator(NULL);
        if (st == LSC_OK) {
            assert_string_equal(json, JSON);
            succeeded = 1;
        } else {
            assert_int_equal(st, LSC_ERR_NOMEM);
        }
        free(json);
    }
    assert_true(succeeded);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pieces),
        cmocka_unit_test(test_types_and_escapes),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
