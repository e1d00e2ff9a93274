#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <string.h>

#include "header_match.h"

static const char *const F[] = {"Lead ID", " Visits ", "VISITS", "Stage", "", "Closed On"};
static const size_t L[] = {7, 8, 6, 5, 0, 9};
#define NF (sizeof F / sizeof *F)

static void test_match(void **state)
{
    (void)state;
    enum header_how how;
    assert_int_equal(lsc_header_match(NF, F, L, "Visits", &how), 1); /* trimmed, exact */
    assert_int_equal(how, HEADER_EXACT);
    assert_int_equal(lsc_header_match(NF, F, L, "VISITS", &how), 2);
    assert_int_equal(how, HEADER_EXACT);
    assert_int_equal(lsc_header_match(NF, F, L, "stage", &how), 3);
    assert_int_equal(how, HEADER_ICASE);
    assert_int_equal(lsc_header_match(NF, F, L, "visits", &how), SIZE_MAX);
    assert_int_equal(how, HEADER_AMBIGUOUS);
    assert_int_equal(lsc_header_match(NF, F, L, "", &how), SIZE_MAX); /* never the empty field */
    assert_int_equal(how, HEADER_NONE);
    assert_int_equal(lsc_header_match(NF, F, L, "Stag", &how), SIZE_MAX);
    assert_int_equal(how, HEADER_NONE);
}

static void test_unknown(void **state)
{
    (void)state;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_header_unknown(&err, LSC_ERR_USAGE, "f.csv", 0, 0, "--target", "Stag",
                                        HEADER_NONE, NF, F, L),
                     LSC_ERR_USAGE);
    assert_string_equal(err.message, "unknown column \"Stag\" in --target (did you mean "
                                     "\"Stage\"?); the header has: \"Lead ID\", \"Visits\", "
                                     "\"VISITS\", \"Stage\", \"Closed On\"");
    assert_string_equal(err.file, "f.csv");
    /* a name a column contains */
    lsc_header_unknown(&err, LSC_ERR_DATA, NULL, 3, 2, "rule R1", "closed", HEADER_NONE, NF, F, L);
    assert_non_null(strstr(err.message, "in rule R1 (did you mean \"Closed On\"?)"));
    assert_int_equal(err.line, 3);
    /* nothing close */
    lsc_header_unknown(&err, LSC_ERR_USAGE, NULL, 0, 0, "--id", "zzzzzz", HEADER_NONE, NF, F, L);
    assert_null(strstr(err.message, "did you mean"));
    lsc_header_unknown(&err, LSC_ERR_USAGE, NULL, 0, 0, "--exclude", "visits", HEADER_AMBIGUOUS,
                       NF, F, L);
    assert_string_equal(err.message, "column \"visits\" in --exclude matches \"Visits\", "
                                     "\"VISITS\" ignoring case: give the exact name");
}

/* A header of 5,000 columns is listed up to a limit, cut with "...". */
static void test_long_header(void **state)
{
    (void)state;
    static char names[5000][16];
    static const char *f[5000];
    static size_t l[5000];
    struct lsc_error err;
    for (size_t k = 0; k < 5000; k++) {
        l[k] = (size_t)snprintf(names[k], sizeof names[k], "column_%zu", k);
        f[k] = names[k];
    }
    lsc_header_unknown(&err, LSC_ERR_USAGE, NULL, 0, 0, "--id", "column_4999x", HEADER_NONE, 5000,
                       f, l);
    assert_non_null(strstr(err.message, "(did you mean \"column_4999\"?)"));
    assert_non_null(strstr(err.message, ", ..."));
    assert_true(strlen(err.message) < 800);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_match),
        cmocka_unit_test(test_unknown),
        cmocka_unit_test(test_long_header),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
