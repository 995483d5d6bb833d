/* pages.c - the hosted survey pages (see pages.h). */
#include "http/pages.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/attrs.h"
#include "core/survey.h"
#include "core/utf8.h"
#include "engine/answer.h"
#include "engine/token.h"
#include "engine/writer.h"
#include "http/api_int.h"
#include "io/form.h"
#include "io/record.h"
#include "io/survey_json.h"
#include "util/escape.h"

#define MAX_OPTIONS 16

struct page {
    FILE *f;
    char *buf;
    size_t len;
    const char *lang;
    const char *company;
};

/* Writes text with {company} expanded, escaped. */
static void text(struct page *p, const char *t)
{
    char out[2048];
    if (!t) t = "";
    cx_text_expand(t, p->company, out, sizeof out);
    cx_fput_html(p->f, out);
}

static const char css[] =
    "*{box-sizing:border-box}"
    "body{margin:0;font:18px/1.5 system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans',"
    "'Vazirmatn',Tahoma,sans-serif;color:#1a1a1a;background:#f4f5f7}"
    "main{max-width:40rem;margin:0 auto;padding:1.25rem}"
    ".card{background:#fff;border-radius:12px;padding:1.25rem;box-shadow:0 1px 3px #0002}"
    ".card>:first-child{margin-top:0}.card>:last-child{margin-bottom:0}"
    "h1{font-size:1.3rem;margin:0 0 1rem}"
    "fieldset{border:0;margin:0;padding:0}"
    "legend{padding:0;margin-bottom:.75rem}"
    ".opts{display:flex;flex-wrap:wrap;gap:.4rem}"
    ".opt{position:relative}"
    ".opt input{position:absolute;opacity:0;width:1px;height:1px}"
    ".opt label{display:flex;align-items:center;justify-content:center;min-width:2.75rem;"
    "min-height:2.75rem;padding:.3rem .6rem;border:2px solid #5a5f6a;border-radius:8px;"
    "background:#fff;cursor:pointer;font-weight:600}"
    ".opt input:checked+label{background:#1846b8;border-color:#1846b8;color:#fff}"
    ".opt input:focus-visible+label{outline:3px solid #b35900;outline-offset:2px}"
    ".list .opts{flex-direction:column}.list .opt label{justify-content:flex-start}"
    ".ends{display:flex;justify-content:space-between;color:#474c55;font-size:.9rem;"
    "margin:.5rem 0 0}"
    "textarea{width:100%;font:inherit;padding:.6rem;border:2px solid #5a5f6a;"
    "border-radius:8px}"
    "textarea:focus-visible{outline:3px solid #b35900;outline-offset:2px}"
    ".actions{display:flex;gap:.75rem;margin-top:1.25rem;flex-wrap:wrap}"
    "button{font:inherit;font-weight:600;padding:.7rem 1.4rem;border-radius:8px;"
    "border:2px solid #1846b8;background:#1846b8;color:#fff;cursor:pointer}"
    "button.secondary{background:#fff;color:#1846b8}"
    "button:focus-visible{outline:3px solid #b35900;outline-offset:2px}"
    ".err{color:#a1001b;font-weight:600}"
    ".q{display:block;font-weight:600;margin-bottom:.5rem}"
    "textarea+fieldset{margin-top:1.25rem}";

static void head(struct page *p, const char *title)
{
    fprintf(p->f, "<!doctype html>\n<html lang=\"%s\" dir=\"%s\"><head><meta charset=\"utf-8\">",
            p->lang, cx_lang_rtl(p->lang) ? "rtl" : "ltr");
    fputs("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
          "<meta name=\"robots\" content=\"noindex\"><title>",
          p->f);
    text(p, title);
    fprintf(p->f, "</title><style>%s</style></head><body><main><div class=\"card\">", css);
}

static void foot(struct page *p)
{
    fputs("</div></main></body></html>\n", p->f);
}

static void finish(struct page *p, struct cx_http_resp *resp, int status)
{
    fclose(p->f);
    p->f = NULL;
    free(resp->body);
    resp->status = status;
    resp->content_type = "text/html; charset=utf-8";
    resp->body = p->buf;
    resp->len = p->len;
}

static int open_page(struct page *p, const char *lang, const char *company)
{
    memset(p, 0, sizeof *p);
    p->lang = lang;
    p->company = company;
    p->f = open_memstream(&p->buf, &p->len);
    return p->f ? 0 : -1;
}

