/*
 * rulebook.c - a snapshot of the active rules and of every unit's parent and
 * kind, swapped under a write lock held only for the pointer swap (as in
 * places.c); readers hold the read lock across one decision.
 */
#include "gz.h"

#include <pthread.h>

#include "store/store.h"
#include "svc/rulebook.h"

struct node {
    int64_t id, parent_id;
    enum unit_kind kind;
};

struct snapshot {
    struct route_rule *rules;
    size_t n_rules, cap_rules;
    struct node *units; /* sorted by id */
    size_t n_units, cap_units;
};

struct rulebook {
    struct store *store;
    pthread_rwlock_t lock;
    struct snapshot *snap;
    pthread_mutex_t reload; /* one reload at a time */
};

static void snapshot_free(struct snapshot *s)
{
    if (!s)
        return;
    free(s->rules);
    free(s->units);
    free(s);
}

static int grow(void **v, size_t *cap, size_t n, size_t size)
{
    void *p;
    size_t c;

    if (n < *cap)
        return 0;
    c = *cap ? 2 * *cap : 64;
    if (!(p = realloc(*v, c * size)))
        return -1;
    *v = p;
    *cap = c;
    return 0;
}

static int add_rule(void *ctx, const struct route_rule *r)
{
    struct snapshot *s = ctx;

    if (grow((void **)&s->rules, &s->cap_rules, s->n_rules, sizeof(*s->rules)))
        return 1;
    s->rules[s->n_rules++] = *r;
    return 0;
}

struct unit_fill {
    struct snapshot *s;
    int64_t last;
    int seen;
};

static int add_unit(void *ctx, const struct unit *u, const char *parent_code)
{
    struct unit_fill *f = ctx;
    struct snapshot *s = f->s;

    (void)parent_code;
    f->last = u->id;
    f->seen++;
    if (grow((void **)&s->units, &s->cap_units, s->n_units, sizeof(*s->units)))
        return 1;
    s->units[s->n_units++] = (struct node){u->id, u->parent_id, u->kind};
    return 0;
}

/* Units come in id order (keyset pages), so the array is sorted for bsearch. */
static int load_units(struct store *st, struct snapshot *s, struct gz_err *err)
{
    struct unit_filter uf = {.kind = -1, .active = -1};
    struct store_page pg = {.limit = 500};
    struct unit_fill f = {s, 0, 0};

    do {
        f.seen = 0;
        if (store_unit_list(st, &uf, &pg, add_unit, &f, err))
            return err->code ? err->code : GZ_ENOMEM;
        pg.after_id = f.last;
    } while (f.seen == pg.limit);
    return 0;
}

static struct snapshot *load(struct store *st, struct gz_err *err)
{
    struct snapshot *s = calloc(1, sizeof(*s));

    if (!s) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    if (store_route_list(st, true, add_rule, s, err) || load_units(st, s, err)) {
        if (!err->code)
            gz_fail(err, GZ_ENOMEM, "", "out of memory");
        snapshot_free(s);
        return NULL;
    }
    return s;
}

struct rulebook *rulebook_new(struct store *s, struct gz_err *err)
{
    struct rulebook *rb = calloc(1, sizeof(*rb));

    if (!rb) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    rb->store = s;
    pthread_rwlock_init(&rb->lock, NULL);
    pthread_mutex_init(&rb->reload, NULL);
    if (!(rb->snap = load(s, err))) {
        rulebook_free(rb);
        return NULL;
    }
    return rb;
}

void rulebook_free(struct rulebook *rb)
{
    if (!rb)
        return;
    snapshot_free(rb->snap);
    pthread_rwlock_destroy(&rb->lock);
    pthread_mutex_destroy(&rb->reload);
    free(rb);
}

int rulebook_reload(struct rulebook *rb, struct gz_err *err)
{
    struct snapshot *fresh, *old;

    pthread_mutex_lock(&rb->reload);
    fresh = load(rb->store, err);
    if (fresh) {
        pthread_rwlock_wrlock(&rb->lock);
        old = rb->snap;
        rb->snap = fresh;
        pthread_rwlock_unlock(&rb->lock);
        snapshot_free(old);
    }
    pthread_mutex_unlock(&rb->reload);
    return fresh ? 0 : err->code;
}

static const struct node *find(const struct snapshot *s, int64_t id)
{
    size_t lo = 0, hi = s->n_units;

    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->units[mid].id == id)
            return &s->units[mid];
        if (s->units[mid].id < id)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

static void place_of(const struct snapshot *s, int64_t unit_id, struct route_place *out)
{
    const struct node *chain[64];
    size_t n = 0;

    memset(out, 0, sizeof(*out));
    for (const struct node *u = find(s, unit_id); u && n < GZ_ARRAY_LEN(chain);
         u = u->parent_id ? find(s, u->parent_id) : NULL)
        chain[n++] = u;
    while (n-- > 0)
        if (unit_kind_level(chain[n]->kind) >= 0 && out->n < ROUTE_MAX_PLACES) {
            out->unit_id[out->n] = chain[n]->id;
            out->kind[out->n++] = chain[n]->kind;
        }
}

void rulebook_place(struct rulebook *rb, int64_t unit_id, struct route_place *out)
{
    pthread_rwlock_rdlock(&rb->lock);
    place_of(rb->snap, unit_id, out);
    pthread_rwlock_unlock(&rb->lock);
}

void rulebook_decide(struct rulebook *rb, const char *category, int64_t unit_id,
                     struct route_decision *d, struct route_rule *rule)
{
    struct route_place place;

    pthread_rwlock_rdlock(&rb->lock);
    place_of(rb->snap, unit_id, &place);
    route_decide(rb->snap->rules, rb->snap->n_rules, category, &place, d);
    if (d->rule) {
        *rule = *d->rule;
        d->rule = rule;
    }
    pthread_rwlock_unlock(&rb->lock);
}

size_t rulebook_count(struct rulebook *rb)
{
    size_t n;

    pthread_rwlock_rdlock(&rb->lock);
    n = rb->snap->n_rules;
    pthread_rwlock_unlock(&rb->lock);
    return n;
}
