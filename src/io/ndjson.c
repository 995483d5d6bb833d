#include "io/ndjson.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NDJSON_CHUNK 65536
#define NO_TEXT SIZE_MAX

struct cx_ndjson {
    cx_read_fn fn;
    void *ctx;
    size_t max_line;

    char *in; /* input chunk */
    size_t inpos, inlen;
    int eof, ioerr, primed;
    long line; /* number of the next line */

    char *lbuf; /* the current line, without its LF */
    size_t llen, lcap;

    json_t *root;       /* the current object; owns string values and keys */
    struct cx_field *f; /* the current row's fields */
    size_t *voff;       /* offset of each field's value in text, or NO_TEXT */
    size_t fcap;
    char *text; /* texts of INT, REAL and JSON values */
    size_t tlen, tcap;
};

struct cx_ndjson *cx_ndjson_new(cx_read_fn fn, void *ctx, size_t max_line)
{
    struct cx_ndjson *j = calloc(1, sizeof *j);
    if (!j) return NULL;
    j->in = malloc(NDJSON_CHUNK);
    if (!j->in) {
        free(j);
        return NULL;
    }
    j->fn = fn;
    j->ctx = ctx;
    j->max_line = max_line;
    j->line = 1;
    return j;
}

void cx_ndjson_free(struct cx_ndjson *j)
{
    if (!j) return;
    json_decref(j->root);
    free(j->in);
    free(j->lbuf);
    free(j->f);
    free(j->voff);
    free(j->text);
    free(j);
}

/* Appends to the input chunk. Returns bytes read, 0 at end, -1 on error. */
static long fill(struct cx_ndjson *j)
{
    if (j->eof) return 0;
    size_t room = NDJSON_CHUNK - j->inlen;
    long n = j->fn(j->ctx, j->in + j->inlen, room);
    if (n < 0 || (size_t)n > room) {
        j->ioerr = 1;
        return -1;
    }
    if (n == 0) j->eof = 1;
    j->inlen += (size_t)n;
    return n;
}

/* Reads until three bytes are buffered (or input ends) and skips a BOM. */
static int prime(struct cx_ndjson *j)
{
    j->primed = 1;
    while (j->inlen < 3) {
        long n = fill(j);
        if (n < 0) return -1;
        if (n == 0) break;
    }
    if (j->inlen >= 3 && memcmp(j->in, "\xEF\xBB\xBF", 3) == 0) j->inpos = 3;
    return 0;
}

static int grow(char **buf, size_t *cap, size_t need)
{
    if (need <= *cap) return 0;
    size_t n = *cap ? *cap : 256;
    while (n < need) n *= 2;
    char *p = realloc(*buf, n);
    if (!p) return -1;
    *buf = p;
    *cap = n;
    return 0;
}

/* Reads one line into lbuf without its LF or a CR before the LF. At most
 * max_line + 1 bytes are stored; *too_long is set if the line is longer
 * than max_line. Returns 1, 0 at end of input, -1 on a read error, -2 when
 * out of memory (the rest of the line is consumed). */
static int read_line(struct cx_ndjson *j, int *too_long)
{
    size_t limit = j->max_line + 1;
    int any = 0, oom = 0;
    j->llen = 0;
    *too_long = 0;
    for (;;) {
        if (j->inpos == j->inlen) {
            j->inpos = j->inlen = 0;
            long n = fill(j);
            if (n < 0) return -1;
            if (n == 0) {
                if (!any) return 0;
                break;
            }
        }
        any = 1;
        char *p = j->in + j->inpos;
        size_t avail = j->inlen - j->inpos;
        char *nl = memchr(p, '\n', avail);
        size_t seg = nl ? (size_t)(nl - p) : avail;
        j->inpos += nl ? seg + 1 : seg;
        if (!*too_long && !oom) {
            if (j->llen + seg > limit) {
                *too_long = 1;
            } else if (seg && grow(&j->lbuf, &j->lcap, j->llen + seg)) {
                oom = 1;
            } else if (seg) {
                memcpy(j->lbuf + j->llen, p, seg);
                j->llen += seg;
            }
        }
        if (nl) break;
    }
    if (oom) return -2;
    if (j->llen && j->lbuf[j->llen - 1] == '\r') j->llen--;
    if (j->llen > j->max_line) *too_long = 1;
    return 1;
}

static int blank(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r') return 0;
    return 1;
}

static int reject(struct cx_err *err, int rc, const char *why)
{
    cx_fail(err, rc, "%s", why);
    return -1;
}

/* Appends the shortest "%.{15,16,17}g" text of d that reads back as d. */
static int put_real(struct cx_ndjson *j, double d)
{
    char tmp[40];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, d);
        if (strtod(tmp, NULL) == d) break;
    }
    size_t n = strlen(tmp);
    if (grow(&j->text, &j->tcap, j->tlen + n + 1)) return -1;
    memcpy(j->text + j->tlen, tmp, n + 1);
    j->tlen += n + 1;
    return 0;
}

static int put_int(struct cx_ndjson *j, json_int_t v)
{
    char tmp[32];
    int n = snprintf(tmp, sizeof tmp, "%" JSON_INTEGER_FORMAT, v);
    if (grow(&j->text, &j->tcap, j->tlen + (size_t)n + 1)) return -1;
    memcpy(j->text + j->tlen, tmp, (size_t)n + 1);
    j->tlen += (size_t)n + 1;
    return 0;
}

