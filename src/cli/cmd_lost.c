/* cmd_lost.c - `cxpulse lost`: customers who cancelled, did not renew or went
 * quiet, with their last scores and what happened before they left. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/decimal.h"
#include "engine/insights_json.h"
#include "engine/lost.h"

static void when(int64_t t, char *buf, size_t cap)
{
    time_t x = (time_t)t;
    struct tm tm;
    strftime(buf, cap, "%Y-%m-%d", gmtime_r(&x, &tm));
}

int cmd_lost(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},       {"inactive-days", required_argument, 0, 'i'},
        {"renew-days", required_argument, 0, 'r'}, {"since", required_argument, 0, 's'},
        {"limit", required_argument, 0, 'l'},      {"interactions", required_argument, 0, 'n'},
        {"format", required_argument, 0, 'f'},     {0, 0, 0, 0}};
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    o.limit = 50;
    const char *data = NULL, *fmt = "table";
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *why;
        int64_t day;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'i':
            o.inactive_days = strtoll(optarg, NULL, 10);
            break;
        case 'r':
            o.renew_days = strtoll(optarg, NULL, 10);
            break;
        case 'l':
            o.limit = strtoull(optarg, NULL, 10);
            break;
        case 'n':
            o.interactions = strtoull(optarg, NULL, 10);
            break;
        case 's':
            if (cx_date_parse(optarg, strlen(optarg), &day, &why))
                return cli_usage_error("lost", "--since: %s", why);
            o.has_since = 1;
            o.since = day * 86400;
            break;
        case 'f':
            fmt = optarg;
            break;
        default:
            return cli_usage_error("lost", "bad option");
        }
    }
    if (strcmp(fmt, "table") && strcmp(fmt, "json"))
        return cli_usage_error("lost", "--format must be table or json");
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_lost *l = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    int rc = cx_lost_run(s, &o, &l, &n, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    static const char *const kinds[CX_NKINDS] = {"nps", "csat", "ces"};
    if (!strcmp(fmt, "json")) {
        json_t *arr = cx_lost_json(l, n);
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        printf("%zu lost customers (most recent first)\n", n);
        for (size_t i = 0; i < n; i++) {
            char d[16];
            when(l[i].left_at, d, sizeof d);
            printf("\n%s  %s %s", l[i].customer, cx_lost_reason_name(l[i].reason), d);
            for (int k = 0; k < CX_NKINDS; k++)
                if (l[i].last[k].has)
                    printf("  last %s %d/%d-%d", kinds[k], l[i].last[k].score,
                           l[i].last[k].scale.min, l[i].last[k].scale.max);
            if (l[i].last[CX_KIND_CES].has) printf("  (mean CES %.1f)", l[i].mean[CX_KIND_CES]);
            putchar('\n');
            for (size_t k = 0; k < l[i].nbefore; k++) {
                char tb[40], w[32];
                const struct cx_lost_event *e = &l[i].before[k];
                printf("    %s  %-9s %s", cx_time_format(e->t, tb), e->channel, e->type);
                if (e->has_wait) printf(" (wait %ss)", cx_decimal_format(e->wait_ns, w));
                if (e->text) printf("  \"%.80s\"", e->text);
                putchar('\n');
            }
        }
    }
    cx_lost_free(l, n);
    return 0;
}
