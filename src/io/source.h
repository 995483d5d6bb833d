/* source.h - an input file as rows of named fields: format detection
 * (CSV or NDJSON), the CSV header, --map renames, and the refusal of files
 * that are not CSV/NDJSON or lack a required column (SPEC §2.3). */
#ifndef CX_SOURCE_H
#define CX_SOURCE_H

#include <stddef.h>

#include "core/cx.h"
#include "io/row.h"

enum cx_format { CX_FMT_AUTO, CX_FMT_CSV, CX_FMT_NDJSON };

struct cx_map_entry {
    const char *field;  /* name cxpulse expects, e.g. "score" */
    const char *column; /* name in the file, e.g. "rating" */
};

struct cx_source_opts {
    enum cx_format format;       /* CX_FMT_AUTO sniffs the first bytes */
    const char *const *required; /* NULL-terminated required field names */
    const struct cx_map_entry *map;
    size_t nmap;
    size_t max_record; /* bytes; 0 = 1 MiB */
};

struct cx_source;

/* Opens a source on fn(ctx), reading as much as needed to decide the format
 * and check the header. On refusal returns CX_EFORMAT with err naming what
 * is wrong; nothing should be written for such a file. */
int cx_source_open(struct cx_source **out, cx_read_fn fn, void *ctx, const struct cx_source_opts *o,
                   struct cx_err *err);
void cx_source_free(struct cx_source *s); /* NULL is a no-op */
enum cx_format cx_source_format(const struct cx_source *s);

/* Next row: 1 (row valid until the next call), 0 at the end, -1 for a
 * malformed row (err says why, row->line set; continue with the next), -2
 * on a read error. */
int cx_source_next(struct cx_source *s, struct cx_row *row, struct cx_err *err);

#endif
