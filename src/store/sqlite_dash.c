/* sqlite_dash.c - the dashboard's part of the SQLite backend: users
 * (Argon2id password hashes), sessions (only a BLAKE2b hash of the token is
 * stored), follow-up tasks and the newest-first response listing.
 *
 * Tasks are made and kept by the triggers of the 4 -> 5 migration
 * (sqlite.c): a low-score response inserted, updated or deleted changes its
 * task in the same statement, and task_stats counts tasks per state, UTC
 * day, channel and touchpoint so that the queue's counts never scan. */
#include <pthread.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

#define SESSION_TOKEN_HEX 64

static int prep(struct sq_store *s, const char *sql, sqlite3_stmt **st, struct cx_err *err,
                const char *what)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK) return sq_db_fail(s, err, what);
    return CX_OK;
}

static void copy_col(char *dst, size_t cap, sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    snprintf(dst, cap, "%s", t ? t : "");
}

static const char *col_text(sqlite3_stmt *st, int i)
{
    const char *t = (const char *)sqlite3_column_text(st, i);
    return t ? t : "";
}

/* ---- users ---- */

int sq_user_create(struct cx_store *b, const char *name, int admin, const char *password,
                   struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    if (!name || !name[0] || strlen(name) > 128)
        return cx_fail(err, CX_EINVAL, "a user name is 1-128 bytes");
    if (!password || !password[0] || strlen(password) > 1024)
        return cx_fail(err, CX_EINVAL, "a password is 1-1024 bytes");
    char hash[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str(hash, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return cx_fail(err, CX_ENOMEM, "out of memory hashing the password");
    sqlite3_stmt *st;
    int rc = prep(s,
                  "INSERT INTO dash_users(name,admin,hash,created) VALUES(?1,?2,?3,"
                  "CAST(strftime('%s','now') AS INTEGER)) ON CONFLICT(name) DO NOTHING",
                  &st, err, "create user");
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_int(st, 2, admin ? 1 : 0);
    sqlite3_bind_text(st, 3, hash, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    sodium_memzero(hash, sizeof hash);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "create user");
    if (sqlite3_changes(s->db) == 0)
        return cx_fail(err, CX_EEXIST, "a user named '%s' exists", name);
    return CX_OK;
}

static void read_user(sqlite3_stmt *st, struct cx_user *u)
{
    u->id = sqlite3_column_int64(st, 0);
    copy_col(u->name, sizeof u->name, st, 1);
    u->admin = sqlite3_column_int(st, 2) != 0;
    u->created = sqlite3_column_int64(st, 3);
}

int sq_user_list(struct cx_store *b, struct cx_user **users, size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    *users = NULL;
    *n = 0;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT id,name,admin,created FROM dash_users ORDER BY name", &st, err,
                  "list users");
    if (rc) return rc;
    size_t cap = 0;
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct cx_user *nu = realloc(*users, cap * sizeof **users);
            if (!nu) {
                sqlite3_finalize(st);
                return cx_fail(err, CX_ENOMEM, "out of memory");
            }
            *users = nu;
        }
        read_user(st, &(*users)[(*n)++]);
    }
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "list users");
}

int sq_user_delete(struct cx_store *b, const char *name, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s,
                  "DELETE FROM dash_sessions WHERE user IN (SELECT id FROM dash_users WHERE "
                  "name=?1)",
                  &st, err, "delete user");
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "delete user");
    if ((rc = prep(s, "DELETE FROM dash_users WHERE name=?1", &st, err, "delete user"))) return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "delete user");
    return sqlite3_changes(s->db) ? CX_OK : cx_fail(err, CX_ENOTFOUND, "no user named '%s'", name);
}

