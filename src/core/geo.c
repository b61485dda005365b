/*
 * geo.c - the locate index (see geo.h): GEOS prepared geometries in an
 * STRtree over every territorial unit's jurisdiction.
 *
 * DESIGN
 *
 * Build. geo_add parses a jurisdiction with GEOS's GeoJSON reader; when
 * GEOSisValid says no, GEOSMakeValid repairs it and only its polygonal part is
 * kept (a bow-tie becomes two triangles, a self-touching ring a polygon with a
 * hole). It records the area, a point on the surface, and the geometry as WKB
 * bytes: plain memory that belongs to no GEOS context. geo_build sorts the
 * units by (level, area, id), so a unit's position in the table is also its
 * rank in the tie-break rule of geo.h.
 *
 * Lookup. The STRtree gives the units whose envelope holds the point, as
 * positions; sorted, they come level by level and best first within a level,
 * so the first one of a level whose prepared geometry intersects the point
 * is that level's answer and the rest of the level is skipped. "Intersects"
 * (not "contains") is what makes edges and vertices count (geo.h).
 *
 * Threads. GEOS 3.11's geos_c.h asks for one context handle per thread;
 * its maintainers answered (GEOS issue #876) that several contexts in one
 * thread are fine, and PR #907 rewords the rule as "a context must only be
 * used from a single thread at a time". Prepared geometries promise nothing:
 * they build their point locator, and the locator its index, lazily on
 * first use and without a lock (GEOS issue #825, open; the fix, PR #826, is
 * not in 3.11), and the STRtree builds itself on its first query. A
 * "warm-up" call before sharing them happens to work, but relies on
 * internals GEOS does not document. So no GEOS object is ever shared: the
 * index owns up to N replicas (default the number of CPUs,
 * geo_set_replicas), each with its own context, its own geometries read
 * back from the WKB, prepared geometries and STRtree, and a mutex. A thread
 * gets a home replica (round-robin, on its first lookup), takes the first
 * free replica from its home on with trylock, and blocks on its home only
 * when every replica is busy, i.e. when more threads than replicas are
 * locating at that instant. Replicas are built on first use (replica 0 by
 * geo_build, so build errors show there), so memory grows with the number
 * of threads that actually locate at once, up to N copies of the geometries
 * and their prepared indexes. An uncontended mutex costs tens of
 * nanoseconds against 0.4-0.7 us for a Boston lookup (bench/geo_bench.c).
 * What threads do share is plain C data written before geo_build returns
 * (the unit table, the id index), read-only afterwards.
 */
#include "gz.h"

#include <geos_c.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core/geo.h"

#define GEO_MAX_REPLICAS 64
#define GEO_NODE_CAPACITY 10 /* STRtree children per node (GEOS's default) */
#define GEO_MSG_MAX 256
#define GEO_FIELD "jurisdiction"

struct geo_unit {
    int64_t id;
    int level;
    double area;     /* square degrees: compared only within one city */
    double lon, lat; /* a point on the surface */
    unsigned char *wkb;
    size_t wkb_len;
};

struct geo_id_pos {
    int64_t id;
    size_t pos;
};

/* One thread at a time: everything GEOS that a lookup touches. */
struct geo_replica {
    pthread_mutex_t lock;
    bool ready, broken; /* built; building failed (not retried) */
    GEOSContextHandle_t ctx;
    GEOSGeometry **geoms;
    const GEOSPreparedGeometry **prep;
    GEOSSTRtree *tree;
    const struct geo_unit *units; /* maps a tree item back to its position */
    size_t *cand;                 /* candidates of the current lookup */
    size_t n_cand, cap_cand;
    bool cand_oom;
    char msg[GEO_MSG_MAX]; /* GEOS's last error */
};

struct geo_index {
    GEOSContextHandle_t ctx; /* geo_add's context; NULL once built */
    char msg[GEO_MSG_MAX];
    struct geo_unit *units; /* sorted by (level, area, id) once built */
    size_t n, cap;
    struct geo_id_pos *by_id; /* sorted by id, once built */
    bool built;
    unsigned n_replicas, n_locks; /* wanted; mutexes initialised */
    struct geo_replica *replicas;
};

