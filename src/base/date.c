/* date - calendar dates; see date.h. */
#include "date.h"

#include <string.h>

#include "leadscore/parse.h"
#include "util.h"

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

long lsc_date_day_number(int year, int month, int day)
{
    long y = (long)year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (long)month + (month > 2 ? -3 : 9);
    long doy = (153 * mp + 2) / 5 + (long)day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void lsc_date_civil(long day, int *year, int *month, int *mday)
{
    long z = day + 719468, era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097, yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100), mp = (5 * doy + 2) / 153;
    long m = mp < 10 ? mp + 3 : mp - 9;
    *mday = (int)(doy - (153 * mp + 2) / 5 + 1);
    *month = (int)m;
    *year = (int)(yoe + era * 400 + (m <= 2));
}

int lsc_parse_date(const char *s, const char *fmt, int *year, int *month, int *day)
{
    long n;
    size_t len = strlen(s);
    lsc_trim_span(&s, &len);
    if (!lsc_date_parse_with(s, len, fmt, &n))
        return 0;
    lsc_date_civil(n, year, month, day);
    return 1;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : dm[m - 1];
}

int lsc_date_valid(int y, int m, int d)
{
    return y >= 1 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= days_in_month(y, m);
}

int lsc_date_check_format(const char *fmt)
{
    int ny = 0, nm = 0, nd = 0, ok = 1;
    for (const char *f = fmt; ok && *f; f++) {
        if (*f != '%')
            continue;
        f++;
        if (*f == 'Y')
            ny++;
        else if (*f == 'm' || *f == 'b')
            nm++;
        else if (*f == 'd')
            nd++;
        else if (*f != '%')
            ok = 0;
    }
    return ok && ny == 1 && nm == 1 && nd == 1;
}

/* %b at s[*i]: the month 1..12 of "Jun" or "June" (any case), 0 if none. */
static int month_name(const char *s, size_t len, size_t *i)
{
    static const char *const names[12] = {"january", "february", "march",     "april",
                                          "may",     "june",     "july",      "august",
                                          "september", "october", "november", "december"};
    for (int k = 0; k < 12; k++) {
        size_t n = 0, full = strlen(names[k]);
        while (*i + n < len && n < full && (s[*i + n] | 0x20) == names[k][n])
            n++;
        if (n == full || (n == 3 && !(*i + n < len && ((s[*i + n] | 0x20) >= 'a' &&
                                                       (s[*i + n] | 0x20) <= 'z')))) {
            *i += n;
            return k + 1;
        }
    }
    return 0;
}

int lsc_date_parse_format(const char *s, size_t len, const char *fmt, long *day)
{
    size_t i = 0;
    int y = 0, m = 0, d = 0, ok = 1;
    for (const char *f = fmt; ok && *f; f++) {
        if (*f != '%' || f[1] == '%') {
            ok = i < len && s[i] == *f;
            i++;
            f += *f == '%';
            continue;
        }
        f++;
        if (*f == 'b') {
            m = month_name(s, len, &i);
            ok = m != 0;
            continue;
        }
        int lo = *f == 'Y' ? 4 : 1, hi = *f == 'Y' ? 4 : 2, nd = 0, v = 0;
        while (i < len && nd < hi && is_digit(s[i])) {
            v = v * 10 + (s[i] - '0');
            i++;
            nd++;
        }
        ok = nd >= lo;
        if (*f == 'Y')
            y = v;
        else if (*f == 'm')
            m = v;
        else
            d = v;
    }
    ok = ok && (i == len || s[i] == 'T' || s[i] == ' ') && lsc_date_valid(y, m, d);
    if (ok)
        *day = lsc_date_day_number(y, m, d);
    return ok;
}

int lsc_date_parse_with(const char *s, size_t len, const char *fmt, long *day)
{
    int y = 0, m = 0, d = 0;
    if (fmt != NULL && lsc_date_parse_format(s, len, fmt, day))
        return 1;
    if (!lsc_parse_iso_date(s, len, &y, &m, &d))
        return 0;
    *day = lsc_date_day_number(y, m, d);
    return 1;
}

const char *const lsc_date_common_formats[] = {"%Y-%m-%d", "%d/%m/%Y", "%m/%d/%Y", "%d.%m.%Y",
                                               "%d-%m-%Y", "%Y/%m/%d", "%d-%b-%Y", "%d %b %Y",
                                               "%b %d, %Y", NULL};

int lsc_parse_iso_date(const char *s, size_t len, int *year, int *month, int *day)
{
    int ok = len >= 10 && is_digit(s[0]) && is_digit(s[1]) && is_digit(s[2]) && is_digit(s[3]) &&
             s[4] == '-' && is_digit(s[5]) && is_digit(s[6]) && s[7] == '-' && is_digit(s[8]) &&
             is_digit(s[9]) && (len == 10 || s[10] == 'T' || s[10] == ' ');
    if (ok) {
        int y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
        int m = (s[5] - '0') * 10 + (s[6] - '0');
        int d = (s[8] - '0') * 10 + (s[9] - '0');
        ok = lsc_date_valid(y, m, d);
        if (ok) {
            *year = y;
            *month = m;
            *day = d;
        }
    }
    return ok;
}
