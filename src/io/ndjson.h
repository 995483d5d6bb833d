/* ndjson.h - streaming NDJSON reader (one JSON object per line), on jansson. */
#ifndef CX_NDJSON_H
#define CX_NDJSON_H

#include <stddef.h>

#include "core/cx.h"
#include "io/row.h"

struct cx_ndjson;

/* Creates a reader pulling bytes from fn(ctx); max_line bounds one line's
 * bytes. Returns NULL on allocation failure. */
struct cx_ndjson *cx_ndjson_new(cx_read_fn fn, void *ctx, size_t max_line);
void cx_ndjson_free(struct cx_ndjson *j); /* NULL is a no-op */

/* Reads the next non-blank line (a line of only spaces/tabs/CR is blank)
 * as one JSON object. Returns 1 with *row filled (keys and values valid
 * until the next call; keys in the object's order); 0 at end of input; -1
 * when the line is not a JSON object, is invalid JSON, has a duplicate key,
 * or is longer than max_line (err names the problem, row->line is set, and
 * the next call continues with the next line); -2 on a read error.
 * A UTF-8 BOM at the very start is skipped. Values map to cx_val_kind:
 * null -> ABSENT, string -> STRING, integer -> INT (decimal text), real ->
 * REAL (shortest text that reads back to the same double), true/false ->
 * BOOL, object/array -> JSON (compact, keys in order). */
int cx_ndjson_next(struct cx_ndjson *j, struct cx_row *row, struct cx_err *err);

/* Parses one JSON object from a buffer (used by the HTTP API for a single
 * object body): same row mapping and errors as cx_ndjson_next. The row
 * stays valid until the next call on j or cx_ndjson_free. */
int cx_ndjson_parse_object(struct cx_ndjson *j, const char *buf, size_t len, struct cx_row *row,
                           struct cx_err *err);

#endif
