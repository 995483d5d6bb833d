/* form.h - application/x-www-form-urlencoded bodies (survey page posts). */
#ifndef CX_FORM_H
#define CX_FORM_H

#include <stddef.h>

#define CX_FORM_MAX_PAIRS 32

struct cx_form {
    size_t n;
    const char *key[CX_FORM_MAX_PAIRS];
    const char *val[CX_FORM_MAX_PAIRS];
    size_t vlen[CX_FORM_MAX_PAIRS];
    char *buf; /* decoded text of every key and value, owned */
};

/* Parses s[0..len): pairs separated by '&', "key=value" (a missing '='
 * gives an empty value), '+' as space, %XX escapes. Empty pairs are
 * skipped. Returns 0, or -1 (form cleared) for a bad escape, more than
 * CX_FORM_MAX_PAIRS pairs, or a key or value holding a NUL byte; -2 when out
 * of memory. Free with cx_form_free. */
int cx_form_parse(const char *s, size_t len, struct cx_form *f);
void cx_form_free(struct cx_form *f);
/* The value of the first pair named key, or NULL. */
const char *cx_form_get(const struct cx_form *f, const char *key);

#endif
