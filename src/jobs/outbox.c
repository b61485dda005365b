/*
 * outbox.c - webhook deliveries (see outbox.h).
 *
 * One thread drives a libcurl multi handle. It takes up to `concurrency`
 * due rows (leaving out those in flight), runs their transfers together,
 * and writes every finished attempt of a round in one store write. It
 * sleeps in curl_multi_poll until a transfer moves, the next row is due (at
 * most a second), or a commit that queued outbox rows wakes it
 * (curl_multi_wakeup, the one multi call safe from another thread).
 */
#include "gz.h"

#include <curl/curl.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>

#include "jobs/outbox.h"
#include "store/store.h"
#include "util/log.h"
#include "util/text.h"
#include "util/timeutil.h"

#define OUTBOX_MAX_CONCURRENCY 256
#define OUTBOX_IDLE_MS 1000

struct transfer {
    CURL *h;
    struct curl_slist *headers;
    char *body;
    int64_t id;
    int attempts;
    char error[CURL_ERROR_SIZE];
};

struct outbox {
    struct store *s;
    struct outbox_opts o;
    CURLM *multi;
    pthread_t thread;
    atomic_bool stop;
    atomic_bool woken;
    bool freed;            /* a transfer finished this round: room for more */
    struct transfer *xfer; /* [concurrency]; h NULL when free */
    int64_t *inflight;     /* ids of the rows in flight, for store_outbox_due */
    struct outbox_result *results;
    size_t n_results;
};

static long env_long(const char *name, long dflt, long min, long max)
{
    const char *v = getenv(name);
    long long x;

    if (v && text_parse_i64(v, min, max, &x))
        return (long)x;
    return dflt;
}

void outbox_opts_from_env(struct outbox_opts *o)
{
    webhook_policy_default(&o->policy);
    o->policy.max_attempts =
        (int)env_long("GONGZHI_WEBHOOK_ATTEMPTS", o->policy.max_attempts, 1, 1000);
    o->policy.base_ms = env_long("GONGZHI_WEBHOOK_BACKOFF_MS", o->policy.base_ms, 1, 86400000);
    o->policy.cap_ms = env_long("GONGZHI_WEBHOOK_BACKOFF_CAP_MS", o->policy.cap_ms, 1, 604800000);
    o->policy.timeout_ms = env_long("GONGZHI_WEBHOOK_TIMEOUT_MS", o->policy.timeout_ms, 1, 600000);
    o->concurrency = (int)env_long("GONGZHI_WEBHOOK_CONCURRENCY", 16, 1, OUTBOX_MAX_CONCURRENCY);
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
    (void)p, (void)ctx;
    return size * n;
}

static void xfer_release(struct outbox *o, struct transfer *t)
{
    if (t->h) {
        curl_multi_remove_handle(o->multi, t->h);
        curl_easy_cleanup(t->h);
    }
    curl_slist_free_all(t->headers);
    free(t->body);
    memset(t, 0, sizeof(*t));
}

static struct curl_slist *add_header(struct curl_slist *l, const char *name, const char *value)
{
    char line[256];
    struct curl_slist *n;

    if (!l && strcmp(name, "Content-Type"))
        return NULL;
    snprintf(line, sizeof(line), "%s: %s", name, value);
    n = curl_slist_append(l, line);
    if (!n)
        curl_slist_free_all(l);
    return n;
}

static struct curl_slist *headers_for(const struct outbox_item *it, const char *body, size_t len)
{
    char sig[WEBHOOK_SIG_MAX], id[32], delivery[32];
    struct curl_slist *l;

    webhook_sign(it->hook.secret, time_now(), body, len, sig);
    snprintf(id, sizeof(id), "%lld", (long long)it->ev.id);
    snprintf(delivery, sizeof(delivery), "%lld", (long long)it->row.id);
    l = add_header(NULL, "Content-Type", "application/json");
    l = l ? add_header(l, "X-Gongzhi-Event", it->ev.kind) : NULL;
    l = l ? add_header(l, "X-Gongzhi-Event-Id", id) : NULL;
    l = l ? add_header(l, "X-Gongzhi-Delivery", delivery) : NULL;
    l = l ? add_header(l, "X-Gongzhi-Signature", sig) : NULL;
    return l ? add_header(l, "Expect", "") : NULL; /* no 100-continue round trip */
}