/* A hash verified for unknown names, so that a wrong name costs the same
 * time as a wrong password. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void make_dummy(void)
{
    unsigned char pw[16];
    randombytes_buf(pw, sizeof pw);
    if (crypto_pwhash_str(dummy_hash, (const char *)pw, sizeof pw,
                          crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        dummy_hash[0] = 0;
}

int sq_user_check(struct cx_store *b, const char *name, const char *password, struct cx_user *out,
                  struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    pthread_once(&dummy_once, make_dummy);
    if (!name || !password || strlen(password) > 1024) password = "";
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT id,name,admin,created,hash FROM dash_users WHERE name=?1", &st, err,
                  "check user");
    if (rc) return rc;
    sqlite3_bind_text(st, 1, name ? name : "", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    char hash[crypto_pwhash_STRBYTES];
    int found = r == SQLITE_ROW;
    if (found) {
        read_user(st, out);
        copy_col(hash, sizeof hash, st, 4);
    } else {
        memcpy(hash, dummy_hash, sizeof hash);
    }
    sqlite3_finalize(st);
    if (r != SQLITE_ROW && r != SQLITE_DONE) return sq_db_fail(s, err, "check user");
    int ok = hash[0] && crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
    if (!found || !ok) {
        memset(out, 0, sizeof *out);
        return cx_fail(err, CX_ENOTFOUND, "wrong user name or password");
    }
    return CX_OK;
}

/* ---- sessions ---- */

static void token_hash(const char *token, unsigned char out[32])
{
    crypto_generichash(out, 32, (const unsigned char *)token, strlen(token), NULL, 0);
}

int sq_session_create(struct cx_store *b, int64_t user, int64_t now, int64_t ttl, char token[65],
                      char csrf[65], struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    unsigned char raw[32], h[32];
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(token, SESSION_TOKEN_HEX + 1, raw, sizeof raw);
    randombytes_buf(raw, sizeof raw);
    sodium_bin2hex(csrf, SESSION_TOKEN_HEX + 1, raw, sizeof raw);
    sodium_memzero(raw, sizeof raw);
    token_hash(token, h);
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM dash_sessions WHERE expires<=?1", &st, err, "create session");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, now);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "create session");
    if ((rc = prep(s,
                   "INSERT INTO dash_sessions(token,user,csrf,created,expires)"
                   " SELECT ?1,id,?3,?4,?5 FROM dash_users WHERE id=?2",
                   &st, err, "create session")))
        return rc;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, user);
    sqlite3_bind_text(st, 3, csrf, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 4, now);
    sqlite3_bind_int64(st, 5, now + ttl);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "create session");
    if (!sqlite3_changes(s->db))
        return cx_fail(err, CX_ENOTFOUND, "no user with id %lld", (long long)user);
    return CX_OK;
}

int sq_session_get(struct cx_store *b, const char *token, int64_t now, struct cx_session *out,
                   struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    memset(out, 0, sizeof *out);
    if (!token || strlen(token) != SESSION_TOKEN_HEX)
        return cx_fail(err, CX_ENOTFOUND, "no session");
    unsigned char h[32];
    token_hash(token, h);
    sqlite3_stmt *st;
    int rc = prep(s,
                  "SELECT u.id,u.name,u.admin,u.created,s.csrf,s.expires FROM dash_sessions s"
                  " JOIN dash_users u ON u.id=s.user WHERE s.token=?1 AND s.expires>?2",
                  &st, err, "read session");
    if (rc) return rc;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    sqlite3_bind_int64(st, 2, now);
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) {
        read_user(st, &out->user);
        copy_col(out->csrf, sizeof out->csrf, st, 4);
        out->expires = sqlite3_column_int64(st, 5);
    }
    sqlite3_finalize(st);
    if (r == SQLITE_ROW) return CX_OK;
    return r == SQLITE_DONE ? cx_fail(err, CX_ENOTFOUND, "no session")
                            : sq_db_fail(s, err, "read session");
}

int sq_session_delete(struct cx_store *b, const char *token, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    if (!token) return CX_OK;
    unsigned char h[32];
    token_hash(token, h);
    sqlite3_stmt *st;
    int rc = prep(s, "DELETE FROM dash_sessions WHERE token=?1", &st, err, "delete session");
    if (rc) return rc;
    sqlite3_bind_blob(st, 1, h, sizeof h, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    return r == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "delete session");
}

/* ---- tasks ---- */

/* Appends the filter's conditions on tasks k as numbered parameters ?3-?8
 * (?1, ?2 are the caller's); task_bind binds them. */
static void task_where(char *sql, size_t cap, const struct cx_task_filter *f, int with_state)
{
    size_t n = strlen(sql);
    snprintf(sql + n, cap - n, " WHERE 1%s%s%s%s%s%s",
             with_state && f->state >= 0 ? " AND k.state=?3" : "", f->from ? " AND k.t>=?4" : "",
             f->to ? " AND k.t<?5" : "", f->channel ? " AND k.channel=?6" : "",
             f->touchpoint ? " AND k.touchpoint=?7" : "", f->id ? " AND k.id=?8" : "");
}

