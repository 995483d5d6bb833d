#include "core/time.h"

#define SECS_PER_DAY 86400

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

/* Reads n ASCII digits at s as a non-negative number, or returns -1. */
static int digits(const char *s, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (!is_digit(s[i])) return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int days_in_month(int64_t y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : dim[m - 1];
}

/* Days are counted in 400-year eras of 146097 days starting on March 1st,
 * so that the leap day is the last day of each computational year. */
int64_t cx_days_from_civil(int64_t y, int m, int d)
{
    if (m <= 2) y--;
    int64_t era = floor_div(y, 400);
    int64_t yoe = y - era * 400;                         /* [0, 399] */
    int64_t mp = m > 2 ? m - 3 : m + 9;                  /* March = 0 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;            /* [0, 365] */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* [0, 146096] */
    return era * 146097 + doe - 719468;
}

void cx_civil_from_days(int64_t days, int64_t *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = floor_div(z, 146097);
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    int dd = (int)(doy - (153 * mp + 2) / 5 + 1);
    int mm = (int)(mp < 10 ? mp + 3 : mp - 9);
    int64_t yy = yoe + era * 400 + (mm <= 2);
    *y = yy;
    *m = mm;
    *d = dd;
}

int cx_weekday(int64_t days)
{
    /* 1970-01-01 was a Thursday (3). */
    int64_t r = (days + 3) % 7;
    return (int)(r < 0 ? r + 7 : r);
}

int cx_time_cmp(struct cx_time a, struct cx_time b)
{
    if (a.sec != b.sec) return a.sec < b.sec ? -1 : 1;
    if (a.nsec != b.nsec) return a.nsec < b.nsec ? -1 : 1;
    return 0;
}

static int fail(const char **why, const char *reason)
{
    if (why) *why = reason;
    return -1;
}

/* Parses "YYYY-MM-DD" at s (at least 10 bytes available) into y/m/d,
 * checking that the date exists. */
static int parse_ymd(const char *s, int *y, int *m, int *d, const char **why)
{
    int yy = digits(s, 4);
    int mm = s[4] == '-' ? digits(s + 5, 2) : -1;
    int dd = mm >= 0 && s[7] == '-' ? digits(s + 8, 2) : -1;
    if (yy < 0 || mm < 0 || dd < 0) return fail(why, "not a date (expected YYYY-MM-DD)");
    if (mm < 1 || mm > 12) return fail(why, "month out of range");
    if (dd < 1 || dd > days_in_month(yy, mm)) return fail(why, "day out of range");
    *y = yy;
    *m = mm;
    *d = dd;
    return 0;
}

int cx_date_parse(const char *s, size_t len, int64_t *days, const char **why)
{
    int y, m, d;
    if (len == 0) return fail(why, "empty date");
    if (len != 10) return fail(why, "not a date (expected YYYY-MM-DD)");
    if (parse_ymd(s, &y, &m, &d, why)) return -1;
    if (y < 1) return fail(why, "year out of range");
    *days = cx_days_from_civil(y, m, d);
    return 0;
}

static int parse_unix(const char *s, size_t len, struct cx_time *out, const char **why)
{
    size_t i = 0;
    int neg = 0;
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len) return fail(why, "not a time");
    /* The limit is checked on every digit, so v cannot overflow. */
    uint64_t limit = neg ? (uint64_t)(-CX_TIME_MIN_SEC) : (uint64_t)CX_TIME_MAX_SEC;
    uint64_t v = 0;
    for (; i < len; i++) {
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > limit) return fail(why, "time out of range");
    }
    out->sec = neg ? -(int64_t)v : (int64_t)v;
    out->nsec = 0;
    return 0;
}

