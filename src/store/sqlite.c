/* sqlite.c - the embedded SQLite backend of store.h (WAL mode). */
#include <errno.h>
#include <sodium.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "core/attrs.h"
#include "core/hmap.h"
#include "store/sqlite_int.h"
#include "store/store.h"
#include "util/tz.h"

const int cx_cuboid_dims[CX_NCUBOIDS] = {
    0, CX_DIM_CHANNEL, CX_DIM_TOUCHPOINT, CX_DIM_LANG, CX_DIM_CHANNEL | CX_DIM_TOUCHPOINT,
};

struct delta {
    int64_t c[CX_MAXBINS];
};

static const char *const stmt_sql[ST_COUNT] = {
    "INSERT INTO responses(id,customer,t,tns,scale,score,channel,touchpoint,lang,comment,attrs)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11) ON CONFLICT(id) DO NOTHING",
    "SELECT customer,t,tns,scale,score,channel,touchpoint,lang,comment,attrs FROM responses"
    " WHERE id=?1",
    "UPDATE responses SET customer=?2,t=?3,tns=?4,scale=?5,score=?6,channel=?7,touchpoint=?8,"
    "lang=?9,comment=?10,attrs=?11 WHERE id=?1",
    "INSERT INTO events(id,customer,t,tns,type,channel,ref,agent,text,wait,duration,value,attrs)"
    " VALUES(?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13) ON CONFLICT(id) DO NOTHING",
    "SELECT id,customer,t,tns,type,channel,ref,agent,text,wait,duration,value,attrs FROM events"
    " WHERE id=?1",
    "UPDATE events SET customer=?2,t=?3,tns=?4,type=?5,channel=?6,ref=?7,agent=?8,text=?9,"
    "wait=?10,duration=?11,value=?12,attrs=?13 WHERE id=?1",
    "SELECT cells FROM rollup WHERE cuboid=?1 AND day=?2",
    "INSERT OR REPLACE INTO rollup(cuboid,day,cells) VALUES(?1,?2,?3)",
    "DELETE FROM rollup WHERE cuboid=?1 AND day=?2",
    "SELECT id,name,scope,prefix,created,revoked,hash FROM api_keys WHERE prefix=?1",
};

int sq_db_fail(struct sq_store *s, struct cx_err *err, const char *what)
{
    return cx_fail(err, CX_ESTORE, "%s: %s", what, sqlite3_errmsg(s->db));
}

int sq_exec(struct sq_store *s, const char *sql, struct cx_err *err)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        int rc = cx_fail(err, CX_ESTORE, "database: %s", msg ? msg : "error");
        sqlite3_free(msg);
        return rc;
    }
    return CX_OK;
}

/* ---- rollup deltas ---- */

/* Delta key: u8 cuboid, i64 day, then the cell key (u8 scale and three
 * NUL-terminated dimension values, "" for dimensions rolled up). */
static size_t pack_key(unsigned char *buf, int cuboid, int dims, int64_t day, int scale,
                       const char *ch, const char *tp, const char *lang)
{
    size_t o = 0;
    buf[o++] = (unsigned char)cuboid;
    memcpy(buf + o, &day, 8);
    o += 8;
    buf[o++] = (unsigned char)scale;
    const char *parts[3] = {dims & CX_DIM_CHANNEL ? ch : "", dims & CX_DIM_TOUCHPOINT ? tp : "",
                            dims & CX_DIM_LANG ? lang : ""};
    for (int i = 0; i < 3; i++) {
        size_t n = strlen(parts[i]);
        memcpy(buf + o, parts[i], n + 1);
        o += n + 1;
    }
    return o;
}

#define FULL_CUBOID 0xFF /* per-row deltas carry every dimension */
#define ALL_DIMS (CX_DIM_CHANNEL | CX_DIM_TOUCHPOINT | CX_DIM_LANG)

static struct delta *delta_at(struct cx_hmap *m, const unsigned char *key, size_t n)
{
    int created;
    void **slot = cx_hmap_put(m, key, n, &created);
    if (!slot) return NULL;
    if (created && !(*slot = calloc(1, sizeof(struct delta)))) return NULL;
    return *slot;
}

/* Records one score added (sign 1) or removed (-1). Only the finest cell is
 * touched per row; commit rolls the cells up into every dimension set. */
static int add_delta(struct sq_store *s, int64_t sec, int scale, int score, const char *ch,
                     const char *tp, const char *lang, int64_t sign)
{
    unsigned char key[1 + 8 + 1 + 3 * (CX_WORD_MAX + 1)];
    int64_t day = cx_tz_local_day(s->tz, sec);
    struct cx_scale sc = cx_scale_at(scale);
    size_t n = pack_key(key, FULL_CUBOID, ALL_DIMS, day, scale, ch, tp, lang ? lang : "");
    struct delta *d = delta_at(&s->deltas, key, n);
    if (!d) return CX_ENOMEM;
    d->c[score - sc.min] += sign;
    return CX_OK;
}

static void free_deltas(struct cx_hmap *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slots[i].val);
    cx_hmap_free(m);
}

static void drop_deltas(struct sq_store *s)
{
    free_deltas(&s->deltas);
    cx_hmap_init(&s->deltas);
}

/* Cell blobs: cells sorted by key, each
 *   u8 scale, channel NUL, touchpoint NUL, lang NUL, 11 varint counts.
 * A cell key is the bytes up to and including the third NUL. */
/* Decodes the next cell at *pos: key (pointer into blob) and counts.
 * Returns 1, 0 at the end, -1 if malformed. */
static int next_cell(const unsigned char *b, size_t len, size_t *pos, const unsigned char **key,
                     size_t *klen, uint64_t *c)
{
    if (*pos >= len) return 0;
    size_t start = *pos, p = start + 1;
    for (int z = 0; z < 3; z++) {
        const unsigned char *nul = p < len ? memchr(b + p, 0, len - p) : NULL;
        if (!nul) return -1;
        p = (size_t)(nul - b) + 1;
    }
    *key = b + start;
    *klen = p - start;
    *pos = p;
    for (int i = 0; i < CX_MAXBINS; i++)
        if (cx_varint_get(b, len, pos, &c[i])) return -1;
    return 1;
}

struct cellv {
    const unsigned char *key;
    size_t klen;
    int64_t c[CX_MAXBINS];
};

