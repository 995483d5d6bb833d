/* csv.h - streaming RFC 4180 reader. */
#ifndef CX_CSV_H
#define CX_CSV_H

#include <stddef.h>

#include "core/cx.h"
#include "io/row.h"

struct cx_csv;

/* One raw record. Pointers stay valid until the next cx_csv_next or
 * cx_csv_free. Fields are unquoted and unescaped; each is also
 * NUL-terminated (but may contain NUL bytes, see lens). */
struct cx_csv_record {
    long line; /* physical line where the record starts, 1-based */
    size_t nfields;
    char **fields;
    size_t *lens;
    int quoted_any; /* 1 if any field was quoted */
};

/* Creates a reader pulling bytes from fn(ctx). max_record bounds the bytes
 * of one record (a longer record is reported as an error and skipped).
 * Returns NULL on allocation failure. The caller frees with cx_csv_free. */
struct cx_csv *cx_csv_new(cx_read_fn fn, void *ctx, size_t max_record);
void cx_csv_free(struct cx_csv *c); /* NULL is a no-op */

/* Reads the next record. A UTF-8 BOM at the very start is skipped; records
 * end at LF or CRLF outside quotes; a final record without a line break is
 * accepted; blank lines (no bytes before the line break) are skipped.
 * Returns 1 with *rec filled; 0 at end of input; -1 when this record is
 * malformed (quote in an unquoted field, bytes after a closing quote,
 * unterminated quote at end of input, record longer than max_record): err
 * names the problem, rec->line is set, and the reader has moved past the
 * record so the next call continues with the following one; -2 on a read
 * error (err set). */
int cx_csv_next(struct cx_csv *c, struct cx_csv_record *rec, struct cx_err *err);

/* Writes field f (len bytes) to out quoted only when needed (it holds a
 * comma, quote, CR or LF, or starts/ends with a space). */
#include <stdio.h>
void cx_csv_write_field(FILE *out, const char *f, size_t len);

#endif
