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