static int cmp_cellv(const void *x, const void *y)
{
    const struct cellv *a = x, *b = y;
    size_t n = a->klen < b->klen ? a->klen : b->klen;
    int r = memcmp(a->key, b->key, n);
    return r ? r : (a->klen > b->klen) - (a->klen < b->klen);
}

/* Merges the deltas of one (cuboid, day) into its stored blob. */
static int merge_day(struct sq_store *s, int cuboid, int64_t day, struct cx_hmap_entry **ds,
                     size_t nds, struct cx_err *err)
{
    sqlite3_stmt *get = s->st[ST_ROLLUP_GET];
    sqlite3_bind_int(get, 1, cuboid);
    sqlite3_bind_int64(get, 2, day);
    int rc = sqlite3_step(get);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        sqlite3_reset(get);
        return sq_db_fail(s, err, "rollup read");
    }
    const unsigned char *old = rc == SQLITE_ROW ? sqlite3_column_blob(get, 0) : NULL;
    size_t olen = rc == SQLITE_ROW ? (size_t)sqlite3_column_bytes(get, 0) : 0;
    unsigned char *copy = malloc(olen + 1);
    if (!copy) {
        sqlite3_reset(get);
        return cx_fail(err, CX_ENOMEM, "out of memory");
    }
    if (olen) memcpy(copy, old, olen);
    sqlite3_reset(get);
    struct cx_hmap cells;
    cx_hmap_init(&cells);
    struct cellv *vals = NULL;
    size_t nv = 0, cap = 0;
    int ret = CX_OK;
    size_t pos = 0;
    const unsigned char *key;
    size_t klen;
    uint64_t c[CX_MAXBINS];
    int r;
    /* stored cells, then deltas; the map holds 1 + the index into vals */
    while ((r = next_cell(copy, olen, &pos, &key, &klen, c)) == 1) {
        if (nv == cap) {
            cap = cap ? cap * 2 : 64;
            struct cellv *nvp = realloc(vals, cap * sizeof *vals);
            if (!nvp) {
                ret = cx_fail(err, CX_ENOMEM, "out of memory");
                goto out;
            }
            vals = nvp;
        }
        vals[nv].key = key;
        vals[nv].klen = klen;
        for (int b = 0; b < CX_MAXBINS; b++) vals[nv].c[b] = (int64_t)c[b];
        void **slot = cx_hmap_put(&cells, key, klen, NULL);
        if (!slot) {
            ret = cx_fail(err, CX_ENOMEM, "out of memory");
            goto out;
        }
        *slot = (void *)(uintptr_t)(++nv);
    }
    if (r < 0) {
        ret = cx_fail(err, CX_ESTORE, "rollup blob is corrupt (cuboid %d day %lld)", cuboid,
                      (long long)day);
        goto out;
    }
    for (size_t i = 0; i < nds; i++) {
        const unsigned char *k = (const unsigned char *)ds[i]->key + 9;
        size_t kl = ds[i]->klen - 9;
        struct delta *d = ds[i]->val;
        int created;
        void **slot = cx_hmap_put(&cells, k, kl, &created);
        if (!slot) {
            ret = cx_fail(err, CX_ENOMEM, "out of memory");
            goto out;
        }
        if (created) {
            if (nv == cap) {
                cap = cap ? cap * 2 : 64;
                struct cellv *nvp = realloc(vals, cap * sizeof *vals);
                if (!nvp) {
                    ret = cx_fail(err, CX_ENOMEM, "out of memory");
                    goto out;
                }
                vals = nvp;
            }
            memset(&vals[nv], 0, sizeof vals[nv]);
            vals[nv].key = k;
            vals[nv].klen = kl;
            *slot = (void *)(uintptr_t)(++nv);
        }
        struct cellv *cv = &vals[(uintptr_t)*slot - 1];
        for (int b = 0; b < CX_MAXBINS; b++) cv->c[b] += d->c[b];
    }
    if (nv > 1) qsort(vals, nv, sizeof *vals, cmp_cellv);
    size_t size = 0;
    for (size_t i = 0; i < nv; i++) size += vals[i].klen + CX_MAXBINS * 10;
    unsigned char *blob = malloc(size + 1);
    if (!blob) {
        ret = cx_fail(err, CX_ENOMEM, "out of memory");
        goto out;
    }
    size_t o = 0;
    for (size_t i = 0; i < nv; i++) {
        int nz = 0;
        for (int b = 0; b < CX_MAXBINS; b++) {
            if (vals[i].c[b] < 0) vals[i].c[b] = 0; /* cannot happen unless corrupt */
            nz |= vals[i].c[b] != 0;
        }
        if (!nz) continue; /* empty cells leave no trace */
        memcpy(blob + o, vals[i].key, vals[i].klen);
        o += vals[i].klen;
        for (int b = 0; b < CX_MAXBINS; b++) o += cx_varint_put(blob + o, (uint64_t)vals[i].c[b]);
    }
    sqlite3_stmt *st = o ? s->st[ST_ROLLUP_PUT] : s->st[ST_ROLLUP_DEL];
    sqlite3_bind_int(st, 1, cuboid);
    sqlite3_bind_int64(st, 2, day);
    if (o) sqlite3_bind_blob(st, 3, blob, (int)o, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    free(blob);
    if (rc != SQLITE_DONE) ret = sq_db_fail(s, err, "rollup write");
out:
    free(vals);
    cx_hmap_free(&cells);
    free(copy);
    return ret;
}

static int cmp_entry(const void *x, const void *y)
{
    const struct cx_hmap_entry *a = *(struct cx_hmap_entry *const *)x;
    const struct cx_hmap_entry *b = *(struct cx_hmap_entry *const *)y;
    return memcmp(a->key, b->key, 9); /* cuboid, day */
}

