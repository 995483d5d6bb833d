/* journey.h - one customer's responses and events in time order, with
 * satisfaction changes marked. */
#ifndef CX_JOURNEY_H
#define CX_JOURNEY_H

#include <stddef.h>

#include "core/cx.h"
#include "io/record.h"
#include "store/store.h"

struct cx_journey_item {
    int is_response;
    struct cx_response r; /* when is_response (owned copy) */
    struct cx_event e;    /* otherwise (owned copy) */
    int mark;             /* responses: -1 drop, +1 rise against the previous of the kind */
    long prev;            /* marked: index of that previous response */
    int prev_score;       /* marked: its score */
};

struct cx_journey {
    struct cx_journey_item *items;
    size_t n;
};

/* Loads the journey of customer (empty when unknown). The caller frees
 * with cx_journey_free. A change is marked when a score moves by at least
 * a fifth of its scale's range against the previous response of the same
 * metric kind (for example 2 NPS points, 1 CSAT point on 1-5). */
int cx_journey_load(struct cx_store *s, const char *customer, struct cx_journey *j,
                    struct cx_err *err);
void cx_journey_free(struct cx_journey *j);

/* Describes the interactions between a marked response (index i) and its
 * previous score, e.g. "call.abandoned (wait 420s), ticket.transferred x2",
 * into buf (browsing - page views, searches, kb views - left out). Returns
 * the number of interactions described. */
size_t cx_journey_cause(const struct cx_journey *j, size_t i, char *buf, size_t cap);

/* The journey as a JSON document {"customer": ..., "items": [...]}, each
 * item a record as exported plus "kind" ("response"/"event") and, on marked
 * responses, "change" ("drop"/"rise"), "previous_score", "previous_id" and
 * "since_previous": the ids of the interactions between the two scores (the
 * likely cause). Returns a new reference or NULL. */
#include <jansson.h>
json_t *cx_journey_to_json(const char *customer, const struct cx_journey *j);

#endif
