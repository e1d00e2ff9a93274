/* model_accounts - "accounts" of the model file; see model_accounts.h. */
#include "model_accounts.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "account.h"
#include "alloc.h"
#include "derive.h"
#include "status_internal.h"

#define AKEY "accounts"

/* ---- writing ------------------------------------------------------------------ */

struct entry {
    const char *s;
    size_t len;
    uint32_t k;
};

static int by_key(const void *pa, const void *pb)
{
    const struct entry *a = pa, *b = pb;
    int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
    return c != 0 ? c : (a->len > b->len) - (a->len < b->len);
}

/* The account indices in key order (lsc_malloc'd), NULL when out of memory. */
static struct entry *sorted(const struct lsc_accounts *a, size_t n)
{
    struct entry *e = lsc_malloc((n ? n : 1) * sizeof *e);
    for (size_t k = 0; e != NULL && k < n; k++) {
        e[k].k = (uint32_t)k;
        e[k].s = lsc_dict_str(a->keys, (uint32_t)k);
        e[k].len = lsc_dict_len(a->keys, (uint32_t)k);
    }
    if (e != NULL)
        qsort(e, n, sizeof *e, by_key);
    return e;
}

/* "ids": per account (in key order) its leads' ids in training order, by a
 * counting sort of the leads on their account. */
static json_t *ids_json(const struct lsc_accounts *a, const struct entry *e, size_t n)
{
    size_t n_leads = a->leads != NULL ? lsc_dict_size(a->leads) : 0;
    size_t *start = lsc_calloc(n + 1, sizeof *start), *order = NULL;
    json_t *o = json_object();
    int bad = start == NULL || o == NULL;
    if (!bad && (order = lsc_malloc((n_leads ? n_leads : 1) * sizeof *order)) == NULL)
        bad = 1;
    const char *id = NULL;
    size_t len = 0;
    for (size_t i = 0; !bad && i < n_leads; i++)
        start[lsc_accounts_lead(a, i, &id, &len) + 1]++;
    for (size_t k = 0; !bad && k < n; k++)
        start[k + 1] += start[k];
    for (size_t i = 0; !bad && i < n_leads; i++)
        order[start[lsc_accounts_lead(a, i, &id, &len)]++] = i;
    /* start[k] is now the end of account k's run, start[k - 1] its start */
    for (size_t r = 0; !bad && r < n; r++) {
        uint32_t k = e[r].k;
        size_t from = k ? start[k - 1] : 0;
        if (from == start[k])
            continue;
        json_t *list = json_array();
        bad |= list == NULL || json_object_setn_new(o, e[r].s, e[r].len, list) != 0;
        for (size_t i = from; !bad && i < start[k]; i++) {
            (void)lsc_accounts_lead(a, order[i], &id, &len);
            bad |= json_array_append_new(list, json_stringn(id, len)) != 0;
        }
    }
    lsc_free(start);
    lsc_free(order);
    if (bad) {
        json_decref(o);
        o = NULL;
    }
    return o;
}

json_t *lsc_model_accounts_to_json(const struct lsc_accounts *a)
{
    size_t n = lsc_accounts_size(a);
    struct entry *e = sorted(a, n);
    json_t *root = json_object(), *counts = json_object();
    int bad = e == NULL || root == NULL || counts == NULL;
    if (!bad) {
        bad |= json_object_set_new(root, "column", json_string(a->column)) != 0;
        bad |= json_object_set_new(root, "id_column",
                                   a->id_column ? json_string(a->id_column) : json_null()) != 0;
        bad |= json_object_set_new(root, "accounts", json_integer((json_int_t)n)) != 0;
        bad |= json_object_set_new(root, "leads", json_integer((json_int_t)a->total)) != 0;
        bad |= json_object_set(root, "counts", counts) != 0;
    }
    for (size_t r = 0; !bad && r < n; r++)
        bad |= json_object_setn_new(counts, e[r].s, e[r].len,
                                    json_integer((json_int_t)a->count[e[r].k])) != 0;
    if (!bad && a->id_column != NULL)
        bad |= json_object_set_new(root, "ids", ids_json(a, e, n)) != 0;
    json_decref(counts);
    lsc_free(e);
    if (bad) {
        json_decref(root);
        root = NULL;
    }
    return root;
}

/* ---- reading ------------------------------------------------------------------ */

static enum lsc_status bad_field(const char *file, const char *key, const char *what,
                                 struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, AKEY "%s%s: %s", key[0] ? "." : "", key,
                         what);
}

/* A whole number in [min, SIZE_MAX]. */
static int get_count(const json_t *v, size_t min, size_t *out)
{
    if (!json_is_integer(v) || json_integer_value(v) < 0 ||
        (uintmax_t)json_integer_value(v) < min || (uintmax_t)json_integer_value(v) > SIZE_MAX)
        return 0;
    *out = (size_t)json_integer_value(v);
    return 1;
}

