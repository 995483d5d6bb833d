/* main.c - subcommand table and dispatch. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "engine/report.h"

static int cmd_help(int argc, char **argv);
static int cmd_version(int argc, char **argv);

const struct cli_command cli_commands[] = {
    {"init", cmd_init, "create the data directory, the database and an admin API key",
     "usage: cxpulse init [--data DIR] [--tz ZONE]\n\n"
     "Creates DIR (default $CXPULSE_DATA or ./cxpulse-data) with an empty store and\n"
     "prints a new admin API key once (keep it; only its hash is stored).\n\n"
     "  --data DIR   data directory\n"
     "  --tz ZONE    IANA zone whose local days the score rollups use (default UTC);\n"
     "               reports in this zone are answered from rollups\n"},
    {"import", cmd_import, "load responses or events from CSV/NDJSON files",
     "usage: cxpulse import responses|events [options] FILE...\n\n"
     "Loads CSV (header row, RFC 4180) or NDJSON (one JSON object per line) files;\n"
     "'-' reads standard input. Files apply in order. Each rejected row is reported\n"
     "with its line, field and reason; good rows are stored. Rows whose id already\n"
     "exists are 'unchanged' (same content) or 'updated' (last write wins).\n"
     "Exit status 1 when any row was rejected, 2 when a file was refused.\n\n"
     "  --data DIR          data directory\n"
     "  --map FIELD=COLUMN  read column COLUMN as FIELD (repeatable)\n"
     "  --format FMT        csv or ndjson (default: detected from the content)\n"
     "  --batch N           rows per transaction (default 100000)\n"
     "  --quiet             no progress bar and no per-row messages, only the summary\n"},
    {"report", cmd_report, "metrics table by time, channel, touchpoint or any attribute",
     "usage: cxpulse report [options]\n\n"
     "  --metric LIST       comma-separated: nps, csat, csat_mean, ces, ces_easy,\n"
     "                      call_abandonment, chat_abandonment, avg_wait,\n"
     "                      cart_abandonment, churn, fcr, resolution_hours,\n"
     "                      resolution_hours_p90, transfers, response_rate,\n"
     "                      open_rate (invitations opened / delivered)\n"
     "                      (default nps,csat,ces)\n"
     "  --by LIST           day, week, month, quarter, year, channel, touchpoint, lang\n"
     "                      or any attribute (events also: agent, type)\n"
     "  --from T, --to T    a date YYYY-MM-DD (whole local day, inclusive) or an\n"
     "                      RFC 3339 instant (--from inclusive, --to exclusive)\n"
     "  --where KEY=VALUE   keep rows whose KEY equals VALUE (repeatable, all must match)\n"
     "  --tz ZONE           IANA zone for buckets and dates (default UTC)\n"
     "  --compare PERIOD    'previous' (the equally long period before --from..--to)\n"
     "                      or FROM..TO; adds prev_n, prev_value, diff, p_value,\n"
     "                      significant (95 %)\n"
     "  --short-abandon S   abandoned calls/chats that waited less than S seconds\n"
     "                      are left out\n"
     "  --format F          table (default), csv or json\n"
     "  --scan              ignore rollups and read every row (for checking)\n"
     "  --data DIR          data directory\n"},
    {"customer", cmd_customer, "one customer's journey across all channels",
     "usage: cxpulse customer ID [--format table|json] [--data DIR]\n\n"
     "Every response and event of the customer in time order, with channel,\n"
     "touchpoint, agent and text. A response clearly lower (or higher) than the\n"
     "customer's previous one of the same metric is marked 'drop' (or 'rise').\n"},
    {"effort", cmd_effort, "the effort map: CES or CSAT by touchpoint x channel with intervals",
     "usage: cxpulse effort [--metric ces|ces_easy|csat|csat_mean] [--from T] [--to T]\n"
     "                      [--where K=V] [--tz ZONE] [--min-n 30] [--data DIR]\n\n"
     "A matrix of touchpoints (rows) and channels (columns): the metric with the\n"
     "half-width of its 95 % interval; cells with fewer than --min-n responses are\n"
     "bracketed. The same numbers as `report --metric ces --by touchpoint,channel`.\n"},
    {"drivers", cmd_drivers, "what comes before low scores: ranked patterns with effect and p",
     "usage: cxpulse drivers [--metric ces|csat|nps] [--window-days 14] [--min-n 30]\n"
     "                       [--from T] [--to T] [--touchpoint TP] [--channel CH] [--drops]\n"
     "                       [--no-cross] [--all] [--format table|json] [--data DIR]\n\n"
     "For every response of the metric, looks at the same customer's interactions in\n"
     "the window before it (transfers, long waits, abandoned calls and chats, reopened\n"
     "tickets, repeated contacts about one ticket, abandoned carts, ...; also per\n"
     "touchpoint and channel) and compares the mean score with and without each\n"
     "pattern: Welch t test, Holm-Bonferroni over all patterns, patterns with fewer\n"
     "than --min-n responses on either side left out. --drops analyses the change\n"
     "against the customer's previous score instead. --all lists the patterns that\n"
     "are not significant too.\n"},
    {"lost", cmd_lost, "customers who cancelled, did not renew or went quiet",
     "usage: cxpulse lost [--inactive-days 90] [--renew-days 400] [--since DATE]\n"
     "                    [--limit 50] [--interactions 5] [--format table|json] [--data DIR]\n\n"
     "Lists lost customers, most recent first, with their last scores, mean effort and\n"
     "the interactions before they left.\n"},
    {"topics", cmd_topics, "the issues customers raise most, in every language",
     "usage: cxpulse topics [--days 90] [--to DATE] [--lang L] [--source all|comments|events]\n"
     "                      [--top 20] [--min-count 10] [--format table|json] [--data DIR]\n\n"
     "Mines response comments and event texts (emails, chats, call notes): Unicode\n"
     "normalisation, stop words and stemming per language (Persian letter variants,\n"
     "ZWNJ and digits normalised), 1-3 word phrases, near-identical phrasings grouped.\n"
     "Each issue: count and share in the last --days, the change against the --days\n"
     "before (two-proportion z test), the mean score of those who raised it,\n"
     "example quotes and languages.\n"},
    {"export", cmd_export, "write responses or events as CSV or NDJSON",
     "usage: cxpulse export responses|events [options]\n\n"
     "  --format F          csv (default) or ndjson; the output imports back unchanged\n"
     "  --output FILE       write to FILE instead of standard output\n"
     "  --customer ID       only this customer\n"
     "  --from T, --to T    period, as for report (UTC)\n"
     "  --data DIR          data directory\n"},
    {"erase", cmd_erase, "delete everything held about a customer (GDPR)",
     "usage: cxpulse erase CUSTOMER [--data DIR]\n\n"
     "Deletes the customer's responses and events, updates the rollups and\n"
     "rewrites the freed database pages so that no trace remains in the files.\n"},
    {"demo", cmd_demo, "fill a data directory with a realistic multilingual demo data set",
     "usage: cxpulse demo [--data DIR] [--customers N] [--seed N] [--end DATE]\n\n"
     "Creates the data directory if needed and loads about 50,000 customers over two\n"
     "years (ending at DATE, default today): responses in en, nb, tr, fa and ro and\n"
     "events of every type, with patterns to discover.\n"},
    {"key", cmd_key, "manage API keys (create, list, revoke)",
     "usage: cxpulse key create --scope ingest|read|admin [--name NAME]\n"
     "       cxpulse key create --scope answer --survey ID   (public web-widget key)\n"
     "       cxpulse key list\n"
     "       cxpulse key revoke ID\n"
     "  (each also takes --data DIR)\n"},
    {"user", cmd_user, "manage dashboard users (create, list, delete)",
     "usage: cxpulse user create NAME --role admin|viewer [--password-stdin]\n"
     "       cxpulse user list\n"
     "       cxpulse user delete NAME\n"
     "  (each also takes --data DIR)\n\n"
     "Without --password-stdin, create makes a strong password and prints it once.\n"
     "Passwords are stored as Argon2id hashes; a viewer can look but change nothing.\n"},
    {"survey", cmd_survey, "create, list, show and archive surveys",
     "usage: cxpulse survey create FILE.json        (a definition, see docs/surveys.md)\n"
     "       cxpulse survey create --kind nps|csat|ces --id ID [--name NAME]\n"
     "       cxpulse survey list\n"
     "       cxpulse survey show ID\n"
     "       cxpulse survey archive ID\n"
     "  (each also takes --data DIR)\n\n"
     "Built-in texts exist in English, Norwegian (nb), Turkish, Persian and Romanian;\n"
     "a survey asks at most three questions (score, follow-up, reason).\n"},
    {"send", cmd_send, "invite customers to a survey by link, email, WhatsApp or SMS",
     "usage: cxpulse send --survey ID --customers FILE [--channel link|email|whatsapp|sms]\n"
     "                    [--expires-days 28]\n"
     "                    [--base-url URL] [--lang L] [--data DIR]\n\n"
     "Creates one invitation per row of FILE (CSV or NDJSON with a 'customer' column;\n"
     "'lang' picks the page language; every other column - touchpoint, ref, agent,\n"
     "... - is context carried into the response). Prints CSV: customer, invitation,\n"
     "expires, url. URLs start with --base-url (default $CXPULSE_BASE_URL or\n"
     "http://127.0.0.1:8080). Tokens are HMAC-signed with the store's secret and bound\n"
     "to the survey, the customer and the channel.\n\n"
     "With --channel email, whatsapp or sms the invitation's message is queued in\n"
     "the outbox and `cxpulse serve` sends it (after the quiet hours). The address\n"
     "comes from the row's 'email' or 'phone' column or the contact book (earlier\n"
     "rows' attributes); customers who opted out are skipped. Prints CSV: customer,\n"
     "invitation, channel, recipient, due, status.\n"},
    {"outbox", cmd_outbox, "outbound messages: list, retry dead ones",
     "usage: cxpulse outbox list [--state pending|sending|sent|dead] [--limit N]\n"
     "                           [--format table|json] [--data DIR]\n"
     "       cxpulse outbox retry ID... [--data DIR]\n\n"
     "Every email, WhatsApp, SMS and alert webhook is a row in the outbox; `serve`\n"
     "sends them when due. A temporary failure is retried with exponential backoff;\n"
     "a permanent one, or too many attempts, makes the message dead. `retry` puts\n"
     "dead messages back in line. Payloads are not printed (they hold links).\n"},
    {"trigger", cmd_trigger, "send a survey when an event arrives (create, list, delete)",
     "usage: cxpulse trigger create --id ID --event TYPE --survey SURVEY --channel CH\n"
     "                              [--delay-minutes N] [--sample-percent P]\n"
     "                              [--match KEY=VALUE]... [--touchpoint TP] [--disabled]\n"
     "       cxpulse trigger create --file DEF.json\n"
     "       cxpulse trigger list [--format table|json]\n"
     "       cxpulse trigger delete ID\n\n"
     "When `serve` stores a new event of TYPE (through the API; imports fire nothing)\n"
     "whose attributes match, the survey is sent over CH (email, whatsapp, sms) to\n"
     "the customer's address (attributes email / phone of the event or an earlier\n"
     "row) after the delay - unless the customer opted out, was surveyed within the\n"
     "fatigue period, the ticket (event ref) was surveyed already, or sampling left\n"
     "the event out. Sends falling in the quiet hours wait until they end.\n"},
    {"alert", cmd_alert, "tell someone when a low score arrives or a metric drops",
     "usage: cxpulse alert create --id ID --kind low_score|metric_drop --metric nps|csat|ces\n"
     "                            [--threshold N] [--window-days N]\n"
     "                            [--webhook URL] [--email ADDR] [--secret S]\n"
     "       cxpulse alert list [--format table|json]\n"
     "       cxpulse alert delete ID\n\n"
     "low_score fires for each response of the metric at or below the threshold\n"
     "(default: NPS detractors 0-6; CSAT/CES the bottom 40 % of the scale).\n"
     "metric_drop fires when the last window (default 7 days) is significantly\n"
     "(95 %) below the window before. Webhooks are POSTed as JSON with the header\n"
     "X-Cxpulse-Signature: sha256=HMAC-SHA256(secret, body); without --secret one is\n"
     "made and printed once.\n"},
    {"serve", cmd_serve, "the HTTP API server",
     "usage: cxpulse serve [options]\n\n"
     "Serves the JSON API under /api/v1 (see docs/openapi.json or GET\n"
     "/api/v1/openapi.json). A 2xx answer to an ingest request means the rows are on\n"
     "disk (fsync; concurrent requests share commits). SIGTERM or SIGINT stops\n"
     "accepting, finishes requests in flight and exits 0.\n\n"
     "  --data DIR          data directory (CXPULSE_DATA)\n"
     "  --listen ADDR:PORT  default 127.0.0.1:8080 (CXPULSE_LISTEN); port 0 picks one\n"
     "  --threads N         HTTP worker threads, default 64 (CXPULSE_THREADS); a\n"
     "                      request waits on its thread while its rows are committed\n"
     "  --timeout S         idle connection timeout, default 30 (CXPULSE_TIMEOUT)\n"
     "  --max-body BYTES    request body limit, default 8388608 (CXPULSE_MAX_BODY)\n"
     "  --max-batch ROWS    NDJSON rows per request, default 10000 (CXPULSE_MAX_BATCH)\n"
     "  --rate-limit N      requests per second per API key, 0 = off, default 5000\n"
     "                      (CXPULSE_RATE_LIMIT); bursts up to 2N\n"
     "  --access-log FILE   one JSON line per request; '-' = stderr (default), 'off'\n"
     "                      (CXPULSE_ACCESS_LOG)\n"
     "  --report-max-age MS while rows are being written, GET /report may answer with a\n"
     "                      result computed up to MS ago; with no writes results are\n"
     "                      reused until the next commit (default 0: never stale)\n"
     "                      (CXPULSE_REPORT_MAX_AGE_MS)\n"
     "  --company NAME      shown for {company} in survey texts, default Acme\n"
     "                      (CXPULSE_COMPANY)\n"
     "  --base-url URL      start of invitation links made through the API, default\n"
     "                      the address listened on (CXPULSE_BASE_URL)\n\n"
     "Delivery (email, WhatsApp, SMS, chat; triggers and alerts):\n"
     "  --config FILE       channel settings, KEY=VALUE lines (CXPULSE_CONFIG; default\n"
     "                      DATA/channels.conf when it exists); CXPULSE_* environment\n"
     "                      variables win. Keys: see README, Configuration.\n"
     "  --fatigue-days N    survey a customer at most once per N days over all\n"
     "                      channels, 0 = no cap (default 30; CXPULSE_FATIGUE_DAYS)\n"
     "  --quiet-hours A-B   no surveys from A to B o'clock in the customer's zone\n"
     "                      (default 21-8; 'none'; CXPULSE_QUIET_HOURS)\n"
     "  --retry-base-ms MS  first retry delay after a temporary failure; doubles per\n"
     "                      attempt up to 1 h (default 30000; CXPULSE_RETRY_BASE_MS)\n"
     "  --max-attempts N    attempts before a message is dead (default 8)\n"
     "  --alert-check-seconds S  how often metric-drop alerts are checked (default 300,\n"
     "                      0 = never)\n"
     "  --dispatch-tick-ms MS  how often the outbox is polled (default 500)\n\n"
     "Dashboard (/; users: `cxpulse user`):\n"
     "  --dashboard-refresh S  the slow default views (operations, issues, drivers)\n"
     "                      are computed at start and every S seconds in the\n"
     "                      background (default 240; 'off'; CXPULSE_DASHBOARD_REFRESH)\n\n"
     "Survey pages: /s/TOKEN (see `cxpulse send`); web widget: /widget.js; channel\n"
     "webhooks: /webhooks/whatsapp, /webhooks/sms; unsubscribe: /u/TOKEN; chat\n"
     "endpoint: POST /api/v1/chat.\n"},
    {"version", cmd_version, "print the version", "usage: cxpulse version\n"},
    {"help", cmd_help, "show help for a command", "usage: cxpulse help [COMMAND]\n"},
    {NULL, NULL, NULL, NULL},
};

const struct cli_command *cli_find(const char *name)
{
    for (const struct cli_command *c = cli_commands; c->name; c++)
        if (!strcmp(c->name, name)) return c;
    return NULL;
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cxpulse: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return 1;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("cxpulse: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n(see `cxpulse %s --help`)\n", cmd);
    va_end(ap);
    return 2;
}

int cli_help(const char *cmd)
{
    const struct cli_command *c = cli_find(cmd);
    if (!c) return cli_error("unknown command '%s'", cmd);
    fputs(c->usage, stdout);
    return 0;
}

const char *cli_data_dir(const char *opt)
{
    if (opt) return opt;
    const char *e = getenv("CXPULSE_DATA");
    return e && *e ? e : "./cxpulse-data";
}

int cli_open_store(const char *dir, const struct cx_store_opts *o, struct cx_store **s)
{
    struct cx_err err = {{0}};
    int rc = cx_store_open_sqlite(dir, o, s, &err);
    if (rc) return cli_error("%s", err.msg);
    return 0;
}

int cli_run_report(const char *data, struct cx_query *q, struct cx_report **out)
{
    struct cx_store *s;
    *out = NULL;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) {
        cx_query_free(q);
        return 1;
    }
    struct cx_err err = {{0}};
    int rc = cx_report_run(s, q, out, &err);
    cx_store_close(s);
    cx_query_free(q);
    if (rc) return cli_error("%s", err.msg[0] ? err.msg : cx_strerror(rc));
    return 0;
}

void cli_getopt_reset(void)
{
    optind = 0; /* glibc: full reinitialisation */
    opterr = 1;
}

