// admin.js - administration: units (with a map preview of the jurisdiction), categories and
// their limits, the responsibility matrix (routes), accounts and roles, Open311 client
// systems, and — once issue 8 lands — webhooks; the calendar is imported from the command line.
import { get, post, qs, hasEndpoint } from '../api.js';
import { t, nameOf, fmtDate } from '../i18n.js';
import { h, clear, field, select, notice, errorText } from '../ui.js';
import { makeMap, unitLayer } from '../map.js';
import { units, categories } from '../session.js';
import { unitSelect, unitName } from '../widgets.js';

const TABS = ['units', 'categories', 'routes', 'accounts', 'clients', 'webhooks', 'calendar'];
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

async function clientsTab(box) {
  const c = await get('open311/clients');
  const name = h('input', { name: 'name' });
  const contact = h('input', { name: 'contact' });
  const msg = h('div');
  const form = h('form', { class: 'card' }, h('h3', {}, t('admin.new_client')),
    h('div', { class: 'row' }, field('admin.name', name), field('admin.contact', contact)),
    h('button', { type: 'submit' }, t('common.add')), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    try {
      const r = await post('open311/clients', { name: name.value.trim(), contact: contact.value.trim() });
      await clientsTab(box);
      box.append(h('div', { class: 'notice ok', role: 'status' }, t('admin.key_once'), ' ', h('code', {}, r.api_key)));
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  clear(box, table(['admin.id', 'admin.name', 'admin.contact', 'admin.rate', 'admin.active'],
    c.items.map((x) => h('tr', {}, h('td', {}, x.id), h('td', {}, x.name), h('td', {}, x.contact || ''),
      h('td', {}, x.rate_limit ?? '—'), h('td', {}, x.revoked_at ? t('common.no') : t('common.yes'))))), form);
}

// ISSUE 8 (webhooks): GET /api/v1/webhooks and their dead letters; hidden until it exists
async function webhooksTab(box) {
  if (!(await hasEndpoint('/api/v1/webhooks'))) return clear(box, h('p', { class: 'empty' }, t('admin.not_yet')));
  const w = await get('webhooks');
  clear(box, table(['admin.id', 'admin.url', 'admin.active'],
    (w.items || []).map((x) => h('tr', {}, h('td', {}, x.id), h('td', {}, x.url), h('td', {}, x.active === false ? t('common.no') : t('common.yes'))))));
}

async function calendarTab(box) {
  // NEEDSWORK: there is no calendar API yet; the calendar is imported with
  // `gongzhi import calendar FILE.csv` (shown here so an administrator knows where it lives)
  clear(box, h('p', {}, t('admin.calendar_cli')), h('pre', {}, 'gongzhi import calendar data/calendar/cn-2026.csv --db gongzhi.db'));
}

const RENDER = { units: unitsTab, categories: categoriesTab, routes: routesTab, accounts: accountsTab,
  clients: clientsTab, webhooks: webhooksTab, calendar: calendarTab };

export async function render(el) {
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const box = h('div', { class: 'card', role: 'tabpanel' });
  clear(el, h('h1', {}, t('nav.admin')), tabs, box);
  const open = async (name, btn) => {
    for (const b of tabs.children) b.setAttribute('aria-selected', String(b === btn));
    clear(box, h('p', { class: 'loading' }, t('common.loading')));
    try { await RENDER[name](box); } catch (e) { notice(box, 'error', errorText(e)); }
  };
  for (const name of TABS)
    tabs.append(h('button', { type: 'button', role: 'tab', dataset: { tab: name }, onclick: (ev) => open(name, ev.currentTarget) }, t(`admin.tab_${name}`)));
  await open('units', tabs.firstChild);
}
