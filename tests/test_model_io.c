#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alloc.h"
#include "leadscore/alloc.h"
#include "leadscore/model.h"
#include "model_def.h"
#include "validation.h"
#include "sha256.h"

#define SHA "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

struct fixture {
    char dir[64];
    char path[128]; /* dir/model.json */
};

/* ---- helpers ----------------------------------------------------------------- */

static char **strings(size_t n, ...)
{
    va_list ap;
    char **v = lsc_calloc(n ? n : 1, sizeof *v);
    assert_non_null(v);
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        v[i] = lsc_strdup(va_arg(ap, const char *));
        assert_non_null(v[i]);
    }
    va_end(ap);
    return v;
}

static char *xdup(const char *s)
{
    char *d = lsc_strdup(s);
    assert_non_null(d);
    return d;
}

/* variant 0: holdout with a NaN precision, categorical with "(other)";
 * variant 1: no holdout, categorical with "(missing)", no missing indicator */
static struct lsc_model *make_model(int variant)
{
    struct lsc_model *m = lsc_model_new();
    assert_non_null(m);
    m->created = xdup("2024-05-01T12:00:00Z");
    m->tool_version = xdup("0.1.0");
    m->training_file = xdup("leads \"2024\".csv");
    m->training_sha256 = xdup(SHA);
    m->rows_read = 1000;
    m->rows_used = 990;
    m->rows_skipped = 10;
    m->positives = 123;
    m->options = json_object();
    assert_non_null(m->options);
    assert_int_equal(json_object_set_new(m->options, "l2", json_real(1.0)), 0);
    assert_int_equal(json_object_set_new(m->options, "holdout", json_real(0.2)), 0);
    assert_int_equal(json_object_set_new(m->options, "seed", json_integer(42)), 0);
    assert_int_equal(json_object_set_new(m->options, "na_values", json_pack("[s]", "Select")), 0);
    assert_int_equal(
        json_object_set_new(m->options, "note", json_string("caf\xc3\xa9 \xe2\x82\xac")), 0);
    m->target = xdup("Converted");
    m->n_positive_values = 1;
    m->positive_values = strings(1, "yes");
    m->n_ids = 2;
    m->ids = strings(2, "Lead ID", "Email");
    m->n_na_values = 1;
    m->na_values = strings(1, "Select");

    m->n_columns = 2;
    m->columns = lsc_calloc(2, sizeof *m->columns);
    assert_non_null(m->columns);
    struct lsc_column_enc *num = &m->columns[0], *cat = &m->columns[1];
    num->name = xdup("Total Time");
    num->type = LSC_COL_NUMERIC;
    num->median = 0.1;
    num->mean = 1 / 3.;
    num->sd = 123456789.123456789;
    num->feature = 1;
    num->missing_feature = variant == 0 ? 2 : LSC_NO_FEATURE;

    size_t f = variant == 0 ? 3 : 2;
    cat->name = xdup("Lead Source");
    cat->type = LSC_COL_CATEGORICAL;
    cat->n_levels = 3;
    cat->levels =
        strings(3, "Google", "Direct \xc3\xa9", variant == 0 ? LSC_LEVEL_OTHER : LSC_LEVEL_MISSING);
    cat->level_feature = lsc_calloc(3, sizeof *cat->level_feature);
    cat->level_count = lsc_calloc(3, sizeof *cat->level_count);
    assert_non_null(cat->level_feature);
    assert_non_null(cat->level_count);
    cat->level_feature[0] = LSC_NO_FEATURE;
    cat->level_feature[1] = f;
    cat->level_feature[2] = f + 1;
    cat->level_count[0] = 500;
    cat->level_count[1] = 300;
    cat->level_count[2] = 190;
    cat->training_count_total = 990;
    cat->reference = 0;
    cat->other = variant == 0 ? 2 : SIZE_MAX;
    cat->missing = variant == 0 ? SIZE_MAX : 2;

    m->n_features = f + 2;
    if (variant == 0)
        m->feature_names = strings(5, "(intercept)", "Total Time", "Total Time=(missing)",
                                   "Lead Source=Direct \xc3\xa9", "Lead Source=(other)");
    else
        m->feature_names = strings(4, "(intercept)", "Total Time", "Lead Source=Direct \xc3\xa9",
                                   "Lead Source=(missing)");
    m->coef = lsc_calloc(m->n_features, sizeof *m->coef);
    assert_non_null(m->coef);
    static const double coef[] = {-1e-300, 0.1, 1 / 3., 123456789.123456789, -2.5};
    for (size_t i = 0; i < m->n_features; i++)
        m->coef[i] = coef[i];

