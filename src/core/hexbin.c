/* hexbin.c - pointy-top hexagons on a local plane (see hexbin.h; axial and cube coordinates). */
#include "gz.h"

#include <math.h>

#include "core/hexbin.h"

#define EARTH_R 6371008.8
#define DEG (M_PI / 180.0)
#define SQRT3 1.7320508075688772

void hex_init(struct hexgrid *g, double lat0, double width_m)
{
    g->lat0 = lat0;
    g->size_m = width_m / SQRT3;
    g->m_per_y = EARTH_R * DEG;
    g->m_per_x = g->m_per_y * cos(lat0 * DEG);
}

static void to_plane(const struct hexgrid *g, double lat, double lon, double *x, double *y)
{
    *x = lon * g->m_per_x;
    *y = (lat - g->lat0) * g->m_per_y;
}

static void to_sphere(const struct hexgrid *g, double x, double y, double *lat, double *lon)
{
    *lon = x / g->m_per_x;
    *lat = g->lat0 + y / g->m_per_y;
}

struct hexcell hex_of(const struct hexgrid *g, double lat, double lon)
{
    double x, y, fq, fr, fs, rq, rr, rs;
    struct hexcell c;

    to_plane(g, lat, lon, &x, &y);
    fq = (SQRT3 / 3.0 * x - y / 3.0) / g->size_m;
    fr = (2.0 / 3.0 * y) / g->size_m;
    fs = -fq - fr;
    /* cube rounding: round all three, then fix the one that moved most */
    rq = round(fq);
    rr = round(fr);
    rs = round(fs);
    if (fabs(rq - fq) > fabs(rr - fr) && fabs(rq - fq) > fabs(rs - fs))
        rq = -rr - rs;
    else if (fabs(rr - fr) > fabs(rs - fs))
        rr = -rq - rs;
    c.q = (int32_t)rq;
    c.r = (int32_t)rr;
    return c;
}

void hex_center(const struct hexgrid *g, struct hexcell c, double *lat, double *lon)
{
    double x = g->size_m * (SQRT3 * c.q + SQRT3 / 2.0 * c.r), y = g->size_m * 1.5 * c.r;

    to_sphere(g, x, y, lat, lon);
}

void hex_corners(const struct hexgrid *g, struct hexcell c, double lat[6], double lon[6])
{
    double cx = g->size_m * (SQRT3 * c.q + SQRT3 / 2.0 * c.r), cy = g->size_m * 1.5 * c.r;

    for (int i = 0; i < 6; i++) {
        double a = (60.0 * i - 30.0) * DEG;
        to_sphere(g, cx + g->size_m * cos(a), cy + g->size_m * sin(a), &lat[i], &lon[i]);
    }
}

int64_t hex_key(struct hexcell c)
{
    return (int64_t)(((uint64_t)(uint32_t)c.q << 32) | (uint32_t)c.r);
}

struct hexcell hex_unkey(int64_t key)
{
    struct hexcell c = {(int32_t)(uint32_t)((uint64_t)key >> 32), (int32_t)(uint32_t)key};

    return c;
}
