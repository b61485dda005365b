/*
 * image.c - type by content, size and the public copy of a photo (see
 * image.h). One walker per container serves both img_inspect (out == NULL)
 * and img_strip (out collects what is kept), so what is checked is exactly
 * what is copied. Every length read from the file is checked against what is
 * left before it is used.
 */
#include "gz.h"

#include <libexif/exif-data.h>
#include <magic.h>
#include <pthread.h>

#include "io/image.h"
#include "util/buf.h"

#define EXIF_HEADER "Exif\0\0"
#define EXIF_HEADER_LEN 6
#define XMP_NS "http://ns.adobe.com/xap/1.0/"
#define SNIFF_BYTES 65536 /* libmagic needs the start only */

const char *img_mime(enum img_type t)
{
    switch (t) {
    case IMG_JPEG: return "image/jpeg";
    case IMG_PNG: return "image/png";
    case IMG_WEBP: return "image/webp";
    default: return NULL;
    }
}

enum img_type img_type_of(const char *mime)
{
    for (int t = IMG_JPEG; t <= IMG_WEBP; t++)
        if (mime && strcmp(mime, img_mime((enum img_type)t)) == 0)
            return (enum img_type)t;
    return IMG_NONE;
}

/* ---- libmagic ---- */

static pthread_mutex_t magic_lock = PTHREAD_MUTEX_INITIALIZER;
static magic_t magic_handle;

int img_sniff(const void *data, size_t len, enum img_type *type, char *found, size_t size,
              struct gz_err *err)
{
    const char *m;
    int rc = 0;

    *type = IMG_NONE;
    pthread_mutex_lock(&magic_lock);
    if (!magic_handle) {
        magic_handle = magic_open(MAGIC_MIME_TYPE | MAGIC_ERROR);
        if (magic_handle && magic_load(magic_handle, NULL) != 0) {
            magic_close(magic_handle);
            magic_handle = NULL;
        }
    }
    m = magic_handle ? magic_buffer(magic_handle, data, len < SNIFF_BYTES ? len : SNIFF_BYTES)
                     : NULL;
    if (m) {
        snprintf(found, size, "%s", m);
        *type = img_type_of(m);
    } else {
        rc = gz_fail(err, GZ_EIO, "file", "libmagic cannot tell file types");
    }
    pthread_mutex_unlock(&magic_lock);
    return rc;
}

/* ---- EXIF (libexif) ---- */

/* Load EXIF bytes, with or without the "Exif\0\0" header, adding and fixing nothing. */
static ExifData *exif_load(const uint8_t *p, size_t n)
{
    ExifData *d;
    uint8_t *tmp = NULL;

    if (n > (64u << 20))
        return NULL;
    d = exif_data_new();
    if (!d)
        return NULL;
    exif_data_unset_option(d, EXIF_DATA_OPTION_FOLLOW_SPECIFICATION);
    if (n < EXIF_HEADER_LEN || memcmp(p, EXIF_HEADER, EXIF_HEADER_LEN) != 0) {
        tmp = malloc(n + EXIF_HEADER_LEN);
        if (!tmp) {
            exif_data_unref(d);
            return NULL;
        }
        memcpy(tmp, EXIF_HEADER, EXIF_HEADER_LEN);
        if (n)
            memcpy(tmp + EXIF_HEADER_LEN, p, n);
        p = tmp;
        n += EXIF_HEADER_LEN;
    }
    exif_data_load_data(d, p, (unsigned)n);
    free(tmp);
    return d;
}

static bool exif_has_gps(const uint8_t *p, size_t n)
{
    ExifData *d = exif_load(p, n);
    bool gps = d && d->ifd[EXIF_IFD_GPS] && d->ifd[EXIF_IFD_GPS]->count > 0;

    if (d)
        exif_data_unref(d);
    return gps;
}

static void exif_clear(ExifContent *c)
{
    while (c && c->count)
        exif_content_remove_entry(c, c->entries[c->count - 1]);
}

/*
 * The EXIF block without the GPS IFD, the maker note (vendors keep places
 * there too) and the thumbnail (IFD 1 and its JPEG): what libexif parsed,
 * written anew, so nothing it did not understand is copied. NULL on failure.
 */
