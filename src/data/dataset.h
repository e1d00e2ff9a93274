/* dataset - a column store of a training CSV.
 *
 * Feature columns are dictionary-encoded: codes[i] is 0 for a missing value
 * and 1 + the dict id of the (trimmed) value otherwise; values[k] holds the
 * numeric value of dict entry k (NaN when it is not a number). So parsing a
 * number happens once per distinct value, and categoricals stay level
 * indices (4 bytes a cell) rather than expanded columns. A column whose
 * distinct values exceed DS_MAX_DICT while all being numbers switches to raw
 * doubles (NaN = missing); if text then shows up in it, it is marked
 * `overflow` (too many distinct values to be a category) and dropped later.
 */
#ifndef LSC_SRC_DATASET_H
#define LSC_SRC_DATASET_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#define DS_MAX_DICT 65536u

/* DS_WEIGHT and DS_DATE (--weight, --split-date) are stored like features
 * but are never features (see weights.h, date_split.h). */
enum ds_role { DS_FEATURE = 0, DS_TARGET, DS_ID, DS_EXCLUDED, DS_IGNORED, DS_WEIGHT, DS_DATE };
enum ds_force { DS_INFER = 0, DS_FORCE_NUMERIC, DS_FORCE_CATEGORICAL };

struct ds_column {
    char *name;
    size_t file_index;     /* 0-based position in the header */
    enum ds_role role;
    enum ds_force force;
    struct dict *dict;     /* NULL once raw */
    uint32_t *codes;       /* rows; NULL once raw */
    double *values;        /* per dict entry */
    size_t n_values_cap;
    double *raw;           /* rows, when switched to raw doubles */
    size_t n_missing;      /* rows with a missing value */
    size_t n_text;         /* dict entries that are not numbers */
    size_t first_text_line, first_text_entry; /* where the first one was seen */
    int overflow;
    int derived;            /* enum derive_kind (derive.h); 0 for file columns */
    const char *source;     /* derived: the source column's name (lent) */
};

struct dataset {
    char *file;            /* display name */
    size_t n_rows;         /* stored rows (target present) */
    size_t cap;
    size_t n_cols;         /* header columns */
    struct ds_column *cols;
    size_t target_col;
    struct dict *target_dict;
    uint32_t *target_codes; /* rows */
    size_t *row_line;      /* rows: physical line of each stored row */
    size_t *row_number;    /* rows: 1-based data-row number in the file */
    double *y;             /* rows, after lsc_dataset_map_target */
    size_t rows_read;      /* data rows in the file */
    size_t rows_skipped_target;
    size_t positives;
    char sha256[65];
    int no_switch;         /* internal: a partial store of the parallel load
                              never switches a column to raw doubles */
    struct derive_state *derive; /* derived features while loading (derive.h) */
};

/* Reads the whole file. Column roles come from opts (unknown names are
 * LSC_ERR_USAGE listing the header). Rows whose target is missing are
 * skipped and counted. */
enum lsc_status lsc_dataset_load(struct dataset **out, const struct lsc_train_options *opts,
                             const struct lsc_log *log, struct lsc_error *err);

/* Maps target values to 0/1 (see lsc_train_options.positive). */
enum lsc_status lsc_dataset_map_target(struct dataset *ds, const struct lsc_train_options *opts,
                                   struct lsc_error *err);

/* The numeric value of row i of a feature column (NaN when missing or text). */
double lsc_ds_value(const struct ds_column *c, size_t i);

/* 1 when every non-missing value of the column is a number. */
int lsc_ds_is_numeric(const struct ds_column *c);

void lsc_dataset_free(struct dataset *ds);

#endif
