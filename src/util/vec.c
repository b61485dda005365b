/* vec.c - see vec.h. */
#include "gz.h"

#include <stdint.h>

#include "util/vec.h"

#define VEC_FIRST 8

int vec_reserve(void **v, size_t *cap, size_t want, size_t size)
{
    size_t n = *cap ? *cap : VEC_FIRST;
    void *more;

    if (want <= *cap)
        return 0;
    while (n < want) {
        if (n > SIZE_MAX / 2)
            return GZ_ENOMEM;
        n *= 2;
    }
    if (size && n > SIZE_MAX / size)
        return GZ_ENOMEM;
    if (!(more = realloc(*v, n * size)))
        return GZ_ENOMEM;
    *v = more;
    *cap = n;
    return 0;
}
