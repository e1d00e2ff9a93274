/* events: an activity log aggregated per (lead, type) - counts, windows,
 * first/last day, the recency-weighted count, each lead's first day - all
 * computed by hand below; the fate of every skipped row; bad times strict
 * and not; columns given, misspelt and auto-detected; allocation failures. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "date.h"
#include "events.h"
#include "leadscore.h"
#include "test_helpers.h"

static long day_of(int y, int m, int d)
{
    return lsc_date_day_number(y, m, d);
}

/* A is scored as of 2026-03-31, B as of its outcome date 2026-03-10, and
 * any other id is unknown. Counts the calls. */
struct refs {
    int calls;
};

static int ref_ab(void *ud, const char *id, size_t len, long *ref)
{
    struct refs *r = ud;
    r->calls++;
    if (len == 1 && id[0] == 'A') {
        *ref = day_of(2026, 3, 31);
        return 1;
    }
    if (len == 1 && id[0] == 'B') {
        *ref = day_of(2026, 3, 10);
        return 1;
    }
    return 0;
}

/* Days before A's reference (2026-03-31) in comments. */
static const char LOG[] = "Lead Id,Activity Type,Timestamp\n"
                          "A,Page Visit,2026-03-31T09:00:00\n" /* 0 */
                          "A,Page Visit,2026-03-25\n"          /* 6 */
                          "A,Page Visit,2026-03-01 10:00\n"    /* 30 */
                          "A,Video Play,2026-01-01\n"          /* 89 */
                          "A,Page Visit,2026-04-01\n"          /* after A's ref */
                          "B,Page Visit,2026-03-10\n"          /* 0 before B's ref */
                          "B,Demo Request,2026-03-11\n"        /* after B's ref */
                          "C,Page Visit,2026-03-01\n"          /* unknown lead */
                          "C,Video Play,2026-03-02\n"          /* unknown lead */
                          ",Page Visit,2026-03-01\n"           /* no id */
                          "A,,2026-03-01\n"                    /* no type */
                          "A,Page Visit,\n"                    /* no time */
                          "A,Page Visit,NA\n"                  /* no time */
                          " A , Video Play , 2026-03-30 \n";   /* 1, trimmed */

static struct lsc_events *read_log(const char *text, struct lsc_events_spec *spec,
                                   struct lsc_events_file *info, enum lsc_status want,
                                   struct lsc_error *err)
{
    char *path = th_write_temp("log.csv", text);
    assert_non_null(path);
    struct lsc_events *ev = NULL;
    assert_int_equal(lsc_events_new(&ev, spec, err), LSC_OK);
    assert_int_equal(lsc_events_add_file(ev, path, info, err), want);
    th_remove_temp(path);
    return ev;
}

