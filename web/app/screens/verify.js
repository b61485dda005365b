// verify.js - the grid worker's checks and the operator's callbacks: resolved cases to verify
// on site, and resolved or verified cases whose reporter is to be called back (revisit:
// contacted, solved, satisfaction). Each opens the case page with its form.
import { get, qs } from '../api.js';
import { t } from '../i18n.js';
import { h, clear, casePager, caseLink, when, statusBadge, notice, errorText } from '../ui.js';
import { hasRole } from '../session.js';

export async function render(el) {
  const tabs = h('div', { class: 'tabs', role: 'tablist' });
  const list = h('div');
  clear(el, h('h1', {}, t('nav.verify')), tabs, h('div', { class: 'card' }, list));
  const views = [];
  if (hasRole('grid_worker', 'supervisor', 'admin')) views.push(['resolved', 'verify.tab_verify']);
  if (hasRole('operator', 'admin')) views.push(['resolved,verified', 'verify.tab_revisit']);
  let current = views[0][0];
  const load = () => casePager(list, { status: current, sort: 'created', order: 'asc' }, [
    { key: 'case.number', cell: caseLink },
    { key: 'case.status', cell: (c) => statusBadge(c.status) },
    { key: 'case.text', cell: (c) => (c.text.length > 70 ? `${c.text.slice(0, 70)}…` : c.text) },
    { key: 'case.created', cell: (c) => when(c.created_at) },
    { key: 'common.actions', cell: (c) => h('a', { href: `/cases/${c.number}`, dataset: { link: '' } }, t(current === 'resolved' ? 'action.verify' : 'action.revisit')) },
  ], { api: { get, qs }, onError: (e) => notice(list, 'error', errorText(e)) });
  for (const [v, key] of views)
    tabs.append(h('button', { type: 'button', role: 'tab', 'aria-selected': String(v === current), dataset: { tab: v },
      onclick: (ev) => { current = v; for (const b of tabs.children) b.setAttribute('aria-selected', String(b === ev.currentTarget)); load(); } }, t(key)));
  await load();
}
