/* cmd_import.c - `cxpulse import responses|events FILE...`. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/cli.h"
#include "engine/ingest.h"
#include "io/record.h"

#define MAX_FILES 256
#define MAX_MAPS 64

struct input {
    const char *name;
    int fd;
    uint64_t size; /* 0 when unknown (stdin, pipes) */
    uint64_t read;
    struct cx_source *src;
};

struct progress {
    struct input *in;
    int bar;   /* draw a progress bar on the terminal */
    int quiet; /* no per-row messages */
    unsigned long long shown;
};

static long fd_read(void *ctx, char *buf, size_t cap)
{
    struct input *in = ctx;
    for (;;) {
        ssize_t n = read(in->fd, buf, cap);
        if (n >= 0) {
            in->read += (uint64_t)n;
            return (long)n;
        }
        if (errno != EINTR) return -1;
    }
}

static void on_reject(void *ctx, long line, const char *field, const char *reason)
{
    struct progress *p = ctx;
    if (p->quiet) return;
    if (p->bar) fputs("\r\033[K", stderr);
    if (field[0])
        fprintf(stderr, "%s:%ld: rejected: field '%s': %s\n", p->in->name, line, field, reason);
    else
        fprintf(stderr, "%s:%ld: rejected: %s\n", p->in->name, line, reason);
}

