// admin.js - administration: units (with a map preview of the jurisdiction), categories and
// their limits, the responsibility matrix (routes), accounts and roles, API client systems with
// their scopes and access records, what outside units claim (capabilities), the knowledge
// base, webhooks and their dead letters (a tab only where the server has them), and the working
// calendar.
import { get, post, patch, put, qs, hasEndpoint } from '../api.js';
import { t, nameOf, fmtDate, currentLang } from '../i18n.js';
import { h, clear, field, select, notice, errorText } from '../ui.js';
import { makeMap, unitLayer } from '../map.js';
import { units, categories } from '../session.js';
import { unitSelect, unitName } from '../widgets.js';

const TABS = ['units', 'categories', 'routes', 'accounts', 'clients', 'capabilities', 'kb', 'webhooks', 'calendar'];
const OUTSIDE = ['party', 'mass_org', 'enterprise', 'social_org', 'volunteer_team'];
const list = (v) => v.split(/[,，\s]+/).map((x) => x.trim()).filter(Boolean);
const refs = (v) => list(v).map((x) => (/^\d+$/.test(x) ? Number(x) : x)); // unit ids or codes
const ROLES = ['resident', 'operator', 'dispatcher', 'handler', 'grid_worker', 'supervisor', 'admin'];

function table(heads, rows) {
  return h('table', { class: 'grid' }, h('thead', {}, h('tr', {}, heads.map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows));
}

const limit = (l) => (l ? `${l.amount} ${t(`limit.${l.unit}`)}` : '—');

async function unitsTab(box) {
  const { list } = await units();
  const kinds = [...new Set(list.map((u) => u.kind))];
  const kind = select(kinds.map((k) => [k, t(`kind.${k}`)]), 'street', { name: 'kind' });
  const listBox = h('div');
  const mapEl = h('div', { class: 'map', id: 'admin-unit-map' });
  const info = h('div');
  clear(box, h('div', { class: 'cols' }, h('div', {}, field('admin.kind', kind), listBox), h('div', {}, h('div', { class: 'card' }, mapEl), info)));
  const map = makeMap(mapEl);
  let layer = null;
  const preview = async (u) => {
    const full = await get(`units/${u.id}${qs({ geometry: 'true' })}`);
    if (layer) layer.remove();
    clear(info, h('dl', { class: 'kv card' }, h('dt', {}, t('admin.code')), h('dd', {}, full.code),
      h('dt', {}, t('admin.name')), h('dd', {}, `${full.name} / ${full.name_en || '—'}`),
      h('dt', {}, t('admin.parent')), h('dd', {}, await unitName(full.parent_id)),
      h('dt', {}, t('admin.contact')), h('dd', {}, full.contact || '—')));
    if (!full.jurisdiction) return;
    layer = unitLayer([full], full.kind).addTo(map);
    map.fitBounds(layer.getBounds());
  };
  const show = () => clear(listBox, table(['admin.code', 'admin.name', 'admin.jurisdiction'],
    list.filter((u) => u.kind === kind.value).map((u) => h('tr', {}, h('td', {}, u.code),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => preview(u) }, nameOf(u))),
      h('td', {}, u.has_jurisdiction ? t('common.yes') : t('common.no'))))));
  kind.addEventListener('change', show);
  show();
}

async function categoriesTab(box) {
  const { list } = await categories();
  clear(box, table(['admin.code', 'admin.name', 'admin.respond', 'admin.resolve', 'admin.urgent', 'admin.kb'],
    list.map((c) => h('tr', {}, h('td', {}, c.code), h('td', {}, `${'\u00a0'.repeat((c.level - 1) * 2)}${nameOf(c)}`),
      h('td', {}, limit(c.respond_limit)), h('td', {}, limit(c.resolve_limit)), h('td', {}, limit(c.urgent_limit)),
      h('td', {}, c.kb_answer ? t('common.yes') : '')))));
}

