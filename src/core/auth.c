/*
 * auth.c - password hashing, tokens and role decisions. Everything
 * cryptographic goes through libsodium; nothing here touches storage.
 */
#include "gz.h"

#include <sodium.h>

#include "core/auth.h"
#include "util/sha256.h"

int auth_global_init(void)
{
    return sodium_init() < 0 ? GZ_EIO : 0;
}

int auth_password_hash(const char *password, char *out)
{
    if (crypto_pwhash_str(out, password, strlen(password), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                          crypto_pwhash_MEMLIMIT_INTERACTIVE) != 0)
        return GZ_ENOMEM;
    return 0;
}

bool auth_password_verify(const char *hash, const char *password)
{
    return crypto_pwhash_str_verify(hash, password, strlen(password)) == 0;
}

void auth_password_burn(const char *password)
{
    static char dummy[crypto_pwhash_STRBYTES];

    /* a race on first use only computes the same string twice */
    if (!dummy[0] && auth_password_hash("gongzhi-dummy-password", dummy))
        return;
    (void)auth_password_verify(dummy, password);
}

static void hash_hex(const unsigned char *raw, size_t n, char *hash)
{
    sha256_hex(raw, n, hash);
}

void auth_token_new(char *out, char *hash)
{
    unsigned char raw[32];

    randombytes_buf(raw, sizeof(raw));
    sodium_bin2hex(out, AUTH_TOKEN_CHARS + 1, raw, sizeof(raw));
    hash_hex(raw, sizeof(raw), hash);
    sodium_memzero(raw, sizeof(raw));
}

bool auth_token_hash(const char *token, char *hash)
{
    unsigned char raw[32];
    size_t len = 0;

    if (strlen(token) != AUTH_TOKEN_CHARS ||
        sodium_hex2bin(raw, sizeof(raw), token, AUTH_TOKEN_CHARS, NULL, &len, NULL) != 0 ||
        len != sizeof(raw))
        return false;
    hash_hex(raw, sizeof(raw), hash);
    return true;
}

bool auth_has_role(const struct principal *p, enum role role)
{
    for (size_t i = 0; i < p->n; i++)
        if (p->m[i].role == role || p->m[i].role == ROLE_ADMIN)
            return true;
    return false;
}

bool auth_has_role_over(const struct principal *p, enum role role, const int64_t *chain, size_t n)
{
    for (size_t i = 0; i < p->n; i++) {
        if (p->m[i].role != role && p->m[i].role != ROLE_ADMIN)
            continue;
        for (size_t k = 0; k < n; k++)
            if (chain[k] == p->m[i].unit_id)
                return true;
    }
    return false;
}

bool auth_is_root_admin(const struct principal *p, const int64_t *roots, size_t n)
{
    return auth_has_role_over(p, ROLE_ADMIN, roots, n);
}
