/* rules - the helpers the rules files share, and the read access to a
 * loaded sheet (lsc_rules_rule, lsc_rules_total, ...) for translators and
 * the comparison. The loader is rules_parse.c and rules_settings.c, the
 * evaluation rules_eval.c (rules_internal.h lists them). */
#include "leadscore/rules.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "rules_internal.h"
#include "util.h"

int lsc_rules_text_eq(const char *a, size_t alen, const char *b, size_t blen, int icase)
{
    int eq = alen == blen;
    for (size_t i = 0; eq && i < alen; i++)
        eq = icase ? lower(a[i]) == lower(b[i]) : a[i] == b[i];
    return eq;
}

/* Lowercases, maps '_' to ' ', trims and collapses blanks into out; 0 when
 * the word does not fit. */
int lsc_rules_normalize_word(const char *s, size_t len, char out[WORD_MAX])
{
    size_t n = 0;
    int ok = 1, space = 0;
    lsc_trim_span(&s, &len);
    for (size_t i = 0; ok && i < len; i++) {
        char c = lower(s[i]);
        if (c == '_' || c == ' ' || c == '\t') {
            space = 1;
            continue;
        }
        if (space && n > 0) {
            if (n + 1 >= WORD_MAX)
                ok = 0;
            else
                out[n++] = ' ';
        }
        space = 0;
        if (n + 1 >= WORD_MAX)
            ok = 0;
        else
            out[n++] = c;
    }
    out[ok ? n : 0] = '\0';
    return ok;
}

/* Appends a formatted string at *pos of buf[size], snprintf-like: *pos counts
 * what the whole text needs even past size. */
void lsc_rules_append(char *buf, size_t size, size_t *pos, const char *s, size_t len)
{
    if (*pos < size) {
        size_t room = size - *pos - 1;
        size_t n = len < room ? len : room;
        memcpy(buf + *pos, s, n);
        buf[*pos + n] = '\0';
    }
    *pos += len;
}

size_t lsc_rules_format_cents(long long c, int plus_sign, char *buf, size_t size)
{
    char tmp[NUM_MAX];
    const char *sign = c < 0 ? "-" : (plus_sign ? "+" : "");
    unsigned long long a = c < 0 ? 0ULL - (unsigned long long)c : (unsigned long long)c;
    unsigned long long whole = a / 100, frac = a % 100;
    int n;
    if (frac == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu", sign, whole);
    else if (frac % 10 == 0)
        n = snprintf(tmp, sizeof tmp, "%s%llu.%llu", sign, whole, frac / 10);
    else
        n = snprintf(tmp, sizeof tmp, "%s%llu.%02llu", sign, whole, frac);
    size_t pos = 0;
    if (size > 0)
        buf[0] = '\0';
    lsc_rules_append(buf, size, &pos, tmp, n > 0 ? (size_t)n : 0);
    return pos;
}

char *lsc_rules_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *s = lsc_malloc(la + lb + 1);
    if (s != NULL) {
        memcpy(s, a, la);
        memcpy(s + la, b, lb + 1);
    }
    return s;
}

/* Grows *buf to hold need bytes; 0 on allocation failure. */
int lsc_rules_reserve_bytes(char **buf, size_t *cap, size_t need)
{
    int ok = 1;
    if (need > *cap) {
        size_t n = *cap ? *cap : 64;
        while (n < need)
            n = n > SIZE_MAX / 2 ? need : n * 2;
        char *p = lsc_realloc(*buf, n);
        if (p == NULL) {
            ok = 0;
        } else {
            *buf = p;
            *cap = n;
        }
    }
    return ok;
}

/* ---- dates ---------------------------------------------------------------- */

/* A value of a date column: the declared format first, then ISO 8601
 * (date.h). */
int lsc_rules_parse_cell_date(const char *s, size_t len, const char *fmt, long *day)
{
    return (fmt != NULL && lsc_date_parse_format(s, len, fmt, day)) ||
           lsc_date_parse_format(s, len, "%Y-%m-%d", day);
}

/* ---- read access ------------------------------------------------------------------ */

size_t lsc_rules_n_rules(const struct lsc_rules *r)
{
    return r->n_rules;
}

