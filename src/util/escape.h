/* escape.h - writing text into HTML. */
#ifndef CX_ESCAPE_H
#define CX_ESCAPE_H

#include <stdio.h>

/* Writes s to f with & < > " ' escaped: safe in HTML text and in quoted
 * attribute values. NULL writes nothing. */
void cx_fput_html(FILE *f, const char *s);

#endif
