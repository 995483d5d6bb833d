#include "engine/journey.h"

#include <stdlib.h>
#include <string.h>

#include "io/record_json.h"

struct loader {
    struct cx_journey *j;
    size_t cap;
    int oom;
};

static struct cx_journey_item *push(struct loader *l)
{
    if (l->j->n == l->cap) {
        size_t nc = l->cap ? l->cap * 2 : 32;
        struct cx_journey_item *n = realloc(l->j->items, nc * sizeof *n);
        if (!n) return NULL;
        l->j->items = n;
        l->cap = nc;
    }
    struct cx_journey_item *it = &l->j->items[l->j->n++];
    memset(it, 0, sizeof *it);
    return it;
}

static char *dup_or_null(const char *s)
{
    return s ? strdup(s) : NULL;
}

static unsigned char *dup_blob(const unsigned char *b, size_t n)
{
    unsigned char *p = malloc(n + 1);
    if (p && n) memcpy(p, b, n);
    return p;
}

static int resp_cb(void *ctx, const struct cx_resp_row *row)
{
    struct loader *l = ctx;
    struct cx_journey_item *it = push(l);
    if (!it) return CX_ENOMEM;
    it->is_response = 1;
    struct cx_response *r = &it->r;
    r->id = strdup(row->id);
    r->customer = strdup(row->customer);
    r->t = row->t;
    r->scale_idx = row->scale_idx;
    r->kind = cx_scale_kind(row->scale_idx);
    r->scale = cx_scale_at(row->scale_idx);
    r->score = row->score;
    r->channel = strdup(row->channel);
    r->touchpoint = strdup(row->touchpoint);
    r->lang = row->lang[0] ? strdup(row->lang) : NULL;
    r->comment = dup_or_null(row->comment);
    r->attrs = dup_blob(row->attrs, row->attrs_len);
    r->attrs_len = row->attrs_len;
    if (!r->id || !r->customer || !r->channel || !r->touchpoint || !r->attrs) return CX_ENOMEM;
    return CX_OK;
}

static int event_cb(void *ctx, const struct cx_event *src)
{
    struct loader *l = ctx;
    struct cx_journey_item *it = push(l);
    if (!it) return CX_ENOMEM;
    struct cx_event *e = &it->e;
    *e = *src;
    e->id = strdup(src->id);
    e->customer = strdup(src->customer);
    e->type = strdup(src->type);
    e->channel = strdup(src->channel);
    e->ref = dup_or_null(src->ref);
    e->agent = dup_or_null(src->agent);
    e->text = dup_or_null(src->text);
    e->attrs = dup_blob(src->attrs, src->attrs_len);
    if (!e->id || !e->customer || !e->type || !e->channel || !e->attrs) return CX_ENOMEM;
    return CX_OK;
}

static struct cx_time item_time(const struct cx_journey_item *it)
{
    return it->is_response ? it->r.t : it->e.t;
}

static int cmp_items(const void *x, const void *y)
{
    const struct cx_journey_item *a = x, *b = y;
    int c = cx_time_cmp(item_time(a), item_time(b));
    if (c) return c;
    if (a->is_response != b->is_response) return a->is_response ? 1 : -1; /* events first */
    return strcmp(a->is_response ? a->r.id : a->e.id, b->is_response ? b->r.id : b->e.id);
}

