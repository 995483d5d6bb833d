/* cmd_key.c - `cxpulse key create|list|revoke`. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"

int cmd_key(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, 0, 'd'},
                                         {"scope", required_argument, 0, 's'},
                                         {"name", required_argument, 0, 'n'},
                                         {"survey", required_argument, 0, 'S'},
                                         {0, 0, 0, 0}};
    const char *data = NULL, *scope = NULL, *name = NULL, *survey = NULL;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'd')
            data = optarg;
        else if (c == 's')
            scope = optarg;
        else if (c == 'n')
            name = optarg;
        else if (c == 'S')
            survey = optarg;
        else
            return cli_usage_error("key", "bad option");
    }
    if (optind >= argc) return cli_usage_error("key", "missing action: create, list or revoke");
    const char *action = argv[optind];
    struct cx_store *s;
    struct cx_err err = {{0}};
    int rc = 0;
    if (!strcmp(action, "create")) {
        char full[96];
        if (scope && !strcmp(scope, "answer")) {
            if (!survey) return cli_usage_error("key", "--scope answer needs --survey ID");
            snprintf(full, sizeof full, "answer:%s", survey);
            scope = full;
        } else if (!scope ||
                   (strcmp(scope, "ingest") && strcmp(scope, "read") && strcmp(scope, "admin"))) {
            return cli_usage_error("key", "--scope must be ingest, read, admin or answer");
        }
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        char *key = NULL;
        rc = s->vt->key_create(s, name ? name : scope, scope, &key, &err);
        if (!rc) printf("%s API key (shown only once): %s\n", scope, key);
        free(key);
    } else if (!strcmp(action, "list")) {
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        struct cx_api_key *keys = NULL;
        size_t n = 0;
        rc = s->vt->key_list(s, &keys, &n, &err);
        if (!rc)
            printf("%-4s  %-20s  %-7s  %-14s  %-20s  %s\n", "id", "name", "scope", "prefix",
                   "created", "state");
        for (size_t i = 0; !rc && i < n; i++) {
            char when[32];
            time_t t = (time_t)keys[i].created;
            struct tm tm;
            strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
            printf("%-4lld  %-20s  %-7s  cxp_%-10s  %-20s  %s\n", (long long)keys[i].id,
                   keys[i].name, keys[i].scope, keys[i].prefix, when,
                   keys[i].revoked ? "revoked" : "active");
        }
        free(keys);
    } else if (!strcmp(action, "revoke")) {
        if (optind + 1 >= argc) return cli_usage_error("key", "revoke needs a key id");
        char *end;
        long long id = strtoll(argv[optind + 1], &end, 10);
        if (*end || end == argv[optind + 1]) return cli_usage_error("key", "bad key id");
        if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
        rc = s->vt->key_revoke(s, id, &err);
        if (!rc) printf("revoked key %lld\n", id);
    } else {
        return cli_usage_error("key", "unknown action '%s'", action);
    }
    cx_store_close(s);
    return rc ? cli_error("%s", err.msg) : 0;
}
