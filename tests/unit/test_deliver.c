/* test_deliver.c - the survey delivery engine (engine/deliver.c) against a
 * real temporary SQLite store: triggers through the store's after_insert
 * hook, sampling, the fatigue cap, quiet hours, opt-outs, one survey per
 * ticket, low-score alerts, the chat-channel survey conversation, provider
 * status updates, the definition validators, and from engine/dispatch.c the
 * retry backoff and the metric-drop alert check. What the engine did is read
 * back from the database file with a second SQLite connection. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <dirent.h>
#include <jansson.h>
#include <sqlite3.h>

#include "core/attrs.h"
#include "core/scale.h"
#include "engine/deliver.h"
#include "engine/dispatch.h"
#include "engine/writer.h"
#include "io/record.h"
#include "io/survey_json.h"
#include "store/store.h"
#include "util/tz.h"

/* ---- fixture ----------------------------------------------------------- */

struct fx {
    char dir[64];
    char path[128];
    struct cx_store *s;
    sqlite3 *db; /* a second connection to read what landed */
    struct cx_delivery_cfg cfg;
};

static void rm_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) return;
    struct dirent *e;
    char path[512];
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

static void tx_begin(struct fx *f)
{
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->begin(f->s, &err), CX_OK);
}

static void tx_commit(struct fx *f)
{
    struct cx_err err = {{0}};
    int rc = f->s->vt->commit(f->s, &err);
    if (rc) fail_msg("commit: %s", err.msg);
}

static void put_survey(struct fx *f, const char *id, const char *json)
{
    struct cx_err err = {{0}};
    tx_begin(f);
    int rc = f->s->vt->survey_put(f->s, id, json, 0, &err);
    if (rc) fail_msg("survey %s: %s", id, err.msg);
    tx_commit(f);
}

/* Opens a fresh store with the delivery hook, quiet hours off (most tests
 * must not depend on the wall clock's hour) and three surveys. */
static void fx_open(struct fx *f)
{
    memset(f, 0, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/cx_test_deliver_XXXXXX");
    assert_non_null(mkdtemp(f->dir));
    snprintf(f->path, sizeof f->path, "%s/cxpulse.db", f->dir);
    struct cx_store_opts o = {0};
    o.create = 1;
    struct cx_err err = {{0}};
    int rc = cx_store_open_sqlite(f->dir, &o, &f->s, &err);
    if (rc) fail_msg("open: %s", err.msg);
    cx_delivery_defaults(&f->cfg);
    f->cfg.quiet_start = f->cfg.quiet_end = 0;
    f->s->after_insert = cx_deliver_hook;
    f->s->after_insert_ctx = &f->cfg;
    assert_int_equal(sqlite3_open_v2(f->path, &f->db, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    sqlite3_busy_timeout(f->db, 5000);
    put_survey(f, "nps1", "{\"id\":\"nps1\",\"name\":\"NPS\",\"kind\":\"nps\"}");
    put_survey(f, "nps-nofu",
               "{\"id\":\"nps-nofu\",\"name\":\"NPS short\",\"kind\":\"nps\",\"followup\":false}");
    put_survey(f, "csat1",
               "{\"id\":\"csat1\",\"name\":\"CSAT\",\"kind\":\"csat\",\"scale\":\"1-5\"}");
}

static void fx_close(struct fx *f)
{
    cx_delivery_clear(&f->cfg);
    sqlite3_close(f->db);
    cx_store_close(f->s);
    rm_dir(f->dir);
}

static int setup(void **state)
{
    struct fx *f = calloc(1, sizeof *f);
    if (!f) return -1;
    fx_open(f);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    struct fx *f = *state;
    fx_close(f);
    free(f);
    return 0;
}

/* ---- reading the database ---------------------------------------------- */

/* The integer result of a query (printf-style with sqlite's %q / %lld). */
static int64_t qi(struct fx *f, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->db));
    int rc = sqlite3_step(st);
    int64_t v = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : -1;
    sqlite3_finalize(st);
    sqlite3_free(sql);
    return v;
}

/* The text result of a query ("" when no row or NULL). */
static void qs(struct fx *f, char *out, size_t cap, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *sql = sqlite3_vmprintf(fmt, ap);
    va_end(ap);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(f->db, sql, -1, &st, NULL) != SQLITE_OK)
        fail_msg("%s: %s", sql, sqlite3_errmsg(f->db));
    out[0] = 0;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
        snprintf(out, cap, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    sqlite3_free(sql);
}

static void exec_sql(struct fx *f, const char *sql)
{
    char *msg = NULL;
    if (sqlite3_exec(f->db, sql, NULL, NULL, &msg) != SQLITE_OK) fail_msg("%s: %s", sql, msg);
}

static int64_t n_inv(struct fx *f)
{
    return qi(f, "SELECT count(*) FROM invitations");
}

static int64_t n_inv_of(struct fx *f, const char *customer)
{
    return qi(f, "SELECT count(*) FROM invitations WHERE customer=%Q", customer);
}

static int64_t n_outbox(struct fx *f)
{
    return qi(f, "SELECT count(*) FROM outbox");
}

/* ---- writing rows ------------------------------------------------------ */

static size_t fields(struct cx_field *fl, size_t n, const char *const *kv)
{
    for (size_t i = 0; kv && kv[2 * i]; i++, n++) {
        fl[n].key = kv[2 * i];
        fl[n].klen = strlen(kv[2 * i]);
        fl[n].val = kv[2 * i + 1];
        fl[n].vlen = strlen(kv[2 * i + 1]);
        fl[n].kind = CX_VAL_STRING;
    }
    return n;
}

/* Puts an event with the given id, customer, type and time plus extra
 * key/value pairs (NULL-terminated; unknown keys become attributes),
 * without a transaction of its own. Returns how the put went. */
static enum cx_put put_event_raw(struct cx_store *s, const char *id, const char *customer,
                                 const char *type, int64_t t, const char *const *extra)
{
    char ts[32];
    snprintf(ts, sizeof ts, "%lld", (long long)t);
    const char *base[] = {"id", id, "customer", customer, "type", type, "time", ts, NULL};
    struct cx_field fl[32];
    size_t n = fields(fl, 0, base);
    n = fields(fl, n, extra);
    struct cx_row row = {1, n, fl};
    struct cx_reject why;
    struct cx_event e;
    if (cx_event_from_row(&row, &e, &why)) fail_msg("event %s: %s %s", id, why.field, why.reason);
    struct cx_err err = {{0}};
    enum cx_put res = CX_PUT_UNCHANGED;
    int rc = s->vt->put_event(s, &e, &res, &err);
    cx_event_clear(&e);
    if (rc) fail_msg("put event %s: %s", id, err.msg);
    return res;
}

static enum cx_put event(struct fx *f, const char *id, const char *customer, const char *type,
                         int64_t t, const char *const *extra)
{
    tx_begin(f);
    enum cx_put res = put_event_raw(f->s, id, customer, type, t, extra);
    tx_commit(f);
    return res;
}

/* Puts a response (scale NULL = the metric's default) in its own
 * transaction. */
static enum cx_put response(struct fx *f, const char *id, const char *customer, const char *metric,
                            int score, const char *scale, const char *const *extra)
{
    char ts[32], sc[16];
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL) - 60);
    snprintf(sc, sizeof sc, "%d", score);
    const char *base[] = {"id",    id, "customer", customer, "metric", metric,
                          "score", sc, "time",     ts,       NULL};
    struct cx_field fl[32];
    size_t n = fields(fl, 0, base);
    if (scale) n = fields(fl, n, (const char *const[]){"scale", scale, NULL});
    n = fields(fl, n, extra);
    struct cx_row row = {1, n, fl};
    struct cx_reject why;
    struct cx_response r;
    if (cx_response_from_row(&row, &r, &why))
        fail_msg("response %s: %s %s", id, why.field, why.reason);
    struct cx_err err = {{0}};
    enum cx_put res = CX_PUT_UNCHANGED;
    tx_begin(f);
    int rc = f->s->vt->put_response(f->s, &r, &res, &err);
    if (rc) fail_msg("put response %s: %s", id, err.msg);
    tx_commit(f);
    cx_response_clear(&r);
    return res;
}

/* Stores a trigger after checking that the validator accepts it. */
static void trigger(struct fx *f, const char *json)
{
    char id[65];
    struct cx_err err = {{0}};
    if (cx_trigger_validate(json, id, sizeof id, &err)) fail_msg("trigger %s: %s", json, err.msg);
    tx_begin(f);
    assert_int_equal(f->s->vt->trigger_put(f->s, id, json, &err), CX_OK);
    tx_commit(f);
}

/* Stores trigger id: an event of type sends survey through channel, at
 * once, to every customer. */
static void trigger_to(struct fx *f, const char *id, const char *type, const char *survey,
                       const char *channel)
{
    char json[512];
    snprintf(json, sizeof json,
             "{\"id\":\"%s\",\"event_type\":\"%s\",\"survey\":\"%s\",\"channel\":\"%s\"}", id, type,
             survey, channel);
    trigger(f, json);
}

static void alert(struct fx *f, const char *json)
{
    char id[65];
    struct cx_err err = {{0}};
    if (cx_alert_validate(json, id, sizeof id, &err)) fail_msg("alert %s: %s", json, err.msg);
    tx_begin(f);
    assert_int_equal(f->s->vt->alert_put(f->s, id, json, NULL, &err), CX_OK);
    tx_commit(f);
}

static struct cx_survey *load_survey(struct fx *f, const char *id)
{
    struct cx_survey_row row;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->survey_get(f->s, id, &row, &err), CX_OK);
    struct cx_survey *sv = NULL;
    assert_int_equal(cx_survey_from_json(row.json, strlen(row.json), &sv, &err), CX_OK);
    free(row.json);
    return sv;
}

/* Invites customer over channel directly (due now) and returns the id. */
static int64_t invite(struct fx *f, const char *survey, const char *customer, const char *channel,
                      const char *to)
{
    struct cx_survey *sv = load_survey(f, survey);
    struct cx_err err = {{0}};
    int64_t now = (int64_t)time(NULL), id = 0;
    tx_begin(f);
    int rc = cx_deliver_invite(f->s, &f->cfg, sv, customer, channel, to, "", NULL, 0, now, now, &id,
                               &err);
    if (rc) fail_msg("invite: %s", err.msg);
    /* the dispatcher sent it: the conversation waits for the score */
    struct cx_outbox_msg *m = NULL;
    size_t n = 0;
    assert_int_equal(f->s->vt->outbox_list(f->s, NULL, 0, &m, &n, &err), CX_OK);
    for (size_t i = 0; i < n; i++)
        if (m[i].invitation == id) assert_int_equal(cx_deliver_sent(f->s, &m[i], now, &err), CX_OK);
    cx_outbox_msgs_free(m, n);
    tx_commit(f);
    cx_survey_free(sv);
    assert_true(id > 0);
    return id;
}

/* One inbound message in its own transaction. */
static void inbound(struct fx *f, const char *channel, const char *from, const char *text,
                    const char *reply_id, const char *msg_id, struct cx_conv_replies *sync)
{
    struct cx_err err = {{0}};
    tx_begin(f);
    int rc = cx_deliver_inbound(f->s, &f->cfg, channel, from, text, reply_id, msg_id,
                                (int64_t)time(NULL), sync, &err);
    if (rc) fail_msg("inbound '%s': %s", text ? text : "(null)", err.msg);
    tx_commit(f);
}

