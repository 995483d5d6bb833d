/* cmd_erase.c - `cxpulse erase CUSTOMER`. */
#include <stdio.h>

#include "cli/cli.h"

int cmd_erase(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'}, {0, 0, 0, 0}};
    const char *data = NULL;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else
            return cli_usage_error("erase", "bad option");
    }
    if (optind + 1 != argc) return cli_usage_error("erase", "expected exactly one CUSTOMER id");
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    uint64_t nr = 0, ne = 0;
    int rc = s->vt->erase_customer(s, argv[optind], &nr, &ne, &err);
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg);
    printf("erased customer %s: %llu responses, %llu events\n", argv[optind],
           (unsigned long long)nr, (unsigned long long)ne);
    return 0;
}
