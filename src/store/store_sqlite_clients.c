/*
 * store_sqlite_clients.c - Open311 client systems on SQLite. A client is
 * created with an account of its own in one transaction: the account has
 * no usable password ('!' is no argon2id hash) and no membership, and its
 * login "open311:<id>" cannot be chosen by a person (':' is not allowed in
 * logins), so the account only names the client on its cases and events.
 * Revoking keeps the row (its cases still point at the account) and
 * deactivates both.
 */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/log.h"
#include "util/timeutil.h"

#define CLIENT_COLS                                                                                \
    "id, name, contact, account_id, rate_per_min, active, created_at, coalesce(revoked_at, 0),"    \
    " access, scope_categories, scope_areas, scope_fields"

/* A stored scope that no longer parses opens nothing (and says so in the log). */
static void scope_from_row(sqlite3_stmt *st, struct api_client *c)
{
    struct gz_err err = {0};

    if (scope_parse(&c->scope, (const char *)sqlite3_column_text(st, 8),
                    (const char *)sqlite3_column_text(st, 9),
                    (const char *)sqlite3_column_text(st, 10),
                    (const char *)sqlite3_column_text(st, 11), &err)) {
        log_warn("client %lld: stored scope unreadable (%s): no native access", (long long)c->id,
                 err.msg);
        scope_init(&c->scope);
    }
}

/* Bind a client's scope as ?first .. ?first+3. */
static void bind_scope(sqlite3_stmt *st, int first, const struct api_scope *sc)
{
    char cats[SCOPE_TEXT_MAX], areas[SCOPE_TEXT_MAX], fields[SCOPE_TEXT_MAX];

    scope_format(sc, cats, areas, fields);
    sq_bind_text(st, first, scope_access_name(sc->access));
    sqlite3_bind_text(st, first + 1, cats, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 2, areas, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, first + 3, fields, -1, SQLITE_TRANSIENT);
}

static void client_from_row(sqlite3_stmt *st, struct api_client *c)
{
    api_client_init(c);
    c->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, c->name, sizeof(c->name));
    sq_col_text(st, 2, c->contact, sizeof(c->contact));
    c->account_id = sqlite3_column_int64(st, 3);
    c->rate_per_min = sqlite3_column_int(st, 4);
    c->active = sqlite3_column_int(st, 5) != 0;
    c->created_at = sqlite3_column_int64(st, 6);
    c->revoked_at = sqlite3_column_int64(st, 7);
    scope_from_row(st, c);
}

struct client_job {
    struct api_client *c;
    const char *key_hash;
    int64_t id;
    int64_t now;
};

static int insert_account(struct sqconn *c, struct client_job *j, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO accounts(login, name, phone, pw_hash, active, created_at)"
        " VALUES('open311:new:' || ?1, ?2, '', '!', 1, ?3)";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->key_hash);
    sq_bind_text(st, 2, j->c->name);
    sqlite3_bind_int64(st, 3, j->now);
    rc = sq_step_done(c, st, err);
    if (!rc)
        j->c->account_id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

static int insert_client(struct sqconn *c, struct client_job *j, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO api_clients(name, contact, key_hash, account_id, rate_per_min, created_at,"
        " access, scope_categories, scope_areas, scope_fields)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";
    static const char login[] = "UPDATE accounts SET login = 'open311:' || ?1 WHERE id = ?2";
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->c->name);
    sq_bind_text(st, 2, j->c->contact);
    sq_bind_text(st, 3, j->key_hash);
    sqlite3_bind_int64(st, 4, j->c->account_id);
    sqlite3_bind_int(st, 5, j->c->rate_per_min);
    sqlite3_bind_int64(st, 6, j->now);
    bind_scope(st, 7, &j->c->scope);
    rc = sq_step_done(c, st, err);
    if (rc)
        return rc;
    j->c->id = sqlite3_last_insert_rowid(c->db);
    st = sq_stmt(c, login, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->c->id);
    sqlite3_bind_int64(st, 2, j->c->account_id);
    return sq_step_done(c, st, err);
}

static int job_client_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    struct client_job *j = arg;
    int rc = insert_account(c, j, err);

    if (!rc)
        rc = insert_client(c, j, err);
    return rc;
}

int sqo_client_create(struct store *s, struct api_client *c, const char *key_hash,
                      struct gz_err *err)
{
    struct client_job j = {c, key_hash, 0, time_now()};

    c->created_at = j.now;
    c->active = true;
    c->revoked_at = 0;
    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_client_create, &j, err));
}