/* "column" and "id_column"; the column must be the model's account column. */
static enum lsc_status read_columns(struct lsc_model *m, const json_t *o, const char *file,
                                    struct lsc_error *err)
{
    const json_t *col = json_object_get(o, "column"), *idc = json_object_get(o, "id_column");
    size_t j = 0;
    if (!json_is_string(col))
        return bad_field(file, "column", "expected a column name", err);
    if (!lsc_derive_model_needs_accounts(m, &j) ||
        strcmp(m->columns[j].source, json_string_value(col)) != 0)
        return bad_field(file, "column",
                         "not the source of the model's \"leads per account\" column", err);
    if (idc == NULL || (!json_is_null(idc) && !json_is_string(idc)))
        return bad_field(file, "id_column", "expected a column name or null", err);
    if ((m->accounts->column = lsc_strdup(json_string_value(col))) == NULL ||
        (json_is_string(idc) &&
         (m->accounts->id_column = lsc_strdup(json_string_value(idc))) == NULL))
        return lsc_error_nomem(err);
    return LSC_OK;
}

static enum lsc_status read_counts(struct lsc_accounts *a, const json_t *counts, const char *file,
                                   struct lsc_error *err)
{
    const char *key = NULL;
    const json_t *v = NULL;
    char *buf = NULL;
    size_t cap = 0, klen = 0, n = 0;
    enum lsc_status st = LSC_OK;
    if (!json_is_object(counts))
        return bad_field(file, "counts", "expected an object of account keys and lead counts", err);
    json_object_foreach((json_t *)counts, key, v)
    {
        size_t len = strlen(key);
        if (!lsc_account_key_buf(&buf, &cap, key, len, &klen)) {
            st = lsc_error_nomem(err);
            break;
        }
        if (klen != len || memcmp(buf, key, len) != 0) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               AKEY ".counts: \"%.40s\" is not an account key (trimmed, inner "
                                    "whitespace collapsed, ASCII letters lowercased)",
                               key);
            break;
        }
        uint32_t k = lsc_accounts_add(a, key, len);
        if (k == DICT_NONE) {
            st = lsc_error_nomem(err);
            break;
        }
        if (!get_count(v, 1, &n) || n > SIZE_MAX - a->total) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               AKEY ".counts.\"%.40s\": expected a number of leads >= 1", key);
            break;
        }
        a->count[k] = n;
        a->total += n;
    }
    lsc_free(buf);
    return st;
}

/* "ids": each account's lead ids, distinct, no more than its count. */
static enum lsc_status read_ids(struct lsc_accounts *a, const json_t *ids, const char *file,
                                struct lsc_error *err)
{
    const char *key = NULL;
    const json_t *list = NULL, *v = NULL;
    char *buf = NULL;
    size_t cap = 0, i = 0;
    enum lsc_status st = LSC_OK;
    if (!json_is_object(ids))
        return bad_field(file, "ids", "expected an object of account keys and id lists", err);
    if ((a->leads = lsc_dict_new()) == NULL)
        return lsc_error_nomem(err);
    json_object_foreach((json_t *)ids, key, list)
    {
        uint32_t k = lsc_accounts_find(a, key, strlen(key));
        size_t before = lsc_dict_size(a->leads);
        if (k == DICT_NONE || !json_is_array(list) || json_array_size(list) > a->count[k]) {
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               AKEY ".ids.\"%.40s\": expected a list of at most as many ids as "
                                    "the account's count in " AKEY ".counts",
                               key);
            break;
        }
        json_array_foreach(list, i, v)
        {
            if (!json_is_string(v)) {
                st = bad_field(file, "ids", "expected lists of id strings", err);
                break;
            }
            if (!lsc_accounts_add_lead(a, k, json_string_value(v), json_string_length(v), &buf,
                                       &cap)) {
                st = lsc_error_nomem(err);
                break;
            }
        }
        if (st == LSC_OK && lsc_dict_size(a->leads) != before + json_array_size(list))
            st = lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                               AKEY ".ids.\"%.40s\": an id is listed twice", key);
        if (st != LSC_OK)
            break;
    }
    lsc_free(buf);
    return st;
}

enum lsc_status lsc_model_accounts_from_json(struct lsc_model *m, const json_t *o, const char *file,
                                             struct lsc_error *err)
{
    size_t n = 0, leads = 0;
    enum lsc_status st = LSC_OK;
    if (!json_is_object(o))
        return bad_field(file, "", "expected an object", err);
    if ((m->accounts = lsc_accounts_new()) == NULL)
        return lsc_error_nomem(err);
    if ((st = read_columns(m, o, file, err)) != LSC_OK ||
        (st = read_counts(m->accounts, json_object_get(o, "counts"), file, err)) != LSC_OK)
        return st;
    if (!get_count(json_object_get(o, "accounts"), 0, &n) || n != lsc_accounts_size(m->accounts))
        return bad_field(file, "accounts", "expected the number of accounts in " AKEY ".counts",
                         err);
    if (!get_count(json_object_get(o, "leads"), 0, &leads) || leads != m->accounts->total)
        return bad_field(file, "leads", "expected the sum of " AKEY ".counts", err);
    if (m->accounts->id_column != NULL)
        return read_ids(m->accounts, json_object_get(o, "ids"), file, err);
    if (json_object_get(o, "ids") != NULL)
        return bad_field(file, "ids", "present without an id_column", err);
    return LSC_OK;
}
