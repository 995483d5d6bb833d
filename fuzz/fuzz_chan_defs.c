/* libFuzzer driver for trigger and alert definitions (engine/deliver.h):
 * the input, as a NUL-terminated string, goes to cx_trigger_validate and
 * cx_alert_validate. Each answers CX_OK or CX_EINVAL with a message; an
 * accepted definition has a valid id that fits any buffer, is accepted
 * again after a round trip through jansson, and is never both a trigger
 * and an alert (each needs a key the other refuses). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "engine/deliver.h"

typedef int (*validate_fn)(const char *json, char *id, size_t idcap, struct cx_err *err);

static int valid_id(const char *id)
{
    size_t n = strlen(id);
    if (n == 0 || n > 64) return 0;
    for (size_t i = 0; i < n; i++)
        if (!((id[i] >= 'a' && id[i] <= 'z') || (id[i] >= '0' && id[i] <= '9') || id[i] == '-' ||
              id[i] == '_'))
            return 0;
    return 1;
}

/* Returns 1 when fn accepts text. */
static int check(validate_fn fn, const char *text)
{
    char id[65], small[5];
    struct cx_err err;
    memset(id, 'X', sizeof id);
    memset(&err, 0, sizeof err);
    int rc = fn(text, id, sizeof id, &err);
    if (rc != CX_OK && rc != CX_EINVAL) abort();
    if (rc) {
        if (!err.msg[0] || !memchr(err.msg, 0, sizeof err.msg)) abort();
        return 0;
    }
    if (!memchr(id, 0, sizeof id) || !valid_id(id)) abort();
    /* deterministic, and a short buffer gets a NUL-terminated prefix */
    memset(small, 'X', sizeof small);
    if (fn(text, small, sizeof small, &err) != CX_OK) abort();
    if (!memchr(small, 0, sizeof small) || strncmp(small, id, strlen(small))) abort();
    if (strlen(small) != (strlen(id) < sizeof small ? strlen(id) : sizeof small - 1)) abort();
    /* the same definition written out again is still valid, same id */
    json_t *j = json_loads(text, 0, NULL);
    if (!j) abort();
    char *again = json_dumps(j, JSON_COMPACT);
    json_decref(j);
    if (again) {
        char id2[65];
        if (fn(again, id2, sizeof id2, &err) != CX_OK || strcmp(id, id2)) abort();
        free(again);
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16) return 0;
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = 0;
    int trig = check(cx_trigger_validate, text);
    int alrt = check(cx_alert_validate, text);
    if (trig && alrt) abort();
    free(text);
    return 0;
}
