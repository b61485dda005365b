/*
 * store_sqlite_open311.c - what Open311 GeoReport v2 reads and writes beside
 * the cases: the extras of a GeoReport report and its token, the public
 * request lists (one query with the names GeoReport shows joined in), and
 * the service attributes of categories.
 *
 * Lists are three fixed statements, so each stays cached and the planner
 * sees a shape it can index: by numbers; by time (cases_created, newest
 * first); by time within categories (cases_category). Lists of numbers or
 * codes arrive as one JSON array bound to json_each.
 */
#include "gz.h"

#include <jansson.h>

#include "store/sq.h"
#include "store/sq_case.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

/* ---- extras and tokens ---- */

static int job_extra_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO o311_requests(case_id, client_id, token, email, device_id, account_ref,"
        " media_url, address_id, attributes, created_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) ON CONFLICT(case_id) DO NOTHING";
    const struct o311_extra *x = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, x->case_id);
    sqlite3_bind_int64(st, 2, x->client_id);
    sq_bind_text(st, 3, x->token);
    sq_bind_text_or_null(st, 4, x->email);
    sq_bind_text_or_null(st, 5, x->device_id);
    sq_bind_text_or_null(st, 6, x->account_ref);
    sq_bind_text_or_null(st, 7, x->media_url);
    sq_bind_text_or_null(st, 8, x->address_id);
    sq_bind_text_or_null(st, 9, x->attributes);
    sqlite3_bind_int64(st, 10, time_now());
    return sq_step_done(c, st, err);
}

int sqo_o311_extra_put(struct store *s, const struct o311_extra *x, struct gz_err *err)
{
    return sq_write((struct sqstore *)s, job_extra_put, (void *)x, err);
}

int sqo_o311_token(struct store *s, const char *token, char *number, size_t size,
                   struct gz_err *err)
{
    static const char sql[] = "SELECT c.number FROM o311_requests o JOIN cases c"
                              " ON c.id = o.case_id WHERE o.token = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, token);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_col_text(st, 0, number, size);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "token", "token %s not found", token);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_o311_extra_get(struct store *s, int64_t case_id, struct o311_extra_rec *out,
                       struct gz_err *err)
{
    static const char sql[] = "SELECT client_id, token, email, device_id, account_ref,"
                              " media_url, address_id, attributes FROM o311_requests"
                              " WHERE case_id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    char **fields[] = {&out->token,     &out->email,      &out->device_id, &out->account_ref,
                       &out->media_url, &out->address_id, &out->attributes};
    int rc;

    if (!st)
        return GZ_EIO;
    memset(out, 0, sizeof(*out));
    sqlite3_bind_int64(st, 1, case_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        out->case_id = case_id;
        out->client_id = sqlite3_column_int64(st, 0);
        for (size_t i = 0; i < GZ_ARRAY_LEN(fields); i++)
            *fields[i] = sq_col_strdup(st, (int)i + 1);
    } else if (rc == SQLITE_DONE) {
        rc = gz_fail(err, GZ_ENOTFOUND, "number", "the case did not come through Open311");
    }
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- request lists ---- */

/* the report's own media_url, else our first photo of a public stage (a path: see store.h) */
#define O311_MEDIA                                                                                 \
    "coalesce(o.media_url, (SELECT '/public/attachments/' || a.id FROM attachments a"              \
    " WHERE a.case_id = c.id AND a.stage IN ('intake', 'reply', 'complete')"                       \
    " ORDER BY a.id LIMIT 1))"
#define O311_COLS                                                                                  \
    SQ_CASE_COLS ", cat.name, cat.name_en, u.name, u.name_en, " O311_MEDIA ", o.address_id,"       \
                 " (SELECT e.at FROM events e WHERE e.case_id = c.id ORDER BY e.id DESC LIMIT 1)"
#define O311_FROM                                                                                  \
    " FROM cases c LEFT JOIN categories cat ON cat.code = c.category_code"                         \
    " LEFT JOIN units u ON u.id = c.lead_unit_id LEFT JOIN o311_requests o ON o.case_id = c.id"
