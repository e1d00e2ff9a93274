/* derive: day numbers and "days since", account counts, the derived
 * columns the loader appends (values, missing, errors) and their round trip
 * through the model file. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "alloc.h"
#include "dataset.h"
#include "derive.h"
#include "leadscore.h"
#include "model_def.h"
#include "test_helpers.h"

static void test_days(void **state)
{
    (void)state;
    double x = 0.0;
    long asof = lsc_derive_day_number(2027, 1, 1);
    assert_int_equal(lsc_derive_day_number(1970, 1, 1), 0);
    assert_int_equal(lsc_derive_day_number(2000, 3, 1) - lsc_derive_day_number(2000, 2, 28), 2);
    assert_int_equal(lsc_derive_day_number(1900, 3, 1) - lsc_derive_day_number(1900, 2, 28), 1);
    assert_int_equal(lsc_derive_days_since("2026-12-31", 10, asof, &x), 1);
    assert_double_equal(x, 1.0, 0.0);
    assert_int_equal(lsc_derive_days_since("2026-01-01T12:30:00", 19, asof, &x), 1);
    assert_double_equal(x, 365.0, 0.0);
    assert_int_equal(lsc_derive_days_since("2027-01-11 08:00", 16, asof, &x), 1);
    assert_double_equal(x, -10.0, 0.0); /* a date after as_of: negative */
    assert_int_equal(lsc_derive_days_since("2026-13-01", 10, asof, &x), 0);
    assert_int_equal(lsc_derive_days_since("2026-02-29", 10, asof, &x), 0);
    assert_int_equal(lsc_derive_days_since("31/12/2026", 10, asof, &x), 0);
    assert_int_equal(lsc_derive_days_since("", 0, asof, &x), 0);
    /* --date-format (issue 14) */
    assert_int_equal(lsc_derive_days_since_fmt("31/12/2026", 10, "%d/%m/%Y", asof, &x), 1);
    assert_int_equal(lsc_derive_days_since_fmt("2026-12-31", 10, "%d/%m/%Y", asof, &x), 1);
    assert_int_equal(lsc_derive_days_since_fmt("12/31/2026", 10, "%d/%m/%Y", asof, &x), 0);
}

