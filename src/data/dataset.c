#include "dataset.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "csv_reader.h"
#include "derive.h"
#include "header_match.h"
#include "label_map.h"
#include "parallel.h"
#include "sha256.h"
#include "progress.h"
#include "status_internal.h"
#include "util.h"

void lsc_dataset_free(struct dataset *ds)
{
    if (ds == NULL)
        return;
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        lsc_free(c->name);
        lsc_dict_free(c->dict);
        lsc_free(c->codes);
        lsc_free(c->values);
        lsc_free(c->raw);
    }
    lsc_free(ds->cols);
    lsc_free(ds->file);
    lsc_dict_free(ds->target_dict);
    lsc_free(ds->target_codes);
    lsc_free(ds->row_line);
    lsc_free(ds->row_number);
    lsc_free(ds->y);
    lsc_derive_state_free(ds->derive);
    lsc_free((void *)ds->names);
    lsc_free(ds);
}

/* Columns whose values are kept: features, and the weight and date columns. */
static int stored(enum ds_role role)
{
    return role == DS_FEATURE || role == DS_WEIGHT || role == DS_DATE || role == DS_SPLIT_ID;
}

/* A name no column has (after resolve_options, only a name the header
 * lost: kept for safety), as header_match.h words it. */
static enum lsc_status unknown_column(const struct dataset *ds, const char *name,
                                      const char *option, struct lsc_error *err)
{
    const char **fields = lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *fields);
    size_t *lens = lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *lens);
    if (fields == NULL || lens == NULL) {
        lsc_free(fields);
        lsc_free(lens);
        return lsc_error_nomem(err);
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        fields[j] = ds->cols[j].name;
        lens[j] = ds->cols[j].role == DS_IGNORED ? 0 : strlen(ds->cols[j].name);
    }
    enum lsc_status st = lsc_header_unknown(err, LSC_ERR_USAGE, ds->file, 0, 0, option, name,
                                            HEADER_NONE, ds->n_cols, fields, lens);
    lsc_free(fields);
    lsc_free(lens);
    return st;
}

/* Applies one option's list of column names: sets role or force. */
static enum lsc_status apply_names(struct dataset *ds, const struct lsc_strings *names,
                                   const char *option, int role, int force, struct lsc_error *err)
{
    for (size_t i = 0; i < names->count; i++) {
        size_t j = lsc_ds_find(ds->cols, ds->n_cols, names->items[i]);
        if (j == SIZE_MAX)
            return unknown_column(ds, names->items[i], option, err);
        if (role >= 0) {
            if (ds->cols[j].role == DS_TARGET && role != DS_TARGET)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "column \"%s\" is the target; it cannot be given to %s",
                                     names->items[i], option);
            ds->cols[j].role = (enum ds_role)role;
        }
        if (force >= 0)
            ds->cols[j].force = (enum ds_force)force;
    }
    return LSC_OK;
}

/* --weight / --split-date: the column takes that role whatever other
 * option named it (it is never a feature); the target cannot. */
static enum lsc_status claim_column(struct dataset *ds, const char *name, const char *option,
                                    enum ds_role role, struct lsc_error *err)
{
    if (name == NULL)
        return LSC_OK;
    size_t j = lsc_ds_find(ds->cols, ds->n_cols, name);
    if (j == SIZE_MAX)
        return unknown_column(ds, name, option, err);
    if (ds->cols[j].role == DS_TARGET)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "column \"%s\" is the target; it cannot be given to %s", name,
                             option);
    if (ds->cols[j].role == DS_WEIGHT || ds->cols[j].role == DS_DATE)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "column \"%s\" cannot be both the --weight and the --split-date "
                             "column",
                             name);
    ds->cols[j].role = role;
    /* dates stay text (a dictionary); weights may switch to raw doubles */
    ds->cols[j].force = role == DS_DATE ? DS_FORCE_CATEGORICAL : DS_INFER;
    return LSC_OK;
}

#define REENCODE_HINT LSC_ENCODING_HINT

/* Text that is not UTF-8 cannot go into a model (JSON), and a NUL byte means
 * binary data or UTF-16; both are refused where they are seen. */
static enum lsc_status check_text(const struct dataset *ds, const char *what, const char *s,
                                  size_t len, size_t line, size_t column, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t bad = 0;
    char shown[160];
    if (memchr(s, '\0', len) != NULL) {
        lsc_escape_bytes(s, len, shown, sizeof shown);
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, line, column,
                           "%s \"%s\" contains a NUL byte: the file is binary, or UTF-16 "
                           "text; save it as UTF-8 text",
                           what, shown);
    } else if (!lsc_utf8_valid(s, len, &bad)) {
        lsc_escape_bytes(s, len, shown, sizeof shown);
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, line, column,
                           "%s \"%s\" is not valid UTF-8 (byte 0x%02X); the model file is "
                           "JSON, which must be UTF-8: " REENCODE_HINT,
                           what, shown, (unsigned)(unsigned char)s[bad]);
    }
    return st;
}

/* Duplicate header names, in linear time (exports can have 100,000 columns). */
static enum lsc_status check_duplicates(const struct dataset *ds, size_t line,
                                        struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct dict *seen = lsc_dict_new();
    size_t *first = lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *first);
    if (seen == NULL || first == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        const struct ds_column *c = &ds->cols[j];
        int added = 0;
        if (c->role == DS_IGNORED)
            continue;
        uint32_t id = lsc_dict_intern(seen, c->name, strlen(c->name), &added);
        if (id == DICT_NONE) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        if (!added) {
            st = lsc_error_set(err, LSC_ERR_DATA, ds->file, line, j + 1,
                               "duplicate column name \"%s\" (also column %zu)", c->name,
                               first[id] + 1);
            goto cleanup;
        }
        first[id] = j;
    }
cleanup:
    lsc_dict_free(seen);
    lsc_free(first);
    return st;
}

/* The header's names for lsc_header_match: the columns' names, ignored
 * columns (an unnamed last column) left out as empty. */
struct header_names {
    const char **fields;
    size_t *lens;
};

/* One column named on the command line, to the header's spelling of it:
 * exactly, else ignoring case when one column matches (a note says so);
 * else the usage error with the nearest name and the header. */
