/*
 * csvread.h - reading a CSV file with a header row (RFC 4180 through
 * libcsv): each record is handed to a callback that asks for its fields by
 * column name. A byte-order mark, CRLF and blank lines are tolerated; a
 * malformed file or a callback's error stops the read at that line.
 */
#ifndef GZ_CSVREAD_H
#define GZ_CSVREAD_H

#include <stddef.h>

struct gz_err;
struct csv_row;

/* The value of column `name` in this row, NULL when the header has no such column. */
const char *csv_field(const struct csv_row *row, const char *name);

typedef int (*csv_row_fn)(void *ctx, const struct csv_row *row, struct gz_err *err);

/*
 * Read text; `required` (NULL-terminated) names the columns the header must
 * have. On error *bad is the 1-based line and err names the field.
 */
int csv_read(const char *text, size_t len, const char *const *required, csv_row_fn fn, void *ctx,
             size_t *bad, struct gz_err *err) __attribute__((warn_unused_result));

#endif
