/* model - the model in memory: the lookup of each categorical column's
 * levels (built after training and after loading; see model_def.h). */
#include <string.h>

#include "dict.h"
#include "model_def.h"
#include "status_internal.h"

enum lsc_status lsc_model_build_lookups(struct lsc_model *m, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    for (size_t j = 0; j < m->n_columns; j++) {
        struct lsc_column_enc *c = &m->columns[j];
        if (c->type != LSC_COL_CATEGORICAL)
            continue;
        lsc_dict_free(c->lookup);
        c->lookup = lsc_dict_new();
        if (c->lookup == NULL) {
            st = lsc_error_nomem(err);
            goto cleanup;
        }
        /* interning in order makes the dict id of levels[k] equal k */
        for (size_t k = 0; k < c->n_levels; k++) {
            int added = 0;
            uint32_t id = lsc_dict_intern(c->lookup, c->levels[k], strlen(c->levels[k]), &added);
            if (id == DICT_NONE) {
                st = lsc_error_nomem(err);
                goto cleanup;
            }
            if (!added) {
                st = lsc_error_set(err, LSC_ERR_MODEL, NULL, 0, 0,
                                   "columns[%zu].levels[%zu].name: duplicate level \"%s\" (also "
                                   "levels[%u])",
                                   j, k, c->levels[k], (unsigned)id);
                goto cleanup;
            }
        }
    }
cleanup:
    return st;
}

const char *lsc_model_date_format(const struct lsc_model *m)
{
    const json_t *v = m->options != NULL ? json_object_get(m->options, "date_format") : NULL;
    return json_is_string(v) ? json_string_value(v) : NULL;
}
