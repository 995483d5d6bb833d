/* server.c - the HTTP edge: libmicrohttpd threads, request bodies, headers,
 * the access log and graceful shutdown. */
#include "http/server.h"
#include "http/api_int.h"
#include "http/dash.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "engine/writer.h"

struct server {
    const struct cx_server_config *cfg;
    struct cx_api *api;
    FILE *log;
    pthread_mutex_t log_mu;
    atomic_long in_flight;
    atomic_int stopping; /* SIGTERM seen: close connections after their request */
};

struct conn {
    struct timespec start;
    char *body;
    size_t len, cap;
    int too_large;
    struct cx_http_req req;
};

static double since(const struct timespec *t0)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

static const char *header_of(void *hctx, const char *name)
{
    return MHD_lookup_connection_value(hctx, MHD_HEADER_KIND, name);
}

static enum MHD_Result on_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                              const char *value)
{
    struct cx_http_req *req = cls;
    if (req->nquery == CX_API_MAX_QUERY) {
        req->query_overflow = 1;
        return MHD_NO;
    }
    req->query[req->nquery].key = key;
    req->query[req->nquery].val = value ? value : "";
    req->nquery++;
    return MHD_YES;
}

static void access_log(struct server *sv, const char *method, const struct cx_http_resp *r,
                       double secs)
{
    if (!sv->log) return;
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
    /* key names are free text: escape them so every line stays JSON */
    char key[sizeof r->key_name * 6];
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)r->key_name; *p; p++) {
        if (*p == '"' || *p == '\\') {
            key[k++] = '\\';
            key[k++] = (char)*p;
        } else if (*p < 0x20) {
            k += (size_t)snprintf(key + k, sizeof key - k, "\\u%04x", *p);
        } else {
            key[k++] = (char)*p;
        }
    }
    key[k] = 0;
    pthread_mutex_lock(&sv->log_mu);
    fprintf(sv->log,
            "{\"time\":\"%s\",\"method\":\"%s\",\"route\":\"%s\",\"status\":%d,\"bytes\":%zu,"
            "\"duration_ms\":%.3f,\"key\":\"%s\",\"rows\":%llu,\"rejected\":%llu}\n",
            when, method, r->route ? r->route : "", r->status, r->len, secs * 1000, key,
            (unsigned long long)r->rows_ok, (unsigned long long)r->rows_rejected);
    fflush(sv->log); /* whole lines, visible at once, not lost on a crash */
    pthread_mutex_unlock(&sv->log_mu);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls)
{
    struct server *sv = cls;
    struct conn *st = *con_cls;
    if (!st) {
        st = calloc(1, sizeof *st);
        if (!st) return MHD_NO;
        clock_gettime(CLOCK_MONOTONIC, &st->start);
        atomic_fetch_add(&sv->in_flight, 1);
        *con_cls = st;
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
        if (cl && strtoull(cl, NULL, 10) > sv->cfg->api.max_body) st->too_large = 1;
        return MHD_YES;
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (st->too_large || st->len + n > sv->cfg->api.max_body) {
            st->too_large = 1; /* keep draining, answer 413 at the end */
            return MHD_YES;
        }
        if (st->len + n + 1 > st->cap) {
            size_t nc = st->cap ? st->cap * 2 : 4096;
            while (nc < st->len + n + 1) nc *= 2;
            char *nb = realloc(st->body, nc);
            if (!nb) return MHD_NO;
            st->body = nb;
            st->cap = nc;
        }
        memcpy(st->body + st->len, upload_data, n);
        st->len += n;
        return MHD_YES;
    }
    struct cx_http_req *req = &st->req;
    req->method = method;
    req->path = url;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, on_arg, req);
    req->authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");
    req->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    req->accept_language = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Accept-Language");
    req->header_fn = header_of;
    req->hctx = c;
    req->body = st->body ? st->body : "";
    req->body_len = st->len;
    req->body_too_large = st->too_large;
    struct cx_http_resp resp;
    cx_api_handle(sv->api, req, &resp);
    struct MHD_Response *r =
        MHD_create_response_from_buffer(resp.len, resp.body, MHD_RESPMEM_MUST_FREE);
    if (!r) {
        cx_http_resp_clear(&resp);
        return MHD_NO;
    }
    size_t bytes = resp.len;
    resp.body = NULL; /* owned by MHD now */
    MHD_add_response_header(r, "Content-Type", resp.content_type);
    MHD_add_response_header(r, "Cache-Control", "no-store");
    if (resp.allow[0]) MHD_add_response_header(r, "Allow", resp.allow);
    if (resp.cors) {
        MHD_add_response_header(r, "Access-Control-Allow-Origin", "*");
        MHD_add_response_header(r, "Access-Control-Allow-Headers", "Authorization, Content-Type");
        MHD_add_response_header(r, "Access-Control-Allow-Methods", "GET, POST, OPTIONS");
        MHD_add_response_header(r, "Access-Control-Max-Age", "600");
    }
    if (resp.location[0]) MHD_add_response_header(r, "Location", resp.location);
    for (int i = 0; i < 2; i++)
        if (resp.set_cookie[i][0]) MHD_add_response_header(r, "Set-Cookie", resp.set_cookie[i]);
    if (resp.disposition[0]) MHD_add_response_header(r, "Content-Disposition", resp.disposition);
    if (resp.retry_after) {
        char ra[16];
        snprintf(ra, sizeof ra, "%d", resp.retry_after);
        MHD_add_response_header(r, "Retry-After", ra);
    }
    /* while stopping, keep-alive clients must not hold the shutdown open */
    if (resp.status == 413 || atomic_load(&sv->stopping))
        MHD_add_response_header(r, "Connection", "close");
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp.status, r);
    MHD_destroy_response(r);
    double secs = since(&st->start);
    resp.len = bytes;
    cx_api_observe(sv->api, method, resp.route, resp.status, secs);
    access_log(sv, method, &resp, secs);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    struct server *sv = cls;
    struct conn *st = *con_cls;
    if (!st) return;
    free(st->body);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&sv->in_flight, 1);
}

