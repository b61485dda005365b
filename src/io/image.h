/*
 * image.h - photos taken as evidence: what a file is by its content (libmagic,
 * never its name or the Content-Type it came with), its size in pixels, and a
 * copy fit for the public, without the place it was taken.
 *
 * JPEG, PNG and WebP are walked as containers (segments, chunks), never
 * decoded. The public copy (img_strip) keeps what draws the picture and drops
 * the metadata that may say where it was taken: in a JPEG the GPS IFD of the
 * EXIF block (rewritten by libexif, with the maker note and the thumbnail,
 * which may carry it too), XMP and other APPn blocks but JFIF, ICC and Adobe,
 * comments; in a PNG the eXIf chunk and the text chunks (XMP and "Raw profile
 * type exif" live there); in a WebP the EXIF and XMP chunks (and their VP8X
 * flags). Anything after the end of the image is dropped.
 */
#ifndef GZ_IMAGE_H
#define GZ_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gz_err;

enum img_type { IMG_NONE, IMG_JPEG, IMG_PNG, IMG_WEBP };

/* "image/jpeg" ...; NULL for IMG_NONE. */
const char *img_mime(enum img_type t);
/* The type of a MIME name, IMG_NONE for another. */
enum img_type img_type_of(const char *mime);

/*
 * What libmagic finds in data[0..len): one of the three types, or IMG_NONE
 * with libmagic's MIME type in found[size] ("application/pdf").
 * Thread-safe (one libmagic handle behind a lock). GZ_EIO when libmagic
 * cannot be loaded.
 */
int img_sniff(const void *data, size_t len, enum img_type *type, char *found, size_t size,
              struct gz_err *err);

struct img_info {
    int width, height;
    bool gps; /* EXIF with GPS entries somewhere in the file */
};

/*
 * Walk an image of type t: 0 with its size, or GZ_EINVAL naming "file" when
 * the structure is broken (a truncated scan is accepted, as browsers show it).
 */
int img_inspect(enum img_type t, const uint8_t *data, size_t len, struct img_info *out,
                struct gz_err *err) __attribute__((warn_unused_result));

/* The public copy (see above): *out malloc'd, *out_len its size; errors as img_inspect. */
int img_strip(enum img_type t, const uint8_t *data, size_t len, uint8_t **out, size_t *out_len,
              struct gz_err *err) __attribute__((warn_unused_result));

#endif
