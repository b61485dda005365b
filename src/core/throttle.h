/*
 * throttle.h - counts failures per key (a login name) in a time window, so
 * password guessing meets 429 after a few tries; or uses per key (an API
 * key, a client address) against a quota per window (throttle_take). Fixed memory: keys hash into
 * a table of slots; a collision only makes two keys share a counter.
 * Thread-safe.
 */
#ifndef GZ_THROTTLE_H
#define GZ_THROTTLE_H

#include <stdbool.h>
#include <stdint.h>

struct throttle;

struct throttle *throttle_new(unsigned slots, int max_fails, int window_s);
void throttle_free(struct throttle *t);
/* Seconds until key may try again; 0 when it may now. */
int throttle_wait(struct throttle *t, const char *key, int64_t now);
void throttle_fail(struct throttle *t, const char *key, int64_t now);
void throttle_reset(struct throttle *t, const char *key);
/*
 * Rate limiting with the same table: count one use of key against a quota
 * of max uses per window. Returns 0 when the use is counted, else the
 * seconds until the window ends (the use is not counted). max <= 0: no limit.
 */
int throttle_take(struct throttle *t, const char *key, int max, int64_t now);

#endif
