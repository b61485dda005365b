/*
 * places.c - the jurisdiction index and its swap (see places.h).
 *
 * A rebuild reads every territorial unit with a jurisdiction, builds a new
 * index off to the side, and swaps it in under a write lock held only for
 * the pointer swap; readers hold the read lock across one lookup, so the
 * old index is freed only when no lookup can still be using it.
 */
#include "gz.h"

#include <pthread.h>

#include "store/store.h"
#include "svc/places.h"
#include "util/log.h"

struct places {
    struct store *store;
    pthread_rwlock_t lock;
    struct geo_index *index;
    pthread_mutex_t rebuild; /* one rebuild at a time */
};

struct fill {
    struct geo_index *g;
};

static int add_unit(void *ctx, const struct unit *u, const char *pc)
{
    struct fill *f = ctx;
    int level = unit_kind_level(u->kind);
    bool repaired = false;
    struct gz_err err = {0};

    (void)pc;
    if (level < 0 || !u->jurisdiction)
        return 0;
    if (geo_add(f->g, u->id, level, u->jurisdiction, &repaired, &err))
        /* one bad polygon must not leave the city unlocatable: skip it, loudly */
        log_warn("unit %s: jurisdiction left out of the index: %s", u->code, err.msg);
    else if (repaired)
        log_warn("unit %s: jurisdiction was not a valid polygon; repaired (GEOSMakeValid)",
                 u->code);
    return 0;
}

static struct geo_index *build(struct store *s, struct gz_err *err)
{
    struct unit_filter uf = {.kind = -1, .active = 1, .with_geometry = true};
    struct fill f = {geo_new(err)};

    if (!f.g)
        return NULL;
    if (store_unit_each(s, &uf, add_unit, &f, err)) {
        geo_free(f.g);
        return NULL;
    }
    if (geo_build(f.g, err)) {
        geo_free(f.g);
        return NULL;
    }
    return f.g;
}

struct places *places_new(struct store *s, struct gz_err *err)
{
    struct places *p = calloc(1, sizeof(*p));

    if (!p) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    p->store = s;
    pthread_rwlock_init(&p->lock, NULL);
    pthread_mutex_init(&p->rebuild, NULL);
    if (places_rebuild(p, err)) {
        places_free(p);
        return NULL;
    }
    return p;
}

void places_free(struct places *p)
{
    if (!p)
        return;
    geo_free(p->index);
    pthread_rwlock_destroy(&p->lock);
    pthread_mutex_destroy(&p->rebuild);
    free(p);
}

int places_rebuild(struct places *p, struct gz_err *err)
{
    struct geo_index *fresh, *old;

    pthread_mutex_lock(&p->rebuild);
    fresh = build(p->store, err);
    if (fresh) {
        pthread_rwlock_wrlock(&p->lock);
        old = p->index;
        p->index = fresh;
        pthread_rwlock_unlock(&p->lock);
        geo_free(old); /* no reader holds it: they hold the read lock while using it */
    }
    pthread_mutex_unlock(&p->rebuild);
    return fresh ? 0 : err->code ? err->code : GZ_EIO;
}

int places_locate(struct places *p, double lat, double lon, int64_t ids[GEO_LEVELS])
{
    int n;

    memset(ids, 0, GEO_LEVELS * sizeof(ids[0]));
    pthread_rwlock_rdlock(&p->lock);
    n = p->index ? geo_locate(p->index, lat, lon, ids) : 0;
    pthread_rwlock_unlock(&p->lock);
    return n < 0 ? 0 : n;
}

size_t places_count(struct places *p)
{
    size_t n;

    pthread_rwlock_rdlock(&p->lock);
    n = p->index ? geo_count(p->index) : 0;
    pthread_rwlock_unlock(&p->lock);
    return n;
}
