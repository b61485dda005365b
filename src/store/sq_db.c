/*
 * sq_db.c - SQLite connections, the read pool, migrations and the group
 * commit writer.
 *
 * Invariants: only the writer thread writes; it runs each queued job in a
 * savepoint inside one transaction per group, so one failing job rolls back
 * alone while its neighbours commit; a job's submitter is woken only after
 * the COMMIT that holds it returned. WAL lets readers run beside the writer.
 */
#include "gz.h"

#include <stdlib.h>

#include "store/sq.h"
#include "util/fiber.h"
#include "util/log.h"
#include "util/timeutil.h"

sqlite3_stmt *sq_stmt(struct sqconn *c, const char *sql, struct gz_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc;

    for (int i = 0; i < c->n; i++)
        if (c->cache[i].sql == sql)
            return c->cache[i].st;
    rc = sqlite3_prepare_v3(c->db, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        gz_fail(err, GZ_EIO, "", "prepare: %s", sqlite3_errmsg(c->db));
        log_error("sqlite prepare failed: %s: %s", sqlite3_errmsg(c->db), sql);
        return NULL;
    }
    if (c->n < SQ_CACHE) {
        c->cache[c->n].sql = sql;
        c->cache[c->n].st = st;
        c->n++;
        return st;
    }
    /* cache full: evict the oldest statement (never happens with our fixed SQL) */
    sqlite3_finalize(c->cache[0].st);
    memmove(&c->cache[0], &c->cache[1], sizeof(c->cache[0]) * (SQ_CACHE - 1));
    c->cache[SQ_CACHE - 1].sql = sql;
    c->cache[SQ_CACHE - 1].st = st;
    return st;
}

void sq_done(sqlite3_stmt *st)
{
    if (!st)
        return;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
}

int sq_fail(struct sqconn *c, int rc, struct gz_err *err)
{
    int ext = sqlite3_extended_errcode(c->db);
    const char *msg = sqlite3_errmsg(c->db);

    (void)rc;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY) {
        const char *dot = strrchr(msg, '.');
        return gz_fail(err, GZ_ECONFLICT, dot ? dot + 1 : "", "already exists (%s)", msg);
    }
    if (ext == SQLITE_CONSTRAINT_FOREIGNKEY)
        return gz_fail(err, GZ_EINVAL, "", "refers to something that does not exist");
    if ((ext & 0xff) == SQLITE_CONSTRAINT)
        return gz_fail(err, GZ_EINVAL, "", "constraint failed: %s", msg);
    if ((ext & 0xff) == SQLITE_FULL)
        return gz_fail(err, GZ_EIO, "", "disk full");
    log_error("sqlite: %s (%d)", msg, ext);
    return gz_fail(err, GZ_EIO, "", "storage error");
}

int sq_exec(struct sqconn *c, const char *sql, struct gz_err *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);

    if (rc != SQLITE_OK) {
        gz_fail(err, GZ_EIO, "", "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return GZ_EIO;
    }
    return 0;
}

void sq_bind_text(sqlite3_stmt *st, int i, const char *s)
{
    if (s)
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i);
}

void sq_bind_text_or_null(sqlite3_stmt *st, int i, const char *s)
{
    sq_bind_text(st, i, s && *s ? s : NULL);
}

void sq_col_text(sqlite3_stmt *st, int i, char *dst, size_t size)
{
    const char *s = (const char *)sqlite3_column_text(st, i);
    size_t n = s ? (size_t)sqlite3_column_bytes(st, i) : 0;

    if (n >= size)
        n = size - 1;
    if (n)
        memcpy(dst, s, n);
    dst[n] = '\0';
}

char *sq_col_strdup(sqlite3_stmt *st, int i)
{
    const char *s = (const char *)sqlite3_column_text(st, i);

    return s ? strdup(s) : NULL;
}

void sq_conn_close(struct sqconn *c)
{
    if (!c)
        return;
    for (int i = 0; i < c->n; i++)
        sqlite3_finalize(c->cache[i].st);
    sqlite3_close(c->db);
    free(c);
}

