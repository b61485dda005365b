/*
 * sha256.c - SHA-256 on libcrypto (see sha256.h). The algorithm is fetched
 * once: OpenSSL 3 looks it up in its providers on every init otherwise.
 */
#include "gz.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>

#include "util/sha256.h"

static EVP_MD *md;
static pthread_once_t md_once = PTHREAD_ONCE_INIT;

static void md_fetch(void)
{
    md = EVP_MD_fetch(NULL, "SHA256", NULL);
}

void sha256_two(const void *a, size_t na, const void *b, size_t nb, unsigned char out[SHA256_BYTES])
{
    EVP_MD_CTX *ctx;
    int ok;

    pthread_once(&md_once, md_fetch);
    ctx = EVP_MD_CTX_new();
    ok = md && ctx && EVP_DigestInit_ex2(ctx, md, NULL) && EVP_DigestUpdate(ctx, a, na) &&
         (!nb || EVP_DigestUpdate(ctx, b, nb)) && EVP_DigestFinal_ex(ctx, out, NULL);
    EVP_MD_CTX_free(ctx);
    if (!ok) /* out of memory, or a libcrypto without SHA-256: nothing sensible goes on */
        abort();
}

void sha256_hex(const void *data, size_t len, char *hex)
{
    unsigned char h[SHA256_BYTES];

    sha256_two(data, len, NULL, 0, h);
    sodium_bin2hex(hex, SHA256_HEX + 1, h, sizeof(h));
}
