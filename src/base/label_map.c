/* label_map - outcome values to classes; see label_map.h. */
#include "label_map.h"

#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"
#include "util.h"

#define LABEL_LIST_MAX 8 /* values listed by name in a note */

enum lsc_status lsc_label_options_check(const struct lsc_strings *positive,
                                        const struct lsc_strings *negative,
                                        struct lsc_error *err)
{
    size_t np = positive != NULL ? positive->count : 0;
    size_t nn = negative != NULL ? negative->count : 0;
    if (nn > 0 && np == 0)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--negative needs --positive VALUE: say which values mean "
                             "converted too");
    for (size_t i = 0; i < np; i++)
        for (size_t k = 0; k < nn; k++)
            if (lsc_span_ieq(positive->items[i], strlen(positive->items[i]), negative->items[k]))
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "\"%s\" is given to both --positive and --negative",
                                     negative->items[k]);
    return LSC_OK;
}

enum lsc_status lsc_label_map_init(struct label_map *m, const struct lsc_strings *positive,
                                   const struct lsc_strings *negative, struct lsc_error *err)
{
    static const struct lsc_strings none = {NULL, 0};
    enum lsc_status st;
    memset(m, 0, sizeof *m);
    m->positive = positive != NULL ? *positive : none;
    m->negative = negative != NULL ? *negative : none;
    if ((st = lsc_label_options_check(positive, negative, err)) != LSC_OK)
        return st;
    m->values = lsc_dict_new();
    return m->values != NULL ? LSC_OK : lsc_error_nomem(err);
}

void lsc_label_map_fini(struct label_map *m)
{
    lsc_dict_free(m->values);
    lsc_free(m->cls);
    lsc_free(m->icase);
    lsc_free(m->rows);
    memset(m, 0, sizeof *m);
}

/* 1/0, true/false, yes/no, y/n (any case), or the numbers 1 and 0. */
static int recognised(const char *s, size_t len)
{
    static const char *const pos[] = {"1", "true", "yes", "y"};
    static const char *const neg[] = {"0", "false", "no", "n"};
    double v;
    for (size_t i = 0; i < 4; i++) {
        if (lsc_span_ieq(s, len, pos[i]))
            return LABEL_POSITIVE;
        if (lsc_span_ieq(s, len, neg[i]))
            return LABEL_NEGATIVE;
    }
    if (lsc_parse_number(s, len, &v) && (v == 0.0 || v == 1.0))
        return v == 1.0 ? LABEL_POSITIVE : LABEL_NEGATIVE;
    return LABEL_UNKNOWN;
}

/* The index of the item of l equal to [s, s + len) (ignoring ASCII case when
 * icase), or SIZE_MAX. */
static size_t find_item(const struct lsc_strings *l, const char *s, size_t len, int icase)
{
    for (size_t i = 0; i < l->count; i++) {
        const char *it = l->items[i];
        if (icase ? lsc_span_ieq(s, len, it) : strlen(it) == len && memcmp(it, s, len) == 0)
            return i;
    }
    return SIZE_MAX;
}

int lsc_label_classify(const struct lsc_strings *positive, const struct lsc_strings *negative,
                       const char *s, size_t len, int *icase)
{
    static const struct lsc_strings none = {NULL, 0};
    if (negative == NULL)
        negative = &none;
    if (icase != NULL)
        *icase = 0;
    if (positive == NULL || positive->count == 0)
        return recognised(s, len);
    for (int pass = 0; pass < 2; pass++) {
        if (icase != NULL)
            *icase = pass;
        if (find_item(positive, s, len, pass) != SIZE_MAX)
            return LABEL_POSITIVE;
        if (find_item(negative, s, len, pass) != SIZE_MAX)
            return LABEL_NEGATIVE;
    }
    if (icase != NULL)
        *icase = 0;
    return negative->count > 0 ? LABEL_SKIPPED : LABEL_NEGATIVE;
}

static int grow(struct label_map *m, size_t need)
{
    if (need <= m->cap)
        return 0;
    size_t cap = m->cap ? 2 * m->cap : 16;
    signed char *c = lsc_reallocarray(m->cls, cap, sizeof *c);
    if (c == NULL)
        return -1;
    m->cls = c;
    unsigned char *ic = lsc_reallocarray(m->icase, cap, sizeof *ic);
    if (ic == NULL)
        return -1;
    m->icase = ic;
    size_t *r = lsc_reallocarray(m->rows, cap, sizeof *r);
    if (r == NULL)
        return -1;
    m->rows = r;
    m->cap = cap;
    return 0;
}

int lsc_label_map_add(struct label_map *m, const char *s, size_t len, size_t rows)
{
    int added = 0;
    uint32_t id = lsc_dict_intern(m->values, s, len, &added);
    if (id == DICT_NONE || grow(m, (size_t)id + 1) != 0)
        return LABEL_NOMEM;
    if (added) {
        int icase = 0;
        m->cls[id] = (signed char)lsc_label_classify(&m->positive, &m->negative, s, len, &icase);
        m->icase[id] = (unsigned char)icase;
        m->rows[id] = 0;
    }
    m->rows[id] += rows;
    return m->cls[id];
}