static int conn_attach(struct sqconn *c, const char *path, enum sq_conn_kind kind,
                       struct gz_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v2(
        c->db, kind == SQ_CONN_INDEX ? "ATTACH DATABASE ?1 AS db" : "ATTACH DATABASE ?1 AS search",
        -1, &st, NULL);

    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, path, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return gz_fail(err, GZ_EIO, "db", "cannot attach %s: %s", path, sqlite3_errmsg(c->db));
    return 0;
}

static int conn_setup(struct sqconn *c, enum sq_conn_kind kind, const char *attach, bool sync_full,
                      struct gz_err *err)
{
    bool creates = kind == SQ_CONN_WRITER || kind == SQ_CONN_INDEX;

    sqlite3_busy_timeout(c->db, SQ_BUSY_MS);
    sqlite3_extended_result_codes(c->db, 1);
    return sq_exec(c, "PRAGMA foreign_keys=ON", err) ||
           (creates && sq_exec(c, "PRAGMA journal_mode=WAL", err)) ||
           sq_exec(c, sync_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL", err) ||
           sq_exec(c, "PRAGMA temp_store=MEMORY", err) ||
           (attach && conn_attach(c, attach, kind, err)) ||
           (!creates && sq_exec(c, "PRAGMA query_only=ON", err));
}

struct sqconn *sq_conn_open(const char *path, enum sq_conn_kind kind, const char *attach,
                            bool sync_full, struct gz_err *err)
{
    struct sqconn *c = calloc(1, sizeof(*c));
    bool creates = kind == SQ_CONN_WRITER || kind == SQ_CONN_INDEX;
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (creates ? SQLITE_OPEN_CREATE : 0);

    if (!c) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (sqlite3_open_v2(path, &c->db, flags, NULL) != SQLITE_OK) {
        gz_fail(err, GZ_EIO, "db", "cannot open %s: %s", path, sqlite3_errmsg(c->db));
        sq_conn_close(c);
        return NULL;
    }
    if (conn_setup(c, kind, attach, sync_full, err)) {
        sq_conn_close(c);
        return NULL;
    }
    return c;
}

struct sqconn *sq_reader(struct sqstore *s, struct gz_err *err)
{
    struct sqconn *c;