static void test_aggregates(void **state)
{
    (void)state;
    struct refs refs = {0};
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    spec.ref = ref_ab;
    spec.ref_userdata = &refs;
    struct lsc_events_file info;
    struct lsc_error err;
    struct lsc_events *ev = read_log(LOG, &spec, &info, LSC_OK, &err);
    assert_int_equal(refs.calls, 3); /* A, B, C: once each */
    assert_string_equal(info.id_column, "Lead Id");
    assert_string_equal(info.type_column, "Activity Type");
    assert_string_equal(info.time_column, "Timestamp");
    assert_int_equal(info.detected[0] && info.detected[1] && info.detected[2], 1);

    const struct lsc_events_stats *s = lsc_events_stats(ev);
    assert_int_equal(s->rows, 14);
    assert_int_equal(s->used, 6);
    assert_int_equal(s->after_ref, 2);
    assert_int_equal(s->unknown_id, 2);
    assert_int_equal(s->unknown_ids, 1);
    assert_int_equal(s->no_id, 1);
    assert_int_equal(s->no_type, 1);
    assert_int_equal(s->no_time, 2);
    assert_int_equal(s->bad_time, 0);
    assert_memory_equal(s, &info.stats, sizeof *s); /* one file: the same */

    /* Types in the order first seen; C's rows add none. */
    assert_int_equal(lsc_events_n_types(ev), 3);
    assert_string_equal(lsc_events_type_name(ev, 0), "Page Visit");
    assert_string_equal(lsc_events_type_name(ev, 1), "Video Play");
    assert_string_equal(lsc_events_type_name(ev, 2), "Demo Request");
    size_t pv = lsc_events_type_find(ev, "Page Visit", 10);
    size_t vp = lsc_events_type_find(ev, "Video Play", 10);
    size_t dr = lsc_events_type_find(ev, "Demo Request", 12);
    assert_int_equal(lsc_events_type_find(ev, "page visit", 10), SIZE_MAX);
    assert_int_equal(lsc_events_type_count(ev, pv), 4);
    assert_int_equal(lsc_events_type_leads(ev, pv), 2);
    assert_int_equal(lsc_events_type_count(ev, vp), 2);
    assert_int_equal(lsc_events_type_count(ev, dr), 0);
    assert_int_equal(lsc_events_type_leads(ev, dr), 0);

    size_t a = lsc_events_lead_find(ev, " A", 2), b = lsc_events_lead_find(ev, "B", 1);
    assert_int_not_equal(a, SIZE_MAX);
    assert_int_not_equal(b, SIZE_MAX);
    assert_int_equal(lsc_events_lead_find(ev, "C", 1), SIZE_MAX);
    assert_int_equal(lsc_events_n_leads(ev), 2);
    assert_string_equal(lsc_events_lead_id(ev, a), "A");
    assert_int_equal(lsc_events_lead_ref(ev, b), day_of(2026, 3, 10));

    /* A, Page Visit: days 0, 6 and 30 before the reference. */
    struct lsc_event_agg g;
    assert_int_equal(lsc_events_agg(ev, a, pv, &g), 3);
    assert_int_equal(g.first_day, day_of(2026, 3, 1));
    assert_int_equal(g.last_day, day_of(2026, 3, 31));
    assert_int_equal(g.in_window[0], 2); /* < 7: 0, 6 */
    assert_int_equal(g.in_window[1], 2); /* < 30: 0, 6 (30 is not) */
    assert_int_equal(g.in_window[2], 3); /* < 90 */
    assert_double_equal(g.weighted, 1.0 + pow(0.5, 6.0 / 30.0) + 0.5, 1e-15);
    assert_double_equal(g.weighted, 2.3705505632961241, 1e-15);

    /* A, Video Play: days 89 and 1. */
    assert_int_equal(lsc_events_agg(ev, a, vp, &g), 2);
    assert_int_equal(g.first_day, day_of(2026, 1, 1));
    assert_int_equal(g.last_day, day_of(2026, 3, 30));
    assert_int_equal(g.in_window[0], 1);
    assert_int_equal(g.in_window[1], 1);
    assert_int_equal(g.in_window[2], 2);
    assert_double_equal(g.weighted, pow(0.5, 89.0 / 30.0) + pow(0.5, 1.0 / 30.0), 1e-15);

    /* B: one page visit on its reference day; its demo request was later. */
    assert_int_equal(lsc_events_agg(ev, b, pv, &g), 1);
    assert_int_equal(g.in_window[0], 1);
    assert_double_equal(g.weighted, 1.0, 0.0);
    assert_int_equal(lsc_events_agg(ev, b, dr, &g), 0);
    assert_int_equal(g.in_window[2], 0);
    assert_double_equal(g.weighted, 0.0, 0.0);
    assert_int_equal(lsc_events_agg(ev, SIZE_MAX, pv, &g), 0);

    long first = 0;
    assert_int_equal(lsc_events_lead_first_day(ev, a, &first), 1);
    assert_int_equal(first, day_of(2026, 1, 1));
    assert_int_equal(lsc_events_lead_first_day(ev, b, &first), 1);
    assert_int_equal(first, day_of(2026, 3, 10));
    lsc_events_free(ev);
}

