/* deliver.h - surveys over email, WhatsApp, SMS and chat: invitations with
 * their outbound messages, triggers, the fatigue cap, quiet hours, opt-outs,
 * survey conversations and alerts. Everything here runs inside the caller's
 * store transaction (the server's writer), so an acknowledged event and the
 * survey it schedules are durable together. Sending is the dispatcher's job
 * (engine/dispatch.h). */
#ifndef CX_DELIVER_H
#define CX_DELIVER_H

#include <stddef.h>
#include <stdint.h>

#include "core/survey.h"
#include "store/store.h"

struct cx_delivery_cfg {
    const char *base_url;       /* start of links ("http://127.0.0.1:8080") */
    const char *company;        /* {company} in texts */
    int fatigue_days;           /* a customer is surveyed at most once per N days (0 = no cap) */
    int quiet_start, quiet_end; /* local hours [start, end) with no surveys (equal = none) */
    const char *default_tz;     /* zone for customers without one (NULL = UTC) */
    int expires_days;           /* invitation lifetime (default 28) */
    const char *wa_template;    /* approved template for outside the 24 h window, NULL = none */
    const char *wa_template_lang;
    int max_event_age_s; /* events older than this fire no trigger (backfills); default 7 days */
    void *cache;         /* the hook's triggers and alerts, per transaction (cx_delivery_clear) */
};

/* Frees what the hook cached in cfg. */
void cx_delivery_clear(struct cx_delivery_cfg *cfg);

/* A phone number as "+" and digits ("4790 000 001" -> "+4790000001");
 * anything that is not a phone number is copied unchanged. */
void cx_deliver_norm_phone(const char *in, char *out, size_t cap);

/* Fills cfg with the defaults (fatigue 30 days, quiet 21-8, 28-day links). */
void cx_delivery_defaults(struct cx_delivery_cfg *cfg);

/* Creates an invitation of survey sv (id sv->id) for customer over channel
 * (email, whatsapp, sms) to recipient, and its first outbound message due
 * at `due`. lang "" = the survey's default. context: attrs blob or NULL.
 * Chat channels also open the survey conversation. *inv_id gets the
 * invitation. */
int cx_deliver_invite(struct cx_store *s, const struct cx_delivery_cfg *cfg,
                      const struct cx_survey *sv, const char *customer, const char *channel,
                      const char *recipient, const char *lang, const unsigned char *context,
                      size_t context_len, int64_t now, int64_t due, int64_t *inv_id,
                      struct cx_err *err);

/* Moves t out of the quiet hours of zone tz (NULL/"" = cfg->default_tz):
 * returns t, or the end of the quiet period that contains it. */
int64_t cx_deliver_after_quiet(const struct cx_delivery_cfg *cfg, const char *tz, int64_t t);

/* 1 when the customer (or their email/phone) opted out. */
int cx_deliver_opted_out(struct cx_store *s, const char *customer, const struct cx_contact *c,
                         int *out, struct cx_err *err);

/* The store hook (struct cx_store.after_insert, set on the server's writer
 * store with ctx = a struct cx_delivery_cfg): for every newly stored row, keeps
 * contacts from the attributes email/phone/lang/tz, fires triggers for
 * events (matching type and attributes; sampling; one survey per ticket;
 * the fatigue cap; opt-outs; quiet hours) and low-score alerts for
 * responses. */
int cx_deliver_hook(void *ctx, struct cx_store *s, int is_event, const void *row,
                    struct cx_err *err);

/* What happened to one trigger evaluation (for tests and logs). */
enum cx_trigger_outcome {
    CX_TRIG_SCHEDULED,
    CX_TRIG_NO_MATCH,
    CX_TRIG_SAMPLED_OUT,
    CX_TRIG_FATIGUE,
    CX_TRIG_OPTED_OUT,
    CX_TRIG_TICKET_DONE,
    CX_TRIG_NO_ADDRESS,
    CX_TRIG_TOO_OLD,
    CX_TRIG_DISABLED,
};
const char *cx_trigger_outcome_name(enum cx_trigger_outcome o);

/* Validates a trigger definition (JSON text): id, event_type, survey,
 * channel email|whatsapp|sms, delay_minutes 0-43200, sample_percent 0-100,
 * match object of strings, enabled. CX_EINVAL with err naming the field. */
int cx_trigger_validate(const char *json, char *id, size_t idcap, struct cx_err *err);
/* The same for alerts: kind low_score (metric, threshold: a score at or
 * below fires) or metric_drop (metric, window_days), and a webhook_url
 * and/or email. */
int cx_alert_validate(const char *json, char *id, size_t idcap, struct cx_err *err);

/* Queues alert alert_id's messages (webhook and/or email per its definition
 * def_json) with body_json; idem_tail makes the message ids unique per
 * occasion. Marks the alert fired. */
int cx_deliver_alert(struct cx_store *s, const char *alert_id, const char *def_json,
                     const char *body_json, const char *subject, const char *idem_tail, int64_t now,
                     struct cx_err *err);

/* One inbound chat message (WhatsApp, SMS or the chat endpoint). channel is
 * "whatsapp", "sms" or "chat"; from the sender's address (phone number or
 * chat conversation id); reply_id an interactive reply's id ("score:N") or
 * NULL; msg_id the provider's message id (a webhook delivered twice is
 * handled once) or NULL. Runs the survey conversation: opt keywords, the score (parsed
 * leniently, one re-ask when unclear), the follow-up, thanks. The answer
 * is stored as response "inv-<invitation>" (the follow-up becomes its
 * comment). Replies are queued in the outbox, except for chat (sync): then
 * they are appended to replies (up to 4, malloc'ed texts) for the caller.
 * HELP is answered at any step without changing it. Unknown senders get
 * nothing, except STOP/START (the opt-out list is by address) and HELP. */
struct cx_conv_replies {
    char *text[4];
    size_t n;
    int done;     /* the conversation is over */
    int recorded; /* a score or comment was stored */
};
void cx_conv_replies_free(struct cx_conv_replies *r);
int cx_deliver_inbound(struct cx_store *s, const struct cx_delivery_cfg *cfg, const char *channel,
                       const char *from, const char *text, const char *reply_id, const char *msg_id,
                       int64_t now, struct cx_conv_replies *sync, struct cx_err *err);

/* The outbound message m was sent: a WhatsApp or SMS survey's conversation
 * now waits for the score (before that, the customer's texts are not taken
 * as answers). Other messages: nothing. */
int cx_deliver_sent(struct cx_store *s, const struct cx_outbox_msg *m, int64_t now,
                    struct cx_err *err);

/* A provider status update (sent, delivered, read, failed) for the message
 * with provider id msg_id: marks its invitation delivered, opened or
 * failed. Unknown ids are ignored. */
int cx_deliver_status(struct cx_store *s, const char *msg_id, const char *status, int64_t when,
                      struct cx_err *err);

/* Opts address out (or back in): "phone:+47...", "email:...", or a customer
 * id ("customer:ID"); the customer's contact is looked up so that the
 * choice holds on every channel. */
int cx_deliver_optout(struct cx_store *s, const char *address, int out, const char *source,
                      int64_t now, struct cx_err *err);

#endif
