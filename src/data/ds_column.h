/* ds_column - one column of the training column store (dataset.h): its
 * role, its values (dictionary codes or raw doubles) and, for a derived
 * feature, its source. A header of its own so that the loader's helpers
 * (derive.h) work on columns without knowing the dataset that holds them.
 */
#ifndef LSC_SRC_DS_COLUMN_H
#define LSC_SRC_DS_COLUMN_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"

/* DS_WEIGHT, DS_DATE and DS_SPLIT_ID (--weight, --split-date, the first
 * --id under --split-by-id) are stored like features but are never
 * features (see weights.h, date_split.h, split.h). */
enum ds_role {
    DS_FEATURE = 0, DS_TARGET, DS_ID, DS_EXCLUDED, DS_IGNORED, DS_WEIGHT, DS_DATE, DS_SPLIT_ID
};
enum ds_force { DS_INFER = 0, DS_FORCE_NUMERIC, DS_FORCE_CATEGORICAL };

struct ds_column {
    char *name;
    size_t file_index; /* 0-based position in the header */
    enum ds_role role;
    enum ds_force force;
    struct dict *dict; /* NULL once raw */
    uint32_t *codes;   /* rows; NULL once raw */
    double *values;    /* per dict entry */
    size_t n_values_cap;
    double *raw;                              /* rows, when switched to raw doubles */
    size_t n_missing;                         /* rows with a missing value */
    size_t n_text;                            /* dict entries that are not numbers */
    size_t first_text_line, first_text_entry; /* where the first one was seen */
    int overflow;
    int derived;        /* enum derive_kind (derive.h); 0 for file columns */
    const char *source; /* derived: the source column's name (lent) */
    int keep_feature;   /* --keep-feature: never excluded as id_like */
    const char *event_type; /* an activity-log feature: its type (lent), */
    int event_stat;         /* statistic (enum lsc_event_stat) and window */
    long event_window;
    int no_missing_indicator; /* missing values only take the median: another
                                 column's indicator says the same */
};

/* The numeric value of row i of a feature column (NaN when missing or text). */
double lsc_ds_value(const struct ds_column *c, size_t i);

/* 1 when every non-missing value of the column is a number. */
int lsc_ds_is_numeric(const struct ds_column *c);

/* The index of the column named name (exact match; ignored columns are not
 * looked at), or SIZE_MAX. */
size_t lsc_ds_find(const struct ds_column *cols, size_t n_cols, const char *name);

#endif
