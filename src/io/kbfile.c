/*
 * kbfile.c - knowledge-base entries from JSON and CSV (see kbfile.h). A CSV
 * row is turned into the JSON object an API client would send, so both
 * formats go through kbfile_parse_object and kb_entry_validate.
 */
#include "gz.h"

#include <stdlib.h>

#include "core/w3cdate.h"
#include "io/csvread.h"
#include "io/kbfile.h"
#include "store/store.h"
#include "util/json.h"
#include "util/text.h"

static const char *const kb_keys[] = {"ref",      "kind",    "category", "title",      "title_en",
                                      "body",     "body_en", "keywords", "source_url", "valid_from",
                                      "valid_to", "active",  NULL};

static bool known(const char *key, const char *const *list)
{
    for (size_t i = 0; list && list[i]; i++)
        if (strcmp(key, list[i]) == 0)
            return true;
    return false;
}

static int check_keys(const json_t *o, const char *const *also, struct gz_err *err)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        if (!known(key, kb_keys) && !known(key, also))
            return gz_fail(err, GZ_EINVAL, key, "unknown field %s", key);
    }
    return 0;
}

/* A fixed-size string member; null clears it when nullable. */
static int get_line(const json_t *o, const char *key, char *dst, size_t size, bool nullable,
                    struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    if (v && json_is_null(v)) {
        if (!nullable)
            return gz_fail(err, GZ_EINVAL, key, "%s must be a string", key);
        dst[0] = '\0';
        return 0;
    }
    return json_get_str(o, key, dst, size, false, err) < 0 ? GZ_EINVAL : 0;
}

/* A heap text member; null (or "") clears it. */
static int get_text(const json_t *o, const char *key, char **dst, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    if (v && (json_is_null(v) || (json_is_string(v) && !json_string_length(v)))) {
        free(*dst);
        *dst = NULL;
        return 0;
    }
    return json_get_strdup(o, key, dst, GZ_MAX_KB_BODY, false, err) < 0 ? GZ_EINVAL : 0;
}

static int get_time(const json_t *o, const char *key, int64_t *dst, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    if (!v)
        return 0;
    if (json_is_null(v)) {
        *dst = 0;
        return 0;
    }
    if (!json_is_string(v) || !w3c_parse(json_string_value(v), dst))
        return gz_fail(err, GZ_EINVAL, key,
                       "%s must be a date (2026-01-01) or a time (2026-01-01T08:00:00+08:00)", key);
    return 0;
}

static int get_keywords(const json_t *o, struct kb_entry *e, struct gz_err *err)
{
    const json_t *a = json_object_get(o, "keywords"), *v;
    size_t i;

    if (!a)
        return 0;
    if (json_is_null(a)) {
        e->n_keywords = 0;
        return 0;
    }
    if (!json_is_array(a) || json_array_size(a) > GZ_MAX_KB_KEYWORDS)
        return gz_fail(err, GZ_EINVAL, "keywords", "keywords must be a list of at most %d strings",
                       GZ_MAX_KB_KEYWORDS);
    json_array_foreach(a, i, v) {
        if (!json_is_string(v) || json_string_length(v) > GZ_MAX_KB_KEYWORD)
            return gz_fail(err, GZ_EINVAL, "keywords",
                           "each keyword must be a string of at most %d bytes", GZ_MAX_KB_KEYWORD);
        memcpy(e->keywords[i], json_string_value(v), json_string_length(v) + 1);
    }
    e->n_keywords = json_array_size(a);
    return 0;
}

static int get_kind(const json_t *o, struct kb_entry *e, struct gz_err *err)
{
    char kind[16];
    int k;

    if (!json_object_get(o, "kind"))
        return 0;
    if (json_get_str(o, "kind", kind, sizeof(kind), true, err) || (k = kb_kind_parse(kind)) < 0)
        return gz_fail(err, GZ_EINVAL, "kind", "kind must be answer or policy");
    e->kind = (enum kb_kind)k;
    return 0;
}

int kbfile_parse_object(const json_t *o, struct kb_entry *e, const char *const *also,
                        struct gz_err *err)
{
    if (!json_is_object(o))
        return gz_fail(err, GZ_EINVAL, "entry", "an entry must be a JSON object");
    if (check_keys(o, also, err) || get_kind(o, e, err) ||
        get_line(o, "ref", e->ref, sizeof(e->ref), true, err) ||
        get_line(o, "category", e->category, sizeof(e->category), true, err) ||
        get_line(o, "title", e->title, sizeof(e->title), true, err) ||
        get_line(o, "title_en", e->title_en, sizeof(e->title_en), true, err) ||
        get_text(o, "body", &e->body, err) || get_text(o, "body_en", &e->body_en, err) ||
        get_keywords(o, e, err) ||
        get_line(o, "source_url", e->source_url, sizeof(e->source_url), true, err) ||
        get_time(o, "valid_from", &e->valid_from, err) ||
        get_time(o, "valid_to", &e->valid_to, err) ||
        json_get_bool(o, "active", &e->active, err) < 0)
        return err->code ? err->code : GZ_EINVAL;
    return 0;
}

void kbfile_release(struct kbfile *f)
{
    for (size_t i = 0; i < f->n; i++)
        kb_entry_release(&f->entries[i]);
    free(f->entries);
    memset(f, 0, sizeof(*f));
}

