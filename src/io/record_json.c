#include "io/record_json.h"

#include <string.h>

#include "core/attrs.h"
#include "core/decimal.h"

static int set_str(json_t *o, const char *k, const char *v)
{
    if (!v) return 0;
    return json_object_set_new(o, k, json_string(v));
}

static int set_attrs(json_t *o, const unsigned char *attrs, size_t len)
{
    size_t pos = 0;
    struct cx_attr a;
    while (cx_attrs_next(attrs, len, &pos, &a) == 1) {
        char key[CX_ATTR_KEY_MAX + 1];
        if (a.klen > CX_ATTR_KEY_MAX) return -1;
        memcpy(key, a.key, a.klen);
        key[a.klen] = 0;
        if (json_object_set_new(o, key, json_stringn(a.val, a.vlen))) return -1;
    }
    return 0;
}

json_t *cx_response_to_json(const struct cx_response *r)
{
    json_t *o = json_object();
    char t[40], scale[16];
    if (!o) return NULL;
    snprintf(scale, sizeof scale, "%d-%d", r->scale.min, r->scale.max);
    int bad = set_str(o, "id", r->id) | set_str(o, "customer", r->customer) |
              set_str(o, "time", cx_time_format(r->t, t)) |
              set_str(o, "metric", cx_kind_name(r->kind)) |
              json_object_set_new(o, "score", json_integer(r->score)) | set_str(o, "scale", scale) |
              set_str(o, "channel", r->channel) | set_str(o, "touchpoint", r->touchpoint) |
              set_str(o, "lang", r->lang) | set_str(o, "comment", r->comment) |
              set_attrs(o, r->attrs, r->attrs_len);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int set_dec(json_t *o, const char *k, int has, int64_t v)
{
    if (!has) return 0;
    char b[32];
    cx_decimal_format(v, b);
    return json_object_set_new(o, k, json_string(b));
}

json_t *cx_event_to_json(const struct cx_event *e)
{
    json_t *o = json_object();
    char t[40];
    if (!o) return NULL;
    int bad = set_str(o, "id", e->id) | set_str(o, "customer", e->customer) |
              set_str(o, "time", cx_time_format(e->t, t)) | set_str(o, "type", e->type) |
              set_str(o, "channel", e->channel) | set_str(o, "ref", e->ref) |
              set_dec(o, "wait_s", e->has_wait, e->wait_ns) |
              set_dec(o, "duration_s", e->has_duration, e->duration_ns) |
              set_dec(o, "value", e->has_value, e->value_ns) | set_str(o, "agent", e->agent) |
              set_str(o, "text", e->text) | set_attrs(o, e->attrs, e->attrs_len);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}
