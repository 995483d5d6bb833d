/* fuzz_chan_webhook.c - libFuzzer target for the provider webhook parsers
 * (WhatsApp Cloud API JSON, SMS form and JSON) and the signature checker.
 *
 * Input layout: the first byte picks the SMS content type (sniffed, JSON or
 * form); the rest is the body. Every item reported must have the fields its
 * kind promises, and a body that fails must report nothing. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "channel/channel.h"

struct seen {
    int n;
};

static int check(void *ctx, const struct cx_inbound *in)
{
    struct seen *s = ctx;
    if (!in->msg_id) abort();
    if (in->kind == CX_IN_MESSAGE) {
        if (!in->from || !in->text || in->status) abort();
        (void)strlen(in->from);
        (void)strlen(in->text);
        if (in->reply_id) (void)strlen(in->reply_id);
    } else if (in->kind == CX_IN_STATUS) {
        if (!in->status || in->text) abort();
        if (strcmp(in->status, "sent") && strcmp(in->status, "delivered") &&
            strcmp(in->status, "read") && strcmp(in->status, "failed"))
            abort();
    } else {
        abort();
    }
    s->n++;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    static const char *const ctypes[] = {NULL, "application/json",
                                         "application/x-www-form-urlencoded"};
    const char *ctype = ctypes[data[0] % 3];
    const char *body = (const char *)data + 1;
    size_t len = size - 1;
    struct cx_err err;
    struct seen s = {0};
    int rc = cx_wa_parse_webhook(body, len, check, &s, &err);
    if (rc != CX_OK && s.n) abort(); /* all or nothing */
    if (rc != CX_OK && rc != CX_EINVAL && rc != CX_ELIMIT) abort();
    s.n = 0;
    rc = cx_sms_parse_webhook(ctype, body, len, check, &s, &err);
    if (rc != CX_OK && s.n) abort();
    if (rc != CX_OK && rc != CX_EINVAL && rc != CX_ELIMIT) abort();

    /* a signature made by cx_chan_sign always verifies; the body itself as a
     * header (NUL-terminated copy) never does unless it is that signature */
    char sig[72];
    if (cx_chan_sign("fuzz-secret", body, len, sig) != CX_OK) abort();
    if (!cx_chan_signature_ok("fuzz-secret", body, len, sig)) abort();
    char *hdr = malloc(len + 1);
    if (!hdr) return 0;
    memcpy(hdr, body, len);
    hdr[len] = '\0';
    if (cx_chan_signature_ok("fuzz-secret", body, len, hdr) && strcasecmp(hdr, sig) != 0) abort();
    free(hdr);
    return 0;
}
