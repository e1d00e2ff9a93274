/* train_pg_checks - the queries inside PostgreSQL after a fit
 * (docs/warehouse.md): the leakage check, the holdout's metrics, the
 * comparison with --baseline, separation and collinearity, the accounts
 * and the drift reference the model keeps; each as the CSV path makes it,
 * from aggregates. */
#include <limits.h>
#include <math.h>
#include <string.h>

#include "account.h"
#include "curves.h"
#include "derive.h"
#include "diagnostics.h"
#include "drift.h"
#include "event_features.h"
#include "leadscore/emit.h"
#include "model_def.h"
#include "sql_text.h"
#include "train_internal.h"
#include "train_pg_internal.h"

/* ---- the leakage check ------------------------------------------------ */

/* One query: per categorical column and value, its fitting rows and their
 * conversions, and its converted and not converted evaluation rows; per
 * numeric column (median-imputed), the Mann-Whitney count of its
 * evaluation rows (window sums), ordered by column. */
static enum lsc_status leakage_sql(struct pg_run *r, struct sql *q, struct lsc_error *err)
{
    const struct lsc_model *m = r->m;
    enum lsc_status st = lsc_pgtrain_open_query(r, q, COLS_MODEL, 0, 0, BASE_NUMBERS, err);
    if (st != LSC_OK)
        return st;
    fprintf(q->fp, ", u AS (\n  SELECT u.a, u.v, u.x, y, %s AS f, %s AS e FROM t2 CROSS JOIN "
                   "LATERAL (VALUES",
            has_holdout(r) ? "NOT hold" : "true", has_holdout(r) ? "hold" : "true");
    for (size_t a = 0; a < m->n_columns; a++) {
        size_t j = r->col_of[a];
        fprintf(q->fp, "%s\n    (%zu, ", a ? "," : "", a);
        if (lsc_col_is_numeric(&m->columns[a])) {
            fprintf(q->fp, "CAST(NULL AS TEXT), COALESCE(x_%zu, ", j);
            lsc_sql_put_num(q->fp, PG, m->columns[a].median);
            fputs("))", q->fp);
        } else {
            fprintf(q->fp, "CASE WHEN na_%zu THEN NULL ELSE v_%zu END, "
                           "CAST(NULL AS DOUBLE PRECISION))", j, j);
        }
    }
    fputs(") AS u(a, v, x) WHERE y IS NOT NULL),\n"
          "g AS (SELECT a, v, x, count(*) FILTER (WHERE f) AS fn, sum(y) FILTER (WHERE f) AS fp,\n"
          "  count(*) FILTER (WHERE e AND y = 1) AS ep, count(*) FILTER (WHERE e AND y = 0) AS en\n"
          "  FROM u GROUP BY a, v, x)\n"
          "SELECT a, v, fn, fp, ep, en, NULL FROM g WHERE x IS NULL\n"
          "UNION ALL\n"
          "SELECT a, NULL, NULL, NULL, sum(ep), sum(en), sum(ep * below + 0.5 * ep * en) FROM (\n"
          "  SELECT g.*, COALESCE(sum(en) OVER (PARTITION BY a ORDER BY x ROWS BETWEEN UNBOUNDED "
          "PRECEDING AND 1 PRECEDING), 0) AS below\n"
          "  FROM g WHERE x IS NOT NULL) AS w GROUP BY a\n"
          "ORDER BY 1",
          q->fp);
    return sql_close(q, err);
}

enum lsc_status lsc_pgtrain_leakage(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = leakage_sql(r, &q, err);
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "the leakage check", &rows, err);
    free(q.s);
    size_t n = st == LSC_OK ? lsc_pg_rows_count(rows) : 0;
    struct lsc_level_rate *lv = lsc_calloc(n + 1, sizeof *lv);
    double overall = (double)fit_positives(r) / (double)fit_rows(r);
    if (st == LSC_OK && lv == NULL)
        st = lsc_error_nomem(err);
    for (size_t i = 0; st == LSC_OK && i < n;) {
        size_t a = count_of(lsc_pg_rows_value(rows, i, 0)), k = 0;
        double auc;
        if (lsc_pg_rows_value(rows, i, 6) != NULL) { /* a numeric column */
            double P = num_or(lsc_pg_rows_value(rows, i, 4), 0.0);
            double N = num_or(lsc_pg_rows_value(rows, i, 5), 0.0);
            auc = P > 0.0 && N > 0.0 ? num_or(lsc_pg_rows_value(rows, i, 6), NAN) / (P * N) : NAN;
            i++;
        } else {
            for (; i < n && count_of(lsc_pg_rows_value(rows, i, 0)) == a; i++, k++) {
                double fn = num_or(lsc_pg_rows_value(rows, i, 2), 0.0);
                lv[k].rate = fn > 0.0 ? num_or(lsc_pg_rows_value(rows, i, 3), 0.0) / fn : overall;
                lv[k].pos = num_or(lsc_pg_rows_value(rows, i, 4), 0.0);
                lv[k].neg = num_or(lsc_pg_rows_value(rows, i, 5), 0.0);
            }
            auc = lsc_diag_levels_auc(lv, k);
        }
        if (a < r->m->n_columns)
            st = lsc_diag_leakage_report(r->m, r->m->columns[a].name, auc, has_holdout(r), r->log,
                                         err);
    }
    lsc_free(lv);
    lsc_pg_rows_free(rows);
    return st;
}

