#!/usr/bin/env python3
"""HTML form helpers for bench/dashboard/run.sh (standard library only).

usage: forms.py LOGIN.html USER PASSWORD   the login form's body, URL-encoded:
                                           its hidden fields, USER in the first
                                           text field, PASSWORD in the password one
       forms.py --action LOGIN.html        the login form's action (default /login)
       forms.py --period PAGE.html         "FROM TO" from the filter form
                                           (inputs named from and to)
"""
import html.parser
import sys
import urllib.parse


class Forms(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.forms = []  # [{"action": str, "inputs": [attrs...]}]
        self.cur = None

    def handle_starttag(self, tag, attrs):
        a = {k: (v or "") for k, v in attrs}
        if tag == "form":
            self.cur = {"action": a.get("action", ""), "method": a.get("method", "get").lower(),
                        "inputs": []}
            self.forms.append(self.cur)
        elif tag in ("input", "select", "textarea") and self.cur is not None:
            a["_tag"] = tag
            self.cur["inputs"].append(a)

    def handle_endtag(self, tag):
        if tag == "form":
            self.cur = None


def parse(path):
    p = Forms()
    with open(path, encoding="utf-8", errors="replace") as f:
        p.feed(f.read())
    return p.forms


def login_form(forms):
    for f in forms:
        if any(i.get("type") == "password" for i in f["inputs"]):
            return f
    sys.exit("forms.py: no form with a password field")


def main():
    a = sys.argv[1:]
    if len(a) == 2 and a[0] == "--action":
        print(login_form(parse(a[1]))["action"] or "/login")
    elif len(a) == 2 and a[0] == "--period":
        for f in parse(a[1]):
            v = {i.get("name"): i.get("value", "") for i in f["inputs"]}
            if v.get("from") and v.get("to"):
                print(v["from"], v["to"])
                return
        sys.exit("forms.py: no filter form with from and to")
    elif len(a) == 3:
        f = login_form(parse(a[0]))
        fields, user_done = [], False
        for i in f["inputs"]:
            name, typ = i.get("name"), i.get("type", "text")
            if not name:
                continue
            if typ == "hidden":
                fields.append((name, i.get("value", "")))
            elif typ == "password":
                fields.append((name, a[2]))
            elif typ in ("text", "email", "") and i["_tag"] == "input" and not user_done:
                fields.append((name, a[1]))
                user_done = True
        print(urllib.parse.urlencode(fields))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
