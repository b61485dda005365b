/*
 * stream_hub.c - the event stream's hub (see stream.h).
 *
 * Invariants: the ring holds, in id order, every case event with an id in
 * (floor, head]; only the pump appends (under the write lock) and evicts the
 * oldest, raising floor. A stream's cursor is the last event id it has
 * passed (sent or not visible to it): it sends exactly the visible events
 * above its cursor, in order, so a resumed stream neither repeats nor skips.
 * A stream parks only after checking, under wait_lock, that nothing arrived
 * since it looked (seq); the pump raises seq before it takes wait_lock to
 * resume the parked ones, so no wake-up is lost.
 */
#include "gz.h"

#include <pthread.h>
#include <stdatomic.h>

#include "api/stream.h"
#include "http/server.h"
#include "store/store.h"
#include "util/log.h"
#include "util/timeutil.h"

#define HUB_RING 16384        /* events kept in memory (~1.5 kB each) */
#define HUB_BATCH 512         /* events read per query */
#define HUB_MAX_ANC 24        /* units that see an event through its parties */
#define SUB_CHUNK (16u << 10) /* bytes gathered per fill */
#define CHAIN_SLOTS 1024      /* unit ancestries cached by the pump and replays */
#define CHAIN_TTL_S 10

struct entry {
    int64_t id, reporter, intake;
    bool internal;
    char kind[AUDIT_KIND_MAX];
    size_t n_anc;
    int64_t anc[HUB_MAX_ANC];
    char *full, *pub; /* SSE frames with and without internal notes (pub NULL: internal event) */
    size_t full_len, pub_len;
};

struct chain_slot {
    int64_t unit, at;
    size_t n;
    int64_t chain[16];
};

struct sub;

struct stream_hub {
    struct store *s;
    int heartbeat_s;
    int batch_ms;
    pthread_rwlock_t ring_lock;
    struct entry **ring;
    size_t start, n;
    int64_t floor, head;
    atomic_llong seq; /* raised on every change a parked stream must see */
    atomic_bool closing;

    pthread_mutex_t wait_lock; /* parked streams, the count, beat */
    pthread_cond_t gone;
    struct sub *waiting;
    int subs;
    int64_t beat;

    pthread_mutex_t pump_lock;
    pthread_cond_t pump_wake;
    int64_t notified;
    bool stop;
    pthread_t pump;
    bool pump_started;

    pthread_mutex_t chain_lock;
    struct chain_slot chains[CHAIN_SLOTS];
};

struct sub {
    struct stream_hub *h;
    struct http_stream *st;
    struct stream_viewer v;
    int64_t cursor, beat_seen;
    bool started;
    struct sub *next_wait;
    char *out;
    size_t len, off, cap;
};

/* ---- entries ---- */

static void entry_free(struct entry *e)
{
    if (!e)
        return;
    free(e->full);
    free(e->pub);
    free(e);
}

static char *frame(const struct stream_event *se, bool internal, size_t *len)
{
    size_t n = 0;
    char *json = api_event_json(&se->ev, se->number, internal, &n), *out;
    int head;

    if (!json)
        return NULL;
    out = malloc(n + 48);
    if (out) {
        head = snprintf(out, 48, "id: %lld\ndata: ", (long long)se->ev.id);
        memcpy(out + head, json, n);
        memcpy(out + head + n, "\n\n", 3);
        *len = (size_t)head + n + 2;
    }
    free(json);
    return out;
}

static size_t chain_of(struct stream_hub *h, int64_t unit, int64_t *chain, size_t max)
{
    struct chain_slot *slot = &h->chains[(uint64_t)unit % CHAIN_SLOTS];
    int64_t now = time_wall_ms() / 1000;
    struct gz_err err;
    size_t n = 0;

    pthread_mutex_lock(&h->chain_lock);
    if (slot->unit == unit && now - slot->at < CHAIN_TTL_S) {
        n = slot->n < max ? slot->n : max;
        memcpy(chain, slot->chain, n * sizeof(*chain));
        pthread_mutex_unlock(&h->chain_lock);
        return n;
    }
    pthread_mutex_unlock(&h->chain_lock);
    if (store_unit_chain(h->s, unit, chain, max, &n, &err))
        return 0;
    pthread_mutex_lock(&h->chain_lock);
    slot->unit = unit;
    slot->at = now;
    slot->n = n < GZ_ARRAY_LEN(slot->chain) ? n : GZ_ARRAY_LEN(slot->chain);
    memcpy(slot->chain, chain, slot->n * sizeof(*chain));
    pthread_mutex_unlock(&h->chain_lock);
    return n;
}

