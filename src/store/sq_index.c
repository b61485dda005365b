/*
 * sq_index.c - the case search index (full-text q of case lists), kept in its
 * own SQLite file beside the database, "<db>.search", and written by its own
 * thread a moment after intake commits.
 *
 * Why apart: indexing ~100 characters of Chinese writes some 300 full-text
 * terms, nearly two thirds of the writer's work per case. Inside the intake
 * transaction it held every intake back; in another file it takes no lock of
 * the database, so the writer and the indexer run on different cores and a
 * burst of reports is acknowledged at the writer's pace while the index
 * follows. The indexer runs at a lower CPU priority for the same reason.
 *
 * Invariants:
 *   - the index holds exactly the cases with id <= `indexed` (meta), and
 *     `indexed` commits with the rows it covers, in the index file;
 *   - case ids only grow and a case's text and address never change, so
 *     the cases above `indexed` are all that is missing;
 *   - a search first waits until `indexed` reaches the newest case id its
 *     own read of the database sees (sq_index_wait), so it never misses a
 *     case acknowledged before it started, unless the indexer is more than
 *     SQ_INDEX_WAIT_MS behind (then it answers from what is indexed, and
 *     says so in the log).
 * Bursts: while intake runs at 1,000 cases/s or more, the indexer waits
 * (index_defer), so the two cores serve the burst; it catches up after, or
 * once it is 30 s or 300,000 cases behind, or at once when a search waits.
 * Indexing costs about as much CPU as the rest of intake, so the burst rate
 * (bench/run: "intake") is higher than the rate at which cases are also
 * searchable (bench/run: "acknowledged and searchable").
 * The file is derived data. It is rebuilt when it is missing, was made for
 * another database (meta 'db' against settings 'search_id') or in another
 * format; rows above the database's newest case are dropped at open (a power
 * loss can cost the database commits the index kept).
 */
#include "gz.h"

#include <errno.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "store/sq.h"
#include "util/buf.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

#define SQ_INDEX_FORMAT "1"
#define SQ_INDEX_BATCH 512    /* cases per index transaction */
#define SQ_INDEX_WAIT_MS 5000 /* longest a search waits for the index */
#define SQ_INDEX_NICE 10      /* below intake: a burst is acknowledged first, indexed after */
/* A burst: intake of SQ_INDEX_BURST_RATE cases/s or more, looked at every SQ_INDEX_TICK_MS.
   The indexer waits it out, for SQ_INDEX_MAX_DELAY_S at most and while it is less than
   SQ_INDEX_MAX_LAG cases behind, unless a search waits for it. */
#define SQ_INDEX_TICK_MS 100
#define SQ_INDEX_BURST_RATE 1000.0
#define SQ_INDEX_MAX_DELAY_S 30.0
#define SQ_INDEX_MAX_LAG 300000

/* detail=none for the grams: their queries are single tokens, never phrases */
static const char index_schema[] =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;"
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_fts USING fts5(text, address, tokenize = 'trigram');"
    "CREATE VIRTUAL TABLE IF NOT EXISTS cases_grams USING fts5(grams,"
    " tokenize = 'unicode61 remove_diacritics 0', detail = none);";

static const char index_drop[] = "DROP TABLE IF EXISTS cases_fts; DROP TABLE IF EXISTS cases_grams;"
                                 "DROP TABLE IF EXISTS meta;";

static int meta_get(struct sqconn *c, const char *key, char *out, size_t size, struct gz_err *err)
{
    return sq_key_read(c, "SELECT value FROM meta WHERE key = ?1", key, out, size, err);
}

static int meta_put(struct sqconn *c, const char *key, const char *value, struct gz_err *err)
{
    return sq_key_write(c,
                        "INSERT INTO meta(key, value) VALUES(?1, ?2)"
                        " ON CONFLICT(key) DO UPDATE SET value = ?2",
                        key, value, err);
}

static int meta_put_id(struct sqconn *c, int64_t id, struct gz_err *err)
{
    char v[32];

    snprintf(v, sizeof(v), "%lld", (long long)id);
    return meta_put(c, "indexed", v, err);
}

/* The newest case id of the database (0: none), read through the attached "db". */
static int newest_case(struct sqconn *c, const char *sql, int64_t *id, struct gz_err *err)
{
    sqlite3_stmt *st = sq_stmt(c, sql, err);
    int rc;

    if (!st)
        return GZ_EIO;
    *id = 0;
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW)
        *id = sqlite3_column_int64(st, 0);
    sq_done(st);
    return sq_step_result(c, rc, err);
}