static int flush_deltas(struct sq_store *s, struct cx_err *err)
{
    if (!s->st[ST_ROLLUP_GET] || s->deltas.len == 0) { /* old schema in tests, or nothing */
        drop_deltas(s);
        return CX_OK;
    }
    /* roll the finest cells up into every dimension set */
    struct cx_hmap cub;
    cx_hmap_init(&cub);
    for (size_t i = 0; i < s->deltas.cap; i++) {
        struct cx_hmap_entry *e = &s->deltas.slots[i];
        if (!e->key) continue;
        const unsigned char *k = (const unsigned char *)e->key;
        int64_t day;
        memcpy(&day, k + 1, 8);
        const char *ch = (const char *)k + 10;
        const char *tp = ch + strlen(ch) + 1;
        const char *lang = tp + strlen(tp) + 1;
        const struct delta *src = e->val;
        for (int c = 0; c < CX_NCUBOIDS; c++) {
            unsigned char key[1 + 8 + 1 + 3 * (CX_WORD_MAX + 1)];
            size_t n = pack_key(key, c, cx_cuboid_dims[c], day, k[9], ch, tp, lang);
            struct delta *d = delta_at(&cub, key, n);
            if (!d) {
                free_deltas(&cub);
                return cx_fail(err, CX_ENOMEM, "out of memory");
            }
            for (int b = 0; b < CX_MAXBINS; b++) d->c[b] += src->c[b];
        }
    }
    struct cx_hmap_entry **es = malloc((cub.len + 1) * sizeof *es);
    if (!es) {
        free_deltas(&cub);
        return cx_fail(err, CX_ENOMEM, "out of memory");
    }
    size_t n = 0;
    for (size_t i = 0; i < cub.cap; i++)
        if (cub.slots[i].key) es[n++] = &cub.slots[i];
    qsort(es, n, sizeof *es, cmp_entry);
    int rc = CX_OK;
    for (size_t i = 0; i < n && !rc;) {
        size_t j = i + 1;
        while (j < n && cmp_entry(&es[i], &es[j]) == 0) j++;
        const unsigned char *k = (const unsigned char *)es[i]->key;
        int64_t day;
        memcpy(&day, k + 1, 8);
        rc = merge_day(s, k[0], day, es + i, j - i, err);
        i = j;
    }
    free(es);
    free_deltas(&cub);
    drop_deltas(s);
    return rc;
}

/* ---- transactions ---- */

static int sq_begin(struct cx_store *b, struct cx_err *err)
{
    b->tx_seq++;
    struct sq_store *s = (struct sq_store *)b;
    int rc = sq_exec(s, "BEGIN IMMEDIATE", err);
    if (!rc) s->in_tx = 1;
    return rc;
}

static int sq_commit(struct cx_store *b, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    int rc = flush_deltas(s, err);
    if (rc) return rc;
    rc = sq_exec(s, "COMMIT", err);
    if (!rc) s->in_tx = 0;
    return rc;
}

static void sq_rollback(struct cx_store *b)
{
    struct sq_store *s = (struct sq_store *)b;
    drop_deltas(s);
    if (s->in_tx) sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    s->in_tx = 0;
}

/* ---- responses ---- */

static void bind_text_or_null(sqlite3_stmt *st, int i, const char *v)
{
    if (v)
        sqlite3_bind_text(st, i, v, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

static void bind_response(sqlite3_stmt *st, const struct cx_response *r)
{
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, r->customer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, r->t.sec);
    sqlite3_bind_int(st, 4, r->t.nsec);
    sqlite3_bind_int(st, 5, r->scale_idx);
    sqlite3_bind_int(st, 6, r->score);
    sqlite3_bind_text(st, 7, r->channel, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, r->touchpoint, -1, SQLITE_STATIC);
    bind_text_or_null(st, 9, r->lang);
    bind_text_or_null(st, 10, r->comment);
    sqlite3_bind_blob(st, 11, r->attrs ? (const void *)r->attrs : "", (int)r->attrs_len,
                      SQLITE_STATIC);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    if (sqlite3_column_type(st, i) == SQLITE_NULL) return NULL;
    const char *t = (const char *)sqlite3_column_text(st, i);
    return strdup(t ? t : "");
}

static unsigned char *col_blob(sqlite3_stmt *st, int i, size_t *len)
{
    int n = sqlite3_column_bytes(st, i);
    const void *p = sqlite3_column_blob(st, i);
    unsigned char *b = malloc((size_t)n + 1);
    if (b && n) memcpy(b, p, (size_t)n);
    *len = (size_t)n;
    return b;
}

static int sq_put_response(struct cx_store *b, const struct cx_response *r, enum cx_put *res,
                           struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st = s->st[ST_INS_RESP];
    bind_response(st, r);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "insert response");
    if (sqlite3_changes(s->db) == 1) {
        *res = CX_PUT_INSERTED;
        if (add_delta(s, r->t.sec, r->scale_idx, r->score, r->channel, r->touchpoint, r->lang, 1))
            return cx_fail(err, CX_ENOMEM, "out of memory");
        return CX_OK;
    }
    /* The id exists: compare with the stored row. */
    st = s->st[ST_GET_RESP];
    sqlite3_bind_text(st, 1, r->id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return sq_db_fail(s, err, "read response");
    }
    struct cx_response old = {0};
    old.id = strdup(r->id);
    old.customer = col_dup(st, 0);
    old.t.sec = sqlite3_column_int64(st, 1);
    old.t.nsec = sqlite3_column_int(st, 2);
    old.scale_idx = sqlite3_column_int(st, 3);
    old.kind = cx_scale_kind(old.scale_idx);
    old.scale = cx_scale_at(old.scale_idx);
    old.score = sqlite3_column_int(st, 4);
    old.channel = col_dup(st, 5);
    old.touchpoint = col_dup(st, 6);
    old.lang = col_dup(st, 7);
    old.comment = col_dup(st, 8);
    old.attrs = col_blob(st, 9, &old.attrs_len);
    sqlite3_reset(st);
    int ret = CX_OK;
    if (!old.id || !old.customer || !old.channel || !old.touchpoint || !old.attrs) {
        ret = cx_fail(err, CX_ENOMEM, "out of memory");
    } else if (cx_response_equal(&old, r)) {
        *res = CX_PUT_UNCHANGED;
    } else if (b->create_only) {
        ret = cx_fail(err, CX_EEXIST, "response '%s' exists with different content", r->id);
    } else {
        st = s->st[ST_UPD_RESP];
        bind_response(st, r);
        rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            ret = sq_db_fail(s, err, "update response");
        } else if (add_delta(s, old.t.sec, old.scale_idx, old.score, old.channel, old.touchpoint,
                             old.lang, -1) ||
                   add_delta(s, r->t.sec, r->scale_idx, r->score, r->channel, r->touchpoint,
                             r->lang, 1)) {
            ret = cx_fail(err, CX_ENOMEM, "out of memory");
        } else {
            *res = CX_PUT_UPDATED;
        }
    }
    cx_response_clear(&old);
    return ret;
}

/* ---- events ---- */