static int setup_easy(struct outbox *o, struct transfer *t, const char *url, size_t len)
{
    CURL *h = curl_easy_init();

    if (!h)
        return -1;
    t->h = h;
    curl_easy_setopt(h, CURLOPT_URL, url);
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, t->body);
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE, (long)len);
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)o->o.policy.timeout_ms);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS,
                     (long)(o->o.policy.timeout_ms < 5000 ? o->o.policy.timeout_ms : 5000));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, t->error);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "gongzhi-webhooks/" GZ_VERSION);
    curl_easy_setopt(h, CURLOPT_PRIVATE, t);
    return curl_multi_add_handle(o->multi, h) == CURLM_OK ? 0 : -1;
}

static struct transfer *free_slot(struct outbox *o)
{
    for (int i = 0; i < o->o.concurrency; i++)
        if (!o->xfer[i].h && !o->xfer[i].id)
            return &o->xfer[i];
    return NULL;
}

static void record(struct outbox *o, int64_t id, int attempts, int status, const char *error);

/* store_outbox_due's callback: start one transfer. */
static int start_one(void *ctx, struct outbox_item *it)
{
    struct outbox *o = ctx;
    struct transfer *t = free_slot(o);
    size_t len = 0;

    if (!t)
        return 1;
    t->id = it->row.id;
    t->attempts = it->row.attempts;
    /* a client's webhook sees public events only, so never the internal notes */
    t->body = o->o.render(&it->ev, it->number, it->hook.unit_id != 0, &len);
    t->headers = t->body ? headers_for(it, t->body, len) : NULL;
    if (!t->headers || setup_easy(o, t, it->hook.url, len)) {
        record(o, t->id, t->attempts, 0, "could not prepare the request");
        xfer_release(o, t);
    }
    return 0;
}

static size_t inflight_ids(struct outbox *o)
{
    size_t n = 0;

    for (int i = 0; i < o->o.concurrency; i++)
        if (o->xfer[i].id)
            o->inflight[n++] = o->xfer[i].id;
    return n;
}

/* An attempt's outcome into the round's results. */
static void record(struct outbox *o, int64_t id, int attempts, int status, const char *error)
{
    struct outbox_result *r = &o->results[o->n_results++];
    int64_t now = time_wall_ms();
    double jitter = (double)randombytes_uniform(1000000) / 1e6;

    memset(r, 0, sizeof(*r));
    r->id = id;
    r->attempts = attempts + 1;
    r->at_ms = now;
    r->status = status;
    r->next_at = now;
    if (!error) {
        r->done = 1;
        return;
    }
    snprintf(r->error, sizeof(r->error), "%s", error);
    if (webhook_is_dead(&o->o.policy, r->attempts))
        r->done = 2;
    else
        r->next_at = now + webhook_backoff_ms(&o->o.policy, r->attempts, jitter);
}

static void finished(struct outbox *o, CURLMsg *m)
{
    struct transfer *t = NULL;
    long status = 0;
    char why[64];
    const char *error = NULL;

    curl_easy_getinfo(m->easy_handle, CURLINFO_PRIVATE, (char **)&t);
    curl_easy_getinfo(m->easy_handle, CURLINFO_RESPONSE_CODE, &status);
    if (m->data.result != CURLE_OK) {
        error = t->error[0] ? t->error : curl_easy_strerror(m->data.result);
    } else if (status < 200 || status > 299) {
        snprintf(why, sizeof(why), "the receiver answered %ld", status);
        error = why;
    }
    record(o, t->id, t->attempts, (int)status, error);
    xfer_release(o, t);
    o->freed = true;
}

