/* dash_int.h - shared by the dashboard's files (dash.c: sessions, frame,
 * filters, tables; dash_*.c: pages). */
#ifndef CX_DASH_INT_H
#define CX_DASH_INT_H

#include <stdint.h>

#include "http/api_int.h"
#include "http/dash.h"
#include "http/html.h"

struct cx_dash_user {
    int64_t id;
    char name[129];
    int admin; /* 1 admin, 0 viewer (a viewer can change nothing) */
};

/* Filters every page understands, read from the query string and written
 * back into every link and form so that a URL shows the same view. Empty
 * string = not set. */
struct cx_dash_filter {
    char from[32], to[32]; /* YYYY-MM-DD, inclusive local days (default: the last 90 days) */
    char grain[16];        /* day, week, month (trends; default week) */
    char channel[129];
    char touchpoint[129];
    char attr_key[129], attr_val[257]; /* any attribute: attr=KEY&val=VALUE */
    char by[129];                      /* split: channel, touchpoint or an attribute (trends) */
    char metric[64];                   /* trends: which metric (default nps) */
    char q[257];                       /* free search (customers, responses) */
};

/* One request to the dashboard. */
struct cx_dash_req {
    struct cx_api *api;
    const struct cx_http_req *req;
    struct cx_http_resp *resp;
    struct cx_store *store; /* the thread's read connection */
    struct cx_dash_user user;
    char csrf[65]; /* this session's CSRF token (hex) */
    struct cx_dash_filter f;
    const char *path; /* request path */
    int refresh_s;    /* > 0: the page reloads itself after this many seconds */
};

/* ---- frame (dash.c) ---- */

/* Starts a page: <!doctype>, <head> with title and /dash.css, the navigation
 * with nav_id ("overview", "trends", ...) marked current, the user and the
 * logout form. */
void cx_dash_begin(struct cx_dash_req *d, struct cx_html *h, const char *title, const char *nav_id);
/* The filter form (GET, keeps the other query parameters): which is a bit set
 * of CX_DF_*. */
#define CX_DF_PERIOD 1u
#define CX_DF_CHANNEL 2u
#define CX_DF_TOUCHPOINT 4u
#define CX_DF_ATTR 8u
#define CX_DF_GRAIN 16u
#define CX_DF_BY 32u
#define CX_DF_METRIC 64u
#define CX_DF_SEARCH 128u
#define CX_DF_ALL 0xffu
void cx_dash_filters(struct cx_dash_req *d, struct cx_html *h, unsigned which);
/* Ends the page and sends it (200, text/html), or 500 when h overflowed. */
void cx_dash_end(struct cx_dash_req *d, struct cx_html *h);
/* Appends the current filter as a query string without the leading '?'
 * ("from=...&to=...&channel=..."), URL-encoded; for links between pages. */
void cx_dash_filter_query(const struct cx_dash_filter *f, struct cx_html *h);
/* Applies the filter to a report query / scan filter (period in the store's
 * zone, channel, touchpoint, attribute). */
struct cx_query;
int cx_dash_apply_query(struct cx_dash_req *d, struct cx_query *q, struct cx_err *err);
/* The same from a filter and a zone (for work done off the request). */
int cx_dash_query_filter(const struct cx_dash_filter *f, const char *tz, struct cx_query *q,
                         struct cx_err *err);
struct cx_scan_filter;
void cx_dash_apply_scan(struct cx_dash_req *d, struct cx_scan_filter *sf);

/* ---- forms (dash.c) ---- */

/* <input type=hidden name=csrf value=...> */
void cx_dash_csrf_field(struct cx_dash_req *d, struct cx_html *h);
/* For a POST: checks the CSRF token and, when need_admin, the role. Returns 1
 * when allowed; otherwise sends 403 (an HTML page saying why) and returns 0. */
int cx_dash_post_ok(struct cx_dash_req *d, int need_admin);
/* A field of the POSTed form (application/x-www-form-urlencoded), or NULL.
 * Valid for the request. */
