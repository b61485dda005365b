/*
 * dedup.h - the duplicate finder of intake (DESIGN.md §5 step 3): an
 * in-memory index of recent open cases that answers, for a new report, the
 * open cases within a radius (150 m by default) and a time window (14 days)
 * in the same category subtree, each with a score from distance, time and
 * text similarity. Pure computation, no I/O: the caller fills it from the
 * store at start-up, adds each new case, removes a case when it closes, is
 * merged or found invalid, and calls dedup_expire now and then.
 *
 *   d = dedup_new(DEDUP_DEFAULT_RADIUS_M, DEDUP_DEFAULT_WINDOW_S);
 *   n = dedup_find(d, lat, lon, now, "0101", text, hits, 10);  (before the add)
 *   dedup_add(d, id, "20260331-000042", lat, lon, now, "0101", text);
 *   ... dedup_remove(d, id); dedup_expire(d, now); dedup_free(d);
 *
 * Candidates. A case is a hit when all of these hold:
 *   - distance <= radius, by the equirectangular approximation
 *     d = R_earth * sqrt(dlat^2 + (dlon * cos(mean lat))^2) (radians; R_earth
 *     6371008.8 m): within a few centimetres of the great circle at these
 *     distances. dlon is not wrapped, so points across the antimeridian are
 *     far apart;
 *   - |at - case.at| <= window (both edges count);
 *   - the same top-level category (the first two digits) when both categories
 *     are known; when either is unknown ("" or NULL) the category is not
 *     looked at.
 *
 * Score (dedup_score), in [0, 1]:
 *   DEDUP_W_TEXT * text_sim + DEDUP_W_DIST * (1 - d / radius)
 *     + DEDUP_W_TIME * (1 - age / window)
 * with weights 0.5, 0.3, 0.2. A score >= DEDUP_THRESHOLD suggests "likely a
 * duplicate": without any shared text a hit reaches it only at the same
 * point and second; identical text reaches it anywhere within the limits.
 *
 * Text similarity: the Jaccard index |A n B| / |A u B| of the sets of
 * character bigrams of the two texts (0 when both sets are empty). A text is
 * read as UTF-8 code points; fullwidth ASCII (U+FF01..FF5E) is folded to
 * ASCII, ASCII letters are lower-cased, and whitespace, punctuation, control
 * characters and malformed bytes are dropped (so bigrams join the characters
 * around them: "垃圾，很多" and "垃圾很多" are equal). Only the bigrams of the
 * first DEDUP_MAX_BIGRAMS + 1 kept characters count. A bigram of two BMP
 * characters is stored exactly as (c1 << 16 | c2), any other as a 32-bit hash.
 *
 * Index. Entries sit in cells of a grid: rows of `radius` metres of latitude,
 * and in each row columns at least `radius` metres wide (the width taken at the
 * row's poleward edge, so cells keep their size in metres at any latitude).
 * A query looks at the three rows around the point and, in each, the columns
 * that the radius can reach (three, usually): a 3x3 neighbourhood, so a cell
 * border never hides a candidate; the distance then filters exactly.
 *
 * Memory per entry: an 80-byte record (the record array grows by doubling),
 * 4 bytes per distinct bigram (at most DEDUP_MAX_BIGRAMS: 2 KB) plus its
 * allocation header, 32-64 bytes of id table (16-byte slots, at most half
 * full), and a share of the cell table and the cell's list (~40 bytes when a
 * cell holds a few cases): about 160-250 + 4 * bigrams bytes. Measured by
 * bench/dedup_bench.c: 100,000 cases with texts of 25-75 characters take
 * 29 MB (305 bytes a case). At most DEDUP_MAX_ENTRIES entries; dedup_memory
 * counts the bytes held.
 *
 * Threads: one index serves every intake thread. dedup_find takes a read
 * lock; dedup_add, dedup_remove and dedup_expire take the write lock. Text
 * features are computed before a lock is taken.
 */
#ifndef GZ_DEDUP_H
#define GZ_DEDUP_H

#include <stddef.h>
#include <stdint.h>

