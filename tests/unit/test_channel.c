/* test_channel.c - channel builders, limits, signatures, webhook parsing,
 * settings, and garbage input for every parser. No network. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <jansson.h>
#include <sodium.h>

#include "channel/channel.h"

/* ---- helpers ----------------------------------------------------------- */

static json_t *build_wa(const char *payload)
{
    struct cx_err err = {{0}};
    char *s = cx_wa_build(payload, &err);
    if (!s) return NULL;
    json_t *j = json_loads(s, 0, NULL);
    free(s);
    assert_non_null(j);
    return j;
}

static void wa_fails(const char *payload, const char *needle)
{
    struct cx_err err = {{0}};
    char *s = cx_wa_build(payload, &err);
    if (s) fail_msg("expected failure for %s, got %s", payload, s);
    if (!strstr(err.msg, needle)) fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static char *repeat(const char *unit, int n)
{
    size_t u = strlen(unit);
    char *s = malloc(u * (size_t)n + 1);
    for (int i = 0; i < n; i++) memcpy(s + u * (size_t)i, unit, u);
    s[u * (size_t)n] = '\0';
    return s;
}

/* Collected inbound items. */
struct items {
    int n;
    int stop_at; /* return 7 when reaching this count (0: never) */
    struct {
        enum cx_inbound_kind kind;
        char from[64], id[128], text[256], reply[128], status[16];
        long long ts;
    } it[16];
};

static int collect(void *ctx, const struct cx_inbound *in)
{
    struct items *s = ctx;
    if (s->n >= 16) return 99;
    int i = s->n++;
    s->it[i].kind = in->kind;
    snprintf(s->it[i].from, sizeof s->it[i].from, "%s", in->from ? in->from : "(null)");
    snprintf(s->it[i].id, sizeof s->it[i].id, "%s", in->msg_id ? in->msg_id : "(null)");
    snprintf(s->it[i].text, sizeof s->it[i].text, "%s", in->text ? in->text : "(null)");
    snprintf(s->it[i].reply, sizeof s->it[i].reply, "%s", in->reply_id ? in->reply_id : "(null)");
    snprintf(s->it[i].status, sizeof s->it[i].status, "%s", in->status ? in->status : "(null)");
    s->it[i].ts = in->timestamp;
    if (s->stop_at && s->n == s->stop_at) return 7;
    return 0;
}

/* ---- signatures -------------------------------------------------------- */

static void test_signature_vectors(void **state)
{
    /* RFC 4231 test case 2 */
    const char *body = "what do ya want for nothing?";
    const char *lower = "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    const char *upper = "sha256=5BDCC146BF60754E6A042426089575C75A003F089D2739839DEC58B964EC3843";
    size_t n = strlen(body);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, lower), 1);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, upper), 1);
    char sig[72];
    assert_int_equal(cx_chan_sign("Jefe", body, n, sig), CX_OK);
    assert_string_equal(sig, lower);
    /* anything different fails */
    assert_int_equal(cx_chan_signature_ok("Jeff", body, n, lower), 0);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n - 1, lower), 0);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, lower + 7), 0);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, "sha1=5bdcc146"), 0);
    char longer[80];
    snprintf(longer, sizeof longer, "%s0", lower);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, longer), 0);
    char shorter[80];
    snprintf(shorter, sizeof shorter, "%.*s", (int)strlen(lower) - 1, lower);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, shorter), 0);
    char flipped[80];
    snprintf(flipped, sizeof flipped, "%s", lower);
    flipped[20] = flipped[20] == 'a' ? 'b' : 'a';
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, flipped), 0);
    char nonhex[80];
    snprintf(nonhex, sizeof nonhex, "%s", lower);
    nonhex[30] = 'g';
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, nonhex), 0);
    assert_int_equal(cx_chan_signature_ok(NULL, body, n, lower), 0);
    assert_int_equal(cx_chan_signature_ok("", body, n, lower), 0);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, NULL), 0);
    assert_int_equal(cx_chan_signature_ok("Jefe", body, n, ""), 0);
    assert_int_equal(cx_chan_sign("", body, n, sig), CX_EINVAL);
    /* RFC 4231 test case 6: a key longer than the block size, empty-ish body */
    char key[132];
    memset(key, 0xaa, 131);
    key[131] = '\0';
    const char *tc6 = "Test Using Larger Than Block-Size Key - Hash Key First";
    assert_int_equal(cx_chan_signature_ok(
                         key, tc6, strlen(tc6),
                         "sha256=60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
                     1);
    /* empty body is signable */
    assert_int_equal(cx_chan_sign("k", "", 0, sig), CX_OK);
    assert_int_equal(cx_chan_signature_ok("k", "", 0, sig), 1);
}

/* ---- WhatsApp builder -------------------------------------------------- */

