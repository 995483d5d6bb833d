#include "io/source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/utf8.h"
#include "io/csv.h"
#include "io/ndjson.h"

#define PEEK_MAX 65536

struct cx_source {
    enum cx_format format;
    cx_read_fn fn;
    void *ctx;
    char *peek; /* bytes read ahead for sniffing */
    size_t peek_len, peek_pos;
    struct cx_csv *csv;
    struct cx_ndjson *nd;
    /* CSV header after renames */
    size_t ncols;
    char **cols;
    size_t *col_lens;
    struct cx_field *fields;
    /* NDJSON renames */
    const struct cx_map_entry *map;
    size_t nmap;
    /* NDJSON first row, read while sniffing */
    int pending;
    struct cx_row pending_row;
};

static long peek_read(void *ctx, char *buf, size_t cap)
{
    struct cx_source *s = ctx;
    if (s->peek_pos < s->peek_len) {
        size_t n = s->peek_len - s->peek_pos;
        if (n > cap) n = cap;
        memcpy(buf, s->peek + s->peek_pos, n);
        s->peek_pos += n;
        return (long)n;
    }
    return s->fn(s->ctx, buf, cap);
}

void cx_source_free(struct cx_source *s)
{
    if (!s) return;
    cx_csv_free(s->csv);
    cx_ndjson_free(s->nd);
    for (size_t i = 0; i < s->ncols; i++) free(s->cols[i]);
    free(s->cols);
    free(s->col_lens);
    free(s->fields);
    free(s->peek);
    free(s);
}

enum cx_format cx_source_format(const struct cx_source *s)
{
    return s->format;
}

static int fill_peek(struct cx_source *s, struct cx_err *err)
{
    s->peek = malloc(PEEK_MAX);
    if (!s->peek) return cx_fail(err, CX_ENOMEM, "out of memory");
    while (s->peek_len < PEEK_MAX) {
        long n = s->fn(s->ctx, s->peek + s->peek_len, PEEK_MAX - s->peek_len);
        if (n < 0) return cx_fail(err, CX_EIO, "read error");
        if (n == 0) break;
        s->peek_len += (size_t)n;
    }
    return CX_OK;
}

static enum cx_format sniff(const char *p, size_t n)
{
    size_t i = 0;
    if (n >= 3 && (unsigned char)p[0] == 0xEF && (unsigned char)p[1] == 0xBB &&
        (unsigned char)p[2] == 0xBF)
        i = 3;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    return i < n && p[i] == '{' ? CX_FMT_NDJSON : CX_FMT_CSV;
}

static const char *mapped_name(const struct cx_map_entry *map, size_t nmap, const char *col,
                               size_t len)
{
    for (size_t i = 0; i < nmap; i++)
        if (strlen(map[i].column) == len && memcmp(map[i].column, col, len) == 0)
            return map[i].field;
    return NULL;
}

static int has_name(char **cols, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(cols[i], name)) return 1;
    return 0;
}

static int open_csv(struct cx_source *s, const struct cx_source_opts *o, struct cx_err *err)
{
    s->csv = cx_csv_new(peek_read, s, o->max_record ? o->max_record : 1 << 20);
    if (!s->csv) return cx_fail(err, CX_ENOMEM, "out of memory");
    struct cx_csv_record rec;
    struct cx_err e = {{0}};
    int r = cx_csv_next(s->csv, &rec, &e);
    if (r == 0) return cx_fail(err, CX_EFORMAT, "the file is empty (no header row)");
    if (r == -2) return cx_fail(err, CX_EIO, "%s", e.msg);
    if (r < 0) return cx_fail(err, CX_EFORMAT, "not a CSV file: header: %s", e.msg);
    s->ncols = rec.nfields;
    s->cols = calloc(rec.nfields, sizeof *s->cols);
    s->col_lens = calloc(rec.nfields, sizeof *s->col_lens);
    s->fields = calloc(rec.nfields, sizeof *s->fields);
    if (!s->cols || !s->col_lens || !s->fields) return cx_fail(err, CX_ENOMEM, "out of memory");
    for (size_t i = 0; i < rec.nfields; i++) {
        if (!cx_utf8_valid(rec.fields[i], rec.lens[i], NULL))
            return cx_fail(err, CX_EFORMAT,
                           "not a CSV file: header column %zu is not valid UTF-8 text", i + 1);
        if (rec.lens[i] == 0)
            return cx_fail(err, CX_EFORMAT, "header column %zu has an empty name", i + 1);
        const char *m = mapped_name(o->map, o->nmap, rec.fields[i], rec.lens[i]);
        s->cols[i] = m ? strdup(m) : strndup(rec.fields[i], rec.lens[i]);
        if (!s->cols[i]) return cx_fail(err, CX_ENOMEM, "out of memory");
        s->col_lens[i] = strlen(s->cols[i]);
    }
    for (size_t i = 0; i < s->ncols; i++)
        for (size_t j = 0; j < i; j++)
            if (!strcmp(s->cols[i], s->cols[j]))
                return cx_fail(err, CX_EFORMAT,
                               "header: column '%s' appears twice (after --map renames)",
                               s->cols[i]);
    for (size_t i = 0; i < o->nmap; i++) {
        int found = 0;
        for (size_t j = 0; j < rec.nfields && !found; j++)
            found = strlen(o->map[i].column) == rec.lens[j] &&
                    !memcmp(o->map[i].column, rec.fields[j], rec.lens[j]);
        if (!found)
            return cx_fail(err, CX_EFORMAT, "--map %s=%s: the file has no column '%s'",
                           o->map[i].field, o->map[i].column, o->map[i].column);
    }
    for (size_t i = 0; o->required && o->required[i]; i++)
        if (!has_name(s->cols, s->ncols, o->required[i]))
            return cx_fail(err, CX_EFORMAT, "missing required column '%s'", o->required[i]);
    return CX_OK;
}