/* lsc_rules_rule() of a rule or of a rule's and-condition. */
static void rule_info(const struct lsc_rules *r, const struct rule *ru, struct lsc_rule_info *out)
{
    /* clang-format off */
    static const enum lsc_rule_op ops[] = {
        [OP_EQ] = LSC_RULE_EQ,           [OP_NE] = LSC_RULE_NE,
        [OP_IN] = LSC_RULE_IN,           [OP_NOT_IN] = LSC_RULE_NOT_IN,
        [OP_CONTAINS] = LSC_RULE_CONTAINS, [OP_NOT_CONTAINS] = LSC_RULE_NOT_CONTAINS,
        [OP_MISSING] = LSC_RULE_MISSING, [OP_PRESENT] = LSC_RULE_PRESENT,
        [OP_GT] = LSC_RULE_GT,           [OP_GE] = LSC_RULE_GE,
        [OP_LT] = LSC_RULE_LT,           [OP_LE] = LSC_RULE_LE,
        [OP_BETWEEN] = LSC_RULE_BETWEEN, [OP_PER_UNIT] = LSC_RULE_PER_UNIT,
        [OP_OLDER] = LSC_RULE_OLDER,     [OP_WITHIN] = LSC_RULE_WITHIN,
        [OP_BEFORE] = LSC_RULE_BEFORE,   [OP_AFTER] = LSC_RULE_AFTER,
        [OP_ACCOUNT_MIN] = LSC_RULE_ACCOUNT_MIN, [OP_PRIORITY] = LSC_RULE_PRIORITY,
        [OP_ACCOUNT_TIER] = LSC_RULE_ACCOUNT_TIER, [OP_ACCOUNT_ENGAGED] = LSC_RULE_ACCOUNT_ENGAGED};
    /* clang-format on */
    memset(out, 0, sizeof *out);
    out->id = ru->id;
    out->dimension = ru->dim;
    out->column = is_account_op(ru->op) ? lsc_rules_account_name(r) : ru->column;
    out->op = ops[ru->op];
    out->ignore_case = ru->icase;
    out->text = ru->text != NULL ? ru->text : "";
    out->text_len = ru->text != NULL ? ru->text_len : 0;
    out->n_items = ru->n_items;
    out->a = ru->a;
    out->b = ru->b;
    out->day = ru->day;
    out->date_format = ru->fmt;
    out->points = ru->points;
    out->points_cents = ru->points_c;
    out->and_column = ru->also != NULL ? ru->also->column : NULL;
    out->has_cap = ru->has_cap;
    out->cap_cents = ru->cap_c;
    if (ru->dv != NULL)
        lsc_rules_derived_info(ru, out);
}

void lsc_rules_rule(const struct lsc_rules *r, size_t i, struct lsc_rule_info *out)
{
    rule_info(r, &r->rules[i], out);
}

int lsc_rules_rule_and(const struct lsc_rules *r, size_t i, struct lsc_rule_info *out)
{
    const struct rule *a = r->rules[i].also;
    if (a == NULL)
        return 0;
    rule_info(r, a, out);
    return 1;
}

enum lsc_status lsc_rules_set_points(struct lsc_rules *r, size_t i, double points,
                                     struct lsc_error *err)
{
    struct rule *ru = &r->rules[i];
    double cap =
        ru->has_cap && ru->points != 0.0 ? from_cents(ru->cap_c) * fabs(points / ru->points) : 0.0;
    if (!isfinite(points) || fabs(points) > MAX_POINTS || !(cap <= MAX_POINTS))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "rule %s: %g points (or its cap) is beyond +-1e9", ru->id, points);
    if (ru->has_cap)
        ru->cap_c = to_cents(cap);
    ru->points = points;
    ru->points_c = to_cents(points);
    return LSC_OK;
}

const char *lsc_rules_rule_item(const struct lsc_rules *r, size_t i, size_t k, size_t *len)
{
    const struct rule *ru = &r->rules[i];
    *len = ru->items[k].len;
    return ru->text + ru->items[k].off;
}

const char *lsc_rules_rule_and_item(const struct lsc_rules *r, size_t i, size_t k, size_t *len)
{
    const struct rule *a = r->rules[i].also;
    *len = a->items[k].len;
    return a->text + a->items[k].off;
}

void lsc_rules_dimension(const struct lsc_rules *r, size_t k, struct lsc_rules_dim_info *out)
{
    const struct dim *d = &r->dims[k];
    memset(out, 0, sizeof *out);
    out->has_min = d->min.set;
    out->min_cents = d->min.c;
    out->has_max = d->max.set;
    out->max_cents = d->max.c;
    out->has_decay = d->decay.set;
    out->keep = d->decay.keep;
    out->period = d->decay.period;
    out->decay_column = d->decay.column;
    out->decay_format = d->decay.fmt;
    out->decay_id = d->decay_id;
    out->min_id = d->min_id;
    out->max_id = d->max_id;
}

void lsc_rules_total(const struct lsc_rules *r, struct lsc_rules_total_info *out)
{
    memset(out, 0, sizeof *out);
    out->has_min = r->tmin.set;
    out->min_cents = r->tmin.c;
    out->has_max = r->tmax.set;
    out->max_cents = r->tmax.c;
    out->allow_negative = r->allow_neg;
    out->has_qualified = r->qualified.set;
    out->qualified_cents = r->qualified.c;
    out->has_tiers = r->hot.set;
    out->hot_cents = r->hot.c;
    out->warm_cents = r->warm.c;
    out->has_grade = r->letter[0].set;
    out->letter_dim = r->letter_dim;
    out->digit_dim = r->digit_dim;
    for (int k = 0; k < 3; k++) {
        out->letter_cents[k] = r->letter[k].c;
        out->digit_cents[k] = r->digit[k].c;
    }
}

size_t lsc_rules_n_missing_values(const struct lsc_rules *r)
{
    return r->na.count;
}

const char *lsc_rules_missing_value(const struct lsc_rules *r, size_t k)
{
    return r->na.items[k];
}

const char *lsc_rules_priority_account(const struct lsc_rules *r, size_t k, size_t *len)
{
    *len = lsc_dict_len(r->priority, (uint32_t)k);
    return lsc_dict_str(r->priority, (uint32_t)k);
}