static void message_page(struct cx_api *api, const char *lang, int status, enum cx_ui_id h,
                         enum cx_ui_id detail, struct cx_http_resp *resp)
{
    struct page p;
    if (open_page(&p, lang, cx_api_company(api))) {
        resp->status = 500;
        return;
    }
    head(&p, cx_ui_text(lang, h));
    fputs("<h1>", p.f);
    text(&p, cx_ui_text(lang, h));
    fputs("</h1>", p.f);
    if ((int)detail >= 0) {
        fputs("<p>", p.f);
        text(&p, cx_ui_text(lang, detail));
        fputs("</p>", p.f);
    }
    foot(&p);
    finish(&p, resp, status);
}

/* The main question as radio buttons; `checked` is a shown value or -1. */
static void question_form(struct page *p, const char *token, const struct cx_survey *s, int checked,
                          int confirm, int error)
{
    struct cx_option opt[MAX_OPTIONS];
    int n = cx_survey_options(s, p->lang, opt, MAX_OPTIONS);
    if (n > MAX_OPTIONS) n = MAX_OPTIONS;
    fprintf(p->f,
            "<form method=\"post\" action=\"/s/%s\"><input type=\"hidden\" name=\"step\" "
            "value=\"score\"><fieldset%s><legend><h1 id=\"q\">",
            token,
            n > 11 || s->style == CX_STYLE_LABELS || s->style == CX_STYLE_AGREE ||
                    s->kind == CX_SURVEY_CUSTOM
                ? " class=\"list\""
                : "");
    text(p, cx_survey_text(s, CX_TEXT_QUESTION, p->lang));
    fputs("</h1></legend>", p->f);
    if (confirm) {
        fputs("<p><strong>", p->f);
        text(p, cx_ui_text(p->lang, CX_UI_CONFIRM));
        fputs("</strong></p>", p->f);
    }
    if (error) {
        fputs("<p class=\"err\" role=\"alert\">", p->f);
        text(p, cx_ui_text(p->lang, CX_UI_CHOOSE_ANSWER));
        fputs("</p>", p->f);
    }
    fputs("<div class=\"opts\">", p->f);
    for (int i = 0; i < n; i++) {
        fprintf(p->f,
                "<div class=\"opt\"><input type=\"radio\" name=\"answer\" id=\"a%d\" "
                "value=\"%d\"%s><label for=\"a%d\" aria-label=\"",
                opt[i].value, opt[i].value, opt[i].value == checked ? " checked" : "",
                opt[i].value);
        text(p, opt[i].aria);
        fputs("\">", p->f);
        text(p, opt[i].label);
        fputs("</label></div>", p->f);
    }
    fputs("</div>", p->f);
    const char *lo = cx_survey_text(s, CX_TEXT_LOW_LABEL, p->lang);
    const char *hi = cx_survey_text(s, CX_TEXT_HIGH_LABEL, p->lang);
    if ((lo && *lo) || (hi && *hi)) {
        fputs("<p class=\"ends\" aria-hidden=\"true\"><span>", p->f);
        text(p, lo);
        fputs("</span><span>", p->f);
        text(p, hi);
        fputs("</span></p>", p->f);
    }
    fputs("</fieldset><div class=\"actions\"><button type=\"submit\">", p->f);
    text(p, cx_ui_text(p->lang, CX_UI_SUBMIT));
    fputs("</button></div></form>", p->f);
}

