/*
 * attrdef.c - service attributes (see attrdef.h). A definition list is
 * checked once, when an administrator stores it, and kept normalised, so
 * reading it back (the service definition, checking a report's answers)
 * trusts its shape and only looks members up.
 */
#include "gz.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>

#include "core/attrdef.h"
#include "core/w3cdate.h"
#include "util/text.h"

static const char *const type_names[ATTR_TYPE_COUNT] = {
    "string", "number", "datetime", "text", "singlevaluelist", "multivaluelist",
};

const char *attr_type_name(enum attr_type t)
{
    return (unsigned)t < ATTR_TYPE_COUNT ? type_names[t] : "unknown";
}

int attr_type_parse(const char *s)
{
    for (int i = 0; i < ATTR_TYPE_COUNT; i++)
        if (strcmp(s, type_names[i]) == 0)
            return i;
    return -1;
}

static bool is_list(int type)
{
    return type == ATTR_SINGLE || type == ATTR_MULTI;
}

/* ---- definitions ---- */

/* A path for errors: attributes[i].member or attributes[i].values[k].member. */
struct where {
    size_t i;
    long k; /* -1: not inside values */
};

static int bad(struct gz_err *err, struct where w, const char *member, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int bad(struct gz_err *err, struct where w, const char *member, const char *fmt, ...)
{
    char field[64], msg[200];
    va_list ap;

    if (w.k >= 0)
        snprintf(field, sizeof(field), "attributes[%zu].values[%ld].%s", w.i, w.k, member);
    else
        snprintf(field, sizeof(field), "attributes[%zu].%s", w.i, member);
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    return gz_fail(err, GZ_EINVAL, field, "%s: %s", field, msg);
}

/* A string member of at most max characters (0 = any length); NULL when absent or null. */
static int get_text(const json_t *o, const char *key, size_t max_chars, bool required,
                    struct where w, const char **out, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    *out = NULL;
    if (!v || json_is_null(v))
        return required ? bad(err, w, key, "%s is required", key) : 0;
    if (!json_is_string(v) || memchr(json_string_value(v), '\0', json_string_length(v)))
        return bad(err, w, key, "%s must be a string", key);
    if (required && !json_string_length(v))
        return bad(err, w, key, "%s must not be empty", key);
    if (max_chars && text_utf8_len(json_string_value(v)) > max_chars)
        return bad(err, w, key, "%s is too long", key);
    *out = json_string_value(v);
    return 0;
}

static int get_flag(const json_t *o, const char *key, bool dflt, struct where w, bool *out,
                    struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    *out = dflt;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_boolean(v))
        return bad(err, w, key, "%s must be true or false", key);
    *out = json_is_true(v);
    return 0;
}

static bool only_keys(const json_t *o, const char *const *known, const char **unknown)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i]) {
            *unknown = key;
            return false;
        }
    }
    return true;
}

/* One {key, name} of a list; appended to out. */
static int norm_value(const json_t *v, struct where w, json_t *out, struct gz_err *err)
{
    static const char *const keys[] = {"key", "name", NULL};
    const char *key, *name, *unknown;
    size_t i;
    json_t *seen;

    if (!json_is_object(v))
        return bad(err, w, "key", "%s: each value must be an object {key, name}", "values");
    if (!only_keys(v, keys, &unknown))
        return bad(err, w, unknown, "%s is not a member of a value", unknown);
    if (get_text(v, "key", 0, true, w, &key, err) ||
        get_text(v, "name", GZ_MAX_NAME / 4, true, w, &name, err))
        return GZ_EINVAL;
    if (strlen(key) > ATTR_CODE_MAX || strlen(name) >= GZ_MAX_NAME)
        return bad(err, w, "key", "%s is too long", "key or name");
    json_array_foreach(out, i, seen) {
        if (strcmp(json_string_value(json_object_get(seen, "key")), key) == 0)
            return bad(err, w, "key", "key %s is used twice", key);
    }
    json_array_append_new(out, json_pack("{s:s, s:s}", "key", key, "name", name));
    return 0;
}

static int norm_values(const json_t *a, int type, struct where w, json_t *out, struct gz_err *err)
{
    const json_t *values = json_object_get(a, "values"), *v;
    json_t *list;
    size_t k;

    if (!is_list(type)) {
        if (values && !json_is_null(values) && !(json_is_array(values) && !json_array_size(values)))
            return bad(err, w, "values", "%s: only list datatypes have values", "values");
        return 0;
    }
    if (!json_is_array(values) || !json_array_size(values) ||
        json_array_size(values) > ATTR_MAX_VALUES)
        return bad(err, w, "values", "%s must be a list of 1 to 200 {key, name}", "values");
    list = json_array();
    json_array_foreach(values, k, v) {
        struct where wk = {w.i, (long)k};
        if (norm_value(v, wk, list, err)) {
            json_decref(list);
            return GZ_EINVAL;
        }
    }
    json_object_set_new(out, "values", list);
    return 0;
}

