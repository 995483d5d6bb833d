#!/usr/bin/env python3
"""smtp_sink.py - a real SMTP server (aiosmtpd) that stores every message.

Each accepted message is written to DIR as NNNN.eml (the data exactly as
received, CRLF line ends) with NNNN.json beside it: {"mail_from", "rcpt_tos",
"auth_user", "peer", "time"}. The .json is written last, so a test that sees
it can read the .eml.

  smtp_sink.py --port 0 --port-file F --dir D [--user U --password P]
               [--fail-rcpt ADDR:550]...

--user/--password turn on AUTH LOGIN/PLAIN (allowed without TLS: loopback
tests) and make it required. --fail-rcpt makes RCPT TO of that address fail
with that code (5xx: permanent, 4xx: temporary). Needs python3-aiosmtpd.
"""

import argparse
import itertools
import json
import logging
import os
import signal
import socket
import threading
import time
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Sink:
    def __init__(self, directory, fail_rcpt):
        self.dir = directory
        self.fail_rcpt = fail_rcpt
        self.counter = itertools.count(1)
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        code = self.fail_rcpt.get(address.lower())
        if code:
            text = "mailbox unavailable" if code >= 500 else "try again later"
            return f"{code} {'5.1.1' if code >= 500 else '4.2.0'} <{address}>: {text}"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            n = next(self.counter)
        base = os.path.join(self.dir, f"{n:04d}")
        data = envelope.original_content or envelope.content
        if isinstance(data, str):
            data = data.encode("utf-8")
        with open(base + ".eml.tmp", "wb") as f:
            f.write(data)
        os.replace(base + ".eml.tmp", base + ".eml")
        meta = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "auth_user": getattr(session, "auth_data", None),
            "peer": list(session.peer) if session.peer else None,
            "time": time.time(),
        }
        with open(base + ".json.tmp", "w") as f:
            json.dump(meta, f)
        os.replace(base + ".json.tmp", base + ".json")
        return "250 Message accepted for delivery"


def make_authenticator(user, password):
    def authenticator(server, session, envelope, mechanism, auth_data):
        if mechanism not in ("LOGIN", "PLAIN") or not isinstance(auth_data, LoginPassword):
            return AuthResult(success=False, handled=False)
        ok = auth_data.login.decode() == user and auth_data.password.decode() == password
        return AuthResult(success=ok, handled=False, auth_data=user if ok else None)

    return authenticator


def free_port(host):
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--dir", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--fail-rcpt", action="append", default=[], metavar="ADDR:CODE")
    opts = ap.parse_args()
    # loopback AUTH without TLS is what this sink is for; keep the log quiet
    warnings.filterwarnings("ignore")
    logging.getLogger("mail.log").setLevel(logging.ERROR)
    os.makedirs(opts.dir, exist_ok=True)
    fail = {}
    for item in opts.fail_rcpt:
        addr, _, code = item.rpartition(":")
        fail[addr.lower()] = int(code)
    kwargs = {}
    if opts.user is not None:
        kwargs.update(authenticator=make_authenticator(opts.user, opts.password or ""),
                      auth_require_tls=False, auth_required=True)
    # aiosmtpd's Controller connects to its own port to check it is up, so
    # port 0 is resolved to a free port first.
    port = opts.port or free_port(opts.host)
    ctl = Controller(Sink(opts.dir, fail), hostname=opts.host, port=port,
                     data_size_limit=10 * 1024 * 1024, **kwargs)
    ctl.start()
    if opts.port_file:
        with open(opts.port_file + ".tmp", "w") as f:
            f.write(f"{port}\n")
        os.replace(opts.port_file + ".tmp", opts.port_file)
    else:
        print(port, flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    while not stop.wait(0.5):
        pass
    ctl.stop()


if __name__ == "__main__":
    main()
