/* rules_events - rules that test a derived number instead of a cell: counts
 * of an activity type in the activity log ("events"), how soon one thing
 * followed another ("event within", "within N days of"), and the days between
 * two dates ("days between A and B" as the column). Format: docs/rules.md,
 * "Activity logs and spans of days".
 *
 * Each such rule is read into a number test (ru->op one of OP_GT..OP_PER_UNIT
 * with ru->a, ru->b) of a derived value (ru->dv), so per-unit points, caps,
 * thresholds, the comparison and the explanations work as for a column:
 *   events            count of the type (in the last N days): per unit 1
 *                     (empty value), per N, at least N, ..., between A and B
 *   event within      days from the other end to the type's first event,
 *                     between 0 and N
 *   within N days of  days from the other end to the column's date, between 0
 *                     and N
 *   days between A and B   |B - A| in days; days from A to B: B - A
 * An end is a date column of the lead, the lead's first event of a type
 * ("first Page Visit") or of any type ("first event"); a name that is a
 * column of the input is the column.
 */
#include "leadscore/rules.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "events.h"
#include "rules_internal.h"
#include "rules_log.h"
#include "util.h"

#define MAX_WORDS 12

/* The value's words: runs of non-blank characters, with a leading
 * comparison sign split off (">=3" is ">=" "3"). */
struct words {
    const char *s[MAX_WORDS];
    size_t len[MAX_WORDS];
    size_t n;
};

static int is_sign(char c)
{
    return c == '<' || c == '>' || c == '=' || c == '!';
}

static int split_words(const char *s, size_t len, struct words *w)
{
    size_t i = 0;
    w->n = 0;
    while (i < len) {
        if (s[i] == ' ' || s[i] == '\t') {
            i++;
            continue;
        }
        size_t j = i;
        if (is_sign(s[i]))
            while (j < len && is_sign(s[j]))
                j++;
        else
            while (j < len && s[j] != ' ' && s[j] != '\t' && !is_sign(s[j]))
                j++;
        if (w->n == MAX_WORDS)
            return 0;
        w->s[w->n] = s + i;
        w->len[w->n] = j - i;
        w->n++;
        i = j;
    }
    return 1;
}

static int word_is(const struct words *w, size_t k, const char *lit)
{
    return k < w->n && lsc_span_ieq(w->s[k], w->len[k], lit);
}

/* A count of events: a finite number >= 0. */
static int word_count(const struct words *w, size_t k, double *out)
{
    return k < w->n && lsc_parse_number(w->s[k], w->len[k], out) && *out >= 0.0;
}

/* A trailing "[in] [the] last N day(s)": its days, and the words before. */
static int strip_window(struct words *w, long *window)
{
    size_t n = w->n;
    if (n > 0 && (word_is(w, n - 1, "day") || word_is(w, n - 1, "days")))
        n--;
    long days = 0;
    if (n < 2 || !word_is(w, n - 2, "last") ||
        !lsc_rules_parse_days(w->s[n - 1], w->len[n - 1], &days))
        return 1; /* no window: fine */
    if (days < 1)
        return 0;
    n -= 2;
    if (n > 0 && word_is(w, n - 1, "the"))
        n--;
    if (n > 0 && word_is(w, n - 1, "in"))
        n--;
    w->n = n;
    *window = days;
    return 1;
}

struct cmp_word {
    const char *a, *b; /* one or two words */
    enum op op;
};

static const struct cmp_word cmp_words[] = {
    {"at", "least", OP_GE}, {">=", NULL, OP_GE},      {"more", "than", OP_GT},
    {">", NULL, OP_GT},     {"at", "most", OP_LE},    {"<=", NULL, OP_LE},
    {"less", "than", OP_LT}, {"fewer", "than", OP_LT}, {"<", NULL, OP_LT},
    {"exactly", NULL, OP_BETWEEN}, {"=", NULL, OP_BETWEEN}, {"==", NULL, OP_BETWEEN},
};

/* The count test of an "events" rule, the window stripped: empty, "each" or
 * "per event" (per unit 1), "per N [events]", a comparison and a count,
 * "between A and B", "none". */
static int parse_count_test(struct words *w, struct rule *ru)
{
    size_t n = w->n;
    if (n > 0 && (word_is(w, n - 1, "events") || word_is(w, n - 1, "event") ||
                  word_is(w, n - 1, "times")))
        n--;
    ru->a = ru->b = 0.0;
    if (n == 0 || (n == 1 && word_is(w, 0, "each")) || (n == 1 && word_is(w, 0, "per"))) {
        ru->op = OP_PER_UNIT; /* "per event": the trailing word went above */
        ru->a = 1.0;
        return 1;
    }
    if (n == 1 && word_is(w, 0, "none")) {
        ru->op = OP_BETWEEN;
        return 1;
    }
    if (n == 2 && word_is(w, 0, "per")) {
        ru->op = OP_PER_UNIT;
        return word_count(w, 1, &ru->a) && ru->a > 0.0;
    }
    if (n == 4 && word_is(w, 0, "between") && (word_is(w, 2, "and") || word_is(w, 2, "to"))) {
        ru->op = OP_BETWEEN;
        return word_count(w, 1, &ru->a) && word_count(w, 3, &ru->b) && ru->a <= ru->b;
    }
    for (size_t k = 0; k < sizeof cmp_words / sizeof cmp_words[0]; k++) {
        const struct cmp_word *c = &cmp_words[k];
        size_t nw = c->b != NULL ? 2 : 1;
        if (n != nw + 1 || !word_is(w, 0, c->a) || (c->b != NULL && !word_is(w, 1, c->b)))
            continue;
        ru->op = c->op;
        if (!word_count(w, nw, &ru->a))
            return 0;
        ru->b = ru->a;
        return 1;
    }
    return 0;
}

