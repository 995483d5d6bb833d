/* bucket.h - time buckets of SPEC §3 over local calendar days. Pure. */
#ifndef CX_BUCKET_H
#define CX_BUCKET_H

#include <stdint.h>

enum cx_grain {
    CX_GRAIN_DAY,
    CX_GRAIN_WEEK,    /* ISO 8601 week, Monday start: "2026-W01" */
    CX_GRAIN_MONTH,   /* "2026-03" */
    CX_GRAIN_QUARTER, /* "2026-Q1" */
    CX_GRAIN_YEAR,    /* "2026" */
};

/* Sets *out and returns 0 if name is exactly one of day, week, month,
 * quarter, year; returns -1 otherwise. */
int cx_grain_parse(const char *name, enum cx_grain *out);

/* Name of a grain ("day", ...). */
const char *cx_grain_name(enum cx_grain g);

/* First local day (days since 1970-01-01) of the bucket holding day. */
int64_t cx_bucket_start(enum cx_grain g, int64_t day);

/* First local day of the bucket after the one holding day. */
int64_t cx_bucket_next(enum cx_grain g, int64_t day);

/* Writes the zero-padded label of the bucket holding day into out (at
 * least 16 bytes): "2026-03-01", "2026-W01", "2026-03", "2026-Q1", "2026".
 * Labels sort in time order as byte strings for years 0001-9999. */
void cx_bucket_label(enum cx_grain g, int64_t day, char *out);

#endif
