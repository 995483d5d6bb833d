"""channels.py - issue 5 end to end: triggers send surveys by email (a real
SMTP server, aiosmtpd), WhatsApp and SMS (the provider stand-in in
standin.py); replies come back through signed webhooks and land as one
response; opt-out, fatigue, one survey per ticket, retries, dead letters,
alerts and the chat endpoint.

    python3 channels.py PATH_TO_CXPULSE
"""

import email
import email.policy
import hashlib
import hmac
import json
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Test, check_error  # noqa: E402
from standin_lib import (SmtpSink, Standin, sign_sms, sign_wa, sms_inbound_form,  # noqa: E402
                         wa_status, wa_text, wa_webhook, wa_list_reply)
from survey_lib import FORM, db_query  # noqa: E402

APP_SECRET = "wa-app-secret-0123456789"
VERIFY = "verify-me-please"
SMS_SECRET = "sms-webhook-secret-42"
HOOK_SECRET = "alert-secret-0123456789abcdef"


def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def wait_for(pred, timeout=20.0, step=0.1):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        v = pred()
        if v:
            return v
        time.sleep(step)
    return pred()


def outbox(t, data, state=None):
    args = ["outbox", "list", "--format", "json", "--limit", "1000", "--data", data]
    if state:
        args += ["--state", state]
    return json.loads(t.cli_ok(*args))


def survey(t, data, sid, kind, extra=None):
    d = {"id": sid, "name": sid, "kind": kind}
    d.update(extra or {})
    path = os.path.join(t.tmp, sid + ".json")
    with open(path, "w") as f:
        json.dump(d, f)
    t.cli_ok("survey", "create", path, "--data", data)


def R(srv, *a, **k):
    """srv.request with the body decoded as text."""
    st, hdrs, b = srv.request(*a, **k)
    return st, hdrs, b.decode("utf-8", "replace")


def body(t, srv, method, path, obj, key):
    st, hdrs, b = R(srv, method, path, json.dumps(obj).encode(), key=key,
                              ctype="application/json")
    return st, hdrs, b


def main(t):
    smtp = SmtpSink(user="mailer", password="pw-123")
    prov = Standin(wa_token="wa-token-1", sms_auth="Bearer sms-token-1")
    try:
        run(t, smtp, prov)
    finally:
        smtp.stop()
        prov.stop()


