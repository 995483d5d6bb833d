/* decimal.h - exact numbers from text: plain decimals and integers. Pure. */
#ifndef CX_DECIMAL_H
#define CX_DECIMAL_H

#include <stddef.h>
#include <stdint.h>

/* Nano-units: a decimal d is stored as the integer d * 1e9. */
#define CX_NANO 1000000000LL

/* Parses a plain decimal per SPEC §2.4: an optional '-', one or more ASCII
 * digits, optionally '.' followed by one to nine digits ("12", "4.8",
 * "0.000000001"; not ".5", "5.", "1e3", "1,000", "+1", " 1"). The value
 * must satisfy |value| <= 9000000000. Returns 0 with *nanos = value * 1e9,
 * or -1 with *why set to a static reason. */
int cx_decimal_parse(const char *s, size_t len, int64_t *nanos, const char **why);

/* Writes nanos as the shortest plain decimal ("12", "4.8", "-0.5"). buf
 * must hold 32 bytes. Returns buf. */
char *cx_decimal_format(int64_t nanos, char *buf);

/* Parses an integer with an optional '+' or '-' sign and one or more ASCII
 * digits (leading zeros allowed: "07"), within [INT32_MIN, INT32_MAX].
 * Returns 0 or -1 with *why set. */
int cx_int_parse(const char *s, size_t len, int32_t *out, const char **why);

#endif