static void task_bind(sqlite3_stmt *st, const struct cx_task_filter *f, int state, int64_t from,
                      int64_t to)
{
    sqlite3_bind_int(st, 3, state);
    sqlite3_bind_int64(st, 4, from);
    sqlite3_bind_int64(st, 5, to);
    if (f->channel) sqlite3_bind_text(st, 6, f->channel, -1, SQLITE_STATIC);
    if (f->touchpoint) sqlite3_bind_text(st, 7, f->touchpoint, -1, SQLITE_STATIC);
    if (f->id) sqlite3_bind_int64(st, 8, f->id);
}

int sq_task_scan(struct cx_store *b, const struct cx_task_filter *f, cx_task_cb cb, void *ctx,
                 struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    char sql[1024] = "SELECT k.id,k.response,k.customer,k.channel,k.touchpoint,k.t,k.scale,"
                     "k.score,k.state,k.assignee,k.note,k.created,k.taken,k.closed,r.comment,"
                     "r.attrs FROM tasks k LEFT JOIN responses r ON r.id=k.response";
    task_where(sql, sizeof sql, f, 1);
    size_t n = strlen(sql);
    snprintf(sql + n, sizeof sql - n, " ORDER BY k.t DESC, k.id DESC LIMIT ?1 OFFSET ?2");
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err, "list tasks");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, f->limit ? (int64_t)f->limit : -1);
    sqlite3_bind_int64(st, 2, (int64_t)f->offset);
    task_bind(st, f, f->state, f->from, f->to);
    int r, ret = CX_OK;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_task t;
        t.id = sqlite3_column_int64(st, 0);
        t.response = col_text(st, 1);
        t.customer = col_text(st, 2);
        t.channel = col_text(st, 3);
        t.touchpoint = col_text(st, 4);
        t.t = sqlite3_column_int64(st, 5);
        t.scale_idx = sqlite3_column_int(st, 6);
        t.score = sqlite3_column_int(st, 7);
        t.state = (enum cx_task_state)sqlite3_column_int(st, 8);
        t.assignee = col_text(st, 9);
        t.note = col_text(st, 10);
        t.created = sqlite3_column_int64(st, 11);
        t.taken = sqlite3_column_int64(st, 12);
        t.closed = sqlite3_column_int64(st, 13);
        t.comment = (const char *)sqlite3_column_text(st, 14);
        t.attrs = sqlite3_column_blob(st, 15);
        t.attrs_len = (size_t)sqlite3_column_bytes(st, 15);
        if (!t.attrs) t.attrs = (const unsigned char *)"";
        if ((ret = cb(ctx, &t))) break;
    }
    if (!ret && r != SQLITE_DONE) ret = sq_db_fail(s, err, "list tasks");
    sqlite3_finalize(st);
    return ret;
}

/* Adds the tasks with t in [from, to) counted row by row (an index range of
 * at most a day or two) to out. */
static int count_rows(struct sq_store *s, const struct cx_task_filter *f, int64_t from, int64_t to,
                      struct cx_task_counts *out, struct cx_err *err)
{
    if (from >= to) return CX_OK;
    struct cx_task_filter g = *f;
    g.from = 1; /* both bounds bound */
    g.to = 1;
    char sql[512] = "SELECT count(*) FROM tasks k";
    task_where(sql, sizeof sql, &g, 1);
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err, "count tasks");
    if (rc) return rc;
    for (int state = 0; state < 3 && !rc; state++) {
        task_bind(st, &g, state, from, to);
        if (sqlite3_step(st) == SQLITE_ROW)
            out->n[state] += (uint64_t)sqlite3_column_int64(st, 0);
        else
            rc = sq_db_fail(s, err, "count tasks");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    return rc;
}

static int cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

