/* leadscore/accounts.h - a CRM account export as the reference of account
 * counts (docs/rules.md, "Accounts"): for the scorer's "leads per account"
 * feature and the rules engine's account rules, which then count the
 * export's contacts plus the scored batch's leads, and for the rules on an
 * account's tier and engaged contacts.
 *
 * The file is CSV (delimiter detected, gzip read directly) with a header
 * row. Its columns, found by name (ASCII case, '_' and spaces ignored in
 * the comparison) unless given:
 *   name      "account", "account name", "company", "company name",
 *             "organization", "organisation", "name"       (required)
 *   contacts  "contacts", "number of contacts", "contact count",
 *             "num contacts", "# contacts", "number of associated
 *             contacts", "associated contacts"            (required)
 *   engaged   "engaged contacts", "engaged", "number of engaged contacts",
 *             "active contacts"                            (optional)
 *   tier      "tier", "account tier", "abm tier", "priority tier" (optional)
 * Every row needs a name; accounts are matched by their account key
 * (trimmed, inner whitespace collapsed, ASCII letters lowercased), which
 * must be unique in the file. Contacts and engaged contacts are whole
 * numbers >= 0 (an empty contacts cell is 0, an empty engaged cell
 * unknown); a tier is text (empty: none).
 */
#ifndef LEADSCORE_ACCOUNTS_H
#define LEADSCORE_ACCOUNTS_H

#include <stddef.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_accounts;

/* The columns to read; NULL: found by name as above. */
struct lsc_accounts_columns {
    const char *name, *contacts, *engaged, *tier;
};

/* Loads path ("-" is refused: the scored input may be stdin) into *out,
 * which the caller frees with lsc_accounts_free(). cols may be NULL.
 * LSC_ERR_DATA with file, line and column for a missing or unknown column
 * (the message lists the header), a row without a name, an account listed
 * twice, a count that is not a whole number >= 0; LSC_ERR_USAGE for "-";
 * LSC_ERR_PARSE, LSC_ERR_IO, LSC_ERR_NOMEM. */
enum lsc_status lsc_accounts_load(const char *path, const struct lsc_accounts_columns *cols,
                                  struct lsc_accounts **out, struct lsc_error *err);

/* Accepts NULL. */
void lsc_accounts_free(struct lsc_accounts *a);

/* The number of accounts. */
size_t lsc_accounts_size(const struct lsc_accounts *a);

/* The name of the file loaded (lent), NULL for a model's reference. */
const char *lsc_accounts_file(const struct lsc_accounts *a);

/* 1 when the table has a tier column, resp. an engaged contacts column. */
int lsc_accounts_has_tier(const struct lsc_accounts *a);
int lsc_accounts_has_engaged(const struct lsc_accounts *a);

#ifdef __cplusplus
}
#endif
#endif
