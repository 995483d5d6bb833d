/* api_insights.c - GET /api/v1/drivers, /api/v1/topics and /api/v1/lost
 * (scope read): the same engines and JSON as the CLI's --format json. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/drivers.h"
#include "engine/insights_json.h"
#include "engine/lost.h"
#include "engine/textdocs.h"
#include "http/api_int.h"

/* Reads an integer parameter; returns -1 (and answers 400) when malformed. */
static int int_param(const struct cx_http_req *req, const char *key, long long lo, long long hi,
                     long long *out, struct cx_http_resp *resp)
{
    const char *v = cx_api_param(req, key);
    if (!v) return 0;
    char *end;
    long long x = strtoll(v, &end, 10);
    if (!*v || *end || x < lo || x > hi) {
        cx_api_send_error(resp, 400, "%s must be an integer %lld-%lld", key, lo, hi);
        return -1;
    }
    *out = x;
    return 1;
}

static int time_param(const struct cx_http_req *req, const char *key, int end_of_day,
                      struct cx_time *t, struct cx_http_resp *resp)
{
    const char *v = cx_api_param(req, key);
    if (!v) return 0;
    int64_t day;
    const char *why = NULL;
    if (!cx_date_parse(v, strlen(v), &day, &why)) {
        t->sec = (day + end_of_day) * 86400;
        t->nsec = 0;
        return 1;
    }
    if (!cx_time_parse(v, strlen(v), t, &why)) return 1;
    cx_api_send_error(resp, 400, "%s: %s", key, why ? why : "not a date or time");
    return -1;
}

static int unknown_params(const struct cx_http_req *req, const char *const *known,
                          struct cx_http_resp *resp)
{
    for (size_t i = 0; i < req->nquery; i++) {
        int ok = 0;
        for (size_t k = 0; known[k] && !ok; k++) ok = !strcmp(req->query[i].key, known[k]);
        if (!ok) {
            cx_api_send_error(resp, 400, "unknown parameter '%s'", req->query[i].key);
            return 1;
        }
    }
    return 0;
}

static void drivers(struct cx_api *api, const struct cx_http_req *req, struct cx_store *s,
                    struct cx_http_resp *resp)
{
    static const char *const known[] = {"metric",     "window_days", "min_n", "from", "to",
                                        "touchpoint", "channel",     "drops", "all",  NULL};
    if (unknown_params(req, known, resp)) return;
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    long long x;
    const char *m = cx_api_param(req, "metric");
    if (m && cx_kind_parse(m, strlen(m), &o.kind)) {
        cx_api_send_error(resp, 400, "metric must be nps, csat or ces");
        return;
    }
    int r;
    if ((r = int_param(req, "window_days", 1, 3650, &x, resp)) < 0) return;
    if (r) o.window_s = x * 86400;
    if ((r = int_param(req, "min_n", 2, 1000000000, &x, resp)) < 0) return;
    if (r) o.min_n = (uint64_t)x;
    if ((r = time_param(req, "from", 0, &o.from, resp)) < 0) return;
    o.has_from = r;
    if ((r = time_param(req, "to", 1, &o.to, resp)) < 0) return;
    o.has_to = r;
    o.touchpoint = cx_api_param(req, "touchpoint");
    o.channel = cx_api_param(req, "channel");
    const char *dr = cx_api_param(req, "drops"), *all = cx_api_param(req, "all");
    o.drops = dr && !strcmp(dr, "true");
    struct cx_driver *d = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (cx_drivers_run(s, &o, &d, &n, &err)) {
        cx_api_send_error(resp, 500, "%s", err.msg);
        return;
    }
    cx_api_send_json(resp, 200, cx_drivers_json(d, n, all && !strcmp(all, "true")));
    cx_drivers_free(d, n);
}

