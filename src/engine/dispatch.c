/* dispatch.c - the outbound dispatcher thread (see dispatch.h). */
#include "engine/dispatch.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/report.h"

struct cx_dispatcher {
    struct cx_dispatch_cfg cfg;
    struct cx_writer *w;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stopping, kicked;
    struct cx_store *reader; /* metric-drop checks */
    int64_t next_alert_check;
};

long long cx_dispatch_backoff_ms(int base_ms, int attempts)
{
    long long ms = base_ms > 0 ? base_ms : 30000;
    for (int i = 1; i < attempts && ms < 3600000; i++) ms *= 2;
    return ms > 3600000 ? 3600000 : ms;
}

static int call(struct cx_writer *w, cx_write_fn fn, void *arg, struct cx_err *err)
{
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_CALL;
    job.fn = fn;
    job.arg = arg;
    int rc = cx_writer_submit(w, &job);
    if (rc && err) *err = job.err;
    return rc;
}

static int do_recover(struct cx_store *s, void *arg, struct cx_err *err)
{
    return s->vt->outbox_recover(s, arg, err);
}

struct claim {
    int64_t now;
    struct cx_outbox_msg *msgs;
    size_t n;
    char (*secrets)[129]; /* alert webhook secrets, per message */
    char *skip;           /* 1: not to be sent (the customer opted out since) */
};

static int do_claim(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct claim *c = arg;
    int rc = s->vt->outbox_claim(s, c->now, 16, &c->msgs, &c->n, err);
    if (rc || !c->n) return rc;
    c->secrets = calloc(c->n, sizeof *c->secrets);
    c->skip = calloc(c->n, 1);
    if (!c->secrets || !c->skip) return cx_fail(err, CX_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->n; i++) {
        struct cx_outbox_msg *m = &c->msgs[i];
        if (!strcmp(m->kind, "survey")) {
            /* an opt-out since the survey was queued (STOP, unsubscribe)
             * holds: the message dies unsent */
            struct cx_contact ct;
            struct cx_err e2 = {{0}};
            if (s->vt->contact_get(s, m->customer, &ct, &e2)) memset(&ct, 0, sizeof ct);
            if (!strcmp(m->channel, "email"))
                snprintf(ct.email, sizeof ct.email, "%s", m->recipient);
            else if (strlen(m->recipient) < sizeof ct.phone)
                memcpy(ct.phone, m->recipient, strlen(m->recipient) + 1);
            int out = 0;
            if ((rc = cx_deliver_opted_out(s, m->customer, &ct, &out, err))) return rc;
            if (out) {
                c->skip[i] = 1;
                if ((rc = s->vt->outbox_finish(s, m->id, "dead", c->now, m->due, NULL,
                                               "opted out before it was sent", err)) ||
                    (m->invitation && (rc = s->vt->invitation_fail(s, m->invitation, c->now, err))))
                    return rc;
                continue;
            }
        }
        if (strcmp(c->msgs[i].channel, "webhook")) continue;
        json_t *p = json_loads(c->msgs[i].payload, 0, NULL);
        const char *alert = json_string_value(json_object_get(p, "alert"));
        struct cx_err e2 = {{0}};
        if (alert) s->vt->alert_secret(s, alert, c->secrets[i], sizeof c->secrets[i], &e2);
        json_decref(p);
    }
    return CX_OK;
}

struct finish {
    const struct cx_outbox_msg *m;
    const struct cx_send_result *res;
    const char *state;
    int64_t now, due;
};

static int do_finish(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct finish *f = arg;
    int rc = s->vt->outbox_finish(s, f->m->id, f->state, f->now, f->due,
                                  f->res->provider_id[0] ? f->res->provider_id : NULL,
                                  f->res->error[0] ? f->res->error : "", err);
    if (!rc && !strcmp(f->state, "sent")) rc = cx_deliver_sent(s, f->m, f->now, err);
    if (rc || !f->m->invitation || strcmp(f->m->kind, "survey")) return rc;
    if (!strcmp(f->state, "dead")) return s->vt->invitation_fail(s, f->m->invitation, f->now, err);
    /* email and SMS have no read receipts here: sent counts as delivered;
     * WhatsApp waits for the provider's "delivered" status */
    if (!strcmp(f->state, "sent") && strcmp(f->m->channel, "whatsapp"))
        return s->vt->invitation_mark(s, f->m->invitation, CX_INV_DELIVERED, f->now, err);
    return rc;
}

