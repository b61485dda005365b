/*
 * store_impl.h - what a storage backend provides: an ops table that store.c
 * dispatches to. Backends embed `struct store` as their first member.
 */
#ifndef GZ_STORE_IMPL_H
#define GZ_STORE_IMPL_H

#include "store/store.h"

struct store_ops {
    const char *name;
    void (*close)(struct store *s);
    int (*schema_version)(struct store *s);

    int (*unit_create)(struct store *, struct unit *, const char *, struct gz_err *);
    int (*unit_update)(struct store *, struct unit *, const char *, struct gz_err *);
    int (*unit_get)(struct store *, int64_t, const char *, struct unit *, char *, struct gz_err *);
    int (*unit_list)(struct store *, const struct unit_filter *, const struct store_page *,
                     store_unit_fn, void *, struct gz_err *);
    int (*unit_chain)(struct store *, int64_t, int64_t *, size_t, size_t *, struct gz_err *);
    int (*unit_import)(struct store *, struct unit *, char (*)[GZ_MAX_CODE + 1], size_t,
                       store_progress_fn, void *, size_t *, struct gz_err *);

    int (*category_put)(struct store *, const struct category *, bool create, struct gz_err *);
    int (*category_get)(struct store *, const char *, struct category *, struct gz_err *);
    int (*category_list)(struct store *, const char *, int, const struct store_page *,
                         store_category_fn, void *, struct gz_err *);
    int (*category_import)(struct store *, struct category *, size_t, store_progress_fn, void *,
                           size_t *, struct gz_err *);

    int (*account_create)(struct store *, struct account *, const char *, struct gz_err *);
    int (*account_update)(struct store *, const struct account *, const char *, struct gz_err *);
    int (*account_get)(struct store *, int64_t, const char *, struct account *, char *,
                       struct gz_err *);
    int (*account_list)(struct store *, const struct store_page *, store_account_fn, void *,
                        struct gz_err *);
    int (*membership_create)(struct store *, struct membership *, struct gz_err *);
    int (*membership_delete)(struct store *, int64_t, struct gz_err *);
    int (*membership_get)(struct store *, int64_t, struct membership *, struct gz_err *);
    int (*membership_list)(struct store *, int64_t, int64_t, store_membership_fn, void *,
                           struct gz_err *);
    int (*token_create)(struct store *, const char *, int64_t, int64_t, struct gz_err *);
    int (*token_delete)(struct store *, const char *, struct gz_err *);
    int (*token_purge)(struct store *, int64_t, struct gz_err *);
    int (*principal_load)(struct store *, const char *, int64_t, struct principal *,
                          struct gz_err *);
};

struct store {
    const struct store_ops *ops;
};

/* Backends. */
struct store *store_sqlite_open(const char *path, const struct store_options *opt,
                                struct gz_err *err);
int store_sqlite_latest(void);

#endif