static void followup_form(struct page *p, const char *token, const struct cx_survey *s, int shown,
                          int stored)
{
    fprintf(p->f,
            "<form method=\"post\" action=\"/s/%s\">"
            "<input type=\"hidden\" name=\"step\" value=\"followup\">"
            "<input type=\"hidden\" name=\"answer\" value=\"%d\">",
            token, shown);
    if (s->followup) {
        /* a label may not hold a heading: the heading holds the label */
        fputs("<h1><label class=\"q\" for=\"comment\">", p->f);
        text(p, cx_survey_followup(s, stored, p->lang));
        fputs("</label></h1><textarea id=\"comment\" name=\"comment\" rows=\"4\" "
              "maxlength=\"4000\" placeholder=\"",
              p->f);
        text(p, cx_ui_text(p->lang, CX_UI_FOLLOWUP_PLACEHOLDER));
        fputs("\"></textarea>", p->f);
    }
    if (s->nreasons) {
        struct cx_option opt[16];
        int n = cx_survey_list_options(s, CX_LIST_REASON, p->lang, opt, 16);
        if (n > 16) n = 16;
        /* without the open follow-up, the reason question is the heading */
        fputs(s->followup ? "<fieldset class=\"list\"><legend class=\"q\">"
                          : "<fieldset class=\"list\"><legend class=\"q\"><h1>",
              p->f);
        text(p, cx_survey_text(s, CX_TEXT_REASON_QUESTION, p->lang));
        fputs(s->followup ? "</legend><div class=\"opts\">" : "</h1></legend><div class=\"opts\">",
              p->f);
        for (int i = 0; i < n; i++) {
            fprintf(p->f,
                    "<div class=\"opt\"><input type=\"radio\" name=\"reason\" id=\"r%d\" "
                    "value=\"%d\"><label for=\"r%d\">",
                    opt[i].value, opt[i].value, opt[i].value);
            text(p, opt[i].label);
            fputs("</label></div>", p->f);
        }
        fputs("</div></fieldset>", p->f);
    }
    fputs("<div class=\"actions\"><button type=\"submit\">", p->f);
    text(p, cx_ui_text(p->lang, CX_UI_SUBMIT));
    fputs("</button><button type=\"submit\" class=\"secondary\" name=\"skip\" value=\"1\">", p->f);
    text(p, cx_ui_text(p->lang, CX_UI_SKIP));
    fputs("</button></div></form>", p->f);
}

/* ---- writing the answer ---- */

struct answer {
    const struct cx_invitation *inv;
    const struct cx_survey *s;
    const char *lang;
    int stored;
    const char *comment; /* NULL: none */
    const char *reason;  /* option label, NULL: none */
    int complete;
    int64_t now;
};

/* A custom single-choice answer becomes the event "survey.answer" with the
 * chosen option's English label as text (same id again replaces it). */
static int write_choice(struct cx_store *s, const struct cx_answer *a, struct cx_err *err)
{
    struct cx_option opt[MAX_OPTIONS];
    int n = cx_survey_options(a->survey, "en", opt, MAX_OPTIONS);
    const char *label = "";
    for (int i = 0; i < n && i < MAX_OPTIONS; i++)
        if (opt[i].value == a->stored) label = opt[i].label;
    char when[24], inv[24], choice[16];
    snprintf(when, sizeof when, "%lld", (long long)a->now);
    snprintf(inv, sizeof inv, "%lld", (long long)a->invitation);
    snprintf(choice, sizeof choice, "%d", a->stored);
    /* the follow-up comment is the event's text; the choice is attributes */
    struct cx_field f[CX_ATTRS_MAX + 16];
    size_t nf = 0;
#define ADD(k, v)                                                                                  \
    do {                                                                                           \
        f[nf].key = (k);                                                                           \
        f[nf].klen = strlen(k);                                                                    \
        f[nf].val = (v);                                                                           \
        f[nf].vlen = strlen(v);                                                                    \
        f[nf].kind = CX_VAL_STRING;                                                                \
        nf++;                                                                                      \
    } while (0)
    ADD("id", a->id);
    ADD("customer", a->customer);
    ADD("time", when);
    ADD("type", "survey.answer");
    ADD("channel", a->channel);
    ADD("survey", a->survey->id);
    ADD("invitation", inv);
    ADD("choice", choice);
    ADD("choice_label", label);
    ADD("lang", a->lang);
    if (a->comment && *a->comment) ADD("text", a->comment);
    if (a->reason && *a->reason) ADD("reason", a->reason);
#undef ADD
    size_t pos = 0;
    struct cx_attr at;
    while (nf < CX_ATTRS_MAX && cx_attrs_next(a->context, a->context_len, &pos, &at) == 1) {
        int dup = 0;
        for (size_t i = 0; i < nf; i++)
            dup |= f[i].klen == at.klen && !memcmp(f[i].key, at.key, at.klen);
        if (dup) continue;
        f[nf] = (struct cx_field){at.key, at.klen, at.val, at.vlen, CX_VAL_STRING};
        nf++;
    }
    struct cx_row row = {1, nf, f};
    struct cx_event e;
    struct cx_reject why;
    if (cx_event_from_row(&row, &e, &why))
        return cx_fail(err, CX_EINVAL, "answer rejected: %s %s", why.field, why.reason);
    enum cx_put res;
    int rc = s->vt->put_event(s, &e, &res, err);
    cx_event_clear(&e);
    return rc;
}

/* Runs on the writer: stores the response "inv-<id>" (answering again
 * replaces it) and marks the invitation. */
