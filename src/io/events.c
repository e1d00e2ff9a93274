/* events - activity logs aggregated per (lead, type); see events.h.
 *
 * One pass over the log. Leads, unknown ids and types are interned in dicts
 * (dict.h); the aggregate of a (lead, type) pair lives in flat arrays at a
 * slot found through an open-addressing table (linear probing) keyed by
 * lead << 32 | type. Per slot: count, first and last day (32 bits: every day
 * number of years 1 to 9999 fits), the window counts and the weighted sum
 * 0.5^((ref - day) / half_life), added in log order (pow, as Python's ** and
 * SQL's POWER compute it).
 */
#include "events.h"

#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "csv_reader.h"
#include "date.h"
#include "dict.h"
#include "status_internal.h"
#include "util.h"

#define NO_SLOT UINT32_MAX
#define EMPTY_KEY UINT64_MAX
#define PROGRESS_EVERY 65536

struct lsc_events {
    struct lsc_events_spec spec;
    char *names[3]; /* the spec's column names, copied (NULL: detect) */
    char *fmt;

    struct dict *leads;
    long *lead_ref, *lead_first; /* lead_first: LONG_MAX when none */
    size_t lead_cap;
    struct dict *unknown;

    struct dict *types;
    size_t *type_count, *type_leads;
    size_t type_cap;

    uint64_t *keys; /* the pair table */
    uint32_t *vals;
    size_t hcap, hlen;

    uint32_t *count; /* per slot */
    int32_t *first, *last;
    uint32_t *win; /* n_windows per slot */
    double *weighted;
    size_t n_slots, slot_cap;

    struct lsc_events_stats stats;
};

/* What add_file is reading. */
struct pass {
    struct lsc_events *ev;
    const char *file;
    size_t col[3];
    struct lsc_events_stats *fs; /* the file's own counts */
};

void lsc_events_spec_defaults(struct lsc_events_spec *spec)
{
    memset(spec, 0, sizeof *spec);
    spec->windows[0] = 7;
    spec->windows[1] = 30;
    spec->windows[2] = 90;
    spec->n_windows = 3;
    spec->half_life = LSC_EVENTS_DEFAULT_HALF_LIFE;
}

enum lsc_status lsc_events_spec_check(const struct lsc_events_spec *spec, struct lsc_error *err)
{
    if (spec->n_windows > LSC_EVENTS_MAX_WINDOWS)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "at most %d event windows, not %zu",
                             LSC_EVENTS_MAX_WINDOWS, spec->n_windows);
    for (size_t k = 0; k < spec->n_windows; k++)
        if (spec->windows[k] < 1 || spec->windows[k] > 3660000)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "event window %ld: a window is a whole number of days, at least 1",
                                 spec->windows[k]);
    if (!(spec->half_life > 0.0) || !isfinite(spec->half_life))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "event half-life %g: the half-life is a number of days above 0",
                             spec->half_life);
    if (spec->date_format != NULL && !lsc_date_check_format(spec->date_format))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "event date format \"%s\" needs each of %%Y, %%m and %%d once",
                             spec->date_format);
    return LSC_OK;
}

void lsc_events_free(struct lsc_events *ev)
{
    if (ev == NULL)
        return;
    for (int i = 0; i < 3; i++)
        lsc_free(ev->names[i]);
    lsc_free(ev->fmt);
    lsc_dict_free(ev->leads);
    lsc_dict_free(ev->unknown);
    lsc_dict_free(ev->types);
    lsc_free(ev->lead_ref);
    lsc_free(ev->lead_first);
    lsc_free(ev->type_count);
    lsc_free(ev->type_leads);
    lsc_free(ev->keys);
    lsc_free(ev->vals);
    lsc_free(ev->count);
    lsc_free(ev->first);
    lsc_free(ev->last);
    lsc_free(ev->win);
    lsc_free(ev->weighted);
    lsc_free(ev);
}

static char *dup_or_null(const char *s, int *failed)
{
    if (s == NULL)
        return NULL;
    char *d = lsc_strdup(s);
    if (d == NULL)
        *failed = 1;
    return d;
}