static enum lsc_status resolve_name(const struct dataset *ds, const struct header_names *h,
                                    const char *option, const char **name,
                                    const struct lsc_log *log, struct lsc_error *err)
{
    enum header_how how;
    if (*name == NULL)
        return LSC_OK;
    size_t j = lsc_header_match(ds->n_cols, h->fields, h->lens, *name, &how);
    if (j == SIZE_MAX)
        return lsc_header_unknown(err, LSC_ERR_USAGE, ds->file, 0, 0, option, *name, how,
                                  ds->n_cols, h->fields, h->lens);
    if (how == HEADER_ICASE)
        lsc_logf(log, LSC_LOG_NOTE, "%s \"%s\" is column \"%s\" (matched ignoring case)", option,
                 *name, ds->cols[j].name);
    *name = ds->cols[j].name;
    return LSC_OK;
}

/* A list option's names resolved into the next slots of ds->names. */
static enum lsc_status resolve_list(struct dataset *ds, const struct header_names *h,
                                    const char *option, struct lsc_strings *list, size_t *next,
                                    const struct lsc_log *log, struct lsc_error *err)
{
    const char **out = ds->names + *next;
    for (size_t i = 0; i < list->count; i++) {
        out[i] = list->items[i];
        enum lsc_status st = resolve_name(ds, h, option, &out[i], log, err);
        if (st != LSC_OK)
            return st;
    }
    list->items = out;
    *next += list->count;
    return LSC_OK;
}

/* ds->opts: opts with every column name given on the command line as the
 * header spells it (so the model records the file's names). */
static enum lsc_status resolve_options(struct dataset *ds, const struct lsc_train_options *opts,
                                       const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct lsc_train_options *o = &ds->opts;
    struct header_names h = {lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *h.fields),
                             lsc_calloc(ds->n_cols ? ds->n_cols : 1, sizeof *h.lens)};
    struct lsc_strings *lists[] = {&o->ids, &o->exclude, &o->include, &o->numeric,
                                   &o->categorical, &o->keep_features, &o->days_since};
    static const char *const list_opts[] = {"--id", "--exclude", "--include", "--numeric",
                                            "--categorical", "--keep-feature", "--days-since"};
    size_t total = 0, next = 0;
    *o = *opts;
    for (size_t k = 0; k < sizeof lists / sizeof *lists; k++)
        total += lists[k]->count;
    ds->names = lsc_calloc(total ? total : 1, sizeof *ds->names);
    if (h.fields == NULL || h.lens == NULL || ds->names == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        h.fields[j] = ds->cols[j].name;
        h.lens[j] = ds->cols[j].role == DS_IGNORED ? 0 : strlen(ds->cols[j].name);
    }
    if ((st = resolve_name(ds, &h, "--target", &o->target, log, err)) != LSC_OK ||
        (st = resolve_name(ds, &h, "--weight", &o->weight, log, err)) != LSC_OK ||
        (st = resolve_name(ds, &h, "--split-date", &o->split_date, log, err)) != LSC_OK ||
        (st = resolve_name(ds, &h, "--account-column", &o->account_column, log, err)) != LSC_OK ||
        (st = resolve_name(ds, &h, "--outcome-date", &o->outcome_date, log, err)) != LSC_OK)
        goto cleanup;
    for (size_t k = 0; k < sizeof lists / sizeof *lists && st == LSC_OK; k++)
        st = resolve_list(ds, &h, list_opts[k], lists[k], &next, log, err);
cleanup:
    lsc_free(h.fields);
    lsc_free(h.lens);
    return st;
}

static enum lsc_status setup_header(struct dataset *ds, const struct csv_record *rec,
                                    const struct lsc_train_options *opts, const struct lsc_log *log,
                                    struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    /* libcsv reads UTF-16 as bytes: names full of NULs, fields split oddly */
    if (rec->nfields > 0 && rec->lens[0] >= 2) {
        const unsigned char *b = (const unsigned char *)rec->fields[0];
        if ((b[0] == 0xFF && b[1] == 0xFE) || (b[0] == 0xFE && b[1] == 0xFF))
            return lsc_error_set(err, LSC_ERR_DATA, ds->file, rec->line, 1,
                                 "the file is UTF-16 text (it starts with the byte-order mark "
                                 "%02X %02X); save or convert it as UTF-8 (e.g. iconv -f UTF-16 "
                                 "-t UTF-8)",
                                 b[0], b[1]);
    }
    ds->cols = lsc_calloc(rec->nfields, sizeof *ds->cols);
    if (ds->cols == NULL)
        return lsc_error_nomem(err);
    ds->n_cols = rec->nfields;
    for (size_t j = 0; j < rec->nfields; j++) {
        struct ds_column *c = &ds->cols[j];
        const char *s = rec->fields[j];
        size_t len = rec->lens[j];
        lsc_trim_span(&s, &len);
        c->file_index = j;
        if (len == 0) {
            char name[32];
            snprintf(name, sizeof name, "(column %zu)", j + 1);
            c->name = lsc_strdup(name);
            /* An unnamed last column is what a trailing delimiter makes. */
            c->role = (j + 1 == rec->nfields && j > 0) ? DS_IGNORED : DS_FEATURE;
            if (c->role == DS_FEATURE)
                lsc_logf(log, LSC_LOG_NOTE, "column %zu has no name; calling it \"%s\"", j + 1,
                         name);
        } else {
            c->name = lsc_strndup(s, len);
        }
        if (c->name == NULL)
            return lsc_error_nomem(err);
        if (memchr(rec->fields[j], '\0', rec->lens[j]) != NULL)
            return check_text(ds, "column name", rec->fields[j], rec->lens[j], rec->line, j + 1,
                              err);
    }
    if ((st = check_duplicates(ds, rec->line, err)) != LSC_OK ||
        (st = resolve_options(ds, opts, log, err)) != LSC_OK)
        return st;
    opts = &ds->opts;
    ds->target_col = lsc_ds_find(ds->cols, ds->n_cols, opts->target);
    if (ds->target_col == SIZE_MAX)
        return unknown_column(ds, opts->target, "--target", err);
    ds->cols[ds->target_col].role = DS_TARGET;
    if (opts->include.count > 0) {
        for (size_t j = 0; j < ds->n_cols; j++)
            if (ds->cols[j].role == DS_FEATURE)
                ds->cols[j].role = DS_EXCLUDED;
        st = apply_names(ds, &opts->include, "--include", DS_FEATURE, -1, err);
        if (st != LSC_OK)
            return st;
    }
    if ((st = apply_names(ds, &opts->ids, "--id", DS_ID, -1, err)) != LSC_OK ||
        (st = apply_names(ds, &opts->exclude, "--exclude", DS_EXCLUDED, -1, err)) != LSC_OK ||
        (st = apply_names(ds, &opts->numeric, "--numeric", -1, DS_FORCE_NUMERIC, err)) != LSC_OK ||
        (st = apply_names(ds, &opts->categorical, "--categorical", -1, DS_FORCE_CATEGORICAL,
                          err)) != LSC_OK)
        return st;
    if (opts->split_by_id && opts->ids.count > 0) {
        size_t j = lsc_ds_find(ds->cols, ds->n_cols, opts->ids.items[0]);
        if (j != SIZE_MAX && ds->cols[j].role == DS_ID)
            ds->cols[j].role = DS_SPLIT_ID; /* its values choose the holdout */
    }
    for (size_t i = 0; i < opts->keep_features.count; i++) {
        size_t j = lsc_ds_find(ds->cols, ds->n_cols, opts->keep_features.items[i]);
        if (j == SIZE_MAX)
            return unknown_column(ds, opts->keep_features.items[i], "--keep-feature", err);
        ds->cols[j].keep_feature = 1;
    }
    if ((st = claim_column(ds, opts->weight, "--weight", DS_WEIGHT, err)) != LSC_OK ||
        (st = claim_column(ds, opts->split_date, "--split-date", DS_DATE, err)) != LSC_OK)
        return st;
    /* names that go into the model: the target, ids and features */
    for (size_t j = 0; j < ds->n_cols; j++) {
        const struct ds_column *c = &ds->cols[j];
        if (c->role != DS_FEATURE && c->role != DS_TARGET && c->role != DS_ID &&
            c->role != DS_WEIGHT && c->role != DS_DATE && c->role != DS_SPLIT_ID)
            continue;
        st = check_text(ds, "column name", rec->fields[j], rec->lens[j], rec->line, j + 1, err);
        if (st != LSC_OK)
            return st;
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        if (!stored(c->role))
            continue;
        c->dict = lsc_dict_new();
        if (c->dict == NULL)
            return lsc_error_nomem(err);
    }
    ds->target_dict = lsc_dict_new();
    if (ds->target_dict == NULL)
        return lsc_error_nomem(err);
    return LSC_OK;
}

