/* pages.h - hosted survey pages /s/TOKEN: mobile-first HTML without
 * JavaScript, in the invitation's language (or Accept-Language), RTL for
 * Persian.
 *
 * Scanner safety: a GET never records an answer. /s/TOKEN?score=N (the
 * one-click links in an email) shows the page with N pre-selected and a
 * "confirm" heading; the answer is recorded only by the POST the person's
 * click on the button sends. Mail scanners follow links with GET and do not
 * submit forms, so they cannot record a false answer. */
#ifndef CX_PAGES_H
#define CX_PAGES_H

#include "http/api.h"

/* Handles GET and POST of /s/<token>. */
void cx_pages_handle(struct cx_api *api, const struct cx_http_req *req, const char *token,
                     struct cx_http_resp *resp);

#endif
