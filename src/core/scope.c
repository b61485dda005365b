/*
 * scope.c - API client scopes (see scope.h). Pure rules: the API layer
 * gathers a case's units and ancestors, this file decides.
 */
#include "gz.h"

#include "core/scope.h"
#include "util/text.h"

static const char *const access_names[SCOPE_ACCESS_COUNT] = {"none", "read", "write"};

/* The case fields a client may be granted: the keys of the case view, and its timeline. */
static const char *const known_fields[] = {"*",
                                           "status",
                                           "channel",
                                           "category",
                                           "priority",
                                           "text",
                                           "address",
                                           "lat",
                                           "lon",
                                           "lead_unit_id",
                                           "created_at",
                                           "dispatched_at",
                                           "respond_by",
                                           "resolve_by",
                                           "overdue",
                                           "id",
                                           "external_id",
                                           "co_unit_ids",
                                           "category_source",
                                           "accepted_at",
                                           "resolved_at",
                                           "verified_at",
                                           "closed_at",
                                           "reply",
                                           "rating",
                                           "rework_count",
                                           "metoo",
                                           "extension",
                                           "parked_from",
                                           "place",
                                           "allowed_actions",
                                           "events",
                                           "reporter_name",
                                           "reporter_phone",
                                           NULL};

void scope_init(struct api_scope *s)
{
    memset(s, 0, sizeof(*s));
    s->access = SCOPE_NONE;
    s->n_fields = 1;
    s->fields[0][0] = '*';
}

const char *scope_access_name(enum scope_access a)
{
    return a < SCOPE_ACCESS_COUNT ? access_names[a] : "none";
}

int scope_access_parse(const char *s)
{
    for (int i = 0; i < SCOPE_ACCESS_COUNT; i++)
        if (strcmp(s, access_names[i]) == 0)
            return i;
    return -1;
}

int scope_add_category(struct api_scope *s, const char *prefix, struct gz_err *err)
{
    if (!category_code_valid(prefix))
        return gz_fail(err, GZ_EINVAL, "categories", "%.16s is not a category code", prefix);
    for (size_t i = 0; i < s->n_cats; i++)
        if (strcmp(s->cats[i], prefix) == 0)
            return 0;
    if (s->n_cats >= SCOPE_MAX_ITEMS)
        return gz_fail(err, GZ_EINVAL, "categories", "at most %d categories", SCOPE_MAX_ITEMS);
    snprintf(s->cats[s->n_cats++], sizeof(s->cats[0]), "%s", prefix);
    return 0;
}

int scope_add_area(struct api_scope *s, int64_t unit_id, struct gz_err *err)
{
    if (unit_id <= 0)
        return gz_fail(err, GZ_EINVAL, "areas", "an area is a unit id");
    for (size_t i = 0; i < s->n_areas; i++)
        if (s->areas[i] == unit_id)
            return 0;
    if (s->n_areas >= SCOPE_MAX_ITEMS)
        return gz_fail(err, GZ_EINVAL, "areas", "at most %d areas", SCOPE_MAX_ITEMS);
    s->areas[s->n_areas++] = unit_id;
    return 0;
}

bool scope_field_known(const char *name)
{
    for (size_t i = 0; known_fields[i]; i++)
        if (strcmp(name, known_fields[i]) == 0)
            return true;
    return false;
}

bool scope_field_is_pii(const char *name)
{
    return strcmp(name, "reporter_name") == 0 || strcmp(name, "reporter_phone") == 0;
}

int scope_add_field(struct api_scope *s, const char *name, struct gz_err *err)
{
    if (!scope_field_known(name))
        return gz_fail(err, GZ_EINVAL, "fields", "%.31s is not a case field", name);
    for (size_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i], name) == 0)
            return 0;
    if (s->n_fields >= SCOPE_MAX_ITEMS)
        return gz_fail(err, GZ_EINVAL, "fields", "at most %d fields", SCOPE_MAX_ITEMS);
    snprintf(s->fields[s->n_fields++], sizeof(s->fields[0]), "%s", name);
    return 0;
}

bool scope_may_read(const struct api_scope *s)
{
    return s->access == SCOPE_READ || s->access == SCOPE_WRITE;
}

