/*
 * store_sqlite.h - the SQLite backend's operations, shared between its files
 * and gathered into one ops table in store_sqlite.c.
 */
#ifndef GZ_STORE_SQLITE_H
#define GZ_STORE_SQLITE_H

#include "store/store_impl.h"

int sqo_unit_create(struct store *, struct unit *, const char *, struct gz_err *);
int sqo_unit_update(struct store *, struct unit *, const char *, struct gz_err *);
int sqo_unit_get(struct store *, int64_t, const char *, struct unit *, char *, struct gz_err *);
int sqo_unit_list(struct store *, const struct unit_filter *, const struct store_page *,
                  store_unit_fn, void *, struct gz_err *);
int sqo_unit_chain(struct store *, int64_t, int64_t *, size_t, size_t *, struct gz_err *);
int sqo_unit_import(struct store *, struct unit *, char (*)[GZ_MAX_CODE + 1], size_t,
                    store_progress_fn, void *, size_t *, struct gz_err *);
int sqo_category_put(struct store *, const struct category *, bool, struct gz_err *);
int sqo_category_get(struct store *, const char *, struct category *, struct gz_err *);
int sqo_category_list(struct store *, const char *, int, const struct store_page *,
                      store_category_fn, void *, struct gz_err *);
int sqo_category_import(struct store *, struct category *, size_t, store_progress_fn, void *,
                        size_t *, struct gz_err *);

int sqo_account_create(struct store *, struct account *, const char *, struct gz_err *);
int sqo_account_update(struct store *, const struct account *, const char *, struct gz_err *);
int sqo_account_get(struct store *, int64_t, const char *, struct account *, char *,
                    struct gz_err *);
int sqo_account_list(struct store *, const struct store_page *, store_account_fn, void *,
                     struct gz_err *);
int sqo_membership_create(struct store *, struct membership *, struct gz_err *);
int sqo_membership_delete(struct store *, int64_t, struct gz_err *);
int sqo_membership_get(struct store *, int64_t, struct membership *, struct gz_err *);
int sqo_membership_list(struct store *, int64_t, int64_t, store_membership_fn, void *,
                        struct gz_err *);
int sqo_token_create(struct store *, const char *, int64_t, int64_t, struct gz_err *);
int sqo_token_delete(struct store *, const char *, struct gz_err *);
int sqo_token_purge(struct store *, int64_t, struct gz_err *);
int sqo_principal_load(struct store *, const char *, int64_t, struct principal *, struct gz_err *);

#endif
