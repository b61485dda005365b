/*
 * server.c - libmicrohttpd glue.
 *
 * Request life: the first access callback only allocates our request (and
 * answers 413 at once when Content-Length is too large); body chunks are
 * appended up to the limit (libmicrohttpd refuses a response queued while
 * the body is still arriving); the final call routes and runs the handler.
 * Responses are never queued on the first call: libmicrohttpd 0.9.75 closes
 * the connection after such a response, which would defeat keep-alive.
 *
 * Parking routes (router_add_parking) run their handler in a fiber: a write
 * parks it, the connection is suspended, and the thread serves other
 * connections until the writer's commit wakes it (fiber_step, on_wake). The
 * handshake between the two is one atomic: whichever of "suspended" and
 * "woken" comes second resumes the connection, so a commit that beats the
 * suspension is not lost.
 */
#include "gz.h"

#include <arpa/inet.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "http/server.h"
#include "http/upload.h"
#include "util/buf.h"
#include "util/fiber.h"
#include "util/json.h"
#include "util/log.h"
#include "util/timeutil.h"

#define HTTP_MAX_HEADERS 8
#define HTTP_THREADS_PER_CORE 4

struct http_server {
    struct MHD_Daemon *d;
    const struct router *router;
    void *app;
    size_t max_body;
    int port;
    char *upload_dir;
    atomic_int fibers;    /* requests whose handler is in a fiber */
    atomic_bool stopping; /* no new fibers: http_server_stop waits for the last ones */
};

struct alloc_node {
    struct alloc_node *next;
    max_align_t data[];
};

struct http_req {
    struct MHD_Connection *conn;
    struct http_server *srv; /* not const: it counts the requests in fibers */
    const char *method;
    const char *path;
    struct buf body;
    bool too_big;
    bool replied;
    struct route_match match;
    struct alloc_node *allocs;
    char peer[64];
    size_t nheaders;
    char *headers[HTTP_MAX_HEADERS][2];
    /* the response, queued after the handler returns */
    int status;
    const char *ctype;
    char *out;
    size_t out_len;
    struct upload *upload; /* upload routes: the body spooled to a file */
    bool is_upload;
    int out_fd;                 /* a response from a file, -1 for none */
    struct http_stream *stream; /* a streamed answer instead of out */
    struct fiber *fiber;        /* the handler, parked (parking routes) */
    atomic_int park;            /* the handshake of a parked handler: see fiber_step */
};

enum { PARK_RUNNING, PARK_SUSPENDED, PARK_WOKEN };

struct http_stream {
    struct MHD_Connection *conn;
    http_fill_fn fill;
    void (*done)(void *ctx);
    void *ctx;
};

const char *http_method(const struct http_req *r)
{
    return r->method;
}
const char *http_path(const struct http_req *r)
{
    return r->path;
}

const char *http_param(const struct http_req *r, const char *name)
{
    size_t n = strlen(name);

    for (size_t i = 0; i < r->match.n; i++) {
        const char *p = r->match.names[i];
        if (strncmp(p + 1, name, n) == 0 && p[n + 1] == '}')
            return r->match.values[i];
    }
    return NULL;
}

const char *http_query(const struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

struct each_ctx {
    const char *name;
    http_value_fn fn;
    void *ctx;
};

static enum MHD_Result each_value(void *cls, enum MHD_ValueKind kind, const char *key,
                                  const char *value)
{
    struct each_ctx *x = cls;

    (void)kind;
    if (!key || strcmp(key, x->name) != 0)
        return MHD_YES;
    return x->fn(x->ctx, value ? value : "") ? MHD_NO : MHD_YES;
}

void http_query_each(const struct http_req *r, const char *name, http_value_fn fn, void *ctx)
{
    struct each_ctx x = {name, fn, ctx};

    MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, each_value, &x);
}

const char *http_header(const struct http_req *r, const char *name)
{
    return MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, name);
}

const char *http_body(const struct http_req *r, size_t *len)
{
    if (len)
        *len = r->body.len;
    return buf_str(&r->body);
}

const char *http_peer(const struct http_req *r)
{
    return r->peer;
}

