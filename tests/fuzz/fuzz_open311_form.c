/*
 * fuzz_open311_form.c - what a GeoReport POST body goes through before it
 * becomes a case: form_parse on the bytes (every pair named, UTF-8, no NUL;
 * form_get finds the first pair), then each attribute[CODE] / attribute[CODE][]
 * name through attrdef_field, and the answers through attrdef_check against a
 * definition with every datatype (a success answers only defined codes).
 */
#include "gz.h"

#include "core/attrdef.h"
#include "fuzz.h"
#include "io/form.h"
#include "util/text.h"

static const char defs_text[] =
    "[{\"code\":\"S\",\"datatype\":\"string\",\"description\":\"s\"},"
    "{\"code\":\"N\",\"datatype\":\"number\",\"description\":\"n\"},"
    "{\"code\":\"D\",\"datatype\":\"datetime\",\"description\":\"d\"},"
    "{\"code\":\"T\",\"datatype\":\"text\",\"description\":\"t\"},"
    "{\"code\":\"L\",\"datatype\":\"singlevaluelist\",\"description\":\"l\","
    "\"values\":[{\"key\":\"a\",\"name\":\"A\"},{\"key\":\"b\",\"name\":\"B\"}]},"
    "{\"code\":\"M\",\"datatype\":\"multivaluelist\",\"description\":\"m\","
    "\"values\":[{\"key\":\"a\",\"name\":\"A\"},{\"key\":\"b\",\"name\":\"B\"}]},"
    "{\"code\":\"I\",\"datatype\":\"text\",\"variable\":false,\"description\":\"i\"}]";

static void check_answers(const struct form *f)
{
    static char codes[FORM_MAX_PAIRS][ATTR_CODE_MAX + 1];
    struct attr_answer answers[FORM_MAX_PAIRS];
    struct gz_err err = {0};
    json_t *defs_in = json_loads(defs_text, 0, NULL), *defs, *out = NULL;
    size_t n = 0;
    const char *key;
    json_t *v;

    FUZZ_CHECK(defs_in);
    defs = attrdef_normalise(defs_in, &err);
    FUZZ_CHECK(defs);
    for (size_t i = 0; i < f->n; i++) {
        bool multi;
        if (attrdef_field(f->pairs[i].name, codes[n], sizeof(codes[n]), &multi)) {
            FUZZ_CHECK(strlen(codes[n]) >= 1 && strlen(codes[n]) <= ATTR_CODE_MAX);
            answers[n] = (struct attr_answer){codes[n], f->pairs[i].value, multi};
            n++;
        }
    }
    if (attrdef_check(defs, answers, n, &out, &err) == 0 && out) {
        json_object_foreach(out, key, v) {
            FUZZ_CHECK(strchr("SNDTLM", key[0]) && key[1] == '\0');
        }
    } else if (err.code) {
        FUZZ_CHECK(err.code == GZ_EINVAL && strncmp(err.field, "attribute[", 10) == 0);
    }
    json_decref(out);
    json_decref(defs);
    json_decref(defs_in);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct form f;
    struct gz_err err = {0};

    if (form_parse((const char *)data, size, FORM_MAX_PAIRS, &f, &err) == 0) {
        FUZZ_CHECK(f.n <= FORM_MAX_PAIRS);
        for (size_t i = 0; i < f.n; i++) {
            FUZZ_CHECK(f.pairs[i].name[0] != '\0');
            FUZZ_CHECK(text_utf8_valid(f.pairs[i].name, strlen(f.pairs[i].name)));
            FUZZ_CHECK(text_utf8_valid(f.pairs[i].value, strlen(f.pairs[i].value)));
        }
        if (f.n)
            FUZZ_CHECK(form_get(&f, f.pairs[0].name) == f.pairs[0].value);
        check_answers(&f);
    } else {
        FUZZ_CHECK(err.code == GZ_EBADREQ || err.code == GZ_ENOMEM);
    }
    form_release(&f);
    return 0;
}