static struct derived *new_derived(struct loader *L, struct rule *ru, enum dv_kind kind)
{
    struct derived *dv = lsc_calloc(1, sizeof *dv);
    if (dv != NULL) {
        L->r->n_derived_rules++;
        dv->kind = kind;
        dv->from.col = dv->to.col = NO_COL;
        dv->from.type = dv->to.type = NO_COL;
        ru->dv = dv;
    } else {
        lsc_error_nomem(L->err);
    }
    return dv;
}

/* An "events" rule: the column is the activity type, the value the test. */
static enum lsc_status parse_events(struct loader *L, struct rule *ru, const char *type,
                                    size_t type_len)
{
    struct words w;
    long window = 0;
    if (!split_words(ru->text, ru->text_len, &w) || !strip_window(&w, &window) ||
        !parse_count_test(&w, ru))
        return lsc_rules_sheet_err(
            L, ru->line, C_VALUE,
            "rule %s: value \"%.*s\" is not a test of a number of events like \"at least 3\", "
            "\"per 5\", \"between 2 and 4\" or empty (points per event), optionally followed by "
            "\"in last 30 days\"",
            ru->id, SHOWN(ru->text_len), ru->text);
    struct derived *dv = new_derived(L, ru, DV_EVENT_COUNT);
    if (dv == NULL)
        return LSC_ERR_NOMEM;
    dv->window = window;
    dv->to.want = END_FIRST_TYPE;
    dv->to.name = lsc_strndup(type, type_len);
    return dv->to.name != NULL ? LSC_OK : lsc_error_nomem(L->err);
}

/* "7 days of X": the days and X (trimmed); 0 when the value has no " of ". */
static int split_of(const char *s, size_t len, long *days, const char **name, size_t *name_len)
{
    for (size_t i = 0; i + 4 <= len; i++)
        if (lsc_rules_text_eq(s + i, 4, " of ", 4, 1)) {
            const char *d = s, *x = s + i + 4;
            size_t dlen = i, xlen = len - i - 4;
            lsc_trim_span(&d, &dlen);
            lsc_trim_span(&x, &xlen);
            *name = x;
            *name_len = xlen;
            return lsc_rules_parse_days(d, dlen, days) && xlen > 0 ? 1 : -1;
        }
    return 0;
}

/* "within N days of X" (the column a date) and "event within N days of X"
 * (the column an event type): days from X to the rule's own end, 0..N. */
static enum lsc_status parse_within_of(struct loader *L, struct rule *ru, const char *col,
                                       size_t col_len, int event, int *value_done)
{
    long days = 0;
    const char *x = NULL;
    size_t xlen = 0;
    int of = split_of(ru->text, ru->text_len, &days, &x, &xlen);
    if (of == 0 && !event)
        return LSC_OK; /* the plain "within 7 days" of the as-of date */
    *value_done = 1;
    if (of <= 0)
        return lsc_rules_sheet_err(
            L, ru->line, C_VALUE,
            "rule %s: value \"%.*s\" is not like \"7 days of first Page Visit\" (an event type's "
            "first occurrence), \"7 days of first event\" or \"7 days of Created Date\" (a date "
            "column)",
            ru->id, SHOWN(ru->text_len), ru->text);
    struct derived *dv = new_derived(L, ru, DV_DAYS_FROM);
    if (dv == NULL)
        return LSC_ERR_NOMEM;
    ru->op = OP_BETWEEN;
    ru->a = 0.0;
    ru->b = (double)days;
    dv->from.want = END_NAME;
    dv->from.name = lsc_strndup(x, xlen);
    dv->to.want = event ? END_FIRST_TYPE : END_COLUMN;
    dv->to.name = lsc_strndup(col, col_len);
    return dv->from.name != NULL && dv->to.name != NULL ? LSC_OK : lsc_error_nomem(L->err);
}

/* A column "days between A and B" or "days from A to B" under a number
 * test: the ends are split at bind time (a column name may hold " and "). */
static enum lsc_status parse_days_column(struct loader *L, struct rule *ru, const char *col,
                                         size_t col_len)
{
    static const char *const heads[2] = {"days between ", "days from "};
    for (int k = 0; k < 2; k++) {
        size_t hl = strlen(heads[k]);
        if (col_len <= hl || !lsc_rules_text_eq(col, hl, heads[k], hl, 1))
            continue;
        struct derived *dv = new_derived(L, ru, k == 0 ? DV_DAYS_BETWEEN : DV_DAYS_FROM);
        if (dv == NULL)
            return LSC_ERR_NOMEM;
        dv->expr = lsc_strndup(col + hl, col_len - hl);
        return dv->expr != NULL ? LSC_OK : lsc_error_nomem(L->err);
    }
    return LSC_OK;
}

