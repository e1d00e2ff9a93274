#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "test_helpers.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "csv_reader.h"
#include "leadscore/alloc.h"
#include "sha256.h"

/* Fixtures are written into a fresh directory made with mkdtemp. */
struct fixture {
    char dir[64];
    char path[128];
};

static int setup(void **state)
{
    struct fixture *fx = calloc(1, sizeof *fx);
    if (fx == NULL)
        return -1;
    snprintf(fx->dir, sizeof fx->dir, "/tmp/lsc_csv_XXXXXX");
    if (mkdtemp(fx->dir) == NULL) {
        free(fx);
        return -1;
    }
    snprintf(fx->path, sizeof fx->path, "%s/in.csv", fx->dir);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    struct fixture *fx = *state;
    unlink(fx->path);
    rmdir(fx->dir);
    free(fx);
    return 0;
}

static void write_file(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    if (len > 0)
        assert_int_equal(fwrite(data, 1, len, fp), len);
    assert_int_equal(fclose(fp), 0);
}

/* ---- table-driven cases ------------------------------------------------ */

#define MAX_RECS 6
#define MAX_FIELDS 5

struct exp_rec {
    size_t line;
    size_t n;
    const char *f[MAX_FIELDS];
};

struct csv_case {
    const char *name;
    const char *input;
    size_t len;  /* 0: strlen(input) */
    char delim;  /* option */
    int ragged;  /* option */
    char expect_delim;
    size_t nrec; /* records returned before end of input or the error */
    struct exp_rec rec[MAX_RECS];
    enum lsc_status st; /* LSC_OK: end of input follows */
    size_t err_line, err_col;
    const char *err_msg;
};

static const char MALFORMED[] =
    "malformed quoted field (a quote must be doubled inside quotes, and a quoted field must end "
    "at a delimiter)";

