/* emit: the model as SQL and PMML (src/emit_sql.c, src/emit_pmml.c).
 * The numbers themselves are checked against real databases and an
 * independent PMML evaluator by tests/cli/sql_*.sh and tests/cli/pmml.sh;
 * here: dialect names, quoting, usage errors, never replacing a file, and
 * every allocation failing cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "leadscore.h"

struct fixture {
    char *csv;
    char out[256];
    struct lsc_model *model;
};

/* 40 leads: a categorical column with a quote in a level, a numeric one
 * with missing values, a column name with a double quote. */
static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    char text[8192];
    size_t used = 0;
    static const char *const src[] = {"Web", "O'Brien \"Ads\"", "Referral", "NA"};
    used += (size_t)snprintf(text, sizeof text, "id,Source,\"Visits \"\"total\"\"\",won\n");
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "L%02d,\"%s\",%s,%d\n", i,
                                 i % 4 == 1 ? "O'Brien \"\"Ads\"\"" : src[i % 4],
                                 i % 5 == 0 ? "" : (i % 3 ? "4" : "1.5"), (i * 7) % 3 == 0);
    assert_non_null(f);
    f->csv = th_write_temp("leads.csv", text);
    assert_non_null(f->csv);
    snprintf(f->out, sizeof f->out, "%s.out", f->csv);
    struct lsc_train_options to;
    struct lsc_train_summary sum;
    struct lsc_error err;
    lsc_train_options_defaults(&to);
    to.input = f->csv;
    to.target = "won";
    to.ids.items = (const char *const[]){"id"};
    to.ids.count = 1;
    to.min_level_count = 3;
    to.holdout = 0.0;
    to.force = 1;
    assert_int_equal(lsc_train(&to, NULL, &f->model, &sum, &err), LSC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    unlink(f->out);
    th_remove_temp(f->csv);
    lsc_model_free(f->model);
    free(f);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    buf[n] = '\0';
    return buf;
}

static void test_dialects(void **state)
{
    (void)state;
    static const struct {
        const char *name;
        int ok;
        enum lsc_sql_dialect d;
    } cases[] = {{"postgres", 1, LSC_SQL_POSTGRES}, {"PostgreSQL", 1, LSC_SQL_POSTGRES},
                 {"duckdb", 1, LSC_SQL_DUCKDB},     {"DuckDB", 1, LSC_SQL_DUCKDB},
                 {"duck", 0, LSC_SQL_POSTGRES},     {"sqlite", 1, LSC_SQL_SQLITE},
                 {"SQLite3", 1, LSC_SQL_SQLITE},    {"oracle", 0, LSC_SQL_POSTGRES},
                 {"", 0, LSC_SQL_POSTGRES},         {"postgresq", 0, LSC_SQL_POSTGRES},
                 {"sqlite33", 0, LSC_SQL_POSTGRES}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        enum lsc_sql_dialect d = LSC_SQL_POSTGRES;
        assert_int_equal(lsc_sql_dialect_parse(cases[i].name, &d), cases[i].ok);
        if (cases[i].ok)
            assert_int_equal(d, cases[i].d);
    }
}

