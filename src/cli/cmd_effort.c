/* cmd_effort.c - `cxpulse effort`: the effort map, CES (or CSAT) by
 * touchpoint x channel with intervals. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/report.h"

static int find(char **list, size_t n, const char *v)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(list[i], v)) return (int)i;
    return -1;
}

static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) w += (*p & 0xC0) != 0x80;
    return w;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_effort(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},  {"metric", required_argument, 0, 'm'},
        {"from", required_argument, 0, 'F'},  {"to", required_argument, 0, 'T'},
        {"where", required_argument, 0, 'w'}, {"tz", required_argument, 0, 'z'},
        {"min-n", required_argument, 0, 'n'}, {0, 0, 0, 0}};
    struct cx_query q;
    cx_query_init(&q);
    const char *data = NULL, *metric = "ces";
    long min_n = 30;
    struct cx_err err = {{0}};
    int c, rc = 0;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && !rc) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'm':
            metric = optarg;
            break;
        case 'F':
            free(q.from), q.from = strdup(optarg);
            break;
        case 'T':
            free(q.to), q.to = strdup(optarg);
            break;
        case 'z':
            free(q.tz), q.tz = strdup(optarg);
            break;
        case 'w':
            rc = cx_query_add_where(&q, optarg, &err);
            break;
        case 'n':
            min_n = strtol(optarg, NULL, 10);
            break;
        default:
            cx_query_free(&q);
            return cli_usage_error("effort", "bad option");
        }
    }
    if (!rc && strcmp(metric, "ces") && strcmp(metric, "csat") && strcmp(metric, "ces_easy") &&
        strcmp(metric, "csat_mean"))
        rc = cx_fail(&err, CX_EINVAL, "--metric must be ces, ces_easy, csat or csat_mean");
    if (!rc) rc = cx_query_add_metrics(&q, metric, &err);
    if (!rc) rc = cx_query_add_by(&q, "touchpoint,channel", &err);
    if (rc) {
        cx_query_free(&q);
        return cli_usage_error("effort", "%s", err.msg);
    }
    struct cx_report *r = NULL;
    if (cli_run_report(data, &q, &r)) return 1;
    /* rows: touchpoints, columns: channels */
    char **tps = calloc(r->nrows + 1, sizeof *tps), **chs = calloc(r->nrows + 1, sizeof *chs);
    size_t ntp = 0, nch = 0;
    for (size_t i = 0; i < r->nrows; i++) {
        if (r->rows[i].est.n == 0) continue;
        if (find(tps, ntp, r->rows[i].groups[0]) < 0) tps[ntp++] = r->rows[i].groups[0];
        if (find(chs, nch, r->rows[i].groups[1]) < 0) chs[nch++] = r->rows[i].groups[1];
    }
    qsort(chs, nch, sizeof *chs, cmp_str);
    size_t tw = 10;
    for (size_t i = 0; i < ntp; i++)
        if (width(tps[i]) > tw) tw = width(tps[i]);
    printf("%s by touchpoint (rows) x channel (columns): value ±half-width of the 95%% "
           "interval; cells with n < %ld in brackets\n\n",
           metric, min_n);
    printf("%-*s", (int)tw + 2, "touchpoint");
    for (size_t k = 0; k < nch; k++) printf("%16s", chs[k]);
    putchar('\n');
    for (size_t t = 0; t < ntp; t++) {
        printf("%s", tps[t]);
        for (size_t p = width(tps[t]); p < tw + 2; p++) putchar(' ');
        for (size_t k = 0; k < nch; k++) {
            char cell[64] = "-";
            for (size_t i = 0; i < r->nrows; i++) {
                const struct cx_report_row *row = &r->rows[i];
                if (strcmp(row->groups[0], tps[t]) || strcmp(row->groups[1], chs[k])) continue;
                if (!row->est.has_value) break;
                double half = row->est.has_ci ? (row->est.hi - row->est.lo) / 2 : NAN;
                if ((long)row->est.n < min_n)
                    snprintf(cell, sizeof cell, "[%.2f n=%llu]", row->est.value,
                             (unsigned long long)row->est.n);
                else
                    snprintf(cell, sizeof cell, "%.2f ±%.2f", row->est.value, half);
            }
            printf("%16s", cell);
        }
        putchar('\n');
    }
    free(tps);
    free(chs);
    cx_report_free(r);
    return 0;
}