static void optout(struct fx *f, const char *address, int out)
{
    struct cx_err err = {{0}};
    tx_begin(f);
    assert_int_equal(cx_deliver_optout(f->s, address, out, "test", (int64_t)time(NULL), &err),
                     CX_OK);
    tx_commit(f);
}

static const char *const C1[] = {"email", "c1@example.com", "phone", "+47 900 00 001", NULL};

/* ---- 1. triggers ------------------------------------------------------- */

static void test_trigger_schedules(void **state)
{
    struct fx *f = *state;
    trigger(f, "{\"id\":\"t-res\",\"event_type\":\"ticket.resolved\",\"survey\":\"nps1\","
               "\"channel\":\"email\",\"delay_minutes\":30}");
    int64_t now = (int64_t)time(NULL);
    int64_t et = now + 120; /* a little ahead: the delay counts from the event */
    assert_int_equal(event(f, "e1", "c1", "ticket.resolved", et,
                           (const char *const[]){"email", "c1@example.com", "ref", "T-1", NULL}),
                     CX_PUT_INSERTED);
    assert_int_equal(n_inv(f), 1);
    int64_t inv = qi(f, "SELECT id FROM invitations WHERE customer='c1'");
    char buf[512];
    qs(f, buf, sizeof buf, "SELECT survey||'|'||channel FROM invitations WHERE id=%lld", inv);
    assert_string_equal(buf, "nps1|email");

    struct cx_outbox_msg *m = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->outbox_list(f->s, NULL, 0, &m, &n, &err), CX_OK);
    assert_int_equal(n, 1);
    assert_string_equal(m[0].kind, "survey");
    assert_string_equal(m[0].channel, "email");
    assert_string_equal(m[0].recipient, "c1@example.com");
    assert_string_equal(m[0].customer, "c1");
    assert_string_equal(m[0].state, "pending");
    assert_int_equal(m[0].invitation, inv);
    assert_int_equal(m[0].due, et + 30 * 60);
    snprintf(buf, sizeof buf, "inv-%lld", (long long)inv);
    assert_string_equal(m[0].idem_key, buf);
    json_t *p = json_loads(m[0].payload, 0, NULL);
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "to")), "c1@example.com");
    assert_non_null(strstr(json_string_value(json_object_get(p, "html")), "/s/"));
    assert_non_null(strstr(json_string_value(json_object_get(p, "unsubscribe_url")), "/u/"));
    json_decref(p);
    cx_outbox_msgs_free(m, n);

    /* the context carries touchpoint, ref and trigger */
    struct cx_invitation iv;
    assert_int_equal(f->s->vt->invitation_get(f->s, inv, &iv, &err), CX_OK);
    const char *v;
    size_t vl;
    assert_int_equal(cx_attrs_find(iv.context, iv.context_len, "ref", 3, &v, &vl), 1);
    assert_int_equal(vl, 3);
    assert_memory_equal(v, "T-1", 3);
    assert_int_equal(cx_attrs_find(iv.context, iv.context_len, "trigger", 7, &v, &vl), 1);
    assert_memory_equal(v, "t-res", 5);
    assert_int_equal(cx_attrs_find(iv.context, iv.context_len, "touchpoint", 10, &v, &vl), 1);
    assert_memory_equal(v, "ticket.resolved", 15);
    free(iv.context);

    /* an event that arrives late: the delay counts from its arrival */
    int64_t before = (int64_t)time(NULL);
    event(f, "e1b", "c1b", "ticket.resolved", before - 600,
          (const char *const[]){"email", "c1b@example.com", NULL});
    int64_t after = (int64_t)time(NULL);
    int64_t due = qi(f, "SELECT due FROM outbox WHERE customer='c1b'");
    assert_in_range(due, before + 1800, after + 1800);

    /* re-putting the same event is no new row: nothing scheduled */
    assert_int_equal(event(f, "e1", "c1", "ticket.resolved", et,
                           (const char *const[]){"email", "c1@example.com", "ref", "T-1", NULL}),
                     CX_PUT_UNCHANGED);
    assert_int_equal(n_inv(f), 2);
}

static void test_trigger_no_match(void **state)
{
    struct fx *f = *state;
    f->cfg.fatigue_days = 0;
    trigger_to(f, "t-res", "ticket.resolved", "nps1", "email");
    trigger(f, "{\"id\":\"t-buy\",\"event_type\":\"cart.purchased\",\"survey\":\"nps1\","
               "\"channel\":\"email\",\"match\":{\"plan\":\"gold\",\"channel\":\"web\"}}");
    trigger(f, "{\"id\":\"t-off\",\"event_type\":\"signup\",\"survey\":\"nps1\","
               "\"channel\":\"email\",\"enabled\":false}");
    int64_t now = (int64_t)time(NULL);
    const char *const mail[] = {"email", "x@example.com", NULL};
    /* another type */
    event(f, "a1", "c2", "ticket.opened", now, mail);
    assert_int_equal(n_inv(f), 0);
    /* match: a missing or different attribute, a different channel */
    event(f, "a2", "c3", "cart.purchased", now,
          (const char *const[]){"email", "x@example.com", "channel", "web", NULL});
    event(
        f, "a3", "c3", "cart.purchased", now,
        (const char *const[]){"email", "x@example.com", "channel", "web", "plan", "silver", NULL});
    event(f, "a4", "c3", "cart.purchased", now,
          (const char *const[]){"email", "x@example.com", "channel", "app", "plan", "gold", NULL});
    event(
        f, "a5", "c3", "cart.purchased", now,
        (const char *const[]){"email", "x@example.com", "channel", "web", "plan", "golden", NULL});
    assert_int_equal(n_inv(f), 0);
    event(f, "a6", "c3", "cart.purchased", now,
          (const char *const[]){"email", "x@example.com", "channel", "web", "plan", "gold", NULL});
    assert_int_equal(n_inv_of(f, "c3"), 1);
    /* disabled */
    event(f, "a7", "c4", "signup", now, mail);
    assert_int_equal(n_inv_of(f, "c4"), 0);
    /* older than max_event_age_s (default 7 days), and a shorter limit */
    event(f, "a8", "c5", "ticket.resolved", now - 8 * 86400, mail);
    assert_int_equal(n_inv_of(f, "c5"), 0);
    f->cfg.max_event_age_s = 3600;
    event(f, "a9", "c5", "ticket.resolved", now - 7200, mail);
    assert_int_equal(n_inv_of(f, "c5"), 0);
    event(f, "a10", "c5", "ticket.resolved", now - 1800, mail);
    assert_int_equal(n_inv_of(f, "c5"), 1);
    /* no address: no email attribute and no stored contact; a phone does
     * not do for an email trigger */
    event(f, "a11", "c6", "ticket.resolved", now, NULL);
    event(f, "a12", "c6", "ticket.resolved", now,
          (const char *const[]){"phone", "+4790000006", NULL});
    assert_int_equal(n_inv_of(f, "c6"), 0);
    /* the contact learnt from an earlier row is used */
    event(f, "a13", "c7", "page.view", now, (const char *const[]){"email", "c7@x.org", NULL});
    assert_int_equal(n_inv_of(f, "c7"), 0);
    event(f, "a14", "c7", "ticket.resolved", now, NULL);
    assert_int_equal(n_inv_of(f, "c7"), 1);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE recipient='c7@x.org'"), 1);
    /* a trigger naming a missing survey schedules nothing and fails nothing */
    trigger_to(f, "t-miss", "search", "nope", "email");
    assert_int_equal(event(f, "a15", "c8", "search", now, mail), CX_PUT_INSERTED);
    assert_int_equal(n_inv_of(f, "c8"), 0);
    assert_int_equal(qi(f, "SELECT count(*) FROM events WHERE id='a15'"), 1);
}

/* ---- 2. sampling ------------------------------------------------------- */

#define NSAMPLE 2000

/* Runs NSAMPLE events of distinct customers through a trigger sampling
 * percent in a fresh store; marks who got an invitation. Returns how many. */
static int sample_run(double percent, unsigned char *hit)
{
    struct fx f;
    fx_open(&f);
    f.cfg.fatigue_days = 0;
    char json[256];
    snprintf(json, sizeof json,
             "{\"id\":\"t-s\",\"event_type\":\"ticket.resolved\",\"survey\":\"nps1\","
             "\"channel\":\"email\",\"sample_percent\":%g}",
             percent);
    trigger(&f, json);
    int64_t now = (int64_t)time(NULL);
    tx_begin(&f);
    for (int i = 0; i < NSAMPLE; i++) {
        char id[16], cust[16], mail[32];
        snprintf(id, sizeof id, "ev%04d", i);
        snprintf(cust, sizeof cust, "cu%04d", i);
        snprintf(mail, sizeof mail, "cu%04d@example.com", i);
        put_event_raw(f.s, id, cust, "ticket.resolved", now,
                      (const char *const[]){"email", mail, NULL});
    }
    tx_commit(&f);
    memset(hit, 0, NSAMPLE);
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(f.db, "SELECT customer FROM invitations", -1, &st, NULL),
                     SQLITE_OK);
    int n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        int k = atoi((const char *)sqlite3_column_text(st, 0) + 2);
        assert_in_range(k, 0, NSAMPLE - 1);
        assert_int_equal(hit[k], 0);
        hit[k] = 1;
        n++;
    }
    sqlite3_finalize(st);
    assert_int_equal(qi(&f, "SELECT count(*) FROM outbox"), n);
    fx_close(&f);
    return n;
}

static void test_sampling(void **state)
{
    (void)state;
    static unsigned char a[NSAMPLE], b[NSAMPLE];
    assert_int_equal(sample_run(0, a), 0);
    assert_int_equal(sample_run(100, a), NSAMPLE);
    int n = sample_run(30, a);
    /* binomial(2000, 0.3): mean 600, sd 20.5; 5 sigma */
    assert_in_range(n, 600 - 103, 600 + 103);
    /* the same trigger and events decide alike in a fresh store */
    assert_int_equal(sample_run(30, b), n);
    assert_memory_equal(a, b, NSAMPLE);
    /* and a smaller percentage gives a smaller set */
    int m = sample_run(5, b);
    assert_in_range(m, 100 - 49, 100 + 49);
}

/* ---- 3. fatigue -------------------------------------------------------- */

