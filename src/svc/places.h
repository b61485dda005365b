/*
 * places.h - where things are: the city's jurisdictions in a GEOS index
 * (core/geo), built from the store at start and built again, then swapped
 * in, whenever a unit changes. Readers never wait for a rebuild.
 */
#ifndef GZ_PLACES_H
#define GZ_PLACES_H

#include <stdint.h>

#include "core/geo.h"

struct gz_err;
struct store;
struct places;

struct places *places_new(struct store *s, struct gz_err *err);
void places_free(struct places *p);
/* Build the index again from the store (after a unit changed). Logs repaired polygons. */
int places_rebuild(struct places *p, struct gz_err *err) __attribute__((warn_unused_result));
/* Unit ids per level (GEO_LEVELS, index = level) containing the point; returns levels found. */
int places_locate(struct places *p, double lat, double lon, int64_t ids[GEO_LEVELS]);
/* Units with a jurisdiction in the index. */
size_t places_count(struct places *p);

#endif