static int grow_rows(struct dataset *ds)
{
    size_t cap = ds->cap ? ds->cap * 2 : 4096;
    uint32_t *tc = lsc_reallocarray(ds->target_codes, cap, sizeof *tc);
    if (tc == NULL)
        return -1;
    ds->target_codes = tc;
    size_t *rl = lsc_reallocarray(ds->row_line, cap, sizeof *rl);
    if (rl == NULL)
        return -1;
    ds->row_line = rl;
    size_t *rn = lsc_reallocarray(ds->row_number, cap, sizeof *rn);
    if (rn == NULL)
        return -1;
    ds->row_number = rn;
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        if (!stored(c->role))
            continue;
        if (c->raw != NULL) {
            double *r = lsc_reallocarray(c->raw, cap, sizeof *r);
            if (r == NULL)
                return -1;
            c->raw = r;
        } else {
            uint32_t *k = lsc_reallocarray(c->codes, cap, sizeof *k);
            if (k == NULL)
                return -1;
            c->codes = k;
        }
    }
    ds->cap = cap;
    return 0;
}

/* Too many distinct numbers for a dictionary: keep raw doubles instead. */
static int switch_to_raw(struct ds_column *c, size_t n_rows, size_t cap)
{
    double *raw = lsc_calloc(cap, sizeof *raw);
    if (raw == NULL)
        return -1;
    for (size_t i = 0; i < n_rows; i++)
        raw[i] = c->codes[i] == 0 ? NAN : c->values[c->codes[i] - 1];
    lsc_free(c->codes);
    c->codes = NULL;
    lsc_free(c->values);
    c->values = NULL;
    lsc_dict_free(c->dict);
    c->dict = NULL;
    c->raw = raw;
    return 0;
}

static enum lsc_status store_value(struct dataset *ds, struct ds_column *c, size_t row,
                                   const char *s, size_t len, size_t line,
                                   const struct lsc_strings *na, struct lsc_error *err)
{
    lsc_trim_span(&s, &len);
    if (lsc_is_na_token(s, len, na)) {
        c->n_missing++;
        if (c->raw != NULL)
            c->raw[row] = NAN;
        else
            c->codes[row] = 0;
        return LSC_OK;
    }
    if (c->raw != NULL) {
        double v;
        if (!lsc_parse_number_dc(s, len, ds->decimal_comma, &v)) {
            v = NAN;
            if (!c->overflow) {
                c->overflow = 1;
                c->first_text_line = line;
            }
        }
        c->raw[row] = v;
        return LSC_OK;
    }
    int added = 0;
    uint32_t id = lsc_dict_intern(c->dict, s, len, &added);
    if (id == DICT_NONE)
        return lsc_error_nomem(err);
    if (added && memchr(s, '\0', len) != NULL)
        return check_text(ds, "value", s, len, line, c->file_index + 1, err);
    if (added) {
        if (id >= c->n_values_cap) {
            size_t ncap = c->n_values_cap ? c->n_values_cap * 2 : 64;
            double *v = lsc_reallocarray(c->values, ncap, sizeof *v);
            if (v == NULL)
                return lsc_error_nomem(err);
            c->values = v;
            c->n_values_cap = ncap;
        }
        double v;
        if (!lsc_parse_number_dc(s, len, ds->decimal_comma, &v)) {
            v = NAN;
            if (c->n_text++ == 0) {
                c->first_text_line = line;
                c->first_text_entry = id;
            }
        }
        c->values[id] = v;
    }
    c->codes[row] = id + 1;
    if (added && !ds->no_switch && lsc_dict_size(c->dict) > DS_MAX_DICT && c->n_text == 0 &&
        c->force != DS_FORCE_CATEGORICAL) {
        if (switch_to_raw(c, row + 1, ds->cap) != 0)
            return lsc_error_nomem(err);
    }
    return LSC_OK;
}

