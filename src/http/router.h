/*
 * router.h - maps a method and a path to a handler. Patterns are split on
 * '/', and a segment "{name}" captures that segment of the path.
 * A path that matches some pattern under another method is a 405, with the
 * methods that would have matched.
 */
#ifndef GZ_ROUTER_H
#define GZ_ROUTER_H

#include <stdbool.h>
#include <stddef.h>

#define ROUTER_MAX_PARAMS 4
#define ROUTER_MAX_SEGMENTS 12

struct http_req;
struct router;

typedef void (*http_handler_fn)(struct http_req *req, void *app);
/*
 * An upload route's first look at a request, before its body arrives: the
 * bytes the body may have (it streams to a temporary file, see server.h), or
 * 0 after answering it (the answer goes out at once and the connection closes).
 */
typedef size_t (*http_upload_fn)(struct http_req *req, void *app);

struct route_match {
    http_handler_fn fn;
    size_t n;
    const char *names[ROUTER_MAX_PARAMS];
    char values[ROUTER_MAX_PARAMS][128];
    char allow[64];        /* "GET, POST" when the method did not match */
    http_upload_fn upload; /* set for upload routes */
    bool parks;            /* the handler runs in a fiber (router_add_parking) */
};

enum router_result { ROUTER_FOUND = 0, ROUTER_NO_PATH = 404, ROUTER_NO_METHOD = 405 };

struct router *router_new(void);
void router_free(struct router *r);
/* Register; fails (-1) on a malformed pattern or when full. */
int router_add(struct router *r, const char *method, const char *pattern, http_handler_fn fn);
/* Register a route whose handler runs in a fiber, so its writes park the fiber instead of
   blocking the thread (util/fiber.h: it holds no lock across a store write). */
int router_add_parking(struct router *r, const char *method, const char *pattern,
                       http_handler_fn fn);
/* Register a route whose body streams to a file (uploads); begin sets its size limit. */
int router_add_upload(struct router *r, const char *method, const char *pattern, http_handler_fn fn,
                      http_upload_fn begin);
/* Match a request path (without query); fills m. */
enum router_result router_match(const struct router *r, const char *method, const char *path,
                                struct route_match *m);
/* The handler of GET and HEAD requests whose path matches no pattern (the web console's
   static files); without one such a path is a 404. */
void router_fallback(struct router *r, http_handler_fn fn);

#endif
