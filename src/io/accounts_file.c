/* accounts_file - lsc_accounts_load(): a CRM account export into the
 * account table of src/base/account.h (format: leadscore/accounts.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "account.h"
#include "alloc.h"
#include "csv_reader.h"
#include "status_internal.h"
#include "util.h"

enum { COL_NAME, COL_CONTACTS, COL_ENGAGED, COL_TIER, N_COLS };

static const char *const col_option[N_COLS] = {"--accounts-name", "--accounts-contacts",
                                               "--accounts-engaged", "--accounts-tier"};
static const char *const col_what[N_COLS] = {"account name", "number of contacts",
                                             "engaged contacts", "tier"};
/* The usual headers, as header_word() leaves them. */
static const char *const *const col_words[N_COLS] = {
    (const char *const[]){"account", "account name", "company", "company name", "organization",
                          "organisation", "name", NULL},
    (const char *const[]){"contacts", "number of contacts", "contact count", "num contacts",
                          "# contacts", "number of associated contacts", "associated contacts",
                          NULL},
    (const char *const[]){"engaged contacts", "engaged", "number of engaged contacts",
                          "active contacts", NULL},
    (const char *const[]){"tier", "account tier", "abm tier", "priority tier", NULL},
};

#define WORD_CAP 64

/* A header name as the usual headers are written: trimmed, ASCII
 * lowercased, '_' a space, runs of spaces one; 0 when it does not fit. */
static int header_word(const char *s, size_t len, char out[WORD_CAP])
{
    size_t n = 0;
    int gap = 0;
    for (size_t i = 0; i < len; i++) {
        char c = s[i] == '_' ? ' ' : s[i];
        if (c == ' ' || c == '\t') {
            gap = n > 0;
            continue;
        }
        if (n + 2 >= WORD_CAP)
            return 0;
        if (gap)
            out[n++] = ' ';
        gap = 0;
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return 1;
}

/* The header's names, quoted, for a message. */
static void header_list(const struct csv_record *h, char *buf, size_t size)
{
    size_t pos = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < h->nfields && pos + 8 < size; k++) {
        int w = snprintf(buf + pos, size - pos, "%s\"%.*s\"", k ? ", " : "",
                         (int)(h->lens[k] > 60 ? 60 : h->lens[k]), h->fields[k]);
        if (w < 0 || (size_t)w >= size - pos) {
            snprintf(buf + pos, size - pos, ", ...");
            break;
        }
        pos += (size_t)w;
    }
}

/* The field of each column (SIZE_MAX: none): as named, else by the usual
 * headers. Name and contacts are required. */
static enum lsc_status find_columns(const struct csv_record *h, const char *file,
                                    const struct lsc_accounts_columns *given, size_t col[N_COLS],
                                    struct lsc_error *err)
{
    const char *named[N_COLS] = {given ? given->name : NULL, given ? given->contacts : NULL,
                                 given ? given->engaged : NULL, given ? given->tier : NULL};
    char list[400], w[WORD_CAP];
    header_list(h, list, sizeof list);
    for (int c = 0; c < N_COLS; c++) {
        col[c] = SIZE_MAX;
        if (named[c] != NULL) {
            col[c] = lsc_csv_header_find(h->nfields, h->fields, h->lens, named[c], 1, NULL);
            if (col[c] == SIZE_MAX)
                return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                     "%s: column \"%s\" is not in the header (its columns: %s)",
                                     col_option[c], named[c], list);
            continue;
        }
        for (size_t k = 0; k < h->nfields && col[c] == SIZE_MAX; k++) {
            if (!header_word(h->fields[k], h->lens[k], w))
                continue;
            for (size_t i = 0; col_words[c][i] != NULL && col[c] == SIZE_MAX; i++)
                if (strcmp(w, col_words[c][i]) == 0)
                    col[c] = k;
        }
        if (col[c] == SIZE_MAX && c <= COL_CONTACTS)
            return lsc_error_set(err, LSC_ERR_DATA, file, h->line, 0,
                                 "no %s column: expected a header like \"%s\" or \"%s\", or name "
                                 "it with %s COL (its columns: %s)",
                                 col_what[c], col_words[c][0], col_words[c][1], col_option[c],
                                 list);
    }
    return LSC_OK;
}

/* A whole number >= 0 of contacts ("12", "12.0"), at most 1e15. */
static int whole_count(const char *s, size_t len, long long *out)
{
    double x = 0.0;
    if (!lsc_parse_number(s, len, &x) || !(x >= 0.0 && x <= 1e15) || x != floor(x))
        return 0;
    *out = (long long)x;
    return 1;
}

/* Field c of rec, trimmed; empty when absent. */
static const char *field(const struct csv_record *rec, size_t c, size_t *len)
{
    const char *s = c < rec->nfields ? rec->fields[c] : "";
    *len = c < rec->nfields ? rec->lens[c] : 0;
    lsc_trim_span(&s, len);
    return s;
}

struct load {
    struct lsc_accounts *a;
    const char *file;
    size_t col[N_COLS];
    size_t *first_line; /* per account, for "listed twice" */
    size_t first_cap;
    char *key;
    size_t key_cap;
};

