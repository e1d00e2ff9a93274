#include "dataset.h"

#include "derive.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "csv_reader.h"
#include "status_internal.h"
#include "util.h"

void dataset_free(struct dataset *ds)
{
    if (ds == NULL)
        return;
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        lsc_free(c->name);
        dict_free(c->dict);
        lsc_free(c->codes);
        lsc_free(c->values);
        lsc_free(c->raw);
    }
    lsc_free(ds->cols);
    lsc_free(ds->file);
    dict_free(ds->target_dict);
    lsc_free(ds->target_codes);
    lsc_free(ds->row_line);
    lsc_free(ds->row_number);
    lsc_free(ds->y);
    derive_state_free(ds->derive);
    lsc_free(ds);
}

double ds_value(const struct ds_column *c, size_t i)
{
    if (c->raw != NULL)
        return c->raw[i];
    uint32_t code = c->codes[i];
    return code == 0 ? NAN : c->values[code - 1];
}

int ds_is_numeric(const struct ds_column *c) { return c->n_text == 0 && !c->overflow; }

static size_t find_column(const struct dataset *ds, const char *name)
{
    for (size_t j = 0; j < ds->n_cols; j++)
        if (ds->cols[j].role != DS_IGNORED && strcmp(ds->cols[j].name, name) == 0)
            return j;
    return SIZE_MAX;
}

static enum lsc_status unknown_column(const struct dataset *ds, const char *name,
                                      const char *option, struct lsc_error *err)
{
    char list[LSC_ERROR_MSG_MAX];
    size_t used = 0;
    list[0] = '\0';
    for (size_t j = 0; j < ds->n_cols && used + 8 < sizeof list; j++) {
        if (ds->cols[j].role == DS_IGNORED)
            continue;
        int w = snprintf(list + used, sizeof list - used, "%s\"%s\"", used ? ", " : "",
                         ds->cols[j].name);
        if (w < 0)
            break;
        used += (size_t)w;
    }
    return lsc_error_set(err, LSC_ERR_USAGE, ds->file, 0, 0,
                         "unknown column \"%s\" in %s; the header has: %s", name, option, list);
}