static void test_fatigue(void **state)
{
    struct fx *f = *state;
    trigger_to(f, "t-mail", "ticket.resolved", "nps1", "email");
    trigger_to(f, "t-sms", "chat.answered", "nps1", "sms");
    int64_t now = (int64_t)time(NULL);
    assert_int_equal(f->cfg.fatigue_days, 30);
    event(f, "f1", "c1", "ticket.resolved", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 1);
    /* inside the period: the same channel, then another channel */
    event(f, "f2", "c1", "ticket.resolved", now, C1);
    event(f, "f3", "c1", "chat.answered", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 1);
    assert_int_equal(n_outbox(f), 1);
    /* another customer is not capped by c1's invitation */
    event(f, "f4", "c2", "chat.answered", now, (const char *const[]){"phone", "+4790000002", NULL});
    assert_int_equal(n_inv_of(f, "c2"), 1);
    char buf[64];
    qs(f, buf, sizeof buf, "SELECT channel||'|'||recipient FROM outbox WHERE customer='c2'");
    assert_string_equal(buf, "sms|+4790000002");
    /* 29 days ago is still inside */
    exec_sql(f, "UPDATE invitations SET created=created-29*86400 WHERE customer='c1'");
    event(f, "f5", "c1", "chat.answered", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 1);
    /* after the period: surveyed again */
    exec_sql(f, "UPDATE invitations SET created=created-2*86400 WHERE customer='c1'");
    event(f, "f6", "c1", "chat.answered", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 2);
    qs(f, buf, sizeof buf,
       "SELECT channel FROM invitations WHERE customer='c1' ORDER BY id DESC LIMIT 1");
    assert_string_equal(buf, "sms");
    /* a shorter cap */
    f->cfg.fatigue_days = 1;
    exec_sql(f, "UPDATE invitations SET created=created-2*86400 WHERE customer='c1'");
    event(f, "f7", "c1", "ticket.resolved", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 3);
    event(f, "f8", "c1", "ticket.resolved", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 3);
    /* no cap */
    f->cfg.fatigue_days = 0;
    event(f, "f9", "c1", "ticket.resolved", now, C1);
    event(f, "f10", "c1", "chat.answered", now, C1);
    assert_int_equal(n_inv_of(f, "c1"), 5);
}

/* ---- 4. quiet hours ---------------------------------------------------- */

static int64_t utc(int y, int mo, int d, int h, int mi, int s)
{
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    tm.tm_year = y - 1900;
    tm.tm_mon = mo - 1;
    tm.tm_mday = d;
    tm.tm_hour = h;
    tm.tm_min = mi;
    tm.tm_sec = s;
    return (int64_t)timegm(&tm);
}

static void quiet_is(const struct cx_delivery_cfg *cfg, const char *tz, int64_t t, int64_t want)
{
    int64_t got = cx_deliver_after_quiet(cfg, tz, t);
    if (got != want)
        fail_msg("%s %d-%d at %lld: got %lld, want %lld (diff %lld s)", tz ? tz : "(null)",
                 cfg->quiet_start, cfg->quiet_end, (long long)t, (long long)got, (long long)want,
                 (long long)(got - want));
}

static void test_quiet_hours(void **state)
{
    (void)state;
    struct cx_delivery_cfg cfg;
    cx_delivery_defaults(&cfg);
    assert_int_equal(cfg.quiet_start, 21);
    assert_int_equal(cfg.quiet_end, 8);
    /* UTC */
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 20, 59, 59), utc(2025, 1, 15, 20, 59, 59));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 21, 0, 0), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 23, 59, 59), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 16, 0, 0, 0), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 16, 7, 59, 59), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 16, 8, 0, 0), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "", utc(2025, 12, 31, 22, 0, 0), utc(2026, 1, 1, 8, 0, 0));
    /* Europe/Oslo, winter (UTC+1) */
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 15, 19, 59, 59), utc(2025, 1, 15, 19, 59, 59));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 15, 20, 0, 0), utc(2025, 1, 16, 7, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 15, 23, 30, 0), utc(2025, 1, 16, 7, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 16, 6, 59, 59), utc(2025, 1, 16, 7, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 16, 7, 0, 0), utc(2025, 1, 16, 7, 0, 0));
    /* summer (UTC+2) */
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 7, 15, 18, 59, 59), utc(2025, 7, 15, 18, 59, 59));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 7, 15, 19, 0, 0), utc(2025, 7, 16, 6, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 7, 15, 21, 0, 0), utc(2025, 7, 16, 6, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 7, 16, 5, 59, 59), utc(2025, 7, 16, 6, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 7, 16, 6, 0, 0), utc(2025, 7, 16, 6, 0, 0));
    /* the nights the clocks change: 23:00 local the evening before, the
     * quiet period ends at 08:00 in the new offset */
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 3, 29, 22, 0, 0), utc(2025, 3, 30, 6, 0, 0));
    quiet_is(&cfg, "Europe/Oslo", utc(2025, 10, 25, 21, 0, 0), utc(2025, 10, 26, 7, 0, 0));
    /* Asia/Tehran, +03:30 all year since 2023 */
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 6, 1, 17, 29, 59), utc(2025, 6, 1, 17, 29, 59));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 6, 1, 17, 30, 0), utc(2025, 6, 2, 4, 30, 0));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 6, 1, 20, 45, 0), utc(2025, 6, 2, 4, 30, 0));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 6, 2, 4, 29, 59), utc(2025, 6, 2, 4, 30, 0));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 6, 2, 4, 30, 0), utc(2025, 6, 2, 4, 30, 0));
    /* America/New_York: local evening is the next UTC day */
    quiet_is(&cfg, "America/New_York", utc(2025, 1, 16, 1, 59, 59), utc(2025, 1, 16, 1, 59, 59));
    quiet_is(&cfg, "America/New_York", utc(2025, 1, 16, 2, 0, 0), utc(2025, 1, 16, 13, 0, 0));
    quiet_is(&cfg, "America/New_York", utc(2025, 1, 16, 3, 0, 0), utc(2025, 1, 16, 13, 0, 0));
    quiet_is(&cfg, "America/New_York", utc(2025, 1, 16, 12, 59, 59), utc(2025, 1, 16, 13, 0, 0));
    quiet_is(&cfg, "America/New_York", utc(2025, 1, 16, 13, 0, 0), utc(2025, 1, 16, 13, 0, 0));
    quiet_is(&cfg, "America/New_York", utc(2025, 7, 16, 1, 30, 0), utc(2025, 7, 16, 12, 0, 0));
    quiet_is(&cfg, "America/New_York", utc(2025, 7, 15, 16, 0, 0), utc(2025, 7, 15, 16, 0, 0));
    /* no zone given: the configured default, else UTC; an unknown zone: UTC */
    cfg.default_tz = "Europe/Oslo";
    quiet_is(&cfg, NULL, utc(2025, 1, 15, 20, 0, 0), utc(2025, 1, 16, 7, 0, 0));
    quiet_is(&cfg, "", utc(2025, 1, 15, 20, 0, 0), utc(2025, 1, 16, 7, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 20, 0, 0), utc(2025, 1, 15, 20, 0, 0));
    cfg.default_tz = NULL;
    quiet_is(&cfg, NULL, utc(2025, 1, 15, 21, 0, 0), utc(2025, 1, 16, 8, 0, 0));
    quiet_is(&cfg, "Mars/Olympus", utc(2025, 1, 15, 21, 0, 0), utc(2025, 1, 16, 8, 0, 0));
    /* a window that does not cross midnight */
    cfg.quiet_start = 12;
    cfg.quiet_end = 14;
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 11, 59, 59), utc(2025, 1, 15, 11, 59, 59));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 12, 0, 0), utc(2025, 1, 15, 14, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 13, 59, 59), utc(2025, 1, 15, 14, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 14, 0, 0), utc(2025, 1, 15, 14, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 23, 0, 0), utc(2025, 1, 15, 23, 0, 0));
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 3, 0, 0), utc(2025, 1, 15, 3, 0, 0));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 1, 15, 8, 30, 0), utc(2025, 1, 15, 10, 30, 0));
    quiet_is(&cfg, "Asia/Tehran", utc(2025, 1, 15, 8, 29, 59), utc(2025, 1, 15, 8, 29, 59));
    /* start == end: no quiet hours; out of range: none either */
    cfg.quiet_start = cfg.quiet_end = 5;
    for (int h = 0; h < 24; h++)
        quiet_is(&cfg, "Europe/Oslo", utc(2025, 1, 15, h, 0, 0), utc(2025, 1, 15, h, 0, 0));
    cfg.quiet_start = 25;
    cfg.quiet_end = 8;
    quiet_is(&cfg, "UTC", utc(2025, 1, 15, 3, 0, 0), utc(2025, 1, 15, 3, 0, 0));
}

/* Local hour:minute of t in zone tz, as seconds after local midnight. */
static int64_t local_sec(struct cx_tz *tz, int64_t t)
{
    int64_t l = t + cx_tz_offset(tz, t);
    return ((l % 86400) + 86400) % 86400;
}

static void test_quiet_hours_hook(void **state)
{
    struct fx *f = *state;
    f->cfg.quiet_start = 21;
    f->cfg.quiet_end = 8;
    trigger_to(f, "t-res", "ticket.resolved", "nps1", "email");
    /* the next 23:00 in Oslo at least two minutes ahead */
    struct cx_tz *tz = NULL;
    struct cx_err err = {{0}};
    assert_int_equal(cx_tz_open("Europe/Oslo", &tz, &err), CX_OK);
    int64_t now = (int64_t)time(NULL);
    int64_t day = cx_tz_local_day(tz, now + 120);
    int64_t ev = 0;
    for (int k = 0; k < 3 && ev < now + 120; k++, day++) {
        int64_t d0 = cx_tz_day_start(tz, day);
        ev = d0 + 23 * 3600;
        ev -= cx_tz_offset(tz, ev) - cx_tz_offset(tz, d0); /* a clock change that day */
    }
    assert_int_equal(local_sec(tz, ev), 23 * 3600);
    event(f, "q1", "c1", "ticket.resolved", ev,
          (const char *const[]){"email", "c1@example.com", "tz", "Europe/Oslo", NULL});
    int64_t due = qi(f, "SELECT due FROM outbox WHERE customer='c1'");
    assert_int_equal(local_sec(tz, due), 8 * 3600);
    assert_true(due > ev);
    assert_true(due - ev <= 10 * 3600);
    assert_int_equal(cx_tz_local_day(tz, due), cx_tz_local_day(tz, ev) + 1);
    /* the same instant for a customer in UTC: 21:00-22:00 UTC is quiet too,
     * but the end is 08:00 UTC */
    event(f, "q2", "c2", "ticket.resolved", ev,
          (const char *const[]){"email", "c2@example.com", NULL});
    int64_t due2 = qi(f, "SELECT due FROM outbox WHERE customer='c2'");
    assert_int_equal(((due2 % 86400) + 86400) % 86400, 8 * 3600);
    cx_tz_free(tz);
}

/* ---- 5. opt-outs ------------------------------------------------------- */

