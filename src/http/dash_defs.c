/* dash_defs.c - the dashboard's definition pages: surveys (/surveys),
 * triggers (/triggers) and alerts (/alerts), listed, created and removed
 * through forms; changes are written through the server's writer thread. */
#include "http/dash_ui.h"

/* ------------------------------------------------------------------ */
/* definitions written through the writer                              */

enum def_op {
    OP_SURVEY_CREATE,
    OP_SURVEY_ARCHIVE,
    OP_TRIGGER_PUT,
    OP_TRIGGER_DELETE,
    OP_ALERT_PUT,
    OP_ALERT_DELETE
};

struct def_job {
    enum def_op op;
    const char *id, *json, *secret;
};

static int run_def_job(struct cx_store *s, void *arg, struct cx_err *err)
{
    struct def_job *j = arg;
    switch (j->op) {
    case OP_SURVEY_CREATE:
        return s->vt->survey_put(s, j->id, j->json, 1, err);
    case OP_SURVEY_ARCHIVE:
        return s->vt->survey_archive(s, j->id, err);
    case OP_TRIGGER_PUT:
        return s->vt->trigger_put(s, j->id, j->json, err);
    case OP_TRIGGER_DELETE:
        return s->vt->trigger_delete(s, j->id, err);
    case OP_ALERT_PUT:
        return s->vt->alert_put(s, j->id, j->json, j->secret, err);
    default:
        return s->vt->alert_delete(s, j->id, err);
    }
}

/* Runs j on the writer (durable when it returns CX_OK). */
static int submit_def(struct cx_dash_req *d, struct def_job *j, struct cx_err *err)
{
    return cx_dash_write(d, run_def_job, j, err);
}

/* A form's state: submitted values (NULL = empty) and the first error. */
#define FORM_MAX 10
struct form {
    const char *key[FORM_MAX], *val[FORM_MAX];
    size_t n;
    char field[32]; /* the field in error, "" for the whole form */
    char msg[600];
    int failed;
};

static const char *form_val(const struct form *f, const char *key)
{
    for (size_t i = 0; i < f->n; i++)
        if (!strcmp(f->key[i], key)) return f->val[i];
    return NULL;
}

/* Reads the POSTed fields keys[] into f. */
static void form_read(struct cx_dash_req *d, struct form *f, const char *const *keys)
{
    memset(f, 0, sizeof *f);
    for (; f->n < FORM_MAX && keys[f->n]; f->n++) {
        f->key[f->n] = keys[f->n];
        const char *v = cx_dash_field(d, keys[f->n]);
        f->val[f->n] = v && *v ? v : NULL;
    }
}

static int form_fail(struct form *f, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int form_fail(struct form *f, const char *field, const char *fmt, ...)
{
    if (f->failed) return -1;
    f->failed = 1;
    snprintf(f->field, sizeof f->field, "%s", field);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->msg, sizeof f->msg, fmt, ap);
    va_end(ap);
    return -1;
}

/* The error summary at the top of a form (role=alert, linking the field). */
static void form_errors(struct cx_html *h, const char *form_id, const struct form *f)
{
    if (!f || !f->failed) return;
    put_wrap(h, "<div class=\"error-summary\" role=\"alert\"><h3>", T_("The form has an error"),
             "</h3><p>");
    if (f->field[0]) {
        cx_html_printf(h, "<a href=\"#%s-%s\">", form_id, f->field);
        cx_html_esc(h, f->field);
        cx_html_raw(h, "</a>: ");
    }
    cx_html_esc(h, f->msg);
    cx_html_raw(h, "</p></div>");
}

/* Attributes of the input named key of form form_id: id, name, value
 * (with_value), and the hint (has_hint) and error message it is described
 * by, with aria-invalid on error. */
static void input_attrs(struct cx_html *h, const char *form_id, const struct form *f,
                        const char *key, int with_value, int has_hint)
{
    cx_html_printf(h, " id=\"%s-%s\" name=\"%s\"", form_id, key, key);
    const char *v = f ? form_val(f, key) : NULL;
    if (with_value && v) {
        cx_html_raw(h, " value=\"");
        cx_html_esc(h, v);
        cx_html_raw(h, "\"");
    }
    int bad = f && f->failed && !strcmp(f->field, key);
    if (bad) cx_html_raw(h, " aria-invalid=\"true\"");
    if (bad || has_hint) {
        cx_html_raw(h, " aria-describedby=\"");
        if (has_hint) cx_html_printf(h, "%s-%s-hint", form_id, key);
        if (bad) cx_html_printf(h, "%s%s-%s-error", has_hint ? " " : "", form_id, key);
        cx_html_raw(h, "\"");
    }
}

static void field_error(struct cx_html *h, const char *form_id, const struct form *f,
                        const char *key)
{
    if (!f || !f->failed || strcmp(f->field, key)) return;
    cx_html_printf(h, "<p class=\"error\" id=\"%s-%s-error\">", form_id, key);
    cx_html_esc(h, f->msg);
    cx_html_raw(h, "</p>");
}

