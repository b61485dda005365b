/*
 * dedup.c - the duplicate finder's index of recent open cases (see dedup.h).
 *
 * Layout. Records live in one growing array (ents), dead ones chained in a
 * free list through `pos`. Two open-addressing tables (linear probing,
 * backward-shift deletion, power-of-two sizes, at most half full) point into
 * it: ids (case id -> record) and cells (grid cell -> list of records).
 *
 * Invariants, under the lock:
 *   - ids holds exactly the live records, each once;
 *   - every live record is in exactly one cell list, the one of its point, at
 *     index `pos`; a cell in the table has at least one record;
 *   - feat of a live record is sorted and free of repeats (NULL when empty).
 *
 * NEEDSWORK: glibc's default rwlock prefers readers, so a steady stream of
 * overlapping finds could hold off an add; a find takes a few microseconds,
 * so it has not mattered (writer preference needs _GNU_SOURCE).
 */
#include "gz.h"

#include <math.h>
#include <pthread.h>

#include "core/dedup.h"

#define EARTH_R_M 6371008.8
#define DEG 0.017453292519943295 /* radians per degree */
#define M_PER_DEG (EARTH_R_M * DEG)
#define CELL_MAX_LAT 89.0  /* rows beyond it keep the column width of 89 degrees */
#define QUERY_MAX_LAT 89.9 /* beyond it a query looks at whole rows */
#define SLACK 1e-9         /* widens the searched ranges against rounding */
#define NONE UINT32_MAX
#define TABLE_MIN 64u

struct entry {
    int64_t id;
    int64_t at;
    double lat, lon;
    uint64_t cell;  /* key of its cell */
    uint32_t *feat; /* sorted bigram keys */
    uint32_t pos;   /* index in its cell's list; the next free record when dead */
    uint16_t nfeat;
    char top[2]; /* top-level category; top[0] == 0: unknown */
    bool live;
    char label[DEDUP_LABEL_MAX + 1];
};

struct id_slot {
    int64_t id;
    uint32_t ent; /* NONE: empty slot */
};

struct cell {
    uint64_t key;
    uint32_t *idx;   /* records in the cell */
    uint32_t n, cap; /* cap == 0: empty slot */
};

struct dedup {
    pthread_rwlock_t lock;
    double radius_m;
    double h_deg; /* row height: radius in degrees of latitude */
    int64_t window;
    struct entry *ents;
    uint32_t n_ents, cap_ents, free_head, live;
    struct id_slot *ids;
    uint32_t ids_mask;
    struct cell *cells;
    uint32_t cells_mask, n_cells;
    size_t feat_bytes, list_bytes;
};

/* A query on its way through the cells. */
struct query {
    double lat, lon;
    int64_t at;
    char top[2];
    const uint32_t *feat;
    size_t nfeat;
    struct dedup_hit *out;
    size_t max, n, worst; /* worst: index of the weakest hit once out is full */
};

static uint64_t mix64(uint64_t x)
{
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
}

/* ---- text features ---- */

