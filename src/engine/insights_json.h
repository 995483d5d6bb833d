/* insights_json.h - drivers, topics and lost customers as JSON, shared by
 * the CLI (--format json) and the API. Each returns a new reference or NULL. */
#ifndef CX_INSIGHTS_JSON_H
#define CX_INSIGHTS_JSON_H

#include <jansson.h>

#include "engine/drivers.h"
#include "engine/lost.h"
#include "text/topics.h"

/* all = 0 leaves out patterns that are not significant */
json_t *cx_drivers_json(const struct cx_driver *d, size_t n, int all);
json_t *cx_topics_json(const struct cx_topic *t, size_t n);
json_t *cx_lost_json(const struct cx_lost *l, size_t n);

#endif
