/* store.h - the storage seam. Backends (SQLite now, PostgreSQL later)
 * implement struct cx_store_vt; callers use the cx_store_* wrappers.
 *
 * Writes happen inside begin/commit. A put reports whether the row was
 * inserted, already present with identical content (unchanged) or replaced
 * (updated, last write wins). Rollups (score histograms per local day of the
 * store's zone and per dimension set) are kept current on every write. */
#ifndef CX_STORE_H
#define CX_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"
#include "core/scale.h"
#include "io/record.h"

enum cx_put { CX_PUT_INSERTED, CX_PUT_UNCHANGED, CX_PUT_UPDATED };

/* Dimension sets with rollups. Each is a bit set of CX_DIM_*. */
#define CX_DIM_CHANNEL 1
#define CX_DIM_TOUCHPOINT 2
#define CX_DIM_LANG 4
#define CX_NCUBOIDS 5
extern const int cx_cuboid_dims[CX_NCUBOIDS];

/* A response row as read back. Pointers are valid during the callback. */
struct cx_resp_row {
    const char *id, *customer;
    struct cx_time t;
    int scale_idx, score;
    const char *channel, *touchpoint, *lang; /* lang "" when absent */
    const char *comment;                     /* NULL when absent or not asked for */
    const unsigned char *attrs;
    size_t attrs_len;
};

/* Filters shared by scans. NULL/0 members do not filter. Times are
 * instants: from inclusive, to exclusive. */
struct cx_scan_filter {
    int has_from, has_to;
    struct cx_time from, to;
    const char *customer;
    const char *channel, *touchpoint, *lang; /* exact; lang "" = absent */
    const char *const *types;                /* events: NULL-terminated list */
    int with_text;                           /* read comment/text columns */
};

/* One rollup cell: counts of scores of one scale on one local day. */
struct cx_rollup_row {
    int64_t day;
    int scale_idx;
    const char *channel, *touchpoint, *lang; /* "" for dimensions rolled up */
    uint64_t c[CX_MAXBINS];
};

typedef int (*cx_resp_cb)(void *ctx, const struct cx_resp_row *r);
typedef int (*cx_event_cb)(void *ctx, const struct cx_event *e);
typedef int (*cx_rollup_cb)(void *ctx, const struct cx_rollup_row *r);

struct cx_api_key {
    int64_t id;
    char name[129];
    char scope[80]; /* ingest, read, admin, or answer:<survey> */
    char prefix[32];
    int64_t created, revoked; /* unix seconds; revoked 0 = active */
};

/* A survey definition as stored: its JSON text (io/survey_json.h). */
struct cx_survey_row {
    char id[65];
    char *json; /* malloc'ed; cx_survey_rows_free / free */
    int64_t created;
    int archived;
};
void cx_survey_rows_free(struct cx_survey_row *rows, size_t n);

/* One invitation: a survey sent to one customer over one channel. */
struct cx_invitation {
    int64_t id;
    char survey[65];
    char customer[129];
    char channel[129];
    char lang[36];          /* "" when unknown */
    unsigned char *context; /* attrs blob (touchpoint, ref, agent, ...), malloc'ed */
    size_t context_len;
    int64_t created, expires;                       /* Unix seconds */
    int64_t delivered, opened, answered, completed; /* 0 = not yet */
    int answers;                                    /* times an answer was recorded */
};

enum cx_inv_mark { CX_INV_DELIVERED, CX_INV_OPENED, CX_INV_ANSWERED, CX_INV_COMPLETED };

typedef int (*cx_invitation_cb)(void *ctx, const struct cx_invitation *inv);

struct cx_store;