/* 1 + this thread's home replica; 0 = not chosen yet. */
static _Thread_local unsigned geo_home;
static atomic_uint geo_next_home;

static void geo_on_error(const char *message, void *userdata)
{
    snprintf(userdata, GEO_MSG_MAX, "%s", message);
}

static void geo_on_notice(const char *message, void *userdata)
{
    (void)message;
    (void)userdata;
}

/* A context whose errors land in msg[GEO_MSG_MAX] and whose notices are dropped. */
static GEOSContextHandle_t geo_context(char *msg)
{
    GEOSContextHandle_t ctx = GEOS_init_r();

    if (!ctx)
        return NULL;
    GEOSContext_setNoticeMessageHandler_r(ctx, geo_on_notice, NULL);
    GEOSContext_setErrorMessageHandler_r(ctx, geo_on_error, msg);
    msg[0] = '\0';
    return ctx;
}

struct geo_index *geo_new(struct gz_err *err)
{
    struct geo_index *g = calloc(1, sizeof(*g));
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);

    if (!g) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    g->ctx = geo_context(g->msg);
    if (!g->ctx) {
        free(g);
        gz_fail(err, GZ_EIO, "", "GEOS did not start");
        return NULL;
    }
    geo_set_replicas(g,
                     cpus < 1 ? 1 : (unsigned)(cpus > GEO_MAX_REPLICAS ? GEO_MAX_REPLICAS : cpus));
    return g;
}

void geo_set_replicas(struct geo_index *g, unsigned n)
{
    if (g->built)
        return;
    g->n_replicas = n < 1 ? 1 : n > GEO_MAX_REPLICAS ? GEO_MAX_REPLICAS : n;
}

static void geo_replica_release(struct geo_replica *r, size_t n)
{
    if (!r->ctx)
        return;
    if (r->tree)
        GEOSSTRtree_destroy_r(r->ctx, r->tree);
    for (size_t i = 0; i < n; i++) {
        if (r->prep && r->prep[i])
            GEOSPreparedGeom_destroy_r(r->ctx, r->prep[i]);
        if (r->geoms && r->geoms[i])
            GEOSGeom_destroy_r(r->ctx, r->geoms[i]);
    }
    GEOS_finish_r(r->ctx);
    free(r->geoms);
    free(r->prep);
    free(r->cand);
    r->ctx = NULL;
    r->tree = NULL;
    r->geoms = NULL;
    r->prep = NULL;
    r->cand = NULL;
    r->cap_cand = 0;
    r->ready = false;
}

void geo_free(struct geo_index *g)
{
    if (!g)
        return;
    for (unsigned i = 0; i < g->n_locks; i++) {
        geo_replica_release(&g->replicas[i], g->n);
        pthread_mutex_destroy(&g->replicas[i].lock);
    }
    free(g->replicas);
    for (size_t i = 0; i < g->n; i++)
        free(g->units[i].wkb);
    free(g->units);
    free(g->by_id);
    if (g->ctx)
        GEOS_finish_r(g->ctx);
    free(g);
}

size_t geo_count(const struct geo_index *g)
{
    return g ? g->n : 0;
}

/* ---- geo_add ---------------------------------------------------------- */

static int geo_parse(struct geo_index *g, const char *text, GEOSGeometry **out, struct gz_err *err)
{
    GEOSGeoJSONReader *rd = GEOSGeoJSONReader_create_r(g->ctx);
    GEOSGeometry *geom;
    int type;

    if (!rd)
        return gz_fail(err, GZ_ENOMEM, GEO_FIELD, "out of memory");
    g->msg[0] = '\0';
    geom = GEOSGeoJSONReader_readGeometry_r(g->ctx, rd, text);
    GEOSGeoJSONReader_destroy_r(g->ctx, rd);
    if (!geom)
        return gz_fail(err, GZ_EINVAL, GEO_FIELD, "not a GeoJSON geometry: %s", g->msg);
    type = GEOSGeomTypeId_r(g->ctx, geom);
    if (type != GEOS_POLYGON && type != GEOS_MULTIPOLYGON) {
        GEOSGeom_destroy_r(g->ctx, geom);
        return gz_fail(err, GZ_EINVAL, GEO_FIELD,
                       "a jurisdiction must be a Polygon or MultiPolygon");
    }
    *out = geom;
    return 0;
}

