/* cmd_deliver.c - `cxpulse outbox`, `trigger` and `alert`: the delivery
 * state kept in the store, changed directly (a running `serve` picks the
 * changes up on its next dispatcher tick or event). */
#include <jansson.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "engine/deliver.h"

/* Runs fn in one transaction on the store of data. */
static int with_tx(const char *data, int (*fn)(struct cx_store *, void *, struct cx_err *),
                   void *arg)
{
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    int rc = s->vt->begin(s, &err);
    if (!rc) rc = fn(s, arg, &err);
    if (!rc) rc = s->vt->commit(s, &err);
    if (rc) s->vt->rollback(s);
    cx_store_close(s);
    return rc ? cli_error("%s", err.msg) : 0;
}

static void when(int64_t t, char *buf, size_t cap)
{
    if (!t) {
        snprintf(buf, cap, "-");
        return;
    }
    time_t tt = (time_t)t;
    struct tm tm;
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&tt, &tm));
}

/* ---- outbox ---- */

struct retry_args {
    char **ids;
    int n;
};

static int do_retry(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct retry_args *a = arg;
    for (int i = 0; i < a->n; i++) {
        char *end;
        long long id = strtoll(a->ids[i], &end, 10);
        if (*end || id <= 0)
            return cx_fail(err, CX_EINVAL, "'%s' is not an outbox message id", a->ids[i]);
        int rc = s->vt->outbox_retry(s, id, (int64_t)time(NULL), err);
        if (rc) return rc;
        printf("message %lld: pending again\n", id);
    }
    return CX_OK;
}

int cmd_outbox(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"state", required_argument, 0, 's'},
                                         {"limit", required_argument, 0, 'l'},
                                         {"format", required_argument, 0, 'f'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *state = NULL, *format = "table";
    long limit = 100;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 's':
            state = optarg;
            break;
        case 'l':
            limit = strtol(optarg, NULL, 10);
            if (limit <= 0 || limit > 1000000)
                return cli_usage_error("outbox", "--limit must be 1-1000000");
            break;
        case 'f':
            format = optarg;
            break;
        default:
            return cli_usage_error("outbox", "bad option");
        }
    }
    if (optind >= argc) return cli_usage_error("outbox", "say list or retry");
    const char *sub = argv[optind];
    if (!strcmp(sub, "retry")) {
        if (optind + 1 >= argc) return cli_usage_error("outbox", "retry needs message ids");
        struct retry_args a = {argv + optind + 1, argc - optind - 1};
        return with_tx(data, do_retry, &a);
    }
    if (strcmp(sub, "list")) return cli_usage_error("outbox", "unknown subcommand '%s'", sub);
    if (state && strcmp(state, "pending") && strcmp(state, "sending") && strcmp(state, "sent") &&
        strcmp(state, "dead"))
        return cli_usage_error("outbox", "--state: pending, sending, sent or dead");
    if (strcmp(format, "table") && strcmp(format, "json"))
        return cli_usage_error("outbox", "--format: table or json");
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    struct cx_outbox_msg *m = NULL;
    size_t n = 0;
    int rc = s->vt->outbox_list(s, state, (size_t)limit, &m, &n, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++)
            json_array_append_new(
                arr, json_pack("{s:I, s:s, s:s, s:s, s:s, s:I, s:s, s:i, s:I, s:I, s:I, s:s, s:s, "
                               "s:s}",
                               "id", (json_int_t)m[i].id, "kind", m[i].kind, "channel",
                               m[i].channel, "recipient", m[i].recipient, "customer", m[i].customer,
                               "invitation", (json_int_t)m[i].invitation, "state", m[i].state,
                               "attempts", m[i].attempts, "due", (json_int_t)m[i].due, "created",
                               (json_int_t)m[i].created, "sent", (json_int_t)m[i].sent,
                               "provider_id", m[i].provider_id, "last_error", m[i].last_error,
                               "idem_key", m[i].idem_key));
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        printf("%-6s %-7s %-8s %-8s %-26s %-8s %-20s %-20s %s\n", "id", "kind", "channel", "state",
               "recipient", "attempts", "due", "sent", "last error");
        for (size_t i = 0; i < n; i++) {
            char d[32], t[32];
            when(m[i].due, d, sizeof d);
            when(m[i].sent, t, sizeof t);
            printf("%-6lld %-7s %-8s %-8s %-26.26s %-8d %-20s %-20s %s\n", (long long)m[i].id,
                   m[i].kind, m[i].channel, m[i].state, m[i].recipient, m[i].attempts, d, t,
                   m[i].last_error);
        }
    }
    cx_outbox_msgs_free(m, n);
    return 0;
}

