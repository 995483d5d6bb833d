/* writer.h - the single writer of a server: group commit.
 *
 * Request threads validate rows, then hand them to the writer as a job and
 * wait. The writer thread takes every job queued at that moment, writes them
 * all in one transaction and commits it durably (fsync), then wakes every
 * waiter. Concurrent requests so share one fsync, and a request returns only
 * once its rows are on disk. */
#ifndef CX_WRITER_H
#define CX_WRITER_H

#include <stddef.h>

#include "core/cx.h"
#include "engine/ingest.h"
#include "io/record.h"
#include "store/store.h"

struct cx_write_item {
    enum cx_record_type type;
    struct cx_response r; /* CX_RESPONSES (owned; cleared by cx_write_job_clear) */
    struct cx_event e;    /* CX_EVENTS */
    int create_only;      /* refuse to replace a different existing row */
    enum cx_put res;      /* filled by the writer */
    int rc;               /* CX_OK or CX_EEXIST (create_only), filled by the writer */
};

enum cx_job_kind { CX_JOB_PUT, CX_JOB_ERASE, CX_JOB_CALL };

/* CX_JOB_CALL: fn runs on the writer's store inside its own transaction
 * (committed durably when fn returns CX_OK, rolled back otherwise). */
typedef int (*cx_write_fn)(struct cx_store *s, void *arg, struct cx_err *err);

struct cx_write_job {
    enum cx_job_kind kind;
    struct cx_write_item *items; /* CX_JOB_PUT */
    size_t n;
    const char *customer; /* CX_JOB_ERASE */
    cx_write_fn fn;       /* CX_JOB_CALL */
    void *arg;
    uint64_t erased_responses, erased_events;
    /* filled by the writer */
    int rc;
    struct cx_err err;
    int done;
    void *wait; /* the submitter's condition variable (writer.c) */
    struct cx_write_job *next;
};

struct cx_writer_stats {
    unsigned long long commits, rows, jobs;
};

struct cx_writer;

/* Opens a durable store on dir (synchronous=FULL) and starts the writer
 * thread. max_queue_rows bounds rows waiting (0 = 100000). */
int cx_writer_start(const char *dir, size_t max_queue_rows, struct cx_writer **out,
                    struct cx_err *err);
/* Queues job and blocks until it is committed or failed. Returns job->rc:
 * CX_OK (durable), CX_ELIMIT (queue full: try later), CX_EIO (stopping) or a
 * store error (nothing of this job was written). */
int cx_writer_submit(struct cx_writer *w, struct cx_write_job *job);
/* Finishes every queued job, stops the thread and closes the store. */
void cx_writer_stop(struct cx_writer *w);
/* The writer's store, to configure before the first job (e.g. its
 * after_insert hook); only the writer thread may use it afterwards. */
struct cx_store *cx_writer_store(struct cx_writer *w);
void cx_writer_get_stats(struct cx_writer *w, struct cx_writer_stats *st);

/* Frees the records held by a job's items (not the items array). */
void cx_write_job_clear(struct cx_write_job *job);

#endif