bool scope_may_write(const struct api_scope *s)
{
    return s->access == SCOPE_WRITE;
}

bool scope_category_in(const struct api_scope *s, const char *code)
{
    if (!s->n_cats)
        return true;
    if (!code || !*code)
        return false; /* not yet classified: not known to be the client's */
    for (size_t i = 0; i < s->n_cats; i++)
        if (strncmp(code, s->cats[i], strlen(s->cats[i])) == 0)
            return true;
    return false;
}

bool scope_area_in(const struct api_scope *s, const int64_t *units, size_t n)
{
    if (!s->n_areas)
        return true;
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < s->n_areas; k++)
            if (units[i] && units[i] == s->areas[k])
                return true;
    return false;
}

bool scope_field_allowed(const struct api_scope *s, const char *name)
{
    bool pii = scope_field_is_pii(name);

    if (strcmp(name, "number") == 0)
        return true;
    for (size_t i = 0; i < s->n_fields; i++)
        if (strcmp(s->fields[i], name) == 0 || (!pii && strcmp(s->fields[i], "*") == 0))
            return true;
    return false;
}

/* ---- stored forms ---- */

static void join(char *out, size_t n, size_t width, const char *items)
{
    size_t len = 0;

    out[0] = '\0';
    for (size_t i = 0; i < n && len < SCOPE_TEXT_MAX; i++) {
        int w = snprintf(out + len, SCOPE_TEXT_MAX - len, "%s%s", i ? "," : "", items + i * width);
        len += w > 0 ? (size_t)w : 0;
    }
}

void scope_format(const struct api_scope *s, char *cats, char *areas, char *fields)
{
    size_t len = 0;

    join(cats, s->n_cats, sizeof(s->cats[0]), &s->cats[0][0]);
    join(fields, s->n_fields, sizeof(s->fields[0]), &s->fields[0][0]);
    areas[0] = '\0';
    for (size_t i = 0; i < s->n_areas && len < SCOPE_TEXT_MAX; i++) {
        int w = snprintf(areas + len, SCOPE_TEXT_MAX - len, "%s%lld", i ? "," : "",
                         (long long)s->areas[i]);
        len += w > 0 ? (size_t)w : 0;
    }
}

typedef int (*item_fn)(struct api_scope *s, const char *item, struct gz_err *err);

static int add_cat_item(struct api_scope *s, const char *item, struct gz_err *err)
{
    return scope_add_category(s, item, err);
}

static int add_area_item(struct api_scope *s, const char *item, struct gz_err *err)
{
    long long v;

    if (!text_parse_i64(item, 1, INT64_MAX, &v))
        return gz_fail(err, GZ_EINVAL, "areas", "an area is a unit id");
    return scope_add_area(s, v, err);
}

static int add_field_item(struct api_scope *s, const char *item, struct gz_err *err)
{
    return scope_add_field(s, item, err);
}

/* Each comma-separated item of text through fn; empty text is an empty list. */
static int split(struct api_scope *s, const char *text, const char *what, item_fn fn,
                 struct gz_err *err)
{
    char item[SCOPE_FIELD_MAX + 8];

    while (text && *text) {
        size_t n = strcspn(text, ",");
        if (!n || n >= sizeof(item))
            return gz_fail(err, GZ_EINVAL, what, "%s holds an empty or overlong item", what);
        memcpy(item, text, n);
        item[n] = '\0';
        if (fn(s, item, err))
            return err->code;
        text += n;
        if (*text == ',' && !*++text)
            return gz_fail(err, GZ_EINVAL, what, "%s ends with a comma", what);
    }
    return 0;
}

int scope_parse(struct api_scope *s, const char *access, const char *cats, const char *areas,
                const char *fields, struct gz_err *err)
{
    int a = scope_access_parse(access ? access : "none");

    scope_init(s);
    if (a < 0)
        return gz_fail(err, GZ_EINVAL, "access", "access must be none, read or write");
    s->access = (enum scope_access)a;
    s->n_fields = 0;
    if (split(s, cats, "categories", add_cat_item, err) ||
        split(s, areas, "areas", add_area_item, err) ||
        split(s, fields, "fields", add_field_item, err))
        return err->code;
    return 0;
}
