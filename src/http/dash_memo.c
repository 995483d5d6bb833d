/* dash_memo.c - see dash_memo.h. */
#include "http/dash_memo.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/store.h"

_Thread_local int cx_memo_refreshing;

void cx_memo_store_tag(const struct cx_store *s, char out[17])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 8; i++) {
        out[2 * i] = hex[s->token_secret[i] >> 4];
        out[2 * i + 1] = hex[s->token_secret[i] & 15];
    }
    out[16] = 0;
}

int64_t cx_memo_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void unref_locked(struct cx_memo *m, struct cx_memo_ent *e)
{
    if (--e->refs == 0) {
        if (e->val) m->drop(e->val);
        free(e);
    }
}

void cx_memo_put(struct cx_memo *m, struct cx_memo_ent *e)
{
    if (!e) return;
    pthread_mutex_lock(&m->mu);
    unref_locked(m, e);
    pthread_mutex_unlock(&m->mu);
}

/* The slot for a new entry: key's own, an empty one, or the oldest finished
 * one; -1 when every slot is being computed. */
static int pick_slot(struct cx_memo *m, int own)
{
    if (own >= 0) return own;
    for (int i = 0; i < CX_MEMO_SLOTS; i++)
        if (!m->slot[i]) return i;
    int best = -1;
    for (int i = 0; i < CX_MEMO_SLOTS; i++)
        if (m->slot[i]->ready && (best < 0 || m->slot[i]->made_ms < m->slot[best]->made_ms))
            best = i;
    return best;
}

static int find(struct cx_memo *m, const char *key)
{
    for (int i = 0; i < CX_MEMO_SLOTS; i++)
        if (m->slot[i] && !strcmp(m->slot[i]->key, key)) return i;
    return -1;
}

int cx_memo_state(struct cx_memo *m, const char *key, int64_t ttl_ms)
{
    pthread_mutex_lock(&m->mu);
    int at = find(m, key), st = 0;
    if (at >= 0 && !m->slot[at]->ready)
        st = 1;
    else if (at >= 0 && cx_memo_now_ms() - m->slot[at]->made_ms < ttl_ms)
        st = 2;
    pthread_mutex_unlock(&m->mu);
    return st;
}

struct cx_memo_ent *cx_memo_get(struct cx_memo *m, const char *key, int64_t ttl_ms, cx_memo_fn fn,
                                void *ctx, struct cx_err *err)
{
    int64_t fresh = cx_memo_refreshing ? ttl_ms / 2 : ttl_ms;
    pthread_mutex_lock(&m->mu);
    int at;
    for (;;) {
        at = find(m, key);
        if (at >= 0 && !m->slot[at]->ready) {
            pthread_cond_wait(&m->cv, &m->mu);
            continue;
        }
        if (at >= 0 && cx_memo_now_ms() - m->slot[at]->made_ms < fresh) {
            struct cx_memo_ent *e = m->slot[at];
            e->refs++;
            pthread_mutex_unlock(&m->mu);
            return e;
        }
        break;
    }
    struct cx_memo_ent *e = calloc(1, sizeof *e);
    if (!e) {
        pthread_mutex_unlock(&m->mu);
        cx_fail(err, CX_ENOMEM, "out of memory");
        return NULL;
    }
    snprintf(e->key, sizeof e->key, "%s", key);
    e->refs = 1;
    /* a refresh keeps the old value in its slot (still served) and swaps
     * the new one in when it is ready; otherwise the new entry takes the
     * slot at once so that others asking for it wait for this computation */
    int beside = at >= 0 && cx_memo_refreshing;
    if (!beside) {
        at = pick_slot(m, at);
        if (at >= 0) {
            if (m->slot[at]) unref_locked(m, m->slot[at]);
            m->slot[at] = e;
            e->refs++;
        }
    }
    pthread_mutex_unlock(&m->mu);

    int rc = fn(ctx, &e->val, err);

    pthread_mutex_lock(&m->mu);
    e->ready = 1;
    e->made_ms = cx_memo_now_ms();
    e->made = time(NULL);
    if (rc) {
        /* drop the memo's reference and ours; waiters keep theirs */
        for (int i = 0; i < CX_MEMO_SLOTS; i++)
            if (m->slot[i] == e) {
                m->slot[i] = NULL;
                e->refs--;
            }
        unref_locked(m, e);
        e = NULL;
    } else if (beside) {
        int now_at = pick_slot(m, find(m, key));
        if (now_at >= 0) {
            if (m->slot[now_at]) unref_locked(m, m->slot[now_at]);
            m->slot[now_at] = e;
            e->refs++;
        }
    }
    pthread_cond_broadcast(&m->cv);
    pthread_mutex_unlock(&m->mu);
    return e;
}