def run(t, smtp, prov):
    data, admin = t.new_data("d")
    survey(t, data, "support-nps", "nps")
    survey(t, data, "chat-csat", "csat")
    survey(t, data, "lost-ces", "ces")
    conf = os.path.join(t.tmp, "channels.conf")
    with open(conf, "w") as f:
        f.write("# test channels\n"
                f"CXPULSE_SMTP_URL={smtp.url}\nCXPULSE_SMTP_USER=mailer\n"
                "CXPULSE_SMTP_PASSWORD=pw-123\nCXPULSE_SMTP_FROM=Acme Surveys <surveys@acme.test>\n"
                "CXPULSE_SMTP_STARTTLS=off\n"
                f"CXPULSE_WA_BASE_URL={prov.url}\nCXPULSE_WA_PHONE_NUMBER_ID=106540352242922\n"
                f"CXPULSE_WA_TOKEN=wa-token-1\nCXPULSE_WA_APP_SECRET={APP_SECRET}\n"
                f"CXPULSE_WA_VERIFY_TOKEN={VERIFY}\nCXPULSE_WA_TEMPLATE=survey_invite\n"
                f"CXPULSE_SMS_URL={prov.url}/sms\nCXPULSE_SMS_AUTH_HEADER=Bearer sms-token-1\n"
                f"CXPULSE_SMS_FROM=+4700000000\nCXPULSE_SMS_WEBHOOK_SECRET={SMS_SECRET}\n"
                "CXPULSE_HTTP_TIMEOUT=1\n")
    srv = t.start_server(data, "--config", conf, "--quiet-hours", "none", "--retry-base-ms",
                         "300", "--max-attempts", "3", "--alert-check-seconds", "1",
                         "--dispatch-tick-ms", "100", "--company", "Acme")
    srv.wait_healthy(20)
    t.check("password" not in srv.stderr().lower() or "pw-123" not in srv.stderr(),
            "the SMTP password is not logged")

    t.section("triggers: create through the API and the CLI")
    st, _, b = body(t, srv, "POST", "/api/v1/triggers",
                    {"id": "resolved-email", "event_type": "ticket.resolved",
                     "match": {"team": "support"}, "survey": "support-nps",
                     "channel": "email", "delay_minutes": 0}, admin)
    t.check_eq(201, st, "POST /api/v1/triggers: %r" % b[:300])
    st, hdrs, b = body(t, srv, "POST", "/api/v1/triggers",
                       {"id": "bad", "event_type": "x", "survey": "support-nps",
                        "channel": "pigeon"}, admin)
    e = check_error(t, "trigger with a bad channel", st, hdrs, b, 400, "bad_request")
    t.check(e is not None and "channel" in e["message"], "the error names the field: %r" % b)
    t.cli_ok("trigger", "create", "--id", "chat-wa", "--event", "chat.answered", "--survey",
             "chat-csat", "--channel", "whatsapp", "--data", data)
    t.cli_ok("trigger", "create", "--id", "lost-sms", "--event", "subscription.cancelled",
             "--survey", "lost-ces", "--channel", "sms", "--touchpoint", "cancellation",
             "--data", data)
    listed = json.loads(t.cli_ok("trigger", "list", "--format", "json", "--data", data))
    t.check_eq(["chat-wa", "lost-sms", "resolved-email"], sorted(x["id"] for x in listed),
               "trigger list")
    st, _, b = R(srv, "GET", "/api/v1/triggers", key=admin)
    t.check(st == 200 and len(json.loads(b)["triggers"]) == 3, "GET /api/v1/triggers")

    now = int(time.time())

    def event(eid, cust, typ, ref=None, **attrs):
        ev = {"id": eid, "customer": cust, "time": iso(now), "type": typ, "channel": "web"}
        if ref:
            ev["ref"] = ref
        ev.update(attrs)
        st, _, b = body(t, srv, "POST", "/api/v1/events", ev, admin)
        t.check(st in (200, 201), "event %s stored: %r %r" % (eid, st, b[:200]))

    t.section("email: a resolved ticket sends the survey")
    event("e1", "alice", "ticket.resolved", ref="T-1", team="support",
          email="alice@example.test", lang="en")
    msgs = wait_for(lambda: smtp.messages(), 20)
    t.check_eq(1, len(msgs), "one email arrived")
    if not msgs:
        t.fatal("no email")
    meta, raw = msgs[0]
    t.check_eq(["alice@example.test"], meta["rcpt_tos"], "RCPT TO")
    t.check_eq("surveys@acme.test", meta["mail_from"], "MAIL FROM")
    t.check_eq("mailer", meta.get("auth_user"), "authenticated as the configured user")
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    t.check_eq("multipart/alternative", msg.get_content_type(), "MIME type")
    parts = {p.get_content_type(): p for p in msg.iter_parts()}
    t.check("text/plain" in parts and "text/html" in parts, "plain and HTML parts: %r"
            % list(parts))
    lu = msg.get("List-Unsubscribe", "")
    t.check(re.search(r"<http://127\.0\.0\.1:\d+/u/[A-Za-z0-9_-]{43}>", lu),
            "List-Unsubscribe holds the unsubscribe URL: %r" % lu)
    t.check_eq("List-Unsubscribe=One-Click", msg.get("List-Unsubscribe-Post"),
               "List-Unsubscribe-Post (RFC 8058)")
    html = parts["text/html"].get_content() if "text/html" in parts else ""
    plain = parts["text/plain"].get_content() if "text/plain" in parts else ""
    t.check("recommend Acme" in plain and "recommend Acme" in html,
            "the question in both parts")
    links = re.findall(r'href="(http://127\.0\.0\.1:\d+/s/[A-Za-z0-9_-]{43}\?score=(\d+))"', html)
    t.check_eq([str(i) for i in range(11)], [s for _, s in links],
               "eleven one-click score links, 0..10")
    t.check(all(u in plain for u, _ in links), "the plain part has the same links")
    if links:
        url9 = urllib.parse.urlsplit(links[9][0])
        st, _, page = R(srv, "GET", url9.path + "?" + url9.query)
        t.check_eq(200, st, "the score link opens the page")
        t.check("checked" in page, "the score is pre-selected (scanner-safe: not stored)")
        t.check(not db_query(data, "SELECT id FROM responses"), "a GET stores nothing")
        st, _, page = R(srv, "POST", url9.path, b"step=score&answer=9", ctype=FORM)
        t.check(st == 200, "confirming stores the answer: %r" % st)
        rows = db_query(data, "SELECT id, score, channel, touchpoint FROM responses")
        t.check(len(rows) == 1 and rows[0][1] == 9 and rows[0][2] == "email"
                and rows[0][3] == "ticket.resolved",
                "response stored: score 9, channel email, touchpoint from the event: %r" % rows)
    inv = db_query(data, "SELECT delivered, answered FROM invitations WHERE channel='email'")
    t.check(inv and inv[0][0] > 0 and inv[0][1] > 0, "invitation delivered and answered: %r" % inv)

    t.section("one survey per ticket, and the fatigue cap")
    event("e2", "alice", "ticket.resolved", ref="T-1", team="support")
    event("e3", "alice", "ticket.resolved", ref="T-2", team="support")
    event("e4", "bob", "ticket.resolved", ref="T-1", team="support", email="bob@example.test")
    event("e5", "carol", "ticket.resolved", ref="T-9", team="sales", email="c@example.test")
    time.sleep(1.0)
    invs = db_query(data, "SELECT customer FROM invitations ORDER BY id")
    t.check_eq([("alice",)], invs,
               "no second survey: same ticket (e2, e4), fatigue (e3), no match (e5)")

    t.section("unsubscribe (RFC 8058 one-click) holds on every channel")
    unsub = re.search(r"<(http://[^>]+)>", lu)
    if unsub:
        u = urllib.parse.urlsplit(unsub.group(1))
        st, _, page = R(srv, "GET", u.path)
        t.check(st == 200 and "<form" in page, "GET shows a confirm form and changes nothing")
        t.check(not db_query(data, "SELECT * FROM optouts"), "no opt-out after GET")
        st, _, page = R(srv, "POST", u.path, b"List-Unsubscribe=One-Click", ctype=FORM)
        t.check_eq(200, st, "one-click POST")
        outs = [r[0] for r in db_query(data, "SELECT address FROM optouts")]
        t.check("customer:alice" in outs and "email:alice@example.test" in outs,
                "alice opted out by customer id and address: %r" % outs)
        rc, out, err = t.cli("send", "--survey", "chat-csat", "--channel", "sms",
                             "--customers", "-", "--data", data,
                             stdin=b"customer,phone\nalice,+4711111111\n")
        t.check("opted out" in err, "a manual SMS to alice is skipped: %r" % err)
        st, _, _ = R(srv, "POST", "/u/" + "A" * 43, b"", ctype=FORM)
        t.check_eq(404, st, "a forged unsubscribe token is refused")

    t.section("WhatsApp: verification handshake")
    st, _, b = R(srv, "GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token="
                           + VERIFY + "&hub.challenge=1158201444")
    t.check(st == 200 and b == "1158201444", "the challenge is echoed: %r %r" % (st, b))
    st, _, b = R(srv, "GET", "/webhooks/whatsapp?hub.mode=subscribe&hub.verify_token=no"
                           "&hub.challenge=1")
    t.check_eq(403, st, "a wrong verify token is refused")

    t.section("WhatsApp: a chat triggers a CSAT survey; reply, re-ask, follow-up")
    event("e10", "dana", "chat.answered", phone="+4790000001", lang="en")
    got = wait_for(lambda: [m for m in prov.received() if "/messages" in m["path"]], 20)
    t.check_eq(1, len(got), "one WhatsApp message sent")
    first = got[0]["body"] if got else {}
    t.check_eq("template", first.get("type"), "outside the 24 h window: a template message")
    t.check_eq("survey_invite", first.get("template", {}).get("name"), "the configured template")
    t.check_eq("4790000001", first.get("to", "").lstrip("+"), "sent to dana's number")

    def wa_post(payload, secret=APP_SECRET, sig=None):
        raw = json.dumps(payload).encode()
        hdr = sig if sig is not None else sign_wa(secret, raw)
        return R(srv, "POST", "/webhooks/whatsapp", raw, ctype="application/json",
                           headers={"X-Hub-Signature-256": hdr} if hdr else {})

    before = db_query(data, "SELECT count(*) FROM responses")[0][0]
    st, _, _ = wa_post(wa_webhook(messages=[wa_text("4790000001", "5")]), secret="wrong")
    t.check_eq(401, st, "a badly signed webhook is refused")
    st, _, _ = wa_post(wa_webhook(messages=[wa_text("4790000001", "5")]), sig="")
    t.check_eq(401, st, "an unsigned webhook is refused")
    t.check_eq(before, db_query(data, "SELECT count(*) FROM responses")[0][0],
               "refused webhooks change nothing")
    conv = db_query(data, "SELECT step FROM conversations WHERE address LIKE 'whatsapp:%'")
    t.check_eq([(1,)], conv, "the conversation still waits for the score")

    prov.reset()
    st, _, _ = wa_post(wa_webhook(messages=[wa_text("4790000001", "maybe later")]))
    t.check_eq(200, st, "signed webhook accepted")
    got = wait_for(lambda: prov.received(), 10)
    t.check(got and "understand" in json.dumps(got[-1]["body"]),
            "an unclear reply gets one polite re-ask: %r" % (got[-1]["body"] if got else None))
    prov.reset()
    st, _, _ = wa_post(wa_webhook(messages=[wa_text("4790000001", "٤")]))  # Arabic-Indic 4
    got = wait_for(lambda: prov.received(), 10)
    rows = db_query(data, "SELECT score, channel, comment FROM responses WHERE channel='whatsapp'")
    t.check(rows and rows[0][0] == 4, "'٤' stored as CSAT 4: %r" % rows)
    t.check(got and got[-1]["body"].get("type") == "text", "the follow-up question is asked")
    prov.reset()
    st, _, _ = wa_post(wa_webhook(messages=[wa_text("4790000001", "Quick and friendly")]))
    got = wait_for(lambda: prov.received(), 10)
    rows = db_query(data, "SELECT score, comment FROM responses WHERE channel='whatsapp'")
    t.check_eq([(4, "Quick and friendly")], rows, "one response: score and the follow-up")
    t.check(got and "Thank" in json.dumps(got[-1]["body"], ensure_ascii=False), "thanks sent")
    # a redelivered webhook (same message id) is handled once
    same = wa_text("4790000001", "again", msg_id="wamid.same-one")
    wa_post(wa_webhook(messages=[same]))
    wa_post(wa_webhook(messages=[same]))
    t.check_eq(1, db_query(data, "SELECT count(*) FROM responses WHERE channel='whatsapp'")[0][0],
               "still one response")
    # statuses feed the response rate
    wamid = db_query(data, "SELECT provider_id FROM outbox WHERE channel='whatsapp' AND"
                     " kind='survey'")
    if wamid and wamid[0][0]:
        wa_post(wa_webhook(statuses=[wa_status(wamid[0][0], "delivered", "4790000001"),
                                     wa_status(wamid[0][0], "read", "4790000001")]))
        inv = db_query(data, "SELECT delivered>0, opened>0 FROM invitations WHERE"
                       " channel='whatsapp'")
        t.check_eq([(1, 1)], inv, "delivered and read statuses mark the invitation")
    else:
        t.check(False, "the WhatsApp survey message has a provider id: %r" % wamid)

    t.section("WhatsApp: interactive list inside the 24 h window")
    prov.reset()
    event("e11", "erin", "chat.answered", phone="+4790000002")
    # erin wrote to us first: the window is open when the survey is made
    wa_post(wa_webhook(messages=[wa_text("4790000002", "hello")]))
    got = wait_for(lambda: [m for m in prov.received() if "/messages" in m["path"]], 20)
    # the first survey went out as a template (no window yet when it was made)
    if got:
        t.check(got[0]["body"]["type"] in ("template", "interactive"), "a valid message type")
    wa_post(wa_webhook(messages=[wa_list_reply("4790000002", "score:5", "5")]))
    rows = db_query(data, "SELECT score FROM responses WHERE customer='erin'")
    t.check_eq([(5,)], rows, "a list reply id is the score")

    t.section("SMS: a cancellation asks the lost-customer CES survey; STOP and START")
    prov.reset()
    event("e20", "frank", "subscription.cancelled", phone="+4790000003")
    got = wait_for(lambda: [m for m in prov.received() if m["path"] == "/sms"], 20)
    t.check_eq(1, len(got), "one SMS sent")
    if got:
        t.check("easy" in json.dumps(got[0]["body"]).lower(), "the CES question: %r"
                % got[0]["body"])
        t.check_eq("Bearer sms-token-1", got[0]["headers"].get("authorization"),
                   "the gateway auth header")
        t.check(got[0]["headers"].get("idempotency-key"), "an Idempotency-Key is sent")

    def sms_post(frm, text, secret=SMS_SECRET):
        raw = sms_inbound_form(frm, "+4700000000", text)
        return R(srv, "POST", "/webhooks/sms", raw, ctype=FORM,
                           headers={"X-Cxpulse-Signature": sign_sms(secret, raw)})

    st, _, _ = sms_post("+4790000003", "6", secret="bad")
    t.check_eq(401, st, "a badly signed SMS webhook is refused")
    prov.reset()
    sms_post("+4790000003", "6")
    sms_post("+4790000003", "Too many steps to cancel")
    rows = db_query(data, "SELECT score, comment, touchpoint FROM responses WHERE"
                    " customer='frank'")
    t.check_eq([(6, "Too many steps to cancel", "cancellation")], rows,
               "the SMS answer and follow-up are one response on the trigger's touchpoint")
    prov.reset()
    sms_post("+4790000003", "STOP")
    got = wait_for(lambda: [m for m in prov.received() if "START" in json.dumps(m["body"])], 10)
    t.check(got, "STOP is confirmed by a reply")
    outs = [r[0] for r in db_query(data, "SELECT address FROM optouts")]
    t.check("phone:+4790000003" in outs and "customer:frank" in outs,
            "STOP opts out the number and the customer: %r" % outs)
    rc, out, err = t.cli("send", "--survey", "support-nps", "--channel", "email", "--customers",
                         "-", "--data", data, stdin=b"customer,email\nfrank,f@example.test\n")
    t.check("opted out" in err, "frank gets no email either: %r" % err)
    prov.reset()
    sms_post("+4790000003", "start")
    got = wait_for(lambda: [m for m in prov.received() if "Reply STOP" in json.dumps(m["body"])],
                   10)
    t.check(got, "START is confirmed")
    outs = [r[0] for r in db_query(data, "SELECT address FROM optouts")]
    t.check(not [o for o in outs if "frank" in o or "4790000003" in o],
            "START opts back in everywhere: %r" % outs)

    t.section("retries: 500 twice then sent; 400 dead at once; timeouts; retry from CLI")
    prov.reset()
    prov.fail(count=2, status=500)
    t.cli_ok("send", "--survey", "chat-csat", "--channel", "sms", "--customers", "-",
             "--data", data, stdin=b"customer,phone\ngus,+4790000004\n")
    ok = wait_for(lambda: [m for m in outbox(t, data, "sent") if m["recipient"] == "+4790000004"],
                  20)
    t.check(ok and ok[0]["attempts"] == 3, "sent on the third attempt: %r" % ok)
    prov.fail(count=1, status=400)
    t.cli_ok("send", "--survey", "chat-csat", "--channel", "sms", "--customers", "-",
             "--data", data, stdin=b"customer,phone\nhank,+4790000005\n")
    dead = wait_for(lambda: [m for m in outbox(t, data, "dead")
                             if m["recipient"] == "+4790000005"], 20)
    t.check(dead and dead[0]["attempts"] == 1, "a 400 is permanent: dead after one attempt")
    inv = db_query(data, "SELECT failed>0 FROM invitations WHERE customer='hank'")
    t.check_eq([(1,)], inv, "a permanent failure marks the invitation")
    prov.fail(count=3, status=None, delay=2.5)  # longer than the 1 s timeout
    t.cli_ok("send", "--survey", "chat-csat", "--channel", "sms", "--customers", "-",
             "--data", data, stdin=b"customer,phone\nida,+4790000006\n")
    dead = wait_for(lambda: [m for m in outbox(t, data, "dead")
                             if m["recipient"] == "+4790000006"], 30)
    t.check(dead and dead[0]["attempts"] == 3 and "time" in dead[0]["last_error"].lower(),
            "timeouts are retried up to --max-attempts, then dead: %r" % dead)
    if dead:
        t.cli_ok("outbox", "retry", str(dead[0]["id"]), "--data", data)
        ok = wait_for(lambda: [m for m in outbox(t, data, "sent")
                               if m["recipient"] == "+4790000006"], 20)
        t.check(ok, "`outbox retry` sends a dead message again")
    st, _, b = R(srv, "GET", "/api/v1/outbox?state=dead", key=admin)
    t.check(st == 200 and all(m["state"] == "dead" for m in json.loads(b)["messages"]),
            "GET /api/v1/outbox?state=dead")
    t.check("pw-123" not in b and "wa-token-1" not in b, "no secrets in the outbox API")

    t.section("alerts: a detractor fires a signed webhook and an email")
    st, _, b = body(t, srv, "POST", "/api/v1/alerts",
                    {"id": "detractors", "kind": "low_score", "metric": "nps",
                     "webhook_url": prov.url + "/hook/detractors", "email": "cx@acme.test",
                     "secret": HOOK_SECRET}, admin)
    t.check_eq(201, st, "alert created: %r" % b[:200])
    t.check("secret" not in json.loads(b), "a given secret is not echoed")
    prov.reset()
    nmail = len(smtp.messages())
    resp = {"id": "r-det-1", "customer": "jack", "time": iso(now), "metric": "nps", "score": 2,
            "comment": "Nobody called back"}
    st, _, _ = body(t, srv, "POST", "/api/v1/responses", resp, admin)
    hooks = wait_for(lambda: [m for m in prov.received() if m["path"].startswith("/hook/")], 20)
    t.check_eq(1, len(hooks), "one webhook")
    if hooks:
        h = hooks[0]
        raw = h.get("raw", "").encode()
        want = "sha256=" + hmac.new(HOOK_SECRET.encode(), raw, hashlib.sha256).hexdigest()
        t.check_eq(want, h["headers"].get("x-cxpulse-signature"), "the webhook is signed")
        t.check_eq("r-det-1", h["body"]["response"]["id"], "it names the response")
    mails = wait_for(lambda: smtp.messages()[nmail:], 20)
    t.check(mails and mails[0][0]["rcpt_tos"] == ["cx@acme.test"], "and an email to cx@acme.test")
    st, _, _ = body(t, srv, "POST", "/api/v1/responses",
                    dict(resp, id="r-pro-1", score=10), admin)
    time.sleep(1.0)
    t.check_eq(1, len([m for m in prov.received() if m["path"].startswith("/hook/")]),
               "a promoter fires nothing")

    t.section("alerts: a significant NPS drop against the previous week")
    rows = []
    for i in range(120):  # last week: promoters; this week: detractors
        rows.append({"id": "prev-%d" % i, "customer": "p%d" % i, "time": iso(now - 9 * 86400),
                     "metric": "nps", "score": 10})
        rows.append({"id": "cur-%d" % i, "customer": "c%d" % i, "time": iso(now - 86400),
                     "metric": "nps", "score": 3 if i % 3 else 9})
    nd = "\n".join(json.dumps(r) for r in rows).encode()
    prov.reset()
    t.cli_ok("trigger", "delete", "resolved-email", "--data", data)
    t.cli_ok("alert", "create", "--id", "nps-drop", "--kind", "metric_drop", "--metric", "nps",
             "--webhook", prov.url + "/hook/drop", "--secret", HOOK_SECRET, "--data", data)
    st, _, b = R(srv, "POST", "/api/v1/responses", nd, key=admin,
                           ctype="application/x-ndjson")
    t.check(st in (200, 201), "batch stored: %r" % b[:200])
    drop = wait_for(lambda: [m for m in prov.received() if m["path"] == "/hook/drop"], 20)
    t.check(drop and drop[0]["body"]["kind"] == "metric_drop"
            and drop[0]["body"]["diff"] < 0 and drop[0]["body"]["p_value"] < 0.05,
            "the drop alert fires with the change and p: %r" % (drop[0]["body"] if drop else None))
    time.sleep(2.5)
    t.check_eq(1, len([m for m in prov.received() if m["path"] == "/hook/drop"]),
               "and only once per window")

    t.section("chat endpoint: the same conversation for any bot")
    st, _, b = body(t, srv, "POST", "/api/v1/chat",
                    {"survey": "support-nps", "customer": "kim", "lang": "nb"}, admin)
    t.check_eq(201, st, "conversation started: %r" % b[:300])
    j = json.loads(b) if st == 201 else {}
    conv = j.get("conversation", "")
    t.check("anbefale" in " ".join(j.get("replies", [])), "the question in Norwegian: %r" % j)
    t.check_eq(11, len(j.get("options", [])), "11 options for NPS")
    st, _, b = body(t, srv, "POST", "/api/v1/chat", {"conversation": conv, "text": "ni"}, admin)
    j = json.loads(b)
    t.check(st == 200 and j.get("recorded") and not j.get("done"),
            "'ni' is 9 in Norwegian; the follow-up comes next: %r" % j)
    st, _, b = body(t, srv, "POST", "/api/v1/chat",
                    {"conversation": conv, "text": "Raskt svar"}, admin)
    j = json.loads(b)
    t.check(st == 200 and j.get("done"), "done after the follow-up: %r" % j)
    rows = db_query(data, "SELECT score, comment, channel FROM responses WHERE customer='kim'")
    t.check_eq([(9, "Raskt svar", "chat")], rows, "one chat response with its comment")
    st, _, b = body(t, srv, "POST", "/api/v1/chat", {"conversation": "x" * 43, "text": "1"},
                    admin)
    t.check_eq(404, st, "a forged conversation is refused")
    st, _, b = body(t, srv, "POST", "/api/v1/chat", {"survey": "support-nps"}, admin)
    t.check_eq(400, st, "a start without customer is refused")


if __name__ == "__main__":
    Test("channels", sys.argv[1]).run(main)