struct geo_parts {
    GEOSGeometry **v;
    size_t n, cap;
};

/* Append clones of the non-empty polygons found anywhere in g. */
static int geo_collect_polygons(GEOSContextHandle_t ctx, const GEOSGeometry *g, struct geo_parts *p)
{
    int type = GEOSGeomTypeId_r(ctx, g), n;

    if (type == GEOS_POLYGON) {
        GEOSGeometry *copy;

        if (GEOSisEmpty_r(ctx, g))
            return 0;
        if (p->n == p->cap) {
            size_t cap = p->cap ? 2 * p->cap : 8;
            GEOSGeometry **v = realloc(p->v, cap * sizeof(*v));

            if (!v)
                return GZ_ENOMEM;
            p->v = v;
            p->cap = cap;
        }
        copy = GEOSGeom_clone_r(ctx, g);
        if (!copy)
            return GZ_ENOMEM;
        p->v[p->n++] = copy;
        return 0;
    }
    if (type != GEOS_MULTIPOLYGON && type != GEOS_GEOMETRYCOLLECTION)
        return 0;
    n = GEOSGetNumGeometries_r(ctx, g);
    for (int i = 0; i < n; i++) {
        int rc = geo_collect_polygons(ctx, GEOSGetGeometryN_r(ctx, g, i), p);

        if (rc)
            return rc;
    }
    return 0;
}

/*
 * The polygonal part of g (consumed): g itself when it is a (Multi)Polygon,
 * else a MultiPolygon of the polygons it holds; *out NULL when there are none.
 */
static int geo_polygonal(GEOSContextHandle_t ctx, GEOSGeometry *g, GEOSGeometry **out)
{
    struct geo_parts p = {0};
    int type = GEOSGeomTypeId_r(ctx, g), rc;

    *out = NULL;
    if (type == GEOS_POLYGON || type == GEOS_MULTIPOLYGON) {
        *out = g;
        return 0;
    }
    rc = geo_collect_polygons(ctx, g, &p);
    if (!rc && p.n) {
        /* The collection takes the parts, also when it fails (a leak at worst). */
        *out = GEOSGeom_createCollection_r(ctx, GEOS_MULTIPOLYGON, p.v, (unsigned)p.n);
        rc = *out ? 0 : GZ_EIO;
        p.n = 0;
    }
    for (size_t i = 0; i < p.n; i++)
        GEOSGeom_destroy_r(ctx, p.v[i]);
    free(p.v);
    GEOSGeom_destroy_r(ctx, g);
    return rc;
}

/* Make *geom valid (replacing it) when it is not; *fixed says whether it was repaired. */
static int geo_repair(struct geo_index *g, GEOSGeometry **geom, bool *fixed, struct gz_err *err)
{
    GEOSGeometry *valid, *poly;
    char ok = GEOSisValid_r(g->ctx, *geom);
    int rc;

    *fixed = false;
    if (ok == 1)
        return 0;
    if (ok != 0)
        return gz_fail(err, GZ_EIO, GEO_FIELD, "GEOS could not check the geometry: %s", g->msg);
    valid = GEOSMakeValid_r(g->ctx, *geom);
    if (!valid)
        return gz_fail(err, GZ_EIO, GEO_FIELD, "GEOS could not repair the geometry: %s", g->msg);
    rc = geo_polygonal(g->ctx, valid, &poly);
    if (rc)
        return gz_fail(err, rc, GEO_FIELD, "could not keep the polygons of the repaired geometry");
    if (!poly)
        return gz_fail(err, GZ_EINVAL, GEO_FIELD, "the geometry has no area once repaired");
    GEOSGeom_destroy_r(g->ctx, *geom);
    *geom = poly;
    *fixed = true;
    return 0;
}

