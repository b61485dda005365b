/*
 * sq_cache.c - unit chains and categories in memory (see sq.h). Every case
 * request asks who may act on it (a unit's chain of ancestors) and what its
 * category allows; those reads were a tenth of the pipeline's CPU, and the
 * organisation and the taxonomy change a few times a day. An entry serves
 * while no unit or category changed in this process since it was read
 * (org_gen, raised after the commit), for SQ_CACHE_TTL_S at most (another
 * process's change, e.g. an import with the CLI).
 */
#include "gz.h"

#include "store/sq.h"
#include "util/text.h"
#include "util/timeutil.h"

#define SQ_CACHE_TTL_S 1.0
#define CHAIN_SLOTS 4096
#define CHAIN_MAX 16 /* deeper chains are read each time */
#define CAT_SLOTS 1024

struct sq_chain_slot {
    int64_t unit;
    uint64_t gen;
    double at;
    size_t n;
    int64_t chain[CHAIN_MAX];
};

struct sq_cat_slot {
    uint64_t gen;
    double at;
    bool used;
    struct category cat;
};

struct sq_org_cache {
    pthread_mutex_t lock;
    struct sq_chain_slot chains[CHAIN_SLOTS];
    struct sq_cat_slot cats[CAT_SLOTS];
};

int sq_cache_init(struct sqstore *s, struct gz_err *err)
{
    if (!(s->org = calloc(1, sizeof(*s->org))))
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    pthread_mutex_init(&s->org->lock, NULL);
    return 0;
}

void sq_cache_free(struct sqstore *s)
{
    if (!s->org)
        return;
    for (size_t i = 0; i < CAT_SLOTS; i++)
        if (s->org->cats[i].used)
            category_release(&s->org->cats[i].cat);
    pthread_mutex_destroy(&s->org->lock);
    free(s->org);
    s->org = NULL;
}

int sq_org_changed(struct sqstore *s, int rc)
{
    atomic_fetch_add(&s->org_gen, 1);
    return rc;
}

bool sq_cache_fresh(uint64_t gen, double at, uint64_t now_gen)
{
    return gen == now_gen && time_mono() - at < SQ_CACHE_TTL_S;
}

bool sq_chain_get(struct sqstore *s, int64_t unit, int64_t *chain, size_t max, size_t *n,
                  uint64_t *gen)
{
    struct sq_chain_slot *sl = &s->org->chains[(uint64_t)unit % CHAIN_SLOTS];
    bool hit;

    *gen = atomic_load(&s->org_gen);
    pthread_mutex_lock(&s->org->lock);
    hit = sl->unit == unit && sq_cache_fresh(sl->gen, sl->at, *gen);
    if (hit) {
        *n = sl->n < max ? sl->n : max;
        memcpy(chain, sl->chain, *n * sizeof(*chain));
    }
    pthread_mutex_unlock(&s->org->lock);
    return hit;
}

void sq_chain_put(struct sqstore *s, int64_t unit, const int64_t *chain, size_t n, size_t max,
                  uint64_t gen)
{
    struct sq_chain_slot *sl = &s->org->chains[(uint64_t)unit % CHAIN_SLOTS];

    /* only a whole chain: one the caller's max cut short may be longer */
    if (n > CHAIN_MAX || n >= max)
        return;
    pthread_mutex_lock(&s->org->lock);
    sl->unit = unit;
    sl->gen = gen;
    sl->at = time_mono();
    sl->n = n;
    memcpy(sl->chain, chain, n * sizeof(*chain));
    pthread_mutex_unlock(&s->org->lock);
}

static struct sq_cat_slot *cat_slot(struct sqstore *s, const char *code)
{
    return &s->org->cats[text_hash(code, strlen(code)) % CAT_SLOTS];
}

int sq_category_get(struct sqstore *s, const char *code, struct category *out, uint64_t *gen)
{
    struct sq_cat_slot *sl = cat_slot(s, code);
    int rc = 1;

    *gen = atomic_load(&s->org_gen);
    pthread_mutex_lock(&s->org->lock);
    if (sl->used && strcmp(sl->cat.code, code) == 0 && sq_cache_fresh(sl->gen, sl->at, *gen))
        rc = category_copy(out, &sl->cat) ? -1 : 0;
    pthread_mutex_unlock(&s->org->lock);
    return rc;
}

void sq_category_put(struct sqstore *s, const struct category *c, uint64_t gen)
{
    struct sq_cat_slot *sl = cat_slot(s, c->code);
    struct category copy;

    category_init(&copy);
    if (category_copy(&copy, c))
        return;
    pthread_mutex_lock(&s->org->lock);
    if (sl->used)
        category_release(&sl->cat);
    sl->cat = copy;
    sl->used = true;
    sl->gen = gen;
    sl->at = time_mono();
    pthread_mutex_unlock(&s->org->lock);
}
