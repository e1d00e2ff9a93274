#include "model_pairs.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "alloc.h"
#include "status_internal.h"

static json_t *sizes(const size_t *v, size_t n)
{
    json_t *a = json_array();
    for (size_t i = 0; a != NULL && i < n; i++)
        if (json_array_append_new(a, json_integer((json_int_t)v[i])) != 0) {
            json_decref(a);
            return NULL;
        }
    return a;
}

static json_t *pair_json(const struct lsc_model *m, const struct lsc_pair *pr)
{
    size_t cells = (pr->n_groups[0] - 1) * (pr->n_groups[1] - 1);
    return json_pack("{s:[s,s], s:[o,o], s:[I,I], s:o}", "columns",
                     m->columns[pr->col[0]].name, m->columns[pr->col[1]].name, "groups",
                     sizes(pr->group[0], pr->n_levels[0]), sizes(pr->group[1], pr->n_levels[1]),
                     "ordered", (json_int_t)pr->n_ordered[0], (json_int_t)pr->n_ordered[1],
                     "features", sizes(pr->feature, cells));
}

int lsc_model_pairs_to_json(const struct lsc_model *m, json_t *root)
{
    if (m->n_pairs == 0)
        return 0;
    json_t *a = json_array();
    if (a == NULL || json_object_set_new(root, "interactions", a) != 0)
        return 1;
    for (size_t i = 0; i < m->n_pairs; i++)
        if (json_array_append_new(a, pair_json(m, &m->pairs[i])) != 0)
            return 1;
    return 0;
}

static enum lsc_status bad(const char *file, size_t i, const char *what, struct lsc_error *err)
{
    return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "interactions[%zu]: %s", i, what);
}

/* n non-negative integers below limit from array a. */
static int read_sizes(const json_t *a, size_t n, size_t limit, size_t **out)
{
    if (!json_is_array(a) || json_array_size(a) != n)
        return 0;
    *out = lsc_calloc(n ? n : 1, sizeof **out);
    if (*out == NULL)
        return 0;
    for (size_t k = 0; k < n; k++) {
        const json_t *v = json_array_get(a, k);
        if (!json_is_integer(v) || json_integer_value(v) < 0 ||
            (uintmax_t)json_integer_value(v) >= (uintmax_t)limit)
            return 0;
        (*out)[k] = (size_t)json_integer_value(v);
    }
    return 1;
}

static size_t column_named(const struct lsc_model *m, const json_t *name)
{
    for (size_t j = 0; json_is_string(name) && j < m->n_columns; j++)
        if (strcmp(m->columns[j].name, json_string_value(name)) == 0)
            return j;
    return SIZE_MAX;
}

/* One side of pair i: its column, levels and groups. */
static enum lsc_status read_side(const json_t *o, int s, struct lsc_model *m, struct lsc_pair *pr,
                                 const char *file, size_t i, struct lsc_error *err)
{
    size_t j = column_named(m, json_array_get(json_object_get(o, "columns"), (size_t)s));
    if (j == SIZE_MAX || m->columns[j].type == LSC_COL_NUMERIC)
        return bad(file, i, "columns: expected the names of two binned or categorical columns",
                   err);
    const json_t *ord = json_array_get(json_object_get(o, "ordered"), (size_t)s);
    pr->col[s] = j;
    pr->n_levels[s] = lsc_column_n_levels(&m->columns[j]);
    if (!json_is_integer(ord) || json_integer_value(ord) < 0 ||
        (m->columns[j].type != LSC_COL_BINNED && json_integer_value(ord) != 0))
        return bad(file, i, "ordered: expected a count of ordered groups (0 for categorical)", err);
    pr->n_ordered[s] = (size_t)json_integer_value(ord);
    if (!read_sizes(json_array_get(json_object_get(o, "groups"), (size_t)s), pr->n_levels[s],
                    pr->n_levels[s] + 1, &pr->group[s]))
        return bad(file, i, "groups: expected a group per level of the column", err);
    pr->n_groups[s] = 0;
    for (size_t v = 0; v < pr->n_levels[s]; v++)
        if (pr->group[s][v] + 1 > pr->n_groups[s])
            pr->n_groups[s] = pr->group[s][v] + 1;
    if (pr->n_groups[s] < 2 || pr->n_ordered[s] > pr->n_groups[s])
        return bad(file, i, "groups: need at least two groups, ordered ones first", err);
    return LSC_OK;
}

