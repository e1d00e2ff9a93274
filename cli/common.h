/* common - what both programs print the same way (common.c). */
#ifndef LSC_CLI_COMMON_H
#define LSC_CLI_COMMON_H

#include <stddef.h>

/* Writes "prefix: msg" and a newline to stderr, every control character of
 * msg (bytes below 0x20, and 0x7f) shown as \xHH: header names and values
 * from an export reach the terminal as text, never as escape sequences
 * (ESC, BEL). Invalid UTF-8 is escaped by the library already. */
void cli_message(const char *prefix, const char *msg);

/* s with control characters as \xHH, cut to fit buf (size > 5); returns buf.
 * For names from an export printed in a summary. */
const char *cli_shown(const char *s, char *buf, size_t size);

#endif
