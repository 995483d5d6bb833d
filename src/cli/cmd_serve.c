/* cmd_serve.c - `cxpulse serve`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "channel/channel.h"
#include "cli/cli.h"
#include "engine/deliver.h"
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
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"listen", required_argument, 0, 'l'},
                                         {"threads", required_argument, 0, 't'},
                                         {"timeout", required_argument, 0, 'T'},
                                         {"max-body", required_argument, 0, 'b'},
                                         {"max-batch", required_argument, 0, 'B'},
                                         {"rate-limit", required_argument, 0, 'r'},
                                         {"access-log", required_argument, 0, 'a'},
                                         {"company", required_argument, 0, 'C'},
                                         {"base-url", required_argument, 0, 'u'},
                                         {"report-max-age", required_argument, 0, 'M'},
                                         {"config", required_argument, 0, 'c'},
                                         {"fatigue-days", required_argument, 0, 'F'},
                                         {"quiet-hours", required_argument, 0, 'Q'},
                                         {"retry-base-ms", required_argument, 0, 'R'},
                                         {"max-attempts", required_argument, 0, 'A'},
                                         {"alert-check-seconds", required_argument, 0, 'K'},
                                         {"dispatch-tick-ms", required_argument, 0, 'P'},
                                         {"dashboard-refresh", required_argument, 0, 'W'},
                                         {0, 0, 0, 0}};
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
    const char *config = env_or("CXPULSE_CONFIG", NULL);
    const char *fatigue = env_or("CXPULSE_FATIGUE_DAYS", "30");
    const char *quiet = env_or("CXPULSE_QUIET_HOURS", "21-8");
    const char *retry_base = env_or("CXPULSE_RETRY_BASE_MS", "30000");
    const char *max_attempts = env_or("CXPULSE_MAX_ATTEMPTS", "8");
    const char *alert_check = env_or("CXPULSE_ALERT_CHECK_SECONDS", "300");
    const char *tick = env_or("CXPULSE_DISPATCH_TICK_MS", "500");
    const char *warm = env_or("CXPULSE_DASHBOARD_REFRESH", "240");
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
        case 'c':
            config = optarg;
            break;
        case 'F':
            fatigue = optarg;
            break;
        case 'Q':
            quiet = optarg;
            break;
        case 'R':
            retry_base = optarg;
            break;
        case 'A':
            max_attempts = optarg;
            break;
        case 'K':
            alert_check = optarg;
            break;
        case 'P':
            tick = optarg;
            break;
        case 'W':
            warm = optarg;
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
    unsigned long long fd = 0, rb = 0, mx = 0, ac = 0, tk = 0;
    if (to_ulong("--fatigue-days", fatigue, &fd) || to_ulong("--retry-base-ms", retry_base, &rb) ||
        to_ulong("--max-attempts", max_attempts, &mx) ||
        to_ulong("--alert-check-seconds", alert_check, &ac) ||
        to_ulong("--dispatch-tick-ms", tick, &tk))
        return 2;
    if (fd > 3650 || mx < 1 || mx > 100 || rb < 1 || rb > 86400000 || tk < 10 || tk > 60000)
        return cli_usage_error("serve", "--fatigue-days 0-3650, --max-attempts 1-100, "
                                        "--retry-base-ms 1-86400000, --dispatch-tick-ms 10-60000");
    unsigned long long wm = 0;
    if (strcmp(warm, "off") &&
        (to_ulong("--dashboard-refresh", warm, &wm) || wm < 10 || wm > 86400))
        return cli_usage_error("serve", "--dashboard-refresh: 10-86400 seconds, or off");
    int warm_s = strcmp(warm, "off") ? (int)wm : -1;
    struct cx_delivery_cfg dcfg;
    cx_delivery_defaults(&dcfg);
    dcfg.fatigue_days = (int)fd;
    if (!strcmp(quiet, "none")) {
        dcfg.quiet_start = dcfg.quiet_end = 0;
    } else {
        int qs = -1, qe = -1;
        char extra;
        if (sscanf(quiet, "%d-%d%c", &qs, &qe, &extra) != 2 || qs < 0 || qs > 23 || qe < 0 ||
            qe > 23)
            return cli_usage_error("serve",
                                   "--quiet-hours: START-END in local hours 0-23 "
                                   "(e.g. 21-8), or none; got '%s'",
                                   quiet);
        dcfg.quiet_start = qs;
        dcfg.quiet_end = qe;
    }
    struct cx_server_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.dash_warm_s = warm_s;
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
    char zone[128];
    snprintf(zone, sizeof zone, "%s", s->rollup_tz);
    cx_store_close(s);
    dcfg.default_tz = zone;
    /* channel settings: --config, $CXPULSE_CONFIG, or DATA/channels.conf if
     * it exists; then the environment */
    char conf_path[4200];
    if (!config) {
        snprintf(conf_path, sizeof conf_path, "%s/channels.conf", cfg.dir);
        config = conf_path;
    }
    struct cx_chan_config chan;
    struct cx_err err = {{0}};
    if (cx_chan_config_load(&chan, config, &err)) return cli_error("%s", err.msg);
    dcfg.wa_template = chan.wa_template;
    dcfg.wa_template_lang = chan.wa_template_lang;
    cfg.api.chan = &chan;
    cfg.api.delivery = &dcfg;
    cfg.dispatch.retry_base_ms = (int)rb;
    cfg.dispatch.max_attempts = (int)mx;
    cfg.dispatch.alert_check_s = (int)ac;
    cfg.dispatch.tick_ms = (int)tk;
    static const char *const names[] = {"email", "whatsapp", "sms"};
    fprintf(stderr, "cxpulse: channels:");
    for (int i = 0; i < 3; i++)
        fprintf(stderr, " %s %s", names[i],
                cx_chan_configured(&chan, names[i]) ? "configured" : "not configured");
    fprintf(stderr, "; fatigue %d days; quiet hours %s\n", dcfg.fatigue_days, quiet);
    int rc = cx_server_run(&cfg, &err);
    cx_chan_config_free(&chan);
    cx_delivery_clear(&dcfg);
    if (rc) return cli_error("%s", err.msg);
    return 0;
}
