/* encoder and design: imputation, standardisation, pooling, reference
 * levels, dropped columns, unseen levels, type inference. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "dataset.h"
#include "design.h"
#include "encoder.h"
#include "model_def.h"
#include "test_helpers.h"

static const char csv_text[] =
    "amount,color,const,code,won\r\n"
    "1,red,5,A1,1\r\n"
    "2,red,5,7,0\r\n"
    "3,blue,5,8,1\r\n"
    "NA,red,5,9,0\r\n"
    "5,blue,5,10,1\r\n"
    "6,green,5,11,0\r\n"
    "7,red,5,12,1\r\n"
    "8,,5,13,0\r\n"
    "9,blue,5,14,1\r\n"
    "10,red,5,15,0\r\n"
    "11,blue,5,16,1\r\n"
    "12,red,5,17,0\r\n"
    "4,purple,5,18,1\r\n";

struct fx {
    char *path;
    struct dataset *ds;
    struct lsc_model *m;
    size_t *col_src;
};

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    struct lsc_train_options o;
    lsc_train_options_defaults(&o);
    f->path = th_write_temp("enc.csv", csv_text);
    o.input = f->path;
    o.target = "won";
    assert_int_equal(lsc_dataset_load(&f->ds, &o, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_dataset_map_target(f->ds, &o, NULL, NULL), LSC_OK);
    f->m = lsc_model_new();
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    lsc_model_free(f->m);
    lsc_dataset_free(f->ds);
    free(f->col_src);
    th_remove_temp(f->path);
    free(f);
    return 0;
}

static void test_type_inference(void **state)
{
    struct fx *f = *state;
    assert_int_equal(f->ds->n_rows, 13);
    assert_true(lsc_ds_is_numeric(&f->ds->cols[0]));
    assert_false(lsc_ds_is_numeric(&f->ds->cols[1]));
    assert_true(lsc_ds_is_numeric(&f->ds->cols[2]));
    /* one text value makes the whole column categorical */
    assert_false(lsc_ds_is_numeric(&f->ds->cols[3]));
    assert_int_equal(f->ds->cols[0].n_missing, 1);
    assert_int_equal(f->ds->positives, 7);
}

static void test_fit_first_twelve_rows(void **state)
{
    struct fx *f = *state;
    struct encoder_stats es;
    size_t rows[12];
    for (size_t i = 0; i < 12; i++)
        rows[i] = i;
    assert_int_equal(lsc_encoder_fit(f->ds, rows, 12, 2, NULL, f->m, &f->col_src, &es, NULL), LSC_OK);
    /* const dropped; code has only singleton levels: pooled to one level, dropped */
    assert_int_equal(es.columns_used, 2);
    assert_int_equal(es.columns_dropped, 2);
    const struct lsc_column_enc *a = &f->m->columns[0];
    assert_string_equal(a->name, "amount");
    assert_int_equal(a->type, LSC_COL_NUMERIC);
    assert_double_equal(a->median, 7.0, 0.0);
    double mean = (74.0 + 7.0) / 12.0;
    double ss = 0.0;
    const double v[12] = {1, 2, 3, 7, 5, 6, 7, 8, 9, 10, 11, 12};
    for (int i = 0; i < 12; i++)
        ss += (v[i] - mean) * (v[i] - mean);
    assert_double_equal(a->mean, mean, 1e-15);
    assert_double_equal(a->sd, sqrt(ss / 12.0), 1e-14);
    assert_int_not_equal(a->missing_feature, LSC_NO_FEATURE);

    const struct lsc_column_enc *c = &f->m->columns[1];
    assert_int_equal(c->type, LSC_COL_CATEGORICAL);
    /* red 6, blue 4 kept; green 1 and missing 1 pooled into (other) */
    assert_int_equal(c->n_levels, 3);
    assert_string_equal(c->levels[c->reference], "red");
    assert_int_equal(c->level_feature[c->reference], LSC_NO_FEATURE);
    assert_int_not_equal(c->other, SIZE_MAX);
    assert_int_equal(c->level_count[c->other], 2);
    assert_int_equal(c->missing, SIZE_MAX);

    assert_int_equal(f->m->n_features, 5);
    assert_string_equal(f->m->feature_names[0], "(intercept)");
    assert_string_equal(f->m->feature_names[1], "amount");
    assert_string_equal(f->m->feature_names[2], "amount=(missing)");
    assert_string_equal(f->m->feature_names[3], "color=blue");
    assert_string_equal(f->m->feature_names[4], "color=(other)");

    /* row 12 ("purple", never seen) maps to (other); row 3's missing amount
     * is imputed and flagged */
    struct design d;
    size_t view[2] = {12, 3};
    assert_int_equal(lsc_design_build(&d, f->ds, f->m, f->col_src, view, 2, NULL), LSC_OK);
    double beta[5] = {0.5, 1.0, 2.0, 4.0, 8.0}, eta[2], x[6];
    assert_int_equal(lsc_design_linear(&d, beta, eta, NULL), LSC_OK);
    assert_double_equal(eta[0], 0.5 + (4.0 - a->mean) / a->sd + 8.0, 1e-14);
    assert_double_equal(eta[1], 0.5 + (7.0 - a->mean) / a->sd + 2.0, 1e-14);
    lsc_design_fill_dense(&d, 0, 2, x);
    assert_double_equal(x[1], 0.0, 0.0);
    assert_double_equal(x[3], 1.0, 0.0);
    lsc_design_free(&d);
}