/* <div><label>..</label><input ...> <small>hint</small> error</div> */
static void text_input(struct cx_html *h, const char *form_id, const struct form *f,
                       const char *key, const char *label, const char *type, const char *extra,
                       const char *hint)
{
    cx_html_printf(h, "<div class=\"field\"><label for=\"%s-%s\">", form_id, key);
    cx_html_esc(h, label);
    cx_html_printf(h, "</label> <input type=\"%s\"", type);
    input_attrs(h, form_id, f, key, 1, hint != NULL);
    if (extra) cx_html_printf(h, " %s", extra);
    cx_html_raw(h, ">");
    if (hint) {
        cx_html_printf(h, " <small id=\"%s-%s-hint\">", form_id, key);
        cx_html_esc(h, hint);
        cx_html_raw(h, "</small>");
    }
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

/* A select of values[i][0] with labels values[i][1]; the submitted value
 * (or dflt) selected. */
static void select_input(struct cx_html *h, const char *form_id, const struct form *f,
                         const char *key, const char *label, const char *const (*values)[2],
                         size_t n, const char *dflt)
{
    const char *cur = f && form_val(f, key) ? form_val(f, key) : dflt;
    cx_html_printf(h, "<div class=\"field\"><label for=\"%s-%s\">", form_id, key);
    cx_html_esc(h, label);
    cx_html_raw(h, "</label> <select");
    input_attrs(h, form_id, f, key, 0, 0);
    cx_html_raw(h, ">");
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, values[i][0]);
        cx_html_printf(h, "\"%s>", cur && !strcmp(cur, values[i][0]) ? " selected" : "");
        cx_html_esc(h, T_(values[i][1]));
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select>");
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

static void checkbox_input(struct cx_html *h, const char *form_id, const struct form *f,
                           const char *key, const char *label, int dflt)
{
    int on = f && f->failed ? form_val(f, key) != NULL : dflt;
    cx_html_raw(h, "<div class=\"field\"><input type=\"checkbox\" value=\"on\"");
    input_attrs(h, form_id, f, key, 0, 0);
    cx_html_printf(h, "%s> <label for=\"%s-%s\">", on ? " checked" : "", form_id, key);
    cx_html_esc(h, label);
    cx_html_raw(h, "</label>");
    field_error(h, form_id, f, key);
    cx_html_raw(h, "</div>");
}

/* A notice after a redirect (?done=...): role=status. */
static void notice(struct cx_dash_req *d, struct cx_html *h, const char *key, const char *fmt)
{
    const char *v = param(d, key);
    if (!v) return;
    cx_html_raw(h, "<p class=\"notice\" role=\"status\">");
    put_textf(h, fmt, v);
    cx_html_raw(h, "</p>");
}

/* Redirects to base?key=id (URL-encoded). */
static void redirect_with(struct cx_dash_req *d, const char *base, const char *key, const char *id)
{
    struct cx_html u = {0};
    cx_html_printf(&u, "%s?%s=", base, key);
    cx_html_url(&u, id);
    cx_dash_redirect(d, u.oom ? base : u.p);
    cx_html_free(&u);
}

/* A delete/archive form: one select of ids and a button. */
static void pick_form(struct cx_dash_req *d, struct cx_html *h, const char *action_url,
                      const char *action, const char *form_id, const char *label,
                      const char *button, const char *const *ids, size_t n)
{
    if (!n) return;
    cx_html_printf(h, "<form method=\"post\" action=\"%s\" class=\"pick\">", action_url);
    cx_dash_csrf_field(d, h);
    cx_html_printf(h, "<input type=\"hidden\" name=\"action\" value=\"%s\">", action);
    cx_html_printf(h, "<label for=\"%s-id\">", form_id);
    cx_html_esc(h, label);
    cx_html_printf(h, "</label> <select id=\"%s-id\" name=\"id\">", form_id);
    for (size_t i = 0; i < n; i++) {
        cx_html_raw(h, "<option value=\"");
        cx_html_esc(h, ids[i]);
        cx_html_raw(h, "\">");
        cx_html_esc(h, ids[i]);
        cx_html_raw(h, "</option>");
    }
    cx_html_raw(h, "</select> <button type=\"submit\">");
    cx_html_esc(h, button);
    cx_html_raw(h, "</button></form>");
}

/* Runs op on the POSTed id through the writer, then redirects to
 * url?done_key=id. A missing or unknown id gets 404 with no_such; a store
 * error 500 with failed_fmt, a format with one %s for the store's message. */
static void pick_submit(struct cx_dash_req *d, enum def_op op, const char *url,
                        const char *done_key, const char *no_such, const char *failed_fmt)
{
    const char *id = cx_dash_field(d, "id");
    struct cx_err err = {{0}};
    struct def_job j = {op, id, NULL, NULL};
    int rc = id && *id ? submit_def(d, &j, &err) : CX_ENOTFOUND;
    if (rc == CX_ENOTFOUND)
        cx_dash_error(d, 404, "%s", no_such);
    else if (rc)
        cx_dash_error(d, 500, failed_fmt, err.msg);
    else
        redirect_with(d, url, done_key, id);
}

/* The start of a create form posting to url: the form's error summary, the
 * CSRF token and action=create. create_form_close() ends it. */
static void create_form_open(struct cx_dash_req *d, struct cx_html *h, const char *url,
                             const char *form_id, const struct form *f)
{
    cx_html_printf(h, "<form method=\"post\" action=\"%s\" class=\"create\" novalidate>", url);
    form_errors(h, form_id, f);
    cx_dash_csrf_field(d, h);
    cx_html_raw(h, "<input type=\"hidden\" name=\"action\" value=\"create\">");
}

static void create_form_close(struct cx_html *h, const char *button)
{
    put_wrap(h, "<p><button type=\"submit\">", button, "</button></p></form>");
}

/* ------------------------------------------------------------------ */
/* /surveys                                                            */

static const char *const survey_fields[] = {"id",    "name",     "kind", "scale",
                                            "style", "followup", NULL};

static const char *const kinds3[][2] = {
    {"nps", N_("NPS: how likely to recommend (0–10)")},
    {"csat", N_("CSAT: satisfaction")},
    {"ces", N_("CES: customer effort")},
};
static const char *const styles[][2] = {
    {"numbers", N_("Numbers")},
    {"stars", N_("Stars (CSAT)")},
    {"emoji", N_("Faces (CSAT)")},
    {"labels", N_("Five labels from very difficult to very easy (CES 1–5)")},
    {"agree", N_("Agreement, CES 2.0 (CES 1–7)")},
};

/* The form field a survey_json message names ("scale: ..." -> "scale"). */
static void survey_error(struct form *f, const char *msg)
{
    const char *c = strchr(msg, ':');
    for (size_t i = 0; c && survey_fields[i]; i++) {
        size_t n = strlen(survey_fields[i]);
        if ((size_t)(c - msg) == n && !strncmp(msg, survey_fields[i], n)) {
            const char *m = c + 1;
            while (*m == ' ') m++;
            form_fail(f, survey_fields[i], "%s", m);
            return;
        }
    }
    form_fail(f, "", "%s", msg);
}

static void surveys_render(struct cx_dash_req *d, struct form *f)
{
    struct cx_survey_row *rows = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (d->store->vt->survey_list(d->store, &rows, &n, &err)) {
        cx_dash_error(d, 500, F_("The surveys could not be read: %s"), err.msg);
        return;
    }
    const char *const hd[] = {T_("Id"),    T_("Name"),   T_("Kind"),
                              T_("Scale"), T_("Style"),  T_("Follow-up question"),
                              T_("State"), T_("Created")};
    struct cx_dash_table *tb = cx_dash_table_new("surveys", T_("Surveys"), 8, hd);
    const char **active = calloc(n ? n : 1, sizeof *active);
    size_t na = 0;
    for (size_t i = 0; tb && i < n; i++) {
        struct cx_survey *sv = NULL;
        struct cx_err e2 = {{0}};
        int ok = !cx_survey_from_json(rows[i].json, strlen(rows[i].json), &sv, &e2);
        char buf[64], day[40];
        if (rows[i].archived) cx_dash_table_row_class(tb, "archived");
        cx_dash_table_cell(tb, rows[i].id, NULL, NULL);
        cx_dash_table_cell(tb, ok && sv->name ? sv->name : "", NULL, NULL);
        cx_dash_table_cell(tb, ok ? cx_survey_kind_name(sv->kind) : "?", NULL, NULL);
        if (ok && sv->kind != CX_SURVEY_CUSTOM)
            snprintf(buf, sizeof buf, "%d–%d", sv->scale.min, sv->scale.max);
        else
            snprintf(buf, sizeof buf, "%s", ok ? F_("none") : "?");
        cx_dash_table_cell(tb, buf, NULL, NULL);
        cx_dash_table_cell(tb, ok ? cx_style_name(sv->style) : "?", NULL, NULL);
        cx_dash_table_cell(tb, !ok ? "?" : sv->followup ? T_("yes") : T_("no"), NULL, NULL);
        cx_dash_table_cell(tb, rows[i].archived ? T_("archived") : T_("active"), NULL, NULL);
        cx_dash_table_cell(tb, fmt_day(rows[i].created, day), NULL, NULL);
        if (!rows[i].archived && active) active[na++] = rows[i].id;
        cx_survey_free(sv);
    }
    if (!f && tb && cx_dash_table_export(d, tb)) goto out;

    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_("Surveys"), "surveys");
    notice(d, &h, "created", F_("Survey %s was created."));
    notice(d, &h, "archived", F_("Survey %s was archived."));
    if (n)
        cx_dash_table_render(d, &h, tb);
    else
        put_tag(&h, "p", T_("There are no surveys yet."));
    if (!d->user.admin) {
        put_tag(&h, "p", T_("Only administrators can create or archive surveys."));
    } else {
        if (na) {
            put_tag(&h, "h2", T_("Archive a survey"));
            put_tag(&h, "p",
                    T_("An archived survey keeps its answers but sends no new "
                       "invitations."));
            pick_form(d, &h, "/surveys", "archive", "archive", T_("Survey"), T_("Archive"), active,
                      na);
        }
        put_tag(&h, "h2", T_("Create a survey"));
        create_form_open(d, &h, "/surveys", "survey", f);
        text_input(&h, "survey", f, "id", T_("Id"), "text",
                   "required maxlength=\"64\" pattern=\"[a-z0-9_\\-]+\" autocomplete=\"off\"",
                   T_("1 to 64 characters: a–z, 0–9, _ and -. Cannot be changed later."));
        text_input(&h, "survey", f, "name", T_("Name"), "text", "required maxlength=\"200\"", NULL);
        select_input(&h, "survey", f, "kind", T_("Kind"), kinds3, 3, "nps");
        text_input(&h, "survey", f, "scale", T_("Scale"), "text",
                   "maxlength=\"8\" placeholder=\"1-5\"",
                   T_("MIN-MAX, e.g. 1-5; empty for the kind's usual scale (NPS 0-10, CSAT "
                      "1-5, CES 1-7)."));
        select_input(&h, "survey", f, "style", T_("How the answers look"), styles, 5, "numbers");
        checkbox_input(&h, "survey", f, "followup", T_("Ask an open follow-up question"), 1);
        create_form_close(&h, T_("Create survey"));
    }
    cx_dash_end(d, &h);
    if (f && f->failed) set_status(d, 422);
out:
    free(active);
    cx_dash_table_free(tb);
    cx_survey_rows_free(rows, n);
}

