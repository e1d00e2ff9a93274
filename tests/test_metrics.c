#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "metrics.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

/* cmocka 1.1 compares only floats. */
#define assert_double_equal(a, b, eps) check_close((a), (b), (eps), __FILE__, __LINE__)

static void check_close(double a, double b, double eps, const char *file, int line)
{
    if (!(fabs(a - b) <= eps)) {
        print_error("%.17g != %.17g (within %g)\n", a, b, eps);
        _fail(file, line);
    }
}

struct auc_case {
    const char *name;
    const double *score, *y;
    size_t n;
    double expected; /* NaN: expect NaN */
};

static const double s_hand[] = {0.1, 0.4, 0.35, 0.8}, y_hand[] = {0, 0, 1, 1};
static const double s_tied[] = {0.5, 0.5, 0.5, 0.5, 0.5}, y_tied[] = {1, 0, 0, 1, 0};
static const double s_perfect[] = {0.9, 0.1, 0.8, 0.2, 0.3}, y_perfect[] = {1, 0, 1, 0, 0};
static const double s_reversed[] = {0.1, 0.9, 0.2}, y_reversed[] = {1, 0, 1};
/* positives {0.5, 0.7}, negatives {0.5, 0.2, 0.7}:
 * 0.5 vs: tie, win, loss = 1.5; 0.7 vs: win, win, tie = 2.5; 4 / 6 */
static const double s_ties[] = {0.5, 0.5, 0.2, 0.7, 0.7}, y_ties[] = {1, 0, 0, 1, 0};
static const double s_one[] = {0.1, 0.2, 0.3}, y_one_pos[] = {1, 1, 1}, y_one_neg[] = {0, 0, 0};
static const double s_nan[] = {0.1, NAN, 0.3}, y_nan[] = {0, 1, 1};

static const struct auc_case auc_cases[] = {
    {"hand example", s_hand, y_hand, 4, 0.75},    {"all tied", s_tied, y_tied, 5, 0.5},
    {"perfect", s_perfect, y_perfect, 5, 1.0},    {"reversed", s_reversed, y_reversed, 3, 0.0},
    {"mixed ties", s_ties, y_ties, 5, 4.0 / 6.0}, {"only positives", s_one, y_one_pos, 3, NAN},
    {"only negatives", s_one, y_one_neg, 3, NAN}, {"empty", s_one, y_one_pos, 0, NAN},
    {"NaN score", s_nan, y_nan, 3, NAN},
};

static void test_auc_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_OF(auc_cases); i++) {
        const struct auc_case *c = &auc_cases[i];
        double auc = -1.0;
        print_message("auc: %s\n", c->name);
        assert_int_equal(lsc_metrics_auc(c->score, c->y, c->n, &auc), LSC_OK);
        if (isnan(c->expected))
            assert_true(isnan(auc));
        else
            assert_double_equal(auc, c->expected, 1e-15);
    }
}

/* Against the O(n^2) definition on a larger input with many ties. */
static void test_auc_brute_force(void **state)
{
    (void)state;
    enum { N = 500 };
    double s[N], y[N];
    unsigned x = 12345u;
    for (size_t i = 0; i < N; i++) {
        x = x * 1103515245u + 12345u;
        s[i] = (double)((x >> 16) % 37) / 36.0;
        x = x * 1103515245u + 12345u;
        y[i] = (double)((x >> 16) % 3 == 0);
    }
    double u = 0.0, np = 0.0, nn = 0.0;
    for (size_t i = 0; i < N; i++) {
        if (y[i] == 1.0)
            np += 1.0;
        else
            nn += 1.0;
        for (size_t j = 0; j < N; j++)
            if (y[i] == 1.0 && y[j] == 0.0)
                u += s[i] > s[j] ? 1.0 : s[i] == s[j] ? 0.5 : 0.0;
    }
    double auc = 0.0;
    assert_int_equal(lsc_metrics_auc(s, y, N, &auc), LSC_OK);
    assert_double_equal(auc, u / (np * nn), 1e-12);
}

