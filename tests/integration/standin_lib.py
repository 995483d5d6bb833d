"""standin_lib.py - helpers for Python integration tests of the channels.

* Standin / SmtpSink: start and stop tests/integration/standin.py and
  smtp_sink.py on free loopback ports, talk to the stand-in's control API.
* WhatsApp webhook bodies exactly as Meta sends them (object
  whatsapp_business_account, entry[].changes[].value with messaging_product,
  metadata, contacts, messages / statuses) and sign_wa(app_secret, raw_body).
* SMS webhook bodies in Twilio's form encoding (inbound messages and status
  callbacks) and sign_sms(secret, raw_body) for X-Cxpulse-Signature.
"""

import hashlib
import hmac
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))


def _python_for_aiosmtpd():
    """The Debian python3 has python3-aiosmtpd; a pyenv one may not."""
    for cand in (os.environ.get("CX_PYTHON"), "/usr/bin/python3", sys.executable):
        if cand and os.access(cand, os.X_OK):
            probe = subprocess.run([cand, "-c", "import aiosmtpd"], capture_output=True)
            if probe.returncode == 0:
                return cand
    raise RuntimeError("no python3 with aiosmtpd (apt-get install python3-aiosmtpd)")


def _wait_port(proc, port_file, timeout=15.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{proc.args[1]} exited with {proc.returncode}")
        try:
            with open(port_file) as f:
                text = f.read().strip()
            if text:
                return int(text)
        except FileNotFoundError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError(f"{proc.args[1]} did not start")


class Standin:
    """The provider stand-in: s = Standin(wa_token="T"); s.url; s.received()."""

    def __init__(self, wa_token="test-token", sms_auth="", twilio_token=""):
        self.tmp = tempfile.mkdtemp(prefix="cx-standin-")
        port_file = os.path.join(self.tmp, "port")
        args = [sys.executable, os.path.join(HERE, "standin.py"), "--port", "0",
                "--port-file", port_file, "--wa-token", wa_token]
        if sms_auth:
            args += ["--sms-auth", sms_auth]
        if twilio_token:
            args += ["--twilio-token", twilio_token]
        self.proc = subprocess.Popen(args)
        self.port = _wait_port(self.proc, port_file)
        self.url = f"http://127.0.0.1:{self.port}"

    def _call(self, method, path, obj=None):
        data = json.dumps(obj).encode() if obj is not None else None
        req = urllib.request.Request(self.url + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def received(self):
        return self._call("GET", "/_control/received")

    def fail(self, count=1, status=500, delay=0.0):
        plan = {"count": count, "delay": delay}
        if status is not None:
            plan["status"] = status
        return self._call("POST", "/_control/fail", plan)

    def reset(self):
        return self._call("POST", "/_control/reset", {})

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


class SmtpSink:
    """The SMTP sink: m = SmtpSink(user="u", password="p"); m.messages()."""

    def __init__(self, user=None, password=None, fail_rcpt=()):
        self.tmp = tempfile.mkdtemp(prefix="cx-smtp-")
        self.dir = os.path.join(self.tmp, "mail")
        port_file = os.path.join(self.tmp, "port")
        args = [_python_for_aiosmtpd(), os.path.join(HERE, "smtp_sink.py"), "--port", "0",
                "--port-file", port_file, "--dir", self.dir]
        if user is not None:
            args += ["--user", user, "--password", password or ""]
        for item in fail_rcpt:
            args += ["--fail-rcpt", item]
        self.proc = subprocess.Popen(args)
        self.port = _wait_port(self.proc, port_file)
        self.url = f"smtp://127.0.0.1:{self.port}"

    def messages(self):
        """[(meta dict, raw bytes)] in arrival order."""
        out = []
        if not os.path.isdir(self.dir):
            return out
        for name in sorted(os.listdir(self.dir)):
            if name.endswith(".json"):
                base = os.path.join(self.dir, name[:-5])
                with open(base + ".json") as f:
                    meta = json.load(f)
                with open(base + ".eml", "rb") as f:
                    out.append((meta, f.read()))
        return out

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


# ---- WhatsApp webhooks -------------------------------------------------------


def _wamid():
    return "wamid." + secrets.token_urlsafe(24)


def _ts(ts):
    return str(int(ts if ts is not None else time.time()))


def wa_text(from_, text, msg_id=None, ts=None):
    return {"from": from_, "id": msg_id or _wamid(), "timestamp": _ts(ts), "type": "text",
            "text": {"body": text}}


def wa_button_reply(from_, reply_id, title, msg_id=None, ts=None, context_id=None):
    m = {"from": from_, "id": msg_id or _wamid(), "timestamp": _ts(ts), "type": "interactive",
         "interactive": {"type": "button_reply",
                         "button_reply": {"id": reply_id, "title": title}}}
    if context_id:
        m["context"] = {"from": "15550001111", "id": context_id}
    return m


def wa_list_reply(from_, reply_id, title, description=None, msg_id=None, ts=None):
    reply = {"id": reply_id, "title": title}
    if description is not None:
        reply["description"] = description
    return {"from": from_, "id": msg_id or _wamid(), "timestamp": _ts(ts),
            "type": "interactive", "interactive": {"type": "list_reply", "list_reply": reply}}


def wa_quick_reply(from_, text, payload, msg_id=None, ts=None, context_id=None):
    """A template quick-reply button press (type "button")."""
    return {"context": {"from": "15550001111", "id": context_id or _wamid()}, "from": from_,
            "id": msg_id or _wamid(), "timestamp": _ts(ts), "type": "button",
            "button": {"text": text, "payload": payload}}


def wa_status(msg_id, status, recipient, ts=None, error=None):
    """status: sent, delivered, read or failed (failed carries errors[])."""
    s = {"id": msg_id, "status": status, "timestamp": _ts(ts), "recipient_id": recipient}
    if status in ("sent", "delivered"):
        s["conversation"] = {"id": secrets.token_hex(16), "origin": {"type": "utility"}}
        s["pricing"] = {"billable": True, "pricing_model": "CBP", "category": "utility"}
    if status == "failed":
        s["errors"] = [error or {"code": 131026, "title": "Message undeliverable",
                                 "message": "Message undeliverable",
                                 "error_data": {"details": "Message Undeliverable."}}]
    return s


def wa_webhook(messages=(), statuses=(), phone_number_id="106540352242922",
               display_phone_number="15550001111", waba_id="102290129340398",
               contact_name="Customer"):
    """The whole webhook body Meta POSTs, as a dict (json.dumps it to send)."""
    value = {"messaging_product": "whatsapp",
             "metadata": {"display_phone_number": display_phone_number,
                          "phone_number_id": phone_number_id}}
    if messages:
        value["contacts"] = [{"profile": {"name": contact_name}, "wa_id": m["from"]}
                             for m in messages]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    return {"object": "whatsapp_business_account",
            "entry": [{"id": waba_id, "changes": [{"value": value, "field": "messages"}]}]}


def wa_body(**kw):
    """wa_webhook(...) serialised the way Meta does (compact JSON bytes)."""
    return json.dumps(wa_webhook(**kw), separators=(",", ":")).encode()


def sign_wa(app_secret, raw_body):
    """The X-Hub-Signature-256 header value Meta sends: sha256=<hex>."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode()
    return "sha256=" + hmac.new(app_secret.encode(), raw_body, hashlib.sha256).hexdigest()


# ---- SMS webhooks --------------------------------------------------------------


def sms_inbound_form(from_, to, body, sid=None, account_sid="AC" + "0" * 32):
    """A Twilio inbound-message webhook body (form encoded bytes)."""
    sid = sid or "SM" + secrets.token_hex(16)
    fields = [("ToCountry", "DE"), ("SmsMessageSid", sid), ("NumMedia", "0"),
              ("SmsSid", sid), ("SmsStatus", "received"), ("Body", body), ("To", to),
              ("NumSegments", "1"), ("MessageSid", sid), ("AccountSid", account_sid),
              ("From", from_), ("ApiVersion", "2010-04-01")]
    return urllib.parse.urlencode(fields).encode()


def sms_status_form(sid, status, to, from_="+15550001111", account_sid="AC" + "0" * 32):
    """A Twilio status callback body: MessageStatus queued/sent/delivered/undelivered/failed."""
    fields = [("SmsSid", sid), ("SmsStatus", status), ("MessageStatus", status), ("To", to),
              ("MessageSid", sid), ("AccountSid", account_sid), ("From", from_),
              ("ApiVersion", "2010-04-01")]
    if status in ("failed", "undelivered"):
        fields.append(("ErrorCode", "30003"))
    return urllib.parse.urlencode(fields).encode()


def sms_inbound_json(from_, to, text, msg_id=None):
    return json.dumps({"from": from_, "to": to, "text": text,
                       "id": msg_id or secrets.token_hex(8)}).encode()


def sign_sms(secret, raw_body):
    """The X-Cxpulse-Signature header value: sha256=<hex HMAC-SHA256(secret, body)>."""
    if isinstance(raw_body, str):
        raw_body = raw_body.encode()
    return "sha256=" + hmac.new(secret.encode(), raw_body, hashlib.sha256).hexdigest()