/* A fresh, empty index made for the database `db_id`. */
static int index_reset(struct sqconn *c, const char *db_id, struct gz_err *err)
{
    int rc = sq_exec(c, "BEGIN", err);

    if (!rc)
        rc = sq_exec(c, index_drop, err);
    if (!rc)
        rc = sq_exec(c, index_schema, err);
    if (!rc)
        rc = meta_put(c, "format", SQ_INDEX_FORMAT, err);
    if (!rc)
        rc = meta_put(c, "db", db_id, err);
    if (!rc)
        rc = meta_put_id(c, 0, err);
    if (!rc)
        rc = sq_exec(c, "COMMIT", err);
    if (rc)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    return rc;
}

/* Drop what the index holds above the database's newest case. */
static int index_clamp(struct sqconn *c, int64_t *indexed, struct gz_err *err)
{
    static const char *const drop[] = {"DELETE FROM cases_fts WHERE rowid > ?1",
                                       "DELETE FROM cases_grams WHERE rowid > ?1"};
    int64_t newest;
    int rc = newest_case(c, "SELECT max(id) FROM db.cases", &newest, err);

    if (rc || *indexed <= newest)
        return rc;
    log_warn("search index: it holds cases above %lld, the newest of the database: dropping them",
             (long long)newest);
    rc = sq_exec(c, "BEGIN", err);
    for (size_t i = 0; !rc && i < GZ_ARRAY_LEN(drop); i++) {
        sqlite3_stmt *st = sq_stmt(c, drop[i], err);
        if (!st)
            rc = GZ_EIO;
        else {
            sqlite3_bind_int64(st, 1, newest);
            rc = sq_step_done(c, st, err);
        }
    }
    if (!rc)
        rc = meta_put_id(c, newest, err);
    if (!rc)
        rc = sq_exec(c, "COMMIT", err);
    if (rc)
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
    else
        *indexed = newest;
    return rc;
}

/* Check the file against the database; rebuild it when it belongs elsewhere. */
static int index_check(struct sqconn *c, const char *db_id, int64_t *indexed, struct gz_err *err)
{
    char format[16] = "", owner[64] = "", upto[32] = "";
    int rc = sq_exec(c, index_schema, err);

    if (!rc)
        rc = meta_get(c, "format", format, sizeof(format), err);
    if (!rc)
        rc = meta_get(c, "db", owner, sizeof(owner), err);
    if (!rc)
        rc = meta_get(c, "indexed", upto, sizeof(upto), err);
    if (rc)
        return rc;
    if (strcmp(format, SQ_INDEX_FORMAT) != 0 || strcmp(owner, db_id) != 0) {
        if (format[0])
            log_warn("search index: made for another database or format: rebuilding it");
        upto[0] = '\0';
        rc = index_reset(c, db_id, err);
    }
    *indexed = upto[0] ? strtoll(upto, NULL, 10) : 0;
    return rc ? rc : index_clamp(c, indexed, err);
}

/* ---- indexing ---- */

static int index_one(struct sqconn *c, int64_t id, const char *text, const char *address,
                     struct buf *grams, struct gz_err *err)
{
    static const char fts[] = "INSERT INTO cases_fts(rowid, text, address) VALUES(?1, ?2, ?3)";
    static const char gsql[] = "INSERT INTO cases_grams(rowid, grams) VALUES(?1, ?2)";
    sqlite3_stmt *st = sq_stmt(c, fts, err);
    int rc;

    if (!st)
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    sq_bind_text(st, 2, text);
    sq_bind_text(st, 3, address ? address : "");
    if ((rc = sq_step_done(c, st, err)) != 0)
        return rc;
    buf_clear(grams);
    if (text_grams(text, grams) || (address && text_grams(address, grams)))
        return gz_fail(err, GZ_EIO, "text", "case %lld: cannot index the text", (long long)id);
    if (!(st = sq_stmt(c, gsql, err)))
        return GZ_EIO;
    sqlite3_bind_int64(st, 1, id);
    sq_bind_text(st, 2, buf_str(grams));
    return sq_step_done(c, st, err);
}

