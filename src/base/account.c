/* account - the account key; see account.h. */
#include "account.h"

#include <stdint.h>

#include "alloc.h"

/* The whitespace of the key: space, and \t \n \v \f \r (C's isspace() in
 * the "C" locale, without its locale dependence). */
static int is_blank(char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

size_t lsc_account_key(const char *s, size_t len, char *out)
{
    size_t n = 0;
    int gap = 0;
    /* n <= i always, so writing out[n] never overtakes reading s[i] when
     * out == s */
    for (size_t i = 0; i < len; i++) {
        char c = s[i];
        if (is_blank(c)) {
            gap = n > 0;
            continue;
        }
        if (gap)
            out[n++] = ' ';
        gap = 0;
        out[n++] = c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
    }
    out[n] = '\0';
    return n;
}

int lsc_account_key_buf(char **buf, size_t *cap, const char *s, size_t len, size_t *key_len)
{
    if (len >= *cap) {
        size_t n = *cap ? *cap : 64;
        while (n <= len)
            n = n > SIZE_MAX / 2 ? len + 1 : 2 * n;
        char *p = lsc_realloc(*buf, n);
        if (p == NULL)
            return 0;
        *buf = p;
        *cap = n;
    }
    *key_len = lsc_account_key(s, len, *buf);
    return 1;
}
