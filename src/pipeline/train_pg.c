/* leadscore-train --postgres CONNINFO --table NAME: the fit runs inside
 * PostgreSQL (docs/warehouse.md). The encoding pass and every Newton
 * iteration are aggregate queries over the table; only per-column
 * summaries and the p x p matrix come back. The solve, the inference and
 * the model file are made here, by the same code as the CSV path
 * (encoder.h's lsc_encoder_fit_summaries, newton.h, stats.h). */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "baseline.h"
#include "cv.h"
#include "derive.h"
#include "date_split.h"
#include "diagnostics.h"
#include "dict.h"
#include "encoder.h"
#include "enet.h"
#include "header_match.h"
#include "linalg.h"
#include "label_map.h"
#include "leadscore/model.h"
#include "model_def.h"
#include "newton.h"
#include "output_set.h"
#include "pg_query.h"
#include "report_html.h"
#include "sha256.h"
#include "split.h"
#include "sql_text.h"
#include "stats.h"
#include "status_internal.h"
#include "train_internal.h"
#include "train_pg_internal.h"
#include "weights.h"

#define MAX_TARGET_VALUES 1000
#define PROFILE_CHUNK 100 /* columns per profile query (11 values each) */

/* ---- SQL text --------------------------------------------------------- */

/* 1 when v (a trimmed text) is a date lsc_parse_iso_date() reads: four,
 * two and two digits with dashes, then the end, T or a space; a year from
 * 1, a month from 1 to 12, a day within the month. */
void lsc_pgtrain_put_iso_valid(FILE *fp, const char *v)
{
    fprintf(fp, "CASE WHEN %s ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ]|$)' THEN substr(%s, 1, 4) <> "
                "'0000' AND substr(%s, 6, 2) BETWEEN '01' AND '12' AND substr(%s, 9, 2) BETWEEN "
                "'01' AND CASE WHEN substr(%s, 6, 2) IN ('04', '06', '09', '11') THEN '30' WHEN "
                "substr(%s, 6, 2) <> '02' THEN '31' WHEN CAST(substr(%s, 1, 4) AS INTEGER) %% 4 "
                "= 0 AND (CAST(substr(%s, 1, 4) AS INTEGER) %% 100 <> 0 OR CAST(substr(%s, 1, 4) "
                "AS INTEGER) %% 400 = 0) THEN '29' ELSE '28' END ELSE false END",
            v, v, v, v, v, v, v, v, v);
}

/* hold: the row is in the holdout. By date (date_split.h): the date on or
 * after the cutoff (ISO dates compare as text), NULL for a missing or bad
 * date (in neither the first fit nor the validation); by id (split.h,
 * lsc_split_by_id): the id's hash. */
static void put_hold(FILE *fp, const struct pg_run *r)
{
    size_t I = id_slot(r), D = date_slot(r);
    if (by_date(r)) {
        char day[16], v[32];
        lsc_date_split_normalise(r->o->cutoff, NULL, day);
        snprintf(v, sizeof v, "v_%zu", D);
        fprintf(fp, "ARRAY[CASE WHEN na_%zu THEN NULL WHEN ", D);
        lsc_pgtrain_put_iso_valid(fp, v);
        fprintf(fp, " THEN left(v_%zu, 10) COLLATE \"C\" >= '%s' END]", D, day);
        return;
    }
    if (!by_id(r)) {
        fputs("ARRAY[false]", fp);
        return;
    }
    fprintf(fp, "ARRAY[CASE WHEN na_%zu THEN false ELSE CAST(CAST('x' || substr(encode(sha256("
                "convert_to('%lu:' || v_%zu, 'UTF8')), 'hex'), 1, 8) AS BIT(32)) AS BIGINT) < "
                "%llu END]",
            I, r->o->seed, I, (unsigned long long)lsc_split_id_threshold(r->o->holdout));
}

/* fold: the row's --cv fold by its id (split.h, lsc_split_id_fold), -1
 * (always fitted, never validated) without an id. */
static void put_fold(FILE *fp, const struct pg_run *r)
{
    size_t I = id_slot(r);
    fprintf(fp, "ARRAY[CASE WHEN na_%zu THEN -1 ELSE (CAST(CAST('x' || substr(encode(sha256("
                "convert_to('%lu:fold:' || v_%zu, 'UTF8')), 'hex'), 1, 8) AS BIT(32)) AS BIGINT) "
                "* %zu) >> 32 END]",
            I, r->o->seed, I, r->o->cv_folds);
}

void lsc_pgtrain_lateral_begin(struct lateral *l, FILE *fp, FILE *select, const char *alias)
{
    l->fp = fp;
    l->select = select;
    l->alias = alias;
    l->n = l->chunk = 0;
    l->names.fp = NULL;
}

static void lateral_close(struct lateral *l)
{
    if (l->names.fp == NULL)
        return;
    sql_close(&l->names, NULL);
    if (l->select != NULL)
        fprintf(l->select, "%s%s%zu.*", ftell(l->select) > 0 ? ", " : "", l->alias, l->chunk);
    fprintf(l->fp, ") AS %s%zu(%s)\n", l->alias, l->chunk++, l->names.s ? l->names.s : "");
    free(l->names.s);
    l->names.fp = NULL;
}

/* Starts the next value: the caller writes its expression to l->fp. */
void lsc_pgtrain_lateral_value(struct lateral *l, const char *name_fmt, size_t k)
{
    if (l->n > 0 && l->n % LAT_ARGS == 0)
        lateral_close(l);
    if (l->names.fp == NULL) {
        sql_open(&l->names, NULL);
        fputs("  CROSS JOIN LATERAL unnest(", l->fp);
    } else {
        fputs(", ", l->fp);
        fputs(", ", l->names.fp);
    }
    fprintf(l->names.fp, name_fmt, k);
    l->n++;
}

void lsc_pgtrain_lateral_end(struct lateral *l) { lateral_close(l); }

void lsc_pgtrain_put_trimmed(FILE *fp, const char *alias, const char *name)
{
    fprintf(fp, "btrim(CAST(%s.", alias);
    lsc_sql_put_ident(fp, name);
    fputs(" AS TEXT), ' ' || chr(9))", fp);
}

/* v_j: column name's trimmed text. */
static void put_text(struct lateral *l, const char *name, size_t j)
{
    lsc_pgtrain_lateral_value(l, "v_%zu", j);
    fputs("ARRAY[", l->fp);
    lsc_pgtrain_put_trimmed(l->fp, "lsc_row", name);
    fputc(']', l->fp);
}

/* x_j without the emitter's leading ",\n    " and trailing " AS x_j". */
static void put_number(struct lateral *l, size_t j)
{
    struct sql q;
    lsc_pgtrain_lateral_value(l, "x_%zu", j);
    if (sql_open(&q, NULL) != LSC_OK)
        return;
    lsc_sql_put_number_value(q.fp, PG, j);
    if (sql_close(&q, NULL) != LSC_OK)
        return;
    char *as = strrchr(q.s, 'A');
    size_t len = as != NULL && as > q.s + 6 ? (size_t)(as - 1 - (q.s + 6)) : 0;
    fprintf(l->fp, "ARRAY[%.*s]", (int)len, q.s + 6);
    free(q.s);
}

/* x_j of a --days-since candidate: as_of minus the ISO date in v_j (the
 * source's text; derive.h), NULL when missing or not a date (counted as
 * text by the profile, and refused). */
static void put_days_since(struct lateral *l, const struct pg_run *r, size_t j)
{
    char v[32];
    snprintf(v, sizeof v, "v_%zu", j);
    lsc_pgtrain_lateral_value(l, "x_%zu", j);
    fprintf(l->fp, "ARRAY[CASE WHEN na_%zu THEN NULL WHEN ", j);
    lsc_pgtrain_put_iso_valid(l->fp, v);
    fprintf(l->fp, " THEN CAST(DATE '%s' - CAST(left(v_%zu, 10) AS DATE) AS DOUBLE PRECISION) END]",
            r->as_of_text, j);
}

void lsc_pgtrain_put_account_counts(FILE *fp, const struct pg_run *r, size_t j)
{
    const struct lsc_strings *na = &r->o->na_values;
    fputs("SELECT ", fp);
    lsc_sql_put_account_key(fp, PG, j);
    fputs(", count(*) FROM (SELECT ", fp);
    lsc_pgtrain_put_trimmed(fp, "lsc_row", r->names[r->cols[j].src]);
    fprintf(fp, " AS v_%zu FROM %s AS lsc_row) AS a WHERE NOT ", j, r->table);
    lsc_sql_put_na_test(fp, PG, j, na->items, na->count);
    fputs(" GROUP BY 1", fp);
}

/* acc_j.n: the rows of the row's account (by the key of v_j), for each
 * --account-column candidate read. */
static void put_account_joins(FILE *fp, const struct pg_run *r, const unsigned char *use)
{
    for (size_t j = 0; j < r->n_cols; j++) {
        if ((use != NULL && !use[j]) || r->cols[j].derived != DERIVE_ACCOUNT)
            continue;
        fputs("  LEFT JOIN (", fp);
        lsc_pgtrain_put_account_counts(fp, r, j);
        fprintf(fp, ") AS acc_%zu(k, n) ON acc_%zu.k = ", j, j);
        lsc_sql_put_account_key(fp, PG, j);
        fputs("\n", fp);
    }
}

/* x_j of an --account-column candidate: its account's rows, 1 when the
 * account is missing (sna_j); never missing itself (na_j false). */
static void put_account_count(struct lateral *l, size_t j)
{
    lsc_pgtrain_lateral_value(l, "x_%zu", j);
    fprintf(l->fp,
            "ARRAY[CAST(CASE WHEN sna_%zu THEN 1 ELSE COALESCE(acc_%zu.n, 1) END AS DOUBLE "
            "PRECISION)]",
            j, j);
}

/* x_j of an activity-log candidate (train_pg_events.c). */
static void put_event_value(struct lateral *l, const struct pg_run *r, size_t j)
{
    lsc_pgtrain_lateral_value(l, "x_%zu", j);
    lsc_pgtrain_event_value(l->fp, r, j);
}

/* 1 when a candidate listed in use (NULL: all) is an activity-log
 * feature: the query joins the leads' aggregates. */
static int reads_events(const struct pg_run *r, const unsigned char *use)
{
    for (size_t j = 0; r->events != NULL && j < r->n_cols; j++)
        if ((use == NULL || use[j]) && r->cols[j].derived == DERIVE_EVENT)
            return 1;
    return 0;
}

/* WITH t2: per row of the table the trimmed text v_j, na_j, the numbers
 * x_j (BASE_NUMBERS) of the candidates listed in use (NULL: all), y and
 * hold, and with BASE_WEIGHT (when there is a --weight column) its x. */
static void put_base(FILE *fp, const struct pg_run *r, const unsigned char *use, int flags)
{
    size_t T = target_slot(r), I = id_slot(r), W = weight_slot(r);
    int numbers = flags & BASE_NUMBERS, wcol = (flags & BASE_WEIGHT) && has_weight(r);
    const struct lsc_strings *na = &r->o->na_values;
    struct lateral l;
    struct sql body, sel;
    if (sql_open(&body, NULL) != LSC_OK)
        return;
    if (sql_open(&sel, NULL) != LSC_OK) {
        sql_close(&body, NULL);
        free(body.s);
        return;
    }
    if (reads_events(r, use))
        lsc_pgtrain_events_join(body.fp, r);
    lsc_pgtrain_lateral_begin(&l, body.fp, sel.fp, "t0_");
    for (size_t j = 0; j < r->n_cols; j++)
        if (use == NULL || use[j])
            put_text(&l, r->cols[j].derived ? r->names[r->cols[j].src] : r->cols[j].name, j);
    if (reads_id(r))
        put_text(&l, r->names[r->id], I);
    if (by_date(r))
        put_text(&l, r->names[r->date], date_slot(r));
    put_text(&l, r->names[r->target], T);
    if (wcol)
        put_text(&l, r->names[r->weight], W);
    lsc_pgtrain_lateral_end(&l);
    lsc_pgtrain_lateral_begin(&l, body.fp, sel.fp, "t1_");
    for (size_t j = 0; j <= I; j++) {
        if ((j < r->n_cols && use != NULL && !use[j]) || (j == I && !reads_id(r)))
            continue;
        lsc_pgtrain_lateral_value(&l, "na_%zu", j);
        if (j < r->n_cols && r->cols[j].derived == DERIVE_EVENT) {
            lsc_pgtrain_event_missing(body.fp, r, j);
            continue;
        }
        if (j < r->n_cols && r->cols[j].derived == DERIVE_ACCOUNT) {
            fputs("ARRAY[false]", body.fp);
            lsc_pgtrain_lateral_value(&l, "sna_%zu", j);
        }
        fputs("ARRAY[", body.fp);
        lsc_sql_put_na_test(body.fp, PG, j, na->items, na->count);
        fputs("]", body.fp);
    }
    if (by_date(r)) {
        lsc_pgtrain_lateral_value(&l, "na_%zu", date_slot(r));
        fputs("ARRAY[", body.fp);
        lsc_sql_put_na_test(body.fp, PG, date_slot(r), na->items, na->count);
        fputs("]", body.fp);
    }
    if (wcol) {
        lsc_pgtrain_lateral_value(&l, "na_%zu", W);
        fputs("ARRAY[", body.fp);
        lsc_sql_put_na_test(body.fp, PG, W, na->items, na->count);
        fputs("]", body.fp);
    }
    lsc_pgtrain_lateral_end(&l);
    if (numbers)
        put_account_joins(body.fp, r, use);
    lsc_pgtrain_lateral_begin(&l, body.fp, sel.fp, "t2_");
    lsc_pgtrain_lateral_value(&l, "y", 0);
    fprintf(body.fp, "ARRAY[CASE WHEN na_%zu THEN NULL ELSE %s END]", T,
            r->y_case != NULL ? r->y_case : "0");
    lsc_pgtrain_lateral_value(&l, "hold", 0);
    put_hold(body.fp, r);
    if (cv_on(r)) {
        lsc_pgtrain_lateral_value(&l, "fold", 0);
        put_fold(body.fp, r);
    }
    for (size_t j = 0; numbers && j < r->n_cols; j++)
        if (use != NULL && !use[j])
            continue;
        else if (r->cols[j].derived == DERIVE_ACCOUNT)
            put_account_count(&l, j);
        else if (r->cols[j].derived == DERIVE_EVENT)
            put_event_value(&l, r, j);
        else if (r->cols[j].derived)
            put_days_since(&l, r, j);
        else
            put_number(&l, j);
    if (wcol)
        put_number(&l, W);
    lsc_pgtrain_lateral_end(&l);
    sql_close(&body, NULL);
    sql_close(&sel, NULL);
    fprintf(fp, "WITH t2 AS (\n  SELECT %s\n  FROM %s AS lsc_row\n%s)\n", sel.s ? sel.s : "",
            r->table, body.s != NULL ? body.s : "");
    free(body.s);
    free(sel.s);
}

