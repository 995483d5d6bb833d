#include "engine/writer.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct cx_writer {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t work, done;
    struct cx_write_job *head, *tail;
    size_t queued_rows, max_rows;
    int stopping;
    struct cx_store *store;
    struct cx_writer_stats stats;
};

/* Writes one group of jobs in one transaction. Erase jobs run alone. */
static void run_group(struct cx_writer *w, struct cx_write_job *group)
{
    struct cx_store *s = w->store;
    struct cx_err err = {{0}};
    int rc = CX_OK;
    if (group->kind == CX_JOB_ERASE) {
        rc = s->vt->erase_customer(s, group->customer, &group->erased_responses,
                                   &group->erased_events, &err);
        group->rc = rc;
        group->err = err;
        return;
    }
    if (group->kind == CX_JOB_CALL) {
        rc = s->vt->begin(s, &err);
        if (!rc) rc = group->fn(s, group->arg, &err);
        if (!rc) rc = s->vt->commit(s, &err);
        if (rc) s->vt->rollback(s);
        group->rc = rc;
        group->err = err;
        return;
    }
    rc = s->vt->begin(s, &err);
    for (struct cx_write_job *j = group; !rc && j; j = j->next)
        for (size_t i = 0; !rc && i < j->n; i++) {
            struct cx_write_item *it = &j->items[i];
            s->create_only = it->create_only;
            it->rc = it->type == CX_RESPONSES ? s->vt->put_response(s, &it->r, &it->res, &err)
                                              : s->vt->put_event(s, &it->e, &it->res, &err);
            s->create_only = 0;
            /* a refused create changes nothing and fails only its own row */
            rc = it->rc == CX_EEXIST ? CX_OK : it->rc;
        }
    if (!rc) rc = s->vt->commit(s, &err);
    if (rc) s->vt->rollback(s);
    for (struct cx_write_job *j = group; j; j = j->next) {
        j->rc = rc;
        j->err = err;
    }
}

static void *writer_main(void *arg)
{
    struct cx_writer *w = arg;
    pthread_mutex_lock(&w->mu);
    for (;;) {
        while (!w->head && !w->stopping) pthread_cond_wait(&w->work, &w->mu);
        if (!w->head) break;
        /* take every queued put job (up to an erase), or one erase job */
        struct cx_write_job *group = w->head, *last = group;
        size_t rows = group->n;
        if (group->kind == CX_JOB_PUT)
            while (last->next && last->next->kind == CX_JOB_PUT) {
                last = last->next;
                rows += last->n;
            }
        w->head = last->next;
        if (!w->head) w->tail = NULL;
        last->next = NULL;
        w->queued_rows -= rows;
        pthread_mutex_unlock(&w->mu);

        run_group(w, group);

        pthread_mutex_lock(&w->mu);
        w->stats.commits++;
        w->stats.rows += rows;
        for (struct cx_write_job *j = group; j;) {
            struct cx_write_job *next = j->next;
            w->stats.jobs++;
            j->next = NULL;
            j->done = 1;
            /* wake exactly this job's submitter (no thundering herd) */
            pthread_cond_signal((pthread_cond_t *)j->wait);
            j = next;
        }
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

int cx_writer_start(const char *dir, size_t max_queue_rows, struct cx_writer **out,
                    struct cx_err *err)
{
    struct cx_writer *w = calloc(1, sizeof *w);
    if (!w) return cx_fail(err, CX_ENOMEM, "out of memory");
    struct cx_store_opts o = {0};
    o.durable = 1;
    o.cache_mb = 256;
    int rc = cx_store_open_sqlite(dir, &o, &w->store, err);
    if (rc) {
        free(w);
        return rc;
    }
    w->max_rows = max_queue_rows ? max_queue_rows : 100000;
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->work, NULL);
    pthread_cond_init(&w->done, NULL);
    if (pthread_create(&w->thread, NULL, writer_main, w)) {
        cx_store_close(w->store);
        free(w);
        return cx_fail(err, CX_EIO, "cannot start the writer thread");
    }
    *out = w;
    return CX_OK;
}

int cx_writer_submit(struct cx_writer *w, struct cx_write_job *job)
{
    job->done = 0;
    job->next = NULL;
    job->rc = CX_OK;
    pthread_cond_t cv;
    pthread_cond_init(&cv, NULL);
    job->wait = &cv;
    pthread_mutex_lock(&w->mu);
    if (w->stopping) {
        pthread_mutex_unlock(&w->mu);
        pthread_cond_destroy(&cv);
        return job->rc = cx_fail(&job->err, CX_EIO, "the server is shutting down");
    }
    if (job->kind == CX_JOB_PUT && w->queued_rows + job->n > w->max_rows && w->queued_rows) {
        pthread_mutex_unlock(&w->mu);
        pthread_cond_destroy(&cv);
        return job->rc = cx_fail(&job->err, CX_ELIMIT, "the write queue is full");
    }
    if (w->tail)
        w->tail->next = job;
    else
        w->head = job;
    w->tail = job;
    w->queued_rows += job->kind == CX_JOB_PUT ? job->n : 0;
    pthread_cond_signal(&w->work);
    while (!job->done) pthread_cond_wait(&cv, &w->mu);
    pthread_mutex_unlock(&w->mu);
    pthread_cond_destroy(&cv);
    return job->rc;
}

struct cx_store *cx_writer_store(struct cx_writer *w)
{
    return w->store;
}

void cx_writer_stop(struct cx_writer *w)
{
    if (!w) return;
    pthread_mutex_lock(&w->mu);
    w->stopping = 1;
    pthread_cond_signal(&w->work);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    cx_store_close(w->store);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->work);
    pthread_cond_destroy(&w->done);
    free(w);
}

void cx_writer_get_stats(struct cx_writer *w, struct cx_writer_stats *st)
{
    pthread_mutex_lock(&w->mu);
    *st = w->stats;
    pthread_mutex_unlock(&w->mu);
}

void cx_write_job_clear(struct cx_write_job *job)
{
    for (size_t i = 0; i < job->n; i++) {
        if (job->items[i].type == CX_RESPONSES)
            cx_response_clear(&job->items[i].r);
        else
            cx_event_clear(&job->items[i].e);
    }
}