static void on_progress(void *ctx, uint64_t rows)
{
    struct progress *p = ctx;
    if (!p->bar) return;
    if (p->in->size) {
        int pct = (int)(100.0 * (double)p->in->read / (double)p->in->size);
        if (pct > 100) pct = 100;
        char bar[31];
        int fill = pct * 30 / 100;
        for (int i = 0; i < 30; i++) bar[i] = i < fill ? '#' : '.';
        bar[30] = 0;
        fprintf(stderr, "\r%s [%s] %3d%%  %llu rows", p->in->name, bar, pct,
                (unsigned long long)rows);
    } else {
        fprintf(stderr, "\r%s  %llu rows, %.1f MB", p->in->name, (unsigned long long)rows,
                (double)p->in->read / 1e6);
    }
    fflush(stderr);
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},   {"map", required_argument, 0, 'm'},
        {"format", required_argument, 0, 'f'}, {"batch", required_argument, 0, 'b'},
        {"quiet", no_argument, 0, 'q'},        {0, 0, 0, 0}};
    const char *data = NULL;
    struct cx_map_entry map[MAX_MAPS];
    char *mapbuf[MAX_MAPS];
    size_t nmap = 0;
    enum cx_format fmt = CX_FMT_AUTO;
    long batch = 0;
    int quiet = 0, c, ret = 0;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "q", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 'm': {
            char *eq = strchr(optarg, '=');
            if (!eq || eq == optarg || !eq[1])
                return cli_usage_error("import", "--map expects FIELD=COLUMN, got '%s'", optarg);
            if (nmap == MAX_MAPS) return cli_usage_error("import", "too many --map options");
            mapbuf[nmap] = strdup(optarg);
            mapbuf[nmap][eq - optarg] = 0;
            map[nmap].field = mapbuf[nmap];
            map[nmap].column = mapbuf[nmap] + (eq - optarg) + 1;
            nmap++;
            break;
        }
        case 'f':
            if (!strcmp(optarg, "csv"))
                fmt = CX_FMT_CSV;
            else if (!strcmp(optarg, "ndjson"))
                fmt = CX_FMT_NDJSON;
            else
                return cli_usage_error("import", "--format must be csv or ndjson");
            break;
        case 'b':
            batch = strtol(optarg, NULL, 10);
            if (batch <= 0) return cli_usage_error("import", "--batch must be a positive number");
            break;
        case 'q':
            quiet = 1;
            break;
        default:
            return cli_usage_error("import", "bad option");
        }
    }
    if (optind >= argc) return cli_usage_error("import", "say what to import: responses or events");
    const char *what = argv[optind++];
    enum cx_record_type type;
    if (!strcmp(what, "responses"))
        type = CX_RESPONSES;
    else if (!strcmp(what, "events"))
        type = CX_EVENTS;
    else
        return cli_usage_error("import", "expected responses or events, got '%s'", what);
    int nfiles = argc - optind;
    if (nfiles <= 0) return cli_usage_error("import", "no input files ('-' reads standard input)");
    if (nfiles > MAX_FILES) return cli_usage_error("import", "too many files");
    for (size_t i = 0; i < nmap; i++) {
        const char *const *known = type == CX_RESPONSES ? cx_response_fields : cx_event_fields;
        int ok = 0;
        for (size_t k = 0; known[k]; k++) ok |= !strcmp(known[k], map[i].field);
        if (!ok)
            return cli_usage_error("import", "--map: '%s' is not a field of %s", map[i].field,
                                   what);
    }

    struct input in[MAX_FILES];
    memset(in, 0, sizeof in);
    struct cx_source_opts so = {0};
    so.format = fmt;
    so.required = type == CX_RESPONSES ? cx_response_required : cx_event_required;
    so.map = map;
    so.nmap = nmap;
    struct cx_store *s = NULL;
    int refused = 0;
    /* Check every file before writing anything. */
    for (int i = 0; i < nfiles; i++) {
        in[i].name = argv[optind + i];
        in[i].fd = -1;
        if (!strcmp(in[i].name, "-")) {
            in[i].fd = 0;
            in[i].name = "<stdin>";
        } else {
            in[i].fd = open(in[i].name, O_RDONLY);
            if (in[i].fd < 0) {
                cli_error("%s: %s", in[i].name, strerror(errno));
                refused = 1;
                continue;
            }
            struct stat st;
            if (fstat(in[i].fd, &st) == 0 && S_ISREG(st.st_mode)) in[i].size = (uint64_t)st.st_size;
        }
        struct cx_err err = {{0}};
        if (cx_source_open(&in[i].src, fd_read, &in[i], &so, &err)) {
            cli_error("%s: refused: %s", in[i].name, err.msg);
            refused = 1;
        }
    }
    if (refused) {
        fprintf(stderr, "nothing was imported\n");
        ret = 2;
        goto out;
    }
    /* A large page cache keeps the id and customer indexes in memory. */
    struct cx_store_opts sopts = {0};
    sopts.cache_mb = 256;
    if (cli_open_store(cli_data_dir(data), &sopts, &s)) {
        ret = 1;
        goto out;
    }
    struct cx_ingest_stats total = {0};
    int tty = isatty(2);
    struct cx_err berr = {{0}};
    if (s->vt->bulk_begin(s, type == CX_EVENTS, &berr)) {
        cli_error("%s", berr.msg);
        ret = 1;
        goto out;
    }
    for (int i = 0; i < nfiles; i++) {
        struct progress p = {&in[i], tty && !quiet, quiet, 0};
        struct cx_ingest_opts io = {type, batch ? (size_t)batch : 100000, on_reject, on_progress,
                                    &p};
        struct cx_ingest_stats st = {0};
        struct cx_err err = {{0}};
        int rc = cx_ingest(s, in[i].src, &io, &st, &err);
        if (p.bar) fputs("\r\033[K", stderr);
        total.inserted += st.inserted;
        total.unchanged += st.unchanged;
        total.updated += st.updated;
        total.rejected += st.rejected;
        if (nfiles > 1)
            fprintf(stderr, "%s: inserted %llu, unchanged %llu, updated %llu, rejected %llu\n",
                    in[i].name, (unsigned long long)st.inserted, (unsigned long long)st.unchanged,
                    (unsigned long long)st.updated, (unsigned long long)st.rejected);
        if (rc) {
            cli_error("%s: %s (rows before this batch are stored)", in[i].name, err.msg);
            ret = 1;
            break;
        }
    }
    if (s->vt->bulk_end(s, type == CX_EVENTS, &berr)) {
        cli_error("%s", berr.msg);
        ret = 1;
    }
    printf("inserted %llu, unchanged %llu, updated %llu, rejected %llu\n",
           (unsigned long long)total.inserted, (unsigned long long)total.unchanged,
           (unsigned long long)total.updated, (unsigned long long)total.rejected);
    if (total.rejected && !ret) ret = 1;
out:
    for (int i = 0; i < nfiles; i++) {
        cx_source_free(in[i].src);
        if (in[i].fd > 0) close(in[i].fd);
    }
    for (size_t i = 0; i < nmap; i++) free(mapbuf[i]);
    cx_store_close(s);
    return ret;
}
