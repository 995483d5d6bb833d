/* libFuzzer driver for the CSV reader. The first input byte picks the
 * read size and max_record; the rest is the file. Every record is read
 * whole, written back with cx_csv_write_field, and the result must not
 * depend on the read size. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"

struct src {
    const uint8_t *p;
    size_t len, pos, chunk;
};

static long src_read(void *ctx, char *buf, size_t cap)
{
    struct src *s = ctx;
    size_t n = s->len - s->pos;
    if (n > cap) n = cap;
    if (n > s->chunk) n = s->chunk;
    memcpy(buf, s->p + s->pos, n);
    s->pos += n;
    return (long)n;
}

/* Reads everything and returns a checksum over what was returned. */
static uint64_t read_all(const uint8_t *data, size_t size, size_t chunk, size_t max_record,
                         FILE *sink)
{
    struct src s = {data, size, 0, chunk};
    struct cx_csv *c = cx_csv_new(src_read, &s, max_record);
    if (!c) abort();
    uint64_t h = 1469598103934665603ULL;
    for (;;) {
        struct cx_csv_record rec;
        struct cx_err err;
        int rc = cx_csv_next(c, &rec, &err);
        h = (h ^ (uint64_t)(rc + 3)) * 1099511628211ULL;
        h = (h ^ (uint64_t)rec.line) * 1099511628211ULL;
        if (rc == 0 || rc == -2) break;
        if (rc == -1) {
            if (rec.nfields != 0 || strlen(err.msg) == 0) abort();
            continue;
        }
        for (size_t i = 0; i < rec.nfields; i++) {
            if (rec.fields[i][rec.lens[i]] != '\0') abort();
            for (size_t k = 0; k < rec.lens[i]; k++)
                h = (h ^ (uint8_t)rec.fields[i][k]) * 1099511628211ULL;
            h = (h ^ 0x100) * 1099511628211ULL;
            if (sink) cx_csv_write_field(sink, rec.fields[i], rec.lens[i]);
        }
    }
    cx_csv_free(c);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static FILE *sink;
    if (!sink) sink = fopen("/dev/null", "w");
    if (size < 1) return 0;
    size_t chunk = (size_t)(data[0] & 0x0F) + 1;
    size_t max_record = data[0] & 0x80 ? (size_t)(data[0] & 0x70) : 1 << 20;
    data++;
    size--;
    uint64_t a = read_all(data, size, chunk, max_record, sink);
    uint64_t b = read_all(data, size, 65536, max_record, NULL);
    if (a != b) abort();
    return 0;
}