/* ---- the holdout ------------------------------------------------------ */

/* The ranks that end the deciles of n rows (curves.h). */
static size_t decile_end(size_t d, size_t n) { return (d * n + CURVES_DECILES / 2) / CURVES_DECILES; }

/* The sum of X over the k highest-ranked rows, a tie group straddling rank
 * k shared out in proportion (curves.c, top_k). */
static void put_top(FILE *fp, const char *x, size_t k)
{
    fprintf(fp, ",\n  sum(CASE WHEN ra <= %zu THEN %s WHEN rb < %zu THEN %s * (%zu - rb) / n "
                "ELSE 0 END)", k, x, k, x, k);
}

/* WITH t2 ..., hp: the holdout rows' probability p and outcome y under the
 * current coefficients (the validation and the report's groups), and with
 * with_id their id's trimmed text as lsc_id (--baseline). */
static void put_holdout_p(FILE *fp, const struct pg_run *r, int with_id)
{
    fputs(r->iter_base, fp);
    fputs(", hp AS (\nSELECT p, y", fp);
    if (with_id)
        fprintf(fp, ", v_%zu AS lsc_id", id_slot(r));
    fputs("\n", fp);
    lsc_pgtrain_put_from(fp, r, r->m->coef);
    fputs(P_LATERAL "WHERE y IS NOT NULL AND hold\n)", fp);
}

/* The holdout's probabilities grouped by value, with the cumulative sums
 * from the highest (c), and the metrics of the CSV path over them. */
static enum lsc_status validation_sql(struct pg_run *r, size_t nh, struct sql *q,
                                      struct lsc_error *err)
{
    enum lsc_status st = sql_open(q, err);
    if (st != LSC_OK)
        return st;
    FILE *fp = q->fp;
    put_holdout_p(fp, r, 0);
    fputs(",\n"
          "g AS (SELECT p, CAST(count(*) AS DOUBLE PRECISION) AS n, CAST(sum(y) AS DOUBLE "
          "PRECISION) AS pos FROM hp GROUP BY p),\n"
          "c AS (SELECT p, n, pos, n - pos AS neg, sum(n) OVER d - n AS rb, sum(n) OVER d AS ra,\n"
          "  sum(pos) OVER d AS pa, sum(n) OVER () AS tot, sum(pos) OVER () AS ptot\n"
          "  FROM g WINDOW d AS (ORDER BY p DESC ROWS UNBOUNDED PRECEDING)),\n"
          "k AS (SELECT c.*, pa / ptot - (ra - pa) / (tot - ptot) AS gap,\n"
          "  LEAST(GREATEST(p, 1e-15), 1 - 1e-15) AS q FROM c)\n"
          "SELECT sum(pos * ((tot - ptot) - (ra - pa)) + 0.5 * pos * neg),\n"
          "  sum(-pos * ln(q) - neg * ln(1 - q)), sum(pos * (1 - p) * (1 - p) + neg * p * p),\n"
          "  sum(pos) FILTER (WHERE p >= 0.5), sum(neg) FILTER (WHERE p >= 0.5),\n"
          "  max(gap), (array_agg(p ORDER BY gap DESC, p DESC))[1], max(p)",
          fp);
    for (size_t d = 1, prev = 0; d <= CURVES_DECILES; d++) {
        size_t b = decile_end(d, nh);
        put_top(fp, "n", b);
        put_top(fp, "pos", b);
        put_top(fp, "n * p", b);
        fprintf(fp, ",\n  max(p) FILTER (WHERE rb < %zu AND %zu <= ra), max(p) FILTER (WHERE "
                    "rb < %zu AND %zu <= ra)", prev + 1, prev + 1, b, b);
        prev = b;
    }
    fputs("\nFROM k", fp);
    return sql_close(q, err);
}

