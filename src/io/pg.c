/* A PostgreSQL connection through libpq: connect, run a statement, create a
 * table from a SELECT in one transaction; server errors as lsc_error with
 * the statement's purpose and the SQLSTATE, passwords never shown
 * (leadscore/pg.h). */
#include "leadscore/pg.h"

#include <libpq-fe.h>
#include <stdlib.h>
#include <string.h>

#include "alloc.h"
#include "pg_query.h"
#include "status_internal.h"
#include "util.h"

struct lsc_pg {
    PGconn *conn;
    unsigned long long bytes, mark; /* values received (lsc_pg_query) */
};

/* A growing string (the redacted copy, a quoted name). */
struct buf {
    char *s;
    size_t len, cap;
    int failed;
};

static void buf_put(struct buf *b, const char *s, size_t n)
{
    if (b->failed)
        return;
    if (b->len + n + 1 > b->cap) {
        size_t cap = (b->len + n + 1) * 2;
        char *g = lsc_realloc(b->s, cap);
        if (g == NULL) {
            b->failed = 1;
            return;
        }
        b->s = g;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
}

static void buf_puts(struct buf *b, const char *s) { buf_put(b, s, strlen(s)); }

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

static int is_secret_key(const char *k, size_t n)
{
    return lsc_span_ieq(k, n, "password") || lsc_span_ieq(k, n, "sslpassword");
}

static int is_uri(const char *s)
{
    return strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0;
}

/* The end of a "key=value" value starting at p: a quoted one with its
 * backslash escapes, else up to white space. NULL: an unclosed quote. */
static const char *value_end(const char *p)
{
    if (*p == '\'') {
        for (p++; *p != '\0' && *p != '\''; p++)
            if (*p == '\\' && p[1] != '\0')
                p++;
        return *p == '\'' ? p + 1 : NULL;
    }
    while (*p != '\0' && !is_space(*p)) {
        if (*p == '\\' && p[1] != '\0')
            p++;
        p++;
    }
    return p;
}

/* "key = value ..." with the secret values as ***; from a fault on, ***. */
static void redact_keywords(const char *s, struct buf *b)
{
    const char *p = s;
    while (*p != '\0') {
        const char *start = p, *key, *eq, *v, *end;
        while (is_space(*p))
            p++;
        if (*p == '\0') {
            buf_put(b, start, (size_t)(p - start));
            return;
        }
        key = p;
        while (*p != '\0' && *p != '=' && !is_space(*p))
            p++;
        eq = p;
        while (is_space(*p))
            p++;
        if (*p != '=') {
            buf_put(b, start, (size_t)(key - start));
            buf_puts(b, "***");
            return;
        }
        p++;
        while (is_space(*p))
            p++;
        v = p;
        end = value_end(v);
        if (end == NULL) {
            buf_put(b, start, (size_t)(v - start));
            buf_puts(b, "***");
            return;
        }
        buf_put(b, start, (size_t)(v - start));
        if (is_secret_key(key, (size_t)(eq - key)))
            buf_puts(b, "***");
        else
            buf_put(b, v, (size_t)(end - v));
        p = end;
    }
}

/* A URI's user:password@ and its password= parameters as ***. */
static void redact_uri(const char *s, struct buf *b)
{
    const char *auth = s + (strncmp(s, "postgresql://", 13) == 0 ? 13 : 11), *at = NULL, *q;
    size_t alen = strcspn(auth, "/?#"), plen;
    for (size_t i = 0; i < alen; i++)
        if (auth[i] == '@')
            at = auth + i;
    buf_put(b, s, (size_t)(auth - s));
    if (at != NULL) {
        const char *colon = memchr(auth, ':', (size_t)(at - auth));
        buf_put(b, auth, (size_t)((colon != NULL ? colon : at) - auth));
        if (colon != NULL)
            buf_puts(b, ":***");
        buf_put(b, at, (size_t)(auth + alen - at));
    } else {
        buf_put(b, auth, alen);
    }
    q = auth + alen;
    plen = strcspn(q, "?#");
    buf_put(b, q, plen); /* the database name */
    q += plen;
    while (*q == '?' || *q == '&') {
        /* one parameter: key=value up to '&' or '#' */
        size_t n = strcspn(q + 1, "&#"), k = strcspn(q + 1, "=&#");
        buf_put(b, q, 1 + k);
        if (k < n) {
            buf_puts(b, "=");
            if (is_secret_key(q + 1, k))
                buf_puts(b, "***");
            else
                buf_put(b, q + 2 + k, n - k - 1);
        }
        q += 1 + n;
    }
    buf_puts(b, q); /* a fragment */
}

const char *lsc_pg_redact(const char *conninfo, char *out, size_t size)
{
    struct buf b = {NULL, 0, 0, 0};
    if (size == 0)
        return out;
    if (conninfo == NULL)
        conninfo = "";
    if (is_uri(conninfo))
        redact_uri(conninfo, &b);
    else
        redact_keywords(conninfo, &b);
    if (b.failed || b.s == NULL)
        snprintf(out, size, "%s", b.failed ? "(not shown)" : "");
    else
        lsc_escape_bytes(b.s, b.len, out, size);
    lsc_free(b.s);
    return out;
}

/* Whether a connection string may hold a password anywhere (a URI's
 * user:password@ or the word "password" in any case). */
static int may_hold_password(const char *conninfo)
{
    size_t n = strlen(conninfo);
    if (is_uri(conninfo) && strchr(conninfo, '@') != NULL)
        return 1;
    for (size_t i = 0; i + 8 <= n; i++)
        if (lsc_span_ieq(conninfo + i, 8, "password"))
            return 1;
    return 0;
}

/* libpq's message as one line: newlines as "; ", the end trimmed. */
static void one_line(const char *msg, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = msg != NULL ? msg : ""; *p != '\0' && n + 3 < size; p++) {
        if (*p == '\n' && p[1] != '\0' && n + 4 < size) {
            out[n++] = ';';
            out[n++] = ' ';
            while (p[1] == ' ' || p[1] == '\t')
                p++;
        } else if (*p != '\n' && *p != '\r') {
            out[n++] = *p;
        }
    }
    out[n] = '\0';
}

