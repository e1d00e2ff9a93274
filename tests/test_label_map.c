#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <string.h>

#include "label_map.h"

/* Collects the log's messages, one per line. */
struct captured {
    char text[4096];
    size_t used;
};

static void capture(void *userdata, enum lsc_log_level level, const char *message)
{
    struct captured *c = userdata;
    int w = snprintf(c->text + c->used, sizeof c->text - c->used, "%s: %s\n",
                     level == LSC_LOG_WARN ? "warning" : "note", message);
    if (w > 0 && (size_t)w < sizeof c->text - c->used)
        c->used += (size_t)w;
}

static int add(struct label_map *m, const char *s, size_t rows)
{
    return lsc_label_map_add(m, s, strlen(s), rows);
}

/* Without positive values: the recognised words and numbers only. */
static void test_recognised(void **state)
{
    (void)state;
    struct label_map m;
    assert_int_equal(lsc_label_map_init(&m, NULL, NULL, NULL), LSC_OK);
    assert_int_equal(add(&m, "Yes", 1), LABEL_POSITIVE);
    assert_int_equal(add(&m, "n", 1), LABEL_NEGATIVE);
    assert_int_equal(add(&m, "1.0", 1), LABEL_POSITIVE);
    assert_int_equal(add(&m, "0", 1), LABEL_NEGATIVE);
    assert_int_equal(add(&m, "Won", 1), LABEL_UNKNOWN);
    assert_int_equal(add(&m, "2", 1), LABEL_UNKNOWN);
    lsc_label_map_fini(&m);
}

/* Exact first, then ignoring case; every other value not converted. */
static void test_positive(void **state)
{
    (void)state;
    static const char *const pos[] = {"closed won"};
    struct lsc_strings p = {pos, 1};
    struct label_map m;
    struct captured cap = {{0}, 0};
    struct lsc_log log = {capture, &cap};
    assert_int_equal(lsc_label_map_init(&m, &p, NULL, NULL), LSC_OK);
    assert_int_equal(add(&m, "Closed Won", 30), LABEL_POSITIVE);
    assert_int_equal(add(&m, "closed won", 2), LABEL_POSITIVE);
    assert_int_equal(add(&m, "Closed Lost", 50), LABEL_NEGATIVE);
    assert_int_equal(add(&m, "Open", 7), LABEL_NEGATIVE);
    assert_int_equal(add(&m, "Open", 3), LABEL_NEGATIVE);
    assert_int_equal(lsc_label_map_skipped(&m), 0);
    lsc_label_map_notes(&m, "target", "Stage", &log);
    assert_non_null(strstr(cap.text, "note: --positive \"closed won\" matched \"Closed Won\" of "
                                     "target \"Stage\" ignoring case (30 rows)"));
    /* the exact match is not called a case-insensitive one */
    assert_null(strstr(cap.text, "matched \"closed won\""));
    assert_non_null(strstr(cap.text, "target \"Stage\": 60 rows count as not converted: "
                                     "\"Closed Lost\" (50), \"Open\" (10)"));
    lsc_label_map_fini(&m);
}

/* With negative values: the others are skipped and counted by value. */
static void test_negative(void **state)
{
    (void)state;
    static const char *const pos[] = {"Won", "Nope"}, *const neg[] = {"lost"};
    struct lsc_strings p = {pos, 2}, n = {neg, 1};
    struct label_map m;
    struct captured cap = {{0}, 0};
    struct lsc_log log = {capture, &cap};
    assert_int_equal(lsc_label_map_init(&m, &p, &n, NULL), LSC_OK);
    assert_int_equal(add(&m, "Won", 5), LABEL_POSITIVE);
    assert_int_equal(add(&m, "Lost", 4), LABEL_NEGATIVE);
    assert_int_equal(add(&m, "Open", 42), LABEL_SKIPPED);
    assert_int_equal(lsc_label_map_skipped(&m), 42);
    lsc_label_map_notes(&m, "label", "stage", &log);
    assert_non_null(strstr(cap.text, "note: skipped 42 rows whose label is \"Open\" (neither a "
                                     "--positive nor a --negative value)"));
    assert_non_null(strstr(cap.text, "note: --negative \"lost\" matched \"Lost\""));
    assert_non_null(strstr(cap.text, "warning: --positive \"Nope\" matches no value of label "
                                     "\"stage\""));
    assert_int_equal(add(&m, "Pending", 18), LABEL_SKIPPED);
    cap.used = 0;
    lsc_label_map_notes(&m, "label", "stage", &log);
    assert_non_null(strstr(cap.text, "skipped 60 rows whose label is neither a --positive nor a "
                                     "--negative value: \"Open\" (42), \"Pending\" (18)"));
    lsc_label_map_fini(&m);
}

static void test_bad_options(void **state)
{
    (void)state;
    static const char *const pos[] = {"Won"}, *const neg[] = {"WON"};
    struct lsc_strings p = {pos, 1}, n = {neg, 1}, none = {NULL, 0};
    struct label_map m;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_label_map_init(&m, &none, &n, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "--negative needs --positive VALUE"));
    lsc_label_map_fini(&m);
    assert_int_equal(lsc_label_map_init(&m, &p, &n, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "\"WON\" is given to both --positive and --negative"));
    lsc_label_map_fini(&m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_recognised),
        cmocka_unit_test(test_positive),
        cmocka_unit_test(test_negative),
        cmocka_unit_test(test_bad_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
