#include "engine/ingest.h"

#include <string.h>

#include "io/record.h"

static int put_row(struct cx_store *s, const struct cx_row *row, const struct cx_ingest_opts *o,
                   struct cx_ingest_stats *st, struct cx_err *err)
{
    struct cx_reject why;
    enum cx_put res = CX_PUT_INSERTED;
    int rc;
    if (o->type == CX_RESPONSES) {
        struct cx_response r;
        rc = cx_response_from_row(row, &r, &why);
        if (rc == -2) return cx_fail(err, CX_ENOMEM, "out of memory");
        if (rc == 0) {
            rc = s->vt->put_response(s, &r, &res, err);
            cx_response_clear(&r);
            if (rc) return rc;
        }
    } else {
        struct cx_event e;
        rc = cx_event_from_row(row, &e, &why);
        if (rc == -2) return cx_fail(err, CX_ENOMEM, "out of memory");
        if (rc == 0) {
            rc = s->vt->put_event(s, &e, &res, err);
            cx_event_clear(&e);
            if (rc) return rc;
        }
    }
    if (rc == -1) {
        st->rejected++;
        if (o->on_reject) o->on_reject(o->ctx, row->line, why.field, why.reason);
        return CX_OK;
    }
    if (res == CX_PUT_INSERTED)
        st->inserted++;
    else if (res == CX_PUT_UNCHANGED)
        st->unchanged++;
    else
        st->updated++;
    return CX_OK;
}

int cx_ingest(struct cx_store *s, struct cx_source *src, const struct cx_ingest_opts *o,
              struct cx_ingest_stats *stats, struct cx_err *err)
{
    size_t batch = o->batch ? o->batch : 20000, in_batch = 0;
    uint64_t rows = 0;
    int rc = CX_OK, open = 0;
    struct cx_ingest_stats pend = {0}; /* written in the open batch, not yet committed */
    for (;;) {
        struct cx_row row;
        struct cx_err rerr = {{0}};
        int r = cx_source_next(src, &row, &rerr);
        if (r == 0) break;
        if (r == -2) {
            rc = cx_fail(err, CX_EIO, "%s", rerr.msg);
            break;
        }
        rows++;
        if (r == -1) {
            stats->rejected++;
            if (o->on_reject) o->on_reject(o->ctx, row.line, "", rerr.msg);
            continue;
        }
        if (!open) {
            if ((rc = s->vt->begin(s, err))) break;
            open = 1;
        }
        if ((rc = put_row(s, &row, o, &pend, err))) break;
        stats->rejected += pend.rejected;
        pend.rejected = 0;
        if (++in_batch >= batch) {
            if ((rc = s->vt->commit(s, err))) break;
            stats->inserted += pend.inserted;
            stats->unchanged += pend.unchanged;
            stats->updated += pend.updated;
            memset(&pend, 0, sizeof pend);
            open = 0;
            in_batch = 0;
            if (o->on_progress) o->on_progress(o->ctx, rows);
        }
    }
    if (open) {
        if (rc)
            s->vt->rollback(s);
        else
            rc = s->vt->commit(s, err);
        if (!rc) {
            stats->inserted += pend.inserted;
            stats->unchanged += pend.unchanged;
            stats->updated += pend.updated;
        }
    }
    if (!rc && o->on_progress) o->on_progress(o->ctx, rows);
    return rc;
}
