#include "leadscore/parse.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "alloc.h"
#include "status_internal.h"

enum lsc_status lsc_parse_double(const char *text, const char *option, double *out,
                                 struct lsc_error *err)
{
    char *end = NULL;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0, "%s: \"%s\" is not a number", option,
                             text);
    *out = v;
    return LSC_OK;
}

enum lsc_status lsc_parse_size(const char *text, const char *option, size_t *out,
                               struct lsc_error *err)
{
    char *end = NULL;
    errno = 0;
    if (text[0] == '-' || text[0] == '\0')
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s: \"%s\" is not a whole number >= 0", option, text);
    unsigned long long v = strtoull(text, &end, 10);
    if (*end != '\0' || errno == ERANGE || v > (unsigned long long)SIZE_MAX)
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s: \"%s\" is not a whole number >= 0", option, text);
    *out = (size_t)v;
    return LSC_OK;
}

enum lsc_status lsc_parse_tiers(const char *text, double *hot, double *warm,
                                struct lsc_error *err)
{
    double h = NAN, w = NAN;
    const char *p = text;
    while (*p) {
        const char *eq = strchr(p, '=');
        const char *comma = strchr(p, ',');
        if (comma == NULL)
            comma = p + strlen(p);
        if (eq == NULL || eq > comma)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--tiers: expected hot=N,warm=N, got \"%s\"", text);
        char num[64];
        size_t len = (size_t)(comma - eq - 1);
        if (len == 0 || len >= sizeof num)
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--tiers: expected hot=N,warm=N, got \"%s\"", text);
        memcpy(num, eq + 1, len);
        num[len] = '\0';
        double v = 0.0;
        enum lsc_status st = lsc_parse_double(num, "--tiers", &v, err);
        if (st != LSC_OK)
            return st;
        size_t klen = (size_t)(eq - p);
        if (klen == 3 && strncmp(p, "hot", 3) == 0)
            h = v;
        else if (klen == 4 && strncmp(p, "warm", 4) == 0)
            w = v;
        else
            return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                 "--tiers: unknown tier \"%.*s\" (hot and warm are known)",
                                 (int)klen, p);
        p = *comma ? comma + 1 : comma;
    }
    if (isnan(h) || isnan(w))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--tiers: both hot=N and warm=N are needed");
    if (!(w > 0.0 && w < h && h <= 100.0))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--tiers: cut-offs must satisfy 0 < warm < hot <= 100");
    *hot = h;
    *warm = w;
    return LSC_OK;
}

enum lsc_status lsc_parse_delimiter(const char *text, char *out, struct lsc_error *err)
{
    if (strcmp(text, ",") == 0 || strcmp(text, ";") == 0 || strcmp(text, "|") == 0 ||
        strcmp(text, "\t") == 0) {
        *out = text[0];
        return LSC_OK;
    }
    if (strcmp(text, "tab") == 0 || strcmp(text, "TAB") == 0 || strcmp(text, "\\t") == 0) {
        *out = '\t';
        return LSC_OK;
    }
    return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                         "--delimiter: \"%s\" is not one of , ; | tab", text);
}

/* The names --encoding takes, ignoring ASCII case. */
static const struct {
    const char *name;
    enum lsc_encoding enc;
} encodings[] = {
    {"utf-8", LSC_ENCODING_UTF8},         {"utf8", LSC_ENCODING_UTF8},
    {"latin1", LSC_ENCODING_LATIN1},      {"latin-1", LSC_ENCODING_LATIN1},
    {"iso-8859-1", LSC_ENCODING_LATIN1},  {"iso8859-1", LSC_ENCODING_LATIN1},
    {"cp1252", LSC_ENCODING_CP1252},      {"windows-1252", LSC_ENCODING_CP1252},
};

enum lsc_status lsc_parse_encoding(const char *text, enum lsc_encoding *out,
                                   struct lsc_error *err)
{
    for (size_t k = 0; k < sizeof encodings / sizeof encodings[0]; k++) {
        const char *a = text, *b = encodings[k].name;
        while (*a != '\0' && (*a == *b || (*a >= 'A' && *a <= 'Z' && *a - 'A' + 'a' == *b))) {
            a++;
            b++;
        }
        if (*a == '\0' && *b == '\0') {
            *out = encodings[k].enc;
            return LSC_OK;
        }
    }
    return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                         "--encoding: \"%s\" is not one of utf-8, latin1 (ISO-8859-1), cp1252 "
                         "(Windows-1252)",
                         text);
}

