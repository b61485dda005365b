/*
 * sq.h - internals of the SQLite backend: connections with a prepared
 * statement cache, a pool of read connections, and the single writer thread
 * that commits queued writes in groups. Only store_sqlite*.c include this.
 */
#ifndef GZ_SQ_H
#define GZ_SQ_H

#include <pthread.h>
#include <semaphore.h>
#include <sqlite3.h>
#include <stdatomic.h>

#include "core/audit.h"
#include "store/store_impl.h"

#define SQ_CACHE 64      /* prepared statements kept per connection */
#define SQ_GROUP_MAX 512 /* writes committed in one transaction at most */
/* Under load the writer waits for a fuller group (sq_db.c: linger): at most SQ_LINGER_S, for
   twice the last group up to SQ_LINGER_GROUP (SQ_LINGER_BLOCKED when most of the last group's
   writers block a thread), once the last group had SQ_LINGER_FROM. */
#define SQ_LINGER_S 0.001
#define SQ_LINGER_GROUP 32
#define SQ_LINGER_BLOCKED 8
#define SQ_LINGER_FROM 4
#define SQ_BUSY_MS 10000
#define SQ_CHECKPOINT_PAGES 16000 /* WAL size that wakes the checkpointer */

struct sqconn;

struct sqconn {
    sqlite3 *db;
    int n;
    struct {
        const char *sql; /* identity by pointer: callers pass string literals */
        sqlite3_stmt *st;
    } cache[SQ_CACHE];
    struct sqconn *next; /* free list link */
    /* writer only: active webhooks (0: events queue no outbox rows), recounted after a
       group that changed webhooks; what the group appended, for the commit listeners */
    int hooks;
    bool hooks_dirty;
    int64_t group_event;
    /* what the group's jobs leave for its end, read at their first need and written once,
       before COMMIT (store_sqlite_cases.c: sq_group_flush); a job rolled back restores it:
       the chain's head as the group's events left it, and the day's last case number */
    struct sqtail {
        int64_t head_id;
        char head_hash[AUDIT_HASH_HEX + 1];
        bool head_known, head_dirty;
        char seq_day[16];
        int64_t seq_last;
        bool seq_known, seq_dirty;
    } tail;
    bool group_outbox;
    int64_t group_case; /* the newest case the group inserted: the search indexer has work */
    bool group_kb;      /* the group changed the knowledge base's indexes (sq_vocab.c) */
};

/* A unit of work for the writer: runs inside a transaction, in its own savepoint. */
typedef int (*sq_write_fn)(struct sqconn *c, void *arg, struct gz_err *err);

struct sqjob {
    sq_write_fn fn;
    void *arg;
    struct gz_err *err;
    int rc;
    sem_t done;          /* posted once its group has committed: one wake-up per job */
    struct fiber *fiber; /* or, for a write from a fiber, that fiber is woken (util/fiber.h) */
    struct sqjob *next;
};

struct sqstore {
    struct store base;
    char *path;
    int version;
    bool sync_full;
    struct sqconn *writer;

    pthread_mutex_t pool_lock;
    struct sqconn *pool; /* idle read connections */
    int pool_open;

    pthread_mutex_t q_lock;
    pthread_cond_t q_work; /* writer waits for jobs */
    struct sqjob *q_head, *q_tail;
    int q_len, q_want, last_group; /* queued, wanted before the writer is woken, last taken */
    int last_parked;               /* of the last group, writes from fibers */
    bool stopping;
    pthread_t thread;
    bool thread_started;

    /* checkpoints run beside the writer, so commits never wait for one */
    pthread_t ckpt_thread;
    bool ckpt_started;
    bool ckpt_wanted;
    pthread_cond_t ckpt_wake;

    /* the case search index, in its own file (sq_index.c); idx_lock guards the idx_ fields
       below it */
    char idx_path[4096];
    struct sqconn *idx_conn;
    bool idx_init, idx_started;
    pthread_t idx_thread;
    pthread_mutex_t idx_lock;
    pthread_cond_t idx_wake, idx_done;
    bool idx_poked, idx_stopping;
    int idx_waiters; /* searches waiting for the index */
    int64_t idx_indexed;
    atomic_llong newest_case; /* the newest case id committed by this process's writer */

    /* the knowledge base in memory (sq_vocab.c): kbv and its holders' count under kbv_lock;
       kb_gen counts this process's committed changes to the base */
    pthread_mutex_t kbv_lock;
    struct sq_vocab *kbv;
    atomic_ullong kb_gen;
    bool kb_statement_only; /* tests: every knowledge-base search by its statement */

