/* demo.h - a realistic, deterministic multilingual demo data set. */
#ifndef CX_DEMO_H
#define CX_DEMO_H

#include <stdint.h>
#include <stdio.h>

#include "core/cx.h"

struct cx_demo_opts {
    uint64_t seed;   /* same seed and options -> byte-identical output */
    int customers;   /* default 50000 */
    int64_t end_day; /* last day of data, days since 1970-01-01 (UTC) */
    int days;        /* span, default 730 (two years) ending at end_day */
};

/* Writes demo responses and events as NDJSON (one object per line, the
 * fields of SPEC §2.1 and §2.2 plus attributes) to the two streams.
 * Returns CX_OK or CX_EIO. */
int cx_demo_write(FILE *responses, FILE *events, const struct cx_demo_opts *o, struct cx_err *err);

#endif
