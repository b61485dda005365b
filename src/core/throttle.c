/* throttle.c - failure counting per key in a window (see throttle.h). */
#include "gz.h"

#include <pthread.h>
#include <stdlib.h>

#include "core/throttle.h"

struct slot {
    int64_t start;
    int fails;
};

struct throttle {
    pthread_mutex_t lock;
    unsigned n;
    int max_fails;
    int window;
    struct slot slots[];
};

static unsigned slot_of(const struct throttle *t, const char *key)
{
    uint32_t h = 2166136261u; /* FNV-1a */

    for (; *key; key++)
        h = (h ^ (unsigned char)*key) * 16777619u;
    return h % t->n;
}

struct throttle *throttle_new(unsigned slots, int max_fails, int window_s)
{
    struct throttle *t = calloc(1, sizeof(*t) + slots * sizeof(struct slot));

    if (!t)
        return NULL;
    pthread_mutex_init(&t->lock, NULL);
    t->n = slots ? slots : 1;
    t->max_fails = max_fails;
    t->window = window_s;
    return t;
}

void throttle_free(struct throttle *t)
{
    if (!t)
        return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}

int throttle_wait(struct throttle *t, const char *key, int64_t now)
{
    int wait = 0;
    struct slot *s;

    pthread_mutex_lock(&t->lock);
    s = &t->slots[slot_of(t, key)];
    if (s->fails >= t->max_fails && now < s->start + t->window)
        wait = (int)(s->start + t->window - now);
    pthread_mutex_unlock(&t->lock);
    return wait;
}

void throttle_fail(struct throttle *t, const char *key, int64_t now)
{
    struct slot *s;

    pthread_mutex_lock(&t->lock);
    s = &t->slots[slot_of(t, key)];
    if (now >= s->start + t->window) {
        s->start = now;
        s->fails = 0;
    }
    s->fails++;
    pthread_mutex_unlock(&t->lock);
}

void throttle_reset(struct throttle *t, const char *key)
{
    pthread_mutex_lock(&t->lock);
    t->slots[slot_of(t, key)].fails = 0;
    pthread_mutex_unlock(&t->lock);
}

int throttle_take(struct throttle *t, const char *key, int max, int64_t now)
{
    int wait = 0;
    struct slot *s;

    if (max <= 0)
        return 0;
    pthread_mutex_lock(&t->lock);
    s = &t->slots[slot_of(t, key)];
    if (now >= s->start + t->window || now < s->start) {
        s->start = now;
        s->fails = 0;
    }
    if (s->fails >= max)
        wait = (int)(s->start + t->window - now);
    else
        s->fails++;
    pthread_mutex_unlock(&t->lock);
    return wait > 0 ? wait : 0;
}