int cx_journey_load(struct cx_store *s, const char *customer, struct cx_journey *j,
                    struct cx_err *err)
{
    memset(j, 0, sizeof *j);
    struct loader l = {j, 0, 0};
    struct cx_scan_filter f = {0};
    f.customer = customer;
    f.with_text = 1;
    int rc = s->vt->scan_responses(s, &f, resp_cb, &l, err);
    if (!rc) rc = s->vt->scan_events(s, &f, event_cb, &l, err);
    if (rc) {
        if (rc == CX_ENOMEM) cx_fail(err, rc, "out of memory");
        cx_journey_free(j);
        return rc;
    }
    if (j->n > 1) qsort(j->items, j->n, sizeof *j->items, cmp_items);
    /* mark changes against the previous response of the same kind */
    double last[CX_NKINDS];
    int have[CX_NKINDS] = {0};
    long last_i[CX_NKINDS] = {0};
    for (size_t i = 0; i < j->n; i++) {
        struct cx_journey_item *it = &j->items[i];
        if (!it->is_response) continue;
        int k = it->r.kind;
        double pos = (double)(it->r.score - it->r.scale.min) / (it->r.scale.max - it->r.scale.min);
        if (have[k]) {
            double d = pos - last[k];
            if (d <= -0.2 + 1e-9)
                it->mark = -1;
            else if (d >= 0.2 - 1e-9)
                it->mark = 1;
            if (it->mark) {
                it->prev = last_i[k];
                it->prev_score = j->items[last_i[k]].r.score;
            }
        }
        last[k] = pos;
        last_i[k] = (long)i;
        have[k] = 1;
    }
    return CX_OK;
}

void cx_journey_free(struct cx_journey *j)
{
    if (!j) return;
    for (size_t i = 0; i < j->n; i++) {
        if (j->items[i].is_response)
            cx_response_clear(&j->items[i].r);
        else
            cx_event_clear(&j->items[i].e);
    }
    free(j->items);
    memset(j, 0, sizeof *j);
}

json_t *cx_journey_to_json(const char *customer, const struct cx_journey *j)
{
    json_t *root = json_object(), *items = json_array();
    if (!root || !items) {
        json_decref(root);
        json_decref(items);
        return NULL;
    }
    json_object_set_new(root, "customer", json_string(customer));
    json_object_set_new(root, "items", items);
    for (size_t i = 0; i < j->n; i++) {
        const struct cx_journey_item *it = &j->items[i];
        json_t *o = it->is_response ? cx_response_to_json(&it->r) : cx_event_to_json(&it->e);
        if (!o) {
            json_decref(root);
            return NULL;
        }
        json_object_set_new(o, "kind", json_string(it->is_response ? "response" : "event"));
        if (it->mark) {
            json_object_set_new(o, "change", json_string(it->mark < 0 ? "drop" : "rise"));
            json_object_set_new(o, "previous_score", json_integer(it->prev_score));
            json_object_set_new(o, "previous_id", json_string(j->items[it->prev].r.id));
            json_t *since = json_array();
            for (size_t k = (size_t)it->prev + 1; k < i; k++)
                if (!j->items[k].is_response)
                    json_array_append_new(since, json_string(j->items[k].e.id));
            json_object_set_new(o, "since_previous", since);
        }
        json_array_append_new(items, o);
    }
    return root;
}

/* Browsing is kept in the journey but left out of cause summaries. */
static int is_browsing(const char *type)
{
    return !strcmp(type, "page.view") || !strcmp(type, "search") || !strcmp(type, "kb.view") ||
           !strcmp(type, "signup");
}

size_t cx_journey_cause(const struct cx_journey *j, size_t i, char *buf, size_t cap)
{
    buf[0] = 0;
    if (i >= j->n || !j->items[i].mark) return 0;
    size_t n = 0, o = 0;
    for (size_t k = (size_t)j->items[i].prev + 1; k < i; k++) {
        const struct cx_journey_item *it = &j->items[k];
        if (it->is_response || is_browsing(it->e.type)) continue;
        /* runs of the same type are written once with a count */
        size_t run = 1;
        while (k + run < i && !j->items[k + run].is_response &&
               !strcmp(j->items[k + run].e.type, it->e.type) &&
               j->items[k + run].e.has_wait == it->e.has_wait && !it->e.has_wait)
            run++;
        char extra[48] = "";
        if (it->e.has_wait)
            snprintf(extra, sizeof extra, " (wait %llds)",
                     (long long)(it->e.wait_ns / 1000000000LL));
        if (o < cap)
            o += (size_t)snprintf(buf + o, cap - o, "%s%s%s", n ? ", " : "", it->e.type, extra);
        if (run > 1 && o < cap) o += (size_t)snprintf(buf + o, cap - o, " x%zu", run);
        n += run;
        k += run - 1;
    }
    return n;
}
