/* model_accounts - the model file's "accounts" member (models/README.md):
 * the training file's leads per account, and the ids of those leads, that
 * the scorer counts a batch against. Written only when the model keeps
 * them; optional on load. */
#ifndef LSC_SRC_MODEL_ACCOUNTS_H
#define LSC_SRC_MODEL_ACCOUNTS_H

#include <jansson.h>

#include "model_def.h"

/* The member for m->accounts (accounts sorted by key, each one's ids in
 * training order); NULL when out of memory. */
json_t *lsc_model_accounts_to_json(const struct lsc_accounts *a);

/* Reads the member into m->accounts (m's columns already read): every key
 * must be an account key, every count at least 1 and their sum "leads",
 * the ids those of listed accounts, distinct and no more than its count,
 * and "column" the source of the model's "leads per account" column
 * (LSC_ERR_MODEL naming the field). */
enum lsc_status lsc_model_accounts_from_json(struct lsc_model *m, const json_t *o, const char *file,
                                             struct lsc_error *err);

#endif