/* Without a callback every id is a lead, all as of spec.as_of; windows
 * and half-life as given; a second file adds to the first. */
static void test_as_of_two_files(void **state)
{
    (void)state;
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    spec.as_of = day_of(2026, 3, 31);
    spec.windows[0] = 1;
    spec.windows[1] = 2;
    spec.n_windows = 2;
    spec.half_life = 2.0;
    struct lsc_error err;
    struct lsc_events *ev = NULL;
    assert_int_equal(lsc_events_new(&ev, &spec, &err), LSC_OK);
    char *p1 = th_write_temp("a.csv", "id;event;date\nX;open;2026-03-31\nX;open;2026-03-29\n");
    char *p2 = th_write_temp("b.csv", "id,event,date\nX,open,2026-03-30\nY,open,2026-04-02\n");
    struct lsc_events_file info;
    assert_int_equal(lsc_events_add_file(ev, p1, &info, &err), LSC_OK);
    assert_int_equal(lsc_events_add_file(ev, p2, &info, &err), LSC_OK);
    th_remove_temp(p1);
    th_remove_temp(p2);
    assert_int_equal(info.stats.rows, 2);
    assert_int_equal(info.stats.after_ref, 1);
    assert_int_equal(lsc_events_stats(ev)->rows, 4);
    assert_int_equal(lsc_events_stats(ev)->used, 3);
    assert_int_equal(lsc_events_n_leads(ev), 2); /* Y appeared, with no counted event */
    size_t x = lsc_events_lead_find(ev, "X", 1), y = lsc_events_lead_find(ev, "Y", 1);
    long first = 0;
    assert_int_equal(lsc_events_lead_first_day(ev, y, &first), 0);
    struct lsc_event_agg g;
    assert_int_equal(lsc_events_agg(ev, x, 0, &g), 3); /* days 0, 2, 1 */
    assert_int_equal(g.in_window[0], 1);               /* < 1: day 0 */
    assert_int_equal(g.in_window[1], 2);               /* < 2: days 0, 1 */
    assert_double_equal(g.weighted, 1.0 + 0.5 + pow(0.5, 0.5), 1e-15);
    assert_int_equal(g.first_day, day_of(2026, 3, 29));
    assert_int_equal(g.last_day, day_of(2026, 3, 31));
    assert_int_equal(lsc_events_agg(ev, y, 0, &g), 0);
    lsc_events_free(ev);
}

static const char BAD_TIME[] = "lead_id,activity,time\n"
                               "A,Page Visit,2026-03-01\n"
                               "A,Page Visit,31/03/2026\n"
                               "A,Page Visit,2026-02-30\n";

static void test_bad_time(void **state)
{
    (void)state;
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    spec.as_of = day_of(2026, 3, 31);
    struct lsc_events_file info;
    struct lsc_error err;
    struct lsc_events *ev = read_log(BAD_TIME, &spec, &info, LSC_OK, &err);
    const struct lsc_events_stats *s = lsc_events_stats(ev);
    assert_int_equal(s->rows, 3);
    assert_int_equal(s->used, 1);
    assert_int_equal(s->bad_time, 2);
    assert_int_equal(s->bad_line, 3);
    assert_int_equal(s->bad_column, 3);
    assert_string_equal(s->bad_value, "31/03/2026");
    assert_non_null(strstr(s->bad_file, "log.csv"));
    lsc_events_free(ev);

    spec.strict_time = 1;
    ev = read_log(BAD_TIME, &spec, &info, LSC_ERR_DATA, &err);
    assert_int_equal(err.line, 3);
    assert_int_equal(err.column, 3);
    assert_non_null(strstr(err.file, "log.csv"));
    assert_string_equal(err.message,
                        "event time \"31/03/2026\" is not a date in the format \"%Y-%m-%d\"");
    assert_int_equal(lsc_events_stats(ev)->used, 1); /* the rows before it */
    lsc_events_free(ev);

    /* The same log read with its own format. */
    spec.date_format = "%d/%m/%Y";
    ev = read_log("id,type,date\nA,x,31/03/2026\nA,x,1/3/2026 10:00\n", &spec, &info, LSC_OK, &err);
    struct lsc_event_agg g;
    assert_int_equal(lsc_events_agg(ev, 0, 0, &g), 2);
    assert_int_equal(g.first_day, day_of(2026, 3, 1));
    lsc_events_free(ev);
}

