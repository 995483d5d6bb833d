"""server_lib.py - helpers for the HTTP server integration tests
(tests/integration/server_*.py). Python 3 standard library only.

    t = Test("auth", sys.argv[1])       # scratch dir, removed at exit
    d, admin = t.new_data("d")          # cxpulse init; returns (dir, admin key)
    srv = t.start_server(d)             # cxpulse serve on 127.0.0.1:0
    st, hdrs, body = srv.request("GET", "/healthz")
    t.check(st == 200, "healthz answers 200, got %r" % st)
    t.finish()                          # stops servers, exits 0 or 1

Every check records a failure and goes on (so one run shows every broken
thing); t.finish() exits 1 if any check failed. Every server is stopped
(SIGTERM, then SIGKILL after a timeout) at exit, and a server that does not
exit 0 on SIGTERM, or whose stderr holds a sanitizer report, fails the test.
"""

import atexit
import http.client
import json
import os
import random
import re
import shutil
import signal
import socket
import string
import subprocess
import sys
import tempfile
import threading
import time

HOST = "127.0.0.1"
HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))

SANITIZER_MARKERS = ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:",
                     "WARNING: ThreadSanitizer", "SUMMARY: UndefinedBehaviorSanitizer")


class Fatal(Exception):
    """A failure after which the test cannot go on."""


class Server:
    def __init__(self, test, data, args, name):
        self.test = test
        self.data = data
        self.name = name
        self.log_path = os.path.join(test.tmp, name + ".access.log")
        self.err_path = os.path.join(test.tmp, name + ".stderr")
        self.out_path = os.path.join(test.tmp, name + ".stdout")
        cmd = [test.bin, "serve", "--data", data, "--listen", HOST + ":0",
               "--access-log", self.log_path] + list(args)
        self.cmd = cmd
        self.errf = open(self.err_path, "wb")
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.errf,
                                     stdin=subprocess.DEVNULL, env=test.env)
        self.port = None
        self.exit_code = None
        self.probes = []  # (status, body bytes) of the GET /healthz sent by wait_healthy
        self.first_line = self._read_first_line(15.0)
        m = re.match(r"^cxpulse \S+ listening on http://127\.0\.0\.1:(\d+) \(data (.*), (\d+) threads\)$",
                     self.first_line or "")
        if not m:
            self.kill()
            raise Fatal("server %s did not announce its port; first stdout line %r; stderr:\n%s"
                        % (name, self.first_line, self.stderr()[-2000:]))
        self.port = int(m.group(1))
        # keep draining stdout so the server never blocks on a full pipe
        self._drain = threading.Thread(target=self._drain_stdout, daemon=True)
        self._drain.start()
        try:
            self.wait_healthy(10.0)
        except Fatal:
            self.kill()
            raise

    def _read_first_line(self, timeout):
        box = {}

        def rd():
            box["line"] = self.proc.stdout.readline().decode("utf-8", "replace").rstrip("\n")

        th = threading.Thread(target=rd, daemon=True)
        th.start()
        th.join(timeout)
        return box.get("line")

    def _drain_stdout(self):
        try:
            with open(self.out_path, "wb") as f:
                for line in self.proc.stdout:
                    f.write(line)
        except (OSError, ValueError):
            pass

    def wait_healthy(self, timeout):
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            try:
                st, _, b = self.request("GET", "/healthz", timeout=2)
                self.probes.append((st, len(b)))
                if st == 200:
                    return
                last = st
            except OSError as e:
                last = e
            time.sleep(0.05)
        raise Fatal("server %s not healthy after %.0fs: %r" % (self.name, timeout, last))

    def request(self, method, path, body=None, key=None, ctype=None, headers=None, timeout=15,
                conn=None):
        """One request on a fresh connection (or on conn when given).
        Returns (status, {lower-case header: value}, body bytes)."""
        h = {}
        if key is not None:
            h["Authorization"] = "Bearer " + key
        if ctype is not None:
            h["Content-Type"] = ctype
        if headers:
            h.update(headers)
        if isinstance(body, str):
            body = body.encode("utf-8")
        own = conn is None
        c = conn or http.client.HTTPConnection(HOST, self.port, timeout=timeout)
        try:
            c.request(method, path, body=body, headers=h)
            r = c.getresponse()
            data = r.read()
            return r.status, {k.lower(): v for k, v in r.getheaders()}, data
        finally:
            if own:
                c.close()

    def get_json(self, path, key):
        st, h, b = self.request("GET", path, key=key)
        try:
            return st, json.loads(b)
        except ValueError:
            return st, None

    def stderr(self):
        try:
            with open(self.err_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def access_log_lines(self):
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace").splitlines()
        except OSError:
            return []

    def alive(self):
        return self.proc.poll() is None

    def terminate(self, timeout=10.0):
        """SIGTERM; returns (exit code, seconds taken); SIGKILL after timeout
        (exit code None then)."""
        if self.proc.poll() is not None:
            self.exit_code = self.proc.returncode
            return self.exit_code, 0.0
        t0 = time.monotonic()
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout)
            self.exit_code = self.proc.returncode
            took = time.monotonic() - t0
        except subprocess.TimeoutExpired:
            took = time.monotonic() - t0
            self.kill()
            self.exit_code = None
        self._close()
        return self.exit_code, took

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        self._close()

    def _close(self):
        try:
            self.errf.close()
        except OSError:
            pass

    def stop_and_check(self, timeout=10.0):
        """SIGTERM and check a clean exit (status 0, no sanitizer report)."""
        code, took = self.terminate(timeout)
        self.test.check(code == 0, "server %s: SIGTERM should exit 0 within %.0fs; got %r after "
                        "%.1fs; stderr tail:\n%s" % (self.name, timeout, code, took,
                                                      self.stderr()[-3000:]))
        self.check_sanitizers()
        return code, took

    def check_sanitizers(self):
        err = self.stderr()
        for m in SANITIZER_MARKERS:
            if m in err:
                i = err.index(m)
                self.test.check(False, "server %s: sanitizer report in stderr:\n%s"
                                % (self.name, err[max(0, i - 200):i + 4000]))
                break


