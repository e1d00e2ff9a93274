/* train_pg_events - the activity-log features inside PostgreSQL
 * (--events-table NAME): event_features.c's features of a log file, from
 * a table of the same database, by aggregate queries.
 *
 * The log's rows are read as the file's (events.h): the id, type and time
 * trimmed; a row without an id, a type or a time skipped and counted; a
 * time that is no date (YYYY-MM-DD, then the end, T or a space; a DATE or
 * TIMESTAMP column's text is one) refused, with the count and the least.
 * Each lead's reference day is its --outcome-date (ISO), else the as-of
 * date; an event after it is not counted. Written as subqueries:
 *   ed  the log's rows: v_0 id, v_1 type, v_2 time, day (NULL: no date)
 *   lr  per lead id of the table (not missing): ref, the least reference
 *       day of its rows (a table has no first row; the file's path takes
 *       the first row's: the same when a repeated id has one date)
 *   ea  per lead with counted events: ref, the day of its first event of
 *       any type (first_any) and per chosen type k the count c_k, window
 *       counts w_k_i, first and last day f_k, l_k, weighted count s_k
 * Each query of the run that reads an event feature joins ea to its rows
 * by the trimmed lead id (as the account counts are joined), so the
 * features are numbers of t2 like any column's. The types are in name
 * order (bytes): a table has no order of first appearance. */
#include <limits.h>
#include <math.h>

#include "derive.h"
#include "event_features.h"
#include "header_match.h"
#include "train_pg_internal.h"
#include "util.h"

struct pg_events {
    char *table;   /* quoted */
    char *display; /* "NAME (PostgreSQL)" */
    size_t n_names;
    char **names; /* the log's columns */
    size_t *lens;
    size_t col[3]; /* id, type, time (log column indexes) */
    int detected[3];
    size_t lead;    /* the leads' id column (table index) */
    size_t outcome; /* --outcome-date (table index); SIZE_MAX: none */
    struct lsc_events_spec spec;
    char **types;
    size_t n_types;
    size_t missing_ids, repeated_ids, differing_ids;
};

static const char *const WHAT[3] = {"lead id", "activity type", "time"};
static const char *const OPTION[3] = {"--event-id", "--event-type", "--event-time"};

void lsc_pgtrain_events_free(struct pg_events *e)
{
    if (e == NULL)
        return;
    for (size_t k = 0; k < e->n_names; k++)
        lsc_free(e->names[k]);
    for (size_t k = 0; k < e->n_types; k++)
        lsc_free(e->types[k]);
    lsc_free(e->names);
    lsc_free(e->lens);
    lsc_free(e->types);
    lsc_free(e->table);
    lsc_free(e->display);
    lsc_free(e);
}

/* ---- the columns ------------------------------------------------------ */

/* The lead id: the first --id, else the table's column with the most
 * usual name (event_features.c's find_lead_id); no feature then. */
static enum lsc_status find_lead(struct pg_run *r, int *role, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    int best = -1;
    e->lead = SIZE_MAX;
    for (size_t k = 0; r->o->ids.count == 0 && k < r->n_names; k++) {
        int rank = k == r->target ? -1 : lsc_events_usual_rank(0, r->names[k], r->lens[k]);
        if (rank >= 0 && (best < 0 || rank < best)) {
            best = rank;
            e->lead = k;
        }
    }
    if (r->o->ids.count > 0) {
        enum header_how how;
        e->lead = lsc_header_match(r->n_names, (const char *const *)r->names, r->lens,
                                   r->o->ids.items[0], &how);
    }
    if (e->lead == SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, r->display, 0, 0,
                             "--events-table: no column of the table has a usual name for the "
                             "lead id (such as \"Prospect ID\" or \"Lead Id\"): name it with "
                             "--id COL");
    if (role[e->lead] == 0) {
        role[e->lead] = 2;
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "column \"%s\" is the lead id joining the activity log (found by its name; "
                 "choose another with --id), not a feature",
                 r->names[e->lead]);
    }
    return LSC_OK;
}