/* Stores one data record (or counts it as skipped for a missing target). */
static enum lsc_status add_record(struct dataset *ds, const struct csv_record *rec,
                                  const struct lsc_train_options *opts, size_t *ignored_with_values,
                                  struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    ds->rows_read++;
    const char *t = rec->fields[ds->target_col];
    size_t tlen = rec->lens[ds->target_col];
    lsc_trim_span(&t, &tlen);
    if (lsc_is_na_token(t, tlen, &opts->na_values)) {
        ds->rows_skipped_target++;
        /* still a lead of its account */
        return lsc_derive_row(ds->derive, ds->cap, rec->fields, rec->lens, rec->nfields, rec->line,
                              SIZE_MAX, &opts->na_values, err);
    }
    if (ds->n_rows == ds->cap && grow_rows(ds) != 0)
        return lsc_error_nomem(err);
    size_t row = ds->n_rows;
    int added = 0;
    uint32_t tid = lsc_dict_intern(ds->target_dict, t, tlen, &added);
    if (tid == DICT_NONE)
        return lsc_error_nomem(err);
    if (added && memchr(t, '\0', tlen) != NULL)
        return check_text(ds, "target value", t, tlen, rec->line, ds->target_col + 1, err);
    st = lsc_derive_row(ds->derive, ds->cap, rec->fields, rec->lens, rec->nfields, rec->line, row,
                        &opts->na_values, err);
    if (st != LSC_OK)
        return st;
    ds->target_codes[row] = tid;
    ds->row_line[row] = rec->line;
    ds->row_number[row] = ds->rows_read;
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        if (c->role == DS_IGNORED && rec->lens[j] > 0)
            (*ignored_with_values)++;
        if (!stored(c->role))
            continue;
        st = store_value(ds, c, row, rec->fields[j], rec->lens[j], rec->line, &opts->na_values,
                         err);
        if (st != LSC_OK)
            return st;
    }
    ds->n_rows++;
    return LSC_OK;
}

/* ---- Parallel loading of large files ------------------------------------
 *
 * After the header, a regular file of at least PAR_MIN_BYTES is read in
 * rounds of PAR_CHUNK bytes per thread. Each round's buffer is cut at the
 * last line feed outside quotes (quote parity counted from the round's start,
 * which is a record boundary: in the strict CSV the reader accepts, a quote
 * only opens, closes or doubles inside a quoted field, so even parity at a
 * line feed means it ends a record); the rest waits for the next round. The
 * complete records are cut the same way into one chunk per thread, and each
 * thread parses its chunk with its own reader into its own partial column
 * store (own dictionaries, no switch to raw). The parts are then merged in
 * file order - dictionary entries interned in the order they first appear,
 * codes remapped, line numbers shifted - which reproduces exactly what the
 * one-threaded load builds, including where a column switches to raw
 * doubles. If any chunk fails (bad quoting, a NUL byte, a ragged record,
 * memory), the load starts again from the top on one thread, so every error
 * message is the one-threaded reader's. The input hash continues from the
 * header reader's over every byte read.
 */

#define PAR_MIN_BYTES ((size_t)8 << 20)
#define PAR_CHUNK ((size_t)4 << 20)
#define PAR_MAX_ROUND ((size_t)256 << 20)
#define LSC_FALLBACK ((enum lsc_status)1000) /* internal: redo on one thread */

static size_t count_quotes(const unsigned char *p, size_t n)
{
    size_t q = 0;
    for (size_t i = 0; i < n; i++)
        q += p[i] == '"';
    return q;
}

/* One past the first line feed at or after from (from <= n) with an even
 * number of quotes before it in p[0..); n when there is none. q0 is the
 * number of quotes in p[0..from). */
static size_t split_after(const unsigned char *p, size_t n, size_t from, size_t q0)
{
    size_t q = q0;
    while (from < n) {
        const unsigned char *lf = memchr(p + from, '\n', n - from);
        if (lf == NULL)
            return n;
        size_t at = (size_t)(lf - p);
        q += count_quotes(p + from, at - from);
        if (q % 2 == 0)
            return at + 1;
        from = at + 1;
    }
    return n;
}

/* One past the last line feed in p[0..n) with an even number of quotes
 * before it; 0 when there is none. */
static size_t last_split(const unsigned char *p, size_t n)
{
    size_t q = count_quotes(p, n);
    size_t end = n;
    while (end > 0) {
        size_t at = end;
        while (at > 0 && p[at - 1] != '\n')
            at--;
        if (at == 0)
            return 0;
        at--; /* the line feed */
        q -= count_quotes(p + at, end - at);
        if (q % 2 == 0)
            return at + 1;
        end = at;
    }
    return 0;
}

static void part_free(struct dataset *p)
{
    if (p == NULL)
        return;
    p->file = NULL; /* borrowed */
    lsc_dataset_free(p);
}

/* An empty partial store shaped like ds (roles, raw or dictionary). */
static struct dataset *part_new(const struct dataset *ds)
{
    struct dataset *p = lsc_calloc(1, sizeof *p);
    if (p == NULL)
        return NULL;
    p->file = ds->file;
    p->no_switch = 1;
    p->decimal_comma = ds->decimal_comma;
    p->target_col = ds->target_col;
    p->cols = lsc_calloc(ds->n_cols, sizeof *p->cols);
    p->target_dict = lsc_dict_new();
    if (p->cols == NULL || p->target_dict == NULL)
        goto fail;
    p->n_cols = ds->n_cols;
    for (size_t j = 0; j < ds->n_cols; j++) {
        const struct ds_column *g = &ds->cols[j];
        struct ds_column *c = &p->cols[j];
        c->file_index = g->file_index;
        c->role = g->role;
        c->force = g->force;
        if (!stored(c->role))
            continue;
        if (g->raw != NULL)
            c->raw = lsc_calloc(1, sizeof *c->raw);
        else
            c->dict = lsc_dict_new();
        if (c->raw == NULL && c->dict == NULL)
            goto fail;
    }
    return p;
fail:
    part_free(p);
    return NULL;
}

struct par_task {
    const unsigned char *data;
    size_t len;
    const struct csv_reader_opts *ropts;
    size_t expected;
    const struct lsc_train_options *opts;
    struct dataset *part;
    size_t ignored;
    size_t lines;     /* line feeds in the chunk */
    enum lsc_status st;
    struct lsc_error err;
};

struct par_round {
    struct par_task *tasks;
    size_t ntasks;            /* parse tasks; task ntasks hashes */
    struct sha256_ctx *sha;
    const unsigned char *hash_data;
    size_t hash_len;
};