enum lsc_status lsc_pgtrain_open_query(const struct pg_run *r, struct sql *q, enum base_cols cols,
                                       size_t from, size_t to, int flags, struct lsc_error *err)
{
    unsigned char *use = lsc_calloc(r->n_cols + 1, 1);
    enum lsc_status st = use != NULL ? sql_open(q, err) : lsc_error_nomem(err);
    if (st != LSC_OK) {
        lsc_free(use);
        return st;
    }
    for (size_t j = from; cols == COLS_RANGE && j < to; j++)
        use[j] = 1;
    for (size_t j = 0; cols == COLS_KEPT && j < r->n_cols; j++)
        use[j] = !r->cols[j].excluded;
    for (size_t a = 0; cols == COLS_MODEL && a < r->m->n_columns; a++)
        use[r->col_of[a]] = 1;
    for (size_t j = 0; cols == COLS_CUTTING && j < r->n_cols; j++)
        use[j] = (unsigned char)cutting(&r->cols[j]);
    put_base(q->fp, r, use, flags);
    lsc_free(use);
    return LSC_OK;
}

void lsc_pgtrain_digest_rows(struct pg_run *r, const struct lsc_pg_rows *rows)
{
    for (size_t i = 0; i < lsc_pg_rows_count(rows); i++)
        for (size_t j = 0; j < lsc_pg_rows_columns(rows); j++) {
            const char *v = lsc_pg_rows_value(rows, i, j);
            lsc_sha256_update(&r->digest, v != NULL ? v : "\\N", strlen(v != NULL ? v : "\\N") + 1);
        }
}

/* ---- the table, the roles --------------------------------------------- */

static enum lsc_status read_header(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    fprintf(q.fp, "SELECT * FROM %s LIMIT 0", r->table);
    if ((st = sql_close(&q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "reading the table's columns", &rows, err)) != LSC_OK)
        goto cleanup;
    r->n_names = lsc_pg_rows_columns(rows);
    r->names = lsc_calloc(r->n_names ? r->n_names : 1, sizeof *r->names);
    r->lens = lsc_calloc(r->n_names ? r->n_names : 1, sizeof *r->lens);
    if (r->names == NULL || r->lens == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < r->n_names; j++) {
        if ((r->names[j] = lsc_strdup(lsc_pg_rows_name(rows, j))) == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        r->lens[j] = strlen(r->names[j]);
    }
cleanup:
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* The table column an option names (as the CSV header is matched). */
static enum lsc_status find_column(const struct pg_run *r, const char *name, const char *option,
                                   size_t *out, struct lsc_error *err)
{
    enum header_how how;
    *out = lsc_header_match(r->n_names, (const char *const *)r->names, r->lens, name, &how);
    if (*out != SIZE_MAX)
        return LSC_OK;
    return lsc_header_unknown(err, LSC_ERR_USAGE, r->display, 0, 0, option, name, how, r->n_names,
                              (const char *const *)r->names, r->lens);
}

/* A name given on the command line as the table spells it (matched as
 * the CSV header is, with the same note). */
static enum lsc_status resolve(const struct pg_run *r, const char *option, const char **name,
                               struct lsc_error *err)
{
    enum header_how how;
    size_t j = lsc_header_match(r->n_names, (const char *const *)r->names, r->lens, *name, &how);
    if (j == SIZE_MAX)
        return lsc_header_unknown(err, LSC_ERR_USAGE, r->display, 0, 0, option, *name, how,
                                  r->n_names, (const char *const *)r->names, r->lens);
    if (how == HEADER_ICASE)
        lsc_logf(r->log, LSC_LOG_NOTE, "%s \"%s\" is column \"%s\" (matched ignoring case)",
                 option, *name, r->names[j]);
    *name = r->names[j];
    return LSC_OK;
}

/* r->opts: the options with the table's names; r->o from then on. */
static enum lsc_status resolve_options(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_train_options *o = &r->opts;
    struct lsc_strings *lists[] = {&o->ids,         &o->exclude,       &o->include,
                                   &o->numeric,     &o->categorical,   &o->keep_features,
                                   &o->days_since};
    static const char *const names[] = {"--id",          "--exclude",      "--include",
                                        "--numeric",     "--categorical",  "--keep-feature",
                                        "--days-since"};
    size_t total = 0, next = 0;
    *o = *r->o;
    for (size_t k = 0; k < sizeof lists / sizeof lists[0]; k++)
        total += lists[k]->count;
    if ((r->resolved = lsc_calloc(total + 1, sizeof *r->resolved)) == NULL)
        return lsc_error_nomem(err);
    enum lsc_status st = resolve(r, "--target", &o->target, err);
    if (st == LSC_OK && o->weight != NULL)
        st = resolve(r, "--weight", &o->weight, err);
    if (st == LSC_OK && o->split_date != NULL)
        st = resolve(r, "--split-date", &o->split_date, err);
    if (st == LSC_OK && o->account_column != NULL)
        st = resolve(r, "--account-column", &o->account_column, err);
    if (st == LSC_OK && o->outcome_date != NULL && o->events_table != NULL)
        st = resolve(r, "--outcome-date", &o->outcome_date, err);
    for (size_t k = 0; st == LSC_OK && k < sizeof lists / sizeof lists[0]; k++) {
        const char **out = r->resolved + next;
        for (size_t i = 0; st == LSC_OK && i < lists[k]->count; i++) {
            out[i] = lists[k]->items[i];
            st = resolve(r, names[k], &out[i], err);
        }
        lists[k]->items = out;
        next += lists[k]->count;
    }
    r->o = o;
    return st;
}

/* Marks the columns of a list (role[j] = value). */
static enum lsc_status mark(const struct pg_run *r, const struct lsc_strings *s, const char *option,
                            int *role, int value, struct lsc_error *err)
{
    for (size_t i = 0; i < s->count; i++) {
        size_t j;
        enum lsc_status st = find_column(r, s->items[i], option, &j, err);
        if (st != LSC_OK)
            return st;
        role[j] = value;
    }
    return LSC_OK;
}

enum { ROLE_FEATURE = 0, ROLE_OTHER = 1, ROLE_OUT = 2 };

/* --account-column (derive.h): its source column, which is no feature
 * itself. */
static enum lsc_status account_source(struct pg_run *r, int *role, struct lsc_error *err)
{
    const char *a = r->o->account_column;
    size_t j;
    enum lsc_status st = a != NULL ? find_column(r, a, "--account-column", &j, err) : LSC_OK;
    if (a == NULL || st != LSC_OK)
        return st;
    if (j == r->target)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--account-column: \"%s\" is the target",
                             a);
    if (role[j] == ROLE_FEATURE) {
        lsc_logf(r->log, LSC_LOG_INFO,
                 "column \"%s\" is used through \"" DERIVE_ACCOUNT_FORMAT "\", not as a feature "
                 "itself",
                 r->names[j], r->names[j]);
        role[j] = ROLE_OUT;
    }
    return LSC_OK;
}

/* --days-since (derive.h): as_of, and each source column, which is no
 * feature itself (the CSV path's checks and note); then --account-column. */
static enum lsc_status derived_sources(struct pg_run *r, int *role, struct lsc_error *err)
{
    const struct lsc_strings *ds = &r->o->days_since;
    if (ds->count == 0 && r->o->events_table == NULL)
        return account_source(r, role, err);
    r->as_of = lsc_derive_resolve_as_of(r->o->as_of, r->o->date_format, r->as_of_text,
                                        sizeof r->as_of_text);
    if (r->as_of == LONG_MIN) /* lsc_train_options_check said so before */
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--as-of: \"%s\" is not a date",
                             r->o->as_of);
    for (size_t i = 0; i < ds->count; i++) {
        size_t j;
        enum lsc_status st = find_column(r, ds->items[i], "--days-since", &j, err);
        if (st != LSC_OK)
            return st;
        if (j == r->target)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--days-since: \"%s\" is the target",
                                 ds->items[i]);
        for (size_t k = 0; k < i; k++)
            if (strcmp(ds->items[k], ds->items[i]) == 0)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "--days-since: \"%s\" given twice", ds->items[i]);
        if (role[j] == ROLE_FEATURE)
            lsc_logf(r->log, LSC_LOG_INFO,
                     "column \"%s\" is used through \"" DERIVE_DAYS_PREFIX "%s\", not as a "
                     "feature itself",
                     r->names[j], r->names[j]);
        role[j] = role[j] == ROLE_FEATURE ? ROLE_OUT : role[j];
    }
    return account_source(r, role, err);
}

/* A derived candidate of kind (derive.h) from table column j. */
static enum lsc_status add_derived(struct pg_run *r, size_t j, int kind, const char *option,
                                   struct lsc_error *err)
{
    size_t len = strlen(DERIVE_ACCOUNT_FORMAT) + strlen(DERIVE_DAYS_PREFIX) + strlen(r->names[j]);
    struct pg_col *c = &r->cols[r->n_cols];
    if ((c->own_name = lsc_malloc(len)) == NULL)
        return lsc_error_nomem(err);
    r->n_cols++; /* run_free frees its name */
    if (kind == DERIVE_ACCOUNT)
        snprintf(c->own_name, len, DERIVE_ACCOUNT_FORMAT, r->names[j]);
    else
        snprintf(c->own_name, len, DERIVE_DAYS_PREFIX "%s", r->names[j]);
    for (size_t k = 0; k < r->n_names; k++)
        if (strcmp(r->names[k], c->own_name) == 0)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "%s: the derived feature \"%s\" has the name of a column of the "
                                 "table; rename that column",
                                 option, c->own_name);
    c->name = c->own_name;
    c->force = 1;
    c->derived = kind;
    c->src = j;
    return LSC_OK;
}

/* The --days-since candidates, then the --account-column one, after the
 * table's (as the CSV path appends them after the file's columns). */
static enum lsc_status derived_columns(struct pg_run *r, struct lsc_error *err)
{
    const struct lsc_strings *ds = &r->o->days_since;
    size_t j;
    enum lsc_status st = LSC_OK;
    for (size_t i = 0; st == LSC_OK && i < ds->count; i++)
        if ((st = find_column(r, ds->items[i], "--days-since", &j, err)) == LSC_OK)
            st = add_derived(r, j, DERIVE_DAYS_SINCE, "--days-since", err);
    if (st == LSC_OK && r->o->account_column != NULL &&
        (st = find_column(r, r->o->account_column, "--account-column", &j, err)) == LSC_OK)
        st = add_derived(r, j, DERIVE_ACCOUNT, "--account-column", err);
    return st;
}