static void test_sql_quoting(void **state)
{
    struct fixture *f = *state;
    struct lsc_emit_sql_options o;
    struct lsc_error err;
    lsc_emit_sql_options_defaults(&o);
    o.table = "crm.lead\"s";
    o.output = f->out;
    o.force = 1;
    /* per dialect: a mark of its own, and one of another that must not be
     * there (DuckDB has no btrim; its 1.5 would be a DECIMAL) */
    static const struct {
        enum lsc_sql_dialect d;
        const char *has, *lacks;
    } dialect[] = {{LSC_SQL_POSTGRES, "DOUBLE PRECISION", "GLOB"},
                   {LSC_SQL_SQLITE, "GLOB", "btrim("},
                   {LSC_SQL_DUCKDB, "regexp_matches(v_", "btrim("},
                   {LSC_SQL_DUCKDB, "trim(CAST(", "DOUBLE PRECISION"}};
    for (size_t d = 0; d < sizeof dialect / sizeof dialect[0]; d++) {
        o.dialect = dialect[d].d;
        assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_OK);
        const char *sql = slurp(f->out);
        assert_non_null(strstr(sql, "FROM \"crm\".\"lead\"\"s\""));
        assert_non_null(strstr(sql, "\"Visits \"\"total\"\"\""));
        assert_non_null(strstr(sql, "'O''Brien \"Ads\"'"));
        assert_non_null(strstr(sql, "\"id\" AS id_1"));
        assert_non_null(strstr(sql, "AS tier"));
        assert_non_null(strstr(sql, dialect[d].has));
        assert_null(strstr(sql, dialect[d].lacks));
    }
    /* DuckDB's numbers are DOUBLE literals: an exponent on each */
    assert_non_null(strstr(slurp(f->out), "WHEN eta > 700 THEN 1e0"));
    /* usage errors; an existing file is kept without force */
    o.table = "";
    assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_ERR_USAGE);
    const char *bad_tables[] = {"t\nDROP TABLE x; --", "a.b.c", ".t", "s.", "t\x1b[31m"};
    for (size_t k = 0; k < sizeof bad_tables / sizeof bad_tables[0]; k++) {
        o.table = bad_tables[k];
        assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_ERR_USAGE);
    }
    o.table = "t";
    o.tiers_set = 1;
    o.tier_hot = 30;
    o.tier_warm = 40;
    assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_ERR_USAGE);
    o.tiers_set = 0;
    o.force = 0;
    assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_ERR_EXISTS);
    assert_int_equal(lsc_emit_pmml(f->model, f->out, 0, &err), LSC_ERR_EXISTS);
    assert_int_equal(lsc_emit_pmml(f->model, f->out, 1, &err), LSC_OK);
    const char *xml = slurp(f->out);
    assert_non_null(strstr(xml, "<Value value=\"O&apos;Brien &quot;Ads&quot;\"/>"));
    assert_non_null(strstr(xml, "normalizationMethod=\"logit\""));
    assert_non_null(strstr(xml, "<Value value=\"NA\" property=\"missing\"/>"));
}

/* The missing-value tokens: the model's unless the caller gives others
 * (as --baseline inside PostgreSQL reads the old model with this run's). */
static void test_na_values_override(void **state)
{
    struct fixture *f = *state;
    struct lsc_emit_sql_options o;
    struct lsc_error err;
    static const char *const select[] = {"Select"};
    const struct lsc_strings mine = {select, 1};
    lsc_emit_sql_options_defaults(&o);
    o.table = "leads";
    o.output = f->out;
    o.force = 1;
    assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_OK);
    assert_null(strstr(slurp(f->out), "'Select'"));
    o.na_values = &mine;
    assert_int_equal(lsc_emit_sql(f->model, &o, &err), LSC_OK);
    assert_non_null(strstr(slurp(f->out), "'NULL', 'null', 'Select'))"));
}

/* Fails the first, second, ... allocation until a run succeeds: each failed
 * run returns LSC_ERR_NOMEM, leaks nothing (cmocka's allocator checks) and
 * leaves no file. */
static void test_allocation_failures(void **state)
{
    struct fixture *f = *state;
    for (int pmml = 0; pmml < 2; pmml++) {
        int done = 0;
        for (size_t n = 0; n < 100 && !done; n++) {
            struct lsc_emit_sql_options o;
            struct lsc_error err;
            unlink(f->out);
            lsc_emit_sql_options_defaults(&o);
            o.table = "leads";
            o.output = f->out;
            struct th_budget b = {n};
            struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
            lsc_set_allocator(&a);
            enum lsc_status st =
                pmml ? lsc_emit_pmml(f->model, f->out, 0, &err) : lsc_emit_sql(f->model, &o, &err);
            lsc_set_allocator(NULL);
            if (st == LSC_OK) {
                done = 1;
                assert_int_equal(access(f->out, F_OK), 0);
            } else {
                assert_int_equal(st, LSC_ERR_NOMEM);
                assert_int_not_equal(access(f->out, F_OK), 0);
            }
        }
        assert_true(done);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dialects),
        cmocka_unit_test_setup_teardown(test_sql_quoting, setup, teardown),
        cmocka_unit_test_setup_teardown(test_na_values_override, setup, teardown),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