static void par_parse(void *ctx, size_t k)
{
    struct par_round *round = ctx;
    if (k == round->ntasks) {
        lsc_sha256_update(round->sha, round->hash_data, round->hash_len);
        return;
    }
    struct par_task *t = &round->tasks[k];
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    t->st = lsc_csv_reader_open_mem(&r, t->data, t->len, t->part->file, t->ropts, t->expected,
                                &t->err);
    while (t->st == LSC_OK) {
        t->st = lsc_csv_reader_next(r, &rec, &t->err);
        if (t->st != LSC_OK || rec == NULL)
            break;
        t->st = add_record(t->part, rec, t->opts, &t->ignored, &t->err);
    }
    if (t->st == LSC_OK)
        t->lines = lsc_csv_reader_line(r) - 1;
    lsc_csv_reader_free(r);
}

static int grow_to(struct dataset *ds, size_t rows)
{
    while (ds->cap < rows)
        if (grow_rows(ds) != 0)
            return -1;
    return 0;
}

static int ensure_values(struct ds_column *c, size_t n)
{
    if (n <= c->n_values_cap)
        return 0;
    size_t ncap = c->n_values_cap ? c->n_values_cap : 64;
    while (ncap < n)
        ncap *= 2;
    double *v = lsc_reallocarray(c->values, ncap, sizeof *v);
    if (v == NULL)
        return -1;
    c->values = v;
    c->n_values_cap = ncap;
    return 0;
}

/* Appends a dictionary-coded part column to a dictionary-coded column, rows
 * [n0, n0 + p->n_rows) of ds; see the comment above for why this equals the
 * one-threaded load. map has room for the part's dictionary. */
static int merge_dict_column(struct dataset *ds, struct ds_column *g, const struct dataset *p,
                             const struct ds_column *c, size_t n0, size_t line0, uint32_t *map)
{
    size_t m = lsc_dict_size(c->dict);
    size_t rows = p->n_rows;
    size_t switched_at = SIZE_MAX;
    for (size_t k = 0; k < m; k++) {
        int added = 0;
        uint32_t id = lsc_dict_intern(g->dict, lsc_dict_str(c->dict, (uint32_t)k),
                                  lsc_dict_len(c->dict, (uint32_t)k), &added);
        if (id == DICT_NONE)
            return -1;
        if (added) {
            if (ensure_values(g, (size_t)id + 1) != 0)
                return -1;
            double v = c->values[k];
            g->values[id] = v;
            if (isnan(v) && g->n_text++ == 0) {
                g->first_text_line = c->first_text_line + line0;
                g->first_text_entry = id;
            }
        }
        map[k] = id + 1;
        if (added && lsc_dict_size(g->dict) > DS_MAX_DICT && g->n_text == 0 &&
            g->force != DS_FORCE_CATEGORICAL) {
            switched_at = k;
            break;
        }
    }
    if (switched_at == SIZE_MAX) {
        for (size_t i = 0; i < rows; i++)
            g->codes[n0 + i] = c->codes[i] == 0 ? 0 : map[c->codes[i] - 1];
        return 0;
    }
    /* The one-threaded load switches to raw doubles on the row where entry
     * switched_at first appears; text first seen after that marks overflow. */
    if (switch_to_raw(g, n0, ds->cap) != 0)
        return -1;
    for (size_t i = 0; i < rows; i++) {
        uint32_t code = c->codes[i];
        double v = code == 0 ? NAN : c->values[code - 1];
        g->raw[n0 + i] = v;
        if (code != 0 && code - 1 > switched_at && isnan(v) && !g->overflow) {
            g->overflow = 1;
            g->first_text_line = p->row_line[i] + line0;
        }
    }
    return 0;
}

#define MERGE_MAX_THREADS 8

struct merge_ctx {
    struct dataset *ds;
    const struct dataset *p;
    size_t n0, line0, map_cap, ntasks;
    int failed[MERGE_MAX_THREADS];
};

/* Task k merges the feature columns j with j % ntasks == k (columns are
 * independent, so the result does not depend on the split). */
/* A dictionary-coded part appended to a column that is raw doubles already
 * (an earlier part switched it): the values by code; text, as in the
 * one-threaded load after its switch, marks the column overflowed. */
static void append_codes_as_raw(struct ds_column *g, const struct dataset *p,
                                const struct ds_column *c, size_t n0, size_t line0)
{
    for (size_t i = 0; i < p->n_rows; i++) {
        uint32_t code = c->codes[i];
        double v = code == 0 ? NAN : c->values[code - 1];
        g->raw[n0 + i] = v;
        if (code != 0 && isnan(v) && !g->overflow) {
            g->overflow = 1;
            g->first_text_line = p->row_line[i] + line0;
        }
    }
}

static void merge_columns(void *ctx, size_t k)
{
    struct merge_ctx *m = ctx;
    struct dataset *ds = m->ds;
    const struct dataset *p = m->p;
    size_t rows = p->n_rows;
    uint32_t *map = lsc_reallocarray(NULL, m->map_cap > 0 ? m->map_cap : 1, sizeof *map);
    if (map == NULL) {
        m->failed[k] = 1;
        return;
    }
    for (size_t j = k; j < ds->n_cols; j += m->ntasks) {
        struct ds_column *g = &ds->cols[j];
        const struct ds_column *c = &p->cols[j];
        if (!stored(g->role))
            continue;
        g->n_missing += c->n_missing;
        /* a part that switched to raw doubles on its own (over 65,536
         * distinct numbers in one chunk) switches the whole column */
        if (g->raw == NULL && c->raw != NULL && switch_to_raw(g, m->n0, ds->cap) != 0) {
            m->failed[k] = 1;
            break;
        }
        if (g->raw != NULL && c->raw != NULL) {
            memcpy(g->raw + m->n0, c->raw, rows * sizeof *c->raw);
            if (c->overflow && !g->overflow) {
                g->overflow = 1;
                g->first_text_line = c->first_text_line + m->line0;
            }
        } else if (g->raw != NULL) {
            append_codes_as_raw(g, p, c, m->n0, m->line0);
        } else if (merge_dict_column(ds, g, p, c, m->n0, m->line0, map) != 0) {
            m->failed[k] = 1;
            break;
        }
    }
    lsc_free(map);
}

/* Appends part p (its lines counted from 1) to ds; line0 is the line of the
 * part's first byte minus one. */
