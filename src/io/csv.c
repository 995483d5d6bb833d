#include "io/csv.h"

#include <stdlib.h>
#include <string.h>

#define CSV_CHUNK 65536
#define CH_EOF (-1)
#define CH_ERR (-2)

static const char TOO_LONG[] = "record longer than the maximum record size";

struct cx_csv {
    cx_read_fn fn;
    void *ctx;
    size_t max_record;

    char *in; /* input chunk */
    size_t inpos, inlen;
    int eof, ioerr, primed;
    long line; /* physical line of the next unread byte */

    char *buf; /* unescaped data of the record, each field NUL-terminated */
    size_t len, cap;
    size_t *offs; /* start of each field in buf */
    size_t *lens;
    char **ptrs;
    size_t nf, fcap;
    int oom;
};

enum st {
    ST_REC,      /* nothing of the record read yet */
    ST_REC_CR,   /* a CR at the start of a record */
    ST_FIELD,    /* at the start of a field */
    ST_PLAIN,    /* inside an unquoted field */
    ST_PLAIN_CR, /* a CR inside an unquoted field: line break or data */
    ST_QUOTED,   /* inside a quoted field */
    ST_QUOTE,    /* a quote inside a quoted field: closing or doubled */
    ST_QUOTE_CR, /* a CR after a closing quote */
};

enum mode {
    MODE_KEEP,        /* storing the record */
    MODE_SKIP_RECORD, /* too long: following quotes to find its end */
    MODE_SKIP_LINE,   /* malformed: discarding up to the next LF */
};

struct cx_csv *cx_csv_new(cx_read_fn fn, void *ctx, size_t max_record)
{
    struct cx_csv *c = calloc(1, sizeof *c);
    if (!c) return NULL;
    c->in = malloc(CSV_CHUNK);
    if (!c->in) {
        free(c);
        return NULL;
    }
    c->fn = fn;
    c->ctx = ctx;
    c->max_record = max_record;
    c->line = 1;
    return c;
}

void cx_csv_free(struct cx_csv *c)
{
    if (!c) return;
    free(c->in);
    free(c->buf);
    free(c->offs);
    free(c->lens);
    free(c->ptrs);
    free(c);
}

/* Appends up to CSV_CHUNK - inlen bytes to the input chunk. Returns the
 * number read, 0 at end of input, -1 on a read error. */
static long fill(struct cx_csv *c)
{
    if (c->eof) return 0;
    size_t room = CSV_CHUNK - c->inlen;
    long n = c->fn(c->ctx, c->in + c->inlen, room);
    if (n < 0 || (size_t)n > room) {
        c->ioerr = 1;
        return -1;
    }
    if (n == 0) c->eof = 1;
    c->inlen += (size_t)n;
    return n;
}

static int refill(struct cx_csv *c)
{
    c->inpos = c->inlen = 0;
    long n = fill(c);
    if (n < 0) return CH_ERR;
    if (n == 0) return CH_EOF;
    return (unsigned char)c->in[c->inpos++];
}

static inline int getb(struct cx_csv *c)
{
    if (c->inpos < c->inlen) return (unsigned char)c->in[c->inpos++];
    return refill(c);
}

/* Reads until three bytes are buffered (or input ends) and skips a BOM. */
static int prime(struct cx_csv *c)
{
    c->primed = 1;
    while (c->inlen < 3) {
        long n = fill(c);
        if (n < 0) return -1;
        if (n == 0) break;
    }
    if (c->inlen >= 3 && memcmp(c->in, "\xEF\xBB\xBF", 3) == 0) c->inpos = 3;
    return 0;
}

/* Grows buf so that it holds at least need bytes; sets oom on failure. */
static int reserve(struct cx_csv *c, size_t need)
{
    if (need <= c->cap) return 0;
    size_t cap = c->cap ? c->cap : 256;
    while (cap < need) cap *= 2;
    /* At most max_record + 1 bytes are stored: data, and a NUL per field
     * standing for its comma or the line break. */
    if (cap > c->max_record + 1 && need <= c->max_record + 1) cap = c->max_record + 1;
    char *p = realloc(c->buf, cap);
    if (!p) {
        c->oom = 1;
        return -1;
    }
    c->buf = p;
    c->cap = cap;
    return 0;
}

static inline void put(struct cx_csv *c, char ch)
{
    if (c->len == c->cap && reserve(c, c->len + 1)) return;
    c->buf[c->len++] = ch;
}

static void field_begin(struct cx_csv *c)
{
    if (c->nf == c->fcap) {
        size_t n = c->fcap ? c->fcap * 2 : 16;
        size_t *o = realloc(c->offs, n * sizeof *o);
        if (o) c->offs = o;
        size_t *l = realloc(c->lens, n * sizeof *l);
        if (l) c->lens = l;
        char **p = realloc(c->ptrs, n * sizeof *p);
        if (p) c->ptrs = p;
        if (!o || !l || !p) {
            c->oom = 1;
            return;
        }
        c->fcap = n;
    }
    c->offs[c->nf++] = c->len;
}

static void field_end(struct cx_csv *c)
{
    if (c->oom) return;
    c->lens[c->nf - 1] = c->len - c->offs[c->nf - 1];
    put(c, '\0');
}

static int read_error(struct cx_err *err)
{
    cx_fail(err, CX_EIO, "read error");
    return -2;
}

static int malformed(struct cx_err *err, int rc, const char *why)
{
    cx_fail(err, rc, "%s", why);
    return -1;
}

