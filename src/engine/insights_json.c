#include "engine/insights_json.h"

#include <math.h>
#include <stdio.h>
#include <time.h>

static json_t *num(double v)
{
    return isfinite(v) ? json_real(v) : json_null();
}

json_t *cx_drivers_json(const struct cx_driver *d, size_t n, int all)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        if (!all && !d[i].significant) continue;
        json_t *x = json_pack(
            "{s:s,s:s,s:s?,s:s?,s:s?,s:I,s:I,s:o,s:o,s:o,s:o,s:o,s:o,s:o,s:o,"
            "s:b}",
            "feature", d[i].feature, "label", d[i].label, "base", d[i].base, "touchpoint",
            d[i].touchpoint, "channel", d[i].channel, "n_with", (json_int_t)d[i].n_with,
            "n_without", (json_int_t)d[i].n_without, "mean_with", num(d[i].mean_with),
            "mean_without", num(d[i].mean_without), "effect", num(d[i].effect), "low_with",
            num(d[i].low_with), "low_without", num(d[i].low_without), "lift", num(d[i].lift), "p",
            num(d[i].p), "p_adjusted", num(d[i].p_adjusted), "significant", d[i].significant);
        json_array_append_new(arr, x);
    }
    return arr;
}

json_t *cx_topics_json(const struct cx_topic *t, size_t n)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        json_t *x = json_pack("{s:s,s:s,s:s,s:I,s:I,s:o,s:o,s:o,s:b}", "label", t[i].label, "lang",
                              t[i].lang, "langs", t[i].langs, "count", (json_int_t)t[i].count,
                              "prev_count", (json_int_t)t[i].prev_count, "share", num(t[i].share),
                              "prev_share", num(t[i].prev_share), "trend_p", num(t[i].trend_p),
                              "trend_significant", t[i].trend_significant);
        json_object_set_new(x, "mean_score", t[i].nscore ? num(t[i].mean_score) : json_null());
        json_t *ex = json_array(), *ph = json_array();
        for (size_t k = 0; k < t[i].nexamples; k++)
            json_array_append_new(ex, json_string(t[i].examples[k]));
        for (size_t k = 0; k < t[i].nphrasings; k++)
            json_array_append_new(ph, json_string(t[i].phrasings[k]));
        json_object_set_new(x, "examples", ex);
        json_object_set_new(x, "phrasings", ph);
        json_array_append_new(arr, x);
    }
    return arr;
}

json_t *cx_lost_json(const struct cx_lost *l, size_t n)
{
    static const char *const kinds[CX_NKINDS] = {"nps", "csat", "ces"};
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < n; i++) {
        char d[16], tb[40];
        time_t x0 = (time_t)l[i].left_at;
        struct tm tm;
        strftime(d, sizeof d, "%Y-%m-%d", gmtime_r(&x0, &tm));
        json_t *x = json_pack("{s:s,s:s,s:s}", "customer", l[i].customer, "reason",
                              cx_lost_reason_name(l[i].reason), "left", d);
        for (int k = 0; k < CX_NKINDS; k++)
            if (l[i].last[k].has) {
                char key[24];
                snprintf(key, sizeof key, "last_%s", kinds[k]);
                json_object_set_new(x, key, json_integer(l[i].last[k].score));
                snprintf(key, sizeof key, "mean_%s", kinds[k]);
                json_object_set_new(x, key, num(l[i].mean[k]));
            }
        json_t *b = json_array();
        for (size_t k = 0; k < l[i].nbefore; k++) {
            const struct cx_lost_event *e = &l[i].before[k];
            json_t *ev = json_pack("{s:s,s:s,s:s}", "time", cx_time_format(e->t, tb), "type",
                                   e->type, "channel", e->channel);
            if (e->text) json_object_set_new(ev, "text", json_string(e->text));
            json_array_append_new(b, ev);
        }
        json_object_set_new(x, "before", b);
        json_array_append_new(arr, x);
    }
    return arr;
}
