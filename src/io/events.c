/* events - activity logs aggregated per (lead, type); see events.h.
 *
 * One pass over the log, built for a log of tens of millions of events on a
 * machine where each random memory access costs (a cache and TLB miss), so
 * an event touches few places:
 *   - the lead: an open-addressing table (linear probing, at most half full)
 *     of {hash, string offset, lead, length} slots over one arena of ids,
 *     the hash 64-bit FNV-1a with MurmurHash3's finaliser: one slot and the
 *     id's bytes; then the lead's record {reference day, first day, offset};
 *   - the (lead, type) pair: the lead's record names the aggregates of its
 *     first six types (a lead with more looks the others up in a table
 *     keyed by lead << 32 | type); an aggregate holds count, first and last day (32
 *     bits: every day number of years 1 to 9999 fits), the weighted sum
 *     0.5^((ref - day) / half_life) (added in log order with pow, as
 *     Python's ** and SQL's POWER compute it) and the window counts, all in
 *     one record.
 * Unknown ids and types are interned in dicts (dict.h).
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
#include "header_match.h"
#include "status_internal.h"
#include "util.h"

#define NO_SLOT UINT32_MAX
#define NO_LEAD UINT32_MAX
#define EMPTY_KEY UINT64_MAX
#define PROGRESS_EVERY 65536

struct lead_slot {
    uint64_t hash;
    size_t off;    /* of the id in the arena */
    uint32_t lead; /* NO_LEAD: empty */
    uint32_t len;
};

/* A lead's first INLINE_PAIRS types name their aggregates here (no look-up
 * beyond the record an event reads anyway); more go to the pair table. */
#define INLINE_PAIRS 6
#define NO_TYPE16 UINT16_MAX

struct lead_rec {
    long ref, first; /* first: LONG_MAX when none */
    size_t off;      /* of the id in the arena */
    uint32_t agg[INLINE_PAIRS];
    uint16_t type[INLINE_PAIRS]; /* NO_TYPE16: free */
};

struct pair_slot {
    uint64_t key; /* EMPTY_KEY: empty */
    uint32_t agg;
};

/* An aggregate; n_windows uint32_t window counts follow it. */
struct agg_head {
    uint32_t count;
    int32_t first, last;
    uint32_t pad;
    double weighted;
};

struct lsc_events {
    struct lsc_events_spec spec;
    char *names[3]; /* the spec's column names, copied (NULL: detect) */
    char *fmt;

    struct lead_slot *lslots; /* the lead table */
    size_t lcap;
    char *arena; /* the leads' ids, NUL-terminated */
    size_t arena_len, arena_cap;
    struct lead_rec *leads;
    size_t n_leads, lead_cap;
    struct dict *unknown;

    struct dict *types;
    size_t *type_count, *type_leads;
    size_t type_cap;