/* Validates the create form, builds the definition JSON that `cxpulse
 * survey create` accepts and stores it. Returns 0, or -1 with f failed. */
static int survey_create(struct cx_dash_req *d, struct form *f)
{
    const char *id = form_val(f, "id"), *name = form_val(f, "name");
    const char *kind = form_val(f, "kind"), *scale = form_val(f, "scale");
    const char *style = form_val(f, "style");
    if (!id) return form_fail(f, "id", F_("enter an id"));
    if (!valid_id(id)) return form_fail(f, "id", F_("use 1 to 64 characters: a–z, 0–9, _ and -"));
    if (!name) return form_fail(f, "name", F_("enter a name"));
    if (!cx_utf8_valid(name, strlen(name), NULL))
        return form_fail(f, "name", F_("must be valid UTF-8 text"));
    if (!kind || (strcmp(kind, "nps") && strcmp(kind, "csat") && strcmp(kind, "ces")))
        return form_fail(f, "kind", F_("choose nps, csat or ces"));
    if (scale && !cx_utf8_valid(scale, strlen(scale), NULL))
        return form_fail(f, "scale", F_("write the scale as MIN-MAX, e.g. 1-5"));
    if (style && !cx_utf8_valid(style, strlen(style), NULL))
        return form_fail(f, "style", F_("choose one of the styles"));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    json_object_set_new(o, "name", json_string(name));
    json_object_set_new(o, "kind", json_string(kind));
    if (scale) json_object_set_new(o, "scale", json_string(scale));
    if (style) json_object_set_new(o, "style", json_string(style));
    json_object_set_new(o, "followup", json_boolean(form_val(f, "followup") != NULL));
    char *in = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!in) return form_fail(f, "", F_("out of memory"));
    struct cx_survey *sv = NULL;
    struct cx_err err = {{0}};
    int rc = cx_survey_from_json(in, strlen(in), &sv, &err);
    free(in);
    if (rc) {
        survey_error(f, err.msg);
        return -1;
    }
    char *json = cx_survey_to_json(sv);
    cx_survey_free(sv);
    if (!json) return form_fail(f, "", F_("out of memory"));
    struct def_job j = {OP_SURVEY_CREATE, id, json, NULL};
    rc = submit_def(d, &j, &err);
    free(json);
    if (rc == CX_EEXIST) return form_fail(f, "id", F_("a survey with this id already exists"));
    if (rc) return form_fail(f, "", F_("the survey was not stored: %s"), err.msg);
    return 0;
}

