/* err.c - the error record shared by every layer (see err.h). */
#include "gz.h"

#include <stdarg.h>
#include <stdio.h>

int gz_fail(struct gz_err *err, int code, const char *field, const char *fmt, ...)
{
    va_list ap;

    if (!err)
        return code;
    err->code = code;
    snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
    va_start(ap, fmt);
    vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    return code;
}

const char *gz_errname(int code)
{
    switch (code) {
    case GZ_OK: return "ok";
    case GZ_EINVAL: return "invalid";
    case GZ_ENOTFOUND: return "not_found";
    case GZ_ECONFLICT: return "conflict";
    case GZ_EAUTH: return "unauthorized";
    case GZ_EFORBIDDEN: return "forbidden";
    case GZ_ETOOBIG: return "too_large";
    case GZ_ELIMIT: return "rate_limited";
    case GZ_ESCHEMA: return "schema";
    case GZ_ENOMEM: return "no_memory";
    case GZ_EBADREQ: return "bad_request";
    case GZ_EMEDIA: return "unsupported_media_type";
    default: return "internal";
    }
}

void gz_err_clear(struct gz_err *err)
{
    err->code = 0;
    err->field[0] = '\0';
    err->msg[0] = '\0';
}
