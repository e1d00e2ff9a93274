/* scorer: the streaming pass hands every row, scored or rejected, to each
 * consumer in order, with the header mapped first; a consumer's error stops
 * the pass; a column the scorer reads twice is an error naming both. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "scorer.h"
#include "status_internal.h"

struct recorder {
    int begun;
    size_t rows, with_score, ragged;
    double total;
    size_t stop_at; /* 0: never */
};

static enum lsc_status rec_begin(void *ctx, const struct lsc_scorer *s, struct lsc_error *err)
{
    struct recorder *r = ctx;
    (void)err;
    assert_int_equal(s->n_ids, 1);
    assert_int_equal(s->id_of[0], 0);
    assert_int_equal(s->rule_col, 2);
    r->begun++;
    return LSC_OK;
}

static enum lsc_status rec_row(void *ctx, const struct lsc_scorer *s,
                               const struct lsc_scored_row *row, struct lsc_error *err)
{
    struct recorder *r = ctx;
    (void)s;
    assert_int_equal(r->begun, 1);
    r->rows++;
    assert_int_equal(row->row, r->rows);
    r->ragged += (size_t)row->ragged;
    if (row->has_rule_score) {
        assert_true(isfinite(row->rule_score));
        r->with_score++;
        r->total += row->rule_score;
    }
    if (r->stop_at != 0 && r->rows == r->stop_at)
        return lsc_error_set(err, LSC_ERR_IO, "consumer", 0, 0, "stop");
    return LSC_OK;
}

static enum lsc_status run(const char *csv, struct recorder *a, struct recorder *b,
                           struct lsc_score_summary *sum, struct lsc_error *err)
{
    char *path = th_write_temp("in.csv", csv);
    assert_non_null(path);
    struct lsc_score_options o;
    lsc_score_options_defaults(&o);
    const char *ids[] = {"id"};
    o.input = path;
    o.ids.items = ids;
    o.ids.count = 1;
    o.rule_score_column = "manual";
    struct lsc_row_consumer c[2] = {{a, rec_begin, rec_row}, {b, rec_begin, rec_row}};
    struct lsc_scorer s;
    memset(sum, 0, sizeof *sum);
    enum lsc_status st = lsc_scorer_run(&s, NULL, &o, c, 2, sum, err);
    lsc_scorer_fini(&s);
    th_remove_temp(path);
    return st;
}

static void test_every_row_to_every_consumer(void **state)
{
    (void)state;
    struct recorder a = {0}, b = {0};
    struct lsc_score_summary sum;
    struct lsc_error err;
    assert_int_equal(run("id,x,manual\nA,1,10\nB,2,n/a\nC,3\nD,4,1e400\nE,5,30\n", &a, &b, &sum,
                         &err),
                     LSC_OK);
    assert_int_equal(a.rows, 5);
    assert_int_equal(b.rows, 5);
    assert_int_equal(a.ragged, 1);
    assert_int_equal(a.with_score, 2); /* n/a, the ragged row and 1e400 have none */
    assert_double_equal(a.total, 40.0, 0.0);
    assert_int_equal(sum.rows, 5);
    assert_int_equal(sum.rule_scored, 2);
    assert_int_equal(sum.rule_unevaluable, 2);
    assert_double_equal(sum.mean_rule_score, 20.0, 0.0);
}

static void test_consumer_error_stops(void **state)
{
    (void)state;
    struct recorder a = {0}, b = {0};
    struct lsc_score_summary sum;
    struct lsc_error err;
    a.stop_at = 2;
    assert_int_equal(run("id,x,manual\nA,1,10\nB,2,20\nC,3,30\n", &a, &b, &sum, &err),
                     LSC_ERR_IO);
    assert_string_equal(err.message, "stop");
    assert_int_equal(a.rows, 2);
    assert_int_equal(b.rows, 1); /* the second consumer never saw row 2 */
}

static void test_duplicate_column(void **state)
{
    (void)state;
    struct recorder a = {0}, b = {0};
    struct lsc_score_summary sum;
    struct lsc_error err;
    assert_int_equal(run("id,x,manual,manual\nA,1,10,20\n", &a, &b, &sum, &err), LSC_ERR_DATA);
    assert_int_equal(err.line, 1);
    assert_int_equal(err.column, 4);
    assert_string_equal(err.message, "duplicate column name \"manual\" (also column 3)");
    assert_int_equal(a.begun, 0);
    assert_int_equal(a.rows, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_row_to_every_consumer),
        cmocka_unit_test(test_consumer_error_stops),
        cmocka_unit_test(test_duplicate_column),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