static void send_one(struct cx_dispatcher *d, const struct cx_outbox_msg *m, const char *secret)
{
    struct cx_send_result res;
    memset(&res, 0, sizeof res);
    struct cx_send_opts o = {m->idem_key, secret && *secret ? secret : NULL};
    int rc = cx_chan_send(d->cfg.chan, m->channel, m->payload, &o, &res);
    if (rc && res.status == CX_SEND_OK) res.status = CX_SEND_PERM;
    int64_t now = (int64_t)time(NULL);
    struct finish f = {m, &res, "sent", now, m->due};
    if (res.status == CX_SEND_TEMP) {
        int max = d->cfg.max_attempts > 0 ? d->cfg.max_attempts : 8;
        if (m->attempts >= max) {
            f.state = "dead";
        } else {
            long long ms = cx_dispatch_backoff_ms(d->cfg.retry_base_ms, m->attempts);
            f.state = "pending";
            f.due = now + (ms + 999) / 1000;
        }
    } else if (res.status == CX_SEND_PERM) {
        f.state = "dead";
    }
    struct cx_err err = {{0}};
    if (call(d->w, do_finish, &f, &err))
        fprintf(stderr, "cxpulse: outbox %lld: cannot record the result: %s\n", (long long)m->id,
                err.msg);
    fprintf(stderr,
            "{\"outbox\":%lld,\"channel\":\"%s\",\"kind\":\"%s\",\"attempt\":%d,"
            "\"state\":\"%s\",\"status\":%d}\n",
            (long long)m->id, m->channel, m->kind, m->attempts, f.state, res.http_status);
}

/* ---- metric-drop alerts ---- */

struct alert_fire {
    const char *id, *def, *body, *subject, *tail;
    int64_t now;
};

static int do_alert(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct alert_fire *a = arg;
    return cx_deliver_alert(s, a->id, a->def, a->body, a->subject, a->tail, a->now, err);
}

static void ymd(int64_t t, char *buf, size_t cap)
{
    time_t tt = (time_t)t;
    struct tm tm;
    gmtime_r(&tt, &tm);
    strftime(buf, cap, "%Y-%m-%d", &tm);
}

/* Runs the report for one metric_drop alert; fires when the last window
 * is significantly below the one before. Returns 1 fired, 0 not, -1 error. */
static int check_one(struct cx_store *s, struct cx_writer *w, const struct cx_def_row *row,
                     int64_t now, struct cx_err *err)
{
    json_t *def = json_loads(row->json, 0, NULL);
    const char *kind = json_string_value(json_object_get(def, "kind"));
    const char *metric = json_string_value(json_object_get(def, "metric"));
    json_t *wd = json_object_get(def, "window_days");
    int days = wd ? (int)json_number_value(wd) : 7;
    if (!def || !kind || strcmp(kind, "metric_drop") || !metric || days < 1) {
        json_decref(def);
        return 0;
    }
    int fired = 0;
    if (row->last_fired && now - row->last_fired < (int64_t)days * 86400) goto out;
    char from[16], to[16];
    ymd(now - (int64_t)(days - 1) * 86400, from, sizeof from);
    ymd(now, to, sizeof to);
    struct cx_query q;
    cx_query_init(&q);
    q.from = strdup(from);
    q.to = strdup(to);
    q.compare = strdup("previous");
    struct cx_report *r = NULL;
    if (!q.from || !q.to || !q.compare || cx_query_add_metrics(&q, metric, err) ||
        cx_report_run(s, &q, &r, err)) {
        cx_query_free(&q);
        fired = -1;
        goto out;
    }
    cx_query_free(&q);
    if (r->nrows == 1 && r->rows[0].has_prev && r->rows[0].cmp.has && r->rows[0].cmp.significant &&
        r->rows[0].cmp.diff < 0) {
        const struct cx_report_row *rr = &r->rows[0];
        json_t *body =
            json_pack("{s:s, s:s, s:s, s:s, s:s, s:i, s:f, s:I, s:f, s:f, s:f}", "alert", row->id,
                      "kind", "metric_drop", "metric", metric, "from", from, "to", to,
                      "window_days", days, "value", rr->est.value, "n", (json_int_t)rr->est.n,
                      "previous_value", rr->prev.value, "diff", rr->cmp.diff, "p_value", rr->cmp.p);
        char *text = json_dumps(body, JSON_COMPACT), subject[256], tail[40];
        snprintf(subject, sizeof subject, "cxpulse alert %s: %s fell by %.1f (p = %.3g)", row->id,
                 metric, -rr->cmp.diff, rr->cmp.p);
        snprintf(tail, sizeof tail, "drop-%s", to);
        struct alert_fire a = {row->id, row->json, text, subject, tail, now};
        if (text && !call(w, do_alert, &a, err)) fired = 1;
        free(text);
        json_decref(body);
    }
    cx_report_free(r);
out:
    json_decref(def);
    return fired;
}

