/*
 * import.c - parse units (GeoJSON) and categories (CSV, JSON) from files and
 * store each file in one transaction. Every record is parsed and validated
 * before anything is written, and the store rolls the whole file back if a
 * record fails on its constraints, so a bad file leaves the database as it
 * was.
 */
#include "gz.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <zlib.h>

#include "io/csvread.h"
#include "io/import.h"
#include "io/kbfile.h"
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

static int set_str(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
    return 0;
}

/* A CSV record as the JSON object parse_category reads. */
static int csv_category(const struct csv_row *row, struct category *c, struct gz_err *err)
{
    static const char *const strs[] = {"code",          "name",         "name_en", "respond_limit",
                                       "resolve_limit", "urgent_limit", "kind",    "kb_answer"};
    json_t *o = json_object();
    const char *v;
    int rc = 0;

    for (size_t i = 0; i < GZ_ARRAY_LEN(strs); i++) {
        v = csv_field(row, strs[i]);
        if (v && !text_utf8_valid(v, strlen(v)))
            rc = gz_fail(err, GZ_EINVAL, strs[i], "%s is not valid UTF-8", strs[i]);
        set_str(o, strs[i], v);
    }
    for (int k = 0; !rc && k < 2; k++) {
        const char *key = k ? "active" : "claimable";
        v = csv_field(row, key);
        if (!v || !*v)
            continue;
        if (strcmp(v, "true") && strcmp(v, "false") && strcmp(v, "1") && strcmp(v, "0"))
            rc = gz_fail(err, GZ_EINVAL, key, "%s must be true or false", key);
        else
            json_object_set_new(o, key,
                                json_boolean(strcmp(v, "true") == 0 || strcmp(v, "1") == 0));
    }
    category_init(c);
    if (!rc && !json_object_get(o, "code"))
        rc = gz_fail(err, GZ_EINVAL, "code", "code is required");
    if (!rc)
        rc = parse_category(o, c, err);
    if (!rc)
        rc = category_validate(c, err);
    json_decref(o);
    return rc;
}

struct cat_rows {
    struct import_categories *out;
    size_t cap;
};

static int add_category_row(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    struct cat_rows *cr = ctx;
    struct import_categories *out = cr->out;

    if (out->n == cr->cap) {
        size_t cap = cr->cap ? cr->cap * 2 : 64;
        struct category *nc = realloc(out->cats, cap * sizeof(*nc));
        if (!nc)
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
        out->cats = nc;
        cr->cap = cap;
    }
    if (csv_category(row, &out->cats[out->n], err)) {
        category_release(&out->cats[out->n]);
        return err->code;
    }
    out->n++;
    return 0;
}

