/*
 * store_sqlite_auth.c - accounts, memberships and tokens on SQLite.
 * Password hashes never leave this layer except to the login check; tokens
 * are stored only as SHA-256 hashes.
 */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/text.h"
#include "util/timeutil.h"

#define ACCOUNT_COLS "id, login, name, phone, active, created_at, pw_hash"

static void account_from_row(sqlite3_stmt *st, struct account *a, char *pw_hash)
{
    account_init(a);
    a->id = sqlite3_column_int64(st, 0);
    sq_col_text(st, 1, a->login, sizeof(a->login));
    sq_col_text(st, 2, a->name, sizeof(a->name));
    sq_col_text(st, 3, a->phone, sizeof(a->phone));
    a->active = sqlite3_column_int(st, 4) != 0;
    a->created_at = sqlite3_column_int64(st, 5);
    if (pw_hash)
        sq_col_text(st, 6, pw_hash, AUTH_HASH_MAX);
}

struct account_job {
    struct account *a;
    const struct account *ca;
    const char *pw_hash;
};

static int job_account_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO accounts(login, name, phone, pw_hash, active, created_at)"
        " VALUES(?1, ?2, ?3, ?4, ?5, ?6)";
    struct account_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    j->a->created_at = time_now();
    sq_bind_text(st, 1, j->a->login);
    sq_bind_text(st, 2, j->a->name);
    sq_bind_text(st, 3, j->a->phone);
    sq_bind_text(st, 4, j->pw_hash);
    sqlite3_bind_int(st, 5, j->a->active);
    sqlite3_bind_int64(st, 6, j->a->created_at);
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        if (rc == GZ_ECONFLICT)
            gz_fail(err, rc, "login", "login %s is taken", j->a->login);
        return rc;
    }
    j->a->id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int sqo_account_create(struct store *s, struct account *a, const char *pw_hash, struct gz_err *err)
{
    struct account_job j = {a, a, pw_hash};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_account_create, &j, err));
}

static int job_account_update(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "UPDATE accounts SET name = ?2, phone = ?3, active = ?4,"
                              " pw_hash = coalesce(?5, pw_hash) WHERE id = ?1";
    static const char revoke[] = "DELETE FROM tokens WHERE account_id = ?1";
    struct account_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->ca->id);
    sq_bind_text(st, 2, j->ca->name);
    sq_bind_text(st, 3, j->ca->phone);
    sqlite3_bind_int(st, 4, j->ca->active);
    sq_bind_text(st, 5, j->pw_hash);
    rc = sq_step_changed(c, st, "id", "account", err);
    if (rc)
        return rc;
    if (j->ca->active && !j->pw_hash)
        return 0;
    /* a new password or a deactivation ends every session of the account */
    st = sq_stmt(c, revoke, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->ca->id);
    return sq_step_done(c, st, err);
}

int sqo_account_update(struct store *s, const struct account *a, const char *pw_hash,
                       struct gz_err *err)
{
    struct account_job j = {NULL, a, pw_hash};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_account_update, &j, err));
}

int sqo_account_get(struct store *s, int64_t id, const char *login, struct account *out,
                    char *pw_hash, struct gz_err *err)
{
    static const char sql[] = "SELECT " ACCOUNT_COLS " FROM accounts"
                              " WHERE (?1 IS NOT NULL AND login = ?1) OR (?1 IS NULL AND id = ?2)";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, login);
    sqlite3_bind_int64(st, 2, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        account_from_row(st, out, pw_hash);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, login ? "login" : "id", "account not found");
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_account_list(struct store *s, const struct store_page *pg, store_account_fn fn, void *ctx,
                     struct gz_err *err)
{
    static const char sql[] = "SELECT " ACCOUNT_COLS " FROM accounts WHERE id > ?1 ORDER BY id"
                              " LIMIT ?2";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, pg->after_id);
    sqlite3_bind_int(st, 2, pg->limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct account a;
        account_from_row(st, &a, NULL);
        if (fn(ctx, &a)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- memberships ---- */

static void membership_from_row(sqlite3_stmt *st, struct membership *m)
{
    char role[32];

    m->id = sqlite3_column_int64(st, 0);
    m->account_id = sqlite3_column_int64(st, 1);
    m->unit_id = sqlite3_column_int64(st, 2);
    sq_col_text(st, 3, role, sizeof(role));
    m->role = (enum role)role_parse(role);
}

static int job_membership_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO memberships(account_id, unit_id, role)"
        " SELECT ?1, ?2, ?3 WHERE EXISTS(SELECT 1 FROM accounts WHERE id = ?1)"
        " AND EXISTS(SELECT 1 FROM units WHERE id = ?2)";
    struct membership *m = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, m->account_id);
    sqlite3_bind_int64(st, 2, m->unit_id);
    sq_bind_text(st, 3, role_name(m->role));
    rc = sqlite3_step(st);
    sq_done(st);
    if (rc != SQLITE_DONE) {
        rc = sq_fail(c, rc, err);
        if (rc == GZ_ECONFLICT)
            gz_fail(err, rc, "role", "the account already holds this role in this unit");
        return rc;
    }
    if (sqlite3_changes(c->db) == 0)
        return gz_fail(err, GZ_EINVAL, "account_id", "account or unit does not exist");
    m->id = sqlite3_last_insert_rowid(c->db);
    return 0;
}

