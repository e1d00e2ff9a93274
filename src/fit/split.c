/* split - the stratified shuffle; see split.h. */
#include "split.h"

#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <string.h>

#include "alloc.h"
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