    m->l2 = 1.0;
    m->iterations = 7;
    m->converged = 1;
    m->objective = 512.25 / 3.;
    m->refit = variant == 0;
    if (variant == 0) {
        m->holdout.present = 1;
        m->holdout.rows = 200;
        m->holdout.positives = 25;
        m->holdout.auc = 0.8123;
        m->holdout.log_loss = 0.4;
        m->holdout.brier = 0.12;
        m->holdout.base_rate = 0.125;
        m->holdout.precision_at_50 = NAN;
        m->holdout.recall_at_50 = 0.0;
        m->holdout.accuracy_at_50 = 0.875;
        /* the validation tables of 200 rows with tied probabilities */
        double y[200], p[200];
        for (size_t i = 0; i < 200; i++) {
            y[i] = i % 8 == 0;
            p[i] = (double)(i / 3) / 70.0;
        }
        assert_int_equal(lsc_validation_tables(&m->holdout, y, p, NULL, 200, NULL), LSC_OK);
    }
    m->tier_hot = 70;
    m->tier_warm = 40;
    if (variant == 1) {
        /* an elastic-net fit with a zeroed feature and a CV path */
        m->l1_ratio = 0.5;
        m->coef[2] = 0.0;
        struct lsc_cv *cv = lsc_calloc(1, sizeof *cv);
        assert_non_null(cv);
        cv->folds = 5;
        cv->metric = 1;
        cv->one_se = 1;
        cv->seed = 7;
        cv->n = 3;
        cv->lambda = lsc_malloc(3 * sizeof *cv->lambda);
        cv->mean = lsc_malloc(3 * sizeof *cv->mean);
        cv->se = lsc_malloc(3 * sizeof *cv->se);
        cv->nonzero = lsc_malloc(3 * sizeof *cv->nonzero);
        assert_true(cv->lambda && cv->mean && cv->se && cv->nonzero);
        static const double lam[] = {10.0 / 3.0, 1.0, 0.1}, mean[] = {0.5, 0.71, 0.7};
        for (size_t k = 0; k < 3; k++) {
            cv->lambda[k] = lam[k];
            cv->mean[k] = mean[k];
            cv->se[k] = 0.01 * (double)(k + 1);
            cv->nonzero[k] = k;
        }
        cv->se[0] = NAN;
        cv->best = 1;
        cv->chosen = 1;
        m->cv = cv;
    }
    assert_int_equal(lsc_model_build_lookups(m, NULL), LSC_OK);
    return m;
}

static char *slurp(const char *path, size_t *len)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    *len = fread(buf, 1, (1 << 20) - 1, fp);
    buf[*len] = '\0';
    fclose(fp);
    return buf;
}

static void spit(const char *path, const char *text)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, strlen(text), fp), strlen(text));
    assert_int_equal(fclose(fp), 0);
}

static size_t count_entries(const char *dir)
{
    size_t n = 0;
    DIR *d = opendir(dir);
    assert_non_null(d);
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            n++;
    closedir(d);
    return n;
}

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        fail_msg("\"%s\" not found in \"%s\"", needle, haystack);
}

static void same_double(double a, double b)
{
    if (!(a == b && signbit(a) == signbit(b)) && !(isnan(a) && isnan(b)))
        fail_msg("%.17g != %.17g", a, b);
}

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    const char *tmp = getenv("TMPDIR");
    snprintf(fx->dir, sizeof fx->dir, "%s/lsc_model_XXXXXX",
             tmp != NULL && strlen(tmp) < 40 ? tmp : "/tmp");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/model.json", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    DIR *d = opendir(fx->dir);
    char p[512];
    if (d != NULL) {
        for (struct dirent *e; (e = readdir(d)) != NULL;) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            snprintf(p, sizeof p, "%s/%s", fx->dir, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fx->dir);
    free(fx);
    return 0;
}

/* ---- round trip -------------------------------------------------------------- */

static void compare_models(const struct lsc_model *a, const struct lsc_model *b)
{
    assert_string_equal(a->created, b->created);
    assert_string_equal(a->training_file, b->training_file);
    assert_string_equal(a->training_sha256, b->training_sha256);
    assert_int_equal(a->rows_read, b->rows_read);
    assert_int_equal(a->positives, b->positives);
    assert_true(json_equal(a->options, b->options));
    assert_string_equal(a->target, b->target);
    assert_int_equal(a->n_ids, b->n_ids);
    assert_string_equal(a->ids[1], b->ids[1]);
    assert_int_equal(a->n_columns, b->n_columns);
    for (size_t j = 0; j < a->n_columns; j++) {
        const struct lsc_column_enc *x = &a->columns[j], *y = &b->columns[j];
        assert_string_equal(x->name, y->name);
        assert_int_equal(x->type, y->type);
        if (x->type == LSC_COL_NUMERIC) {
            same_double(x->median, y->median);
            same_double(x->mean, y->mean);
            same_double(x->sd, y->sd);
            assert_int_equal(x->feature, y->feature);
            assert_int_equal(x->missing_feature, y->missing_feature);
            continue;
        }
        assert_int_equal(x->n_levels, y->n_levels);
        for (size_t k = 0; k < x->n_levels; k++) {
            assert_string_equal(x->levels[k], y->levels[k]);
            assert_int_equal(x->level_feature[k], y->level_feature[k]);
            assert_int_equal(x->level_count[k], y->level_count[k]);
            assert_int_equal(lsc_dict_find(y->lookup, y->levels[k], strlen(y->levels[k])), k);
        }
        assert_int_equal(x->reference, y->reference);
        assert_int_equal(x->other, y->other);
        assert_int_equal(x->missing, y->missing);
        assert_int_equal(x->training_count_total, y->training_count_total);
    }
    assert_int_equal(a->n_features, b->n_features);
    for (size_t i = 0; i < a->n_features; i++) {
        assert_string_equal(a->feature_names[i], b->feature_names[i]);
        same_double(a->coef[i], b->coef[i]);
    }
    same_double(a->l2, b->l2);
    same_double(a->objective, b->objective);
    assert_int_equal(a->iterations, b->iterations);
    assert_int_equal(a->converged, b->converged);
    assert_int_equal(a->refit, b->refit);
    assert_int_equal(a->holdout.present, b->holdout.present);
    if (a->holdout.present) {
        assert_int_equal(a->holdout.rows, b->holdout.rows);
        same_double(a->holdout.auc, b->holdout.auc);
        same_double(a->holdout.precision_at_50, b->holdout.precision_at_50);
        same_double(a->holdout.recall_at_50, b->holdout.recall_at_50);
        same_double(a->holdout.accuracy_at_50, b->holdout.accuracy_at_50);
        assert_int_equal(a->holdout.tables_present, b->holdout.tables_present);
        same_double(a->holdout.ks, b->holdout.ks);
        same_double(a->holdout.ks_threshold, b->holdout.ks_threshold);
        same_double(a->holdout.hl.statistic, b->holdout.hl.statistic);
        same_double(a->holdout.hl.p_value, b->holdout.hl.p_value);
        assert_int_equal(a->holdout.hl.df, b->holdout.hl.df);
        assert_int_equal(a->holdout.hl.groups, b->holdout.hl.groups);
        for (size_t k = 0; k < CURVES_DECILES; k++) {
            const struct curves_decile *x = &a->holdout.deciles[k], *z = &b->holdout.deciles[k];
            assert_int_equal(x->decile, z->decile);
            assert_int_equal(x->rows, z->rows);
            same_double(x->weight, z->weight);
            same_double(x->positives, z->positives);
            same_double(x->conversion_rate, z->conversion_rate);
            same_double(x->mean_predicted, z->mean_predicted);
            same_double(x->score_min, z->score_min);
            same_double(x->score_max, z->score_max);
            same_double(x->lift, z->lift);
            same_double(x->cumulative_capture, z->cumulative_capture);
            same_double(x->cumulative_lift, z->cumulative_lift);
        }
    }
    same_double(a->tier_hot, b->tier_hot);
    same_double(a->tier_warm, b->tier_warm);
    same_double(a->l1_ratio, b->l1_ratio);
    assert_int_equal(a->cv != NULL, b->cv != NULL);
    if (a->cv != NULL) {
        assert_int_equal(a->cv->folds, b->cv->folds);
        assert_int_equal(a->cv->metric, b->cv->metric);
        assert_int_equal(a->cv->one_se, b->cv->one_se);
        assert_int_equal(a->cv->seed, b->cv->seed);
        assert_int_equal(a->cv->n, b->cv->n);
        assert_int_equal(a->cv->best, b->cv->best);
        assert_int_equal(a->cv->chosen, b->cv->chosen);
        for (size_t k = 0; k < a->cv->n; k++) {
            same_double(a->cv->lambda[k], b->cv->lambda[k]);
            same_double(a->cv->mean[k], b->cv->mean[k]);
            same_double(a->cv->se[k], b->cv->se[k]);
            assert_int_equal(a->cv->nonzero[k], b->cv->nonzero[k]);
        }
        struct lsc_penalty_info pi;
        struct lsc_cv_point pt;
        lsc_model_penalty_info(b, &pi);
        assert_int_equal(pi.nonzero, b->n_features - 2);
        assert_string_equal(pi.cv_metric, "auc");
        assert_true(lsc_model_cv_point(b, 2, &pt));
        assert_false(lsc_model_cv_point(b, 3, &pt));
    }
}