static int parse_listen(const char *s, struct sockaddr_in *sa, struct cx_err *err)
{
    const char *colon = strrchr(s, ':');
    if (!colon) return cx_fail(err, CX_EINVAL, "--listen: expected ADDR:PORT, got '%s'", s);
    char host[64];
    size_t hl = (size_t)(colon - s);
    if (hl == 0 || hl >= sizeof host)
        return cx_fail(err, CX_EINVAL, "--listen: bad address in '%s'", s);
    memcpy(host, s, hl);
    host[hl] = 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535)
        return cx_fail(err, CX_EINVAL, "--listen: bad port in '%s'", s);
    memset(sa, 0, sizeof *sa);
    sa->sin_family = AF_INET;
    sa->sin_port = htons((uint16_t)port);
    if (!strcmp(host, "localhost")) strcpy(host, "127.0.0.1");
    if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
        return cx_fail(err, CX_EINVAL, "--listen: '%s' is not an IPv4 address", host);
    return CX_OK;
}

int cx_server_run(const struct cx_server_config *cfg, struct cx_err *err)
{
    struct sockaddr_in sa;
    int rc = parse_listen(cfg->listen ? cfg->listen : "127.0.0.1:8080", &sa, err);
    if (rc) return rc;
    /* signals are taken by sigwait in this thread only */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGINT);
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct server sv;
    memset(&sv, 0, sizeof sv);
    sv.cfg = cfg;
    pthread_mutex_init(&sv.log_mu, NULL);
    const char *log = cfg->access_log ? cfg->access_log : "-";
    if (!strcmp(log, "-"))
        sv.log = stderr;
    else if (strcmp(log, "off") && !(sv.log = fopen(log, "a")))
        return cx_fail(err, CX_EIO, "access log '%s': %s", log, strerror(errno));
    struct cx_writer *w = NULL;
    struct cx_dispatcher *disp = NULL;
    rc = cx_writer_start(cfg->dir, 0, &w, err);
    if (!rc && cfg->api.delivery) {
        /* new rows fire triggers and alerts in their own transaction */
        struct cx_store *ws = cx_writer_store(w);
        ws->after_insert = cx_deliver_hook;
        ws->after_insert_ctx = cfg->api.delivery;
    }
    if (!rc) rc = cx_api_new(cfg->dir, w, &cfg->api, &sv.api, err);
    if (rc) {
        cx_writer_stop(w);
        if (sv.log && sv.log != stderr) fclose(sv.log);
        return rc;
    }
    /* Handlers block while their rows are committed: enough threads keep
     * many requests waiting on one group commit. */
    unsigned threads = cfg->threads ? cfg->threads : 64;
    struct MHD_Daemon *d = MHD_start_daemon(
        MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC, 0, NULL, NULL, on_request,
        &sv, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&sa, MHD_OPTION_THREAD_POOL_SIZE, threads,
        MHD_OPTION_CONNECTION_TIMEOUT, cfg->timeout_s ? cfg->timeout_s : 30u,
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)64 * 1024, MHD_OPTION_CONNECTION_LIMIT, 4096u,
        MHD_OPTION_NOTIFY_COMPLETED, on_completed, &sv, MHD_OPTION_END);
    if (!d) {
        cx_api_free(sv.api);
        cx_writer_stop(w);
        if (sv.log && sv.log != stderr) fclose(sv.log);
        return cx_fail(err, CX_EIO, "cannot listen on %s: %s", cfg->listen, strerror(errno));
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    char addr[64];
    inet_ntop(AF_INET, &sa.sin_addr, addr, sizeof addr);
    if (!cfg->api.base_url) {
        char base[96];
        snprintf(base, sizeof base, "http://%s:%u", addr, info ? info->port : ntohs(sa.sin_port));
        cx_api_set_base_url(sv.api, base);
    }
    if (cfg->api.delivery) {
        cfg->api.delivery->base_url = cx_api_base_url(sv.api);
        cfg->api.delivery->company = cx_api_company(sv.api);
        struct cx_dispatch_cfg dc = cfg->dispatch;
        dc.dir = cfg->dir;
        dc.chan = cfg->api.chan;
        dc.dcfg = cfg->api.delivery;
        if (cx_dispatch_start(w, &dc, &disp, err)) {
            MHD_stop_daemon(d);
            cx_writer_stop(w);
            cx_api_free(sv.api);
            if (sv.log && sv.log != stderr) fclose(sv.log);
            return CX_EIO;
        }
        cx_api_set_dispatcher(sv.api, disp);
    }
    struct cx_dash_warmer *warm =
        cfg->dash_warm_s >= 0 ? cx_dash_warm_start(sv.api, (unsigned)cfg->dash_warm_s) : NULL;
    printf("cxpulse %s listening on http://%s:%u (data %s, %u threads)\n", CX_VERSION, addr,
           info ? info->port : ntohs(sa.sin_port), cfg->dir, threads);
    fflush(stdout);

    int sig = 0;
    sigwait(&set, &sig);
    fprintf(stderr, "cxpulse: %s received, finishing requests in flight\n",
            sig == SIGTERM ? "SIGTERM" : "SIGINT");
    atomic_store(&sv.stopping, 1);
    MHD_socket lsock = MHD_quiesce_daemon(d); /* stop accepting */
    for (int i = 0; i < 1000 && atomic_load(&sv.in_flight) > 0; i++) usleep(10000);
    MHD_stop_daemon(d);
    /* after quiesce the listening socket is ours to close */
    if (lsock != MHD_INVALID_SOCKET) close(lsock);
    cx_dash_warm_stop(warm);
    cx_dispatch_stop(disp); /* finishes the message being sent */
    cx_writer_stop(w);      /* commits whatever is queued */
    cx_api_free(sv.api);
    if (sv.log) fflush(sv.log);
    if (sv.log && sv.log != stderr) fclose(sv.log);
    pthread_mutex_destroy(&sv.log_mu);
    fprintf(stderr, "cxpulse: stopped\n");
    return CX_OK;
}
