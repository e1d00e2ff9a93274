/* sql_text - the pieces of SQL text the scoring emitter writes (emit_sql.c),
 * for the training queries that run inside PostgreSQL
 * (src/pipeline/train_pg.c), so both read values the same way: column j's
 * trimmed text is v_j, na_j says it is missing (lsc_is_na_token()), x_j is
 * its number (lsc_parse_number()'s syntax) or NULL. */
#ifndef LSC_SRC_SQL_TEXT_H
#define LSC_SRC_SQL_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "leadscore/emit.h"

/* "name" with embedded double quotes doubled. */
void lsc_sql_put_ident(FILE *fp, const char *s);
/* A string literal that means the same under every setting. */
void lsc_sql_put_string(FILE *fp, enum lsc_sql_dialect d, const char *s);
/* A double literal that reads back as x. */
void lsc_sql_put_num(FILE *fp, enum lsc_sql_dialect d, double x);
/* (v_j IS NULL OR v_j IN ('', the built-in tokens, extra...)) */
void lsc_sql_put_na_test(FILE *fp, enum lsc_sql_dialect d, size_t j, const char *const *extra,
                         size_t n_extra);
/* ",\n    CASE ... END AS x_j": the number in v_j, NULL when missing or not a
 * number (needs na_j). */
void lsc_sql_put_number_value(FILE *fp, enum lsc_sql_dialect d, size_t j);
/* The account key (account.h) of v_j: trimmed, inner whitespace runs one
 * space, ASCII letters lowercased. */
void lsc_sql_put_account_key(FILE *fp, enum lsc_sql_dialect d, size_t j);

/* ",\n    CASE ... END AS dy_j" and dm_j, dd_j: the year, month and day of the
 * date in v_j as the rules engine and the activity logs read one
 * (YYYY-MM-DD, month and day of one or two digits, then the end, T or a
 * space), NULL otherwise. */
void lsc_sql_put_date_parts(FILE *fp, enum lsc_sql_dialect d, size_t j);
/* The day number (date.h) of dy_j, dm_j, dd_j, NULL when they are no
 * valid date. */
void lsc_sql_put_day_number(FILE *fp, enum lsc_sql_dialect d, size_t j);

#endif
