/*
 * throttle.h - counts failures per key (a login name) in a time window, so
 * password guessing meets 429 after a few tries. Fixed memory: keys hash into
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

#endif
