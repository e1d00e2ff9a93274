/* pg_query - queries that return rows, for the training that runs inside
 * PostgreSQL (src/pipeline/train_pg.c): results in text format, the bytes
 * the server sent counted on the connection, and a table name quoted as the
 * SQL emitter quotes --table. Errors as lsc_pg_exec (leadscore/pg.h). */
#ifndef LSC_SRC_PG_QUERY_H
#define LSC_SRC_PG_QUERY_H

#include <stddef.h>

#include "leadscore/pg.h"
#include "leadscore/status.h"

struct lsc_pg_rows;

/* Runs one SELECT; *out holds its rows (free with lsc_pg_rows_free). */
enum lsc_status lsc_pg_query(struct lsc_pg *pg, const char *sql, const char *purpose,
                             struct lsc_pg_rows **out, struct lsc_error *err);
size_t lsc_pg_rows_count(const struct lsc_pg_rows *r);
size_t lsc_pg_rows_columns(const struct lsc_pg_rows *r);
/* The value of row i, column j as text, NULL for SQL NULL. */
const char *lsc_pg_rows_value(const struct lsc_pg_rows *r, size_t i, size_t j);
/* The name of column j. */
const char *lsc_pg_rows_name(const struct lsc_pg_rows *r, size_t j);
void lsc_pg_rows_free(struct lsc_pg_rows *r);

/* Bytes of the values of every result received on the connection so far,
 * and of those received since lsc_pg_mark_bytes. */
unsigned long long lsc_pg_bytes(const struct lsc_pg *pg);
unsigned long long lsc_pg_bytes_since_mark(const struct lsc_pg *pg);
void lsc_pg_mark_bytes(struct lsc_pg *pg);

/* NAME or SCHEMA.NAME as quoted identifiers, malloc'd (lsc_free), or NULL
 * with err set (LSC_ERR_USAGE naming option, LSC_ERR_NOMEM). */
char *lsc_pg_quote_table(const char *name, const char *option, struct lsc_error *err);

#endif
