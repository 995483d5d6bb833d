/* cmd_demo.c - `cxpulse demo`: generate and load the demo data set. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/time.h"
#include "demo/demo.h"
#include "engine/ingest.h"
#include "io/record.h"
#include "io/survey_json.h"
#include "core/survey.h"

static long file_read(void *ctx, char *buf, size_t cap)
{
    FILE *f = ctx;
    size_t n = fread(buf, 1, cap, f);
    return n == 0 && ferror(f) ? -1 : (long)n;
}

static void on_reject(void *ctx, long line, const char *field, const char *reason)
{
    fprintf(stderr, "demo %s:%ld: rejected: %s %s\n", (const char *)ctx, line, field, reason);
}

/* Loads one generated stream (rewound) into the store. */
static int load(struct cx_store *s, FILE *f, enum cx_record_type type, const char *what,
                struct cx_ingest_stats *st)
{
    rewind(f);
    struct cx_source_opts so = {0};
    so.format = CX_FMT_NDJSON;
    so.required = type == CX_RESPONSES ? cx_response_required : cx_event_required;
    struct cx_source *src = NULL;
    struct cx_err err = {{0}};
    int rc = cx_source_open(&src, file_read, f, &so, &err);
    if (!rc) rc = s->vt->bulk_begin(s, type == CX_EVENTS, &err);
    if (!rc) {
        struct cx_ingest_opts io = {type, 100000, on_reject, NULL, (void *)what};
        rc = cx_ingest(s, src, &io, st, &err);
    }
    if (!rc) rc = s->vt->bulk_end(s, type == CX_EVENTS, &err);
    cx_source_free(src);
    if (rc) return cli_error("demo: %s", err.msg);
    return 0;
}

/* Demo surveys and half a year of link invitations (about a third
 * answered, more in some languages), so that response_rate has data. Kept
 * idempotent: nothing is added when the surveys exist. */
static int demo_surveys(struct cx_store *s, const struct cx_demo_opts *o)
{
    static const struct {
        const char *id, *name;
        enum cx_survey_kind kind;
    } defs[] = {{"nps-main", "Relationship NPS", CX_SURVEY_NPS},
                {"support-ces", "Support effort", CX_SURVEY_CES},
                {"web-csat", "Website satisfaction", CX_SURVEY_CSAT}};
    static const char *const langs[] = {"en", "nb", "tr", "fa", "ro"};
    static const int answer_pct[] = {34, 41, 29, 25, 37};
    struct cx_err err = {{0}};
    struct cx_survey_row row;
    if (s->vt->survey_get(s, "nps-main", &row, &err) == CX_OK) {
        free(row.json);
        return 0;
    }
    int rc = s->vt->begin(s, &err);
    for (size_t i = 0; !rc && i < sizeof defs / sizeof defs[0]; i++) {
        struct cx_survey *sv = cx_survey_new(defs[i].kind);
        char *json = NULL;
        if (!sv || cx_survey_set_id(sv, defs[i].id) || cx_survey_set_name(sv, defs[i].name) ||
            !(json = cx_survey_to_json(sv)))
            rc = CX_ENOMEM;
        if (!rc) rc = s->vt->survey_put(s, defs[i].id, json, 1, &err);
        free(json);
        cx_survey_free(sv);
    }
    uint64_t x = o->seed * 2654435761u + 1;
    int64_t end = (o->end_day + 1) * 86400;
    for (int k = 0; !rc && k < 6000; k++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        struct cx_invitation inv;
        memset(&inv, 0, sizeof inv);
        int li = (int)((x >> 33) % 5);
        snprintf(inv.survey, sizeof inv.survey, "%s", defs[(x >> 20) % 3].id);
        snprintf(inv.customer, sizeof inv.customer, "c%06d",
                 (int)((x >> 40) % (uint64_t)(o->customers > 0 ? o->customers : 1)) + 1);
        snprintf(inv.channel, sizeof inv.channel, "link");
        snprintf(inv.lang, sizeof inv.lang, "%s", langs[li]);
        inv.context = (unsigned char *)"";
        inv.created = end - (int64_t)((x >> 12) % (180 * 86400));
        inv.expires = inv.created + 28 * 86400;
        inv.delivered = inv.created;
        rc = s->vt->invitation_create(s, &inv, &err);
        int opened = (int)((x >> 7) % 100) < 70, answered = (int)((x >> 50) % 100) < answer_pct[li];
        if (!rc && (opened || answered))
            rc = s->vt->invitation_mark(s, inv.id, CX_INV_OPENED, inv.created + 3600, &err);
        if (!rc && answered)
            rc = s->vt->invitation_mark(s, inv.id, CX_INV_ANSWERED, inv.created + 3700, &err);
    }
    if (!rc) rc = s->vt->commit(s, &err);
    if (rc) {
        s->vt->rollback(s);
        return cli_error("demo surveys: %s", err.msg[0] ? err.msg : cx_strerror(rc));
    }
    return 0;
}

