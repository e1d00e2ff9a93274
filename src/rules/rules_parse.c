/* rules_parse - the sheet loader: the header, rule rows (operator, value,
 * points, cap), lsc_rules_load and lsc_rules_free; setting rows and the
 * whole-sheet checks are rules_settings.c's (format: docs/rules.md). */
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

struct name_op {
    const char *name;
    enum op op;
};

/* Normalized spellings (lowercase, single spaces); the first of each
 * operator is its canonical name. */
static const struct name_op op_names[] = {
    {"equals", OP_EQ},
    {"=", OP_EQ},
    {"==", OP_EQ},
    {"not equals", OP_NE},
    {"!=", OP_NE},
    {"<>", OP_NE},
    {"in", OP_IN},
    {"one of", OP_IN},
    {"in list", OP_IN},
    {"not in", OP_NOT_IN},
    {"not one of", OP_NOT_IN},
    {"not in list", OP_NOT_IN},
    {"contains", OP_CONTAINS},
    {"not contains", OP_NOT_CONTAINS},
    {"does not contain", OP_NOT_CONTAINS},
    {"is missing", OP_MISSING},
    {"is empty", OP_MISSING},
    {"is present", OP_PRESENT},
    {"is not missing", OP_PRESENT},
    {"is not empty", OP_PRESENT},
    {">", OP_GT},
    {"more than", OP_GT},
    {">=", OP_GE},
    {"at least", OP_GE},
    {"<", OP_LT},
    {"less than", OP_LT},
    {"<=", OP_LE},
    {"at most", OP_LE},
    {"between", OP_BETWEEN},
    {"per unit", OP_PER_UNIT},
    {"per", OP_PER_UNIT},
    {"older than", OP_OLDER},
    {"within", OP_WITHIN},
    {"before", OP_BEFORE},
    {"after", OP_AFTER},
    {"account has at least", OP_ACCOUNT_MIN},
    {"on priority list", OP_PRIORITY},
    {"events", OP_EVENTS},
    {"event within", OP_EVENT_WITHIN},
    {"account tier is", OP_ACCOUNT_TIER},
    {"account tier in", OP_ACCOUNT_TIER},
    {"account has engaged contacts", OP_ACCOUNT_ENGAGED},
};

#define KNOWN_OPS                                                                                  \
    "equals, not equals, in, not in, contains, not contains (each also with \"ignore case\"), "    \
    "is missing, is present, >, >=, <, <=, between, per unit, older than, within, before, after, " \
    "account has at least, on priority list, account tier is, account has engaged contacts, "   \
    "events, event within"

static const char *const sheet_col_names[N_SHEET_COLS] = {
    "id",  "dimension",   "column",     "operator",     "value",    "points",
    "cap", "description", "and column", "and operator", "and value"};