static unsigned char *exif_clean(const uint8_t *p, size_t n, unsigned int *out_n)
{
    ExifData *d = exif_load(p, n);
    ExifEntry *mn;
    unsigned char *out = NULL;

    *out_n = 0;
    if (!d)
        return NULL;
    exif_clear(d->ifd[EXIF_IFD_GPS]);
    exif_clear(d->ifd[EXIF_IFD_1]);
    mn = exif_content_get_entry(d->ifd[EXIF_IFD_EXIF], EXIF_TAG_MAKER_NOTE);
    if (mn)
        exif_content_remove_entry(d->ifd[EXIF_IFD_EXIF], mn);
    free(d->data); /* the thumbnail; exif_data_new allocates with malloc */
    d->data = NULL;
    d->size = 0;
    exif_data_save_data(d, &out, out_n);
    exif_data_unref(d);
    return out;
}

/* ---- the walkers ---- */

struct walk {
    const uint8_t *d;
    size_t n;
    struct buf *out; /* NULL: inspect only */
    struct img_info *info;
    struct gz_err *err;
};

static int bad(struct walk *w, const char *what)
{
    return gz_fail(w->err, GZ_EINVAL, "file", "not a well-formed image: %s", what);
}

static int emit(struct walk *w, const void *p, size_t n)
{
    if (!w->out || !n)
        return 0;
    if (buf_add(w->out, p, n))
        return gz_fail(w->err, GZ_ENOMEM, "file", "out of memory");
    return 0;
}