/* Applies one option's list of column names: sets role or force. */
static enum lsc_status apply_names(struct dataset *ds, const struct lsc_strings *names,
                                   const char *option, int role, int force, struct lsc_error *err)
{
    for (size_t i = 0; i < names->count; i++) {
        size_t j = find_column(ds, names->items[i]);
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

#define REENCODE_HINT "re-encode the file as UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)"

/* Text that is not UTF-8 cannot go into a model (JSON), and a NUL byte means
 * binary data or UTF-16; both are refused where they are seen. */
static enum lsc_status check_text(const struct dataset *ds, const char *what, const char *s,
                                  size_t len, size_t line, size_t column, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t bad = 0;
    char shown[160];
    if (memchr(s, '\0', len) != NULL) {
        escape_bytes(s, len, shown, sizeof shown);
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, line, column,
                           "%s \"%s\" contains a NUL byte: the file is binary, or UTF-16 "
                           "text; save it as UTF-8 text",
                           what, shown);
    } else if (!utf8_valid(s, len, &bad)) {
        escape_bytes(s, len, shown, sizeof shown);
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
    struct dict *seen = dict_new();
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
        uint32_t id = dict_intern(seen, c->name, strlen(c->name), &added);
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
    dict_free(seen);
    lsc_free(first);
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
        trim_span(&s, &len);
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
    if ((st = check_duplicates(ds, rec->line, err)) != LSC_OK)
        return st;
    ds->target_col = find_column(ds, opts->target);
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
    /* names that go into the model: the target, ids and features */
    for (size_t j = 0; j < ds->n_cols; j++) {
        const struct ds_column *c = &ds->cols[j];
        if (c->role != DS_FEATURE && c->role != DS_TARGET && c->role != DS_ID)
            continue;
        st = check_text(ds, "column name", rec->fields[j], rec->lens[j], rec->line, j + 1, err);
        if (st != LSC_OK)
            return st;
    }
    for (size_t j = 0; j < ds->n_cols; j++) {
        struct ds_column *c = &ds->cols[j];
        if (c->role != DS_FEATURE)
            continue;
        c->dict = dict_new();
        if (c->dict == NULL)
            return lsc_error_nomem(err);
    }
    ds->target_dict = dict_new();
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
        if (c->role != DS_FEATURE)
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
    dict_free(c->dict);
    c->dict = NULL;
    c->raw = raw;
    return 0;
}

static enum lsc_status store_value(struct dataset *ds, struct ds_column *c, size_t row,
                                   const char *s, size_t len, size_t line,
                                   const struct lsc_strings *na, struct lsc_error *err)
{
    trim_span(&s, &len);
    if (is_na_token(s, len, na)) {
        c->n_missing++;
        if (c->raw != NULL)
            c->raw[row] = NAN;
        else
            c->codes[row] = 0;
        return LSC_OK;
    }
    if (c->raw != NULL) {
        double v;
        if (!parse_number(s, len, &v)) {
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
    uint32_t id = dict_intern(c->dict, s, len, &added);
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
        if (!parse_number(s, len, &v)) {
            v = NAN;
            if (c->n_text++ == 0) {
                c->first_text_line = line;
                c->first_text_entry = id;
            }
        }
        c->values[id] = v;
    }
    c->codes[row] = id + 1;
    if (added && dict_size(c->dict) > DS_MAX_DICT && c->n_text == 0 &&
        c->force != DS_FORCE_CATEGORICAL) {
        if (switch_to_raw(c, row + 1, ds->cap) != 0)
            return lsc_error_nomem(err);
    }
    return LSC_OK;
}

enum lsc_status dataset_load(struct dataset **out, const struct lsc_train_options *opts,
                             const struct lsc_log *log, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    struct dataset *ds = NULL;
    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    size_t ignored_with_values = 0;
    struct csv_reader_opts ropts = {opts->delimiter, 0};

    *out = NULL;
    ds = lsc_calloc(1, sizeof *ds);
    if (ds == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = csv_reader_open(&r, opts->input, &ropts, err);
    if (st != LSC_OK)
        goto cleanup;
    ds->file = lsc_strdup(csv_reader_name(r));
    if (ds->file == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    st = csv_reader_next(r, &rec, err);
    if (st != LSC_OK)
        goto cleanup;
    if (rec == NULL) {
        st = lsc_error_set(err, LSC_ERR_DATA, csv_reader_name(r), 0, 0,
                           "empty file: a header row is required");
        goto cleanup;
    }
    st = setup_header(ds, rec, opts, log, err);
    if (st == LSC_OK)
        st = derive_setup(ds, opts, log, err);
    if (st != LSC_OK)
        goto cleanup;
    for (;;) {
        st = csv_reader_next(r, &rec, err);
        if (st != LSC_OK)
            goto cleanup;
        if (rec == NULL)
            break;
        ds->rows_read++;
        const char *t = rec->fields[ds->target_col];
        size_t tlen = rec->lens[ds->target_col];
        trim_span(&t, &tlen);
        if (is_na_token(t, tlen, &opts->na_values)) {
            ds->rows_skipped_target++;
            /* still a lead of its account */
            st = derive_row(ds, rec->fields, rec->lens, rec->nfields, rec->line, SIZE_MAX,
                            &opts->na_values, err);
            if (st != LSC_OK)
                goto cleanup;
            continue;
        }
        if (ds->n_rows == ds->cap && grow_rows(ds) != 0) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        size_t row = ds->n_rows;
        int added = 0;
        uint32_t tid = dict_intern(ds->target_dict, t, tlen, &added);
        if (tid == DICT_NONE) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        if (added && memchr(t, '\0', tlen) != NULL) {
            st = check_text(ds, "target value", t, tlen, rec->line, ds->target_col + 1, err);
            goto cleanup;
        }
        st = derive_row(ds, rec->fields, rec->lens, rec->nfields, rec->line, row,
                        &opts->na_values, err);
        if (st != LSC_OK)
            goto cleanup;
        ds->target_codes[row] = tid;
        ds->row_line[row] = rec->line;
        ds->row_number[row] = ds->rows_read;
        for (size_t j = 0; j < ds->n_cols; j++) {
            struct ds_column *c = &ds->cols[j];
            if (c->role == DS_IGNORED && rec->lens[j] > 0)
                ignored_with_values++;
            if (c->role != DS_FEATURE)
                continue;
            st = store_value(ds, c, row, rec->fields[j], rec->lens[j], rec->line,
                             &opts->na_values, err);
            if (st != LSC_OK)
                goto cleanup;
        }
        ds->n_rows++;
    }
    if ((st = derive_finish(ds, log, err)) != LSC_OK)
        goto cleanup;
    csv_reader_sha256_hex(r, ds->sha256);
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
    if (ignored_with_values > 0)
        lsc_logf(log, LSC_LOG_WARN,
                 "the last column has no name but %zu rows have a value in it; it was ignored",
                 ignored_with_values);
    if (ds->rows_skipped_target > 0)
        lsc_logf(log, LSC_LOG_NOTE, "skipped %zu rows with a missing target \"%s\"",
                 ds->rows_skipped_target, opts->target);
cleanup:
    if (st != LSC_OK && err != NULL && err->file[0] == '\0' && r != NULL)
        snprintf(err->file, sizeof err->file, "%s", csv_reader_name(r));
    csv_reader_free(r);
    if (st != LSC_OK)
        dataset_free(ds);
    else
        *out = ds;
    return st;
}

static int recognised_label(const char *s, size_t len, double *y)
{
    static const char *const pos[] = {"1", "true", "yes", "y"};
    static const char *const neg[] = {"0", "false", "no", "n"};
    for (size_t i = 0; i < 4; i++) {
        if (span_ieq(s, len, pos[i])) {
            *y = 1.0;
            return 1;
        }
        if (span_ieq(s, len, neg[i])) {
            *y = 0.0;
            return 1;
        }
    }
    double v;
    if (parse_number(s, len, &v) && (v == 0.0 || v == 1.0)) {
        *y = v;
        return 1;
    }
    return 0;
}

enum lsc_status dataset_map_target(struct dataset *ds, const struct lsc_train_options *opts,
                                   struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t nd = dict_size(ds->target_dict);
    double *map = lsc_calloc(nd ? nd : 1, sizeof *map);
    if (map == NULL)
        return lsc_error_nomem(err);
    size_t unrecognised = 0;
    for (uint32_t k = 0; k < nd; k++) {
        const char *s = dict_str(ds->target_dict, k);
        size_t len = dict_len(ds->target_dict, k);
        if (opts->positive.count > 0) {
            map[k] = 0.0;
            for (size_t i = 0; i < opts->positive.count; i++)
                if (strlen(opts->positive.items[i]) == len &&
                    memcmp(opts->positive.items[i], s, len) == 0)
                    map[k] = 1.0;
        } else if (!recognised_label(s, len, &map[k])) {
            unrecognised++;
        }
    }
    if (unrecognised > 0) {
        char list[600];
        size_t used = 0;
        list[0] = '\0';
        for (uint32_t k = 0; k < nd && k < 20 && used + 4 < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s\"%s\"", k ? ", " : "",
                             dict_str(ds->target_dict, k));
            if (w < 0)
                break;
            used += (size_t)w;
        }
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "target \"%s\" has values other than 1/0, true/false, yes/no, y/n "
                           "(%zu distinct: %s%s); say which mean converted with --positive VALUE",
                           opts->target, nd, list, nd > 20 ? ", ..." : "");
        goto cleanup;
    }
    ds->y = lsc_calloc(ds->n_rows ? ds->n_rows : 1, sizeof *ds->y);
    if (ds->y == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    ds->positives = 0;
    for (size_t i = 0; i < ds->n_rows; i++) {
        ds->y[i] = map[ds->target_codes[i]];
        ds->positives += ds->y[i] > 0.5;
    }
    if (ds->positives == 0 || ds->positives == ds->n_rows)
        st = lsc_error_set(err, LSC_ERR_DATA, NULL, 0, 0,
                           "target \"%s\" has only one class in %zu usable rows (%zu converted); "
                           "two are needed%s",
                           opts->target, ds->n_rows, ds->positives,
                           opts->positive.count ? " (check the --positive values)" : "");
cleanup:
    lsc_free(map);
    return st;
}