static void round_trip(struct fixture *fx, int variant)
{
    struct lsc_error err;
    struct lsc_model *m = make_model(variant), *back = NULL;
    char second[160];
    struct stat sb;
    size_t n1 = 0, n2 = 0;

    lsc_error_clear(&err);
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_OK);
    assert_int_equal(stat(fx->path, &sb), 0);
    assert_int_equal(sb.st_mode & 0777, 0644);
    assert_int_equal(lsc_model_load(fx->path, &back, &err), LSC_OK);
    compare_models(m, back);

    snprintf(second, sizeof second, "%s/again.json", fx->dir);
    assert_int_equal(lsc_model_save(back, second, 0, &err), LSC_OK);
    char *t1 = slurp(fx->path, &n1), *t2 = slurp(second, &n2);
    assert_int_equal(n1, n2);
    assert_memory_equal(t1, t2, n1);
    assert_int_equal(t1[n1 - 1], '\n');
    assert_int_equal(count_entries(fx->dir), 2);

    /* lsc_model_to_json gives the same bytes */
    char *js = lsc_model_to_json(back);
    assert_non_null(js);
    assert_string_equal(js, t1);
    free(js);

    /* accessors */
    assert_int_equal(lsc_model_n_features(back), m->n_features);
    assert_string_equal(lsc_model_feature_name(back, 0), "(intercept)");
    assert_null(lsc_model_feature_name(back, m->n_features));
    same_double(lsc_model_coefficient(back, 0), -1e-300);
    assert_true(isnan(lsc_model_coefficient(back, 99)));
    assert_string_equal(lsc_model_target(back), "Converted");

    free(t1);
    free(t2);
    lsc_model_free(m);
    lsc_model_free(back);
}

static void test_round_trip_holdout(void **state)
{
    round_trip(*state, 0);
}
static void test_round_trip_no_holdout(void **state)
{
    round_trip(*state, 1);
}

static void test_layout(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(0);
    size_t n = 0;
    assert_int_equal(lsc_model_save(m, fx->path, 0, NULL), LSC_OK);
    char *t = slurp(fx->path, &n);
    assert_contains(t, "{\n  \"format\": \"leadscore-model\",\n  \"format_version\": 1,\n");
    assert_contains(t, "\"precision_at_50\": null");
    assert_contains(t, "\"missing\": null");
    assert_contains(t, "\"feature\": null");
    assert_contains(t, "\"estimate\": -1e-300");
    assert_contains(t, "caf\xc3\xa9 \xe2\x82\xac"); /* UTF-8 kept, not escaped */
    assert_contains(t, "\"probability\": \"1/(1+exp(-(coefficients . features)))\"");
    assert_contains(t, "\"score\": \"clamp(round(100*probability), 1, 100)\"");
    /* top-level keys (two-space indent) in the specified order */
    const char *keys[] = {"\n  \"format\"",       "\n  \"format_version\"", "\n  \"created\"",
                          "\n  \"tool_version\"", "\n  \"training\"",       "\n  \"options\"",
                          "\n  \"roles\"",        "\n  \"columns\"",        "\n  \"features\"",
                          "\n  \"fit\"",          "\n  \"holdout\"",        "\n  \"score\""};
    const char *prev = t;
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++) {
        const char *at = strstr(t, keys[i]);
        assert_non_null(at);
        assert_true(at >= prev);
        prev = at;
    }
    free(t);
    lsc_model_free(m);
}