static int write_answer(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct answer *a = arg;
    const struct cx_invitation *inv = a->inv;
    char id[40];
    snprintf(id, sizeof id, "inv-%lld", (long long)inv->id);
    struct cx_answer ans = {id,           inv->customer,    a->s,       a->stored,
                            inv->channel, a->lang,          a->comment, a->reason,
                            inv->context, inv->context_len, inv->id,    a->now};
    if (a->s->kind == CX_SURVEY_CUSTOM) { /* a choice, not a score: kept as an event */
        int rc = write_choice(s, &ans, err);
        if (!rc) rc = s->vt->invitation_mark(s, inv->id, CX_INV_ANSWERED, a->now, err);
        if (!rc && a->complete)
            rc = s->vt->invitation_mark(s, inv->id, CX_INV_COMPLETED, a->now, err);
        return rc;
    }
    struct cx_response r;
    struct cx_reject why;
    int rc = cx_answer_response(&ans, &r, &why);
    if (rc) return cx_fail(err, CX_EINVAL, "answer rejected: %s %s", why.field, why.reason);
    enum cx_put res;
    rc = s->vt->put_response(s, &r, &res, err);
    cx_response_clear(&r);
    if (!rc) rc = s->vt->invitation_mark(s, inv->id, CX_INV_ANSWERED, a->now, err);
    if (!rc && a->complete) rc = s->vt->invitation_mark(s, inv->id, CX_INV_COMPLETED, a->now, err);
    return rc;
}

struct mark {
    int64_t id, now;
};

static int write_opened(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct mark *m = arg;
    return s->vt->invitation_mark(s, m->id, CX_INV_OPENED, m->now, err);
}

static int submit(struct cx_api *api, cx_write_fn fn, void *arg)
{
    struct cx_write_job job;
    memset(&job, 0, sizeof job);
    job.kind = CX_JOB_CALL;
    job.fn = fn;
    job.arg = arg;
    return cx_writer_submit(cx_api_writer(api), &job);
}

static int parse_int(const char *s, int *out)
{
    if (!s || !*s || strlen(s) > 6) return -1;
    char *end;
    long v = strtol(s, &end, 10);
    if (*end) return -1;
    *out = (int)v;
    return 0;
}

static int is_option(const struct cx_survey *s, const char *lang, int v)
{
    struct cx_option opt[MAX_OPTIONS];
    int n = cx_survey_options(s, lang, opt, MAX_OPTIONS);
    for (int i = 0; i < n && i < MAX_OPTIONS; i++)
        if (opt[i].value == v) return 1;
    return 0;
}