static enum lsc_status choose_columns(struct pg_run *r, struct lsc_error *err)
{
    const struct lsc_train_options *o = r->o;
    int *role = lsc_calloc(r->n_names ? r->n_names : 1, sizeof *role);
    int *force = lsc_calloc(r->n_names ? r->n_names : 1, sizeof *force);
    int *keep = lsc_calloc(r->n_names ? r->n_names : 1, sizeof *keep);
    enum lsc_status st = role && force && keep ? LSC_OK : lsc_error_nomem(err);
    if (st == LSC_OK)
        st = find_column(r, o->target, "--target", &r->target, err);
    if (st == LSC_OK && o->include.count > 0) {
        for (size_t j = 0; j < r->n_names; j++)
            role[j] = ROLE_OUT;
        st = mark(r, &o->include, "--include", role, ROLE_FEATURE, err);
    }
    if (st == LSC_OK)
        st = mark(r, &o->exclude, "--exclude", role, ROLE_OUT, err);
    if (st == LSC_OK)
        st = mark(r, &o->ids, "--id", role, ROLE_OTHER, err);
    if (st == LSC_OK && reads_id(r))
        st = find_column(r, o->ids.items[0], "--id", &r->id, err);
    if (st == LSC_OK)
        st = mark(r, &o->numeric, "--numeric", force, 1, err);
    if (st == LSC_OK)
        st = mark(r, &o->categorical, "--categorical", force, 2, err);
    if (st == LSC_OK)
        st = mark(r, &o->keep_features, "--keep-feature", keep, 1, err);
    if (st == LSC_OK && has_weight(r)) {
        st = find_column(r, o->weight, "--weight", &r->weight, err);
        if (st == LSC_OK && r->weight == r->target)
            st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                               "column \"%s\" is the target; it cannot be given to --weight",
                               o->weight);
        if (st == LSC_OK) /* whatever other option named it: never a feature */
            role[r->weight] = ROLE_OTHER;
    }
    if (st == LSC_OK && by_date(r)) {
        st = find_column(r, o->split_date, "--split-date", &r->date, err);
        if (st == LSC_OK && r->date == r->target)
            st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                               "column \"%s\" is the target; it cannot be given to --split-date",
                               o->split_date);
        if (st == LSC_OK)
            role[r->date] = ROLE_OTHER;
    }
    if (st == LSC_OK) {
        role[r->target] = ROLE_OTHER;
        r->cols = lsc_calloc(r->n_names + o->days_since.count + 2, sizeof *r->cols);
        if (r->cols == NULL)
            st = lsc_error_nomem(err);
    }
    if (st == LSC_OK)
        st = derived_sources(r, role, err);
    if (st == LSC_OK)
        st = lsc_pgtrain_events_roles(r, role, err);
    for (size_t j = 0; st == LSC_OK && j < r->n_names; j++) {
        if (role[j] != ROLE_FEATURE)
            continue;
        struct pg_col *c = &r->cols[r->n_cols++];
        c->name = r->names[j];
        c->force = force[j];
        c->keep = keep[j];
    }
    if (st == LSC_OK) /* the file's path appends them before the derived */
        st = lsc_pgtrain_event_columns(r, o->days_since.count + 2, err);
    if (st == LSC_OK)
        st = derived_columns(r, err);
    lsc_free(role);
    lsc_free(force);
    lsc_free(keep);
    return st;
}

/* ---- the target ------------------------------------------------------- */

/* Appends "v IN ('a', 'b')" for the values of class cls, or nothing. */
static void put_in_list(FILE *fp, size_t T, struct lsc_pg_rows *rows, const int *cls, int want)
{
    int first = 1;
    for (size_t i = 0; i < lsc_pg_rows_count(rows); i++) {
        const char *v = lsc_pg_rows_value(rows, i, 0);
        if (v == NULL || cls[i] != want)
            continue;
        fputs(first ? "" : ", ", fp);
        if (first)
            fprintf(fp, "v_%zu IN (", T);
        lsc_sql_put_string(fp, PG, v);
        first = 0;
    }
    if (!first)
        fputs(")", fp);
}

/* The bad --split-date values of a target value's rows (read_target's
 * columns 4 and 5): counted, the least kept. */
static enum lsc_status take_bad_dates(struct pg_run *r, struct lsc_pg_rows *rows, size_t i,
                                      struct lsc_error *err)
{
    const char *v = lsc_pg_rows_value(rows, i, 5);
    r->bad_dates += count_of(lsc_pg_rows_value(rows, i, 4));
    if (v == NULL || (r->bad_date != NULL && strcmp(v, r->bad_date) >= 0))
        return LSC_OK;
    lsc_free(r->bad_date);
    return (r->bad_date = lsc_strdup(v)) != NULL ? LSC_OK : lsc_error_nomem(err);
}

/* Classifies each distinct value as the CSV path does (label_map.h). */
static enum lsc_status classify_target(struct pg_run *r, struct lsc_pg_rows *rows, int *cls,
                                       size_t *unknown, struct lsc_error *err)
{
    struct label_map lm;
    enum lsc_status st = lsc_label_map_init(&lm, &r->o->positive, &r->o->negative, err);
    if (st != LSC_OK)
        return st;
    *unknown = 0;
    for (size_t i = 0; i < lsc_pg_rows_count(rows) && st == LSC_OK; i++) {
        const char *v = lsc_pg_rows_value(rows, i, 0);
        size_t n = count_of(lsc_pg_rows_value(rows, i, 1));
        size_t nt = count_of(lsc_pg_rows_value(rows, i, 2));
        size_t nh = count_of(lsc_pg_rows_value(rows, i, 3));
        r->rows_total += n;
        if (v == NULL) {
            cls[i] = LABEL_MISSING;
            r->skipped_target += n;
            continue;
        }
        cls[i] = lsc_label_map_add(&lm, v, strlen(v), n);
        if (cls[i] == LABEL_NOMEM)
            st = lsc_error_nomem(err);
        *unknown += cls[i] == LABEL_UNKNOWN;
        if (cls[i] == LABEL_SKIPPED)
            r->skipped_value += n;
        else if (cls[i] == LABEL_POSITIVE || cls[i] == LABEL_NEGATIVE) {
            r->rows_used += n;
            r->train_rows += nt;
            r->hold_rows += nh;
            if (by_date(r) && (st = take_bad_dates(r, rows, i, err)) != LSC_OK)
                break;
        }
        if (cls[i] == LABEL_POSITIVE) {
            r->positives += n;
            r->train_positives += nt;
            r->hold_positives += nh;
        }
    }
    if (st == LSC_OK && *unknown == 0)
        lsc_label_map_notes(&lm, "target", r->o->target, r->log);
    lsc_label_map_fini(&lm);
    return st;
}

static enum lsc_status read_target(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    int *cls = NULL;
    size_t unknown = 0, T = target_slot(r);
    enum lsc_status st = lsc_pgtrain_open_query(r, &q, COLS_NONE, 0, 0, 0, err);
    if (st != LSC_OK)
        return st;
    fprintf(q.fp, "SELECT CASE WHEN na_%zu THEN NULL ELSE v_%zu END AS v, count(*), "
                  "count(*) FILTER (WHERE NOT hold), count(*) FILTER (WHERE hold)", T, T);
    if (by_date(r)) /* hold is NULL for a missing date, and for a bad one */
        fprintf(q.fp, ", count(*) FILTER (WHERE hold IS NULL AND NOT na_%zu), min(v_%zu COLLATE "
                      "\"C\") FILTER (WHERE hold IS NULL AND NOT na_%zu)",
                date_slot(r), date_slot(r), date_slot(r));
    fprintf(q.fp, " FROM t2 GROUP BY 1 LIMIT %d", MAX_TARGET_VALUES + 1);
    if ((st = sql_close(&q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "reading the target's values", &rows, err)) != LSC_OK)
        goto cleanup;
    if (lsc_pg_rows_count(rows) > MAX_TARGET_VALUES) {
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "target \"%s\" has more than %d distinct values: it is no outcome",
                           r->o->target, MAX_TARGET_VALUES);
        goto cleanup;
    }
    lsc_pgtrain_digest_rows(r, rows);
    if ((cls = lsc_calloc(lsc_pg_rows_count(rows) + 1, sizeof *cls)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = classify_target(r, rows, cls, &unknown, err)) != LSC_OK)
        goto cleanup;
    if (unknown > 0) {
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "target \"%s\" has values other than 1/0, true/false, yes/no, y/n; "
                           "say which mean converted with --positive VALUE",
                           r->o->target);
        goto cleanup;
    }
    if (r->positives == 0 || r->positives == r->rows_used) {
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "target \"%s\" has only one class in %zu usable rows (%zu converted); "
                           "two are needed",
                           r->o->target, r->rows_used, r->positives);
        goto cleanup;
    }
    struct sql y;
    if ((st = sql_open(&y, err)) != LSC_OK)
        goto cleanup;
    fputs("CASE WHEN ", y.fp);
    put_in_list(y.fp, T, rows, cls, LABEL_POSITIVE);
    fputs(" THEN 1 WHEN ", y.fp);
    put_in_list(y.fp, T, rows, cls, LABEL_NEGATIVE);
    fputs(" THEN 0 END", y.fp);
    if ((st = sql_close(&y, err)) == LSC_OK)
        r->y_case = y.s;
cleanup:
    lsc_free(cls);
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* ---- the encoding pass ------------------------------------------------ */

/* Per candidate column over the usable rows: missing, non-number and
 * distinct values, ISO dates, whole numbers, the range and the median. */
static enum lsc_status profile_chunk(struct pg_run *r, size_t from, size_t to,
                                     struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = lsc_pgtrain_open_query(r, &q, COLS_RANGE, from, to, BASE_NUMBERS, err);
    if (st != LSC_OK)
        return st;
    fputs("SELECT ", q.fp);
    /* the diagnostics over every usable row, the encoder's numbers over
     * the fitting rows (f) */
    const char *f = r->all || !has_holdout(r) ? "true" : "NOT hold";
    for (size_t j = from; j < to; j++)
        fprintf(q.fp,
                "%scount(*) FILTER (WHERE na_%zu), count(*) FILTER (WHERE na_%zu AND %s),\n  "
                "count(*) FILTER (WHERE NOT na_%zu AND x_%zu IS NULL),\n  "
                "count(DISTINCT CASE WHEN NOT na_%zu THEN v_%zu END), count(DISTINCT x_%zu),\n  "
                "count(*) FILTER (WHERE NOT na_%zu AND v_%zu ~ "
                "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?$'),\n  "
                "bool_and(x_%zu = trunc(x_%zu) AND abs(x_%zu) <= 9007199254740992), "
                "min(x_%zu) FILTER (WHERE %s), max(x_%zu) FILTER (WHERE %s),\n  "
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY x_%zu) FILTER (WHERE %s),\n  "
                "min(v_%zu COLLATE \"C\") FILTER (WHERE NOT na_%zu AND v_%zu ~ "
                "'^[0-9]{4}-[0-9]{2}-[0-9]{2}([T ][0-9:.]+)?$')\n",
                j > from ? ", " : "", j, j, f, j, j, j, j, j, j, j, j, j, j, j, f, j, f, j, f, j,
                j, j);
    fputs("FROM t2 WHERE y IS NOT NULL", q.fp);
    if ((st = sql_close(&q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "profiling the columns", &rows, err)) != LSC_OK)
        goto cleanup;
    lsc_pgtrain_digest_rows(r, rows);
    for (size_t j = from; j < to; j++) {
        struct pg_col *c = &r->cols[j];
        size_t at = 11 * (j - from);
        const char *example = lsc_pg_rows_value(rows, 0, at + 10);
        const char *whole = lsc_pg_rows_value(rows, 0, at + 6);
        c->missing_all = count_of(lsc_pg_rows_value(rows, 0, at));
        c->missing = count_of(lsc_pg_rows_value(rows, 0, at + 1));
        c->text = count_of(lsc_pg_rows_value(rows, 0, at + 2));
        c->distinct = count_of(lsc_pg_rows_value(rows, 0, at + 3));
        c->distinct_x = count_of(lsc_pg_rows_value(rows, 0, at + 4));
        c->dated = count_of(lsc_pg_rows_value(rows, 0, at + 5));
        c->whole = whole != NULL && whole[0] == 't';
        c->lo = num_or(lsc_pg_rows_value(rows, 0, at + 7), NAN);
        c->hi = num_or(lsc_pg_rows_value(rows, 0, at + 8), NAN);
        c->median = num_or(lsc_pg_rows_value(rows, 0, at + 9), NAN);
        lsc_free(c->date_example);
        c->date_example = example != NULL ? lsc_strdup(example) : NULL;
    }
cleanup:
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* A --days-since source with values that are no ISO date: refused (exit
 * 1, as the CSV path) with their count and the least of them. */
