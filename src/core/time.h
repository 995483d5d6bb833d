/* time.h - instants, the civil calendar and the time syntax of SPEC §2.4.
 * Pure functions: no time zone database, no I/O. */
#ifndef CX_TIME_H
#define CX_TIME_H

#include <stddef.h>
#include <stdint.h>

/* An instant: seconds since 1970-01-01T00:00:00Z and nanoseconds [0, 1e9). */
struct cx_time {
    int64_t sec;
    int32_t nsec;
};

/* Smallest and largest accepted instants: 0001-01-01T00:00:00Z and
 * 9999-12-31T23:59:59.999999999Z. */
#define CX_TIME_MIN_SEC (-62135596800LL)
#define CX_TIME_MAX_SEC (253402300799LL)

/* Parses a time field: RFC 3339 (strict per SPEC §2.4: 'T'/'t' separator,
 * offset 'Z'/'z' or ±hh:mm with hh <= 23 and mm <= 59, second 0-59, a real
 * calendar date, any number of fractional digits truncated to ns) or integer
 * Unix seconds (optional '-' and ASCII digits only). s need not be
 * NUL-terminated. Returns 0 and fills *out, or -1 with *why set to a static
 * English reason ("missing time zone offset", "day out of range", ...).
 * Instants outside [CX_TIME_MIN_SEC, CX_TIME_MAX_SEC] are rejected. */
int cx_time_parse(const char *s, size_t len, struct cx_time *out, const char **why);

/* Parses a calendar date YYYY-MM-DD (a real date, year 0001-9999) into days
 * since 1970-01-01. Returns 0 or -1 with *why set. */
int cx_date_parse(const char *s, size_t len, int64_t *days, const char **why);

/* Days since 1970-01-01 of the proleptic Gregorian date y-m-d (m 1-12). */
int64_t cx_days_from_civil(int64_t y, int m, int d);

/* Inverse of cx_days_from_civil. */
void cx_civil_from_days(int64_t days, int64_t *y, int *m, int *d);

/* Day of week of a day number: 0 = Monday ... 6 = Sunday. */
int cx_weekday(int64_t days);

/* Writes t as RFC 3339 in UTC ("2026-03-01T12:34:56Z", with a fraction of
 * up to 9 digits, trailing zeros removed, when nsec != 0). buf must hold 40
 * bytes. Returns buf. */
char *cx_time_format(struct cx_time t, char *buf);

/* Compares two instants: <0, 0, >0. */
int cx_time_cmp(struct cx_time a, struct cx_time b);

#endif
