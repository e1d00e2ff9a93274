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

/* Writes the key of [s, s + len) to out (room for len + 1 bytes; it is
 * NUL-terminated) and returns its length (at most len; 0 for a name of
 * whitespace only). out may be s itself. */
size_t lsc_account_key(const char *s, size_t len, char *out);

/* The same into *buf, grown (lsc_realloc) to hold it; *key_len its length.
 * 0 when out of memory (*buf is then unchanged). */
int lsc_account_key_buf(char **buf, size_t *cap, const char *s, size_t len, size_t *key_len);

#endif
