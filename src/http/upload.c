/*
 * upload.c - request bodies spooled to a file (see upload.h). The file is
 * made with mkstemp in the upload directory, which sits on the same file
 * system as where uploads end up, so keeping one is a rename. Past the limit
 * nothing more is written and the request ends in 413; the rest of the body
 * is read and dropped by the server, as for JSON bodies.
 */
#include "gz.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "http/upload.h"

#define UPLOAD_PP_BUFFER (32u << 10)
#define UPLOAD_FIELDS 4
#define UPLOAD_FIELD_NAME 32
#define UPLOAD_FIELD_VALUE 256

struct upload {
    int fd;
    char path[512];
    size_t len, limit;
    bool multipart, has_file;
    struct MHD_PostProcessor *pp;
    int status; /* an error to answer, 0 for none */
    char field[UPLOAD_FIELD_NAME];
    char msg[160];
    size_t n_fields;
    struct {
        char name[UPLOAD_FIELD_NAME];
        char value[UPLOAD_FIELD_VALUE];
        size_t len;
    } fields[UPLOAD_FIELDS];
};

void upload_fail(struct upload *u, int status, const char *field, const char *msg)
{
    if (u->status)
        return;
    u->status = status;
    snprintf(u->field, sizeof(u->field), "%s", field);
    snprintf(u->msg, sizeof(u->msg), "%s", msg);
}

static void spool(struct upload *u, const char *data, size_t n)
{
    if (u->status)
        return;
    if (n > u->limit - u->len) {
        char msg[96];
        snprintf(msg, sizeof(msg), "the file is larger than %zu bytes", u->limit);
        upload_fail(u, 413, "file", msg);
        return;
    }
    while (n) {
        ssize_t w = write(u->fd, data, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            upload_fail(u, 500, "file", "the upload could not be stored");
            return;
        }
        data += w;
        n -= (size_t)w;
        u->len += (size_t)w;
    }
}

static void keep_field(struct upload *u, const char *key, const char *data, uint64_t off, size_t n)
{
    size_t i;

    for (i = 0; i < u->n_fields; i++)
        if (strcmp(u->fields[i].name, key) == 0)
            break;
    if (i == u->n_fields) {
        if (i == UPLOAD_FIELDS || strlen(key) >= UPLOAD_FIELD_NAME || off)
            return;
        snprintf(u->fields[i].name, UPLOAD_FIELD_NAME, "%s", key);
        u->n_fields++;
    }
    if (u->fields[i].len + n >= UPLOAD_FIELD_VALUE) {
        upload_fail(u, 400, key, "a form field is longer than 255 bytes");
        return;
    }
    memcpy(u->fields[i].value + u->fields[i].len, data, n);
    u->fields[i].len += n;
    u->fields[i].value[u->fields[i].len] = '\0';
}

static enum MHD_Result on_part(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *filename, const char *content_type,
                               const char *transfer_encoding, const char *data, uint64_t off,
                               size_t size)
{
    struct upload *u = cls;

    (void)kind, (void)content_type, (void)transfer_encoding;
    if (!key)
        return MHD_YES;
    if (filename || strcmp(key, "file") == 0) {
        if (off == 0 && size > 0) {
            if (u->has_file)
                upload_fail(u, 400, "file", "send one file per request");
            u->has_file = true;
        }
        spool(u, data, size);
    } else {
        keep_field(u, key, data, off, size);
    }
    return u->status ? MHD_NO : MHD_YES;
}

static bool is_multipart(struct MHD_Connection *c)
{
    const char *ct = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Type");
    size_t n = strlen("multipart/form-data");

    return ct && strncasecmp(ct, "multipart/form-data", n) == 0;
}

struct upload *upload_new(struct MHD_Connection *c, const char *dir, size_t limit)
{
    struct upload *u = dir ? calloc(1, sizeof(*u)) : NULL;

    if (!u)
        return NULL;
    u->limit = limit;
    snprintf(u->path, sizeof(u->path), "%s/up-XXXXXX", dir);
    u->fd = mkstemp(u->path);
    if (u->fd < 0) {
        free(u);
        return NULL;
    }
    (void)fcntl(u->fd, F_SETFD, FD_CLOEXEC);
    u->multipart = is_multipart(c);
    if (u->multipart) {
        u->pp = MHD_create_post_processor(c, UPLOAD_PP_BUFFER, on_part, u);
        if (!u->pp)
            upload_fail(u, 400, "body", "a multipart/form-data body needs its boundary");
    }
    return u;
}

void upload_free(struct upload *u)
{
    if (!u)
        return;
    if (u->pp)
        MHD_destroy_post_processor(u->pp);
    if (u->fd >= 0)
        close(u->fd);
    if (u->path[0])
        unlink(u->path);
    free(u);
}

void upload_feed(struct upload *u, const char *data, size_t n)
{
    if (u->status)
        return;
    if (!u->multipart) {
        spool(u, data, n);
        return;
    }
    if (MHD_post_process(u->pp, data, n) != MHD_YES)
        upload_fail(u, 400, "body", "the multipart/form-data body is malformed");
}

void upload_finish(struct upload *u)
{
    /* the post processor holds back what might be the start of a boundary: a body cut
       short leaves the file short, and only its destruction says so */
    if (u->pp && MHD_destroy_post_processor(u->pp) != MHD_YES)
        upload_fail(u, 400, "body", "the multipart/form-data body ends before its last boundary");
    u->pp = NULL;
}

int upload_error(const struct upload *u, const char **field, const char **msg)
{
    *field = u->field;
    *msg = u->msg;
    return u->status;
}

const char *upload_file(const struct upload *u, int *fd, size_t *len)
{
    if (u->multipart && !u->has_file)
        return NULL;
    if (fd)
        *fd = u->fd;
    if (len)
        *len = u->len;
    return u->path;
}

void upload_keep(struct upload *u)
{
    u->path[0] = '\0';
}

const char *upload_field(const struct upload *u, const char *name)
{
    for (size_t i = 0; i < u->n_fields; i++)
        if (strcmp(u->fields[i].name, name) == 0)
            return u->fields[i].value;
    return NULL;
}