static void test_columns(void **state)
{
    (void)state;
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    struct lsc_events_file info;
    struct lsc_error err;
    const char *log = "Prospect ID,Event_Type,Created At,Activity Date\nP1,open,2026-01-01,x\n";

    /* Auto-detected: the usual names in their order of preference. */
    struct lsc_events *ev = read_log(log, &spec, &info, LSC_OK, &err);
    assert_string_equal(info.id_column, "Prospect ID");
    assert_string_equal(info.type_column, "Event_Type");
    assert_string_equal(info.time_column, "Activity Date"); /* before "created at" */
    lsc_events_free(ev);

    /* Given: exact, else ignoring case. */
    spec.time_column = "created at";
    spec.as_of = day_of(2026, 12, 31);
    ev = read_log(log, &spec, &info, LSC_OK, &err);
    assert_string_equal(info.time_column, "Created At");
    assert_int_equal(info.detected[2], 0);
    assert_int_equal(lsc_events_stats(ev)->used, 1);
    lsc_events_free(ev);

    /* Misspelt: the closest name and the header. */
    spec.time_column = "Create At";
    ev = read_log(log, &spec, &info, LSC_ERR_USAGE, &err);
    assert_string_equal(err.message,
                        "unknown column \"Create At\" in --event-time (did you mean \"Created "
                        "At\"?); the header has: \"Prospect ID\", \"Event_Type\", \"Created At\", "
                        "\"Activity Date\"");
    lsc_events_free(ev);

    /* Nothing close. */
    spec.time_column = "zzz";
    ev = read_log(log, &spec, &info, LSC_ERR_USAGE, &err);
    assert_non_null(strstr(err.message, "unknown column \"zzz\" in --event-time; the header has:"));
    lsc_events_free(ev);

    /* Nothing usual. */
    lsc_events_spec_defaults(&spec);
    ev = read_log("who,what,when\nA,x,2026-01-01\n", &spec, &info, LSC_ERR_USAGE, &err);
    assert_non_null(strstr(err.message, "no column with a usual name for the lead id"));
    assert_non_null(strstr(err.message, "--event-id COL"));
    lsc_events_free(ev);

    /* One column for two roles. */
    spec.id_column = "who";
    spec.type_column = "what";
    spec.time_column = "WHO";
    ev = read_log("who,what,when\nA,x,2026-01-01\n", &spec, &info, LSC_ERR_USAGE, &err);
    assert_non_null(strstr(err.message, "cannot hold both the lead id and the event time"));
    lsc_events_free(ev);
}

