/*
 * replay_main.c - a plain main() for the fuzz targets, so that gcc builds
 * (and `make test`) run every corpus file through them without libFuzzer:
 *   fuzz_router-replay tests/fuzz/corpus/fuzz_router/...
 * Each file named on the command line is read whole and handed to
 * LLVMFuzzerTestOneInput. A target that breaks an invariant aborts, so a
 * non-zero exit (or a sanitizer report) is a failure.
 */
#include "gz.h"

#include <errno.h>

#include "fuzz.h"

/* Read a whole file into a heap buffer (never NULL on success, even when empty). */
static int read_file(const char *path, uint8_t **data, size_t *size)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL, *nb;
    size_t len = 0, cap = 0, got;
    int rc = -1;

    if (!f)
        return -1;
    do {
        if (len == cap) {
            cap = cap ? cap * 2 : 4096;
            nb = realloc(buf, cap);
            if (!nb)
                goto out;
            buf = nb;
        }
        got = fread(buf + len, 1, cap - len, f);
        len += got;
    } while (got > 0);
    if (ferror(f))
        goto out;
    *data = buf;
    *size = len;
    buf = NULL;
    rc = 0;
out:
    free(buf);
    fclose(f);
    return rc;
}

int main(int argc, char **argv)
{
    int n = 0;

    for (int i = 1; i < argc; i++) {
        uint8_t *data;
        size_t size;

        if (read_file(argv[i], &data, &size) != 0) {
            fprintf(stderr, "%s: %s: %s\n", argv[0], argv[i], strerror(errno));
            return 2;
        }
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        n++;
    }
    printf("%s: %d inputs replayed\n", argv[0], n);
    return 0;
}