/* Area, point on surface and WKB of geom into u (u->wkb is heap, the caller's). */
static int geo_describe(struct geo_index *g, const GEOSGeometry *geom, struct geo_unit *u,
                        struct gz_err *err)
{
    GEOSContextHandle_t ctx = g->ctx;
    GEOSGeometry *pt = NULL;
    GEOSWKBWriter *w = NULL;
    unsigned char *wkb = NULL;
    size_t len = 0;
    int rc = GZ_EIO;

    if (!GEOSArea_r(ctx, geom, &u->area))
        goto out;
    if (!(u->area > 0)) {
        rc = gz_fail(err, GZ_EINVAL, GEO_FIELD, "the jurisdiction has no area");
        goto out_failed;
    }
    pt = GEOSPointOnSurface_r(ctx, geom);
    if (!pt || !GEOSGeomGetX_r(ctx, pt, &u->lon) || !GEOSGeomGetY_r(ctx, pt, &u->lat))
        goto out;
    w = GEOSWKBWriter_create_r(ctx);
    wkb = w ? GEOSWKBWriter_write_r(ctx, w, geom, &len) : NULL;
    if (!wkb)
        goto out;
    u->wkb = malloc(len);
    if (!u->wkb) {
        rc = gz_fail(err, GZ_ENOMEM, GEO_FIELD, "out of memory");
        goto out_failed;
    }
    memcpy(u->wkb, wkb, len);
    u->wkb_len = len;
    rc = 0;
out:
    if (rc)
        gz_fail(err, rc, GEO_FIELD, "GEOS failed on the geometry: %s", g->msg);
out_failed:
    if (wkb)
        GEOSFree_r(ctx, wkb);
    if (w)
        GEOSWKBWriter_destroy_r(ctx, w);
    if (pt)
        GEOSGeom_destroy_r(ctx, pt);
    return rc;
}

static int geo_push(struct geo_index *g, const struct geo_unit *u, struct gz_err *err)
{
    if (g->n == g->cap) {
        size_t cap = g->cap ? 2 * g->cap : 64;
        struct geo_unit *v = realloc(g->units, cap * sizeof(*v));

        if (!v)
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
        g->units = v;
        g->cap = cap;
    }
    g->units[g->n++] = *u;
    return 0;
}

int geo_add(struct geo_index *g, int64_t unit_id, int level, const char *geojson_geometry,
            bool *repaired, struct gz_err *err)
{
    struct geo_unit u = {.id = unit_id, .level = level};
    GEOSGeometry *geom = NULL;
    bool fixed = false;
    int rc;

    if (repaired)
        *repaired = false;
    if (g->built)
        return gz_fail(err, GZ_ECONFLICT, "", "the index is built: build a new one");
    if (unit_id <= 0)
        return gz_fail(err, GZ_EINVAL, "unit_id", "a unit id is positive");
    if (level < 0 || level >= GEO_LEVELS)
        return gz_fail(err, GZ_EINVAL, "level", "level %d is not a territorial level", level);
    if (!geojson_geometry)
        return gz_fail(err, GZ_EINVAL, GEO_FIELD, "no geometry");
    rc = geo_parse(g, geojson_geometry, &geom, err);
    if (rc)
        return rc;
    rc = geo_repair(g, &geom, &fixed, err);
    if (!rc)
        rc = geo_describe(g, geom, &u, err);
    if (!rc)
        rc = geo_push(g, &u, err);
    if (rc)
        free(u.wkb);
    else if (repaired)
        *repaired = fixed;
    GEOSGeom_destroy_r(g->ctx, geom);
    return rc;
}

/* ---- geo_build -------------------------------------------------------- */

static int geo_cmp_rank(const void *pa, const void *pb)
{
    const struct geo_unit *a = pa, *b = pb;

    if (a->level != b->level)
        return a->level < b->level ? -1 : 1;
    if (a->area != b->area)
        return a->area < b->area ? -1 : 1;
    return (a->id > b->id) - (a->id < b->id);
}