static void bind_opt_int(sqlite3_stmt *st, int i, int has, int64_t v)
{
    if (has)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static void bind_event(sqlite3_stmt *st, const struct cx_event *e)
{
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, e->customer, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, e->t.sec);
    sqlite3_bind_int(st, 4, e->t.nsec);
    sqlite3_bind_text(st, 5, e->type, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, e->channel, -1, SQLITE_STATIC);
    bind_text_or_null(st, 7, e->ref);
    bind_text_or_null(st, 8, e->agent);
    bind_text_or_null(st, 9, e->text);
    bind_opt_int(st, 10, e->has_wait, e->wait_ns);
    bind_opt_int(st, 11, e->has_duration, e->duration_ns);
    bind_opt_int(st, 12, e->has_value, e->value_ns);
    sqlite3_bind_blob(st, 13, e->attrs ? (const void *)e->attrs : "", (int)e->attrs_len,
                      SQLITE_STATIC);
}

/* Reads an event row (columns in the order of ST_GET_EV) with pointers into
 * the statement (valid until the next step). */
static void read_event(sqlite3_stmt *st, struct cx_event *e)
{
    memset(e, 0, sizeof *e);
    e->id = (char *)sqlite3_column_text(st, 0);
    e->customer = (char *)sqlite3_column_text(st, 1);
    e->t.sec = sqlite3_column_int64(st, 2);
    e->t.nsec = sqlite3_column_int(st, 3);
    e->type = (char *)sqlite3_column_text(st, 4);
    e->channel = (char *)sqlite3_column_text(st, 5);
    e->ref = (char *)sqlite3_column_text(st, 6);
    e->agent = (char *)sqlite3_column_text(st, 7);
    e->text = (char *)sqlite3_column_text(st, 8);
    if ((e->has_wait = sqlite3_column_type(st, 9) != SQLITE_NULL))
        e->wait_ns = sqlite3_column_int64(st, 9);
    if ((e->has_duration = sqlite3_column_type(st, 10) != SQLITE_NULL))
        e->duration_ns = sqlite3_column_int64(st, 10);
    if ((e->has_value = sqlite3_column_type(st, 11) != SQLITE_NULL))
        e->value_ns = sqlite3_column_int64(st, 11);
    e->attrs = (unsigned char *)sqlite3_column_blob(st, 12);
    e->attrs_len = (size_t)sqlite3_column_bytes(st, 12);
}

static int sq_put_event(struct cx_store *b, const struct cx_event *e, enum cx_put *res,
                        struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st = s->st[ST_INS_EV];
    bind_event(st, e);
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "insert event");
    if (sqlite3_changes(s->db) == 1) {
        *res = CX_PUT_INSERTED;
        return CX_OK;
    }
    st = s->st[ST_GET_EV];
    sqlite3_bind_text(st, 1, e->id, -1, SQLITE_STATIC);
    if (sqlite3_step(st) != SQLITE_ROW) {
        sqlite3_reset(st);
        return sq_db_fail(s, err, "read event");
    }
    struct cx_event old;
    read_event(st, &old);
    if (!old.attrs) old.attrs = (unsigned char *)"";
    int same = cx_event_equal(&old, e);
    sqlite3_reset(st);
    if (same) {
        *res = CX_PUT_UNCHANGED;
        return CX_OK;
    }
    if (b->create_only)
        return cx_fail(err, CX_EEXIST, "event '%s' exists with different content", e->id);
    st = s->st[ST_UPD_EV];
    bind_event(st, e);
    rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "update event");
    *res = CX_PUT_UPDATED;
    return CX_OK;
}

/* ---- scans ---- */

struct sqlbuf {
    char s[1024];
    size_t n;
};

static void sb_add(struct sqlbuf *b, const char *t)
{
    size_t l = strlen(t);
    if (b->n + l < sizeof b->s) {
        memcpy(b->s + b->n, t, l + 1);
        b->n += l;
    }
}

/* Appends WHERE clauses for f; binds are numbered in order by bind_filter. */
static void where_clause(struct sqlbuf *b, const struct cx_scan_filter *f, int events)
{
    sb_add(b, " WHERE 1");
    if (f->has_from) sb_add(b, " AND t >= ?");
    if (f->has_to) sb_add(b, " AND t <= ?");
    if (f->customer) sb_add(b, " AND customer = ?");
    if (f->channel) sb_add(b, " AND channel = ?");
    if (!events && f->touchpoint) sb_add(b, " AND touchpoint = ?");
    if (!events && f->lang) sb_add(b, f->lang[0] ? " AND lang = ?" : " AND lang IS NULL");
    if (events && f->types && f->types[0]) {
        sb_add(b, " AND type IN (");
        for (size_t i = 0; f->types[i]; i++) sb_add(b, i ? ",?" : "?");
        sb_add(b, ")");
    }
}

static void bind_filter(sqlite3_stmt *st, const struct cx_scan_filter *f, int events)
{
    int i = 1;
    if (f->has_from) sqlite3_bind_int64(st, i++, f->from.sec);
    if (f->has_to) sqlite3_bind_int64(st, i++, f->to.sec);
    if (f->customer) sqlite3_bind_text(st, i++, f->customer, -1, SQLITE_STATIC);
    if (f->channel) sqlite3_bind_text(st, i++, f->channel, -1, SQLITE_STATIC);
    if (!events && f->touchpoint) sqlite3_bind_text(st, i++, f->touchpoint, -1, SQLITE_STATIC);
    if (!events && f->lang && f->lang[0]) sqlite3_bind_text(st, i++, f->lang, -1, SQLITE_STATIC);
    if (events && f->types)
        for (size_t k = 0; f->types[k]; k++)
            sqlite3_bind_text(st, i++, f->types[k], -1, SQLITE_STATIC);
}

static int in_range(const struct cx_scan_filter *f, struct cx_time t)
{
    if (f->has_from && cx_time_cmp(t, f->from) < 0) return 0;
    if (f->has_to && cx_time_cmp(t, f->to) >= 0) return 0;
    return 1;
}

/* The statement of a scan: select, the filter's WHERE clause (a customer's
 * rows in time order), bound. NULL on failure. */
