/* cmd_send.c - `cxpulse send`: create invitations (links) for customers. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/cli.h"
#include "core/attrs.h"
#include "core/utf8.h"
#include "engine/deliver.h"
#include "engine/token.h"
#include "io/survey_json.h"
#include "io/csv.h"
#include "io/source.h"

static long fd_read(void *ctx, char *buf, size_t cap)
{
    int fd = *(int *)ctx;
    ssize_t n = read(fd, buf, cap);
    return n < 0 ? -1 : (long)n;
}

static int field_eq(const struct cx_field *f, const char *name)
{
    return f->klen == strlen(name) && !memcmp(f->key, name, f->klen);
}

/* Builds one invitation from a customers row. Returns 0, or -1 with why. */
static int from_row(const struct cx_row *row, struct cx_invitation *inv, const char *def_lang,
                    struct cx_contact *ct, char *why, size_t whylen)
{
    struct cx_attr a[64];
    size_t na = 0;
    const char *customer = NULL, *lang = NULL;
    size_t clen = 0, llen = 0;
    for (size_t i = 0; i < row->n; i++) {
        const struct cx_field *f = &row->f[i];
        if (f->kind == CX_VAL_ABSENT || (f->kind == CX_VAL_STRING && f->vlen == 0)) continue;
        if (!cx_utf8_valid(f->val, f->vlen, NULL) || !cx_utf8_valid(f->key, f->klen, NULL)) {
            snprintf(why, whylen, "field '%.*s': not valid UTF-8", (int)f->klen, f->key);
            return -1;
        }
        if (field_eq(f, "customer"))
            customer = f->val, clen = f->vlen;
        else if (field_eq(f, "lang"))
            lang = f->val, llen = f->vlen;
        else if (field_eq(f, "email") || field_eq(f, "phone") || field_eq(f, "tz")) {
            /* addresses reach the contact book, not the response attributes */
            char *dst = field_eq(f, "email")   ? ct->email
                        : field_eq(f, "phone") ? ct->phone
                                               : ct->tz;
            size_t cap = field_eq(f, "email")   ? sizeof ct->email
                         : field_eq(f, "phone") ? sizeof ct->phone
                                                : sizeof ct->tz;
            if (f->vlen >= cap) {
                snprintf(why, whylen, "field '%.*s': too long", (int)f->klen, f->key);
                return -1;
            }
            memcpy(dst, f->val, f->vlen);
            dst[f->vlen] = 0;
        } else if (na < 64 && f->klen <= 128 && f->vlen <= 4096)
            a[na++] = (struct cx_attr){f->key, f->klen, f->val, f->vlen};
        else {
            snprintf(why, whylen, "too many or too long attributes");
            return -1;
        }
    }
    if (!customer || clen > 128) {
        snprintf(why, whylen, "field 'customer': %s",
                 customer ? "longer than 128 bytes" : "is required");
        return -1;
    }
    if (llen >= sizeof inv->lang) {
        snprintf(why, whylen, "field 'lang': too long");
        return -1;
    }
    memcpy(inv->customer, customer, clen);
    inv->customer[clen] = 0;
    snprintf(ct->customer, sizeof ct->customer, "%s", inv->customer);
    if (lang) {
        memcpy(inv->lang, lang, llen);
        inv->lang[llen] = 0;
    } else {
        snprintf(inv->lang, sizeof inv->lang, "%s", def_lang ? def_lang : "");
    }
    size_t dup;
    if (cx_attrs_encode(a, na, &inv->context, &inv->context_len, &dup)) {
        snprintf(why, whylen, "attribute appears twice");
        return -1;
    }
    return 0;
}

/* Queues one invitation over a channel. Returns 0 queued, 1 skipped (no
 * address, opted out; a line on stderr), -1 error. */
