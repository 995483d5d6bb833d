#include "io/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"
#include "core/decimal.h"
#include "core/utf8.h"

const char *const cx_response_fields[] = {"id",      "customer", "time",    "metric",
                                          "score",   "scale",    "channel", "touchpoint",
                                          "comment", "lang",     NULL};
const char *const cx_response_required[] = {"id", "customer", "time", "metric", "score", NULL};
const char *const cx_event_fields[] = {"id",     "customer",   "time",  "type",  "channel", "ref",
                                       "wait_s", "duration_s", "value", "agent", "text",    NULL};
const char *const cx_event_required[] = {"id", "customer", "time", "type", NULL};
const char *const cx_event_types[] = {"call.answered",
                                      "call.abandoned",
                                      "chat.answered",
                                      "chat.abandoned",
                                      "ticket.opened",
                                      "ticket.message",
                                      "ticket.transferred",
                                      "ticket.resolved",
                                      "ticket.reopened",
                                      "cart.created",
                                      "cart.purchased",
                                      "subscription.started",
                                      "subscription.renewed",
                                      "subscription.cancelled",
                                      "page.view",
                                      "search",
                                      "signup",
                                      "kb.view",
                                      NULL};

static int reject(struct cx_reject *why, const char *field, size_t flen, const char *fmt,
                  const char *arg)
{
    if (flen > CX_ATTR_KEY_MAX) flen = CX_ATTR_KEY_MAX;
    memcpy(why->field, field, flen);
    why->field[flen] = 0;
    snprintf(why->reason, sizeof why->reason, fmt, arg ? arg : "");
    return -1;
}

static int is_known(const char *const *names, const char *k, size_t klen)
{
    for (size_t i = 0; names[i]; i++)
        if (strlen(names[i]) == klen && memcmp(names[i], k, klen) == 0) return (int)i;
    return -1;
}

/* An empty CSV cell, a JSON null and an empty JSON string all mean absent,
 * so that a row reads the same from either format. */
static int absent(const struct cx_field *f)
{
    return f->kind == CX_VAL_ABSENT || (f->kind == CX_VAL_STRING && f->vlen == 0);
}

static const struct cx_field *lookup(const struct cx_row *row, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; i < row->n; i++)
        if (row->f[i].klen == n && memcmp(row->f[i].key, name, n) == 0 && !absent(&row->f[i]))
            return &row->f[i];
    return NULL;
}

static char *dupn(const char *s, size_t n)
{
    char *p = malloc(n + 1);
    if (p) {
        memcpy(p, s, n);
        p[n] = 0;
    }
    return p;
}

/* Checks every key and value of the row is valid UTF-8 without NUL. */
static int check_utf8(const struct cx_row *row, struct cx_reject *why)
{
    for (size_t i = 0; i < row->n; i++) {
        const struct cx_field *f = &row->f[i];
        if (!cx_utf8_valid(f->key, f->klen, NULL))
            return reject(why, "", 0, "a field name is not valid UTF-8%s", NULL);
        if (f->kind != CX_VAL_ABSENT && !cx_utf8_valid(f->val, f->vlen, NULL))
            return reject(why, f->key, f->klen, "not valid UTF-8 (or contains a NUL byte)%s", NULL);
    }
    return 0;
}

/* Text field: string or JSON integer, length lo..hi bytes. *out is NULL
 * when absent. Returns 0, -1 (rejected), -2 (memory). */
static int text_field(const struct cx_row *row, const char *name, size_t lo, size_t hi, char **out,
                      struct cx_reject *why)
{
    *out = NULL;
    const struct cx_field *f = lookup(row, name);
    if (!f) return 0;
    if (f->kind != CX_VAL_STRING && f->kind != CX_VAL_INT)
        return reject(why, name, strlen(name), "must be a string%s", NULL);
    if (f->vlen < lo || f->vlen > hi) {
        char b[64];
        snprintf(b, sizeof b, "%zu-%zu", lo, hi);
        return reject(why, name, strlen(name), "must be %s bytes long", b);
    }
    *out = dupn(f->val, f->vlen);
    return *out ? 0 : -2;
}