/* The deciles from the sums over the top ranks (curves.c's formulas). */
static void fill_deciles(struct lsc_holdout_metrics *h, struct lsc_pg_rows *rows, size_t nh)
{
    double W = (double)nh, P = (double)h->positives, rate = W > 0.0 ? P / W : NAN;
    double bw = 0.0, bp = 0.0, bq = 0.0;
    for (size_t d = 1, prev = 0; d <= CURVES_DECILES; d++) {
        struct curves_decile *o = &h->deciles[d - 1];
        size_t at = 8 + 5 * (d - 1), b = decile_end(d, nh);
        double w = num_or(lsc_pg_rows_value(rows, 0, at), 0.0);
        double pos = num_or(lsc_pg_rows_value(rows, 0, at + 1), 0.0);
        double q = num_or(lsc_pg_rows_value(rows, 0, at + 2), 0.0);
        o->decile = d;
        o->rows = b - prev;
        o->weight = w - bw;
        o->positives = pos - bp;
        int has = o->rows > 0 && o->weight > 0.0;
        o->conversion_rate = has ? o->positives / o->weight : NAN;
        o->mean_predicted = has ? (q - bq) / o->weight : NAN;
        o->score_max = o->rows > 0 ? num_or(lsc_pg_rows_value(rows, 0, at + 3), NAN) : NAN;
        o->score_min = o->rows > 0 ? num_or(lsc_pg_rows_value(rows, 0, at + 4), NAN) : NAN;
        o->lift = o->conversion_rate / rate;
        o->cumulative_capture = P > 0.0 ? pos / P : NAN;
        o->cumulative_lift = w > 0.0 ? (pos / w) / rate : NAN;
        prev = b;
        bw = w;
        bp = pos;
        bq = q;
    }
}

/* --report: the holdout's probabilities rounded to 4 decimals, with the
 * converted and not converted rows of each (at most 2 x 10,001 groups
 * come back, whatever the table's size): the report's curves are drawn
 * from them, its numbers are the exact metrics. */
static enum lsc_status report_groups(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    put_holdout_p(q.fp, r, 0);
    fputs("\nSELECT round(CAST(p AS NUMERIC), 4), y, count(*) FROM hp GROUP BY 1, 2",
          q.fp);
    if ((st = sql_close(&q, err)) == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "the holdout's probabilities for --report", &rows, err);
    free(q.s);
    size_t n = st == LSC_OK ? lsc_pg_rows_count(rows) : 0;
    if (st == LSC_OK && ((r->rep_y = lsc_malloc((n + 1) * sizeof *r->rep_y)) == NULL ||
                         (r->rep_p = lsc_malloc((n + 1) * sizeof *r->rep_p)) == NULL ||
                         (r->rep_w = lsc_malloc((n + 1) * sizeof *r->rep_w)) == NULL))
        st = lsc_error_nomem(err);
    for (size_t i = 0; st == LSC_OK && i < n; i++) {
        r->rep_p[i] = num_or(lsc_pg_rows_value(rows, i, 0), NAN);
        r->rep_y[i] = num_or(lsc_pg_rows_value(rows, i, 1), 0.0);
        r->rep_w[i] = num_or(lsc_pg_rows_value(rows, i, 2), 0.0);
    }
    r->rep_n = st == LSC_OK ? n : 0;
    lsc_pg_rows_free(rows);
    return st;
}

enum lsc_status lsc_pgtrain_validate(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_holdout_metrics *h = &r->m->holdout;
    size_t nh = r->hold_rows;
    struct lsc_pg_rows *rows = NULL;
    struct sql q;
    enum lsc_status st = validation_sql(r, nh, &q, err);
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "the holdout's metrics", &rows, err);
    free(q.s);
    if (st != LSC_OK)
        return st;
    double P = (double)r->hold_positives, N = (double)nh - P;
    double tp = num_or(lsc_pg_rows_value(rows, 0, 3), 0.0);
    double fp = num_or(lsc_pg_rows_value(rows, 0, 4), 0.0);
    h->present = 1;
    h->rows = nh;
    h->positives = r->hold_positives;
    h->auc = P > 0.0 && N > 0.0 ? num_or(lsc_pg_rows_value(rows, 0, 0), NAN) / (P * N) : NAN;
    h->log_loss = nh > 0 ? num_or(lsc_pg_rows_value(rows, 0, 1), NAN) / (double)nh : NAN;
    h->brier = nh > 0 ? num_or(lsc_pg_rows_value(rows, 0, 2), NAN) / (double)nh : NAN;
    h->base_rate = nh > 0 ? P / (double)nh : NAN;
    h->precision_at_50 = tp + fp > 0.0 ? tp / (tp + fp) : NAN;
    h->recall_at_50 = P > 0.0 ? tp / P : NAN;
    h->accuracy_at_50 = nh > 0 ? (tp + (N - fp)) / (double)nh : NAN;
    double gap = num_or(lsc_pg_rows_value(rows, 0, 5), NAN);
    h->ks = P > 0.0 && N > 0.0 ? (gap > 0.0 ? gap : 0.0) : NAN;
    h->ks_threshold = P > 0.0 && N > 0.0 ? num_or(lsc_pg_rows_value(rows, 0, gap > 0.0 ? 6 : 7),
                                                  NAN)
                                         : NAN;
    fill_deciles(h, rows, nh);
    lsc_curves_hosmer_lemeshow(h->deciles, &h->hl);
    h->tables_present = 1;
    lsc_pg_rows_free(rows);
    return r->o->report != NULL ? report_groups(r, err) : LSC_OK;
}