/* LSC_ERR_DATA at line (and the field of sheet_col, or none when < 0). */
enum lsc_status lsc_rules_sheet_err(const struct loader *L, size_t line, int sheet_col,
                                    const char *fmt, ...)
{
    char msg[LSC_ERROR_MSG_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    size_t col = sheet_col >= 0 ? L->r->fieldno[sheet_col] : 0;
    return lsc_error_set(L->err, LSC_ERR_DATA, L->r->file, line, col, "%s", msg);
}

void lsc_rules_get_field(const struct loader *L, int c, const char **s, size_t *len)
{
    size_t i = L->idx[c];
    if (i == NO_COL || i >= L->rec->nfields) {
        *s = "";
        *len = 0;
    } else {
        *s = L->rec->fields[i];
        *len = L->rec->lens[i];
        lsc_trim_span(s, len);
    }
}

static enum lsc_status map_sheet_header(struct loader *L)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    for (int c = 0; c < N_SHEET_COLS; c++)
        L->idx[c] = NO_COL;
    for (size_t k = 0; k < L->rec->nfields && st == LSC_OK; k++) {
        char w[WORD_MAX];
        int c = -1;
        if (!lsc_rules_normalize_word(L->rec->fields[k], L->rec->lens[k], w))
            continue;
        for (int j = 0; j < N_SHEET_COLS; j++)
            if (strcmp(w, sheet_col_names[j]) == 0)
                c = j;
        if (strcmp(w, "rule") == 0 || strcmp(w, "rule id") == 0)
            c = C_ID;
        else if (strcmp(w, "per unit cap") == 0)
            c = C_CAP;
        else if (strcmp(w, "notes") == 0)
            c = C_DESC;
        if (c < 0)
            continue; /* other columns (owner, comments...) are the team's business */
        if (L->idx[c] != NO_COL) {
            st = lsc_error_set(L->err, LSC_ERR_DATA, r->file, L->rec->line, k + 1,
                               "the sheet has two \"%s\" columns", sheet_col_names[c]);
            break;
        }
        L->idx[c] = k;
        r->fieldno[c] = k + 1;
    }
    for (int c = 0; c <= C_POINTS && st == LSC_OK; c++)
        if (L->idx[c] == NO_COL)
            st = lsc_error_set(L->err, LSC_ERR_DATA, r->file, L->rec->line, 0,
                               "the sheet has no \"%s\" column (required: id, dimension, "
                               "column, operator, value, points; optional: cap, description)",
                               sheet_col_names[c]);
    return st;
}