static sqlite3_stmt *prepare_scan(struct sq_store *s, const char *select,
                                  const struct cx_scan_filter *f, int events)
{
    struct sqlbuf q = {{0}, 0};
    sb_add(&q, select);
    where_clause(&q, f, events);
    if (f->customer) sb_add(&q, " ORDER BY t, tns, id");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, q.s, -1, &st, NULL) != SQLITE_OK) return NULL;
    bind_filter(st, f, events);
    return st;
}

static int sq_scan_responses(struct cx_store *b, const struct cx_scan_filter *f, cx_resp_cb cb,
                             void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st = prepare_scan(s,
                                    f->with_text ? "SELECT id,customer,t,tns,scale,score,channel,"
                                                   "touchpoint,lang,attrs,comment FROM responses"
                                                 : "SELECT id,customer,t,tns,scale,score,channel,"
                                                   "touchpoint,lang,attrs FROM responses",
                                    f, 0);
    if (!st) return sq_db_fail(s, err, "scan responses");
    int rc, ret = CX_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_resp_row r;
        r.t.sec = sqlite3_column_int64(st, 2);
        r.t.nsec = sqlite3_column_int(st, 3);
        if (!in_range(f, r.t)) continue;
        r.id = (const char *)sqlite3_column_text(st, 0);
        r.customer = (const char *)sqlite3_column_text(st, 1);
        r.scale_idx = sqlite3_column_int(st, 4);
        r.score = sqlite3_column_int(st, 5);
        r.channel = (const char *)sqlite3_column_text(st, 6);
        r.touchpoint = (const char *)sqlite3_column_text(st, 7);
        r.lang = (const char *)sqlite3_column_text(st, 8);
        if (!r.lang) r.lang = "";
        r.attrs = sqlite3_column_blob(st, 9);
        r.attrs_len = (size_t)sqlite3_column_bytes(st, 9);
        r.comment = f->with_text ? (const char *)sqlite3_column_text(st, 10) : NULL;
        if ((ret = cb(ctx, &r))) break;
    }
    if (!ret && rc != SQLITE_DONE) ret = sq_db_fail(s, err, "scan responses");
    sqlite3_finalize(st);
    return ret;
}

static int sq_scan_events(struct cx_store *b, const struct cx_scan_filter *f, cx_event_cb cb,
                          void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st =
        prepare_scan(s,
                     f->with_text ? "SELECT id,customer,t,tns,type,channel,ref,agent,"
                                    "text,wait,duration,value,attrs FROM events"
                                  : "SELECT id,customer,t,tns,type,channel,ref,agent,"
                                    "NULL,wait,duration,value,attrs FROM events",
                     f, 1);
    if (!st) return sq_db_fail(s, err, "scan events");
    int rc, ret = CX_OK;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_event e;
        read_event(st, &e);
        if (!in_range(f, e.t)) continue;
        if ((ret = cb(ctx, &e))) break;
    }
    if (!ret && rc != SQLITE_DONE) ret = sq_db_fail(s, err, "scan events");
    sqlite3_finalize(st);
    return ret;
}

static int sq_scan_rollup(struct cx_store *b, int cuboid, int64_t day_from, int64_t day_to,
                          cx_rollup_cb cb, void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT day,cells FROM rollup WHERE cuboid=?1 AND day>=?2 AND day<?3",
                           -1, &st, NULL) != SQLITE_OK)
        return sq_db_fail(s, err, "scan rollup");
    sqlite3_bind_int(st, 1, cuboid);
    sqlite3_bind_int64(st, 2, day_from);
    sqlite3_bind_int64(st, 3, day_to);
    int rc, ret = CX_OK;
    while (!ret && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct cx_rollup_row r;
        r.day = sqlite3_column_int64(st, 0);
        const unsigned char *blob = sqlite3_column_blob(st, 1);
        size_t len = (size_t)sqlite3_column_bytes(st, 1), pos = 0, klen;
        const unsigned char *key;
        int k;
        while ((k = next_cell(blob, len, &pos, &key, &klen, r.c)) == 1) {
            r.scale_idx = key[0];
            r.channel = (const char *)key + 1;
            r.touchpoint = r.channel + strlen(r.channel) + 1;
            r.lang = r.touchpoint + strlen(r.touchpoint) + 1;
            if ((ret = cb(ctx, &r))) break;
        }
        if (k < 0) ret = cx_fail(err, CX_ESTORE, "rollup blob is corrupt");
    }
    if (!ret && rc != SQLITE_DONE) ret = sq_db_fail(s, err, "scan rollup");
    sqlite3_finalize(st);
    return ret;
}

/* ---- erase ---- */

static int erase_delta_cb(void *ctx, const struct cx_resp_row *r)
{
    struct sq_store *s = ctx;
    return add_delta(s, r->t.sec, r->scale_idx, r->score, r->channel, r->touchpoint,
                     r->lang[0] ? r->lang : NULL, -1);
}

static int sq_erase_customer(struct cx_store *b, const char *customer, uint64_t *nresp,
                             uint64_t *nevents, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    int rc = sq_begin(b, err);
    if (rc) return rc;
    struct cx_scan_filter f = {0};
    f.customer = customer;
    rc = sq_scan_responses(b, &f, erase_delta_cb, s, err);
    if (rc) goto fail;
    const char *sql[2] = {"DELETE FROM responses WHERE customer=?1",
                          "DELETE FROM events WHERE customer=?1"};
    uint64_t *counts[2] = {nresp, nevents};
    for (int i = 0; i < 2; i++) {
        sqlite3_stmt *st;
        if (sqlite3_prepare_v2(s->db, sql[i], -1, &st, NULL) != SQLITE_OK) {
            rc = sq_db_fail(s, err, "erase");
            goto fail;
        }
        sqlite3_bind_text(st, 1, customer, -1, SQLITE_STATIC);
        int r = sqlite3_step(st);
        sqlite3_finalize(st);
        if (r != SQLITE_DONE) {
            rc = sq_db_fail(s, err, "erase");
            goto fail;
        }
        *counts[i] = (uint64_t)sqlite3_changes(s->db);
    }
    uint64_t ninv = 0;
    /* delivery rows reference invitations: erase them first */
    rc = sq_erase_delivery(s, customer, err);
    if (!rc) rc = sq_erase_invitations(s, customer, &ninv, err);
    if (rc) goto fail;
    /* commit merges the deltas; cells that become empty are dropped, so no
     * trace of rare values stays */
    rc = sq_commit(b, err);
    if (rc) goto fail;
    /* Secure delete zeroed the freed cells, but copies of keys can survive as
     * dividers in interior b-tree pages: rebuild the file, then copy every
     * page back from the WAL and truncate it so older page images go too. */
    if (*nresp + *nevents + ninv == 0) return CX_OK;
    rc = sq_exec(s, "VACUUM", err);
    if (!rc) rc = sq_exec(s, "PRAGMA wal_checkpoint(TRUNCATE)", err);
    return rc;
fail:
    sq_rollback(b);
    return rc;
}

