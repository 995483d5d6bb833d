/* sqlite_int.h - private to the SQLite backend (sqlite.c, sqlite_surveys.c). */
#ifndef CX_SQLITE_INT_H
#define CX_SQLITE_INT_H

#include <sqlite3.h>

#include "core/hmap.h"
#include "store/store.h"

enum {
    ST_INS_RESP,
    ST_GET_RESP,
    ST_UPD_RESP,
    ST_INS_EV,
    ST_GET_EV,
    ST_UPD_EV,
    ST_ROLLUP_GET,
    ST_ROLLUP_PUT,
    ST_ROLLUP_DEL,
    ST_KEY_CHECK,
    ST_COUNT
};

/* Statements of later schema versions, prepared on first use and kept
 * (sqlite_outbox.c): the ones a write of every row may run. */
enum { LZ_CONTACT_PUT, LZ_COUNT };

struct sq_store {
    struct cx_store base;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    sqlite3_stmt *lazy[LZ_COUNT];
    int bulk_tasks; /* a bulk load of responses dropped the task trigger */
    struct cx_tz *tz;
    struct cx_hmap deltas; /* packed rollup key -> struct delta * */
    int in_tx;
};

/* sqlite_schema.c: sq_migrations[v] takes schema version v to v + 1
 * (CX_SCHEMA_VERSION of them). */
extern const char *const sq_migrations[];

/* Fills err with what failed and SQLite's message; returns CX_ESTORE. */
int sq_db_fail(struct sq_store *s, struct cx_err *err, const char *what);
/* Runs SQL without results. */
int sq_exec(struct sq_store *s, const char *sql, struct cx_err *err);

/* sqlite_surveys.c: surveys and invitations. */
int sq_survey_put(struct cx_store *b, const char *id, const char *json, int create_only,
                  struct cx_err *err);
int sq_survey_get(struct cx_store *b, const char *id, struct cx_survey_row *out,
                  struct cx_err *err);
int sq_survey_list(struct cx_store *b, struct cx_survey_row **rows, size_t *n, struct cx_err *err);
int sq_survey_archive(struct cx_store *b, const char *id, struct cx_err *err);
int sq_invitation_create(struct cx_store *b, struct cx_invitation *inv, struct cx_err *err);
int sq_invitation_get(struct cx_store *b, int64_t id, struct cx_invitation *out,
                      struct cx_err *err);
int sq_invitation_mark(struct cx_store *b, int64_t id, enum cx_inv_mark what, int64_t when,
                       struct cx_err *err);
int sq_scan_invitations(struct cx_store *b, const struct cx_scan_filter *f, cx_invitation_cb cb,
                        void *ctx, struct cx_err *err);
/* Loads (creating on first use) the token secret into base.token_secret. */
int sq_load_token_secret(struct sq_store *s, struct cx_err *err);
/* Deletes the customer's invitations; *n receives how many. */
int sq_erase_invitations(struct sq_store *s, const char *customer, uint64_t *n, struct cx_err *err);
/* sqlite_lookup.c: lookups for the dashboard. */
int sq_customer_find(struct cx_store *b, const char *prefix, size_t limit,
                     int (*cb)(void *ctx, const char *customer), void *ctx, struct cx_err *err);

/* sqlite_outbox.c: delivery state (see store.h). */
int sq_invitation_fail(struct cx_store *b, int64_t id, int64_t when, struct cx_err *err);
int sq_last_invited(struct cx_store *b, const char *customer, int64_t *t, struct cx_err *err);
int sq_outbox_put(struct cx_store *b, struct cx_outbox_msg *m, struct cx_err *err);
int sq_outbox_claim(struct cx_store *b, int64_t now, size_t max, struct cx_outbox_msg **out,
                    size_t *n, struct cx_err *err);
int sq_outbox_finish(struct cx_store *b, int64_t id, const char *state, int64_t when, int64_t due,
                     const char *provider_id, const char *error, struct cx_err *err);
int sq_outbox_list(struct cx_store *b, const char *state, size_t limit, struct cx_outbox_msg **out,
                   size_t *n, struct cx_err *err);
int sq_outbox_retry(struct cx_store *b, int64_t id, int64_t now, struct cx_err *err);
int sq_outbox_recover(struct cx_store *b, size_t *n, struct cx_err *err);
int sq_outbox_by_provider(struct cx_store *b, const char *provider_id, struct cx_outbox_msg *out,
                          struct cx_err *err);
int sq_contact_put(struct cx_store *b, const struct cx_contact *c, int64_t now, struct cx_err *err);
int sq_contact_get(struct cx_store *b, const char *customer, struct cx_contact *out,
                   struct cx_err *err);
int sq_contact_find(struct cx_store *b, const char *address, struct cx_contact *out,
                    struct cx_err *err);
int sq_optout_set(struct cx_store *b, const char *address, int out, const char *source, int64_t now,
                  struct cx_err *err);
int sq_optout_check(struct cx_store *b, const char *address, int *out, struct cx_err *err);
int sq_conv_get(struct cx_store *b, const char *address, struct cx_conversation *out,
                struct cx_err *err);
