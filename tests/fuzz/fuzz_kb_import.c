/*
 * fuzz_kb_import.c - the knowledge-base import parsers on the same bytes:
 * kbfile_parse_json, then kbfile_parse_csv. A successful parse yields only
 * entries that pass kb_entry_validate, within the file limit; a failed one
 * leaves nothing to release. The first JSON entry also goes through
 * kbfile_parse_object onto a copy of itself (a PATCH): idempotent.
 */
#include "gz.h"

#include "fuzz.h"
#include "io/kbfile.h"

static void check(int rc, struct kbfile *f, const struct gz_err *err)
{
    struct gz_err e2 = {0};

    if (rc) {
        FUZZ_CHECK(err->code == rc && f->n == 0 && !f->entries);
        return;
    }
    FUZZ_CHECK(f->n <= GZ_MAX_KB_IMPORT);
    for (size_t i = 0; i < f->n; i++)
        FUZZ_CHECK(kb_entry_validate(&f->entries[i], &e2) == 0);
    kbfile_release(f);
}

static void patch_first(const uint8_t *data, size_t size)
{
    json_t *doc = json_loadb((const char *)data, size, 0, NULL), *first;
    struct kb_entry e, again;
    struct gz_err err = {0};

    first = json_is_array(doc) ? json_array_get(doc, 0) : NULL;
    kb_entry_init(&e);
    if (first && kbfile_parse_object(first, &e, NULL, &err) == 0 &&
        kb_entry_copy(&again, &e) == 0) {
        FUZZ_CHECK(kbfile_parse_object(first, &again, NULL, &err) == 0);
        FUZZ_CHECK(strcmp(again.title, e.title) == 0 && again.n_keywords == e.n_keywords);
        kb_entry_release(&again);
    }
    kb_entry_release(&e);
    json_decref(doc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct kbfile f;
    struct gz_err err = {0};
    size_t bad = 0;

    check(kbfile_parse_json((const char *)data, size, &f, &bad, &err), &f, &err);
    memset(&err, 0, sizeof(err));
    check(kbfile_parse_csv((const char *)data, size, &f, &bad, &err), &f, &err);
    patch_first(data, size);
    return 0;
}