/* ?4: 0 any status, 1 open, 2 closed (DESIGN: closed, merged and invalid are not open) */
#define O311_STATUS " AND (?4 = 0 OR (c.status IN ('closed', 'merged', 'invalid')) = (?4 = 2))"
#define O311_ORDER " ORDER BY c.created_at DESC, c.id DESC LIMIT ?5 OFFSET ?6"

static const char by_numbers[] =
    "SELECT " O311_COLS O311_FROM
    " WHERE c.number IN (SELECT value FROM json_each(?1))" O311_STATUS O311_ORDER;
static const char by_time[] =
    "SELECT " O311_COLS O311_FROM " WHERE c.created_at BETWEEN ?2 AND ?3" O311_STATUS O311_ORDER;
static const char by_codes[] =
    "SELECT " O311_COLS O311_FROM " WHERE c.category_code IN (SELECT value FROM json_each(?1))"
    " AND c.created_at BETWEEN ?2 AND ?3" O311_STATUS O311_ORDER;

static char *json_list(const char *const *items, size_t n)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; i < n; i++)
        json_array_append_new(a, json_string(items[i]));
    s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

static const char *col(sqlite3_stmt *st, int i)
{
    return (const char *)sqlite3_column_text(st, i);
}

/* The columns after SQ_CASE_COLS (45 of them). */
enum { O311_COL0 = 45 };

static int emit(sqlite3_stmt *st, store_o311_fn fn, void *ctx)
{
    struct case_rec c;
    struct o311_row r;
    int stop;

    case_init(&c);
    sq_case_from_row(st, &c);
    r.c = &c;
    r.service_name = col(st, O311_COL0);
    r.service_name_en = col(st, O311_COL0 + 1);
    r.agency = col(st, O311_COL0 + 2);
    r.agency_en = col(st, O311_COL0 + 3);
    r.media_url = col(st, O311_COL0 + 4);
    r.address_id = col(st, O311_COL0 + 5);
    r.updated_at = sqlite3_column_int64(st, O311_COL0 + 6);
    if (r.updated_at < c.created_at)
        r.updated_at = c.created_at;
    stop = fn(ctx, &r);
    case_release(&c);
    return stop;
}

static void bind_filter(sqlite3_stmt *st, const struct o311_filter *f, const char *list)
{
    sq_bind_text(st, 1, list);
    sqlite3_bind_int64(st, 2, f->from);
    sqlite3_bind_int64(st, 3, f->to);
    sqlite3_bind_int(st, 4, f->status);
    sqlite3_bind_int(st, 5, f->limit);
    sqlite3_bind_int64(st, 6, f->offset);
}

int sqo_o311_requests(struct store *s, const struct o311_filter *f, store_o311_fn fn, void *ctx,
                      struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    const char *sql = f->n_numbers ? by_numbers : f->n_codes ? by_codes : by_time;
    char *list = f->n_numbers ? json_list(f->numbers, f->n_numbers)
                 : f->n_codes ? json_list(f->codes, f->n_codes)
                              : NULL;
    struct sqconn *c;
    sqlite3_stmt *st;
    int rc;

    if ((f->n_numbers || f->n_codes) && !list)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    st = sq_read_begin(sq, sql, &c, err);
    if (!st) {
        free(list);
        return GZ_EIO;
    }
    bind_filter(st, f, list);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (emit(st, fn, ctx)) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    free(list);
    return rc;
}

/* ---- service attributes ---- */

int sqo_category_attrs_get(struct store *s, const char *code, char **json, struct gz_err *err)
{
    static const char sql[] = "SELECT attributes FROM categories WHERE code = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    *json = NULL;
    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, code);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *json = sq_col_strdup(st, 0);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "code", "category %s not found", code);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

struct attrs_job {
    const char *code;
    const char *json;
};

static int job_attrs_set(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "UPDATE categories SET attributes = ?2 WHERE code = ?1";
    struct attrs_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->code);
    sq_bind_text(st, 2, j->json);
    return sq_step_changed(c, st, "code", "category", err);
}

int sqo_category_attrs_set(struct store *s, const char *code, const char *json, struct gz_err *err)
{
    struct attrs_job j = {code, json};

    return sq_write((struct sqstore *)s, job_attrs_set, &j, err);
}

int sqo_category_attrs_codes(struct store *s, store_code_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT code FROM categories WHERE attributes IS NOT NULL"
                              " ORDER BY code";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, col(st, 0))) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