/* ---- --baseline -------------------------------------------------------- */

/* The old model's scoring statement over the table (emit_sql, as
 * leadscore-score --emit-sql writes it), its id column passed through,
 * without the closing semicolon: the body of a CTE. */
static enum lsc_status old_statement(const struct pg_run *r, char **out, struct lsc_error *err)
{
    const char *ids[1] = {r->names[r->id]};
    struct lsc_emit_sql_options eo;
    struct sql q;
    lsc_emit_sql_options_defaults(&eo);
    eo.table = r->o->table;
    eo.ids.items = ids;
    eo.ids.count = 1;
    eo.as_of = r->o->days_since.count > 0 || r->events != NULL ? r->as_of_text : r->o->as_of;
    /* the old model's event features from this run's log, as of the as-of
     * date: the CSV path measures each lead's up to its outcome date */
    eo.events_table = r->o->events_table;
    if (lsc_event_model_needs_log(r->o->baseline) && r->o->outcome_date != NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--baseline: the old model has activity-log features, which its "
                             "statement inside PostgreSQL measures as of one date, not up to "
                             "each lead's --outcome-date: compare on a CSV export");
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    eo.stream = q.fp;
    /* missing values as this run reads them, as the CSV path's old model
     * sees the file parsed with this run's --na-values */
    eo.na_values = &r->o->na_values;
    st = lsc_emit_sql(r->o->baseline, &eo, err);
    enum lsc_status cst = sql_close(&q, st == LSC_OK ? err : NULL);
    if (st == LSC_OK && cst != LSC_OK)
        st = cst;
    if (st != LSC_OK) {
        free(q.s);
        if (err != NULL && strncmp(err->message, "--baseline", 10) != 0) {
            static const char pre[] = "--baseline: the old model inside PostgreSQL: ";
            size_t room = sizeof err->message - sizeof pre;
            char msg[LSC_ERROR_MSG_MAX];
            memcpy(msg, err->message, room);
            msg[room] = '\0';
            memcpy(err->message, pre, sizeof pre - 1);
            memcpy(err->message + sizeof pre - 1, msg, strlen(msg) + 1);
        }
        return st;
    }
    size_t n = strlen(q.s);
    while (n > 0 && (q.s[n - 1] == ';' || q.s[n - 1] == '\n' || q.s[n - 1] == ' '))
        q.s[--n] = '\0';
    *out = q.s;
    return LSC_OK;
}

/* CASE giving a score's tier code (2 hot, 1 warm, 0 cold) at these cut-offs. */
static void put_tier(FILE *fp, const char *score, double hot, double warm)
{
    fprintf(fp, "CASE WHEN %s >= %.17g THEN 2 WHEN %s >= %.17g THEN 1 ELSE 0 END", score, hot,
            score, warm);
}

/* The comparison's sums: the holdout rows' new and old probabilities
 * (joined by the id), their 1..100 scores and tiers, and per row its DeLong
 * component under each model (rankstats.c: for a converted lead the share
 * of not converted ones ranked below it, ties counting half; for the
 * others one minus the share of converted ones below), so that only the
 * averages, (co)variances, shifts and counts come back. */
