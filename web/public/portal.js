// portal.js - the public portal, no sign-in: report a problem (with the map and a photo; POST
// /api/v1/public/reports, then the photo with the report's photo_token), track a case by number
// (Open311's public request, which carries no personal data, and its public photos), the open
// cases on a map (Open311 requests, clustered), the units' leaderboard
// (/api/v1/public/leaderboard) and the policies in force (/api/v1/public/kb).
import { get, post, qs, ApiError } from '/app/api.js';
import { t, tOr, pickLang, loadLang, setZone, onLang, fmtDate, fmtNum, fmtPct, nameOf, cityToday, currentLang } from '/app/i18n.js';
import { h, clear, field, select, notice, errorText } from '/app/ui.js';
import { makeMap, addJurisdictions, clusterLayer, pin, setTileUrl } from '/app/map.js';
import { gallery, photoInput } from '/app/photos.js';

const view = () => document.getElementById('view');

async function reportScreen(el) {
  const text = h('textarea', { name: 'text', required: true, maxlength: 4000 });
  const address = h('input', { name: 'address' });
  const name = h('input', { name: 'name', autocomplete: 'name' });
  const phone = h('input', { name: 'phone', type: 'tel', autocomplete: 'tel' });
  const place = h('p', { class: 'hint' }, t('intake.click_map'));
  const file = photoInput('photo');
  const photo = field('portal.photo', file, t('photo.hint'));
  const msg = h('div', { id: 'report-result' });
  const mapEl = h('div', { class: 'map tall', id: 'report-map' });
  let point = null;
  const form = h('form', { class: 'card' }, h('h2', {}, t('portal.report_title')),
    field('portal.what', text), field('intake.address', address), place, photo,
    h('div', { class: 'row' }, field('portal.name_opt', name), field('portal.phone_opt', phone)),
    h('p', { class: 'hint' }, t('portal.privacy')),
    h('button', { type: 'submit' }, t('portal.send')), msg);
  clear(el, h('h1', {}, t('portal.report')), h('div', { class: 'cols' }, form, h('div', { class: 'card' }, mapEl)));
  const map = makeMap(mapEl);
  addJurisdictions(map, { kinds: ['street'] }).catch(() => {});
  let marker = null;
  map.on('click', (ev) => {
    point = { lat: +ev.latlng.lat.toFixed(6), lon: +ev.latlng.lng.toFixed(6) };
    if (marker) marker.remove();
    marker = pin(point.lat, point.lon).addTo(map);
    place.textContent = `${t('intake.point')}: ${fmtNum(point.lat, 5)}, ${fmtNum(point.lon, 5)}`;
  });
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { text: text.value };
    if (address.value.trim()) body.address = address.value.trim();
    if (name.value.trim()) body.name = name.value.trim();
    if (phone.value.trim()) body.phone = phone.value.trim();
    if (point) Object.assign(body, point);
    try {
      const r = await post('public/reports', body, { 'Idempotency-Key': `portal-${Date.now()}-${Math.random().toString(36).slice(2)}` });
      let photoNote = null;
      if (file.files[0]) {
        try { await sendPublicPhoto(r, file.files[0]); } catch (e) { photoNote = h('div', { class: 'notice error', role: 'alert' }, `${t('photo.failed')}: ${errorText(e)}`); }
      }
      clear(msg, h('div', { class: 'notice ok', role: 'status' }, t('portal.sent'), ' ',
        h('a', { href: `/public/track/${r.number}`, dataset: { link: '' }, id: 'new-number' }, r.number)), photoNote);
      form.querySelector('button').disabled = true;
    } catch (e) { notice(msg, 'error', e.status === 429 ? t('portal.too_many') : errorText(e)); }
  });
}

// The photo goes after the report, opened by the token the report's answer carries.
async function sendPublicPhoto(r, file) {
  const fd = new FormData();
  fd.append('file', file, file.name || 'photo');
  const res = await fetch(`/api/v1/public/reports/${encodeURIComponent(r.number)}/attachments${qs({ token: r.photo_token })}`, { method: 'POST', body: fd });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
}