static void test_wa_build_shapes(void **state)
{
    json_t *j =
        build_wa("{\"to\":\"+4915112345678\",\"type\":\"text\",\"text\":\"Hallo \\u00e9\"}");
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "messaging_product")), "whatsapp");
    assert_string_equal(json_string_value(json_object_get(j, "recipient_type")), "individual");
    assert_string_equal(json_string_value(json_object_get(j, "to")), "4915112345678");
    assert_string_equal(json_string_value(json_object_get(j, "type")), "text");
    assert_string_equal(json_string_value(json_object_get(json_object_get(j, "text"), "body")),
                        "Hallo \xc3\xa9");
    json_decref(j);

    j = build_wa(
        "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"How likely?\","
        "\"buttons\":[{\"id\":\"s1\",\"title\":\"Good\"},{\"id\":\"s2\",\"title\":\"Bad\"}]}");
    assert_non_null(j);
    assert_string_equal(json_string_value(json_object_get(j, "type")), "interactive");
    json_t *in = json_object_get(j, "interactive");
    assert_string_equal(json_string_value(json_object_get(in, "type")), "button");
    assert_string_equal(json_string_value(json_object_get(json_object_get(in, "body"), "text")),
                        "How likely?");
    json_t *btns = json_object_get(json_object_get(in, "action"), "buttons");
    assert_int_equal(json_array_size(btns), 2);
    json_t *b1 = json_array_get(btns, 1);
    assert_string_equal(json_string_value(json_object_get(b1, "type")), "reply");
    assert_string_equal(json_string_value(json_object_get(json_object_get(b1, "reply"), "id")),
                        "s2");
    assert_string_equal(json_string_value(json_object_get(json_object_get(b1, "reply"), "title")),
                        "Bad");
    json_decref(j);

    j = build_wa("{\"to\":\"4915112345678\",\"type\":\"list\",\"text\":\"Score?\",\"button\":"
                 "\"Choose\",\"rows\":[{\"id\":\"0\",\"title\":\"0 - not at all\"},{\"id\":\"10\","
                 "\"title\":\"10\",\"description\":\"extremely likely\"}]}");
    assert_non_null(j);
    in = json_object_get(j, "interactive");
    assert_string_equal(json_string_value(json_object_get(in, "type")), "list");
    json_t *act = json_object_get(in, "action");
    assert_string_equal(json_string_value(json_object_get(act, "button")), "Choose");
    json_t *rows = json_object_get(json_array_get(json_object_get(act, "sections"), 0), "rows");
    assert_int_equal(json_array_size(rows), 2);
    assert_null(json_object_get(json_array_get(rows, 0), "description"));
    assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 1), "description")),
                        "extremely likely");
    json_decref(j);

    j = build_wa("{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"nps_invite\","
                 "\"lang\":\"de\",\"params\":[\"Anna\",\"https://x.example/s/1\"]}");
    assert_non_null(j);
    json_t *t = json_object_get(j, "template");
    assert_string_equal(json_string_value(json_object_get(t, "name")), "nps_invite");
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "language"), "code")),
                        "de");
    json_t *comp = json_array_get(json_object_get(t, "components"), 0);
    assert_string_equal(json_string_value(json_object_get(comp, "type")), "body");
    json_t *p1 = json_array_get(json_object_get(comp, "parameters"), 1);
    assert_string_equal(json_string_value(json_object_get(p1, "type")), "text");
    assert_string_equal(json_string_value(json_object_get(p1, "text")), "https://x.example/s/1");
    json_decref(j);

    /* default language, no params -> no components */
    j = build_wa("{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"hello\"}");
    assert_non_null(j);
    t = json_object_get(j, "template");
    assert_string_equal(json_string_value(json_object_get(json_object_get(t, "language"), "code")),
                        "en");
    assert_null(json_object_get(t, "components"));
    json_decref(j);
}

static void test_wa_build_limits(void **state)
{
    char buf[16384];
    /* text: 4096 characters fit, 4097 do not; characters, not bytes */
    char *t4096 = repeat("\xc3\xa9", 4096), *t4097 = repeat("a", 4097);
    snprintf(buf, sizeof buf, "{\"to\":\"4915112345678\",\"type\":\"text\",\"text\":\"%s\"}",
             t4096);
    json_t *j = build_wa(buf);
    assert_non_null(j);
    json_decref(j);
    snprintf(buf, sizeof buf, "{\"to\":\"4915112345678\",\"type\":\"text\",\"text\":\"%s\"}",
             t4097);
    wa_fails(buf, "4096");
    free(t4096);
    free(t4097);

    /* interactive body: 1024 */
    char *b1024 = repeat("x", 1024), *b1025 = repeat("x", 1025);
    const char *btn = "[{\"id\":\"a\",\"title\":\"A\"}]";
    snprintf(buf, sizeof buf,
             "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"%s\",\"buttons\":%s}",
             b1024, btn);
    j = build_wa(buf);
    assert_non_null(j);
    json_decref(j);
    snprintf(buf, sizeof buf,
             "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"%s\",\"buttons\":%s}",
             b1025, btn);
    wa_fails(buf, "1024");
    free(b1024);
    free(b1025);

#define BTNS(list)                                                                                 \
    "{\"to\":\"4915112345678\",\"type\":\"buttons\",\"text\":\"q\",\"buttons\":" list "}"
    wa_fails(BTNS("[]"), "1 to 3");
    wa_fails(BTNS("[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\",\"title\":\"B\"},{\"id\":\"c\","
                  "\"title\":\"C\"},{\"id\":\"d\",\"title\":\"D\"}]"),
             "1 to 3");
    /* 20 characters (two bytes each) fit, 21 do not */
    j = build_wa(
        BTNS("[{\"id\":\"a\",\"title\":\"\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
             "\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9\\u00e9"
             "\\u00e9\\u00e9\"}]"));
    assert_non_null(j);
    json_decref(j);
    wa_fails(BTNS("[{\"id\":\"a\",\"title\":\"123456789012345678901\"}]"), "20 characters");
    wa_fails(BTNS("[{\"id\":\"a\",\"title\":\"\"}]"), "title");
    wa_fails(BTNS("[{\"title\":\"A\"}]"), "\"id\"");
    wa_fails(BTNS("[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"a\",\"title\":\"B\"}]"), "repeated");
    wa_fails(BTNS("[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"b\",\"title\":\"A\"}]"), "repeated");
    wa_fails(BTNS("{\"id\":\"a\"}"), "buttons");
    char *id256 = repeat("i", 256), *id257 = repeat("i", 257);
    snprintf(buf, sizeof buf, BTNS("[{\"id\":\"%s\",\"title\":\"A\"}]"), id256);
    j = build_wa(buf);
    assert_non_null(j);
    json_decref(j);
    snprintf(buf, sizeof buf, BTNS("[{\"id\":\"%s\",\"title\":\"A\"}]"), id257);
    wa_fails(buf, "256");
    free(id256);
    free(id257);

#define LIST(rows)                                                                                 \
    "{\"to\":\"4915112345678\",\"type\":\"list\",\"text\":\"q\",\"button\":\"Pick\","              \
    "\"rows\":" rows "}"
    char rows[2048] = "[";
    for (int i = 0; i < 11; i++)
        snprintf(rows + strlen(rows), sizeof rows - strlen(rows),
                 "%s{\"id\":\"r%d\",\"title\":\"R%d\"}", i ? "," : "", i, i);
    strcat(rows, "]");
    snprintf(buf, sizeof buf, LIST("%s"), rows);
    wa_fails(buf, "1 to 10");
    /* ten rows fit */
    char *cut = strstr(rows, ",{\"id\":\"r10\"");
    strcpy(cut, "]");
    snprintf(buf, sizeof buf, LIST("%s"), rows);
    j = build_wa(buf);
    assert_non_null(j);
    json_decref(j);
    wa_fails(LIST("[{\"id\":\"a\",\"title\":\"1234567890123456789012345\"}]"), "24 characters");
    wa_fails(LIST("[{\"id\":\"a\",\"title\":\"A\",\"description\":7}]"), "description");
    wa_fails(LIST("[{\"id\":\"a\",\"title\":\"A\"},{\"id\":\"a\",\"title\":\"B\"}]"), "repeated");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"list\",\"text\":\"q\",\"button\":"
             "\"123456789012345678901\",\"rows\":[{\"id\":\"a\",\"title\":\"A\"}]}",
             "20 characters");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"list\",\"text\":\"q\",\"rows\":[{\"id\":\"a\","
             "\"title\":\"A\"}]}",
             "button");

    /* recipients, types, templates */
    wa_fails("{\"to\":\"12345\",\"type\":\"text\",\"text\":\"x\"}", "phone");
    wa_fails("{\"to\":\"+49 151 1234\",\"type\":\"text\",\"text\":\"x\"}", "phone");
    wa_fails("{\"to\":4915112345678,\"type\":\"text\",\"text\":\"x\"}", "phone");
    wa_fails("{\"to\":\"4915112345678\",\"text\":\"x\"}", "type");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"image\",\"text\":\"x\"}", "image");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"text\"}", "text");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"template\"}", "CXPULSE_WA_TEMPLATE");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"Bad-Name\"}", "lowercase");
    wa_fails(
        "{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"t\",\"params\":[\"a\\nb\"]}",
        "new line");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"t\",\"params\":[1]}",
             "params[0]");
    wa_fails("{\"to\":\"4915112345678\",\"type\":\"template\",\"name\":\"t\",\"lang\":\"e\"}",
             "lang");
    wa_fails("[1,2]", "object");
    wa_fails("{\"to\":", "JSON");
}

