/*
 * case_export.c - cases as CSV (libcsv's quoting) or JSON, without personal
 * data (see case_export.h). The columns are a fixed list; each names the
 * case field an API client's scope must grant for it.
 */
#include "gz.h"

#include <csv.h>
#include <jansson.h>

#include "api/case_export.h"
#include "util/timeutil.h"

#define EXPORT_PAGE 500

enum col_kind { COL_TEXT, COL_INT, COL_TIME, COL_COORD, COL_TRISTATE };

struct column {
    const char *name;
    const char *field; /* the scope field that grants it */
    enum col_kind kind;
};

static const struct column columns[] = {
    {"number", "number", COL_TEXT},
    {"status", "status", COL_TEXT},
    {"channel", "channel", COL_TEXT},
    {"category", "category", COL_TEXT},
    {"priority", "priority", COL_TEXT},
    {"created_at", "created_at", COL_TIME},
    {"dispatched_at", "dispatched_at", COL_TIME},
    {"respond_by", "respond_by", COL_TIME},
    {"resolve_by", "resolve_by", COL_TIME},
    {"accepted_at", "accepted_at", COL_TIME},
    {"resolved_at", "resolved_at", COL_TIME},
    {"closed_at", "closed_at", COL_TIME},
    {"lead_unit_id", "lead_unit_id", COL_INT},
    {"district_id", "place", COL_INT},
    {"street_id", "place", COL_INT},
    {"community_id", "place", COL_INT},
    {"grid_id", "place", COL_INT},
    {"lat", "lat", COL_COORD},
    {"lon", "lon", COL_COORD},
    {"metoo", "metoo", COL_INT},
    {"rework_count", "rework_count", COL_INT},
    {"contacted", "rating", COL_TRISTATE},
    {"solved", "rating", COL_TRISTATE},
    {"satisfaction", "rating", COL_TEXT},
};

int export_format_parse(const char *s)
{
    return strcmp(s, "csv") == 0 ? EXPORT_CSV : strcmp(s, "json") == 0 ? EXPORT_JSON : -1;
}

static bool shown(const struct export_out *out, const struct column *col)
{
    return !out->scope || scope_field_allowed(out->scope, col->field);
}

static const char *text_of(const struct case_rec *c, size_t i)
{
    switch (i) {
    case 0: return c->number;
    case 1: return case_status_name(c->status);
    case 2: return case_channel_name(c->channel);
    case 3: return c->category;
    case 4: return c->priority == PRIORITY_URGENT ? "urgent" : "normal";
    default: return c->satisfaction == SAT_NONE ? "" : satisfaction_name(c->satisfaction);
    }
}

static int64_t int_of(const struct case_rec *c, size_t i)
{
    const int64_t v[] = {c->created_at,
                         c->dispatched_at,
                         c->respond_by,
                         c->resolve_by,
                         c->accepted_at,
                         c->resolved_at,
                         c->closed_at,
                         c->lead_unit_id,
                         c->area[1],
                         c->area[2],
                         c->area[3],
                         c->area[4],
                         0,
                         0,
                         c->metoo,
                         c->rework_count,
                         c->contacted,
                         c->solved};

    return i >= 5 && i - 5 < GZ_ARRAY_LEN(v) ? v[i - 5] : 0;
}

/* Column i of c as JSON (null when it has no value). */
static json_t *cell(const struct case_rec *c, size_t i)
{
    char t[40];
    int64_t v = int_of(c, i);

    switch (columns[i].kind) {
    case COL_TEXT: return text_of(c, i)[0] ? json_string(text_of(c, i)) : json_null();
    case COL_TIME:
        if (!v)
            return json_null();
        time_rfc3339(v, t, sizeof(t));
        return json_string(t);
    case COL_COORD:
        if (c->lat == CASE_NO_COORD)
            return json_null();
        return json_real(strcmp(columns[i].name, "lat") == 0 ? c->lat : c->lon);
    case COL_TRISTATE: return v < 0 || c->satisfaction == SAT_NONE ? json_null() : json_boolean(v);
    default: return v ? json_integer(v) : json_null();
    }
}

