/* date: validity, day numbers, the strict ISO 8601 parser and the
 * format-driven one. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "date.h"
#include "leadscore/parse.h"

static void test_valid(void **state)
{
    (void)state;
    assert_true(lsc_date_valid(2024, 2, 29));
    assert_false(lsc_date_valid(2025, 2, 29));
    assert_false(lsc_date_valid(1900, 2, 29));
    assert_true(lsc_date_valid(2000, 2, 29));
    assert_false(lsc_date_valid(2026, 4, 31));
    assert_false(lsc_date_valid(0, 1, 1));
    assert_false(lsc_date_valid(2026, 13, 1));
}

static void test_day_number(void **state)
{
    (void)state;
    assert_int_equal(lsc_date_day_number(1970, 1, 1), 0);
    assert_int_equal(lsc_date_day_number(2000, 3, 1) - lsc_date_day_number(2000, 2, 28), 2);
    assert_int_equal(lsc_date_day_number(1900, 3, 1) - lsc_date_day_number(1900, 2, 28), 1);
    assert_int_equal(lsc_date_day_number(1969, 12, 31), -1);
    assert_int_equal(lsc_date_day_number(2026, 1, 1), 20454);
}

static void test_iso(void **state)
{
    (void)state;
    int y = 0, m = 0, d = 0;
    assert_true(lsc_parse_iso_date("2024-02-29", 10, &y, &m, &d));
    assert_int_equal(y * 10000 + m * 100 + d, 20240229);
    assert_true(lsc_parse_iso_date("2026-11-20T08:00:00Z", 20, &y, &m, &d));
    assert_true(lsc_parse_iso_date("2026-11-20 08:00", 16, &y, &m, &d));
    assert_false(lsc_parse_iso_date("2025-02-29", 10, &y, &m, &d));
    assert_false(lsc_parse_iso_date("2026-1-20", 9, &y, &m, &d));
    assert_false(lsc_parse_iso_date("2026-11-20x", 11, &y, &m, &d));
    assert_false(lsc_parse_iso_date("2026-11-2", 9, &y, &m, &d));
}

static void test_format(void **state)
{
    (void)state;
    long day = 0;
    assert_true(lsc_date_check_format("%d/%m/%Y"));
    assert_true(lsc_date_check_format("%Y%%%m%%%d"));
    assert_false(lsc_date_check_format("%d/%m"));
    assert_false(lsc_date_check_format("%d/%m/%Y %H"));
    assert_false(lsc_date_check_format("%Y-%Y-%m-%d"));
    assert_true(lsc_date_parse_format("8/21/2026", 9, "%m/%d/%Y", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 8, 21));
    assert_true(lsc_date_parse_format("2026-8-1T10:00", 14, "%Y-%m-%d", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 8, 1));
    assert_false(lsc_date_parse_format("29-02-2025", 10, "%d-%m-%Y", &day));
    assert_false(lsc_date_parse_format("26-02-2025", 10, "%Y-%m-%d", &day));
    assert_false(lsc_date_parse_format("2026-08-01x", 11, "%Y-%m-%d", &day));
}

/* %b (issue 14): month names; lsc_date_parse_with: the format, then ISO. */
static void test_month_names_and_fallback(void **state)
{
    (void)state;
    long day = 0;
    assert_true(lsc_date_check_format("%d-%b-%Y"));
    assert_false(lsc_date_check_format("%d-%b-%m-%Y")); /* two months */
    assert_true(lsc_date_parse_format("28-Jun-2026", 11, "%d-%b-%Y", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 6, 28));
    assert_true(lsc_date_parse_format("1 SEPTEMBER 2026 09:30", 22, "%d %b %Y", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 9, 1));
    assert_true(lsc_date_parse_format("May 3, 2026", 11, "%b %d, %Y", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 5, 3));
    assert_false(lsc_date_parse_format("28-Junk-2026", 12, "%d-%b-%Y", &day));
    assert_false(lsc_date_parse_format("28-Jux-2026", 11, "%d-%b-%Y", &day));
    assert_false(lsc_date_parse_format("31-Feb-2026", 11, "%d-%b-%Y", &day));
    assert_true(lsc_date_parse_with("28/06/2026", 10, "%d/%m/%Y", &day));
    assert_int_equal(day, lsc_date_day_number(2026, 6, 28));
    assert_true(lsc_date_parse_with("2026-06-28", 10, "%d/%m/%Y", &day)); /* ISO too */
    assert_int_equal(day, lsc_date_day_number(2026, 6, 28));
    assert_true(lsc_date_parse_with("2026-06-28", 10, NULL, &day));
    assert_false(lsc_date_parse_with("28/06/2026", 10, NULL, &day));
    assert_false(lsc_date_parse_with("06/28/2026", 10, "%d/%m/%Y", &day));
    for (size_t k = 0; lsc_date_common_formats[k] != NULL; k++)
        assert_true(lsc_date_check_format(lsc_date_common_formats[k]));
}

/* lsc_date_civil inverts lsc_date_day_number on every day of 1600..2400;
 * lsc_parse_date reads a format or ISO, trimmed, and refuses impossible
 * days. */
static void test_civil_and_parse_date(void **state)
{
    (void)state;
    long first = lsc_date_day_number(1600, 1, 1), last = lsc_date_day_number(2400, 12, 31);
    int y, m, d;
    for (long n = first; n <= last; n++) {
        lsc_date_civil(n, &y, &m, &d);
        assert_true(lsc_date_valid(y, m, d));
        assert_int_equal(lsc_date_day_number(y, m, d), n);
    }
    lsc_date_civil(0, &y, &m, &d);
    assert_true(y == 1970 && m == 1 && d == 1);
    assert_true(lsc_parse_date(" 01/07/2026 ", "%d/%m/%Y", &y, &m, &d));
    assert_true(y == 2026 && m == 7 && d == 1);
    assert_true(lsc_parse_date("2026-07-01", "%d/%m/%Y", &y, &m, &d));
    assert_true(y == 2026 && m == 7 && d == 1);
    assert_false(lsc_parse_date("01/07/2026", NULL, &y, &m, &d));
    assert_false(lsc_parse_date("31/02/2026", "%d/%m/%Y", &y, &m, &d));
    assert_false(lsc_parse_date("", NULL, &y, &m, &d));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid),
        cmocka_unit_test(test_day_number),
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_format),
        cmocka_unit_test(test_month_names_and_fallback),
        cmocka_unit_test(test_civil_and_parse_date),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
