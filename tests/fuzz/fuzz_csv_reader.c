/* libFuzzer harness: the CSV reader (the one libcsv adapter), and the value
 * helpers every field goes through (numbers, missing-value tokens, UTF-8).
 *
 * Each input is read twice from memory (fmemopen): with delimiter detection
 * and strict field counts, then with ',' and ragged records allowed. Besides
 * the sanitizers, it checks the reader's contract: every field is
 * NUL-terminated at its length, record indices count up from 0, lines never
 * go backwards, and a record never reports more bytes than were given. */
#include <stddef.h>
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv_reader.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
    if (!ok) {
        fprintf(stderr, "fuzz_csv_reader: contract broken: %s\n", what);
        abort();
    }
}

static void read_all(const uint8_t *data, size_t size, const struct csv_reader_opts *opts)
{
    struct csv_reader *r = NULL;
    struct lsc_error err;
    const struct csv_record *rec = NULL;
    size_t index = 0, line = 0;
    char shown[64], sha[65];
    /* fmemopen refuses a zero-length buffer in some C libraries */
    static const char empty[1] = {0};
    FILE *fp = fmemopen(size ? (void *)data : (void *)empty, size ? size : 1, "rb");
    if (fp == NULL)
        return;
    if (size == 0)
        (void)fgetc(fp); /* at end of the one-byte stand-in */
    if (lsc_csv_reader_open_stream(&r, fp, "fuzz.csv", opts, &err) != LSC_OK) {
        fclose(fp);
        return;
    }
    while (lsc_csv_reader_next(r, &rec, &err) == LSC_OK && rec != NULL) {
        check(rec->index == index++, "record index");
        check(rec->line >= line, "line went backwards");
        line = rec->line;
        size_t total = 0;
        for (size_t i = 0; i < rec->nfields; i++) {
            const char *f = rec->fields[i];
            size_t len = rec->lens[i];
            check(f[len] == '\0', "field not NUL-terminated at its length");
            total += len;
            double v;
            const char *t = f;
            size_t tl = len;
            lsc_trim_span(&t, &tl);
            if (lsc_parse_number(t, tl, &v))
                check(isfinite(v), "lsc_parse_number returned a non-finite number");
            (void)lsc_is_na_token(t, tl, NULL);
            size_t bad = 0;
            if (!lsc_utf8_valid(f, len, &bad))
                check(bad < len, "lsc_utf8_valid: offset out of range");
            lsc_escape_bytes(f, len, shown, sizeof shown);
            check(strlen(shown) < sizeof shown, "lsc_escape_bytes overflow");
        }
        check(total <= size, "fields hold more bytes than the input");
    }
    lsc_csv_reader_sha256_hex(r, sha);
    check(strlen(sha) == 64, "sha256 hex");
    (void)lsc_csv_reader_delimiter(r);
    (void)lsc_csv_reader_bytes(r);
    lsc_csv_reader_free(r);
    fclose(fp);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct csv_reader_opts strict = {0, 0, 0};
    struct csv_reader_opts ragged = {',', 1, 0};
    read_all(data, size, &strict);
    read_all(data, size, &ragged);
    return 0;
}
