/* sqlite_outbox.c - delivery state in the SQLite backend: the outbox,
 * contacts, opt-outs, chat conversations, triggers, alerts and the one
 * survey per ticket rule. Low-volume tables: statements are prepared per
 * call. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

void cx_outbox_msgs_free(struct cx_outbox_msg *m, size_t n)
{
    for (size_t i = 0; m && i < n; i++) free(m[i].payload);
    free(m);
}

void cx_def_rows_free(struct cx_def_row *rows, size_t n)
{
    for (size_t i = 0; rows && i < n; i++) free(rows[i].json);
    free(rows);
}

static int prep(struct sq_store *s, const char *sql, sqlite3_stmt **st, struct cx_err *err)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return sq_db_fail(s, err, "prepare");
    return CX_OK;
}

/* Steps a statement that returns no rows and finalizes it. */
static int run(struct sq_store *s, sqlite3_stmt *st, const char *what, struct cx_err *err)
{
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, what);
}

static void col_str(sqlite3_stmt *st, int i, char *dst, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", t ? (const char *)t : "");
}

int sq_invitation_fail(struct cx_store *b, int64_t id, int64_t when, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE invitations SET failed=?2 WHERE id=?1 AND failed=0", &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, when);
    return run(s, st, "invitation", err);
}

int sq_last_invited(struct cx_store *b, const char *customer, int64_t *t, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT max(created) FROM invitations WHERE customer=?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *t = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW ? CX_OK : sq_db_fail(s, err, "invitations");
}

/* ---- outbox ---- */

#define OB_COLS                                                                                    \
    "id,kind,channel,recipient,customer,invitation,payload,state,attempts,due,created,sent,"       \
    "provider_id,last_error,idem_key"

static int read_msg(sqlite3_stmt *st, struct cx_outbox_msg *m)
{
    memset(m, 0, sizeof *m);
    m->id = sqlite3_column_int64(st, 0);
    col_str(st, 1, m->kind, sizeof m->kind);
    col_str(st, 2, m->channel, sizeof m->channel);
    col_str(st, 3, m->recipient, sizeof m->recipient);
    col_str(st, 4, m->customer, sizeof m->customer);
    m->invitation = sqlite3_column_int64(st, 5);
    const unsigned char *p = sqlite3_column_text(st, 6);
    m->payload = strdup(p ? (const char *)p : "{}");
    col_str(st, 7, m->state, sizeof m->state);
    m->attempts = sqlite3_column_int(st, 8);
    m->due = sqlite3_column_int64(st, 9);
    m->created = sqlite3_column_int64(st, 10);
    m->sent = sqlite3_column_int64(st, 11);
    col_str(st, 12, m->provider_id, sizeof m->provider_id);
    col_str(st, 13, m->last_error, sizeof m->last_error);
    col_str(st, 14, m->idem_key, sizeof m->idem_key);
    return m->payload ? CX_OK : CX_ENOMEM;
}

/* Reads every row of st into a new array. */
static int read_msgs(struct sq_store *s, sqlite3_stmt *st, struct cx_outbox_msg **out, size_t *n,
                     struct cx_err *err)
{
    size_t cap = 0;
    *out = NULL;
    *n = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 16;
            struct cx_outbox_msg *nm = realloc(*out, cap * sizeof *nm);
            if (!nm) goto oom;
            *out = nm;
        }
        if (read_msg(st, &(*out)[*n])) goto oom;
        (*n)++;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "outbox");
oom:
    sqlite3_finalize(st);
    cx_outbox_msgs_free(*out, *n);
    *out = NULL;
    *n = 0;
    return cx_fail(err, CX_ENOMEM, "out of memory");
}

