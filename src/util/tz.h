/* tz.h - IANA time zones through the C library (TZ + localtime_r).
 * One zone is active per process at a time: opening a zone sets TZ. */
#ifndef CX_TZ_H
#define CX_TZ_H

#include <stdint.h>

#include "core/cx.h"

struct cx_tz;

/* Opens zone name ("UTC", "Europe/Oslo", ...). NULL or "UTC" gives the fast
 * UTC zone. An unknown name fails with CX_EINVAL and a message. */
int cx_tz_open(const char *name, struct cx_tz **out, struct cx_err *err);
void cx_tz_free(struct cx_tz *tz); /* NULL is a no-op */
const char *cx_tz_name(const struct cx_tz *tz);
int cx_tz_is_utc(const struct cx_tz *tz);

/* Local calendar day (days since 1970-01-01) of the instant utc_sec. */
int64_t cx_tz_local_day(struct cx_tz *tz, int64_t utc_sec);

/* Offset of local time from UTC at utc_sec, in seconds (thread-safe). */
int32_t cx_tz_offset(struct cx_tz *tz, int64_t utc_sec);
/* First instant (UTC seconds) of local day `day`. */
int64_t cx_tz_day_start(struct cx_tz *tz, int64_t day);

#endif