static void test_optout(void **state)
{
    struct fx *f = *state;
    f->cfg.fatigue_days = 0;
    trigger_to(f, "t-mail", "ticket.resolved", "nps1", "email");
    trigger_to(f, "t-sms", "chat.answered", "nps1", "sms");
    int64_t now = (int64_t)time(NULL);
    int k = 0;
    char id[16];
#define FIRE(type) (snprintf(id, sizeof id, "o%d", k++), event(f, id, "c1", type, now, C1))
    FIRE("ticket.resolved");
    FIRE("chat.answered");
    assert_int_equal(n_inv_of(f, "c1"), 2);
    int out = -1;
    struct cx_err err = {{0}};
    struct cx_contact ct;
    assert_int_equal(f->s->vt->contact_get(f->s, "c1", &ct, &err), CX_OK);
    assert_string_equal(ct.phone, "+4790000001");
    assert_string_equal(ct.email, "c1@example.com");

    const char *const addrs[] = {"customer:c1", "email:c1@example.com", "phone:+4790000001"};
    int64_t expect = 2;
    for (int i = 0; i < 3; i++) {
        optout(f, addrs[i], 1);
        assert_int_equal(cx_deliver_opted_out(f->s, "c1", &ct, &out, &err), CX_OK);
        assert_int_equal(out, 1);
        FIRE("ticket.resolved");
        FIRE("chat.answered");
        if (n_inv_of(f, "c1") != expect) fail_msg("opted out by %s: surveyed anyway", addrs[i]);
        /* the same person on every channel: the other addresses too */
        for (int j = 0; j < 3; j++)
            if (qi(f, "SELECT count(*) FROM optouts WHERE address=%Q", addrs[j]) != 1)
                fail_msg("opting out %s did not opt out %s", addrs[i], addrs[j]);
        /* back in (START) */
        optout(f, addrs[i], 0);
        assert_int_equal(qi(f, "SELECT count(*) FROM optouts"), 0);
        assert_int_equal(cx_deliver_opted_out(f->s, "c1", &ct, &out, &err), CX_OK);
        assert_int_equal(out, 0);
        FIRE("ticket.resolved");
        FIRE("chat.answered");
        expect += 2;
        assert_int_equal(n_inv_of(f, "c1"), expect);
    }
#undef FIRE
    /* an address alone (no contact known) blocks only itself and whoever
     * later turns out to have it */
    optout(f, "phone:+4790000009", 1);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts"), 1);
    event(f, "o-c9", "c9", "chat.answered", now,
          (const char *const[]){"phone", "(+47) 900-00-009", NULL});
    assert_int_equal(n_inv_of(f, "c9"), 0);
    event(f, "o-c10", "c10", "chat.answered", now,
          (const char *const[]){"phone", "+4790000010", NULL});
    assert_int_equal(n_inv_of(f, "c10"), 1);
    /* opted out with no contact at all */
    assert_int_equal(cx_deliver_opted_out(f->s, "c11", NULL, &out, &err), CX_OK);
    assert_int_equal(out, 0);
    optout(f, "customer:c11", 1);
    assert_int_equal(cx_deliver_opted_out(f->s, "c11", NULL, &out, &err), CX_OK);
    assert_int_equal(out, 1);
}

/* ---- 6. one survey per ticket ------------------------------------------ */

static void test_one_per_ticket(void **state)
{
    struct fx *f = *state;
    f->cfg.fatigue_days = 0;
    trigger_to(f, "t-a", "ticket.resolved", "nps1", "email");
    trigger_to(f, "t-b", "ticket.reopened", "csat1", "sms");
    int64_t now = (int64_t)time(NULL);
    event(f, "k1", "c1", "ticket.resolved", now,
          (const char *const[]){"email", "c1@example.com", "ref", "T1", NULL});
    assert_int_equal(n_inv(f), 1);
    /* the same ticket again, from another customer, from the other trigger */
    event(f, "k2", "c1", "ticket.resolved", now,
          (const char *const[]){"email", "c1@example.com", "ref", "T1", NULL});
    event(f, "k3", "c2", "ticket.resolved", now,
          (const char *const[]){"email", "c2@example.com", "ref", "T1", NULL});
    event(f, "k4", "c3", "ticket.reopened", now,
          (const char *const[]){"phone", "+4790000003", "ref", "T1", NULL});
    assert_int_equal(n_inv(f), 1);
    assert_int_equal(n_outbox(f), 1);
    /* another ticket, and events without a ref, are surveyed */
    event(f, "k5", "c1", "ticket.resolved", now,
          (const char *const[]){"email", "c1@example.com", "ref", "T2", NULL});
    assert_int_equal(n_inv(f), 2);
    event(f, "k6", "c3", "ticket.reopened", now,
          (const char *const[]){"phone", "+4790000003", "ref", "T3", NULL});
    assert_int_equal(n_inv_of(f, "c3"), 1);
    event(f, "k7", "c4", "ticket.resolved", now,
          (const char *const[]){"email", "c4@example.com", NULL});
    event(f, "k8", "c4", "ticket.resolved", now,
          (const char *const[]){"email", "c4@example.com", NULL});
    assert_int_equal(n_inv_of(f, "c4"), 2);
    /* a ticket that was not surveyed (the customer opted out) stays open */
    optout(f, "customer:c5", 1);
    event(f, "k9", "c5", "ticket.resolved", now,
          (const char *const[]){"email", "c5@example.com", "ref", "T5", NULL});
    optout(f, "customer:c5", 0);
    event(f, "k10", "c5", "ticket.resolved", now,
          (const char *const[]){"email", "c5@example.com", "ref", "T5", NULL});
    assert_int_equal(n_inv_of(f, "c5"), 1);
}

static void test_ticket_missing_survey_bug(void **state)
{
    struct fx *f = *state;
    f->cfg.fatigue_days = 0;
    /* "a-broken" sorts before "b-good" and names a survey that does not exist */
    trigger_to(f, "a-broken", "ticket.resolved", "gone", "email");
    trigger_to(f, "b-good", "ticket.resolved", "nps1", "email");
    int64_t now = (int64_t)time(NULL);
    event(f, "b1", "c1", "ticket.resolved", now,
          (const char *const[]){"email", "c1@example.com", "ref", "T-77", NULL});
    /* Was a bug (fixed): deliver.c fire_trigger() claims the ticket (line ~711) before it
     * loads the survey (line ~716); when the survey is missing it returns
     * CX_TRIG_NO_MATCH but the ticket stays claimed, so the next, valid
     * trigger gets CX_TRIG_TICKET_DONE: no survey at all for the ticket. */
    assert_int_equal(n_inv_of(f, "c1"), 1);
}

static void test_ticket_erase_bug(void **state)
{
    struct fx *f = *state;
    f->cfg.fatigue_days = 0;
    trigger_to(f, "b-good", "ticket.resolved", "nps1", "email");
    int64_t now = (int64_t)time(NULL);
    /* erase must leave no trace of the customer; the ticket ref they were
     * surveyed for is theirs */
    event(f, "b2", "c2", "ticket.resolved", now,
          (const char *const[]){"email", "c2@example.com", "ref", "T-c2-secret", NULL});
    assert_int_equal(qi(f, "SELECT count(*) FROM ticket_surveys WHERE ref='T-c2-secret'"), 1);
    uint64_t nr = 0, ne = 0;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->erase_customer(f->s, "c2", &nr, &ne, &err), CX_OK);
    assert_int_equal(ne, 1);
    assert_int_equal(n_inv_of(f, "c2"), 0);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE customer='c2'"), 0);
    /* Was a bug (fixed): deliver.c:711 claims the ticket with invitation 0
     * (ticket_claim(s, e->ref, 0, ...)) and never records the invitation, so
     * sqlite_outbox.c sq_erase_delivery()'s "DELETE FROM ticket_surveys WHERE
     * invitation IN (SELECT id FROM invitations WHERE customer=?1)" (line
     * ~562) never matches: the ref stays after `erase`. */
    assert_int_equal(qi(f, "SELECT count(*) FROM ticket_surveys WHERE ref='T-c2-secret'"), 0);
}

/* ---- 7. low-score alerts ----------------------------------------------- */

static int64_t n_alerts(struct fx *f)
{
    return qi(f, "SELECT count(*) FROM outbox WHERE kind='alert'");
}

static void test_low_score_alerts(void **state)
{
    struct fx *f = *state;
    alert(f, "{\"id\":\"low\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://hooks.example.com/cx\",\"email\":\"ops@example.com\"}");
    assert_int_equal(qi(f, "SELECT last_fired FROM alerts WHERE id='low'"), 0);
    /* a detractor: a webhook and an email */
    response(f, "r1", "c1", "nps", 3, NULL,
             (const char *const[]){"comment", "slow", "channel", "email", NULL});
    assert_int_equal(n_alerts(f), 2);
    char buf[4096];
    qs(f, buf, sizeof buf,
       "SELECT recipient||'|'||customer||'|'||invitation FROM outbox WHERE channel='webhook'");
    /* the customer is kept on alert messages so that erase finds them */
    assert_string_equal(buf, "https://hooks.example.com/cx|c1|0");
    qs(f, buf, sizeof buf, "SELECT payload FROM outbox WHERE channel='webhook'");
    json_t *p = json_loads(buf, 0, NULL);
    assert_non_null(p);
    assert_string_equal(json_string_value(json_object_get(p, "url")),
                        "https://hooks.example.com/cx");
    assert_string_equal(json_string_value(json_object_get(p, "alert")), "low");
    json_t *r = json_object_get(json_object_get(p, "body"), "response");
    assert_string_equal(json_string_value(json_object_get(r, "id")), "r1");
    assert_string_equal(json_string_value(json_object_get(r, "customer")), "c1");
    assert_string_equal(json_string_value(json_object_get(r, "metric")), "nps");
    assert_int_equal(json_integer_value(json_object_get(r, "score")), 3);
    assert_string_equal(json_string_value(json_object_get(r, "comment")), "slow");
    json_decref(p);
    qs(f, buf, sizeof buf, "SELECT recipient FROM outbox WHERE channel='email'");
    assert_string_equal(buf, "ops@example.com");
    qs(f, buf, sizeof buf, "SELECT payload FROM outbox WHERE channel='email'");
    assert_non_null(strstr(buf, "nps 3"));
    assert_true(qi(f, "SELECT last_fired FROM alerts WHERE id='low'") > 0);
    /* promoters and passives are quiet; 6 is the default threshold */
    response(f, "r2", "c2", "nps", 9, NULL, NULL);
    response(f, "r3", "c3", "nps", 7, NULL, NULL);
    assert_int_equal(n_alerts(f), 2);
    response(f, "r4", "c4", "nps", 6, NULL, NULL);
    assert_int_equal(n_alerts(f), 4);
    response(f, "r5", "c5", "nps", 0, NULL, NULL);
    assert_int_equal(n_alerts(f), 6);
    /* another metric does not fire an nps alert */
    response(f, "r6", "c6", "csat", 1, "1-5", NULL);
    response(f, "r7", "c7", "ces", 1, "1-7", NULL);
    assert_int_equal(n_alerts(f), 6);
    /* the same response again: unchanged, and also when the hook runs twice
     * the idempotency key keeps one message per response */
    assert_int_equal(response(f, "r1", "c1", "nps", 3, NULL,
                              (const char *const[]){"comment", "slow", "channel", "email", NULL}),
                     CX_PUT_UNCHANGED);
    assert_int_equal(n_alerts(f), 6);
    struct cx_response rr;
    memset(&rr, 0, sizeof rr);
    rr.id = "r1";
    rr.customer = "c1";
    rr.kind = CX_KIND_NPS;
    rr.scale = (struct cx_scale){0, 10};
    rr.score = 3;
    rr.channel = "email";
    rr.touchpoint = "unknown";
    struct cx_err err = {{0}};
    tx_begin(f);
    assert_int_equal(cx_deliver_hook(&f->cfg, f->s, 0, &rr, &err), CX_OK);
    assert_int_equal(cx_deliver_hook(&f->cfg, f->s, 0, &rr, &err), CX_OK);
    tx_commit(f);
    assert_int_equal(n_alerts(f), 6);
    /* an explicit threshold */
    alert(f, "{\"id\":\"low8\",\"kind\":\"low_score\",\"metric\":\"nps\",\"threshold\":8,"
             "\"webhook_url\":\"http://127.0.0.1:9/x\"}");
    response(f, "r8", "c8", "nps", 8, NULL, NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE recipient='http://127.0.0.1:9/x'"),
                     1);
    response(f, "r9", "c9", "nps", 9, NULL, NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE recipient='http://127.0.0.1:9/x'"),
                     1);
}