/* Every occurrence in msg of the connection string's password and
 * sslpassword values replaced by *** (in place; cut to size). */
static void scrub(char *msg, size_t size, const PQconninfoOption *opts)
{
    for (const PQconninfoOption *o = opts; o != NULL && o->keyword != NULL; o++) {
        const char *v = o->val;
        char *hit, tail[LSC_ERROR_MSG_MAX];
        if (v == NULL || v[0] == '\0' || !is_secret_key(o->keyword, strlen(o->keyword)))
            continue;
        while ((hit = strstr(msg, v)) != NULL) {
            snprintf(tail, sizeof tail, "%s", hit + strlen(v));
            snprintf(hit, size - (size_t)(hit - msg), "***%s", tail);
        }
    }
}

static void ignore_notice(void *arg, const char *message)
{
    (void)arg;
    (void)message;
}

enum lsc_status lsc_pg_connect(const char *conninfo, struct lsc_pg **out, struct lsc_error *err)
{
    char shown[256], msg[LSC_ERROR_MSG_MAX / 2];
    char *parse_err = NULL;
    PQconninfoOption *opts = NULL;
    struct lsc_pg *pg = NULL;
    *out = NULL;
    lsc_pg_redact(conninfo, shown, sizeof shown);
    opts = PQconninfoParse(conninfo, &parse_err);
    if (opts == NULL) {
        /* libpq quotes the faulty part, which may be the password */
        if (may_hold_password(conninfo) || parse_err == NULL)
            snprintf(msg, sizeof msg, "the connection string is malformed (libpq's message is "
                                      "not shown: it could quote the password)");
        else
            one_line(parse_err, msg, sizeof msg);
        PQfreemem(parse_err);
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "PostgreSQL: connecting to \"%s\": %s", shown, msg);
    }
    pg = lsc_calloc(1, sizeof *pg);
    if (pg == NULL || (pg->conn = PQconnectdb(conninfo)) == NULL) {
        lsc_free(pg);
        PQconninfoFree(opts);
        return lsc_error_nomem(err);
    }
    if (PQstatus(pg->conn) != CONNECTION_OK) {
        one_line(PQerrorMessage(pg->conn), msg, sizeof msg);
        scrub(msg, sizeof msg, opts);
        PQconninfoFree(opts);
        lsc_pg_free(pg);
        return lsc_error_set(err, LSC_ERR_IO, NULL, 0, 0, "PostgreSQL: connecting to \"%s\": %s",
                             shown, msg);
    }
    PQconninfoFree(opts);
    PQsetNoticeProcessor(pg->conn, ignore_notice, NULL);
    *out = pg;
    return LSC_OK;
}

void lsc_pg_free(struct lsc_pg *pg)
{
    if (pg == NULL)
        return;
    PQfinish(pg->conn);
    lsc_free(pg);
}