static void test_load_stdin(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(1), *back = NULL;
    assert_int_equal(lsc_model_save(m, fx->path, 0, NULL), LSC_OK);
    assert_non_null(freopen(fx->path, "r", stdin));
    assert_int_equal(lsc_model_load("-", &back, NULL), LSC_OK);
    compare_models(m, back);
    lsc_model_free(m);
    lsc_model_free(back);
}

/* ---- writing ------------------------------------------------------------------ */

static void test_refuses_overwrite(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    size_t n0 = 0, n1 = 0;
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_OK);
    char *before = slurp(fx->path, &n0);

    m->tier_hot = 80;
    lsc_error_clear(&err);
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_ERR_EXISTS);
    assert_int_equal(err.status, LSC_ERR_EXISTS);
    assert_string_equal(err.file, fx->path);
    assert_contains(err.message, "exists; use --force to replace it");
    char *after = slurp(fx->path, &n1);
    assert_int_equal(n0, n1);
    assert_memory_equal(before, after, n0);
    free(after);
    assert_int_equal(count_entries(fx->dir), 1);

    assert_int_equal(lsc_model_save(m, fx->path, 1, &err), LSC_OK);
    after = slurp(fx->path, &n1);
    assert_contains(after, "\"hot\": 80.0");
    assert_int_equal(count_entries(fx->dir), 1);

    free(before);
    free(after);
    lsc_model_free(m);
}

static void test_write_errors(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    char path[192];
    struct stat sb;

    /* a full device: the write fails cleanly, the device stays a device */
    lsc_error_clear(&err);
    assert_int_equal(lsc_model_save(m, "/dev/full", 0, &err), LSC_ERR_IO);
    assert_string_equal(err.file, "/dev/full");
    assert_int_equal(stat("/dev/full", &sb), 0);
    assert_true(S_ISCHR(sb.st_mode));
    assert_int_equal(lsc_model_save(m, "/dev/full", 1, &err), LSC_ERR_IO);

    /* a folder, and a path in a folder that does not exist */
    assert_int_equal(lsc_model_save(m, fx->dir, 1, &err), LSC_ERR_IO);
    snprintf(path, sizeof path, "%s/nowhere/model.json", fx->dir);
    assert_int_equal(lsc_model_save(m, path, 0, &err), LSC_ERR_IO);
    assert_contains(err.message, "does not exist: create it first (mkdir -p ");

    /* a write that fails part-way in a real folder (file size limit):
     * LSC_ERR_IO and no temporary file left behind */
    struct rlimit old, small;
    assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
    small = old;
    small.rlim_cur = 100;
    void (*prev)(int) = signal(SIGXFSZ, SIG_IGN);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &small), 0);
    lsc_error_clear(&err);
    enum lsc_status st = lsc_model_save(m, fx->path, 0, &err);
    assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
    signal(SIGXFSZ, prev);
    assert_int_equal(st, LSC_ERR_IO);
    assert_contains(err.message, "write failed");
    assert_int_equal(count_entries(fx->dir), 0);

    lsc_model_free(m);
}

static void test_save_rejects_invalid(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    m->coef[2] = NAN;
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_ERR_MODEL);
    assert_contains(err.message, "features[2].estimate");
    m->coef[2] = 1.0;
    lsc_free(m->columns[1].levels[0]);
    m->columns[1].levels[0] = xdup("Goo\xffgle");
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_ERR_DATA);
    assert_contains(err.message, "columns[1].levels[0].name");
    assert_contains(err.message, "UTF-8");
    assert_contains(err.message, "\"Goo\\xFFgle\""); /* the bad byte shown escaped */
    assert_null(lsc_model_to_json(m));
    /* a name ending inside a multi-byte sequence: the check must stop at the
     * NUL (it read past it before; AddressSanitizer saw the overflow) */
    lsc_free(m->columns[1].levels[0]);
    m->columns[1].levels[0] = xdup("Goo\xe9");
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_ERR_DATA);
    assert_contains(err.message, "\"Goo\\xE9\" is not valid UTF-8 (byte 0xE9 at offset 3)");
    assert_int_equal(count_entries(fx->dir), 0);
    lsc_model_free(m);
}

/* ---- loading ------------------------------------------------------------------ */

struct load_case {
    const char *name;
    const char *text;             /* raw file content, or NULL: */
    void (*mutate)(json_t *root); /* a change to a valid model */
    const char *expect;           /* substring of the message */
};

static json_t *column(json_t *root, size_t j)
{
    json_t *c = json_array_get(json_object_get(root, "columns"), j);
    assert_non_null(c);
    return c;
}

static json_t *level(json_t *root, size_t j, size_t k)
{
    json_t *lv = json_array_get(json_object_get(column(root, j), "levels"), k);
    assert_non_null(lv);
    return lv;
}

static json_t *member_of(json_t *root, const char *key)
{
    json_t *o = json_object_get(root, key);
    assert_non_null(o);
    return o;
}

static void put(json_t *obj, const char *key, json_t *v)
{
    assert_int_equal(json_object_set_new(obj, key, v), 0);
}