enum lsc_status lsc_model_pairs_from_json(const json_t *root, struct lsc_model *m,
                                          const char *file, struct lsc_error *err)
{
    const json_t *a = json_object_get(root, "interactions");
    if (a == NULL)
        return LSC_OK;
    if (!json_is_array(a))
        return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0, "interactions: expected an array");
    size_t n = json_array_size(a);
    m->pairs = lsc_calloc(n ? n : 1, sizeof *m->pairs);
    if (m->pairs == NULL)
        return lsc_error_nomem(err);
    for (size_t i = 0; i < n; i++) {
        const json_t *o = json_array_get(a, i);
        struct lsc_pair *pr = &m->pairs[m->n_pairs++];
        enum lsc_status st = LSC_OK;
        for (int s = 0; s < 2 && st == LSC_OK; s++)
            st = read_side(o, s, m, pr, file, i, err);
        if (st != LSC_OK)
            return st;
        size_t cells = (pr->n_groups[0] - 1) * (pr->n_groups[1] - 1);
        if (!read_sizes(json_object_get(o, "features"), cells, m->n_features, &pr->feature))
            return bad(file, i, "features: expected a feature index per cell", err);
    }
    return LSC_OK;
}

/* Side s's groups as the scorer and the points sheet read them: on a
 * binned side the bins in ordered ranges from group 0 up, then the missing
 * bin; on a categorical side one level per non-reference group. */
static int side_ok(const struct lsc_model *m, const struct lsc_pair *pr, int s)
{
    const struct lsc_column_enc *c = &m->columns[pr->col[s]];
    size_t members[LSC_PAIR_MAX_GROUPS] = {0};
    if (pr->n_groups[s] < 2 || pr->n_groups[s] > LSC_PAIR_MAX_GROUPS ||
        pr->n_levels[s] != lsc_column_n_levels(c))
        return 0;
    for (size_t v = 0; v < pr->n_levels[s]; v++)
        if (pr->group[s][v] >= pr->n_groups[s])
            return 0;
        else
            members[pr->group[s][v]]++;
    if (c->type == LSC_COL_CATEGORICAL) {
        for (size_t g = 1; g < pr->n_groups[s]; g++)
            if (members[g] != 1)
                return 0;
        return pr->n_ordered[s] == 0;
    }
    size_t has_missing = c->missing_feature != LSC_NO_FEATURE;
    if (pr->n_ordered[s] + has_missing != pr->n_groups[s] || pr->group[s][0] != 0)
        return 0;
    for (size_t b = 1; b <= c->n_cuts; b++)
        if (pr->group[s][b] != pr->group[s][b - 1] && pr->group[s][b] != pr->group[s][b - 1] + 1)
            return 0;
    size_t gm = pr->group[s][c->n_cuts + 1];
    return pr->group[s][c->n_cuts] + 1 == pr->n_ordered[s] &&
           (has_missing ? gm == pr->n_ordered[s] : gm < pr->n_ordered[s]);
}

enum lsc_status lsc_model_pairs_validate(const struct lsc_model *m, unsigned char *used,
                                         const char *file, struct lsc_error *err)
{
    for (size_t i = 0; i < m->n_pairs; i++) {
        const struct lsc_pair *pr = &m->pairs[i];
        size_t cells = (pr->n_groups[0] - 1) * (pr->n_groups[1] - 1);
        if (pr->col[0] >= m->n_columns || pr->col[1] >= m->n_columns || pr->col[0] == pr->col[1])
            return bad(file, i, "columns: expected two different columns", err);
        if (!side_ok(m, pr, 0) || !side_ok(m, pr, 1))
            return bad(file, i,
                       "groups: not the groups of its columns (binned: bins in ascending ranges, "
                       "then missing; categorical: one level per group above 0)",
                       err);
        for (size_t k = 0; k < cells; k++) {
            size_t f = pr->feature[k];
            if (f == 0 || f >= m->n_features || used[f])
                return lsc_error_set(err, LSC_ERR_MODEL, file, 0, 0,
                                     "interactions[%zu].features[%zu]: feature index %zu out of "
                                     "range or used twice",
                                     i, k, f);
            used[f] = 1;
        }
    }
    return LSC_OK;
}
