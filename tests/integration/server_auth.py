"""server_auth.py - the authentication and scope matrix of every route of
`cxpulse serve` (run by test_server_auth.sh as: python3 server_auth.py BIN).

Public routes answer without a key; every other route answers 401 to a
missing, malformed, unknown or revoked key, 403 to a key of the wrong scope
and does its work for the right scope or admin. Refused requests change
nothing, and no error body echoes a key.
"""

import base64
import json
import sys
import os

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from server_lib import (Test, check_error, event_row, random_key,  # noqa: E402
                        response_row)

SEQ = [0]


def uniq(prefix):
    SEQ[0] += 1
    return "%s-%04d" % (prefix, SEQ[0])


def main(t):
    t.section("setup: data, keys, server")
    d, admin = t.new_data("d")
    ingest = t.new_key(d, "ingest", "ingest-key")
    read = t.new_key(d, "read", "read-key")
    revoked_admin = t.new_key(d, "admin", "revoked-admin")
    revoked_read = t.new_key(d, "read", "revoked-read")
    revoked_ingest = t.new_key(d, "ingest", "revoked-ingest")
    for k in (revoked_admin, revoked_read, revoked_ingest):
        t.cli_ok("key", "revoke", t.key_id(d, k), "--data", d)
    srv = t.start_server(d)
    secrets = [admin, ingest, read, revoked_admin, revoked_read, revoked_ingest]

    def post(kind, key_or_headers, rid=None, headers=None):
        rid = rid or uniq(kind[0])
        row = response_row(rid, customer="cust-" + rid) if kind == "responses" else \
            event_row(rid, customer="cust-" + rid)
        h = dict(headers or {})
        key = None
        if isinstance(key_or_headers, dict):
            h.update(key_or_headers)
        else:
            key = key_or_headers
        st, hd, b = srv.request("POST", "/api/v1/" + kind, body=json.dumps(row), key=key,
                                ctype="application/json", headers=h)
        return rid, st, hd, b

    # a customer the read routes can find
    rid, st, _, b = post("responses", admin, rid="known")
    if st != 201:
        t.fatal("cannot store the first response: %r %r" % (st, b))
    known_customer = "cust-known"

    def make_customer():
        rid, st, _, b = post("responses", admin)
        t.check(st == 201, "setup POST for a customer to delete: %r %r" % (st, b))
        return "cust-" + rid

    # ---------------------------------------------------------------- public
    t.section("public routes need no key")
    for path in ("/healthz", "/api/v1/healthz"):
        st, h, b = srv.request("GET", path)
        t.check(st == 200, "GET %s without a key: expected 200, got %r %r" % (path, st, b))
        try:
            t.check(json.loads(b) == {"status": "ok"}, "GET %s body: %r" % (path, b))
        except ValueError:
            t.check(False, "GET %s: body is not JSON: %r" % (path, b))
    st, h, b = srv.request("GET", "/api/v1/openapi.json")
    t.check(st == 200, "GET /api/v1/openapi.json without a key: expected 200, got %r" % st)
    try:
        doc = json.loads(b)
        t.check("paths" in doc and "openapi" in doc, "openapi.json lacks openapi/paths")
    except ValueError:
        t.check(False, "openapi.json does not parse: %r" % b[:200])

    # ------------------------------------------------------------ protected
    # name -> (method, need, function(headers) -> (status, hdrs, body), right-scope status)
    routes = []

    def r_post(kind):
        def go(auth):
            rid, st, h, b = post(kind, auth)
            return st, h, b, rid
        return go

    def r_get(path):
        def go(auth):
            st, h, b = srv.request("GET", path, headers=auth)
            return st, h, b, None
        return go

    def r_delete_existing(auth):
        cust = make_customer()
        st, h, b = srv.request("DELETE", "/api/v1/customers/" + cust, headers=auth)
        return st, h, b, cust

    routes = [
        ("POST /api/v1/responses", "ingest", r_post("responses"), 201),
        ("POST /api/v1/events", "ingest", r_post("events"), 201),
        ("GET /api/v1/report", "read", r_get("/api/v1/report"), 200),
        ("GET /api/v1/customers/{known}", "read", r_get("/api/v1/customers/" + known_customer),
         200),
        ("GET /api/v1/customers/{unknown}", "read", r_get("/api/v1/customers/nobody-here"), 404),
        ("GET /metrics", "read", r_get("/metrics"), 200),
        ("DELETE /api/v1/customers/{existing}", "admin", r_delete_existing, 200),
        ("DELETE /api/v1/customers/{unknown}", "admin",
         lambda auth: srv.request("DELETE", "/api/v1/customers/nobody-here", headers=auth)
         + (None,), 404),
    ]

    same_prefix_wrong_secret = admin[:17] + ("A" if admin[17] != "A" else "B") + admin[18:]
    bad_auth = [
        ("no Authorization header", {}),
        ("empty Authorization header", {"Authorization": ""}),
        ("Basic x", {"Authorization": "Basic x"}),
        ("Basic with a valid key", {"Authorization": "Basic " + base64.b64encode(
            (admin + ":").encode()).decode()}),
        ("Token scheme", {"Authorization": "Token " + admin}),
        ("the bare key", {"Authorization": admin}),
        ("Bearer", {"Authorization": "Bearer"}),
        ("Bearer and a space", {"Authorization": "Bearer "}),
        ("Bearer and two spaces", {"Authorization": "Bearer  "}),
        ("Bearer without a space", {"Authorization": "Bearer" + admin}),
        ("Bearer KEY and more", {"Authorization": "Bearer " + admin + " x"}),
        ("Bearer KEYx", {"Authorization": "Bearer " + admin + "x"}),
        ("Bearer not-a-key", {"Authorization": "Bearer not-a-key"}),
        ("unknown well-formed key", {"Authorization": "Bearer " + random_key()}),
        ("known prefix, wrong secret", {"Authorization": "Bearer " + same_prefix_wrong_secret}),
        ("revoked admin key", {"Authorization": "Bearer " + revoked_admin}),
        ("revoked read key", {"Authorization": "Bearer " + revoked_read}),
        ("revoked ingest key", {"Authorization": "Bearer " + revoked_ingest}),
    ]
    refused_ids = []   # rows POSTed by refused requests: must not be stored
    kept_customers = []  # customers a refused DELETE must not have erased

    def no_secret_in(what, body):
        text = body.decode("utf-8", "replace")
        for k in secrets:
            if k[17:] in text:
                t.check(False, "%s: the response body echoes a key secret: %r" % (what, text))
                return

    t.section("401 for missing, malformed, unknown and revoked keys")
    for name, need, go, _ in routes:
        for aname, auth in bad_auth:
            st, h, b, extra = go(auth)
            what = "%s with %s" % (name, aname)
            check_error(t, what, st, h, b, 401, "unauthorized")
            no_secret_in(what, b)
            if name.startswith("POST"):
                refused_ids.append((name.split("/")[-1], extra))
            if name.startswith("DELETE") and extra:
                kept_customers.append(extra)

    t.section("403 for each wrong scope")
    scope_keys = {"ingest": ingest, "read": read, "admin": admin}
    for name, need, go, _ in routes:
        for scope, key in scope_keys.items():
            if scope == need or scope == "admin":
                continue
            st, h, b, extra = go({"Authorization": "Bearer " + key})
            what = "%s with a %s key (needs %s)" % (name, scope, need)
            e = check_error(t, what, st, h, b, 403, "forbidden")
            no_secret_in(what, b)
            if name.startswith("POST"):
                refused_ids.append((name.split("/")[-1], extra))
            if name.startswith("DELETE") and extra:
                kept_customers.append(extra)

    t.section("the right scope, and admin, are served")
    stored_ids = []
    for name, need, go, want in routes:
        for scope in sorted({need, "admin"}):
            st, h, b, extra = go({"Authorization": "Bearer " + scope_keys[scope]})
            what = "%s with a %s key" % (name, scope)
            if want >= 400:
                check_error(t, what, st, h, b, want, "not_found")
                continue
            t.check(st == want, "%s: expected %d, got %r %r" % (what, want, st, b[:300]))
            if name.startswith("POST"):
                try:
                    j = json.loads(b)
                    t.check(j == {"id": extra, "result": "inserted"},
                            "%s: body should be {id, result: inserted}: %r" % (what, j))
                except ValueError:
                    t.check(False, "%s: body is not JSON: %r" % (what, b))
                stored_ids.append((name.split("/")[-1], extra))
            elif name.startswith("DELETE"):
                try:
                    j = json.loads(b)
                except ValueError:
                    j = None
                t.check(j == {"customer": extra, "erased_responses": 1, "erased_events": 0},
                        "%s: body %r" % (what, b))
                st2, _, b2 = srv.request("GET", "/api/v1/customers/" + extra, key=read)
                t.check(st2 == 404, "%s: the customer should be gone, GET gave %r" % (what, st2))
            elif name == "GET /metrics":
                t.check(b"cxpulse_http_requests_total" in b, "%s: not the metrics text" % what)
            else:
                try:
                    json.loads(b)
                except ValueError:
                    t.check(False, "%s: body is not JSON: %r" % (what, b[:200]))

    t.section("keys created and revoked while the server runs")
    late = t.new_key(d, "read", "late-key")
    st, h, b = srv.request("GET", "/api/v1/report", key=late)
    t.check(st == 200, "a key created after the start works at once: got %r %r" % (st, b))
    t.cli_ok("key", "revoke", t.key_id(d, late), "--data", d)
    st, h, b = srv.request("GET", "/api/v1/report", key=late)
    check_error(t, "a key revoked while the server runs", st, h, b, 401, "unauthorized")
    late_admin = t.new_key(d, "admin", "late-admin")
    rid, st, h, b = post("responses", late_admin)
    t.check(st == 201, "a new admin key may ingest: got %r %r" % (st, b))
    stored_ids.append(("responses", rid))
    t.cli_ok("key", "revoke", t.key_id(d, late_admin), "--data", d)
    rid, st, h, b = post("responses", late_admin)
    check_error(t, "ingest with an admin key revoked while the server runs", st, h, b, 401,
                "unauthorized")
    refused_ids.append(("responses", rid))

    t.section("authentication comes before looking at the body")
    st, h, b = srv.request("POST", "/api/v1/responses", body="not json", ctype="text/plain")
    check_error(t, "unauthenticated POST with a bad body and Content-Type", st, h, b, 401,
                "unauthorized")
    st, h, b = srv.request("POST", "/api/v1/events", body="{", key=read,
                           ctype="application/json")
    check_error(t, "POST with a read key and a bad body", st, h, b, 403, "forbidden")

    srv.stop_and_check()

    t.section("refused requests changed nothing")
    have = {"responses": set(t.export_ids(d, "responses")),
            "events": set(t.export_ids(d, "events"))}
    for kind, rid in refused_ids:
        t.check(rid not in have[kind], "%s %s was stored by a refused request" % (kind, rid))
    for kind, rid in stored_ids:
        t.check(rid in have[kind], "%s %s was acknowledged but is not stored" % (kind, rid))
    rc, out, err = t.cli("customer", known_customer, "--format", "json", "--data", d)
    t.check(rc == 0, "customer %s must survive the refused requests" % known_customer)
    for cust in kept_customers:
        rc, out, err = t.cli("customer", cust, "--format", "json", "--data", d)
        t.check(rc == 0, "customer %s was erased by a refused DELETE" % cust)
    # 2 ingest routes x every bad header, + a read key on each, + the revoked admin
    t.check_eq((2 * len(bad_auth) + 3, len(bad_auth) + 2), (len(refused_ids), len(kept_customers)),
               "refused POSTs and DELETEs the matrix ran")


if __name__ == "__main__":
    Test("server_auth", sys.argv[1] if len(sys.argv) > 1 else "").run(main)