int sq_outbox_put(struct cx_store *b, struct cx_outbox_msg *m, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO outbox(kind,channel,recipient,customer,invitation,payload,state,"
                  "attempts,due,created,idem_key) VALUES(?1,?2,?3,?4,?5,?6,'pending',0,?7,?8,?9)"
                  " ON CONFLICT(idem_key) DO NOTHING",
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, m->kind, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, m->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, m->recipient, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, m->customer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, m->invitation);
    sqlite3_bind_text(st, 6, m->payload ? m->payload : "{}", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 7, m->due);
    sqlite3_bind_int64(st, 8, m->created);
    sqlite3_bind_text(st, 9, m->idem_key, -1, SQLITE_STATIC);
    if ((rc = run(s, st, "outbox", err))) return rc;
    m->id = sqlite3_changes(s->db) ? sqlite3_last_insert_rowid(s->db) : 0;
    snprintf(m->state, sizeof m->state, "pending");
    return CX_OK;
}

int sq_outbox_claim(struct cx_store *b, int64_t now, size_t max, struct cx_outbox_msg **out,
                    size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "UPDATE outbox SET state='sending', attempts=attempts+1 WHERE id IN (SELECT id"
                  " FROM outbox WHERE state='pending' AND due<=?1 ORDER BY due, id LIMIT ?2)"
                  " RETURNING " OB_COLS,
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, now);
    sqlite3_bind_int64(st, 2, (int64_t)max);
    return read_msgs(s, st, out, n, err);
}

int sq_outbox_finish(struct cx_store *b, int64_t id, const char *state, int64_t when, int64_t due,
                     const char *provider_id, const char *error, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc =
        prep(s,
             "UPDATE outbox SET state=?2, sent=CASE WHEN ?2='sent' THEN ?3 ELSE sent END,"
             " due=?4, provider_id=coalesce(?5,provider_id), last_error=coalesce(?6,last_error)"
             " WHERE id=?1 AND state='sending'",
             &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, when);
    sqlite3_bind_int64(st, 4, due);
    if (provider_id) sqlite3_bind_text(st, 5, provider_id, -1, SQLITE_STATIC);
    if (error) sqlite3_bind_text(st, 6, error, -1, SQLITE_STATIC);
    return run(s, st, "outbox", err);
}

int sq_outbox_list(struct cx_store *b, const char *state, size_t limit, struct cx_outbox_msg **out,
                   size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT " OB_COLS " FROM outbox WHERE ?1 IS NULL OR state=?1"
                  " ORDER BY id DESC LIMIT ?2",
                  &st, err);
    if (rc) return rc;
    if (state) sqlite3_bind_text(st, 1, state, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, limit ? (int64_t)limit : -1);
    return read_msgs(s, st, out, n, err);
}

int sq_outbox_retry(struct cx_store *b, int64_t id, int64_t now, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT state FROM outbox WHERE id=?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    char state[16] = "";
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) col_str(st, 0, state, sizeof state);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE)
        return cx_fail(err, CX_ENOTFOUND, "no outbox message %lld", (long long)id);
    if (rc != SQLITE_ROW) return sq_db_fail(s, err, "outbox");
    if (strcmp(state, "dead") && strcmp(state, "pending"))
        return cx_fail(err, CX_EINVAL, "outbox message %lld is %s, not dead or pending",
                       (long long)id, state);
    if ((rc = prep(s, "UPDATE outbox SET state='pending', due=?2, attempts=0 WHERE id=?1", &st,
                   err)))
        return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, now);
    return run(s, st, "outbox", err);
}

int sq_outbox_recover(struct cx_store *b, size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE outbox SET state='pending' WHERE state='sending'", &st, err);
    if (rc) return rc;
    rc = run(s, st, "outbox", err);
    *n = rc ? 0 : (size_t)sqlite3_changes(s->db);
    return rc;
}

int sq_outbox_by_provider(struct cx_store *b, const char *provider_id, struct cx_outbox_msg *out,
                          struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT " OB_COLS " FROM outbox WHERE provider_id=?1 AND provider_id<>''", &st,
                  err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, provider_id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    int ret = rc == SQLITE_ROW
                  ? (read_msg(st, out) ? cx_fail(err, CX_ENOMEM, "out of memory") : CX_OK)
              : rc == SQLITE_DONE ? cx_fail(err, CX_ENOTFOUND, "no message '%s'", provider_id)
                                  : sq_db_fail(s, err, "outbox");
    sqlite3_finalize(st);
    return ret;
}