static void wrong_format(json_t *r)
{
    put(r, "format", json_string("leadscore-modell"));
}
static void no_format(json_t *r)
{
    json_object_del(r, "format");
}
static void version_2(json_t *r)
{
    put(r, "format_version", json_integer(2));
}
static void version_0(json_t *r)
{
    put(r, "format_version", json_integer(0));
}
static void no_features(json_t *r)
{
    json_object_del(r, "features");
}
static void fewer_features(json_t *r)
{
    json_array_remove(member_of(r, "features"), 4);
}
static void extra_feature(json_t *r)
{
    json_array_append_new(member_of(r, "features"),
                          json_pack("{s:s, s:f}", "name", "Extra", "estimate", 0.5));
}
static void median_string(json_t *r)
{
    put(column(r, 0), "median", json_string("NaN"));
}
static void sd_zero(json_t *r)
{
    put(column(r, 0), "sd", json_real(0.0));
}
static void sd_denormal(json_t *r)
{
    put(column(r, 0), "sd", json_real(5e-324));
}
static void sd_tiny(json_t *r)
{
    put(column(r, 0), "sd", json_real(1e-200));
}
static void coef_string(json_t *r)
{
    put(json_array_get(member_of(r, "features"), 3), "estimate", json_string("1e999"));
}
static void duplicate_level(json_t *r)
{
    put(level(r, 1, 1), "name", json_string("Google"));
}
static void level_name_number(json_t *r)
{
    put(level(r, 1, 0), "name", json_integer(3));
}
static void negative_count(json_t *r)
{
    put(level(r, 1, 2), "count", json_integer(-1));
}
static void real_count(json_t *r)
{
    put(level(r, 1, 2), "count", json_real(190.0));
}
static void reference_7(json_t *r)
{
    put(column(r, 1), "reference", json_integer(7));
}
static void reference_with_feature(json_t *r)
{
    put(column(r, 1), "reference", json_integer(1));
}
static void other_wrong_level(json_t *r)
{
    put(column(r, 1), "other", json_integer(1));
}
static void missing_out_of_range(json_t *r)
{
    put(column(r, 1), "missing", json_integer(3));
}
static void feature_zero(json_t *r)
{
    put(column(r, 0), "feature", json_integer(0));
}
static void feature_twice(json_t *r)
{
    put(column(r, 0), "missing_feature", json_integer(1));
}
static void unknown_type(json_t *r)
{
    put(column(r, 0), "type", json_string("text"));
}
static void duplicate_column(json_t *r)
{
    put(column(r, 1), "name", json_string("Total Time"));
}
static void no_intercept(json_t *r)
{
    put(json_array_get(member_of(r, "features"), 0), "name", json_string("bias"));
}
static void negative_rows(json_t *r)
{
    put(member_of(r, "training"), "rows_read", json_integer(-5));
}
static void bad_sha(json_t *r)
{
    put(member_of(r, "training"), "sha256", json_string("abc"));
}
static void options_array(json_t *r)
{
    put(r, "options", json_array());
}
static void positive_values_number(json_t *r)
{
    put(member_of(r, "roles"), "positive_values", json_pack("[s,i]", "yes", 1));
}
static void converged_string(json_t *r)
{
    put(member_of(r, "fit"), "converged", json_string("true"));
}
static void negative_l2(json_t *r)
{
    put(member_of(r, "fit"), "l2", json_real(-1.0));
}
static void holdout_string(json_t *r)
{
    put(r, "holdout", json_string("none"));
}
static void holdout_no_auc(json_t *r)
{
    json_object_del(member_of(r, "holdout"), "auc");
}
static json_t *table_entry(json_t *r, const char *table, size_t k)
{
    json_t *e = json_array_get(member_of(member_of(r, "holdout"), table), k);
    assert_non_null(e);
    return e;
}
static void gains_short(json_t *r)
{
    json_array_remove(member_of(member_of(r, "holdout"), "gains"), 9);
}
static void gains_out_of_order(json_t *r)
{
    put(table_entry(r, "gains", 3), "decile", json_integer(5));
}
static void calibration_rows_differ(json_t *r)
{
    put(table_entry(r, "calibration", 0), "rows", json_integer(99));
}
static void calibration_rate_differs(json_t *r)
{
    put(table_entry(r, "calibration", 2), "observed_rate", json_real(0.5));
}
static void gains_rows_sum(json_t *r)
{
    put(table_entry(r, "gains", 0), "rows", json_integer(21));
    put(table_entry(r, "calibration", 9), "rows", json_integer(21));
}
static void hl_df_wrong(json_t *r)
{
    put(member_of(member_of(r, "holdout"), "hosmer_lemeshow"), "df", json_integer(9));
}
static void ks_above_one(json_t *r)
{
    put(member_of(r, "holdout"), "ks", json_real(1.5));
}
static void tables_partial(json_t *r)
{
    json_object_del(member_of(r, "holdout"), "gains");
}
static void capture_negative(json_t *r)
{
    put(table_entry(r, "gains", 4), "cumulative_capture", json_real(-0.1));
}
static void tiers_reversed(json_t *r)
{
    put(member_of(member_of(r, "score"), "tiers"), "warm", json_integer(90));
}
static void other_probability(json_t *r)
{
    put(member_of(r, "score"), "probability", json_string("probit"));
}
static void not_an_object_column(json_t *r)
{
    json_array_set_new(member_of(r, "columns"), 0, json_null());
}