/* The index of dimension name (created when new), or an error. */
enum lsc_status lsc_rules_find_dim(struct loader *L, const char *s, size_t len, size_t *out)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    char name[WORD_MAX];
    size_t n = 0;
    int ok =
        len > 0 && len < WORD_MAX && ((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z'));
    for (size_t i = 0; ok && i < len; i++) {
        char c = lower(s[i]);
        ok = (c >= 'a' && c <= 'z') || is_digit(c) || c == '_' || c == '-';
        name[n++] = c;
    }
    if (!ok) {
        st = lsc_rules_sheet_err(L, L->rec->line, C_DIM,
                                 "dimension \"%.*s\" is not a name (letters, digits, '_' or '-', "
                                 "starting with a letter)",
                                 SHOWN(len), s);
        goto cleanup;
    }
    name[n] = '\0';
    for (size_t k = 0; k < r->n_dims; k++)
        if (strcmp(r->dims[k].name, name) == 0) {
            *out = k;
            goto cleanup;
        }
    if (r->n_dims == r->cap_dims) {
        size_t cap = r->cap_dims ? r->cap_dims * 2 : 4;
        struct dim *d = lsc_reallocarray(r->dims, cap, sizeof *d);
        if (d == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->dims = d;
        r->cap_dims = cap;
    }
    struct dim *d = &r->dims[r->n_dims];
    memset(d, 0, sizeof *d);
    r->n_dims++;
    d->name = lsc_strdup(name);
    d->points_col = lsc_rules_join(name, "_points");
    d->decay_id = lsc_rules_join(name, ".decay");
    d->min_id = lsc_rules_join(name, ".min");
    d->max_id = lsc_rules_join(name, ".max");
    if (d->name == NULL || d->points_col == NULL || d->decay_id == NULL || d->min_id == NULL ||
        d->max_id == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    *out = r->n_dims - 1;
cleanup:
    return st;
}

int lsc_rules_parse_num(const struct lsc_rules *r, const char *s, size_t len, double *out)
{
    return lsc_parse_number_dc(s, len, r->decimal_comma, out);
}

int lsc_rules_parse_amount(const struct lsc_rules *r, const char *s, size_t len, double *out)
{
    return lsc_rules_parse_num(r, s, len, out) && fabs(*out) <= MAX_POINTS;
}

/* "90", "90 days", "1 day" -> 90, 1. */
int lsc_rules_parse_days(const char *s, size_t len, long *out)
{
    size_t i = 0;
    long v = 0;
    while (i < len && is_digit(s[i]) && v <= MAX_DAYS) {
        v = v * 10 + (s[i] - '0');
        i++;
    }
    int ok = i > 0 && v <= MAX_DAYS;
    const char *rest = s + i;
    size_t rlen = len - i;
    lsc_trim_span(&rest, &rlen);
    ok = ok && (rlen == 0 || lsc_span_ieq(rest, rlen, "day") || lsc_span_ieq(rest, rlen, "days"));
    if (ok)
        *out = v;
    return ok;
}

/* After "is not a number": the option a "16,2" needs. */
static const char *comma_hint(const struct lsc_rules *r, const char *s, size_t len)
{
    return !r->decimal_comma && lsc_looks_decimal_comma(s, len)
               ? " (a decimal comma: score with --decimal-comma)"
               : "";
}

/* "10 and 20", "10 to 20", "10;20" -> the two spans. */
static int split_between(const char *s, size_t len, struct span *a, struct span *b)
{
    static const char *const seps[] = {";", " and ", " to "};
    int found = 0;
    for (size_t k = 0; !found && k < sizeof seps / sizeof seps[0]; k++) {
        size_t sl = strlen(seps[k]);
        for (size_t i = 0; !found && sl <= len && i <= len - sl; i++)
            if (lsc_rules_text_eq(s + i, sl, seps[k], sl, 1)) {
                found = 1;
                a->off = 0;
                a->len = i;
                b->off = i + sl;
                b->len = len - i - sl;
            }
    }
    return found;
}

static int parse_span_number(const struct lsc_rules *r, const char *s, const struct span *sp,
                             double *out)
{
    const char *p = s + sp->off;
    size_t n = sp->len;
    lsc_trim_span(&p, &n);
    return lsc_rules_parse_num(r, p, n, out);
}

/* Splits rule->text at ';' into trimmed, non-empty items. */
static enum lsc_status split_items(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    size_t n = 1;
    for (size_t i = 0; i < ru->text_len; i++)
        n += ru->text[i] == ';';
    ru->items = lsc_reallocarray(NULL, n, sizeof *ru->items);
    if (ru->items == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    size_t start = 0;
    for (size_t i = 0; i <= ru->text_len; i++) {
        if (i < ru->text_len && ru->text[i] != ';')
            continue;
        const char *p = ru->text + start;
        size_t len = i - start;
        lsc_trim_span(&p, &len);
        if (len == 0) {
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s: the list \"%.*s\" has an empty item", ru->id,
                                     SHOWN(ru->text_len), ru->text);
            goto cleanup;
        }
        ru->items[ru->n_items].off = (size_t)(p - ru->text);
        ru->items[ru->n_items].len = len;
        ru->n_items++;
        start = i + 1;
    }
cleanup:
    return st;
}

/* The rule's operator and its "ignore case" suffix. */
static enum lsc_status parse_operator(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    const char *s;
    size_t len;
    char w[WORD_MAX];
    int found = 0;
    lsc_rules_get_field(L, C_OP, &s, &len);
    if (len == 0) {
        st = lsc_rules_sheet_err(L, ru->line, C_OP, "rule %s has no operator (known: %s)", ru->id,
                                 KNOWN_OPS);
        goto cleanup;
    }
    if (lsc_rules_normalize_word(s, len, w)) {
        size_t n = strlen(w);
        const char *suffix = " ignore case";
        size_t sl = strlen(suffix);
        if (n > sl && strcmp(w + n - sl, suffix) == 0) {
            w[n - sl] = '\0';
            ru->icase = 1;
        }
        for (size_t k = 0; !found && k < sizeof op_names / sizeof op_names[0]; k++)
            if (strcmp(w, op_names[k].name) == 0) {
                found = 1;
                ru->op = op_names[k].op;
            }
    }
    if (!found) {
        st =
            lsc_rules_sheet_err(L, ru->line, C_OP, "rule %s: unknown operator \"%.*s\" (known: %s)",
                                ru->id, SHOWN(len), s, KNOWN_OPS);
    } else if (ru->icase && !is_text_op(ru->op)) {
        st = lsc_rules_sheet_err(L, ru->line, C_OP,
                                 "rule %s: \"ignore case\" applies only to equals, not equals, in, "
                                 "not in, contains and not contains",
                                 ru->id);
    }
cleanup:
    return st;
}

/* The value column, read as the operator needs it. */
static enum lsc_status parse_value(struct loader *L, struct rule *ru)
{
    enum lsc_status st = LSC_OK;
    const char *s = ru->text;
    size_t len = ru->text_len;
    struct span a, b;
    long days = 0;
    switch (ru->op) {
    case OP_EQ:
    case OP_NE:
    case OP_CONTAINS:
    case OP_NOT_CONTAINS:
        if (len == 0)
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s needs a value to compare with (for empty cells use "
                                     "\"is missing\")",
                                     ru->id);
        break;
    case OP_IN:
    case OP_NOT_IN:
        if (len == 0)
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s needs a list of values separated by ';'", ru->id);
        else
            st = split_items(L, ru);
        break;
    case OP_MISSING:
    case OP_PRESENT:
    case OP_PRIORITY:
        if (len > 0)
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s: this operator takes no value, "
                                     "found \"%.*s\"",
                                     ru->id, SHOWN(len), s);
        break;
    case OP_GT:
    case OP_GE:
    case OP_LT:
    case OP_LE:
        if (!lsc_rules_parse_num(L->r, s, len, &ru->a))
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE, "rule %s: value \"%.*s\" is not a number%s",
                                     ru->id, SHOWN(len), s, comma_hint(L->r, s, len));
        break;
    case OP_BETWEEN:
        if (!split_between(s, len, &a, &b) || !parse_span_number(L->r, s, &a, &ru->a) ||
            !parse_span_number(L->r, s, &b, &ru->b))
            st =
                lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                    "rule %s: value \"%.*s\" is not two numbers like \"10 and 20\"",
                                    ru->id, SHOWN(len), s);
        else if (ru->a > ru->b)
            st = lsc_rules_sheet_err(
                L, ru->line, C_VALUE,
                "rule %s: between %g and %g can never hold (the first number must "
                "not exceed the second)",
                ru->id, ru->a, ru->b);
        break;
    case OP_PER_UNIT:
        ru->a = 1.0;
        if (len > 0 && (!lsc_rules_parse_num(L->r, s, len, &ru->a) || !(ru->a > 0.0)))
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s: the unit \"%.*s\" is not a positive number", ru->id,
                                     SHOWN(len), s);
        break;
    case OP_OLDER:
    case OP_WITHIN:
        if (!lsc_rules_parse_days(s, len, &days))
            st = lsc_rules_sheet_err(
                L, ru->line, C_VALUE,
                "rule %s: value \"%.*s\" is not a number of days like \"90 days\"", ru->id,
                SHOWN(len), s);
        ru->a = (double)days;
        break;
    case OP_BEFORE:
    case OP_AFTER:
        if (len == 0)
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE, "rule %s needs a date", ru->id);
        break; /* read once the sheet's date formats are known */
    case OP_ACCOUNT_MIN:
    case OP_ACCOUNT_ENGAGED:
        if (!lsc_rules_parse_days(s, len, &days) || len != strspn(s, "0123456789") || days < 1)
            st = lsc_rules_sheet_err(
                L, ru->line, C_VALUE, "rule %s: value \"%.*s\" is not a number of %s (1 or more)",
                ru->id, SHOWN(len), s, ru->op == OP_ACCOUNT_MIN ? "leads" : "engaged contacts");
        ru->a = (double)days;
        break;
    case OP_EVENTS:
    case OP_EVENT_WITHIN:
        break; /* read by lsc_rules_parse_derived */
    case OP_ACCOUNT_TIER:
        /* tiers are compared ignoring ASCII case, as account names */
        ru->icase = 1;
        if (len == 0)
            st = lsc_rules_sheet_err(L, ru->line, C_VALUE,
                                     "rule %s needs a tier, or tiers separated by ';'", ru->id);
        else
            st = split_items(L, ru);
        break;
    }
    return st;
}

