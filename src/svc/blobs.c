/*
 * blobs.c - the content-addressed file store (see blobs.h). Order of a put,
 * so that a crash at any point leaves either no file (the upload was never
 * acknowledged) or a whole one: data fsync'd, then renamed into its name,
 * then the folder fsync'd so the name itself is on disk; only then does the
 * caller write the row that points at it.
 */
#include "gz.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/attach.h"
#include "svc/blobs.h"
#include "util/sha256.h"

struct blobs {
    char root[480];
    char tmp[500];
};

static const char *db_file(const char *db)
{
    return strncmp(db, "sqlite:", 7) == 0 ? db + 7 : db;
}

static int make_dir(const char *path, struct gz_err *err)
{
    if (mkdir(path, 0750) == 0 || errno == EEXIST)
        return 0;
    return gz_fail(err, GZ_EIO, "files", "cannot create %s: %s", path, strerror(errno));
}

/* Spooled files left by a crash were never acknowledged: remove them. */
static void clear_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    struct dirent *e;
    char path[600];

    if (!d)
        return;
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "up-", 3) != 0)
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

struct blobs *blobs_open(const char *db, struct gz_err *err)
{
    struct blobs *b = calloc(1, sizeof(*b));

    if (!b) {
        gz_fail(err, GZ_ENOMEM, "", "out of memory");
        return NULL;
    }
    if ((size_t)snprintf(b->root, sizeof(b->root), "%s.files", db_file(db)) >= sizeof(b->root)) {
        gz_fail(err, GZ_EINVAL, "db", "the database path is too long");
        free(b);
        return NULL;
    }
    snprintf(b->tmp, sizeof(b->tmp), "%s/tmp", b->root);
    if (make_dir(b->root, err) || make_dir(b->tmp, err)) {
        free(b);
        return NULL;
    }
    clear_tmp(b->tmp);
    return b;
}

void blobs_free(struct blobs *b)
{
    free(b);
}

const char *blobs_tmp_dir(const struct blobs *b)
{
    return b->tmp;
}

void blobs_hash(const void *data, size_t len, char *hex)
{
    sha256_hex(data, len, hex);
}

static int fsync_path(const char *path)
{
    int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc;

    if (fd < 0)
        return -1;
    rc = fsync(fd);
    close(fd);
    return rc;
}

static int put_fail(struct gz_err *err, const char *what)
{
    return gz_fail(err, GZ_EIO, "file", "the upload could not be stored (%s: %s)", what,
                   strerror(errno));
}

int blobs_put(struct blobs *b, const char *tmp_path, int fd, const char *hex, bool *existed,
              bool *moved, struct gz_err *err)
{
    char dir[520], path[600];
    struct stat st;
    bool new_dir;

    *existed = *moved = false;
    if (!att_sha_valid(hex))
        return gz_fail(err, GZ_EINVAL, "sha256", "not a SHA-256");
    snprintf(dir, sizeof(dir), "%s/%.2s", b->root, hex);
    snprintf(path, sizeof(path), "%s/%s", dir, hex);
    if (stat(path, &st) == 0) {
        *existed = true;
        return 0;
    }
    if (fsync(fd))
        return put_fail(err, "fsync");
    new_dir = mkdir(dir, 0750) == 0;
    if (!new_dir && errno != EEXIST)
        return put_fail(err, "mkdir");
    if (rename(tmp_path, path))
        return put_fail(err, "rename");
    *moved = true;
    if (fsync_path(dir) || (new_dir && fsync_path(b->root)))
        return put_fail(err, "fsync of the folder");
    return 0;
}

int blobs_open_file(const struct blobs *b, const char *hex, int *fd, size_t *len,
                    struct gz_err *err)
{
    char path[600];
    struct stat st;

    if (!att_sha_valid(hex))
        return gz_fail(err, GZ_ENOTFOUND, "id", "no such file");
    snprintf(path, sizeof(path), "%s/%.2s/%s", b->root, hex, hex);
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0)
        return gz_fail(err, errno == ENOENT ? GZ_ENOTFOUND : GZ_EIO, "id",
                       "the attachment's file is missing");
    if (fstat(*fd, &st) != 0) {
        close(*fd);
        *fd = -1;
        return gz_fail(err, GZ_EIO, "id", "the attachment's file cannot be read");
    }
    *len = (size_t)st.st_size;
    return 0;
}