static enum lsc_status find_outcome(struct pg_run *r, int *role, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    const char *name = r->o->outcome_date;
    enum header_how how;
    e->outcome = SIZE_MAX;
    if (name == NULL)
        return LSC_OK;
    size_t j = lsc_header_match(r->n_names, (const char *const *)r->names, r->lens, name, &how);
    if (j == SIZE_MAX)
        return lsc_header_unknown(err, LSC_ERR_USAGE, r->display, 0, 0, "--outcome-date", name, how,
                                  r->n_names, (const char *const *)r->names, r->lens);
    if (j == r->target || j == e->lead)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--outcome-date: \"%s\" is the %s",
                             name, j == r->target ? "target" : "lead id");
    e->outcome = j;
    if (role[j] == 0) {
        role[j] = 2;
        lsc_logf(r->log, LSC_LOG_INFO,
                 "column \"%s\" is each lead's reference day for its events, not a feature",
                 r->names[j]);
    }
    return LSC_OK;
}

enum lsc_status lsc_pgtrain_events_roles(struct pg_run *r, int *role, struct lsc_error *err)
{
    if (r->o->events_table == NULL)
        return LSC_OK;
    if ((r->events = lsc_calloc(1, sizeof *r->events)) == NULL)
        return lsc_error_nomem(err);
    lsc_event_spec_from_options(r->o, &r->events->spec);
    enum lsc_status st = find_lead(r, role, err);
    return st == LSC_OK ? find_outcome(r, role, err) : st;
}

static enum lsc_status read_log_header(struct pg_run *r, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    struct lsc_pg_rows *rows = NULL;
    char *q = NULL;
    if ((e->table = lsc_pg_quote_table(r->o->events_table, "--events-table", err)) == NULL)
        return err != NULL && err->status != LSC_OK ? err->status : LSC_ERR_NOMEM;
    size_t n = strlen(r->o->events_table) + 16, nq = strlen(e->table) + 32;
    if ((e->display = lsc_malloc(n)) == NULL || (q = lsc_malloc(nq)) == NULL) {
        lsc_free(q);
        return lsc_error_nomem(err);
    }
    snprintf(e->display, n, "%s (PostgreSQL)", r->o->events_table);
    snprintf(q, nq, "SELECT * FROM %s LIMIT 0", e->table);
    enum lsc_status st = lsc_pg_query(r->pg, q, "reading the activity log's columns", &rows, err);
    lsc_free(q);
    if (st != LSC_OK)
        return st;
    e->n_names = lsc_pg_rows_columns(rows);
    e->names = lsc_calloc(e->n_names ? e->n_names : 1, sizeof *e->names);
    e->lens = lsc_calloc(e->n_names ? e->n_names : 1, sizeof *e->lens);
    for (size_t j = 0; st == LSC_OK && j < e->n_names; j++) {
        if (e->names == NULL || e->lens == NULL ||
            (e->names[j] = lsc_strdup(lsc_pg_rows_name(rows, j))) == NULL)
            st = lsc_error_nomem(err);
        else
            e->lens[j] = strlen(e->names[j]);
    }
    if (st == LSC_OK && (e->names == NULL || e->lens == NULL))
        st = lsc_error_nomem(err);
    lsc_pg_rows_free(rows);
    return st;
}

/* The log's column of which (0 id, 1 type, 2 time): as named (matched as
 * a header), else the most usual name (events.c's detect). */
static enum lsc_status find_log_column(struct pg_run *r, int which, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    const char *given[3] = {r->o->event_id, r->o->event_type, r->o->event_time};
    const char *const *names = (const char *const *)e->names;
    enum header_how how = HEADER_NONE;
    size_t j = SIZE_MAX;
    int best = -1;
    if (given[which] != NULL)
        j = lsc_header_match(e->n_names, names, e->lens, given[which], &how);
    for (size_t k = 0; given[which] == NULL && k < e->n_names; k++) {
        int rank = lsc_events_usual_rank(which, e->names[k], e->lens[k]);
        if (rank >= 0 && (best < 0 || rank < best)) {
            best = rank;
            j = k;
        }
    }
    e->detected[which] = given[which] == NULL;
    e->col[which] = j;
    if (j != SIZE_MAX)
        return LSC_OK;
    if (given[which] != NULL)
        return lsc_header_unknown(err, LSC_ERR_USAGE, e->display, 0, 0, OPTION[which], given[which],
                                  how, e->n_names, names, e->lens);
    return lsc_error_set(err, LSC_ERR_USAGE, e->display, 0, 0,
                         "no column with a usual name for the %s (such as \"%s\"); name it with "
                         "%s COL",
                         WHAT[which],
                         which == 0   ? "Lead Id"
                         : which == 1 ? "Activity Type"
                                      : "Timestamp",
                         OPTION[which]);
}

