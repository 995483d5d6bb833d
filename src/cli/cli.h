/* cli.h - the command-line edge: one cmd_<name>() per subcommand. Only this
 * layer prints errors for the user and chooses exit codes. */
#ifndef CX_CLI_H
#define CX_CLI_H

#include <getopt.h>

#include "store/store.h"

struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *summary;
    const char *usage; /* full --help text */
};

int cmd_init(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_customer(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_erase(int argc, char **argv);
int cmd_demo(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_serve(int argc, char **argv);
int cmd_send(int argc, char **argv);
int cmd_outbox(int argc, char **argv);
int cmd_trigger(int argc, char **argv);
int cmd_alert(int argc, char **argv);
int cmd_survey(int argc, char **argv);
int cmd_effort(int argc, char **argv);
int cmd_drivers(int argc, char **argv);
int cmd_lost(int argc, char **argv);
int cmd_topics(int argc, char **argv);
int cmd_user(int argc, char **argv);

extern const struct cli_command cli_commands[];
const struct cli_command *cli_find(const char *name);

/* Prints "cxpulse: error: ..." to stderr. Returns 1 (or 2 for usage). */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints the --help text of cmd to stdout; returns 0. */
int cli_help(const char *cmd);

/* The data directory: the option if given, else $CXPULSE_DATA, else
 * ./cxpulse-data. */
const char *cli_data_dir(const char *opt);
/* Opens the store, printing an error on failure. */
int cli_open_store(const char *dir, const struct cx_store_opts *o, struct cx_store **s);

/* Opens the store in data, runs q (freed in every case) and closes the
 * store. Returns 0 with *out set, or 1 after printing the error. */
struct cx_query;
struct cx_report;
int cli_run_report(const char *data, struct cx_query *q, struct cx_report **out);

/* getopt_long driver for commands: resets getopt state. */
void cli_getopt_reset(void);

#endif
