/* topics_bench.c - runs the topics engine on a comments file written by
 * gen_comments.py (lang TAB time TAB score TAB text per line) and prints
 * the time spent in cx_topics_run and the topics found.
 *
 * usage: topics_bench FILE [SPLIT] [MAX_TOPICS] [MIN_COUNT] */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "text/topics.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap + 1);
    for (;;) {
        if (!buf) break;
        size_t r = fread(buf + n, 1, cap - n, f);
        n += r;
        if (n < cap) break;
        cap *= 2;
        char *nb = realloc(buf, cap + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
        }
        buf = nb;
    }
    fclose(f);
    if (buf) buf[n] = 0;
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE [SPLIT] [MAX_TOPICS] [MIN_COUNT]\n", argv[0]);
        return 2;
    }
    struct cx_topics_opts o = {0};
    o.split = argc > 2 ? atoll(argv[2]) : 5000000;
    o.max_topics = argc > 3 ? (size_t)atoll(argv[3]) : 20;
    o.min_count = argc > 4 ? (size_t)atoll(argv[4]) : 0;
    double t0 = now();
    size_t len;
    char *buf = read_all(argv[1], &len);
    if (!buf) {
        perror(argv[1]);
        return 1;
    }
    size_t lines = 0;
    for (size_t i = 0; i < len; i++) lines += buf[i] == '\n';
    struct cx_doc *docs = calloc(lines + 1, sizeof *docs);
    if (!docs) return 1;
    size_t n = 0;
    char *p = buf, *end = buf + len;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl) nl = end;
        *nl = 0;
        char *f[4] = {p, NULL, NULL, NULL};
        for (int k = 1; k < 4 && f[k - 1]; k++) {
            char *tab = strchr(f[k - 1], '\t');
            if (tab) *tab = 0;
            f[k] = tab ? tab + 1 : NULL;
        }
        if (f[3]) {
            struct cx_doc *d = &docs[n++];
            d->lang = *f[0] ? f[0] : NULL;
            d->time = atoll(f[1]);
            d->has_score = *f[2] != 0;
            d->score = d->has_score ? atof(f[2]) : 0;
            d->text = f[3];
        }
        p = nl + 1;
    }
    double t1 = now();
    struct cx_topic *t = NULL;
    size_t nt = 0;
    struct cx_err err = {{0}};
    int rc = cx_topics_run(docs, n, &o, &t, &nt, &err);
    double t2 = now();
    if (rc) {
        fprintf(stderr, "topics: %s: %s\n", cx_strerror(rc), err.msg);
        return 1;
    }
    for (size_t i = 0; i < nt; i++) {
        printf("%2zu %-45s %-6s cur=%-7llu prev=%-7llu z=%7.2f%s mean=%.3f langs=%s\n", i + 1,
               t[i].label, t[i].lang, (unsigned long long)t[i].count,
               (unsigned long long)t[i].prev_count, t[i].trend_z,
               t[i].trend_significant ? "*" : " ", t[i].mean_score, t[i].langs);
        for (size_t j = 0; j < t[i].nphrasings && j < 4; j++)
            printf("      ~ %s\n", t[i].phrasings[j]);
    }
    fprintf(stderr, "comments %zu  read %.2f s  topics %.2f s\n", n, t1 - t0, t2 - t1);
    cx_topics_free(t, nt);
    free(docs);
    free(buf);
    return 0;
}