static enum lsc_status baseline_sql(const struct pg_run *r, const char *old, struct sql *q,
                                    struct lsc_error *err)
{
    enum lsc_status st = sql_open(q, err);
    if (st != LSC_OK)
        return st;
    const struct lsc_model *om = r->o->baseline;
    FILE *fp = q->fp;
    put_holdout_p(fp, r, 1);
    fprintf(fp, ",\nlsc_old AS (\n%s\n),\n", old);
    fputs("rep AS (SELECT count(*) - count(DISTINCT lsc_id) AS n FROM hp),\n"
          "j AS (SELECT hp.p AS pn, o.probability AS po, CAST(hp.y AS DOUBLE PRECISION) AS y,\n"
          "  o.error IS NOT NULL AS bad FROM hp JOIN lsc_old AS o ON ",
          fp);
    lsc_pgtrain_put_trimmed(fp, "o", r->names[r->id]);
    fputs(" = hp.lsc_id),\n"
          "s AS (SELECT pn, po, y, LEAST(GREATEST(floor(100 * pn + 0.5), 1), 100) AS sn,\n"
          "  LEAST(GREATEST(floor(100 * po + 0.5), 1), 100) AS so FROM j WHERE NOT bad),\n"
          "v AS (SELECT y, abs(sn - so) AS shift, ",
          fp);
    put_tier(fp, "sn", r->o->tier_hot, r->o->tier_warm);
    fputs(" <> ", fp);
    put_tier(fp, "so", om->tier_hot, om->tier_warm);
    fputs(" AS moved", fp);
    static const char *const side[2] = {"n", "o"};
    for (int k = 0; k < 2; k++)
        fprintf(fp, ",\n  CASE WHEN y = 1 THEN (sum(1 - y) OVER a%s - 0.5 * sum(1 - y) OVER b%s)"
                    " / NULLIF(sum(1 - y) OVER (), 0)\n"
                    "    ELSE 1 - (sum(y) OVER a%s - 0.5 * sum(y) OVER b%s) / NULLIF(sum(y) "
                    "OVER (), 0) END AS v%s",
                side[k], side[k], side[k], side[k], side[k]);
    fputs("\n  FROM s WINDOW an AS (ORDER BY pn), bn AS (PARTITION BY pn), ao AS (ORDER BY po),"
          " bo AS (PARTITION BY po))\n"
          "SELECT count(*), sum(y), (SELECT count(*) FROM j WHERE bad),\n"
          "  avg(vn) FILTER (WHERE y = 1), avg(vo) FILTER (WHERE y = 1)",
          fp);
    for (int cls = 1; cls >= 0; cls--)
        fprintf(fp, ",\n  covar_samp(vn, vn) FILTER (WHERE y = %d), covar_samp(vo, vo) FILTER "
                    "(WHERE y = %d), covar_samp(vn, vo) FILTER (WHERE y = %d)",
                cls, cls, cls);
    fputs(",\n  avg(shift), percentile_cont(0.5) WITHIN GROUP (ORDER BY shift),\n"
          "  sum(CASE WHEN moved THEN 1 ELSE 0 END), (SELECT n FROM rep)\nFROM v",
          fp);
    return sql_close(q, err);
}

/* Reads baseline_sql's one row into a new r->base and r->base_var. */
static enum lsc_status take_baseline(struct pg_run *r, const struct lsc_pg_rows *rows,
                                     struct lsc_error *err)
{
    size_t repeats = count_of(lsc_pg_rows_value(rows, 0, 14));
    if (repeats > 0)
        return lsc_error_set(err, LSC_ERR_DATA, r->display, 0, 0,
                             "--baseline inside PostgreSQL matches the old model's scores to "
                             "the holdout rows by the id column \"%s\": %zu of its values are "
                             "repeated there; make the ids unique or export the table to CSV",
                             r->names[r->id], repeats);
    struct lsc_baseline_stat *b = lsc_calloc(1, sizeof *b);
    if (b == NULL)
        return lsc_error_nomem(err);
    b->rows = count_of(lsc_pg_rows_value(rows, 0, 0));
    b->positives = count_of(lsc_pg_rows_value(rows, 0, 1));
    b->rows_unscorable = count_of(lsc_pg_rows_value(rows, 0, 2));
    enum lsc_status st = lsc_baseline_check_classes(b, r->display, err);
    if (st != LSC_OK) {
        lsc_baseline_stat_free(b);
        return st;
    }
    double m1 = (double)b->positives, m0 = (double)(b->rows - b->positives);
    b->auc_new = num_or(lsc_pg_rows_value(rows, 0, 3), NAN);
    b->auc_old = num_or(lsc_pg_rows_value(rows, 0, 4), NAN);
    for (size_t k = 0; k < 3; k++)
        r->base_var[k] = num_or(lsc_pg_rows_value(rows, 0, 5 + k), NAN) / m1 +
                         num_or(lsc_pg_rows_value(rows, 0, 8 + k), NAN) / m0;
    b->mean_abs_shift = num_or(lsc_pg_rows_value(rows, 0, 11), NAN);
    b->median_abs_shift = num_or(lsc_pg_rows_value(rows, 0, 12), NAN);
    b->tier_change_share = num_or(lsc_pg_rows_value(rows, 0, 13), 0.0) / (double)b->rows;
    lsc_baseline_stat_free(r->base);
    r->base = b;
    return LSC_OK;
}