void cx_dash_page_surveys(struct cx_dash_req *d)
{
    if (strcmp(d->req->method, "POST")) {
        surveys_render(d, NULL);
        return;
    }
    if (!cx_dash_post_ok(d, 1)) return;
    const char *action = cx_dash_field(d, "action");
    if (action && !strcmp(action, "archive")) {
        pick_submit(d, OP_SURVEY_ARCHIVE, "/surveys", "archived", T_("There is no such survey."),
                    F_("The survey was not archived: %s"));
        return;
    }
    struct form f;
    form_read(d, &f, survey_fields);
    if (survey_create(d, &f))
        surveys_render(d, &f);
    else
        redirect_with(d, "/surveys", "created", form_val(&f, "id"));
}

/* ------------------------------------------------------------------ */
/* /triggers and /alerts                                               */

/* The "not available" page when the store cannot keep triggers/alerts
 * (kept 0): 1 when it was sent. */
static int defs_missing(struct cx_dash_req *d, int kept, const char *title, const char *nav)
{
    if (kept) return 0;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, title, nav);
    put_tag(&h, "p", T_("Not available yet: this store cannot keep them."));
    cx_dash_end(d, &h);
    return 1;
}

/* A string member of a JSON object, "" when absent. */
static const char *jstr(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

static void jnum(json_t *o, const char *key, char *buf, size_t cap)
{
    json_t *v = json_object_get(o, key);
    if (json_is_integer(v))
        snprintf(buf, cap, "%lld", (long long)json_integer_value(v));
    else if (json_is_number(v))
        snprintf(buf, cap, "%g", json_number_value(v));
    else
        buf[0] = 0;
}

/* Parses a number field within [lo, hi]; integral when want_int. */
static int num_field(struct form *f, const char *key, double lo, double hi, int want_int,
                     double dflt, double *out)
{
    const char *v = form_val(f, key);
    if (!v) {
        *out = dflt;
        if (isnan(dflt)) return form_fail(f, key, F_("enter a number"));
        return 0;
    }
    char *end;
    double x = strtod(v, &end);
    if (end == v || *end || !isfinite(x) || x < lo || x > hi || (want_int && x != floor(x)))
        return want_int ? form_fail(f, key, F_("enter a whole number from %g to %g"), lo, hi)
                        : form_fail(f, key, F_("enter a number from %g to %g"), lo, hi);
    *out = x;
    return 0;
}

/* 1 when s is 1-128 bytes of letters, digits and . _ : - */
static int valid_word(const char *s)
{
    size_t n = s ? strlen(s) : 0;
    if (n < 1 || n > 128) return 0;
    for (size_t i = 0; i < n; i++)
        if (!(isalnum((unsigned char)s[i]) || strchr("._:-", s[i]))) return 0;
    return 1;
}

static int def_exists(const struct cx_def_row *rows, size_t n, const char *id)
{
    for (size_t i = 0; i < n; i++)
        if (!strcmp(rows[i].id, id)) return 1;
    return 0;
}

#define DEF_MAX_COLS 12

/* A definition page: /triggers or /alerts. The two share their flow (list
 * table, delete form, create form, storing through the writer); this says
 * what differs. UI text is whole English phrases, translated where shown
 * (N_ marks them); *_fmt members are printf formats with one %s. */
struct def_page {
    const char *slug;           /* "triggers": nav item, table id and export key */
    const char *url;            /* "/triggers" */
    const char *form_id;        /* "trigger": the create form's id prefix */
    const char *const *fields;  /* the create form's POSTed fields, NULL-ended */
    const char *title, *intro;  /* intro: a paragraph under the title, or NULL */
    const char *const *headers; /* ncols of them, at most DEF_MAX_COLS */
    int ncols;
    const char *created_fmt, *deleted_fmt; /* "Trigger %s was created." */
    const char *none, *admins_only;        /* "There are no triggers yet." */
    const char *delete_title, *pick_label; /* "Delete a trigger", "Trigger" */
    const char *create_title, *create_button;
    const char *exists;          /* "a trigger with this id exists" */
    const char *read_failed_fmt; /* "The triggers could not be read: %s" */
    const char *no_such;         /* "There is no such trigger." */
    const char *not_deleted_fmt, *not_stored_fmt;
    /* 1 when a new definition gets a signing secret, shown once on the
     * answer to the create POST instead of a redirect */
    int signs;
    enum def_op put_op, delete_op;
    /* 1 when the store can keep this kind of definition */
    int (*kept)(const struct cx_store_vt *vt);
    int (*list)(struct cx_store *s, struct cx_def_row **rows, size_t *n, struct cx_err *err);
    /* Appends the table cells of row r, whose JSON is o (NULL when bad). */
    void (*row)(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o);
    /* Appends the create form (def_form_open, its fields, create_form_close)
     * or a paragraph saying why it cannot be shown. */
    void (*create_form)(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                        const struct form *f);
    /* Validates the form's fields other than the id and adds them to the
     * definition o. 0, or -1 with f failed. */
    int (*build)(struct cx_dash_req *d, struct form *f, json_t *o);
};

/* The start of p's create form, up to and including its id field. */
static void def_form_open(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                          const struct form *f)
{
    create_form_open(d, h, p->url, p->form_id, f);
    text_input(h, p->form_id, f, "id", T_("Id"), "text",
               "required maxlength=\"64\" autocomplete=\"off\"",
               T_("1 to 64 characters: a–z, 0–9, _ and -."));
}

/* Validates the create form, builds the definition and stores it through
 * the writer; for p->signs with a new signing secret, which *secret (65
 * bytes) receives. 0, or -1 with f failed. */
static int def_create(struct cx_dash_req *d, const struct def_page *p, struct form *f,
                      const struct cx_def_row *rows, size_t n, char *secret)
{
    const char *id = form_val(f, "id");
    if (!valid_id(id)) return form_fail(f, "id", F_("use 1 to 64 characters: a–z, 0–9, _ and -"));
    if (def_exists(rows, n, id)) return form_fail(f, "id", "%s", T_(p->exists));
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(id));
    if (p->build(d, f, o)) {
        json_decref(o);
        return -1;
    }
    char *json = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(o);
    if (!json) return form_fail(f, "", F_("out of memory"));
    if (p->signs) {
        unsigned char key[32];
        randombytes_buf(key, sizeof key);
        sodium_bin2hex(secret, 65, key, sizeof key);
        sodium_memzero(key, sizeof key);
    }
    struct cx_err err = {{0}};
    struct def_job j = {p->put_op, id, json, p->signs ? secret : NULL};
    int rc = submit_def(d, &j, &err);
    free(json);
    return rc ? form_fail(f, "", tf(p->not_stored_fmt), err.msg) : 0;
}