enum lsc_status lsc_rules_parse_derived(struct loader *L, struct rule *ru, int *value_done)
{
    const char *col;
    size_t col_len;
    *value_done = 0;
    lsc_rules_get_field(L, C_COLUMN, &col, &col_len);
    if ((ru->op == OP_EVENTS || ru->op == OP_EVENT_WITHIN) && col_len == 0)
        return lsc_rules_sheet_err(L, ru->line, C_COLUMN,
                                   "rule %s has no event type (its column names the activity "
                                   "type, e.g. Page Visit)",
                                   ru->id);
    if (ru->op == OP_EVENTS) {
        *value_done = 1;
        L->r->n_event_rules++;
        return parse_events(L, ru, col, col_len);
    }
    if (ru->op == OP_EVENT_WITHIN) {
        L->r->n_event_rules++;
        return parse_within_of(L, ru, col, col_len, 1, value_done);
    }
    if (ru->op == OP_WITHIN)
        return parse_within_of(L, ru, col, col_len, 0, value_done);
    if (ru->op >= OP_GT && ru->op <= OP_PER_UNIT)
        return parse_days_column(L, ru, col, col_len);
    return LSC_OK;
}

void lsc_rules_free_derived(struct derived *dv)
{
    if (dv == NULL)
        return;
    lsc_free(dv->expr);
    lsc_free(dv->from.name);
    lsc_free(dv->to.name);
    lsc_free(dv);
}

/* ---- the activity log ---------------------------------------------------------- */

struct rule_log {
    struct lsc_events *ev;
    char *lead_column;     /* the input's id column (--id); NULL: the log's id column's name */
    char *log_id_column;   /* the log's id column as found in the first file */
    size_t lead_col;       /* bound */
    struct lsc_log log;    /* warnings at bind time (lent) */
    int warned;            /* unknown types said once */
};

/* The type named name in the log: exactly, else ignoring ASCII case; NO_COL. */
static size_t log_type(const struct rule_log *lg, const char *name)
{
    size_t len = strlen(name), t = NO_COL;
    if (lg == NULL)
        return NO_COL;
    t = lsc_events_type_find(lg->ev, name, len);
    for (size_t k = 0; t == SIZE_MAX && k < lsc_events_n_types(lg->ev); k++) {
        const char *tn = lsc_events_type_name(lg->ev, k);
        if (lsc_rules_text_eq(tn, strlen(tn), name, len, 1))
            t = k;
    }
    return t == SIZE_MAX ? NO_COL : t;
}

/* The index of a window among the log's (NO_COL for every event). */
static size_t log_window(const struct rule_log *lg, long window)
{
    const struct lsc_events_spec *sp = lg != NULL ? lsc_events_spec(lg->ev) : NULL;
    for (size_t k = 0; window > 0 && sp != NULL && k < sp->n_windows; k++)
        if (sp->windows[k] == window)
            return k;
    return NO_COL;
}

/* The row's lead in the log, or NO_COL. */
static size_t log_lead(const struct rule_log *lg, size_t nfields, const char *const *fields,
                       const size_t *lens)
{
    if (lg == NULL || lg->lead_col >= nfields)
        return NO_COL;
    size_t lead = lsc_events_lead_find(lg->ev, fields[lg->lead_col], lens[lg->lead_col]);
    return lead == SIZE_MAX ? NO_COL : lead;
}

/* The lead's events of the type (in window window_ix). */
static size_t log_count(const struct rule_log *lg, size_t lead, size_t type, size_t window_ix)
{
    struct lsc_event_agg agg;
    if (lg == NULL || lead == NO_COL || type == NO_COL)
        return 0;
    lsc_events_agg(lg->ev, lead, type, &agg);
    return window_ix == NO_COL ? agg.count : agg.in_window[window_ix];
}

/* The lead's first day of type (NO_COL: of any type): 1, or 0 when none. */
static int log_first_day(const struct rule_log *lg, size_t lead, size_t type, int any,
                         long *day)
{
    struct lsc_event_agg agg;
    if (lg == NULL || lead == NO_COL || (!any && type == NO_COL))
        return 0;
    if (any)
        return lsc_events_lead_first_day(lg->ev, lead, day);
    if (lsc_events_agg(lg->ev, lead, type, &agg) == 0)
        return 0;
    *day = agg.first_day;
    return 1;
}

void lsc_rules_free_log(struct rule_log *lg)
{
    if (lg == NULL)
        return;
    lsc_events_free(lg->ev);
    lsc_free(lg->lead_column);
    lsc_free(lg->log_id_column);
    lsc_free(lg);
}

/* ---- binding ------------------------------------------------------------------ */

static size_t find_column(size_t nfields, const char *const *header, const size_t *lens,
                          const char *name)
{
    return lsc_csv_header_find(nfields, header, lens, name, 1, NULL);
}

/* "first <type>", "first event": the offset of the type in name (0: not
 * such a name); *any for "first event" and "first activity". */
