/* date - calendar dates, one place for every tool (the rules engine, derived
 * features, the date split, the SQL emitter, the programs): validity, day
 * numbers, and parsing with a format. The strict ISO 8601 parser is public:
 * lsc_parse_iso_date in leadscore/parse.h. */
#ifndef LSC_SRC_DATE_H
#define LSC_SRC_DATE_H

#include <stddef.h>

/* 1 when year (1 to 9999), month and day name a day of the proleptic
 * Gregorian calendar. */
int lsc_date_valid(int year, int month, int day);

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil; exact for every year). */
long lsc_date_day_number(int year, int month, int day);

/* The date of a day number (the inverse of lsc_date_day_number; H. Hinnant's
 * civil_from_days). */
void lsc_date_civil(long day, int *year, int *month, int *mday);

/* 1 when fmt has each of %Y, %d and a month (%m, or %b) once and otherwise
 * only literal characters and %%. */
int lsc_date_check_format(const char *fmt);

/* The message of a --date-format that lsc_date_check_format refuses
 * (printf argument: the format). */
#define LSC_DATE_FORMAT_BAD                                                                        \
    "--date-format \"%s\" needs each of %%Y, %%d and a month (%%m, or %%b for a month name) once, " \
    "e.g. %%d/%%m/%%Y"

/* Reads s (len bytes) with fmt (%Y: 4 digits, %m and %d: 1 or 2, %b: an
 * English month name, its first three letters or in full, any case: "Jun",
 * "june"); a time of day after 'T' or a space may follow. 1 and *day set to
 * the day number, or 0 when s is no valid date in that format. */
int lsc_date_parse_format(const char *s, size_t len, const char *fmt, long *day);

/* A date column's value (--date-format): with fmt (NULL: none) first, then
 * as ISO 8601 YYYY-MM-DD (strictly: lsc_parse_iso_date), which no format
 * misreads. 1 and *day, or 0. */
int lsc_date_parse_with(const char *s, size_t len, const char *fmt, long *day);

/* The formats a date column is tried with when none is given (for the
 * detection of date columns), ISO first; NULL-terminated. */
extern const char *const lsc_date_common_formats[];

#endif