static uint32_t be16(const uint8_t *p)
{
    return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t be32(const uint8_t *p)
{
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static uint32_t le16(const uint8_t *p)
{
    return (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le24(const uint8_t *p)
{
    return (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[3] << 24 | le24(p);
}

static bool starts(const uint8_t *p, size_t n, const char *prefix, size_t len)
{
    return n >= len && memcmp(p, prefix, len) == 0;
}

/* ---- JPEG: markers and segments (ITU T.81 B.1) ---- */

static bool jpeg_sof(uint8_t m)
{
    return m >= 0xC0 && m <= 0xCF && m != 0xC4 && m != 0xC8 && m != 0xCC;
}

/* Where the entropy-coded data after a scan header ends: the next marker (or the end). */
static size_t jpeg_scan_end(const uint8_t *d, size_t n, size_t p)
{
    while (p + 1 < n) {
        uint8_t m = d[p + 1];
        if (d[p] != 0xFF || m == 0xFF) /* data, or a fill byte before a marker */
            p++;
        else if (m == 0x00 || (m >= 0xD0 && m <= 0xD7)) /* a stuffed 0xFF, a restart */
            p += 2;
        else
            return p;
    }
    return n;
}

static int emit_segment(struct walk *w, uint8_t m, const uint8_t *p, size_t n)
{
    uint8_t head[4] = {0xFF, m, (uint8_t)((n + 2) >> 8), (uint8_t)((n + 2) & 0xFF)};

    return emit(w, head, sizeof(head)) || emit(w, p, n) ? GZ_ENOMEM : 0;
}

/* An EXIF APP1 kept without its GPS; dropped when libexif cannot write it back. */
static int jpeg_exif(struct walk *w, const uint8_t *p, size_t n)
{
    unsigned int len;
    unsigned char *clean;
    int rc = 0;

    if (exif_has_gps(p, n))
        w->info->gps = true;
    if (!w->out)
        return 0;
    clean = exif_clean(p, n, &len);
    /* never larger than it was: the public copy is bounded by the original */
    if (clean && len <= n)
        rc = emit_segment(w, 0xE1, clean, len);
    free(clean);
    return rc;
}

/* Keep a segment in the public copy? Picture data and JFIF, ICC (APP2), Adobe (APP14). */
static bool jpeg_keep(uint8_t m)
{
    if (m >= 0xE0 && m <= 0xEF)
        return m == 0xE0 || m == 0xE2 || m == 0xEE;
    return m != 0xFE; /* COM: free text */
}

static int jpeg_segment(struct walk *w, uint8_t m, const uint8_t *p, size_t n, bool *sof)
{
    if (jpeg_sof(m)) {
        if (n < 6)
            return bad(w, "a JPEG frame header is too short");
        w->info->height = (int)be16(p + 1);
        w->info->width = (int)be16(p + 3);
        if (!w->info->width || !w->info->height)
            return bad(w, "a JPEG frame has no size");
        *sof = true;
    }
    if (m == 0xE1 && starts(p, n, EXIF_HEADER, EXIF_HEADER_LEN))
        return jpeg_exif(w, p, n);
    return jpeg_keep(m) ? emit_segment(w, m, p, n) : 0;
}

/* One marker at *pos (after fill bytes); sets *done at the end of the image. */
static int jpeg_marker(struct walk *w, size_t *pos, bool *sof, bool *sos, bool *done)
{
    const uint8_t *d = w->d;
    size_t p = *pos, len;
    uint8_t m;
    int rc;

    if (d[p] != 0xFF)
        return bad(w, "JPEG data where a marker should be");
    while (p < w->n && d[p] == 0xFF)
        p++;
    if (p >= w->n)
        return bad(w, "the JPEG ends inside a marker");
    m = d[p++];
    if (m == 0xD9 || (m >= 0xD0 && m <= 0xD7) || m == 0x01) {
        uint8_t mk[2] = {0xFF, m};
        *done = m == 0xD9;
        *pos = p;
        return emit(w, mk, 2);
    }
    if (m == 0x00 || m == 0xD8 || p + 2 > w->n || (len = be16(d + p)) < 2 || p + len > w->n)
        return bad(w, "a JPEG segment is cut short or misplaced");
    rc = jpeg_segment(w, m, d + p + 2, len - 2, sof);
    p += len;
    if (!rc && m == 0xDA) {
        size_t end = jpeg_scan_end(d, w->n, p);
        if (!*sof)
            return bad(w, "a JPEG scan comes before its frame");
        *sos = true;
        rc = emit(w, d + p, end - p);
        p = end;
    }
    *pos = p;
    return rc;
}

static int jpeg_walk(struct walk *w)
{
    size_t pos = 2;
    bool sof = false, sos = false, done = false;
    int rc;

    if (w->n < 4 || w->d[0] != 0xFF || w->d[1] != 0xD8)
        return bad(w, "no JPEG start-of-image marker");
    if ((rc = emit(w, w->d, 2)))
        return rc;
    while (!done && pos < w->n)
        if ((rc = jpeg_marker(w, &pos, &sof, &sos, &done)))
            return rc;
    if (!sos)
        return bad(w, "the JPEG has no image data");
    return 0;
}

/* ---- PNG: chunks (PNG spec 5.3) ---- */

static const uint8_t png_sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};

static bool png_public(const uint8_t *type)
{
    static const char *const drop[] = {"eXIf", "tEXt", "zTXt", "iTXt"};

    for (size_t i = 0; i < GZ_ARRAY_LEN(drop); i++)
        if (memcmp(type, drop[i], 4) == 0)
            return false;
    return true;
}

static int png_chunk(struct walk *w, size_t *pos, bool first, bool *end)
{
    const uint8_t *c = w->d + *pos;
    size_t left = w->n - *pos, len;

    if (left < 12 || (len = be32(c)) > 0x7FFFFFFFu || len > left - 12)
        return bad(w, "a PNG chunk is cut short");
    if (first) {
        if (memcmp(c + 4, "IHDR", 4) != 0 || len != 13)
            return bad(w, "the PNG does not start with its header");
        w->info->width = (int)(be32(c + 8) & 0x7FFFFFFF);
        w->info->height = (int)(be32(c + 12) & 0x7FFFFFFF);
        if (!w->info->width || !w->info->height)
            return bad(w, "the PNG has no size");
    }
    if (memcmp(c + 4, "eXIf", 4) == 0 && exif_has_gps(c + 8, len))
        w->info->gps = true;
    *end = memcmp(c + 4, "IEND", 4) == 0;
    *pos += len + 12;
    return png_public(c + 4) ? emit(w, c, len + 12) : 0;
}

static int png_walk(struct walk *w)
{
    size_t pos = sizeof(png_sig);
    bool end = false;
    int rc;

    if (!starts(w->d, w->n, (const char *)png_sig, sizeof(png_sig)))
        return bad(w, "no PNG signature");
    if ((rc = emit(w, png_sig, sizeof(png_sig))))
        return rc;
    while (!end) {
        if (pos == w->n)
            return bad(w, "the PNG ends before its IEND chunk");
        if ((rc = png_chunk(w, &pos, pos == sizeof(png_sig), &end)))
            return rc;
    }
    return 0;
}

/* ---- WebP: RIFF chunks (the WebP container specification) ---- */

#define VP8X_EXIF 0x08
#define VP8X_XMP 0x04

static int webp_size(struct walk *w, const uint8_t *tag, const uint8_t *p, size_t n)
{
    if (memcmp(tag, "VP8X", 4) == 0 && n >= 10) {
        w->info->width = (int)le24(p + 4) + 1;
        w->info->height = (int)le24(p + 7) + 1;
    } else if (memcmp(tag, "VP8 ", 4) == 0 && n >= 10 && p[3] == 0x9D && p[4] == 0x01 &&
               p[5] == 0x2A) {
        w->info->width = (int)(le16(p + 6) & 0x3FFF);
        w->info->height = (int)(le16(p + 8) & 0x3FFF);
    } else if (memcmp(tag, "VP8L", 4) == 0 && n >= 5 && p[0] == 0x2F) {
        uint32_t bits = le32(p + 1);
        w->info->width = (int)(bits & 0x3FFF) + 1;
        w->info->height = (int)((bits >> 14) & 0x3FFF) + 1;
    } else {
        return bad(w, "the WebP does not start with an image chunk");
    }
    return w->info->width && w->info->height ? 0 : bad(w, "the WebP has no size");
}

static int webp_chunk(struct walk *w, size_t *pos, size_t end, bool first)
{
    const uint8_t *c = w->d + *pos;
    size_t n, padded;
    uint8_t head[18];

    if (end - *pos < 8 || (n = le32(c + 4)) > end - *pos - 8)
        return bad(w, "a WebP chunk is cut short");
    padded = n + (n & 1);
    if (padded > end - *pos - 8)
        padded = n; /* a missing pad byte at the very end is tolerated */
    *pos += 8 + padded;
    if (first && webp_size(w, c, c + 8, n))
        return w->err->code;
    if (memcmp(c, "EXIF", 4) == 0) {
        if (exif_has_gps(c + 8, n))
            w->info->gps = true;
        return 0;
    }
    if (memcmp(c, "XMP ", 4) == 0)
        return 0;
    if (memcmp(c, "VP8X", 4) == 0 && n >= 10) {
        memcpy(head, c, 18);
        head[8] &= (uint8_t) ~(VP8X_EXIF | VP8X_XMP);
        return emit(w, head, 18) ? GZ_ENOMEM : emit(w, c + 18, padded - 10);
    }
    return emit(w, c, 8 + padded);
}

static int webp_walk(struct walk *w)
{
    size_t pos = 12, end;
    int rc;

    if (w->n < 20 || memcmp(w->d, "RIFF", 4) != 0 || memcmp(w->d + 8, "WEBP", 4) != 0)
        return bad(w, "no RIFF WEBP header");
    end = (size_t)le32(w->d + 4) + 8;
    if (end > w->n || end < 20)
        return bad(w, "the WebP is shorter than its RIFF header says");
    if ((rc = emit(w, w->d, 12)))
        return rc;
    while (pos < end)
        if ((rc = webp_chunk(w, &pos, end, pos == 12)))
            return rc;
    if (w->out) {
        uint32_t size = (uint32_t)(w->out->len - 8);
        uint8_t le[4] = {(uint8_t)size, (uint8_t)(size >> 8), (uint8_t)(size >> 16),
                         (uint8_t)(size >> 24)};
        memcpy(w->out->p + 4, le, 4);
    }
    return 0;
}

static int walk(enum img_type t, struct walk *w)
{
    memset(w->info, 0, sizeof(*w->info));
    switch (t) {
    case IMG_JPEG: return jpeg_walk(w);
    case IMG_PNG: return png_walk(w);
    case IMG_WEBP: return webp_walk(w);
    default: return gz_fail(w->err, GZ_EINVAL, "file", "only JPEG, PNG and WebP are images here");
    }
}

int img_inspect(enum img_type t, const uint8_t *data, size_t len, struct img_info *out,
                struct gz_err *err)
{
    struct walk w = {data, len, NULL, out, err};

    return walk(t, &w);
}

int img_strip(enum img_type t, const uint8_t *data, size_t len, uint8_t **out, size_t *out_len,
              struct gz_err *err)
{
    struct img_info info;
    struct buf b;
    struct walk w = {data, len, &b, &info, err};
    int rc;

    /* nothing kept grows (a rewritten EXIF block larger than it was is dropped) */
    buf_init(&b, len + 1);
    rc = walk(t, &w);
    if (rc) {
        buf_release(&b);
        *out = NULL;
        *out_len = 0;
        return rc;
    }
    *out = (uint8_t *)buf_detach(&b, out_len);
    return 0;
}