/* Swaps the sheet columns of the main condition with the "and" ones. */
static void swap_and_columns(struct loader *L)
{
    static const int from[3] = {C_COLUMN, C_OP, C_VALUE},
                     to[3] = {C_AND_COLUMN, C_AND_OP, C_AND_VALUE};
    for (int k = 0; k < 3; k++) {
        size_t t = L->idx[from[k]];
        L->idx[from[k]] = L->idx[to[k]];
        L->idx[to[k]] = t;
        t = L->r->fieldno[from[k]];
        L->r->fieldno[from[k]] = L->r->fieldno[to[k]];
        L->r->fieldno[to[k]] = t;
    }
}

/* The rule's second condition, when its row fills "and column": a text,
 * presence or number test on another (or the same) column. */
static enum lsc_status parse_also(struct loader *L, struct rule *ru)
{
    const char *s, *op, *val;
    size_t len, oplen, vlen;
    lsc_rules_get_field(L, C_AND_COLUMN, &s, &len);
    lsc_rules_get_field(L, C_AND_OP, &op, &oplen);
    lsc_rules_get_field(L, C_AND_VALUE, &val, &vlen);
    if (len == 0)
        return oplen + vlen == 0
                   ? LSC_OK
                   : lsc_rules_sheet_err(L, ru->line, C_AND_COLUMN,
                                         "rule %s has an and-operator or and-value but no "
                                         "and-column",
                                         ru->id);
    struct rule *a = lsc_calloc(1, sizeof *a);
    if (a == NULL)
        return lsc_error_nomem(L->err);
    ru->also = a;
    a->line = ru->line;
    a->dim = ru->dim;
    a->col = NO_COL;
    a->id = lsc_strdup(ru->id);
    a->column = lsc_strndup(s, len);
    a->text = lsc_strndup(val, vlen);
    a->text_len = vlen;
    if (a->id == NULL || a->column == NULL || a->text == NULL)
        return lsc_error_nomem(L->err);
    swap_and_columns(L);
    enum lsc_status st = parse_operator(L, a);
    if (st == LSC_OK && (is_date_op(a->op) || is_account_op(a->op) || a->op == OP_PER_UNIT ||
                         a->op >= OP_EVENTS))
        st = lsc_rules_sheet_err(
            L, ru->line, C_OP,
            "rule %s: the and-condition must be a text, presence or number test (not "
            "a date, account, per-unit or event one)",
            ru->id);
    if (st == LSC_OK)
        st = parse_value(L, a);
    swap_and_columns(L);
    return st;
}

