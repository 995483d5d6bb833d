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

struct sq_store {
    struct cx_store base;
    sqlite3 *db;
    sqlite3_stmt *st[ST_COUNT];
    struct cx_tz *tz;
    struct cx_hmap deltas; /* packed rollup key -> struct delta * */
    int in_tx;
};

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

#endif
