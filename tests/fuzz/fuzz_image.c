/*
 * fuzz_image.c - the photo walker (io/image.c) on any bytes, read as each of
 * JPEG, PNG and WebP: inspecting and stripping agree on what is well formed;
 * a public copy is itself well formed, the same size in pixels, without GPS,
 * and stripping it again changes nothing of its size in pixels.
 */
#include "gz.h"

#include "fuzz.h"
#include "io/image.h"

static void one(enum img_type t, const uint8_t *data, size_t size)
{
    struct img_info a, b;
    struct gz_err err = {0};
    uint8_t *out = NULL, *again = NULL;
    size_t n = 0, n2 = 0;
    int ri = img_inspect(t, data, size, &a, &err);
    int rs = img_strip(t, data, size, &out, &n, &err);

    FUZZ_CHECK((ri == 0) == (rs == 0));
    if (rs) {
        FUZZ_CHECK(rs == GZ_EINVAL && strcmp(err.field, "file") == 0);
        FUZZ_CHECK(out == NULL);
        return;
    }
    FUZZ_CHECK(a.width > 0 && a.height > 0);
    FUZZ_CHECK(n <= size);
    FUZZ_CHECK(img_inspect(t, out, n, &b, &err) == 0);
    FUZZ_CHECK(b.width == a.width && b.height == a.height);
    FUZZ_CHECK(!b.gps);
    FUZZ_CHECK(img_strip(t, out, n, &again, &n2, &err) == 0);
    free(again);
    free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one(IMG_JPEG, data, size);
    one(IMG_PNG, data, size);
    one(IMG_WEBP, data, size);
    return 0;
}