static void test_counts(void **state)
{
    (void)state;
    struct derive_counts c;
    memset(&c, 0, sizeof c);
    assert_int_equal(lsc_derive_counts_get(&c, "a", 1), 0);
    for (int i = 0; i < 3000; i++) {
        char k[16];
        int n = snprintf(k, sizeof k, "acct%d", i % 1500);
        assert_int_equal(lsc_derive_counts_add(&c, k, (size_t)n, NULL, NULL), LSC_OK);
    }
    assert_int_equal(lsc_derive_counts_add(&c, "Acme", 4, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_derive_counts_get(&c, "acct7", 5), 2);
    assert_int_equal(lsc_derive_counts_get(&c, "acct1499", 8), 2);
    assert_int_equal(lsc_derive_counts_get(&c, "Acme", 4), 1);
    assert_int_equal(lsc_derive_counts_get(&c, "acme", 4), 0); /* exact match */
    lsc_derive_counts_fini(&c);
}

static const char csv[] = "id,created,company,x,y\n"
                          "1,2026-12-31,Acme,1,1\n"
                          "2,2026-12-01,Acme,2,0\n"
                          "3,,Beta,3,1\n"
                          "4,2026-01-01,,4,0\n"
                          "5,2026-06-30,Acme,5,\n" /* no target: skipped, still an Acme lead */
                          "6,NA,Beta,6,0\n";

static void options(struct lsc_train_options *o, const char *path)
{
    static const char *const days[] = {"created"};
    static const char *const id[] = {"id"};
    lsc_train_options_defaults(o);
    o->input = path;
    o->target = "y";
    o->ids.items = id;
    o->ids.count = 1;
    o->days_since.items = days;
    o->days_since.count = 1;
    o->account_column = "company";
    o->as_of = "2027-01-01";
}

static void test_loader(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    struct dataset *ds = NULL;
    char *path = th_write_temp("d.csv", csv);
    options(&o, path);
    assert_int_equal(lsc_dataset_load(&ds, &o, NULL, &err), LSC_OK);
    assert_int_equal(ds->n_rows, 5);
    const struct ds_column *d = &ds->cols[ds->n_cols - 2], *a = &ds->cols[ds->n_cols - 1];
    assert_string_equal(d->name, "days since created");
    assert_int_equal(d->derived, DERIVE_DAYS_SINCE);
    assert_string_equal(d->source, "created");
    assert_int_equal(d->role, DS_FEATURE);
    assert_int_equal(d->n_missing, 2);
    const double want_days[] = {1, 31, NAN, 365, NAN};
    for (size_t i = 0; i < 5; i++) {
        if (isnan(want_days[i]))
            assert_true(isnan(lsc_ds_value(d, i)));
        else
            assert_double_equal(lsc_ds_value(d, i), want_days[i], 0.0);
    }
    assert_string_equal(a->name, "leads per account (company)");
    assert_int_equal(a->derived, DERIVE_ACCOUNT);
    const double want_acct[] = {3, 3, 2, 1, 2}; /* Acme x3 incl. the skipped row */
    for (size_t i = 0; i < 5; i++)
        assert_double_equal(lsc_ds_value(a, i), want_acct[i], 0.0);
    /* the sources are not features themselves */
    for (size_t j = 0; j + 2 < ds->n_cols; j++)
        if (strcmp(ds->cols[j].name, "created") == 0 || strcmp(ds->cols[j].name, "company") == 0)
            assert_int_equal(ds->cols[j].role, DS_EXCLUDED);
    lsc_dataset_free(ds);
    th_remove_temp(path);
}

/* Account names meet by their account key (account.h), as in the rules
 * engine: trimmed, inner whitespace collapsed, ASCII case folded; other
 * differences keep accounts apart. */
static void test_loader_account_key(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    struct dataset *ds = NULL;
    char *path = th_write_temp("k.csv", "id,created,company,x,y\n"
                                        "1,2026-12-31,Acme Corp,1,1\n"
                                        "2,2026-12-01,  ACME   corp ,2,0\n"
                                        "3,2026-12-01,\"acme\tCorp\",3,1\n"
                                        "4,2026-12-01,Acme-Corp,4,0\n"
                                        "5,2026-12-01,\xC3\x84rzte,5,1\n"
                                        "6,2026-12-01,\xC3\xA4rzte,6,0\n");
    options(&o, path);
    assert_int_equal(lsc_dataset_load(&ds, &o, NULL, &err), LSC_OK);
    const struct ds_column *a = &ds->cols[ds->n_cols - 1];
    assert_string_equal(a->name, "leads per account (company)");
    const double want[] = {3, 3, 3, 1, 1, 1};
    for (size_t i = 0; i < 6; i++)
        assert_double_equal(lsc_ds_value(a, i), want[i], 0.0);
    lsc_dataset_free(ds);
    th_remove_temp(path);
}

static void test_loader_errors(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_error err;
    struct dataset *ds = NULL;
    char *path = th_write_temp("bad.csv", "id,created,company,x,y\n"
                                          "1,2026-12-31,Acme,1,1\n"
                                          "2,31.12.2026,Acme,2,0\n");
    options(&o, path);
    assert_int_equal(lsc_dataset_load(&ds, &o, NULL, &err), LSC_ERR_DATA);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 2);
    assert_non_null(strstr(err.message, "\"31.12.2026\" is not a date"));
    static const char *const nope[] = {"nope"};
    o.days_since.items = nope;
    assert_int_equal(lsc_dataset_load(&ds, &o, NULL, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "unknown column \"nope\" in --days-since"));
    o.days_since.count = 0;
    o.as_of = NULL;
    o.account_column = "y";
    assert_int_equal(lsc_dataset_load(&ds, &o, NULL, &err), LSC_ERR_USAGE);
    assert_non_null(strstr(err.message, "is the target"));
    th_remove_temp(path);
}

/* A trained model with derived columns: the columns say so, and the file
 * round-trips byte for byte. */
/* --account-reference left at its default: the leads' ids on a file, the
 * counts only inside PostgreSQL (the ids are row data there); an explicit
 * choice stands on both paths. */
static void test_account_mode(void **state)
{
    (void)state;
    struct lsc_train_options o;
    lsc_train_options_defaults(&o);
    assert_int_equal(o.account_reference, LSC_ACCOUNT_REF_DEFAULT);
    assert_int_equal(lsc_derive_account_mode(&o), LSC_ACCOUNT_REF_IDS);
    o.postgres = "host=/nonexistent";
    assert_int_equal(lsc_derive_account_mode(&o), LSC_ACCOUNT_REF_COUNTS);
    o.account_reference = LSC_ACCOUNT_REF_NONE;
    assert_int_equal(lsc_derive_account_mode(&o), LSC_ACCOUNT_REF_NONE);
    o.postgres = NULL;
    o.account_reference = LSC_ACCOUNT_REF_COUNTS;
    assert_int_equal(lsc_derive_account_mode(&o), LSC_ACCOUNT_REF_COUNTS);
}

