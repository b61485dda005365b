/*
 * store_sqlite_attach.c - attachment rows on SQLite. An attachment is added
 * by one writer job: the case is read as it is now, the caller's check runs
 * on it, then the `attachment` event is sealed into the chain and the row
 * written, in one transaction. The id is taken inside the job (one writer),
 * so the event can name its attachment.
 */
#include "gz.h"

#include "store/sq_case.h"
#include "store/store_sqlite.h"

#define ATT_COLS                                                                                   \
    "id, case_id, sha256, mime, bytes, width, height, stage, uploaded_by, unit_id, at, event_id"

static int64_t col_i64(sqlite3_stmt *st, int i)
{
    return sqlite3_column_type(st, i) == SQLITE_NULL ? 0 : sqlite3_column_int64(st, i);
}

static void att_from_row(sqlite3_stmt *st, struct attachment *a)
{
    char stage[16];
    int sv;

    memset(a, 0, sizeof(*a));
    a->id = sqlite3_column_int64(st, 0);
    a->case_id = sqlite3_column_int64(st, 1);
    sq_col_text(st, 2, a->sha256, sizeof(a->sha256));
    sq_col_text(st, 3, a->mime, sizeof(a->mime));
    a->bytes = sqlite3_column_int64(st, 4);
    a->width = (int)col_i64(st, 5);
    a->height = (int)col_i64(st, 6);
    sq_col_text(st, 7, stage, sizeof(stage));
    sv = att_stage_parse(stage);
    a->stage = sv < 0 ? ATT_VERIFY : (enum att_stage)sv; /* unknown: treat as internal */
    a->uploaded_by = col_i64(st, 8);
    a->unit_id = col_i64(st, 9);
    a->at = sqlite3_column_int64(st, 10);
    a->event_id = sqlite3_column_int64(st, 11);
}

static void bind_opt(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

static int next_id(struct sqconn *c, int64_t *id, struct gz_err *err)
{
    static const char sql[] = "SELECT coalesce(max(id), 0) + 1 FROM attachments";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sq_done(st);
    return rc == SQLITE_ROW ? 0 : sq_fail(c, rc, err);
}

static int att_insert(struct sqconn *c, const struct attachment *a, struct gz_err *err)
{
    static const char sql[] = "INSERT INTO attachments(" ATT_COLS ")"
                              " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, a->id);
    sqlite3_bind_int64(st, 2, a->case_id);
    sq_bind_text(st, 3, a->sha256);
    sq_bind_text(st, 4, a->mime);
    sqlite3_bind_int64(st, 5, a->bytes);
    bind_opt(st, 6, a->width);
    bind_opt(st, 7, a->height);
    sq_bind_text(st, 8, att_stage_name(a->stage));
    bind_opt(st, 9, a->uploaded_by);
    bind_opt(st, 10, a->unit_id);
    sqlite3_bind_int64(st, 11, a->at);
    sqlite3_bind_int64(st, 12, a->event_id);
    return sq_step_done(c, st, err);
}

struct add_job {
    const char *number;
    struct attachment *a;
    store_attach_fn fn;
    void *ctx;
};

static int job_add(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct add_job *j = arg;
    struct case_rec cr;
    struct event ev;
    int rc;

    event_init(&ev);
    rc = sq_case_load(c, j->number, 0, &cr, err);
    if (rc)
        return rc;
    j->a->case_id = cr.id;
    rc = next_id(c, &j->a->id, err);
    if (!rc)
        rc = j->fn(j->ctx, &cr, j->a, &ev, err);
    if (!rc) {
        ev.case_id = cr.id;
        if (!ev.at)
            ev.at = j->a->at;
        rc = sq_event_append(c, &ev, err);
    }
    if (!rc) {
        j->a->event_id = ev.id;
        rc = att_insert(c, j->a, err);
    }
    event_release(&ev);
    case_release(&cr);
    return rc;
}

int sqo_attachment_add(struct store *s, const char *number, struct attachment *a,
                       store_attach_fn fn, void *ctx, struct gz_err *err)
{
    struct add_job j = {number, a, fn, ctx};

    return sq_write((struct sqstore *)s, job_add, &j, err);
}

int sqo_attachment_get(struct store *s, int64_t id, struct attachment *out, struct gz_err *err)
{
    static const char sql[] = "SELECT " ATT_COLS " FROM attachments WHERE id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        att_from_row(st, out);
    if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "attachment %lld not found", (long long)id);
    else
        rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_attachment_list(struct store *s, int64_t case_id, store_attachment_fn fn, void *ctx,
                        struct gz_err *err)
{
    static const char sql[] = "SELECT " ATT_COLS " FROM attachments WHERE case_id = ?1 ORDER BY id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, case_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct attachment a;
        att_from_row(st, &a);
        if (fn(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
