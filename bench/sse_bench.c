/*
 * sse_bench.c - the live stream and webhook deliveries under intake load.
 *
 *   sse_bench --port P --token T --mode sse  [--clients 1000] [--writers 16] [--seconds 20]
 *             [--rate R]  (cases/s over all writers; default: as fast as they go)
 *   sse_bench --port P --token T --mode hook --hook-port Q [--writers 16] [--seconds 10]
 *
 * Intake: `writers` threads, each a keep-alive connection posting cases
 * (POST /api/v1/cases) in a closed loop for `seconds`; a case counts as
 * committed when its 201 arrives (its "number" is noted with that time).
 *
 * sse: first `clients` streams (GET /api/v1/stream, Bearer token) are opened
 * on one epoll thread and read (chunked, de-chunked, each "data:" line's
 * "case" looked up). Latency of an event = when a stream received it - when
 * its intake's 201 arrived (0 when the stream was first: the 201 is the
 * nearest the client sees of the commit). Prints events delivered/s (all
 * streams together), p50/p99/max latency and whether every stream got every
 * committed case.
 *
 * hook: a receiver on 127.0.0.1:Q (epoll, keep-alive, answers 200 at once)
 * counts the deliveries the server POSTs to it (the webhook must already be
 * registered for "created" at that URL). It answers nothing while the intake
 * runs, so the committed cases pile up in the outbox, then serves until all
 * of them arrived (or 60 s): deliveries/s is the outbox draining.
 *
 * Build: gcc -O2 -std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -pthread
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_SEQ 1000000    /* case numbers of one day */
#define LAT_BUCKETS 100000 /* 0.1 ms buckets up to 10 s */
#define SAMPLED 50         /* streams whose every receive time is kept for the latencies */

static struct {
    int port, hook_port, clients, writers;
    double seconds;
    double rate; /* cases/s over all writers; 0: as fast as they go */
    bool hook;
    char token[256];
    struct sockaddr_in addr;
    atomic_bool stop;      /* the writers */
    atomic_bool stop_read; /* the streams and the receiver */
    _Atomic double *acked; /* by case sequence: when its 201 arrived (0: not yet) */
    double *sent;          /* by case sequence: when its intake request was sent */
    atomic_long n_acked, n_err;
    atomic_long n_delivered;
    struct stream *sampled_first; /* streams [0, SAMPLED) keep their receive times */
    double first_delivery, last_delivery;
} g;

/* A latency histogram in 0.1 ms buckets. */
struct hist {
    uint64_t b[LAT_BUCKETS + 1];
    uint64_t n, early;
    double max;
};

static double now_s(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
    fprintf(stderr, "sse_bench: %s (%s)\n", what, strerror(errno));
    exit(1);
}

static int dial(void)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    if (fd < 0 || connect(fd, (struct sockaddr *)&g.addr, sizeof(g.addr)) != 0)
        die("connect");
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* "…"number":"20261125-000123"…" -> 123; -1 when absent. */
static long case_seq(const char *p, const char *end, const char *key)
{
    size_t k = strlen(key);

    for (; p + k + 17 <= end; p++)
        if (memcmp(p, key, k) == 0 && p[k + 8] == '-')
            return strtol(p + k + 9, NULL, 10);
    return -1;
}

/* ---- intake writers ---- */

static int read_answer(int fd, char *buf, size_t cap, int *status, size_t *len)
{
    size_t have = 0;
    char *hdr_end = NULL;
    long body = 0;

    while (!hdr_end || have < (size_t)(hdr_end - buf) + 4 + (size_t)body) {
        ssize_t n = read(fd, buf + have, cap - 1 - have);
        if (n <= 0)
            return -1;
        have += (size_t)n;
        buf[have] = '\0';
        if (!hdr_end && (hdr_end = strstr(buf, "\r\n\r\n")) != NULL) {
            char *cl = strcasestr(buf, "Content-Length:");
            body = cl && cl < hdr_end ? strtol(cl + 15, NULL, 10) : 0;
        }
    }
    *status = (int)strtol(buf + 9, NULL, 10);
    *len = have;
    return 0;
}

