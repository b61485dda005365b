// case.js - one case for everyone who may see it: the facts, units and deadlines, the map,
// the timeline (public and internal events told apart), the units on the case with their own
// states (lead, co-units, whistled units and claimants: 吹哨报到 and 认领), the photos, and a form
// for each action the server says this caller may take now (allowed_actions).
import { api, get, post } from '../api.js';
import { t, tOr, fmtDate, fmtNum } from '../i18n.js';
import { h, clear, field, select, statusBadge, notice, errorText, when } from '../ui.js';
import { makeMap, addJurisdictions, pin } from '../map.js';
import { categorySelect, unitSelect, unitName, categoryName } from '../widgets.js';
import { session } from '../session.js';
import { gallery, photoInput, sendPhoto } from '../photos.js';

const yesNo = () => [['true', t('common.yes')], ['false', t('common.no')]];

// the fields of each action, in the order the form shows them; `photo` is a file sent to the
// case's attachments (at the stage below) before the action itself
const ACTIONS = {
  dispatch: ['unit', 'category'], redispatch: ['unit', 'category'], accept: [], return: ['reason'],
  reply: ['text', 'note', 'photo'], verify: ['pass', 'note', 'photo'], revisit: ['contacted', 'solved', 'satisfaction'],
  reopen: ['reason'], close: [], answer: ['text'], merge: ['into'], invalidate: ['reason'],
  park: ['reason'], unpark: [], extend: ['extension', 'reason'], approve_extension: ['reason'],
  refuse_extension: ['reason'], comment: ['text', 'visibility'],
  whistle: ['units', 'minutes', 'reason'], report: ['party', 'person'], co_reply: ['party', 'text', 'note'],
  release: ['party', 'reason'], mark_claimable: ['claimable'], claim: ['party'], unclaim: ['party', 'reason'],
  complete: ['party', 'text', 'note', 'hours', 'photo'],
};
const PHOTO_STAGE = { reply: 'reply', verify: 'verify', complete: 'complete' };
const REQUIRED = new Set(['reason', 'unit', 'into', 'extension', 'units', 'person']);
const REQUIRED_FOR = { release: ['party'], whistle: ['units'], report: ['person'] };

// The units an action may name (`party`, sent as `unit`): the case's own rows in the right
// state, those of the caller's units first; for a claim, the caller's outside units.
const mine = (id) => (session.me?.memberships || []).some((m) => m.unit_id === id);
const PARTY_OF = {
  report: (u) => u.role === 'whistled' && u.state === 'asked',
  co_reply: (u) => u.role === 'whistled' && u.state === 'reported',
  release: (u) => u.role === 'whistled' && (u.state === 'asked' || u.state === 'reported'),
  unclaim: (u) => u.role === 'claimant' && u.state === 'claimed',
  complete: (u) => u.role === 'claimant' && u.state === 'claimed',
};
async function partyOptions(c, action) {
  if (action === 'claim') {
    const ids = [...new Set((session.me?.memberships || []).filter((m) => ['handler', 'supervisor', 'admin'].includes(m.role)).map((m) => m.unit_id))];
    return Promise.all(ids.map(async (id) => [id, await unitName(id)]));
  }
  const rows = (c.units || []).filter(PARTY_OF[action] || (() => false));
  const own = rows.filter((u) => mine(u.unit_id));
  const list = action === 'release' || !own.length ? rows : own;
  return Promise.all(list.map(async (u) => [u.unit_id, await unitName(u.unit_id)]));
}

async function control(name, c, action) {
  switch (name) {
  case 'unit': return unitSelect(c.lead_unit_id || '', { name });
  case 'units': {
    const s = await unitSelect('', { name, multiple: true, size: 6 });
    s.firstChild.remove(); // no "choose" line in a list of several
    return s;
  }
  case 'party': return select(await partyOptions(c, action), '', { name: 'unit' });
  case 'category': return categorySelect(c.category || '', { name });
  case 'pass': case 'contacted': case 'solved': case 'claimable': return select(yesNo(), 'true', { name });
  case 'satisfaction': return select([['satisfied', t('rating.satisfied')], ['basic', t('rating.basic')], ['unsatisfied', t('rating.unsatisfied')]], 'satisfied', { name });
  case 'visibility': return select([['internal', t('visibility.internal')], ['public', t('visibility.public')]], 'internal', { name });
  case 'text': case 'note': return h('textarea', { name });
  case 'extension': return h('input', { name, placeholder: t('case.extension_hint') });
  case 'minutes': return h('input', { name, type: 'number', min: 1, max: 10080, step: 1, placeholder: '30' });
  case 'hours': return h('input', { name, type: 'number', min: 0, max: 1000, step: 0.5 });
  case 'photo': return photoInput('photo');
  default: return h('input', { name });
  }
}