async function routesTab(box) {
  const r = await get('routes');
  const prefix = h('input', { name: 'category_prefix', placeholder: '01' });
  const area = await unitSelect('', { name: 'area' });
  const lead = await unitSelect('', { name: 'lead_unit' });
  const msg = h('div');
  const rows = await Promise.all(r.items.map(async (x) => h('tr', {}, h('td', {}, x.id), h('td', {}, x.category_prefix),
    h('td', {}, x.area_unit_id ? await unitName(x.area_unit_id) : t('admin.anywhere')),
    h('td', {}, x.lead_unit_id ? await unitName(x.lead_unit_id) : t(`kind.${x.lead_kind}`)),
    h('td', {}, x.active ? t('common.yes') : t('common.no')))));
  const form = h('form', { class: 'card' }, h('h3', {}, t('admin.new_route')),
    h('div', { class: 'row' }, field('admin.prefix', prefix), field('admin.area', area), field('admin.lead', lead)),
    h('button', { type: 'submit' }, t('common.add')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { category_prefix: prefix.value.trim(), lead_unit: Number(lead.value) };
    if (area.value) body.area = Number(area.value);
    try { await post('routes', body); await routesTab(box); } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  clear(box, table(['admin.id', 'admin.prefix', 'admin.area', 'admin.lead', 'admin.active'], rows), form);
}

async function accountsTab(box) {
  const a = await get(`accounts${qs({ limit: 200 })}`);
  const login = h('input', { name: 'login', autocomplete: 'off' });
  const name = h('input', { name: 'name' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'new-password' });
  const unit = await unitSelect('', { name: 'unit' });
  const role = select(ROLES.map((r) => [r, t(`role.${r}`)]), 'handler', { name: 'role' });
  const msg = h('div');
  const form = h('form', { class: 'card' }, h('h3', {}, t('admin.new_account')),
    h('div', { class: 'row' }, field('auth.login', login), field('admin.name', name), field('auth.password', password)),
    h('div', { class: 'row' }, field('admin.unit', unit), field('admin.role', role)),
    h('button', { type: 'submit' }, t('common.add')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const acc = await post('accounts', { login: login.value.trim(), name: name.value.trim(), password: password.value });
      if (unit.value) await post('memberships', { account_id: acc.id, unit: Number(unit.value), role: role.value });
      await accountsTab(box);
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  clear(box, table(['admin.id', 'auth.login', 'admin.name', 'admin.active', 'admin.created'],
    a.items.map((x) => h('tr', {}, h('td', {}, x.id), h('td', {}, x.login), h('td', {}, x.name || ''),
      h('td', {}, x.active ? t('common.yes') : t('common.no')), h('td', {}, fmtDate(x.created_at))))), form);
}

// An API client's scope: access (none/read/write), category prefixes, areas (units), fields.
function scopeControls(x = {}) {
  return {
    access: select(['none', 'read', 'write'].map((v) => [v, t(`admin.access_${v}`)]), x.access || 'none', { name: 'access' }),
    categories: h('input', { name: 'categories', value: (x.categories || []).join(', '), placeholder: '01, 0302' }),
    areas: h('input', { name: 'areas', value: (x.areas || []).join(', '), placeholder: 'W03' }),
    fields: h('input', { name: 'fields', value: (x.fields || []).join(', '), placeholder: '*' }),
  };
}
const scopeBody = (c) => ({ access: c.access.value, categories: list(c.categories.value), areas: refs(c.areas.value), fields: list(c.fields.value) });
const scopeFields = (c) => h('div', { class: 'row' }, field('admin.access', c.access), field('admin.categories', c.categories, t('admin.prefix_hint')),
  field('admin.areas', c.areas, t('admin.areas_hint')), field('admin.fields', c.fields, t('admin.fields_hint')));

async function clientDetail(box, x, reload) {
  const sc = scopeControls(x);
  const msg = h('div');
  const form = h('form', { class: 'card', id: 'client-scope' }, h('h3', {}, `${t('admin.scope')} — ${x.name}`), scopeFields(sc),
    h('button', { type: 'submit' }, t('common.save')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try { await patch(`open311/clients/${x.id}`, scopeBody(sc)); await reload(); } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  const acc = await get(`open311/clients/${x.id}/access${qs({ limit: 50 })}`);
  clear(box, form, h('h3', {}, t('admin.access_records')), acc.items.length ? table(['admin.when', 'admin.method', 'admin.path', 'admin.status', 'admin.cases'],
    acc.items.map((a) => h('tr', {}, h('td', {}, fmtDate(a.at)), h('td', {}, a.method), h('td', {}, a.path), h('td', {}, a.status),
      h('td', {}, (a.cases || a.numbers || []).join(', '))))) : h('p', { class: 'empty' }, t('common.none')));
}

async function clientsTab(box) {
  const c = await get('open311/clients');
  const name = h('input', { name: 'name' });
  const contact = h('input', { name: 'contact' });
  const sc = scopeControls();
  const msg = h('div');
  const detail = h('div', { id: 'client-detail' });
  const form = h('form', { class: 'card' }, h('h3', {}, t('admin.new_client')),
    h('div', { class: 'row' }, field('admin.name', name), field('admin.contact', contact)), scopeFields(sc),
    h('button', { type: 'submit' }, t('common.add')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('open311/clients', { name: name.value.trim(), contact: contact.value.trim(), ...scopeBody(sc) });
      await clientsTab(box);
      box.append(h('div', { class: 'notice ok', role: 'status' }, t('admin.key_once'), ' ', h('code', {}, r.api_key)));
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  clear(box, table(['admin.id', 'admin.name', 'admin.contact', 'admin.rate', 'admin.access', 'admin.active', 'common.actions'],
    c.items.map((x) => h('tr', { dataset: { client: x.id } }, h('td', {}, x.id), h('td', {}, x.name), h('td', {}, x.contact || ''),
      h('td', {}, x.rate_limit ?? '—'), h('td', {}, `${t(`admin.access_${x.access || 'none'}`)}${x.categories?.length ? ` · ${x.categories.join(', ')}` : ''}`),
      h('td', {}, x.revoked_at ? t('common.no') : t('common.yes')),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => clientDetail(detail, x, () => clientsTab(box)).catch((e) => notice(detail, 'error', errorText(e))) }, t('admin.scope')))))),
  detail, form);
}

// What an outside unit claims: category prefixes and the territorial units it serves.
async function capabilitiesTab(box) {
  const { list: all } = await units();
  const outside = all.filter((u) => OUTSIDE.includes(u.kind));
  if (!outside.length) return clear(box, h('p', { class: 'empty' }, t('admin.no_outside')));
  const unit = select(outside.map((u) => [u.id, `${nameOf(u)} (${u.code})`]), outside[0].id, { name: 'unit' });
  const cats = h('input', { name: 'categories', placeholder: '0104, 0108' });
  const areas = h('input', { name: 'areas', placeholder: 'W03' });
  const serves = h('p', { class: 'hint', id: 'serves' });
  const msg = h('div');
  const load = async () => {
    const p = await get(`units/${unit.value}/capabilities`);
    cats.value = p.categories.join(', ');
    areas.value = (await Promise.all(p.areas.map(async (id) => all.find((u) => u.id === id)?.code || id))).join(', ');
    serves.textContent = `${t('admin.serves')}: ${p.everywhere ? t('admin.anywhere') : (await Promise.all(p.serves.map(unitName))).join(', ') || '—'}`;
  };
  const form = h('form', { class: 'card', id: 'capabilities' }, field('admin.outside_unit', unit), field('admin.categories', cats, t('admin.prefix_hint')),
    field('admin.areas', areas, t('admin.serves_hint')), serves, h('button', { type: 'submit' }, t('common.save')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try { await put(`units/${unit.value}/capabilities`, { categories: list(cats.value), areas: refs(areas.value) }); await load(); notice(msg, 'ok', t('common.saved')); } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  unit.addEventListener('change', () => load().catch((e) => notice(msg, 'error', errorText(e))));
  clear(box, form);
  await load();
}

// The knowledge base: entries listed and searched, created and edited (the version guards
// against two people editing one entry at once).
const KB_FIELDS = ['title', 'title_en', 'body', 'body_en', 'category', 'keywords', 'source_url', 'valid_from', 'valid_to'];
function kbForm(box, e, reload) {
  const c = {};
  c.kind = select([['answer', t('kb.kind_answer')], ['policy', t('kb.kind_policy')]], e?.kind || 'answer', { name: 'kind' });
  for (const f of KB_FIELDS) {
    const v = e ? (f === 'keywords' ? (e.keywords || []).join(', ') : e[f] || '') : '';
    c[f] = f.startsWith('body') ? h('textarea', { name: f }, v) : h('input', { name: f, value: f.startsWith('valid') ? v.slice(0, 10) : v, type: f.startsWith('valid') ? 'date' : 'text' });
  }
  c.active = select([['true', t('common.yes')], ['false', t('common.no')]], String(e ? e.active : true), { name: 'active' });
  const msg = h('div');
  const form = h('form', { class: 'card', id: 'kb-form' }, h('h3', {}, e ? `${t('admin.kb_edit')} #${e.id}` : t('admin.kb_new')),
    h('div', { class: 'row' }, field('admin.kb_kind', c.kind), field('admin.kb_category', c.category), field('admin.active', c.active)),
    h('div', { class: 'row' }, field('admin.kb_title', c.title), field('admin.kb_title_en', c.title_en)),
    field('admin.kb_body', c.body), field('admin.kb_body_en', c.body_en),
    h('div', { class: 'row' }, field('admin.kb_keywords', c.keywords), field('admin.kb_source', c.source_url)),
    h('div', { class: 'row' }, field('admin.kb_from', c.valid_from), field('admin.kb_to', c.valid_to)),
    h('button', { type: 'submit' }, t('common.save')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { kind: c.kind.value, active: c.active.value === 'true', keywords: list(c.keywords.value) };
    for (const f of KB_FIELDS) if (f !== 'keywords') body[f] = c[f].value.trim() || null;
    try {
      if (e) await patch(`kb/${e.id}`, { ...body, version: e.version }); else await post('kb', body);
      await reload();
    } catch (err) { notice(msg, 'error', errorText(err)); }
  });
  clear(box, form);
  c.title.focus();
}

async function kbTab(box) {
  const q = h('input', { type: 'search', name: 'q' });
  const out = h('div');
  const edit = h('div');
  const search = h('form', { class: 'row', role: 'search' }, field('kb.search', q), h('button', { type: 'submit' }, t('kb.find')),
    h('button', { type: 'button', class: 'secondary', id: 'kb-new', onclick: () => kbForm(edit, null, load) }, t('admin.kb_new')));
  const title = (e) => (currentLang() === 'en' && e.title_en ? e.title_en : e.title || e.title_en);
  async function load() {
    const r = await get(`kb${qs({ q: q.value.trim(), limit: 100 })}`);
    clear(out, table(['admin.id', 'admin.kb_kind', 'admin.kb_title', 'admin.kb_category', 'admin.active', 'common.actions'],
      r.items.map((e) => h('tr', { dataset: { kb: e.id } }, h('td', {}, e.id), h('td', {}, t(`kb.kind_${e.kind}`)), h('td', {}, title(e)),
        h('td', {}, e.category || '—'), h('td', {}, e.active && e.current !== false ? t('common.yes') : t('common.no')),
        h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => kbForm(edit, e, load) }, t('admin.kb_edit')))))));
    clear(edit);
  }
  search.addEventListener('submit', (ev) => { ev.preventDefault(); load().catch((e) => notice(out, 'error', errorText(e))); });
  clear(box, search, out, edit);
  await load();
}

// Webhooks (the hooks branch): a unit's or a client's, and their dead letters with a retry.
async function deliveries(box, w) {
  const r = await get(`webhooks/${w.id}/deliveries${qs({ state: 'dead' })}`);
  clear(box, h('h3', {}, `${t('admin.dead_letters')} — ${w.url}`), r.items.length ? table(['admin.id', 'admin.event', 'admin.attempts', 'admin.status', 'admin.error', 'common.actions'],
    r.items.map((d) => h('tr', {}, h('td', {}, d.id), h('td', {}, `${d.kind} #${d.event_id}`), h('td', {}, d.attempts),
      h('td', {}, d.last_status ?? '—'), h('td', {}, d.last_error || '—'),
      h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await post(`webhooks/${w.id}/deliveries/${d.id}/retry`, {}); await deliveries(box, w); } catch (e) { notice(box, 'error', errorText(e)); }
      } }, t('admin.retry')))))) : h('p', { class: 'empty' }, t('admin.no_dead')));
}