/* The notice for a definition just created with a signing secret. */
static void secret_notice(struct cx_html *h, const struct def_page *p, const char *id,
                          const char *secret)
{
    cx_html_raw(h, "<div class=\"notice\" role=\"status\"><p>");
    put_textf(h, tf(p->created_fmt), id);
    cx_html_raw(h, "</p><p>");
    cx_html_esc(h, T_("Its webhooks are signed with this secret. Copy it now: it is not "
                      "shown again."));
    cx_html_raw(h, "</p><p><code>");
    cx_html_esc(h, secret);
    cx_html_raw(h, "</code></p></div>");
}

/* Renders p's page (or its table as CSV): the definitions rows[n], the
 * create form f (NULL before a POST), and for created a secret_notice. */
static void def_render(struct cx_dash_req *d, const struct def_page *p, const struct form *f,
                       const struct cx_def_row *rows, size_t n, const char *created,
                       const char *secret)
{
    const char *hd[DEF_MAX_COLS];
    for (int i = 0; i < p->ncols && i < DEF_MAX_COLS; i++) hd[i] = T_(p->headers[i]);
    struct cx_dash_table *tb = cx_dash_table_new(p->slug, T_(p->title), p->ncols, hd);
    const char **ids = calloc(n ? n : 1, sizeof *ids);
    for (size_t i = 0; tb && i < n; i++) {
        json_t *o = json_loads(rows[i].json, 0, NULL);
        cx_dash_table_cell(tb, rows[i].id, NULL, NULL);
        p->row(tb, &rows[i], o);
        if (ids) ids[i] = rows[i].id;
        json_decref(o);
    }
    if (!f && !created && tb && cx_dash_table_export(d, tb)) goto out;
    struct cx_html h = {0};
    cx_dash_begin(d, &h, T_(p->title), p->slug);
    if (p->intro) put_tag(&h, "p", T_(p->intro));
    if (created)
        secret_notice(&h, p, created, secret);
    else if (!p->signs)
        notice(d, &h, "created", tf(p->created_fmt));
    notice(d, &h, "deleted", tf(p->deleted_fmt));
    if (n)
        cx_dash_table_render(d, &h, tb);
    else
        put_tag(&h, "p", T_(p->none));
    if (!d->user.admin) {
        put_tag(&h, "p", T_(p->admins_only));
    } else {
        if (n && ids) {
            put_tag(&h, "h2", T_(p->delete_title));
            pick_form(d, &h, p->url, "delete", "delete", T_(p->pick_label), T_("Delete"), ids, n);
        }
        put_tag(&h, "h2", T_(p->create_title));
        p->create_form(d, &h, p, f);
    }
    cx_dash_end(d, &h);
    if (f && f->failed) set_status(d, 422);
out:
    free(ids);
    cx_dash_table_free(tb);
}