void *http_alloc(struct http_req *r, size_t n)
{
    struct alloc_node *a = malloc(sizeof(*a) + n);

    if (!a)
        return NULL;
    a->next = r->allocs;
    r->allocs = a;
    return a->data;
}

int http_status(const struct http_req *r)
{
    return r->replied ? r->status : 0;
}

void http_reply(struct http_req *r, int status, const char *content_type, char *body, size_t len)
{
    if (r->replied) {
        free(body);
        return;
    }
    r->replied = true;
    r->status = status;
    r->ctype = content_type;
    r->out = body;
    r->out_len = len;
}

void http_reply_json(struct http_req *r, int status, json_t *j)
{
    http_reply_json_with(r, status, j, NULL);
}

void http_reply_json_with(struct http_req *r, int status, json_t *j, const char *more)
{
    /* 15 significant digits: 39.9 stays 39.9, coordinates keep sub-millimetre precision */
    char *joined, *s = json_dumps(j, JSON_COMPACT | JSON_REAL_PRECISION(15));

    json_decref(j);
    if (!s) {
        http_reply_error(r, 500, "internal", "", "could not encode the answer");
        return;
    }
    if (more && (joined = json_text_join(s, more)) != NULL) {
        free(s);
        s = joined;
    }
    http_reply(r, status, "application/json; charset=utf-8", s, strlen(s));
}

void http_reply_error(struct http_req *r, int status, const char *code, const char *field,
                      const char *fmt, ...)
{
    char msg[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    http_reply_json(r, status,
                    json_pack("{s:{s:s, s:s, s:s}}", "error", "code", code, "message", msg, "field",
                              field ? field : ""));
}

void http_add_header(struct http_req *r, const char *name, const char *value)
{
    if (r->nheaders == HTTP_MAX_HEADERS)
        return;
    r->headers[r->nheaders][0] = strdup(name);
    r->headers[r->nheaders][1] = strdup(value);
    r->nheaders++;
}

const char *http_upload(const struct http_req *r, int *fd, size_t *len)
{
    return r->upload ? upload_file(r->upload, fd, len) : NULL;
}

void http_upload_keep(struct http_req *r)
{
    if (r->upload)
        upload_keep(r->upload);
}

const char *http_form_field(const struct http_req *r, const char *name)
{
    return r->upload ? upload_field(r->upload, name) : NULL;
}

void http_reply_fd(struct http_req *r, int status, const char *content_type, int fd, size_t len)
{
    if (r->replied) {
        close(fd);
        return;
    }
    r->replied = true;
    r->status = status;
    r->ctype = content_type;
    r->out_fd = fd;
    r->out_len = len;
}

void http_reply_stream(struct http_req *r, int status, const char *content_type, http_fill_fn fill,
                       void (*done)(void *ctx), void *ctx)
{
    struct http_stream *st = r->replied ? NULL : calloc(1, sizeof(*st));

    if (!st) {
        done(ctx);
        if (!r->replied)
            http_reply_error(r, 500, "internal", "", "out of memory");
        return;
    }
    st->conn = r->conn;
    st->fill = fill;
    st->done = done;
    st->ctx = ctx;
    r->replied = true;
    r->status = status;
    r->ctype = content_type;
    r->stream = st;
}

void http_stream_suspend(struct http_stream *st)
{
    MHD_suspend_connection(st->conn);
}

void http_stream_resume(struct http_stream *st)
{
    MHD_resume_connection(st->conn);
}

static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
    struct http_stream *st = cls;
    long n = st->fill(st->ctx, st, buf, max);

    (void)pos;
    return n < 0 ? MHD_CONTENT_READER_END_OF_STREAM : (ssize_t)n;
}

static void stream_free(void *cls)
{
    struct http_stream *st = cls;

    st->done(st->ctx);
    free(st);
}

static void req_free(struct http_req *r)
{
    struct alloc_node *a;

    while ((a = r->allocs) != NULL) {
        r->allocs = a->next;
        free(a);
    }
    for (size_t i = 0; i < r->nheaders; i++) {
        free(r->headers[i][0]);
        free(r->headers[i][1]);
    }
    buf_release(&r->body);
    free(r->out);
    upload_free(r->upload);
    if (r->out_fd >= 0)
        close(r->out_fd);
    if (r->stream) /* never handed to libmicrohttpd */
        stream_free(r->stream);
    free(r);
}