static enum lsc_status add_rule(struct loader *L, const char *id, size_t id_len)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = L->r;
    const char *s;
    size_t len;
    int added = 0;

    if (r->n_rules >= MAX_RULES) {
        st = lsc_rules_sheet_err(L, L->rec->line, -1, "more than %d rules", MAX_RULES);
        goto cleanup;
    }
    for (size_t i = 0; i < id_len; i++)
        if (id[i] == ';' || id[i] == ':' || (unsigned char)id[i] < 0x20) {
            st = lsc_rules_sheet_err(
                L, L->rec->line, C_ID,
                "rule id \"%.*s\" may not contain ';', ':' or control characters", SHOWN(id_len),
                id);
            goto cleanup;
        }
    uint32_t prev = lsc_dict_find(r->ids, id, id_len);
    if (prev != DICT_NONE) {
        st = lsc_rules_sheet_err(L, L->rec->line, C_ID,
                                 "rule id \"%.*s\" is already used on line %zu", SHOWN(id_len), id,
                                 r->rules[prev].line);
        goto cleanup;
    }
    if (r->n_rules == r->cap_rules) {
        size_t cap = r->cap_rules ? r->cap_rules * 2 : 16;
        struct rule *p = lsc_reallocarray(r->rules, cap, sizeof *p);
        if (p == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
        r->rules = p;
        r->cap_rules = cap;
    }
    if (lsc_dict_intern(r->ids, id, id_len, &added) == DICT_NONE) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }
    struct rule *ru = &r->rules[r->n_rules];
    memset(ru, 0, sizeof *ru);
    r->n_rules++;
    ru->line = L->rec->line;
    ru->col = NO_COL;
    ru->id = lsc_strndup(id, id_len);
    lsc_rules_get_field(L, C_VALUE, &s, &len);
    ru->text = lsc_strndup(s, len);
    ru->text_len = len;
    if (ru->id == NULL || ru->text == NULL) {
        st = lsc_error_nomem(L->err);
        goto cleanup;
    }

    lsc_rules_get_field(L, C_DIM, &s, &len);
    if (len == 0) {
        st = lsc_rules_sheet_err(L, ru->line, C_DIM,
                                 "rule %s has no dimension (e.g. fit or engagement)", ru->id);
        goto cleanup;
    }
    if (lsc_span_ieq(s, len, "total")) {
        st = lsc_rules_sheet_err(L, ru->line, C_DIM,
                                 "rule %s: rules add to a dimension such as fit or engagement; "
                                 "\"total\" is only for settings",
                                 ru->id);
        goto cleanup;
    }
    if ((st = lsc_rules_find_dim(L, s, len, &ru->dim)) != LSC_OK)
        goto cleanup;
    r->dims[ru->dim].has_rules = 1;

    if ((st = parse_operator(L, ru)) != LSC_OK)
        goto cleanup;
    int value_done = 0;
    if ((st = lsc_rules_parse_derived(L, ru, &value_done)) != LSC_OK)
        goto cleanup;

    lsc_rules_get_field(L, C_COLUMN, &s, &len);
    if (len > 0) {
        ru->column = lsc_strndup(s, len);
        if (ru->column == NULL) {
            st = lsc_error_nomem(L->err);
            goto cleanup;
        }
    } else if (!is_account_op(ru->op)) {
        st = lsc_rules_sheet_err(L, ru->line, C_COLUMN, "rule %s has no column", ru->id);
        goto cleanup;
    }
    if (is_account_op(ru->op)) {
        r->n_account_rules += ru->op == OP_ACCOUNT_MIN;
        r->n_priority_rules += ru->op == OP_PRIORITY;
        r->n_account_data_rules += ru->op == OP_ACCOUNT_TIER || ru->op == OP_ACCOUNT_ENGAGED;
        if (ru->column != NULL && r->sheet_account == NULL) {
            r->sheet_account = lsc_strdup(ru->column);
            r->sheet_account_line = ru->line;
            if (r->sheet_account == NULL) {
                st = lsc_error_nomem(L->err);
                goto cleanup;
            }
        } else if (ru->column != NULL && strcmp(ru->column, r->sheet_account) != 0) {
            st = lsc_rules_sheet_err(
                L, ru->line, C_COLUMN,
                "rule %s: account rules must all use one account column (line %zu "
                "uses \"%s\")",
                ru->id, r->sheet_account_line, r->sheet_account);
            goto cleanup;
        }
    }
    r->n_date_rules += is_date_op(ru->op) ? 1 : 0;

    if (!value_done && (st = parse_value(L, ru)) != LSC_OK)
        goto cleanup;

    lsc_rules_get_field(L, C_POINTS, &s, &len);
    if (!lsc_rules_parse_amount(L->r, s, len, &ru->points)) {
        st = lsc_rules_sheet_err(L, ru->line, C_POINTS,
                                 len == 0
                                     ? "rule %s has no points%.*s"
                                     : "rule %s: points \"%.*s\" is not a number (like 10 or -5)",
                                 ru->id, SHOWN(len), s);
        goto cleanup;
    }
    ru->points_c = to_cents(ru->points);

    lsc_rules_get_field(L, C_CAP, &s, &len);
    if (len > 0) {
        double cap = 0.0;
        if (ru->op != OP_PER_UNIT) {
            st = lsc_rules_sheet_err(L, ru->line, C_CAP,
                                     "rule %s: a cap applies only to per-unit rules", ru->id);
            goto cleanup;
        }
        if (!lsc_rules_parse_amount(L->r, s, len, &cap) || cap < 0.0) {
            st = lsc_rules_sheet_err(L, ru->line, C_CAP,
                                     "rule %s: cap \"%.*s\" is not a number >= 0", ru->id,
                                     SHOWN(len), s);
            goto cleanup;
        }
        ru->has_cap = 1;
        ru->cap_c = to_cents(cap);
    }
    st = parse_also(L, ru);
