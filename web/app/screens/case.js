// case.js - one case for everyone who may see it: the facts, units and deadlines, the map,
// the timeline (public and internal events told apart), and a form for each action the
// server says this caller may take now (allowed_actions).
import { get, post, hasEndpoint } from '../api.js';
import { t, tOr, fmtDate } from '../i18n.js';
import { h, clear, field, select, statusBadge, notice, errorText, when } from '../ui.js';
import { makeMap, addJurisdictions, pin } from '../map.js';
import { categorySelect, unitSelect, unitName, categoryName } from '../widgets.js';

const yesNo = () => [['true', t('common.yes')], ['false', t('common.no')]];

// the fields of each action, in the order the form shows them
const ACTIONS = {
  dispatch: ['unit', 'category'], redispatch: ['unit', 'category'], accept: [], return: ['reason'],
  reply: ['text', 'note'], verify: ['pass', 'note'], revisit: ['contacted', 'solved', 'satisfaction'],
  reopen: ['reason'], close: [], answer: ['text'], merge: ['into'], invalidate: ['reason'],
  park: ['reason'], unpark: [], extend: ['extension', 'reason'], approve_extension: ['reason'],
  refuse_extension: ['reason'], comment: ['text', 'visibility'],
};
const REQUIRED = new Set(['reason', 'unit', 'into', 'extension']);

async function control(name, c) {
  switch (name) {
  case 'unit': return unitSelect(c.lead_unit_id || '', { name });
  case 'category': return categorySelect(c.category || '', { name });
  case 'pass': case 'contacted': case 'solved': return select(yesNo(), 'true', { name });
  case 'satisfaction': return select([['satisfied', t('rating.satisfied')], ['basic', t('rating.basic')], ['unsatisfied', t('rating.unsatisfied')]], 'satisfied', { name });
  case 'visibility': return select([['internal', t('visibility.internal')], ['public', t('visibility.public')]], 'internal', { name });
  case 'text': case 'note': return h('textarea', { name });
  case 'extension': return h('input', { name, placeholder: t('case.extension_hint') });
  default: return h('input', { name });
  }
}

function value(name, el) {
  if (['pass', 'contacted', 'solved'].includes(name)) return el.value === 'true';
  if (name === 'unit') return el.value ? Number(el.value) : undefined;
  return el.value.trim() || undefined;
}

async function actionForm(c, action, reload) {
  const controls = {};
  const parts = [];
  for (const f of ACTIONS[action] || []) {
    controls[f] = await control(f, c);
    parts.push(field(`field.${f}`, controls[f]));
  }
  const msg = h('div');
  const form = h('form', { class: 'card action', dataset: { action } }, h('h3', {}, t(`action.${action}`)), parts,
    h('button', { type: 'submit' }, t(`action.${action}`)), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { action };
    for (const [f, el] of Object.entries(controls)) {
      const v = value(f, el);
      if (v === undefined && REQUIRED.has(f)) return notice(msg, 'error', t('common.required', { field: t(`field.${f}`) }));
      if (v !== undefined) body[f] = v;
    }
    try {
      await post(`cases/${c.number}/actions`, body);
      await reload(t('case.done', { action: t(`action.${action}`) }));
    } catch (e) { notice(msg, 'error', errorText(e)); }
  });
  return form;
}

function eventSummary(e) {
  const b = e.body || {};
  const bits = [];
  for (const k of ['text', 'reply', 'reason', 'note', 'extension', 'satisfaction', 'into', 'channel'])
    if (b[k] !== undefined && b[k] !== null && typeof b[k] !== 'object') bits.push(`${tOr(`field.${k}`, k)}: ${b[k]}`);
  for (const k of ['pass', 'contacted', 'solved'])
    if (typeof b[k] === 'boolean') bits.push(`${t(`field.${k}`)}: ${b[k] ? t('common.yes') : t('common.no')}`);
  return bits.join(' · ');
}

async function timeline(number) {
  const ev = await get(`cases/${number}/events`);
  return h('ol', { class: 'timeline', id: 'timeline' }, ev.items.map((e) => h('li', { class: e.visibility, dataset: { kind: e.kind } },
    h('div', {}, h('strong', {}, tOr(`event.${e.kind}`, e.kind)), ' ',
      h('span', { class: `badge vis-${e.visibility}` }, t(`visibility.${e.visibility}`))),
    h('div', { class: 'meta' }, fmtDate(e.at), e.actor_account_id ? ` · #${e.actor_account_id}` : ` · ${t('case.platform')}`),
    eventSummary(e) ? h('div', {}, eventSummary(e)) : null)));
}

