#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <string.h>

#include "dict.h"
#include "leadscore/alloc.h"


static int setup(void **state)
{
    *state = lsc_dict_new();
    return *state == NULL ? -1 : 0;
}

static int teardown(void **state)
{
    lsc_dict_free(*state);
    return 0;
}

static uint32_t intern_cstr(struct dict *d, const char *s, int *added)
{
    return lsc_dict_intern(d, s, strlen(s), added);
}

static void test_empty_dict(void **state)
{
    struct dict *d = *state;
    assert_int_equal(lsc_dict_size(d), 0);
    assert_int_equal(lsc_dict_find(d, "a", 1), DICT_NONE);
    assert_null(lsc_dict_str(d, 0));
    assert_int_equal(lsc_dict_len(d, 0), 0);
}

static void test_dense_ids_in_insertion_order(void **state)
{
    struct dict *d = *state;
    static const char *const words[] = {"red", "green", "blue", "Red", "re"};
    int added = -1;
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(intern_cstr(d, words[i], &added), i);
        assert_int_equal(added, 1);
    }
    /* interning again gives the same id and adds nothing */
    for (size_t i = 0; i < 5; i++) {
        assert_int_equal(intern_cstr(d, words[i], &added), i);
        assert_int_equal(added, 0);
    }
    assert_int_equal(lsc_dict_size(d), 5);
    for (uint32_t i = 0; i < 5; i++) {
        assert_string_equal(lsc_dict_str(d, i), words[i]);
        assert_int_equal(lsc_dict_len(d, i), strlen(words[i]));
    }
    /* added may be NULL */
    assert_int_equal(intern_cstr(d, "cyan", NULL), 5);
}

static void test_find(void **state)
{
    struct dict *d = *state;
    intern_cstr(d, "alpha", NULL);
    intern_cstr(d, "beta", NULL);
    assert_int_equal(lsc_dict_find(d, "alpha", 5), 0);
    assert_int_equal(lsc_dict_find(d, "beta", 4), 1);
    assert_int_equal(lsc_dict_find(d, "gamma", 5), DICT_NONE);
    /* a prefix or a longer span is a different string */
    assert_int_equal(lsc_dict_find(d, "alpha", 4), DICT_NONE);
    assert_int_equal(lsc_dict_find(d, "alphabet", 8), DICT_NONE);
    /* the length, not a NUL, delimits the key */
    assert_int_equal(lsc_dict_find(d, "betamax", 4), 1);
    assert_int_equal(lsc_dict_size(d), 2);
}

static void test_growth_100k(void **state)
{
    struct dict *d = *state;
    enum { N = 100000 };
    char buf[32];
    for (size_t i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, "level-%zu", i);
        int added = 0;
        assert_int_equal(lsc_dict_intern(d, buf, (size_t)len, &added), i);
        assert_int_equal(added, 1);
    }
    assert_int_equal(lsc_dict_size(d), N);
    for (size_t i = 0; i < N; i++) {
        int len = snprintf(buf, sizeof buf, "level-%zu", i);
        uint32_t id = lsc_dict_find(d, buf, (size_t)len);
        assert_int_equal(id, i);
        assert_string_equal(lsc_dict_str(d, id), buf);
        assert_int_equal(lsc_dict_len(d, id), (size_t)len);
    }
    assert_int_equal(lsc_dict_find(d, "level-100000", 12), DICT_NONE);
}

static void test_embedded_nul(void **state)
{
    struct dict *d = *state;
    static const char a[] = {'x', '\0', 'y'};
    static const char b[] = {'x', '\0', 'z'};
    uint32_t ia = lsc_dict_intern(d, a, sizeof a, NULL);
    uint32_t ib = lsc_dict_intern(d, b, sizeof b, NULL);
    uint32_t ix = lsc_dict_intern(d, "x", 1, NULL);
    assert_int_equal(ia, 0);
    assert_int_equal(ib, 1);
    assert_int_equal(ix, 2);
    assert_int_equal(lsc_dict_len(d, ia), 3);
    assert_memory_equal(lsc_dict_str(d, ia), a, sizeof a);
    assert_int_equal(lsc_dict_str(d, ia)[3], '\0');
    assert_memory_equal(lsc_dict_str(d, ib), b, sizeof b);
    assert_int_equal(lsc_dict_find(d, a, sizeof a), 0);
    assert_int_equal(lsc_dict_find(d, b, sizeof b), 1);
    assert_int_equal(lsc_dict_find(d, "x", 1), 2);
    assert_int_equal(lsc_dict_find(d, "x\0", 2), DICT_NONE);
}

static void test_empty_string(void **state)
{
    struct dict *d = *state;
    int added = 0;
    assert_int_equal(intern_cstr(d, "a", NULL), 0);
    assert_int_equal(lsc_dict_intern(d, "", 0, &added), 1);
    assert_int_equal(added, 1);
    assert_int_equal(lsc_dict_intern(d, "", 0, &added), 1);
    assert_int_equal(added, 0);
    assert_int_equal(lsc_dict_find(d, "", 0), 1);
    assert_int_equal(lsc_dict_find(d, NULL, 0), 1);
    assert_string_equal(lsc_dict_str(d, 1), "");
    assert_int_equal(lsc_dict_len(d, 1), 0);
}

/* Every allocation failure is reported as DICT_NONE (or NULL from
 * lsc_dict_new) and leaves a usable dict that frees without leaks. */
static void test_allocation_failures(void **state)
{
    (void)state;
    int done = 0;
    for (size_t n = 0; !done; n++) {
        struct th_budget b = {n};
        struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&a);
        struct dict *d = lsc_dict_new();
        if (d != NULL) {
            char buf[32];
            size_t i = 0;
            for (; i < 200; i++) {
                int len = snprintf(buf, sizeof buf, "s%zu", i);
                if (lsc_dict_intern(d, buf, (size_t)len, NULL) == DICT_NONE)
                    break;
            }
            /* what was interned is still there */
            for (size_t k = 0; k < i; k++) {
                int len = snprintf(buf, sizeof buf, "s%zu", k);
                assert_int_equal(lsc_dict_find(d, buf, (size_t)len), k);
            }
            assert_int_equal(lsc_dict_size(d), i);
            done = i == 200;
        }
        lsc_dict_free(d);
        lsc_set_allocator(NULL);
    }
}

static void test_free_null(void **state)
{
    (void)state;
    lsc_dict_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_dict, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dense_ids_in_insertion_order, setup, teardown),
        cmocka_unit_test_setup_teardown(test_find, setup, teardown),
        cmocka_unit_test_setup_teardown(test_growth_100k, setup, teardown),
        cmocka_unit_test_setup_teardown(test_embedded_nul, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_string, setup, teardown),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_free_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