enum lsc_status lsc_events_new(struct lsc_events **out, const struct lsc_events_spec *spec,
                               struct lsc_error *err)
{
    *out = NULL;
    enum lsc_status st = lsc_events_spec_check(spec, err);
    if (st != LSC_OK)
        return st;
    struct lsc_events *ev = lsc_calloc(1, sizeof *ev);
    if (ev == NULL)
        return lsc_error_nomem(err);
    int failed = 0;
    ev->spec = *spec;
    ev->names[0] = dup_or_null(spec->id_column, &failed);
    ev->names[1] = dup_or_null(spec->type_column, &failed);
    ev->names[2] = dup_or_null(spec->time_column, &failed);
    ev->fmt =
        dup_or_null(spec->date_format ? spec->date_format : LSC_EVENTS_DEFAULT_FORMAT, &failed);
    ev->spec.id_column = ev->names[0];
    ev->spec.type_column = ev->names[1];
    ev->spec.time_column = ev->names[2];
    ev->spec.date_format = ev->fmt;
    ev->leads = lsc_dict_new();
    ev->unknown = lsc_dict_new();
    ev->types = lsc_dict_new();
    if (failed || ev->leads == NULL || ev->unknown == NULL || ev->types == NULL) {
        lsc_events_free(ev);
        return lsc_error_nomem(err);
    }
    *out = ev;
    return LSC_OK;
}

/* ---- growing the tables ---------------------------------------------------- */

static int grow(void **p, size_t n, size_t size)
{
    void *q = lsc_reallocarray(*p, n, size);
    if (q == NULL)
        return 0;
    *p = q;
    return 1;
}

static int reserve_leads(struct lsc_events *ev, size_t need)
{
    if (need <= ev->lead_cap)
        return 1;
    size_t cap = ev->lead_cap < 1024 ? 1024 : ev->lead_cap * 2;
    if (!grow((void **)&ev->lead_ref, cap, sizeof(long)) ||
        !grow((void **)&ev->lead_first, cap, sizeof(long)))
        return 0;
    ev->lead_cap = cap;
    return 1;
}

static int reserve_types(struct lsc_events *ev, size_t need)
{
    if (need <= ev->type_cap)
        return 1;
    size_t cap = ev->type_cap < 16 ? 16 : ev->type_cap * 2;
    if (!grow((void **)&ev->type_count, cap, sizeof(size_t)) ||
        !grow((void **)&ev->type_leads, cap, sizeof(size_t)))
        return 0;
    ev->type_cap = cap;
    return 1;
}

static int reserve_slots(struct lsc_events *ev)
{
    if (ev->n_slots < ev->slot_cap)
        return 1;
    size_t cap = ev->slot_cap < 4096 ? 4096 : ev->slot_cap * 2;
    size_t nw = ev->spec.n_windows;
    if (cap >= NO_SLOT || !grow((void **)&ev->count, cap, sizeof(uint32_t)) ||
        !grow((void **)&ev->first, cap, sizeof(int32_t)) ||
        !grow((void **)&ev->last, cap, sizeof(int32_t)) ||
        !grow((void **)&ev->weighted, cap, sizeof(double)) ||
        (nw > 0 && !grow((void **)&ev->win, cap * nw, sizeof(uint32_t))))
        return 0;
    ev->slot_cap = cap;
    return 1;
}

static size_t hash_key(uint64_t k, size_t mask)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return (size_t)k & mask;
}

/* Where key is, or the empty place it would go. */
static size_t probe(const struct lsc_events *ev, uint64_t key)
{
    size_t mask = ev->hcap - 1, i = hash_key(key, mask);
    while (ev->keys[i] != EMPTY_KEY && ev->keys[i] != key)
        i = (i + 1) & mask;
    return i;
}