int sqo_membership_create(struct store *s, struct membership *m, struct gz_err *err)
{
    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_membership_create, m, err));
}

static int job_membership_delete(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "DELETE FROM memberships WHERE id = ?1";
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, *(int64_t *)arg);
    return sq_step_changed(c, st, "id", "membership", err);
}

int sqo_membership_delete(struct store *s, int64_t id, struct gz_err *err)
{
    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_membership_delete, &id, err));
}

int sqo_membership_get(struct store *s, int64_t id, struct membership *out, struct gz_err *err)
{
    static const char sql[] = "SELECT id, account_id, unit_id, role FROM memberships WHERE id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        membership_from_row(st, out);
    else if (rc == SQLITE_DONE)
        rc = gz_fail(err, GZ_ENOTFOUND, "id", "membership not found");
    rc = rc < 0 ? rc : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_membership_list(struct store *s, int64_t account_id, int64_t unit_id,
                        store_membership_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] = "SELECT id, account_id, unit_id, role FROM memberships"
                              " WHERE (?1 = 0 OR account_id = ?1) AND (?2 = 0 OR unit_id = ?2)"
                              " ORDER BY id LIMIT 10000";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, account_id);
    sqlite3_bind_int64(st, 2, unit_id);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct membership m;
        membership_from_row(st, &m);
        if (fn(ctx, &m)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- tokens ---- */

struct token_job {
    const char *hash;
    int64_t account_id;
    int64_t expires_at;
    int64_t now;
    int count;
};

static int job_token_create(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] = "INSERT INTO tokens(hash, account_id, created_at, expires_at)"
                              " VALUES(?1, ?2, ?3, ?4)";
    struct token_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, j->hash);
    sqlite3_bind_int64(st, 2, j->account_id);
    sqlite3_bind_int64(st, 3, time_now());
    sqlite3_bind_int64(st, 4, j->expires_at);
    return sq_step_done(c, st, err);
}

int sqo_token_create(struct store *s, const char *hash, int64_t account_id, int64_t expires_at,
                     struct gz_err *err)
{
    struct token_job j = {hash, account_id, expires_at, 0, 0};

    return sq_write((struct sqstore *)s, job_token_create, &j, err);
}

static int job_token_delete(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char del[] = "DELETE FROM tokens WHERE hash = ?1";
    static const char purge[] = "DELETE FROM tokens WHERE expires_at <= ?1";
    struct token_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, j->hash ? del : purge, err);
    int rc;

    if (!st)
        return GZ_EIO;
    if (j->hash)
        sq_bind_text(st, 1, j->hash);
    else
        sqlite3_bind_int64(st, 1, j->now);
    rc = sqlite3_step(st);
    sq_done(st);
    j->count = sqlite3_changes(c->db);
    return rc == SQLITE_DONE ? 0 : sq_fail(c, rc, err);
}

int sqo_token_delete(struct store *s, const char *hash, struct gz_err *err)
{
    struct token_job j = {hash, 0, 0, 0, 0};

    return sq_auth_changed((struct sqstore *)s,
                           sq_write((struct sqstore *)s, job_token_delete, &j, err));
}

