/* account - the account key; see account.h. */
#include "account.h"

#include <stdint.h>
#include <string.h>

#include "alloc.h"

/* The whitespace of the key: space, and \t \n \v \f \r (C's isspace() in
 * the "C" locale, without its locale dependence). */
static int is_blank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

size_t lsc_account_key(const char *s, size_t len, char *out)
{
    size_t n = 0;
    int gap = 0;
    /* n <= i always, so writing out[n] never overtakes reading s[i] when
     * out == s */
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (is_blank(c)) {
            gap = n > 0;
            continue;
        }
        if (gap)
            out[n++] = ' ';
        gap = 0;
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return n;
}

int lsc_account_key_buf(char **buf, size_t *cap, const char *s, size_t len, size_t *key_len)
{
    if (len >= *cap) {
        size_t n = *cap ? *cap : 64;
        while (n <= len)
            n = n > SIZE_MAX / 2 ? len + 1 : 2 * n;
        char *p = lsc_realloc(*buf, n);
        if (p == NULL)
            return 0;
        *buf = p;
        *cap = n;
    }
    *key_len = lsc_account_key(s, len, *buf);
    return 1;
}

/* ---- the table ---------------------------------------------------------------- */

struct lsc_accounts *lsc_accounts_new(void)
{
    struct lsc_accounts *a = lsc_calloc(1, sizeof *a);
    if (a != NULL && (a->keys = lsc_dict_new()) == NULL) {
        lsc_free(a);
        a = NULL;
    }
    return a;
}

void lsc_accounts_free(struct lsc_accounts *a)
{
    if (a == NULL)
        return;
    lsc_dict_free(a->keys);
    lsc_dict_free(a->leads);
    lsc_dict_free(a->tiers);
    lsc_free(a->count);
    lsc_free(a->engaged);
    lsc_free(a->tier);
    lsc_free(a->column);
    lsc_free(a->id_column);
    lsc_free(a->file);
    lsc_free(a);
}

size_t lsc_accounts_size(const struct lsc_accounts *a)
{
    return a != NULL ? lsc_dict_size(a->keys) : 0;
}

uint32_t lsc_accounts_add(struct lsc_accounts *a, const char *key, size_t len)
{
    /* room for a new key's count first: a key is never without one */
    if (lsc_dict_size(a->keys) >= a->cap) {
        size_t cap = a->cap ? 2 * a->cap : 64;
        size_t *count = lsc_reallocarray(a->count, cap, sizeof *count);
        if (count != NULL)
            a->count = count;
        long long *engaged = count ? lsc_reallocarray(a->engaged, cap, sizeof *engaged) : NULL;
        if (engaged != NULL)
            a->engaged = engaged;
        uint32_t *tier = engaged ? lsc_reallocarray(a->tier, cap, sizeof *tier) : NULL;
        if (tier == NULL)
            return DICT_NONE;
        a->tier = tier;
        a->cap = cap;
    }
    int added = 0;
    uint32_t k = lsc_dict_intern(a->keys, key, len, &added);
    if (k != DICT_NONE && added) {
        a->count[k] = 0;
        a->engaged[k] = -1;
        a->tier[k] = DICT_NONE;
    }
    return k;
}

uint32_t lsc_accounts_find(const struct lsc_accounts *a, const char *key, size_t len)
{
    return a != NULL ? lsc_dict_find(a->keys, key, len) : DICT_NONE;
}

size_t lsc_accounts_count(const struct lsc_accounts *a, const char *key, size_t len)
{
    uint32_t k = lsc_accounts_find(a, key, len);
    return k == DICT_NONE ? 0 : a->count[k];
}

/* The key of a lead in a->leads: the account's index (4 bytes, little
 * endian), then the id. */
static int lead_key(uint32_t k, const char *id, size_t len, char **buf, size_t *cap)
{
    if (len > SIZE_MAX - 5)
        return 0;
    if (len + 5 > *cap) {
        size_t n = *cap ? *cap : 64;
        while (n < len + 5)
            n = n > SIZE_MAX / 2 ? len + 5 : 2 * n;
        char *p = lsc_realloc(*buf, n);
        if (p == NULL)
            return 0;
        *buf = p;
        *cap = n;
    }
    for (int b = 0; b < 4; b++)
        (*buf)[b] = (char)((k >> (8 * b)) & 0xFF);
    memcpy(*buf + 4, id, len);
    return 1;
}

int lsc_accounts_add_lead(struct lsc_accounts *a, uint32_t k, const char *id, size_t len,
                          char **buf, size_t *cap)
{
    if (a->leads == NULL && (a->leads = lsc_dict_new()) == NULL)
        return 0;
    return lead_key(k, id, len, buf, cap) &&
           lsc_dict_intern(a->leads, *buf, len + 4, NULL) != DICT_NONE;
}

int lsc_accounts_has_lead(const struct lsc_accounts *a, uint32_t k, const char *id, size_t len,
                          char **buf, size_t *cap)
{
    if (a == NULL || a->leads == NULL || k == DICT_NONE)
        return 0;
    if (!lead_key(k, id, len, buf, cap))
        return -1;
    return lsc_dict_find(a->leads, *buf, len + 4) != DICT_NONE;
}

const char *lsc_accounts_tier(const struct lsc_accounts *a, uint32_t k, size_t *len)
{
    if (a == NULL || k == DICT_NONE || a->tiers == NULL || a->tier[k] == DICT_NONE)
        return NULL;
    *len = lsc_dict_len(a->tiers, a->tier[k]);
    return lsc_dict_str(a->tiers, a->tier[k]);
}

const char *lsc_accounts_file(const struct lsc_accounts *a)
{
    return a != NULL ? a->file : NULL;
}

int lsc_accounts_has_tier(const struct lsc_accounts *a)
{
    return a != NULL && a->has_tier;
}

int lsc_accounts_has_engaged(const struct lsc_accounts *a)
{
    return a != NULL && a->has_engaged;
}

uint32_t lsc_accounts_lead(const struct lsc_accounts *a, size_t i, const char **id, size_t *len)
{
    const unsigned char *s = (const unsigned char *)lsc_dict_str(a->leads, (uint32_t)i);
    *id = (const char *)s + 4;
    *len = lsc_dict_len(a->leads, (uint32_t)i) - 4;
    return (uint32_t)s[0] | (uint32_t)s[1] << 8 | (uint32_t)s[2] << 16 | (uint32_t)s[3] << 24;
}