static enum lsc_status find_log_columns(struct pg_run *r, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    enum lsc_status st = read_log_header(r, err);
    for (int w = 0; st == LSC_OK && w < 3; w++)
        st = find_log_column(r, w, err);
    for (int a = 0; st == LSC_OK && a < 3; a++)
        for (int b = a + 1; b < 3; b++)
            if (e->col[a] == e->col[b])
                return lsc_error_set(err, LSC_ERR_USAGE, e->display, 0, 0,
                                     "column \"%s\" cannot hold both the %s and the %s: name "
                                     "them with %s and %s",
                                     e->names[e->col[a]], WHAT[a], WHAT[b], OPTION[a], OPTION[b]);
    return st;
}

/* ---- the subqueries --------------------------------------------------- */

/* ed: the log's rows, trimmed, with the day of the time (NULL: none) and
 * ok (an id, a type and a time). OFFSET 0 keeps each step a subquery of
 * its own: pulled up, every use of dy_2 or day would repeat the regular
 * expression (the scoring SQL's steps are MATERIALIZED for that). */
static void put_ed(FILE *fp, const struct pg_run *r)
{
    const struct pg_events *e = r->events;
    fputs("(SELECT v_0, v_1, v_2, ", fp);
    lsc_sql_put_day_number(fp, PG, 2);
    fputs(" AS day, NOT ", fp);
    lsc_sql_put_na_test(fp, PG, 0, NULL, 0);
    fputs(" AND v_1 IS NOT NULL AND v_1 <> '' AND NOT ", fp);
    lsc_sql_put_na_test(fp, PG, 2, NULL, 0);
    fputs(" AS ok FROM (SELECT v_0, v_1, v_2", fp);
    lsc_sql_put_date_parts(fp, PG, 2);
    fputs(" FROM (SELECT ", fp);
    for (int w = 0; w < 3; w++) {
        lsc_pgtrain_put_trimmed(fp, "lsc_ev", e->names[e->col[w]]);
        fprintf(fp, " AS v_%d%s", w, w < 2 ? ", " : "");
    }
    fprintf(fp, " FROM %s AS lsc_ev) AS e0 OFFSET 0) AS e1 OFFSET 0)", e->table);
}

/* ref of one row of the leads (v_1: its outcome date's text, od: its day,
 * NULL when it is no date). */
static void put_row_ref(FILE *fp, const struct pg_run *r)
{
    if (r->events->outcome == SIZE_MAX) {
        fprintf(fp, "%ld", r->as_of);
        return;
    }
    fputs("CASE WHEN ", fp);
    lsc_sql_put_na_test(fp, PG, 1, r->o->na_values.items, r->o->na_values.count);
    fprintf(fp, " THEN %ld ELSE od END", r->as_of);
}

/* The leads' rows: v_0 the trimmed id, v_1 the outcome date's text and od
 * its day, read as the log's times are (event_features.c reads both with
 * "%Y-%m-%d": a one-digit month or day, a time after it). */