static void *writer_main(void *arg)
{
    static const char body[] = "{\"channel\":\"web\",\"text\":\"幸福路与和平街交叉口有大量生活垃圾"
                               "堆放无人清理，气味很大，请尽快处理。\"}";
    char req[1024], buf[16384];
    int fd = dial(), n, status;
    size_t len;

    double next = now_s();

    (void)arg;
    n = snprintf(req, sizeof(req),
                 "POST /api/v1/cases HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer %s\r\n"
                 "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                 g.token, strlen(body), body);
    while (!atomic_load(&g.stop)) {
        long seq;
        double t_send;
        if (g.rate > 0) { /* paced: each writer its share of the rate */
            double wait;
            next += (double)g.writers / g.rate;
            wait = next - now_s();
            if (wait > 0) {
                struct timespec d = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
                nanosleep(&d, NULL);
            }
        }
        t_send = now_s();
        if (write(fd, req, (size_t)n) != n || read_answer(fd, buf, sizeof(buf), &status, &len)) {
            close(fd);
            atomic_fetch_add(&g.n_err, 1);
            fd = dial();
            continue;
        }
        seq = case_seq(buf, buf + len, "\"number\":\"");
        if (status != 201 || seq < 0 || seq >= MAX_SEQ) {
            atomic_fetch_add(&g.n_err, 1);
            continue;
        }
        g.sent[seq] = t_send;
        atomic_store(&g.acked[seq], now_s());
        atomic_fetch_add(&g.n_acked, 1);
    }
    close(fd);
    return NULL;
}

/* ---- streams ---- */

struct stream {
    int fd;
    bool head; /* headers read */
    int state; /* 0 a chunk's size line, 1 its bytes, 2 its CRLF */
    long left; /* bytes left in this state */
    char raw[80];
    size_t raw_len;
    char line[16384];
    size_t line_len;
    long got;
    struct sample {
        long seq;
        double t;
    } * samples; /* the first SAMPLED streams: every receive */
    size_t n_samples, cap_samples;
};

static void lat_add(struct hist *h, double d)
{
    long b;

    if (d < 0) {
        h->early++;
        d = 0;
    }
    if (d > h->max)
        h->max = d;
    b = (long)(d * 10000.0);
    h->b[b > LAT_BUCKETS ? LAT_BUCKETS : b]++;
    h->n++;
}

static void sample(struct stream *s, long seq, double t)
{
    if (s->n_samples == s->cap_samples) {
        s->cap_samples = s->cap_samples ? 2 * s->cap_samples : 4096;
        s->samples = realloc(s->samples, s->cap_samples * sizeof(*s->samples));
        if (!s->samples)
            die("out of memory");
    }
    s->samples[s->n_samples].seq = seq;
    s->samples[s->n_samples++].t = t;
}

/* A whole line: "data: {…,"case":"20261125-000123"}" counts (the case is the last member). */
static void on_line(struct stream *s, const char *line, size_t len, double t)
{
    long seq;

    if (len < 40 || memcmp(line, "data: ", 6) != 0)
        return;
    seq = case_seq(line + len - 40, line + len, "\"case\":\"");
    if (seq < 0 || seq >= MAX_SEQ)
        return;
    if (s - g.sampled_first < SAMPLED)
        sample(s, seq, t);
    s->got++;
    atomic_fetch_add(&g.n_delivered, 1);
}

/* Bytes of the chunks' data: split into lines (in place when a line is whole here). */
static void on_data(struct stream *s, const char *p, size_t n, double t)
{
    while (n) {
        const char *nl = memchr(p, '\n', n);
        size_t k = nl ? (size_t)(nl - p) : n;
        if (nl && !s->line_len) {
            on_line(s, p, k, t);
        } else {
            size_t room = sizeof(s->line) - s->line_len, c = k < room ? k : room;
            memcpy(s->line + s->line_len, p, c);
            s->line_len += c;
            if (nl)
                on_line(s, s->line, s->line_len, t);
        }
        if (nl)
            s->line_len = 0;
        k += nl ? 1 : 0;
        p += k;
        n -= k;
    }
}

/* De-chunk what arrived. */
static void on_bytes(struct stream *s, const char *p, size_t n, double t)
{
    while (n) {
        if (s->state == 1) { /* a chunk's bytes */
            size_t k = (size_t)s->left < n ? (size_t)s->left : n;
            on_data(s, p, k, t);
            p += k;
            n -= k;
            if ((s->left -= (long)k) == 0) {
                s->state = 2;
                s->left = 2;
            }
            continue;
        }
        if (s->state == 2) { /* its CRLF */
            if (--s->left == 0)
                s->state = 0;
        } else if (*p != '\n') { /* the size line */
            if (s->raw_len < 64)
                s->raw[s->raw_len++] = *p;
        } else {
            s->raw[s->raw_len] = '\0';
            s->left = strtol(s->raw, NULL, 16);
            s->raw_len = 0;
            s->state = s->left ? 1 : 0;
        }
        p++;
        n--;
    }
}

static void stream_read(struct stream *s)
{
    char buf[65536];
    ssize_t n;

    while ((n = read(s->fd, buf, sizeof(buf))) > 0) {
        double t = now_s();
        const char *p = buf;
        size_t len = (size_t)n;
        if (!s->head) {
            const char *end = memmem(buf, len, "\r\n\r\n", 4);
            if (!end || strncmp(buf, "HTTP/1.1 200", 12) != 0) {
                fprintf(stderr, "sse_bench: a stream was refused: %.60s\n", buf);
                exit(1);
            }
            s->head = true;
            p = end + 4;
            len -= (size_t)(p - buf);
        }
        on_bytes(s, p, len, t);
    }
}

static struct stream *streams_open(int ep)
{
    struct stream *ss = calloc((size_t)g.clients, sizeof(*ss));
    char req[512];
    int n = snprintf(req, sizeof(req),
                     "GET /api/v1/stream HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     "Authorization: Bearer %s\r\nAccept: text/event-stream\r\n\r\n",
                     g.token);

    if (!ss)
        die("out of memory");
    g.sampled_first = ss;
    for (int i = 0; i < g.clients; i++) {
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = &ss[i]};
        ss[i].fd = dial();
        if (write(ss[i].fd, req, (size_t)n) != n)
            die("write");
        fcntl(ss[i].fd, F_SETFL, O_NONBLOCK);
        epoll_ctl(ep, EPOLL_CTL_ADD, ss[i].fd, &ev);
    }
    return ss;
}