int sq_task_counts(struct cx_store *b, const struct cx_task_filter *f, struct cx_task_counts *out,
                   struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    memset(out, 0, sizeof *out);
    out->median_close_s = -1;
    /* whole UTC days from the counters, the partial days at the ends row by row */
    const int64_t D = 86400;
    int64_t lo = f->from, hi = f->to ? f->to : INT64_MAX / 2;
    int64_t d0 = f->from ? (lo >= 0 ? (lo + D - 1) / D : -((-lo) / D)) : INT64_MIN / (4 * D);
    int64_t d1 = hi >= 0 ? hi / D : -((-hi + D - 1) / D);
    int rc = CX_OK;
    if (d0 >= d1) {
        rc = count_rows(s, f, f->from ? lo : INT64_MIN / 2, hi, out, err);
    } else {
        if (f->from) rc = count_rows(s, f, lo, d0 * D, out, err);
        if (!rc && f->to) rc = count_rows(s, f, d1 * D, hi, out, err);
        sqlite3_stmt *st;
        char sql[512];
        snprintf(sql, sizeof sql,
                 "SELECT state,sum(n) FROM task_stats WHERE day>=?1 AND day<?2%s%s GROUP BY state",
                 f->channel ? " AND channel=?3" : "", f->touchpoint ? " AND touchpoint=?4" : "");
        if (!rc) rc = prep(s, sql, &st, err, "count tasks");
        if (!rc) {
            sqlite3_bind_int64(st, 1, d0);
            sqlite3_bind_int64(st, 2, d1);
            if (f->channel) sqlite3_bind_text(st, 3, f->channel, -1, SQLITE_STATIC);
            if (f->touchpoint) sqlite3_bind_text(st, 4, f->touchpoint, -1, SQLITE_STATIC);
            int r;
            while ((r = sqlite3_step(st)) == SQLITE_ROW) {
                int state = sqlite3_column_int(st, 0);
                if (state >= 0 && state < 3) out->n[state] += (uint64_t)sqlite3_column_int64(st, 1);
            }
            if (r != SQLITE_DONE) rc = sq_db_fail(s, err, "count tasks");
            sqlite3_finalize(st);
        }
    }
    if (rc || out->n[CX_TASK_CLOSED] == 0) return rc;
    /* closing is done by people: closed tasks stay few enough to read */
    char sql[512] = "SELECT k.closed-k.created FROM tasks k";
    struct cx_task_filter g = *f;
    g.state = CX_TASK_CLOSED;
    task_where(sql, sizeof sql, &g, 1);
    sqlite3_stmt *st;
    if ((rc = prep(s, sql, &st, err, "time to close"))) return rc;
    task_bind(st, &g, CX_TASK_CLOSED, f->from, f->to);
    size_t n = 0, cap = (size_t)out->n[CX_TASK_CLOSED];
    int64_t *v = malloc((cap ? cap : 1) * sizeof *v);
    if (!v) {
        sqlite3_finalize(st);
        return cx_fail(err, CX_ENOMEM, "out of memory");
    }
    int r;
    while ((r = sqlite3_step(st)) == SQLITE_ROW && n < cap) v[n++] = sqlite3_column_int64(st, 0);
    if (r != SQLITE_DONE && r != SQLITE_ROW) rc = sq_db_fail(s, err, "time to close");
    sqlite3_finalize(st);
    if (!rc && n) {
        qsort(v, n, sizeof *v, cmp_i64);
        out->median_close_s =
            n % 2 ? (double)v[n / 2] : ((double)v[n / 2 - 1] + (double)v[n / 2]) / 2;
    }
    free(v);
    return rc;
}

