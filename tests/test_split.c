/* split: the stratified shuffle groups by class, permutes each class the
 * same way for the same seed, and the holdout keeps every class in
 * training with both lists in file order. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "alloc.h"
#include "split.h"

#define N 40

static void fill_y(double *y)
{
    for (size_t i = 0; i < N; i++)
        y[i] = i % 4 == 0 ? 1.0 : 0.0; /* 10 positives, 30 negatives */
}

static void test_strata(void **state)
{
    (void)state;
    double y[N];
    size_t rows[N];
    fill_y(y);
    for (size_t i = 0; i < N; i++)
        rows[i] = N - 1 - i;
    struct split_strata a, b, c;
    assert_int_equal(lsc_split_strata_init(&a, y, NULL, N, 7, NULL), LSC_OK);
    assert_int_equal(lsc_split_strata_init(&b, y, NULL, N, 7, NULL), LSC_OK);
    assert_int_equal(lsc_split_strata_init(&c, y, rows, N, 7, NULL), LSC_OK);
    assert_int_equal(a.cnt[0], 30);
    assert_int_equal(a.cnt[1], 10);
    unsigned char seen[N];
    memset(seen, 0, sizeof seen);
    for (int k = 0; k < 2; k++)
        for (size_t i = 0; i < a.cnt[k]; i++) {
            size_t r = a.cls[k][i];
            assert_true(r < N);
            assert_int_equal(y[r] > 0.5, k);
            assert_false(seen[r]);
            seen[r] = 1;
            assert_int_equal(b.cls[k][i], r);                /* same seed, same order */
            assert_int_equal(y[rows[c.cls[k][i]]] > 0.5, k); /* through rows */
        }
    int moved = 0;
    for (size_t i = 0; i < a.cnt[0]; i++)
        moved |= a.cls[0][i] != (i / 3) * 4 + 1 + i % 3;
    assert_true(moved); /* shuffled, not in file order */
    lsc_split_strata_fini(&a);
    lsc_split_strata_fini(&b);
    lsc_split_strata_fini(&c);
}

static void test_holdout(void **state)
{
    (void)state;
    double y[N];
    fill_y(y);
    struct dataset ds;
    memset(&ds, 0, sizeof ds);
    ds.n_rows = N;
    ds.y = y;
    size_t *tr = NULL, *ho = NULL, ntr = 0, nho = 0;
    assert_int_equal(lsc_split_holdout(&ds, 0.25, 42, &tr, &ntr, &ho, &nho, NULL), LSC_OK);
    assert_int_equal(ntr + nho, N);
    assert_int_equal(nho, 11); /* floor(7.5 + 0.5) + floor(2.5 + 0.5): halves round up */
    size_t pos = 0;
    for (size_t i = 0; i < nho; i++) {
        pos += y[ho[i]] > 0.5;
        assert_true(i == 0 || ho[i] > ho[i - 1]);
    }
    assert_int_equal(pos, 3);
    for (size_t i = 1; i < ntr; i++)
        assert_true(tr[i] > tr[i - 1]);
    lsc_free(tr);
    lsc_free(ho);
    /* a fraction of 1 still leaves one row of each class in training */
    assert_int_equal(lsc_split_holdout(&ds, 1.0, 42, &tr, &ntr, &ho, &nho, NULL), LSC_OK);
    assert_int_equal(ntr, 2);
    assert_true((y[tr[0]] > 0.5) != (y[tr[1]] > 0.5));
    lsc_free(tr);
    lsc_free(ho);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_strata),
        cmocka_unit_test(test_holdout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
