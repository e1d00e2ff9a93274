/* train: the whole pipeline through the library on the bundled sample:
 * save -> load -> save is byte-identical, results do not depend on the
 * number of threads, and the seed makes runs reproducible. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

#include "leadscore.h"
#include "test_helpers.h"

#ifndef LSC_SOURCE_DIR
#define LSC_SOURCE_DIR "."
#endif

static const char *const excluded[] = {"Email", "Company", "Last Activity Date", "Created Date"};
static const char *const ids[] = {"Lead ID"};
static const char *const na[] = {"Select"};

static struct lsc_model *train_sample(unsigned long seed)
{
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_model *m = NULL;
    struct lsc_error err;
    lsc_train_options_defaults(&o);
    o.input = LSC_SOURCE_DIR "/datasets/sample_leads.csv";
    o.target = "Converted";
    o.exclude.items = excluded;
    o.exclude.count = 4;
    o.ids.items = ids;
    o.ids.count = 1;
    o.na_values.items = na;
    o.na_values.count = 1;
    o.seed = seed;
    enum lsc_status st = lsc_train(&o, NULL, &m, &sum, &err);
    if (st != LSC_OK)
        print_error("%s\n", err.message);
    assert_int_equal(st, LSC_OK);
    assert_int_equal(sum.rows_used, 4000);
    assert_true(sum.converged && sum.final_converged);
    assert_true(sum.auc > 0.7 && sum.auc < 0.95);
    return m;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    fseek(fp, 0, SEEK_END);
    long n = ftell(fp);
    fseek(fp, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_int_equal(fread(buf, 1, (size_t)n, fp), (size_t)n);
    fclose(fp);
    *len = (size_t)n;
    return buf;
}

static void test_save_load_save_is_byte_identical(void **state)
{
    (void)state;
    struct lsc_model *m = train_sample(42), *back = NULL;
    char *a = th_write_temp("a.json", ""), *b = th_write_temp("b.json", "");
    assert_int_equal(lsc_model_save(m, a, 1, NULL), LSC_OK);
    assert_int_equal(lsc_model_load(a, &back, NULL), LSC_OK);
    assert_int_equal(lsc_model_save(back, b, 1, NULL), LSC_OK);
    size_t na_, nb;
    char *x = slurp(a, &na_), *y = slurp(b, &nb);
    assert_int_equal(na_, nb);
    assert_memory_equal(x, y, na_);
    /* coefficients survive bit for bit */
    assert_int_equal(lsc_model_n_features(m), lsc_model_n_features(back));
    for (size_t j = 0; j < lsc_model_n_features(m); j++) {
        double u = lsc_model_coefficient(m, j), v = lsc_model_coefficient(back, j);
        assert_memory_equal(&u, &v, sizeof u);
    }
    free(x);
    free(y);
    th_remove_temp(a);
    th_remove_temp(b);
    lsc_model_free(m);
    lsc_model_free(back);
}

static void test_threads_do_not_change_the_fit(void **state)
{
    (void)state;
    setenv("LEADSCORE_THREADS", "1", 1);
    struct lsc_model *one = train_sample(42);
    setenv("LEADSCORE_THREADS", "3", 1);
    struct lsc_model *three = train_sample(42);
    unsetenv("LEADSCORE_THREADS");
    assert_int_equal(lsc_model_n_features(one), lsc_model_n_features(three));
    for (size_t j = 0; j < lsc_model_n_features(one); j++)
        assert_double_equal(lsc_model_coefficient(one, j), lsc_model_coefficient(three, j), 1e-9);
    lsc_model_free(one);
    lsc_model_free(three);
}

static void test_seed_reproducible(void **state)
{
    (void)state;
    struct lsc_model *a = train_sample(7), *b = train_sample(7);
    char *ja = lsc_model_to_json(a), *jb = lsc_model_to_json(b);
    /* identical apart from the creation time (and so the checksum) */
    char *ca = strstr(ja, "\"created\""), *cb = strstr(jb, "\"created\"");
    assert_non_null(ca);
    memcpy(cb, ca, 35);
    char *sa = strstr(ja, "\"checksum\": \"sha256:"), *sb = strstr(jb, "\"checksum\": \"sha256:");
    assert_non_null(sa);
    assert_non_null(sb);
    memcpy(sb, sa, strlen("\"checksum\": \"sha256:") + 64);
    assert_string_equal(ja, jb);
    free(ja);
    free(jb);
    lsc_model_free(a);
    lsc_model_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_save_load_save_is_byte_identical),
        cmocka_unit_test(test_threads_do_not_change_the_fit),
        cmocka_unit_test(test_seed_reproducible),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
