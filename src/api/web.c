/*
 * web.c - the web console at / and the public portal at /public/, as static
 * files from the web root (--web DIR): every GET or HEAD whose path no API
 * route matches. http/static.c decides which file a path names (a whitelist,
 * so nothing outside web/'s app folders and the pinned vendor files is ever
 * read); this file reads it and answers with its type, an ETag (size and
 * modification time) and caching: the app's own files are revalidated each
 * time (no-cache), vendor files, pinned by the lock file, kept a day.
 */
#include "gz.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api_util.h"
#include "http/static.h"

#define WEB_MAX_FILE (16u << 20)

/* Read a regular file whole; -1 when absent, not regular or too large. */
static int read_whole(const char *path, struct stat *st, char **out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    char *data = NULL;
    size_t got = 0;

    if (fd < 0)
        return -1;
    if (fstat(fd, st) || !S_ISREG(st->st_mode) || st->st_size > (off_t)WEB_MAX_FILE ||
        !(data = malloc((size_t)st->st_size + 1)))
        goto fail;
    while (got < (size_t)st->st_size) {
        ssize_t n = read(fd, data + got, (size_t)st->st_size - got);
        if (n <= 0)
            goto fail;
        got += (size_t)n;
    }
    close(fd);
    *out = data;
    return 0;
fail:
    free(data);
    close(fd);
    return -1;
}

static void not_found(struct http_req *r)
{
    http_reply_error(r, 404, "not_found", "", "no such resource: %s", http_path(r));
}

static void headers(struct http_req *r, const struct static_file *f, const char *etag)
{
    http_add_header(r, "ETag", etag);
    http_add_header(r, "Cache-Control", f->vendor ? "public, max-age=86400" : "no-cache");
    if (f->shell)
        http_add_header(r, "Content-Security-Policy",
                        "default-src 'self'; img-src 'self' data: blob: https:; "
                        "style-src 'self' 'unsafe-inline'; object-src 'none'; "
                        "frame-ancestors 'none'; base-uri 'self'");
}

static void serve_web(struct http_req *r, void *arg)
{
    struct app *app = arg;
    struct static_file f;
    struct stat st;
    char path[1024], etag[64];
    const char *inm;
    char *data = NULL;

    if (!app->web_root || static_resolve(http_path(r), &f))
        return not_found(r);
    if ((size_t)snprintf(path, sizeof(path), "%s/%s", app->web_root, f.rel) >= sizeof(path) ||
        read_whole(path, &st, &data))
        return not_found(r);
    snprintf(etag, sizeof(etag), "\"%llx-%llx\"", (unsigned long long)st.st_size,
             (unsigned long long)st.st_mtim.tv_sec * 1000000000ull +
                 (unsigned long long)st.st_mtim.tv_nsec);
    headers(r, &f, etag);
    inm = http_header(r, "If-None-Match");
    if (inm && strcmp(inm, etag) == 0) {
        free(data);
        http_reply(r, 304, static_content_type(f.rel), NULL, 0);
        return;
    }
    http_reply(r, 200, static_content_type(f.rel), data, (size_t)st.st_size);
}

int api_web_routes(struct router *r)
{
    router_fallback(r, serve_web);
    return 0;
}