static void test_model_round_trip(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_error err;
    struct lsc_model *m = NULL, *back = NULL;
    static const char *const days[] = {"Created Date", "Last Activity Date"};
    static const char *const excl[] = {"Email", "Job Title"};
    lsc_train_options_defaults(&o);
    o.input = LSC_SOURCE_DIR "/datasets/sample_leads.csv";
    o.target = "Converted";
    o.exclude.items = excl;
    o.exclude.count = 2;
    o.days_since.items = days;
    o.days_since.count = 2;
    o.account_column = "Company";
    o.as_of = "2027-01-01";
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_OK);
    size_t found = 0;
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived) {
            found++;
            assert_int_equal(m->columns[j].type, LSC_COL_NUMERIC);
            assert_non_null(m->columns[j].source);
        }
    assert_int_equal(found, 3);
    char *p1 = th_write_temp("m.json", ""), *p2 = th_write_temp("m2.json", "");
    assert_int_equal(lsc_model_save(m, p1, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(p1, &back, &err), LSC_OK);
    assert_int_equal(lsc_model_save(back, p2, 1, &err), LSC_OK);
    char *t1 = lsc_model_to_json(m), *t2 = lsc_model_to_json(back);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\"kind\": \"account_leads\""));
    assert_non_null(strstr(t1, "\"as_of\": \"2027-01-01\""));
    free(t1);
    free(t2);
    th_remove_temp(p1);
    th_remove_temp(p2);
    lsc_model_free(back);
    lsc_model_free(m);
}

/* The model keeps the training file's accounts ("accounts"): counts by
 * account key and the leads' ids; it round-trips, and a damaged member is
 * refused naming what is wrong. */
static void test_reference(void **state)
{
    (void)state;
    struct lsc_train_options o;
    struct lsc_train_summary sum;
    struct lsc_error err;
    struct lsc_model *m = NULL, *back = NULL;
    char *path = th_write_temp("r.csv", "id,created,company,x,y\n"
                                        "1,2026-12-31,Acme,1,1\n"
                                        "2,2026-12-01, ACME ,2,0\n"
                                        "3,2026-12-01,Beta,3,1\n"
                                        "4,2026-12-01,,4,0\n"
                                        "5,2026-12-01,acme,5,\n"
                                        "NA,2026-12-01,Beta,6,0\n"
                                        "7,2026-12-01,Gamma,7,1\n"
                                        "8,2026-12-01,Gamma,8,0\n");
    options(&o, path);
    o.force = 1;
    o.holdout = 0.0;
    assert_int_equal(lsc_train(&o, NULL, &m, &sum, &err), LSC_OK);
    assert_non_null(m->accounts);
    assert_int_equal(lsc_accounts_size(m->accounts), 3);
    assert_int_equal(m->accounts->total, 7);
    assert_int_equal(lsc_accounts_count(m->accounts, "acme", 4), 3); /* the skipped row too */
    assert_int_equal(lsc_accounts_count(m->accounts, "beta", 4), 2);
    assert_int_equal(lsc_dict_size(m->accounts->leads), 6); /* NA is no id */
    assert_string_equal(m->accounts->id_column, "id");
    char *buf = NULL;
    size_t cap = 0;
    uint32_t acme = lsc_accounts_find(m->accounts, "acme", 4);
    assert_int_equal(lsc_accounts_has_lead(m->accounts, acme, "5", 1, &buf, &cap), 1);
    assert_int_equal(lsc_accounts_has_lead(m->accounts, acme, "3", 1, &buf, &cap), 0);
    lsc_free(buf);
    char *p1 = th_write_temp("rm.json", "");
    assert_int_equal(lsc_model_save(m, p1, 1, &err), LSC_OK);
    assert_int_equal(lsc_model_load(p1, &back, &err), LSC_OK);
    char *t1 = lsc_model_to_json(m), *t2 = lsc_model_to_json(back);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "\"counts\": {\n      \"acme\": 3,\n      \"beta\": 2,"));
    assert_non_null(strstr(t1, "\"acme\": [\n        \"1\",\n        \"2\",\n        \"5\"\n"));
    lsc_model_free(back);
    back = NULL;
    /* damaged members: the structural check names them before the checksum */
    static const struct {
        const char *from, *to, *message;
    } bad[] = {
        {"\"acme\": 3,", "\"Acme\": 3,", "\"Acme\" is not an account key"},
        {"\"acme\": 3,", "\"acme\": 0,",
         "accounts.counts.\"acme\": expected a number of leads >= 1"},
        {"\"leads\": 7,", "\"leads\": 8,", "accounts.leads: expected the sum of accounts.counts"},
        {"\"accounts\": 3,", "\"accounts\": 4,", "accounts.accounts: expected the number"},
        {"\"column\": \"company\",", "\"column\": \"x\",", "accounts.column: not the source"},
        {"\"5\"\n", "\"1\"\n", "accounts.ids.\"acme\": an id is listed twice"},
        {"\"id_column\": \"id\",", "\"id_column\": 7,", "accounts.id_column: expected a column"},
    };
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++) {
        char *at = strstr(t1, bad[k].from);
        assert_non_null(at);
        size_t head = (size_t)(at - t1), from = strlen(bad[k].from), to = strlen(bad[k].to);
        char *text = malloc(strlen(t1) + to + 1);
        memcpy(text, t1, head);
        memcpy(text + head, bad[k].to, to);
        strcpy(text + head + to, at + from);
        char *p2 = th_write_temp("bad.json", text);
        assert_int_equal(lsc_model_load(p2, &back, &err), LSC_ERR_MODEL);
        if (strstr(err.message, bad[k].message) == NULL)
            print_error("case %zu: %s\n", k, err.message);
        assert_non_null(strstr(err.message, bad[k].message));
        assert_null(back);
        th_remove_temp(p2);
        free(text);
    }
    free(t1);
    free(t2);
    th_remove_temp(p1);
    th_remove_temp(path);
    lsc_model_free(m);
}

