/* dash.h - the web dashboard served at "/" by `cxpulse serve`: server-rendered
 * HTML with inline SVG charts (http/svg.h), no JavaScript needed, behind
 * user sessions (cookie) with CSRF-protected forms. */
#ifndef CX_DASH_H
#define CX_DASH_H

#include "http/api.h"

/* Handles every request whose path is not an API, survey-page, widget,
 * webhook, health or metrics route: dashboard pages, the login form, static
 * assets (/dash.css) and the dashboard's 404 page. Always fills resp. */
void cx_dash_handle(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp);

/* The warm-up: a thread that renders the slow default views (operations,
 * issues, drivers) at start and every every_s seconds (0 = 240), so their
 * results are computed before anyone asks (http/dash_memo.h). NULL when
 * the thread cannot start. */
struct cx_dash_warmer;
struct cx_dash_warmer *cx_dash_warm_start(struct cx_api *api, unsigned every_s);
void cx_dash_warm_stop(struct cx_dash_warmer *w); /* NULL is a no-op */

/* Waits until the reports being computed off the request (dash_pages.c)
 * are done; cx_api_free calls it. */
void cx_dash_async_wait(void);

#endif