int cx_dispatch_check_alerts(struct cx_store *s, struct cx_writer *w, int64_t now,
                             struct cx_err *err)
{
    struct cx_def_row *rows = NULL;
    size_t n = 0;
    if (s->vt->alert_list(s, &rows, &n, err)) return -1;
    int fired = 0;
    for (size_t i = 0; i < n; i++) {
        int r = check_one(s, w, &rows[i], now, err);
        if (r < 0) {
            fired = -1;
            break;
        }
        fired += r;
    }
    cx_def_rows_free(rows, n);
    return fired;
}

/* ---- the thread ---- */

static void *dispatch_main(void *arg)
{
    struct cx_dispatcher *d = arg;
    for (;;) {
        pthread_mutex_lock(&d->mu);
        if (d->stopping) {
            pthread_mutex_unlock(&d->mu);
            break;
        }
        pthread_mutex_unlock(&d->mu);
        int64_t now = (int64_t)time(NULL);
        if (d->cfg.alert_check_s > 0 && d->reader && now >= d->next_alert_check) {
            struct cx_err err = {{0}};
            if (cx_dispatch_check_alerts(d->reader, d->w, now, &err) < 0)
                fprintf(stderr, "cxpulse: alert check: %s\n", err.msg);
            d->next_alert_check = now + d->cfg.alert_check_s;
        }
        struct claim c = {now, NULL, 0, NULL, NULL};
        struct cx_err err = {{0}};
        if (call(d->w, do_claim, &c, &err)) {
            if (!strstr(err.msg, "shutting down"))
                fprintf(stderr, "cxpulse: outbox: %s\n", err.msg);
            /* rolled back: nothing was claimed, nothing is sent */
            cx_outbox_msgs_free(c.msgs, c.n);
            c.msgs = NULL;
            c.n = 0;
        }
        for (size_t i = 0; i < c.n; i++) {
            pthread_mutex_lock(&d->mu);
            int stop = d->stopping;
            pthread_mutex_unlock(&d->mu);
            if (stop) break; /* the rest stay "sending": resent after the restart */
            if (!c.skip || !c.skip[i]) send_one(d, &c.msgs[i], c.secrets ? c.secrets[i] : NULL);
        }
        size_t sent = c.n;
        cx_outbox_msgs_free(c.msgs, c.n);
        free(c.secrets);
        free(c.skip);
        if (sent == 16) continue; /* more may be due */
        pthread_mutex_lock(&d->mu);
        if (!d->stopping && !d->kicked) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            long long ns =
                ts.tv_nsec + (long long)(d->cfg.tick_ms > 0 ? d->cfg.tick_ms : 500) * 1000000LL;
            ts.tv_sec += (time_t)(ns / 1000000000LL);
            ts.tv_nsec = (long)(ns % 1000000000LL);
            pthread_cond_timedwait(&d->cv, &d->mu, &ts);
        }
        d->kicked = 0;
        pthread_mutex_unlock(&d->mu);
    }
    return NULL;
}

int cx_dispatch_start(struct cx_writer *w, const struct cx_dispatch_cfg *cfg,
                      struct cx_dispatcher **out, struct cx_err *err)
{
    struct cx_dispatcher *d = calloc(1, sizeof *d);
    if (!d) return cx_fail(err, CX_ENOMEM, "out of memory");
    d->cfg = *cfg;
    d->w = w;
    size_t recovered = 0;
    int rc = call(w, do_recover, &recovered, err);
    if (rc) {
        free(d);
        return rc;
    }
    if (recovered)
        fprintf(stderr,
                "cxpulse: outbox: %zu message(s) were being sent when the server stopped; "
                "sending them again\n",
                recovered);
    if (cfg->dir && cfg->alert_check_s > 0 &&
        (rc = cx_store_open_sqlite(cfg->dir, NULL, &d->reader, err))) {
        free(d);
        return rc;
    }
    pthread_mutex_init(&d->mu, NULL);
    pthread_cond_init(&d->cv, NULL);
    if (pthread_create(&d->thread, NULL, dispatch_main, d)) {
        cx_store_close(d->reader);
        free(d);
        return cx_fail(err, CX_EIO, "cannot start the dispatcher thread");
    }
    *out = d;
    return CX_OK;
}

void cx_dispatch_kick(struct cx_dispatcher *d)
{
    if (!d) return;
    pthread_mutex_lock(&d->mu);
    d->kicked = 1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
}

void cx_dispatch_stop(struct cx_dispatcher *d)
{
    if (!d) return;
    pthread_mutex_lock(&d->mu);
    d->stopping = 1;
    pthread_cond_signal(&d->cv);
    pthread_mutex_unlock(&d->mu);
    pthread_join(d->thread, NULL);
    pthread_cond_destroy(&d->cv);
    pthread_mutex_destroy(&d->mu);
    cx_store_close(d->reader);
    free(d);
}
