/*
 * err.h - the one error convention: functions return 0 or a negative GZ_E*
 * code, and write what went wrong into a caller-supplied struct gz_err that
 * the API layer turns into {"error":{"code","message","field"}}.
 */
#ifndef GZ_ERR_H
#define GZ_ERR_H

enum gz_errcode {
    GZ_OK = 0,
    GZ_EINVAL = -1,     /* a field is wrong (422), or the body is not JSON (400) */
    GZ_ENOTFOUND = -2,  /* 404 */
    GZ_ECONFLICT = -3,  /* duplicate or wrong state (409) */
    GZ_EAUTH = -4,      /* no valid credentials (401) */
    GZ_EFORBIDDEN = -5, /* authenticated but not allowed (403) */
    GZ_ETOOBIG = -6,    /* 413 */
    GZ_ELIMIT = -7,     /* too many attempts (429) */
    GZ_ESCHEMA = -8,    /* database from a newer or unknown schema */
    GZ_EIO = -9,        /* storage or system failure (500) */
    GZ_ENOMEM = -10,
    GZ_EBADREQ = -11, /* malformed request: bad JSON, bad query (400) */
    GZ_EMEDIA = -12,  /* a file of a type not taken here (415) */
};

struct gz_err {
    int code;
    char field[64];
    char msg[256];
};

/* Record an error and return its code, so callers can write `return gz_fail(...)`. */
int gz_fail(struct gz_err *err, int code, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Short machine-readable name of a code: "invalid", "not_found", ... */
const char *gz_errname(int code);

/* Reset to "no error". */
void gz_err_clear(struct gz_err *err);

#endif
