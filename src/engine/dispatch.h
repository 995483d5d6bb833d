/* dispatch.h - the outbound dispatcher inside `serve`: sends what the outbox
 * holds, when it is due, over the channels (channel/channel.h).
 *
 * A message is claimed (state "sending", attempts + 1) in one durable
 * transaction through the writer, sent outside any transaction, and its
 * outcome recorded in another: sent; a temporary failure waits with
 * exponential backoff (base * 2^(attempts-1), at most 1 h) and goes dead
 * after max_attempts; a permanent failure goes dead at once and marks the
 * invitation failed. After a crash, messages still "sending" go back to
 * pending: each is sent again (with the same Idempotency-Key / Message-ID,
 * so a provider that honours the key drops the copy) - at most one
 * duplicate otherwise. The thread also checks metric-drop alerts. */
#ifndef CX_DISPATCH_H
#define CX_DISPATCH_H

#include "channel/channel.h"
#include "engine/deliver.h"
#include "engine/writer.h"

struct cx_dispatch_cfg {
    const char *dir;                    /* data directory (read connection for alert checks) */
    const struct cx_chan_config *chan;  /* not owned */
    const struct cx_delivery_cfg *dcfg; /* not owned */
    int retry_base_ms;                  /* default 30000 */
    int max_attempts;                   /* default 8 */
    int tick_ms;                        /* poll interval, default 500 */
    int alert_check_s;                  /* metric-drop checks, default 300 (0 = off) */
};

struct cx_dispatcher;

/* Recovers messages left "sending" by a crash, then starts the thread. */
int cx_dispatch_start(struct cx_writer *w, const struct cx_dispatch_cfg *cfg,
                      struct cx_dispatcher **out, struct cx_err *err);
/* Wakes the thread (new messages may be due). */
void cx_dispatch_kick(struct cx_dispatcher *d);
/* Finishes the message being sent, stops the thread. NULL is a no-op. */
void cx_dispatch_stop(struct cx_dispatcher *d);

/* Backoff before attempt attempts + 1, in milliseconds. */
long long cx_dispatch_backoff_ms(int base_ms, int attempts);

/* Checks the metric-drop alerts against store s (read) and queues the ones
 * that fire through writer w. Returns how many fired, or -1. */
int cx_dispatch_check_alerts(struct cx_store *s, struct cx_writer *w, int64_t now,
                             struct cx_err *err);

#endif