static void test_empty_and_spec(void **state)
{
    (void)state;
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    struct lsc_events_file info;
    struct lsc_error err;
    struct lsc_events *ev = read_log("", &spec, &info, LSC_ERR_DATA, &err);
    assert_non_null(strstr(err.message, "empty"));
    lsc_events_free(ev);
    ev = read_log("id,type,time\n", &spec, &info, LSC_OK, &err);
    assert_int_equal(info.stats.rows, 0);
    assert_int_equal(lsc_events_n_types(ev), 0);
    assert_int_equal(lsc_events_n_leads(ev), 0);
    lsc_events_free(ev);

    spec.windows[1] = 0;
    assert_int_equal(lsc_events_spec_check(&spec, &err), LSC_ERR_USAGE);
    assert_null(ev = NULL);
    assert_int_equal(lsc_events_new(&ev, &spec, &err), LSC_ERR_USAGE);
    assert_null(ev);
    lsc_events_spec_defaults(&spec);
    spec.half_life = 0.0;
    assert_int_equal(lsc_events_spec_check(&spec, &err), LSC_ERR_USAGE);
    spec.half_life = 1.0;
    spec.date_format = "%Y-%m";
    assert_int_equal(lsc_events_spec_check(&spec, &err), LSC_ERR_USAGE);
    spec.date_format = NULL;
    spec.n_windows = LSC_EVENTS_MAX_WINDOWS + 1;
    assert_int_equal(lsc_events_spec_check(&spec, &err), LSC_ERR_USAGE);
    spec.n_windows = 0;
    assert_int_equal(lsc_events_spec_check(&spec, &err), LSC_OK);
}

/* Enough leads and types to grow every table several times; each
 * aggregate follows from the generator. Lead i has (i % 5) + 1 events of
 * type t (t = 0..2) on days ref - 0, ref - 10, ref - 20, ... */
static void test_many(void **state)
{
    (void)state;
    char *path = th_write_temp("many.csv", "");
    assert_non_null(path);
    FILE *fp = fopen(path, "w");
    assert_non_null(fp);
    fputs("id,type,time\n", fp);
    long ref = day_of(2026, 6, 30);
    for (int rep = 0; rep < 5; rep++)
        for (int i = 0; i < 6000; i++)
            for (int t = 0; t < 3; t++)
                if (rep <= i % 5)
                    fprintf(fp, "L%d,t%d,2026-06-%02d\n", i, t, 30 - rep * 5);
    fclose(fp);
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    spec.as_of = ref;
    struct lsc_error err;
    struct lsc_events *ev = NULL;
    assert_int_equal(lsc_events_new(&ev, &spec, &err), LSC_OK);
    assert_int_equal(lsc_events_add_file(ev, path, NULL, &err), LSC_OK);
    th_remove_temp(path);
    assert_int_equal(lsc_events_n_leads(ev), 6000);
    assert_int_equal(lsc_events_n_types(ev), 3);
    for (int i = 0; i < 6000; i += 7) {
        char id[16];
        int n = snprintf(id, sizeof id, "L%d", i);
        size_t lead = lsc_events_lead_find(ev, id, (size_t)n);
        for (size_t t = 0; t < 3; t++) {
            struct lsc_event_agg g;
            size_t want = (size_t)(i % 5) + 1; /* days 0, 5, 10, 15, 20 before ref */
            assert_int_equal(lsc_events_agg(ev, lead, t, &g), want);
            assert_int_equal(g.in_window[0], want < 2 ? want : 2);
            assert_int_equal(g.last_day, ref);
            assert_int_equal(g.first_day, ref - 5 * (long)(want - 1));
        }
    }
    lsc_events_free(ev);
}

/* A lead with more types than its record holds (the overflow table), and
 * leads registered before the log: numbered first, their own reference
 * days, the callback asked only about the others. */