static int rehash(struct lsc_events *ev)
{
    size_t cap = ev->hcap == 0 ? 8192 : ev->hcap * 2;
    uint64_t *keys = lsc_calloc(cap, sizeof *keys);
    uint32_t *vals = lsc_calloc(cap, sizeof *vals);
    if (keys == NULL || vals == NULL) {
        lsc_free(keys);
        lsc_free(vals);
        return 0;
    }
    memset(keys, 0xff, cap * sizeof *keys);
    uint64_t *old_keys = ev->keys;
    uint32_t *old_vals = ev->vals;
    size_t old_cap = ev->hcap;
    ev->keys = keys;
    ev->vals = vals;
    ev->hcap = cap;
    for (size_t i = 0; i < old_cap; i++)
        if (old_keys[i] != EMPTY_KEY) {
            size_t j = probe(ev, old_keys[i]);
            keys[j] = old_keys[i];
            vals[j] = old_vals[i];
        }
    lsc_free(old_keys);
    lsc_free(old_vals);
    return 1;
}

static uint64_t pair_key(size_t lead, size_t type)
{
    return (uint64_t)lead << 32 | (uint64_t)type;
}

static uint32_t find_slot(const struct lsc_events *ev, size_t lead, size_t type)
{
    if (ev->hcap == 0 || lead >= ev->lead_cap || type >= ev->type_cap)
        return NO_SLOT;
    size_t i = probe(ev, pair_key(lead, type));
    return ev->keys[i] == EMPTY_KEY ? NO_SLOT : ev->vals[i];
}

/* The slot of (lead, type), made (zeroed) when new; NO_SLOT on failure. */
static uint32_t get_slot(struct lsc_events *ev, size_t lead, size_t type)
{
    if ((ev->hlen + 1) * 2 > ev->hcap && !rehash(ev))
        return NO_SLOT;
    uint64_t key = pair_key(lead, type);
    size_t i = probe(ev, key);
    if (ev->keys[i] == key)
        return ev->vals[i];
    if (!reserve_slots(ev))
        return NO_SLOT;
    uint32_t s = (uint32_t)ev->n_slots++;
    ev->keys[i] = key;
    ev->vals[i] = s;
    ev->hlen++;
    ev->count[s] = 0;
    ev->weighted[s] = 0.0;
    size_t nw = ev->spec.n_windows;
    if (nw > 0)
        memset(ev->win + (size_t)s * nw, 0, nw * sizeof *ev->win);
    ev->type_leads[type]++;
    return s;
}

/* ---- columns --------------------------------------------------------------- */

static const char *const USUAL_ID[] = {"lead id",    "leadid",        "prospect id", "prospectid",
                                       "contact id", "lead number",   "id",          "lead",
                                       "email",      "email address", NULL};
static const char *const USUAL_TYPE[] = {"activity type", "activity",   "event type", "event",
                                         "type",          "event name", "action",     NULL};
static const char *const USUAL_TIME[] = {"timestamp",   "time",       "activity date", "event time",
                                         "event date",  "created at", "date",          "datetime",
                                         "occurred at", NULL};
static const char *const WHAT[3] = {"lead id", "activity type", "event time"};
static const char *const OPTION[3] = {"--event-id", "--event-type", "--event-time"};

/* A header name compared with a usual name: trimmed, ASCII case ignored,
 * '_', '-' and '.' as spaces. */
static int usual_eq(const char *s, size_t len, const char *usual)
{
    lsc_trim_span(&s, &len);
    size_t i = 0;
    for (; i < len && usual[i] != '\0'; i++) {
        int c = tolower((unsigned char)s[i]);
        if (c == '_' || c == '-' || c == '.')
            c = ' ';
        if (c != usual[i])
            return 0;
    }
    return i == len && usual[i] == '\0';
}

/* Levenshtein distance over ASCII-lowercased bytes (the first 63 of each). */
static size_t distance(const char *a, size_t la, const char *b, size_t lb)
{
    size_t row[64];
    la = la > 63 ? 63 : la;
    lb = lb > 63 ? 63 : lb;
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            int same = tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 1]);
            size_t best = diag + (same ? 0 : 1);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diag = up;
            row[j] = best;
        }
    }
    return row[lb];
}