/* Serves p's page: GET shows it, POST action=delete deletes a definition,
 * any other POST creates one. */
static void def_page(struct cx_dash_req *d, const struct def_page *p)
{
    if (defs_missing(d, p->kept(d->store->vt), T_(p->title), p->slug)) return;
    int post = !strcmp(d->req->method, "POST");
    if (post && !cx_dash_post_ok(d, 1)) return;
    struct cx_def_row *rows = NULL;
    size_t n = 0;
    struct cx_err err = {{0}};
    if (p->list(d->store, &rows, &n, &err)) {
        cx_dash_error(d, 500, tf(p->read_failed_fmt), err.msg);
        return;
    }
    const char *action = post ? cx_dash_field(d, "action") : NULL;
    if (!post) {
        def_render(d, p, NULL, rows, n, NULL, NULL);
    } else if (action && !strcmp(action, "delete")) {
        pick_submit(d, p->delete_op, p->url, "deleted", T_(p->no_such), tf(p->not_deleted_fmt));
    } else {
        struct form f;
        char secret[65] = "";
        form_read(d, &f, p->fields);
        if (def_create(d, p, &f, rows, n, secret)) {
            def_render(d, p, &f, rows, n, NULL, NULL);
        } else if (!p->signs) {
            redirect_with(d, p->url, "created", form_val(&f, "id"));
        } else {
            /* the secret is shown once, on this answer to the POST */
            cx_def_rows_free(rows, n);
            rows = NULL;
            n = 0;
            if (p->list(d->store, &rows, &n, &err)) n = 0;
            def_render(d, p, NULL, rows, n, form_val(&f, "id"), secret);
            sodium_memzero(secret, sizeof secret);
        }
    }
    cx_def_rows_free(rows, n);
}

/* ---- /triggers ---- */

static const char *const trigger_fields[] = {
    "id",      "event_type",    "match_attr",     "match_value", "survey",
    "channel", "delay_minutes", "sample_percent", "enabled",     NULL};

static const char *const chans[][2] = {
    {"email", N_("Email")}, {"whatsapp", N_("WhatsApp")}, {"sms", N_("SMS")}};

static int triggers_kept(const struct cx_store_vt *vt)
{
    return vt->trigger_list && vt->trigger_put && vt->trigger_delete;
}

static int triggers_list(struct cx_store *s, struct cx_def_row **rows, size_t *n,
                         struct cx_err *err)
{
    return s->vt->trigger_list(s, rows, n, err);
}

static int trigger_build(struct cx_dash_req *d, struct form *f, json_t *o)
{
    const char *type = form_val(f, "event_type");
    const char *ma = form_val(f, "match_attr"), *mv = form_val(f, "match_value");
    const char *survey = form_val(f, "survey"), *ch = form_val(f, "channel");
    double delay, sample;
    if (!valid_word(type))
        return form_fail(f, "event_type",
                         F_("enter an event type such as ticket.closed (letters, digits, . _ : "
                            "-)"));
    if (ma && !valid_word(ma))
        return form_fail(f, "match_attr",
                         F_("enter an attribute name (letters, digits, . _ : -) or leave both "
                            "match fields empty"));
    if (!ma && mv) return form_fail(f, "match_attr", F_("enter the attribute the value is for"));
    if (ma && !mv) return form_fail(f, "match_value", F_("enter the value to match"));
    if (mv && (strlen(mv) > 256 || !cx_utf8_valid(mv, strlen(mv), NULL)))
        return form_fail(f, "match_value", F_("use at most 256 bytes of text"));
    struct cx_survey_row sr;
    struct cx_err err = {{0}};
    if (!survey) return form_fail(f, "survey", F_("choose a survey"));
    int rc = d->store->vt->survey_get(d->store, survey, &sr, &err);
    if (rc == CX_ENOTFOUND) return form_fail(f, "survey", F_("there is no such survey"));
    if (rc) return form_fail(f, "", "%s", err.msg);
    free(sr.json);
    if (sr.archived) return form_fail(f, "survey", F_("the survey is archived"));
    if (!ch || (strcmp(ch, "email") && strcmp(ch, "whatsapp") && strcmp(ch, "sms")))
        return form_fail(f, "channel", F_("choose email, whatsapp or sms"));
    if (num_field(f, "delay_minutes", 0, 43200, 1, 0, &delay) ||
        num_field(f, "sample_percent", 1, 100, 0, 100, &sample))
        return -1;
    json_t *m = json_object();
    json_object_set_new(o, "event_type", json_string(type));
    if (ma) json_object_set_new(m, ma, json_string(mv));
    json_object_set_new(o, "match", m);
    json_object_set_new(o, "survey", json_string(survey));
    json_object_set_new(o, "channel", json_string(ch));
    json_object_set_new(o, "delay_minutes", json_integer((json_int_t)delay));
    json_object_set_new(o, "sample_percent",
                        sample == floor(sample) ? json_integer((json_int_t)sample)
                                                : json_real(sample));
    json_object_set_new(o, "enabled", json_boolean(form_val(f, "enabled") != NULL));
    return 0;
}

