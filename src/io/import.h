/*
 * import.h - files in: GeoJSON units, CSV or JSON categories. Parsing is
 * separate from storing so that fuzzers and tests can drive it on bytes;
 * storing is one transaction per file, so a bad record writes nothing.
 */
#ifndef GZ_IMPORT_H
#define GZ_IMPORT_H

#include <stddef.h>

#include "core/taxonomy.h"
#include "core/unit.h"

struct gz_err;
struct store;

typedef char import_code[GZ_MAX_CODE + 1];

/* Parsed units: units[i] with parent code pcs[i]. */
struct import_units {
    size_t n;
    struct unit *units;
    import_code *pcs;
};

struct import_categories {
    size_t n;
    struct category *cats;
};

void import_units_release(struct import_units *u);
void import_categories_release(struct import_categories *c);

/*
 * A GeoJSON FeatureCollection; each feature's properties give code, name,
 * name_en, kind, parent_code (and optionally contact, active), its geometry
 * the jurisdiction (null for none). On error *bad is the feature index.
 */
int import_parse_units(const char *text, size_t len, struct import_units *out, size_t *bad,
                       struct gz_err *err) __attribute__((warn_unused_result));
/*
 * CSV with a header naming columns code, name, name_en, respond_limit,
 * resolve_limit, urgent_limit, kind, claimable, kb_answer, active (code and
 * name required; others optional, in any order). On error *bad is the line.
 */
int import_parse_categories_csv(const char *text, size_t len, struct import_categories *out,
                                size_t *bad, struct gz_err *err)
    __attribute__((warn_unused_result));
/* A JSON array of category objects (or {"categories": [...]}); *bad is the index. */
int import_parse_categories_json(const char *text, size_t len, struct import_categories *out,
                                 size_t *bad, struct gz_err *err)
    __attribute__((warn_unused_result));

/* Read a whole file, gunzipping when it is gzip; at most GZ_MAX_IMPORT_FILE bytes. */
int import_read_file(const char *path, char **text, size_t *len, struct gz_err *err)
    __attribute__((warn_unused_result));

/*
 * Read, parse and store a file in one transaction, with a progress bar.
 * what: "units", "categories", "calendar" (CSV date,kind,occasion) or "routes" (CSV
 * category_prefix, area, lead_unit | lead_kind, co_units: unit codes, co-units separated by ';').
 * Prints nothing; on error err->msg says where
 * ("feature 12: ..." / "line 7: ...").
 */
int import_file(struct store *s, const char *what, const char *path, size_t *count,
                struct gz_err *err) __attribute__((warn_unused_result));

#endif
