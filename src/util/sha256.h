/*
 * sha256.h - SHA-256 through OpenSSL's libcrypto, which uses the CPU's SHA
 * instructions where there are some (libsodium's portable code took ~25
 * instructions a byte: sealing the audit chain spent 3% of the intake
 * pipeline's CPU on it).
 */
#ifndef GZ_SHA256_H
#define GZ_SHA256_H

#include <stddef.h>

#define SHA256_BYTES 32
#define SHA256_HEX (2 * SHA256_BYTES)

/* The digest of a[0..na) followed by b[0..nb) (b may be NULL when nb is 0). */
void sha256_two(const void *a, size_t na, const void *b, size_t nb,
                unsigned char out[SHA256_BYTES]);
/* The lowercase hex digest of data, in hex[SHA256_HEX + 1]. */
void sha256_hex(const void *data, size_t len, char *hex);

#endif
