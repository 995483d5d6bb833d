/* api_int.h - what the API's other handler files (pages.c) need from api.c. */
#ifndef CX_API_INT_H
#define CX_API_INT_H

#include <jansson.h>

#include "http/api.h"

/* Answers: JSON (takes the reference), an error body, or any body (takes
 * the malloc'ed buffer). */
void cx_api_send_json(struct cx_http_resp *r, int status, json_t *j);
void cx_api_send_error(struct cx_http_resp *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void cx_api_send_body(struct cx_http_resp *r, int status, const char *type, char *body, size_t len);

enum { CX_NEED_INGEST, CX_NEED_READ, CX_NEED_ADMIN, CX_NEED_ANSWER };
/* Checks key, scope (CX_NEED_*; CX_NEED_ANSWER with the survey id) and the
 * rate limit. Returns 1 if allowed, else fills resp and returns 0. */
int cx_api_authorize(struct cx_api *api, const struct cx_http_req *req, int need,
                     const char *survey, struct cx_http_resp *resp);
const char *cx_api_param(const struct cx_http_req *req, const char *key);

/* api_surveys.c: everything under /api/v1/surveys; rest is the path after
 * "/api/v1/surveys" ("" or "/ID..."). */
void cx_api_surveys(struct cx_api *api, const struct cx_http_req *req, const char *rest,
                    struct cx_http_resp *resp);

/* api_insights.c: GET /api/v1/drivers, /topics and /lost (which names one). */
void cx_api_insights(struct cx_api *api, const struct cx_http_req *req, const char *which,
                     struct cx_http_resp *resp);

/* api_channels.c: channel webhooks (/webhooks/whatsapp, /webhooks/sms),
 * unsubscribe pages (/u/TOKEN), the chat endpoint (/api/v1/chat) and the
 * triggers, alerts and outbox APIs. */
void cx_api_channels(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp);

/* widget.js, embedded from src/http/widget.js */
extern const char cx_widget_js[];

/* The calling thread's read connection (NULL with err on failure). */
struct cx_store *cx_api_thread_store(struct cx_api *api, struct cx_err *err);
struct cx_writer *cx_api_writer(struct cx_api *api);
/* The dashboard's background renderer (NULL when none). */
struct cx_dash_warmer;
void cx_api_set_warmer(struct cx_api *api, struct cx_dash_warmer *w);
struct cx_dash_warmer *cx_api_warmer(struct cx_api *api);
/* The data directory. */
const char *cx_api_dir(struct cx_api *api);
/* The dispatcher (NULL when none) and the configuration. */
struct cx_dispatcher *cx_api_dispatcher(struct cx_api *api);
const struct cx_api_config *cx_api_config_of(struct cx_api *api);
/* The company name shown in survey texts ("{company}"). */
const char *cx_api_company(struct cx_api *api);
/* Start of invitation links, e.g. "http://127.0.0.1:8080". */
const char *cx_api_base_url(struct cx_api *api);

#endif
