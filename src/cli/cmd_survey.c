/* cmd_survey.c - `cxpulse survey create|list|show|archive`. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "core/survey.h"
#include "io/survey_json.h"

static char *read_all(const char *path, size_t *len)
{
    FILE *f = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    if (!f) return NULL;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (r == 0) break;
        if (n == cap) {
            if (cap > CX_SURVEY_JSON_MAX) break;
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                buf = NULL;
            } else {
                buf = nb;
            }
        }
    }
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

static int create(struct cx_store *s, int argc, char **argv, const char *kind, const char *id,
                  const char *name)
{
    struct cx_err err = {{0}};
    struct cx_survey *sv = NULL;
    if (optind < argc) {
        size_t len = 0;
        char *json = read_all(argv[optind], &len);
        if (!json) return cli_error("%s: %s", argv[optind], strerror(errno));
        int rc = cx_survey_from_json(json, len, &sv, &err);
        free(json);
        if (rc) return cli_error("%s: %s", argv[optind], err.msg);
    } else {
        enum cx_survey_kind k;
        if (!kind || !id || cx_survey_kind_parse(kind, &k) || k == CX_SURVEY_CUSTOM)
            return cli_usage_error(
                "survey", "create needs a definition FILE, or --kind nps|csat|ces and --id ID");
        sv = cx_survey_new(k);
        if (!sv || cx_survey_set_id(sv, id) || cx_survey_set_name(sv, name ? name : id)) {
            cx_survey_free(sv);
            return cli_error("invalid survey id '%s' (1-64 of a-z, 0-9, _ and -)", id);
        }
        if (cx_survey_validate(sv, &err)) {
            cx_survey_free(sv);
            return cli_error("%s", err.msg);
        }
    }
    char *json = cx_survey_to_json(sv);
    int rc = json ? s->vt->survey_put(s, sv->id, json, 1, &err) : CX_ENOMEM;
    if (!rc)
        printf("created survey %s (%s, %d questions)\n", sv->id, cx_survey_kind_name(sv->kind),
               cx_survey_questions(sv));
    free(json);
    cx_survey_free(sv);
    return rc ? cli_error("%s", err.msg[0] ? err.msg : cx_strerror(rc)) : 0;
}

int cmd_survey(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"kind", required_argument, 0, 'k'},
                                         {"id", required_argument, 0, 'i'},
                                         {"name", required_argument, 0, 'n'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *kind = NULL, *id = NULL, *name = NULL;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'k')
            kind = optarg;
        else if (c == 'i')
            id = optarg;
        else if (c == 'n')
            name = optarg;
        else
            return cli_usage_error("survey", "bad option");
    }
    if (optind >= argc)
        return cli_usage_error("survey", "missing action: create, list, show or archive");
    const char *action = argv[optind++];
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    int ret = 0;
    if (!strcmp(action, "create")) {
        ret = create(s, argc, argv, kind, id, name);
    } else if (!strcmp(action, "list")) {
        struct cx_survey_row *rows = NULL;
        size_t n = 0;
        if (s->vt->survey_list(s, &rows, &n, &err))
            ret = cli_error("%s", err.msg);
        else
            printf("%-24s %-6s %-9s %s\n", "id", "kind", "state", "name");
        for (size_t i = 0; i < n; i++) {
            struct cx_survey *sv = NULL;
            struct cx_err e2 = {{0}};
            int ok = !cx_survey_from_json(rows[i].json, strlen(rows[i].json), &sv, &e2);
            printf("%-24s %-6s %-9s %s\n", rows[i].id, ok ? cx_survey_kind_name(sv->kind) : "?",
                   rows[i].archived ? "archived" : "active", ok && sv->name ? sv->name : "");
            cx_survey_free(sv);
        }
        cx_survey_rows_free(rows, n);
    } else if (!strcmp(action, "show") || !strcmp(action, "archive")) {
        if (optind >= argc)
            ret = cli_usage_error("survey", "%s needs a survey ID", action);
        else if (!strcmp(action, "archive")) {
            if (s->vt->survey_archive(s, argv[optind], &err))
                ret = cli_error("%s", err.msg);
            else
                printf("archived survey %s\n", argv[optind]);
        } else {
            struct cx_survey_row row;
            if (s->vt->survey_get(s, argv[optind], &row, &err))
                ret = cli_error("%s", err.msg);
            else {
                printf("%s\n", row.json);
                if (row.archived) fprintf(stderr, "(archived)\n");
                free(row.json);
            }
        }
    } else {
        ret = cli_usage_error("survey", "unknown action '%s'", action);
    }
    cx_store_close(s);
    return ret;
}