static int geo_cmp_id(const void *pa, const void *pb)
{
    const struct geo_id_pos *a = pa, *b = pb;

    return (a->id > b->id) - (a->id < b->id);
}

/* Build replica r from the WKB of the units. Called with r->lock held (or before sharing). */
static int geo_replica_build(const struct geo_index *g, struct geo_replica *r)
{
    GEOSWKBReader *rd = NULL;
    size_t n = g->n ? g->n : 1;
    int rc = GZ_ENOMEM;

    r->ctx = geo_context(r->msg);
    if (!r->ctx)
        return GZ_EIO;
    r->geoms = calloc(n, sizeof(*r->geoms));
    r->prep = calloc(n, sizeof(*r->prep));
    r->cap_cand = 16;
    r->cand = malloc(r->cap_cand * sizeof(*r->cand));
    r->tree = GEOSSTRtree_create_r(r->ctx, GEO_NODE_CAPACITY);
    rd = GEOSWKBReader_create_r(r->ctx);
    if (!r->geoms || !r->prep || !r->cand || !r->tree || !rd)
        goto out;
    rc = GZ_EIO;
    for (size_t i = 0; i < g->n; i++) {
        r->geoms[i] = GEOSWKBReader_read_r(r->ctx, rd, g->units[i].wkb, g->units[i].wkb_len);
        if (!r->geoms[i])
            goto out;
        r->prep[i] = GEOSPrepare_r(r->ctx, r->geoms[i]);
        if (!r->prep[i])
            goto out;
        GEOSSTRtree_insert_r(r->ctx, r->tree, r->geoms[i], &g->units[i]);
    }
    r->units = g->units;
    r->ready = true;
    rc = 0;
out:
    if (rd)
        GEOSWKBReader_destroy_r(r->ctx, rd);
    if (rc) {
        geo_replica_release(r, g->n);
        r->broken = true;
    }
    return rc;
}

static int geo_index_ids(struct geo_index *g, struct gz_err *err)
{
    g->by_id = malloc((g->n ? g->n : 1) * sizeof(*g->by_id));
    if (!g->by_id)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    for (size_t i = 0; i < g->n; i++)
        g->by_id[i] = (struct geo_id_pos){g->units[i].id, i};
    qsort(g->by_id, g->n, sizeof(*g->by_id), geo_cmp_id);
    for (size_t i = 1; i < g->n; i++)
        if (g->by_id[i].id == g->by_id[i - 1].id)
            return gz_fail(err, GZ_ECONFLICT, "unit_id", "unit %lld has two jurisdictions",
                           (long long)g->by_id[i].id);
    return 0;
}

int geo_build(struct geo_index *g, struct gz_err *err)
{
    int rc;

    if (g->built || g->replicas)
        return gz_fail(err, GZ_ECONFLICT, "", "the index is already built");
    if (g->n) /* units is NULL when empty */
        qsort(g->units, g->n, sizeof(*g->units), geo_cmp_rank);
    free(g->by_id);
    g->by_id = NULL;
    rc = geo_index_ids(g, err);
    if (rc)
        return rc;
    g->replicas = calloc(g->n_replicas, sizeof(*g->replicas));
    if (!g->replicas)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    for (; g->n_locks < g->n_replicas; g->n_locks++)
        if (pthread_mutex_init(&g->replicas[g->n_locks].lock, NULL))
            return gz_fail(err, GZ_EIO, "", "could not create a mutex");
    rc = geo_replica_build(g, &g->replicas[0]);
    if (rc)
        return gz_fail(err, rc, GEO_FIELD, "could not prepare the geometries: %s",
                       g->replicas[0].msg[0] ? g->replicas[0].msg : "out of memory");
    GEOS_finish_r(g->ctx);
    g->ctx = NULL;
    g->built = true;
    return 0;
}

/* ---- lookups ---------------------------------------------------------- */

/* Lock and return a built replica: a free one from this thread's home on, else wait. */
static struct geo_replica *geo_replica_take(const struct geo_index *g)
{
    unsigned n = g->n_replicas, start;
    struct geo_replica *r;