/* Room for one more entry, initialised. */
static struct kb_entry *grow(struct kbfile *f, size_t *cap, struct gz_err *err)
{
    if (f->n >= GZ_MAX_KB_IMPORT) {
        gz_fail(err, GZ_ETOOBIG, "entries", "at most %d entries in one file", GZ_MAX_KB_IMPORT);
        return NULL;
    }
    if (f->n == *cap) {
        size_t n = *cap ? *cap * 2 : 16;
        struct kb_entry *v = realloc(f->entries, n * sizeof(*v));
        if (!v) {
            gz_fail(err, GZ_ENOMEM, "", "out of memory");
            return NULL;
        }
        f->entries = v;
        *cap = n;
    }
    kb_entry_init(&f->entries[f->n]);
    return &f->entries[f->n];
}

/* Parse o into the next entry and validate it. */
static int add_object(struct kbfile *f, size_t *cap, const json_t *o, struct gz_err *err)
{
    struct kb_entry *e = grow(f, cap, err);

    if (!e)
        return err->code;
    if (kbfile_parse_object(o, e, NULL, err) || kb_entry_validate(e, err)) {
        kb_entry_release(e);
        return err->code;
    }
    f->n++;
    return 0;
}

int kbfile_parse_json(const char *text, size_t len, struct kbfile *out, size_t *bad,
                      struct gz_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *arr, *o;
    size_t i, cap = 0;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    *bad = 0;
    if (!doc)
        return gz_fail(err, GZ_EINVAL, "file", "not JSON (line %d): %s", jerr.line, jerr.text);
    arr = json_is_array(doc) ? doc : json_object_get(doc, "entries");
    if (!json_is_array(arr))
        rc = gz_fail(err, GZ_EINVAL, "entries", "expected an array of entries");
    json_array_foreach(arr, i, o) {
        rc = rc ? rc : add_object(out, &cap, o, err);
        if (rc) {
            *bad = i;
            break;
        }
    }
    json_decref(doc);
    if (rc)
        kbfile_release(out);
    return rc;
}

/* ---- CSV ---- */

struct csv_ctx {
    struct kbfile *out;
    size_t cap;
};

/* "a; b;c" as a JSON array of the trimmed, non-empty parts. */
static json_t *split_keywords(const char *s)
{
    json_t *a = json_array();

    while (*s) {
        const char *end = strchr(s, ';');
        size_t n = end ? (size_t)(end - s) : strlen(s);
        while (n && *s == ' ')
            s++, n--;
        while (n && s[n - 1] == ' ')
            n--;
        if (n)
            json_array_append_new(a, json_stringn_nocheck(s, n));
        s = end ? end + 1 : s + strlen(s);
    }
    return a;
}

/* The row as the JSON object an API client would send; empty cells are absent. */
static json_t *row_object(const struct csv_row *row)
{
    json_t *o = json_object();

    for (size_t i = 0; kb_keys[i]; i++) {
        const char *key = kb_keys[i], *v = csv_field(row, key);
        if (!v || !*v)
            continue;
        if (strcmp(key, "keywords") == 0)
            json_object_set_new(o, key, split_keywords(v));
        else if (strcmp(key, "active") == 0)
            json_object_set_new(o, key,
                                json_boolean(strcmp(v, "true") == 0 || strcmp(v, "1") == 0));
        else
            json_object_set_new(o, key, json_string_nocheck(v));
    }
    return o;
}

static int add_row(void *arg, const struct csv_row *row, struct gz_err *err)
{
    struct csv_ctx *x = arg;
    json_t *o = row_object(row);
    int rc = add_object(x->out, &x->cap, o, err);

    json_decref(o);
    return rc;
}

int kbfile_parse_csv(const char *text, size_t len, struct kbfile *out, size_t *bad,
                     struct gz_err *err)
{
    static const char *const required[] = {"title", "body", NULL};
    struct csv_ctx x = {out, 0};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = csv_read(text, len, required, add_row, &x, bad, err);
    if (rc)
        kbfile_release(out);
    return rc;
}

static bool ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);

    return n >= k && strcmp(s + n - k, suffix) == 0;
}

static int where(struct gz_err *err, const char *what, size_t index)
{
    char msg[sizeof(err->msg) + 64];

    snprintf(msg, sizeof(msg), "%s %zu: %s", what, index, err->msg);
    text_copy(err->msg, sizeof(err->msg), msg);
    return err->code;
}

int kbfile_store(struct store *s, const char *path, const char *text, size_t len, size_t *count,
                 struct gz_err *err)
{
    bool json = ends_with(path, ".json") || ends_with(path, ".json.gz");
    const char *what = json ? "entry" : "line";
    struct kbfile f;
    size_t bad = 0;
    int rc = json ? kbfile_parse_json(text, len, &f, &bad, err)
                  : kbfile_parse_csv(text, len, &f, &bad, err);

    *count = 0;
    if (rc)
        return where(err, what, bad);
    rc = store_kb_import(s, f.entries, f.n, &bad, err);
    if (rc)
        where(err, what, json ? bad : bad + 2);
    *count = rc ? 0 : f.n;
    kbfile_release(&f);
    return rc;
}
