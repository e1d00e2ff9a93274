/* sheet_rewrite - a revised copy of a rules sheet: new points per rule,
 * dropped rules turned into comment rows, new qualification and tier
 * cut-offs; everything else (order, other columns, comments, settings) as
 * the team wrote it, so the revision reads as an edit of their own sheet.
 * The copy is written comma-separated (semicolon-separated with decimal
 * commas). */
#include "leadscore/rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "csv_reader.h"
#include "rules_internal.h"
#include "status_internal.h"
#include "util.h"

enum { W_ID, W_DIM, W_OP, W_VALUE, W_POINTS, W_CAP, W_DESC, W_N };
enum { CUT_QUALIFIED, CUT_HOT, CUT_WARM, CUT_N };
static const char *const cut_names[CUT_N] = {"qualified", "hot", "warm"};

struct rewriter {
    FILE *out;
    size_t col[W_N]; /* header position, SIZE_MAX when absent */
    size_t ncols;    /* of the header */
    const struct lsc_sheet_edit *edits;
    size_t n_edits;
    int has_cut[CUT_N], seen_cut[CUT_N];
    double cut[CUT_N];
    int decimal_comma; /* numbers read and written "2,5", fields split by ';' */
    int bad;           /* a write failed */
};

static void map_header(struct rewriter *w, const struct csv_record *rec)
{
    static const char *const names[W_N] = {"id", "dimension", "operator", "value",
                                           "points", "cap", "description"};
    for (int c = 0; c < W_N; c++)
        w->col[c] = SIZE_MAX;
    for (size_t k = 0; k < rec->nfields; k++) {
        char word[WORD_MAX];
        if (!lsc_rules_normalize_word(rec->fields[k], rec->lens[k], word))
            continue;
        int c = -1;
        for (int j = 0; j < W_N; j++)
            if (strcmp(word, names[j]) == 0)
                c = j;
        if (strcmp(word, "rule") == 0 || strcmp(word, "rule id") == 0)
            c = W_ID;
        else if (strcmp(word, "per unit cap") == 0)
            c = W_CAP;
        else if (strcmp(word, "notes") == 0)
            c = W_DESC;
        if (c >= 0 && w->col[c] == SIZE_MAX)
            w->col[c] = k;
    }
    w->ncols = rec->nfields;
}

static void put(struct rewriter *w, size_t k, const char *s, size_t len)
{
    if (k > 0)
        w->bad |= fputc(w->decimal_comma ? ';' : ',', w->out) == EOF;
    w->bad |= lsc_csv_put_field_delim(w->out, s, len, w->decimal_comma ? ';' : ',') != 0;
}

/* Field c of rec, trimmed ("" when absent). */
static const char *field(const struct rewriter *w, const struct csv_record *rec, int c,
                         size_t *len)
{
    const char *s = "";
    *len = 0;
    if (w->col[c] != SIZE_MAX && w->col[c] < rec->nfields) {
        s = rec->fields[w->col[c]];
        *len = rec->lens[w->col[c]];
        lsc_trim_span(&s, len);
    }
    return s;
}

static const struct lsc_sheet_edit *edit_of(const struct rewriter *w, const char *id, size_t len)
{
    for (size_t k = 0; k < w->n_edits; k++)
        if (strlen(w->edits[k].id) == len && memcmp(w->edits[k].id, id, len) == 0)
            return &w->edits[k];
    return NULL;
}

/* Which cut-off setting rec is (CUT_N: none). */
static int cut_of(const struct rewriter *w, const struct csv_record *rec)
{
    size_t len;
    char word[WORD_MAX];
    const char *s = field(w, rec, W_ID, &len);
    if (!lsc_rules_normalize_word(s, len, word) || strcmp(word, "setting") != 0)
        return CUT_N;
    s = field(w, rec, W_OP, &len);
    if (!lsc_rules_normalize_word(s, len, word))
        return CUT_N;
    for (int c = 0; c < CUT_N; c++)
        if (strcmp(word, cut_names[c]) == 0)
            return c;
    return CUT_N;
}

/* Points or a cut-off as lsc_rules_format_points writes them, with a
 * decimal comma when the sheet has them. */
static size_t format_number(const struct rewriter *w, double v, int sign, char *buf, size_t size)
{
    size_t n = lsc_rules_format_points(v, sign, buf, size);
    for (size_t i = 0; w->decimal_comma && i < n && i < size; i++)
        if (buf[i] == '.')
            buf[i] = ',';
    return n;
}

/* The new cap of a per-unit rule: the same number of units. */
static size_t scaled_cap(const struct rewriter *w, const struct csv_record *rec,
                         const struct lsc_sheet_edit *e, char *buf, size_t size)
{
    size_t plen, clen;
    const char *p = field(w, rec, W_POINTS, &plen);
    const char *c = field(w, rec, W_CAP, &clen);
    double old = 0.0, cap = NAN;
    if (!lsc_parse_number_dc(p, plen, w->decimal_comma, &old))
        old = 0.0;
    if (clen == 0 || old == 0.0 || !lsc_parse_number_dc(c, clen, w->decimal_comma, &cap) ||
        !isfinite(cap))
        return (size_t)snprintf(buf, size, "%.*s", (int)clen, c);
    return format_number(w, fabs(cap * e->points / old), 0, buf, size);
}

