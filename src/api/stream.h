/*
 * stream.h - the live event stream (GET /api/v1/stream, server-sent events)
 * and the event JSON that streams and webhooks carry.
 *
 * A hub keeps the newest events in memory, each rendered once per audience
 * (with internal notes / public) with who may see it (the case's reporter,
 * intake account and the units party to it with their ancestors). The
 * writer tells the hub after each commit; one pump thread reads the new
 * events, and every stream that was parked (its connection suspended, no
 * thread held) is resumed and copies what its caller may see. A stream
 * resuming from before the oldest event kept reads the events table.
 */
#ifndef GZ_STREAM_H
#define GZ_STREAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/webhook.h"

struct event;
struct gz_err;
struct http_req;
struct store;
struct stream_hub;

/* The event as JSON text: the timeline entry (view_event) with its case's number. malloc'd. */
char *api_event_json(const struct event *e, const char *number, bool internal, size_t *len);

/* Who reads a stream. */
#define STREAM_VIEWER_UNITS 32
struct stream_viewer {
    int64_t account_id;
    bool sees_all; /* every case (operators, dispatchers, supervisors, admins of a root unit) */
    bool internal; /* internal events and notes (members of units) */
    size_t n_units;
    int64_t units[STREAM_VIEWER_UNITS]; /* cases these units' subtrees are party to */
    char kinds[WEBHOOK_KINDS_MAX + 1];  /* "" = every kind */
};

/* Start the hub: it follows the store's commits, publishing new events at most every
   batch_ms (< 0: 20), with heartbeats every heartbeat_s (0: 15). */
struct stream_hub *stream_hub_new(struct store *s, int heartbeat_s, int batch_ms,
                                  struct gz_err *err);
/* End every stream (they finish their answer) and stop following; call before the HTTP server
   stops. NULL is fine. */
void stream_hub_close(struct stream_hub *h);
/* Free it once the HTTP server has stopped. NULL is fine. */
void stream_hub_free(struct stream_hub *h);
/* Answer r with the stream of events after `after` (< 0: from now on) that v may see. */
void stream_hub_serve(struct stream_hub *h, struct http_req *r, const struct stream_viewer *v,
                      int64_t after);
/* Streams open now. */
int stream_hub_clients(struct stream_hub *h);

#endif
