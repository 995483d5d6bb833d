/* cmd_export.c - `cxpulse export responses|events`. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "core/attrs.h"
#include "core/hmap.h"
#include "io/csv.h"
#include "io/record_json.h"
#include "util/tz.h"

struct exporter {
    FILE *out;
    int csv;
    int pass; /* CSV: 0 collects attribute names, 1 writes */
    struct cx_hmap names;
    char **cols;
    size_t ncols;
    int oom;
};

static void collect(struct exporter *x, const unsigned char *attrs, size_t len)
{
    size_t pos = 0;
    struct cx_attr a;
    while (cx_attrs_next(attrs, len, &pos, &a) == 1)
        if (!cx_hmap_put(&x->names, a.key, a.klen, NULL)) x->oom = 1;
}

static void field(FILE *out, const char *s, int comma)
{
    if (comma) fputc(',', out);
    if (s) cx_csv_write_field(out, s, strlen(s));
}

/* Writes the CSV cells of obj for cols, in order. */
static void csv_row(struct exporter *x, json_t *obj, const char *const *fixed)
{
    size_t i = 0;
    for (; fixed[i]; i++) {
        json_t *v = json_object_get(obj, fixed[i]);
        char num[32];
        const char *s = NULL;
        if (json_is_string(v))
            s = json_string_value(v);
        else if (json_is_integer(v)) {
            snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
            s = num;
        }
        field(x->out, s, i > 0);
    }
    for (size_t k = 0; k < x->ncols; k++) {
        json_t *v = json_object_get(obj, x->cols[k]);
        field(x->out, json_is_string(v) ? json_string_value(v) : NULL, i + k > 0);
    }
    fputc('\n', x->out);
}

static const char *const resp_cols[] = {"id",    "customer", "time",    "metric",
                                        "score", "scale",    "channel", "touchpoint",
                                        "lang",  "comment",  NULL};
static const char *const ev_cols[] = {"id",     "customer",   "time",  "type",  "channel", "ref",
                                      "wait_s", "duration_s", "value", "agent", "text",    NULL};

static void emit(struct exporter *x, json_t *o, const char *const *fixed)
{
    if (!o) {
        x->oom = 1;
        return;
    }
    if (x->csv)
        csv_row(x, o, fixed);
    else {
        json_dumpf(o, x->out, JSON_COMPACT | JSON_PRESERVE_ORDER);
        fputc('\n', x->out);
    }
    json_decref(o);
}

static int resp_cb(void *ctx, const struct cx_resp_row *row)
{
    struct exporter *x = ctx;
    if (x->pass == 0) {
        collect(x, row->attrs, row->attrs_len);
        return x->oom ? CX_ENOMEM : 0;
    }
    struct cx_response r = {0};
    r.id = (char *)row->id;
    r.customer = (char *)row->customer;
    r.t = row->t;
    r.kind = cx_scale_kind(row->scale_idx);
    r.scale = cx_scale_at(row->scale_idx);
    r.score = row->score;
    r.channel = (char *)row->channel;
    r.touchpoint = (char *)row->touchpoint;
    r.lang = row->lang[0] ? (char *)row->lang : NULL;
    r.comment = (char *)row->comment;
    r.attrs = (unsigned char *)row->attrs;
    r.attrs_len = row->attrs_len;
    emit(x, cx_response_to_json(&r), resp_cols);
    return x->oom ? CX_ENOMEM : 0;
}

static int ev_cb(void *ctx, const struct cx_event *e)
{
    struct exporter *x = ctx;
    if (x->pass == 0) {
        collect(x, e->attrs, e->attrs_len);
        return x->oom ? CX_ENOMEM : 0;
    }
    emit(x, cx_event_to_json(e), ev_cols);
    return x->oom ? CX_ENOMEM : 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"format", required_argument, 0, 'f'},
                                         {"output", required_argument, 0, 'o'},
                                         {"customer", required_argument, 0, 'c'},
                                         {"from", required_argument, 0, 'F'},
                                         {"to", required_argument, 0, 'T'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *fmt = "csv", *output = NULL, *from = NULL, *to = NULL;
    struct cx_scan_filter f = {0};
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'f':
            fmt = optarg;
            break;
        case 'o':
            output = optarg;
            break;
        case 'c':
            f.customer = optarg;
            break;
        case 'F':
            from = optarg;
            break;
        case 'T':
            to = optarg;
            break;
        default:
            return cli_usage_error("export", "bad option");
        }
    }
    if (strcmp(fmt, "csv") && strcmp(fmt, "ndjson"))
        return cli_usage_error("export", "--format must be csv or ndjson");
    if (optind + 1 != argc)
        return cli_usage_error("export", "say what to export: responses or events");
    int events = !strcmp(argv[optind], "events");
    if (!events && strcmp(argv[optind], "responses"))
        return cli_usage_error("export", "expected responses or events, got '%s'", argv[optind]);
    const char *bounds[2] = {from, to};
    for (int i = 0; i < 2; i++) {
        if (!bounds[i]) continue;
        int64_t day;
        const char *why;
        struct cx_time t;
        if (!cx_date_parse(bounds[i], strlen(bounds[i]), &day, &why)) {
            t.sec = (day + i) * 86400;
            t.nsec = 0;
        } else if (cx_time_parse(bounds[i], strlen(bounds[i]), &t, &why)) {
            return cli_usage_error("export", "--%s: %s", i ? "to" : "from", why);
        }
        if (i)
            f.has_to = 1, f.to = t;
        else
            f.has_from = 1, f.from = t;
    }
    f.with_text = 1;
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct exporter x = {0};
    x.csv = !strcmp(fmt, "csv");
    cx_hmap_init(&x.names);
    x.out = stdout;
    if (output && !(x.out = fopen(output, "w"))) {
        cx_store_close(s);
        return cli_error("%s: %s", output, strerror(errno));
    }
    struct cx_err err = {{0}};
    int rc = CX_OK;
    if (x.csv) {
        rc = events ? s->vt->scan_events(s, &f, ev_cb, &x, &err)
                    : s->vt->scan_responses(s, &f, resp_cb, &x, &err);
        if (!rc) {
            x.cols = calloc(x.names.len + 1, sizeof *x.cols);
            if (!x.cols) rc = CX_ENOMEM;
            for (size_t i = 0; !rc && i < x.names.cap; i++)
                if (x.names.slots[i].key) x.cols[x.ncols++] = x.names.slots[i].key;
            if (!rc) qsort(x.cols, x.ncols, sizeof *x.cols, cmp_str);
        }
        if (!rc) {
            const char *const *fixed = events ? ev_cols : resp_cols;
            size_t i = 0;
            for (; fixed[i]; i++) field(x.out, fixed[i], i > 0);
            for (size_t k = 0; k < x.ncols; k++) field(x.out, x.cols[k], 1);
            fputc('\n', x.out);
        }
    }
    x.pass = 1;
    if (!rc)
        rc = events ? s->vt->scan_events(s, &f, ev_cb, &x, &err)
                    : s->vt->scan_responses(s, &f, resp_cb, &x, &err);
    if (fflush(x.out) || ferror(x.out)) rc = cx_fail(&err, CX_EIO, "write failed");
    if (output) fclose(x.out);
    free(x.cols);
    cx_hmap_free(&x.names);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg[0] ? err.msg : cx_strerror(rc));
    return 0;
}