/* The header's names, escaped, ", "-separated and cut to fit. */
static void list_header(const struct csv_record *h, char *buf, size_t size)
{
    size_t at = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < h->nfields && at + 1 < size; k++) {
        char name[128];
        lsc_escape_bytes(h->fields[k], h->lens[k], name, sizeof name);
        int n = snprintf(buf + at, size - at, "%s\"%s\"", k ? ", " : "", name);
        if (n < 0 || (size_t)n >= size - at) {
            if (size > 4)
                memcpy(buf + size - 4, "...", 4);
            return;
        }
        at += (size_t)n;
    }
}

/* The header name closest to name, SIZE_MAX when none is close. */
static size_t closest(const struct csv_record *h, const char *name)
{
    size_t best = SIZE_MAX, best_d = SIZE_MAX, len = strlen(name);
    size_t limit = len / 3 > 2 ? len / 3 : 2;
    for (size_t k = 0; k < h->nfields; k++) {
        const char *f = h->fields[k];
        size_t fl = h->lens[k];
        lsc_trim_span(&f, &fl);
        size_t d = distance(name, len, f, fl);
        if (d <= limit && d < best_d) {
            best_d = d;
            best = k;
        }
    }
    return best;
}

static enum lsc_status no_column(const struct pass *p, const struct csv_record *h, int which,
                                 struct lsc_error *err)
{
    char hdr[600], hint[200] = "";
    list_header(h, hdr, sizeof hdr);
    const char *name = p->ev->names[which];
    if (name != NULL) {
        size_t k = closest(h, name);
        if (k != SIZE_MAX) {
            char near[128];
            lsc_escape_bytes(h->fields[k], h->lens[k], near, sizeof near);
            snprintf(hint, sizeof hint, "; did you mean \"%s\"?", near);
        }
        return lsc_error_set(err, LSC_ERR_USAGE, p->file, 0, 0,
                             "no column \"%s\" (%s, the %s)%s The header: %s", name, OPTION[which],
                             WHAT[which], hint[0] ? hint : ";", hdr);
    }
    return lsc_error_set(err, LSC_ERR_USAGE, p->file, 0, 0,
                         "no column with a usual name for the %s (such as \"%s\"); name it with "
                         "%s COL. The header: %s",
                         WHAT[which],
                         which == 0   ? "Lead Id"
                         : which == 1 ? "Activity Type"
                                      : "Timestamp",
                         OPTION[which], hdr);
}

int lsc_events_usual_rank(int which, const char *name, size_t len)
{
    static const char *const *const usual[3] = {USUAL_ID, USUAL_TYPE, USUAL_TIME};
    if (which < 0 || which > 2)
        return -1;
    for (int u = 0; usual[which][u] != NULL; u++)
        if (usual_eq(name, len, usual[which][u]))
            return u;
    return -1;
}

static size_t detect(const struct csv_record *h, const char *const *usual)
{
    for (size_t u = 0; usual[u] != NULL; u++)
        for (size_t k = 0; k < h->nfields; k++)
            if (usual_eq(h->fields[k], h->lens[k], usual[u]))
                return k;
    return SIZE_MAX;
}

static void copy_name(char *dst, const struct csv_record *h, size_t k)
{
    const char *s = h->fields[k];
    size_t len = h->lens[k];
    lsc_trim_span(&s, &len);
    lsc_escape_bytes(s, len, dst, LSC_EVENTS_COLUMN_MAX);
}

static enum lsc_status find_columns(struct pass *p, const struct csv_record *h,
                                    struct lsc_events_file *info, struct lsc_error *err)
{
    static const char *const *const usual[3] = {USUAL_ID, USUAL_TYPE, USUAL_TIME};
    char *dst[3] = {info->id_column, info->type_column, info->time_column};
    for (int w = 0; w < 3; w++) {
        const char *name = p->ev->names[w];
        size_t again = SIZE_MAX;
        p->col[w] = name ? lsc_csv_header_find(h->nfields, h->fields, h->lens, name, 1, &again)
                         : detect(h, usual[w]);
        info->detected[w] = name == NULL;
        if (p->col[w] == SIZE_MAX)
            return no_column(p, h, w, err);
        if (again != SIZE_MAX)
            return lsc_error_set(err, LSC_ERR_DATA, p->file, h->line, again + 1,
                                 "duplicate column name \"%s\" (also column %zu)", name,
                                 p->col[w] + 1);
        copy_name(dst[w], h, p->col[w]);
    }
    for (int a = 0; a < 3; a++)
        for (int b = a + 1; b < 3; b++)
            if (p->col[a] == p->col[b])
                return lsc_error_set(err, LSC_ERR_USAGE, p->file, 0, 0,
                                     "column \"%s\" cannot hold both the %s and the %s: name "
                                     "them with %s and %s",
                                     dst[a], WHAT[a], WHAT[b], OPTION[a], OPTION[b]);
    return LSC_OK;
}