static int open_ndjson(struct cx_source *s, const struct cx_source_opts *o, struct cx_err *err)
{
    s->nd = cx_ndjson_new(peek_read, s, o->max_record ? o->max_record : 1 << 20);
    if (!s->nd) return cx_fail(err, CX_ENOMEM, "out of memory");
    struct cx_err e = {{0}};
    int r = cx_ndjson_next(s->nd, &s->pending_row, &e);
    if (r == -2) return cx_fail(err, CX_EIO, "%s", e.msg);
    if (r < 0)
        return cx_fail(err, CX_EFORMAT, "not an NDJSON file: line %ld: %s", s->pending_row.line,
                       e.msg);
    s->pending = r;
    return CX_OK;
}

int cx_source_open(struct cx_source **out, cx_read_fn fn, void *ctx, const struct cx_source_opts *o,
                   struct cx_err *err)
{
    struct cx_source *s = calloc(1, sizeof *s);
    if (!s) return cx_fail(err, CX_ENOMEM, "out of memory");
    s->fn = fn;
    s->ctx = ctx;
    s->map = o->map;
    s->nmap = o->nmap;
    int rc = fill_peek(s, err);
    if (rc) goto fail;
    if (memchr(s->peek, 0, s->peek_len)) {
        rc = cx_fail(err, CX_EFORMAT, "not a CSV or NDJSON file (binary data)");
        goto fail;
    }
    s->format = o->format == CX_FMT_AUTO ? sniff(s->peek, s->peek_len) : o->format;
    rc = s->format == CX_FMT_CSV ? open_csv(s, o, err) : open_ndjson(s, o, err);
    if (rc) goto fail;
    *out = s;
    return CX_OK;
fail:
    cx_source_free(s);
    return rc;
}

static int next_csv(struct cx_source *s, struct cx_row *row, struct cx_err *err)
{
    struct cx_csv_record rec;
    int r = cx_csv_next(s->csv, &rec, err);
    row->line = rec.line;
    if (r <= 0) return r;
    if (rec.nfields != s->ncols) {
        cx_fail(err, CX_EFORMAT, "has %zu fields, the header has %zu", rec.nfields, s->ncols);
        return -1;
    }
    for (size_t i = 0; i < s->ncols; i++) {
        s->fields[i].key = s->cols[i];
        s->fields[i].klen = s->col_lens[i];
        s->fields[i].val = rec.fields[i];
        s->fields[i].vlen = rec.lens[i];
        s->fields[i].kind = rec.lens[i] ? CX_VAL_STRING : CX_VAL_ABSENT;
    }
    row->n = s->ncols;
    row->f = s->fields;
    return 1;
}

/* Applies --map renames to an NDJSON row in place. */
static int rename_row(struct cx_source *s, struct cx_row *row, struct cx_err *err)
{
    for (size_t i = 0; i < s->nmap; i++) {
        const char *col = s->map[i].column, *field = s->map[i].field;
        struct cx_field *src = NULL, *dst = NULL;
        for (size_t j = 0; j < row->n; j++) {
            struct cx_field *f = &row->f[j];
            if (f->klen == strlen(col) && !memcmp(f->key, col, f->klen)) src = f;
            if (f->klen == strlen(field) && !memcmp(f->key, field, f->klen)) dst = f;
        }
        if (src && dst && src != dst) {
            cx_fail(err, CX_EFORMAT, "has both '%s' (mapped to %s) and '%s'", col, field, field);
            return -1;
        }
        if (src) {
            src->key = field;
            src->klen = strlen(field);
        }
    }
    return 1;
}

int cx_source_next(struct cx_source *s, struct cx_row *row, struct cx_err *err)
{
    if (s->format == CX_FMT_CSV) return next_csv(s, row, err);
    int r;
    if (s->pending) {
        s->pending = 0;
        *row = s->pending_row;
        r = 1;
    } else {
        r = cx_ndjson_next(s->nd, row, err);
    }
    if (r != 1) return r;
    return rename_row(s, row, err);
}
