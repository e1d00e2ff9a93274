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
#include "ds_column.h"
#include "leadscore/status.h"
#include "leadscore/train.h"

#define DS_MAX_DICT 65536u

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
    size_t rows_skipped_value; /* target neither --positive nor --negative */
    size_t positives;
    char sha256[65];
    int decimal_comma;     /* numbers have a decimal comma (--decimal-comma) */
    const char *date_format; /* --date-format (lent by the options), or NULL */
    int no_switch;         /* internal: a partial store of the parallel load
                              never switches a column to raw doubles */
    struct derive_state *derive; /* derived features while loading (derive.h) */
    /* the options with every column name as the header spells it (a name
     * given in another case is matched ignoring case); its lists point
     * into names, its names into cols */
    struct lsc_train_options opts;
    const char **names;
};

/* Reads the whole file. Column roles come from opts; a column name matches
 * exactly, else ignoring case when one column matches (a note says so), and
 * an unknown name is LSC_ERR_USAGE suggesting the nearest and listing the
 * header (header_match.h). The resolved options are (*out)->opts: use them
 * after the load. Rows whose target is missing are skipped and counted. */
enum lsc_status lsc_dataset_load(struct dataset **out, const struct lsc_train_options *opts,
                             const struct lsc_log *log, struct lsc_error *err);

/* Maps target values to 0/1 (see lsc_train_options.positive and negative,
 * and label_map.h). With negative values, rows whose target is neither are
 * left out (rows_skipped_value). What was matched ignoring case, skipped or
 * counted as not converted is said through log. */
enum lsc_status lsc_dataset_map_target(struct dataset *ds, const struct lsc_train_options *opts,
                                       const struct lsc_log *log, struct lsc_error *err);

void lsc_dataset_free(struct dataset *ds);

#endif