static enum MHD_Result queue(struct http_req *r)
{
    struct MHD_Response *resp;
    enum MHD_Result ret;

    if (!r->replied)
        http_reply_error(r, 500, "internal", "", "the handler gave no answer");
    if (r->out_fd >= 0) {
        resp = MHD_create_response_from_fd(r->out_len, r->out_fd);
        if (!resp)
            return MHD_NO;
        r->out_fd = -1; /* libmicrohttpd closes it */
    } else if (r->stream) {
        resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16u << 10, stream_read,
                                                 r->stream, stream_free);
        if (!resp)
            return MHD_NO;
        r->stream = NULL; /* libmicrohttpd frees it through stream_free */
    } else {
        resp = MHD_create_response_from_buffer(r->out_len, r->out, MHD_RESPMEM_MUST_FREE);
        if (!resp)
            return MHD_NO;
        r->out = NULL;
    }
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    for (size_t i = 0; i < r->nheaders; i++)
        if (r->headers[i][0] && r->headers[i][1])
            MHD_add_response_header(resp, r->headers[i][0], r->headers[i][1]);
    ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static void peer_of(struct MHD_Connection *c, char *out, size_t size)
{
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    const struct sockaddr *sa = ci ? ci->client_addr : NULL;

    snprintf(out, size, "%s", "unknown");
    if (sa && sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, out,
                  (socklen_t)size);
    else if (sa && sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, out,
                  (socklen_t)size);
}

static struct http_req *req_new(struct http_server *srv, struct MHD_Connection *c,
                                const char *method, const char *url)
{
    struct http_req *r = calloc(1, sizeof(*r));
    const char *cl;

    if (!r)
        return NULL;
    r->conn = c;
    r->srv = srv;
    r->method = method;
    r->path = url;
    r->out_fd = -1;
    buf_init(&r->body, srv->max_body);
    peer_of(c, r->peer, sizeof(r->peer));
    cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > srv->max_body)
        r->too_big = true;
    return r;
}

static void dispatch(struct http_req *r, enum router_result rr)
{
    const char *field, *msg;
    int status;

    if (r->upload)
        upload_finish(r->upload);
    if (r->upload && (status = upload_error(r->upload, &field, &msg)) != 0) {
        http_reply_error(r, status, status == 413 ? "too_large" : "bad_request", field, "%s", msg);
    } else if (r->too_big) {
        http_reply_error(r, 413, "too_large", "body", "the request body is larger than %zu bytes",
                         r->srv->max_body);
    } else if (rr == ROUTER_NO_PATH) {
        http_reply_error(r, 404, "not_found", "", "no such resource: %s", r->path);
    } else if (rr == ROUTER_NO_METHOD) {
        http_add_header(r, "Allow", r->match.allow);
        http_reply_error(r, 405, "method_not_allowed", "", "%s is not allowed here; allowed: %s",
                         r->method, r->match.allow);
    } else {
        r->match.fn(r, r->srv->app);
    }
}

/*
 * An upload route decides its limit (or answers: 401 ...) before any of the
 * body is read; the body then streams to a file, never to memory. True when
 * the request has been answered now.
 */
static bool upload_begin(struct http_req *r)
{
    const char *cl;
    size_t limit;

    if (router_match(r->srv->router, r->method, r->path, &r->match) != ROUTER_FOUND ||
        !r->match.upload)
        return false;
    r->is_upload = true;
    r->too_big = false; /* the JSON limit is not this body's */
    limit = r->match.upload(r, r->srv->app);
    if (r->replied)
        return true;
    r->upload = limit ? upload_new(r->conn, r->srv->upload_dir, limit) : NULL;
    if (!r->upload) {
        http_reply_error(r, 500, "internal", "file", "uploads cannot be stored here");
        return true;
    }
    cl = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl && strtoull(cl, NULL, 10) > limit) {
        char msg[96];
        snprintf(msg, sizeof(msg), "the file is larger than %zu bytes", limit);
        upload_fail(r->upload, 413, "file", msg);
        dispatch(r, ROUTER_FOUND);
        return true;
    }
    return false;
}