static size_t first_of(const char *name, int *any)
{
    size_t len = strlen(name), off = 6;
    if (len <= off || !lsc_rules_text_eq(name, off, "first ", off, 1))
        return 0;
    while (name[off] == ' ' || name[off] == '\t')
        off++;
    *any = lsc_span_ieq(name + off, len - off, "event") ||
           lsc_span_ieq(name + off, len - off, "activity");
    return name[off] != '\0' ? off : 0;
}

/* Resolves end e by its name: a column of the input, else (with a log)
 * "first <type>" or "first event". 1 when resolved. */
static int resolve_end(const struct lsc_rules *r, struct dv_end *e, size_t nfields,
                       const char *const *header, const size_t *lens)
{
    int any = 0;
    size_t off = 0;
    e->col = NO_COL;
    e->fmt = NULL;
    e->type = NO_COL;
    e->type_off = 0;
    e->kind = e->want;
    if (e->want == END_FIRST_TYPE) {
        e->type = log_type(r->evlog, e->name);
        return r->evlog != NULL;
    }
    e->col = find_column(nfields, header, lens, e->name);
    if (e->col != NO_COL) {
        e->kind = END_COLUMN;
        e->fmt = lsc_rules_format_for(r, e->name);
        return 1;
    }
    if (e->want == END_COLUMN || r->evlog == NULL || (off = first_of(e->name, &any)) == 0)
        return 0;
    e->kind = any ? END_FIRST_ANY : END_FIRST_TYPE;
    e->type_off = off;
    e->type = any ? NO_COL : log_type(r->evlog, e->name + off);
    return 1;
}

/* Why end e did not resolve: the header listed, and the log's part. */
static enum lsc_status end_error(const struct lsc_rules *r, const struct rule *ru,
                                 const struct dv_end *e, size_t nfields,
                                 const char *const *header, const size_t *lens,
                                 struct lsc_error *err)
{
    char what[128];
    int any = 0;
    if (e->want == END_FIRST_TYPE)
        return lsc_error_set(err, LSC_ERR_USAGE, r->file, ru->line, r->fieldno[C_COLUMN],
                             "rule %s reads events of type \"%s\": give the activity log with "
                             "--events FILE",
                             ru->id, e->name);
    snprintf(what, sizeof what, "rule %s", ru->id);
    enum lsc_status st = lsc_rules_unknown_column(r->file, ru->line, r->fieldno[C_COLUMN], what,
                                                  e->name, nfields, header, lens, err);
    if (e->want == END_NAME && r->evlog == NULL && first_of(e->name, &any) > 0) {
        size_t n = strlen(err->message);
        snprintf(err->message + n, sizeof err->message - n,
                 "; or, with an activity log (--events FILE), the lead's first event of type "
                 "\"%s\"",
                 e->name + first_of(e->name, &any));
    }
    return st;
}

/* Sets end e's name to [s, s + len), trimmed. */
static int set_name(struct dv_end *e, const char *s, size_t len)
{
    lsc_trim_span(&s, &len);
    char *name = lsc_strndup(s, len);
    if (name == NULL)
        return 0;
    lsc_free(e->name);
    e->name = name;
    return 1;
}

/* "A and B" (between) or "A to B" (from) into the two ends: the first split
 * whose sides both resolve. With a single possible split, its side that does
 * not resolve is the error. */
static enum lsc_status bind_days_column(const struct lsc_rules *r, const struct rule *ru,
                                        struct derived *dv, size_t nfields,
                                        const char *const *header, const size_t *lens,
                                        struct lsc_error *err)
{
    const char *sep = dv->kind == DV_DAYS_BETWEEN ? " and " : " to ";
    size_t sl = strlen(sep), len = strlen(dv->expr), n_splits = 0;
    int ra = 0, rb = 0;
    for (size_t i = 0; i + sl <= len && !(ra && rb); i++) {
        if (!lsc_rules_text_eq(dv->expr + i, sl, sep, sl, 1))
            continue;
        if (!set_name(&dv->from, dv->expr, i) ||
            !set_name(&dv->to, dv->expr + i + sl, len - i - sl))
            return lsc_error_nomem(err);
        n_splits++;
        ra = resolve_end(r, &dv->from, nfields, header, lens);
        rb = resolve_end(r, &dv->to, nfields, header, lens);
    }
    if (ra && rb)
        return LSC_OK;
    if (n_splits == 1)
        return end_error(r, ru, ra ? &dv->to : &dv->from, nfields, header, lens, err);
    return lsc_error_set(err, LSC_ERR_DATA, r->file, ru->line, r->fieldno[C_COLUMN],
                         "rule %s: \"%s\" must read \"days %s A%sB\" with A and B date columns of "
                         "the input (or \"first <event type>\" with --events)",
                         ru->id, ru->column, dv->kind == DV_DAYS_BETWEEN ? "between" : "from",
                         sep);
}