static enum lsc_status bad_days_since(struct pg_run *r, const struct pg_col *c,
                                      struct lsc_error *err)
{
    size_t j = (size_t)(c - r->cols);
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = lsc_pgtrain_open_query(r, &q, COLS_RANGE, j, j + 1, BASE_NUMBERS, err);
    if (st != LSC_OK)
        return st;
    fprintf(q.fp, "SELECT min(left(v_%zu, 40) COLLATE \"C\") FROM t2 WHERE y IS NOT NULL AND NOT "
                  "na_%zu AND x_%zu IS NULL", j, j, j);
    if ((st = sql_close(&q, err)) == LSC_OK &&
        (st = lsc_pg_query(r->pg, q.s, "finding a value that is no date", &rows, err)) == LSC_OK) {
        const char *v = lsc_pg_rows_value(rows, 0, 0);
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "--days-since \"%s\": \"%s\" is not a date (YYYY-MM-DD; %zu values "
                           "are not); inside PostgreSQL dates are ISO text or DATE or TIMESTAMP "
                           "columns",
                           r->names[c->src], v != NULL ? v : "", c->text);
    }
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

/* The column checks of the CSV path (diagnostics.c) from the profile: a
 * forced type, record numbers and ids, dates. A table has no row order, so
 * a numeric id is one of distinct whole numbers. */
static enum lsc_status check_column(struct pg_run *r, struct pg_col *c, struct lsc_error *err)
{
    size_t present = r->rows_used - c->missing_all;
    c->numeric = c->force == 1 || (c->force == 0 && c->text == 0 && present > 0);
    if (c->derived == DERIVE_ACCOUNT) /* a count, never missing nor text */
        return LSC_OK;
    if (c->derived) /* a number of days, never an id (as the CSV path) */
        return c->text > 0 ? bad_days_since(r, c, err) : LSC_OK;
    if (c->force == 1 && c->text > 0)
        return lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                             "column \"%s\" was declared --numeric but has text values", c->name);
    if (c->keep || present < DIAG_ID_MIN_ROWS)
        return LSC_OK;
    if (c->numeric && c->whole && c->distinct_x == present) {
        c->excluded = 1;
        return lsc_diag_add(r->m, r->log, "id_like",
                            "column \"%s\" holds whole numbers, %zu distinct in %zu rows: a "
                            "record number, not a property of the lead; excluded (name it with "
                            "--id to keep it in the scores, or --keep-feature \"%s\" to use it "
                            "as a feature)",
                            c->name, c->distinct_x, present, c->name) == LSC_OK
                   ? LSC_OK
                   : lsc_error_nomem(err);
    }
    if (c->numeric || c->force == 2)
        return LSC_OK;
    const char *what = NULL;
    if ((double)c->dated >= 0.8 * (double)present)
        what = "date_like";
    else if (c->distinct * 2 > present)
        what = "id_like";
    if (what == NULL)
        return LSC_OK;
    c->excluded = 1;
    enum lsc_status st =
        what[0] == 'd'
            ? lsc_diag_add(r->m, r->log, what,
                           "column \"%s\" holds dates (%zu of %zu rows, e.g. \"%s\"): as "
                           "categorical levels, %zu of them, they say little and never match a "
                           "new lead's date; excluded (--days-since \"%s\" for the days since "
                           "it, or --keep-feature \"%s\" to keep it as categorical)",
                           c->name, c->dated, present, c->date_example ? c->date_example : "",
                           c->distinct, c->name, c->name)
            : lsc_diag_add(r->m, r->log, what,
                           "column \"%s\" has %zu distinct values in %zu rows: an id or free "
                           "text, excluded (name it with --id to keep it in the scores, or "
                           "--keep-feature \"%s\" to use it as a feature)",
                           c->name, c->distinct, present, c->name);
    return st == LSC_OK ? LSC_OK : lsc_error_nomem(err);
}

/* Reads moments_and_levels' rows (ordered by column, then value in byte
 * order, missing last). */
static enum lsc_status take_levels(struct pg_run *r, struct lsc_pg_rows *rows,
                                   struct lsc_error *err)
{
    size_t n = lsc_pg_rows_count(rows);
    for (size_t i = 0; i < n;) {
        size_t j = count_of(lsc_pg_rows_value(rows, i, 0)), e = i;
        while (e < n && count_of(lsc_pg_rows_value(rows, e, 0)) == j)
            e++;
        struct pg_col *c = j < r->n_cols ? &r->cols[j] : NULL;
        if (c != NULL && c->numeric) {
            c->s1 = num_or(lsc_pg_rows_value(rows, i, 3), 0.0);
            c->s2 = num_or(lsc_pg_rows_value(rows, i, 4), 0.0);
            c->range[0] = num_or(lsc_pg_rows_value(rows, i, 6), INFINITY);
            c->range[1] = num_or(lsc_pg_rows_value(rows, i, 7), -INFINITY);
            c->range[2] = num_or(lsc_pg_rows_value(rows, i, 8), INFINITY);
            c->range[3] = num_or(lsc_pg_rows_value(rows, i, 9), -INFINITY);
        } else if (c != NULL) {
            for (size_t k = 0; k < c->n_values; k++)
                lsc_free(c->values[k]);
            lsc_free(c->values);
            lsc_free(c->counts);
            lsc_free(c->positives);
            c->n_values = 0;
            c->values = lsc_calloc(e - i + 1, sizeof *c->values);
            c->counts = lsc_calloc(e - i + 1, sizeof *c->counts);
            c->positives = lsc_calloc(e - i + 1, sizeof *c->positives);
            if (c->values == NULL || c->counts == NULL || c->positives == NULL)
                return lsc_error_nomem(err);
            for (size_t k = i; k < e; k++) {
                const char *v = lsc_pg_rows_value(rows, k, 1);
                size_t pos = count_of(lsc_pg_rows_value(rows, k, 5));
                if (v == NULL) {
                    c->missing_positives = pos;
                    continue;
                }
                if ((c->values[c->n_values] = lsc_strdup(v)) == NULL)
                    return lsc_error_nomem(err);
                c->positives[c->n_values] = pos;
                c->counts[c->n_values++] = count_of(lsc_pg_rows_value(rows, k, 2));
            }
        }
        i = e;
    }
    return LSC_OK;
}

/* Shifted sums of the numeric columns (for the mean and sd of the
 * median-imputed values) and the levels of the categorical ones. */