static const struct csv_case cases[] = {
    {"LF", "a,b,c\n1,2,3\n4,5,6\n", 0, 0, 0, ',', 3,
     {{1, 3, {"a", "b", "c"}}, {2, 3, {"1", "2", "3"}}, {3, 3, {"4", "5", "6"}}}, LSC_OK, 0, 0, NULL},
    {"CRLF", "a,b\r\n1,2\r\n\"x\",\"y\"\r\n", 0, 0, 0, ',', 3,
     {{1, 2, {"a", "b"}}, {2, 2, {"1", "2"}}, {3, 2, {"x", "y"}}}, LSC_OK, 0, 0, NULL},
    {"BOM stripped", "\xEF\xBB\xBFid,name\n1,x\n", 0, 0, 0, ',', 2,
     {{1, 2, {"id", "name"}}, {2, 2, {"1", "x"}}}, LSC_OK, 0, 0, NULL},
    {"BOM then semicolons", "\xEF\xBB\xBF\"x,y\";b;c\n1;2;3\n", 0, 0, 0, ';', 2,
     {{1, 3, {"x,y", "b", "c"}}, {2, 3, {"1", "2", "3"}}}, LSC_OK, 0, 0, NULL},
    {"detect semicolon", "a;b;c\n1,5;2;3\n", 0, 0, 0, ';', 2,
     {{1, 3, {"a", "b", "c"}}, {2, 3, {"1,5", "2", "3"}}}, LSC_OK, 0, 0, NULL},
    {"detect tab", "a\tb c\t\"d\te\"\n1\t2\t3\n", 0, 0, 0, '\t', 2,
     {{1, 3, {"a", "b c", "d\te"}}, {2, 3, {"1", "2", "3"}}}, LSC_OK, 0, 0, NULL},
    {"detect tie is comma", "a,b;c\n1,2;3\n", 0, 0, 0, ',', 2,
     {{1, 2, {"a", "b;c"}}, {2, 2, {"1", "2;3"}}}, LSC_OK, 0, 0, NULL},
    {"detect none is comma", "id\n7\n", 0, 0, 0, ',', 2, {{1, 1, {"id"}}, {2, 1, {"7"}}}, LSC_OK,
     0, 0, NULL},
    {"detect skips leading blank lines", "\n\na;b\n1;2\n", 0, 0, 0, ';', 2,
     {{3, 2, {"a", "b"}}, {4, 2, {"1", "2"}}}, LSC_OK, 0, 0, NULL},
    {"explicit delimiter", "a;b,c\n1;2\n", 0, ';', 0, ';', 2,
     {{1, 2, {"a", "b,c"}}, {2, 2, {"1", "2"}}}, LSC_OK, 0, 0, NULL},
    {"quoted delimiter, doubled quotes, newline",
     "name,note\n\"Smith, J\",\"said \"\"hi\"\"\"\n\"multi\nline\",x\nlast,\"a\n\nb\"\nend,1\n", 0,
     0, 0, ',', 5,
     {{1, 2, {"name", "note"}},
      {2, 2, {"Smith, J", "said \"hi\""}},
      {3, 2, {"multi\nline", "x"}},
      {5, 2, {"last", "a\n\nb"}},
      {8, 2, {"end", "1"}}},
     LSC_OK, 0, 0, NULL},
    {"CR LF inside quotes", "a,b\r\n\"x\r\ny\",z\r\nq,r\r\n", 0, 0, 0, ',', 3,
     {{1, 2, {"a", "b"}}, {2, 2, {"x\r\ny", "z"}}, {4, 2, {"q", "r"}}}, LSC_OK, 0, 0, NULL},
    {"empty quoted fields", "a,b,c\n\"\",,\"\"\n", 0, 0, 0, ',', 2,
     {{1, 3, {"a", "b", "c"}}, {2, 3, {"", "", ""}}}, LSC_OK, 0, 0, NULL},
    {"no final newline", "a,b\n1,2", 0, 0, 0, ',', 2, {{1, 2, {"a", "b"}}, {2, 2, {"1", "2"}}},
     LSC_OK, 0, 0, NULL},
    {"no final newline, quoted", "a,b\n1,\"2\"", 0, 0, 0, ',', 2,
     {{1, 2, {"a", "b"}}, {2, 2, {"1", "2"}}}, LSC_OK, 0, 0, NULL},
    {"no final newline, trailing comma", "a,b\n1,", 0, 0, 0, ',', 2,
     {{1, 2, {"a", "b"}}, {2, 2, {"1", ""}}}, LSC_OK, 0, 0, NULL},
    {"trailing comma", "a,b,c\n1,2,\n,,\n", 0, 0, 0, ',', 3,
     {{1, 3, {"a", "b", "c"}}, {2, 3, {"1", "2", ""}}, {3, 3, {"", "", ""}}}, LSC_OK, 0, 0, NULL},
    {"spaces are data", "a, b \n c ,\" d \"\n", 0, 0, 0, ',', 2,
     {{1, 2, {"a", " b "}}, {2, 2, {" c ", " d "}}}, LSC_OK, 0, 0, NULL},
    {"blank lines skipped", "a,b\n\n1,2\n\r\n\n3,4\n\n", 0, 0, 0, ',', 3,
     {{1, 2, {"a", "b"}}, {3, 2, {"1", "2"}}, {6, 2, {"3", "4"}}}, LSC_OK, 0, 0, NULL},
    {"lone empty field skipped", "a,b\n\"\"\n1,2\n", 0, 0, 0, ',', 2,
     {{1, 2, {"a", "b"}}, {3, 2, {"1", "2"}}}, LSC_OK, 0, 0, NULL},
    {"lone empty field kept in one column", "a\n\"\"\nx\n", 0, 0, 0, ',', 3,
     {{1, 1, {"a"}}, {2, 1, {""}}, {3, 1, {"x"}}}, LSC_OK, 0, 0, NULL},
    {"NUL inside a field", "a,b\nx\0y,z\n", 10, 0, 0, ',', 2,
     {{1, 2, {"a", "b"}}, {2, 2, {"x\0y", "z"}}}, LSC_OK, 0, 0, NULL},
    {"bare CR ends records", "a,b\r1,2\r", 0, 0, 0, ',', 2, {{1, 2, {"a", "b"}}, {1, 2, {"1", "2"}}},
     LSC_OK, 0, 0, NULL},
    {"header only", "a,b\n", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}}, LSC_OK, 0, 0, NULL},
    {"empty file", "", 0, 0, 0, ',', 0, {{0, 0, {NULL}}}, LSC_OK, 0, 0, NULL},
    {"only blank lines", "\n\r\n\n", 0, 0, 0, ',', 0, {{0, 0, {NULL}}}, LSC_OK, 0, 0, NULL},
    {"ragged short", "a,b,c\n1,2,3\n1,2\n", 0, 0, 0, ',', 2,
     {{1, 3, {"a", "b", "c"}}, {2, 3, {"1", "2", "3"}}}, LSC_ERR_PARSE, 3, 3,
     "expected 3 fields, found 2"},
    {"ragged long after multi-line field", "a,b\n\"x\ny\",1,2\n", 0, 0, 0, ',', 1,
     {{1, 2, {"a", "b"}}}, LSC_ERR_PARSE, 2, 3, "expected 2 fields, found 3"},
    {"ragged allowed", "a,b,c\n1,2\n1,2,3,4\n", 0, 0, 1, ',', 3,
     {{1, 3, {"a", "b", "c"}}, {2, 2, {"1", "2"}}, {3, 4, {"1", "2", "3", "4"}}}, LSC_OK, 0, 0,
     NULL},
    {"unterminated quote at EOF", "a,b\n1,\"abc\nmore\n", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}},
     LSC_ERR_PARSE, 2, 2, "unterminated quoted field (opened on line 2)"},
    {"unterminated quote, first field", "a,b\n\"abc", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}},
     LSC_ERR_PARSE, 2, 1, "unterminated quoted field (opened on line 2)"},
    {"stray quote in unquoted field", "a,b\n1,ab\"c\n", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}},
     LSC_ERR_PARSE, 2, 2, MALFORMED},
    {"text after closing quote", "a,b\n\"x\"y,1\n", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}},
     LSC_ERR_PARSE, 2, 1, MALFORMED},
    {"text after closing quote, later line", "a,b\n1,\"x\ny\"z\n", 0, 0, 0, ',', 1,
     {{1, 2, {"a", "b"}}}, LSC_ERR_PARSE, 3, 2, MALFORMED},
    {"space before opening quote", "a,b\n1, \"x\"\n", 0, 0, 0, ',', 1, {{1, 2, {"a", "b"}}},
     LSC_ERR_PARSE, 2, 2, MALFORMED},
};

