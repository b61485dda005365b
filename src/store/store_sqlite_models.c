/* store_sqlite_models.c - learnt models as versioned blobs, and the training set, on SQLite. */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

struct model_job {
    const char *kind;
    const void *bytes;
    size_t len;
    int64_t docs;
    const char *note;
    int64_t *id;
};

static int job_model_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "INSERT INTO models(kind, created_at, docs, note, bytes)"
                              " VALUES(?1, ?2, ?3, ?4, ?5)";
    struct model_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->kind);
    sqlite3_bind_int64(st, 2, time_now());
    sqlite3_bind_int64(st, 3, j->docs);
    sq_bind_text(st, 4, j->note ? j->note : "");
    sqlite3_bind_blob64(st, 5, j->bytes, j->len, SQLITE_STATIC);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    *j->id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int sqo_model_put(struct store *s, const char *kind, const void *bytes, size_t len, int64_t docs,
                  const char *note, int64_t *id, struct gz_err *err)
{
    struct model_job j = {kind, bytes, len, docs, note, id};

    return sq_write((struct sqstore *)s, job_model_put, &j, err);
}

int sqo_model_latest(struct store *s, const char *kind, void **bytes, size_t *len, int64_t *id,
                     struct gz_err *err)
{
    static const char sql[] =
        "SELECT id, bytes FROM models WHERE kind = ?1 ORDER BY id DESC LIMIT 1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, kind);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *id = sqlite3_column_int64(st, 0);
        *len = (size_t)sqlite3_column_bytes(st, 1);
        *bytes = malloc(*len ? *len : 1);
        if (*bytes)
            memcpy(*bytes, sqlite3_column_blob(st, 1), *len);
        else
            rc = gz_fail(err, GZ_ENOMEM, "", "out of memory");
    } else if (rc == SQLITE_DONE) {
        rc = gz_fail(err, GZ_ENOTFOUND, "model", "no %s model has been trained", kind);
    }
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_training_cases(struct store *s, store_training_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT text, address, category_code FROM cases"
                              " WHERE status = 'closed' AND category_code IS NOT NULL ORDER BY id";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0),
               (const char *)sqlite3_column_text(st, 1),
               (const char *)sqlite3_column_text(st, 2))) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