enum lsc_status lsc_rules_bind_derived(struct lsc_rules *r, struct rule *ru, size_t nfields,
                                       const char *const *header, const size_t *lens,
                                       struct lsc_error *err)
{
    struct derived *dv = ru->dv;
    enum lsc_status st = LSC_OK;
    ru->col = NO_COL;
    dv->plain = 0;
    dv->bound = 0;
    if (dv->expr != NULL) {
        /* a column named "Days between signup and demo" is that column */
        ru->col = find_column(nfields, header, lens, ru->column);
        dv->plain = ru->col != NO_COL;
        if (!dv->plain)
            st = bind_days_column(r, ru, dv, nfields, header, lens, err);
    } else if (dv->kind != DV_EVENT_COUNT && !resolve_end(r, &dv->from, nfields, header, lens)) {
        st = end_error(r, ru, &dv->from, nfields, header, lens, err);
    } else if (!resolve_end(r, &dv->to, nfields, header, lens)) {
        st = end_error(r, ru, &dv->to, nfields, header, lens, err);
    } else if (dv->kind == DV_EVENT_COUNT) {
        dv->window_ix = log_window(r->evlog, dv->window);
    }
    dv->bound = st == LSC_OK;
    return st;
}

/* ---- values --------------------------------------------------------------------- */

/* The day of end e for this row: 1 (*day set), 0 missing, -1 not a date. */
static int end_day(const struct lsc_rules *r, const struct dv_end *e, size_t lead,
                   size_t nfields, const char *const *fields, const size_t *lens, long *day)
{
    if (e->kind == END_FIRST_TYPE || e->kind == END_FIRST_ANY)
        return log_first_day(r->evlog, lead, e->type, e->kind == END_FIRST_ANY, day);
    const char *s = "";
    size_t len = 0;
    if (e->col < nfields) {
        s = fields[e->col];
        len = lens[e->col];
        lsc_trim_span(&s, &len);
    }
    if (lsc_is_na_token(s, len, &r->na))
        return 0;
    return lsc_rules_parse_cell_date(s, len, e->fmt, day) ? 1 : -1;
}

int lsc_rules_derived_value(const struct lsc_rules *r, const struct rule *ru, size_t nfields,
                            const char *const *fields, const size_t *lens, double *x)
{
    const struct derived *dv = ru->dv;
    size_t lead = NO_COL;
    if (dv->plain) {
        const char *s = ru->col < nfields ? fields[ru->col] : "";
        size_t len = ru->col < nfields ? lens[ru->col] : 0;
        lsc_trim_span(&s, &len);
        if (lsc_is_na_token(s, len, &r->na))
            return 0;
        return lsc_parse_number(s, len, x) ? 1 : -1;
    }
    if (r->evlog != NULL)
        lead = log_lead(r->evlog, nfields, fields, lens);
    if (dv->kind == DV_EVENT_COUNT) {
        *x = (double)log_count(r->evlog, lead, dv->to.type, dv->window_ix);
        return 1;
    }
    long a = 0, b = 0;
    int ka = end_day(r, &dv->from, lead, nfields, fields, lens, &a);
    int kb = end_day(r, &dv->to, lead, nfields, fields, lens, &b);
    if (ka < 0 || kb < 0)
        return -1;
    if (ka == 0 || kb == 0)
        return 0;
    *x = (double)(b - a);
    if (dv->kind == DV_DAYS_BETWEEN && *x < 0)
        *x = -*x;
    return 1;
}

/* ---- read access ------------------------------------------------------------------ */

static void end_info(const struct dv_end *e, int bound, struct lsc_rule_end *out)
{
    static const enum lsc_rule_end_kind kinds[] = {
        [END_NAME] = LSC_RULE_END_NAME,
        [END_COLUMN] = LSC_RULE_END_COLUMN,
        [END_FIRST_TYPE] = LSC_RULE_END_FIRST_TYPE,
        [END_FIRST_ANY] = LSC_RULE_END_FIRST_EVENT};
    enum end_kind k = bound ? e->kind : e->want;
    out->kind = kinds[k];
    out->name = e->name != NULL ? e->name + (k == END_FIRST_TYPE ? e->type_off : 0) : NULL;
    out->date_format = k == END_COLUMN ? e->fmt : NULL;
}

void lsc_rules_derived_info(const struct rule *ru, struct lsc_rule_info *out)
{
    const struct derived *dv = ru->dv;
    if (dv->plain)
        return; /* a column named like "days between ..." */
    if (dv->kind == DV_EVENT_COUNT) {
        out->source = LSC_RULE_EVENT_COUNT;
        out->event_type = dv->to.name;
        out->window_days = dv->window;
        return;
    }
    out->source = dv->kind == DV_DAYS_FROM ? LSC_RULE_DAYS_FROM : LSC_RULE_DAYS_BETWEEN;
    end_info(&dv->from, dv->bound, &out->from);
    end_info(&dv->to, dv->bound, &out->to);
}

int lsc_rules_needs_events(const struct lsc_rules *r)
{
    return r->n_event_rules > 0;
}

/* ---- reading the log ---------------------------------------------------------- */

/* The sheet's windows ("in last N days") it lacks, added to sp's in order of
 * first use: at most LSC_EVENTS_MAX_WINDOWS in all. */
