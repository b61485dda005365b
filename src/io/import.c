/*
 * import.c - parse units (GeoJSON) and categories (CSV, JSON) from files and
 * store each file in one transaction. Every record is parsed and validated
 * before anything is written, and the store rolls the whole file back if a
 * record fails on its constraints, so a bad file leaves the database as it
 * was.
 */
#include "gz.h"

#include <csv.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "io/import.h"
#include "io/parse.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/progress.h"
#include "util/text.h"

void import_units_release(struct import_units *u)
{
    for (size_t i = 0; i < u->n; i++)
        unit_release(&u->units[i]);
    free(u->units);
    free(u->pcs);
    memset(u, 0, sizeof(*u));
}

void import_categories_release(struct import_categories *c)
{
    for (size_t i = 0; i < c->n; i++)
        category_release(&c->cats[i]);
    free(c->cats);
    memset(c, 0, sizeof(*c));
}

/* ---- units from GeoJSON ---- */

/* Turn a feature into the object parse_unit reads: properties + parent + jurisdiction. */
static json_t *feature_as_unit(const json_t *f, struct gz_err *err)
{
    const json_t *props = json_object_get(f, "properties"), *geom = json_object_get(f, "geometry");
    static const char *const keys[] = {"code", "name", "name_en", "kind", "contact", "active"};
    json_t *o;

    if (!json_is_object(f) || !json_is_object(props)) {
        gz_fail(err, GZ_EINVAL, "properties", "a feature needs a properties object");
        return NULL;
    }
    o = json_object();
    for (size_t i = 0; i < GZ_ARRAY_LEN(keys); i++)
        if (json_object_get(props, keys[i]))
            json_object_set(o, keys[i], json_object_get(props, keys[i]));
    if (json_object_get(props, "parent_code"))
        json_object_set(o, "parent", json_object_get(props, "parent_code"));
    json_object_set(o, "jurisdiction", geom ? (json_t *)geom : json_null());
    return o;
}

static int parse_feature(const json_t *f, struct unit *u, char *pc, struct gz_err *err)
{
    json_t *o = feature_as_unit(f, err);
    int rc;

    unit_init(u);
    u->kind = UNIT_KIND_COUNT;
    if (!o)
        return err->code;
    if (!json_is_string(json_object_get(o, "kind")))
        rc = gz_fail(err, GZ_EINVAL, "kind", "kind is required");
    else
        rc = parse_unit(o, u, pc, err);
    if (!rc && json_is_integer(json_object_get(o, "parent")))
        rc = gz_fail(err, GZ_EINVAL, "parent_code", "parent_code must be a unit code");
    if (!rc)
        rc = unit_validate(u, err);
    json_decref(o);
    return rc;
}

int import_parse_units(const char *text, size_t len, struct import_units *out, size_t *bad,
                       struct gz_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *features, *f;
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    *bad = 0;
    if (!doc)
        return gz_fail(err, GZ_EINVAL, "file", "not JSON (line %d): %s", jerr.line, jerr.text);
    features = json_object_get(doc, "features");
    if (!json_is_array(features)) {
        json_decref(doc);
        return gz_fail(err, GZ_EINVAL, "features", "not a GeoJSON FeatureCollection");
    }
    out->units = calloc(json_array_size(features) + 1, sizeof(*out->units));
    out->pcs = calloc(json_array_size(features) + 1, sizeof(*out->pcs));
    if (!out->units || !out->pcs)
        rc = gz_fail(err, GZ_ENOMEM, "", "out of memory");
    json_array_foreach(features, i, f) {
        if (rc)
            break;
        rc = parse_feature(f, &out->units[i], out->pcs[i], err);
        out->n = i + 1;
        if (rc)
            *bad = i;
    }
    json_decref(doc);
    if (rc)
        import_units_release(out);
    return rc;
}

/* ---- categories from CSV ---- */

enum { COL_MAX = 16 };

struct csv_state {
    struct import_categories *out;
    size_t cap;
    size_t line; /* current record, 1-based */
    int ncols;
    char *header[COL_MAX];
    char *fields[COL_MAX];
    int nfields;
    int rc;
    size_t bad;
    struct gz_err *err;
};

static void on_field(void *s, size_t len, void *arg)
{
    struct csv_state *st = arg;

    if (st->rc)
        return;
    if (st->nfields == COL_MAX) {
        st->rc = gz_fail(st->err, GZ_EINVAL, "file", "more than %d columns", COL_MAX);
        st->bad = st->line;
        return;
    }
    st->fields[st->nfields++] = strndup(s ? s : "", len);
}

