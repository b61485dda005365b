/*
 * buf.h - a growable byte string with a hard maximum given at init (as curl's
 * dynbuf), so no buffer grows without bound. Always NUL-terminated; never NULL
 * after a successful add. buf_detach hands the memory to the caller (git's strbuf).
 */
#ifndef GZ_BUF_H
#define GZ_BUF_H

#include <stddef.h>

struct buf {
    char *p;
    size_t len;
    size_t cap;
    size_t max;
};

/* Start empty; adds that would pass `max` bytes fail with GZ_ETOOBIG. */
void buf_init(struct buf *b, size_t max);
/* Free the memory and return to the empty state. */
void buf_release(struct buf *b);
/* Empty the contents, keeping the memory for the next adds. */
void buf_clear(struct buf *b);
/* Append n bytes. */
int buf_add(struct buf *b, const void *data, size_t n) __attribute__((warn_unused_result));
/* Append a NUL-terminated string. */
int buf_adds(struct buf *b, const char *s) __attribute__((warn_unused_result));
/* Append printf-formatted text. */
int buf_addf(struct buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3), warn_unused_result));
/* Take ownership of the contents (NUL-terminated, possibly an empty string). */
char *buf_detach(struct buf *b, size_t *len);
/* The contents as a C string ("" when empty). */
const char *buf_str(const struct buf *b);

#endif
