#!/usr/bin/env python3
"""standin.py - a local stand-in for the HTTP providers cxpulse delivers to.

One threaded HTTP server (Python 3 stdlib only) that impersonates:

* the WhatsApp Business Cloud API: POST /{version}/{phone_number_id}/messages
  with "Authorization: Bearer TOKEN"; every documented field is checked
  strictly and a wrong one gets a Graph-style 400 naming it;
* a generic SMS gateway: POST /sms, JSON or form body, optional required
  Authorization header (--sms-auth);
* the Twilio Messages API: POST /2010-04-01/Accounts/{sid}/Messages.json with
  Basic auth and form fields To/From/Body, answering 201;
* an alert-webhook receiver: POST /hook/... records headers and raw body.

Control endpoints for tests:
  GET  /_control/received  JSON list of every provider request (path, method,
                           headers, parsed body, raw body, time, answered status)
  POST /_control/fail      {"count":N,"status":500|400|429,"delay":SECONDS}:
                           the next N provider requests sleep `delay` seconds
                           and then fail with `status` (or answer normally
                           when no status is given)
  POST /_control/reset     forget everything received and any planned failure

Usage: standin.py --port 0 --port-file FILE --wa-token T --sms-auth 'Bearer X'
"""

import argparse
import base64
import json
import os
import re
import secrets
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MAX_BODY = 1 << 20

# Cloud API limits, in characters.
WA_TEXT_MAX = 4096
WA_BODY_MAX = 1024
WA_BUTTONS_MAX = 3
WA_BUTTON_TITLE_MAX = 20
WA_BUTTON_ID_MAX = 256
WA_LIST_BUTTON_MAX = 20
WA_ROWS_MAX = 10
WA_SECTIONS_MAX = 10
WA_ROW_TITLE_MAX = 24
WA_ROW_ID_MAX = 200
WA_ROW_DESC_MAX = 72
WA_SECTION_TITLE_MAX = 24
WA_HEADER_TEXT_MAX = 60
WA_FOOTER_MAX = 60

PHONE_RE = re.compile(r"^\+?[0-9]{6,15}$")
E164_RE = re.compile(r"^\+[0-9]{6,15}$")
WA_PATH_RE = re.compile(r"^/(v[0-9]+\.[0-9]+)/([0-9]+)/messages$")
TWILIO_PATH_RE = re.compile(r"^/2010-04-01/Accounts/(AC[0-9a-zA-Z]{1,64})/Messages\.json$")


class Invalid(Exception):
    """A request field that the provider would refuse."""


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.received = []
        self.fail_count = 0
        self.fail_status = None
        self.fail_delay = 0.0

    def reset(self):
        with self.lock:
            self.received = []
            self.fail_count = 0
            self.fail_status = None
            self.fail_delay = 0.0

    def take_failure(self):
        """Returns (status or None, delay) for this request, consuming one."""
        with self.lock:
            if self.fail_count <= 0:
                return None, 0.0
            self.fail_count -= 1
            return self.fail_status, self.fail_delay


# ---- WhatsApp validation ---------------------------------------------------


def _only(obj, allowed, where):
    if not isinstance(obj, dict):
        raise Invalid(f"{where} must be an object")
    extra = sorted(set(obj) - set(allowed))
    if extra:
        raise Invalid(f"{where} has unknown field(s) {', '.join(extra)}")


def _text(obj, key, where, maxlen, minlen=1, required=True):
    if key not in obj:
        if required:
            raise Invalid(f"{where}.{key} is required")
        return None
    v = obj[key]
    if not isinstance(v, str):
        raise Invalid(f"{where}.{key} must be a string")
    if len(v) < minlen:
        raise Invalid(f"{where}.{key} must not be empty")
    if len(v) > maxlen:
        raise Invalid(f"{where}.{key} is {len(v)} characters, the limit is {maxlen}")
    return v


def _wa_header_footer(inter):
    if "header" in inter:
        h = inter["header"]
        _only(h, ["type", "text"], "interactive.header")
        if h.get("type") != "text":
            raise Invalid("interactive.header.type must be text")
        _text(h, "text", "interactive.header", WA_HEADER_TEXT_MAX)
    if "footer" in inter:
        _only(inter["footer"], ["text"], "interactive.footer")
        _text(inter["footer"], "text", "interactive.footer", WA_FOOTER_MAX)