static const char *field(struct csv_state *st, const char *name)
{
    for (int i = 0; i < st->ncols && i < st->nfields; i++)
        if (strcmp(st->header[i], name) == 0)
            return st->fields[i];
    return NULL;
}

static int set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
    return 0;
}

/* A CSV record as the JSON object parse_category reads. */
static int csv_record(struct csv_state *st, struct category *c)
{
    static const char *const strs[] = {"code",          "name",         "name_en", "respond_limit",
                                       "resolve_limit", "urgent_limit", "kind",    "kb_answer"};
    json_t *o = json_object();
    const char *v;
    int rc = 0;

    for (size_t i = 0; i < GZ_ARRAY_LEN(strs); i++) {
        v = field(st, strs[i]);
        if (v && !text_utf8_valid(v, strlen(v)))
            rc = gz_fail(st->err, GZ_EINVAL, strs[i], "%s is not valid UTF-8", strs[i]);
        set_str(o, strs[i], v);
    }
    for (int k = 0; !rc && k < 2; k++) {
        const char *key = k ? "active" : "claimable";
        v = field(st, key);
        if (!v || !*v)
            continue;
        if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
            rc = gz_fail(st->err, GZ_EINVAL, key, "%s must be true or false", key);
        else
            json_object_set_new(o, key,
                                json_boolean(strcmp(v, "true") == 0 || strcmp(v, "1") == 0));
    }
    category_init(c);
    if (!rc && !json_object_get(o, "code"))
        rc = gz_fail(st->err, GZ_EINVAL, "code", "code is required");
    if (!rc)
        rc = parse_category(o, c, st->err);
    if (!rc)
        rc = category_validate(c, st->err);
    json_decref(o);
    return rc;
}

static int check_header(struct csv_state *st)
{
    bool code = false, name = false;

    for (int i = 0; i < st->ncols; i++) {
        code = code || strcmp(st->header[i], "code") == 0;
        name = name || strcmp(st->header[i], "name") == 0;
    }
    if (!code || !name)
        return gz_fail(st->err, GZ_EINVAL, code ? "name" : "code",
                       "the header must name the columns, at least code and name");
    return 0;
}

static void free_fields(struct csv_state *st)
{
    for (int i = 0; i < st->nfields; i++)
        free(st->fields[i]);
    st->nfields = 0;
}

static int csv_add_row(struct csv_state *st)
{
    struct import_categories *out = st->out;

    if (out->n == st->cap) {
        size_t cap = st->cap ? st->cap * 2 : 64;
        struct category *nc = realloc(out->cats, cap * sizeof(*nc));
        if (!nc)
            return gz_fail(st->err, GZ_ENOMEM, "", "out of memory");
        out->cats = nc;
        st->cap = cap;
    }
    if (csv_record(st, &out->cats[out->n])) {
        category_release(&out->cats[out->n]);
        return st->err->code;
    }
    out->n++;
    return 0;
}

static void on_row(int c, void *arg)
{
    struct csv_state *st = arg;

    (void)c;
    st->line++;
    if (!st->rc && st->line == 1) {
        memcpy(st->header, st->fields, sizeof(st->fields));
        st->ncols = st->nfields;
        st->nfields = 0;
        st->rc = check_header(st);
        return;
    }
    if (!st->rc && !(st->nfields == 1 && !*st->fields[0]))
        st->rc = csv_add_row(st);
    if (st->rc && !st->bad)
        st->bad = st->line;
    free_fields(st);
}

int import_parse_categories_csv(const char *text, size_t len, struct import_categories *out,
                                size_t *bad, struct gz_err *err)
{
    struct csv_parser p;
    struct csv_state st = {.out = out, .err = err};

    memset(out, 0, sizeof(*out));
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        return gz_fail(err, GZ_ENOMEM, "", "out of memory");
    if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
        text += 3, len -= 3; /* a spreadsheet's byte-order mark */
    if (csv_parse(&p, text, len, on_field, on_row, &st) != len ||
        csv_fini(&p, on_field, on_row, &st)) {
        if (!st.rc) {
            st.rc =
                gz_fail(err, GZ_EINVAL, "file", "malformed CSV: %s", csv_strerror(csv_error(&p)));
            st.bad = st.line + 1;
        }
    }
    csv_free(&p);
    free_fields(&st);
    for (int i = 0; i < st.ncols; i++)
        free(st.header[i]);
    if (!st.rc && st.line == 0)
        st.rc = gz_fail(err, GZ_EINVAL, "file", "the file is empty");
    *bad = st.bad;
    if (st.rc)
        import_categories_release(out);
    return st.rc;
}

