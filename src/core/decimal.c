#include "core/decimal.h"

#define DECIMAL_MAX_UNITS 9000000000ULL

static int fail(const char **why, const char *reason)
{
    if (why) *why = reason;
    return -1;
}

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}

int cx_decimal_parse(const char *s, size_t len, int64_t *nanos, const char **why)
{
    size_t i = 0;
    int neg = 0;
    if (len == 0) return fail(why, "empty number");
    if (s[0] == '-') {
        neg = 1;
        i = 1;
    }
    if (i == len || !is_digit(s[i])) return fail(why, "not a plain decimal");
    uint64_t units = 0;
    for (; i < len && is_digit(s[i]); i++) {
        units = units * 10 + (uint64_t)(s[i] - '0');
        if (units > DECIMAL_MAX_UNITS) return fail(why, "number out of range");
    }
    uint64_t frac = 0;
    if (i < len && s[i] == '.') {
        size_t start = ++i;
        for (; i < len && is_digit(s[i]); i++) {
            if (i - start >= 9) return fail(why, "more than 9 decimal places");
            frac = frac * 10 + (uint64_t)(s[i] - '0');
        }
        if (i == start) return fail(why, "not a plain decimal");
        for (size_t n = i - start; n < 9; n++) frac *= 10;
    }
    if (i != len) return fail(why, "not a plain decimal");
    uint64_t v = units * (uint64_t)CX_NANO + frac;
    if (v > DECIMAL_MAX_UNITS * (uint64_t)CX_NANO) return fail(why, "number out of range");
    *nanos = neg ? -(int64_t)v : (int64_t)v;
    return 0;
}

char *cx_decimal_format(int64_t nanos, char *buf)
{
    char tmp[32];
    uint64_t v = nanos < 0 ? (uint64_t)0 - (uint64_t)nanos : (uint64_t)nanos;
    uint64_t units = v / (uint64_t)CX_NANO;
    uint64_t frac = v % (uint64_t)CX_NANO;
    char *p = buf;
    if (nanos < 0) *p++ = '-';
    int n = 0;
    do {
        tmp[n++] = (char)('0' + units % 10);
        units /= 10;
    } while (units);
    while (n) *p++ = tmp[--n];
    if (frac) {
        int w = 9;
        while (frac % 10 == 0) {
            frac /= 10;
            w--;
        }
        *p++ = '.';
        for (int k = w - 1; k >= 0; k--) {
            p[k] = (char)('0' + frac % 10);
            frac /= 10;
        }
        p += w;
    }
    *p = '\0';
    return buf;
}

int cx_int_parse(const char *s, size_t len, int32_t *out, const char **why)
{
    size_t i = 0;
    int neg = 0;
    if (len == 0) return fail(why, "empty number");
    if (s[0] == '+' || s[0] == '-') {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == len) return fail(why, "not an integer");
    uint64_t limit = neg ? (uint64_t)INT32_MAX + 1 : (uint64_t)INT32_MAX;
    uint64_t v = 0;
    for (; i < len; i++) {
        if (!is_digit(s[i])) return fail(why, "not an integer");
        v = v * 10 + (uint64_t)(s[i] - '0');
        if (v > limit) return fail(why, "integer out of range");
    }
    *out = neg ? (int32_t)(-(int64_t)v) : (int32_t)v;
    return 0;
}