    pthread_mutex_lock(&s->pool_lock);
    c = s->pool;
    if (c)
        s->pool = c->next;
    pthread_mutex_unlock(&s->pool_lock);
    if (c)
        return c;
    c = sq_conn_open(s->path, SQ_CONN_READER, s->idx_init ? s->idx_path : NULL, s->sync_full, err);
    if (c) {
        pthread_mutex_lock(&s->pool_lock);
        s->pool_open++;
        pthread_mutex_unlock(&s->pool_lock);
    }
    return c;
}

void sq_reader_put(struct sqstore *s, struct sqconn *c)
{
    if (!c)
        return;
    pthread_mutex_lock(&s->pool_lock);
    c->next = s->pool;
    s->pool = c;
    pthread_mutex_unlock(&s->pool_lock);
}

/* ---- migrations ---- */

static int read_version(struct sqconn *c, int *version, struct gz_err *err)
{
    sqlite3_stmt *st = NULL;
    int rc, tables = 0, has_version = 0;

    rc = sqlite3_prepare_v2(c->db,
                            "SELECT count(*), sum(name='schema_version') FROM sqlite_master "
                            "WHERE type='table'",
                            -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW) {
        tables = sqlite3_column_int(st, 0);
        has_version = sqlite3_column_int(st, 1);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_OK)
        return gz_fail(err, GZ_ESCHEMA, "db", "not a database: %s", sqlite3_errmsg(c->db));
    *version = 0;
    if (tables && !has_version)
        return gz_fail(err, GZ_ESCHEMA, "db",
                       "the file holds tables but is not a gongzhi database");
    if (!has_version)
        return 0;
    rc = sqlite3_prepare_v2(c->db, "SELECT max(version) FROM schema_version", -1, &st, NULL);
    if (rc == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        *version = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return 0;
}

/* Bring the file from its version to `target` in one transaction. */
static int migrate(struct sqconn *c, int target, int *version, struct gz_err *err)
{
    char sql[96];
    int rc = read_version(c, version, err);

    if (rc)
        return rc;
    if (*version > sq_migrations_count)
        return gz_fail(err, GZ_ESCHEMA, "db",
                       "the database has schema version %d, newer than this gongzhi (%d): "
                       "upgrade gongzhi",
                       *version, sq_migrations_count);
    if (*version >= target)
        return 0;
    rc = sq_exec(c, "BEGIN IMMEDIATE", err);
    for (int v = *version; !rc && v < target; v++) {
        rc = sq_exec(c, sq_migrations[v], err);
        snprintf(sql, sizeof(sql),
                 "DELETE FROM schema_version; INSERT INTO schema_version VALUES(%d)", v + 1);
        if (!rc)
            rc = sq_exec(c, sql, err);
    }
    if (!rc)
        rc = sq_exec(c, "COMMIT", err);
    if (rc) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        return rc;
    }
    log_info("database migrated from schema %d to %d", *version, target);
    *version = target;
    return 0;
}

/* ---- the writer ---- */

/*
 * Every commit writes each page its group touched (a case touches ~7: the ends of its
 * category's, unit's, street's and deadline's index ranges), so under load a fuller group
 * writes fewer pages a case: wait a little for one, when the last group says writes are
 * coming together. Writes that come one at a time never wait. While handlers held their
 * thread through the commit, the group waited for had to stay small (8: 24 took intake from
 * 10.4k down to 8.4k, the threads all standing); parked handlers hold none, and waiting for
 * up to 32 took the Boston pipeline from ~8.3k to ~8.6k cases/s and intake to ~13k. Writers
 * that block a thread still get 8: 32 took the replay's 16 workers from 62 s to 79 s.
 */
static void linger(struct sqstore *s)
{
    int cap = 2 * s->last_parked >= s->last_group ? SQ_LINGER_GROUP : SQ_LINGER_BLOCKED;
    int want = s->last_group < cap / 2 ? 2 * s->last_group : cap;
    struct timespec until;

    if (s->last_group < SQ_LINGER_FROM)
        return;
    until = time_deadline(SQ_LINGER_S);
    s->q_want = want; /* a submitter wakes the writer only once the group is there */
    while (!s->stopping && s->q_len < want &&
           pthread_cond_timedwait(&s->q_work, &s->q_lock, &until) == 0)
        ;
    s->q_want = 1;
}

static struct sqjob *take_group(struct sqstore *s)
{
    struct sqjob *head, *j;
    int n = 1, parked;