/* ---- handlers in fibers ---- */

static void in_fiber(void *arg)
{
    struct http_req *r = arg;

    r->match.fn(r, r->srv->app);
}

/* The write the handler waited for is done (any thread): resume the connection once it is
   suspended; if it is not yet, fiber_step sees PARK_WOKEN and resumes it itself. */
static void on_wake(void *arg)
{
    struct http_req *r = arg;
    struct MHD_Connection *c = r->conn; /* read first: once woken, r may go */

    if (atomic_exchange(&r->park, PARK_WOKEN) == PARK_SUSPENDED)
        MHD_resume_connection(c);
}

static void fiber_done(struct http_req *r)
{
    struct http_server *srv = r->srv;

    fiber_free(r->fiber);
    r->fiber = NULL;
    atomic_fetch_sub(&srv->fibers, 1);
}

/* Run the handler until it answers, or until it parks: then the connection waits, suspended,
   for on_wake, and libmicrohttpd calls on_access again to run it further. */
static enum MHD_Result fiber_step(struct http_req *r)
{
    struct MHD_Connection *c = r->conn;

    atomic_store(&r->park, PARK_RUNNING);
    if (fiber_run(r->fiber)) {
        fiber_done(r);
        return queue(r);
    }
    MHD_suspend_connection(c);
    if (atomic_exchange(&r->park, PARK_SUSPENDED) == PARK_WOKEN)
        MHD_resume_connection(c);
    return MHD_YES;
}

/* A request going away with its handler parked (the client left): finish the handler here,
   its answer unsent. */
static void fiber_drain(struct http_req *r)
{
    while (r->fiber) {
        while (atomic_load(&r->park) != PARK_WOKEN)
            time_sleep(0.0001);
        atomic_store(&r->park, PARK_RUNNING);
        if (fiber_run(r->fiber))
            fiber_done(r);
    }
}

/* The request's last call: route it and run its handler, in a fiber when the route parks. */
static enum MHD_Result run(struct http_req *r)
{
    struct http_server *srv = r->srv;
    enum router_result rr = router_match(srv->router, r->method, r->path, &r->match);

