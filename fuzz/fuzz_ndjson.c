/* libFuzzer driver for the NDJSON reader. The first input byte picks the
 * read size and max_line; the rest is the file. Every row is read whole,
 * the result must not depend on the read size, and the whole input is
 * also given to cx_ndjson_parse_object. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/ndjson.h"

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

static uint64_t mix(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 1099511628211ULL;
    return (h ^ 0x100) * 1099511628211ULL;
}

static uint64_t hash_row(uint64_t h, const struct cx_row *row)
{
    for (size_t i = 0; i < row->n; i++) {
        const struct cx_field *f = &row->f[i];
        if (f->kind < CX_VAL_ABSENT || f->kind > CX_VAL_JSON) abort();
        /* jansson hands out valid UTF-8 only */
        if (!cx_utf8_valid(f->key, f->klen, NULL)) abort();
        if (f->kind == CX_VAL_STRING && f->vlen && !cx_utf8_valid(f->val, f->vlen, NULL)) abort();
        h = mix(h, f->key, f->klen);
        h = mix(h, &f->kind, sizeof f->kind);
        h = mix(h, f->val, f->vlen);
    }
    return h;
}

static uint64_t read_all(const uint8_t *data, size_t size, size_t chunk, size_t max_line)
{
    struct src s = {data, size, 0, chunk};
    struct cx_ndjson *j = cx_ndjson_new(src_read, &s, max_line);
    if (!j) abort();
    uint64_t h = 1469598103934665603ULL;
    for (;;) {
        struct cx_row row;
        struct cx_err err;
        int rc = cx_ndjson_next(j, &row, &err);
        h = mix(h, &rc, sizeof rc);
        h = mix(h, &row.line, sizeof row.line);
        if (rc == 0 || rc == -2) break;
        if (rc == -1) {
            if (row.n != 0 || strlen(err.msg) == 0) abort();
            continue;
        }
        h = hash_row(h, &row);
    }
    cx_ndjson_free(j);
    return h;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    size_t chunk = (size_t)(data[0] & 0x0F) + 1;
    size_t max_line = data[0] & 0x80 ? (size_t)(data[0] & 0x70) : 1 << 20;
    data++;
    size--;
    if (read_all(data, size, chunk, max_line) != read_all(data, size, 65536, max_line)) abort();

    struct cx_ndjson *j = cx_ndjson_new(src_read, NULL, 1 << 20);
    struct cx_row row;
    struct cx_err err;
    if (cx_ndjson_parse_object(j, (const char *)data, size, &row, &err) == 1) hash_row(0, &row);
    cx_ndjson_free(j);
    return 0;
}