/* A CSV field: libcsv quotes it (RFC 4180) when it must be. */
static int csv_field(struct buf *b, const char *s, bool first)
{
    size_t n = strlen(s), need = 2 * n + 3;
    char *q = malloc(need);
    int rc;

    if (!q)
        return GZ_ENOMEM;
    /* csv_write quotes every field; plain values (numbers, codes, times) need none */
    if (strpbrk(s, ",\"\r\n"))
        n = csv_write(q, need, s, n);
    else
        memcpy(q, s, n);
    rc = first ? 0 : buf_adds(b, ",");
    if (!rc)
        rc = buf_add(b, q, n);
    free(q);
    return rc;
}

static int csv_row(struct buf *b, const struct case_rec *c, const struct export_out *out)
{
    bool first = true;
    int rc = 0;

    for (size_t i = 0; !rc && i < GZ_ARRAY_LEN(columns); i++) {
        json_t *v;
        char num[40];
        const char *s = "";
        if (!shown(out, &columns[i]))
            continue;
        v = cell(c, i);
        if (json_is_string(v))
            s = json_string_value(v);
        else if (json_is_integer(v) || json_is_boolean(v))
            snprintf(num, sizeof(num), "%lld",
                     json_is_boolean(v) ? (long long)json_is_true(v)
                                        : (long long)json_integer_value(v)),
                s = num;
        else if (json_is_real(v))
            snprintf(num, sizeof(num), "%.7f", json_real_value(v)), s = num;
        rc = csv_field(b, s, first);
        first = false;
        json_decref(v);
    }
    return rc ? rc : buf_adds(b, "\r\n");
}

static int json_row(struct buf *b, const struct case_rec *c, const struct export_out *out,
                    bool first)
{
    json_t *o = json_object();
    char *s;
    int rc;

    for (size_t i = 0; i < GZ_ARRAY_LEN(columns); i++)
        if (shown(out, &columns[i]))
            json_object_set_new(o, columns[i].name, cell(c, i));
    s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (!s)
        return GZ_ENOMEM;
    rc = buf_adds(b, first ? "\n" : ",\n");
    if (!rc)
        rc = buf_adds(b, s);
    free(s);
    return rc;
}

static int header(struct buf *b, enum export_format fmt, const struct export_out *out)
{
    bool first = true;
    int rc = 0;

    if (fmt == EXPORT_JSON)
        return buf_adds(b, "[");
    for (size_t i = 0; !rc && i < GZ_ARRAY_LEN(columns); i++) {
        if (!shown(out, &columns[i]))
            continue;
        rc = csv_field(b, columns[i].name, first);
        first = false;
    }
    return rc ? rc : buf_adds(b, "\r\n");
}

struct page {
    enum export_format fmt;
    const struct export_out *out;
    struct buf *b;
    int64_t rows;
    struct case_cursor last;
    int rc;
};

static int add_row(void *ctx, const struct case_rec *c)
{
    struct page *p = ctx;

    p->rc = p->fmt == EXPORT_CSV ? csv_row(p->b, c, p->out) : json_row(p->b, c, p->out, !p->rows);
    if (p->rc)
        return 1;
    if (p->out->note)
        p->out->note(p->out->ctx, c->number);
    p->rows++;
    p->last = (struct case_cursor){true, c->created_at, c->id};
    return 0;
}

int case_export(struct store *s, struct case_filter *f, enum export_format fmt,
                const struct export_out *out, struct buf *b, struct gz_err *err)
{
    struct page p = {fmt, out, b, 0, {0}, 0};
    int64_t before;
    int rc;

    f->sort_deadline = false;
    f->descending = false;
    rc = header(b, fmt, out);
    do {
        before = p.rows;
        if (!rc)
            rc = store_case_list(s, f, &p.last, EXPORT_PAGE, add_row, &p, err);
        if (!rc && p.rc)
            return gz_fail(err, p.rc, "", "the export is too large: narrow its time range");
        if (!rc && out->flush)
            rc = out->flush(out->ctx, b);
    } while (!rc && p.rows - before == EXPORT_PAGE);
    if (!rc && fmt == EXPORT_JSON)
        rc = buf_adds(b, p.rows ? "\n]\n" : "]\n");
    if (!rc && out->flush)
        rc = out->flush(out->ctx, b);
    return rc && !err->code ? gz_fail(err, rc, "", "export failed") : rc;
}