static int parse_rfc3339(const char *s, size_t len, struct cx_time *out, const char **why)
{
    int y, mo, d;
    if (len < 10) return fail(why, "not a time (expected RFC 3339 or Unix seconds)");
    if (parse_ymd(s, &y, &mo, &d, why)) return -1;
    if (len == 10) return fail(why, "missing time of day");
    if (s[10] == ' ') return fail(why, "space separator (expected 'T')");
    if (s[10] != 'T' && s[10] != 't') return fail(why, "bad date-time separator (expected 'T')");
    if (len < 19) return fail(why, "bad time of day (expected hh:mm:ss)");
    int h = digits(s + 11, 2);
    int mi = s[13] == ':' ? digits(s + 14, 2) : -1;
    int se = mi >= 0 && s[16] == ':' ? digits(s + 17, 2) : -1;
    if (h < 0 || mi < 0 || se < 0) return fail(why, "bad time of day (expected hh:mm:ss)");
    if (h > 23) return fail(why, "hour out of range");
    if (mi > 59) return fail(why, "minute out of range");
    if (se > 59) return fail(why, "second out of range");

    size_t i = 19;
    int32_t nsec = 0;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        int nd = 0;
        for (; i < len && is_digit(s[i]); i++) {
            if (nd < 9) {
                nsec = nsec * 10 + (s[i] - '0');
                nd++;
            }
        }
        if (i == start) return fail(why, "missing fractional digits");
        for (; nd < 9; nd++) nsec *= 10;
    }

    int off = 0;
    if (i == len) return fail(why, "missing time zone offset");
    if (s[i] == 'Z' || s[i] == 'z') {
        i++;
    } else if (s[i] == '+' || s[i] == '-') {
        if (len - i < 6 || s[i + 3] != ':') return fail(why, "bad time zone offset");
        int oh = digits(s + i + 1, 2);
        int om = digits(s + i + 4, 2);
        if (oh < 0 || om < 0) return fail(why, "bad time zone offset");
        if (oh > 23) return fail(why, "offset hour out of range");
        if (om > 59) return fail(why, "offset minute out of range");
        off = (oh * 60 + om) * 60;
        if (s[i] == '-') off = -off;
        i += 6;
    } else {
        return fail(why, "missing time zone offset");
    }
    if (i != len) return fail(why, "trailing characters after time");

    int64_t sec = cx_days_from_civil(y, mo, d) * SECS_PER_DAY + h * 3600 + mi * 60 + se - off;
    if (sec < CX_TIME_MIN_SEC || sec > CX_TIME_MAX_SEC) return fail(why, "time out of range");
    out->sec = sec;
    out->nsec = nsec;
    return 0;
}

int cx_time_parse(const char *s, size_t len, struct cx_time *out, const char **why)
{
    if (len == 0) return fail(why, "empty time");
    size_t i = s[0] == '-' ? 1 : 0;
    while (i < len && is_digit(s[i])) i++;
    if (i == len) return parse_unix(s, len, out, why);
    return parse_rfc3339(s, len, out, why);
}

/* Writes v as at least width decimal digits; returns the end. */
static char *put_num(char *p, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) tmp[n++] = '0';
    while (n) *p++ = tmp[--n];
    return p;
}

char *cx_time_format(struct cx_time t, char *buf)
{
    int64_t days = t.sec / SECS_PER_DAY;
    int64_t rem = t.sec % SECS_PER_DAY;
    if (rem < 0) {
        rem += SECS_PER_DAY;
        days--;
    }
    int64_t y;
    int m, d;
    cx_civil_from_days(days, &y, &m, &d);

    char *p = buf;
    if (y < 0) *p++ = '-';
    p = put_num(p, y < 0 ? (uint64_t)0 - (uint64_t)y : (uint64_t)y, 4);
    *p++ = '-';
    p = put_num(p, (uint64_t)m, 2);
    *p++ = '-';
    p = put_num(p, (uint64_t)d, 2);
    *p++ = 'T';
    p = put_num(p, (uint64_t)(rem / 3600), 2);
    *p++ = ':';
    p = put_num(p, (uint64_t)(rem / 60 % 60), 2);
    *p++ = ':';
    p = put_num(p, (uint64_t)(rem % 60), 2);
    if (t.nsec > 0 && t.nsec < 1000000000) {
        int32_t ns = t.nsec;
        int w = 9;
        while (ns % 10 == 0) {
            ns /= 10;
            w--;
        }
        *p++ = '.';
        p = put_num(p, (uint64_t)ns, w);
    }
    *p++ = 'Z';
    *p = '\0';
    return buf;
}