static void *streams_main(void *arg)
{
    int ep = *(int *)arg;
    struct epoll_event evs[256];

    while (!atomic_load(&g.stop_read)) {
        int n = epoll_wait(ep, evs, 256, 100);
        for (int i = 0; i < n; i++)
            stream_read(evs[i].data.ptr);
    }
    return NULL;
}

/* ---- the webhook receiver ---- */

struct peer {
    int fd;
    char buf[65536];
    size_t len;
};

/* Answer every whole request in p->buf. */
static void peer_serve(struct peer *p)
{
    static const char ok[] = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";

    for (;;) {
        char *end = memmem(p->buf, p->len, "\r\n\r\n", 4), *cl;
        size_t need;
        if (!end)
            return;
        *end = '\0';
        cl = strcasestr(p->buf, "Content-Length:");
        need = (size_t)(end - p->buf) + 4 + (cl ? (size_t)strtol(cl + 15, NULL, 10) : 0);
        *end = '\r';
        if (p->len < need)
            return;
        if (write(p->fd, ok, sizeof(ok) - 1) < 0)
            return;
        g.last_delivery = now_s();
        if (!g.first_delivery)
            g.first_delivery = g.last_delivery;
        atomic_fetch_add(&g.n_delivered, 1);
        memmove(p->buf, p->buf + need, p->len - need);
        p->len -= need;
    }
}