/* ---- contacts and opt-outs ---- */

int sq_contact_put(struct cx_store *b, const struct cx_contact *c, int64_t now, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    /* runs for every stored row that names an address: kept prepared */
    sqlite3_stmt *st = s->lazy[LZ_CONTACT_PUT];
    if (!st && sqlite3_prepare_v3(s->db,
                                  "INSERT INTO contacts(customer,email,phone,lang,tz,updated)"
                                  " VALUES(?1,?2,?3,?4,?5,?6) ON CONFLICT(customer) DO UPDATE SET"
                                  " email=CASE WHEN ?2<>'' THEN ?2 ELSE email END,"
                                  " phone=CASE WHEN ?3<>'' THEN ?3 ELSE phone END,"
                                  " lang=CASE WHEN ?4<>'' THEN ?4 ELSE lang END,"
                                  " tz=CASE WHEN ?5<>'' THEN ?5 ELSE tz END, updated=?6",
                                  -1, SQLITE_PREPARE_PERSISTENT, &s->lazy[LZ_CONTACT_PUT],
                                  NULL) != SQLITE_OK)
        return sq_db_fail(s, err, "prepare");
    st = s->lazy[LZ_CONTACT_PUT];
    sqlite3_bind_text(st, 1, c->customer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, c->email, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, c->phone, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, c->lang, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, c->tz, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, now);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "contacts");
}

static int contact_query(struct sq_store *s, const char *sql, const char *key,
                         struct cx_contact *out, struct cx_err *err)
{
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        col_str(st, 0, out->customer, sizeof out->customer);
        col_str(st, 1, out->email, sizeof out->email);
        col_str(st, 2, out->phone, sizeof out->phone);
        col_str(st, 3, out->lang, sizeof out->lang);
        col_str(st, 4, out->tz, sizeof out->tz);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return CX_OK;
    if (rc == SQLITE_DONE) return cx_fail(err, CX_ENOTFOUND, "no contact for '%s'", key);
    return sq_db_fail(s, err, "contacts");
}

int sq_contact_get(struct cx_store *b, const char *customer, struct cx_contact *out,
                   struct cx_err *err)
{
    return contact_query((struct sq_store *)b,
                         "SELECT customer,email,phone,lang,tz FROM contacts WHERE customer=?1",
                         customer, out, err);
}

int sq_contact_find(struct cx_store *b, const char *address, struct cx_contact *out,
                    struct cx_err *err)
{
    return contact_query((struct sq_store *)b,
                         strchr(address, '@')
                             ? "SELECT customer,email,phone,lang,tz FROM contacts WHERE email=?1"
                               " ORDER BY updated DESC LIMIT 1"
                             : "SELECT customer,email,phone,lang,tz FROM contacts WHERE phone=?1"
                               " ORDER BY updated DESC LIMIT 1",
                         address, out, err);
}

int sq_optout_set(struct cx_store *b, const char *address, int out, const char *source, int64_t now,
                  struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  out ? "INSERT INTO optouts(address,t,source) VALUES(?1,?2,?3)"
                        " ON CONFLICT(address) DO NOTHING"
                      : "DELETE FROM optouts WHERE address=?1",
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
    if (out) {
        sqlite3_bind_int64(st, 2, now);
        sqlite3_bind_text(st, 3, source ? source : "", -1, SQLITE_STATIC);
    }
    return run(s, st, "optouts", err);
}

int sq_optout_check(struct cx_store *b, const char *address, int *out, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT 1 FROM optouts WHERE address=?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *out = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "optouts");
}

/* ---- conversations ---- */