static int get_order(const json_t *a, struct where w, json_int_t *order, struct gz_err *err)
{
    const json_t *v = json_object_get(a, "order");

    *order = (json_int_t)w.i + 1;
    if (!v || json_is_null(v))
        return 0;
    if (!json_is_integer(v) || json_integer_value(v) < 1 || json_integer_value(v) > 100000)
        return bad(err, w, "order", "%s must be a whole number from 1 to 100000", "order");
    *order = json_integer_value(v);
    return 0;
}

static const char *const def_keys[] = {
    "code",   "datatype", "required", "variable", "order", "description", "datatype_description",
    "values", NULL};

/* One attribute definition, normalised into a new object (NULL on error). */
static json_t *norm_attr(const json_t *a, struct where w, struct gz_err *err)
{
    const char *code, *dt, *desc, *dtdesc, *unknown;
    bool required, variable;
    json_int_t order;
    int type;
    json_t *o;

    if (!json_is_object(a))
        return bad(err, w, "code", "%s: each attribute must be an object", "attributes"), NULL;
    if (!only_keys(a, def_keys, &unknown))
        return bad(err, w, unknown, "%s is not a member of an attribute", unknown), NULL;
    if (get_text(a, "code", 0, true, w, &code, err) ||
        get_text(a, "datatype", 0, true, w, &dt, err) ||
        get_text(a, "description", ATTR_STRING_MAX_CHARS, true, w, &desc, err) ||
        get_text(a, "datatype_description", ATTR_STRING_MAX_CHARS, false, w, &dtdesc, err) ||
        get_flag(a, "required", false, w, &required, err) ||
        get_flag(a, "variable", true, w, &variable, err) || get_order(a, w, &order, err))
        return NULL;
    if (!text_is_code(code, ATTR_CODE_MAX))
        return bad(err, w, "code", "%s must be 1-64 of A-Z a-z 0-9 _ . -", "code"), NULL;
    type = attr_type_parse(dt);
    if (type < 0)
        return bad(err, w, "datatype", "unknown datatype %s", dt), NULL;
    if (required && !variable)
        return bad(err, w, "required", "%s: an informational attribute cannot be required",
                   "required"),
               NULL;
    o = json_pack("{s:b, s:s, s:s, s:b, s:o, s:I, s:s}", "variable", variable, "code", code,
                  "datatype", dt, "required", required, "datatype_description",
                  dtdesc ? json_string(dtdesc) : json_null(), "order", order, "description", desc);
    if (norm_values(a, type, w, o, err)) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static int by_order(const void *a, const void *b)
{
    json_int_t x = json_integer_value(json_object_get(*(json_t *const *)a, "order"));
    json_int_t y = json_integer_value(json_object_get(*(json_t *const *)b, "order"));

    return (x > y) - (x < y);
}

/* No code or order twice (the list is sorted by order). */
static int check_unique(json_t **items, size_t n, struct gz_err *err)
{
    for (size_t i = 1; i < n; i++) {
        const char *code = json_string_value(json_object_get(items[i], "code"));
        if (by_order(&items[i - 1], &items[i]) == 0)
            return gz_fail(err, GZ_EINVAL, "attributes", "attributes: order %lld is used twice",
                           (long long)json_integer_value(json_object_get(items[i], "order")));
        for (size_t k = 0; k < i; k++)
            if (strcmp(code, json_string_value(json_object_get(items[k], "code"))) == 0)
                return gz_fail(err, GZ_EINVAL, "attributes", "attributes: code %s is used twice",
                               code);
    }
    return 0;
}

json_t *attrdef_normalise(const json_t *defs, struct gz_err *err)
{
    json_t *items[ATTR_MAX], *out = NULL;
    size_t n = 0, i;
    const json_t *a;

    if (!json_is_array(defs) || json_array_size(defs) > ATTR_MAX) {
        gz_fail(err, GZ_EINVAL, "attributes", "attributes must be a list of at most %d", ATTR_MAX);
        return NULL;
    }
    json_array_foreach(defs, i, a) {
        items[n] = norm_attr(a, (struct where){i, -1}, err);
        if (!items[n])
            goto out;
        n++;
    }
    qsort(items, n, sizeof(items[0]), by_order);
    if (check_unique(items, n, err))
        goto out;
    out = json_array();
    for (i = 0; i < n; i++)
        json_array_append(out, items[i]);
out:
    for (i = 0; i < n; i++)
        json_decref(items[i]);
    return out;
}

/* ---- answers ---- */

bool attrdef_field(const char *name, char *code, size_t size, bool *multi)
{
    static const char prefix[] = "attribute[";
    const char *p, *close;
    size_t len;

    if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
        return false;
    p = name + sizeof(prefix) - 1;
    close = strchr(p, ']');
    if (!close || close == p)
        return false;
    len = (size_t)(close - p);
    if (len >= size || len > ATTR_CODE_MAX)
        return false;
    if (strcmp(close + 1, "") == 0)
        *multi = false;
    else if (strcmp(close + 1, "[]") == 0)
        *multi = true;
    else
        return false;
    memcpy(code, p, len);
    code[len] = '\0';
    return true;
}

static const json_t *find_def(const json_t *defs, const char *code)
{
    size_t i;
    const json_t *d;

    json_array_foreach(defs, i, d) {
        if (strcmp(json_string_value(json_object_get(d, "code")), code) == 0)
            return d;
    }
    return NULL;
}

static bool in_values(const json_t *d, const char *v)
{
    size_t i;
    const json_t *x;

    json_array_foreach(json_object_get(d, "values"), i, x) {
        if (strcmp(json_string_value(json_object_get(x, "key")), v) == 0)
            return true;
    }
    return false;
}

static bool is_number(const char *v)
{
    char *end;
    double d;

    if (!*v || isspace((unsigned char)*v))
        return false;
    d = strtod(v, &end);
    return *end == '\0' && isfinite(d);
}

static int answer_fail(struct gz_err *err, const char *code, const char *what)
{
    char field[64];

    snprintf(field, sizeof(field), "attribute[%s]", code);
    return gz_fail(err, GZ_EINVAL, field, "attribute[%s] %s", code, what);
}

/* Is value a well-formed answer of d's type? */
static int check_value(const json_t *d, int type, const struct attr_answer *a, struct gz_err *err)
{
    size_t chars = text_utf8_len(a->value);
    int64_t t;

    switch (type) {
    case ATTR_STRING:
        if (strpbrk(a->value, "\r\n") || chars > ATTR_STRING_MAX_CHARS)
            return answer_fail(err, a->code, "must be one line of at most 1000 characters");
        return 0;
    case ATTR_TEXT:
        return chars > ATTR_TEXT_MAX_CHARS
                   ? answer_fail(err, a->code, "is longer than 4000 characters")
                   : 0;
    case ATTR_NUMBER:
        return is_number(a->value) ? 0 : answer_fail(err, a->code, "must be a number");
    case ATTR_DATETIME:
        return w3c_parse(a->value, &t) ? 0
                                       : answer_fail(err, a->code,
                                                     "must be a W3C date-time such as "
                                                     "2026-11-24T08:00:00+08:00");
    default:
        return in_values(d, a->value) ? 0 : answer_fail(err, a->code, "is not one of its values");
    }
}

/* Add one answer to out after its checks. */
static int add_answer(const json_t *defs, const struct attr_answer *a, json_t *out,
                      struct gz_err *err)
{
    const json_t *d = find_def(defs, a->code);
    json_t *have = json_object_get(out, a->code), *x;
    int type;
    size_t i;

    if (!d)
        return answer_fail(err, a->code, "is not an attribute of this service");
    if (!json_is_true(json_object_get(d, "variable")))
        return answer_fail(err, a->code, "is for information only and takes no answer");
    if (!*a->value)
        return 0;
    type = attr_type_parse(json_string_value(json_object_get(d, "datatype")));
    if (check_value(d, type, a, err))
        return GZ_EINVAL;
    if (type != ATTR_MULTI) {
        if (have)
            return answer_fail(err, a->code, "is given more than once");
        json_object_set_new(out, a->code, json_string(a->value));
        return 0;
    }
    if (!have) {
        have = json_array();
        json_object_set_new(out, a->code, have);
    }
    json_array_foreach(have, i, x) {
        if (strcmp(json_string_value(x), a->value) == 0)
            return answer_fail(err, a->code, "names a value twice");
    }
    json_array_append_new(have, json_string(a->value));
    return 0;
}

int attrdef_check(const json_t *defs, const struct attr_answer *answers, size_t n, json_t **out,
                  struct gz_err *err)
{
    json_t *got = json_object();
    const json_t *d;
    size_t i;

    *out = NULL;
    for (i = 0; i < n; i++)
        if (add_answer(defs, &answers[i], got, err))
            goto fail;
    json_array_foreach(defs, i, d) {
        const char *code = json_string_value(json_object_get(d, "code"));
        if (json_is_true(json_object_get(d, "required")) && !json_object_get(got, code)) {
            answer_fail(err, code, "is required");
            goto fail;
        }
    }
    if (json_object_size(got))
        *out = got;
    else
        json_decref(got);
    return 0;
fail:
    json_decref(got);
    return GZ_EINVAL;
}