static void l1_ratio_2(json_t *r)
{
    put(member_of(r, "fit"), "l1_ratio", json_real(2.0));
}
static void dropped_wrong(json_t *r)
{
    json_t *fit = member_of(r, "fit");
    put(fit, "l1_ratio", json_real(1.0));
    put(fit, "dropped", json_pack("[s]", "Total Time"));
}
static void cv_off_path(json_t *r)
{
    put(member_of(r, "fit"), "cv",
        json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:[{s:f, s:f, s:f, s:i}, {s:f, s:f, s:n, s:i}]}",
                  "folds", 5, "metric", "logloss", "rule", "min", "seed", 1, "best", 1, "chosen",
                  1, "path", "lambda", 4.0, "mean", 0.6, "se", 0.01, "nonzero", 0, "lambda",
                  2.0, "mean", 0.5, "se", "nonzero", 3));
}
static void cv_bad_metric(json_t *r)
{
    put(member_of(r, "fit"), "cv", json_pack("{s:i, s:s}", "folds", 5, "metric", "mse"));
}

static void coefficient_changed(json_t *r)
{
    put(json_array_get(member_of(r, "features"), 1), "estimate", json_real(0.5));
}
static void unknown_member_added(json_t *r)
{
    put(r, "note", json_string("added by hand"));
}
static void no_checksum(json_t *r)
{
    json_object_del(r, "checksum");
}
static void checksum_md5(json_t *r)
{
    put(r, "checksum", json_string("md5:0123456789abcdef0123456789abcdef"));
}
static void checksum_number(json_t *r)
{
    put(r, "checksum", json_integer(1));
}

static const struct load_case load_cases[] = {
    {"truncated", "{\"format\": \"leadscore-model\",\n  \"format_version\": ", NULL,
     "not a leadscore model: "},
    {"empty", "", NULL, "not a leadscore model: "},
    {"NaN literal", "{\"format\": \"leadscore-model\", \"x\": NaN}", NULL,
     "not a leadscore model: "},
    {"array", "[1, 2]", NULL, "not a leadscore model: expected a JSON object"},
    {"duplicate key", "{\"format\": \"leadscore-model\",\n\"format\": \"leadscore-model\"}", NULL,
     "duplicate"},
    {"wrong format", NULL, wrong_format, "\"format\""},
    {"no format", NULL, no_format, "\"format\""},
    {"version 2", NULL, version_2,
     "model format version 2 is newer than this leadscore understands (1)"},
    {"version 0", NULL, version_0, "format_version: expected a positive integer"},
    {"no features", NULL, no_features, "features: missing"},
    {"fewer features", NULL, fewer_features,
     "columns[1].levels[2].feature: feature index 4 out of range"},
    {"extra feature", NULL, extra_feature, "features[5]: \"Extra\" belongs to no column"},
    {"median string", NULL, median_string, "columns[0].median: expected a number"},
    {"sd zero", NULL, sd_zero, "columns[0].sd: must be a finite number >= 2.22507e-308, got 0"},
    {"sd denormal", NULL, sd_denormal, "columns[0].sd: must be a finite number >= 2.22507e-308"},
    {"sd tiny", NULL, sd_tiny, "log-odds per unit (beyond 1e150"},
    {"coefficient string", NULL, coef_string, "features[3].estimate: expected a number"},
    {"duplicate level", NULL, duplicate_level,
     "columns[1].levels[1].name: duplicate level \"Google\""},
    {"level name number", NULL, level_name_number, "columns[1].levels[0].name: expected a string"},
    {"negative count", NULL, negative_count,
     "columns[1].levels[2].count: expected a non-negative integer"},
    {"real count", NULL, real_count, "columns[1].levels[2].count: expected a non-negative integer"},
    {"reference 7", NULL, reference_7, "columns[1].reference: reference index 7 out of range"},
    {"reference with feature", NULL, reference_with_feature,
     "columns[1].levels[0].feature: only the reference level (1) may have no feature"},
    {"other wrong level", NULL, other_wrong_level,
     "columns[1].other: level 1 is \"Direct \xc3\xa9\", not \"(other)\""},
    {"missing out of range", NULL, missing_out_of_range,
     "columns[1].missing: level index 3 out of range"},
    {"feature zero", NULL, feature_zero, "columns[0].feature: feature index 0 out of range"},
    {"feature twice", NULL, feature_twice,
     "columns[0].missing_feature: feature index 1 is used by more than one"},
    {"unknown type", NULL, unknown_type,
     "columns[0].type: expected \"numeric\", \"binned\" or \"categorical\""},
    {"duplicate column", NULL, duplicate_column,
     "columns[1].name: duplicate column name \"Total Time\""},
    {"column null", NULL, not_an_object_column, "columns[0]: expected an object"},
    {"no intercept", NULL, no_intercept, "features[0].name: expected \"(intercept)\""},
    {"negative rows", NULL, negative_rows, "training.rows_read: expected a non-negative integer"},
    {"bad sha", NULL, bad_sha, "training.sha256: expected 64 hexadecimal digits"},
    {"options array", NULL, options_array, "options: expected an object"},
    {"positive value number", NULL, positive_values_number,
     "roles.positive_values[1]: expected a string"},
    {"converged string", NULL, converged_string, "fit.converged: expected true or false"},
    {"negative l2", NULL, negative_l2, "fit.l2: must be a finite number >= 0"},
    {"holdout string", NULL, holdout_string, "holdout: expected an object or null"},
    {"holdout without auc", NULL, holdout_no_auc, "holdout.auc: missing"},
    {"gains short", NULL, gains_short, "holdout.gains: expected 10 entries"},
    {"gains out of order", NULL, gains_out_of_order,
     "holdout.gains[3].decile: expected the deciles 1 to 10 in order"},
    {"calibration rows differ", NULL, calibration_rows_differ,
     "holdout.calibration[0].rows: differs from the matching gains decile"},
    {"calibration rate differs", NULL, calibration_rate_differs,
     "holdout.calibration[2].observed_rate: differs from the matching gains decile"},
    {"gains rows sum", NULL, gains_rows_sum,
     "holdout.gains: the deciles' rows do not add up to holdout.rows"},
    {"hl df wrong", NULL, hl_df_wrong, "holdout.hosmer_lemeshow: groups must be at most 10"},
    {"ks above one", NULL, ks_above_one, "holdout.ks: expected a number in [0, 1] or null"},
    {"tables partial", NULL, tables_partial, "holdout.gains: missing"},
    {"capture negative", NULL, capture_negative,
     "holdout.gains[4].cumulative_capture: expected a number in [0, 1] or null"},
    {"tiers reversed", NULL, tiers_reversed, "score.tiers: need 0 < warm < hot <= 100"},
    {"other probability", NULL, other_probability, "score.probability: expected \"1/(1+exp"},
    {"coefficient changed", NULL, coefficient_changed,
     "model file was modified or truncated (checksum mismatch)"},
    {"member added", NULL, unknown_member_added,
     "model file was modified or truncated (checksum mismatch)"},
    {"l1_ratio 2", NULL, l1_ratio_2, "fit.l1_ratio: must be in [0, 1]"},
    {"dropped wrong", NULL, dropped_wrong, "fit.dropped:"},
    {"cv off path", NULL, cv_off_path, "fit.l2: 1 is not the chosen point of fit.cv.path"},
    {"cv bad metric", NULL, cv_bad_metric, "fit.cv.metric: expected"},
    {"no checksum", NULL, no_checksum, "checksum: missing"},
    {"checksum md5", NULL, checksum_md5,
     "checksum: expected \"sha256:\" and 64 hexadecimal digits"},
    {"checksum number", NULL, checksum_number, "checksum: expected \"sha256:\""},
};