/* Each of the old model's columns is a feature of this run (as
 * lsc_baseline_map asks of the CSV path's). */
static enum lsc_status baseline_columns(const struct pg_run *r, struct lsc_error *err)
{
    const struct lsc_model *old = r->o->baseline;
    for (size_t a = 0; a < old->n_columns; a++) {
        const char *name = old->columns[a].name;
        int in_table = 0, used = 0;
        for (size_t j = 0; j < r->n_cols && !used; j++)
            if (strcmp(r->cols[j].name, name) == 0) {
                in_table = 1;
                used = !r->cols[j].excluded;
            }
        for (size_t j = 0; j < r->n_names && !in_table; j++)
            in_table = strcmp(r->names[j], name) == 0;
        if (!used)
            return lsc_error_set(err, LSC_ERR_DATA, r->o->baseline_file, 0, 0,
                                 in_table ? "--baseline: the old model needs column \"%s\", which "
                                            "this run does not use as a feature (excluded, an id "
                                            "or left out by --include); the comparison needs it"
                                          : "--baseline: the old model needs column \"%s\", "
                                            "which %s lacks",
                                 name, r->display);
    }
    return LSC_OK;
}

enum lsc_status lsc_pgtrain_compare_baseline(struct pg_run *r, struct lsc_error *err)
{
    char *old = NULL;
    struct lsc_pg_rows *rows = NULL;
    struct sql q = {NULL, NULL, 0};
    enum lsc_status st = baseline_columns(r, err);
    if (st == LSC_OK)
        st = old_statement(r, &old, err);
    if (st == LSC_OK)
        st = baseline_sql(r, old, &q, err);
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "the old model's scores on the holdout rows (--baseline)",
                          &rows, err);
    if (st == LSC_OK)
        st = take_baseline(r, rows, err);
    lsc_pg_rows_free(rows);
    free(q.s);
    free(old);
    return st;
}

/* ---- diagnostics on the saved fit's rows ------------------------------ */

/* A categorical column's values counted into their level features. */
static void count_levels(const struct lsc_column_enc *c, const struct pg_col *pc, size_t *cnt,
                         size_t *pos)
{
    for (size_t k = 0; k <= pc->n_values; k++) {
        size_t level = k < pc->n_values ? lsc_dict_find(c->lookup, pc->values[k],
                                                        strlen(pc->values[k]))
                                        : c->missing;
        if (level == DICT_NONE || level == SIZE_MAX)
            level = c->other;
        if (level == SIZE_MAX || c->level_feature[level] == LSC_NO_FEATURE)
            continue;
        cnt[c->level_feature[level]] += k < pc->n_values ? pc->counts[k] : pc->missing;
        pos[c->level_feature[level]] += k < pc->n_values ? pc->positives[k]
                                                          : pc->missing_positives;
    }
}

enum lsc_status lsc_pgtrain_diagnose(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_model *m = r->m;
    size_t P = m->n_features, q = 0;
    int binned = 0;
    size_t *cnt = lsc_calloc(P, sizeof *cnt), *pos = lsc_calloc(P, sizeof *pos);
    size_t *dense = lsc_calloc(m->n_columns + 1, sizeof *dense);
    double *lo = lsc_calloc(4 * (m->n_columns + 1), sizeof *lo);
    double *zero = lsc_calloc(P, sizeof *zero);
    enum lsc_status st = cnt && pos && dense && lo && zero ? LSC_OK : lsc_error_nomem(err);
    for (size_t a = 0; st == LSC_OK && a < m->n_columns; a++) {
        const struct lsc_column_enc *c = &m->columns[a];
        const struct pg_col *pc = &r->cols[r->col_of[a]];
        if (c->type == LSC_COL_CATEGORICAL) {
            count_levels(c, pc, cnt, pos);
            continue;
        }
        binned |= c->type == LSC_COL_BINNED;
        if (c->type == LSC_COL_BINNED) /* its bins below, as levels */
            continue;
        dense[q] = c->feature;
        memcpy(lo + 4 * q++, pc->range, sizeof pc->range);
    }
    if (st == LSC_OK && (binned || m->n_pairs > 0))
        st = lsc_pgtrain_bin_counts(r, cnt, pos, err);
    if (st == LSC_OK)
        st = lsc_diag_separation_report(m, cnt, pos, P, lo, dense, q, r->log, err);
    if (st == LSC_OK && P >= 3 && (st = lsc_pgtrain_iterate(r, zero, err)) == LSC_OK) {
        for (size_t k = 0; k < P * P; k++)
            r->H[k] *= 4.0 / (weighted(r) ? r->winfo.total : (double)fit_rows(r));
        st = lsc_diag_collinearity_gram(m, r->H, P, r->log, err);
    }
    lsc_free(cnt);
    lsc_free(pos);
    lsc_free(dense);
    lsc_free(lo);
    lsc_free(zero);
    return st;
}