static enum lsc_status merge_part(struct dataset *ds, const struct dataset *p, size_t line0,
                                  struct lsc_error *err)
{
    size_t n0 = ds->n_rows, rows = p->n_rows;
    uint32_t *map = NULL;
    size_t map_cap = lsc_dict_size(p->target_dict);
    for (size_t j = 0; j < p->n_cols; j++)
        if (p->cols[j].dict != NULL && lsc_dict_size(p->cols[j].dict) > map_cap)
            map_cap = lsc_dict_size(p->cols[j].dict);
    if (grow_to(ds, n0 + rows) != 0)
        goto nomem;
    map = lsc_reallocarray(NULL, map_cap > 0 ? map_cap : 1, sizeof *map);
    if (map == NULL)
        goto nomem;
    for (size_t k = 0; k < lsc_dict_size(p->target_dict); k++) {
        uint32_t id = lsc_dict_intern(ds->target_dict, lsc_dict_str(p->target_dict, (uint32_t)k),
                                  lsc_dict_len(p->target_dict, (uint32_t)k), NULL);
        if (id == DICT_NONE)
            goto nomem;
        map[k] = id;
    }
    for (size_t i = 0; i < rows; i++) {
        ds->target_codes[n0 + i] = map[p->target_codes[i]];
        ds->row_line[n0 + i] = p->row_line[i] + line0;
        ds->row_number[n0 + i] = p->row_number[i] + ds->rows_read;
    }
    {
        size_t nt = p->n_rows >= 4096 ? lsc_parallel_threads(SIZE_MAX) : 1;
        if (nt > MERGE_MAX_THREADS)
            nt = MERGE_MAX_THREADS;
        struct merge_ctx mc = {ds, p, n0, line0, map_cap, nt, {0}};
        lsc_parallel_run(nt, merge_columns, &mc);
        for (size_t k = 0; k < nt; k++)
            if (mc.failed[k])
                goto nomem;
    }
    ds->n_rows += rows;
    ds->rows_read += p->rows_read;
    ds->rows_skipped_target += p->rows_skipped_target;
    lsc_free(map);
    return LSC_OK;
nomem:
    lsc_free(map);
    return lsc_error_nomem(err);
}

static size_t env_size(const char *name)
{
    const char *v = getenv(name);
    if (v == NULL || *v == '\0')
        return 0;
    char *end = NULL;
    unsigned long long n = strtoull(v, &end, 10);
    return (end != NULL && *end == '\0' && n > 0) ? (size_t)n : 0;
}

/* The rest of the file after the header, on several threads. LSC_FALLBACK
 * when a chunk failed or a record is too long to cut the file: the caller
 * starts again on one thread. */
