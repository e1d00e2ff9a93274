/* header_match - finding a named column; see header_match.h. */
#include "header_match.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "status_internal.h"
#include "util.h"

#define LIST_MAX 600   /* bytes of header names listed in a message */
#define NAME_MAX_CMP 64 /* names longer than this get no suggestion */

static int same(const char *s, size_t len, const char *name, size_t nlen, int icase)
{
    lsc_trim_span(&s, &len);
    if (len == 0)
        return 0;
    return icase ? lsc_span_ieq(s, len, name) : len == nlen && memcmp(s, name, len) == 0;
}

size_t lsc_header_match(size_t n, const char *const *fields, const size_t *lens,
                        const char *name, enum header_how *how)
{
    size_t nlen = strlen(name), found = SIZE_MAX;
    *how = HEADER_NONE;
    if (nlen == 0)
        return SIZE_MAX;
    for (size_t k = 0; k < n; k++)
        if (same(fields[k], lens[k], name, nlen, 0)) {
            *how = HEADER_EXACT;
            return k;
        }
    for (size_t k = 0; k < n; k++) {
        if (!same(fields[k], lens[k], name, nlen, 1))
            continue;
        if (found != SIZE_MAX) {
            *how = HEADER_AMBIGUOUS;
            return SIZE_MAX;
        }
        found = k;
    }
    if (found != SIZE_MAX)
        *how = HEADER_ICASE;
    return found;
}

static char lower(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Levenshtein distance ignoring ASCII case (both at most NAME_MAX_CMP
 * bytes), by the classic two-row dynamic programme. */
static size_t distance(const char *a, size_t na, const char *b, size_t nb)
{
    size_t row[NAME_MAX_CMP + 1], prev[NAME_MAX_CMP + 1];
    for (size_t j = 0; j <= nb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= na; i++) {
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t sub = prev[j - 1] + (lower(a[i - 1]) != lower(b[j - 1]));
            size_t del = prev[j] + 1, ins = row[j - 1] + 1;
            row[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, row, (nb + 1) * sizeof *row);
    }
    return prev[nb];
}

/* 1 when [s, s + len) contains name (nlen bytes) ignoring case. */
static int contains(const char *s, size_t len, const char *name, size_t nlen)
{
    for (size_t i = 0; i + nlen <= len; i++)
        if (lsc_span_ieq(s + i, nlen, name))
            return 1;
    return 0;
}

/* The field nearest to name: at most a third of its letters (and at least
 * 2) apart, ignoring case; else the first that contains it or that it
 * contains (3 or more letters: "Closed On" for "Closed", "Activity" for
 * "Activity Type"); SIZE_MAX when none. */
static size_t nearest(size_t n, const char *const *fields, const size_t *lens, const char *name)
{
    size_t nlen = strlen(name), best = SIZE_MAX, best_d = SIZE_MAX;
    size_t limit = nlen / 3 > 2 ? nlen / 3 : 2;
    if (nlen > NAME_MAX_CMP)
        return SIZE_MAX;
    for (size_t k = 0; k < n; k++) {
        const char *s = fields[k];
        size_t len = lens[k];
        lsc_trim_span(&s, &len);
        if (len == 0 || len > NAME_MAX_CMP)
            continue;
        size_t d = distance(name, nlen, s, len);
        if (d <= limit && d < best_d) {
            best = k;
            best_d = d;
        } else if (best == SIZE_MAX && ((nlen >= 3 && contains(s, len, name, nlen)) ||
                                        (len >= 3 && contains(name, nlen, s, len)))) {
            best = k;
            best_d = SIZE_MAX - 1; /* a containing name: any close one wins */
        }
    }
    return best;
}

/* Appends "\"s\"" (s trimmed) to list, or ", ..." once it is full; 0 when
 * full. */
static int append_name(char *list, size_t *used, const char *s, size_t len)
{
    lsc_trim_span(&s, &len);
    if (*used + len + 8 > LIST_MAX) {
        snprintf(list + *used, LIST_MAX + 8 - *used, "%s...", *used ? ", " : "");
        return 0;
    }
    *used += (size_t)snprintf(list + *used, LIST_MAX + 8 - *used, "%s\"%.*s\"", *used ? ", " : "",
                              (int)len, s);
    return 1;
}

enum lsc_status lsc_header_unknown(struct lsc_error *err, enum lsc_status status,
                                   const char *file, size_t line, size_t column,
                                   const char *what, const char *name, enum header_how how,
                                   size_t n, const char *const *fields, const size_t *lens)
{
    char list[LIST_MAX + 8], hint[160];
    size_t used = 0, nlen = strlen(name);
    list[0] = hint[0] = '\0';
    if (how == HEADER_AMBIGUOUS) {
        for (size_t k = 0; k < n; k++)
            if (same(fields[k], lens[k], name, nlen, 1) &&
                !append_name(list, &used, fields[k], lens[k]))
                break;
        return lsc_error_set(err, status, file, line, column,
                             "column \"%s\" in %s matches %s ignoring case: give the exact name",
                             name, what, list);
    }
    for (size_t k = 0; k < n; k++)
        if (lens[k] > 0 && !append_name(list, &used, fields[k], lens[k]))
            break;
    size_t near = nearest(n, fields, lens, name);
    if (near != SIZE_MAX) {
        const char *s = fields[near];
        size_t len = lens[near];
        lsc_trim_span(&s, &len);
        snprintf(hint, sizeof hint, " (did you mean \"%.*s\"?)", (int)len, s);
    }
    return lsc_error_set(err, status, file, line, column,
                         "unknown column \"%s\" in %s%s; the header has: %s", name, what, hint,
                         list);
}