const char *lsc_encoding_name(enum lsc_encoding enc)
{
    return enc == LSC_ENCODING_LATIN1 ? "latin1" : enc == LSC_ENCODING_CP1252 ? "cp1252" : "utf-8";
}

enum lsc_status lsc_split_list(char *text, const char ***items, size_t *count,
                               struct lsc_error *err)
{
    char *p = text;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma != NULL)
            *comma = '\0';
        const char **grown = lsc_reallocarray((void *)*items, *count + 1, sizeof **items);
        if (grown == NULL)
            return lsc_error_nomem(err);
        *items = grown;
        (*items)[(*count)++] = p;
        if (comma == NULL)
            break;
        p = comma + 1;
    }
    return LSC_OK;
}

enum lsc_status lsc_split_tokens(char *text, const char *separators, const char ***items,
                                 size_t *count, struct lsc_error *err)
{
    char *p = text;
    for (;;) {
        char *end = p + strcspn(p, separators);
        int last = *end == '\0';
        *end = '\0';
        while (*p == ' ' || *p == '\t')
            p++;
        for (char *q = end; q > p && (q[-1] == ' ' || q[-1] == '\t');)
            *--q = '\0';
        if (*p != '\0') {
            const char **grown = lsc_reallocarray((void *)*items, *count + 1, sizeof **items);
            if (grown == NULL)
                return lsc_error_nomem(err);
            *items = grown;
            (*items)[(*count)++] = p;
        }
        if (last)
            break;
        p = end + 1;
    }
    return LSC_OK;
}

void lsc_strings_free(const char **items) { lsc_free((void *)items); }

enum lsc_status lsc_check_outputs_not_inputs(const char *const *outputs,
                                             const char *const *output_options, size_t n_outputs,
                                             const char *const *inputs,
                                             const char *const *input_options, size_t n_inputs,
                                             struct lsc_error *err)
{
    struct stat so, si;
    for (size_t i = 0; i < n_outputs; i++) {
        if (outputs[i] == NULL || strcmp(outputs[i], "-") == 0 || stat(outputs[i], &so) != 0 ||
            !S_ISREG(so.st_mode))
            continue;
        for (size_t j = 0; j < n_inputs; j++)
            if (inputs[j] != NULL && strcmp(inputs[j], "-") != 0 && stat(inputs[j], &si) == 0 &&
                si.st_dev == so.st_dev && si.st_ino == so.st_ino)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "%s and %s name the same file (%s): an output may not "
                                     "replace an input",
                                     output_options[i], input_options[j], outputs[i]);
    }
    return LSC_OK;
}

/* inputs a and b are the same file: the same device and inode. */
static int same_file(const char *a, const char *b)
{
    struct stat sa, sb;
    return strcmp(a, "-") != 0 && strcmp(b, "-") != 0 && stat(a, &sa) == 0 && stat(b, &sb) == 0 &&
           sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

enum lsc_status lsc_check_inputs_readable(const char *const *inputs,
                                          const char *const *input_options, size_t n_inputs,
                                          struct lsc_error *err)
{
    for (size_t j = 0; j < n_inputs; j++)
        for (size_t i = 0; inputs[j] != NULL && i < j; i++) {
            if (inputs[i] == NULL)
                continue;
            if (strcmp(inputs[i], "-") == 0 && strcmp(inputs[j], "-") == 0)
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "%s - and %s - cannot both be stdin", input_options[j],
                                     input_options[i]);
            if (strcmp(input_options[i], input_options[j]) == 0 && same_file(inputs[i], inputs[j]))
                return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                                     "%s %s and %s %s are the same file: its rows would count "
                                     "twice",
                                     input_options[i], inputs[i], input_options[j], inputs[j]);
        }
    return LSC_OK;
}

enum lsc_status lsc_parse_bytes(const char *text, const char *option, size_t *out,
                                struct lsc_error *err)
{
    char *end = NULL;
    errno = 0;
    unsigned long long v = text[0] >= '0' && text[0] <= '9' ? strtoull(text, &end, 10) : 0;
    unsigned shift = 0;
    if (end != NULL && *end != '\0' && end[1] == '\0')
        shift = *end == 'K' || *end == 'k' ? 10 : *end == 'M' || *end == 'm' ? 20
                : *end == 'G' || *end == 'g'                     ? 30
                                                                 : 99;
    if (end == NULL || errno == ERANGE || v == 0 || shift == 99 || (shift == 0 && *end != '\0') ||
        v > (SIZE_MAX >> shift))
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "%s: \"%s\" is not a size (bytes, or with K, M or G: 64M)", option,
                             text);
    *out = (size_t)v << shift;
    return LSC_OK;
}
