/*
 * geo.h - locating a point in the territorial hierarchy (DESIGN §5 step 1):
 * an index over every territorial unit's jurisdiction (GeoJSON Polygon or
 * MultiPolygon, WGS84 lon/lat) that answers "which unit of each level
 * contains (lat, lon)?".
 *
 * Lifecycle: geo_new, geo_add once per unit, geo_build once; after that the
 * index is immutable and geo_locate / geo_unit_point may be called from any
 * number of threads at once. A changed unit means building a new index and
 * swapping the pointer; the caller must keep the old index alive until no
 * thread is inside a call on it (e.g. a pthread_rwlock read-held around each
 * lookup and write-held to swap, or RCU), then geo_free it.
 *
 * The rule of containment: a unit's jurisdiction is a closed set. A point on
 * an edge or a vertex, including the ring of a hole, belongs to the unit; a
 * point strictly inside a hole does not. When several units of one level
 * contain the point (a shared edge, or overlapping polygons), the one with
 * the smallest area wins, then the smallest id: deterministic, and the more
 * specific unit on overlaps.
 */
#ifndef GZ_GEO_H
#define GZ_GEO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gz_err;
struct geo_index;

/* Levels are those of unit_kind_level: city 0, district 1, street 2, community 3, grid 4. */
#define GEO_LEVELS 5

/* A new, empty index; NULL (with err) when GEOS cannot start or memory runs out. */
struct geo_index *geo_new(struct gz_err *err);

/* Free the index; no other thread may be inside a call on it. NULL is fine. */
void geo_free(struct geo_index *g);

/*
 * Add a unit's jurisdiction before geo_build. `geojson_geometry` is a GeoJSON
 * Polygon or MultiPolygon (a Feature is accepted and its geometry taken).
 * An invalid geometry (a self-touching or self-crossing ring, ...) is repaired
 * with GEOSMakeValid and *repaired set: the caller should warn naming the
 * unit. Only the polygonal part of the result is kept. Errors: GZ_EINVAL
 * (bad id or level, not GeoJSON, not polygonal, no area even after repair;
 * field "jurisdiction" or "level"), GZ_ECONFLICT (already built), GZ_ENOMEM,
 * GZ_EIO (GEOS failed). `repaired` may be NULL.
 */
int geo_add(struct geo_index *g, int64_t unit_id, int level, const char *geojson_geometry,
            bool *repaired, struct gz_err *err) __attribute__((warn_unused_result));

/*
 * How many read replicas the built index may create (default: the number of
 * online CPUs, at most 64). Each is a full copy of the prepared geometries,
 * built when a lookup first needs it; as many threads as replicas locate
 * without waiting for one another. Call before geo_build. See geo.c for why.
 */
void geo_set_replicas(struct geo_index *g, unsigned n);

/*
 * Freeze the index: order the units, build the first replica (prepared
 * geometries in an STRtree). An empty index is fine (every point is
 * unlocated). Errors: GZ_ECONFLICT (built twice, or two units with one id;
 * field "unit_id"), GZ_ENOMEM, GZ_EIO; after a failed build the index can
 * only be freed.
 */
int geo_build(struct geo_index *g, struct gz_err *err) __attribute__((warn_unused_result));

/*
 * Locate a point: ids[level] = the unit of that level containing it (0 when
 * none). Returns how many levels were found, 0 = unlocated; GZ_EINVAL when
 * the index is not built or lat/lon is not a finite WGS84 position;
 * GZ_ENOMEM or GZ_EIO when GEOS fails (ids then all 0). Thread-safe.
 */
int geo_locate(const struct geo_index *g, double lat, double lon, int64_t ids[GEO_LEVELS])
    __attribute__((warn_unused_result));

/*
 * A representative point of a unit's (repaired) jurisdiction, guaranteed
 * inside it (GEOSPointOnSurface): for a map marker, or for a case whose
 * operator picked the area. 0, or GZ_ENOTFOUND (unknown unit, or not built).
 */
int geo_unit_point(const struct geo_index *g, int64_t unit_id, double *lat, double *lon)
    __attribute__((warn_unused_result));

/* Number of units in the index. */
size_t geo_count(const struct geo_index *g);

#endif