/* ---- rows ------------------------------------------------------------------ */

static void bad_time(struct pass *p, const char *s, size_t len, size_t line, size_t column)
{
    struct lsc_events_stats *t[2] = {&p->ev->stats, p->fs};
    for (int i = 0; i < 2; i++) {
        if (t[i]->bad_time++ > 0)
            continue;
        snprintf(t[i]->bad_file, sizeof t[i]->bad_file, "%s", p->file);
        t[i]->bad_line = line;
        t[i]->bad_column = column;
        lsc_escape_bytes(s, len, t[i]->bad_value, sizeof t[i]->bad_value);
    }
}

/* The lead of the id, asking the callback on first sight: its index, or
 * SIZE_MAX (unknown, counted), or SIZE_MAX - 1 on allocation failure. */
static size_t lead_of(struct lsc_events *ev, const char *id, size_t len, size_t *new_unknown)
{
    uint32_t l = lsc_dict_find(ev->leads, id, len);
    if (l != DICT_NONE)
        return l;
    if (lsc_dict_find(ev->unknown, id, len) != DICT_NONE)
        return SIZE_MAX;
    long ref = ev->spec.as_of;
    if (ev->spec.ref != NULL && !ev->spec.ref(ev->spec.ref_userdata, id, len, &ref)) {
        (*new_unknown)++;
        return lsc_dict_intern(ev->unknown, id, len, NULL) == DICT_NONE ? SIZE_MAX - 1 : SIZE_MAX;
    }
    size_t n = lsc_dict_size(ev->leads);
    if (n >= UINT32_MAX - 1 || !reserve_leads(ev, n + 1) ||
        lsc_dict_intern(ev->leads, id, len, NULL) == DICT_NONE)
        return SIZE_MAX - 1;
    ev->lead_ref[n] = ref;
    ev->lead_first[n] = LONG_MAX;
    return n;
}

static size_t type_of(struct lsc_events *ev, const char *s, size_t len)
{
    int added = 0;
    size_t n = lsc_dict_size(ev->types);
    if (n >= UINT32_MAX - 1 || !reserve_types(ev, n + 1))
        return SIZE_MAX;
    uint32_t t = lsc_dict_intern(ev->types, s, len, &added);
    if (t == DICT_NONE)
        return SIZE_MAX;
    if (added) {
        ev->type_count[t] = 0;
        ev->type_leads[t] = 0;
    }
    return t;
}

static int add_event(struct lsc_events *ev, size_t lead, size_t type, long day)
{
    long ref = ev->lead_ref[lead];
    uint32_t s = get_slot(ev, lead, type);
    if (s == NO_SLOT || ev->count[s] == UINT32_MAX)
        return 0;
    if (ev->count[s]++ == 0 || day < ev->first[s])
        ev->first[s] = (int32_t)day;
    if (ev->count[s] == 1 || day > ev->last[s])
        ev->last[s] = (int32_t)day;
    size_t nw = ev->spec.n_windows;
    for (size_t k = 0; k < nw; k++)
        ev->win[(size_t)s * nw + k] += ref - day < ev->spec.windows[k];
    ev->weighted[s] += pow(0.5, (double)(ref - day) / ev->spec.half_life);
    if (day < ev->lead_first[lead])
        ev->lead_first[lead] = day;
    ev->type_count[type]++;
    return 1;
}

/* Which stats counter a row ends in. */
enum row_fate { F_USED, F_NO_ID, F_NO_TYPE, F_NO_TIME, F_BAD_TIME, F_UNKNOWN, F_AFTER };

