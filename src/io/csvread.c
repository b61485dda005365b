/* csvread.c - CSV with a header row, record by record (see csvread.h). */
#include "gz.h"

#include <csv.h>

#include "io/csvread.h"

enum { COL_MAX = 64 }; /* Boston 311 exports have 33 */

struct csv_row {
    size_t line; /* current record, 1-based */
    int ncols;
    char *header[COL_MAX];
    char *fields[COL_MAX];
    int nfields;
    int rc;
    size_t bad;
    const char *const *required;
    csv_row_fn fn;
    void *ctx;
    struct gz_err *err;
};

const char *csv_field(const struct csv_row *row, const char *name)
{
    for (int i = 0; i < row->ncols && i < row->nfields; i++)
        if (strcmp(row->header[i], name) == 0)
            return row->fields[i];
    return NULL;
}

static void on_field(void *s, size_t len, void *arg)
{
    struct csv_row *st = arg;

    if (st->rc)
        return;
    if (st->nfields == COL_MAX) {
        st->rc = gz_fail(st->err, GZ_EINVAL, "file", "more than %d columns", COL_MAX);
        st->bad = st->line + 1;
        return;
    }
    st->fields[st->nfields++] = strndup(s ? s : "", len);
}

static int check_header(struct csv_row *st)
{
    for (size_t k = 0; st->required && st->required[k]; k++) {
        bool found = false;
        for (int i = 0; i < st->ncols; i++)
            found = found || strcmp(st->header[i], st->required[k]) == 0;
        if (!found)
            return gz_fail(st->err, GZ_EINVAL, st->required[k],
                           "the header must name the columns, including %s", st->required[k]);
    }
    return 0;
}

static void free_fields(struct csv_row *st)
{
    for (int i = 0; i < st->nfields; i++)
        free(st->fields[i]);
    st->nfields = 0;
}

static void on_row(int c, void *arg)
{
    struct csv_row *st = arg;

    (void)c;
    st->line++;
    if (!st->rc && st->line == 1) {
        memcpy(st->header, st->fields, sizeof(st->fields));
        st->ncols = st->nfields;
        st->nfields = 0;
        st->rc = check_header(st);
        return;
    }
    if (!st->rc && !(st->nfields == 1 && !*st->fields[0]))
        st->rc = st->fn(st->ctx, st, st->err);
    if (st->rc && !st->bad)
        st->bad = st->line;
    free_fields(st);
}

int csv_read(const char *text, size_t len, const char *const *required, csv_row_fn fn, void *ctx,
             size_t *bad, struct gz_err *err)
{
    struct csv_parser p;
    struct csv_row st = {.required = required, .fn = fn, .ctx = ctx, .err = err};

    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3; /* a spreadsheet's byte-order mark */
    if ((csv_parse(&p, text, len, on_field, on_row, &st) != len ||
         csv_fini(&p, on_field, on_row, &st)) &&
        !st.rc) {
        st.rc = gz_fail(err, GZ_EINVAL, "file", "malformed CSV: %s", csv_strerror(csv_error(&p)));
        st.bad = st.line + 1;
    }
    csv_free(&p);
    free_fields(&st);
    for (int i = 0; i < st.ncols; i++)
        free(st.header[i]);
    if (!st.rc && st.line == 0)
        st.rc = gz_fail(err, GZ_EINVAL, "file", "the file is empty");
    *bad = st.bad;
    return st.rc;
}
