/* format.c - report output: table, CSV and JSON (SPEC §4). */
#include <stdio.h>
#include <string.h>

#include "engine/report.h"
#include "io/csv.h"

struct cells {
    char value[48], lo[48], hi[48];
    char p[24], pa[24], d[24];
};

/* Renders the numeric cells of an estimate ("" where empty). */
static void render(const struct cx_estimate *e, enum cx_metric m, struct cells *c)
{
    memset(c, 0, sizeof *c);
    if (e->has_value) cx_format2(e->num, e->den, c->value);
    if (e->has_value && e->has_ci) {
        cx_format2d(e->lo, c->lo);
        cx_format2d(e->hi, c->hi);
    }
    if (m == CX_M_NPS) {
        snprintf(c->p, sizeof c->p, "%llu", (unsigned long long)e->promoters);
        snprintf(c->pa, sizeof c->pa, "%llu", (unsigned long long)e->passives);
        snprintf(c->d, sizeof c->d, "%llu", (unsigned long long)e->detractors);
    }
}

static void render_cmp(const struct cx_report_row *row, char *diff, char *p, const char **sig)
{
    diff[0] = p[0] = 0;
    *sig = "";
    if (!row->cmp.has) return;
    cx_format2d(row->cmp.diff, diff);
    snprintf(p, 32, "%.4f", row->cmp.p);
    *sig = row->cmp.significant ? "yes" : "no";
}

static void csv_field(FILE *out, const char *s)
{
    cx_csv_write_field(out, s, strlen(s));
}

static int write_csv(FILE *out, const struct cx_report *r)
{
    for (size_t i = 0; i < r->nby; i++) {
        csv_field(out, r->by[i]);
        fputc(',', out);
    }
    fputs("metric,n,value,ci_low,ci_high,promoters,passives,detractors", out);
    if (r->compare) fputs(",prev_n,prev_value,diff,p_value,significant", out);
    fputc('\n', out);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct cx_report_row *row = &r->rows[i];
        struct cells c;
        render(&row->est, row->metric, &c);
        for (size_t k = 0; k < r->nby; k++) {
            csv_field(out, row->groups[k]);
            fputc(',', out);
        }
        fprintf(out, "%s,%llu,%s,%s,%s,%s,%s,%s", cx_metric_name(row->metric),
                (unsigned long long)row->est.n, c.value, c.lo, c.hi, c.p, c.pa, c.d);
        if (r->compare) {
            struct cells pc;
            render(&row->prev, row->metric, &pc);
            char diff[48], p[32];
            const char *sig;
            render_cmp(row, diff, p, &sig);
            fprintf(out, ",%llu,%s,%s,%s,%s", (unsigned long long)row->prev.n, pc.value, diff, p,
                    sig);
        }
        fputc('\n', out);
    }
    return ferror(out) ? CX_EIO : CX_OK;
}

static void json_str(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static void json_num(FILE *out, const char *v)
{
    fputs(v[0] ? v : "null", out);
}

static int write_json(FILE *out, const struct cx_report *r)
{
    fputc('[', out);
    for (size_t i = 0; i < r->nrows; i++) {
        const struct cx_report_row *row = &r->rows[i];
        struct cells c;
        render(&row->est, row->metric, &c);
        fputs(i ? ",\n{" : "\n{", out);
        for (size_t k = 0; k < r->nby; k++) {
            json_str(out, r->by[k]);
            fputc(':', out);
            json_str(out, row->groups[k]);
            fputc(',', out);
        }
        fprintf(out, "\"metric\":\"%s\",\"n\":%llu,\"value\":", cx_metric_name(row->metric),
                (unsigned long long)row->est.n);
        json_num(out, c.value);
        fputs(",\"ci_low\":", out);
        json_num(out, c.lo);
        fputs(",\"ci_high\":", out);
        json_num(out, c.hi);
        fputs(",\"promoters\":", out);
        json_num(out, c.p);
        fputs(",\"passives\":", out);
        json_num(out, c.pa);
        fputs(",\"detractors\":", out);
        json_num(out, c.d);
        if (r->compare) {
            struct cells pc;
            render(&row->prev, row->metric, &pc);
            char diff[48], p[32];
            const char *sig;
            render_cmp(row, diff, p, &sig);
            fprintf(out, ",\"prev_n\":%llu,\"prev_value\":", (unsigned long long)row->prev.n);
            json_num(out, pc.value);
            fputs(",\"diff\":", out);
            json_num(out, diff);
            fputs(",\"p_value\":", out);
            json_num(out, p);
            fprintf(out, ",\"significant\":%s",
                    sig[0] ? (row->cmp.significant ? "true" : "false") : "null");
        }
        fputc('}', out);
    }
    fputs(r->nrows ? "\n]\n" : "]\n", out);
    return ferror(out) ? CX_EIO : CX_OK;
}

/* Display width of UTF-8 text: code points, not bytes. */
static size_t width(const char *s)
{
    size_t w = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) w += (*p & 0xC0) != 0x80;
    return w;
}