#define DEDUP_DEFAULT_RADIUS_M 150.0
#define DEDUP_DEFAULT_WINDOW_S (14 * 86400)
#define DEDUP_MIN_RADIUS_M 1.0
#define DEDUP_MAX_RADIUS_M 100000.0
#define DEDUP_MAX_WINDOW_S (3660 * 86400) /* ten years */
#define DEDUP_MAX_BIGRAMS 512             /* text features kept per text */
#define DEDUP_MAX_ENTRIES 4000000u        /* ~1.6 GB at 400 bytes a case, 9 GB at worst */

/* The weights of the score; they sum to 1. */
#define DEDUP_W_TEXT 0.5
#define DEDUP_W_DIST 0.3
#define DEDUP_W_TIME 0.2
/* Suggested score from which a hit is "likely a duplicate". */
#define DEDUP_THRESHOLD 0.5

struct dedup;

#define DEDUP_LABEL_MAX 15 /* a case number, YYYYMMDD-NNNNNN */

/* One candidate of dedup_find. */
struct dedup_hit {
    int64_t case_id;
    char label[DEDUP_LABEL_MAX + 1]; /* as given to dedup_add */
    double distance_m;
    int64_t age_s; /* |at - case.at| */
    double text_sim;
    double score;
};

/*
 * An empty index for the given radius (DEDUP_MIN_RADIUS_M..DEDUP_MAX_RADIUS_M)
 * and window (1..DEDUP_MAX_WINDOW_S seconds). NULL when they are out of range
 * or memory is short.
 */
struct dedup *dedup_new(double radius_m, int64_t window_s) __attribute__((warn_unused_result));
void dedup_free(struct dedup *d);

/*
 * Index the open case case_id at (lat, lon), reported at `at` (Unix seconds),
 * with its category code ("" or NULL: unknown) and text (UTF-8, may be NULL).
 * label (its number; NULL: "") comes back with each hit, so a caller needs no
 * lookup to show one; longer than DEDUP_LABEL_MAX bytes is cut.
 * An id already present is replaced. GZ_EINVAL for coordinates that are not a
 * point on Earth (NaN, |lat| > 90, |lon| > 180: e.g. CASE_NO_COORD; such cases
 * are never candidates), GZ_ELIMIT past DEDUP_MAX_ENTRIES, GZ_ENOMEM. On an
 * error the id is absent afterwards.
 */
int dedup_add(struct dedup *d, int64_t case_id, const char *label, double lat, double lon,
              int64_t at, const char *category, const char *text)
    __attribute__((warn_unused_result));

/* Forget a case (it closed, was merged or found invalid); no-op when absent. */
void dedup_remove(struct dedup *d, int64_t case_id);

/*
 * The candidates of a new report (see the top of this file), best first:
 * score descending, then distance ascending, then case_id ascending. Writes
 * the best min(max, hits) into out and returns how many it wrote; 0 for
 * coordinates that are not a point on Earth. The caller drops its own id when
 * it asks about a case already indexed.
 */
size_t dedup_find(struct dedup *d, double lat, double lon, int64_t at, const char *category,
                  const char *text, struct dedup_hit *out, size_t max);

/* Drop the entries reported before now - window: they can no longer be hits. O(entries). */
void dedup_expire(struct dedup *d, int64_t now);

/* Entries indexed. */
size_t dedup_count(struct dedup *d);

/* Bytes the index holds (records, features, tables), for logs and the bench. */
size_t dedup_memory(struct dedup *d);

/* The text similarity used by the score (Jaccard of bigram sets, see above). */
double dedup_text_similarity(const char *a, const char *b);

/* The distance used by dedup_find, in metres (equirectangular, see above). */
double dedup_distance_m(double lat1, double lon1, double lat2, double lon2);

/*
 * The score of a hit (see above); distance_m <= radius_m and age_s <= window_s,
 * text_sim in [0, 1].
 */
double dedup_score(double text_sim, double distance_m, int64_t age_s, double radius_m,
                   int64_t window_s);

#endif
