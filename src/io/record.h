/* record.h - responses and events: validation and normalisation of input
 * rows per SPEC §2 (shared by `import` and the HTTP API). */
#ifndef CX_RECORD_H
#define CX_RECORD_H

#include <stddef.h>
#include <stdint.h>

#include "core/scale.h"
#include "core/time.h"
#include "io/row.h"

#define CX_ID_MAX 128       /* id, customer */
#define CX_WORD_MAX 128     /* channel, touchpoint, lang, type, ref, agent */
#define CX_TEXT_MAX 65536   /* comment, text */
#define CX_ATTR_KEY_MAX 128 /* attribute names */
#define CX_ATTR_VAL_MAX 4096
#define CX_ATTRS_MAX 64 /* attributes per row */

/* Strings below are NUL-terminated and owned by the struct (freed by the
 * matching _clear). Optional strings are NULL when absent. attrs is the
 * canonical blob of core/attrs.h. */
struct cx_response {
    char *id, *customer;
    struct cx_time t;
    enum cx_kind kind;
    struct cx_scale scale;
    int scale_idx;
    int score;
    char *channel, *touchpoint; /* defaults "unknown" */
    char *comment, *lang;       /* optional */
    unsigned char *attrs;
    size_t attrs_len;
};

struct cx_event {
    char *id, *customer;
    struct cx_time t;
    char *type;
    char *channel;            /* default "unknown" */
    char *ref, *agent, *text; /* optional */
    int has_wait, has_duration, has_value;
    int64_t wait_ns, duration_ns, value_ns; /* nano-units (core/decimal.h) */
    unsigned char *attrs;
    size_t attrs_len;
};

/* Why a row was rejected: the field (static or pointing into the row, may
 * be "" for the whole row) and a reason. */
struct cx_reject {
    char field[CX_ATTR_KEY_MAX + 1];
    char reason[256];
};

/* Validates row and fills *r. Returns 0, or -1 with *why filled (r is then
 * cleared). Returns -2 on allocation failure. */
int cx_response_from_row(const struct cx_row *row, struct cx_response *r, struct cx_reject *why);
void cx_response_clear(struct cx_response *r);
/* 1 if a and b hold the same normalised content. */
int cx_response_equal(const struct cx_response *a, const struct cx_response *b);

int cx_event_from_row(const struct cx_row *row, struct cx_event *e, struct cx_reject *why);
void cx_event_clear(struct cx_event *e);
int cx_event_equal(const struct cx_event *a, const struct cx_event *b);

/* Field names of each record type, NULL-terminated; the first ones are
 * required (cx_response_required / cx_event_required). */
extern const char *const cx_response_fields[];
extern const char *const cx_response_required[];
extern const char *const cx_event_fields[];
extern const char *const cx_event_required[];

/* Known event types (SPEC §2.2), NULL-terminated. */
extern const char *const cx_event_types[];

#endif
