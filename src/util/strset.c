/*
 * strset.c - see strset.h. Linear probing in a power-of-two table kept at
 * most half full; each slot holds the hash (text_hash) and a copy.
 */
#include "gz.h"

#include <stdint.h>

#include "util/strset.h"
#include "util/text.h"

struct slot {
    uint64_t hash;
    size_t len, value;
    char *p; /* NULL: empty */
};

struct strset {
    struct slot *slots;
    size_t cap, n;
};

struct strset *strset_new(void)
{
    struct strset *s = calloc(1, sizeof(*s));

    if (s && !(s->slots = calloc(s->cap = 64, sizeof(*s->slots)))) {
        free(s);
        s = NULL;
    }
    return s;
}

void strset_free(struct strset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slots[i].p);
    free(s->slots);
    free(s);
}

static struct slot *find(const struct strset *s, uint64_t h, const char *p, size_t n)
{
    size_t i = (size_t)h & (s->cap - 1);

    while (s->slots[i].p &&
           !(s->slots[i].hash == h && s->slots[i].len == n && memcmp(s->slots[i].p, p, n) == 0))
        i = (i + 1) & (s->cap - 1);
    return &s->slots[i];
}

static int grow(struct strset *s)
{
    struct strset bigger = {calloc(s->cap * 2, sizeof(*s->slots)), s->cap * 2, s->n};

    if (!bigger.slots)
        return GZ_ENOMEM;
    for (size_t i = 0; i < s->cap; i++)
        if (s->slots[i].p)
            *find(&bigger, s->slots[i].hash, s->slots[i].p, s->slots[i].len) = s->slots[i];
    free(s->slots);
    *s = bigger;
    return 0;
}

/* The slot of p[0..n), added (with no value) if need be; NULL when out of memory. */
static struct slot *slot_for(struct strset *s, const char *p, size_t n)
{
    uint64_t h = text_hash(p, n);
    struct slot *sl = find(s, h, p, n);

    if (sl->p)
        return sl;
    if ((s->n + 1) * 2 > s->cap) {
        if (grow(s))
            return NULL;
        sl = find(s, h, p, n);
    }
    if (!(sl->p = malloc(n + 1)))
        return NULL;
    memcpy(sl->p, p, n);
    sl->p[n] = '\0';
    sl->len = n;
    sl->hash = h;
    sl->value = 0;
    s->n++;
    return sl;
}

int strset_add(struct strset *s, const char *p, size_t n)
{
    return slot_for(s, p, n) ? 0 : GZ_ENOMEM;
}

int strset_put(struct strset *s, const char *p, size_t n, size_t value)
{
    struct slot *sl = slot_for(s, p, n);

    if (!sl)
        return GZ_ENOMEM;
    sl->value = value;
    return 0;
}

size_t strset_value(const struct strset *s, const char *p, size_t n)
{
    return find(s, text_hash(p, n), p, n)->value;
}

bool strset_has(const struct strset *s, const char *p, size_t n)
{
    return find(s, text_hash(p, n), p, n)->p != NULL;
}

size_t strset_count(const struct strset *s)
{
    return s->n;
}
