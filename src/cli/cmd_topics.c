/* cmd_topics.c - `cxpulse topics`: the issues customers raise most, with
 * counts, trend and the scores of those who raise them. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "engine/insights_json.h"
#include "engine/textdocs.h"

int cmd_topics(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"days", required_argument, 0, 'D'},
                                         {"to", required_argument, 0, 'T'},
                                         {"lang", required_argument, 0, 'l'},
                                         {"source", required_argument, 0, 's'},
                                         {"top", required_argument, 0, 'n'},
                                         {"min-count", required_argument, 0, 'm'},
                                         {"format", required_argument, 0, 'f'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *lang = NULL, *fmt = "table", *src_s = "all";
    long days = 90;
    int64_t to = 0;
    struct cx_topics_opts o = {20, 10, 0, 3};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *why;
        int64_t day;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'D':
            days = strtol(optarg, NULL, 10);
            break;
        case 'T':
            if (cx_date_parse(optarg, strlen(optarg), &day, &why))
                return cli_usage_error("topics", "--to: %s", why);
            to = (day + 1) * 86400;
            break;
        case 'l':
            lang = optarg;
            break;
        case 's':
            src_s = optarg;
            break;
        case 'n':
            o.max_topics = strtoul(optarg, NULL, 10);
            break;
        case 'm':
            o.min_count = strtoul(optarg, NULL, 10);
            break;
        case 'f':
            fmt = optarg;
            break;
        default:
            return cli_usage_error("topics", "bad option");
        }
    }
    enum cx_text_source src = !strcmp(src_s, "comments") ? CX_TEXT_COMMENTS
                              : !strcmp(src_s, "events") ? CX_TEXT_EVENTS
                                                         : CX_TEXT_ALL;
    if (strcmp(src_s, "all") && strcmp(src_s, "comments") && strcmp(src_s, "events"))
        return cli_usage_error("topics", "--source must be all, comments or events");
    if (days <= 0) return cli_usage_error("topics", "--days must be positive");
    if (strcmp(fmt, "table") && strcmp(fmt, "json"))
        return cli_usage_error("topics", "--format must be table or json");
    if (!to) to = ((int64_t)time(NULL) / 86400 + 1) * 86400;
    /* the current period and the one before it, for the trend */
    struct cx_scan_filter f = {0};
    f.has_from = f.has_to = 1;
    f.from.sec = to - 2 * days * 86400;
    f.to.sec = to;
    o.split = to - days * 86400;
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_textdocs docs;
    struct cx_err err = {{0}};
    int rc = cx_textdocs_load(s, src, &f, lang, &docs, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    struct cx_topic *t = NULL;
    size_t n = 0;
    rc = cx_topics_run(docs.docs, docs.n, &o, &t, &n, &err);
    size_t ndocs = docs.n;
    cx_textdocs_free(&docs);
    if (rc) return cli_error("%s", err.msg);
    if (!strcmp(fmt, "json")) {
        json_t *arr = cx_topics_json(t, n);
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        printf("top issues in %zu texts, last %ld days vs the %ld before (score: 0 = worst, 100 "
               "= best)\n\n",
               ndocs, days, days);
        for (size_t i = 0; i < n; i++) {
            printf("%2zu. %s  [%s]  %llu (%.1f%%, before %llu = %.1f%%%s)", i + 1, t[i].label,
                   t[i].langs, (unsigned long long)t[i].count, 100 * t[i].share,
                   (unsigned long long)t[i].prev_count, 100 * t[i].prev_share,
                   t[i].trend_significant
                       ? (t[i].share > t[i].prev_share ? ", rising" : ", falling")
                       : "");
            if (t[i].nscore) printf("  score %.0f", 100 * t[i].mean_score);
            putchar('\n');
            for (size_t k = 0; k < t[i].nexamples && k < 2; k++)
                printf("      \"%.120s\"\n", t[i].examples[k]);
        }
        if (!n) printf("no issue raised %zu times or more\n", o.min_count);
    }
    cx_topics_free(t, n);
    return 0;
}
