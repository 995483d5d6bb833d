/* cmd_drivers.c - `cxpulse drivers`: the interactions that come before low
 * scores (or drops) more than before high ones. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/drivers.h"
#include "engine/insights_json.h"

static const char *kind_label(enum cx_kind k)
{
    return k == CX_KIND_NPS ? "NPS score" : k == CX_KIND_CSAT ? "CSAT" : "CES";
}

static void pstr(char *buf, size_t cap, double p)
{
    if (p < 0.001)
        snprintf(buf, cap, "p < 0.001");
    else
        snprintf(buf, cap, "p = %.3f", p);
}

static void print_driver(const struct cx_driver *d, const struct cx_drivers_opts *o, size_t rank,
                         int indent)
{
    char p[32];
    pstr(p, sizeof p, d->p_adjusted);
    if (indent)
        printf("      ");
    else
        printf("%2zu. ", rank);
    printf("%s: %s %.2f %s (%.2f vs %.2f; n = %llu vs %llu, %s; low scores %.0f%% vs %.0f%%, "
           "lift %.1fx)%s\n",
           d->label, kind_label(o->kind), fabs(d->effect),
           o->drops ? (d->effect < 0 ? "bigger drop" : "smaller drop")
                    : (d->effect < 0 ? "lower" : "higher"),
           d->mean_with, d->mean_without, (unsigned long long)d->n_with,
           (unsigned long long)d->n_without, p, 100 * d->low_with, 100 * d->low_without,
           isfinite(d->lift) ? d->lift : 0.0, d->significant ? "" : "  (not significant)");
}

int cmd_drivers(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"metric", required_argument, 0, 'm'},
                                         {"window-days", required_argument, 0, 'w'},
                                         {"min-n", required_argument, 0, 'n'},
                                         {"from", required_argument, 0, 'F'},
                                         {"to", required_argument, 0, 'T'},
                                         {"touchpoint", required_argument, 0, 'p'},
                                         {"channel", required_argument, 0, 'c'},
                                         {"drops", no_argument, 0, 'D'},
                                         {"no-cross", no_argument, 0, 'X'},
                                         {"all", no_argument, 0, 'A'},
                                         {"format", required_argument, 0, 'f'},
                                         {0, 0, 0, 0}};
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    const char *data = NULL, *fmt = "table";
    int all = 0, c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *why = NULL;
        int64_t day;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'm':
            if (cx_kind_parse(optarg, strlen(optarg), &o.kind))
                return cli_usage_error("drivers", "--metric must be nps, csat or ces");
            break;
        case 'w':
            o.window_s = strtoll(optarg, NULL, 10) * 86400;
            break;
        case 'n':
            o.min_n = strtoull(optarg, NULL, 10);
            break;
        case 'F':
        case 'T': {
            struct cx_time t;
            if (!cx_date_parse(optarg, strlen(optarg), &day, &why)) {
                t.sec = (day + (c == 'T')) * 86400;
                t.nsec = 0;
            } else if (cx_time_parse(optarg, strlen(optarg), &t, &why)) {
                return cli_usage_error("drivers", "--%s: %s", c == 'F' ? "from" : "to", why);
            }
            if (c == 'F')
                o.has_from = 1, o.from = t;
            else
                o.has_to = 1, o.to = t;
            break;
        }
        case 'p':
            o.touchpoint = optarg;
            break;
        case 'c':
            o.channel = optarg;
            break;
        case 'D':
            o.drops = 1;
            break;
        case 'X':
            o.no_cross = 1;
            break;
        case 'A':
            all = 1;
            break;
        case 'f':
            fmt = optarg;
            break;
        default:
            return cli_usage_error("drivers", "bad option");
        }
    }
    if (strcmp(fmt, "table") && strcmp(fmt, "json"))
        return cli_usage_error("drivers", "--format must be table or json");
    if (o.window_s < 0) return cli_usage_error("drivers", "--window-days must be positive");
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_driver *d = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    int rc = cx_drivers_run(s, &o, &d, &n, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    if (!strcmp(fmt, "json")) {
        json_t *arr = cx_drivers_json(d, n, all);
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        printf("%s drivers (%s, window %lld days, min n %llu, Holm-corrected at 5%%):\n\n",
               o.drops ? "drop" : "low-score", kind_label(o.kind), (long long)(o.window_s / 86400),
               (unsigned long long)o.min_n);
        /* each base pattern, then (indented) its strongest touchpoint and
         * channel variants; variants of patterns not listed come last */
        size_t shown = 0;
        char *done = calloc(n + 1, 1);
        for (int pass = 0; pass < 2 && done; pass++)
            for (size_t i = 0; i < n; i++) {
                if (done[i] || (!all && !d[i].significant)) continue;
                int crossed = d[i].touchpoint || d[i].channel;
                if (pass == 0 && crossed) continue;
                done[i] = 1;
                print_driver(&d[i], &o, ++shown, 0);
                if (crossed) continue;
                int variants = 0;
                for (size_t k = 0; k < n && variants < 3; k++) {
                    if (done[k] || (!all && !d[k].significant) || !d[k].base ||
                        strcmp(d[k].base, d[i].feature) || !(d[k].touchpoint || d[k].channel))
                        continue;
                    done[k] = 1;
                    print_driver(&d[k], &o, 0, 1);
                    variants++;
                }
            }
        free(done);
        if (!shown) printf("no pattern is significant (use --all to see every one tested)\n");
    }
    cx_drivers_free(d, n);
    return 0;
}