/* The code point at s (NUL-terminated) and its length in bytes (>= 1); *cp = 0 when malformed. */
static size_t utf8_next(const unsigned char *s, uint32_t *cp)
{
    uint32_t c = s[0], min;
    size_t len;

    *cp = 0;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        len = 2, c &= 0x1F, min = 0x80;
    else if (c >= 0xE0 && c <= 0xEF)
        len = 3, c &= 0x0F, min = 0x800;
    else if (c >= 0xF0 && c <= 0xF4)
        len = 4, c &= 0x07, min = 0x10000;
    else
        return 1;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xC0) != 0x80) /* also stops at the NUL */
            return 1;
        c = (c << 6) | (s[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return 1;
    *cp = c;
    return len;
}

/* Whitespace, punctuation and symbols outside ASCII that are not part of a text's words. */
static bool is_separator(uint32_t c)
{
    return c < 0xC0 || c == 0xD7 || c == 0xF7 || (c >= 0x2000 && c <= 0x206F) ||
           (c >= 0x2E00 && c <= 0x2E7F) ||
           (c >= 0x3000 && c <= 0x303F && (c < 0x3005 || c > 0x3007)) ||
           (c >= 0xFE10 && c <= 0xFE6F) || (c >= 0xFF5F && c <= 0xFF65) || c == 0xFEFF ||
           (c >= 0xFFF0 && c <= 0xFFFF);
}

/* The character as compared: fullwidth ASCII folded, ASCII lower-cased; 0 when dropped. */
static uint32_t fold(uint32_t c)
{
    if (c >= 0xFF01 && c <= 0xFF5E)
        c -= 0xFEE0;
    if (c < 0x80) {
        if (c >= 'A' && c <= 'Z')
            return c + ('a' - 'A');
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ? c : 0;
    }
    return is_separator(c) ? 0 : c;
}

static uint32_t bigram_key(uint32_t a, uint32_t b)
{
    if (a < 0x10000 && b < 0x10000)
        return a << 16 | b;
    return (uint32_t)mix64((uint64_t)a << 21 | b);
}

/*
 * Sort a[0..n), n <= DEDUP_MAX_BIGRAMS: insertion sort when short, else four
 * byte-wise radix passes (qsort's callbacks were a quarter of a query's time).
 */
static void sort_keys(uint32_t *a, size_t n)
{
    uint32_t tmp[DEDUP_MAX_BIGRAMS], *src = a, *dst = tmp, *t;

    if (n <= 24) {
        for (size_t i = 1; i < n; i++) {
            uint32_t v = a[i];
            size_t j = i;
            for (; j && a[j - 1] > v; j--)
                a[j] = a[j - 1];
            a[j] = v;
        }
        return;
    }
    for (unsigned shift = 0; shift < 32; shift += 8) {
        size_t at[257] = {0};
        for (size_t i = 0; i < n; i++)
            at[((src[i] >> shift) & 0xFF) + 1]++;
        for (size_t b = 0; b < 256; b++)
            at[b + 1] += at[b];
        for (size_t i = 0; i < n; i++)
            dst[at[(src[i] >> shift) & 0xFF]++] = src[i];
        t = src, src = dst, dst = t;
    }
}

/* The sorted distinct bigram keys of text into out[DEDUP_MAX_BIGRAMS]; returns how many. */
static size_t text_features(const char *text, uint32_t *out)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    uint32_t prev = 0, c;
    size_t n = 0, k = 0;

    while (*s && n < DEDUP_MAX_BIGRAMS) {
        s += utf8_next(s, &c);
        c = fold(c);
        if (!c)
            continue;
        if (prev)
            out[n++] = bigram_key(prev, c);
        prev = c;
    }
    if (!n)
        return 0;
    sort_keys(out, n); /* four passes: back in out */
    for (size_t i = 1; i < n; i++)
        if (out[i] != out[k])
            out[++k] = out[i];
    return k + 1;
}

static double jaccard(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
    size_t i = 0, j = 0, both = 0;

    if (!na && !nb)
        return 0.0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) {
            i++;
        } else if (a[i] > b[j]) {
            j++;
        } else {
            both++;
            i++;
            j++;
        }
    }
    return (double)both / (double)(na + nb - both);
}

double dedup_text_similarity(const char *a, const char *b)
{
    uint32_t fa[DEDUP_MAX_BIGRAMS], fb[DEDUP_MAX_BIGRAMS];
    size_t na = text_features(a, fa), nb = text_features(b, fb);

    return jaccard(fa, na, fb, nb);
}

/* ---- geometry and score ---- */

double dedup_distance_m(double lat1, double lon1, double lat2, double lon2)
{
    double x = (lon2 - lon1) * cos((lat1 + lat2) * 0.5 * DEG);
    double y = lat2 - lat1;

    return M_PER_DEG * sqrt(x * x + y * y);
}

double dedup_score(double text_sim, double distance_m, int64_t age_s, double radius_m,
                   int64_t window_s)
{
    double s = DEDUP_W_TEXT * text_sim + DEDUP_W_DIST * (1.0 - distance_m / radius_m) +
               DEDUP_W_TIME * (1.0 - (double)age_s / (double)window_s);

    return s < 0.0 ? 0.0 : s > 1.0 ? 1.0 : s;
}

static bool point_ok(double lat, double lon)
{
    return lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0; /* false for NaN */
}

static int64_t row_of(const struct dedup *d, double lat)
{
    return (int64_t)floor(lat / d->h_deg);
}