    struct pair_slot *pairs; /* the pair table */
    size_t hcap, hlen;
    unsigned char *aggs; /* agg_stride bytes each */
    size_t agg_stride, n_aggs, agg_cap;

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
    lsc_free(ev->lslots);
    lsc_free(ev->arena);
    lsc_free(ev->leads);
    lsc_dict_free(ev->unknown);
    lsc_dict_free(ev->types);
    lsc_free(ev->type_count);
    lsc_free(ev->type_leads);
    lsc_free(ev->pairs);
    lsc_free(ev->aggs);
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
    ev->unknown = lsc_dict_new();
    ev->types = lsc_dict_new();
    /* 8-byte multiples keep the doubles aligned */
    ev->agg_stride = (sizeof(struct agg_head) + ev->spec.n_windows * sizeof(uint32_t) + 7) / 8 * 8;
    if (failed || ev->unknown == NULL || ev->types == NULL) {
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

static uint64_t mix64(uint64_t k)
{
    k ^= k >> 33;
    k *= 0xff51afd7ed558ccdULL;
    k ^= k >> 33;
    k *= 0xc4ceb9fe1a85ec53ULL;
    k ^= k >> 33;
    return k;
}

static uint64_t hash_bytes(const char *s, size_t len)
{
    uint64_t h = 14695981039346656037ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return mix64(h);
}

/* ---- leads --------------------------------------------------------------- */

/* The slot of the id, or the empty one where it would go (lcap > 0). */
static size_t lead_probe(const struct lsc_events *ev, const char *id, size_t len, uint64_t h)
{
    size_t mask = ev->lcap - 1, i = (size_t)h & mask;
    for (;; i = (i + 1) & mask) {
        const struct lead_slot *sl = &ev->lslots[i];
        if (sl->lead == NO_LEAD ||
            (sl->hash == h && sl->len == len && memcmp(ev->arena + sl->off, id, len) == 0))
            return i;
    }
}

static uint32_t lead_lookup(const struct lsc_events *ev, const char *id, size_t len)
{
    if (ev->lcap == 0 || len >= UINT32_MAX)
        return NO_LEAD;
    return ev->lslots[lead_probe(ev, id, len, hash_bytes(id, len))].lead;
}

static int lead_rehash(struct lsc_events *ev)
{
    size_t cap = ev->lcap == 0 ? 4096 : ev->lcap * 2;
    struct lead_slot *slots = lsc_reallocarray(NULL, cap, sizeof *slots);
    if (slots == NULL)
        return 0;
    for (size_t i = 0; i < cap; i++)
        slots[i].lead = NO_LEAD;
    for (size_t i = 0; i < ev->lcap; i++) {
        if (ev->lslots[i].lead == NO_LEAD)
            continue;
        size_t j = (size_t)ev->lslots[i].hash & (cap - 1);
        while (slots[j].lead != NO_LEAD)
            j = (j + 1) & (cap - 1);
        slots[j] = ev->lslots[i];
    }
    lsc_free(ev->lslots);
    ev->lslots = slots;
    ev->lcap = cap;
    return 1;
}

/* Adds a lead (not present) with its reference day: its index, or NO_LEAD
 * when out of memory. */
static uint32_t lead_add(struct lsc_events *ev, const char *id, size_t len, long ref)
{
    if (len >= UINT32_MAX - 1 || ev->n_leads >= NO_LEAD - 1 ||
        ((ev->n_leads + 1) * 2 > ev->lcap && !lead_rehash(ev)))
        return NO_LEAD;
    if (ev->n_leads == ev->lead_cap) {
        size_t cap = ev->lead_cap < 1024 ? 1024 : ev->lead_cap * 2;
        if (!grow((void **)&ev->leads, cap, sizeof *ev->leads))
            return NO_LEAD;
        ev->lead_cap = cap;
    }
    if (len + 1 > ev->arena_cap - ev->arena_len) {
        size_t cap = ev->arena_cap < 65536 ? 65536 : ev->arena_cap;
        while (cap - ev->arena_len < len + 1)
            cap *= 2;
        if (!grow((void **)&ev->arena, cap, 1))
            return NO_LEAD;
        ev->arena_cap = cap;
    }
    uint64_t h = hash_bytes(id, len);
    size_t i = lead_probe(ev, id, len, h);
    uint32_t lead = (uint32_t)ev->n_leads++;
    memcpy(ev->arena + ev->arena_len, id, len);
    ev->arena[ev->arena_len + len] = '\0';
    ev->lslots[i] = (struct lead_slot){h, ev->arena_len, lead, (uint32_t)len};
    struct lead_rec *lr = &ev->leads[lead];
    lr->ref = ref;
    lr->first = LONG_MAX;
    lr->off = ev->arena_len;
    for (int k = 0; k < INLINE_PAIRS; k++)
        lr->type[k] = NO_TYPE16;
    ev->arena_len += len + 1;
    return lead;
}

/* ---- pairs --------------------------------------------------------------- */

static struct agg_head *agg_at(const struct lsc_events *ev, uint32_t a)
{
    return (struct agg_head *)(void *)(ev->aggs + (size_t)a * ev->agg_stride);
}

static uint32_t *agg_windows(struct agg_head *g)
{
    return (uint32_t *)(void *)(g + 1);
}

static uint64_t pair_key(size_t lead, size_t type)
{
    return (uint64_t)lead << 32 | (uint64_t)type;
}

/* Where key is, or the empty place it would go. */
static size_t probe(const struct pair_slot *t, size_t cap, uint64_t key)
{
    size_t mask = cap - 1, i = (size_t)mix64(key) & mask;
    while (t[i].key != EMPTY_KEY && t[i].key != key)
        i = (i + 1) & mask;
    return i;
}

static int rehash(struct lsc_events *ev)
{
    size_t cap = ev->hcap == 0 ? 8192 : ev->hcap * 2;
    struct pair_slot *t = lsc_reallocarray(NULL, cap, sizeof *t);
    if (t == NULL)
        return 0;
    for (size_t i = 0; i < cap; i++)
        t[i].key = EMPTY_KEY;
    for (size_t i = 0; i < ev->hcap; i++)
        if (ev->pairs[i].key != EMPTY_KEY)
            t[probe(t, cap, ev->pairs[i].key)] = ev->pairs[i];
    lsc_free(ev->pairs);
    ev->pairs = t;
    ev->hcap = cap;
    return 1;
}

/* The pair's place in the lead's record: its index (found), or a free
 * one (-1 - index), or INLINE_PAIRS when the record is full without it. */
static int inline_place(const struct lead_rec *lr, size_t type)
{
    for (int k = 0; k < INLINE_PAIRS; k++) {
        if (lr->type[k] == type)
            return k;
        if (lr->type[k] == NO_TYPE16)
            return -1 - k;
    }
    return INLINE_PAIRS;
}

static uint32_t find_slot(const struct lsc_events *ev, size_t lead, size_t type)
{
    if (lead >= ev->n_leads || type >= ev->type_cap)
        return NO_SLOT;
    const struct lead_rec *lr = &ev->leads[lead];
    int k = type < NO_TYPE16 ? inline_place(lr, type) : INLINE_PAIRS;
    if (k >= 0 && k < INLINE_PAIRS)
        return lr->agg[k];
    if (k < 0 || ev->hcap == 0)
        return NO_SLOT;
    const struct pair_slot *sl = &ev->pairs[probe(ev->pairs, ev->hcap, pair_key(lead, type))];
    return sl->key == EMPTY_KEY ? NO_SLOT : sl->agg;
}

/* A new zeroed aggregate: its index, or NO_SLOT when out of memory. */
static uint32_t new_agg(struct lsc_events *ev, size_t type)
{
    if (ev->n_aggs == ev->agg_cap) {
        size_t cap = ev->agg_cap < 4096 ? 4096 : ev->agg_cap * 2;
        if (cap >= NO_SLOT || !grow((void **)&ev->aggs, cap, ev->agg_stride))
            return NO_SLOT;
        ev->agg_cap = cap;
    }
    uint32_t a = (uint32_t)ev->n_aggs++;
    memset(agg_at(ev, a), 0, ev->agg_stride);
    ev->type_leads[type]++;
    return a;
}

/* The aggregate of (lead, type), made when new; NULL on failure. */
static struct agg_head *get_agg(struct lsc_events *ev, size_t lead, size_t type)
{
    struct lead_rec *lr = &ev->leads[lead];
    int k = type < NO_TYPE16 ? inline_place(lr, type) : INLINE_PAIRS;
    uint32_t a;
    if (k >= 0 && k < INLINE_PAIRS)
        return agg_at(ev, lr->agg[k]);
    if (k < 0) {
        if ((a = new_agg(ev, type)) == NO_SLOT)
            return NULL;
        lr->type[-1 - k] = (uint16_t)type;
        lr->agg[-1 - k] = a;
        return agg_at(ev, a);
    }
    if ((ev->hlen + 1) * 2 > ev->hcap && !rehash(ev))
        return NULL;
    uint64_t key = pair_key(lead, type);
    struct pair_slot *sl = &ev->pairs[probe(ev->pairs, ev->hcap, key)];
    if (sl->key == key)
        return agg_at(ev, sl->agg);
    if ((a = new_agg(ev, type)) == NO_SLOT)
        return NULL;
    sl->key = key;
    sl->agg = a;
    ev->hlen++;
    return agg_at(ev, a);
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

/* A column not found: a named one as every option naming a column says it
 * (header_match.h), or none with a usual name. */
static enum lsc_status no_column(const struct pass *p, const struct csv_record *h, int which,
                                 enum header_how how, struct lsc_error *err)
{
    char hdr[600];
    const char *name = p->ev->names[which];
    if (name != NULL)
        return lsc_header_unknown(err, LSC_ERR_USAGE, p->file, 0, 0, OPTION[which], name, how,
                                  h->nfields, h->fields, h->lens);
    list_header(h, hdr, sizeof hdr);
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
        enum header_how how = HEADER_NONE;
        /* exactly (a name given twice is an error), else the one column
         * equal to it ignoring case */
        p->col[w] = name ? lsc_csv_header_find(h->nfields, h->fields, h->lens, name, 0, &again)
                         : detect(h, usual[w]);
        if (name != NULL && p->col[w] == SIZE_MAX)
            p->col[w] = lsc_header_match(h->nfields, h->fields, h->lens, name, &how);
        info->detected[w] = name == NULL;
        if (p->col[w] == SIZE_MAX)
            return no_column(p, h, w, how, err);
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
    uint32_t l = lead_lookup(ev, id, len);
    if (l != NO_LEAD)
        return l;
    if (lsc_dict_find(ev->unknown, id, len) != DICT_NONE)
        return SIZE_MAX;
    long ref = ev->spec.as_of;
    if (ev->spec.ref != NULL && !ev->spec.ref(ev->spec.ref_userdata, id, len, &ref)) {
        (*new_unknown)++;
        return lsc_dict_intern(ev->unknown, id, len, NULL) == DICT_NONE ? SIZE_MAX - 1 : SIZE_MAX;
    }
    l = lead_add(ev, id, len, ref);
    return l == NO_LEAD ? SIZE_MAX - 1 : l;
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
    struct lead_rec *lr = &ev->leads[lead];
    long ref = lr->ref;
    struct agg_head *g = get_agg(ev, lead, type);
    if (g == NULL || g->count == UINT32_MAX)
        return 0;
    if (g->count++ == 0 || day < g->first)
        g->first = (int32_t)day;
    if (g->count == 1 || day > g->last)
        g->last = (int32_t)day;
    uint32_t *win = agg_windows(g);
    for (size_t k = 0; k < ev->spec.n_windows; k++)
        win[k] += ref - day < ev->spec.windows[k];
    g->weighted += pow(0.5, (double)(ref - day) / ev->spec.half_life);
    if (day < lr->first)
        lr->first = day;
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

/* ---- the batch ------------------------------------------------------------- *
 *
 * Rows are checked one by one as they are read, and the valid ones queued
 * (their id and type copied) until BATCH are; the batch is then resolved in
 * stages, each of which prefetches what the next one reads (the lead slot,
 * then the id's bytes and the lead's record, then the aggregate), so the
 * memory latencies of BATCH events overlap instead of adding up. Events are
 * still added in log order (the weighted sums' order is the log's). */

#define BATCH 128

#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

struct queued {
    size_t id_off, id_len, type_off, type_len; /* in the batch's buffer */
    uint64_t hash;
    long day;
    size_t lead, type; /* resolved */
};

struct batch {
    struct queued q[BATCH];
    size_t n;
    char *buf;
    size_t len, cap;
};

static int queue_event(struct batch *b, const struct lsc_events *ev, const char *id, size_t id_len,
                       const char *type, size_t type_len, long day)
{
    if (b->len + id_len + type_len > b->cap) {
        size_t cap = b->cap < 4096 ? 4096 : b->cap;
        while (cap < b->len + id_len + type_len)
            cap *= 2;
        char *buf = lsc_realloc(b->buf, cap);
        if (buf == NULL)
            return 0;
        b->buf = buf;
        b->cap = cap;
    }
    struct queued *q = &b->q[b->n++];
    q->id_off = b->len;
    q->id_len = id_len;
    memcpy(b->buf + b->len, id, id_len);
    b->len += id_len;
    q->type_off = b->len;
    q->type_len = type_len;
    memcpy(b->buf + b->len, type, type_len);
    b->len += type_len;
    q->hash = hash_bytes(id, id_len);
    q->day = day;
    if (ev->lcap > 0)
        PREFETCH(&ev->lslots[(size_t)q->hash & (ev->lcap - 1)]);
    return 1;
}

/* Stage 2: where the lead slot's id and the lead's record are. */
static void prefetch_leads(const struct lsc_events *ev, const struct batch *b)
{
    for (size_t i = 0; ev->lcap > 0 && i < b->n; i++) {
        const struct lead_slot *sl = &ev->lslots[(size_t)b->q[i].hash & (ev->lcap - 1)];
        if (sl->lead != NO_LEAD && sl->hash == b->q[i].hash) {
            PREFETCH(ev->arena + sl->off);
            PREFETCH(&ev->leads[sl->lead]);
        }
    }
}

/* Stage 3: each event's lead (asking the callback about a new id); then
 * its type, and where its aggregate is. */
static enum lsc_status resolve(struct pass *p, struct batch *b, struct lsc_error *err)
{
    struct lsc_events *ev = p->ev;
    for (size_t i = 0; i < b->n; i++) {
        struct queued *q = &b->q[i];
        const char *id = b->buf + q->id_off;
        uint32_t l = ev->lcap > 0 && q->id_len < UINT32_MAX
                         ? ev->lslots[lead_probe(ev, id, q->id_len, q->hash)].lead
                         : NO_LEAD;
        size_t new_unknown = 0;
        q->lead = l != NO_LEAD ? l : lead_of(ev, id, q->id_len, &new_unknown);
        ev->stats.unknown_ids += new_unknown;
        p->fs->unknown_ids += new_unknown;
        if (q->lead == SIZE_MAX - 1)
            return lsc_error_nomem(err);
        if (q->lead != SIZE_MAX)
            PREFETCH(&ev->leads[q->lead]);
    }
    for (size_t i = 0; i < b->n; i++) {
        struct queued *q = &b->q[i];
        if (q->lead == SIZE_MAX)
            continue;
        if ((q->type = type_of(ev, b->buf + q->type_off, q->type_len)) == SIZE_MAX)
            return lsc_error_nomem(err);
        uint32_t a = find_slot(ev, q->lead, q->type);
        if (a != NO_SLOT)
            PREFETCH(agg_at(ev, a));
    }
    return LSC_OK;
}

static void count_both(struct pass *p, enum row_fate f)
{
    count_fate(&p->ev->stats, f);
    count_fate(p->fs, f);
}

/* Resolves and adds the queued events, in order. */
static enum lsc_status flush(struct pass *p, struct batch *b, struct lsc_error *err)
{
    struct lsc_events *ev = p->ev;
    prefetch_leads(ev, b);
    enum lsc_status st = resolve(p, b, err);
    for (size_t i = 0; st == LSC_OK && i < b->n; i++) {
        const struct queued *q = &b->q[i];
        if (q->lead == SIZE_MAX)
            count_both(p, F_UNKNOWN);
        else if (q->day > ev->leads[q->lead].ref)
            count_both(p, F_AFTER);
        else if (add_event(ev, q->lead, q->type, q->day))
            count_both(p, F_USED);
        else
            st = lsc_error_set(err, LSC_ERR_NOMEM, p->file, 0, 0,
                               "out of memory (or over 4 billion events of one lead and type)");
    }
    b->n = 0;
    b->len = 0;
    return st;
}

/* Checks a row (in this order; the first that fails decides its fate) and
 * queues a valid one. */
static enum lsc_status read_row(struct pass *p, struct batch *b, const struct csv_record *r,
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
        count_both(p, F_NO_ID);
    } else if (n[1] == 0) {
        count_both(p, F_NO_TYPE);
    } else if (lsc_is_na_token(f[2], n[2], NULL)) {
        count_both(p, F_NO_TIME);
    } else if (!lsc_date_parse_with(f[2], n[2], ev->fmt, &day) || day < INT32_MIN ||
               day > INT32_MAX) {
        char v[64];
        lsc_escape_bytes(f[2], n[2], v, sizeof v);
        if (ev->spec.strict_time)
            return lsc_error_set(err, LSC_ERR_DATA, p->file, r->line, p->col[2] + 1,
                                 "event time \"%s\" is not a date in the format \"%s\"", v,
                                 ev->fmt);
        bad_time(p, f[2], n[2], r->line, p->col[2] + 1);
        count_both(p, F_BAD_TIME);
    } else if (!queue_event(b, ev, f[0], n[0], f[1], n[1], day)) {
        st = lsc_error_nomem(err);
    } else if (b->n == BATCH) {
        st = flush(p, b, err);
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
    struct batch b;
    memset(&b, 0, sizeof b);
    size_t rows = 0;
    while (st == LSC_OK) {
        st = lsc_csv_reader_next(rd, &r, err);
        if (st != LSC_OK || r == NULL)
            break;
        st = read_row(&p, &b, r, err);
        if (++rows % PROGRESS_EVERY == 0)
            report_progress(ev, rd, rows, 0);
    }
    /* the rows before an error are added too */
    struct lsc_error scratch;
    enum lsc_status fst = flush(&p, &b, st == LSC_OK ? err : &scratch);
    if (st == LSC_OK && (st = fst) == LSC_OK)
        report_progress(ev, rd, rows, 1);
    lsc_free(b.buf);
    lsc_csv_reader_free(rd);
    return st;
}

enum lsc_status lsc_events_add_lead(struct lsc_events *ev, const char *id, size_t len, long ref,
                                    size_t *lead, int *added, struct lsc_error *err)
{
    lsc_trim_span(&id, &len);
    uint32_t l = lead_lookup(ev, id, len);
    *added = l == NO_LEAD;
    if (l == NO_LEAD && (l = lead_add(ev, id, len, ref)) == NO_LEAD)
        return lsc_error_nomem(err);
    *lead = l;
    return LSC_OK;
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
    return ev->n_leads;
}

size_t lsc_events_lead_find(const struct lsc_events *ev, const char *id, size_t len)
{
    lsc_trim_span(&id, &len);
    uint32_t l = lead_lookup(ev, id, len);
    return l == NO_LEAD ? SIZE_MAX : l;
}

const char *lsc_events_lead_id(const struct lsc_events *ev, size_t lead)
{
    return ev->arena + ev->leads[lead].off;
}

long lsc_events_lead_ref(const struct lsc_events *ev, size_t lead)
{
    return ev->leads[lead].ref;
}

int lsc_events_lead_first_day(const struct lsc_events *ev, size_t lead, long *day)
{
    if (lead >= ev->n_leads || ev->leads[lead].first == LONG_MAX)
        return 0;
    *day = ev->leads[lead].first;
    return 1;
}

void lsc_events_prefetch(const struct lsc_events *ev, size_t lead)
{
    if (lead >= ev->n_leads)
        return;
    const struct lead_rec *lr = &ev->leads[lead];
    for (int k = 0; k < INLINE_PAIRS && lr->type[k] != NO_TYPE16; k++)
        PREFETCH(agg_at(ev, lr->agg[k]));
}

size_t lsc_events_agg(const struct lsc_events *ev, size_t lead, size_t type,
                      struct lsc_event_agg *out)
{
    memset(out, 0, sizeof *out);
    uint32_t a = find_slot(ev, lead, type);
    if (a == NO_SLOT)
        return 0;
    struct agg_head *g = agg_at(ev, a);
    out->count = g->count;
    out->first_day = g->first;
    out->last_day = g->last;
    out->weighted = g->weighted;
    const uint32_t *win = agg_windows(g);
    for (size_t k = 0; k < ev->spec.n_windows; k++)
        out->in_window[k] = win[k];
    return out->count;
}