    /* principals by token hash (store_sqlite_auth.c), valid while auth_gen, which counts this
       process's committed changes to accounts, memberships and tokens, has not moved */
    pthread_mutex_t pc_lock;
    struct sq_principal_slot *pcache;
    atomic_ullong auth_gen;

    /* unit chains and categories (sq_cache.c), valid while org_gen, which counts this process's
       committed changes to units and categories, has not moved */
    struct sq_org_cache *org;
    atomic_ullong org_gen;

    /* told after each commit that appended events or outbox rows (store_on_commit) */
    pthread_mutex_t listen_lock;
    int n_listeners;
    struct {
        store_commit_fn fn;
        void *ctx;
    } listeners[4];
};

/* A cached prepared statement, reset and unbound; NULL with err set on failure. */
sqlite3_stmt *sq_stmt(struct sqconn *c, const char *sql, struct gz_err *err);
/* Reset after use so the statement can be reused and releases its read lock. */
void sq_done(sqlite3_stmt *st);
/* Map a SQLite result code to a gz error, naming field where a constraint says which. */
int sq_fail(struct sqconn *c, int rc, struct gz_err *err);
/* Execute literal SQL (no results). */
int sq_exec(struct sqconn *c, const char *sql, struct gz_err *err);

/*
 * What a connection is for: the writer (creates the file, WAL), a pooled
 * reader (read-only, with the search index attached as "search" when
 * `attach` is given), the checkpointer's, or the search indexer's (opens the
 * index file `path`, creating it, with the database `attach` attached as "db").
 */
enum sq_conn_kind { SQ_CONN_WRITER, SQ_CONN_READER, SQ_CONN_CHECKPOINT, SQ_CONN_INDEX };
struct sqconn *sq_conn_open(const char *path, enum sq_conn_kind kind, const char *attach,
                            bool sync_full, struct gz_err *err);
void sq_conn_close(struct sqconn *c);

/*
 * The case search index (sq_index.c). open: check or rebuild the index file
 * against the database (before any reader opens: they attach it); start:
 * its thread; poke: cases were committed; wait: before a search on c, until
 * every case c can see is indexed (bounded, see sq_index.c); close: stop.
 */
int sq_index_open(struct sqstore *s, struct gz_err *err);
int sq_index_start(struct sqstore *s, struct gz_err *err);
void sq_index_poke(struct sqstore *s);
int64_t sq_index_behind(struct store *s);
int sq_index_wait(struct sqstore *s, struct sqconn *c, struct gz_err *err);
void sq_index_close(struct sqstore *s);

/* A knowledge-base entry from a row that starts with SQ_KB_COLS (store_sqlite_kb.c). */
#define SQ_KB_COLS                                                                                 \
    "e.id, coalesce(e.ref, ''), e.kind, coalesce(e.category, ''), e.title, e.title_en, e.body,"    \
    " e.body_en, e.keywords, e.source_url, coalesce(e.valid_from, 0), coalesce(e.valid_to, 0),"    \
    " e.active, e.version, e.created_at, e.updated_at"
struct kb_entry;
void sq_kb_from_row(sqlite3_stmt *st, struct kb_entry *e);

/*
 * The knowledge base in memory (sq_vocab.c): the terms its indexes hold, its
 * active entries, and each term's ranking of them. hold: the current one,
 * rebuilt on c when the base changed, kept for the caller until release
 * (NULL with err set on failure); keep: an sq_search_keep_fn over it. fits: whether sq_vocab_search
 * answers f as the statement would (intake's shapes: by category, or by similarity); search: those
 * entries, ranked, at most limit, each to fn.
 */
struct kb_filter;
struct sq_vocab;
struct sq_vocab *sq_vocab_hold(struct sqstore *s, struct sqconn *c, struct gz_err *err);
void sq_vocab_release(struct sqstore *s, struct sq_vocab *v);
bool sq_vocab_keep(void *ctx, bool trigram, const char *term, size_t n);
bool sq_vocab_fits(const struct kb_filter *f, int offset);
int sq_vocab_search(struct sq_vocab *v, struct sqconn *c, const struct kb_filter *f, int limit,
                    int (*fn)(void *ctx, const struct kb_entry *e), void *ctx, struct gz_err *err);
void sq_vocab_free(struct sq_vocab *v);

/*
 * Unit chains and categories in memory (sq_cache.c). get: a hit (copied out),
 * and in *gen the generation to put a read under; put: keep what was read
 * under gen (a chain only when whole: n < max). org_changed: after a write to
 * units or categories; returns rc.
 */