static void trigger_row(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o)
{
    char buf[600], day[40];
    cx_dash_table_cell(tb, jstr(o, "event_type"), NULL, NULL);
    const char *k;
    json_t *v;
    size_t off = 0;
    buf[0] = 0;
    json_object_foreach(json_object_get(o, "match"), k, v)
    {
        if (off < sizeof buf)
            off += (size_t)snprintf(buf + off, sizeof buf - off, "%s%s = %s", off ? ", " : "", k,
                                    json_is_string(v) ? json_string_value(v) : "?");
    }
    cx_dash_table_cell(tb, buf[0] ? buf : T_("every event of the type"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "survey"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "channel"), NULL, NULL);
    jnum(o, "delay_minutes", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    jnum(o, "sample_percent", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    json_t *en = json_object_get(o, "enabled");
    cx_dash_table_cell(tb, en && !json_is_true(en) ? T_("no") : T_("yes"), NULL, NULL);
    cx_dash_table_cell(tb, fmt_day(r->created, day), NULL, NULL);
}

/* The create form, whose survey is one of the active surveys. */
static void trigger_form(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                         const struct form *f)
{
    struct cx_survey_row *sv = NULL;
    size_t ns = 0;
    struct cx_err err = {{0}};
    if (d->store->vt->survey_list(d->store, &sv, &ns, &err)) ns = 0;
    const char *(*opts)[2] = calloc(ns ? ns : 1, sizeof *opts);
    size_t no = 0;
    for (size_t i = 0; opts && i < ns; i++)
        if (!sv[i].archived) {
            opts[no][0] = sv[i].id;
            opts[no][1] = sv[i].id;
            no++;
        }
    if (!no) {
        put_tag(h, "p",
                T_("Create a survey first: a trigger sends one of the active "
                   "surveys."));
    } else {
        def_form_open(d, h, p, f);
        text_input(h, "trigger", f, "event_type", T_("Event type"), "text",
                   "required maxlength=\"128\" placeholder=\"ticket.closed\"", NULL);
        put_wrap(h, "<fieldset><legend>", T_("Only events with this attribute value (optional)"),
                 "</legend>");
        text_input(h, "trigger", f, "match_attr", T_("Attribute"), "text",
                   "maxlength=\"128\" placeholder=\"product\"", NULL);
        text_input(h, "trigger", f, "match_value", T_("Value"), "text", "maxlength=\"256\"", NULL);
        cx_html_raw(h, "</fieldset>");
        select_input(h, "trigger", f, "survey", T_("Survey"), (const char *const(*)[2])opts, no,
                     NULL);
        select_input(h, "trigger", f, "channel", T_("Channel"), chans, 3, "email");
        text_input(h, "trigger", f, "delay_minutes", T_("Delay in minutes"), "number",
                   "min=\"0\" max=\"43200\" step=\"1\" placeholder=\"0\"", NULL);
        text_input(h, "trigger", f, "sample_percent", T_("Share of events to survey (%)"), "number",
                   "min=\"1\" max=\"100\" step=\"any\" placeholder=\"100\"", NULL);
        checkbox_input(h, "trigger", f, "enabled", T_("Enabled"), 1);
        create_form_close(h, T_(p->create_button));
    }
    free(opts);
    cx_survey_rows_free(sv, ns);
}

static const char *const trigger_headers[] = {
    N_("Id"),         N_("Event type"), N_("Only when"),
    N_("Survey"),     N_("Channel"),    N_("Delay (minutes)"),
    N_("Sample (%)"), N_("Enabled"),    N_("Created"),
};

static const struct def_page triggers_page = {
    .slug = "triggers",
    .url = "/triggers",
    .form_id = "trigger",
    .fields = trigger_fields,
    .title = N_("Triggers"),
    .intro = N_("A trigger sends a survey when an event of its type arrives, after a "
                "delay, to a sample of the customers."),
    .headers = trigger_headers,
    .ncols = sizeof trigger_headers / sizeof trigger_headers[0],
    .created_fmt = N_("Trigger %s was created."),
    .deleted_fmt = N_("Trigger %s was deleted."),
    .none = N_("There are no triggers yet."),
    .admins_only = N_("Only administrators can change triggers."),
    .delete_title = N_("Delete a trigger"),
    .pick_label = N_("Trigger"),
    .create_title = N_("Create a trigger"),
    .create_button = N_("Create trigger"),
    .exists = N_("a trigger with this id exists"),
    .read_failed_fmt = N_("The triggers could not be read: %s"),
    .no_such = N_("There is no such trigger."),
    .not_deleted_fmt = N_("The trigger was not deleted: %s"),
    .not_stored_fmt = N_("the trigger was not stored: %s"),
    .signs = 0,
    .put_op = OP_TRIGGER_PUT,
    .delete_op = OP_TRIGGER_DELETE,
    .kept = triggers_kept,
    .list = triggers_list,
    .row = trigger_row,
    .create_form = trigger_form,
    .build = trigger_build,
};

void cx_dash_page_triggers(struct cx_dash_req *d)
{
    def_page(d, &triggers_page);
}

/* ---- /alerts ---- */

static const char *const alert_fields[] = {"id",          "kind",  "metric", "threshold",
                                           "webhook_url", "email", NULL};

static const char *const alert_kinds[][2] = {
    {"low_score", N_("A response scores at or below the threshold")},
    {"metric_drop", N_("The metric falls by the threshold or more")},
};
static const char *const alert_metrics[][2] = {
    {"nps", N_("NPS")}, {"csat", N_("CSAT")}, {"ces", N_("CES")}};

static int alerts_kept(const struct cx_store_vt *vt)
{
    return vt->alert_list && vt->alert_put && vt->alert_delete;
}

static int alerts_list(struct cx_store *s, struct cx_def_row **rows, size_t *n, struct cx_err *err)
{
    return s->vt->alert_list(s, rows, n, err);
}

static int alert_build(struct cx_dash_req *d, struct form *f, json_t *o)
{
    const char *kind = form_val(f, "kind");
    const char *metric = form_val(f, "metric"), *url = form_val(f, "webhook_url");
    const char *email = form_val(f, "email");
    double thr;
    if (!kind || (strcmp(kind, "low_score") && strcmp(kind, "metric_drop")))
        return form_fail(f, "kind", F_("choose low_score or metric_drop"));
    if (!metric || (strcmp(metric, "nps") && strcmp(metric, "csat") && strcmp(metric, "ces")))
        return form_fail(f, "metric", F_("choose nps, csat or ces"));
    if (num_field(f, "threshold", -200, 200, 0, NAN, &thr)) return -1;
    if (url && ((strncmp(url, "https://", 8) && strncmp(url, "http://", 7)) || strlen(url) > 2000 ||
                strpbrk(url, " \t\r\n\"<>")))
        return form_fail(f, "webhook_url",
                         F_("enter a URL that starts with https:// (at most 2000 characters)"));
    if (email) {
        const char *at = strchr(email, '@');
        if (!at || at == email || !at[1] || strchr(at + 1, '@') || strlen(email) > 320 ||
            strpbrk(email, " \t\r\n\"<>,;"))
            return form_fail(f, "email", F_("enter one email address, like name@example.com"));
    }
    if (!url && !email)
        return form_fail(f, "webhook_url", F_("enter a webhook URL, an email address or both"));
    json_object_set_new(o, "kind", json_string(kind));
    json_object_set_new(o, "metric", json_string(metric));
    json_object_set_new(o, "threshold",
                        thr == floor(thr) ? json_integer((json_int_t)thr) : json_real(thr));
    if (url) json_object_set_new(o, "webhook_url", json_string(url));
    if (email) json_object_set_new(o, "email", json_string(email));
    return 0;
}

static void alert_row(struct cx_dash_table *tb, const struct cx_def_row *r, json_t *o)
{
    char buf[64], day[40];
    const char *k = jstr(o, "kind");
    cx_dash_table_cell(tb,
                       !strcmp(k, "low_score")     ? T_("a low score")
                       : !strcmp(k, "metric_drop") ? T_("a metric drop")
                                                   : k,
                       NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "metric"), NULL, NULL);
    jnum(o, "threshold", buf, sizeof buf);
    cx_dash_table_cell(tb, buf, "num", NULL);
    cx_dash_table_cell(tb, jstr(o, "webhook_url"), NULL, NULL);
    cx_dash_table_cell(tb, jstr(o, "email"), NULL, NULL);
    cx_dash_table_cell(tb, r->last_fired ? fmt_day(r->last_fired, day) : T_("never"), NULL, NULL);
    cx_dash_table_cell(tb, fmt_day(r->created, day), NULL, NULL);
}

static void alert_form(struct cx_dash_req *d, struct cx_html *h, const struct def_page *p,
                       const struct form *f)
{
    def_form_open(d, h, p, f);
    select_input(h, "alert", f, "kind", T_("Alert when"), alert_kinds, 2, "low_score");
    select_input(h, "alert", f, "metric", T_("Metric"), alert_metrics, 3, "nps");
    text_input(h, "alert", f, "threshold", T_("Threshold"), "number", "required step=\"any\"",
               T_("A score on the metric's scale for low scores; points of the metric "
                  "for drops."));
    text_input(h, "alert", f, "webhook_url", T_("Webhook URL"), "url",
               "maxlength=\"2000\" placeholder=\"https://\"", NULL);
    text_input(h, "alert", f, "email", T_("Email address"), "email", "maxlength=\"320\"",
               T_("Give a webhook URL, an email address or both."));
    create_form_close(h, T_(p->create_button));
}

static const char *const alert_headers[] = {N_("Id"),         N_("When"),    N_("Metric"),
                                            N_("Threshold"),  N_("Webhook"), N_("Email"),
                                            N_("Last fired"), N_("Created")};

static const struct def_page alerts_page = {
    .slug = "alerts",
    .url = "/alerts",
    .form_id = "alert",
    .fields = alert_fields,
    .title = N_("Alerts"),
    .intro = NULL,
    .headers = alert_headers,
    .ncols = sizeof alert_headers / sizeof alert_headers[0],
    .created_fmt = N_("Alert %s was created."),
    .deleted_fmt = N_("Alert %s was deleted."),
    .none = N_("There are no alerts yet."),
    .admins_only = N_("Only administrators can change alerts."),
    .delete_title = N_("Delete an alert"),
    .pick_label = N_("Alert"),
    .create_title = N_("Create an alert"),
    .create_button = N_("Create alert"),
    .exists = N_("an alert with this id exists"),
    .read_failed_fmt = N_("The alerts could not be read: %s"),
    .no_such = N_("There is no such alert."),
    .not_deleted_fmt = N_("The alert was not deleted: %s"),
    .not_stored_fmt = N_("the alert was not stored: %s"),
    .signs = 1,
    .put_op = OP_ALERT_PUT,
    .delete_op = OP_ALERT_DELETE,
    .kept = alerts_kept,
    .list = alerts_list,
    .row = alert_row,
    .create_form = alert_form,
    .build = alert_build,
};

void cx_dash_page_alerts(struct cx_dash_req *d)
{
    def_page(d, &alerts_page);
}