/* Index the cases above *upto, at most SQ_INDEX_BATCH, in one transaction; *n: how many. */
static int index_batch(struct sqconn *c, int64_t *upto, int *n, struct gz_err *err)
{
    static const char sql[] =
        "SELECT id, text, address FROM db.cases WHERE id > ?1 ORDER BY id LIMIT ?2";
    sqlite3_stmt *st;
    struct buf grams;
    int64_t last = *upto;
    int rc = sq_exec(c, "BEGIN", err), step = SQLITE_DONE;

    *n = 0;
    if (rc || !(st = sq_stmt(c, sql, err)))
        return rc ? rc : GZ_EIO;
    buf_init(&grams, 64u << 10);
    sqlite3_bind_int64(st, 1, *upto);
    sqlite3_bind_int(st, 2, SQ_INDEX_BATCH);
    while (!rc && (step = sqlite3_step(st)) == SQLITE_ROW) {
        last = sqlite3_column_int64(st, 0);
        rc = index_one(c, last, (const char *)sqlite3_column_text(st, 1),
                       (const char *)sqlite3_column_text(st, 2), &grams, err);
        (*n)++;
    }
    if (!rc)
        rc = sq_step_result(c, step, err);
    sq_done(st);
    buf_release(&grams);
    if (!rc && *n)
        rc = meta_put_id(c, last, err);
    if (!rc)
        rc = sq_exec(c, "COMMIT", err);
    if (rc) {
        sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
        *n = 0;
        return rc;
    }
    *upto = last;
    return 0;
}

/* Sleep until poked, or a second has passed after a failure. */
static void index_sleep(struct sqstore *s, bool failed)
{
    pthread_mutex_lock(&s->idx_lock);
    if (!s->idx_stopping && !s->idx_poked) {
        if (failed) {
            struct timespec until = time_deadline(1);
            pthread_cond_timedwait(&s->idx_wake, &s->idx_lock, &until);
        } else {
            pthread_cond_wait(&s->idx_wake, &s->idx_lock);
        }
    }
    s->idx_poked = false;
    pthread_mutex_unlock(&s->idx_lock);
}

/* What index_defer saw last: the newest case id, when, and since when a burst holds it back. */
struct defer {
    int64_t seen;
    double at, since; /* since: 0 while the indexer is not behind a burst */
    bool burst;       /* the last verdict */
};

/*
 * Intake of SQ_INDEX_BURST_RATE cases/s or more since d was last looked at?
 * Updates d. A look less than a tick after the last one says nothing (the
 * writer commits every few milliseconds, unevenly).
 */
static bool bursting(struct sqstore *s, struct defer *d)
{
    int64_t newest = atomic_load(&s->newest_case);
    double now = time_mono();

    if (d->at > 0 && now - d->at < SQ_INDEX_TICK_MS / 1000.0)
        return d->burst; /* too soon to tell: as it was */
    d->burst = d->at > 0 && (double)(newest - d->seen) >= SQ_INDEX_BURST_RATE * (now - d->at);
    d->seen = newest;
    d->at = now;
    return d->burst;
}

/* Sleep until a tick after d->at (pokes do not end it), or a stop or a search. */
static void tick(struct sqstore *s, const struct defer *d)
{
    double left = d->at + SQ_INDEX_TICK_MS / 1000.0 - time_mono();

    while (left > 0 && !s->idx_stopping && !s->idx_waiters) {
        struct timespec until = time_deadline(left);
        pthread_cond_timedwait(&s->idx_wake, &s->idx_lock, &until);
        left = d->at + SQ_INDEX_TICK_MS / 1000.0 - time_mono();
    }
}

/* Wait out a burst of intake (see the top), a tick at a time, within its limits. */
static void index_defer(struct sqstore *s, int64_t indexed, struct defer *d)
{
    if (!bursting(s, d))
        return;
    if (d->since == 0)
        d->since = d->at;
    pthread_mutex_lock(&s->idx_lock);
    while (!s->idx_stopping && !s->idx_waiters && d->seen - indexed < SQ_INDEX_MAX_LAG &&
           time_mono() - d->since < SQ_INDEX_MAX_DELAY_S) {
        tick(s, d);
        if (!bursting(s, d))
            break;
    }
    s->idx_poked = false;
    pthread_mutex_unlock(&s->idx_lock);
}

static void *index_main(void *arg)
{
    struct sqstore *s = arg;
    struct gz_err err;
    int64_t upto = s->idx_indexed;
    struct defer d = {0};
    bool failed = false;

    /* Linux: a thread's nice value is its own (PRIO_PROCESS with its thread id) */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), SQ_INDEX_NICE) != 0)
        log_debug("search index: cannot lower its priority: %s", strerror(errno));
    for (;;) {
        int n = 0;
        pthread_mutex_lock(&s->idx_lock);
        if (s->idx_stopping) {
            pthread_mutex_unlock(&s->idx_lock);
            break;
        }
        pthread_mutex_unlock(&s->idx_lock);
        index_defer(s, upto, &d);
        failed = index_batch(s->idx_conn, &upto, &n, &err) != 0;
        if (failed)
            log_warn("search index: %s", err.msg);
        pthread_mutex_lock(&s->idx_lock);
        s->idx_indexed = upto;
        pthread_cond_broadcast(&s->idx_done);
        pthread_mutex_unlock(&s->idx_lock);
        if (failed || n < SQ_INDEX_BATCH) {
            d.since = 0;
            index_sleep(s, failed);
        }
    }
    return NULL;
}

