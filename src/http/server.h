/*
 * server.h - the HTTP server (libmicrohttpd, epoll, internal thread pool)
 * and the request/response API handlers use. A request lives from its first
 * byte to the completion callback; everything allocated with http_alloc is
 * freed then, in one go.
 */
#ifndef GZ_SERVER_H
#define GZ_SERVER_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "http/router.h"

struct gz_err;
struct http_server;
struct http_req;

struct http_config {
    const char *bind; /* address, default 127.0.0.1 */
    int port;         /* 0 = ephemeral */
    int threads;      /* 0 = 4 per core (parking handlers free their thread) */
    size_t max_body;  /* bytes; 0 = GZ_MAX_BODY */
    int max_connections;
    int timeout_s;
    const char *upload_dir; /* where upload bodies are spooled (NULL: uploads answer 500) */
};

struct http_server *http_server_start(const struct http_config *cfg, const struct router *r,
                                      void *app, struct gz_err *err);
/* The bound port (useful with port 0). */
int http_server_port(const struct http_server *s);
/* Stop accepting, finish in-flight requests, free. */
void http_server_stop(struct http_server *s);

/* ---- request ---- */
const char *http_method(const struct http_req *r);
const char *http_path(const struct http_req *r);
/* A captured path segment ("{id}"), decoded; NULL when absent. */
const char *http_param(const struct http_req *r, const char *name);
/* A query-string argument, decoded; NULL when absent. */
const char *http_query(const struct http_req *r, const char *name);
/* Every value of a query-string argument given more than once, in order: fn(ctx, value)
   (value "" for a bare name), until fn returns nonzero. */
typedef int (*http_value_fn)(void *ctx, const char *value);
void http_query_each(const struct http_req *r, const char *name, http_value_fn fn, void *ctx);
const char *http_header(const struct http_req *r, const char *name);
/* The request body (NUL-terminated; len excludes the NUL). */
const char *http_body(const struct http_req *r, size_t *len);
/* Client address as text. */
const char *http_peer(const struct http_req *r);
/* Request-scoped memory, freed when the response has been sent. NULL on failure. */
void *http_alloc(struct http_req *r, size_t n);

/* ---- response: exactly one per request ---- */
/* Take ownership of body (malloc'd). */
void http_reply(struct http_req *r, int status, const char *content_type, char *body, size_t len);
/* Steal the reference to j. */
void http_reply_json(struct http_req *r, int status, json_t *j);
/* http_reply_json with the members of the object text `more` (NULL: none) added to j's:
   parts already written as text are not written again. Their keys must not be j's. */
void http_reply_json_with(struct http_req *r, int status, json_t *j, const char *more);
/* {"error":{"code":..,"message":..,"field":..}} */
void http_reply_error(struct http_req *r, int status, const char *code, const char *field,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* The status of the answer given so far (0 before any). */
int http_status(const struct http_req *r);
/* Add a header to the coming response (copied). */
void http_add_header(struct http_req *r, const char *name, const char *value);

/* ---- uploads (routes added with router_add_upload) ---- */
/*
 * The body streamed to a temporary file in the upload directory: a raw body,
 * or the one file part of a multipart/form-data body (the part named "file"
 * or carrying a filename). Its path, a descriptor open for reading and
 * writing, and its size; NULL when a multipart body had no file part. The
 * file is removed when the request ends, unless http_upload_keep was called
 * (it was renamed away).
 */
const char *http_upload(const struct http_req *r, int *fd, size_t *len);
void http_upload_keep(struct http_req *r);
/* A small field (up to 255 bytes) of a multipart/form-data body; NULL when absent. */
const char *http_form_field(const struct http_req *r, const char *name);
/* Answer with len bytes of an open file (taken over, closed after sending). */
void http_reply_fd(struct http_req *r, int status, const char *content_type, int fd, size_t len);
/*
 * ---- streamed responses (server-sent events) ----
 * The answer's body comes from fill(ctx, st, buf, max), called on a server
 * thread whenever the connection can take more: it returns the bytes it put
 * in buf (> 0), or 0 after calling http_stream_suspend (nothing to send
 * now: the connection is parked, no thread waits on it, until another thread
 * calls http_stream_resume), or < 0 to end the answer. done(ctx) is called
 * once when the connection is finished with. The headers added with
 * http_add_header go out with it.
 */
struct http_stream;
typedef long (*http_fill_fn)(void *ctx, struct http_stream *st, char *buf, size_t max);
void http_reply_stream(struct http_req *r, int status, const char *content_type, http_fill_fn fill,
                       void (*done)(void *ctx), void *ctx);
/* From inside fill only. */
void http_stream_suspend(struct http_stream *st);
/* From any thread, exactly once per suspend. */
void http_stream_resume(struct http_stream *st);

#endif
