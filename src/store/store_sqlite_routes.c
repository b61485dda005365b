/*
 * store_sqlite_routes.c - the responsibility matrix on SQLite. Co-units are
 * a JSON array in one column: they are read and written with their rule,
 * never queried on their own.
 */
#include "gz.h"

#include <jansson.h>

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

#define ROUTE_COLS                                                                                 \
    "id, category_prefix, coalesce(area_unit_id, 0), coalesce(lead_unit_id, 0), lead_kind,"        \
    " co_unit_ids, active"

static void route_from_row(sqlite3_stmt *st, struct route_rule *r)
{
    const char *kind = (const char *)sqlite3_column_text(st, 4);
    json_t *co = json_loads((const char *)sqlite3_column_text(st, 5), 0, NULL), *v;
    size_t i;

    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, r->prefix, sizeof(r->prefix));
    r->area_unit_id = sqlite3_column_int64(st, 2);
    r->lead_unit_id = sqlite3_column_int64(st, 3);
    r->lead_kind = kind ? unit_kind_parse(kind) : -1;
    json_array_foreach(co, i, v) {
        if (r->n_co < CASE_MAX_CO && json_is_integer(v))
            r->co_units[r->n_co++] = json_integer_value(v);
    }
    json_decref(co);
    r->active = sqlite3_column_int(st, 6) != 0;
}

static char *co_json(const struct route_rule *r)
{
    json_t *a = json_array();
    char *s;

    for (size_t i = 0; i < r->n_co; i++)
        json_array_append_new(a, json_integer(r->co_units[i]));
    s = json_dumps(a, JSON_COMPACT);
    json_decref(a);
    return s;
}

struct put_job {
    struct route_rule *r;
    bool create;
};

static void bind_route(sqlite3_stmt *st, const struct route_rule *r, const char *co)
{
    sqlite3_bind_int64(st, 1, r->id);
    sq_bind_text(st, 2, r->prefix);
    if (r->area_unit_id)
        sqlite3_bind_int64(st, 3, r->area_unit_id);
    if (r->lead_unit_id)
        sqlite3_bind_int64(st, 4, r->lead_unit_id);
    sq_bind_text(st, 5, r->lead_kind >= 0 ? unit_kind_name((enum unit_kind)r->lead_kind) : NULL);
    sq_bind_text(st, 6, co);
    sqlite3_bind_int(st, 7, r->active);
    sqlite3_bind_int64(st, 8, time_now());
}

static int job_route_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char ins[] = "INSERT INTO routes(category_prefix, area_unit_id, lead_unit_id,"
                              " lead_kind, co_unit_ids, active, created_at)"
                              " VALUES(?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char upd[] = "UPDATE routes SET category_prefix = ?2, area_unit_id = ?3,"
                              " lead_unit_id = ?4, lead_kind = ?5, co_unit_ids = ?6, active = ?7"
                              " WHERE id = ?1";
    struct put_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, j->create ? ins : upd, err);
    char *co = co_json(j->r);
    int rc;

    if (!st || !co) {
        free(co);
        return gz_fail(err, GZ_EIO, "", "cannot store the rule");
    }
    bind_route(st, j->r, co);
    rc = sqlite3_step(st);
    sq_done(st);
    free(co);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        if (rc == GZ_ECONFLICT)
            gz_fail(err, rc, "category_prefix",
                    "a rule for this category prefix and area exists: the two would tie");
        else if (rc == GZ_EINVAL)
            gz_fail(err, rc, "unit", "the rule names a unit that does not exist");
        return rc;
    }
    if (!j->create && sqlite3_changes(c->db) == 0)
        return gz_fail(err, GZ_ENOTFOUND, "id", "rule %lld not found", (long long)j->r->id);
    if (j->create)
        j->r->id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int sqo_route_put(struct store *s, struct route_rule *r, bool create, struct gz_err *err)
{
    struct put_job j = {r, create};

    return sq_write((struct sqstore *)s, job_route_put, &j, err);
}

static int job_route_delete(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM routes WHERE id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, *(int64_t *)arg);
    return sq_step_changed(c, st, "id", "rule", err);
}

int sqo_route_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return sq_write((struct sqstore *)s, job_route_delete, &id, err);
}

int sqo_route_get(struct store *s, int64_t id, struct route_rule *out, struct gz_err *err)
{
    static const char sql[] = "SELECT " ROUTE_COLS " FROM routes WHERE id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        route_from_row(st, out);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "rule %lld not found", (long long)id);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_route_list(struct store *s, bool active_only, store_route_fn fn, void *ctx,
                   struct gz_err *err)
{
    static const char sql[] = "SELECT " ROUTE_COLS " FROM routes WHERE (?1 = 0 OR active)"
                              " ORDER BY id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int(st, 1, active_only);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct route_rule r;
        route_from_row(st, &r);
        if (fn(ctx, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

struct import_job {
    struct route_rule *rules;
    size_t n;
    size_t *bad;
};

/* Retire the active rule with the same key, so the imported one takes its place. */
static int replace_key(struct sqconn *c, const struct route_rule *r, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM routes WHERE active AND category_prefix = ?1"
                              " AND coalesce(area_unit_id, 0) = ?2";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, r->prefix);
    sqlite3_bind_int64(st, 2, r->area_unit_id);
    return sq_step_done(c, st, err);
}

static int job_route_import(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct import_job *j = arg;

    for (size_t i = 0; i < j->n; i++) {
        struct put_job put = {&j->rules[i], true};
        int rc = replace_key(c, &j->rules[i], err);
        if (!rc)
            rc = job_route_put(c, &put, err);
        if (rc) {
            *j->bad = i;
            return rc;
        }
    }
    return 0;
}

int sqo_route_import(struct store *s, struct route_rule *rules, size_t n, size_t *bad,
                     struct gz_err *err)
{
    struct import_job j = {rules, n, bad};

    return sq_write((struct sqstore *)s, job_route_import, &j, err);
}