const char *cx_dash_field(struct cx_dash_req *d, const char *key);
/* Sends 303 See Other to url (a local path with query). */
void cx_dash_redirect(struct cx_dash_req *d, const char *url);
/* Sends an error page with status (400, 403, 404, 500) and a message. */
void cx_dash_error(struct cx_dash_req *d, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* ---- tables with CSV export (dash.c) ---- */

/* A table collects its cells once and is shown as HTML or downloaded as CSV
 * ("?...&export=ID" serves exactly the rows and columns the page shows). */
struct cx_dash_table;
struct cx_dash_table *cx_dash_table_new(const char *id, const char *caption, int ncols,
                                        const char *const *headers);
/* Adds the next cell (rows wrap after ncols cells). text is copied; cls is a
 * CSS class for the cell (e.g. "num", "bad", "good") or NULL; href a link
 * (copied) or NULL. */
void cx_dash_table_cell(struct cx_dash_table *t, const char *text, const char *cls,
                        const char *href);
/* Marks the row being filled with a CSS class (e.g. "detractor"). */
void cx_dash_table_row_class(struct cx_dash_table *t, const char *cls);
/* When the request asks for this table's export, sends the CSV (text/csv,
 * attachment) and returns 1; else 0. Call before cx_dash_begin. */
int cx_dash_table_export(struct cx_dash_req *d, struct cx_dash_table *t);
/* Appends the HTML table with its caption and an "Export CSV" link. */
void cx_dash_table_render(struct cx_dash_req *d, struct cx_html *h, struct cx_dash_table *t);
void cx_dash_table_free(struct cx_dash_table *t);

/* ---- added with dash.c / dash_text.c ---- */

/* UI text (dash_text.c): the English text is the key; returns the active
 * language's translation or the key itself. cx_dash_lang picks the
 * language of the calling thread ("en"; unknown codes give English). */
const char *cx_dash_t(const char *en);
void cx_dash_lang(const char *code);
const char *cx_dash_lang_code(void);
/* A query-string parameter of the request, or NULL. */
const char *cx_dash_param(const struct cx_dash_req *d, const char *key);
/* 1 when attrs (a response's attribute blob) passes the filter's attribute
 * condition (always 1 without one). */
int cx_dash_attr_match(const struct cx_dash_req *d, const unsigned char *attrs, size_t len);
/* The filter's period as local days of the store's zone, inclusive, and as
 * instants [from, to). */
void cx_dash_period(const struct cx_dash_req *d, int64_t *day0, int64_t *day1, int64_t *t0,
                    int64_t *t1);
/* 1 for a score that makes a follow-up task (store.h's rule). */
int cx_dash_is_low(int scale_idx, int score);
/* Runs fn on the writer's store in a durable transaction; returns its rc
 * (err filled). */
int cx_dash_write(struct cx_dash_req *d,
                  int (*fn)(struct cx_store *s, void *arg, struct cx_err *err), void *arg,
                  struct cx_err *err);
/* A short note shown above a result (e.g. "this filter reads every row"). */
void cx_dash_note(struct cx_html *h, const char *text);
/* Appends the request path with its query (without export=) for links that
 * return to this view, URL-safe and HTML-escaped. */
void cx_dash_self_url(const struct cx_dash_req *d, struct cx_html *h);

/* ---- slow views ---- */

/* Queues the current view (path and query) to be rendered by the
 * background renderer, which fills the shared results (http/dash_memo.h).
 * Returns 0 when there is no renderer (the page then computes in the
 * request) or this request is the renderer's own. */
int cx_dash_render_later(struct cx_dash_req *d);
/* Sends the page shown while its numbers are computed: the frame, the
 * filters, a status note, and a reload after 3 seconds. */
void cx_dash_pending(struct cx_dash_req *d, const char *title, const char *nav, unsigned filters);

/* ---- pages: one function per page ---- */
/* dash_pages.c */
void cx_dash_page_overview(struct cx_dash_req *d);   /* / */
void cx_dash_page_trends(struct cx_dash_req *d);     /* /trends */
void cx_dash_page_effort(struct cx_dash_req *d);     /* /effort */
void cx_dash_page_operations(struct cx_dash_req *d); /* /operations */
void cx_dash_page_responses(struct cx_dash_req *d);  /* /responses */
void cx_dash_page_followup(struct cx_dash_req *d); /* /followup (GET list, POST take/note/close) */
void cx_dash_page_settings(struct cx_dash_req *d); /* /settings (admins; API keys, users) */
/* dash_insights.c */
void cx_dash_page_issues(struct cx_dash_req *d);  /* /issues (topics with trends and quotes) */
void cx_dash_page_drivers(struct cx_dash_req *d); /* /drivers */
/* dash_customers.c */
void cx_dash_page_customers(struct cx_dash_req *d); /* /customers (search) and /customers/ID */
/* dash_defs.c */
void cx_dash_page_surveys(struct cx_dash_req *d);  /* /surveys (list, create) */
void cx_dash_page_triggers(struct cx_dash_req *d); /* /triggers (list, create, delete) */
void cx_dash_page_alerts(struct cx_dash_req *d);   /* /alerts (list, create) */

#endif
