/* cx.h - result codes and the error context shared by every module.
 *
 * Every fallible function returns int: CX_OK (0) or one of enum cx_rc.
 * Human-readable detail goes into a struct cx_err owned by the caller;
 * deep code never prints. Only the CLI edge exits, only the HTTP edge maps
 * codes to statuses. */
#ifndef CX_CX_H
#define CX_CX_H

#include <stddef.h>
#include <stdint.h>

enum cx_rc {
    CX_OK = 0,
    CX_ENOMEM,  /* allocation failed */
    CX_EINVAL,  /* bad argument or bad input value */
    CX_EFORMAT, /* input is not in the expected format */
    CX_EIO,     /* read/write failed */
    CX_ESTORE,  /* database error */
    CX_ENOTFOUND,
    CX_ELIMIT, /* a size or count limit was exceeded */
    CX_EEXIST,
    CX_EVERSION, /* data written by a newer version */
};

/* Returns a static, human-readable name for a result code. */
const char *cx_strerror(int rc);

/* Error context: a message buffer the callee fills on failure. */
struct cx_err {
    char msg[512];
};

/* Formats a message into err (if err is non-NULL) and returns rc, so that
 * callers can write `return cx_fail(err, CX_EINVAL, "bad %s", x);`. */
int cx_fail(struct cx_err *err, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