static enum lsc_status load_parallel(struct dataset *ds, struct csv_reader *r,
                                     const struct csv_tail *tail,
                                     const struct lsc_train_options *opts, size_t nthreads,
                                     size_t chunk, size_t *ignored, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct sha256_ctx sha = tail->sha;
    struct csv_reader_opts ropts = {tail->delimiter, 0, opts->max_field_size};
    struct par_task *tasks = NULL;
    unsigned char *buf = NULL;
    size_t len = tail->n_buffered, want = nthreads * chunk;
    size_t line0 = tail->line - 1;
    size_t hashed; /* buf[0..hashed) is in sha */
    int eof = tail->eof;
    if (want < len)
        want = len;
    buf = lsc_malloc(want);
    tasks = lsc_calloc(nthreads, sizeof *tasks);
    if (buf == NULL || tasks == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if (len > 0)
        memcpy(buf, tail->buffered, len);
    hashed = len; /* the header reader hashed what it read */
    for (;;) {
        while (!eof && len < want) {
            errno = 0;
            size_t n = fread(buf + len, 1, want - len, tail->fp);
            len += n;
            if (n == 0 || len < want) {
                if (ferror(tail->fp)) {
                    /* the one-threaded reader words it best (gzip errors) */
                    st = LSC_FALLBACK;
                    goto cleanup;
                }
                eof = 1;
            }
        }
        if (len == 0)
            break;
        size_t end = eof ? len : last_split(buf, len);
        if (end == 0) {
            /* not one whole record in the buffer: read more, within reason */
            if (want >= PAR_MAX_ROUND) {
                st = LSC_FALLBACK;
                goto cleanup;
            }
            want *= 2;
            unsigned char *nb = lsc_realloc(buf, want);
            if (nb == NULL) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            buf = nb;
            continue;
        }
        /* cut [0, end) into up to nthreads chunks at record boundaries */
        size_t nt = 0, from = 0, q = 0;
        while (from < end && nt < nthreads) {
            size_t target = from + (end - from) / (nthreads - nt);
            size_t cut = nt + 1 == nthreads ? end : split_after(buf, end, target, q + count_quotes(buf + from, target - from));
            if (cut > end)
                cut = end;
            struct par_task *t = &tasks[nt];
            memset(t, 0, sizeof *t);
            t->data = buf + from;
            t->len = cut - from;
            t->ropts = &ropts;
            t->expected = tail->expected;
            t->opts = opts;
            t->part = part_new(ds);
            if (t->part == NULL) {
                nt++;
                st = lsc_error_nomem(err);
                goto free_parts;
            }
            q += count_quotes(buf + from, cut - from);
            from = cut;
            nt++;
        }
        /* bytes [hashed, len) were read since the last round */
        struct par_round round = {tasks, nt, &sha, buf + hashed, len - hashed};
        lsc_parallel_run(nt + 1, par_parse, &round);
        hashed = len;
        for (size_t k = 0; k < nt && st == LSC_OK; k++)
            if (tasks[k].st != LSC_OK)
                st = LSC_FALLBACK;
        for (size_t k = 0; k < nt && st == LSC_OK; k++) {
            st = merge_part(ds, tasks[k].part, line0, err);
            line0 += tasks[k].lines;
            *ignored += tasks[k].ignored;
        }
    free_parts:
        for (size_t k = 0; k < nt; k++) {
            part_free(tasks[k].part);
            tasks[k].part = NULL;
        }
        if (st != LSC_OK)
            goto cleanup;
        memmove(buf, buf + end, len - end);
        len -= end;
        hashed = len;
        lsc_csv_reader_tail_advance(r, end);
        progress_report(opts->progress, opts->progress_userdata, r, ds->rows_read,
                        eof && len == 0);
        if (eof && len == 0)
            break;
    }
    {
        unsigned char digest[32];
        lsc_sha256_final(&sha, digest);
        lsc_sha256_hex(digest, ds->sha256);
    }
cleanup:
    lsc_free(tasks);
    lsc_free(buf);
    return st;
}

/* Threads and chunk size for the parallel load of this input, or 0 threads
 * for one-threaded: regular files of PAR_MIN_BYTES or more, with the threads
 * of lsc_parallel_threads() (LEADSCORE_THREADS) or LEADSCORE_PARSE_THREADS.
 * LEADSCORE_PARSE_CHUNK (bytes per thread and round) forces the parallel
 * path onto any regular file, for tests. */
static size_t parallel_plan(const char *path, size_t *chunk)
{
    struct stat sb;
    size_t forced = env_size("LEADSCORE_PARSE_CHUNK");
    if (path == NULL || strcmp(path, "-") == 0 || stat(path, &sb) != 0 || !S_ISREG(sb.st_mode))
        return 0;
    if (forced == 0 && (size_t)sb.st_size < PAR_MIN_BYTES)
        return 0;
    size_t threads = env_size("LEADSCORE_PARSE_THREADS");
    if (threads == 0 || threads > 64)
        threads = lsc_parallel_threads(SIZE_MAX);
    if (threads < 2)
        return 0;
    *chunk = forced != 0 ? forced : PAR_CHUNK;
    return threads;
}

static enum lsc_status load(struct dataset **out, const struct lsc_train_options *opts,
                            const struct lsc_log *log, int allow_parallel, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct dataset *ds = NULL;
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    size_t ignored_with_values = 0;
    struct csv_reader_opts ropts = {opts->delimiter, 0, opts->max_field_size};
    struct csv_tail tail;
    size_t nthreads = 0, chunk = 0;

    *out = NULL;
    ds = lsc_calloc(1, sizeof *ds);
    if (ds == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    ds->decimal_comma = opts->decimal_comma;
    ds->date_format = opts->date_format;
    st = lsc_csv_reader_open(&r, opts->input, &ropts, err);
    if (st == LSC_OK)
        st = lsc_csv_reader_set_encoding(r, opts->encoding, err);
    if (st != LSC_OK)
        goto cleanup;
    ds->file = lsc_strdup(lsc_csv_reader_name(r));
    if (ds->file == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = lsc_csv_reader_next(r, &rec, err);
    if (st != LSC_OK)
        goto cleanup;
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, lsc_csv_reader_name(r), 0, 0,
                           "empty file: a header row is required");
        goto cleanup;
    }
    /* a second, one-threaded attempt does not repeat the header's notes */
    st = setup_header(ds, rec, opts, allow_parallel ? log : NULL, err);
    if (st != LSC_OK)
        goto cleanup;
    opts = &ds->opts; /* the names as the header spells them */
    if (st == LSC_OK)
        st = lsc_derive_setup(&ds->derive, ds->cols, ds->n_cols, ds->file, opts,
                              allow_parallel ? log : NULL, err);
    if (st != LSC_OK)
        goto cleanup;
    /* derived features (derive.h) keep per-row state: one thread */
    if (allow_parallel && ds->derive == NULL &&
        (nthreads = parallel_plan(opts->input, &chunk)) > 0 &&
        lsc_csv_reader_tail(r, &tail)) {
        st = load_parallel(ds, r, &tail, opts, nthreads, chunk, &ignored_with_values, err);
        if (st != LSC_OK)
            goto cleanup;
    } else {
        for (;;) {
            st = lsc_csv_reader_next(r, &rec, err);
            if (st != LSC_OK)
                goto cleanup;
            if (rec == NULL) {
                progress_report(opts->progress, opts->progress_userdata, r, ds->rows_read, 1);
                break;
            }
            st = add_record(ds, rec, opts, &ignored_with_values, err);
            progress_tick(opts->progress, opts->progress_userdata, r, ds->rows_read);
            if (st != LSC_OK)
                goto cleanup;
        }
        lsc_csv_reader_sha256_hex(r, ds->sha256);
    }
    if ((st = lsc_derive_finish(ds->derive, &ds->cols, &ds->n_cols, ds->n_rows, log, err)) !=
        LSC_OK)
        goto cleanup;
    if (ds->rows_read == 0) {
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, 0, 0,
                           "no data rows: the file has a header only");
        goto cleanup;
    }
    if (ds->n_rows == 0) {
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, 0, 0,
                           "no usable rows: the target \"%s\" is missing in all %zu data rows",
                           opts->target, ds->rows_read);
        goto cleanup;
    }
    if (lsc_csv_reader_looks_utf8(r))
        lsc_logf(log, LSC_LOG_WARN, LSC_LOOKS_UTF8_WARNING, ds->file,
                 lsc_encoding_name(opts->encoding));
    if (ignored_with_values > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "the last column has no name but %zu rows have a value in it; it was ignored",
                 ignored_with_values);
    if (ds->rows_skipped_target > 0)
        lsc_logf(log, LSC_LOG_NOTE, "skipped %zu rows with a missing target \"%s\"",
                 ds->rows_skipped_target, opts->target);
cleanup:
    if (st != LSC_OK && st != LSC_FALLBACK && err != NULL && err->file[0] == '\0' && r != NULL)
        snprintf(err->file, sizeof err->file, "%s", lsc_csv_reader_name(r));
    lsc_csv_reader_free(r);
    if (st != LSC_OK)
        lsc_dataset_free(ds);
    else
        *out = ds;
    return st;
}

enum lsc_status lsc_dataset_load(struct dataset **out, const struct lsc_train_options *opts,
                             const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = load(out, opts, log, 1, err);
    if (st == LSC_FALLBACK) {
        /* the header's notes were logged by the first attempt */
        lsc_error_clear(err);
        st = load(out, opts, NULL, 0, err);
    }
    return st;
}

/* Column j of the kept rows, in place: codes or raw doubles moved down, the
 * missing count recounted; a dictionary is rebuilt from the kept rows (in
 * the order their values first appear, as the loader interns them), so
 * levels and text seen only in dropped rows are gone. */
