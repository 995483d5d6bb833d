/* attrs.h - attributes (name -> value) in a compact canonical binary form:
 * pairs sorted by name bytes, each as varint(len) name varint(len) value.
 * Equal attribute sets give equal blobs. Pure. */
#ifndef CX_ATTRS_H
#define CX_ATTRS_H

#include <stddef.h>
#include <stdint.h>

struct cx_attr {
    const char *key;
    size_t klen;
    const char *val;
    size_t vlen;
};

/* LEB128-style unsigned varints (7 bits a byte, low first), also used by
 * the store's rollup blobs. put writes at most 10 bytes and returns how
 * many; get reads at *pos (advanced), returning 0 or -1 when truncated or
 * too long. */
size_t cx_varint_put(unsigned char *p, uint64_t v);
int cx_varint_get(const unsigned char *p, size_t len, size_t *pos, uint64_t *v);

/* Encodes n pairs (in any order; they are sorted in place) into a newly
 * malloc'ed blob. Duplicate names are an error (returns -1, *dup = index
 * of one duplicate). On success returns 0 and sets out and outlen (the
 * caller frees *out; an empty set gives a zero-length non-NULL blob). */
int cx_attrs_encode(struct cx_attr *a, size_t n, unsigned char **out, size_t *outlen, size_t *dup);

/* Finds name in blob. Returns 1 and sets val and vlen (pointing into blob),
 * 0 if absent, -1 if the blob is malformed. */
int cx_attrs_find(const unsigned char *blob, size_t len, const char *name, size_t nlen,
                  const char **val, size_t *vlen);

/* Iterates: *pos starts at 0. Returns 1 with the next pair, 0 at the end,
 * -1 if malformed. */
int cx_attrs_next(const unsigned char *blob, size_t len, size_t *pos, struct cx_attr *a);

#endif