enum lsc_status lsc_pg_exec(struct lsc_pg *pg, const char *sql, const char *purpose,
                            unsigned long long *rows, struct lsc_error *err)
{
    enum lsc_status st = LSC_OK;
    char msg[LSC_ERROR_MSG_MAX / 2];
    PGresult *res = PQexec(pg->conn, sql);
    ExecStatusType rs = res != NULL ? PQresultStatus(res) : PGRES_FATAL_ERROR;
    if (rows != NULL)
        *rows = 0;
    if (rs == PGRES_COMMAND_OK || rs == PGRES_TUPLES_OK) {
        const char *n = PQcmdTuples(res);
        if (rows != NULL && n != NULL && n[0] != '\0')
            *rows = strtoull(n, NULL, 10);
    } else if (res == NULL || PQresultErrorField(res, PG_DIAG_SQLSTATE) == NULL) {
        one_line(PQerrorMessage(pg->conn), msg, sizeof msg);
        st = lsc_error_set(err, LSC_ERR_IO, NULL, 0, 0, "PostgreSQL: %s: %s", purpose,
                           msg[0] != '\0' ? msg : "the statement failed");
    } else {
        const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), msg, sizeof msg);
        st = lsc_error_set(err, strcmp(state, "42P07") == 0 ? LSC_ERR_EXISTS : LSC_ERR_IO, NULL,
                           0, 0, "PostgreSQL: %s: %s (SQLSTATE %s)", purpose, msg, state);
    }
    PQclear(res);
    return st;
}

/* One part of a table name: not empty, no control character. */
static int name_part_ok(const char *s, size_t len)
{
    int ok = len > 0;
    for (size_t i = 0; ok && i < len; i++)
        ok = (unsigned char)s[i] >= 0x20 && s[i] != 0x7f;
    return ok;
}

static void put_quoted(struct buf *b, const char *s, size_t len)
{
    buf_put(b, "\"", 1);
    for (size_t i = 0; i < len; i++)
        buf_put(b, s[i] == '"' ? "\"\"" : s + i, s[i] == '"' ? 2 : 1);
    buf_put(b, "\"", 1);
}

enum lsc_status lsc_pg_check_table_name(const char *t, struct lsc_error *err)
{
    const char *dot = t != NULL ? strchr(t, '.') : NULL;
    size_t len = t != NULL ? strlen(t) : 0, head = dot != NULL ? (size_t)(dot - t) : len;
    if (t == NULL || !name_part_ok(t, head) ||
        (dot != NULL && (strchr(dot + 1, '.') != NULL || !name_part_ok(dot + 1, len - head - 1)))) {
        char shown[80];
        lsc_escape_bytes(t != NULL ? t : "", len, shown, sizeof shown);
        return lsc_error_set(err, LSC_ERR_USAGE, NULL, 0, 0,
                             "--into: \"%s\" is not a table name: give NAME or SCHEMA.NAME "
                             "(no control characters or further dots)",
                             shown);
    }
    return LSC_OK;
}

/* NAME or SCHEMA.NAME as quoted identifiers (split at the first dot). */
static enum lsc_status quote_table(const char *t, struct buf *b, struct lsc_error *err)
{
    const char *dot = strchr(t, '.');
    size_t len = strlen(t), head = dot != NULL ? (size_t)(dot - t) : len;
    enum lsc_status st = lsc_pg_check_table_name(t, err);
    if (st != LSC_OK)
        return st;
    put_quoted(b, t, head);
    if (dot != NULL) {
        buf_put(b, ".", 1);
        put_quoted(b, dot + 1, len - head - 1);
    }
    return b->failed ? lsc_error_nomem(err) : LSC_OK;
}

enum lsc_status lsc_pg_create_table_as(struct lsc_pg *pg, const char *into, const char *select_sql,
                                       int force, unsigned long long *rows,
                                       struct lsc_error *err)
{
    struct buf name = {NULL, 0, 0, 0}, drop = {NULL, 0, 0, 0}, create = {NULL, 0, 0, 0};
    enum lsc_status st;
    *rows = 0;
    if ((st = quote_table(into, &name, err)) != LSC_OK)
        goto cleanup;
    buf_puts(&drop, "DROP TABLE IF EXISTS ");
    buf_puts(&drop, name.s);
    buf_puts(&create, "CREATE TABLE ");
    buf_puts(&create, name.s);
    buf_puts(&create, " AS\n");
    buf_puts(&create, select_sql);
    if (drop.failed || create.failed) {
        st = lsc_error_nomem(err);
        goto cleanup;
    }
    /* no JIT: LLVM took 35 s to compile a 268-feature model's scoring of
     * 3,000 rows that runs in under 2 s without it (and saved nothing on a
     * 90-feature model at 100,000 rows) */
    if ((st = lsc_pg_exec(pg, "BEGIN", "starting the transaction", NULL, err)) != LSC_OK)
        goto cleanup;
    if ((st = lsc_pg_exec(pg, "SET LOCAL jit = off", "setting up the transaction", NULL, err)) ==
            LSC_OK &&
        (!force || (st = lsc_pg_exec(pg, drop.s, "dropping the old table (--force)", NULL,
                                     err)) == LSC_OK) &&
        (st = lsc_pg_exec(pg, create.s, "creating the scores table", rows, err)) == LSC_OK)
        st = lsc_pg_exec(pg, "COMMIT", "committing the scores table", NULL, err);
    if (st != LSC_OK) {
        PQclear(PQexec(pg->conn, "ROLLBACK"));
        *rows = 0;
    }
    if (st == LSC_ERR_EXISTS)
        lsc_error_set(err, LSC_ERR_EXISTS, NULL, 0, 0,
                      "PostgreSQL: the table %s exists: give --force to replace it", name.s);
cleanup:
    lsc_free(name.s);
    lsc_free(drop.s);
    lsc_free(create.s);
    return st;
}