/* ---- email builder ----------------------------------------------------- */

static void no_bare_lf(const char *m)
{
    for (const char *p = m; *p; p++) {
        if (*p == '\n' && (p == m || p[-1] != '\r')) fail_msg("bare LF at offset %td", p - m);
        if (*p == '\r' && p[1] != '\n') fail_msg("bare CR at offset %td", p - m);
    }
    /* every line within the 998 limit, body lines within 78 */
    const char *line = m;
    while (*line) {
        const char *e = strstr(line, "\r\n");
        size_t n = e ? (size_t)(e - line) : strlen(line);
        if (n > 78) fail_msg("line longer than 78: %.80s", line);
        line += n + (e ? 2 : 0);
    }
}

/* Decodes quoted-printable text into out (soft breaks removed). */
static void qp_decode(const char *s, char *out, size_t cap)
{
    size_t o = 0;
    while (*s && o + 1 < cap) {
        if (s[0] == '=' && s[1] == '\r' && s[2] == '\n') {
            s += 3;
        } else if (s[0] == '=' && s[1] && s[2]) {
            char hex[3] = {s[1], s[2], 0};
            out[o++] = (char)strtol(hex, NULL, 16);
            s += 3;
        } else {
            out[o++] = *s++;
        }
    }
    out[o] = '\0';
}

static void test_email_build(void **state)
{
    struct cx_err err = {{0}};
    const char *payload =
        "{\"to\":\"anna@example.com\",\"subject\":\"How did we do?\",\"text\":\"Hi Anna,\\n"
        "rate us: 1+1=2.\\n.dot line\\ntrailing space \\nend\",\"html\":\"<p>Hi "
        "<b>Anna</b></p>\",\"unsubscribe_url\":\"https://cx.example/u/abc\"}";
    char *m = cx_email_build("Acme Support <support@acme.example>", payload, "outbox-42", 0, &err);
    assert_non_null(m);
    no_bare_lf(m);
    assert_non_null(strstr(m, "Date: Thu, 01 Jan 1970 00:00:00 +0000\r\n"));
    assert_non_null(strstr(m, "From: \"Acme Support\" <support@acme.example>\r\n"));
    assert_non_null(strstr(m, "To: <anna@example.com>\r\n"));
    assert_non_null(strstr(m, "Subject: How did we do?\r\n"));
    assert_non_null(strstr(m, "Message-ID: <outbox-42@cxpulse>\r\n"));
    assert_non_null(strstr(m, "MIME-Version: 1.0\r\n"));
    assert_non_null(strstr(m, "List-Unsubscribe: <https://cx.example/u/abc>\r\n"));
    assert_non_null(strstr(m, "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"));
    assert_non_null(strstr(m, "Content-Type: multipart/alternative;\r\n boundary=\""));
    assert_non_null(strstr(m, "Content-Type: text/plain; charset=UTF-8\r\n"));
    assert_non_null(strstr(m, "Content-Type: text/html; charset=UTF-8\r\n"));
    assert_non_null(strstr(m, "Content-Transfer-Encoding: quoted-printable\r\n"));
    /* headers end before the first blank line, and the body has the parts */
    char *blank = strstr(m, "\r\n\r\n");
    assert_non_null(blank);
    assert_true(strstr(m, "List-Unsubscribe:") < blank);
    /* boundary is used three times: two parts and the close */
    const char *bp = strstr(m, "boundary=\"") + 10;
    char boundary[80];
    snprintf(boundary, sizeof boundary, "--%.*s", (int)(strchr(bp, '"') - bp), bp);
    int count = 0;
    for (const char *p = m; (p = strstr(p, boundary)); p++) count++;
    assert_int_equal(count, 3);
    char closing[90];
    snprintf(closing, sizeof closing, "%s--\r\n", boundary);
    assert_non_null(strstr(m, closing));
    /* quoted-printable escapes '=', trailing space and a leading dot */
    const char *tp = strstr(m, "quoted-printable\r\n\r\n") + 20;
    assert_non_null(strstr(tp, "1+1=3D2."));
    assert_non_null(strstr(tp, "\r\n=2Edot line"));
    assert_non_null(strstr(tp, "trailing space=20\r\n"));
    char decoded[512];
    const char *tend = strstr(tp, boundary);
    char part[512];
    snprintf(part, sizeof part, "%.*s", (int)(tend - tp), tp);
    qp_decode(part, decoded, sizeof decoded);
    assert_string_equal(decoded, "Hi Anna,\r\nrate us: 1+1=2.\r\n.dot line\r\ntrailing space "
                                 "\r\nend\r\n\r\n");
    free(m);

    /* non-ASCII subject and name: RFC 2047; non-ASCII body: base64; no html: one part */
    payload = "{\"to\":\"b@example.org\",\"subject\":\"Wie war's? \\u00dcberraschung "
              "\\ud83d\\ude00\",\"text\":\"\\u0645\\u0631\\u062d\\u0628\\u0627 "
              "\\u0645\\u0631\\u062d\\u0628\\u0627\"}";
    m = cx_email_build("J\xc3\xbcrgen <j@acme.example>", payload, NULL, 1700000000, &err);
    assert_non_null(m);
    no_bare_lf(m);
    assert_non_null(strstr(m, "Subject: =?UTF-8?B?"));
    assert_non_null(strstr(m, "From: =?UTF-8?B?SsO8cmdlbg==?= <j@acme.example>\r\n"));
    assert_non_null(strstr(m, "Date: Tue, 14 Nov 2023 22:13:20 +0000\r\n"));
    assert_null(strstr(m, "multipart"));
    assert_null(strstr(m, "List-Unsubscribe"));
    assert_non_null(strstr(m, "Content-Transfer-Encoding: base64\r\n"));
    /* the subject decodes back */
    const char *sp = strstr(m, "Subject: ") + 9;
    char subj[256] = "";
    while (strncmp(sp, "=?UTF-8?B?", 10) == 0) {
        sp += 10;
        const char *e = strstr(sp, "?=");
        unsigned char bin[64];
        size_t bl;
        assert_int_equal(sodium_base642bin(bin, sizeof bin, sp, (size_t)(e - sp), NULL, &bl, NULL,
                                           sodium_base64_VARIANT_ORIGINAL),
                         0);
        strncat(subj, (char *)bin, bl);
        sp = e + 2;
        if (strncmp(sp, "\r\n ", 3) == 0) sp += 3;
    }
    assert_string_equal(subj, "Wie war's? \xc3\x9c"
                              "berraschung \xf0\x9f\x98\x80");
    /* random Message-ID when no key */
    assert_non_null(strstr(m, "@cxpulse>\r\n"));
    free(m);

    /* a key with odd characters is escaped, not copied */
    m = cx_email_build("a@b.example", "{\"to\":\"c@d.example\",\"subject\":\"s\",\"text\":\"t\"}",
                       "row 7<x>", 0, &err);
    assert_non_null(m);
    assert_non_null(strstr(m, "Message-ID: <row=207=3Cx=3E@cxpulse>\r\n"));
    assert_non_null(strstr(m, "From: <a@b.example>\r\n"));
    free(m);
}