static void put_lead_rows(FILE *fp, const struct pg_run *r)
{
    const struct pg_events *e = r->events;
    if (e->outcome == SIZE_MAX) {
        fputs("(SELECT ", fp);
        lsc_pgtrain_put_trimmed(fp, "lsc_l", r->names[e->lead]);
        fprintf(fp, " AS v_0, CAST(NULL AS TEXT) AS v_1 FROM %s AS lsc_l OFFSET 0) AS l", r->table);
        return;
    }
    fputs("(SELECT v_0, v_1, ", fp);
    lsc_sql_put_day_number(fp, PG, 1);
    fputs(" AS od FROM (SELECT v_0, v_1", fp);
    lsc_sql_put_date_parts(fp, PG, 1);
    fputs(" FROM (SELECT ", fp);
    lsc_pgtrain_put_trimmed(fp, "lsc_l", r->names[e->lead]);
    fputs(" AS v_0, ", fp);
    lsc_pgtrain_put_trimmed(fp, "lsc_l", r->names[e->outcome]);
    fprintf(fp, " AS v_1 FROM %s AS lsc_l OFFSET 0) AS l0 OFFSET 0) AS l1 OFFSET 0) AS l",
            r->table);
}

/* lr: per lead id (not missing) the least reference day of its rows. */
static void put_lr(FILE *fp, const struct pg_run *r)
{
    fputs("(SELECT v_0 AS lid, min(", fp);
    put_row_ref(fp, r);
    fputs(") AS ref FROM ", fp);
    put_lead_rows(fp, r);
    fputs(" WHERE NOT ", fp);
    lsc_sql_put_na_test(fp, PG, 0, r->o->na_values.items, r->o->na_values.count);
    fputs(" GROUP BY v_0)", fp);
}

static void put_type_test(FILE *fp, const struct pg_events *e, size_t k)
{
    fputs("e.v_1 = ", fp);
    lsc_sql_put_string(fp, PG, e->types[k]);
}

/* ea's aggregates of type k (emit_sql.c's events_ctes, with each lead's
 * own reference day). */
static void put_type_sums(FILE *fp, const struct pg_events *e, size_t k)
{
    fputs(",\n    sum(CASE WHEN ", fp);
    put_type_test(fp, e, k);
    fprintf(fp, " THEN 1 ELSE 0 END) AS c_%zu", k);
    for (size_t w = 0; w < e->spec.n_windows; w++) {
        fputs(", sum(CASE WHEN ", fp);
        put_type_test(fp, e, k);
        fprintf(fp, " AND lr.ref - e.day < %ld THEN 1 ELSE 0 END) AS w_%zu_%zu", e->spec.windows[w],
                k, w);
    }
    fputs(", min(CASE WHEN ", fp);
    put_type_test(fp, e, k);
    fprintf(fp, " THEN e.day END) AS f_%zu, max(CASE WHEN ", k);
    put_type_test(fp, e, k);
    fprintf(fp, " THEN e.day END) AS l_%zu, sum(CASE WHEN ", k);
    put_type_test(fp, e, k);
    fputs(" THEN power(0.5, CAST(lr.ref - e.day AS DOUBLE PRECISION) / ", fp);
    lsc_sql_put_num(fp, PG, e->spec.half_life);
    fputs(") ELSE ", fp);
    lsc_sql_put_num(fp, PG, 0.0);
    fprintf(fp, " END) AS s_%zu", k);
}

/* FROM ed JOIN lr: the log's rows of the table's leads. */
static void put_known_events(FILE *fp, const struct pg_run *r)
{
    fputs(" FROM ", fp);
    put_ed(fp, r);
    fputs(" AS e JOIN ", fp);
    put_lr(fp, r);
    fputs(" AS lr ON lr.lid = e.v_0 WHERE e.ok AND e.day IS NOT NULL", fp);
}

void lsc_pgtrain_events_join(FILE *fp, const struct pg_run *r)
{
    const struct pg_events *e = r->events;
    fputs("  LEFT JOIN (SELECT e.v_0 AS eid, min(lr.ref) AS ref, min(e.day) AS first_any", fp);
    for (size_t k = 0; k < e->n_types; k++)
        put_type_sums(fp, e, k);
    put_known_events(fp, r);
    fputs(" AND e.day <= lr.ref GROUP BY e.v_0) AS ea ON ea.eid = ", fp);
    lsc_pgtrain_put_trimmed(fp, "lsc_row", r->names[e->lead]);
    fputs("\n", fp);
}

static size_t type_index(const struct pg_events *e, const struct pg_col *c)
{
    size_t k = 0;
    while (k + 1 < e->n_types && e->types[k] != c->event_type)
        k++;
    return k;
}