class Test:
    def __init__(self, name, binary):
        if not binary or not os.access(binary, os.X_OK):
            print("usage: %s PATH_TO_CXPULSE_BINARY" % sys.argv[0], file=sys.stderr)
            sys.exit(2)
        self.name = name
        self.bin = os.path.abspath(binary)
        self.tmp = tempfile.mkdtemp(prefix="cxpulse-srv-%s." % name)
        self.failures = []
        self.nchecks = 0
        self.servers = []
        self.step = ""
        self.t0 = time.monotonic()
        env = dict(os.environ)
        for k in list(env):
            if k.startswith("CXPULSE_"):
                del env[k]
        env["LC_ALL"] = "C"
        # sanitizers: report leaks and fail hard when built with them
        env.setdefault("ASAN_OPTIONS", "detect_leaks=1:abort_on_error=0")
        env.setdefault("UBSAN_OPTIONS", "print_stacktrace=1:halt_on_error=1")
        self.env = env
        atexit.register(self._cleanup)
        # a test runner's SIGTERM (timeout) still stops the servers via atexit
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    # -- bookkeeping --

    def section(self, name):
        self.step = name
        print("[%5.1fs] %s" % (time.monotonic() - self.t0, name), flush=True)

    def check(self, cond, msg):
        self.nchecks += 1
        if not cond:
            full = "FAIL [%s]: %s" % (self.step, msg)
            self.failures.append(full)
            print(full, file=sys.stderr, flush=True)
        return bool(cond)

    def check_eq(self, expected, actual, msg):
        return self.check(expected == actual, "%s\n  expected: %r\n  actual:   %r"
                          % (msg, expected, actual))

    def fatal(self, msg):
        raise Fatal(msg)

    def finish(self):
        for s in self.servers:
            if s.alive():
                s.stop_and_check()
        took = time.monotonic() - self.t0
        if self.failures:
            print("%s: %d of %d checks failed (%.1fs)" % (self.name, len(self.failures),
                                                          self.nchecks, took), file=sys.stderr)
            sys.exit(1)
        print("%s: all %d checks passed (%.1fs)" % (self.name, self.nchecks, took))
        sys.exit(0)

    def run(self, body):
        """Runs body(self), turning Fatal and unexpected exceptions into a failure."""
        try:
            body(self)
        except Fatal as e:
            self.check(False, "fatal: %s" % e)
        except Exception:  # noqa: BLE001 - report any crash of the test itself
            import traceback
            self.check(False, "test crashed:\n" + traceback.format_exc())
        self.finish()

    def _cleanup(self):
        for s in self.servers:
            try:
                s.kill()
            except Exception:  # noqa: BLE001
                pass
        if os.environ.get("KEEP_TMP"):
            print("kept %s" % self.tmp, file=sys.stderr)
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the binary --

    def cli(self, *args, stdin=None, timeout=120):
        """Runs cxpulse ARGS; returns (exit status, stdout, stderr) as text."""
        p = subprocess.run([self.bin] + [str(a) for a in args], input=stdin,
                           capture_output=True, timeout=timeout, env=self.env)
        out = p.stdout.decode("utf-8", "replace")
        err = p.stderr.decode("utf-8", "replace")
        for m in SANITIZER_MARKERS:
            if m in err:
                self.check(False, "sanitizer report from `cxpulse %s`:\n%s"
                           % (" ".join(map(str, args)), err[:4000]))
                break
        return p.returncode, out, err

    def cli_ok(self, *args, **kw):
        rc, out, err = self.cli(*args, **kw)
        if rc != 0:
            raise Fatal("`cxpulse %s` exited %d:\n%s%s" % (" ".join(map(str, args)), rc,
                                                           out[-2000:], err[-2000:]))
        return out

    def new_data(self, name):
        d = os.path.join(self.tmp, name)
        out = self.cli_ok("init", "--data", d)
        last = out.strip().splitlines()[-1]
        m = re.match(r"^admin API key \(shown only once\): (\S+)$", last)
        if not m:
            raise Fatal("cannot find the admin key in init output: %r" % out)
        return d, m.group(1)

    def new_key(self, data, scope, name):
        out = self.cli_ok("key", "create", "--scope", scope, "--name", name, "--data", data)
        m = re.search(r"API key \(shown only once\): (\S+)\s*$", out)
        if not m:
            raise Fatal("cannot find the key in `key create` output: %r" % out)
        return m.group(1)

    def key_id(self, data, key):
        """The id of key (matched by its prefix in `key list`)."""
        prefix = key_prefix(key)
        out = self.cli_ok("key", "list", "--data", data)
        for line in out.splitlines()[1:]:
            if prefix in line.split():
                return line.split()[0]
        raise Fatal("key with prefix %s not in `key list`:\n%s" % (prefix, out))

    def start_server(self, data, *args, name=None):
        name = name or "srv%d" % (len(self.servers) + 1)
        s = Server(self, data, args, name)
        self.servers.append(s)
        return s

    def export_ids(self, data, kind):
        """Ids of every stored row of kind (responses|events), in export
        order (a list: duplicates would show)."""
        out = self.cli_ok("export", kind, "--format", "ndjson", "--data", data)
        ids = []
        for i, line in enumerate(out.splitlines()):
            if not line.strip():
                continue
            try:
                ids.append(json.loads(line)["id"])
            except (ValueError, KeyError):
                self.check(False, "export %s line %d is not a JSON object with an id: %r"
                           % (kind, i + 1, line[:200]))
        return ids

    def export_rows(self, data, kind):
        out = self.cli_ok("export", kind, "--format", "ndjson", "--data", data)
        return {r["id"]: r for r in (json.loads(l) for l in out.splitlines() if l.strip())}