    pthread_mutex_lock(&s->q_lock);
    while (!s->q_head && !s->stopping)
        pthread_cond_wait(&s->q_work, &s->q_lock);
    linger(s);
    head = s->q_head;
    parked = head && head->fiber;
    for (j = head; j && n < SQ_GROUP_MAX && j->next; j = j->next) {
        n++;
        parked += j->next->fiber != NULL;
    }
    if (j) {
        s->q_head = j->next;
        j->next = NULL;
        if (!s->q_head)
            s->q_tail = NULL;
        s->q_len -= n;
        s->last_group = n;
        s->last_parked = parked;
    }
    pthread_mutex_unlock(&s->q_lock);
    return head;
}

/* A statement without results, prepared once (sqlite3_exec compiles its text each time). */
static int run_cached(struct sqconn *c, const char *sql, struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    return st ? sq_step_done(c, st, err) : GZ_EIO;
}

static void run_job(struct sqconn *c, struct sqjob *j)
{
    static const char savepoint[] = "SAVEPOINT job", rollback[] = "ROLLBACK TO job",
                      release[] = "RELEASE job";
    struct gz_err ignored;
    struct sqtail tail = c->tail; /* a job rolled back leaves the chain and numbers as they were */

    if (run_cached(c, savepoint, j->err)) {
        j->rc = GZ_EIO;
        return;
    }
    j->rc = j->fn(c, j->arg, j->err);
    if (j->rc) {
        run_cached(c, rollback, &ignored);
        c->tail = tail;
    }
    run_cached(c, release, &ignored);
}

/* Tell the listeners what the group appended (a hint: they read it), and recount webhooks. */
static void after_group(struct sqstore *s, int rc)
{
    struct sqconn *c = s->writer;
    struct gz_err err;
    int64_t last = c->group_event;
    bool outbox = c->group_outbox, kb = c->group_kb;
    int64_t newest = c->group_case;

    c->group_event = 0;
    c->group_outbox = false;
    c->group_case = 0;
    c->group_kb = false;
    if (!rc && newest && s->idx_init) {
        if (newest > atomic_load(&s->newest_case))
            atomic_store(&s->newest_case, newest);
        sq_index_poke(s);
    }
    if (!rc && kb)
        atomic_fetch_add(&s->kb_gen, 1); /* after the commit: a rebuild from now sees it */
    if (c->hooks_dirty) {
        c->hooks_dirty = false;
        if (sq_hooks_count(c, &err))
            log_warn("webhooks: %s", err.msg);
    }
    if (rc || (!last && !outbox))
        return;
    /* held while calling: a listener is never called after store_off_commit returned */
    pthread_mutex_lock(&s->listen_lock);
    for (int i = 0; i < s->n_listeners; i++)
        s->listeners[i].fn(s->listeners[i].ctx, last, outbox);
    pthread_mutex_unlock(&s->listen_lock);
}

static void run_group(struct sqstore *s, struct sqjob *group)
{
    static const char begin[] = "BEGIN IMMEDIATE", commit[] = "COMMIT";
    struct gz_err err;
    struct sqjob *j;
    int rc = run_cached(s->writer, begin, &err);

    memset(&s->writer->tail, 0, sizeof(s->writer->tail));
    for (j = group; j; j = j->next)
        if (rc)
            j->rc = gz_fail(j->err, GZ_EIO, "", "%s", err.msg);
        else
            run_job(s->writer, j);
    if (!rc && ((rc = sq_group_flush(s->writer, &err)) != 0 ||
                (rc = run_cached(s->writer, commit, &err)) != 0)) {
        sqlite3_exec(s->writer->db, "ROLLBACK", NULL, NULL, NULL);
        for (j = group; j; j = j->next)
            if (!j->rc)
                j->rc = gz_fail(j->err, GZ_EIO, "", "commit failed: %s", err.msg);
    }
    after_group(s, rc);
    while (group) {
        j = group;
        group = j->next; /* read before the post: the job lives on its submitter's stack */
        if (j->fiber)
            fiber_wake(j->fiber);
        else
            sem_post(&j->done);
    }
}

static void *writer_main(void *arg)
{
    struct sqstore *s = arg;
    struct sqjob *group;

    while ((group = take_group(s)) != NULL)
        run_group(s, group);
    return NULL;
}

int sq_write(struct sqstore *s, sq_write_fn fn, void *arg, struct gz_err *err)
{
    struct gz_err local;
    struct sqjob job = {.fn = fn, .arg = arg, .err = err ? err : &local, .fiber = fiber_current()};

    if (!job.fiber)
        sem_init(&job.done, 0, 0);
    pthread_mutex_lock(&s->q_lock);
    if (s->stopping) {
        pthread_mutex_unlock(&s->q_lock);
        if (!job.fiber)
            sem_destroy(&job.done);
        return gz_fail(err, GZ_EIO, "", "store is closing");
    }
    if (s->q_tail)
        s->q_tail->next = &job;
    else
        s->q_head = &job;
    s->q_tail = &job;
    if (++s->q_len >= s->q_want)
        pthread_cond_signal(&s->q_work);
    pthread_mutex_unlock(&s->q_lock);
    if (job.fiber) {
        fiber_park(); /* the thread serves others until the group has committed */
        return job.rc;
    }
    while (sem_wait(&job.done) != 0)
        ; /* EINTR */
    sem_destroy(&job.done);
    return job.rc;
}

/* ---- the checkpointer ---- */

/* After each commit: wake the checkpointer once the WAL has grown enough. */
static int wal_hook(void *arg, sqlite3 *db, const char *name, int pages)
{
    struct sqstore *s = arg;

    (void)db, (void)name;
    if (pages < SQ_CHECKPOINT_PAGES)
        return SQLITE_OK;
    pthread_mutex_lock(&s->q_lock);
    s->ckpt_wanted = true;
    pthread_cond_signal(&s->ckpt_wake);
    pthread_mutex_unlock(&s->q_lock);
    return SQLITE_OK;
}

/* Copies WAL pages into the database on its own connection, so commits never wait for it. */
static void *ckpt_main(void *arg)
{
    struct sqstore *s = arg;
    struct gz_err err;
    struct sqconn *c = sq_conn_open(s->path, SQ_CONN_CHECKPOINT, NULL, s->sync_full, &err);
    int rc;

    pthread_mutex_lock(&s->q_lock);
    while (c && !s->stopping) {
        while (!s->ckpt_wanted && !s->stopping)
            pthread_cond_wait(&s->ckpt_wake, &s->q_lock);
        if (s->stopping)
            break;
        s->ckpt_wanted = false;
        pthread_mutex_unlock(&s->q_lock);
        rc = sqlite3_wal_checkpoint_v2(c->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
        /* busy: a reader or the writer holds what it needs; the next wake-up tries again */
        if (rc == SQLITE_BUSY)
            log_debug("checkpoint: %s", sqlite3_errmsg(c->db));
        else if (rc != SQLITE_OK)
            log_warn("checkpoint: %s", sqlite3_errmsg(c->db));
        pthread_mutex_lock(&s->q_lock);
    }
    pthread_mutex_unlock(&s->q_lock);
    sq_conn_close(c);
    return NULL;
}

static int start_threads(struct sqstore *s, struct gz_err *err)
{
    if (sq_hooks_count(s->writer, err))
        return err->code;
    sqlite3_wal_hook(s->writer->db, wal_hook, s); /* replaces the automatic checkpoint */
    if (pthread_create(&s->thread, NULL, writer_main, s) != 0)
        return gz_fail(err, GZ_EIO, "", "cannot start the writer thread");
    s->thread_started = true;
    if (pthread_create(&s->ckpt_thread, NULL, ckpt_main, s) != 0)
        return gz_fail(err, GZ_EIO, "", "cannot start the checkpoint thread");
    s->ckpt_started = true;
    return s->idx_init ? sq_index_start(s, err) : 0;
}

/*
 * The search index lives beside a database of the current schema; a file
 * left at an older version (tests build those to test migrations) has none.
 */
static int open_index(struct sqstore *s, struct gz_err *err)
{
    if (s->version < sq_migrations_count)
        return 0;
    return sq_index_open(s, err);
}

/*
 * SQLite counts every allocation under one global mutex unless told not to;
 * with a writer, a checkpointer and a pool of readers that mutex was the
 * busiest lock of intake. Must run before SQLite initialises itself.
 */
static void sqlite_setup(void)
{
    if (sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0) != SQLITE_OK)
        log_debug("sqlite: already initialised; memory statistics stay on");
}

struct sqstore *sq_open(const char *path, const struct store_options *opt, struct gz_err *err)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    struct sqstore *s;

