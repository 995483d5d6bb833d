/* sqlite_surveys.c - surveys and invitations in the SQLite backend. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/sqlite_int.h"

void cx_survey_rows_free(struct cx_survey_row *rows, size_t n)
{
    for (size_t i = 0; i < n && rows; i++) free(rows[i].json);
    free(rows);
}

int sq_load_token_secret(struct sq_store *s, struct cx_err *err)
{
    char *hex = NULL;
    int rc = s->base.vt->meta_get(&s->base, "token_secret", &hex, err);
    if (rc == CX_ENOTFOUND) {
        unsigned char key[32];
        char buf[65];
        randombytes_buf(key, sizeof key);
        sodium_bin2hex(buf, sizeof buf, key, sizeof key);
        rc = s->base.vt->meta_set(&s->base, "token_secret", buf, err);
        if (rc) return rc;
        memcpy(s->base.token_secret, key, sizeof key);
        sodium_memzero(key, sizeof key);
        return CX_OK;
    }
    if (rc) return rc;
    size_t n = 0;
    rc = sodium_hex2bin(s->base.token_secret, 32, hex, strlen(hex), NULL, &n, NULL) || n != 32
             ? cx_fail(err, CX_ESTORE, "the stored token secret is damaged")
             : CX_OK;
    free(hex);
    return rc;
}

int sq_survey_put(struct cx_store *b, const char *id, const char *json, int create_only,
                  struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    const char *sql = create_only ? "INSERT INTO surveys(id,definition,created) VALUES(?1,?2,?3)"
                                  : "INSERT INTO surveys(id,definition,created) VALUES(?1,?2,?3)"
                                    " ON CONFLICT(id) DO UPDATE SET definition=excluded.definition";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) return sq_db_fail(s, err, "survey");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, json, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (int64_t)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc == SQLITE_CONSTRAINT)
        return cx_fail(err, CX_EEXIST, "a survey with id '%s' already exists", id);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "survey");
}

static void read_survey(sqlite3_stmt *st, struct cx_survey_row *r)
{
    memset(r, 0, sizeof *r);
    snprintf(r->id, sizeof r->id, "%s", (const char *)sqlite3_column_text(st, 0));
    r->json = strdup((const char *)sqlite3_column_text(st, 1));
    r->created = sqlite3_column_int64(st, 2);
    r->archived = sqlite3_column_int(st, 3);
}

int sq_survey_get(struct cx_store *b, const char *id, struct cx_survey_row *out, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT id,definition,created,archived FROM surveys WHERE id=?1",
                           -1, &st, NULL))
        return sq_db_fail(s, err, "survey");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) read_survey(st, out);
    sqlite3_finalize(st);
    if (rc == SQLITE_DONE) return cx_fail(err, CX_ENOTFOUND, "no survey '%s'", id);
    if (rc != SQLITE_ROW) return sq_db_fail(s, err, "survey");
    return out->json ? CX_OK : cx_fail(err, CX_ENOMEM, "out of memory");
}

int sq_survey_list(struct cx_store *b, struct cx_survey_row **rows, size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    *rows = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT id,definition,created,archived FROM surveys ORDER BY id",
                           -1, &st, NULL))
        return sq_db_fail(s, err, "survey");
    size_t cap = 0;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct cx_survey_row *nr = realloc(*rows, cap * sizeof *nr);
            if (!nr) {
                sqlite3_finalize(st);
                return cx_fail(err, CX_ENOMEM, "out of memory");
            }
            *rows = nr;
        }
        read_survey(st, &(*rows)[(*n)++]);
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "survey");
}

int sq_survey_archive(struct cx_store *b, const char *id, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE surveys SET archived=1 WHERE id=?1", -1, &st, NULL))
        return sq_db_fail(s, err, "survey");
    sqlite3_bind_text(st, 1, id, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "survey");
    return sqlite3_changes(s->db) ? CX_OK : cx_fail(err, CX_ENOTFOUND, "no survey '%s'", id);
}

int sq_invitation_create(struct cx_store *b, struct cx_invitation *inv, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO invitations(survey,customer,channel,lang,context,created,"
                           "expires,delivered) VALUES(?1,?2,?3,?4,?5,?6,?7,?8)",
                           -1, &st, NULL))
        return sq_db_fail(s, err, "invitation");
    sqlite3_bind_text(st, 1, inv->survey, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, inv->customer, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, inv->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, inv->lang, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 5, inv->context ? (const void *)inv->context : "", (int)inv->context_len,
                      SQLITE_STATIC);
    sqlite3_bind_int64(st, 6, inv->created);
    sqlite3_bind_int64(st, 7, inv->expires);
    sqlite3_bind_int64(st, 8, inv->delivered);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "invitation");
    inv->id = sqlite3_last_insert_rowid(s->db);
    return CX_OK;
}

#define INV_COLS                                                                                   \
    "id,survey,customer,channel,lang,context,created,expires,delivered,opened,answered,"           \
    "completed,answers"

/* Reads an invitation row; context is copied (caller frees). */
static int read_inv(sqlite3_stmt *st, struct cx_invitation *v)
{
    memset(v, 0, sizeof *v);
    v->id = sqlite3_column_int64(st, 0);
    snprintf(v->survey, sizeof v->survey, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(v->customer, sizeof v->customer, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(v->channel, sizeof v->channel, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(v->lang, sizeof v->lang, "%s", (const char *)sqlite3_column_text(st, 4));
    int n = sqlite3_column_bytes(st, 5);
    v->context = malloc((size_t)n + 1);
    if (!v->context) return CX_ENOMEM;
    if (n) memcpy(v->context, sqlite3_column_blob(st, 5), (size_t)n);
    v->context_len = (size_t)n;
    v->created = sqlite3_column_int64(st, 6);
    v->expires = sqlite3_column_int64(st, 7);
    v->delivered = sqlite3_column_int64(st, 8);
    v->opened = sqlite3_column_int64(st, 9);
    v->answered = sqlite3_column_int64(st, 10);
    v->completed = sqlite3_column_int64(st, 11);
    v->answers = sqlite3_column_int(st, 12);
    return CX_OK;
}

int sq_invitation_get(struct cx_store *b, int64_t id, struct cx_invitation *out, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT " INV_COLS " FROM invitations WHERE id=?1", -1, &st,
                           NULL))
        return sq_db_fail(s, err, "invitation");
    sqlite3_bind_int64(st, 1, id);
    int rc = sqlite3_step(st), ret;
    if (rc == SQLITE_ROW)
        ret = read_inv(st, out);
    else if (rc == SQLITE_DONE)
        ret = cx_fail(err, CX_ENOTFOUND, "no invitation %lld", (long long)id);
    else
        ret = sq_db_fail(s, err, "invitation");
    sqlite3_finalize(st);
    return ret;
}

int sq_invitation_mark(struct cx_store *b, int64_t id, enum cx_inv_mark what, int64_t when,
                       struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    static const char *const sql[] = {
        "UPDATE invitations SET delivered=?2 WHERE id=?1 AND delivered=0",
        "UPDATE invitations SET opened=?2 WHERE id=?1 AND opened=0",
        ("UPDATE invitations SET answered=CASE WHEN answered=0 THEN ?2 ELSE answered END,"
         " answers=answers+1 WHERE id=?1"),
        "UPDATE invitations SET completed=?2 WHERE id=?1 AND completed=0",
    };
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql[what], -1, &st, NULL))
        return sq_db_fail(s, err, "invitation");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, when);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "invitation");
}