int sq_conv_get(struct cx_store *b, const char *address, struct cx_conversation *out,
                struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(
        s,
        "SELECT address,invitation,step,reasks,score,last_in,updated,last_msg FROM conversations"
        " WHERE address=?1",
        &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, address, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        memset(out, 0, sizeof *out);
        col_str(st, 0, out->address, sizeof out->address);
        out->invitation = sqlite3_column_int64(st, 1);
        out->step = sqlite3_column_int(st, 2);
        out->reasks = sqlite3_column_int(st, 3);
        out->score = sqlite3_column_int(st, 4);
        out->last_in = sqlite3_column_int64(st, 5);
        out->updated = sqlite3_column_int64(st, 6);
        col_str(st, 7, out->last_msg, sizeof out->last_msg);
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return CX_OK;
    if (rc == SQLITE_DONE) return cx_fail(err, CX_ENOTFOUND, "no conversation with %s", address);
    return sq_db_fail(s, err, "conversations");
}

int sq_conv_put(struct cx_store *b, const struct cx_conversation *c, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT OR REPLACE INTO conversations(address,invitation,step,reasks,score,"
                  "last_in,updated,last_msg) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, c->address, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, c->invitation);
    sqlite3_bind_int(st, 3, c->step);
    sqlite3_bind_int(st, 4, c->reasks);
    sqlite3_bind_int(st, 5, c->score);
    sqlite3_bind_int64(st, 6, c->last_in);
    sqlite3_bind_int64(st, 7, c->updated);
    sqlite3_bind_text(st, 8, c->last_msg, -1, SQLITE_STATIC);
    return run(s, st, "conversations", err);
}

/* ---- triggers and alerts ---- */

static int def_put(struct sq_store *s, const char *table, const char *id, const char *json,
                   const char *secret, struct cx_err *err)
{
    char sql[256];
    if (!strcmp(table, "alerts"))
        snprintf(sql, sizeof sql,
                 "INSERT INTO alerts(id,definition,secret,created) VALUES(?1,?2,coalesce(?4,''),?3)"
                 " ON CONFLICT(id) DO UPDATE SET definition=excluded.definition,"
                 " secret=coalesce(?4,secret)");
    else
        snprintf(sql, sizeof sql,
                 "INSERT INTO %s(id,definition,created) VALUES(?1,?2,?3)"
                 " ON CONFLICT(id) DO UPDATE SET definition=excluded.definition",
                 table);
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
    if (secret && !strcmp(table, "alerts")) sqlite3_bind_text(st, 4, secret, -1, SQLITE_STATIC);
    return run(s, st, table, err);
}

static int def_list(struct sq_store *s, const char *table, struct cx_def_row **rows, size_t *n,
                    struct cx_err *err)
{
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT id,definition,created,%s FROM %s ORDER BY id",
             strcmp(table, "alerts") ? "0" : "last_fired", table);
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err);
    if (rc) return rc;
    size_t cap = 0;
    *rows = NULL;
    *n = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct cx_def_row *nr = realloc(*rows, cap * sizeof *nr);
            if (!nr) break;
            *rows = nr;
        }
        struct cx_def_row *r = &(*rows)[*n];
        col_str(st, 0, r->id, sizeof r->id);
        r->json = strdup((const char *)sqlite3_column_text(st, 1));
        r->created = sqlite3_column_int64(st, 2);
        r->last_fired = sqlite3_column_int64(st, 3);
        if (!r->json) break;
        (*n)++;
    }
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return CX_OK;
    cx_def_rows_free(*rows, *n);
    *rows = NULL;
    *n = 0;
    return rc == SQLITE_ROW ? cx_fail(err, CX_ENOMEM, "out of memory") : sq_db_fail(s, err, table);
}

static int def_delete(struct sq_store *s, const char *table, const char *id, struct cx_err *err)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM %s WHERE id=?1", table);
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    if ((rc = run(s, st, table, err))) return rc;
    return sqlite3_changes(s->db)
               ? CX_OK
               : cx_fail(err, CX_ENOTFOUND, "no %.*s '%s'", (int)strlen(table) - 1, table, id);
}

int sq_trigger_put(struct cx_store *b, const char *id, const char *json, struct cx_err *err)
{
    return def_put((struct sq_store *)b, "triggers", id, json, NULL, err);
}

