/* derive - derived features; see derive.h. */
#include "derive.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "account.h"
#include "alloc.h"
#include "date.h"
#include "leadscore/parse.h"
#include "status_internal.h"
#include "util.h"

long lsc_derive_day_number(int year, int month, int day)
{
    return lsc_date_day_number(year, month, day);
}

long lsc_derive_today(char *buf, size_t size)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(buf, size, "%Y-%m-%d", &tm);
    return lsc_derive_day_number(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

int lsc_derive_days_since(const char *s, size_t len, long as_of, double *out)
{
    return lsc_derive_days_since_fmt(s, len, NULL, as_of, out);
}

int lsc_derive_days_since_fmt(const char *s, size_t len, const char *fmt, long as_of, double *out)
{
    long day = 0;
    if (!lsc_date_parse_with(s, len, fmt, &day))
        return 0;
    *out = (double)(as_of - day);
    return 1;
}

enum lsc_status lsc_derive_counts_add(struct derive_counts *c, const char *s, size_t len, uint32_t *id,
                                  struct lsc_error *err)
{
    if (c->keys == NULL && (c->keys = lsc_dict_new()) == NULL)
        return lsc_error_nomem(err);
    uint32_t k = lsc_dict_intern(c->keys, s, len, NULL);
    if (k == DICT_NONE)
        return lsc_error_nomem(err);
    if (k >= c->cap) {
        size_t cap = c->cap ? 2 * c->cap : 1024;
        size_t *n = lsc_reallocarray(c->n, cap, sizeof *n);
        if (n == NULL)
            return lsc_error_nomem(err);
        memset(n + c->cap, 0, (cap - c->cap) * sizeof *n);
        c->n = n;
        c->cap = cap;
    }
    c->n[k]++;
    if (id != NULL)
        *id = k;
    return LSC_OK;
}

size_t lsc_derive_counts_get(const struct derive_counts *c, const char *s, size_t len)
{
    uint32_t k = c->keys != NULL ? lsc_dict_find(c->keys, s, len) : DICT_NONE;
    return k == DICT_NONE ? 0 : c->n[k];
}

void lsc_derive_counts_fini(struct derive_counts *c)
{
    lsc_dict_free(c->keys);
    lsc_free(c->n);
    memset(c, 0, sizeof *c);
}

/* ---- training ---- */

struct derived_col {
    enum derive_kind kind;
    size_t src; /* dataset column (= field) of the source */
    const char *src_name; /* lent: the source column's name */
    char *name;
    double *raw;    /* stored rows */
    uint32_t *acct; /* account: id per stored row, DICT_NONE if missing */
    size_t n_missing;
};

struct derive_state {
    const char *file; /* lent: the input's display name */
    const char *date_format; /* lent: --date-format, or NULL */
    long as_of;
    char as_of_text[16];
    size_t n;
    struct derived_col *cols;
    size_t cap;
    struct lsc_accounts *ref; /* leads per account key (account.h) */
    size_t id_col;            /* the first id column's field, SIZE_MAX: none */
    int kept;                 /* the model keeps the table: its text must be UTF-8 */
    char *key;                /* scratch for a key, and a lead's */
    size_t key_cap;
    char *lead;
    size_t lead_cap;
    struct event_train *events; /* activity-log features (event_features.h) */
};

void lsc_derive_state_free(struct derive_state *s)
{
    if (s == NULL)
        return;
    for (size_t k = 0; s->cols != NULL && k < s->n; k++) {
        lsc_free(s->cols[k].name);
        lsc_free(s->cols[k].raw);
        lsc_free(s->cols[k].acct);
    }
    lsc_free(s->cols);
    lsc_accounts_free(s->ref);
    lsc_free(s->key);
    lsc_free(s->lead);
    lsc_event_train_free(s->events);
    lsc_free(s);
}

static enum lsc_status add_spec(struct ds_column *cols, size_t n_cols, struct derive_state *s,
                                enum derive_kind kind, const char *source, const char *option,
                                const struct lsc_log *log, struct lsc_error *err)
{
    char name[512];
    size_t j = lsc_ds_find(cols, n_cols, source);
    if (j == SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, s->file, 0, 0,
                             "%s: no column \"%s\" in the header", option, source);
    if (cols[j].role == DS_TARGET)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "%s: \"%s\" is the target", option,
                             source);
    if (kind == DERIVE_DAYS_SINCE)
        snprintf(name, sizeof name, DERIVE_DAYS_PREFIX "%s", source);
    else
        snprintf(name, sizeof name, DERIVE_ACCOUNT_FORMAT, source);
    if (lsc_ds_find(cols, n_cols, name) != SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s: the derived feature \"%s\" has the name of a column of the file; "
                             "rename that column",
                             option, name);
    for (size_t k = 0; k < s->n; k++)
        if (strcmp(s->cols[k].name, name) == 0)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "%s: \"%s\" given twice", option,
                                 source);
    struct derived_col *c = &s->cols[s->n];
    memset(c, 0, sizeof *c);
    c->kind = kind;
    c->src = j;
    c->src_name = cols[j].name;
    c->name = lsc_strdup(name);
    if (c->name == NULL)
        return lsc_error_nomem(err);
    s->n++;
    if (cols[j].role == DS_FEATURE) {
        cols[j].role = DS_EXCLUDED;
        lsc_logf(log, LSC_LOG_INFO, "column \"%s\" is used through \"%s\", not as a feature itself",
                 source, name);
    }
    return LSC_OK;
}