static enum lsc_status sheet_windows(const struct lsc_rules *r, struct lsc_events_spec *sp,
                                     struct lsc_error *err)
{
    for (size_t k = 0; k < r->n_rules; k++) {
        const struct rule *ru = &r->rules[k];
        size_t w = 0;
        if (ru->dv == NULL || ru->dv->kind != DV_EVENT_COUNT || ru->dv->window == 0)
            continue;
        while (w < sp->n_windows && sp->windows[w] != ru->dv->window)
            w++;
        if (w < sp->n_windows)
            continue;
        if (sp->n_windows == LSC_EVENTS_MAX_WINDOWS)
            return lsc_error_set(err, LSC_ERR_DATA, r->file, ru->line, r->fieldno[C_VALUE],
                                 "rule %s: a sheet may count events in at most %d different "
                                 "windows (\"in last N days\")",
                                 ru->id, LSC_EVENTS_MAX_WINDOWS);
        sp->windows[sp->n_windows++] = ru->dv->window;
    }
    return LSC_OK;
}

size_t lsc_rules_event_windows(const struct lsc_rules *r, long *windows)
{
    struct lsc_events_spec sp;
    struct lsc_error err;
    sp.n_windows = 0;
    if (sheet_windows(r, &sp, &err) != LSC_OK)
        return LSC_EVENTS_MAX_WINDOWS + 1;
    memcpy(windows, sp.windows, sp.n_windows * sizeof *windows);
    return sp.n_windows;
}

const struct lsc_events *lsc_rules_events(const struct lsc_rules *r)
{
    return r->evlog != NULL ? r->evlog->ev : NULL;
}

/* The log's collection, made at the first file: from base (NULL: the
 * options' columns and date format, no other windows). */
static enum lsc_status new_log(struct lsc_rules *r, const struct lsc_rules_events_options *o,
                               const struct lsc_events_spec *base, struct lsc_error *err)
{
    struct lsc_events_spec sp;
    enum lsc_status st = LSC_OK;
    struct rule_log *lg = lsc_calloc(1, sizeof *lg);
    if (lg == NULL)
        return lsc_error_nomem(err);
    if (base != NULL) {
        sp = *base;
    } else {
        lsc_events_spec_defaults(&sp);
        sp.n_windows = 0;
        sp.id_column = o->id_column;
        sp.type_column = o->type_column;
        sp.time_column = o->time_column;
        sp.date_format = o->date_format;
    }
    sp.ref = NULL;
    sp.as_of = r->as_of;
    lg->lead_col = NO_COL;
    if (o->log != NULL)
        lg->log = *o->log;
    if (o->lead_column != NULL && (lg->lead_column = lsc_strdup(o->lead_column)) == NULL)
        st = lsc_error_nomem(err);
    if (st == LSC_OK && (st = sheet_windows(r, &sp, err)) == LSC_OK)
        st = lsc_events_new(&lg->ev, &sp, err);
    if (st != LSC_OK)
        lsc_rules_free_log(lg);
    else
        r->evlog = lg;
    return st;
}

static void say(const struct lsc_log *log, enum lsc_log_level level, const char *fmt, ...)
    LSC_PRINTF(3, 4);

static void say(const struct lsc_log *log, enum lsc_log_level level, const char *fmt, ...)
{
    char msg[LSC_ERROR_MSG_MAX];
    va_list ap;
    if (log == NULL || log->fn == NULL)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    log->fn(log->userdata, level, msg);
}

/* What one log gave: a note, and a warning for skipped rows. */
static void tell_file(const struct rule_log *lg, const char *path,
                      const struct lsc_events_file *fi)
{
    const struct lsc_events_stats *s = &fi->stats;
    size_t skipped = s->no_id + s->no_type + s->no_time;
    char after[96] = "";
    if (s->after_ref > 0)
        snprintf(after, sizeof after, "; %zu after the as-of date not counted", s->after_ref);
    say(&lg->log, LSC_LOG_NOTE,
        "activity log %s: %zu events counted of %zu rows (columns \"%s\", \"%s\", \"%s\")%s",
        path, s->used, s->rows, fi->id_column, fi->type_column, fi->time_column, after);
    if (skipped > 0)
        say(&lg->log, LSC_LOG_WARN,
            "activity log %s: %zu %s without a lead id, type or time %s skipped", path, skipped,
            skipped == 1 ? "row" : "rows", skipped == 1 ? "was" : "were");
    if (s->bad_time > 0)
        say(&lg->log, LSC_LOG_WARN,
            "activity log %s: %zu %s whose time is not a date %s skipped (the first at "
            "%s:%zu:%zu: \"%s\")",
            path, s->bad_time, s->bad_time == 1 ? "row" : "rows",
            s->bad_time == 1 ? "was" : "were", s->bad_file, s->bad_line, s->bad_column,
            s->bad_value);
}

enum lsc_status lsc_rules_add_events(struct lsc_rules *r, const char *path,
                                     const struct lsc_rules_events_options *o,
                                     struct lsc_error *err)
{
    return lsc_rules_add_events_from(r, path, o, NULL, err);
}

enum lsc_status lsc_rules_add_events_from(struct lsc_rules *r, const char *path,
                                          const struct lsc_rules_events_options *o,
                                          const struct lsc_events_spec *base, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_events_file fi;
    if (!r->has_as_of)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "the activity log is read relative to the as-of date: set it first");
    if (r->evlog == NULL && (st = new_log(r, o, base, err)) != LSC_OK)
        return st;
    memset(&fi, 0, sizeof fi);
    if ((st = lsc_events_add_file(r->evlog->ev, path, &fi, err)) != LSC_OK)
        return st;
    if (r->evlog->log_id_column == NULL &&
        (r->evlog->log_id_column = lsc_strdup(fi.id_column)) == NULL)
        return lsc_error_nomem(err);
    tell_file(r->evlog, path, &fi);
    r->bound = 0;
    return st;
}

