/* sqlite_lookup.c - small indexed lookups for the dashboard in the SQLite
 * backend. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/sqlite_int.h"

/* The smallest string greater than every string that starts with prefix
 * (byte-wise), written to out; 0 when there is none (prefix empty or all
 * 0xff bytes: the range is open above). */
static int prefix_end(const char *prefix, char *out, size_t cap)
{
    size_t n = strlen(prefix);
    if (n >= cap) return 0;
    memcpy(out, prefix, n);
    while (n > 0 && (unsigned char)out[n - 1] == 0xff) n--;
    if (n == 0) return 0;
    out[n - 1] = (char)((unsigned char)out[n - 1] + 1);
    out[n] = 0;
    return 1;
}

/* One of the two sorted, distinct id streams (responses, events). */
static sqlite3_stmt *open_ids(struct sq_store *s, const char *table, const char *lo, const char *hi,
                              size_t limit)
{
    char sql[160];
    snprintf(sql, sizeof sql,
             "SELECT DISTINCT customer FROM %s WHERE customer>=?1%s ORDER BY customer LIMIT ?3",
             table, hi ? " AND customer<?2" : "");
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) return NULL;
    sqlite3_bind_text(st, 1, lo, -1, SQLITE_STATIC);
    if (hi) sqlite3_bind_text(st, 2, hi, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, 3, (sqlite3_int64)limit);
    return st;
}

/* Steps st; returns its current id or NULL at the end (*rc gets an error). */
static const char *next_id(sqlite3_stmt *st, int *rc)
{
    int r = sqlite3_step(st);
    if (r == SQLITE_ROW) return (const char *)sqlite3_column_text(st, 0);
    if (r != SQLITE_DONE) *rc = CX_ESTORE;
    return NULL;
}

int sq_customer_find(struct cx_store *b, const char *prefix, size_t limit,
                     int (*cb)(void *ctx, const char *customer), void *ctx, struct cx_err *err)
{
    struct sq_store *s = (struct sq_store *)b;
    if (!prefix) prefix = "";
    if (limit == 0) return CX_OK;
    char hi[1024];
    int has_hi = prefix_end(prefix, hi, sizeof hi);
    sqlite3_stmt *a = open_ids(s, "responses", prefix, has_hi ? hi : NULL, limit);
    sqlite3_stmt *e = a ? open_ids(s, "events", prefix, has_hi ? hi : NULL, limit) : NULL;
    if (!a || !e) {
        sqlite3_finalize(a);
        return sq_db_fail(s, err, "find customers");
    }
    /* merge the two ascending streams, each id once */
    int rc = CX_OK, ret = CX_OK;
    const char *x = next_id(a, &rc), *y = next_id(e, &rc);
    for (size_t n = 0; n < limit && !rc && !ret && (x || y); n++) {
        int c = !x ? 1 : !y ? -1 : strcmp(x, y);
        ret = cb(ctx, c <= 0 ? x : y);
        if (ret) break;
        if (c <= 0) x = next_id(a, &rc);
        if (c >= 0) y = next_id(e, &rc);
    }
    if (!ret && rc) ret = sq_db_fail(s, err, "find customers");
    sqlite3_finalize(a);
    sqlite3_finalize(e);
    return ret;
}