int lsc_derive_account_mode(const struct lsc_train_options *o)
{
    if (o->account_reference != LSC_ACCOUNT_REF_DEFAULT)
        return o->account_reference;
    return o->postgres != NULL ? LSC_ACCOUNT_REF_COUNTS : LSC_ACCOUNT_REF_IDS;
}

/* The table of the training file's accounts (and, to keep ids, the first
 * id column's field). */
static enum lsc_status setup_reference(struct derive_state *s, const struct ds_column *cols,
                                       size_t n_cols, const struct lsc_train_options *o,
                                       struct lsc_error *err)
{
    s->id_col = SIZE_MAX;
    int mode = lsc_derive_account_mode(o);
    s->kept = mode != LSC_ACCOUNT_REF_NONE;
    if ((s->ref = lsc_accounts_new()) == NULL ||
        (s->ref->column = lsc_strdup(o->account_column)) == NULL)
        return lsc_error_nomem(err);
    if (mode != LSC_ACCOUNT_REF_IDS || o->ids.count == 0)
        return LSC_OK;
    s->id_col = lsc_ds_find(cols, n_cols, o->ids.items[0]);
    if (s->id_col != SIZE_MAX && (s->ref->id_column = lsc_strdup(cols[s->id_col].name)) == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

/* A name or id the model keeps is JSON text: UTF-8 without NUL bytes. */
static enum lsc_status check_kept(const struct derive_state *s, const char *what, const char *v,
                                  size_t len, size_t line, size_t column, const char *instead,
                                  struct lsc_error *err)
{
    size_t bad = 0;
    char shown[176];
    if (!s->kept || (memchr(v, '\0', len) == NULL && lsc_utf8_valid(v, len, &bad)))
        return LSC_OK;
    if (memchr(v, '\0', len) != NULL)
        bad = (size_t)((const char *)memchr(v, '\0', len) - v);
    lsc_escape_bytes(v, len > 40 ? 40 : len, shown, sizeof shown);
    return lsc_error_set(err, LSC_ERR_DATA, s->file, line, column,
                         "%s \"%s\" is not UTF-8 text (byte 0x%02X): the model keeps the "
                         "training file's accounts as JSON, which must be UTF-8; re-encode the "
                         "file as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8) or train with "
                         "--account-reference %s",
                         what, shown, (unsigned)(unsigned char)v[bad], instead);
}

/* Counts a row's account (missing: none) and keeps its lead id; *id the
 * account's index, DICT_NONE when missing. */
static enum lsc_status count_account(struct derive_state *s, const struct derived_col *c,
                                     const char *v, size_t len, int missing,
                                     const char *const *fields, const size_t *lens, size_t nfields,
                                     size_t line, const struct lsc_strings *na, uint32_t *id,
                                     struct lsc_error *err)
{
    size_t klen = 0;
    enum lsc_status st = LSC_OK;
    *id = DICT_NONE;
    if (missing)
        return LSC_OK;
    if ((st = check_kept(s, "--account-column: the account", v, len, line, c->src + 1, "none",
                         err)) != LSC_OK)
        return st;
    if (!lsc_account_key_buf(&s->key, &s->key_cap, v, len, &klen) ||
        (*id = lsc_accounts_add(s->ref, s->key, klen)) == DICT_NONE)
        return lsc_error_nomem(err);
    s->ref->count[*id]++;
    s->ref->total++;
    if (s->id_col == SIZE_MAX || s->id_col >= nfields)
        return LSC_OK;
    const char *lead = fields[s->id_col];
    size_t llen = lens[s->id_col];
    lsc_trim_span(&lead, &llen);
    if (lsc_is_na_token(lead, llen, na))
        return LSC_OK;
    if ((st = check_kept(s, "the lead id", lead, llen, line, s->id_col + 1, "counts", err)) !=
        LSC_OK)
        return st;
    if (!lsc_accounts_add_lead(s->ref, *id, lead, llen, &s->lead, &s->lead_cap))
        return lsc_error_nomem(err);
    return LSC_OK;
}

enum lsc_status lsc_derive_setup(struct derive_state **out, struct ds_column *cols, size_t n_cols,
                                 const char *file, const struct lsc_train_options *o,
                                 const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = o->days_since.count + (o->account_column != NULL);
    struct derive_state *s = NULL;
    if (n == 0 && o->events.count == 0)
        return LSC_OK;
    s = lsc_calloc(1, sizeof *s);
    if (s == NULL)
        return lsc_error_nomem(err);
    *out = s;
    s->file = file;
    s->date_format = o->date_format;
    s->cols = lsc_calloc(n ? n : 1, sizeof *s->cols);
    if (s->cols == NULL)
        return lsc_error_nomem(err);
    s->as_of =
        lsc_derive_resolve_as_of(o->as_of, o->date_format, s->as_of_text, sizeof s->as_of_text);
    if (s->as_of == LONG_MIN) /* lsc_train_options_check said so before */
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--as-of: \"%s\" is not a date",
                             o->as_of);
    for (size_t i = 0; i < o->days_since.count && st == LSC_OK; i++)
        st = add_spec(cols, n_cols, s, DERIVE_DAYS_SINCE, o->days_since.items[i], "--days-since",
                      log, err);
    if (st == LSC_OK && o->account_column != NULL)
        st = add_spec(cols, n_cols, s, DERIVE_ACCOUNT, o->account_column, "--account-column", log,
                      err);
    if (st == LSC_OK && o->account_column != NULL)
        st = setup_reference(s, cols, n_cols, o, err);
    if (st == LSC_OK)
        st = lsc_event_train_setup(&s->events, cols, n_cols, file, o, s->as_of, s->as_of_text,
                                   log, err);
    return st;
}

enum lsc_status lsc_derive_row(struct derive_state *s, size_t row_cap, const char *const *fields,
                               const size_t *lens, size_t nfields, size_t line, size_t row,
                               const struct lsc_strings *na, struct lsc_error *err)
{
    if (s == NULL)
        return LSC_OK;
    enum lsc_status est =
        lsc_event_train_row(s->events, row_cap, fields, lens, nfields, line, row, na, err);
    if (est != LSC_OK)
        return est;
    if (row != SIZE_MAX && row >= s->cap) {
        size_t cap = row_cap > row ? row_cap : row + 1;
        for (size_t k = 0; k < s->n; k++) {
            struct derived_col *c = &s->cols[k];
            if (c->kind == DERIVE_ACCOUNT) {
                uint32_t *a = lsc_reallocarray(c->acct, cap, sizeof *a);
                if (a == NULL)
                    return lsc_error_nomem(err);
                c->acct = a;
            } else {
                double *r = lsc_reallocarray(c->raw, cap, sizeof *r);
                if (r == NULL)
                    return lsc_error_nomem(err);
                c->raw = r;
            }
        }
        s->cap = cap;
    }
    for (size_t k = 0; k < s->n; k++) {
        struct derived_col *c = &s->cols[k];
        const char *v = c->src < nfields ? fields[c->src] : "";
        size_t len = c->src < nfields ? lens[c->src] : 0;
        lsc_trim_span(&v, &len);
        int missing = lsc_is_na_token(v, len, na);
        if (c->kind == DERIVE_ACCOUNT) {
            uint32_t id = DICT_NONE;
            enum lsc_status st =
                count_account(s, c, v, len, missing, fields, lens, nfields, line, na, &id, err);
            if (st != LSC_OK)
                return st;
            if (row != SIZE_MAX)
                c->acct[row] = id;
            continue;
        }
        if (row == SIZE_MAX)
            continue;
        double x = NAN;
        if (missing)
            c->n_missing++;
        else if (!lsc_derive_days_since_fmt(v, len, s->date_format, s->as_of, &x))
            return lsc_error_set(err, LSC_ERR_DATA, s->file, line, c->src + 1,
                                 "--days-since \"%s\": \"%.*s\" is not a date (%s%s)%s",
                                 c->src_name, (int)(len > 40 ? 40 : len), v,
                                 s->date_format ? s->date_format : "YYYY-MM-DD",
                                 s->date_format ? " or YYYY-MM-DD" : "",
                                 s->date_format ? "" : "; another format: --date-format, e.g. %d/%m/%Y");
        c->raw[row] = x;
    }
    return LSC_OK;
}

enum lsc_status lsc_derive_finish(struct derive_state *s, struct ds_column **cols, size_t *n_cols,
                                  size_t n_rows, const struct lsc_log *log, struct lsc_error *err)
{
    if (s == NULL)
        return LSC_OK;
    enum lsc_status st = lsc_event_train_finish(s->events, cols, n_cols, n_rows, log, err);
    if (st != LSC_OK || s->n == 0)
        return st;
    struct ds_column *grown = lsc_reallocarray(*cols, *n_cols + s->n, sizeof *grown);
    if (grown == NULL)
        return lsc_error_nomem(err);
    *cols = grown;
    for (size_t k = 0; k < s->n; k++) {
        struct derived_col *c = &s->cols[k];
        if (c->kind == DERIVE_ACCOUNT) {
            double *raw = lsc_malloc((n_rows ? n_rows : 1) * sizeof *raw);
            if (raw == NULL)
                return lsc_error_nomem(err);
            for (size_t i = 0; i < n_rows; i++)
                raw[i] = c->acct[i] == DICT_NONE ? 1.0 : (double)s->ref->count[c->acct[i]];
            lsc_free(c->raw);
            c->raw = raw;
        }
        if (c->raw == NULL && (c->raw = lsc_malloc(sizeof *c->raw)) == NULL)
            return lsc_error_nomem(err);
        struct ds_column *d = &grown[*n_cols];
        memset(d, 0, sizeof *d);
        d->name = c->name;
        d->file_index = c->src;
        d->role = DS_FEATURE;
        d->force = DS_FORCE_NUMERIC;
        d->raw = c->raw;
        d->n_missing = c->n_missing;
        d->derived = (int)c->kind;
        d->source = c->src_name;
        c->name = NULL;
        c->raw = NULL;
        (*n_cols)++;
        if (d->n_missing > 0)
            lsc_logf(log, LSC_LOG_NOTE,
                     "\"%s\": %zu of %zu rows have no date (imputed with the median, with a "
                     "missing indicator)",
                     d->name, d->n_missing, n_rows);
    }
    return LSC_OK;
}

const char *lsc_derive_as_of(const struct derive_state *s, const struct lsc_train_options *o)
{
    return s != NULL && (o->days_since.count > 0 || o->events.count > 0) ? s->as_of_text : NULL;
}

long lsc_derive_resolve_as_of(const char *as_of, const char *fmt, char *buf, size_t size)
{
    int y = 0, m = 0, d = 0;
    if (as_of == NULL)
        return lsc_derive_today(buf, size);
    if (!lsc_parse_date(as_of, fmt, &y, &m, &d))
        return LONG_MIN;
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
    return lsc_derive_day_number(y, m, d);
}

int lsc_derive_record_options(json_t *options, const struct lsc_train_options *o,
                              const struct derive_state *s)
{
    return lsc_derive_record_options_at(options, o, lsc_derive_as_of(s, o));
}

int lsc_derive_record_options_at(json_t *options, const struct lsc_train_options *o,
                                 const char *as_of)
{
    json_t *a = json_array();
    int bad = a == NULL;
    for (size_t i = 0; !bad && i < o->days_since.count; i++)
        bad |= json_array_append_new(a, json_string(o->days_since.items[i])) != 0;
    bad |= json_object_set_new(options, "days_since", a) != 0;
    bad |=
        json_object_set_new(options, "account_column",
                            o->account_column ? json_string(o->account_column) : json_null()) != 0;
    static const char *const ref_mode[] = {"ids", "counts", "none"};
    int mode = lsc_derive_account_mode(o);
    if (o->account_column != NULL && mode >= LSC_ACCOUNT_REF_IDS && mode <= LSC_ACCOUNT_REF_NONE)
        bad |= json_object_set_new(options, "account_reference",
                                   json_string(ref_mode[mode - LSC_ACCOUNT_REF_IDS])) != 0;
    bad |= json_object_set_new(options, "as_of", as_of ? json_string(as_of) : json_null()) != 0;
    return !bad && lsc_event_record_options(options, o);
}

enum lsc_status lsc_derive_attach(struct lsc_model *m, const struct ds_column *cols,
                                  const size_t *col_src, struct lsc_error *err)
{
    for (size_t j = 0; j < m->n_columns; j++) {
        const struct ds_column *d = &cols[col_src[j]];
        struct lsc_column_enc *c = &m->columns[j];
        if (!d->derived)
            continue;
        c->derived = d->derived;
        lsc_free(c->source);
        c->source = lsc_strdup(d->source);
        if (c->source == NULL)
            return lsc_error_nomem(err);
        if (d->derived != DERIVE_EVENT)
            continue;
        lsc_free(c->event_type);
        if ((c->event_type = lsc_strdup(d->event_type)) == NULL)
            return lsc_error_nomem(err);
        c->event_stat = d->event_stat;
        c->event_window = d->event_window;
    }
    return LSC_OK;
}

struct lsc_accounts *lsc_derive_take_accounts(struct derive_state *s)
{
    struct lsc_accounts *a = s != NULL ? s->ref : NULL;
    if (a != NULL)
        s->ref = NULL;
    return a;
}

enum lsc_status lsc_derive_attach_events(struct lsc_model *m, const struct derive_state *s,
                                         struct lsc_error *err)
{
    return lsc_event_train_model(m, s != NULL ? s->events : NULL, err);
}

int lsc_derive_model_needs_accounts(const struct lsc_model *m, size_t *column)
{
    for (size_t j = 0; j < m->n_columns; j++)
        if (m->columns[j].derived == DERIVE_ACCOUNT) {
            *column = j;
            return 1;
        }
    return 0;
}

/* ---- model file ---- */

static const char *const kind_name[] = {"", "days_since", "account_leads", "event"};

json_t *lsc_derive_to_json(const struct lsc_column_enc *c)
{
    if (c->derived == DERIVE_EVENT)
        return json_pack("{s:s, s:s, s:s, s:s, s:I}", "kind", kind_name[c->derived], "source",
                         c->source, "type", c->event_type, "stat",
                         lsc_event_stat_key(c->event_stat), "days",
                         (json_int_t)(c->event_stat == LSC_EV_WINDOW ? c->event_window : 0));
    return json_pack("{s:s, s:s}", "kind", kind_name[c->derived], "source", c->source);
}

/* An activity-log feature's members: type, statistic, window; its name. */
static enum lsc_status event_from_json(struct lsc_column_enc *c, const json_t *o,
                                       const char *path, const char *file,
                                       struct lsc_error *err)
{
    char want[512];
    const json_t *type = json_object_get(o, "type"), *stat = json_object_get(o, "stat");
    const json_t *days = json_object_get(o, "days");
    if (!json_is_string(type) || json_string_length(type) == 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.derived.type: expected an activity type", path);
    c->event_stat = json_is_string(stat) ? lsc_event_stat_from_key(json_string_value(stat)) : -1;
    if (c->event_stat < 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.derived.stat: expected \"count\", \"window\", "
                             "\"days_since_first\", \"days_since_last\", \"weighted\" or "
                             "\"days_from_first_event\"",
                             path);
    c->event_window = json_is_integer(days) ? (long)json_integer_value(days) : -1;
    if (c->event_stat == LSC_EV_WINDOW ? c->event_window < 1 : c->event_window != 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.derived.days: expected %s", path,
                             c->event_stat == LSC_EV_WINDOW ? "a number of days >= 1" : "0");
    lsc_event_feature_name(json_string_value(type), c->event_stat, c->event_window, want,
                           sizeof want);
    if (strcmp(want, c->name) != 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.name: an activity-log feature must be named \"%s\"", path,
                             want);
    c->event_type = lsc_strdup(json_string_value(type));
    return c->event_type != NULL ? LSC_OK : lsc_error_nomem(err);
}

enum lsc_status lsc_derive_from_json(struct lsc_column_enc *c, const json_t *o, const char *path,
                                 const char *file, struct lsc_error *err)
{
    char want[512];
    const json_t *kind = json_object_get(o, "kind"), *src = json_object_get(o, "source");
    if (!json_is_object(o))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "%s.derived: expected an object",
                             path);
    c->derived = DERIVE_NONE;
    for (int k = DERIVE_DAYS_SINCE; k <= DERIVE_EVENT; k++)
        if (json_is_string(kind) && strcmp(json_string_value(kind), kind_name[k]) == 0)
            c->derived = k;
    if (c->derived == DERIVE_NONE)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.derived.kind: expected \"days_since\", \"account_leads\" or "
                             "\"event\"",
                             path);
    if (!json_is_string(src) || json_string_length(src) == 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.derived.source: expected a column name", path);
    if (c->derived == DERIVE_EVENT) {
        enum lsc_status st = event_from_json(c, o, path, file, err);
        if (st != LSC_OK)
            return st;
        c->source = lsc_strdup(json_string_value(src));
        return c->source != NULL ? LSC_OK : lsc_error_nomem(err);
    }
    if (c->derived == DERIVE_DAYS_SINCE)
        snprintf(want, sizeof want, DERIVE_DAYS_PREFIX "%s", json_string_value(src));
    else
        snprintf(want, sizeof want, DERIVE_ACCOUNT_FORMAT, json_string_value(src));
    if (strcmp(want, c->name) != 0)
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                             "%s.name: a derived column must be named \"%s\"", path, want);
    c->source = lsc_strdup(json_string_value(src));
    return c->source != NULL ? LSC_OK : lsc_error_nomem(err);
}
