/*
 * Tests of src/io/image.c: type by content (libmagic), size in pixels, and
 * the public copy without GPS, on the tiny real images of the fuzz corpus
 * (tests/fuzz/corpus/fuzz_image, written by tests/api/imgkit.py).
 */
#include "gz.h"

#include <libexif/exif-data.h>

#include "io/image.h"
#include "t.h"

#define CORPUS "tests/fuzz/corpus/fuzz_image/"

static uint8_t *load(const char *name, size_t *len)
{
    char path[256];
    FILE *f;
    uint8_t *p = malloc(1 << 16);

    snprintf(path, sizeof(path), CORPUS "%s", name);
    f = fopen(path, "rb");
    ck_assert_msg(f != NULL, "cannot open %s", path);
    *len = fread(p, 1, 1 << 16, f);
    fclose(f);
    return p;
}

static bool has(const uint8_t *p, size_t n, const char *needle)
{
    size_t k = strlen(needle);

    for (size_t i = 0; i + k <= n; i++)
        if (memcmp(p + i, needle, k) == 0)
            return true;
    return false;
}

START_TEST(sniffs_by_content)
{
    static const char pdf[] = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n";
    static const char svg[] = "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""
                              " width=\"1\" height=\"1\"></svg>\n";
    static const char *const names[] = {"jpeg_gps.jpg", "png_plain.png", "webp_gps.webp"};
    static const enum img_type types[] = {IMG_JPEG, IMG_PNG, IMG_WEBP};
    char found[64];
    enum img_type t;
    struct gz_err err = {0};

    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++) {
        size_t n;
        uint8_t *p = load(names[i], &n);
        ck_assert_int_eq(img_sniff(p, n, &t, found, sizeof(found), &err), 0);
        ck_assert_int_eq(t, types[i]);
        ck_assert_str_eq(found, img_mime(types[i]));
        free(p);
    }
    ck_assert_int_eq(img_sniff(pdf, strlen(pdf), &t, found, sizeof(found), &err), 0);
    ck_assert_int_eq(t, IMG_NONE);
    ck_assert_str_eq(found, "application/pdf");
    ck_assert_int_eq(img_sniff(svg, strlen(svg), &t, found, sizeof(found), &err), 0);
    ck_assert_int_eq(t, IMG_NONE);
    ck_assert_str_eq(found, "image/svg+xml");
    ck_assert_int_eq(img_sniff("hello", 5, &t, found, sizeof(found), &err), 0);
    ck_assert_int_eq(t, IMG_NONE);
    ck_assert_int_eq(img_type_of("image/webp"), IMG_WEBP);
    ck_assert_int_eq(img_type_of("image/gif"), IMG_NONE);
}
END_TEST

START_TEST(inspects_sizes_and_gps)
{
    static const struct {
        const char *name;
        enum img_type t;
        int w, h;
        bool gps;
    } cases[] = {
        {"jpeg_plain.jpg", IMG_JPEG, 8, 8, false},  {"jpeg_gps.jpg", IMG_JPEG, 8, 8, true},
        {"jpeg_16x8.jpg", IMG_JPEG, 16, 8, false},  {"jpeg_exif_nogps.jpg", IMG_JPEG, 8, 8, false},
        {"png_plain.png", IMG_PNG, 1, 1, false},    {"png_gps.png", IMG_PNG, 1, 1, true},
        {"webp_plain.webp", IMG_WEBP, 1, 1, false}, {"webp_gps.webp", IMG_WEBP, 1, 1, true},
    };
    struct gz_err err = {0};

    for (size_t i = 0; i < GZ_ARRAY_LEN(cases); i++) {
        size_t n;
        uint8_t *p = load(cases[i].name, &n);
        struct img_info info;
        ck_assert_int_eq(img_inspect(cases[i].t, p, n, &info, &err), 0);
        ck_assert_int_eq(info.width, cases[i].w);
        ck_assert_int_eq(info.height, cases[i].h);
        ck_assert_int_eq(info.gps, cases[i].gps);
        free(p);
    }
}
END_TEST