static void fold_ascii(char *s)
{
    for (; *s; s++)
        if (*s >= 'A' && *s <= 'Z') *s = (char)(*s - 'A' + 'a');
}

static int time_field(const struct cx_row *row, struct cx_time *t, struct cx_reject *why)
{
    const struct cx_field *f = lookup(row, "time");
    if (!f) return reject(why, "time", 4, "is required%s", NULL);
    if (f->kind != CX_VAL_STRING && f->kind != CX_VAL_INT)
        return reject(why, "time", 4, "must be an RFC 3339 time or integer Unix seconds%s", NULL);
    const char *r = NULL;
    if (cx_time_parse(f->val, f->vlen, t, &r)) return reject(why, "time", 4, "%s", r);
    return 0;
}

static int decimal_field(const struct cx_row *row, const char *name, int nonneg, int *has,
                         int64_t *v, struct cx_reject *why)
{
    *has = 0;
    *v = 0;
    const struct cx_field *f = lookup(row, name);
    if (!f) return 0;
    if (f->kind != CX_VAL_STRING && f->kind != CX_VAL_INT && f->kind != CX_VAL_REAL)
        return reject(why, name, strlen(name), "must be a number%s", NULL);
    const char *r = NULL;
    if (cx_decimal_parse(f->val, f->vlen, v, &r)) return reject(why, name, strlen(name), "%s", r);
    if (nonneg && *v < 0) return reject(why, name, strlen(name), "must not be negative%s", NULL);
    *has = 1;
    return 0;
}

/* Collects every field not in `known` as an attribute. */
static int attrs_field(const struct cx_row *row, const char *const *known, unsigned char **blob,
                       size_t *blen, struct cx_reject *why)
{
    struct cx_attr a[CX_ATTRS_MAX];
    size_t n = 0;
    for (size_t i = 0; i < row->n; i++) {
        const struct cx_field *f = &row->f[i];
        if (is_known(known, f->key, f->klen) >= 0 || absent(f)) continue;
        if (f->klen == 0) return reject(why, "", 0, "an attribute has an empty name%s", NULL);
        if (f->klen > CX_ATTR_KEY_MAX)
            return reject(why, f->key, f->klen, "attribute name longer than 128 bytes%s", NULL);
        if (f->vlen > CX_ATTR_VAL_MAX)
            return reject(why, f->key, f->klen, "attribute value longer than 4096 bytes%s", NULL);
        if (n == CX_ATTRS_MAX) return reject(why, "", 0, "more than 64 attributes%s", NULL);
        a[n].key = f->key;
        a[n].klen = f->klen;
        a[n].val = f->val;
        a[n].vlen = f->vlen;
        n++;
    }
    size_t dup = 0;
    int rc = cx_attrs_encode(a, n, blob, blen, &dup);
    if (rc == -1) return reject(why, a[dup].key, a[dup].klen, "appears twice%s", NULL);
    return rc ? -2 : 0;
}

/* Normalises a BCP 47 tag: lowercase, region (2 letters or 3 digits after
 * the first subtag) uppercase, script (4 letters) title case. Checks the
 * syntax loosely: subtags of 1-8 ASCII letters/digits joined by '-'. */
static int norm_lang(char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 35) return -1;
    int sub = 0;
    char *p = s;
    while (*p) {
        char *e = p;
        while (*e && *e != '-' && *e != '_') e++;
        size_t len = (size_t)(e - p);
        if (len < 1 || len > 8) return -1;
        for (size_t i = 0; i < len; i++) {
            char c = p[i];
            int alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
            int digit = c >= '0' && c <= '9';
            if (!alpha && !digit) return -1;
            if (sub == 0 && !alpha) return -1;
            if (c >= 'A' && c <= 'Z') p[i] = (char)(c - 'A' + 'a');
        }
        if (sub > 0 && len == 2)
            for (size_t i = 0; i < len; i++) p[i] = (char)(p[i] - 'a' + 'A');
        if (sub > 0 && len == 4 && p[0] >= 'a') p[0] = (char)(p[0] - 'a' + 'A');
        if (*e == '_') *e = '-';
        p = *e ? e + 1 : e;
        if (*e && !*p) return -1;
        sub++;
    }
    return 0;
}

