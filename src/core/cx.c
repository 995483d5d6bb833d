#include "core/cx.h"

#include <stdarg.h>
#include <stdio.h>

const char *cx_strerror(int rc)
{
    switch (rc) {
    case CX_OK:
        return "ok";
    case CX_ENOMEM:
        return "out of memory";
    case CX_EINVAL:
        return "invalid input";
    case CX_EFORMAT:
        return "bad format";
    case CX_EIO:
        return "i/o error";
    case CX_ESTORE:
        return "store error";
    case CX_ENOTFOUND:
        return "not found";
    case CX_ELIMIT:
        return "limit exceeded";
    case CX_EEXIST:
        return "already exists";
    case CX_EVERSION:
        return "unsupported version";
    }
    return "unknown error";
}

int cx_fail(struct cx_err *err, int rc, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return rc;
}
