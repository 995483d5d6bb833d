/* lost.h - customers who left: `cxpulse lost`.
 *
 * A customer has left when
 *  - CANCELLED: every subscription they had has ended and the last one to
 *    end was cancelled (subscription.cancelled at or after its last
 *    start/renewal);
 *  - NOT_RENEWED: every subscription has ended and the last one to end
 *    lapsed: no renewal or cancellation within renew_days of its last
 *    subscription.started / subscription.renewed (it ends then);
 *  - INACTIVE: they never had a subscription event and their last event or
 *    response is at least inactive_days old.
 * A customer with an active subscription has not left, however quiet.
 * Subscriptions are told apart by ref (those without ref are one per
 * customer, as in SPEC §3). Only rows at or before `now` are read, so a
 * past `now` replays the state of that day. See docs/lost.md. */
#ifndef CX_LOST_H
#define CX_LOST_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"
#include "core/scale.h"
#include "core/time.h"
#include "store/store.h"

enum cx_lost_reason { CX_LOST_CANCELLED, CX_LOST_NOT_RENEWED, CX_LOST_INACTIVE };

/* "cancelled", "not_renewed", "inactive". */
const char *cx_lost_reason_name(enum cx_lost_reason r);

struct cx_lost_opts {
    int64_t now;           /* Unix seconds; 0 = the current time */
    int64_t inactive_days; /* 0 = 90 */
    int64_t renew_days;    /* 0 = 400 */
    int has_since;
    int64_t since;       /* with has_since: only customers who left at or after it */
    size_t limit;        /* most recent first; 0 = all */
    size_t interactions; /* interactions before leaving to include (used as given, at
                            most 10,000; cx_lost_opts_init sets 5) */
};

void cx_lost_opts_init(struct cx_lost_opts *o);

/* The last response of one metric kind. */
struct cx_lost_score {
    int has;
    struct cx_time t;
    int score;             /* raw */
    struct cx_scale scale; /* its scale */
    double mapped;         /* nps 0-10, csat onto 1-5, ces onto 1-7 */
};

/* One interaction before leaving (browsing - page.view, search, kb.view -
 * left out). Strings owned; ref, agent and text NULL when absent. */
struct cx_lost_event {
    struct cx_time t;
    char *id, *type, *channel, *ref, *agent, *text;
    int has_wait;
    int64_t wait_ns;
};

struct cx_lost {
    char *customer;
    enum cx_lost_reason reason;
    int64_t left_at;                      /* Unix seconds: cancellation, lapse, or last activity */
    char *subscription;                   /* ref of the subscription that ended last; NULL when
                                             inactive or keyed by customer */
    struct cx_time last_seen;             /* last event or response up to now */
    struct cx_lost_score last[CX_NKINDS]; /* indexed by enum cx_kind */
    uint64_t n[CX_NKINDS];                /* responses per kind up to now */
    double mean[CX_NKINDS];               /* their mean mapped score (n > 0) */
    struct cx_lost_event *before;         /* the last `interactions` interactions at or
                                             before left_at, oldest first */
    size_t nbefore;
};

/* Finds the customers who left, sorted by left_at descending (then
 * customer), at most limit of them. The caller frees *out with
 * cx_lost_free. Returns CX_EINVAL for bad options, store or allocation
 * errors otherwise (err filled). Memory: a small state per customer (the
 * customer map, last activity, subscriptions) during the first scan; the
 * details are then read per listed customer. */
int cx_lost_run(struct cx_store *s, const struct cx_lost_opts *o, struct cx_lost **out, size_t *n,
                struct cx_err *err);
void cx_lost_free(struct cx_lost *l, size_t n);

#endif
