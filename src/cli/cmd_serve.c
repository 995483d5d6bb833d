/* cmd_serve.c - `cxpulse serve`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "http/server.h"

static const char *env_or(const char *name, const char *def)
{
    const char *v = getenv(name);
    return v && *v ? v : def;
}

static int to_ulong(const char *what, const char *s, unsigned long long *out)
{
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (!*s || *end) return cli_usage_error("serve", "%s: expected a number, got '%s'", what, s);
    *out = v;
    return 0;
}

int cmd_serve(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},           {"listen", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'},        {"timeout", required_argument, 0, 'T'},
        {"max-body", required_argument, 0, 'b'},       {"max-batch", required_argument, 0, 'B'},
        {"rate-limit", required_argument, 0, 'r'},     {"access-log", required_argument, 0, 'a'},
        {"company", required_argument, 0, 'C'},        {"base-url", required_argument, 0, 'u'},
        {"report-max-age", required_argument, 0, 'M'}, {0, 0, 0, 0}};
    const char *data = NULL;
    const char *listen = env_or("CXPULSE_LISTEN", "127.0.0.1:8080");
    const char *threads = env_or("CXPULSE_THREADS", "0");
    const char *timeout = env_or("CXPULSE_TIMEOUT", "30");
    const char *max_body = env_or("CXPULSE_MAX_BODY", "8388608");
    const char *max_batch = env_or("CXPULSE_MAX_BATCH", "10000");
    const char *rate = env_or("CXPULSE_RATE_LIMIT", "5000");
    const char *log = env_or("CXPULSE_ACCESS_LOG", "-");
    const char *company = env_or("CXPULSE_COMPANY", "Acme");
    const char *max_age = env_or("CXPULSE_REPORT_MAX_AGE_MS", "0");
    const char *base_url = env_or("CXPULSE_BASE_URL", NULL);
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'l':
            listen = optarg;
            break;
        case 't':
            threads = optarg;
            break;
        case 'T':
            timeout = optarg;
            break;
        case 'b':
            max_body = optarg;
            break;
        case 'B':
            max_batch = optarg;
            break;
        case 'r':
            rate = optarg;
            break;
        case 'a':
            log = optarg;
            break;
        case 'C':
            company = optarg;
            break;
        case 'u':
            base_url = optarg;
            break;
        case 'M':
            max_age = optarg;
            break;
        default:
            return cli_usage_error("serve", "bad option");
        }
    }
    if (optind < argc) return cli_usage_error("serve", "unexpected argument '%s'", argv[optind]);
    unsigned long long th = 0, to = 0, mb = 0, mbatch = 0, rl = 0, ma = 0;
    if (to_ulong("--threads", threads, &th) || to_ulong("--timeout", timeout, &to) ||
        to_ulong("--max-body", max_body, &mb) || to_ulong("--max-batch", max_batch, &mbatch) ||
        to_ulong("--rate-limit", rate, &rl) || to_ulong("--report-max-age", max_age, &ma))
        return 2;
    if (mb == 0 || mbatch == 0) return cli_usage_error("serve", "limits must be positive");
    struct cx_server_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.dir = cli_data_dir(data);
    cfg.listen = listen;
    cfg.threads = (unsigned)th;
    cfg.timeout_s = (unsigned)to;
    cfg.access_log = log;
    cfg.api.max_body = (size_t)mb;
    cfg.api.max_batch = (size_t)mbatch;
    cfg.api.rate_per_key = (double)rl;
    cfg.api.burst_per_key = (double)rl * 2;
    cfg.api.company = company;
    cfg.api.report_max_age_ms = (unsigned)ma;
    cfg.api.base_url = base_url; /* NULL: the address actually listened on */
    /* the store must exist: serve does not create data directories */
    struct cx_store *s;
    if (cli_open_store(cfg.dir, NULL, &s)) return 1;
    cx_store_close(s);
    struct cx_err err = {{0}};
    if (cx_server_run(&cfg, &err)) return cli_error("%s", err.msg);
    return 0;
}