static enum lsc_status moments_and_levels(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = lsc_pgtrain_open_query(r, &q, COLS_KEPT, 0, 0, BASE_NUMBERS, err);
    if (st != LSC_OK)
        return st;
    /* one row per (column, value): numeric columns give their sums under
     * a NULL value */
    fputs("SELECT u.j, u.v, count(*), sum(u.d), sum(u.d * u.d), sum(y),\n"
          "  min(COALESCE(u.d, 0)) FILTER (WHERE y = 0), max(COALESCE(u.d, 0)) FILTER (WHERE y = 0),\n"
          "  min(COALESCE(u.d, 0)) FILTER (WHERE y = 1), max(COALESCE(u.d, 0)) FILTER (WHERE y = 1)\n"
          "FROM t2 CROSS JOIN LATERAL "
          "(VALUES ",
          q.fp);
    int first = 1;
    for (size_t j = 0; j < r->n_cols; j++) {
        struct pg_col *c = &r->cols[j];
        if (c->excluded)
            continue;
        fprintf(q.fp, "%s\n  (%zu, ", first ? "" : ",", j);
        if (c->numeric) {
            fprintf(q.fp, "CAST(NULL AS TEXT), x_%zu - ", j);
            lsc_sql_put_num(q.fp, PG, c->median);
            fputs(")", q.fp);
        } else {
            fprintf(q.fp, "CASE WHEN na_%zu THEN NULL ELSE v_%zu END, "
                          "CAST(NULL AS DOUBLE PRECISION))", j, j);
        }
        first = 0;
    }
    if (first)
        fputs("(0, CAST(NULL AS TEXT), CAST(NULL AS DOUBLE PRECISION))", q.fp);
    fprintf(q.fp, ") AS u(j, v, d)\nWHERE %s\nGROUP BY u.j, u.v ORDER BY u.j, u.v COLLATE \"C\"",
            fit_filter(r));
    if ((st = sql_close(&q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "summarising the columns", &rows, err)) != LSC_OK)
        goto cleanup;
    lsc_pgtrain_digest_rows(r, rows);
    st = take_levels(r, rows, err);
cleanup:
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

static enum lsc_status encode(struct pg_run *r, struct encoder_stats *es, struct lsc_error *err)
{
    struct lsc_col_summary *cs = lsc_calloc(r->n_cols + 1, sizeof *cs);
    size_t k = 0, rows = fit_rows(r);
    double n = (double)rows;
    lsc_free(r->col_of);
    if (cs == NULL || (r->col_of = lsc_calloc(r->n_cols + 1, sizeof *r->col_of)) == NULL) {
        lsc_free(cs);
        return lsc_error_nomem(err);
    }
    for (size_t j = 0; j < r->n_cols; j++) {
        struct pg_col *c = &r->cols[j];
        if (c->excluded)
            continue;
        struct lsc_col_summary *s = &cs[k];
        s->name = c->name;
        s->numeric = c->numeric;
        s->rows = rows;
        s->missing = c->missing;
        s->lo = c->lo;
        s->hi = c->hi;
        s->median = c->median;
        s->mean = c->median + c->s1 / n;
        double ss = c->s2 - c->s1 * c->s1 / n;
        s->sd = sqrt((ss > 0.0 ? ss : 0.0) / n);
        s->n_values = c->n_values;
        s->values = (const char *const *)c->values;
        s->counts = c->counts;
        s->n_cuts = c->n_cuts;
        s->cuts = c->cuts;
        s->bin_count = c->bin_count;
        s->no_missing_indicator = c->no_indicator;
        k++;
    }
    /* the refit says nothing the first fit did not (as the CSV path) */
    struct lsc_bin_opts bo = lsc_train_bin_opts(r->o);
    enum lsc_status st = lsc_encoder_fit_summaries(cs, k, r->o->min_level_count,
                                                   r->o->bins > 0 ? &bo : NULL, r->display,
                                                   r->all && has_holdout(r) ? NULL : r->log,
                                                   r->m, es, err);
    /* the model's columns, in order, are the kept candidates */
    for (size_t a = 0, j = 0; st == LSC_OK && a < r->m->n_columns; a++) {
        while (strcmp(r->cols[j].name, r->m->columns[a].name) != 0 || r->cols[j].excluded)
            j++;
        r->col_of[a] = j++;
        const struct pg_col *c = &r->cols[r->col_of[a]];
        struct lsc_column_enc *mc = &r->m->columns[a];
        if (c->derived) { /* as lsc_derive_attach */
            mc->derived = c->derived;
            lsc_free(mc->source);
            if ((mc->source = lsc_strdup(r->names[c->src])) == NULL)
                st = lsc_error_nomem(err);
        }
        if (st == LSC_OK && c->derived == DERIVE_EVENT) {
            lsc_free(mc->event_type);
            if ((mc->event_type = lsc_strdup(c->event_type)) == NULL)
                st = lsc_error_nomem(err);
            mc->event_stat = c->event_stat;
            mc->event_window = c->event_window;
        }
    }
    lsc_free(cs);
    return st;
}

/* ---- the Newton iterations -------------------------------------------- */

static char *sql_text(const char *fmt, ...) LSC_PRINTF(1, 2);
static char *sql_text(const char *fmt, ...)
{
    struct sql q;
    va_list ap;
    if (sql_open(&q, NULL) != LSC_OK)
        return NULL;
    va_start(ap, fmt);
    vfprintf(q.fp, fmt, ap);
    va_end(ap);
    return sql_close(&q, NULL) == LSC_OK ? q.s : NULL;
}

/* The feature of a categorical column's level k, as SQL (NULL for the
 * reference). */
static void put_level_feature(FILE *fp, const struct lsc_column_enc *c, size_t k)
{
    if (k == SIZE_MAX || c->level_feature[k] == LSC_NO_FEATURE)
        fputs("NULL", fp);
    else
        fprintf(fp, "%zu", c->level_feature[k]);
}

static char *categorical_index(const struct lsc_column_enc *c, size_t j)
{
    struct sql q;
    if (sql_open(&q, NULL) != LSC_OK)
        return NULL;
    fprintf(q.fp, "CAST(CASE WHEN na_%zu THEN ", j);
    put_level_feature(q.fp, c, c->missing != SIZE_MAX ? c->missing : c->other);
    for (size_t k = 0; k < c->n_levels; k++) {
        if (k == c->missing || k == c->other)
            continue;
        fprintf(q.fp, " WHEN v_%zu = ", j);
        lsc_sql_put_string(q.fp, PG, c->levels[k]);
        fputs(" THEN ", q.fp);
        put_level_feature(q.fp, c, k);
    }
    fputs(" ELSE ", q.fp);
    put_level_feature(q.fp, c, c->other);
    fputs(" END AS BIGINT)", q.fp);
    return sql_close(&q, NULL) == LSC_OK ? q.s : NULL;
}

static char *numeric_value(const struct lsc_column_enc *c, size_t j)
{
    struct sql q;
    if (sql_open(&q, NULL) != LSC_OK)
        return NULL;
    fprintf(q.fp, "((COALESCE(x_%zu, ", j);
    lsc_sql_put_num(q.fp, PG, c->median);
    fputs(") - ", q.fp);
    lsc_sql_put_num(q.fp, PG, c->mean);
    fputs(") / ", q.fp);
    lsc_sql_put_num(q.fp, PG, c->sd);
    fputs(")", q.fp);
    return sql_close(&q, NULL) == LSC_OK ? q.s : NULL;
}

/* The slots of the design row: the intercept, then per model column its
 * features in order (so a later slot's features have higher indices). */
static enum lsc_status make_slots(struct pg_run *r, struct lsc_error *err)
{
    const struct lsc_model *m = r->m;
    r->slots = lsc_calloc(2 * m->n_columns + m->n_pairs + 1, sizeof *r->slots);
    if (r->slots == NULL)
        return lsc_error_nomem(err);
    struct pg_slot *s = r->slots;
    s[0].idx = sql_text("CAST(0 AS BIGINT)");
    s[0].val = sql_text("CAST(1 AS DOUBLE PRECISION)");
    s[0].feature = 0;
    r->n_slots = 1;
    int bad = s[0].idx == NULL || s[0].val == NULL;
    for (size_t a = 0; a < m->n_columns && !bad; a++) {
        const struct lsc_column_enc *c = &m->columns[a];
        size_t j = r->col_of[a];
        struct pg_slot *t = &s[r->n_slots++];
        if (c->type != LSC_COL_NUMERIC) { /* a level, or a bin (its missing too) */
            t->idx = c->type == LSC_COL_BINNED ? lsc_pgtrain_bin_index(c, j)
                                               : categorical_index(c, j);
            t->val = sql_text("CAST(1 AS DOUBLE PRECISION)");
            t->feature = SIZE_MAX;
        } else {
            t->idx = sql_text("CAST(%zu AS BIGINT)", c->feature);
            t->val = numeric_value(c, j);
            t->feature = c->feature;
        }
        bad |= t->idx == NULL || t->val == NULL;
        if (!bad && c->type == LSC_COL_NUMERIC && c->missing_feature != LSC_NO_FEATURE) {
            t = &s[r->n_slots++];
            t->idx = sql_text("CAST(CASE WHEN na_%zu THEN %zu END AS BIGINT)", j,
                              c->missing_feature);
            t->val = sql_text("CAST(1 AS DOUBLE PRECISION)");
            t->feature = SIZE_MAX;
            bad |= t->idx == NULL || t->val == NULL;
        }
    }
    for (size_t k = 0; k < m->n_pairs && !bad; k++) { /* a cell, or none */
        struct pg_slot *t = &s[r->n_slots++];
        t->idx = lsc_pgtrain_pair_index(r, &m->pairs[k]);
        t->val = sql_text("CAST(1 AS DOUBLE PRECISION)");
        t->feature = SIZE_MAX;
        bad |= t->idx == NULL || t->val == NULL;
    }
    return bad ? lsc_error_nomem(err) : LSC_OK;
}

/* The tuples each row gives the iteration's GROUP BY (k, c0 .. c[W-1]),
 * D the dense slots (fixed features: the intercept, numeric values), V
 * the others (a level or missing indicator's feature, or none), W = |D|+1:
 *   k = -1, -2, ...: the dense values, W to a tuple in this order: the
 *           products w z_a z_b of D (a <= b), r z_a of D (r = y - mu), the
 *           loss;
 *   k = f, the feature of a slot of V: w z_d for each d of D (d = 0, the
 *           intercept, gives w, which is also X'WX[f][f]), then r;
 *   k = P + f P + g, two slots of V both set in the row: w (c0).
 * Multi-array unnest pads the shorter arrays with NULL, which SUM skips.
 * A row gives |D|/2 + 1 + |V| + m(m-1)/2 tuples (m of V set in the row)
 * rather than one per product (each tuple costs far more in the database
 * than a column). */
static size_t n_dense(const struct pg_run *r)
{
    size_t n = 0;
    for (size_t k = 0; k < r->n_slots; k++)
        n += r->slots[k].feature != SIZE_MAX;
    return n;
}

static size_t iteration_width(const struct pg_run *r) { return n_dense(r) + 1; }

/* The dense values in their order. */
static size_t n_dense_values(const struct pg_run *r)
{
    size_t d = n_dense(r);
    return d * (d + 1) / 2 + d + 1;
}

static size_t dense_tuples(const struct pg_run *r)
{
    size_t W = iteration_width(r);
    return (n_dense_values(r) + W - 1) / W;
}

/* The SQL of dense value v (the order above). */
static void put_dense_value(FILE *fp, const struct pg_run *r, size_t v)
{
    const struct pg_slot *sl = r->slots;
    size_t S = r->n_slots, at = 0;
    for (size_t a = 0; a < S; a++)
        for (size_t b = a; b < S; b++)
            if (sl[a].feature != SIZE_MAX && sl[b].feature != SIZE_MAX && at++ == v) {
                fprintf(fp, "w * z_%zu * z_%zu", a, b);
                return;
            }
    for (size_t a = 0; a < S; a++)
        if (sl[a].feature != SIZE_MAX && at++ == v) {
            fprintf(fp, "res * z_%zu", a);
            return;
        }
    fputs(at == v ? "loss" : "NULL", fp);
}

/* The pairs of varying slots (a level or missing indicator each). */
static size_t n_pairs(const struct pg_run *r)
{
    size_t v = r->n_slots - n_dense(r);
    return v * (v - 1) / 2;
}

/* ", i_a" for each varying slot a. */
static void put_varying_ids(FILE *fp, const struct pg_run *r)
{
    for (size_t a = 0; a < r->n_slots; a++)
        if (r->slots[a].feature == SIZE_MAX)
            fprintf(fp, ", i_%zu", a);
}

/* m: the varying slots set in the row (a lateral of the iteration query,
 * when there are pairs). */
static void put_set_count(FILE *fp, const struct pg_run *r)
{
    if (n_pairs(r) == 0)
        return;
    fputs("  CROSS JOIN LATERAL unnest(ARRAY[cardinality(array_remove(ARRAY[CAST(NULL AS BIGINT)",
          fp);
    put_varying_ids(fp, r);
    fputs("], NULL))]) AS v(m)\n", fp);
}

/* The tuples' keys, then their c0, c1, ... (the order above); a pair's
 * tuple only when both its slots are set (array_remove of the others), so
 * the sparse missing indicators and reference levels cost no tuples. */
static void put_unnest(FILE *fp, const struct pg_run *r)
{
    size_t S = r->n_slots, P = r->m->n_features, W = iteration_width(r);
    size_t T = dense_tuples(r);
    const struct pg_slot *sl = r->slots;
    fputs("\n  ARRAY[CAST(-1 AS BIGINT)", fp);
    for (size_t t = 1; t < T; t++)
        fprintf(fp, ", -%zu", t + 1);
    put_varying_ids(fp, r);
    fputs("]", fp);
    if (n_pairs(r) > 0) {
        fputs(" || array_remove(ARRAY[CAST(NULL AS BIGINT)", fp);
        for (size_t a = 0; a < S; a++)
            for (size_t b = a + 1; b < S; b++)
                if (sl[a].feature == SIZE_MAX && sl[b].feature == SIZE_MAX)
                    fprintf(fp, ", %zu + i_%zu * %zu + i_%zu", P, a, P, b);
        fputs("], NULL)", fp);
    }
    for (size_t c = 0; c < W; c++) {
        fputs(",\n  ARRAY[", fp);
        for (size_t t = 0; t < T; t++) {
            fputs(t ? ", " : "", fp);
            put_dense_value(fp, r, t * W + c);
        }
        /* the singles: w z_d (the c-th dense slot), then r */
        size_t d = 0, dc = SIZE_MAX;
        for (size_t a = 0; a < S; a++)
            if (sl[a].feature != SIZE_MAX && d++ == c)
                dc = a;
        for (size_t a = 0; a < S; a++) {
            if (sl[a].feature != SIZE_MAX)
                continue;
            if (dc != SIZE_MAX)
                fprintf(fp, ", w * z_%zu * z_%zu", a, dc);
            else
                fprintf(fp, ", res * z_%zu", a);
        }
        fputs("]::DOUBLE PRECISION[]", fp);
        /* the pairs: w (z = 1 in a varying slot), m (m - 1) / 2 times */
        if (c == 0 && n_pairs(r) > 0)
            fputs(" || array_fill(w, ARRAY[CAST(m * (m - 1) / 2 AS INTEGER)])", fp);
    }
}

void lsc_pgtrain_put_weight(FILE *fp, const struct pg_run *r)
{
    const double *f = r->winfo.class_factor;
    fputs("(", fp);
    if (has_weight(r))
        fprintf(fp, "x_%zu%s", weight_slot(r), r->o->class_weight_balanced ? " * " : "");
    if (r->o->class_weight_balanced) {
        fputs("CASE WHEN y = 1 THEN ", fp);
        lsc_sql_put_num(fp, PG, f[1]);
        fputs(" ELSE ", fp);
        lsc_sql_put_num(fp, PG, f[0]);
        fputs(" END", fp);
    }
    fputs(")", fp);
}

/* The weights query: per kind of bad --weight value (over every usable
 * row, as the CSV path reads them) its count and the least example, then
 * the weight of each class on the fit's rows and whether every weight
 * there is whole. */
static enum lsc_status weights_sql(const struct pg_run *r, struct sql *q, struct lsc_error *err)
{
    size_t W = weight_slot(r);
    enum lsc_status st = sql_open(q, err);
    if (st != LSC_OK)
        return st;
    put_base(q->fp, r, NULL, BASE_WEIGHT);
    fputs("SELECT ", q->fp);
    if (has_weight(r))
        fprintf(q->fp, "count(*) FILTER (WHERE na_%zu), count(*) FILTER (WHERE NOT na_%zu AND "
                       "x_%zu IS NULL), count(*) FILTER (WHERE x_%zu < 0),\n  min(v_%zu COLLATE "
                       "\"C\") FILTER (WHERE NOT na_%zu AND x_%zu IS NULL), min(v_%zu COLLATE "
                       "\"C\") FILTER (WHERE x_%zu < 0),\n  ",
                W, W, W, W, W, W, W, W, W);
    else
        fputs("0, 0, 0, NULL, NULL, ", q->fp);
    for (int k = 0; k < 2; k++) {
        fputs("sum(", q->fp);
        lsc_pgtrain_put_weight(q->fp, r);
        fprintf(q->fp, ") FILTER (WHERE %s AND y = %d), ", fit_filter(r), k);
    }
    fputs("bool_and(", q->fp);
    lsc_pgtrain_put_weight(q->fp, r);
    fputs(" = floor(", q->fp);
    lsc_pgtrain_put_weight(q->fp, r);
    fprintf(q->fp, ")) FILTER (WHERE %s)\nFROM t2 WHERE y IS NOT NULL", fit_filter(r));
    return sql_close(q, err);
}

/* A bad --weight value stops the run (exit 3), as on the CSV path. */
static enum lsc_status bad_weights(struct pg_run *r, const struct lsc_pg_rows *rows,
                                   const size_t *bad, struct lsc_error *err)
{
    static const char *const what[] = {"is missing", "is not a number", "is negative"};
    size_t k = bad[0] ? 0 : bad[1] ? 1 : 2;
    const char *v = k ? lsc_pg_rows_value(rows, 0, 2 + k) : NULL;
    char shown[160] = "";
    if (v != NULL)
        lsc_escape_bytes(v, strlen(v), shown, sizeof shown);
    r->sum->input_rejected = 1; /* the CLI exits 3, as for the CSV path */
    return lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                         "weight%s%s%s in column \"%s\" %s (%zu rows: %zu missing, %zu not a "
                         "number, %zu negative); --weight needs a finite number >= 0 in every row",
                         shown[0] ? " \"" : "", shown, shown[0] ? "\"" : "", r->o->weight, what[k],
                         bad[0] + bad[1] + bad[2], bad[0], bad[1], bad[2]);
}

/* The weights of the fit's rows (weighted runs): the class factors, then
 * weights_sql's checks and sums into r->winfo and r->whole. */
