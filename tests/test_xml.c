/* xml: the five special characters and the control characters in both
 * dialects. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "xml.h"

/* s escaped for dialect, read back into out. */
static const char *escaped(const char *s, size_t len, enum xml_dialect dialect, char *out,
                           size_t size)
{
    FILE *fp = tmpfile();
    assert_non_null(fp);
    lsc_xml_put(fp, s, len, dialect);
    rewind(fp);
    size_t n = fread(out, 1, size - 1, fp);
    out[n] = '\0';
    fclose(fp);
    return out;
}

static void test_specials(void **state)
{
    (void)state;
    char buf[256];
    const char *s = "a&b<c>d\"e'f";
    assert_string_equal(escaped(s, strlen(s), XML_DATA, buf, sizeof buf),
                        "a&amp;b&lt;c&gt;d&quot;e&apos;f");
    assert_string_equal(escaped(s, strlen(s), XML_HTML, buf, sizeof buf),
                        "a&amp;b&lt;c&gt;d&quot;e&#39;f");
    assert_string_equal(escaped("\xc3\xa9t\xc3\xa9", 5, XML_HTML, buf, sizeof buf),
                        "\xc3\xa9t\xc3\xa9"); /* UTF-8 as it is */
}

static void test_controls(void **state)
{
    (void)state;
    char buf[256];
    const char s[] = "a\tb\nc\rd\x01"
                     "e\x7f"
                     "f\0g";
    size_t len = sizeof s - 1;
    assert_string_equal(escaped(s, len, XML_DATA, buf, sizeof buf), "a\tb\nc\rd&#xFFFD;e\x7f"
                                                                    "f&#xFFFD;g");
    assert_string_equal(escaped(s, len, XML_HTML, buf, sizeof buf),
                        "a\tb\nc\\x0Dd\\x01e\\x7Ff\\x00g");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_specials),
        cmocka_unit_test(test_controls),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