/* Every allocation of a train with derived features and a baseline, and of
 * a score with drift and its JSON report, can fail: the call then reports
 * LSC_ERR_NOMEM, hands out nothing and leaks nothing (cmocka's allocator
 * checks at the end of the test). */
static void test_allocation_failures(void **state)
{
    (void)state;
    struct th_budget b = {SIZE_MAX};
    struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
    struct lsc_train_options o;
    struct lsc_score_options so;
    struct lsc_train_summary sum;
    struct lsc_score_summary ssum;
    struct lsc_error err;
    struct lsc_model *old = NULL, *m = NULL;
    static const char *const cat[] = {"source"};
    char text[4096];
    size_t used = (size_t)snprintf(text, sizeof text, "id,created,company,source,converted\n");
    for (int i = 0; i < 40; i++)
        used += (size_t)snprintf(text + used, sizeof text - used, "L%d,2026-%02d-%02d,%s,%s,%d\n",
                                 i, 1 + i % 12, 1 + (i * 7) % 28,
                                 i % 5 == 0 ? "" : (i % 3 ? "Acme" : "Beta"),
                                 i % 4 ? "web" : "email", (i * 7 + 3) % 5 < 2);
    char *path = th_write_temp("leads.csv", text);
    char *out = th_write_temp("scores.csv", ""), *drift = th_write_temp("drift.json", "");
    options(&o, path);
    o.target = "converted";
    o.categorical.items = cat;
    o.categorical.count = 1;
    o.min_level_count = 3;
    o.force = 1; /* 40 rows are too few without it */
    lsc_set_allocator(&a);
    assert_int_equal(lsc_train(&o, NULL, &old, &sum, &err), LSC_OK);
    o.baseline = old;
    o.baseline_file = "old.json";
    lsc_score_options_defaults(&so);
    so.input = path;
    so.output = out;
    so.drift_json = drift;
    so.force = 1;
    so.as_of_year = 2027;
    so.as_of_month = 1;
    so.as_of_day = 1;
    size_t failures = 0;
    for (size_t n = 0;; n++) {
        b.left = n;
        enum lsc_status st = lsc_train(&o, NULL, &m, &sum, &err);
        if (st == LSC_OK) {
            st = lsc_score(m, &so, NULL, &ssum, &err);
            lsc_score_summary_fini(&ssum);
            lsc_model_free(m);
            m = NULL;
            if (st == LSC_OK)
                break;
        }
        assert_null(m);
        if (st != LSC_ERR_NOMEM)
            print_error("allocation %zu: %s\n", n, err.message);
        assert_int_equal(st, LSC_ERR_NOMEM);
        failures++;
    }
    assert_true(failures > 100);
    b.left = SIZE_MAX;
    lsc_model_free(old);
    lsc_set_allocator(NULL);
    th_remove_temp(path);
    th_remove_temp(out);
    th_remove_temp(drift);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_days),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_loader),
        cmocka_unit_test(test_loader_account_key),
        cmocka_unit_test(test_reference),
        cmocka_unit_test(test_loader_errors),
        cmocka_unit_test(test_account_mode),
        cmocka_unit_test(test_model_round_trip),
        cmocka_unit_test(test_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