int sq_conv_put(struct cx_store *b, const struct cx_conversation *c, struct cx_err *err);
int sq_trigger_put(struct cx_store *b, const char *id, const char *json, struct cx_err *err);
int sq_trigger_list(struct cx_store *b, struct cx_def_row **rows, size_t *n, struct cx_err *err);
int sq_trigger_delete(struct cx_store *b, const char *id, struct cx_err *err);
int sq_alert_put(struct cx_store *b, const char *id, const char *json, const char *secret,
                 struct cx_err *err);
int sq_alert_list(struct cx_store *b, struct cx_def_row **rows, size_t *n, struct cx_err *err);
int sq_alert_delete(struct cx_store *b, const char *id, struct cx_err *err);
int sq_alert_secret(struct cx_store *b, const char *id, char *secret, size_t cap,
                    struct cx_err *err);
int sq_alert_fired(struct cx_store *b, const char *id, int64_t when, struct cx_err *err);
int sq_ticket_claim(struct cx_store *b, const char *ref, int64_t invitation, struct cx_err *err);
int sq_inbound_seen(struct cx_store *b, const char *key, int64_t now, int *seen,
                    struct cx_err *err);
/* Deletes the customer's outbox messages, conversations, contact and opt-outs. */
int sq_erase_delivery(struct sq_store *s, const char *customer, struct cx_err *err);

/* sqlite_dash.c: dashboard users, sessions and follow-up tasks. */
/* SQL pieces of the 4 -> 5 migration: a low score of row r (the follow-up
 * rule of store.h), the UTC day of an instant, now, and the task_stats
 * counter updates of a task row r. */
#define SQ_TASK_LOW(r)                                                                             \
    "((" r ".scale=0 AND " r ".score<=6) OR (" r ".scale=1 AND " r ".score<=1) OR (" r             \
    ".scale IN (2,3,5) AND " r ".score<=2) OR (" r ".scale IN (4,6,7) AND " r ".score<=3))"
#define SQ_UDAY(x) "((" x ")/86400-((" x ")%86400<0))"
#define SQ_NOW "CAST(strftime('%s','now') AS INTEGER)"
#define SQ_STAT_KEY(r)                                                                             \
    "state=" r ".state AND day=" SQ_UDAY(r ".t") " AND channel=" r ".channel AND touchpoint=" r    \
                                                 ".touchpoint"
#define SQ_STAT_INC(r)                                                                             \
    "INSERT INTO task_stats(state,day,channel,touchpoint,n) VALUES(" r ".state," SQ_UDAY(          \
        r ".t") "," r ".channel," r                                                                \
                ".touchpoint,1) ON CONFLICT(state,day,channel,touchpoint) DO UPDATE SET"           \
                " n=n+1;"
#define SQ_STAT_DEC(r)                                                                             \
    "UPDATE task_stats SET n=n-1 WHERE " SQ_STAT_KEY(                                              \
        r) "; DELETE FROM task_stats WHERE " SQ_STAT_KEY(r) " AND n<=0;"
/* Follow-up tasks of new low scores: the trigger on responses, and the same
 * rows in one pass (migration 5, and after a bulk load without the trigger). */
#define SQ_TASK_COLS "tasks(response,customer,t,scale,score,channel,touchpoint,created)"
#define SQ_TASK_AI                                                                                 \
    "CREATE TRIGGER IF NOT EXISTS responses_task_ai AFTER INSERT ON responses WHEN " SQ_TASK_LOW(  \
        "NEW") " BEGIN INSERT OR IGNORE INTO " SQ_TASK_COLS                                        \
               " VALUES(NEW.id,NEW.customer,NEW.t,NEW.scale,NEW.score,NEW.channel,"                \
               "NEW.touchpoint," SQ_NOW "); END;"
#define SQ_TASK_BACKFILL                                                                           \
    "INSERT OR IGNORE INTO " SQ_TASK_COLS                                                          \
    " SELECT id,customer,t,scale,score,channel,touchpoint," SQ_NOW                                 \
    " FROM responses WHERE " SQ_TASK_LOW("responses") " ORDER BY t;"
int sq_user_create(struct cx_store *b, const char *name, int admin, const char *password,
                   struct cx_err *err);
int sq_user_list(struct cx_store *b, struct cx_user **users, size_t *n, struct cx_err *err);
int sq_user_delete(struct cx_store *b, const char *name, struct cx_err *err);
int sq_user_check(struct cx_store *b, const char *name, const char *password, struct cx_user *out,
                  struct cx_err *err);
int sq_session_create(struct cx_store *b, int64_t user, int64_t now, int64_t ttl, char token[65],
                      char csrf[65], struct cx_err *err);
int sq_session_get(struct cx_store *b, const char *token, int64_t now, struct cx_session *out,
                   struct cx_err *err);
int sq_session_delete(struct cx_store *b, const char *token, struct cx_err *err);
int sq_task_scan(struct cx_store *b, const struct cx_task_filter *f, cx_task_cb cb, void *ctx,
                 struct cx_err *err);
int sq_task_counts(struct cx_store *b, const struct cx_task_filter *f, struct cx_task_counts *out,
                   struct cx_err *err);
int sq_task_update(struct cx_store *b, int64_t id, enum cx_task_action a, const char *who,
                   const char *note, int64_t now, struct cx_err *err);
int sq_scan_responses_latest(struct cx_store *b, const struct cx_scan_filter *f, cx_resp_cb cb,
                             void *ctx, struct cx_err *err);
int sq_latest_day(struct cx_store *b, int64_t *day, struct cx_err *err);

#endif
