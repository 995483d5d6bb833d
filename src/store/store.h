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

/* ---- delivery (sqlite_outbox.c) ---- */

/* One outbound message. kind: "survey" (an invitation's first message),
 * "reply" (a conversation's next prompt), "confirm" (opt-out/in
 * confirmation), "alert". channel: email, whatsapp, sms, webhook. state:
 * pending (waiting for due), sending (claimed by the dispatcher), sent,
 * dead (a permanent failure or retries used up). */
struct cx_outbox_msg {
    int64_t id;
    char kind[16];
    char channel[16];
    char recipient[321];
    char customer[129];
    int64_t invitation; /* 0 = none */
    char *payload;      /* JSON text, malloc'ed (cx_outbox_msgs_free) */
    char state[16];
    int attempts;
    int64_t due, created, sent; /* unix seconds */
    char provider_id[129];
    char last_error[257];
    char idem_key[65]; /* unique: a second put with the same key is ignored */
};
void cx_outbox_msgs_free(struct cx_outbox_msg *m, size_t n);

/* What is known about reaching a customer. "" = unknown. */
struct cx_contact {
    char customer[129];
    char email[321];
    char phone[33];
    char lang[36];
    char tz[64];
};

/* A survey conversation on a chat channel, keyed by address
 * ("whatsapp:+4790000000", "sms:+...", "chat:<id>"). step: 1 waiting for
 * the score, 2 waiting for the follow-up, 3 done. */
struct cx_conversation {
    char address[352];
    int64_t invitation;
    int step, reasks, score; /* score -1 = none yet */
    int64_t last_in;         /* last inbound message (24 h service window) */
    int64_t updated;
    char last_msg[129]; /* provider id of the last inbound message handled */
};

/* A stored definition (triggers, alerts): id and JSON text. */
struct cx_def_row {
    char id[65];
    char *json; /* malloc'ed */
    int64_t created;
    int64_t last_fired; /* alerts */
};
void cx_def_rows_free(struct cx_def_row *rows, size_t n);

/* Dashboard users, sessions and follow-up tasks (sqlite_dash.c). */
struct cx_user {
    int64_t id;
    char name[129];
    int admin; /* 1 admin, 0 viewer */
    int64_t created;
};

/* A valid session as looked up by its token. */
struct cx_session {
    struct cx_user user;
    char csrf[65]; /* hex */
    int64_t expires;
};

/* A follow-up task: one per low-score response, made when the response is
 * stored (and by the migration for older ones). Low is: nps 0-6 (the
 * detractors); csat 1-3 -> 1, 1-5 -> 1-2, 1-7 -> 1-2, 1-10 -> 1-3; ces 1-5
 * -> 1-2, 1-7 -> 1-3, 1-10 -> 1-3 (the mirror image of SPEC §3's top
 * boxes). A response changed to a score that is not low loses its task
 * while the task is still open; erasing the customer deletes the task. */
enum cx_task_state { CX_TASK_OPEN, CX_TASK_TAKEN, CX_TASK_CLOSED };
enum cx_task_action { CX_TASK_TAKE, CX_TASK_NOTE, CX_TASK_CLOSE, CX_TASK_REOPEN };

struct cx_task {
    int64_t id;
    const char *response, *customer, *channel, *touchpoint;
    int64_t t; /* the response's time (Unix seconds) */
    int scale_idx, score;
    enum cx_task_state state;
    const char *assignee, *note;    /* "" when none */
    int64_t created, taken, closed; /* Unix seconds, 0 = not yet */
    const char *comment;            /* the response's comment, NULL if none */
    const unsigned char *attrs;     /* the response's attributes */
    size_t attrs_len;
};

/* Which tasks: by the response's time [from, to) (0 = open end), channel,
 * touchpoint (NULL = any) and state (-1 = any); listing newest first. */
struct cx_task_filter {
    int64_t id; /* one task (0 = any) */
    int64_t from, to;
    const char *channel, *touchpoint;
    int state;
    size_t limit, offset; /* limit 0 = no limit */
};

struct cx_task_counts {
    uint64_t n[3];         /* by enum cx_task_state */
    double median_close_s; /* created -> closed; -1 when nothing closed */
};