static void *receiver_main(void *arg)
{
    int ls = *(int *)arg, ep = epoll_create1(0);
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL}, evs[64];

    epoll_ctl(ep, EPOLL_CTL_ADD, ls, &ev);
    /* nothing is answered during the intake: the outbox fills up (the first transfers wait in
       the listen queue), so the deliveries measured afterwards are the outbox draining */
    while (!atomic_load(&g.stop)) {
        struct timespec d = {0, 5000000};
        nanosleep(&d, NULL);
    }
    while (!atomic_load(&g.stop_read)) {
        int n = epoll_wait(ep, evs, 64, 100);
        for (int i = 0; i < n; i++) {
            struct peer *p = evs[i].data.ptr;
            ssize_t r;
            if (!p) {
                struct epoll_event pe = {.events = EPOLLIN};
                int fd = accept(ls, NULL, NULL);
                if (fd < 0 || !(p = calloc(1, sizeof(*p))))
                    continue;
                p->fd = fd;
                pe.data.ptr = p;
                epoll_ctl(ep, EPOLL_CTL_ADD, fd, &pe);
                continue;
            }
            r = read(p->fd, p->buf + p->len, sizeof(p->buf) - p->len);
            if (r <= 0) {
                close(p->fd);
                free(p);
                continue;
            }
            p->len += (size_t)r;
            peer_serve(p);
        }
    }
    return NULL;
}

static int listen_on(int port)
{
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons((uint16_t)port)};
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 512))
        die("listen");
    return fd;
}

/* ---- the run ---- */

static double run_writers(void)
{
    pthread_t *w = calloc((size_t)g.writers, sizeof(*w));
    double t0 = now_s();
    struct timespec d = {(time_t)g.seconds, (long)((g.seconds - (double)(time_t)g.seconds) * 1e9)};

    for (int i = 0; i < g.writers; i++)
        pthread_create(&w[i], NULL, writer_main, NULL);
    nanosleep(&d, NULL);
    atomic_store(&g.stop, true);
    for (int i = 0; i < g.writers; i++)
        pthread_join(w[i], NULL);
    free(w);
    return now_s() - t0;
}

static double pct(const struct hist *h, double q)
{
    uint64_t want = (uint64_t)(q * (double)h->n), seen = 0;

    for (long b = 0; b <= LAT_BUCKETS; b++)
        if ((seen += h->b[b]) > want)
            return (double)b / 10.0 + 0.05;
    return 0;
}

/* Commit -> received lies between (received - 201) and (received - request sent). */
static void latencies(struct stream *ss)
{
    static struct hist from_ack, from_send;
    int n = g.clients < SAMPLED ? g.clients : SAMPLED;

    for (int i = 0; i < n; i++)
        for (size_t k = 0; k < ss[i].n_samples; k++) {
            const struct sample *x = &ss[i].samples[k];
            if (atomic_load(&g.acked[x->seq]) <= 0)
                continue;
            lat_add(&from_ack, x->t - atomic_load(&g.acked[x->seq]));
            lat_add(&from_send, x->t - g.sent[x->seq]);
        }
    printf("sse: latency commit -> stream (%llu events on %d streams): from the intake's 201 "
           "p50 %.1f ms, p99 %.1f ms (%.0f %% came before the 201); from the intake request "
           "p50 %.1f ms, p99 %.1f ms, max %.0f ms\n",
           (unsigned long long)from_ack.n, n, pct(&from_ack, 0.5), pct(&from_ack, 0.99),
           from_ack.n ? 100.0 * (double)from_ack.early / (double)from_ack.n : 0.0,
           pct(&from_send, 0.5), pct(&from_send, 0.99), from_send.max * 1000);
}