static void test_low_score_defaults(void **state)
{
    struct fx *f = *state;
    alert(f, "{\"id\":\"lc\",\"kind\":\"low_score\",\"metric\":\"csat\","
             "\"email\":\"csat@example.com\"}");
    alert(f, "{\"id\":\"le\",\"kind\":\"low_score\",\"metric\":\"ces\","
             "\"email\":\"ces@example.com\"}");
    struct {
        const char *metric, *scale;
        int fires, quiet; /* the highest score that fires, the lowest that does not */
    } cases[] = {
        {"csat", "1-5", 2, 3}, {"csat", "1-10", 4, 5}, {"csat", "1-3", 1, 2},
        {"ces", "1-7", 2, 3},  {"ces", "1-5", 2, 3},
    };
    int k = 0;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char id[16], to[32];
        snprintf(to, sizeof to, "%s@example.com", cases[i].metric);
        int64_t before = qi(f, "SELECT count(*) FROM outbox WHERE recipient=%Q", to);
        snprintf(id, sizeof id, "d%d", k++);
        response(f, id, "c1", cases[i].metric, cases[i].fires, cases[i].scale, NULL);
        if (qi(f, "SELECT count(*) FROM outbox WHERE recipient=%Q", to) != before + 1)
            fail_msg("%s %s: %d did not fire", cases[i].metric, cases[i].scale, cases[i].fires);
        snprintf(id, sizeof id, "d%d", k++);
        response(f, id, "c1", cases[i].metric, cases[i].quiet, cases[i].scale, NULL);
        if (qi(f, "SELECT count(*) FROM outbox WHERE recipient=%Q", to) != before + 1)
            fail_msg("%s %s: %d fired", cases[i].metric, cases[i].scale, cases[i].quiet);
    }
    /* no nps alert exists: a detractor fires nothing */
    int64_t n = n_alerts(f);
    response(f, "dn", "c1", "nps", 0, NULL, NULL);
    assert_int_equal(n_alerts(f), n);
}

static void test_low_score_idem_alert_bug(void **state)
{
    struct fx *f = *state;
    alert(f, "{\"id\":\"low-score-nps-support-team\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://a.example.com/team\"}");
    alert(f, "{\"id\":\"low-score-nps-support-sales\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://a.example.com/sales\"}");
    response(f, "short-1", "c1", "nps", 2, NULL, NULL);
    /* Was a bug (fixed): deliver.c queue_alert() builds the idempotency key as
     * "alert-%.20s-w-%.30s" (alert id cut to 20 bytes, response id to 30):
     * these two alerts share their first 20 bytes, so the second alert's
     * webhook is dropped by the outbox's unique idem_key. Expected 2. */
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE kind='alert'"), 2);
}

static void test_low_score_idem_response_bug(void **state)
{
    struct fx *f = *state;
    alert(f, "{\"id\":\"a\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://b.example.com/\"}");
    int64_t n0 = qi(f, "SELECT count(*) FROM outbox WHERE recipient='https://b.example.com/'");
    response(f, "zendesk-satisfaction-response-000000000001", "c2", "nps", 1, NULL, NULL);
    response(f, "zendesk-satisfaction-response-000000000002", "c3", "nps", 1, NULL, NULL);
    /* Was a bug (fixed): deliver.c queue_alert(), the same "alert-%.20s-w-%.30s" key: two
     * distinct responses whose ids (up to 128
     * bytes) share their first 30 bytes get one alert between them. */
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE recipient='https://b.example.com/'"),
                     n0 + 2);
}

static void test_low_score_alert_erase_bug(void **state)
{
    struct fx *f = *state;
    alert(f, "{\"id\":\"low\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://hooks.example.com/cx\",\"email\":\"ops@example.com\"}");
    response(f, "r-er", "cust-erase-me", "nps", 1, NULL,
             (const char *const[]){"comment", "my private complaint", NULL});
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE payload LIKE '%%cust-erase-me%%'"),
                     2);
    uint64_t nr = 0, ne = 0;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->erase_customer(f->s, "cust-erase-me", &nr, &ne, &err), CX_OK);
    assert_int_equal(nr, 1);
    /* Was a bug (fixed): deliver.c queue_alert() enqueues the alert messages with customer
     * "" (enqueue(s, "alert", ..., "", 0, ...)), so sqlite_outbox.c
     * sq_erase_delivery()'s "DELETE FROM outbox WHERE customer=?1" misses
     * them: after `erase`, the customer's id, score and comment remain in the
     * outbox payloads (README: erase leaves no trace). Expected 0, got 2. */
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE payload LIKE '%%cust-erase-me%%'"),
                     0);
}

/* ---- 8. conversations -------------------------------------------------- */

static int64_t n_replies(struct fx *f, const char *recipient)
{
    return qi(f, "SELECT count(*) FROM outbox WHERE kind='reply' AND recipient=%Q", recipient);
}

/* Text of the newest reply to recipient. */
static void last_reply(struct fx *f, const char *recipient, char *out, size_t cap)
{
    char buf[4096];
    qs(f, buf, sizeof buf,
       "SELECT payload FROM outbox WHERE kind='reply' AND recipient=%Q ORDER BY id DESC LIMIT 1",
       recipient);
    json_t *p = json_loads(buf, 0, NULL);
    snprintf(out, cap, "%s", p ? json_string_value(json_object_get(p, "text")) : "");
    json_decref(p);
}

static void conv_is(struct fx *f, const char *address, int step, int reasks, int score)
{
    struct cx_conversation c;
    struct cx_err err = {{0}};
    assert_int_equal(f->s->vt->conv_get(f->s, address, &c, &err), CX_OK);
    if (c.step != step || c.reasks != reasks || c.score != score)
        fail_msg("%s: step %d reasks %d score %d, want %d %d %d", address, c.step, c.reasks,
                 c.score, step, reasks, score);
}

/* A survey queued but not sent yet (a delay, quiet hours): what the
 * customer texts meanwhile is not an answer to it. */
static void test_conversation_waits_for_send(void **state)
{
    struct fx *f = *state;
    struct cx_survey *sv = load_survey(f, "nps1");
    struct cx_err err = {{0}};
    int64_t now = (int64_t)time(NULL), id = 0;
    tx_begin(f);
    assert_int_equal(cx_deliver_invite(f->s, &f->cfg, sv, "c1", "sms", "+4790000001", "", NULL, 0,
                                       now, now + 3600, &id, &err),
                     CX_OK);
    tx_commit(f);
    cx_survey_free(sv);
    inbound(f, "sms", "+4790000001", "2", NULL, "early", NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 0);
    assert_int_equal(n_replies(f, "+4790000001"), 0);
    /* once sent, the same text answers it */
    struct cx_outbox_msg *m = NULL;
    size_t n = 0;
    tx_begin(f);
    assert_int_equal(f->s->vt->outbox_list(f->s, NULL, 0, &m, &n, &err), CX_OK);
    assert_int_equal(n, 1);
    assert_int_equal(cx_deliver_sent(f->s, &m[0], now, &err), CX_OK);
    cx_outbox_msgs_free(m, n);
    tx_commit(f);
    inbound(f, "sms", "+4790000001", "2", NULL, "later", NULL);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id='inv-%lld'", (long long)id), 2);
}

static void test_conversation_sms(void **state)
{
    struct fx *f = *state;
    int64_t inv = invite(f, "nps1", "c1", "sms", "+47 900 00 001");
    conv_is(f, "sms:+4790000001", 1, 0, -1);
    char buf[4096], rid[32];
    qs(f, buf, sizeof buf, "SELECT payload FROM outbox WHERE invitation=%lld AND kind='survey'",
       inv);
    assert_non_null(strstr(buf, "\"to\":\"+47 900 00 001\""));
    assert_non_null(strstr(buf, "0"));
    snprintf(rid, sizeof rid, "inv-%lld", (long long)inv);

    /* the score, from the number as the gateway writes it */
    inbound(f, "sms", "4790000001", "I give it 9!", NULL, "m1", NULL);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id=%Q", rid), 9);
    assert_int_equal(cx_scale_kind((int)qi(f, "SELECT scale FROM responses WHERE id=%Q", rid)),
                     CX_KIND_NPS);
    qs(f, buf, sizeof buf, "SELECT channel||'|'||customer FROM responses WHERE id=%Q", rid);
    assert_string_equal(buf, "sms|c1");
    assert_int_equal(qi(f, "SELECT comment IS NULL FROM responses WHERE id=%Q", rid), 1);
    assert_true(qi(f, "SELECT answered FROM invitations WHERE id=%lld", inv) > 0);
    assert_int_equal(qi(f, "SELECT completed FROM invitations WHERE id=%lld", inv), 0);
    conv_is(f, "sms:+4790000001", 2, 0, 9);
    assert_int_equal(n_replies(f, "+4790000001"), 1);
    /* the reply's key comes from the inbound message id (hashed: ids are long) */
    qs(f, buf, sizeof buf, "SELECT idem_key FROM outbox WHERE kind='reply'");
    assert_int_equal(strlen(buf), 27);
    assert_memory_equal(buf, "re-", 3);
    last_reply(f, "+4790000001", buf, sizeof buf);
    assert_true(strlen(buf) > 0); /* the follow-up question */

    /* the provider delivers m1 again: ignored */
    inbound(f, "sms", "+4790000001", "I give it 9!", NULL, "m1", NULL);
    conv_is(f, "sms:+4790000001", 2, 0, 9);
    assert_int_equal(n_replies(f, "+4790000001"), 1);

    /* the follow-up: the comment of the same response */
    inbound(f, "sms", "+4790000001", "Friendly staff, fast answer", NULL, "m2", NULL);
    qs(f, buf, sizeof buf, "SELECT comment FROM responses WHERE id=%Q", rid);
    assert_string_equal(buf, "Friendly staff, fast answer");
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id=%Q", rid), 9);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 1);
    conv_is(f, "sms:+4790000001", 3, 0, 9);
    assert_true(qi(f, "SELECT completed FROM invitations WHERE id=%lld", inv) > 0);
    assert_int_equal(n_replies(f, "+4790000001"), 2);
    last_reply(f, "+4790000001", buf, sizeof buf);
    assert_string_equal(buf, "Thank you for your feedback!");

    /* done: more text changes nothing and gets nothing */
    inbound(f, "sms", "+4790000001", "7", NULL, "m3", NULL);
    assert_int_equal(n_replies(f, "+4790000001"), 2);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id=%Q", rid), 9);
    /* HELP still gets the help text */
    inbound(f, "sms", "+4790000001", "help", NULL, "m4", NULL);
    assert_int_equal(n_replies(f, "+4790000001"), 3);
    last_reply(f, "+4790000001", buf, sizeof buf);
    assert_non_null(strstr(buf, "STOP"));

    /* a message from an unknown number: nothing queued, nothing stored */
    int64_t n = n_outbox(f);
    inbound(f, "sms", "+4799999999", "9", NULL, "x1", NULL);
    inbound(f, "whatsapp", "4790000001", "9", NULL, "x2", NULL);
    assert_int_equal(n_outbox(f), n);
    assert_int_equal(qi(f, "SELECT count(*) FROM conversations"), 1);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 1);
}

