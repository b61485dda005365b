/* api.c - gathers every resource's routes onto one router. */
#include "gz.h"

#include "api/api.h"

int api_register(struct router *r)
{
    int (*const parts[])(struct router *) = {
        api_health_routes,     api_auth_routes,          api_units_routes,
        api_categories_routes, api_accounts_routes,      api_cases_routes,
        api_case_query_routes, api_routes_routes,        api_locate_routes,
        api_open311_routes,    api_clients_routes,       api_open311_admin_routes,
        api_kpi_routes,        api_effectiveness_routes, api_hotspots_routes,
        api_web_routes,        api_suggest_routes,       api_public_routes,
        api_kb_routes,         api_attachments_routes,   api_joint_routes,
        api_calendar_routes,   api_webhooks_routes,      api_stream_routes,
    };

    for (size_t i = 0; i < GZ_ARRAY_LEN(parts); i++)
        if (parts[i](r))
            return -1;
    return 0;
}
