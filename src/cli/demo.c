/*
 * demo.c - `gongzhi demo`: a database holding the demo city, then serve it.
 * Boston (wards as streets, precincts as communities, its departments) and a
 * small Chinese sample organisation come from data/demo; the default Chinese
 * taxonomy from data/taxonomy; one account per role. Running it again on the
 * same file re-imports (imports are upserts) and keeps the accounts.
 */
#include "gz.h"

#include <stdio.h>

#include "cli/cli.h"
#include "io/import.h"
#include "store/store.h"

#define DEMO_PASSWORD "gongzhi-demo"

struct demo_account {
    const char *login;
    const char *name;
    const char *unit;
    enum role role;
};

static const struct demo_account demo_accounts[] = {
    {"admin", "系统管理员 Admin", "boston", ROLE_ADMIN},
    {"operator", "接线员 Operator", "boston", ROLE_OPERATOR},
    {"dispatcher", "派单员 Dispatcher", "boston", ROLE_DISPATCHER},
    {"supervisor", "督办员 Supervisor", "boston", ROLE_SUPERVISOR},
    {"grid", "网格员 Grid worker", "P0301", ROLE_GRID_WORKER},
    {"zh-admin", "示例市管理员", "zh-city", ROLE_ADMIN},
    {"zh-handler", "城管执法局办理员", "ZH-CG", ROLE_HANDLER},
    /* street staff, who whistle departments in (吹哨报到) */
    {"street", "第3选区办理员 Ward 3 handler", "W03", ROLE_HANDLER},
};

static int add_account(struct store *s, const char *login, const char *name, const char *unit_code,
                       enum role role, struct gz_err *err)
{
    char hash[AUTH_HASH_MAX];
    struct account a;
    struct membership m = {0};
    struct unit u;

    if (store_account_get_login(s, login, &a, NULL, err) == 0)
        return 0;
    account_init(&a);
    snprintf(a.login, sizeof(a.login), "%s", login);
    snprintf(a.name, sizeof(a.name), "%s", name);
    if (store_unit_get_by_code(s, unit_code, &u, NULL, err) ||
        auth_password_hash(DEMO_PASSWORD, hash) || store_account_create(s, &a, hash, err))
        return err->code ? err->code : GZ_EIO;
    m.account_id = a.id;
    m.unit_id = u.id;
    m.role = role;
    unit_release(&u);
    return store_membership_create(s, &m, err);
}

struct handler_ctx {
    struct store *s;
    struct gz_err *err;
    int rc;
    int count;
};

/* One handler account per department: handler-<code without the D- prefix>. */
static int add_handler(void *arg, const struct unit *u, const char *pc)
{
    struct handler_ctx *h = arg;
    char login[GZ_MAX_CODE + 16], name[GZ_MAX_NAME + 16];
    const char *code = strncmp(u->code, "D-", 2) == 0 ? u->code + 2 : u->code;

    if (strcmp(pc, "boston") != 0)
        return 0;
    snprintf(login, sizeof(login), "handler-%.50s", code);
    for (char *p = login; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    snprintf(name, sizeof(name), "%s handler", u->name_en[0] ? u->name_en : u->name);
    h->rc = add_account(h->s, login, name, u->code, ROLE_HANDLER, h->err);
    h->count++;
    return h->rc;
}

static int import_demo_files(struct store *s, const char *data, struct gz_err *err)
{
    static const char *const files[][2] = {
        {"units", "demo/boston.geojson"},
        {"units", "demo/zh-sample.geojson"},
        {"categories", "taxonomy/zh-default.csv"},
        {"categories", "taxonomy/boston.csv"},
        {"calendar", "calendar/us-boston-2015.csv"},
        {"kb", "demo/kb.json"},
    };
    char path[1024];
    size_t count;

    for (size_t i = 0; i < GZ_ARRAY_LEN(files); i++) {
        snprintf(path, sizeof(path), "%s/%s", data, files[i][1]);
        if (import_file(s, files[i][0], path, &count, err)) {
            fprintf(stderr, "gongzhi: demo: %s: %s\n", path, err->msg);
            return err->code;
        }
        printf("demo: %zu %s from %s\n", count, files[i][0], path);
    }
    return 0;
}

static int demo_accounts_create(struct store *s, struct gz_err *err)
{
    struct unit_filter f = {.kind = UNIT_DEPARTMENT, .active = -1};
    struct store_page pg = {.limit = GZ_MAX_PAGE};
    struct handler_ctx h = {s, err, 0, 0};

    for (size_t i = 0; i < GZ_ARRAY_LEN(demo_accounts); i++) {
        const struct demo_account *d = &demo_accounts[i];
        if (add_account(s, d->login, d->name, d->unit, d->role, err))
            return err->code;
    }
    if (store_unit_list(s, &f, &pg, add_handler, &h, err) || h.rc)
        return err->code ? err->code : h.rc;
    return 0;
}

static void print_logins(const struct cli_opts *o)
{
    printf("\ndemo accounts (password for all: %s):\n", DEMO_PASSWORD);
    for (size_t i = 0; i < GZ_ARRAY_LEN(demo_accounts); i++)
        printf("  %-12s %-10s in %s\n", demo_accounts[i].login, role_name(demo_accounts[i].role),
               demo_accounts[i].unit);
    printf("  handler-<dept> handler    in each Boston department (e.g. handler-pwdx)\n");
    printf("\nlog in: curl -s -X POST http://%s:%d/api/v1/auth/login "
           "-H 'Content-Type: application/json' -d '{\"login\":\"admin\",\"password\":\"%s\"}'\n\n",
           o->bind, o->port, DEMO_PASSWORD);
}

int cmd_demo(const struct cli_opts *o)
{
    struct gz_err err = {0};
    int code = 0;
    struct store *s = cli_open_store(o, &code);

    if (!s)
        return code;
    /* the demo city is Boston: its clock and its working days */
    if (store_setting_set(s, "timezone", "America/New_York", &err) ||
        import_demo_files(s, o->data, &err) || demo_accounts_create(s, &err)) {
        if (err.msg[0])
            fprintf(stderr, "gongzhi: demo: %s\n", err.msg);
        store_close(s);
        return 1;
    }
    print_logins(o);
    if (!o->no_serve)
        code = cli_serve_store(s, o);
    store_close(s);
    return code;
}
