/* libFuzzer harness: the rules sheet (parse and checks), and, when a sheet
 * loads, binding and evaluating it on leads.
 *
 * Input: a rules sheet, optionally followed by a line "%%" and a leads CSV
 * (header and rows). The sheet goes to a temporary file (lsc_rules_load()
 * takes a path; the file is unlinked at start-up and reached through
 * /proc/self/fd); the leads are read from memory with the CSV reader. Rows
 * are evaluated as the scorer does: accounts counted in a first pass when
 * needed, a priority list and an as-of date when needed, then every row
 * evaluated, explained, and every output column formatted. Oracle, besides
 * the sanitizers: lsc_rules_explain() and lsc_rules_column_value() report
 * lengths that fit the sizes the API promises. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "csv_reader.h"
#include "leadscore/rules.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int sheet_fd = -1;
static char sheet_path[64];
static char priority_path[64];

static int temp_fd(char *p, size_t size)
{
    char name[] = "/tmp/lsc_fuzz_rules_XXXXXX";
    int f = mkstemp(name);
    if (f < 0)
        abort();
    unlink(name);
    snprintf(p, size, "/proc/self/fd/%d", f);
    return f;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    static const char list[] = "# priority accounts\nAcme\n\"Globex Corp\"\n\ninitech\n";
    (void)argc;
    (void)argv;
    sheet_fd = temp_fd(sheet_path, sizeof sheet_path);
    int p = temp_fd(priority_path, sizeof priority_path);
    if (write(p, list, sizeof list - 1) != (ssize_t)(sizeof list - 1))
        abort();
    return 0;
}

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_rules: %s\n", what);
        abort();
    }
}

/* Opens the leads part as a CSV reader (ragged rows allowed, like scoring). */
static struct csv_reader *open_leads(const uint8_t *p, size_t n, FILE **fp)
{
    struct csv_reader *r = NULL;
    struct csv_reader_opts opts = {0, 1, 0};
    struct lsc_error err;
    *fp = fmemopen((void *)p, n, "rb");
    if (*fp == NULL)
        return NULL;
    if (lsc_csv_reader_open_stream(&r, *fp, "leads.csv", &opts, &err) != LSC_OK) {
        fclose(*fp);
        *fp = NULL;
    }
    return r;
}

static void evaluate(struct lsc_rules *rules, const uint8_t *p, size_t n)
{
    struct lsc_error err;
    const struct csv_record *rec = NULL;
    struct lsc_rule_result res;
    FILE *fp = NULL;
    struct csv_reader *r = open_leads(p, n, &fp);
    char *buf = NULL, explain[256];
    memset(&res, 0, sizeof res);
    if (r == NULL)
        return;
    if (lsc_csv_reader_next(r, &rec, &err) != LSC_OK || rec == NULL ||
        lsc_rules_bind(rules, rec->nfields, rec->fields, rec->lens, &err) != LSC_OK)
        goto cleanup;
    if (lsc_rules_needs_accounts(rules)) {
        while (lsc_csv_reader_next(r, &rec, &err) == LSC_OK && rec != NULL)
            if (lsc_rules_count_account(rules, rec->nfields, rec->fields, rec->lens, &err) !=
                LSC_OK)
                goto cleanup;
        /* the second pass starts again after the header */
        lsc_csv_reader_free(r);
        fclose(fp);
        r = open_leads(p, n, &fp);
        if (r == NULL || lsc_csv_reader_next(r, &rec, &err) != LSC_OK || rec == NULL)
            goto cleanup;
    }
    if (lsc_rules_needs_priority(rules) &&
        lsc_rules_load_priority(rules, priority_path, &err) != LSC_OK)
        goto cleanup;
    if (lsc_rules_needs_as_of(rules) && lsc_rules_set_as_of(rules, 2026, 11, 20, &err) != LSC_OK)
        goto cleanup;
    if (lsc_rule_result_init(&res, rules) != LSC_OK)
        goto cleanup;
    size_t vmax = lsc_rules_value_max(rules) + 1;
    buf = malloc(vmax);
    if (buf == NULL)
        goto cleanup;
    for (int explain_cols = 0; explain_cols < 2; explain_cols++)
        for (size_t k = 0; k < lsc_rules_n_columns(rules, explain_cols); k++)
            check(lsc_rules_column_name(rules, k) != NULL, "a column without a name");
    while (lsc_csv_reader_next(r, &rec, &err) == LSC_OK && rec != NULL) {
        if (lsc_rules_eval(rules, rec->nfields, rec->fields, rec->lens, &res, &err) != LSC_OK)
            continue;
        size_t need = lsc_rules_explain(&res, explain, sizeof explain);
        check(strlen(explain) == (need < sizeof explain ? need : sizeof explain - 1),
              "lsc_rules_explain: length");
        for (size_t k = 0; k < lsc_rules_n_columns(rules, 0); k++) {
            size_t len = lsc_rules_column_value(rules, &res, k, buf, vmax);
            check(len < vmax, "lsc_rules_column_value: longer than lsc_rules_value_max()");
        }
    }
cleanup:
    lsc_rule_result_fini(&res);
    free(buf);
    lsc_csv_reader_free(r);
    if (fp != NULL)
        fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char sep[] = "\n%%\n";
    struct lsc_rules *rules = NULL;
    struct lsc_error err;
    size_t sheet = size, leads = size;
    for (size_t i = 0; i + sizeof sep - 1 <= size; i++)
        if (memcmp(data + i, sep, sizeof sep - 1) == 0) {
            sheet = i + 1; /* keep the sheet's last newline */
            leads = i + sizeof sep - 1;
            break;
        }
    if (ftruncate(sheet_fd, 0) != 0 ||
        (sheet > 0 && pwrite(sheet_fd, data, sheet, 0) != (ssize_t)sheet))
        abort();
    if (lsc_rules_load(sheet_path, &rules, &err) != LSC_OK) {
        check(rules == NULL, "a failed load handed out rules");
        return 0;
    }
    for (size_t k = 0; k < lsc_rules_n_dimensions(rules); k++)
        check(lsc_rules_dimension_name(rules, k) != NULL, "a dimension without a name");
    if (leads < size)
        evaluate(rules, data + leads, size - leads);
    lsc_rules_free(rules);
    return 0;
}