async function trackScreen(el, number) {
  const input = h('input', { name: 'number', value: number || '', placeholder: '20261124-000001', required: true });
  const out = h('div', { id: 'track-result' });
  const form = h('form', { class: 'card row', role: 'search' }, field('portal.number', input), h('button', { type: 'submit' }, t('portal.find')));
  clear(el, h('h1', {}, t('portal.track')), form, out);
  const find = async (n) => {
    try {
      const r = await get(`/open311/v2/requests/${encodeURIComponent(n)}.json${qs({ extensions: 'true' })}`);
      const req = r[0];
      const x = req.extended_attributes || {};
      const mapEl = h('div', { class: 'map small' });
      const photos = gallery((await get(`public/reports/${encodeURIComponent(n)}/attachments`).catch(() => ({ items: [] }))).items, { public: true, id: 'track-photos' });
      clear(out, h('section', { class: 'card' },
        h('h2', {}, `${t('case.number')} ${req.service_request_id}`),
        h('dl', { class: 'kv' },
          h('dt', {}, t('case.status')), h('dd', { id: 'track-status' }, tOr(`status.${x.status}`, req.status)),
          h('dt', {}, t('case.category')), h('dd', {}, req.service_name || '—'),
          h('dt', {}, t('case.text')), h('dd', {}, req.description || '—'),
          h('dt', {}, t('case.lead')), h('dd', {}, req.agency_responsible || '—'),
          h('dt', {}, t('case.created')), h('dd', {}, fmtDate(req.requested_datetime)),
          h('dt', {}, t('case.resolve_by')), h('dd', {}, fmtDate(req.expected_datetime)),
          h('dt', {}, t('case.reply')), h('dd', {}, req.status_notes || '—')),
        h('h3', {}, t('case.photos')), photos,
        h('h3', {}, t('case.timeline')),
        h('ol', { class: 'timeline' }, (req.notes || []).map((n2) => h('li', { class: 'public' },
          h('strong', {}, tOr(`event.${n2.type}`, n2.type)), h('div', { class: 'meta' }, fmtDate(n2.datetime)), n2.description ? h('div', {}, n2.description) : null))),
        mapEl));
      if (req.lat !== null && req.lat !== undefined) {
        const map = makeMap(mapEl);
        pin(req.lat, req.long).addTo(map);
        map.setView([req.lat, req.long], 15);
      } else mapEl.hidden = true;
    } catch (e) {
      notice(out, 'error', e.status === 404 ? t('portal.not_found') : errorText(e));
    }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); history.replaceState(null, '', `/public/track/${encodeURIComponent(input.value.trim())}`); find(input.value.trim()); });
  if (number) await find(number);
}

async function mapScreen(el) {
  const mapEl = h('div', { class: 'map tall', id: 'public-map' });
  const info = h('p', { class: 'hint' });
  clear(el, h('h1', {}, t('portal.map')), h('div', { class: 'card' }, mapEl, info));
  const map = makeMap(mapEl);
  addJurisdictions(map, { kinds: ['street'] }).catch(() => {});
  const cluster = clusterLayer().addTo(map);
  // every open request of the last 90 days, a page of 1,000 at a time (Open311's own paging)
  let n = 0;
  for (let page = 1; page <= 10; page++) {
    const list = await get(`/open311/v2/requests.json${qs({ status: 'open', page, page_size: 1000 })}`);
    const markers = list.filter((r) => r.lat !== null && r.lat !== undefined).map((r) => pin(r.lat, r.long, `${r.service_request_id} ${r.service_name || ''}`)
      .on('click', () => { history.pushState(null, '', `/public/track/${r.service_request_id}`); route(); }));
    cluster.addLayers ? cluster.addLayers(markers) : markers.forEach((m) => cluster.addLayer(m));
    n += list.length;
    info.textContent = t('portal.map_info', { n: fmtNum(n) });
    if (list.length < 1000) break;
  }
}

