/*
 * hotspot.c - Poisson tails, counts per place x category x week, recurring
 * locations and hotspot names (see hotspot.h).
 */
#include "gz.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>

#include "core/hotspot.h"
#include "core/unit.h"

#define EARTH_R 6371008.8
#define DEG (M_PI / 180.0)

/* ---- the Poisson upper tail ---- */

/* log P(X = i) */
static double log_pmf(int64_t i, double mean)
{
    return (double)i * log(mean) - mean - lgamma((double)i + 1.0);
}

double hot_poisson_tail(int64_t k, double mean)
{
    double sum = 0.0, term;

    if (k <= 0)
        return 1.0;
    if (mean <= 0.0)
        return 0.0;
    if (mean < (double)k) {
        /* the tail itself: P(k) * (1 + m/(k+1) + m^2/((k+1)(k+2)) + ...), terms shrinking */
        term = 1.0;
        for (int64_t i = k + 1; term > 1e-17 * (sum + 1.0) && i < k + 100000; i++) {
            sum += term;
            term *= mean / (double)i;
        }
        return fmin(1.0, exp(log_pmf(k, mean)) * sum);
    }
    /* the tail is large here: one minus the head */
    for (int64_t i = 0; i < k; i++)
        sum += exp(log_pmf(i, mean));
    return fmax(0.0, fmin(1.0, 1.0 - sum));
}

/* ---- counting ---- */

struct hot_slot {
    int64_t space, cat; /* cat: the code as a number x 10 + its length in pairs; -1 for none */
    bool used;
};

struct hot_counter {
    int weeks;
    size_t cap, n;
    struct hot_slot *slots;
    int32_t *counts; /* (weeks + 1) per slot */
};

static int64_t cat_key(const char *code)
{
    size_t len = strlen(code);
    int64_t v = 0;

    for (size_t i = 0; i < len; i++)
        v = v * 10 + (code[i] - '0');
    return v * 10 + (int64_t)(len / 2);
}

static void cat_name(int64_t key, char *out, size_t size)
{
    int pairs = (int)(key % 10);
    char tmp[32] = "";

    if (pairs)
        snprintf(tmp, sizeof(tmp), "%0*lld", 2 * pairs, (long long)(key / 10));
    snprintf(out, size, "%.*s", (int)(size - 1), tmp);
}

struct hot_counter *hot_counter_new(int weeks)
{
    struct hot_counter *h = calloc(1, sizeof(*h));

    if (h)
        h->weeks = weeks < 1 ? 1 : weeks > HOT_MAX_WEEKS ? HOT_MAX_WEEKS : weeks;
    return h;
}

void hot_counter_free(struct hot_counter *h)
{
    if (!h)
        return;
    free(h->slots);
    free(h->counts);
    free(h);
}

static size_t slot_find(const struct hot_counter *h, int64_t space, int64_t cat)
{
    uint64_t x = (uint64_t)space * 0x9E3779B97F4A7C15u ^ (uint64_t)cat * 0xC2B2AE3D27D4EB4Fu;
    size_t i = (size_t)((x ^ (x >> 29)) & (h->cap - 1));

    while (h->slots[i].used && (h->slots[i].space != space || h->slots[i].cat != cat))
        i = (i + 1) & (h->cap - 1);
    return i;
}

static int grow(struct hot_counter *h)
{
    struct hot_counter g = *h;
    size_t w = (size_t)h->weeks + 1;

    g.cap = h->cap ? h->cap * 2 : 1024;
    g.n = 0;
    g.slots = calloc(g.cap, sizeof(*g.slots));
    g.counts = calloc(g.cap * w, sizeof(*g.counts));
    if (!g.slots || !g.counts) {
        free(g.slots);
        free(g.counts);
        return GZ_ENOMEM;
    }
    for (size_t i = 0; i < h->cap; i++) {
        size_t k;
        if (!h->slots[i].used)
            continue;
        k = slot_find(&g, h->slots[i].space, h->slots[i].cat);
        g.slots[k] = h->slots[i];
        memcpy(g.counts + k * w, h->counts + i * w, w * sizeof(*g.counts));
        g.n++;
    }
    free(h->slots);
    free(h->counts);
    *h = g;
    return 0;
}

int hot_count(struct hot_counter *h, int64_t space, const char *category, int w)
{
    int64_t cat = cat_key(category ? category : "");
    size_t i;

    if (w < 0 || w > h->weeks)
        return 0;
    if ((h->n + 1) * 2 > h->cap && grow(h))
        return GZ_ENOMEM;
    i = slot_find(h, space, cat);
    if (!h->slots[i].used) {
        h->slots[i] = (struct hot_slot){space, cat, true};
        h->n++;
    }
    h->counts[i * ((size_t)h->weeks + 1) + (size_t)w]++;
    return 0;
}

static void eval_slot(const struct hot_counter *h, size_t i, int min_count, double p_max,
                      struct hot_flag *f)
{
    const int32_t *c = h->counts + i * ((size_t)h->weeks + 1);
    int64_t sum = 0;