int sq_cache_init(struct sqstore *s, struct gz_err *err);
/* Read under gen at `at`, is an entry still good now that the counter is at now_gen? (1 s TTL) */
bool sq_cache_fresh(uint64_t gen, double at, uint64_t now_gen);
void sq_cache_free(struct sqstore *s);
int sq_org_changed(struct sqstore *s, int rc);
bool sq_chain_get(struct sqstore *s, int64_t unit, int64_t *chain, size_t max, size_t *n,
                  uint64_t *gen);
void sq_chain_put(struct sqstore *s, int64_t unit, const int64_t *chain, size_t n, size_t max,
                  uint64_t gen);
/* 0: a hit; 1: a miss; -1: out of memory */
int sq_category_get(struct sqstore *s, const char *code, struct category *out, uint64_t *gen);
void sq_category_put(struct sqstore *s, const struct category *c, uint64_t gen);

/* A setting read on c ("" when it is not set), and one written inside a write job. */
int sq_setting_read(struct sqconn *c, const char *key, char *out, size_t size, struct gz_err *err);
int sq_setting_write(struct sqconn *c, const char *key, const char *value, struct gz_err *err);

/* After a write to accounts, memberships or tokens: returns rc; cached principals are stale. */
int sq_auth_changed(struct sqstore *s, int rc);

/* Borrow and return a read connection. */
struct sqconn *sq_reader(struct sqstore *s, struct gz_err *err);
void sq_reader_put(struct sqstore *s, struct sqconn *c);
/* Queue fn for the writer and wait until its group has committed. */
int sq_write(struct sqstore *s, sq_write_fn fn, void *arg, struct gz_err *err);
/* Write what the group's jobs left (struct sqtail): the writer, before COMMIT
   (store_sqlite_cases.c). */
int sq_group_flush(struct sqconn *c, struct gz_err *err);

/* Open the database file, migrate it and start the writer. */
struct sqstore *sq_open(const char *path, const struct store_options *opt, struct gz_err *err);
void sq_close(struct sqstore *s);

/* Bind helpers: text (NULL binds NULL), empty text as NULL. */
void sq_bind_text(sqlite3_stmt *st, int i, const char *s);
void sq_bind_text_or_null(sqlite3_stmt *st, int i, const char *s);
/* Copy a text column into dst[size] ("" for NULL). */
void sq_col_text(sqlite3_stmt *st, int i, char *dst, size_t size);
/* Heap copy of a text column (NULL for NULL). */
char *sq_col_strdup(sqlite3_stmt *st, int i);

/* Generated from schema/sqlite/NNN_*.sql by the Makefile. */
extern const char *const sq_migrations[];
extern const int sq_migrations_count;

/*
 * A read on a borrowed connection: sq_read_begin returns the cached statement
 * (NULL with err set on failure, the connection already returned);
 * sq_read_end resets it and returns the connection.
 */
sqlite3_stmt *sq_read_begin(struct sqstore *s, const char *sql, struct sqconn **c,
                            struct gz_err *err);
void sq_read_end(struct sqstore *s, struct sqconn *c, sqlite3_stmt *st);
/* Step a statement that returns no rows, reset it, and map the result (0 or a GZ_E* code). */
int sq_step_done(struct sqconn *c, sqlite3_stmt *st, struct gz_err *err);
/* Step a statement that changes rows; GZ_ENOTFOUND naming `field` when it changed none. */
int sq_step_changed(struct sqconn *c, sqlite3_stmt *st, const char *field, const char *what,
                    struct gz_err *err);
/* After the last sqlite3_step: 0 for SQLITE_DONE/ROW, else the mapped error. */
int sq_step_result(struct sqconn *c, int rc, struct gz_err *err);
/* A keyed text on c: the first column of the row sql gives for ?1 = key ("" when none). */
int sq_key_read(struct sqconn *c, const char *sql, const char *key, char *out, size_t size,
                struct gz_err *err);
/* Run a write bound to two texts (?1 = key, ?2 = value), e.g. an upsert of a keyed value. */
int sq_key_write(struct sqconn *c, const char *sql, const char *key, const char *value,
                 struct gz_err *err);
/* Run a read bound to one integer (?1) and pass each row's first column, as text, to fn until
   it returns nonzero. */
int sq_read_texts(struct sqstore *s, const char *sql, int64_t arg,
                  int (*fn)(void *ctx, const char *text), void *ctx, struct gz_err *err);
/* Queue an outbox row for each active webhook that wants ev (writer only; in its transaction). */
int sq_outbox_queue(struct sqconn *c, const struct event *ev, struct gz_err *err);
/* Recount the active webhooks into c->hooks (writer only). */
int sq_hooks_count(struct sqconn *c, struct gz_err *err);
#endif