int import_parse_categories_json(const char *text, size_t len, struct import_categories *out,
                                 size_t *bad, struct gz_err *err)
{
    json_error_t jerr;
    json_t *doc = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr), *arr, *o;
    size_t i;
    int rc = 0;

    memset(out, 0, sizeof(*out));
    *bad = 0;
    if (!doc)
        return gz_fail(err, GZ_EINVAL, "file", "not JSON (line %d): %s", jerr.line, jerr.text);
    arr = json_is_array(doc) ? doc : json_object_get(doc, "categories");
    if (!json_is_array(arr)) {
        json_decref(doc);
        return gz_fail(err, GZ_EINVAL, "categories", "expected an array of categories");
    }
    out->cats = calloc(json_array_size(arr) + 1, sizeof(*out->cats));
    if (!out->cats)
        rc = gz_fail(err, GZ_ENOMEM, "", "out of memory");
    json_array_foreach(arr, i, o) {
        if (rc)
            break;
        category_init(&out->cats[i]);
        out->n = i + 1;
        if (!json_is_object(o))
            rc = gz_fail(err, GZ_EINVAL, "", "each category must be an object");
        else if (!json_object_get(o, "code"))
            rc = gz_fail(err, GZ_EINVAL, "code", "code is required");
        else
            rc = parse_category(o, &out->cats[i], err);
        if (!rc)
            rc = category_validate(&out->cats[i], err);
        if (rc)
            *bad = i;
    }
    json_decref(doc);
    if (rc)
        import_categories_release(out);
    return rc;
}

/* ---- files ---- */

int import_read_file(const char *path, char **text, size_t *len, struct gz_err *err)
{
    gzFile f = gzopen(path, "rb");
    struct buf b;
    char chunk[65536];
    int n;

    if (!f)
        return gz_fail(err, GZ_EINVAL, "file", "cannot open %s", path);
    buf_init(&b, GZ_MAX_IMPORT_FILE);
    while ((n = gzread(f, chunk, sizeof(chunk))) > 0) {
        if (buf_add(&b, chunk, (size_t)n)) {
            gzclose(f);
            buf_release(&b);
            return gz_fail(err, GZ_ETOOBIG, "file", "%s is larger than %u bytes", path,
                           GZ_MAX_IMPORT_FILE);
        }
    }
    if (n < 0 || gzclose(f) != Z_OK) {
        buf_release(&b);
        return gz_fail(err, GZ_EINVAL, "file", "cannot read %s (corrupt gzip?)", path);
    }
    *text = buf_detach(&b, len);
    return 0;
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

static int store_units(struct store *s, const char *text, size_t len, size_t *count,
                       struct gz_err *err)
{
    struct import_units u;
    struct progress p;
    size_t bad = 0;
    int rc = import_parse_units(text, len, &u, &bad, err);

    if (rc)
        return where(err, "feature", bad);
    progress_init(&p, "units");
    rc = store_unit_import(s, u.units, u.pcs, u.n, progress_cb, &p, &bad, err);
    if (rc)
        where(err, "feature", bad);
    *count = u.n;
    import_units_release(&u);
    return rc;
}

static int store_categories(struct store *s, const char *path, const char *text, size_t len,
                            size_t *count, struct gz_err *err)
{
    struct import_categories c;
    struct progress p;
    size_t bad = 0;
    bool json = ends_with(path, ".json") || ends_with(path, ".json.gz");
    int rc = json ? import_parse_categories_json(text, len, &c, &bad, err)
                  : import_parse_categories_csv(text, len, &c, &bad, err);

    if (rc)
        return where(err, json ? "category" : "line", bad);
    progress_init(&p, "categories");
    rc = store_category_import(s, c.cats, c.n, progress_cb, &p, &bad, err);
    if (rc)
        where(err, json ? "category" : "line", json ? bad : bad + 2);
    *count = c.n;
    import_categories_release(&c);
    return rc;
}

int import_file(struct store *s, const char *what, const char *path, size_t *count,
                struct gz_err *err)
{
    char *text = NULL;
    size_t len = 0;
    int rc;

    *count = 0;
    if (strcmp(what, "units") && strcmp(what, "categories") && strcmp(what, "calendar"))
        return gz_fail(err, GZ_EINVAL, "what", "import units, categories or calendar, not %s",
                       what);
    rc = import_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    if (strcmp(what, "units") == 0)
        rc = store_units(s, text, len, count, err);
    else if (strcmp(what, "calendar") == 0)
        rc = store_calendar_import(s, text, len, count, err);
    else
        rc = store_categories(s, path, text, len, count, err);
    free(text);
    return rc;
}
