/* mathfn: the overflow-free log(1 + exp(x)) and logistic function at the
 * extremes and at zero. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "mathfn.h"
#include "test_helpers.h"

static void test_log1pexp(void **state)
{
    (void)state;
    assert_double_equal(lsc_mathfn_log1pexp(800.0), 800.0, 1e-12);
    assert_double_equal(lsc_mathfn_log1pexp(-800.0), 0.0, 1e-300);
    assert_double_equal(lsc_mathfn_log1pexp(0.0), log(2.0), 1e-15);
}

static void test_sigmoid(void **state)
{
    (void)state;
    assert_double_equal(lsc_mathfn_sigmoid(-800.0), 0.0, 1e-300);
    assert_double_equal(lsc_mathfn_sigmoid(800.0), 1.0, 0.0);
    assert_double_equal(lsc_mathfn_sigmoid(0.0), 0.5, 0.0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_log1pexp),
        cmocka_unit_test(test_sigmoid),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