static size_t case_len(const struct csv_case *c)
{
    return c->len != 0 ? c->len : strlen(c->input);
}

static void check_case(const struct csv_case *c, struct csv_reader *r)
{
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    lsc_error_clear(&err);
    for (size_t i = 0; i < c->nrec; i++) {
        enum lsc_status st = lsc_csv_reader_next(r, &rec, &err);
        if (st != LSC_OK || rec == NULL)
            fail_msg("%s: record %zu: status %d (%s)", c->name, i, (int)st, err.message);
        const struct exp_rec *e = &c->rec[i];
        if (rec->nfields != e->n || rec->line != e->line || rec->index != i)
            fail_msg("%s: record %zu: %zu fields on line %zu (index %zu), expected %zu on %zu",
                     c->name, i, rec->nfields, rec->line, rec->index, e->n, e->line);
        for (size_t f = 0; f < e->n; f++) {
            /* "x\0y" style expectations carry their length in the case */
            size_t want = strlen(e->f[f]);
            if (strcmp(c->name, "NUL inside a field") == 0 && i == 1 && f == 0)
                want = 3;
            assert_int_equal(rec->lens[f], want);
            assert_memory_equal(rec->fields[f], e->f[f], want);
            assert_int_equal(rec->fields[f][want], '\0');
        }
    }
    enum lsc_status st = lsc_csv_reader_next(r, &rec, &err);
    if (st != c->st)
        fail_msg("%s: status %d, expected %d (%s)", c->name, (int)st, (int)c->st, err.message);
    if (st == LSC_OK) {
        assert_null(rec);
        /* and it stays at the end */
        assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
        assert_null(rec);
    } else {
        assert_null(rec);
        if (err.line != c->err_line || err.column != c->err_col || strcmp(err.message, c->err_msg))
            fail_msg("%s: error at %zu:%zu '%s', expected %zu:%zu '%s'", c->name, err.line,
                     err.column, err.message, c->err_line, c->err_col, c->err_msg);
        assert_int_equal(err.status, c->st);
        assert_string_equal(err.file, lsc_csv_reader_name(r));
        /* errors are sticky */
        struct lsc_error again;
        lsc_error_clear(&again);
        assert_int_equal(lsc_csv_reader_next(r, &rec, &again), c->st);
        assert_null(rec);
        assert_string_equal(again.message, err.message);
    }
    if (c->expect_delim != 0)
        assert_int_equal(lsc_csv_reader_delimiter(r), c->expect_delim);
}