static void test_log_loss(void **state)
{
    (void)state;
    const double p[] = {0.9, 0.2, 0.6, 0.5}, y[] = {1, 0, 0, 1};
    double expected = -(log(0.9) + log(0.8) + log(0.4) + log(0.5)) / 4.0;
    assert_double_equal(lsc_metrics_log_loss(p, y, 4), expected, 1e-15);

    /* p = 0 and p = 1 are clipped to 1e-15 and 1 - 1e-15 */
    const double pc[] = {0.0, 1.0}, yc_right[] = {0, 1}, yc_wrong[] = {1, 0};
    double right = lsc_metrics_log_loss(pc, yc_right, 2);
    double wrong = lsc_metrics_log_loss(pc, yc_wrong, 2);
    assert_true(isfinite(right) && isfinite(wrong));
    assert_true(right >= 0.0 && right < 1e-14);
    assert_double_equal(wrong, -log(1e-15), 1e-3);

    assert_true(isnan(lsc_metrics_log_loss(p, y, 0)));
}

static void test_brier(void **state)
{
    (void)state;
    const double p[] = {0.9, 0.2, 0.6, 0.5}, y[] = {1, 0, 0, 1};
    double expected = (0.01 + 0.04 + 0.36 + 0.25) / 4.0;
    assert_double_equal(lsc_metrics_brier(p, y, 4), expected, 1e-15);
    const double perfect[] = {1, 0, 0, 1};
    assert_double_equal(lsc_metrics_brier(perfect, y, 4), 0.0, 0.0);
    assert_true(isnan(lsc_metrics_brier(p, y, 0)));
}

static void test_threshold_counts(void **state)
{
    (void)state;
    const double p[] = {0.9, 0.5, 0.49, 0.1, 0.7, NAN}, y[] = {1, 0, 1, 0, 1, 1};
    struct metrics_threshold m;
    lsc_metrics_at_threshold(p, y, 6, 0.5, &m);
    assert_double_equal(m.threshold, 0.5, 0.0);
    /* p >= 0.5: 0.9 (pos), 0.5 (neg), 0.7 (pos); NaN counts as negative */
    assert_int_equal(m.tp, 2);
    assert_int_equal(m.fp, 1);
    assert_int_equal(m.tn, 1);
    assert_int_equal(m.fn, 2);
    assert_double_equal(m.precision, 2.0 / 3.0, 1e-15);
    assert_double_equal(m.recall, 2.0 / 4.0, 1e-15);
    assert_double_equal(m.accuracy, 3.0 / 6.0, 1e-15);
}

static void test_threshold_nothing_positive(void **state)
{
    (void)state;
    const double p[] = {0.1, 0.2, 0.3}, y[] = {1, 0, 1};
    struct metrics_threshold m;
    lsc_metrics_at_threshold(p, y, 3, 0.5, &m);
    assert_int_equal(m.tp + m.fp, 0);
    assert_true(isnan(m.precision));
    assert_double_equal(m.recall, 0.0, 0.0);
    assert_double_equal(m.accuracy, 1.0 / 3.0, 1e-15);

    const double yneg[] = {0, 0, 0};
    lsc_metrics_at_threshold(p, yneg, 3, 0.25, &m);
    assert_int_equal(m.fp, 1);
    assert_double_equal(m.precision, 0.0, 0.0);
    assert_true(isnan(m.recall));

    lsc_metrics_at_threshold(p, y, 0, 0.5, &m);
    assert_true(isnan(m.precision) && isnan(m.recall) && isnan(m.accuracy));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_table),        cmocka_unit_test(test_auc_brute_force),
        cmocka_unit_test(test_log_loss),         cmocka_unit_test(test_brier),
        cmocka_unit_test(test_threshold_counts), cmocka_unit_test(test_threshold_nothing_positive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
