/*
 * fuzz_clf_load.c - clf_load on the bytes of a classifier model blob, then
 * again with its trailing FNV-1a checksum rewritten, so that mutations reach
 * the checks behind the checksum. A refused blob leaves an error message; a
 * loaded model answers sorted probabilities in [0, 1] that sum to at most 1
 * with non-empty labels, and saves back to exactly the bytes it came from
 * (the format is canonical).
 */
#include "gz.h"

#include "core/classify.h"
#include "fuzz.h"
#include "util/buf.h"

#define TOP 5

static void check_guesses(const struct classifier *c, const char *text)
{
    struct clf_guess g[TOP];
    size_t n = 0, want = clf_classes(c) < TOP ? clf_classes(c) : TOP;
    double sum = 0;

    FUZZ_CHECK(clf_predict(c, text, g, TOP, &n) == 0);
    FUZZ_CHECK(n == want);
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(g[i].p >= 0 && g[i].p <= 1);
        FUZZ_CHECK(i == 0 || g[i].p <= g[i - 1].p);
        FUZZ_CHECK(g[i].label[0] && memchr(g[i].label, '\0', sizeof(g[i].label)));
        sum += g[i].p;
    }
    FUZZ_CHECK(sum <= 1 + 1e-9);
}

static void check_model(const struct classifier *c, const uint8_t *data, size_t size)
{
    char *text = fuzz_strndup(data, size < 64 ? size : 64);
    struct buf out;

    FUZZ_CHECK(clf_classes(c) > 0 && clf_classes(c) <= CLF_MAX_CLASSES);
    check_guesses(c, "");
    check_guesses(c, "路灯不亮 street light out 井盖丢失");
    check_guesses(c, text);
    free(text);
    buf_init(&out, size);
    FUZZ_CHECK(clf_save(c, &out) == 0);
    FUZZ_CHECK(out.len == size && memcmp(out.p, data, size) == 0);
    buf_release(&out);
}

static void load_one(const uint8_t *data, size_t size)
{
    struct gz_err err = {0};
    struct classifier *c = clf_load(data, size, &err);

    if (!c) {
        FUZZ_CHECK(err.code < 0 && err.msg[0]);
        return;
    }
    check_model(c, data, size);
    clf_free(c);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *copy;
    uint64_t h = 0xcbf29ce484222325ull;

    load_one(data, size);
    if (size < 8)
        return 0;
    copy = malloc(size);
    if (!copy)
        abort();
    memcpy(copy, data, size);
    for (size_t i = 0; i + 8 < size; i++)
        h = (h ^ copy[i]) * 0x100000001b3ull;
    for (int i = 0; i < 8; i++)
        copy[size - 8 + i] = (uint8_t)(h >> (8 * i));
    load_one(copy, size);
    free(copy);
    return 0;
}