#define TRY(x)                                                                                     \
    do {                                                                                           \
        int rc_ = (x);                                                                             \
        if (rc_) {                                                                                 \
            rc = rc_;                                                                              \
            goto fail;                                                                             \
        }                                                                                          \
    } while (0)

int cx_response_from_row(const struct cx_row *row, struct cx_response *r, struct cx_reject *why)
{
    int rc = 0;
    memset(r, 0, sizeof *r);
    TRY(check_utf8(row, why));
    TRY(text_field(row, "id", 1, CX_ID_MAX, &r->id, why));
    if (!r->id) TRY(reject(why, "id", 2, "is required%s", NULL));
    TRY(text_field(row, "customer", 1, CX_ID_MAX, &r->customer, why));
    if (!r->customer) TRY(reject(why, "customer", 8, "is required%s", NULL));
    TRY(time_field(row, &r->t, why));

    const struct cx_field *f = lookup(row, "metric");
    if (!f) TRY(reject(why, "metric", 6, "is required%s", NULL));
    if (f->kind != CX_VAL_STRING || cx_kind_parse(f->val, f->vlen, &r->kind))
        TRY(reject(why, "metric", 6, "must be nps, csat or ces%s", NULL));

    f = lookup(row, "scale");
    if (f) {
        const char *reason = NULL;
        if (f->kind != CX_VAL_STRING) TRY(reject(why, "scale", 5, "must be MIN-MAX%s", NULL));
        if (cx_scale_parse(f->val, f->vlen, r->kind, &r->scale, &reason))
            TRY(reject(why, "scale", 5, "%s", reason));
    } else {
        r->scale = cx_scale_default(r->kind);
    }
    r->scale_idx = cx_scale_index(r->kind, r->scale);

    f = lookup(row, "score");
    if (!f) TRY(reject(why, "score", 5, "is required%s", NULL));
    if (f->kind != CX_VAL_STRING && f->kind != CX_VAL_INT)
        TRY(reject(why, "score", 5, "must be an integer%s", NULL));
    {
        const char *reason = NULL;
        int32_t sc;
        if (cx_int_parse(f->val, f->vlen, &sc, &reason)) TRY(reject(why, "score", 5, "%s", reason));
        if (sc < r->scale.min || sc > r->scale.max) {
            char b[64];
            snprintf(b, sizeof b, "%d is outside the scale %d-%d", (int)sc, r->scale.min,
                     r->scale.max);
            TRY(reject(why, "score", 5, "%s", b));
        }
        r->score = sc;
    }

    TRY(text_field(row, "channel", 1, CX_WORD_MAX, &r->channel, why));
    TRY(text_field(row, "touchpoint", 1, CX_WORD_MAX, &r->touchpoint, why));
    TRY(text_field(row, "comment", 0, CX_TEXT_MAX, &r->comment, why));
    TRY(text_field(row, "lang", 1, CX_WORD_MAX, &r->lang, why));
    if (r->lang && norm_lang(r->lang))
        TRY(reject(why, "lang", 4, "must be a BCP 47 language tag such as en or nb-NO%s", NULL));
    if (!r->channel && !(r->channel = strdup("unknown"))) TRY(-2);
    if (!r->touchpoint && !(r->touchpoint = strdup("unknown"))) TRY(-2);
    fold_ascii(r->channel);
    fold_ascii(r->touchpoint);
    TRY(attrs_field(row, cx_response_fields, &r->attrs, &r->attrs_len, why));
    return 0;
fail:
    cx_response_clear(r);
    return rc;
}