/* ---- meta ---- */

static int sq_meta_get(struct cx_store *b, const char *key, char **val, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    *val = NULL;
    if (sqlite3_prepare_v2(s->db, "SELECT value FROM meta WHERE key=?1", -1, &st, NULL))
        return sq_db_fail(s, err, "meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) *val = col_dup(st, 0);
    sqlite3_finalize(st);
    if (rc == SQLITE_ROW) return *val ? CX_OK : CX_ENOMEM;
    return rc == SQLITE_DONE ? CX_ENOTFOUND : sq_db_fail(s, err, "meta");
}

static int sq_meta_set(struct cx_store *b, const char *key, const char *val, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO meta(key,value) VALUES(?1,?2)", -1, &st,
                           NULL))
        return sq_db_fail(s, err, "meta");
    sqlite3_bind_text(st, 1, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, val, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? CX_OK : sq_db_fail(s, err, "meta");
}

/* ---- API keys ---- */

/* A key reads "cxp_<prefix>_<secret>": prefix 12 hex digits (the lookup
 * handle), secret 32 random bytes in base64url. Only a BLAKE2b hash of
 * the whole key is stored. */
static int sq_key_create(struct cx_store *b, const char *name, const char *scope, char **secret,
                         struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    unsigned char pre[6], body[32], hash[32];
    char prefix[13], enc[64], key[96];
    randombytes_buf(pre, sizeof pre);
    randombytes_buf(body, sizeof body);
    sodium_bin2hex(prefix, sizeof prefix, pre, sizeof pre);
    sodium_bin2base64(enc, sizeof enc, body, sizeof body, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(key, sizeof key, "cxp_%s_%s", prefix, enc);
    crypto_generichash(hash, sizeof hash, (const unsigned char *)key, strlen(key), NULL, 0);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "INSERT INTO api_keys(name,scope,prefix,hash,created) VALUES(?1,?2,?3,"
                           "?4,?5)",
                           -1, &st, NULL))
        return sq_db_fail(s, err, "create key");
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 2, scope, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, prefix, -1, SQLITE_STATIC);
    sqlite3_bind_blob(st, 4, hash, sizeof hash, SQLITE_STATIC);
    sqlite3_bind_int64(st, 5, (int64_t)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    sodium_memzero(body, sizeof body);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "create key");
    *secret = strdup(key);
    sodium_memzero(key, sizeof key);
    return *secret ? CX_OK : CX_ENOMEM;
}

static void read_key(sqlite3_stmt *st, struct cx_api_key *k)
{
    memset(k, 0, sizeof *k);
    k->id = sqlite3_column_int64(st, 0);
    snprintf(k->name, sizeof k->name, "%s", (const char *)sqlite3_column_text(st, 1));
    snprintf(k->scope, sizeof k->scope, "%s", (const char *)sqlite3_column_text(st, 2));
    snprintf(k->prefix, sizeof k->prefix, "%s", (const char *)sqlite3_column_text(st, 3));
    k->created = sqlite3_column_int64(st, 4);
    k->revoked = sqlite3_column_int64(st, 5);
}

static int sq_key_list(struct cx_store *b, struct cx_api_key **keys, size_t *n, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    *keys = NULL;
    *n = 0;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT id,name,scope,prefix,created,revoked FROM api_keys ORDER BY id",
                           -1, &st, NULL))
        return sq_db_fail(s, err, "list keys");
    size_t cap = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*n == cap) {
            cap = cap ? cap * 2 : 8;
            struct cx_api_key *nk = realloc(*keys, cap * sizeof **keys);
            if (!nk) {
                sqlite3_finalize(st);
                return CX_ENOMEM;
            }
            *keys = nk;
        }
        read_key(st, &(*keys)[(*n)++]);
    }
    sqlite3_finalize(st);
    return CX_OK;
}

static int sq_key_revoke(struct cx_store *b, int64_t id, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "UPDATE api_keys SET revoked=?2 WHERE id=?1 AND revoked=0", -1,
                           &st, NULL))
        return sq_db_fail(s, err, "revoke key");
    sqlite3_bind_int64(st, 1, id);
    sqlite3_bind_int64(st, 2, (int64_t)time(NULL));
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) return sq_db_fail(s, err, "revoke key");
    return sqlite3_changes(s->db)
               ? CX_OK
               : cx_fail(err, CX_ENOTFOUND, "no active key with id %lld", (long long)id);
}

static int sq_key_check(struct cx_store *b, const char *secret, struct cx_api_key *out,
                        struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    if (strncmp(secret, "cxp_", 4) || strlen(secret) < 18 || secret[16] != '_' ||
        strlen(secret) > 90)
        return cx_fail(err, CX_EINVAL, "malformed API key");
    char prefix[13];
    memcpy(prefix, secret + 4, 12);
    prefix[12] = 0;
    /* checked on every API request: a statement prepared once */
    sqlite3_stmt *st = s->st[ST_KEY_CHECK];
    if (!st) return cx_fail(err, CX_ESTORE, "check key: store not fully opened");
    sqlite3_bind_text(st, 1, prefix, -1, SQLITE_STATIC);
    unsigned char hash[32];
    crypto_generichash(hash, sizeof hash, (const unsigned char *)secret, strlen(secret), NULL, 0);
    int ret = cx_fail(err, CX_ENOTFOUND, "unknown API key");
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_bytes(st, 6) == 32 &&
        sodium_memcmp(hash, sqlite3_column_blob(st, 6), 32) == 0) {
        read_key(st, out);
        ret = out->revoked ? cx_fail(err, CX_ENOTFOUND, "revoked API key") : CX_OK;
    }
    sqlite3_reset(st);
    return ret;
}

/* ---- bulk loading ---- */

static const char *const index_sql[2] = {
    "CREATE INDEX IF NOT EXISTS responses_customer ON responses(customer)",
    "CREATE INDEX IF NOT EXISTS events_customer ON events(customer)"};