static void count_fate(struct lsc_events_stats *s, enum row_fate f)
{
    s->rows++;
    switch (f) {
    case F_USED:
        s->used++;
        break;
    case F_NO_ID:
        s->no_id++;
        break;
    case F_NO_TYPE:
        s->no_type++;
        break;
    case F_NO_TIME:
        s->no_time++;
        break;
    case F_BAD_TIME:
        break; /* bad_time() counts it */
    case F_UNKNOWN:
        s->unknown_id++;
        break;
    case F_AFTER:
        s->after_ref++;
        break;
    }
}

/* A known lead's event of the type on day: counted or after the reference. */
static enum lsc_status take_event(struct pass *p, const struct csv_record *r, size_t lead,
                                  const char *type_s, size_t type_len, long day,
                                  enum row_fate *fate, struct lsc_error *err)
{
    struct lsc_events *ev = p->ev;
    size_t type = type_of(ev, type_s, type_len);
    if (type == SIZE_MAX)
        return lsc_error_nomem(err);
    *fate = F_AFTER;
    if (day > ev->lead_ref[lead])
        return LSC_OK;
    if (!add_event(ev, lead, type, day))
        return lsc_error_set(err, LSC_ERR_NOMEM, p->file, r->line, 0,
                             "out of memory (or over 4 billion events of one lead and type)");
    *fate = F_USED;
    return LSC_OK;
}

/* Checked in this order; the first that fails decides the row's fate. */
static enum lsc_status read_row(struct pass *p, const struct csv_record *r, enum row_fate *fate,
                                struct lsc_error *err)
{
    struct lsc_events *ev = p->ev;
    const char *f[3];
    size_t n[3];
    for (int w = 0; w < 3; w++) {
        f[w] = r->fields[p->col[w]];
        n[w] = r->lens[p->col[w]];
        lsc_trim_span(&f[w], &n[w]);
    }
    long day = 0;
    enum lsc_status st = LSC_OK;
    if (lsc_is_na_token(f[0], n[0], NULL)) {
        *fate = F_NO_ID;
    } else if (n[1] == 0) {
        *fate = F_NO_TYPE;
    } else if (lsc_is_na_token(f[2], n[2], NULL)) {
        *fate = F_NO_TIME;
    } else if (!lsc_date_parse_with(f[2], n[2], ev->fmt, &day) || day < INT32_MIN ||
               day > INT32_MAX) {
        char v[64];
        lsc_escape_bytes(f[2], n[2], v, sizeof v);
        *fate = F_BAD_TIME;
        if (ev->spec.strict_time)
            st = lsc_error_set(err, LSC_ERR_DATA, p->file, r->line, p->col[2] + 1,
                               "event time \"%s\" is not a date in the format \"%s\"", v, ev->fmt);
        else
            bad_time(p, f[2], n[2], r->line, p->col[2] + 1);
    } else {
        size_t new_unknown = 0, lead = lead_of(ev, f[0], n[0], &new_unknown);
        ev->stats.unknown_ids += new_unknown;
        p->fs->unknown_ids += new_unknown;
        *fate = F_UNKNOWN;
        if (lead == SIZE_MAX - 1)
            st = lsc_error_nomem(err);
        else if (lead != SIZE_MAX)
            st = take_event(p, r, lead, f[1], n[1], day, fate, err);
    }
    return st;
}

static void report_progress(const struct lsc_events *ev, const struct csv_reader *rd, size_t rows,
                            int finished)
{
    if (ev->spec.progress == NULL)
        return;
    struct lsc_progress pr = {rows, 0, 0, finished};
    lsc_csv_reader_progress(rd, &pr.bytes, &pr.size);
    ev->spec.progress(ev->spec.progress_userdata, &pr);
}

