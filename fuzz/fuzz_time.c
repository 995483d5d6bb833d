/* libFuzzer driver for the time syntax: an accepted time formats to
 * RFC 3339 that parses back to the same instant; an accepted date is a
 * real day whose civil form converts back. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/time.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *s = (const char *)data;
    struct cx_time t, back;
    const char *why = NULL;
    if (cx_time_parse(s, size, &t, &why) == 0) {
        char buf[40];
        if (t.sec < CX_TIME_MIN_SEC || t.sec > CX_TIME_MAX_SEC) abort();
        if (t.nsec < 0 || t.nsec >= 1000000000) abort();
        cx_time_format(t, buf);
        if (cx_time_parse(buf, strlen(buf), &back, &why) != 0) abort();
        if (cx_time_cmp(t, back) != 0) abort();
    } else if (!why || !*why) {
        abort();
    }

    int64_t days;
    why = NULL;
    if (cx_date_parse(s, size, &days, &why) == 0) {
        int64_t y;
        int m, d;
        cx_civil_from_days(days, &y, &m, &d);
        if (cx_days_from_civil(y, m, d) != days || y < 1 || y > 9999) abort();
        if (cx_weekday(days) < 0 || cx_weekday(days) > 6) abort();
    } else if (!why || !*why) {
        abort();
    }
    return 0;
}
