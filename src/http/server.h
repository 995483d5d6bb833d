/* server.h - `cxpulse serve`: libmicrohttpd in front of api.c. */
#ifndef CX_SERVER_H
#define CX_SERVER_H

#include "core/cx.h"
#include "engine/dispatch.h"
#include "http/api.h"

struct cx_server_config {
    const char *dir;
    const char *listen;     /* "ADDR:PORT", default 127.0.0.1:8080 */
    unsigned threads;       /* worker threads (default 2 x cores) */
    unsigned timeout_s;     /* idle connection timeout (default 30) */
    const char *access_log; /* file, "-" for stderr, "off" (default "-") */
    struct cx_api_config api;
    /* Outbound dispatcher; used when api.delivery is set. dir, chan and
     * dcfg are filled in by the server. */
    struct cx_dispatch_cfg dispatch;
    /* Dashboard warm-up period in seconds: 0 = default (240), -1 = off. */
    int dash_warm_s;
};

/* Runs the server until SIGTERM or SIGINT, then stops accepting, lets
 * requests in flight finish, flushes and returns CX_OK. Prints one start-up
 * line to stdout. */
int cx_server_run(const struct cx_server_config *cfg, struct cx_err *err);

#endif