typedef int (*cx_task_cb)(void *ctx, const struct cx_task *t);

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
    /* lookups for the dashboard (sqlite_lookup.c) */
    /* Calls cb with each customer id that has a response or an event and
     * starts with prefix (byte-wise; "" = every id), in ascending byte order,
     * at most limit ids; the string is valid during the call. A range scan of
     * the customer indexes: cost grows with limit, not with the store. A
     * non-zero return from cb stops the lookup and is returned. */
    int (*customer_find)(struct cx_store *s, const char *prefix, size_t limit,
                         int (*cb)(void *ctx, const char *customer), void *ctx, struct cx_err *err);
    /* delivery (sqlite_outbox.c) */
    /* Marks the invitation's delivery failed (permanent failure). */
    int (*invitation_fail)(struct cx_store *s, int64_t id, int64_t when, struct cx_err *err);
    /* Newest invitation time of the customer (0 = none). */
    int (*last_invited)(struct cx_store *s, const char *customer, int64_t *t, struct cx_err *err);
    /* Inserts m (fills m->id); an existing idem_key leaves the table as is
     * and sets m->id to 0. */
    int (*outbox_put)(struct cx_store *s, struct cx_outbox_msg *m, struct cx_err *err);
    /* Marks up to max pending messages with due <= now as sending (attempts
     * + 1) and returns them (cx_outbox_msgs_free). */
    int (*outbox_claim)(struct cx_store *s, int64_t now, size_t max, struct cx_outbox_msg **out,
                        size_t *n, struct cx_err *err);
    /* Records an attempt's end: state "sent" (sent = when), "pending" (retry
     * at due) or "dead"; provider id and error as given (NULL = keep). Only
     * a message still "sending" changes (an erased id may have been reused). */
    int (*outbox_finish)(struct cx_store *s, int64_t id, const char *state, int64_t when,
                         int64_t due, const char *provider_id, const char *error,
                         struct cx_err *err);
    /* Lists messages, newest first; state NULL = all. */
    int (*outbox_list)(struct cx_store *s, const char *state, size_t limit,
                       struct cx_outbox_msg **out, size_t *n, struct cx_err *err);
    /* A dead (or pending) message becomes pending, due now, attempts 0.
     * CX_ENOTFOUND when no such message; CX_EINVAL when it was sent. */
    int (*outbox_retry)(struct cx_store *s, int64_t id, int64_t now, struct cx_err *err);
    /* After a crash: messages left "sending" become pending (their send may
     * or may not have happened: at most one duplicate). *n gets how many. */
    int (*outbox_recover)(struct cx_store *s, size_t *n, struct cx_err *err);
    /* The message a provider id belongs to (status webhooks). */
    int (*outbox_by_provider)(struct cx_store *s, const char *provider_id,
                              struct cx_outbox_msg *out, struct cx_err *err);
    /* Contacts: put merges (empty fields keep the stored value). get by
     * customer; find by address (an email or a phone). */
    int (*contact_put)(struct cx_store *s, const struct cx_contact *c, int64_t now,
                       struct cx_err *err);
    int (*contact_get)(struct cx_store *s, const char *customer, struct cx_contact *out,
                       struct cx_err *err);
    int (*contact_find)(struct cx_store *s, const char *address, struct cx_contact *out,
                        struct cx_err *err);
    /* Opt-outs by address ("customer:ID", "email:ADDR", "phone:+NUM"). */
    int (*optout_set)(struct cx_store *s, const char *address, int out, const char *source,
                      int64_t now, struct cx_err *err);
    int (*optout_check)(struct cx_store *s, const char *address, int *out, struct cx_err *err);
    /* Conversations: get gives CX_ENOTFOUND when none; put upserts. */
    int (*conv_get)(struct cx_store *s, const char *address, struct cx_conversation *out,
                    struct cx_err *err);
    int (*conv_put)(struct cx_store *s, const struct cx_conversation *c, struct cx_err *err);
    /* Triggers and alerts (JSON definitions by id). put replaces; delete
     * gives CX_ENOTFOUND for an unknown id. alert_put's secret signs its
     * webhooks (kept when NULL and the alert exists). */
    int (*trigger_put)(struct cx_store *s, const char *id, const char *json, struct cx_err *err);
    int (*trigger_list)(struct cx_store *s, struct cx_def_row **rows, size_t *n,
                        struct cx_err *err);
    int (*trigger_delete)(struct cx_store *s, const char *id, struct cx_err *err);
    int (*alert_put)(struct cx_store *s, const char *id, const char *json, const char *secret,
                     struct cx_err *err);
    int (*alert_list)(struct cx_store *s, struct cx_def_row **rows, size_t *n, struct cx_err *err);
    int (*alert_delete)(struct cx_store *s, const char *id, struct cx_err *err);
    int (*alert_secret)(struct cx_store *s, const char *id, char *secret, size_t cap,
                        struct cx_err *err);
    int (*alert_fired)(struct cx_store *s, const char *id, int64_t when, struct cx_err *err);
    /* One survey per ticket: claims ref (invitation 0: before the invitation
     * exists; CX_EEXIST when the ticket already had one), then binds the
     * claim to the invitation (a second call with its id). */
    int (*ticket_claim)(struct cx_store *s, const char *ref, int64_t invitation,
                        struct cx_err *err);
    /* Records that the inbound provider message key was handled; *seen = 1
     * when it had been already (a redelivered webhook). Keys older than 30
     * days are forgotten. */
    int (*inbound_seen)(struct cx_store *s, const char *key, int64_t now, int *seen,
                        struct cx_err *err);
    int (*bulk_begin)(struct cx_store *s, int events, struct cx_err *err);
    int (*bulk_end)(struct cx_store *s, int events, struct cx_err *err);
    /* dashboard (sqlite_dash.c): users, sessions, follow-up tasks */
    /* Creates a user with an Argon2id hash of password; CX_EEXIST when the
     * name is taken, CX_EINVAL for an empty name or password. */
    int (*user_create)(struct cx_store *s, const char *name, int admin, const char *password,
                       struct cx_err *err);
    /* Every user by name; *users is malloc'ed (caller frees). */
    int (*user_list)(struct cx_store *s, struct cx_user **users, size_t *n, struct cx_err *err);
    /* Deletes the user and its sessions; CX_ENOTFOUND when absent. */
    int (*user_delete)(struct cx_store *s, const char *name, struct cx_err *err);
    /* Checks a name and password (a dummy hash is verified for unknown
     * names so that both take the same time); CX_ENOTFOUND when wrong. */
    int (*user_check)(struct cx_store *s, const char *name, const char *password,
                      struct cx_user *out, struct cx_err *err);
    /* New session of user valid until now + ttl: token and csrf get 64 hex
     * digits each; only a hash of the token is stored. Deletes expired
     * sessions. */
    int (*session_create)(struct cx_store *s, int64_t user, int64_t now, int64_t ttl,
                          char token[65], char csrf[65], struct cx_err *err);
    /* The session of token when valid at now; CX_ENOTFOUND otherwise. */
    int (*session_get)(struct cx_store *s, const char *token, int64_t now, struct cx_session *out,
                       struct cx_err *err);
    int (*session_delete)(struct cx_store *s, const char *token, struct cx_err *err);
    /* Tasks matching f, newest response first; cb's nonzero return stops
     * the scan and is returned. */
    int (*task_scan)(struct cx_store *s, const struct cx_task_filter *f, cx_task_cb cb, void *ctx,
                     struct cx_err *err);
    /* Counts by state (f->state, limit and offset ignored) and the median
     * time to close, from per-day counters: milliseconds at any size. */
    int (*task_counts)(struct cx_store *s, const struct cx_task_filter *f,
                       struct cx_task_counts *out, struct cx_err *err);
    /* take (open -> taken by who), note (any state: replaces the note),
     * close (open/taken -> closed), reopen (closed -> open). CX_ENOTFOUND
     * for no such task, CX_EINVAL when the state does not allow it. */
    int (*task_update)(struct cx_store *s, int64_t id, enum cx_task_action a, const char *who,
                       const char *note, int64_t now, struct cx_err *err);
    /* Responses matching f (period, channel, touchpoint, lang; with_text for
     * comments) newest first, read through an index: cb's nonzero return
     * stops the scan and is returned. */
    int (*scan_responses_latest)(struct cx_store *s, const struct cx_scan_filter *f, cx_resp_cb cb,
                                 void *ctx, struct cx_err *err);
    /* The latest local day (store zone) holding a response, from the
     * rollups; CX_ENOTFOUND when there is none. */
    int (*latest_day)(struct cx_store *s, int64_t *day, struct cx_err *err);
};

struct cx_store {
    const struct cx_store_vt *vt;
    /* When set, a put whose id exists with different content changes nothing
     * and returns CX_EEXIST (create-only requests); unchanged rows pass. */
    int create_only;
    /* Secret that signs invitation tokens (engine/token.h), made at init. */
    unsigned char token_secret[32];
    char rollup_tz[128]; /* zone of the rollup days ("UTC" by default) */
    /* When set, called inside the transaction after a put inserted a new
     * row (row: const struct cx_response * or const struct cx_event *); its
     * error fails the put. The server's writer uses it for triggers and
     * alerts (engine/deliver.h). */
    /* Counts begin(): what a hook caches from the store stays valid while it
     * does not change (one transaction). */
    uint64_t tx_seq;
    int (*after_insert)(void *ctx, struct cx_store *s, int is_event, const void *row,
                        struct cx_err *err);
    void *after_insert_ctx;
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
#define CX_SCHEMA_VERSION 6

static inline void cx_store_close(struct cx_store *s)
{
    if (s) s->vt->close(s);
}

#endif