static void test_missing_level_kept_when_frequent(void **state)
{
    struct fx *f = *state;
    struct encoder_stats es;
    assert_int_equal(lsc_encoder_fit(f->ds, NULL, 13, 1, NULL, f->m, &f->col_src, &es, NULL), LSC_OK);
    /* min count 1: every level kept, (missing) among them */
    const struct lsc_column_enc *c = NULL;
    for (size_t j = 0; j < f->m->n_columns; j++)
        if (strcmp(f->m->columns[j].name, "color") == 0)
            c = &f->m->columns[j];
    assert_non_null(c);
    assert_int_equal(c->n_levels, 5);
    assert_int_not_equal(c->missing, SIZE_MAX);
    assert_string_equal(c->levels[c->missing], "(missing)");
    assert_int_equal(c->other, SIZE_MAX);
}

static const struct lsc_column_enc *column_named(const struct lsc_model *m, const char *name)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (strcmp(m->columns[j].name, name) == 0)
            return &m->columns[j];
    return NULL;
}

/* Equal counts: (missing) first, then the names' bytes, whatever the order
 * of the rows (red is seen first in both row sets) */
static void test_tied_levels_by_name(void **state)
{
    struct fx *f = *state;
    struct encoder_stats es;
    size_t rows[4] = {0, 1, 2, 4}; /* red, red, blue, blue */
    assert_int_equal(lsc_encoder_fit(f->ds, rows, 4, 1, NULL, f->m, &f->col_src, &es, NULL), LSC_OK);
    const struct lsc_column_enc *c = column_named(f->m, "color");
    assert_non_null(c);
    assert_int_equal(c->n_levels, 2);
    assert_string_equal(c->levels[c->reference], "blue");
    assert_string_equal(c->levels[1], "red");

    lsc_model_free(f->m);
    free(f->col_src);
    f->col_src = NULL;
    f->m = lsc_model_new();
    size_t three[3] = {0, 7, 2}; /* red, missing, blue */
    assert_int_equal(lsc_encoder_fit(f->ds, three, 3, 1, NULL, f->m, &f->col_src, &es, NULL), LSC_OK);
    c = column_named(f->m, "color");
    assert_non_null(c);
    assert_int_equal(c->n_levels, 3);
    assert_string_equal(c->levels[0], "(missing)");
    assert_string_equal(c->levels[1], "blue");
    assert_string_equal(c->levels[2], "red");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_type_inference, setup, teardown),
        cmocka_unit_test_setup_teardown(test_fit_first_twelve_rows, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_level_kept_when_frequent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tied_levels_by_name, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