static void next_field(struct cx_csv *c)
{
    field_end(c);
    field_begin(c);
}

/* Scans one record. Field data is stored only in MODE_KEEP; the other
 * modes find where a bad record ends. The record's length is the number
 * of its bytes excluding the line break that ends it. */
int cx_csv_next(struct cx_csv *c, struct cx_csv_record *rec, struct cx_err *err)
{
    rec->line = c->line;
    rec->nfields = 0;
    rec->fields = NULL;
    rec->lens = NULL;
    rec->quoted_any = 0;
    if (c->ioerr) return read_error(err);
    if (!c->primed && prime(c)) return read_error(err);

    enum st st = ST_REC;
    enum mode mode = MODE_KEEP;
    const char *bad = NULL;
    size_t raw = 0;
    int quoted_any = 0;
    c->len = 0;
    c->nf = 0;
    c->oom = 0;

    for (;;) {
        int ch = getb(c);
        if (ch == CH_ERR) return read_error(err);
        if (ch == CH_EOF) {
            if (st == ST_REC || st == ST_REC_CR) return 0;
            if (mode == MODE_KEEP && st == ST_QUOTED) bad = "unterminated quoted field";
            goto end;
        }
        if (ch == '\n') {
            if (st == ST_REC || st == ST_REC_CR) {
                c->line++; /* blank line */
                st = ST_REC;
                continue;
            }
            c->line++;
        }
        if (mode == MODE_SKIP_LINE) {
            if (ch == '\n') goto end;
            continue;
        }
        /* Count every byte except a line break ending the record; a CR
         * that may start a CRLF is counted once it turns out to be data. */
        if ((ch != '\n' && ch != '\r') || st == ST_QUOTED) raw++;
        if (raw > c->max_record && mode == MODE_KEEP) {
            mode = MODE_SKIP_RECORD;
            bad = TOO_LONG;
        }
        int keep = mode == MODE_KEEP;

    again:
        switch (st) {
        case ST_REC:
            rec->line = c->line;
            if (ch == '\r') {
                st = ST_REC_CR;
                continue;
            }
            if (keep) field_begin(c);
            st = ST_FIELD;
            goto again;
        case ST_REC_CR: /* not followed by LF: the CR is data */
            if (keep) field_begin(c);
            st = ST_PLAIN_CR;
            goto again;
        case ST_FIELD:
            if (ch == '"') {
                quoted_any = 1;
                st = ST_QUOTED;
                continue;
            }
            st = ST_PLAIN;
            goto again;
        case ST_PLAIN:
            if (ch == ',') {
                if (keep) next_field(c);
                st = ST_FIELD;
            } else if (ch == '\n') {
                goto end;
            } else if (ch == '\r') {
                st = ST_PLAIN_CR;
            } else if (ch == '"') {
                if (!bad) bad = "quote in an unquoted field";
                mode = MODE_SKIP_LINE;
            } else if (keep) {
                put(c, (char)ch);
            }
            continue;
        case ST_PLAIN_CR:
            if (ch == '\n') goto end;
            if (++raw > c->max_record && mode == MODE_KEEP) {
                mode = MODE_SKIP_RECORD;
                bad = TOO_LONG;
                keep = 0;
            }
            if (keep) put(c, '\r');
            st = ST_PLAIN;
            goto again;
        case ST_QUOTED:
            if (ch == '"')
                st = ST_QUOTE;
            else if (keep)
                put(c, (char)ch);
            continue;
        case ST_QUOTE:
            if (ch == '"') {
                if (keep) put(c, '"');
                st = ST_QUOTED;
            } else if (ch == ',') {
                if (keep) next_field(c);
                st = ST_FIELD;
            } else if (ch == '\n') {
                goto end;
            } else if (ch == '\r') {
                st = ST_QUOTE_CR;
            } else {
                if (!bad) bad = "characters after a closing quote";
                mode = MODE_SKIP_LINE;
            }
            continue;
        case ST_QUOTE_CR:
            if (ch == '\n') goto end;
            if (!bad) bad = "characters after a closing quote";
            mode = MODE_SKIP_LINE;
            continue;
        }
    }

end:
    if (bad) return malformed(err, bad == TOO_LONG ? CX_ELIMIT : CX_EFORMAT, bad);
    field_end(c);
    if (c->oom) return malformed(err, CX_ENOMEM, "out of memory");
    for (size_t i = 0; i < c->nf; i++) c->ptrs[i] = c->buf + c->offs[i];
    rec->nfields = c->nf;
    rec->fields = c->ptrs;
    rec->lens = c->lens;
    rec->quoted_any = quoted_any;
    return 1;
}

void cx_csv_write_field(FILE *out, const char *f, size_t len)
{
    int quote = len > 0 && (f[0] == ' ' || f[len - 1] == ' ');
    for (size_t i = 0; i < len && !quote; i++)
        if (f[i] == ',' || f[i] == '"' || f[i] == '\r' || f[i] == '\n') quote = 1;
    if (!quote) {
        fwrite(f, 1, len, out);
        return;
    }
    putc('"', out);
    const char *p = f, *e = f + len;
    while (p < e) {
        const char *q = memchr(p, '"', (size_t)(e - p));
        if (!q) {
            fwrite(p, 1, (size_t)(e - p), out);
            break;
        }
        fwrite(p, 1, (size_t)(q - p + 1), out);
        putc('"', out);
        p = q + 1;
    }
    putc('"', out);
}
