/* util: UTF-8 validation, the escaping of bytes in messages, the
 * temporary files a signal removes (tempreg), and the inputs that cannot
 * all be read (parse.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "leadscore/parse.h"
#include "leadscore/status.h"
#include "tempreg.h"
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

/* A temporary file is tracked from before it exists: the signal-time
 * cleanup removes it, and a dropped slot is left alone. */
static void test_tempreg_create(void **state)
{
    (void)state;
    char dir[] = "/tmp/lsc_tempregXXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64];
    snprintf(a, sizeof a, "%s/out.csv.tmpXXXXXX", dir);
    snprintf(b, sizeof b, "%s/kept.tmpXXXXXX", dir);
    int sa, sb;
    int fa = lsc_tempreg_create(a, &sa), fb = lsc_tempreg_create(b, &sb);
    assert_true(fa >= 0 && fb >= 0 && sa >= 0 && sb >= 0 && sa != sb);
    assert_null(strstr(a, "XXXXXX"));
    assert_int_equal(strncmp(a + strlen(dir), "/out.csv.tmp", 12), 0);
    struct stat st;
    assert_int_equal(fstat(fa, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    close(fa);
    close(fb);
    lsc_tempreg_drop(sb);
    lsc_remove_temporary_files();
    assert_int_not_equal(access(a, F_OK), 0);
    assert_int_equal(access(b, F_OK), 0);
    lsc_tempreg_drop(sa);
    int s0 = 7;
    char bad[] = "/tmp/no-template";
    assert_int_equal(lsc_tempreg_create(bad, &s0), -1);
    assert_int_equal(errno, EINVAL);
    assert_int_equal(s0, -1);
    char none[] = "/nonexistent-dir-lsc/x.tmpXXXXXX";
    assert_int_equal(lsc_tempreg_create(none, &s0), -1);
    assert_int_equal(errno, ENOENT);
    assert_int_equal(s0, -1);
    assert_int_equal(unlink(b), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* Two inputs on stdin, and one file twice to the same option (through a
 * link too), are refused; the same file to two options, or two files to
 * one, are not. */
static void test_inputs_readable(void **state)
{
    (void)state;
    char dir[] = "/tmp/lsc_inputsXXXXXX";
    assert_non_null(mkdtemp(dir));
    char a[64], b[64], link_a[64];
    snprintf(a, sizeof a, "%s/a.csv", dir);
    snprintf(b, sizeof b, "%s/b.csv", dir);
    snprintf(link_a, sizeof link_a, "%s/link.csv", dir);
    FILE *fa = fopen(a, "w"), *fb = fopen(b, "w");
    assert_true(fa != NULL && fb != NULL);
    fclose(fa);
    fclose(fb);
    assert_int_equal(symlink(a, link_a), 0);
    struct lsc_error err;
    const char *ok_in[] = {a, NULL, "-", a, b};
    const char *ok_opt[] = {"the input", "-m", "--rules", "--events", "--events"};
    assert_int_equal(lsc_check_inputs_readable(ok_in, ok_opt, 5, &err), LSC_OK);
    const char *stdin2[] = {"-", a, "-"};
    const char *stdin2_opt[] = {"the input", "--events", "--events"};
    assert_int_equal(lsc_check_inputs_readable(stdin2, stdin2_opt, 3, &err), LSC_ERR_USAGE);
    assert_string_equal(err.message, "--events - and the input - cannot both be stdin");
    const char *twice[] = {b, a, link_a};
    const char *twice_opt[] = {"--events", "--events", "--events"};
    assert_int_equal(lsc_check_inputs_readable(twice, twice_opt, 3, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "are the same file: its rows would count twice"));
    assert_non_null(strstr(err.message, link_a));
    assert_int_equal(unlink(link_a), 0);
    assert_int_equal(unlink(a), 0);
    assert_int_equal(unlink(b), 0);
    assert_int_equal(rmdir(dir), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_valid),
        cmocka_unit_test(test_escape_bytes),
        cmocka_unit_test(test_decimal_comma),
        cmocka_unit_test(test_tempreg_create),
        cmocka_unit_test(test_inputs_readable),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