static void test_load_errors(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *good = make_model(0);
    char *valid = lsc_model_to_json(good);
    assert_non_null(valid);
    lsc_model_free(good);

    for (size_t i = 0; i < sizeof load_cases / sizeof load_cases[0]; i++) {
        const struct load_case *c = &load_cases[i];
        struct lsc_model *m = NULL;
        struct lsc_error err;
        print_message("load: %s\n", c->name);
        if (c->text != NULL) {
            spit(fx->path, c->text);
        } else {
            json_error_t jerr;
            json_t *root = json_loads(valid, 0, &jerr);
            assert_non_null(root);
            c->mutate(root);
            assert_int_equal(json_dump_file(root, fx->path, JSON_INDENT(2)), 0);
            json_decref(root);
        }
        lsc_error_clear(&err);
        assert_int_equal(lsc_model_load(fx->path, &m, &err), LSC_ERR_MODEL);
        assert_null(m);
        assert_int_equal(err.status, LSC_ERR_MODEL);
        assert_string_equal(err.file, fx->path);
        assert_contains(err.message, c->expect);
    }
    free(valid);
}

/* The checksum is the last member and covers the file's bytes without it;
 * whitespace is not part of what it protects (the loader re-serialises). */
static void test_checksum(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = make_model(0), *back = NULL;
    struct lsc_error err;
    size_t n = 0;
    static const char member[] = ",\n  \"checksum\": \"sha256:";
    assert_int_equal(lsc_model_save(m, fx->path, 0, &err), LSC_OK);
    char *t = slurp(fx->path, &n);
    char *at = strstr(t, member);
    assert_non_null(at);
    const char *hex = at + strlen(member);
    assert_int_equal(strlen(hex), 64 + strlen("\"\n}\n"));
    assert_string_equal(hex + 64, "\"\n}\n");

    struct sha256_ctx ctx;
    unsigned char digest[32];
    char want[65];
    lsc_sha256_init(&ctx);
    lsc_sha256_update(&ctx, t, (size_t)(at - t));
    lsc_sha256_update(&ctx, "\n}", 2);
    lsc_sha256_final(&ctx, digest);
    lsc_sha256_hex(digest, want);
    assert_memory_equal(hex, want, 64);

    /* re-indented (compact) but unchanged: still loads */
    json_error_t jerr;
    json_t *root = json_loads(t, 0, &jerr);
    assert_non_null(root);
    assert_int_equal(json_dump_file(root, fx->path, JSON_COMPACT | JSON_REAL_PRECISION(17)), 0);
    assert_int_equal(lsc_model_load(fx->path, &back, &err), LSC_OK);
    compare_models(m, back);
    lsc_model_free(back);
    back = NULL;

    /* a truncated file is named as such */
    t[n / 2] = '\0';
    spit(fx->path, t);
    lsc_error_clear(&err);
    assert_int_equal(lsc_model_load(fx->path, &back, &err), LSC_ERR_MODEL);
    assert_null(back);
    assert_contains(err.message, "(the file is truncated)");

    json_decref(root);
    free(t);
    lsc_model_free(m);
}

static void test_load_parse_position(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = NULL;
    struct lsc_error err;
    spit(fx->path, "{\n  \"format\": \"leadscore-model\",\n  \"x\": tru\n}\n");
    assert_int_equal(lsc_model_load(fx->path, &m, &err), LSC_ERR_MODEL);
    assert_int_equal(err.line, 3);
    assert_true(err.column > 0);
    assert_contains(err.message, "not a leadscore model: ");
}

static void test_load_io_errors(void **state)
{
    struct fixture *fx = *state;
    struct lsc_model *m = NULL;
    struct lsc_error err;
    char path[192];
    snprintf(path, sizeof path, "%s/absent.json", fx->dir);
    assert_int_equal(lsc_model_load(path, &m, &err), LSC_ERR_IO);
    assert_string_equal(err.file, path);
    assert_null(m);
    assert_int_equal(lsc_model_load(fx->dir, &m, &err), LSC_ERR_IO);
    assert_null(m);
}