int sqo_token_purge(struct store *s, int64_t now, struct gz_err *err)
{
    struct token_job j = {NULL, 0, 0, now, 0};
    int rc = sq_auth_changed((struct sqstore *)s,
                             sq_write((struct sqstore *)s, job_token_delete, &j, err));

    return rc ? rc : j.count;
}

/*
 * Principals by token hash: every authenticated request needs one, and the
 * read that builds it was a twentieth of intake's CPU. A cached principal
 * serves while no account, membership or token changed in this process since
 * it was read (auth_gen, raised after each such commit, so a logout or a
 * removed role takes effect for the next request), for at most
 * 1 s (another process's change, e.g. the CLI's), and never past its
 * token's expiry.
 */
#define PC_SLOTS 1024

struct sq_principal_slot {
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    uint64_t gen;
    double at;
    int64_t expires_at;
    struct principal p;
};

static struct sq_principal_slot *pc_slot(struct sqstore *sq, const char *hash)
{
    return &sq->pcache[text_hash(hash, strlen(hash)) % PC_SLOTS];
}

static bool pc_get(struct sqstore *sq, const char *hash, uint64_t gen, int64_t now,
                   struct principal *out)
{
    struct sq_principal_slot *slot;
    bool hit = false;

    pthread_mutex_lock(&sq->pc_lock);
    if (sq->pcache) {
        slot = pc_slot(sq, hash);
        hit = strcmp(slot->hash, hash) == 0 && slot->expires_at > now &&
              sq_cache_fresh(slot->gen, slot->at, gen);
        if (hit)
            *out = slot->p;
    }
    pthread_mutex_unlock(&sq->pc_lock);
    return hit;
}

static void pc_put(struct sqstore *sq, const char *hash, uint64_t gen, int64_t expires_at,
                   const struct principal *p)
{
    struct sq_principal_slot *slot;

    pthread_mutex_lock(&sq->pc_lock);
    if (!sq->pcache)
        sq->pcache = calloc(PC_SLOTS, sizeof(*sq->pcache));
    if (sq->pcache && strlen(hash) <= AUTH_TOKEN_HASH_CHARS) {
        slot = pc_slot(sq, hash);
        snprintf(slot->hash, sizeof(slot->hash), "%s", hash);
        slot->gen = gen;
        slot->at = time_mono();
        slot->expires_at = expires_at;
        slot->p = *p;
    }
    pthread_mutex_unlock(&sq->pc_lock);
}

static int principal_read(struct sqstore *sq, const char *hash, int64_t now, struct principal *out,
                          int64_t *expires_at, struct gz_err *err)
{
    static const char sql[] = "SELECT a.id, a.login, m.role, m.unit_id, t.expires_at FROM tokens t"
                              " JOIN accounts a ON a.id = t.account_id"
                              " LEFT JOIN memberships m ON m.account_id = a.id"
                              " WHERE t.hash = ?1 AND t.expires_at > ?2 AND a.active ORDER BY m.id";
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    memset(out, 0, sizeof(*out));
    sq_bind_text(st, 1, hash);
    sqlite3_bind_int64(st, 2, now);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        char role[32];
        out->account_id = sqlite3_column_int64(st, 0);
        sq_col_text(st, 1, out->login, sizeof(out->login));
        *expires_at = sqlite3_column_int64(st, 4);
        if (sqlite3_column_type(st, 2) == SQLITE_NULL || out->n >= AUTH_MAX_MEMBERSHIPS)
            continue;
        sq_col_text(st, 2, role, sizeof(role));
        out->m[out->n].role = (enum role)role_parse(role);
        out->m[out->n].unit_id = sqlite3_column_int64(st, 3);
        out->n++;
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sq_auth_changed(struct sqstore *s, int rc)
{
    atomic_fetch_add(&s->auth_gen, 1);
    return rc;
}

int sqo_principal_load(struct store *s, const char *hash, int64_t now, struct principal *out,
                       struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    uint64_t gen = atomic_load(&sq->auth_gen); /* before the read: a change after it shows */
    int64_t expires_at = 0;
    int rc;

    if (pc_get(sq, hash, gen, now, out))
        return 0;
    rc = principal_read(sq, hash, now, out, &expires_at, err);
    if (!rc && !out->account_id)
        rc = gz_fail(err, GZ_EAUTH, "Authorization", "the token is unknown or expired");
    if (!rc)
        pc_put(sq, hash, gen, expires_at, out);
    return rc;
}
