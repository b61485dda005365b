/*
 * report_html.c - the period report rendered (see report.h): one HTML file
 * with its style and charts inline (SVG: score bars, the three rates over
 * the last periods, a map of the jurisdictions with the period's hotspot
 * cells), no script and no external resource; and the ranking as CSV.
 *
 * Every figure cell carries its value as the API writes it (data-k = the
 * API's name, data-v = the number to 15 significant digits, empty for null)
 * beside the rounded text, so a reader or a test can hold the report against
 * the API.
 */
#include "gz.h"

#include <csv.h>
#include <math.h>

#include "api/kpi_json.h"
#include "cli/report.h"

#define MAP_W 800.0
#define MAP_H 560.0
#define BAR_W 520.0
#define TREND_W 760.0
#define TREND_H 260.0

static const char *const rate_keys[] = {
    "response_rate", "resolution_rate",     "satisfaction_rate",
    "closure_rate",  "ontime_closure_rate", "rework_rate",
    "return_rate",   "whistle_report_rate", "joint_share",
};
static const char *const rate_heads[] = {
    "响应率<br>response", "解决率<br>resolution", "满意率<br>satisfaction",
    "结案率<br>closure",  "按期结案<br>on time",  "返工率<br>rework",
    "退单率<br>returns",  "报到率<br>whistles",   "协同<br>joint",
};