static void add_anc(struct entry *e, int64_t unit)
{
    for (size_t i = 0; i < e->n_anc; i++)
        if (e->anc[i] == unit)
            return;
    if (e->n_anc < HUB_MAX_ANC)
        e->anc[e->n_anc++] = unit;
}

/* NULL for events about no case (not streamed) or out of memory. */
static struct entry *entry_build(struct stream_hub *h, const struct stream_event *se)
{
    struct entry *e;
    int64_t chain[16];

    if (!se->ev.case_id || !(e = calloc(1, sizeof(*e))))
        return NULL;
    e->id = se->ev.id;
    e->reporter = se->reporter_account_id;
    e->intake = se->intake_account_id;
    e->internal = se->ev.internal;
    snprintf(e->kind, sizeof(e->kind), "%s", se->ev.kind);
    for (size_t i = 0; i < se->n_units; i++) {
        size_t n = chain_of(h, se->units[i], chain, GZ_ARRAY_LEN(chain));
        for (size_t k = 0; k < n; k++)
            add_anc(e, chain[k]);
    }
    e->full = frame(se, true, &e->full_len);
    if (!e->internal)
        e->pub = frame(se, false, &e->pub_len);
    if (!e->full || (!e->internal && !e->pub)) {
        entry_free(e);
        return NULL;
    }
    return e;
}

static bool sees(const struct stream_viewer *v, const struct entry *e)
{
    if (e->internal && !v->internal)
        return false;
    if (v->kinds[0] && !webhook_kinds_match(v->kinds, e->kind))
        return false;
    if (v->sees_all)
        return true;
    if (v->account_id && (v->account_id == e->reporter || v->account_id == e->intake))
        return true;
    for (size_t i = 0; i < v->n_units; i++)
        for (size_t k = 0; k < e->n_anc; k++)
            if (v->units[i] == e->anc[k])
                return true;
    return false;
}

/* ---- a stream's output ---- */

/* Append to what the next fills send; the buffer grows to the largest event it had to hold. */
static bool out_add(struct sub *s, const char *p, size_t n)
{
    if (s->len + n > s->cap) {
        size_t cap = s->cap ? s->cap : 4096;
        char *q;
        while (cap < s->len + n)
            cap *= 2;
        if (s->len && cap > SUB_CHUNK * 2) /* gather stops here; the next fill takes it alone */
            return false;
        if (!(q = realloc(s->out, cap)))
            return false;
        s->out = q;
        s->cap = cap;
    }
    memcpy(s->out + s->len, p, n);
    s->len += n;
    return true;
}

/* Pass e (the cursor moves past it), sending it when s may see it. false: no room now. */
static bool offer(struct sub *s, const struct entry *e)
{
    bool internal = s->v.internal;

    if (sees(&s->v, e) &&
        !out_add(s, internal ? e->full : e->pub, internal ? e->full_len : e->pub_len)) {
        if (s->len) /* the next fill takes it */
            return false;
        log_warn("stream: out of memory for event %lld", (long long)e->id);
    }
    s->cursor = e->id;
    return true;
}

/* ---- the ring ---- */

static struct entry *ring_at(struct stream_hub *h, size_t i)
{
    return h->ring[(h->start + i) % HUB_RING];
}

