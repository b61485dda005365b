/*
 * hexbin.h - hexagonal cells over a city (DESIGN §7), for counting reports
 * per place without the accident of administrative borders.
 *
 * Points are projected onto a plane in metres (equirectangular, scaled at a
 * reference latitude lat0 fixed per city, so a cell is a true hexagon within
 * about 1 % over ±50 km) and binned into pointy-top hexagons of the given
 * width across their flat sides (250 m by default). A cell is named by its
 * axial coordinates (q, r): the centre of (q, r) lies q cell widths east and
 * r widths along the axis 60° north of east from the cell (0, 0), which is
 * centred on (lat0, 0°). Pure arithmetic.
 */
#ifndef GZ_HEXBIN_H
#define GZ_HEXBIN_H

#include <stdint.h>

struct hexgrid {
    double lat0;    /* reference latitude, degrees */
    double size_m;  /* centre-to-corner distance */
    double m_per_x; /* metres per degree of longitude at lat0 */
    double m_per_y; /* metres per degree of latitude */
};

struct hexcell {
    int32_t q, r;
};

/* A grid of hexagons `width_m` across the flats, scaled at latitude lat0. */
void hex_init(struct hexgrid *g, double lat0, double width_m);
/* The cell containing a point (a point on an edge goes to one of its cells). */
struct hexcell hex_of(const struct hexgrid *g, double lat, double lon);
void hex_center(const struct hexgrid *g, struct hexcell c, double *lat, double *lon);
/* The six corners, counter-clockwise from the east-south-east one. */
void hex_corners(const struct hexgrid *g, struct hexcell c, double lat[6], double lon[6]);
/* A cell as one integer and back. */
int64_t hex_key(struct hexcell c);
struct hexcell hex_unkey(int64_t key);

#endif