static void esc(FILE *f, const char *s)
{
    for (; s && *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *str(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

static double num(const json_t *v)
{
    return json_is_number(v) ? json_number_value(v) : NAN;
}

/* <td data-k data-v>text</td>; kind 'p' percent, 'h' hours, 'n' one decimal, 'i' integer. */
static void cell(FILE *f, const char *key, const json_t *v, char kind)
{
    double d = num(v);

    fprintf(f, "<td data-k=\"%s\" data-v=\"", key);
    if (!isnan(d))
        fprintf(f, "%.15g", d);
    fputs("\">", f);
    if (isnan(d))
        fputs("—", f);
    else if (kind == 'p')
        fprintf(f, "%.1f%%", d * 100.0);
    else if (kind == 'h')
        fprintf(f, "%.1f", d / 3600.0);
    else if (kind == 'i')
        fprintf(f, "%.0f", d);
    else
        fprintf(f, "%.1f", d);
    fputs("</td>", f);
}

static void head(FILE *f, const struct report *r)
{
    const json_t *per = json_object_get(r->ranking, "period"), *w, *v;
    const char *k;

    fputs("<!DOCTYPE html>\n<html lang=\"zh\"><head><meta charset=\"utf-8\"><title>", f);
    esc(f, r->city);
    fprintf(f, " %s</title><style>\n", r->per.name);
    fputs("body{font:14px/1.45 sans-serif;margin:24px;color:#222}"
          "table{border-collapse:collapse;margin:8px 0 20px}"
          "td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}"
          "th{background:#f2f4f7;font-weight:600}td.t{text-align:left}"
          "tr.flag td{background:#fdecea}.meta{color:#555}"
          "h2{border-bottom:2px solid #1f6fb2;padding-bottom:2px}"
          "svg{background:#fafbfc;border:1px solid #e1e4e8}\n</style></head><body>\n<h1>",
          f);
    esc(f, r->city);
    fprintf(f, " · 绩效报告 Performance report %s</h1>\n<p class=\"meta\">", r->per.name);
    fprintf(f, "%s – %s · level %s · basis %s · weights", str(per, "first_day"),
            str(per, "last_day"), unit_kind_name(r->level), kpi_basis_name(r->basis));
    w = json_object_get(r->ranking, "weights");
    json_object_foreach((json_t *)w, k, v)
        fprintf(f, " %s %.0f%%", k, num(v) * 100.0);
    v = json_object_get(r->ranking, "flag_below");
    if (json_is_number(v))
        fprintf(f, " · flagged below %.1f", num(v));
    fputs("</p>\n", f);
}

/* ---- ranking ---- */

static void score_bars(FILE *f, const json_t *items)
{
    const json_t *it;
    size_t i, n = 0;

    json_array_foreach(items, i, it)
        n += json_is_number(json_object_get(it, "score"));
    fprintf(f,
            "<svg id=\"scores\" xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
            "height=\"%zu\" role=\"img\"><title>scores</title>\n",
            n * 18 + 10);
    n = 0;
    json_array_foreach(items, i, it) {
        double s = num(json_object_get(it, "score"));
        const json_t *u = json_object_get(it, "unit");
        if (isnan(s))
            continue;
        fprintf(f, "<text x=\"4\" y=\"%zu\" font-size=\"11\">", n * 18 + 17);
        esc(f, str(u, "code"));
        fprintf(f,
                "</text><rect x=\"120\" y=\"%zu\" width=\"%.1f\" height=\"14\" fill=\"%s\">"
                "<title>%.1f</title></rect><text x=\"%.1f\" y=\"%zu\" font-size=\"11\">%.1f"
                "</text>\n",
                n * 18 + 6, fmax(0.0, s) / 100.0 * BAR_W,
                json_is_true(json_object_get(it, "flagged")) ? "#d9534f" : "#1f6fb2", s,
                126 + fmax(0.0, s) / 100.0 * BAR_W, n * 18 + 17, s);
        n++;
    }
    fputs("</svg>\n", f);
}

static void ranking_row(FILE *f, const json_t *it, bool co)
{
    const json_t *u = json_object_get(it, "unit"), *ind = json_object_get(it, "indicators");

    fprintf(f, "<tr data-unit=\"");
    esc(f, str(u, "code"));
    fprintf(f, "\"%s>", json_is_true(json_object_get(it, "flagged")) ? " class=\"flag\"" : "");
    cell(f, "rank", json_object_get(it, "rank"), 'i');
    fputs("<td class=\"t\">", f);
    esc(f, str(u, "code"));
    fputs("</td><td class=\"t\">", f);
    esc(f, str(u, "name"));
    fputs("</td>", f);
    cell(f, "score", json_object_get(it, "score"), 'n');
    cell(f, "volume", json_object_get(it, "volume"), 'i');
    for (size_t i = 0; i < GZ_ARRAY_LEN(rate_keys); i++)
        cell(f, rate_keys[i], json_object_get(ind, rate_keys[i]), 'p');
    cell(f, "mean_handling_s", json_object_get(ind, "mean_handling_s"), 'h');
    cell(f, "p90_handling_s", json_object_get(ind, "p90_handling_s"), 'h');
    if (co) {
        const json_t *c = json_object_get(it, "co");
        cell(f, "co.dispatched", json_object_get(json_object_get(c, "volumes"), "dispatched"), 'i');
        cell(f, "co.satisfaction_rate",
             json_object_get(json_object_get(c, "indicators"), "satisfaction_rate"), 'p');
    }
    fputs("</tr>\n", f);
}

static void ranking(FILE *f, const struct report *r)
{
    const json_t *items = json_object_get(r->ranking, "items"), *it;
    bool co = r->basis == KPI_LEAD;
    size_t i;

    fputs("<section id=\"ranking\"><h2>排名 Ranking</h2>\n", f);
    score_bars(f, items);
    fputs("<table id=\"ranking-table\"><tr><th>名次<br>rank</th><th>code</th><th>单位 unit</th>"
          "<th>得分<br>score</th><th>件数<br>volume</th>",
          f);
    for (size_t k = 0; k < GZ_ARRAY_LEN(rate_heads); k++)
        fprintf(f, "<th>%s</th>", rate_heads[k]);
    fputs("<th>平均办理 h<br>mean handling</th><th>p90 h</th>", f);
    if (co)
        fputs("<th>协办件数<br>co-unit cases</th><th>协办满意率<br>co satisfaction</th>", f);
    fputs("</tr>\n", f);
    json_array_foreach(items, i, it)
        ranking_row(f, it, co);
    fputs("</table></section>\n", f);
}

/* ---- trend ---- */

static void trend_line(FILE *f, const json_t *items, const char *key, const char *colour)
{
    const json_t *it;
    size_t i, n = json_array_size(items);
    bool open = false;

    json_array_foreach(items, i, it) {
        double v = num(json_object_get(json_object_get(it, "indicators"), key));
        double x = 40 + (n > 1 ? (double)i * (TREND_W - 60) / (double)(n - 1) : 0);
        double y = TREND_H - 30 - (isnan(v) ? 0 : v) * (TREND_H - 50);
        if (isnan(v)) { /* no figure: the line breaks */
            if (open)
                fputs("\"/>\n", f);
            open = false;
            continue;
        }
        if (!open)
            fprintf(f, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" points=\"",
                    colour);
        fprintf(f, "%.1f,%.1f ", x, y);
        open = true;
    }
    if (open)
        fputs("\"/>\n", f);
}

static void trend(FILE *f, const struct report *r)
{
    static const char *const keys[] = {"response_rate", "resolution_rate", "satisfaction_rate"};
    static const char *const colours[] = {"#1f6fb2", "#2e8b57", "#e08a00"};
    const json_t *items = json_object_get(r->trend, "items"), *it;
    size_t i, n = json_array_size(items);

    fprintf(f,
            "<section id=\"trend\"><h2>趋势 Trend (whole platform)</h2>\n<svg "
            "xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" role=\"img\">"
            "<title>response, resolution and satisfaction rates</title>\n",
            TREND_W, TREND_H);
    for (int g = 0; g <= 4; g++)
        fprintf(f,
                "<line x1=\"40\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>"
                "<text x=\"4\" y=\"%.1f\" font-size=\"10\">%d%%</text>\n",
                TREND_W - 20, TREND_H - 30 - g * (TREND_H - 50) / 4,
                TREND_H - 30 - g * (TREND_H - 50) / 4, TREND_H - 27 - g * (TREND_H - 50) / 4,
                g * 25);
    json_array_foreach(items, i, it)
        fprintf(f,
                "<text x=\"%.1f\" y=\"%.0f\" font-size=\"10\" text-anchor=\"middle\">%s</text>\n",
                40 + (n > 1 ? (double)i * (TREND_W - 60) / (double)(n - 1) : 0), TREND_H - 12,
                str(json_object_get(it, "period"), "name"));
    for (int k = 0; k < 3; k++) {
        trend_line(f, items, keys[k], colours[k]);
        fprintf(f, "<text x=\"%d\" y=\"14\" font-size=\"11\" fill=\"%s\">%s</text>\n", 60 + 170 * k,
                colours[k], keys[k]);
    }
    fputs("</svg></section>\n", f);
}

/* ---- effectiveness ---- */

static const char *const lever_paths[][3] = {
    {"synergy", "joint_share", "p"},
    {"synergy", "whistle_report_rate", "p"},
    {"synergy", "claims_completed", "i"},
    {"agility", "intake_to_dispatch", "h"},
    {"agility", "dispatch_to_response", "h"},
    {"agility", "response_to_reply", "h"},
    {"responsiveness", "response_rate", "p"},
    {"responsiveness", "resolution_rate", "p"},
    {"responsiveness", "satisfaction_rate", "p"},
    {"responsiveness", "first_contact_share", "p"},
};

/* The value of one lever in a {synergy, agility, responsiveness} block (agility: the median). */
static const json_t *lever(const json_t *block, size_t i, bool p90)
{
    const json_t *v = json_object_get(json_object_get(block, lever_paths[i][0]), lever_paths[i][1]);

    return lever_paths[i][2][0] == 'h' ? json_object_get(v, p90 ? "p90_s" : "median_s") : v;
}

static void effect_city(FILE *f, const struct report *r)
{
    const json_t *e = r->effect_city;

    fputs("<section id=\"effectiveness\"><h2>成效 Effectiveness</h2>\n<table id=\"effect-city\">"
          "<tr><th>lever</th><th>indicator</th><th>this period</th><th>previous</th>"
          "<th>change</th></tr>\n",
          f);
    for (size_t i = 0; i < GZ_ARRAY_LEN(lever_paths); i++)
        for (int p90 = 0; p90 <= (lever_paths[i][2][0] == 'h'); p90++) {
            char key[96];
            char kind = lever_paths[i][2][0];
            snprintf(key, sizeof(key), "%s.%s%s", lever_paths[i][0], lever_paths[i][1],
                     kind == 'h' ? (p90 ? ".p90_s" : ".median_s") : "");
            fprintf(f, "<tr data-k=\"%s\"><td class=\"t\">%s</td><td class=\"t\">%s%s</td>", key,
                    lever_paths[i][0], lever_paths[i][1],
                    kind == 'h' ? (p90 ? " p90 (h)" : " median (h)") : "");
            cell(f, "current", lever(json_object_get(e, "current"), i, p90), kind);
            cell(f, "previous", lever(json_object_get(e, "previous"), i, p90), kind);
            cell(f, "change", lever(json_object_get(e, "change"), i, p90), kind);
            fputs("</tr>\n", f);
        }
    fputs("</table>\n", f);
}

static void effect_units(FILE *f, const struct report *r)
{
    const json_t *items = json_object_get(r->ranking, "items"), *it;
    size_t i;

    fputs("<table id=\"effect-units\"><tr><th>unit</th>", f);
    for (size_t k = 0; k < GZ_ARRAY_LEN(lever_paths); k++)
        fprintf(f, "<th>%s%s</th>", lever_paths[k][1],
                lever_paths[k][2][0] == 'h' ? " median (h)" : "");
    fputs("</tr>\n", f);
    json_array_foreach(items, i, it) {
        const char *code = str(json_object_get(it, "unit"), "code");
        const json_t *cur = json_object_get(json_object_get(r->effect, code), "current");
        fputs("<tr data-unit=\"", f);
        esc(f, code);
        fputs("\"><td class=\"t\">", f);
        esc(f, code);
        fputs("</td>", f);
        for (size_t k = 0; k < GZ_ARRAY_LEN(lever_paths); k++)
            cell(f, lever_paths[k][1], lever(cur, k, false), lever_paths[k][2][0]);
        fputs("</tr>\n", f);
    }
    fputs("</table></section>\n", f);
}

/* ---- the map ---- */

struct frame {
    double minx, miny, maxx, maxy, k, kx;
};

static void bbox_ring(const json_t *ring, struct frame *fr)
{
    const json_t *pt;
    size_t i;

    json_array_foreach(ring, i, pt) {
        double x = num(json_array_get(pt, 0)), y = num(json_array_get(pt, 1));
        fr->minx = fmin(fr->minx, x);
        fr->maxx = fmax(fr->maxx, x);
        fr->miny = fmin(fr->miny, y);
        fr->maxy = fmax(fr->maxy, y);
    }
}

/* Call fn on every ring of a Polygon or MultiPolygon. */
static void each_ring(const json_t *geom, void (*fn)(const json_t *, void *), void *ctx)
{
    const json_t *coords = json_object_get(geom, "coordinates"), *poly, *ring;
    bool multi = strcmp(str(geom, "type"), "MultiPolygon") == 0;
    size_t i, j;

    json_array_foreach(coords, i, poly) {
        if (!multi) {
            fn(poly, ctx);
            continue;
        }
        json_array_foreach(poly, j, ring)
            fn(ring, ctx);
    }
}

static void ring_bbox(const json_t *ring, void *ctx)
{
    bbox_ring(ring, ctx);
}

struct pen {
    FILE *f;
    const struct frame *fr;
};

static void ring_path(const json_t *ring, void *ctx)
{
    struct pen *p = ctx;
    const json_t *pt;
    size_t i;

    json_array_foreach(ring, i, pt) {
        double x = (num(json_array_get(pt, 0)) - p->fr->minx) * p->fr->kx * p->fr->k + 10;
        double y = (p->fr->maxy - num(json_array_get(pt, 1))) * p->fr->k + 10;
        fprintf(p->f, "%c%.1f,%.1f", i ? 'L' : 'M', x, y);
    }
    fputc('Z', p->f);
}

/* Does a unit's geometry reach into the frame? */
static bool in_frame(const json_t *u, const struct frame *fr)
{
    struct frame b = {INFINITY, INFINITY, -INFINITY, -INFINITY, 1, 1};

    each_ring(json_object_get(u, "geometry"), ring_bbox, &b);
    return b.maxx >= fr->minx && b.minx <= fr->maxx && b.maxy >= fr->miny && b.miny <= fr->maxy;
}

static void map_units_svg(FILE *f, const struct report *r, const struct frame *fr)
{
    const json_t *u;
    struct pen pen = {f, fr};
    int64_t most = 1;
    size_t i;

    json_array_foreach(r->map, i, u)
        most = json_integer_value(json_object_get(u, "received")) > most
                   ? json_integer_value(json_object_get(u, "received"))
                   : most;
    json_array_foreach(r->map, i, u) {
        double share = (double)json_integer_value(json_object_get(u, "received")) / (double)most;
        if (!in_frame(u, fr))
            continue;
        fprintf(f, "<path fill=\"rgb(%d,%d,%d)\" stroke=\"#fff\" stroke-width=\"0.6\" d=\"",
                (int)(235 - 170 * share), (int)(242 - 120 * share), 250);
        each_ring(json_object_get(u, "geometry"), ring_path, &pen);
        fputs("\"><title>", f);
        esc(f, str(u, "code"));
        fputc(' ', f);
        esc(f, str(u, "name"));
        fprintf(f, ": %lld</title></path>\n",
                (long long)json_integer_value(json_object_get(u, "received")));
    }
}

static void map_hotspots_svg(FILE *f, const struct report *r, const struct frame *fr)
{
    const json_t *h;
    size_t i;

    json_array_foreach(r->hotspots, i, h) {
        const json_t *poly = json_object_get(json_object_get(h, "place"), "polygon");
        struct pen pen = {f, fr};
        if (!poly)
            continue;
        fputs("<path fill=\"rgba(217,83,79,0.75)\" stroke=\"#a00\" stroke-width=\"0.8\" d=\"", f);
        ring_path(poly, &pen);
        fprintf(f, "\"><title>%s: %lld</title></path>\n", str(h, "id"),
                (long long)json_integer_value(json_object_get(h, "count")));
    }
}

static void map(FILE *f, const struct report *r)
{
    struct frame fr = {INFINITY, INFINITY, -INFINITY, -INFINITY, 1, 1};
    const json_t *u;
    size_t i;

    fputs("<section id=\"hotspots\"><h2>热点 Hotspots</h2>\n", f);
    /* frame the units that had cases: a platform may hold cities far apart */
    json_array_foreach(r->map, i, u) {
        if (json_integer_value(json_object_get(u, "received")) > 0)
            each_ring(json_object_get(u, "geometry"), ring_bbox, &fr);
    }
    if (!isfinite(fr.minx))
        json_array_foreach(r->map, i, u)
            each_ring(json_object_get(u, "geometry"), ring_bbox, &fr);
    if (isfinite(fr.minx) && fr.maxx > fr.minx && fr.maxy > fr.miny) {
        fr.kx = cos((fr.miny + fr.maxy) / 2 * M_PI / 180.0);
        fr.k =
            fmin((MAP_W - 20) / ((fr.maxx - fr.minx) * fr.kx), (MAP_H - 20) / (fr.maxy - fr.miny));
        fprintf(f,
                "<svg id=\"map\" xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" "
                "height=\"%.0f\" role=\"img\"><title>cases per unit and hotspot cells</title>\n",
                (fr.maxx - fr.minx) * fr.kx * fr.k + 20, (fr.maxy - fr.miny) * fr.k + 20);
        map_units_svg(f, r, &fr);
        map_hotspots_svg(f, r, &fr);
        fputs("</svg>\n", f);
    } else {
        fputs("<p>No jurisdiction to draw.</p>\n", f);
    }
}

static void hotspot_table(FILE *f, const struct report *r)
{
    const json_t *h;
    size_t i;

    fputs("<table id=\"hotspot-table\"><tr><th>hotspot</th><th>category</th><th>count</th>"
          "<th>baseline / week</th><th>p</th><th>cases</th></tr>\n",
          f);
    json_array_foreach(r->hotspots, i, h) {
        const json_t *cat = json_object_get(h, "category");
        fprintf(f, "<tr><td class=\"t\">%s</td><td class=\"t\">", str(h, "id"));
        esc(f, json_is_object(cat) ? str(cat, "name") : "all");
        fputs("</td>", f);
        cell(f, "count", json_object_get(h, "count"), 'i');
        cell(f, "baseline", json_object_get(h, "baseline"), 'n');
        fprintf(f, "<td data-k=\"p\" data-v=\"%.15g\">%.2g</td><td class=\"t\">%zu</td></tr>\n",
                num(json_object_get(h, "p")), num(json_object_get(h, "p")),
                json_array_size(json_object_get(h, "cases")));
    }
    fputs("</table></section>\n", f);
}

static void top_issues(FILE *f, const struct report *r)
{
    const json_t *items = json_object_get(r->top, "items"), *it, *t;
    size_t i, j;

    fputs("<section id=\"top\"><h2>每月一题 Top issues</h2>\n<table id=\"top-table\"><tr>"
          "<th>unit</th><th>category</th><th>count</th><th>previous</th><th>change</th></tr>\n",
          f);
    json_array_foreach(items, i, it) {
        json_array_foreach(json_object_get(it, "top"), j, t) {
            fputs("<tr><td class=\"t\">", f);
            esc(f, str(json_object_get(it, "unit"), "name"));
            fputs("</td><td class=\"t\">", f);
            esc(f, str(json_object_get(t, "category"), "name"));
            fputs("</td>", f);
            cell(f, "count", json_object_get(t, "count"), 'i');
            cell(f, "previous", json_object_get(t, "previous"), 'i');
            cell(f, "change", json_object_get(t, "change"), 'i');
            fputs("</tr>\n", f);
        }
    }
    fputs("</table></section>\n", f);
}

int report_html(FILE *f, const struct report *r)
{
    head(f, r);
    ranking(f, r);
    trend(f, r);
    effect_city(f, r);
    effect_units(f, r);
    map(f, r);
    hotspot_table(f, r);
    top_issues(f, r);
    fputs("</body></html>\n", f);
    return ferror(f) ? -1 : 0;
}

/* ---- CSV ---- */

static void csv_text(FILE *f, const char *s, bool last)
{
    csv_fwrite(f, s, strlen(s));
    fputc(last ? '\n' : ',', f);
}

static void csv_num(FILE *f, const json_t *v, bool last)
{
    if (json_is_number(v))
        fprintf(f, "%.15g", json_number_value(v));
    fputc(last ? '\n' : ',', f);
}

static void csv_row(FILE *f, const json_t *it, const json_t *effect)
{
    const json_t *u = json_object_get(it, "unit"), *ind = json_object_get(it, "indicators");
    const json_t *vol = json_object_get(it, "volumes"), *co = json_object_get(it, "co");
    const json_t *cur = json_object_get(effect, "current");
    static const char *const vols[] = {"received", "dispatched", "resolved",
                                       "closed",   "rated",      "due"};

    csv_num(f, json_object_get(it, "rank"), false);
    csv_num(f, json_object_get(u, "id"), false);
    csv_text(f, str(u, "code"), false);
    csv_text(f, str(u, "name"), false);
    csv_num(f, json_object_get(it, "score"), false);
    csv_text(f, json_is_true(json_object_get(it, "flagged")) ? "1" : "0", false);
    csv_num(f, json_object_get(it, "volume"), false);
    for (int i = 0; i < KPI_NINDICATORS; i++)
        csv_num(f, json_object_get(ind, kpi_indicator_name((enum kpi_indicator)i)), false);
    csv_num(f, json_object_get(ind, "mean_handling_s"), false);
    csv_num(f, json_object_get(ind, "p90_handling_s"), false);
    for (size_t i = 0; i < GZ_ARRAY_LEN(vols); i++)
        csv_num(f, json_object_get(vol, vols[i]), false);
    csv_num(f, json_object_get(json_object_get(co, "volumes"), "dispatched"), false);
    csv_num(f, json_object_get(json_object_get(co, "indicators"), "satisfaction_rate"), false);
    for (size_t k = 3; k <= 5; k++) {
        csv_num(f, lever(cur, k, false), false);
        csv_num(f, lever(cur, k, true), k == 5);
    }
}

int report_csv(FILE *f, const struct report *r)
{
    const json_t *it;
    size_t i;

    fputs("rank,unit_id,code,name,score,flagged,volume", f);
    for (int k = 0; k < KPI_NINDICATORS; k++)
        fprintf(f, ",%s", kpi_indicator_name((enum kpi_indicator)k));
    fputs(",mean_handling_s,p90_handling_s,received,dispatched,resolved,closed,rated,due,"
          "co_dispatched,co_satisfaction_rate,intake_to_dispatch_median_s,"
          "intake_to_dispatch_p90_s,dispatch_to_response_median_s,dispatch_to_response_p90_s,"
          "response_to_reply_median_s,response_to_reply_p90_s\n",
          f);
    json_array_foreach(json_object_get(r->ranking, "items"), i, it) {
        const char *code = str(json_object_get(it, "unit"), "code");
        csv_row(f, it, json_object_get(r->effect, code));
    }
    return ferror(f) ? -1 : 0;
}