    pthread_once(&once, sqlite_setup);
    s = calloc(1, sizeof(*s));
    int target = opt->max_version > 0 ? opt->max_version : sq_migrations_count;

    if (!s || !(s->path = strdup(path))) {
        free(s);
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    s->sync_full = opt->sync_full;
    pthread_mutex_init(&s->pool_lock, NULL);
    pthread_mutex_init(&s->q_lock, NULL);
    pthread_mutex_init(&s->listen_lock, NULL);
    pthread_mutex_init(&s->kbv_lock, NULL);
    pthread_mutex_init(&s->pc_lock, NULL);
    pthread_cond_init(&s->q_work, NULL);
    s->q_want = 1;
    pthread_cond_init(&s->ckpt_wake, NULL);
    s->writer = sq_cache_init(s, err)
                    ? NULL
                    : sq_conn_open(path, SQ_CONN_WRITER, NULL, opt->sync_full, err);
    if (!s->writer || migrate(s->writer, target, &s->version, err) || open_index(s, err) ||
        start_threads(s, err)) {
        sq_close(s);
        return NULL;
    }
    return s;
}

void sq_close(struct sqstore *s)
{
    struct sqconn *c;

    if (!s)
        return;
    pthread_mutex_lock(&s->q_lock);
    s->stopping = true;
    pthread_cond_signal(&s->q_work);
    pthread_cond_signal(&s->ckpt_wake);
    pthread_mutex_unlock(&s->q_lock);
    if (s->thread_started)
        pthread_join(s->thread, NULL);
    if (s->ckpt_started)
        pthread_join(s->ckpt_thread, NULL);
    sq_index_close(s);
    while ((c = s->pool) != NULL) {
        s->pool = c->next;
        sq_conn_close(c);
    }
    if (s->writer)
        sqlite3_exec(s->writer->db, "PRAGMA optimize", NULL, NULL, NULL);
    sq_conn_close(s->writer);
    pthread_cond_destroy(&s->ckpt_wake);
    pthread_cond_destroy(&s->q_work);
    pthread_mutex_destroy(&s->q_lock);
    pthread_mutex_destroy(&s->listen_lock);
    pthread_mutex_destroy(&s->kbv_lock);
    pthread_mutex_destroy(&s->pc_lock);
    sq_cache_free(s);
    free(s->pcache);
    sq_vocab_free(s->kbv);
    pthread_mutex_destroy(&s->pool_lock);
    free(s->path);
    free(s);
}

sqlite3_stmt *sq_read_begin(struct sqstore *s, const char *sql, struct sqconn **c,
                            struct gz_err *err)
{
    sqlite3_stmt *st;

