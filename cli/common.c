/* common - what both programs print the same way. */
#include "common.h"

#include <stdio.h>

const char *cli_shown(const char *s, char *buf, size_t size)
{
    size_t n = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p != '\0' && n + 5 < size; p++)
        n += (size_t)snprintf(buf + n, size - n, *p < 0x20 || *p == 0x7f ? "\\x%02X" : "%c", *p);
    buf[n] = '\0';
    return buf;
}

void cli_message(const char *prefix, const char *msg)
{
    fputs(prefix, stderr);
    fputs(": ", stderr);
    for (const unsigned char *p = (const unsigned char *)msg; *p != '\0'; p++) {
        if (*p < 0x20 || *p == 0x7f)
            fprintf(stderr, "\\x%02X", *p);
        else
            putc(*p, stderr);
    }
    putc('\n', stderr);
}
