#include "core/bucket.h"

#include <string.h>

#include "core/time.h"

static const char *const grain_names[] = {
    [CX_GRAIN_DAY] = "day",         [CX_GRAIN_WEEK] = "week", [CX_GRAIN_MONTH] = "month",
    [CX_GRAIN_QUARTER] = "quarter", [CX_GRAIN_YEAR] = "year",
};

int cx_grain_parse(const char *name, enum cx_grain *out)
{
    for (size_t i = 0; i < sizeof grain_names / sizeof grain_names[0]; i++) {
        if (strcmp(name, grain_names[i]) == 0) {
            *out = (enum cx_grain)i;
            return 0;
        }
    }
    return -1;
}

const char *cx_grain_name(enum cx_grain g)
{
    if ((unsigned)g < sizeof grain_names / sizeof grain_names[0]) return grain_names[g];
    return "?";
}

/* ISO 8601 week: the week belongs to the year holding its Thursday. */
static void iso_week(int64_t day, int64_t *iso_year, int *week)
{
    int64_t thursday = day - cx_weekday(day) + 3;
    int64_t y;
    int m, d;
    cx_civil_from_days(thursday, &y, &m, &d);
    *iso_year = y;
    *week = (int)((thursday - cx_days_from_civil(y, 1, 1)) / 7 + 1);
}

int64_t cx_bucket_start(enum cx_grain g, int64_t day)
{
    int64_t y;
    int m, d;
    switch (g) {
    case CX_GRAIN_DAY:
        return day;
    case CX_GRAIN_WEEK:
        return day - cx_weekday(day);
    case CX_GRAIN_MONTH:
        cx_civil_from_days(day, &y, &m, &d);
        return cx_days_from_civil(y, m, 1);
    case CX_GRAIN_QUARTER:
        cx_civil_from_days(day, &y, &m, &d);
        return cx_days_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
    case CX_GRAIN_YEAR:
        cx_civil_from_days(day, &y, &m, &d);
        return cx_days_from_civil(y, 1, 1);
    }
    return day;
}

int64_t cx_bucket_next(enum cx_grain g, int64_t day)
{
    int64_t y;
    int m, d;
    switch (g) {
    case CX_GRAIN_DAY:
        return day + 1;
    case CX_GRAIN_WEEK:
        return day - cx_weekday(day) + 7;
    case CX_GRAIN_MONTH:
        cx_civil_from_days(day, &y, &m, &d);
        return m == 12 ? cx_days_from_civil(y + 1, 1, 1) : cx_days_from_civil(y, m + 1, 1);
    case CX_GRAIN_QUARTER: {
        cx_civil_from_days(day, &y, &m, &d);
        int qm = (m - 1) / 3 * 3 + 4;
        return qm > 12 ? cx_days_from_civil(y + 1, 1, 1) : cx_days_from_civil(y, qm, 1);
    }
    case CX_GRAIN_YEAR:
        cx_civil_from_days(day, &y, &m, &d);
        return cx_days_from_civil(y + 1, 1, 1);
    }
    return day + 1;
}

/* Writes v zero-padded to width digits (more if needed) and returns the
 * end; a year outside 0..9999 is clamped so that labels fit 16 bytes. */
static char *put_num(char *p, int64_t v, int width)
{
    char tmp[8];
    int n = 0;
    if (v < 0) v = 0;
    if (v > 9999) v = 9999;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width) tmp[n++] = '0';
    while (n) *p++ = tmp[--n];
    return p;
}

void cx_bucket_label(enum cx_grain g, int64_t day, char *out)
{
    int64_t y;
    int m, d, w;
    char *p = out;
    if (g == CX_GRAIN_WEEK) {
        iso_week(day, &y, &w);
        p = put_num(p, y, 4);
        *p++ = '-';
        *p++ = 'W';
        p = put_num(p, w, 2);
        *p = '\0';
        return;
    }
    cx_civil_from_days(day, &y, &m, &d);
    p = put_num(p, y, 4);
    switch (g) {
    case CX_GRAIN_DAY:
        *p++ = '-';
        p = put_num(p, m, 2);
        *p++ = '-';
        p = put_num(p, d, 2);
        break;
    case CX_GRAIN_MONTH:
        *p++ = '-';
        p = put_num(p, m, 2);
        break;
    case CX_GRAIN_QUARTER:
        *p++ = '-';
        *p++ = 'Q';
        *p++ = (char)('1' + (m - 1) / 3);
        break;
    case CX_GRAIN_WEEK:
    case CX_GRAIN_YEAR:
        break;
    }
    *p = '\0';
}