static int put_json(struct cx_ndjson *j, const json_t *v, size_t *len)
{
    size_t n = json_dumpb(v, NULL, 0, JSON_COMPACT);
    if (grow(&j->text, &j->tcap, j->tlen + n + 1)) return -1;
    if (n) n = json_dumpb(v, j->text + j->tlen, n, JSON_COMPACT);
    j->text[j->tlen + n] = '\0';
    j->tlen += n + 1;
    *len = n;
    return 0;
}

/* Fills one field from an object member; INT, REAL and JSON texts go to
 * j->text and are pointed at once the row is complete. */
static int map_value(struct cx_ndjson *j, size_t i, json_t *v)
{
    struct cx_field *f = &j->f[i];
    size_t start = j->tlen;
    j->voff[i] = NO_TEXT;
    switch (json_typeof(v)) {
    case JSON_NULL:
        f->kind = CX_VAL_ABSENT;
        f->val = "";
        f->vlen = 0;
        return 0;
    case JSON_STRING:
        f->kind = CX_VAL_STRING;
        f->val = json_string_value(v);
        f->vlen = json_string_length(v);
        return 0;
    case JSON_TRUE:
    case JSON_FALSE:
        f->kind = CX_VAL_BOOL;
        f->val = json_is_true(v) ? "true" : "false";
        f->vlen = strlen(f->val);
        return 0;
    case JSON_INTEGER:
        f->kind = CX_VAL_INT;
        if (put_int(j, json_integer_value(v))) return -1;
        f->vlen = j->tlen - start - 1;
        break;
    case JSON_REAL:
        f->kind = CX_VAL_REAL;
        if (put_real(j, json_real_value(v))) return -1;
        f->vlen = j->tlen - start - 1;
        break;
    case JSON_OBJECT:
    case JSON_ARRAY:
        f->kind = CX_VAL_JSON;
        if (put_json(j, v, &f->vlen)) return -1;
        break;
    }
    j->voff[i] = start;
    return 0;
}

static const char *load_error(const json_error_t *e, char *buf, size_t cap)
{
    switch (json_error_code(e)) {
    case json_error_duplicate_key:
        return "duplicate key";
    case json_error_null_character:
        return "NUL character (\\u0000) in a string";
    case json_error_invalid_utf8:
        return "invalid UTF-8";
    default:
        break;
    }
    snprintf(buf, cap, "invalid JSON at column %d: %s", e->column, e->text);
    return buf;
}

/* Parses buf[0..len) as one object into row (row->line is left alone). */
static int parse(struct cx_ndjson *j, const char *buf, size_t len, struct cx_row *row,
                 struct cx_err *err)
{
    json_error_t e;
    char msg[256];
    row->n = 0;
    row->f = NULL;
    json_decref(j->root);
    j->root = json_loadb(buf, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY, &e);
    if (!j->root) return reject(err, CX_EFORMAT, load_error(&e, msg, sizeof msg));
    if (!json_is_object(j->root)) return reject(err, CX_EFORMAT, "not a JSON object");

    size_t n = json_object_size(j->root);
    if (n > j->fcap) {
        struct cx_field *f = realloc(j->f, n * sizeof *f);
        if (f) j->f = f;
        size_t *o = realloc(j->voff, n * sizeof *o);
        if (o) j->voff = o;
        if (!f || !o) return reject(err, CX_ENOMEM, "out of memory");
        j->fcap = n;
    }
    j->tlen = 0;
    size_t i = 0;
    for (void *it = json_object_iter(j->root); it && i < n;
         it = json_object_iter_next(j->root, it), i++) {
        j->f[i].key = json_object_iter_key(it);
        j->f[i].klen = json_object_iter_key_len(it);
        if (map_value(j, i, json_object_iter_value(it)))
            return reject(err, CX_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < i; k++)
        if (j->voff[k] != NO_TEXT) j->f[k].val = j->text + j->voff[k];
    row->n = i;
    row->f = j->f;
    return 1;
}

int cx_ndjson_next(struct cx_ndjson *j, struct cx_row *row, struct cx_err *err)
{
    row->line = j->line;
    row->n = 0;
    row->f = NULL;
    if (j->ioerr || (!j->primed && prime(j))) {
        cx_fail(err, CX_EIO, "read error");
        return -2;
    }
    for (;;) {
        int too_long;
        long line = j->line;
        int rc = read_line(j, &too_long);
        if (rc == 0) return 0;
        if (rc == -1) {
            cx_fail(err, CX_EIO, "read error");
            return -2;
        }
        j->line++;
        row->line = line;
        if (rc == -2) return reject(err, CX_ENOMEM, "out of memory");
        if (too_long) return reject(err, CX_ELIMIT, "line longer than the maximum line size");
        if (blank(j->lbuf, j->llen)) continue;
        return parse(j, j->lbuf, j->llen, row, err);
    }
}

int cx_ndjson_parse_object(struct cx_ndjson *j, const char *buf, size_t len, struct cx_row *row,
                           struct cx_err *err)
{
    row->line = 1;
    return parse(j, buf, len, row, err);
}