int sq_scan_invitations(struct cx_store *b, const struct cx_scan_filter *f, cx_invitation_cb cb,
                        void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    char sql[256] = "SELECT " INV_COLS " FROM invitations WHERE 1";
    if (f->has_from) strcat(sql, " AND created >= ?1");
    if (f->has_to) strcat(sql, " AND created < ?2");
    if (f->customer) strcat(sql, " AND customer = ?3");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL)) return sq_db_fail(s, err, "invitations");
    /* instants: created is whole seconds, so round the bounds up */
    if (f->has_from) sqlite3_bind_int64(st, 1, f->from.sec + (f->from.nsec > 0));
    if (f->has_to) sqlite3_bind_int64(st, 2, f->to.sec + (f->to.nsec > 0));
    if (f->customer) sqlite3_bind_text(st, 3, f->customer, -1, SQLITE_STATIC);
    int rc, ret = CX_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_invitation v;
        if (read_inv(st, &v)) {
            ret = cx_fail(err, CX_ENOMEM, "out of memory");
            break;
        }
        ret = cb(ctx, &v);
        free(v.context);
        if (ret) break;
    }
    if (!ret && rc != SQLITE_DONE) ret = sq_db_fail(s, err, "invitations");
    sqlite3_finalize(st);
    return ret;
}

int sq_erase_invitations(struct sq_store *s, const char *customer, uint64_t *n, struct cx_err *err)
{
    sqlite3_stmt *st;
    *n = 0;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM invitations WHERE customer=?1", -1, &st, NULL))
        return CX_OK; /* schema before version 3 (tests of old versions): nothing to erase */
    sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "erase invitations");
    *n = (uint64_t)sqlite3_changes(s->db);
    return CX_OK;
}