/* ---- the accounts (--account-column) ---------------------------------- */

enum lsc_status lsc_pgtrain_account_reference(struct pg_run *r, struct lsc_error *err)
{
    size_t j = 0;
    while (j < r->n_cols && r->cols[j].derived != DERIVE_ACCOUNT)
        j++;
    if (j == r->n_cols || lsc_derive_account_mode(r->o) != LSC_ACCOUNT_REF_COUNTS)
        return LSC_OK;
    struct lsc_accounts *a = lsc_accounts_new();
    struct lsc_pg_rows *rows = NULL;
    struct sql q = {0};
    enum lsc_status st = a != NULL && (a->column = lsc_strdup(r->o->account_column)) != NULL
                             ? sql_open(&q, err)
                             : lsc_error_nomem(err);
    if (st == LSC_OK) {
        lsc_pgtrain_put_account_counts(q.fp, r, j);
        st = sql_close(&q, err);
    }
    if (st == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, "the leads per account (--account-column)", &rows, err);
    if (st == LSC_OK)
        lsc_pgtrain_digest_rows(r, rows);
    for (size_t i = 0; st == LSC_OK && i < lsc_pg_rows_count(rows); i++) {
        const char *key = lsc_pg_rows_value(rows, i, 0);
        uint32_t k = key != NULL ? lsc_accounts_add(a, key, strlen(key)) : DICT_NONE;
        if (key != NULL && k == DICT_NONE)
            st = lsc_error_nomem(err);
        else if (key != NULL) {
            a->count[k] += count_of(lsc_pg_rows_value(rows, i, 1));
            a->total += count_of(lsc_pg_rows_value(rows, i, 1));
        }
    }
    lsc_pg_rows_free(rows);
    free(q.s);
    if (st == LSC_OK)
        r->m->accounts = a;
    else
        lsc_accounts_free(a);
    return st;
}

/* ---- the drift reference (drift.h) ----------------------------------- */

/* The saved fit's rows with p and the numeric model columns' x_j. */
static void put_scored_rows(FILE *fp, const struct pg_run *r)
{
    fputs(r->iter_base, fp);
    fputs(", hp AS (\nSELECT p", fp);
    for (size_t a = 0; a < r->m->n_columns; a++)
        if (r->m->columns[a].type != LSC_COL_CATEGORICAL)
            fprintf(fp, ", x_%zu", r->col_of[a]);
    fputc('\n', fp);
    lsc_pgtrain_put_from(fp, r, r->m->coef);
    fprintf(fp, P_LATERAL "WHERE %s\n)\n", fit_filter(r));
}

/* percentile_disc at fractions that pick the sorted values at 0-based
 * positions floor(k m / 10), k = 1..9, as drift.c's edges_of. */
static void put_deciles(FILE *fp, const char *x, size_t m)
{
    fputs(",\n  percentile_disc(ARRAY[", fp);
    for (size_t k = 1; k < DRIFT_BINS; k++)
        fprintf(fp, "%s%.17g", k > 1 ? ", " : "",
                m > 0 ? ((double)(k * m / DRIFT_BINS) + 0.5) / (double)m : 0.5);
    fprintf(fp, "]) WITHIN GROUP (ORDER BY %s)", x);
}

/* Edges from the deciles text "{a,b,...}" (drift.h). */
static enum lsc_status take_edges(struct drift_dist *d, const char *arr, double max,
                                  struct lsc_error *err)
{
    double dec[DRIFT_BINS - 1];
    size_t n = 0;
    for (const char *at = arr != NULL ? arr + 1 : NULL;
         at != NULL && *at != '\0' && *at != '}' && n < DRIFT_BINS - 1;) {
        char *end;
        dec[n++] = strtod(at, &end);
        at = *end == ',' ? end + 1 : end;
    }
    return lsc_drift_dist_edges(d, dec, n, max, err);
}