static size_t window_index(const struct pg_events *e, const struct pg_col *c)
{
    size_t w = 0;
    while (w + 1 < e->spec.n_windows && e->spec.windows[w] != c->event_window)
        w++;
    return w;
}

void lsc_pgtrain_event_missing(FILE *fp, const struct pg_run *r, size_t j)
{
    const struct pg_col *c = &r->cols[j];
    int count = c->event_stat == LSC_EV_COUNT || c->event_stat == LSC_EV_WINDOW ||
                c->event_stat == LSC_EV_WEIGHTED;
    if (count)
        fputs("ARRAY[false]", fp);
    else
        fprintf(fp, "ARRAY[ea.f_%zu IS NULL]", type_index(r->events, c));
}

void lsc_pgtrain_event_value(FILE *fp, const struct pg_run *r, size_t j)
{
    const struct pg_col *c = &r->cols[j];
    size_t k = type_index(r->events, c);
    fputs("ARRAY[CAST(", fp);
    switch (c->event_stat) {
    case LSC_EV_COUNT:
        fprintf(fp, "COALESCE(ea.c_%zu, 0)", k);
        break;
    case LSC_EV_WINDOW:
        fprintf(fp, "COALESCE(ea.w_%zu_%zu, 0)", k, window_index(r->events, c));
        break;
    case LSC_EV_WEIGHTED:
        fprintf(fp, "COALESCE(ea.s_%zu, 0)", k);
        break;
    case LSC_EV_SINCE_FIRST:
        fprintf(fp, "ea.ref - ea.f_%zu", k);
        break;
    case LSC_EV_SINCE_LAST:
        fprintf(fp, "ea.ref - ea.l_%zu", k);
        break;
    default:
        fprintf(fp, "ea.f_%zu - ea.first_any", k);
        break; /* LSC_EV_FROM_FIRST */
    }
    fputs(" AS DOUBLE PRECISION)]", fp);
}

/* ---- the checks and the notes ------------------------------------------- */

static enum lsc_status run_query(struct pg_run *r, struct sql *q, const char *purpose,
                                 struct lsc_pg_rows **rows, struct lsc_error *err)
{
    enum lsc_status st = sql_close(q, err);
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q->s, purpose, rows, err);
    free(q->s);
    return st;
}

/* The leads' ids: missing, repeated, repeated with other reference days;
 * an outcome date that is no date (refused, exit 3, as the file's). */
static enum lsc_status check_leads(struct pg_run *r, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    const struct lsc_strings *na = &r->o->na_values;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    fputs("SELECT count(*) FILTER (WHERE na), count(*) FILTER (WHERE NOT na) - count(DISTINCT v_0) "
          "FILTER (WHERE NOT na), count(*) FILTER (WHERE ref IS NULL), min(left(v_1, 40) COLLATE "
          "\"C\") FILTER (WHERE ref IS NULL), (SELECT count(*) FROM (SELECT 1 FROM ",
          q.fp);
    put_lead_rows(q.fp, r);
    fputs(" CROSS JOIN LATERAL (SELECT ", q.fp);
    put_row_ref(q.fp, r);
    fputs(" AS ref) AS lref WHERE NOT ", q.fp);
    lsc_sql_put_na_test(q.fp, PG, 0, na->items, na->count);
    fputs(" GROUP BY v_0 HAVING min(ref) <> max(ref)) AS d)\nFROM (SELECT v_0, v_1, ", q.fp);
    lsc_sql_put_na_test(q.fp, PG, 0, na->items, na->count);
    fputs(" AS na, ", q.fp);
    put_row_ref(q.fp, r);
    fputs(" AS ref FROM ", q.fp);
    put_lead_rows(q.fp, r);
    fputs(") AS l", q.fp);
    if ((st = run_query(r, &q, "checking the leads' ids and outcome dates", &rows, err)) != LSC_OK)
        return st;
    size_t bad = count_of(lsc_pg_rows_value(rows, 0, 2));
    const char *least = lsc_pg_rows_value(rows, 0, 3);
    e->missing_ids = count_of(lsc_pg_rows_value(rows, 0, 0));
    e->repeated_ids = count_of(lsc_pg_rows_value(rows, 0, 1));
    e->differing_ids = count_of(lsc_pg_rows_value(rows, 0, 4));
    if (bad > 0)
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "--outcome-date \"%s\": \"%s\" is not a date (YYYY-MM-DD; %zu values "
                           "are not); inside PostgreSQL dates are ISO text or DATE or TIMESTAMP "
                           "columns",
                           r->names[e->outcome], least != NULL ? least : "", bad);
    lsc_pg_rows_free(rows);
    return st;
}