static int job_client_update(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "UPDATE api_clients SET name = ?2, contact = ?3, rate_per_min = ?4,"
                              " access = ?5, scope_categories = ?6, scope_areas = ?7,"
                              " scope_fields = ?8 WHERE id = ?1";
    static const char name[] = "UPDATE accounts SET name = ?2 WHERE id = ?1";
    struct client_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->c->id);
    sq_bind_text(st, 2, j->c->name);
    sq_bind_text(st, 3, j->c->contact);
    sqlite3_bind_int(st, 4, j->c->rate_per_min);
    bind_scope(st, 5, &j->c->scope);
    rc = sq_step_changed(c, st, "id", "client", err);
    if (rc)
        return rc;
    st = sq_stmt(c, name, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->c->account_id);
    sq_bind_text(st, 2, j->c->name);
    return sq_step_done(c, st, err);
}

int sqo_client_update(struct store *s, const struct api_client *c, struct gz_err *err)
{
    struct client_job j = {(struct api_client *)c, NULL, 0, 0};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_client_update, &j, err));
}

static int job_client_rekey(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "UPDATE api_clients SET key_hash = ?2 WHERE id = ?1 AND active";
    struct client_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    sq_bind_text(st, 2, j->key_hash);
    return sq_step_changed(c, st, "id", "active client", err);
}

int sqo_client_rekey(struct store *s, int64_t id, const char *key_hash, struct gz_err *err)
{
    struct client_job j = {NULL, key_hash, id, 0};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_client_rekey, &j, err));
}

static int job_client_revoke(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "UPDATE api_clients SET active = 0,"
                              " revoked_at = coalesce(revoked_at, ?2) WHERE id = ?1";
    static const char acct[] = "UPDATE accounts SET active = 0"
                               " WHERE id = (SELECT account_id FROM api_clients WHERE id = ?1)";
    struct client_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    sqlite3_bind_int64(st, 2, j->now);
    rc = sq_step_changed(c, st, "id", "client", err);
    if (rc)
        return rc;
    st = sq_stmt(c, acct, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    return sq_step_done(c, st, err);
}

int sqo_client_revoke(struct store *s, int64_t id, int64_t now, struct gz_err *err)
{
    struct client_job j = {NULL, NULL, id, now};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_client_revoke, &j, err));
}

/* One client by id (key_hash NULL) or by the hash of an active key. */
int sqo_client_get(struct store *s, int64_t id, const char *key_hash, struct api_client *out,
                   struct gz_err *err)
{
    static const char by_id[] = "SELECT " CLIENT_COLS " FROM api_clients WHERE id = ?1";
    static const char by_key[] = "SELECT " CLIENT_COLS " FROM api_clients"
                                 " WHERE key_hash = ?1 AND active";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, key_hash ? by_key : by_id, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    if (key_hash)
        sq_bind_text(st, 1, key_hash);
    else
        sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        client_from_row(st, out);
    else if (rc == SQLITE_DONE && key_hash)
        rc = gz_fail(err, GZ_EAUTH, "api_key", "the api_key is unknown or revoked");
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "client %lld not found", (long long)id);
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_client_list(struct store *s, store_client_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT " CLIENT_COLS " FROM api_clients ORDER BY id LIMIT 10000";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct api_client cl;
        client_from_row(st, &cl);
        if (fn(ctx, &cl)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- access records ---- */

static int job_access_add(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO client_access(client_id, at, method, path, status, n_cases, cases)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
    struct client_access *a = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, a->client_id);
    sqlite3_bind_int64(st, 2, a->at);
    sq_bind_text(st, 3, a->method);
    sq_bind_text(st, 4, a->path);
    sqlite3_bind_int(st, 5, a->status);
    sqlite3_bind_int(st, 6, a->n_cases);
    sq_bind_text(st, 7, a->cases ? a->cases : "");
    rc = sq_step_done(c, st, err);
    if (!rc)
        a->id = sqlite3_last_insert_rowid(c->db);
    return rc;
}

int sqo_client_access_add(struct store *s, struct client_access *a, struct gz_err *err)
{
    return sq_write((struct sqstore *)s, job_access_add, a, err);
}

int sqo_client_access_list(struct store *s, int64_t client_id, int64_t before, int limit,
                           store_access_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT id, client_id, at, method, path, status, n_cases, cases FROM client_access"
        " WHERE (?1 = 0 OR client_id = ?1) AND (?2 = 0 OR id < ?2) ORDER BY id DESC LIMIT ?3";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, client_id);
    sqlite3_bind_int64(st, 2, before);
    sqlite3_bind_int(st, 3, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct client_access a = {0};
        a.id = sqlite3_column_int64(st, 0);
        a.client_id = sqlite3_column_int64(st, 1);
        a.at = sqlite3_column_int64(st, 2);
        sq_col_text(st, 3, a.method, sizeof(a.method));
        sq_col_text(st, 4, a.path, sizeof(a.path));
        a.status = sqlite3_column_int(st, 5);
        a.n_cases = sqlite3_column_int(st, 6);
        a.cases = (const char *)sqlite3_column_text(st, 7);
        if (fn(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
