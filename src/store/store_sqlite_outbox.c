/*
 * store_sqlite_outbox.c - webhooks, their transactional outbox and the
 * event stream's reads on SQLite.
 *
 * Invariants: an event's outbox rows are inserted by the event's own append
 * (sq_outbox_queue, inside the job's transaction), so an event is never
 * committed without them nor they without it; with no active webhook the
 * append costs one integer test (c->hooks, recounted after any group that
 * changed a webhook). A row leaves `done = 0` only through
 * store_outbox_finish (delivered or dead) and comes back through retry.
 */
#include "gz.h"

#include "store/sq.h"
#include "store/store_sqlite.h"
#include "util/timeutil.h"

/* ---- queued with each event ---- */

int sq_hooks_count(struct sqconn *c, struct gz_err *err)
{
    sqlite3_stmt *st = NULL;

    (void)err;
    c->hooks = 0;
    /* a file migrated to an older schema (tests) has no webhooks table: nothing to queue */
    if (sqlite3_prepare_v2(c->db, "SELECT count(*) FROM webhooks WHERE active = 1", -1, &st,
                           NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return 0;
    }
    if (sqlite3_step(st) == SQLITE_ROW)
        c->hooks = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/*
 * A unit's webhook takes the events of cases a unit of its subtree is party
 * to (every case for a root unit); a client's, the public events of the
 * cases its account reported or took in. Events about no case go to root
 * units' webhooks only.
 */
int sq_outbox_queue(struct sqconn *c, const struct event *ev, struct gz_err *err)
{
    static const char sql[] =
        "INSERT INTO outbox(event_id, webhook_id, next_at)"
        " SELECT ?1, w.id, ?2 FROM webhooks w"
        " WHERE w.active = 1 AND (w.kinds IS NULL OR instr(w.kinds, ',' || ?3 || ',') > 0)"
        " AND ((w.unit_id IS NOT NULL AND ("
        "   w.unit_id IN (SELECT id FROM units WHERE parent_id IS NULL)"
        "   OR w.unit_id IN (WITH RECURSIVE up(id) AS ("
        "       SELECT unit_id FROM case_units WHERE case_id = ?4"
        "       UNION SELECT u.parent_id FROM units u JOIN up ON u.id = up.id"
        "       WHERE u.parent_id IS NOT NULL) SELECT id FROM up)))"
        "  OR (w.client_id IS NOT NULL AND ?5 = 0 AND EXISTS (SELECT 1 FROM cases k"
        "       JOIN api_clients a ON a.id = w.client_id WHERE k.id = ?4 AND a.active = 1"
        "       AND a.account_id IN (k.reporter_account_id, k.intake_account_id))))";
    sqlite3_stmt *st;
    int rc;

    if (!c->hooks)
        return 0;
    st = sq_stmt(c, sql, err);
    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, ev->id);
    sqlite3_bind_int64(st, 2, time_wall_ms());
    sq_bind_text(st, 3, ev->kind);
    sqlite3_bind_int64(st, 4, ev->case_id);
    sqlite3_bind_int(st, 5, ev->internal);
    rc = sq_step_done(c, st, err);
    if (!rc && sqlite3_changes(c->db) > 0)
        c->group_outbox = true;
    return rc;
}

/* ---- webhooks ---- */

#define HOOK_COLS                                                                                  \
    "w.id, coalesce(w.unit_id, 0), coalesce(w.client_id, 0), w.url, w.secret,"                     \
    " coalesce(w.kinds, ''), w.active, coalesce(w.created_by, 0), w.created_at"

static void hook_from_row(sqlite3_stmt *st, int i, struct webhook *w)
{
    webhook_init(w);
    w->id = sqlite3_column_int64(st, i);
    w->unit_id = sqlite3_column_int64(st, i + 1);
    w->client_id = sqlite3_column_int64(st, i + 2);
    sq_col_text(st, i + 3, w->url, sizeof(w->url));
    sq_col_text(st, i + 4, w->secret, sizeof(w->secret));
    sq_col_text(st, i + 5, w->kinds, sizeof(w->kinds));
    w->active = sqlite3_column_int(st, i + 6) != 0;
    w->created_by = sqlite3_column_int64(st, i + 7);
    w->created_at = sqlite3_column_int64(st, i + 8);
}

static void bind_id_or_null(sqlite3_stmt *st, int i, int64_t v)
{
    if (v)
        sqlite3_bind_int64(st, i, v);
    else
        sqlite3_bind_null(st, i);
}

struct hook_job {
    struct webhook *w;
    bool create;
    int64_t id;
};

static int job_hook_put(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char ins[] =
        "INSERT INTO webhooks(unit_id, client_id, url, secret, kinds, active, created_by,"
        " created_at) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";
    static const char upd[] = "UPDATE webhooks SET url = ?3, secret = ?4, kinds = ?5, active = ?6"
                              " WHERE id = ?9";
    struct hook_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, j->create ? ins : upd, err);
    int rc;

    if (!st)
        return GZ_EIO;
    if (j->create) {
        bind_id_or_null(st, 1, j->w->unit_id);
        bind_id_or_null(st, 2, j->w->client_id);
        bind_id_or_null(st, 7, j->w->created_by);
        sqlite3_bind_int64(st, 8, j->w->created_at);
    } else {
        sqlite3_bind_int64(st, 9, j->w->id);
    }
    sq_bind_text(st, 3, j->w->url);
    sq_bind_text(st, 4, j->w->secret);
    sq_bind_text_or_null(st, 5, j->w->kinds);
    sqlite3_bind_int(st, 6, j->w->active);
    rc = j->create ? sq_step_done(c, st, err) : sq_step_changed(c, st, "id", "webhook", err);
    if (!rc && j->create)
        j->w->id = sqlite3_last_insert_rowid(c->db);
    /* events later in this group queue for it too; the count is redone after the group */
    if (!rc && j->w->active)
        c->hooks++;
    c->hooks_dirty = true;
    return rc;
}