static void collect(struct outbox *o)
{
    CURLMsg *m;
    int left;
    struct gz_err err = {0};

    while ((m = curl_multi_info_read(o->multi, &left)) != NULL)
        if (m->msg == CURLMSG_DONE)
            finished(o, m);
    if (o->n_results && store_outbox_finish(o->s, o->results, o->n_results, &err))
        log_warn("webhooks: cannot record %zu deliveries: %s", o->n_results, err.msg);
    o->n_results = 0;
}

/* Start what is due; how long to sleep before looking again (ms). */
static long fill(struct outbox *o)
{
    struct gz_err err = {0};
    size_t n = inflight_ids(o);
    int64_t now = time_wall_ms(), next = 0;

    if ((int)n < o->o.concurrency &&
        store_outbox_due(o->s, now, o->inflight, n, (size_t)o->o.concurrency - n, start_one, o,
                         &err))
        log_warn("webhooks: cannot read the outbox: %s", err.msg);
    collect(o); /* attempts that could not even start */
    if ((int)inflight_ids(o) == o->o.concurrency)
        return OUTBOX_IDLE_MS; /* full: a finished transfer wakes the poll */
    if (store_outbox_next(o->s, &next, &err) || !next)
        return OUTBOX_IDLE_MS;
    /* due rows in flight make next "now": don't spin on them */
    return next <= now ? 50 : (next - now < OUTBOX_IDLE_MS ? (long)(next - now) : OUTBOX_IDLE_MS);
}

static void *outbox_main(void *arg)
{
    struct outbox *o = arg;
    long wait = 0;
    int running;

    while (!atomic_load(&o->stop)) {
        double t0;
        if (atomic_exchange(&o->woken, false) || wait <= 0 || o->freed) {
            o->freed = false;
            wait = fill(o);
        }
        /* on loopback a transfer can finish inside perform: collect before sleeping */
        curl_multi_perform(o->multi, &running);
        collect(o);
        if (o->freed)
            continue;
        t0 = time_mono();
        curl_multi_poll(o->multi, NULL, 0, (int)(wait > 0 ? wait : 1), NULL);
        wait -= (long)((time_mono() - t0) * 1000);
    }
    return NULL;
}

static void on_commit(void *ctx, int64_t last_event_id, bool outbox)
{
    struct outbox *o = ctx;

    (void)last_event_id;
    if (!outbox)
        return;
    atomic_store(&o->woken, true);
    curl_multi_wakeup(o->multi);
}

static void outbox_free(struct outbox *o)
{
    for (int i = 0; o->xfer && i < o->o.concurrency; i++)
        xfer_release(o, &o->xfer[i]);
    if (o->multi)
        curl_multi_cleanup(o->multi);
    free(o->xfer);
    free(o->inflight);
    free(o->results);
    free(o);
}

struct outbox *outbox_start(struct store *s, const struct outbox_opts *opts, struct gz_err *err)
{
    struct outbox *o = calloc(1, sizeof(*o));
    size_t n = (size_t)(opts->concurrency > 0 ? opts->concurrency : 16);

    if (!o) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    o->s = s;
    o->o = *opts;
    o->o.concurrency = (int)n;
    curl_global_init(CURL_GLOBAL_DEFAULT);
    o->multi = curl_multi_init();
    o->xfer = calloc(n, sizeof(*o->xfer));
    o->inflight = calloc(n, sizeof(*o->inflight));
    o->results = calloc(2 * n, sizeof(*o->results));
    if (!o->multi || !o->xfer || !o->inflight || !o->results || !opts->render) {
        outbox_free(o);
        gz_fail(err, GZ_ENOMEM, "", "cannot set up webhook deliveries");
        return NULL;
    }
    if (store_on_commit(s, on_commit, o, err) ||
        pthread_create(&o->thread, NULL, outbox_main, o) != 0) {
        outbox_free(o);
        if (!err->code)
            gz_fail(err, GZ_EIO, "", "cannot start the webhook thread");
        return NULL;
    }
    return o;
}

void outbox_stop(struct outbox *o)
{
    if (!o)
        return;
    atomic_store(&o->stop, true);
    curl_multi_wakeup(o->multi);
    pthread_join(o->thread, NULL);
    store_off_commit(o->s, on_commit, o);
    outbox_free(o);
}