static enum lsc_status weigh(struct pg_run *r, struct lsc_error *err)
{
    struct weights_info *wi = &r->winfo;
    size_t n = fit_rows(r), pos = fit_positives(r), bad[3];
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    memset(wi, 0, sizeof *wi);
    wi->class_factor[0] = r->o->class_weight_balanced ? (double)n / (2.0 * (double)(n - pos)) : 1.0;
    wi->class_factor[1] = r->o->class_weight_balanced ? (double)n / (2.0 * (double)pos) : 1.0;
    wi->sample_rate = (double)pos / (double)n;
    enum lsc_status st = weights_sql(r, &q, err);
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "checking and summing the weights", &rows, err);
    free(q.s);
    if (st != LSC_OK)
        return st;
    lsc_pgtrain_digest_rows(r, rows);
    for (size_t k = 0; k < 3; k++)
        bad[k] = count_of(lsc_pg_rows_value(rows, 0, k));
    double tot[2] = {num_or(lsc_pg_rows_value(rows, 0, 5), 0.0),
                     num_or(lsc_pg_rows_value(rows, 0, 6), 0.0)};
    const char *whole = lsc_pg_rows_value(rows, 0, 7);
    r->whole = whole != NULL && whole[0] == 't';
    wi->total = tot[0] + tot[1];
    wi->fitted_rate = tot[1] / wi->total;
    if (bad[0] + bad[1] + bad[2] > 0)
        st = bad_weights(r, rows, bad, err);
    else if (!(tot[0] > 0.0) || !(tot[1] > 0.0))
        st = lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                           "the weights of the %s rows sum to zero (%zu converted, %zu not "
                           "converted rows): a fit needs weight on both classes",
                           tot[1] > 0.0 ? "not converted" : "converted", pos, n - pos);
    lsc_pg_rows_free(rows);
    return st;
}

/* The iteration query around the coefficients (put_from writes them).
 * Per row: eta, mu, the log-loss, then the tuples of put_unnest, summed per
 * key: parallel-safe plain SUMs. */
static enum lsc_status make_iteration_sql(struct pg_run *r, struct lsc_error *err)
{
    size_t S = r->n_slots;
    struct sql q;
    enum lsc_status st =
        lsc_pgtrain_open_query(r, &q, COLS_MODEL, 0, 0, BASE_NUMBERS | BASE_WEIGHT, err);
    if (st != LSC_OK)
        return st;
    if ((st = sql_close(&q, err)) != LSC_OK)
        return st;
    r->iter_base = q.s;
    if ((st = sql_open(&q, err)) != LSC_OK)
        return st;
    fputs("FROM t2 CROSS JOIN ", q.fp);
    if ((st = sql_close(&q, err)) != LSC_OK)
        return st;
    r->iter_from = q.s;
    if ((st = sql_open(&q, err)) != LSC_OK)
        return st;
    struct lateral l;
    lsc_pgtrain_lateral_begin(&l, q.fp, NULL, "s");
    for (size_t k = 0; k < S; k++) {
        lsc_pgtrain_lateral_value(&l, "i_%zu", k);
        fprintf(q.fp, "ARRAY[%s]", r->slots[k].idx);
        lsc_pgtrain_lateral_value(&l, "z_%zu", k);
        fprintf(q.fp, "ARRAY[%s]", r->slots[k].val);
    }
    lsc_pgtrain_lateral_end(&l);
    fputs("  CROSS JOIN LATERAL unnest(ARRAY[b[1]", q.fp);
    for (size_t k = 1; k < S; k++)
        fprintf(q.fp, " + COALESCE(b[i_%zu + 1] * z_%zu, 0)", k, k);
    fputs("]) AS f(eta)\n", q.fp);
    if ((st = sql_close(&q, err)) != LSC_OK)
        return st;
    r->iter_after = q.s;
    if ((st = sql_open(&q, err)) != LSC_OK)
        return st;
    fprintf(q.fp,
            "  CROSS JOIN LATERAL unnest(\n"
            "    ARRAY[CASE WHEN eta >= 0 THEN 1 / (1 + exp(GREATEST(-eta, -745)))\n"
            "      ELSE exp(GREATEST(eta, -745)) / (1 + exp(GREATEST(eta, -745))) END],\n"
            "    ARRAY[GREATEST(eta, 0) + ln(1 + exp(GREATEST(-abs(eta), -745))) - y * eta]) "
            "AS g(mu, %s)\n",
            weighted(r) ? "l0" : "loss");
    if (weighted(r)) { /* each row's terms times its weight s */
        fputs("  CROSS JOIN LATERAL unnest(ARRAY[", q.fp);
        lsc_pgtrain_put_weight(q.fp, r);
        fputs("]) AS sw(s)\n  CROSS JOIN LATERAL unnest(ARRAY[s * mu * (1 - mu)], ARRAY[s * (y "
              "- mu)], ARRAY[s * l0]) AS h(w, res, loss)\n",
              q.fp);
    } else {
        fputs("  CROSS JOIN LATERAL unnest(ARRAY[mu * (1 - mu)], ARRAY[y - mu]) AS h(w, res)\n",
              q.fp);
    }
    if ((st = sql_close(&q, err)) != LSC_OK)
        return st;
    r->iter_mu = q.s;
    if ((st = sql_open(&q, err)) != LSC_OK)
        return st;
    put_set_count(q.fp, r);
    fputs("  CROSS JOIN LATERAL unnest(", q.fp);
    put_unnest(q.fp, r);
    fprintf(q.fp, ") AS u(k");
    for (size_t c = 0; c < iteration_width(r); c++)
        fprintf(q.fp, ", c%zu", c);
    fputs(")\n", q.fp);
    if ((st = sql_close(&q, err)) != LSC_OK)
        return st;
    r->iter_tail = q.s;
    return LSC_OK;
}

/* beta as an array, in bin space (the binned columns' steps summed up in
 * r->bin_beta, as the CSV path's design computes). */
static void put_coefficients(FILE *fp, const struct pg_run *r, const double *beta)
{
    if (r->steps.ns > 0) {
        lsc_design_steps_to_bins(&r->steps, beta, r->bin_beta);
        beta = r->bin_beta;
    }
    fputs("CAST('{", fp);
    for (size_t j = 0; j < r->m->n_features; j++)
        fprintf(fp, "%s%.17g", j ? "," : "", beta[j]);
    fputs("}' AS DOUBLE PRECISION[])", fp);
}

void lsc_pgtrain_put_from(FILE *fp, const struct pg_run *r, const double *beta)
{
    fputs(r->iter_from, fp);
    fputs("(SELECT ", fp);
    put_coefficients(fp, r, beta);
    fputs(" AS b) AS bb\n", fp);
    fputs(r->iter_after, fp);
}

void lsc_pgtrain_put_from_each(FILE *fp, const struct pg_run *r, size_t n, const size_t *which,
                               const double *const *x)
{
    fputs(r->iter_from, fp);
    fputs("(VALUES ", fp);
    for (size_t i = 0; i < n; i++) {
        fprintf(fp, "%s(%zu, ", i ? ", " : "", which[i]);
        put_coefficients(fp, r, x[i]);
        fputs(")", fp);
    }
    fputs(") AS bb(cvk, b)\n", fp);
    fputs(r->iter_after, fp);
}

/* Dense value v (put_dense_value's order) into s. */
static void take_dense(const struct pg_run *r, const struct pg_sums *s, size_t v, double x)
{
    const struct pg_slot *sl = r->slots;
    size_t S = r->n_slots, P = r->m->n_features, at = 0;
    for (size_t a = 0; a < S; a++)
        for (size_t b = a; b < S; b++)
            if (sl[a].feature != SIZE_MAX && sl[b].feature != SIZE_MAX && at++ == v) {
                size_t fa = sl[a].feature, fb = sl[b].feature;
                s->H[fa * P + fb] = s->H[fb * P + fa] = x;
                return;
            }
    for (size_t a = 0; a < S; a++)
        if (sl[a].feature != SIZE_MAX && at++ == v) {
            s->g[sl[a].feature] = x;
            return;
        }
    if (at == v)
        *s->loss = x;
}

void lsc_pgtrain_take_sums(const struct pg_run *r, const struct pg_sums *s,
                           const struct lsc_pg_rows *rows, size_t i, size_t off)
{
    size_t P = r->m->n_features, S = r->n_slots, W = iteration_width(r), at = 1;
    const struct pg_slot *sl = r->slots;
    long long k = strtoll(lsc_pg_rows_value(rows, i, off), NULL, 10);
#define SUM(c) num_or(lsc_pg_rows_value(rows, i, off + (c)), 0.0)
    if (k < 0) {
        size_t t = (size_t)(-k - 1);
        for (size_t c = 0; c < W && t * W + c < n_dense_values(r); c++)
            take_dense(r, s, t * W + c, SUM(1 + c));
    } else if ((size_t)k < P) {
        size_t f = (size_t)k;
        for (size_t a = 0; a < S; a++)
            if (sl[a].feature != SIZE_MAX) {
                size_t fd = sl[a].feature;
                s->H[f * P + fd] = s->H[fd * P + f] = SUM(at++);
            }
        s->H[f * P + f] = SUM(1); /* an indicator squared is itself */
        s->g[f] = SUM(at);
    } else {
        size_t a = ((size_t)k - P) / P, b = ((size_t)k - P) % P;
        s->H[a * P + b] = s->H[b * P + a] = SUM(1);
    }
#undef SUM
}

void lsc_pgtrain_put_iteration_query(FILE *fp, const struct pg_run *r, size_t n,
                                     const size_t *which, const double *const *x)
{
    fputs(r->iter_base, fp);
    fputs(which != NULL ? "SELECT bb.cvk, u.k" : "SELECT u.k", fp);
    for (size_t c = 0; c < iteration_width(r); c++)
        fprintf(fp, ", sum(c%zu)", c);
    fputs("\n", fp);
    if (which != NULL)
        lsc_pgtrain_put_from_each(fp, r, n, which, x);
    else
        lsc_pgtrain_put_from(fp, r, x[0]);
    fputs(r->iter_mu, fp);
    fputs(r->iter_tail, fp);
    fprintf(fp, "WHERE %s%s AND u.k IS NOT NULL\nGROUP BY %su.k", fit_filter(r),
            which != NULL ? " AND fold <> bb.cvk" : "", which != NULL ? "bb.cvk, " : "");
}

enum lsc_status lsc_pgtrain_iterate(struct pg_run *r, const double *beta, struct lsc_error *err)
{
    size_t P = r->m->n_features;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    lsc_pgtrain_put_iteration_query(q.fp, r, 1, NULL, &beta);
    if ((st = sql_close(&q, err)) != LSC_OK ||
        (st = lsc_pg_query(r->pg, q.s, "a Newton iteration (sums of X'WX and X'(y - p))", &rows,
                           err)) != LSC_OK)
        goto cleanup;
    r->queries++;
    memset(r->g, 0, P * sizeof *r->g);
    memset(r->H, 0, P * P * sizeof *r->H);
    r->loss = 0.0;
    struct pg_sums sums = {r->g, r->H, &r->loss};
    for (size_t i = 0; i < lsc_pg_rows_count(rows); i++)
        lsc_pgtrain_take_sums(r, &sums, rows, i, 0);
    lsc_design_to_steps(&r->steps, r->g, r->H);
cleanup:
    lsc_pg_rows_free(rows);
    free(q.s);
    return st;
}

static enum lsc_status pg_fun(void *ctx, const double *beta, double *f, struct lsc_error *err)
{
    struct pg_run *r = ctx;
    enum lsc_status st = lsc_pgtrain_iterate(r, beta, err);
    *f = r->loss + lsc_pgtrain_ridge(beta, r->m->n_features, r->m->l2);
    return st;
}

static enum lsc_status pg_grad_hess(void *ctx, const double *beta, double *g, double *H,
                                    struct lsc_error *err)
{
    (void)err;
    const struct pg_run *r = ctx;
    lsc_pgtrain_derivatives(r->g, r->H, r->m->n_features, r->m->l2, beta, g, H);
    return LSC_OK;
}

/* The elastic net's view of the sums (enet.h): the loss, and the gradient
 * and Hessian of the same query. */
static enum lsc_status pg_loss(void *ctx, const double *beta, double *f, struct lsc_error *err)
{
    struct pg_run *r = ctx;
    enum lsc_status st = lsc_pgtrain_iterate(r, beta, err);
    *f = r->loss;
    return st;
}

static enum lsc_status pg_derivatives(void *ctx, const double *beta, double *g, double *H,
                                      struct lsc_error *err)
{
    (void)err;
    const struct pg_run *r = ctx;
    lsc_pgtrain_derivatives(r->g, r->H, r->m->n_features, 0.0, beta, g, H);
    return LSC_OK;
}

/* --l1-ratio: the CSV path's proximal Newton (lsc_enet_minimize), each
 * loss and its derivatives one iteration query; started, as it is, from
 * the unweighted log-odds. */
static enum lsc_status fit_enet(struct pg_run *r, struct newton_result *nr, struct lsc_error *err)
{
    struct enet_objective obj = {r->m->n_features, r, pg_loss, pg_derivatives};
    struct enet_opts eo = {r->m->l2, r->o->l1_ratio, r->o->max_iter, r->o->tol};
    struct enet_result er;
    enum lsc_status st = lsc_enet_minimize(&obj, fit_rows(r), (double)fit_positives(r), &eo,
                                           r->m->coef, &er, err);
    memset(nr, 0, sizeof *nr);
    nr->iterations = er.iterations;
    nr->converged = er.converged;
    nr->objective = er.objective;
    nr->grad_norm = er.kkt;
    return st;
}