/* 1 when the schema has follow-up tasks (version 5 on). */
static int has_tasks(struct sq_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM sqlite_master WHERE type='table' AND name='tasks'",
                           -1, &st, NULL))
        return 0;
    int yes = sqlite3_step(st) == SQLITE_ROW;
    sqlite3_finalize(st);
    return yes;
}

/* 1 when the follow-up task trigger is missing (a bulk load stopped). */
static int task_trigger_missing(struct sq_store *s)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db,
                           "SELECT 1 FROM sqlite_master WHERE type='trigger' AND "
                           "name='responses_task_ai'",
                           -1, &st, NULL))
        return 0;
    int missing = sqlite3_step(st) != SQLITE_ROW;
    sqlite3_finalize(st);
    return missing;
}

static int sq_bulk_begin(struct cx_store *b, int events, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    sqlite3_stmt *st;
    const char *probe = events ? "SELECT 1 FROM events LIMIT 1" : "SELECT 1 FROM responses LIMIT 1";
    if (sqlite3_prepare_v2(s->db, probe, -1, &st, NULL)) return sq_db_fail(s, err, "bulk load");
    int empty = sqlite3_step(st) == SQLITE_DONE;
    sqlite3_finalize(st);
    if (!empty) return CX_OK;
    if (events) return sq_exec(s, "DROP INDEX IF EXISTS events_customer", err);
    /* responses: the newest-first index and the follow-up task trigger are
     * also rebuilt in one pass at the end (a per-row trigger costs more than
     * the import itself) */
    int rc = sq_exec(s, "DROP INDEX IF EXISTS responses_customer", err);
    if (!rc && has_tasks(s)) {
        rc = sq_exec(s,
                     "DROP INDEX IF EXISTS responses_recent;"
                     "DROP TRIGGER IF EXISTS responses_task_ai;",
                     err);
        if (!rc) s->bulk_tasks = 1;
    }
    return rc;
}

/* After a bulk load of responses (or at open, when one did not finish):
 * the newest-first index, the task trigger and the tasks of the loaded low
 * scores. */
static int restore_tasks(struct sq_store *s, struct cx_err *err)
{
    int rc = sq_exec(s, "BEGIN", err);
    if (!rc)
        rc =
            sq_exec(s,
                    "CREATE INDEX IF NOT EXISTS responses_recent ON responses(-t);" SQ_TASK_BACKFILL
                        SQ_TASK_AI,
                    err);
    if (!rc) rc = sq_exec(s, "COMMIT", err);
    if (rc) sq_exec(s, "ROLLBACK", NULL);
    if (!rc) s->bulk_tasks = 0;
    return rc;
}

static int sq_bulk_end(struct cx_store *b, int events, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    int rc = sq_exec(s, index_sql[events ? 1 : 0], err);
    if (!rc && !events && s->bulk_tasks) rc = restore_tasks(s, err);
    return rc;
}

/* ---- open / close / migrations ---- */

static void sq_close(struct cx_store *b)
{
    struct sq_store *s = (struct sq_store *)b;
    if (!s) return;
    if (s->in_tx) sq_rollback(b);
    drop_deltas(s);
    for (int i = 0; i < ST_COUNT; i++) sqlite3_finalize(s->st[i]);
    for (int i = 0; i < LZ_COUNT; i++) sqlite3_finalize(s->lazy[i]);
    sqlite3_close(s->db);
    cx_tz_free(s->tz);
    free(s);
}

/* Puts that call the store's after_insert hook for new rows. */
static int put_response_hooked(struct cx_store *b, const struct cx_response *r, enum cx_put *res,
                               struct cx_err *err)
{
    int rc = sq_put_response(b, r, res, err);
    if (!rc && *res == CX_PUT_INSERTED && b->after_insert)
        rc = b->after_insert(b->after_insert_ctx, b, 0, r, err);
    return rc;
}

static int put_event_hooked(struct cx_store *b, const struct cx_event *e, enum cx_put *res,
                            struct cx_err *err)
{
    int rc = sq_put_event(b, e, res, err);
    if (!rc && *res == CX_PUT_INSERTED && b->after_insert)
        rc = b->after_insert(b->after_insert_ctx, b, 1, e, err);
    return rc;
}

static const struct cx_store_vt sqlite_vt = {
    .close = sq_close,
    .begin = sq_begin,
    .commit = sq_commit,
    .rollback = sq_rollback,
    .put_response = put_response_hooked,
    .put_event = put_event_hooked,
    .scan_responses = sq_scan_responses,
    .scan_events = sq_scan_events,
    .scan_rollup = sq_scan_rollup,
    .erase_customer = sq_erase_customer,
    .meta_get = sq_meta_get,
    .meta_set = sq_meta_set,
    .key_create = sq_key_create,
    .key_list = sq_key_list,
    .key_revoke = sq_key_revoke,
    .key_check = sq_key_check,
    .survey_put = sq_survey_put,
    .survey_get = sq_survey_get,
    .survey_list = sq_survey_list,
    .survey_archive = sq_survey_archive,
    .invitation_create = sq_invitation_create,
    .invitation_get = sq_invitation_get,
    .invitation_mark = sq_invitation_mark,
    .scan_invitations = sq_scan_invitations,
    .customer_find = sq_customer_find,
    .invitation_fail = sq_invitation_fail,
    .last_invited = sq_last_invited,
    .outbox_put = sq_outbox_put,
    .outbox_claim = sq_outbox_claim,
    .outbox_finish = sq_outbox_finish,
    .outbox_list = sq_outbox_list,
    .outbox_retry = sq_outbox_retry,
    .outbox_recover = sq_outbox_recover,
    .outbox_by_provider = sq_outbox_by_provider,
    .contact_put = sq_contact_put,
    .contact_get = sq_contact_get,
    .contact_find = sq_contact_find,
    .optout_set = sq_optout_set,
    .optout_check = sq_optout_check,
    .conv_get = sq_conv_get,
    .conv_put = sq_conv_put,
    .trigger_put = sq_trigger_put,
    .trigger_list = sq_trigger_list,
    .trigger_delete = sq_trigger_delete,
    .alert_put = sq_alert_put,
    .alert_list = sq_alert_list,
    .alert_delete = sq_alert_delete,
    .alert_secret = sq_alert_secret,
    .alert_fired = sq_alert_fired,
    .ticket_claim = sq_ticket_claim,
    .inbound_seen = sq_inbound_seen,
    .bulk_begin = sq_bulk_begin,
    .bulk_end = sq_bulk_end,
    .user_create = sq_user_create,
    .user_list = sq_user_list,
    .user_delete = sq_user_delete,
    .user_check = sq_user_check,
    .session_create = sq_session_create,
    .session_get = sq_session_get,
    .session_delete = sq_session_delete,
    .task_scan = sq_task_scan,
    .task_counts = sq_task_counts,
    .task_update = sq_task_update,
    .scan_responses_latest = sq_scan_responses_latest,
    .latest_day = sq_latest_day,
};