/* A count cell: contacts (empty: 0) or engaged contacts (empty: -1). */
static enum lsc_status read_count(const struct load *L, const struct csv_record *rec, int c,
                                  long long *out, struct lsc_error *err)
{
    size_t len = 0;
    const char *s = field(rec, L->col[c], &len);
    char shown[176];
    *out = c == COL_CONTACTS ? 0 : -1;
    if (lsc_is_na_token(s, len, NULL) || whole_count(s, len, out))
        return LSC_OK;
    lsc_escape_bytes(s, len > 40 ? 40 : len, shown, sizeof shown);
    return lsc_error_set(err, LSC_ERR_DATA, L->file, rec->line, L->col[c] + 1,
                         "--accounts: %s \"%s\" is not a whole number >= 0", col_what[c], shown);
}

static enum lsc_status read_row(struct load *L, const struct csv_record *rec, struct lsc_error *err)
{
    struct lsc_accounts *a = L->a;
    size_t len = 0, klen = 0;
    long long contacts = 0, engaged = -1;
    enum lsc_status st = LSC_OK;
    const char *name = field(rec, L->col[COL_NAME], &len);
    if (lsc_is_na_token(name, len, NULL))
        return lsc_error_set(err, LSC_ERR_DATA, L->file, rec->line, L->col[COL_NAME] + 1,
                             "--accounts: the row has no account name");
    if ((st = read_count(L, rec, COL_CONTACTS, &contacts, err)) != LSC_OK ||
        (L->col[COL_ENGAGED] != SIZE_MAX &&
         (st = read_count(L, rec, COL_ENGAGED, &engaged, err)) != LSC_OK))
        return st;
    if (!lsc_account_key_buf(&L->key, &L->key_cap, name, len, &klen))
        return lsc_error_nomem(err);
    size_t before = lsc_accounts_size(a);
    uint32_t k = lsc_accounts_add(a, L->key, klen);
    if (k == DICT_NONE)
        return lsc_error_nomem(err);
    if (lsc_accounts_size(a) == before)
        return lsc_error_set(err, LSC_ERR_DATA, L->file, rec->line, L->col[COL_NAME] + 1,
                             "--accounts: account \"%.*s\" is listed twice (first on line %zu; "
                             "names are compared trimmed, inner whitespace collapsed and ASCII "
                             "letters lowercased)",
                             (int)(len > 60 ? 60 : len), name, L->first_line[k]);
    if (k >= L->first_cap) {
        size_t cap = L->first_cap ? 2 * L->first_cap : 64;
        size_t *fl = lsc_reallocarray(L->first_line, cap, sizeof *fl);
        if (fl == NULL)
            return lsc_error_nomem(err);
        L->first_line = fl;
        L->first_cap = cap;
    }
    L->first_line[k] = rec->line;
    if ((size_t)contacts > SIZE_MAX - a->total)
        return lsc_error_set(err, LSC_ERR_DATA, L->file, rec->line, L->col[COL_CONTACTS] + 1,
                             "--accounts: too many contacts in all");
    a->count[k] = (size_t)contacts;
    a->total += (size_t)contacts;
    a->engaged[k] = engaged;
    if (L->col[COL_TIER] == SIZE_MAX)
        return LSC_OK;
    const char *tier = field(rec, L->col[COL_TIER], &len);
    if (lsc_is_na_token(tier, len, NULL))
        return LSC_OK;
    if ((a->tier[k] = lsc_dict_intern(a->tiers, tier, len, NULL)) == DICT_NONE)
        return lsc_error_nomem(err);
    return LSC_OK;
}

enum lsc_status lsc_accounts_load(const char *path, const struct lsc_accounts_columns *cols,
                                  struct lsc_accounts **out, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct csv_reader *cr = NULL;
    const struct csv_record *rec = NULL;
    struct csv_reader_opts opts = {0, 1, 0};
    struct load L;
    memset(&L, 0, sizeof L);
    *out = NULL;
    if (strcmp(path, "-") == 0) {
        st = lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                           "--accounts: the account file must be a file, not stdin");
        goto cleanup;
    }
    if ((L.a = lsc_accounts_new()) == NULL || (L.a->file = lsc_strdup(path)) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_csv_reader_open(&cr, path, &opts, err)) != LSC_OK ||
        (st = lsc_csv_reader_next(cr, &rec, err)) != LSC_OK)
        goto cleanup;
    L.file = lsc_csv_reader_name(cr);
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, L.file, 0, 0,
                           "--accounts: empty file: a header row is required");
        goto cleanup;
    }
    if ((st = find_columns(rec, L.file, cols, L.col, err)) != LSC_OK)
        goto cleanup;
    L.a->has_engaged = L.col[COL_ENGAGED] != SIZE_MAX;
    L.a->has_tier = L.col[COL_TIER] != SIZE_MAX;
    if (L.a->has_tier && (L.a->tiers = lsc_dict_new()) == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    while ((st = lsc_csv_reader_next(cr, &rec, err)) == LSC_OK && rec != NULL)
        if ((st = read_row(&L, rec, err)) != LSC_OK)
            break;
    if (st == LSC_OK) {
        *out = L.a;
        L.a = NULL;
    }
cleanup:
    lsc_csv_reader_free(cr);
    lsc_accounts_free(L.a);
    lsc_free(L.first_line);
    lsc_free(L.key);
    return st;
}
