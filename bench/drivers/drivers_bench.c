/* drivers_bench.c - runs the drivers (or lost) engine once on an existing
 * data directory and prints the result, for bench/drivers/run.sh to time.
 *
 * usage: drivers_bench DIR [ces|csat|nps] [drops]
 *        drivers_bench DIR lost NOW */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/drivers.h"
#include "engine/lost.h"
#include "store/store.h"

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int run_lost(struct cx_store *s, long long now)
{
    struct cx_lost_opts o;
    cx_lost_opts_init(&o);
    o.now = now;
    o.limit = 20;
    struct cx_lost *l;
    size_t n;
    struct cx_err err = {{0}};
    double t0 = now_s();
    int rc = cx_lost_run(s, &o, &l, &n, &err);
    if (rc) {
        fprintf(stderr, "lost: %s\n", err.msg);
        return 1;
    }
    printf("lost: %zu listed in %.2f s\n", n, now_s() - t0);
    for (size_t i = 0; i < n && i < 5; i++)
        printf("  %s %s at %lld, %zu interactions before\n", l[i].customer,
               cx_lost_reason_name(l[i].reason), (long long)l[i].left_at, l[i].nbefore);
    cx_lost_free(l, n);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: drivers_bench DIR [ces|csat|nps] [drops] | DIR lost NOW\n");
        return 2;
    }
    struct cx_store_opts so = {0};
    struct cx_store *s = NULL;
    struct cx_err err = {{0}};
    if (cx_store_open_sqlite(argv[1], &so, &s, &err)) {
        fprintf(stderr, "open: %s\n", err.msg);
        return 1;
    }
    if (argc > 2 && !strcmp(argv[2], "lost")) {
        int rc = run_lost(s, argc > 3 ? atoll(argv[3]) : 0);
        cx_store_close(s);
        return rc;
    }
    struct cx_drivers_opts o;
    cx_drivers_opts_init(&o);
    if (argc > 2 && cx_kind_parse(argv[2], strlen(argv[2]), &o.kind)) {
        fprintf(stderr, "unknown kind %s\n", argv[2]);
        return 2;
    }
    o.drops = argc > 3 && !strcmp(argv[3], "drops");
    struct cx_driver *d;
    size_t n;
    double t0 = now_s();
    int rc = cx_drivers_run(s, &o, &d, &n, &err);
    if (rc) {
        fprintf(stderr, "drivers: %s\n", err.msg);
        cx_store_close(s);
        return 1;
    }
    printf("drivers (%s%s): %zu features tested in %.2f s\n", cx_kind_name(o.kind),
           o.drops ? ", drops" : "", n, now_s() - t0);
    for (size_t i = 0; i < n; i++)
        printf("  %-34s n=%7llu/%7llu mean %5.2f vs %5.2f effect %+.2f lift %5.2f p_adj %.2g%s\n",
               d[i].feature, (unsigned long long)d[i].n_with, (unsigned long long)d[i].n_without,
               d[i].mean_with, d[i].mean_without, d[i].effect, d[i].lift, d[i].p_adjusted,
               d[i].significant ? " *" : "");
    cx_drivers_free(d, n);
    cx_store_close(s);
    return 0;
}
