/* api.h - the JSON API under /api/v1, independent of the HTTP library.
 *
 * The server edge (server.c) turns a libmicrohttpd request into a struct
 * cx_http_req and sends back the struct cx_http_resp; handlers never see
 * sockets. A fuzz target and the tests drive cx_api_handle directly. */
#ifndef CX_API_H
#define CX_API_H

#include <stddef.h>
#include <stdint.h>

#include "core/cx.h"
#include "engine/writer.h"
#include "store/store.h"

#define CX_API_MAX_QUERY 64

struct cx_query_param {
    const char *key, *val;
};

struct cx_http_req {
    const char *method; /* "GET", "POST", ... */
    const char *path;   /* decoded path without the query string */
    struct cx_query_param query[CX_API_MAX_QUERY];
    size_t nquery;
    int query_overflow;          /* more parameters than fit */
    const char *authorization;   /* header value or NULL */
    const char *content_type;    /* header value or NULL */
    const char *accept_language; /* header value or NULL */
    const char *body;
    size_t body_len;
    int body_too_large; /* the edge stopped reading at the body limit */
    /* Any other request header by name (case-insensitive), or NULL. The edge
     * sets header_fn; tests may leave it NULL (every lookup gives NULL). */
    const char *(*header_fn)(void *hctx, const char *name);
    void *hctx;
    int tls;    /* the request came over TLS (or a trusted proxy said so) */
    int warmup; /* the server's own dashboard warm-up (never from the network) */
};

/* The value of request header name, or NULL. */
const char *cx_http_header(const struct cx_http_req *req, const char *name);

struct cx_http_resp {
    int status;
    const char *content_type; /* static */
    char *body;               /* malloc'ed (cx_http_resp_clear frees) */
    size_t len;
    char allow[64];     /* Allow header for 405 */
    int retry_after;    /* seconds, 0 = none */
    const char *route;  /* route template for logs and metrics (static) */
    char key_name[129]; /* the authenticated key's name, "" if none */
    uint64_t rows_ok, rows_rejected;
    int cors;                /* add CORS headers (web widget routes) */
    char location[1024];     /* Location header (redirects), "" = none */
    char set_cookie[2][512]; /* Set-Cookie headers, "" = none */
    char disposition[256];   /* Content-Disposition (downloads), "" = none */
};

/* Limits and settings of the API. */
struct cx_api_config {
    size_t max_body;            /* bytes (default 8 MiB) */
    size_t max_batch;           /* rows per NDJSON batch (default 10000) */
    double rate_per_key;        /* requests per second per key; 0 = unlimited */
    double burst_per_key;       /* bucket size */
    const char *company;        /* shown for {company} in survey texts (default "Acme") */
    const char *base_url;       /* start of invitation links (default from the request) */
    unsigned report_max_age_ms; /* while data is written, GET /report may answer with a
                                   result computed up to this long ago (0 = never) */
    /* Delivery (issue 5): channel settings and survey delivery rules; NULL
     * = webhooks and the chat endpoint answer 503. Not owned. */
    const struct cx_chan_config *chan;
    struct cx_delivery_cfg *delivery;
};

struct cx_api;

/* Creates the API over the data directory dir, sharing writer w (not owned).
 * Read connections are opened per thread on first use. */
int cx_api_new(const char *dir, struct cx_writer *w, const struct cx_api_config *cfg,
               struct cx_api **out, struct cx_err *err);
void cx_api_free(struct cx_api *api);
/* Sets the start of invitation links (copied). */
void cx_api_set_base_url(struct cx_api *api, const char *url);

/* The dispatcher to wake after messages were queued (not owned). */
struct cx_dispatcher;
void cx_api_set_dispatcher(struct cx_api *api, struct cx_dispatcher *d);

/* Handles one request; always fills resp (status and a body). */
void cx_api_handle(struct cx_api *api, const struct cx_http_req *req, struct cx_http_resp *resp);
void cx_http_resp_clear(struct cx_http_resp *resp);

/* Prometheus text for GET /metrics (caller frees). */
char *cx_api_metrics_text(struct cx_api *api, size_t *len);
/* Records one finished request for /metrics. */
void cx_api_observe(struct cx_api *api, const char *method, const char *route, int status,
                    double seconds);

#endif