cleanup:
    return st;
}

static void compute_sizes(struct lsc_rules *r)
{
    size_t len = 1;
    r->max_hits = r->n_rules + 3 * r->n_dims + 2;
    for (size_t k = 0; k < r->n_rules; k++)
        len += strlen(r->rules[k].id) + NUM_MAX + 2;
    for (size_t k = 0; k < r->n_dims; k++)
        len += 3 * (strlen(r->dims[k].decay_id) + NUM_MAX + 2);
    len += 2 * (strlen("total.max") + NUM_MAX + 2);
    r->value_max = len > NUM_MAX ? len : NUM_MAX;
    if (lsc_rules_values_max(r) > r->value_max)
        r->value_max = lsc_rules_values_max(r);
}

/* A sheet's text is compared with the input's, which is UTF-8 (decoded with
 * --encoding when it is not): a Latin-1 "Espa\xF1a" in the sheet would
 * silently match nothing, so it is refused. */
static enum lsc_status check_sheet_utf8(const struct lsc_rules *r, const struct csv_record *rec,
                                        struct lsc_error *err)
{
    for (size_t k = 0; k < rec->nfields; k++) {
        size_t bad = 0;
        char shown[176];
        if (lsc_utf8_valid(rec->fields[k], rec->lens[k], &bad))
            continue;
        lsc_escape_bytes(rec->fields[k], rec->lens[k] > 40 ? 40 : rec->lens[k], shown,
                         sizeof shown);
        return lsc_error_set(err, LSC_ERR_DATA, r->file, rec->line, k + 1,
                             "\"%s\" is not valid UTF-8 (byte 0x%02X): save the sheet as UTF-8 "
                             "text (e.g. iconv -f WINDOWS-1252 -t UTF-8)",
                             shown, (unsigned)(unsigned char)rec->fields[k][bad]);
    }
    return LSC_OK;
}