/* Counts of the log's rows by what became of them (events.h's stats). */
enum { F_ROWS, F_NO_ID, F_NO_TYPE, F_NO_TIME, F_BAD, F_UNKNOWN, F_AFTER, F_USED, F_N };

static enum lsc_status log_stats(struct pg_run *r, size_t *n, char *least, size_t size,
                                 size_t *unknown_ids, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    fputs("SELECT count(*)", q.fp);
    for (int f = F_NO_ID; f < F_N; f++)
        fprintf(q.fp, ", count(*) FILTER (WHERE f = %d)", f);
    fprintf(q.fp,
            ", min(left(v_2, 40) COLLATE \"C\") FILTER (WHERE f = %d), count(DISTINCT v_0) "
            "FILTER (WHERE f = %d)\nFROM (SELECT e.v_0, e.v_2, CASE WHEN ",
            F_BAD, F_UNKNOWN);
    lsc_sql_put_na_test(q.fp, PG, 0, NULL, 0);
    fprintf(q.fp, " THEN %d WHEN v_1 IS NULL OR v_1 = '' THEN %d WHEN ", F_NO_ID, F_NO_TYPE);
    lsc_sql_put_na_test(q.fp, PG, 2, NULL, 0);
    fprintf(q.fp,
            " THEN %d WHEN day IS NULL THEN %d WHEN lr.lid IS NULL THEN %d WHEN day > lr.ref "
            "THEN %d ELSE %d END AS f\n  FROM ",
            F_NO_TIME, F_BAD, F_UNKNOWN, F_AFTER, F_USED);
    put_ed(q.fp, r);
    fputs(" AS e LEFT JOIN ", q.fp);
    put_lr(q.fp, r);
    fputs(" AS lr ON lr.lid = e.v_0) AS s", q.fp);
    if ((st = run_query(r, &q, "counting the activity log's rows", &rows, err)) != LSC_OK)
        return st;
    for (int f = 0; f < F_N; f++)
        n[f] = count_of(lsc_pg_rows_value(rows, 0, (size_t)f));
    const char *v = lsc_pg_rows_value(rows, 0, F_N);
    snprintf(least, size, "%s", v != NULL ? v : "");
    *unknown_ids = count_of(lsc_pg_rows_value(rows, 0, F_N + 1));
    lsc_pg_rows_free(rows);
    return LSC_OK;
}

/* What the log held that was not counted, as event_features.c says it. */
static void note_stats(const struct pg_run *r, const size_t *n, size_t unknown_ids)
{
    const struct pg_events *e = r->events;
    const char *lead = r->names[e->lead];
    if (n[F_AFTER] > 0 && e->outcome != SIZE_MAX)
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "%zu events after their lead's outcome date (\"%s\"; the as-of date %s "
                 "without one) were not counted",
                 n[F_AFTER], r->names[e->outcome], r->as_of_text);
    else if (n[F_AFTER] > 0)
        lsc_logf(r->log, LSC_LOG_NOTE, "%zu events after the as-of date %s were not counted",
                 n[F_AFTER], r->as_of_text);
    if (n[F_UNKNOWN] > 0)
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "%zu events of %zu lead ids that are not in %s (column \"%s\") were not "
                 "counted",
                 n[F_UNKNOWN], unknown_ids, r->display, lead);
    if (n[F_NO_ID] + n[F_NO_TYPE] + n[F_NO_TIME] > 0)
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "activity log rows skipped: %zu without a lead id, %zu without a type, %zu "
                 "without a time",
                 n[F_NO_ID], n[F_NO_TYPE], n[F_NO_TIME]);
    if (e->missing_ids > 0)
        lsc_logf(r->log, LSC_LOG_NOTE, "%zu rows of %s have no lead id (\"%s\"): no events",
                 e->missing_ids, r->display, lead);
    if (e->repeated_ids > 0)
        lsc_logf(r->log, LSC_LOG_WARN,
                 "%zu rows of %s repeat a lead id (\"%s\") of another row: they get the same "
                 "events%s",
                 e->repeated_ids, r->display, lead,
                 e->differing_ids > 0 ? ", counted up to the earliest of their outcome dates" : "");
}