int sq_task_update(struct cx_store *b, int64_t id, enum cx_task_action a, const char *who,
                   const char *note, int64_t now, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    static const char *const sql[] = {
        [CX_TASK_TAKE] = "UPDATE tasks SET state=1,assignee=?2,taken=?3 WHERE id=?1 AND state=0",
        [CX_TASK_NOTE] = "UPDATE tasks SET note=?4 WHERE id=?1",
        [CX_TASK_CLOSE] = "UPDATE tasks SET state=2,closed=?3,assignee=CASE WHEN assignee=''"
                          " THEN ?2 ELSE assignee END WHERE id=?1 AND state IN (0,1)",
        [CX_TASK_REOPEN] = "UPDATE tasks SET state=0,assignee='',taken=0,closed=0 WHERE id=?1"
                           " AND state=2",
    };
    if ((int)a < 0 || (int)a > CX_TASK_REOPEN) return cx_fail(err, CX_EINVAL, "bad task action");
    if (note && strlen(note) > 4000) return cx_fail(err, CX_EINVAL, "a note is at most 4000 bytes");
    sqlite3_stmt *st;
    int rc = prep(s, sql[a], &st, err, "update task");
    if (rc) return rc;
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_text(st, 2, who ? who : "", -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, now);
    sqlite3_bind_text(st, 4, note ? note : "", -1, SQLITE_STATIC);
    int r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r != SQLITE_DONE) return sq_db_fail(s, err, "update task");
    if (sqlite3_changes(s->db)) return CX_OK;
    if ((rc = prep(s, "SELECT state FROM tasks WHERE id=?1", &st, err, "update task"))) return rc;
    sqlite3_bind_int64(st, 1, id);
    r = sqlite3_step(st);
    sqlite3_finalize(st);
    if (r == SQLITE_ROW) return cx_fail(err, CX_EINVAL, "the task's state does not allow that");
    return cx_fail(err, CX_ENOTFOUND, "no task %lld", (long long)id);
}

/* ---- newest responses, latest day ---- */

int sq_scan_responses_latest(struct cx_store *b, const struct cx_scan_filter *f, cx_resp_cb cb,
                             void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    /* -t matches the index responses_recent(-t): newest first, no sort */
    char sql[1024];
    snprintf(sql, sizeof sql,
             "SELECT id,customer,t,tns,scale,score,channel,touchpoint,lang,attrs,%s FROM responses"
             " WHERE 1%s%s%s%s%s ORDER BY -t",
             f->with_text ? "comment" : "NULL", f->has_from ? " AND -t<=?1" : "",
             f->has_to ? " AND -t>=?2" : "", f->channel ? " AND channel=?3" : "",
             f->touchpoint ? " AND touchpoint=?4" : "",
             f->lang ? (f->lang[0] ? " AND lang=?5" : " AND lang IS NULL") : "");
    sqlite3_stmt *st;
    int rc = prep(s, sql, &st, err, "latest responses");
    if (rc) return rc;
    if (f->has_from) sqlite3_bind_int64(st, 1, -f->from.sec);
    if (f->has_to) sqlite3_bind_int64(st, 2, -f->to.sec);
    if (f->channel) sqlite3_bind_text(st, 3, f->channel, -1, SQLITE_STATIC);
    if (f->touchpoint) sqlite3_bind_text(st, 4, f->touchpoint, -1, SQLITE_STATIC);
    if (f->lang && f->lang[0]) sqlite3_bind_text(st, 5, f->lang, -1, SQLITE_STATIC);
    int r, ret = CX_OK;
    while ((r = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_resp_row row;
        row.t.sec = sqlite3_column_int64(st, 2);
        row.t.nsec = sqlite3_column_int(st, 3);
        if (f->has_from && cx_time_cmp(row.t, f->from) < 0) continue;
        if (f->has_to && cx_time_cmp(row.t, f->to) >= 0) continue;
        row.id = col_text(st, 0);
        row.customer = col_text(st, 1);
        row.scale_idx = sqlite3_column_int(st, 4);
        row.score = sqlite3_column_int(st, 5);
        row.channel = col_text(st, 6);
        row.touchpoint = col_text(st, 7);
        row.lang = col_text(st, 8);
        row.attrs = sqlite3_column_blob(st, 9);
        row.attrs_len = (size_t)sqlite3_column_bytes(st, 9);
        if (!row.attrs) row.attrs = (const unsigned char *)"";
        row.comment = (const char *)sqlite3_column_text(st, 10);
        if ((ret = cb(ctx, &row))) break;
    }
    if (!ret && r != SQLITE_DONE) ret = sq_db_fail(s, err, "latest responses");
    sqlite3_finalize(st);
    return ret;
}

int sq_latest_day(struct cx_store *b, int64_t *day, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    int rc = prep(s, "SELECT max(day) FROM rollup WHERE cuboid=0", &st, err, "latest day");
    if (rc) return rc;
    int r = sqlite3_step(st);
    int have = r == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
    if (have) *day = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    if (r != SQLITE_ROW) return sq_db_fail(s, err, "latest day");
    return have ? CX_OK : cx_fail(err, CX_ENOTFOUND, "no responses");
}
