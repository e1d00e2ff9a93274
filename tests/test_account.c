/* account: the one key of account names (trim, inner whitespace collapsed,
 * ASCII letters lowercased) and what it does not fold. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "alloc.h"

static const struct {
    const char *in;
    size_t len; /* 0: strlen(in) */
    const char *key;
} cases[] = {
    {"Acme Corp", 0, "acme corp"},
    {"  ACME   corp ", 0, "acme corp"},
    {"Acme\tCorp", 0, "acme corp"},
    {"\tAcme \r\n\v\f Corp\r\n", 0, "acme corp"},
    {"acme corp", 0, "acme corp"},
    {"", 0, ""},
    {" \t\r\n ", 0, ""},
    {"A", 0, "a"},
    {"O'Brien & Sons, Inc.", 0, "o'brien & sons, inc."},
    /* not folded: letters beyond ASCII, a no-break space, punctuation */
    {"\xC3\x84rzte GmbH", 0, "\xC3\x84rzte gmbh"},
    {"Caf\xC3\xA9", 0, "caf\xC3\xA9"},
    {"Acme\xC2\xA0"
     "Corp",
     0,
     "acme\xC2\xA0"
     "corp"},
    {"Acme Inc.", 0, "acme inc."},
    {"Acme-Corp", 0, "acme-corp"},
    /* bytes after a NUL are part of the name */
    {"Ab\0Cd", 5, "ab\0cd"},
};

static void test_keys(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t len = cases[i].len ? cases[i].len : strlen(cases[i].in);
        size_t want = cases[i].len ? len : strlen(cases[i].key);
        char out[64];
        memset(out, 'x', sizeof out);
        size_t n = lsc_account_key(cases[i].in, len, out);
        assert_int_equal(n, want);
        assert_memory_equal(out, cases[i].key, n);
        assert_int_equal(out[n], '\0');
        /* in place */
        char same[64];
        memcpy(same, cases[i].in, len);
        assert_int_equal(lsc_account_key(same, len, same), n);
        assert_memory_equal(same, cases[i].key, n);
        /* idempotent */
        char again[64];
        assert_int_equal(lsc_account_key(out, n, again), n);
        assert_memory_equal(again, out, n);
    }
}

static void test_key_buf(void **state)
{
    (void)state;
    char *buf = NULL;
    size_t cap = 0, n = 0;
    assert_true(lsc_account_key_buf(&buf, &cap, " Big  Co ", 9, &n));
    assert_int_equal(n, 6);
    assert_string_equal(buf, "big co");
    /* a name longer than the buffer grows it */
    char big[300];
    memset(big, 'Q', sizeof big);
    big[150] = ' ';
    big[151] = ' ';
    assert_true(lsc_account_key_buf(&buf, &cap, big, sizeof big, &n));
    assert_int_equal(n, sizeof big - 1);
    assert_true(cap > n);
    assert_int_equal(buf[0], 'q');
    assert_int_equal(buf[150], ' ');
    assert_int_equal(buf[151], 'q');
    assert_int_equal(buf[n], '\0');
    lsc_free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keys),
        cmocka_unit_test(test_key_buf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
