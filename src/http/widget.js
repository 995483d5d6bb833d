/* cxpulse survey widget: a small dependency-free script a website includes
 * to show one survey question in the page (channels web and in_app).
 *
 *   <div id="cxpulse-survey"></div>
 *   <script src="https://cx.example.com/widget.js" data-survey="web-csat"
 *           data-key="cxp_..." data-customer="c123" data-lang="nb"
 *           data-channel="web" data-touchpoint="checkout"></script>
 *
 * data-key is a public key from `cxpulse key create --scope answer --survey ID`:
 * it can only read this survey's form and answer it. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) return;
  var d = script.dataset;
  var base = d.api || script.src.replace(/\/widget\.js(\?.*)?$/, "");
  var survey = d.survey, key = d.key, customer = d.customer;
  if (!survey || !key || !customer) return;
  var host = document.getElementById(d.target || "cxpulse-survey");
  if (!host) {
    host = document.createElement("div");
    script.parentNode.insertBefore(host, script.nextSibling);
  }
  var auth = { Authorization: "Bearer " + key };

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) e.setAttribute(k, attrs[k]);
    if (text != null) e.textContent = text;
    return e;
  }

  /* A small stylesheet scoped to .cxp: phone-sized tap targets (44 px), the
   * label next to its radio, a visible focus ring. Injected once; a host page
   * whose CSP forbids inline styles still gets a usable unstyled form. */
  var CSS = ".cxp{max-width:40rem}.cxp fieldset{border:0;margin:0;padding:0;min-width:0}" +
    ".cxp legend{padding:0;margin-bottom:.75rem;font-weight:600}" +
    ".cxp-opts{display:flex;flex-wrap:wrap;gap:.4rem}.cxp-opt{position:relative}" +
    ".cxp-opt input{position:absolute;opacity:0;width:1px;height:1px;margin:0}" +
    ".cxp-opt label{display:flex;align-items:center;justify-content:center;box-sizing:border-box;" +
    "min-width:2.75rem;min-height:2.75rem;padding:.3rem .6rem;border:2px solid #5a5f6a;" +
    "border-radius:8px;background:#fff;color:#1a1a1a;cursor:pointer;font-weight:600}" +
    ".cxp-opt input:checked+label{background:#1846b8;border-color:#1846b8;color:#fff}" +
    ".cxp-opt input:focus-visible+label,.cxp button:focus-visible,.cxp textarea:focus-visible" +
    "{outline:3px solid #b35900;outline-offset:2px}" +
    ".cxp-ends{color:#474c55;font-size:.9em;margin:.5rem 0 0}" +
    ".cxp>label{display:block;font-weight:600;margin:1rem 0 .4rem}" +
    ".cxp textarea{display:block;box-sizing:border-box;width:100%;font:inherit;padding:.6rem;" +
    "border:2px solid #5a5f6a;border-radius:8px;background:#fff;color:#1a1a1a}" +
    ".cxp button{font:inherit;font-weight:600;min-height:2.75rem;margin-top:1rem;" +
    "padding:.6rem 1.4rem;border-radius:8px;border:2px solid #1846b8;background:#1846b8;" +
    "color:#fff;cursor:pointer}";
  if (!document.getElementById("cxp-style"))
    (document.head || document.documentElement).appendChild(el("style", { id: "cxp-style" }, CSS));

  function render(f) {
    host.textContent = "";
    var form = el("form", { "class": "cxp", dir: f.dir, lang: f.lang });
    var fs = el("fieldset", {});
    fs.appendChild(el("legend", {}, f.question));
    var opts = el("div", { "class": "cxp-opts" });
    f.options.forEach(function (o) {
      var id = "cxp-" + survey + "-" + o.value;
      var input = el("input", { type: "radio", name: "answer", id: id, value: String(o.value) });
      var label = el("label", { "for": id, "aria-label": o.aria }, o.label);
      var w = el("span", { "class": "cxp-opt" });
      w.appendChild(input);
      w.appendChild(label);
      opts.appendChild(w);
    });
    fs.appendChild(opts);
    if (f.low_label || f.high_label)
      fs.appendChild(el("p", { "class": "cxp-ends", "aria-hidden": "true" }, f.low_label + " … " + f.high_label));
    form.appendChild(fs);
    if (f.followup) {
      var tid = "cxp-" + survey + "-comment";
      form.appendChild(el("label", { "for": tid }, f.followup));
      form.appendChild(el("textarea", { id: tid, name: "comment", rows: "3", placeholder: f.placeholder }));
    }
    var status = el("p", { role: "status", "aria-live": "polite" });
    form.appendChild(el("button", { type: "submit" }, f.submit));
    form.appendChild(status);
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var chosen = form.querySelector("input[name=answer]:checked");
      if (!chosen) return;
      var body = {
        customer: customer, answer: parseInt(chosen.value, 10), lang: f.lang,
        channel: d.channel === "in_app" ? "in_app" : "web"
      };
      var c = form.querySelector("textarea");
      if (c && c.value) body.comment = c.value;
      if (d.touchpoint) body.touchpoint = d.touchpoint;
      fetch(base + "/api/v1/surveys/" + encodeURIComponent(survey) + "/answers", {
        method: "POST", headers: Object.assign({ "Content-Type": "application/json" }, auth),
        body: JSON.stringify(body)
      }).then(function (r) {
        if (!r.ok) throw new Error(String(r.status));
        host.textContent = "";
        host.appendChild(el("p", { role: "status", dir: f.dir, lang: f.lang }, f.thanks));
      }).catch(function () { status.textContent = "!"; });
    });
    host.appendChild(form);
  }

  fetch(base + "/api/v1/surveys/" + encodeURIComponent(survey) + "/form?lang=" +
        encodeURIComponent(d.lang || navigator.language || "en"), { headers: auth })
    .then(function (r) { return r.ok ? r.json() : null; })
    .then(function (f) { if (f && !f.archived) render(f); });
})();