def _wa_interactive(inter):
    _only(inter, ["type", "header", "body", "footer", "action"], "interactive")
    kind = inter.get("type")
    if kind not in ("button", "list"):
        raise Invalid("interactive.type must be button or list")
    _only(inter.get("body"), ["text"], "interactive.body")
    _text(inter["body"], "text", "interactive.body", WA_BODY_MAX)
    _wa_header_footer(inter)
    action = inter.get("action")
    if kind == "button":
        _only(action, ["buttons"], "interactive.action")
        buttons = action.get("buttons")
        if not isinstance(buttons, list) or not buttons:
            raise Invalid("interactive.action.buttons must be a non-empty array")
        if len(buttons) > WA_BUTTONS_MAX:
            raise Invalid(f"interactive.action.buttons has {len(buttons)} buttons, "
                          f"the limit is {WA_BUTTONS_MAX}")
        ids, titles = set(), set()
        for i, b in enumerate(buttons):
            where = f"interactive.action.buttons[{i}]"
            _only(b, ["type", "reply"], where)
            if b.get("type") != "reply":
                raise Invalid(f"{where}.type must be reply")
            _only(b.get("reply"), ["id", "title"], where + ".reply")
            bid = _text(b["reply"], "id", where + ".reply", WA_BUTTON_ID_MAX)
            title = _text(b["reply"], "title", where + ".reply", WA_BUTTON_TITLE_MAX)
            if bid in ids:
                raise Invalid(f"{where}.reply.id is not unique")
            if title in titles:
                raise Invalid(f"{where}.reply.title is not unique")
            ids.add(bid)
            titles.add(title)
    else:
        _only(action, ["button", "sections"], "interactive.action")
        _text(action, "button", "interactive.action", WA_LIST_BUTTON_MAX)
        sections = action.get("sections")
        if not isinstance(sections, list) or not sections:
            raise Invalid("interactive.action.sections must be a non-empty array")
        if len(sections) > WA_SECTIONS_MAX:
            raise Invalid(f"interactive.action.sections has {len(sections)} sections, "
                          f"the limit is {WA_SECTIONS_MAX}")
        total, ids = 0, set()
        for i, s in enumerate(sections):
            where = f"interactive.action.sections[{i}]"
            _only(s, ["title", "rows"], where)
            _text(s, "title", where, WA_SECTION_TITLE_MAX, required=len(sections) > 1)
            rows = s.get("rows")
            if not isinstance(rows, list) or not rows:
                raise Invalid(f"{where}.rows must be a non-empty array")
            for j, r in enumerate(rows):
                rw = f"{where}.rows[{j}]"
                _only(r, ["id", "title", "description"], rw)
                rid = _text(r, "id", rw, WA_ROW_ID_MAX)
                _text(r, "title", rw, WA_ROW_TITLE_MAX)
                _text(r, "description", rw, WA_ROW_DESC_MAX, minlen=0, required=False)
                if rid in ids:
                    raise Invalid(f"{rw}.id is not unique")
                ids.add(rid)
            total += len(rows)
        if total > WA_ROWS_MAX:
            raise Invalid(f"the list has {total} rows in total, the limit is {WA_ROWS_MAX}")


def _wa_template(tpl):
    _only(tpl, ["name", "language", "components"], "template")
    name = _text(tpl, "name", "template", 512)
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise Invalid("template.name must be lowercase letters, digits and _")
    lang = tpl.get("language")
    _only(lang, ["code", "policy"], "template.language")
    code = _text(lang, "code", "template.language", 15)
    if not re.fullmatch(r"[A-Za-z]{2,3}([_-][A-Za-z0-9]{2,8})?", code):
        raise Invalid("template.language.code is not a language code")
    if "policy" in lang and lang["policy"] != "deterministic":
        raise Invalid("template.language.policy must be deterministic")
    comps = tpl.get("components", [])
    if not isinstance(comps, list):
        raise Invalid("template.components must be an array")
    for i, c in enumerate(comps):
        where = f"template.components[{i}]"
        _only(c, ["type", "sub_type", "index", "parameters"], where)
        if c.get("type") not in ("header", "body", "button"):
            raise Invalid(f"{where}.type must be header, body or button")
        params = c.get("parameters", [])
        if not isinstance(params, list):
            raise Invalid(f"{where}.parameters must be an array")
        for j, p in enumerate(params):
            pw = f"{where}.parameters[{j}]"
            _only(p, ["type", "text"], pw)
            if p.get("type") != "text":
                raise Invalid(f"{pw}.type must be text")
            t = _text(p, "text", pw, 1024)
            if "\n" in t or "\t" in t or "    " in t:
                raise Invalid(f"{pw}.text must not hold new lines, tabs or 4 spaces in a row")