static void test_conversation_unclear(void **state)
{
    struct fx *f = *state;
    int64_t inv = invite(f, "nps1", "c2", "sms", "+4790000002");
    inbound(f, "sms", "+4790000002", "maybe later", NULL, "u1", NULL);
    conv_is(f, "sms:+4790000002", 1, 1, -1);
    char buf[1024];
    last_reply(f, "+4790000002", buf, sizeof buf);
    assert_non_null(strstr(buf, "did not understand"));
    assert_non_null(strstr(buf, "0"));
    assert_non_null(strstr(buf, "10"));
    inbound(f, "sms", "+4790000002", "7 or 8", NULL, "u2", NULL);
    conv_is(f, "sms:+4790000002", 3, 2, -1);
    last_reply(f, "+4790000002", buf, sizeof buf);
    assert_non_null(strstr(buf, "could not read a score"));
    assert_int_equal(n_replies(f, "+4790000002"), 2);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 0);
    assert_int_equal(qi(f, "SELECT answered FROM invitations WHERE id=%lld", inv), 0);
    /* a score after giving up is not recorded */
    inbound(f, "sms", "+4790000002", "9", NULL, "u3", NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 0);

    /* one re-ask, then a clear answer is taken; reply_id "score:N" wins */
    int64_t inv3 = invite(f, "nps-nofu", "c3", "sms", "+4790000003");
    inbound(f, "sms", "+4790000003", "hmm", NULL, "v1", NULL);
    inbound(f, "sms", "+4790000003", "", "score:7", "v2", NULL);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id='inv-%lld'", inv3), 7);
    conv_is(f, "sms:+4790000003", 3, 1, 7); /* no follow-up: done */
    assert_true(qi(f, "SELECT completed FROM invitations WHERE id=%lld", inv3) > 0);
    /* a reply id out of the scale is unclear */
    int64_t inv4 = invite(f, "nps1", "c4", "sms", "+4790000004");
    inbound(f, "sms", "+4790000004", "", "score:11", "w1", NULL);
    conv_is(f, "sms:+4790000004", 1, 1, -1);
    inbound(f, "sms", "+4790000004", "whatever", "score:0", "w2", NULL);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id='inv-%lld'", inv4), 0);
}

static void test_conversation_chat(void **state)
{
    struct fx *f = *state;
    /* the chat endpoint: replies come back synchronously, nothing queued */
    int64_t inv = invite(f, "nps1", "c5", "chat", "");
    char from[32], addr[40], rid[32];
    snprintf(from, sizeof from, "%lld", (long long)inv);
    snprintf(addr, sizeof addr, "chat:%lld", (long long)inv);
    snprintf(rid, sizeof rid, "inv-%lld", (long long)inv);
    conv_is(f, addr, 1, 0, -1);
    assert_int_equal(n_outbox(f), 0);
    struct cx_conv_replies r;
    memset(&r, 0, sizeof r);
    inbound(f, "chat", from, "nope", NULL, NULL, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.done, 0);
    assert_int_equal(r.recorded, 0);
    assert_non_null(strstr(r.text[0], "did not understand"));
    cx_conv_replies_free(&r);
    inbound(f, "chat", from, "eight", NULL, NULL, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.done, 0);
    assert_int_equal(r.recorded, 1);
    cx_conv_replies_free(&r);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id=%Q", rid), 8);
    char buf[256];
    qs(f, buf, sizeof buf, "SELECT channel FROM responses WHERE id=%Q", rid);
    assert_string_equal(buf, "chat");
    conv_is(f, addr, 2, 1, 8);
    inbound(f, "chat", from, "Good chat", NULL, NULL, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.recorded, 1);
    assert_string_equal(r.text[0], "Thank you for your feedback!");
    cx_conv_replies_free(&r);
    qs(f, buf, sizeof buf, "SELECT comment FROM responses WHERE id=%Q", rid);
    assert_string_equal(buf, "Good chat");
    assert_true(qi(f, "SELECT completed FROM invitations WHERE id=%lld", inv) > 0);
    assert_int_equal(n_outbox(f), 0);

    /* csat on chat: the response has the survey's kind */
    int64_t inv2 = invite(f, "csat1", "c6", "chat", "");
    snprintf(from, sizeof from, "%lld", (long long)inv2);
    inbound(f, "chat", from, "4/5", NULL, NULL, &r);
    assert_int_equal(r.recorded, 1);
    cx_conv_replies_free(&r);
    assert_int_equal(
        cx_scale_kind((int)qi(f, "SELECT scale FROM responses WHERE id='inv-%lld'", inv2)),
        CX_KIND_CSAT);
    assert_int_equal(qi(f, "SELECT score FROM responses WHERE id='inv-%lld'", inv2), 4);

    /* two unclear replies: give up, done, nothing recorded */
    int64_t inv3 = invite(f, "nps-nofu", "c7", "chat", "");
    snprintf(from, sizeof from, "%lld", (long long)inv3);
    inbound(f, "chat", from, "?", NULL, NULL, &r);
    assert_int_equal(r.done, 0);
    cx_conv_replies_free(&r);
    inbound(f, "chat", from, "no idea", NULL, NULL, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.done, 1);
    assert_int_equal(r.recorded, 0);
    assert_non_null(strstr(r.text[0], "could not read a score"));
    cx_conv_replies_free(&r);
    assert_int_equal(qi(f, "SELECT count(*) FROM responses WHERE id='inv-%lld'", inv3), 0);

    /* an unknown chat id: nothing */
    inbound(f, "chat", "999999", "9", NULL, NULL, &r);
    assert_int_equal(r.n, 0);
    assert_int_equal(r.recorded, 0);
    cx_conv_replies_free(&r);
    assert_int_equal(n_outbox(f), 0);
}

static void test_conversation_keywords(void **state)
{
    struct fx *f = *state;
    struct cx_contact ct;
    memset(&ct, 0, sizeof ct);
    snprintf(ct.customer, sizeof ct.customer, "c8");
    snprintf(ct.email, sizeof ct.email, "c8@example.com");
    snprintf(ct.phone, sizeof ct.phone, "+4790000008");
    struct cx_err err = {{0}};
    tx_begin(f);
    assert_int_equal(f->s->vt->contact_put(f->s, &ct, (int64_t)time(NULL), &err), CX_OK);
    tx_commit(f);
    invite(f, "nps1", "c8", "sms", "+4790000008");
    inbound(f, "sms", "+47 900 00 008", "Stop.", NULL, "s1", NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts WHERE address='phone:+4790000008'"), 1);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts WHERE address='customer:c8'"), 1);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts WHERE address='email:c8@example.com'"), 1);
    conv_is(f, "sms:+4790000008", 3, 0, -1);
    char buf[1024];
    last_reply(f, "+4790000008", buf, sizeof buf);
    assert_non_null(strstr(buf, "START"));
    assert_int_equal(qi(f, "SELECT count(*) FROM responses"), 0);
    /* START: back in, on every address */
    inbound(f, "sms", "+4790000008", "start", NULL, "s2", NULL);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts"), 0);
    last_reply(f, "+4790000008", buf, sizeof buf);
    assert_non_null(strstr(buf, "STOP"));
    assert_int_equal(n_replies(f, "+4790000008"), 2);
    /* the confirmation of a redelivered STOP is not queued twice */
    inbound(f, "sms", "+4790000008", "STOP", NULL, "s3", NULL);
    inbound(f, "sms", "+4790000008", "STOP", NULL, "s3", NULL);
    assert_int_equal(n_replies(f, "+4790000008"), 3);

    /* STOP on chat opts the customer out */
    int64_t inv = invite(f, "nps1", "c9", "chat", "");
    char from[32];
    snprintf(from, sizeof from, "%lld", (long long)inv);
    struct cx_conv_replies r;
    memset(&r, 0, sizeof r);
    inbound(f, "chat", from, "UNSUBSCRIBE", NULL, NULL, &r);
    assert_int_equal(r.n, 1);
    assert_int_equal(r.done, 1);
    assert_non_null(strstr(r.text[0], "START"));
    cx_conv_replies_free(&r);
    assert_int_equal(qi(f, "SELECT count(*) FROM optouts WHERE address='customer:c9'"), 1);
}

static void test_conversation_help_bug(void **state)
{
    struct fx *f = *state;
    char help[256];
    invite(f, "nps1", "c10", "sms", "+4790000010");
    inbound(f, "sms", "+4790000010", "9", NULL, "h1", NULL);
    conv_is(f, "sms:+4790000010", 2, 0, 9);
    inbound(f, "sms", "+4790000010", "HELP", NULL, "h2", NULL);
    last_reply(f, "+4790000010", help, sizeof help);
    char comment[256];
    qs(f, comment, sizeof comment, "SELECT coalesce(comment,'') FROM responses");
    /* Was a bug (fixed): deliver.c cx_deliver_inbound() answers HELP only when no question
     * is open (line ~880); at step 2 (line ~944) the keyword "HELP" is
     * stored as the customer's comment, the conversation is closed and
     * "Thank you" is sent. Expected: the help text, the conversation still
     * waiting for the follow-up, no comment. (At step 1 HELP likewise gets
     * the re-ask text and uses up the one re-ask.) */
    assert_string_equal(comment, "");
    assert_non_null(strstr(help, "STOP"));
    conv_is(f, "sms:+4790000010", 2, 0, 9);
}

static void test_conversation_msgid_bug(void **state)
{
    struct fx *f = *state;
    invite(f, "nps1", "c11", "sms", "+4790000011");
    /* provider message ids longer than 58 bytes sharing a prefix (WhatsApp's
     * "wamid." ids run to 60-80 bytes) */
    const char *m1 = "wamid.HBgLNDc5MDAwMDAwMTEVAgASGBQzRUIwQTVBMzE3QjQ1RDc1OUE5QUVAAA-1";
    const char *m2 = "wamid.HBgLNDc5MDAwMDAwMTEVAgASGBQzRUIwQTVBMzE3QjQ1RDc1OUE5QUVAAA-2";
    inbound(f, "sms", "+4790000011", "10", NULL, m1, NULL);
    conv_is(f, "sms:+4790000011", 2, 0, 10);
    inbound(f, "sms", "+4790000011", "Great", NULL, m2, NULL);
    conv_is(f, "sms:+4790000011", 3, 0, 10);
    /* Was a bug (fixed): deliver.c cx_deliver_inbound() line ~856 makes the reply's
     * idempotency key "re-%.58s" of the inbound id: both ids cut to the same
     * key, so the outbox drops the "Thank you" reply. Expected 2 replies. */
    assert_int_equal(n_replies(f, "+4790000011"), 2);
}

/* A webhook redelivered after later messages (not only the last one) is
 * handled once: the retried unclear reply does not become the comment. */
static void test_conversation_late_redelivery(void **state)
{
    struct fx *f = *state;
    int64_t inv = invite(f, "nps1", "c12", "sms", "+4790000012");
    inbound(f, "sms", "+4790000012", "hmm", NULL, "A", NULL); /* unclear: re-ask */
    conv_is(f, "sms:+4790000012", 1, 1, -1);
    inbound(f, "sms", "+4790000012", "9", NULL, "B", NULL);
    conv_is(f, "sms:+4790000012", 2, 1, 9);
    inbound(f, "sms", "+4790000012", "hmm", NULL, "A", NULL); /* the provider retries A */
    conv_is(f, "sms:+4790000012", 2, 1, 9);
    assert_int_equal(
        qi(f, "SELECT comment IS NULL FROM responses WHERE id='inv-%lld'", (long long)inv), 1);
    inbound(f, "sms", "+4790000012", "Friendly staff", NULL, "C", NULL);
    assert_int_equal(
        qi(f, "SELECT comment='Friendly staff' FROM responses WHERE id='inv-%lld'", (long long)inv),
        1);
}