async function webhooksTab(box) {
  const w = await get('webhooks');
  const url = h('input', { name: 'url', type: 'url', placeholder: 'https://' });
  const unit = await unitSelect('', { name: 'unit' });
  const kinds = h('input', { name: 'kinds', placeholder: 'dispatch, reply' });
  const msg = h('div');
  const dead = h('div');
  const form = h('form', { class: 'card' }, h('h3', {}, t('admin.new_webhook')),
    h('div', { class: 'row' }, field('admin.unit', unit), field('admin.url', url), field('admin.kinds', kinds, t('admin.kinds_hint'))),
    h('button', { type: 'submit' }, t('common.add')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('webhooks', { unit: Number(unit.value), url: url.value.trim(), kinds: list(kinds.value).length ? list(kinds.value) : null });
      await webhooksTab(box);
      box.append(h('div', { class: 'notice ok', role: 'status' }, t('admin.secret_once'), ' ', h('code', {}, r.secret || '')));
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  const rows = await Promise.all((w.items || []).map(async (x) => h('tr', {}, h('td', {}, x.id), h('td', {}, x.url),
    h('td', {}, x.unit_id ? await unitName(x.unit_id) : `${t('admin.tab_clients')} #${x.client_id}`),
    h('td', {}, Array.isArray(x.kinds) ? x.kinds.join(', ') : t('common.all')),
    h('td', {}, x.active === false ? t('common.no') : t('common.yes')),
    h('td', {}, h('button', { type: 'button', class: 'secondary', onclick: () => deliveries(dead, x).catch((e) => notice(dead, 'error', errorText(e))) }, t('admin.dead_letters'))))));
  clear(box, table(['admin.id', 'admin.url', 'admin.unit', 'admin.kinds', 'admin.active', 'common.actions'], rows), dead, form);
}

// The working calendar: the year's holidays and swapped workdays (调休), one day changed at a time.
async function calendarTab(box, year = new Date().getFullYear()) {
  const r = await get(`calendar${qs({ year })}`);
  const yearIn = h('input', { type: 'number', name: 'year', min: 1900, max: 2999, value: year });
  const date = h('input', { type: 'date', name: 'date', required: true });
  const kind = select(['holiday', 'workday', 'default'].map((k) => [k, t(`calendar.${k}`)]), 'holiday', { name: 'kind' });
  const msg = h('div');
  const pick = h('form', { class: 'row' }, field('calendar.year', yearIn), h('button', { type: 'submit', class: 'secondary' }, t('dash.show')));
  pick.addEventListener('submit', (ev) => { ev.preventDefault(); calendarTab(box, Number(yearIn.value)).catch((e) => notice(msg, 'error', errorText(e))); });
  const form = h('form', { class: 'card', id: 'calendar-form' }, h('h3', {}, t('calendar.change')),
    h('div', { class: 'row' }, field('calendar.date', date), field('calendar.kind', kind)),
    h('button', { type: 'submit' }, t('common.save')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      await put(`calendar/${date.value}`, { kind: kind.value });
      await calendarTab(box, Number(date.value.slice(0, 4)) || year);
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  const rows = r.days.map((d) => h('tr', { dataset: { day: d.date } }, h('td', {}, d.date), h('td', {}, t(`calendar.${d.kind}`))));
  clear(box, h('p', {}, t('calendar.about', { zone: r.timezone })), pick,
    rows.length ? table(['calendar.date', 'calendar.kind'], rows) : h('p', { class: 'empty' }, t('calendar.none')), form);
}

const RENDER = { units: unitsTab, categories: categoriesTab, routes: routesTab, accounts: accountsTab,
  clients: clientsTab, capabilities: capabilitiesTab, kb: kbTab, webhooks: webhooksTab, calendar: calendarTab };

export async function render(el) {
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const box = h('div', { class: 'card', role: 'tabpanel' });
  clear(el, h('h1', {}, t('nav.admin')), tabs, box);
  const open = async (name, btn) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b === btn));
    clear(box, h('p', { class: 'loading' }, t('common.loading')));
    try { await RENDER[name](box); } catch (e) { notice(box, 'error', errorText(e)); }
  };
  // webhooks live on the hooks branch: no tab where the server does not have them
  const hooks = await hasEndpoint('/api/v1/webhooks');
  for (const name of TABS.filter((n) => n !== 'webhooks' || hooks))
    tabs.append(h('button', { type: 'button', role: 'tab', dataset: { tab: name }, onclick: (ev) => open(name, ev.currentTarget) }, t(`admin.tab_${name}`)));
  await open('units', tabs.firstChild);
}