    *c = sq_reader(s, err);
    if (!*c)
        return NULL;
    st = sq_stmt(*c, sql, err);
    if (!st) {
        sq_reader_put(s, *c);
        *c = NULL;
    }
    return st;
}

void sq_read_end(struct sqstore *s, struct sqconn *c, sqlite3_stmt *st)
{
    sq_done(st);
    sq_reader_put(s, c);
}

int sq_step_result(struct sqconn *c, int rc, struct gz_err *err)
{
    return rc == SQLITE_DONE || rc == SQLITE_ROW ? 0 : sq_fail(c, rc, err);
}

int sq_read_texts(struct sqstore *s, const char *sql, int64_t arg,
                  int (*fn)(void *ctx, const char *text), void *ctx, struct gz_err *err)
{
    struct sqconn *c;
    sqlite3_stmt *st = sq_read_begin(s, sql, &c, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, arg);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        if (fn(ctx, (const char *)sqlite3_column_text(st, 0))) {
            rc = SQLITE_DONE;
            break;
        }
    rc = sq_step_result(c, rc, err);
    sq_read_end(s, c, st);
    return rc;
}

int sq_step_done(struct sqconn *c, sqlite3_stmt *st, struct gz_err *err)
{
    int rc = sqlite3_step(st);

    sq_done(st);
    return rc == SQLITE_DONE ? 0 : sq_fail(c, rc, err);
}

int sq_key_read(struct sqconn *c, const char *sql, const char *key, char *out, size_t size,
                struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    out[0] = '\0';
    sq_bind_text(st, 1, key);
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        sq_col_text(st, 0, out, size);
    sq_done(st);
    return sq_step_result(c, rc, err);
}

int sq_key_write(struct sqconn *c, const char *sql, const char *key, const char *value,
                 struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);

    if (!st)
        return GZ_EIO;
    sq_bind_text(st, 1, key);
    sq_bind_text(st, 2, value);
    return sq_step_done(c, st, err);
}

int sq_step_changed(struct sqconn *c, sqlite3_stmt *st, const char *field, const char *what,
                    struct gz_err *err)
{
    int rc = sq_step_done(c, st, err);

    if (!rc && sqlite3_changes(c->db) == 0)
        return gz_fail(err, GZ_ENOTFOUND, field, "%s not found", what);
    return rc;
}
