// dispatch.js - the dispatcher's queue: cases awaiting a decision (received, returned), each
// with the intake's routing suggestion; dispatch to a unit (with the category), arbitrate a
// return (dispatch again, to the same unit or another), or invalidate; whistling and opening a
// case for claims are on the case page, linked from here when allowed.
import { get, post, qs } from '../api.js';
import { t, fmtPct } from '../i18n.js';
import { h, clear, field, casePager, caseLink, when, statusBadge, notice, errorText } from '../ui.js';
import { categorySelect, unitSelect, unitName, categoryName } from '../widgets.js';

export async function render(el) {
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const list = h('div');
  const panel = h('div', { id: 'dispatch-panel' });
  clear(el, h('h1', {}, t('nav.dispatch')), tabs, h('div', { class: 'cols' }, h('div', { class: 'card' }, list), panel));
  const views = [['received', 'dispatch.tab_received'], ['returned', 'dispatch.tab_returned']];
  let current = 'received';
  const load = () => casePager(list, { status: current, sort: 'created', order: 'asc' }, [
    { key: 'case.number', cell: caseLink },
    { key: 'case.created', cell: (c) => when(c.created_at) },
    { key: 'case.text', cell: (c) => (c.text.length > 60 ? `${c.text.slice(0, 60)}…` : c.text) },
    { key: 'common.actions', cell: (c) => h('button', { type: 'button', class: 'secondary', dataset: { open: c.number },
      onclick: () => openCase(panel, c.number, load) }, t('dispatch.decide')) },
  ], { api: { get, qs }, onError: (e) => notice(list, 'error', errorText(e)) });
  for (const [v, key] of views) {
    tabs.append(h('button', { type: 'button', role: 'tab', 'aria-selected': String(v === current), dataset: { tab: v },
      onclick: (ev) => { current = v; for (const b of tabs.children) b.setAttribute('aria-selected', String(b === ev.currentTarget)); clear(panel); load(); } }, t(key)));
  }
  await load();
}

async function suggestion(number) {
  const ev = await get(`cases/${number}/events`);
  const created = ev.items.find((e) => e.kind === 'created');
  const ret = [...ev.items].reverse().find((e) => e.kind === 'return');
  return { route: created?.body?.route || null, suggested: created?.body?.suggested_categories || null, ret };
}

async function openCase(panel, number, reload) {
  const c = await get(`cases/${number}`);
  const { route, suggested, ret } = await suggestion(number);
  const cat = await categorySelect(c.category || suggested?.[0]?.category || '', { name: 'category' });
  const unit = await unitSelect(route?.lead_unit_id || c.lead_unit_id || '', { name: 'unit' });
  const reason = h('input', { name: 'reason' });
  const msg = h('div');
  const act = async (body) => {
    try {
      await post(`cases/${number}/actions`, body);
      notice(msg, 'ok', t('dispatch.done', { number }));
      await reload();
    } catch (e) { notice(msg, 'error', errorText(e)); }
  };
  const can = (a) => c.allowed_actions.includes(a);
  // the joint actions this caller may take (whistle, open for claims) are on the case page
  const joint = ['whistle', 'mark_claimable'].filter(can);
  const whistleSpot = h('div', { hidden: !joint.length, id: 'whistle-spot' },
    h('a', { href: `/cases/${number}`, dataset: { link: '' } }, joint.map((a) => t(`action.${a}`)).join(' · ')));
  clear(panel, h('section', { class: 'card', 'aria-labelledby': 'dp-h' },
    h('h2', { id: 'dp-h' }, `${t('dispatch.case')} `, caseLink(c), ' ', statusBadge(c.status)),
    h('p', {}, c.text),
    h('dl', { class: 'kv' },
      h('dt', {}, t('case.created')), h('dd', {}, when(c.created_at)),
      h('dt', {}, t('case.address')), h('dd', {}, c.address || '—'),
      h('dt', {}, t('route.title')), h('dd', { id: 'dp-route' }, route ? `${t(`route.source.${route.source}`)} → ${await unitName(route.lead_unit_id)}` : '—'),
      h('dt', {}, t('intake.suggested')), h('dd', {}, suggested?.length ? suggested.map((s) => `${s.category} ${fmtPct(s.p, 0)}`).join(', ') : '—'),
      ret ? h('dt', {}, t('dispatch.return_reason')) : null, ret ? h('dd', { id: 'dp-return' }, ret.body?.reason || '—') : null,
      h('dt', {}, t('case.category')), h('dd', {}, await categoryName(c.category))),
    field('case.category', cat),
    field('dispatch.unit', unit),
    h('div', { class: 'actions' },
      can('dispatch') ? h('button', { type: 'button', id: 'do-dispatch', onclick: () => {
        if (!unit.value) return notice(msg, 'error', t('dispatch.need_unit'));
        const body = { action: 'dispatch', unit: Number(unit.value) };
        if (cat.value) body.category = cat.value;
        return act(body);
      } }, t('action.dispatch')) : null),
    h('h3', {}, t('dispatch.other')),
    field('action.reason', reason),
    h('div', { class: 'actions' },
      can('invalidate') ? h('button', { type: 'button', class: 'secondary', onclick: () => act({ action: 'invalidate', reason: reason.value || '—' }) }, t('action.invalidate')) : null),
    whistleSpot, msg));
  unit.focus();
}