void cx_response_clear(struct cx_response *r)
{
    if (!r) return;
    free(r->id);
    free(r->customer);
    free(r->channel);
    free(r->touchpoint);
    free(r->comment);
    free(r->lang);
    free(r->attrs);
    memset(r, 0, sizeof *r);
}

static int str_eq(const char *a, const char *b)
{
    if (!a || !b) return a == b;
    return strcmp(a, b) == 0;
}

static int blob_eq(const unsigned char *a, size_t al, const unsigned char *b, size_t bl)
{
    return al == bl && (al == 0 || memcmp(a, b, al) == 0);
}

int cx_response_equal(const struct cx_response *a, const struct cx_response *b)
{
    return str_eq(a->id, b->id) && str_eq(a->customer, b->customer) &&
           cx_time_cmp(a->t, b->t) == 0 && a->kind == b->kind && a->scale_idx == b->scale_idx &&
           a->score == b->score && str_eq(a->channel, b->channel) &&
           str_eq(a->touchpoint, b->touchpoint) && str_eq(a->comment, b->comment) &&
           str_eq(a->lang, b->lang) && blob_eq(a->attrs, a->attrs_len, b->attrs, b->attrs_len);
}

int cx_event_from_row(const struct cx_row *row, struct cx_event *e, struct cx_reject *why)
{
    int rc = 0;
    memset(e, 0, sizeof *e);
    TRY(check_utf8(row, why));
    TRY(text_field(row, "id", 1, CX_ID_MAX, &e->id, why));
    if (!e->id) TRY(reject(why, "id", 2, "is required%s", NULL));
    TRY(text_field(row, "customer", 1, CX_ID_MAX, &e->customer, why));
    if (!e->customer) TRY(reject(why, "customer", 8, "is required%s", NULL));
    TRY(time_field(row, &e->t, why));
    TRY(text_field(row, "type", 1, CX_WORD_MAX, &e->type, why));
    if (!e->type) TRY(reject(why, "type", 4, "is required%s", NULL));
    TRY(text_field(row, "channel", 1, CX_WORD_MAX, &e->channel, why));
    if (!e->channel && !(e->channel = strdup("unknown"))) TRY(-2);
    fold_ascii(e->channel);
    TRY(text_field(row, "ref", 1, CX_ID_MAX, &e->ref, why));
    TRY(text_field(row, "agent", 1, CX_WORD_MAX, &e->agent, why));
    TRY(text_field(row, "text", 0, CX_TEXT_MAX, &e->text, why));
    TRY(decimal_field(row, "wait_s", 1, &e->has_wait, &e->wait_ns, why));
    TRY(decimal_field(row, "duration_s", 1, &e->has_duration, &e->duration_ns, why));
    TRY(decimal_field(row, "value", 0, &e->has_value, &e->value_ns, why));
    TRY(attrs_field(row, cx_event_fields, &e->attrs, &e->attrs_len, why));
    return 0;
fail:
    cx_event_clear(e);
    return rc;
}

void cx_event_clear(struct cx_event *e)
{
    if (!e) return;
    free(e->id);
    free(e->customer);
    free(e->type);
    free(e->channel);
    free(e->ref);
    free(e->agent);
    free(e->text);
    free(e->attrs);
    memset(e, 0, sizeof *e);
}

int cx_event_equal(const struct cx_event *a, const struct cx_event *b)
{
    return str_eq(a->id, b->id) && str_eq(a->customer, b->customer) &&
           cx_time_cmp(a->t, b->t) == 0 && str_eq(a->type, b->type) &&
           str_eq(a->channel, b->channel) && str_eq(a->ref, b->ref) && str_eq(a->agent, b->agent) &&
           str_eq(a->text, b->text) && a->has_wait == b->has_wait && a->wait_ns == b->wait_ns &&
           a->has_duration == b->has_duration && a->duration_ns == b->duration_ns &&
           a->has_value == b->has_value && a->value_ns == b->value_ns &&
           blob_eq(a->attrs, a->attrs_len, b->attrs, b->attrs_len);
}