/* ---- queries that return rows (pg_query.h) ---------------------------- */

struct lsc_pg_rows {
    PGresult *res;
};

/* The error of a failed statement, as lsc_pg_exec words it. */
static enum lsc_status result_error(struct lsc_pg *pg, PGresult *res, const char *purpose,
                                    struct lsc_error *err)
{
    char msg[LSC_ERROR_MSG_MAX / 2];
    const char *state = res != NULL ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    if (state == NULL) {
        one_line(PQerrorMessage(pg->conn), msg, sizeof msg);
        return lsc_error_set(err, LSC_ERR_IO, NULL, 0, 0, "PostgreSQL: %s: %s", purpose,
                             msg[0] != '\0' ? msg : "the statement failed");
    }
    one_line(PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY), msg, sizeof msg);
    return lsc_error_set(err, LSC_ERR_IO, NULL, 0, 0, "PostgreSQL: %s: %s (SQLSTATE %s)", purpose,
                         msg, state);
}

enum lsc_status lsc_pg_query(struct lsc_pg *pg, const char *sql, const char *purpose,
                             struct lsc_pg_rows **out, struct lsc_error *err)
{
    *out = NULL;
    PGresult *res = PQexec(pg->conn, sql);
    if (res == NULL || PQresultStatus(res) != PGRES_TUPLES_OK) {
        enum lsc_status st = result_error(pg, res, purpose, err);
        PQclear(res);
        return st;
    }
    struct lsc_pg_rows *r = lsc_malloc(sizeof *r);
    if (r == NULL) {
        PQclear(res);
        return lsc_error_nomem(err);
    }
    r->res = res;
    int n = PQntuples(res), m = PQnfields(res);
    for (int i = 0; i < n; i++)
        for (int j = 0; j < m; j++)
            pg->bytes += (unsigned long long)PQgetlength(res, i, j);
    *out = r;
    return LSC_OK;
}

size_t lsc_pg_rows_count(const struct lsc_pg_rows *r) { return (size_t)PQntuples(r->res); }

size_t lsc_pg_rows_columns(const struct lsc_pg_rows *r) { return (size_t)PQnfields(r->res); }

const char *lsc_pg_rows_value(const struct lsc_pg_rows *r, size_t i, size_t j)
{
    if (PQgetisnull(r->res, (int)i, (int)j))
        return NULL;
    return PQgetvalue(r->res, (int)i, (int)j);
}

const char *lsc_pg_rows_name(const struct lsc_pg_rows *r, size_t j)
{
    return PQfname(r->res, (int)j);
}

void lsc_pg_rows_free(struct lsc_pg_rows *r)
{
    if (r == NULL)
        return;
    PQclear(r->res);
    lsc_free(r);
}

unsigned long long lsc_pg_bytes(const struct lsc_pg *pg) { return pg->bytes; }

unsigned long long lsc_pg_bytes_since_mark(const struct lsc_pg *pg) { return pg->bytes - pg->mark; }

void lsc_pg_mark_bytes(struct lsc_pg *pg) { pg->mark = pg->bytes; }

char *lsc_pg_quote_table(const char *name, const char *option, struct lsc_error *err)
{
    struct buf b = {NULL, 0, 0, 0};
    enum lsc_status st = quote_table(name, &b, err);
    if (st == LSC_ERR_USAGE && err != NULL && strncmp(err->message, "--into", 6) == 0) {
        char msg[LSC_ERROR_MSG_MAX];
        snprintf(msg, sizeof msg, "%s%s", option, err->message + 6);
        snprintf(err->message, sizeof err->message, "%s", msg);
    }
    if (st != LSC_OK) {
        lsc_free(b.s);
        return NULL;
    }
    return b.s;
}
