/* split - the stratified shuffle; see split.h. */
#include "split.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "sha256.h"
#include "status_internal.h"

enum lsc_status lsc_split_strata_init(struct split_strata *s, const double *y, const size_t *rows,
                                      size_t n, unsigned long seed, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    /* GSL's generator with its state from the library's allocator (the
     * allocation hook sees it, as every other allocation): gsl_rng_alloc
     * would call malloc itself. gsl_rng is a public struct of the type and
     * its state; gsl_rng_set seeds the state through the type. */
    gsl_rng gen = {gsl_rng_mt19937, NULL}, *rng = &gen;
    memset(s, 0, sizeof *s);
    s->cls[0] = lsc_malloc((n ? n : 1) * sizeof *s->cls[0]);
    s->cls[1] = lsc_malloc((n ? n : 1) * sizeof *s->cls[1]);
    gen.state = lsc_calloc(1, gsl_rng_mt19937->size);
    if (s->cls[0] == NULL || s->cls[1] == NULL || gen.state == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    gsl_rng_set(rng, seed);
    for (size_t i = 0; i < n; i++) {
        int k = y[rows != NULL ? rows[i] : i] > 0.5;
        s->cls[k][s->cnt[k]++] = i;
    }
    for (int k = 0; k < 2; k++)
        gsl_ran_shuffle(rng, s->cls[k], s->cnt[k], sizeof(size_t));
cleanup:
    lsc_free(gen.state);
    return st;
}

void lsc_split_strata_fini(struct split_strata *s)
{
    lsc_free(s->cls[0]);
    lsc_free(s->cls[1]);
    memset(s, 0, sizeof *s);
}

enum lsc_status lsc_split_holdout(const struct dataset *ds, double fraction, unsigned long seed,
                                  size_t **train, size_t *ntrain, size_t **hold, size_t *nhold,
                                  struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    size_t n = ds->n_rows;
    struct split_strata s;
    unsigned char *is_hold = NULL;
    memset(&s, 0, sizeof s);
    *train = lsc_malloc((n ? n : 1) * sizeof **train);
    *hold = lsc_malloc((n ? n : 1) * sizeof **hold);
    is_hold = lsc_calloc(n ? n : 1, 1);
    if (*train == NULL || *hold == NULL || is_hold == NULL) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    if ((st = lsc_split_strata_init(&s, ds->y, NULL, n, seed, err)) != LSC_OK)
        goto cleanup;
    for (int k = 0; k < 2; k++) {
        size_t h = (size_t)floor(fraction * (double)s.cnt[k] + 0.5);
        if (h >= s.cnt[k] && s.cnt[k] > 0)
            h = s.cnt[k] - 1; /* keep each class in training */
        for (size_t i = 0; i < h; i++)
            is_hold[s.cls[k][i]] = 1;
    }
    *ntrain = *nhold = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_hold[i])
            (*hold)[(*nhold)++] = i;
        else
            (*train)[(*ntrain)++] = i;
    }
cleanup:
    lsc_split_strata_fini(&s);
    lsc_free(is_hold);
    if (st != LSC_OK) {
        lsc_free(*train);
        lsc_free(*hold);
        *train = *hold = NULL;
    }
    return st;
}

uint64_t lsc_split_id_threshold(double fraction)
{
    return (uint64_t)llround(fraction * 4294967296.0);
}

/* The first four bytes of SHA-256("<seed>:<tag><id>"), big-endian. */
static uint32_t id_hash(const char *tag, const char *id, size_t len, unsigned long seed)
{
    struct sha256_ctx ctx;
    unsigned char d[32];
    char pre[48];
    int n = snprintf(pre, sizeof pre, "%lu:%s", seed, tag);
    lsc_sha256_init(&ctx);
    lsc_sha256_update(&ctx, pre, (size_t)n);
    lsc_sha256_update(&ctx, id, len);
    lsc_sha256_final(&ctx, d);
    return (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
}

uint32_t lsc_split_id_hash(const char *id, size_t len, unsigned long seed)
{
    return id_hash("", id, len, seed);
}

size_t lsc_split_id_fold(const char *id, size_t len, unsigned long seed, size_t K)
{
    return (size_t)(((uint64_t)id_hash("fold:", id, len, seed) * (uint64_t)K) >> 32);
}

/* The id text of row i: the dictionary entry, or a raw number as its
 * shortest integer or %.17g text; NULL when missing. */
static const char *id_text(const struct ds_column *c, size_t i, char *buf, size_t size)
{
    if (c->raw != NULL) {
        double x = c->raw[i];
        if (isnan(x))
            return NULL;
        snprintf(buf, size, x == floor(x) && fabs(x) < 1e15 ? "%.0f" : "%.17g", x);
        return buf;
    }
    return c->codes[i] == 0 ? NULL : lsc_dict_str(c->dict, c->codes[i] - 1);
}

enum lsc_status lsc_split_by_id(const struct dataset *ds, size_t id_col, double fraction,
                                unsigned long seed, size_t **train, size_t *ntrain, size_t **hold,
                                size_t *nhold, struct lsc_error *err)
{
    size_t n = ds->n_rows;
    const struct ds_column *c = &ds->cols[id_col];
    uint64_t limit = lsc_split_id_threshold(fraction);
    char buf[40];
    *train = lsc_malloc((n ? n : 1) * sizeof **train);
    *hold = lsc_malloc((n ? n : 1) * sizeof **hold);
    if (*train == NULL || *hold == NULL) {
        lsc_free(*train);
        lsc_free(*hold);
        *train = *hold = NULL;
        return lsc_error_nomem(err);
    }
    *ntrain = *nhold = 0;
    for (size_t i = 0; i < n; i++) {
        const char *s = id_text(c, i, buf, sizeof buf);
        if (s != NULL && lsc_split_id_hash(s, strlen(s), seed) < limit)
            (*hold)[(*nhold)++] = i;
        else
            (*train)[(*ntrain)++] = i;
    }
    return LSC_OK;
}

void lsc_split_folds_by_id(const struct dataset *ds, size_t id_col, const size_t *rows, size_t n,
                           size_t K, unsigned long seed, size_t *fold)
{
    const struct ds_column *c = &ds->cols[id_col];
    char buf[40];
    for (size_t i = 0; i < n; i++) {
        const char *s = id_text(c, rows != NULL ? rows[i] : i, buf, sizeof buf);
        fold[i] = s != NULL ? lsc_split_id_fold(s, strlen(s), seed, K) : SIZE_MAX;
    }
}

void lsc_split_halves_by_id(const struct dataset *ds, size_t id_col, const size_t *rows, size_t n,
                            unsigned long seed, uint8_t *half)
{
    const struct ds_column *c = &ds->cols[id_col];
    char buf[40];
    for (size_t i = 0; i < n; i++) {
        const char *s = id_text(c, rows != NULL ? rows[i] : i, buf, sizeof buf);
        half[i] = s != NULL ? (uint8_t)(id_hash("half:", s, strlen(s), seed) >> 31) : 0;
    }
}