int sq_trigger_list(struct cx_store *b, struct cx_def_row **rows, size_t *n, struct cx_err *err)
{
    return def_list((struct sq_store *)b, "triggers", rows, n, err);
}

int sq_trigger_delete(struct cx_store *b, const char *id, struct cx_err *err)
{
    return def_delete((struct sq_store *)b, "triggers", id, err);
}

int sq_alert_put(struct cx_store *b, const char *id, const char *json, const char *secret,
                 struct cx_err *err)
{
    return def_put((struct sq_store *)b, "alerts", id, json, secret, err);
}

int sq_alert_list(struct cx_store *b, struct cx_def_row **rows, size_t *n, struct cx_err *err)
{
    return def_list((struct sq_store *)b, "alerts", rows, n, err);
}

int sq_alert_delete(struct cx_store *b, const char *id, struct cx_err *err)
{
    return def_delete((struct sq_store *)b, "alerts", id, err);
}

int sq_alert_secret(struct cx_store *b, const char *id, char *secret, size_t cap,
                    struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT secret FROM alerts WHERE id=?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) col_str(st, 0, secret, cap);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return CX_OK;
    if (rc == SQLITE_DONE) return cx_fail(err, CX_ENOTFOUND, "no alert '%s'", id);
    return sq_db_fail(s, err, "alerts");
}

int sq_alert_fired(struct cx_store *b, const char *id, int64_t when, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "UPDATE alerts SET last_fired=?2 WHERE id=?1", &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, when);
    return run(s, st, "alerts", err);
}

int sq_ticket_claim(struct cx_store *b, const char *ref, int64_t invitation, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO ticket_surveys(ref,invitation) VALUES(?1,?2)"
                  " ON CONFLICT(ref) DO UPDATE SET invitation=excluded.invitation"
                  " WHERE ticket_surveys.invitation=0 AND excluded.invitation<>0",
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, ref, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, invitation);
    if ((rc = run(s, st, "tickets", err))) return rc;
    return sqlite3_changes(s->db) ? CX_OK
                                  : cx_fail(err, CX_EEXIST, "ticket '%s' was surveyed", ref);
}

int sq_inbound_seen(struct cx_store *b, const char *key, int64_t now, int *seen, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "INSERT INTO inbound_seen(key,t) VALUES(?1,?2) ON CONFLICT(key) DO NOTHING",
                  &st, err);
    if (rc) return rc;
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    if ((rc = run(s, st, "inbound", err))) return rc;
    *seen = sqlite3_changes(s->db) == 0;
    if (*seen || now % 64) return CX_OK; /* now and then: forget old keys */
    if ((rc = prep(s, "DELETE FROM inbound_seen WHERE t<?1", &st, err))) return rc;
    sqlite3_bind_int64(st, 1, now - 30 * 86400);
    return run(s, st, "inbound", err);
}

int sq_erase_delivery(struct sq_store *s, const char *customer, struct cx_err *err)
{
    static const char *const sql[] = {
        "DELETE FROM outbox WHERE customer=?1",
        "DELETE FROM conversations WHERE invitation IN"
        " (SELECT id FROM invitations WHERE customer=?1)",
        "DELETE FROM ticket_surveys WHERE invitation IN"
        " (SELECT id FROM invitations WHERE customer=?1)",
        "DELETE FROM optouts WHERE address IN ('customer:'||?1,"
        " (SELECT 'email:'||email FROM contacts WHERE customer=?1),"
        " (SELECT 'phone:'||phone FROM contacts WHERE customer=?1))",
        "DELETE FROM contacts WHERE customer=?1",
    };
    for (size_t i = 0; i < sizeof sql / sizeof sql[0]; i++) {
        sqlite3_stmt *st;
        int rc = prep(s, sql[i], &st, err);
        if (rc) return rc;
        sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
        if ((rc = run(s, st, "erase", err))) return rc;
    }
    return CX_OK;
}
