/*
 * outbox.h - the webhook delivery job: a thread that takes due rows from the
 * transactional outbox and POSTs each event, signed, to its webhook with
 * libcurl (many transfers at once on one multi handle), then records the
 * outcome: delivered, tried again later (exponential backoff with jitter),
 * or dead after the policy's attempts. Delivery is at-least-once: a row is
 * done only once a 2xx answer has been recorded, so a crash between the
 * answer and the record sends it again (receivers dedupe on the delivery id).
 *
 * Request: POST url, Content-Type: application/json, body = the event JSON,
 *   X-Gongzhi-Event: kind, X-Gongzhi-Event-Id: event id,
 *   X-Gongzhi-Delivery: outbox row id, X-Gongzhi-Signature: t=..,v1=..
 */
#ifndef GZ_OUTBOX_H
#define GZ_OUTBOX_H

#include <stdbool.h>
#include <stddef.h>

#include "core/webhook.h"

struct event;
struct gz_err;
struct store;
struct outbox;

/* The event as a webhook receives it (malloc'd, *len set); internal: notes included. */
typedef char *(*outbox_render_fn)(const struct event *ev, const char *number, bool internal,
                                  size_t *len);

struct outbox_opts {
    struct webhook_policy policy;
    int concurrency; /* transfers at once (default 16) */
    outbox_render_fn render;
};

/* The policy from the environment: GONGZHI_WEBHOOK_ATTEMPTS, _BACKOFF_MS, _BACKOFF_CAP_MS,
   _TIMEOUT_MS and _CONCURRENCY, each defaulting to webhook_policy_default. */
void outbox_opts_from_env(struct outbox_opts *o);
/* Start the job (it registers itself for commit notifications). */
struct outbox *outbox_start(struct store *s, const struct outbox_opts *o, struct gz_err *err);
/* Stop it: transfers in flight are abandoned (their rows stay pending). NULL is fine. */
void outbox_stop(struct outbox *o);

#endif