static void write_record(struct rewriter *w, const struct csv_record *rec)
{
    size_t idlen, dlen;
    const char *id = field(w, rec, W_ID, &idlen);
    const struct lsc_sheet_edit *e = edit_of(w, id, idlen);
    int cut = e == NULL ? cut_of(w, rec) : CUT_N;
    char num[64], cap[64], desc[1024], hid[256];
    size_t nlen = 0, caplen = 0;
    if (e != NULL && !e->drop) {
        nlen = format_number(w, e->points, 1, num, sizeof num);
        caplen = scaled_cap(w, rec, e, cap, sizeof cap);
    } else if (cut < CUT_N && w->has_cut[cut]) {
        nlen = format_number(w, w->cut[cut], 0, num, sizeof num);
        w->seen_cut[cut] = 1;
    }
    const char *d = field(w, rec, W_DESC, &dlen);
    int dn = e != NULL && e->note != NULL && e->note[0] != '\0'
                 ? snprintf(desc, sizeof desc, "%.*s%s%s", (int)dlen, d, dlen ? " " : "", e->note)
                 : -1;
    int hn = e != NULL && e->drop ? snprintf(hid, sizeof hid, "#%.*s", (int)idlen, id) : -1;
    for (size_t k = 0; k < rec->nfields; k++) {
        const char *s = rec->fields[k];
        size_t len = rec->lens[k];
        if (hn >= 0 && k == w->col[W_ID])
            s = hid, len = (size_t)hn < sizeof hid ? (size_t)hn : sizeof hid - 1;
        else if (nlen > 0 && k == w->col[e != NULL ? W_POINTS : W_VALUE])
            s = num, len = nlen;
        else if (e != NULL && !e->drop && k == w->col[W_CAP])
            s = cap, len = caplen < sizeof cap ? caplen : sizeof cap - 1;
        else if (dn >= 0 && k == w->col[W_DESC])
            s = desc, len = (size_t)dn < sizeof desc ? (size_t)dn : sizeof desc - 1;
        put(w, k, s, len);
    }
    w->bad |= fputc('\n', w->out) == EOF;
}

/* A setting row for a cut-off the sheet did not have. */
static void append_cut(struct rewriter *w, int c)
{
    char num[64];
    size_t nlen = format_number(w, w->cut[c], 0, num, sizeof num);
    for (size_t k = 0; k < w->ncols; k++) {
        const char *s = "";
        if (k == w->col[W_ID])
            s = "setting";
        else if (k == w->col[W_DIM])
            s = "total";
        else if (k == w->col[W_OP])
            s = cut_names[c];
        else if (k == w->col[W_DESC])
            s = "chosen by leadscore-score --write-suggested-sheet";
        if (k == w->col[W_VALUE])
            put(w, k, num, nlen < sizeof num ? nlen : sizeof num - 1);
        else
            put(w, k, s, strlen(s));
    }
    w->bad |= fputc('\n', w->out) == EOF;
}

enum lsc_status lsc_rules_sheet_rewrite(const char *path, const struct lsc_sheet_edit *edits,
                                        size_t n_edits, const struct lsc_sheet_cutoffs *cut,
                                        FILE *out, const char *out_name, struct lsc_error *err)
{
    struct csv_reader_opts opts = {0, 1, 0};
    struct csv_reader *cr = NULL;
    const struct csv_record *rec = NULL;
    struct rewriter w = {.out = out, .edits = edits, .n_edits = n_edits};
    enum lsc_status st = lsc_csv_reader_open(&cr, path, &opts, err);
    w.decimal_comma = cut->decimal_comma;
    w.has_cut[CUT_QUALIFIED] = cut->has_qualified;
    w.has_cut[CUT_HOT] = cut->has_hot;
    w.has_cut[CUT_WARM] = cut->has_warm;
    w.cut[CUT_QUALIFIED] = cut->qualified;
    w.cut[CUT_HOT] = cut->hot;
    w.cut[CUT_WARM] = cut->warm;
    for (int first = 1; st == LSC_OK; first = 0) {
        if ((st = lsc_csv_reader_next(cr, &rec, err)) != LSC_OK || rec == NULL)
            break;
        if (first)
            map_header(&w, rec);
        write_record(&w, rec);
    }
    for (int c = 0; st == LSC_OK && c < CUT_N; c++)
        if (w.has_cut[c] && !w.seen_cut[c])
            append_cut(&w, c);
    if (st == LSC_OK && (w.bad || fflush(out) != 0))
        st = lsc_error_write(err, out_name);
    lsc_csv_reader_free(cr);
    return st;
}
