/*
 * kbfile.h - knowledge-base entries in: a JSON object (a request body or a
 * record of an import file), a JSON file (an array, or {"entries": [...]})
 * or a CSV file with a header. Every entry parsed from a file is validated
 * (core/kb.h); a file is stored in one transaction, so a bad record writes
 * nothing. An entry with a `ref` that exists replaces it (version + 1).
 */
#ifndef GZ_KBFILE_H
#define GZ_KBFILE_H

#include <jansson.h>
#include <stddef.h>

#include "core/kb.h"

struct gz_err;
struct store;

/*
 * Apply the members present in o to e: ref, kind, category (null clears),
 * title, title_en, body, body_en (null clears), keywords (array of
 * strings), source_url, valid_from, valid_to (a date or RFC 3339 time,
 * null clears), active. Other members are refused unless listed in `also`
 * (NULL-terminated, may be NULL), which the caller reads itself.
 */
int kbfile_parse_object(const json_t *o, struct kb_entry *e, const char *const *also,
                        struct gz_err *err) __attribute__((warn_unused_result));

/* Parsed entries (heap array of n). */
struct kbfile {
    struct kb_entry *entries;
    size_t n;
};
void kbfile_release(struct kbfile *f);

/* A JSON file: *bad is the failing entry's index. */
int kbfile_parse_json(const char *text, size_t len, struct kbfile *out, size_t *bad,
                      struct gz_err *err) __attribute__((warn_unused_result));
/*
 * CSV with a header naming columns (title and body required, the rest
 * optional, in any order): ref, kind, category, title, title_en, body,
 * body_en, keywords (separated by ';'), source_url, valid_from, valid_to,
 * active (true/false/1/0). *bad is the failing line.
 */
int kbfile_parse_csv(const char *text, size_t len, struct kbfile *out, size_t *bad,
                     struct gz_err *err) __attribute__((warn_unused_result));

/* Parse the text of FILE.json or FILE.csv (by path's name) and store it; *count entries. */
int kbfile_store(struct store *s, const char *path, const char *text, size_t len, size_t *count,
                 struct gz_err *err) __attribute__((warn_unused_result));

#endif
