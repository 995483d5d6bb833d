#include "engine/textdocs.h"

#include <stdlib.h>
#include <string.h>

#include "core/attrs.h"

static struct cx_doc *push(struct cx_textdocs *d)
{
    if (d->n == d->cap) {
        size_t nc = d->cap ? d->cap * 2 : 1024;
        struct cx_doc *n = realloc(d->docs, nc * sizeof *n);
        if (!n) return NULL;
        d->docs = n;
        d->cap = nc;
    }
    struct cx_doc *doc = &d->docs[d->n];
    memset(doc, 0, sizeof *doc);
    return doc;
}

static int lang_ok(const struct cx_textdocs *d, const char *lang)
{
    if (!d->lang_filter) return 1;
    size_t n = strlen(d->lang_filter);
    return lang && !strncmp(lang, d->lang_filter, n) && (lang[n] == 0 || lang[n] == '-');
}

static int resp_cb(void *ctx, const struct cx_resp_row *r)
{
    struct cx_textdocs *d = ctx;
    if (!r->comment || !*r->comment || !lang_ok(d, r->lang)) return CX_OK;
    struct cx_doc *doc = push(d);
    if (!doc) return CX_ENOMEM;
    doc->text = strdup(r->comment);
    doc->lang = r->lang[0] ? strdup(r->lang) : NULL;
    doc->id = strdup(r->id);
    doc->time = r->t.sec;
    struct cx_scale sc = cx_scale_at(r->scale_idx);
    doc->has_score = 1;
    doc->score = (double)(r->score - sc.min) / (double)(sc.max - sc.min);
    if (!doc->text || !doc->id || (r->lang[0] && !doc->lang)) return CX_ENOMEM;
    d->n++;
    return CX_OK;
}

static int event_cb(void *ctx, const struct cx_event *e)
{
    struct cx_textdocs *d = ctx;
    if (!e->text || !*e->text) return CX_OK;
    /* events carry lang as an ordinary attribute, when at all */
    const char *lv = NULL;
    size_t ll = 0;
    char lang[36] = "";
    if (cx_attrs_find(e->attrs, e->attrs_len, "lang", 4, &lv, &ll) == 1 && ll < sizeof lang) {
        memcpy(lang, lv, ll);
        lang[ll] = 0;
    }
    if (!lang_ok(d, lang[0] ? lang : NULL)) return CX_OK;
    struct cx_doc *doc = push(d);
    if (!doc) return CX_ENOMEM;
    doc->text = strdup(e->text);
    doc->lang = lang[0] ? strdup(lang) : NULL;
    doc->id = strdup(e->id);
    doc->time = e->t.sec;
    if (!doc->text || !doc->id || (lang[0] && !doc->lang)) return CX_ENOMEM;
    d->n++;
    return CX_OK;
}

int cx_textdocs_load(struct cx_store *s, enum cx_text_source src, const struct cx_scan_filter *f,
                     const char *lang, struct cx_textdocs *out, struct cx_err *err)
{
    memset(out, 0, sizeof *out);
    if (lang && !(out->lang_filter = strdup(lang))) return cx_fail(err, CX_ENOMEM, "out of memory");
    struct cx_scan_filter ff = *f;
    ff.with_text = 1;
    int rc = CX_OK;
    if (src != CX_TEXT_EVENTS) rc = s->vt->scan_responses(s, &ff, resp_cb, out, err);
    if (!rc && src != CX_TEXT_COMMENTS) rc = s->vt->scan_events(s, &ff, event_cb, out, err);
    if (rc) {
        if (rc == CX_ENOMEM) cx_fail(err, rc, "out of memory");
        cx_textdocs_free(out);
    }
    return rc;
}

void cx_textdocs_free(struct cx_textdocs *d)
{
    if (!d) return;
    for (size_t i = 0; i < d->n; i++) {
        free((char *)d->docs[i].text);
        free((char *)d->docs[i].lang);
        free((char *)d->docs[i].id);
    }
    free(d->docs);
    free(d->lang_filter);
    memset(d, 0, sizeof *d);
}
