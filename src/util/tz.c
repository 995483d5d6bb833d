#include "util/tz.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/time.h"

#define CACHE_SLOTS 4096

/* The zone the C library's TZ currently names (localtime_r reads it). */
static const struct cx_tz *active;
static pthread_mutex_t tz_lock = PTHREAD_MUTEX_INITIALIZER;

struct cx_tz {
    char name[128];
    int utc;
    /* direct-mapped cache of UTC offsets per 15-minute block */
    int64_t block[CACHE_SLOTS];
    int32_t offset[CACHE_SLOTS];
};

static int64_t floor_div(int64_t a, int64_t b)
{
    int64_t q = a / b;
    if ((a % b) && ((a < 0) != (b < 0))) q--;
    return q;
}

static int zone_exists(const char *name)
{
    if (!name[0] || name[0] == '/' || strstr(name, "..")) return 0;
    const char *dir = getenv("TZDIR");
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo", name);
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int cx_tz_open(const char *name, struct cx_tz **out, struct cx_err *err)
{
    struct cx_tz *tz = calloc(1, sizeof *tz);
    if (!tz) return cx_fail(err, CX_ENOMEM, "out of memory");
    if (!name || !strcmp(name, "UTC") || !strcmp(name, "Etc/UTC")) {
        tz->utc = 1;
        snprintf(tz->name, sizeof tz->name, "UTC");
    } else {
        if (strlen(name) >= sizeof tz->name || !zone_exists(name)) {
            free(tz);
            return cx_fail(err, CX_EINVAL,
                           "unknown time zone '%s' (use an IANA name such as Europe/Oslo)", name);
        }
        snprintf(tz->name, sizeof tz->name, "%s", name);
    }
    for (int i = 0; i < CACHE_SLOTS; i++) tz->block[i] = INT64_MIN;
    *out = tz;
    return CX_OK;
}

void cx_tz_free(struct cx_tz *tz)
{
    pthread_mutex_lock(&tz_lock);
    if (active == tz) active = NULL;
    pthread_mutex_unlock(&tz_lock);
    free(tz);
}

const char *cx_tz_name(const struct cx_tz *tz)
{
    return tz->name;
}

int cx_tz_is_utc(const struct cx_tz *tz)
{
    return tz->utc;
}

static void activate(const struct cx_tz *tz)
{
    if (active == tz) return;
    char buf[160];
    snprintf(buf, sizeof buf, ":%s", tz->name);
    setenv("TZ", buf, 1);
    tzset();
    active = tz;
}

static int32_t offset_at(struct cx_tz *tz, int64_t sec)
{
    int64_t b = floor_div(sec, 900);
    size_t slot = (size_t)((uint64_t)b % CACHE_SLOTS);
    if (tz->block[slot] == b) return tz->offset[slot];
    time_t t = (time_t)(b * 900);
    struct tm tm;
    int32_t off = 0;
    /* TZ is process-wide: switching it and reading it must not interleave
     * with another thread's switch */
    pthread_mutex_lock(&tz_lock);
    activate(tz);
    if (localtime_r(&t, &tm)) off = (int32_t)tm.tm_gmtoff;
    pthread_mutex_unlock(&tz_lock);
    tz->block[slot] = b;
    tz->offset[slot] = off;
    return off;
}

int32_t cx_tz_offset(struct cx_tz *tz, int64_t utc_sec)
{
    return tz->utc ? 0 : offset_at(tz, utc_sec);
}

int64_t cx_tz_local_day(struct cx_tz *tz, int64_t utc_sec)
{
    if (tz->utc) return floor_div(utc_sec, 86400);
    return floor_div(utc_sec + offset_at(tz, utc_sec), 86400);
}

int64_t cx_tz_day_start(struct cx_tz *tz, int64_t day)
{
    if (tz->utc) return day * 86400;
    /* Local midnight guess, then search the few hours around it for the first
     * instant whose local day is `day` (handles DST gaps at midnight). */
    int64_t guess = day * 86400 - offset_at(tz, day * 86400);
    int64_t lo = guess - 2 * 86400, hi = guess + 2 * 86400;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cx_tz_local_day(tz, mid) >= day)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}