function value(name, el) {
  if (['pass', 'contacted', 'solved', 'claimable'].includes(name)) return el.value === 'true';
  if (name === 'unit' || name === 'party') return el.value ? Number(el.value) : undefined;
  if (name === 'units') { const v = [...el.selectedOptions].map((o) => Number(o.value)).filter(Boolean); return v.length ? v : undefined; }
  if (name === 'minutes' || name === 'hours') return el.value === '' ? undefined : Number(el.value);
  return el.value.trim() || undefined;
}

async function actionForm(c, action, reload) {
  const controls = {};
  const parts = [];
  for (const f of ACTIONS[action] || []) {
    controls[f] = await control(f, c, action);
    const label = f === 'party' ? 'joint.unit' : f === 'photo' ? 'photo.add' : `field.${f}`;
    parts.push(field(label, controls[f], f === 'minutes' ? t('case.minutes_hint') : f === 'photo' ? t('photo.hint') : null));
  }
  const msg = h('div');
  const form = h('form', { class: 'card action', dataset: { action } }, h('h3', {}, t(`action.${action}`)), parts,
    h('button', { type: 'submit' }, t(`action.${action}`)), msg);
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const body = { action };
    const required = new Set([...REQUIRED, ...(REQUIRED_FOR[action] || [])]);
    for (const [f, el] of Object.entries(controls)) {
      if (f === 'photo') continue;
      const v = value(f, el);
      if (v === undefined && required.has(f)) return notice(msg, 'error', t('common.required', { field: t(f === 'party' ? 'joint.unit' : `field.${f}`) }));
      if (v !== undefined) body[f === 'party' ? 'unit' : f] = v;
    }
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    try {
      // the photo first: its stage is open in the state the action starts from
      const att = await sendPhoto(c.number, PHOTO_STAGE[action], controls.photo);
      if (att && ['reply', 'verify', 'complete'].includes(action)) body.photos = [att.id];
      await post(`cases/${c.number}/actions`, body);
      await reload(t('case.done', { action: t(`action.${action}`) }));
    } catch (e) { notice(msg, 'error', errorText(e)); btn.disabled = false; }
  });
  return form;
}

function eventSummary(e) {
  const b = e.body || {};
  const bits = [];
  for (const k of ['text', 'reply', 'reason', 'note', 'extension', 'satisfaction', 'into', 'channel', 'person', 'hours'])
    if (b[k] !== undefined && b[k] !== null && typeof b[k] !== 'object') bits.push(`${tOr(`field.${k}`, k)}: ${b[k]}`);
  for (const k of ['pass', 'contacted', 'solved', 'on_time'])
    if (typeof b[k] === 'boolean') bits.push(`${t(`field.${k}`)}: ${b[k] ? t('common.yes') : t('common.no')}`);
  if (b.report_by) bits.push(`${t('joint.report_by')}: ${fmtDate(b.report_by)}`);
  if (b.kb_entry?.title) bits.push(`${t('kb.entry')}: ${b.kb_entry.title}`);
  if (b.stage && b.attachment_id) bits.push(`${t('case.photos')}: ${t(`photo.stage_${b.stage}`)} #${b.attachment_id}`);
  return bits.join(' · ');
}

// Whistled units past their report-by without a report (or a release) are late.
const late = (u) => u.role === 'whistled' && u.state === 'asked' && u.report_by && Date.parse(u.report_by) < Date.now();

function stateCell(u) {
  const bits = [h('span', { class: `badge ps-${u.state}` }, tOr(`joint.state_${u.state}`, u.state))];
  if (late(u)) bits.push(' ', h('strong', { class: 'overdue' }, t('joint.late')));
  if (u.escalated) bits.push(' ', h('span', { class: 'badge vis-internal' }, t('joint.escalated')));
  if (u.on_time === false) bits.push(' ', h('span', { class: 'badge vis-internal' }, t('joint.reported_late')));
  return bits;
}

function detailCell(u) {
  const d = [];
  if (u.report_by) d.push(`${t('joint.report_by')} ${fmtDate(u.report_by)}`);
  if (u.reported_at) d.push(`${t('joint.reported_at')} ${fmtDate(u.reported_at)}`);
  if (u.person) d.push(`${t('field.person')}: ${u.person}`);
  if (u.replied_at) d.push(`${t('joint.replied_at')} ${fmtDate(u.replied_at)}`);
  if (u.released_at) d.push(`${t('joint.released_at')} ${fmtDate(u.released_at)}`);
  if (u.role === 'claimant') {
    if (u.claimed_by) d.push(`${t('joint.claimed_by')} #${u.claimed_by}`);
    if (u.done_at) d.push(`${t('joint.done_at')} ${fmtDate(u.done_at)}`);
    if (u.hours) d.push(`${t('field.hours')}: ${fmtNum(u.hours, 1)}`);
  }
  if (u.reply) d.push(`${t('case.reply')}: ${u.reply}`);
  return d.join(' · ') || '—';
}