/* Column width of a row in degrees: `radius` metres at the row's poleward edge. */
static double col_width(const struct dedup *d, int64_t row)
{
    double a = fabs((double)row * d->h_deg), b = fabs((double)(row + 1) * d->h_deg);

    return d->h_deg / cos(fmin(fmax(a, b), CELL_MAX_LAT) * DEG);
}

static uint64_t cell_key(int64_t row, int64_t col)
{
    return (uint64_t)(uint32_t)(int32_t)row << 32 | (uint32_t)(int32_t)col;
}

static uint64_t cell_of(const struct dedup *d, double lat, double lon)
{
    int64_t row = row_of(d, lat);

    return cell_key(row, (int64_t)floor(lon / col_width(d, row)));
}

static void top_of(const char *category, char top[2])
{
    top[0] = top[1] = '\0';
    if (category && category[0] && category[1]) {
        top[0] = category[0];
        top[1] = category[1];
    }
}

/* ---- the id table ---- */

static uint32_t id_home(const struct dedup *d, int64_t id)
{
    return (uint32_t)mix64((uint64_t)id) & d->ids_mask;
}

/* The slot of id, NONE when absent. */
static uint32_t id_find(const struct dedup *d, int64_t id)
{
    for (uint32_t i = id_home(d, id);; i = (i + 1) & d->ids_mask) {
        if (d->ids[i].ent == NONE)
            return NONE;
        if (d->ids[i].id == id)
            return i;
    }
}

/* Put an absent id (the table has room). */
static void id_put(struct dedup *d, int64_t id, uint32_t ent)
{
    uint32_t i = id_home(d, id);

    while (d->ids[i].ent != NONE)
        i = (i + 1) & d->ids_mask;
    d->ids[i].id = id;
    d->ids[i].ent = ent;
}

static struct id_slot *id_table(uint32_t size)
{
    struct id_slot *t = malloc((size_t)size * sizeof(*t));

    for (uint32_t i = 0; t && i < size; i++)
        t[i].ent = NONE;
    return t;
}

/* Room for one more id with the table at most half full. */
static int ids_reserve(struct dedup *d)
{
    uint32_t size = d->ids_mask + 1;
    struct id_slot *old = d->ids, *t;

    if ((size_t)(d->live + 1) * 2 <= size)
        return 0;
    t = id_table(size * 2);
    if (!t)
        return GZ_ENOMEM;
    d->ids = t;
    d->ids_mask = size * 2 - 1;
    for (uint32_t i = 0; i < size; i++)
        if (old[i].ent != NONE)
            id_put(d, old[i].id, old[i].ent);
    free(old);
    return 0;
}

/* Empty slot i, moving later entries of its probe run back (no tombstones). */
static void id_delete(struct dedup *d, uint32_t i)
{
    uint32_t mask = d->ids_mask;

    for (uint32_t j = (i + 1) & mask; d->ids[j].ent != NONE; j = (j + 1) & mask) {
        uint32_t home = id_home(d, d->ids[j].id);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            d->ids[i] = d->ids[j];
            i = j;
        }
    }
    d->ids[i].ent = NONE;
}

/* ---- the cell table ---- */

static uint32_t cell_home(const struct dedup *d, uint64_t key)
{
    return (uint32_t)mix64(key) & d->cells_mask;
}

/* The slot of key: where it is, or the empty slot where it would go. */
static uint32_t cell_slot(const struct dedup *d, uint64_t key)
{
    uint32_t i = cell_home(d, key);

    while (d->cells[i].cap && d->cells[i].key != key)
        i = (i + 1) & d->cells_mask;
    return i;
}

static const struct cell *cell_find(const struct dedup *d, uint64_t key)
{
    const struct cell *c = &d->cells[cell_slot(d, key)];

    return c->cap ? c : NULL;
}

/* Room for one more cell with the table at most half full. */
static int cells_reserve(struct dedup *d)
{
    uint32_t size = d->cells_mask + 1;
    struct cell *old = d->cells, *t;

    if ((size_t)(d->n_cells + 1) * 2 <= size)
        return 0;
    t = calloc((size_t)size * 2, sizeof(*t));
    if (!t)
        return GZ_ENOMEM;
    d->cells = t;
    d->cells_mask = size * 2 - 1;
    for (uint32_t i = 0; i < size; i++)
        if (old[i].cap)
            d->cells[cell_slot(d, old[i].key)] = old[i];
    free(old);
    return 0;
}

