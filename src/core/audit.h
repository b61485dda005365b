/*
 * audit.h - the event timeline and its hash chain (DESIGN §8). Every event
 * stores the hash of the one before it and its own:
 *   hash = SHA-256(prev_hash ‖ canonical JSON of the event)
 * where the canonical JSON has sorted keys, no spaces, and holds id,
 * case_id, kind, actor_account_id, actor_unit_id, at, visibility and body.
 * Changing or removing any stored event breaks the chain at that event.
 */
#ifndef GZ_AUDIT_H
#define GZ_AUDIT_H

#include <stdbool.h>
#include <stdint.h>

#define AUDIT_HASH_HEX 64
#define AUDIT_KIND_MAX 32

struct event {
    int64_t id;
    int64_t case_id; /* 0 for events about no case */
    char kind[AUDIT_KIND_MAX];
    int64_t actor_account_id; /* 0 = the platform itself (sweeper, automatic routing) */
    int64_t actor_unit_id;
    int64_t at;
    bool internal; /* internal events never reach public views */
    char *body;    /* compact JSON object text, heap */
    /* body is the canonical text of its object (audit_set_body): sealing need not parse it */
    bool body_canonical;
    char prev_hash[AUDIT_HASH_HEX + 1];
    char hash[AUDIT_HASH_HEX + 1];
};

/* The hash before the first event. */
extern const char audit_genesis[AUDIT_HASH_HEX + 1];

void event_init(struct event *e);
void event_release(struct event *e);
struct json_t;
/* Set e's body to the canonical text of body (consumed), which sealing takes as it is. */
void audit_set_body(struct event *e, struct json_t *body);
/* The canonical text of the object o (not consumed), heap; NULL when o is not an object. */
char *audit_canonical(const struct json_t *o);
/*
 * Set e's body to the union of two objects given as their canonical texts,
 * joined without parsing them again: every key of `first` must sort before
 * every key of `rest` (so the join is the union's canonical text). GZ_EINVAL
 * when either is not an object's text (or out of memory).
 */
int audit_set_body_joined(struct event *e, const char *first, const char *rest);

/*
 * Compute e->hash from e->prev_hash and the other fields. Fails (GZ_EINVAL)
 * when the body is not a JSON object.
 */
int audit_seal(struct event *e) __attribute__((warn_unused_result));
/* True when e->hash matches its content and prev_hash. */
bool audit_check(const struct event *e);

#endif
