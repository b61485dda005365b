/*
 * blobs.h - files kept by their content: <db>.files/ab/abcdef... (the
 * SHA-256 in hex, its first two digits as a folder), so the same photo sent
 * twice is one file. Uploads are spooled in <db>.files/tmp (same file
 * system: keeping one is a rename) and made durable before anyone is told
 * they are stored: file fsync'd, renamed, folder fsync'd.
 */
#ifndef GZ_BLOBS_H
#define GZ_BLOBS_H

#include <stdbool.h>
#include <stddef.h>

struct gz_err;
struct blobs;

/* Open (creating the folders) the files beside database path db; empties tmp/. */
struct blobs *blobs_open(const char *db, struct gz_err *err);
void blobs_free(struct blobs *b);
/* Where uploads are spooled. */
const char *blobs_tmp_dir(const struct blobs *b);
/* SHA-256 of data as 64 lowercase hex digits (hex[65]). */
void blobs_hash(const void *data, size_t len, char *hex);
/*
 * Keep the spooled file tmp_path (open as fd) under hash hex: fsync, rename
 * into place, fsync the folder. When the same bytes are already kept,
 * nothing moves and *existed is set (the spooled file stays for its owner to
 * remove). *moved tells whether tmp_path is gone.
 */
int blobs_put(struct blobs *b, const char *tmp_path, int fd, const char *hex, bool *existed,
              bool *moved, struct gz_err *err) __attribute__((warn_unused_result));
/* Open a kept file for reading: *fd and its size; GZ_ENOTFOUND when it is missing. */
int blobs_open_file(const struct blobs *b, const char *hex, int *fd, size_t *len,
                    struct gz_err *err) __attribute__((warn_unused_result));

#endif