static void cell_delete(struct dedup *d, uint32_t i)
{
    uint32_t mask = d->cells_mask;

    for (uint32_t j = (i + 1) & mask; d->cells[j].cap; j = (j + 1) & mask) {
        uint32_t home = cell_home(d, d->cells[j].key);
        if (((j - home) & mask) >= ((j - i) & mask)) {
            d->cells[i] = d->cells[j];
            i = j;
        }
    }
    memset(&d->cells[i], 0, sizeof(d->cells[i]));
}

/* Room for one more record in the cell of slot i (made when new). */
static int cell_reserve(struct dedup *d, uint32_t i, uint64_t key)
{
    struct cell *c = &d->cells[i];
    uint32_t cap = c->cap ? c->cap * 2 : 4;
    uint32_t *idx;

    if (c->cap && c->n < c->cap)
        return 0;
    idx = realloc(c->idx, (size_t)cap * sizeof(*idx));
    if (!idx)
        return GZ_ENOMEM;
    if (!c->cap) {
        c->key = key;
        d->n_cells++;
    }
    d->list_bytes += (size_t)(cap - c->cap) * sizeof(*idx);
    c->idx = idx;
    c->cap = cap;
    return 0;
}

/* ---- records ---- */

static int ents_reserve(struct dedup *d)
{
    uint32_t cap = d->cap_ents ? d->cap_ents * 2 : TABLE_MIN;
    struct entry *e;

    if (d->free_head != NONE || d->n_ents < d->cap_ents)
        return 0;
    e = realloc(d->ents, (size_t)cap * sizeof(*e));
    if (!e)
        return GZ_ENOMEM;
    d->ents = e;
    d->cap_ents = cap;
    return 0;
}

static uint32_t ents_take(struct dedup *d)
{
    uint32_t ix = d->free_head;

    if (ix == NONE)
        return d->n_ents++;
    d->free_head = d->ents[ix].pos;
    return ix;
}

/* Index e (its id absent, its feat owned by the index on success). */
static int entry_insert(struct dedup *d, const struct entry *e)
{
    uint32_t ci, ix;
    struct cell *c;

    if (d->live >= DEDUP_MAX_ENTRIES)
        return GZ_ELIMIT;
    if (ids_reserve(d) || cells_reserve(d) || ents_reserve(d))
        return GZ_ENOMEM;
    ci = cell_slot(d, e->cell);
    if (cell_reserve(d, ci, e->cell))
        return GZ_ENOMEM;
    c = &d->cells[ci];
    ix = ents_take(d);
    d->ents[ix] = *e;
    d->ents[ix].live = true;
    d->ents[ix].pos = c->n;
    c->idx[c->n++] = ix;
    id_put(d, e->id, ix);
    d->live++;
    d->feat_bytes += (size_t)e->nfeat * sizeof(*e->feat);
    return 0;
}

/* Forget the record of id slot s. */
static void entry_drop(struct dedup *d, uint32_t s)
{
    uint32_t ix = d->ids[s].ent, ci;
    struct entry *e = &d->ents[ix];
    struct cell *c;

    ci = cell_slot(d, e->cell);
    c = &d->cells[ci];
    c->n--;
    if (c->idx[c->n] != ix) {
        c->idx[e->pos] = c->idx[c->n];
        d->ents[c->idx[e->pos]].pos = e->pos;
    }
    if (!c->n) {
        d->list_bytes -= (size_t)c->cap * sizeof(*c->idx);
        free(c->idx);
        cell_delete(d, ci);
        d->n_cells--;
    }
    id_delete(d, s);
    d->feat_bytes -= (size_t)e->nfeat * sizeof(*e->feat);
    free(e->feat);
    e->feat = NULL;
    e->live = false;
    e->pos = d->free_head;
    d->free_head = ix;
    d->live--;
}

static void drop_id(struct dedup *d, int64_t id)
{
    uint32_t s = id_find(d, id);

    if (s != NONE)
        entry_drop(d, s);
}

/* ---- the public interface ---- */