/* Frees what a fit builds (slots, query text, sums). */
static void fit_reset(struct pg_run *r)
{
    for (size_t k = 0; k < r->n_slots; k++) {
        free(r->slots[k].idx);
        free(r->slots[k].val);
    }
    lsc_free(r->slots);
    free(r->iter_base);
    free(r->iter_from);
    free(r->iter_after);
    free(r->iter_mu);
    free(r->iter_tail);
    r->iter_base = r->iter_from = r->iter_after = r->iter_mu = r->iter_tail = NULL;
    lsc_free(r->g);
    lsc_free(r->H);
    lsc_design_free(&r->steps);
    lsc_free(r->bin_beta);
    r->bin_beta = NULL;
    r->slots = NULL;
    r->n_slots = 0;
    r->g = r->H = NULL;
}

enum lsc_status lsc_pgtrain_prepare(struct pg_run *r, struct lsc_error *err)
{
    size_t P = r->m->n_features;
    fit_reset(r);
    r->g = lsc_malloc(P * sizeof *r->g);
    r->H = lsc_malloc(P * P * sizeof *r->H);
    r->bin_beta = lsc_malloc(P * sizeof *r->bin_beta);
    if (r->g == NULL || r->H == NULL || r->bin_beta == NULL)
        return lsc_error_nomem(err);
    enum lsc_status st = lsc_design_steps_only(&r->steps, r->m, err);
    if (st == LSC_OK)
        st = make_slots(r, err);
    if (st == LSC_OK)
        st = make_iteration_sql(r, err);
    return st;
}

enum lsc_status lsc_pgtrain_newton(struct pg_run *r, double tol, double *hessian,
                                   struct newton_result *nr, struct lsc_error *err)
{
    size_t P = r->m->n_features;
    /* the weight total and the positive weight (counts when unweighted) */
    double n = weighted(r) ? r->winfo.total : (double)fit_rows(r);
    double pos = weighted(r) ? r->winfo.fitted_rate * n : (double)fit_positives(r);
    /* from the log-odds of the base rate, as the CSV path starts (a refit
     * starts from the first fit's coefficients) */
    int from_zero = 1;
    for (size_t j = 0; j < P; j++)
        from_zero &= r->m->coef[j] == 0.0;
    if (from_zero)
        r->m->coef[0] = log(pos / (n - pos));
    struct newton_objective obj = {P, r, pg_fun, pg_grad_hess};
    struct newton_opts no = {r->o->max_iter, tol, n, hessian};
    return lsc_newton_minimize(&obj, &no, r->m->coef, nr, err);
}

/* A fit: the weights, the pairs (--interactions), the queries, the
 * penalty (--cv) and the coefficients; *hessian sized for them. */
static enum lsc_status fit(struct pg_run *r, double **hessian, struct newton_result *nr,
                           struct lsc_error *err)
{
    enum lsc_status st = weighted(r) ? weigh(r, err) : LSC_OK;
    if (st == LSC_OK && r->o->interactions > 0)
        st = lsc_pgtrain_pairs(r, err);
    if (st == LSC_OK)
        st = lsc_pgtrain_prepare(r, err);
    if (st != LSC_OK)
        return st;
    size_t P = r->m->n_features;
    lsc_free(*hessian);
    if ((*hessian = lsc_malloc(P * P * sizeof **hessian)) == NULL)
        return lsc_error_nomem(err);
    if (cv_on(r) && !r->all && (st = lsc_pgtrain_cross_validate(r, err)) != LSC_OK)
        return st;
    if (r->o->l1_ratio > 0.0)
        return fit_enet(r, nr, err);
    return lsc_pgtrain_newton(r, r->o->tol, *hessian, nr, err);
}

/* ---- the run ---------------------------------------------------------- */

/* What the CSV path does that the database path does not: not yet, or
 * (why) not at all. */
static enum lsc_status check_supported(const struct lsc_train_options *o, struct lsc_error *err)
{
    struct {
        int set;
        const char *option, *why;
    } no[] = {
        {o->events.count > 0, "--events", "(a file: give the log as a table of the same "
                                          "database, --events-table NAME)"},
        {o->events_table != NULL && o->event_date_format != NULL &&
             strcmp(o->event_date_format, "%Y-%m-%d") != 0,
         "--event-date-format", "(times are read as ISO text, and DATE or TIMESTAMP columns "
                                "as theirs)"},
        {o->date_format != NULL, "--date-format", "(dates are read as ISO text, and DATE or "
                                                  "TIMESTAMP columns as theirs)"},
        {o->predictions != NULL, "--predictions", "(a row per lead would leave the database: "
                                                  "score the table there with leadscore-score "
                                                  "--postgres ... --into NAME)"},
        {o->export_design != NULL, "--export-design", "(the design matrix, a row per lead, "
                                                      "stays in the database)"},
        {o->decimal_comma, "--decimal-comma", "(numbers are read with a decimal point: store "
                                              "them as NUMERIC or convert the text first)"},
        {o->encoding != LSC_ENCODING_UTF8, "--encoding", "(the server hands over its text as "
                                                         "UTF-8 whatever its encoding: leave "
                                                         "it out)"},
    };
    for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
        if (no[i].set)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "training inside PostgreSQL (--postgres) does not support %s %s",
                                 no[i].option, no[i].why);
    if (o->account_column != NULL && o->account_reference == LSC_ACCOUNT_REF_IDS)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "training inside PostgreSQL keeps the leads per account without "
                             "their ids (the ids are row data, which stays in the database): "
                             "--account-reference counts (the default there) or none");
    if (o->baseline != NULL && (o->split_date != NULL || !(o->holdout > 0.0)))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--baseline compares on the holdout rows: inside PostgreSQL they "
                             "are chosen by a hash of the id (--id COL, --holdout > 0; not "
                             "--split-date)");
    return LSC_OK;
}

/* The date split as date_split.c checks it: every date ISO (a bad one is
 * refused, exit 3), both sides with both classes; the rows without a date
 * are in neither (a note). */
static enum lsc_status check_date_split(struct pg_run *r, struct lsc_error *err)
{
    const char *col = r->o->split_date, *empty = NULL;
    size_t nt = r->train_rows, nh = r->hold_rows, missing = r->rows_used - nt - nh - r->bad_dates;
    size_t pt = r->train_positives, ph = r->hold_positives;
    if (r->bad_dates > 0) {
        char shown[160] = "";
        lsc_escape_bytes(r->bad_date, strlen(r->bad_date), shown, sizeof shown);
        r->sum->input_rejected = 1;
        return lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                             "date \"%s\" in column \"%s\" is not an ISO date (YYYY-MM-DD) "
                             "(optionally followed by a time) (%zu rows); inside PostgreSQL, "
                             "--split-date reads ISO dates (or DATE and TIMESTAMP columns)",
                             shown, col, r->bad_dates);
    }
    if (nt == 0)
        empty = "no rows are dated before the cutoff";
    else if (nh == 0)
        empty = "no rows are dated on or after the cutoff";
    else if (pt == 0 || pt == nt)
        empty = "the rows before the cutoff have only one class";
    else if (ph == 0 || ph == nh)
        empty = "the rows on or after the cutoff have only one class";
    if (empty != NULL)
        return lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                             "--split-date \"%s\" --cutoff: %s (%zu before: %zu converted; %zu "
                             "on or after: %zu converted; %zu without a date); move the cutoff",
                             col, empty, nt, pt, nh, ph, missing);
    r->sum->split_date = 1;
    r->sum->date_missing_rows = missing;
    if (missing > 0)
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "%zu rows have no \"%s\" date: they are in neither the pre-cutoff fit nor the "
                 "validation%s",
                 missing, col, r->o->refit ? " (the refit on all rows includes them)" : "");
    return LSC_OK;
}

/* Connection, table, roles, target. */
static enum lsc_status open_table(struct pg_run *r, struct lsc_error *err)
{
    enum lsc_status st;
    if ((st = lsc_pg_connect(r->o->postgres, &r->pg, err)) != LSC_OK)
        return st;
    /* a lateral step is computed once per row, never cached by its inputs;
     * the planner underrates the work per row (the costs of functions are
     * nominal), so parallel workers (as many as the server allows per
     * query) are not held back by their start-up cost; no JIT: LLVM took
     * over ten minutes (uninterruptibly) over a wide table's thousands of
     * products in one expression, which plain evaluation sums in seconds */
    if ((st = lsc_pg_exec(r->pg,
                          "SET enable_memoize = off; SET parallel_setup_cost = 0; "
                          "SET parallel_tuple_cost = 0; SET jit = off; SET DateStyle = ISO",
                          "setting up the session", NULL, err)) != LSC_OK ||
        (st = lsc_pg_exec(r->pg, "SET extra_float_digits = 3", "setting up the session", NULL,
                          err)) != LSC_OK)
        return st;
    if ((r->table = lsc_pg_quote_table(r->o->table, "--table", err)) == NULL)
        return err != NULL && err->status != LSC_OK ? err->status : LSC_ERR_NOMEM;
    if ((r->display = sql_text("%s (PostgreSQL)", r->o->table)) == NULL)
        return lsc_error_nomem(err);
    if ((st = read_header(r, err)) != LSC_OK || (st = resolve_options(r, err)) != LSC_OK ||
        (st = choose_columns(r, err)) != LSC_OK)
        return st;
    if ((st = read_target(r, err)) != LSC_OK)
        return st;
    return by_date(r) ? check_date_split(r, err) : LSC_OK;
}

/* The encoding pass over the current fit's rows (the first time with the
 * column checks), then the encoders. */
static enum lsc_status encoding_pass(struct pg_run *r, int first, struct encoder_stats *es,
                                     struct lsc_error *err)
{
    enum lsc_status st;
    for (size_t j = 0; j < r->n_cols; j += PROFILE_CHUNK)
        if ((st = profile_chunk(r, j, j + PROFILE_CHUNK < r->n_cols ? j + PROFILE_CHUNK
                                                                    : r->n_cols,
                                err)) != LSC_OK)
            return st;
    for (size_t j = 0; first && j < r->n_cols; j++)
        if ((st = check_column(r, &r->cols[j], err)) != LSC_OK)
            return st;
    if ((st = moments_and_levels(r, err)) != LSC_OK)
        return st;
    if (r->o->bins > 0 && (st = lsc_pgtrain_choose_cuts(r, err)) != LSC_OK)
        return st;
    return encode(r, es, err);
}

/* With an L1 penalty the fit leaves no Hessian: the statistics read the
 * sums at the estimate with lambda as an L2 penalty (the CSV path's
 * lsc_stats_compute on the design), one more query. */
static enum lsc_status l1_hessian(struct pg_run *r, double *hessian, double *objective,
                                  struct lsc_error *err)
{
    size_t P = r->m->n_features;
    const double *b = r->m->coef;
    double l2 = r->m->l2, pen = 0.0;
    enum lsc_status st = lsc_pgtrain_iterate(r, b, err);
    if (st != LSC_OK)
        return st;
    memcpy(hessian, r->H, P * P * sizeof *hessian);
    for (size_t j = 1; j < P; j++) {
        hessian[j * P + j] += l2;
        pen += b[j] * b[j];
    }
    *objective = r->loss + 0.5 * l2 * pen;
    return LSC_OK;
}

/* The coefficient statistics of the saved fit (as frequency weights: left
 * out when a weight is not a whole number), then the weighting record and
 * the --population-rate correction of the intercept, as the CSV path
 * (train.c, train_describe). */
static enum lsc_status statistics(struct pg_run *r, double *hessian,
                                  const struct newton_result *nr, struct lsc_error *err)
{
    struct lsc_model *m = r->m;
    size_t P = m->n_features;
    int w = weighted(r);
    double n = w ? r->winfo.total : (double)fit_rows(r);
    double pos = w ? r->winfo.fitted_rate * n : (double)fit_positives(r);
    struct coef_stats *cs = lsc_calloc(P, sizeof *cs);
    struct fit_stats fs;
    double objective = nr->objective;
    int have = nr->hessian_valid;
    enum lsc_status st = cs != NULL ? LSC_OK : lsc_error_nomem(err);
    if (st == LSC_OK && r->o->l1_ratio > 0.0 &&
        (st = l1_hessian(r, hessian, &objective, err)) == LSC_OK)
        have = 1;
    if (st == LSC_OK && w && !r->whole)
        lsc_logf(r->log, LSC_LOG_NOTE,
                 "the weights are not all whole numbers, so they cannot be read as frequency "
                 "weights: coefficient statistics (standard errors, p-values, AIC) are left out");
    else if (st == LSC_OK && have) {
        st = lsc_stats_from_hessian(P, m->coef, m->l2, hessian, objective, n, pos, fit_rows(r),
                                    cs, &fs, err);
        if (st == LSC_ERR_NUMERIC) {
            lsc_logf(r->log, LSC_LOG_WARN, "%s; coefficient statistics are left out",
                     err != NULL ? err->message : "singular");
            lsc_error_clear(err);
            st = LSC_OK;
        } else if (st == LSC_OK) {
            st = lsc_train_store_stats(m, cs, &fs, err);
        }
    }
    lsc_free(cs);
    if (st == LSC_OK)
        st = lsc_train_record_weighting(m, r->o, w ? &r->winfo : NULL, (double)fit_rows(r),
                                        (double)fit_positives(r), r->log, r->sum, err);
    if (r->o->l1_ratio > 0.0)
        lsc_train_forget_wald(m);
    return st;
}

