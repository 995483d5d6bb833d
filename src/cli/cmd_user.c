/* cmd_user.c - `cxpulse user create|list|delete`: dashboard users. */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

/* Reads one line (the password) from stdin without its line end. Returns 0
 * or -1 when empty or longer than cap - 1. */
static int read_password(char *buf, size_t cap)
{
    if (!fgets(buf, (int)cap, stdin)) return -1;
    size_t n = strlen(buf);
    if (n && buf[n - 1] != '\n' && !feof(stdin)) return -1;
    while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r')) buf[--n] = 0;
    return n ? 0 : -1;
}

int cmd_user(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"role", required_argument, 0, 'r'},
                                         {"password-stdin", no_argument, 0, 'p'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *role = NULL;
    int from_stdin = 0, c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 'r')
            role = optarg;
        else if (c == 'p')
            from_stdin = 1;
        else
            return cli_usage_error("user", "bad option");
    }
    if (optind >= argc) return cli_usage_error("user", "missing action: create, list or delete");
    const char *action = argv[optind];
    struct cx_store *s = NULL;
    struct cx_err err = {{0}};
    int rc = 0;
    if (!strcmp(action, "create")) {
        if (optind + 1 >= argc) return cli_usage_error("user", "create needs a NAME");
        const char *name = argv[optind + 1];
        if (!role || (strcmp(role, "admin") && strcmp(role, "viewer")))
            return cli_usage_error("user", "--role must be admin or viewer");
        char pw[1100];
        if (from_stdin) {
            if (read_password(pw, sizeof pw))
                return cli_usage_error("user", "--password-stdin: give one line of 1-1024 bytes");
        } else {
            unsigned char raw[15];
            randombytes_buf(raw, sizeof raw);
            sodium_bin2base64(pw, sizeof pw, raw, sizeof raw,
                              sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        }
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        rc = s->vt->user_create(s, name, !strcmp(role, "admin"), pw, &err);
        if (!rc && from_stdin) printf("created %s user %s\n", role, name);
        if (!rc && !from_stdin)
            printf("created %s user %s, password (shown only once): %s\n", role, name, pw);
        sodium_memzero(pw, sizeof pw);
    } else if (!strcmp(action, "list")) {
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        struct cx_user *u = NULL;
        size_t n = 0;
        rc = s->vt->user_list(s, &u, &n, &err);
        if (!rc) printf("%-24s  %-6s  %s\n", "name", "role", "created");
        for (size_t i = 0; !rc && i < n; i++) {
            char when[32];
            time_t t = (time_t)u[i].created;
            struct tm tm;
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
            printf("%-24s  %-6s  %s\n", u[i].name, u[i].admin ? "admin" : "viewer", when);
        }
        free(u);
    } else if (!strcmp(action, "delete")) {
        if (optind + 1 >= argc) return cli_usage_error("user", "delete needs a NAME");
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        rc = s->vt->user_delete(s, argv[optind + 1], &err);
        if (!rc) printf("deleted user %s and its sessions\n", argv[optind + 1]);
    } else {
        return cli_usage_error("user", "unknown action '%s'", action);
    }
    cx_store_close(s);
    if (rc) return cli_error("%s", err.msg[0] ? err.msg : cx_strerror(rc));
    return 0;
}