static uint8_t *strip(const char *name, enum img_type t, size_t *out_n, size_t *in_n)
{
    size_t n;
    uint8_t *p = load(name, &n), *out;
    struct gz_err err = {0};
    struct img_info info;

    ck_assert_int_eq(img_strip(t, p, n, &out, out_n, &err), 0);
    ck_assert_int_le(*out_n, n);
    ck_assert_int_eq(img_inspect(t, out, *out_n, &info, &err), 0);
    ck_assert(!info.gps);
    free(p);
    if (in_n)
        *in_n = n;
    return out;
}

START_TEST(jpeg_keeps_orientation_drops_gps_xmp_comment)
{
    size_t n;
    uint8_t *out = strip("jpeg_gps.jpg", IMG_JPEG, &n, NULL);
    ExifData *d;
    ExifEntry *e;

    ck_assert(!has(out, n, "ns.adobe.com"));
    ck_assert(!has(out, n, "taken at home"));
    ck_assert(has(out, n, "JFIF"));
    ck_assert(out[0] == 0xFF && out[1] == 0xD8 && out[n - 2] == 0xFF && out[n - 1] == 0xD9);
    /* the EXIF block is still there, with its orientation */
    d = exif_data_new_from_data(out, (unsigned)n);
    ck_assert_ptr_nonnull(d);
    ck_assert_int_eq(d->ifd[EXIF_IFD_GPS]->count, 0);
    e = exif_content_get_entry(d->ifd[EXIF_IFD_0], EXIF_TAG_ORIENTATION);
    ck_assert_ptr_nonnull(e);
    ck_assert_int_eq(exif_get_short(e->data, exif_data_get_byte_order(d)), 6);
    exif_data_unref(d);
    free(out);
}
END_TEST

START_TEST(png_and_webp_drop_their_metadata_chunks)
{
    size_t n, in_n;
    uint8_t *out = strip("png_gps.png", IMG_PNG, &n, NULL);

    ck_assert(!has(out, n, "eXIf") && !has(out, n, "tEXt"));
    ck_assert(has(out, n, "IHDR") && has(out, n, "IDAT") && has(out, n, "IEND"));
    free(out);
    out = strip("webp_gps.webp", IMG_WEBP, &n, &in_n);
    ck_assert(!has(out, n, "EXIF") && !has(out, n, "XMP "));
    ck_assert(has(out, n, "VP8X") && has(out, n, "VP8L"));
    ck_assert_int_eq(out[20] & 0x0C, 0); /* VP8X: no EXIF, no XMP */
    ck_assert_int_eq(out[4] | out[5] << 8 | out[6] << 16 | out[7] << 24, (int)n - 8);
    free(out);
    /* a plain image comes back byte for byte */
    out = strip("png_plain.png", IMG_PNG, &n, &in_n);
    ck_assert_int_eq(n, in_n);
    free(out);
}
END_TEST

START_TEST(broken_images_name_the_file)
{
    static const char *const names[] = {"jpeg_gps.jpg", "png_gps.png", "webp_gps.webp"};
    static const enum img_type types[] = {IMG_JPEG, IMG_PNG, IMG_WEBP};
    struct gz_err err = {0};
    struct img_info info;

    for (size_t i = 0; i < GZ_ARRAY_LEN(names); i++) {
        size_t n;
        uint8_t *p = load(names[i], &n);
        /* cut inside the metadata: every walker must notice */
        for (size_t cut = 0; cut < 40; cut++) {
            int rc = img_inspect(types[i], p, cut, &info, &err);
            ck_assert_int_eq(rc, GZ_EINVAL);
            ck_assert_str_eq(err.field, "file");
        }
        /* and the wrong walker refuses it */
        ck_assert_int_eq(img_inspect(types[(i + 1) % 3], p, n, &info, &err), GZ_EINVAL);
        free(p);
    }
    ck_assert_int_eq(img_inspect(IMG_NONE, (const uint8_t *)"x", 1, &info, &err), GZ_EINVAL);
}
END_TEST

Suite *suite_io_image(void)
{
    Suite *s = suite_create("io/image");
    TCase *tc = tcase_create("image");

    tcase_add_test(tc, sniffs_by_content);
    tcase_add_test(tc, inspects_sizes_and_gps);
    tcase_add_test(tc, jpeg_keeps_orientation_drops_gps_xmp_comment);
    tcase_add_test(tc, png_and_webp_drop_their_metadata_chunks);
    tcase_add_test(tc, broken_images_name_the_file);
    suite_add_tcase(s, tc);
    return s;
}