/* ---- 9. status updates ------------------------------------------------- */

struct status_ev {
    const char *provider_id, *status; /* status NULL ends a list */
    int64_t at;
};

/* Applies the provider status updates evs[] (up to one with a NULL status)
 * in one transaction; each must succeed. */
static void statuses(struct fx *f, const struct status_ev *evs)
{
    struct cx_err err = {{0}};
    tx_begin(f);
    for (; evs->status; evs++)
        assert_int_equal(cx_deliver_status(f->s, evs->provider_id, evs->status, evs->at, &err),
                         CX_OK);
    tx_commit(f);
}

/* An invitation's delivered, opened or failed time (col), 0 when unset. */
static int64_t inv_time(struct fx *f, const char *col, int64_t invitation)
{
    return qi(f, "SELECT %s FROM invitations WHERE id=%lld", col, (long long)invitation);
}

/* Claims every message due at now, as the dispatcher does before sending. */
static void claim_all(struct fx *f, int64_t now)
{
    struct cx_err err = {{0}};
    struct cx_outbox_msg *m = NULL;
    size_t n = 0;
    assert_int_equal(f->s->vt->outbox_claim(f->s, now, 1000, &m, &n, &err), CX_OK);
    cx_outbox_msgs_free(m, n);
}

static void test_status(void **state)
{
    struct fx *f = *state;
    int64_t a = invite(f, "nps1", "c1", "email", "c1@example.com");
    int64_t b = invite(f, "nps1", "c2", "email", "c2@example.com");
    int64_t c = invite(f, "nps1", "c3", "sms", "+4790000003");
    struct cx_err err = {{0}};
    int64_t ma = qi(f, "SELECT id FROM outbox WHERE invitation=%lld", a);
    int64_t mb = qi(f, "SELECT id FROM outbox WHERE invitation=%lld", b);
    int64_t mc = qi(f, "SELECT id FROM outbox WHERE invitation=%lld", c);
    int64_t now = (int64_t)time(NULL);
    tx_begin(f);
    claim_all(f, now); /* finishing needs the dispatcher's claim first */
    assert_int_equal(f->s->vt->outbox_finish(f->s, ma, "sent", now, now, "prov-a", NULL, &err),
                     CX_OK);
    assert_int_equal(f->s->vt->outbox_finish(f->s, mb, "sent", now, now, "prov-b", NULL, &err),
                     CX_OK);
    assert_int_equal(f->s->vt->outbox_finish(f->s, mc, "sent", now, now, "prov-c", NULL, &err),
                     CX_OK);
    /* a reply in a conversation with a provider id of its own */
    struct cx_outbox_msg m;
    memset(&m, 0, sizeof m);
    snprintf(m.kind, sizeof m.kind, "reply");
    snprintf(m.channel, sizeof m.channel, "sms");
    snprintf(m.recipient, sizeof m.recipient, "+4790000003");
    snprintf(m.idem_key, sizeof m.idem_key, "r-test");
    m.invitation = c;
    m.payload = "{}";
    m.due = m.created = now;
    assert_int_equal(f->s->vt->outbox_put(f->s, &m, &err), CX_OK);
    claim_all(f, now);
    assert_int_equal(f->s->vt->outbox_finish(f->s, m.id, "sent", now, now, "prov-r", NULL, &err),
                     CX_OK);
    tx_commit(f);

    statuses(f, (const struct status_ev[]){{"prov-a", "delivered", 1000}, {0}});
    assert_int_equal(inv_time(f, "delivered", a), 1000);
    assert_int_equal(inv_time(f, "opened", a), 0);
    statuses(f, (const struct status_ev[]){
                    {"prov-a", "read", 2000}, {"prov-a", "delivered", 3000}, {0}});
    assert_int_equal(inv_time(f, "delivered", a), 1000);
    assert_int_equal(inv_time(f, "opened", a), 2000);
    assert_int_equal(inv_time(f, "failed", a), 0);
    /* read without delivered first sets both */
    statuses(f, (const struct status_ev[]){{"prov-b", "read", 4000}, {0}});
    assert_int_equal(inv_time(f, "delivered", b), 4000);
    assert_int_equal(inv_time(f, "opened", b), 4000);
    /* failed */
    statuses(f, (const struct status_ev[]){{"prov-c", "failed", 5000}, {0}});
    assert_int_equal(inv_time(f, "failed", c), 5000);
    assert_int_equal(inv_time(f, "delivered", c), 0);
    /* unknown ids, NULL, an empty id, an unknown status, and the status of
     * a reply message change nothing */
    statuses(f, (const struct status_ev[]){{"prov-zzz", "delivered", 6000},
                                           {NULL, "delivered", 6000},
                                           {"", "failed", 6000},
                                           {"prov-c", "exploded", 6000},
                                           {"prov-r", "delivered", 6000},
                                           {0}});
    assert_int_equal(qi(f, "SELECT count(*) FROM invitations WHERE delivered=6000 OR opened=6000"
                           " OR failed=6000"),
                     0);
    assert_int_equal(inv_time(f, "delivered", c), 0);
}

/* ---- 10. validators ---------------------------------------------------- */

static void refused(int (*fn)(const char *, char *, size_t, struct cx_err *), const char *json,
                    const char *field)
{
    char id[65];
    struct cx_err err = {{0}};
    int rc = fn(json, id, sizeof id, &err);
    if (rc != CX_EINVAL) fail_msg("accepted (%d): %s", rc, json);
    if (field && !strstr(err.msg, field))
        fail_msg("refusal of %s does not name '%s': %s", json, field, err.msg);
    if (!err.msg[0]) fail_msg("refusal of %s without a message", json);
}

static void accepted(int (*fn)(const char *, char *, size_t, struct cx_err *), const char *json,
                     const char *want_id)
{
    char id[65] = "";
    struct cx_err err = {{0}};
    if (fn(json, id, sizeof id, &err)) fail_msg("refused %s: %s", json, err.msg);
    assert_string_equal(id, want_id);
}

#define T_OK "\"id\":\"t1\",\"event_type\":\"ticket.resolved\",\"survey\":\"nps1\""

static void test_trigger_validate(void **state)
{
    (void)state;
    int (*v)(const char *, char *, size_t, struct cx_err *) = cx_trigger_validate;
    accepted(v, "{" T_OK ",\"channel\":\"email\"}", "t1");
    accepted(v,
             "{" T_OK ",\"channel\":\"whatsapp\",\"delay_minutes\":0,\"sample_percent\":0,"
             "\"match\":{},\"enabled\":true,\"touchpoint\":\"support\"}",
             "t1");
    accepted(v,
             "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":43200,\"sample_percent\":100,"
             "\"match\":{\"plan\":\"gold\",\"channel\":\"web\"},\"enabled\":false}",
             "t1");
    accepted(v,
             "{\"id\":\"a-b_9\",\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\","
             "\"sample_percent\":12.5}",
             "a-b_9");
    /* each field */
    refused(v, "{\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\"}", "id");
    refused(v, "{\"id\":\"Bad Id\",\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\"}",
            "id");
    refused(v, "{\"id\":\"\",\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\"}", "id");
    refused(v, "{\"id\":7,\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\"}", "id");
    refused(v,
            "{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
            "\"event_type\":\"x\",\"survey\":\"s\",\"channel\":\"sms\"}",
            "id");
    refused(v, "{\"id\":\"t\",\"survey\":\"s\",\"channel\":\"sms\"}", "event_type");
    refused(v, "{\"id\":\"t\",\"event_type\":\"\",\"survey\":\"s\",\"channel\":\"sms\"}",
            "event_type");
    refused(v, "{\"id\":\"t\",\"event_type\":5,\"survey\":\"s\",\"channel\":\"sms\"}",
            "event_type");
    refused(v, "{\"id\":\"t\",\"event_type\":\"x\",\"channel\":\"sms\"}", "survey");
    refused(v, "{\"id\":\"t\",\"event_type\":\"x\",\"survey\":\"S S\",\"channel\":\"sms\"}",
            "survey");
    refused(v, "{" T_OK "}", "channel");
    refused(v, "{" T_OK ",\"channel\":\"chat\"}", "channel");
    refused(v, "{" T_OK ",\"channel\":\"EMAIL\"}", "channel");
    refused(v, "{" T_OK ",\"channel\":[\"email\"]}", "channel");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":-1}", "delay_minutes");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":43201}", "delay_minutes");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":\"5\"}", "delay_minutes");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":true}", "delay_minutes");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":1e300}", "delay_minutes");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":99999999999999999999999}", NULL);
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"sample_percent\":100.5}", "sample_percent");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"sample_percent\":-0.1}", "sample_percent");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"sample_percent\":null}", "sample_percent");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"match\":[]}", "match");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"match\":\"plan=gold\"}", "match");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"match\":{\"plan\":1}}", "match.plan");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"match\":{\"plan\":{\"a\":\"b\"}}}", "match.plan");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"enabled\":\"yes\"}", "enabled");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"enabled\":1}", "enabled");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"touchpoint\":\"\"}", "touchpoint");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"touchpoint\":3}", "touchpoint");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"colour\":\"red\"}", "colour");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"Channel\":\"sms\"}", "Channel");
    /* garbage */
    refused(v, "", NULL);
    refused(v, "not json", "JSON");
    refused(v, "{\"id\":\"t1\"", "JSON");
    refused(v,
            "["
            "{" T_OK ",\"channel\":\"sms\"}"
            "]",
            "object");
    refused(v, "\"string\"", NULL);
    refused(v, "42", NULL);
    refused(v, "null", NULL);
    refused(v, "{}", "id");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"channel\":\"email\"}", NULL); /* duplicate key */
    refused(v, "{" T_OK ",\"channel\":\"sms\"} trailing", "JSON");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":NaN}", "JSON");
    refused(v, "{" T_OK ",\"channel\":\"sms\",\"delay_minutes\":1e999}", NULL);
}

#define A_OK "\"id\":\"a1\",\"kind\":\"low_score\",\"metric\":\"nps\""