static void test_registered_many_types(void **state)
{
    (void)state;
    struct refs refs = {0};
    struct lsc_events_spec spec;
    lsc_events_spec_defaults(&spec);
    spec.ref = ref_ab; /* A and B; registered leads are not asked about */
    spec.ref_userdata = &refs;
    spec.n_windows = 1;
    spec.windows[0] = 3;
    struct lsc_error err;
    struct lsc_events *ev = NULL;
    assert_int_equal(lsc_events_new(&ev, &spec, &err), LSC_OK);
    size_t lead = 0;
    int added = 0;
    assert_int_equal(lsc_events_add_lead(ev, " R ", 3, day_of(2026, 1, 10), &lead, &added, &err),
                     LSC_OK);
    assert_int_equal(lead, 0);
    assert_int_equal(added, 1);
    assert_int_equal(lsc_events_add_lead(ev, "R", 1, day_of(2027, 1, 1), &lead, &added, &err),
                     LSC_OK);
    assert_int_equal(added, 0); /* the first reference day stays */
    assert_int_equal(lsc_events_lead_ref(ev, 0), day_of(2026, 1, 10));
    /* R: types t0..t9, type k k+1 times on 2026-01-(10-k); A: t9 once */
    char text[4096] = "id,type,time\nA,t9,2026-03-01\n";
    for (int rep = 0; rep < 10; rep++)
        for (int k = 0; k < 10; k++)
            if (rep <= k) {
                size_t at = strlen(text);
                snprintf(text + at, sizeof text - at, "R,t%d,2026-01-%02d\n", k, 10 - k);
            }
    char *path = th_write_temp("log.csv", text);
    assert_int_equal(lsc_events_add_file(ev, path, NULL, &err), LSC_OK);
    th_remove_temp(path);
    assert_int_equal(refs.calls, 1); /* A only */
    assert_int_equal(lsc_events_n_leads(ev), 2);
    assert_int_equal(lsc_events_lead_find(ev, "A", 1), 1);
    assert_int_equal(lsc_events_n_types(ev), 10);
    assert_int_equal(lsc_events_stats(ev)->used, 56);
    for (int k = 0; k < 10; k++) {
        char name[8];
        int n = snprintf(name, sizeof name, "t%d", k);
        size_t t = lsc_events_type_find(ev, name, (size_t)n);
        struct lsc_event_agg g;
        lsc_events_prefetch(ev, 0);
        assert_int_equal(lsc_events_agg(ev, 0, t, &g), (size_t)k + 1);
        assert_int_equal(g.first_day, day_of(2026, 1, 10 - k));
        assert_int_equal(g.in_window[0], k < 3 ? (size_t)k + 1 : 0); /* 10 - day < 3 */
        assert_double_equal(g.weighted, (k + 1) * pow(0.5, k / 30.0), 1e-13);
        assert_int_equal(lsc_events_type_leads(ev, t), k == 9 ? 2 : 1);
    }
    long first = 0;
    assert_int_equal(lsc_events_lead_first_day(ev, 0, &first), 1);
    assert_int_equal(first, day_of(2026, 1, 1));
    assert_string_equal(lsc_events_lead_id(ev, 0), "R");
    lsc_events_free(ev);
}

/* Every allocation of a read can fail cleanly (no leak, LSC_ERR_NOMEM). */
static void test_alloc_fail(void **state)
{
    (void)state;
    char *path = th_write_temp("log.csv", LOG);
    assert_non_null(path);
    int done = 0;
    for (size_t budget = 0; !done && budget < 10000; budget++) {
        struct th_budget b = {budget};
        struct lsc_allocator al = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&al);
        struct refs refs = {0};
        struct lsc_events_spec spec;
        lsc_events_spec_defaults(&spec);
        spec.ref = ref_ab;
        spec.ref_userdata = &refs;
        struct lsc_error err;
        struct lsc_events *ev = NULL;
        enum lsc_status st = lsc_events_new(&ev, &spec, &err);
        if (st == LSC_OK)
            st = lsc_events_add_file(ev, path, NULL, &err);
        if (st == LSC_OK) {
            assert_int_equal(lsc_events_stats(ev)->used, 6);
            done = 1;
        } else {
            assert_int_equal(st, LSC_ERR_NOMEM);
        }
        lsc_events_free(ev);
        lsc_set_allocator(NULL);
    }
    assert_int_equal(done, 1);
    th_remove_temp(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_aggregates),
        cmocka_unit_test(test_as_of_two_files),
        cmocka_unit_test(test_bad_time),
        cmocka_unit_test(test_columns),
        cmocka_unit_test(test_empty_and_spec),
        cmocka_unit_test(test_many),
        cmocka_unit_test(test_registered_many_types),
        cmocka_unit_test(test_alloc_fail),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