static void run_sse(void)
{
    int ep = epoll_create1(0);
    struct stream *ss = streams_open(ep);
    pthread_t reader;
    double secs, t_end;
    long acked, min = -1, max = 0;
    struct timespec settle = {1, 0};

    pthread_create(&reader, NULL, streams_main, &ep);
    nanosleep(&settle, NULL); /* every stream is open and parked */
    secs = run_writers();
    acked = atomic_load(&g.n_acked);
    /* let the streams catch up: until every stream has every case, or 30 s */
    t_end = now_s() + 30;
    while (now_s() < t_end && atomic_load(&g.n_delivered) < acked * g.clients) {
        struct timespec d = {0, 20000000};
        nanosleep(&d, NULL);
    }
    secs = now_s() - t_end + 30 + secs;
    atomic_store(&g.stop_read, true);
    pthread_join(reader, NULL);
    for (int i = 0; i < g.clients; i++) {
        min = min < 0 || ss[i].got < min ? ss[i].got : min;
        max = ss[i].got > max ? ss[i].got : max;
    }
    printf("sse: %d streams, intake %.0f cases/s (%ld committed, %ld errors) with %d writers%s\n",
           g.clients, (double)acked / g.seconds, acked, atomic_load(&g.n_err), g.writers,
           g.rate > 0 ? ", paced" : " as fast as they go");
    printf("sse: %.0f events/s delivered (%ld in %.1f s); each stream got %ld..%ld of %ld\n",
           (double)atomic_load(&g.n_delivered) / secs, atomic_load(&g.n_delivered), secs, min, max,
           acked);
    latencies(ss);
}

static void run_hook(void)
{
    int ls = listen_on(g.hook_port);
    pthread_t rx;
    double secs, t_end, t0 = now_s();
    long acked;

    pthread_create(&rx, NULL, receiver_main, &ls);
    secs = run_writers();
    acked = atomic_load(&g.n_acked);
    t_end = now_s() + 60;
    while (now_s() < t_end && atomic_load(&g.n_delivered) < acked) {
        struct timespec d = {0, 20000000};
        nanosleep(&d, NULL);
    }
    atomic_store(&g.stop_read, true);
    pthread_join(rx, NULL);
    printf("hook: %ld cases committed in %.1f s (%.0f/s, %d writers) while the receiver held "
           "back; it then got %ld deliveries\n",
           acked, secs, (double)acked / secs, g.writers, atomic_load(&g.n_delivered));
    printf("hook: the outbox drained at %.0f deliveries/s (%.1f s from the first to the last;"
           " the last %.1f s after the intake ended)\n",
           (double)atomic_load(&g.n_delivered) / (g.last_delivery - g.first_delivery),
           g.last_delivery - g.first_delivery, g.last_delivery - t0 - secs);
}

static void parse_args(int argc, char **argv)
{
    g.clients = 1000;
    g.writers = 16;
    g.seconds = 10;
    for (int i = 1; i + 1 < argc; i += 2) {
        const char *k = argv[i], *v = argv[i + 1];
        if (!strcmp(k, "--port"))
            g.port = atoi(v);
        else if (!strcmp(k, "--hook-port"))
            g.hook_port = atoi(v);
        else if (!strcmp(k, "--clients"))
            g.clients = atoi(v);
        else if (!strcmp(k, "--writers"))
            g.writers = atoi(v);
        else if (!strcmp(k, "--seconds"))
            g.seconds = atof(v);
        else if (!strcmp(k, "--rate"))
            g.rate = atof(v);
        else if (!strcmp(k, "--token"))
            snprintf(g.token, sizeof(g.token), "%s", v);
        else if (!strcmp(k, "--mode"))
            g.hook = !strcmp(v, "hook");
    }
    if (!g.port || !g.token[0] || (g.hook && !g.hook_port)) {
        fprintf(stderr, "usage: sse_bench --port P --token T --mode sse|hook [--hook-port Q]"
                        " [--clients N] [--writers N] [--seconds S]\n");
        exit(2);
    }
}

int main(int argc, char **argv)
{
    parse_args(argc, argv);
    g.addr.sin_family = AF_INET;
    g.addr.sin_port = htons((uint16_t)g.port);
    g.addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    g.acked = calloc(MAX_SEQ, sizeof(*g.acked));
    g.sent = calloc(MAX_SEQ, sizeof(*g.sent));
    if (!g.acked || !g.sent)
        die("out of memory");
    if (g.hook)
        run_hook();
    else
        run_sse();
    return 0;
}