    for (int w = 0; w < h->weeks; w++)
        sum += c[w];
    f->space = h->slots[i].space;
    cat_name(h->slots[i].cat, f->category, sizeof(f->category));
    f->count = c[h->weeks];
    f->baseline = (double)sum / h->weeks;
    f->p = hot_poisson_tail(f->count, f->baseline);
    f->flagged = f->count >= min_count && f->p < p_max;
}

void hot_eval(const struct hot_counter *h, int64_t space, const char *category, int min_count,
              double p_max, struct hot_flag *out)
{
    size_t i;

    memset(out, 0, sizeof(*out));
    out->space = space;
    snprintf(out->category, sizeof(out->category), "%s", category ? category : "");
    out->p = 1.0;
    if (!h->cap)
        return;
    i = slot_find(h, space, cat_key(out->category));
    if (h->slots[i].used)
        eval_slot(h, i, min_count, p_max, out);
}

static int flag_cmp(const void *pa, const void *pb)
{
    const struct hot_flag *a = pa, *b = pb;

    if (a->p != b->p)
        return a->p < b->p ? -1 : 1;
    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    if (a->space != b->space)
        return a->space < b->space ? -1 : 1;
    return strcmp(a->category, b->category);
}

int hot_detect(const struct hot_counter *h, int min_count, double p_max, struct hot_flag *out,
               size_t max, size_t *n)
{
    struct hot_flag *all = NULL, f;
    size_t cnt = 0, cap = 0;

    *n = 0;
    for (size_t i = 0; i < h->cap; i++) {
        if (!h->slots[i].used || h->counts[i * ((size_t)h->weeks + 1) + h->weeks] < min_count)
            continue;
        eval_slot(h, i, min_count, p_max, &f);
        if (!f.flagged)
            continue;
        if (cnt == cap) {
            struct hot_flag *m = realloc(all, (cap ? cap * 2 : 64) * sizeof(*all));
            if (!m) {
                free(all);
                return GZ_ENOMEM;
            }
            all = m;
            cap = cap ? cap * 2 : 64;
        }
        all[cnt++] = f;
    }
    if (cnt > 1)
        qsort(all, cnt, sizeof(*all), flag_cmp);
    *n = cnt < max ? cnt : max;
    if (*n)
        memcpy(out, all, *n * sizeof(*out));
    free(all);
    return 0;
}

/* ---- recurring locations ---- */

struct recur_cell {
    int64_t key;
    size_t idx;
};

struct recur {
    const struct recur_point *pts;
    size_t n;
    double radius, lat0, mx, my;
    struct recur_cell *cells; /* sorted by key */
};

static int64_t cell_key(int64_t cx, int64_t cy)
{
    return (cx << 32) ^ (cy & 0xffffffff);
}

static void cell_of(const struct recur *r, const struct recur_point *p, int64_t *cx, int64_t *cy)
{
    *cx = (int64_t)floor(p->lon * r->mx / r->radius);
    *cy = (int64_t)floor(p->lat * r->my / r->radius);
}