enum lsc_status lsc_rules_load(const char *path, struct lsc_rules **out, struct lsc_error *err)
{
    return lsc_rules_load_ex(path, NULL, out, err);
}

enum lsc_status lsc_rules_load_ex(const char *path, const struct lsc_rules_load_options *lo,
                                  struct lsc_rules **out, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_rules *r = NULL;
    struct csv_reader *cr = NULL;
    struct csv_reader_opts opts = {0, 1, 0};
    struct loader L;
    size_t ignored;
    memset(&L, 0, sizeof L);
    *out = NULL;

    r = lsc_calloc(1, sizeof *r);
    if (r == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    r->account_col = NO_COL;
    r->ref_id_col = NO_COL;
    r->decimal_comma = lo != NULL && lo->decimal_comma;
    if (lo != NULL && lo->date_format != NULL && !lsc_date_check_format(lo->date_format)) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, LSC_DATE_FORMAT_BAD, lo->date_format);
        goto cleanup;
    }
    if (lo != NULL && lo->date_format != NULL &&
        (r->default_fmt = lsc_strdup(lo->date_format)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    r->file = lsc_strdup(path);
    r->ids = lsc_dict_new();
    if (r->file == NULL || r->ids == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    L.r = r;
    L.err = err;
    if ((st = lsc_csv_reader_open(&cr, path, &opts, err)) != LSC_OK)
        goto cleanup;
    /* errors name the sheet the way the reader does ("<stdin>" for "-") */
    lsc_free(r->file);
    r->file = lsc_strdup(lsc_csv_reader_name(cr));
    if (r->file == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_csv_reader_next(cr, &L.rec, err)) != LSC_OK)
        goto cleanup;
    if (L.rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, r->file, 0, 0,
                           "empty sheet: a header row (id,dimension,column,operator,value,"
                           "points,...) is required");
        goto cleanup;
    }
    if ((st = map_sheet_header(&L)) != LSC_OK)
        goto cleanup;
    if ((st = lsc_rules_find_dim(&L, "fit", 3, &ignored)) != LSC_OK ||
        (st = lsc_rules_find_dim(&L, "engagement", 10, &ignored)) != LSC_OK)
        goto cleanup;
    r->letter_dim = 0;
    r->digit_dim = 1;
    for (;;) {
        if ((st = lsc_csv_reader_next(cr, &L.rec, err)) != LSC_OK)
            goto cleanup;
        if (L.rec == NULL)
            break;
        int blank = 1;
        for (size_t k = 0; blank && k < L.rec->nfields; k++) {
            const char *s = L.rec->fields[k];
            size_t len = L.rec->lens[k];
            lsc_trim_span(&s, &len);
            blank = len == 0;
        }
        const char *id;
        size_t id_len;
        lsc_rules_get_field(&L, C_ID, &id, &id_len);
        if (blank || (id_len > 0 && id[0] == '#'))
            continue; /* spreadsheet filler and comment rows */
        if ((st = check_sheet_utf8(r, L.rec, err)) != LSC_OK)
            goto cleanup;
        if (id_len == 0)
            st = lsc_rules_sheet_err(&L, L.rec->line, C_ID,
                                     "the row has no id (a rule id like R1, or \"setting\")");
        else if (lsc_span_ieq(id, id_len, "setting"))
            st = lsc_rules_add_setting(&L);
        else
            st = add_rule(&L, id, id_len);
        if (st != LSC_OK)
            goto cleanup;
    }
    if ((st = lsc_rules_finish_sheet(&L)) != LSC_OK)
        goto cleanup;
    compute_sizes(r);
    *out = r;
    r = NULL;
cleanup:
    lsc_csv_reader_free(cr);
    lsc_rules_free(r);
    return st;
}

