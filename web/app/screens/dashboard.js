// dashboard.js - the supervisor's view of a period: the ranking of one level of units (from
// /kpi), the three rates of a unit month by month (ECharts, from /kpi/units/{id}), the
// week's hotspots on the map (/hotspots), and the overdue cases.
import { get, qs, hasEndpoint, token } from '../api.js';
import { t, fmtPct, fmtNum, nameOf, cityToday, currentLang } from '../i18n.js';
import { h, clear, field, select, casePager, caseLink, when, notice, errorText } from '../ui.js';
import { makeMap, addJurisdictions } from '../map.js';
import { units } from '../session.js';

const LEVELS = ['street', 'department', 'community', 'district'];

let echartsP = null;
function echarts() {
  if (!echartsP) echartsP = new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/vendor/echarts/echarts.min.js';
    s.onload = () => resolve(window.echarts);
    s.onerror = reject;
    document.head.append(s);
  });
  return echartsP;
}

// ISO week name of a YYYY-MM-DD day: 2026-W48
export function isoWeek(day) {
  const d = new Date(`${day}T00:00:00Z`);
  const wd = (d.getUTCDay() + 6) % 7;
  d.setUTCDate(d.getUTCDate() - wd + 3);
  const y = d.getUTCFullYear();
  const first = new Date(Date.UTC(y, 0, 4));
  const w = 1 + Math.round(((d - first) / 864e5 - 3 + ((first.getUTCDay() + 6) % 7)) / 7);
  return `${y}-W${String(w).padStart(2, '0')}`;
}

function monthsBack(month, n) {
  const [y, m] = month.split('-').map(Number);
  const d = new Date(Date.UTC(y, m - 1 - n, 1));
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
}

