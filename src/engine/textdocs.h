/* textdocs.h - the texts topics are mined from: response comments (with
 * their score) and event texts (emails, chats, call notes). */
#ifndef CX_TEXTDOCS_H
#define CX_TEXTDOCS_H

#include <stddef.h>

#include "core/cx.h"
#include "store/store.h"
#include "text/topics.h"

enum cx_text_source { CX_TEXT_ALL, CX_TEXT_COMMENTS, CX_TEXT_EVENTS };

struct cx_textdocs {
    struct cx_doc *docs;
    size_t n, cap;
    char *lang_filter; /* NULL: any */
};

/* Loads texts from responses and/or events with time in [from, to) (either
 * bound may be absent). Comment scores are normalised to 0..1 within their
 * scale (1 = best; stored CES is higher = easier). Free with
 * cx_textdocs_free. */
int cx_textdocs_load(struct cx_store *s, enum cx_text_source src, const struct cx_scan_filter *f,
                     const char *lang, struct cx_textdocs *out, struct cx_err *err);
void cx_textdocs_free(struct cx_textdocs *d);

#endif
