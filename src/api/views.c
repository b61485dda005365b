/* views.c - JSON shapes of the resources (see views.h). */
#include "gz.h"

#include "api/api_util.h"
#include "api/views.h"
#include "util/json.h"

json_t *view_unit(const struct unit *u, const char *parent_code, bool geometry)
{
    json_t *j = json_pack(
        "{s:I, s:s, s:s, s:s, s:s, s:o, s:o, s:s, s:b, s:o, s:o}", "id", (json_int_t)u->id, "code",
        u->code, "name", u->name, "name_en", u->name_en, "kind", unit_kind_name(u->kind),
        "parent_id", u->parent_id ? json_integer(u->parent_id) : json_null(), "parent_code",
        json_str_or_null(parent_code), "contact", u->contact, "active", u->active, "created_at",
        api_time(u->created_at), "updated_at", api_time(u->updated_at));

    json_object_set_new(j, "has_jurisdiction",
                        json_boolean(u->has_jurisdiction || u->jurisdiction));
    if (geometry && u->jurisdiction)
        json_object_set_new(j, "jurisdiction", json_loads(u->jurisdiction, 0, NULL));
    return j;
}

static json_t *view_limit(const struct tlimit *l)
{
    if (l->amount <= 0)
        return json_null();
    return json_pack("{s:i, s:s}", "amount", l->amount, "unit", limit_unit_name(l->unit));
}

json_t *view_category(const struct category *c)
{
    return json_pack("{s:s, s:o, s:i, s:s, s:s, s:o, s:o, s:o, s:s, s:b, s:o, s:b}", "code",
                     c->code, "parent_code", json_str_or_null(c->parent_code), "level",
                     category_depth(c->code), "name", c->name, "name_en", c->name_en,
                     "respond_limit", view_limit(&c->respond), "resolve_limit",
                     view_limit(&c->resolve), "urgent_limit", view_limit(&c->urgent), "kind",
                     category_kind_name(c->kind), "claimable", c->claimable, "kb_answer",
                     json_str_or_null(c->kb_answer), "active", c->active);
}

json_t *view_account(const struct account *a, bool full)
{
    char masked[GZ_MAX_PHONE + 8];

    if (!full)
        account_mask_phone(a->phone, masked, sizeof(masked));
    return json_pack("{s:I, s:s, s:s, s:o, s:b, s:o}", "id", (json_int_t)a->id, "login", a->login,
                     "name", a->name, "phone", json_str_or_null(full ? a->phone : masked), "active",
                     a->active, "created_at", api_time(a->created_at));
}

json_t *view_membership(const struct membership *m)
{
    return json_pack("{s:I, s:I, s:I, s:s}", "id", (json_int_t)m->id, "account_id",
                     (json_int_t)m->account_id, "unit_id", (json_int_t)m->unit_id, "role",
                     role_name(m->role));
}
