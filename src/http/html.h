/* html.h - a growable text buffer for server-rendered pages (HTML, SVG,
 * CSV) with a hard size limit, and escaping helpers.
 *
 * Appends never fail visibly: on allocation failure or when the limit is
 * reached the buffer sets oom and ignores further appends; the caller checks
 * oom once before sending. cx_html_take hands the bytes to the caller. */
#ifndef CX_HTML_H
#define CX_HTML_H

#include <stddef.h>

#define CX_HTML_LIMIT (16u << 20) /* 16 MiB per page */

struct cx_html {
    char *p; /* NUL-terminated while not oom */
    size_t len, cap;
    int oom;
};

/* Appends len bytes as they are. */
void cx_html_put(struct cx_html *h, const char *s, size_t len);
/* Appends a NUL-terminated string as it is. */
void cx_html_raw(struct cx_html *h, const char *s);
/* Appends printf output as it is (escape arguments yourself). */
void cx_html_printf(struct cx_html *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped (NULL appends nothing). Safe in text and
 * in quoted attribute values. */
void cx_html_esc(struct cx_html *h, const char *s);
/* Appends s percent-encoded for a URL query component (NULL: nothing). */
void cx_html_url(struct cx_html *h, const char *s);
/* Appends s as one CSV field (RFC 4180: quoted only when needed). */
void cx_html_csv(struct cx_html *h, const char *s);
/* Returns the malloc'ed bytes (NULL when oom) and resets h; *len gets the
 * length. The caller frees. */
char *cx_html_take(struct cx_html *h, size_t *len);
/* Frees the buffer and resets h. */
void cx_html_free(struct cx_html *h);

#endif
