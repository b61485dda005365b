/*
 * auth.h - credentials and permissions: argon2id password hashes, bearer
 * tokens (32 random bytes, stored only as their SHA-256), and the decision of
 * whether a principal holds a role over a unit.
 */
#ifndef GZ_AUTH_H
#define GZ_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/account.h"

struct api_client;

#define AUTH_HASH_MAX 128   /* crypto_pwhash_STRBYTES */
#define AUTH_TOKEN_CHARS 64 /* hex of 32 bytes */
#define AUTH_TOKEN_HASH_CHARS 64

/* Call once before threads start: initialises libsodium. */
int auth_global_init(void) __attribute__((warn_unused_result));
/* Hash a password with argon2id (interactive limits). out[AUTH_HASH_MAX]. */
int auth_password_hash(const char *password, char *out) __attribute__((warn_unused_result));
/* True when password matches the stored hash. */
bool auth_password_verify(const char *hash, const char *password);
/* A dummy verify costing as much as a real one, so unknown logins take as long. */
void auth_password_burn(const char *password);
/* New random token as hex (out[AUTH_TOKEN_CHARS+1]) and its hash (hash[AUTH_TOKEN_HASH_CHARS+1]).
 */
void auth_token_new(char *out, char *hash);
/* Hash of a presented token; false when it is not a well-formed token. */
bool auth_token_hash(const char *token, char *hash);

/*
 * Who is asking: the account and its memberships, with each membership's
 * unit ancestry (unit id first, then its parent, up to the root), filled by
 * the caller from the store.
 */
#define AUTH_MAX_MEMBERSHIPS 32
#define AUTH_MAX_DEPTH 16
struct principal {
    int64_t account_id;
    char login[GZ_MAX_CODE + 1];
    size_t n;
    struct {
        enum role role;
        int64_t unit_id;
    } m[AUTH_MAX_MEMBERSHIPS];
    /* an API client calling with its key (the API layer's, with its scope); NULL for people */
    const struct api_client *client;
};

/* Does p hold `role` (or admin) in any unit? */
bool auth_has_role(const struct principal *p, enum role role);
/*
 * Does p hold `role` (or admin) in unit or one of its ancestors?
 * `chain` is the unit's ancestry, unit itself first, root last.
 */
bool auth_has_role_over(const struct principal *p, enum role role, const int64_t *chain, size_t n);
/* Admin of a root unit (no parent): may manage platform-wide things. */
bool auth_is_root_admin(const struct principal *p, const int64_t *roots, size_t n);

#endif