int sqo_webhook_put(struct store *s, struct webhook *w, bool create, struct gz_err *err)
{
    struct hook_job j = {w, create, 0};

    if (create && !w->created_at)
        w->created_at = time_now();
    return sq_write((struct sqstore *)s, job_hook_put, &j, err);
}

static int job_hook_delete(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char rows[] = "DELETE FROM outbox WHERE webhook_id = ?1";
    static const char hook[] = "DELETE FROM webhooks WHERE id = ?1";
    struct hook_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, rows, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    rc = sq_step_done(c, st, err);
    if (!rc && !(st = sq_stmt(c, hook, err)))
        rc = GZ_EIO;
    if (!rc) {
        sqlite3_bind_int64(st, 1, j->id);
        rc = sq_step_changed(c, st, "id", "webhook", err);
    }
    c->hooks_dirty = true;
    return rc;
}

int sqo_webhook_delete(struct store *s, int64_t id, struct gz_err *err)
{
    struct hook_job j = {NULL, false, id};

    return sq_write((struct sqstore *)s, job_hook_delete, &j, err);
}

int sqo_webhook_get(struct store *s, int64_t id, struct webhook *out, struct gz_err *err)
{
    static const char sql[] = "SELECT " HOOK_COLS " FROM webhooks w WHERE w.id = ?1";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        hook_from_row(st, 0, out);
    rc = rc == SQLITE_DONE
             ? gz_fail(err, GZ_ENOTFOUND, "id", "webhook %lld not found", (long long)id)
             : sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_webhook_list(struct store *s, const struct store_page *pg, store_webhook_fn fn, void *ctx,
                     struct gz_err *err)
{
    static const char sql[] =
        "SELECT " HOOK_COLS " FROM webhooks w WHERE w.id > ?1 ORDER BY w.id LIMIT ?2";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, pg ? pg->after_id : 0);
    sqlite3_bind_int(st, 2, pg && pg->limit > 0 ? pg->limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct webhook w;
        hook_from_row(st, 0, &w);
        if (fn(ctx, &w)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- deliveries ---- */

#define ROW_COLS                                                                                   \
    "o.id, o.event_id, o.webhook_id, o.attempts, o.next_at, o.done, coalesce(o.last_at, 0),"       \
    " coalesce(o.last_status, 0), coalesce(o.last_error, ''), e.kind"

static void row_from(sqlite3_stmt *st, struct outbox_row *r)
{
    memset(r, 0, sizeof(*r));
    r->id = sqlite3_column_int64(st, 0);
    r->event_id = sqlite3_column_int64(st, 1);
    r->webhook_id = sqlite3_column_int64(st, 2);
    r->attempts = sqlite3_column_int(st, 3);
    r->next_at = sqlite3_column_int64(st, 4);
    r->done = sqlite3_column_int(st, 5);
    r->last_at = sqlite3_column_int64(st, 6);
    r->last_status = sqlite3_column_int(st, 7);
    sq_col_text(st, 8, r->last_error, sizeof(r->last_error));
    sq_col_text(st, 9, r->kind, sizeof(r->kind));
}

int sqo_outbox_list(struct store *s, int64_t webhook_id, enum outbox_state state,
                    const struct store_page *pg, store_outbox_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT " ROW_COLS " FROM outbox o JOIN events e ON e.id = o.event_id"
        " WHERE o.webhook_id = ?1 AND o.id < ?2"
        " AND (?3 = 4 OR (?3 = 0 AND o.done = 0) OR (?3 = 1 AND o.done = 0 AND o.attempts > 0)"
        "      OR (?3 = 2 AND o.done = 2) OR (?3 = 3 AND o.done = 1))"
        " ORDER BY o.id DESC LIMIT ?4";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, webhook_id);
    sqlite3_bind_int64(st, 2, pg && pg->after_id ? pg->after_id : INT64_MAX);
    sqlite3_bind_int(st, 3, (int)state);
    sqlite3_bind_int(st, 4, pg && pg->limit > 0 ? pg->limit : -1);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct outbox_row r;
        row_from(st, &r);
        if (fn(ctx, &r)) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

struct retry_job {
    int64_t webhook_id, id, now_ms;
};

static int job_retry(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char get[] = "SELECT done FROM outbox WHERE id = ?1 AND webhook_id = ?2";
    static const char set[] = "UPDATE outbox SET done = 0, attempts = 0, next_at = ?2"
                              " WHERE id = ?1";
    struct retry_job *j = arg;
    sqlite3_stmt *st = sq_stmt(c, get, err);
    int rc, done = -1;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    sqlite3_bind_int64(st, 2, j->webhook_id);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        done = sqlite3_column_int(st, 0);
    sq_done(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return sq_fail(c, rc, err);
    if (done < 0)
        return gz_fail(err, GZ_ENOTFOUND, "id", "delivery %lld not found", (long long)j->id);
    if (done == 1)
        return gz_fail(err, GZ_ECONFLICT, "id", "delivery %lld was delivered", (long long)j->id);
    if (!(st = sq_stmt(c, set, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, j->id);
    sqlite3_bind_int64(st, 2, j->now_ms);
    rc = sq_step_done(c, st, err);
    if (!rc)
        c->group_outbox = true;
    return rc;
}

int sqo_outbox_retry(struct store *s, int64_t webhook_id, int64_t id, int64_t now_ms,
                     struct gz_err *err)
{
    struct retry_job j = {webhook_id, id, now_ms};

    return sq_write((struct sqstore *)s, job_retry, &j, err);
}

static bool skipped(const int64_t *skip, size_t n, int64_t id)
{
    for (size_t i = 0; i < n; i++)
        if (skip[i] == id)
            return true;
    return false;
}

static void item_from_row(sqlite3_stmt *st, struct outbox_item *it)
{
    row_from(st, &it->row);
    hook_from_row(st, 10, &it->hook);
    event_init(&it->ev);
    it->ev.id = it->row.event_id;
    it->ev.case_id = sqlite3_column_int64(st, 19);
    sq_col_text(st, 20, it->ev.kind, sizeof(it->ev.kind));
    it->ev.actor_account_id = sqlite3_column_int64(st, 21);
    it->ev.actor_unit_id = sqlite3_column_int64(st, 22);
    it->ev.at = sqlite3_column_int64(st, 23);
    it->ev.internal = sqlite3_column_int(st, 24) != 0;
    it->ev.body = sq_col_strdup(st, 25);
    sq_col_text(st, 26, it->ev.hash, sizeof(it->ev.hash));
    sq_col_text(st, 27, it->number, sizeof(it->number));
}

int sqo_outbox_due(struct store *s, int64_t now_ms, const int64_t *skip, size_t n_skip, size_t max,
                   store_outbox_item_fn fn, void *ctx, struct gz_err *err)
{
    static const char sql[] =
        "SELECT " ROW_COLS ", " HOOK_COLS ", coalesce(e.case_id, 0), e.kind,"
        " coalesce(e.actor_account_id, 0), coalesce(e.actor_unit_id, 0), e.at,"
        " e.visibility = 'internal', e.body, e.hash, coalesce(k.number, '')"
        /* by due time down the partial index: joined from webhooks, the planner would sort
           every pending row of the webhook for each batch */
        " FROM outbox o INDEXED BY outbox_due CROSS JOIN webhooks w ON w.id = o.webhook_id"
        " JOIN events e ON e.id = o.event_id"
        " LEFT JOIN cases k ON k.id = e.case_id"
        " WHERE o.done = 0 AND o.next_at <= ?1 AND w.active = 1 ORDER BY o.next_at LIMIT ?2";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    size_t taken = 0;
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, now_ms);
    sqlite3_bind_int64(st, 2, (int64_t)(max + n_skip));
    while (taken < max && (rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct outbox_item it;
        if (skipped(skip, n_skip, sqlite3_column_int64(st, 0)))
            continue;
        int stop;
        item_from_row(st, &it);
        taken++;
        stop = fn(ctx, &it);
        event_release(&it.ev);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    if (taken == max)
        rc = SQLITE_DONE;
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

struct finish_job {
    const struct outbox_result *r;
    size_t n;
};

static int job_finish(struct sqconn *c, void *arg, struct gz_err *err)
{
    static const char sql[] =
        "UPDATE outbox SET attempts = ?2, done = ?3, next_at = ?4, last_at = ?5,"
        " last_status = ?6, last_error = ?7 WHERE id = ?1 AND done = 0";
    struct finish_job *j = arg;
    int rc = 0;

    for (size_t i = 0; !rc && i < j->n; i++) {
        const struct outbox_result *r = &j->r[i];
        sqlite3_stmt *st = sq_stmt(c, sql, err);
        if (!st)
            return GZ_EIO;
        sqlite3_bind_int64(st, 1, r->id);
        sqlite3_bind_int(st, 2, r->attempts);
        sqlite3_bind_int(st, 3, r->done);
        sqlite3_bind_int64(st, 4, r->next_at);
        sqlite3_bind_int64(st, 5, r->at_ms);
        sqlite3_bind_int(st, 6, r->status);
        sq_bind_text_or_null(st, 7, r->error);
        rc = sq_step_done(c, st, err);
    }
    return rc;
}

int sqo_outbox_finish(struct store *s, const struct outbox_result *r, size_t n, struct gz_err *err)
{
    struct finish_job j = {r, n};

    return n ? sq_write((struct sqstore *)s, job_finish, &j, err) : 0;
}

int sqo_outbox_next(struct store *s, int64_t *next_ms, struct gz_err *err)
{
    /* one step down the partial index (a join with webhooks would read every pending row);
       rows of inactive webhooks only make the job look a little early */
    static const char sql[] = "SELECT coalesce(min(next_at), 0) FROM outbox WHERE done = 0";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    rc = sqlite3_step(st);
    *next_ms = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

/* ---- commit listeners and the stream ---- */

int sqo_on_commit(struct store *s, store_commit_fn fn, void *ctx, struct gz_err *err)
{
    struct sqstore *sq = (struct sqstore *)s;
    int rc = 0;

    pthread_mutex_lock(&sq->listen_lock);
    if (sq->n_listeners == (int)GZ_ARRAY_LEN(sq->listeners)) {
        rc = gz_fail(err, GZ_EINVAL, "", "too many commit listeners");
    } else {
        sq->listeners[sq->n_listeners].fn = fn;
        sq->listeners[sq->n_listeners].ctx = ctx;
        sq->n_listeners++;
    }
    pthread_mutex_unlock(&sq->listen_lock);
    return rc;
}

void sqo_off_commit(struct store *s, store_commit_fn fn, void *ctx)
{
    struct sqstore *sq = (struct sqstore *)s;

    pthread_mutex_lock(&sq->listen_lock);
    for (int i = 0; i < sq->n_listeners; i++)
        if (sq->listeners[i].fn == fn && sq->listeners[i].ctx == ctx) {
            sq->listeners[i] = sq->listeners[sq->n_listeners - 1];
            sq->n_listeners--;
            break;
        }
    pthread_mutex_unlock(&sq->listen_lock);
}

static void parse_units(const char *list, struct stream_event *e)
{
    const char *p = list;

    while (p && *p && e->n_units < STREAM_MAX_UNITS) {
        char *end;
        long long v = strtoll(p, &end, 10);
        if (end == p)
            break;
        e->units[e->n_units++] = v;
        p = *end == ',' ? end + 1 : end;
    }
}

static void stream_from_row(sqlite3_stmt *st, struct stream_event *e)
{
    memset(e, 0, sizeof(*e));
    event_init(&e->ev);
    e->ev.id = sqlite3_column_int64(st, 0);
    e->ev.case_id = sqlite3_column_int64(st, 1);
    sq_col_text(st, 2, e->ev.kind, sizeof(e->ev.kind));
    e->ev.actor_account_id = sqlite3_column_int64(st, 3);
    e->ev.actor_unit_id = sqlite3_column_int64(st, 4);
    e->ev.at = sqlite3_column_int64(st, 5);
    e->ev.internal = sqlite3_column_int(st, 6) != 0;
    e->ev.body = sq_col_strdup(st, 7);
    sq_col_text(st, 8, e->ev.hash, sizeof(e->ev.hash));
    sq_col_text(st, 9, e->number, sizeof(e->number));
    e->reporter_account_id = sqlite3_column_int64(st, 10);
    e->intake_account_id = sqlite3_column_int64(st, 11);
    parse_units((const char *)sqlite3_column_text(st, 12), e);
}

int sqo_events_after(struct store *s, int64_t after, int limit, store_stream_fn fn, void *ctx,
                     struct gz_err *err)
{
    static const char sql[] =
        "SELECT e.id, coalesce(e.case_id, 0), e.kind, coalesce(e.actor_account_id, 0),"
        " coalesce(e.actor_unit_id, 0), e.at, e.visibility = 'internal', e.body, e.hash,"
        " coalesce(k.number, ''), coalesce(k.reporter_account_id, 0),"
        " coalesce(k.intake_account_id, 0),"
        " (SELECT group_concat(unit_id) FROM case_units WHERE case_id = e.case_id)"
        " FROM events e LEFT JOIN cases k ON k.id = e.case_id WHERE e.id > ?1"
        " ORDER BY e.id LIMIT ?2";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, after);
    sqlite3_bind_int(st, 2, limit);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        struct stream_event e;
        int stop;
        stream_from_row(st, &e);
        stop = fn(ctx, &e);
        event_release(&e.ev);
        if (stop) {
            rc = SQLITE_DONE;
            break;
        }
    }
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}

int sqo_events_head(struct store *s, int64_t *id, struct gz_err *err)
{
    static const char sql[] = "SELECT coalesce(max(id), 0) FROM events";
    struct sqstore *sq = (struct sqstore *)s;
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(sq, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    rc = sqlite3_step(st);
    *id = rc == SQLITE_ROW ? sqlite3_column_int64(st, 0) : 0;
    rc = sq_step_result(c, rc, err);
    sq_read_end(sq, c, st);
    return rc;
}
