/* account - one key for account (company) names, wherever they are
 * compared: the trainer's "leads per account" feature, the scorer, the
 * rules engine's account rules and priority lists, and the SQL emitters
 * (which build the same key in SQL).
 *
 * The key of a name: leading and trailing whitespace removed, each inner
 * run of whitespace (space, tab, CR, LF, VT, FF) made one space, the ASCII
 * letters A-Z lowercased. Nothing else is folded: letters beyond ASCII
 * ("Ä" and "ä", "É" and "é" stay apart), Unicode spaces (a no-break space
 * is not whitespace here), punctuation and legal forms ("Acme Inc." and
 * "Acme Inc" are two accounts), so two spellings meet only when a person
 * reading them would call them the same text.
 */
#ifndef LSC_SRC_ACCOUNT_H
#define LSC_SRC_ACCOUNT_H

#include <stddef.h>
#include <stdint.h>

#include "dict.h"
#include "leadscore/accounts.h"

/* Writes the key of [s, s + len) to out (room for len + 1 bytes; it is
 * NUL-terminated) and returns its length (at most len; 0 for a name of
 * whitespace only). out may be s itself. */
size_t lsc_account_key(const char *s, size_t len, char *out);

/* The same into *buf, grown (lsc_realloc) to hold it; *key_len its length.
 * 0 when out of memory (*buf is then unchanged). */
int lsc_account_key_buf(char **buf, size_t *cap, const char *s, size_t len, size_t *key_len);

/* A reference table of accounts by key: the leads per account of a model's
 * training file (models/README.md, "accounts"), or a CRM export
 * (--accounts FILE, leadscore/accounts.h: contacts, engaged contacts,
 * tier). With lead ids it can tell a lead of a scored batch that it
 * already counts (4 bytes of the account's index, then the id, interned in
 * leads). Memory grows with the accounts and, with ids, with the leads. */
struct lsc_accounts {
    struct dict *keys;  /* account keys -> index */
    size_t *count;      /* leads (contacts) per account */
    long long *engaged; /* engaged contacts, -1: unknown */
    uint32_t *tier;     /* index in tiers, DICT_NONE: none */
    size_t cap;
    size_t total;       /* the sum of count */
    struct dict *tiers; /* the tiers as written (trimmed) */
    int has_engaged, has_tier;
    struct dict *leads; /* the ids of the leads counted, NULL: none kept */
    char *column;       /* the account column counted (a model's), or NULL */
    char *id_column;    /* the column of the ids in leads, or NULL */
    char *file;         /* the file loaded (--accounts), or NULL */
};

/* An empty table (NULL when out of memory); lsc_accounts_free() and
 * lsc_accounts_size() are in leadscore/accounts.h. */
struct lsc_accounts *lsc_accounts_new(void);
/* The index of the account key [key, key + len), added with a count of 0
 * (no engaged contacts known, no tier) when new; DICT_NONE when out of
 * memory. */
uint32_t lsc_accounts_add(struct lsc_accounts *a, const char *key, size_t len);
/* The index of the key, or DICT_NONE. */
uint32_t lsc_accounts_find(const struct lsc_accounts *a, const char *key, size_t len);
/* The count of the key (0 when absent). */
size_t lsc_accounts_count(const struct lsc_accounts *a, const char *key, size_t len);
/* Keeps lead id [id, id + len) as one of account k's (creating a->leads);
 * *buf, *cap is the caller's scratch. 0 when out of memory. */
int lsc_accounts_add_lead(struct lsc_accounts *a, uint32_t k, const char *id, size_t len,
                          char **buf, size_t *cap);
/* 1 when the table keeps lead id as one of account k's; 0 otherwise, and
 * -1 when the scratch cannot grow. */
int lsc_accounts_has_lead(const struct lsc_accounts *a, uint32_t k, const char *id, size_t len,
                          char **buf, size_t *cap);
/* Account k's tier (lent; NULL when none). */
const char *lsc_accounts_tier(const struct lsc_accounts *a, uint32_t k, size_t *len);
/* Lead i of a->leads: its account's index and its id (lent). */
uint32_t lsc_accounts_lead(const struct lsc_accounts *a, size_t i, const char **id, size_t *len);

#endif