static void test_cases_file(void **state)
{
    struct fixture *fx = *state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct csv_case *c = &cases[i];
        size_t len = case_len(c);
        write_file(fx->path, c->input, len);
        struct csv_reader_opts opts = {c->delim, c->ragged, 0};
        struct csv_reader *r = NULL;
        struct lsc_error err;
        assert_int_equal(lsc_csv_reader_open(&r, fx->path, &opts, &err), LSC_OK);
        assert_string_equal(lsc_csv_reader_name(r), fx->path);
        check_case(c, r);
        if (c->st == LSC_OK)
            assert_int_equal(lsc_csv_reader_bytes(r), len);
        lsc_csv_reader_free(r);
    }
}

/* The same cases through fmemopen streams. */
static void test_cases_stream(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        const struct csv_case *c = &cases[i];
        size_t len = case_len(c);
        if (len == 0)
            continue; /* fmemopen may refuse an empty buffer */
        FILE *fp = fmemopen((void *)(uintptr_t)c->input, len, "r");
        assert_non_null(fp);
        struct csv_reader_opts opts = {c->delim, c->ragged, 0};
        struct csv_reader *r = NULL;
        struct lsc_error err;
        assert_int_equal(lsc_csv_reader_open_stream(&r, fp, "mem", &opts, &err), LSC_OK);
        assert_string_equal(lsc_csv_reader_name(r), "mem");
        check_case(c, r);
        lsc_csv_reader_free(r);
        assert_int_equal(fclose(fp), 0); /* the reader did not close it */
    }
}

/* ---- bigger inputs ----------------------------------------------------- */