static void email_fails(const char *from, const char *payload, const char *needle)
{
    struct cx_err err = {{0}};
    char *m = cx_email_build(from, payload, "k", 0, &err);
    if (m) fail_msg("expected failure for %s", payload);
    if (!strstr(err.msg, needle)) fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_email_bad(void **state)
{
    const char *f = "x@acme.example";
    email_fails(f, "{\"subject\":\"s\",\"text\":\"t\"}", "to");
    email_fails(f, "{\"to\":\"a@b.c\",\"text\":\"t\"}", "subject");
    email_fails(f, "{\"to\":\"a@b.c\",\"subject\":\"s\"}", "text");
    email_fails(f, "{\"to\":\"a@b.c\\r\\nBcc: x@evil.example\",\"subject\":\"s\",\"text\":\"t\"}",
                "plain address");
    email_fails(f, "{\"to\":\"no-at-sign\",\"subject\":\"s\",\"text\":\"t\"}", "plain address");
    email_fails(f, "{\"to\":\"a@b@c\",\"subject\":\"s\",\"text\":\"t\"}", "plain address");
    email_fails(f, "{\"to\":\"a@b.c\",\"subject\":\"s\\r\\nBcc: x@evil.example\",\"text\":\"t\"}",
                "new line");
    email_fails(f,
                "{\"to\":\"a@b.c\",\"subject\":\"s\",\"text\":\"t\",\"unsubscribe_url\":"
                "\"javascript:alert(1)\"}",
                "unsubscribe_url");
    email_fails(f,
                "{\"to\":\"a@b.c\",\"subject\":\"s\",\"text\":\"t\",\"unsubscribe_url\":"
                "\"https://x/a>\\r\\nBcc: y\"}",
                "unsubscribe_url");
    email_fails(f, "{\"to\":\"a@b.c\",\"subject\":\"s\",\"text\":\"t\",\"html\":5}", "html");
    email_fails("Name <broken", "{\"to\":\"a@b.c\",\"subject\":\"s\",\"text\":\"t\"}",
                "CXPULSE_SMTP_FROM");
    email_fails(NULL, "{\"to\":\"a@b.c\",\"subject\":\"s\",\"text\":\"t\"}", "CXPULSE_SMTP_FROM");
    email_fails(f, "not json", "JSON");
    char *big = repeat("s", 901);
    char buf[2048];
    snprintf(buf, sizeof buf, "{\"to\":\"a@b.c\",\"subject\":\"%s\",\"text\":\"t\"}", big);
    email_fails(f, buf, "subject");
    free(big);
}

/* ---- WhatsApp webhook parsing ------------------------------------------ */

static const char *wa_full =
    "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"id\":\"102290129340398\","
    "\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\",\"metadata\":{"
    "\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"106540352242922\"},"
    "\"contacts\":[{\"profile\":{\"name\":\"Anna\"},\"wa_id\":\"4915112345678\"}],"
    "\"messages\":["
    "{\"from\":\"4915112345678\",\"id\":\"wamid.T1\",\"timestamp\":\"1700000000\",\"type\":"
    "\"text\",\"text\":{\"body\":\"Great service\"}},"
    "{\"from\":\"4915112345678\",\"id\":\"wamid.B1\",\"timestamp\":\"1700000001\",\"type\":"
    "\"interactive\",\"interactive\":{\"type\":\"button_reply\",\"button_reply\":{\"id\":\"s9\","
    "\"title\":\"9\"}}},"
    "{\"from\":\"4915112345678\",\"id\":\"wamid.L1\",\"timestamp\":\"1700000002\",\"type\":"
    "\"interactive\",\"interactive\":{\"type\":\"list_reply\",\"list_reply\":{\"id\":\"r10\","
    "\"title\":\"10\",\"description\":\"extremely\"}}},"
    "{\"context\":{\"from\":\"15550001111\",\"id\":\"wamid.X\"},\"from\":\"4915112345678\","
    "\"id\":\"wamid.Q1\",\"timestamp\":1700000003,\"type\":\"button\",\"button\":{\"text\":\"Yes\","
    "\"payload\":\"yes-payload\"}},"
    "{\"from\":\"4915112345678\",\"id\":\"wamid.I1\",\"timestamp\":\"1700000004\",\"type\":"
    "\"image\",\"image\":{\"id\":\"1\",\"mime_type\":\"image/jpeg\"}}"
    "]},\"field\":\"messages\"}]},"
    "{\"id\":\"102290129340398\",\"changes\":[{\"value\":{\"messaging_product\":\"whatsapp\","
    "\"metadata\":{\"display_phone_number\":\"15550001111\",\"phone_number_id\":\"1\"},"
    "\"statuses\":["
    "{\"id\":\"wamid.S1\",\"status\":\"sent\",\"timestamp\":\"1700000010\",\"recipient_id\":"
    "\"4915112345678\",\"conversation\":{\"id\":\"c\",\"origin\":{\"type\":\"utility\"}},"
    "\"pricing\":{\"billable\":true,\"pricing_model\":\"CBP\",\"category\":\"utility\"}},"
    "{\"id\":\"wamid.S1\",\"status\":\"delivered\",\"timestamp\":\"1700000011\","
    "\"recipient_id\":\"4915112345678\"},"
    "{\"id\":\"wamid.S1\",\"status\":\"read\",\"timestamp\":\"1700000012\",\"recipient_id\":"
    "\"4915112345678\"},"
    "{\"id\":\"wamid.S2\",\"status\":\"failed\",\"timestamp\":\"1700000013\",\"recipient_id\":"
    "\"4915112345679\",\"errors\":[{\"code\":131026,\"title\":\"Message undeliverable\"}]},"
    "{\"id\":\"wamid.S3\",\"status\":\"deleted\",\"timestamp\":\"1700000014\","
    "\"recipient_id\":\"4915112345679\"}"
    "]},\"field\":\"messages\"}]}]}";

static void test_wa_webhook(void **state)
{
    struct items s = {0};
    struct cx_err err = {{0}};
    assert_int_equal(cx_wa_parse_webhook(wa_full, strlen(wa_full), collect, &s, &err), CX_OK);
    assert_int_equal(s.n, 8);
    assert_int_equal(s.it[0].kind, CX_IN_MESSAGE);
    assert_string_equal(s.it[0].from, "4915112345678");
    assert_string_equal(s.it[0].id, "wamid.T1");
    assert_string_equal(s.it[0].text, "Great service");
    assert_string_equal(s.it[0].reply, "(null)");
    assert_int_equal(s.it[0].ts, 1700000000);
    assert_string_equal(s.it[1].reply, "s9");
    assert_string_equal(s.it[1].text, "9");
    assert_string_equal(s.it[2].reply, "r10");
    assert_string_equal(s.it[2].text, "10");
    assert_string_equal(s.it[3].reply, "yes-payload");
    assert_string_equal(s.it[3].text, "Yes");
    assert_int_equal(s.it[3].ts, 1700000003);
    /* the image is skipped; then the statuses, "deleted" skipped */
    assert_int_equal(s.it[4].kind, CX_IN_STATUS);
    assert_string_equal(s.it[4].status, "sent");
    assert_string_equal(s.it[4].id, "wamid.S1");
    assert_string_equal(s.it[4].from, "4915112345678");
    assert_string_equal(s.it[4].text, "(null)");
    assert_string_equal(s.it[5].status, "delivered");
    assert_string_equal(s.it[6].status, "read");
    assert_string_equal(s.it[7].status, "failed");
    assert_string_equal(s.it[7].from, "4915112345679");
    assert_int_equal(s.it[7].ts, 1700000013);

    /* a callback's non-zero return stops the walk and is returned */
    struct items stop = {.stop_at = 2};
    assert_int_equal(cx_wa_parse_webhook(wa_full, strlen(wa_full), collect, &stop, &err), 7);
    assert_int_equal(stop.n, 2);
    /* NULL callback: validation only */
    assert_int_equal(cx_wa_parse_webhook(wa_full, strlen(wa_full), NULL, NULL, &err), CX_OK);
    /* empty changes are fine */
    const char *empty = "{\"object\":\"whatsapp_business_account\",\"entry\":[]}";
    struct items none = {0};
    assert_int_equal(cx_wa_parse_webhook(empty, strlen(empty), collect, &none, &err), CX_OK);
    assert_int_equal(none.n, 0);
}

static void test_wa_webhook_bad(void **state)
{
    const char *bad[] = {
        "",
        "null",
        "[]",
        "{\"object\":\"page\",\"entry\":[]}",
        "{\"object\":\"whatsapp_business_account\"}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":{}}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[5]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":{}}}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":[{\"id\":\"x\",\"type\":\"text\",\"text\":{\"body\":\"b\"}}]}}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":[{\"from\":\"1\",\"id\":\"x\",\"type\":\"text\"}]}}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":[{\"from\":\"1\",\"id\":\"x\",\"type\":\"text\",\"timestamp\":\"12a\","
        "\"text\":{\"body\":\"b\"}}]}}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":[{\"from\":\"1\",\"id\":\"x\",\"type\":\"interactive\",\"interactive\":{"
        "\"type\":\"button_reply\",\"button_reply\":{\"id\":\"a\"}}}]}}]}]}",
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"statuses\":[{\"status\":\"read\"}]}}]}]}",
        NULL,
    };
    for (int i = 0; bad[i]; i++) {
        struct items s = {0};
        struct cx_err err = {{0}};
        int rc = cx_wa_parse_webhook(bad[i], strlen(bad[i]), collect, &s, &err);
        if (rc != CX_EINVAL) fail_msg("case %d: rc %d for %s", i, rc, bad[i]);
        assert_true(err.msg[0] != '\0');
        assert_int_equal(s.n, 0);
    }
    /* a good message before a bad one: nothing is reported */
    const char *half =
        "{\"object\":\"whatsapp_business_account\",\"entry\":[{\"changes\":[{\"value\":{"
        "\"messages\":[{\"from\":\"1\",\"id\":\"x\",\"type\":\"text\",\"text\":{\"body\":\"b\"}},"
        "{\"from\":\"1\",\"type\":\"text\",\"text\":{\"body\":\"b\"}}]}}]}]}";
    struct items s = {0};
    struct cx_err err;
    assert_int_equal(cx_wa_parse_webhook(half, strlen(half), collect, &s, &err), CX_EINVAL);
    assert_int_equal(s.n, 0);
    char *big = malloc(300 * 1024);
    memset(big, ' ', 300 * 1024);
    assert_int_equal(cx_wa_parse_webhook(big, 300 * 1024, collect, &s, &err), CX_ELIMIT);
    free(big);
    assert_int_equal(cx_wa_parse_webhook(NULL, 0, collect, &s, &err), CX_EINVAL);
}

/* ---- SMS webhook parsing ----------------------------------------------- */

static void test_sms_webhook(void **state)
{
    struct cx_err err = {{0}};
    struct items s = {0};
    const char *in = "ToCountry=DE&SmsMessageSid=SM1&NumMedia=0&SmsSid=SM1&SmsStatus=received&"
                     "Body=Sehr+gut%2C+danke%21+%C3%A9&To=%2B15550001111&MessageSid=SM1&"
                     "From=%2B4915112345678&ApiVersion=2010-04-01";
    assert_int_equal(cx_sms_parse_webhook("application/x-www-form-urlencoded", in, strlen(in),
                                          collect, &s, &err),
                     CX_OK);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.it[0].kind, CX_IN_MESSAGE);
    assert_string_equal(s.it[0].from, "+4915112345678");
    assert_string_equal(s.it[0].text, "Sehr gut, danke! \xc3\xa9");
    assert_string_equal(s.it[0].id, "SM1");
    /* sniffed as form */
    assert_int_equal(cx_sms_parse_webhook(NULL, in, strlen(in), collect, &s, &err), CX_OK);
    assert_int_equal(s.n, 2);

    const char *st[][2] = {{"delivered", "delivered"}, {"undelivered", "failed"},
                           {"failed", "failed"},       {"sent", "sent"},
                           {"queued", NULL},           {"read", "read"}};
    for (size_t i = 0; i < sizeof st / sizeof st[0]; i++) {
        char body[256];
        snprintf(body, sizeof body,
                 "SmsSid=SM9&SmsStatus=%s&MessageStatus=%s&To=%%2B4915112345678&MessageSid=SM9&"
                 "AccountSid=AC1",
                 st[i][0], st[i][0]);
        struct items t = {0};
        assert_int_equal(cx_sms_parse_webhook("application/x-www-form-urlencoded; charset=utf-8",
                                              body, strlen(body), collect, &t, &err),
                         CX_OK);
        if (!st[i][1]) {
            assert_int_equal(t.n, 0);
            continue;
        }
        assert_int_equal(t.n, 1);
        assert_int_equal(t.it[0].kind, CX_IN_STATUS);
        assert_string_equal(t.it[0].status, st[i][1]);
        assert_string_equal(t.it[0].id, "SM9");
        assert_string_equal(t.it[0].from, "+4915112345678");
        assert_string_equal(t.it[0].text, "(null)");
    }

    struct items j = {0};
    const char *js = "{\"from\":\"+4915112345678\",\"to\":\"+1555\",\"text\":\"ok\",\"id\":\"g-1\","
                     "\"timestamp\":1700000000}";
    assert_int_equal(cx_sms_parse_webhook("application/json", js, strlen(js), collect, &j, &err),
                     CX_OK);
    assert_int_equal(j.n, 1);
    assert_string_equal(j.it[0].text, "ok");
    assert_string_equal(j.it[0].id, "g-1");
    assert_int_equal(j.it[0].ts, 1700000000);
    const char *arr =
        " [{\"id\":7,\"status\":\"delivered\",\"to\":\"+49\"},{\"id\":\"x\",\"status\":"
        "\"queued\"},{\"id\":\"y\",\"from\":\"+1\",\"text\":\"\"}]";
    assert_int_equal(cx_sms_parse_webhook(NULL, arr, strlen(arr), collect, &j, &err), CX_OK);
    assert_int_equal(j.n, 3);
    assert_int_equal(j.it[1].kind, CX_IN_STATUS);
    assert_string_equal(j.it[1].id, "7");
    assert_string_equal(j.it[1].status, "delivered");
    assert_string_equal(j.it[2].text, "");
    struct items stop = {.stop_at = 1};
    assert_int_equal(cx_sms_parse_webhook(NULL, arr, strlen(arr), collect, &stop, &err), 7);
}

static void test_sms_webhook_bad(void **state)
{
    const char *bad[][2] = {
        {"application/x-www-form-urlencoded", "Body=hi&From=%2B1"},      /* no sid */
        {"application/x-www-form-urlencoded", "MessageSid=SM1&Body=hi"}, /* no From */
        {"application/x-www-form-urlencoded", "MessageSid=SM1&To=%2B1"}, /* neither */
        {"application/x-www-form-urlencoded", "MessageSid=SM1&Body=%zz&From=1"},
        {"application/x-www-form-urlencoded", "MessageSid=SM1&Body=%00&From=1"},
        {"application/x-www-form-urlencoded", "MessageSid=SM1&Body=%4"},
        {"application/json", "{\"from\":\"1\",\"text\":\"x\"}"},
        {"application/json", "{\"id\":\"1\",\"text\":5,\"from\":\"1\"}"},
        {"application/json", "{\"id\":\"1\"}"},
        {"application/json", "[1]"},
        {"application/json", "{"},
        {"text/plain", "MessageSid=SM1&Body=hi&From=1"},
        {NULL, ""},
        {NULL, NULL},
    };
    for (int i = 0; bad[i][1]; i++) {
        struct items s = {0};
        struct cx_err err = {{0}};
        int rc = cx_sms_parse_webhook(bad[i][0], bad[i][1], strlen(bad[i][1]), collect, &s, &err);
        if (rc != CX_EINVAL) fail_msg("case %d: rc %d for %s", i, rc, bad[i][1]);
        assert_int_equal(s.n, 0);
        assert_true(err.msg[0] != '\0');
    }
}

/* ---- settings ---------------------------------------------------------- */

static const char *env_keys[] = {"CXPULSE_SMTP_URL",   "CXPULSE_SMTP_FROM",    "CXPULSE_WA_TOKEN",
                                 "CXPULSE_SMS_PRESET", "CXPULSE_HTTP_TIMEOUT", NULL};

static void clear_env(void)
{
    for (int i = 0; env_keys[i]; i++) unsetenv(env_keys[i]);
}

static char *write_tmp(const char *text)
{
    char *path = strdup("/tmp/cx-chan-conf-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void test_config(void **state)
{
    clear_env();
    struct cx_chan_config c;
    struct cx_err err = {{0}};
    /* env only: defaults, nothing configured but webhooks */
    assert_int_equal(cx_chan_config_load(&c, NULL, &err), CX_OK);
    assert_string_equal(c.smtp_starttls, "try");
    assert_string_equal(c.wa_base_url, "https://graph.facebook.com");
    assert_string_equal(c.wa_api_version, "v21.0");
    assert_string_equal(c.wa_template_lang, "en");
    assert_string_equal(c.sms_preset, "generic");
    assert_string_equal(c.sms_content_type, "application/json");
    assert_string_equal(c.sms_body_template,
                        "{\"to\":\"{to}\",\"from\":\"{from}\",\"text\":\"{text}\"}");
    assert_int_equal(c.http_timeout, 10);
    assert_int_equal(cx_chan_configured(&c, "email"), 0);
    assert_int_equal(cx_chan_configured(&c, "whatsapp"), 0);
    assert_int_equal(cx_chan_configured(&c, "sms"), 0);
    assert_int_equal(cx_chan_configured(&c, "webhook"), 1);
    assert_int_equal(cx_chan_configured(&c, "pigeon"), 0);
    cx_chan_config_free(&c);

    char *path = write_tmp("# channels\n\n"
                           "CXPULSE_SMTP_URL = smtp://mail.example:587\n"
                           "CXPULSE_SMTP_FROM=\"Acme <cx@acme.example>\"\n"
                           "CXPULSE_SMTP_PASSWORD=hunter2\n"
                           "  CXPULSE_WA_PHONE_NUMBER_ID=106540352242922\n"
                           "CXPULSE_WA_TOKEN=EAAGsecret\n"
                           "CXPULSE_SMS_PRESET=twilio\n"
                           "CXPULSE_SMS_ACCOUNT_SID=AC123\n"
                           "CXPULSE_SMS_AUTH_TOKEN=tok\n"
                           "CXPULSE_SMS_FROM=+15550001111\n"
                           "CXPULSE_HTTP_TIMEOUT=3\n"
                           "OTHER_APP_SETTING=whatever\n");
    setenv("CXPULSE_SMTP_URL", "smtps://override.example:465", 1);
    setenv("CXPULSE_HTTP_TIMEOUT", "7", 1);
    assert_int_equal(cx_chan_config_load(&c, path, &err), CX_OK);
    assert_string_equal(c.smtp_url, "smtps://override.example:465"); /* env wins */
    assert_string_equal(c.smtp_from, "Acme <cx@acme.example>");      /* quotes stripped */
    assert_string_equal(c.wa_phone_number_id, "106540352242922");
    assert_int_equal(c.http_timeout, 7);
    assert_int_equal(cx_chan_configured(&c, "email"), 1);
    assert_int_equal(cx_chan_configured(&c, "whatsapp"), 1);
    assert_int_equal(cx_chan_configured(&c, "sms"), 1);
    char *d = cx_chan_config_describe(&c);
    assert_non_null(d);
    assert_null(strstr(d, "hunter2"));
    assert_null(strstr(d, "EAAGsecret"));
    assert_null(strstr(d, "=tok\n"));
    assert_non_null(strstr(d, "CXPULSE_SMTP_PASSWORD=(set)\n"));
    assert_non_null(strstr(d, "CXPULSE_WA_APP_SECRET=(unset)\n"));
    assert_non_null(strstr(d, "CXPULSE_SMTP_URL=smtps://override.example:465\n"));
    free(d);
    cx_chan_config_free(&c);
    cx_chan_config_free(NULL);
    clear_env();
    unlink(path);
    free(path);

    /* credentials inside a URL are masked too */
    setenv("CXPULSE_SMTP_URL", "smtp://user:pw@mail.example", 1);
    assert_int_equal(cx_chan_config_load(&c, NULL, &err), CX_OK);
    d = cx_chan_config_describe(&c);
    assert_null(strstr(d, "user:pw"));
    assert_non_null(strstr(d, "smtp://(credentials)@mail.example"));
    free(d);
    cx_chan_config_free(&c);
    clear_env();

    /* a missing file counts as empty */
    assert_int_equal(cx_chan_config_load(&c, "/nonexistent/cx/channels.env", &err), CX_OK);
    cx_chan_config_free(&c);
}

static void config_fails(const char *text, int want, const char *needle)
{
    char *path = write_tmp(text);
    struct cx_chan_config c;
    struct cx_err err = {{0}};
    int rc = cx_chan_config_load(&c, path, &err);
    unlink(path);
    free(path);
    if (rc != want) fail_msg("rc %d (want %d) for %s: %s", rc, want, text, err.msg);
    if (!strstr(err.msg, needle)) fail_msg("error '%s' does not mention '%s'", err.msg, needle);
}

static void test_config_bad(void **state)
{
    clear_env();
    config_fails("# x\nCXPULSE_SMTP_URL=smtp://a\nCXPULSE_SMTP_URLL=x\n", CX_EFORMAT,
                 ":3: unknown key CXPULSE_SMTP_URLL");
    config_fails("CXPULSE_SMTP_URL\n", CX_EFORMAT, ":1: expected KEY=VALUE");
    config_fails("CXPULSE_SMTP_STARTTLS=maybe\n", CX_EINVAL, "CXPULSE_SMTP_STARTTLS");
    config_fails("CXPULSE_SMS_PRESET=nexmo\n", CX_EINVAL, "CXPULSE_SMS_PRESET");
    config_fails("CXPULSE_SMTP_URL=http://mail\n", CX_EINVAL, "CXPULSE_SMTP_URL");
    config_fails("CXPULSE_WA_BASE_URL=ftp://x\n", CX_EINVAL, "CXPULSE_WA_BASE_URL");
    config_fails("CXPULSE_HTTP_TIMEOUT=0\n", CX_EINVAL, "CXPULSE_HTTP_TIMEOUT");
    config_fails("CXPULSE_HTTP_TIMEOUT=10s\n", CX_EINVAL, "CXPULSE_HTTP_TIMEOUT");
    config_fails("CXPULSE_SMS_CONTENT_TYPE=text/plain\n", CX_EINVAL, "CXPULSE_SMS_CONTENT_TYPE");
    config_fails("CXPULSE_SMS_BODY_TEMPLATE={\"to\":{to}}\n", CX_EINVAL,
                 "CXPULSE_SMS_BODY_TEMPLATE");
    config_fails("CXPULSE_WA_PHONE_NUMBER_ID=12/../34\n", CX_EINVAL, "CXPULSE_WA_PHONE_NUMBER_ID");
    /* the value of a secret never shows up in an error */
    config_fails("CXPULSE_WA_TOKEN=abc\nCXPULSE_WA_BASE_URL=gopher://sekrit\n", CX_EINVAL,
                 "CXPULSE_WA_BASE_URL");
    /* env values are checked too */
    setenv("CXPULSE_SMS_PRESET", "bogus", 1);
    struct cx_chan_config c;
    struct cx_err err;
    assert_int_equal(cx_chan_config_load(&c, NULL, &err), CX_EINVAL);
    clear_env();
    /* form content type with a form template is accepted */
    char *path = write_tmp("CXPULSE_SMS_CONTENT_TYPE=application/x-www-form-urlencoded\n"
                           "CXPULSE_SMS_BODY_TEMPLATE=dst={to}&msg={text}\n"
                           "CXPULSE_SMS_URL=http://127.0.0.1:9/sms\n");
    assert_int_equal(cx_chan_config_load(&c, path, &err), CX_OK);
    assert_int_equal(cx_chan_configured(&c, "sms"), 1);
    cx_chan_config_free(&c);
    unlink(path);
    free(path);
}

/* ---- cx_chan_send refusals (no network needed) -------------------------- */

static void test_send_refusals(void **state)
{
    clear_env();
    struct cx_chan_config c;
    struct cx_err err;
    assert_int_equal(cx_chan_config_load(&c, NULL, &err), CX_OK);
    struct cx_send_result r;
    /* not configured */
    assert_int_equal(cx_chan_send(&c, "email", "{}", NULL, &r), CX_EINVAL);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_non_null(strstr(r.error, "not configured"));
    assert_int_equal(cx_chan_send(&c, "fax", "{}", NULL, &r), CX_EINVAL);
    assert_non_null(strstr(r.error, "unknown channel"));
    /* bad webhook payloads */
    assert_int_equal(
        cx_chan_send(&c, "webhook", "{\"url\":\"file:///etc/passwd\",\"body\":{}}", NULL, &r),
        CX_EINVAL);
    assert_int_equal(r.status, CX_SEND_PERM);
    assert_int_equal(
        cx_chan_send(&c, "webhook", "{\"url\":\"http://127.0.0.1:9/\",\"body\":3}", NULL, &r),
        CX_EINVAL);
    assert_int_equal(cx_chan_send(&c, "webhook", "nope", NULL, &r), CX_EINVAL);
    assert_int_equal(cx_chan_send(&c, "webhook", NULL, NULL, &r), CX_EINVAL);
    /* over 256 KiB */
    size_t n = 256 * 1024 + 10;
    char *big = malloc(n + 1);
    memset(big, ' ', n);
    big[n] = '\0';
    big[0] = '{';
    big[n - 1] = '}';
    assert_int_equal(cx_chan_send(&c, "webhook", big, NULL, &r), CX_EINVAL);
    assert_non_null(strstr(r.error, "larger"));
    free(big);
    cx_chan_config_free(&c);

    /* an unreachable port: TEMP, attempt made */
    setenv("CXPULSE_HTTP_TIMEOUT", "2", 1);
    assert_int_equal(cx_chan_config_load(&c, NULL, &err), CX_OK);
    assert_int_equal(
        cx_chan_send(&c, "webhook", "{\"url\":\"http://127.0.0.1:9/x\",\"body\":{}}", NULL, &r),
        CX_OK);
    assert_int_equal(r.status, CX_SEND_TEMP);
    assert_int_equal(r.http_status, 0);
    assert_true(r.error[0] != '\0');
    cx_chan_config_free(&c);
    clear_env();
}

/* ---- garbage ------------------------------------------------------------ */

static int count_cb(void *ctx, const struct cx_inbound *in)
{
    (*(int *)ctx)++;
    assert_non_null(in->msg_id);
    if (in->kind == CX_IN_STATUS) assert_non_null(in->status);
    return 0;
}

static void test_garbage(void **state)
{
    uint64_t x = 88172645463325252ULL;
    char buf[512];
    const char *alphabet = "{}[]\":,0a=&%+\\ \x80\xff"
                           "objectentrychangesvaluemessagesstatusestextidfromtype";
    size_t alen = strlen(alphabet);
    for (int round = 0; round < 20000; round++) {
        size_t n = (size_t)(x % (sizeof buf - 1));
        for (size_t i = 0; i < n; i++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            buf[i] = alphabet[x % alen];
        }
        buf[n] = '\0';
        struct cx_err err;
        int count = 0;
        int rc = cx_wa_parse_webhook(buf, n, count_cb, &count, &err);
        assert_true(rc == CX_OK || rc == CX_EINVAL);
        rc = cx_sms_parse_webhook(NULL, buf, n, count_cb, &count, &err);
        assert_true(rc == CX_OK || rc == CX_EINVAL);
        rc = cx_sms_parse_webhook("application/x-www-form-urlencoded", buf, n, count_cb, &count,
                                  &err);
        assert_true(rc == CX_OK || rc == CX_EINVAL);
        assert_int_equal(cx_chan_signature_ok("k", buf, n, buf), 0);
        char *s = cx_wa_build(buf, &err);
        free(s);
        s = cx_email_build("a@b.example", buf, buf, 0, &err);
        free(s);
    }
    /* mutations of a valid webhook */
    size_t wl = strlen(wa_full);
    char *m = malloc(wl + 1);
    for (int round = 0; round < 5000; round++) {
        memcpy(m, wa_full, wl + 1);
        for (int k = 0; k < 3; k++) {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            m[x % wl] = alphabet[(x >> 20) % alen];
        }
        struct cx_err err;
        int count = 0;
        int rc = cx_wa_parse_webhook(m, wl, count_cb, &count, &err);
        assert_true(rc == CX_OK || rc == CX_EINVAL);
        if (rc == CX_EINVAL) assert_int_equal(count, 0);
    }
    free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_signature_vectors), cmocka_unit_test(test_wa_build_shapes),
        cmocka_unit_test(test_wa_build_limits),   cmocka_unit_test(test_email_build),
        cmocka_unit_test(test_email_bad),         cmocka_unit_test(test_wa_webhook),
        cmocka_unit_test(test_wa_webhook_bad),    cmocka_unit_test(test_sms_webhook),
        cmocka_unit_test(test_sms_webhook_bad),   cmocka_unit_test(test_config),
        cmocka_unit_test(test_config_bad),        cmocka_unit_test(test_send_refusals),
        cmocka_unit_test(test_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
