/* leadscore/pg.h - a PostgreSQL connection (libpq) for writing scores into
 * a table of the database (leadscore-score --postgres ... --into NAME;
 * docs/warehouse.md).
 *
 * Passwords: libpq takes them from the connection string, PGPASSWORD or
 * the password file (PGPASSFILE, ~/.pgpass). No message of this module
 * shows one: a connection string is shown only as lsc_pg_redact() writes
 * it, and a password of the connection string is cut out of libpq's own
 * messages. Server notices (e.g. DROP TABLE IF EXISTS's) are dropped: the
 * library never prints.
 */
#ifndef LEADSCORE_PG_H
#define LEADSCORE_PG_H

#include <stddef.h>

#include "leadscore/status.h"

#ifdef __cplusplus
extern "C" {
#endif

struct lsc_pg;

/* Writes conninfo into out (size > 0; always NUL-terminated, cut with
 * "..." when it does not fit, control characters as \xHH) with every
 * password replaced by "***": the values of the keywords password and
 * sslpassword of a "key=value" string (quoted values too), the password of
 * a postgresql:// or postgres:// URI's user:password@ and its password=
 * and sslpassword= parameters. A "key=value" string that cannot be parsed
 * is shown up to the fault, the rest as "***". Returns out. */
const char *lsc_pg_redact(const char *conninfo, char *out, size_t size);

/* Connects with PQconnectdb(conninfo). *out is the connection, freed with
 * lsc_pg_free(). LSC_ERR_IO "PostgreSQL: connecting to <redacted
 * conninfo>: <libpq's message>" when the connection fails (err->file
 * empty), LSC_ERR_USAGE when conninfo cannot be parsed (libpq's message is
 * then left out if the string may hold a password: it quotes the faulty
 * part), LSC_ERR_NOMEM. */
enum lsc_status lsc_pg_connect(const char *conninfo, struct lsc_pg **out, struct lsc_error *err);

/* Closes the connection; NULL is allowed. */
void lsc_pg_free(struct lsc_pg *pg);

/* Runs one SQL statement; purpose names it in messages ("creating the
 * scores table"). rows (may be NULL) receives PQcmdTuples' count (0 when
 * the command reports none). A server error is LSC_ERR_IO "PostgreSQL:
 * <purpose>: <message> (SQLSTATE xxxxx)", LSC_ERR_EXISTS for SQLSTATE
 * 42P07 (the relation exists). */
enum lsc_status lsc_pg_exec(struct lsc_pg *pg, const char *sql, const char *purpose,
                            unsigned long long *rows, struct lsc_error *err);

/* Checks a table name for lsc_pg_create_table_as() before any work:
 * LSC_ERR_USAGE "--into: ..." for an empty part, a control character or a
 * second dot; LSC_OK otherwise. */
enum lsc_status lsc_pg_check_table_name(const char *into, struct lsc_error *err);

/* In one transaction: CREATE TABLE <into> AS <select_sql> (select_sql one
 * SELECT statement, a final ';' allowed), after DROP TABLE IF EXISTS <into>
 * when force is set; any failure rolls back, so an existing table stays as
 * it was. into is NAME or SCHEMA.NAME, each part written as a quoted
 * identifier as the SQL emitter writes --table (LSC_ERR_USAGE "--into: ..."
 * for an empty part, a control character or a second dot). *rows: the rows
 * written. LSC_ERR_EXISTS "... exists: give --force to replace it" when
 * into exists and force is 0, LSC_ERR_IO for other server errors (as
 * lsc_pg_exec), LSC_ERR_NOMEM. */
enum lsc_status lsc_pg_create_table_as(struct lsc_pg *pg, const char *into, const char *select_sql,
                                       int force, unsigned long long *rows,
                                       struct lsc_error *err);

#ifdef __cplusplus
}
#endif
#endif