/* Metadata and the summary of the fitted model. */
static enum lsc_status describe(struct pg_run *r, const struct newton_result *nr,
                                struct lsc_error *err)
{
    struct lsc_model *m = r->m;
    struct lsc_train_summary *sum = r->sum;
    struct lsc_train_options oc = *r->o;
    unsigned char d[32];
    char hex[65];
    lsc_sha256_final(&r->digest, d);
    lsc_sha256_hex(d, hex);
    oc.input = r->display;
    int dated = r->o->days_since.count > 0 || r->events != NULL;
    const char *as_of = dated ? r->as_of_text : NULL;
    json_t *options = lsc_train_options_json(&oc);
    if (options != NULL && !lsc_derive_record_options_at(options, r->o, as_of)) {
        json_decref(options);
        options = NULL;
    }
    double lambda = m->l2; /* --l2, or the one --cv chose */
    enum lsc_status st = lsc_train_fill_common(m, &oc, r->display, hex, options, err);
    if (st != LSC_OK)
        return st;
    m->l2 = lambda;
    if ((st = lsc_pgtrain_events_model(r, err)) != LSC_OK)
        return st;
    if (as_of != NULL)
        snprintf(sum->as_of, sizeof sum->as_of, "%s", as_of);
    if (r->base != NULL) {
        /* the same table (it may have grown since), or the same rows */
        const struct lsc_model *old = r->o->baseline;
        int same = (old->training_file != NULL && strcmp(old->training_file, r->display) == 0) ||
                   (old->training_sha256 != NULL && strcmp(old->training_sha256, hex) == 0);
        st = lsc_baseline_attach(m, old, r->o->baseline_file ? r->o->baseline_file : "", same,
                                 r->base, r->base_var, err);
        r->base = NULL;
        if (st != LSC_OK)
            return st;
    }
    if (by_date(r) && (st = lsc_train_record_date_split(m, r->o, r->train_rows, r->hold_rows,
                                                        r->sum->date_missing_rows, err)) != LSC_OK)
        return st;
    m->rows_read = r->rows_total;
    m->rows_used = r->rows_used;
    m->rows_skipped = r->skipped_target + r->skipped_value;
    m->positives = r->positives;
    m->iterations = nr->iterations;
    m->converged = nr->converged;
    m->objective = nr->objective;
    sum->final_iterations = nr->iterations;
    sum->final_converged = nr->converged;
    sum->refit = m->refit;
    if (m->holdout.present)
        lsc_train_summary_holdout(sum, &m->holdout);
    sum->gradient_norm = nr->grad_norm;
    sum->features = m->n_features;
    return lsc_model_validate(m, NULL, err);
}

static void run_free(struct pg_run *r)
{
    lsc_pgtrain_events_free(r->events);
    lsc_baseline_stat_free(r->base);
    for (size_t j = 0; j < r->n_cols; j++) {
        for (size_t k = 0; k < r->cols[j].n_values; k++)
            lsc_free(r->cols[j].values[k]);
        lsc_free(r->cols[j].values);
        lsc_free(r->cols[j].counts);
        lsc_free(r->cols[j].positives);
        lsc_free(r->cols[j].date_example);
        lsc_free(r->cols[j].own_name);
        lsc_pgtrain_cuts_free(&r->cols[j]);
    }
    fit_reset(r);
    lsc_cv_path_free(&r->cv);
    lsc_free(r->cv_stat);
    lsc_pair_picks_free(r->picks, r->n_picks);
    for (size_t j = 0; j < r->n_names; j++)
        lsc_free(r->names[j]);
    lsc_free(r->names);
    lsc_free(r->lens);
    lsc_free(r->resolved);
    lsc_free(r->cols);
    lsc_free(r->col_of);
    lsc_free(r->table);
    free(r->display);
    free(r->y_case);
    lsc_free(r->bad_date);
    lsc_free(r->rep_y);
    lsc_free(r->rep_p);
    lsc_free(r->rep_w);
    lsc_model_free(r->m);
    lsc_pg_free(r->pg);
}

/* The rows in the summary. */
static void summarise_rows(struct pg_run *r)
{
    struct lsc_train_summary *sum = r->sum;
    sum->rows_read = r->rows_total;
    sum->rows_used = r->rows_used;
    sum->rows_skipped_target = r->skipped_target;
    sum->rows_skipped_value = r->skipped_value;
    sum->positives = r->positives;
    sum->train_rows = fit_rows(r);
    sum->holdout_rows = has_holdout(r) ? r->hold_rows : 0;
}

/* After the validation: the holdout metrics into the summary, then the
 * encoders again on every row, the first fit's coefficients (by name) as
 * the refit's start. */
static enum lsc_status refit_setup(struct pg_run *r, struct encoder_stats *es,
                                   struct lsc_error *err)
{
    struct lsc_model *m = r->m;
    struct dict *names = lsc_dict_new();
    double *coef = lsc_malloc(m->n_features * sizeof *coef);
    enum lsc_status st = names != NULL && coef != NULL ? LSC_OK : lsc_error_nomem(err);
    for (size_t j = 0; st == LSC_OK && j < m->n_features; j++) {
        uint32_t id = lsc_dict_intern(names, m->feature_names[j], strlen(m->feature_names[j]), NULL);
        if (id == DICT_NONE)
            st = lsc_error_nomem(err);
        else
            coef[id] = m->coef[j];
    }
    r->all = 1;
    if (st == LSC_OK)
        st = encoding_pass(r, 0, es, err);
    for (size_t j = 0; st == LSC_OK && j < m->n_features; j++) {
        uint32_t id = lsc_dict_find(names, m->feature_names[j], strlen(m->feature_names[j]));
        if (id != DICT_NONE)
            m->coef[j] = coef[id];
    }
    m->refit = 1;
    lsc_dict_free(names);
    lsc_free(coef);
    return st;
}

/* The first fit (on the training rows when there is a holdout), its
 * validation, and the refit on every row. */
static enum lsc_status fits(struct pg_run *r, double **hessian, struct newton_result *nr,
                            struct lsc_error *err)
{
    struct lsc_train_summary *sum = r->sum;
    struct encoder_stats es;
    enum lsc_status st = encoding_pass(r, 1, &es, err);
    for (int pass = 0; st == LSC_OK && pass < 2; pass++) {
        sum->columns_used = es.columns_used;
        sum->columns_dropped = es.columns_dropped;
        lsc_pg_mark_bytes(r->pg);
        if ((st = fit(r, hessian, nr, err)) != LSC_OK)
            return st;
        sum->pg_bytes_fit += lsc_pg_bytes_since_mark(r->pg);
        if (!nr->converged)
            lsc_logf(r->log, LSC_LOG_WARN,
                     "the fit did not converge in %zu iterations (scaled gradient %.3g > %.3g); "
                     "raise --max-iter or --l2",
                     nr->iterations, nr->grad_norm, r->o->tol);
        sum->iterations = pass == 0 ? nr->iterations : sum->iterations;
        sum->converged = pass == 0 ? nr->converged : sum->converged;
        if (pass == 0 && (st = lsc_pgtrain_leakage(r, err)) != LSC_OK)
            return st;
        if (pass > 0 || !has_holdout(r))
            break;
        if ((st = lsc_pgtrain_validate(r, err)) != LSC_OK ||
            (r->o->baseline != NULL && (st = lsc_pgtrain_compare_baseline(r, err)) != LSC_OK) ||
            !r->o->refit)
            break;
        st = refit_setup(r, &es, err);
    }
    if (st == LSC_OK && r->cv.n > 0) /* the path into the model */
        st = lsc_train_attach_penalty(r->m, r->o, r->m->l2, &r->cv, err);
    return st;
}

/* The run's output files (-o, --report), staged: written beside their
 * destinations, renamed into place together at the end, or none. */
struct pg_outputs {
    struct lsc_output_set set;
    const char *model, *report, *points;
};

static enum lsc_status outputs_stage(const struct lsc_train_options *o, struct pg_outputs *w,
                                     struct lsc_error *err)
{
    const char *const paths[] = {o->model_output, o->report, o->points_output};
    static const char *const options[] = {"-o", "--report", "--emit-rules"};
    enum lsc_status st = lsc_output_paths_distinct(paths, options, 3, err);
    if (st == LSC_OK && o->points_output != NULL)
        st = lsc_output_set_stage(&w->set, o->points_output, o->force, &w->points, err);
    if (st == LSC_OK && o->report != NULL)
        st = lsc_output_set_stage(&w->set, o->report, o->force, &w->report, err);
    if (st == LSC_OK && o->model_output != NULL)
        st = lsc_output_set_stage(&w->set, o->model_output, o->force, &w->model, err);
    return st;
}

static enum lsc_status outputs_write(struct pg_run *r, struct pg_outputs *w,
                                     const struct report_warnings *warns, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    if (w->report != NULL)
        st = lsc_report_train_html(r->m, r->sum, r->rep_y, r->rep_p, r->rep_w, r->rep_n, warns,
                                   w->report, 1, err);
    if (st == LSC_OK && w->points != NULL)
        st = lsc_train_write_points(r->m, r->o, w->points, r->sum, err);
    if (st == LSC_OK && w->model != NULL)
        st = lsc_model_save(r->m, w->model, 1, err);
    if (st != LSC_OK)
        lsc_output_set_rename_error(&w->set, err);
    else if (w->model != NULL || w->report != NULL || w->points != NULL)
        st = lsc_output_set_commit(&w->set, err);
    return st;
}

/* The steps of a run after the outputs are staged. */
static enum lsc_status run(struct pg_run *r, double **hessian, struct newton_result *nr,
                           struct lsc_error *err)
{
    enum lsc_status st = lsc_la_init(err);
    if (st == LSC_OK && (r->m = lsc_model_new()) == NULL)
        st = lsc_error_nomem(err);
    if (st != LSC_OK)
        return st;
    r->m->l2 = r->o->l2;
    r->m->l1_ratio = r->o->l1_ratio;
    if ((st = open_table(r, err)) != LSC_OK)
        return st;
    summarise_rows(r);
    if ((st = lsc_diag_thin_counts(r->m, r->display, r->rows_used, r->positives, r->o->force,
                                   r->log, err)) != LSC_OK ||
        (st = fits(r, hessian, nr, err)) != LSC_OK ||
        (st = lsc_pgtrain_diagnose(r, err)) != LSC_OK ||
        (st = statistics(r, *hessian, nr, err)) != LSC_OK ||
        (st = lsc_pgtrain_drift_reference(r, err)) != LSC_OK ||
        (st = lsc_pgtrain_account_reference(r, err)) != LSC_OK)
        return st;
    return describe(r, nr, err);
}

enum lsc_status lsc_train_pg(const struct lsc_train_options *o, const struct lsc_log *log,
                             struct lsc_model **out, struct lsc_train_summary *sum,
                             struct lsc_error *err)
{
    struct pg_run r;
    struct newton_result nr;
    struct pg_outputs w;
    struct report_warnings warns;
    double *hessian = NULL;
    memset(&r, 0, sizeof r);
    r.o = o;
    r.log = log;
    r.sum = sum;
    lsc_sha256_init(&r.digest);
    sum->postgres = 1;
    memset(&w, 0, sizeof w);
    lsc_output_set_init(&w.set);
    lsc_report_warnings_init(&warns, log);
    if (o->report != NULL)
        r.log = &warns.log; /* every warning goes into the report too */
    enum lsc_status st = lsc_train_options_check(o, err);
    if (st == LSC_OK)
        st = check_supported(o, err);
    if (st == LSC_OK)
        st = outputs_stage(o, &w, err);
    if (st == LSC_OK)
        st = run(&r, &hessian, &nr, err);
    if (r.pg != NULL) {
        sum->pg_bytes = lsc_pg_bytes(r.pg);
        sum->pg_queries = r.queries;
        sum->pg_cv_queries = r.cv_queries;
    }
    if (st == LSC_OK)
        st = outputs_write(&r, &w, &warns, err);
    if (st == LSC_OK) {
        *out = r.m;
        r.m = NULL;
    }
    lsc_output_set_abort(&w.set);
    lsc_report_warnings_fini(&warns);
    lsc_free(hessian);
    run_free(&r);
    return st;
}