    if (!geo_home)
        geo_home = 1 + atomic_fetch_add_explicit(&geo_next_home, 1, memory_order_relaxed) %
                           GEO_MAX_REPLICAS;
    start = (geo_home - 1) % n;
    for (unsigned k = 0; k < n; k++) {
        r = &g->replicas[(start + k) % n];
        if (pthread_mutex_trylock(&r->lock))
            continue;
        if (r->ready || (!r->broken && geo_replica_build(g, r) == 0))
            return r;
        pthread_mutex_unlock(&r->lock);
    }
    r = &g->replicas[start];
    pthread_mutex_lock(&r->lock);
    if (r->ready || (!r->broken && geo_replica_build(g, r) == 0))
        return r;
    pthread_mutex_unlock(&r->lock);
    r = &g->replicas[0]; /* built by geo_build, never released before geo_free */
    pthread_mutex_lock(&r->lock);
    return r;
}

static void geo_collect_candidate(void *item, void *userdata)
{
    struct geo_replica *r = userdata;

    if (r->n_cand == r->cap_cand) {
        size_t *v = realloc(r->cand, 2 * r->cap_cand * sizeof(*v));

        if (!v) {
            r->cand_oom = true;
            return;
        }
        r->cand = v;
        r->cap_cand *= 2;
    }
    r->cand[r->n_cand++] = (size_t)((const struct geo_unit *)item - r->units);
}

static void geo_sort_positions(size_t *v, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        size_t x = v[i], j = i;

        for (; j > 0 && v[j - 1] > x; j--)
            v[j] = v[j - 1];
        v[j] = x;
    }
}

static int geo_replica_locate(const struct geo_index *g, struct geo_replica *r, double lat,
                              double lon, int64_t ids[GEO_LEVELS])
{
    GEOSGeometry *pt = GEOSGeom_createPointFromXY_r(r->ctx, lon, lat);
    int found = 0;

    if (!pt)
        return GZ_ENOMEM;
    r->n_cand = 0;
    r->cand_oom = false;
    GEOSSTRtree_query_r(r->ctx, r->tree, pt, geo_collect_candidate, r);
    if (r->cand_oom) {
        found = GZ_ENOMEM;
        goto out;
    }
    geo_sort_positions(r->cand, r->n_cand);
    for (size_t i = 0; i < r->n_cand; i++) {
        const struct geo_unit *u = &g->units[r->cand[i]];
        char hit;

        if (ids[u->level])
            continue;
        hit = GEOSPreparedIntersects_r(r->ctx, r->prep[r->cand[i]], pt);
        if (hit == 2) {
            found = GZ_EIO;
            goto out;
        }
        if (hit) {
            ids[u->level] = u->id;
            found++;
        }
    }
out:
    GEOSGeom_destroy_r(r->ctx, pt);
    return found;
}

int geo_locate(const struct geo_index *g, double lat, double lon, int64_t ids[GEO_LEVELS])
{
    struct geo_replica *r;
    int rc;

    memset(ids, 0, GEO_LEVELS * sizeof(*ids));
    if (!g || !g->built)
        return GZ_EINVAL;
    if (!isfinite(lat) || !isfinite(lon) || fabs(lat) > 90 || fabs(lon) > 180)
        return GZ_EINVAL;
    if (!g->n)
        return 0;
    r = geo_replica_take(g);
    rc = geo_replica_locate(g, r, lat, lon, ids);
    pthread_mutex_unlock(&r->lock);
    if (rc < 0)
        memset(ids, 0, GEO_LEVELS * sizeof(*ids));
    return rc;
}

int geo_unit_point(const struct geo_index *g, int64_t unit_id, double *lat, double *lon)
{
    struct geo_id_pos key = {unit_id, 0};
    const struct geo_id_pos *hit;

    if (!g || !g->built)
        return GZ_ENOTFOUND;
    hit = bsearch(&key, g->by_id, g->n, sizeof(*g->by_id), geo_cmp_id);
    if (!hit)
        return GZ_ENOTFOUND;
    *lat = g->units[hit->pos].lat;
    *lon = g->units[hit->pos].lon;
    return 0;
}
