/* ingest.h - validated, idempotent loading of rows into the store, in
 * batches (one transaction each). Shared by `import` and the HTTP API. */
#ifndef CX_INGEST_H
#define CX_INGEST_H

#include <stdint.h>

#include "core/cx.h"
#include "io/source.h"
#include "store/store.h"

struct cx_ingest_stats {
    uint64_t inserted, unchanged, updated, rejected;
};

enum cx_record_type { CX_RESPONSES, CX_EVENTS };

/* Called once per rejected row: line, field ("" for the whole row) and
 * reason. */
typedef void (*cx_reject_fn)(void *ctx, long line, const char *field, const char *reason);
/* Called after each batch and at the end with rows seen so far. */
typedef void (*cx_progress_fn)(void *ctx, uint64_t rows);

struct cx_ingest_opts {
    enum cx_record_type type;
    size_t batch; /* rows per transaction; 0 = 20000 */
    cx_reject_fn on_reject;
    cx_progress_fn on_progress;
    void *ctx;
};

/* Reads every row of src, validates it and writes the good ones. Rejected
 * rows are reported and skipped; a row is never half-applied. A store error
 * rolls back the current batch (earlier batches stay committed) and is
 * returned. stats accumulate (the caller zeroes them). */
int cx_ingest(struct cx_store *s, struct cx_source *src, const struct cx_ingest_opts *o,
              struct cx_ingest_stats *stats, struct cx_err *err);

#endif
