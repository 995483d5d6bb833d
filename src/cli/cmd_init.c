/* cmd_init.c - `cxpulse init`. */
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cli/cli.h"

int cmd_init(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'}, {"tz", required_argument, 0, 'z'}, {0, 0, 0, 0}};
    const char *data = NULL, *tz = NULL;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'z')
            tz = optarg;
        else
            return cli_usage_error("init", "bad option");
    }
    if (optind < argc) return cli_usage_error("init", "unexpected argument '%s'", argv[optind]);
    const char *dir = cli_data_dir(data);
    char path[4096];
    struct stat st;
    snprintf(path, sizeof path, "%s/cxpulse.db", dir);
    if (stat(path, &st) == 0) return cli_error("'%s' is already initialised", dir);
    struct cx_store_opts o = {0};
    o.create = 1;
    o.tz = tz;
    struct cx_store *s;
    if (cli_open_store(dir, &o, &s)) return 1;
    struct cx_err err = {{0}};
    char *key = NULL;
    int rc = s->vt->key_create(s, "admin", "admin", &key, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    printf("initialised %s (rollup zone %s)\n", dir, tz ? tz : "UTC");
    printf("admin API key (shown only once): %s\n", key);
    free(key);
    return 0;
}