static enum lsc_status keep_column_rows(struct dataset *ds, struct ds_column *c,
                                        const unsigned char *keep, struct lsc_error *err)
{
    size_t n = 0;
    c->n_missing = 0;
    if (c->raw != NULL) {
        for (size_t i = 0; i < ds->n_rows; i++)
            if (keep[i]) {
                c->raw[n] = c->raw[i];
                c->n_missing += isnan(c->raw[n]) ? 1 : 0;
                n++;
            }
        return LSC_OK;
    }
    size_t nd = lsc_dict_size(c->dict);
    uint32_t *map = lsc_malloc((nd ? nd : 1) * sizeof *map);
    double *values = lsc_malloc((nd ? nd : 1) * sizeof *values);
    struct dict *d = lsc_dict_new();
    if (map == NULL || values == NULL || d == NULL) {
        lsc_free(map);
        lsc_free(values);
        lsc_dict_free(d);
        return lsc_error_nomem(err);
    }
    for (size_t k = 0; k < nd; k++)
        map[k] = DICT_NONE;
    c->n_text = 0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        if (!keep[i])
            continue;
        uint32_t code = c->codes[i];
        if (code != 0 && map[code - 1] == DICT_NONE) {
            uint32_t id = lsc_dict_intern(d, lsc_dict_str(c->dict, code - 1),
                                          lsc_dict_len(c->dict, code - 1), NULL);
            if (id == DICT_NONE) {
                lsc_free(map);
                lsc_free(values);
                lsc_dict_free(d);
                return lsc_error_nomem(err);
            }
            map[code - 1] = id;
            values[id] = c->values[code - 1];
            if (isnan(values[id]) && c->n_text++ == 0) {
                c->first_text_line = ds->row_line[i];
                c->first_text_entry = id;
            }
        }
        c->n_missing += code == 0;
        c->codes[n++] = code == 0 ? 0 : map[code - 1] + 1;
    }
    lsc_free(map);
    lsc_free(c->values);
    lsc_dict_free(c->dict);
    c->values = values;
    c->n_values_cap = nd ? nd : 1;
    c->dict = d;
    return LSC_OK;
}

/* Leaves out the rows whose keep[i] is 0 (a target neither positive nor
 * negative), as if the file had not held them; ds->y is not set yet. */
static enum lsc_status keep_rows(struct dataset *ds, const unsigned char *keep,
                                 struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    for (size_t j = 0; j < ds->n_cols && st == LSC_OK; j++)
        if (stored(ds->cols[j].role))
            st = keep_column_rows(ds, &ds->cols[j], keep, err);
    if (st != LSC_OK)
        return st;
    size_t n = 0;
    for (size_t i = 0; i < ds->n_rows; i++)
        if (keep[i]) {
            ds->target_codes[n] = ds->target_codes[i];
            ds->row_line[n] = ds->row_line[i];
            ds->row_number[n] = ds->row_number[i];
            n++;
        }
    ds->rows_skipped_value = ds->n_rows - n;
    ds->n_rows = n;
    return LSC_OK;
}

/* The class of each distinct target value, through the label map (notes on
 * what it matched go to log); LSC_ERR_DATA naming the values when some are
 * not recognised. */
static enum lsc_status target_classes(const struct dataset *ds,
                                      const struct lsc_train_options *opts,
                                      const struct lsc_log *log, int *cls,
                                      struct lsc_error *err)
{
    struct label_map lm;
    size_t nd = lsc_dict_size(ds->target_dict), unrecognised = 0;
    size_t *rows = lsc_calloc(nd ? nd : 1, sizeof *rows);
    enum lsc_status st = rows == NULL ? lsc_error_nomem(err)
                                      : lsc_label_map_init(&lm, &opts->positive, &opts->negative,
                                                           err);
    if (st != LSC_OK) {
        lsc_free(rows);
        return st;
    }
    for (size_t i = 0; i < ds->n_rows; i++)
        rows[ds->target_codes[i]]++;
    for (uint32_t k = 0; k < nd && st == LSC_OK; k++) {
        cls[k] = lsc_label_map_add(&lm, lsc_dict_str(ds->target_dict, k),
                                   lsc_dict_len(ds->target_dict, k), rows[k]);
        if (cls[k] == LABEL_NOMEM)
            st = lsc_error_nomem(err);
        unrecognised += cls[k] == LABEL_UNKNOWN;
    }
    if (st == LSC_OK && unrecognised == 0)
        lsc_label_map_notes(&lm, "target", opts->target, log);
    lsc_label_map_fini(&lm);
    lsc_free(rows);
    if (st != LSC_OK || unrecognised == 0)
        return st;
    char list[600];
    size_t used = 0;
    list[0] = '\0';
    for (uint32_t k = 0; k < nd && k < 20 && used + 4 < sizeof list; k++) {
        int w = snprintf(list + used, sizeof list - used, "%s\"%s\"", k ? ", " : "",
                         lsc_dict_str(ds->target_dict, k));
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                         "target \"%s\" has values other than 1/0, true/false, yes/no, y/n "
                         "(%zu distinct: %s%s); say which mean converted with --positive VALUE",
                         opts->target, nd, list, nd > 20 ? ", ..." : "");
}

enum lsc_status lsc_dataset_map_target(struct dataset *ds, const struct lsc_train_options *opts,
                                       const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t nd = lsc_dict_size(ds->target_dict);
    int *cls = lsc_calloc(nd ? nd : 1, sizeof *cls);
    unsigned char *keep = NULL;
    if (cls == NULL)
        return lsc_error_nomem(err);
    if ((st = target_classes(ds, opts, log, cls, err)) != LSC_OK)
        goto cleanup;
    size_t skipped = 0;
    for (size_t i = 0; i < ds->n_rows; i++)
        skipped += cls[ds->target_codes[i]] == LABEL_SKIPPED;
    if (skipped > 0) {
        if ((keep = lsc_malloc(ds->n_rows)) == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        for (size_t i = 0; i < ds->n_rows; i++)
            keep[i] = cls[ds->target_codes[i]] != LABEL_SKIPPED;
        if ((st = keep_rows(ds, keep, err)) != LSC_OK)
            goto cleanup;
    }
    if (ds->n_rows == 0) {
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, 0, 0,
                           "no usable rows: the target \"%s\" of every row is neither a "
                           "--positive nor a --negative value",
                           opts->target);
        goto cleanup;
    }
    ds->y = lsc_calloc(ds->n_rows, sizeof *ds->y);
    if (ds->y == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    ds->positives = 0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        ds->y[i] = cls[ds->target_codes[i]] == LABEL_POSITIVE ? 1.0 : 0.0;
        ds->positives += ds->y[i] > 0.5;
    }
    if (ds->positives == 0 || ds->positives == ds->n_rows)
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "target \"%s\" has only one class in %zu usable rows (%zu converted); "
                           "two are needed%s",
                           opts->target, ds->n_rows, ds->positives,
                           opts->positive.count ? " (check the --positive values)" : "");
cleanup:
    lsc_free(cls);
    lsc_free(keep);
    return st;
}