static void overview(FILE *out)
{
    fprintf(out,
            "cxpulse %s - customer experience measurement\n\n"
            "usage: cxpulse COMMAND [options]   (cxpulse COMMAND --help for details)\n\n"
            "commands:\n",
            CX_VERSION);
    for (const struct cli_command *c = cli_commands; c->name; c++)
        fprintf(out, "  %-10s %s\n", c->name, c->summary);
    fputs("\nData lives in --data DIR, default $CXPULSE_DATA or ./cxpulse-data.\n", out);
}

static int cmd_help(int argc, char **argv)
{
    if (argc > 1) return cli_help(argv[1]);
    overview(stdout);
    return 0;
}

static int cmd_version(int argc, char **argv)
{
    printf("cxpulse %s\n", CX_VERSION);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        overview(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) return cmd_help(1, argv);
    if (!strcmp(argv[1], "--version")) return cmd_version(1, argv);
    const struct cli_command *c = cli_find(argv[1]);
    if (!c) {
        cli_error("unknown command '%s'", argv[1]);
        overview(stderr);
        return 2;
    }
    for (int i = 2; i < argc; i++) {
        if (!strcmp(argv[i], "--")) break;
        if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) return cli_help(c->name);
    }
    return c->run(argc - 1, argv + 1);
}