static enum lsc_status read_log(struct pg_run *r, struct lsc_error *err)
{
    const struct pg_events *e = r->events;
    size_t n[F_N], unknown_ids = 0;
    char least[64];
    enum lsc_status st = log_stats(r, n, least, sizeof least, &unknown_ids, err);
    if (st != LSC_OK)
        return st;
    const char *time = e->names[e->col[2]];
    if (n[F_BAD] > 0)
        return lsc_error_set(err, LSC_ERR_DATA, e->display, 0, 0,
                             "event time \"%s\" (column \"%s\") is not a date in the format "
                             "\"%%Y-%%m-%%d\" (%zu times are not); inside PostgreSQL times are "
                             "ISO text or DATE or TIMESTAMP columns",
                             least, time, n[F_BAD]);
    lsc_logf(r->log, LSC_LOG_NOTE,
             "activity log %s: %zu rows, %zu events counted (lead id \"%s\", type \"%s\", time "
             "\"%s\"%s)",
             e->display, n[F_ROWS], n[F_USED], e->names[e->col[0]], e->names[e->col[1]], time,
             e->detected[0] || e->detected[1] || e->detected[2]
                 ? "; columns found by their names, choose others with --event-id, "
                   "--event-type, --event-time"
                 : "");
    if (n[F_ROWS] == 0)
        lsc_logf(r->log, LSC_LOG_WARN, "activity log %s has no rows: no events", e->display);
    note_stats(r, n, unknown_ids);
    if (n[F_USED] == 0)
        return lsc_error_set(err, LSC_ERR_DATA, e->display, 0, 0,
                             "no event of the activity log could be counted (%zu rows: %zu of "
                             "ids not in %s, %zu after their lead's reference day, %zu without "
                             "an id, type or time)",
                             n[F_ROWS], n[F_UNKNOWN], r->display, n[F_AFTER],
                             n[F_NO_ID] + n[F_NO_TYPE] + n[F_NO_TIME]);
    return LSC_OK;
}

/* ---- the types ---------------------------------------------------------- */

/* The log's types of the table's leads in name order: name, counted
 * events, leads with counted events. */
static enum lsc_status type_counts(struct pg_run *r, struct lsc_pg_rows **rows,
                                   struct lsc_error *err)
{
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    fputs("SELECT e.v_1, count(*) FILTER (WHERE e.day <= lr.ref), count(DISTINCT e.v_0) FILTER "
          "(WHERE e.day <= lr.ref)",
          q.fp);
    put_known_events(q.fp, r);
    fputs(" GROUP BY e.v_1 ORDER BY e.v_1 COLLATE \"C\"", q.fp);
    return run_query(r, &q, "counting the activity types", rows, err);
}

static enum lsc_status choose_types(struct pg_run *r, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    struct lsc_pg_rows *rows = NULL;
    enum lsc_status st = type_counts(r, &rows, err);
    if (st != LSC_OK)
        return st;
    size_t n = lsc_pg_rows_count(rows);
    size_t *chosen = lsc_calloc(n + r->o->event_types.count + 1, sizeof *chosen);
    struct lsc_event_type_count *t = lsc_calloc(n + 1, sizeof *t);
    if (chosen == NULL || t == NULL)
        st = lsc_error_nomem(err);
    for (size_t k = 0; st == LSC_OK && k < n; k++) {
        const char *name = lsc_pg_rows_value(rows, k, 0);
        t[k].name = name != NULL ? name : "";
        t[k].events = count_of(lsc_pg_rows_value(rows, k, 1));
        t[k].leads = count_of(lsc_pg_rows_value(rows, k, 2));
    }
    size_t n_chosen = 0;
    if (st == LSC_OK)
        st = lsc_event_choose_types(t, n, r->o, e->display, chosen, &n_chosen, r->log, err);
    if (st == LSC_OK && (e->types = lsc_calloc(n_chosen + 1, sizeof *e->types)) == NULL)
        st = lsc_error_nomem(err);
    for (size_t k = 0; st == LSC_OK && k < n_chosen; k++, e->n_types++)
        if ((e->types[k] = lsc_strdup(t[chosen[k]].name)) == NULL)
            st = lsc_error_nomem(err);
    lsc_free(t);
    lsc_free(chosen);
    lsc_pg_rows_free(rows);
    return st;
}

