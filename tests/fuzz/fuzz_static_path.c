/*
 * fuzz_static_path.c - static_resolve on a fuzzed request path. Invariants:
 * a served file's relative path is safe (no "..", no hidden or empty
 * segment, only [A-Za-z0-9._~-/]), has a served content type, and lies in
 * a whitelisted folder or package; the API's prefixes are never served.
 */
#include "gz.h"

#include "fuzz.h"
#include "http/static.h"

static int starts(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *path = fuzz_strndup(data, size);
    struct static_file f;

    if (static_resolve(path, &f) == 0) {
        FUZZ_CHECK(memchr(f.rel, '\0', sizeof(f.rel)));
        FUZZ_CHECK(static_path_safe(f.rel));
        FUZZ_CHECK(!strstr(f.rel, ".."));
        FUZZ_CHECK(static_content_type(f.rel));
        FUZZ_CHECK(!starts(path, "/api/") && !starts(path, "/open311/"));
        FUZZ_CHECK(f.vendor ? starts(f.rel, "node_modules/") && strstr(f.rel, "/dist/")
                            : !starts(f.rel, "node_modules"));
        FUZZ_CHECK(!strstr(f.rel, "package"));
    }
    free(path);
    return 0;
}
