/* fuzz_form.c - libFuzzer target for form bodies. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/form.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct cx_form f;
    if (cx_form_parse((const char *)data, size, &f) == 0) {
        for (size_t i = 0; i < f.n; i++)
            if (strlen(f.val[i]) != f.vlen[i] || cx_form_get(&f, f.key[i]) == NULL) abort();
        cx_form_free(&f);
    }
    return 0;
}
