/* rankstats on doubles that are no ordinary numbers: NaN, infinities,
 * signed zeros and denormals. Nothing may read or write out of bounds
 * (the ASan build checks that), and gains refuse non-finite scores. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "rankstats.h"
#include "status_internal.h"
#include "test_helpers.h"

static void gains_refuse_non_finite(void **state)
{
    (void)state;
    const double bad[][3] = {{0.5, NAN, 0.2}, {INFINITY, 0.1, 0.2}, {0.3, 0.1, -INFINITY}};
    const unsigned char y[3] = {1, 0, 1};
    for (size_t t = 0; t < 3; t++) {
        struct rank_gains g;
        assert_int_equal(lsc_rank_gains_init(&g, bad[t], y, 3), LSC_ERR_DATA);
        lsc_rank_gains_fini(&g);
    }
}

/* -0.0 and +0.0 are one tie group; denormals are ordinary numbers. */
static void gains_signed_zero_and_denormals(void **state)
{
    (void)state;
    const double s[] = {-0.0, 0.0, 5e-324, 1e-320, 1.0};
    const unsigned char y[] = {1, 0, 0, 1, 1};
    struct rank_gains g;
    assert_int_equal(lsc_rank_gains_init(&g, s, y, 5), LSC_OK);
    assert_int_equal(g.n_groups, 4);
    assert_double_equal(lsc_rank_gains_positives(&g, 5), 3.0, 0.0);
    assert_double_equal(lsc_rank_gains_positives(&g, 4), 2.5, 1e-15);
    lsc_rank_gains_fini(&g);
}

/* Midranks with NaNs present: NaNs rank after every number, as one tie. */
static void midranks_with_nan(void **state)
{
    (void)state;
    const double x[] = {NAN, 2.0, NAN, -INFINITY, 2.0};
    double r[5];
    assert_int_equal(lsc_rank_midranks(x, 5, r), LSC_OK);
    assert_double_equal(r[3], 1.0, 0.0);
    assert_double_equal(r[1], 2.5, 0.0);
    assert_double_equal(r[4], 2.5, 0.0);
    assert_double_equal(r[0], 4.5, 0.0);
    assert_double_equal(r[2], 4.5, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gains_refuse_non_finite),
        cmocka_unit_test(gains_signed_zero_and_denormals),
        cmocka_unit_test(midranks_with_nan),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