static int cell_cmp(const void *pa, const void *pb)
{
    const struct recur_cell *a = pa, *b = pb;

    if (a->key != b->key)
        return a->key < b->key ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static double dist(const struct recur *r, const struct recur_point *a, const struct recur_point *b)
{
    double dx = (a->lon - b->lon) * r->mx, dy = (a->lat - b->lat) * r->my;

    return sqrt(dx * dx + dy * dy);
}

/* The points within the radius of point i (itself too) not yet taken, into out; how many. */
static size_t neighbours(const struct recur *r, size_t i, const bool *taken, size_t *out)
{
    int64_t cx, cy;
    size_t k = 0;

    cell_of(r, &r->pts[i], &cx, &cy);
    for (int64_t dx = -1; dx <= 1; dx++)
        for (int64_t dy = -1; dy <= 1; dy++) {
            struct recur_cell probe = {cell_key(cx + dx, cy + dy), 0};
            size_t lo = 0, hi = r->n;
            while (lo < hi) { /* first cell entry >= probe */
                size_t mid = (lo + hi) / 2;
                if (cell_cmp(&r->cells[mid], &probe) < 0)
                    lo = mid + 1;
                else
                    hi = mid;
            }
            for (; lo < r->n && r->cells[lo].key == probe.key; lo++) {
                size_t j = r->cells[lo].idx;
                if ((!taken || !taken[j]) && dist(r, &r->pts[i], &r->pts[j]) <= r->radius) {
                    if (out)
                        out[k] = j;
                    k++;
                }
            }
        }
    return k;
}

struct seed {
    size_t idx, count;
};

static int seed_cmp(const void *pa, const void *pb)
{
    const struct seed *a = pa, *b = pb;

    if (a->count != b->count)
        return a->count > b->count ? -1 : 1;
    return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static int recur_grow(struct recur *r, struct seed *seeds, int min, recur_fn fn, void *ctx)
{
    bool *taken = calloc(r->n, sizeof(*taken));
    size_t *members = malloc(r->n * sizeof(*members));
    int rc = taken && members ? 0 : GZ_ENOMEM;

    for (size_t s = 0; !rc && s < r->n && seeds[s].count >= (size_t)min; s++) {
        size_t i = seeds[s].idx, k;
        double lat = 0, lon = 0;
        if (taken[i] || (k = neighbours(r, i, taken, members)) < (size_t)min)
            continue;
        for (size_t m = 0; m < k; m++) {
            taken[members[m]] = true;
            lat += r->pts[members[m]].lat;
            lon += r->pts[members[m]].lon;
        }
        rc = fn(ctx, members, k, lat / (double)k, lon / (double)k);
    }
    free(taken);
    free(members);
    return rc;
}

int recur_find(const struct recur_point *pts, size_t n, double radius_m, int min, recur_fn fn,
               void *ctx)
{
    struct recur r = {pts, n, radius_m, 0, 0, EARTH_R * DEG, NULL};
    struct seed *seeds;
    int rc;

    if (!n)
        return 0;
    for (size_t i = 0; i < n; i++)
        r.lat0 += pts[i].lat / (double)n;
    r.mx = r.my * cos(r.lat0 * DEG);
    r.cells = malloc(n * sizeof(*r.cells));
    seeds = malloc(n * sizeof(*seeds));
    if (!r.cells || !seeds) {
        free(r.cells);
        free(seeds);
        return GZ_ENOMEM;
    }
    for (size_t i = 0; i < n; i++) {
        int64_t cx, cy;
        cell_of(&r, &pts[i], &cx, &cy);
        r.cells[i] = (struct recur_cell){cell_key(cx, cy), i};
    }
    qsort(r.cells, n, sizeof(*r.cells), cell_cmp);
    for (size_t i = 0; i < n; i++)
        seeds[i] = (struct seed){i, neighbours(&r, i, NULL, NULL)};
    qsort(seeds, n, sizeof(*seeds), seed_cmp);
    rc = recur_grow(&r, seeds, min, fn, ctx);
    free(r.cells);
    free(seeds);
    return rc;
}

/* ---- names ---- */

static const char *grid_name(int grid)
{
    return grid == HOT_HEX ? "hex" : unit_kind_name((enum unit_kind)grid);
}

void hot_id_format(const struct hot_id *id, char *out, size_t size)
{
    if (id->grid == HOT_HEX)
        snprintf(out, size, "hex:%s:%s:%d:%d", id->week, id->category, id->q, id->r);
    else
        snprintf(out, size, "%s:%s:%s:%lld", grid_name(id->grid), id->week, id->category,
                 (long long)id->unit_id);
}

#define ID_PARTS 5
#define ID_PART_MAX 40

/* Split s on ':' into at most ID_PARTS parts; the count, or -1 when there are more or one is
   too long. */
static int split(const char *s, char parts[ID_PARTS][ID_PART_MAX])
{
    int n = 0;

    for (;;) {
        const char *end = strchr(s, ':');
        size_t len = end ? (size_t)(end - s) : strlen(s);
        if (n == ID_PARTS || len >= ID_PART_MAX)
            return -1;
        memcpy(parts[n], s, len);
        parts[n++][len] = '\0';
        if (!end)
            return n;
        s = end + 1;
    }
}

static bool parse_int(const char *s, long long min, long long max, long long *v)
{
    char *end;

    if (!isdigit((unsigned char)*s) && !(*s == '-' && isdigit((unsigned char)s[1])))
        return false;
    errno = 0;
    *v = strtoll(s, &end, 10);
    return !*end && errno == 0 && *v >= min && *v <= max;
}

static bool parse_parts(char parts[ID_PARTS][ID_PART_MAX], int n, struct hot_id *out)
{
    long long a = 0, b = 0;
    int kind = unit_kind_parse(parts[0]);

    if (strlen(parts[1]) >= sizeof(out->week) || strlen(parts[2]) >= sizeof(out->category) ||
        !parts[1][0] || (parts[2][0] && !category_code_valid(parts[2])))
        return false;
    snprintf(out->week, sizeof(out->week), "%s", parts[1]);
    snprintf(out->category, sizeof(out->category), "%s", parts[2]);
    if (strcmp(parts[0], "hex") == 0) {
        if (n != 5 || !parse_int(parts[3], INT32_MIN, INT32_MAX, &a) ||
            !parse_int(parts[4], INT32_MIN, INT32_MAX, &b))
            return false;
        out->grid = HOT_HEX;
        out->q = (int32_t)a;
        out->r = (int32_t)b;
        return true;
    }
    if (n != 4 || kind < 0 || unit_kind_level((enum unit_kind)kind) < 1 ||
        !parse_int(parts[3], 1, INT64_MAX, &a))
        return false;
    out->grid = unit_kind_level((enum unit_kind)kind);
    out->unit_id = a;
    return true;
}

int hot_id_parse(const char *s, struct hot_id *out, struct gz_err *err)
{
    char parts[ID_PARTS][ID_PART_MAX];
    int n = s ? split(s, parts) : -1;

    memset(out, 0, sizeof(*out));
    if (n < 4 || !parse_parts(parts, n, out))
        return gz_fail(
            err, GZ_EBADREQ, "id",
            "a hotspot id looks like hex:2026-W47:0101:12:-3 or street:2026-W47:0101:17");
    return 0;
}