/* ---- binding the log ------------------------------------------------------------ */

/* Edit distance ignoring ASCII case (for "did you mean"), capped at 99. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b), row[65];
    if (la > 64 || lb > 64)
        return 99;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (lower(a[i - 1]) != lower(b[j - 1]));
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* The log's types, quoted and listed ("...", ... when they do not fit), and
 * the closest to name when it is close. */
static void list_types(const struct lsc_events *ev, const char *name, char *list, size_t size,
                       const char **closest)
{
    size_t pos = 0, best = 99, n = lsc_events_n_types(ev);
    list[0] = '\0';
    *closest = NULL;
    for (size_t k = 0; k < n; k++) {
        const char *t = lsc_events_type_name(ev, k);
        size_t d = distance(t, name), len = strlen(t);
        if (d < best && d <= (strlen(name) + 2) / 3) {
            best = d;
            *closest = t;
        }
        if (pos + len + 8 > size) {
            if (pos + 5 < size)
                lsc_rules_append(list, size, &pos, ", ...", 5);
            pos = size;
            continue;
        }
        if (k > 0)
            lsc_rules_append(list, size, &pos, ", ", 2);
        lsc_rules_append(list, size, &pos, "\"", 1);
        lsc_rules_append(list, size, &pos, t, len);
        lsc_rules_append(list, size, &pos, "\"", 1);
    }
}

/* A rule reading a type the log lacks: a warning (the log may hold a
 * type on other days; a misspelt one never). */
static void warn_type(const struct rule_log *lg, const struct rule *ru, const char *type)
{
    char list[ERR_LIST_MAX], hint[160] = "";
    const char *closest = NULL;
    list_types(lg->ev, type, list, sizeof list, &closest);
    if (closest != NULL)
        snprintf(hint, sizeof hint, "did you mean \"%s\"? ", closest);
    say(&lg->log, LSC_LOG_WARN,
        "rule %s: the activity log has no events of type \"%s\" (%sits types: %s); the rule %s",
        ru->id, type, hint, list[0] ? list : "none",
        ru->dv->kind == DV_EVENT_COUNT ? "counts 0 for every lead" : "never holds");
}

/* The warnings of a binding, once per log: types the log lacks, a log that
 * no rule reads. */
static void warn_once(struct lsc_rules *r)
{
    struct rule_log *lg = r->evlog;
    int used = 0;
    if (lg->warned)
        return;
    lg->warned = 1;
    for (size_t k = 0; k < r->n_rules; k++) {
        const struct rule *ru = &r->rules[k];
        const struct derived *dv = ru->dv;
        if (dv == NULL || dv->plain)
            continue;
        const struct dv_end *ends[2] = {&dv->from, &dv->to};
        for (int e = dv->kind == DV_EVENT_COUNT ? 1 : 0; e < 2; e++) {
            used |= ends[e]->kind == END_FIRST_TYPE || ends[e]->kind == END_FIRST_ANY;
            if (ends[e]->kind == END_FIRST_TYPE && ends[e]->type == NO_COL)
                warn_type(lg, ru, ends[e]->name + ends[e]->type_off);
        }
    }
    if (!used)
        say(&lg->log, LSC_LOG_WARN, "no rule of the sheet reads the activity log");
}

enum lsc_status lsc_rules_bind_log(struct lsc_rules *r, size_t nfields, const char *const *header,
                                   const size_t *lens, struct lsc_error *err)
{
    struct rule_log *lg = r->evlog;
    if (lg == NULL)
        return LSC_OK;
    const char *name = lg->lead_column != NULL ? lg->lead_column : lg->log_id_column;
    lg->lead_col = name != NULL ? find_column(nfields, header, lens, name) : NO_COL;
    if (lg->lead_col == NO_COL && name != NULL)
        return lsc_rules_unknown_column(
            NULL, 0, 0,
            lg->lead_column != NULL
                ? "the input for the lead id (--id)"
                : "the input for the lead id (named like the activity log's id column; name "
                  "the input's with --id COL)",
            name, nfields, header, lens, err);
    warn_once(r);
    return LSC_OK;
}

/* ---- rule_values ---------------------------------------------------------------- */

/* An end as a reader says it: the column, "first Page Visit", "first event". */
static void put_end(const struct dv_end *e, char *buf, size_t size, size_t *pos)
{
    if (e->kind == END_FIRST_ANY) {
        lsc_rules_append(buf, size, pos, "first event", 11);
    } else if (e->kind == END_FIRST_TYPE) {
        const char *t = e->name + e->type_off;
        lsc_rules_append(buf, size, pos, "first ", 6);
        lsc_rules_append(buf, size, pos, t, strlen(t));
    } else {
        lsc_rules_append(buf, size, pos, e->name, strlen(e->name));
    }
}

/* "S1=3 Page Visit in last 7 days", "V1=6 days from first Page Visit to first
 * Demo Request", "D1=4 days between Created Date and Demo Date". */
