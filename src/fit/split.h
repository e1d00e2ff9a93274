/* split - the one stratified shuffle, for the holdout split (train.c) and
 * the cross-validation folds (cv.c): rows grouped by class (y > 0.5) in
 * their order, each class then shuffled by GSL's mt19937 seeded with seed
 * (class 0 first), so an assignment depends on the seed and the data only. */
#ifndef LSC_SRC_SPLIT_H
#define LSC_SRC_SPLIT_H

#include <stddef.h>
#include <stdint.h>

#include "dataset.h"
#include "leadscore/status.h"

/* cls[k] holds cnt[k] positions 0..n-1 of class k, shuffled. */
struct split_strata {
    size_t *cls[2];
    size_t cnt[2];
};

/* Groups positions 0..n-1 by the class of y[rows[i]] (y[i] when rows is
 * NULL) and shuffles each class. LSC_ERR_NOMEM; free with
 * lsc_split_strata_fini (also after a failure). */
enum lsc_status lsc_split_strata_init(struct split_strata *s, const double *y, const size_t *rows,
                                      size_t n, unsigned long seed, struct lsc_error *err);
void lsc_split_strata_fini(struct split_strata *s);

/* The holdout split of the dataset's rows: the first round(fraction *
 * count) of each shuffled class (but never a whole class) to *hold, the rest
 * to *train, both in file order. LSC_ERR_NOMEM; on failure both NULL. */
enum lsc_status lsc_split_holdout(const struct dataset *ds, double fraction, unsigned long seed,
                                  size_t **train, size_t *ntrain, size_t **hold, size_t *nhold,
                                  struct lsc_error *err);

/* The holdout split by id (--split-by-id; always inside PostgreSQL), the
 * same in SQL: a row is held out when the first four bytes of
 * SHA-256("<seed>:<id>"), the id its trimmed text, read big-endian, are
 * below lsc_split_id_threshold(fraction) = round(fraction * 2^32); a row
 * without an id trains. Not stratified: the share held out of each class
 * is fraction only on average. LSC_ERR_NOMEM; on failure both NULL. */
uint64_t lsc_split_id_threshold(double fraction);
uint32_t lsc_split_id_hash(const char *id, size_t len, unsigned long seed);
enum lsc_status lsc_split_by_id(const struct dataset *ds, size_t id_col, double fraction,
                                unsigned long seed, size_t **train, size_t *ntrain, size_t **hold,
                                size_t *nhold, struct lsc_error *err);

/* The --cv folds by id (--split-by-id; always inside PostgreSQL), the
 * same in SQL: the first four bytes of SHA-256("<seed>:fold:<id>") read
 * big-endian, times K, shifted right by 32. fold[i] is the fold of row
 * rows[i] (all rows when rows is NULL), CV_NO_FOLD (SIZE_MAX: always
 * fitted, never validated) for a row without an id. */
size_t lsc_split_id_fold(const char *id, size_t len, unsigned long seed, size_t K);
void lsc_split_folds_by_id(const struct dataset *ds, size_t id_col, const size_t *rows, size_t n,
                           size_t K, unsigned long seed, size_t *fold);

/* The halves --interactions tests its pairs on (pairs.h), by id (under
 * --split-by-id; always inside PostgreSQL), the same in SQL: the top bit
 * of the first four bytes of SHA-256("<seed>:half:<id>") read big-endian.
 * half[i] is the half of row rows[i] (all rows when rows is NULL), 0 for
 * a row without an id. */
void lsc_split_halves_by_id(const struct dataset *ds, size_t id_col, const size_t *rows, size_t n,
                            unsigned long seed, uint8_t *half);

#endif