/* ---- the candidates ------------------------------------------------------- */

static enum lsc_status add_column(struct pg_run *r, size_t k, int stat, size_t w,
                                  struct lsc_error *err)
{
    struct pg_events *e = r->events;
    struct pg_col *c = &r->cols[r->n_cols];
    char name[512];
    long window = stat == LSC_EV_WINDOW ? e->spec.windows[w] : 0;
    lsc_event_feature_name(e->types[k], stat, window, name, sizeof name);
    memset(c, 0, sizeof *c);
    if ((c->own_name = lsc_strdup(name)) == NULL)
        return lsc_error_nomem(err);
    r->n_cols++; /* run_free frees its name */
    c->name = c->own_name;
    c->force = 1;
    c->derived = DERIVE_EVENT;
    c->src = e->lead;
    c->event_type = e->types[k];
    c->event_stat = stat;
    c->event_window = window;
    c->no_indicator = lsc_event_no_missing_indicator(stat);
    for (size_t j = 0; j < r->n_names; j++)
        if (strcmp(r->names[j], name) == 0)
            return lsc_error_set(err, LSC_ERR_USAGE, r->display, 0, 0,
                                 "the activity-log feature \"%s\" has the name of a column of "
                                 "the table; rename that column",
                                 name);
    return LSC_OK;
}

enum lsc_status lsc_pgtrain_event_columns(struct pg_run *r, size_t room, struct lsc_error *err)
{
    struct pg_events *e = r->events;
    if (e == NULL)
        return LSC_OK;
    enum lsc_status st = find_log_columns(r, err);
    if (st == LSC_OK)
        st = check_leads(r, err);
    if (st == LSC_OK)
        st = read_log(r, err);
    if (st == LSC_OK)
        st = choose_types(r, err);
    if (st != LSC_OK)
        return st;
    size_t per = LSC_EV_N_STATS - 1 + e->spec.n_windows;
    struct pg_col *grown =
        lsc_reallocarray(r->cols, r->n_cols + e->n_types * per + room, sizeof *grown);
    if (grown == NULL)
        return lsc_error_nomem(err);
    r->cols = grown;
    memset(grown + r->n_cols, 0, (e->n_types * per + room) * sizeof *grown);
    for (size_t k = 0; k < e->n_types; k++)
        for (int stat = 0; stat < LSC_EV_N_STATS; stat++)
            for (size_t w = 0; w < (stat == LSC_EV_WINDOW ? e->spec.n_windows : 1); w++)
                if ((st = add_column(r, k, stat, w, err)) != LSC_OK)
                    return st;
    return LSC_OK;
}

/* ---- the model's section ------------------------------------------------------ */

enum lsc_status lsc_pgtrain_events_model(struct pg_run *r, struct lsc_error *err)
{
    const struct pg_events *pe = r->events;
    lsc_model_events_free(r->m->events);
    r->m->events = NULL;
    if (pe == NULL)
        return LSC_OK;
    struct lsc_event_section s = {
        pe->types,
        pe->n_types,
        &pe->spec,
        r->names[pe->lead],
        {pe->names[pe->col[0]], pe->names[pe->col[1]], pe->names[pe->col[2]]},
        pe->outcome != SIZE_MAX ? r->names[pe->outcome] : NULL,
        r->as_of_text,
    };
    return lsc_event_model_section(r->m, &s, r->o, err);
}
