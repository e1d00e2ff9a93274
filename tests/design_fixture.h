/* design_fixture.h - the 400-row design shared by the logreg and enet
 * tests: two numerics (one with missing values), two categoricals, encoded
 * and laid out as a design view (setup/teardown for cmocka). Include after
 * cmocka.h, the GSL RNG headers and dataset/design/encoder/model.h. */
#ifndef LSC_TESTS_DESIGN_FIXTURE_H
#define LSC_TESTS_DESIGN_FIXTURE_H

struct fixture {
    char *path;
    struct dataset *ds;
    struct lsc_model *m;
    size_t *col_src;
    struct design d;
};

/* 400 rows: two numerics (one with missing values), two categoricals. */
static char *make_csv(void)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, 7);
    size_t cap = 64 * 1024, used = 0;
    char *buf = malloc(cap);
    used += (size_t)snprintf(buf + used, cap - used, "visits,minutes,source,stage,won\n");
    static const char *const sources[] = {"Web", "Ads", "Referral", "Event"};
    static const char *const stages[] = {"New", "Open", "Qualified"};
    for (int i = 0; i < 400; i++) {
        double v = floor(gsl_ran_exponential(rng, 3.0));
        double mins = gsl_ran_gaussian(rng, 5.0) + 10.0;
        size_t s = gsl_rng_uniform_int(rng, 4), t = gsl_rng_uniform_int(rng, 3);
        double eta = -1.0 + 0.3 * v + 0.1 * mins - 0.8 * (double)(s == 1) + 0.5 * (double)t;
        int y = gsl_rng_uniform(rng) < 1.0 / (1.0 + exp(-eta));
        if (i % 17 == 0)
            used += (size_t)snprintf(buf + used, cap - used, "%g,,%s,%s,%d\n", v, sources[s],
                                     stages[t], y);
        else
            used += (size_t)snprintf(buf + used, cap - used, "%g,%.3f,%s,%s,%d\n", v, mins,
                                     sources[s], stages[t], y);
    }
    gsl_rng_free(rng);
    char *path = th_write_temp("fit.csv", buf);
    free(buf);
    return path;
}

static int setup(void **state)
{
    struct fixture *f = calloc(1, sizeof *f);
    struct lsc_train_options o;
    struct encoder_stats es;
    lsc_train_options_defaults(&o);
    f->path = make_csv();
    o.input = f->path;
    o.target = "won";
    o.min_level_count = 1;
    assert_int_equal(lsc_dataset_load(&f->ds, &o, NULL, NULL), LSC_OK);
    assert_int_equal(lsc_dataset_map_target(f->ds, &o, NULL, NULL), LSC_OK);
    f->m = lsc_model_new();
    assert_non_null(f->m);
    assert_int_equal(lsc_encoder_fit(f->ds, NULL, f->ds->n_rows, 1, NULL, f->m, &f->col_src, &es, NULL),
                     LSC_OK);
    assert_int_equal(lsc_design_build(&f->d, f->ds, f->m, f->col_src, NULL, f->ds->n_rows, NULL),
                     LSC_OK);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *f = *state;
    lsc_design_free(&f->d);
    lsc_model_free(f->m);
    lsc_dataset_free(f->ds);
    free(f->col_src);
    th_remove_temp(f->path);
    free(f);
    return 0;
}

#endif