async function unitsSection(c) {
  const rows = await Promise.all((c.units || []).map(async (u) => h('tr', { class: late(u) ? 'overdue' : '', dataset: { unit: u.code, role: u.role, state: u.state } },
    h('td', {}, await unitName(u.unit_id)), h('td', {}, tOr(`joint.role_${u.role}`, u.role)),
    h('td', { class: 'state' }, stateCell(u)),
    h('td', {}, u.by_unit_id ? await unitName(u.by_unit_id) : '—'), h('td', {}, detailCell(u)))));
  return h('section', { class: 'card', id: 'units', 'aria-labelledby': 'units-h' },
    h('h2', { id: 'units-h' }, t('joint.units')),
    rows.length ? h('table', { class: 'grid' }, h('thead', {}, h('tr', {},
      ['joint.unit', 'joint.role', 'joint.state', 'joint.by', 'joint.details'].map((k) => h('th', { scope: 'col' }, t(k))))),
    h('tbody', {}, rows)) : h('p', { class: 'empty' }, t('common.none')),
    h('p', { class: 'hint' }, c.claimable ? t('joint.claimable') : ''));
}

// Which photo stages the caller may try now (the server has the last word: 403/409).
const OPEN = { intake: ['received', 'dispatched', 'accepted', 'returned', 'parked'], reply: ['accepted', 'resolved'],
  verify: ['resolved', 'verified'], complete: ['received', 'dispatched', 'accepted', 'returned', 'parked'] };
function photoStages(c) {
  const r = session.roles;
  const out = [];
  if (OPEN.intake.includes(c.status) && (r.has('operator') || r.has('admin') || r.has('grid_worker'))) out.push('intake');
  if (OPEN.reply.includes(c.status) && (r.has('handler') || r.has('admin'))) out.push('reply');
  if (OPEN.verify.includes(c.status) && (r.has('grid_worker') || r.has('supervisor') || r.has('admin'))) out.push('verify');
  if (OPEN.complete.includes(c.status) && (c.units || []).some((u) => u.role === 'claimant' && u.state === 'claimed' && mine(u.unit_id))) out.push('complete');
  return out;
}

function photosSection(c, reload) {
  const stages = photoStages(c);
  const parts = [h('h2', {}, t('case.photos')), gallery(c.attachments, { id: 'photo-list' })];
  if (stages.length) {
    const stage = select(stages.map((s) => [s, t(`photo.stage_${s}`)]), stages[0], { name: 'stage' });
    const file = photoInput('file');
    const msg = h('div');
    const form = h('form', { class: 'row', id: 'photo-form' }, field('photo.stage', stage), field('photo.add', file),
      h('button', { type: 'submit' }, t('photo.upload')), msg);
    form.addEventListener('submit', async (ev) => {
      ev.preventDefault();
      if (!file.files.length) return notice(msg, 'error', t('common.required', { field: t('photo.add') }));
      try { await sendPhoto(c.number, stage.value, file); await reload(t('photo.added')); } catch (e) { notice(msg, 'error', errorText(e)); }
    });
    parts.push(form);
  }
  return h('section', { class: 'card', id: 'photos' }, parts);
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
  // an admin's read of the reporter's data is recorded with a reason (DESIGN §8)
  const c = await api('GET', `cases/${encodeURIComponent(number)}`, undefined, { 'X-Access-Reason': 'web console: case page' });
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
  const photos = photosSection(c, reload);
  const parties = await unitsSection(c);
  const msg = h('div');
  clear(el,
    h('h1', {}, `${t('case.title')} ${c.number}`),
    msg,
    h('div', { class: 'cols' },
      h('div', {}, h('section', { class: 'card' }, h('h2', {}, t('case.text')), h('p', { id: 'case-text' }, c.text)),
        h('section', { class: 'card' }, h('h2', {}, t('case.facts')), facts),
        h('section', { 'aria-labelledby': 'act-h' }, h('h2', { id: 'act-h' }, t('case.actions')),
          forms.length ? forms : h('p', { class: 'empty' }, t('case.no_actions')))),
      h('div', {}, parties, photos, h('section', { class: 'card' }, mapEl),
        h('section', { class: 'card' }, h('h2', {}, t('case.timeline')), await timeline(c.number)))));
  if (flash) notice(msg, 'ok', flash);
  const map = makeMap(mapEl);
  addJurisdictions(map, { fit: c.lat === null }).catch(() => {});
  if (c.lat !== null && c.lon !== null) { pin(c.lat, c.lon, c.number).addTo(map); map.setView([c.lat, c.lon], 15); }
}