static void test_alert_validate(void **state)
{
    (void)state;
    int (*v)(const char *, char *, size_t, struct cx_err *) = cx_alert_validate;
    accepted(v, "{" A_OK ",\"webhook_url\":\"https://h.example.com/x\"}", "a1");
    accepted(v, "{" A_OK ",\"email\":\"ops@example.com\",\"threshold\":0}", "a1");
    accepted(v,
             "{\"id\":\"d\",\"kind\":\"metric_drop\",\"metric\":\"CSAT\",\"window_days\":365,"
             "\"webhook_url\":\"http://127.0.0.1/\",\"email\":\"a@b\",\"threshold\":10}",
             "d");
    accepted(v,
             "{\"id\":\"d\",\"kind\":\"metric_drop\",\"metric\":\"ces\",\"window_days\":1,"
             "\"email\":\"a@b\"}",
             "d");
    refused(v, "{\"kind\":\"low_score\",\"metric\":\"nps\",\"email\":\"a@b\"}", "id");
    refused(v, "{\"id\":\"A!\",\"kind\":\"low_score\",\"metric\":\"nps\",\"email\":\"a@b\"}", "id");
    refused(v, "{\"id\":\"a\",\"metric\":\"nps\",\"email\":\"a@b\"}", "kind");
    refused(v, "{\"id\":\"a\",\"kind\":\"high_score\",\"metric\":\"nps\",\"email\":\"a@b\"}",
            "kind");
    refused(v, "{\"id\":\"a\",\"kind\":true,\"metric\":\"nps\",\"email\":\"a@b\"}", "kind");
    refused(v, "{\"id\":\"a\",\"kind\":\"low_score\",\"email\":\"a@b\"}", "metric");
    refused(v, "{\"id\":\"a\",\"kind\":\"low_score\",\"metric\":\"ces2\",\"email\":\"a@b\"}",
            "metric");
    refused(v, "{\"id\":\"a\",\"kind\":\"low_score\",\"metric\":[\"nps\"],\"email\":\"a@b\"}",
            "metric");
    refused(v, "{" A_OK "}", "webhook_url");
    refused(v, "{" A_OK ",\"webhook_url\":\"ftp://h/x\"}", "webhook_url");
    refused(v, "{" A_OK ",\"webhook_url\":\"h.example.com\"}", "webhook_url");
    refused(v, "{" A_OK ",\"webhook_url\":1,\"email\":\"a@b\"}", "webhook_url");
    refused(v, "{" A_OK ",\"webhook_url\":null,\"email\":\"a@b\"}", "webhook_url");
    refused(v, "{" A_OK ",\"email\":\"nobody\"}", "email");
    refused(v, "{" A_OK ",\"email\":5,\"webhook_url\":\"https://h/\"}", "email");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"threshold\":11}", "threshold");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"threshold\":-1}", "threshold");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"threshold\":\"6\"}", "threshold");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"threshold\":1e308}", "threshold");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"window_days\":0}", "window_days");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"window_days\":366}", "window_days");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"window_days\":[7]}", "window_days");
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"secret\":\"s\"}", "secret");
    char *longmail = malloc(400);
    assert_non_null(longmail);
    char *j = malloc(600);
    assert_non_null(j);
    memset(longmail, 'a', 330);
    memcpy(longmail + 330, "@example.com", 13);
    snprintf(j, 600, "{" A_OK ",\"email\":\"%s\"}", longmail);
    refused(v, j, "email");
    free(j);
    free(longmail);
    /* garbage */
    refused(v, "", NULL);
    refused(v, "{", "JSON");
    refused(v, "[1,2,3]", "object");
    refused(v, "true", NULL);
    refused(v, "{" A_OK ",\"email\":\"a@b\",\"email\":\"c@d\"}", NULL);
    refused(v, "{" A_OK ",\"email\":\"a\\u0000@b\"}", NULL);
}

/* ---- 11. backoff ------------------------------------------------------- */

static void test_backoff(void **state)
{
    (void)state;
    assert_int_equal(cx_dispatch_backoff_ms(1000, 1), 1000);
    assert_int_equal(cx_dispatch_backoff_ms(1000, 2), 2000);
    assert_int_equal(cx_dispatch_backoff_ms(1000, 3), 4000);
    assert_int_equal(cx_dispatch_backoff_ms(1000, 4), 8000);
    assert_int_equal(cx_dispatch_backoff_ms(1000, 0), 1000);
    assert_int_equal(cx_dispatch_backoff_ms(1000, -3), 1000);
    /* defaults: 30 s */
    assert_int_equal(cx_dispatch_backoff_ms(0, 1), 30000);
    assert_int_equal(cx_dispatch_backoff_ms(-5, 2), 60000);
    assert_int_equal(cx_dispatch_backoff_ms(30000, 7), 1920000);
    /* capped at one hour */
    assert_int_equal(cx_dispatch_backoff_ms(30000, 8), 3600000);
    assert_int_equal(cx_dispatch_backoff_ms(30000, 100), 3600000);
    assert_int_equal(cx_dispatch_backoff_ms(30000, 2147483647), 3600000);
    assert_int_equal(cx_dispatch_backoff_ms(2147483647, 1), 3600000);
    assert_int_equal(cx_dispatch_backoff_ms(3600000, 1), 3600000);
    assert_int_equal(cx_dispatch_backoff_ms(3599999, 2), 3600000);
    /* monotonic in attempts */
    for (int base = 1; base < 100000; base = base * 3 + 1)
        for (int a = 1; a < 40; a++) {
            long long x = cx_dispatch_backoff_ms(base, a), y = cx_dispatch_backoff_ms(base, a + 1);
            assert_true(y >= x);
            assert_true(y <= 3600000);
        }
}

/* ---- 12. metric-drop alerts -------------------------------------------- */

/* n responses of customer prefix p at time t with score. */
static void bulk_responses(struct fx *f, const char *p, int64_t t, int n, int score)
{
    tx_begin(f);
    for (int i = 0; i < n; i++) {
        char id[32], cust[32], ts[32], sc[8];
        snprintf(id, sizeof id, "%s-r%d", p, i);
        snprintf(cust, sizeof cust, "%s-c%d", p, i);
        snprintf(ts, sizeof ts, "%lld", (long long)(t + i));
        snprintf(sc, sizeof sc, "%d", score);
        const char *kv[] = {"id",    id, "customer", cust, "metric", "nps",
                            "score", sc, "time",     ts,   NULL};
        struct cx_field fl[8];
        size_t nf = fields(fl, 0, kv);
        struct cx_row row = {1, nf, fl};
        struct cx_reject why;
        struct cx_response r;
        assert_int_equal(cx_response_from_row(&row, &r, &why), 0);
        struct cx_err err = {{0}};
        enum cx_put res;
        assert_int_equal(f->s->vt->put_response(f->s, &r, &res, &err), CX_OK);
        cx_response_clear(&r);
    }
    tx_commit(f);
}

static void test_metric_drop(void **state)
{
    struct fx *f = *state;
    f->s->after_insert = NULL; /* the history is an import, not live traffic */
    int64_t now = (int64_t)time(NULL);
    bulk_responses(f, "old", now - 10 * 86400, 80, 10);
    bulk_responses(f, "new", now - 2 * 86400, 80, 0);
    alert(f, "{\"id\":\"drop\",\"kind\":\"metric_drop\",\"metric\":\"nps\",\"window_days\":7,"
             "\"webhook_url\":\"https://h.example.com/drop\"}");
    /* a low_score alert is not a metric_drop alert */
    alert(f, "{\"id\":\"low\",\"kind\":\"low_score\",\"metric\":\"nps\","
             "\"webhook_url\":\"https://h.example.com/low\"}");
    struct cx_writer *w = NULL;
    struct cx_err err = {{0}};
    assert_int_equal(cx_writer_start(f->dir, 0, &w, &err), CX_OK);
    int fired = cx_dispatch_check_alerts(f->s, w, now, &err);
    if (fired != 1) fail_msg("fired %d: %s", fired, err.msg);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE kind='alert'"), 1);
    char buf[2048];
    qs(f, buf, sizeof buf, "SELECT channel||'|'||recipient FROM outbox WHERE kind='alert'");
    assert_string_equal(buf, "webhook|https://h.example.com/drop");
    qs(f, buf, sizeof buf, "SELECT payload FROM outbox WHERE kind='alert'");
    json_t *p = json_loads(buf, 0, NULL);
    assert_non_null(p);
    json_t *body = json_object_get(p, "body");
    assert_string_equal(json_string_value(json_object_get(body, "kind")), "metric_drop");
    assert_true(json_number_value(json_object_get(body, "diff")) < -100);
    assert_true(json_number_value(json_object_get(body, "p_value")) < 0.05);
    json_decref(p);
    int64_t fired_at = qi(f, "SELECT last_fired FROM alerts WHERE id='drop'");
    assert_int_equal(fired_at, now);
    assert_int_equal(qi(f, "SELECT last_fired FROM alerts WHERE id='low'"), 0);
    /* inside the window: not again, also a day later */
    assert_int_equal(cx_dispatch_check_alerts(f->s, w, now + 60, &err), 0);
    assert_int_equal(cx_dispatch_check_alerts(f->s, w, now + 86400, &err), 0);
    assert_int_equal(qi(f, "SELECT count(*) FROM outbox WHERE kind='alert'"), 1);
    cx_writer_stop(w);

    /* a store without a drop fires nothing */
    struct fx g;
    fx_open(&g);
    g.s->after_insert = NULL;
    bulk_responses(&g, "old", now - 10 * 86400, 80, 9);
    bulk_responses(&g, "new", now - 2 * 86400, 80, 9);
    alert(&g, "{\"id\":\"drop\",\"kind\":\"metric_drop\",\"metric\":\"nps\","
              "\"email\":\"ops@example.com\"}");
    assert_int_equal(cx_writer_start(g.dir, 0, &w, &err), CX_OK);
    assert_int_equal(cx_dispatch_check_alerts(g.s, w, now, &err), 0);
    /* a rise is no drop either */
    bulk_responses(&g, "rise", now - 86400, 80, 10);
    assert_int_equal(cx_dispatch_check_alerts(g.s, w, now, &err), 0);
    cx_writer_stop(w);
    assert_int_equal(qi(&g, "SELECT count(*) FROM outbox"), 0);
    assert_int_equal(qi(&g, "SELECT last_fired FROM alerts"), 0);
    fx_close(&g);
}

/* ---- misc -------------------------------------------------------------- */

static void test_norm_phone_and_names(void **state)
{
    (void)state;
    char out[64];
    cx_deliver_norm_phone("4790 000 001", out, sizeof out);
    assert_string_equal(out, "+4790000001");
    cx_deliver_norm_phone("+47 (900) 00-001", out, sizeof out);
    assert_string_equal(out, "+4790000001");
    cx_deliver_norm_phone("a@b.c", out, sizeof out);
    assert_string_equal(out, "a@b.c");
    cx_deliver_norm_phone("", out, sizeof out);
    assert_string_equal(out, "");
    cx_deliver_norm_phone("12345678901234567890", out, 8);
    assert_string_equal(out, "+123456");
    assert_string_equal(cx_trigger_outcome_name(CX_TRIG_SCHEDULED), "scheduled");
    assert_string_equal(cx_trigger_outcome_name(CX_TRIG_DISABLED), "disabled");
    assert_string_equal(cx_trigger_outcome_name((enum cx_trigger_outcome)99), "?");
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_trigger_schedules),
        T(test_trigger_no_match),
        cmocka_unit_test(test_sampling),
        T(test_fatigue),
        cmocka_unit_test(test_quiet_hours),
        T(test_quiet_hours_hook),
        T(test_optout),
        T(test_one_per_ticket),
        T(test_ticket_missing_survey_bug),
        T(test_ticket_erase_bug),
        T(test_low_score_alerts),
        T(test_low_score_defaults),
        T(test_low_score_idem_alert_bug),
        T(test_low_score_idem_response_bug),
        T(test_low_score_alert_erase_bug),
        T(test_conversation_waits_for_send),
        T(test_conversation_sms),
        T(test_conversation_unclear),
        T(test_conversation_chat),
        T(test_conversation_keywords),
        T(test_conversation_help_bug),
        T(test_conversation_msgid_bug),
        T(test_conversation_late_redelivery),
        T(test_status),
        cmocka_unit_test(test_trigger_validate),
        cmocka_unit_test(test_alert_validate),
        cmocka_unit_test(test_backoff),
        T(test_metric_drop),
        cmocka_unit_test(test_norm_phone_and_names),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