export async function render(el) {
  const today = cityToday();
  const period = h('input', { type: 'month', name: 'period', value: today.slice(0, 7) });
  const level = select(LEVELS.map((l) => [l, t(`kind.${l}`)]), 'street', { name: 'level' });
  const msg = h('div');
  const ranking = h('div', { id: 'ranking' });
  const chartEl = h('div', { class: 'chart', id: 'trend', role: 'img', 'aria-label': t('dash.trend') });
  const trendTitle = h('h2', {}, t('dash.trend'));
  const mapEl = h('div', { class: 'map', id: 'hot-map' });
  const hotInfo = h('p', { class: 'hint' });
  const overdue = h('div');
  const form = h('form', { class: 'card row' }, field('dash.period', period), field('dash.level', level),
    h('button', { type: 'submit' }, t('dash.show')));
  clear(el, h('h1', {}, t('nav.dashboard')), form, msg,
    h('div', { class: 'cols' },
      h('section', { class: 'card', 'aria-labelledby': 'rk-h' }, h('h2', { id: 'rk-h' }, t('dash.ranking')), ranking),
      h('div', {}, h('section', { class: 'card' }, trendTitle, chartEl),
        h('section', { class: 'card' }, h('h2', {}, t('dash.hotspots')), mapEl, hotInfo))),
    h('section', { class: 'card' }, h('h2', {}, t('dash.overdue')), overdue));

  const map = makeMap(mapEl, { label: t('dash.hotspots') });
  addJurisdictions(map).catch(() => {});
  const hotLayer = window.L.layerGroup().addTo(map);
  const { list } = await units();
  const root = list.find((u) => !u.parent_id && u.has_jurisdiction === false && u.kind === 'city') || list.find((u) => !u.parent_id);
  let chart = null;

  async function showTrend(unit) {
    trendTitle.textContent = `${t('dash.trend')} — ${nameOf(unit)}`;
    const to = period.value;
    const tr = await get(`kpi/units/${unit.id || unit.code}${qs({ from: monthsBack(to, 11), to, by: 'month' })}`);
    const ec = await echarts();
    if (!chart) chart = ec.init(chartEl);
    const x = tr.items.map((i) => i.period.name);
    const series = ['response_rate', 'resolution_rate', 'satisfaction_rate'].map((k) => ({
      name: t(`kpi.${k}`), type: 'line', connectNulls: false, data: tr.items.map((i) => i.indicators[k]) }));
    chart.setOption({
      tooltip: { trigger: 'axis', valueFormatter: (v) => fmtPct(v) },
      legend: { top: 0 }, grid: { left: 48, right: 16, top: 36, bottom: 28 },
      xAxis: { type: 'category', data: x },
      yAxis: { type: 'value', min: 0, max: 1, axisLabel: { formatter: (v) => fmtPct(v, 0) } },
      series,
    }, true);
    chartEl.dataset.periods = String(x.length);
  }

  let seq = 0; // a slow answer to an earlier choice must not replace a newer one
  async function showRanking() {
    const mine = ++seq;
    const doc = await get(`kpi${qs({ period: period.value, level: level.value })}`);
    if (mine !== seq) return;
    const rows = doc.items.map((it) => h('tr', { tabindex: 0, class: it.flagged ? 'overdue' : '', dataset: { unit: it.unit.code },
      onclick: () => showTrend(it.unit), onkeydown: (e) => { if (e.key === 'Enter') showTrend(it.unit); } },
    h('td', {}, it.rank ?? '—'), h('td', {}, nameOf(it.unit)), h('td', { class: 'score' }, fmtNum(it.score, 1)),
    h('td', { dataset: { k: 'response_rate' } }, fmtPct(it.indicators.response_rate)),
    h('td', { dataset: { k: 'resolution_rate' } }, fmtPct(it.indicators.resolution_rate)),
    h('td', { dataset: { k: 'satisfaction_rate' } }, fmtPct(it.indicators.satisfaction_rate)),
    h('td', { class: 'wide', dataset: { k: 'whistle_report_rate' } }, fmtPct(it.indicators.whistle_report_rate)),
    h('td', { class: 'wide' }, fmtNum(it.volume)), h('td', { class: 'wide' }, it.flagged ? t('dash.flagged') : '')));
    const ranked = rows.filter((r) => r.firstChild.textContent !== '—');
    const shown = ranked.length ? [...ranked, ...rows.filter((r) => !ranked.includes(r)).slice(0, 10)] : rows.slice(0, 25);
    clear(ranking, h('table', { class: 'grid' },
      h('thead', {}, h('tr', {}, ['dash.rank', 'dash.unit', 'dash.score', 'kpi.response_rate', 'kpi.resolution_rate', 'kpi.satisfaction_rate', 'kpi.whistle_report_rate', 'dash.volume', 'dash.flag']
        .map((k, i) => h('th', { scope: 'col', class: i > 5 ? 'wide' : null }, t(k))))),
      h('tbody', {}, shown)), h('p', { class: 'hint' }, t('dash.ranking_hint', { n: fmtNum(doc.items.length), ranked: fmtNum(ranked.length) })));
  }

  async function showHotspots() {
    const week = isoWeek(today);
    const doc = await get(`hotspots${qs({ week, grid: 'hex', limit: 200 })}`);
    hotLayer.clearLayers();
    for (const it of doc.items) {
      const label = `${it.category ? nameOf(it.category) : ''} ${fmtNum(it.count)} (${t('dash.baseline')} ${fmtNum(it.baseline, 1)})`;
      const poly = it.place?.polygon;
      if (poly) window.L.polygon(poly.map(([lon, lat]) => [lat, lon]), { color: it.flagged ? '#b4232a' : '#9a5b00', weight: 1, fillOpacity: 0.4 }).bindTooltip(label).addTo(hotLayer);
      else if (it.place?.center) window.L.circleMarker([it.place.center.lat, it.place.center.lon], { radius: 10, color: '#b4232a' }).bindTooltip(label).addTo(hotLayer);
    }
    hotInfo.textContent = t('dash.hot_info', { week, n: fmtNum(doc.items.length) });
  }

  const loadOverdue = () => casePager(overdue, { overdue: 'true', sort: 'deadline', order: 'asc' }, [
    { key: 'case.number', cell: caseLink },
    { key: 'case.text', cell: (c) => (c.text.length > 70 ? `${c.text.slice(0, 70)}…` : c.text) },
    { key: 'case.resolve_by', cell: (c) => when(c.resolve_by) },
  ], { api: { get, qs }, limit: 10 });

  async function all() {
    try {
      await Promise.all([showRanking(), showTrend(root), showHotspots().catch((e) => { hotInfo.textContent = errorText(e); }), loadOverdue()]);
    } catch (e) { notice(msg, 'error', errorText(e)); }
  }
  form.addEventListener('submit', (ev) => { ev.preventDefault(); all(); });
  await all();
  window.addEventListener('resize', () => chart && chart.resize());

  // Live: the SSE stream (GET /api/v1/stream, the hooks branch) pushes every case event the
  // account may see; the dashboard reloads on them (debounced). Where the server has no stream,
  // or the stream fails for good, it refreshes every two minutes instead.
  let timer = null;
  const alive = () => document.body.contains(chartEl);
  const refresh = () => { clearTimeout(timer); timer = setTimeout(() => { if (alive()) all(); }, 2000); };
  const live = h('span', { class: 'badge', id: 'live' });
  form.append(live);
  let poll = null;
  const fallback = () => {
    live.textContent = t('dash.refresh_2min');
    live.dataset.mode = 'poll';
    if (!poll) poll = setInterval(() => { if (!alive()) clearInterval(poll); else all(); }, 120000);
  };
  if (await hasEndpoint('/api/v1/stream')) {
    const es = new EventSource(`/api/v1/stream${qs({ access_token: token() })}`);
    es.onopen = () => { live.textContent = t('dash.live'); live.dataset.mode = 'live'; };
    es.onmessage = () => { if (alive()) refresh(); else es.close(); };
    // EventSource reconnects by itself; CLOSED means the server refused (401, 404): poll instead
    es.onerror = () => { if (es.readyState === EventSource.CLOSED) { es.close(); fallback(); } };
    const stop = () => { if (!alive()) { es.close(); window.removeEventListener('popstate', stop); } };
    window.addEventListener('popstate', stop);
    window.addEventListener('gz:navigate', stop);
  } else fallback();
  void currentLang;
}
