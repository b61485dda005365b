/*
 * case_export.h - cases as an export (DESIGN §8, §9: `gongzhi export` and
 * GET /api/v1/cases/export.csv): CSV or JSON rows built field by field from
 * a whitelist, so no personal data can reach them — no reporter name, phone,
 * account or device, and no free text or address either (a resident may
 * write a phone number into a report).
 */
#ifndef GZ_CASE_EXPORT_H
#define GZ_CASE_EXPORT_H

#include "core/scope.h"
#include "store/store.h"
#include "util/buf.h"

enum export_format { EXPORT_CSV, EXPORT_JSON };

struct export_out {
    /* called with the rows so far (at least once per page and at the end); may empty b */
    int (*flush)(void *ctx, struct buf *b);
    /* each case exported (NULL: none) */
    void (*note)(void *ctx, const char *number);
    void *ctx;
    const struct api_scope *scope; /* an API client's: only the columns of its fields */
};

int export_format_parse(const char *s); /* "csv" | "json"; -1 otherwise */

/*
 * Every case f selects, oldest first (f's sort and order are set here),
 * through out; b is the buffer the rows are written to (its max bounds one
 * page's rows, or the whole answer when flush does not drain it).
 */
int case_export(struct store *s, struct case_filter *f, enum export_format fmt,
                const struct export_out *out, struct buf *b, struct gz_err *err)
    __attribute__((warn_unused_result));

#endif
