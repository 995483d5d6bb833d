/* row.h - one input row as named fields, the common shape of CSV records
 * (after the header is applied) and NDJSON objects. */
#ifndef CX_ROW_H
#define CX_ROW_H

#include <stddef.h>

/* Byte source: fills buf with up to cap bytes. Returns the number read,
 * 0 at end of input, -1 on error. */
typedef long (*cx_read_fn)(void *ctx, char *buf, size_t cap);

enum cx_val_kind {
    CX_VAL_ABSENT, /* empty CSV cell or JSON null */
    CX_VAL_STRING, /* CSV cell or JSON string (unescaped UTF-8 bytes) */
    CX_VAL_INT,    /* JSON integer: val holds its decimal text */
    CX_VAL_REAL,   /* JSON real: val holds its shortest round-trip text */
    CX_VAL_BOOL,   /* JSON true/false: val is "true"/"false" */
    CX_VAL_JSON,   /* JSON object or array: val holds compact JSON text */
};

struct cx_field {
    const char *key;
    size_t klen;
    const char *val; /* not NUL-terminated in general; may hold NUL bytes */
    size_t vlen;
    enum cx_val_kind kind;
};

struct cx_row {
    long line; /* physical line where the row starts (1-based) */
    size_t n;
    struct cx_field *f;
};

#endif