def validate_wa(msg):
    """Raises Invalid naming the first wrong field of a Cloud API message."""
    if not isinstance(msg, dict):
        raise Invalid("the request body must be a JSON object")
    _only(msg, ["messaging_product", "recipient_type", "to", "type", "text", "interactive",
                "template", "context", "biz_opaque_callback_data"], "message")
    if msg.get("messaging_product") != "whatsapp":
        raise Invalid("messaging_product must be whatsapp")
    if "recipient_type" in msg and msg["recipient_type"] != "individual":
        raise Invalid("recipient_type must be individual")
    to = msg.get("to")
    if not isinstance(to, str) or not PHONE_RE.match(to):
        raise Invalid("to must be a phone number")
    kind = msg.get("type", "text")
    if kind not in ("text", "interactive", "template"):
        raise Invalid(f"type {kind!r} is not supported here")
    for other in ("text", "interactive", "template"):
        if other != kind and other in msg:
            raise Invalid(f"{other} given for a message of type {kind}")
    if kind not in msg:
        raise Invalid(f"{kind} object is required for type {kind}")
    if kind == "text":
        _only(msg["text"], ["body", "preview_url"], "text")
        _text(msg["text"], "body", "text", WA_TEXT_MAX)
        if "preview_url" in msg["text"] and not isinstance(msg["text"]["preview_url"], bool):
            raise Invalid("text.preview_url must be a boolean")
    elif kind == "interactive":
        _wa_interactive(msg["interactive"])
    else:
        _wa_template(msg["template"])


# ---- the HTTP handler -------------------------------------------------------