int import_parse_categories_csv(const char *text, size_t len, struct import_categories *out,
                                size_t *bad, struct gz_err *err)
{
    static const char *const required[] = {"code", "name", NULL};
    struct cat_rows cr = {out, 0};
    int rc;

    memset(out, 0, sizeof(*out));
    rc = csv_read(text, len, required, add_category_row, &cr, bad, err);
    if (rc)
        import_categories_release(out);
    return rc;
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

static int where(struct gz_err *err, const char *what, size_t index);

/* ---- routes from CSV ---- */

struct route_rows {
    struct store *s;
    struct route_rule *v;
    size_t n, cap;
};

/* A unit code to its id (0 for ""); an unknown or inactive code names the column. */
static int unit_code(struct store *s, const char *code, const char *col, int64_t *id,
                     struct gz_err *err)
{
    struct unit u;
    bool active;

    *id = 0;
    if (!code || !*code)
        return 0;
    unit_init(&u);
    if (store_unit_get_by_code(s, code, &u, NULL, err))
        return gz_fail(err, GZ_EINVAL, col, "no unit %s", code);
    active = u.active;
    *id = u.id;
    unit_release(&u);
    return active ? 0 : gz_fail(err, GZ_EINVAL, col, "unit %s is inactive", code);
}

/* co_units: codes separated by ';' or spaces. */
static int co_codes(struct store *s, const char *list, struct route_rule *r, struct gz_err *err)
{
    char code[GZ_MAX_CODE + 1];

    while (list && *list) {
        size_t n = strcspn(list, "; ");
        if (n && n <= GZ_MAX_CODE) {
            memcpy(code, list, n);
            code[n] = '\0';
            if (r->n_co == CASE_MAX_CO)
                return gz_fail(err, GZ_EINVAL, "co_units", "at most %d co-units", CASE_MAX_CO);
            if (unit_code(s, code, "co_units", &r->co_units[r->n_co++], err))
                return err->code;
        } else if (n) {
            return gz_fail(err, GZ_EINVAL, "co_units", "a co-unit code is too long");
        }
        list += n + (list[n] != '\0');
    }
    return 0;
}

static int route_row(struct store *s, const struct csv_row *row, struct route_rule *r,
                     struct gz_err *err)
{
    const char *prefix = csv_field(row, "category_prefix"), *kind = csv_field(row, "lead_kind");

    memset(r, 0, sizeof(*r));
    r->active = true;
    r->lead_kind = kind && *kind ? unit_kind_parse(kind) : -1;
    if (kind && *kind && r->lead_kind < 0)
        return gz_fail(err, GZ_EINVAL, "lead_kind", "unknown unit kind %s", kind);
    if (prefix && strlen(prefix) >= sizeof(r->prefix))
        return gz_fail(err, GZ_EINVAL, "category_prefix", "category_prefix is too long");
    snprintf(r->prefix, sizeof(r->prefix), "%s", prefix ? prefix : "");
    if (unit_code(s, csv_field(row, "area"), "area", &r->area_unit_id, err) ||
        unit_code(s, csv_field(row, "lead_unit"), "lead_unit", &r->lead_unit_id, err) ||
        co_codes(s, csv_field(row, "co_units"), r, err))
        return err->code;
    return route_rule_validate(r, err);
}

static int add_route_row(void *ctx, const struct csv_row *row, struct gz_err *err)
{
    struct route_rows *rr = ctx;

    if (rr->n == rr->cap) {
        size_t cap = rr->cap ? rr->cap * 2 : 64;
        struct route_rule *v = realloc(rr->v, cap * sizeof(*v));
        if (!v)
            return gz_fail(err, GZ_ENOMEM, "", "out of memory");
        rr->v = v;
        rr->cap = cap;
    }
    if (route_row(rr->s, row, &rr->v[rr->n], err))
        return err->code;
    rr->n++;
    return 0;
}

static int store_routes(struct store *s, const char *text, size_t len, size_t *count,
                        struct gz_err *err)
{
    static const char *const required[] = {"category_prefix", NULL};
    struct route_rows rr = {s, NULL, 0, 0};
    size_t bad = 0;
    int rc = csv_read(text, len, required, add_route_row, &rr, &bad, err);

    if (rc) {
        where(err, "line", bad);
    } else {
        rc = store_route_import(s, rr.v, rr.n, &bad, err);
        if (rc)
            where(err, "rule", bad + 1);
        *count = rr.n;
    }
    free(rr.v);
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
    if (strcmp(what, "units") && strcmp(what, "categories") && strcmp(what, "calendar") &&
        strcmp(what, "routes") && strcmp(what, "kb"))
        return gz_fail(err, GZ_EINVAL, "what",
                       "import units, categories, calendar, routes or kb, not %s", what);
    rc = import_read_file(path, &text, &len, err);
    if (rc)
        return rc;
    if (strcmp(what, "units") == 0)
        rc = store_units(s, text, len, count, err);
    else if (strcmp(what, "calendar") == 0)
        rc = store_calendar_import(s, text, len, count, err);
    else if (strcmp(what, "routes") == 0)
        rc = store_routes(s, text, len, count, err);
    else if (strcmp(what, "kb") == 0)
        rc = kbfile_store(s, path, text, len, count, err);
    else
        rc = store_categories(s, path, text, len, count, err);
    free(text);
    return rc;
}
