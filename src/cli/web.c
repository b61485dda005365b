/*
 * web.c - where the web console's files are. `make demo` and the tests run
 * ./gongzhi (or build/san/gongzhi) from a clone, so the default is the
 * repository's web/ found from the binary's own path, not from the current
 * directory, which may be anywhere.
 */
#include "gz.h"

#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "cli/cli.h"
#include "util/log.h"

static char *with_index(const char *dir)
{
    char probe[PATH_MAX + 16];
    char *abs;

    if ((size_t)snprintf(probe, sizeof(probe), "%s/index.html", dir) >= sizeof(probe) ||
        access(probe, R_OK) != 0)
        return NULL;
    abs = realpath(dir, NULL);
    return abs;
}

static char *beside_binary(void)
{
    static const char *const up[] = {"web", "../web", "../../web", "../share/gongzhi/web"};
    char exe[PATH_MAX], dir[PATH_MAX + 32];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    char *slash, *found = NULL;

    if (n <= 0)
        return NULL;
    exe[n] = '\0';
    slash = strrchr(exe, '/');
    if (!slash)
        return NULL;
    *slash = '\0';
    for (size_t i = 0; i < GZ_ARRAY_LEN(up) && !found; i++) {
        snprintf(dir, sizeof(dir), "%s/%s", exe, up[i]);
        found = with_index(dir);
    }
    return found;
}

char *cli_web_root(const char *flag)
{
    char *dir;

    if (flag) {
        dir = with_index(flag);
        if (!dir)
            log_warn("--web %s holds no index.html: the web console is not served", flag);
        return dir;
    }
    dir = beside_binary();
    if (!dir)
        dir = with_index("web");
    if (!dir)
        log_warn("no web/ folder found beside the binary: the web console is not served");
    return dir;
}