void cx_pages_handle(struct cx_api *api, const struct cx_http_req *req, const char *token,
                     struct cx_http_resp *resp)
{
    const char *accept = req->accept_language;
    const char *lang = cx_lang_pick(NULL, accept);
    struct cx_token_claims c;
    struct cx_err err = {{0}};
    if (cx_token_parse(token, &c) != CX_TOKEN_OK) {
        message_page(api, lang, 404, CX_UI_LINK_INVALID, -1, resp);
        return;
    }
    struct cx_store *st = cx_api_thread_store(api, &err);
    if (!st) {
        message_page(api, lang, 503, CX_UI_ERROR, -1, resp);
        return;
    }
    struct cx_invitation inv;
    int rc = st->vt->invitation_get(st, c.invitation, &inv, &err);
    if (rc) {
        message_page(api, lang, rc == CX_ENOTFOUND ? 404 : 503,
                     rc == CX_ENOTFOUND ? CX_UI_LINK_INVALID : CX_UI_ERROR, -1, resp);
        return;
    }
    int64_t now = (int64_t)time(NULL);
    enum cx_token_result tr =
        cx_token_verify(st->token_secret, token, inv.survey, inv.customer, inv.channel, now, &c);
    struct cx_survey *s = NULL;
    struct cx_form form = {0};
    if (tr == CX_TOKEN_MALFORMED || tr == CX_TOKEN_BAD_SIGNATURE) {
        message_page(api, lang, 404, CX_UI_LINK_INVALID, -1, resp);
        goto out;
    }
    lang = cx_lang_pick(inv.lang[0] ? inv.lang : NULL, accept);
    if (tr == CX_TOKEN_EXPIRED) {
        message_page(api, lang, 410, CX_UI_LINK_EXPIRED, -1, resp);
        goto out;
    }
    if (inv.completed) {
        message_page(api, lang, 410, CX_UI_LINK_USED, CX_UI_THANKS_DETAIL, resp);
        goto out;
    }
    struct cx_survey_row row;
    if (st->vt->survey_get(st, inv.survey, &row, &err)) {
        message_page(api, lang, 404, CX_UI_LINK_INVALID, -1, resp);
        goto out;
    }
    rc = cx_survey_from_json(row.json, strlen(row.json), &s, &err);
    free(row.json);
    if (rc || row.archived) {
        message_page(api, lang, rc ? 503 : 410, rc ? CX_UI_ERROR : CX_UI_LINK_EXPIRED, -1, resp);
        goto out;
    }
    struct page p;
    if (open_page(&p, lang, cx_api_company(api))) {
        message_page(api, lang, 503, CX_UI_ERROR, -1, resp);
        goto out;
    }
    if (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD")) {
        /* a GET never records an answer: at most "opened" */
        struct mark m = {inv.id, now};
        submit(api, write_opened, &m);
        int pre = -1;
        const char *q = NULL;
        for (size_t i = 0; i < req->nquery; i++)
            if (!strcmp(req->query[i].key, "score")) q = req->query[i].val;
        if (q && parse_int(q, &pre) == 0 && !is_option(s, lang, pre)) pre = -1;
        head(&p, cx_survey_text(s, CX_TEXT_QUESTION, lang));
        question_form(&p, token, s, pre, pre >= 0 || (q && pre < 0 && 0), 0);
        foot(&p);
        finish(&p, resp, 200);
        goto out;
    }
    /* POST */
    int bad = cx_form_parse(req->body, req->body_len, &form) != 0;
    const char *step = bad ? NULL : cx_form_get(&form, "step");
    int shown = -1, stored = 0;
    if (!bad && parse_int(cx_form_get(&form, "answer"), &shown) == 0 && is_option(s, lang, shown) &&
        cx_survey_store_score(s, shown, &stored, &err) == 0) {
        /* valid answer */
    } else {
        shown = -1;
    }
    if (bad || !step || (strcmp(step, "score") && strcmp(step, "followup")) || shown < 0) {
        head(&p, cx_survey_text(s, CX_TEXT_QUESTION, lang));
        question_form(&p, token, s, -1, 0, 1);
        foot(&p);
        finish(&p, resp, 422);
        goto out;
    }
    struct answer a = {&inv, s, lang, stored, NULL, NULL, 0, now};
    int followup_step = !strcmp(step, "followup");
    int has_more = s->followup || s->nreasons;
    char reason_label[CX_OPTION_TEXT_MAX] = "";
    if (followup_step && !cx_form_get(&form, "skip")) {
        const char *cm = cx_form_get(&form, "comment");
        if (cm && cx_utf8_valid(cm, strlen(cm), NULL) && strlen(cm) <= CX_TEXT_MAX) a.comment = cm;
        int ri;
        if (s->nreasons && parse_int(cx_form_get(&form, "reason"), &ri) == 0) {
            struct cx_option opt[16];
            int n = cx_survey_list_options(s, CX_LIST_REASON, "en", opt, 16);
            for (int i = 0; i < n && i < 16; i++)
                if (opt[i].value == ri)
                    snprintf(reason_label, sizeof reason_label, "%s", opt[i].label);
            if (reason_label[0]) a.reason = reason_label;
        }
    }
    a.complete = followup_step || !has_more;
    rc = submit(api, write_answer, &a);
    if (rc) {
        fclose(p.f);
        free(p.buf);
        message_page(api, lang, 503, CX_UI_ERROR, -1, resp);
        goto out;
    }
    if (!a.complete) {
        /* cx_survey_followup is NULL when only the reason is asked */
        head(&p, s->followup ? cx_survey_followup(s, stored, lang)
                             : cx_survey_text(s, CX_TEXT_REASON_QUESTION, lang));
        fputs("<p role=\"status\">", p.f);
        text(&p, cx_ui_text(lang, CX_UI_SAVED));
        fputs("</p>", p.f);
        followup_form(&p, token, s, shown, stored);
        foot(&p);
        finish(&p, resp, 200);
    } else {
        head(&p, cx_ui_text(lang, CX_UI_THANKS));
        fputs("<h1>", p.f);
        text(&p, cx_ui_text(lang, CX_UI_THANKS));
        fputs("</h1><p>", p.f);
        text(&p, cx_ui_text(lang, CX_UI_THANKS_DETAIL));
        fputs("</p>", p.f);
        foot(&p);
        finish(&p, resp, 200);
    }
out:
    cx_form_free(&form);
    cx_survey_free(s);
    free(inv.context);
}
