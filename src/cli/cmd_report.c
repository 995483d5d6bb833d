/* cmd_report.c - `cxpulse report`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/report.h"

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"metric", required_argument, 0, 'm'},
                                         {"by", required_argument, 0, 'b'},
                                         {"from", required_argument, 0, 'F'},
                                         {"to", required_argument, 0, 'T'},
                                         {"where", required_argument, 0, 'w'},
                                         {"tz", required_argument, 0, 'z'},
                                         {"compare", required_argument, 0, 'c'},
                                         {"short-abandon", required_argument, 0, 's'},
                                         {"format", required_argument, 0, 'f'},
                                         {"scan", no_argument, 0, 'S'},
                                         {0, 0, 0, 0}};
    struct cx_query q;
    cx_query_init(&q);
    const char *data = NULL;
    enum cx_report_format fmt = CX_REPORT_TABLE;
    struct cx_err err = {{0}};
    int c, rc = 0;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1 && !rc) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'm':
            rc = cx_query_add_metrics(&q, optarg, &err);
            break;
        case 'b':
            rc = cx_query_add_by(&q, optarg, &err);
            break;
        case 'w':
            rc = cx_query_add_where(&q, optarg, &err);
            break;
        case 's':
            rc = cx_query_set_short_abandon(&q, optarg, &err);
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
        case 'c':
            free(q.compare), q.compare = strdup(optarg);
            break;
        case 'S':
            q.force_scan = 1;
            break;
        case 'f':
            if (!strcmp(optarg, "table"))
                fmt = CX_REPORT_TABLE;
            else if (!strcmp(optarg, "csv"))
                fmt = CX_REPORT_CSV;
            else if (!strcmp(optarg, "json"))
                fmt = CX_REPORT_JSON;
            else
                rc = cx_fail(&err, CX_EINVAL, "--format must be table, csv or json");
            break;
        default:
            cx_query_free(&q);
            return cli_usage_error("report", "bad option");
        }
    }
    if (!rc && optind < argc)
        rc = cx_fail(&err, CX_EINVAL, "unexpected argument '%s'", argv[optind]);
    if (rc) {
        cx_query_free(&q);
        return cli_usage_error("report", "%s", err.msg);
    }
    struct cx_report *r = NULL;
    if (cli_run_report(data, &q, &r)) return 1;
    rc = cx_report_write(stdout, r, fmt);
    cx_report_free(r);
    return rc ? cli_error("cannot write the report: %s", cx_strerror(rc)) : 0;
}