size_t lsc_label_map_skipped(const struct label_map *m)
{
    size_t n = 0, nv = m->values != NULL ? lsc_dict_size(m->values) : 0;
    for (size_t k = 0; k < nv; k++)
        if (m->cls[k] == LABEL_SKIPPED)
            n += m->rows[k];
    return n;
}

/* Appends `"value" (N)` for each value of class cls (at most
 * LABEL_LIST_MAX) to buf, the first value alone to first; returns how many
 * values have that class, their rows in *rows. */
static size_t list_values(const struct label_map *m, int cls, char *buf, size_t size,
                          char *first, size_t first_size, size_t *rows)
{
    size_t nv = lsc_dict_size(m->values), found = 0, used = 0;
    char shown[96];
    buf[0] = '\0';
    first[0] = '\0';
    *rows = 0;
    for (size_t k = 0; k < nv; k++) {
        if (m->cls[k] != cls)
            continue;
        *rows += m->rows[k];
        if (found++ >= LABEL_LIST_MAX) {
            if (found == LABEL_LIST_MAX + 1 && used + 6 < size)
                used += (size_t)snprintf(buf + used, size - used, ", ...");
            continue;
        }
        lsc_escape_bytes(lsc_dict_str(m->values, (uint32_t)k),
                         lsc_dict_len(m->values, (uint32_t)k), shown, sizeof shown);
        if (found == 1)
            snprintf(first, first_size, "%s", shown);
        int w = snprintf(buf + used, size - used, "%s\"%s\" (%zu)", used ? ", " : "", shown,
                         m->rows[k]);
        if (w < 0 || (size_t)w >= size - used)
            break;
        used += (size_t)w;
    }
    return found;
}

/* Notes on the values matched ignoring case, warnings on items matching
 * nothing, for one option's list. */
static void item_notes(const struct label_map *m, const struct lsc_strings *items,
                       const char *option, const char *what, const char *column,
                       const struct lsc_log *log)
{
    size_t nv = lsc_dict_size(m->values);
    char shown[96];
    for (size_t i = 0; i < items->count; i++) {
        const char *it = items->items[i];
        int matched = 0;
        for (size_t k = 0; k < nv; k++) {
            const char *v = lsc_dict_str(m->values, (uint32_t)k);
            size_t len = lsc_dict_len(m->values, (uint32_t)k);
            if (!lsc_span_ieq(v, len, it))
                continue;
            matched = 1;
            if (m->icase[k] && (strlen(it) != len || memcmp(it, v, len) != 0)) {
                lsc_escape_bytes(v, len, shown, sizeof shown);
                lsc_logf(log, LSC_LOG_NOTE,
                         "%s \"%s\" matched \"%s\" of %s \"%s\" ignoring case (%zu rows)",
                         option, it, shown, what, column, m->rows[k]);
            }
        }
        if (!matched)
            lsc_logf(log, LSC_LOG_WARN, "%s \"%s\" matches no value of %s \"%s\"", option, it,
                     what, column);
    }
}

void lsc_label_map_notes(const struct label_map *m, const char *what, const char *column,
                         const struct lsc_log *log)
{
    char list[1024], first[96];
    size_t rows = 0, n;
    if (m->positive.count == 0 || m->values == NULL)
        return;
    item_notes(m, &m->positive, "--positive", what, column, log);
    item_notes(m, &m->negative, "--negative", what, column, log);
    if (m->negative.count > 0) {
        n = list_values(m, LABEL_SKIPPED, list, sizeof list, first, sizeof first, &rows);
        if (n == 1)
            lsc_logf(log, LSC_LOG_NOTE,
                     "skipped %zu rows whose %s is \"%s\" (neither a --positive nor a "
                     "--negative value)",
                     rows, what, first);
        else if (n > 1)
            lsc_logf(log, LSC_LOG_NOTE,
                     "skipped %zu rows whose %s is neither a --positive nor a --negative value: "
                     "%s",
                     rows, what, list);
        return;
    }
    n = list_values(m, LABEL_NEGATIVE, list, sizeof list, first, sizeof first, &rows);
    if (n > 0 && n <= LABEL_LIST_MAX)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%s \"%s\": %zu rows count as not converted: %s; if some of these are "
                 "undecided (e.g. open), name the values that mean not converted with "
                 "--negative VALUE and the others are skipped",
                 what, column, rows, list);
    else if (n > LABEL_LIST_MAX)
        lsc_logf(log, LSC_LOG_NOTE,
                 "%s \"%s\": %zu rows with %zu other values count as not converted (%s)", what,
                 column, rows, n, list);
}
