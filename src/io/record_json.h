/* record_json.h - responses and events as JSON objects (export, journeys,
 * the API). Field names and formats are those of SPEC §2, so the output
 * imports back unchanged. */
#ifndef CX_RECORD_JSON_H
#define CX_RECORD_JSON_H

#include <jansson.h>

#include "io/record.h"

/* New JSON objects (caller owns the reference); NULL on allocation failure.
 * Attributes become top-level keys. */
json_t *cx_response_to_json(const struct cx_response *r);
json_t *cx_event_to_json(const struct cx_event *e);

#endif