enum lsc_status lsc_events_add_file(struct lsc_events *ev, const char *path,
                                    struct lsc_events_file *info, struct lsc_error *err)
{
    struct lsc_events_file local;
    struct csv_reader *rd = NULL;
    const struct csv_record *r = NULL;
    if (info == NULL)
        info = &local;
    memset(info, 0, sizeof *info);
    struct csv_reader_opts opts = {0, 0, 0};
    enum lsc_status st = lsc_csv_reader_open(&rd, path, &opts, err);
    if (st == LSC_OK)
        st = lsc_csv_reader_set_encoding(rd, ev->spec.encoding, err);
    if (st != LSC_OK) {
        lsc_csv_reader_free(rd);
        return st;
    }
    struct pass p = {ev, lsc_csv_reader_name(rd), {0, 0, 0}, &info->stats};
    st = lsc_csv_reader_next(rd, &r, err);
    if (st == LSC_OK && r == NULL)
        st = lsc_error_set(err, LSC_ERR_DATA, p.file, 0, 0,
                           "the activity log is empty (not even a header)");
    if (st == LSC_OK)
        st = find_columns(&p, r, info, err);
    while (st == LSC_OK) {
        st = lsc_csv_reader_next(rd, &r, err);
        if (st != LSC_OK || r == NULL)
            break;
        enum row_fate fate = F_USED;
        st = read_row(&p, r, &fate, err);
        if (st != LSC_OK)
            break;
        count_fate(&ev->stats, fate);
        count_fate(p.fs, fate);
        if (p.fs->rows % PROGRESS_EVERY == 0)
            report_progress(ev, rd, p.fs->rows, 0);
    }
    if (st == LSC_OK)
        report_progress(ev, rd, p.fs->rows, 1);
    lsc_csv_reader_free(rd);
    return st;
}

/* ---- accessors ------------------------------------------------------------- */

const struct lsc_events_spec *lsc_events_spec(const struct lsc_events *ev)
{
    return &ev->spec;
}

const struct lsc_events_stats *lsc_events_stats(const struct lsc_events *ev)
{
    return &ev->stats;
}

size_t lsc_events_n_types(const struct lsc_events *ev)
{
    return lsc_dict_size(ev->types);
}

const char *lsc_events_type_name(const struct lsc_events *ev, size_t type)
{
    return lsc_dict_str(ev->types, (uint32_t)type);
}

size_t lsc_events_type_find(const struct lsc_events *ev, const char *name, size_t len)
{
    uint32_t t = lsc_dict_find(ev->types, name, len);
    return t == DICT_NONE ? SIZE_MAX : t;
}

size_t lsc_events_type_count(const struct lsc_events *ev, size_t type)
{
    return type < lsc_events_n_types(ev) ? ev->type_count[type] : 0;
}

size_t lsc_events_type_leads(const struct lsc_events *ev, size_t type)
{
    return type < lsc_events_n_types(ev) ? ev->type_leads[type] : 0;
}

size_t lsc_events_n_leads(const struct lsc_events *ev)
{
    return lsc_dict_size(ev->leads);
}

size_t lsc_events_lead_find(const struct lsc_events *ev, const char *id, size_t len)
{
    lsc_trim_span(&id, &len);
    uint32_t l = lsc_dict_find(ev->leads, id, len);
    return l == DICT_NONE ? SIZE_MAX : l;
}

const char *lsc_events_lead_id(const struct lsc_events *ev, size_t lead)
{
    return lsc_dict_str(ev->leads, (uint32_t)lead);
}

long lsc_events_lead_ref(const struct lsc_events *ev, size_t lead)
{
    return ev->lead_ref[lead];
}

int lsc_events_lead_first_day(const struct lsc_events *ev, size_t lead, long *day)
{
    if (lead >= lsc_events_n_leads(ev) || ev->lead_first[lead] == LONG_MAX)
        return 0;
    *day = ev->lead_first[lead];
    return 1;
}

size_t lsc_events_agg(const struct lsc_events *ev, size_t lead, size_t type,
                      struct lsc_event_agg *out)
{
    memset(out, 0, sizeof *out);
    uint32_t s = find_slot(ev, lead, type);
    if (lead == SIZE_MAX || s == NO_SLOT)
        return 0;
    out->count = ev->count[s];
    out->first_day = ev->first[s];
    out->last_day = ev->last[s];
    out->weighted = ev->weighted[s];
    for (size_t k = 0; k < ev->spec.n_windows; k++)
        out->in_window[k] = ev->win[(size_t)s * ev->spec.n_windows + k];
    return out->count;
}
