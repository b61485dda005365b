/* json.c - request field helpers over jansson (see json.h). */
#include "gz.h"

#include <stdlib.h>

#include "util/json.h"
#include "util/text.h"

static int absent(const json_t *v, const char *key, bool required, struct gz_err *err)
{
    if (required)
        return gz_fail(err, GZ_EINVAL, key, "%s is required", key);
    (void)v;
    return 1;
}

int json_get_str(const json_t *o, const char *key, char *dst, size_t size, bool required,
                 struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);
    size_t n;

    if (!v || (json_is_null(v) && !required))
        return absent(v, key, required, err);
    if (!json_is_string(v))
        return gz_fail(err, GZ_EINVAL, key, "%s must be a string", key);
    n = json_string_length(v);
    if (n >= size)
        return gz_fail(err, GZ_EINVAL, key, "%s is longer than %zu bytes", key, size - 1);
    if (memchr(json_string_value(v), '\0', n))
        return gz_fail(err, GZ_EINVAL, key, "%s contains a NUL character", key);
    memcpy(dst, json_string_value(v), n + 1);
    return 0;
}

int json_get_strdup(const json_t *o, const char *key, char **dst, size_t max, bool required,
                    struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);
    char *copy;

    if (!v)
        return absent(v, key, required, err);
    if (json_is_null(v) && !required) {
        free(*dst);
        *dst = NULL;
        return 0;
    }
    if (!json_is_string(v))
        return gz_fail(err, GZ_EINVAL, key, "%s must be a string", key);
    if (json_string_length(v) > max)
        return gz_fail(err, GZ_EINVAL, key, "%s is longer than %zu bytes", key, max);
    if (memchr(json_string_value(v), '\0', json_string_length(v)))
        return gz_fail(err, GZ_EINVAL, key, "%s contains a NUL character", key);
    copy = strdup(json_string_value(v));
    if (!copy)
        return gz_fail(err, GZ_ENOMEM, key, "out of memory");
    free(*dst);
    *dst = copy;
    return 0;
}

int json_get_bool(const json_t *o, const char *key, bool *dst, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    if (!v)
        return 1;
    if (!json_is_boolean(v))
        return gz_fail(err, GZ_EINVAL, key, "%s must be true or false", key);
    *dst = json_is_true(v);
    return 0;
}

int json_get_int(const json_t *o, const char *key, int64_t min, int64_t max, int64_t *dst,
                 bool required, struct gz_err *err)
{
    const json_t *v = json_object_get(o, key);

    if (!v || (json_is_null(v) && !required))
        return absent(v, key, required, err);
    if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
        return gz_fail(err, GZ_EINVAL, key, "%s must be an integer from %lld to %lld", key,
                       (long long)min, (long long)max);
    *dst = json_integer_value(v);
    return 0;
}

int json_check_keys(const json_t *o, const char *const *known, struct gz_err *err)
{
    const char *key;
    const json_t *v;

    json_object_foreach((json_t *)o, key, v) {
        size_t i = 0;
        while (known[i] && strcmp(known[i], key) != 0)
            i++;
        if (!known[i])
            return gz_fail(err, GZ_EINVAL, key, "unknown field %s", key);
    }
    return 0;
}

json_t *json_str_or_null(const char *s)
{
    return s && *s ? json_string(s) : json_null();
}

/* The members of an object's text, without its braces. */
static bool members_of(const char *text, const char **at, size_t *n)
{
    size_t len = text ? strlen(text) : 0;

    if (len < 2 || text[0] != '{' || text[len - 1] != '}')
        return false;
    *at = text + 1;
    *n = len - 2;
    return true;
}

char *json_text_join(const char *a, const char *b)
{
    const char *ma, *mb;
    size_t na, nb;
    char *out;

    if (!members_of(a, &ma, &na) || !members_of(b, &mb, &nb) || !(out = malloc(na + nb + 4)))
        return NULL;
    snprintf(out, na + nb + 4, "{%.*s%s%.*s}", (int)na, ma, na && nb ? "," : "", (int)nb, mb);
    return out;
}
