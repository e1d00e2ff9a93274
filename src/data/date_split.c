/* Split by date. Each distinct date text is parsed once (the column is
 * dictionary-encoded), then rows go to one side by comparing day numbers. */
#include "date_split.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "date.h"
#include "leadscore/parse.h"
#include "status_internal.h"
#include "util.h"

int lsc_date_split_parse(const char *s, size_t len, const char *fmt, long *days)
{
    lsc_trim_span(&s, &len);
    return lsc_date_parse_with(s, len, fmt, days);
}

void lsc_date_split_normalise(const char *s, const char *fmt, char out[16])
{
    long day = 0;
    int y, m, d;
    out[0] = '\0';
    if (!lsc_date_split_parse(s, strlen(s), fmt, &day))
        return;
    lsc_date_civil(day, &y, &m, &d);
    char tmp[80];
    int n = snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
    if (n > 0 && n < 16)
        memcpy(out, tmp, (size_t)n + 1);
}

static const struct ds_column *date_column(const struct dataset *ds)
{
    for (size_t j = 0; j < ds->n_cols; j++)
        if (ds->cols[j].role == DS_DATE)
            return &ds->cols[j];
    return NULL;
}

enum lsc_status lsc_date_split_rows(const struct dataset *ds, long cutoff, size_t **train,
                                size_t *ntrain, size_t **valid, size_t *nvalid, size_t *missing,
                                int *rejected, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    const struct ds_column *c = date_column(ds);
    size_t n = ds->n_rows, ndict = 0;
    signed char *side = NULL; /* per dict entry: 0 train, 1 validation */
    size_t pos[2] = {0, 0};
    *train = *valid = NULL;
    *ntrain = *nvalid = *missing = 0;
    if (c == NULL || c->codes == NULL)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "--split-date: no date column");
    ndict = lsc_dict_size(c->dict);
    side = lsc_malloc(ndict ? ndict : 1);
    *train = lsc_malloc((n ? n : 1) * sizeof **train);
    *valid = lsc_malloc((n ? n : 1) * sizeof **valid);
    if (side == NULL || *train == NULL || *valid == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    for (size_t k = 0; k < ndict; k++) {
        long days;
        side[k] = -1;
        if (lsc_date_split_parse(lsc_dict_str(c->dict, (uint32_t)k), lsc_dict_len(c->dict, (uint32_t)k),
                                 ds->date_format, &days))
            side[k] = days >= cutoff;
    }
    for (size_t i = 0; i < n; i++) {
        uint32_t code = c->codes[i];
        if (code == 0) {
            (*missing)++;
            continue;
        }
        int sd = side[code - 1];
        if (sd < 0) {
            char shown[160];
            lsc_escape_bytes(lsc_dict_str(c->dict, code - 1), lsc_dict_len(c->dict, code - 1), shown,
                         sizeof shown);
            *rejected = 1;
            st = lsc_error_set(err, LSC_ERR_DATA, ds->file, ds->row_line[i], c->file_index + 1,
                               "date \"%s\" in column \"%s\" is not %s%s%s (optionally followed "
                               "by a time)%s",
                               shown, c->name, ds->date_format ? "a date in the format " : "",
                               ds->date_format ? ds->date_format : "an ISO date (YYYY-MM-DD",
                               ds->date_format ? " or YYYY-MM-DD" : ")",
                               ds->date_format ? "" : "; other formats: --date-format, e.g. %d/%m/%Y");
            goto cleanup;
        }
        if (sd)
            (*valid)[(*nvalid)++] = i;
        else
            (*train)[(*ntrain)++] = i;
        pos[sd] += ds->y[i] > 0.5;
    }
    const char *empty = NULL;
    if (*ntrain == 0)
        empty = "no rows are dated before the cutoff";
    else if (*nvalid == 0)
        empty = "no rows are dated on or after the cutoff";
    else if (pos[0] == 0 || pos[0] == *ntrain)
        empty = "the rows before the cutoff have only one class";
    else if (pos[1] == 0 || pos[1] == *nvalid)
        empty = "the rows on or after the cutoff have only one class";
    if (empty != NULL)
        st = lsc_error_set(err, LSC_ERR_DATA, ds->file, 0, 0,
                           "--split-date \"%s\" --cutoff: %s (%zu before: %zu converted; %zu on "
                           "or after: %zu converted; %zu without a date); move the cutoff",
                           c->name, empty, *ntrain, pos[0], *nvalid, pos[1], *missing);
cleanup:
    lsc_free(side);
    if (st != LSC_OK) {
        lsc_free(*train);
        lsc_free(*valid);
        *train = *valid = NULL;
    }
    return st;
}