struct dedup *dedup_new(double radius_m, int64_t window_s)
{
    struct dedup *d;

    if (!(radius_m >= DEDUP_MIN_RADIUS_M && radius_m <= DEDUP_MAX_RADIUS_M) || window_s < 1 ||
        window_s > DEDUP_MAX_WINDOW_S)
        return NULL;
    d = calloc(1, sizeof(*d));
    if (!d)
        return NULL;
    d->radius_m = radius_m;
    d->h_deg = radius_m / M_PER_DEG;
    d->window = window_s;
    d->free_head = NONE;
    d->ids = id_table(TABLE_MIN);
    d->ids_mask = TABLE_MIN - 1;
    d->cells = calloc(TABLE_MIN, sizeof(*d->cells));
    d->cells_mask = TABLE_MIN - 1;
    if (!d->ids || !d->cells || pthread_rwlock_init(&d->lock, NULL)) {
        free(d->ids);
        free(d->cells);
        free(d);
        return NULL;
    }
    return d;
}

void dedup_free(struct dedup *d)
{
    if (!d)
        return;
    for (uint32_t i = 0; i < d->n_ents; i++)
        if (d->ents[i].live)
            free(d->ents[i].feat);
    for (uint32_t i = 0; i <= d->cells_mask; i++)
        free(d->cells[i].idx);
    pthread_rwlock_destroy(&d->lock);
    free(d->ents);
    free(d->ids);
    free(d->cells);
    free(d);
}

int dedup_add(struct dedup *d, int64_t case_id, const char *label, double lat, double lon,
              int64_t at, const char *category, const char *text)
{
    uint32_t feat[DEDUP_MAX_BIGRAMS];
    struct entry e = {.id = case_id, .at = at, .lat = lat, .lon = lon};
    int rc = 0;

    snprintf(e.label, sizeof(e.label), "%s", label ? label : "");
    e.nfeat = (uint16_t)text_features(text, feat);
    if (e.nfeat) {
        e.feat = malloc(e.nfeat * sizeof(*e.feat));
        if (e.feat)
            memcpy(e.feat, feat, e.nfeat * sizeof(*e.feat));
        else
            rc = GZ_ENOMEM;
    }
    if (!point_ok(lat, lon))
        rc = GZ_EINVAL;
    top_of(category, e.top);
    pthread_rwlock_wrlock(&d->lock);
    drop_id(d, case_id);
    if (!rc) {
        e.cell = cell_of(d, lat, lon);
        rc = entry_insert(d, &e);
    }
    pthread_rwlock_unlock(&d->lock);
    if (rc)
        free(e.feat);
    return rc;
}

void dedup_remove(struct dedup *d, int64_t case_id)
{
    pthread_rwlock_wrlock(&d->lock);
    drop_id(d, case_id);
    pthread_rwlock_unlock(&d->lock);
}

void dedup_expire(struct dedup *d, int64_t now)
{
    pthread_rwlock_wrlock(&d->lock);
    for (uint32_t i = 0; i < d->n_ents; i++)
        if (d->ents[i].live && d->ents[i].at < now - d->window)
            drop_id(d, d->ents[i].id);
    pthread_rwlock_unlock(&d->lock);
}

size_t dedup_count(struct dedup *d)
{
    size_t n;

    pthread_rwlock_rdlock(&d->lock);
    n = d->live;
    pthread_rwlock_unlock(&d->lock);
    return n;
}

size_t dedup_memory(struct dedup *d)
{
    size_t n;

    pthread_rwlock_rdlock(&d->lock);
    n = sizeof(*d) + (size_t)d->cap_ents * sizeof(*d->ents) +
        ((size_t)d->ids_mask + 1) * sizeof(*d->ids) +
        ((size_t)d->cells_mask + 1) * sizeof(*d->cells) + d->list_bytes + d->feat_bytes;
    pthread_rwlock_unlock(&d->lock);
    return n;
}

/* ---- dedup_find ---- */

/* Order of hits: score descending, distance ascending, case id ascending. */
static int hit_cmp(const void *pa, const void *pb)
{
    const struct dedup_hit *a = pa, *b = pb;

    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->distance_m != b->distance_m)
        return a->distance_m < b->distance_m ? -1 : 1;
    return (a->case_id > b->case_id) - (a->case_id < b->case_id);
}