void lsc_rules_free(struct lsc_rules *r)
{
    if (r == NULL)
        return;
    for (size_t k = 0; k < r->n_rules; k++) {
        struct rule *a = r->rules[k].also;
        if (a != NULL) {
            lsc_free(a->id);
            lsc_free(a->column);
            lsc_free(a->text);
            lsc_free(a->items);
            lsc_free(a);
        }
        lsc_rules_free_derived(r->rules[k].dv);
        lsc_free(r->rules[k].id);
        lsc_free(r->rules[k].column);
        lsc_free(r->rules[k].text);
        lsc_free(r->rules[k].items);
    }
    lsc_free(r->rules);
    for (size_t k = 0; k < r->n_dims; k++) {
        struct dim *d = &r->dims[k];
        lsc_free(d->name);
        lsc_free(d->points_col);
        lsc_free(d->decay_id);
        lsc_free(d->min_id);
        lsc_free(d->max_id);
        lsc_free(d->decay.column);
    }
    lsc_free(r->dims);
    for (size_t k = 0; k < r->n_na; k++)
        lsc_free(r->na_items[k]);
    lsc_free(r->na_items);
    for (size_t k = 0; k < r->n_fmts; k++) {
        lsc_free(r->fmts[k].column);
        lsc_free(r->fmts[k].fmt);
    }
    lsc_free(r->fmts);
    lsc_free(r->default_fmt);
    lsc_dict_free(r->ids);
    lsc_dict_free(r->accounts);
    lsc_dict_free(r->priority);
    lsc_free(r->counts);
    lsc_free(r->lead);
    lsc_free(r->scratch);
    lsc_free(r->sheet_account);
    lsc_free(r->account_override);
    lsc_rules_free_log(r->evlog);
    lsc_free(r->file);
    lsc_free(r);
}