static void put_value(const struct rule *ru, double v, char *buf, size_t size, size_t *pos)
{
    const struct derived *dv = ru->dv;
    char num[NUM_MAX + 48];
    int n = snprintf(num, sizeof num, "=%.15g ", v);
    lsc_rules_append(buf, size, pos, ru->id, strlen(ru->id));
    lsc_rules_append(buf, size, pos, num, n > 0 ? (size_t)n : 0);
    if (dv->kind == DV_EVENT_COUNT) {
        lsc_rules_append(buf, size, pos, dv->to.name, strlen(dv->to.name));
        if (dv->window > 0) {
            n = snprintf(num, sizeof num, " in last %ld days", dv->window);
            lsc_rules_append(buf, size, pos, num, n > 0 ? (size_t)n : 0);
        }
        return;
    }
    lsc_rules_append(buf, size, pos, v == 1.0 || v == -1.0 ? "day " : "days ",
                     v == 1.0 || v == -1.0 ? 4 : 5);
    lsc_rules_append(buf, size, pos, dv->kind == DV_DAYS_FROM ? "from " : "between ",
                     dv->kind == DV_DAYS_FROM ? 5 : 8);
    put_end(&dv->from, buf, size, pos);
    lsc_rules_append(buf, size, pos, dv->kind == DV_DAYS_FROM ? " to " : " and ",
                     dv->kind == DV_DAYS_FROM ? 4 : 5);
    put_end(&dv->to, buf, size, pos);
}

size_t lsc_rules_explain_values(const struct lsc_rules *r, const struct lsc_rule_result *res,
                                char *buf, size_t size)
{
    size_t pos = 0;
    if (size > 0)
        buf[0] = '\0';
    for (size_t k = 0; k < res->n_hits; k++) {
        const struct lsc_rule_hit *h = &res->hits[k];
        uint32_t i = isnan(h->value) ? DICT_NONE : lsc_dict_find(r->ids, h->id, strlen(h->id));
        if (i == DICT_NONE)
            continue;
        if (pos > 0)
            lsc_rules_append(buf, size, &pos, ";", 1);
        put_value(&r->rules[i], h->value, buf, size, &pos);
    }
    return pos;
}

size_t lsc_rules_values_max(const struct lsc_rules *r)
{
    size_t len = 1;
    for (size_t k = 0; k < r->n_rules; k++) {
        const struct derived *dv = r->rules[k].dv;
        if (dv == NULL)
            continue;
        /* the id, the number, the words, and the names (the expression or
         * the ends, at most the whole column and value) */
        len += strlen(r->rules[k].id) + NUM_MAX + 64 + 2 * (strlen(r->rules[k].column) +
                                                           r->rules[k].text_len);
    }
    return len;
}

/* ---- binding without an input (the SQL translation) ------------------------------ */

/* An end by its name alone: "first <type>" / "first event" when the
 * statement reads an events table, else a column. */
static enum lsc_status sql_end(const struct lsc_rules *r, const struct rule *ru, struct dv_end *e,
                               int events, struct lsc_error *err)
{
    int any = 0;
    size_t off = e->want == END_NAME ? first_of(e->name, &any) : 0;
    e->col = NO_COL;
    e->type = NO_COL;
    e->type_off = 0;
    e->fmt = NULL;
    e->kind = e->want == END_NAME ? (events && off > 0 ? (any ? END_FIRST_ANY : END_FIRST_TYPE)
                                                        : END_COLUMN)
                                  : e->want;
    if (e->kind == END_FIRST_TYPE && e->want == END_NAME)
        e->type_off = off;
    if (e->kind == END_COLUMN)
        e->fmt = lsc_rules_format_for(r, e->name);
    if (e->kind != END_COLUMN && !events)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "rule %s reads the activity log: give its table with --events-table "
                             "NAME",
                             ru->id);
    return LSC_OK;
}

enum lsc_status lsc_rules_bind_names(struct lsc_rules *r, int events, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    r->bound = 0;
    for (size_t k = 0; k < r->n_rules && st == LSC_OK; k++) {
        struct rule *ru = &r->rules[k];
        struct derived *dv = ru->dv;
        if (dv == NULL)
            continue;
        dv->bound = 0;
        dv->plain = 0;
        if (dv->expr != NULL) {
            const char *sep = dv->kind == DV_DAYS_BETWEEN ? " and " : " to ";
            size_t sl = strlen(sep), len = strlen(dv->expr), n = 0, at = 0;
            for (size_t i = 0; i + sl <= len; i++)
                if (lsc_rules_text_eq(dv->expr + i, sl, sep, sl, 1)) {
                    n++;
                    at = i;
                }
            if (n != 1)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "rule %s: where \"%s\" splits into two dates is known only "
                                     "from the input's columns, which the SQL translation does "
                                     "not see",
                                     ru->id, ru->column);
            if (!set_name(&dv->from, dv->expr, at) ||
                !set_name(&dv->to, dv->expr + at + sl, len - at - sl))
                return lsc_error_nomem(err);
        }
        if (dv->kind != DV_EVENT_COUNT)
            st = sql_end(r, ru, &dv->from, events, err);
        if (st == LSC_OK)
            st = sql_end(r, ru, &dv->to, events, err);
        dv->bound = st == LSC_OK;
    }
    return st;
}