    if (rr == ROUTER_FOUND && r->match.parks && !r->upload && !r->too_big &&
        !atomic_load(&srv->stopping)) {
        r->fiber = fiber_new(in_fiber, r, on_wake, r);
        if (r->fiber) {
            atomic_fetch_add(&srv->fibers, 1);
            return fiber_step(r);
        }
    }
    dispatch(r, rr);
    return queue(r);
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *c, const char *url,
                                 const char *method, const char *version, const char *data,
                                 size_t *data_size, void **con_cls)
{
    struct http_server *srv = cls;
    struct http_req *r = *con_cls;

    (void)version;
    if (!r) {
        r = req_new(srv, c, method, url);
        if (!r)
            return MHD_NO;
        *con_cls = r;
        if (upload_begin(r))
            return queue(r);
        if (!r->too_big)
            return MHD_YES;
        /* refuse before reading the body (no 100 Continue); the connection then closes */
        dispatch(r, router_match(srv->router, r->method, r->path, &r->match));
        return queue(r);
    }
    if (*data_size) {
        /* past the limit the rest is read and dropped, and 413 goes out at the end */
        if (r->upload)
            upload_feed(r->upload, data, *data_size);
        else if (!r->too_big && buf_add(&r->body, data, *data_size))
            r->too_big = true;
        *data_size = 0;
        return MHD_YES;
    }
    if (r->fiber)
        return fiber_step(r);
    if (r->replied)
        return MHD_YES;
    return run(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
    (void)cls;
    (void)c;
    (void)toe;
    if (*con_cls) {
        fiber_drain(*con_cls);
        req_free(*con_cls);
    }
    *con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
    char line[512];

    (void)cls;
    vsnprintf(line, sizeof(line), fmt, ap);
    line[strcspn(line, "\n")] = '\0';
    log_debug("http: %s", line);
}

static int bind_addr(const char *bind, int port, struct sockaddr_storage *ss, struct gz_err *err)
{
    struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;

    memset(ss, 0, sizeof(*ss));
    if (inet_pton(AF_INET, bind, &in4->sin_addr) == 1) {
        in4->sin_family = AF_INET;
        in4->sin_port = htons((uint16_t)port);
        return 0;
    }
    if (inet_pton(AF_INET6, bind, &in6->sin6_addr) == 1) {
        in6->sin6_family = AF_INET6;
        in6->sin6_port = htons((uint16_t)port);
        return 0;
    }
    return gz_fail(err, GZ_EINVAL, "bind", "--bind needs an IPv4 or IPv6 address, not %s", bind);
}

struct http_server *http_server_start(const struct http_config *cfg, const struct router *router,
                                      void *app, struct gz_err *err)
{
    struct http_server *s = calloc(1, sizeof(*s));
    struct sockaddr_storage ss;
    const union MHD_DaemonInfo *info;
    long cores = sysconf(_SC_NPROCESSORS_ONLN);
    /* 4 per core. Parking routes (intake, actions) need no more: their handlers park while
       their writes wait for the group commit, and the whole pipeline ran 4% faster on 4
       threads than on 32 (2 cores, 64 clients). The others block on their writes and reads;
       before intake parked, 16 per core carried most intakes. */
    unsigned threads = cfg->threads > 0 ? (unsigned)cfg->threads
                                        : (unsigned)(cores > 0 ? cores : 2) * HTTP_THREADS_PER_CORE;
    /* suspend/resume: event streams park their connection while there is nothing to send */
    unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_USE_ERROR_LOG | MHD_ALLOW_SUSPEND_RESUME;

    if (!s) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (bind_addr(cfg->bind ? cfg->bind : "127.0.0.1", cfg->port, &ss, err)) {
        free(s);
        return NULL;
    }
    if (ss.ss_family == AF_INET6)
        flags |= MHD_USE_IPv6;
    s->router = router;
    s->app = app;
    s->max_body = cfg->max_body ? cfg->max_body : GZ_MAX_BODY;
    s->upload_dir = cfg->upload_dir ? strdup(cfg->upload_dir) : NULL;
    s->d = MHD_start_daemon(
        flags, (uint16_t)cfg->port, NULL, NULL, on_access, s, MHD_OPTION_SOCK_ADDR, &ss,
        MHD_OPTION_THREAD_POOL_SIZE, threads > 1 ? threads : 0, MHD_OPTION_NOTIFY_COMPLETED,
        on_completed, s, MHD_OPTION_CONNECTION_LIMIT,
        (unsigned)(cfg->max_connections ? cfg->max_connections : GZ_MAX_CONNECTIONS),
        MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)(cfg->timeout_s ? cfg->timeout_s : GZ_REQUEST_TIMEOUT_S),
        MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)GZ_MAX_HEADER_MEM, MHD_OPTION_EXTERNAL_LOGGER,
        on_mhd_log, NULL, MHD_OPTION_LISTENING_ADDRESS_REUSE, 1, MHD_OPTION_END);
    if (!s->d) {
        gz_fail(err, GZ_EIO, "port", "cannot listen on %s:%d", cfg->bind ? cfg->bind : "127.0.0.1",
                cfg->port);
        free(s->upload_dir);
        free(s);
        return NULL;
    }
    info = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : cfg->port;
    return s;
}

int http_server_port(const struct http_server *s)
{
    return s->port;
}

void http_server_stop(struct http_server *s)
{
    double until = time_mono() + 5;

    if (!s)
        return;
    /* libmicrohttpd must not stop with a suspended connection: let parked handlers finish
       (requests arriving meanwhile run their handlers without a fiber) */
    atomic_store(&s->stopping, true);
    while (atomic_load(&s->fibers) > 0 && time_mono() < until)
        time_sleep(0.001);
    MHD_stop_daemon(s->d);
    free(s->upload_dir);
    free(s);
}