/* ---- triggers and alerts ---- */

struct def_args {
    int alerts;
    const char *id, *json, *secret;
};

static int do_put(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_args *a = arg;
    if (!a->alerts) {
        /* the survey must exist */
        json_t *j = json_loads(a->json, 0, NULL);
        const char *sv = json_string_value(json_object_get(j, "survey"));
        struct cx_survey_row row;
        int rc = sv ? s->vt->survey_get(s, sv, &row, err) : CX_EINVAL;
        json_decref(j);
        if (rc) return rc == CX_ENOTFOUND ? cx_fail(err, rc, "survey: no survey '%s'", sv) : rc;
        free(row.json);
        return s->vt->trigger_put(s, a->id, a->json, err);
    }
    return s->vt->alert_put(s, a->id, a->json, a->secret, err);
}

static int do_delete(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_args *a = arg;
    return a->alerts ? s->vt->alert_delete(s, a->id, err) : s->vt->trigger_delete(s, a->id, err);
}

static char *read_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    char chunk[4096];
    size_t n;
    while (m && (n = fread(chunk, 1, sizeof chunk, f)) > 0 && len < 65536) fwrite(chunk, 1, n, m);
    fclose(f);
    if (m) fclose(m);
    return buf;
}

static int list_defs(const char *data, int alerts, const char *format)
{
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    struct cx_def_row *rows = NULL;
    size_t n = 0;
    int rc =
        alerts ? s->vt->alert_list(s, &rows, &n, &err) : s->vt->trigger_list(s, &rows, &n, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    if (!strcmp(format, "json")) {
        json_t *arr = json_array();
        for (size_t i = 0; i < n; i++) {
            json_t *o = json_loads(rows[i].json, 0, NULL);
            if (o) json_array_append_new(arr, o);
        }
        json_dumpf(arr, stdout, JSON_INDENT(2));
        putchar('\n');
        json_decref(arr);
    } else {
        for (size_t i = 0; i < n; i++) printf("%s\t%s\n", rows[i].id, rows[i].json);
        if (!n) printf("no %s\n", alerts ? "alerts" : "triggers");
    }
    cx_def_rows_free(rows, n);
    return 0;
}

static int defs_command(int argc, char **argv, int alerts)
{
    const char *cmd = alerts ? "alert" : "trigger";
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},           {"id", required_argument, 0, 'i'},
        {"event", required_argument, 0, 'e'},          {"survey", required_argument, 0, 's'},
        {"channel", required_argument, 0, 'c'},        {"delay-minutes", required_argument, 0, 'D'},
        {"sample-percent", required_argument, 0, 'p'}, {"match", required_argument, 0, 'm'},
        {"touchpoint", required_argument, 0, 't'},     {"disabled", no_argument, 0, 'x'},
        {"file", required_argument, 0, 'F'},           {"format", required_argument, 0, 'f'},
        {"kind", required_argument, 0, 'k'},           {"metric", required_argument, 0, 'M'},
        {"threshold", required_argument, 0, 'T'},      {"window-days", required_argument, 0, 'W'},
        {"webhook", required_argument, 0, 'w'},        {"email", required_argument, 0, 'E'},
        {"secret", required_argument, 0, 'S'},         {0, 0, 0, 0}};
    const char *data = NULL, *file = NULL, *format = "table", *secret = NULL;
    json_t *def = json_object(), *match = NULL;
    int c, bad = 0;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        const char *key = NULL;
        int number = 0;
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'F':
            file = optarg;
            break;
        case 'f':
            format = optarg;
            break;
        case 'S':
            secret = optarg;
            break;
        case 'x':
            json_object_set_new(def, "enabled", json_false());
            break;
        case 'm': {
            const char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg) {
                bad = cli_usage_error(cmd, "--match: KEY=VALUE, got '%s'", optarg);
                break;
            }
            if (!match) match = json_object();
            char key2[129];
            snprintf(key2, sizeof key2, "%.*s", (int)(eq - optarg), optarg);
            json_object_set_new(match, key2, json_string(eq + 1));
            break;
        }
        case 'i':
            key = "id";
            break;
        case 'e':
            key = "event_type";
            break;
        case 's':
            key = "survey";
            break;
        case 'c':
            key = "channel";
            break;
        case 't':
            key = "touchpoint";
            break;
        case 'k':
            key = "kind";
            break;
        case 'M':
            key = "metric";
            break;
        case 'w':
            key = "webhook_url";
            break;
        case 'E':
            key = "email";
            break;
        case 'D':
            key = "delay_minutes", number = 1;
            break;
        case 'p':
            key = "sample_percent", number = 1;
            break;
        case 'T':
            key = "threshold", number = 1;
            break;
        case 'W':
            key = "window_days", number = 1;
            break;
        default:
            bad = cli_usage_error(cmd, "bad option");
        }
        if (key && number) {
            char *end;
            double v = strtod(optarg, &end);
            if (!*optarg || *end)
                bad = cli_usage_error(cmd, "--%s: expected a number, got '%s'", key, optarg);
            else
                json_object_set_new(def, key, json_real(v));
        } else if (key) {
            json_object_set_new(def, key, json_string(optarg));
        }
        if (bad) break;
    }
    if (match) json_object_set_new(def, "match", match);
    if (bad || optind >= argc) {
        json_decref(def);
        return bad ? bad : cli_usage_error(cmd, "say create, list or delete");
    }
    const char *sub = argv[optind];
    int ret;
    if (!strcmp(sub, "list")) {
        ret = list_defs(data, alerts, format);
    } else if (!strcmp(sub, "delete")) {
        if (optind + 1 >= argc) {
            json_decref(def);
            return cli_usage_error(cmd, "delete needs an id");
        }
        struct def_args a = {alerts, argv[optind + 1], NULL, NULL};
        ret = with_tx(data, do_delete, &a);
        if (!ret) printf("deleted %s %s\n", cmd, argv[optind + 1]);
    } else if (!strcmp(sub, "create")) {
        char *json = NULL;
        if (file) {
            json = read_file(file);
            if (!json) {
                json_decref(def);
                return cli_error("%s: cannot read the file", file);
            }
        } else {
            /* numbers given as integers where they are whole */
            const char *k;
            json_t *v;
            json_object_foreach(def, k, v)
            {
                if (json_is_real(v) && json_real_value(v) == (double)(long long)json_real_value(v))
                    json_object_set_new(def, k, json_integer((long long)json_real_value(v)));
            }
            json = json_dumps(def, JSON_COMPACT | JSON_SORT_KEYS);
        }
        char id[65], made[65] = "";
        struct cx_err err = {{0}};
        int rc = alerts ? cx_alert_validate(json, id, sizeof id, &err)
                        : cx_trigger_validate(json, id, sizeof id, &err);
        if (rc) {
            free(json);
            json_decref(def);
            return cli_error("%s: %s", cmd, err.msg);
        }
        if (alerts && !secret) {
            unsigned char raw[24];
            randombytes_buf(raw, sizeof raw);
            sodium_bin2hex(made, sizeof made, raw, sizeof raw);
            secret = made;
        } else if (alerts && (strlen(secret) < 16 || strlen(secret) > 64)) {
            free(json);
            json_decref(def);
            return cli_usage_error(cmd, "--secret: 16-64 characters");
        }
        struct def_args a = {alerts, id, json, secret};
        ret = with_tx(data, do_put, &a);
        if (!ret) {
            printf("%s %s saved\n", cmd, id);
            if (made[0]) printf("webhook signing secret (shown only once): %s\n", made);
        }
        free(json);
    } else {
        ret = cli_usage_error(cmd, "unknown subcommand '%s'", sub);
    }
    json_decref(def);
    return ret;
}

int cmd_trigger(int argc, char **argv)
{
    return defs_command(argc, argv, 0);
}

int cmd_alert(int argc, char **argv)
{
    return defs_command(argc, argv, 1);
}
