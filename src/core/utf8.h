/* utf8.h - UTF-8 validation. Pure. */
#ifndef CX_UTF8_H
#define CX_UTF8_H

#include <stddef.h>

/* Returns 1 if s[0..len) is well-formed UTF-8 (RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF) and holds no NUL byte; 0 otherwise.
 * If bad_offset is non-NULL it receives the offset of the first bad byte. */
int cx_utf8_valid(const char *s, size_t len, size_t *bad_offset);

#endif