/* ---- the store's side ---- */

int sq_index_open(struct sqstore *s, struct gz_err *err)
{
    char db_id[64];
    int64_t newest;
    int rc;

    if ((size_t)snprintf(s->idx_path, sizeof(s->idx_path), "%s.search", s->path) >=
        sizeof(s->idx_path))
        return gz_fail(err, GZ_EINVAL, "db", "the database path is too long");
    if ((rc = sq_setting_read(s->writer, "search_id", db_id, sizeof(db_id), err)) != 0)
        return rc;
    if (!db_id[0])
        return gz_fail(err, GZ_ESCHEMA, "db", "the database has no search_id setting");
    s->idx_conn = sq_conn_open(s->idx_path, SQ_CONN_INDEX, s->path, false, err);
    if (!s->idx_conn)
        return err->code;
    pthread_mutex_init(&s->idx_lock, NULL);
    pthread_cond_init(&s->idx_wake, NULL);
    pthread_cond_init(&s->idx_done, NULL);
    s->idx_init = true;
    if ((rc = index_check(s->idx_conn, db_id, &s->idx_indexed, err)) != 0 ||
        (rc = newest_case(s->idx_conn, "SELECT max(id) FROM db.cases", &newest, err)) != 0)
        return rc;
    atomic_store(&s->newest_case, newest);
    return 0;
}

int sq_index_start(struct sqstore *s, struct gz_err *err)
{
    if (pthread_create(&s->idx_thread, NULL, index_main, s) != 0)
        return gz_fail(err, GZ_EIO, "", "cannot start the search indexer");
    s->idx_started = true;
    return 0;
}

int64_t sq_index_behind(struct store *st)
{
    struct sqstore *s = (struct sqstore *)st;
    int64_t behind;

    if (!s->idx_init)
        return 0;
    pthread_mutex_lock(&s->idx_lock);
    behind = atomic_load(&s->newest_case) - s->idx_indexed;
    pthread_mutex_unlock(&s->idx_lock);
    return behind > 0 ? behind : 0;
}

void sq_index_poke(struct sqstore *s)
{
    pthread_mutex_lock(&s->idx_lock);
    s->idx_poked = true;
    pthread_cond_signal(&s->idx_wake);
    pthread_mutex_unlock(&s->idx_lock);
}

int sq_index_wait(struct sqstore *s, struct sqconn *c, struct gz_err *err)
{
    struct timespec until;
    int64_t newest;
    bool late = false;
    int rc;

    if (!s->idx_init)
        return gz_fail(err, GZ_ESCHEMA, "q", "this database has no search index (old schema)");
    if ((rc = newest_case(c, "SELECT max(id) FROM cases", &newest, err)) != 0)
        return rc;
    until = time_deadline(SQ_INDEX_WAIT_MS / 1000.0);
    pthread_mutex_lock(&s->idx_lock);
    s->idx_waiters++;
    if (s->idx_indexed < newest) {
        s->idx_poked = true;
        pthread_cond_signal(&s->idx_wake);
    }
    while (s->idx_indexed < newest && !s->idx_stopping && !late)
        late = pthread_cond_timedwait(&s->idx_done, &s->idx_lock, &until) == ETIMEDOUT;
    s->idx_waiters--;
    if (late)
        log_warn("search index: %lld cases behind after %d ms; searching what is indexed",
                 (long long)(newest - s->idx_indexed), SQ_INDEX_WAIT_MS);
    pthread_mutex_unlock(&s->idx_lock);
    return 0;
}

void sq_index_close(struct sqstore *s)
{
    if (!s->idx_init)
        return;
    pthread_mutex_lock(&s->idx_lock);
    s->idx_stopping = true;
    pthread_cond_broadcast(&s->idx_wake);
    pthread_cond_broadcast(&s->idx_done);
    pthread_mutex_unlock(&s->idx_lock);
    if (s->idx_started)
        pthread_join(s->idx_thread, NULL);
    sq_conn_close(s->idx_conn);
    s->idx_conn = NULL;
    pthread_cond_destroy(&s->idx_done);
    pthread_cond_destroy(&s->idx_wake);
    pthread_mutex_destroy(&s->idx_lock);
    s->idx_init = false;
}
