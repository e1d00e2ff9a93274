#include "dict.h"

#include <string.h>

#include "alloc.h"

/* Open addressing with linear probing over a power-of-two table of ids,
 * kept at most half full so probe runs stay short. The hash is 64-bit
 * FNV-1a (Fowler, Noll, Vo). Strings live back to back in one arena, each
 * NUL-terminated; entries record offset, length and hash, so growing the
 * table never rehashes the bytes and strings may contain NUL bytes. */

#define INITIAL_SLOTS 16
#define INITIAL_ARENA 256
#define FNV_OFFSET 14695981039346656037ULL
#define FNV_PRIME 1099511628211ULL

struct entry {
    size_t off, len;
    uint64_t hash;
};

struct dict {
    uint32_t *slots;       /* id, or DICT_NONE when empty */
    size_t n_slots;        /* a power of two */
    struct entry *entries; /* by id */
    size_t n, cap;
    char *arena;
    size_t arena_len, arena_cap;
};

static uint64_t fnv1a(const char *s, size_t len)
{
    uint64_t h = FNV_OFFSET;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= FNV_PRIME;
    }
    return h;
}

static uint32_t *new_slots(size_t n)
{
    uint32_t *slots = lsc_reallocarray(NULL, n, sizeof *slots);
    if (slots != NULL)
        for (size_t i = 0; i < n; i++)
            slots[i] = DICT_NONE;
    return slots;
}

struct dict *lsc_dict_new(void)
{
    struct dict *d = lsc_calloc(1, sizeof *d);
    if (d == NULL)
        goto cleanup;
    d->n_slots = INITIAL_SLOTS;
    d->slots = new_slots(d->n_slots);
    d->arena_cap = INITIAL_ARENA;
    d->arena = lsc_malloc(d->arena_cap);
    if (d->slots == NULL || d->arena == NULL) {
        lsc_dict_free(d);
        d = NULL;
    }
cleanup:
    return d;
}

void lsc_dict_free(struct dict *d)
{
    if (d == NULL)
        return;
    lsc_free(d->slots);
    lsc_free(d->entries);
    lsc_free(d->arena);
    lsc_free(d);
}

/* The slot holding s, or the empty slot where it would go. */
static size_t probe(const struct dict *d, const char *s, size_t len, uint64_t h)
{
    size_t mask = d->n_slots - 1;
    size_t i = (size_t)h & mask;
    while (d->slots[i] != DICT_NONE) {
        const struct entry *e = &d->entries[d->slots[i]];
        if (e->hash == h && e->len == len && (len == 0 || memcmp(d->arena + e->off, s, len) == 0))
            break;
        i = (i + 1) & mask;
    }
    return i;
}

/* Doubles the table; 0 on allocation failure (the dict is unchanged). */
static int grow_slots(struct dict *d)
{
    if (d->n_slots > SIZE_MAX / 2 / sizeof *d->slots)
        return 0;
    size_t n = d->n_slots * 2;
    uint32_t *slots = new_slots(n);
    if (slots == NULL)
        return 0;
    size_t mask = n - 1;
    for (size_t id = 0; id < d->n; id++) {
        size_t i = (size_t)d->entries[id].hash & mask;
        while (slots[i] != DICT_NONE)
            i = (i + 1) & mask;
        slots[i] = (uint32_t)id;
    }
    lsc_free(d->slots);
    d->slots = slots;
    d->n_slots = n;
    return 1;
}

/* Makes room for one more entry and len + 1 arena bytes; 0 on failure. */
static int reserve(struct dict *d, size_t len)
{
    if (d->n == d->cap) {
        size_t cap = d->cap ? d->cap * 2 : INITIAL_SLOTS;
        struct entry *e = lsc_reallocarray(d->entries, cap, sizeof *e);
        if (e == NULL)
            return 0;
        d->entries = e;
        d->cap = cap;
    }
    if (len >= SIZE_MAX - d->arena_len)
        return 0;
    size_t need = d->arena_len + len + 1;
    if (need > d->arena_cap) {
        size_t cap = d->arena_cap;
        while (cap < need)
            cap = cap > SIZE_MAX / 2 ? need : cap * 2;
        char *a = lsc_realloc(d->arena, cap);
        if (a == NULL)
            return 0;
        d->arena = a;
        d->arena_cap = cap;
    }
    return 1;
}

uint32_t lsc_dict_intern(struct dict *d, const char *s, size_t len, int *added)
{
    uint32_t id = DICT_NONE;
    if (added != NULL)
        *added = 0;
    uint64_t h = fnv1a(s, len);
    size_t i = probe(d, s, len, h);
    if (d->slots[i] != DICT_NONE) {
        id = d->slots[i];
        goto cleanup;
    }
    /* ids must stay below DICT_NONE */
    if (d->n >= (size_t)DICT_NONE - 1)
        goto cleanup;
    if ((d->n + 1) * 2 > d->n_slots) {
        if (!grow_slots(d))
            goto cleanup;
        i = probe(d, s, len, h);
    }
    if (!reserve(d, len))
        goto cleanup;
    struct entry *e = &d->entries[d->n];
    e->off = d->arena_len;
    e->len = len;
    e->hash = h;
    if (len > 0)
        memcpy(d->arena + e->off, s, len);
    d->arena[e->off + len] = '\0';
    d->arena_len += len + 1;
    id = (uint32_t)d->n++;
    d->slots[i] = id;
    if (added != NULL)
        *added = 1;
cleanup:
    return id;
}

uint32_t lsc_dict_find(const struct dict *d, const char *s, size_t len)
{
    return d->slots[probe(d, s, len, fnv1a(s, len))];
}

size_t lsc_dict_size(const struct dict *d)
{
    return d->n;
}

const char *lsc_dict_str(const struct dict *d, uint32_t id)
{
    return (size_t)id < d->n ? d->arena + d->entries[id].off : NULL;
}

size_t lsc_dict_len(const struct dict *d, uint32_t id)
{
    return (size_t)id < d->n ? d->entries[id].len : 0;
}