static void pad(FILE *out, const char *s, size_t w, int right)
{
    size_t n = width(s);
    if (right)
        for (size_t i = n; i < w; i++) fputc(' ', out);
    fputs(s, out);
    if (!right)
        for (size_t i = n; i < w; i++) fputc(' ', out);
}

#define TCOLS (CX_QUERY_MAX + 12)

static int write_table(FILE *out, const struct cx_report *r)
{
    size_t ncols = r->nby + 5 + (r->compare ? 3 : 0);
    int has_nps = 0;
    for (size_t i = 0; i < r->nrows; i++) has_nps |= r->rows[i].metric == CX_M_NPS;
    if (has_nps) ncols += 3;
    const char *head[TCOLS];
    size_t w[TCOLS];
    size_t c = 0;
    for (size_t k = 0; k < r->nby; k++) head[c++] = r->by[k];
    head[c++] = "metric";
    head[c++] = "n";
    head[c++] = "value";
    head[c++] = "95% CI low";
    head[c++] = "high";
    if (has_nps) {
        head[c++] = "promoters";
        head[c++] = "passives";
        head[c++] = "detractors";
    }
    if (r->compare) {
        head[c++] = "prev";
        head[c++] = "change";
        head[c++] = "significant";
    }
    for (size_t i = 0; i < ncols; i++) w[i] = width(head[i]);
    /* two passes: measure, then print */
    for (int pass = 0; pass < 2; pass++) {
        if (pass) {
            for (size_t i = 0; i < ncols; i++) {
                pad(out, head[i], w[i], i >= r->nby + 1);
                fputs(i + 1 < ncols ? "  " : "\n", out);
            }
        }
        for (size_t i = 0; i < r->nrows; i++) {
            const struct cx_report_row *row = &r->rows[i];
            struct cells cl, pc;
            render(&row->est, row->metric, &cl);
            char n[24], diff[48] = "", p[32] = "", prev[64] = "";
            const char *sig = "";
            snprintf(n, sizeof n, "%llu", (unsigned long long)row->est.n);
            const char *cell[TCOLS];
            size_t k = 0;
            for (size_t g = 0; g < r->nby; g++) cell[k++] = row->groups[g];
            cell[k++] = cx_metric_name(row->metric);
            cell[k++] = n;
            cell[k++] = cl.value[0] ? cl.value : "-";
            cell[k++] = cl.lo[0] ? cl.lo : "-";
            cell[k++] = cl.hi[0] ? cl.hi : "-";
            if (has_nps) {
                cell[k++] = cl.p;
                cell[k++] = cl.pa;
                cell[k++] = cl.d;
            }
            if (r->compare) {
                render(&row->prev, row->metric, &pc);
                render_cmp(row, diff, p, &sig);
                snprintf(prev, sizeof prev, "%s (n=%llu)", pc.value[0] ? pc.value : "-",
                         (unsigned long long)row->prev.n);
                cell[k++] = prev;
                cell[k++] = diff[0] ? diff : "-";
                cell[k++] = sig[0] ? sig : "-";
            }
            for (size_t x = 0; x < ncols; x++) {
                if (!pass) {
                    size_t cw = width(cell[x]);
                    if (cw > w[x]) w[x] = cw;
                } else {
                    pad(out, cell[x], w[x], x >= r->nby + 1);
                    fputs(x + 1 < ncols ? "  " : "\n", out);
                }
            }
        }
    }
    if (r->nrows == 0) fputs("(no data)\n", out);
    return ferror(out) ? CX_EIO : CX_OK;
}

int cx_report_write(FILE *out, const struct cx_report *r, enum cx_report_format f)
{
    switch (f) {
    case CX_REPORT_CSV:
        return write_csv(out, r);
    case CX_REPORT_JSON:
        return write_json(out, r);
    default:
        return write_table(out, r);
    }
}