static int send_channel(struct cx_store *s, const struct cx_delivery_cfg *cfg,
                        const struct cx_survey *sv, const char *channel, struct cx_invitation *inv,
                        struct cx_contact *ct, int64_t now, unsigned long *skipped,
                        struct cx_err *err)
{
    char phone[sizeof ct->phone];
    cx_deliver_norm_phone(ct->phone, phone, sizeof phone);
    snprintf(ct->phone, sizeof ct->phone, "%s", phone);
    if (ct->email[0] || ct->phone[0] || ct->tz[0]) {
        snprintf(ct->lang, sizeof ct->lang, "%s", inv->lang);
        if (s->vt->contact_put(s, ct, now, err)) return -1;
    }
    struct cx_contact known;
    struct cx_err e2 = {{0}};
    if (s->vt->contact_get(s, inv->customer, &known, &e2) == CX_OK) *ct = known;
    const char *to = !strcmp(channel, "email") ? ct->email : ct->phone;
    int out = 0;
    if (cx_deliver_opted_out(s, inv->customer, ct, &out, err)) return -1;
    const char *why = !*to  ? (strcmp(channel, "email") ? "no phone number" : "no email address")
                      : out ? "opted out"
                            : NULL;
    if (why) {
        fprintf(stderr, "customer %s: skipped: %s\n", inv->customer, why);
        (*skipped)++;
        return 1;
    }
    int64_t due = cx_deliver_after_quiet(cfg, ct->tz, now), id = 0;
    if (cx_deliver_invite(s, cfg, sv, inv->customer, channel, to, inv->lang, inv->context,
                          inv->context_len, now, due, &id, err))
        return -1;
    char d[32];
    time_t dt = (time_t)due;
    struct tm tm;
    strftime(d, sizeof d, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&dt, &tm));
    cx_csv_write_field(stdout, inv->customer, strlen(inv->customer));
    printf(",%lld,%s,", (long long)id, channel);
    cx_csv_write_field(stdout, to, strlen(to));
    printf(",%s,queued\n", d);
    return 0;
}