static int user_version(struct sq_store *s, int *v)
{
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA user_version", -1, &st, NULL)) return CX_ESTORE;
    *v = sqlite3_step(st) == SQLITE_ROW ? sqlite3_column_int(st, 0) : 0;
    sqlite3_finalize(st);
    return CX_OK;
}

static int backfill_cb(void *ctx, const struct cx_resp_row *r)
{
    struct sq_store *s = ctx;
    return add_delta(s, r->t.sec, r->scale_idx, r->score, r->channel, r->touchpoint,
                     r->lang[0] ? r->lang : NULL, 1);
}

static int migrate(struct sq_store *s, const struct cx_store_opts *o, struct cx_err *err)
{
    int v;
    if (user_version(s, &v)) return sq_db_fail(s, err, "read schema version");
    int target = o->max_version ? o->max_version : CX_SCHEMA_VERSION;
    if (v > CX_SCHEMA_VERSION)
        return cx_fail(err, CX_EVERSION,
                       "the data directory was written by a newer cxpulse (schema %d, this "
                       "version reads up to %d)",
                       v, CX_SCHEMA_VERSION);
    for (; v < target; v++) {
        int rc = sq_begin(&s->base, err);
        if (rc) return rc;
        rc = sq_exec(s, sq_migrations[v], err);
        if (!rc && v == 1) {
            /* rollups: zone of a new store from the options, UTC otherwise */
            const char *zone = o->tz ? o->tz : "UTC";
            rc = sq_meta_set(&s->base, "rollup_tz", zone, err);
            if (!rc) rc = cx_tz_open(zone, &s->tz, err);
            /* the backfill's deltas are merged at commit: needs the rollup
             * statements now that the table exists */
            for (int i = ST_ROLLUP_GET; !rc && i < ST_COUNT; i++)
                if (!s->st[i] &&
                    sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT, &s->st[i],
                                       NULL) != SQLITE_OK)
                    rc = sq_db_fail(s, err, "prepare");
            struct cx_scan_filter f = {0};
            if (!rc) rc = sq_scan_responses(&s->base, &f, backfill_cb, s, err);
        }
        char sql[64];
        snprintf(sql, sizeof sql, "PRAGMA user_version=%d", v + 1);
        if (!rc) rc = sq_exec(s, sql, err);
        if (!rc) rc = sq_commit(&s->base, err);
        if (rc) {
            sq_rollback(&s->base);
            return rc;
        }
    }
    return CX_OK;
}

int cx_store_open_sqlite(const char *dir, const struct cx_store_opts *o, struct cx_store **out,
                         struct cx_err *err)
{
    static const struct cx_store_opts defaults = {0};
    if (!o) o = &defaults;
    char path[4096];
    struct stat stbuf;
    snprintf(path, sizeof path, "%s/cxpulse.db", dir);
    if (stat(path, &stbuf) != 0) {
        if (!o->create)
            return cx_fail(err, CX_ENOTFOUND,
                           "no cxpulse data in '%s' (run `cxpulse init --data %s` first)", dir,
                           dir);
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            return cx_fail(err, CX_EIO, "cannot create directory '%s': %s", dir, strerror(errno));
    }
    if (sodium_init() < 0) return cx_fail(err, CX_EIO, "libsodium failed to initialise");
    struct sq_store *s = calloc(1, sizeof *s);
    if (!s) return cx_fail(err, CX_ENOMEM, "out of memory");
    s->base.vt = &sqlite_vt;
    cx_hmap_init(&s->deltas);
    int rc;
    if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) !=
        SQLITE_OK) {
        rc = cx_fail(err, CX_ESTORE, "cannot open '%s': %s", path,
                     s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 10000);
    char pragmas[512];
    snprintf(pragmas, sizeof pragmas,
             "PRAGMA journal_mode=WAL; PRAGMA synchronous=%s; PRAGMA secure_delete=ON;"
             " PRAGMA cache_size=%d;",
             o->durable ? "FULL" : "NORMAL", -1024 * (o->cache_mb > 0 ? o->cache_mb : 64));
    if ((rc = sq_exec(s, pragmas, err))) goto fail;
    if ((rc = migrate(s, o, err))) goto fail;
    if (!s->tz && (o->max_version == 0 || o->max_version >= 2)) {
        char *zone = NULL;
        rc = sq_meta_get(&s->base, "rollup_tz", &zone, err);
        if (rc == CX_ENOTFOUND)
            zone = strdup("UTC");
        else if (rc)
            goto fail;
        rc = cx_tz_open(zone, &s->tz, err);
        free(zone);
        if (rc) goto fail;
    }
    if (!s->tz && (rc = cx_tz_open(NULL, &s->tz, err))) goto fail;
    snprintf(s->base.rollup_tz, sizeof s->base.rollup_tz, "%s", cx_tz_name(s->tz));
    if ((o->max_version == 0 || o->max_version >= 3) && (rc = sq_load_token_secret(s, err)))
        goto fail;
    /* indexes dropped by a bulk load that did not finish are rebuilt */
    for (int i = 0; i < 2 && (o->max_version == 0 || o->max_version >= 1); i++)
        if ((rc = sq_exec(s, index_sql[i], err))) goto fail;
    if ((o->max_version == 0 || o->max_version >= 5) && has_tasks(s) && task_trigger_missing(s) &&
        (rc = restore_tasks(s, err)))
        goto fail;
    int limit = o->max_version && o->max_version < 2 ? ST_ROLLUP_GET : ST_COUNT;
    for (int i = 0; i < limit; i++)
        if (!s->st[i] && sqlite3_prepare_v3(s->db, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                                            &s->st[i], NULL) != SQLITE_OK) {
            rc = sq_db_fail(s, err, "prepare");
            goto fail;
        }
    *out = &s->base;
    return CX_OK;
fail:
    sq_close(&s->base);
    return rc;
}
