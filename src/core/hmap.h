/* hmap.h - open-addressing hash map from byte-string keys to pointers.
 * The map copies keys; values are the caller's. Pure. */
#ifndef CX_HMAP_H
#define CX_HMAP_H

#include <stddef.h>
#include <stdint.h>

struct cx_hmap_entry {
    char *key; /* owned copy, NUL-terminated; NULL = empty slot */
    size_t klen;
    uint64_t hash;
    void *val;
};

struct cx_hmap {
    struct cx_hmap_entry *slots;
    size_t cap; /* power of two */
    size_t len;
};

uint64_t cx_hash(const void *p, size_t n);

void cx_hmap_init(struct cx_hmap *m);
/* Frees keys and slots (not values). */
void cx_hmap_free(struct cx_hmap *m);
/* Returns the value slot for key, or NULL if absent. */
void **cx_hmap_get(const struct cx_hmap *m, const void *key, size_t klen);
/* Returns the value slot for key, inserting a NULL value when absent
 * (*created set to 1). Returns NULL on allocation failure. */
void **cx_hmap_put(struct cx_hmap *m, const void *key, size_t klen, int *created);

/* Iteration: for (size_t i = 0; i < m.cap; i++) if (m.slots[i].key) ... */

#endif