export async function render(el, number, flash) {
  const c = await get(`cases/${encodeURIComponent(number)}`);
  const reload = (msg) => render(el, number, msg);
  const mapEl = h('div', { class: 'map small', id: 'case-map' });
  const co = await Promise.all((c.co_unit_ids || []).map(unitName));
  const facts = h('dl', { class: 'kv' },
    h('dt', {}, t('case.status')), h('dd', { id: 'case-status' }, statusBadge(c.status), c.overdue ? h('strong', { class: 'overdue' }, ` ${t('inbox.overdue')}`) : ''),
    h('dt', {}, t('case.category')), h('dd', {}, await categoryName(c.category)),
    h('dt', {}, t('case.channel')), h('dd', {}, tOr(`channel.${c.channel}`, c.channel)),
    h('dt', {}, t('case.priority')), h('dd', {}, t(`priority.${c.priority}`)),
    h('dt', {}, t('case.lead')), h('dd', { id: 'case-lead' }, await unitName(c.lead_unit_id)),
    h('dt', {}, t('case.co_units')), h('dd', {}, co.length ? co.join(', ') : '—'),
    h('dt', {}, t('case.address')), h('dd', {}, c.address || '—'),
    h('dt', {}, t('case.reporter')), h('dd', { id: 'case-reporter' }, [c.reporter_name, c.reporter_phone].filter(Boolean).join(' ') || '—'),
    h('dt', {}, t('case.created')), h('dd', {}, when(c.created_at)),
    h('dt', {}, t('case.dispatched')), h('dd', {}, when(c.dispatched_at)),
    h('dt', {}, t('case.respond_by')), h('dd', {}, when(c.respond_by)),
    h('dt', {}, t('case.resolve_by')), h('dd', {}, when(c.resolve_by)),
    h('dt', {}, t('case.extension')), h('dd', {}, t(`extension.${c.extension?.state || 'none'}`)),
    h('dt', {}, t('case.reply')), h('dd', { id: 'case-reply' }, c.reply || '—'),
    h('dt', {}, t('case.rating')), h('dd', {}, c.rating ? `${t('field.contacted')}: ${c.rating.contacted ? t('common.yes') : t('common.no')} · ${t('field.solved')}: ${c.rating.solved ? t('common.yes') : t('common.no')} · ${t(`rating.${c.rating.satisfaction}`)}` : '—'),
    h('dt', {}, t('case.metoo')), h('dd', {}, String(c.metoo || 0)));
  const forms = [];
  for (const a of c.allowed_actions) if (ACTIONS[a]) forms.push(await actionForm(c, a, reload));
  const photos = h('section', { class: 'card', id: 'photos', hidden: true }, h('h2', {}, t('case.photos')));
  const whistles = h('section', { class: 'card', id: 'whistles', hidden: true }, h('h2', {}, t('case.whistle')));
  const msg = h('div');
  clear(el,
    h('h1', {}, `${t('case.title')} ${c.number}`),
    msg,
    h('div', { class: 'cols' },
      h('div', {}, h('section', { class: 'card' }, h('h2', {}, t('case.text')), h('p', { id: 'case-text' }, c.text)),
        h('section', { class: 'card' }, h('h2', {}, t('case.facts')), facts),
        h('section', { 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('case.actions')),
          forms.length ? forms : h('p', { class: 'empty' }, t('case.no_actions')))),
      h('div', {}, h('section', { class: 'card' }, mapEl), photos, whistles,
        h('section', { class: 'card' }, h('h2', {}, t('case.timeline')), await timeline(c.number)))));
  if (flash) notice(msg, 'ok', flash);
  const map = makeMap(mapEl);
  addJurisdictions(map, { fit: c.lat === null }).catch(() => {});
  if (c.lat !== null && c.lon !== null) { pin(c.lat, c.lon, c.number).addTo(map); map.setView([c.lat, c.lon], 15); }
  // ISSUE 8 (attachments): GET/POST /api/v1/cases/{n}/attachments — photos shown and added here
  hasEndpoint(`/api/v1/cases/${c.number}/attachments`).then((ok) => { photos.hidden = !ok; });
  // ISSUE 8 (whistle): the units summoned and whether each reported in time
  hasEndpoint(`/api/v1/cases/${c.number}/whistles`).then((ok) => { whistles.hidden = !ok; });
}
