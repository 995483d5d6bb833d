/* cmd_customer.c - `cxpulse customer ID`: the journey. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"
#include "core/decimal.h"
#include "engine/journey.h"

static void print_text(const char *label, const char *t)
{
    if (!t || !*t) return;
    printf("      %s: ", label);
    for (const char *p = t; *p; p++) putchar(*p == '\n' || *p == '\r' ? ' ' : *p);
    putchar('\n');
}

static void print_table(const char *customer, const struct cx_journey *j)
{
    printf("customer %s: %zu items\n", customer, j->n);
    for (size_t i = 0; i < j->n; i++) {
        const struct cx_journey_item *it = &j->items[i];
        char t[40];
        if (it->is_response) {
            const struct cx_response *r = &it->r;
            printf("%s  %-9s %-22s %s %d/%d-%d  touchpoint=%s%s%s\n", cx_time_format(r->t, t),
                   r->channel, "response", cx_kind_name(r->kind), r->score, r->scale.min,
                   r->scale.max, r->touchpoint,
                   it->mark < 0   ? "  ▼ drop"
                   : it->mark > 0 ? "  ▲ rise"
                                  : "",
                   "");
            print_text("comment", r->comment);
            if (it->mark < 0) {
                char cause[1024];
                size_t n = cx_journey_cause(j, i, cause, sizeof cause);
                printf("      %d -> %d; before it: %s\n", it->prev_score, r->score,
                       n ? cause : "no recorded interactions");
            }
        } else {
            const struct cx_event *e = &it->e;
            char extra[256] = "";
            size_t o = 0;
            char d[32];
            if (e->ref) o += (size_t)snprintf(extra + o, sizeof extra - o, " ref=%s", e->ref);
            if (e->agent && o < sizeof extra)
                o += (size_t)snprintf(extra + o, sizeof extra - o, " agent=%s", e->agent);
            if (e->has_wait && o < sizeof extra)
                o += (size_t)snprintf(extra + o, sizeof extra - o, " wait=%ss",
                                      cx_decimal_format(e->wait_ns, d));
            if (e->has_duration && o < sizeof extra)
                o += (size_t)snprintf(extra + o, sizeof extra - o, " duration=%ss",
                                      cx_decimal_format(e->duration_ns, d));
            if (e->has_value && o < sizeof extra)
                snprintf(extra + o, sizeof extra - o, " value=%s",
                         cx_decimal_format(e->value_ns, d));
            printf("%s  %-9s %-22s%s\n", cx_time_format(e->t, t), e->channel, e->type, extra);
            print_text("text", e->text);
        }
    }
}

static int print_json(const char *customer, const struct cx_journey *j)
{
    json_t *root = cx_journey_to_json(customer, j);
    if (!root) return CX_ENOMEM;
    json_dumpf(root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    putchar('\n');
    json_decref(root);
    return CX_OK;
}

int cmd_customer(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'}, {"format", required_argument, 0, 'f'}, {0, 0, 0, 0}};
    const char *data = NULL, *fmt = "table";
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'f')
            fmt = optarg;
        else
            return cli_usage_error("customer", "bad option");
    }
    if (strcmp(fmt, "table") && strcmp(fmt, "json"))
        return cli_usage_error("customer", "--format must be table or json");
    if (optind + 1 != argc) return cli_usage_error("customer", "expected exactly one customer ID");
    const char *id = argv[optind];
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_journey j;
    struct cx_err err = {{0}};
    int rc = cx_journey_load(s, id, &j, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    if (j.n == 0) {
        cx_journey_free(&j);
        return cli_error("no responses or events for customer '%s'", id);
    }
    if (!strcmp(fmt, "json"))
        rc = print_json(id, &j);
    else
        print_table(id, &j);
    cx_journey_free(&j);
    return rc ? cli_error("out of memory") : 0;
}