def make_handler(state, opts):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "cxpulse-standin/1"

        def log_message(self, fmt, *args):  # quiet unless asked
            if opts.verbose:
                sys.stderr.write("standin: " + fmt % args + "\n")

        def reply(self, status, obj, extra_headers=None):
            data = json.dumps(obj).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra_headers or {}).items():
                self.send_header(k, v)
            try:
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up (timeout tests)

        def read_body(self):
            n = int(self.headers.get("Content-Length") or 0)
            if n < 0 or n > MAX_BODY:
                raise Invalid("body too large")
            return self.rfile.read(n) if n else b""

        def do_GET(self):
            if self.path == "/_control/received":
                with state.lock:
                    items = list(state.received)
                return self.reply(200, items)
            if self.path == "/_control/health":
                return self.reply(200, {"ok": True})
            self.reply(404, {"error": "not found"})

        def do_POST(self):
            try:
                raw = self.read_body()
            except (Invalid, ValueError):
                return self.reply(413, {"error": "body too large"})
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/_control/"):
                return self.control(path, raw)
            route = self.route(path)
            if route is None:
                return self.reply(404, {"error": f"no such endpoint {path}"})
            record = self.record(path, raw)
            status, delay = state.take_failure()
            if delay:
                time.sleep(delay)
            if status is not None:
                record["status"] = status
                return self.reply(status, self.failure_body(route, status))
            code, body = getattr(self, "on_" + route[0])(raw, *route[1:])
            record["status"] = code
            self.reply(code, body)

        def control(self, path, raw):
            if path == "/_control/reset":
                state.reset()
                return self.reply(200, {"ok": True})
            if path == "/_control/fail":
                try:
                    plan = json.loads(raw or b"{}")
                    count = int(plan.get("count", 1))
                    status = plan.get("status")
                    status = int(status) if status is not None else None
                    delay = float(plan.get("delay", 0))
                except (ValueError, TypeError, AttributeError):
                    return self.reply(400, {"error": "bad failure plan"})
                with state.lock:
                    state.fail_count, state.fail_status, state.fail_delay = count, status, delay
                return self.reply(200, {"ok": True})
            self.reply(404, {"error": "no such control endpoint"})

        def route(self, path):
            m = WA_PATH_RE.match(path)
            if m:
                return ("wa", m.group(1), m.group(2))
            if path == "/sms":
                return ("sms",)
            m = TWILIO_PATH_RE.match(path)
            if m:
                return ("twilio", m.group(1))
            if path.startswith("/hook/") or path == "/hook":
                return ("hook",)
            return None

        def parsed_body(self, raw):
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            try:
                if ctype == "application/json":
                    return json.loads(raw.decode("utf-8"))
                if ctype == "application/x-www-form-urlencoded":
                    return dict(urllib.parse.parse_qsl(raw.decode("utf-8"),
                                                       keep_blank_values=True))
            except (ValueError, UnicodeDecodeError):
                return None
            return None

        def record(self, path, raw):
            item = {
                "path": path,
                "method": self.command,
                "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": self.parsed_body(raw),
                "raw": raw.decode("utf-8", "replace"),
                "time": time.time(),
                "status": None,
            }
            with state.lock:
                state.received.append(item)
            return item

        def failure_body(self, route, status):
            if route[0] == "wa":
                if status == 429:
                    return graph_error("(#130429) Rate limit hit", 130429, "OAuthException")
                if status >= 500:
                    return graph_error("An unexpected error has occurred. Please retry your "
                                       "request later.", 2, "OAuthException")
                return graph_error("(#100) Invalid parameter: injected failure", 100,
                                   "OAuthException")
            return {"error": "injected failure", "message": "injected failure",
                    "status": status}

        # WhatsApp Cloud API
        def on_wa(self, raw, version, phone_id):
            if self.headers.get("Authorization") != "Bearer " + opts.wa_token:
                return 401, graph_error("Invalid OAuth access token - Cannot parse access "
                                        "token", 190, "OAuthException")
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            if ctype != "application/json":
                return 400, graph_error("(#100) Content-Type must be application/json", 100,
                                        "OAuthException")
            try:
                msg = json.loads(raw.decode("utf-8"))
            except (ValueError, UnicodeDecodeError):
                return 400, graph_error("(#100) The request body is not valid JSON", 100,
                                        "OAuthException")
            try:
                validate_wa(msg)
            except Invalid as e:
                return 400, graph_error(f"(#100) Invalid parameter: {e}", 100,
                                        "OAuthException", details=str(e))
            to = msg["to"].lstrip("+")
            return 200, {
                "messaging_product": "whatsapp",
                "contacts": [{"input": msg["to"], "wa_id": to}],
                "messages": [{"id": "wamid." + base64.b64encode(
                    secrets.token_bytes(24)).decode()}],
            }

        # generic SMS gateway
        def on_sms(self, raw):
            if opts.sms_auth and self.headers.get("Authorization") != opts.sms_auth:
                return 401, {"error": "unauthorized"}
            body = self.parsed_body(raw)
            if not isinstance(body, dict):
                return 400, {"error": "body must be a JSON object or a form"}
            to, text = body.get("to"), body.get("text")
            if not isinstance(to, str) or not PHONE_RE.match(to):
                return 400, {"error": "to must be a phone number"}
            if not isinstance(text, str) or not text:
                return 400, {"error": "text is required"}
            if len(text) > 1600:
                return 400, {"error": "text is longer than 1600 characters"}
            return 200, {"id": "msg-" + secrets.token_hex(8), "status": "accepted"}

        # Twilio Messages API
        def on_twilio(self, raw, sid):
            auth = self.headers.get("Authorization") or ""
            ok = False
            if auth.startswith("Basic "):
                try:
                    user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
                    ok = user == sid and pw and (not opts.twilio_token or pw == opts.twilio_token)
                except (ValueError, UnicodeDecodeError):
                    ok = False
            if not ok:
                return 401, {"code": 20003, "message": "Authenticate", "status": 401,
                             "more_info": "https://www.twilio.com/docs/errors/20003"}
            ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
            form = self.parsed_body(raw)
            if ctype != "application/x-www-form-urlencoded" or not isinstance(form, dict):
                return 400, {"code": 21601, "message": "body must be form encoded",
                             "status": 400}
            to, frm, body = form.get("To"), form.get("From"), form.get("Body")
            if not to or not E164_RE.match(to):
                return 400, {"code": 21211, "status": 400,
                             "message": f"The 'To' number {to} is not a valid phone number.",
                             "more_info": "https://www.twilio.com/docs/errors/21211"}
            if not frm:
                return 400, {"code": 21603, "status": 400,
                             "message": "A 'From' phone number is required."}
            if not body:
                return 400, {"code": 21602, "status": 400,
                             "message": "Message body is required."}
            if len(body) > 1600:
                return 400, {"code": 21617, "status": 400,
                             "message": "The concatenated message body exceeds the 1600 "
                                        "character limit."}
            msid = "SM" + secrets.token_hex(16)
            now = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime())
            return 201, {"sid": msid, "account_sid": sid, "to": to, "from": frm, "body": body,
                         "status": "queued", "num_segments": "1", "direction": "outbound-api",
                         "api_version": "2010-04-01", "date_created": now,
                         "uri": f"/2010-04-01/Accounts/{sid}/Messages/{msid}.json"}

        # alert webhooks
        def on_hook(self, raw):
            return 200, {"ok": True}

    return Handler


def graph_error(message, code, etype, details=None):
    err = {"message": message, "type": etype, "code": code,
           "fbtrace_id": "A" + secrets.token_hex(10)}
    if details:
        err["error_data"] = {"messaging_product": "whatsapp", "details": details}
    return {"error": err}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--wa-token", default="test-token")
    ap.add_argument("--sms-auth", default="", help="required Authorization header for /sms")
    ap.add_argument("--twilio-token", default="", help="required Twilio auth token")
    ap.add_argument("--verbose", action="store_true")
    opts = ap.parse_args()
    state = State()
    server = ThreadingHTTPServer((opts.host, opts.port), make_handler(state, opts))
    server.daemon_threads = True
    port = server.server_address[1]
    if opts.port_file:
        tmp = opts.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, opts.port_file)
    else:
        print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