// The policies in force (the knowledge base's policy entries), searched by words.
async function policiesScreen(el) {
  const q = h('input', { type: 'search', name: 'q' });
  const out = h('div', { id: 'policies' });
  const form = h('form', { class: 'card row', role: 'search' }, field('kb.search', q), h('button', { type: 'submit' }, t('kb.find')));
  clear(el, h('h1', {}, t('portal.policies')), form, h('div', { class: 'card' }, out));
  const en = () => currentLang() === 'en';
  const load = async () => {
    try {
      const r = await get(`public/kb${qs({ q: q.value.trim(), limit: 50 })}`);
      clear(out, r.items.length ? h('ul', { class: 'kb-list' }, r.items.map((e) => h('li', { dataset: { kb: e.id } },
        h('strong', {}, en() && e.title_en ? e.title_en : e.title || e.title_en),
        h('p', {}, en() && e.body_en ? e.body_en : e.body || e.body_en),
        e.source_url ? h('a', { href: e.source_url, rel: 'noopener noreferrer', target: '_blank' }, t('portal.source')) : null)))
        : h('p', { class: 'empty' }, t('kb.nothing')));
    } catch (e) { notice(out, 'error', errorText(e)); }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  await load();
}

async function leaderboardScreen(el) {
  const period = h('input', { type: 'month', name: 'period', value: cityToday().slice(0, 7) });
  const level = select(['street', 'department'].map((l) => [l, t(`kind.${l}`)]), 'street', { name: 'level' });
  const out = h('div', { id: 'leaderboard' });
  const form = h('form', { class: 'card row' }, field('dash.period', period), field('dash.level', level), h('button', { type: 'submit' }, t('dash.show')));
  clear(el, h('h1', {}, t('portal.leaderboard')), form, h('div', { class: 'card' }, out));
  const load = async () => {
    try {
      const doc = await get(`public/leaderboard${qs({ period: period.value, level: level.value })}`);
      const items = doc.items.filter((i) => i.rank !== null);
      clear(out, items.length ? h('table', { class: 'grid' },
        h('thead', {}, h('tr', {}, ['dash.rank', 'dash.unit', 'dash.score', 'kpi.response_rate', 'kpi.resolution_rate', 'kpi.satisfaction_rate'].map((k) => h('th', { scope: 'col' }, t(k))))),
        h('tbody', {}, items.map((i) => h('tr', {}, h('td', {}, i.rank), h('td', {}, nameOf(i.unit)), h('td', {}, fmtNum(i.score, 1)),
          h('td', {}, fmtPct(i.indicators.response_rate)), h('td', {}, fmtPct(i.indicators.resolution_rate)), h('td', {}, fmtPct(i.indicators.satisfaction_rate))))))
        : h('p', { class: 'empty' }, t('portal.no_ranking')));
    } catch (e) { notice(out, 'error', errorText(e)); }
  };
  form.addEventListener('submit', (ev) => { ev.preventDefault(); load(); });
  await load();
}

function route() {
  const p = location.pathname.replace(/\/+$/, '');
  for (const a of document.querySelectorAll('#nav a[data-screen]')) {
    if (p.startsWith(a.getAttribute('href'))) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const el = view();
  const m = p.match(/^\/public\/track(?:\/([^/]+))?$/);
  const run = m ? trackScreen(el, m[1] && decodeURIComponent(m[1]))
    : p === '/public/map' ? mapScreen(el)
      : p === '/public/leaderboard' ? leaderboardScreen(el)
        : p === '/public/policies' ? policiesScreen(el) : reportScreen(el);
  run.catch((e) => notice(el, 'error', errorText(e)));
}

async function boot() {
  try { const c = await get('public/city'); setZone(c.timezone); setTileUrl(c.tile_url); } catch { setZone('UTC'); }
  const sel = document.getElementById('lang');
  sel.value = pickLang();
  await loadLang(sel.value);
  sel.addEventListener('change', () => loadLang(sel.value));
  onLang(route);
  document.querySelector('.menu-toggle').addEventListener('click', (e) => {
    const nav = document.getElementById('nav');
    nav.classList.toggle('open');
    e.currentTarget.setAttribute('aria-expanded', nav.classList.contains('open'));
  });
  document.addEventListener('click', (ev) => {
    const a = ev.target.closest('a[data-link]');
    if (!a || ev.ctrlKey || ev.metaKey) return;
    ev.preventDefault();
    history.pushState(null, '', a.getAttribute('href'));
    route();
  });
  window.addEventListener('popstate', route);
  route();
}

boot();