int cmd_send(int argc, char **argv)
{
    static const struct option opts[] = {
        {"data", required_argument, 0, 'd'},         {"survey", required_argument, 0, 's'},
        {"channel", required_argument, 0, 'c'},      {"customers", required_argument, 0, 'f'},
        {"expires-days", required_argument, 0, 'e'}, {"base-url", required_argument, 0, 'u'},
        {"lang", required_argument, 0, 'l'},         {0, 0, 0, 0}};
    const char *data = NULL, *survey = NULL, *channel = "link", *file = NULL, *lang = NULL;
    const char *base = getenv("CXPULSE_BASE_URL");
    long days = 28;
    int c;
    cli_getopt_reset();
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            data = optarg;
            break;
        case 's':
            survey = optarg;
            break;
        case 'c':
            channel = optarg;
            break;
        case 'f':
            file = optarg;
            break;
        case 'e':
            days = strtol(optarg, NULL, 10);
            if (days <= 0 || days > 3650)
                return cli_usage_error("send", "--expires-days must be 1-3650");
            break;
        case 'u':
            base = optarg;
            break;
        case 'l':
            lang = optarg;
            break;
        default:
            return cli_usage_error("send", "bad option");
        }
    }
    if (!survey) return cli_usage_error("send", "--survey is required");
    if (!file) return cli_usage_error("send", "--customers FILE is required ('-' = stdin)");
    int link = !strcmp(channel, "link");
    if (!link && strcmp(channel, "email") && strcmp(channel, "whatsapp") && strcmp(channel, "sms"))
        return cli_usage_error("send", "--channel: link, email, whatsapp or sms");
    if (!base || !*base) base = "http://127.0.0.1:8080";
    struct cx_store *s;
    if (cli_open_store(cli_data_dir(data), NULL, &s)) return 1;
    struct cx_err err = {{0}};
    struct cx_survey_row sv;
    if (s->vt->survey_get(s, survey, &sv, &err)) {
        cx_store_close(s);
        return cli_error("%s", err.msg);
    }
    int archived = sv.archived;
    struct cx_survey *def = NULL;
    int prc = cx_survey_from_json(sv.json, strlen(sv.json), &def, &err);
    free(sv.json);
    if (prc) {
        cx_store_close(s);
        return cli_error("survey '%s' is damaged: %s", survey, err.msg);
    }
    struct cx_delivery_cfg dcfg;
    cx_delivery_defaults(&dcfg);
    dcfg.base_url = base;
    dcfg.company = getenv("CXPULSE_COMPANY") && *getenv("CXPULSE_COMPANY")
                       ? getenv("CXPULSE_COMPANY")
                       : "Acme";
    dcfg.expires_days = (int)days;
    dcfg.default_tz = s->rollup_tz;
    if (archived) {
        cx_store_close(s);
        cx_survey_free(def);
        return cli_error("survey '%s' is archived", survey);
    }
    int fd = strcmp(file, "-") ? open(file, O_RDONLY) : 0;
    if (fd < 0) {
        cx_store_close(s);
        return cli_error("%s: %s", file, strerror(errno));
    }
    static const char *const required[] = {"customer", NULL};
    struct cx_source_opts so = {0};
    so.required = required;
    struct cx_source *src = NULL;
    int ret = 0;
    if (cx_source_open(&src, fd_read, &fd, &so, &err)) {
        ret = cli_error("%s: refused: %s", file, err.msg);
        goto out;
    }
    if ((ret = s->vt->begin(s, &err) ? cli_error("%s", err.msg) : 0)) goto out;
    if (link)
        printf("customer,invitation,expires,url\n");
    else
        printf("customer,invitation,channel,recipient,due,status\n");
    unsigned long made = 0, rejected = 0, skipped = 0;
    int64_t now = (int64_t)time(NULL);
    for (;;) {
        struct cx_row row;
        struct cx_err rerr = {{0}};
        int r = cx_source_next(src, &row, &rerr);
        if (r == 0) break;
        if (r == -2) {
            ret = cli_error("%s: %s", file, rerr.msg);
            break;
        }
        struct cx_invitation inv;
        memset(&inv, 0, sizeof inv);
        struct cx_contact ct;
        memset(&ct, 0, sizeof ct);
        char why[256];
        if (r < 0 || from_row(&row, &inv, lang, &ct, why, sizeof why)) {
            fprintf(stderr, "%s:%ld: rejected: %s\n", file, row.line, r < 0 ? rerr.msg : why);
            rejected++;
            free(inv.context);
            continue;
        }
        if (!link) {
            int rc2 = send_channel(s, &dcfg, def, channel, &inv, &ct, now, &skipped, &err);
            free(inv.context);
            if (rc2 < 0) {
                ret = cli_error("%s", err.msg);
                break;
            }
            if (rc2 == 0) made++;
            continue;
        }
        snprintf(inv.survey, sizeof inv.survey, "%s", survey);
        snprintf(inv.channel, sizeof inv.channel, "%s", channel);
        inv.created = now;
        inv.expires = now + days * 86400;
        inv.delivered = now; /* a link is delivered when it is handed out */
        int rc = s->vt->invitation_create(s, &inv, &err);
        if (rc) {
            free(inv.context);
            ret = cli_error("%s", err.msg);
            break;
        }
        char tok[CX_TOKEN_LEN + 1], when[32];
        cx_token_make(s->token_secret, inv.id, inv.expires, inv.survey, inv.customer, inv.channel,
                      tok);
        time_t ex = (time_t)inv.expires;
        struct tm tm;
        strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&ex, &tm));
        cx_csv_write_field(stdout, inv.customer, strlen(inv.customer));
        printf(",%lld,%s,%s/s/%s\n", (long long)inv.id, when, base, tok);
        free(inv.context);
        made++;
    }
    if (ret)
        s->vt->rollback(s);
    else if (s->vt->commit(s, &err))
        ret = cli_error("%s", err.msg);
    if (!ret && link) fprintf(stderr, "invitations created %lu, rejected %lu\n", made, rejected);
    if (!ret && !link)
        fprintf(stderr,
                "invitations created %lu, skipped %lu, rejected %lu (`cxpulse serve` sends "
                "them)\n",
                made, skipped, rejected);
    if (!ret && rejected) ret = 1;
out:
    cx_source_free(src);
    if (fd > 0) close(fd);
    cx_store_close(s);
    cx_survey_free(def);
    return ret;
}