int cmd_demo(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"customers", required_argument, 0, 'c'},
                                         {"seed", required_argument, 0, 's'},
                                         {"end", required_argument, 0, 'e'},
                                         {0, 0, 0, 0}};
    const char *data = NULL;
    struct cx_demo_opts o = {42, 50000, 0, 730};
    o.end_day = (int64_t)time(NULL) / 86400 - 1;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'c':
            o.customers = atoi(optarg);
            if (o.customers <= 0 || o.customers > 10000000)
                return cli_usage_error("demo", "--customers must be 1-10000000");
            break;
        case 's':
            o.seed = strtoull(optarg, NULL, 10);
            break;
        case 'e': {
            const char *why;
            if (cx_date_parse(optarg, strlen(optarg), &o.end_day, &why))
                return cli_usage_error("demo", "--end: %s", why);
            break;
        }
        default:
            return cli_usage_error("demo", "bad option");
        }
    }
    const char *dir = cli_data_dir(data);
    struct cx_store_opts so = {0};
    so.create = 1;
    struct cx_store *s;
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/cxpulse.db", dir);
    int fresh = stat(path, &st) != 0;
    if (cli_open_store(dir, &so, &s)) return 1;
    struct cx_err err = {{0}};
    if (fresh) {
        char *key = NULL;
        if (s->vt->key_create(s, "admin", "admin", &key, &err)) {
            cx_store_close(s);
            return cli_error("%s", err.msg);
        }
        printf("initialised %s\nadmin API key (shown only once): %s\n", dir, key);
        free(key);
    }
    FILE *resp = tmpfile(), *ev = tmpfile();
    if (!resp || !ev) {
        cx_store_close(s);
        return cli_error("cannot create temporary files: %s", strerror(errno));
    }
    fprintf(stderr, "generating demo data (%d customers)...\n", o.customers);
    int rc = cx_demo_write(resp, ev, &o, &err);
    if (rc || fflush(resp) || fflush(ev)) {
        fclose(resp);
        fclose(ev);
        cx_store_close(s);
        return cli_error("demo: %s", err.msg[0] ? err.msg : "write failed");
    }
    struct cx_ingest_stats rs = {0}, es = {0};
    fprintf(stderr, "loading responses...\n");
    rc = load(s, resp, CX_RESPONSES, "responses", &rs);
    fprintf(stderr, "loading events...\n");
    if (!rc) rc = load(s, ev, CX_EVENTS, "events", &es);
    fclose(resp);
    fclose(ev);
    if (!rc) rc = demo_surveys(s, &o);
    cx_store_close(s);
    if (rc) return rc;
    printf("demo data in %s: responses inserted %llu, unchanged %llu; events inserted %llu, "
           "unchanged %llu\n",
           dir, (unsigned long long)rs.inserted, (unsigned long long)rs.unchanged,
           (unsigned long long)es.inserted, (unsigned long long)es.unchanged);
    return (rs.rejected || es.rejected) ? 1 : 0;
}