static void find_worst(struct query *q)
{
    q->worst = 0;
    for (size_t i = 1; i < q->n; i++)
        if (hit_cmp(&q->out[i], &q->out[q->worst]) > 0)
            q->worst = i;
}

/* Keep the best q->max hits. */
static void collect(struct query *q, const struct dedup_hit *h)
{
    if (q->n < q->max) {
        q->out[q->n++] = *h;
        if (q->n == q->max)
            find_worst(q);
    } else if (hit_cmp(h, &q->out[q->worst]) < 0) {
        q->out[q->worst] = *h;
        find_worst(q);
    }
}

static void consider(const struct dedup *d, struct query *q, const struct entry *e)
{
    struct dedup_hit h;
    int64_t age;

    if (__builtin_sub_overflow(q->at, e->at, &age) || age < -d->window || age > d->window)
        return;
    if (q->top[0] && e->top[0] && (q->top[0] != e->top[0] || q->top[1] != e->top[1]))
        return;
    h.distance_m = dedup_distance_m(q->lat, q->lon, e->lat, e->lon);
    if (h.distance_m > d->radius_m)
        return;
    h.case_id = e->id;
    memcpy(h.label, e->label, sizeof(h.label));
    h.age_s = age < 0 ? -age : age;
    h.text_sim = jaccard(q->feat, q->nfeat, e->feat, e->nfeat);
    h.score = dedup_score(h.text_sim, h.distance_m, h.age_s, d->radius_m, d->window);
    collect(q, &h);
}

static void scan_cell(const struct dedup *d, struct query *q, const struct cell *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        consider(d, q, &d->ents[c->idx[i]]);
}

/*
 * Columns c0..c1 of a row. When they outnumber the table's slots (a query
 * near a pole), walking the table is cheaper than looking each one up.
 */
static void scan_row(const struct dedup *d, struct query *q, int64_t row, int64_t c0, int64_t c1)
{
    if (c1 - c0 < (int64_t)d->cells_mask) {
        for (int64_t col = c0; col <= c1; col++) {
            const struct cell *c = cell_find(d, cell_key(row, col));
            if (c)
                scan_cell(d, q, c);
        }
        return;
    }
    for (uint32_t i = 0; i <= d->cells_mask; i++) {
        const struct cell *c = &d->cells[i];
        int32_t r = (int32_t)(uint32_t)(c->key >> 32), col = (int32_t)(uint32_t)c->key;
        if (c->cap && r == row && col >= c0 && col <= c1)
            scan_cell(d, q, c);
    }
}

/*
 * A point within the radius is at most h_deg away in latitude (the distance
 * is at least R * |dlat|), so in one of the rows around the query's; and at
 * most h_deg / cos(|lat| + h_deg) away in longitude, so in the columns of
 * that span in each row.
 */
static void scan(const struct dedup *d, struct query *q)
{
    double hs = d->h_deg * (1.0 + SLACK);
    double phi = fabs(q->lat) + hs;
    double dlon = phi < QUERY_MAX_LAT ? hs / cos(phi * DEG) : 360.0;
    double lo = fmax(q->lon - dlon, -180.0), hi = fmin(q->lon + dlon, 180.0);

    for (int64_t row = row_of(d, q->lat - hs); row <= row_of(d, q->lat + hs); row++) {
        double w = col_width(d, row);
        scan_row(d, q, row, (int64_t)floor(lo / w), (int64_t)floor(hi / w));
    }
}

size_t dedup_find(struct dedup *d, double lat, double lon, int64_t at, const char *category,
                  const char *text, struct dedup_hit *out, size_t max)
{
    uint32_t feat[DEDUP_MAX_BIGRAMS];
    struct query q = {.lat = lat, .lon = lon, .at = at, .feat = feat, .out = out, .max = max};

    if (!out || !max || !point_ok(lat, lon))
        return 0;
    top_of(category, q.top);
    q.nfeat = text_features(text, feat);
    pthread_rwlock_rdlock(&d->lock);
    scan(d, &q);
    pthread_rwlock_unlock(&d->lock);
    qsort(out, q.n, sizeof(*out), hit_cmp);
    return q.n;
}