# -- helpers --

def key_prefix(key):
    """cxp_PREFIX_SECRET -> cxp_PREFIX"""
    return key[:16]


def random_key():
    """A well-formed key that no store has issued."""
    alpha = string.ascii_letters + string.digits + "-_"
    return "cxp_%012x_%s" % (random.getrandbits(48), "".join(random.choice(alpha)
                                                              for _ in range(43)))


def error_of(body):
    """The {"code","message",...} object of an error body, or None."""
    try:
        j = json.loads(body)
    except (ValueError, TypeError):
        return None
    if not isinstance(j, dict) or not isinstance(j.get("error"), dict):
        return None
    e = j["error"]
    if not isinstance(e.get("code"), str) or not isinstance(e.get("message"), str):
        return None
    return e


def check_error(t, what, status, hdrs, body, want_status, want_code):
    """Checks status and a well-formed error body with code want_code."""
    ok = t.check(status == want_status, "%s: expected status %d, got %r; body %r"
                 % (what, want_status, status, body[:300]))
    e = error_of(body)
    t.check(e is not None, "%s: the body is not {\"error\":{\"code\":str,\"message\":str}}: %r"
            % (what, body[:300]))
    if e is not None:
        ok = t.check(e["code"] == want_code, "%s: error code should be %r, got %r"
                     % (what, want_code, e["code"])) and ok
        t.check(e["message"] != "", "%s: empty error message" % what)
    ctype = hdrs.get("content-type", "")
    t.check(ctype.startswith("application/json"), "%s: error Content-Type should be JSON, got %r"
            % (what, ctype))
    return e


def response_row(i, customer=None, score=None, metric="nps", **extra):
    r = {"id": i, "customer": customer or "cust-" + i, "time": "2026-03-02T10:00:00Z",
         "metric": metric, "score": 9 if score is None else score}
    r.update(extra)
    return r


def event_row(i, customer=None, typ="call.answered", **extra):
    r = {"id": i, "customer": customer or "cust-" + i, "time": "2026-03-02T10:00:00Z",
         "type": typ, "channel": "phone"}
    r.update(extra)
    return r


def ndjson(rows):
    return "".join(json.dumps(r) + "\n" for r in rows)


def wait_free_port_closed(port, timeout=5.0):
    """True once nothing accepts connections on port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        s = socket.socket()
        s.settimeout(0.5)
        try:
            s.connect((HOST, port))
        except OSError:
            return True
        finally:
            s.close()
        time.sleep(0.05)
    return False