/* ---- validation and lookups -------------------------------------------------- */

static void test_validate_direct(void **state)
{
    (void)state;
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    assert_int_equal(lsc_model_validate(m, "m.json", &err), LSC_OK);

    lsc_free(m->feature_names[4]);
    m->feature_names[4] = xdup("Total Time");
    assert_int_equal(lsc_model_validate(m, "m.json", &err), LSC_ERR_MODEL);
    assert_string_equal(err.file, "m.json");
    assert_contains(err.message, "features[4].name: duplicate feature name \"Total Time\"");
    lsc_free(m->feature_names[4]);
    m->feature_names[4] = xdup("Lead Source=(other)");

    m->tier_warm = 0;
    assert_int_equal(lsc_model_validate(m, NULL, &err), LSC_ERR_MODEL);
    assert_contains(err.message, "score.tiers");
    m->tier_warm = 40;
    m->tier_hot = 100.5;
    assert_int_equal(lsc_model_validate(m, NULL, &err), LSC_ERR_MODEL);
    m->tier_hot = 100;
    assert_int_equal(lsc_model_validate(m, NULL, NULL), LSC_OK);

    m->columns[0].missing_feature = 9;
    assert_int_equal(lsc_model_validate(m, NULL, &err), LSC_ERR_MODEL);
    assert_contains(err.message, "columns[0].missing_feature: feature index 9 out of range");
    m->columns[0].missing_feature = LSC_NO_FEATURE;
    assert_int_equal(lsc_model_validate(m, NULL, &err), LSC_ERR_MODEL);
    assert_contains(err.message, "features[2]: \"Total Time=(missing)\" belongs to no column");
    lsc_model_free(m);
}

static void test_lookups(void **state)
{
    (void)state;
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    const struct dict *d = m->columns[1].lookup;
    assert_null(m->columns[0].lookup);
    assert_non_null(d);
    assert_int_equal(lsc_dict_size(d), 3);
    assert_int_equal(lsc_dict_find(d, "Google", 6), 0);
    assert_int_equal(lsc_dict_find(d, "(other)", 7), 2);
    assert_int_equal(lsc_dict_find(d, "Yahoo", 5), DICT_NONE);

    lsc_free(m->columns[1].levels[2]);
    m->columns[1].levels[2] = xdup("Google");
    assert_int_equal(lsc_model_build_lookups(m, &err), LSC_ERR_MODEL);
    assert_contains(err.message, "columns[1].levels[2].name: duplicate level \"Google\"");
    lsc_model_free(m);
    lsc_model_free(NULL);
}

/* ---- allocation failures -------------------------------------------------------- */


/* Fails the 1st, 2nd, ... allocation of a save and of a load (jansson's
 * included): each fails with LSC_ERR_NOMEM, leaks nothing (cmocka checks
 * every block) and leaves no temporary file; eventually both succeed. */
static void test_allocation_failures(void **state)
{
    struct fixture *fx = *state;
    struct th_budget b = {SIZE_MAX};
    struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
    lsc_set_allocator(&a);
    struct lsc_model *m = make_model(0);
    struct lsc_error err;
    enum lsc_status st = LSC_ERR_NOMEM;

    for (size_t n = 0; st != LSC_OK; n++) {
        b.left = n;
        st = lsc_model_save(m, fx->path, 1, &err);
        b.left = SIZE_MAX;
        if (st != LSC_OK) {
            assert_int_equal(st, LSC_ERR_NOMEM);
            assert_int_equal(count_entries(fx->dir), 0);
        }
    }
    st = LSC_ERR_NOMEM;
    for (size_t n = 0; st != LSC_OK; n++) {
        struct lsc_model *back = NULL;
        b.left = n;
        st = lsc_model_load(fx->path, &back, &err);
        b.left = SIZE_MAX;
        if (st != LSC_OK) {
            /* jansson's lexer turns some allocation failures into syntax
             * errors or silently shortened strings; the loader notices the
             * failed allocation and says LSC_ERR_NOMEM all the same */
            if (st != LSC_ERR_NOMEM)
                fail_msg("allocation %zu: %s: %s", n, lsc_strerror(st), err.message);
            assert_null(back);
        }
        lsc_model_free(back);
    }
    lsc_model_free(m);
    /* the penalty members of an elastic-net model with a CV path */
    m = make_model(1);
    st = LSC_ERR_NOMEM;
    for (size_t n = 0; st != LSC_OK; n++) {
        b.left = n;
        st = lsc_model_save(m, fx->path, 1, &err);
        b.left = SIZE_MAX;
        if (st != LSC_OK)
            assert_int_equal(st, LSC_ERR_NOMEM);
    }
    st = LSC_ERR_NOMEM;
    for (size_t n = 0; st != LSC_OK; n++) {
        struct lsc_model *back = NULL;
        b.left = n;
        st = lsc_model_load(fx->path, &back, &err);
        b.left = SIZE_MAX;
        if (st != LSC_OK && st != LSC_ERR_NOMEM)
            fail_msg("allocation %zu: %s: %s", n, lsc_strerror(st), err.message);
        lsc_model_free(back);
    }
    lsc_model_free(m);
    lsc_set_allocator(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip_holdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_round_trip_no_holdout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_stdin, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refuses_overwrite, setup, teardown),
        cmocka_unit_test_setup_teardown(test_write_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_rejects_invalid, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checksum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_parse_position, setup, teardown),
        cmocka_unit_test_setup_teardown(test_load_io_errors, setup, teardown),
        cmocka_unit_test(test_validate_direct),
        cmocka_unit_test(test_lookups),
        cmocka_unit_test_setup_teardown(test_allocation_failures, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
