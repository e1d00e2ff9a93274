/* util: UTF-8 validation and the escaping of bytes in messages. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "util.h"

struct utf8_case {
    const char *text;
    size_t len;
    int valid;
    size_t bad; /* offset of the first invalid byte */
};

#define C(s, v, b) {s, sizeof s - 1, v, b}
static const struct utf8_case utf8_cases[] = {
    C("", 1, 0),
    C("plain ASCII", 1, 0),
    C("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 1, 0),
    C("caf\xe9", 0, 3),              /* Latin-1 */
    C("ab\xe9", 0, 2),               /* a 3-byte lead at the very end */
    C("\xe2\x82", 0, 0),             /* cut short */
    C("\xc0\xaf", 0, 0),             /* overlong '/' */
    C("\xe0\x80\xaf", 0, 0),         /* overlong, 3 bytes */
    C("\xed\xa0\x80", 0, 0),         /* a surrogate */
    C("\xf4\x90\x80\x80", 0, 0),     /* past U+10FFFF */
    C("x\xff", 0, 1),
    C("a\0b", 1, 0),                 /* NUL is valid UTF-8 */
    C("\xc3\xa9\x80", 0, 2),         /* a stray continuation byte */
};
#undef C

static void test_utf8_valid(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof utf8_cases / sizeof utf8_cases[0]; i++) {
        const struct utf8_case *c = &utf8_cases[i];
        size_t bad = 99;
        print_message("case %zu\n", i);
        assert_int_equal(lsc_utf8_valid(c->text, c->len, &bad), c->valid);
        if (!c->valid)
            assert_int_equal(bad, c->bad);
        assert_int_equal(lsc_utf8_valid(c->text, c->len, NULL), c->valid);
    }
}

/* --decimal-comma: "16,2" is 16.2 and the same double as "16.2" without it;
 * a '.' is then no number; the hint fires only where it helps. */
static void test_decimal_comma(void **state)
{
    (void)state;
    static const struct {
        const char *dc, *dot;
    } same[] = {{"16,2", "16.2"}, {"-0,5", "-0.5"}, {"+3", "+3"}, {"1,5e3", "1.5e3"},
                {"0,1", "0.1"},   {",5", ".5"},     {"42", "42"}};
    for (size_t k = 0; k < sizeof same / sizeof same[0]; k++) {
        double a = 0, b = 1;
        assert_true(lsc_parse_number_dc(same[k].dc, strlen(same[k].dc), 1, &a));
        assert_true(lsc_parse_number(same[k].dot, strlen(same[k].dot), &b));
        assert_true(a == b);
    }
    static const char *const no[] = {"16.2", "1.234,5", "1,2,3", ",", "1,", "abc", ""};
    for (size_t k = 0; k < sizeof no / sizeof no[0]; k++) {
        double x;
        int got = lsc_parse_number_dc(no[k], strlen(no[k]), 1, &x);
        if (strcmp(no[k], "1,") == 0) /* "1." is a number, so "1," is one too */
            assert_true(got && x == 1.0);
        else
            assert_false(got);
    }
    double x;
    assert_false(lsc_parse_number_dc("16,2", 4, 0, &x)); /* off: as lsc_parse_number */
    assert_true(lsc_looks_decimal_comma("16,2", 4));
    assert_false(lsc_looks_decimal_comma("16.2", 4)); /* a number already */
    assert_false(lsc_looks_decimal_comma("16", 2));
    assert_false(lsc_looks_decimal_comma("a,b", 3));
}

static void test_escape_bytes(void **state)
{
    (void)state;
    char out[32];
    lsc_escape_bytes("caf\xe9 \xc3\xa9", 7, out, sizeof out);
    assert_string_equal(out, "caf\\xE9 \xc3\xa9");
    lsc_escape_bytes("a\0b\n", 4, out, sizeof out);
    assert_string_equal(out, "a\\x00b\\x0A");
    /* too long: cut with "..." and always terminated */
    lsc_escape_bytes("0123456789012345678901234567890123456789", 40, out, sizeof out);
    assert_int_equal(strlen(out), sizeof out - 1);
    assert_string_equal(out + sizeof out - 4, "...");
    lsc_escape_bytes("\xff\xff\xff", 3, out, 6);
    assert_true(strlen(out) < 6);
    lsc_escape_bytes("abc", 3, out, 2);
    assert_true(strlen(out) < 2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_escape_bytes),
        cmocka_unit_test(test_decimal_comma),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
