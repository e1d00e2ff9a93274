/* ds_column - a column of the column store; see ds_column.h. */
#include "ds_column.h"

#include <math.h>
#include <string.h>

double lsc_ds_value(const struct ds_column *c, size_t i)
{
    if (c->raw != NULL)
        return c->raw[i];
    uint32_t code = c->codes[i];
    return code == 0 ? NAN : c->values[code - 1];
}

int lsc_ds_is_numeric(const struct ds_column *c)
{
    return c->n_text == 0 && !c->overflow;
}

size_t lsc_ds_find(const struct ds_column *cols, size_t n_cols, const char *name)
{
    for (size_t j = 0; j < n_cols; j++)
        if (cols[j].role != DS_IGNORED && strcmp(cols[j].name, name) == 0)
            return j;
    return SIZE_MAX;
}
