"""dashboard_background.py - slow dashboard views are computed off the
request: a view nobody asked for yet answers at once with a page that says
so and reloads itself, then shows the numbers; the default views are ready
after the start-up warm-up.

    python3 dashboard_background.py PATH_TO_CXPULSE
"""

import http.client
import os
import re
import sys
import time
import urllib.parse

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import Test  # noqa: E402

PW = "background pass 123"


def main(t):
    data = os.path.join(t.tmp, "d")
    t.cli_ok("demo", "--data", data, "--customers", "1500", timeout=300)
    t.cli_ok("user", "create", "vw", "--role", "viewer", "--password-stdin", "--data", data,
             stdin=(PW + "\n").encode())
    srv = t.start_server(data, "--dashboard-refresh", "600")

    st, h, b = srv.request("GET", "/login")
    login_ck = re.search(r"cxlogin=([0-9a-f]+)", h.get("set-cookie", ""))
    csrf = re.search(rb'name="csrf" value="([0-9a-f]+)"', b)
    if not (login_ck and csrf):
        t.fatal("no login form: %r %r" % (h.get("set-cookie"), b[:300]))
    form = urllib.parse.urlencode({"name": "vw", "password": PW,
                                   "csrf": csrf.group(1).decode(), "next": "/"})
    c = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
    c.request("POST", "/login", body=form,
              headers={"Content-Type": "application/x-www-form-urlencoded",
                       "Cookie": "cxlogin=" + login_ck.group(1)})
    r = c.getresponse()
    r.read()
    st = r.status
    cookies = " ".join(v for k, v in r.getheaders() if k.lower() == "set-cookie")
    c.close()
    sid = re.search(r"cxsid=([0-9a-f]+)", cookies)
    t.check(st == 303 and sid, "signed in: %r" % st)
    if not sid:
        return
    cookie = {"Cookie": "cxsid=" + sid.group(1)}

    def get(path):
        t0 = time.monotonic()
        st, h, b = srv.request("GET", path, headers=cookie, timeout=60)
        return st, b.decode("utf-8", "replace"), time.monotonic() - t0

    for path, ready in (("/operations?from=2025-01-01&to=2025-06-30",
                         'data-metric="call_abandonment"'),
                        ("/issues?from=2025-01-01&to=2025-06-30", "<table"),
                        ("/drivers?from=2025-01-01&to=2025-06-30&metric=ces", "<table"),
                        ("/trends?from=2025-01-01&to=2025-06-30&attr=plan&val=Plus", "<svg")):
        t.section(path)
        st, body, took = get(path)
        t.check(st == 200, "%s: 200, got %r" % (path, st))
        pending = 'http-equiv="refresh"' in body
        t.check(pending and 'role="status"' in body and "<h1>" in body,
                "%s: first answer says it is being computed and reloads itself" % path)
        print("  first answer after %.3f s" % took)  # information, not a check
        end = time.monotonic() + 120
        while pending and time.monotonic() < end:
            time.sleep(0.5)
            st, body, _ = get(path)
            pending = 'http-equiv="refresh"' in body
        t.check(not pending and ready in body, "%s: then the numbers (%s)" % (path, ready))

    t.section("the default views are ready after the warm-up")
    for path in ("/operations", "/issues", "/drivers"):
        end = time.monotonic() + 120
        while True:
            st, body, _ = get(path)
            if 'http-equiv="refresh"' not in body or time.monotonic() > end:
                break
            time.sleep(0.5)
        t.check(st == 200 and 'http-equiv="refresh"' not in body,
                "%s: computed by the warm-up" % path)


if __name__ == "__main__":
    Test("dashboard_background", sys.argv[1]).run(main)
