/* dash_memo.h - results shared between dashboard requests (topics, drivers,
 * operations metrics: seconds of work over millions of rows).
 *
 * A memo keeps up to CX_MEMO_SLOTS values by key, each for ttl. One request
 * computes a missing value while others asking for the same key wait. The
 * warmer (cx_dash_warm_start) asks for the default views in refresh mode
 * before their ttl runs out: then the new value is computed beside the old
 * one, which keeps being served until the new one replaces it, so people
 * opening those pages never wait for the computation. */
#ifndef CX_DASH_MEMO_H
#define CX_DASH_MEMO_H

#include <pthread.h>
#include <stdint.h>
#include <time.h>

#include "core/cx.h"

#define CX_MEMO_SLOTS 16

struct cx_memo_ent {
    char key[768];
    int64_t made_ms; /* monotonic, when computed */
    time_t made;     /* wall clock, shown on the page */
    int ready;       /* 0 while being computed */
    int refs;        /* the memo's slot and each request holding it */
    void *val;
};

struct cx_memo {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    void (*drop)(void *val);
    struct cx_memo_ent *slot[CX_MEMO_SLOTS];
};
#define CX_MEMO_INIT(drop)                                                                         \
    {                                                                                              \
        PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, (drop),                               \
        {                                                                                          \
            0                                                                                      \
        }                                                                                          \
    }

typedef int (*cx_memo_fn)(void *ctx, void **val, struct cx_err *err);

/* Returns the value of key computed less than ttl_ms ago, or computes it
 * with fn(ctx). In refresh mode (cx_memo_refreshing, set by the warmer on
 * its thread) a value older than ttl_ms / 2 is recomputed while the old one
 * stays in use. The caller releases the entry with cx_memo_put. NULL with
 * err on failure (failures are not kept). */
struct cx_memo_ent *cx_memo_get(struct cx_memo *m, const char *key, int64_t ttl_ms, cx_memo_fn fn,
                                void *ctx, struct cx_err *err);
void cx_memo_put(struct cx_memo *m, struct cx_memo_ent *e);

/* Without computing anything: 2 when key has a value younger than ttl_ms,
 * 1 when it is being computed, 0 otherwise. */
int cx_memo_state(struct cx_memo *m, const char *key, int64_t ttl_ms);

/* 16 hex characters that tell stores apart in memo keys (one process may
 * serve tests over several data directories). */
struct cx_store;
void cx_memo_store_tag(const struct cx_store *s, char out[17]);

/* Monotonic milliseconds. */
int64_t cx_memo_now_ms(void);

/* Set on the warmer's thread: memo lookups refresh ageing values. */
extern _Thread_local int cx_memo_refreshing;

#endif