struct cx_store_vt {
    void (*close)(struct cx_store *s);
    int (*begin)(struct cx_store *s, struct cx_err *err);
    int (*commit)(struct cx_store *s, struct cx_err *err);
    void (*rollback)(struct cx_store *s);
    int (*put_response)(struct cx_store *s, const struct cx_response *r, enum cx_put *res,
                        struct cx_err *err);
    int (*put_event)(struct cx_store *s, const struct cx_event *e, enum cx_put *res,
                     struct cx_err *err);
    int (*scan_responses)(struct cx_store *s, const struct cx_scan_filter *f, cx_resp_cb cb,
                          void *ctx, struct cx_err *err);
    int (*scan_events)(struct cx_store *s, const struct cx_scan_filter *f, cx_event_cb cb,
                       void *ctx, struct cx_err *err);
    int (*scan_rollup)(struct cx_store *s, int cuboid, int64_t day_from, int64_t day_to,
                       cx_rollup_cb cb, void *ctx, struct cx_err *err);
    int (*erase_customer)(struct cx_store *s, const char *customer, uint64_t *nresp,
                          uint64_t *nevents, struct cx_err *err);
    int (*meta_get)(struct cx_store *s, const char *key, char **val, struct cx_err *err);
    int (*meta_set)(struct cx_store *s, const char *key, const char *val, struct cx_err *err);
    int (*key_create)(struct cx_store *s, const char *name, const char *scope, char **secret,
                      struct cx_err *err);
    int (*key_list)(struct cx_store *s, struct cx_api_key **keys, size_t *n, struct cx_err *err);
    int (*key_revoke)(struct cx_store *s, int64_t id, struct cx_err *err);
    int (*key_check)(struct cx_store *s, const char *secret, struct cx_api_key *out,
                     struct cx_err *err);
    /* Bulk loading: when the table of `events` (0 responses, 1 events) is
     * empty, bulk_begin drops its customer index so rows load without random
     * index inserts; bulk_end (or the next open, after a crash) rebuilds it
     * in one sorted pass. Call outside transactions. */
    /* Surveys: create_only refuses an existing id with CX_EEXIST. */
    int (*survey_put)(struct cx_store *s, const char *id, const char *json, int create_only,
                      struct cx_err *err);
    int (*survey_get)(struct cx_store *s, const char *id, struct cx_survey_row *out,
                      struct cx_err *err);
    int (*survey_list)(struct cx_store *s, struct cx_survey_row **rows, size_t *n,
                       struct cx_err *err);
    int (*survey_archive)(struct cx_store *s, const char *id, struct cx_err *err);
    /* Invitations: create fills inv->id; mark sets the first time of each
     * state (CX_INV_ANSWERED also counts answers). */
    int (*invitation_create)(struct cx_store *s, struct cx_invitation *inv, struct cx_err *err);
    int (*invitation_get)(struct cx_store *s, int64_t id, struct cx_invitation *out,
                          struct cx_err *err);
    int (*invitation_mark)(struct cx_store *s, int64_t id, enum cx_inv_mark what, int64_t when,
                           struct cx_err *err);
    /* Scans invitations created in the filter's period (customer honoured). */
    int (*scan_invitations)(struct cx_store *s, const struct cx_scan_filter *f, cx_invitation_cb cb,
                            void *ctx, struct cx_err *err);
    int (*bulk_begin)(struct cx_store *s, int events, struct cx_err *err);
    int (*bulk_end)(struct cx_store *s, int events, struct cx_err *err);
};

struct cx_store {
    const struct cx_store_vt *vt;
    /* When set, a put whose id exists with different content changes nothing
     * and returns CX_EEXIST (create-only requests); unchanged rows pass. */
    int create_only;
    /* Secret that signs invitation tokens (engine/token.h), made at init. */
    unsigned char token_secret[32];
    char rollup_tz[128]; /* zone of the rollup days ("UTC" by default) */
};

/* Options for opening. */
struct cx_store_opts {
    int create;      /* create the directory and database if missing */
    const char *tz;  /* rollup zone for a new store (NULL = UTC) */
    int max_version; /* tests: stop migrating at this schema version (0 = latest) */
    int durable;     /* fsync every commit (server acknowledgements) */
    int cache_mb;    /* page cache size in MiB (0 = 64) */
};

/* Opens the SQLite store in directory dir (file dir/cxpulse.db), migrating
 * its schema to the latest version. Returns CX_ENOTFOUND when the store does
 * not exist and opts->create is 0. The caller closes with cx_store_close. */
int cx_store_open_sqlite(const char *dir, const struct cx_store_opts *opts, struct cx_store **out,
                         struct cx_err *err);
#define CX_SCHEMA_VERSION 3

static inline void cx_store_close(struct cx_store *s)
{
    if (s) s->vt->close(s);
}

#endif