/* Index of the first entry with id > after. */
static size_t ring_find(struct stream_hub *h, int64_t after)
{
    size_t lo = 0, hi = h->n;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (ring_at(h, mid)->id <= after)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* Copy from the ring what s may see; false when s is behind the ring (it must replay). */
static bool from_ring(struct sub *s)
{
    struct stream_hub *h = s->h;
    bool ok;

    pthread_rwlock_rdlock(&h->ring_lock);
    ok = s->cursor >= h->floor;
    for (size_t i = ok ? ring_find(h, s->cursor) : h->n; i < h->n && s->len < SUB_CHUNK; i++)
        if (!offer(s, ring_at(h, i)))
            break;
    pthread_rwlock_unlock(&h->ring_lock);
    return ok;
}

struct replay {
    struct sub *s;
    bool full;
};

static int replay_one(void *ctx, struct stream_event *se)
{
    struct replay *x = ctx;
    struct entry *e = entry_build(x->s->h, se);
    bool ok = true;

    if (e)
        ok = offer(x->s, e);
    else if (!se->ev.case_id)
        x->s->cursor = se->ev.id; /* about no case: never streamed */
    entry_free(e);
    if (!ok)
        x->full = true;
    return !ok || x->s->len >= SUB_CHUNK;
}

/* Behind the ring: read the events table above the cursor. */
static int replay(struct sub *s)
{
    struct replay x = {s, false};
    struct gz_err err = {0};

    if (store_events_after(s->h->s, s->cursor, 256, replay_one, &x, &err)) {
        log_warn("stream: cannot read events: %s", err.msg);
        return -1;
    }
    return 0;
}

/* ---- parking ---- */

static void wake_all(struct stream_hub *h)
{
    struct sub *s;

    pthread_mutex_lock(&h->wait_lock);
    while ((s = h->waiting) != NULL) {
        h->waiting = s->next_wait;
        s->next_wait = NULL;
        http_stream_resume(s->st);
    }
    pthread_mutex_unlock(&h->wait_lock);
}

/* Park s unless something changed since seq was read; true when parked. */
static bool park(struct sub *s, long long seq)
{
    struct stream_hub *h = s->h;
    bool parked = false;

    pthread_mutex_lock(&h->wait_lock);
    if (atomic_load(&h->seq) == seq) {
        if (s->beat_seen != h->beat) {
            s->beat_seen = h->beat;
            if (!out_add(s, ": keep-alive\n\n", 14))
                log_warn("stream: no room for a heartbeat");
        } else {
            s->next_wait = h->waiting;
            h->waiting = s;
            http_stream_suspend(s->st);
            parked = true;
            /* a parked stream holds no buffer: a thousand idle streams cost little */
            free(s->out);
            s->out = NULL;
            s->cap = 0;
        }
    }
    pthread_mutex_unlock(&h->wait_lock);
    return parked;
}

/* Gather what to send into s->out; -1 to end the stream; 0 with nothing: parked. */
static int gather(struct sub *s)
{
    for (;;) {
        long long seq = atomic_load(&s->h->seq);
        if (atomic_load(&s->h->closing))
            return -1;
        if (!from_ring(s)) {
            if (replay(s))
                return -1;
            if (s->len)
                return 0;
            continue;
        }
        if (s->len || park(s, seq) || s->len)
            return 0;
    }
}

static long sub_fill(void *ctx, struct http_stream *st, char *buf, size_t max)
{
    struct sub *s = ctx;
    size_t n;

    s->st = st;
    if (s->off == s->len) {
        s->off = s->len = 0;
        if (!s->started) {
            /* reconnect after 3 s; the first bytes also carry the headers out at once */
            s->started = out_add(s, "retry: 3000\n\n", 13);
        } else if (gather(s) < 0) {
            return -1;
        }
        if (!s->len)
            return 0; /* parked */
    }
    n = s->len - s->off < max ? s->len - s->off : max;
    memcpy(buf, s->out + s->off, n);
    s->off += n;
    return (long)n;
}

static void sub_done(void *ctx)
{
    struct sub *s = ctx;
    struct stream_hub *h = s->h;
    struct sub **p;

    pthread_mutex_lock(&h->wait_lock);
    for (p = &h->waiting; *p; p = &(*p)->next_wait)
        if (*p == s) {
            *p = s->next_wait;
            break;
        }
    h->subs--;
    pthread_cond_broadcast(&h->gone);
    pthread_mutex_unlock(&h->wait_lock);
    free(s->out);
    free(s);
}

void stream_hub_serve(struct stream_hub *h, struct http_req *r, const struct stream_viewer *v,
                      int64_t after)
{
    struct sub *s = calloc(1, sizeof(*s));
    struct gz_err err = {0};
    int64_t head = 0;

    if (!s || store_events_head(h->s, &head, &err)) {
        free(s);
        http_reply_error(r, 500, "internal", "", "cannot open the stream");
        return;
    }
    s->h = h;
    s->v = *v;
    /* from now on, or from the given event (never past the newest: that would skip events) */
    s->cursor = after < 0 || after > head ? head : after;
    pthread_mutex_lock(&h->wait_lock);
    h->subs++;
    s->beat_seen = h->beat;
    pthread_mutex_unlock(&h->wait_lock);
    http_add_header(r, "Cache-Control", "no-cache");
    http_add_header(r, "X-Accel-Buffering", "no");
    http_reply_stream(r, 200, "text/event-stream; charset=utf-8", sub_fill, sub_done, s);
}

int stream_hub_clients(struct stream_hub *h)
{
    int n;

    pthread_mutex_lock(&h->wait_lock);
    n = h->subs;
    pthread_mutex_unlock(&h->wait_lock);
    return n;
}

/* ---- the pump ---- */

struct batch {
    struct stream_hub *h;
    struct entry *e[HUB_BATCH];
    size_t n;
    int64_t last;
};

static int batch_one(void *ctx, struct stream_event *se)
{
    struct batch *b = ctx;
    struct entry *e = entry_build(b->h, se);

    b->last = se->ev.id;
    if (e)
        b->e[b->n++] = e;
    else if (se->ev.case_id)
        log_warn("stream: event %lld left out (out of memory)", (long long)se->ev.id);
    return 0;
}

static void ring_push(struct stream_hub *h, struct batch *b)
{
    pthread_rwlock_wrlock(&h->ring_lock);
    for (size_t i = 0; i < b->n; i++) {
        if (h->n == HUB_RING) {
            struct entry *old = ring_at(h, 0);
            h->floor = old->id;
            entry_free(old);
            h->start = (h->start + 1) % HUB_RING;
            h->n--;
        }
        h->ring[(h->start + h->n) % HUB_RING] = b->e[i];
        h->n++;
    }
    if (b->last > h->head)
        h->head = b->last;
    atomic_fetch_add(&h->seq, 1);
    pthread_rwlock_unlock(&h->ring_lock);
}

/* Read what was committed since head; true when there may be more. */
static bool pump_once(struct stream_hub *h)
{
    struct batch *b = calloc(1, sizeof(*b));
    struct gz_err err = {0};
    int64_t head;
    bool more = false;

    if (!b)
        return false;
    b->h = h;
    pthread_rwlock_rdlock(&h->ring_lock);
    head = h->head;
    pthread_rwlock_unlock(&h->ring_lock);
    if (store_events_after(h->s, head, HUB_BATCH, batch_one, b, &err)) {
        log_warn("stream: cannot read events: %s", err.msg);
    } else if (b->last) {
        ring_push(h, b);
        wake_all(h);
        more = b->last - head >= HUB_BATCH;
    }
    free(b);
    return more;
}

static void beat(struct stream_hub *h)
{
    pthread_mutex_lock(&h->wait_lock);
    h->beat++;
    atomic_fetch_add(&h->seq, 1);
    pthread_mutex_unlock(&h->wait_lock);
    wake_all(h);
}

/*
 * Publishing wakes every parked stream, so under a stream of commits the pump
 * publishes at most every batch_ms: a thousand streams are woken 1000 / batch_ms
 * times a second at most, each taking every event of the batch in one write.
 */
static void pace(struct stream_hub *h, double *last)
{
    double wait = *last + h->batch_ms / 1000.0 - time_mono();

    if (wait > 0)
        time_sleep(wait);
    *last = time_mono();
}

/*
 * With no stream open nobody reads the ring, and building every event's frames
 * cost intake an eighth of the server's CPU: empty the ring and move past
 * `upto`. The ring's invariant holds (it is empty with floor = head); a stream
 * that opens later with an older Last-Event-ID replays from the table.
 */
static bool skip_unwatched(struct stream_hub *h, int64_t upto)
{
    int subs;

    pthread_mutex_lock(&h->wait_lock);
    subs = h->subs;
    pthread_mutex_unlock(&h->wait_lock);
    if (subs)
        return false;
    pthread_rwlock_wrlock(&h->ring_lock);
    for (size_t i = 0; i < h->n; i++)
        entry_free(ring_at(h, i));
    h->start = h->n = 0;
    if (upto > h->head)
        h->head = upto;
    h->floor = h->head;
    atomic_fetch_add(&h->seq, 1);
    pthread_rwlock_unlock(&h->ring_lock);
    return true;
}

static void *pump_main(void *arg)
{
    struct stream_hub *h = arg;
    double next_beat = time_mono() + h->heartbeat_s, last = 0;

    pthread_mutex_lock(&h->pump_lock);
    while (!h->stop) {
        struct timespec until;
        int64_t upto;
        bool due;
        until = time_deadline(1);
        if (h->notified <= h->head)
            pthread_cond_timedwait(&h->pump_wake, &h->pump_lock, &until);
        due = h->notified > h->head;
        upto = h->notified;
        pthread_mutex_unlock(&h->pump_lock);
        if (due && skip_unwatched(h, upto))
            due = false;
        if (due)
            pace(h, &last);
        while (due && pump_once(h))
            ;
        if (time_mono() >= next_beat) {
            next_beat = time_mono() + h->heartbeat_s;
            beat(h);
        }
        pthread_mutex_lock(&h->pump_lock);
    }
    pthread_mutex_unlock(&h->pump_lock);
    return NULL;
}

static void on_commit(void *ctx, int64_t last_event_id, bool outbox)
{
    struct stream_hub *h = ctx;

    (void)outbox;
    if (!last_event_id)
        return;
    pthread_mutex_lock(&h->pump_lock);
    if (last_event_id > h->notified)
        h->notified = last_event_id;
    pthread_cond_signal(&h->pump_wake);
    pthread_mutex_unlock(&h->pump_lock);
}

struct stream_hub *stream_hub_new(struct store *s, int heartbeat_s, int batch_ms,
                                  struct gz_err *err)
{
    struct stream_hub *h = calloc(1, sizeof(*h));

    if (!h || !(h->ring = calloc(HUB_RING, sizeof(*h->ring)))) {
        free(h);
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    h->s = s;
    h->heartbeat_s = heartbeat_s > 0 ? heartbeat_s : 15;
    h->batch_ms = batch_ms >= 0 && batch_ms <= 1000 ? batch_ms : 20;
    pthread_rwlock_init(&h->ring_lock, NULL);
    pthread_mutex_init(&h->wait_lock, NULL);
    pthread_cond_init(&h->gone, NULL);
    pthread_mutex_init(&h->pump_lock, NULL);
    pthread_cond_init(&h->pump_wake, NULL);
    pthread_mutex_init(&h->chain_lock, NULL);
    if (store_events_head(s, &h->head, err) || store_on_commit(s, on_commit, h, err)) {
        stream_hub_free(h);
        return NULL;
    }
    h->floor = h->notified = h->head;
    if (pthread_create(&h->pump, NULL, pump_main, h) != 0) {
        store_off_commit(s, on_commit, h);
        stream_hub_free(h);
        gz_fail(err, GZ_EIO, "", "cannot start the stream thread");
        return NULL;
    }
    h->pump_started = true;
    return h;
}

void stream_hub_close(struct stream_hub *h)
{
    struct timespec until;

    if (!h)
        return;
    store_off_commit(h->s, on_commit, h);
    pthread_mutex_lock(&h->pump_lock);
    h->stop = true;
    pthread_cond_signal(&h->pump_wake);
    pthread_mutex_unlock(&h->pump_lock);
    if (h->pump_started)
        pthread_join(h->pump, NULL);
    h->pump_started = false;
    atomic_store(&h->closing, true);
    atomic_fetch_add(&h->seq, 1);
    wake_all(h);
    /* libmicrohttpd must not stop with a parked connection: wait for every stream to end */
    until = time_deadline(5);
    pthread_mutex_lock(&h->wait_lock);
    while (h->subs > 0 && pthread_cond_timedwait(&h->gone, &h->wait_lock, &until) == 0)
        ;
    pthread_mutex_unlock(&h->wait_lock);
}

void stream_hub_free(struct stream_hub *h)
{
    if (!h)
        return;
    for (size_t i = 0; i < h->n; i++)
        entry_free(ring_at(h, i));
    free(h->ring);
    pthread_mutex_destroy(&h->chain_lock);
    pthread_cond_destroy(&h->pump_wake);
    pthread_mutex_destroy(&h->pump_lock);
    pthread_cond_destroy(&h->gone);
    pthread_mutex_destroy(&h->wait_lock);
    pthread_rwlock_destroy(&h->ring_lock);
    free(h);
}