/* count(*) per bin of x (drift.c's lsc_drift_bin: x <= edges[i]). */
static void put_bin_counts(FILE *fp, const char *x, const struct drift_dist *d)
{
    for (size_t b = 0; b <= d->n_edges; b++) {
        fprintf(fp, ",\n  count(*) FILTER (WHERE %s IS NOT NULL", x);
        if (b > 0)
            fprintf(fp, " AND %s > %.17g", x, d->edges[b - 1]);
        if (b < d->n_edges)
            fprintf(fp, " AND %s <= %.17g", x, d->edges[b]);
        fputs(")", fp);
    }
}

static enum lsc_status drift_query(struct pg_run *r, struct lsc_drift_ref *ref, int counts,
                                   struct lsc_pg_rows **rows, struct lsc_error *err)
{
    struct sql q;
    char x[32];
    enum lsc_status st = sql_open(&q, err);
    if (st != LSC_OK)
        return st;
    put_scored_rows(q.fp, r);
    fputs("SELECT max(p)", q.fp);
    if (counts)
        put_bin_counts(q.fp, "p", &ref->score);
    else
        put_deciles(q.fp, "p", fit_rows(r));
    for (size_t a = 0; a < r->m->n_columns; a++) {
        if (r->m->columns[a].type == LSC_COL_CATEGORICAL)
            continue;
        snprintf(x, sizeof x, "x_%zu", r->col_of[a]);
        if (counts)
            put_bin_counts(q.fp, x, &ref->columns[a]);
        else
            put_deciles(q.fp, x, fit_rows(r) - r->cols[r->col_of[a]].missing);
    }
    fputs("\nFROM hp", q.fp);
    if ((st = sql_close(&q, err)) == LSC_OK)
        st = lsc_pg_query(r->pg, q.s, counts ? "the drift reference's shares"
                                              : "the drift reference's deciles",
                          rows, err);
    free(q.s);
    return st;
}

/* The shares of the bins from the counts query's columns from *at on. */
static void take_shares(struct drift_dist *d, struct lsc_pg_rows *rows, size_t *at, double n)
{
    for (size_t b = 0; b < d->n_shares; b++)
        d->shares[b] = num_or(lsc_pg_rows_value(rows, 0, (*at)++), 0.0) / n;
}

enum lsc_status lsc_pgtrain_drift_reference(struct pg_run *r, struct lsc_error *err)
{
    struct lsc_model *m = r->m;
    struct lsc_pg_rows *rows = NULL;
    struct lsc_drift_ref *ref = lsc_calloc(1, sizeof *ref);
    double n = (double)fit_rows(r);
    enum lsc_status st = ref != NULL ? LSC_OK : lsc_error_nomem(err);
    if (st == LSC_OK && (ref->columns = lsc_calloc(m->n_columns + 1, sizeof *ref->columns)) == NULL)
        st = lsc_error_nomem(err);
    if (st == LSC_OK) {
        ref->n_columns = m->n_columns;
        st = drift_query(r, ref, 0, &rows, err);
    }
    size_t at = 2;
    if (st == LSC_OK)
        st = take_edges(&ref->score, lsc_pg_rows_value(rows, 0, 1),
                        num_or(lsc_pg_rows_value(rows, 0, 0), 0.0), err);
    for (size_t a = 0; st == LSC_OK && a < m->n_columns; a++) {
        const struct lsc_column_enc *c = &m->columns[a];
        struct drift_dist *d = &ref->columns[a];
        if (c->type != LSC_COL_CATEGORICAL) {
            st = take_edges(d, lsc_pg_rows_value(rows, 0, at++), r->cols[r->col_of[a]].hi, err);
            d->missing = (double)r->cols[r->col_of[a]].missing / n;
            continue;
        }
        d->n_shares = c->n_levels;
        if ((d->shares = lsc_calloc(c->n_levels + 1, sizeof *d->shares)) == NULL)
            st = lsc_error_nomem(err);
        for (size_t l = 0; st == LSC_OK && l < c->n_levels; l++)
            d->shares[l] = (double)c->level_count[l] / (double)c->training_count_total;
    }
    lsc_pg_rows_free(rows);
    rows = NULL;
    if (st == LSC_OK)
        st = drift_query(r, ref, 1, &rows, err);
    at = 1;
    if (st == LSC_OK)
        take_shares(&ref->score, rows, &at, n);
    for (size_t a = 0; st == LSC_OK && a < m->n_columns; a++)
        if (m->columns[a].type != LSC_COL_CATEGORICAL)
            take_shares(&ref->columns[a], rows, &at, n);
    lsc_pg_rows_free(rows);
    if (st == LSC_OK) {
        lsc_drift_ref_free(m->drift);
        m->drift = ref;
        ref = NULL;
    }
    lsc_drift_ref_free(ref);
    return st;
}