static void test_megabyte_fields(void **state)
{
    struct fixture *fx = *state;
    const size_t big = (size_t)1 << 20;
    char *data = malloc(4 * big);
    assert_non_null(data);
    size_t n = 0;
    n += (size_t)sprintf(data + n, "h1,h2\n\"");
    /* a quoted field of 1 MiB + 1 bytes with a doubled quote in the middle */
    memset(data + n, 'q', big / 2);
    n += big / 2;
    memcpy(data + n, "\"\"", 2);
    n += 2;
    memset(data + n, 'q', big / 2);
    n += big / 2;
    n += (size_t)sprintf(data + n, "\",end\n");
    memset(data + n, 'u', big); /* an unquoted one */
    n += big;
    n += (size_t)sprintf(data + n, ",x\nlast,1\n");
    write_file(fx->path, data, n);

    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_csv_reader_open(&r, fx->path, NULL, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_int_equal(rec->nfields, 2);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_int_equal(rec->nfields, 2);
    assert_int_equal(rec->line, 2);
    assert_int_equal(rec->lens[0], big + 1);
    assert_int_equal(rec->fields[0][big / 2], '"');
    assert_int_equal(rec->fields[0][big], 'q');
    assert_int_equal(rec->fields[0][big + 1], '\0');
    assert_string_equal(rec->fields[1], "end");
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_int_equal(rec->line, 3);
    assert_int_equal(rec->lens[0], big);
    assert_int_equal(rec->fields[0][big - 1], 'u');
    assert_string_equal(rec->fields[1], "x");
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_int_equal(rec->line, 4);
    assert_string_equal(rec->fields[0], "last");
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_null(rec);
    assert_int_equal(lsc_csv_reader_bytes(r), n);
    lsc_csv_reader_free(r);
    free(data);
}

/* Many records, some spanning lines, so that records and CRLF pairs
 * straddle the 1 MiB read buffer; every line number must still be right. */
static void test_buffer_boundaries(void **state)
{
    struct fixture *fx = *state;
    const size_t nrec = 250000;
    size_t cap = nrec * 48 + 64, n = 0;
    char *data = malloc(cap);
    assert_non_null(data);
    n += (size_t)sprintf(data + n, "id,text,flag\r\n");
    for (size_t i = 1; i <= nrec; i++) {
        if (i % 7 == 0)
            n += (size_t)sprintf(data + n, "%zu,\"x\r\n%zu\",%zu\r\n", i, i, i % 2);
        else if (i % 5 == 0)
            n += (size_t)sprintf(data + n, "%zu,\"q\"\"%zu\",%zu\r\n", i, i, i % 2);
        else
            n += (size_t)sprintf(data + n, "%zu,t%zu,%zu\r\n", i, i, i % 2);
    }
    assert_true(n > 2 * ((size_t)1 << 20));
    write_file(fx->path, data, n);

    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_csv_reader_open(&r, fx->path, NULL, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    size_t line = 2;
    char want[64];
    for (size_t i = 1; i <= nrec; i++) {
        if (lsc_csv_reader_next(r, &rec, &err) != LSC_OK || rec == NULL)
            fail_msg("record %zu: %s", i, err.message);
        if (rec->line != line || rec->index != i || rec->nfields != 3)
            fail_msg("record %zu on line %zu, expected %zu", i, rec->line, line);
        if (i % 7 == 0)
            snprintf(want, sizeof want, "x\r\n%zu", i);
        else if (i % 5 == 0)
            snprintf(want, sizeof want, "q\"%zu", i);
        else
            snprintf(want, sizeof want, "t%zu", i);
        assert_string_equal(rec->fields[1], want);
        assert_int_equal(strtoul(rec->fields[0], NULL, 10), i);
        line += i % 7 == 0 ? 2 : 1;
    }
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_null(rec);
    assert_int_equal(lsc_csv_reader_bytes(r), n);
    lsc_csv_reader_free(r);
    free(data);
}

static void test_sha256_of_input(void **state)
{
    struct fixture *fx = *state;
    static const char data[] = "\xEF\xBB\xBF"
                               "a,b\r\n1,\"x\ny\"\r\n2,3";
    write_file(fx->path, data, sizeof data - 1);

    struct sha256_ctx ctx;
    unsigned char digest[32];
    char want[65], got[65];
    lsc_sha256_init(&ctx);
    lsc_sha256_update(&ctx, data, sizeof data - 1);
    lsc_sha256_final(&ctx, digest);
    lsc_sha256_hex(digest, want);

    struct csv_reader *r = NULL;
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_csv_reader_open(&r, fx->path, NULL, &err), LSC_OK);
    do
        assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    while (rec != NULL);
    lsc_csv_reader_sha256_hex(r, got);
    assert_string_equal(got, want);
    /* asking does not disturb it */
    lsc_csv_reader_sha256_hex(r, got);
    assert_string_equal(got, want);
    assert_int_equal(lsc_csv_reader_bytes(r), sizeof data - 1);
    lsc_csv_reader_free(r);
}

/* The hand-over the parallel loader uses: after the header, lsc_csv_reader_tail
 * lends the unparsed rest (here a CRLF file: it starts at the header's LF)
 * with its line, field count and delimiter, and a memory reader continues
 * from there with lines counted from 1. */
static void test_tail_and_memory_reader(void **state)
{
    struct fixture *fx = *state;
    static const char data[] = "\xEF\xBB\xBF"
                               "a;b\r\n1;\"x\ny\"\r\n\r\n2;3";
    write_file(fx->path, data, sizeof data - 1);
    struct csv_reader *r = NULL, *m = NULL;
    const struct csv_record *rec = NULL;
    struct lsc_error err;
    struct csv_tail t;
    assert_int_equal(lsc_csv_reader_open(&r, fx->path, NULL, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_int_equal(lsc_csv_reader_tail(r, &t), 1);
    assert_int_equal(t.delimiter, ';');
    assert_int_equal(t.expected, 2);
    assert_int_equal(t.line, 1);
    assert_int_equal(t.eof, 1);
    assert_int_equal(t.offset + t.n_buffered, sizeof data - 1);
    assert_memory_equal(t.buffered, "\n1;", 3);
    /* the reader refuses to go on */
    assert_int_not_equal(lsc_csv_reader_next(r, &rec, &err), LSC_OK);

    struct csv_reader_opts o = {t.delimiter, 0, 0};
    assert_int_equal(lsc_csv_reader_open_mem(&m, t.buffered, t.n_buffered, "chunk", &o, t.expected,
                                         &err),
                     LSC_OK);
    assert_int_equal(lsc_csv_reader_next(m, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_int_equal(rec->nfields, 2);
    assert_string_equal(rec->fields[1], "x\ny");
    assert_int_equal(rec->line, 2);
    assert_int_equal(lsc_csv_reader_next(m, &rec, &err), LSC_OK);
    assert_non_null(rec);
    assert_string_equal(rec->fields[0], "2");
    assert_int_equal(rec->line, 5);
    assert_int_equal(lsc_csv_reader_next(m, &rec, &err), LSC_OK);
    assert_null(rec);
    assert_int_equal(lsc_csv_reader_line(m), 5);
    lsc_csv_reader_free(m);

    /* a ragged record in a chunk is the same error as in the file */
    static const char bad[] = "1;2\n3\n";
    assert_int_equal(lsc_csv_reader_open_mem(&m, bad, sizeof bad - 1, "chunk", &o, 2, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(m, &rec, &err), LSC_OK);
    assert_int_equal(lsc_csv_reader_next(m, &rec, &err), LSC_ERR_PARSE);
    assert_int_equal(err.line, 2);
    assert_int_equal(err.column, 2);
    lsc_csv_reader_free(m);
    /* a memory reader needs a delimiter and a field count */
    o.delimiter = 0;
    assert_int_equal(lsc_csv_reader_open_mem(&m, bad, sizeof bad - 1, "chunk", &o, 2, &err),
                     LSC_ERR_USAGE);
    assert_null(m);
    lsc_csv_reader_free(r);
}

static void test_missing_file(void **state)
{
    struct fixture *fx = *state;
    char path[160];
    snprintf(path, sizeof path, "%s/no-such.csv", fx->dir);
    struct csv_reader *r = (struct csv_reader *)(uintptr_t)1;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_csv_reader_open(&r, path, NULL, &err), LSC_ERR_IO);
    assert_null(r);
    assert_int_equal(err.status, LSC_ERR_IO);
    assert_string_equal(err.file, path);
    assert_non_null(strstr(err.message, strerror(ENOENT)));
}

static void test_directory(void **state)
{
    struct fixture *fx = *state;
    struct csv_reader *r = (struct csv_reader *)(uintptr_t)1;
    struct lsc_error err;
    lsc_error_clear(&err);
    assert_int_equal(lsc_csv_reader_open(&r, fx->dir, NULL, &err), LSC_ERR_IO);
    assert_null(r);
    assert_string_equal(err.file, fx->dir);
    assert_non_null(strstr(err.message, strerror(EISDIR)));
}

static void test_bad_delimiter_option(void **state)
{
    (void)state;
    struct csv_reader_opts opts = {'"', 0, 0};
    struct csv_reader *r = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_csv_reader_open_stream(&r, stdin, NULL, &opts, &err), LSC_ERR_USAGE);
    assert_null(r);
}

static void test_stream_default_name(void **state)
{
    (void)state;
    static char data[] = "a,b\n";
    FILE *fp = fmemopen(data, sizeof data - 1, "r");
    assert_non_null(fp);
    struct csv_reader *r = NULL;
    struct lsc_error err;
    assert_int_equal(lsc_csv_reader_open_stream(&r, fp, NULL, NULL, &err), LSC_OK);
    assert_string_equal(lsc_csv_reader_name(r), "<stream>");
    lsc_csv_reader_free(r);
    fclose(fp);
    lsc_csv_reader_free(NULL);
}

/* ---- allocation failures ------------------------------------------------ */


/* Failing the Nth allocation, for every N, gives LSC_ERR_NOMEM (never a
 * crash or a leak, which cmocka's test_malloc reports) until the budget
 * suffices; libcsv's allocations go through the hook too. */
static void test_allocation_failures(void **state)
{
    (void)state;
    static const char data[] = "id,name,note\n1,\"a, b\",x\n2,b,\"multi\nline\"\n3,c,\"\"\"q\"\"\"\n";
    int succeeded = 0;
    for (size_t budget_n = 0; budget_n < 200 && !succeeded; budget_n++) {
        struct th_budget b = {budget_n};
        struct lsc_allocator a = {th_budget_malloc, th_budget_realloc, th_budget_free, &b};
        lsc_set_allocator(&a);
        FILE *fp = fmemopen((void *)(uintptr_t)data, sizeof data - 1, "r");
        assert_non_null(fp);
        struct csv_reader *r = NULL;
        struct lsc_error err;
        enum lsc_status st = lsc_csv_reader_open_stream(&r, fp, "mem", NULL, &err);
        size_t nrec = 0;
        if (st == LSC_OK) {
            const struct csv_record *rec = NULL;
            while ((st = lsc_csv_reader_next(r, &rec, &err)) == LSC_OK && rec != NULL)
                nrec++;
        }
        lsc_csv_reader_free(r);
        fclose(fp);
        lsc_set_allocator(NULL);
        if (st == LSC_OK) {
            assert_int_equal(nrec, 4);
            succeeded = 1;
        } else {
            assert_int_equal(st, LSC_ERR_NOMEM);
        }
    }
    assert_true(succeeded);
}

/* The header lookup: trimmed, exact first, then (icase) ignoring case; a
 * second exact match is found for callers that refuse it. */
static void test_header_find(void **state)
{
    (void)state;
    const char *const f[] = {" Lead ID", "lead source\t", "Lead Source", "Score", "Score "};
    const size_t l[] = {8, 12, 11, 5, 6};
    size_t again = 0;
    assert_int_equal(lsc_csv_header_find(5, f, l, "Lead ID", 0, NULL), 0);
    assert_int_equal(lsc_csv_header_find(5, f, l, "Lead Source", 0, &again), 2);
    assert_int_equal(again, SIZE_MAX);
    assert_int_equal(lsc_csv_header_find(5, f, l, "lead id", 0, NULL), SIZE_MAX);
    assert_int_equal(lsc_csv_header_find(5, f, l, "lead id", 1, NULL), 0);
    assert_int_equal(lsc_csv_header_find(5, f, l, "LEAD SOURCE", 1, &again), 1);
    assert_int_equal(again, 2); /* both match ignoring case */
    assert_int_equal(lsc_csv_header_find(5, f, l, "Score", 1, &again), 3);
    assert_int_equal(again, 4);

    struct csv_record h = {5, f, l, 1, 0};
    struct lsc_error err;
    size_t col = 0;
    assert_int_equal(lsc_csv_header_column(&h, "Lead Source", "in.csv", &col, &err), LSC_OK);
    assert_int_equal(col, 2);
    assert_int_equal(lsc_csv_header_column(&h, "Nope", "in.csv", &col, &err), LSC_OK);
    assert_int_equal(col, SIZE_MAX);
    assert_int_equal(lsc_csv_header_column(&h, "Score", "in.csv", &col, &err), LSC_ERR_DATA);
    assert_int_equal(err.column, 5);
    assert_non_null(strstr(err.message, "(also column 4)"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_cases_file, setup, teardown),
        cmocka_unit_test(test_cases_stream),
        cmocka_unit_test_setup_teardown(test_megabyte_fields, setup, teardown),
        cmocka_unit_test_setup_teardown(test_buffer_boundaries, setup, teardown),
        cmocka_unit_test_setup_teardown(test_sha256_of_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_tail_and_memory_reader, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_directory, setup, teardown),
        cmocka_unit_test(test_bad_delimiter_option),
        cmocka_unit_test(test_stream_default_name),
        cmocka_unit_test(test_allocation_failures),
        cmocka_unit_test(test_header_find),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
