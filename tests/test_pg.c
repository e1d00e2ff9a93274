/* src/io/pg.c: a connection string is shown with every password as ***;
 * a connection that fails names the redacted string, never the password. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>

#include "leadscore/pg.h"

struct redaction {
    const char *conninfo, *shown;
};

static const struct redaction cases[] = {
    {"host=db port=5432 dbname=crm", "host=db port=5432 dbname=crm"},
    {"host=db password=secret user=u", "host=db password=*** user=u"},
    {"host=db PASSWORD = secret user=u", "host=db PASSWORD = *** user=u"},
    {"password='se cr\\'et' host=db", "password=*** host=db"},
    {"password=se\\ cret host=db", "password=*** host=db"},
    {"sslpassword=secret sslkey=k", "sslpassword=*** sslkey=k"},
    {"passfile=/home/u/.pgpass host=db", "passfile=/home/u/.pgpass host=db"},
    {"host=db password=", "host=db password=***"},
    /* a fault: the rest is not shown */
    {"host=db password secret", "host=db ***"},
    {"host=db password='secret", "host=db password=***"},
    {"postgresql://u:secret@db:5432/crm", "postgresql://u:***@db:5432/crm"},
    {"postgres://u:secret@db/crm?sslmode=require&password=secret2",
     "postgres://u:***@db/crm?sslmode=require&password=***"},
    {"postgresql://u@db/crm?password=secret", "postgresql://u@db/crm?password=***"},
    {"postgresql://db/crm?application_name=x", "postgresql://db/crm?application_name=x"},
    {"postgresql://u:p@ss@db/crm", "postgresql://u:***@db/crm"},
    {"", ""},
};

static void test_redact_table(void **state)
{
    (void)state;
    char out[256];
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        lsc_pg_redact(cases[k].conninfo, out, sizeof out);
        assert_string_equal(out, cases[k].shown);
        assert_null(strstr(out, "secret"));
    }
}

static void test_redact_cut_and_control(void **state)
{
    (void)state;
    char out[24];
    lsc_pg_redact("host=averyveryverylonghostname password=secret", out, sizeof out);
    assert_null(strstr(out, "secret"));
    assert_true(strlen(out) < sizeof out);
    char out2[64];
    lsc_pg_redact("host=a\nb password=secret", out2, sizeof out2);
    assert_non_null(strstr(out2, "\\x0A"));
    assert_null(strstr(out2, "secret"));
}

/* Nothing listens on port 1: the message names the redacted string. */
static void test_connect_fails_without_password(void **state)
{
    (void)state;
    struct lsc_pg *pg = NULL;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_pg_connect("host=127.0.0.1 port=1 connect_timeout=5 user=u "
                                    "password=secret dbname=d",
                                    &pg, &err),
                     LSC_ERR_IO);
    assert_null(pg);
    assert_non_null(strstr(err.message, "PostgreSQL: connecting to \"host=127.0.0.1 port=1"));
    assert_non_null(strstr(err.message, "password=***"));
    assert_null(strstr(err.message, "secret"));
}

/* A password that libpq's own message happens to hold is cut out of it
 * ("Connection refused"). */
static void test_connect_message_scrubbed(void **state)
{
    (void)state;
    struct lsc_pg *pg = NULL;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_pg_connect("host=127.0.0.1 port=1 connect_timeout=5 password=refused", &pg,
                                    &err),
                     LSC_ERR_IO);
    assert_null(strstr(err.message, "refused"));
    assert_non_null(strstr(err.message, "Connection ***"));
}

/* libpq quotes the faulty part of a malformed string: not shown. */
static void test_connect_malformed(void **state)
{
    (void)state;
    struct lsc_pg *pg = NULL;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_pg_connect("host=db password secret", &pg, &err), LSC_ERR_USAGE);
    assert_null(pg);
    assert_null(strstr(err.message, "secret"));
    assert_non_null(strstr(err.message, "malformed"));
    lsc_error_clear(&err);
    assert_int_equal(lsc_pg_connect("host=db nosuchoption=1", &pg, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "nosuchoption"));
    lsc_pg_free(NULL);
}

static void test_table_names(void **state)
{
    (void)state;
    struct lsc_error err;
    const char *good[] = {"scores", "crm.scores", "odd \"name\"", "Großes Ergebnis"};
    const char *bad[] = {"", ".scores", "crm.", "a.b.c", "x\ny", "tab\there"};
    for (size_t k = 0; k < sizeof good / sizeof good[0]; k++)
        assert_int_equal(lsc_pg_check_table_name(good[k], &err), LSC_OK);
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        lsc_error_clear(&err);
        assert_int_equal(lsc_pg_check_table_name(bad[k], &err), LSC_ERR_USAGE);
        assert_non_null(strstr(err.message, "--into: "));
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_redact_table),
        cmocka_unit_test(test_redact_cut_and_control),
        cmocka_unit_test(test_connect_fails_without_password),
        cmocka_unit_test(test_connect_message_scrubbed),
        cmocka_unit_test(test_connect_malformed),
        cmocka_unit_test(test_table_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
