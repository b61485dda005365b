/*
 * stream.c - GET /api/v1/stream: server-sent events of the case events the
 * caller may see (the hub does the work: stream_hub.c), and the event JSON
 * shared with webhooks.
 *   ?last_event_id=N or Last-Event-ID: N  resume after event N
 *   ?kinds=created,dispatch               only these kinds
 *   ?access_token=T                        the bearer token, for EventSource
 *                                          (browsers cannot set headers)
 * Each event is "id: <event id>\ndata: <JSON>\n\n" (no `event:` line, so
 * EventSource.onmessage gets them all; the kind is in the JSON). Comments
 * (": keep-alive") go out every 15 s when nothing else does.
 */
#include "gz.h"

#include "api/api_util.h"
#include "api/case_view.h"
#include "api/stream.h"
#include "util/timeutil.h"

char *api_event_json(const struct event *e, const char *number, bool internal, size_t *len)
{
    json_t *o = view_event(e, internal);
    char *s;

    if (!o)
        return NULL;
    json_object_set_new(o, "case", number && *number ? json_string(number) : json_null());
    s = json_dumps(o, JSON_COMPACT | JSON_REAL_PRECISION(15));
    json_decref(o);
    if (s && len)
        *len = strlen(s);
    return s;
}

/* The Bearer token, or ?access_token= (this route only: EventSource sends no headers). */
static int stream_principal(struct http_req *r, struct app *app, struct principal *p)
{
    const char *token = http_query(r, "access_token");
    char hash[AUTH_TOKEN_HASH_CHARS + 1];
    struct gz_err err = {0};

    if (http_header(r, "Authorization") || !token)
        return api_principal(r, app, p);
    if (!auth_token_hash(token, hash)) {
        gz_fail(&err, GZ_EAUTH, "access_token", "access_token is not a token from /auth/login");
        api_fail(r, &err);
        return -1;
    }
    if (store_principal_load(app->store, hash, time_now(), p, &err)) {
        api_fail(r, &err);
        return -1;
    }
    return 0;
}

static int viewer_of(struct http_req *r, struct app *app, const struct principal *p,
                     struct stream_viewer *v)
{
    int64_t *units;
    size_t n;

    if (api_case_visibility(r, app, p, &units, &n))
        return -1;
    v->account_id = p->account_id;
    v->sees_all = units == NULL;
    for (size_t i = 0; i < n && v->n_units < STREAM_VIEWER_UNITS; i++)
        v->units[v->n_units++] = units[i];
    for (size_t i = 0; i < p->n; i++)
        v->internal = v->internal || p->m[i].role != ROLE_RESIDENT;
    return 0;
}

/* The resume point: the header wins over the query (a browser's reconnection sends it). */
static int resume_point(struct http_req *r, int64_t *after)
{
    const char *h = http_header(r, "Last-Event-ID");
    const char *q = http_query(r, "last_event_id");
    const char *v = h ? h : q;

    if (!v) {
        *after = -1;
        return 0;
    }
    if (!sse_last_id_parse(v, after)) {
        http_reply_error(r, 400, "invalid", h ? "Last-Event-ID" : "last_event_id",
                         "the last event id must be an event id (a number)");
        return -1;
    }
    if (!*v)
        *after = -1;
    return 0;
}

static void get_stream(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct principal p;
    struct stream_viewer v;
    struct gz_err err = {0};
    int64_t after;

    memset(&v, 0, sizeof(v));
    if (stream_principal(r, app, &p) || viewer_of(r, app, &p, &v) || resume_point(r, &after))
        return;
    if (webhook_kinds_parse(http_query(r, "kinds"), v.kinds, sizeof(v.kinds), "kinds", &err)) {
        err.code = GZ_EBADREQ;
        api_fail(r, &err);
        return;
    }
    if (!app->hub) {
        http_reply_error(r, 503, "unavailable", "", "the event stream is not running");
        return;
    }
    stream_hub_serve(app->hub, r, &v, after);
}

int api_stream_routes(struct router *r)
{
    return router_add(r, "GET", "/api/v1/stream", get_stream);
}