static void topics(struct cx_api *api, const struct cx_http_req *req, struct cx_store *s,
                   struct cx_http_resp *resp)
{
    static const char *const known[] = {"days", "to", "lang", "source", "top", "min_count", NULL};
    if (unknown_params(req, known, resp)) return;
    long long days = 90, top = 20, minc = 10;
    struct cx_time to = {((int64_t)time(NULL) / 86400 + 1) * 86400, 0};
    if (int_param(req, "days", 1, 3650, &days, resp) < 0 ||
        int_param(req, "top", 1, 200, &top, resp) < 0 ||
        int_param(req, "min_count", 1, 1000000, &minc, resp) < 0 ||
        time_param(req, "to", 1, &to, resp) < 0)
        return;
    const char *src_s = cx_api_param(req, "source");
    enum cx_text_source src = CX_TEXT_ALL;
    if (src_s && !strcmp(src_s, "comments"))
        src = CX_TEXT_COMMENTS;
    else if (src_s && !strcmp(src_s, "events"))
        src = CX_TEXT_EVENTS;
    else if (src_s && strcmp(src_s, "all")) {
        cx_api_send_error(resp, 400, "source must be all, comments or events");
        return;
    }
    struct cx_scan_filter f = {0};
    f.has_from = f.has_to = 1;
    f.from.sec = to.sec - 2 * days * 86400;
    f.to.sec = to.sec;
    struct cx_topics_opts o = {(size_t)top, (size_t)minc, to.sec - days * 86400, 3};
    struct cx_textdocs docs;
    struct cx_err err = {{0}};
    if (cx_textdocs_load(s, src, &f, cx_api_param(req, "lang"), &docs, &err)) {
        cx_api_send_error(resp, 500, "%s", err.msg);
        return;
    }
    struct cx_topic *t = NULL;
    size_t n = 0;
    int rc = cx_topics_run(docs.docs, docs.n, &o, &t, &n, &err);
    cx_textdocs_free(&docs);
    if (rc)
        cx_api_send_error(resp, 500, "%s", err.msg);
    else
        cx_api_send_json(resp, 200, cx_topics_json(t, n));
    cx_topics_free(t, n);
}

static void lost(struct cx_api *api, const struct cx_http_req *req, struct cx_store *s,
                 struct cx_http_resp *resp)
{
    static const char *const known[] = {"inactive_days", "renew_days", "limit", "interactions",
                                        NULL};
    if (unknown_params(req, known, resp)) return;
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    long long x;
    int r;
    o.limit = 50;
    if ((r = int_param(req, "inactive_days", 1, 36500, &x, resp)) < 0) return;
    if (r) o.inactive_days = x;
    if ((r = int_param(req, "renew_days", 1, 36500, &x, resp)) < 0) return;
    if (r) o.renew_days = x;
    if ((r = int_param(req, "limit", 1, 10000, &x, resp)) < 0) return;
    if (r) o.limit = (size_t)x;
    if ((r = int_param(req, "interactions", 0, 100, &x, resp)) < 0) return;
    if (r) o.interactions = (size_t)x;
    struct cx_lost *l = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (cx_lost_run(s, &o, &l, &n, &err)) {
        cx_api_send_error(resp, 500, "%s", err.msg);
        return;
    }
    cx_api_send_json(resp, 200, cx_lost_json(l, n));
    cx_lost_free(l, n);
}

void cx_api_insights(struct cx_api *api, const struct cx_http_req *req, const char *which,
                     struct cx_http_resp *resp)
{
    if (!cx_api_authorize(api, req, CX_NEED_READ, NULL, resp)) return;
    struct cx_err err = {{0}};
    struct cx_store *s = cx_api_thread_store(api, &err);
    if (!s) {
        cx_api_send_error(resp, 503, "store unavailable: %s", err.msg);
        return;
    }
    if (!strcmp(which, "drivers"))
        drivers(api, req, s, resp);
    else if (!strcmp(which, "topics"))
        topics(api, req, s, resp);
    else
        lost(api, req, s, resp);
}
