/*
 * webhook.h - the rules of webhooks and of the event stream, without I/O:
 * who owns a webhook, which event kinds it wants, how a delivery is signed,
 * when a failed one is tried again, and how a stream resumes.
 *
 * Signature: X-Gongzhi-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
 * where the HMAC is keyed with the webhook's secret (its bytes as text) over
 * "<t>.<body>". A receiver recomputes it and refuses old t (replays).
 */
#ifndef GZ_WEBHOOK_H
#define GZ_WEBHOOK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gz_err;

#define WEBHOOK_URL_MAX 2048
#define WEBHOOK_SECRET_MIN 16
#define WEBHOOK_SECRET_MAX 128
#define WEBHOOK_KINDS_MAX 1024 /* the normalised list ",a,b," */
#define WEBHOOK_KIND_MAX 31
#define WEBHOOK_SIG_MAX 96 /* "t=<20 digits>,v1=<64 hex>" */

struct webhook {
    int64_t id;
    int64_t unit_id;   /* owned by a unit (its subtree's cases, internal events too), or */
    int64_t client_id; /* by an API client (public events of the cases it reported) */
    char url[WEBHOOK_URL_MAX + 1];
    char secret[WEBHOOK_SECRET_MAX + 1];
    char kinds[WEBHOOK_KINDS_MAX + 1]; /* ",created,dispatch," ; "" = every kind */
    bool active;
    int64_t created_by;
    int64_t created_at;
};

void webhook_init(struct webhook *w);

/* An http:// or https:// URL with a host and no spaces or control characters. */
int webhook_url_check(const char *url, struct gz_err *err) __attribute__((warn_unused_result));
/* A given secret: WEBHOOK_SECRET_MIN..MAX printable ASCII characters. */
int webhook_secret_check(const char *secret, struct gz_err *err)
    __attribute__((warn_unused_result));
/* A new random secret: "whsec_" and 64 hex digits. out[WEBHOOK_SECRET_MAX + 1]. */
void webhook_secret_new(char *out);

/*
 * Add one kind name (1..31 of [a-z0-9_]) to a normalised list out[size]
 * (",a,b,"), skipping a duplicate. GZ_EINVAL naming `field` when bad.
 */
int webhook_kinds_add(char *out, size_t size, const char *kind, size_t len, const char *field,
                      struct gz_err *err) __attribute__((warn_unused_result));
/*
 * Parse a comma-separated list of kinds ("created, dispatch") into out[size]
 * as above; "", "*" and "all" mean every kind (out ""). Spaces around names
 * are ignored; empty items are refused.
 */
int webhook_kinds_parse(const char *list, char *out, size_t size, const char *field,
                        struct gz_err *err) __attribute__((warn_unused_result));
/* Does the normalised list (or "" = every kind) take `kind`? */
bool webhook_kinds_match(const char *kinds, const char *kind);

/* "t=<t>,v1=<hex of HMAC-SHA256(secret, t "." body)>" into out[WEBHOOK_SIG_MAX]. */
void webhook_sign(const char *secret, int64_t t, const char *body, size_t len, char *out);
/* Check a signature header against body (constant time); false when malformed. */
bool webhook_verify(const char *secret, const char *header, const char *body, size_t len);

/* How deliveries are retried. */
struct webhook_policy {
    int max_attempts; /* dead-lettered after this many failed attempts */
    int64_t base_ms;  /* the first retry waits about this long */
    int64_t cap_ms;   /* no wait is longer */
    int64_t timeout_ms;
};
#define WEBHOOK_DEFAULT_ATTEMPTS 10
#define WEBHOOK_DEFAULT_BASE_MS 5000
#define WEBHOOK_DEFAULT_CAP_MS 3600000
#define WEBHOOK_DEFAULT_TIMEOUT_MS 10000
void webhook_policy_default(struct webhook_policy *p);
/*
 * The wait before the next attempt once `attempts` (>= 1) have failed:
 * d = min(cap, base * 2^(attempts-1)), then d/2 + jitter * d/2 with jitter
 * in [0, 1) ("equal jitter": never less than half the exponential step, so
 * receivers coming back are not hit by every sender at once).
 */
int64_t webhook_backoff_ms(const struct webhook_policy *p, int attempts, double jitter);
/* Dead-lettered now that `attempts` have failed? */
bool webhook_is_dead(const struct webhook_policy *p, int attempts);

/*
 * A stream's resume point: the Last-Event-ID header or ?last_event_id= (a
 * decimal event id, surrounding spaces allowed). NULL or "" is 0 (from now).
 * False when it is not a number in [0, 2^63).
 */
bool sse_last_id_parse(const char *s, int64_t *out);

#endif
